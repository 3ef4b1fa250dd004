//! A dismissed incident's address, shared while it was a suspicion, says what the original
//! monostat said there ("Incident closed": a false alarm, or resolved on its own), in the
//! reader's language and for no search engine, and tells nothing of the incident. The incident
//! itself stays out of every list, feed, calendar and API.

use crate::helpers::{Backend, TestApp, TestDatabase, eventually};
use crate::on_both_backends;
use crate::public_fixtures::{Spec, add_update, hours_ago, insert, render};
use monostat::domain::{IncidentStatus, Severity};
use std::time::Duration;

const TITLE: &str = "Payment provider unreachable";
const SUMMARY: &str = "Provider Acme answers 502 to our health checks.";
const UPDATE: &str = "Checks from three regions fail.";

async fn get(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> reqwest::Response {
    let mut request = app.client.get(format!("{}{path}", app.base_url));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.expect("request sent")
}

async fn text(app: &TestApp, path: &str) -> (u16, String) {
    let response = get(app, path, &[]).await;
    let status = response.status().as_u16();
    (status, response.text().await.expect("body"))
}

async fn a_dismissed_incident_s_address_says_it_was_closed(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let app = TestApp::spawn(&db).await;
    // Monitoring's suspicion, on the page; its address goes round in chat.
    let suspicion = insert(
        &app,
        Spec {
            status: IncidentStatus::Suspected,
            severity: Severity::Outage,
            start: hours_ago(1),
            end: None,
            title: TITLE,
            summary: Some(SUMMARY),
        },
    )
    .await;
    add_update(&app, &suspicion, hours_ago(1), None, UPDATE).await;
    render(&app).await;
    let address = monostat::links::incident_path(&suspicion);
    let (status, shared) = text(&app, &address).await;
    assert_eq!(status, 200);
    assert!(shared.contains(TITLE));

    // A false alarm: somebody dismisses it.
    monostat::service::incidents::edit(
        &app.services(),
        &monostat::service::incidents::Actor {
            via: "slack",
            name: "bob".into(),
        },
        suspicion.id,
        &monostat::service::incidents::Edit {
            status: Some(IncidentStatus::Dismissed),
            ..Default::default()
        },
    )
    .await
    .expect("dismissed");
    // The address says so at once (rendered per request until the pages are rendered again).
    let (status, closed) = text(&app, &address).await;
    assert_eq!(status, 200);
    eventually(Duration::from_secs(10), || async {
        let (_, page) = text(&app, "/").await;
        (!page.contains(TITLE)).then_some(())
    })
    .await;
    app.settle().await;

    for shown in [
        "<h1 id=\"closed\">Incident closed</h1>",
        "This incident was either a false alarm or it has been detected as resolved \
         automatically and has not yet been updated with more information by our team.",
        "<a href=\"/\">View current system status</a>",
        "<meta name=\"robots\" content=\"noindex\">",
        // The language switch stays on whichever address shows the page.
        "<a href=\"?lang=de\" hreflang=\"de\"",
    ] {
        assert!(closed.contains(shown), "{shown}: {closed}");
    }
    for hidden in [TITLE, SUMMARY, UPDATE, "rel=\"canonical\"", "og:title"] {
        assert!(!closed.contains(hidden), "{hidden}: {closed}");
    }

    // Answered from memory like the status page: with an ETag, so a reload costs a 304.
    let response = get(&app, &address, &[]).await;
    assert_eq!(response.status(), 200);
    let etag = response.headers()["etag"]
        .to_str()
        .expect("ASCII")
        .to_owned();
    let again = get(&app, &address, &[("if-none-match", &etag)]).await;
    assert_eq!(again.status(), 304);

    // In the reader's language.
    let german = get(&app, &address, &[("accept-language", "de-DE,de;q=0.9")]).await;
    assert_eq!(german.status(), 200);
    let german = german.text().await.expect("body");
    assert!(
        german.contains("<html lang=\"de\"")
            && german.contains("<h1 id=\"closed\">Vorfall geschlossen</h1>")
            && german.contains("Aktuellen Systemstatus ansehen")
            && german.contains("<meta name=\"robots\" content=\"noindex\">")
            && !german.contains(TITLE),
        "{german}"
    );
    let (status, arabic) = text(&app, &format!("{address}?lang=ar")).await;
    assert_eq!(status, 200);
    assert!(
        arabic.contains("dir=\"rtl\"") && arabic.contains("الحادثة مغلقة"),
        "{arabic}"
    );

    // Only at its own address: another day is no incident's.
    let (status, elsewhere) = text(&app, &format!("/2001-01-01/{}", suspicion.id)).await;
    assert_eq!(status, 404);
    assert!(!elsewhere.contains("Incident closed") && !elsewhere.contains(TITLE));

    // In no list, feed, calendar or API; the status is what it was before the suspicion.
    let day = suspicion.start.to_zoned(jiff::tz::TimeZone::UTC).date();
    let today = jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date();
    for path in [
        "/".to_owned(),
        "/history".to_owned(),
        format!("/{day}"),
        format!("/{today}"),
        "/feed/rss".to_owned(),
        "/feed/atom".to_owned(),
        "/feed/json".to_owned(),
        "/maintenance.ics".to_owned(),
        "/api/v2/status.json".to_owned(),
        "/api/v2/summary.json".to_owned(),
        "/api/v2/incidents.json".to_owned(),
        "/api/v2/incidents/unresolved.json".to_owned(),
        "/badge.svg".to_owned(),
    ] {
        let (status, body) = text(&app, &path).await;
        assert_eq!(status, 200, "{path}");
        assert!(
            !body.contains(TITLE) && !body.contains(&address),
            "{path} shows the dismissed incident: {body}"
        );
    }
    let (_, page) = text(&app, "/").await;
    assert!(page.contains("<h1 id=\"headline\">Our service is up and running</h1>"));
    let (_, incidents) = text(&app, "/api/v2/incidents.json").await;
    let incidents: serde_json::Value = serde_json::from_str(&incidents).expect("JSON");
    assert_eq!(incidents["incidents"], serde_json::json!([]));
    let (_, status) = text(&app, "/api/v2/status.json").await;
    assert!(status.contains(r#""indicator":"none""#), "{status}");
    // There is no sitemap to leave it out of.
    assert_eq!(text(&app, "/sitemap.xml").await.0, 404);
    app.stop().await;
}

on_both_backends!(a_dismissed_incident_s_address_says_it_was_closed);
