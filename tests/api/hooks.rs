//! Alert hooks, replayed through the real server; the database is checked afterwards.

use crate::helpers::{Backend, Hooks, TestApp, TestDatabase};
use crate::on_both_backends;
use monostat::domain::{IncidentStatus, Severity};
use monostat::storage::{alerts, audit, incidents};

const CREATE: &str = include_str!("../fixtures/opsgenie_create.json");
const UPDATE_MESSAGE: &str = include_str!("../fixtures/opsgenie_update_message.json");
const CLOSE: &str = include_str!("../fixtures/opsgenie_close.json");
const ALERT_ID: &str = "3b9f2c1e-fake-4a7d-9c2e-0000000a1e01";

/// The same OpsGenie delivery for another alert.
fn with_alert_id(fixture: &str, id: &str) -> String {
    fixture.replace(ALERT_ID, id)
}

/// Rows per table, to show that a refused request wrote nothing.
async fn row_counts(app: &TestApp) -> Vec<(String, i64)> {
    let mut conn = app.handle.db.acquire().await.expect("conn");
    let mut counts = Vec::new();
    for table in [
        "incidents",
        "incident_updates",
        "incoming_alerts",
        "audit_log",
        "jobs",
    ] {
        let n: i64 =
            sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}")))
                .fetch_one(&mut *conn)
                .await
                .expect("count");
        counts.push((table.to_owned(), n));
    }
    counts
}

async fn jobs_of_kind(app: &TestApp, kind: &str) -> Vec<serde_json::Value> {
    let mut conn = app.handle.db.acquire().await.expect("conn");
    let payloads: Vec<String> =
        sqlx::query_scalar("SELECT payload FROM jobs WHERE kind = $1 ORDER BY id")
            .bind(kind)
            .fetch_all(&mut *conn)
            .await
            .expect("jobs");
    payloads
        .iter()
        .map(|p| serde_json::from_str(p).expect("JSON payload"))
        .collect()
}

on_both_backends!(
    an_opsgenie_create_opens_a_suspected_outage,
    a_repeated_create_changes_nothing,
    update_message_changes_the_alert_message_only,
    update_description_changes_the_stored_description,
    closing_one_of_two_alerts_keeps_the_incident_open,
    closing_the_last_alert_dismisses_a_suspected_incident,
    closing_the_last_alert_of_a_confirmed_incident_asks_a_human_to_resolve_it,
    other_actions_and_unknown_alerts_change_nothing,
    bad_requests_get_a_clear_answer_and_change_nothing,
    alertmanager_deliveries_open_and_dismiss_by_fingerprint,
    twenty_simultaneous_creates_open_one_incident_twenty_times_in_a_row,
    texts_over_4_kib_are_kept_cut_with_an_ellipsis_and_the_answer_says_so,
    alert_ids_too_long_for_the_index_still_name_their_alerts,
    a_delivery_of_1001_alerts_is_applied_whole,
    a_new_alert_between_two_closes_keeps_the_incident_open,
    jira_service_management_opens_and_dismisses_on_its_own_path_and_on_opsgenie_s,
    the_generic_hook_fires_and_resolves_and_refuses_what_names_no_alert,
);

