using System.Globalization;
using Escala.Server.LoadTest.Measuring;
using Escala.Server.LoadTest.Operations;
using Microsoft.AspNetCore.Http;

namespace Escala.Server.LoadTest.Reporting;

/// <summary>
/// Names the bottlenecks a run showed and what to change, from measured figures only: a resource or queue at its
/// limit with jobs waiting (with the concurrency Little's law asks for: demand rate × measured call time), CPU,
/// the store's acknowledgement latency, throttling by a dependency, and the load generator itself.
/// </summary>
public static class CapacityAdvisor
{
    /// <summary>A resource or queue counts as at its limit when it was full in at least this share of samples.</summary>
    private const double Saturated = 0.5;

    private const double CpuBusyPercent = 85;

    /// <summary>Queue wait counts as a cause when it is at least this share of an operation's p95.</summary>
    private const double QueueWaitShare = 0.3;

    /// <summary>An open-model arrival that leaves later than this (p99) means the load generator itself lagged.</summary>
    private const double SendLagMs = 50;

    public static IReadOnlyList<CapacityHint> Advise(IReadOnlyList<OperationResult> operations, IReadOnlyList<DependencyResult> dependencies,
        IReadOnlyList<ResourceResult> resources, IReadOnlyList<QueueResult> queues, IReadOnlyList<ServerSample> samples,
        GeneratorResult generator, double elapsedSeconds, OfferedLoad load)
    {
        var hints = new List<CapacityHint>();
        foreach (var r in resources.Where(r => r.AtLimitShare >= Saturated && r.MaxWaiting > 0))
        {
            var dependency = dependencies.FirstOrDefault(d => d.Resource == r.Name);
            var needed = dependency is null || double.IsNaN(dependency.MeanLatencyMs) ? (int?)null : Needed(dependency.Calls, WaitingGrowth(samples, s => s.Resources.GetValueOrDefault(r.Name)?.Waiting), elapsedSeconds, dependency.MeanLatencyMs, load.OfferedToResource(r.Name));
            hints.Add(new CapacityHint(
                $"resource {r.Name} at its limit",
                $"{r.Name} ran at its limit of {r.Limit} in {Share(r.AtLimitShare)} of samples with up to {r.MaxWaiting} jobs waiting (mean {r.MeanWaiting:0.#})"
                    + (dependency is null || double.IsNaN(dependency.MeanLatencyMs) ? "" : $"; calls take {SlaEvaluator.Ms(dependency.MeanLatencyMs)} on average"),
                needed is { } n && n > r.Limit
                    ? $"the offered load needs about {n} concurrent calls (demand × call time): raise resources.{r.Name}.concurrency towards {n} if the provider allows that many, otherwise the queue wait is the price of its quota"
                    : $"raise resources.{r.Name}.concurrency if the provider allows, or accept the queue wait"));
        }

        foreach (var q in queues.Where(q => q.AtConcurrencyShare >= Saturated && q.MaxAvailable > 0))
        {
            var worker = operations.FirstOrDefault(o => o.Name == $"worker:{q.Name}");
            var needed = worker is null ? (int?)null : Needed(worker.Ok + worker.Errors, WaitingGrowth(samples, s => s.Queues.GetValueOrDefault(q.Name)?.Available), elapsedSeconds, worker.Latency.MeanMs, load.OfferedToQueue(q.Name));
            hints.Add(new CapacityHint(
                $"queue {q.Name} at its concurrency",
                $"{q.Name} ran {q.Concurrency} jobs at once in {Share(q.AtConcurrencyShare)} of samples with up to {q.MaxAvailable} waiting (mean {q.MeanAvailable:0.#})",
                q.External
                    ? $"add external workers for {q.Name}" + (needed is { } n ? $" (about {n} in all, demand × time per job) and set queues.{q.Name}.concurrency to match" : "")
                    : $"raise queues.{q.Name}.concurrency, or add worker nodes (`escala serve --role worker` on PostgreSQL)"));
        }

        // Jobs that waited long to start, with no saturated resource or queue above to explain it: name what their
        // resources did, so the reader sees whether it was the limit or the time each start takes.
        if (hints.Count == 0)
        {
            foreach (var op in operations.Where(o => o.QueueWait is { Count: > 0 } w && w.P95Ms > QueueWaitShare * o.Latency.P95Ms && o.Latency.P95Ms > 50))
            {
                var limits = resources.Where(r => load.ResourcesOf(op.Name).Contains(r.Name))
                    .Select(r => $"{r.Name} was at its limit of {r.Limit} in {Share(r.AtLimitShare)} of samples (up to {r.MaxWaiting} waiting)").ToList();
                hints.Add(new CapacityHint($"queue wait in {op.Name}",
                    $"{op.Name}: jobs waited {SlaEvaluator.Ms(op.QueueWait!.P95Ms)} (p95) to start, of {SlaEvaluator.Ms(op.Latency.P95Ms)} in all"
                        + (limits.Count > 0 ? "; " + string.Join("; ", limits) : ""),
                    limits.Count > 0
                        ? "bursts fill the resource: raise its concurrency for headroom above the mean, or accept the wait in bursts"
                        : "more slots for the work these jobs need (the queue's concurrency), or more nodes"));
            }
        }

        var machine = samples.Select(s => s.MachineCpuPercent).OfType<double>().DefaultIfEmpty(double.NaN).Average();
        if (machine >= CpuBusyPercent || generator.ProcessCpuPercent >= CpuBusyPercent)
        {
            // Process CPU is a share of all cores, like the machine's: when this process used little of it, others did.
            var others = generator.ProcessCpuPercent < machine / 2;
            hints.Add(new CapacityHint("CPU",
                $"the machine's CPUs were {machine:0}% busy on average (this process {generator.ProcessCpuPercent:0}%{(generator.HostsNode ? ", node and load generator together" : "")})"
                    + (others ? "; other processes used most of it" : ""),
                others
                    ? "the machine is shared: latencies include waiting for CPU that other processes held; measure on a quiet or dedicated machine before sizing from these figures"
                    : generator.HostsNode
                        ? "run the node on its own machine and drive it with --target, then add cores or nodes (PostgreSQL store) if the node alone is CPU-bound"
                        : "add cores or nodes (PostgreSQL store, `--role worker`), or run the load generator on another machine"));
        }

        // With the CPU busy, a slow acknowledgement is the CPU's doing (hinted above); with it free, it is the commit.
        foreach (var op in operations.Where(o => o.Type is "submit" or "batch" && o.Latency.P95Ms > 50 && !(machine >= CpuBusyPercent)))
        {
            hints.Add(new CapacityHint("store latency",
                $"{op.Name}: the durable acknowledgement took {SlaEvaluator.Ms(op.Latency.P95Ms)} (p95) with the CPU {machine:0}% busy, so it waits on the store's commit",
                "submit in batches (POST /v1/jobs/batch), put the store on a faster disk, or PostgreSQL on its own host"));
        }

        foreach (var d in dependencies.Where(d => d.Throttled > 0))
        {
            hints.Add(new CapacityHint($"{d.Name} throttled",
                $"{d.Name} answered 429 to {d.Throttled} of {d.Calls} calls",
                $"set resources.{d.Resource ?? d.Name}.rate to the provider's quota so jobs wait in Escala instead of burning attempts"));
        }

        // 429s from the node itself (the dependencies' are counted above): its caps on open event streams, or its API
        // rate limits, refused the load before any job was involved.
        foreach (var op in operations)
        {
            var refusedStream = EventFollower.Refused(StatusCodes.Status429TooManyRequests);
            var streams = op.ErrorReasons.GetValueOrDefault(refusedStream);
            var limited = op.ErrorReasons.Where(r => r.Key.EndsWith("HTTP 429", StringComparison.Ordinal) && r.Key != refusedStream).Sum(r => r.Value);
            if (streams > 0)
            {
                hints.Add(new CapacityHint("the node's stream cap",
                    $"{op.Name}: the node refused {streams} event streams with 429 (open streams per key, or per address without keys, are capped)",
                    "raise security.maxStreamsPerKey (default 20) and security.maxStreams (1000 per node) to the streams your callers keep open, give callers their own keys, or poll instead of following"));
            }

            if (limited > 0)
            {
                hints.Add(new CapacityHint("the node's rate limits",
                    $"{op.Name}: the node answered 429 to {limited} requests",
                    "the API's own rate limits (security.rateLimits) refused them: raise them to the load you expect, or spread it over more keys"));
            }
        }

        if (generator.Dropped > 0)
        {
            hints.Add(new CapacityHint("offered load not absorbed",
                $"{generator.Dropped} arrivals were dropped because {generator.MaxInFlight} operations were already in flight (workload.maxInFlight)",
                "the node fell behind the offered rate (see the hints above); demand figures above are lower bounds, since dropped arrivals never reached it"));
        }

        if (generator.SendLagP99Ms > SendLagMs)
        {
            hints.Add(new CapacityHint("the load generator",
                $"arrivals left up to {SlaEvaluator.Ms(generator.SendLagP99Ms ?? 0)} after their intended time (p99)",
                "the load generator lagged its own schedule (latencies still count from the intended time): run it on another machine with --target, or lower the rate"));
        }

        if (hints.Count == 0)
        {
            var busiest = resources.OrderByDescending(r => r.AtLimitShare).FirstOrDefault();
            hints.Add(new CapacityHint("none seen",
                $"no resource or queue was at its limit in half the samples{(busiest is null ? "" : $" (busiest: {busiest.Name}, {Share(busiest.AtLimitShare)})")}, CPU {machine:0}% busy",
                "the node has headroom at this load: try the x10 scenario to find the limit"));
        }

        return hints;
    }

    /// <summary>
    /// Little's law: demand per second × seconds per call, rounded up. Demand is what was served plus the growth of
    /// the backlog, or the open model's offered rate when that is higher (arrivals dropped at the in-flight cap never
    /// reached the backlog).
    /// </summary>
    private static int Needed(long served, long backlogGrowth, double elapsedSeconds, double meanMs, double? offered) =>
        (int)Math.Ceiling(Math.Max(offered ?? 0, (served + Math.Max(0, backlogGrowth)) / Math.Max(elapsedSeconds, 1)) * meanMs / 1000);

    private static long WaitingGrowth(IReadOnlyList<ServerSample> samples, Func<ServerSample, long?> waiting) =>
        samples.Count < 2 ? 0 : (waiting(samples[^1]) ?? 0) - (waiting(samples[0]) ?? 0);

    private static string Share(double share) => (share * 100).ToString("0", CultureInfo.InvariantCulture) + "%";
}
