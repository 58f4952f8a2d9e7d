-- A workflow's callback: its outcome joins the callback outbox (0007) in the very transaction that ends the workflow,
-- whichever statement ends it (the last step's completion, a failure, a cancel), so a node dying right after the
-- commit loses nothing. The payload never holds a step's arguments.
ALTER TABLE {schema}.workflows ADD COLUMN callback_url text;

CREATE FUNCTION {schema}.workflow_finished_callback() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO {schema}.callbacks (tenant, job_id, url, payload, next_attempt_at, created_at)
    VALUES (NEW.tenant, NULL, NEW.callback_url,
        json_build_object('event', 'workflow.finished', 'workflow', json_build_object(
            'id', NEW.id,
            'name', NEW.name,
            'state', CASE NEW.state WHEN 1 THEN 'completed' WHEN 2 THEN 'failed' WHEN 3 THEN 'cancelled' ELSE 'running' END,
            'createdAt', to_char(NEW.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
            'finishedAt', to_char(NEW.finished_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')))::text,
        NEW.finished_at, NEW.finished_at);
    RETURN NULL;
END
$$;

CREATE TRIGGER workflows_finished_callback AFTER UPDATE OF finished_at ON {schema}.workflows
    FOR EACH ROW WHEN (OLD.finished_at IS NULL AND NEW.finished_at IS NOT NULL AND NEW.callback_url IS NOT NULL)
    EXECUTE FUNCTION {schema}.workflow_finished_callback();
