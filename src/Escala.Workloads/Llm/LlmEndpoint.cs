using Microsoft.Extensions.AI;

namespace Escala.Workloads.Llm;

/// <summary>One endpoint of a model: its chat client and its breaker.</summary>
/// <param name="Index">Its place in <c>models:NAME:endpoints</c>.</param>
/// <param name="Name">The endpoint's name in metrics and errors: <c>RESOURCE.MODEL.INDEX</c> (<c>llm.qwen.0</c>), never its URL.</param>
/// <param name="Client">The chat client calling it.</param>
/// <param name="Breaker">Its breaker on this node.</param>
public sealed record LlmEndpoint(int Index, string Name, IChatClient Client, EndpointBreaker Breaker);
