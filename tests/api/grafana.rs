//! Grafana's webhook contact point, signed and not, replayed through the real server on both
//! databases: with a Grafana secret set, both Alertmanager-shaped paths take only deliveries
//! carrying its `X-Grafana-Alerting-Signature`.

use crate::helpers::{Backend, TestApp, TestDatabase, answer};
use crate::on_both_backends;
use monostat::config::Secret;
use monostat::domain::IncidentStatus;
use monostat::integrations::grafana::signature;
use monostat::jobs::WorkerSettings;
use monostat::storage::{alerts, integrations};

const FIRING: &str = include_str!("../fixtures/grafana_firing.json");
const RESOLVED: &str = include_str!("../fixtures/grafana_resolved.json");
const SECRET: &str = "grafana-contact-point-hmac-0f3c9a";
const TIMESTAMP_HEADER: &str = "X-Grafana-Alerting-Signature-Timestamp";

/// A delivery to `/integrations/{source}/hook/{hook secret}` (with a trailing slash when
/// `source` ends in one) with `headers`; the answer.
async fn deliver(
    app: &TestApp,
    source: &str,
    body: &str,
    headers: &[(&str, String)],
) -> (u16, String) {
    let hooks = app.hooks().await;
    let url = match source.strip_suffix('/') {
        Some(source) => format!("{}/", hooks.url(source)),
        None => hooks.url(source),
    };
    let mut request = app
        .client
        .post(url)
        .header("content-type", "application/json")
        .body(body.to_owned());
    for (name, value) in headers {
        request = request.header(*name, value);
    }
    let answer = answer(request.send().await.expect("sent")).await;
    app.handle.jobs.wake();
    answer
}

fn signed(body: &str) -> Vec<(&'static str, String)> {
    vec![(
        "X-Grafana-Alerting-Signature",
        signature(SECRET, None, body.as_bytes()),
    )]
}

fn signed_at(at: i64, signature_value: String) -> Vec<(&'static str, String)> {
    vec![
        ("X-Grafana-Alerting-Signature", signature_value),
        (TIMESTAMP_HEADER, at.to_string()),
    ]
}

async fn with_grafana_secret_in_environment(db: &TestDatabase) -> TestApp {
    TestApp::spawn_configured(
        db,
        |config| config.grafana_secret = Some(Secret::new(SECRET)),
        WorkerSettings::default(),
        |_| {},
    )
    .await
}

/// What a refused delivery must not have touched.
async fn written(app: &TestApp) -> (i64, i64, i64) {
    let mut conn = app.handle.db.acquire().await.expect("conn");
    let mut count = async |table: &str| -> i64 {
        sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}")))
            .fetch_one(&mut *conn)
            .await
            .expect("count")
    };
    (
        count("incidents").await,
        count("incoming_alerts").await,
        count("hook_deliveries").await,
    )
}

on_both_backends!(
    a_signed_grafana_delivery_opens_the_incident_and_its_resolved_one_dismisses_it,
    without_a_grafana_secret_unsigned_deliveries_are_taken_on_both_paths,
    with_a_secret_unsigned_and_badly_signed_deliveries_are_refused_and_change_nothing,
    with_a_timestamp_header_the_signature_covers_the_timestamp_and_stale_ones_are_refused,
);

async fn a_signed_grafana_delivery_opens_the_incident_and_its_resolved_one_dismisses_it(
    backend: Backend,
) {
    let db = TestDatabase::new(backend).await;
    let app = with_grafana_secret_in_environment(&db).await;

    assert_eq!(
        deliver(&app, "grafana", FIRING, &signed(FIRING)).await,
        (200, "OK".into())
    );
    let incident = app.only_incident().await;
    assert_eq!(incident.status, IncidentStatus::Suspected);
    let mut conn = app.handle.db.acquire().await.expect("conn");
    let attached = alerts::for_incident(&mut conn, incident.id)
        .await
        .expect("alerts");
    assert_eq!(attached.len(), 1);
    assert_eq!(attached[0].source.as_str(), "alertmanager");
    assert_eq!(
        attached[0].message.as_deref(),
        Some("Checkout fails for a quarter of the customers")
    );
    let last: Vec<String> = integrations::last_deliveries(&mut conn)
        .await
        .expect("last deliveries")
        .into_iter()
        .map(|(source, _)| source)
        .collect();
    assert_eq!(last, vec!["grafana".to_owned()], "recorded as Grafana's");
    drop(conn);

    assert_eq!(
        deliver(&app, "grafana/", RESOLVED, &signed(RESOLVED)).await,
        (200, "OK".into()),
        "with the trailing slash too"
    );
    assert_eq!(app.only_incident().await.status, IncidentStatus::Dismissed);
    app.stop().await;
}

