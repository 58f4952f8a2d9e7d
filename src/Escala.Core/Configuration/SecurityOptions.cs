namespace Escala.Configuration;

/// <summary>
/// API keys, JWT, request limits, rate limits and egress (section <c>security</c>). Defaults are in
/// <see cref="SecurityDefaults"/> and on each property.
/// </summary>
public sealed class SecurityOptions
{
    /// <summary>
    /// Open mode: requests without credentials act as tenant <c>default</c> with every scope. Only allowed
    /// when the node listens on loopback alone. Unset (the default): open while no API key exists and no JWT is
    /// configured, on loopback only; <c>true</c>: open on loopback even with keys; <c>false</c>: never open.
    /// </summary>
    public bool? Open { get; set; }

    /// <summary>
    /// Host header values accepted (<c>escala.example.com</c>, <c>*.example.com</c>, an IP), against DNS rebinding.
    /// Defaults to <c>localhost</c>, <c>127.0.0.1</c> and <c>::1</c> when the node listens on loopback only, and to any host otherwise.
    /// </summary>
    public string[]? AllowedHosts { get; set; }

    /// <summary>Origins allowed to call the API from a browser (CORS). Defaults to none: CORS is off.</summary>
    public string[]? CorsOrigins { get; set; }

    /// <summary>Optional JWT bearer validation; unset for API keys only.</summary>
    public JwtOptions? Jwt { get; set; }

    /// <summary>API rate limits; each unset limit is off.</summary>
    public ApiRateLimitOptions RateLimits { get; set; } = new();

    /// <summary>Where the <c>http</c> kind may connect.</summary>
    public EgressOptions Egress { get; set; } = new();

    /// <summary>Largest body of <c>POST /v1/jobs/batch</c> in bytes. Defaults to <see cref="SecurityDefaults.MaxBatchBodyBytes"/> (8 MiB), at most 256 MiB.</summary>
    public long MaxBatchBodyBytes { get; set; } = SecurityDefaults.MaxBatchBodyBytes;

    /// <summary>Most server-sent event streams open at once per key (or per address in open mode). Defaults to <see cref="SecurityDefaults.MaxStreamsPerKey"/> (20).</summary>
    public int MaxStreamsPerKey { get; set; } = SecurityDefaults.MaxStreamsPerKey;

    /// <summary>Most server-sent event streams open at once on this node. Defaults to <see cref="SecurityDefaults.MaxStreams"/> (1000).</summary>
    public int MaxStreams { get; set; } = SecurityDefaults.MaxStreams;

    /// <summary>When true, <c>/metrics</c> needs no key (a scraper on a private network). Defaults to false: it needs the <c>read</c> scope.</summary>
    public bool PublicMetrics { get; set; }
}

/// <summary>JWT bearer tokens (section <c>security:jwt</c>): issuer, audience and a key; claims give tenant and scopes.</summary>
public sealed class JwtOptions
{
    /// <summary>The required <c>iss</c>.</summary>
    public string? Issuer { get; set; }

    /// <summary>The required <c>aud</c>.</summary>
    public string? Audience { get; set; }

    /// <summary>An HMAC key (at least 32 bytes of text); prefer <see cref="SigningKeyFile"/> or <c>ESCALA_Security__Jwt__SigningKey_FILE</c>.</summary>
    public string? SigningKey { get; set; }

    /// <summary>A file holding the HMAC key.</summary>
    public string? SigningKeyFile { get; set; }

    /// <summary>A JSON Web Key Set file (RSA or EC public keys).</summary>
    public string? JwksFile { get; set; }

    /// <summary>The claim naming the tenant. Defaults to <c>tenant</c>.</summary>
    public string TenantClaim { get; set; } = SecurityDefaults.TenantClaim;

    /// <summary>The claim listing scopes (space-separated or an array). Defaults to <c>scope</c>.</summary>
    public string ScopeClaim { get; set; } = SecurityDefaults.ScopeClaim;
}

/// <summary>API rate limits (section <c>security:rateLimits</c>), rates such as <c>600/min</c>; on PostgreSQL they hold across nodes.</summary>
public sealed class ApiRateLimitOptions
{
    /// <summary>Requests per API key (or JWT subject). Unset: no limit.</summary>
    public string? PerKey { get; set; }

    /// <summary>Requests per client address. Unset: no limit.</summary>
    public string? PerIp { get; set; }

    /// <summary>Requests to the whole API. Unset: no limit.</summary>
    public string? Global { get; set; }

    /// <summary>Requests per route per key, by route (<c>POST /v1/jobs</c>, <c>GET /v1/jobs/{id}</c>). Unset: none.</summary>
    public Dictionary<string, string> Routes { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}

/// <summary>Outbound calls of the <c>http</c> kind (section <c>security:egress</c>).</summary>
public sealed class EgressOptions
{
    /// <summary>
    /// Hosts (<c>api.example.com</c>, <c>*.example.com</c>) and address ranges (<c>10.1.0.0/16</c>, <c>127.0.0.1/32</c>)
    /// the kind may reach even when they are loopback, link-local or private. Public addresses are always reachable
    /// unless <see cref="AllowPublic"/> is false.
    /// </summary>
    public string[] Allow { get; set; } = [];

    /// <summary>Whether public internet addresses are reachable. Defaults to true.</summary>
    public bool AllowPublic { get; set; } = true;
}
