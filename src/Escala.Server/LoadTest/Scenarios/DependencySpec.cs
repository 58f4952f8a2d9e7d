namespace Escala.Server.LoadTest.Scenarios;

/// <summary>
/// A fake dependency the load tester serves itself on loopback (<c>POST /dep/{name}</c>): latency drawn from
/// <see cref="Latency"/> (× time scale), a share of 429s and of 500s, optionally streamed in chunks like an LLM's
/// generation. It counts calls in flight, so the report can show the most it ever saw against the limit.
/// </summary>
/// <remarks>
/// LLMs are modelled this way for now. Extension point: when the fake OpenAI-compatible server exists, a
/// <c>type: openai</c> dependency can point jobs at it instead, and this record gains that type.
/// </remarks>
public sealed record DependencySpec
{
    public required string Name { get; init; }

    /// <summary>The Escala resource its jobs need (a job naming this dependency gets it). Defaults to the dependency's name; <c>none</c> for no resource.</summary>
    public string? Resource { get; init; }

    /// <summary>How long one call takes, document time.</summary>
    public required LatencyDistribution Latency { get; init; }

    /// <summary>Share of calls answered 500 after the latency. Defaults to 0.</summary>
    public double ErrorRate { get; init; }

    /// <summary>Share of calls answered 429 at once, with <c>Retry-After</c>. Defaults to 0.</summary>
    public double Rate429 { get; init; }

    /// <summary>The 429's <c>Retry-After</c>, document time; sent in whole seconds, at least 1. Defaults to 1 s.</summary>
    public TimeSpan RetryAfter { get; init; } = ScenarioDefaults.RetryAfter;

    /// <summary>Chunks a 200 is streamed in, spread over the latency (0: one body at the end). Defaults to 0.</summary>
    public int StreamChunks { get; init; }

    /// <summary>Most calls that may be in flight at once: an SLA. Defaults to the resource's concurrency on the node.</summary>
    public int? Limit { get; init; }
}
