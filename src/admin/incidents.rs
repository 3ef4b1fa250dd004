//! Incidents on the admin pages: the list, creating (scheduled maintenance, too) and editing
//! every field, the public updates inline. Every change goes through `service::incidents`, so
//! the audit log, Slack and subscribers hear of it exactly as they do of a click in Slack.

use super::AdminState;
use super::session::Admin;
use super::{Chrome, PageError, PageResult, page, plain, system_name};
use crate::domain::input::{self, Field, MAX_TEXT_CHARS, Problems};
use crate::domain::{Incident, IncidentStatus, Severity};
use crate::service::incidents::{self as service, ChangeError, Creation, ReviseError, Revision};
use crate::storage::{StorageError, alerts, audit, incidents};
use askama::Template;
use axum::Form;
use axum::extract::{Extension, Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use jiff::tz::TimeZone;
use jiff::{Timestamp, civil::DateTime};

const PAGE_SIZE: i64 = 50;

/// A time as the `datetime-local` inputs want it, in the site's time zone.
pub(super) fn input_time(t: Timestamp, tz: &TimeZone) -> String {
    t.to_zoned(tz.clone())
        .strftime("%Y-%m-%dT%H:%M")
        .to_string()
}

pub(super) fn shown_time(t: Timestamp, tz: &TimeZone) -> String {
    t.to_zoned(tz.clone())
        .strftime("%Y-%m-%d %H:%M")
        .to_string()
}

/// `2026-11-24T14:05` (seconds optional) in the site's time zone.
pub(super) fn parse_time(text: &str, tz: &TimeZone) -> Option<Timestamp> {
    let civil: DateTime = text.trim().parse().ok()?;
    civil.to_zoned(tz.clone()).ok().map(|z| z.timestamp())
}

struct Row {
    id: i64,
    title: String,
    status: &'static str,
    severity: &'static str,
    start: String,
    end: String,
}

struct Choice {
    value: &'static str,
    label: &'static str,
    selected: bool,
}

/// The statuses `offered` allows, as options.
fn status_choices(
    selected: Option<IncidentStatus>,
    offered: impl Fn(IncidentStatus) -> bool,
) -> Vec<Choice> {
    IncidentStatus::ALL
        .iter()
        .filter(|s| offered(**s))
        .map(|s| Choice {
            value: s.as_str(),
            label: s.label(),
            selected: Some(*s) == selected,
        })
        .collect()
}

fn severity_choices(selected: Option<Severity>) -> Vec<Choice> {
    Severity::ALL
        .iter()
        .map(|s| Choice {
            value: s.as_str(),
            label: s.label(),
            selected: Some(*s) == selected,
        })
        .collect()
}

#[derive(Template)]
#[template(path = "admin/incidents.html")]
struct ListPage {
    chrome: Chrome,
    rows: Vec<Row>,
    statuses: Vec<Choice>,
    severities: Vec<Choice>,
    page: i64,
    more: bool,
    filter_query: String,
}

#[derive(serde::Deserialize)]
pub struct ListQuery {
    status: Option<String>,
    severity: Option<String>,
    page: Option<i64>,
    notice: Option<String>,
}

pub async fn list(
    State(state): State<AdminState>,
    Extension(admin): Extension<Admin>,
    Query(query): Query<ListQuery>,
) -> PageResult {
    let status = query.status.as_deref().and_then(|s| s.parse().ok());
    let severity = query.severity.as_deref().and_then(|s| s.parse().ok());
    let page_number = query.page.unwrap_or(1).clamp(1, 100_000);
    let mut found = incidents::list(
        &mut *state.db.acquire().await?,
        status,
        severity,
        PAGE_SIZE + 1,
        (page_number - 1) * PAGE_SIZE,
    )
    .await?;
    let more = found.len() as i64 > PAGE_SIZE;
    found.truncate(PAGE_SIZE as usize);
    let tz = &state.config.time_zone.zone;
    let rows = found
        .iter()
        .map(|i| Row {
            id: i.id,
            title: i.title.clone(),
            status: i.status.label(),
            severity: i.severity.label(),
            start: shown_time(i.start, tz),
            end: i.end.map(|t| shown_time(t, tz)).unwrap_or_default(),
        })
        .collect();
    let filter_query: String = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("status", status.map_or("", |s: IncidentStatus| s.as_str()))
        .append_pair("severity", severity.map_or("", |s: Severity| s.as_str()))
        .finish();
    let name = system_name(&state).await;
    page(
        StatusCode::OK,
        &ListPage {
            chrome: Chrome::for_admin(&name, "Incidents", "incidents", &admin)
                .with_notice(query.notice.as_deref()),
            rows,
            statuses: status_choices(status, |_| true),
            severities: severity_choices(severity),
            page: page_number,
            more,
            filter_query,
        },
    )
}

/// What the form holds, as typed, so that it can be shown again with the errors.
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct IncidentForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    severity: String,
    #[serde(default)]
    start: String,
    #[serde(default)]
    end: String,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    silent: Option<String>,
    #[serde(default)]
    text: String,
    #[serde(default)]
    no_notify: Option<String>,
    /// The incident's `updated` time (microseconds) when the form was shown.
    #[serde(default)]
    based_on: String,
}

