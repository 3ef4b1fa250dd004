//! Storage: the only place where SQL lives.
//!
//! One SQL dialect serves SQLite and PostgreSQL through sqlx's `Any` driver: `$1` placeholders
//! (both accept them), `ON CONFLICT` and `RETURNING` (both have them), times as integer
//! microseconds and flags as 0/1 integers (see `migrations/*/0001_initial.sql`). Where the
//! dialects really differ (claiming jobs with `SKIP LOCKED`), [`Backend`] picks the statement.
//!
//! Functions take a `&mut AnyConnection`, so callers decide the transaction: a change and the
//! jobs that follow from it are written together or not at all.

pub mod admin_sessions;
pub mod alerts;
pub mod audit;
pub mod incidents;
pub mod integrations;
pub mod jobs;
pub mod locks;
pub mod maintenance_series;
pub mod media;
pub mod pagerduty_deliveries;
pub mod security_keys;
pub mod settings;
pub mod slack_deliveries;
pub mod subscribers;
pub mod users;
pub mod watch;

use crate::config::DatabaseConfig;
use jiff::Timestamp;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::{AnyPool, Connection, Executor};
use std::str::FromStr;
use std::time::Duration;

pub use sqlx::AnyConnection;
pub type Transaction = sqlx::Transaction<'static, sqlx::Any>;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("cannot open the database {url}: {source}")]
    Connect { url: String, source: sqlx::Error },
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error(transparent)]
    Query(#[from] sqlx::Error),
    #[error(
        "the database schema is older than this version of monostat and AUTOMIGRATE=skip is set; run `monostat migrate`"
    )]
    SchemaBehind,
    /// A row holds a value the program does not understand (e.g. a status written by a newer
    /// version). Reported instead of guessed.
    #[error("unexpected value in column {column}: {message}")]
    Corrupt {
        column: &'static str,
        message: String,
    },
}

pub type Result<T, E = StorageError> = std::result::Result<T, E>;

impl StorageError {
    /// True when the database is away or too busy to answer (no connection within the pool's
    /// timeout, a refused or dropped connection, SQLite busy or locked, PostgreSQL shutting down
    /// or out of connections): asking again later may work. False for what asking again will not
    /// fix (a refused query, a value the program does not understand, a schema behind), which is
    /// a bug or an operator's mistake.
    pub fn is_unavailable(&self) -> bool {
        match self {
            StorageError::Connect { .. } => true,
            StorageError::Query(e) => is_unavailable(e),
            StorageError::Migrate(_)
            | StorageError::SchemaBehind
            | StorageError::Corrupt { .. } => false,
        }
    }
}

fn is_unavailable(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(e) => {
            let code = e.code();
            let code = code.as_deref().unwrap_or_default();
            if e.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some() {
                // SQLite's (extended) result code, whose low byte is the primary code: 5 busy,
                // 6 locked.
                return code.parse::<u32>().is_ok_and(|n| matches!(n & 0xff, 5 | 6));
            }
            // PostgreSQL: connection exceptions, too many connections, shutting down or not yet
            // accepting connections.
            code.starts_with("08") || matches!(code, "53300" | "57P01" | "57P02" | "57P03")
        }
        _ => false,
    }
}

/// How long a request waits for a database connection before it fails; a status page must
/// answer (from memory, or with 503) rather than hang when the database is unwell.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);
/// How long SQLite waits for another writer before failing with "database is locked".
const SQLITE_BUSY_TIMEOUT_MS: u32 = 5_000;

/// A pool of connections to the configured database.
#[derive(Clone, Debug)]
pub struct Db {
    pool: AnyPool,
    backend: Backend,
}

/// Connections in the pool, per backend. One writer at a time is all SQLite allows; a handful
/// of readers keeps pages and jobs from queueing behind each other.
const SQLITE_POOL: u32 = 8;
const POSTGRES_POOL: u32 = 16;

impl Backend {
    /// How many of the pool's connections public pages rendered per request may use at once.
    pub fn per_request_reads(self) -> usize {
        match self {
            Backend::Sqlite => 3,
            Backend::Postgres => 5,
        }
    }
}

