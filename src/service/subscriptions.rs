//! Subscribing (double opt-in), confirming and unsubscribing.

use super::Services;
use crate::domain::email::{InvalidAddress, parse_address};
use crate::jobs::kinds::{self, OptInJob};
use crate::jobs::{self, JobRequest};
use crate::storage::{self, subscribers};
use jiff::{SignedDuration, Timestamp};
use rand::Rng;
use rand::distr::Alphanumeric;

/// A second request for the same unconfirmed address within this time sends no second mail:
/// otherwise the form could be used to flood somebody's inbox.
const PENDING_FOR: SignedDuration = SignedDuration::from_hours(24);
/// 32 characters from 62: about 190 random bits.
const TOKEN_LEN: usize = 32;

#[derive(Debug, thiserror::Error)]
pub enum SubscribeError {
    #[error(transparent)]
    Invalid(#[from] InvalidAddress),
    #[error("You are already subscribed.")]
    AlreadySubscribed,
    #[error("You have already tried subscribing in the last 24 hours.")]
    AlreadyPending,
    #[error(transparent)]
    Storage(#[from] storage::StorageError),
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
    UnknownToken,
}

pub async fn subscribe(services: &Services, input: &str) -> Result<(), SubscribeError> {
    let email = parse_address(input)?;
    let now = Timestamp::now();
    let mut tx = services.db.begin().await?;
    if subscribers::is_active(&mut tx, &email).await? {
        return Err(SubscribeError::AlreadySubscribed);
    }
    if subscribers::pending_since(&mut tx, &email, now - PENDING_FOR).await? {
        return Err(SubscribeError::AlreadyPending);
    }
    let token: String = rand::rng()
        .sample_iter(Alphanumeric)
        .take(TOKEN_LEN)
        .map(char::from)
        .collect();
    let subscriber = subscribers::insert_pending(&mut tx, &email, &token, now).await?;
    jobs::enqueue(
        &mut tx,
        JobRequest::new(
            kinds::MAIL_OPT_IN,
            &OptInJob {
                subscriber_id: subscriber.id,
            },
        ),
        now,
    )
    .await?;
    tx.commit().await?;
    services.jobs.wake();
    Ok(())
}

pub async fn confirm(
    services: &Services,
    token: &str,
) -> Result<TokenOutcome, storage::StorageError> {
    let mut tx = services.db.begin().await?;
    let Some(subscriber) = subscribers::by_token(&mut tx, token).await? else {
        return Ok(TokenOutcome::UnknownToken);
    };
    if subscriber.active {
        return Ok(TokenOutcome::AlreadyDone);
    }
    subscribers::activate(&mut tx, &subscriber).await?;
    tx.commit().await?;
    Ok(TokenOutcome::Done)
}

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

/// Whether `token` belongs to anybody (for the pages that ask before acting).
pub async fn token_exists(
    services: &Services,
    token: &str,
) -> Result<Option<bool>, storage::StorageError> {
    let mut conn = services.db.acquire().await?;
    Ok(subscribers::by_token(&mut conn, token)
        .await?
        .map(|s| s.active))
}