async fn an_opsgenie_create_opens_a_suspected_outage(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let app = TestApp::spawn(&db).await;
    let before = jiff::Timestamp::now();

    assert_eq!(app.post_opsgenie(CREATE).await, (200, "OK".into()));

    let incident = app.only_incident().await;
    assert_eq!(incident.status, IncidentStatus::Suspected);
    assert_eq!(incident.severity, Severity::Outage);
    assert_eq!(incident.title, "Outage");
    assert!(incident.start >= before && incident.end.is_none());
    let mut conn = app.handle.db.acquire().await.expect("conn");
    let updates = incidents::updates(&mut conn, incident.id)
        .await
        .expect("updates");
    assert_eq!(updates.len(), 1);
    let first = updates[0].message.as_deref().unwrap_or_default();
    assert!(
        first.contains("automated monitoring") && first.contains("alerted"),
        "{first}"
    );
    let attached = alerts::for_incident(&mut conn, incident.id)
        .await
        .expect("alerts");
    assert_eq!(attached.len(), 1);
    assert_eq!(attached[0].external_id, ALERT_ID);
    assert_eq!(attached[0].source, "opsgenie");
    assert_eq!(
        attached[0].message.as_deref(),
        Some("[FAKE] HTTP probe failed for https://shop.example.test/")
    );
    assert!(attached[0].description.is_some(), "the description is kept");
    let actions: Vec<_> = audit::for_incident(&mut conn, incident.id)
        .await
        .expect("audit")
        .into_iter()
        .map(|e| (e.actor, e.action))
        .collect();
    assert_eq!(
        actions,
        vec![
            ("opsgenie".to_owned(), "incident.opened".to_owned()),
            ("opsgenie".to_owned(), "alert.created".to_owned())
        ]
    );
    drop(conn);
    let slack = jobs_of_kind(&app, "slack.new_incident_from_alert").await;
    assert_eq!(
        slack,
        vec![serde_json::json!({
            "incident_id": incident.id,
            "alert_message": "[FAKE] HTTP probe failed for https://shop.example.test/",
            "broadcast": false
        })]
    );
    app.stop().await;
}

async fn a_repeated_create_changes_nothing(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let app = TestApp::spawn(&db).await;
    assert_eq!(app.post_opsgenie(CREATE).await.0, 200);
    let after_first = row_counts(&app).await;

    assert_eq!(app.post_opsgenie(CREATE).await, (200, "OK".into()));

    assert_eq!(row_counts(&app).await, after_first);
    assert_eq!(
        jobs_of_kind(&app, "slack.new_incident_from_alert")
            .await
            .len(),
        1
    );
    app.stop().await;
}

async fn update_message_changes_the_alert_message_only(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let app = TestApp::spawn(&db).await;
    app.post_opsgenie(CREATE).await;

    assert_eq!(app.post_opsgenie(UPDATE_MESSAGE).await.0, 200);

    let incident = app.only_incident().await;
    let mut conn = app.handle.db.acquire().await.expect("conn");
    let attached = alerts::for_incident(&mut conn, incident.id)
        .await
        .expect("alerts");
    assert_eq!(attached.len(), 1);
    assert_eq!(
        attached[0].message.as_deref(),
        Some(
            "[FAKE] HTTP probe failed for https://shop.example.test/ and https://api.example.test/"
        )
    );
    assert!(
        attached[0].description.is_some(),
        "an update without description keeps it"
    );
    drop(conn);
    assert_eq!(
        jobs_of_kind(&app, "slack.new_incident_from_alert")
            .await
            .len(),
        1
    );
    app.stop().await;
}

async fn update_description_changes_the_stored_description(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let app = TestApp::spawn(&db).await;
    app.post_opsgenie(CREATE).await;
    let update = serde_json::json!({
        "action": "UpdateDescription",
        "alert": {"alertId": ALERT_ID, "description": "Probe fails from 3 of 5 regions"}
    })
    .to_string();

    assert_eq!(app.post_opsgenie(&update).await, (200, "OK".into()));

    let incident = app.only_incident().await;
    let mut conn = app.handle.db.acquire().await.expect("conn");
    let attached = alerts::for_incident(&mut conn, incident.id)
        .await
        .expect("alerts");
    assert_eq!(
        attached[0].description.as_deref(),
        Some("Probe fails from 3 of 5 regions")
    );
    assert_eq!(
        attached[0].message.as_deref(),
        Some("[FAKE] HTTP probe failed for https://shop.example.test/"),
        "the message stays"
    );
    let last = audit::for_incident(&mut conn, incident.id)
        .await
        .expect("audit")
        .pop()
        .expect("entries");
    assert_eq!(
        (last.actor.as_str(), last.action.as_str()),
        ("opsgenie", "alert.updated")
    );
    drop(conn);
    assert_eq!(incident.status, IncidentStatus::Suspected);
    app.stop().await;
}

