//! Planned maintenance that runs itself: its phases, the moments the clock acts on it, and what
//! people may do to it. The service schedules one durable job per moment ([`plan`]); when a job
//! runs it asks [`plan`] again, so a job left behind by a moved window or changed settings finds
//! itself out of date and does nothing.

use super::incident::{Incident, IncidentStatus, Severity};
use jiff::{SignedDuration, Timestamp};

/// How a maintenance starts and ends: a site setting.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// The clock starts and completes it; the channel is told and may complete early or extend.
    #[default]
    Automatic,
    /// The channel is asked at the start ("Start now", "Postpone", "Cancel") and at the end
    /// ("Complete", "Extend"); nothing moves until somebody answers.
    Ask,
}

impl Mode {
    pub const ALL: [Mode; 2] = [Mode::Automatic, Mode::Ask];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Automatic => "automatic",
            Self::Ask => "ask",
        }
    }
}

impl std::str::FromStr for Mode {
    type Err = super::UnknownValue;
    fn from_str(value: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|m| m.as_str() == value)
            .ok_or_else(|| super::UnknownValue {
                kind: "maintenance mode",
                value: value.to_owned(),
                expected: "automatic, ask".into(),
            })
    }
}

/// The site's maintenance settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MaintenanceSettings {
    pub mode: Mode,
    /// The prompt in the team's channel this many minutes before the start and before the end
    /// (0: none).
    pub prompt_minutes: i64,
    /// The subscribers' reminder this many hours before the start (0: none).
    pub reminder_hours: i64,
    /// Whether subscribers are mailed when a maintenance starts.
    pub notify_start: bool,
    /// Whether subscribers are mailed when a maintenance is completed.
    pub notify_end: bool,
}

impl MaintenanceSettings {
    pub const MAX_PROMPT_MINUTES: i64 = 1440;
    pub const MAX_REMINDER_HOURS: i64 = 720;
}

impl Default for MaintenanceSettings {
    fn default() -> Self {
        Self {
            mode: Mode::Automatic,
            prompt_minutes: 15,
            reminder_hours: 24,
            notify_start: true,
            notify_end: true,
        }
    }
}

/// Where a maintenance is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Phase {
    /// Announced, not started (its start may have passed in ask mode, waiting for an answer).
    Scheduled,
    InProgress,
    Completed,
    Cancelled,
}

impl Phase {
    /// The phase of `incident`, or `None` when it is no maintenance (or a dismissed suspicion).
    pub fn of(incident: &Incident) -> Option<Phase> {
        if incident.cancelled.is_some() {
            return Some(Phase::Cancelled);
        }
        if incident.severity != Severity::Maintenance {
            return None;
        }
        match incident.status {
            IncidentStatus::Planned => Some(Phase::Scheduled),
            IncidentStatus::Confirmed | IncidentStatus::Watching => Some(Phase::InProgress),
            IncidentStatus::Resolved => Some(Phase::Completed),
            IncidentStatus::Suspected | IncidentStatus::Dismissed => None,
        }
    }

    /// The Statuspage API's name (`scheduled_maintenances[].status`).
    pub fn statuspage_name(self) -> &'static str {
        match self {
            Self::Scheduled => "scheduled",
            Self::InProgress => "in_progress",
            Self::Completed | Self::Cancelled => "completed",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Scheduled => "Planned",
            Self::InProgress => "In progress",
            Self::Completed => "Completed",
            Self::Cancelled => "Cancelled",
        }
    }
}

/// What readers are told an incident's state is: a maintenance's phase ("In progress",
/// "Completed"), otherwise its status.
pub fn status_label(incident: &Incident) -> &'static str {
    Phase::of(incident).map_or(incident.status.label(), Phase::label)
}

/// A moment at which the clock acts on a maintenance.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// Subscribers are reminded `reminder_hours` before the start.
    Reminder,
    /// The channel hears `prompt_minutes` before the start.
    PromptStart,
    /// Automatic: it starts. Ask: the channel is asked to start it.
    Start,
    /// The channel hears `prompt_minutes` before the end.
    PromptEnd,
    /// Automatic: it is completed. Ask: the channel is asked to complete it.
    End,
}

