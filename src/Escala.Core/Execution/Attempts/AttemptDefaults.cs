namespace Escala.Execution.Attempts;

/// <summary>The fixed bounds of the attempt lifecycle, in one place.</summary>
public static class AttemptDefaults
{
    /// <summary>Longest error message kept on a job (characters); longer ones are cut and end with "…".</summary>
    public const int MaxErrorLength = 2000;

    /// <summary>
    /// Longest <c>retryAfter</c> honoured, for the job's next attempt and for a throttled resource's pause
    /// (1 hour). A longer one is cut to this, so a worker's typo cannot park a job or a resource for years.
    /// </summary>
    public static readonly TimeSpan MaxRetryAfter = TimeSpan.FromHours(1);
}
