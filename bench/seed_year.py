#!/usr/bin/env python3
"""Fills a migrated monostat SQLite database with a realistic year, as bench/public-page needs:
one ongoing incident with three updates, two resolved today, one planned maintenance, and 200
resolved incidents spread over the past year, each with two updates."""

import random
import sqlite3
import sys
import time

HOUR = 3600 * 1_000_000
DAY = 24 * HOUR
SUMMARY = (
    "Some customers could not **complete payments** with credit cards.\n"
    "PayPal and invoices were not affected. Details: https://example.com/postmortem\n\n"
    "- Cause: an expired certificate at our payment provider\n- Fix: renewed and monitored"
)


def main(path: str) -> None:
    random.seed(42)
    now = int(time.time() * 1_000_000)
    db = sqlite3.connect(path)
    db.execute("DELETE FROM incident_updates")
    db.execute("DELETE FROM incidents")
    db.execute("UPDATE site_settings SET system_name = 'Ticket shop', support_email = 'help@example.com'")

    def incident(status, severity, start, end, title, summary, updates):
        cur = db.execute(
            "INSERT INTO incidents (status, severity, start_at, end_at, title, summary, silent,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?)",
            (status, severity, start, end, title, summary, start, end or start),
        )
        for at, new_status, message in updates:
            db.execute(
                "INSERT INTO incident_updates (incident_id, created_at, new_status, message)"
                " VALUES (?, ?, ?, ?)",
                (cur.lastrowid, at, new_status, message),
            )

    severities = ["outage", "partial", "partial", "bug", "notice", "maintenance"]
    for n in range(200):
        start = now - random.randint(2 * DAY, 365 * DAY)
        end = start + random.randint(HOUR // 6, 6 * HOUR)
        incident("resolved", random.choice(severities), start, end, f"Past incident {n + 1}", SUMMARY,
                 [(start, "confirmed", "We are investigating."), (end, "resolved", "Resolved.")])
    for n, hours in enumerate([9, 5]):
        start = now - hours * HOUR
        incident("resolved", "partial", start, start + HOUR, f"Slow ticket downloads {n + 1}", SUMMARY,
                 [(start, "confirmed", "Looking into it."), (start + HOUR, "resolved", "Fast again.")])
    incident("planned", "maintenance", now + 2 * DAY, now + 2 * DAY + HOUR, "Database upgrade",
             "The shop is read-only for up to an hour.", [])
    start = now - 2 * HOUR
    incident("confirmed", "outage", start, None, "Checkout is failing", SUMMARY,
             [(start, "confirmed", "We are looking into it."),
              (start + HOUR // 2, None, "The cause is known; a fix is being deployed."),
              (start + HOUR, None, "The fix is rolling out to all servers.")])
    db.commit()


if __name__ == "__main__":
    main(sys.argv[1])
