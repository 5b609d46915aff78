-- Incident mode. A batch is one audited decision to reset many users; its
-- items are the users, and the work queue that the workers of every
-- replica lease from (lease_owner, lease_until in nanoseconds) with SELECT
-- ... FOR UPDATE SKIP LOCKED. The whole mfa.Batch and mfa.BatchItem are
-- kept as JSON text in data; the columns are what the store selects,
-- orders and locks by.
CREATE TABLE batches (
    id         text COLLATE "C" PRIMARY KEY,
    state      text NOT NULL,
    -- 1 while the batch is open (mfa.BatchState.Open), NULL once it ended.
    is_open    smallint CHECK (is_open = 1),
    created_at bigint NOT NULL,
    -- Counts the writes of the batch: a change made from an older read is refused.
    version    bigint NOT NULL DEFAULT 0,
    data       text NOT NULL
);
CREATE INDEX batches_created ON batches (created_at);
-- One open batch at a time, tenant-wide: a second 1 is refused, and NULLs
-- (ended batches) never collide.
CREATE UNIQUE INDEX batches_one_open ON batches (is_open);

CREATE TABLE batch_items (
    batch_id    text COLLATE "C" NOT NULL REFERENCES batches (id),
    seq         bigint NOT NULL, -- 1.., the plan's order
    user_id     text NOT NULL,
    state       text NOT NULL,
    lease_owner text,
    lease_until bigint,
    data        text NOT NULL,
    PRIMARY KEY (batch_id, seq)
);
-- The queue: a claim reads the pending items of a batch in seq order.
CREATE INDEX batch_items_pending ON batch_items (batch_id, seq) WHERE state = 'pending';
-- A worker's renewal and release find the items it holds.
CREATE INDEX batch_items_leased ON batch_items (batch_id, lease_owner) WHERE lease_owner IS NOT NULL;

-- One user's journal in a batch: the first write of a key is kept.
CREATE TABLE batch_steps (
    seq      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, -- the order recorded
    batch_id text COLLATE "C" NOT NULL REFERENCES batches (id),
    user_id  text NOT NULL,
    key      text NOT NULL,
    data     text NOT NULL, -- the mfa.Step as JSON
    UNIQUE (batch_id, user_id, key)
);

-- The write throttle every replica shares: when the next write slot of a
-- key may start (nanoseconds), the end of the last reservation or of a
-- hold, whichever is later.
CREATE TABLE throttle (
    key     text PRIMARY KEY,
    next_at bigint NOT NULL
);
