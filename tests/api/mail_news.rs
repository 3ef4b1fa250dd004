//! The news in the mail: a notification carries the update that caused it and the incident's
//! summary, from their Markdown, as sanitised HTML and as readable plain text, and a
//! maintenance's mail its window. Through the real SMTP sink, as a subscriber's inbox gets it.

use crate::admin_people::add_subscriber;
use crate::helpers::{Backend, SmtpSink, TestApp, TestDatabase};
use crate::on_both_backends;
use monostat::domain::{IncidentStatus, Severity};
use monostat::jobs::WorkerSettings;
use monostat::service::incidents::{self as incident_service, Actor, Creation, Edit};
use monostat::storage::incidents;

const READER: &str = "reader@example.com";

async fn start(db: &TestDatabase, sink: &SmtpSink) -> TestApp {
    TestApp::spawn_configured(
        db,
        |config| sink.configure(config),
        WorkerSettings::default(),
        |_| {},
    )
    .await
}

fn actor() -> Actor {
    Actor {
        via: "admin",
        name: "ops".into(),
    }
}

/// A part of `mail`, with SMTP's line ends made `\n`.
fn part(mail: &serde_json::Value, name: &str) -> String {
    mail[name]
        .as_str()
        .unwrap_or_else(|| panic!("a {name} part: {mail}"))
        .replace("\r\n", "\n")
}

/// Confirming a suspicion with an update in Markdown (a link, a list, emphasis and a script)
/// mails that update and the summary; resolving mails the resolving update, not the first.
async fn a_confirmation_mails_its_update_and_the_summary(backend: Backend) {
    let Some(sink) = SmtpSink::start() else {
        return;
    };
    let db = TestDatabase::new(backend).await;
    let app = start(&db, &sink).await;
    add_subscriber(&app, READER, true).await;
    let services = app.services();
    // A suspicion, as monitoring opens one, with the update it came with.
    let incident = {
        let mut conn = app.handle.db.acquire().await.expect("conn");
        let now = jiff::Timestamp::now();
        let incident = incidents::insert(
            &mut conn,
            &incidents::NewIncident {
                status: IncidentStatus::Suspected,
                severity: Severity::Partial,
                start: now,
                end: None,
                title: "Card payments fail".into(),
                summary: Some("Payments by **card** fail at checkout.".into()),
                silent: false,
            },
            now,
        )
        .await
        .expect("insert");
        incidents::add_update(
            &mut conn,
            incident.id,
            now,
            Some(IncidentStatus::Suspected),
            Some("Looking into reports."),
        )
        .await
        .expect("update");
        incident
    };
    app.settle().await;
    assert!(sink.mails_to(READER).is_empty(), "a suspicion mails nobody");

    let update = "We found the cause, see [the vendor status page](https://vendor.example/status).\n\
                  \n\
                  - payments by card fail\n\
                  - *PayPal* works\n\
                  \n\
                  <script>alert(\"gotcha\")</script>";
    incident_service::edit(
        &services,
        &actor(),
        incident.id,
        &Edit {
            status: Some(IncidentStatus::Confirmed),
            severity: None,
            summary: None,
            text: Some(update.into()),
        },
    )
    .await
    .expect("confirm");
    app.settle().await;
    let mails = sink.mails_to(READER);
    assert_eq!(mails.len(), 1, "{mails:?}");
    let (text, html) = (&part(&mails[0], "text"), &part(&mails[0], "html"));
    assert!(
        text.contains(
            "Update:\n\n\
             We found the cause, see the vendor status page (https://vendor.example/status).\n\
             \n\
             - payments by card fail\n\
             - PayPal works\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("Summary:\n\nPayments by card fail at checkout.\n"),
        "{text}"
    );
    assert!(
        html.contains(
            r#"<a href="https://vendor.example/status" target="_blank" rel="noopener">the vendor status page</a>"#
        ),
        "{html}"
    );
    assert!(
        html.contains("<li>payments by card fail</li>") && html.contains("<em>PayPal</em> works"),
        "{html}"
    );
    assert!(html.contains("<strong>card</strong>"), "{html}");
    for part in [text, html] {
        assert!(
            !part.contains("<script") && !part.contains("gotcha"),
            "no script, not even its words: {part}"
        );
        assert!(
            !part.contains("Looking into reports"),
            "the suspicion's update is no news"
        );
    }

    incident_service::edit(
        &services,
        &actor(),
        incident.id,
        &Edit {
            status: Some(IncidentStatus::Resolved),
            severity: None,
            summary: None,
            text: Some("Fixed: the vendor _rolled back_.".into()),
        },
    )
    .await
    .expect("resolve");
    app.settle().await;
    let mails = sink.mails_to(READER);
    assert_eq!(mails.len(), 2, "{mails:?}");
    let (text, html) = (&part(&mails[1], "text"), &part(&mails[1], "html"));
    assert!(
        text.contains("Update:\n\nFixed: the vendor rolled back.\n"),
        "{text}"
    );
    assert!(html.contains("the vendor <em>rolled back</em>."), "{html}");
    assert!(!text.contains("We found the cause"), "{text}");
    app.stop().await;
}

/// Planned maintenance is mailed with its window, start to end, in the site's time zone.
async fn a_maintenance_mail_carries_its_window(backend: Backend) {
    let Some(sink) = SmtpSink::start() else {
        return;
    };
    let db = TestDatabase::new(backend).await;
    let app = start(&db, &sink).await;
    add_subscriber(&app, READER, true).await;
    // 10:00 to 12:00 UTC (the tests' time zone), three days ahead.
    let day = jiff::Timestamp::now().as_second() / 86_400 + 3;
    let start = jiff::Timestamp::from_second(day * 86_400 + 10 * 3_600).expect("start");
    let end = start + jiff::SignedDuration::from_hours(2);
    incident_service::create(
        &app.services(),
        &actor(),
        &Creation {
            title: "Database upgrade".into(),
            status: IncidentStatus::Planned,
            severity: Severity::Maintenance,
            start,
            end: Some(end),
            summary: None,
            text: Some("Expect **two** short interruptions.".into()),
            silent: false,
            notify: true,
        },
    )
    .await
    .expect("plan");
    app.settle().await;
    let mails = sink.mails_to(READER);
    assert_eq!(mails.len(), 1, "{mails:?}");
    let (text, html) = (&part(&mails[0], "text"), &part(&mails[0], "html"));
    let window = format!(
        "{} – 12:00 UTC",
        start
            .to_zoned(jiff::tz::TimeZone::UTC)
            .strftime("%A, %-d %B %Y, 10:00")
    );
    assert!(text.contains(&format!("When: {window}\n")), "{text}");
    assert!(html.contains(&window), "{html}");
    assert!(
        text.contains("Update:\n\nExpect two short interruptions.\n"),
        "{text}"
    );
    assert!(
        html.contains("Expect <strong>two</strong> short interruptions."),
        "{html}"
    );
    app.stop().await;
}

on_both_backends!(
    a_confirmation_mails_its_update_and_the_summary,
    a_maintenance_mail_carries_its_window,
);
