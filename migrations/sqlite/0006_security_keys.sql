-- WebAuthn security keys (FIDO2), the original monostat's second factor. The credential is
-- webauthn-rs's SecurityKey as JSON: public key, id and signature counter.
CREATE TABLE security_keys (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    credential TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_used_at BIGINT
);
CREATE INDEX security_keys_by_user ON security_keys (user_id);

-- A registration or login ceremony in progress (webauthn-rs state as JSON), kept with the
-- session on the server so that any instance can finish it and the browser cannot alter it.
ALTER TABLE admin_sessions ADD COLUMN webauthn_state TEXT;
