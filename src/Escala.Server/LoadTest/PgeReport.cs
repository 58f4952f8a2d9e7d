using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Escala.Server.LoadTest;

/// <summary>The outcome of one <c>escala loadtest pge</c> run, checked against its SLAs.</summary>
public sealed record PgeReport
{
    public required int Users { get; init; }
    public required double DurationSeconds { get; init; }
    public required string Store { get; init; }
    public required int Submitted { get; init; }
    public required int Completed { get; init; }
    public required int Errors { get; init; }
    public double ErrorRate => Submitted == 0 ? 0 : (double)Errors / Submitted;
    public required IReadOnlyList<DependencyFigures> Dependencies { get; init; }
    public required IReadOnlyList<KindLatency> Latencies { get; init; }
    public required double NoopP99Ms { get; init; }
    public required IReadOnlyList<string> Failures { get; init; }
    public bool Pass => Failures.Count == 0;

    private static readonly JsonSerializerOptions Indented = new(JsonSerializerOptions.Web) { WriteIndented = true };

    public string ToJson() => JsonSerializer.Serialize(this, Indented);

    public string ToTable()
    {
        var text = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        text.AppendLine(c, $"escala loadtest pge: {Users} users, {DurationSeconds:F0} s, store {Store}");
        text.AppendLine(c, $"jobs submitted {Submitted}, completed {Completed}, errors {Errors} ({ErrorRate:P2})");
        text.AppendLine("dependency   limit  max seen  violations  calls");
        foreach (var d in Dependencies)
        {
            text.AppendLine(c, $"{d.Resource,-12} {d.Limit,5}  {d.MaxConcurrency,8}  {d.Violations,10}  {d.Calls,5}");
        }

        text.AppendLine("kind             jobs    p50 ms    p95 ms    p99 ms");
        foreach (var l in Latencies)
        {
            text.AppendLine(c, $"{l.Kind,-15} {l.Jobs,5}  {l.P50Ms,8:F0}  {l.P95Ms,8:F0}  {l.P99Ms,8:F0}");
        }

        text.AppendLine(c, $"noop p99 {NoopP99Ms:F0} ms");
        text.AppendLine(Pass ? "PASS" : "FAIL: " + string.Join("; ", Failures));
        return text.ToString();
    }
}

/// <summary>What one fake dependency saw.</summary>
public sealed record DependencyFigures(string Resource, int Limit, long MaxConcurrency, long Violations, long Calls);

/// <summary>Submit-to-result latency of one kind's completed jobs.</summary>
public sealed record KindLatency(string Kind, int Jobs, double P50Ms, double P95Ms, double P99Ms);
