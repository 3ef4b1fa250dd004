-- Admin sessions, kept on the server so that logging out, deactivating a user or resetting a
-- second factor ends them at once. The cookie carries a random 256-bit id; only its SHA-256 is
-- stored, so a copy of the database cannot be turned into a logged-in browser.
CREATE TABLE admin_sessions (
    id_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- 0 while the password was right but the second factor is still to come.
    verified INTEGER NOT NULL DEFAULT 0 CHECK (verified IN (0, 1)),
    -- The token every form of this session carries (CSRF).
    csrf_token TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL
);
CREATE INDEX admin_sessions_by_user ON admin_sessions (user_id);

-- TOTP (RFC 6238): the shared secret in base32, and the last time step used, so that a code
-- seen over someone's shoulder cannot be used a second time. NULL secret: not enrolled.
ALTER TABLE users ADD COLUMN totp_secret TEXT;
ALTER TABLE users ADD COLUMN totp_last_step BIGINT;

-- One-time recovery codes, stored as SHA-256 of the normalised code; a used code is deleted.
CREATE TABLE recovery_codes (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    PRIMARY KEY (user_id, code_hash)
);
