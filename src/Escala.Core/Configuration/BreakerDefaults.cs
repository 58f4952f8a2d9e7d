namespace Escala.Configuration;

/// <summary>Defaults of <see cref="BreakerOptions"/>.</summary>
public static class BreakerDefaults
{
    public const int Failures = 5;
    public const int MinThroughput = 10;
    public const int Probes = 1;
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan OpenFor = TimeSpan.FromSeconds(30);
}
