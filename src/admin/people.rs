//! Subscribers and admin users, and the audit log of who did what.

use super::AdminState;
use super::session::Admin;
use super::{Chrome, audited, page, plain, redirect_after, system_name, unavailable};
use crate::storage::{StorageError, admin_sessions, audit, subscribers, users};
use askama::Template;
use axum::Form;
use axum::extract::{Extension, Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use jiff::Timestamp;

const PAGE_SIZE: i64 = 100;

fn shown(t: Timestamp, state: &AdminState) -> String {
    t.to_zoned(state.config.time_zone.zone.clone())
        .strftime("%Y-%m-%d %H:%M")
        .to_string()
}

// ---- Subscribers ----

struct SubscriberRow {
    id: i64,
    email: String,
    active: bool,
    since: String,
}

#[derive(Template)]
#[template(path = "admin/subscribers.html")]
struct SubscribersPage {
    chrome: Chrome,
    rows: Vec<SubscriberRow>,
    search: String,
    /// `q=…`, for the page links.
    search_query: String,
    active: i64,
    pending: i64,
    page: i64,
    more: bool,
}

#[derive(serde::Deserialize)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
    page: Option<i64>,
    notice: Option<String>,
}

pub async fn subscribers(
    State(state): State<AdminState>,
    Extension(admin): Extension<Admin>,
    Query(query): Query<SearchQuery>,
) -> Response {
    let page_number = query.page.unwrap_or(1).clamp(1, 1_000_000);
    let search: String = query.q.trim().chars().take(254).collect();
    let found = async {
        let mut conn = state.db.acquire().await?;
        let counts = subscribers::counts(&mut conn).await?;
        let rows = subscribers::search(
            &mut conn,
            &search,
            Some(PAGE_SIZE + 1),
            (page_number - 1) * PAGE_SIZE,
        )
        .await?;
        Ok::<_, StorageError>((counts, rows))
    }
    .await;
    let ((active, pending), mut rows) = match found {
        Ok(found) => found,
        Err(e) => return unavailable(e),
    };
    let more = rows.len() as i64 > PAGE_SIZE;
    rows.truncate(PAGE_SIZE as usize);
    let name = system_name(&state).await;
    page(
        StatusCode::OK,
        &SubscribersPage {
            chrome: Chrome::for_admin(&name, "Subscribers", "subscribers", &admin)
                .with_notice(query.notice.as_deref()),
            rows: rows
                .into_iter()
                .map(|s| SubscriberRow {
                    id: s.id,
                    email: s.email,
                    active: s.active,
                    since: shown(s.created, &state),
                })
                .collect(),
            search_query: url::form_urlencoded::Serializer::new(String::new())
                .append_pair("q", &search)
                .finish(),
            search,
            active,
            pending,
            page: page_number,
            more,
        },
    )
}

pub async fn delete_subscriber(
    State(state): State<AdminState>,
    Extension(admin): Extension<Admin>,
    Path(id): Path<i64>,
) -> Response {
    let found = match state.db.acquire().await {
        Ok(mut conn) => subscribers::get(&mut conn, id).await,
        Err(e) => Err(e),
    };
    let subscriber = match found {
        Ok(Some(subscriber)) => subscriber,
        Ok(None) => return plain(StatusCode::NOT_FOUND, "This subscriber no longer exists."),
        Err(e) => return unavailable(e),
    };
    let message = format!(
        "{} deleted the subscriber {}",
        admin.user.username, subscriber.email
    );
    match audited(
        &state,
        &admin,
        "subscriber.deleted",
        message,
        async |conn| subscribers::delete(conn, id).await,
    )
    .await
    {
        Ok(()) => Redirect::to("/admin/subscribers/?notice=deleted").into_response(),
        Err(e) => unavailable(e),
    }
}

