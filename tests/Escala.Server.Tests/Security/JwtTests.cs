using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text;
using Escala.Server.Tests.Support;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Escala.Server.Tests.Security;

/// <summary>JWT bearer tokens: issuer, audience, signature and expiry checked; claims give the tenant and the scopes.</summary>
public sealed class JwtTests : NodeTest
{
    private const string Secret = "a-test-signing-key-of-at-least-32-bytes!";

    protected override IReadOnlyDictionary<string, string?> Overrides => new Dictionary<string, string?>
    {
        ["Security:Jwt:Issuer"] = "https://idp.example",
        ["Security:Jwt:Audience"] = "escala",
        ["Security:Jwt:SigningKey"] = Secret,
    };

    private static string Token(string? tenant = "acme", string scope = "submit read", string issuer = "https://idp.example",
        string audience = "escala", string secret = Secret, DateTime? expires = null)
    {
        var claims = new List<Claim> { new("sub", "user-1"), new("scope", scope) };
        if (tenant is not null)
        {
            claims.Add(new Claim("tenant", tenant));
        }

        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Subject = new ClaimsIdentity(claims),
            NotBefore = DateTime.UtcNow.AddMinutes(-10),
            Expires = expires ?? DateTime.UtcNow.AddMinutes(5),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(secret)), SecurityAlgorithms.HmacSha256),
        });
    }

    private HttpClient With(string token)
    {
        var client = new HttpClient { BaseAddress = Node.Address };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    [Fact]
    public async Task ValidToken_ActsForItsTenantWithItsScopes()
    {
        using var acme = With(Token());
        using var other = With(Token(tenant: "globex"));

        using var submitted = await acme.PostAsJsonAsync("/v1/jobs", new { kind = "noop", delay = "1h" });
        await EscalaApi.ExpectAsync(submitted, HttpStatusCode.Created);
        var id = EscalaApi.Id(await EscalaApi.ReadAsync(submitted));

        await EscalaApi.ExpectAsync(await acme.GetAsync($"/v1/jobs/{id}"), HttpStatusCode.OK);
        await Problem.AssertAsync(await other.GetAsync($"/v1/jobs/{id}"), HttpStatusCode.NotFound);
        await Problem.AssertAsync(await acme.PostAsync("/v1/queues/default/pause", EscalaApi.EmptyJson()), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task NoCredentials_WithJwtConfigured_Is401()
    {
        await Problem.AssertAsync(await Node.Http.GetAsync("/v1/jobs"), HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("issuer")]
    [InlineData("audience")]
    [InlineData("signature")]
    [InlineData("expired")]
    [InlineData("no tenant")]
    [InlineData("bad tenant")]
    public async Task BadToken_Is401(string fault)
    {
        var token = fault switch
        {
            "issuer" => Token(issuer: "https://evil.example"),
            "audience" => Token(audience: "other"),
            "signature" => Token(secret: "another-signing-key-of-at-least-32-bytes"),
            "expired" => Token(expires: DateTime.UtcNow.AddMinutes(-5)),
            "no tenant" => Token(tenant: null),
            _ => Token(tenant: "../etc\n"),
        };
        using var client = With(token);

        await Problem.AssertFieldAsync(await client.GetAsync("/v1/jobs"), HttpStatusCode.Unauthorized, "Authorization");
    }
}
