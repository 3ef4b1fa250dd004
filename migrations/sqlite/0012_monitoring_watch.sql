-- Every alert source, and a watch on the watcher (issue 18).

-- Settings of the alert sources and of the watch. Secrets are empty when not set.
CREATE TABLE integration_settings (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    -- PagerDuty v3 webhook subscription's signing secret: deliveries must carry its signature.
    pagerduty_signing_secret TEXT NOT NULL DEFAULT '',
    -- Grafana contact point's HMAC secret: Alertmanager-shaped deliveries must carry its signature.
    grafana_secret TEXT NOT NULL DEFAULT '',
    -- The header Grafana puts its timestamp in, when one is configured there; then the signature
    -- covers `timestamp:body`.
    grafana_timestamp_header TEXT NOT NULL DEFAULT '',
    -- Heartbeats (and Alertmanager's Watchdog) are expected this often; silence longer than
    -- interval + grace is reported in Slack.
    heartbeat_interval_seconds INTEGER NOT NULL DEFAULT 300 CHECK (heartbeat_interval_seconds BETWEEN 1 AND 86400),
    heartbeat_grace_seconds INTEGER NOT NULL DEFAULT 300 CHECK (heartbeat_grace_seconds BETWEEN 0 AND 86400),
    -- A suspected incident unconfirmed this long gets one nudge in its thread (0: never).
    nudge_minutes INTEGER NOT NULL DEFAULT 10 CHECK (nudge_minutes BETWEEN 0 AND 1440)
);
INSERT INTO integration_settings (id) VALUES (1);

-- When each alert source last delivered something we accepted (the admin's hook page).
CREATE TABLE hook_deliveries (
    source TEXT PRIMARY KEY,
    last_at BIGINT NOT NULL
);

-- PagerDuty's X-Webhook-Id of deliveries already applied: a redelivery changes nothing.
-- Kept a week (PagerDuty retries for hours, not days).
CREATE TABLE pagerduty_deliveries (
    webhook_id TEXT PRIMARY KEY,
    received_at BIGINT NOT NULL
);
CREATE INDEX pagerduty_deliveries_received_at ON pagerduty_deliveries (received_at);

-- The heartbeat watch: one row. `last_ping_at` NULL means no ping ever (the watch is off).
-- `quiet_since` is set (to the last ping's time) once, by whichever instance first sees the
-- silence, and cleared by the next ping (its Slack message: `monitoring_silences`, 0014).
CREATE TABLE heartbeat (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    last_ping_at BIGINT,
    last_ping_source TEXT,
    quiet_since BIGINT
);
INSERT INTO heartbeat (id) VALUES (1);

-- When a suspected incident's thread was asked to confirm or dismiss it (once per incident).
ALTER TABLE incidents ADD COLUMN nudged_at BIGINT;
-- Suspicions from before this version count as nudged (when they were last changed): the
-- first look after an upgrade would otherwise nudge every old one in the channel at once.
UPDATE incidents SET nudged_at = updated_at WHERE status = 'suspected';
