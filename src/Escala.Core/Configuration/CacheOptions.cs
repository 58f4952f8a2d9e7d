namespace Escala.Configuration;

/// <summary>
/// The result cache (<c>cache</c>): a job submitted with <c>cache: {"ttl": "10m"}</c> (or of a kind listed in
/// <see cref="Kinds"/>) whose kind and arguments match a job of the same tenant completed within the TTL completes at
/// once with that result, without a worker or a resource slot.
/// </summary>
public sealed class CacheOptions
{
    /// <summary>When false, <c>cache</c> on a job is accepted and ignored. Defaults to true.</summary>
    public bool Enabled { get; set; } = CacheDefaults.Enabled;

    /// <summary>Default TTL by job kind (<c>"llm.chat": "10m"</c>); a job's own <c>cache.ttl</c> wins, <c>0s</c> turns it off. Empty by default.</summary>
    public Dictionary<string, string> Kinds { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Longest TTL a job or kind may ask for. Defaults to 24h.</summary>
    public string MaxTtl { get; set; } = CacheDefaults.MaxTtl;
}
