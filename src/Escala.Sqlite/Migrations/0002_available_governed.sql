-- Available jobs that need a governed resource, per queue: when a queue has none, a lease under
-- admission control takes the fast path (resource-free jobs need no counting).
CREATE INDEX jobs_available_governed ON jobs (queue) WHERE state = 1 AND resources IS NOT NULL;
