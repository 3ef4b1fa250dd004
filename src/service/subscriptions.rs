//! Subscribing (double opt-in), confirming and unsubscribing.
//!
//! The subscribe form lets anybody make us mail any address, so what it sends is capped, counted
//! in the database (across instances and restarts): a few mails per inbox a day, however the
//! address is spelled, and a number per hour for the whole installation. And it answers the same
//! whether an address is subscribed, pending or new, so it tells nobody who our subscribers are;
//! only the mail, which reaches the address's owner, differs.

use super::Services;
use crate::domain::email::{InvalidAddress, parse_address, recipient_key};
use crate::jobs::kinds::{self, OptInJob};
use crate::jobs::{self, JobRequest};
use crate::storage::{self, locks, subscribers};
use jiff::{SignedDuration, Timestamp};
use rand::Rng;
use rand::distr::Alphanumeric;

/// Mails the form sends one inbox (`+tag` variants and Gmail's dots counted as one) per
/// [`RECIPIENT_WINDOW`]: enough for somebody whose first mail got lost, too few to flood anybody.
pub const OPT_IN_MAILS_PER_RECIPIENT: i64 = 3;
const RECIPIENT_WINDOW: SignedDuration = SignedDuration::from_hours(24);
const HOURLY_WINDOW: SignedDuration = SignedDuration::from_hours(1);
/// How long a confirmation link works. Unconfirmed sign-ups are deleted after this.
pub const SIGN_UP_VALID_FOR: SignedDuration = SignedDuration::from_hours(48);
/// How long an expired link still says that it expired (its token only, without the address).
const EXPIRED_TOKENS_KEPT: SignedDuration = SignedDuration::from_hours(30 * 24);
/// 32 characters from 62: about 190 random bits.
const TOKEN_LEN: usize = 32;

#[derive(Debug, thiserror::Error)]
pub enum SubscribeError {
    #[error(transparent)]
    Invalid(#[from] InvalidAddress),
    /// The installation's hourly cap on opt-in mails is reached; nothing was stored.
    #[error(
        "Many people are subscribing right now, and we send only a limited number of confirmation mails per hour. Please try again in {}.",
        minutes(*retry_after)
    )]
    Busy { retry_after: SignedDuration },
    #[error(transparent)]
    Storage(#[from] storage::StorageError),
}

fn minutes(wait: SignedDuration) -> String {
    match ((wait.as_secs() + 59) / 60).max(1) {
        1 => "a minute".to_owned(),
        n => format!("{n} minutes"),
    }
}

impl From<sqlx::Error> for SubscribeError {
    fn from(e: sqlx::Error) -> Self {
        Self::Storage(e.into())
    }
}

/// What a confirmation or an unsubscription found.
#[derive(Debug, PartialEq, Eq)]
pub enum TokenOutcome {
    Done,
    /// Nothing to do (confirmed before): the request changes nothing.
    AlreadyDone,
    /// A sign-up not confirmed in time: it changes nothing, and the address must subscribe again.
    Expired,
    UnknownToken,
}

/// What a token in a link stands for (for the pages that ask before acting).
#[derive(Debug, PartialEq, Eq)]
pub enum TokenState {
    Active,
    Pending,
    Expired,
    Unknown,
}

