using System.Net;
using System.Text.Json;
using Escala.Server.Tests.Support;
using Escala.Server.Tests.Support.Handlers;

namespace Escala.Server.Tests.Api;

/// <summary><c>/v1/workflows</c> through real HTTP: DAGs run in dependency order, steps read their parents, fan-out, cancel, refusals.</summary>
public sealed class WorkflowsEndpointsTests : NodeTest
{
    private async Task<JsonElement> SubmitWorkflowAsync(object body)
    {
        using var response = await Api.PostJsonAsync("/v1/workflows", body);
        await EscalaApi.ExpectAsync(response, HttpStatusCode.Created);
        return await EscalaApi.ReadAsync(response);
    }

    private Task<JsonElement> WaitForWorkflowAsync(long id, string state) =>
        Eventually.UntilAsync(() => Api.GetAsync($"/v1/workflows/{id}"), w => EscalaApi.State(w) == state, $"workflow {id} to be {state}");

    private static JsonElement Step(JsonElement workflow, string name) =>
        workflow.GetProperty("steps").EnumerateArray().Single(s => s.GetProperty("name").GetString() == name);

    [Fact]
    public async Task Submit_Diamond_RunsInDependencyOrder_AndTheJoinReadsEveryParentsResult()
    {
        var created = await SubmitWorkflowAsync(new
        {
            name = "pipeline",
            steps = new object[]
            {
                new { name = "detect", kind = "echo", args = new { text = "a" } },
                new { name = "llm-1", kind = "echo", args = new { summary = 1 }, dependsOn = new[] { "detect" } },
                new { name = "llm-2", kind = "echo", args = new { summary = 2 }, dependsOn = new[] { "detect" } },
                new { name = "write", kind = "parents", dependsOn = new[] { "llm-1", "llm-2" } },
            },
        });
        var id = EscalaApi.Id(created);
        Assert.Equal("waiting", Step(created, "write").GetProperty("state").GetString());

        var done = await WaitForWorkflowAsync(id, "completed");

        var ran = Handlers.Echo.Ran.ToList();
        Assert.Equal(Step(done, "detect").GetProperty("jobId").GetInt64(), ran[0]);
        var write = Step(done, "write");
        Assert.Equal(["llm-1", "llm-2"], write.GetProperty("dependsOn").EnumerateArray().Select(d => d.GetString()));
        Assert.Equal(1, write.GetProperty("result").GetProperty("llm-1").GetProperty("summary").GetInt32());
        Assert.Equal(2, write.GetProperty("result").GetProperty("llm-2").GetProperty("summary").GetInt32());
        using var parents = await Node.Http.GetAsync($"/v1/jobs/{write.GetProperty("jobId").GetInt64()}/parents?limit=1");
        var page = await EscalaApi.ReadAsync(parents);
        Assert.Equal("llm-1", Assert.Single(page.GetProperty("parents").EnumerateArray()).GetProperty("step").GetString());
        Assert.NotEqual(JsonValueKind.Null, page.GetProperty("nextCursor").ValueKind);
    }

    [Fact]
    public async Task FanOut_InProcessHandlerSpawnsChildren_JoinRunsAfterAllWithTheirResults()
    {
        var created = await SubmitWorkflowAsync(new
        {
            steps = new object[]
            {
                new { name = "split", kind = "fanout", args = new { n = 5 } },
                new { name = "join", kind = "parents", dependsOn = new[] { "split" } },
            },
        });

        var done = await WaitForWorkflowAsync(EscalaApi.Id(created), "completed");

        Assert.Equal(5, Step(done, "split").GetProperty("spawned").GetInt32());
        var result = Step(done, "join").GetProperty("result");
        Assert.Equal(5, result.GetProperty("split").GetProperty("spawned").GetInt32());
        Assert.Equal(Enumerable.Range(0, 5), Enumerable.Range(1, 5).Select(k => result.GetProperty($"split.{k}").GetProperty("i").GetInt32()).Order());
    }

