namespace Escala.Server.LoadTest;

/// <summary>What one run of the reference doc 3 scenario (<c>escala loadtest pge</c>) does.</summary>
public sealed record PgeOptions
{
    /// <summary>Simulated users, each submitting a job and waiting for its result, then thinking a moment. Defaults to 50.</summary>
    public int Users { get; init; } = 50;

    /// <summary>How long users keep submitting; jobs still running then are awaited. Defaults to 30 s.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>PostgreSQL connection string or SQLite directory; defaults to a fresh temporary SQLite directory.</summary>
    public string? Store { get; init; }

    /// <summary>SLA: p99 of resource-free (<c>noop</c>) jobs, submit to result. Defaults to 500 ms.</summary>
    public TimeSpan NoopP99 { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>SLA: most jobs that may fail or not finish, as a fraction. Defaults to 0.001 (0.1 %).</summary>
    public double MaxErrorRate { get; init; } = 0.001;
}
