namespace Escala.Configuration;

/// <summary>The result cache's settings after validation (<see cref="CacheOptions"/>).</summary>
public sealed record CacheSettings
{
    public static CacheSettings Default { get; } = new() { Enabled = true, Kinds = new Dictionary<string, TimeSpan>(), MaxTtl = TimeSpan.FromHours(24) };

    public required bool Enabled { get; init; }
    public required IReadOnlyDictionary<string, TimeSpan> Kinds { get; init; }
    public required TimeSpan MaxTtl { get; init; }

    /// <summary>Validates <paramref name="options"/>; errors name their key (<c>cache:kinds:llm.chat</c>).</summary>
    public static CacheSettings Build(CacheOptions options, List<string> errors)
    {
        if (!Durations.TryParse(options.MaxTtl, out var max) || max <= TimeSpan.Zero)
        {
            errors.Add($"cache:maxTtl: '{options.MaxTtl}' is not a duration longer than zero, such as 24h.");
        }

        var kinds = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
        foreach (var (kind, text) in options.Kinds)
        {
            if (!Durations.TryParse(text, out var ttl) || (max > TimeSpan.Zero && ttl > max))
            {
                errors.Add($"cache:kinds:{kind}: '{text}' is not a duration of at most cache:maxTtl ({options.MaxTtl}).");
            }

            kinds[kind] = ttl;
        }

        return new CacheSettings { Enabled = options.Enabled, Kinds = kinds, MaxTtl = max };
    }
}
