//! The mail jobs: the opt-in mail, the fan-out of a status change to every subscriber, and
//! each subscriber's notification. A fan-out queues one job per subscriber with a unique key,
//! in one transaction with recording that subscribers were told; so after a crash anywhere
//! in the middle, every remaining mail is sent once and no mail is queued twice.

use super::Mailer;
use super::compose::NotificationBody;
use super::compose::Sender;
use crate::config::Config;
use crate::domain::IncidentStatus;
use crate::domain::notification::{NotificationKind, notification_for};
use crate::jobs::kinds::{self, NotificationJob, OptInJob, StatusChangeJob};
use crate::jobs::{JobError, JobRegistry, JobResult};
use crate::storage::incidents::IncidentUpdate;
use crate::storage::{self, Db, incidents, settings, subscribers};
use jiff::Timestamp;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex};

/// How often a notification mail is tried before it is given up (about two hours).
const MAIL_ATTEMPTS: i32 = 12;

#[derive(Clone)]
pub struct MailJobs {
    pub db: Db,
    pub config: Arc<Config>,
    pub mailer: Mailer,
    /// What a fan-out's mails share, made once: the settings and the rendered body. Keyed by
    /// incident, status and the incident's last change, so an edited title is never sent stale.
    pub cache: Arc<Mutex<BodyCache>>,
}

/// One fan-out's body in one language: the incident, the status and mail it is about, its last
/// change, and the update the mail tells of with a hash of its text (editing an update's text
/// changes no incident, yet must not leave later mails telling the old one).
type BodyKey = (
    &'static str,
    i64,
    IncidentStatus,
    NotificationKind,
    Timestamp,
    Option<(i64, u64)>,
);

#[derive(Default)]
pub struct BodyCache {
    bodies: HashMap<BodyKey, (Sender, Arc<NotificationBody>)>,
}

/// A fan-out in progress needs one entry; old ones are simply dropped.
const CACHED_BODIES: usize = 16;

pub fn register(registry: &mut JobRegistry, mail: MailJobs) {
    let fan_out = mail.clone();
    registry.register(kinds::NOTIFY_STATUS_CHANGED, move |payload: String| {
        let mail = fan_out.clone();
        async move { mail.fan_out(&payload).await }
    });
    let notify = mail.clone();
    registry.register(kinds::MAIL_NOTIFICATION, move |payload: String| {
        let mail = notify.clone();
        async move { mail.notification(&payload).await }
    });
    registry.register(kinds::MAIL_OPT_IN, move |payload: String| {
        let mail = mail.clone();
        async move { mail.opt_in(&payload).await }
    });
}

fn parse<T: serde::de::DeserializeOwned>(payload: &str) -> Result<T, JobError> {
    serde_json::from_str(payload).map_err(|e| JobError::permanent(format!("bad payload: {e}")))
}

impl MailJobs {
    /// What mails to a subscriber who signed up in `language` share: in that language (if
    /// monostat still ships it), else in the site's.
    async fn sender(&self, language: &str) -> Result<Sender, JobError> {
        let mut conn = self.db.acquire().await?;
        let site = settings::site(&mut conn).await?;
        let notifications = settings::notifications(&mut conn).await?;
        let lang = crate::i18n::get(language)
            .or_else(|| crate::i18n::get(&site.language))
            .or_else(|| crate::i18n::get(self.config.language))
            .unwrap_or_else(crate::i18n::english);
        Ok(Sender {
            lang,
            system_name: site.system_name,
            from: self.config.mail.from.clone(),
            reply_to: notifications.reply_to,
            site_url: self.config.site_url.clone(),
            time_zone: self.config.time_zone.zone.clone(),
        })
    }

