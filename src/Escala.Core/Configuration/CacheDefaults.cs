namespace Escala.Configuration;

/// <summary>Defaults of <see cref="CacheOptions"/>.</summary>
public static class CacheDefaults
{
    public const bool Enabled = true;
    public const string MaxTtl = "24h";
}
