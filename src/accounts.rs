//! Admin accounts: validating what people type, and hashing passwords with argon2id.

use crate::storage::users::{self, CreateUserError, User};
use crate::storage::{AnyConnection, StorageError};
use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use jiff::Timestamp;

/// Django's limit, so every user imported from the original fits.
const MAX_USERNAME_LEN: usize = 150;
/// Shorter passwords are refused: this account can rewrite the public status page.
pub const MIN_PASSWORD_LEN: usize = 8;
/// Bounded so that hashing cannot be used to burn CPU.
const MAX_PASSWORD_LEN: usize = 1024;
const MAX_EMAIL_LEN: usize = 254;

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    /// The input cannot be used; the message says why, for the person who typed it.
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

pub fn validate_username(username: &str) -> Result<(), AccountError> {
    if username.is_empty() {
        return Err(AccountError::Invalid(
            "the username must not be empty".into(),
        ));
    }
    if username.chars().count() > MAX_USERNAME_LEN {
        return Err(AccountError::Invalid(format!(
            "the username must be at most {MAX_USERNAME_LEN} characters long"
        )));
    }
    if !username
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, '@' | '.' | '+' | '-' | '_'))
    {
        return Err(AccountError::Invalid(
            "the username may only contain letters, digits and @ . + - _".into(),
        ));
    }
    Ok(())
}

/// An admin's address is optional; when given it must look like one.
pub fn validate_email(email: &str) -> Result<(), AccountError> {
    if email.is_empty() {
        return Ok(());
    }
    let well_formed = email.len() <= MAX_EMAIL_LEN
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        })
        && !email
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | ',' | ';'));
    if well_formed {
        Ok(())
    } else {
        Err(AccountError::Invalid(format!(
            "{email:?} is not a valid email address"
        )))
    }
}

pub fn validate_password(password: &str) -> Result<(), AccountError> {
    if password.is_empty() {
        return Err(AccountError::Invalid(
            "the password must not be empty".into(),
        ));
    }
    if password.chars().count() < MIN_PASSWORD_LEN {
        return Err(AccountError::Invalid(format!(
            "the password must be at least {MIN_PASSWORD_LEN} characters long"
        )));
    }
    if password.len() > MAX_PASSWORD_LEN {
        return Err(AccountError::Invalid(format!(
            "the password must be at most {MAX_PASSWORD_LEN} bytes long"
        )));
    }
    Ok(())
}

/// An argon2id PHC string with the crate's default (OWASP-recommended) cost.
pub fn hash_password(password: &str) -> Result<String, AccountError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| AccountError::Invalid(format!("the password cannot be hashed: {e}")))
}

/// Checks a password against a stored hash: ours (argon2id), or one of the original (Django)
/// monostat's, which imported users keep until their first login replaces it.
pub fn verify_password(password: &str, stored: &str) -> bool {
    if let Some(encoded) = stored.strip_prefix("pbkdf2_sha256$") {
        return django_pbkdf2_sha256(password, encoded);
    }
    // Django's Argon2PasswordHasher stores "argon2" followed by a PHC string.
    let phc = match stored.strip_prefix("argon2") {
        Some(rest) if rest.starts_with('$') => rest,
        _ => stored,
    };
    PasswordHash::new(phc).is_ok_and(|hash| {
        Argon2::default()
            .verify_password(password.as_bytes(), &hash)
            .is_ok()
    })
}

/// Whether a stored hash should be replaced by an argon2id one at the next successful login.
pub fn needs_rehash(stored: &str) -> bool {
    !stored.starts_with("$argon2id$")
}

/// Bounds the work an imported hash can ask for; Django's own default is 1,200,000 (2026).
const MAX_PBKDF2_ITERATIONS: u32 = 10_000_000;

