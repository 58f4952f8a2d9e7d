using System.Text;
using System.Text.Json;
using Escala.Configuration;
using Escala.Jobs;
using Escala.Telemetry;

namespace Escala.Client;

/// <summary>
/// Checks submitted jobs and fills in their defaults, without touching the store: pure, so every rule is
/// unit-tested on its own. A refusal names every field at fault (<c>jobs[3].queue</c>) and the worst fault.
/// </summary>
public sealed class JobRequestValidator(EscalaOptions settings)
{
    /// <summary>
    /// The jobs to insert, in order, or a <see cref="JobValidationException"/> naming every field at fault.
    /// Field paths start with <paramref name="fieldPrefix"/> and the index (e.g. <c>jobs[3].</c>) when it is not empty.
    /// </summary>
    public IReadOnlyList<NewJob> Validate(string tenant, IReadOnlyList<JobRequest> requests, string fieldPrefix, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(requests);
        if (requests.Count > settings.Limits.MaxBatch)
        {
            throw JobValidationException.One(JobRequestFault.TooLarge, fieldPrefix, $"At most {settings.Limits.MaxBatch} jobs per batch.");
        }

        var jobs = new NewJob[requests.Count];
        var problems = new Problems();
        for (var i = 0; i < requests.Count; i++)
        {
            problems.Prefix = fieldPrefix.Length == 0 ? "" : $"{fieldPrefix}[{i}].";
            jobs[i] = Validate(tenant, requests[i], now, problems)!;
        }

        if (problems.Errors.Count > 0)
        {
            throw new JobValidationException(problems.Fault, JobValidationException.TitleOf(problems.Fault), problems.Errors);
        }

        return jobs;
    }

