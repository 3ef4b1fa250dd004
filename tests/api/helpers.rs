//! Shared test machinery: fresh databases, a running server, and the both-backends macro.

#![allow(dead_code)]

use crate::admin_client::{Browser, Page};
use monostat::app::{AppHandle, Application};
use monostat::config::{Config, DatabaseConfig, RedisConfig, SecretUrl};
use monostat::jobs::{JobRegistry, WorkerSettings};
use std::time::Duration;
use tokio::task::JoinHandle;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Runs the async scenario `$name(backend)` once per backend, as `$name::sqlite` and
/// `$name::postgres`.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$name($crate::helpers::Backend::Sqlite).await
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    if $crate::helpers::postgres_available() {
                        super::$name($crate::helpers::Backend::Postgres).await
                    }
                }
            }
        )*
    };
}

/// The PostgreSQL server tests may use. Unset, the PostgreSQL variants say "skipped: …" and
/// pass without running, except in CI, where a skipped PostgreSQL test is a failure.
pub fn postgres_available() -> bool {
    match std::env::var("MONOSTAT_TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => true,
        _ => {
            skip(
                "MONOSTAT_TEST_DATABASE_URL is not set",
                "PostgreSQL tests would be skipped",
            );
            false
        }
    }
}

/// Reports, in one line the test harness does not swallow, that this test did not run because
/// `missing`; with `CI=true` it fails instead (CI installs everything, so a skip there is a bug):
/// `in_ci` says what would have been lost.
pub fn skip(missing: &str, in_ci: &str) {
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "CI=true but {missing}: {in_ci}"
    );
    // libtest captures `eprintln!` and shows it only for failing tests; a skipped test passes,
    // so the line goes to the process's stderr directly. The harness names each test's thread.
    let test = std::thread::current()
        .name()
        .map(|name| format!("{name}: "))
        .unwrap_or_default();
    let _ = std::io::Write::write_all(
        &mut std::io::stderr(),
        format!("skipped: {test}{missing}\n").as_bytes(),
    );
}

