//! Who hears of a change to an incident, and what subscribers are told. Only what a human has
//! confirmed or announced reaches subscribers: suspicions and dismissals never do, monitoring
//! never mails anybody, and nobody hears the same status twice.
//!
//! The decision is made in two steps, both here: [`audience`], when the change is saved, says
//! who is owed the news (subscribers, the incident's Slack thread, the whole channel); the
//! subscribers' fan-out job then asks [`notification_for`] which mail that is, against what
//! they were told last (earlier fan-outs of the same incident run first). The whole table is
//! in `docs/architecture.md`.

use super::incident::{Incident, IncidentStatus, Severity};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotificationKind {
    /// The first thing subscribers hear of an incident.
    NewIncident,
    /// Maintenance announced ahead.
    MaintenancePosted,
    Updated,
    Resolved,
    /// A reminder before a maintenance starts.
    MaintenanceReminder,
    MaintenanceStarted,
    MaintenanceCompleted,
    /// A maintenance's window moved (postponed, extended, rescheduled).
    MaintenanceRescheduled,
    MaintenanceCancelled,
}

impl NotificationKind {
    /// The mail's subject line.
    pub fn subject(self, incident: &Incident, status: IncidentStatus) -> String {
        let severity = incident.severity.label();
        match self {
            Self::NewIncident => format!("[{severity}] New incident confirmed"),
            Self::MaintenancePosted => format!("[{severity}] Planned maintenance posted"),
            Self::Updated | Self::Resolved => {
                format!("[{severity}] [{}] Incident updated", status.label())
            }
            Self::MaintenanceReminder => format!("[{severity}] Reminder: planned maintenance"),
            Self::MaintenanceStarted => format!("[{severity}] Planned maintenance started"),
            Self::MaintenanceCompleted => format!("[{severity}] Planned maintenance completed"),
            Self::MaintenanceRescheduled => {
                format!("[{severity}] Planned maintenance rescheduled")
            }
            Self::MaintenanceCancelled => format!("[{severity}] Planned maintenance cancelled"),
        }
    }

    /// The mail's first sentence.
    pub fn headline(self) -> &'static str {
        match self {
            Self::NewIncident => "A new incident has been confirmed.",
            Self::MaintenancePosted => "Planned maintenance has been posted.",
            Self::Updated => "An incident has been updated.",
            Self::Resolved => "An incident has been resolved.",
            Self::MaintenanceReminder => "Planned maintenance is coming up.",
            Self::MaintenanceStarted => "Planned maintenance has started.",
            Self::MaintenanceCompleted => "Planned maintenance has been completed.",
            Self::MaintenanceRescheduled => "Planned maintenance has been rescheduled.",
            Self::MaintenanceCancelled => "Planned maintenance has been cancelled.",
        }
    }

    /// Whether the mail is about a maintenance's window, and so carries it as a calendar event.
    pub fn is_maintenance(self) -> bool {
        matches!(
            self,
            Self::MaintenancePosted
                | Self::MaintenanceReminder
                | Self::MaintenanceStarted
                | Self::MaintenanceCompleted
                | Self::MaintenanceRescheduled
                | Self::MaintenanceCancelled
        )
    }
}