/// A spreadsheet cell that cannot be taken for a formula (CSV injection).
fn csv_cell(value: &str) -> String {
    let guarded = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if guarded.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

pub async fn export_subscribers(
    State(state): State<AdminState>,
    Extension(admin): Extension<Admin>,
) -> Response {
    let all = match state.db.acquire().await {
        Ok(mut conn) => subscribers::search(&mut conn, "", None, 0).await,
        Err(e) => Err(e),
    };
    let all = match all {
        Ok(all) => all,
        Err(e) => return unavailable(e),
    };
    tracing::info!(username = %admin.user.username, count = all.len(), "subscribers exported");
    let mut csv = String::from("email,status,since_utc\r\n");
    for s in &all {
        csv.push_str(&format!(
            "{},{},{}\r\n",
            csv_cell(&s.email),
            if s.active { "active" } else { "pending" },
            s.created.strftime("%Y-%m-%dT%H:%M:%SZ")
        ));
    }
    let mut response = (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"subscribers.csv\"",
            ),
        ],
        csv,
    )
        .into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

// ---- Users ----

struct UserRow {
    id: i64,
    username: String,
    email: String,
    active: bool,
    /// Empty when the user has none.
    second_factor: &'static str,
    last_login: String,
    is_me: bool,
}

#[derive(Template)]
#[template(path = "admin/users.html")]
struct UsersPage {
    chrome: Chrome,
    rows: Vec<UserRow>,
    new_username: String,
    new_email: String,
    error: Option<String>,
}

async fn users_page(
    state: &AdminState,
    admin: &Admin,
    status: StatusCode,
    new_username: String,
    new_email: String,
    error: Option<String>,
    notice: Option<&str>,
) -> Response {
    let loaded = async {
        let mut conn = state.db.acquire().await?;
        let all = users::all(&mut conn).await?;
        let mut with_keys = Vec::with_capacity(all.len());
        for user in all {
            let keys = crate::storage::security_keys::count(&mut conn, user.id).await?;
            with_keys.push((user, keys));
        }
        Ok::<_, StorageError>(with_keys)
    }
    .await;
    let all = match loaded {
        Ok(all) => all,
        Err(e) => return unavailable(e),
    };
    let name = system_name(state).await;
    page(
        status,
        &UsersPage {
            chrome: Chrome::for_admin(&name, "Users", "users", admin).with_notice(notice),
            rows: all
                .into_iter()
                .map(|(u, keys)| UserRow {
                    second_factor: match (u.totp_secret.is_some(), keys > 0) {
                        (true, true) => "Authenticator app and security key",
                        (true, false) => "Authenticator app",
                        (false, true) => "Security key",
                        (false, false) => "",
                    },
                    is_me: u.id == admin.user.id,
                    id: u.id,
                    username: u.username,
                    email: u.email,
                    active: u.active,
                    last_login: u.last_login.map(|t| shown(t, state)).unwrap_or_default(),
                })
                .collect(),
            new_username,
            new_email,
            error,
        },
    )
}

#[derive(serde::Deserialize)]
pub struct NoticeQuery {
    notice: Option<String>,
}

pub async fn users(
    State(state): State<AdminState>,
    Extension(admin): Extension<Admin>,
    Query(query): Query<NoticeQuery>,
) -> Response {
    users_page(
        &state,
        &admin,
        StatusCode::OK,
        String::new(),
        String::new(),
        None,
        query.notice.as_deref(),
    )
    .await
}

#[derive(serde::Deserialize)]
pub struct NewUserForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

