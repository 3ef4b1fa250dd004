//! Uptime from incidents (docs/uptime.md): a seeded year, and the figures a reader finds on the
//! status page, in the history's day cells, on the uptime badges and in `/api/v2/uptime.json`,
//! against an expectation worked out by hand.

use crate::helpers::{Backend, TestApp, TestDatabase};
use crate::on_both_backends;
use crate::public_fixtures::{Spec, add_update, insert};
use jiff::Timestamp;
use monostat::domain::{IncidentStatus, Severity};
use serde_json::Value;

const MINUTE: i64 = 60;
const HOUR: i64 = 3_600;
const DAY: i64 = 86_400;

/// The moment the seeded year is looked at: Tuesday 30 June 2026, noon in Berlin (UTC+2).
const NOW: &str = "2026-06-30T10:00:00Z";

fn at(t: &str) -> Timestamp {
    t.parse().expect("timestamp")
}

/// The rule's percentage, written out: up share of the window, cut (not rounded) to three
/// decimals. Only the arithmetic of docs/uptime.md, so the expectations below read as sums.
fn percent(seconds: i64, down: i64, partial: i64) -> String {
    let total = 10 * seconds;
    let thousandths = (total - 10 * down - 3 * partial) * 100_000 / total;
    format!("{}.{:03} %", thousandths / 1000, thousandths % 1000)
}

async fn spawn_in_berlin(db: &TestDatabase) -> TestApp {
    TestApp::spawn_configured(
        db,
        |config| {
            config.time_zone = monostat::config::TimeZoneConfig {
                name: "Europe/Berlin".into(),
                zone: jiff::tz::TimeZone::get("Europe/Berlin").expect("zone"),
            }
        },
        Default::default(),
        |_| {},
    )
    .await
}

async fn seed_a_year(app: &TestApp) {
    let spec = |status, severity, start: &str, end: Option<&str>, title| Spec {
        status,
        severity,
        start: at(start),
        end: end.map(at),
        title,
        summary: None,
    };
    use IncidentStatus::*;
    use Severity::*;
    // Winter (UTC+1), outside both windows: two hours of outage on 15 January.
    insert(
        app,
        spec(
            Resolved,
            Outage,
            "2026-01-15T09:00:00Z",
            Some("2026-01-15T11:00:00Z"),
            "January outage",
        ),
    )
    .await;
    // In the 90 days only: a 10-hour partial outage, 02:00 to 12:00 in Berlin on 20 May.
    insert(
        app,
        spec(
            Resolved,
            Partial,
            "2026-05-20T00:00:00Z",
            Some("2026-05-20T10:00:00Z"),
            "Slow checkout",
        ),
    )
    .await;
    // Two overlapping on 5 June: an outage 12:00-13:00 and a partial outage 12:30-14:30.
    insert(
        app,
        spec(
            Resolved,
            Outage,
            "2026-06-05T10:00:00Z",
            Some("2026-06-05T11:00:00Z"),
            "Database down",
        ),
    )
    .await;
    insert(
        app,
        spec(
            Resolved,
            Partial,
            "2026-06-05T10:30:00Z",
            Some("2026-06-05T12:30:00Z"),
            "Search degraded",
        ),
    )
    .await;
    // A 90-minute confirmed outage on 10 June.
    insert(
        app,
        spec(
            Resolved,
            Outage,
            "2026-06-10T08:00:00Z",
            Some("2026-06-10T09:30:00Z"),
            "Payments down",
        ),
    )
    .await;
    // Four hours of maintenance on 15 June: never counts.
    insert(
        app,
        spec(
            Resolved,
            Maintenance,
            "2026-06-15T01:00:00Z",
            Some("2026-06-15T05:00:00Z"),
            "Database upgrade",
        ),
    )
    .await;
    // A suspicion dismissed as a false alarm on 20 June: never counts.
    insert(
        app,
        spec(
            Dismissed,
            Outage,
            "2026-06-20T12:00:00Z",
            Some("2026-06-20T12:20:00Z"),
            "Probe timeout",
        ),
    )
    .await;
    // 23:00 on 24 June to 01:00 on 25 June in Berlin, suspected for its first 10 minutes:
    // once confirmed it counts from its start.
    let midnight = insert(
        app,
        spec(
            Resolved,
            Outage,
            "2026-06-24T21:00:00Z",
            Some("2026-06-24T23:00:00Z"),
            "Night outage",
        ),
    )
    .await;
    add_update(
        app,
        &midnight,
        at("2026-06-24T21:10:00Z"),
        Some(Confirmed),
        "Confirmed.",
    )
    .await;
    add_update(
        app,
        &midnight,
        at("2026-06-24T23:00:00Z"),
        Some(Resolved),
        "Fixed.",
    )
    .await;
    // Today since 10:00 in Berlin, still being watched: a partial outage up to now.
    insert(
        app,
        spec(
            Watching,
            Partial,
            "2026-06-30T08:00:00Z",
            None,
            "Images slow",
        ),
    )
    .await;
}

