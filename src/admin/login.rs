//! Logging in (password, then the second factor when the user has one) and out.

use super::AdminState;
use super::session::{self, safe_next, secure_cookies};
use super::{Chrome, page, system_name, unavailable};
use crate::redis::SharedRedis;
use crate::storage::{admin_sessions, audit, users};
use crate::web::client::Client;
use crate::web::csrf;
use crate::web::rate_limit::Allowance;
use askama::Template;
use axum::Form;
use axum::extract::{Extension, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use jiff::Timestamp;
use std::time::Duration;

/// Guessing slows down: every try of a password or code is counted before it is checked, and a
/// right answer gives its try back, so only wrong ones add up. Past a few, each further try
/// waits for the period; nothing locks for good. Counted per client (an IPv4 address or an
/// IPv6 /64), per username on that client, and per username from browsers that have not logged
/// in as that user before: a flood from many clients can slow a username down for strangers,
/// but never for its owner's own browser (`known_device`).
const FAILURES_PER_CLIENT: u32 = 10;
const FAILURES_PER_USERNAME_AND_CLIENT: u32 = 5;
const FAILURES_PER_USERNAME_FROM_NEW_BROWSERS: u32 = 20;
/// Wrong second-factor codes for one username, from all clients together. Only whoever knows
/// the password gets to send codes, so this cannot lock out anybody else; without it, somebody
/// with the password and many addresses could try a million codes in minutes.
const CODE_FAILURES_PER_USERNAME: u32 = 5;
/// Usernames longer than any real one are counted by their hash, so that a guesser's
/// megabyte-long names cannot fill the counters.
const MAX_USERNAME_KEY: usize = 150;
const REFILL: Duration = Duration::from_secs(30);

const WRONG: &str = "Wrong username or password.";
pub(crate) const TOO_MANY: &str = "Too many attempts. Wait half a minute, then try again.";
const TOO_MANY_FOR_USERNAME: &str = "Too many wrong passwords for this username from browsers that have not logged in with it before. Wait half a minute, or log in from a browser you have used before.";
const BUSY: &str =
    "The server is checking many passwords at the moment. Try again in a few seconds.";

/// The login limits and the gate for password hashes; shared across all instances through
/// Redis when it is configured (the gate is per instance: it protects this one's CPU).
#[derive(Clone)]
pub struct LoginLimits {
    by_client: Allowance,
    by_username_and_client: Allowance,
    by_username_from_new_browsers: Allowance,
    codes_by_username: Allowance,
    pub(crate) hashing: crate::accounts::PasswordHashing,
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
            by_username_and_client: Allowance::new(
                "login-username-client",
                FAILURES_PER_USERNAME_AND_CLIENT,
                REFILL,
                redis.clone(),
            ),
            by_username_from_new_browsers: Allowance::new(
                "login-username-new",
                FAILURES_PER_USERNAME_FROM_NEW_BROWSERS,
                REFILL,
                redis.clone(),
            ),
            codes_by_username: Allowance::new(
                "login-username-code",
                CODE_FAILURES_PER_USERNAME,
                REFILL,
                redis,
            ),
            hashing: Default::default(),
        }
    }

    /// Password hashes this instance has computed, for `/metrics`.
    pub fn password_hashes(&self) -> u64 {
        self.hashing.computed()
    }

    /// Takes a try for this client and for this username on it, before anything is checked:
    /// `None` when one of them has to wait (and then nothing is taken).
    pub(crate) async fn attempt(&self, client: Client, username: &str) -> Option<Attempt> {
        let username = username_key(username);
        let mut attempt = Attempt { taken: Vec::new() };
        let client_key = client.limit_key();
        if !attempt.take(&self.by_client, client_key.clone()).await
            || !attempt
                .take(
                    &self.by_username_and_client,
                    format!("{username}\n{client_key}"),
                )
                .await
        {
            attempt.give_back().await;
            return None;
        }
        Some(attempt)
    }

    /// Also takes a try from the username's allowance for browsers it is not known in; false
    /// (and everything given back) when that is used up.
    pub(crate) async fn count_new_browser(&self, attempt: &mut Attempt, username: &str) -> bool {
        self.also_take(attempt, &self.by_username_from_new_browsers, username)
            .await
    }

    /// Also takes a try from the username's allowance for second-factor codes; false (and
    /// everything given back) when that is used up.
    pub(crate) async fn count_code(&self, attempt: &mut Attempt, username: &str) -> bool {
        self.also_take(attempt, &self.codes_by_username, username)
            .await
    }

    async fn also_take(
        &self,
        attempt: &mut Attempt,
        allowance: &Allowance,
        username: &str,
    ) -> bool {
        if attempt.take(allowance, username_key(username)).await {
            return true;
        }
        std::mem::take(attempt).give_back().await;
        false
    }
}

