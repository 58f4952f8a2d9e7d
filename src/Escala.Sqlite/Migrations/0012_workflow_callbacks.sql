-- A workflow's callback: its outcome joins the callback outbox (0007) in the very transaction that ends the workflow,
-- whichever statement ends it (the last step's completion, a failure, a cancel), so a node dying right after the
-- commit loses nothing. The payload never holds a step's arguments.
ALTER TABLE workflows ADD COLUMN callback_url TEXT;

CREATE TRIGGER workflows_finished_callback AFTER UPDATE OF finished_at ON workflows
    WHEN old.finished_at IS NULL AND new.finished_at IS NOT NULL AND new.callback_url IS NOT NULL BEGIN
    INSERT INTO callbacks (tenant, job_id, url, payload, next_attempt_at, created_at)
    VALUES (new.tenant, NULL, new.callback_url,
        json_object('event', 'workflow.finished', 'workflow', json_object(
            'id', new.id,
            'name', new.name,
            'state', CASE new.state WHEN 1 THEN 'completed' WHEN 2 THEN 'failed' WHEN 3 THEN 'cancelled' ELSE 'running' END,
            'createdAt', strftime('%Y-%m-%dT%H:%M:%fZ', new.created_at / 1000.0, 'unixepoch'),
            'finishedAt', strftime('%Y-%m-%dT%H:%M:%fZ', new.finished_at / 1000.0, 'unixepoch'))),
        new.finished_at, new.finished_at);
END;
