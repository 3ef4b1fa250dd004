//! Start-up and shutdown: from a [`Config`] to a running server, and back to nothing.
//!
//! `main` and the integration tests start monostat the same way: [`Application::build`] opens
//! the database, migrates it, binds the listener (port 0 in tests) and starts nothing yet;
//! [`Application::run`] serves until the shutdown token is cancelled (SIGINT/SIGTERM in `main`).
//!
//! `app` is the top of the module layering: it alone knows every area, puts the request state
//! together ([`state`]) and the routes ([`mod@router`]); `/metrics`, which reads every area's
//! counters, lives here too.

mod metrics;
pub mod router;
pub mod state;

pub use router::router;
pub use state::{AppState, Parts};

use crate::config::Config;
use crate::jobs::{JobRegistry, Jobs, WorkerSettings};
use crate::redis::SharedRedis;
use crate::storage::{self, Db};
use crate::web;
use rand::Rng;
use rand::distr::Alphanumeric;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Storage(#[from] storage::StorageError),
    #[error("cannot create the data directory {path}: {source}")]
    DataDir {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot load the system's TLS root certificates (install ca-certificates): {0}")]
    Tls(std::io::Error),
    #[error("MONOSTAT_REDIS_HOST: {0}")]
    Redis(#[from] crate::redis::RedisError),
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: SocketAddr,
        source: std::io::Error,
    },
}

/// Names this installation's keys in a shared Redis.
const INSTALLATION_ID_LEN: usize = 16;

fn random_token(len: usize) -> String {
    rand::rng()
        .sample_iter(Alphanumeric)
        .take(len)
        .map(char::from)
        .collect()
}

/// Subscription requests per client: this many at once, then one more per period. Each one
/// mails an address of the client's choosing.
const SUBSCRIBE_BURST: u32 = 10;
const SUBSCRIBE_REFILL: std::time::Duration = std::time::Duration::from_secs(60);

/// A built, not yet running, monostat server.
pub struct Application {
    state: AppState,
    redis: Option<SharedRedis>,
    /// None for a worker instance (`monostat worker`), which serves no requests.
    listener: Option<TcpListener>,
    shutdown: CancellationToken,
}

/// What an instance does. A worker is the original's `worker` container: another instance of
/// the same installation that runs jobs, watches monitoring and holds a Socket Mode connection,
/// but neither listens nor renders pages, so it needs no port and no memory for the page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Serve,
    Worker,
}

/// What a running server's owner (tests, `main`) can reach: its address, its storage and job
/// queue, and the switch that stops it.
#[derive(Clone)]
pub struct AppHandle {
    pub addr: SocketAddr,
    pub db: Db,
    pub jobs: Jobs,
    pub changes: crate::changes::Changes,
    pub pages: crate::public::PublicPages,
    pub shutdown: CancellationToken,
}

impl Application {
    pub async fn build(config: Config) -> Result<Self, StartError> {
        Self::build_with(config, |_| {}).await
    }

    /// Like [`Application::build`], letting the caller add job handlers (tests register their
    /// own kinds to exercise the queue).
    pub async fn build_with(
        config: Config,
        extend_jobs: impl FnOnce(&mut JobRegistry),
    ) -> Result<Self, StartError> {
        Self::build_with_settings(config, WorkerSettings::default(), extend_jobs).await
    }

    pub async fn build_with_settings(
        config: Config,
        worker: WorkerSettings,
        extend_jobs: impl FnOnce(&mut JobRegistry),
    ) -> Result<Self, StartError> {
        Self::build_as(Role::Serve, config, worker, extend_jobs).await
    }

