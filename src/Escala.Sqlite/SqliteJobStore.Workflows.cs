using System.Globalization;
using Escala.Jobs;
using Escala.Sqlite.Inserts;
using Escala.Sqlite.Sql;
using Escala.Sqlite.Writer;
using Escala.Storage;
using Escala.Workflows;
using Microsoft.Data.Sqlite;

namespace Escala.Sqlite;

// Workflows (IWorkflowStore): steps that wait for their parents, fan-out, and the settling that a job's end runs.
public sealed partial class SqliteJobStore : IWorkflowStore
{
    private readonly WorkflowFinishedSubscribers _workflowsFinished = new();

    /// <inheritdoc/>
    public IDisposable SubscribeWorkflowFinished(Action<long> onFinished) => _workflowsFinished.Subscribe(onFinished);

    /// <inheritdoc/>
    public Task<Workflow> CreateWorkflowAsync(NewWorkflow workflow, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(workflow);
        return _writer.WriteAsync(context =>
        {
            var nowMs = Instants.ToMs(now);
            var id = (long)context.Prepared(WorkflowSql.Insert)
                .Set("$tenant", workflow.Tenant).Set("$name", workflow.Name).Set("$on_failure", (int)workflow.OnFailure)
                .Set("$unfinished", workflow.Steps.Count).Set("$now", nowMs).Set("$callback_url", workflow.CallbackUrl).ExecuteScalar()!;
            var jobs = InsertJobs(context, [.. workflow.Steps.Select(step => step.Job)], now);
            var steps = new List<WorkflowStep>(jobs.Count);
            for (var i = 0; i < jobs.Count; i++)
            {
                var step = workflow.Steps[i];
                MakeStep(context, jobs[i].Id, id, step.Name, spawnedBy: null, pending: step.Parents.Count);
                foreach (var parent in step.Parents)
                {
                    context.Prepared(WorkflowSql.InsertEdge).Set("$parent", jobs[parent].Id).Set("$child", jobs[i].Id).ExecuteNonQuery();
                }

                var state = step.Parents.Count > 0 ? JobState.Waiting : jobs[i].State;
                steps.Add(new WorkflowStep(
                    step.Name, jobs[i] with { State = state, WorkflowId = id, Step = step.Name },
                    [.. step.Parents.Select(p => workflow.Steps[p].Name)], 0));
            }

            return new Workflow
            {
                Id = id,
                Tenant = workflow.Tenant,
                Name = workflow.Name,
                State = WorkflowState.Running,
                OnFailure = workflow.OnFailure,
                CreatedAt = Instants.FromMs(nowMs),
                Unfinished = jobs.Count,
                Steps = steps,
            };
        }, ct);
    }

    /// <inheritdoc/>
    public Task<Workflow?> GetWorkflowAsync(string tenant, long id, CancellationToken ct) => ReadAsync(connection =>
    {
        using var select = connection.CreateCommand();
        select.CommandText = WorkflowSql.SelectById;
        Workflow? workflow;
        using (var reader = select.Set("$tenant", tenant).Set("$id", id).ExecuteReader())
        {
            workflow = reader.Read() ? ReadWorkflow(reader) : null;
        }

        if (workflow is null)
        {
            return null;
        }

        var dependsOn = new Dictionary<long, List<string>>();
        using (var edges = connection.CreateCommand())
        {
            edges.CommandText = WorkflowSql.StepParents;
            using var reader = edges.Set("$id", id).ExecuteReader();
            while (reader.Read())
            {
                var child = reader.GetInt64(0);
                if (!dependsOn.TryGetValue(child, out var names))
                {
                    dependsOn.Add(child, names = []);
                }

                names.Add(reader.GetString(1));
            }
        }

        var steps = new List<WorkflowStep>();
        using (var jobs = connection.CreateCommand())
        {
            jobs.CommandText = WorkflowSql.Steps;
            using var reader = jobs.Set("$id", id).ExecuteReader();
            while (reader.Read())
            {
                var job = JobRows.Read(reader);
                steps.Add(new WorkflowStep(job.Step ?? "", job, dependsOn.GetValueOrDefault(job.Id) ?? [], reader.GetInt32(JobRows.Count)));
            }
        }

        return workflow with { Steps = steps };
    }, ct);

