//! Outgoing mail: composing the opt-in and notification mails, and handing them to the SMTP
//! server (lettre, pooled connections, STARTTLS or TLS, authentication) or, with no
//! `MONOSTAT_MAIL_HOST`, writing them as `.eml` files to the outbox directory.

pub mod compose;
pub mod jobs;

use crate::config::Config;
use crate::jobs::JobError;
use lettre::message::Message;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::{AsyncSmtpTransport, PoolConfig};
use lettre::{AsyncTransport, Tokio1Executor};
use std::path::PathBuf;
use std::time::Duration;

/// How many SMTP connections one instance keeps open at most.
const POOL_SIZE: u32 = 8;

#[derive(Clone)]
pub enum Mailer {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Outbox(PathBuf),
}

#[derive(Debug, thiserror::Error)]
pub enum MailSetupError {
    #[error("MONOSTAT_MAIL_HOST: {0}")]
    Smtp(#[from] lettre::transport::smtp::Error),
}

impl Mailer {
    pub fn from_config(config: &Config) -> Result<Self, MailSetupError> {
        let mail = &config.mail;
        let Some(host) = mail.host.as_deref() else {
            let outbox = config.data_dir.join("outbox");
            tracing::info!(outbox = %outbox.display(), "MONOSTAT_MAIL_HOST is not set: mails are written to the outbox, not sent");
            return Ok(Self::Outbox(outbox));
        };
        let builder = if mail.tls {
            AsyncSmtpTransport::<Tokio1Executor>::relay(host)?
        } else if mail.starttls {
            AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host)?
        } else {
            AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
        };
        let mut builder = builder
            .port(mail.port)
            .timeout(Some(Duration::from_secs(30)))
            .pool_config(PoolConfig::new().max_size(POOL_SIZE));
        if let (Some(user), Some(password)) = (&mail.user, &mail.password) {
            builder =
                builder.credentials(Credentials::new(user.clone(), password.expose().to_owned()));
        }
        Ok(Self::Smtp(builder.build()))
    }

    /// Sends one mail. SMTP's permanent refusals (5xx: no such mailbox) are not retried; every
    /// other failure is.
    pub async fn send(&self, message: Message) -> Result<(), JobError> {
        match self {
            Self::Smtp(transport) => match transport.send(message).await {
                Ok(_) => Ok(()),
                Err(e) if e.is_permanent() => Err(JobError::permanent(format!(
                    "the mail server refused the mail for good: {e}"
                ))),
                Err(e) => Err(JobError::retry(format!("sending mail: {e}"))),
            },
            Self::Outbox(dir) => write_to_outbox(dir, &message).await,
        }
    }
}

/// One file per mail, named after its Message-ID, written under a temporary name and renamed,
/// so a reader never sees half a mail and writing it again replaces it.
async fn write_to_outbox(dir: &std::path::Path, message: &Message) -> Result<(), JobError> {
    let id = message
        .headers()
        .get_raw("Message-ID")
        .unwrap_or("mail")
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'))
        .collect::<String>();
    let file = dir.join(format!("{id}.eml"));
    let partial = dir.join(format!(".{id}.eml.partial"));
    let bytes = message.formatted();
    let write = async {
        tokio::fs::create_dir_all(dir).await?;
        tokio::fs::write(&partial, bytes).await?;
        tokio::fs::rename(&partial, &file).await
    };
    write
        .await
        .map_err(|e| JobError::retry(format!("writing {}: {e}", file.display())))
}
