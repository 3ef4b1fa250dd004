//! Admin accounts: validating what people type, and hashing passwords with argon2id.

pub mod totp;

use crate::storage::users::{self, CreateUserError, User};
use crate::storage::{AnyConnection, StorageError};
use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use jiff::Timestamp;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

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
/// monostat's, which imported users keep until their first login replaces it. A hash that asks
/// for more work than [`hash_problem`] allows is wrong for every password, never computed.
pub fn verify_password(password: &str, stored: &str) -> bool {
    check_password(password, stored) == Verdict::Right
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Verdict {
    Right,
    Wrong,
    /// Nothing was computed: the stored hash is unreadable or too costly.
    NotChecked,
}

fn check_password(password: &str, stored: &str) -> Verdict {
    if hash_problem(stored).is_some() {
        return Verdict::NotChecked;
    }
    let right = if let Some(encoded) = stored.strip_prefix("pbkdf2_sha256$") {
        django_pbkdf2_sha256(password, encoded)
    } else {
        PasswordHash::new(argon2_phc(stored)).is_ok_and(|hash| {
            Argon2::default()
                .verify_password(password.as_bytes(), &hash)
                .is_ok()
        })
    };
    if right {
        Verdict::Right
    } else {
        Verdict::Wrong
    }
}

/// Django's Argon2PasswordHasher stores "argon2" followed by a PHC string.
fn argon2_phc(stored: &str) -> &str {
    match stored.strip_prefix("argon2") {
        Some(rest) if rest.starts_with('$') => rest,
        _ => stored,
    }
}

/// Whether a stored hash should be replaced by an argon2id one at the next successful login.
pub fn needs_rehash(stored: &str) -> bool {
    !stored.starts_with("$argon2id$")
}

/// Bounds the work a stored hash (imported, or written to the database by anybody) can ask of
/// each login. Django's defaults are 1,200,000 PBKDF2 iterations (6.0) and argon2 with 100 MiB,
/// 2 passes and 8 lanes (since 3.2); ours is argon2id with 19 MiB, 2 passes, 1 lane.
const MAX_PBKDF2_ITERATIONS: u32 = 2_400_000;
const MAX_ARGON2_MEMORY_KIB: u32 = 128 * 1024;
const MAX_ARGON2_PASSES: u32 = 8;
const MAX_ARGON2_LANES: u32 = 16;
/// Memory times passes: twice Django's default work.
const MAX_ARGON2_WORK: u64 = 2 * 100 * 1024 * 2;

/// Why monostat will not check passwords against `stored`, if it will not: a format it does not
/// know, or a cost beyond the limits above (which would let one login burn seconds of CPU or
/// gigabytes of memory).
pub fn hash_problem(stored: &str) -> Option<String> {
    if let Some(encoded) = stored.strip_prefix("pbkdf2_sha256$") {
        let iterations = encoded
            .split('$')
            .next()
            .and_then(|n| n.parse::<u64>().ok());
        return match iterations {
            None | Some(0) => Some("its PBKDF2 iteration count is not readable".into()),
            Some(n) if n > u64::from(MAX_PBKDF2_ITERATIONS) => Some(format!(
                "it asks for {n} PBKDF2 iterations, more than the {MAX_PBKDF2_ITERATIONS} monostat computes"
            )),
            Some(_) => None,
        };
    }
    let Ok(hash) = PasswordHash::new(argon2_phc(stored)) else {
        return Some("it is neither an argon2 nor a Django pbkdf2_sha256 hash".into());
    };
    let Ok(params) = argon2::Params::try_from(&hash) else {
        return Some("its argon2 parameters are not readable".into());
    };
    let (m, t, p) = (params.m_cost(), params.t_cost(), params.p_cost());
    if m > MAX_ARGON2_MEMORY_KIB
        || t > MAX_ARGON2_PASSES
        || p > MAX_ARGON2_LANES
        || u64::from(m) * u64::from(t) > MAX_ARGON2_WORK
    {
        return Some(format!(
            "its argon2 cost (m={m} KiB, t={t}, p={p}) is more than monostat computes \
             (m ≤ {MAX_ARGON2_MEMORY_KIB}, t ≤ {MAX_ARGON2_PASSES}, p ≤ {MAX_ARGON2_LANES}, m×t ≤ {MAX_ARGON2_WORK})"
        ));
    }
    None
}

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

/// A stored hash for usernames that do not exist, with our parameters, so that checking a
/// password for them takes as long as for real ones and the time of the answer does not tell
/// which usernames exist. (`argon2id` of a random password; a test checks its parameters.)
pub const NOBODYS_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$bm9ib2R5cy1zYWx0LTIwMjY$W0cKXcqG6k7Cc0+Jd4BK8HVyYrAOMZzUSDk5GNqSoH0";

/// The gate every password hash on a request passes: a few at a time (each argon2id hash
/// takes some 19 MiB and tens of milliseconds of one core), on the blocking threads, counted for
/// `/metrics`. Logins that find it full are answered at once (the caller says "busy") rather
/// than queued: a queue would only turn a flood into waiting admins and held memory.
#[derive(Clone)]
pub struct PasswordHashing {
    slots: Arc<Semaphore>,
    size: u32,
    computed: Arc<AtomicU64>,
}

impl Default for PasswordHashing {
    /// Two per core: enough to keep every core busy while others wait for their thread.
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        Self::new(2 * cores)
    }
}

