//! Maintenance that runs itself: with windows a few seconds long, a maintenance starts and ends
//! on time by its scheduled jobs, with the page, API, badge and static mirror saying the same at
//! every step; with two instances each transition happens once; a restart in the middle of the
//! window still completes it.

use crate::fake_slack::FakeSlack;
use crate::helpers::{Backend, TestApp, TestDatabase, eventually};
use crate::on_both_backends;
use jiff::{SignedDuration, Timestamp};
use monostat::domain::maintenance::{MaintenanceSettings, Mode};
use monostat::domain::{Incident, IncidentStatus, Severity};
use monostat::jobs::WorkerSettings;
use monostat::service::incidents::{Actor, Creation};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How late the clock may act: the tolerance.
const TOLERANCE: SignedDuration = SignedDuration::from_secs(60);

pub fn admin() -> Actor {
    Actor {
        via: "admin",
        name: "alice".into(),
    }
}

async fn set_mode(app: &TestApp, settings: MaintenanceSettings) {
    let mut conn = app.handle.db.acquire().await.expect("conn");
    monostat::storage::settings::save_maintenance(&mut conn, &settings)
        .await
        .expect("settings saved");
}

/// Plans a maintenance from `start` to `end` seconds from now, as the admin form does.
async fn plan(app: &TestApp, start: i64, end: i64) -> Incident {
    plan_titled(app, "Database upgrade", start, end).await
}

/// [`plan`] with a title of its own.
pub async fn plan_titled(app: &TestApp, title: &str, start: i64, end: i64) -> Incident {
    let now = Timestamp::now();
    let planned = monostat::service::incidents::create(
        &app.services(),
        &admin(),
        &Creation {
            title: title.into(),
            status: IncidentStatus::Planned,
            severity: Severity::Maintenance,
            start: now + SignedDuration::from_secs(start),
            end: Some(now + SignedDuration::from_secs(end)),
            summary: Some("The shop is read-only meanwhile.".into()),
            text: None,
            silent: false,
            notify: true,
        },
    )
    .await
    .expect("maintenance planned");
    // As stored: the database keeps microseconds.
    app.incident(planned.id).await
}

async fn start(db: &TestDatabase, slack: &FakeSlack, mirror: Option<&Path>) -> TestApp {
    let slack = slack.clone();
    let mirror = mirror.map(Path::to_path_buf);
    TestApp::spawn_configured(
        db,
        |config| {
            slack.configure(config);
            config.static_mirror_dir = mirror;
        },
        WorkerSettings::default(),
        |_| {},
    )
    .await
}

/// What every reader-facing surface says about the system and the maintenance at one moment.
#[derive(Debug, PartialEq, Eq)]
struct Surfaces {
    headline: String,
    indicator: String,
    badge: String,
    maintenance_status: String,
    /// What the Atom feed's entry says of it ("Maintenance · In progress").
    feed: String,
    mirror_headline: Option<String>,
}

fn between<'a>(text: &'a str, from: &str, to: &str) -> Option<&'a str> {
    let start = text.find(from)? + from.len();
    let end = start + text[start..].find(to)?;
    Some(&text[start..end])
}

