-- A user has at most one open request (pending, approved or executing), so
-- two agents — or two replicas — asking at once cannot both start a reset.
CREATE UNIQUE INDEX requests_one_open_per_target ON requests (target_id)
    WHERE state IN ('pending', 'approved', 'executing');
