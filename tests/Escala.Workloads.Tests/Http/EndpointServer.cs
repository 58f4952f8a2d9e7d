using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Escala.Workloads.Tests.Http;

/// <summary>A real Kestrel server on 127.0.0.1 with the endpoints the http kind is tested against.</summary>
public sealed class EndpointServer : IAsyncLifetime
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _hanging = new();
    private WebApplication? _app;
    private int _requests;

    /// <summary>Requests that reached the server so far (egress tests assert a refused call never arrives).</summary>
    public int Requests => Volatile.Read(ref _requests);

    public int Port => BaseAddress.Port;

    public Uri BaseAddress { get; private set; } = null!;

    public string Url(string path) => new Uri(BaseAddress, path).ToString();

    /// <summary>Completes once a request to <c>/hang?id=</c><paramref name="id"/> has arrived and is waiting.</summary>
    public Task Arrived(string id) => Hang(id).Task.WaitAsync(TimeSpan.FromSeconds(10));

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.Use((context, next) =>
        {
            Interlocked.Increment(ref _requests);
            return next(context);
        });

        // Answers with what it received, so tests see what the handler sent.
        app.Map("/echo", async (HttpRequest request) =>
        {
            using var body = await JsonDocument.ParseAsync(request.Body);
            return Results.Json(new
            {
                method = request.Method,
                contentType = request.ContentType,
                custom = request.Headers["X-Custom"].ToString(),
                received = body.RootElement.Clone(),
            });
        });
        app.Map("/caller", (HttpRequest request) => Results.Json(new
        {
            jobId = request.Headers["Escala-Job-Id"].ToString(),
            attempt = request.Headers["Escala-Attempt"].ToString(),
            idempotencyKey = request.Headers["Idempotency-Key"].ToString(),
        }));
        app.MapGet("/bodyless", (HttpRequest request) => Results.Json(new { method = request.Method, length = request.ContentLength }));
        app.Map("/redirect", () => Results.Redirect("/echo"));
        app.Map("/text", () => Results.Text("plain words", "text/plain"));
        app.Map("/broken-json", () => Results.Text("{not json", "application/json"));
        app.Map("/big", () => Results.Text(new string('a', 100_000), "text/plain"));
        app.Map("/empty", () => Results.NoContent());
        app.Map("/status/{code:int}", (int code, string? retryAfter, HttpResponse response) =>
        {
            if (retryAfter is not null)
            {
                response.Headers.RetryAfter = retryAfter;
            }

            return Results.StatusCode(code);
        });
        app.Map("/hang", async (string id, HttpContext context) =>
        {
            Hang(id).TrySetResult();
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        });

        await app.StartAsync();
        _app = app;
        BaseAddress = new Uri(app.Urls.Single());
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    private TaskCompletionSource Hang(string id) =>
        _hanging.GetOrAdd(id, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}
