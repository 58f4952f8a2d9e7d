namespace Escala.Governance;

/// <summary>Exponential backoff with jitter: base × 2^(attempt−1), capped, then ±20 %.</summary>
public static class RetryPolicy
{
    private const double Jitter = 0.2;

    /// <summary>The wait before the attempt after <paramref name="attempt"/> (1-based) failed.</summary>
    public static TimeSpan Backoff(int attempt, TimeSpan baseDelay, TimeSpan maxDelay, double random)
    {
        var exponent = Math.Clamp(attempt - 1, 0, 30);
        var raw = Math.Min(baseDelay.TotalMilliseconds * Math.Pow(2, exponent), maxDelay.TotalMilliseconds);
        var jittered = raw * (1 - Jitter + (2 * Jitter * random));
        return TimeSpan.FromMilliseconds(Math.Max(0, jittered));
    }
}
