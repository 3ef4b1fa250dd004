-- Slack delivers again what it thinks went unanswered (HTTP retries, Socket Mode redeliveries),
-- and a captured request can be replayed within its five signed minutes. Each delivery's id is
-- remembered here for a day, so it is acted on once.
CREATE TABLE slack_deliveries (
    id TEXT PRIMARY KEY,
    received_at BIGINT NOT NULL
);
CREATE INDEX slack_deliveries_by_time ON slack_deliveries (received_at);