/// What one note in an incident's thread says, as data: the job that posts it words it in
/// Slack's markup, with outside text (names, update texts) escaped there; the audit log words
/// it as plain text. `by` is the person's name.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "note", rename_all = "snake_case")]
pub enum Note {
    Created {
        by: String,
        /// Subscribers would have been told of the new incident, but the person asked not to
        /// notify them. Absent in jobs queued before it was said.
        #[serde(default)]
        held_back: bool,
    },
    Confirmed {
        by: String,
    },
    Dismissed {
        by: String,
    },
    StatusChanged {
        by: String,
        status: IncidentStatus,
    },
    SeverityChanged {
        by: String,
        severity: Severity,
    },
    SummaryChanged {
        by: String,
    },
    Posted {
        by: String,
        text: String,
    },
    /// Everything one save of the admin form changed, in one note.
    Revised {
        by: String,
        changed: Vec<Revised>,
        posted: bool,
        /// The status change was news, but the person asked not to notify subscribers.
        held_back: bool,
    },
    UpdateEdited {
        by: String,
    },
    UpdateDeleted {
        by: String,
    },
    /// A person started a maintenance; `None`: the clock did, on schedule.
    MaintenanceStarted {
        by: Option<String>,
    },
    /// A person completed a maintenance; `None`: the clock did, on schedule.
    MaintenanceCompleted {
        by: Option<String>,
    },
    MaintenanceExtended {
        by: String,
        until: jiff::Timestamp,
    },
    MaintenancePostponed {
        by: String,
        start: jiff::Timestamp,
        end: Option<jiff::Timestamp>,
    },
    MaintenanceCancelled {
        by: String,
    },
    /// Somebody acknowledged the incident's PagerDuty incident; `by` is PagerDuty's name for who
    /// did (absent when PagerDuty names nobody).
    PagerdutyAcknowledged {
        by: Option<String>,
    },
    /// A note was added to the PagerDuty incident; `text` is its content, cut to
    /// [`MAX_PAGERDUTY_NOTE_BYTES`].
    PagerdutyAnnotated {
        by: Option<String>,
        text: String,
    },
    /// The PagerDuty incident's priority changed (`None`: removed).
    PagerdutyPriorityChanged {
        by: Option<String>,
        priority: Option<String>,
    },
}

/// How much of a PagerDuty note its thread reply quotes: enough for what a responder writes
/// ("restarted the primary, watching"), short enough not to flood the thread; the rest is one
/// click away in PagerDuty.
pub const MAX_PAGERDUTY_NOTE_BYTES: usize = 500;

/// One field the admin form changed.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Revised {
    Title,
    Severity(Severity),
    Start,
    End,
    Summary,
    Silent(bool),
    Status(IncidentStatus),
}

/// How a note's words are marked up: Slack's mrkdwn, or plain text for the audit log.
pub trait Markup {
    /// A name or other text from outside, shown as it is.
    fn text(&self, text: &str) -> String;
    /// A value to stand out (a status, a severity).
    fn strong(&self, value: &str) -> String;
    /// A quoted passage (an update's text).
    fn quote(&self, text: &str) -> String;
    /// A moment. Plain text says it in UTC; Slack can show each reader their own time.
    fn time(&self, at: jiff::Timestamp) -> String {
        at.strftime("%Y-%m-%d %H:%M UTC").to_string()
    }
}

/// Text as it is, for the audit log.
pub struct Plain;

impl Markup for Plain {
    fn text(&self, text: &str) -> String {
        text.to_owned()
    }
    fn strong(&self, value: &str) -> String {
        value.to_owned()
    }
    fn quote(&self, text: &str) -> String {
        text.to_owned()
    }
}

/// What a note adds when the person held back news subscribers would have had.
const HELD_BACK: &str = " (subscribers were not notified)";

/// The audit log's entry for the notes of one change: their plain words, one after the other.
/// Entries end without a full stop, as they always have, unless the last words are a person's
/// own (an update's text), which are kept exactly as written.
pub fn audit_message(notes: &[Note]) -> String {
    let mut message = notes
        .iter()
        .map(|n| n.words(&Plain))
        .collect::<Vec<_>>()
        .join(" ");
    if !matches!(notes.last(), Some(Note::Posted { .. })) && message.ends_with('.') {
        message.pop();
    }
    message
}

