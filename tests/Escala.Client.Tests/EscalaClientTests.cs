using System.Text.Json;
using Escala.Client.Tests.Support;

namespace Escala.Client.Tests;

/// <summary><see cref="EscalaClient"/> over real HTTP: submit, batch, read, wait, events, cancel, retry, refusals.</summary>
public sealed class EscalaClientTests : IAsyncLifetime
{
    private ClientNode _node = null!;

    private EscalaClient Client => _node.Client;

    public async Task InitializeAsync() => _node = await ClientNode.StartAsync();

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Fact]
    public async Task SubmitAsync_ThenGet_ReturnsTheJobWithItsArgs()
    {
        var job = await Client.SubmitAsync(new SubmitJob("doc.index", new { path = "/in/a.pdf" }) { Queue = "ext", Priority = 5 });

        var read = await Client.GetAsync(job.Id);

        Assert.True(job.Created);
        Assert.Equal("available", read.State);
        Assert.Equal(5, read.Priority);
        Assert.Equal("/in/a.pdf", read.Args.GetProperty("path").GetString());
    }

    [Fact]
    public async Task SubmitAsync_SameIdempotencyKeyTwice_ReturnsTheSameJobNotCreated()
    {
        var first = await Client.SubmitAsync(new SubmitJob("doc.index") { Queue = "ext", IdempotencyKey = "order-42" });
        var again = await Client.SubmitAsync(new SubmitJob("doc.index") { Queue = "ext", IdempotencyKey = "order-42" });

        Assert.Equal(first.Id, again.Id);
        Assert.False(again.Created);
    }

    [Fact]
    public async Task SubmitManyAsync_OneBadJob_ThrowsProblemNamingItAndInsertsNone()
    {
        var ex = await Assert.ThrowsAsync<EscalaApiException>(() => Client.SubmitManyAsync(
        [
            new SubmitJob("a") { Queue = "ext" },
            new SubmitJob("b") { Queue = "ext", Delay = "soon" },
        ]));

        Assert.Equal(400, ex.Status);
        Assert.Contains(ex.Errors.Keys, k => k.StartsWith("jobs[1]", StringComparison.Ordinal));
        var ok = await Client.SubmitManyAsync([new SubmitJob("a") { Queue = "ext" }]);
        Assert.Equal(1, Assert.Single(ok).Id);  // the refused batch left no job behind
    }

    [Fact]
    public async Task GetAsync_UnknownJob_Throws404()
    {
        var ex = await Assert.ThrowsAsync<EscalaApiException>(() => Client.GetAsync(424242));

        Assert.Equal(404, ex.Status);
    }

    [Fact]
    public async Task CancelAsync_WaitingJob_EndsCancelled_AndEventsStreamItThenRetryMakesItAvailable()
    {
        var job = await Client.SubmitAsync(new SubmitJob("nobody.runs.this") { Queue = "ext" });
        var events = new List<EscalaJobEvent>();
        var streaming = Task.Run(async () =>
        {
            await foreach (var e in Client.EventsAsync(job.Id, TimeSpan.FromSeconds(20)))
            {
                events.Add(e);
            }
        });

        await Eventually(() => events.Count > 0);
        var cancelled = await Client.CancelAsync(job.Id);
        await streaming.WaitAsync(TimeSpan.FromSeconds(20));
        var retried = await Client.RetryAsync(job.Id);

        Assert.Equal("cancelled", cancelled.State);
        Assert.Equal("state", events[0].Name);
        Assert.Equal("done", events[^1].Name);
        Assert.Equal("cancelled", events[^1].Job.State);
        Assert.Equal("available", retried.State);
    }

    [Fact]
    public async Task WaitAsync_JobNobodyRuns_TimesOut()
    {
        var job = await Client.SubmitAsync(new SubmitJob("nobody.runs.this") { Queue = "ext" });

        await Assert.ThrowsAsync<TimeoutException>(() => Client.WaitAsync(job.Id, TimeSpan.FromMilliseconds(500)));
    }

    internal static async Task Eventually(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met within 20 s");
            await Task.Delay(20);
        }
    }

    internal static JsonElement Json(object value) => JsonSerializer.SerializeToElement(value, JsonSerializerOptions.Web);
}
