-- The dashboard's list filters read one index each, newest first, however many jobs the store keeps:
-- a rare state (dead), a small queue or kind among a million jobs is a range scan, not a table scan.
CREATE INDEX jobs_tenant_state ON {schema}.jobs (tenant, state, id DESC);
CREATE INDEX jobs_tenant_queue ON {schema}.jobs (tenant, queue, id DESC);
CREATE INDEX jobs_tenant_kind ON {schema}.jobs (tenant, kind, id DESC);

-- The W3C trace context of the request that submitted the job; its execution span is started as its child.
ALTER TABLE {schema}.jobs ADD COLUMN traceparent text;
