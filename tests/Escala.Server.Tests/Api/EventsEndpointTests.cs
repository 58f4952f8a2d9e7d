using System.Net;
using System.Net.Http.Json;
using Escala.Server.Tests.Support;

namespace Escala.Server.Tests.Api;

public sealed class EventsEndpointTests : NodeTest
{
    [Fact]
    public async Task Events_JobReportingProgress_StreamsStateThenProgressThenDoneWithResult()
    {
        var id = await Api.SubmitIdAsync(new { kind = "progress" });
        await using var stream = await SseStream.OpenAsync(Node.Http, $"/v1/jobs/{id}/events");

        var events = new List<SseEvent>();
        var first = await stream.NextAsync();
        events.Add(first);
        Assert.Equal("state", first.Name);
        var current = first;
        while (EscalaApi.State(current.Data) != "running")
        {
            current = await stream.NextAsync();
            events.Add(current);
            Assert.Equal("state", current.Name);
        }

        Handlers.Progress.Report(id);
        var progress = await stream.NextAsync();
        events.Add(progress);
        Handlers.Progress.Finish(id);
        var done = await stream.NextAsync();
        events.Add(done);

        Assert.Equal("progress", progress.Name);
        Assert.Equal(50, progress.Data.GetProperty("progress").GetProperty("percent").GetInt32());
        Assert.Equal("done", done.Name);
        Assert.Equal("completed", EscalaApi.State(done.Data));
        Assert.Equal(42, done.Data.GetProperty("result").GetProperty("answer").GetInt32());
        Assert.Null(await stream.NextOrEndAsync());
    }

    [Fact]
    public async Task Events_JobAlreadyFinished_SendsDoneAndEnds()
    {
        using var submitted = await Node.Http.PostAsJsonAsync("/v1/jobs?wait=10s", new { kind = "noop" });
        var id = (await submitted.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("id").GetInt64();
        await using var stream = await SseStream.OpenAsync(Node.Http, $"/v1/jobs/{id}/events");

        var only = await stream.NextAsync();

        Assert.Equal("done", only.Name);
        Assert.Equal("completed", EscalaApi.State(only.Data));
        Assert.Null(await stream.NextOrEndAsync());
    }

    [Fact]
    public async Task Events_UnknownJob_Returns404Problem()
    {
        using var response = await Node.Http.GetAsync("/v1/jobs/31337/events");

        await Problem.AssertAsync(response, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Events_MaxDurationOnNeverFinishingJob_EndsWithTimeoutEvent()
    {
        var id = await Api.SubmitIdAsync(new { kind = "block" });
        await using var stream = await SseStream.OpenAsync(Node.Http, $"/v1/jobs/{id}/events?maxDuration=300ms");

        SseEvent? last = null;
        for (var i = 0; i < 20 && await stream.NextOrEndAsync() is { } next; i++)
        {
            last = next;
        }

        Assert.NotNull(last);
        Assert.Equal("timeout", last.Name);
        Assert.Equal(id, EscalaApi.Id(last.Data));
        Assert.Equal("running", EscalaApi.State(await Api.GetJobAsync(id)));
    }
}