    /// <inheritdoc/>
    public async Task<Workflow?> CancelWorkflowAsync(string tenant, long id, DateTimeOffset now, CancellationToken ct)
    {
        var finished = new List<long>();
        var found = await _writer.WriteAsync(context =>
        {
            finished.Clear();
            if (context.Prepared(WorkflowSql.RequestCancel).Set("$tenant", tenant).Set("$id", id).ExecuteScalar() is null)
            {
                return context.Prepared(WorkflowSql.SelectById).Set("$tenant", tenant).Set("$id", id).ExecuteScalar() is not null;
            }

            var nowMs = Instants.ToMs(now);
            var cancelled = context.Prepared(WorkflowSql.CancelWaiting).Set("$workflow", id).Set("$now", nowMs).ExecuteNonQuery();
            context.Prepared(WorkflowSql.RequestCancelRunning).Set("$workflow", id).ExecuteNonQuery();
            Settle(context, id, cancelled, failed: 0, nowMs, finished);
            return true;
        }, ct);
        _workflowsFinished.Publish(finished);
        return found ? await GetWorkflowAsync(tenant, id, ct) : null;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<Job>?> SpawnAsync(LeaseRef lease, IReadOnlyList<NewJob> children, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(children);
        return await _writer.WriteAsync<IReadOnlyList<Job>?>(context =>
        {
            long workflow;
            string step;
            int before;
            using (var reader = context.Prepared(WorkflowSql.Spawner).Set("$id", lease.JobId).Set("$token", lease.Token).ExecuteReader())
            {
                if (!reader.Read())
                {
                    return null;
                }

                (workflow, step, before) = (reader.GetInt64(0), reader.GetString(1), reader.GetInt32(2));
            }

            var jobs = InsertJobs(context, children, now);
            var dependents = new List<long>();
            using (var reader = context.Prepared(WorkflowSql.Dependents).Set("$id", lease.JobId).ExecuteReader())
            {
                while (reader.Read())
                {
                    dependents.Add(reader.GetInt64(0));
                }
            }

            var stored = new List<Job>(jobs.Count);
            for (var i = 0; i < jobs.Count; i++)
            {
                var name = WorkflowStepNames.Child(step, before + i);
                MakeStep(context, jobs[i].Id, workflow, name, lease.JobId, pending: 0);
                foreach (var dependent in dependents)
                {
                    context.Prepared(WorkflowSql.InsertEdge).Set("$parent", jobs[i].Id).Set("$child", dependent).ExecuteNonQuery();
                }

                stored.Add(jobs[i] with { WorkflowId = workflow, Step = name });
            }

            foreach (var dependent in dependents)
            {
                context.Prepared(WorkflowSql.AddPending).Set("$id", dependent).Set("$n", jobs.Count).ExecuteNonQuery();
            }

            context.Prepared(WorkflowSql.CountSpawned).Set("$id", lease.JobId).Set("$n", jobs.Count).ExecuteNonQuery();
            context.Prepared(WorkflowSql.AddUnfinished).Set("$workflow", workflow).Set("$n", jobs.Count).ExecuteNonQuery();
            return stored;
        }, ct);
    }

    /// <inheritdoc/>
    public Task<WorkflowParentPage> GetParentsAsync(string tenant, long jobId, long? after, int limit, CancellationToken ct) => ReadAsync(connection =>
    {
        using (var owner = connection.CreateCommand())
        {
            owner.CommandText = WorkflowSql.JobOfTenant;
            if (owner.Set("$tenant", tenant).Set("$id", jobId).ExecuteScalar() is null)
            {
                return new WorkflowParentPage([], null);
            }
        }

        using var command = connection.CreateCommand();
        command.CommandText = WorkflowSql.Parents;
        using var reader = command.Set("$id", jobId).Set("$after", after ?? 0).Set("$limit", limit + 1).ExecuteReader();
        var parents = new List<WorkflowParent>();
        while (reader.Read())
        {
            parents.Add(new WorkflowParent(
                reader.IsDBNull(1) ? "" : reader.GetString(1), reader.GetInt64(0), (JobState)reader.GetInt32(2),
                reader.IsDBNull(3) ? null : reader.GetString(3)));
        }

        return WorkflowParentPage.Of(parents, limit);
    }, ct);

    /// <summary>
    /// Runs, in the transaction that made the job final, what its end means to its workflow: releases (or skips) the
    /// steps that wait for it, applies the failure policy, and counts it on the workflow row.
    /// </summary>
    private static void SettleWorkflowJob(WriteContext context, long jobId, JobState state, long workflow, long nowMs, List<long> finished)
    {
        var ended = 1;
        if (state == JobState.Completed)
        {
            using var reader = context.Prepared(WorkflowSql.Release).Set("$id", jobId).ExecuteReader();
            while (reader.Read())
            {
                if ((JobState)reader.GetInt32(1) == JobState.Available)
                {
                    context.Wake(reader.GetString(0));
                }
            }
        }
        else if (OnFailure(context, workflow) == WorkflowFailurePolicy.Continue)
        {
            ended += context.Prepared(WorkflowSql.SkipBelow).Set("$id", jobId).Set("$now", nowMs).ExecuteNonQuery();
        }
        else
        {
            ended += context.Prepared(WorkflowSql.CancelWaiting).Set("$workflow", workflow).Set("$now", nowMs).ExecuteNonQuery();
            context.Prepared(WorkflowSql.RequestCancelRunning).Set("$workflow", workflow).ExecuteNonQuery();
        }

        Settle(context, workflow, ended, state == JobState.Completed ? 0 : 1, nowMs, finished);
    }

    /// <summary>The one place a workflow reaches its final state: when its count of unfinished jobs reaches zero.</summary>
    private static void Settle(WriteContext context, long workflow, int ended, int failed, long nowMs, List<long> finished)
    {
        var state = context.Prepared(WorkflowSql.Settle)
            .Set("$workflow", workflow).Set("$n", ended).Set("$failed", failed).Set("$now", nowMs).ExecuteScalar();
        if (state is long value && value != (long)WorkflowState.Running)
        {
            finished.Add(workflow);
        }
    }

    private static WorkflowFailurePolicy OnFailure(WriteContext context, long workflow)
    {
        using var command = context.Adhoc("SELECT on_failure FROM workflows WHERE id = $id");
        return (WorkflowFailurePolicy)Convert.ToInt32(command.Set("$id", workflow).ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private static List<Job> InsertJobs(WriteContext context, IReadOnlyList<NewJob> jobs, DateTimeOffset now)
    {
        var insert = new PendingInsert(jobs, now, CancellationToken.None);
        InsertRows.Run(context, [insert]);
        return [.. insert.Results.Select(result => result.Job)];
    }

    private static void MakeStep(WriteContext context, long id, long workflow, string step, long? spawnedBy, int pending) =>
        context.Prepared(WorkflowSql.MakeStep)
            .Set("$id", id).Set("$workflow", workflow).Set("$step", step).Set("$spawned_by", spawnedBy).Set("$pending", pending)
            .ExecuteNonQuery();

    private static Workflow ReadWorkflow(SqliteDataReader row) => new()
    {
        Id = row.GetInt64(0),
        Tenant = row.GetString(1),
        Name = row.IsDBNull(2) ? null : row.GetString(2),
        OnFailure = (WorkflowFailurePolicy)row.GetInt32(3),
        State = (WorkflowState)row.GetInt32(4),
        Unfinished = row.GetInt32(5),
        Failed = row.GetInt32(6),
        CreatedAt = Instants.FromMs(row.GetInt64(7)),
        FinishedAt = row.IsDBNull(8) ? null : Instants.FromMs(row.GetInt64(8)),
    };
}
