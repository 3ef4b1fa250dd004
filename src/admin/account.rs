//! The logged-in admin's own account: password and authenticator app (TOTP) with recovery codes.

use super::AdminState;
use super::session::Admin;
use super::totp;
use super::{Chrome, PageResult, audited, page, plain, redirect_after, system_name};
use crate::storage::users::User;
use crate::storage::{AnyConnection, users};
use crate::web::client::Client;
use askama::Template;
use axum::Form;
use axum::extract::{Extension, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;

/// Whether `code` is the user's current TOTP code (not used before) or one of their unused
/// recovery codes, which it then uses up.
pub async fn check_second_factor(
    conn: &mut AnyConnection,
    user: &User,
    code: &str,
) -> crate::storage::Result<bool> {
    let Some(secret) = user.totp_secret.as_deref().and_then(totp::from_base32) else {
        return Ok(false);
    };
    let compact: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if compact.len() == totp::DIGITS as usize && compact.bytes().all(|b| b.is_ascii_digit()) {
        let last = users::totp_last_step(conn, user.id).await?;
        return Ok(
            match totp::verify(&secret, &compact, Timestamp::now().as_second(), last) {
                Some(step) => users::use_totp_step(conn, user.id, step).await?,
                None => false,
            },
        );
    }
    users::use_recovery_code(conn, user.id, &totp::hash_recovery_code(code)).await
}

/// Checks the logged-in admin's password again before a sensitive change, with the login's
/// rate limit: a stolen session must not become a way to guess the password. `Err` is the
/// answer to give while guesses must wait.
pub(crate) async fn password_is_right(
    state: &AdminState,
    admin: &Admin,
    client: Client,
    password: &str,
) -> Result<bool, Response> {
    let Some(attempt) = state
        .admin_limits
        .attempt(client, &admin.user.username)
        .await
    else {
        return Err(plain(
            StatusCode::TOO_MANY_REQUESTS,
            "Too many wrong passwords. Wait half a minute, then try again. Nothing was changed.",
        ));
    };
    let hash = admin.user.password_hash.clone();
    let Some(slot) = state.admin_limits.hashing.try_start(&hash) else {
        attempt.give_back().await;
        return Err(plain(
            StatusCode::TOO_MANY_REQUESTS,
            "The server is checking many passwords at the moment. Try again in a few seconds. Nothing was changed.",
        ));
    };
    let right = slot.verify(password.to_owned(), hash).await;
    if right {
        attempt.give_back().await;
    }
    Ok(right)
}

/// A new password's hash, computed through the gate (waiting for a slot: only logged-in
/// admins set passwords).
pub(crate) async fn new_password_hash(
    state: &AdminState,
    password: &str,
) -> Result<String, crate::accounts::AccountError> {
    crate::accounts::validate_password(password)?;
    match state.admin_limits.hashing.start().await {
        Some(slot) => slot.hash(password.to_owned()).await,
        None => Err(crate::accounts::AccountError::Invalid(
            "the password cannot be hashed now; try again".into(),
        )),
    }
}

#[derive(Template)]
#[template(path = "admin/account.html")]
struct AccountPage {
    chrome: Chrome,
    enrolled: bool,
    recovery_left: i64,
    password_error: Option<String>,
    keys: Vec<KeyRow>,
    /// Whether this installation's address allows WebAuthn (a domain name, not an IP).
    keys_possible: bool,
}

struct KeyRow {
    id: i64,
    name: String,
    added: String,
    last_used: String,
}

#[derive(Template)]
#[template(path = "admin/totp_enrol.html")]
struct EnrolPage {
    chrome: Chrome,
    secret: String,
    qr: String,
    error: Option<&'static str>,
}

#[derive(Template)]
#[template(path = "admin/recovery_codes.html")]
struct RecoveryCodesPage {
    chrome: Chrome,
    codes: Vec<String>,
}

#[derive(Template)]
#[template(path = "admin/enrolment.html")]
struct EnrolmentPage {
    chrome: Chrome,
    keys_possible: bool,
}

/// Where an admin without a second factor is sent while every admin needs one.
pub async fn enrolment(
    State(state): State<AdminState>,
    Extension(admin): Extension<Admin>,
) -> PageResult {
    if !admin.must_enrol {
        return Ok(axum::response::Redirect::to("/admin/account/").into_response());
    }
    let name = system_name(&state).await;
    page(
        StatusCode::OK,
        &EnrolmentPage {
            chrome: Chrome::for_admin(&name, "Set up a second factor", "account", &admin),
            keys_possible: super::security_keys::relying_party(&state).is_some(),
        },
    )
}

#[derive(serde::Deserialize)]
pub struct NoticeQuery {
    notice: Option<String>,
}

pub async fn show(
    State(state): State<AdminState>,
    Extension(admin): Extension<Admin>,
    Query(query): Query<NoticeQuery>,
) -> PageResult {
    account_page(
        &state,
        &admin,
        StatusCode::OK,
        None,
        query.notice.as_deref(),
    )
    .await
}

/// The account page again with `refusal` under the password field when the password is wrong
/// (or the refusal of the login allowances); `None` when the change may go ahead.
async fn refuse_a_wrong_password(
    state: &AdminState,
    admin: &Admin,
    client: Client,
    password: &str,
    refusal: &str,
) -> Option<PageResult> {
    match password_is_right(state, admin, client, password).await {
        Ok(true) => None,
        Ok(false) => Some(
            account_page(
                state,
                admin,
                StatusCode::BAD_REQUEST,
                Some(refusal.into()),
                None,
            )
            .await,
        ),
        Err(response) => Some(Ok(response)),
    }
}

async fn account_page(
    state: &AdminState,
    admin: &Admin,
    status: StatusCode,
    password_error: Option<String>,
    notice: Option<&str>,
) -> PageResult {
    let mut conn = state.db.acquire().await?;
    let recovery_left = users::recovery_codes_left(&mut conn, admin.user.id).await?;
    let keys = crate::storage::security_keys::for_user(&mut conn, admin.user.id).await?;
    drop(conn);
    let tz = state.config.time_zone.zone.clone();
    let shown = |t: Timestamp| {
        t.to_zoned(tz.clone())
            .strftime("%Y-%m-%d %H:%M")
            .to_string()
    };
    let name = system_name(state).await;
    page(
        status,
        &AccountPage {
            chrome: Chrome::for_admin(&name, "Your account", "account", admin).with_notice(notice),
            enrolled: admin.user.totp_secret.is_some(),
            recovery_left,
            password_error,
            keys: keys
                .into_iter()
                .map(|k| KeyRow {
                    id: k.id,
                    name: k.name,
                    added: shown(k.created),
                    last_used: k.last_used.map(shown).unwrap_or_else(|| "never".into()),
                })
                .collect(),
            keys_possible: super::security_keys::relying_party(state).is_some(),
        },
    )
}

#[derive(serde::Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    new: String,
}

