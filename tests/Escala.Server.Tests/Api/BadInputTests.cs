using System.Net;
using Escala.Server.Tests.Support;

namespace Escala.Server.Tests.Api;

/// <summary>Every refusal is problem+json naming the field at fault, and changes nothing.</summary>
public sealed class BadInputTests : NodeTest
{
    protected override IReadOnlyDictionary<string, string?> Overrides => new Dictionary<string, string?>
    {
        ["Limits:MaxArgsBytes"] = "64",
    };

    private static readonly string TooLargeArgs = "{\"text\":\"" + new string('x', 100) + "\"}";

    [Fact]
    public async Task Submit_MalformedJson_Returns400NamingTheBody()
    {
        using var response = await Api.PostRawAsync("/v1/jobs", "{\"kind\": \"echo\",");

        await Problem.AssertFieldAsync(response, HttpStatusCode.BadRequest, "body");
    }

    [Fact]
    public async Task Submit_MissingKind_Returns400NamingKind()
    {
        using var response = await Api.PostRawAsync("/v1/jobs", "{\"queue\": \"default\"}");

        await Problem.AssertFieldAsync(response, HttpStatusCode.BadRequest, "kind");
    }

    [Fact]
    public async Task Submit_UnknownQueue_Returns422NamingQueue()
    {
        using var response = await Api.PostRawAsync("/v1/jobs", "{\"kind\": \"echo\", \"queue\": \"nope\"}");

        await Problem.AssertFieldAsync(response, HttpStatusCode.UnprocessableEntity, "queue");
    }

    [Fact]
    public async Task Submit_UnknownResource_Returns422NamingTheResource()
    {
        using var response = await Api.PostRawAsync("/v1/jobs", "{\"kind\": \"echo\", \"resources\": [\"llm\", \"gpu\"]}");

        await Problem.AssertFieldAsync(response, HttpStatusCode.UnprocessableEntity, "resources[1]");
    }

    [Fact]
    public async Task Submit_ArgsOverTheLimit_Returns413NamingArgs()
    {
        using var response = await Api.PostRawAsync("/v1/jobs", "{\"kind\": \"echo\", \"args\": " + TooLargeArgs + "}");

        await Problem.AssertFieldAsync(response, HttpStatusCode.RequestEntityTooLarge, "args");
    }

    [Fact]
    public async Task Submit_WrongContentType_Returns415NamingContentType()
    {
        using var response = await Api.PostRawAsync("/v1/jobs", "{\"kind\": \"echo\"}", "text/plain");

        await Problem.AssertFieldAsync(response, HttpStatusCode.UnsupportedMediaType, "Content-Type");
    }

    [Fact]
    public async Task Submit_UnknownJsonField_Returns400NamingTheField()
    {
        using var response = await Api.PostRawAsync("/v1/jobs", "{\"kind\": \"echo\", \"colour\": \"red\"}");

        await Problem.AssertFieldAsync(response, HttpStatusCode.BadRequest, "colour");
    }

    [Theory]
    [InlineData("/v1/jobs", "{\"kind\": \"echo\", \"args\": {\"x\": 1, \"x\": 2}}", "args")]
    [InlineData("/v1/jobs/batch", "{\"jobs\": [{\"kind\": \"echo\"}, {\"kind\": \"echo\", \"args\": {\"a\": {\"x\": 1, \"x\": 2}}}]}", "jobs[1].args")]
    public async Task Submit_ArgsNameAFieldTwice_Returns400NamingArgs_AndWritesNothing(string path, string body, string field)
    {
        using var response = await Api.PostRawAsync(path, body);

        await Problem.AssertFieldAsync(response, HttpStatusCode.BadRequest, field);
        Assert.Equal(0, await Api.CountJobsAsync());
    }

    [Fact]
    public async Task Submit_BadWait_Returns400NamingWait()
    {
        using var response = await Api.PostRawAsync("/v1/jobs?wait=soon", "{\"kind\": \"echo\"}");

        await Problem.AssertFieldAsync(response, HttpStatusCode.BadRequest, "wait");
    }

    [Fact]
    public async Task Get_BadWait_Returns400NamingWait()
    {
        var id = await Api.SubmitIdAsync(new { kind = "echo", delay = "1h" });

        using var response = await Node.Http.GetAsync($"/v1/jobs/{id}?wait=forever");

        await Problem.AssertFieldAsync(response, HttpStatusCode.BadRequest, "wait");
    }

