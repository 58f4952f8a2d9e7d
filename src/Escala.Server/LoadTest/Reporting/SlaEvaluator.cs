using System.Globalization;
using Escala.Server.LoadTest.Measuring;
using Escala.Server.LoadTest.Scenarios;

namespace Escala.Server.LoadTest.Reporting;

/// <summary>Checks a run's figures against the scenario's SLA; a percentile of an operation with no success fails.</summary>
public static class SlaEvaluator
{
    public static IReadOnlyList<SlaCheck> Evaluate(Scenario scenario, IReadOnlyList<OperationResult> operations,
        IReadOnlyList<DependencyResult> dependencies, IReadOnlyList<QueueResult> queues, GeneratorResult generator, double steadySeconds)
    {
        var checks = new List<SlaCheck>();
        var sla = scenario.Sla;
        foreach (var (name, bounds) in sla.Operations)
        {
            var op = operations.Single(o => o.Name == name);
            Latency(checks, name, "p50", bounds.P50, op.Latency.P50Ms);
            Latency(checks, name, "p95", bounds.P95, op.Latency.P95Ms);
            Latency(checks, name, "p99", bounds.P99, op.Latency.P99Ms);
            if (bounds.ErrorRate is { } rate)
            {
                checks.Add(new SlaCheck($"{name} error rate", $"≤ {Percent(rate)}", Percent(op.ErrorRate), op.ErrorRate <= rate && op.Ok + op.Errors > 0));
            }

            if (bounds.Throughput is { } least)
            {
                checks.Add(new SlaCheck($"{name} throughput", $"≥ {least:0.##}/s", $"{op.Throughput:0.##}/s", op.Throughput >= least));
            }
        }

        var total = operations.Sum(o => o.Ok + o.Errors);
        var errors = operations.Sum(o => o.Errors);
        var errorRate = total == 0 ? 1 : (double)errors / total;
        checks.Add(new SlaCheck("error rate", $"≤ {Percent(sla.ErrorRate)}", $"{Percent(errorRate)} ({errors} of {total})", total > 0 && errorRate <= sla.ErrorRate));
        if (sla.Throughput is { } throughput)
        {
            var measured = operations.Sum(o => o.Throughput);
            checks.Add(new SlaCheck("throughput", $"≥ {throughput:0.##}/s", $"{measured:0.##}/s over {steadySeconds:0.#} s", measured >= throughput));
        }

        foreach (var d in dependencies.Where(d => d.Limit > 0))
        {
            checks.Add(new SlaCheck($"{d.Name} concurrency", $"≤ {d.Limit}", $"{d.MaxInFlight} at most", d.MaxInFlight <= d.Limit));
        }

        foreach (var (queue, most) in sla.QueueDepth)
        {
            var q = queues.FirstOrDefault(q => q.Name == queue);
            checks.Add(new SlaCheck($"{queue} queue depth", $"≤ {most}", q is null ? "not sampled" : $"{q.MaxAvailable} at most", q is not null && q.MaxAvailable <= most));
        }

        if (scenario.Workload.IsOpen)
        {
            checks.Add(new SlaCheck("arrivals sent", "every arrival (none dropped)", $"{generator.Dropped} dropped", generator.Dropped == 0));
        }

        return checks;
    }

    private static void Latency(List<SlaCheck> checks, string operation, string percentile, TimeSpan? bound, double measuredMs)
    {
        if (bound is { } most)
        {
            checks.Add(new SlaCheck($"{operation} {percentile}", $"≤ {Ms(most.TotalMilliseconds)}",
                double.IsNaN(measuredMs) ? "no success" : Ms(measuredMs), !double.IsNaN(measuredMs) && measuredMs <= most.TotalMilliseconds));
        }
    }

    public static string Ms(double ms) => ms >= 10_000 ? $"{(ms / 1000).ToString("0.#", CultureInfo.InvariantCulture)} s" : $"{ms.ToString(ms < 10 ? "0.##" : "0", CultureInfo.InvariantCulture)} ms";

    public static string Percent(double fraction) => (fraction * 100).ToString(fraction < 0.01 ? "0.###" : "0.#", CultureInfo.InvariantCulture) + " %";
}
