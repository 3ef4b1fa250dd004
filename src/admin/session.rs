//! Who is logged in: the session cookie, its server-side row, and the checks in front of every
//! admin page (logged in, second factor passed, not idle too long, CSRF token on every POST;
//! and, where every admin needs a second factor, one set up).

use super::AdminState;
use crate::storage::admin_sessions::{self, Session};
use crate::storage::users::{self, User};
use crate::storage::{AnyConnection, StorageError};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use jiff::{SignedDuration, Timestamp};
use rand::Rng;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

const COOKIE: &str = "monostat_session";
/// A session nobody used for this long has to log in again.
pub const IDLE_TIMEOUT: SignedDuration = SignedDuration::from_hours(1);
/// However busy, a session ends after a working day.
pub const MAX_AGE: SignedDuration = SignedDuration::from_hours(12);
/// Between the right password and the second factor.
pub const SECOND_FACTOR_TIMEOUT: SignedDuration = SignedDuration::from_mins(5);
/// `last_seen` is written at most this often, so that reading pages does not write every time.
const TOUCH_EVERY: SignedDuration = SignedDuration::from_secs(60);
/// Admin forms are small; the logo upload (1 MiB) is multipart and checked by its handler.
const MAX_FORM_BYTES: usize = 512 * 1024;

/// The logged-in admin, put into the request by [`require_login`].
#[derive(Clone, Debug)]
pub struct Admin {
    pub user: User,
    /// Goes into every form as the hidden field `csrf`.
    pub csrf: String,
    session: String,
    /// Every admin needs a second factor here and this one has none yet: only setting one up
    /// (and logging out) is open to them.
    pub must_enrol: bool,
}

impl Admin {
    pub fn actor(&self) -> crate::service::incidents::Actor {
        crate::service::incidents::Actor {
            via: "admin",
            name: self.user.username.clone(),
        }
    }

    pub fn session_hash(&self) -> &str {
        &self.session
    }
}

fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rng().fill(&mut buf[..]);
    buf.iter().map(|b| format!("{b:02x}")).collect()
}

