-- Times that are compared or sorted are bigint nanoseconds since the Unix
-- epoch (UTC): timestamptz keeps only microseconds. The audit record's time
-- is RFC 3339 text with nanoseconds, exactly as mfa.ChainHash hashes it.
-- JSON is kept as text, not jsonb: jsonb refuses the escaped NUL (\u0000)
-- that encoding/json writes for a NUL in a string. Identifiers sort
-- byte-wise (COLLATE "C"), as in the SQLite store.

CREATE TABLE requests (
    id           text COLLATE "C" PRIMARY KEY,
    state        text NOT NULL,
    target_id    text NOT NULL,
    target_upn   text NOT NULL,
    requester_id text NOT NULL,
    created_at   bigint NOT NULL,
    expires_at   bigint NOT NULL,
    updated_at   bigint NOT NULL,
    executed_at  bigint,
    data         text NOT NULL -- the whole mfa.Request as JSON
);
CREATE INDEX requests_state ON requests (state, created_at);
CREATE INDEX requests_target ON requests (target_id, created_at);
CREATE INDEX requests_requester ON requests (requester_id, created_at);
CREATE INDEX requests_created ON requests (created_at);
CREATE INDEX requests_executed ON requests (executed_at) WHERE executed_at IS NOT NULL;

CREATE TABLE steps (
    seq        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, -- the order recorded
    request_id text COLLATE "C" NOT NULL REFERENCES requests (id),
    key        text NOT NULL,
    data       text NOT NULL, -- the mfa.Step as JSON
    at         bigint NOT NULL,
    UNIQUE (request_id, key)
);

CREATE TABLE audit (
    seq        bigint PRIMARY KEY,
    time       text NOT NULL,
    type       text NOT NULL,
    request_id text NOT NULL,
    actor      text NOT NULL,
    target     text NOT NULL,
    detail     text NOT NULL, -- JSON object, or null
    prev_hash  text NOT NULL,
    hash       text NOT NULL
);
CREATE INDEX audit_request ON audit (request_id) WHERE request_id <> '';

-- audit_head is the chain's last link. Every append locks its one row
-- (SELECT ... FOR UPDATE), so appends from several replicas queue and form
-- one chain.
CREATE TABLE audit_head (
    one  boolean PRIMARY KEY DEFAULT true CHECK (one),
    seq  bigint NOT NULL,
    hash text NOT NULL
);
INSERT INTO audit_head (seq, hash) VALUES (0, '0000000000000000000000000000000000000000000000000000000000000000');

-- The audit chain is append-only at the database level too.
CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit records are append-only: % refused', TG_OP
        USING ERRCODE = 'restrict_violation';
END;
$$;
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
    FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
    FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit
    FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_head_no_delete BEFORE DELETE OR TRUNCATE ON audit_head
    FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();

CREATE TABLE kv (
    ns         text NOT NULL,
    key        text NOT NULL,
    value      bytea NOT NULL,
    updated_at bigint NOT NULL,
    PRIMARY KEY (ns, key)
);

CREATE TABLE once (
    key        text PRIMARY KEY,
    expires_at bigint NOT NULL
);
CREATE INDEX once_expires ON once (expires_at);