impl Note {
    /// The note's sentence, e.g. "jdoe changed the status to *Watching*.".
    pub fn words(&self, m: &dyn Markup) -> String {
        match self {
            Self::Created { by, held_back } => format!(
                "Created by {}{}.",
                m.text(by),
                if *held_back { HELD_BACK } else { "" }
            ),
            Self::Confirmed { by } => format!("{} confirmed the incident.", m.text(by)),
            Self::Dismissed { by } => format!("{} dismissed the incident.", m.text(by)),
            Self::StatusChanged { by, status } => format!(
                "{} changed the status to {}.",
                m.text(by),
                m.strong(status.label())
            ),
            Self::SeverityChanged { by, severity } => format!(
                "{} changed the severity to {}.",
                m.text(by),
                m.strong(severity.label())
            ),
            Self::SummaryChanged { by } => format!("{} changed the summary.", m.text(by)),
            Self::Posted { by, text } => {
                format!("{} posted an update:\n{}", m.text(by), m.quote(text))
            }
            Self::Revised {
                by,
                changed,
                posted,
                held_back,
            } => {
                let mut note = format!("Updated on the admin page by {}", m.text(by));
                let changed: Vec<String> = changed
                    .iter()
                    .map(|c| match c {
                        Revised::Title => "the title".to_owned(),
                        Revised::Severity(s) => format!("the severity to {}", m.strong(s.label())),
                        Revised::Start => "the start".to_owned(),
                        Revised::End => "the end".to_owned(),
                        Revised::Summary => "the summary".to_owned(),
                        Revised::Silent(true) => "it to silent".to_owned(),
                        Revised::Silent(false) => "it to not silent".to_owned(),
                        Revised::Status(s) => format!("the status to {}", m.strong(s.label())),
                    })
                    .collect();
                if !changed.is_empty() {
                    note.push_str(&format!(": changed {}", changed.join(", ")));
                }
                if *posted {
                    note.push_str(if changed.is_empty() {
                        ": posted an update"
                    } else {
                        ", and posted an update"
                    });
                }
                if *held_back {
                    note.push_str(HELD_BACK);
                }
                note.push('.');
                note
            }
            Self::UpdateEdited { by } => {
                format!("{} edited a public update on the admin page.", m.text(by))
            }
            Self::UpdateDeleted { by } => {
                format!("{} deleted a public update on the admin page.", m.text(by))
            }
            Self::MaintenanceStarted { by: Some(by) } => {
                format!("{} started the maintenance.", m.text(by))
            }
            Self::MaintenanceStarted { by: None } => "The maintenance started on schedule.".into(),
            Self::MaintenanceCompleted { by: Some(by) } => {
                format!("{} completed the maintenance.", m.text(by))
            }
            Self::MaintenanceCompleted { by: None } => {
                "The maintenance was completed on schedule.".into()
            }
            Self::MaintenanceExtended { by, until } => format!(
                "{} extended the maintenance until {}.",
                m.text(by),
                m.time(*until)
            ),
            Self::MaintenancePostponed { by, start, end } => {
                let window = match end {
                    Some(end) => format!("{} – {}", m.time(*start), m.time(*end)),
                    None => m.time(*start),
                };
                format!("{} postponed the maintenance to {}.", m.text(by), window)
            }
            Self::MaintenanceCancelled { by } => {
                format!("{} cancelled the maintenance.", m.text(by))
            }
            Self::PagerdutyAcknowledged { by: Some(by) } => {
                format!("Acknowledged in PagerDuty by {}.", m.text(by))
            }
            Self::PagerdutyAcknowledged { by: None } => "Acknowledged in PagerDuty.".into(),
            Self::PagerdutyAnnotated { by, text } => format!(
                "{} in PagerDuty:\n{}",
                match by {
                    Some(by) => format!("{} added a note", m.text(by)),
                    None => "A note was added".to_owned(),
                },
                m.quote(text)
            ),
            Self::PagerdutyPriorityChanged { by, priority } => {
                let by = by
                    .as_deref()
                    .map(|by| format!(" by {}", m.text(by)))
                    .unwrap_or_default();
                match priority {
                    // PagerDuty's priority names are the account's own: outside text.
                    Some(p) => format!(
                        "Priority changed to {} in PagerDuty{by}.",
                        m.strong(&m.text(p))
                    ),
                    None => format!("Priority removed in PagerDuty{by}."),
                }
            }
        }
    }
}

/// Who made a change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum By {
    /// A person, in Slack or on the admin pages; `notify` is false when they ticked "do not
    /// notify subscribers" for this change.
    Person { notify: bool },
    /// Monitoring, through an alert.
    Monitoring,
    /// The clock, starting or completing a maintenance on schedule; `notify` is the site's
    /// setting for that notice. Its thread message is the prompt the clock posts (with buttons),
    /// so no note is added.
    Clock { notify: bool },
}

