//! Recurring maintenance: a weekly series created on the admin page announces its occurrences
//! within the horizon as ordinary planned maintenance (on the admin list, the public page and
//! the Statuspage API); topping up again, or from several places at once, creates none twice;
//! an occurrence moved by hand is not made again; stopping keeps or cancels what was announced,
//! as asked. The site's time zone in tests is UTC.

use crate::admin_client::Page;
use crate::helpers::{Backend, TestApp, TestDatabase, eventually};
use crate::on_both_backends;
use jiff::civil::{Date, Weekday};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp, ToSpan};
use monostat::service::recurrence;
use monostat::storage::maintenance_series;
use serde_json::Value;
use std::time::Duration;

const PAGE: &str = "/admin/maintenance/recurring/";

fn code(day: Weekday) -> &'static str {
    match day {
        Weekday::Monday => "mo",
        Weekday::Tuesday => "tu",
        Weekday::Wednesday => "we",
        Weekday::Thursday => "th",
        Weekday::Friday => "fr",
        Weekday::Saturday => "sa",
        Weekday::Sunday => "su",
    }
}

fn today() -> Date {
    Timestamp::now().to_zoned(TimeZone::UTC).date()
}

fn at_three(date: Date) -> Timestamp {
    date.at(3, 0, 0, 0)
        .to_zoned(TimeZone::UTC)
        .expect("a time")
        .timestamp()
}

/// The series form, weekly on the weekdays of `days` from `first` at 03:00 for 60 minutes.
async fn create_weekly(app: &TestApp, title: &str, first: Date, days: &[Date]) -> Page {
    let first = format!("{first}T03:00");
    let mut fields = vec![
        ("title", title.to_owned()),
        ("summary", "Patching the database servers.".to_owned()),
        ("first", first),
        ("duration", "60".to_owned()),
        ("repeat", "weekly".to_owned()),
        ("interval", "1".to_owned()),
    ];
    for day in days {
        fields.push((
            Box::leak(format!("day_{}", code(day.weekday())).into_boxed_str()),
            "on".to_owned(),
        ));
    }
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    app.admin_post(PAGE, PAGE, &fields).await
}

/// The part of the maintenance list under one heading.
fn section<'a>(page: &'a Page, id: &str) -> &'a str {
    let marker = format!("<section id=\"{id}\">");
    let start = page.body.find(&marker).expect("the section is there");
    let rest = &page.body[start..];
    &rest[..rest.find("</section>").expect("the section ends")]
}

/// How many rows of the maintenance list's section `id` are called `title`.
async fn listed(app: &TestApp, id: &str, title: &str) -> usize {
    let page = app.admin().await.get("/admin/maintenance/").await;
    assert_eq!(page.status, 200, "{}", page.body);
    section(&page, id).matches(&format!(">{title}</a>")).count()
}

/// The starts of the maintenances called `title` in the upcoming API, once there are `n`.
async fn upcoming_starts(app: &TestApp, title: &str, n: usize) -> Vec<Timestamp> {
    eventually(Duration::from_secs(10), || async {
        let json: Value = app
            .get("/api/v2/scheduled-maintenances/upcoming.json")
            .await
            .json()
            .await
            .ok()?;
        let mut starts: Vec<Timestamp> = json["scheduled_maintenances"]
            .as_array()?
            .iter()
            .filter(|m| m["name"] == title && m["status"] == "scheduled")
            .filter_map(|m| m["scheduled_for"].as_str()?.parse().ok())
            .collect();
        starts.sort();
        (starts.len() == n).then_some(starts)
    })
    .await
}

async fn series_id(app: &TestApp, title: &str) -> i64 {
    let mut conn = app.handle.db.acquire().await.expect("conn");
    maintenance_series::list(&mut conn)
        .await
        .expect("series")
        .into_iter()
        .find(|s| s.title == title)
        .expect("the series is stored")
        .id
}