    [Fact]
    public async Task ExternalWorker_SpawnsChildren_AndTheJoinReadsThemUnderItsLease()
    {
        var created = await SubmitWorkflowAsync(new
        {
            steps = new object[]
            {
                new { name = "split", kind = "ext.split", queue = "ext" },
                new { name = "join", kind = "ext.join", queue = "ext", dependsOn = new[] { "split" } },
            },
        });
        var split = await LeaseAsync("ext.split");
        Assert.Equal(EscalaApi.Id(created), split.GetProperty("workflowId").GetInt64());
        Assert.Equal("split", split.GetProperty("step").GetString());

        using (var spawn = await Api.PostJsonAsync("/v1/workers/spawn", new
        {
            id = EscalaApi.Id(split),
            leaseToken = split.GetProperty("leaseToken").GetString(),
            children = new object[] { new { kind = "ext.child", queue = "ext", args = new { n = 1 } }, new { kind = "ext.child", queue = "ext", args = new { n = 2 } } },
        }))
        {
            await EscalaApi.ExpectAsync(spawn, HttpStatusCode.OK);
            var jobs = (await EscalaApi.ReadAsync(spawn)).GetProperty("jobs");
            Assert.Equal(["split.1", "split.2"], jobs.EnumerateArray().Select(j => j.GetProperty("step").GetString()));
        }

        using (var stale = await Api.PostJsonAsync("/v1/workers/spawn", new { id = EscalaApi.Id(split), leaseToken = "stale", children = new[] { new { kind = "x", queue = "ext" } } }))
        {
            await Problem.AssertAsync(stale, HttpStatusCode.Conflict);
        }

        await CompleteAsync(split, new { parts = 2 });
        for (var i = 0; i < 2; i++)
        {
            var child = await LeaseAsync("ext.child");
            Assert.Equal("waiting", Step(await Api.GetAsync($"/v1/workflows/{EscalaApi.Id(created)}"), "join").GetProperty("state").GetString());
            await CompleteAsync(child, new { n = child.GetProperty("args").GetProperty("n").GetInt32() * 10 });
        }

        var join = await LeaseAsync("ext.join");
        using var parents = await Api.PostJsonAsync("/v1/workers/parents", new { id = EscalaApi.Id(join), leaseToken = join.GetProperty("leaseToken").GetString() });
        await EscalaApi.ExpectAsync(parents, HttpStatusCode.OK);
        var results = (await EscalaApi.ReadAsync(parents)).GetProperty("parents").EnumerateArray()
            .ToDictionary(p => p.GetProperty("step").GetString()!, p => p.GetProperty("result"));
        Assert.Equal(2, results["split"].GetProperty("parts").GetInt32());
        Assert.Equal(10, results["split.1"].GetProperty("n").GetInt32());
        Assert.Equal(20, results["split.2"].GetProperty("n").GetInt32());
    }

