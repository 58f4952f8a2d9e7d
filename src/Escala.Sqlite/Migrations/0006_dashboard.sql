-- The dashboard's list filters read one index each, newest first, however many jobs the store keeps:
-- a rare state (dead), a small queue or kind among a million jobs is a range scan, not a table scan.
CREATE INDEX jobs_tenant_state ON jobs (tenant, state, id);
CREATE INDEX jobs_tenant_queue ON jobs (tenant, queue, id);
CREATE INDEX jobs_tenant_kind ON jobs (tenant, kind, id);

-- The W3C trace context of the request that submitted the job; its execution span is started as its child.
ALTER TABLE jobs ADD COLUMN traceparent TEXT;

-- A tenant's counts by queue and state (GET /v1/queues, the dashboard's overview) read this index only,
-- never the table: about 0.1 s for a million jobs instead of 1.5–3 s.
CREATE INDEX jobs_tenant_queue_state ON jobs (tenant, queue, state);
