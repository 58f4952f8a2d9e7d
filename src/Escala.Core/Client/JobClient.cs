using System.Text;
using System.Text.Json;
using Escala.Configuration;
using Escala.Jobs;
using Escala.Storage;
using Escala.Telemetry;

namespace Escala.Client;

/// <summary>
/// Submits and manages jobs: validation, defaults, and the store calls behind the API, the CLI and the bench.
/// Every method is scoped by tenant.
/// </summary>
public sealed class JobClient(IJobStore store, EscalaSettings settings, JobSignals signals, EscalaMetrics metrics, TimeProvider time,
    Caching.ResultCache? cache = null)
{
    private static readonly TimeSpan PollFloor = TimeSpan.FromMilliseconds(25);
    private static readonly TimeSpan PollCeiling = TimeSpan.FromMilliseconds(500);

    public async Task<InsertResult> SubmitAsync(string tenant, JobRequest request, CancellationToken ct)
    {
        var results = await SubmitManyAsync(tenant, [request], "", ct);
        return results[0];
    }

    /// <summary>Validates every request first; on any error nothing is inserted. Field paths start with <paramref name="fieldPrefix"/> (e.g. <c>jobs</c>).</summary>
    public async Task<IReadOnlyList<InsertResult>> SubmitManyAsync(string tenant, IReadOnlyList<JobRequest> requests, string fieldPrefix, CancellationToken ct)
    {
        if (requests.Count > settings.MaxBatch)
        {
            throw JobValidationException.One(413, fieldPrefix, $"At most {settings.MaxBatch} jobs per batch.");
        }

        var now = time.GetUtcNow();
        var jobs = new NewJob[requests.Count];
        var ttls = new TimeSpan?[requests.Count];
        var problems = new Problems();
        for (var i = 0; i < requests.Count; i++)
        {
            problems.Prefix = fieldPrefix.Length == 0 ? "" : $"{fieldPrefix}[{i}].";
            jobs[i] = Validate(tenant, requests[i], now, problems)!;
            ttls[i] = CacheTtl(requests[i], problems);
        }

        if (problems.Errors.Count > 0)
        {
            throw new JobValidationException(problems.Status, problems.Status == 413 ? "Payload too large" : "Invalid job", problems.Errors);
        }

        if (cache is not null && settings.Cache.Enabled)
        {
            for (var i = 0; i < jobs.Length; i++)
            {
                jobs[i] = ttls[i] is null ? jobs[i] : jobs[i] with { CacheKey = Caching.ResultCacheKey.For(jobs[i].Kind, jobs[i].Args) };
            }

            await cache.ApplyAsync(tenant, jobs, ttls, ct);
        }

        var results = await store.InsertAsync(jobs, now, ct);
        foreach (var result in results)
        {
            if (result.Created)
            {
                metrics.Submitted(result.Job.Queue, result.Job.Kind);
            }
        }

        return results;
    }

    public Task<Job?> GetAsync(string tenant, long id, CancellationToken ct) => store.GetAsync(tenant, id, ct);

    public Task<JobPage> ListAsync(JobQuery query, CancellationToken ct) => store.ListAsync(query, ct);

    public async Task<CancelResult> CancelAsync(string tenant, long id, CancellationToken ct)
    {
        var result = await store.CancelAsync(tenant, id, time.GetUtcNow(), ct);
        if (result.Status is CancelStatus.Cancelled or CancelStatus.Requested)
        {
            signals.Signal(id);
            if (result.Status == CancelStatus.Requested)
            {
                CancelRequested?.Invoke(id);
            }
        }

        return result;
    }

    /// <summary>Raised when a running job was asked to cancel, so a local runner can stop it without waiting for a heartbeat.</summary>
    public event Action<long>? CancelRequested;

    public async Task<RetryResult> RetryAsync(string tenant, long id, CancellationToken ct)
    {
        var result = await store.RetryAsync(tenant, id, time.GetUtcNow(), ct);
        if (result.Status == RetryStatus.Retried)
        {
            signals.Signal(id);
        }

        return result;
    }

    /// <summary>
    /// Returns the job once it is final, or as it is when <paramref name="wait"/> runs out. Wakes on local
    /// changes at once and polls the store with a growing interval for changes made on other nodes.
    /// </summary>
    public async Task<Job?> WaitAsync(string tenant, long id, TimeSpan wait, CancellationToken ct)
    {
        var deadline = time.GetUtcNow() + wait;
        var poll = PollFloor;
        while (true)
        {
            var change = signals.NextChange(id);
            var job = await store.GetAsync(tenant, id, ct);
            var left = deadline - time.GetUtcNow();
            if (job is null || job.State.IsFinal() || left <= TimeSpan.Zero)
            {
                return job;
            }

            await WaitForSignalAsync(change, TimeSpan.FromTicks(Math.Min(left.Ticks, poll.Ticks)), ct);
            poll = TimeSpan.FromTicks(Math.Min(poll.Ticks * 2, PollCeiling.Ticks));
        }
    }

    /// <summary>Waits for the signal or the timeout, whichever comes first.</summary>
    public async Task WaitForSignalAsync(Task signal, TimeSpan timeout, CancellationToken ct)
    {
        try
        {
            await signal.WaitAsync(timeout, time, ct);
        }
        catch (TimeoutException)
        {
        }
    }

    private NewJob? Validate(string tenant, JobRequest request, DateTimeOffset now, Problems problems)
    {
        void Fail(string field, string message, int code = 400) => problems.Add(field, message, code);

        if (string.IsNullOrWhiteSpace(request.Kind))
        {
            Fail("kind", "The job's kind is required.");
        }
        else if (!SettingsBuilder.IsValidName(request.Kind))
        {
            Fail("kind", "A kind has letters, digits, '_', '.', '-' only, at most 64 characters.");
        }

        var queueName = request.Queue ?? QueueDefaults.DefaultQueue;
        var queue = settings.FindQueue(queueName);
        if (queue is null)
        {
            Fail("queue", $"Unknown queue '{Truncate(queueName)}'. Declare it under Escala:Queues.", 422);
        }

        var args = request.Args ?? "{}";
        if (Encoding.UTF8.GetByteCount(args) > settings.MaxArgsBytes)
        {
            Fail("args", $"The arguments exceed the limit of {settings.MaxArgsBytes} bytes.", 413);
        }
        else if (request.Args is not null && !IsJson(args))
        {
            Fail("args", "The arguments must be valid JSON.");
        }

        if (request.Priority is < -100 or > 100)
        {
            Fail("priority", "Priority must be between -100 and 100.");
        }

        if (request.MaxAttempts is < 1 or > 1000)
        {
            Fail("maxAttempts", "maxAttempts must be between 1 and 1000.");
        }

        var runAt = now;
        if (request.RunAt is { } at && request.Delay is not null)
        {
            Fail("delay", "Give runAt or delay, not both.");
        }
        else if (request.RunAt is { } at2)
        {
            runAt = at2 > now ? at2 : now;
        }
        else if (request.Delay is not null)
        {
            if (Durations.TryParse(request.Delay, out var delay))
            {
                runAt = now + delay;
            }
            else
            {
                Fail("delay", "Not a duration such as 500ms, 10s or 2m.");
            }
        }

        var timeout = ParseOptional(request.Timeout, "timeout", Fail);
        if (timeout == TimeSpan.Zero)
        {
            Fail("timeout", "The timeout must be longer than zero.");
        }

        var backoff = ParseOptional(request.Backoff, "backoff", Fail);

        if (request.Tokens is < 0 or > 1_000_000_000)
        {
            Fail("tokens", "tokens must be between 0 and 1000000000.");
        }

        if (request.IdempotencyKey is { Length: 0 or > 200 })
        {
            Fail("idempotencyKey", "An idempotency key has 1 to 200 characters.");
        }

        var resources = new List<string>();
        if (request.Kind is not null && settings.KindResources.TryGetValue(request.Kind, out var kindResources))
        {
            resources.AddRange(kindResources);
        }

        if (request.Resources is { } extra)
        {
            for (var i = 0; i < extra.Count; i++)
            {
                if (!settings.Resources.ContainsKey(extra[i] ?? ""))
                {
                    Fail($"resources[{i}]", $"Unknown resource '{Truncate(extra[i] ?? "")}'. Declare it under Escala:Resources.", 422);
                }
                else if (!resources.Contains(extra[i], StringComparer.Ordinal))
                {
                    resources.Add(extra[i]);
                }
            }
        }

        if (queue is null || request.Kind is null)
        {
            return null;
        }

        return new NewJob
        {
            Tenant = tenant,
            Queue = queueName,
            Kind = request.Kind,
            Args = args,
            Priority = request.Priority ?? 0,
            MaxAttempts = request.MaxAttempts ?? queue.MaxAttempts,
            RunAt = runAt,
            IdempotencyKey = request.IdempotencyKey,
            Resources = resources,
            Timeout = timeout,
            Backoff = backoff,
            Tokens = request.Tokens ?? Governance.Tokens.TokenEstimates.For(request.Kind, args, settings.Models),
        };
    }

    /// <summary>The job's cache TTL (its own <c>cache.ttl</c>, else its kind's default); null when it is not cached.</summary>
    private TimeSpan? CacheTtl(JobRequest request, Problems problems)
    {
        TimeSpan ttl;
        if (request.Cache?.Ttl is { } text)
        {
            if (!Durations.TryParse(text, out ttl) || ttl > settings.Cache.MaxTtl)
            {
                problems.Add("cache.ttl", $"Not a duration of at most {Durations.Format(settings.Cache.MaxTtl)}, such as 10m.", 400);
                return null;
            }
        }
        else if (request.Cache is not null)
        {
            problems.Add("cache.ttl", "Give the TTL, such as 10m.", 400);
            return null;
        }
        else if (request.Kind is null || !settings.Cache.Kinds.TryGetValue(request.Kind, out ttl))
        {
            return null;
        }

        return ttl > TimeSpan.Zero ? ttl : null;
    }

    private static TimeSpan? ParseOptional(string? text, string field, Action<string, string, int> fail)
    {
        if (text is null)
        {
            return null;
        }

        if (Durations.TryParse(text, out var value))
        {
            return value;
        }

        fail(field, "Not a duration such as 500ms, 10s or 2m.", 400);
        return null;
    }

    private static bool IsJson(string text)
    {
        try
        {
            using var _ = JsonDocument.Parse(text);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>The errors found so far, by field path, and the status they map to.</summary>
    private sealed class Problems
    {
        public Dictionary<string, string[]> Errors { get; } = new(StringComparer.Ordinal);

        public int Status { get; private set; } = 400;

        public string Prefix { get; set; } = "";

        public void Add(string field, string message, int status)
        {
            Errors[Prefix + field] = [message];
            Status = Math.Max(Status, status);
        }
    }

    private static string Truncate(string value) => value.Length <= 64 ? value : value[..64] + "…";
}
