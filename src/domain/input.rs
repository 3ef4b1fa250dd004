//! What people may ask of an incident: the one check of a new incident, or of a change to one,
//! before it is saved. Slack's forms, the admin pages, the import and the maintenance
//! scheduler all hand their values over as an [`IncidentDraft`]; each shows the
//! [`Problem`]s its own way (modal field errors, form errors, an exit status), but none of them
//! keeps a rule of its own.
//!
//! The time "now" is passed in, so that the rules about the future can be tested.

use super::incident::{Incident, IncidentStatus, Severity};
use jiff::Timestamp;
use std::fmt;

/// Longest title accepted: the page, Slack's messages and mail subjects must stay readable.
pub const MAX_TITLE_CHARS: usize = 200;

/// Longest summary or public update accepted. Real ones are a few paragraphs; the limit keeps
/// one incident from filling the page (and every subscriber's mail).
pub const MAX_TEXT_CHARS: usize = 20_000;

/// An incident as a person wants it to be: a new one, or an existing one after a change (all
/// its fields as they will be saved), with the public update that goes with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IncidentDraft {
    pub title: String,
    pub status: IncidentStatus,
    pub severity: Severity,
    pub start: Timestamp,
    pub end: Option<Timestamp>,
    /// Markdown.
    pub summary: Option<String>,
    /// The public update posted with it (Markdown).
    pub text: Option<String>,
}

/// The part of a form a problem belongs to, so that each caller can show it next to its field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    Title,
    Status,
    Start,
    End,
    Summary,
    Text,
}

impl Field {
    /// The field's name, for messages without a form around them (the import's).
    pub fn name(self) -> &'static str {
        match self {
            Self::Title => "title",
            Self::Status => "status",
            Self::Start => "start",
            Self::End => "end",
            Self::Summary => "summary",
            Self::Text => "update text",
        }
    }
}

/// One rule a draft breaks. `Display` is the sentence people read next to the field.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    #[error("Give the incident a title.")]
    TitleMissing,
    #[error("At most {MAX_TITLE_CHARS} characters.")]
    TitleTooLong,
    #[error("The title must be one line.")]
    TitleNotOneLine,
    #[error("{}", not_creatable(*.0))]
    NotCreatable(IncidentStatus),
    #[error("{}", not_allowed(*.from, *.to))]
    NotAllowed {
        from: IncidentStatus,
        to: IncidentStatus,
    },
    #[error("A cancelled maintenance stays cancelled; plan a new one instead.")]
    CancelledIsFinal,
    #[error("Planned maintenance starts in the future.")]
    PlannedStartPassed,
    #[error("Planned maintenance needs an end.")]
    PlannedNeedsEnd,
    #[error("The end must be after the start.")]
    EndBeforeStart,
    #[error("At most {} characters.", grouped(MAX_TEXT_CHARS))]
    SummaryTooLong,
    #[error("An update may have at most {} characters.", grouped(MAX_TEXT_CHARS))]
    TextTooLong,
}

/// A count as people write it: `20,000`.
fn grouped(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

fn not_creatable(status: IncidentStatus) -> &'static str {
    match status {
        IncidentStatus::Suspected => "Only monitoring creates suspected incidents.",
        IncidentStatus::Dismissed => {
            "A dismissed incident is a false alarm: there is nothing to create."
        }
        _ => "An incident cannot be created with this status.",
    }
}

fn not_allowed(from: IncidentStatus, to: IncidentStatus) -> String {
    if to == IncidentStatus::Suspected {
        "Only monitoring marks an incident as suspected.".to_owned()
    } else {
        format!(
            "A {} incident cannot become {}.",
            from.as_str(),
            to.as_str()
        )
    }
}

