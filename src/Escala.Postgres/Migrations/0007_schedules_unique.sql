-- Recurring schedules: each tenant's schedules by name, their definition (JSON) and progress. A tick's job carries
-- the idempotency key schedule:NAME:TICK, so jobs_idempotency makes each tick enqueue at most one job.
CREATE TABLE {schema}.schedules (
    tenant      text        NOT NULL,
    name        text        NOT NULL,
    definition  text        NOT NULL,
    source      text        NOT NULL,
    paused      boolean     NOT NULL DEFAULT false,
    next_run_at timestamptz,
    last_run_at timestamptz,
    last_job_id bigint,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    PRIMARY KEY (tenant, name)
);
CREATE INDEX schedules_due ON {schema}.schedules (next_run_at) WHERE NOT paused AND next_run_at IS NOT NULL;

-- Unique jobs: the job holding each (tenant, unique key) and how long after it finishes the key stays taken.
CREATE TABLE {schema}.unique_keys (
    tenant  text     NOT NULL,
    key     text     NOT NULL,
    job_id  bigint   NOT NULL,
    hold_for interval NOT NULL,
    PRIMARY KEY (tenant, key)
);

-- Completion callbacks (an outbox): one row per callback to POST, written with its job; due once the job is final
-- (or at once when it carries its own payload), retried with backoff until delivered or failed.
CREATE TABLE {schema}.callbacks (
    id              bigserial PRIMARY KEY,
    tenant          text        NOT NULL,
    job_id          bigint,
    url             text        NOT NULL,
    payload         text,
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    delivered_at    timestamptz,
    failed_at       timestamptz,
    last_error      text,
    created_at      timestamptz NOT NULL
);
CREATE INDEX callbacks_pending ON {schema}.callbacks (next_attempt_at) WHERE delivered_at IS NULL AND failed_at IS NULL;
CREATE INDEX callbacks_job ON {schema}.callbacks (job_id) WHERE job_id IS NOT NULL;
