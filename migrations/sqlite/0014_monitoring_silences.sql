-- Each time monitoring went quiet (issue 18): the Slack message that said so, so that the
-- reply when pings resume lands in its thread even after the next silence began.
CREATE TABLE monitoring_silences (
    -- The last ping before the silence (`heartbeat.quiet_since` while it lasts): one row, and
    -- one message, per silence.
    quiet_since BIGINT PRIMARY KEY,
    -- When an instance noticed it.
    noticed_at BIGINT NOT NULL,
    -- The channel message, once posted.
    message_ts TEXT,
    -- The first ping after it.
    ended_at BIGINT
);
