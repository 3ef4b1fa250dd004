//! Redis, when several instances run: it tells every instance at once that another changed
//! something, and it keeps the rate limits that must hold across instances (subscribing,
//! logging in). Redis is a help, never a dependency: when it is away, change notices fall back
//! to the database poll and rate limits to each instance's own counters, so the page, the hooks
//! and Slack keep working.
//!
//! Keys and the channel are named after the installation, so several installations (or a
//! test run's many) may share one Redis.

use crate::changes::Changes;
use crate::config::RedisConfig;
use bb8_redis::RedisConnectionManager;
use bb8_redis::bb8::Pool;
use bb8_redis::redis::{self, ConnectionAddr, IntoConnectionInfo, RedisConnectionInfo};
use futures_util::StreamExt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio_util::sync::CancellationToken;

/// How long any one Redis call may take before we carry on without it: a login or a
/// subscription must not hang on a Redis that stopped answering.
const CALL_TIMEOUT: Duration = Duration::from_millis(500);
/// How often the change-notice connection proves it is alive; a silently dead one would
/// otherwise leave this instance deaf to others' changes with the database poll switched off.
const HEARTBEAT: Duration = Duration::from_secs(5);
/// Pause before connecting again after Redis was lost, and before publishing again.
const RETRY: Duration = Duration::from_secs(1);
const POOL_SIZE: u32 = 8;
/// After a rate-limit call failed, they fail at once for this long instead of each waiting the
/// timeout: while Redis is away, logins and subscriptions cost nothing extra.
const BACK_OFF: Duration = Duration::from_secs(5);

/// A generic cell rate algorithm, run inside Redis so that every instance draws from one
/// allowance: `ARGV[2]` at once, then one more every `ARGV[1]` milliseconds. Redis's clock is
/// used, so instances with skewed clocks agree. Returns 1 when the call is allowed.
const TAKE_ALLOWANCE: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local period = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
local next_tat = tat + period
if next_tat - now > burst * period then return 0 end
redis.call('SET', KEYS[1], next_tat, 'PX', next_tat - now)
return 1
";

/// Gives one call back to an allowance taken by `TAKE_ALLOWANCE` (a right password does not
/// count): moves the moment it is full again one period earlier.
const GIVE_BACK_ALLOWANCE: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local period = tonumber(ARGV[1])
local tat = tonumber(redis.call('GET', KEYS[1]))
if not tat then return 0 end
tat = tat - period
if tat <= now then
  redis.call('DEL', KEYS[1])
else
  redis.call('SET', KEYS[1], tat, 'PX', tat - now)
end
return 1
";

#[derive(Debug, thiserror::Error)]
pub enum RedisError {
    #[error(transparent)]
    Redis(#[from] redis::RedisError),
    #[error("Redis did not answer within {} ms", CALL_TIMEOUT.as_millis())]
    Timeout,
    #[error("no Redis connection: {0}")]
    Pool(String),
    #[error("Redis failed a moment ago; not asking again yet")]
    BackingOff,
}

#[derive(Clone)]
pub struct SharedRedis {
    client: redis::Client,
    pool: Pool<RedisConnectionManager>,
    /// `monostat:<installation id>:`, the start of every key and of the channel.
    prefix: String,
    /// This process, so that it can ignore its own change notices.
    instance: String,
    /// Until when calls fail at once, after one failed.
    backing_off_until: Arc<Mutex<Option<Instant>>>,
}

impl std::fmt::Debug for SharedRedis {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SharedRedis")
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

impl SharedRedis {
    /// Prepares the connections without making one: an instance starts (and serves its page)
    /// while Redis is still down, and connects when Redis comes.
    pub fn new(config: &RedisConfig, installation: &str) -> Result<Self, RedisError> {
        let mut settings = RedisConnectionInfo::default();
        if let Some(password) = &config.password {
            settings = settings.set_password(password.expose());
        }
        let info = ConnectionAddr::Tcp(config.host.clone(), config.port)
            .into_connection_info()?
            .set_redis_settings(settings);
        let client = redis::Client::open(info.clone())?;
        let pool = Pool::builder()
            .max_size(POOL_SIZE)
            .connection_timeout(CALL_TIMEOUT)
            .build_unchecked(RedisConnectionManager::new(info)?);
        let instance: u64 = rand::random();
        Ok(Self {
            client,
            pool,
            prefix: format!("monostat:{installation}:"),
            instance: format!("{instance:016x}"),
            backing_off_until: Arc::default(),
        })
    }

    fn key(&self, name: &str) -> String {
        format!("{}{name}", self.prefix)
    }

    /// For calls made while somebody waits for an answer (rate limits).
    async fn call<T: redis::FromRedisValue>(&self, cmd: &redis::Cmd) -> Result<T, RedisError> {
        if self.backing_off() {
            return Err(RedisError::BackingOff);
        }
        let answer = self.call_now(cmd).await;
        if answer.is_err() {
            *self.back_off_state() = Some(Instant::now() + BACK_OFF);
        }
        answer
    }

    fn back_off_state(&self) -> std::sync::MutexGuard<'_, Option<Instant>> {
        self.backing_off_until
            .lock()
            .unwrap_or_else(|p| p.into_inner())
    }

    fn backing_off(&self) -> bool {
        let mut until = self.back_off_state();
        match *until {
            Some(at) if Instant::now() < at => true,
            Some(_) => {
                *until = None;
                false
            }
            None => false,
        }
    }

