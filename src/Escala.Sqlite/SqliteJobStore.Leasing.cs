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

        return _writer.WriteAsync<IReadOnlyList<bool>>(context =>
        {
            var nowMs = Instants.ToMs(now);
            var applied = new bool[completions.Count];
            for (var i = 0; i < completions.Count; i++)
            {
                applied[i] = Complete(context, completions[i], nowMs);
            }

            return applied;
        }, ct);
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

    private static bool Complete(WriteContext context, Completion completion, long nowMs)
    {
        var (id, token) = completion.Lease;
        switch (completion.Outcome)
        {
            case JobOutcome.Succeeded succeeded:
                return context.Prepared(JobSql.Succeed)
                    .Set("$id", id).Set("$token", token).Set("$now", nowMs).Set("$result", succeeded.Result)
                    .ExecuteNonQuery() == 1;
            case JobOutcome.Failed { RetryAt: { } retryAt } failed:
                return context.Prepared(JobSql.FailRetryable)
                    .Set("$id", id).Set("$token", token).Set("$run_at", Instants.ToMs(retryAt))
                    .Set("$error", JobRows.SerializeError(failed.Error))
                    .ExecuteNonQuery() == 1;
            case JobOutcome.Failed failed:
                return context.Prepared(JobSql.FailDead)
                    .Set("$id", id).Set("$token", token).Set("$now", nowMs).Set("$error", JobRows.SerializeError(failed.Error))
                    .ExecuteNonQuery() == 1;
            case JobOutcome.Cancelled:
                return context.Prepared(JobSql.CancelRunning)
                    .Set("$id", id).Set("$token", token).Set("$now", nowMs)
                    .ExecuteNonQuery() == 1;
            case JobOutcome.Released released:
                using (var reader = context.Prepared(JobSql.Release)
                    .Set("$id", id).Set("$token", token).Set("$now", nowMs).Set("$run_at", Instants.ToMs(released.RunAt))
                    .ExecuteReader())
                {
                    if (!reader.Read())
                    {
                        return false;
                    }

                    if ((JobState)reader.GetInt32(1) == JobState.Available)
                    {
                        context.Wake(reader.GetString(0));
                    }

                    return true;
                }

            default:
                throw new ArgumentOutOfRangeException(nameof(completion), completion.Outcome, "Unknown job outcome.");
        }
    }
}