impl Problem {
    pub fn field(&self) -> Field {
        match self {
            Self::TitleMissing | Self::TitleTooLong | Self::TitleNotOneLine => Field::Title,
            Self::NotCreatable(_) | Self::NotAllowed { .. } | Self::CancelledIsFinal => {
                Field::Status
            }
            Self::PlannedStartPassed => Field::Start,
            Self::PlannedNeedsEnd | Self::EndBeforeStart => Field::End,
            Self::SummaryTooLong => Field::Summary,
            Self::TextTooLong => Field::Text,
        }
    }

    /// Whether the rule holds for records of the past (incidents imported from the original
    /// monostat) too. The rules about what people may do *now* (which statuses, maintenance
    /// announced ahead with an end) never apply to history.
    pub fn applies_to_history(&self) -> bool {
        !matches!(
            self,
            Self::NotCreatable(_)
                | Self::NotAllowed { .. }
                | Self::CancelledIsFinal
                | Self::PlannedStartPassed
                | Self::PlannedNeedsEnd
        )
    }

    /// Whether a record of the past may keep this problem. The original had no limits on
    /// titles and texts nor a check of the end, so its data may break those and is kept as it
    /// is; only a missing title, which nothing could show, is refused.
    pub fn allowed_in_history(&self) -> bool {
        !matches!(self, Self::TitleMissing)
    }
}

/// Every problem of a draft, at least one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problems(pub Vec<Problem>);

impl Problems {
    pub fn iter(&self) -> impl Iterator<Item = &Problem> {
        self.0.iter()
    }

    /// The first problem of `field`, for forms that show one message per field.
    pub fn on(&self, field: Field) -> Option<&Problem> {
        self.0.iter().find(|p| p.field() == field)
    }
}

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let all: Vec<String> = self.0.iter().map(Problem::to_string).collect();
        f.write_str(&all.join(" "))
    }
}

impl std::error::Error for Problems {}

/// Whether a person may create an incident with `status`. Suspicions are monitoring's word,
/// and a dismissed incident is a false alarm nobody sees; everything else may be created,
/// `resolved` too, to record an incident after the fact.
pub fn may_create(status: IncidentStatus) -> bool {
    !matches!(
        status,
        IncidentStatus::Suspected | IncidentStatus::Dismissed
    )
}

/// Whether a person may move an incident from `from` to `to` (`from == to` is no move).
/// Every move is allowed except into `suspected`, which only monitoring says: the admin pages
/// are where history is corrected (a dismissal that was wrong, a resolution too early, a
/// maintenance postponed), and Slack's forms offer the moves the on-call makes.
pub fn may_move(from: IncidentStatus, to: IncidentStatus) -> bool {
    from == to || to != IncidentStatus::Suspected
}

/// Whether Slack's "Yes, this is a real incident" button confirms an incident in `status`; a
/// click on a message gone stale changes nothing otherwise. One of [`may_move`]'s moves, but
/// narrower: the button answers a suspicion (or takes back a dismissal, should a message still
/// show it), and on an incident confirmed, watched or resolved already it would answer nothing;
/// reopening a resolved incident is a correction, made on the admin page or with the update
/// form, where it comes with its public update.
pub fn may_confirm(status: IncidentStatus) -> bool {
    matches!(
        status,
        IncidentStatus::Suspected | IncidentStatus::Dismissed
    ) && may_move(status, IncidentStatus::Confirmed)
}

/// Whether Slack's "Dismiss incident" button dismisses an incident in `status`. Narrower than
/// [`may_move`], as [`may_confirm`] is: only a suspicion is dismissed as a false alarm; an
/// incident somebody confirmed is resolved, and one dismissed already stays so.
pub fn may_dismiss(status: IncidentStatus) -> bool {
    status == IncidentStatus::Suspected && may_move(status, IncidentStatus::Dismissed)
}

/// The rules on a title: there, one line, readable length.
pub fn check_title(title: &str) -> Result<(), Problem> {
    let title = title.trim();
    if title.is_empty() {
        Err(Problem::TitleMissing)
    } else if title.chars().count() > MAX_TITLE_CHARS {
        Err(Problem::TitleTooLong)
    } else if title.chars().any(char::is_control) {
        Err(Problem::TitleNotOneLine)
    } else {
        Ok(())
    }
}

