using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Escala.Server.Hosting;
using Escala.Server.LoadTest.Fakes;
using Escala.Server.LoadTest.Measuring;
using Escala.Server.LoadTest.Operations;
using Escala.Server.LoadTest.Reporting;
using Escala.Server.LoadTest.Scenarios;
using HdrHistogram;

namespace Escala.Server.LoadTest;

/// <summary>
/// Runs a <see cref="Scenario"/>: starts its fake dependencies on loopback (and a node, unless given a target),
/// drives the workload (closed: users who think; open: arrivals on a schedule, timed from their intended start),
/// runs its external workers, samples the node, then awaits what is in flight (bounded) and builds the report.
/// </summary>
public sealed class LoadRunner
{
    private readonly Scenario _scenario;
    private readonly LoadRunOptions _options;
    private readonly Stopwatch _clock = new();
    private readonly InFlight _inFlight = new();
    private readonly LongHistogram _sendLag = new(1, 3_600_000_000, 3);
    private long _dropped;

    private LoadRunner(Scenario scenario, LoadRunOptions options)
    {
        _scenario = scenario;
        _options = options;
    }

    private Workload Workload => _scenario.Workload;

    private int Second() => (int)_clock.Elapsed.TotalSeconds;

    public static async Task<LoadReport> RunAsync(Scenario scenario, LoadRunOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Target is { } target && !LoopbackGuard.IsLoopback(target))
        {
            throw new ScenarioException("--target", [$"'{target}' is not on this machine: load tests drive only 127.0.0.1, ::1 or localhost"]);
        }