    #[tracing::instrument(skip_all, fields(payload = %payload))]
    async fn fan_out(&self, payload: &str) -> JobResult {
        let job: StatusChangeJob = parse(payload)?;
        let status: IncidentStatus = job.status.parse().map_err(JobError::permanent)?;
        let mut tx = self.db.begin().await?;
        let Some(incident) =
            incidents::get_for_update(&mut tx, self.db.backend(), job.incident_id).await?
        else {
            return Ok(());
        };
        // News that is no status change names its mail; a status change asks the rules which
        // one it is, against what subscribers were told last.
        let kind = match job.kind {
            Some(kind) => kind,
            None => match notification_for(&incident, status) {
                Some(kind) => kind,
                None => return Ok(()),
            },
        };
        let payload_prefix = serde_json::to_string(&NotificationJob {
            incident_id: incident.id,
            status: status.as_str().to_owned(),
            kind,
            subscriber_id: 0,
        })
        .map_err(JobError::permanent)?;
        // `{"…","subscriber_id":0}` → `{"…","subscriber_id":` + id + `}`, in SQL.
        let payload_prefix = payload_prefix
            .strip_suffix("0}")
            .ok_or_else(|| JobError::permanent("unexpected payload shape"))?;
        let queued = subscribers::enqueue_for_each_active(
            &mut tx,
            kinds::MAIL_NOTIFICATION,
            payload_prefix,
            &match &job.occasion {
                Some(occasion) => format!("mail:incident:{}:{occasion}:", incident.id),
                None => format!("mail:incident:{}:{}:", incident.id, status.as_str()),
            },
            MAIL_ATTEMPTS,
            Timestamp::now(),
        )
        .await?;
        if job.kind.is_none() {
            incidents::save_last_notified(&mut tx, incident.id, status).await?;
        }
        tx.commit().await.map_err(storage::StorageError::from)?;
        tracing::info!(incident = incident.id, status = %status, subscribers = queued, "subscribers are being notified");
        Ok(())
    }

    #[tracing::instrument(skip_all, fields(payload = %payload))]
    async fn notification(&self, payload: &str) -> JobResult {
        let job: NotificationJob = parse(payload)?;
        let status: IncidentStatus = job.status.parse().map_err(JobError::permanent)?;
        let (subscriber, incident, updates) = {
            let mut conn = self.db.acquire().await?;
            (
                subscribers::get(&mut conn, job.subscriber_id).await?,
                incidents::get(&mut conn, job.incident_id).await?,
                incidents::updates(&mut conn, job.incident_id).await?,
            )
        };
        // Unsubscribed (or the incident deleted) since the fan-out: nothing to tell.
        let (Some(subscriber), Some(incident)) = (subscriber, incident) else {
            return Ok(());
        };
        if !subscriber.active {
            return Ok(());
        }
        let update = told_update(&updates, &incident, status, job.kind);
        let (sender, body) = self
            .body(&subscriber.language, &incident, status, job.kind, update)
            .await?;
        let message = sender
            .notification(&body, &subscriber)
            .map_err(JobError::permanent)?;
        self.mailer.send(message).await
    }

    async fn body(
        &self,
        language: &str,
        incident: &crate::domain::Incident,
        status: IncidentStatus,
        kind: NotificationKind,
        update: Option<(i64, &str)>,
    ) -> Result<(Sender, Arc<NotificationBody>), JobError> {
        // The subscriber's language as mails will use it (the site's when empty or no longer
        // shipped), so that the cache holds one body per language, not per spelling.
        let tag = crate::i18n::get(language).map_or("", |l| l.tag);
        let key = (
            tag,
            incident.id,
            status,
            kind,
            incident.updated,
            update.map(|(id, text)| (id, text_hash(text))),
        );
        if let Some(hit) = self.lock_cache().bodies.get(&key) {
            return Ok(hit.clone());
        }
        let sender = self.sender(tag).await?;
        let body = Arc::new(
            sender
                .notification_body(incident, status, kind, update.map(|(_, text)| text))
                .map_err(JobError::permanent)?,
        );
        let mut cache = self.lock_cache();
        if cache.bodies.len() >= CACHED_BODIES {
            cache.bodies.clear();
        }
        cache.bodies.insert(key, (sender.clone(), body.clone()));
        Ok((sender, body))
    }

    fn lock_cache(&self) -> std::sync::MutexGuard<'_, BodyCache> {
        self.cache
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    #[tracing::instrument(skip_all, fields(payload = %payload))]
    async fn opt_in(&self, payload: &str) -> JobResult {
        let job: OptInJob = parse(payload)?;
        let subscriber = {
            let mut conn = self.db.acquire().await?;
            subscribers::get(&mut conn, job.subscriber_id).await?
        };
        // Unsubscribed since: nothing to say.
        let Some(subscriber) = subscriber else {
            return Ok(());
        };
        // An address subscribed already is told in the language it was asked in now; a new
        // sign-up's language is the subscriber's.
        let language = if subscriber.active && !job.language.is_empty() {
            &job.language
        } else {
            &subscriber.language
        };
        let sender = self.sender(language).await?;
        let message = if subscriber.active {
            sender.already_subscribed(&subscriber, job.requested)
        } else {
            sender.opt_in(&subscriber, job.requested)
        }
        .map_err(JobError::permanent)?;
        self.mailer.send(message).await
    }
}