    async fn call_now<T: redis::FromRedisValue>(&self, cmd: &redis::Cmd) -> Result<T, RedisError> {
        let work = async {
            let mut conn = self
                .pool
                .get()
                .await
                .map_err(|e| RedisError::Pool(e.to_string()))?;
            Ok(cmd.query_async::<T>(&mut *conn).await?)
        };
        tokio::time::timeout(CALL_TIMEOUT, work)
            .await
            .map_err(|_| RedisError::Timeout)?
    }

    /// Takes one call from the shared allowance `name`: `burst` at once, then one per `period`.
    pub async fn take(&self, name: &str, burst: u32, period: Duration) -> Result<bool, RedisError> {
        let allowed: i64 = self
            .call(
                redis::cmd("EVAL")
                    .arg(TAKE_ALLOWANCE)
                    .arg(1)
                    .arg(self.key(name))
                    .arg(period.as_millis().max(1) as u64)
                    .arg(burst.max(1)),
            )
            .await?;
        Ok(allowed == 1)
    }

    /// Gives back one call taken from the allowance `name`.
    pub async fn give_back(&self, name: &str, period: Duration) -> Result<(), RedisError> {
        self.call::<i64>(
            redis::cmd("EVAL")
                .arg(GIVE_BACK_ALLOWANCE)
                .arg(1)
                .arg(self.key(name))
                .arg(period.as_millis().max(1) as u64),
        )
        .await
        .map(|_| ())
    }

    fn channel(&self) -> String {
        self.key("changes")
    }

    /// Relays change notices until shutdown: this instance's own changes go out on the channel,
    /// other instances' come in and re-render this instance's page.
    pub async fn relay_changes(self, changes: Changes, shutdown: CancellationToken) {
        tokio::join!(
            self.publish_ours(&changes, &shutdown),
            self.listen_to_others(&changes, &shutdown)
        );
        changes.set_relayed(false);
    }

    async fn publish_ours(&self, changes: &Changes, shutdown: &CancellationToken) {
        let mut ours = changes.subscribe_ours();
        let mut failing = false;
        loop {
            tokio::select! {
                _ = shutdown.cancelled() => return,
                changed = ours.changed() => if changed.is_err() { return },
            }
            // Until it is out: others with a live subscription would not look for it otherwise.
            // Changes made meanwhile fold into this one notice.
            loop {
                ours.borrow_and_update();
                // Not backing off: a notice is background work, retried every second.
                let sent = self
                    .call_now::<i64>(
                        redis::cmd("PUBLISH")
                            .arg(self.channel())
                            .arg(&self.instance),
                    )
                    .await;
                match sent {
                    Ok(_) => {
                        if failing {
                            tracing::info!("publishing change notices on Redis again");
                        }
                        failing = false;
                        break;
                    }
                    Err(e) => {
                        if !failing {
                            tracing::warn!(error = %e, "cannot publish a change notice on Redis; other instances will find the change in the database");
                        }
                        failing = true;
                        tokio::select! {
                            _ = shutdown.cancelled() => return,
                            _ = tokio::time::sleep(RETRY) => {}
                        }
                    }
                }
            }
        }
    }

    async fn listen_to_others(&self, changes: &Changes, shutdown: &CancellationToken) {
        let mut lost_logged = false;
        loop {
            match self.subscribe().await {
                Ok((sink, stream)) => {
                    tracing::info!("listening for other instances' changes on Redis");
                    lost_logged = false;
                    // Redis answers again: no reason to keep the rate limits local.
                    *self.back_off_state() = None;
                    changes.set_relayed(true);
                    // Whatever happened while nobody listened.
                    changes.notify_from_elsewhere();
                    let ended = self.receive(sink, stream, changes, shutdown).await;
                    changes.set_relayed(false);
                    match ended {
                        Ok(()) => return,
                        Err(e) => {
                            tracing::warn!(error = %e, "lost Redis; looking for other instances' changes in the database")
                        }
                    }
                }
                Err(e) => {
                    if !lost_logged {
                        tracing::warn!(error = %e, "cannot reach Redis; looking for other instances' changes in the database");
                    }
                    lost_logged = true;
                }
            }
            tokio::select! {
                _ = shutdown.cancelled() => return,
                _ = tokio::time::sleep(RETRY) => {}
            }
        }
    }

    async fn subscribe(
        &self,
    ) -> Result<(redis::aio::PubSubSink, redis::aio::PubSubStream), RedisError> {
        let work = async {
            let (mut sink, stream) = self.client.get_async_pubsub().await?.split();
            sink.subscribe(self.channel()).await?;
            Ok::<_, RedisError>((sink, stream))
        };
        tokio::time::timeout(CALL_TIMEOUT * 4, work)
            .await
            .map_err(|_| RedisError::Timeout)?
    }

    /// Passes notices on until shutdown (`Ok`) or until the connection fails (`Err`).
    async fn receive(
        &self,
        mut sink: redis::aio::PubSubSink,
        mut stream: redis::aio::PubSubStream,
        changes: &Changes,
        shutdown: &CancellationToken,
    ) -> Result<(), RedisError> {
        let mut heartbeat = tokio::time::interval(HEARTBEAT);
        heartbeat.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = shutdown.cancelled() => return Ok(()),
                message = stream.next() => match message {
                    Some(message) => {
                        if message.get_payload_bytes() != self.instance.as_bytes() {
                            changes.notify_from_elsewhere();
                        }
                    }
                    None => return Err(RedisError::Pool("the connection closed".into())),
                },
                _ = heartbeat.tick() => {
                    tokio::time::timeout(CALL_TIMEOUT * 4, sink.ping::<redis::Value>())
                        .await
                        .map_err(|_| RedisError::Timeout)??;
                }
            }
        }
    }
}
