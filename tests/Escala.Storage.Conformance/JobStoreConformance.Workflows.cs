using System.Diagnostics;
using Escala.Jobs;
using Escala.Workflows;
using Xunit;

namespace Escala.Storage.Conformance;

// IWorkflowStore: steps wait for their parents, failure policies, cancel, fan-out/fan-in.
public abstract partial class JobStoreConformance
{
    /// <summary>The same store through its workflow seam; every driver implements it.</summary>
    protected IWorkflowStore Workflows => Assert.IsAssignableFrom<IWorkflowStore>(Store);

    /// <summary>A workflow of steps given as (name, parent names), each a <c>noop</c> in queue <c>wf</c>.</summary>
    private Task<Workflow> CreateWorkflowAsync(
        WorkflowFailurePolicy onFailure, params (string Name, string[] Parents)[] steps)
    {
        var names = steps.Select(s => s.Name).ToList();
        return Workflows.CreateWorkflowAsync(
            new NewWorkflow
            {
                Tenant = "t1",
                Name = "pipeline",
                OnFailure = onFailure,
                Steps = [.. steps.Select(s => new NewWorkflowStep(s.Name, NewJob("wf", maxAttempts: 1), [.. s.Parents.Select(p => names.IndexOf(p))]))],
            },
            T0,
            Ct);
    }

    private async Task<Dictionary<string, WorkflowStep>> StepsAsync(long workflow) =>
        (await Workflows.GetWorkflowAsync("t1", workflow, Ct))!.Steps.ToDictionary(s => s.Name);

    /// <summary>Leases the one available job of queue <c>wf</c> that is <paramref name="step"/>'s, among every available one.</summary>
    private async Task<Job> LeaseStepAsync(string step)
    {
        var leased = await LeaseAsync("wf", 100);
        var mine = Assert.Single(leased, j => j.Step == step);
        foreach (var other in leased.Where(j => j.Step != step))
        {
            await CompleteAsync(other.Lease, new JobOutcome.Released(T0, "not this one"));
        }

        return mine;
    }

    [Fact]
    public async Task Workflow_Chain_OnlyTheFirstStepIsAvailable()
    {
        var created = await CreateWorkflowAsync(WorkflowFailurePolicy.FailWorkflow, ("a", []), ("b", ["a"]), ("c", ["b"]));

        var steps = await StepsAsync(created.Id);

        Assert.Equal(WorkflowState.Running, created.State);
        Assert.Equal(JobState.Available, steps["a"].Job.State);
        Assert.Equal(JobState.Waiting, steps["b"].Job.State);
        Assert.Equal(JobState.Waiting, steps["c"].Job.State);
        Assert.Equal(["a"], steps["b"].DependsOn);
        Assert.Equal(created.Id, steps["c"].Job.WorkflowId);
        Assert.Null(await Workflows.GetWorkflowAsync("t2", created.Id, Ct));
        var leased = await LeaseAsync("wf", 10);
        Assert.Equal("a", Assert.Single(leased).Step);
    }

    [Fact]
    public async Task Workflow_Diamond_JoinRunsOnceEveryParentCompleted_AndReadsTheirResults()
    {
        var created = await CreateWorkflowAsync(
            WorkflowFailurePolicy.FailWorkflow, ("a", []), ("b", ["a"]), ("c", ["a"]), ("d", ["b", "c"]));
        await CompleteAsync((await LeaseStepAsync("a")).Lease, new JobOutcome.Succeeded("1"));
        var b = await LeaseStepAsync("b");
        var c = await LeaseStepAsync("c");

        await CompleteAsync(b.Lease, new JobOutcome.Succeeded("{\"text\":\"b\"}"));
        Assert.Equal(JobState.Waiting, (await StepsAsync(created.Id))["d"].Job.State);
        await CompleteAsync(c.Lease, new JobOutcome.Succeeded("\"c\""));

        var steps = await StepsAsync(created.Id);
        Assert.Equal(JobState.Available, steps["d"].Job.State);
        var parents = await Workflows.GetParentsAsync("t1", steps["d"].Job.Id, null, 10, Ct);
        Assert.Equal(["b", "c"], parents.Parents.Select(p => p.Step));
        Assert.Equal(["{\"text\":\"b\"}", "\"c\""], parents.Parents.Select(p => p.Result));
        Assert.Null(parents.NextCursor);
        Assert.Empty((await Workflows.GetParentsAsync("t2", steps["d"].Job.Id, null, 10, Ct)).Parents);

        await CompleteAsync((await LeaseStepAsync("d")).Lease, new JobOutcome.Succeeded(null));
        var done = await Workflows.GetWorkflowAsync("t1", created.Id, Ct);
        Assert.Equal(WorkflowState.Completed, done!.State);
        Assert.Equal(0, done.Unfinished);
        Assert.NotNull(done.FinishedAt);
    }