impl Step {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Reminder => "reminder",
            Self::PromptStart => "prompt_start",
            Self::Start => "start",
            Self::PromptEnd => "prompt_end",
            Self::End => "end",
        }
    }

    /// Steps that only tell somebody: one that is already past when it is scheduled is left
    /// out (a reminder 24 hours ahead of a maintenance posted two hours ahead would only repeat
    /// the announcement). The start and the end happen however late.
    pub fn only_tells(self) -> bool {
        matches!(self, Self::Reminder | Self::PromptStart | Self::PromptEnd)
    }
}

/// One scheduled moment: what happens, and when.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Due {
    pub step: Step,
    pub at: Timestamp,
}

/// Every moment the clock acts on `incident` under `settings`, in time order; empty for an
/// incident that is no maintenance, or one completed or cancelled.
pub fn plan(incident: &Incident, settings: &MaintenanceSettings) -> Vec<Due> {
    let Some(end) = incident.end else {
        return Vec::new();
    };
    let before = |at: Timestamp, amount: SignedDuration| at.checked_sub(amount).ok();
    let prompt = SignedDuration::from_mins(settings.prompt_minutes.max(0));
    let prompts = settings.prompt_minutes > 0;
    let mut due = Vec::new();
    match Phase::of(incident) {
        Some(Phase::Scheduled) => {
            if settings.reminder_hours > 0 && !incident.silent {
                let hours = SignedDuration::from_hours(settings.reminder_hours);
                if let Some(at) = before(incident.start, hours) {
                    due.push(Due {
                        step: Step::Reminder,
                        at,
                    });
                }
            }
            if prompts && let Some(at) = before(incident.start, prompt) {
                due.push(Due {
                    step: Step::PromptStart,
                    at,
                });
            }
            due.push(Due {
                step: Step::Start,
                at: incident.start,
            });
        }
        Some(Phase::InProgress) => {}
        _ => return Vec::new(),
    }
    // Ask mode waits for somebody to start it: until then, "about to end" with Complete and
    // Extend would offer what cannot be done. Its end still comes, asking to start or cancel.
    let waiting = settings.mode == Mode::Ask && Phase::of(incident) == Some(Phase::Scheduled);
    // The prompt before the end, unless the window is too short for it to come after the start.
    if prompts
        && !waiting
        && let Some(at) = before(end, prompt)
        && at > incident.start
    {
        due.push(Due {
            step: Step::PromptEnd,
            at,
        });
    }
    due.push(Due {
        step: Step::End,
        at: end,
    });
    due
}

/// Whether `due`, scheduled for generation `sequence`, is still what the clock owes `incident`.
pub fn still_due(
    incident: &Incident,
    settings: &MaintenanceSettings,
    sequence: i64,
    due: Due,
) -> bool {
    incident.schedule_sequence == sequence && plan(incident, settings).contains(&due)
}

/// What a person (or the clock) does to a maintenance.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Start,
    Complete,
    /// Moves the end later; a maintenance not yet started keeps its start.
    Extend(SignedDuration),
    /// Moves the whole window later.
    Postpone(SignedDuration),
    Cancel,
}

/// How late a moment may come and still be told to anybody. A moment later than this (monostat
/// was down, or the maintenance was imported from the original, whose planned maintenance never
/// ended by itself) only catches up: a window that is over is completed without a mail, a Slack
/// prompt or a new message in the channel, and reminders and prompts are dropped. Telling
/// subscribers on Monday that Friday's maintenance has started helps nobody.
pub const CATCH_UP: SignedDuration = SignedDuration::from_hours(1);

/// How far "Postpone" and "Extend" move a maintenance.
pub const NUDGE: SignedDuration = SignedDuration::from_mins(30);

