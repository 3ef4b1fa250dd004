//! What subscribers hear of a maintenance: when it is posted, a reminder before it, a notice at
//! its start and at its completion, and when it is rescheduled or cancelled; each once, each
//! with the window as an iCalendar attachment their calendar understands.

use crate::admin_people::add_subscriber;
use crate::fake_slack::FakeSlack;
use crate::helpers::{Backend, SmtpSink, TestApp, TestDatabase, eventually, skip};
use crate::maintenance_clock::{admin, plan_titled};
use crate::on_both_backends;
use jiff::{SignedDuration, Timestamp};
use monostat::domain::IncidentStatus;
use monostat::domain::maintenance::MaintenanceSettings;
use monostat::jobs::WorkerSettings;
use std::time::Duration;

const READER: &str = "reader@example.com";

/// The calendar attached to `mail`, read by Python's `icalendar` (Debian's python3-icalendar):
/// the method, and per event its UID, SEQUENCE, STATUS, start and end in UTC. `None` (outside
/// CI) when the library is missing.
pub fn read_calendar(ics: &str) -> Option<serde_json::Value> {
    let script = r#"
import json, sys, icalendar
cal = icalendar.Calendar.from_ical(sys.stdin.read())
events = []
for e in cal.walk("VEVENT"):
    events.append({
        "uid": str(e["UID"]),
        "sequence": int(e.get("SEQUENCE", 0)),
        "status": str(e.get("STATUS", "")),
        "start": e.decoded("DTSTART").isoformat(),
        "end": e.decoded("DTEND").isoformat(),
        "summary": str(e.get("SUMMARY", "")),
        "url": str(e.get("URL", "")),
    })
print(json.dumps({"method": str(cal.get("METHOD", "")), "events": events}))
"#;
    let available = std::process::Command::new("/usr/bin/python3")
        .args(["-c", "import icalendar"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !available {
        skip(
            "/usr/bin/python3 cannot import icalendar (apt-get install python3-icalendar)",
            "the calendar checks would be skipped",
        );
        return None;
    }
    let mut child = std::process::Command::new("/usr/bin/python3")
        .args(["-c", script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("python runs");
    std::io::Write::write_all(&mut child.stdin.take().expect("stdin"), ics.as_bytes())
        .expect("calendar written");
    let out = child.wait_with_output().expect("python ends");
    assert!(
        out.status.success(),
        "icalendar refused the calendar: {}\n{ics}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(serde_json::from_slice(&out.stdout).expect("JSON"))
}

/// `at` as Python's `isoformat()` of a UTC datetime says it, to the second.
fn iso(at: Timestamp) -> String {
    at.strftime("%Y-%m-%dT%H:%M:%S+00:00").to_string()
}

fn subject(mail: &serde_json::Value) -> String {
    mail["headers"]["Subject"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// The one calendar attached to `mail`, as `icalendar` reads it.
fn calendar_of(mail: &serde_json::Value) -> Option<serde_json::Value> {
    let attachments = mail["attachments"].as_array().expect("attachments");
    assert_eq!(attachments.len(), 1, "one attachment: {mail}");
    let ics = &attachments[0];
    assert_eq!(ics["content_type"], "text/calendar");
    assert_eq!(ics["method"], "PUBLISH");
    assert!(
        ics["filename"]
            .as_str()
            .unwrap_or_default()
            .ends_with(".ics"),
        "{ics}"
    );
    let calendar = read_calendar(ics["content"].as_str().expect("text"))?;
    assert_eq!(calendar["method"], "PUBLISH");
    assert_eq!(calendar["events"].as_array().map(Vec::len), Some(1));
    Some(calendar["events"][0].clone())
}

async fn each_maintenance_mail_goes_out_once_with_its_calendar(backend: Backend) {
    let Some(sink) = SmtpSink::start() else {
        return;
    };
    let db = TestDatabase::new(backend).await;
    let slack = FakeSlack::start().await;
    let app = {
        let slack = slack.clone();
        let sink = &sink;
        TestApp::spawn_configured(
            &db,
            |config| {
                sink.configure(config);
                slack.configure(config);
            },
            WorkerSettings::default(),
            |_| {},
        )
        .await
    };
    add_subscriber(&app, READER, true).await;
    {
        let mut conn = app.handle.db.acquire().await.expect("conn");
        monostat::storage::settings::save_maintenance(
            &mut conn,
            &MaintenanceSettings {
                reminder_hours: 1,
                ..Default::default()
            },
        )
        .await
        .expect("settings");
    }
    // One an hour and three seconds ahead, reminded in three seconds; one that runs now.
    let ahead = plan_titled(&app, "Storage migration", 3603, 7200).await;
    let now = plan_titled(&app, "Database upgrade", 3, 6).await;
    eventually(Duration::from_secs(60), || async {
        (app.incident(now.id).await.status == IncidentStatus::Resolved).then_some(())
    })
    .await;
    eventually(Duration::from_secs(60), || async {
        sink.mails_to(READER)
            .iter()
            .any(|m| subject(m).contains("Reminder"))
            .then_some(())
    })
    .await;
    app.settle().await;

    let mails = sink.mails_to(READER);
    let subjects: Vec<String> = mails.iter().map(subject).collect();
    for (wanted, times) in [
        ("Planned maintenance posted", 2),
        ("Reminder: planned maintenance", 1),
        ("Planned maintenance started", 1),
        ("Planned maintenance completed", 1),
    ] {
        assert_eq!(
            subjects.iter().filter(|s| s.contains(wanted)).count(),
            times,
            "{wanted}: {subjects:#?}"
        );
    }
    assert_eq!(mails.len(), 5, "{subjects:#?}");
    for mail in &mails {
        let Some(event) = calendar_of(mail) else {
            return;
        };
        let about = if event["summary"]
            .as_str()
            .unwrap_or_default()
            .contains("Storage")
        {
            &ahead
        } else {
            &now
        };
        assert_eq!(event["start"], iso(about.start), "{}", subject(mail));
        assert_eq!(
            event["end"],
            iso(about.end.expect("end")),
            "{}",
            subject(mail)
        );
        assert_eq!(event["status"], "CONFIRMED");
    }
    let uid = |mail: &serde_json::Value| calendar_of(mail).map(|e| e["uid"].clone());
    let reminder = mails
        .iter()
        .find(|m| subject(m).contains("Reminder"))
        .expect("reminder");

    // Moved by an hour, then cancelled: each mailed once, the same event, newer each time.
    let later = ahead.start + SignedDuration::from_hours(1);
    monostat::service::maintenance::reschedule(
        &app.services(),
        &admin(),
        ahead.id,
        later,
        later + SignedDuration::from_hours(1),
        None,
    )
    .await
    .expect("rescheduled");
    // A mail says the maintenance as it is when sent: one change at a time, so each mail shows
    // its own.
    app.settle().await;
    monostat::service::maintenance::act(
        &app.services(),
        &admin(),
        ahead.id,
        monostat::domain::maintenance::Action::Cancel,
        None,
    )
    .await
    .expect("cancelled");
    app.settle().await;
    let mails = sink.mails_to(READER);
    let find = |wanted: &str| -> Vec<&serde_json::Value> {
        mails
            .iter()
            .filter(|m| subject(m).contains(wanted))
            .collect()
    };
    let (moved, cancelled) = (find("rescheduled"), find("cancelled"));
    assert_eq!(
        (moved.len(), cancelled.len()),
        (1, 1),
        "{:#?}",
        mails.iter().map(subject).collect::<Vec<_>>()
    );
    let (Some(moved_event), Some(cancelled_event)) =
        (calendar_of(moved[0]), calendar_of(cancelled[0]))
    else {
        return;
    };
    assert_eq!(Some(moved_event["uid"].clone()), uid(reminder));
    assert_eq!(cancelled_event["uid"], moved_event["uid"]);
    assert_eq!(moved_event["start"], iso(later));
    assert_eq!(moved_event["sequence"], 1);
    assert_eq!(cancelled_event["sequence"], 2);
    assert_eq!(cancelled_event["status"], "CANCELLED");
    assert_eq!(mails.len(), 7);
    each_mail_has_its_own_message_id(&mails);
}

/// Mail providers (Gmail) drop a message whose `Message-ID` they have seen: every mail a reader
/// gets, however alike in status, needs its own. The mails of one incident refer to one
/// per-incident id, so mail clients that thread by `References` put them together.
fn each_mail_has_its_own_message_id(mails: &[serde_json::Value]) {
    let header = |mail: &serde_json::Value, name: &str| {
        mail["headers"][name]
            .as_str()
            .unwrap_or_else(|| panic!("{name}: {mail}"))
            .to_owned()
    };
    let ids: std::collections::BTreeSet<String> =
        mails.iter().map(|m| header(m, "Message-ID")).collect();
    assert_eq!(
        ids.len(),
        mails.len(),
        "{:#?}",
        mails
            .iter()
            .map(|m| (subject(m), header(m, "Message-ID")))
            .collect::<Vec<_>>()
    );
    // Which maintenance a mail is about, and the ids it refers to.
    let mut threads = std::collections::BTreeMap::<bool, std::collections::BTreeSet<String>>::new();
    for mail in mails {
        let storage = mail.to_string().contains("Storage migration");
        threads
            .entry(storage)
            .or_default()
            .insert(header(mail, "References"));
    }
    assert_eq!(threads.len(), 2, "{threads:#?}");
    for references in threads.values() {
        assert_eq!(references.len(), 1, "{threads:#?}");
    }
    let anchors: std::collections::BTreeSet<_> = threads.values().flatten().collect();
    assert_eq!(anchors.len(), 2, "one thread per maintenance: {threads:#?}");
}

on_both_backends!(each_maintenance_mail_goes_out_once_with_its_calendar);
