using System.ClientModel;
using System.ClientModel.Primitives;
using Escala.Configuration;
using Microsoft.Extensions.AI;
using OpenAI;

namespace Escala.Workloads.Llm;

/// <summary>
/// The configured models (<c>models</c>) with an OpenAI-compatible chat client per endpoint, and the choice of
/// where a call goes: the model's next endpoint whose breaker is closed, else its fallback model's.
/// </summary>
public sealed class LlmClients
{
    /// <summary>The <see cref="HttpClient"/> name the chat clients send with (pooled handlers, no client-wide timeout).</summary>
    public const string HttpClientName = "escala-llm";

    private readonly Dictionary<string, LlmModelPool> _pools = new(StringComparer.Ordinal);

    /// <summary>Builds a chat client per endpoint of every model in <paramref name="models"/>.</summary>
    public LlmClients(IReadOnlyDictionary<string, ModelSettings> models, IHttpClientFactory http)
    {
        foreach (var (name, model) in models)
        {
            var endpoints = new List<LlmEndpoint>();
            for (var i = 0; i < model.Endpoints.Count; i++)
            {
                var options = new OpenAIClientOptions
                {
                    Endpoint = model.Endpoints[i],
                    Transport = new HttpClientPipelineTransport(http.CreateClient(HttpClientName)),

                    // Escala retries (with backoff, breakers and 429 pauses); the SDK must not retry behind its back.
                    RetryPolicy = new ClientRetryPolicy(0),
                    NetworkTimeout = Timeout.InfiniteTimeSpan,
                };
                var chat = new OpenAI.Chat.ChatClient(model.Model, new ApiKeyCredential(model.ApiKey ?? "none"), options).AsIChatClient();
                endpoints.Add(new LlmEndpoint(i, model.EndpointName(i), chat, new EndpointBreaker(model.EndpointFailures, model.EndpointOpenFor)));
            }

            _pools[name] = new LlmModelPool(model, endpoints);
        }
    }

    /// <summary>The model named <paramref name="model"/>, or null.</summary>
    public LlmModelPool? Find(string model) => _pools.GetValueOrDefault(model);

    /// <summary>The models by name.</summary>
    public IReadOnlyDictionary<string, LlmModelPool> Pools => _pools;

    /// <summary>
    /// Where a call to <paramref name="model"/> goes now: one of its endpoints, or one of its fallback's when every
    /// endpoint of the model has its breaker open; null when none is usable.
    /// </summary>
    public (LlmModelPool Pool, LlmEndpoint Endpoint)? Route(string model, DateTimeOffset now)
    {
        var pool = _pools[model];
        if (pool.TryTake(now) is { } endpoint)
        {
            return (pool, endpoint);
        }

        if (pool.Settings.Fallback is { } fallback && _pools[fallback].TryTake(now) is { } other)
        {
            return (_pools[fallback], other);
        }

        return null;
    }
}
