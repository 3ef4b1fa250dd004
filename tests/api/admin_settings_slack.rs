//! Saving the Slack settings checks the channel with Slack at once, as the original did: a
//! mistyped, unknown or archived channel is refused with nothing saved, a good one is stored
//! resolved, and the page tells what Slack's last job error was.

use crate::admin_client::Page;
use crate::fake_slack::{Failure, FakeSlack};
use crate::helpers::{Backend, TestApp, TestDatabase, eventually};
use crate::on_both_backends;
use monostat::jobs::{RetryPolicy, WorkerSettings};
use monostat::storage::settings::{self, SlackSettings};
use std::time::{Duration, Instant};

const CREATE: &str = include_str!("../fixtures/opsgenie_create.json");
const CLOSE: &str = include_str!("../fixtures/opsgenie_close.json");
const PAGE: &str = "/admin/settings/slack";
const TOKEN: &str = "xoxb-1111-2222-good-7a7a";

on_both_backends!(
    an_unknown_channel_is_refused_and_nothing_is_saved,
    an_archived_channel_is_refused,
    a_channel_name_or_id_is_resolved_saved_and_posted_to,
    an_unreachable_or_busy_slack_gets_a_clear_answer_and_nothing_is_saved,
    the_slack_page_shows_the_last_slack_job_error,
);

/// The app with only the Web API's address configured: the admin enters the rest.
async fn app_on(db: &TestDatabase, api_url: &str, worker: WorkerSettings) -> TestApp {
    let api_url = api_url.to_owned();
    TestApp::spawn_configured(
        db,
        move |config| config.slack.api_url = api_url.parse().expect("url"),
        worker,
        |_| {},
    )
    .await
}

async fn stored(app: &TestApp) -> SlackSettings {
    settings::slack(&mut app.handle.db.acquire().await.expect("conn"))
        .await
        .expect("slack settings")
}

/// The admin saving the bot token and `channel`, and the page that answers, as text (the
/// templates escape apostrophes).
async fn save(app: &TestApp, channel: &str) -> Page {
    shown(
        app.admin_post(
            PAGE,
            PAGE,
            &[("bot_token", TOKEN), ("channel_name", channel)],
        )
        .await,
    )
}

fn shown(mut page: Page) -> Page {
    page.body = page.body.replace("&#39;", "'");
    page
}

/// The page a save redirected to.
async fn after(app: &TestApp, page: &Page) -> Page {
    let to = page.location.as_deref().expect("redirected");
    shown(app.admin().await.get(to).await)
}