async fn closing_one_of_two_alerts_keeps_the_incident_open(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let app = TestApp::spawn(&db).await;
    app.post_opsgenie(CREATE).await;
    app.post_opsgenie(&with_alert_id(CREATE, "second-alert"))
        .await;

    assert_eq!(app.post_opsgenie(CLOSE).await.0, 200);

    let incident = app.only_incident().await;
    assert_eq!(incident.status, IncidentStatus::Suspected);
    assert_eq!(incident.end, None);
    let mut conn = app.handle.db.acquire().await.expect("conn");
    let attached = alerts::for_incident(&mut conn, incident.id)
        .await
        .expect("alerts");
    assert_eq!(attached.len(), 2);
    assert!(attached[0].resolved.is_some() && attached[1].resolved.is_none());
    drop(conn);
    assert!(jobs_of_kind(&app, "slack.auto_dismissed").await.is_empty());
    app.stop().await;
}

async fn closing_the_last_alert_dismisses_a_suspected_incident(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let app = TestApp::spawn(&db).await;
    app.post_opsgenie(CREATE).await;
    app.post_opsgenie(&with_alert_id(CREATE, "second-alert"))
        .await;
    app.post_opsgenie(CLOSE).await;

    assert_eq!(
        app.post_opsgenie(&with_alert_id(CLOSE, "second-alert"))
            .await
            .0,
        200
    );

    let incident = app.only_incident().await;
    assert_eq!(incident.status, IncidentStatus::Dismissed);
    assert!(incident.end.is_some());
    let mut conn = app.handle.db.acquire().await.expect("conn");
    let newest = &incidents::updates(&mut conn, incident.id)
        .await
        .expect("updates")[0];
    assert_eq!(newest.new_status, Some(IncidentStatus::Dismissed));
    assert!(
        newest
            .message
            .as_deref()
            .unwrap_or_default()
            .contains("detected the incident to be resolved")
    );
    let actions: Vec<_> = audit::for_incident(&mut conn, incident.id)
        .await
        .expect("audit")
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(
        actions.last().map(String::as_str),
        Some("incident.dismissed")
    );
    drop(conn);
    assert_eq!(
        jobs_of_kind(&app, "slack.auto_dismissed").await,
        vec![serde_json::json!({"incident_id": incident.id, "broadcast": true})]
    );

    // Monitoring fires again later: a new suspicion, not the dismissed one revived.
    app.post_opsgenie(CREATE).await;
    let all = incidents::all(&mut app.handle.db.acquire().await.expect("conn"))
        .await
        .expect("all");
    assert_eq!(all.len(), 2);
    assert_eq!(all[1].status, IncidentStatus::Suspected);
    app.stop().await;
}

async fn closing_the_last_alert_of_a_confirmed_incident_asks_a_human_to_resolve_it(
    backend: Backend,
) {
    let db = TestDatabase::new(backend).await;
    let app = TestApp::spawn(&db).await;
    app.post_opsgenie(CREATE).await;
    let id = app.only_incident().await.id;
    let mut conn = app.handle.db.acquire().await.expect("conn");
    let mut incident = incidents::get_for_update(&mut conn, app.handle.db.backend(), id)
        .await
        .expect("get")
        .expect("exists");
    incident.set_status(IncidentStatus::Confirmed, jiff::Timestamp::now());
    incidents::save(&mut conn, &incident)
        .await
        .expect("confirm");
    drop(conn);

    assert_eq!(app.post_opsgenie(CLOSE).await.0, 200);

    let after = app.only_incident().await;
    assert_eq!(
        after.status,
        IncidentStatus::Confirmed,
        "only a human resolves"
    );
    assert_eq!(after.end, None);
    assert_eq!(
        jobs_of_kind(&app, "slack.all_alerts_closed").await,
        vec![serde_json::json!({"incident_id": incident.id, "broadcast": true})]
    );
    assert!(jobs_of_kind(&app, "slack.auto_dismissed").await.is_empty());
    app.stop().await;
}

