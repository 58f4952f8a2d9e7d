using System.Text.Json;
using Escala.FakeDependency.OpenAI;

namespace Escala.FakeDependency;

/// <summary>
/// A fake slow, flaky, capped external dependency. <c>POST /{name}</c> answers according to the name's
/// behaviour (set with <c>PUT /_config/{name}</c>) overridden by the query string
/// (<c>?latency=200ms&amp;jitter=50ms&amp;failRatio=0.1&amp;rate429=0.2&amp;retryAfter=2&amp;cap=3&amp;capacity=4&amp;queue=8</c>).
/// <c>GET /_stats</c>, <c>GET /_stats/{name}</c> and <c>POST /_reset</c> let tests check what the dependency saw.
/// It is also a fake OpenAI-compatible chat model (<see cref="ChatCompletionsEndpoint"/>).
/// </summary>
public static class FakeDependencyApp
{
    /// <summary>Builds the app; pass <c>--urls http://127.0.0.1:0</c> and read <c>app.Urls</c> after start for the bound port.</summary>
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Services.AddSingleton<DependencyRegistry>();
        builder.Services.AddSingleton<FakeChatModel>();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddProblemDetails();

        var app = builder.Build();
        app.MapPut("/_config/{name}", PutConfig);
        app.MapGet("/_config/{name}", (string name, DependencyRegistry registry) =>
            Results.Json(ToJson(registry.Find(name)?.Behaviour ?? Behaviour.Default)));
        app.MapGet("/_stats", (DependencyRegistry registry) =>
            Results.Json(registry.Snapshot().ToDictionary(stats => stats.Name, stats => stats), JsonOptions));
        app.MapGet("/_stats/{name}", (string name, DependencyRegistry registry) =>
            Results.Json((registry.Find(name)?.Stats ?? new DependencyStats()).Snapshot(name), JsonOptions));
        app.MapPost("/_reset", (DependencyRegistry registry) =>
        {
            registry.Reset();
            return Results.NoContent();
        });
        app.MapPost("/{name}", HandleAsync);
        app.MapFakeOpenAI();
        return app;
    }

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    private static async Task<IResult> PutConfig(string name, HttpRequest request, DependencyRegistry registry)
    {
        JsonElement body;
        try
        {
            body = await JsonSerializer.DeserializeAsync<JsonElement>(request.Body, cancellationToken: request.HttpContext.RequestAborted);
        }
        catch (JsonException ex)
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid JSON", detail: ex.Message);
        }

        if (!BehaviourParser.TryApplyJson(Behaviour.Default, body, out var behaviour, out var error))
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid setting", detail: error);
        }

        registry.Get(name).Behaviour = behaviour;
        return Results.Json(ToJson(behaviour));
    }

    private static async Task HandleAsync(string name, HttpContext context, DependencyRegistry registry, TimeProvider time)
    {
        if (name.StartsWith('_'))
        {
            await Results.Problem(statusCode: StatusCodes.Status404NotFound, detail: "names starting with '_' are reserved").ExecuteAsync(context);
            return;
        }

        var dependency = registry.Get(name);
        if (!BehaviourParser.TryApplyQuery(dependency.Behaviour, context.Request.Query, out var behaviour, out var error))
        {
            await Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid setting", detail: error).ExecuteAsync(context);
            return;
        }

        var stats = dependency.Stats;
        var inFlight = stats.Enter(time.GetUtcNow().ToUnixTimeMilliseconds());
        var status = StatusCodes.Status499ClientClosedRequest;
        try
        {
            status = await AnswerAsync(name, context, behaviour, inFlight, dependency, time);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away during the latency: counted as 499.
        }
        finally
        {
            stats.Exit(status);
        }
    }

    private static async Task<int> AnswerAsync(string name, HttpContext context, Behaviour behaviour, long inFlight, Dependency dependency, TimeProvider time)
    {
        var stats = dependency.Stats;
        var response = context.Response;
        if (behaviour.Cap > 0 && inFlight > behaviour.Cap)
        {
            stats.CountViolation();
            response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            await response.WriteAsJsonAsync(new { error = "cap exceeded" }, context.RequestAborted);
            return response.StatusCode;
        }

        if (behaviour.Rate429 > 0 && Random.Shared.NextDouble() < behaviour.Rate429)
        {
            response.StatusCode = StatusCodes.Status429TooManyRequests;
            response.Headers.RetryAfter = behaviour.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await response.WriteAsJsonAsync(new { error = "rate limited" }, context.RequestAborted);
            return response.StatusCode;
        }

        var bytes = await DrainAsync(context.Request.Body, context.RequestAborted);
        var latency = behaviour.Latency + behaviour.Jitter * Random.Shared.NextDouble();
        if (behaviour.Capacity > 0)
        {
            if (dependency.Gate.TryEnter(behaviour.Capacity, behaviour.Queue, context.RequestAborted) is not { } turn)
            {
                response.StatusCode = StatusCodes.Status429TooManyRequests;
                response.Headers.RetryAfter = behaviour.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                await response.WriteAsJsonAsync(new { error = "over capacity" }, context.RequestAborted);
                return response.StatusCode;
            }

            await turn;
            try
            {
                if (latency > TimeSpan.Zero)
                {
                    await Task.Delay(latency, time, context.RequestAborted);
                }
            }
            finally
            {
                dependency.Gate.Exit(dependency.Behaviour.Capacity is > 0 and var capacity ? capacity : behaviour.Capacity);
            }
        }
        else if (latency > TimeSpan.Zero)
        {
            await Task.Delay(latency, time, context.RequestAborted);
        }

        if (behaviour.FailRatio > 0 && Random.Shared.NextDouble() < behaviour.FailRatio)
        {
            response.StatusCode = StatusCodes.Status500InternalServerError;
            await response.WriteAsJsonAsync(new { error = "injected failure" }, context.RequestAborted);
            return response.StatusCode;
        }

        response.StatusCode = StatusCodes.Status200OK;
        await response.WriteAsJsonAsync(new { dependency = name, ok = true, latencyMs = (long)latency.TotalMilliseconds, requestBytes = bytes }, context.RequestAborted);
        return response.StatusCode;
    }

    private static async Task<long> DrainAsync(Stream body, CancellationToken cancellationToken)
    {
        var buffer = new byte[8192];
        long total = 0;
        int read;
        while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
        {
            total += read;
        }

        return total;
    }

    private static object ToJson(Behaviour behaviour) => new
    {
        latency = $"{behaviour.Latency.TotalMilliseconds}ms",
        jitter = $"{behaviour.Jitter.TotalMilliseconds}ms",
        failRatio = behaviour.FailRatio,
        rate429 = behaviour.Rate429,
        retryAfter = behaviour.RetryAfterSeconds,
        cap = behaviour.Cap,
        capacity = behaviour.Capacity,
        queue = behaviour.Queue,
    };
}
