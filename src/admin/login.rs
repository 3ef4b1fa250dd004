//! Logging in (password, then the second factor when the user has one) and out.

use super::session::{self, safe_next, secure_cookies};
use super::{Chrome, page, system_name, unavailable};
use crate::redis::SharedRedis;
use crate::storage::{admin_sessions, audit, users};
use crate::web::AppState;
use crate::web::csrf;
use crate::web::rate_limit::client_ip;
use crate::web::rate_limit::{Allowance, Waits};
use askama::Template;
use axum::Form;
use axum::extract::{ConnectInfo, Extension, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use jiff::Timestamp;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

/// Guessing slows down: after a few wrong answers per client address or per username, each
/// further try has to wait for the period. Right answers cost nothing, and nothing locks for
/// good: the real user waits at most one period.
const FAILURES_PER_CLIENT: u32 = 10;
const FAILURES_PER_USERNAME: u32 = 5;
const REFILL: Duration = Duration::from_secs(30);

const WRONG: &str = "Wrong username or password.";
const TOO_MANY: &str = "Too many attempts. Wait half a minute, then try again.";

/// Counts wrong passwords and codes and remembers who must wait; across all instances when
/// Redis is configured.
#[derive(Clone)]
pub struct LoginLimits {
    by_client: Allowance,
    by_username: Allowance,
    waiting: Waits,
}

impl Default for LoginLimits {
    fn default() -> Self {
        Self::new(None)
    }
}

impl LoginLimits {
    pub fn new(redis: Option<SharedRedis>) -> Self {
        LoginLimits {
            by_client: Allowance::new("login-client", FAILURES_PER_CLIENT, REFILL, redis.clone()),
            by_username: Allowance::new(
                "login-username",
                FAILURES_PER_USERNAME,
                REFILL,
                redis.clone(),
            ),
            waiting: Waits::new("login-wait", redis),
        }
    }

    fn keys(client: IpAddr, username: &str) -> [String; 2] {
        [
            format!("client:{client}"),
            format!("username:{}", username.to_lowercase()),
        ]
    }

    /// Whether this client or username has to wait before trying again.
    pub(crate) async fn must_wait(&self, client: IpAddr, username: &str) -> bool {
        let [client_key, user_key] = Self::keys(client, username);
        self.waiting.any_waiting(&[&client_key, &user_key]).await
    }

    /// Records a wrong answer; past the allowance, the client or username waits a period.
    pub(crate) async fn failed(&self, client: IpAddr, username: &str) {
        let [client_key, user_key] = Self::keys(client, username);
        if !self.by_client.take(&client_key).await {
            self.waiting.impose(&client_key, REFILL).await;
        }
        if !self.by_username.take(&user_key).await {
            self.waiting.impose(&user_key, REFILL).await;
        }
    }
}

#[derive(Template)]
#[template(path = "admin/login.html")]
struct LoginPage {
    chrome: Chrome,
    csrf: String,
    username: String,
    next: String,
    error: Option<&'static str>,
}

#[derive(Template)]
#[template(path = "admin/second_factor.html")]
struct SecondFactorPage {
    chrome: Chrome,
    csrf: String,
    next: String,
    error: Option<&'static str>,
    /// Offer the security key button.
    keys: bool,
    /// Offer the code field (authenticator app or recovery codes).
    codes: bool,
}

#[derive(serde::Deserialize)]
pub struct NextQuery {
    next: Option<String>,
    notice: Option<String>,
}

#[derive(serde::Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    csrf: String,
    next: Option<String>,
}

#[derive(serde::Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    csrf: String,
    next: Option<String>,
}

fn with_cookie(mut response: Response, cookie: Option<HeaderValue>) -> Response {
    if let Some(cookie) = cookie {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}

async fn login_page(
    state: &AppState,
    headers: &HeaderMap,
    status: StatusCode,
    username: &str,
    next: Option<&str>,
    error: Option<&'static str>,
    notice: Option<&str>,
) -> Response {
    let (csrf, cookie) = csrf::token(headers, secure_cookies(state));
    let name = system_name(state).await;
    let chrome = Chrome::new(&name, "Log in").with_notice(notice);
    with_cookie(
        page(
            status,
            &LoginPage {
                chrome,
                csrf,
                username: username.to_owned(),
                next: safe_next(next).to_owned(),
                error,
            },
        ),
        cookie,
    )
}

pub async fn form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<NextQuery>,
) -> Response {
    if let Ok(mut conn) = state.db.acquire().await
        && let Ok(Some((session, _))) = session::load(&mut conn, &headers).await
        && session.verified
    {
        return Redirect::to(safe_next(query.next.as_deref())).into_response();
    }
    login_page(
        &state,
        &headers,
        StatusCode::OK,
        "",
        query.next.as_deref(),
        None,
        query.notice.as_deref(),
    )
    .await
}