async fn a_weekly_series_announces_its_occurrences_once(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let app = TestApp::spawn(&db).await;
    let tomorrow = today() + 1.day();
    let after = tomorrow + 1.day();
    let title = "Weekly database patching";

    // Form errors first: nothing is stored, the input is kept, each error at its field.
    let page = create_weekly(&app, title, tomorrow, &[]).await;
    assert_eq!(page.status, 400, "{}", page.body);
    assert!(page.contains("Nothing was saved."), "{}", page.body);
    assert!(page.contains("Tick at least one weekday."));
    assert!(page.contains(r#"value="Weekly database patching""#), "kept");
    let page = app
        .admin_post(
            PAGE,
            PAGE,
            &[
                ("title", title),
                ("first", &format!("{tomorrow}T03:00")),
                ("duration", "60"),
                ("repeat", "rule"),
                ("rule", "FREQ=DAILY"),
            ],
        )
        .await;
    assert_eq!(page.status, 400, "{}", page.body);
    assert!(
        page.contains("maintenance repeats weekly or monthly"),
        "{}",
        page.body
    );
    let page = create_weekly(&app, "", tomorrow, &[tomorrow]).await;
    assert_eq!(page.status, 400, "{}", page.body);
    assert!(page.contains("Give the incident a title."), "{}", page.body);
    let mut conn = app.handle.db.acquire().await.expect("conn");
    assert!(
        maintenance_series::list(&mut conn)
            .await
            .expect("list")
            .is_empty()
    );
    drop(conn);

    // Weekly on tomorrow's and the next day's weekdays at 03:00: the two coming days and the
    // same two a week later are within the two weeks' horizon, the week after is not.
    let page = create_weekly(&app, title, tomorrow, &[tomorrow, after]).await;
    assert_eq!(page.status, 303, "{}", page.body);
    let page = app
        .admin()
        .await
        .get(&page.location.expect("redirect"))
        .await;
    assert!(page.contains("The series is created"), "{}", page.body);
    assert!(page.contains("4 announced so far."), "{}", page.body);
    assert!(page.contains("FREQ=WEEKLY;BYDAY="), "{}", page.body);
    let expected: Vec<Timestamp> = {
        let mut e = vec![
            at_three(tomorrow),
            at_three(after),
            at_three(tomorrow + 7.days()),
            at_three(after + 7.days()),
        ];
        e.sort();
        e
    };
    assert_eq!(upcoming_starts(&app, title, 4).await, expected);
    assert_eq!(listed(&app, "upcoming", title).await, 4);
    let public = eventually(Duration::from_secs(10), || async {
        let body = app.get("/").await.text().await.ok()?;
        body.contains(title).then_some(body)
    })
    .await;
    assert!(public.contains(title));

    // Topping up again, from four places at once, and the daily job: nothing twice.
    let id = series_id(&app, title).await;
    let services = app.services();
    let now = Timestamp::now();
    let tz = TimeZone::UTC;
    let runs =
        futures_util::future::join_all((0..4).map(|_| recurrence::top_up(&services, &tz, id, now)))
            .await;
    let created: usize = runs.into_iter().map(|r| r.expect("top-up")).sum();
    assert_eq!(created, 0);
    recurrence::schedule_all(&services).await.expect("queued");
    app.settle().await;
    assert_eq!(listed(&app, "upcoming", title).await, 4);

    // An occurrence moved by hand stays moved, and is not made again at its old time.
    let mut conn = app.handle.db.acquire().await.expect("conn");
    let occurrences = maintenance_series::occurrences(&mut conn, id)
        .await
        .expect("occurrences");
    drop(conn);
    assert_eq!(occurrences.len(), 4);
    let (_, moved) = occurrences[0];
    let new_start = expected[0] + SignedDuration::from_hours(2);
    let outcome = monostat::service::maintenance::reschedule(
        &services,
        &monostat::service::incidents::Actor {
            via: "admin",
            name: "test".into(),
        },
        moved,
        new_start,
        new_start + SignedDuration::from_hours(1),
        None,
    )
    .await
    .expect("rescheduled");
    assert!(matches!(
        outcome,
        monostat::service::incidents::Outcome::Changed(_)
    ));
    // A minute after the first occurrence: the horizon has reached the third week's first day.
    let later = expected[0] + SignedDuration::from_mins(1);
    let created = recurrence::top_up(&services, &tz, id, later)
        .await
        .expect("top-up");
    assert_eq!(created, 1, "only the next week's first day is new");
    assert_eq!(upcoming_starts(&app, title, 5).await.len(), 5);
    assert_eq!(app.incident(moved).await.start, new_start);

    // Stopping keeps what was announced and creates nothing more.
    let page = app
        .admin_post(
            PAGE,
            &format!("/admin/maintenance/recurring/{id}/stop"),
            &[],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    let page = app.admin().await.get(PAGE).await;
    assert!(page.contains("(stopped)"), "{}", page.body);
    let far = Timestamp::now() + SignedDuration::from_hours(24 * 30);
    assert_eq!(
        recurrence::top_up(&services, &tz, id, far)
            .await
            .expect("top-up"),
        0
    );
    assert_eq!(listed(&app, "upcoming", title).await, 5);

    // A second series, stopped with its announced occurrences: they are cancelled.
    let other = "Monthly switch upgrade";
    let page = app
        .admin_post(
            PAGE,
            PAGE,
            &[
                ("title", other),
                ("first", &format!("{tomorrow}T03:00")),
                ("duration", "30"),
                ("repeat", "rule"),
                ("rule", "FREQ=MONTHLY;BYMONTHDAY=-1"),
            ],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    assert!(listed(&app, "upcoming", other).await >= 1);
    let other_id = series_id(&app, other).await;
    let page = app
        .admin_post(
            PAGE,
            &format!("/admin/maintenance/recurring/{other_id}/stop"),
            &[("cancel_announced", "on")],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    assert_eq!(listed(&app, "upcoming", other).await, 0);
    assert!(listed(&app, "cancelled", other).await >= 1);
    assert_eq!(
        listed(&app, "upcoming", title).await,
        5,
        "the other series is untouched"
    );
    let mut conn = app.handle.db.acquire().await.expect("conn");
    let stopped: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'maintenance_series.stopped'",
    )
    .fetch_one(&mut *conn)
    .await
    .expect("audit");
    assert_eq!(stopped, 2);
}

on_both_backends!(a_weekly_series_announces_its_occurrences_once);

/// Two instances topping up the same series in the same instant, twice each: every occurrence
/// is created once, and the daily job is queued once for both.
async fn two_instances_create_each_occurrence_once(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let a = TestApp::spawn(&db).await;
    let b = TestApp::spawn(&db).await;
    let tomorrow = today() + 1.day();
    let title = "Nightly backup window";
    let mut conn = a.handle.db.acquire().await.expect("conn");
    let id = maintenance_series::insert(
        &mut conn,
        &maintenance_series::NewSeries {
            title: title.into(),
            summary: None,
            rule: "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA,SU".into(),
            first_start: format!("{tomorrow}T03:00:00"),
            duration_minutes: 45,
            silent: false,
            created_by: "admin:test".into(),
        },
        Timestamp::now(),
    )
    .await
    .expect("series stored");
    drop(conn);
    let now = Timestamp::now();
    let tz = TimeZone::UTC;
    let (sa, sb) = (a.services(), b.services());
    let runs = futures_util::future::join_all([
        recurrence::top_up(&sa, &tz, id, now),
        recurrence::top_up(&sb, &tz, id, now),
        recurrence::top_up(&sa, &tz, id, now),
        recurrence::top_up(&sb, &tz, id, now),
    ])
    .await;
    let created: Vec<usize> = runs.into_iter().map(|r| r.expect("top-up")).collect();
    // Every day from tomorrow 03:00 within two weeks of now: 13 or 14, by the time of day.
    let horizon = now + SignedDuration::from_hours(14 * 24);
    let owed = (0..20)
        .filter(|d| at_three(tomorrow + d.days()) <= horizon)
        .count();
    assert_eq!(created.iter().sum::<usize>(), owed, "{created:?}");
    assert_eq!(
        created.iter().filter(|n| **n > 0).count(),
        1,
        "one did it all: {created:?}"
    );
    let mut conn = a.handle.db.acquire().await.expect("conn");
    let occurrences = maintenance_series::occurrences(&mut conn, id)
        .await
        .expect("occurrences");
    assert_eq!(occurrences.len(), owed);
    drop(conn);
    assert_eq!(upcoming_starts(&b, title, owed).await.len(), owed);

    recurrence::schedule_all(&sa).await.expect("queued");
    recurrence::schedule_all(&sb).await.expect("queued");
    a.settle().await;
    b.settle().await;
    let mut conn = a.handle.db.acquire().await.expect("conn");
    let jobs: Vec<(String, String)> = sqlx::query_as(
        "SELECT state, unique_key FROM jobs WHERE kind = 'maintenance.series_top_up' ORDER BY id",
    )
    .fetch_all(&mut *conn)
    .await
    .expect("jobs");
    // Today's ran once, and queued tomorrow's.
    assert_eq!(jobs.len(), 2, "{jobs:?}");
    assert_eq!(jobs[0].0, "done", "{jobs:?}");
    assert_eq!(jobs[1].1, format!("maintenance-series:{id}:{tomorrow}"));
    assert_eq!(upcoming_starts(&a, title, owed).await.len(), owed);
}

on_both_backends!(two_instances_create_each_occurrence_once);