    pub async fn build_as(
        role: Role,
        config: Config,
        mut worker: WorkerSettings,
        extend_jobs: impl FnOnce(&mut JobRegistry),
    ) -> Result<Self, StartError> {
        std::fs::create_dir_all(&config.data_dir).map_err(|source| StartError::DataDir {
            path: config.data_dir.display().to_string(),
            source,
        })?;
        let db = open_database(&config).await?;
        adopt_logo_file(&db, &config.data_dir).await?;
        let redis = match &config.redis {
            Some(redis) => {
                let installation = storage::settings::ensure_installation_id(
                    &mut *db.acquire().await?,
                    &random_token(INSTALLATION_ID_LEN),
                )
                .await?;
                Some(SharedRedis::new(redis, &installation)?)
            }
            None => None,
        };

        let config = Arc::new(config);
        let mut registry = JobRegistry::default();
        let slack_api =
            crate::slack::SlackApi::new(&config.slack.api_url).map_err(StartError::Tls)?;
        crate::slack::register(
            &mut registry,
            crate::slack::SlackJobs {
                db: db.clone(),
                config: config.clone(),
                api: slack_api.clone(),
            },
        );
        crate::mail::jobs::register(
            &mut registry,
            crate::mail::jobs::MailJobs {
                db: db.clone(),
                config: config.clone(),
                mailer: crate::mail::Mailer::from_config(&config),
                cache: Default::default(),
            },
        );
        let services_for_jobs = Arc::new(std::sync::OnceLock::new());
        crate::service::maintenance::register(&mut registry, services_for_jobs.clone());
        crate::service::recurrence::register(
            &mut registry,
            services_for_jobs.clone(),
            config.time_zone.zone.clone(),
        );
        extend_jobs(&mut registry);
        worker.concurrency = config.num_workers;
        worker.lease = config.job_lease;
        let jobs = Jobs::new(db.clone(), registry, worker);

        let listener = match role {
            Role::Serve => Some(TcpListener::bind(config.listen).await.map_err(|source| {
                StartError::Listen {
                    addr: config.listen,
                    source,
                }
            })?),
            Role::Worker => None,
        };
        let changes = crate::changes::Changes::new();
        let pages = crate::public::PublicPages::new(
            crate::public::Renderer::new(
                db.clone(),
                config.time_zone.zone.clone(),
                config.site_url.clone(),
            )
            .with_language(config.language),
            changes.clone(),
        )
        .with_mirror(
            config
                .static_mirror_dir
                .clone()
                .map(crate::public::mirror::Mirror::new),
        );
        // Render before the first request, so the page is served from memory from the start.
        if role == Role::Serve
            && let Err(e) = pages.refresh().await
        {
            tracing::warn!(error = %e, "cannot render the public pages yet");
        }
        let services = crate::service::Services {
            db: db.clone(),
            jobs: jobs.clone(),
            changes: changes.clone(),
        };
        let _ = services_for_jobs.set(services.clone());
        // Maintenance imported, created by an older version or whose jobs a restored database
        // lost gets its moments scheduled; those already queued are not queued twice.
        if let Err(e) = crate::service::maintenance::schedule_all(&services).await {
            tracing::warn!(error = %e, "cannot schedule planned maintenance yet; it is scheduled when it next changes or at the next start");
        }
        // Recurring maintenance: today's top-up for every running series, queued once.
        if let Err(e) = crate::service::recurrence::schedule_all(&services).await {
            tracing::warn!(error = %e, "cannot queue the recurring maintenance top-ups yet; they are queued at the next start");
        }
        let bot = crate::slack::Bot {
            services: services.clone(),
            api: slack_api.clone(),
            config: config.clone(),
        };
        let secrets =
            crate::web::secrets::Secrets::new(db.clone(), config.clone(), changes.clone());
        let socket_mode = crate::slack::socket_mode::Status::default();
        Ok(Self {
            state: AppState::new(Parts {
                public: Arc::new(crate::public::PublicParts {
                    config: config.clone(),
                    db: db.clone(),
                    pages: pages.clone(),
                    services: services.clone(),
                    subscribe_limiter: crate::web::rate_limit::Allowance::new(
                        "subscribe",
                        SUBSCRIBE_BURST,
                        SUBSCRIBE_REFILL,
                        redis.clone(),
                    ),
                }),
                admin: Arc::new(crate::admin::AdminParts {
                    config: config.clone(),
                    db: db.clone(),
                    jobs: jobs.clone(),
                    changes: changes.clone(),
                    slack: slack_api,
                    socket_mode: socket_mode.clone(),
                    admin_limits: crate::admin::LoginLimits::new(redis.clone()),
                    pages: pages.clone(),
                }),
                slack: Arc::new(crate::slack::SlackParts {
                    secrets: secrets.clone(),
                    bot: bot.clone(),
                }),
                hooks: Arc::new(crate::integrations::HookParts::new(secrets, services)),
                config,
                db,
                jobs,
                changes,
                pages,
                bot,
                socket_mode,
                requests: Default::default(),
            }),
            redis,
            listener,
            shutdown: CancellationToken::new(),
        })
    }

    pub fn handle(&self) -> AppHandle {
        AppHandle {
            addr: self.local_addr(),
            db: self.state.db.clone(),
            jobs: self.state.jobs.clone(),
            changes: self.state.changes.clone(),
            pages: self.state.pages.clone(),
            shutdown: self.shutdown.clone(),
        }
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .as_ref()
            .and_then(|listener| listener.local_addr().ok())
            .unwrap_or(self.state.config.listen)
    }