async fn a_seeded_year_gives_the_same_uptime_on_page_history_badges_and_api(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let app = spawn_in_berlin(&db).await;
    seed_a_year(&app).await;

    // The last 30 days: 1 June 00:00 in Berlin to now, 29 full days and 12 hours of today.
    let thirty_days = 29 * DAY + 12 * HOUR;
    let down_30 = HOUR /* 5 June, outage */
        + 90 * MINUTE /* 10 June */
        + 2 * HOUR /* across midnight, suspected minutes included */;
    let partial_30 = 90 * MINUTE /* 5 June, after the overlapping outage ended */
        + 2 * HOUR /* today, open */;
    let expected_30 = percent(thirty_days, down_30, partial_30);
    assert_eq!(expected_30, "99.216 %", "1 - 19,980 / 2,548,800");
    // The last 90 days: from 2 April, adding 20 May's partial outage.
    let ninety_days = 89 * DAY + 12 * HOUR;
    let partial_90 = partial_30 + 10 * HOUR;
    let expected_90 = percent(ninety_days, down_30, partial_90);
    assert_eq!(expected_90, "99.601 %", "1 - 30,780 / 7,732,800");

    let snapshot = app
        .handle
        .pages
        .renderer()
        .snapshot(at(NOW))
        .await
        .expect("rendering");

    // The status page.
    let page = String::from_utf8_lossy(snapshot.languages[0].status.body()).into_owned();
    assert!(
        page.contains(&format!("Last 30 days: {expected_30}")),
        "{page}"
    );
    assert!(page.contains(&format!("Last 90 days: {expected_90}")));

    // The history: each day's tooltip and accessible label.
    let history = String::from_utf8_lossy(snapshot.languages[0].history.body()).into_owned();
    let days = [
        ("15 January 2026: Outage", percent(DAY, 2 * HOUR, 0)),
        ("20 May 2026: Partial Outage", percent(DAY, 0, 10 * HOUR)),
        ("5 June 2026: Outage", percent(DAY, HOUR, 90 * MINUTE)),
        ("10 June 2026: Outage", percent(DAY, 90 * MINUTE, 0)),
        ("15 June 2026: Maintenance", percent(DAY, 0, 0)),
        ("20 June 2026: no incidents", percent(DAY, 0, 0)),
        ("24 June 2026: Outage", percent(DAY, HOUR, 0)),
        ("25 June 2026: Outage", percent(DAY, HOUR, 0)),
        (
            "30 June 2026: Partial Outage",
            percent(12 * HOUR, 0, 2 * HOUR),
        ),
    ];
    for (day, expected) in &days {
        let label = format!("{day}, uptime {expected}");
        assert!(
            history.contains(&format!(r#"title="{label}" aria-label="{label}""#)),
            "{label} in {history}"
        );
    }
    assert_eq!(days[2].1, "93.958 %", "1 - (3,600 + 0.3 × 5,400) / 86,400");
    assert_eq!(days[8].1, "95.000 %", "1 - 0.3 × 7,200 / 43,200");

    // The badges.
    for (window, expected) in [(30, &expected_30), (90, &expected_90)] {
        let (_, badge) = snapshot
            .uptime_badges
            .iter()
            .find(|(days, _)| *days == window)
            .expect("badge");
        let svg = String::from_utf8_lossy(badge.body()).into_owned();
        assert!(svg.contains(&format!(">{expected}</text>")), "{svg}");
        assert!(
            svg.contains(&format!(">uptime {window} days</text>")),
            "{svg}"
        );
    }

    // The API.
    let api: Value =
        serde_json::from_slice(snapshot.api.get("uptime.json").expect("uptime.json").body())
            .expect("json");
    let thirty = &api["uptime"]["last_30_days"];
    assert_eq!(thirty["percent"], 99.216);
    assert_eq!(thirty["seconds"], thirty_days);
    assert_eq!(thirty["down_seconds"], down_30);
    assert_eq!(thirty["partial_seconds"], partial_30);
    assert_eq!(thirty["from"], "2026-06-01T00:00:00.000+02:00");
    let ninety = &api["uptime"]["last_90_days"];
    assert_eq!(ninety["percent"], 99.601);
    assert_eq!(ninety["from"], "2026-04-02T00:00:00.000+02:00");
    let daily = api["uptime"]["days"].as_array().expect("days");
    assert_eq!(daily.len(), 90);
    assert_eq!(daily[0]["date"], "2026-06-30");
    assert_eq!(daily[0]["percent"], 95.0);
    let june_5 = daily
        .iter()
        .find(|d| d["date"] == "2026-06-05")
        .expect("5 June");
    assert_eq!(june_5["percent"], 93.958);
    assert_eq!(
        (&june_5["down_seconds"], &june_5["partial_seconds"]),
        (&Value::from(HOUR), &Value::from(90 * MINUTE))
    );

    app.stop().await;
}

/// Over HTTP, at the real clock: the page, the history's today, the badges and the API are one
/// rendering and give one figure.
async fn the_served_figures_agree_with_each_other(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let app = spawn_in_berlin(&db).await;
    let now = Timestamp::now();
    insert(
        &app,
        Spec {
            status: IncidentStatus::Confirmed,
            severity: Severity::Outage,
            start: now - jiff::SignedDuration::from_mins(5),
            end: None,
            title: "Down right now",
            summary: None,
        },
    )
    .await;
    crate::public_fixtures::render(&app).await;

    let body = |path: &'static str| {
        let app = &app;
        async move {
            let response = app.get(path).await;
            assert_eq!(response.status(), 200, "{path}");
            let content_type = response.headers()["content-type"]
                .to_str()
                .expect("type")
                .to_owned();
            (content_type, response.text().await.expect("body"))
        }
    };
    // Renderings follow each other (every minute, and on changes): retry until the API's
    // moment is the same before and after reading the rest.
    for attempt in 0.. {
        let (_, before) = body("/api/v2/uptime.json").await;
        let (_, page) = body("/").await;
        let (badge_type, badge) = body("/badge/uptime-30.svg").await;
        let (_, badge_90) = body("/badge/uptime-90.svg").await;
        let (_, after) = body("/api/v2/uptime.json").await;
        let (before, after): (Value, Value) = (
            serde_json::from_str(&before).expect("json"),
            serde_json::from_str(&after).expect("json"),
        );
        if before["page"]["updated_at"] != after["page"]["updated_at"] && attempt < 5 {
            continue;
        }
        let text = |window: &str| {
            let value = after["uptime"][window]["percent"]
                .as_f64()
                .expect("percent");
            format!("{value:.3} %")
        };
        let (thirty, ninety) = (text("last_30_days"), text("last_90_days"));
        assert!(
            after["uptime"]["last_30_days"]["percent"].as_f64() < Some(100.0),
            "five minutes of outage show"
        );
        assert!(page.contains(&format!("Last 30 days: {thirty}")), "{page}");
        assert!(page.contains(&format!("Last 90 days: {ninety}")), "{page}");
        assert!(badge.contains(&format!(">{thirty}</text>")), "{badge}");
        assert!(
            badge_90.contains(&format!(">{ninety}</text>")),
            "{badge_90}"
        );
        assert_eq!(badge_type, "image/svg+xml");
        break;
    }
    assert_eq!(app.get("/badge/uptime-7.svg").await.status(), 404);

    app.stop().await;
}

on_both_backends!(
    a_seeded_year_gives_the_same_uptime_on_page_history_badges_and_api,
    the_served_figures_agree_with_each_other,
);