/// The Redis server tests may use: `MONOSTAT_TEST_REDIS_HOST` (and `_PORT`), or the one on this
/// machine's standard port. When none answers the Redis tests pass without running, except in
/// CI, where that is a failure.
pub fn redis_available() -> Option<RedisConfig> {
    let host = std::env::var("MONOSTAT_TEST_REDIS_HOST").unwrap_or_else(|_| "127.0.0.1".into());
    let port = std::env::var("MONOSTAT_TEST_REDIS_PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(6379);
    let answers = std::net::ToSocketAddrs::to_socket_addrs(&(host.as_str(), port))
        .ok()
        .and_then(|mut addrs| addrs.next())
        .is_some_and(|addr| {
            std::net::TcpStream::connect_timeout(&addr, Duration::from_secs(1)).is_ok()
        });
    if answers {
        return Some(RedisConfig {
            host,
            port,
            password: None,
        });
    }
    skip(
        &format!("no Redis answers on {host}:{port}"),
        "Redis tests would be skipped",
    );
    None
}

/// A database of its own for one test: a file in a temporary directory, or a PostgreSQL
/// database created for the test and dropped when this value is dropped.
pub struct TestDatabase {
    pub backend: Backend,
    pub data_dir: tempfile::TempDir,
    postgres: Option<PostgresDatabase>,
}

struct PostgresDatabase {
    server_url: url::Url,
    name: String,
}

impl TestDatabase {
    pub async fn new(backend: Backend) -> TestDatabase {
        let data_dir = tempfile::tempdir().expect("temporary directory");
        let postgres = match backend {
            Backend::Sqlite => None,
            Backend::Postgres => Some(PostgresDatabase::create().await),
        };
        TestDatabase {
            backend,
            data_dir,
            postgres,
        }
    }

    pub fn database_config(&self) -> DatabaseConfig {
        match &self.postgres {
            None => DatabaseConfig::Sqlite {
                path: self.data_dir.path().join("monostat.db"),
            },
            Some(pg) => DatabaseConfig::Postgres {
                url: SecretUrl(pg.url()),
            },
        }
    }

    /// The configuration a fresh installation would have, on this database and a free port.
    pub fn config(&self) -> Config {
        let mut config = Config::from_lookup(|_| None).expect("the defaults are valid");
        config.listen = "127.0.0.1:0".parse().expect("address");
        config.data_dir = self.data_dir.path().to_path_buf();
        config.database = self.database_config();
        config
    }

    /// The environment variables that make the `monostat` binary use this database.
    pub fn env(&self) -> Vec<(String, String)> {
        let mut vars = vec![(
            "MONOSTAT_DATA_DIR".to_string(),
            self.data_dir.path().display().to_string(),
        )];
        if let Some(pg) = &self.postgres {
            let url = pg.url();
            vars.extend([
                ("MONOSTAT_DB_TYPE".into(), "postgresql".into()),
                (
                    "MONOSTAT_DB_HOST".into(),
                    url.host_str().unwrap_or("localhost").into(),
                ),
                (
                    "MONOSTAT_DB_PORT".into(),
                    url.port().unwrap_or(5432).to_string(),
                ),
                ("MONOSTAT_DB_NAME".into(), pg.name.clone()),
                ("MONOSTAT_DB_USER".into(), url.username().into()),
                (
                    "MONOSTAT_DB_PASS".into(),
                    url.password().unwrap_or("").into(),
                ),
            ]);
        }
        vars
    }

    /// The PostgreSQL database's URL, for tests that fill it by other means.
    pub fn postgres_url(&self) -> Option<String> {
        self.postgres.as_ref().map(|pg| pg.url().to_string())
    }

    /// Makes the database unreachable for everybody (PostgreSQL only): drops it, closing every
    /// connection to it.
    pub async fn drop_postgres_database(&self) {
        if let Some(pg) = &self.postgres {
            pg.drop_database().await;
        }
    }
}

impl PostgresDatabase {
    async fn create() -> PostgresDatabase {
        let server_url: url::Url = std::env::var("MONOSTAT_TEST_DATABASE_URL")
            .expect("MONOSTAT_TEST_DATABASE_URL")
            .parse()
            .expect("MONOSTAT_TEST_DATABASE_URL is a URL");
        let name = format!("monostat_test_{:016x}", rand::random::<u64>());
        let mut conn = admin_connection(&server_url).await;
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
            .execute(&mut conn)
            .await
            .expect("create the test database");
        PostgresDatabase { server_url, name }
    }

    fn url(&self) -> url::Url {
        let mut url = self.server_url.clone();
        url.set_path(&self.name);
        url
    }

    async fn drop_database(&self) {
        drop_database(&self.server_url, &self.name).await;
    }
}

async fn drop_database(server_url: &url::Url, name: &str) {
    let mut conn = admin_connection(server_url).await;
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
    )))
    .execute(&mut conn)
    .await
    .expect("drop the test database");
}

async fn admin_connection(server_url: &url::Url) -> sqlx::AnyConnection {
    use sqlx::Connection;
    sqlx::any::install_default_drivers();
    sqlx::AnyConnection::connect(server_url.as_str())
        .await
        .expect("connect to MONOSTAT_TEST_DATABASE_URL")
}

impl Drop for PostgresDatabase {
    fn drop(&mut self) {
        // Drop runs outside async code (and possibly on a runtime that is shutting down), so
        // the clean-up gets a small runtime of its own on its own thread.
        let server_url = self.server_url.clone();
        let name = self.name.clone();
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(drop_database(&server_url, &name));
        })
        .join();
    }
}

/// A monostat server running in this process.
pub struct TestApp {
    pub handle: AppHandle,
    pub base_url: String,
    pub client: reqwest::Client,
    server: JoinHandle<std::io::Result<()>>,
    /// The admin `admin_post` acts as, logged in on first use.
    admin: tokio::sync::OnceCell<Browser>,
}