async fn other_actions_and_unknown_alerts_change_nothing(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let app = TestApp::spawn(&db).await;
    app.post_opsgenie(CREATE).await;
    let before = row_counts(&app).await;

    for body in [
        CREATE.replace("\"Create\"", "\"Acknowledge\""),
        CREATE.replace("\"Create\"", "\"AddNote\""),
        CREATE.replace("\"Create\"", "\"Delete\""),
        with_alert_id(CLOSE, "never-seen"),
    ] {
        assert_eq!(app.post_opsgenie(&body).await, (200, "OK".into()));
    }

    assert_eq!(row_counts(&app).await, before);
    app.stop().await;
}

async fn bad_requests_get_a_clear_answer_and_change_nothing(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let app = TestApp::spawn(&db).await;
    let before = row_counts(&app).await;
    let hooks = app.hooks().await;
    let wrong = Hooks::at(&app.base_url, "wrong-secret");

    assert_eq!(wrong.opsgenie(CREATE).await.0, 403);
    assert_eq!(wrong.alertmanager("{}").await.0, 403);
    let (status, reason) = hooks.opsgenie("this is not json").await;
    assert_eq!(status, 400);
    assert!(
        reason.starts_with("the body is not JSON") && !reason.contains('\n'),
        "{reason}"
    );
    assert_eq!(
        hooks.opsgenie(r#"{"alert":{"alertId":"x"}}"#).await,
        (400, "the body lacks \"action\" (a non-empty string)".into())
    );
    assert_eq!(
        hooks
            .opsgenie(r#"{"action":"Create","alert":{"message":"m"}}"#)
            .await,
        (
            400,
            "the body lacks \"alert.alertId\" (a non-empty string)".into()
        )
    );
    let oversize = format!(
        r#"{{"action":"Create","alert":{{"alertId":"big","message":"{}"}}}}"#,
        "x".repeat(1024 * 1024)
    );
    assert_eq!(hooks.opsgenie(oversize).await.0, 413);
    let wrong_method = app
        .client
        .get(hooks.url("opsgenie"))
        .send()
        .await
        .expect("sent");
    assert_eq!(wrong_method.status(), 405);

    assert_eq!(row_counts(&app).await, before);
    app.stop().await;
}

async fn alertmanager_deliveries_open_and_dismiss_by_fingerprint(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let app = TestApp::spawn(&db).await;
    let delivery = |status_a: &str, status_b: &str| {
        format!(
            r#"{{"version":"4","status":"firing","receiver":"monostat","groupKey":"{{}}:{{}}",
               "alerts":[
                 {{"status":"{status_a}","fingerprint":"fp-shop","labels":{{"alertname":"ShopDown"}},
                   "annotations":{{"summary":"Shop returns 503"}}}},
                 {{"status":"{status_b}","fingerprint":"fp-api","labels":{{"alertname":"ApiDown"}},
                   "annotations":{{}}}}]}}"#
        )
    };

    assert_eq!(
        app.post_alertmanager(&delivery("firing", "firing")).await,
        (200, "OK".into())
    );

    let incident = app.only_incident().await;
    assert_eq!(incident.status, IncidentStatus::Suspected);
    let mut conn = app.handle.db.acquire().await.expect("conn");
    let attached = alerts::for_incident(&mut conn, incident.id)
        .await
        .expect("alerts");
    let messages: Vec<_> = attached
        .iter()
        .map(|a| (a.source.as_str(), a.message.as_deref()))
        .collect();
    assert_eq!(
        messages,
        vec![
            ("alertmanager", Some("Shop returns 503")),
            ("alertmanager", Some("ApiDown"))
        ]
    );
    drop(conn);
    assert_eq!(
        jobs_of_kind(&app, "slack.new_incident_from_alert").await[0]["alert_message"],
        "Shop returns 503"
    );

    // Repeated while firing (repeat_interval): nothing changes.
    let counts = row_counts(&app).await;
    app.post_alertmanager(&delivery("firing", "firing")).await;
    assert_eq!(row_counts(&app).await, counts);

    app.post_alertmanager(&delivery("resolved", "firing")).await;
    assert_eq!(app.only_incident().await.status, IncidentStatus::Suspected);
    app.post_alertmanager(&delivery("resolved", "resolved"))
        .await;
    assert_eq!(app.only_incident().await.status, IncidentStatus::Dismissed);
    assert_eq!(jobs_of_kind(&app, "slack.auto_dismissed").await.len(), 1);
    app.stop().await;
}

