-- When the latest event applied for each PagerDuty incident occurred (PagerDuty's
-- `occurred_at`), so that a late event (a `triggered` retried after the `resolved`) does not
-- undo a later one. Kept a week after the last event, as the delivery ids are.
CREATE TABLE pagerduty_incidents (
    incident_id TEXT PRIMARY KEY,
    last_event_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX pagerduty_incidents_updated_at ON pagerduty_incidents (updated_at);
