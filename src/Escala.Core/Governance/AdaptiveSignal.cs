namespace Escala.Governance;

/// <summary>What one attempt says about its dependency's load, for <see cref="AdaptiveLimiter"/>.</summary>
public enum AdaptiveSignal
{
    /// <summary>It succeeded: its latency is a sample.</summary>
    Success,

    /// <summary>The dependency refused it (429, a throttled failure) or it timed out: overload, whatever the latency.</summary>
    Overload,

    /// <summary>Any other failure: says nothing about load (the breaker deals with it).</summary>
    Neutral,
}