/// What the team's channel is told about a maintenance, in its thread and in the channel, and
/// which buttons come with it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Prompt {
    /// `prompt_minutes` before the start.
    StartsSoon,
    /// Ask mode, at the start: nothing happens until somebody answers.
    DueToStart,
    /// Automatic mode, at the start: it has started.
    Started,
    /// `prompt_minutes` before the end.
    EndsSoon,
    /// Ask mode, at the end.
    DueToEnd,
    /// Automatic mode, at the end: it has been completed.
    Completed,
    /// Ask mode, at the end of a window nobody started.
    NotStarted,
}

/// A button on a prompt.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Button {
    StartNow,
    Postpone,
    Cancel,
    CompleteNow,
    Extend,
}

impl Button {
    pub const ALL: [Button; 5] = [
        Button::StartNow,
        Button::Postpone,
        Button::Cancel,
        Button::CompleteNow,
        Button::Extend,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Self::StartNow => "Start now",
            Self::Postpone => "Postpone 30 min",
            Self::Cancel => "Cancel",
            Self::CompleteNow => "Complete now",
            Self::Extend => "Extend 30 min",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::StartNow => "start_now",
            Self::Postpone => "postpone",
            Self::Cancel => "cancel",
            Self::CompleteNow => "complete_now",
            Self::Extend => "extend",
        }
    }

    pub fn action(self) -> Action {
        match self {
            Self::StartNow => Action::Start,
            Self::Postpone => Action::Postpone(NUDGE),
            Self::Cancel => Action::Cancel,
            Self::CompleteNow => Action::Complete,
            Self::Extend => Action::Extend(NUDGE),
        }
    }
}

impl Prompt {
    /// The prompt's sentence; `title` is already marked up by the caller.
    pub fn words(self, title: &str) -> String {
        match self {
            Self::StartsSoon => format!("Maintenance {title} is about to start."),
            Self::DueToStart => format!("Maintenance {title} is due to start."),
            Self::Started => format!("Maintenance {title} has started."),
            Self::EndsSoon => format!("Maintenance {title} is about to end."),
            Self::DueToEnd => format!("Maintenance {title} is due to end."),
            Self::Completed => format!("Maintenance {title} has been completed."),
            Self::NotStarted => {
                format!("Maintenance {title} was not started, and its window has ended.")
            }
        }
    }

    /// The buttons that come with it: what can still be done about it at that moment.
    pub fn buttons(self) -> &'static [Button] {
        match self {
            Self::StartsSoon | Self::DueToStart => {
                &[Button::StartNow, Button::Postpone, Button::Cancel]
            }
            Self::NotStarted => &[Button::StartNow, Button::Cancel],
            Self::Started | Self::EndsSoon | Self::DueToEnd => {
                &[Button::CompleteNow, Button::Extend]
            }
            Self::Completed => &[],
        }
    }

    /// What the clock's `step` says in `mode` about a maintenance in `phase` (as it is once the
    /// step acted).
    pub fn at(step: Step, mode: Mode, phase: Option<Phase>) -> Option<Prompt> {
        match (step, mode) {
            (Step::End, Mode::Ask) if phase == Some(Phase::Scheduled) => Some(Self::NotStarted),
            (Step::Reminder, _) => None,
            (Step::PromptStart, _) => Some(Self::StartsSoon),
            (Step::Start, Mode::Automatic) => Some(Self::Started),
            (Step::Start, Mode::Ask) => Some(Self::DueToStart),
            (Step::PromptEnd, _) => Some(Self::EndsSoon),
            (Step::End, Mode::Automatic) => Some(Self::Completed),
            (Step::End, Mode::Ask) => Some(Self::DueToEnd),
        }
    }
}

/// Whether `action` applies to `incident` now. A click on a prompt gone stale (the maintenance
/// started, was completed or cancelled since) changes nothing.
pub fn may(action: Action, incident: &Incident) -> bool {
    let phase = Phase::of(incident);
    match action {
        Action::Start | Action::Postpone(_) | Action::Cancel => phase == Some(Phase::Scheduled),
        Action::Complete => phase == Some(Phase::InProgress),
        Action::Extend(_) => {
            matches!(phase, Some(Phase::Scheduled | Phase::InProgress)) && incident.end.is_some()
        }
    }
}