impl TestApp {
    pub async fn spawn(db: &TestDatabase) -> TestApp {
        Self::spawn_with(db, WorkerSettings::default(), |_| {}).await
    }

    pub async fn spawn_with(
        db: &TestDatabase,
        worker: WorkerSettings,
        extend_jobs: impl FnOnce(&mut JobRegistry),
    ) -> TestApp {
        Self::spawn_configured(db, |_| {}, worker, extend_jobs).await
    }

    /// Starts the app with `configure` applied to the fresh installation's configuration.
    ///
    /// "Every admin needs a second factor" is turned off: a new installation has it on, but
    /// most tests are about something else than logging in, and log in with the password
    /// alone. The tests of the second factor itself start with [`TestApp::spawn_as_installed`].
    pub async fn spawn_configured(
        db: &TestDatabase,
        configure: impl FnOnce(&mut Config),
        worker: WorkerSettings,
        extend_jobs: impl FnOnce(&mut JobRegistry),
    ) -> TestApp {
        let app = Self::spawn_as_installed(db, configure, worker, extend_jobs).await;
        let mut conn = app.handle.db.acquire().await.expect("conn");
        monostat::storage::settings::set_second_factor_required(&mut conn, false)
            .await
            .expect("second factors made optional");
        drop(conn);
        app
    }

    /// Starts the app with every setting as the installation (or an import) has it, the
    /// requirement of a second factor for every admin included.
    pub async fn spawn_as_installed(
        db: &TestDatabase,
        configure: impl FnOnce(&mut Config),
        worker: WorkerSettings,
        extend_jobs: impl FnOnce(&mut JobRegistry),
    ) -> TestApp {
        init_test_log();
        let mut config = db.config();
        configure(&mut config);
        let app = Application::build_with_settings(config, worker, extend_jobs)
            .await
            .expect("the application starts");
        let handle = app.handle();
        let server = tokio::spawn(app.run());
        TestApp {
            base_url: format!("http://{}", handle.addr),
            handle,
            client: reqwest::Client::new(),
            server,
            admin: tokio::sync::OnceCell::new(),
        }
    }

    /// The use cases, on this server's database and queue: what Slack and admin call.
    pub fn services(&self) -> monostat::service::Services {
        monostat::service::Services {
            db: self.handle.db.clone(),
            jobs: self.handle.jobs.clone(),
            changes: self.handle.changes.clone(),
        }
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{}", self.base_url, path))
            .send()
            .await
            .expect("request sent")
    }

