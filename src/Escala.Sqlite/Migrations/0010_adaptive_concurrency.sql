-- Adaptive concurrency (resources:NAME:concurrency:adaptive): the one limit the cluster shares, and when it was last cut.
ALTER TABLE resources ADD COLUMN adaptive_limit REAL;
ALTER TABLE resources ADD COLUMN adaptive_cut_at INTEGER;
