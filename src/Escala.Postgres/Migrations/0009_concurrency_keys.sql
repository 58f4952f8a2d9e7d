-- Per-key limits and fair share (resources:NAME:perKey, a job's concurrencyKey).
-- A job's concurrency key: NULL for none, so plain jobs write and index nothing more.
ALTER TABLE {schema}.jobs ADD COLUMN concurrency_key text;

-- Fair share: the available governed jobs by group (tenant, key), in lease order within each group, so a lease finds
-- each group's first jobs with one seek per group however long another group's backlog is. Partial: jobs that need
-- no resource are not in it.
CREATE INDEX jobs_available_groups ON {schema}.jobs (queue, tenant, (coalesce(concurrency_key, '')), priority DESC, run_at, id)
    WHERE state = 1 AND cardinality(resources) > 0;

-- Running jobs with a key: what per-key concurrency counts.
CREATE INDEX jobs_running_keys ON {schema}.jobs (concurrency_key) WHERE state = 2 AND concurrency_key IS NOT NULL;

-- Starts per key on resources with a per-key rate; rows older than the window are pruned by the leases that read them.
CREATE TABLE {schema}.resource_key_starts (
    resource text        NOT NULL,
    tenant   text        NOT NULL,
    key      text        NOT NULL,
    at       timestamptz NOT NULL
);
CREATE INDEX resource_key_starts_resource_at ON {schema}.resource_key_starts (resource, at);
