namespace Escala.Configuration;

/// <summary>Defaults of <see cref="LimitOptions"/>.</summary>
public static class LimitDefaults
{
    public const int MaxArgsBytes = 1 << 20;
    public const int MaxBatch = 1000;
    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(60);
}
