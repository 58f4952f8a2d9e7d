using System.Net;
using System.Net.Http.Json;
using Escala.Server.Tests.Support;

namespace Escala.Server.Tests.Security;

/// <summary>Workflows and spawned children keep the rules of jobs: a key's queues, duration bounds, tenants.</summary>
public sealed class WorkflowSecurityTests : SecureNodeTest
{
    [Fact]
    public async Task Submit_StepInAQueueTheKeyMayNotUse_403NamingTheStep_AndNothingWritten()
    {
        using var client = Client(await KeyAsync("a", "submit,read", ["fast"]));

        using var response = await client.PostAsJsonAsync("/v1/workflows", new
        {
            steps = new object[] { new { name = "a", kind = "noop", queue = "fast" }, new { name = "b", kind = "noop", queue = "one", dependsOn = new[] { "a" } } },
        });

        await Problem.AssertFieldAsync(response, HttpStatusCode.Forbidden, "steps[1].queue");
        using var jobs = await client.GetAsync("/v1/jobs");
        Assert.Equal(0, (await EscalaApi.ReadAsync(jobs)).GetProperty("jobs").GetArrayLength());
    }

    [Fact]
    public async Task Submit_StepDelayBeyondItsBound_400NamingTheStep()
    {
        using var client = Client(await KeyAsync("a", "submit,read"));

        using var response = await client.PostAsJsonAsync("/v1/workflows", new { steps = new object[] { new { name = "a", kind = "noop", delay = "400d" } } });

        await Problem.AssertFieldAsync(response, HttpStatusCode.BadRequest, "steps[0].delay");
    }

    [Fact]
    public async Task Workflow_OfAnotherTenant_404OnReadCancelEventsAndParents()
    {
        using var a = Client(await KeyAsync("a", "submit,read"));
        using var b = Client(await KeyAsync("b", "submit,read"));
        using var created = await a.PostAsJsonAsync("/v1/workflows", new
        {
            steps = new object[] { new { name = "x", kind = "noop", queue = "ext" }, new { name = "y", kind = "noop", queue = "ext", dependsOn = new[] { "x" } } },
        });
        await EscalaApi.ExpectAsync(created, HttpStatusCode.Created);
        var workflow = await EscalaApi.ReadAsync(created);
        var id = EscalaApi.Id(workflow);

        await Problem.AssertAsync(await b.GetAsync($"/v1/workflows/{id}"), HttpStatusCode.NotFound);
        await Problem.AssertAsync(await b.GetAsync($"/v1/workflows/{id}/events"), HttpStatusCode.NotFound);
        await Problem.AssertAsync(await b.PostAsync($"/v1/workflows/{id}/cancel", EscalaApi.EmptyJson()), HttpStatusCode.NotFound);
        var step = workflow.GetProperty("steps")[1].GetProperty("jobId").GetInt64();
        var parents = await EscalaApi.ReadAsync(await b.GetAsync($"/v1/jobs/{step}/parents"));
        Assert.Equal(0, parents.GetProperty("parents").GetArrayLength());
        Assert.Equal("running", EscalaApi.State(await EscalaApi.ReadAsync(await a.GetAsync($"/v1/workflows/{id}"))));
    }
}
