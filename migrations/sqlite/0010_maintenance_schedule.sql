-- Maintenance that runs itself (issue 17).

-- Raised every time a maintenance's window moves or it is cancelled: the calendar's SEQUENCE,
-- and the generation of its scheduled jobs (a job of an older generation does nothing).
ALTER TABLE incidents ADD COLUMN schedule_sequence BIGINT NOT NULL DEFAULT 0;
-- When a planned maintenance was cancelled. Its status is then `dismissed`, so it leaves every
-- public list; the calendar keeps it as STATUS:CANCELLED and its page says it was cancelled.
ALTER TABLE incidents ADD COLUMN cancelled_at BIGINT;

CREATE TABLE maintenance_settings (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    -- 'automatic': starts and completes by the clock; 'ask': asks in Slack at the start.
    mode TEXT NOT NULL DEFAULT 'automatic' CHECK (mode IN ('automatic', 'ask')),
    -- The prompt in the team's channel this many minutes before the start and the end (0: none).
    prompt_minutes INTEGER NOT NULL DEFAULT 15 CHECK (prompt_minutes BETWEEN 0 AND 1440),
    -- The subscribers' reminder this many hours before the start (0: none).
    reminder_hours INTEGER NOT NULL DEFAULT 24 CHECK (reminder_hours BETWEEN 0 AND 720),
    notify_start INTEGER NOT NULL DEFAULT 1 CHECK (notify_start IN (0, 1)),
    notify_end INTEGER NOT NULL DEFAULT 1 CHECK (notify_end IN (0, 1))
);
INSERT INTO maintenance_settings (id) VALUES (1);
