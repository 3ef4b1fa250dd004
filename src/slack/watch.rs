//! The watch on monitoring, in the team's channel (never on the public page nor to
//! subscribers): that monitoring has gone quiet, that it is back (in the first message's
//! thread), and the nudge of a suspicion nobody has confirmed. `service::watch` decides; this
//! posts.

use super::jobs::SlackJobs;
use super::messages::{self, content, section};
use crate::domain::IncidentStatus;
use crate::domain::watch::{span_words, suspected_since};
use crate::jobs::kinds::{NudgeJob, SilenceJob};
use crate::jobs::{JobError, JobResult};
use crate::storage::{self, alerts, incidents, watch};
use jiff::Timestamp;
use slack_morphism::prelude::SlackMessageContent;

/// A moment in each reader's own time zone (Slack's date token), falling back to the site's
/// time zone where Slack cannot: the team and the page agree on the zone the page shows.
fn moment(at: Timestamp, zone: &jiff::tz::TimeZone) -> String {
    format!(
        "<!date^{}^{{date_short_pretty}} {{time_secs}}|{}>",
        at.as_second(),
        at.to_zoned(zone.clone()).strftime("%Y-%m-%d %H:%M:%S %Z")
    )
}

fn text_message(text: String) -> SlackMessageContent {
    content(text.clone(), vec![section(&text)])
}

/// "Monitoring has gone quiet: …", as of `now`.
pub(super) fn quiet_message(
    since: Timestamp,
    now: Timestamp,
    zone: &jiff::tz::TimeZone,
) -> SlackMessageContent {
    text_message(format!(
        ":mute: *Monitoring has gone quiet:* no heartbeat since {} ({} ago); the status page \
         cannot notice outages until it is back.",
        moment(since, zone),
        span_words(now.duration_since(since))
    ))
}

pub(super) fn back_message(
    since: Timestamp,
    back: Timestamp,
    zone: &jiff::tz::TimeZone,
) -> SlackMessageContent {
    text_message(format!(
        ":loud_sound: *Monitoring is back:* heartbeat received at {}, after {} of silence.",
        moment(back, zone),
        span_words(back.duration_since(since))
    ))
}

/// The silence told after it ended, when the channel never heard it begin (Slack was down or
/// the job late until pings were back): one message in the past tense, since "monitoring has
/// gone quiet" would be false by then and "monitoring is back" would answer nothing.
pub(super) fn was_quiet_message(
    since: Timestamp,
    back: Timestamp,
    zone: &jiff::tz::TimeZone,
) -> SlackMessageContent {
    text_message(format!(
        ":loud_sound: *Monitoring was quiet* from {} to {} ({} without a heartbeat); the \
         status page could not notice outages meanwhile.",
        moment(since, zone),
        moment(back, zone),
        span_words(back.duration_since(since))
    ))
}

fn time_of(micros: i64) -> Result<Timestamp, JobError> {
    storage::from_db_time("silence job", micros).map_err(JobError::permanent)
}

impl SlackJobs {
    /// Tells the channel that monitoring has gone quiet, and remembers the message for the
    /// reply when it is back.
    #[tracing::instrument(skip_all, fields(payload = %payload))]
    pub(super) async fn monitoring_quiet(&self, payload: &str) -> JobResult {
        let job: SilenceJob = serde_json::from_str(payload)
            .map_err(|e| JobError::permanent(format!("unreadable silence payload: {e}")))?;
        let since = time_of(job.quiet_since)?;
        let Some(target) = self.target().await? else {
            tracing::warn!(quiet_since = %since, "Slack is not configured; nobody is told that monitoring has gone quiet");
            return Ok(());
        };
        {
            let mut conn = self.db.acquire().await?;
            let silence = watch::silence(&mut conn, since).await?;
            // Run again after Slack took it (a crash before the job was marked done).
            if silence.message_ts.is_some() {
                return Ok(());
            }
            // Monitoring came back before this could be said (Slack down, the job late): it
            // would be false now. The job for its end tells the whole silence instead.
            if silence.ended_at.is_some() {
                tracing::info!(quiet_since = %since, "monitoring was back before its silence was reported; the quiet message skipped");
                return Ok(());
            }
        }
        let zone = &self.config.time_zone.zone;
        let message = quiet_message(since, Timestamp::now(), zone);
        let ts = self
            .post(&target, message.clone(), &message, None, false)
            .await?;
        let mut conn = self.db.acquire().await?;
        watch::set_silence_message(&mut conn, since, &ts).await?;
        Ok(())
    }