pub async fn change_password(
    State(state): State<AdminState>,
    Extension(admin): Extension<Admin>,
    client: Client,
    Form(form): Form<PasswordForm>,
) -> PageResult {
    if let Some(refused) = refuse_a_wrong_password(
        &state,
        &admin,
        client,
        &form.current,
        "Your current password is not right.",
    )
    .await
    {
        return refused;
    }
    let new_hash = match new_password_hash(&state, &form.new).await {
        Ok(hash) => hash,
        Err(e) => {
            return account_page(
                &state,
                &admin,
                StatusCode::BAD_REQUEST,
                Some(capitalised(&e.to_string())),
                None,
            )
            .await;
        }
    };
    let message = format!("{} changed their password", admin.user.username);
    let changed = audited(
        &state,
        &admin,
        "user.password_changed",
        message,
        async |tx| {
            users::set_password_hash(tx, admin.user.id, &new_hash).await?;
            // Whoever knew the old password and logged in elsewhere is out now.
            crate::storage::admin_sessions::delete_others(tx, admin.user.id, admin.session_hash())
                .await
        },
    )
    .await;
    redirect_after(changed, "/admin/account/?notice=saved")
}

/// `the password …` → `The password …`, for messages shown as sentences.
pub fn capitalised(message: &str) -> String {
    let mut chars = message.chars();
    match chars.next() {
        Some(first) => format!("{}{}.", first.to_uppercase(), chars.as_str()),
        None => String::new(),
    }
}

