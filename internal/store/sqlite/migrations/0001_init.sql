-- Times are integer nanoseconds since the Unix epoch (UTC) where they are
-- compared or sorted; the audit record's time is RFC 3339 text with
-- nanoseconds, exactly as mfa.ChainHash hashes it.

CREATE TABLE requests (
    id           TEXT PRIMARY KEY,
    state        TEXT NOT NULL,
    target_id    TEXT NOT NULL,
    target_upn   TEXT NOT NULL,
    requester_id TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    executed_at  INTEGER,
    data         TEXT NOT NULL -- the whole mfa.Request as JSON
);
CREATE INDEX requests_state ON requests (state, created_at);
CREATE INDEX requests_target ON requests (target_id, created_at);
CREATE INDEX requests_requester ON requests (requester_id, created_at);
CREATE INDEX requests_created ON requests (created_at);
CREATE INDEX requests_executed ON requests (executed_at) WHERE executed_at IS NOT NULL;

CREATE TABLE steps (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT, -- the order recorded
    request_id TEXT NOT NULL REFERENCES requests (id),
    key        TEXT NOT NULL,
    data       TEXT NOT NULL, -- the mfa.Step as JSON
    at         INTEGER NOT NULL,
    UNIQUE (request_id, key)
);

CREATE TABLE audit (
    seq        INTEGER PRIMARY KEY,
    time       TEXT NOT NULL,
    type       TEXT NOT NULL,
    request_id TEXT NOT NULL,
    actor      TEXT NOT NULL,
    target     TEXT NOT NULL,
    detail     TEXT NOT NULL, -- JSON object, or null
    prev_hash  TEXT NOT NULL,
    hash       TEXT NOT NULL
);
CREATE INDEX audit_request ON audit (request_id) WHERE request_id <> '';

-- The audit chain is append-only at the database level too.
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN
    SELECT RAISE(ABORT, 'audit records are append-only: UPDATE refused');
END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN
    SELECT RAISE(ABORT, 'audit records are append-only: DELETE refused');
END;

CREATE TABLE kv (
    ns         TEXT NOT NULL,
    key        TEXT NOT NULL,
    value      BLOB NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (ns, key)
);

CREATE TABLE once (
    key        TEXT PRIMARY KEY,
    expires_at INTEGER NOT NULL
);
CREATE INDEX once_expires ON once (expires_at);
