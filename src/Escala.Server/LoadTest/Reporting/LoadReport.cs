using System.Text.Json;
using System.Text.Json.Serialization;
using Escala.Server.LoadTest.Measuring;

namespace Escala.Server.LoadTest.Reporting;

/// <summary>Everything one <c>escala loadtest</c> run measured, its SLA verdicts and the capacity hints.</summary>
public sealed record LoadReport
{
    public required string Scenario { get; init; }
    public string? Description { get; init; }

    /// <summary>"closed: 50 users" or "open: 250/s".</summary>
    public required string Model { get; init; }
    public required double TimeScale { get; init; }
    public required string Target { get; init; }
    public required DateTimeOffset StartedAt { get; init; }
    public required double DurationSeconds { get; init; }
    public required double RampUpSeconds { get; init; }

    /// <summary>Seconds from the start to the last operation's end (duration plus the drain).</summary>
    public required double ElapsedSeconds { get; init; }
    public required MachineInfo Machine { get; init; }
    public required IReadOnlyList<OperationResult> Operations { get; init; }
    public required IReadOnlyList<DependencyResult> Dependencies { get; init; }
    public required IReadOnlyList<ResourceResult> Resources { get; init; }
    public required IReadOnlyList<QueueResult> Queues { get; init; }
    public required GeneratorResult Generator { get; init; }
    public required IReadOnlyList<SlaCheck> Sla { get; init; }
    public required IReadOnlyList<CapacityHint> Hints { get; init; }

    /// <summary>Per operation and second: successes, errors and latency percentiles (the charts' data).</summary>
    public required IReadOnlyList<TimelinePoint> Timeline { get; init; }

    public long Total => Operations.Sum(o => o.Ok + o.Errors);
    public long Errors => Operations.Sum(o => o.Errors);
    public double ErrorRate => Total == 0 ? 0 : (double)Errors / Total;
    public bool Pass => Sla.All(s => s.Pass);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerOptions.Web)
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);
}

/// <summary>The machine the load tester ran on.</summary>
public sealed record MachineInfo(int Cores, double MemoryGb, string Os)
{
    public static MachineInfo Current() => new(
        Environment.ProcessorCount,
        Math.Round(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 1024.0 / 1024 / 1024, 1),
        System.Runtime.InteropServices.RuntimeInformation.OSDescription);
}

/// <summary>One operation over the run: counts, throughput after the ramp-up, latency of successes, queue wait of its jobs.</summary>
public sealed record OperationResult(
    string Name, string Type, long Ok, long Errors, double ErrorRate, double Throughput,
    Percentiles Latency, Percentiles? QueueWait, IReadOnlyDictionary<string, long> ErrorReasons);

/// <summary>What a fake dependency saw; <see cref="MaxInFlight"/> must stay within <see cref="Limit"/>.</summary>
public sealed record DependencyResult(
    string Name, string? Resource, long Limit, long MaxInFlight, long Calls, long Ok, long Errors, long Throttled, long OverLimit, double MeanLatencyMs);

/// <summary>A governed resource over the run, from the once-a-second samples.</summary>
public sealed record ResourceResult(string Name, int Limit, long MaxRunning, double AtLimitShare, long MaxWaiting, double MeanWaiting);

/// <summary>A queue over the run, from the once-a-second samples.</summary>
public sealed record QueueResult(string Name, int Concurrency, bool External, long MaxAvailable, double MeanAvailable, long MaxRunning, double AtConcurrencyShare);

/// <summary>The load generator's own health: how late the open model's arrivals left, arrivals dropped, CPU.</summary>
public sealed record GeneratorResult(
    double? SendLagP99Ms, double? SendLagMaxMs, long Dropped, long MaxInFlight, double ProcessCpuPercent, double? MachineCpuPercent, bool HostsNode);

/// <summary>One SLA check: what was required, what was measured, and whether it held.</summary>
public sealed record SlaCheck(string Name, string Required, string Measured, bool Pass);

/// <summary>A bottleneck the run showed, the figures that show it, and what to change.</summary>
public sealed record CapacityHint(string Bottleneck, string Evidence, string Change);

/// <summary>One operation in one second of the run.</summary>
public sealed record TimelinePoint(string Operation, int Second, long Ok, long Errors, double? P50Ms, double? P95Ms, double? P99Ms);
