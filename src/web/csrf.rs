//! CSRF protection for forms without sessions: the double-submit cookie. The form page sets a
//! random token in a `SameSite=Strict` cookie and in a hidden field; a POST is accepted only
//! when both are present and equal, which another site can neither read nor forge.

use axum::http::{HeaderMap, HeaderValue};
use rand::Rng;
use rand::distr::Alphanumeric;
use subtle::ConstantTimeEq;

const COOKIE: &str = "monostat_csrf";

/// The request's token, or a new one with the `Set-Cookie` header that stores it.
pub fn token(request: &HeaderMap, secure: bool) -> (String, Option<HeaderValue>) {
    if let Some(existing) = from_cookie(request) {
        return (existing, None);
    }
    let token: String = rand::rng()
        .sample_iter(Alphanumeric)
        .take(32)
        .map(char::from)
        .collect();
    let cookie = format!(
        "{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict{}",
        if secure { "; Secure" } else { "" }
    );
    (token.clone(), HeaderValue::from_str(&cookie).ok())
}

pub fn verify(request: &HeaderMap, submitted: &str) -> bool {
    match from_cookie(request) {
        Some(expected) => {
            !submitted.is_empty() && bool::from(expected.as_bytes().ct_eq(submitted.as_bytes()))
        }
        None => false,
    }
}

fn from_cookie(request: &HeaderMap) -> Option<String> {
    super::cookies::values(request, COOKIE)
        .find(|value| value.len() == 32)
        .map(str::to_owned)
}
