-- API keys (only the SHA-256 of each secret), the audit log of admin and key actions, and the API's
-- rate-limit windows.
CREATE TABLE api_keys (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    tenant      TEXT NOT NULL,
    scopes      TEXT NOT NULL,
    queues      TEXT,
    secret_hash BLOB NOT NULL,
    created_at  INTEGER NOT NULL,
    revoked_at  INTEGER
);
CREATE INDEX api_keys_tenant ON api_keys (tenant, created_at DESC);

CREATE TABLE audit_log (
    id     INTEGER PRIMARY KEY AUTOINCREMENT,
    at     INTEGER NOT NULL,
    actor  TEXT NOT NULL,
    tenant TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    detail TEXT
);

CREATE TABLE rate_windows (
    counter TEXT NOT NULL,
    window  INTEGER NOT NULL,
    hits    INTEGER NOT NULL,
    PRIMARY KEY (counter, window)
) WITHOUT ROWID;