    /// Serves requests and runs jobs until the shutdown token is cancelled; then stops taking
    /// connections, lets in-flight requests and jobs finish (jobs that do not finish in time go
    /// back to the queue) and closes the database.
    pub async fn run(self) -> std::io::Result<()> {
        let Application {
            state,
            redis,
            listener,
            shutdown,
        } = self;
        let relay = redis.map(|redis| {
            tokio::spawn(redis.relay_changes(state.changes.clone(), shutdown.clone()))
        });
        let worker = tokio::spawn(state.jobs.clone().run(shutdown.clone()));
        let socket_mode = tokio::spawn(crate::slack::socket_mode::supervise(
            state.bot.clone(),
            state.socket_mode.clone(),
            shutdown.clone(),
        ));
        let pages = listener
            .is_some()
            .then(|| tokio::spawn(state.pages.clone().keep_fresh(shutdown.clone())));
        let watch = tokio::spawn(crate::service::watch::run(
            crate::service::Services {
                db: state.db.clone(),
                jobs: state.jobs.clone(),
                changes: state.changes.clone(),
            },
            shutdown.clone(),
        ));
        let db = state.db.clone();
        let served = match listener {
            Some(listener) => {
                tracing::info!(
                    addr = %listener.local_addr()?,
                    site_url = %state.config.site_url,
                    database = %state.config.database.redacted_url(),
                    "monostat is serving"
                );
                let limits = state.config.http.clone();
                web::server::serve(listener, router(state), limits, shutdown.clone()).await
            }
            None => {
                tracing::info!(
                    database = %state.config.database.redacted_url(),
                    "monostat is working (jobs, monitoring, Slack), serving no requests"
                );
                shutdown.cancelled().await;
                Ok(())
            }
        };
        // The server only returns early on an I/O error; make sure the worker stops too.
        shutdown.cancel();
        if let Err(e) = worker.await {
            tracing::error!(error = %e, "job worker stopped abnormally");
        }
        if let Some(pages) = pages
            && let Err(e) = pages.await
        {
            tracing::error!(error = %e, "public page renderer stopped abnormally");
        }
        if let Err(e) = watch.await {
            tracing::error!(error = %e, "the watch on monitoring stopped abnormally");
        }
        if let Err(e) = socket_mode.await {
            tracing::error!(error = %e, "Slack Socket Mode stopped abnormally");
        }
        if let Some(relay) = relay
            && let Err(e) = relay.await
        {
            tracing::error!(error = %e, "Redis change relay stopped abnormally");
        }
        db.close().await;
        tracing::info!("monostat stopped");
        served
    }
}

/// Connects and, unless `AUTOMIGRATE=skip`, brings the schema up to date; then makes sure the
/// installation has what its first start creates (the alert-hook secret), so every command sees
/// a complete installation whichever ran first.
pub async fn open_database(config: &Config) -> Result<Db, storage::StorageError> {
    let db = Db::connect(&config.database).await?;
    if config.automigrate {
        db.migrate().await?;
    } else if db.is_schema_current().await? {
        tracing::info!("AUTOMIGRATE=skip: not migrating the database");
    } else {
        return Err(storage::StorageError::SchemaBehind);
    }
    let mut conn = db.acquire().await?;
    crate::settings::ensure_hook_secret(&mut conn).await?;
    storage::settings::ensure_installation_id(&mut conn, &random_token(INSTALLATION_ID_LEN))
        .await?;
    drop(conn);
    Ok(db)
}

/// Earlier builds kept the uploaded logo in `$MONOSTAT_DATA_DIR/media/`; it now lives in
/// the database so that every instance serves it. A logo the settings name but the database
/// lacks is taken from there, once.
async fn adopt_logo_file(db: &Db, data_dir: &std::path::Path) -> Result<(), storage::StorageError> {
    let mut conn = db.acquire().await?;
    let Some(name) = storage::settings::site(&mut conn).await?.logo else {
        return Ok(());
    };
    if crate::logo::LogoName::parse(&name).is_none()
        || storage::media::get(&mut conn, &name).await?.is_some()
    {
        return Ok(());
    }
    let path = data_dir.join("media").join(&name);
    match tokio::fs::read(&path).await {
        Ok(content) => {
            storage::media::put(&mut conn, &name, &content, jiff::Timestamp::now()).await?;
            tracing::info!(path = %path.display(), "logo moved into the database");
        }
        Err(e) => {
            tracing::warn!(error = %e, logo = name, "the logo in the settings is missing; upload it again");
        }
    }
    Ok(())
}

/// Resolves when the process is asked to stop (Ctrl-C, or SIGTERM from a container runtime).
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = terminate => {}
    }
    tracing::info!("shutdown requested; finishing requests and jobs");
}
