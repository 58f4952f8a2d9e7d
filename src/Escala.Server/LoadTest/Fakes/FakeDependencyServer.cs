using System.Collections.Frozen;
using System.Globalization;
using Escala.Server.LoadTest.Scenarios;

namespace Escala.Server.LoadTest.Fakes;

/// <summary>
/// The scenario's fake dependencies, served by the load tester itself on loopback: <c>POST /dep/{name}</c> answers
/// after a latency drawn from the dependency's distribution (× time scale), 429 with <c>Retry-After</c> or 500 at
/// the configured rates, and streams a 200 in chunks when asked (an LLM's generation). A feature of the load
/// tester, not test code: it needs no other executable, so it works from a checkout and from the installed tool.
/// </summary>
public sealed class FakeDependencyServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly FrozenDictionary<string, (DependencySpec Spec, DependencyCounters Counters)> _dependencies;
    private readonly double _scale;
    private readonly Dictionary<string, long> _limits;

    private FakeDependencyServer(WebApplication app, Scenario scenario, IReadOnlyDictionary<string, long> limits)
    {
        _app = app;
        _scale = scenario.TimeScale;
        _dependencies = scenario.Dependencies.Values.ToFrozenDictionary(d => d.Name, d => (d, new DependencyCounters()), StringComparer.Ordinal);
        _limits = new Dictionary<string, long>(limits, StringComparer.Ordinal);
    }

    /// <summary>The base address, <c>http://127.0.0.1:PORT</c>.</summary>
    public string Url => _app.Urls.Single().TrimEnd('/');

    public IReadOnlyDictionary<string, DependencyCounters> Counters => _dependencies.ToDictionary(p => p.Key, p => p.Value.Counters);

    /// <summary>The address a job or a worker calls for <paramref name="dependency"/>.</summary>
    public string UrlOf(string dependency) => $"{Url}/dep/{Uri.EscapeDataString(dependency)}";

    /// <summary>The most calls of a dependency that may be in flight, as the SLA checks it (0: no limit known).</summary>
    public long LimitOf(string dependency) => _limits.GetValueOrDefault(dependency);

    /// <summary>Starts on 127.0.0.1 on a free port.</summary>
    /// <param name="limits">Each dependency's limit; a call over it is counted (and still answered).</param>
    public static async Task<FakeDependencyServer> StartAsync(Scenario scenario, IReadOnlyDictionary<string, long> limits, CancellationToken ct)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new FakeDependencyServer(app, scenario, limits);
        app.MapPost("/dep/{name}", server.AnswerAsync);
        await app.StartAsync(ct);
        return server;
    }

    private async Task AnswerAsync(string name, HttpContext context)
    {
        if (!_dependencies.TryGetValue(name, out var dependency))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        var (spec, counters) = dependency;
        var status = 499;
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        counters.Enter(LimitOf(name));
        try
        {
            status = await RespondAsync(spec, context);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The caller gave up (its timeout, or the run ended): counted as an error (499).
        }
        finally
        {
            counters.Exit(status, System.Diagnostics.Stopwatch.GetElapsedTime(started));
        }
    }

    private async Task<int> RespondAsync(DependencySpec spec, HttpContext context)
    {
        var response = context.Response;
        var ct = context.RequestAborted;
        var random = Random.Shared;
        if (spec.Rate429 > 0 && random.NextDouble() < spec.Rate429)
        {
            response.StatusCode = StatusCodes.Status429TooManyRequests;
            var seconds = Math.Max(1, (int)Math.Ceiling((spec.RetryAfter * _scale).TotalSeconds));
            response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            return response.StatusCode;
        }

        var latency = spec.Latency.Sample(random, _scale);
        var fails = spec.ErrorRate > 0 && random.NextDouble() < spec.ErrorRate;
        if (fails || spec.StreamChunks == 0)
        {
            await Task.Delay(latency, ct);
            response.StatusCode = fails ? StatusCodes.Status500InternalServerError : StatusCodes.Status200OK;
            response.ContentType = "application/json";
            await response.WriteAsync(fails ? """{"error":"injected failure"}""" : """{"ok":true}""", ct);
            return response.StatusCode;
        }

        // Streaming: the headers at once, then one chunk per slice of the latency, as an LLM generates tokens.
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/plain; charset=utf-8";
        await response.StartAsync(ct);
        var slice = latency / spec.StreamChunks;
        for (var i = 0; i < spec.StreamChunks; i++)
        {
            await Task.Delay(slice, ct);
            await response.WriteAsync($"token {i}\n", ct);
            await response.Body.FlushAsync(ct);
        }

        return response.StatusCode;
    }

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
    }
}