/// Applies `action` to `incident`: the new status and window. `at` is when it takes effect:
/// now for a person, the scheduled moment for the clock (so a start or end the clock makes on
/// time leaves the announced window as it was). The caller checked [`may`]. Moving the window
/// or cancelling raises the schedule sequence, which retires every job scheduled for the old
/// window and tells calendars that the event changed.
pub fn apply(action: Action, incident: &mut Incident, at: Timestamp, now: Timestamp) {
    let later = |t: Timestamp, by: SignedDuration| t.checked_add(by).unwrap_or(t);
    let window = (incident.start, incident.end);
    match action {
        Action::Start => {
            // Started after its window ended (ask mode, answered late): it keeps its length.
            if let Some(end) = incident.end
                && end <= at
            {
                incident.end = Some(later(at, incident.start.duration_until(end)));
            }
            incident.start = at;
            incident.set_status(IncidentStatus::Confirmed, now);
        }
        Action::Complete => {
            incident.end = Some(at);
            incident.set_status(IncidentStatus::Resolved, now);
        }
        Action::Extend(by) => {
            // Extending a window that already ran out counts from now, so that it does not end
            // again at once.
            let from = incident.end.map_or(at, |end| end.max(at));
            incident.end = Some(later(from, by));
        }
        Action::Postpone(by) => {
            // The whole window moves, keeping its length; one whose start has passed unanswered
            // (ask mode) starts `by` from now.
            let length = incident.end.map(|end| incident.start.duration_until(end));
            incident.start = later(incident.start.max(at), by);
            incident.end = length.map(|length| later(incident.start, length));
        }
        Action::Cancel => {
            incident.cancelled = Some(at);
            incident.set_status(IncidentStatus::Dismissed, now);
        }
    }
    if window != (incident.start, incident.end) || action == Action::Cancel {
        incident.schedule_sequence += 1;
    }
    incident.updated = now;
}