async fn twenty_simultaneous_creates_open_one_incident_twenty_times_in_a_row(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let app = TestApp::spawn(&db).await;
    let hooks = app.hooks().await;

    for round in 0..20 {
        let deliveries = (0..20).map(|n| {
            let body = with_alert_id(CREATE, &format!("round-{round}-alert-{n}"));
            let hooks = hooks.clone();
            async move { hooks.opsgenie(body).await.0 }
        });
        let statuses = futures_join_all(deliveries).await;
        assert!(
            statuses.iter().all(|s| *s == 200),
            "round {round}: {statuses:?}"
        );

        let mut conn = app.handle.db.acquire().await.expect("conn");
        let open: Vec<_> = incidents::all(&mut conn)
            .await
            .expect("incidents")
            .into_iter()
            .filter(|i| i.status == IncidentStatus::Suspected)
            .collect();
        assert_eq!(
            open.len(),
            1,
            "round {round}: one incident for twenty alerts"
        );
        assert_eq!(
            alerts::for_incident(&mut conn, open[0].id)
                .await
                .expect("alerts")
                .len(),
            20
        );
        drop(conn);

        // Close them all, so the next round starts with no open incident.
        for n in 0..20 {
            let close = with_alert_id(CLOSE, &format!("round-{round}-alert-{n}"));
            assert_eq!(app.post_opsgenie(&close).await.0, 200);
        }
        assert_eq!(
            incidents::get(
                &mut app.handle.db.acquire().await.expect("conn"),
                open[0].id
            )
            .await
            .expect("get")
            .expect("exists")
            .status,
            IncidentStatus::Dismissed
        );
    }
    assert_eq!(
        jobs_of_kind(&app, "slack.new_incident_from_alert")
            .await
            .len(),
        20
    );
    app.stop().await;
}

/// An OpsGenie delivery of `action` for alert `id`, with the given texts.
fn opsgenie_delivery(action: &str, id: &str, message: &str, description: &str) -> String {
    let mut delivery: serde_json::Value = serde_json::from_str(CREATE).expect("fixture");
    delivery["action"] = action.into();
    delivery["alert"]["alertId"] = id.into();
    delivery["alert"]["message"] = message.into();
    delivery["alert"]["description"] = description.into();
    delivery.to_string()
}

/// An Alertmanager delivery of `(status, fingerprint, summary)` alerts.
pub(crate) fn alertmanager_delivery(alerts: &[(&str, String, String)]) -> String {
    let alerts: Vec<serde_json::Value> = alerts
        .iter()
        .map(|(status, fingerprint, summary)| {
            serde_json::json!({
                "status": status, "fingerprint": fingerprint,
                "labels": {"alertname": "Many"}, "annotations": {"summary": summary}
            })
        })
        .collect();
    serde_json::json!({"version": "4", "status": "firing", "alerts": alerts}).to_string()
}