async fn an_unknown_channel_is_refused_and_nothing_is_saved(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let slack = FakeSlack::start().await;
    let app = app_on(&db, &slack.api_url, WorkerSettings::default()).await;
    let before = stored(&app).await;

    let page = save(&app, "#statuspgae").await;
    assert_eq!(page.status, 400, "{}", page.body);
    assert!(
        page.contains("Nothing was saved: Slack has no public channel named #statuspgae."),
        "{}",
        page.body
    );
    assert!(page.contains("value=\"#statuspgae\""), "kept to correct");
    assert!(page.contains("have to be entered again"), "{}", page.body);
    assert_eq!(stored(&app).await, before, "not even the token");
    // The whole list was read, page by page, with a bounded page size Slack accepts.
    let lists = slack.calls_to("conversations.list");
    assert_eq!(lists.len(), 2, "three channels, two a page");
    assert!(
        lists
            .iter()
            .all(|c| c.accepted() && c.body["limit"] == "999")
    );
    assert_eq!(lists[0].body["exclude_archived"], "false");
    assert_eq!(
        lists[1].body["cursor"],
        lists[0].answer["response_metadata"]["next_cursor"]
    );

    let page = save(&app, "C0NOSUCH001").await;
    assert_eq!(page.status, 400);
    assert!(
        page.contains("Slack has no channel with the id C0NOSUCH001 that the bot can see."),
        "{}",
        page.body
    );
    assert_eq!(slack.calls_to("conversations.info").len(), 1);
    // A private channel the bot was not invited to is invisible to it, as in Slack.
    slack.add_private_channel("C0SECRET001", "secret", false);
    let page = save(&app, "C0SECRET001").await;
    assert!(
        page.contains("/invite the bot there first"),
        "{}",
        page.body
    );

    // Not a channel at all: refused before Slack is asked.
    let calls = slack.calls().len();
    let page = save(&app, "Status Page").await;
    assert_eq!(page.status, 400);
    assert!(page.contains("lowercase letters, digits, - and _ only"));
    assert_eq!(slack.calls().len(), calls);
    assert_eq!(stored(&app).await, before);

    // A workspace bigger than the lookup goes: it says how far it looked, and what to do.
    for n in 0..30 {
        slack.add_channel(&format!("C0MANY{n:05}"), &format!("team-{n}"));
    }
    let page = save(&app, "team-29").await;
    assert_eq!(page.status, 400);
    assert!(
        page.contains("#team-29 is not among the first 20 channels of the workspace"),
        "{}",
        page.body
    );
    assert!(page.contains("Enter the channel's id instead"));
    assert_eq!(stored(&app).await, before);
    let page = save(&app, "C0MANY00029").await;
    assert_eq!(page.status, 303, "{}", page.body);
    // Given by its id, the id is what is kept: a private channel has no name to search by.
    assert_eq!(stored(&app).await.channel_name, "C0MANY00029");
    app.stop().await;
}

async fn an_archived_channel_is_refused(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let slack = FakeSlack::start().await;
    slack.archive("statuspage");
    let app = app_on(&db, &slack.api_url, WorkerSettings::default()).await;
    let before = stored(&app).await;

    for typed in ["#statuspage", "C0FAKECHAN1"] {
        let page = save(&app, typed).await;
        assert_eq!(page.status, 400, "{typed}: {}", page.body);
        assert!(
            page.contains(
                "Nothing was saved: #statuspage is archived, so the bot cannot post there."
            ),
            "{typed}: {}",
            page.body
        );
        assert_eq!(stored(&app).await, before, "{typed}");
    }
    app.stop().await;
}

