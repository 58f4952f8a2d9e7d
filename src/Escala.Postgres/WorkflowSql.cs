namespace Escala.Postgres;

/// <summary>
/// The SQL that settles workflow jobs that became final: a chain of CTEs over <c>fin(id, state, workflow_id)</c>
/// that releases, skips or cancels the jobs waiting for them and counts them on the workflow row. It is spliced
/// into the completion statement itself, so it runs in the completion's transaction and costs nothing when no
/// finished job has a workflow (every CTE then reads zero rows).
/// </summary>
internal static class WorkflowSql
{
    /// <summary>
    /// A workflow's state once <paramref name="unfinished"/> of its jobs are left: running while any is, else cancelled
    /// when a user asked, failed when a step failed, completed otherwise. The one rule for a workflow's end.
    /// </summary>
    public static string FinalState(string unfinished, string failed, string cancelled = "w.cancel_requested") =>
        $"CASE WHEN {unfinished} > 0 THEN 0::smallint WHEN {cancelled} THEN 3::smallint " +
        $"WHEN {failed} > 0 THEN 2::smallint ELSE 1::smallint END";

    /// <summary>
    /// CTEs (to follow a CTE named <c>fin</c>, in a <c>WITH RECURSIVE</c>) that settle the finished workflow jobs.
    /// They define <c>settled(id, state, queue, workflow_id)</c> (jobs released or cancelled) and
    /// <c>finished(id, state)</c> (workflows whose count changed). <paramref name="exclude"/> names a CTE of ids the
    /// statement updates elsewhere, which must not be updated twice.
    /// </summary>
    public static string Chain(string schema, string exclude) =>
        $"""
        wfin AS (
            SELECT f.id, f.state, f.workflow_id, w.on_failure
            FROM fin f JOIN {schema}.workflows w ON w.id = f.workflow_id WHERE w.state = 0
        ),
        killall AS (
            SELECT k.id FROM wfin f CROSS JOIN LATERAL (
                SELECT j.id FROM {schema}.jobs j WHERE j.workflow_id = f.workflow_id AND j.state IN (0, 1, 2, 3, 7)) AS k
            WHERE f.state <> 4 AND f.on_failure = 0
        ),
        doomed(id) AS (
            SELECT e.child_id FROM wfin f JOIN {schema}.workflow_edges e ON e.parent_id = f.id WHERE f.state <> 4 AND f.on_failure = 1
            UNION
            SELECT e.child_id FROM doomed d JOIN {schema}.workflow_edges e ON e.parent_id = d.id
        ),
        released AS (
            SELECT e.child_id AS id, count(*)::int AS n
            FROM wfin f JOIN {schema}.workflow_edges e ON e.parent_id = f.id WHERE f.state = 4 GROUP BY e.child_id
        ),
        touched AS (
            SELECT t.id, bool_or(t.kill) AS kill, sum(t.n)::int AS n FROM (
                SELECT id, true AS kill, 0 AS n FROM killall
                UNION ALL SELECT id, true, 0 FROM doomed
                UNION ALL SELECT id, false, n FROM released) AS t
            WHERE t.id NOT IN (SELECT id FROM {exclude})
            GROUP BY t.id
        ),
        settled AS (
            UPDATE {schema}.jobs j SET
                pending = CASE WHEN j.state = 7 THEN j.pending - t.n ELSE j.pending END,
                state = CASE WHEN j.state = 2 THEN 2::smallint WHEN t.kill THEN 5::smallint
                             WHEN j.pending - t.n <= 0 THEN 1::smallint ELSE 7::smallint END,
                finished_at = CASE WHEN t.kill AND j.state <> 2 THEN @now ELSE j.finished_at END,
                cancel_requested = j.cancel_requested OR (t.kill AND j.state = 2)
            FROM touched t
            -- The state test is a CASE so the planner cannot turn it into a filter on the jobs scan: with few jobs in
            -- those states it then estimated one row, scanned the whole table first and joined the touched jobs to it,
            -- on every completion (5 ms at 2,000 jobs; linear in the table). Driven by touched, it is a primary-key lookup.
            WHERE j.id = t.id AND CASE WHEN j.state = 7 THEN true WHEN t.kill THEN j.state IN (0, 1, 2, 3) ELSE false END
            RETURNING j.id, j.state, j.queue, j.workflow_id
        ),
        ended AS (
            SELECT workflow_id, count(*)::int AS n, (count(*) FILTER (WHERE state <> 4))::int AS failed FROM wfin GROUP BY workflow_id
            UNION ALL
            SELECT workflow_id, count(*)::int, 0 FROM settled WHERE state = 5 GROUP BY workflow_id
        ),
        finished AS (
            UPDATE {schema}.workflows w SET
                unfinished = w.unfinished - e.n,
                failed = w.failed + e.failed,
                state = {FinalState("w.unfinished - e.n", "w.failed + e.failed")},
                finished_at = CASE WHEN w.unfinished - e.n > 0 THEN NULL ELSE @now END
            FROM (SELECT workflow_id, sum(n)::int AS n, sum(failed)::int AS failed FROM ended GROUP BY workflow_id) AS e
            WHERE w.id = e.workflow_id AND w.state = 0
            RETURNING w.id, w.state
        )
        """;
}
