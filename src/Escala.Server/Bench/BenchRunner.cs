using System.Diagnostics;
using System.Diagnostics.Metrics;
using Escala.Client;
using Escala.Server.Hosting;
using Escala.Storage;
using Escala.Telemetry;
using HdrHistogram;

namespace Escala.Server.Bench;

/// <summary>Starts a node in-process, drives it with producers, and measures it through its own metrics.</summary>
internal static class BenchRunner
{
    private const string Queue = "bench";
    private const string Tenant = "default";

    public static async Task<BenchResult> RunAsync(BenchOptions options, CancellationToken ct)
    {
        var tempDirectory = options.Store is null ? Directory.CreateTempSubdirectory("escala-bench-").FullName : null;
        var overrides = new Dictionary<string, string?>
        {
            ["Urls"] = "http://127.0.0.1:0",
            ["NodeId"] = "bench",
            [$"Queues:{Queue}:Concurrency"] = options.Concurrency.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Microsoft"] = "Warning",
        };
        // In a store whose tables live in a schema (PostgreSQL) the bench works in a schema of its own, dropped at
        // the end: every run starts from the same empty tables, and a bench pointed at a real database never
        // touches the jobs in it.
        var schema = StoreFactory.CapabilitiesOf(options.Store).Schemas ? $"escala_bench_{Guid.NewGuid():N}"[..24] : null;
        if (schema is not null)
        {
            overrides["Schema"] = schema;
        }

        var resource = options.ParsedResource;
        if (resource is { } r)
        {
            overrides[$"Resources:{r.Name}:Concurrency"] = r.Limit.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var app = await EscalaHost.BuildAsync(new ServeOptions { Store = options.Store ?? tempDirectory, Overrides = overrides, LogToStandardError = true });
        var gate = new CompletionGate();
        // A recorder, not a bare histogram: the node may still record a lease while the figures are read, and reading
        // a histogram that is being written throws ("Source has been modified during enumeration").
        var latency = HistogramFactory.With64BitBucketSize().WithValuesFrom(1).WithValuesUpTo(TimeStamp.Hours(1)).WithPrecisionOf(3)
            .WithThreadSafeWrites().WithThreadSafeReads().Create();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == EscalaMeter.Name && instrument.Name is EscalaMeter.LeaseLatency or EscalaMeter.JobsCompleted)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((_, seconds, _, _) => latency.RecordValue(Math.Max(1, (long)(seconds * 1_000_000))));
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => gate.Add(value));
        listener.Start();

