namespace Escala.Sqlite.Sql;

/// <summary>The statements of workflows: steps, edges, the counters that release waiting steps, and the one that ends a workflow.</summary>
internal static class WorkflowSql
{
    public const string Columns = "id, tenant, name, on_failure, state, unfinished, failed, created_at, finished_at";

    public const string Insert =
        "INSERT INTO workflows (tenant, name, on_failure, state, unfinished, created_at, callback_url) VALUES ($tenant, $name, $on_failure, 0, $unfinished, $now, $callback_url) RETURNING id";

    /// <summary>Makes a freshly inserted job a step (or spawned child); with parents it waits.</summary>
    public const string MakeStep =
        "UPDATE jobs SET workflow_id = $workflow, step = $step, spawned_by = $spawned_by, pending = $pending, " +
        "state = CASE WHEN $pending > 0 THEN 7 ELSE state END WHERE id = $id";

    public const string InsertEdge = "INSERT OR IGNORE INTO workflow_edges (parent_id, child_id) VALUES ($parent, $child)";

    public const string SelectById = "SELECT " + Columns + " FROM workflows WHERE tenant = $tenant AND id = $id";

    public const string Steps =
        "SELECT " + JobRows.Columns + ", coalesce(spawned, 0) FROM jobs WHERE workflow_id = $id AND spawned_by IS NULL ORDER BY id";

    public const string StepParents =
        "SELECT e.child_id, p.step FROM jobs c JOIN workflow_edges e ON e.child_id = c.id JOIN jobs p ON p.id = e.parent_id " +
        "WHERE c.workflow_id = $id AND c.spawned_by IS NULL AND p.spawned_by IS NULL ORDER BY p.id";

    /// <summary>A parent's children that wait: one fewer unfinished parent; available at zero.</summary>
    public const string Release =
        "UPDATE jobs SET pending = pending - 1, state = CASE WHEN pending - 1 <= 0 THEN 1 ELSE 7 END " +
        "WHERE id IN (SELECT child_id FROM workflow_edges WHERE parent_id = $id) AND state = 7 RETURNING queue, state";

    /// <summary>Every job below a failed one (<c>continue</c>): skipped as cancelled.</summary>
    public const string SkipBelow =
        "WITH RECURSIVE below(id) AS (SELECT child_id FROM workflow_edges WHERE parent_id = $id " +
        "UNION SELECT e.child_id FROM workflow_edges e JOIN below b ON e.parent_id = b.id) " +
        "UPDATE jobs SET state = 5, finished_at = $now WHERE id IN (SELECT id FROM below) AND state = 7";

    /// <summary>Every waiting job of the workflow (<c>failWorkflow</c>, or a cancel): cancelled.</summary>
    public const string CancelWaiting =
        "UPDATE jobs SET state = 5, finished_at = $now WHERE workflow_id = $workflow AND state IN (0, 1, 3, 7)";

    public const string RequestCancelRunning =
        "UPDATE jobs SET cancel_requested = 1 WHERE workflow_id = $workflow AND state = 2";

    /// <summary>
    /// Counts jobs that became final; the statement that brings <c>unfinished</c> to zero sets the final state.
    /// Returns the state once final.
    /// </summary>
    public const string Settle =
        "UPDATE workflows SET unfinished = unfinished - $n, failed = failed + $failed, " +
        "state = CASE WHEN unfinished - $n > 0 THEN state WHEN cancel_requested = 1 THEN 3 WHEN failed + $failed > 0 THEN 2 ELSE 1 END, " +
        "finished_at = CASE WHEN unfinished - $n > 0 THEN NULL ELSE $now END " +
        "WHERE id = $workflow AND state = 0 RETURNING state, on_failure";

    public const string RequestCancel = "UPDATE workflows SET cancel_requested = 1 WHERE tenant = $tenant AND id = $id AND state = 0 RETURNING id";

    /// <summary>The running spawner under its lease: its workflow, step and how many children it spawned before.</summary>
    public const string Spawner =
        "SELECT workflow_id, step, coalesce(spawned, 0) FROM jobs WHERE id = $id AND state = 2 AND lease_token = $token AND workflow_id IS NOT NULL";

    public const string CountSpawned = "UPDATE jobs SET spawned = coalesce(spawned, 0) + $n WHERE id = $id";

    /// <summary>The spawner's waiting children now wait for every new child too.</summary>
    public const string Dependents = "SELECT child_id FROM workflow_edges WHERE parent_id = $id";

    public const string AddPending = "UPDATE jobs SET pending = pending + $n WHERE id = $id AND state = 7";

    public const string AddUnfinished = "UPDATE workflows SET unfinished = unfinished + $n WHERE id = $workflow";

    public const string Parents =
        "SELECT p.id, p.step, p.state, p.result FROM workflow_edges e JOIN jobs p ON p.id = e.parent_id " +
        "WHERE e.child_id = $id AND e.parent_id > $after ORDER BY e.parent_id LIMIT $limit";

    public const string JobOfTenant = "SELECT 1 FROM jobs WHERE tenant = $tenant AND id = $id";
}
