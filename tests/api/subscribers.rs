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
    retry_after: Option<String>,
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
        let retry_after = header("retry-after");
        let cookie =
            header("set-cookie").map(|c| c.split(';').next().unwrap_or_default().to_owned());
        Answer {
            status: response.status().as_u16(),
            location,
            cookie,
            retry_after,
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

/// The stored addresses, all and active, as the admin's subscriber page counts them ("1
/// active, 2 waiting for confirmation").
async fn counts(app: &TestApp) -> (i64, i64) {
    let page = app.admin().await.get("/admin/subscribers/").await;
    let line = page
        .body
        .split("<p>")
        .find(|p| p.contains(" waiting for confirmation"))
        .unwrap_or_else(|| panic!("the counts: {}", page.body));
    let numbers: Vec<i64> = line
        .split_whitespace()
        .take(4)
        .filter_map(|word| word.trim_end_matches(',').parse().ok())
        .collect();
    let [active, waiting] = numbers[..] else {
        panic!("two counts in {line}");
    };
    (active + waiting, active)
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
                    crate::helpers::SLACK_SIGNING_SECRET,
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
    let opt_in = subscribe(&app, &sink, "jane@example.com").await;
    // The address's token, as the opt-in mail's link carries it (the same token unsubscribes).
    let confirm = link(opt_in["text"].as_str().expect("text part"), "/subscribe/");
    let token = confirm.trim_start_matches("/subscribe/").to_owned();
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

    // Twice the same address: the same answer, and a second mail with the same link (the first
    // may be lost in a spam folder).
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
    assert_eq!(
        (again.status, again.location.as_deref()),
        (303, Some("/subscribe/done"))
    );
    let mails = eventually(Duration::from_secs(20), || async {
        let mails = sink.mails();
        (mails.len() == 2).then_some(mails)
    })
    .await;
    assert_eq!(
        link(mails[0]["text"].as_str().expect("text"), "/subscribe/"),
        link(mails[1]["text"].as_str().expect("text"), "/subscribe/")
    );
    assert_eq!(counts(&app).await, (1, 0), "one row for the address");

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
    let settle = || app.settle();

    let incident = crate::slack_http::suspected_incident(&app).await;
    settle().await;
    assert!(notifications().is_empty(), "a suspicion mails nobody");

    let (status, _) = app
        .slack_click(crate::slack_http::CONFIRM, incident.id)
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
    monostat::service::subscriptions::subscribe(&services, "bounce@example.com", 200, "")
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
    monostat::service::subscriptions::subscribe(&services, "jane@example.com", 200, "")
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

/// Posts the subscribe form for `email` as the client `ip` (through `X-Forwarded-For`, which
/// the server believes from loopback): each caller its own client, so that the per-client
/// allowance does not hide what these tests are about.
async fn sign_up(app: &TestApp, email: &str, ip: &str) -> Answer {
    let client = Client::new(app);
    let form = client.get("/subscribe/", None).await;
    let cookie = form.cookie.expect("csrf cookie");
    let csrf = csrf_field(&form.body);
    let request = client
        .http
        .post(format!("{}/subscribe/", client.base))
        .header("cookie", cookie)
        .header("x-forwarded-for", ip)
        .form(&[("email", email), ("consent", "yes"), ("csrf", &csrf)]);
    client.send(request).await
}

/// Mails whose recipient, lower-cased and without `+tag`, is `inbox`.
fn mails_reaching(sink: &SmtpSink, inbox: &str) -> Vec<serde_json::Value> {
    sink.mails()
        .into_iter()
        .filter(|m| {
            let to = m["rcpt_tos"][0].as_str().unwrap_or_default().to_lowercase();
            let (local, domain) = to.split_once('@').unwrap_or_default();
            let local = local.split('+').next().unwrap_or_default();
            format!("{local}@{domain}") == inbox
        })
        .collect()
}

async fn tagged_variants_of_one_inbox_get_at_most_three_mails(backend: Backend) {
    let Some(sink) = SmtpSink::start() else {
        return;
    };
    let db = TestDatabase::new(backend).await;
    let app = start(&db, &sink, None).await;
    for n in 0..20 {
        let email = if n % 2 == 0 {
            format!("victim+{n}@example.com")
        } else {
            format!("Victim+{n}@Example.com")
        };
        let answer = sign_up(&app, &email, &format!("203.0.113.{n}")).await;
        assert_eq!(
            (answer.status, answer.location.as_deref()),
            (303, Some("/subscribe/done")),
            "{email}: the same answer every time"
        );
    }
    // Somebody else's inbox is not affected by the victim's cap.
    sign_up(&app, "someone@example.com", "203.0.113.50").await;
    app.settle().await;
    let cap = monostat::service::subscriptions::OPT_IN_MAILS_PER_RECIPIENT as usize;
    let mails = mails_reaching(&sink, "victim@example.com");
    assert_eq!(mails.len(), cap, "{mails:#?}");
    assert_eq!(mails_reaching(&sink, "someone@example.com").len(), 1);
    assert_eq!(
        counts(&app).await,
        (cap as i64 + 1, 0),
        "addresses that got no mail are not stored either"
    );

    // The count is in the database: a restarted server keeps to it.
    app.stop().await;
    let app = start(&db, &sink, None).await;
    let answer = sign_up(&app, "victim+again@example.com", "203.0.113.60").await;
    assert_eq!(answer.location.as_deref(), Some("/subscribe/done"));
    app.settle().await;
    assert_eq!(mails_reaching(&sink, "victim@example.com").len(), cap);
    app.stop().await;
}

async fn the_form_answers_the_same_for_known_and_unknown_addresses(backend: Backend) {
    let Some(sink) = SmtpSink::start() else {
        return;
    };
    let db = TestDatabase::new(backend).await;
    let app = start(&db, &sink, None).await;
    subscribe(&app, &sink, "subscribed@example.com").await;
    let first = sign_up(&app, "pending@example.com", "203.0.113.1").await;
    assert_eq!(first.location.as_deref(), Some("/subscribe/done"));
    app.settle().await;

    let answers = [
        sign_up(&app, "new@example.com", "203.0.113.2").await,
        sign_up(&app, "pending@example.com", "203.0.113.3").await,
        sign_up(&app, "Subscribed@example.com", "203.0.113.4").await,
    ];
    let seen: Vec<_> = answers
        .iter()
        .map(|a| {
            (
                a.status,
                a.location.clone(),
                a.cookie.clone(),
                a.body.clone(),
            )
        })
        .collect();
    assert_eq!(
        seen[0],
        (303, Some("/subscribe/done".to_owned()), None, String::new())
    );
    assert_eq!(seen[1], seen[0], "a pending address");
    assert_eq!(seen[2], seen[0], "a subscribed address");
    assert_eq!(
        counts(&app).await,
        (3, 1),
        "nothing changed for the known ones"
    );
    app.settle().await;

    // The mails differ: the inbox's owner may know.
    assert_eq!(sink.mails_to("new@example.com").len(), 1);
    let pending = sink.mails_to("pending@example.com");
    assert_eq!(pending.len(), 2);
    assert_eq!(
        link(pending[0]["text"].as_str().expect("text"), "/subscribe/"),
        link(pending[1]["text"].as_str().expect("text"), "/subscribe/"),
        "the same link again"
    );
    assert_ne!(
        pending[0]["headers"]["Message-ID"], pending[1]["headers"]["Message-ID"],
        "not folded into the first one by mail clients"
    );
    let notice = sink
        .mails_to("subscribed@example.com")
        .pop()
        .expect("a mail to the subscribed address");
    assert_eq!(
        notice["headers"]["Subject"],
        "You are subscribed to Our service status updates already"
    );
    let text = notice["text"].as_str().expect("text");
    assert!(text.contains("there is nothing to do"), "{text}");
    let client = Client::new(&app);
    let unsubscribe = client.get(&link(text, "/unsubscribe/"), None).await;
    assert_eq!(unsubscribe.status, 200, "its unsubscribe link works");
    assert!(unsubscribe.body.contains("Do you want to stop receiving"));
    app.stop().await;
}

async fn an_expired_sign_up_says_so_and_subscribes_nobody(backend: Backend) {
    let Some(sink) = SmtpSink::start() else {
        return;
    };
    let db = TestDatabase::new(backend).await;
    let app = start(&db, &sink, None).await;
    sign_up(&app, "late@example.com", "203.0.113.1").await;
    let mail = eventually(Duration::from_secs(20), || async {
        sink.mails_to("late@example.com").pop()
    })
    .await;
    let text = mail["text"].as_str().expect("text");
    assert!(text.contains("The link works for 48 hours."), "{text}");
    let confirm = link(text, "/subscribe/");
    {
        let mut conn = app.handle.db.acquire().await.expect("conn");
        let two_days_and_an_hour_ago =
            jiff::Timestamp::now() - jiff::SignedDuration::from_hours(49);
        sqlx::query("UPDATE subscribers SET created_at = $1")
            .bind(two_days_and_an_hour_ago.as_microsecond())
            .execute(&mut *conn)
            .await
            .expect("backdate");
    }
    let client = Client::new(&app);
    let page = client.get(&confirm, None).await;
    assert_eq!(page.status, 410);
    assert!(page.body.contains("This link has expired"), "{}", page.body);
    assert!(!page.body.contains("Confirm subscription"), "no button");
    // A click on a button from before the link expired subscribes nobody either.
    let form = client.get("/subscribe/", None).await;
    let cookie = form.cookie.expect("cookie");
    let posted = client
        .post(
            &confirm,
            Some(&cookie),
            &[("csrf", &csrf_field(&form.body))],
        )
        .await;
    assert_eq!(posted.status, 410);
    assert!(posted.body.contains("This link has expired"));
    assert_eq!(counts(&app).await, (1, 0));

    // The next sign-up sweeps the expired one away; its link still says what happened.
    sign_up(&app, "other@example.com", "203.0.113.2").await;
    assert_eq!(counts(&app).await, (1, 0), "only the new sign-up is left");
    let listed = app.admin().await.get("/admin/subscribers/").await;
    assert!(listed.contains("other@example.com"), "{}", listed.body);
    assert!(
        !listed.contains("late@example.com"),
        "the address is deleted"
    );
    let page = client.get(&confirm, None).await;
    assert_eq!(page.status, 410);
    assert!(page.body.contains("This link has expired"));

    // Subscribing again gives a new link that works.
    sign_up(&app, "late@example.com", "203.0.113.3").await;
    let again = eventually(Duration::from_secs(20), || async {
        let mails = sink.mails_to("late@example.com");
        (mails.len() == 2).then(|| mails[1].clone())
    })
    .await;
    let fresh = link(again["text"].as_str().expect("text"), "/subscribe/");
    assert_ne!(fresh, confirm);
    let page = client.get(&fresh, None).await;
    let confirmed = client
        .post(
            &fresh,
            page.cookie.as_deref(),
            &[("csrf", &csrf_field(&page.body))],
        )
        .await;
    assert_eq!(confirmed.location.as_deref(), Some("/subscribe/confirmed"));
    app.stop().await;
}

async fn insert_subscriber(
    conn: &mut sqlx::AnyConnection,
    email: &str,
    active: bool,
    token: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO subscribers (email, active, token, created_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(email)
    .bind(i32::from(active))
    .bind(token)
    .bind(jiff::Timestamp::now().as_microsecond())
    .execute(&mut *conn)
    .await
    .map(|_| ())
}

async fn the_database_refuses_a_second_active_row(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    // A database as the previous version left it, with an address subscribed twice (two
    // confirmations racing each other could do that).
    let old = monostat::storage::Db::connect(&db.database_config())
        .await
        .expect("connect");
    old.migrate_to(8).await.expect("older schema");
    {
        let mut conn = old.acquire().await.expect("conn");
        for (email, active, token) in [
            ("ann@example.com", true, "tokenann1"),
            ("Ann@example.com", true, "tokenann2"),
            ("ann@example.com", false, "tokenann3"),
            ("bob@example.com", true, "tokenbob1"),
        ] {
            insert_subscriber(&mut conn, email, active, token)
                .await
                .expect("insert");
        }
    }
    old.close().await;
    let app = TestApp::spawn(&db).await;
    let mut conn = app.handle.db.acquire().await.expect("conn");
    let rows: Vec<(String, i32)> =
        sqlx::query_as("SELECT token, active FROM subscribers ORDER BY id")
            .fetch_all(&mut *conn)
            .await
            .expect("rows");
    assert_eq!(
        rows,
        [
            ("tokenann1".to_owned(), 1),
            ("tokenann3".to_owned(), 0),
            ("tokenbob1".to_owned(), 1)
        ],
        "the first subscription of an address is kept; pending sign-ups stay"
    );

    for email in ["ann@example.com", "ANN@example.com"] {
        let refused = insert_subscriber(&mut conn, email, true, &format!("second{email}"))
            .await
            .expect_err("a second active row");
        assert!(
            monostat::storage::is_unique_violation(&refused),
            "{refused}"
        );
    }
    let refused = sqlx::query("UPDATE subscribers SET active = 1 WHERE token = 'tokenann3'")
        .execute(&mut *conn)
        .await
        .expect_err("activating a second row");
    assert!(
        monostat::storage::is_unique_violation(&refused),
        "{refused}"
    );
    insert_subscriber(&mut conn, "ann@example.com", false, "anotherpending")
        .await
        .expect("sign-ups of a subscribed address may wait");
    insert_subscriber(&mut conn, "ann+status@example.com", true, "tagged")
        .await
        .expect("a tagged address is an address of its own");
    drop(conn);
    app.stop().await;
}

async fn the_hourly_cap_asks_to_try_again_later(backend: Backend) {
    let Some(sink) = SmtpSink::start() else {
        return;
    };
    let db = TestDatabase::new(backend).await;
    let app = TestApp::spawn_configured(
        &db,
        |config| {
            sink.configure(config);
            config.mail.opt_in_mails_per_hour = 3;
        },
        WorkerSettings::default(),
        |_| {},
    )
    .await;
    for n in 0..3 {
        let answer = sign_up(&app, &format!("person{n}@example.com"), "203.0.113.1").await;
        assert_eq!(answer.location.as_deref(), Some("/subscribe/done"));
    }
    for email in ["late@example.com", "person0@example.com"] {
        let refused = sign_up(&app, email, "203.0.113.2").await;
        assert_eq!(refused.status, 503, "{email}: {}", refused.body);
        assert!(
            refused
                .body
                .contains("Many people are subscribing right now")
                && refused.body.contains("Please try again in"),
            "{}",
            refused.body
        );
        // Until the first of the hour's mails is an hour old.
        let wait: u64 = refused
            .retry_after
            .as_deref()
            .and_then(|v| v.parse().ok())
            .expect("Retry-After");
        assert!((60..=3_600).contains(&wait), "{wait}");
        assert!(
            refused.body.contains(email),
            "the form keeps what was typed"
        );
    }
    app.settle().await;
    assert_eq!(sink.mails().len(), 3);
    assert_eq!(counts(&app).await, (3, 0), "nothing stored for the refused");

    // An hour later there is room again.
    {
        let mut conn = app.handle.db.acquire().await.expect("conn");
        sqlx::query("UPDATE opt_in_mails SET created_at = created_at - $1")
            .bind(jiff::SignedDuration::from_mins(61).as_micros() as i64)
            .execute(&mut *conn)
            .await
            .expect("an hour passes");
    }
    let answer = sign_up(&app, "late@example.com", "203.0.113.3").await;
    assert_eq!(answer.location.as_deref(), Some("/subscribe/done"));
    app.settle().await;
    assert_eq!(sink.mails_to("late@example.com").len(), 1);
    app.stop().await;
}

/// A reader who subscribes on the German page gets German mails: the opt-in, and the news of an
/// incident with the update the team wrote, word for word.
async fn a_german_subscriber_gets_the_news_in_german(backend: Backend) {
    let Some(sink) = SmtpSink::start() else {
        return;
    };
    let db = TestDatabase::new(backend).await;
    let app = start(&db, &sink, None).await;
    let client = Client::new(&app);
    let form = client.get("/subscribe/?lang=de", None).await;
    assert_eq!(form.status, 200);
    assert!(form.body.contains("E-Mail-Adresse"), "{}", form.body);
    assert!(
        form.body
            .contains(r#"<input type="hidden" name="lang" value="de">"#)
    );
    let cookie = form.cookie.expect("csrf cookie");
    let sent = client
        .post(
            "/subscribe/",
            Some(&cookie),
            &[
                ("email", "anna@example.de"),
                ("consent", "yes"),
                ("csrf", &csrf_field(&form.body)),
                ("lang", "de"),
            ],
        )
        .await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    let opt_in = eventually(Duration::from_secs(20), || async {
        sink.mails_to("anna@example.de").pop()
    })
    .await;
    let text = opt_in["text"]
        .as_str()
        .expect("text part")
        .replace("\r\n", "\n");
    assert!(
        text.starts_with("Jemand, hoffentlich Sie, hat angefordert"),
        "{text}"
    );
    assert_eq!(
        opt_in["headers"]["Subject"],
        "Bitte bestätigen Sie Ihr Abonnement der Statusmeldungen von Our service"
    );
    let confirm = link(&text, "/subscribe/");
    let page = client.get(&confirm, None).await;
    let cookie = page.cookie.expect("csrf cookie");
    let confirmed = client
        .post(
            &confirm,
            Some(&cookie),
            &[("csrf", &csrf_field(&page.body))],
        )
        .await;
    assert_eq!(confirmed.status, 303);

    let incident = {
        let mut conn = app.handle.db.acquire().await.expect("conn");
        let now = jiff::Timestamp::now();
        monostat::storage::incidents::insert(
            &mut conn,
            &monostat::storage::incidents::NewIncident {
                status: IncidentStatus::Suspected,
                severity: monostat::domain::Severity::Partial,
                start: now,
                end: None,
                title: "Kartenzahlung gestört".into(),
                summary: None,
                silent: false,
            },
            now,
        )
        .await
        .expect("insert")
    };
    incident_service::edit(
        &app.services(),
        &Actor {
            via: "admin",
            name: "ops".into(),
        },
        incident.id,
        &Edit {
            status: Some(IncidentStatus::Confirmed),
            severity: None,
            summary: None,
            text: Some("Der Zahlungsanbieter antwortet nicht; **PayPal** funktioniert.".into()),
        },
    )
    .await
    .expect("confirm");
    app.settle().await;
    let mails = sink.mails_to("anna@example.de");
    assert_eq!(mails.len(), 2, "the opt-in and the news: {mails:?}");
    let news = &mails[1];
    let text = news["text"]
        .as_str()
        .expect("text part")
        .replace("\r\n", "\n");
    let html = news["html"]
        .as_str()
        .expect("html part")
        .replace("\r\n", "\n");
    assert!(
        text.starts_with("Ein neuer Vorfall wurde bestätigt."),
        "{text}"
    );
    assert!(text.contains("Status: Bestätigt"), "{text}");
    assert!(text.contains("Schweregrad: Teilausfall"), "{text}");
    assert!(
        text.contains("Der Zahlungsanbieter antwortet nicht; PayPal funktioniert."),
        "the update as written, as plain text: {text}"
    );
    assert!(text.contains("Sie erhalten diese E-Mail, weil"), "{text}");
    assert!(html.contains(r#"<html lang="de""#), "{html}");
    assert!(html.contains("<strong>PayPal</strong>"), "{html}");
    assert!(!text.contains("You receive this"), "{text}");
    assert_eq!(
        news["headers"]["Subject"],
        "[Teilausfall] Neuer Vorfall bestätigt"
    );
    app.stop().await;
}

on_both_backends!(
    a_german_subscriber_gets_the_news_in_german,
    without_a_mail_server_mails_go_to_the_outbox,
    the_opt_in_mail_confirms_and_the_notification_unsubscribes,
    one_click_unsubscribe_needs_no_cookie,
    bad_input_gets_a_clear_answer_and_changes_nothing,
    without_subscriptions_there_is_no_form,
    subscribers_hear_only_what_people_confirmed,
    a_refused_address_is_not_retried,
    tagged_variants_of_one_inbox_get_at_most_three_mails,
    the_form_answers_the_same_for_known_and_unknown_addresses,
    an_expired_sign_up_says_so_and_subscribes_nobody,
    the_database_refuses_a_second_active_row,
    the_hourly_cap_asks_to_try_again_later,
);