    [Fact]
    public async Task Cancel_CancelsWaitingSteps_ThenAgainIs409()
    {
        var created = await SubmitWorkflowAsync(new
        {
            steps = new object[] { new { name = "a", kind = "ext.a", queue = "ext" }, new { name = "b", kind = "ext.b", queue = "ext", dependsOn = new[] { "a" } } },
        });
        var id = EscalaApi.Id(created);

        using (var cancel = await Api.PostJsonAsync($"/v1/workflows/{id}/cancel", new { }))
        {
            await EscalaApi.ExpectAsync(cancel, HttpStatusCode.OK);
            var body = await EscalaApi.ReadAsync(cancel);
            Assert.Equal("cancelled", EscalaApi.State(body));
            Assert.All(body.GetProperty("steps").EnumerateArray(), s => Assert.Equal("cancelled", s.GetProperty("state").GetString()));
        }

        using (var again = await Api.PostJsonAsync($"/v1/workflows/{id}/cancel", new { }))
        {
            await Problem.AssertAsync(again, HttpStatusCode.Conflict);
        }

        using var unknown = await Api.PostJsonAsync("/v1/workflows/424242/cancel", new { });
        await Problem.AssertAsync(unknown, HttpStatusCode.NotFound);
        var step = Step(created, "a").GetProperty("jobId").GetInt64();
        Assert.Equal(id, (await Api.GetJobAsync(step)).GetProperty("workflowId").GetInt64());
        using var retry = await Api.PostJsonAsync($"/v1/jobs/{step}/retry", new { });
        var refused = await Problem.AssertAsync(retry, HttpStatusCode.Conflict);
        Assert.Contains($"workflow {id}", refused.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("""{"steps": []}""", "steps", HttpStatusCode.BadRequest)]
    [InlineData("""{"steps": [{"name": "a", "kind": "echo", "dependsOn": ["b"]}, {"name": "b", "kind": "echo", "dependsOn": ["a"]}]}""", "steps[0].dependsOn", HttpStatusCode.BadRequest)]
    [InlineData("""{"steps": [{"name": "a", "kind": "echo"}, {"name": "b", "kind": "echo", "dependsOn": ["a", "zz"]}]}""", "steps[1].dependsOn[1]", HttpStatusCode.BadRequest)]
    [InlineData("""{"steps": [{"name": "a", "kind": "echo"}, {"name": "a", "kind": "echo"}]}""", "steps[1].name", HttpStatusCode.BadRequest)]
    [InlineData("""{"steps": [{"name": "a", "kind": "echo", "dependsOn": ["a"]}]}""", "steps[0].dependsOn[0]", HttpStatusCode.BadRequest)]
    [InlineData("""{"steps": [{"name": "a", "kind": "echo"}, {"name": "b"}]}""", "steps[1].kind", HttpStatusCode.BadRequest)]
    [InlineData("""{"steps": [{"name": "a", "kind": "echo", "colour": 1}]}""", "steps[0].colour", HttpStatusCode.BadRequest)]
    [InlineData("""{"steps": [{"name": "a", "kind": "echo", "dependsOn": "b"}]}""", "steps[0].dependsOn", HttpStatusCode.BadRequest)]
    [InlineData("""{"steps": [{"name": "a", "kind": "echo", "idempotencyKey": "k"}]}""", "steps[0].idempotencyKey", HttpStatusCode.BadRequest)]
    [InlineData("""{"onFailure": "shrug", "steps": [{"name": "a", "kind": "echo"}]}""", "onFailure", HttpStatusCode.BadRequest)]
    [InlineData("""{"steps": [{"name": "a", "kind": "echo", "queue": "nope"}]}""", "steps[0].queue", HttpStatusCode.UnprocessableEntity)]
    // A step is read whole by the body reader, which refuses a field named twice anywhere in it and names the step.
    [InlineData("""{"steps": [{"name": "a", "kind": "echo", "args": {"x": 1, "x": 2}}]}""", "steps[0]", HttpStatusCode.BadRequest)]
    public async Task Submit_BadWorkflow_ProblemNamesTheField_AndWritesNothing(string body, string field, HttpStatusCode status)
    {
        using var response = await Api.PostRawAsync("/v1/workflows", body);

        await Problem.AssertFieldAsync(response, status, field);
        Assert.Equal(0, await Api.CountJobsAsync());
    }

    [Fact]
    public async Task Events_StreamEveryStepChange_ThenDone()
    {
        var created = await SubmitWorkflowAsync(new
        {
            steps = new object[] { new { name = "a", kind = "ext.a", queue = "ext" }, new { name = "b", kind = "echo", dependsOn = new[] { "a" } } },
        });
        var id = EscalaApi.Id(created);
        await using var stream = await SseStream.OpenAsync(Node.Http, $"/v1/workflows/{id}/events");
        var first = await stream.NextAsync();
        Assert.Equal("workflow", first.Name);

        await CompleteAsync(await LeaseAsync("ext.a"), new { ok = true });
        var events = new List<SseEvent>();
        for (var i = 0; i < 20; i++)
        {
            var next = await stream.NextAsync();
            events.Add(next);
            if (next.Name == "done")
            {
                break;
            }
        }

        Assert.Equal("done", events[^1].Name);
        Assert.Equal("completed", EscalaApi.State(events[^1].Data));
        var b = events.Where(e => e.Name == "step" && e.Data.GetProperty("name").GetString() == "b").Select(e => EscalaApi.State(e.Data)).ToList();
        Assert.Contains("completed", b);
        Assert.Contains(events, e => e.Name == "step" && e.Data.GetProperty("name").GetString() == "a" && EscalaApi.State(e.Data) == "completed");
    }

    private async Task<JsonElement> LeaseAsync(string kind)
    {
        using var response = await Api.PostJsonAsync("/v1/workers/lease", new { queues = new[] { "ext" }, kinds = new[] { kind }, wait = "10s" });
        await EscalaApi.ExpectAsync(response, HttpStatusCode.OK);
        return Assert.Single((await EscalaApi.ReadAsync(response)).GetProperty("jobs").EnumerateArray());
    }

    private async Task CompleteAsync(JsonElement leased, object result)
    {
        using var response = await Api.PostJsonAsync("/v1/workers/complete", new { id = EscalaApi.Id(leased), leaseToken = leased.GetProperty("leaseToken").GetString(), result });
        await EscalaApi.ExpectAsync(response, HttpStatusCode.OK);
    }
}
