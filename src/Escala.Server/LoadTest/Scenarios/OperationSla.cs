namespace Escala.Server.LoadTest.Scenarios;

/// <summary>One operation's SLA; every bound is optional.</summary>
public sealed record OperationSla
{
    public TimeSpan? P50 { get; init; }
    public TimeSpan? P95 { get; init; }
    public TimeSpan? P99 { get; init; }

    /// <summary>Most failed operations of this kind, as a fraction.</summary>
    public double? ErrorRate { get; init; }

    /// <summary>Least completed operations per second after the ramp-up.</summary>
    public double? Throughput { get; init; }
}
