namespace Escala.Sqlite.Sql;

/// <summary>The constant statements of the store. The writer prepares each once and reuses it.</summary>
internal static class JobSql
{
    private const string ClearLease = "lease_token = NULL, leased_by = NULL, lease_expires_at = NULL";
    private const string WhereLeased = "WHERE id = $id AND state = 2 AND lease_token = $token";

    /// <summary>The finished job's workflow, 0 for none (no row: the lease was gone).</summary>
    private const string ReturningWorkflow = " RETURNING coalesce(workflow_id, 0)";

    public const string Insert =
        "INSERT INTO jobs (tenant, queue, kind, args, priority, state, max_attempts, created_at, run_at, idempotency_key, resources, timeout_ms, backoff_ms) " +
        "VALUES ($tenant, $queue, $kind, $args, $priority, $state, $max_attempts, $now, $run_at, $key, $resources, $timeout_ms, $backoff_ms) " +
        "ON CONFLICT DO NOTHING RETURNING id";

    public const string SelectByKey = "SELECT " + JobRows.Columns + " FROM jobs WHERE tenant = $tenant AND idempotency_key = $key";

    public const string SelectById = "SELECT " + JobRows.Columns + " FROM jobs WHERE tenant = $tenant AND id = $id";

    public const string QueuePaused = "SELECT EXISTS (SELECT 1 FROM queue_pauses WHERE queue = $queue)";

    /// <summary>Fast-path lease: the first <c>$max</c> available jobs of the queue in lease order.</summary>
    public const string LeaseNext =
        "UPDATE jobs SET state = 2, attempt = attempt + 1, attempted_at = $now, lease_token = lower(hex(randomblob(12))), " +
        "leased_by = $holder, lease_expires_at = $expires " +
        "WHERE id IN (SELECT id FROM jobs WHERE queue = $queue AND state = 1 ORDER BY priority DESC, run_at, id LIMIT $max) " +
        "RETURNING " + JobRows.Columns;

    /// <summary>
    /// <see cref="LeaseNext"/> narrowed to some kinds (<c>$kinds</c>: a JSON array; a node leases only kinds it has
    /// handlers for, a worker may ask for some) and/or to one tenant (<c>$tenant</c>: an external worker's key). Each
    /// form is its own statement text, so each keeps its own prepared plan; all walk the same index and skip the
    /// other rows, so they cost more only while such rows wait at the head of the queue.
    /// </summary>
    public static string LeaseNextWhere(bool kinds, bool tenant) => (kinds, tenant) switch
    {
        (false, false) => LeaseNext,
        (true, false) => LeaseNextKinds,
        (false, true) => LeaseNextOfTenant,
        (true, true) => LeaseNextKindsOfTenant,
    };

    private const string KindsFilter = "AND kind IN (SELECT value FROM json_each($kinds)) ";

    private const string TenantFilter = "AND tenant = $tenant ";

    private static readonly string LeaseNextKinds = LeaseNextFiltered(KindsFilter);

    private static readonly string LeaseNextOfTenant = LeaseNextFiltered(TenantFilter);

    private static readonly string LeaseNextKindsOfTenant = LeaseNextFiltered(KindsFilter + TenantFilter);

    private static string LeaseNextFiltered(string filter) =>
        "UPDATE jobs SET state = 2, attempt = attempt + 1, attempted_at = $now, lease_token = lower(hex(randomblob(12))), " +
        "leased_by = $holder, lease_expires_at = $expires " +
        "WHERE id IN (SELECT id FROM jobs WHERE queue = $queue AND state = 1 " + filter +
        "ORDER BY priority DESC, run_at, id LIMIT $max) " +
        "RETURNING " + JobRows.Columns;

    /// <summary>Leases the admitted candidates, given as a JSON array of ids.</summary>
    public const string LeaseIds =
        "UPDATE jobs SET state = 2, attempt = attempt + 1, attempted_at = $now, lease_token = lower(hex(randomblob(12))), " +
        "leased_by = $holder, lease_expires_at = $expires WHERE id IN (SELECT value FROM json_each($ids)) AND state = 1 " +
        "RETURNING " + JobRows.Columns;

    /// <summary>The status columns <see cref="JobRows.ReadStatus"/> expects: never args or result.</summary>
    public const string StatusColumns =
        "id, state, attempt, progress, cancel_requested, max(created_at, run_at, coalesce(attempted_at, 0), coalesce(finished_at, 0))";

    public const string StatusById = "SELECT " + StatusColumns + " FROM jobs WHERE tenant = $tenant AND id = $id";