/// Replacing an authenticator app would lock its owner out of their own second factor; it is
/// removed first, which asks for the password.
fn already_enrolled() -> Response {
    plain(
        StatusCode::CONFLICT,
        "An authenticator app is already set up. Remove it on \"Your account\" first (that asks for your password), then set up the new one.",
    )
}

pub async fn enrol_form(
    State(state): State<AdminState>,
    Extension(admin): Extension<Admin>,
) -> PageResult {
    if admin.user.totp_secret.is_some() {
        return Ok(already_enrolled());
    }
    let secret = totp::base32(&totp::new_secret());
    enrol_page(&state, &admin, secret, StatusCode::OK, None).await
}

async fn enrol_page(
    state: &AdminState,
    admin: &Admin,
    secret: String,
    status: StatusCode,
    error: Option<&'static str>,
) -> PageResult {
    let name = system_name(state).await;
    let bytes = totp::from_base32(&secret).unwrap_or_default();
    let uri = totp::otpauth_uri(&format!("{name} status"), &admin.user.username, &bytes);
    page(
        status,
        &EnrolPage {
            chrome: Chrome::for_admin(&name, "Set up an authenticator app", "account", admin),
            qr: totp::qr_svg(&uri),
            secret,
            error,
        },
    )
}

#[derive(serde::Deserialize)]
pub struct EnrolForm {
    #[serde(default)]
    secret: String,
    #[serde(default)]
    code: String,
}

pub async fn enrol(
    State(state): State<AdminState>,
    Extension(admin): Extension<Admin>,
    Form(form): Form<EnrolForm>,
) -> PageResult {
    if admin.user.totp_secret.is_some() {
        return Ok(already_enrolled());
    }
    let Some(secret) = totp::from_base32(&form.secret).filter(|s| s.len() >= 16) else {
        return enrol_form(State(state), Extension(admin)).await;
    };
    let now = Timestamp::now().as_second();
    let Some(step) = totp::verify(&secret, &form.code, now, None) else {
        return enrol_page(
            &state,
            &admin,
            form.secret,
            StatusCode::BAD_REQUEST,
            Some("That code is not right. Check the app's clock and enter the current code."),
        )
        .await;
    };
    let codes = totp::new_recovery_codes();
    let hashes: Vec<String> = codes.iter().map(|c| totp::hash_recovery_code(c)).collect();
    let message = format!("{} set up an authenticator app", admin.user.username);
    audited(&state, &admin, "user.totp_enrolled", message, async |tx| {
        let secret = totp::base32(&secret);
        users::set_totp(tx, admin.user.id, Some(&secret), &hashes).await?;
        users::use_totp_step(tx, admin.user.id, step).await?;
        Ok(())
    })
    .await?;
    // Enrolled now: the menu is open again.
    let mut admin = admin;
    admin.must_enrol = false;
    let name = system_name(&state).await;
    page(
        StatusCode::OK,
        &RecoveryCodesPage {
            chrome: Chrome::for_admin(&name, "Your recovery codes", "account", &admin)
                .with_notice(Some("enrolled")),
            codes,
        },
    )
}

#[derive(serde::Deserialize)]
pub struct RemoveForm {
    #[serde(default)]
    password: String,
}

/// Removing one's own second factor asks for the password: a borrowed, unlocked laptop must not
/// be enough to weaken the account.
pub async fn remove_totp(
    State(state): State<AdminState>,
    Extension(admin): Extension<Admin>,
    client: Client,
    Form(form): Form<RemoveForm>,
) -> PageResult {
    if let Some(refused) = refuse_a_wrong_password(
        &state,
        &admin,
        client,
        &form.password,
        "Your password is not right; the authenticator app stays set up.",
    )
    .await
    {
        return refused;
    }
    let message = format!("{} removed their authenticator app", admin.user.username);
    let removed = audited(&state, &admin, "user.totp_removed", message, async |tx| {
        users::set_totp(tx, admin.user.id, None, &[]).await
    })
    .await;
    redirect_after(removed, "/admin/account/?notice=removed")
}
