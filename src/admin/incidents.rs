//! Incidents on the admin pages: the list, creating (scheduled maintenance, too) and editing
//! every field, the public updates inline. Every change goes through `service::incidents`, so
//! the audit log, Slack and subscribers hear of it exactly as they do of a click in Slack.

use super::AdminState;
use super::session::Admin;
use super::{Chrome, page, plain, system_name, unavailable};
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
const MAX_TITLE: usize = 200;
const MAX_TEXT: usize = 20_000;

/// A time as the `datetime-local` inputs want it, in the site's time zone.
fn input_time(t: Timestamp, tz: &TimeZone) -> String {
    t.to_zoned(tz.clone())
        .strftime("%Y-%m-%dT%H:%M")
        .to_string()
}

fn shown_time(t: Timestamp, tz: &TimeZone) -> String {
    t.to_zoned(tz.clone())
        .strftime("%Y-%m-%d %H:%M")
        .to_string()
}

/// `2026-11-24T14:05` (seconds optional) in the site's time zone.
fn parse_time(text: &str, tz: &TimeZone) -> Option<Timestamp> {
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

fn status_choices(selected: Option<IncidentStatus>) -> Vec<Choice> {
    IncidentStatus::ALL
        .iter()
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
) -> Response {
    let status = query.status.as_deref().and_then(|s| s.parse().ok());
    let severity = query.severity.as_deref().and_then(|s| s.parse().ok());
    let page_number = query.page.unwrap_or(1).clamp(1, 100_000);
    let found = async {
        let mut conn = state.db.acquire().await?;
        incidents::list(
            &mut conn,
            status,
            severity,
            PAGE_SIZE + 1,
            (page_number - 1) * PAGE_SIZE,
        )
        .await
    }
    .await;
    let mut found = match found {
        Ok(found) => found,
        Err(e) => return unavailable(e),
    };
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
            statuses: status_choices(status),
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

/// The form's values, checked. `creating` adds the rules for new scheduled maintenance.
struct Checked {
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

fn check(form: &IncidentForm, tz: &TimeZone, creating: bool) -> Result<Checked, Box<FieldErrors>> {
    let mut errors = FieldErrors::default();
    let title = form.title.trim().to_owned();
    if title.is_empty() {
        errors.title = Some("Enter a title.".into());
    } else if title.chars().count() > MAX_TITLE {
        errors.title = Some(format!("At most {MAX_TITLE} characters."));
    } else if title.chars().any(char::is_control) {
        errors.title = Some("The title must be one line.".into());
    }
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
    if let (Some(start), Some(end)) = (start, end)
        && end < start
    {
        errors.end = Some("The end must be after the start.".into());
    }
    if status == Some(IncidentStatus::Planned) && creating {
        let now = Timestamp::now();
        if start.is_some_and(|s| s <= now) {
            errors.start = Some("Planned maintenance starts in the future.".into());
        }
        if end.is_none() && errors.end.is_none() {
            errors.end = Some("Planned maintenance needs an end.".into());
        }
    }
    if form.summary.chars().count() > MAX_TEXT {
        errors.summary = Some(format!("At most {MAX_TEXT} characters."));
    }
    if form.text.chars().count() > MAX_TEXT {
        errors.text = Some(format!("At most {MAX_TEXT} characters."));
    }
    match (status, severity, start) {
        (Some(status), Some(severity), Some(start)) if !errors.any() => Ok(Checked {
            title,
            status,
            severity,
            start,
            end,
            summary: Some(form.summary.trim().to_owned()).filter(|s| !s.is_empty()),
            silent: form.silent.is_some(),
            text: Some(form.text.trim().to_owned()).filter(|s| !s.is_empty()),
            notify: form.no_notify.is_none(),
        }),
        _ => Err(Box::new(errors)),
    }
}

struct UpdateRow {
    id: i64,
    at: String,
    status: &'static str,
    message: String,
}

struct AlertRow {
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
) -> Response {
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
) -> Response {
    let checked = match check(&form, &state.config.time_zone.zone, true) {
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
        Ok(incident) => Redirect::to(&format!("/admin/incidents/{}/?notice=created", incident.id))
            .into_response(),
        Err(e) => change_failed(e),
    }
}

fn change_failed(e: ChangeError) -> Response {
    match e {
        ChangeError::NotFound(_) | ChangeError::UpdateNotFound(_) => plain(
            StatusCode::NOT_FOUND,
            "This incident or update no longer exists.",
        ),
        ChangeError::Storage(e) => unavailable(e),
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
) -> Response {
    let incident = match load(&state, id).await {
        Ok(Some(incident)) => incident,
        Ok(None) => return plain(StatusCode::NOT_FOUND, "There is no such incident."),
        Err(e) => return unavailable(e),
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
) -> Response {
    let incident = match load(&state, id).await {
        Ok(Some(incident)) => incident,
        Ok(None) => return plain(StatusCode::NOT_FOUND, "There is no such incident."),
        Err(e) => return unavailable(e),
    };
    let checked = match check(&form, &state.config.time_zone.zone, false) {
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
        Ok(_) => Redirect::to(&format!("/admin/incidents/{id}/?notice=saved")).into_response(),
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
) -> Response {
    let tz = &state.config.time_zone.zone;
    let mut shown = Shown::default();
    if let Some(incident) = incident {
        match shown_with(state, incident.id, pages).await {
            Ok(loaded) => shown = loaded,
            Err(e) => return unavailable(e),
        }
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
            statuses: status_choices(form.status.parse().ok()),
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
) -> Response {
    if form.message.chars().count() > MAX_TEXT {
        return plain(
            StatusCode::BAD_REQUEST,
            "An update may have at most 20,000 characters. Nothing was changed.",
        );
    }
    let message = Some(form.message.as_str());
    match service::edit_update(&state.services(), &admin.actor(), id, update_id, message).await {
        Ok(()) => Redirect::to(&format!("/admin/incidents/{id}/?notice=saved")).into_response(),
        Err(e) => change_failed(e),
    }
}

pub async fn delete_update(
    State(state): State<AdminState>,
    Extension(admin): Extension<Admin>,
    Path((id, update_id)): Path<(i64, i64)>,
) -> Response {
    match service::delete_update(&state.services(), &admin.actor(), id, update_id).await {
        Ok(()) => Redirect::to(&format!("/admin/incidents/{id}/?notice=deleted")).into_response(),
        Err(e) => change_failed(e),
    }
}

#[derive(serde::Deserialize)]
pub struct PreviewForm {
    #[serde(default)]
    text: String,
}

/// The Markdown as the public page will show it, for the editor's live preview.
pub async fn preview(Form(form): Form<PreviewForm>) -> Response {
    let text: String = form.text.chars().take(MAX_TEXT).collect();
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
    fn planned_maintenance_is_in_the_future_and_has_an_end() {
        let tz = TimeZone::UTC;
        let form = IncidentForm {
            title: "Database upgrade".into(),
            status: "planned".into(),
            severity: "maintenance".into(),
            start: "2020-01-01T10:00".into(),
            ..IncidentForm::default()
        };
        let errors = check(&form, &tz, true).err().expect("refused");
        assert!(errors.start.is_some());
        assert!(errors.end.is_some());
        assert!(errors.title.is_none());
    }
}
