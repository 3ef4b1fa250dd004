//! The admin's alert hooks page: every URL, each source's last delivery, and the alert sources'
//! settings form (validated, audited, read-only where the environment sets a secret).

use crate::helpers::{Backend, TestApp, TestDatabase};
use crate::on_both_backends;
use monostat::config::Secret;
use monostat::jobs::WorkerSettings;
use monostat::storage::integrations::{self, IntegrationSettings};

const PAGE: &str = "/admin/settings/hooks";

/// Every source's id on the page and the path its URL has before the secret.
const SOURCES: [(&str, &str); 7] = [
    ("opsgenie", "/integrations/opsgenie/hook/"),
    ("jsm", "/integrations/jsm/hook/"),
    ("alertmanager", "/integrations/alertmanager/hook/"),
    ("grafana", "/integrations/grafana/hook/"),
    ("pagerduty", "/integrations/pagerduty/hook/"),
    ("webhook", "/integrations/webhook/hook/"),
    ("heartbeat", "/integrations/heartbeat/"),
];

/// The value of the input with `id`.
fn value_of(body: &str, id: &str) -> String {
    let input = body
        .find(&format!("<input id=\"{id}\""))
        .unwrap_or_else(|| panic!("field {id}"));
    let marker = " value=\"";
    let start = input + body[input..].find(marker).expect("a value") + marker.len();
    body[start..].split('"').next().expect("value").to_owned()
}

/// The "Last delivered: …" line of `source`.
fn last_delivered(body: &str, source: &str) -> String {
    let marker = format!("id=\"{source}-last\">Last delivered: ");
    let start = body
        .find(&marker)
        .unwrap_or_else(|| panic!("{source}'s line"))
        + marker.len();
    body[start..].split('<').next().expect("text").to_owned()
}

async fn stored(app: &TestApp) -> IntegrationSettings {
    let mut conn = app.handle.db.acquire().await.expect("conn");
    integrations::get(&mut conn).await.expect("settings")
}

/// The whole form, with `changes` over the defaults.
fn form<'a>(changes: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut fields = vec![
        ("grafana_timestamp_header", ""),
        ("heartbeat_interval_seconds", "300"),
        ("heartbeat_grace_seconds", "300"),
        ("nudge_minutes", "10"),
    ];
    for (name, value) in changes {
        fields.retain(|(n, _)| n != name);
        fields.push((name, value));
    }
    fields
}

on_both_backends!(
    every_url_is_listed_with_its_last_delivery,
    the_settings_are_saved_validated_and_audited_and_secrets_never_shown,
    secrets_set_by_the_environment_are_read_only_here,
);

async fn every_url_is_listed_with_its_last_delivery(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let app = TestApp::spawn_configured(
        &db,
        |config| {
            config.time_zone = monostat::config::TimeZoneConfig {
                name: "Europe/Berlin".into(),
                zone: jiff::tz::TimeZone::get("Europe/Berlin").expect("zone"),
            }
        },
        WorkerSettings::default(),
        |_| {},
    )
    .await;
    let secret = app.hook_secret().await;
    let browser = app.admin().await;
    let page = browser.get(PAGE).await;
    assert_eq!(page.status, 200);
    for (source, path) in SOURCES {
        let url = value_of(&page.body, &format!("{source}-url"));
        // The heartbeat has a token of its own: its URL must not fire alerts if it leaks.
        let credential = match source {
            "heartbeat" => monostat::settings::heartbeat_token(&secret),
            _ => secret.clone(),
        };
        assert!(
            url.starts_with("http://") && url.ends_with(&format!("{path}{credential}")),
            "{source}: {url}"
        );
        assert!(source != "heartbeat" || !url.contains(&secret), "{url}");
        assert_eq!(last_delivered(&page.body, source), "never", "{source}");
    }

    let grafana = include_str!("../fixtures/grafana_firing.json");
    assert_eq!(app.post_alertmanager(grafana).await, (200, "OK".into()));
    let page = browser.get(PAGE).await;
    let shown = last_delivered(&page.body, "alertmanager");
    let mut conn = app.handle.db.acquire().await.expect("conn");
    let (_, at) = integrations::last_deliveries(&mut conn)
        .await
        .expect("deliveries")
        .into_iter()
        .find(|(source, _)| source == "alertmanager")
        .expect("recorded");
    let berlin = at
        .to_zoned(jiff::tz::TimeZone::get("Europe/Berlin").expect("zone"))
        .strftime("%Y-%m-%d %H:%M")
        .to_string();
    drop(conn);
    assert_eq!(
        shown,
        format!("{berlin} (just now)"),
        "in the site's time zone"
    );
    for (source, _) in SOURCES.iter().filter(|(s, _)| *s != "alertmanager") {
        assert_eq!(last_delivered(&page.body, source), "never", "{source}");
    }
    app.stop().await;
}

