//! The public site in the reader's language: `Accept-Language` among the languages the admin
//! offers, `?lang=` links remembered in a cookie, `lang`/`dir`/`hreflang` right, the feeds'
//! fixed words, and the site's own language from `MONOSTAT_LANGUAGE` or the admin.

use crate::helpers::{Backend, TestApp, TestDatabase};
use crate::on_both_backends;
use crate::public_fixtures::{render, scene};
use monostat::domain::OverallState;
use monostat::jobs::WorkerSettings;
use monostat::storage::settings;

async fn page(
    app: &TestApp,
    path: &str,
    headers: &[(&str, &str)],
) -> (reqwest::header::HeaderMap, String) {
    let mut request = app.client.get(format!("{}{path}", app.base_url));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.expect("request");
    let status = response.status();
    assert!(status.is_success(), "{path}: {status}");
    let headers = response.headers().clone();
    (headers, response.text().await.expect("body"))
}

fn header<'a>(headers: &'a reqwest::header::HeaderMap, name: &str) -> &'a str {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

async fn readers_get_their_browsers_language_and_can_switch(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let app = TestApp::spawn(&db).await;
    scene(&app, OverallState::PartiallyUnavailable).await;
    render(&app).await;

    // No preference: the site's own language, English.
    let (response, body) = page(&app, "/", &[]).await;
    assert!(body.contains(r#"<html lang="en" dir="ltr">"#), "{body}");
    assert!(body.contains("is partially unavailable"));
    assert_eq!(header(&response, "content-language"), "en");
    assert!(header(&response, "vary").contains("Accept-Language"));

    // A German browser (Swiss German first, which is German here).
    let (response, body) = page(
        &app,
        "/",
        &[("accept-language", "de-CH, de;q=0.9, en;q=0.8")],
    )
    .await;
    assert!(body.contains(r#"<html lang="de" dir="ltr">"#));
    assert!(body.contains("ist teilweise nicht verfügbar"), "{body}");
    assert!(body.contains(">Verlauf</a>"));
    assert!(body.contains("Teilausfall"));
    assert_eq!(header(&response, "content-language"), "de");
    // Every language is offered to search engines, and the switch is plain links.
    for tag in ["en", "de", "fr", "es", "it", "nl", "pt", "pl", "ar"] {
        assert!(
            body.contains(&format!(
                r#"<link rel="alternate" hreflang="{tag}" href="http://"#
            )),
            "hreflang {tag}"
        );
        assert!(body.contains(&format!(
            r#"<a href="/?lang={tag}" hreflang="{tag}" lang="{tag}""#
        )));
    }
    assert!(body.contains(r#"hreflang="x-default""#));
    assert!(body.contains(
        r#"<a href="/?lang=de" hreflang="de" lang="de" dir="ltr" aria-current="true">Deutsch</a>"#
    ));

    // A language nobody offers: the site's own.
    let (_, body) = page(&app, "/", &[("accept-language", "ja, zh;q=0.5")]).await;
    assert!(body.contains(r#"<html lang="en""#));

    // The switch: Arabic, right to left, remembered for the next pages.
    let (response, body) = page(&app, "/?lang=ar", &[("accept-language", "de")]).await;
    assert!(body.contains(r#"<html lang="ar" dir="rtl">"#));
    assert!(body.contains("السجل"));
    let cookie = header(&response, "set-cookie").to_owned();
    assert!(cookie.starts_with("monostat_lang=ar;"), "{cookie}");
    let pair = cookie.split(';').next().expect("pair").to_owned();
    let (_, body) = page(
        &app,
        "/history",
        &[("cookie", &pair), ("accept-language", "de")],
    )
    .await;
    assert!(body.contains(r#"<html lang="ar" dir="rtl">"#));
    // A made-up language changes nothing and sets nothing.
    let (response, body) = page(&app, "/?lang=xx", &[]).await;
    assert!(body.contains(r#"<html lang="en""#));
    assert_eq!(header(&response, "set-cookie"), "");

    // Incident and day pages, rendered per request or from memory, follow too.
    let incident = scene(&app, OverallState::Down).await.expect("incident");
    render(&app).await;
    let path = monostat::links::incident_path(&incident);
    let (_, body) = page(&app, &path, &[("accept-language", "fr")]).await;
    assert!(body.contains(r#"<html lang="fr""#));
    assert!(body.contains("Panne"), "{body}");
    let day = path.rsplit_once('/').expect("day").0.to_owned();
    let (_, body) = page(&app, &day, &[("accept-language", "pl")]).await;
    assert!(body.contains(r#"<html lang="pl""#));

    // The feeds' fixed words.
    let (_, rss) = page(&app, "/feed/rss", &[("accept-language", "de")]).await;
    assert!(rss.contains("<language>de</language>"));
    assert!(rss.contains("[Ausfall]"), "{rss}");
    let (_, atom) = page(&app, "/feed/atom?lang=es", &[]).await;
    assert!(atom.contains(r#"xml:lang="es""#));
    app.stop().await;
}

async fn the_admin_decides_which_languages_readers_get(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let app = TestApp::spawn_configured(
        &db,
        |config| config.language = "fr",
        WorkerSettings::default(),
        |_| {},
    )
    .await;
    scene(&app, OverallState::Up).await;
    render(&app).await;
    // MONOSTAT_LANGUAGE: the site's own language until the admin picks one.
    let (_, body) = page(&app, "/", &[]).await;
    assert!(body.contains(r#"<html lang="fr""#));
    assert!(body.contains("fonctionne normalement"), "{body}");

    {
        let mut conn = app.handle.db.acquire().await.expect("connection");
        let mut site = settings::site(&mut conn).await.expect("site");
        site.language = "nl".into();
        site.languages = "nl,de".into();
        settings::save_site(&mut conn, &site).await.expect("save");
    }
    render(&app).await;
    let (_, body) = page(&app, "/", &[("accept-language", "fr, de;q=0.5")]).await;
    assert!(
        body.contains(r#"<html lang="de""#),
        "French is not offered: German"
    );
    let (_, body) = page(&app, "/?lang=fr", &[("accept-language", "es")]).await;
    assert!(
        body.contains(r#"<html lang="nl""#),
        "neither is: the site's own"
    );
    assert!(!body.contains(r#"hreflang="fr""#));

    // One language only: no switch, no hreflang, nothing varies.
    {
        let mut conn = app.handle.db.acquire().await.expect("connection");
        let mut site = settings::site(&mut conn).await.expect("site");
        site.languages = "nl".into();
        settings::save_site(&mut conn, &site).await.expect("save");
    }
    render(&app).await;
    let (response, body) = page(&app, "/", &[("accept-language", "de")]).await;
    assert!(body.contains(r#"<html lang="nl""#));
    assert!(!body.contains("hreflang"));
    assert!(!header(&response, "vary").contains("Accept-Language"));
    app.stop().await;
}

on_both_backends!(
    readers_get_their_browsers_language_and_can_switch,
    the_admin_decides_which_languages_readers_get
);
