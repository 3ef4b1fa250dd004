-- monostat schema, SQLite flavour. Keep in step with ../postgres/0001_initial.sql: the queries in
-- src/storage/ are shared by both backends, so both must have the same tables, columns and types.
--
-- Conventions, chosen so that one SQL dialect serves both backends through sqlx's Any driver:
-- * times are BIGINT microseconds since the Unix epoch, UTC (Any has no date-time types);
-- * flags are INTEGER 0/1 (Any cannot decode SQLite's BOOLEAN);
-- * enumerations are TEXT with a CHECK listing the values of src/domain/incident.rs.
-- AUTOINCREMENT: incident ids appear in public URLs and must never be handed out twice.

CREATE TABLE incidents (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    status TEXT NOT NULL CHECK (status IN ('planned', 'suspected', 'dismissed', 'confirmed', 'watching', 'resolved')),
    severity TEXT NOT NULL CHECK (severity IN ('maintenance', 'notice', 'bug', 'partial', 'outage')),
    start_at BIGINT NOT NULL,
    end_at BIGINT,
    title TEXT NOT NULL,
    summary TEXT,
    slack_message_ts TEXT,
    silent INTEGER NOT NULL DEFAULT 0 CHECK (silent IN (0, 1)),
    last_notified_status TEXT CHECK (last_notified_status IN ('planned', 'suspected', 'dismissed', 'confirmed', 'watching', 'resolved')),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX incidents_by_status ON incidents (status);
CREATE INDEX incidents_by_start ON incidents (start_at);
CREATE INDEX incidents_by_end ON incidents (end_at);

CREATE TABLE incident_updates (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    incident_id BIGINT NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    new_status TEXT CHECK (new_status IN ('planned', 'suspected', 'dismissed', 'confirmed', 'watching', 'resolved')),
    message TEXT
);
CREATE INDEX incident_updates_by_incident ON incident_updates (incident_id, created_at);

CREATE TABLE incoming_alerts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    incident_id BIGINT NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    -- Which monitoring system sent it: 'opsgenie', 'alertmanager'. Ids are only unique per source.
    source TEXT NOT NULL,
    external_id TEXT NOT NULL,
    message TEXT,
    description TEXT,
    created_at BIGINT NOT NULL,
    resolved_at BIGINT,
    UNIQUE (source, external_id)
);
CREATE INDEX incoming_alerts_by_incident ON incoming_alerts (incident_id);

CREATE TABLE subscribers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    email TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 0 CHECK (active IN (0, 1)),
    -- Unguessable (at least 128 random bits); it alone authorises confirming and unsubscribing.
    token TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);
CREATE INDEX subscribers_by_email ON subscribers (email);

CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    username TEXT NOT NULL UNIQUE,
    email TEXT NOT NULL DEFAULT '',
    -- PHC string: argon2id for our own users; pbkdf2_sha256 for users imported from the original
    -- until their first login replaces it.
    password_hash TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at BIGINT NOT NULL,
    last_login_at BIGINT
);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at BIGINT NOT NULL,
    -- Who did it: 'admin:alice', 'slack:bob', 'opsgenie', 'alertmanager', 'system'.
    actor TEXT NOT NULL,
    -- History outlives the incident it speaks of.
    incident_id BIGINT REFERENCES incidents (id) ON DELETE SET NULL,
    action TEXT NOT NULL,
    message TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_by_time ON audit_log (created_at);
CREATE INDEX audit_log_by_incident ON audit_log (incident_id);

-- Settings are singletons: one row each, id 1, created here with the original's defaults.
CREATE TABLE site_settings (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    system_name TEXT NOT NULL DEFAULT 'Our service',
    support_email TEXT NOT NULL DEFAULT '',
    support_phone TEXT NOT NULL DEFAULT '',
    legal_url TEXT NOT NULL DEFAULT '',
    privacy_url TEXT NOT NULL DEFAULT '',
    primary_color TEXT NOT NULL DEFAULT '#3B1C4A',
    link_color TEXT NOT NULL DEFAULT '#7F4A91',
    success_color TEXT NOT NULL DEFAULT '#50A167',
    warning_color TEXT NOT NULL DEFAULT '#FFB419',
    danger_color TEXT NOT NULL DEFAULT '#C44F4F',
    info_color TEXT NOT NULL DEFAULT '#5F9CD4',
    primary_text_color TEXT NOT NULL DEFAULT '#333333',
    secondary_text_color TEXT NOT NULL DEFAULT '#767676',
    -- The ninth colour, new in monostat: the original hard-coded a white page.
    background_color TEXT NOT NULL DEFAULT '#FFFFFF',
    -- File name under $MONOSTAT_DATA_DIR/media.
    logo TEXT
);
INSERT INTO site_settings (id) VALUES (1);

CREATE TABLE notification_settings (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    reply_to TEXT NOT NULL DEFAULT '',
    allow_subscriptions INTEGER NOT NULL DEFAULT 1 CHECK (allow_subscriptions IN (0, 1))
);
INSERT INTO notification_settings (id) VALUES (1);

-- No default row: the secret is random, generated by the first start (src/storage/settings.rs).
CREATE TABLE alert_hook_settings (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    webhook_secret TEXT NOT NULL
);

CREATE TABLE slack_settings (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    bot_token TEXT NOT NULL DEFAULT '',
    app_token TEXT NOT NULL DEFAULT '',
    signing_secret TEXT NOT NULL DEFAULT '',
    channel_name TEXT NOT NULL DEFAULT '',
    channel_id TEXT
);
INSERT INTO slack_settings (id) VALUES (1);

-- The durable job queue: every outbound side effect (Slack call, mail) is a row here, written in
-- the same transaction as the change it follows from. See src/jobs/.
CREATE TABLE jobs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    -- Optional idempotency key: enqueueing a job whose key exists already does nothing, even
    -- after the first one ran (finished jobs keep their row), so nothing is done twice.
    unique_key TEXT UNIQUE,
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL,
    run_at BIGINT NOT NULL,
    -- A claimed job is leased until this time; a worker that died leaves it to be claimed again.
    locked_until BIGINT,
    last_error TEXT,
    created_at BIGINT NOT NULL,
    finished_at BIGINT
);
CREATE INDEX jobs_due ON jobs (state, run_at);
