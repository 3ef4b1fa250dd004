//! The kinds of job monostat enqueues, with their payloads. Enqueued by the services; run by
//! the handlers their owners register (the Slack bot for `slack.*`).

use serde::{Deserialize, Serialize};

/// Post the message of an incident that an alert opened, with the alert's message.
pub const SLACK_NEW_INCIDENT_FROM_ALERT: &str = "slack.new_incident_from_alert";
/// Update the message of an incident that monitoring dismissed, and ask in its thread for a
/// review of whether it was real.
pub const SLACK_AUTO_DISMISSED: &str = "slack.auto_dismissed";
/// Remind, in the thread of a confirmed incident, to resolve it now that its alerts closed.
pub const SLACK_ALL_ALERTS_CLOSED: &str = "slack.all_alerts_closed";

/// Bring an incident's message up to date after a person changed the incident, and say in its
/// thread what changed and who changed it.
pub const SLACK_INCIDENT_CHANGED: &str = "slack.incident_changed";
/// Publish the bot's Home tab (with its "Create incident" button) for a user who opened it.
pub const SLACK_PUBLISH_HOME: &str = "slack.publish_home";

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HomeJob {
    pub user_id: String,
}

/// Decide whether an incident's new status is news for subscribers and, if so, queue one
/// `mail.notification` job per active subscriber.
pub const NOTIFY_STATUS_CHANGED: &str = "notify.status_changed";
/// Mail one subscriber about one status change of one incident.
pub const MAIL_NOTIFICATION: &str = "mail.notification";
/// Mail the link that confirms a subscription.
pub const MAIL_OPT_IN: &str = "mail.opt_in";

/// A status change fan-out. All of an incident's fan-outs share a sequence, so subscribers are
/// queued the confirmation before the resolution.
pub fn status_change_job(job: &StatusChangeJob) -> super::JobRequest {
    super::JobRequest::new(NOTIFY_STATUS_CHANGED, job)
        .in_sequence(format!("notify:incident:{}", job.incident_id))
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationJob {
    pub incident_id: i64,
    pub status: String,
    pub kind: crate::domain::notification::NotificationKind,
    pub subscriber_id: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OptInJob {
    pub subscriber_id: i64,
    /// When the sign-up asked (microseconds): one sign-up's mail keeps its `Message-ID` across
    /// retries, while a second sign-up's mail gets a new one, which mail clients do not fold into
    /// the first.
    #[serde(default)]
    pub requested: i64,
    /// The language the sign-up asked in: an address subscribed already is answered in it.
    #[serde(default)]
    pub language: String,
}

/// A Slack job about an incident. All of an incident's Slack jobs share a sequence, so its
/// message and thread change in the order the incident did.
pub fn slack_incident_job(kind: &'static str, job: &IncidentJob) -> super::JobRequest {
    super::JobRequest::new(kind, job).in_sequence(format!("slack:incident:{}", job.incident_id))
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusChangeJob {
    pub incident_id: i64,
    /// The status subscribers are told about.
    pub status: String,
    /// News that is no status change (a maintenance reminder, reschedule or cancellation):
    /// the mail to send, instead of `notification_for`'s answer for `status`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<crate::domain::notification::NotificationKind>,
    /// What makes this news unique (`reminder:3`), so each subscriber gets it once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub occasion: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncidentJob {
    pub incident_id: i64,
    /// The alert's message, for jobs that an alert caused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alert_message: Option<String>,
    /// Thread replies in Slack mrkdwn, as jobs queued before the notes became data
    /// (`news`) carry them; still posted, so that an upgrade loses none. Nothing new writes it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// For the incident's thread, one reply each: what changed and who did it. The Slack job
    /// words them (`domain::notification::Note::words`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub news: Vec<crate::domain::notification::Note>,
    /// Whether the thread reply goes to the channel too (`domain::notification::audience`);
    /// absent in jobs queued before it was decided there, which keep their kind's old way.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub broadcast: Option<bool>,
}

/// One moment of a maintenance's schedule (`domain::maintenance::plan`): start it, complete it,
/// prompt the channel, remind subscribers. Scheduled for its moment; does nothing when the
/// maintenance's window or the settings moved since.
pub const MAINTENANCE_STEP: &str = "maintenance.step";
/// Post a maintenance prompt (`domain::maintenance::Prompt`), with its buttons, in the
/// incident's thread and to the channel.
pub const SLACK_MAINTENANCE_PROMPT: &str = "slack.maintenance_prompt";

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaintenanceStepJob {
    pub incident_id: i64,
    /// The incident's `schedule_sequence` when the job was scheduled.
    pub sequence: i64,
    pub step: crate::domain::maintenance::Step,
    /// The moment, in microseconds since the epoch.
    pub at: i64,
    /// When the moment was scheduled (microseconds): a moment somebody just set in the past
    /// (an end moved to an hour ago) is not late. Absent (0) in jobs queued before it was kept.
    #[serde(default)]
    pub scheduled: i64,
}

/// A step job, due at its moment. Its unique key makes scheduling the same moment again (every
/// change of the maintenance, every start of monostat) a no-op, on every instance.
pub fn maintenance_step_job(job: &MaintenanceStepJob, now: jiff::Timestamp) -> super::JobRequest {
    let due = jiff::Timestamp::from_microsecond(job.at).unwrap_or(now);
    let delay = std::time::Duration::try_from(now.duration_until(due)).unwrap_or_default();
    super::JobRequest::new(MAINTENANCE_STEP, job)
        .unique_key(format!(
            "maintenance:{}:{}:{}:{}",
            job.incident_id,
            job.sequence,
            job.step.as_str(),
            job.at
        ))
        .delay(delay)
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PromptJob {
    pub incident_id: i64,
    pub prompt: crate::domain::maintenance::Prompt,
    /// The incident's `schedule_sequence` when prompted: its buttons act only on that window,
    /// so a second click on "Postpone" after somebody else's does not postpone twice.
    pub sequence: i64,
}

/// Tell the team's channel that monitoring has gone quiet (`service::watch`).
pub const SLACK_MONITORING_QUIET: &str = "slack.monitoring_quiet";
/// Reply in the quiet message's thread that monitoring is back.
pub const SLACK_MONITORING_BACK: &str = "slack.monitoring_back";
/// Ask in a suspected incident's thread, and the channel, to confirm or dismiss it.
pub const SLACK_NUDGE: &str = "slack.nudge";

/// A silence of monitoring, or its end. Both jobs of every silence share one sequence, so the
/// reply never comes before the message it answers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SilenceJob {
    /// The last ping before the silence (microseconds): names the silence.
    pub quiet_since: i64,
    /// The first ping after it (microseconds), for the reply.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub back_at: Option<i64>,
}

/// The Slack jobs of silences of monitoring: one each per silence, in order.
pub fn silence_job(kind: &'static str, job: &SilenceJob) -> super::JobRequest {
    let what = if kind == SLACK_MONITORING_QUIET {
        "quiet"
    } else {
        "back"
    };
    super::JobRequest::new(kind, job)
        .unique_key(format!("heartbeat:{what}:{}", job.quiet_since))
        .in_sequence("slack:heartbeat")
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NudgeJob {
    pub incident_id: i64,
}

/// The nudge of a suspected incident: once per incident, after its other Slack jobs (its
/// message exists before the reply).
pub fn nudge_job(job: &NudgeJob) -> super::JobRequest {
    super::JobRequest::new(SLACK_NUDGE, job)
        .unique_key(format!("nudge:{}", job.incident_id))
        .in_sequence(format!("slack:incident:{}", job.incident_id))
}