/// Who hears of one change. Besides these, every change brings the incident's own message in
/// the channel up to date.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Audience {
    /// Subscribers are owed news of the new status (a fan-out is queued; which mail, if any
    /// still, is [`notification_for`]'s answer when it runs).
    pub subscribers: bool,
    /// A note in the incident's Slack thread.
    pub thread: bool,
    /// What the whole channel sees of it.
    pub channel: Channel,
}

/// What the team's channel sees of a change, beyond its thread.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Channel {
    /// Only that the incident's message changes.
    #[default]
    Quiet,
    /// The incident's message, new in the channel.
    NewMessage,
    /// The thread note, sent to the channel too.
    Broadcast,
}

/// Statuses that can be news for subscribers at all.
fn may_be_news(status: IncidentStatus) -> bool {
    matches!(
        status,
        IncidentStatus::Planned
            | IncidentStatus::Confirmed
            | IncidentStatus::Watching
            | IncidentStatus::Resolved
    )
}

/// Who hears of an incident changing from `before` (`None`: it was just created) to `after`.
///
/// - A person's change is noted in the thread; a new incident is posted to the channel. It
///   owes subscribers news when the status changed to (or the incident was created in) one
///   that can be news: planned, confirmed, watching or resolved. Not for a silent incident,
///   nor when the person asked not to notify.
/// - Monitoring posts the incident it opens to the channel without a note; what it does to an
///   incident afterwards (dismissing a suspicion, closing the alerts of a confirmed incident)
///   is a thread note the channel sees too, since it asks somebody to act. Monitoring never
///   owes subscribers anything: only people confirm.
pub fn audience(before: Option<&Incident>, after: &Incident, by: By) -> Audience {
    let status_changed = before.is_none_or(|b| b.status != after.status);
    let channel = |later| match before {
        None => Channel::NewMessage,
        Some(_) => later,
    };
    match by {
        By::Monitoring => Audience {
            subscribers: false,
            thread: before.is_some(),
            channel: channel(Channel::Broadcast),
        },
        By::Person { notify } => Audience {
            subscribers: notify && !after.silent && status_changed && may_be_news(after.status),
            thread: true,
            channel: channel(Channel::Quiet),
        },
        By::Clock { notify } => Audience {
            subscribers: notify && !after.silent && status_changed && may_be_news(after.status),
            thread: false,
            channel: Channel::Quiet,
        },
    }
}

/// Whether a person's "do not notify" held news back: subscribers would have heard of the
/// change from `before` to `after` had they not asked otherwise. The thread note says so.
pub fn held_back(before: Option<&Incident>, after: &Incident, by: By) -> bool {
    by == By::Person { notify: false }
        && audience(before, after, By::Person { notify: true }).subscribers
}

/// Whether reaching `status` is news for subscribers of `incident`, and which kind. `None` for
/// silent incidents, suspicions and dismissals, a status they were already told about, and
/// for a resolution of an incident they never heard of.
pub fn notification_for(incident: &Incident, status: IncidentStatus) -> Option<NotificationKind> {
    if incident.silent || incident.last_notified_status == Some(status) {
        return None;
    }
    if !may_be_news(status) {
        return None;
    }
    let told_before = incident.last_notified_status.is_some();
    match status {
        IncidentStatus::Suspected | IncidentStatus::Dismissed => None,
        IncidentStatus::Planned if told_before => None,
        IncidentStatus::Planned => Some(NotificationKind::MaintenancePosted),
        IncidentStatus::Confirmed | IncidentStatus::Watching
            if incident.severity == Severity::Maintenance
                && incident.last_notified_status == Some(IncidentStatus::Planned) =>
        {
            Some(NotificationKind::MaintenanceStarted)
        }
        IncidentStatus::Resolved if told_before && incident.severity == Severity::Maintenance => {
            Some(NotificationKind::MaintenanceCompleted)
        }
        IncidentStatus::Confirmed | IncidentStatus::Watching
            if !told_before || incident.last_notified_status == Some(IncidentStatus::Planned) =>
        {
            Some(if told_before {
                NotificationKind::Updated
            } else {
                NotificationKind::NewIncident
            })
        }
        IncidentStatus::Confirmed | IncidentStatus::Watching => Some(NotificationKind::Updated),
        IncidentStatus::Resolved if told_before => Some(NotificationKind::Resolved),
        IncidentStatus::Resolved => None,
    }
}