fn hash_id(id: &str) -> String {
    Sha256::digest(id.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The session id from the request's cookie, hashed as stored.
pub fn cookie_session_hash(headers: &HeaderMap) -> Option<String> {
    crate::web::cookies::values(headers, COOKIE)
        .find(|value| value.len() == 64)
        .map(hash_id)
}

/// Starts a session (verified or waiting for the second factor) and returns its cookie.
pub async fn start(
    conn: &mut AnyConnection,
    user_id: i64,
    verified: bool,
    secure: bool,
) -> Result<HeaderValue, StorageError> {
    let id = random_hex(32);
    let now = Timestamp::now();
    admin_sessions::insert(
        conn,
        &Session {
            id_hash: hash_id(&id),
            user_id,
            verified,
            csrf_token: random_hex(32),
            created: now,
            last_seen: now,
        },
    )
    .await?;
    Ok(cookie(&id, secure, None))
}

/// A cookie that deletes the session cookie.
pub fn expired_cookie(secure: bool) -> HeaderValue {
    cookie("", secure, Some(0))
}

fn cookie(value: &str, secure: bool, max_age: Option<u32>) -> HeaderValue {
    let mut text = format!("{COOKIE}={value}; Path=/admin; HttpOnly; SameSite=Lax");
    if let Some(age) = max_age {
        text.push_str(&format!("; Max-Age={age}"));
    }
    if secure {
        text.push_str("; Secure");
    }
    HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static(""))
}

pub fn secure_cookies(state: &AdminState) -> bool {
    state.config.site_url.scheme() == "https"
}

/// Whether a session is still good at `now`.
pub fn is_current(session: &Session, now: Timestamp) -> bool {
    let limit = if session.verified {
        MAX_AGE
    } else {
        SECOND_FACTOR_TIMEOUT
    };
    now.duration_since(session.last_seen) < IDLE_TIMEOUT
        && now.duration_since(session.created) < limit
}

/// The session and its user, if both are current and the user is active.
pub async fn load(
    conn: &mut AnyConnection,
    headers: &HeaderMap,
) -> Result<Option<(Session, User)>, StorageError> {
    let Some(hash) = cookie_session_hash(headers) else {
        return Ok(None);
    };
    let Some(session) = admin_sessions::get(conn, &hash).await? else {
        return Ok(None);
    };
    let now = Timestamp::now();
    if !is_current(&session, now) {
        admin_sessions::delete(conn, &hash).await?;
        return Ok(None);
    }
    match users::by_id(conn, session.user_id).await? {
        Some(user) if user.active => Ok(Some((session, user))),
        _ => Ok(None),
    }
}

/// Where to go after logging in: only our own admin pages, never another site.
pub fn safe_next(next: Option<&str>) -> &str {
    match next {
        Some(path)
            if path.starts_with("/admin/")
                && !path.starts_with("/admin//")
                && !path.contains('\\')
                && !path.chars().any(char::is_control) =>
        {
            path
        }
        _ => "/admin/",
    }
}

/// In front of every admin page except login: the page itself for a logged-in admin whose
/// POST carries the session's CSRF token; the login page for everybody else.
pub async fn require_login(
    State(state): State<AdminState>,
    request: Request,
    next: Next,
) -> Response {
    let headers = request.headers();
    let loaded = async { load(&mut *state.db.acquire().await?, headers).await }.await;
    let (session, user) = match loaded {
        Ok(Some((session, user))) if session.verified => (session, user),
        Ok(_) => return to_login(&request),
        Err(e) => return super::PageError::from(e).into_response(),
    };
    let now = Timestamp::now();
    if now.duration_since(session.last_seen) >= TOUCH_EVERY
        && let Ok(mut conn) = state.db.acquire().await
        && let Err(e) = admin_sessions::touch(&mut conn, &session.id_hash, now).await
    {
        tracing::warn!(error = %e, "cannot record session activity");
    }
    let request = if request.method() == Method::POST {
        match checked_post(request, &session.csrf_token).await {
            Ok(request) => request,
            Err(response) => return response,
        }
    } else {
        request
    };
    let must_enrol = match must_enrol(&state, &user).await {
        Ok(must) => must,
        Err(e) => return super::PageError::from(e).into_response(),
    };
    let mut request = request;
    request.extensions_mut().insert(Admin {
        user,
        csrf: session.csrf_token.clone(),
        session: session.id_hash,
        must_enrol,
    });
    let mut response = next.run(request).await;
    // Admin pages show secrets and personal data: never kept by any cache.
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// Whether `user` has no second factor where every admin needs one. Checked on every request
/// rather than once at login: the setting may be turned on, or the user's factor reset by
/// another admin, while the session lasts. An authenticator app is on the user's row already,
/// so the database is asked only for admins without one.
async fn must_enrol(state: &AdminState, user: &User) -> Result<bool, StorageError> {
    if user.totp_secret.is_some() {
        return Ok(false);
    }
    let mut conn = state.db.acquire().await?;
    if !crate::storage::settings::second_factor_required(&mut conn).await? {
        return Ok(false);
    }
    Ok(crate::storage::security_keys::count(&mut conn, user.id).await? == 0)
}

/// In front of every admin page but enrolment and logging out, behind [`require_login`]: an
/// admin who must set up a second factor is sent to do so, whatever they asked for (a form's
/// content is lost then, but nothing is changed).
pub async fn require_second_factor(request: Request, next: Next) -> Response {
    let must_enrol = request
        .extensions()
        .get::<Admin>()
        .is_none_or(|admin| admin.must_enrol);
    if must_enrol {
        return Redirect::to(ENROLMENT).into_response();
    }
    next.run(request).await
}

/// Where an admin without a second factor sets one up.
pub const ENROLMENT: &str = "/admin/account/second-factor";

fn to_login(request: &Request) -> Response {
    if request.method() != Method::GET {
        // The form's content cannot survive a login; say so instead of losing it silently.
        return super::plain(
            StatusCode::FORBIDDEN,
            "Your session has ended. Log in again, then repeat the change.",
        );
    }
    let target = request
        .uri()
        .path_and_query()
        .map(|pq| pq.as_str())
        .unwrap_or("/admin/");
    let next: String = url::form_urlencoded::byte_serialize(target.as_bytes()).collect();
    Redirect::to(&format!("/admin/login?next={next}")).into_response()
}

/// A POST's `csrf` field must equal the session's token: in the form body, or in the query for
/// multipart uploads (whose body is left for the handler to stream).
async fn checked_post(request: Request, expected: &str) -> Result<Request, Response> {
    let refused = || {
        super::plain(
            StatusCode::FORBIDDEN,
            "This form has expired or did not come from this site. Go back, reload the page and try again.",
        )
    };
    let matches =
        |token: &str| !token.is_empty() && bool::from(token.as_bytes().ct_eq(expected.as_bytes()));
    let is_form = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        let from_query = request
            .uri()
            .query()
            .map(|q| url::form_urlencoded::parse(q.as_bytes()))
            .and_then(|mut pairs| pairs.find(|(k, _)| k == "csrf"))
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default();
        return if matches(&from_query) {
            Ok(request)
        } else {
            Err(refused())
        };
    }
    let (parts, body) = request.into_parts();
    let bytes = axum::body::to_bytes(body, MAX_FORM_BYTES)
        .await
        .map_err(|_| {
            super::plain(
                StatusCode::PAYLOAD_TOO_LARGE,
                "This form is too large to be accepted.",
            )
        })?;
    let token = url::form_urlencoded::parse(&bytes)
        .find(|(k, _)| k == "csrf")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default();
    if !matches(&token) {
        return Err(refused());
    }
    Ok(Request::from_parts(parts, Body::from(bytes)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_admin_paths_are_followed_after_login() {
        assert_eq!(
            safe_next(Some("/admin/incidents/3/")),
            "/admin/incidents/3/"
        );
        assert_eq!(safe_next(Some("https://evil.example/")), "/admin/");
        assert_eq!(safe_next(Some("//evil.example/admin/")), "/admin/");
        assert_eq!(safe_next(Some("/admin//evil.example")), "/admin/");
        assert_eq!(safe_next(Some("/admin/\\evil")), "/admin/");
        assert_eq!(safe_next(None), "/admin/");
    }

    #[test]
    fn sessions_end_when_idle_or_old() {
        let now = Timestamp::now();
        let mut session = Session {
            id_hash: String::new(),
            user_id: 1,
            verified: true,
            csrf_token: String::new(),
            created: now - SignedDuration::from_hours(2),
            last_seen: now - SignedDuration::from_mins(5),
        };
        assert!(is_current(&session, now));
        session.last_seen = now - SignedDuration::from_mins(61);
        assert!(!is_current(&session, now));
        session.last_seen = now;
        session.created = now - SignedDuration::from_hours(13);
        assert!(!is_current(&session, now));
        // Waiting for the second factor: minutes, not hours.
        session.verified = false;
        session.created = now - SignedDuration::from_mins(6);
        assert!(!is_current(&session, now));
    }
}
