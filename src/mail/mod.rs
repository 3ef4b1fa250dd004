//! Outgoing mail: composing the opt-in and notification mails, and handing them to the SMTP
//! server (lettre, pooled connections, STARTTLS or TLS, authentication) or, with no
//! `MONOSTAT_MAIL_HOST`, writing them as `.eml` files to the outbox directory.

pub mod compose;
pub mod jobs;
mod smtp;

use crate::config::Config;
use crate::jobs::JobError;
use lettre::message::Message;
use smtp::{SendError, SmtpPool};
use std::path::PathBuf;
use std::sync::Arc;

/// How many SMTP connections one instance keeps open at most.
const POOL_SIZE: usize = 8;

#[derive(Clone)]
pub enum Mailer {
    Smtp(Arc<SmtpPool>),
    Outbox(PathBuf),
}

impl Mailer {
    pub fn from_config(config: &Config) -> Self {
        let mail = &config.mail;
        let Some(host) = mail.host.as_deref() else {
            let outbox = config.data_dir.join("outbox");
            tracing::info!(outbox = %outbox.display(), "MONOSTAT_MAIL_HOST is not set: mails are written to the outbox, not sent");
            return Self::Outbox(outbox);
        };
        Self::Smtp(Arc::new(SmtpPool::new(mail, host, POOL_SIZE)))
    }

    /// Sends one mail. SMTP's permanent refusals (5xx: no such mailbox) are not retried; every
    /// other failure is.
    pub async fn send(&self, message: Message) -> Result<(), JobError> {
        match self {
            Self::Smtp(pool) => match pool.send(&message).await {
                Ok(()) => Ok(()),
                Err(SendError::Permanent(e)) => Err(JobError::permanent(format!(
                    "the mail server refused the mail for good: {e}"
                ))),
                Err(SendError::Transient(e)) => Err(JobError::retry(format!("sending mail: {e}"))),
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
