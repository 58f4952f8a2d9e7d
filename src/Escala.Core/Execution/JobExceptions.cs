namespace Escala.Execution;

/// <summary>The attempt failed in a way a retry may fix (a timeout, HTTP 429 or 5xx).</summary>
public class TransientJobException : Exception
{
    public TransientJobException(string message, TimeSpan? retryAfter = null, Exception? inner = null)
        : base(message, inner) => RetryAfter = retryAfter;

    /// <summary>The dependency asked to wait this long (e.g. a Retry-After header); the next attempt starts no earlier.</summary>
    public TimeSpan? RetryAfter { get; }
}

/// <summary>The attempt failed in a way no retry can fix: the job becomes dead at once.</summary>
public class PermanentJobException(string message, Exception? inner = null) : Exception(message, inner);