/// Raises the schedule sequence of a maintenance whose window a person moved on a form.
pub fn note_window_change(before: &Incident, after: &mut Incident) {
    if after.severity == Severity::Maintenance
        && (before.start, before.end) != (after.start, after.end)
    {
        after.schedule_sequence = before.schedule_sequence + 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_800_000_000;

    fn at(seconds: i64) -> Timestamp {
        Timestamp::from_second(seconds).expect("valid")
    }

    fn maintenance(status: IncidentStatus, start: i64, end: i64) -> Incident {
        Incident {
            id: 1,
            status,
            severity: Severity::Maintenance,
            start: at(start),
            end: Some(at(end)),
            title: "Database upgrade".into(),
            summary: None,
            slack_message_ts: None,
            silent: false,
            last_notified_status: None,
            created: at(NOW - 86_400 * 7),
            updated: at(NOW - 86_400 * 7),
            schedule_sequence: 0,
            cancelled: None,
        }
    }

    fn steps(incident: &Incident, settings: &MaintenanceSettings) -> Vec<(Step, i64)> {
        plan(incident, settings)
            .into_iter()
            .map(|d| (d.step, d.at.as_second()))
            .collect()
    }

    #[test]
    fn a_planned_maintenance_is_reminded_prompted_started_prompted_and_ended() {
        let m = maintenance(
            IncidentStatus::Planned,
            NOW + 86_400 * 2,
            NOW + 86_400 * 2 + 3600,
        );
        let start = NOW + 86_400 * 2;
        assert_eq!(
            steps(&m, &MaintenanceSettings::default()),
            vec![
                (Step::Reminder, start - 86_400),
                (Step::PromptStart, start - 900),
                (Step::Start, start),
                (Step::PromptEnd, start + 3600 - 900),
                (Step::End, start + 3600),
            ]
        );
    }

    #[test]
    fn settings_of_zero_leave_out_the_reminder_and_prompts_but_never_the_start_and_end() {
        let m = maintenance(IncidentStatus::Planned, NOW + 100, NOW + 200);
        let quiet = MaintenanceSettings {
            prompt_minutes: 0,
            reminder_hours: 0,
            ..Default::default()
        };
        assert_eq!(
            steps(&m, &quiet),
            vec![(Step::Start, NOW + 100), (Step::End, NOW + 200)]
        );
        // A window shorter than the prompt gets no end prompt before its own start.
        let short = maintenance(IncidentStatus::Planned, NOW + 100, NOW + 200);
        let s = steps(&short, &MaintenanceSettings::default());
        assert!(!s.iter().any(|(step, _)| *step == Step::PromptEnd), "{s:?}");
    }

    #[test]
    fn in_progress_only_the_end_is_left_and_closed_ones_have_nothing() {
        let m = maintenance(IncidentStatus::Confirmed, NOW - 100, NOW + 3600);
        assert_eq!(
            steps(&m, &MaintenanceSettings::default()),
            vec![(Step::PromptEnd, NOW + 2700), (Step::End, NOW + 3600)]
        );
        for status in [IncidentStatus::Resolved, IncidentStatus::Dismissed] {
            assert!(
                steps(
                    &maintenance(status, NOW - 100, NOW + 3600),
                    &Default::default()
                )
                .is_empty()
            );
        }
        let mut outage = maintenance(IncidentStatus::Confirmed, NOW - 100, NOW + 3600);
        outage.severity = Severity::Outage;
        assert!(steps(&outage, &Default::default()).is_empty());
        let silent = Incident {
            silent: true,
            ..maintenance(IncidentStatus::Planned, NOW + 86_400 * 2, NOW + 86_400 * 3)
        };
        assert!(
            !steps(&silent, &Default::default())
                .iter()
                .any(|(s, _)| *s == Step::Reminder)
        );
    }

    #[test]
    fn a_job_of_an_older_generation_or_time_is_no_longer_due() {
        let mut m = maintenance(IncidentStatus::Planned, NOW + 3600, NOW + 7200);
        let settings = MaintenanceSettings::default();
        let start = Due {
            step: Step::Start,
            at: at(NOW + 3600),
        };
        assert!(still_due(&m, &settings, 0, start));
        apply(
            Action::Postpone(SignedDuration::from_mins(30)),
            &mut m,
            at(NOW),
            at(NOW),
        );
        assert_eq!(m.schedule_sequence, 1);
        assert_eq!((m.start, m.end), (at(NOW + 5400), Some(at(NOW + 9000))));
        assert!(!still_due(&m, &settings, 0, start));
        let moved = Due {
            step: Step::Start,
            at: at(NOW + 5400),
        };
        assert!(still_due(&m, &settings, 1, moved));
        // Other settings, other moments: the old prompt is stale.
        let later_prompt = MaintenanceSettings {
            prompt_minutes: 5,
            ..settings
        };
        let prompt = Due {
            step: Step::PromptStart,
            at: at(NOW + 5400 - 900),
        };
        assert!(still_due(&m, &settings, 1, prompt));
        assert!(!still_due(&m, &later_prompt, 1, prompt));
    }

    #[test]
    fn actions_apply_only_in_their_phase_and_the_clock_keeps_the_announced_window() {
        let planned = maintenance(IncidentStatus::Planned, NOW + 60, NOW + 3600);
        let running = maintenance(IncidentStatus::Confirmed, NOW - 60, NOW + 3600);
        let done = maintenance(IncidentStatus::Resolved, NOW - 7200, NOW - 3600);
        let thirty = SignedDuration::from_mins(30);
        assert!(may(Action::Start, &planned) && !may(Action::Start, &running));
        assert!(may(Action::Cancel, &planned) && !may(Action::Cancel, &running));
        assert!(may(Action::Complete, &running) && !may(Action::Complete, &planned));
        assert!(may(Action::Extend(thirty), &running) && may(Action::Extend(thirty), &planned));
        for action in [
            Action::Start,
            Action::Complete,
            Action::Extend(thirty),
            Action::Cancel,
        ] {
            assert!(!may(action, &done), "{action:?}");
        }

        let mut on_time = planned.clone();
        let due = on_time.start;
        apply(Action::Start, &mut on_time, due, at(NOW + 61));
        assert_eq!(on_time.status, IncidentStatus::Confirmed);
        assert_eq!(
            (on_time.start, on_time.schedule_sequence),
            (planned.start, 0)
        );

        let mut early = planned.clone();
        apply(Action::Start, &mut early, at(NOW), at(NOW));
        assert_eq!((early.start, early.schedule_sequence), (at(NOW), 1));

        let mut extended = running.clone();
        apply(Action::Extend(thirty), &mut extended, at(NOW), at(NOW));
        assert_eq!(extended.end, Some(at(NOW + 3600 + 1800)));
        let mut overdue = maintenance(IncidentStatus::Confirmed, NOW - 7200, NOW - 60);
        apply(Action::Extend(thirty), &mut overdue, at(NOW), at(NOW));
        assert_eq!(overdue.end, Some(at(NOW + 1800)));

        let mut cancelled = planned.clone();
        apply(Action::Cancel, &mut cancelled, at(NOW), at(NOW));
        assert_eq!(Phase::of(&cancelled), Some(Phase::Cancelled));
        assert_eq!(cancelled.status, IncidentStatus::Dismissed);
        assert!(plan(&cancelled, &Default::default()).is_empty());
        assert_eq!(cancelled.schedule_sequence, 1);
    }

    #[test]
    fn in_ask_mode_an_unstarted_maintenance_is_asked_to_start_or_cancel_at_its_end() {
        let ask = MaintenanceSettings {
            mode: Mode::Ask,
            ..Default::default()
        };
        let m = maintenance(IncidentStatus::Planned, NOW + 3600, NOW + 7200);
        let s = steps(&m, &ask);
        assert!(!s.iter().any(|(step, _)| *step == Step::PromptEnd), "{s:?}");
        assert_eq!(s.last(), Some(&(Step::End, NOW + 7200)));
        let prompt = Prompt::at(Step::End, Mode::Ask, Phase::of(&m)).expect("a prompt");
        assert_eq!(prompt, Prompt::NotStarted);
        assert_eq!(prompt.buttons(), &[Button::StartNow, Button::Cancel]);
        for button in prompt.buttons() {
            assert!(may(button.action(), &m), "{button:?}");
        }
        // Once started, the end is the usual one, and its buttons work.
        let running = maintenance(IncidentStatus::Confirmed, NOW - 60, NOW + 7200);
        let prompt = Prompt::at(Step::End, Mode::Ask, Phase::of(&running)).expect("a prompt");
        assert_eq!(prompt, Prompt::DueToEnd);
        for button in prompt.buttons() {
            assert!(may(button.action(), &running), "{button:?}");
        }
        // Started after its window: it keeps its length from now.
        let mut late = maintenance(IncidentStatus::Planned, NOW - 7200, NOW - 3600);
        apply(Action::Start, &mut late, at(NOW), at(NOW));
        assert_eq!((late.start, late.end), (at(NOW), Some(at(NOW + 3600))));
    }

    #[test]
    fn every_prompt_offers_only_what_can_be_done_then() {
        for mode in Mode::ALL {
            let settings = MaintenanceSettings {
                mode,
                ..Default::default()
            };
            let mut m = maintenance(IncidentStatus::Planned, NOW + 3600, NOW + 7200);
            for due in plan(&m.clone(), &settings) {
                if due.step == Step::Start && mode == Mode::Automatic {
                    apply(Action::Start, &mut m, due.at, due.at);
                }
                if due.step == Step::End && mode == Mode::Automatic {
                    apply(Action::Complete, &mut m, due.at, due.at);
                }
                if let Some(prompt) = Prompt::at(due.step, mode, Phase::of(&m)) {
                    for button in prompt.buttons() {
                        assert!(may(button.action(), &m), "{mode:?} {prompt:?} {button:?}");
                    }
                }
            }
        }
    }
}