/// The update a notification tells of (its id and Markdown), when it has a text: the one
/// recorded with the change the mail announces. A status's mail tells the newest update that set
/// that status (a status is mailed once per incident, so that is the change); a moved window
/// the update written with the incident's last change, if the move came with one; a reminder,
/// made by the clock, none (its summary and window say what is coming). An announcing update
/// without text means no update in the mail: an older text is not news.
fn told_update<'a>(
    updates: &'a [IncidentUpdate],
    incident: &crate::domain::Incident,
    status: IncidentStatus,
    kind: NotificationKind,
) -> Option<(i64, &'a str)> {
    // `updates` come newest first.
    let update = match kind {
        NotificationKind::MaintenanceReminder => None,
        NotificationKind::MaintenanceRescheduled => {
            updates.iter().find(|u| u.created == incident.updated)
        }
        _ => updates.iter().find(|u| u.new_status == Some(status)),
    }?;
    let text = update.message.as_deref().filter(|t| !t.trim().is_empty())?;
    Some((update.id, text))
}

/// A text's fingerprint for the body cache's key; collisions would only send a stale text,
/// within one process's few cached bodies.
fn text_hash(text: &str) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut hasher);
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Incident, Severity};

    fn at(minute: i64) -> Timestamp {
        Timestamp::from_second(1_800_000_000 + minute * 60).expect("valid")
    }

    fn update(
        id: i64,
        minute: i64,
        status: Option<IncidentStatus>,
        text: Option<&str>,
    ) -> IncidentUpdate {
        IncidentUpdate {
            id,
            incident_id: 1,
            created: at(minute),
            new_status: status,
            message: text.map(str::to_owned),
        }
    }

    fn incident(updated: i64) -> Incident {
        Incident {
            id: 1,
            status: IncidentStatus::Confirmed,
            severity: Severity::Outage,
            start: at(0),
            end: None,
            title: "Checkout".into(),
            summary: None,
            slack_message_ts: None,
            silent: false,
            last_notified_status: None,
            created: at(0),
            updated: at(updated),
            schedule_sequence: 0,
            cancelled: None,
        }
    }

    #[test]
    fn a_status_mail_tells_the_update_that_set_the_status() {
        use IncidentStatus::*;
        // Newest first, as storage gives them.
        let updates = [
            update(4, 30, None, Some("Still watching.")),
            update(3, 20, Some(Watching), Some("Fixed, watching.")),
            update(2, 10, Some(Confirmed), Some("We are on it.")),
            update(1, 0, Some(Suspected), Some("Looking.")),
        ];
        let i = incident(20);
        let told = |status, kind| told_update(&updates, &i, status, kind);
        assert_eq!(
            told(Confirmed, NotificationKind::NewIncident),
            Some((2, "We are on it."))
        );
        assert_eq!(
            told(Watching, NotificationKind::Updated),
            Some((3, "Fixed, watching."))
        );
        assert_eq!(
            told(Resolved, NotificationKind::Resolved),
            None,
            "no such update yet"
        );
        assert_eq!(told(Confirmed, NotificationKind::MaintenanceReminder), None);
    }

    #[test]
    fn an_announcing_update_without_text_brings_no_older_text() {
        let updates = [
            update(2, 10, Some(IncidentStatus::Confirmed), None),
            update(1, 0, Some(IncidentStatus::Suspected), Some("Looking.")),
        ];
        assert_eq!(
            told_update(
                &updates,
                &incident(10),
                IncidentStatus::Confirmed,
                NotificationKind::NewIncident
            ),
            None
        );
    }

    #[test]
    fn a_moved_window_tells_the_update_written_with_the_move() {
        let updates = [
            update(2, 10, None, Some("Moved to Sunday: the vendor asked.")),
            update(
                1,
                0,
                Some(IncidentStatus::Planned),
                Some("We upgrade the database."),
            ),
        ];
        let told = |updated| {
            told_update(
                &updates,
                &incident(updated),
                IncidentStatus::Planned,
                NotificationKind::MaintenanceRescheduled,
            )
        };
        assert_eq!(told(10), Some((2, "Moved to Sunday: the vendor asked.")));
        assert_eq!(told(15), None, "moved without a word");
    }
}
