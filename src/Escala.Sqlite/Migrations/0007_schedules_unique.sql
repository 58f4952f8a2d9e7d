-- Recurring schedules: each tenant's schedules by name, their definition (JSON) and progress. A tick's job carries
-- the idempotency key schedule:NAME:TICK, so jobs_idempotency makes each tick enqueue at most one job.
CREATE TABLE schedules (
    tenant      TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    definition  TEXT    NOT NULL,
    source      TEXT    NOT NULL,
    paused      INTEGER NOT NULL DEFAULT 0,
    next_run_at INTEGER,
    last_run_at INTEGER,
    last_job_id INTEGER,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (tenant, name)
) WITHOUT ROWID;
CREATE INDEX schedules_due ON schedules (next_run_at) WHERE paused = 0 AND next_run_at IS NOT NULL;

-- Unique jobs: the job holding each (tenant, unique key) and how long after it finishes the key stays taken.
CREATE TABLE unique_keys (
    tenant    TEXT    NOT NULL,
    key       TEXT    NOT NULL,
    job_id    INTEGER NOT NULL,
    hold_for_ms INTEGER NOT NULL,
    PRIMARY KEY (tenant, key)
) WITHOUT ROWID;

-- Completion callbacks (an outbox): one row per callback to POST, written with its job; due once the job is final
-- (or at once when it carries its own payload), retried with backoff until delivered or failed.
CREATE TABLE callbacks (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant          TEXT    NOT NULL,
    job_id          INTEGER,
    url             TEXT    NOT NULL,
    payload         TEXT,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    delivered_at    INTEGER,
    failed_at       INTEGER,
    last_error      TEXT,
    created_at      INTEGER NOT NULL
);
CREATE INDEX callbacks_pending ON callbacks (next_attempt_at) WHERE delivered_at IS NULL AND failed_at IS NULL;
CREATE INDEX callbacks_job ON callbacks (job_id) WHERE job_id IS NOT NULL;