/// Signs `input` up: queues an opt-in mail (or, for an address that is subscribed already, a
/// mail saying so), unless the address's inbox had its share of mails today. `Ok` says nothing
/// about which happened, on purpose. `opt_in_mails_per_hour` is the installation's cap.
#[tracing::instrument(skip_all)]
pub async fn subscribe(
    services: &Services,
    input: &str,
    opt_in_mails_per_hour: u32,
    language: &str,
) -> Result<(), SubscribeError> {
    let email = parse_address(input)?;
    let recipient = recipient_key(&email);
    let now = Timestamp::now();
    let mut tx = services.db.begin().await?;
    locks::take(&mut tx, locks::SUBSCRIPTIONS).await?;
    subscribers::sweep(
        &mut tx,
        now - SIGN_UP_VALID_FOR,
        now - RECIPIENT_WINDOW,
        now - EXPIRED_TOKENS_KEPT,
        now,
    )
    .await?;
    // Asked first, and of every address alike, so that this answer tells nothing either.
    let (sent, oldest) =
        subscribers::opt_in_mails_since(&mut tx, None, now - HOURLY_WINDOW).await?;
    if sent >= i64::from(opt_in_mails_per_hour) {
        tx.commit().await?;
        let frees_up = oldest.map_or(now + HOURLY_WINDOW, |t| t + HOURLY_WINDOW);
        tracing::warn!(
            sent,
            cap = opt_in_mails_per_hour,
            "sign-up refused: the hourly cap on opt-in mails is reached"
        );
        return Err(SubscribeError::Busy {
            retry_after: frees_up
                .duration_since(now)
                .max(SignedDuration::from_secs(60)),
        });
    }
    let (to_recipient, _) =
        subscribers::opt_in_mails_since(&mut tx, Some(&recipient), now - RECIPIENT_WINDOW).await?;
    if to_recipient >= OPT_IN_MAILS_PER_RECIPIENT {
        tx.commit().await?;
        tracing::info!("sign-up mails nobody: this inbox had its opt-in mails for today");
        return Ok(());
    }
    let subscriber = match subscribers::by_address(&mut tx, &email).await? {
        // Told so by mail; the job sees the row is active.
        Some(subscriber) if subscriber.active => subscriber,
        Some(pending) => {
            subscribers::renew_pending(&mut tx, pending.id, now, language).await?;
            pending
        }
        None => {
            let token: String = rand::rng()
                .sample_iter(Alphanumeric)
                .take(TOKEN_LEN)
                .map(char::from)
                .collect();
            subscribers::insert_pending(&mut tx, &email, &token, now, language).await?
        }
    };
    jobs::enqueue(
        &mut tx,
        JobRequest::new(
            kinds::MAIL_OPT_IN,
            &OptInJob {
                subscriber_id: subscriber.id,
                requested: now.as_microsecond(),
                language: language.to_owned(),
            },
        ),
        now,
    )
    .await?;
    subscribers::record_opt_in_mail(&mut tx, &recipient, now).await?;
    tx.commit().await?;
    services.jobs.wake();
    Ok(())
}

#[tracing::instrument(skip_all)]
pub async fn confirm(
    services: &Services,
    token: &str,
) -> Result<TokenOutcome, storage::StorageError> {
    let now = Timestamp::now();
    let mut tx = services.db.begin().await?;
    // Two confirmations of one address at once must not both activate a row.
    locks::take(&mut tx, locks::SUBSCRIPTIONS).await?;
    let Some(subscriber) = subscribers::by_token(&mut tx, token).await? else {
        return Ok(if subscribers::is_expired_token(&mut tx, token).await? {
            TokenOutcome::Expired
        } else {
            TokenOutcome::UnknownToken
        });
    };
    if subscriber.active {
        return Ok(TokenOutcome::AlreadyDone);
    }
    if is_expired(&subscriber, now) {
        return Ok(TokenOutcome::Expired);
    }
    subscribers::activate(&mut tx, &subscriber).await?;
    tx.commit().await?;
    Ok(TokenOutcome::Done)
}

fn is_expired(subscriber: &subscribers::Subscriber, now: Timestamp) -> bool {
    !subscriber.active && subscriber.created + SIGN_UP_VALID_FOR < now
}

#[tracing::instrument(skip_all)]
pub async fn unsubscribe(
    services: &Services,
    token: &str,
) -> Result<TokenOutcome, storage::StorageError> {
    let mut tx = services.db.begin().await?;
    let Some(subscriber) = subscribers::by_token(&mut tx, token).await? else {
        return Ok(TokenOutcome::UnknownToken);
    };
    subscribers::delete(&mut tx, subscriber.id).await?;
    tx.commit().await?;
    Ok(TokenOutcome::Done)
}

/// What `token` stands for.
#[tracing::instrument(skip_all)]
pub async fn token_state(
    services: &Services,
    token: &str,
) -> Result<TokenState, storage::StorageError> {
    let mut conn = services.db.acquire().await?;
    Ok(match subscribers::by_token(&mut conn, token).await? {
        Some(subscriber) if subscriber.active => TokenState::Active,
        Some(subscriber) if is_expired(&subscriber, Timestamp::now()) => TokenState::Expired,
        Some(_) => TokenState::Pending,
        None if subscribers::is_expired_token(&mut conn, token).await? => TokenState::Expired,
        None => TokenState::Unknown,
    })
}