async fn a_channel_name_or_id_is_resolved_saved_and_posted_to(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let slack = FakeSlack::start().await;
    let app = app_on(&db, &slack.api_url, WorkerSettings::default()).await;

    let page = save(&app, "statuspage").await;
    assert_eq!(page.status, 303, "{}", page.body);
    let saved = stored(&app).await;
    assert_eq!(saved.channel_name, "#statuspage");
    assert_eq!(saved.channel_id.as_deref(), Some("C0FAKECHAN1"));
    assert_eq!(saved.bot_token, TOKEN);
    let page = after(&app, &page).await;
    assert!(page.contains("Saved."), "{}", page.body);
    assert!(page.contains("C0FAKECHAN1"));
    assert!(
        page.contains("The bot is not in #statuspage yet.")
            && page.contains("type /invite @ and the app's name in #statuspage"),
        "{}",
        page.body
    );
    assert!(
        slack.calls_to("conversations.join").is_empty(),
        "no side effect in Slack"
    );

    // Saving again without a change does not ask Slack.
    let calls = slack.calls().len();
    let page = app
        .admin_post(PAGE, PAGE, &[("channel_name", "#statuspage")])
        .await;
    assert_eq!(page.status, 303);
    assert_eq!(slack.calls().len(), calls);

    // An id is looked up with conversations.info and kept as given: a private channel has no
    // name to search by once the id is lost (a new token, a `channel_not_found`).
    let page = save(&app, "C0FAKERND01").await;
    assert_eq!(page.status, 303, "{}", page.body);
    let saved = stored(&app).await;
    assert_eq!(saved.channel_name, "C0FAKERND01");
    assert_eq!(saved.channel_id.as_deref(), Some("C0FAKERND01"));

    // The jobs post to the channel saved, without looking it up again.
    let lists = slack.calls_to("conversations.list").len();
    assert_eq!(app.post_opsgenie(CREATE).await.0, 200);
    let posts = eventually(Duration::from_secs(20), || async {
        let posts = slack.accepted("chat.postMessage");
        (!posts.is_empty()).then_some(posts)
    })
    .await;
    assert_eq!(posts[0].body["channel"], "C0FAKERND01");
    assert_eq!(posts[0].token.as_deref(), Some(TOKEN));
    assert_eq!(slack.calls_to("conversations.list").len(), lists);

    // Should the id be lost (a job that met `channel_not_found` forgets it), the name given as
    // an id still leads there, with no search by name that a private channel would fail.
    sqlx::query("UPDATE slack_settings SET channel_id = NULL")
        .execute(&mut *app.handle.db.acquire().await.expect("conn"))
        .await
        .expect("id forgotten");
    let before = slack.calls().len();
    assert_eq!(app.post_opsgenie(CLOSE).await.0, 200);
    let later = eventually(Duration::from_secs(20), || async {
        let later: Vec<_> = slack.calls().into_iter().skip(before).collect();
        later
            .iter()
            .any(|c| c.body["channel"] == "C0FAKERND01")
            .then_some(later)
    })
    .await;
    assert!(later.iter().all(|c| c.method != "conversations.list"));

    // A new token is checked again; once the bot was invited, saving is just "Saved.".
    slack.invite("random");
    let page = app
        .admin_post(
            PAGE,
            PAGE,
            &[
                ("bot_token", "xoxb-3333-4444-new-8b8b"),
                ("channel_name", "#random"),
            ],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    assert_eq!(
        slack
            .calls_to("conversations.list")
            .last()
            .and_then(|c| c.token.clone())
            .as_deref(),
        Some("xoxb-3333-4444-new-8b8b")
    );
    let page = after(&app, &page).await;
    assert!(
        page.contains("Saved.") && !page.contains("is not in #"),
        "{}",
        page.body
    );
    app.stop().await;
}

async fn an_unreachable_or_busy_slack_gets_a_clear_answer_and_nothing_is_saved(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    // Nothing listens on this port once the listener is gone.
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        format!("http://{}/api", listener.local_addr().expect("address"))
    };
    let app = app_on(&db, &closed, WorkerSettings::default()).await;
    let before = stored(&app).await;
    let started = Instant::now();
    let page = save(&app, "#statuspage").await;
    let unreachable_after = started.elapsed();
    assert_eq!(page.status, 400, "{}", page.body);
    assert!(
        page.contains("Nothing was saved: Slack could not be reached to check the channel."),
        "{}",
        page.body
    );
    assert!(page.contains("outgoing HTTPS connections to slack.com"));
    assert_eq!(stored(&app).await, before);
    // Saving what does not need Slack still works while it is away.
    let page = app
        .admin_post(
            PAGE,
            PAGE,
            &[("signing_secret", "8f2a0123456789abcdef0123456789ab")],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    let page = after(&app, &page).await;
    assert!(page.contains("Saved."));
    assert!(
        !page.contains("The channel was not checked"),
        "no channel set"
    );
    // Without a bot token there is nothing to check with: saved, and the admin told.
    let page = app
        .admin_post(PAGE, PAGE, &[("channel_name", "#statuspage")])
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    let page = after(&app, &page).await;
    assert!(
        page.contains("The channel was not checked: there is no bot token yet"),
        "{}",
        page.body
    );
    assert_eq!(stored(&app).await.channel_name, "#statuspage");
    app.stop().await;

    // Slack answers, but rate-limits the lookup.
    let db = TestDatabase::new(backend).await;
    let slack = FakeSlack::start().await;
    slack.fail_next(
        "conversations.list",
        Failure::RateLimited { retry_after: 30 },
    );
    let app = app_on(&db, &slack.api_url, WorkerSettings::default()).await;
    let before = stored(&app).await;
    let page = save(&app, "#statuspage").await;
    assert_eq!(page.status, 400);
    assert!(
        page.contains("Slack is rate-limiting this app right now, so the channel could not be checked. Save again in 30 seconds."),
        "{}",
        page.body
    );
    assert_eq!(stored(&app).await, before);
    app.stop().await;

    // Slack takes the connection and never answers: the admin hears back within the budget.
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let silent_url = format!("http://{}/api", silent.local_addr().expect("address"));
    let held = tokio::spawn(async move {
        let mut open = Vec::new();
        while let Ok((socket, _)) = silent.accept().await {
            open.push(socket);
        }
    });
    let db = TestDatabase::new(backend).await;
    let app = app_on(&db, &silent_url, WorkerSettings::default()).await;
    let before = stored(&app).await;
    let started = Instant::now();
    let page = save(&app, "#statuspage").await;
    let silent_after = started.elapsed();
    assert_eq!(page.status, 400);
    assert!(
        page.contains(
            "Slack did not answer within 8 seconds, so the channel could not be checked."
        ),
        "{}",
        page.body
    );
    assert!(silent_after < Duration::from_secs(12), "{silent_after:?}");
    assert_eq!(stored(&app).await, before);
    eprintln!(
        "measured: refused port answered in {unreachable_after:?}, silent Slack in {silent_after:?}"
    );
    held.abort();
    app.stop().await;
}

async fn the_slack_page_shows_the_last_slack_job_error(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let slack = FakeSlack::start().await;
    slack.fail_next("chat.postMessage", Failure::Error("is_archived"));
    let configured = slack.clone();
    // Retries wait long enough for the page to be read while the job waits.
    let worker = WorkerSettings {
        retry: RetryPolicy {
            base_delay: Duration::from_secs(600),
            max_delay: Duration::from_secs(3_600),
        },
        ..WorkerSettings::default()
    };
    let app =
        TestApp::spawn_configured(&db, move |c| configured.configure(c), worker, |_| {}).await;
    let browser = app.admin().await;
    let page = browser.get(PAGE).await;
    assert!(
        page.contains("Last Slack error</dt><dd id=\"last-slack-error\">none"),
        "{}",
        page.body
    );

    // A job that gave up.
    assert_eq!(app.post_opsgenie(CREATE).await.0, 200);
    let page = eventually(Duration::from_secs(20), || async {
        let page = browser.get(PAGE).await;
        page.contains("gave up").then_some(page)
    })
    .await;
    assert!(
        page.contains(
            "<code>Slack refused the call: is_archived</code> (just now, gave up after 1 attempt, \
             job slack.new_incident_from_alert)"
        ),
        "{}",
        page.body
    );

    // Once a Slack job succeeds, whatever broke works again: the old failure is history.
    assert_eq!(app.post_opsgenie(CLOSE).await.0, 200);
    eventually(Duration::from_secs(20), || async {
        let page = browser.get(PAGE).await;
        page.contains("Last Slack error</dt><dd id=\"last-slack-error\">none")
            .then_some(page)
    })
    .await;

    // A job still retrying is Slack's trouble now, its text escaped.
    slack.fail_next(
        "chat.postMessage",
        Failure::Error("<img src=x onerror=alert(1)>"),
    );
    slack.fail_next(
        "chat.update",
        Failure::Error("<img src=x onerror=alert(1)>"),
    );
    assert_eq!(app.post_opsgenie(CREATE).await.0, 200);
    let page = eventually(Duration::from_secs(20), || async {
        let page = browser.get(PAGE).await;
        page.contains("tries again").then_some(page)
    })
    .await;
    assert!(
        page.contains("Slack refused the call: &#60;img src=x onerror=alert(1)&#62;"),
        "{}",
        page.body
    );
    assert!(!page.contains("<img src=x"));
    assert!(page.contains("attempt 1 of"), "{}", page.body);
    assert!(page.contains("job slack."), "{}", page.body);
    app.stop().await;
}
