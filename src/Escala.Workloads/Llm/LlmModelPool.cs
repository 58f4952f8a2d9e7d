using Escala.Configuration;

namespace Escala.Workloads.Llm;

/// <summary>A model's endpoints, taken in turn, skipping those whose breaker is open.</summary>
public sealed class LlmModelPool(ModelSettings settings, IReadOnlyList<LlmEndpoint> endpoints)
{
    private int _next = -1;

    /// <summary>The model's settings.</summary>
    public ModelSettings Settings { get; } = settings;

    /// <summary>Its endpoints, in configuration order.</summary>
    public IReadOnlyList<LlmEndpoint> Endpoints { get; } = endpoints;

    /// <summary>The next endpoint whose breaker lets a call through, or null when every one is open.</summary>
    public LlmEndpoint? TryTake(DateTimeOffset now)
    {
        var start = Interlocked.Increment(ref _next);
        for (var i = 0; i < Endpoints.Count; i++)
        {
            var endpoint = Endpoints[(int)((uint)(start + i) % (uint)Endpoints.Count)];
            if (endpoint.Breaker.TryEnter(now))
            {
                return endpoint;
            }
        }

        return null;
    }
}
