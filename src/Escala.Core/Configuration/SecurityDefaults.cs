namespace Escala.Configuration;

/// <summary>The defaults and bounds of <see cref="SecurityOptions"/> and of request limits, in one place.</summary>
public static class SecurityDefaults
{
    public const long MaxBatchBodyBytes = 8L << 20;
    public const long MaxBatchBodyBytesBound = 256L << 20;
    public const int MaxStreamsPerKey = 20;
    public const int MaxStreams = 1000;
    public const string TenantClaim = "tenant";
    public const string ScopeClaim = "scope";

    /// <summary>Body of a request that carries no job arguments or results (worker calls, pauses, keys): 64 KiB.</summary>
    public const long SmallBodyBytes = 64 << 10;

    /// <summary>What a body may add around its arguments or result (the envelope): 64 KiB.</summary>
    public const long EnvelopeBytes = 64 << 10;

    /// <summary>Requests with a body larger than a submit's (batches) read at once on one node: 2.</summary>
    public const int LargeBodiesAtOnce = 2;

    /// <summary>How long a large request waits for its turn before a 503: 30 s.</summary>
    public static readonly TimeSpan LargeBodyWait = TimeSpan.FromSeconds(30);

    /// <summary>Longest URL (path and query) accepted: 8 KiB; longer is 414.</summary>
    public const int MaxUrlBytes = 8 << 10;

    /// <summary>Largest request headers in total: 32 KiB; larger is 431.</summary>
    public const int MaxHeaderBytes = 32 << 10;

    /// <summary>Most request headers: 100; more is 431.</summary>
    public const int MaxHeaderCount = 100;

    /// <summary>Longest <c>delay</c>, and furthest <c>runAt</c>, of a job: 365 days.</summary>
    public static readonly TimeSpan MaxDelay = TimeSpan.FromDays(365);

    /// <summary>Longest <c>timeout</c> of a job: 7 days.</summary>
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromDays(7);

    /// <summary>Longest <c>backoff</c> base of a job: 1 day.</summary>
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromDays(1);

    /// <summary>Longest <c>retryAfter</c> an external worker may ask for (and so the longest pause it can put on a resource): 1 day.</summary>
    public static readonly TimeSpan MaxRetryAfter = TimeSpan.FromDays(1);

    /// <summary>How long a key lookup (found, revoked or unknown) is trusted: at most 1 s, so a revocation reaches every node within it.</summary>
    public static readonly TimeSpan KeyCacheTtl = TimeSpan.FromMilliseconds(900);
}
