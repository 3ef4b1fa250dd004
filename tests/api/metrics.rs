//! `/metrics`: off by default, open or behind a bearer token when configured, and counting what
//! happened in Prometheus' text format.

use crate::helpers::{Backend, TestApp, TestDatabase, eventually};
use crate::on_both_backends;
use monostat::config::{MetricsAccess, Secret};
use monostat::jobs::WorkerSettings;
use std::time::Duration;

async fn app_with(db: &TestDatabase, access: MetricsAccess) -> TestApp {
    TestApp::spawn_configured(
        db,
        move |config| config.metrics = access,
        WorkerSettings::default(),
        |_| {},
    )
    .await
}

/// The value of the sample line starting with `series`.
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find(|l| l.starts_with(series) && l[series.len()..].starts_with(' '))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
}

async fn metrics_count_requests_renders_and_jobs(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let app = TestApp::spawn(&db).await;
    assert_eq!(app.get("/metrics").await.status(), 404, "off by default");
    app.stop().await;

    let app = app_with(&db, MetricsAccess::Open).await;
    for _ in 0..3 {
        assert_eq!(app.get("/").await.status(), 200);
    }
    app.get("/no-such-page").await;
    let secret = app.hook_secret().await;
    let create = include_str!("../fixtures/opsgenie_create.json");
    assert_eq!(app.post_opsgenie(create).await.0, 200);
    let text = eventually(Duration::from_secs(10), || async {
        let text = app.get("/metrics").await.text().await.ok()?;
        text.contains("monostat_job_attempts_total{")
            .then_some(text)
    })
    .await;
    assert!(
        sample(
            &text,
            "monostat_http_requests_total{route=\"/\",status=\"200\"}"
        )
        .is_some_and(|n| n >= 3.0),
        "{text}"
    );
    assert_eq!(
        sample(
            &text,
            "monostat_http_requests_total{route=\"/integrations/opsgenie/hook/{secret}\",status=\"200\"}"
        ),
        Some(1.0),
        "{text}"
    );
    assert!(text.contains("status=\"404\""), "{text}");
    assert!(!text.contains(&secret), "the hook secret is not a label");
    assert!(sample(&text, "monostat_page_renders_total").is_some_and(|n| n >= 1.0));
    assert!(sample(&text, "monostat_page_render_seconds_total").is_some_and(|s| s > 0.0));
    assert_eq!(sample(&text, "monostat_up_database"), Some(1.0));
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let (series, value) = line.rsplit_once(' ').expect("series value");
        assert!(value.parse::<f64>().is_ok(), "{line}");
        assert!(series.starts_with("monostat_"), "{line}");
    }
    app.stop().await;

    let app = app_with(&db, MetricsAccess::Token(Secret::new("scrape-token-123"))).await;
    let url = format!("{}/metrics", app.base_url);
    let anonymous = app.client.get(&url).send().await.expect("sent");
    assert_eq!(anonymous.status(), 401);
    let wrong = app
        .client
        .get(&url)
        .bearer_auth("scrape-token-12")
        .send()
        .await
        .expect("sent");
    assert_eq!(wrong.status(), 401);
    let right = app
        .client
        .get(&url)
        .bearer_auth("scrape-token-123")
        .send()
        .await
        .expect("sent");
    assert_eq!(right.status(), 200);
    app.stop().await;
}

on_both_backends!(metrics_count_requests_renders_and_jobs);
