-- A job's lease and completion are not HOT updates (the state is indexed), so every full index on jobs gets a
-- new entry on each of a job's three transitions. The dashboard's three full indexes of 0006 took the no-op
-- bench from 16.5k to 12.7k jobs/s. The state filter keeps an index for the rare states only (scheduled,
-- retryable, cancelled, dead); completed jobs and the queue and kind filters walk jobs_tenant newest first,
-- available and running ones come from the lease and running indexes.
DROP INDEX IF EXISTS {schema}.jobs_tenant_queue;
DROP INDEX IF EXISTS {schema}.jobs_tenant_kind;
DROP INDEX IF EXISTS {schema}.jobs_tenant_state;
CREATE INDEX jobs_tenant_state ON {schema}.jobs (tenant, state, id DESC) WHERE state IN (0, 3, 5, 6);
