-- API keys (only the SHA-256 of each secret), the audit log of admin and key actions, and the API's
-- rate-limit windows, shared by every node. {schema} is replaced by the driver.
CREATE TABLE {schema}.api_keys (
    id          text PRIMARY KEY,
    name        text        NOT NULL,
    tenant      text        NOT NULL,
    scopes      text[]      NOT NULL,
    queues      text[],
    secret_hash bytea       NOT NULL,
    created_at  timestamptz NOT NULL,
    revoked_at  timestamptz
);
CREATE INDEX api_keys_tenant ON {schema}.api_keys (tenant, created_at DESC);

CREATE TABLE {schema}.audit_log (
    id     bigserial PRIMARY KEY,
    at     timestamptz NOT NULL,
    actor  text        NOT NULL,
    tenant text        NOT NULL,
    action text        NOT NULL,
    target text        NOT NULL,
    detail text
);

CREATE UNLOGGED TABLE {schema}.rate_windows (
    counter text        NOT NULL,
    window_start timestamptz NOT NULL,
    hits    bigint      NOT NULL,
    PRIMARY KEY (counter, window_start)
);
