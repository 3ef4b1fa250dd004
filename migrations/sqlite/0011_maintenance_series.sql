-- Recurring maintenance (issue 17): a series is a rule, and each of its occurrences is an
-- ordinary planned maintenance, created ahead of time (`service::recurrence`).

CREATE TABLE maintenance_series (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    title TEXT NOT NULL,
    summary TEXT,
    -- The rule in monostat's RRULE subset (`domain::recurrence::Rule`), canonical text.
    rule TEXT NOT NULL,
    -- The first local start in the site's time zone, 'YYYY-MM-DDTHH:MM:SS': occurrences are
    -- wall-clock times, so they stay at the same hour across daylight saving.
    first_start TEXT NOT NULL,
    duration_minutes INTEGER NOT NULL CHECK (duration_minutes BETWEEN 1 AND 10080),
    -- Its occurrences never notify subscribers (the incidents' own flag).
    silent INTEGER NOT NULL DEFAULT 0 CHECK (silent IN (0, 1)),
    -- Stopped series create no more occurrences; those created stay as they are.
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- Which incident each occurrence became. The occurrence is known by its local start as the rule
-- gives it, so an occurrence moved or cancelled by hand is never created again, and two
-- instances topping up at once create it once.
CREATE TABLE maintenance_occurrences (
    series_id BIGINT NOT NULL REFERENCES maintenance_series (id) ON DELETE CASCADE,
    local_start TEXT NOT NULL,
    incident_id BIGINT NOT NULL UNIQUE REFERENCES incidents (id) ON DELETE CASCADE,
    PRIMARY KEY (series_id, local_start)
);
