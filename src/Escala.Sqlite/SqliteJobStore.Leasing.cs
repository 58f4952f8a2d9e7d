using System.Buffers;
using System.Text;
using System.Text.Json;
using Escala.Jobs;
using Escala.Sqlite.Sql;
using Escala.Sqlite.Writer;
using Escala.Storage;

namespace Escala.Sqlite;

// Leases: lease, heartbeat, progress, completion.
public sealed partial class SqliteJobStore
{
    /// <summary>The fair share's round robin: the group each queue's last lease admitted last.</summary>
    private readonly Governance.FairTurns _fairTurns = new();

    /// <inheritdoc/>
    public Task<IReadOnlyList<Job>> LeaseAsync(LeaseRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Max <= 0)
        {
            return Task.FromResult<IReadOnlyList<Job>>([]);
        }

        return _writer.WriteAsync(context => Lease(context, request, _fairTurns), ct);
    }

    /// <inheritdoc/>
    public Task<HeartbeatResult> HeartbeatAsync(IReadOnlyList<LeaseRef> leases, DateTimeOffset expiresAt, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(leases);
        if (leases.Count == 0)
        {
            return Task.FromResult(HeartbeatResult.Empty);
        }

        return _writer.WriteAsync(context =>
        {
            var lost = new List<long>();
            var cancel = new List<long>();
            var command = context.Prepared(JobSql.Heartbeat).Set("$expires", Instants.ToMs(expiresAt));
            foreach (var lease in leases)
            {
                var flag = command.Set("$id", lease.JobId).Set("$token", lease.Token).ExecuteScalar();
                if (flag is null)
                {
                    lost.Add(lease.JobId);
                }
                else if ((long)flag != 0)
                {
                    cancel.Add(lease.JobId);
                }
            }

            return new HeartbeatResult(lost, cancel);
        }, ct);
    }

    /// <inheritdoc/>
    public Task<bool> SetProgressAsync(LeaseRef lease, string progress, CancellationToken ct) =>
        _writer.WriteAsync(context => context.Prepared(JobSql.SetProgress)
            .Set("$id", lease.JobId).Set("$token", lease.Token).Set("$progress", progress)
            .ExecuteNonQuery() == 1, ct);

    /// <inheritdoc/>
    public Task<IReadOnlyList<bool>> CompleteAsync(IReadOnlyList<Completion> completions, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(completions);
        if (completions.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<bool>>([]);
        }

        return CompleteAndPublishAsync(completions, now, ct);
    }

    private async Task<IReadOnlyList<bool>> CompleteAndPublishAsync(IReadOnlyList<Completion> completions, DateTimeOffset now, CancellationToken ct)
    {
        var finished = new List<long>();
        var applied = await _writer.WriteAsync(context =>
        {
            finished.Clear();
            var nowMs = Instants.ToMs(now);
            var applied = new bool[completions.Count];
            SucceedMany(context, completions, nowMs, applied);
            for (var i = 0; i < completions.Count; i++)
            {
                if (!applied[i])
                {
                    applied[i] = Complete(context, completions[i], nowMs, finished);
                }
            }

            return applied;
        }, ct);
        _workflowsFinished.Publish(finished);
        return applied;
    }

    /// <summary>Successes with small results whose job ids the batch names once; above this, one statement each is as cheap.</summary>
    private const int MaxBatchedResultChars = 4096;

    /// <summary>
    /// Completes the plain successes among <paramref name="completions"/> in one statement (a no-op job's completion
    /// is otherwise a statement of its own: most of the writer's time per job). Marks in <paramref name="applied"/> the
    /// completions it applied; the rest (failures, workflow steps, large results, an id named twice, lost leases) go
    /// one by one, as before.
    /// </summary>
    private static void SucceedMany(WriteContext context, IReadOnlyList<Completion> completions, long nowMs, bool[] applied)
    {
        if (completions.Count < 2)
        {
            return;
        }

        var seen = new HashSet<long>();
        HashSet<long>? repeated = null;
        foreach (var completion in completions)
        {
            if (!seen.Add(completion.Lease.JobId))
            {
                (repeated ??= []).Add(completion.Lease.JobId);
            }
        }

        List<int>? batched = null;
        for (var i = 0; i < completions.Count; i++)
        {
            if (completions[i].Outcome is JobOutcome.Succeeded succeeded
                && (succeeded.Result is null || succeeded.Result.Length <= MaxBatchedResultChars)
                && repeated?.Contains(completions[i].Lease.JobId) != true)
            {
                (batched ??= []).Add(i);
            }
        }

        if (batched is not { Count: > 1 })
        {
            return;
        }

        var buffer = new ArrayBufferWriter<byte>(batched.Count * 48);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            foreach (var i in batched)
            {
                var completion = completions[i];
                json.WriteStartArray();
                json.WriteNumberValue(completion.Lease.JobId);
                json.WriteStringValue(completion.Lease.Token);
                json.WriteStringValue(((JobOutcome.Succeeded)completion.Outcome).Result);
                json.WriteEndArray();
            }

            json.WriteEndArray();
        }

        var completed = new HashSet<long>();
        using (var reader = context.Prepared(JobSql.SucceedMany)
            .Set("$batch", Encoding.UTF8.GetString(buffer.WrittenSpan)).Set("$now", nowMs).ExecuteReader())
        {
            while (reader.Read())
            {
                completed.Add(reader.GetInt64(0));
            }
        }

        foreach (var i in batched)
        {
            // A job the batch did not complete is a workflow step (settled by Succeed) or a lost lease (Succeed says so).
            applied[i] = completed.Contains(completions[i].Lease.JobId);
        }
    }

    private static IReadOnlyList<Job> Lease(WriteContext context, LeaseRequest request, Governance.FairTurns turns)
    {
        if ((long)context.Prepared(JobSql.QueuePaused).Set("$queue", request.Queue).ExecuteScalar()! != 0)
        {
            return [];
        }

        if (!request.Admission.IsNone && (request.Admission.TenantConcurrency is not null || HasGovernedJobs(context, request.Queue)))
        {
            return AdmittedLease.Run(context, request, turns);
        }

        var nowMs = Instants.ToMs(request.Now);
        var lease = context.Prepared(JobSql.LeaseNextWhere(request.Kinds is not null, request.Tenant is not null));
        if (request.Kinds is { } kinds)
        {
            lease.Set("$kinds", StoreJson.Array(kinds));
        }

        if (request.Tenant is { } tenant)
        {
            lease.Set("$tenant", tenant);
        }

        var jobs = JobRows.ReadAll(lease
            .Set("$queue", request.Queue).Set("$max", request.Max).Set("$now", nowMs)
            .Set("$holder", request.Holder).Set("$expires", Instants.ToMs(request.Now + request.LeaseFor)));
        jobs.Sort(LeaseOrder.Instance);
        return jobs;
    }

    /// <summary>True when the queue has an available job that needs a resource; else admission has nothing to decide.</summary>
    private static bool HasGovernedJobs(WriteContext context, string queue) =>
        (long)context.Prepared(JobSql.HasGovernedJobs).Set("$queue", queue).ExecuteScalar()! != 0;

    private static bool Complete(WriteContext context, Completion completion, long nowMs, List<long> finishedWorkflows)
    {
        var (id, token) = completion.Lease;
        var (workflow, state) = completion.Outcome switch
        {
            JobOutcome.Succeeded succeeded => (context.Prepared(JobSql.Succeed)
                .Set("$id", id).Set("$token", token).Set("$now", nowMs).Set("$result", succeeded.Result)
                .ExecuteScalar(), JobState.Completed),
            JobOutcome.Failed { RetryAt: { } retryAt } failed => (context.Prepared(JobSql.FailRetryable)
                .Set("$id", id).Set("$token", token).Set("$run_at", Instants.ToMs(retryAt))
                .Set("$error", JobRows.SerializeError(failed.Error))
                .ExecuteNonQuery() == 1 ? 0L : null, JobState.Retryable),
            JobOutcome.Failed failed => (context.Prepared(JobSql.FailDead)
                .Set("$id", id).Set("$token", token).Set("$now", nowMs).Set("$error", JobRows.SerializeError(failed.Error))
                .ExecuteScalar(), JobState.Dead),
            JobOutcome.Cancelled => (context.Prepared(JobSql.CancelRunning)
                .Set("$id", id).Set("$token", token).Set("$now", nowMs)
                .ExecuteScalar(), JobState.Cancelled),
            JobOutcome.Released released => Release(context, id, token, nowMs, Instants.ToMs(released.RunAt)),
            _ => throw new ArgumentOutOfRangeException(nameof(completion), completion.Outcome, "Unknown job outcome."),
        };
        if (workflow is null)
        {
            return false;
        }

        if ((long)workflow != 0 && state.IsFinal())
        {
            SettleWorkflowJob(context, id, state, (long)workflow, nowMs, finishedWorkflows);
        }

        return true;
    }

    /// <summary>Hands a job back: (its workflow or 0, its new state), or (null, _) when the lease was gone.</summary>
    private static (object? Workflow, JobState State) Release(WriteContext context, long id, string token, long nowMs, long runAtMs)
    {
        using var reader = context.Prepared(JobSql.Release)
            .Set("$id", id).Set("$token", token).Set("$now", nowMs).Set("$run_at", runAtMs)
            .ExecuteReader();
        if (!reader.Read())
        {
            return (null, JobState.Running);
        }

        var state = (JobState)reader.GetInt32(1);
        if (state == JobState.Available)
        {
            context.Wake(reader.GetString(0));
        }

        return (reader.GetInt64(2), state);
    }
}
