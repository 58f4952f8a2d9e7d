using System.Text.Json;

namespace Escala.FakeDependency.OpenAI;

/// <summary>One reply of the fake model, written whole or as OpenAI's SSE chunks (then a usage chunk and <c>[DONE]</c>).</summary>
public sealed record ChatReply(string Id, string Model, long Created, int PromptTokens, string[] Tokens, string FinishReason)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private object Usage => new { prompt_tokens = PromptTokens, completion_tokens = Tokens.Length, total_tokens = PromptTokens + Tokens.Length };

    public object Whole() => new
    {
        id = Id,
        @object = "chat.completion",
        created = Created,
        model = Model,
        choices = new[] { new { index = 0, message = new { role = "assistant", content = string.Concat(Tokens) }, finish_reason = FinishReason } },
        usage = Usage,
    };

    /// <summary>Sends each token when it is due: the first after the latency, the next ones at the configured speed.</summary>
    public async Task StreamAsync(HttpResponse response, ChatBehaviour behaviour, long started, TimeProvider time, CancellationToken ct)
    {
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        var perToken = ChatCompletionsEndpoint.PerToken(behaviour);
        for (var i = 0; i < Tokens.Length; i++)
        {
            var due = behaviour.Latency + perToken * i - time.GetElapsedTime(started);
            if (due > TimeSpan.Zero)
            {
                await Task.Delay(due, time, ct);
            }

            await ChunkAsync(response, new { index = 0, delta = new { role = "assistant", content = Tokens[i] }, finish_reason = (string?)null }, null, ct);
        }

        await ChunkAsync(response, new { index = 0, delta = new { }, finish_reason = FinishReason }, null, ct);
        await WriteAsync(response, new { id = Id, @object = "chat.completion.chunk", created = Created, model = Model, choices = Array.Empty<object>(), usage = Usage }, ct);
        await response.WriteAsync("data: [DONE]\n\n", ct);
        await response.Body.FlushAsync(ct);
    }

    private Task ChunkAsync(HttpResponse response, object choice, object? usage, CancellationToken ct) =>
        WriteAsync(response, new { id = Id, @object = "chat.completion.chunk", created = Created, model = Model, choices = new[] { choice }, usage }, ct);

    private static async Task WriteAsync(HttpResponse response, object chunk, CancellationToken ct)
    {
        await response.WriteAsync("data: " + JsonSerializer.Serialize(chunk, Json) + "\n\n", ct);
        await response.Body.FlushAsync(ct);
    }
}
