namespace Escala.Jobs;

/// <summary>A job ready to insert: validated, with every default already applied.</summary>
public sealed record NewJob
{
    public required string Tenant { get; init; }
    public required string Queue { get; init; }
    public required string Kind { get; init; }
    public required string Args { get; init; }
    public int Priority { get; init; }
    public required int MaxAttempts { get; init; }

    /// <summary>When it may run; a time after <c>now</c> makes it <see cref="JobState.Scheduled"/>.</summary>
    public required DateTimeOffset RunAt { get; init; }

    public string? IdempotencyKey { get; init; }

    /// <summary>What per-key limits and the fair share count the job by, within its tenant; null for none (<see cref="ConcurrencyKeys"/>).</summary>
    public string? ConcurrencyKey { get; init; }

    public IReadOnlyList<string> Resources { get; init; } = [];
    public TimeSpan? Timeout { get; init; }
    public TimeSpan? Backoff { get; init; }

    /// <summary>The W3C trace context (<c>traceparent</c>) of the submit, so the job's execution joins its trace.</summary>
    public string? Traceparent { get; init; }
    /// <summary>Tokens the job is expected to use: reserved at admission on each of its resources with a token budget; null for none.</summary>
    public long? Tokens { get; init; }

    /// <summary>The result-cache key of a job asking to be cached (<see cref="Caching.ResultCacheKey"/>): its result serves later identical jobs.</summary>
    public string? CacheKey { get; init; }

    /// <summary>How old a cached result may be to serve this job (not stored); null when it does not ask for the cache.</summary>
    public TimeSpan? CacheTtl { get; init; }

    /// <summary>A result found in the cache: the job is stored completed with it (no attempt), a cache hit.</summary>
    public string? CachedResult { get; init; }

    /// <summary>The unique key (per tenant) of a job asking for <c>unique</c>; null for most jobs, which then cost no unique check.</summary>
    public string? UniqueKey { get; init; }

    /// <summary>How long after this job finished its <see cref="UniqueKey"/> stays taken.</summary>
    public TimeSpan UniqueFor { get; init; }

    /// <summary>When the key is taken: true returns the holder, false refuses the submit.</summary>
    public bool UniqueReturnsExisting { get; init; }

    /// <summary>Where to POST the outcome once the job is final (<c>callback.url</c>); null for most jobs.</summary>
    public string? CallbackUrl { get; init; }

    /// <summary>The state a store gives this job when it inserts it at <paramref name="now"/>.</summary>
    public JobState InitialState(DateTimeOffset now) =>
        CachedResult is not null ? JobState.Completed : RunAt > now ? JobState.Scheduled : JobState.Available;

    /// <summary>
    /// The job this becomes once stored under <paramref name="id"/>. A store passes the instants and
    /// durations as it keeps them (rounded to its precision), so the job it returns is the job it holds.
    /// </summary>
    public Job Stored(long id, JobState state, DateTimeOffset createdAt, DateTimeOffset runAt, TimeSpan? timeout, TimeSpan? backoff) => new()
    {
        Id = id,
        Tenant = Tenant,
        Queue = Queue,
        Kind = Kind,
        Args = Args,
        Priority = Priority,
        State = state,
        MaxAttempts = MaxAttempts,
        CreatedAt = createdAt,
        RunAt = runAt,
        IdempotencyKey = IdempotencyKey,
        Resources = Resources,
        Timeout = timeout,
        Backoff = backoff,
        Traceparent = Traceparent,
        ConcurrencyKey = ConcurrencyKey,
        Result = CachedResult,
        FinishedAt = CachedResult is null ? null : createdAt,
    };
}