    /// Replies in the quiet message's thread that monitoring is back. When that message is
    /// unknown (skipped because the silence had ended, Slack refused it, or Slack was not
    /// configured then), the channel never heard of the silence: one channel message tells it
    /// in the past tense, since a reply to nothing would not say what came back from what.
    #[tracing::instrument(skip_all, fields(payload = %payload))]
    pub(super) async fn monitoring_back(&self, payload: &str) -> JobResult {
        let job: SilenceJob = serde_json::from_str(payload)
            .map_err(|e| JobError::permanent(format!("unreadable silence payload: {e}")))?;
        let since = time_of(job.quiet_since)?;
        let back = job.back_at.map(time_of).transpose()?.unwrap_or(since);
        let Some(target) = self.target().await? else {
            return Ok(());
        };
        let ts = {
            let mut conn = self.db.acquire().await?;
            watch::silence(&mut conn, since).await?.message_ts
        };
        let zone = &self.config.time_zone.zone;
        let message = match ts {
            Some(_) => back_message(since, back, zone),
            None => was_quiet_message(since, back, zone),
        };
        self.post(&target, message.clone(), &message, ts.as_deref(), false)
            .await?;
        Ok(())
    }

    /// Asks, in a suspected incident's thread and in the channel, to confirm or dismiss it,
    /// unless somebody did since the nudge was queued.
    #[tracing::instrument(skip_all, fields(payload = %payload))]
    pub(super) async fn nudge(&self, payload: &str) -> JobResult {
        let job: NudgeJob = serde_json::from_str(payload)
            .map_err(|e| JobError::permanent(format!("unreadable nudge payload: {e}")))?;
        let Some(target) = self.target().await? else {
            return Ok(());
        };
        let mut conn = self.db.acquire().await?;
        let Some(incident) = incidents::get(&mut conn, job.incident_id).await? else {
            return Ok(());
        };
        if incident.status != IncidentStatus::Suspected {
            tracing::info!(
                incident_id = incident.id,
                status = %incident.status,
                "suspicion answered before its nudge was posted; nudge skipped"
            );
            return Ok(());
        }
        let alert_message = alerts::first_message(&mut conn, incident.id).await?;
        drop(conn);
        let ts = self
            .show_incident(&target, &incident, alert_message.as_deref())
            .await?;
        let waited = span_words(Timestamp::now().duration_since(suspected_since(&incident)));
        let text = format!(
            ":hourglass: Nobody has confirmed this suspected incident for {waited}. Is the \
             product really affected? Confirm it to tell subscribers, or dismiss it."
        );
        let mut blocks = vec![section(&text)];
        blocks.extend(messages::status_blocks(&incident));
        let nudge = content(text.clone(), blocks);
        self.post(&target, nudge, &text_message(text), Some(&ts), true)
            .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_quiet_message_says_since_when_and_how_long_ago() {
        let zone = jiff::tz::TimeZone::get("Europe/Berlin").expect("zone");
        let since: Timestamp = "2026-11-30T11:00:00Z".parse().expect("time");
        let now: Timestamp = "2026-11-30T11:10:30Z".parse().expect("time");
        let text = quiet_message(since, now, &zone).text.expect("text");
        assert_eq!(
            text,
            ":mute: *Monitoring has gone quiet:* no heartbeat since \
             <!date^1796036400^{date_short_pretty} {time_secs}|2026-11-30 12:00:00 CET> \
             (10 minutes ago); the status page cannot notice outages until it is back."
        );
        let back = back_message(since, now, &zone).text.expect("text");
        assert!(back.ends_with("after 10 minutes of silence."), "{back}");
        let was = was_quiet_message(since, now, &zone).text.expect("text");
        assert_eq!(
            was,
            ":loud_sound: *Monitoring was quiet* from \
             <!date^1796036400^{date_short_pretty} {time_secs}|2026-11-30 12:00:00 CET> to \
             <!date^1796037030^{date_short_pretty} {time_secs}|2026-11-30 12:10:30 CET> \
             (10 minutes without a heartbeat); the status page could not notice outages meanwhile."
        );
    }
}
