-- The latest event applied for each PagerDuty incident: when it occurred (PagerDuty's
-- `occurred_at`, or when it arrived if that was far in the future) and whether it fired
-- ('fire') or resolved ('resolve') the alert. A late event (a `triggered` retried after the
-- `resolved`) must not undo a later one, and two events racing each other end with the later
-- one's effect: each re-reads this row after applying itself. Kept a week after the last
-- event, as the delivery ids are.
CREATE TABLE pagerduty_incidents (
    incident_id TEXT PRIMARY KEY,
    last_event_at BIGINT NOT NULL,
    last_event_kind TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX pagerduty_incidents_updated_at ON pagerduty_incidents (updated_at);