/// One message per field that is wrong, shown next to it.
#[derive(Default)]
struct FieldErrors {
    /// The incident changed while the form was open.
    conflict: Option<String>,
    title: Option<String>,
    status: Option<String>,
    severity: Option<String>,
    start: Option<String>,
    end: Option<String>,
    summary: Option<String>,
    text: Option<String>,
}

impl FieldErrors {
    fn any(&self) -> bool {
        self.conflict.is_some()
            || self.title.is_some()
            || self.status.is_some()
            || self.severity.is_some()
            || self.start.is_some()
            || self.end.is_some()
            || self.summary.is_some()
            || self.text.is_some()
    }
}

impl FieldErrors {
    /// The incident rules' problems, each next to its field (the first one per field).
    fn from_problems(problems: &Problems) -> FieldErrors {
        let mut errors = FieldErrors::default();
        for problem in problems.iter() {
            let slot = match problem.field() {
                Field::Title => &mut errors.title,
                Field::Status => &mut errors.status,
                Field::Start => &mut errors.start,
                Field::End => &mut errors.end,
                Field::Summary => &mut errors.summary,
                Field::Text => &mut errors.text,
            };
            slot.get_or_insert_with(|| problem.to_string());
        }
        errors
    }
}

/// The form's values, parsed. The rules are the domain's (`domain::input`), checked by the
/// service when it saves; a form that cannot even be parsed is shown with the title's rule too,
/// so one round trip names all that it can.
struct Parsed {
    title: String,
    status: IncidentStatus,
    severity: Severity,
    start: Timestamp,
    end: Option<Timestamp>,
    summary: Option<String>,
    silent: bool,
    text: Option<String>,
    notify: bool,
}

fn parse(form: &IncidentForm, tz: &TimeZone) -> Result<Parsed, Box<FieldErrors>> {
    let mut errors = FieldErrors::default();
    let status: Option<IncidentStatus> = form.status.parse().ok();
    if status.is_none() {
        errors.status = Some("Choose a status.".into());
    }
    let severity: Option<Severity> = form.severity.parse().ok();
    if severity.is_none() {
        errors.severity = Some("Choose a severity.".into());
    }
    let start = parse_time(&form.start, tz);
    if start.is_none() {
        errors.start = Some("Enter a date and time.".into());
    }
    let end = if form.end.trim().is_empty() {
        None
    } else {
        let end = parse_time(&form.end, tz);
        if end.is_none() {
            errors.end = Some("Enter a date and time, or leave it empty.".into());
        }
        end
    };
    match (status, severity, start) {
        (Some(status), Some(severity), Some(start)) if !errors.any() => Ok(Parsed {
            title: form.title.trim().to_owned(),
            status,
            severity,
            start,
            end,
            summary: Some(form.summary.trim().to_owned()).filter(|s| !s.is_empty()),
            silent: form.silent.is_some(),
            text: Some(form.text.trim().to_owned()).filter(|s| !s.is_empty()),
            notify: form.no_notify.is_none(),
        }),
        _ => {
            errors.title = input::check_title(&form.title).err().map(|p| p.to_string());
            Err(Box::new(errors))
        }
    }
}

struct UpdateRow {
    id: i64,
    at: String,
    status: &'static str,
    message: String,
}

struct AlertRow {
    id: i64,
    open: bool,
    source: String,
    message: String,
    created: String,
    resolved: String,
}

struct AuditRow {
    at: String,
    actor: String,
    message: String,
}

