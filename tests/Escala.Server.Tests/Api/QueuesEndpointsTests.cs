using System.Net;
using System.Text.Json;
using Escala.Server.Tests.Support;

namespace Escala.Server.Tests.Api;

public sealed class QueuesEndpointsTests : NodeTest
{
    [Fact]
    public async Task Pause_StopsLeasing_JobStaysAvailableUntilResume()
    {
        await Api.PauseAsync("fast");

        using var submit = await Api.PostJsonAsync("/v1/jobs?wait=600ms", new { kind = "echo", queue = "fast" });
        await EscalaApi.ExpectAsync(submit, HttpStatusCode.Accepted);
        var job = await EscalaApi.ReadAsync(submit);
        var id = EscalaApi.Id(job);
        Assert.Equal("available", EscalaApi.State(job));
        var other = await Api.SubmitIdAsync(new { kind = "echo", queue = "one" });
        await Api.WaitForStateAsync(other, "completed");
        Assert.Equal("available", EscalaApi.State(await Api.GetJobAsync(id)));
        Assert.True((await QueueAsync("fast")).GetProperty("paused").GetBoolean());

        await Api.ResumeAsync("fast");

        var done = await Api.WaitForStateAsync(id, "completed");
        Assert.Equal(1, done.GetProperty("attempt").GetInt32());
        Assert.False((await QueueAsync("fast")).GetProperty("paused").GetBoolean());
    }

    [Fact]
    public async Task List_CountsJobsByQueueAndState()
    {
        await Api.SubmitIdAsync(new { kind = "echo", queue = "fast", delay = "1h" });
        await Api.SubmitIdAsync(new { kind = "echo", queue = "fast", delay = "1h" });
        var done = await Api.SubmitIdAsync(new { kind = "echo", queue = "fast" });
        await Api.WaitForStateAsync(done, "completed");

        var fast = await QueueAsync("fast");
        var counts = fast.GetProperty("counts");
        Assert.Equal(2, counts.GetProperty("scheduled").GetInt32());
        Assert.Equal(1, counts.GetProperty("completed").GetInt32());
        Assert.Equal(0, counts.GetProperty("available").GetInt32());
        Assert.Equal(4, fast.GetProperty("concurrency").GetInt32());
        Assert.True((await QueueAsync("ext")).GetProperty("external").GetBoolean());
        Assert.All((await QueueAsync("default")).GetProperty("counts").EnumerateObject(), c => Assert.Equal(0, c.Value.GetInt32()));
    }

    [Fact]
    public async Task Pause_UnknownQueue_Returns404Problem()
    {
        using var pause = await Node.Http.PostAsync("/v1/queues/nope/pause", EscalaApi.EmptyJson());
        using var resume = await Node.Http.PostAsync("/v1/queues/nope/resume", EscalaApi.EmptyJson());

        await Problem.AssertAsync(pause, HttpStatusCode.NotFound);
        await Problem.AssertAsync(resume, HttpStatusCode.NotFound);
    }

    private async Task<JsonElement> QueueAsync(string name)
    {
        var body = await Api.GetAsync("/v1/queues");
        return body.GetProperty("queues").EnumerateArray().Single(q => q.GetProperty("name").GetString() == name);
    }
}
