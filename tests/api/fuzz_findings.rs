//! What the fuzz targets of `bench/fuzz` found, kept in `tests/fixtures/fuzz/<target>/` and
//! replayed here the way the target sends it, with the answer a reader should get.

use crate::helpers::{Backend, TestApp, TestDatabase};
use crate::on_both_backends;

/// The `public_url` target's time zones: an input's first byte (`0` to `4`) picks one, the rest
/// is the path.
const PUBLIC_URL_ZONES: &[&str] = &[
    "UTC",
    "Europe/Berlin",
    "Pacific/Kiritimati",
    "Etc/GMT+12",
    "Asia/Kathmandu",
];

fn public_url_input(name: &str) -> (&'static str, String) {
    let path = format!(
        "{}/tests/fixtures/fuzz/public_url/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let input = std::fs::read_to_string(&path).expect("the fixture");
    let (zone, rest) = input.split_at(1);
    let zone = PUBLIC_URL_ZONES[zone.parse::<usize>().expect("a zone digit")];
    (zone, format!("/{}", rest.trim_start_matches('/')))
}

async fn get_in_zone(db: &TestDatabase, zone: &'static str, path: &str) -> (u16, String) {
    let app = TestApp::spawn_configured(
        db,
        |config| {
            config.time_zone = monostat::config::TimeZoneConfig {
                name: zone.into(),
                zone: jiff::tz::TimeZone::get(zone).expect("zone"),
            }
        },
        Default::default(),
        |_| {},
    )
    .await;
    let response = app.get(path).await;
    let status = response.status().as_u16();
    let body = response.text().await.expect("body");
    app.stop().await;
    (status, body)
}

/// The last day a timestamp can begin and end depends on the site's time zone (timestamps end
/// at 9999-12-30T22:00Z). A day that cannot end there has no page: `GET /9999-12-31` east of
/// UTC+1 panicked (adding a day overflowed), and elsewhere answered 500.
async fn days_at_the_end_of_time_are_not_found(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    for finding in ["end-of-time-east", "end-of-time-utc", "last-day-west"] {
        let (zone, path) = public_url_input(finding);
        let (status, body) = get_in_zone(&db, zone, &path).await;
        assert_eq!(status, 404, "{finding}: GET {path} in {zone}: {body}");
        assert!(
            body.contains("Page not found") && body.contains("Our service status"),
            "{finding}: the site's own 404: {body}"
        );
    }
    // The days just before are ordinary pages.
    for (zone, path) in [
        ("Pacific/Kiritimati", "/9999-12-30"),
        ("UTC", "/9999-12-29"),
        ("Etc/GMT+12", "/9999-12-29"),
    ] {
        let (status, body) = get_in_zone(&db, zone, path).await;
        assert_eq!(status, 200, "GET {path} in {zone}: {body}");
        assert!(
            body.contains("Nothing to report."),
            "GET {path} in {zone}: {body}"
        );
    }
}

on_both_backends!(days_at_the_end_of_time_are_not_found);
