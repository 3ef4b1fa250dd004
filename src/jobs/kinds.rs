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
