-- Adaptive concurrency (resources:NAME:concurrency:adaptive): the one limit the cluster shares, and when it was last cut.
ALTER TABLE {schema}.resources ADD COLUMN adaptive_limit double precision;
ALTER TABLE {schema}.resources ADD COLUMN adaptive_cut_at timestamptz;
