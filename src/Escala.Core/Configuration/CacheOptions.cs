namespace Escala.Configuration;

/// <summary>
/// The result cache (<c>cache</c>): a job submitted with <c>cache: {"ttl": "10m"}</c> (or of a kind listed in
/// <see cref="Kinds"/>) whose kind and arguments match a job of the same tenant completed within the TTL completes at
/// once with that result, without a worker or a resource slot.
/// </summary>
public sealed class CacheOptions : IValidatableOptions
{
    /// <summary>When false, <c>cache</c> on a job is accepted and ignored.</summary>
    /// <value>Defaults to <see cref="CacheDefaults.Enabled"/> (true).</value>
    public bool Enabled { get; set; } = CacheDefaults.Enabled;

    /// <summary>Default TTL by job kind (<c>"llm.chat": "10m"</c>); a job's own <c>cache.ttl</c> wins, <c>0s</c> turns it off. At most <see cref="MaxTtl"/>.</summary>
    /// <value>Empty by default.</value>
    public Dictionary<string, TimeSpan> Kinds { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Longest TTL a job or kind may ask for.</summary>
    /// <value>Defaults to <see cref="CacheDefaults.MaxTtl"/> (24h).</value>
    [Positive]
    public TimeSpan MaxTtl { get; set; } = CacheDefaults.MaxTtl;

    /// <inheritdoc />
    public IEnumerable<string> Validate(string path)
    {
        foreach (var kind in Kinds.Where(k => MaxTtl > TimeSpan.Zero && k.Value > MaxTtl).Select(k => k.Key))
        {
            yield return $"{path}:kinds:{kind}: must be at most {path}:maxTtl ({Durations.Format(MaxTtl)}).";
        }
    }
}
