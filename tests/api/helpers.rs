//! Shared test machinery: fresh databases, a running server, and the both-backends macro.

#![allow(dead_code)]

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

/// The PostgreSQL server tests may use. Unset, the PostgreSQL variants pass without running,
/// except in CI, where a skipped PostgreSQL test is a failure.
pub fn postgres_available() -> bool {
    match std::env::var("MONOSTAT_TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => true,
        _ => {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "CI=true but MONOSTAT_TEST_DATABASE_URL is not set: PostgreSQL tests would be skipped"
            );
            eprintln!("skipped: MONOSTAT_TEST_DATABASE_URL is not set");
            false
        }
    }
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
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "CI=true but no Redis answers on {host}:{port}: Redis tests would be skipped"
    );
    eprintln!("skipped: no Redis on {host}:{port}");
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
    pub async fn spawn_configured(
        db: &TestDatabase,
        configure: impl FnOnce(&mut Config),
        worker: WorkerSettings,
        extend_jobs: impl FnOnce(&mut JobRegistry),
    ) -> TestApp {
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
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "CI=true but /usr/bin/python3 cannot import feedparser (apt-get install python3-feedparser)"
    );
    eprintln!("skipped: python3-feedparser is not installed");
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
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "CI=true but aiosmtpd is missing (apt-get install python3-aiosmtpd)"
            );
            eprintln!("skipped: python3-aiosmtpd is not installed");
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
