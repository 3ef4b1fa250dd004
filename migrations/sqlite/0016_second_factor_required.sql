-- Whether every admin needs a second factor (an authenticator app or a security key) besides
-- the password (issue 20), as the original monostat required outside development. On for new
-- installations; an installation that already has admin users keeps working as before (off)
-- until an admin turns it on, so that an upgrade never locks anybody into an enrolment they did
-- not expect. `import-django` turns it on.
ALTER TABLE site_settings ADD COLUMN second_factor_required INTEGER NOT NULL DEFAULT 0
    CHECK (second_factor_required IN (0, 1));
UPDATE site_settings SET second_factor_required = 1 WHERE NOT EXISTS (SELECT 1 FROM users);
