//! The secrets that callers from outside must prove they know (the alert-hook secret, Slack's,
//! PagerDuty's and Grafana's signing secrets), kept in memory: a flood of requests with wrong
//! secrets must not cost a database connection each, and hooks must still be checked while the
//! pool is busy.
//!
//! They are read again after any change this instance makes, and at least every
//! [`REREAD_EVERY`], which is how another instance's new secret arrives. A request never waits
//! long for that read: past [`REREAD_WAIT`] the secrets read before are used.

use crate::changes::Changes;
use crate::config::Config;
use crate::settings;
use crate::storage::{Db, StorageError};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

const REREAD_EVERY: Duration = Duration::from_secs(10);
/// How long a request waits for a new read before the secrets read before are used.
const REREAD_WAIT: Duration = Duration::from_millis(500);

#[derive(Clone)]
pub struct Secrets {
    db: Db,
    config: Arc<Config>,
    changes: Changes,
    cached: Arc<Mutex<Option<Known>>>,
}

/// The secrets as last read.
#[derive(Clone)]
pub struct Known {
    /// `MONOSTAT_WEBHOOK_SECRET`, else the stored one.
    pub webhook: Arc<str>,
    /// `MONOSTAT_SLACK_SIGNING_SECRET`, else the stored one; empty when Slack is not set up.
    pub slack_signing: Arc<str>,
    /// PagerDuty's and Grafana's signing secrets (empty when not set).
    pub hook_signing: Arc<settings::HookSigning>,
    generation: u64,
    read_at: Instant,
}

impl Secrets {
    pub fn new(db: Db, config: Arc<Config>, changes: Changes) -> Self {
        Secrets {
            db,
            config,
            changes,
            cached: Arc::default(),
        }
    }

    /// The current secrets; one database read when they may have changed, shared by every
    /// request that asks meanwhile. When that read is slow (a busy pool) or fails (database
    /// away), what was read before is used, and the read is tried again later.
    pub async fn get(&self) -> Result<Known, StorageError> {
        let generation = self.changes.generation();
        let mut cached = self.cached.lock().await;
        if let Some(known) = cached.as_ref()
            && known.generation == generation
            && known.read_at.elapsed() < REREAD_EVERY
        {
            return Ok(known.clone());
        }
        let Some(known) = cached.as_mut() else {
            let known = self.read(generation).await?;
            *cached = Some(known.clone());
            return Ok(known);
        };
        match tokio::time::timeout(REREAD_WAIT, self.read(generation)).await {
            Ok(Ok(fresh)) => {
                *known = fresh;
            }
            outcome => {
                if let Ok(Err(e)) = outcome {
                    tracing::warn!(error = %e, "cannot read the hook and Slack secrets; using those read before");
                }
                known.generation = generation;
                known.read_at = Instant::now();
            }
        }
        Ok(known.clone())
    }

    async fn read(&self, generation: u64) -> Result<Known, StorageError> {
        let webhook = settings::hook_secret(&self.config, &self.db).await?;
        let slack = settings::slack_signing_secret(&self.config.slack, &self.db).await?;
        let hook_signing = settings::hook_signing(&self.config, &self.db).await?;
        Ok(Known {
            webhook: webhook.value.into(),
            slack_signing: slack.value.into(),
            hook_signing: Arc::new(hook_signing),
            generation,
            read_at: Instant::now(),
        })
    }
}
