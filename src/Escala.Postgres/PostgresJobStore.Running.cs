using Escala.Jobs;
using Escala.Storage;
using NpgsqlTypes;

namespace Escala.Postgres;

/// <remarks>
/// A lease token is set only while a job runs (the lease sets it, every way out of running clears it), so
/// "id and token match" is the whole guard. The statements leave out <c>state = 2</c> on purpose: with it,
/// a cached generic plan may walk the partial index of running jobs (and its dead entries) instead of
/// looking each id up by primary key.
/// </remarks>
public sealed partial class PostgresJobStore
{
    private const short OutcomeSucceeded = 0;
    private const short OutcomeRetry = 1;
    private const short OutcomeDead = 2;
    private const short OutcomeCancelled = 3;
    private const short OutcomeReleased = 4;

    // What a row of the completion statement reports: a job it completed, a queue a released workflow step waits in,
    // a workflow that reached its final state.
    private const int RowDone = 0;
    private const int RowReleased = 1;
    private const int RowFinished = 2;

    /// <inheritdoc />
    public Task<HeartbeatResult> HeartbeatAsync(IReadOnlyList<LeaseRef> leases, DateTimeOffset expiresAt, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(leases);
        if (leases.Count == 0)
        {
            return Task.FromResult(HeartbeatResult.Empty);
        }

        return Guard(async () =>
        {
            await using var cmd = _dataSource.CreateCommand(
                $"""
                UPDATE {Schema}.jobs j SET lease_expires_at = @expires
                FROM unnest(@ids::bigint[], @tokens::text[]) AS l(id, token)
                WHERE j.id = l.id AND j.lease_token = l.token
                RETURNING j.id, j.cancel_requested
                """);
            cmd.Parameters.AddWithValue("expires", Instants.ToDb(expiresAt));
            cmd.Parameters.AddWithValue("ids", leases.Select(l => l.JobId).ToArray());
            cmd.Parameters.AddWithValue("tokens", leases.Select(l => l.Token).ToArray());
            var held = new HashSet<long>();
            var cancel = new List<long>();
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                held.Add(reader.GetInt64(0));
                if (reader.GetBoolean(1))
                {
                    cancel.Add(reader.GetInt64(0));
                }
            }

            var lost = leases.Select(l => l.JobId).Where(id => !held.Contains(id)).Distinct().ToList();
            return new HeartbeatResult(lost, cancel);
        });
    }

    /// <inheritdoc />
    public Task<bool> SetProgressAsync(LeaseRef lease, string progress, CancellationToken ct) => Guard(async () =>
    {
        await using var cmd = _dataSource.CreateCommand(
            $"UPDATE {Schema}.jobs SET progress = @progress WHERE id = @id AND lease_token = @token");
        cmd.Parameters.AddWithValue("progress", progress);
        cmd.Parameters.AddWithValue("id", lease.JobId);
        cmd.Parameters.AddWithValue("token", lease.Token);
        var held = await cmd.ExecuteNonQueryAsync(ct) == 1;
        if (held)
        {
            _changes.Mark();
        }

        return held;
    });

    /// <inheritdoc />
    public Task<IReadOnlyList<bool>> CompleteAsync(IReadOnlyList<Completion> completions, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(completions);
        if (completions.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<bool>>([]);
        }

        return Guard<IReadOnlyList<bool>>(async () =>
        {
            // A lease named twice in one call changes its job once, by its first mention: the others are not sent
            // (UPDATE ... FROM joined to two rows for one job would apply either of them).
            var sent = FirstMentions(completions);
            var n = sent.Count;
            var ids = new long[n];
            var tokens = new string[n];
            var outcomes = new short[n];
            var results = new string?[n];
            var errors = new string?[n];
            var runAt = new DateTimeOffset?[n];
            for (var i = 0; i < n; i++)
            {
                var completion = completions[sent[i]];
                ids[i] = completion.Lease.JobId;
                tokens[i] = completion.Lease.Token;
                switch (completion.Outcome)
                {
                    case JobOutcome.Succeeded s:
                        outcomes[i] = OutcomeSucceeded;
                        results[i] = s.Result;
                        break;
                    case JobOutcome.Failed f:
                        outcomes[i] = f.RetryAt is null ? OutcomeDead : OutcomeRetry;
                        errors[i] = ErrorsJson.Write(f.Error);
                        runAt[i] = Instants.ToDb(f.RetryAt);
                        break;
                    case JobOutcome.Cancelled:
                        outcomes[i] = OutcomeCancelled;
                        break;
                    case JobOutcome.Released r:
                        outcomes[i] = OutcomeReleased;
                        runAt[i] = Instants.ToDb(r.RunAt);
                        break;
                    default:
                        throw new ArgumentException($"Unknown outcome {completion.Outcome.GetType().Name}.", nameof(completions));
                }
            }

            await using var cmd = _dataSource.CreateCommand(
                $"""
                WITH RECURSIVE c AS (
                    SELECT * FROM unnest(@ids::bigint[], @tokens::text[], @outcomes::smallint[], @results::text[],
                                         @errors::text[], @run_at::timestamptz[]) AS c(id, token, outcome, result, error, run_at)
                ),
                done AS (
                    UPDATE {Schema}.jobs j SET
                        state = CASE c.outcome
                                    WHEN {OutcomeSucceeded} THEN 4 WHEN {OutcomeRetry} THEN 3 WHEN {OutcomeDead} THEN 6
                                    WHEN {OutcomeCancelled} THEN 5
                                    ELSE CASE WHEN j.cancel_requested THEN 5 WHEN c.run_at > @now THEN 0 ELSE 1 END
                                END,
                        result = CASE WHEN c.outcome = {OutcomeSucceeded} THEN c.result ELSE j.result END,
                        errors = CASE WHEN c.error IS NULL THEN j.errors ELSE j.errors || c.error::jsonb END,
                        run_at = CASE WHEN c.outcome IN ({OutcomeRetry}, {OutcomeReleased}) THEN c.run_at ELSE j.run_at END,
                        attempt = CASE WHEN c.outcome = {OutcomeReleased} THEN greatest(j.attempt - 1, 0) ELSE j.attempt END,
                        finished_at = CASE WHEN c.outcome IN ({OutcomeSucceeded}, {OutcomeDead}, {OutcomeCancelled})
                                             OR (c.outcome = {OutcomeReleased} AND j.cancel_requested) THEN @now END,
                        lease_token = NULL, leased_by = NULL, lease_expires_at = NULL, cancel_requested = false
                    FROM c
                    WHERE j.id = c.id AND j.lease_token = c.token
                    RETURNING j.id, j.state, j.tenant, j.queue, j.workflow_id, c.token
                ),
                {CompletedDeltas("done")},
                fin AS (
                    SELECT id, state, workflow_id FROM done WHERE workflow_id IS NOT NULL AND state IN (4, 5, 6)
                ),
                {WorkflowSql.Chain(Schema, "done")},
                woken AS (
                    SELECT pg_notify(@channel, @origin || q.queue)
                    FROM (SELECT queue FROM done WHERE state = 1 UNION SELECT queue FROM settled WHERE state = 1) AS q
                )
                SELECT {RowDone}, id, state, queue, (SELECT count(*) FROM woken), token FROM done
                UNION ALL SELECT DISTINCT {RowReleased}, 0::bigint, state, queue, 0, NULL FROM settled WHERE state = 1
                UNION ALL SELECT {RowFinished}, id, state, '', 0, NULL FROM finished WHERE state <> 0
                """);
            cmd.Parameters.AddWithValue("ids", ids);
            cmd.Parameters.AddWithValue("tokens", tokens);
            cmd.Parameters.AddWithValue("outcomes", outcomes);
            cmd.Parameters.Add(new("results", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = results });
            cmd.Parameters.Add(new("errors", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = errors });
            cmd.Parameters.Add(new("run_at", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { Value = runAt });
            cmd.Parameters.AddWithValue("now", Instants.ToDb(now));
            cmd.Parameters.AddWithValue("channel", _channel);
            cmd.Parameters.AddWithValue("origin", _listener.Origin);
            var applied = new HashSet<(long Id, string Token)>();
            var woken = new HashSet<string>(StringComparer.Ordinal);
            var finished = new List<long>();
            await using (var reader = await cmd.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct))
                {
                    var row = reader.GetInt32(0);
                    if (row == RowFinished)
                    {
                        finished.Add(reader.GetInt64(1));
                        continue;
                    }

                    if (row == RowDone)
                    {
                        applied.Add((reader.GetInt64(1), reader.GetString(5)));
                    }

                    if (reader.GetInt16(2) == (short)JobState.Available)
                    {
                        woken.Add(reader.GetString(3));
                    }
                }
            }

            _listener.Publish(woken);
            _workflowsFinished.Publish(finished);
            if (applied.Count > 0)
            {
                _changes.Mark();
            }

            var answers = new bool[completions.Count];
            for (var i = 0; i < n; i++)
            {
                answers[sent[i]] = applied.Contains((ids[i], tokens[i]));
            }

            return answers;
        });
    }

    /// <summary>The index of each lease's first mention in <paramref name="completions"/>, in order.</summary>
    private static List<int> FirstMentions(IReadOnlyList<Completion> completions)
    {
        var seen = new HashSet<LeaseRef>(completions.Count);
        var first = new List<int>(completions.Count);
        for (var i = 0; i < completions.Count; i++)
        {
            if (seen.Add(completions[i].Lease))
            {
                first.Add(i);
            }
        }

        return first;
    }
}
