//! The admin's maintenance page: what is upcoming, in progress, completed and cancelled, with
//! the same actions the channel's prompts offer (start now, complete now, extend) plus
//! reschedule and cancel. Every action goes through `service::maintenance` with the schedule
//! sequence the page was shown with, so a click on a page that has gone stale (the clock or
//! somebody in Slack got there first) changes nothing and says so.

use super::AdminState;
use super::incidents::{input_time, parse_time, shown_time};
use super::session::Admin;
use super::{Chrome, PageError, PageResult, page, plain, system_name};
use crate::domain::Incident;
use crate::domain::input::{Field, Problems};
use crate::domain::maintenance::{Action, NUDGE, Phase};
use crate::service::incidents::{ChangeError, ClickError, Outcome};
use crate::service::maintenance as service;
use crate::storage::{StorageError, incidents};
use askama::Template;
use axum::Form;
use axum::extract::{Extension, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

/// How far back the completed and cancelled sections reach.
const RECENT: SignedDuration = SignedDuration::from_hours(30 * 24);

const STALE: &str = "Nothing was changed: this maintenance changed since the page was shown \
     (its time came, or somebody acted on it in Slack or on another admin page). This is how it \
     is now.";

/// What a reschedule form held when it was refused, and why, shown again on its row.
#[derive(Default)]
struct Retry {
    id: i64,
    start: String,
    end: String,
    start_error: Option<String>,
    end_error: Option<String>,
    error: Option<String>,
}

impl Retry {
    /// The rules' problems, each next to its field (the first one per field).
    fn with_problems(mut self, problems: &Problems) -> Retry {
        for problem in problems.iter() {
            let slot = match problem.field() {
                Field::Start => &mut self.start_error,
                Field::End => &mut self.end_error,
                _ => &mut self.error,
            };
            slot.get_or_insert_with(|| problem.to_string());
        }
        self
    }
}

struct Row {
    id: i64,
    title: String,
    window: String,
    /// When it was completed or cancelled (the last two sections).
    when: String,
    sequence: i64,
    start: String,
    end: String,
    start_error: Option<String>,
    end_error: Option<String>,
    error: Option<String>,
    /// The reschedule form is open (it was refused).
    open: bool,
}

struct Section {
    id: &'static str,
    heading: &'static str,
    empty: &'static str,
    /// Upcoming: start now, extend, reschedule (start and end), cancel.
    upcoming: bool,
    /// In progress: complete now, extend, reschedule (the end).
    in_progress: bool,
    rows: Vec<Row>,
}

#[derive(Template)]
#[template(path = "admin/maintenance.html")]
struct ListPage {
    chrome: Chrome,
    sections: Vec<Section>,
    /// Why nothing was changed, above the lists.
    problem: Option<String>,
    time_zone: String,
}

fn row(incident: &Incident, tz: &TimeZone, retry: Option<&Retry>) -> Row {
    let end = incident.end.map(|t| shown_time(t, tz)).unwrap_or_default();
    let when = match (incident.cancelled, incident.end) {
        (Some(at), _) => shown_time(at, tz),
        (None, Some(end)) => shown_time(end, tz),
        (None, None) => String::new(),
    };
    let retry = retry.filter(|r| r.id == incident.id);
    Row {
        id: incident.id,
        title: incident.title.clone(),
        window: format!("{} – {end}", shown_time(incident.start, tz)),
        when,
        sequence: incident.schedule_sequence,
        start: retry.map_or_else(|| input_time(incident.start, tz), |r| r.start.clone()),
        end: retry.map_or_else(
            || incident.end.map(|t| input_time(t, tz)).unwrap_or_default(),
            |r| r.end.clone(),
        ),
        start_error: retry.and_then(|r| r.start_error.clone()),
        end_error: retry.and_then(|r| r.end_error.clone()),
        error: retry.and_then(|r| r.error.clone()),
        open: retry.is_some(),
    }
}

/// The maintenances by phase: upcoming and in progress soonest first, the others latest first.
fn sections(found: &[Incident], tz: &TimeZone, retry: Option<&Retry>) -> Vec<Section> {
    let of = |phase: Phase| -> Vec<&Incident> {
        found
            .iter()
            .filter(|i| Phase::of(i) == Some(phase))
            .collect()
    };
    let rows = |list: Vec<&Incident>| list.into_iter().map(|i| row(i, tz, retry)).collect();
    let mut completed = of(Phase::Completed);
    completed.sort_by_key(|i| std::cmp::Reverse(i.end.unwrap_or(i.start)));
    let mut cancelled = of(Phase::Cancelled);
    cancelled.sort_by_key(|i| std::cmp::Reverse(i.cancelled));
    vec![
        Section {
            id: "upcoming",
            heading: Phase::Scheduled.label(),
            empty: "No maintenance is planned.",
            upcoming: true,
            in_progress: false,
            rows: rows(of(Phase::Scheduled)),
        },
        Section {
            id: "in-progress",
            heading: Phase::InProgress.label(),
            empty: "No maintenance is in progress.",
            upcoming: false,
            in_progress: true,
            rows: rows(of(Phase::InProgress)),
        },
        Section {
            id: "completed",
            heading: "Completed in the last 30 days",
            empty: "None.",
            upcoming: false,
            in_progress: false,
            rows: rows(completed),
        },
        Section {
            id: "cancelled",
            heading: "Cancelled in the last 30 days",
            empty: "None.",
            upcoming: false,
            in_progress: false,
            rows: rows(cancelled),
        },
    ]
}

async fn list_page(
    state: &AdminState,
    admin: &Admin,
    status: StatusCode,
    problem: Option<String>,
    retry: Option<Retry>,
    notice: Option<&str>,
) -> PageResult {
    let since = Timestamp::now()
        .checked_sub(RECENT)
        .unwrap_or(Timestamp::MIN);
    let found = incidents::maintenance_since(&mut *state.db.acquire().await?, since).await?;
    let tz = &state.config.time_zone.zone;
    let name = system_name(state).await;
    page(
        status,
        &ListPage {
            chrome: Chrome::for_admin(&name, "Maintenance", "maintenance", admin)
                .with_notice(notice),
            sections: sections(&found, tz, retry.as_ref()),
            problem,
            time_zone: state.config.time_zone.name.clone(),
        },
    )
}

#[derive(serde::Deserialize)]
pub struct ListQuery {
    notice: Option<String>,
}

pub async fn list(
    State(state): State<AdminState>,
    Extension(admin): Extension<Admin>,
    Query(query): Query<ListQuery>,
) -> PageResult {
    list_page(
        &state,
        &admin,
        StatusCode::OK,
        None,
        None,
        query.notice.as_deref(),
    )
    .await
}

/// A button's form: the schedule sequence the page was shown with.
#[derive(serde::Deserialize)]
pub struct ActionForm {
    #[serde(default)]
    seen: String,
    /// Set by the cancel confirmation's button.
    #[serde(default)]
    confirm: Option<String>,
}

/// The sequence the page was shown with. A form without one cannot prove it saw the current
/// plan, so it counts as stale.
fn seen(text: &str) -> i64 {
    text.trim().parse().unwrap_or(i64::MIN)
}

/// Back to the list after an action: with its notice when it was done, saying so when the
/// page was stale.
async fn acted(
    state: &AdminState,
    admin: &Admin,
    result: Result<Outcome, ClickError>,
    notice: &str,
) -> PageResult {
    match result {
        Ok(Outcome::Changed(_)) => {
            Ok(Redirect::to(&format!("/admin/maintenance/?notice={notice}")).into_response())
        }
        Ok(Outcome::Unchanged(_)) => stale(state, admin).await,
        Err(ClickError::NotFound(_)) => Ok(gone()),
        Err(ClickError::Storage(e)) => Err(PageError::from(e)),
    }
}

async fn stale(state: &AdminState, admin: &Admin) -> PageResult {
    let problem = Some(STALE.to_owned());
    list_page(state, admin, StatusCode::CONFLICT, problem, None, None).await
}

fn gone() -> axum::response::Response {
    plain(StatusCode::NOT_FOUND, "There is no such maintenance.")
}

pub async fn start_now(
    State(state): State<AdminState>,
    Extension(admin): Extension<Admin>,
    Path(id): Path<i64>,
    Form(form): Form<ActionForm>,
) -> PageResult {
    perform(
        &state,
        &admin,
        id,
        &form,
        Action::Start,
        "maintenance-started",
    )
    .await
}

pub async fn complete_now(
    State(state): State<AdminState>,
    Extension(admin): Extension<Admin>,
    Path(id): Path<i64>,
    Form(form): Form<ActionForm>,
) -> PageResult {
    perform(
        &state,
        &admin,
        id,
        &form,
        Action::Complete,
        "maintenance-completed",
    )
    .await
}

pub async fn extend(
    State(state): State<AdminState>,
    Extension(admin): Extension<Admin>,
    Path(id): Path<i64>,
    Form(form): Form<ActionForm>,
) -> PageResult {
    perform(
        &state,
        &admin,
        id,
        &form,
        Action::Extend(NUDGE),
        "maintenance-extended",
    )
    .await
}

/// One button of the list: `action` on the window the page was shown with.
async fn perform(
    state: &AdminState,
    admin: &Admin,
    id: i64,
    form: &ActionForm,
    action: Action,
    notice: &'static str,
) -> PageResult {
    let seen = Some(seen(&form.seen));
    let result = service::act(&state.services(), &admin.actor(), id, action, seen).await;
    acted(state, admin, result, notice).await
}

#[derive(Template)]
#[template(path = "admin/maintenance_cancel.html")]
struct CancelPage {
    chrome: Chrome,
    row: Row,
}

/// Cancelling asks once more (it mails everybody who was told, and cannot be undone); the
/// confirmation's button carries `confirm`.
pub async fn cancel(
    State(state): State<AdminState>,
    Extension(admin): Extension<Admin>,
    Path(id): Path<i64>,
    Form(form): Form<ActionForm>,
) -> PageResult {
    let seen = seen(&form.seen);
    if form.confirm.is_some() {
        let result = service::act(
            &state.services(),
            &admin.actor(),
            id,
            Action::Cancel,
            Some(seen),
        )
        .await;
        return acted(&state, &admin, result, "maintenance-cancelled").await;
    }
    let Some(incident) = load(&state, id).await? else {
        return Ok(gone());
    };
    if Phase::of(&incident) != Some(Phase::Scheduled) || incident.schedule_sequence != seen {
        return stale(&state, &admin).await;
    }
    let name = system_name(&state).await;
    let tz = &state.config.time_zone.zone;
    page(
        StatusCode::OK,
        &CancelPage {
            chrome: Chrome::for_admin(&name, "Cancel maintenance", "maintenance", &admin),
            row: row(&incident, tz, None),
        },
    )
}

async fn load(state: &AdminState, id: i64) -> Result<Option<Incident>, StorageError> {
    incidents::get(&mut *state.db.acquire().await?, id).await
}

#[derive(serde::Deserialize)]
pub struct RescheduleForm {
    #[serde(default)]
    seen: String,
    /// Absent for a maintenance in progress: it keeps its start.
    #[serde(default)]
    start: Option<String>,
    #[serde(default)]
    end: String,
}

pub async fn reschedule(
    State(state): State<AdminState>,
    Extension(admin): Extension<Admin>,
    Path(id): Path<i64>,
    Form(form): Form<RescheduleForm>,
) -> PageResult {
    let Some(incident) = load(&state, id).await? else {
        return Ok(gone());
    };
    let phase = Phase::of(&incident);
    // Checked here for a clear answer before parsing; the service checks it again under the
    // incident's lock, so a click in the same instant as another change cannot pass either.
    if !matches!(phase, Some(Phase::Scheduled | Phase::InProgress))
        || incident.schedule_sequence != seen(&form.seen)
    {
        return stale(&state, &admin).await;
    }
    let tz = &state.config.time_zone.zone;
    let typed_start = form.start.clone().unwrap_or_default();
    let mut retry = Retry {
        id,
        start: typed_start.clone(),
        end: form.end.clone(),
        ..Retry::default()
    };
    // A time left as shown keeps its seconds instead of counting as moved.
    let start = if phase == Some(Phase::InProgress)
        || typed_start.trim() == input_time(incident.start, tz)
    {
        Some(incident.start)
    } else {
        parse_time(&typed_start, tz)
    };
    let shown_end = incident.end.map(|t| input_time(t, tz));
    let end = match incident.end {
        Some(end) if Some(form.end.trim()) == shown_end.as_deref() => Some(end),
        _ => parse_time(&form.end, tz),
    };
    if start.is_none() {
        retry.start_error = Some("Enter a date and time.".into());
    }
    if end.is_none() {
        retry.end_error = Some("Enter a date and time.".into());
    }
    let (Some(start), Some(end)) = (start, end) else {
        return refused(&state, &admin, retry).await;
    };
    let seen = Some(incident.schedule_sequence);
    match service::reschedule(&state.services(), &admin.actor(), id, start, end, seen).await {
        Ok(Outcome::Changed(_)) => {
            Ok(Redirect::to("/admin/maintenance/?notice=maintenance-rescheduled").into_response())
        }
        Ok(Outcome::Unchanged(now))
            if now.schedule_sequence == incident.schedule_sequence && Phase::of(&now) == phase =>
        {
            let problem = Some("Nothing was changed: that is already its window.".to_owned());
            list_page(&state, &admin, StatusCode::OK, problem, None, None).await
        }
        Ok(Outcome::Unchanged(_)) => stale(&state, &admin).await,
        Err(ChangeError::Invalid(problems)) => {
            refused(&state, &admin, retry.with_problems(&problems)).await
        }
        Err(ChangeError::NotFound(_) | ChangeError::UpdateNotFound(_)) => Ok(gone()),
        Err(ChangeError::Storage(e)) => Err(PageError::from(e)),
    }
}

/// The list with the refused reschedule form open on its row, its errors next to its fields.
async fn refused(state: &AdminState, admin: &Admin, retry: Retry) -> PageResult {
    let problem = Some("Nothing was changed. Please correct the fields marked below.".to_owned());
    list_page(
        state,
        admin,
        StatusCode::BAD_REQUEST,
        problem,
        Some(retry),
        None,
    )
    .await
}