async fn without_a_grafana_secret_unsigned_deliveries_are_taken_on_both_paths(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let app = TestApp::spawn(&db).await;

    assert_eq!(
        deliver(&app, "grafana", FIRING, &[]).await,
        (200, "OK".into())
    );
    assert_eq!(app.only_incident().await.status, IncidentStatus::Suspected);
    // A signature nobody asked for is not checked either.
    let ignored = vec![("X-Grafana-Alerting-Signature", "not even hex".to_owned())];
    assert_eq!(
        deliver(&app, "alertmanager", RESOLVED, &ignored).await,
        (200, "OK".into())
    );
    assert_eq!(app.only_incident().await.status, IncidentStatus::Dismissed);
    app.stop().await;
}

async fn with_a_secret_unsigned_and_badly_signed_deliveries_are_refused_and_change_nothing(
    backend: Backend,
) {
    let db = TestDatabase::new(backend).await;
    let app = with_grafana_secret_in_environment(&db).await;
    let before = written(&app).await;
    assert_eq!(before, (0, 0, 0));

    for path in ["grafana", "alertmanager", "alertmanager/"] {
        assert_eq!(
            deliver(&app, path, FIRING, &[]).await,
            (
                401,
                "the X-Grafana-Alerting-Signature header is missing (a Grafana secret is set here)"
                    .into()
            ),
            "{path}: unsigned"
        );
    }
    let other_body = signed(RESOLVED);
    assert_eq!(
        deliver(&app, "grafana", FIRING, &other_body).await,
        (
            401,
            "the X-Grafana-Alerting-Signature does not match the body and the Grafana secret"
                .into()
        ),
        "another delivery's signature"
    );
    let other_secret = vec![(
        "X-Grafana-Alerting-Signature",
        signature("someone else's", None, FIRING.as_bytes()),
    )];
    assert_eq!(
        deliver(&app, "alertmanager", FIRING, &other_secret).await.0,
        401
    );
    let prefixed = vec![(
        "X-Grafana-Alerting-Signature",
        format!("sha256={}", signature(SECRET, None, FIRING.as_bytes())),
    )];
    assert_eq!(
        deliver(&app, "grafana", FIRING, &prefixed).await,
        (
            401,
            "the X-Grafana-Alerting-Signature header is not a hex HMAC-SHA256".into()
        )
    );
    // The hook secret is checked first: a stranger learns nothing about signatures.
    let stranger = app
        .client
        .post(format!(
            "{}/integrations/grafana/hook/wrong-secret",
            app.base_url
        ))
        .body(FIRING)
        .send()
        .await
        .expect("sent");
    assert_eq!(stranger.status().as_u16(), 403);

    assert_eq!(written(&app).await, before, "nothing written");
    // Signed, the same delivery is taken on the Alertmanager path as well.
    assert_eq!(
        deliver(&app, "alertmanager", FIRING, &signed(FIRING)).await,
        (200, "OK".into())
    );
    assert_eq!(app.only_incident().await.status, IncidentStatus::Suspected);
    app.stop().await;
}

async fn with_a_timestamp_header_the_signature_covers_the_timestamp_and_stale_ones_are_refused(
    backend: Backend,
) {
    let db = TestDatabase::new(backend).await;
    let app = TestApp::spawn(&db).await;
    // Set as a team would: in the admin, stored, in force at once.
    let page = app
        .admin_post(
            "/admin/settings/hooks",
            "/admin/settings/hooks",
            &[
                ("grafana_secret", SECRET),
                ("grafana_timestamp_header", TIMESTAMP_HEADER),
                ("heartbeat_interval_seconds", "300"),
                ("heartbeat_grace_seconds", "300"),
                ("nudge_minutes", "10"),
            ],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    let now = jiff::Timestamp::now().as_second();
    let body_only = signed(FIRING).remove(0).1;

    let refused = deliver(&app, "grafana", FIRING, &signed_at(now, body_only)).await;
    assert_eq!(
        refused,
        (
            401,
            "the X-Grafana-Alerting-Signature does not match the body and the Grafana secret"
                .into()
        ),
        "the body alone is not what is signed"
    );
    assert_eq!(
        deliver(&app, "grafana", FIRING, &signed(FIRING)).await,
        (
            401,
            "the timestamp header named in the settings is missing".into()
        )
    );
    for at in [now - 600, now + 600] {
        let properly = signature(SECRET, Some(at), FIRING.as_bytes());
        assert_eq!(
            deliver(&app, "grafana", FIRING, &signed_at(at, properly)).await,
            (
                401,
                "the signed timestamp is more than 5 minutes from now".into()
            ),
            "{at} is {} s from now",
            at - now
        );
    }
    assert_eq!(written(&app).await, (0, 0, 0), "nothing written");

    let good = signature(SECRET, Some(now), FIRING.as_bytes());
    assert_eq!(
        deliver(&app, "grafana", FIRING, &signed_at(now, good)).await,
        (200, "OK".into())
    );
    assert_eq!(app.only_incident().await.status, IncidentStatus::Suspected);
    app.stop().await;
}
