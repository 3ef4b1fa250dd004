//! `/maintenance.ics` and the maintenance mails' `maintenance.ics`, read back by a real
//! iCalendar library (Python's `icalendar`, Debian's python3-icalendar): the events a calendar
//! app would show, in UTC, with a UID that survives a reschedule while SEQUENCE rises, and a
//! cancelled maintenance kept as cancelled while it leaves every public list.

use crate::admin_people::add_subscriber;
use crate::helpers::{Backend, SmtpSink, TestApp, TestDatabase, eventually, skip};
use crate::on_both_backends;
use jiff::{SignedDuration, Timestamp};
use monostat::domain::{Incident, IncidentStatus, Severity};
use monostat::jobs::WorkerSettings;
use monostat::service::incidents::Actor;
use monostat::storage::incidents::NewIncident;
use serde_json::Value;
use std::time::Duration;

const SITE: &str = "https://status.example.com/";
const HOST: &str = "status.example.com";

/// Debian's Python with `python3-icalendar`, which `.ci/run` installs; without it these tests
/// pass without running, except in CI.
fn icalendar() -> Option<&'static str> {
    let python = "/usr/bin/python3";
    let available = std::process::Command::new(python)
        .args(["-c", "import icalendar"])
        .output()
        .is_ok_and(|o| o.status.success());
    if available {
        return Some(python);
    }
    skip(
        "/usr/bin/python3 cannot import icalendar (apt-get install python3-icalendar)",
        "the iCalendar tests would be skipped",
    );
    None
}

