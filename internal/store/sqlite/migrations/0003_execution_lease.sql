-- The execution lease: the process running a request holds it (owner and
-- until, nanoseconds) and renews it while it works; another process takes
-- an executing request over only once the lease has run out.
ALTER TABLE requests ADD COLUMN lease_owner TEXT;
ALTER TABLE requests ADD COLUMN lease_until INTEGER;