async fn texts_over_4_kib_are_kept_cut_with_an_ellipsis_and_the_answer_says_so(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let app = TestApp::spawn(&db).await;
    // 5,000 characters each; "é" takes two bytes, so a cut at 4,093 bytes would split one.
    let long_message = "m".repeat(5_000);
    let long_description = "é".repeat(5_000);

    assert_eq!(
        app.post_opsgenie(&opsgenie_delivery(
            "Create",
            "og-long",
            &long_message,
            &long_description
        ))
        .await,
        (200, "OK (2 texts longer than 4096 bytes kept cut)".into())
    );
    let summary = format!("{} summary", "s".repeat(4_990));
    let (status, answer) = app
        .post_alertmanager(&alertmanager_delivery(&[(
            "firing",
            "am-long".into(),
            summary,
        )]))
        .await;
    assert_eq!(
        (status, answer.as_str()),
        (200, "OK (1 text longer than 4096 bytes kept cut)")
    );

    let incident = app.only_incident().await;
    let mut conn = app.handle.db.acquire().await.expect("conn");
    let attached = alerts::for_incident(&mut conn, incident.id)
        .await
        .expect("alerts");
    let [opsgenie_alert, alertmanager_alert] = attached.as_slice() else {
        panic!("two alerts: {attached:?}")
    };
    assert_eq!(
        opsgenie_alert.message.as_deref(),
        Some(format!("{}…", "m".repeat(4_093)).as_str())
    );
    assert_eq!(
        opsgenie_alert.description.as_deref(),
        Some(format!("{}…", "é".repeat(2_046)).as_str())
    );
    assert_eq!(
        alertmanager_alert.message.as_deref(),
        Some(format!("{}…", "s".repeat(4_093)).as_str())
    );
    drop(conn);
    assert_eq!(
        jobs_of_kind(&app, "slack.new_incident_from_alert").await[0]["alert_message"]
            .as_str()
            .map(str::len),
        Some(4_096),
        "Slack is told the message as stored"
    );

    // A later description change is cut the same way, and the same long text twice is no change.
    let changed = opsgenie_delivery("UpdateDescription", "og-long", "", &"d".repeat(5_000));
    assert_eq!(
        app.post_opsgenie(&changed).await,
        (200, "OK (1 text longer than 4096 bytes kept cut)".into())
    );
    let counts = row_counts(&app).await;
    app.post_opsgenie(&changed).await;
    assert_eq!(row_counts(&app).await, counts);
    let stored = alerts::find(
        &mut app.handle.db.acquire().await.expect("conn"),
        "opsgenie",
        "og-long",
    )
    .await
    .expect("find")
    .expect("exists");
    assert_eq!(
        stored.description.as_deref(),
        Some(format!("{}…", "d".repeat(4_093)).as_str())
    );
    app.stop().await;
}

async fn alert_ids_too_long_for_the_index_still_name_their_alerts(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let app = TestApp::spawn(&db).await;
    // Random, so that PostgreSQL cannot compress them into its index either.
    let noise: String = (0..5_000)
        .map(|_| char::from(b'a' + rand::random::<u8>() % 26))
        .collect();
    let first = format!("{noise}-1");
    let second = format!("{noise}-2");

    for id in [&first, &second] {
        assert_eq!(
            app.post_opsgenie(&opsgenie_delivery("Create", id, "Shop down", ""))
                .await,
            (
                200,
                "OK (1 alert id longer than 200 bytes stored shortened)".into()
            )
        );
    }
    let incident = app.only_incident().await;
    let mut conn = app.handle.db.acquire().await.expect("conn");
    let attached = alerts::for_incident(&mut conn, incident.id)
        .await
        .expect("alerts");
    assert_eq!(attached.len(), 2, "two alerts, not one");
    assert!(
        attached
            .iter()
            .all(|a| a.external_id.len() <= 200 && a.external_id.starts_with(&noise[..100])),
        "{attached:?}"
    );
    drop(conn);

    // Closing the first by its whole id closes that one, and only that one.
    let close = with_alert_id(CLOSE, &first);
    assert_eq!(app.post_opsgenie(&close).await.0, 200);
    let mut conn = app.handle.db.acquire().await.expect("conn");
    let open: Vec<_> = alerts::for_incident(&mut conn, incident.id)
        .await
        .expect("alerts")
        .into_iter()
        .map(|a| a.resolved.is_none())
        .collect();
    assert_eq!(open, vec![false, true]);
    drop(conn);
    assert_eq!(app.only_incident().await.status, IncidentStatus::Suspected);
    app.stop().await;
}

