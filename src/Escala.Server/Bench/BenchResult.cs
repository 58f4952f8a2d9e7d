using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Escala.Server.Bench;

/// <summary>One bench run's figures.</summary>
internal sealed record BenchResult
{
    public required string Store { get; init; }
    public required string Mode { get; init; }
    public required int Jobs { get; init; }
    public required int Producers { get; init; }
    public required int Concurrency { get; init; }
    public int Warmup { get; init; }
    public double SubmitPerSecond { get; init; }
    public double EndToEndPerSecond { get; init; }
    public double SubmitSeconds { get; init; }
    public double TotalSeconds { get; init; }
    public required double LeaseP50Ms { get; init; }
    public required double LeaseP95Ms { get; init; }
    public required double LeaseP99Ms { get; init; }
    public required double LeaseMaxMs { get; init; }
    public double? SlotUsePercent { get; init; }
    public double? MaxResourceInUse { get; init; }
    public required double IdleRssMb { get; init; }
    public required double PeakRssMb { get; init; }

    /// <summary>Where the figures were measured: they mean little without it.</summary>
    public string Machine { get; init; } = DescribeMachine();

    /// <summary>Cores, memory (as the runtime sees them, container limits included), OS and runtime.</summary>
    public static string DescribeMachine() => string.Create(CultureInfo.InvariantCulture,
        $"{Environment.ProcessorCount} cores, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024):N1} GB, " +
        $"{System.Runtime.InteropServices.RuntimeInformation.OSDescription.Trim()} {System.Runtime.InteropServices.RuntimeInformation.OSArchitecture}, .NET {Environment.Version}");

    private static readonly JsonSerializerOptions Indented = new(JsonSerializerOptions.Web) { WriteIndented = true };

    public string ToJson() => JsonSerializer.Serialize(this, Indented);

    public string ToTable()
    {
        var rows = new List<(string, string)>
        {
            ("machine", Machine),
            ("store", Store),
            ("mode", Mode),
            ("jobs", Jobs.ToString("N0", CultureInfo.InvariantCulture)),
            ("producers / slots", $"{Producers} / {Concurrency}"),
        };
        if (Warmup > 0)
        {
            rows.Add(("warm-up", $"{Warmup.ToString("N0", CultureInfo.InvariantCulture)} jobs first, not counted"));
        }

        if (Mode != "trickle")
        {
            rows.Add(("submit rate", $"{SubmitPerSecond:N0} jobs/s ({SubmitSeconds:N2} s)"));
            rows.Add(("end to end", $"{EndToEndPerSecond:N0} jobs/s ({TotalSeconds:N2} s)"));
        }
        else
        {
            rows.Add(("trickle rate", $"{SubmitPerSecond:N0} jobs/s for {TotalSeconds:N1} s"));
        }

        rows.Add(("lease latency p50", $"{LeaseP50Ms:N2} ms"));
        rows.Add(("lease latency p95", $"{LeaseP95Ms:N2} ms"));
        rows.Add(("lease latency p99", $"{LeaseP99Ms:N2} ms"));
        rows.Add(("lease latency max", $"{LeaseMaxMs:N2} ms"));
        if (SlotUsePercent is { } use)
        {
            rows.Add(("resource slot use", $"{use:N1} % of the limit, sampled while jobs waited"));
        }

        if (MaxResourceInUse is { } max)
        {
            rows.Add(("resource max in use", max.ToString("N0", CultureInfo.InvariantCulture)));
        }

        rows.Add(("idle RSS", $"{IdleRssMb:N1} MB"));
        rows.Add(("peak RSS", $"{PeakRssMb:N1} MB"));
        var width = rows.Max(r => r.Item1.Length);
        var text = new StringBuilder();
        foreach (var (name, value) in rows)
        {
            text.Append(name.PadRight(width + 2)).AppendLine(value);
        }

        return text.ToString();
    }
}