async fn the_settings_are_saved_validated_and_audited_and_secrets_never_shown(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let app = TestApp::spawn(&db).await;
    let browser = app.admin().await;
    let defaults = stored(&app).await;
    assert_eq!(
        (
            defaults.heartbeat_interval_seconds,
            defaults.heartbeat_grace_seconds,
            defaults.nudge_minutes
        ),
        (300, 300, 10)
    );
    let page = browser.get(PAGE).await;
    assert_eq!(value_of(&page.body, "nudge_minutes"), "10");

    // Bad input: the form again, a sentence per field, nothing saved nor audited.
    let long_secret = "s".repeat(257);
    let refused = app
        .admin_post(
            PAGE,
            PAGE,
            &form(&[
                ("pagerduty_signing_secret", &long_secret),
                ("grafana_timestamp_header", "X-Timestamp: 1"),
                ("heartbeat_interval_seconds", "0"),
                ("heartbeat_grace_seconds", "ninety"),
                ("nudge_minutes", "1441"),
            ]),
        )
        .await;
    assert_eq!(refused.status, 400);
    for sentence in [
        "Nothing was saved.",
        "A secret of at most 256 characters.",
        "A header name of at most 64 letters",
        "A whole number of seconds from 1 to 86400.",
        "A whole number of seconds from 0 to 86400.",
        "A whole number of minutes from 0 to 1440.",
    ] {
        assert!(refused.contains(sentence), "{sentence}: {}", refused.body);
    }
    assert!(
        !refused.contains(&long_secret),
        "a typed secret is not sent back"
    );
    assert_eq!(
        value_of(&refused.body, "nudge_minutes"),
        "1441",
        "shown as typed"
    );
    assert_eq!(stored(&app).await, defaults);

    let pagerduty_secret = "pd-signing-3b0c8f1e6a2d4c5b9e7f";
    let saved = app
        .admin_post(
            PAGE,
            PAGE,
            &form(&[
                ("pagerduty_signing_secret", pagerduty_secret),
                ("grafana_secret", "gr4f4n4"),
                (
                    "grafana_timestamp_header",
                    "X-Grafana-Alerting-Signature-Timestamp",
                ),
                ("heartbeat_interval_seconds", "60"),
                ("heartbeat_grace_seconds", "0"),
                ("nudge_minutes", "0"),
            ]),
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    assert_eq!(
        saved.location.as_deref(),
        Some("/admin/settings/hooks?notice=saved")
    );
    assert_eq!(
        stored(&app).await,
        IntegrationSettings {
            pagerduty_signing_secret: pagerduty_secret.into(),
            grafana_secret: "gr4f4n4".into(),
            grafana_timestamp_header: "X-Grafana-Alerting-Signature-Timestamp".into(),
            heartbeat_interval_seconds: 60,
            heartbeat_grace_seconds: 0,
            nudge_minutes: 0,
        }
    );
    let page = browser.get("/admin/settings/hooks?notice=saved").await;
    assert!(page.contains("Saved."));
    assert!(!page.contains(pagerduty_secret) && !page.contains("gr4f4n4"));
    assert!(page.contains("set, ends in …9e7f (leave empty to keep)"));
    assert!(page.contains("Remove the stored secret"));
    assert_eq!(value_of(&page.body, "heartbeat_interval_seconds"), "60");
    let audit = browser.get("/admin/audit/").await;
    assert_eq!(audit.body.matches("(settings.integrations)").count(), 1);
    assert!(
        audit.contains("PagerDuty signing secret replaced, Grafana secret replaced"),
        "{}",
        audit.body
    );
    assert!(!audit.contains(pagerduty_secret));

    // An empty field keeps a secret; a ticked box removes it.
    let kept = app
        .admin_post(
            PAGE,
            PAGE,
            &form(&[("clear_grafana_secret", "on"), ("nudge_minutes", "15")]),
        )
        .await;
    assert_eq!(kept.status, 303, "{}", kept.body);
    let now = stored(&app).await;
    assert_eq!(now.pagerduty_signing_secret, pagerduty_secret);
    assert_eq!(now.grafana_secret, "");
    assert_eq!(now.nudge_minutes, 15);
    let audit = browser.get("/admin/audit/").await;
    assert_eq!(audit.body.matches("(settings.integrations)").count(), 2);
    assert!(audit.contains("(Grafana secret removed)"), "{}", audit.body);
    app.stop().await;
}

async fn secrets_set_by_the_environment_are_read_only_here(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let app = TestApp::spawn_configured(
        &db,
        |config| {
            config.grafana_secret = Some(Secret::new("from-the-environment-0123456789"));
            config.pagerduty_signing_secret = Some(Secret::new("pd"));
        },
        WorkerSettings::default(),
        |_| {},
    )
    .await;
    let browser = app.admin().await;
    let page = browser.get(PAGE).await;
    assert!(
        page.contains("MONOSTAT_GRAFANA_SECRET")
            && page.contains("MONOSTAT_PAGERDUTY_SIGNING_SECRET")
    );
    assert_eq!(page.body.matches("set by environment").count(), 2);
    assert!(
        !page.contains("name=\"grafana_secret\""),
        "no field to change it"
    );
    assert!(!page.contains("from-the-environment"));
    assert!(page.contains("ends in …6789"));

    let before = stored(&app).await;
    let refused = app
        .admin_post(PAGE, PAGE, &form(&[("grafana_secret", "mine")]))
        .await;
    assert_eq!(refused.status, 400);
    assert!(
        refused.contains(
            "This secret is set by the environment (MONOSTAT_GRAFANA_SECRET); change it there."
        ),
        "{}",
        refused.body
    );
    assert_eq!(stored(&app).await, before);
    // The rest of the form still saves.
    let saved = app
        .admin_post(PAGE, PAGE, &form(&[("nudge_minutes", "30")]))
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    assert_eq!(stored(&app).await.nudge_minutes, 30);
    assert_eq!(stored(&app).await.grafana_secret, "");
    app.stop().await;
}
