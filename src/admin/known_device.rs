//! "This browser logged in as alice before": a cookie set at every complete login, so that a
//! flood of wrong passwords for alice from elsewhere never keeps her out of her own browser
//! (the device cookie of OWASP's advice on lockouts). It only spares the browser the limit on
//! the username as a whole; it never lets anybody skip the password or second factor.
//!
//! The cookie is signed with a key derived from the user's password hash, which never leaves
//! the server: nothing new to store or share between instances, and a new password (the user's
//! own, or one an admin set) retires every earlier cookie.

use crate::storage::users::User;
use axum::http::{HeaderMap, HeaderValue};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

const COOKIE: &str = "monostat_device";
/// Half a year: people who log in less often than that wait out a lockout like anybody new.
const LIFETIME_SECONDS: i64 = 183 * 24 * 60 * 60;

/// The `Set-Cookie` value that makes this browser known for `user` from now on.
pub fn cookie(user: &User, secure: bool) -> Option<HeaderValue> {
    let issued = jiff::Timestamp::now().as_second();
    let value = format!("{}.{issued}", user.id);
    let signature = URL_SAFE_NO_PAD.encode(sign(user, &value)?);
    HeaderValue::from_str(&format!(
        "{COOKIE}={value}.{signature}; Path=/admin/login; Max-Age={LIFETIME_SECONDS}; HttpOnly; SameSite=Strict{}",
        if secure { "; Secure" } else { "" }
    ))
    .ok()
}

/// Whether the request carries a valid, unexpired cookie for `user`.
pub fn recognises(headers: &HeaderMap, user: &User) -> bool {
    let now = jiff::Timestamp::now().as_second();
    crate::web::cookies::values(headers, COOKIE).any(|value| {
        let Some((signed, signature)) = value.rsplit_once('.') else {
            return false;
        };
        let Some((id, issued)) = signed.split_once('.') else {
            return false;
        };
        let fresh = issued
            .parse::<i64>()
            .ok()
            .and_then(|issued| now.checked_sub(issued))
            .is_some_and(|age| (0..=LIFETIME_SECONDS).contains(&age));
        let expected = sign(user, signed);
        let given = URL_SAFE_NO_PAD.decode(signature).ok();
        fresh
            && id == user.id.to_string()
            && matches!((expected, given), (Some(e), Some(g)) if bool::from(e.as_slice().ct_eq(&g)))
    })
}

fn sign(user: &User, value: &str) -> Option<Vec<u8>> {
    let key = Sha256::new()
        .chain_update(b"monostat known device\0")
        .chain_update(user.password_hash.as_bytes())
        .finalize();
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).ok()?;
    mac.update(value.as_bytes());
    Some(mac.finalize().into_bytes().to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::header;

    fn user(id: i64, hash: &str) -> User {
        User {
            id,
            username: "alice".into(),
            email: String::new(),
            password_hash: hash.into(),
            active: true,
            created: jiff::Timestamp::UNIX_EPOCH,
            last_login: None,
            totp_secret: None,
        }
    }

    fn request_with(cookie: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_str(&format!("monostat_csrf=x; {cookie}")).expect("ascii"),
        );
        headers
    }

    #[test]
    fn only_the_users_own_unexpired_cookie_is_recognised() {
        let alice = user(1, "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA");
        let set = cookie(&alice, true).expect("a cookie");
        let set = set.to_str().expect("ascii");
        for attribute in [
            "Path=/admin/login",
            "HttpOnly",
            "SameSite=Strict",
            "; Secure",
        ] {
            assert!(set.contains(attribute), "{set}");
        }
        let pair = set.split(';').next().expect("name=value");
        assert!(recognises(&request_with(pair), &alice));
        // Another user, the same user after a new password, a changed date, no cookie.
        assert!(!recognises(
            &request_with(pair),
            &user(2, &alice.password_hash)
        ));
        assert!(!recognises(
            &request_with(pair),
            &user(1, "$argon2id$other")
        ));
        let value = pair.strip_prefix("monostat_device=").expect("value");
        let mut parts = value.split('.');
        let (id, issued, signature) = (
            parts.next().expect("id"),
            parts.next().expect("issued"),
            parts.next().expect("signature"),
        );
        let backdated = format!(
            "monostat_device={id}.{}.{signature}",
            issued.parse::<i64>().expect("n") - 1
        );
        assert!(!recognises(&request_with(&backdated), &alice));
        // An issue time far in the past or future is no cookie, and no overflow either.
        for issued in [i64::MIN, i64::MAX] {
            let odd = format!("monostat_device={id}.{issued}.{signature}");
            assert!(!recognises(&request_with(&odd), &alice));
        }
        let expired_at = jiff::Timestamp::now().as_second() - LIFETIME_SECONDS - 1;
        let old = format!("{id}.{expired_at}");
        let signed = URL_SAFE_NO_PAD.encode(sign(&alice, &old).expect("signed"));
        assert!(!recognises(
            &request_with(&format!("monostat_device={old}.{signed}")),
            &alice
        ));
        assert!(!recognises(&HeaderMap::new(), &alice));
    }
}
