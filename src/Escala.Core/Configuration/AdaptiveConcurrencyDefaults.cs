namespace Escala.Configuration;

/// <summary>Defaults of <see cref="AdaptiveConcurrencyOptions"/>.</summary>
public static class AdaptiveConcurrencyDefaults
{
    public const int Min = 1;
    public const int Max = 100;
    public const double Tolerance = 1.5;
    public const double Backoff = 0.6;
}