    [Fact]
    public async Task Get_UnknownId_Returns404Problem()
    {
        using var response = await Node.Http.GetAsync("/v1/jobs/424242");

        var problem = await Problem.AssertAsync(response, HttpStatusCode.NotFound);
        Assert.Contains("424242", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Cancel_CompletedJob_Returns409AndLeavesItCompleted()
    {
        using var submit = await Api.PostJsonAsync("/v1/jobs?wait=5s", new { kind = "echo" });
        var id = EscalaApi.Id(await EscalaApi.ReadAsync(submit));
        await Api.WaitForStateAsync(id, "completed");

        using var response = await Node.Http.PostAsync($"/v1/jobs/{id}/cancel", EscalaApi.EmptyJson());

        var problem = await Problem.AssertAsync(response, HttpStatusCode.Conflict);
        Assert.Contains("completed", problem.GetProperty("detail").GetString());
        Assert.Equal("completed", EscalaApi.State(await Api.GetJobAsync(id)));
    }

    [Fact]
    public async Task EveryRefusal_LeavesTheStoreWithoutJobs()
    {
        var refused = new (Func<Task<HttpResponseMessage>> Send, HttpStatusCode Status)[]
        {
            (() => Api.PostRawAsync("/v1/jobs", "{\"kind\": \"echo\","), HttpStatusCode.BadRequest),
            (() => Api.PostRawAsync("/v1/jobs", "{\"queue\": \"default\"}"), HttpStatusCode.BadRequest),
            (() => Api.PostRawAsync("/v1/jobs", "{\"kind\": \"echo\", \"queue\": \"nope\"}"), HttpStatusCode.UnprocessableEntity),
            (() => Api.PostRawAsync("/v1/jobs", "{\"kind\": \"echo\", \"resources\": [\"gpu\"]}"), HttpStatusCode.UnprocessableEntity),
            (() => Api.PostRawAsync("/v1/jobs", "{\"kind\": \"echo\", \"args\": " + TooLargeArgs + "}"), HttpStatusCode.RequestEntityTooLarge),
            (() => Api.PostRawAsync("/v1/jobs", "{\"kind\": \"echo\"}", "text/plain"), HttpStatusCode.UnsupportedMediaType),
            (() => Api.PostRawAsync("/v1/jobs", "{\"kind\": \"echo\", \"colour\": \"red\"}"), HttpStatusCode.BadRequest),
            (() => Api.PostRawAsync("/v1/jobs?wait=soon", "{\"kind\": \"echo\"}"), HttpStatusCode.BadRequest),
            (() => Api.PostRawAsync("/v1/jobs", "{\"kind\": \"echo\", \"delay\": \"later\"}"), HttpStatusCode.BadRequest),
            (() => Api.PostRawAsync("/v1/jobs/batch", "{\"jobs\": [{\"kind\": \"echo\"}, {\"kind\": \"echo\", \"queue\": \"nope\"}]}"), HttpStatusCode.UnprocessableEntity),
            (() => Api.PostRawAsync("/v1/jobs/batch", "{\"jobs\": [{\"kind\": \"echo\"}, {\"kind\": \"echo\", \"args\": " + TooLargeArgs + "}]}"), HttpStatusCode.RequestEntityTooLarge),
            (() => Node.Http.GetAsync("/v1/jobs/424242"), HttpStatusCode.NotFound),
            (() => Node.Http.PostAsync("/v1/jobs/424242/cancel", EscalaApi.EmptyJson()), HttpStatusCode.NotFound),
            (() => Node.Http.PostAsync("/v1/jobs/424242/retry", EscalaApi.EmptyJson()), HttpStatusCode.NotFound),
            (() => Node.Http.PostAsync("/v1/queues/nope/pause", EscalaApi.EmptyJson()), HttpStatusCode.NotFound),
        };

        foreach (var (send, status) in refused)
        {
            using var response = await send();
            await Problem.AssertAsync(response, status);
        }

        var queues = await Api.GetAsync("/v1/queues");
        foreach (var queue in queues.GetProperty("queues").EnumerateArray())
        {
            foreach (var count in queue.GetProperty("counts").EnumerateObject())
            {
                Assert.True(count.Value.GetInt32() == 0, $"queue {queue.GetProperty("name")} has {count.Value} {count.Name} jobs");
            }
        }

        Assert.Equal(0, await Api.CountJobsAsync());
    }
}
