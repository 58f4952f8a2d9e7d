-- Which kinds some worker (a node's handlers, an external worker's lease call) asked for lately, per queue;
-- kind '*' means every kind. Jobs of a kind nobody asked for show why they wait.
CREATE TABLE worker_kinds (
    queue   TEXT    NOT NULL,
    kind    TEXT    NOT NULL,
    seen_at INTEGER NOT NULL,
    PRIMARY KEY (queue, kind)
) WITHOUT ROWID;
