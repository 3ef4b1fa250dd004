//! Several instances with Redis: the limits on subscribing and on guessing passwords hold for
//! the installation, not per instance; and Redis coming and going is no outage, only a switch
//! between its change notices and the database poll.

use crate::admin::{PASSWORD, USER, create_user};
use crate::admin_client::Browser;
use crate::helpers::{
    Backend, TestApp, TestDatabase, eventually, postgres_available, redis_available,
};
use monostat::config::RedisConfig;
use monostat::jobs::WorkerSettings;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

async fn instance(db: &TestDatabase, redis: &RedisConfig) -> TestApp {
    TestApp::spawn_configured(
        db,
        |config| config.redis = Some(redis.clone()),
        WorkerSettings::default(),
        |_| {},
    )
    .await
}

async fn subscribe(browser: &Browser, n: usize) -> crate::admin_client::Page {
    browser
        .submit(
            "/subscribe/",
            "/subscribe/",
            &[
                ("email", &format!("reader{n}@example.com")),
                ("consent", "yes"),
            ],
        )
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limits_hold_across_instances() {
    if !postgres_available() {
        return;
    }
    let Some(redis) = redis_available() else {
        return;
    };
    let db = TestDatabase::new(Backend::Postgres).await;
    let a = instance(&db, &redis).await;
    let b = instance(&db, &redis).await;
    let on_a = Browser::new(&a.base_url);
    let on_b = Browser::new(&b.base_url);

    // Ten subscriptions from one address on A use up what the address may ask for; B knows.
    for n in 0..10 {
        let page = subscribe(&on_a, n).await;
        assert_eq!(page.status, 303, "subscription {n}: {}", page.body);
    }
    let page = subscribe(&on_b, 10).await;
    assert_eq!(page.status, 429, "{}", page.body);
    assert!(page.contains("Too many subscription requests came from your network."));

    // Four wrong passwords on A; the right one on B does not count against the allowance
    // (its try is given back in Redis), so A may guess once more; then the allowance this
    // client has for the username is used up, and the right one on B waits too.
    create_user(&a, USER, PASSWORD).await;
    for _ in 0..4 {
        let page = on_a.log_in(USER, "guess").await;
        assert!(
            page.contains("Wrong username or password."),
            "{}",
            page.body
        );
    }
    let page = on_b.log_in(USER, PASSWORD).await;
    assert_eq!(page.status, 303, "{}", page.body);
    on_b.forget_cookies();
    let page = on_a.log_in(USER, "guess").await;
    assert!(
        page.contains("Wrong username or password."),
        "{}",
        page.body
    );
    let page = on_a.log_in(USER, "guess").await;
    assert_eq!(page.status, 429, "{}", page.body);
    let page = on_b.log_in(USER, PASSWORD).await;
    assert_eq!(page.status, 429, "{}", page.body);
    assert!(page.contains("Too many attempts. Wait half a minute, then try again."));
    assert!(on_b.cookie("monostat_session").is_none());

    // Another installation on the same Redis counts for itself.
    let other_db = TestDatabase::new(Backend::Postgres).await;
    let other = instance(&other_db, &redis).await;
    let page = subscribe(&Browser::new(&other.base_url), 11).await;
    assert_eq!(page.status, 303, "{}", page.body);
    a.stop().await;
    b.stop().await;
    other.stop().await;
}

/// A Redis server of the test's own, on a free port, that the test may stop and start again.
struct OwnRedis {
    port: u16,
    process: Option<Child>,
}

impl OwnRedis {
    fn start() -> Option<OwnRedis> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let mut redis = OwnRedis {
            port,
            process: None,
        };
        redis.resume()?;
        Some(redis)
    }

    fn config(&self) -> RedisConfig {
        RedisConfig {
            host: "127.0.0.1".into(),
            port: self.port,
            password: None,
        }
    }

    fn resume(&mut self) -> Option<()> {
        let spawned = Command::new("redis-server")
            .args(["--port", &self.port.to_string()])
            .args(["--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        let process = match spawned {
            Ok(process) => process,
            Err(e) => {
                crate::helpers::skip(
                    &format!("redis-server cannot be started: {e}"),
                    "this Redis test would be skipped",
                );
                return None;
            }
        };
        self.process = Some(process);
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(Instant::now() < deadline, "redis-server did not start");
            std::thread::sleep(Duration::from_millis(20));
        }
        Some(())
    }

    fn kill(&mut self) {
        if let Some(mut process) = self.process.take() {
            process.kill().ok();
            process.wait().ok();
        }
    }
}

impl Drop for OwnRedis {
    fn drop(&mut self) {
        self.kill();
    }
}

async fn create_incident(app: &TestApp, title: &str) {
    monostat::service::incidents::create(
        &app.services(),
        &monostat::service::incidents::Actor {
            via: "admin",
            name: "test".into(),
        },
        &monostat::service::incidents::Creation {
            title: title.into(),
            status: monostat::domain::IncidentStatus::Confirmed,
            severity: monostat::domain::Severity::Partial,
            start: jiff::Timestamp::now(),
            end: None,
            summary: None,
            text: Some("Looking into it.".into()),
            silent: true,
            notify: false,
        },
    )
    .await
    .expect("incident created");
}

/// How long until `app`'s page shows `text`; fails past a limit well below the 15 s in which
/// an instance looks in the database while Redis relays, and the minute of its timer.
async fn shown_after(app: &TestApp, text: &str) -> Duration {
    let started = Instant::now();
    eventually(Duration::from_secs(4), || async {
        let page = app.get("/").await.text().await.ok()?;
        page.contains(text).then_some(())
    })
    .await;
    started.elapsed()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_coming_and_going_is_no_outage() {
    if !postgres_available() {
        return;
    }
    let Some(mut redis) = OwnRedis::start() else {
        return;
    };
    let db = TestDatabase::new(Backend::Postgres).await;
    let a = instance(&db, &redis.config()).await;
    let b = instance(&db, &redis.config()).await;
    let relayed = |app: &TestApp| app.handle.changes.relayed();
    eventually(Duration::from_secs(10), || async {
        (relayed(&a) && relayed(&b)).then_some(())
    })
    .await;
    create_incident(&a, "Payments are slow").await;
    let with_redis = shown_after(&b, "Payments are slow").await;

    // Redis goes away: B notices, looks in the database every second, and still follows A.
    redis.kill();
    eventually(Duration::from_secs(10), || async {
        (!relayed(&a) && !relayed(&b)).then_some(())
    })
    .await;
    create_incident(&a, "Search is down").await;
    let without = shown_after(&b, "Search is down").await;
    // Logging in and subscribing do not depend on Redis either.
    create_user(&a, USER, PASSWORD).await;
    let page = Browser::new(&b.base_url).log_in(USER, PASSWORD).await;
    assert_eq!(page.status, 303, "{}", page.body);
    let page = subscribe(&Browser::new(&a.base_url), 1).await;
    assert_eq!(page.status, 303, "{}", page.body);

    // Redis is back: both listen again without a restart, and notices travel on it.
    redis.resume().expect("redis-server starts again");
    eventually(Duration::from_secs(15), || async {
        (relayed(&a) && relayed(&b)).then_some(())
    })
    .await;
    create_incident(&b, "Logins fail").await;
    let again = shown_after(&a, "Logins fail").await;
    eprintln!(
        "change shown on the other instance after {} ms with Redis, {} ms without, {} ms with Redis back",
        with_redis.as_millis(),
        without.as_millis(),
        again.as_millis()
    );
    a.stop().await;
    b.stop().await;
}