impl PasswordHashing {
    pub fn new(slots: usize) -> Self {
        let slots = slots.clamp(1, 1024);
        PasswordHashing {
            slots: Arc::new(Semaphore::new(slots)),
            size: slots as u32,
            computed: Arc::default(),
        }
    }

    /// A slot for checking a password against `stored`, if one is free now. A hash that needs
    /// more memory than ours takes as many slots as ours would fit in it (all of them at most),
    /// so that the gate bounds memory, not only threads.
    pub fn try_start(&self, stored: &str) -> Option<HashSlot> {
        let permits = slots_for(stored).min(self.size);
        let permit = self.slots.clone().try_acquire_many_owned(permits).ok()?;
        Some(HashSlot {
            _permit: permit,
            computed: self.computed.clone(),
        })
    }

    /// A slot for a new hash (an admin setting a password), waiting for one to be free.
    pub async fn start(&self) -> Option<HashSlot> {
        let permit = self.slots.clone().acquire_owned().await.ok()?;
        Some(HashSlot {
            _permit: permit,
            computed: self.computed.clone(),
        })
    }

    /// Password hashes computed so far by this instance (checks and new ones).
    pub fn computed(&self) -> u64 {
        self.computed.load(Ordering::Relaxed)
    }
}

fn slots_for(stored: &str) -> u32 {
    let ours = argon2::Params::DEFAULT_M_COST;
    PasswordHash::new(argon2_phc(stored))
        .ok()
        .and_then(|hash| argon2::Params::try_from(&hash).ok())
        .map_or(1, |params| params.m_cost().div_ceil(ours).max(1))
}

/// Permission to compute one hash. Held until the hash is done, even when the client that
/// asked has gone: the core is busy until then either way.
pub struct HashSlot {
    _permit: OwnedSemaphorePermit,
    computed: Arc<AtomicU64>,
}

impl HashSlot {
    /// Whether `password` matches `stored`, checked on a blocking thread.
    pub async fn verify(self, password: String, stored: String) -> bool {
        tokio::task::spawn_blocking(move || {
            let verdict = check_password(&password, &stored);
            if verdict != Verdict::NotChecked {
                self.computed.fetch_add(1, Ordering::Relaxed);
            }
            verdict == Verdict::Right
        })
        .await
        .unwrap_or(false)
    }

    /// An argon2id hash of `password`, computed on a blocking thread.
    pub async fn hash(self, password: String) -> Result<String, AccountError> {
        tokio::task::spawn_blocking(move || {
            self.computed.fetch_add(1, Ordering::Relaxed);
            hash_password(&password)
        })
        .await
        .map_err(|e| AccountError::Invalid(format!("the password cannot be hashed: {e}")))?
    }
}

/// Checks every field of a new user.
pub fn validate_new_user(username: &str, email: &str, password: &str) -> Result<(), AccountError> {
    validate_username(username)?;
    validate_email(email)?;
    validate_password(password)
}