/// A password hash for unknown usernames, so that they take as long as known ones and the
/// time of the answer does not tell which usernames exist.
/// Replaces an imported (Django) hash with an argon2id one, now that the password is known.
/// A failure only means trying again at the next login.
async fn upgrade_password_hash(
    conn: &mut crate::storage::AnyConnection,
    user: &users::User,
    password: String,
) {
    let hashed = tokio::task::spawn_blocking(move || crate::accounts::hash_password(&password))
        .await
        .ok()
        .and_then(Result::ok);
    let Some(hash) = hashed else {
        return;
    };
    match users::set_password_hash(conn, user.id, &hash).await {
        Ok(()) => tracing::info!(username = %user.username, "password hash upgraded to argon2id"),
        Err(e) => {
            tracing::warn!(username = %user.username, error = %e, "cannot upgrade the password hash")
        }
    }
}

fn dummy_hash() -> &'static str {
    static HASH: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        crate::accounts::hash_password("not a password of anybody").unwrap_or_default()
    });
    &HASH
}

pub async fn submit(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Response {
    let next = form.next.as_deref();
    let again = |status, error| {
        login_page(
            &state,
            &headers,
            status,
            &form.username,
            next,
            Some(error),
            None,
        )
    };
    if !csrf::verify(&headers, &form.csrf) {
        return again(
            StatusCode::FORBIDDEN,
            "This form has expired. Please log in again.",
        )
        .await;
    }
    let username = form.username.trim();
    let client = client_ip(peer, &headers);
    if state.admin_limits.must_wait(client, username).await {
        tracing::warn!(username, %client, "login refused: too many wrong attempts");
        return again(StatusCode::TOO_MANY_REQUESTS, TOO_MANY).await;
    }
    let mut conn = match state.db.acquire().await {
        Ok(conn) => conn,
        Err(e) => return unavailable(e),
    };
    let user = match users::by_username(&mut conn, username).await {
        Ok(user) => user.filter(|u| u.active),
        Err(e) => return unavailable(e),
    };
    let hash = user
        .as_ref()
        .map_or_else(|| dummy_hash().to_owned(), |u| u.password_hash.clone());
    let password = form.password.clone();
    // argon2 takes tens of milliseconds of CPU: off the threads that serve the status page.
    let right =
        tokio::task::spawn_blocking(move || crate::accounts::verify_password(&password, &hash))
            .await
            .unwrap_or(false);
    let Some(user) = user.filter(|_| right) else {
        tracing::info!(username, %client, "failed admin login");
        state.admin_limits.failed(client, username).await;
        return again(StatusCode::OK, WRONG).await;
    };
    if crate::accounts::needs_rehash(&user.password_hash) {
        upgrade_password_hash(&mut conn, &user, form.password.clone()).await;
    }
    let secure = secure_cookies(&state);
    let keys = match crate::storage::security_keys::count(&mut conn, user.id).await {
        Ok(keys) => keys,
        Err(e) => return unavailable(e),
    };
    let second_factor = user.totp_secret.is_some() || keys > 0;
    let started = session::start(&mut conn, user.id, !second_factor, secure).await;
    let cookie = match started {
        Ok(cookie) => cookie,
        Err(e) => return unavailable(e),
    };
    if let Some(old) = session::cookie_session_hash(&headers) {
        let _ = admin_sessions::delete(&mut conn, &old).await;
    }
    // Sessions nobody came back to would otherwise stay forever; logins are rare enough to
    // sweep them here.
    let now = Timestamp::now();
    if let Err(e) = admin_sessions::prune(
        &mut conn,
        now - session::IDLE_TIMEOUT,
        now - session::MAX_AGE,
    )
    .await
    {
        tracing::warn!(error = %e, "cannot prune old admin sessions");
    }
    let target = if second_factor {
        let next: String =
            url::form_urlencoded::byte_serialize(safe_next(next).as_bytes()).collect();
        format!("/admin/login/verify?next={next}")
    } else {
        if let Err(e) = logged_in(&mut conn, &user.username, user.id).await {
            return unavailable(e);
        }
        safe_next(next).to_owned()
    };
    with_cookie(Redirect::to(&target).into_response(), Some(cookie))
}

/// The second factor passed: the half-way session is replaced by a full one under a new id, so
/// whoever saw the half-way cookie gains nothing. Returns the new session's cookie.
pub(crate) async fn complete(
    conn: &mut crate::storage::AnyConnection,
    pending: &crate::storage::admin_sessions::Session,
    user: &users::User,
    secure: bool,
) -> crate::storage::Result<HeaderValue> {
    admin_sessions::delete(conn, &pending.id_hash).await?;
    let cookie = session::start(conn, user.id, true, secure).await?;
    logged_in(conn, &user.username, user.id).await?;
    Ok(cookie)
}

async fn logged_in(
    conn: &mut crate::storage::AnyConnection,
    username: &str,
    user_id: i64,
) -> crate::storage::Result<()> {
    let now = Timestamp::now();
    users::set_last_login(conn, user_id, now).await?;
    audit::record(
        conn,
        now,
        &format!("admin:{username}"),
        None,
        "user.login",
        &format!("{username} logged in"),
    )
    .await
}

async fn second_factor_page(
    state: &AppState,
    user: &users::User,
    status: StatusCode,
    csrf: String,
    next: Option<&str>,
    error: Option<&'static str>,
) -> Response {
    let counts = async {
        let mut conn = state.db.acquire().await?;
        let keys = crate::storage::security_keys::count(&mut conn, user.id).await?;
        let codes = users::recovery_codes_left(&mut conn, user.id).await?;
        Ok::<_, crate::storage::StorageError>((keys, codes))
    }
    .await;
    let (keys, codes) = match counts {
        Ok(counts) => counts,
        Err(e) => return unavailable(e),
    };
    let name = system_name(state).await;
    page(
        status,
        &SecondFactorPage {
            chrome: Chrome::new(&name, "Second factor"),
            csrf,
            next: safe_next(next).to_owned(),
            error,
            keys: keys > 0,
            codes: user.totp_secret.is_some() || codes > 0,
        },
    )
}

pub async fn second_factor_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<NextQuery>,
) -> Response {
    let mut conn = match state.db.acquire().await {
        Ok(conn) => conn,
        Err(e) => return unavailable(e),
    };
    match session::load(&mut conn, &headers).await {
        Ok(Some((session, user))) if !session.verified => {
            second_factor_page(
                &state,
                &user,
                StatusCode::OK,
                session.csrf_token,
                query.next.as_deref(),
                None,
            )
            .await
        }
        Ok(Some(_)) => Redirect::to(safe_next(query.next.as_deref())).into_response(),
        Ok(None) => Redirect::to("/admin/login").into_response(),
        Err(e) => unavailable(e),
    }
}