pub async fn create_user(
    State(state): State<AdminState>,
    Extension(admin): Extension<Admin>,
    Form(form): Form<NewUserForm>,
) -> Response {
    let username = form.username.trim().to_owned();
    let email = form.email.trim().to_owned();
    let created = async {
        crate::accounts::validate_new_user(&username, &email, &form.password)?;
        // Hashed before the transaction starts: no connection waits for the hash.
        let hash = super::account::new_password_hash(&state, &form.password).await?;
        let mut tx = state.db.begin().await?;
        let user = crate::accounts::insert_user(&mut tx, &username, &email, &hash).await?;
        audit::record(
            &mut tx,
            Timestamp::now(),
            &admin.actor().audit_name(),
            None,
            "user.created",
            &format!("{} created the user {}", admin.user.username, user.username),
        )
        .await?;
        tx.commit().await.map_err(StorageError::from)?;
        Ok::<_, crate::accounts::AccountError>(())
    }
    .await;
    match created {
        Ok(()) => Redirect::to("/admin/users/?notice=created").into_response(),
        Err(crate::accounts::AccountError::Invalid(message)) => {
            users_page(
                &state,
                &admin,
                StatusCode::BAD_REQUEST,
                username,
                email,
                Some(super::account::capitalised(&message)),
                None,
            )
            .await
        }
        Err(crate::accounts::AccountError::Storage(e)) => unavailable(e),
    }
}

/// What an admin can do to another user from the list.
#[derive(Clone, Copy)]
enum UserAction {
    Deactivate,
    Activate,
    ResetSecondFactor,
}

async fn act_on_user(state: &AdminState, admin: &Admin, id: i64, action: UserAction) -> Response {
    if id == admin.user.id && !matches!(action, UserAction::Activate) {
        return plain(
            StatusCode::BAD_REQUEST,
            "You cannot do this to your own account here; use \"Your account\". Nothing was changed.",
        );
    }
    let found = match state.db.acquire().await {
        Ok(mut conn) => users::by_id(&mut conn, id).await,
        Err(e) => Err(e),
    };
    let user = match found {
        Ok(Some(user)) => user,
        Ok(None) => return plain(StatusCode::NOT_FOUND, "There is no such user."),
        Err(e) => return unavailable(e),
    };
    let (audit_action, did) = match action {
        UserAction::Deactivate => ("user.deactivated", "deactivated"),
        UserAction::Activate => ("user.activated", "activated"),
        UserAction::ResetSecondFactor => ("user.second_factor_reset", "reset the second factor of"),
    };
    let message = format!("{} {did} the user {}", admin.user.username, user.username);
    let result = audited(state, admin, audit_action, message, async |conn| {
        match action {
            UserAction::Deactivate => users::set_active(conn, id, false).await?,
            UserAction::Activate => users::set_active(conn, id, true).await?,
            UserAction::ResetSecondFactor => {
                users::set_totp(conn, id, None, &[]).await?;
                crate::storage::security_keys::delete_all(conn, id).await?;
            }
        }
        // Whatever changed, the user's open sessions were granted under the old terms.
        if !matches!(action, UserAction::Activate) {
            admin_sessions::delete_for_user(conn, id).await?;
        }
        Ok(())
    })
    .await;
    redirect_after(result, "/admin/users/?notice=saved")
}

pub async fn deactivate_user(
    State(state): State<AdminState>,
    Extension(admin): Extension<Admin>,
    Path(id): Path<i64>,
) -> Response {
    act_on_user(&state, &admin, id, UserAction::Deactivate).await
}

pub async fn activate_user(
    State(state): State<AdminState>,
    Extension(admin): Extension<Admin>,
    Path(id): Path<i64>,
) -> Response {
    act_on_user(&state, &admin, id, UserAction::Activate).await
}

pub async fn reset_second_factor(
    State(state): State<AdminState>,
    Extension(admin): Extension<Admin>,
    Path(id): Path<i64>,
) -> Response {
    act_on_user(&state, &admin, id, UserAction::ResetSecondFactor).await
}

#[derive(serde::Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    password: String,
}