/// What `icalendar` reads in `ics`: the calendar's properties and each event's, times as Unix
/// seconds with whether they are UTC, and every error the parser noted.
fn parse(python: &str, ics: &str) -> Value {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("maintenance.ics");
    std::fs::write(&file, ics).expect("write calendar");
    let output = std::process::Command::new(python)
        .arg("-c")
        .arg(
            r#"
import datetime, icalendar, json, sys
cal = icalendar.Calendar.from_ical(open(sys.argv[1], "rb").read())
def text(component, name):
    value = component.get(name)
    return None if value is None else value.to_ical().decode()
def when(component, name):
    if component.get(name) is None:
        return None
    dt = component.decoded(name)
    return {"unix": int(dt.timestamp()), "utc": dt.utcoffset() == datetime.timedelta(0)}
errors = list(getattr(cal, "errors", []))
events = []
for ev in cal.walk("VEVENT"):
    errors += list(getattr(ev, "errors", []))
    events.append({
        "uid": str(ev.get("uid")), "sequence": int(ev.get("sequence")),
        "status": str(ev.get("status")), "url": str(ev.get("url")),
        "summary": str(ev.get("summary")), "description": str(ev.get("description")),
        "transp": str(ev.get("transp")),
        "start": when(ev, "dtstart"), "end": when(ev, "dtend"), "stamp": when(ev, "dtstamp"),
        "created": when(ev, "created"), "modified": when(ev, "last-modified"),
    })
print(json.dumps({
    "version": text(cal, "version"), "method": text(cal, "method"),
    "name": text(cal, "x-wr-calname"), "refresh": text(cal, "refresh-interval"),
    "ttl": text(cal, "x-published-ttl"), "events": events, "errors": [str(e) for e in errors],
}))
"#,
        )
        .arg(&file)
        .output()
        .expect("python runs");
    assert!(
        output.status.success(),
        "icalendar refused the calendar: {}\n{ics}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("json")
}

fn admin() -> Actor {
    Actor {
        via: "admin",
        name: "alice".into(),
    }
}

/// `hours` from now in the admin form's `datetime-local` format (the site's zone is UTC).
fn form_time(hours: i64) -> String {
    (Timestamp::now() + SignedDuration::from_hours(hours))
        .strftime("%Y-%m-%dT%H:%M")
        .to_string()
}

fn edit_path(location: Option<String>) -> (String, i64) {
    let location = location.expect("a redirect");
    let path = location.split('?').next().expect("a path").to_owned();
    let id = path
        .trim_start_matches("/admin/incidents/")
        .trim_end_matches('/')
        .parse()
        .expect("incident id");
    (path, id)
}

async fn insert(app: &TestApp, new: NewIncident) -> Incident {
    let mut conn = app.handle.db.acquire().await.expect("conn");
    monostat::storage::incidents::insert(&mut conn, &new, Timestamp::now())
        .await
        .expect("inserted")
}

fn maintenance(
    status: IncidentStatus,
    title: &str,
    start: Timestamp,
    end: Timestamp,
) -> NewIncident {
    NewIncident {
        status,
        severity: Severity::Maintenance,
        start,
        end: Some(end),
        title: title.into(),
        summary: None,
        silent: true,
    }
}

fn days(n: i64) -> SignedDuration {
    SignedDuration::from_hours(24 * n)
}

async fn text(app: &TestApp, path: &str) -> (u16, String) {
    let response = app.get(path).await;
    let status = response.status().as_u16();
    (status, response.text().await.expect("body"))
}

/// The calendar once `check` holds: it is rendered a moment after each change.
async fn calendar_with(app: &TestApp, python: &str, check: impl Fn(&Value) -> bool) -> Value {
    eventually(Duration::from_secs(10), || async {
        let (status, ics) = text(app, "/maintenance.ics").await;
        assert_eq!(status, 200);
        let parsed = parse(python, &ics);
        check(&parsed).then_some(parsed)
    })
    .await
}

fn event(calendar: &Value, id: i64) -> &Value {
    calendar["events"]
        .as_array()
        .expect("events")
        .iter()
        .find(|e| e["uid"] == format!("incident-{id}@{HOST}"))
        .unwrap_or_else(|| panic!("incident {id} is in the calendar: {calendar:#}"))
}

fn public_url(incident: &Incident) -> String {
    let day = incident.start.to_zoned(jiff::tz::TimeZone::UTC).date();
    format!("{SITE}{day}/{}", incident.id)
}

async fn the_calendar_feed_carries_maintenance_as_calendars_expect(backend: Backend) {
    let Some(python) = icalendar() else {
        return;
    };
    let db = TestDatabase::new(backend).await;
    let mirror_parent = tempfile::tempdir().expect("tempdir");
    let mirror = mirror_parent.path().join("mirror");
    let mirror_dir = mirror.clone();
    let app = TestApp::spawn_configured(
        &db,
        |config| {
            config.site_url = url::Url::parse(SITE).expect("url");
            config.static_mirror_dir = Some(mirror_dir);
        },
        WorkerSettings::default(),
        |_| {},
    )
    .await;
    let now = Timestamp::now();

    // Announced on the admin page, with text that would break a careless writer.
    let summary = "Checkout is read-only; tickets, as always, stay valid.\nEND:VEVENT\n\\o/ ✓";
    let page = app
        .admin_post(
            "/admin/incidents/new",
            "/admin/incidents/new",
            &[
                ("title", "Database upgrade, phase 1"),
                ("status", "planned"),
                ("severity", "maintenance"),
                ("start", &form_time(24)),
                ("end", &form_time(26)),
                ("summary", summary),
            ],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    let (edit, planned_id) = edit_path(page.location);
    let planned = app.incident(planned_id).await;

    // Done ten days ago: kept. Done forty days ago: gone. Not maintenance, a false alarm, a
    // suspicion: never there.
    let recent = insert(
        &app,
        maintenance(
            IncidentStatus::Resolved,
            "Network switch swap",
            now - days(10) - SignedDuration::from_hours(1),
            now - days(10),
        ),
    )
    .await;
    let old = insert(
        &app,
        maintenance(
            IncidentStatus::Resolved,
            "Ancient maintenance",
            now - days(41),
            now - days(40),
        ),
    )
    .await;
    let mut outage = maintenance(
        IncidentStatus::Confirmed,
        "Checkout is failing",
        now - days(1),
        now,
    );
    outage.severity = Severity::Outage;
    insert(&app, outage).await;
    insert(
        &app,
        maintenance(
            IncidentStatus::Dismissed,
            "Dismissed maintenance",
            now + days(1),
            now + days(2),
        ),
    )
    .await;
    let mut suspected = maintenance(
        IncidentStatus::Suspected,
        "Suspected maintenance",
        now,
        now + days(1),
    );
    suspected.end = None;
    insert(&app, suspected).await;

    // Planned, then cancelled: kept, as cancelled, with a higher SEQUENCE.
    let to_cancel = insert(
        &app,
        maintenance(
            IncidentStatus::Planned,
            "Storage migration",
            now + days(3),
            now + days(3) + SignedDuration::from_hours(4),
        ),
    )
    .await;
    monostat::service::maintenance::act(
        &app.services(),
        &admin(),
        to_cancel.id,
        monostat::domain::maintenance::Action::Cancel,
        None,
    )
    .await
    .expect("cancelled");
    let cancelled = app.incident(to_cancel.id).await;
    assert!(cancelled.cancelled.is_some(), "{cancelled:?}");

    let response = app.get("/maintenance.ics").await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "text/calendar; charset=utf-8"
    );
    assert!(response.headers().contains_key("etag"));
    assert_eq!(response.headers()["cache-control"], "public, no-cache");

    let calendar = calendar_with(&app, python, |c| {
        c["events"].as_array().is_some_and(|e| e.len() == 3)
            && c["events"]
                .as_array()
                .is_some_and(|e| e.iter().any(|e| e["status"] == "CANCELLED"))
    })
    .await;
    assert_eq!(calendar["errors"], serde_json::json!([]), "{calendar:#}");
    assert_eq!(calendar["version"], "2.0");
    assert_eq!(calendar["method"], "PUBLISH");
    assert_eq!(calendar["name"], "Our service maintenance");
    assert_eq!(calendar["refresh"], "PT1H");
    assert_eq!(calendar["ttl"], "PT1H");
    let uids: Vec<&str> = calendar["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter_map(|e| e["uid"].as_str())
        .collect();
    // Earliest first.
    assert_eq!(
        uids,
        [recent.id, planned.id, cancelled.id]
            .map(|id| format!("incident-{id}@{HOST}"))
            .as_slice()
    );
    assert!(!uids.contains(&format!("incident-{}@{HOST}", old.id).as_str()));

    let e = event(&calendar, planned.id);
    assert_eq!(e["summary"], "Our service: Database upgrade, phase 1");
    assert_eq!(e["status"], "CONFIRMED");
    assert_eq!(e["transp"], "TRANSPARENT");
    assert_eq!(e["url"], public_url(&planned));
    assert_eq!(
        e["description"],
        format!("{summary}\n\n{}", public_url(&planned)),
        "escaped, folded and read back whole"
    );
    let unix = |t: Timestamp| serde_json::json!({"unix": t.as_second(), "utc": true});
    assert_eq!(e["start"], unix(planned.start));
    assert_eq!(e["end"], unix(planned.end.expect("an end")));
    assert_eq!(e["created"], unix(planned.created));
    assert_eq!(e["modified"], unix(planned.updated));
    assert_eq!(e["stamp"], unix(planned.updated));
    let first_sequence = e["sequence"].as_i64().expect("sequence");

    let e = event(&calendar, recent.id);
    assert_eq!(e["status"], "CONFIRMED");
    assert_eq!(e["end"], unix(recent.end.expect("an end")));

    let e = event(&calendar, cancelled.id);
    assert_eq!(e["status"], "CANCELLED");
    assert_eq!(e["url"], public_url(&cancelled));
    assert!(e["sequence"].as_i64().expect("sequence") > 0, "{e}");

    // The page and every page's head link the calendar.
    let (_, home) = text(&app, "/").await;
    assert!(
        home.contains(r#"<link rel="alternate" type="text/calendar""#)
            && home.contains(r#"href="/maintenance.ics""#),
        "{home}"
    );
    assert!(home.contains("Add planned maintenance to your calendar"));

    // The cancelled maintenance has its page, which says so and asks not to be indexed; no
    // list, feed or API names it.
    let (status, page) = text(&app, &monostat::links::incident_path(&cancelled)).await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("This maintenance was cancelled."), "{page}");
    assert!(page.contains(r#"<meta name="robots" content="noindex">"#));
    let (_, planned_page) = text(&app, &monostat::links::incident_path(&planned)).await;
    assert!(!planned_page.contains("noindex"));
    let day = format!(
        "/{}",
        cancelled.start.to_zoned(jiff::tz::TimeZone::UTC).date()
    );
    for path in [
        "/",
        "/history",
        day.as_str(),
        "/feed/rss",
        "/feed/atom",
        "/feed/json",
        "/api/v2/summary.json",
        "/api/v2/incidents.json",
        "/api/v2/scheduled-maintenances.json",
    ] {
        let (_, body) = text(&app, path).await;
        assert!(
            !body.contains("Storage migration"),
            "{path} lists it: {body}"
        );
    }

    // Rescheduled on the admin page: the same event, moved, with a higher SEQUENCE.
    let page = app
        .admin_post(
            &edit,
            &edit,
            &[
                ("title", "Database upgrade, phase 1"),
                ("status", "planned"),
                ("severity", "maintenance"),
                ("start", &form_time(48)),
                ("end", &form_time(51)),
                ("summary", summary),
            ],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    let moved = app.incident(planned.id).await;
    assert_ne!(moved.start, planned.start);
    let calendar = calendar_with(&app, python, |c| {
        event(c, planned.id)["start"]["unix"] == moved.start.as_second()
    })
    .await;
    let e = event(&calendar, planned.id);
    assert!(
        e["sequence"].as_i64().expect("sequence") > first_sequence,
        "rescheduling raises SEQUENCE: {e}"
    );
    assert_eq!(e["end"], unix(moved.end.expect("an end")));
    assert_eq!(e["modified"], unix(moved.updated));

    // The static mirror holds the calendar, and the cancelled maintenance's page it links.
    let written = eventually(Duration::from_secs(20), || async {
        let ics = std::fs::read_to_string(mirror.join("maintenance.ics")).ok()?;
        ics.contains(&moved.start.strftime("DTSTART:%Y%m%dT%H%M%SZ").to_string())
            .then_some(ics)
    })
    .await;
    assert_eq!(
        parse(python, &written)["events"].as_array().map(Vec::len),
        Some(3)
    );
    let cancelled_file = mirror
        .join(monostat::links::incident_path(&cancelled).trim_start_matches('/'))
        .join("index.html");
    let html = std::fs::read_to_string(&cancelled_file).expect("the cancelled page is mirrored");
    assert!(html.contains("This maintenance was cancelled."));
    app.stop().await;
}

async fn maintenance_mails_carry_the_event(backend: Backend) {
    let Some(python) = icalendar() else {
        return;
    };
    let Some(sink) = SmtpSink::start() else {
        return;
    };
    let db = TestDatabase::new(backend).await;
    let app = TestApp::spawn_configured(
        &db,
        |config| {
            sink.configure(config);
            config.site_url = url::Url::parse(SITE).expect("url");
        },
        WorkerSettings::default(),
        |_| {},
    )
    .await;
    add_subscriber(&app, "jane@example.com", true).await;
    let page = app
        .admin_post(
            "/admin/incidents/new",
            "/admin/incidents/new",
            &[
                ("title", "Database upgrade"),
                ("status", "planned"),
                ("severity", "maintenance"),
                ("start", &form_time(24)),
                ("end", &form_time(26)),
            ],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    let (_, id) = edit_path(page.location);
    let incident = app.incident(id).await;
    // Not `settle()`: the maintenance's clock jobs wait, pending, for its start.
    let mails = eventually(Duration::from_secs(10), || async {
        Some(sink.mails_to("jane@example.com")).filter(|m| !m.is_empty())
    })
    .await;
    assert_eq!(mails.len(), 1, "{mails:?}");
    let mail = &mails[0];
    assert!(
        mail["headers"]["Content-Type"]
            .as_str()
            .is_some_and(|t| t.starts_with("multipart/mixed")),
        "{mail:#}"
    );
    assert!(
        mail["text"]
            .as_str()
            .is_some_and(|t| t.contains(&format!("{SITE}maintenance.ics"))),
        "the mail links the feed: {mail:#}"
    );
    let attachments = mail["attachments"].as_array().expect("attachments");
    assert_eq!(attachments.len(), 1, "{mail:#}");
    let attachment = &attachments[0];
    assert_eq!(attachment["content_type"], "text/calendar");
    assert_eq!(attachment["method"], "PUBLISH");
    assert_eq!(attachment["filename"], "maintenance.ics");
    let calendar = parse(python, attachment["content"].as_str().expect("content"));
    assert_eq!(calendar["errors"], serde_json::json!([]), "{calendar:#}");
    assert_eq!(calendar["method"], "PUBLISH");
    let events = calendar["events"].as_array().expect("events");
    assert_eq!(events.len(), 1, "{calendar:#}");
    assert_eq!(events[0]["uid"], format!("incident-{id}@{HOST}"));
    assert_eq!(events[0]["status"], "CONFIRMED");
    assert_eq!(events[0]["url"], public_url(&incident));
    assert_eq!(
        events[0]["start"],
        serde_json::json!({"unix": incident.start.as_second(), "utc": true})
    );

    // An outage's mail has no calendar.
    let page = app
        .admin_post(
            "/admin/incidents/new",
            "/admin/incidents/new",
            &[
                ("title", "Checkout is failing"),
                ("status", "confirmed"),
                ("severity", "outage"),
                ("start", &form_time(0)),
            ],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    app.handle.jobs.wake();
    let mails = eventually(Duration::from_secs(10), || async {
        Some(sink.mails_to("jane@example.com")).filter(|m| m.len() == 2)
    })
    .await;
    assert_eq!(
        mails[1]["attachments"],
        serde_json::json!([]),
        "{:#}",
        mails[1]
    );
    assert!(
        mails[1]["headers"]["Content-Type"]
            .as_str()
            .is_some_and(|t| t.starts_with("multipart/alternative"))
    );
    app.stop().await;
}

on_both_backends!(
    the_calendar_feed_carries_maintenance_as_calendars_expect,
    maintenance_mails_carry_the_event,
);