/// The rule on a public update's text (also when an existing update is corrected).
pub fn check_text(text: &str) -> Result<(), Problem> {
    if text.chars().count() > MAX_TEXT_CHARS {
        Err(Problem::TextTooLong)
    } else {
        Ok(())
    }
}

fn check_summary(summary: &str) -> Result<(), Problem> {
    if summary.chars().count() > MAX_TEXT_CHARS {
        Err(Problem::SummaryTooLong)
    } else {
        Ok(())
    }
}

impl IncidentDraft {
    /// The incident as it is, as a draft to change.
    pub fn of(incident: &Incident) -> IncidentDraft {
        IncidentDraft {
            title: incident.title.clone(),
            status: incident.status,
            severity: incident.severity,
            start: incident.start,
            end: incident.end,
            summary: incident.summary.clone(),
            text: None,
        }
    }

    /// Checks a new incident (`before` is `None`) or a change of `before` into this draft, at
    /// `now`. A change is checked for what it changes: an incident saved under older rules
    /// (an imported title of 300 characters, maintenance whose start has passed) can still be
    /// edited in its other fields.
    pub fn check(&self, before: Option<&Incident>, now: Timestamp) -> Result<(), Problems> {
        let mut problems = Vec::new();
        let changed = |same: bool| before.is_none() || !same;
        if changed(before.is_some_and(|b| b.title == self.title))
            && let Err(p) = check_title(&self.title)
        {
            problems.push(p);
        }
        let status_changed = changed(before.is_some_and(|b| b.status == self.status));
        match before {
            None if !may_create(self.status) => problems.push(Problem::NotCreatable(self.status)),
            Some(b) if !may_move(b.status, self.status) => problems.push(Problem::NotAllowed {
                from: b.status,
                to: self.status,
            }),
            // Its subscribers were told it is off and calendars show it cancelled; reopening it
            // would leave those saying so while the page lists it again.
            Some(b) if b.cancelled.is_some() && status_changed => {
                problems.push(Problem::CancelledIsFinal)
            }
            _ => {}
        }
        let start_changed = changed(before.is_some_and(|b| b.start == self.start));
        let end_changed = changed(before.is_some_and(|b| b.end == self.end));
        if self.status == IncidentStatus::Planned {
            if (status_changed || start_changed) && self.start <= now {
                problems.push(Problem::PlannedStartPassed);
            }
            if (status_changed || end_changed) && self.end.is_none() {
                problems.push(Problem::PlannedNeedsEnd);
            }
        }
        if let Some(end) = self.end
            && (start_changed || end_changed)
        {
            let too_early = if self.status == IncidentStatus::Planned {
                end <= self.start
            } else {
                end < self.start
            };
            if too_early {
                problems.push(Problem::EndBeforeStart);
            }
        }
        if let Some(summary) = &self.summary
            && changed(before.is_some_and(|b| b.summary.as_ref() == Some(summary)))
            && let Err(p) = check_summary(summary)
        {
            problems.push(p);
        }
        if let Some(text) = &self.text
            && let Err(p) = check_text(text)
        {
            problems.push(p);
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(Problems(problems))
        }
    }

