using System.Text;
using Escala.Configuration;
using Escala.Security;
using Escala.Server.Hosting;
using Escala.Storage;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.IdentityModel.Tokens;

namespace Escala.Server.Security;

/// <summary>Registers and wires the API's security: keys, JWT, scopes, tenancy, request limits, rate limits, error responses.</summary>
public static class SecurityServiceCollectionExtensions
{
    public static IServiceCollection AddEscalaSecurity(this IServiceCollection services, SecuritySettings security, IJobStore store)
    {
        var keys = store as IKeyStore ?? throw new InvalidOperationException("The store keeps no API keys.");
        services.AddSingleton(security);
        services.AddSingleton(keys);
        services.AddSingleton<KeyCache>();
        services.AddSingleton<AuditLog>();
        services.AddSingleton<StreamSlots>();
        services.AddSingleton<LargeBodyTurns>();
        services.AddSingleton<ApiRateLimiter>();
        services.AddSingleton(new Workloads.Http.EgressPolicy(security.Options.Egress));
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.Configure<FormOptions>(o => o.MultipartBodyLengthLimit = SecurityDefaults.SmallBodyBytes);
        var authentication = services.AddAuthentication();
        WithoutDataProtectionStartup(services);
        if (security.Options.Jwt is { } jwt)
        {
            authentication.AddJwtBearer(o =>
            {
                o.MapInboundClaims = false;
                o.RequireHttpsMetadata = false;
                o.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = jwt.Issuer,
                    ValidAudience = jwt.Audience,
                    ValidateIssuer = true,
                    ValidateAudience = true,
                    ValidateLifetime = true,
                    RequireExpirationTime = true,
                    RequireSignedTokens = true,
                    ValidateIssuerSigningKey = true,
                    ClockSkew = TimeSpan.FromSeconds(30),
                    IssuerSigningKeys = SigningKeys(jwt),
                };
            });
        }

        services.AddAuthorization(o =>
        {
            foreach (var scope in Scopes.All)
            {
                o.AddPolicy(scope, p => p.RequireClaim("scope", scope));
            }
        });
        if (security.Options.CorsOrigins is { Length: > 0 } origins)
        {
            services.AddCors(o => o.AddDefaultPolicy(p => p.WithOrigins(origins).AllowAnyHeader().AllowAnyMethod()));
        }

        return services;
    }

    /// <summary>
    /// <c>AddAuthentication</c> brings ASP.NET Core's data protection, whose hosted service loads (and on first start
    /// creates) a key ring at start-up: an unencrypted key file in <c>~/.aspnet/DataProtection-Keys</c>, outside the
    /// node's data directory, and the XML and OpenSSL libraries in every node's memory (about 9 MB). Nothing in Escala
    /// protects data with it (no cookies, no antiforgery; bearer keys and JWTs do not use it), so it does not start.
    /// </summary>
    private static void WithoutDataProtectionStartup(IServiceCollection services)
    {
        for (var i = services.Count - 1; i >= 0; i--)
        {
            if (services[i].ServiceType == typeof(IHostedService)
                && services[i].ImplementationType?.Namespace?.StartsWith("Microsoft.AspNetCore.DataProtection", StringComparison.Ordinal) == true)
            {
                services.RemoveAt(i);
            }
        }
    }

    /// <summary>The middleware, in order, and <c>/v1/keys</c>. Call before mapping endpoints.</summary>
    public static WebApplication UseEscalaSecurity(this WebApplication app)
    {
        var security = app.Services.GetRequiredService<SecuritySettings>();
        app.UseMiddleware<ErrorResponses>();
        app.UseEscalaSecurityHeaders();
        app.UseMiddleware<RequestGuards>();
        app.UseRouting();
        if (security.Options.CorsOrigins is { Length: > 0 })
        {
            app.UseCors();
        }

        app.UseMiddleware<AccessControl>();
        app.UseMiddleware<BodyLimits>();
        app.UseMiddleware<ApiRateLimits>();
        app.UseMiddleware<StreamLimits>();
        app.UseMiddleware<BodyRules>();
        app.UseMiddleware<AdminAudit>();
        app.UseAuthorization();
        app.MapKeys();
        return app;
    }

    private static List<SecurityKey> SigningKeys(JwtOptions jwt)
    {
        if (jwt.JwksFile is { Length: > 0 } jwks)
        {
            return [.. new JsonWebKeySet(File.ReadAllText(jwks)).GetSigningKeys()];
        }

        var secret = jwt.SigningKey ?? File.ReadAllText(jwt.SigningKeyFile!).Trim();
        return [new SymmetricSecurityKey(Encoding.UTF8.GetBytes(secret))];
    }
}