/// Which page of the alerts and of the history the incident page shows (1 = the newest).
#[derive(Clone, Copy, Debug)]
struct Pages {
    alerts: i64,
    history: i64,
}

impl Default for Pages {
    fn default() -> Self {
        Pages {
            alerts: 1,
            history: 1,
        }
    }
}

impl Pages {
    fn of(alerts: Option<i64>, history: Option<i64>) -> Pages {
        Pages {
            alerts: alerts.unwrap_or(1).clamp(1, MAX_PAGE),
            history: history.unwrap_or(1).clamp(1, MAX_PAGE),
        }
    }
}

/// Limits `OFFSET`, which the database walks: 100,000 pages of 50 is more than any incident has.
const MAX_PAGE: i64 = 100_000;

#[derive(Template)]
#[template(path = "admin/incident.html")]
struct EditPage {
    chrome: Chrome,
    /// `None` on the page that creates one.
    id: Option<i64>,
    public_url: Option<String>,
    /// A maintenance not over yet: where its start, end and cancellation are at hand.
    maintenance_url: Option<String>,
    form: IncidentForm,
    errors: FieldErrors,
    statuses: Vec<Choice>,
    severities: Vec<Choice>,
    updates: Vec<UpdateRow>,
    /// One page of the alerts, newest first.
    alerts: Vec<AlertRow>,
    alerts_total: i64,
    alerts_open: i64,
    alerts_more: bool,
    /// One page of the history, newest first.
    history: Vec<AuditRow>,
    history_more: bool,
    pages: Pages,
}

impl EditPage {
    /// The title's longest length (`domain::input`), for the field's `maxlength`.
    fn max_title_chars(&self) -> usize {
        input::MAX_TITLE_CHARS
    }

    fn action(&self) -> String {
        match self.id {
            Some(id) => format!("/admin/incidents/{id}/"),
            None => "/admin/incidents/new".into(),
        }
    }
}

#[derive(serde::Deserialize)]
pub struct EditQuery {
    notice: Option<String>,
    alerts_page: Option<i64>,
    history_page: Option<i64>,
}

pub async fn new_form(
    State(state): State<AdminState>,
    Extension(admin): Extension<Admin>,
) -> PageResult {
    let tz = &state.config.time_zone.zone;
    let form = IncidentForm {
        status: IncidentStatus::Confirmed.as_str().into(),
        severity: Severity::Outage.as_str().into(),
        start: input_time(Timestamp::now(), tz),
        ..IncidentForm::default()
    };
    edit_page(
        &state,
        &admin,
        None,
        form,
        FieldErrors::default(),
        StatusCode::OK,
        None,
        Pages::default(),
    )
    .await
}

pub async fn create(
    State(state): State<AdminState>,
    Extension(admin): Extension<Admin>,
    Form(form): Form<IncidentForm>,
) -> PageResult {
    let checked = match parse(&form, &state.config.time_zone.zone) {
        Ok(checked) => checked,
        Err(errors) => {
            return edit_page(
                &state,
                &admin,
                None,
                form,
                *errors,
                StatusCode::BAD_REQUEST,
                None,
                Pages::default(),
            )
            .await;
        }
    };
    let creation = Creation {
        title: checked.title,
        status: checked.status,
        severity: checked.severity,
        start: checked.start,
        end: checked.end,
        summary: checked.summary,
        text: checked.text,
        silent: checked.silent,
        notify: checked.notify,
    };
    match service::create(&state.services(), &admin.actor(), &creation).await {
        Ok(incident) => Ok(Redirect::to(&format!(
            "/admin/incidents/{}/?notice=created",
            incident.id
        ))
        .into_response()),
        Err(ChangeError::Invalid(problems)) => {
            let errors = FieldErrors::from_problems(&problems);
            let status = StatusCode::BAD_REQUEST;
            edit_page(
                &state,
                &admin,
                None,
                form,
                errors,
                status,
                None,
                Pages::default(),
            )
            .await
        }
        Err(e) => change_failed(e),
    }
}

#[track_caller]
fn change_failed(e: ChangeError) -> PageResult {
    match e {
        ChangeError::NotFound(_) | ChangeError::UpdateNotFound(_) => Ok(plain(
            StatusCode::NOT_FOUND,
            "This incident or update no longer exists.",
        )),
        // Only editing an update's text gets here with it (the incident forms show theirs next
        // to their fields): the rules' own words, which name the limit.
        ChangeError::Invalid(problems) => Ok((
            StatusCode::BAD_REQUEST,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            format!("{problems} Nothing was changed."),
        )
            .into_response()),
        ChangeError::Storage(e) => Err(PageError::from(e)),
    }
}

