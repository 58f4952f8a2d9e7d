-- Token budgets (resources:NAME:tokens): each job's token estimate, and one row per reservation of an admitted job
-- on a resource with a budget (settled to the actual usage afterwards) or per use a provider reported; rows older
-- than the budget's window are pruned by the leases that read them.
ALTER TABLE {schema}.jobs ADD COLUMN tokens bigint;

CREATE TABLE {schema}.resource_tokens (
    resource text        NOT NULL,
    job_id   bigint,
    at       timestamptz NOT NULL,
    tokens   bigint      NOT NULL
);
CREATE INDEX resource_tokens_resource_at ON {schema}.resource_tokens (resource, at);
CREATE INDEX resource_tokens_job ON {schema}.resource_tokens (job_id) WHERE job_id IS NOT NULL;

-- Result cache: a job submitted with a cache TTL keeps the key of its kind and arguments; once completed it serves
-- identical jobs of its tenant (a hit is stored completed with no attempt and no key of its own).
ALTER TABLE {schema}.jobs ADD COLUMN cache_key text;
CREATE INDEX jobs_cache_key ON {schema}.jobs (tenant, cache_key, finished_at) WHERE cache_key IS NOT NULL;
