-- Jobs that must happen in order (the replies in one incident's Slack thread) share a
-- sequence key: a job is not claimed while an earlier job with its key is still pending,
-- whether running or waiting for a retry.
ALTER TABLE jobs ADD COLUMN sequence_key TEXT;
CREATE INDEX jobs_pending_by_sequence ON jobs (sequence_key, id) WHERE state = 'pending';
