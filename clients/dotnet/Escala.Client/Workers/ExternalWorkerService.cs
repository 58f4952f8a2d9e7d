using System.Collections.Concurrent;
using System.Text.Json;
using Escala.Execution;
using Escala.Jobs;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using static Escala.Client.Workers.WorkerProtocol;

namespace Escala.Client.Workers;

/// <summary>
/// Runs registered <see cref="IJobHandler"/>s out of process: the same handlers as in-process, leased over HTTP.
/// Duties: lease only as many jobs as free slots, only the kinds it has handlers for; heartbeat every held lease;
/// give each handler a token that fires on cancel requests, at the attempt's deadline, on a lost lease and at the
/// end of the shutdown grace; report complete, fail (with <see cref="TransientJobException.RetryAfter"/>), cancel
/// or release (shutdown) — exactly the outcomes an in-process run has.
/// </summary>
internal sealed partial class ExternalWorkerService(
    WorkerProtocol protocol, IEnumerable<IJobHandler> handlers, IOptions<EscalaWorkerOptions> options, ILogger<ExternalWorkerService> logger)
    : BackgroundService
{
    private readonly Dictionary<string, IJobHandler> _handlers = handlers.ToDictionary(h => h.Kind, StringComparer.Ordinal);
    private readonly EscalaWorkerOptions _options = options.Value;
    private readonly ConcurrentDictionary<long, Running> _running = new();
    private TimeSpan _heartbeat = TimeSpan.FromSeconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_handlers.Count == 0)
        {
            throw new InvalidOperationException("AddEscalaWorker: register at least one IJobHandler.");
        }

        using var slots = new SemaphoreSlim(_options.Concurrency);
        using var heartbeats = new CancellationTokenSource();
        var beating = HeartbeatLoopAsync(heartbeats.Token);
        var tasks = new ConcurrentDictionary<long, Task>();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await slots.WaitAsync(stoppingToken);
                var free = 1;
                while (slots.Wait(0, CancellationToken.None))
                {
                    free++;
                }

                IReadOnlyList<LeasedJob> jobs = [];
                try
                {
                    var answer = await protocol.LeaseAsync(new
                    {
                        queues = _options.Queues.Count > 0 ? _options.Queues.ToArray() : ["default"],
                        max = free,
                        wait = Durations.Format(_options.LeaseWait),
                        worker = _options.Name,
                        kinds = _handlers.Keys.ToArray(),
                    }, _options.LeaseWait, stoppingToken);
                    jobs = answer.Jobs;
                    if (_options.HeartbeatInterval is null && answer.HeartbeatInterval is { } hb && Durations.TryParse(hb, out var interval))
                    {
                        _heartbeat = interval;
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or EscalaApiException or TaskCanceledException && !stoppingToken.IsCancellationRequested)
                {
                    LeaseFailed(logger, ex.Message);
                    await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
                }
                finally
                {
                    if (free > jobs.Count)
                    {
                        slots.Release(free - jobs.Count); // the slots no job came for
                    }
                }

                foreach (var job in jobs)
                {
                    var running = new Running(job);
                    _running[job.Id] = running;
                    tasks[job.Id] = Task.Run(async () =>
                    {
                        try
                        {
                            await RunAsync(running);
                        }
                        finally
                        {
                            _running.TryRemove(job.Id, out _);
                            tasks.TryRemove(job.Id, out _);
                            slots.Release();
                            running.Dispose();
                        }
                    }, CancellationToken.None);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        // Graceful stop: no more leases; running handlers get the grace, then their tokens fire and their jobs go back.
        var all = Task.WhenAll(tasks.Values);
        if (await Task.WhenAny(all, Task.Delay(_options.ShutdownGrace, CancellationToken.None)) != all)
        {
            foreach (var running in _running.Values)
            {
                running.Stop(StopReason.Shutdown);
            }

            await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(5), CancellationToken.None));
        }

        await heartbeats.CancelAsync();
        await beating;
    }

    private async Task RunAsync(Running running)
    {
        var job = running.Job;
        if (job.Timeout is { } t && Durations.TryParse(t, out var timeout) && timeout > TimeSpan.Zero && job.Deadline is not null)
        {
            running.StopAfter(timeout, StopReason.Deadline);
        }

        var context = new JobContext(ToJob(job), async (progress, ct) =>
        {
            using var document = JsonDocument.Parse(progress);
            try
            {
                var answer = await protocol.ProgressAsync(job, document.RootElement.Clone(), ct);
                if (answer.CancelRequested)
                {
                    running.Stop(StopReason.Cancel);
                }
            }
            catch (LeaseLostException)
            {
                running.Stop(StopReason.Lost);
            }
        });
        object body;
        string path;
        try
        {
            var result = await _handlers[job.Kind].ExecuteAsync(context, running.Token);
            (path, body) = ("/v1/workers/complete", new { id = job.Id, leaseToken = job.LeaseToken, result });
        }
        catch (OperationCanceledException) when (running.Token.IsCancellationRequested)
        {
            (path, body) = running.Reason switch
            {
                StopReason.Cancel => ("/v1/workers/cancel", new { id = job.Id, leaseToken = job.LeaseToken, reason = "stopped on cancel request" }),
                StopReason.Deadline => ("/v1/workers/fail", (object)new { id = job.Id, leaseToken = job.LeaseToken, error = $"timeout: exceeded {job.Timeout}", retryable = true }),
                StopReason.Shutdown => ("/v1/workers/release", new { id = job.Id, leaseToken = job.LeaseToken }),
                _ => ("", new { }),
            };
        }
        catch (PermanentJobException ex)
        {
            (path, body) = ("/v1/workers/fail", new { id = job.Id, leaseToken = job.LeaseToken, error = ex.Message, retryable = false });
        }
        catch (Exception ex)
        {
            var after = (ex as TransientJobException)?.RetryAfter is { } ra ? Durations.Format(ra) : null;
            (path, body) = ("/v1/workers/fail", new { id = job.Id, leaseToken = job.LeaseToken, error = $"{ex.GetType().Name}: {ex.Message}", retryable = true, retryAfter = after });
        }

        if (path.Length == 0 || running.Reason == StopReason.Lost)
        {
            return;
        }

        try
        {
            await protocol.PostAsync(path, body, CancellationToken.None);
        }
        catch (Exception ex) when (ex is LeaseLostException or HttpRequestException or EscalaApiException or TaskCanceledException)
        {
            ReportFailed(logger, job.Id, path, ex.Message);
        }
    }

    private async Task HeartbeatLoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_options.HeartbeatInterval ?? _heartbeat, ct);
                var held = _running.Values.Where(r => r.Reason != StopReason.Lost).ToList();
                if (held.Count == 0)
                {
                    continue;
                }

                var answer = await protocol.HeartbeatAsync(held.Select(r => new LeaseItem(r.Job.Id, r.Job.LeaseToken)), ct);
                foreach (var running in held)
                {
                    if (answer.Lost?.Contains(running.Job.Id) == true)
                    {
                        running.Stop(StopReason.Lost);
                    }
                    else if (answer.CancelRequested?.Contains(running.Job.Id) == true)
                    {
                        running.Stop(StopReason.Cancel);
                    }
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is HttpRequestException or EscalaApiException or TaskCanceledException)
            {
                HeartbeatFailed(logger, ex.Message);
            }
        }
    }

    private static Job ToJob(LeasedJob job) => new()
    {
        Id = job.Id,
        Tenant = "",
        Queue = job.Queue,
        Kind = job.Kind,
        Args = job.Args.GetRawText(),
        State = JobState.Running,
        Attempt = job.Attempt,
        MaxAttempts = job.MaxAttempts,
        CreatedAt = DateTimeOffset.UtcNow,
        RunAt = DateTimeOffset.UtcNow,
        AttemptedAt = DateTimeOffset.UtcNow,
        IdempotencyKey = job.IdempotencyKey,
        LeaseToken = job.LeaseToken,
    };

    [LoggerMessage(EventId = 9001, Level = LogLevel.Warning, Message = "Lease failed ({Reason}); again in 1 s")]
    private static partial void LeaseFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 9002, Level = LogLevel.Warning, Message = "Heartbeat failed ({Reason}); again next beat")]
    private static partial void HeartbeatFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 9003, Level = LogLevel.Warning, Message = "Job {JobId}: {Path} not applied ({Reason}); the server decides its fate")]
    private static partial void ReportFailed(ILogger logger, long jobId, string path, string reason);

    private enum StopReason
    {
        None,
        Cancel,
        Deadline,
        Lost,
        Shutdown,
    }

    /// <summary>One leased job here: its token and why it was stopped (the first reason wins).</summary>
    private sealed class Running(LeasedJob job) : IDisposable
    {
        private readonly CancellationTokenSource _cts = new();
        private int _reason;

        public LeasedJob Job { get; } = job;

        public CancellationToken Token => _cts.Token;

        public StopReason Reason => (StopReason)Volatile.Read(ref _reason);

        public void Stop(StopReason reason)
        {
            if (Interlocked.CompareExchange(ref _reason, (int)reason, 0) == 0 || reason == StopReason.Lost)
            {
                Volatile.Write(ref _reason, (int)reason);
                try
                {
                    _cts.Cancel();
                }
                catch (ObjectDisposedException)
                {
                }
            }
        }

        public void StopAfter(TimeSpan delay, StopReason reason) =>
            _ = Task.Delay(delay, _cts.Token).ContinueWith(t => { if (!t.IsCanceled) { Stop(reason); } }, TaskScheduler.Default);

        public void Dispose() => _cts.Dispose();
    }
}
