using Escala.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;

namespace Escala.Server.Security;

/// <summary>
/// Authenticates every request (an API key <c>Authorization: Bearer esk_…</c>, a JWT when configured, or
/// nothing in open mode), attaches the <see cref="Caller"/> and its tenant, and enforces the scope
/// <see cref="ScopeRules"/> requires: 401 without valid credentials, 403 without the scope.
/// </summary>
public sealed class AccessControl(RequestDelegate next, SecuritySettings security, KeyCache keys)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var (caller, failure) = await AuthenticateAsync(context);
        if (failure is not null)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
            await ProblemWriter.WriteAsync(context, StatusCodes.Status401Unauthorized, failure, "Authorization", failure);
            return;
        }

        caller?.AttachTo(context);
        var required = ScopeRules.Required(context.Request, security.Options.PublicMetrics);
        if (required is not null)
        {
            if (caller is null)
            {
                context.Response.Headers.WWWAuthenticate = "Bearer";
                await ProblemWriter.WriteAsync(context, StatusCodes.Status401Unauthorized,
                    "Send an API key as Authorization: Bearer esk_… (create one with `escala keys create`).", "Authorization", "Missing.");
                return;
            }

            if (!caller.Scopes.Contains(required))
            {
                await ProblemWriter.WriteAsync(context, StatusCodes.Status403Forbidden,
                    $"This request needs the '{required}' scope.", "scope", $"The credentials lack '{required}'.");
                return;
            }
        }

        await next(context);
    }

    private async Task<(Caller? Caller, string? Failure)> AuthenticateAsync(HttpContext context)
    {
        var header = context.Request.Headers.Authorization;
        if (header.Count == 0)
        {
            return (await OpenAsync(context.RequestAborted) ? Caller.Open(context.Connection.RemoteIpAddress?.ToString() ?? "local") : null, null);
        }

        var value = header.Count == 1 ? header[0] : null;
        if (value is null || !value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return (null, "Use one Authorization: Bearer header.");
        }

        var token = value["Bearer ".Length..].Trim();
        if (token.StartsWith(ApiKeySecrets.Prefix, StringComparison.Ordinal))
        {
            if (!ApiKeySecrets.TryParse(token, out var id, out var secret))
            {
                return (null, "The API key is malformed.");
            }

            var key = await keys.FindAsync(id, context.RequestAborted);
            if (key is null || key.RevokedAt is not null || !ApiKeySecrets.Matches(secret, key.SecretHash))
            {
                return (null, "The API key is unknown or revoked.");
            }

            return (Caller.FromKey(key), null);
        }

        if (!security.JwtEnabled)
        {
            return (null, "The API key is malformed.");
        }

        var result = await context.AuthenticateAsync(JwtBearerDefaults.AuthenticationScheme);
        if (!result.Succeeded || result.Principal is not { } principal)
        {
            return (null, "The token is not valid here (signature, issuer, audience or expiry).");
        }

        var jwt = security.Options.Jwt!;
        var tenant = principal.FindFirst(jwt.TenantClaim)?.Value;
        if (string.IsNullOrWhiteSpace(tenant) || !Escala.Configuration.SettingsBuilder.IsValidName(tenant))
        {
            return (null, $"The token has no valid '{jwt.TenantClaim}' claim.");
        }

        var scopes = principal.FindAll(jwt.ScopeClaim)
            .SelectMany(c => c.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(Scopes.IsKnown)
            .ToHashSet(StringComparer.Ordinal);
        var subject = principal.FindFirst("sub")?.Value ?? "unknown";
        subject = subject.Length > 64 ? subject[..64] : subject;
        return (new Caller("jwt:" + subject, tenant, scopes, null, "jwt:" + tenant + ":" + subject), null);
    }

    private async Task<bool> OpenAsync(CancellationToken ct) =>
        security.LoopbackOnly && security.Options.Open != false
        && (security.Options.Open == true || (!security.JwtEnabled && !await keys.AnyKeysAsync(ct)));
}