    public const string StatusByIds = "SELECT " + StatusColumns + " FROM jobs WHERE id IN (SELECT value FROM json_each($ids))";

    /// <summary>
    /// Running jobs past timeout plus grace. <c>$limits</c> is a JSON object queue → [timeout ms, grace ms]; other
    /// queues use <c>$timeout</c> and <c>$grace</c>. Reads the running jobs' partial index only.
    /// </summary>
    public const string Overdue =
        "SELECT " + JobRows.Columns + " FROM jobs WHERE state = 2 AND attempted_at + coalesce(timeout_ms, " +
        "(SELECT value ->> 0 FROM json_each($limits) WHERE key = jobs.queue), $timeout) + " +
        "coalesce((SELECT value ->> 1 FROM json_each($limits) WHERE key = jobs.queue), $grace) < $now " +
        "ORDER BY attempted_at, id LIMIT $limit";

    public const string HasGovernedJobs =
        "SELECT EXISTS (SELECT 1 FROM jobs WHERE queue = $queue AND state = 1 AND resources IS NOT NULL)";

    public const string RunningResources = "SELECT resources FROM jobs WHERE state = 2 AND resources IS NOT NULL";

    public const string RunningByTenant = "SELECT tenant, count(*) FROM jobs INDEXED BY jobs_running WHERE state = 2 AND queue = $queue GROUP BY tenant";

    public const string PausedResources =
        "SELECT name, paused_until, pause_reason FROM resources WHERE paused_until > $now OR pause_reason = 'breaker open'";

    public const string CloseBreaker =
        "UPDATE resources SET pause_reason = 'breaker closed' WHERE name = $name AND pause_reason = 'breaker open' AND paused_until <= $now";

    public const string TrimStarts = "DELETE FROM resource_starts WHERE resource = $resource AND at <= $since";

    public const string CountStarts = "SELECT count(*) FROM resource_starts WHERE resource = $resource AND at > $since";

    public const string RecordStart = "INSERT INTO resource_starts (resource, at) VALUES ($resource, $now)";

    public const string Heartbeat =
        "UPDATE jobs SET lease_expires_at = $expires " + WhereLeased + " RETURNING cancel_requested";

    public const string SetProgress = "UPDATE jobs SET progress = $progress " + WhereLeased;

    public const string Succeed =
        "UPDATE jobs SET state = 4, result = $result, finished_at = $now, " + ClearLease + " " + WhereLeased + ReturningWorkflow;

    /// <summary>
    /// <see cref="Succeed"/> for many jobs in one statement: <c>$batch</c> is a JSON array of <c>[id, token, result]</c>.
    /// Returns the ids it completed. Workflow steps are left to <see cref="Succeed"/>, which settles their workflow.
    /// </summary>
    public const string SucceedMany =
        "UPDATE jobs SET state = 4, result = c.value ->> 2, finished_at = $now, " + ClearLease + " " +
        "FROM json_each($batch) AS c WHERE jobs.id = c.value ->> 0 AND jobs.state = 2 AND jobs.lease_token = c.value ->> 1 " +
        "AND jobs.workflow_id IS NULL RETURNING jobs.id";

    public const string FailRetryable =
        "UPDATE jobs SET state = 3, run_at = $run_at, errors = json_insert(coalesce(errors, '[]'), '$[#]', json($error)), " +
        ClearLease + " " + WhereLeased;

    public const string FailDead =
        "UPDATE jobs SET state = 6, finished_at = $now, errors = json_insert(coalesce(errors, '[]'), '$[#]', json($error)), " +
        ClearLease + " " + WhereLeased + ReturningWorkflow;

    public const string CancelRunning =
        "UPDATE jobs SET state = 5, finished_at = $now, " + ClearLease + " " + WhereLeased + ReturningWorkflow;

    /// <summary>Hands a job back; one whose cancel was asked for while it ran is cancelled instead of run again.</summary>
    public const string Release =
        "UPDATE jobs SET attempt = max(attempt - 1, 0), run_at = $run_at, " +
        "state = CASE WHEN cancel_requested = 1 THEN 5 WHEN $run_at > $now THEN 0 ELSE 1 END, " +
        "finished_at = CASE WHEN cancel_requested = 1 THEN $now ELSE finished_at END, cancel_requested = 0, " +
        ClearLease + " " + WhereLeased + " RETURNING queue, state, coalesce(workflow_id, 0)";

    public const string CancelWaiting =
        "UPDATE jobs SET state = 5, finished_at = $now WHERE tenant = $tenant AND id = $id AND state IN (0, 1, 3, 7) RETURNING " + JobRows.Columns;