/// Creates an active admin user after checking every field (hashing here, for the command line).
pub async fn create_user(
    conn: &mut AnyConnection,
    username: &str,
    email: &str,
    password: &str,
) -> Result<User, AccountError> {
    validate_new_user(username, email, password)?;
    let hash = hash_password(password)?;
    insert_user(conn, username, email, &hash).await
}

/// Creates an active admin user whose fields passed [`validate_new_user`] and whose password is
/// already hashed (off the request's thread, through [`PasswordHashing`]).
pub async fn insert_user(
    conn: &mut AnyConnection,
    username: &str,
    email: &str,
    password_hash: &str,
) -> Result<User, AccountError> {
    validate_username(username)?;
    validate_email(email)?;
    users::create(conn, username, email, password_hash, Timestamp::now())
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
            "pbkdf2_sha256$2400001$salt$VaIPQNyKdhH1cMe0CPJ7JdTIj6jOTjTKifaxfP8O+1M=",
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
    fn costly_stored_hashes_are_refused_without_computing() {
        let ours = hash_password("correct horse battery").expect("hashes");
        assert_eq!(hash_problem(&ours), None);
        // Django's default argon2 cost (3.2 and later) is accepted.
        let django_default = ours.replace("m=19456,t=2,p=1", "m=102400,t=2,p=8");
        assert_eq!(hash_problem(&format!("argon2{django_default}")), None);
        for (params, why) in [
            ("m=4194304,t=2,p=1", "m=4194304 KiB"),
            ("m=19456,t=1000,p=1", "t=1000"),
            ("m=19456,t=2,p=255", "p=255"),
            ("m=131072,t=8,p=1", "t=8"),
        ] {
            let costly = ours.replace("m=19456,t=2,p=1", params);
            let problem = hash_problem(&costly).expect("refused");
            assert!(problem.contains(why), "{problem}");
            // Refused at once: no hash is computed for it, right password or not.
            assert_eq!(
                check_password("correct horse battery", &costly),
                Verdict::NotChecked
            );
        }
        assert!(
            hash_problem("pbkdf2_sha256$99999999$salt$x")
                .expect("refused")
                .contains("99999999 PBKDF2 iterations")
        );
        assert_eq!(
            hash_problem("pbkdf2_sha256$1200000$salt$x"),
            None,
            "Django 6's default"
        );
        assert!(hash_problem("md5$salt$abc").is_some());
    }

    #[test]
    fn nobodys_hash_costs_what_ours_cost() {
        let hash = PasswordHash::new(NOBODYS_HASH).expect("a PHC string");
        let params = argon2::Params::try_from(&hash).expect("argon2 parameters");
        let ours = Argon2::default();
        let ours = ours.params();
        assert_eq!(
            (params.m_cost(), params.t_cost(), params.p_cost()),
            (ours.m_cost(), ours.t_cost(), ours.p_cost())
        );
        assert_eq!(hash.algorithm, argon2::Algorithm::Argon2id.ident());
        assert_eq!(check_password("", NOBODYS_HASH), Verdict::Wrong);
    }

    #[tokio::test]
    async fn the_gate_counts_hashes_and_refuses_when_full() {
        let gate = PasswordHashing::new(2);
        let ours = hash_password("correct horse battery").expect("hashes");
        let first = gate.try_start(&ours).expect("a free slot");
        let second = gate.try_start(&ours).expect("a free slot");
        assert!(gate.try_start(&ours).is_none(), "full");
        assert!(
            first
                .verify("correct horse battery".into(), ours.clone())
                .await
        );
        assert!(!second.verify("wrong".into(), ours.clone()).await);
        assert_eq!(gate.computed(), 2);
        // A hash with five times our memory takes every slot.
        let big = ours.replace("m=19456,", "m=97280,");
        let slot = gate.try_start(&big).expect("free again");
        assert!(gate.try_start(&ours).is_none());
        // Refused hashes are not computed, and not counted.
        let costly = ours.replace("t=2,", "t=100,");
        drop(slot);
        let slot = gate.try_start(&costly).expect("free");
        assert!(!slot.verify("correct horse battery".into(), costly).await);
        assert_eq!(gate.computed(), 2);
        let new = gate
            .start()
            .await
            .expect("a slot")
            .hash("a new password".into())
            .await;
        assert!(verify_password("a new password", &new.expect("hashed")));
        assert_eq!(gate.computed(), 3);
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
