//! Paths of the public page, above all its day and incident URLs (`/2026-11-24`,
//! `/2026-11-24/1`), asked of real servers in time zones from UTC-12 to UTC+14 that have public
//! incidents on ordinary and extreme days. The first byte picks the server (`0` to `4` in
//! [`ZONES`]' order, so seeds read `2/9999-12-31`), the rest is the path.
#![no_main]

use libfuzzer_sys::fuzz_target;
use monostat::domain::{IncidentStatus, Severity};
use monostat::service::Services;
use monostat::service::incidents::{self, Actor, Creation};
use monostat_fuzz::server::{Server, runtime};
use std::sync::LazyLock;
use tokio::runtime::Runtime;

/// UTC, a zone with summer time, the farthest east and west, and one with a 45-minute offset.
const ZONES: &[&str] = &[
    "UTC",
    "Europe/Berlin",
    "Pacific/Kiritimati",
    "Etc/GMT+12",
    "Asia/Kathmandu",
];

struct Sites {
    rt: Runtime,
    servers: Vec<Server>,
}

static SITES: LazyLock<Sites> = LazyLock::new(|| {
    let rt = runtime();
    let servers = ZONES
        .iter()
        .map(|zone| {
            let server = Server::start(&rt, &[("MONOSTAT_TIME_ZONE", zone)]);
            rt.block_on(add_incidents(&server));
            server
        })
        .collect();
    Sites { rt, servers }
});

/// Public incidents on an ordinary day, at both ends of time and one still open.
async fn add_incidents(server: &Server) {
    let services = Services {
        db: server.handle.db.clone(),
        jobs: server.handle.jobs.clone(),
        changes: server.handle.changes.clone(),
    };
    let actor = Actor {
        via: "admin",
        name: "fuzz".into(),
    };
    let at = |t: &str| t.parse::<jiff::Timestamp>().expect("a timestamp");
    let incidents = [
        (
            "2026-11-24T10:00:00Z",
            Some("2026-11-24T12:30:00Z"),
            IncidentStatus::Resolved,
            Severity::Outage,
        ),
        (
            "2026-11-24T23:30:00Z",
            None,
            IncidentStatus::Confirmed,
            Severity::Partial,
        ),
        (
            "9999-12-30T21:00:00Z",
            None,
            IncidentStatus::Planned,
            Severity::Maintenance,
        ),
        (
            "0000-01-01T00:00:00Z",
            Some("0000-01-02T00:00:00Z"),
            IncidentStatus::Resolved,
            Severity::Bug,
        ),
    ];
    for (start, end, status, severity) in incidents {
        incidents::create(
            &services,
            &actor,
            &Creation {
                title: format!("Incident of {start}"),
                status,
                severity,
                start: at(start),
                end: end.map(at),
                summary: Some(
                    "**Checkout** fails for _some_ customers; see <https://example.test>".into(),
                ),
                text: Some("We are looking into it.\nNext update in 30 minutes.".into()),
                silent: true,
                notify: false,
            },
        )
        .await
        .expect("the incident is created");
    }
}

/// `YYYY-MM-DD` with a year before 9999, which every time zone can begin and end.
fn ordinary_day(segment: &str) -> Option<jiff::civil::Date> {
    let date: jiff::civil::Date = segment.parse().ok()?;
    (segment.len() == 10 && date.year() >= 0 && date.year() < 9999).then_some(date)
}

fuzz_target!(|data: &[u8]| {
    let Some((&zone, path)) = data.split_first() else {
        return;
    };
    // What a request line can carry; anything else never reaches a route.
    let Ok(path) = std::str::from_utf8(path) else {
        return;
    };
    if path.bytes().any(|b| b <= b' ' || b >= 0x7f) {
        return;
    }
    let zone =
        usize::from(zone.checked_sub(b'0').filter(|z| *z < 10).unwrap_or(zone)) % ZONES.len();
    let sites = &*SITES;
    let server = &sites.servers[zone];
    let target = format!("/{}", path.trim_start_matches('/'));
    let response = server.send(&sites.rt, &format!("GET {target} HTTP/1.1"), b"");
    assert!(
        response.status < 500,
        "GET {target} in {}: {} {}",
        ZONES[zone],
        response.status,
        response.text()
    );
    // A day that exists has a page, incidents or not.
    if ordinary_day(&target[1..]).is_some() {
        assert_eq!(response.status, 200, "GET {target}: {}", response.text());
    }
});