    public const string RequestCancel =
        "UPDATE jobs SET cancel_requested = 1 WHERE tenant = $tenant AND id = $id AND state = 2 RETURNING " + JobRows.Columns;

    public const string Retry =
        "UPDATE jobs SET state = 1, run_at = $now, finished_at = NULL, cancel_requested = 0, " +
        "max_attempts = max(max_attempts, attempt + 1) " +
        "WHERE tenant = $tenant AND id = $id AND state IN (0, 3, 4, 5, 6) AND workflow_id IS NULL RETURNING " + JobRows.Columns;

    public const string PromoteDue =
        "UPDATE jobs SET state = 1 WHERE id IN " +
        "(SELECT id FROM jobs WHERE state IN (0, 3) AND run_at <= $now ORDER BY run_at, id LIMIT $limit) RETURNING queue";

    /// <summary>Deletes final jobs finished before their queue's cutoff (<c>$cutoffs</c>: a JSON object queue → ms) or the default.</summary>
    public const string Prune =
        "DELETE FROM jobs WHERE id IN (SELECT id FROM jobs WHERE state IN (4, 5, 6) AND finished_at < " +
        "coalesce((SELECT value FROM json_each($cutoffs) WHERE key = jobs.queue), $default) LIMIT $limit)";

    public const string ExpiredLeases =
        "SELECT " + JobRows.Columns + " FROM jobs WHERE state = 2 AND lease_expires_at < $now ORDER BY lease_expires_at, id LIMIT $limit";

    // Counts come from job_counts, which triggers keep (migration 0011): a handful of rows, whatever the store's size.
    public const string CountAll = "SELECT queue, state, sum(n) FROM job_counts GROUP BY queue, state HAVING sum(n) > 0";

    public const string CountTenant = "SELECT queue, state, n FROM job_counts WHERE tenant = $tenant AND n > 0";

    public const string CountActive =
        "SELECT queue, state, sum(n) FROM job_counts WHERE state IN (0, 1, 2, 3) GROUP BY queue, state HAVING sum(n) > 0";

    public const string PauseQueue = "INSERT INTO queue_pauses (queue, paused_at) VALUES ($queue, $now) ON CONFLICT (queue) DO NOTHING";

    public const string ResumeQueue = "DELETE FROM queue_pauses WHERE queue = $queue";

    public const string PausedQueues = "SELECT queue FROM queue_pauses";

    public const string PauseResource =
        "INSERT INTO resources (name, paused_until, pause_reason) VALUES ($name, $until, $reason) " +
        "ON CONFLICT (name) DO UPDATE SET paused_until = excluded.paused_until, pause_reason = excluded.pause_reason";

    /// <summary>One branch per state, so each can read its partial index instead of the whole table.</summary>
    public const string ResourceJobs =
        "SELECT resources, 1, count(*) FROM jobs WHERE state = 1 AND resources IS NOT NULL GROUP BY resources " +
        "UNION ALL SELECT resources, 2, count(*) FROM jobs WHERE state = 2 AND resources IS NOT NULL GROUP BY resources";

    public const string ResourceRows = "SELECT name, paused_until, pause_reason FROM resources";

    public const string TryLead =
        "INSERT INTO leader (id, node_id, expires_at) VALUES (1, $node, $expires) " +
        "ON CONFLICT (id) DO UPDATE SET node_id = excluded.node_id, expires_at = excluded.expires_at " +
        "WHERE leader.node_id = excluded.node_id OR leader.expires_at <= $now RETURNING node_id";

    public const string Resign = "DELETE FROM leader WHERE id = 1 AND node_id = $node";

    public const string BeatNode =
        "INSERT INTO nodes (id, role, host, started_at, last_beat_at, leader) VALUES ($id, $role, $host, $started, $beat, $leader) " +
        "ON CONFLICT (id) DO UPDATE SET role = excluded.role, host = excluded.host, started_at = excluded.started_at, " +
        "last_beat_at = excluded.last_beat_at, leader = excluded.leader";

    public const string DeleteStaleNodes = "DELETE FROM nodes WHERE last_beat_at < $since";

    /// <summary>A node shows as leader while it says so and no other node holds the leader row (a dead leader's last beat said so too).</summary>
    public const string ListNodes =
        "SELECT id, role, host, started_at, last_beat_at, leader AND NOT EXISTS (SELECT 1 FROM leader l WHERE l.node_id <> nodes.id) " +
        "FROM nodes ORDER BY id";

    public const string RemoveNode = "DELETE FROM nodes WHERE id = $id";
}
