//! A small pool of SMTP connections over lettre's connection type. lettre's own pool opens its
//! sockets without `TCP_NODELAY`, and since it writes a mail's body and its final `.` in two
//! writes before waiting for the answer, Nagle's algorithm held every mail for a delayed ACK
//! (about 40 ms): a fan-out managed some 300 mails a second. Our sockets set `TCP_NODELAY`.

use crate::config::MailConfig;
use lettre::Message;
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{AsyncSmtpConnection, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;

type SmtpError = lettre::transport::smtp::Error;

/// An idle connection older than this is closed rather than reused: servers drop idle
/// clients after a while, and a fresh connection is cheaper than a failed send.
const MAX_IDLE: Duration = Duration::from_secs(30);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);

pub struct SmtpPool {
    host: String,
    port: u16,
    starttls: bool,
    tls: bool,
    credentials: Option<Credentials>,
    hello: ClientId,
    idle: Mutex<Vec<(Instant, AsyncSmtpConnection)>>,
    permits: Semaphore,
}

#[derive(Debug, thiserror::Error)]
pub enum SendError {
    /// The server refused for good (5xx): no use trying again.
    #[error("{0}")]
    Permanent(SmtpError),
    #[error("{0}")]
    Transient(String),
}

impl SmtpPool {
    pub fn new(config: &MailConfig, host: &str, size: usize) -> Self {
        Self {
            host: host.to_owned(),
            port: config.port,
            starttls: config.starttls,
            tls: config.tls,
            credentials: match (&config.user, &config.password) {
                (Some(user), Some(password)) => {
                    Some(Credentials::new(user.clone(), password.expose().to_owned()))
                }
                _ => None,
            },
            hello: ClientId::default(),
            idle: Mutex::new(Vec::new()),
            permits: Semaphore::new(size.max(1)),
        }
    }

    pub async fn send(&self, message: &Message) -> Result<(), SendError> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|e| SendError::Transient(e.to_string()))?;
        let envelope = message.envelope().clone();
        let bytes = message.formatted();
        let reused = self.take_idle();
        let fresh = reused.is_none();
        let mut connection = match reused {
            Some(connection) => connection,
            None => self.connect().await?,
        };
        let mut result = connection.send(&envelope, &bytes).await;
        // A reused connection the server has closed in the meantime fails without an SMTP
        // answer: that says nothing about the mail, so try once more on a new connection.
        if let Err(e) = &result
            && !fresh
            && !e.is_permanent()
            && !e.is_transient()
        {
            connection = self.connect().await?;
            result = connection.send(&envelope, &bytes).await;
        }
        match result {
            Ok(_) => {
                self.put_idle(connection);
                Ok(())
            }
            Err(e) if e.is_permanent() => Err(SendError::Permanent(e)),
            Err(e) => Err(SendError::Transient(e.to_string())),
        }
    }

    fn take_idle(&self) -> Option<AsyncSmtpConnection> {
        let mut idle = self.idle.lock().unwrap_or_else(|p| p.into_inner());
        while let Some((since, connection)) = idle.pop() {
            if since.elapsed() < MAX_IDLE && !connection.has_broken() {
                return Some(connection);
            }
        }
        None
    }

    fn put_idle(&self, connection: AsyncSmtpConnection) {
        if !connection.has_broken() {
            let mut idle = self.idle.lock().unwrap_or_else(|p| p.into_inner());
            idle.push((Instant::now(), connection));
        }
    }

    async fn connect(&self) -> Result<AsyncSmtpConnection, SendError> {
        let transient = |e: SmtpError| SendError::Transient(e.to_string());
        let tls = || TlsParameters::new(self.host.clone()).map_err(transient);
        let mut connection = if self.tls {
            // Implicit TLS (port 465): lettre opens this socket itself.
            AsyncSmtpConnection::connect_tokio1(
                (self.host.as_str(), self.port),
                Some(CONNECT_TIMEOUT),
                &self.hello,
                Some(tls()?),
                None,
            )
            .await
            .map_err(transient)?
        } else {
            let stream = tokio::time::timeout(
                CONNECT_TIMEOUT,
                tokio::net::TcpStream::connect((self.host.as_str(), self.port)),
            )
            .await
            .map_err(|_| {
                SendError::Transient(format!(
                    "connecting to {}:{} timed out",
                    self.host, self.port
                ))
            })?
            .map_err(|e| {
                SendError::Transient(format!("connecting to {}:{}: {e}", self.host, self.port))
            })?;
            stream
                .set_nodelay(true)
                .map_err(|e| SendError::Transient(e.to_string()))?;
            let mut connection =
                AsyncSmtpConnection::connect_with_transport(Box::new(stream), &self.hello)
                    .await
                    .map_err(transient)?;
            if self.starttls {
                connection
                    .starttls(tls()?, &self.hello)
                    .await
                    .map_err(transient)?;
            }
            connection
        };
        if let Some(credentials) = &self.credentials {
            connection
                .auth(&[Mechanism::Plain, Mechanism::Login], credentials)
                .await
                .map_err(|e| {
                    if e.is_permanent() {
                        SendError::Permanent(e)
                    } else {
                        transient(e)
                    }
                })?;
        }
        Ok(connection)
    }
}