        try
        {
            await app.StartAsync(ct);
            var client = app.Services.GetRequiredService<JobClient>();
            var store = app.Services.GetRequiredService<IJobStore>();
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
            var idleRss = RssMegabytes();
            if (options.Warmup > 0)
            {
                // Steady state, not start-up: the JIT compiles and tiers up the hot paths and the pools fill
                // while these jobs run, and none of them count.
                var warmup = options with { Jobs = options.Warmup, Resource = null, SleepMs = 0 };
                var warmed = await CompletedInStoreAsync(store, ct);
                await ThroughputAsync(warmup, client, store, null, gate, ct);
                await SettleAsync(store, warmed + options.Warmup, ct);
                if (store.Capabilities.PlannerStatistics)
                {
                    // The warm-up took the table from empty to thousands of rows; the leader would refresh its
                    // statistics within seconds (PostgresJobStore.AnalyzeIfOutgrownAsync), and the replanning
                    // that follows would land inside the measured run. Do it now instead.
                    await ((IStoreAdministration)store).RefreshStatisticsAsync(ct);
                }

                latency.GetIntervalHistogram(); // the warm-up's leases do not count
            }

            using var rss = new PeakSampler();
            var startCompleted = await CompletedInStoreAsync(store, ct);

            var result = options.Trickle is { } rate
                ? await TrickleAsync(options, rate, client, gate, ct)
                : await ThroughputAsync(options, client, store, resource, gate, ct);

            await SettleAsync(store, startCompleted + result.Jobs, ct);

            var leases = latency.GetIntervalHistogram();
            return result with
            {
                Store = store.Capabilities.Name,
                LeaseP50Ms = leases.GetValueAtPercentile(50) / 1000.0,
                LeaseP95Ms = leases.GetValueAtPercentile(95) / 1000.0,
                LeaseP99Ms = leases.GetValueAtPercentile(99) / 1000.0,
                LeaseMaxMs = leases.GetMaxValue() / 1000.0,
                IdleRssMb = idleRss,
                PeakRssMb = rss.PeakMegabytes,
            };
        }
        finally
        {
            await app.StopAsync(CancellationToken.None);
            if (schema is not null)
            {
                await ((IStoreAdministration)app.Services.GetRequiredService<IJobStore>()).DropSchemaAsync(CancellationToken.None);
            }

            await app.DisposeAsync();
            if (tempDirectory is not null)
            {
                Directory.Delete(tempDirectory, recursive: true);
            }
        }
    }

    private static async Task<BenchResult> ThroughputAsync(BenchOptions options, JobClient client, IJobStore store,
        (string Name, int Limit)? resource, CompletionGate gate, CancellationToken ct)
    {
        var done = gate.Expect(options.Jobs);
        var args = options.SleepMs > 0 ? $"{{\"ms\":{options.SleepMs}}}" : "{}";
        var kind = options.SleepMs > 0 ? "sleep" : "noop";
        var clock = Stopwatch.StartNew();
        var next = -1;
        var producers = Enumerable.Range(0, options.Producers).Select(_ => Task.Run(async () =>
        {
            var batch = new List<JobRequest>(options.Batch);
            while (true)
            {
                batch.Clear();
                while (batch.Count < options.Batch)
                {
                    var i = Interlocked.Increment(ref next);
                    if (i >= options.Jobs)
                    {
                        break;
                    }

                    var needs = resource is { } r && (i % 100) < options.MixedPercent ? new[] { r.Name } : null;
                    batch.Add(new JobRequest { Kind = kind, Queue = Queue, Args = args, Resources = needs });
                }

                if (batch.Count == 0)
                {
                    return;
                }

                if (batch.Count == 1)
                {
                    await client.SubmitAsync(Tenant, batch[0], ct);
                }
                else
                {
                    await client.SubmitManyAsync(Tenant, batch.ToArray(), "jobs", ct);
                }
            }
        }, ct)).ToArray();

        var slotUse = resource is { } res && options.SleepMs > 0 ? SampleSlotUseAsync(store, res, done, ct) : Task.FromResult<(double, double)?>(null);
        await Task.WhenAll(producers);
        var submitSeconds = clock.Elapsed.TotalSeconds;
        await done.WaitAsync(TimeSpan.FromMinutes(30), ct);
        var totalSeconds = clock.Elapsed.TotalSeconds;
        var use = await slotUse;
        return Empty(options, "throughput") with
        {
            SubmitSeconds = submitSeconds,
            SubmitPerSecond = options.Jobs / submitSeconds,
            TotalSeconds = totalSeconds,
            EndToEndPerSecond = options.Jobs / totalSeconds,
            SlotUsePercent = use?.Item1,
            MaxResourceInUse = use?.Item2,
        };
    }

    private static async Task<BenchResult> TrickleAsync(BenchOptions options, int rate, JobClient client, CompletionGate gate, CancellationToken ct)
    {
        var start = gate.Hold();
        var interval = TimeSpan.FromSeconds(1.0 / rate);
        var clock = Stopwatch.StartNew();
        var submitted = 0;
        var pending = new InFlight();
        while (clock.Elapsed < options.Duration)
        {
            // Submit on schedule without waiting for each ack, like independent clients would.
            var due = (int)(clock.Elapsed.TotalSeconds * rate) + 1;
            while (submitted < due)
            {
                pending.Add(client.SubmitAsync(Tenant, new JobRequest { Kind = "noop", Queue = Queue }, ct));
                submitted++;
            }

            await Task.Delay(interval < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : interval, ct);
        }

        await pending.WhenAll();
        var done = gate.Expect(submitted, start);
        var seconds = clock.Elapsed.TotalSeconds;
        await done.WaitAsync(TimeSpan.FromMinutes(5), ct);
        return Empty(options, "trickle") with { Jobs = submitted, SubmitPerSecond = submitted / seconds, TotalSeconds = seconds };
    }

    /// <summary>While jobs wait for the resource, how much of its limit is in use (mean %, and the max seen).</summary>
    private static async Task<(double, double)?> SampleSlotUseAsync(IJobStore store, (string Name, int Limit) resource, Task done, CancellationToken ct)
    {
        double sum = 0;
        var samples = 0;
        long max = 0;
        while (!done.IsCompleted)
        {
            await Task.Delay(50, ct);
            var usage = (await store.GetResourceUsageAsync(TimeProvider.System.GetUtcNow(), ct)).FirstOrDefault(u => u.Name == resource.Name);
            if (usage is { Waiting: > 0 })
            {
                sum += 100.0 * usage.Running / resource.Limit;
                samples++;
                max = Math.Max(max, usage.Running);
            }
        }

        return samples == 0 ? null : (sum / samples, max);
    }

    /// <summary>The completed counter runs ahead of the store by one completer batch: waits until the store agrees.</summary>
    private static async Task SettleAsync(IJobStore store, long expected, CancellationToken ct)
    {
        var settle = Stopwatch.StartNew();
        while (await CompletedInStoreAsync(store, ct) < expected && settle.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(20, ct);
        }
    }

    private static async Task<long> CompletedInStoreAsync(IJobStore store, CancellationToken ct)
    {
        var counts = await store.CountByQueueAsync(Tenant, ct);
        return counts.FirstOrDefault(c => c.Queue == Queue)?[Jobs.JobState.Completed] ?? 0;
    }

    private static BenchResult Empty(BenchOptions options, string mode) => new()
    {
        Store = "",
        Mode = mode,
        Jobs = options.Jobs,
        Producers = options.Producers,
        Concurrency = options.Concurrency,
        Warmup = options.Warmup,
        LeaseP50Ms = 0,
        LeaseP95Ms = 0,
        LeaseP99Ms = 0,
        LeaseMaxMs = 0,
        IdleRssMb = 0,
        PeakRssMb = 0,
    };

    private static double RssMegabytes()
    {
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64 / (1024.0 * 1024.0);
    }

    /// <summary>Counts completions (from the node's own metric) and tells when a phase's jobs are all done.</summary>
    internal sealed class CompletionGate
    {
        private long _completed;
        private long _target = long.MaxValue;
        private TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Add(long count)
        {
            if (Interlocked.Add(ref _completed, count) >= Volatile.Read(ref _target))
            {
                Volatile.Read(ref _reached).TrySetResult();
            }
        }

        /// <summary>Starts a phase whose size is not known yet; returns the count it starts from.</summary>
        public long Hold()
        {
            Volatile.Write(ref _target, long.MaxValue);
            Volatile.Write(ref _reached, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            return Interlocked.Read(ref _completed);
        }

        /// <summary>Completes once <paramref name="count"/> jobs past <paramref name="from"/> (default: now) have completed.</summary>
        public Task Expect(long count, long? from = null)
        {
            var start = from ?? Hold();
            var reached = Volatile.Read(ref _reached);
            Volatile.Write(ref _target, start + count);
            // The last completion may come before the target is known (a trickle that keeps up): check here too.
            if (Interlocked.Read(ref _completed) >= start + count)
            {
                reached.TrySetResult();
            }

            return reached.Task;
        }
    }

    /// <summary>Samples the process's RSS every 100 ms and keeps the peak.</summary>
    private sealed class PeakSampler : IDisposable
    {
        private readonly Timer _timer;
        private long _peak;

        public PeakSampler() => _timer = new Timer(_ => Sample(), null, TimeSpan.Zero, TimeSpan.FromMilliseconds(100));

        public double PeakMegabytes
        {
            get
            {
                Sample();
                return Interlocked.Read(ref _peak) / (1024.0 * 1024.0);
            }
        }

        private void Sample()
        {
            using var process = Process.GetCurrentProcess();
            var rss = process.WorkingSet64;
            long seen;
            while (rss > (seen = Interlocked.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, rss, seen) != seen)
            {
            }
        }

        public void Dispose() => _timer.Dispose();
    }
}