    /// Wakes the job worker and waits until the queue holds nothing pending: every job queued so
    /// far (Slack calls, mails) has run. The queue is the one thing here read with SQL: no page
    /// shows it, and "nothing left to do" is the fact tests need before counting what was sent.
    /// The clock's moments of a maintenance still ahead (`maintenance.step` jobs due later) are
    /// no work queued so far: waiting for them would wait for the maintenance's end. Nor is a
    /// recurring maintenance's top-up due tomorrow (`maintenance.series_top_up`).
    pub async fn settle(&self) {
        self.handle.jobs.wake();
        eventually(Duration::from_secs(30), || async {
            let mut conn = self.handle.db.acquire().await.ok()?;
            let pending: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM jobs WHERE state = 'pending'
                 AND NOT (kind IN ('maintenance.step', 'maintenance.series_top_up')
                          AND run_at > $1)",
            )
            .bind(jiff::Timestamp::now().as_microsecond())
            .fetch_one(&mut *conn)
            .await
            .ok()?;
            (pending == 0).then_some(())
        })
        .await;
    }

    /// Incident `id` as stored.
    pub async fn incident(&self, id: i64) -> monostat::domain::Incident {
        let mut conn = self.handle.db.acquire().await.expect("conn");
        monostat::storage::incidents::get(&mut conn, id)
            .await
            .expect("get")
            .unwrap_or_else(|| panic!("incident {id} exists"))
    }

    /// The one incident there is (the test made exactly one).
    pub async fn only_incident(&self) -> monostat::domain::Incident {
        let mut conn = self.handle.db.acquire().await.expect("conn");
        let mut all = monostat::storage::incidents::all(&mut conn)
            .await
            .expect("incidents");
        assert_eq!(all.len(), 1, "expected exactly one incident: {all:?}");
        all.remove(0)
    }

    /// The audit entries of incident `id`, oldest first.
    pub async fn audit_of(&self, id: i64) -> Vec<monostat::storage::audit::AuditEntry> {
        let mut conn = self.handle.db.acquire().await.expect("conn");
        monostat::storage::audit::for_incident(&mut conn, id)
            .await
            .expect("audit")
    }

    /// How often incident `id`'s audit log records `action` (`incident.confirmed`, say).
    pub async fn audited(&self, id: i64, action: &str) -> usize {
        let entries = self.audit_of(id).await;
        entries.iter().filter(|e| e.action == action).count()
    }

    /// The secret in this server's alert hook URLs.
    pub async fn hook_secret(&self) -> String {
        let mut conn = self.handle.db.acquire().await.expect("conn");
        monostat::storage::settings::webhook_secret(&mut conn)
            .await
            .expect("secret")
    }

    /// This server's alert hooks with its secret, to deliver from tasks of their own.
    pub async fn hooks(&self) -> Hooks {
        Hooks::at(&self.base_url, &self.hook_secret().await)
    }

    /// OpsGenie delivering `body` to the hook; the answer. The job worker is woken for what the
    /// alert queued.
    pub async fn post_opsgenie(&self, body: &str) -> (u16, String) {
        let answer = self.hooks().await.opsgenie(body.to_owned()).await;
        self.handle.jobs.wake();
        answer
    }

    /// Alertmanager delivering `body` to the hook; the answer. The job worker is woken.
    pub async fn post_alertmanager(&self, body: &str) -> (u16, String) {
        let answer = self.hooks().await.alertmanager(body.to_owned()).await;
        self.handle.jobs.wake();
        answer
    }

    /// Slack delivering a click on the first button of `fixture` (a `block_actions` payload),
    /// pointed at incident `incident_id`, signed with [`SLACK_SIGNING_SECRET`].
    pub async fn slack_click(&self, fixture: &str, incident_id: i64) -> (u16, String) {
        self.slack_interaction(&click_on(fixture, incident_id))
            .await
    }

    /// Slack delivering a submitted modal (a `view_submission` payload), signed.
    pub async fn submit_modal(&self, submission: &serde_json::Value) -> (u16, String) {
        assert_eq!(submission["type"], "view_submission", "a modal submission");
        self.slack_interaction(submission).await
    }

    /// Slack delivering any interaction payload, form-encoded and signed, as Slack sends them.
    pub async fn slack_interaction(&self, payload: &serde_json::Value) -> (u16, String) {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("payload", &payload.to_string())
            .finish();
        self.slack_signed(&body, "application/x-www-form-urlencoded")
            .await
    }

    /// Slack delivering an Events API body (JSON), signed.
    pub async fn slack_event(&self, json: &str) -> (u16, String) {
        self.slack_signed(json, "application/json").await
    }

    async fn slack_signed(&self, body: &str, content_type: &str) -> (u16, String) {
        let now = jiff::Timestamp::now().as_second();
        let signature = slack_signature(SLACK_SIGNING_SECRET, now, body);
        self.post_to_slack_endpoint(body, content_type, now, Some(signature))
            .await
    }

    /// A request to the Slack endpoint with the given timestamp and signature (or none), for
    /// tests of what is refused.
    pub async fn post_to_slack_endpoint(
        &self,
        body: &str,
        content_type: &str,
        timestamp: i64,
        signature: Option<String>,
    ) -> (u16, String) {
        let mut request = self
            .client
            .post(format!("{}/integrations/slack/events", self.base_url))
            .header("content-type", content_type)
            .header("x-slack-request-timestamp", timestamp.to_string())
            .body(body.to_owned());
        if let Some(signature) = signature {
            request = request.header("x-slack-signature", signature);
        }
        answer(request.send().await.expect("sent")).await
    }

    /// A browser logged in as the admin [`crate::admin::USER`] (created on first use).
    pub async fn admin(&self) -> &Browser {
        self.admin
            .get_or_init(|| async {
                use crate::admin::{PASSWORD, USER};
                let mut conn = self.handle.db.acquire().await.expect("conn");
                monostat::accounts::create_user(&mut conn, USER, "", PASSWORD)
                    .await
                    .expect("admin created");
                let browser = Browser::new(&self.base_url);
                let page = browser.log_in(USER, PASSWORD).await;
                assert_eq!(page.status, 303, "logged in: {}", page.body);
                browser
            })
            .await
    }

    /// The admin filling in the form on `form_page` (its CSRF token and hidden fields come
    /// along) and sending it to `action`.
    pub async fn admin_post(&self, form_page: &str, action: &str, fields: &[(&str, &str)]) -> Page {
        self.admin().await.submit(form_page, action, fields).await
    }

    /// Stops the server the way SIGTERM does, and waits until it has.
    pub async fn stop(self) {
        self.handle.shutdown.cancel();
        tokio::time::timeout(Duration::from_secs(30), self.server)
            .await
            .expect("the server stops within 30 seconds")
            .expect("the server task did not panic")
            .expect("the server stopped without error");
    }
}