async fn a_delivery_of_1001_alerts_is_applied_whole(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let app = TestApp::spawn(&db).await;
    let alerts_of = |status: &'static str| {
        (1..=1001)
            .map(|n| (status, format!("fp-{n:04}"), format!("Node {n:04} down")))
            .collect::<Vec<_>>()
    };

    assert_eq!(
        app.post_alertmanager(&alertmanager_delivery(&alerts_of("firing")))
            .await,
        (200, "OK".into())
    );

    // One incident however the delivery was divided, with every alert and its history entry.
    let incident = app.only_incident().await;
    assert_eq!(incident.status, IncidentStatus::Suspected);
    let mut conn = app.handle.db.acquire().await.expect("conn");
    let attached = alerts::for_incident(&mut conn, incident.id)
        .await
        .expect("alerts");
    assert_eq!(attached.len(), 1001);
    assert_eq!(attached[1000].message.as_deref(), Some("Node 1001 down"));
    let created = audit::for_incident(&mut conn, incident.id)
        .await
        .expect("audit")
        .into_iter()
        .filter(|e| e.action == "alert.created")
        .count();
    assert_eq!(created, 1001);
    drop(conn);
    assert_eq!(
        jobs_of_kind(&app, "slack.new_incident_from_alert")
            .await
            .len(),
        1
    );

    // All of them resolved at once: dismissed once, after the last.
    assert_eq!(
        app.post_alertmanager(&alertmanager_delivery(&alerts_of("resolved")))
            .await,
        (200, "OK".into())
    );
    assert_eq!(app.only_incident().await.status, IncidentStatus::Dismissed);
    let mut conn = app.handle.db.acquire().await.expect("conn");
    assert_eq!(
        alerts::open_count_for_incident(&mut conn, incident.id)
            .await
            .expect("count"),
        0
    );
    drop(conn);
    assert_eq!(jobs_of_kind(&app, "slack.auto_dismissed").await.len(), 1);
    app.stop().await;
}

/// Closes are counted against the incident's open alerts; an alert firing between them in the
/// same delivery counts too.
async fn a_new_alert_between_two_closes_keeps_the_incident_open(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let app = TestApp::spawn(&db).await;
    let alert =
        |status: &'static str, name: &str| (status, name.to_owned(), format!("{name} down"));
    app.post_alertmanager(&alertmanager_delivery(&[
        alert("firing", "a"),
        alert("firing", "b"),
    ]))
    .await;

    let mixed = [
        alert("resolved", "a"),
        alert("firing", "c"),
        alert("resolved", "b"),
    ];
    assert_eq!(
        app.post_alertmanager(&alertmanager_delivery(&mixed)).await,
        (200, "OK".into())
    );
    assert_eq!(app.only_incident().await.status, IncidentStatus::Suspected);

    app.post_alertmanager(&alertmanager_delivery(&[alert("resolved", "c")]))
        .await;
    assert_eq!(app.only_incident().await.status, IncidentStatus::Dismissed);
    app.stop().await;
}

/// Runs the futures at the same time and collects their outputs in order.
async fn futures_join_all<F>(futures: impl IntoIterator<Item = F>) -> Vec<F::Output>
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    let handles: Vec<_> = futures.into_iter().map(tokio::spawn).collect();
    let mut outputs = Vec::with_capacity(handles.len());
    for handle in handles {
        outputs.push(handle.await.expect("task"));
    }
    outputs
}

const JSM_CREATE: &str = include_str!("../fixtures/jsm_create.json");
const JSM_CLOSE: &str = include_str!("../fixtures/jsm_close.json");

