//! The settings the environment may override, decided here and nowhere else: the alert-hook
//! secret, the PagerDuty and Grafana signing secrets, and Slack's credentials and channel. Each is
//! the environment's value (`MONOSTAT_WEBHOOK_SECRET`, `MONOSTAT_PAGERDUTY_SIGNING_SECRET`,
//! `MONOSTAT_GRAFANA_SECRET`, `MONOSTAT_SLACK_*`), else the one the admin stored, else (the hook
//! secret only) one generated at the first start. The web layer checks callers against these,
//! the Slack jobs use them, the admin pages show them (read-only where the environment set them),
//! start-up and the command line generate and read the hook secret through here.

use crate::config::{Config, Secret, SlackOverrides};
use crate::storage::{self, AnyConnection, Db};
use rand::Rng;
use rand::distr::Alphanumeric;

/// Length of a generated alert-hook secret, as in the original: it is the only credential of a
/// monitoring system, so it is long.
const HOOK_SECRET_LEN: usize = 64;

/// A value in force, and whether the environment set it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InForce {
    pub value: String,
    pub from_environment: bool,
}

impl InForce {
    /// The one rule: the environment's value, else the stored one (read only when needed).
    async fn decide(
        environment: Option<&str>,
        stored: impl AsyncFnOnce() -> storage::Result<String>,
    ) -> storage::Result<Self> {
        Ok(match environment {
            Some(value) => InForce {
                value: value.to_owned(),
                from_environment: true,
            },
            None => InForce {
                value: stored().await?,
                from_environment: false,
            },
        })
    }
}

// ---- The alert-hook secret ----

/// A new random hook secret.
pub fn new_hook_secret() -> String {
    rand::rng()
        .sample_iter(Alphanumeric)
        .take(HOOK_SECRET_LEN)
        .map(char::from)
        .collect()
}

/// At start-up: stores a generated hook secret unless one is stored already. Several instances
/// starting at once agree on the first one stored.
pub async fn ensure_hook_secret(conn: &mut AnyConnection) -> storage::Result<()> {
    storage::settings::ensure_webhook_secret(conn, &new_hook_secret()).await?;
    Ok(())
}

/// The hook secret in force; the database is read only when the environment does not set it.
pub async fn hook_secret(config: &Config, db: &Db) -> storage::Result<InForce> {
    hook_secret_or(config, async || {
        storage::settings::webhook_secret(&mut *db.acquire().await?).await
    })
    .await
}

/// The same, for a caller that has no database open yet (and opens it only if needed).
pub async fn hook_secret_or(
    config: &Config,
    stored: impl AsyncFnOnce() -> storage::Result<String>,
) -> storage::Result<InForce> {
    InForce::decide(config.webhook_secret.as_ref().map(Secret::expose), stored).await
}