/// The alert hooks of a server, with a secret: cheap to clone into tasks.
#[derive(Clone)]
pub struct Hooks {
    client: reqwest::Client,
    base_url: String,
    secret: String,
}

impl Hooks {
    /// The hooks of the server at `base_url` (a server of the test's own or a `monostat`
    /// process), with `secret` (right or wrong).
    pub fn at(base_url: &str, secret: &str) -> Hooks {
        Hooks {
            client: reqwest::Client::new(),
            base_url: base_url.to_owned(),
            secret: secret.to_owned(),
        }
    }

    /// The URL an alert `source` (`opsgenie`, `alertmanager`) is configured with.
    pub fn url(&self, source: &str) -> String {
        format!(
            "{}/integrations/{source}/hook/{}",
            self.base_url, self.secret
        )
    }

    pub async fn opsgenie(&self, body: impl Into<reqwest::Body>) -> (u16, String) {
        self.deliver("opsgenie", body).await
    }

    pub async fn alertmanager(&self, body: impl Into<reqwest::Body>) -> (u16, String) {
        self.deliver("alertmanager", body).await
    }

    async fn deliver(&self, source: &str, body: impl Into<reqwest::Body>) -> (u16, String) {
        let request = self
            .client
            .post(self.url(source))
            .header("content-type", "application/json")
            .body(body);
        answer(request.send().await.expect("hook request sent")).await
    }
}

/// A response's status and text.
pub async fn answer(response: reqwest::Response) -> (u16, String) {
    let status = response.status().as_u16();
    (status, response.text().await.expect("body"))
}

/// The signing secret of the apps the Slack tests configure.
pub const SLACK_SIGNING_SECRET: &str = "8f2b_FAKE_signing_secret_0000000000";

/// `v0=` + hex HMAC-SHA256 of `v0:{timestamp}:{body}`, as Slack signs.
pub fn slack_signature(secret: &str, timestamp: i64, body: &str) -> String {
    use hmac::{KeyInit, Mac};
    let mut mac =
        hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(format!("v0:{timestamp}:{body}").as_bytes());
    let digest = mac.finalize().into_bytes();
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("v0={hex}")
}

