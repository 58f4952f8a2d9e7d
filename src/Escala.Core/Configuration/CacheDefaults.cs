namespace Escala.Configuration;

/// <summary>Defaults of <see cref="CacheOptions"/>.</summary>
public static class CacheDefaults
{
    public const bool Enabled = true;
    public static readonly TimeSpan MaxTtl = TimeSpan.FromHours(24);
}
