//! Subscribing, confirming, unsubscribing and the notification mails, against a real SMTP
//! server: what subscribers receive, and that the links in it work.

use crate::helpers::{Backend, SmtpSink, TestApp, TestDatabase, eventually};
use crate::on_both_backends;
use monostat::domain::IncidentStatus;
use monostat::jobs::WorkerSettings;
use monostat::service::incidents::{self as incident_service, Actor, Edit};
use std::time::Duration;

struct Client {
    http: reqwest::Client,
    base: String,
}

struct Answer {
    status: u16,
    location: Option<String>,
    cookie: Option<String>,
    body: String,
}

impl Client {
    fn new(app: &TestApp) -> Client {
        Client {
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("client"),
            base: app.base_url.clone(),
        }
    }

    async fn send(&self, request: reqwest::RequestBuilder) -> Answer {
        let response = request.send().await.expect("sent");
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let location = header("location");
        let cookie =
            header("set-cookie").map(|c| c.split(';').next().unwrap_or_default().to_owned());
        Answer {
            status: response.status().as_u16(),
            location,
            cookie,
            body: response.text().await.expect("body"),
        }
    }

    async fn get(&self, path: &str, cookie: Option<&str>) -> Answer {
        let mut request = self.http.get(format!("{}{path}", self.base));
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        self.send(request).await
    }

    async fn post(&self, path: &str, cookie: Option<&str>, fields: &[(&str, &str)]) -> Answer {
        let mut request = self.http.post(format!("{}{path}", self.base)).form(fields);
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        self.send(request).await
    }
}

/// A form's fields.
type Fields<'a> = &'a [(&'a str, &'a str)];