fn form_of(incident: &Incident, tz: &TimeZone) -> IncidentForm {
    IncidentForm {
        title: incident.title.clone(),
        status: incident.status.as_str().into(),
        severity: incident.severity.as_str().into(),
        start: input_time(incident.start, tz),
        end: incident.end.map(|t| input_time(t, tz)).unwrap_or_default(),
        summary: incident.summary.clone().unwrap_or_default(),
        silent: incident.silent.then(|| "on".into()),
        text: String::new(),
        no_notify: None,
        based_on: crate::storage::to_db_time(incident.updated).to_string(),
    }
}

pub async fn edit_form(
    State(state): State<AdminState>,
    Extension(admin): Extension<Admin>,
    Path(id): Path<i64>,
    Query(query): Query<EditQuery>,
) -> PageResult {
    let Some(incident) = load(&state, id).await? else {
        return Ok(plain(StatusCode::NOT_FOUND, "There is no such incident."));
    };
    let form = form_of(&incident, &state.config.time_zone.zone);
    edit_page(
        &state,
        &admin,
        Some(&incident),
        form,
        FieldErrors::default(),
        StatusCode::OK,
        query.notice.as_deref(),
        Pages::of(query.alerts_page, query.history_page),
    )
    .await
}

async fn load(state: &AdminState, id: i64) -> Result<Option<Incident>, StorageError> {
    let mut conn = state.db.acquire().await?;
    incidents::get(&mut conn, id).await
}

pub async fn save(
    State(state): State<AdminState>,
    Extension(admin): Extension<Admin>,
    Path(id): Path<i64>,
    Form(form): Form<IncidentForm>,
) -> PageResult {
    let Some(incident) = load(&state, id).await? else {
        return Ok(plain(StatusCode::NOT_FOUND, "There is no such incident."));
    };
    let checked = match parse(&form, &state.config.time_zone.zone) {
        Ok(checked) => checked,
        Err(errors) => {
            return edit_page(
                &state,
                &admin,
                Some(&incident),
                form,
                *errors,
                StatusCode::BAD_REQUEST,
                None,
                Pages::default(),
            )
            .await;
        }
    };
    // The form shows minutes; a time nobody touched keeps its seconds instead of counting as
    // changed (incidents from Slack and alerts start at an exact moment).
    let tz = &state.config.time_zone.zone;
    let start = if form.start.trim() == input_time(incident.start, tz) {
        incident.start
    } else {
        checked.start
    };
    let shown_end = incident.end.map(|t| input_time(t, tz)).unwrap_or_default();
    let end = if form.end.trim() == shown_end {
        incident.end
    } else {
        checked.end
    };
    let based_on = form
        .based_on
        .parse::<i64>()
        .ok()
        .and_then(|micros| Timestamp::from_microsecond(micros).ok())
        // A form without it cannot prove it saw the current state.
        .unwrap_or(Timestamp::UNIX_EPOCH);
    let revision = Revision {
        title: checked.title,
        status: checked.status,
        severity: checked.severity,
        start,
        end,
        summary: checked.summary,
        silent: checked.silent,
        text: checked.text,
        notify: checked.notify,
        based_on,
    };
    match service::revise(&state.services(), &admin.actor(), id, &revision).await {
        Ok(_) => Ok(Redirect::to(&format!("/admin/incidents/{id}/?notice=saved")).into_response()),
        Err(ReviseError::ChangedMeanwhile(current)) => {
            let mut fresh = form_of(&current, tz);
            fresh.text = form.text;
            let errors = FieldErrors {
                conflict: Some(
                    "Someone changed this incident while you were editing it (in Slack, by an \
                     alert or on another admin page). Nothing was saved. This is how it is now: \
                     make your change again."
                        .into(),
                ),
                ..FieldErrors::default()
            };
            edit_page(
                &state,
                &admin,
                Some(&current),
                fresh,
                errors,
                StatusCode::CONFLICT,
                None,
                Pages::default(),
            )
            .await
        }
        Err(ReviseError::Change(ChangeError::Invalid(problems))) => {
            let errors = FieldErrors::from_problems(&problems);
            let status = StatusCode::BAD_REQUEST;
            let pages = Pages::default();
            edit_page(
                &state,
                &admin,
                Some(&incident),
                form,
                errors,
                status,
                None,
                pages,
            )
            .await
        }
        Err(ReviseError::Change(e)) => change_failed(e),
    }
}