async fn surfaces(app: &TestApp, id: i64, mirror: Option<&Path>) -> Surfaces {
    let page = app.get("/").await.text().await.expect("page");
    let summary: serde_json::Value = app
        .get("/api/v2/summary.json")
        .await
        .json()
        .await
        .expect("summary");
    let all: serde_json::Value = app
        .get("/api/v2/scheduled-maintenances.json")
        .await
        .json()
        .await
        .expect("maintenances");
    let badge = app.get("/badge.svg").await.text().await.expect("badge");
    let atom = app.get("/feed/atom").await.text().await.expect("feed");
    // The entry's content is HTML carried as text: read it as a feed reader does.
    let atom = atom
        .replace("&#60;", "<")
        .replace("&#62;", ">")
        .replace("&lt;", "<")
        .replace("&gt;", ">");
    let feed = between(&atom, "<strong>Maintenance</strong> · ", "</p>")
        .unwrap_or("absent")
        .to_owned();
    let maintenance_status = all["scheduled_maintenances"]
        .as_array()
        .expect("list")
        .iter()
        .find(|m| m["id"].as_str().and_then(|s| s.parse().ok()) == Some(id))
        .map(|m| m["status"].as_str().unwrap_or_default().to_owned())
        .unwrap_or_else(|| "absent".into());
    let mirror_headline = mirror.map(|dir| {
        let page = std::fs::read_to_string(dir.join("index.html")).unwrap_or_default();
        between(&page, "<h1 id=\"headline\">", "</h1>")
            .unwrap_or_default()
            .to_owned()
    });
    Surfaces {
        headline: between(&page, "<h1 id=\"headline\">", "</h1>")
            .expect("headline")
            .to_owned(),
        indicator: format!(
            "{} / {}",
            summary["status"]["indicator"].as_str().unwrap_or_default(),
            summary["status"]["description"]
                .as_str()
                .unwrap_or_default()
        ),
        // The badge's last text is its message.
        badge: badge
            .rsplit("</text>")
            .nth(1)
            .and_then(|t| t.rsplit('>').next())
            .unwrap_or_default()
            .to_owned(),
        maintenance_status,
        feed,
        mirror_headline,
    }
}

fn expected(headline: &str, indicator: &str, badge: &str, status: &str, mirror: bool) -> Surfaces {
    Surfaces {
        headline: headline.into(),
        indicator: indicator.into(),
        badge: badge.into(),
        maintenance_status: status.into(),
        feed: match status {
            "scheduled" => "Planned",
            "in_progress" => "In progress",
            _ => "Completed",
        }
        .into(),
        mirror_headline: mirror.then(|| headline.to_owned()),
    }
}

const UP: (&str, &str, &str) = (
    "Our service is up and running",
    "none / All Systems Operational",
    "operational",
);
const UNDER: (&str, &str, &str) = (
    "Our service is undergoing planned maintenance",
    "maintenance / Service Under Maintenance",
    "maintenance",
);