/// Jira Service Management's Webhook integration sends OpsGenie's JSON: its own path and the
/// OpsGenie path both open a suspicion and dismiss it when the alert closes.
async fn jira_service_management_opens_and_dismisses_on_its_own_path_and_on_opsgenie_s(
    backend: Backend,
) {
    let db = TestDatabase::new(backend).await;
    let app = TestApp::spawn(&db).await;
    let hooks = app.hooks().await;
    let post = |path: &'static str, body: String| {
        let url = hooks.url(path);
        async move {
            let response = reqwest::Client::new()
                .post(url)
                .header("content-type", "application/json")
                .body(body)
                .send()
                .await
                .expect("delivered");
            crate::helpers::answer(response).await
        }
    };
    const JSM_ALERT_ID: &str = "7c1d9e20-fake-4b8e-8f3a-00000000js01";
    for (path, alert_id) in [("jsm", JSM_ALERT_ID), ("opsgenie", "second-jsm-alert")] {
        let create = JSM_CREATE.replace(JSM_ALERT_ID, alert_id);
        let close = JSM_CLOSE.replace(JSM_ALERT_ID, alert_id);
        assert_eq!(post(path, create).await, (200, "OK".into()), "{path}");
        let newest = || async {
            let mut conn = app.handle.db.acquire().await.expect("conn");
            incidents::all(&mut conn)
                .await
                .expect("incidents")
                .into_iter()
                .max_by_key(|i| i.id)
                .expect("an incident")
        };
        let incident = newest().await;
        assert_eq!(incident.status, IncidentStatus::Suspected, "{path}");
        let mut conn = app.handle.db.acquire().await.expect("conn");
        let attached = alerts::for_incident(&mut conn, incident.id)
            .await
            .expect("alerts");
        drop(conn);
        assert_eq!(attached.len(), 1, "{path}");
        assert_eq!(attached[0].external_id, alert_id);
        assert_eq!(
            attached[0].message.as_deref(),
            Some("[FAKE] Checkout error rate above 5 % (JSM)")
        );
        assert_eq!(post(path, close).await, (200, "OK".into()), "{path}");
        assert_eq!(
            app.incident(incident.id).await.status,
            IncidentStatus::Dismissed,
            "{path}"
        );
    }
    // A wrong secret on the new path is refused like on the others.
    let wrong = Hooks::at(&app.base_url, "wrong-secret");
    let response = reqwest::Client::new()
        .post(wrong.url("jsm"))
        .header("content-type", "application/json")
        .body(JSM_CREATE)
        .send()
        .await
        .expect("delivered");
    assert_eq!(response.status().as_u16(), 403);
    app.stop().await;
}

/// The generic hook (Uptime Kuma, Gatus, scripts): one alert per delivery.
async fn the_generic_hook_fires_and_resolves_and_refuses_what_names_no_alert(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let app = TestApp::spawn(&db).await;
    let hooks = app.hooks().await;
    let deliver = |body: &'static str| {
        let url = hooks.url("webhook");
        async move {
            let response = reqwest::Client::new()
                .post(url)
                .header("content-type", "application/json")
                .body(body)
                .send()
                .await
                .expect("delivered");
            crate::helpers::answer(response).await
        }
    };
    // Bad bodies first: a clear answer, nothing written.
    let before = row_counts(&app).await;
    for (body, says) in [
        (r#"{"status": "firing"}"#, "lacks \"id\" and \"message\""),
        (
            r#"{"id": "shop-http", "status": "down"}"#,
            "expected \"firing\" or \"resolved\"",
        ),
        ("not json", "not JSON"),
    ] {
        let (status, text) = deliver(body).await;
        assert_eq!(status, 400, "{body}: {text}");
        assert!(text.contains(says), "{body}: {text}");
    }
    assert_eq!(row_counts(&app).await, before);

    let firing = r#"{"id": "shop-http", "status": "firing", "message": "Shop is down (HTTP 503)", "description": "Checked from eu-west"}"#;
    assert_eq!(deliver(firing).await, (200, "OK".into()));
    let incident = app.only_incident().await;
    assert_eq!(incident.status, IncidentStatus::Suspected);
    let mut conn = app.handle.db.acquire().await.expect("conn");
    let attached = alerts::for_incident(&mut conn, incident.id)
        .await
        .expect("alerts");
    drop(conn);
    assert_eq!(attached.len(), 1);
    assert_eq!(attached[0].source, "webhook");
    assert_eq!(attached[0].external_id, "shop-http");
    assert_eq!(
        attached[0].message.as_deref(),
        Some("Shop is down (HTTP 503)")
    );
    assert_eq!(
        attached[0].description.as_deref(),
        Some("Checked from eu-west")
    );
    // Sent again (a retry): still one alert.
    assert_eq!(deliver(firing).await, (200, "OK".into()));
    assert_eq!(app.only_incident().await.id, incident.id);

    let resolved = r#"{"id": "shop-http", "status": "resolved"}"#;
    assert_eq!(deliver(resolved).await, (200, "OK".into()));
    assert_eq!(
        app.incident(incident.id).await.status,
        IncidentStatus::Dismissed
    );
    app.stop().await;
}
