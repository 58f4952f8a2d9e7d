namespace Escala.Client;

/// <summary>A job's <c>cache</c>: complete it at once with the result of an identical job completed within <see cref="Ttl"/>.</summary>
public sealed record CacheRequest
{
    /// <summary>How old a result may be: <c>10m</c>; <c>0s</c> turns off the kind's default.</summary>
    public string? Ttl { get; init; }
}