/// Which mail, if any, subscribers are owed when a maintenance's window moves or it is cancelled
/// (no status they could be told of changes, so [`notification_for`] has nothing to say): only
/// for a maintenance they were told of, not silent, still ahead or in progress.
pub fn schedule_news(before: &Incident, after: &Incident) -> Option<NotificationKind> {
    if after.silent || before.last_notified_status.is_none() {
        return None;
    }
    if before.severity != Severity::Maintenance || before.status.is_closed() {
        return None;
    }
    if after.cancelled.is_some() && before.cancelled.is_none() {
        return Some(NotificationKind::MaintenanceCancelled);
    }
    // A start or completion has its own mail; a window that moves without either is news.
    let same_status = before.status == after.status;
    let moved = (before.start, before.end) != (after.start, after.end);
    (same_status && moved).then_some(NotificationKind::MaintenanceRescheduled)
}

/// Whether subscribers are owed a reminder before `incident` (a maintenance) starts: only when
/// they were told of it and it is not silent.
pub fn schedule_news_reminder(incident: &Incident) -> bool {
    !incident.silent && incident.last_notified_status == Some(IncidentStatus::Planned)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Severity;
    use IncidentStatus::*;

    fn incident(last: Option<IncidentStatus>, silent: bool) -> Incident {
        let t = jiff::Timestamp::from_second(1_700_000_000).expect("time");
        Incident {
            id: 1,
            status: Confirmed,
            severity: Severity::Outage,
            start: t,
            end: None,
            title: "Checkout down".into(),
            summary: None,
            slack_message_ts: None,
            silent,
            last_notified_status: last,
            created: t,
            updated: t,
            schedule_sequence: 0,
            cancelled: None,
        }
    }

    #[test]
    fn the_first_confirmation_is_a_new_incident_and_later_changes_are_updates() {
        let fresh = incident(None, false);
        assert_eq!(
            notification_for(&fresh, Confirmed),
            Some(NotificationKind::NewIncident)
        );
        assert_eq!(
            NotificationKind::NewIncident.subject(&fresh, Confirmed),
            "[Outage] New incident confirmed"
        );
        let told = incident(Some(Confirmed), false);
        assert_eq!(
            notification_for(&told, Confirmed),
            None,
            "never the same status twice"
        );
        assert_eq!(
            notification_for(&told, Watching),
            Some(NotificationKind::Updated)
        );
        assert_eq!(
            notification_for(&told, Resolved),
            Some(NotificationKind::Resolved)
        );
        assert_eq!(
            NotificationKind::Resolved.subject(&told, Resolved),
            "[Outage] [Resolved] Incident updated"
        );
    }

    #[test]
    fn suspicions_dismissals_and_silent_incidents_are_never_mailed() {
        assert_eq!(notification_for(&incident(None, false), Suspected), None);
        assert_eq!(notification_for(&incident(None, false), Dismissed), None);
        assert_eq!(notification_for(&incident(None, true), Confirmed), None);
        assert_eq!(
            notification_for(&incident(None, false), Resolved),
            None,
            "never heard of it"
        );
    }

    #[test]
    fn maintenance_is_announced_once_and_its_start_is_an_update() {
        assert_eq!(
            notification_for(&incident(None, false), Planned),
            Some(NotificationKind::MaintenancePosted)
        );
        let announced = incident(Some(Planned), false);
        assert_eq!(
            notification_for(&announced, Confirmed),
            Some(NotificationKind::Updated)
        );
    }

    /// Every row of the table in `docs/architecture.md`: who hears of a change.
    #[test]
    fn the_table_who_hears_what() {
        let person = By::Person { notify: true };
        let news = [Planned, Confirmed, Watching, Resolved];
        let mut after = incident(None, false);
        // Created by a person: posted to the channel, noted in the thread, news unless it is
        // a status nobody is told of (and people cannot create those).
        for status in IncidentStatus::ALL {
            after.status = status;
            assert_eq!(
                audience(None, &after, person),
                Audience {
                    subscribers: news.contains(&status),
                    thread: true,
                    channel: Channel::NewMessage,
                },
                "new → {status}"
            );
        }
        // Changed by a person: noted in the thread only; news when the status changed to one
        // that can be news.
        for from in IncidentStatus::ALL {
            for to in IncidentStatus::ALL {
                let mut before = incident(None, false);
                before.status = from;
                after.status = to;
                assert_eq!(
                    audience(Some(&before), &after, person),
                    Audience {
                        subscribers: from != to && news.contains(&to),
                        thread: true,
                        channel: Channel::Quiet,
                    },
                    "{from} → {to}"
                );
            }
        }
        // "Do not notify" and silent incidents hold subscribers back, nothing else.
        let mut before = incident(None, false);
        before.status = Suspected;
        after.status = Confirmed;
        let held = Audience {
            subscribers: false,
            thread: true,
            channel: Channel::Quiet,
        };
        assert_eq!(
            audience(Some(&before), &after, By::Person { notify: false }),
            held
        );
        let silent = incident(None, true);
        assert_eq!(audience(Some(&before), &silent, person), held);
        assert!(!audience(None, &silent, person).subscribers);
        // The note says "subscribers were not notified" when the tick held news back, on
        // creation as on a change; never of a silent incident, which has no news to hold.
        let quiet = By::Person { notify: false };
        assert!(held_back(Some(&before), &after, quiet));
        assert!(!held_back(Some(&before), &silent, quiet));
        assert!(!held_back(Some(&before), &after, person));
        for status in IncidentStatus::ALL {
            after.status = status;
            assert_eq!(
                audience(None, &after, quiet),
                Audience {
                    subscribers: false,
                    thread: true,
                    channel: Channel::NewMessage,
                },
                "new → {status}, not notified"
            );
            assert_eq!(
                held_back(None, &after, quiet),
                news.contains(&status),
                "new → {status}, not notified"
            );
        }
        assert!(!held_back(None, &silent, quiet));
        let created = |held_back| Note::Created {
            by: "alice".into(),
            held_back,
        };
        assert_eq!(created(false).words(&Plain), "Created by alice.");
        assert_eq!(
            created(true).words(&Plain),
            "Created by alice (subscribers were not notified)."
        );
        // Monitoring: the incident it opens is posted without a note; what it does later is a
        // note the channel sees; subscribers never hear from it.
        after.status = Suspected;
        assert_eq!(
            audience(None, &after, By::Monitoring),
            Audience {
                subscribers: false,
                thread: false,
                channel: Channel::NewMessage,
            }
        );
        for (from, to) in [
            (Suspected, Dismissed),
            (Confirmed, Confirmed),
            (Watching, Watching),
        ] {
            before.status = from;
            after.status = to;
            assert_eq!(
                audience(Some(&before), &after, By::Monitoring),
                Audience {
                    subscribers: false,
                    thread: true,
                    channel: Channel::Broadcast,
                },
                "{from} → {to}"
            );
        }
    }

    /// The audit entry is the notes' plain words without the closing full stop, except that a
    /// posted update's text is kept as the person wrote it.
    #[test]
    fn the_audit_log_keeps_a_posted_update_as_written() {
        let by = || "jdoe".to_owned();
        let notes = [
            Note::StatusChanged {
                by: by(),
                status: Resolved,
            },
            Note::Posted {
                by: by(),
                text: "A fix is out. We keep monitoring.".into(),
            },
        ];
        assert_eq!(
            audit_message(&notes),
            "jdoe changed the status to Resolved. jdoe posted an update:\nA fix is out. We keep monitoring."
        );
        assert_eq!(
            audit_message(&notes[..1]),
            "jdoe changed the status to Resolved"
        );
    }

    /// The mail a fan-out sends, by what subscribers heard last (rows) and the status it
    /// reports (columns: planned, suspected, dismissed, confirmed, watching, resolved).
    #[test]
    fn the_table_which_mail() {
        use NotificationKind::*;
        let p = Some(MaintenancePosted);
        let n = Some(NewIncident);
        let u = Some(Updated);
        let r = Some(Resolved);
        let rows: [(Option<IncidentStatus>, [Option<NotificationKind>; 6]); 5] = [
            (None, [p, None, None, n, n, None]),
            (Some(Planned), [None, None, None, u, u, r]),
            (Some(Confirmed), [None, None, None, None, u, r]),
            (Some(Watching), [None, None, None, u, None, r]),
            (
                Some(IncidentStatus::Resolved),
                [None, None, None, u, u, None],
            ),
        ];
        for (told, mails) in rows {
            for (status, mail) in IncidentStatus::ALL.into_iter().zip(mails) {
                assert_eq!(
                    notification_for(&incident(told, false), status),
                    mail,
                    "told {told:?}, now {status}"
                );
                assert_eq!(notification_for(&incident(told, true), status), None);
            }
        }
    }

    fn maintenance(last: Option<IncidentStatus>, status: IncidentStatus) -> Incident {
        Incident {
            status,
            severity: Severity::Maintenance,
            end: Some(jiff::Timestamp::from_second(1_700_003_600).expect("time")),
            ..incident(last, false)
        }
    }

    /// The maintenance rows of docs/architecture.md's table.
    #[test]
    fn the_table_for_maintenance() {
        use NotificationKind::*;
        let told = Some(Planned);
        let m = maintenance(told, Planned);
        assert_eq!(notification_for(&m, Confirmed), Some(MaintenanceStarted));
        assert_eq!(notification_for(&m, Watching), Some(MaintenanceStarted));
        assert_eq!(
            notification_for(&m, IncidentStatus::Resolved),
            Some(MaintenanceCompleted)
        );
        let running = maintenance(Some(Confirmed), Confirmed);
        assert_eq!(
            notification_for(&running, IncidentStatus::Resolved),
            Some(MaintenanceCompleted)
        );
        assert_eq!(
            notification_for(&maintenance(None, Planned), Planned),
            Some(MaintenancePosted)
        );

        // The clock: subscribers as the settings say, no thread note (its prompt says it).
        for notify in [true, false] {
            let after = maintenance(told, Confirmed);
            let heard = audience(Some(&m), &after, By::Clock { notify });
            assert_eq!(
                heard,
                Audience {
                    subscribers: notify,
                    thread: false,
                    channel: Channel::Quiet
                }
            );
        }

        // A moved window, a cancellation: news of their own, only for those who heard of it.
        let hour = jiff::SignedDuration::from_hours(1);
        let mut moved = m.clone();
        moved.start += hour;
        assert_eq!(schedule_news(&m, &moved), Some(MaintenanceRescheduled));
        let mut cancelled = m.clone();
        cancelled.status = Dismissed;
        cancelled.cancelled = Some(m.start);
        assert_eq!(schedule_news(&m, &cancelled), Some(MaintenanceCancelled));
        let unheard = maintenance(None, Planned);
        assert_eq!(schedule_news(&unheard, &moved), None);
        let silent = Incident {
            silent: true,
            ..moved.clone()
        };
        assert_eq!(schedule_news(&m, &silent), None);
        // Started early: the start mail says it, not a reschedule.
        let mut started = m.clone();
        started.status = Confirmed;
        started.start -= hour;
        assert_eq!(schedule_news(&m, &started), None);
        let done = maintenance(told, IncidentStatus::Resolved);
        assert_eq!(schedule_news(&done, &moved), None);
        let mut outage = m.clone();
        outage.severity = Severity::Outage;
        assert_eq!(schedule_news(&outage, &moved), None);
        assert!(schedule_news_reminder(&m) && !schedule_news_reminder(&unheard));
    }
}
