-- Completed jobs are most of the table, and counting them by queue read all of it: 121 ms at a million jobs, on
-- every poll of the dashboard's overview and every GET /v1/queues. Every statement that moves jobs into or out of
-- the completed state now appends one row per tenant and queue to completed_deltas in its own transaction (the
-- completion batch, an insert answered from the result cache, a retry of a completed job, a discard, the prune),
-- and the leader folds the deltas into completed_counts when it prunes. A count is completed_counts plus the
-- deltas not folded yet, read in one snapshot. The other states are counted from their partial indexes; the rare
-- states' index carries the queue, so their count by queue reads the index only (25 ms to 7 ms for 50,000 such jobs).
-- Appending, not updating a counter row: a row per queue would be the lock every completion of the queue waits for.
CREATE TABLE {schema}.completed_counts (
    tenant text   NOT NULL,
    queue  text   NOT NULL,
    n      bigint NOT NULL,
    PRIMARY KEY (tenant, queue)
);

CREATE TABLE {schema}.completed_deltas (
    tenant text   NOT NULL,
    queue  text   NOT NULL,
    n      bigint NOT NULL
);

INSERT INTO {schema}.completed_counts (tenant, queue, n)
SELECT tenant, queue, count(*) FROM {schema}.jobs WHERE state = 4 GROUP BY tenant, queue;

DROP INDEX {schema}.jobs_tenant_state;
CREATE INDEX jobs_tenant_state ON {schema}.jobs (tenant, state, id DESC) INCLUDE (queue) WHERE state IN (0, 3, 5, 6);