    private NewJob? Validate(string tenant, JobRequest request, DateTimeOffset now, Problems problems)
    {
        void Fail(string field, string message, JobRequestFault fault = JobRequestFault.Invalid) => problems.Add(field, message, fault);

        if (string.IsNullOrWhiteSpace(request.Kind))
        {
            Fail("kind", "The job's kind is required.");
        }
        else if (!Names.IsValid(request.Kind))
        {
            Fail("kind", "A kind has letters, digits, '_', '.', '-' only, at most 64 characters.");
        }

        var queueName = request.Queue ?? QueueDefaults.DefaultQueue;
        var queue = settings.FindQueue(queueName);
        if (queue is null)
        {
            Fail("queue", $"Unknown queue '{Truncate(queueName)}'. Declare it under Escala:Queues.", JobRequestFault.UnknownReference);
        }

        var args = request.Args ?? "{}";
        var argsValid = false;
        if (Encoding.UTF8.GetByteCount(args) > settings.Limits.MaxArgsBytes)
        {
            Fail("args", $"The arguments exceed the limit of {settings.Limits.MaxArgsBytes} bytes.", JobRequestFault.TooLarge);
        }
        else if (request.Args is not null && ArgsFault(args) is { } fault)
        {
            Fail("args", fault);
        }
        else
        {
            argsValid = true;
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

        var cacheTtl = CacheTtl(request, Fail);

        var unique = Unique(request.Unique, Fail);
        var callback = CallbackUrl(request.Callback, Fail);

        if (request.IdempotencyKey is { Length: 0 or > 200 })
        {
            Fail("idempotencyKey", "An idempotency key has 1 to 200 characters.");
        }

        if (request.ConcurrencyKey is not null && !ConcurrencyKeys.IsValid(request.ConcurrencyKey))
        {
            Fail("concurrencyKey", ConcurrencyKeys.Rule);
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
                    Fail($"resources[{i}]", $"Unknown resource '{Truncate(extra[i] ?? "")}'. Declare it under Escala:Resources.", JobRequestFault.UnknownReference);
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
            ConcurrencyKey = request.ConcurrencyKey,
            Resources = resources,
            Timeout = timeout,
            Backoff = backoff,
            Traceparent = EscalaTracing.CurrentTraceparent(),
            Tokens = request.Tokens ?? (argsValid ? Governance.Tokens.TokenEstimates.For(request.Kind, args, settings.Models) : null),
            CacheTtl = cacheTtl,
            UniqueKey = unique.Key,
            UniqueFor = unique.For,
            UniqueReturnsExisting = unique.ReturnsExisting,
            CallbackUrl = callback,
            CacheKey = cacheTtl is null || !argsValid ? null : Caching.ResultCacheKey.For(request.Kind, args),
        };
    }

    /// <summary>The job's cache TTL (its own <c>cache.ttl</c>, else its kind's default); null when it is not cached.</summary>
    private TimeSpan? CacheTtl(JobRequest request, Action<string, string, JobRequestFault> fail)
    {
        TimeSpan ttl;
        if (request.Cache?.Ttl is { } text)
        {
            if (!Durations.TryParse(text, out ttl) || ttl > settings.Cache.MaxTtl)
            {
                fail("cache.ttl", $"Not a duration of at most {Durations.Format(settings.Cache.MaxTtl)}, such as 10m.", JobRequestFault.Invalid);
                return null;
            }
        }
        else if (request.Cache is not null)
        {
            fail("cache.ttl", "Give the TTL, such as 10m.", JobRequestFault.Invalid);
            return null;
        }
        else if (request.Kind is null || !settings.Cache.Kinds.TryGetValue(request.Kind, out ttl))
        {
            return null;
        }

        return ttl > TimeSpan.Zero && settings.Cache.Enabled ? ttl : null;
    }

    /// <summary>The job's unique key, window and conflict choice; no key when it does not ask for <c>unique</c>.</summary>
    private static (string? Key, TimeSpan For, bool ReturnsExisting) Unique(UniqueRequest? unique, Action<string, string, JobRequestFault> fail)
    {
        if (unique is null)
        {
            return (null, TimeSpan.Zero, false);
        }

        if (unique.Key is not { Length: > 0 and <= 200 })
        {
            fail("unique.key", "A unique key has 1 to 200 characters.", JobRequestFault.Invalid);
        }

        var window = TimeSpan.Zero;
        if (unique.For is not null && (!Durations.TryParse(unique.For, out window) || window > UniqueMaxFor))
        {
            fail("unique.for", $"Not a duration of at most {Durations.Format(UniqueMaxFor)}, such as 10m.", JobRequestFault.Invalid);
        }

        if (unique.OnConflict is not (null or "reject" or "return"))
        {
            fail("unique.onConflict", "Either reject (409 naming the job that holds the key) or return (that job, 200).", JobRequestFault.Invalid);
        }

        return (unique.Key, window, unique.OnConflict == "return");
    }

    /// <summary>The job's callback URL: absolute http or https, at most 2,000 characters; callbacks need <c>callbacks:secret</c>.</summary>
    public string? CallbackUrl(CallbackRequest? callback, Action<string, string, JobRequestFault> fail)
    {
        if (callback is null)
        {
            return null;
        }

        if (callback.Url is not { Length: > 0 and <= 2000 } url || !Uri.TryCreate(url, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) || uri.UserInfo.Length > 0)
        {
            fail("callback.url", "An absolute http or https URL without credentials, at most 2000 characters.", JobRequestFault.Invalid);
            return null;
        }

        if (string.IsNullOrEmpty(settings.Callbacks.Secret))
        {
            fail("callback.url", "Callbacks are off on this server: it has no callbacks:secret to sign them with.", JobRequestFault.Invalid);
            return null;
        }

        return url;
    }

    /// <summary>The longest <c>unique.for</c>: 30 days.</summary>
    public static readonly TimeSpan UniqueMaxFor = TimeSpan.FromDays(30);

    private static TimeSpan? ParseOptional(string? text, string field, Action<string, string, JobRequestFault> fail)
    {
        if (text is null)
        {
            return null;
        }

        if (Durations.TryParse(text, out var value))
        {
            return value;
        }

        fail(field, "Not a duration such as 500ms, 10s or 2m.", JobRequestFault.Invalid);
        return null;
    }

    /// <summary>
    /// Arguments are JSON whose objects name each field once: {"url":"a","url":"b"} would be read as "a" by one reader
    /// (a validator, a proxy, an egress check) and "b" by another (the worker's JSON library).
    /// </summary>
    private static readonly JsonDocumentOptions ArgsJson = new() { AllowDuplicateProperties = false };

    /// <summary>Why <paramref name="text"/> is not acceptable arguments, or null when it is.</summary>
    private static string? ArgsFault(string text)
    {
        try
        {
            using var _ = JsonDocument.Parse(text, ArgsJson);
            return null;
        }
        catch (JsonException ex)
        {
            return JsonFaults.IsDuplicateProperty(ex)
                ? "The arguments name the same field twice in one object."
                : "The arguments must be valid JSON.";
        }
    }

    /// <summary>The errors found so far, by field path, and the status they map to.</summary>
    private sealed class Problems
    {
        public Dictionary<string, string[]> Errors { get; } = new(StringComparer.Ordinal);

        public JobRequestFault Fault { get; private set; } = JobRequestFault.Invalid;

        public string Prefix { get; set; } = "";

        public void Add(string field, string message, JobRequestFault fault)
        {
            Errors[Prefix + field] = [message];
            Fault = Worst(Fault, fault);
        }

        private static JobRequestFault Worst(JobRequestFault a, JobRequestFault b) =>
            a == JobRequestFault.TooLarge || b == JobRequestFault.TooLarge ? JobRequestFault.TooLarge
            : a == JobRequestFault.UnknownReference || b == JobRequestFault.UnknownReference ? JobRequestFault.UnknownReference
            : JobRequestFault.Invalid;
    }

    private static string Truncate(string value) => value.Length <= 64 ? value : value[..64] + "…";
}
