using System.Net;
using Escala.Configuration;
using Escala.Governance;
using Escala.Workloads.Http;

namespace Escala.Server.Security;

/// <summary><see cref="SecurityOptions"/> validated, with what the node's listening addresses imply.</summary>
public sealed class SecuritySettings
{
    public required SecurityOptions Options { get; init; }

    /// <summary>True when every address the node listens on is loopback.</summary>
    public required bool LoopbackOnly { get; init; }

    public required IReadOnlyList<string> AllowedHosts { get; init; }

    public RateLimit? PerKey { get; init; }

    public RateLimit? PerIp { get; init; }

    public RateLimit? Global { get; init; }

    public required IReadOnlyDictionary<string, RateLimit> Routes { get; init; }

    public bool JwtEnabled => Options.Jwt is not null;

    /// <summary>Reads section <c>security</c>; throws <see cref="ConfigurationException"/> naming every bad key.</summary>
    public static SecuritySettings Build(IConfiguration configuration)
    {
        SecurityOptions options;
        try
        {
            options = configuration.GetSection("Security").Get<SecurityOptions>() ?? new SecurityOptions();
        }
        catch (InvalidOperationException ex)
        {
            throw new ConfigurationException([ex.Message]);
        }

        var errors = new List<string>();
        var loopback = ListensOnLoopbackOnly(configuration["Urls"] ?? "http://127.0.0.1:8080");
        if (options.Open == true && !loopback)
        {
            errors.Add("security:open: open mode is allowed only when the node listens on loopback (127.0.0.1 or ::1).");
        }

        if (options.MaxBatchBodyBytes < SecurityDefaults.SmallBodyBytes || options.MaxBatchBodyBytes > SecurityDefaults.MaxBatchBodyBytesBound)
        {
            errors.Add($"security:maxBatchBodyBytes: {options.MaxBatchBodyBytes} is outside {SecurityDefaults.SmallBodyBytes}..{SecurityDefaults.MaxBatchBodyBytesBound}.");
        }

        if (options.MaxStreamsPerKey is < 1 or > 100_000)
        {
            errors.Add($"security:maxStreamsPerKey: {options.MaxStreamsPerKey} is outside 1..100000.");
        }

        if (options.MaxStreams is < 1 or > 1_000_000)
        {
            errors.Add($"security:maxStreams: {options.MaxStreams} is outside 1..1000000.");
        }

        if (options.Jwt is { } jwt)
        {
            if (string.IsNullOrWhiteSpace(jwt.Issuer))
            {
                errors.Add("security:jwt:issuer: required when JWT is configured.");
            }

            if (string.IsNullOrWhiteSpace(jwt.Audience))
            {
                errors.Add("security:jwt:audience: required when JWT is configured.");
            }

            var keys = new[] { jwt.SigningKey, jwt.SigningKeyFile, jwt.JwksFile }.Count(k => !string.IsNullOrWhiteSpace(k));
            if (keys != 1)
            {
                errors.Add("security:jwt: give exactly one of signingKey, signingKeyFile or jwksFile.");
            }

            if (jwt.SigningKey is { } secret && System.Text.Encoding.UTF8.GetByteCount(secret) < 32)
            {
                errors.Add("security:jwt:signingKey: use at least 32 bytes (256 bits).");
            }

            foreach (var (key, file) in new[] { ("security:jwt:signingKeyFile", jwt.SigningKeyFile), ("security:jwt:jwksFile", jwt.JwksFile) })
            {
                if (!string.IsNullOrWhiteSpace(file) && !File.Exists(file))
                {
                    errors.Add($"{key}: the file '{file}' does not exist.");
                }
            }
        }

        foreach (var entry in options.Egress.Allow)
        {
            if (!EgressRule.TryParse(entry, out _))
            {
                errors.Add($"security:egress:allow: '{entry}' is not a host name, *.domain or address range such as 10.0.0.0/8.");
            }
        }

        var limits = options.RateLimits;
        var routes = new Dictionary<string, RateLimit>(StringComparer.OrdinalIgnoreCase);
        foreach (var (route, text) in limits.Routes)
        {
            if (Rate(errors, $"security:rateLimits:routes:{route}", text) is { } rate)
            {
                routes[route.Trim()] = rate;
            }
        }

        var settings = new SecuritySettings
        {
            Options = options,
            LoopbackOnly = loopback,
            AllowedHosts = options.AllowedHosts is { Length: > 0 } hosts ? hosts
                : loopback ? ["localhost", "127.0.0.1", "::1", "[::1]"] : [],
            PerKey = Rate(errors, "security:rateLimits:perKey", limits.PerKey),
            PerIp = Rate(errors, "security:rateLimits:perIp", limits.PerIp),
            Global = Rate(errors, "security:rateLimits:global", limits.Global),
            Routes = routes,
        };

        if (errors.Count > 0)
        {
            throw new ConfigurationException(errors);
        }

        return settings;
    }

    /// <summary>True when every URL's host is a loopback address or <c>localhost</c>.</summary>
    public static bool ListensOnLoopbackOnly(string urls) =>
        urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).All(url =>
        {
            var host = url;
            var scheme = host.IndexOf("://", StringComparison.Ordinal);
            if (scheme >= 0)
            {
                host = host[(scheme + 3)..];
            }

            var slash = host.IndexOf('/', StringComparison.Ordinal);
            if (slash >= 0)
            {
                host = host[..slash];
            }

            if (host.StartsWith('['))
            {
                host = host[1..host.IndexOf(']', StringComparison.Ordinal)];
            }
            else if (host.LastIndexOf(':') is var colon and > 0)
            {
                host = host[..colon];
            }

            return host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
                || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));
        });

    private static RateLimit? Rate(List<string> errors, string key, string? text)
    {
        if (text is null)
        {
            return null;
        }

        if (!SettingsBuilder.TryParseRate(text, out var rate))
        {
            errors.Add($"{key}: '{text}' is not a rate such as 60/min, 10/s or 1000/1h.");
        }

        return rate;
    }
}