        var runner = new LoadRunner(scenario, options);
        WebApplication? node = null;
        string? temporary = null;
        try
        {
            var url = options.Target;
            if (url is null)
            {
                var store = options.Store ?? (temporary = Directory.CreateTempSubdirectory("escala-loadtest-").FullName);
                var overrides = new Dictionary<string, string?>(scenario.Server, StringComparer.OrdinalIgnoreCase)
                {
                    ["Logging:LogLevel:Default"] = "Warning",
                    ["NodeId"] = "loadtest",
                };
                // Work still running at the end (a document's two-hour training) is not waited for.
                overrides.TryAdd("Execution:ShutdownGrace", "1s");
                // The scenario's fake dependencies listen on loopback, which the http kind refuses by default.
                overrides.TryAdd("Security:Egress:Allow:0", "127.0.0.1");
                node = await EscalaHost.BuildAsync(new ServeOptions { Store = store, Urls = "http://127.0.0.1:0", Overrides = overrides });
                await node.StartAsync(ct);
                url = new Uri(node.Urls.First());
            }

            return await runner.RunAgainstAsync(url, node is not null, ct);
        }
        finally
        {
            if (node is not null)
            {
                using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                await node.StopAsync(stop.Token);
                await node.DisposeAsync();
            }

            if (temporary is not null)
            {
                try
                {
                    Directory.Delete(temporary, recursive: true);
                }
                catch (IOException)
                {
                    // A file still held open: the temporary directory is left for the OS to clean.
                }
            }
        }
    }

    private async Task<LoadReport> RunAgainstAsync(Uri url, bool hostsNode, CancellationToken ct)
    {
        var longestWait = _scenario.Operations.Select(o => o.Wait).DefaultIfEmpty(TimeSpan.Zero).Max();
        // Connections are bounded (each is a socket on both sides of loopback): one per user in the closed model, one per
        // operation in flight in the open model (whose arrivals beyond workload.maxInFlight are dropped and counted).
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = Workload.Users is { } users ? users + 16 : Workload.MaxInFlight };
        using var api = new HttpClient(handler) { BaseAddress = url, Timeout = longestWait + TimeSpan.FromSeconds(30) };
        using var dependencyClient = new HttpClient { Timeout = TimeSpan.FromMinutes(5) };
        var limits = await LimitsAsync(api, ct);
        await using var fakes = await FakeDependencyServer.StartAsync(_scenario, limits, ct);
        var recent = new RecentJobs();
        var recorders = _scenario.Operations.ToDictionary(o => o.Name, o => new OperationRecorder(o.Name), StringComparer.Ordinal);
        var operations = _scenario.Operations.ToDictionary(o => o.Name, o => Create(o, new JobTemplate(o, fakes.UrlOf), recent), StringComparer.Ordinal);
        var poolRecorders = _scenario.Workers.Select(w => new OperationRecorder($"worker:{w.Name}")).ToList();
        var pools = _scenario.Workers.Select((w, i) => new WorkerPool(w, fakes.UrlOf(w.Dependency), poolRecorders[i], Second, Workload.RampUp)).ToList();

        var startedAt = TimeProvider.System.GetUtcNow();
        _clock.Start();
        var monitor = new ServerMonitor(api, Second);
        using var stopBackground = new CancellationTokenSource();
        using var stopWorkers = new CancellationTokenSource();
        var monitoring = monitor.RunAsync(stopBackground.Token);
        var progress = ProgressAsync(monitor, [.. recorders.Values, .. poolRecorders], stopBackground.Token);
        var workers = pools.Select(p => p.RunAsync(api, dependencyClient, stopWorkers.Token)).ToList();

        using var hardStop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        hardStop.CancelAfter(Workload.Duration + Workload.Drain);
        await (Workload.IsOpen
            ? OpenAsync(api, operations, recorders, hardStop.Token)
            : ClosedAsync(api, operations, recorders, hardStop.Token));
        if (!await _inFlight.WaitEmptyAsync(Workload.Drain))
        {
            await hardStop.CancelAsync();
            await _inFlight.WaitEmptyAsync(TimeSpan.FromSeconds(30));
        }

        var elapsed = _clock.Elapsed.TotalSeconds;
        await stopWorkers.CancelAsync();
        await Task.WhenAny(Task.WhenAll(workers), Task.Delay(TimeSpan.FromSeconds(30), CancellationToken.None));
        await stopBackground.CancelAsync();
        await monitoring;
        await progress;
        return Build(url, hostsNode, startedAt, elapsed, fakes, limits, monitor.Samples, [.. recorders.Values.Select(r => r.Snapshot()), .. poolRecorders.Select(r => r.Snapshot())]);
    }

    /// <summary>Each dependency's limit: its own, else its resource's concurrency on the node; a resource the node lacks is an error.</summary>
    private async Task<Dictionary<string, long>> LimitsAsync(HttpClient api, CancellationToken ct)
    {
        var resources = (await api.GetFromJsonAsync<JsonElement>("/v1/resources", ct)).GetProperty("resources").EnumerateArray()
            .ToDictionary(r => r.GetProperty("name").GetString()!, r => r.GetProperty("concurrency").GetInt64(), StringComparer.Ordinal);
        var queues = (await api.GetFromJsonAsync<JsonElement>("/v1/queues", ct)).GetProperty("queues").EnumerateArray()
            .Select(q => q.GetProperty("name").GetString()!).ToHashSet(StringComparer.Ordinal);
        var errors = new List<string>();
        foreach (var d in _scenario.Dependencies.Values.Where(d => d.Resource is not null && !resources.ContainsKey(d.Resource)))
        {
            errors.Add($"dependencies.{d.Name}.resource: the node has no resource '{d.Resource}' (configure server.resources.{d.Resource})");
        }

        foreach (var (op, i) in _scenario.Operations.Select((o, i) => (o, i)))
        {
            errors.AddRange(op.Resources.Where(r => !resources.ContainsKey(r)).Select(r => $"operations[{i}].resources: the node has no resource '{r}'"));
            if (op.Queue is { } q && !queues.Contains(q))
            {
                errors.Add($"operations[{i}].queue: the node has no queue '{q}' (configure server.queues.{q})");
            }
        }

        foreach (var (pool, i) in _scenario.Workers.Select((w, i) => (w, i)).Where(p => !queues.Contains(p.w.Queue)))
        {
            errors.Add($"workers[{i}].queue: the node has no queue '{pool.Queue}' (configure server.queues.{pool.Queue} with external: true)");
        }

        if (errors.Count > 0)
        {
            throw new ScenarioException(_scenario.Name, errors);
        }

        return _scenario.Dependencies.Values.ToDictionary(
            d => d.Name,
            d => d.Limit ?? (d.Resource is null ? 0 : resources[d.Resource]),
            StringComparer.Ordinal);
    }

    private static IOperation Create(OperationSpec spec, JobTemplate job, RecentJobs recent) => spec.Type switch
    {
        OperationType.SubmitWait => new SubmitWaitOperation(job, spec.Wait, recent),
        OperationType.Submit => new SubmitOperation(job, recent),
        OperationType.SubmitSse => new SubmitSseOperation(job, spec.Wait, recent),
        OperationType.Status => new StatusOperation(recent),
        OperationType.Batch => new BatchOperation(job, spec.BatchSize),
        OperationType.Workflow => new WorkflowOperation(job, spec.FanOut, spec.Wait),
        _ => throw new ArgumentOutOfRangeException(nameof(spec), spec.Type, "no IOperation for this type"),
    };

    /// <summary>Closed model: each user starts within the ramp-up, then runs an operation, thinks, and goes again until the end.</summary>
    private Task ClosedAsync(HttpClient api, Dictionary<string, IOperation> operations, Dictionary<string, OperationRecorder> recorders, CancellationToken stop)
    {
        var total = Workload.Users!.Value;
        var dedicated = _scenario.Operations.Where(o => o.Users is not null).SelectMany(o => Enumerable.Repeat(o, o.Users!.Value)).ToList();
        var mix = _scenario.Operations.Where(o => o.Users is null && o.Weight > 0).ToList();
        var users = Enumerable.Range(0, total).Select(i =>
        {
            var own = i < dedicated.Count ? dedicated[i] : null;
            var offset = Workload.RampUp * ((double)Interleave(i, total) / total);
            return Task.Run(() => UserAsync(api, i, offset, own is null ? mix : [own], operations, recorders, stop), CancellationToken.None);
        });
        return Task.WhenAll(users);
    }

    /// <summary>Spreads user <paramref name="i"/>'s start so that dedicated groups do not all start first.</summary>
    private static int Interleave(int i, int total) => (int)((i * 7919L) % total);

    private async Task UserAsync(HttpClient api, int user, TimeSpan offset, List<OperationSpec> choices, Dictionary<string, IOperation> operations,
        Dictionary<string, OperationRecorder> recorders, CancellationToken stop)
    {
        var random = new Random(user);
        var end = Workload.Duration;
        await DelayAsync(offset, end);
        var weights = choices.Select(c => c.Weight).ToArray();
        while (_clock.Elapsed < end && !stop.IsCancellationRequested)
        {
            var spec = Choose(choices, weights, random);
            var started = Stopwatch.GetTimestamp();
            await RunOneAsync(api, operations[spec.Name], recorders[spec.Name], started, _clock.Elapsed >= Workload.RampUp, stop);
            await DelayAsync((spec.Think ?? Workload.Think).Sample(random, _scenario.TimeScale), end);
        }
    }

    /// <summary>Open model: arrival k leaves at its scheduled instant (rate climbing linearly over the ramp-up); latency counts from that instant.</summary>
    private async Task OpenAsync(HttpClient api, Dictionary<string, IOperation> operations, Dictionary<string, OperationRecorder> recorders, CancellationToken stop)
    {
        var rate = Workload.Rate!.Value / _scenario.TimeScale;
        var ramp = Workload.RampUp.TotalSeconds;
        var duration = Workload.Duration.TotalSeconds;
        var choices = _scenario.Operations.Where(o => o.Weight > 0).ToList();
        var weights = choices.Select(c => c.Weight).ToArray();
        var random = new Random(1);
        var origin = Stopwatch.GetTimestamp() - (long)(_clock.Elapsed.TotalSeconds * Stopwatch.Frequency);
        var rampArrivals = rate * ramp / 2;
        var most = (long)Math.Ceiling(rate * duration) + 1;
        for (long k = 1; k <= most && !stop.IsCancellationRequested; k++)
        {
            var at = k <= rampArrivals ? Math.Sqrt(2 * k * ramp / rate) : ramp + (k - rampArrivals) / rate;
            if (at >= duration)
            {
                break;
            }

            var wait = at - _clock.Elapsed.TotalSeconds;
            if (wait > 0.001)
            {
                await Task.Delay(TimeSpan.FromSeconds(wait), CancellationToken.None);
            }

            var intended = origin + (long)(at * Stopwatch.Frequency);
            _sendLag.RecordValue(Math.Max(1, (long)(Stopwatch.GetElapsedTime(intended).TotalMilliseconds * 1000)));
            if (_inFlight.Count >= Workload.MaxInFlight)
            {
                _dropped++;
                continue;
            }

            var spec = Choose(choices, weights, random);
            _ = RunOneAsync(api, operations[spec.Name], recorders[spec.Name], intended, at >= ramp, stop);
        }
    }

    private async Task RunOneAsync(HttpClient api, IOperation operation, OperationRecorder recorder, long startTimestamp, bool afterRampUp, CancellationToken stop)
    {
        _inFlight.Enter();
        Outcome outcome;
        try
        {
            outcome = await operation.RunAsync(api, stop);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            outcome = Outcome.Failure("not finished by the end of the drain");
        }
        catch (TaskCanceledException)
        {
            outcome = Outcome.Failure("client timeout");
        }
        catch (HttpRequestException ex)
        {
            outcome = Outcome.Failure($"HTTP {ex.HttpRequestError}");
        }
        catch (Exception ex)
        {
            outcome = Outcome.Failure(ex.GetType().Name);
        }

        recorder.Record(Second(), Stopwatch.GetElapsedTime(startTimestamp), outcome, afterRampUp);
        _inFlight.Exit();
    }

    private static OperationSpec Choose(List<OperationSpec> choices, double[] weights, Random random)
    {
        var roll = random.NextDouble() * weights.Sum();
        for (var i = 0; i < choices.Count; i++)
        {
            if ((roll -= weights[i]) < 0)
            {
                return choices[i];
            }
        }

        return choices[^1];
    }

    /// <summary>Waits <paramref name="delay"/>, but not past <paramref name="end"/> of the run.</summary>
    private async Task DelayAsync(TimeSpan delay, TimeSpan end)
    {
        var left = end - _clock.Elapsed;
        var wait = delay < left ? delay : left;
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, CancellationToken.None);
        }
    }

    private async Task ProgressAsync(ServerMonitor monitor, IReadOnlyList<OperationRecorder> recorders, CancellationToken stop)
    {
        if (_options.Progress is not { } report)
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                report(new LiveFigures(_clock.Elapsed.TotalSeconds, Workload.Duration.TotalSeconds, _inFlight.Count,
                    [.. recorders.Select(r => r.Snapshot())], monitor.Latest));
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    private LoadReport Build(Uri url, bool hostsNode, DateTimeOffset startedAt, double elapsed, FakeDependencyServer fakes,
        Dictionary<string, long> limits, IReadOnlyList<ServerSample> allSamples, IReadOnlyList<OperationSnapshot> snapshots)
    {
        var load = allSamples.Where(s => s.Second <= Workload.Duration.TotalSeconds).ToList();
        var steady = Math.Max(0.001, (Workload.Duration - Workload.RampUp).TotalSeconds);
        var types = _scenario.Operations.ToDictionary(o => o.Name, o => OperationTypes.ByName.First(p => p.Value == o.Type).Key, StringComparer.Ordinal);
        var operations = snapshots.Select(s => new OperationResult(
            s.Name, types.GetValueOrDefault(s.Name, "worker"), s.Ok, s.Errors,
            s.Ok + s.Errors == 0 ? 0 : (double)s.Errors / (s.Ok + s.Errors),
            s.OkAfterRampUp / steady, s.Latency, s.QueueWait, s.ErrorReasons)).ToList();
        var dependencies = fakes.Counters.Select(p =>
        {
            var spec = _scenario.Dependencies[p.Key];
            var c = p.Value;
            return new DependencyResult(p.Key, spec.Resource, limits[p.Key], c.MaxInFlight, c.Calls, c.Ok, c.Errors, c.Throttled, c.OverLimit, c.MeanLatencyMs);
        }).OrderBy(d => d.Name, StringComparer.Ordinal).ToList();
        var used = _scenario.Dependencies.Values.Select(d => d.Resource).Concat(_scenario.Operations.SelectMany(o => o.Resources)).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var resources = used.Order(StringComparer.Ordinal).Select(name =>
        {
            var seen = load.Select(s => s.Resources.GetValueOrDefault(name)).OfType<ResourceSample>().ToList();
            return seen.Count == 0 ? null : new ResourceResult(name, seen[0].Limit, seen.Max(s => s.Running),
                (double)seen.Count(s => s.Limit > 0 && s.Running >= s.Limit) / seen.Count, seen.Max(s => s.Waiting), seen.Average(s => s.Waiting));
        }).OfType<ResourceResult>().ToList();
        var queueNames = _scenario.Operations.Select(o => o.Queue ?? "default").Concat(_scenario.Workers.Select(w => w.Queue)).ToHashSet(StringComparer.Ordinal);
        var queues = queueNames.Order(StringComparer.Ordinal).Select(name =>
        {
            var seen = load.Select(s => s.Queues.GetValueOrDefault(name)).OfType<QueueSample>().ToList();
            return seen.Count == 0 ? null : new QueueResult(name, seen[0].Concurrency, seen[0].External, seen.Max(s => s.Available), seen.Average(s => s.Available),
                seen.Max(s => s.Running), (double)seen.Count(s => s.Running >= s.Concurrency) / seen.Count);
        }).OfType<QueueResult>().ToList();
        var generator = new GeneratorResult(
            _sendLag.TotalCount == 0 ? null : _sendLag.GetValueAtPercentile(99) / 1000.0,
            _sendLag.TotalCount == 0 ? null : _sendLag.GetMaxValue() / 1000.0,
            _dropped, _inFlight.Max,
            load.Select(s => s.ProcessCpuPercent).DefaultIfEmpty(0).Average(),
            load.Select(s => s.MachineCpuPercent).OfType<double>().DefaultIfEmpty(double.NaN).Average() is var m && double.IsNaN(m) ? null : m,
            hostsNode);
        return new LoadReport
        {
            Scenario = _scenario.Name,
            Description = _scenario.Description,
            Model = Workload.IsOpen ? $"open: {Workload.Rate / _scenario.TimeScale:0.##}/s" : $"closed: {Workload.Users} users",
            TimeScale = _scenario.TimeScale,
            Target = hostsNode ? $"in-process node ({(_options.Store is null ? "temporary SQLite" : StoreFactory.Describe(_options.Store, null))}) at {url}" : url.ToString(),
            StartedAt = startedAt,
            DurationSeconds = Workload.Duration.TotalSeconds,
            RampUpSeconds = Workload.RampUp.TotalSeconds,
            ElapsedSeconds = elapsed,
            Machine = MachineInfo.Current(),
            Operations = operations,
            Dependencies = dependencies,
            Resources = resources,
            Queues = queues,
            Generator = generator,
            Sla = SlaEvaluator.Evaluate(_scenario, operations, dependencies, queues, generator, steady),
            Hints = CapacityAdvisor.Advise(operations, dependencies, resources, queues, load, generator, Workload.Duration.TotalSeconds, new OfferedLoad(_scenario)),
            Timeline = [.. snapshots.SelectMany(s => s.Seconds.Select(f => new TimelinePoint(s.Name, f.Second, f.Ok, f.Errors, f.Latency?.P50Ms, f.Latency?.P95Ms, f.Latency?.P99Ms)))],
        };
    }
}