#[allow(clippy::too_many_arguments)]
async fn edit_page(
    state: &AdminState,
    admin: &Admin,
    incident: Option<&Incident>,
    form: IncidentForm,
    errors: FieldErrors,
    status: StatusCode,
    notice: Option<&str>,
    pages: Pages,
) -> PageResult {
    let tz = &state.config.time_zone.zone;
    let mut shown = Shown::default();
    if let Some(incident) = incident {
        shown = shown_with(state, incident.id, pages).await?;
    }
    let alerts_more = shown.alerts.len() as i64 > PAGE_SIZE;
    shown.alerts.truncate(PAGE_SIZE as usize);
    let history_more = shown.history.len() as i64 > PAGE_SIZE;
    shown.history.truncate(PAGE_SIZE as usize);
    let name = system_name(state).await;
    let title = match incident {
        Some(i) => format!("Incident #{}", i.id),
        None => "New incident".into(),
    };
    page(
        status,
        &EditPage {
            chrome: Chrome::for_admin(&name, title, "incidents", admin).with_notice(notice),
            id: incident.map(|i| i.id),
            public_url: incident
                .filter(|i| i.status.is_public())
                .map(crate::links::incident_path),
            maintenance_url: incident
                .filter(|i| {
                    use crate::domain::maintenance::Phase;
                    matches!(Phase::of(i), Some(Phase::Scheduled | Phase::InProgress))
                })
                .map(|i| format!("/admin/maintenance/#maintenance-{}", i.id)),
            // What the rules allow: creating, or moving from the current status.
            statuses: status_choices(form.status.parse().ok(), |s| match incident {
                None => input::may_create(s),
                Some(i) => input::may_move(i.status, s),
            }),
            severities: severity_choices(form.severity.parse().ok()),
            form,
            errors,
            updates: shown
                .updates
                .into_iter()
                .map(|u| UpdateRow {
                    id: u.id,
                    at: shown_time(u.created, tz),
                    status: u.new_status.map_or("", |s| s.label()),
                    message: u.message.unwrap_or_default(),
                })
                .collect(),
            alerts: shown
                .alerts
                .into_iter()
                .map(|a| AlertRow {
                    id: a.id,
                    open: a.resolved.is_none(),
                    source: a.source,
                    message: a.message.or(a.description).unwrap_or_default(),
                    created: shown_time(a.created, tz),
                    resolved: a.resolved.map(|t| shown_time(t, tz)).unwrap_or_default(),
                })
                .collect(),
            alerts_total: shown.alerts_total,
            alerts_open: shown.alerts_open,
            alerts_more,
            history: shown
                .history
                .into_iter()
                .map(|e| AuditRow {
                    at: shown_time(e.at, tz),
                    actor: e.actor,
                    message: e.message,
                })
                .collect(),
            history_more,
            pages,
        },
    )
}

/// What the incident page lists below the form. Alerts and history are one page each (and one
/// more row, to tell whether there is another page): a big outage attaches tens of thousands
/// of alerts, each with its history entry.
#[derive(Default)]
struct Shown {
    updates: Vec<incidents::IncidentUpdate>,
    alerts: Vec<alerts::IncomingAlert>,
    alerts_total: i64,
    alerts_open: i64,
    history: Vec<audit::AuditEntry>,
}

async fn shown_with(state: &AdminState, id: i64, pages: Pages) -> Result<Shown, StorageError> {
    let mut conn = state.db.acquire().await?;
    let (alerts_total, alerts_open) = alerts::counts_for_incident(&mut conn, id).await?;
    Ok(Shown {
        updates: incidents::updates(&mut conn, id).await?,
        alerts: alerts::page_for_incident(
            &mut conn,
            id,
            PAGE_SIZE + 1,
            (pages.alerts - 1) * PAGE_SIZE,
        )
        .await?,
        alerts_total,
        alerts_open,
        history: audit::page_for_incident(
            &mut conn,
            id,
            PAGE_SIZE + 1,
            (pages.history - 1) * PAGE_SIZE,
        )
        .await?,
    })
}