/// Sets a new password for another user (who forgot theirs) and ends their sessions.
pub async fn reset_password(
    State(state): State<AdminState>,
    Extension(admin): Extension<Admin>,
    Path(id): Path<i64>,
    Form(form): Form<PasswordForm>,
) -> Response {
    if id == admin.user.id {
        return plain(
            StatusCode::BAD_REQUEST,
            "Change your own password under \"Your account\", which asks for the current one. Nothing was changed.",
        );
    }
    let hash = match super::account::new_password_hash(&state, &form.password).await {
        Ok(hash) => hash,
        Err(e) => {
            return users_page(
                &state,
                &admin,
                StatusCode::BAD_REQUEST,
                String::new(),
                String::new(),
                Some(super::account::capitalised(&e.to_string())),
                None,
            )
            .await;
        }
    };
    let found = match state.db.acquire().await {
        Ok(mut conn) => users::by_id(&mut conn, id).await,
        Err(e) => Err(e),
    };
    let user = match found {
        Ok(Some(user)) => user,
        Ok(None) => return plain(StatusCode::NOT_FOUND, "There is no such user."),
        Err(e) => return unavailable(e),
    };
    let message = format!(
        "{} reset the password of {}",
        admin.user.username, user.username
    );
    let result = audited(
        &state,
        &admin,
        "user.password_reset",
        message,
        async |conn| {
            users::set_password_hash(conn, id, &hash).await?;
            if id != admin.user.id {
                admin_sessions::delete_for_user(conn, id).await?;
            }
            Ok(())
        },
    )
    .await;
    redirect_after(result, "/admin/users/?notice=saved")
}

// ---- Audit log ----

struct AuditRow {
    at: String,
    actor: String,
    incident_id: Option<i64>,
    action: String,
    message: String,
}

#[derive(Template)]
#[template(path = "admin/audit.html")]
struct AuditPage {
    chrome: Chrome,
    rows: Vec<AuditRow>,
    incident: String,
    actor: String,
    page: i64,
    more: bool,
    filter_query: String,
}

#[derive(serde::Deserialize)]
pub struct AuditQuery {
    #[serde(default)]
    incident: String,
    #[serde(default)]
    actor: String,
    page: Option<i64>,
}

pub async fn audit_log(
    State(state): State<AdminState>,
    Extension(admin): Extension<Admin>,
    Query(query): Query<AuditQuery>,
) -> Response {
    let incident = query
        .incident
        .trim()
        .trim_start_matches('#')
        .parse::<i64>()
        .ok();
    let actor: String = query.actor.trim().chars().take(200).collect();
    let page_number = query.page.unwrap_or(1).clamp(1, 1_000_000);
    let found = match state.db.acquire().await {
        Ok(mut conn) => {
            audit::list(
                &mut conn,
                incident,
                &actor,
                PAGE_SIZE + 1,
                (page_number - 1) * PAGE_SIZE,
            )
            .await
        }
        Err(e) => Err(e),
    };
    let mut found = match found {
        Ok(found) => found,
        Err(e) => return unavailable(e),
    };
    let more = found.len() as i64 > PAGE_SIZE;
    found.truncate(PAGE_SIZE as usize);
    let incident_text = incident.map(|i| i.to_string()).unwrap_or_default();
    let filter_query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("incident", &incident_text)
        .append_pair("actor", &actor)
        .finish();
    let name = system_name(&state).await;
    page(
        StatusCode::OK,
        &AuditPage {
            chrome: Chrome::for_admin(&name, "Audit log", "audit", &admin),
            rows: found
                .into_iter()
                .map(|e| AuditRow {
                    at: shown(e.at, &state),
                    actor: e.actor,
                    incident_id: e.incident_id,
                    action: e.action,
                    message: e.message,
                })
                .collect(),
            incident: incident_text,
            actor,
            page: page_number,
            more,
            filter_query,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::csv_cell;

    #[test]
    fn csv_cells_cannot_become_formulas() {
        assert_eq!(csv_cell("jane@example.com"), "jane@example.com");
        assert_eq!(csv_cell("=cmd@example.com"), "'=cmd@example.com");
        assert_eq!(csv_cell("a,b@example.com"), "\"a,b@example.com\"");
    }
}
