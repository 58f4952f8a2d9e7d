-- Jobs, queues, resources (governance), leader and node registry. {schema} is replaced by the driver.
CREATE SEQUENCE {schema}.jobs_id_seq;

CREATE TABLE {schema}.jobs (
    id               bigint PRIMARY KEY DEFAULT nextval('{schema}.jobs_id_seq'),
    tenant           text        NOT NULL,
    queue            text        NOT NULL,
    kind             text        NOT NULL,
    args             text        NOT NULL,
    priority         integer     NOT NULL DEFAULT 0,
    state            smallint    NOT NULL,
    attempt          integer     NOT NULL DEFAULT 0,
    max_attempts     integer     NOT NULL,
    created_at       timestamptz NOT NULL,
    run_at           timestamptz NOT NULL,
    attempted_at     timestamptz,
    finished_at      timestamptz,
    idempotency_key  text,
    resources        text[]      NOT NULL DEFAULT '{}',
    timeout          interval,
    backoff          interval,
    result           text,
    progress         text,
    errors           jsonb       NOT NULL DEFAULT '[]',
    lease_token      text,
    leased_by        text,
    lease_expires_at timestamptz,
    cancel_requested boolean     NOT NULL DEFAULT false
);
ALTER SEQUENCE {schema}.jobs_id_seq OWNED BY {schema}.jobs.id;

-- Lease order of available jobs.
CREATE INDEX jobs_fetch ON {schema}.jobs (queue, priority DESC, run_at, id) WHERE state = 1;
-- Running jobs: expired leases, and the (small) running set that admission counts.
CREATE INDEX jobs_running ON {schema}.jobs (lease_expires_at, id) WHERE state = 2;
-- Scheduled and retryable jobs waiting for their time.
CREATE INDEX jobs_due ON {schema}.jobs (run_at, id) WHERE state IN (0, 3);
-- Final jobs, for the pruner.
CREATE INDEX jobs_finished ON {schema}.jobs (finished_at) WHERE state IN (4, 5, 6);
-- One tenant's jobs, newest first.
CREATE INDEX jobs_tenant ON {schema}.jobs (tenant, id DESC);
CREATE UNIQUE INDEX jobs_idempotency ON {schema}.jobs (tenant, idempotency_key) WHERE idempotency_key IS NOT NULL;

CREATE TABLE {schema}.queues (
    name   text PRIMARY KEY,
    paused boolean NOT NULL DEFAULT false
);

CREATE TABLE {schema}.resources (
    name         text PRIMARY KEY,
    paused_until timestamptz,
    pause_reason text
);

-- One row per admitted start of a rate-limited resource; rows older than the window are pruned at lease time.
CREATE TABLE {schema}.resource_starts (
    resource text        NOT NULL,
    at       timestamptz NOT NULL
);
CREATE INDEX resource_starts_resource_at ON {schema}.resource_starts (resource, at);

CREATE TABLE {schema}.leader (
    id         integer PRIMARY KEY CHECK (id = 1),
    node_id    text        NOT NULL,
    expires_at timestamptz NOT NULL
);

CREATE TABLE {schema}.nodes (
    id           text PRIMARY KEY,
    role         text        NOT NULL,
    host         text        NOT NULL,
    started_at   timestamptz NOT NULL,
    last_beat_at timestamptz NOT NULL,
    leader       boolean     NOT NULL DEFAULT false
);

-- Takes transaction-scoped advisory locks on the given names in one global order (by key), so that
-- lease transactions that lock several resources never deadlock.
CREATE FUNCTION {schema}.lock_names(names text[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    k integer;
BEGIN
    FOR k IN SELECT DISTINCT hashtext(n) FROM unnest(names) AS n ORDER BY 1 LOOP
        PERFORM pg_advisory_xact_lock(k);
    END LOOP;
END
$$;