    [Fact]
    public async Task Workflow_FailWorkflow_CancelsWaitingAndAsksRunningToStop()
    {
        var created = await CreateWorkflowAsync(
            WorkflowFailurePolicy.FailWorkflow, ("a", []), ("b", []), ("c", []), ("d", ["a"]));
        var a = await LeaseStepAsync("a");
        var b = await LeaseStepAsync("b");

        await CompleteAsync(a.Lease, new JobOutcome.Failed(Error(1), null));

        var steps = await StepsAsync(created.Id);
        Assert.Equal(JobState.Dead, steps["a"].Job.State);
        Assert.True(steps["b"].Job.CancelRequested);
        Assert.Equal(JobState.Cancelled, steps["c"].Job.State);
        Assert.Equal(JobState.Cancelled, steps["d"].Job.State);
        Assert.Equal(WorkflowState.Running, (await Workflows.GetWorkflowAsync("t1", created.Id, Ct))!.State);

        await CompleteAsync(b.Lease, new JobOutcome.Cancelled("asked"));
        var failed = await Workflows.GetWorkflowAsync("t1", created.Id, Ct);
        Assert.Equal(WorkflowState.Failed, failed!.State);
        Assert.Equal(0, failed.Unfinished);
    }

    [Fact]
    public async Task Workflow_Continue_SkipsWhatDependsOnTheFailedStep_AndLetsTheRestRun()
    {
        var created = await CreateWorkflowAsync(
            WorkflowFailurePolicy.Continue, ("a", []), ("b", []), ("c", ["a"]), ("d", ["c"]), ("e", ["b"]));
        await CompleteAsync((await LeaseStepAsync("a")).Lease, new JobOutcome.Failed(Error(1), null));

        var steps = await StepsAsync(created.Id);
        Assert.Equal(JobState.Cancelled, steps["c"].Job.State);
        Assert.Equal(JobState.Cancelled, steps["d"].Job.State);
        Assert.Equal(JobState.Available, steps["b"].Job.State);

        await CompleteAsync((await LeaseStepAsync("b")).Lease, new JobOutcome.Succeeded(null));
        Assert.Equal(JobState.Available, (await StepsAsync(created.Id))["e"].Job.State);
        await CompleteAsync((await LeaseStepAsync("e")).Lease, new JobOutcome.Succeeded(null));
        var done = await Workflows.GetWorkflowAsync("t1", created.Id, Ct);
        Assert.Equal(WorkflowState.Failed, done!.State);
        Assert.Equal(1, done.Failed);
    }

    [Fact]
    public async Task Workflow_Retryable_FailureDoesNotSettleTheStep()
    {
        var created = await CreateWorkflowAsync(WorkflowFailurePolicy.FailWorkflow, ("a", []), ("b", ["a"]));

        await CompleteAsync((await LeaseStepAsync("a")).Lease, new JobOutcome.Failed(Error(1), T0.AddSeconds(1)));

        var steps = await StepsAsync(created.Id);
        Assert.Equal(JobState.Retryable, steps["a"].Job.State);
        Assert.Equal(JobState.Waiting, steps["b"].Job.State);
        Assert.Equal(2, (await Workflows.GetWorkflowAsync("t1", created.Id, Ct))!.Unfinished);
    }

    [Fact]
    public async Task Workflow_RetryOfAFailedStep_IsRefused_AndChangesNothing()
    {
        var created = await CreateWorkflowAsync(WorkflowFailurePolicy.Continue, ("a", []), ("b", []));
        var a = await LeaseStepAsync("a");
        await CompleteAsync(a.Lease, new JobOutcome.Failed(Error(1), null));

        var retried = await Store.RetryAsync("t1", a.Id, T0, Ct);

        Assert.Equal(RetryStatus.NotRetryable, retried.Status);
        Assert.Equal(JobState.Dead, (await GetAsync(a.Id)).State);
        Assert.Equal(1, (await Workflows.GetWorkflowAsync("t1", created.Id, Ct))!.Unfinished);
    }