/// Django's `pbkdf2_sha256$<iterations>$<salt>$<base64 of 32 bytes>`, without the prefix.
fn django_pbkdf2_sha256(password: &str, encoded: &str) -> bool {
    use base64::Engine;
    use hmac::{KeyInit, Mac};
    use subtle::ConstantTimeEq;
    let mut parts = encoded.splitn(3, '$');
    let (Some(iterations), Some(salt), Some(expected)) = (parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let Ok(iterations) = iterations.parse::<u32>() else {
        return false;
    };
    let Ok(expected) = base64::engine::general_purpose::STANDARD.decode(expected) else {
        return false;
    };
    if iterations == 0 || iterations > MAX_PBKDF2_ITERATIONS || expected.len() != 32 {
        return false;
    }
    // PBKDF2 (RFC 8018) with HMAC-SHA256, one block: the derived key is as long as the digest.
    let Ok(keyed) = hmac::Hmac::<sha2::Sha256>::new_from_slice(password.as_bytes()) else {
        return false;
    };
    let mut mac = keyed.clone();
    mac.update(salt.as_bytes());
    mac.update(&1u32.to_be_bytes());
    let mut block: [u8; 32] = mac.finalize().into_bytes().into();
    let mut derived = block;
    for _ in 1..iterations {
        let mut mac = keyed.clone();
        mac.update(&block);
        block = mac.finalize().into_bytes().into();
        for (d, b) in derived.iter_mut().zip(block) {
            *d ^= b;
        }
    }
    derived.ct_eq(&expected[..]).into()
}

/// Creates an active admin user after checking every field.
pub async fn create_user(
    conn: &mut AnyConnection,
    username: &str,
    email: &str,
    password: &str,
) -> Result<User, AccountError> {
    validate_username(username)?;
    validate_email(email)?;
    validate_password(password)?;
    let hash = hash_password(password)?;
    users::create(conn, username, email, &hash, Timestamp::now())
        .await
        .map_err(|e| match e {
            CreateUserError::DuplicateUsername(name) => {
                AccountError::Invalid(format!("a user named {name:?} already exists"))
            }
            CreateUserError::Storage(e) => AccountError::Storage(e),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn django_hashes_of_the_original_verify() {
        // Made by Django 5's make_password("monostat-import-test", salt, "pbkdf2_sha256"), as
        // in shared/fixtures/monostat-django.sqlite3.
        let django = "pbkdf2_sha256$720000$6y5bo37dreXSGlvSDu1Ao2$Orq9WNRM1uo5jFwdcyqbMquVNdbaeY49Dsvh282LqyU=";
        assert!(verify_password("monostat-import-test", django));
        assert!(!verify_password("monostat-import-tesT", django));
        assert!(needs_rehash(django));
        // Python's hashlib.pbkdf2_hmac("sha256", b"passwd", b"salt", 1), another implementation.
        assert!(verify_password(
            "passwd",
            "pbkdf2_sha256$1$salt$VawEblbjCJ/sFpHCJUS2BflBhSFt3gRl5oudV8INrLw="
        ));
        for broken in [
            "pbkdf2_sha256$0$salt$VaIPQNyKdhH1cMe0CPJ7JdTIj6jOTjTKifaxfP8O+1M=",
            "pbkdf2_sha256$99999999999$salt$VaIPQNyKdhH1cMe0CPJ7JdTIj6jOTjTKifaxfP8O+1M=",
            "pbkdf2_sha256$1$salt$not-base64",
            "pbkdf2_sha256$1$salt",
            "pbkdf2_sha256$",
            "md5$salt$abc",
        ] {
            assert!(!verify_password("passwd", broken), "{broken}");
        }
        let ours = hash_password("correct horse battery").expect("hashes");
        assert!(!needs_rehash(&ours));
        // Django's argon2 hasher: its PHC string behind "argon2".
        assert!(verify_password(
            "correct horse battery",
            &format!("argon2{ours}")
        ));
    }

    #[test]
    fn passwords_are_hashed_with_argon2id_and_verify() {
        let hash = hash_password("correct horse battery").expect("hashes");
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("correct horse battery!", &hash));
        assert!(!verify_password("anything", "not a hash"));
    }

    #[test]
    fn usernames_follow_djangos_rules() {
        assert!(validate_username("alice.smith+ops@example").is_ok());
        assert!(validate_username("").is_err());
        assert!(validate_username("alice smith").is_err());
        assert!(validate_username(&"a".repeat(151)).is_err());
    }

    #[test]
    fn empty_and_short_passwords_are_refused_with_a_reason() {
        assert_eq!(
            validate_password("")
                .expect_err("empty is refused")
                .to_string(),
            "the password must not be empty"
        );
        assert_eq!(
            validate_password("short")
                .expect_err("short is refused")
                .to_string(),
            "the password must be at least 8 characters long"
        );
        assert!(validate_password("long enough").is_ok());
    }

    #[test]
    fn email_is_optional_but_must_be_an_address_when_given() {
        assert!(validate_email("").is_ok());
        assert!(validate_email("ops@example.com").is_ok());
        assert!(validate_email("ops").is_err());
        assert!(validate_email("ops@example.com\r\nBcc: x@y.z").is_err());
    }
}