#[derive(serde::Deserialize)]
pub struct UpdateForm {
    #[serde(default)]
    message: String,
}

pub async fn edit_update(
    State(state): State<AdminState>,
    Extension(admin): Extension<Admin>,
    Path((id, update_id)): Path<(i64, i64)>,
    Form(form): Form<UpdateForm>,
) -> PageResult {
    let message = Some(form.message.as_str());
    match service::edit_update(&state.services(), &admin.actor(), id, update_id, message).await {
        Ok(()) => Ok(Redirect::to(&format!("/admin/incidents/{id}/?notice=saved")).into_response()),
        Err(e) => change_failed(e),
    }
}

pub async fn delete_update(
    State(state): State<AdminState>,
    Extension(admin): Extension<Admin>,
    Path((id, update_id)): Path<(i64, i64)>,
) -> PageResult {
    match service::delete_update(&state.services(), &admin.actor(), id, update_id).await {
        Ok(()) => {
            Ok(Redirect::to(&format!("/admin/incidents/{id}/?notice=deleted")).into_response())
        }
        Err(e) => change_failed(e),
    }
}

/// Closes an alert monitoring never closed, as if monitoring had (see
/// [`service::alerts::close_by_hand`]).
pub async fn close_alert(
    State(state): State<AdminState>,
    Extension(admin): Extension<Admin>,
    Path((id, alert_id)): Path<(i64, i64)>,
) -> PageResult {
    use crate::service::alerts::{ClosedByHand, close_by_hand};
    let notice = match close_by_hand(&state.services(), id, alert_id, &admin.actor()).await? {
        ClosedByHand::Closed { dismissed: true } => "alert-closed-dismissed",
        ClosedByHand::Closed { dismissed: false } => "alert-closed",
        ClosedByHand::AlreadyClosed => "alert-already-closed",
        ClosedByHand::NotFound => {
            return Ok(plain(
                StatusCode::NOT_FOUND,
                "This alert does not exist on this incident.",
            ));
        }
    };
    Ok(Redirect::to(&format!("/admin/incidents/{id}/?notice={notice}#alerts")).into_response())
}

#[derive(serde::Deserialize)]
pub struct PreviewForm {
    #[serde(default)]
    text: String,
}

/// The Markdown as the public page will show it, for the editor's live preview.
pub async fn preview(Form(form): Form<PreviewForm>) -> Response {
    let text: String = form.text.chars().take(MAX_TEXT_CHARS).collect();
    let mut response = (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        crate::rich_text::to_html(&text),
    )
        .into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_read_in_the_sites_time_zone() {
        let tz = TimeZone::get("Europe/Berlin").expect("zone");
        let t = parse_time("2026-01-15T10:30", &tz).expect("parses");
        assert_eq!(t.to_string(), "2026-01-15T09:30:00Z");
        assert_eq!(input_time(t, &tz), "2026-01-15T10:30");
        assert!(parse_time("15.01.2026 10:30", &tz).is_none());
        assert!(parse_time("", &tz).is_none());
    }

    #[test]
    fn the_rules_problems_are_shown_next_to_their_fields() {
        let tz = TimeZone::UTC;
        let form = IncidentForm {
            title: "Database upgrade".into(),
            status: "planned".into(),
            severity: "maintenance".into(),
            start: "2020-01-01T10:00".into(),
            ..IncidentForm::default()
        };
        let parsed = parse(&form, &tz).ok().expect("parses");
        let draft = input::IncidentDraft {
            title: parsed.title,
            status: parsed.status,
            severity: parsed.severity,
            start: parsed.start,
            end: parsed.end,
            summary: parsed.summary,
            text: parsed.text,
        };
        let problems = draft.check(None, Timestamp::now()).expect_err("refused");
        let errors = FieldErrors::from_problems(&problems);
        assert_eq!(
            errors.start.as_deref(),
            Some("Planned maintenance starts in the future.")
        );
        assert_eq!(
            errors.end.as_deref(),
            Some("Planned maintenance needs an end.")
        );
        assert!(errors.title.is_none());
        let unparsed = IncidentForm {
            start: "soon".into(),
            ..IncidentForm::default()
        };
        let errors = parse(&unparsed, &tz).err().expect("refused");
        assert!(errors.start.is_some());
        assert_eq!(errors.title.as_deref(), Some("Give the incident a title."));
    }
}