    [Fact]
    public async Task Workflow_Cancel_CancelsWaitingAndRunning_ThenEndsCancelled()
    {
        var created = await CreateWorkflowAsync(WorkflowFailurePolicy.FailWorkflow, ("a", []), ("b", []), ("c", ["a", "b"]));
        var a = await LeaseStepAsync("a");

        var cancelled = await Workflows.CancelWorkflowAsync("t1", created.Id, T0, Ct);

        var steps = cancelled!.Steps.ToDictionary(s => s.Name);
        Assert.True(steps["a"].Job.CancelRequested);
        Assert.Equal(JobState.Cancelled, steps["b"].Job.State);
        Assert.Equal(JobState.Cancelled, steps["c"].Job.State);
        Assert.Equal(WorkflowState.Running, cancelled.State);
        Assert.Null(await Workflows.CancelWorkflowAsync("t2", created.Id, T0, Ct));

        await CompleteAsync(a.Lease, new JobOutcome.Cancelled("asked"));
        Assert.Equal(WorkflowState.Cancelled, (await Workflows.GetWorkflowAsync("t1", created.Id, Ct))!.State);
        Assert.Empty(await LeaseAsync("wf", 10));
    }

    [Fact]
    public async Task Workflow_CancellingAWaitingStepAsAJob_SettlesItLikeAFailure()
    {
        var created = await CreateWorkflowAsync(WorkflowFailurePolicy.Continue, ("a", []), ("b", ["a"]), ("c", ["b"]));
        var steps = await StepsAsync(created.Id);

        var result = await Store.CancelAsync("t1", steps["b"].Job.Id, T0, Ct);

        Assert.Equal(CancelStatus.Cancelled, result.Status);
        Assert.Equal(JobState.Cancelled, (await StepsAsync(created.Id))["c"].Job.State);
        await CompleteAsync((await LeaseStepAsync("a")).Lease, new JobOutcome.Succeeded(null));
        Assert.Equal(WorkflowState.Failed, (await Workflows.GetWorkflowAsync("t1", created.Id, Ct))!.State);
    }

    [Fact]
    public async Task Workflow_Finished_TellsSubscribersOnce()
    {
        var finished = new List<long>();
        using var subscription = Workflows.SubscribeWorkflowFinished(finished.Add);
        var created = await CreateWorkflowAsync(WorkflowFailurePolicy.FailWorkflow, ("a", []), ("b", ["a"]));

        await CompleteAsync((await LeaseStepAsync("a")).Lease, new JobOutcome.Succeeded(null));
        Assert.Empty(finished);
        await CompleteAsync((await LeaseStepAsync("b")).Lease, new JobOutcome.Succeeded(null));

        Assert.Equal([created.Id], finished);
    }

    [Fact]
    public async Task Workflow_Pruned_GoesWithItsLastJob()
    {
        var created = await CreateWorkflowAsync(WorkflowFailurePolicy.FailWorkflow, ("a", []), ("b", ["a"]));
        await CompleteAsync((await LeaseStepAsync("a")).Lease, new JobOutcome.Succeeded(null));
        var prune = new PruneRequest(T0.AddHours(1), new Dictionary<string, DateTimeOffset>(), 100);

        Assert.Equal(1, await Store.PruneAsync(prune, Ct));
        Assert.NotNull(await Workflows.GetWorkflowAsync("t1", created.Id, Ct));
        await CompleteAsync((await LeaseStepAsync("b")).Lease, new JobOutcome.Succeeded(null));
        Assert.Equal(1, await Store.PruneAsync(prune, Ct));

        Assert.Null(await Workflows.GetWorkflowAsync("t1", created.Id, Ct));
    }

    [Fact]
    public async Task Workflow_Spawn_WithAStaleLeaseOrOutsideAWorkflow_ChangesNothing()
    {
        await CreateWorkflowAsync(WorkflowFailurePolicy.FailWorkflow, ("a", []));
        var a = await LeaseStepAsync("a");
        var plain = await InsertAndLeaseAsync();

        Assert.Null(await Workflows.SpawnAsync(new LeaseRef(a.Id, "stale"), [NewJob("wf")], T0, Ct));
        Assert.Null(await Workflows.SpawnAsync(plain.Lease, [NewJob("wf")], T0, Ct));

        Assert.Empty(await LeaseAsync("wf", 10));
    }

