using System.Text.Json;

namespace Escala.Workloads.Http;

/// <summary>What a successful <c>http</c> job returns: <c>{"status": 200, "body": …}</c>.</summary>
/// <param name="Status">The response's status code (2xx).</param>
/// <param name="Body">
/// The response body: parsed JSON when the response says it is JSON and it parses, otherwise the text,
/// truncated to <see cref="HttpJobDefaults.MaxResponseBytes"/>; null when the response has no body.
/// </param>
public sealed record HttpJobResult(int Status, JsonElement? Body);
