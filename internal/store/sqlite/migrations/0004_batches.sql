-- Incident mode. A batch is one audited decision to reset many users; its
-- items are the users, and the work queue that the workers of every
-- process lease from (lease_owner, lease_until in nanoseconds). The whole
-- mfa.Batch and mfa.BatchItem are kept as JSON in data; the columns are
-- what the store selects, orders and locks by.
CREATE TABLE batches (
    id         TEXT PRIMARY KEY,
    state      TEXT NOT NULL,
    -- 1 while the batch is open (mfa.BatchState.Open), NULL once it ended.
    is_open    INTEGER CHECK (is_open = 1),
    created_at INTEGER NOT NULL,
    -- Counts the writes of the batch: a change made from an older read is refused.
    version    INTEGER NOT NULL DEFAULT 0,
    data       TEXT NOT NULL
);
CREATE INDEX batches_created ON batches (created_at);
-- One open batch at a time, tenant-wide: a second 1 is refused, and NULLs
-- (ended batches) never collide.
CREATE UNIQUE INDEX batches_one_open ON batches (is_open);

CREATE TABLE batch_items (
    batch_id    TEXT NOT NULL REFERENCES batches (id),
    seq         INTEGER NOT NULL, -- 1.., the plan's order
    user_id     TEXT NOT NULL,
    state       TEXT NOT NULL,
    lease_owner TEXT,
    lease_until INTEGER,
    data        TEXT NOT NULL,
    PRIMARY KEY (batch_id, seq)
);
-- The queue: a claim reads the pending items of a batch in seq order.
CREATE INDEX batch_items_pending ON batch_items (batch_id, seq) WHERE state = 'pending';
-- A worker's renewal and release find the items it holds.
CREATE INDEX batch_items_leased ON batch_items (batch_id, lease_owner) WHERE lease_owner IS NOT NULL;

-- One user's journal in a batch: the first write of a key is kept.
CREATE TABLE batch_steps (
    seq      INTEGER PRIMARY KEY AUTOINCREMENT, -- the order recorded
    batch_id TEXT NOT NULL REFERENCES batches (id),
    user_id  TEXT NOT NULL,
    key      TEXT NOT NULL,
    data     TEXT NOT NULL, -- the mfa.Step as JSON
    UNIQUE (batch_id, user_id, key)
);

-- The write throttle every process shares: when the next write slot of a
-- key may start (nanoseconds), the end of the last reservation or of a
-- hold, whichever is later.
CREATE TABLE throttle (
    key     TEXT PRIMARY KEY,
    next_at INTEGER NOT NULL
);