impl Db {
    /// Connects, creating the SQLite file (and its directory) on first use.
    pub async fn connect(config: &DatabaseConfig) -> Result<Db> {
        sqlx::any::install_default_drivers();
        let (url, backend, max_connections) = match config {
            DatabaseConfig::Sqlite { path } => {
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir).map_err(|e| StorageError::Connect {
                        url: config.redacted_url(),
                        source: sqlx::Error::Io(e),
                    })?;
                }
                let absolute = std::path::absolute(path).map_err(|e| StorageError::Connect {
                    url: config.redacted_url(),
                    source: sqlx::Error::Io(e),
                })?;
                let file_url =
                    url::Url::from_file_path(&absolute).map_err(|()| StorageError::Connect {
                        url: config.redacted_url(),
                        source: sqlx::Error::Configuration("not an absolute path".into()),
                    })?;
                (
                    format!("sqlite://{}?mode=rwc", file_url.path()),
                    Backend::Sqlite,
                    SQLITE_POOL,
                )
            }
            DatabaseConfig::Postgres { url } => {
                (url.0.to_string(), Backend::Postgres, POSTGRES_POOL)
            }
        };
        let connect_error = |source| StorageError::Connect {
            url: config.redacted_url(),
            source,
        };
        let options = AnyConnectOptions::from_str(&url).map_err(connect_error)?;
        let pool = AnyPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        configure_sqlite_connection(conn).await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await
            .map_err(connect_error)?;
        Ok(Db { pool, backend })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Applies the migrations embedded in this binary. Safe to run from several instances at
    /// once: on PostgreSQL the migrator holds an advisory lock.
    pub async fn migrate(&self) -> Result<()> {
        migrator(self.backend).run(&self.pool).await?;
        Ok(())
    }

    /// Applies the embedded migrations up to `version` only: for tests that need a database as
    /// an older version left it.
    pub async fn migrate_to(&self, version: i64) -> Result<()> {
        migrator(self.backend).run_to(version, &self.pool).await?;
        Ok(())
    }

    /// Whether every migration embedded in this binary has been applied.
    pub async fn is_schema_current(&self) -> Result<bool> {
        let latest = migrator(self.backend)
            .iter()
            .map(|m| m.version)
            .max()
            .unwrap_or(0);
        let applied: std::result::Result<Option<i64>, sqlx::Error> =
            sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE success = TRUE")
                .fetch_one(&self.pool)
                .await;
        match applied {
            Ok(version) => Ok(version.unwrap_or(0) >= latest),
            // No migrations table: a database nobody has migrated yet.
            Err(sqlx::Error::Database(_)) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    /// Begins a transaction that may write. On SQLite it takes the write lock first (`BEGIN
    /// IMMEDIATE`), waiting up to the busy timeout for another writer: a transaction that read
    /// first and then wrote after another writer committed would fail at once ("database is
    /// locked") instead of waiting, and a click in Slack would get an error for nothing.
    pub async fn begin(&self) -> Result<Transaction> {
        Ok(match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        })
    }

    pub async fn acquire(&self) -> Result<sqlx::pool::PoolConnection<sqlx::Any>> {
        Ok(self.pool.acquire().await?)
    }

    /// A round trip to the database, for health checks.
    pub async fn ping(&self) -> Result<()> {
        let mut conn = self.pool.acquire().await?;
        conn.ping().await?;
        Ok(())
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

async fn configure_sqlite_connection(conn: &mut AnyConnection) -> Result<(), sqlx::Error> {
    // WAL lets the page be read while a hook writes; NORMAL is durable across application
    // crashes in WAL mode, which is the failure we care about.
    conn.execute("PRAGMA journal_mode = WAL").await?;
    conn.execute("PRAGMA synchronous = NORMAL").await?;
    conn.execute("PRAGMA foreign_keys = ON").await?;
    conn.execute(sqlx::AssertSqlSafe(format!(
        "PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}"
    )))
    .await?;
    Ok(())
}

/// The migrations of one backend, embedded at compile time (no files needed next to the binary).
fn migrator(backend: Backend) -> Migrator {
    let files: &[(i64, &str, &'static str)] = match backend {
        Backend::Sqlite => &[
            (
                1,
                "initial",
                include_str!("../../migrations/sqlite/0001_initial.sql"),
            ),
            (
                2,
                "locks",
                include_str!("../../migrations/sqlite/0002_locks.sql"),
            ),
            (
                3,
                "slack deliveries",
                include_str!("../../migrations/sqlite/0003_slack_deliveries.sql"),
            ),
            (
                4,
                "job sequences",
                include_str!("../../migrations/sqlite/0004_job_sequences.sql"),
            ),
            (
                5,
                "admin sessions",
                include_str!("../../migrations/sqlite/0005_admin_sessions.sql"),
            ),
            (
                6,
                "security keys",
                include_str!("../../migrations/sqlite/0006_security_keys.sql"),
            ),
            (
                7,
                "installation",
                include_str!("../../migrations/sqlite/0007_installation.sql"),
            ),
            (
                8,
                "media",
                include_str!("../../migrations/sqlite/0008_media.sql"),
            ),
            (
                9,
                "subscription limits",
                include_str!("../../migrations/sqlite/0009_subscription_limits.sql"),
            ),
            (
                10,
                "maintenance schedule",
                include_str!("../../migrations/sqlite/0010_maintenance_schedule.sql"),
            ),
            (
                11,
                "maintenance series",
                include_str!("../../migrations/sqlite/0011_maintenance_series.sql"),
            ),
            (
                12,
                "monitoring watch",
                include_str!("../../migrations/sqlite/0012_monitoring_watch.sql"),
            ),
            (
                13,
                "pagerduty incidents",
                include_str!("../../migrations/sqlite/0013_pagerduty_incidents.sql"),
            ),
            (
                14,
                "monitoring silences",
                include_str!("../../migrations/sqlite/0014_monitoring_silences.sql"),
            ),
            (
                15,
                "languages",
                include_str!("../../migrations/sqlite/0015_languages.sql"),
            ),
            (
                16,
                "second factor required",
                include_str!("../../migrations/sqlite/0016_second_factor_required.sql"),
            ),
        ],
        Backend::Postgres => &[
            (
                1,
                "initial",
                include_str!("../../migrations/postgres/0001_initial.sql"),
            ),
            (
                2,
                "locks",
                include_str!("../../migrations/postgres/0002_locks.sql"),
            ),
            (
                3,
                "slack deliveries",
                include_str!("../../migrations/postgres/0003_slack_deliveries.sql"),
            ),
            (
                4,
                "job sequences",
                include_str!("../../migrations/postgres/0004_job_sequences.sql"),
            ),
            (
                5,
                "admin sessions",
                include_str!("../../migrations/postgres/0005_admin_sessions.sql"),
            ),
            (
                6,
                "security keys",
                include_str!("../../migrations/postgres/0006_security_keys.sql"),
            ),
            (
                7,
                "installation",
                include_str!("../../migrations/postgres/0007_installation.sql"),
            ),
            (
                8,
                "media",
                include_str!("../../migrations/postgres/0008_media.sql"),
            ),
            (
                9,
                "subscription limits",
                include_str!("../../migrations/postgres/0009_subscription_limits.sql"),
            ),
            (
                10,
                "maintenance schedule",
                include_str!("../../migrations/postgres/0010_maintenance_schedule.sql"),
            ),
            (
                11,
                "maintenance series",
                include_str!("../../migrations/postgres/0011_maintenance_series.sql"),
            ),
            (
                12,
                "monitoring watch",
                include_str!("../../migrations/postgres/0012_monitoring_watch.sql"),
            ),
            (
                13,
                "pagerduty incidents",
                include_str!("../../migrations/postgres/0013_pagerduty_incidents.sql"),
            ),
            (
                14,
                "monitoring silences",
                include_str!("../../migrations/postgres/0014_monitoring_silences.sql"),
            ),
            (
                15,
                "languages",
                include_str!("../../migrations/postgres/0015_languages.sql"),
            ),
            (
                16,
                "second factor required",
                include_str!("../../migrations/postgres/0016_second_factor_required.sql"),
            ),
        ],
    };
    Migrator::with_migrations(
        files
            .iter()
            .map(|(version, description, sql)| {
                Migration::new(
                    *version,
                    (*description).into(),
                    MigrationType::Simple,
                    sqlx::SqlStr::from_static(sql),
                    false,
                )
            })
            .collect(),
    )
}

/// Times are stored as microseconds since the Unix epoch (see the migration's header).
pub fn to_db_time(t: Timestamp) -> i64 {
    t.as_microsecond()
}

pub fn from_db_time(column: &'static str, micros: i64) -> Result<Timestamp> {
    Timestamp::from_microsecond(micros).map_err(|e| StorageError::Corrupt {
        column,
        message: e.to_string(),
    })
}

pub fn from_db_time_opt(column: &'static str, micros: Option<i64>) -> Result<Option<Timestamp>> {
    micros.map(|m| from_db_time(column, m)).transpose()
}

/// Parses a stored enumeration value, reporting the column when it is not one we know.
pub fn parse_column<T: FromStr>(column: &'static str, value: &str) -> Result<T>
where
    T::Err: std::fmt::Display,
{
    value.parse().map_err(|e: T::Err| StorageError::Corrupt {
        column,
        message: e.to_string(),
    })
}

/// True when `error` is a violation of a UNIQUE constraint, on either backend.
pub fn is_unique_violation(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(e) if e.is_unique_violation())
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlx::Connection;

    /// A second writer that does not wait is refused with SQLite's "database is locked": the
    /// database is busy, not broken.
    #[tokio::test]
    async fn sqlite_busy_is_unavailable_and_a_bad_query_is_not() {
        sqlx::any::install_default_drivers();
        let dir = tempfile::tempdir().expect("dir");
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("busy.db").display());
        let mut first = sqlx::AnyConnection::connect(&url).await.expect("first");
        let mut second = sqlx::AnyConnection::connect(&url).await.expect("second");
        sqlx::raw_sql("PRAGMA busy_timeout = 0; CREATE TABLE t (x INTEGER)")
            .execute(&mut second)
            .await
            .expect("table");
        sqlx::raw_sql("BEGIN IMMEDIATE")
            .execute(&mut first)
            .await
            .expect("first writes");
        let busy = sqlx::raw_sql("INSERT INTO t VALUES (1)")
            .execute(&mut second)
            .await
            .expect_err("second waits for nobody");
        let busy = StorageError::from(busy);
        assert!(busy.is_unavailable(), "{busy}");
        let bad = sqlx::raw_sql("SELECT nothing FROM nowhere")
            .execute(&mut second)
            .await
            .expect_err("no such table");
        let bad = StorageError::from(bad);
        assert!(!bad.is_unavailable(), "{bad}");
    }

    /// A new installation asks every admin for a second factor; one upgraded with admins of its
    /// own keeps working as before, until an admin turns it on.
    #[tokio::test]
    async fn second_factors_are_required_for_new_installations_only() {
        sqlx::any::install_default_drivers();
        let migrator = migrator(Backend::Sqlite);
        let required = async |users: bool| {
            let mut conn = sqlx::AnyConnection::connect("sqlite::memory:")
                .await
                .expect("db");
            for m in migrator.iter() {
                if m.version == 16 && users {
                    sqlx::raw_sql(
                        "INSERT INTO users (username, password_hash, created_at)
                         VALUES ('alice', 'x', 0)",
                    )
                    .execute(&mut conn)
                    .await
                    .expect("user");
                }
                sqlx::raw_sql(sqlx::AssertSqlSafe(m.sql.as_str().to_owned()))
                    .execute(&mut conn)
                    .await
                    .expect("migrated");
            }
            sqlx::query_scalar::<_, i32>("SELECT second_factor_required FROM site_settings")
                .fetch_one(&mut conn)
                .await
                .expect("read")
        };
        assert_eq!(required(false).await, 1);
        assert_eq!(required(true).await, 0);
    }

    /// Upgrading must not nudge every suspicion that was waiting already, all at once.
    #[tokio::test]
    async fn the_watch_migration_counts_existing_suspicions_as_nudged() {
        sqlx::any::install_default_drivers();
        let mut conn = sqlx::AnyConnection::connect("sqlite::memory:")
            .await
            .expect("db");
        let migrator = migrator(Backend::Sqlite);
        let run = async |conn: &mut sqlx::AnyConnection,
                         versions: std::ops::RangeInclusive<i64>| {
            for m in migrator.iter().filter(|m| versions.contains(&m.version)) {
                sqlx::raw_sql(sqlx::AssertSqlSafe(m.sql.as_str().to_owned()))
                    .execute(&mut *conn)
                    .await
                    .expect("migrated");
            }
        };
        run(&mut conn, 1..=11).await;
        sqlx::raw_sql(
            "INSERT INTO incidents (status, severity, start_at, title, created_at, updated_at)
             VALUES ('suspected', 'outage', 1, 'old suspicion', 1, 7),
                    ('confirmed', 'outage', 1, 'confirmed', 1, 8)",
        )
        .execute(&mut conn)
        .await
        .expect("incidents");
        run(&mut conn, 12..=12).await;
        let nudged: Vec<(String, Option<i64>)> =
            sqlx::query_as("SELECT status, nudged_at FROM incidents ORDER BY id")
                .fetch_all(&mut conn)
                .await
                .expect("read");
        assert_eq!(
            nudged,
            [("suspected".into(), Some(7)), ("confirmed".into(), None)]
        );
    }
}
