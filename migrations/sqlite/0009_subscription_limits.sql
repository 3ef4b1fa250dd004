-- Limits on the subscribe form, which anybody can use to make us mail any address.

-- One active subscription per address (case-insensitively, as everywhere else), enforced by the
-- database rather than only by the code that confirms: two confirmations at once, or an import,
-- can no longer make somebody get every mail twice. Duplicates made before this migration (by
-- confirmations racing each other) keep the row that subscribed first; that row's mails already
-- reach the same inbox.
DELETE FROM subscribers
WHERE active = 1
  AND id NOT IN (SELECT MIN(id) FROM subscribers WHERE active = 1 GROUP BY LOWER(email));
DROP INDEX subscribers_by_email;
CREATE INDEX subscribers_by_address ON subscribers (LOWER(email));
CREATE UNIQUE INDEX subscribers_one_active_per_address ON subscribers (LOWER(email))
    WHERE active = 1;
-- Unconfirmed sign-ups expire; the sweep finds them by age.
CREATE INDEX subscribers_pending_by_age ON subscribers (created_at) WHERE active = 0;

-- Every mail the subscribe form caused (opt-in or "already subscribed"), kept for a day: the
-- per-recipient and per-hour caps count them here, so they hold across instances and restarts.
-- `recipient_key` is the address with `+tag` (and, for Gmail, dots) removed: one inbox, one key.
CREATE TABLE opt_in_mails (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    recipient_key TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX opt_in_mails_by_recipient ON opt_in_mails (recipient_key, created_at);
CREATE INDEX opt_in_mails_by_age ON opt_in_mails (created_at);

-- The tokens of sign-ups that expired unconfirmed, without their address (which is deleted), so
-- that an old confirmation link can still say that it expired rather than that it never existed.
-- Kept for 30 days.
CREATE TABLE expired_sign_ups (
    token TEXT PRIMARY KEY,
    expired_at BIGINT NOT NULL
);
CREATE INDEX expired_sign_ups_by_age ON expired_sign_ups (expired_at);

-- Sign-ups and confirmations read before they write (caps, "is this address known?").
INSERT INTO locks (name) VALUES ('subscriptions');