/// Waits until every surface says `want`, and returns how long after `due` that was.
async fn all_say(
    app: &TestApp,
    id: i64,
    mirror: Option<&Path>,
    want: Surfaces,
    due: Timestamp,
) -> SignedDuration {
    let mut last = None;
    let seen = tokio::time::timeout(Duration::from_secs(90), async {
        loop {
            let now = surfaces(app, id, mirror).await;
            if now == want {
                return Timestamp::now();
            }
            last = Some(now);
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    })
    .await
    .unwrap_or_else(|_| panic!("wanted {want:?}, still {last:?}"));
    seen.duration_since(due)
}

/// The moment the audit log says `action` happened to incident `id`, once.
async fn audited_once(app: &TestApp, id: i64, action: &str) -> Timestamp {
    let entries: Vec<_> = app
        .audit_of(id)
        .await
        .into_iter()
        .filter(|e| e.action == action)
        .collect();
    assert_eq!(entries.len(), 1, "{action} audited once: {entries:?}");
    entries[0].at
}

async fn a_maintenance_starts_and_ends_by_itself(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let slack = FakeSlack::start().await;
    let out = tempfile::tempdir().expect("temporary directory");
    let mirror: PathBuf = out.path().join("mirror");
    let app = start(&db, &slack, Some(&mirror)).await;
    let m = plan(&app, 4, 12).await;
    let (start, end) = (m.start, m.end.expect("end"));

    let (h, i, b) = UP;
    all_say(
        &app,
        m.id,
        Some(&mirror),
        expected(h, i, b, "scheduled", true),
        m.created,
    )
    .await;
    let page = app.get("/").await.text().await.expect("page");
    assert!(page.contains("Database upgrade"), "listed as planned");

    let (h, i, b) = UNDER;
    let late = all_say(
        &app,
        m.id,
        Some(&mirror),
        expected(h, i, b, "in_progress", true),
        start,
    )
    .await;
    let started = audited_once(&app, m.id, "maintenance.started").await;
    assert_eq!(app.incident(m.id).await.status, IncidentStatus::Confirmed);
    let lateness = started.duration_since(start);
    assert!(
        lateness < TOLERANCE && lateness >= SignedDuration::ZERO,
        "{lateness:?}"
    );
    eprintln!("[timing] {backend:?}: started {lateness:?} after its start; every surface {late:?}");

    let (h, i, b) = UP;
    let late = all_say(
        &app,
        m.id,
        Some(&mirror),
        expected(h, i, b, "completed", true),
        end,
    )
    .await;
    let completed = audited_once(&app, m.id, "maintenance.completed").await;
    let lateness = completed.duration_since(end);
    assert!(
        lateness < TOLERANCE && lateness >= SignedDuration::ZERO,
        "{lateness:?}"
    );
    eprintln!("[timing] {backend:?}: completed {lateness:?} after its end; every surface {late:?}");
    let done = app.incident(m.id).await;
    assert_eq!(done.status, IncidentStatus::Resolved);
    // The clock kept the announced window.
    assert_eq!((done.start, done.end), (start, Some(end)));
    assert_eq!(done.schedule_sequence, 0);
    // Done: it is recent history, no longer upcoming.
    let upcoming: serde_json::Value = app
        .get("/api/v2/scheduled-maintenances/upcoming.json")
        .await
        .json()
        .await
        .expect("upcoming");
    assert_eq!(upcoming["scheduled_maintenances"], serde_json::json!([]));
}

async fn ask_mode_waits_for_somebody_at_the_start(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let slack = FakeSlack::start().await;
    let app = start(&db, &slack, None).await;
    set_mode(
        &app,
        MaintenanceSettings {
            mode: Mode::Ask,
            ..Default::default()
        },
    )
    .await;
    let m = plan(&app, 2, 30).await;
    // Past the start, nothing moved: the channel was asked instead.
    tokio::time::sleep(Duration::from_secs(4)).await;
    app.settle().await;
    let waiting = app.incident(m.id).await;
    assert_eq!(waiting.status, IncidentStatus::Planned);
    let (h, i, b) = UP;
    assert_eq!(
        surfaces(&app, m.id, None).await,
        expected(h, i, b, "scheduled", false)
    );
    assert_eq!(app.audited(m.id, "maintenance.started").await, 0);
    // Somebody answers "Start now".
    let started = monostat::service::maintenance::act(
        &app.services(),
        &admin(),
        m.id,
        monostat::domain::maintenance::Action::Start,
        Some(waiting.schedule_sequence),
    )
    .await
    .expect("started");
    assert!(matches!(
        started,
        monostat::service::incidents::Outcome::Changed(_)
    ));
    let (h, i, b) = UNDER;
    all_say(
        &app,
        m.id,
        None,
        expected(h, i, b, "in_progress", false),
        Timestamp::now(),
    )
    .await;
    // A second click on the same prompt changes nothing.
    let again = monostat::service::maintenance::act(
        &app.services(),
        &admin(),
        m.id,
        monostat::domain::maintenance::Action::Start,
        Some(waiting.schedule_sequence),
    )
    .await
    .expect("answered");
    assert!(matches!(
        again,
        monostat::service::incidents::Outcome::Unchanged(_)
    ));
    assert_eq!(app.audited(m.id, "maintenance.started").await, 1);
}

async fn two_instances_perform_each_transition_once(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let slack = FakeSlack::start().await;
    let a = start(&db, &slack, None).await;
    let b = start(&db, &slack, None).await;
    let mut planned = Vec::new();
    for n in 0..5 {
        planned.push(plan(if n % 2 == 0 { &a } else { &b }, 3 + n, 6 + n).await);
    }
    let last_end = planned.last().and_then(|m| m.end).expect("end");
    eventually(Duration::from_secs(90), || async {
        let mut done = 0;
        for m in &planned {
            if a.incident(m.id).await.status == IncidentStatus::Resolved {
                done += 1;
            }
        }
        (done == planned.len()).then_some(())
    })
    .await;
    a.settle().await;
    b.settle().await;
    for m in &planned {
        audited_once(&a, m.id, "maintenance.started").await;
        audited_once(&a, m.id, "maintenance.completed").await;
        let updates = {
            let mut conn = a.handle.db.acquire().await.expect("conn");
            monostat::storage::incidents::updates(&mut conn, m.id)
                .await
                .expect("updates")
        };
        let statuses: Vec<_> = updates.iter().filter_map(|u| u.new_status).collect();
        assert_eq!(
            statuses
                .iter()
                .filter(|s| **s == IncidentStatus::Confirmed)
                .count(),
            1,
            "one start update: {statuses:?}"
        );
        assert_eq!(
            statuses
                .iter()
                .filter(|s| **s == IncidentStatus::Resolved)
                .count(),
            1,
            "one completion update: {statuses:?}"
        );
    }
    eprintln!(
        "[timing] {backend:?}: two instances completed 5 maintenances, the last {:?} after its end",
        Timestamp::now().duration_since(last_end)
    );
}

async fn a_restart_in_the_middle_of_the_window_still_completes_it(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let slack = FakeSlack::start().await;
    let first = start(&db, &slack, None).await;
    let m = plan(&first, 2, 8).await;
    eventually(Duration::from_secs(60), || async {
        (first.incident(m.id).await.status == IncidentStatus::Confirmed).then_some(())
    })
    .await;
    first.stop().await;
    // Down past the end; the queue is in the database, not in the stopped process.
    let end = m.end.expect("end");
    while Timestamp::now() < end + SignedDuration::from_secs(1) {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let restarted_at = Timestamp::now();
    let second = start(&db, &slack, None).await;
    let (h, i, b) = UP;
    let late = all_say(
        &second,
        m.id,
        None,
        expected(h, i, b, "completed", false),
        restarted_at,
    )
    .await;
    audited_once(&second, m.id, "maintenance.started").await;
    audited_once(&second, m.id, "maintenance.completed").await;
    eprintln!(
        "[timing] {backend:?}: completed {late:?} after the restart (the end had passed while down)"
    );
}

/// A maintenance whose window ended hours before monostat started (it was down, or the
/// maintenance came from the original, where it never ended by itself) is completed on the
/// page without telling anybody late.
async fn an_old_window_is_completed_without_late_notices(backend: Backend) {
    let Some(sink) = crate::helpers::SmtpSink::start() else {
        return;
    };
    let db = TestDatabase::new(backend).await;
    let slack = FakeSlack::start().await;
    let spawn = || {
        let slack = slack.clone();
        let sink = &sink;
        TestApp::spawn_configured(
            &db,
            move |config| {
                sink.configure(config);
                slack.configure(config);
            },
            WorkerSettings::default(),
            |_| {},
        )
    };
    let app = spawn().await;
    crate::admin_people::add_subscriber(&app, "reader@example.com", true).await;
    let now = Timestamp::now();
    let old = {
        let mut conn = app.handle.db.acquire().await.expect("conn");
        let old = monostat::storage::incidents::insert(
            &mut conn,
            &monostat::storage::incidents::NewIncident {
                status: IncidentStatus::Planned,
                severity: Severity::Maintenance,
                start: now - SignedDuration::from_hours(5),
                end: Some(now - SignedDuration::from_hours(4)),
                title: "Last Friday's upgrade".into(),
                summary: None,
                silent: false,
            },
            now - SignedDuration::from_hours(48),
        )
        .await
        .expect("inserted");
        monostat::storage::incidents::save_last_notified(
            &mut conn,
            old.id,
            IncidentStatus::Planned,
        )
        .await
        .expect("told");
        old
    };
    // As after an import or a long outage: the next start schedules it.
    app.stop().await;
    let app = spawn().await;
    eventually(Duration::from_secs(30), || async {
        (app.incident(old.id).await.status == IncidentStatus::Resolved).then_some(())
    })
    .await;
    app.settle().await;
    let done = app.incident(old.id).await;
    assert_eq!(
        done.end.map(|t| t.as_microsecond()),
        old.end.map(|t| t.as_microsecond()),
        "completed at its announced end"
    );
    audited_once(&app, old.id, "maintenance.completed").await;
    assert_eq!(app.audited(old.id, "maintenance.started").await, 0);
    assert!(
        sink.mails_to("reader@example.com").is_empty(),
        "no late mail"
    );
    assert!(
        slack.calls_to("chat.postMessage").is_empty(),
        "no late message in the channel"
    );
    let (h, i, b) = UP;
    all_say(
        &app,
        old.id,
        None,
        expected(h, i, b, "completed", false),
        Timestamp::now(),
    )
    .await;
}

/// An end somebody moves into the past just now is not a late moment: the maintenance is
/// completed as on time, with its notices, not quietly as after an outage.
async fn an_end_moved_into_the_past_completes_it_with_its_notices(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let slack = FakeSlack::start().await;
    let app = start(&db, &slack, None).await;
    let now = Timestamp::now();
    let running = monostat::service::incidents::create(
        &app.services(),
        &admin(),
        &Creation {
            title: "Database upgrade".into(),
            status: IncidentStatus::Confirmed,
            severity: Severity::Maintenance,
            start: now - SignedDuration::from_hours(3),
            end: Some(now + SignedDuration::from_hours(1)),
            summary: None,
            text: None,
            silent: false,
            notify: true,
        },
    )
    .await
    .expect("maintenance in progress");
    let outcome = monostat::service::maintenance::reschedule(
        &app.services(),
        &admin(),
        running.id,
        running.start,
        now - SignedDuration::from_hours(2),
        None,
    )
    .await
    .expect("rescheduled");
    assert!(matches!(
        outcome,
        monostat::service::incidents::Outcome::Changed(_)
    ));
    eventually(Duration::from_secs(30), || async {
        (app.incident(running.id).await.status == IncidentStatus::Resolved).then_some(())
    })
    .await;
    app.settle().await;
    let entries = app.audit_of(running.id).await;
    let completed: Vec<_> = entries
        .iter()
        .filter(|e| e.action == "maintenance.completed")
        .collect();
    assert_eq!(completed.len(), 1, "{entries:?}");
    assert!(
        !completed[0].message.contains("late"),
        "{}",
        completed[0].message
    );
    assert!(
        slack
            .accepted("chat.postMessage")
            .iter()
            .any(|c| c.body["text"]
                .as_str()
                .unwrap_or_default()
                .contains("has been completed")),
        "the channel hears it"
    );
}

/// Restarted while the maintenance runs, the new process completes it at its end, on time.
async fn a_restart_during_the_window_completes_it_on_time(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let slack = FakeSlack::start().await;
    let first = start(&db, &slack, None).await;
    let m = plan(&first, 2, 9).await;
    eventually(Duration::from_secs(60), || async {
        (first.incident(m.id).await.status == IncidentStatus::Confirmed).then_some(())
    })
    .await;
    first.stop().await;
    let second = start(&db, &slack, None).await;
    let end = m.end.expect("end");
    assert!(Timestamp::now() < end, "restarted before the end");
    let (h, i, b) = UP;
    let late = all_say(
        &second,
        m.id,
        None,
        expected(h, i, b, "completed", false),
        end,
    )
    .await;
    let completed = audited_once(&second, m.id, "maintenance.completed").await;
    let lateness = completed.duration_since(end);
    assert!(
        lateness < TOLERANCE && lateness >= SignedDuration::ZERO,
        "{lateness:?}"
    );
    eprintln!(
        "[timing] {backend:?}: restarted mid-window, completed {lateness:?} after its end; every surface {late:?}"
    );
}

on_both_backends!(
    a_restart_during_the_window_completes_it_on_time,
    an_end_moved_into_the_past_completes_it_with_its_notices,
    an_old_window_is_completed_without_late_notices,
    a_maintenance_starts_and_ends_by_itself,
    ask_mode_waits_for_somebody_at_the_start,
    two_instances_perform_each_transition_once,
    a_restart_in_the_middle_of_the_window_still_completes_it,
);
