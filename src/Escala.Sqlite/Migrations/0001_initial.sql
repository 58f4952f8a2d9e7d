-- Jobs, queues, resources (governance), leadership and nodes.
-- Instants are INTEGER unix milliseconds; state is the JobState value; resources are '|a|b|' or NULL.
CREATE TABLE jobs (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant           TEXT    NOT NULL,
    queue            TEXT    NOT NULL,
    kind             TEXT    NOT NULL,
    args             TEXT    NOT NULL,
    priority         INTEGER NOT NULL DEFAULT 0,
    state            INTEGER NOT NULL,
    attempt          INTEGER NOT NULL DEFAULT 0,
    max_attempts     INTEGER NOT NULL,
    created_at       INTEGER NOT NULL,
    run_at           INTEGER NOT NULL,
    attempted_at     INTEGER,
    finished_at      INTEGER,
    idempotency_key  TEXT,
    resources        TEXT,
    timeout_ms       INTEGER,
    backoff_ms       INTEGER,
    result           TEXT,
    progress         TEXT,
    errors           TEXT,
    lease_token      TEXT,
    leased_by        TEXT,
    lease_expires_at INTEGER,
    cancel_requested INTEGER NOT NULL DEFAULT 0
);

-- Lease order of available jobs per queue.
CREATE INDEX jobs_available ON jobs (queue, priority DESC, run_at, id) WHERE state = 1;

-- Running jobs: admission counts, expired leases.
CREATE INDEX jobs_running ON jobs (lease_expires_at) WHERE state = 2;

-- Scheduled and retryable jobs waiting for their time.
CREATE INDEX jobs_waiting ON jobs (run_at) WHERE state IN (0, 3);

-- Final jobs for the pruner.
CREATE INDEX jobs_final ON jobs (finished_at) WHERE state IN (4, 5, 6);

-- A tenant's jobs, newest first.
CREATE INDEX jobs_tenant ON jobs (tenant, id);

-- Counts by queue and state.
CREATE INDEX jobs_queue_state ON jobs (queue, state);

CREATE UNIQUE INDEX jobs_idempotency ON jobs (tenant, idempotency_key) WHERE idempotency_key IS NOT NULL;

CREATE TABLE queue_pauses (
    queue     TEXT PRIMARY KEY,
    paused_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE resources (
    name         TEXT PRIMARY KEY,
    paused_until INTEGER,
    pause_reason TEXT
) WITHOUT ROWID;

-- One row per admitted start of a rate-limited resource; rows older than the window are deleted.
CREATE TABLE resource_starts (
    resource TEXT    NOT NULL,
    at       INTEGER NOT NULL
);
CREATE INDEX resource_starts_resource_at ON resource_starts (resource, at);

CREATE TABLE leader (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    node_id    TEXT    NOT NULL,
    expires_at INTEGER NOT NULL
);

CREATE TABLE nodes (
    id           TEXT PRIMARY KEY,
    role         TEXT    NOT NULL,
    host         TEXT    NOT NULL,
    started_at   INTEGER NOT NULL,
    last_beat_at INTEGER NOT NULL,
    leader       INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