    [Fact]
    public async Task Workflow_FanIn_ChildrenCompletedOnTwoNodesAtOnce_ReleaseTheJoinOnce()
    {
        var created = await CreateWorkflowAsync(WorkflowFailurePolicy.FailWorkflow, ("split", []), ("join", ["split"]));
        var split = await LeaseStepAsync("split");
        Assert.NotNull(await Workflows.SpawnAsync(split.Lease, [.. Enumerable.Range(0, 1000).Select(_ => NewJob("kids"))], T0, Ct));
        await CompleteAsync(split.Lease, new JobOutcome.Succeeded(null));
        var other = await OpenAnotherNodeAsync();

        async Task<int> DrainAsync(IJobStore node, string holder)
        {
            var done = 0;
            for (var round = 0; round < 100; round++)
            {
                var leased = await node.LeaseAsync(
                    new LeaseRequest { Queue = "kids", Holder = holder, Max = 50, Now = T0, LeaseFor = LeaseFor }, Ct);
                if (leased.Count == 0)
                {
                    break;
                }

                var applied = await node.CompleteAsync([.. leased.Select(j => new Completion(j.Lease, new JobOutcome.Succeeded("1")))], T0, Ct);
                done += applied.Count(a => a);
            }

            return done;
        }

        var counts = await Task.WhenAll(DrainAsync(Store, "node-a"), DrainAsync(other, "node-b"));

        Assert.Equal(1000, counts.Sum());
        var workflow = await Workflows.GetWorkflowAsync("t1", created.Id, Ct);
        Assert.Equal(JobState.Available, workflow!.Steps.Single(s => s.Name == "join").Job.State);
        Assert.Equal(1, workflow.Unfinished);
        Assert.Equal("join", Assert.Single(await LeaseAsync("wf", 10)).Step);
    }

    [Fact]
    public async Task Workflow_FanOut_TenThousandChildren_JoinRunsAfterTheLastWithEveryResult()
    {
        const int children = 10_000;
        var clock = Stopwatch.StartNew();
        var created = await CreateWorkflowAsync(WorkflowFailurePolicy.FailWorkflow, ("split", []), ("join", ["split"]));
        var split = await LeaseStepAsync("split");

        // Two spawn calls, as a worker sending its children in pages would.
        var first = await Workflows.SpawnAsync(split.Lease, [.. Enumerable.Range(0, children / 2).Select(_ => NewJob("kids"))], T0, Ct);
        var second = await Workflows.SpawnAsync(split.Lease, [.. Enumerable.Range(0, children / 2).Select(_ => NewJob("kids"))], T0, Ct);
        Assert.Equal(children / 2, first!.Count);
        Assert.Equal("split.1", first[0].Step);
        Assert.Equal($"split.{children}", second![^1].Step);
        await CompleteAsync(split.Lease, new JobOutcome.Succeeded("\"split\""));
        Assert.Equal(JobState.Waiting, (await StepsAsync(created.Id))["join"].Job.State);

        var completed = 0;
        for (var round = 0; round < 40 && completed < children; round++)
        {
            var leased = await LeaseAsync("kids", 1000);
            Assert.Equal(JobState.Waiting, (await StepsAsync(created.Id))["join"].Job.State);
            var applied = await Store.CompleteAsync(
                [.. leased.Select(j => new Completion(j.Lease, new JobOutcome.Succeeded($"{{\"n\":{j.Id}}}")))], T0, Ct);
            Assert.All(applied, Assert.True);
            completed += leased.Count;
        }

        Assert.Equal(children, completed);
        var steps = await StepsAsync(created.Id);
        Assert.Equal(JobState.Available, steps["join"].Job.State);
        Assert.Equal(children, steps["split"].Spawned);
        var seen = 0;
        long? cursor = null;
        for (var page = 0; page < 20; page++)
        {
            var parents = await Workflows.GetParentsAsync("t1", steps["join"].Job.Id, cursor, 1000, Ct);
            Assert.All(parents.Parents, p => Assert.Equal(JobState.Completed, p.State));
            Assert.All(parents.Parents.Where(p => p.Step != "split"), p => Assert.Equal($"{{\"n\":{p.JobId}}}", p.Result));
            seen += parents.Parents.Count;
            cursor = parents.NextCursor;
            if (cursor is null)
            {
                break;
            }
        }

        Assert.Equal(children + 1, seen);
        await CompleteAsync((await LeaseStepAsync("join")).Lease, new JobOutcome.Succeeded(null));
        Assert.Equal(WorkflowState.Completed, (await Workflows.GetWorkflowAsync("t1", created.Id, Ct))!.State);
        Assert.True(clock.Elapsed < TimeSpan.FromMinutes(2), $"10,000 children took {clock.Elapsed}.");
    }
}