/// The `block_actions` payload of `fixture` with its first button pointed at incident `id`.
pub fn click_on(fixture: &str, id: i64) -> serde_json::Value {
    let mut payload: serde_json::Value = serde_json::from_str(fixture).expect("fixture");
    payload["actions"][0]["value"] = id.to_string().into();
    payload
}

/// `TEST_LOG=1` shows the servers' logs (`info`, monostat at `debug`); any other value is a
/// filter (`TEST_LOG=monostat=trace,sqlx=info`). Unset, tests are quiet.
fn init_test_log() {
    let Ok(filter) = std::env::var("TEST_LOG") else {
        return;
    };
    let filter = match filter.as_str() {
        "" | "0" => return,
        "1" | "true" => "info,monostat=debug".to_owned(),
        other => other.to_owned(),
    };
    // The test writer goes through libtest's capture: shown for failing tests, or with
    // `--nocapture`. A second initialisation (every test starts a server) is not an error.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_test_writer()
        .try_init();
}

/// Polls `check` until it returns `Some`, for at most `limit`. For waiting on background work
/// whose end the test cannot observe directly; the limit is generous, the poll is fast.
pub async fn eventually<T, F, Fut>(limit: Duration, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "condition not met within {limit:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Debian's Python with `python3-feedparser`, which `.ci/run` installs. Without it the feed
/// tests pass without running, except in CI.
pub fn feedparser() -> Option<String> {
    let python = "/usr/bin/python3".to_owned();
    let available = std::process::Command::new(&python)
        .args(["-c", "import feedparser"])
        .output()
        .is_ok_and(|o| o.status.success());
    if available {
        return Some(python);
    }
    skip(
        "/usr/bin/python3 cannot import feedparser (apt-get install python3-feedparser)",
        "the feed test would be skipped",
    );
    None
}

/// A real SMTP server (`tests/smtp_sink.py`, aiosmtpd) recording every mail it accepts.
pub struct SmtpSink {
    pub port: u16,
    child: std::process::Child,
    file: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

impl SmtpSink {
    /// Starts the sink, or returns `None` (outside CI) when aiosmtpd is not installed.
    pub fn start() -> Option<SmtpSink> {
        use std::io::BufRead;
        let available = std::process::Command::new("/usr/bin/python3")
            .args(["-c", "import aiosmtpd"])
            .output()
            .is_ok_and(|o| o.status.success());
        if !available {
            skip(
                "python3-aiosmtpd is not installed (apt-get install python3-aiosmtpd)",
                "the mail tests would be skipped",
            );
            return None;
        }
        let dir = tempfile::tempdir().expect("sink dir");
        let file = dir.path().join("mails.jsonl");
        let mut child = std::process::Command::new("/usr/bin/python3")
            .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/smtp_sink.py"))
            .arg(&file)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("smtp sink starts");
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("ready line");
        let port = line
            .trim()
            .strip_prefix("ready ")
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("smtp sink said {line:?}"));
        Some(SmtpSink {
            port,
            child,
            file,
            _dir: dir,
        })
    }

    /// Points monostat's mail settings at this sink.
    pub fn configure(&self, config: &mut Config) {
        config.mail.host = Some("127.0.0.1".into());
        config.mail.port = self.port;
        config.mail.from = "status@example.com".into();
    }

    /// Every mail accepted so far, oldest first.
    pub fn mails(&self) -> Vec<serde_json::Value> {
        let written = std::fs::read_to_string(&self.file).unwrap_or_default();
        // The sink may be writing a mail this very moment: only whole lines are whole mails.
        let complete = match written.rfind('\n') {
            Some(end) => &written[..=end],
            None => "",
        };
        complete
            .lines()
            .map(|line| serde_json::from_str(line).expect("sink writes JSON"))
            .collect()
    }

    /// Mails to `address`, oldest first.
    pub fn mails_to(&self, address: &str) -> Vec<serde_json::Value> {
        self.mails()
            .into_iter()
            .filter(|m| m["rcpt_tos"][0] == address)
            .collect()
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