pub async fn second_factor(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(form): Form<CodeForm>,
) -> Response {
    let next = form.next.as_deref();
    let mut conn = match state.db.acquire().await {
        Ok(conn) => conn,
        Err(e) => return unavailable(e),
    };
    let (pending, user) = match session::load(&mut conn, &headers).await {
        Ok(Some((session, user))) if !session.verified => (session, user),
        Ok(_) => return Redirect::to("/admin/login").into_response(),
        Err(e) => return unavailable(e),
    };
    let again = |status, error| {
        second_factor_page(
            &state,
            &user,
            status,
            pending.csrf_token.clone(),
            next,
            Some(error),
        )
    };
    if !bool::from(subtle::ConstantTimeEq::ct_eq(
        form.csrf.as_bytes(),
        pending.csrf_token.as_bytes(),
    )) {
        return again(
            StatusCode::FORBIDDEN,
            "This form has expired. Please try again.",
        )
        .await;
    }
    let client = client_ip(peer, &headers);
    if state.admin_limits.must_wait(client, &user.username).await {
        return again(StatusCode::TOO_MANY_REQUESTS, TOO_MANY).await;
    }
    let passed = match super::account::check_second_factor(&mut conn, &user, &form.code).await {
        Ok(passed) => passed,
        Err(e) => return unavailable(e),
    };
    if !passed {
        tracing::info!(username = %user.username, %client, "wrong second factor");
        state.admin_limits.failed(client, &user.username).await;
        return again(
            StatusCode::OK,
            "That code is not right. Use the current code from your app, or a recovery code.",
        )
        .await;
    }
    let cookie = match complete(&mut conn, &pending, &user, secure_cookies(&state)).await {
        Ok(cookie) => cookie,
        Err(e) => return unavailable(e),
    };
    with_cookie(Redirect::to(safe_next(next)).into_response(), Some(cookie))
}

pub async fn logout(
    State(state): State<AppState>,
    Extension(admin): Extension<session::Admin>,
) -> Response {
    if let Ok(mut conn) = state.db.acquire().await
        && let Err(e) = admin_sessions::delete(&mut conn, admin.session_hash()).await
    {
        return unavailable(e);
    }
    with_cookie(
        Redirect::to("/admin/login?notice=logged-out").into_response(),
        Some(session::expired_cookie(secure_cookies(&state))),
    )
}