    /// Checks a record of the past, as the import copies it: the problems history may keep
    /// (to be reported), or the ones it may not.
    pub fn check_history(&self) -> Result<Vec<Problem>, Problems> {
        let problems = match self.check(None, Timestamp::MIN) {
            Ok(()) => return Ok(Vec::new()),
            Err(Problems(problems)) => problems,
        };
        let (kept, refused): (Vec<Problem>, Vec<Problem>) = problems
            .into_iter()
            .filter(Problem::applies_to_history)
            .partition(Problem::allowed_in_history);
        if refused.is_empty() {
            Ok(kept)
        } else {
            Err(Problems(refused))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use IncidentStatus::*;

    fn at(second: i64) -> Timestamp {
        Timestamp::from_second(second).expect("valid")
    }

    const NOW: i64 = 1_800_000_000;

    fn draft(status: IncidentStatus) -> IncidentDraft {
        IncidentDraft {
            title: "Database upgrade".into(),
            status,
            severity: Severity::Maintenance,
            start: at(NOW + 3_600),
            end: Some(at(NOW + 7_200)),
            summary: None,
            text: None,
        }
    }

    fn incident(status: IncidentStatus) -> Incident {
        let d = draft(status);
        Incident {
            id: 1,
            status,
            severity: d.severity,
            start: d.start,
            end: d.end,
            title: d.title,
            summary: None,
            slack_message_ts: None,
            silent: false,
            last_notified_status: None,
            created: at(NOW - 60),
            updated: at(NOW - 60),
            schedule_sequence: 0,
            cancelled: None,
        }
    }

    fn problems(d: &IncidentDraft, before: Option<&Incident>) -> Vec<Problem> {
        d.check(before, at(NOW))
            .err()
            .map(|p| p.0)
            .unwrap_or_default()
    }

    #[test]
    fn a_title_is_there_one_line_and_at_most_200_characters() {
        assert_eq!(check_title("  "), Err(Problem::TitleMissing));
        assert_eq!(check_title(&"x".repeat(200)), Ok(()));
        assert_eq!(check_title(&"x".repeat(201)), Err(Problem::TitleTooLong));
        assert_eq!(check_title("two\nlines"), Err(Problem::TitleNotOneLine));
        assert_eq!(check_title(" padded "), Ok(()));
        assert_eq!(Problem::TitleTooLong.to_string(), "At most 200 characters.");
        assert_eq!(Problem::TitleMissing.field(), Field::Title);
    }

    #[test]
    fn summaries_and_updates_are_limited_to_20000_characters() {
        let mut d = draft(Confirmed);
        d.summary = Some("s".repeat(MAX_TEXT_CHARS));
        d.text = Some("t".repeat(MAX_TEXT_CHARS));
        assert_eq!(problems(&d, None), vec![]);
        d.summary = Some("s".repeat(MAX_TEXT_CHARS + 1));
        d.text = Some("t".repeat(MAX_TEXT_CHARS + 1));
        assert_eq!(
            problems(&d, None),
            vec![Problem::SummaryTooLong, Problem::TextTooLong]
        );
        assert_eq!(
            check_text(&"t".repeat(MAX_TEXT_CHARS + 1)),
            Err(Problem::TextTooLong)
        );
        assert_eq!(
            Problem::TextTooLong.to_string(),
            "An update may have at most 20,000 characters."
        );
        assert_eq!(
            Problem::SummaryTooLong.to_string(),
            "At most 20,000 characters."
        );
        assert_eq!(grouped(200), "200");
        assert_eq!(grouped(1_234_567), "1,234,567");
    }

    #[test]
    fn people_create_incidents_in_every_status_but_suspected_and_dismissed() {
        for status in IncidentStatus::ALL {
            let found = problems(&draft(status), None);
            let refused = found.contains(&Problem::NotCreatable(status));
            assert_eq!(refused, matches!(status, Suspected | Dismissed), "{status}");
        }
    }

    #[test]
    fn people_move_incidents_anywhere_but_into_suspected() {
        for from in IncidentStatus::ALL {
            for to in IncidentStatus::ALL {
                let expected = from == to || to != Suspected;
                assert_eq!(may_move(from, to), expected, "{from} → {to}");
                let mut d = draft(to);
                d.start = at(NOW + 60);
                let refused =
                    problems(&d, Some(&incident(from))).contains(&Problem::NotAllowed { from, to });
                assert_eq!(refused, !expected, "{from} → {to}");
            }
        }
    }

    #[test]
    fn the_buttons_confirm_suspicions_and_dismissals_and_dismiss_suspicions_only() {
        for status in IncidentStatus::ALL {
            assert_eq!(
                may_confirm(status),
                matches!(status, Suspected | Dismissed),
                "{status}"
            );
            assert_eq!(may_dismiss(status), status == Suspected, "{status}");
            // Moves the rules allow, never a status kept.
            if may_confirm(status) {
                assert!(
                    may_move(status, Confirmed) && status != Confirmed,
                    "{status}"
                );
            }
            if may_dismiss(status) {
                assert!(
                    may_move(status, Dismissed) && status != Dismissed,
                    "{status}"
                );
            }
        }
    }

    #[test]
    fn planned_maintenance_starts_in_the_future_and_ends_after_it_starts() {
        let mut d = draft(Planned);
        assert_eq!(problems(&d, None), vec![]);
        d.start = at(NOW);
        d.end = None;
        assert_eq!(
            problems(&d, None),
            vec![Problem::PlannedStartPassed, Problem::PlannedNeedsEnd]
        );
        let mut d = draft(Planned);
        d.end = Some(d.start);
        assert_eq!(problems(&d, None), vec![Problem::EndBeforeStart]);
        // Other incidents may end the moment they start, not before.
        let mut d = draft(Resolved);
        d.end = Some(d.start);
        assert_eq!(problems(&d, None), vec![]);
        d.end = Some(at(NOW));
        assert_eq!(problems(&d, None), vec![Problem::EndBeforeStart]);
    }

    #[test]
    fn changing_to_planned_needs_what_creating_it_needs() {
        let mut d = draft(Planned);
        d.start = at(NOW - 600);
        d.end = None;
        assert_eq!(
            problems(&d, Some(&incident(Confirmed))),
            vec![Problem::PlannedStartPassed, Problem::PlannedNeedsEnd]
        );
    }

    #[test]
    fn a_change_is_checked_for_what_it_changes() {
        // Maintenance under way (its start passed), with an imported overlong title: a new
        // summary is fine, a new start in the past or a new title too long is not.
        let mut before = incident(Planned);
        before.start = at(NOW - 600);
        before.title = "t".repeat(300);
        let mut d = IncidentDraft::of(&before);
        d.summary = Some("Takes longer than planned.".into());
        assert_eq!(problems(&d, Some(&before)), vec![]);
        d.start = at(NOW - 300);
        d.title = "u".repeat(300);
        assert_eq!(
            problems(&d, Some(&before)),
            vec![Problem::TitleTooLong, Problem::PlannedStartPassed]
        );
    }

    #[test]
    fn history_keeps_what_the_original_allowed_but_not_a_missing_title() {
        let mut d = draft(Planned);
        d.start = at(1_000);
        d.end = None;
        d.title = "A title\nover two lines".into();
        assert_eq!(d.check_history(), Ok(vec![Problem::TitleNotOneLine]));
        let mut d = draft(Suspected);
        d.title = String::new();
        assert_eq!(
            d.check_history(),
            Err(Problems(vec![Problem::TitleMissing]))
        );
        let mut d = draft(Dismissed);
        d.end = Some(at(10));
        assert_eq!(d.check_history(), Ok(vec![Problem::EndBeforeStart]));
    }

    #[test]
    fn a_cancelled_maintenance_is_not_reopened() {
        let mut before = incident(IncidentStatus::Dismissed);
        before.severity = crate::domain::Severity::Maintenance;
        before.cancelled = Some(at(NOW - 60));
        let mut d = IncidentDraft::of(&before);
        d.status = Planned;
        d.start = at(NOW + 3600);
        d.end = Some(at(NOW + 7200));
        assert_eq!(problems(&d, Some(&before)), vec![Problem::CancelledIsFinal]);
        // Its other fields stay editable.
        let mut title = IncidentDraft::of(&before);
        title.title = "Database upgrade (called off)".into();
        assert_eq!(problems(&title, Some(&before)), vec![]);
    }
}