/// The key a username is counted by: itself in lower case, or, beyond any real username's
/// length, its hash.
fn username_key(username: &str) -> String {
    let lower = username.to_lowercase();
    if lower.len() <= MAX_USERNAME_KEY {
        return lower;
    }
    use sha2::Digest;
    let digest = sha2::Sha256::digest(lower.as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

/// Tries taken for one attempt. Dropping it counts them (a wrong answer); [`Attempt::give_back`]
/// returns them (a right answer, or a check that did not happen).
#[derive(Default)]
pub(crate) struct Attempt {
    taken: Vec<(Allowance, String)>,
}

impl Attempt {
    async fn take(&mut self, allowance: &Allowance, key: String) -> bool {
        let allowed = allowance.take(&key).await;
        if allowed {
            self.taken.push((allowance.clone(), key));
        }
        allowed
    }

    pub(crate) async fn give_back(self) {
        for (allowance, key) in self.taken {
            allowance.give_back(&key).await;
        }
    }
}

/// A refusal that says when trying again makes sense: `seconds` as a static header value.
fn retry_after(mut response: Response, seconds: &'static str) -> Response {
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static(seconds));
    response
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

fn with_cookie(response: Response, cookie: Option<HeaderValue>) -> Response {
    with_cookies(response, cookie)
}

pub(crate) fn with_cookies(
    mut response: Response,
    cookies: impl IntoIterator<Item = HeaderValue>,
) -> Response {
    for cookie in cookies {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}

async fn login_page(
    state: &AdminState,
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
    State(state): State<AdminState>,
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

/// Replaces an imported (Django) hash with an argon2id one, now that the password is known.
/// Skipped when no hash slot is free, and a failure only means trying again at the next login.
async fn upgraded_password_hash(state: &AdminState, user: &users::User, password: String) {
    let Some(slot) = state
        .admin_limits
        .hashing
        .try_start(crate::accounts::NOBODYS_HASH)
    else {
        return;
    };
    let Ok(hash) = slot.hash(password).await else {
        return;
    };
    let stored = match state.db.acquire().await {
        Ok(mut conn) => users::set_password_hash(&mut conn, user.id, &hash).await,
        Err(e) => Err(e),
    };
    match stored {
        Ok(()) => tracing::info!(username = %user.username, "password hash upgraded to argon2id"),
        Err(e) => {
            tracing::warn!(username = %user.username, error = %e, "cannot upgrade the password hash")
        }
    }
}

pub async fn submit(
    State(state): State<AdminState>,
    client: Client,
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
    // The try is counted before the password is hashed: fifty guesses at once cannot each
    // cost a hash before the first of them is found wrong.
    let Some(mut attempt) = state.admin_limits.attempt(client, username).await else {
        tracing::warn!(username, %client, "login refused: too many wrong attempts");
        return retry_after(again(StatusCode::TOO_MANY_REQUESTS, TOO_MANY).await, "30");
    };
    // The connection goes back to the pool before the hash: alert hooks and Slack must never
    // wait for logins.
    let found = match state.db.acquire().await {
        Ok(mut conn) => users::by_username(&mut conn, username).await,
        Err(e) => Err(e),
    };
    let user = match found {
        Ok(user) => user.filter(|u| u.active),
        Err(e) => {
            attempt.give_back().await;
            return unavailable(e);
        }
    };
    let known = user
        .as_ref()
        .is_some_and(|u| super::known_device::recognises(&headers, u));
    if !known
        && !state
            .admin_limits
            .count_new_browser(&mut attempt, username)
            .await
    {
        tracing::warn!(username, %client, "login refused: too many wrong attempts for the username");
        return retry_after(
            again(StatusCode::TOO_MANY_REQUESTS, TOO_MANY_FOR_USERNAME).await,
            "30",
        );
    }
    let hash = user
        .as_ref()
        .map_or(crate::accounts::NOBODYS_HASH, |u| u.password_hash.as_str());
    if let Some(why) = user
        .as_ref()
        .and_then(|_| crate::accounts::hash_problem(hash))
    {
        tracing::warn!(
            username,
            why,
            "this user's password cannot be checked; an admin must set a new one"
        );
    }
    let Some(slot) = state.admin_limits.hashing.try_start(hash) else {
        attempt.give_back().await;
        tracing::warn!(username, %client, "login refused: every password hash slot is busy");
        return retry_after(again(StatusCode::TOO_MANY_REQUESTS, BUSY).await, "5");
    };
    let right = slot.verify(form.password.clone(), hash.to_owned()).await;
    let Some(user) = user.filter(|_| right) else {
        tracing::info!(username, %client, "failed admin login");
        drop(attempt);
        return again(StatusCode::OK, WRONG).await;
    };
    attempt.give_back().await;
    let mut user = user;
    if crate::accounts::needs_rehash(&user.password_hash) {
        upgraded_password_hash(&state, &user, form.password.clone()).await;
    }
    let mut conn = match state.db.acquire().await {
        Ok(conn) => conn,
        Err(e) => return unavailable(e),
    };
    if let Ok(Some(current)) = users::by_id(&mut conn, user.id).await {
        // The upgraded hash, which the browser's known-device cookie is signed with.
        user = current;
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
    let mut cookies = vec![cookie];
    let target = if second_factor {
        let next: String =
            url::form_urlencoded::byte_serialize(safe_next(next).as_bytes()).collect();
        format!("/admin/login/verify?next={next}")
    } else {
        if let Err(e) = logged_in(&mut conn, &user.username, user.id).await {
            return unavailable(e);
        }
        cookies.extend(super::known_device::cookie(&user, secure));
        safe_next(next).to_owned()
    };
    with_cookies(Redirect::to(&target).into_response(), cookies)
}

/// The second factor passed: the half-way session is replaced by a full one under a new id, so
/// whoever saw the half-way cookie gains nothing. Returns the cookies to set: the new session's,
/// and the one that makes this browser known for the user.
pub(crate) async fn complete(
    conn: &mut crate::storage::AnyConnection,
    pending: &crate::storage::admin_sessions::Session,
    user: &users::User,
    secure: bool,
) -> crate::storage::Result<Vec<HeaderValue>> {
    admin_sessions::delete(conn, &pending.id_hash).await?;
    let cookie = session::start(conn, user.id, true, secure).await?;
    logged_in(conn, &user.username, user.id).await?;
    Ok(std::iter::once(cookie)
        .chain(super::known_device::cookie(user, secure))
        .collect())
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
    state: &AdminState,
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
    State(state): State<AdminState>,
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
    State(state): State<AdminState>,
    client: Client,
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
    drop(conn);
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
    // Whoever got here knows the password; the username's limit for new browsers is for
    // password guessers, so codes count per client, per username on it, and per username
    // from all clients together (against one password holder on many addresses).
    let Some(mut attempt) = state.admin_limits.attempt(client, &user.username).await else {
        return retry_after(again(StatusCode::TOO_MANY_REQUESTS, TOO_MANY).await, "30");
    };
    if !state
        .admin_limits
        .count_code(&mut attempt, &user.username)
        .await
    {
        return retry_after(again(StatusCode::TOO_MANY_REQUESTS, TOO_MANY).await, "30");
    }
    let mut conn = match state.db.acquire().await {
        Ok(conn) => conn,
        Err(e) => {
            attempt.give_back().await;
            return unavailable(e);
        }
    };
    let passed = match super::account::check_second_factor(&mut conn, &user, &form.code).await {
        Ok(passed) => passed,
        Err(e) => {
            attempt.give_back().await;
            return unavailable(e);
        }
    };
    if !passed {
        tracing::info!(username = %user.username, %client, "wrong second factor");
        drop((attempt, conn));
        return again(
            StatusCode::OK,
            "That code is not right. Use the current code from your app, or a recovery code.",
        )
        .await;
    }
    attempt.give_back().await;
    let cookies = match complete(&mut conn, &pending, &user, secure_cookies(&state)).await {
        Ok(cookies) => cookies,
        Err(e) => return unavailable(e),
    };
    with_cookies(Redirect::to(safe_next(next)).into_response(), cookies)
}

pub async fn logout(
    State(state): State<AdminState>,
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
