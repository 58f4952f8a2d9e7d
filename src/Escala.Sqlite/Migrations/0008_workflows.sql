-- Workflows: DAGs of jobs. A waiting step (state 7) counts its unfinished parents in jobs.pending; a parent that
-- ends decrements its children's counters through workflow_edges (looked up by parent_id, the primary key's prefix).
CREATE TABLE workflows (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant           TEXT    NOT NULL,
    name             TEXT,
    on_failure       INTEGER NOT NULL,
    state            INTEGER NOT NULL,
    unfinished       INTEGER NOT NULL,
    failed           INTEGER NOT NULL DEFAULT 0,
    cancel_requested INTEGER NOT NULL DEFAULT 0,
    created_at       INTEGER NOT NULL,
    finished_at      INTEGER
);
CREATE INDEX workflows_tenant ON workflows (tenant, id);

-- child_id waits for parent_id.
CREATE TABLE workflow_edges (
    parent_id INTEGER NOT NULL,
    child_id  INTEGER NOT NULL,
    PRIMARY KEY (parent_id, child_id)
) WITHOUT ROWID;
CREATE INDEX workflow_edges_child ON workflow_edges (child_id, parent_id);

ALTER TABLE jobs ADD COLUMN workflow_id INTEGER;
ALTER TABLE jobs ADD COLUMN step TEXT;
-- pending: unfinished parents of a waiting step; spawned: children a step spawned so far; spawned_by: a child's spawner.
ALTER TABLE jobs ADD COLUMN pending INTEGER;
ALTER TABLE jobs ADD COLUMN spawned INTEGER;
ALTER TABLE jobs ADD COLUMN spawned_by INTEGER;
CREATE INDEX jobs_workflow ON jobs (workflow_id, state) WHERE workflow_id IS NOT NULL;

-- A pruned (or discarded) workflow job takes its edges along; the workflow row goes with its last job, once ended.
CREATE TRIGGER jobs_workflow_pruned AFTER DELETE ON jobs WHEN old.workflow_id IS NOT NULL
BEGIN
    DELETE FROM workflow_edges WHERE child_id = old.id;
    DELETE FROM workflows WHERE id = old.workflow_id AND state <> 0
        AND NOT EXISTS (SELECT 1 FROM jobs WHERE workflow_id = old.workflow_id);
END;
