-- Every index on jobs that holds the state is rewritten on each of a job's three transitions (insert, lease,
-- completion). (queue, state) repeats the leading columns of (tenant, queue, state) from 0006: the counts read
-- that one, the counts of unfinished jobs read the partial indexes. Measured: 6 % less CPU per no-op job.
DROP INDEX IF EXISTS jobs_queue_state;
