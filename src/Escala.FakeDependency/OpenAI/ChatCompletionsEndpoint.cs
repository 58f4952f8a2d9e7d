using System.Globalization;
using System.Text.Json;

namespace Escala.FakeDependency.OpenAI;

/// <summary>
/// A fake OpenAI-compatible chat model: <c>POST /v1/chat/completions</c> (streaming SSE and not, with <c>usage</c>),
/// <c>GET /v1/models</c>; <c>PUT|GET /_openai/config</c> sets its <see cref="ChatBehaviour"/> (latency to first
/// token, tokens per second, reply length, injected 500s and 429s with Retry-After, a provider token budget);
/// <c>GET /_openai/stats[?window=1m]</c>, <c>GET /_openai/served</c> (each served call's arrival in Unix ms and tokens)
/// and <c>POST /_openai/reset</c> let tests check what it served.
/// </summary>
public static class ChatCompletionsEndpoint
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static WebApplication MapFakeOpenAI(this WebApplication app)
    {
        var model = app.Services.GetRequiredService<FakeChatModel>();
        var flags = app.Configuration.GetSection("openai").GetChildren().ToDictionary(c => c.Key, c => c.Value, StringComparer.OrdinalIgnoreCase);
        if (!ChatBehaviourParser.TryApply(model.Behaviour, flags, out var start, out var error))
        {
            throw new ArgumentException($"--openai:{error}");
        }

        model.Behaviour = start;
        app.MapPost("/v1/chat/completions", CompleteAsync);
        app.MapGet("/v1/models", () => Results.Json(new { @object = "list", data = new[] { new { id = "fake", @object = "model", owned_by = "escala" } } }));
        app.MapGet("/_openai/config", (FakeChatModel m) => Results.Json(m.Behaviour, Json));
        app.MapPut("/_openai/config", PutConfigAsync);
        app.MapGet("/_openai/stats", (FakeChatModel m, string? window) =>
        {
            var span = m.Behaviour.BudgetWindow;
            return window is not null && !DurationText.TryParse(window, out span)
                ? Results.Problem(statusCode: 400, detail: "window: not a duration")
                : Results.Json(m.Ledger.Snapshot(span), Json);
        });
        app.MapGet("/_openai/served", (FakeChatModel m) => Results.Json(m.Ledger.Served(), Json));
        app.MapPost("/_openai/reset", (FakeChatModel m) =>
        {
            m.Ledger.Reset();
            return Results.NoContent();
        });
        return app;
    }

    private static async Task<IResult> PutConfigAsync(HttpRequest request, FakeChatModel model)
    {
        JsonElement body;
        try
        {
            body = await JsonSerializer.DeserializeAsync<JsonElement>(request.Body, cancellationToken: request.HttpContext.RequestAborted);
        }
        catch (JsonException)
        {
            return Results.Problem(statusCode: 400, title: "Invalid JSON");
        }

        if (!ChatBehaviourParser.TryApplyJson(model.Behaviour, body, out var behaviour, out var error))
        {
            return Results.Problem(statusCode: 400, title: "Invalid setting", detail: error);
        }

        model.Behaviour = behaviour;
        return Results.Json(behaviour, Json);
    }

    private static async Task CompleteAsync(HttpContext context, FakeChatModel model, TimeProvider time)
    {
        var behaviour = model.Behaviour;
        var response = context.Response;
        var ct = context.RequestAborted;
        if (behaviour.ApiKey is { } key && context.Request.Headers.Authorization.ToString() != "Bearer " + key)
        {
            await ErrorAsync(response, 401, "invalid_api_key", "Incorrect API key provided.", ct);
            return;
        }

        ChatRequestBody body;
        try
        {
            using var document = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: ct);
            body = ChatRequestBody.Read(document.RootElement);
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException or KeyNotFoundException)
        {
            await ErrorAsync(response, 400, "invalid_request_error", "The body must be a chat completion request with messages.", ct);
            return;
        }

        if (Random.Shared.NextDouble() < behaviour.Rate429)
        {
            model.Ledger.Refused(throttled: true);
            response.Headers.RetryAfter = behaviour.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
            await ErrorAsync(response, 429, "rate_limit_exceeded", "Rate limit reached for requests.", ct);
            return;
        }

        if (Random.Shared.NextDouble() < behaviour.ErrorRate)
        {
            model.Ledger.Refused(throttled: false);
            await ErrorAsync(response, 500, "server_error", "The server had an error while processing your request.", ct);
            return;
        }

        var count = Math.Min(behaviour.CompletionTokens, body.MaxTokens ?? int.MaxValue);
        var finish = count < behaviour.CompletionTokens ? "length" : "stop";
        var started = time.GetTimestamp();
        if (model.Ledger.TryServe(time.GetUtcNow().ToUnixTimeMilliseconds(), body.PromptTokens + count, body.PromptTokens, behaviour, body.Stream) is var (wait, remaining))
        {
            var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
            response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            response.Headers["x-ratelimit-limit-tokens"] = behaviour.TokenBudget.ToString(CultureInfo.InvariantCulture);
            response.Headers["x-ratelimit-remaining-tokens"] = remaining.ToString(CultureInfo.InvariantCulture);
            response.Headers["x-ratelimit-reset-tokens"] = wait.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + "s";
            await ErrorAsync(response, 429, "rate_limit_exceeded", "Rate limit reached for tokens per minute.", ct);
            return;
        }

        try
        {
            var tokens = ChatText.Reply(body.Messages, count);
            var reply = new ChatReply(model.NextId(), body.Model, time.GetUtcNow().ToUnixTimeSeconds(), body.PromptTokens, tokens, finish);
            if (body.Stream)
            {
                await reply.StreamAsync(response, behaviour, started, time, ct);
            }
            else
            {
                await Task.Delay(behaviour.Latency + PerToken(behaviour) * Math.Max(0, count - 1), time, ct);
                await response.WriteAsJsonAsync(reply.Whole(), Json, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The client went away.
        }
        finally
        {
            model.Ledger.Done();
        }
    }

    /// <summary>Time between two tokens.</summary>
    public static TimeSpan PerToken(ChatBehaviour behaviour) =>
        behaviour.TokensPerSecond > 0 ? TimeSpan.FromSeconds(1 / behaviour.TokensPerSecond) : TimeSpan.Zero;

    private static Task ErrorAsync(HttpResponse response, int status, string code, string message, CancellationToken ct)
    {
        response.StatusCode = status;
        return response.WriteAsJsonAsync(new { error = new { message, type = code, code } }, Json, ct);
    }
}
