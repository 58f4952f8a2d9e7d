using System.Text.Json;
using Escala.Jobs;
using Escala.Workflows;
using Xunit;

namespace Escala.Storage.Conformance;

// A workflow's callback joins the outbox in the transaction that ends the workflow, however it ends.
public abstract partial class JobStoreConformance
{
    private Task<Workflow> CreateWorkflowWithCallbackAsync(string? url, params string[] steps) =>
        Workflows.CreateWorkflowAsync(
            new NewWorkflow
            {
                Tenant = "t1",
                Name = "report",
                CallbackUrl = url,
                Steps = [.. steps.Select(s => new NewWorkflowStep(s, NewJob("wf", maxAttempts: 1), []))],
            },
            T0,
            Ct);

    private async Task<JsonElement> WorkflowCallbackAsync(long workflow)
    {
        var due = await Callbacks.DueCallbacksAsync(T0.AddDays(1), 100, Ct);
        var mine = Assert.Single(due, c => c.Payload is { } p && JsonDocument.Parse(p).RootElement.GetProperty("workflow").GetProperty("id").GetInt64() == workflow);
        Assert.Equal(("t1", "https://hooks.example.com/wf", (Job?)null), (mine.Tenant, mine.Url, mine.Job));
        return JsonDocument.Parse(mine.Payload!).RootElement;
    }

    [Fact]
    public async Task WorkflowCallback_DueOnceTheLastStepCompletes_WithTheOutcome()
    {
        var created = await CreateWorkflowWithCallbackAsync("https://hooks.example.com/wf", "a", "b");
        await CompleteAsync((await LeaseStepAsync("a")).Lease, new JobOutcome.Succeeded(null));
        Assert.DoesNotContain(await Callbacks.DueCallbacksAsync(T0.AddDays(1), 100, Ct), c => c.Url == "https://hooks.example.com/wf");

        await CompleteAsync((await LeaseStepAsync("b")).Lease, new JobOutcome.Succeeded(null));

        var payload = await WorkflowCallbackAsync(created.Id);
        Assert.Equal("workflow.finished", payload.GetProperty("event").GetString());
        var workflow = payload.GetProperty("workflow");
        Assert.Equal(("report", "completed"), (workflow.GetProperty("name").GetString(), workflow.GetProperty("state").GetString()));
        Assert.True(workflow.GetProperty("finishedAt").GetDateTimeOffset() >= T0);
    }

    [Fact]
    public async Task WorkflowCallback_CancelledWorkflow_DueWithStateCancelled_NoneWithoutAUrl()
    {
        var created = await CreateWorkflowWithCallbackAsync("https://hooks.example.com/wf", "a");
        var silent = await CreateWorkflowWithCallbackAsync(null, "a");

        await Workflows.CancelWorkflowAsync("t1", created.Id, T0, Ct);
        await Workflows.CancelWorkflowAsync("t1", silent.Id, T0, Ct);

        Assert.Equal("cancelled", (await WorkflowCallbackAsync(created.Id)).GetProperty("workflow").GetProperty("state").GetString());
        Assert.Single(await Callbacks.DueCallbacksAsync(T0.AddDays(1), 100, Ct));
    }
}
