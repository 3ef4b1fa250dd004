//! The settings pages: what an admin changes shows on the public page at once, bad values are
//! refused next to their field with nothing saved, and uploaded logos cannot carry scripts.

use crate::admin::{PASSWORD, USER};
use crate::admin_client::Browser;
use crate::helpers::{Backend, Hooks, TestApp, TestDatabase, eventually};
use crate::on_both_backends;
use monostat::jobs::WorkerSettings;
use monostat::public::theme::{Rgb, contrast};
use std::time::Duration;

/// A 1×1 PNG.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x60, 0x00, 0x02, 0x00,
    0x00, 0x05, 0x00, 0x01, 0xe2, 0x26, 0x05, 0x9b, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44,
    0xae, 0x42, 0x60, 0x82,
];

async fn public_page_shows(app: &TestApp, text: &str) {
    eventually(Duration::from_secs(10), || async {
        let body = app.get("/").await.text().await.expect("body");
        body.contains(text).then_some(())
    })
    .await;
}

fn site_fields<'a>(name: &'a str, primary: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("system_name", name),
        ("support_email", "help@tickets.example"),
        ("support_phone", "+49 621 1234"),
        ("legal_url", "https://tickets.example/legal"),
        ("privacy_url", ""),
        ("primary_color", primary),
        ("link_color", "#7f4a91"),
        ("success_color", "#50a167"),
        ("warning_color", "#ffb419"),
        ("danger_color", "#c44f4f"),
        ("info_color", "#5f9cd4"),
        ("primary_text_color", "#333333"),
        ("secondary_text_color", "#767676"),
        ("background_color", "#ffffff"),
    ]
}

