-- Which kinds some worker (a node's handlers, an external worker's lease call) asked for lately, per queue;
-- kind '*' means every kind. Jobs of a kind nobody asked for show why they wait.
CREATE TABLE {schema}.worker_kinds (
    queue   text        NOT NULL,
    kind    text        NOT NULL,
    seen_at timestamptz NOT NULL,
    PRIMARY KEY (queue, kind)
);