/// The heartbeat URL's token: the first 32 hex digits of HMAC-SHA256(hook secret, "monostat
/// heartbeat"). A heartbeat is a GET that ends up in crontabs, uptime monitors and proxy logs;
/// its own token keeps such a leak from firing alerts (the hook secret cannot be worked back
/// from it), and deriving it means a new hook secret rotates it with nothing more stored.
pub fn heartbeat_token(hook_secret: &str) -> String {
    use hmac::{Hmac, KeyInit, Mac};
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(hook_secret.as_bytes())
        .expect("HMAC takes keys of any length");
    mac.update(b"monostat heartbeat");
    mac.finalize().into_bytes()[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A new hook secret to store in place of the old one, or `None` when the environment sets the
/// secret (then nothing may be stored: it would not be in force).
pub fn replacement_hook_secret(config: &Config) -> Option<String> {
    config.webhook_secret.is_none().then(new_hook_secret)
}

// ---- The alert sources' signing secrets ----

/// The signing secrets of the sources that sign their deliveries; empty when not set (then
/// their deliveries are not checked beyond the hook secret).
#[derive(Clone, Debug, Default)]
pub struct HookSigning {
    pub pagerduty: InForce,
    pub grafana: InForce,
    /// The header Grafana sends its timestamp in; empty when it signs the body alone.
    pub grafana_timestamp_header: String,
}

/// The signing secrets in force: one read of the stored ones, always (Grafana's timestamp header
/// has no environment variable).
pub async fn hook_signing(config: &Config, db: &Db) -> storage::Result<HookSigning> {
    let stored = storage::integrations::get(&mut *db.acquire().await?).await?;
    let decide = async |environment: Option<&Secret>, stored: String| {
        InForce::decide(environment.map(Secret::expose), async || Ok(stored)).await
    };
    Ok(HookSigning {
        pagerduty: decide(
            config.pagerduty_signing_secret.as_ref(),
            stored.pagerduty_signing_secret,
        )
        .await?,
        grafana: decide(config.grafana_secret.as_ref(), stored.grafana_secret).await?,
        grafana_timestamp_header: stored.grafana_timestamp_header.trim().to_owned(),
    })
}

// ---- Slack ----

/// Slack's settings in force.
#[derive(Clone, Debug, Default)]
pub struct Slack {
    pub bot_token: InForce,
    /// Empty when Socket Mode is off.
    pub app_token: InForce,
    /// Empty when Slack's HTTP requests cannot be checked (Slack not set up, or Socket Mode).
    pub signing_secret: InForce,
    /// As configured, e.g. `#statuspage`.
    pub channel_name: InForce,
    /// Resolved from the channel name, when it was resolved for the name in force.
    pub channel_id: Option<String>,
}

/// `#statuspage` and `statuspage` name the same channel.
pub fn normalise_channel(channel_name: &str) -> &str {
    channel_name.trim().trim_start_matches('#')
}

/// All of Slack's settings in force (one read of the stored ones).
pub async fn slack(conn: &mut AnyConnection, env: &SlackOverrides) -> storage::Result<Slack> {
    let stored = storage::settings::slack(conn).await?;
    let decide = async |environment: Option<&str>, stored: String| {
        InForce::decide(environment, async || Ok(stored)).await
    };
    let channel_name = decide(env.channel.as_deref(), stored.channel_name.clone()).await?;
    // A stored id belongs to the name it was resolved for; a new name needs resolving again.
    let channel_id = stored.channel_id.filter(|_| {
        normalise_channel(&stored.channel_name) == normalise_channel(&channel_name.value)
    });
    Ok(Slack {
        bot_token: decide(env.bot_token.as_ref().map(Secret::expose), stored.bot_token).await?,
        app_token: decide(env.app_token.as_ref().map(Secret::expose), stored.app_token).await?,
        signing_secret: decide(
            env.signing_secret.as_ref().map(Secret::expose),
            stored.signing_secret,
        )
        .await?,
        channel_name,
        channel_id,
    })
}

/// Slack's signing secret in force; the database is read only when the environment does not
/// set it.
pub async fn slack_signing_secret(env: &SlackOverrides, db: &Db) -> storage::Result<InForce> {
    InForce::decide(
        env.signing_secret.as_ref().map(Secret::expose),
        async || {
            Ok(storage::settings::slack(&mut *db.acquire().await?)
                .await?
                .signing_secret)
        },
    )
    .await
}

/// The app-level token in force (empty when none): it alone decides whether Socket Mode runs.
pub async fn slack_app_token(
    conn: &mut AnyConnection,
    env: &SlackOverrides,
) -> storage::Result<InForce> {
    InForce::decide(env.app_token.as_ref().map(Secret::expose), async || {
        Ok(storage::settings::slack(conn).await?.app_token)
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_environment_wins_and_the_database_is_then_not_read() {
        let from_env = InForce::decide(Some("env"), async || -> storage::Result<String> {
            panic!("the stored value is not read")
        })
        .await
        .expect("decided");
        assert_eq!(from_env.value, "env");
        assert!(from_env.from_environment);
        let stored = InForce::decide(None, async || Ok("stored".to_owned()))
            .await
            .expect("decided");
        assert_eq!(stored.value, "stored");
        assert!(!stored.from_environment);
    }

    #[test]
    fn generated_hook_secrets_are_long_and_fit_in_a_url() {
        let secret = new_hook_secret();
        assert_eq!(secret.len(), HOOK_SECRET_LEN);
        assert!(secret.bytes().all(|b| b.is_ascii_alphanumeric()));
        assert_ne!(secret, new_hook_secret());
    }

    #[test]
    fn the_heartbeat_token_is_derived_from_the_hook_secret_and_is_not_it() {
        let token = heartbeat_token("s3cret");
        assert_eq!(token.len(), 32);
        assert!(token.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(token, heartbeat_token("s3cret"), "stable: nothing stored");
        assert_ne!(token, heartbeat_token("s3cret2"), "a new secret rotates it");
        // HMAC-SHA256(key "key", "monostat heartbeat"), cut to 16 bytes: the URLs monitoring
        // was given keep working across versions.
        assert_eq!(heartbeat_token("key"), "b47b0607efd1e8db044d92ceb7615160");
    }
}
