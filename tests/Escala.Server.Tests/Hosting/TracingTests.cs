using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Escala.Server.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using OpenTelemetry.Trace;

namespace Escala.Server.Tests.Hosting;

/// <summary>
/// A trace runs from the submit request through the store to the job's execution: the W3C trace context travels
/// with the job (in-process runners and external workers alike) and leaves the node over OTLP when configured.
/// </summary>
public sealed class TracingTests
{
    private const string TraceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    private const string CallerSpan = "00f067aa0ba902b7";

    [Fact]
    public async Task Submit_WithTraceparent_ExecutionSpanIsAChildOfTheSubmitInTheCallersTrace()
    {
        var spans = new List<Activity>();
        await using var node = await TestNode.StartAsync(null, services => services.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(spans)));
        var traceId = NewTraceId();

        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/jobs?wait=10s") { Content = JsonContent.Create(new { kind = "noop", queue = "fast" }) };
        request.Headers.Add("traceparent", $"00-{traceId}-{CallerSpan}-01");
        using var response = await node.Http.SendAsync(request);
        Assert.Equal("completed", EscalaApi.State(await EscalaApi.ReadAsync(response)));

        // The server span is exported when the request ends, which can be just after the client has read the response.
        var mine = await Eventually.UntilAsync(
            () => Task.FromResult(Snapshot(spans).Where(s => s.TraceId.ToHexString() == traceId).ToList()),
            m => m.Any(s => s.DisplayName == "job noop") && m.Any(s => s.Kind == ActivityKind.Server),
            "the job's execution span and the request's server span", TimeSpan.FromSeconds(20));
        var execution = mine.Single(s => s.DisplayName == "job noop");
        var server = Assert.Single(mine, s => s.Kind == ActivityKind.Server);
        var submit = Assert.Single(mine, s => s.DisplayName == "jobs submit");
        Assert.Equal(CallerSpan, server.ParentSpanId.ToHexString());
        Assert.Equal(server.SpanId, submit.ParentSpanId);
        Assert.Equal(submit.SpanId, execution.ParentSpanId);
        Assert.Equal(ActivityKind.Consumer, execution.Kind);
    }

    [Fact]
    public async Task Lease_ExternalWorker_GetsTheSubmitsTraceparent()
    {
        var spans = new List<Activity>();
        await using var node = await TestNode.StartAsync(null, services => services.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(spans)));
        var traceId = NewTraceId();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/jobs") { Content = JsonContent.Create(new { kind = "ocr.extract", queue = "ext" }) };
        request.Headers.Add("traceparent", $"00-{traceId}-{CallerSpan}-01");
        using (var submitted = await node.Http.SendAsync(request))
        {
            submitted.EnsureSuccessStatusCode();
        }

        using var lease = await node.Api.PostJsonAsync("/v1/workers/lease", new { queues = new[] { "ext" }, max = 1, wait = "5s", worker = "py-1" });
        var job = (await EscalaApi.ReadAsync(lease)).GetProperty("jobs")[0];

        var traceparent = job.GetProperty("traceparent").GetString()!;
        var submit = Assert.Single(Snapshot(spans), s => s.DisplayName == "jobs submit" && s.TraceId.ToHexString() == traceId);
        Assert.Equal($"00-{traceId}-{submit.SpanId.ToHexString()}-01", traceparent);
    }

    [Fact]
    public async Task OtlpEndpoint_Configured_SpansArePostedToTheCollector()
    {
        var received = new ConcurrentQueue<(string Path, string? ContentType, byte[] Body)>();
        var collector = WebApplication.CreateSlimBuilder();
        collector.WebHost.UseUrls("http://127.0.0.1:0");
        await using var receiver = collector.Build();
        receiver.MapPost("/v1/traces", async (HttpRequest http) =>
        {
            using var body = new MemoryStream();
            await http.Body.CopyToAsync(body);
            received.Enqueue((http.Path, http.ContentType, body.ToArray()));
            return Results.Ok();
        });
        await receiver.StartAsync();
        var endpoint = receiver.Urls.First();

        var traceId = NewTraceId();
        await using (var node = await TestNode.StartAsync(new Dictionary<string, string?> { ["Telemetry:OtlpEndpoint"] = endpoint }))
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/jobs?wait=10s") { Content = JsonContent.Create(new { kind = "noop", queue = "fast" }) };
            request.Headers.Add("traceparent", $"00-{traceId}-{CallerSpan}-01");
            using var response = await node.Http.SendAsync(request);
            Assert.Equal("completed", EscalaApi.State(await EscalaApi.ReadAsync(response)));
        }

        // Stopping the node flushes its exporter; OTLP/protobuf carries the trace id as its 16 raw bytes.
        var traceBytes = Convert.FromHexString(traceId);
        var exported = received.Where(r => r.Body.AsSpan().IndexOf(traceBytes) >= 0).ToList();
        Assert.NotEmpty(exported);
        Assert.All(exported, r => Assert.Equal(("/v1/traces", "application/x-protobuf"), (r.Path, r.ContentType)));
        Assert.Contains(exported, r => r.Body.AsSpan().IndexOf("job noop"u8) >= 0);
        await receiver.StopAsync();
    }

    private static string NewTraceId() => ActivityTraceId.CreateRandom().ToHexString();

    private static List<Activity> Snapshot(List<Activity> spans)
    {
        lock (spans)
        {
            return [.. spans];
        }
    }
}