async fn site_settings_show_on_the_public_page(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let app = TestApp::spawn(&db).await;
    let browser = app.admin().await;

    // A bad colour and a bad URL: both named next to their field, nothing saved, input kept.
    let mut bad = site_fields("Ticket Shop", "red");
    bad[3] = ("legal_url", "javascript:alert(1)");
    let page = app
        .admin_post("/admin/settings/site", "/admin/settings/site", &bad)
        .await;
    assert_eq!(page.status, 400);
    assert!(page.contains("A colour like #3B1C4A."), "{}", page.body);
    assert!(page.contains("Enter a full address starting with https://"));
    assert!(page.contains("value=\"Ticket Shop\""), "input kept");
    assert!(
        !app.get("/")
            .await
            .text()
            .await
            .expect("body")
            .contains("Ticket Shop")
    );

    let page = app
        .admin_post(
            "/admin/settings/site",
            "/admin/settings/site",
            &site_fields("Ticket Shop", "#112233"),
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    public_page_shows(&app, "Ticket Shop status").await;
    let body = app.get("/").await.text().await.expect("body");
    assert!(body.contains("https://tickets.example/legal"));
    let theme = body
        .split("href=\"")
        .find(|s| s.starts_with("/static/theme."))
        .and_then(|s| s.split('"').next())
        .expect("theme link")
        .to_owned();
    let css = app.get(&theme).await.text().await.expect("css");
    assert!(css.contains("#112233"), "{css}");
    let audit = browser.get("/admin/audit/").await;
    assert_eq!(
        audit.body.matches("(settings.site)").count(),
        1,
        "one audit entry: {}",
        audit.body
    );
    app.stop().await;
}

/// A pale yellow link would be unreadable on white: the setting is kept as chosen, the page
/// shows a darker yellow that passes AA (and the pale one where it reads, on the dark scheme),
/// and the admin is told what the page shows.
async fn a_colour_too_faint_to_read_is_adjusted_and_the_admin_told(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let app = TestApp::spawn(&db).await;
    let browser = app.admin().await;
    let mut fields = site_fields("Ticket Shop", "#3b1c4a");
    fields.retain(|(name, _)| *name != "link_color");
    fields.push(("link_color", "#ffff99"));
    let page = app
        .admin_post("/admin/settings/site", "/admin/settings/site", &fields)
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    public_page_shows(&app, "Ticket Shop status").await;

    let settings = browser.get("/admin/settings/site").await;
    assert!(settings.contains("value=\"#ffff99\""), "kept as chosen");
    let shown = settings
        .body
        .split("<p class=\"hint\" id=\"link_color-shown\">Shown as ")
        .nth(1)
        .and_then(|rest| rest.get(..7))
        .expect("the admin is told what the page shows")
        .to_owned();
    assert!(
        settings.contains("aria-describedby=\"link_color-shown\""),
        "the hint belongs to the field"
    );
    let shown_rgb = Rgb::parse(&shown).expect("a colour");
    assert!(contrast(shown_rgb, Rgb::WHITE) >= 4.5, "{shown}");

    let body = app.get("/").await.text().await.expect("body");
    let theme = body
        .split("href=\"")
        .find(|s| s.starts_with("/static/theme."))
        .and_then(|s| s.split('"').next())
        .expect("theme link")
        .to_owned();
    let css = app.get(&theme).await.text().await.expect("css");
    let (light, dark) = css
        .split_once("@media (prefers-color-scheme: dark)")
        .expect("a dark scheme");
    assert!(light.contains(&format!("--link: {shown};")), "{css}");
    assert!(dark.contains("--link: #FFFF99;"), "{css}");
    app.stop().await;
}

async fn logos_are_checked_before_they_are_served(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let app = TestApp::spawn(&db).await;
    let browser = app.admin().await;
    let csrf = browser.get("/admin/settings/site").await.csrf();
    let action = format!("/admin/settings/logo?csrf={csrf}");

    let hostile = br#"<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>"#;
    let page = browser.upload(&action, "logo", "logo.svg", hostile).await;
    assert_eq!(page.status, 400);
    assert!(page.contains("This SVG cannot be used"), "{}", page.body);
    let big = vec![0u8; 1024 * 1024 + 1];
    let page = browser.upload(&action, "logo", "logo.png", &big).await;
    assert_eq!(page.status, 413);
    assert!(page.contains("at most 1024 KiB (1 MiB)"), "{}", page.body);
    let page = browser
        .upload(&action, "logo", "logo.png", b"GIF89a....")
        .await;
    assert_eq!(page.status, 400);
    assert!(page.contains("Only PNG, JPEG, WebP and SVG images"));
    // Without the form's token, nothing is stored.
    let page = browser
        .upload("/admin/settings/logo?csrf=wrong", "logo", "logo.png", PNG)
        .await;
    assert_eq!(page.status, 403);
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM media")
        .fetch_one(&mut *app.handle.db.acquire().await.expect("conn"))
        .await
        .expect("count");
    assert_eq!(stored, 0, "refused files are not stored");

    let page = browser.upload(&action, "logo", "whatever.svg", PNG).await;
    assert_eq!(page.status, 303, "{}", page.body);
    public_page_shows(&app, "src=\"/media/logo.").await;
    let body = app.get("/").await.text().await.expect("body");
    let src = body
        .split("src=\"")
        .find(|s| s.starts_with("/media/"))
        .and_then(|s| s.split('"').next())
        .expect("logo src")
        .to_owned();
    assert!(
        src.ends_with(".png"),
        "named by content, not by upload name: {src}"
    );
    let logo = app.get(&src).await;
    assert_eq!(logo.status(), 200);
    assert_eq!(logo.headers()["content-type"], "image/png");
    assert!(
        logo.headers()["content-security-policy"]
            .to_str()
            .expect("ascii")
            .contains("sandbox")
    );
    assert_eq!(logo.bytes().await.expect("bytes").as_ref(), PNG);
    assert_eq!(app.get("/media/..%2Fmonostat.db").await.status(), 404);
    // Another instance on the same database, with a data directory of its own, serves it too.
    let elsewhere = tempfile::tempdir().expect("temporary directory");
    let other = TestApp::spawn_configured(
        &db,
        |config| config.data_dir = elsewhere.path().to_path_buf(),
        monostat::jobs::WorkerSettings::default(),
        |_| {},
    )
    .await;
    let logo = other.get(&src).await;
    assert_eq!(logo.status(), 200);
    assert_eq!(logo.bytes().await.expect("bytes").as_ref(), PNG);
    other.stop().await;
    app.stop().await;
}

async fn hook_urls_are_shown_and_the_secret_can_be_replaced(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let app = TestApp::spawn(&db).await;
    let browser = app.admin().await;
    let page = browser.get("/admin/settings/hooks").await;
    let url_of = |body: &str, id: &str| {
        let marker = format!("id=\"{id}\" value=\"");
        let start = body.find(&marker).expect("field") + marker.len();
        body[start..].split('"').next().expect("value").to_owned()
    };
    let old = url_of(&page.body, "opsgenie-url");
    assert!(old.starts_with("http://"), "{old}");
    assert!(old.contains("/integrations/opsgenie/hook/"));
    assert!(url_of(&page.body, "alertmanager-url").contains("/integrations/alertmanager/hook/"));
    let jsm = url_of(&page.body, "jsm-url");
    assert_eq!(
        jsm,
        old.replace("/integrations/opsgenie/", "/integrations/jsm/"),
        "the same secret on JSM's own path"
    );
    assert_eq!(
        url_of(&page.body, "webhook-url"),
        old.replace("/integrations/opsgenie/", "/integrations/webhook/"),
        "the generic hook, with the same secret"
    );
    let path = |url: &str| {
        url.splitn(4, '/')
            .nth(3)
            .map(|p| format!("/{p}"))
            .expect("path")
    };
    // The secret is the URL's last segment; delivered with it, an alert is taken or refused.
    let deliver = |url: &str| {
        let secret = url.rsplit('/').next().expect("secret").to_owned();
        let hooks = Hooks::at(&app.base_url, &secret);
        assert_eq!(
            hooks.url("opsgenie"),
            format!("{}{}", app.base_url, path(url))
        );
        async move {
            let create = include_str!("../fixtures/opsgenie_create.json");
            hooks.opsgenie(create).await.0
        }
    };
    assert_eq!(deliver(&old).await, 200, "the shown URL works");

    let page = app
        .admin_post(
            "/admin/settings/hooks",
            "/admin/settings/hooks/regenerate",
            &[],
        )
        .await;
    assert_eq!(page.status, 303);
    let page = browser.get("/admin/settings/hooks").await;
    let new = url_of(&page.body, "opsgenie-url");
    assert_ne!(new, old);
    assert_ne!(deliver(&old).await, 200, "the old URL stops working");
    assert_eq!(deliver(&new).await, 200);
    app.stop().await;
}

async fn slack_settings_are_masked_and_tested(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let slack = crate::fake_slack::FakeSlack::start().await;
    let api_url = slack.api_url.clone();
    let app = TestApp::spawn_configured(
        &db,
        move |config| config.slack.api_url = api_url.parse().expect("url"),
        WorkerSettings::default(),
        |_| {},
    )
    .await;
    let browser = app.admin().await;

    let page = app
        .admin_post("/admin/settings/slack", "/admin/settings/slack/test", &[])
        .await;
    assert!(
        page.contains("There is no bot token to test"),
        "{}",
        page.body
    );

    let page = app
        .admin_post(
            "/admin/settings/slack",
            "/admin/settings/slack",
            &[
                ("bot_token", "xoxb-1111-2222-revoked-9z9z"),
                ("app_token", ""),
                ("signing_secret", "8f2a0123456789abcdef0123456789ab"),
                ("channel_name", ""),
            ],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    let page = browser.get("/admin/settings/slack").await;
    assert!(page.contains("xoxb-…9z9z"), "{}", page.body);
    assert!(
        !page.contains("xoxb-1111-2222-revoked-9z9z"),
        "never shown in full"
    );
    assert!(!page.contains("8f2a0123456789abcdef0123456789ab"));
    assert!(page.contains("Off (no app-level token)"));

    let page = app
        .admin_post("/admin/settings/slack", "/admin/settings/slack/test", &[])
        .await;
    assert!(
        page.contains("Slack refused the token: invalid_auth"),
        "{}",
        page.body
    );

    // A new channel is checked with the token in force, which Slack refuses: nothing saved.
    let page = app
        .admin_post(
            "/admin/settings/slack",
            "/admin/settings/slack",
            &[("channel_name", "#status-new")],
        )
        .await;
    assert_eq!(page.status, 400);
    assert!(
        page.contains("Slack refused the bot token (invalid_auth)"),
        "{}",
        page.body
    );
    {
        let mut conn = app.handle.db.acquire().await.expect("conn");
        let stored = monostat::storage::settings::slack(&mut conn)
            .await
            .expect("slack");
        assert_eq!(stored.channel_name, "");
    }
    // A new token replaces the old; the empty signing secret field keeps the stored one.
    let page = app
        .admin_post(
            "/admin/settings/slack",
            "/admin/settings/slack",
            &[
                ("bot_token", "xoxb-3333-4444-good-7a7a"),
                ("signing_secret", ""),
                ("channel_name", "#statuspage"),
            ],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    let page = app
        .admin_post("/admin/settings/slack", "/admin/settings/slack/test", &[])
        .await;
    assert!(page.contains("Connected to the workspace"), "{}", page.body);
    let tested = slack.calls_to("auth.test");
    assert_eq!(
        tested.last().and_then(|c| c.token.as_deref()),
        Some("xoxb-3333-4444-good-7a7a")
    );
    let mut conn = app.handle.db.acquire().await.expect("conn");
    let stored = monostat::storage::settings::slack(&mut conn)
        .await
        .expect("slack");
    assert_eq!(stored.signing_secret, "8f2a0123456789abcdef0123456789ab");
    assert_eq!(stored.channel_id.as_deref(), Some("C0FAKECHAN1"));
    drop(conn);

    // A value from the environment is shown, read-only.
    app.stop().await;
    let slack_env = slack.clone();
    let app = TestApp::spawn_configured(
        &db,
        move |config| slack_env.configure(config),
        WorkerSettings::default(),
        |_| {},
    )
    .await;
    let browser = Browser::new(&app.base_url);
    browser.log_in(USER, PASSWORD).await;
    let page = browser.get("/admin/settings/slack").await;
    assert!(page.contains("set by environment"), "{}", page.body);
    assert!(!page.contains("name=\"bot_token\""), "no field for it");
    assert!(!page.contains("name=\"channel_name\""));
    app.stop().await;
}

/// A logo uploaded by an earlier build, kept as a file in the data directory, moves into the
/// database at start and is served as before.
async fn a_logo_file_from_an_earlier_build_is_still_served(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let app = TestApp::spawn(&db).await;
    sqlx::query("UPDATE site_settings SET logo = 'logo.0123456789abcdef.png'")
        .execute(&mut *app.handle.db.acquire().await.expect("conn"))
        .await
        .expect("setting");
    app.stop().await;
    let media = db.data_dir.path().join("media");
    std::fs::create_dir_all(&media).expect("media");
    std::fs::write(media.join("logo.0123456789abcdef.png"), PNG).expect("file");
    let app = TestApp::spawn(&db).await;
    let logo = app.get("/media/logo.0123456789abcdef.png").await;
    assert_eq!(logo.status(), 200);
    assert_eq!(logo.bytes().await.expect("bytes").as_ref(), PNG);
    app.stop().await;
}

on_both_backends!(
    site_settings_show_on_the_public_page,
    a_colour_too_faint_to_read_is_adjusted_and_the_admin_told,
    logos_are_checked_before_they_are_served,
    a_logo_file_from_an_earlier_build_is_still_served,
    hook_urls_are_shown_and_the_secret_can_be_replaced,
    slack_settings_are_masked_and_tested,
);
