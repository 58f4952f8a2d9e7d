namespace Escala.Configuration;

/// <summary>Defaults of <see cref="QueueOptions"/>.</summary>
public static class QueueDefaults
{
    /// <summary>The queue that always exists, used when a job names none.</summary>
    public const string DefaultQueue = "default";
    public const int Concurrency = 10;
    public const int MaxFetchBatch = 100;
    public const int MaxAttempts = 5;
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan HardTimeoutGrace = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan Backoff = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan Retention = TimeSpan.FromHours(24);
}