/// The hidden CSRF field of a page's form.
fn csrf_field(body: &str) -> String {
    let start =
        body.find(r#"name="csrf" value=""#).expect("csrf field") + r#"name="csrf" value=""#.len();
    body[start..start + 32].to_owned()
}

/// The path of the link in a mail's plain text whose path starts with `prefix` (the links
/// carry the configured site URL; the test server listens on a port of its own).
fn link(text: &str, prefix: &str) -> String {
    text.split_whitespace()
        .filter_map(|word| url::Url::parse(word).ok())
        .map(|url| url.path().to_owned())
        .find(|path| path.starts_with(prefix))
        .unwrap_or_else(|| panic!("no link to {prefix} in {text}"))
}

fn path_of(url: &str) -> String {
    url::Url::parse(url)
        .expect("absolute URL")
        .path()
        .to_owned()
}

async fn counts(app: &TestApp) -> (i64, i64) {
    let mut conn = app.handle.db.acquire().await.expect("conn");
    let all: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM subscribers")
        .fetch_one(&mut *conn)
        .await
        .expect("count");
    let active: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM subscribers WHERE active = 1")
        .fetch_one(&mut *conn)
        .await
        .expect("count");
    (all, active)
}

async fn start(
    db: &TestDatabase,
    sink: &SmtpSink,
    slack: Option<&crate::fake_slack::FakeSlack>,
) -> TestApp {
    let slack = slack.cloned();
    TestApp::spawn_configured(
        db,
        |config| {
            sink.configure(config);
            if let Some(slack) = slack {
                slack.configure(config);
                config.slack.signing_secret = Some(monostat::config::Secret::new(
                    crate::slack_http::SIGNING_SECRET,
                ));
            }
        },
        WorkerSettings::default(),
        |_| {},
    )
    .await
}

/// Subscribes `email` through the form and the opt-in mail; returns the opt-in mail.
async fn subscribe(app: &TestApp, sink: &SmtpSink, email: &str) -> serde_json::Value {
    let client = Client::new(app);
    let form = client.get("/subscribe/", None).await;
    assert_eq!(form.status, 200);
    assert!(
        form.body
            .contains("kept only to send me notifications about new or changed incidents")
    );
    let cookie = form.cookie.expect("csrf cookie");
    let csrf = csrf_field(&form.body);
    let sent = client
        .post(
            "/subscribe/",
            Some(&cookie),
            &[("email", email), ("consent", "yes"), ("csrf", &csrf)],
        )
        .await;
    assert_eq!(
        (sent.status, sent.location.as_deref()),
        (303, Some("/subscribe/done")),
        "{}",
        sent.body
    );
    let opt_in = eventually(Duration::from_secs(20), || async {
        sink.mails_to(email).pop()
    })
    .await;
    let confirm = link(opt_in["text"].as_str().expect("text part"), "/subscribe/");
    let path = confirm.as_str();
    // Opening the link (as a link scanner would) subscribes nobody.
    let page = client.get(path, None).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Confirm subscription"));
    assert_eq!(counts(app).await.1, 0, "a GET confirms nothing");
    let cookie = page.cookie.expect("csrf cookie");
    let confirmed = client
        .post(path, Some(&cookie), &[("csrf", &csrf_field(&page.body))])
        .await;
    assert_eq!(
        (confirmed.status, confirmed.location.as_deref()),
        (303, Some("/subscribe/confirmed"))
    );
    opt_in
}

async fn the_opt_in_mail_confirms_and_the_notification_unsubscribes(backend: Backend) {
    let Some(sink) = SmtpSink::start() else {
        return;
    };
    let db = TestDatabase::new(backend).await;
    let app = start(&db, &sink, None).await;
    {
        let mut conn = app.handle.db.acquire().await.expect("conn");
        sqlx::query("UPDATE site_settings SET system_name = 'Ticket shop'")
            .execute(&mut *conn)
            .await
            .expect("name");
        sqlx::query("UPDATE notification_settings SET reply_to = 'support@example.com'")
            .execute(&mut *conn)
            .await
            .expect("reply-to");
    }
    app.handle.pages.refresh().await.expect("render");
    let opt_in = subscribe(&app, &sink, "jane@example.com").await;
    assert_eq!(
        opt_in["headers"]["From"],
        "Ticket shop System Status <status@example.com>"
    );
    assert_eq!(opt_in["headers"]["Reply-To"], "support@example.com");
    assert!(
        opt_in["html"]
            .as_str()
            .expect("html part")
            .contains("Confirm subscription")
    );
    assert_eq!(counts(&app).await, (1, 1));

    // Replaying the confirmation changes nothing and says so.
    let confirm = link(opt_in["text"].as_str().expect("text"), "/subscribe/");
    let client = Client::new(&app);
    let path = confirm.as_str().to_owned();
    let page = client.get(&path, None).await;
    assert!(page.body.contains("Already confirmed"));

    // A confirmed incident mails the subscriber once.
    let services = app.services();
    let actor = Actor {
        via: "admin",
        name: "ops".into(),
    };
    let created = incident_service::create(
        &services,
        &actor,
        &incident_service::Creation {
            title: "Checkout is failing".into(),
            status: IncidentStatus::Confirmed,
            severity: monostat::domain::Severity::Outage,
            start: jiff::Timestamp::now(),
            summary: None,
            text: None,
            end: None,
            silent: false,
            notify: true,
        },
    )
    .await
    .expect("create");
    let _ = created;
    let mail = eventually(Duration::from_secs(20), || async {
        sink.mails_to("jane@example.com")
            .into_iter()
            .find(|m| m["headers"]["Subject"] != opt_in["headers"]["Subject"])
    })
    .await;
    assert_eq!(
        mail["headers"]["Subject"],
        "[Outage] New incident confirmed"
    );
    assert_eq!(
        mail["headers"]["List-Unsubscribe-Post"],
        "List-Unsubscribe=One-Click"
    );
    let text = mail["text"].as_str().expect("text");
    let html = mail["html"].as_str().expect("html");
    assert!(
        text.contains("Checkout is failing")
            && text.contains("Status: Confirmed")
            && text.contains("Severity: Outage")
    );
    assert!(
        html.contains("Checkout is failing") && html.contains("style=\""),
        "CSS is inlined: {html}"
    );
    let incident_link = link(text, "/20");
    let page = client.get(incident_link.as_str(), None).await;
    assert_eq!(page.status, 200, "the incident link works");
    assert!(page.body.contains("Checkout is failing"));
    let header = mail["headers"]["List-Unsubscribe"]
        .as_str()
        .expect("List-Unsubscribe");
    let unsubscribe = path_of(header.trim_matches(|c| c == '<' || c == '>'));
    assert_eq!(
        unsubscribe,
        link(text, "/unsubscribe/"),
        "header and body agree"
    );

    // The unsubscribe link asks first, then a POST from its page removes the address.
    let path = unsubscribe.clone();
    let page = client.get(&path, None).await;
    assert_eq!(page.status, 200);
    assert_eq!(counts(&app).await, (1, 1), "a GET unsubscribes nobody");
    let cookie = page.cookie.expect("cookie");
    let done = client
        .post(&path, Some(&cookie), &[("csrf", &csrf_field(&page.body))])
        .await;
    assert_eq!(
        (done.status, done.location.as_deref()),
        (303, Some("/unsubscribe/done"))
    );
    assert_eq!(counts(&app).await, (0, 0));
    assert_eq!(
        client.get(&path, None).await.status,
        404,
        "the token is gone with the address"
    );
    app.stop().await;
}

async fn one_click_unsubscribe_needs_no_cookie(backend: Backend) {
    let Some(sink) = SmtpSink::start() else {
        return;
    };
    let db = TestDatabase::new(backend).await;
    let app = start(&db, &sink, None).await;
    subscribe(&app, &sink, "jane@example.com").await;
    let token: String = {
        let mut conn = app.handle.db.acquire().await.expect("conn");
        sqlx::query_scalar("SELECT token FROM subscribers")
            .fetch_one(&mut *conn)
            .await
            .expect("token")
    };
    let client = Client::new(&app);
    let answer = client
        .post(
            &format!("/unsubscribe/{token}"),
            None,
            &[("List-Unsubscribe", "One-Click")],
        )
        .await;
    assert_eq!(answer.status, 200, "no redirect for mail clients");
    assert!(answer.body.contains("You are unsubscribed"));
    assert_eq!(counts(&app).await, (0, 0));
    app.stop().await;
}

async fn bad_input_gets_a_clear_answer_and_changes_nothing(backend: Backend) {
    let Some(sink) = SmtpSink::start() else {
        return;
    };
    let db = TestDatabase::new(backend).await;
    let app = start(&db, &sink, None).await;
    let client = Client::new(&app);
    let form = client.get("/subscribe/", None).await;
    let cookie = form.cookie.clone().expect("cookie");
    let csrf = csrf_field(&form.body);
    let long = format!("{}@example.com", "a".repeat(300));
    let cases: [(Fields, u16, &str); 6] = [
        (
            &[
                ("email", "jane@example.com\r\nBcc: all@example.com"),
                ("consent", "yes"),
                ("csrf", &csrf),
            ],
            400,
            "without a name or line breaks",
        ),
        (
            &[
                ("email", "Jane <jane@example.com>"),
                ("consent", "yes"),
                ("csrf", &csrf),
            ],
            400,
            "without a name or line breaks",
        ),
        (
            &[("email", &long), ("consent", "yes"), ("csrf", &csrf)],
            400,
            "too long",
        ),
        (
            &[("email", "jane@"), ("consent", "yes"), ("csrf", &csrf)],
            400,
            "does not look like an email address",
        ),
        (
            &[("email", "jane@example.com"), ("csrf", &csrf)],
            400,
            "Please confirm that we may keep your address",
        ),
        (
            &[
                ("email", "jane@example.com"),
                ("consent", "yes"),
                ("csrf", "wrongwrongwrongwrongwrongwrong12"),
            ],
            403,
            "This form has expired",
        ),
    ];
    for (fields, status, says) in cases {
        let answer = client.post("/subscribe/", Some(&cookie), fields).await;
        assert_eq!(answer.status, status, "{fields:?}: {}", answer.body);
        assert!(answer.body.contains(says), "{fields:?}: {}", answer.body);
    }
    // Without the cookie, a correct-looking token is refused too.
    let answer = client
        .post(
            "/subscribe/",
            None,
            &[
                ("email", "jane@example.com"),
                ("consent", "yes"),
                ("csrf", &csrf),
            ],
        )
        .await;
    assert_eq!(answer.status, 403);
    assert_eq!(counts(&app).await, (0, 0), "nothing was stored");

    // Twice the same address: the second attempt is refused and mails nobody.
    let ok = client
        .post(
            "/subscribe/",
            Some(&cookie),
            &[
                ("email", "jane@example.com"),
                ("consent", "yes"),
                ("csrf", &csrf),
            ],
        )
        .await;
    assert_eq!(ok.status, 303);
    let again = client
        .post(
            "/subscribe/",
            Some(&cookie),
            &[
                ("email", "JANE@example.com"),
                ("consent", "yes"),
                ("csrf", &csrf),
            ],
        )
        .await;
    assert!(
        again
            .body
            .contains("You have already tried subscribing in the last 24 hours.")
    );
    eventually(Duration::from_secs(20), || async {
        (sink.mails().len() == 1).then_some(())
    })
    .await;
    assert_eq!(counts(&app).await, (1, 0));

    // Unknown tokens: the 404 page.
    assert_eq!(
        client
            .get("/subscribe/nosuchtokennosuchtokennosuchtoken", None)
            .await
            .status,
        404
    );
    assert_eq!(
        client
            .post(
                "/unsubscribe/nosuchtoken",
                None,
                &[("List-Unsubscribe", "One-Click")]
            )
            .await
            .status,
        404
    );

    // The rate limit: ten requests at once, then 429.
    let mut statuses = Vec::new();
    for n in 0..12 {
        let email = format!("person{n}@example.com");
        statuses.push(
            client
                .post(
                    "/subscribe/",
                    Some(&cookie),
                    &[("email", &email), ("consent", "yes"), ("csrf", &csrf)],
                )
                .await
                .status,
        );
    }
    assert!(statuses.contains(&429), "{statuses:?}");
    assert_eq!(*statuses.last().expect("last"), 429);
    app.stop().await;
}

async fn without_subscriptions_there_is_no_form(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let app = TestApp::spawn(&db).await;
    {
        let mut conn = app.handle.db.acquire().await.expect("conn");
        sqlx::query("UPDATE notification_settings SET allow_subscriptions = 0")
            .execute(&mut *conn)
            .await
            .expect("settings");
    }
    app.handle.pages.refresh().await.expect("render");
    let client = Client::new(&app);
    let form = client.get("/subscribe/", None).await;
    assert_eq!(form.status, 404);
    assert!(
        !client.get("/", None).await.body.contains("/subscribe/"),
        "no link in the footer"
    );
    app.stop().await;
}

/// The whole path: subscribe → opt-in → confirm → alert (no mail) → confirmed from Slack (one
/// mail) → update without a status change (no mail) → resolved (one mail) → one-click
/// unsubscribe → next incident (no mail).
async fn subscribers_hear_only_what_people_confirmed(backend: Backend) {
    let Some(sink) = SmtpSink::start() else {
        return;
    };
    let db = TestDatabase::new(backend).await;
    let slack = crate::fake_slack::FakeSlack::start().await;
    let app = start(&db, &sink, Some(&slack)).await;
    subscribe(&app, &sink, "jane@example.com").await;
    let notifications = || {
        sink.mails_to("jane@example.com")
            .into_iter()
            .skip(1)
            .collect::<Vec<_>>()
    };
    let settle = || async {
        // Every queued job has run (mails included).
        eventually(Duration::from_secs(30), || async {
            let mut conn = app.handle.db.acquire().await.expect("conn");
            let pending: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM jobs WHERE state = 'pending'")
                    .fetch_one(&mut *conn)
                    .await
                    .expect("count");
            (pending == 0).then_some(())
        })
        .await;
    };

    let incident = crate::slack_http::suspected_incident(&app).await;
    settle().await;
    assert!(notifications().is_empty(), "a suspicion mails nobody");

    let (status, _) = crate::slack_http::post_click(
        &app,
        &crate::slack_http::click(crate::slack_http::CONFIRM, incident.id),
    )
    .await;
    assert_eq!(status, 200);
    settle().await;
    let mails = notifications();
    assert_eq!(mails.len(), 1, "{mails:?}");
    assert_eq!(
        mails[0]["headers"]["Subject"],
        "[Outage] New incident confirmed"
    );

    let services = app.services();
    let actor = Actor {
        via: "admin",
        name: "ops".into(),
    };
    let note = Edit {
        status: None,
        severity: None,
        summary: None,
        text: Some("Still looking.".into()),
    };
    incident_service::edit(&services, &actor, incident.id, &note)
        .await
        .expect("update");
    settle().await;
    assert_eq!(
        notifications().len(),
        1,
        "an update without a status change mails nobody"
    );

    let resolve = Edit {
        status: Some(IncidentStatus::Resolved),
        severity: None,
        summary: None,
        text: Some("Fixed.".into()),
    };
    incident_service::edit(&services, &actor, incident.id, &resolve)
        .await
        .expect("resolve");
    settle().await;
    let mails = notifications();
    assert_eq!(mails.len(), 2);
    assert_eq!(
        mails[1]["headers"]["Subject"],
        "[Outage] [Resolved] Incident updated"
    );

    let unsubscribe = mails[1]["headers"]["List-Unsubscribe"]
        .as_str()
        .expect("header")
        .trim_matches(|c| c == '<' || c == '>')
        .to_owned();
    let client = Client::new(&app);
    let answer = client
        .post(
            &path_of(&unsubscribe),
            None,
            &[("List-Unsubscribe", "One-Click")],
        )
        .await;
    assert_eq!(answer.status, 200);

    let next = incident_service::create(
        &services,
        &actor,
        &incident_service::Creation {
            title: "Another one".into(),
            status: IncidentStatus::Confirmed,
            severity: monostat::domain::Severity::Partial,
            start: jiff::Timestamp::now(),
            summary: None,
            text: None,
            end: None,
            silent: false,
            notify: true,
        },
    )
    .await
    .expect("create");
    let _ = next;
    settle().await;
    assert_eq!(notifications().len(), 2, "nothing after unsubscribing");
    app.stop().await;
}

async fn a_refused_address_is_not_retried(backend: Backend) {
    let Some(sink) = SmtpSink::start() else {
        return;
    };
    let db = TestDatabase::new(backend).await;
    let app = start(&db, &sink, None).await;
    let services = app.services();
    monostat::service::subscriptions::subscribe(&services, "bounce@example.com")
        .await
        .expect("subscribe");
    let job = eventually(Duration::from_secs(20), || async {
        let mut conn = app.handle.db.acquire().await.expect("conn");
        let row: Option<(String, i32, Option<String>)> = sqlx::query_as(
            "SELECT state, attempts, last_error FROM jobs WHERE kind = 'mail.opt_in'",
        )
        .fetch_optional(&mut *conn)
        .await
        .expect("job");
        row.filter(|(state, _, _)| state != "pending")
    })
    .await;
    assert_eq!(job.0, "failed");
    assert_eq!(job.1, 1, "a 550 is final: one attempt");
    assert!(job.2.unwrap_or_default().contains("550"));
    app.stop().await;
}

async fn without_a_mail_server_mails_go_to_the_outbox(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let app = TestApp::spawn(&db).await;
    let services = app.services();
    monostat::service::subscriptions::subscribe(&services, "jane@example.com")
        .await
        .expect("subscribe");
    let outbox = db.data_dir.path().join("outbox");
    let mail = eventually(Duration::from_secs(20), || async {
        let entry = std::fs::read_dir(&outbox)
            .ok()?
            .flatten()
            .find(|e| e.path().extension().is_some_and(|ext| ext == "eml"))?;
        std::fs::read_to_string(entry.path()).ok()
    })
    .await;
    assert!(mail.contains("To: jane@example.com"), "{mail}");
    assert!(
        mail.contains("Subject: Please confirm your subscription"),
        "{mail}"
    );
    app.stop().await;
}

on_both_backends!(
    without_a_mail_server_mails_go_to_the_outbox,
    the_opt_in_mail_confirms_and_the_notification_unsubscribes,
    one_click_unsubscribe_needs_no_cookie,
    bad_input_gets_a_clear_answer_and_changes_nothing,
    without_subscriptions_there_is_no_form,
    subscribers_hear_only_what_people_confirmed,
    a_refused_address_is_not_retried,
);
