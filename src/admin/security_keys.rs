//! Security keys (WebAuthn/FIDO2) as a second factor, as in the original monostat: enrolling
//! one on "Your account", and using it after the password. webauthn-rs does the cryptography;
//! the ceremony's state stays in the session row, so the browser cannot alter it and any
//! instance can finish what another began.

use super::AdminState;
use super::session::{self, Admin, safe_next, secure_cookies};
use super::{PageResult, plain, redirect_after};
use crate::storage::{AnyConnection, StorageError, admin_sessions, security_keys, users};
use crate::web::page::ScriptError;
use axum::Form;
use axum::extract::{Extension, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Json, Response};
use jiff::Timestamp;
use serde_json::json;
use webauthn_rs::prelude::{
    PublicKeyCredential, RegisterPublicKeyCredential, SecurityKey, SecurityKeyAuthentication,
    SecurityKeyRegistration, Uuid, Webauthn, WebauthnBuilder, WebauthnError,
};

/// The relying party: this installation, by its site URL. Browsers allow WebAuthn only for a
/// domain name (not an IP address) over https or on localhost, so `None` elsewhere.
pub fn relying_party(state: &AdminState) -> Option<Webauthn> {
    let site = &state.config.site_url;
    let domain = site.domain()?;
    WebauthnBuilder::new(domain, site)
        .ok()?
        .rp_name("monostat")
        // The key comes after the password, so a touch (user presence) is the second factor,
        // as with the original's FIDO2 keys. Asking the key for its PIN as well would be a
        // third, and webauthn-rs's way of asking (credProtect "UV required" with UV only
        // preferred) is refused by Chromium outright.
        .danger_set_user_presence_only_security_keys(true)
        .build()
        .ok()
}

/// A stable, opaque WebAuthn user handle for one of our users.
fn user_handle(user_id: i64) -> Uuid {
    Uuid::from_u64_pair(0x6d6f_6e6f_7374_6174, user_id as u64)
}

fn failure(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({ "error": message }))).into_response()
}

fn keys_of(stored: &[security_keys::StoredKey]) -> Vec<(i64, SecurityKey)> {
    stored
        .iter()
        .filter_map(|k| {
            serde_json::from_str::<SecurityKey>(&k.credential)
                .ok()
                .map(|key| (k.id, key))
        })
        .collect()
}

/// Step one of enrolling: the options for `navigator.credentials.create`.
pub async fn start_registration(
    State(state): State<AdminState>,
    Extension(admin): Extension<Admin>,
) -> Result<Response, ScriptError> {
    let Some(webauthn) = relying_party(&state) else {
        return Ok(failure(
            StatusCode::CONFLICT,
            "Security keys need the site to be reached by a domain name (MONOSTAT_SITE_URL), not an IP address.",
        ));
    };
    let started = async {
        let mut conn = state.db.acquire().await?;
        let existing = security_keys::for_user(&mut conn, admin.user.id).await?;
        let exclude = keys_of(&existing)
            .iter()
            .map(|(_, k)| k.cred_id().clone())
            .collect();
        let Ok((options, ceremony)) = webauthn.start_securitykey_registration(
            user_handle(admin.user.id),
            &admin.user.username,
            &admin.user.username,
            Some(exclude),
            None,
            None,
        ) else {
            return Ok(None);
        };
        let ceremony = serde_json::to_string(&ceremony).unwrap_or_default();
        admin_sessions::set_webauthn_state(&mut conn, admin.session_hash(), Some(&ceremony))
            .await?;
        Ok::<_, StorageError>(Some(options))
    }
    .await;
    Ok(match started? {
        Some(options) => Json(options).into_response(),
        None => failure(
            StatusCode::INTERNAL_SERVER_ERROR,
            "The security key enrolment could not be started.",
        ),
    })
}

#[derive(serde::Deserialize)]
pub struct FinishRegistration {
    #[serde(default)]
    name: String,
    #[serde(default)]
    credential: String,
}

/// Step two: checks the new key's answer to the challenge and stores the key.
pub async fn finish_registration(
    State(state): State<AdminState>,
    Extension(admin): Extension<Admin>,
    Form(form): Form<FinishRegistration>,
) -> Result<Response, ScriptError> {
    let Some(webauthn) = relying_party(&state) else {
        return Ok(failure(
            StatusCode::CONFLICT,
            "Security keys are not available here.",
        ));
    };
    let name: String = form.name.trim().chars().take(60).collect();
    let name = if name.is_empty() {
        "Security key".to_owned()
    } else {
        name
    };
    let mut conn = state.db.acquire().await?;
    let ceremony = admin_sessions::take_webauthn_state(&mut conn, admin.session_hash())
        .await?
        .and_then(|c| serde_json::from_str::<SecurityKeyRegistration>(&c).ok());
    let Some(ceremony) = ceremony else {
        return Ok(failure(
            StatusCode::BAD_REQUEST,
            "Start again: this enrolment has expired.",
        ));
    };
    let Ok(answer) = serde_json::from_str::<RegisterPublicKeyCredential>(&form.credential) else {
        return Ok(failure(
            StatusCode::BAD_REQUEST,
            "The browser's answer could not be read.",
        ));
    };
    let key = match webauthn.finish_securitykey_registration(&answer, &ceremony) {
        Ok(key) => key,
        Err(e) => {
            tracing::info!(error = %e, username = %admin.user.username, "security key refused");
            return Ok(failure(
                StatusCode::BAD_REQUEST,
                "The security key's answer was not valid. Try again.",
            ));
        }
    };
    let credential = serde_json::to_string(&key).unwrap_or_default();
    let message = format!("{} added the security key {name:?}", admin.user.username);
    super::audited(
        &state,
        &admin,
        "user.security_key_added",
        message,
        async |tx| {
            security_keys::insert(tx, admin.user.id, &name, &credential, Timestamp::now()).await?;
            Ok(())
        },
    )
    .await?;
    Ok(Json(json!({ "redirect": "/admin/account/?notice=key-added" })).into_response())
}

#[derive(serde::Deserialize)]
pub struct RemoveForm {
    #[serde(default)]
    password: String,
}

/// Removing a key asks for the password, like removing the authenticator app.
pub async fn remove(
    State(state): State<AdminState>,
    Extension(admin): Extension<Admin>,
    client: crate::web::client::Client,
    Path(id): Path<i64>,
    Form(form): Form<RemoveForm>,
) -> PageResult {
    let right =
        match super::account::password_is_right(&state, &admin, client, &form.password).await {
            Ok(right) => right,
            Err(response) => return Ok(response),
        };
    if !right {
        return Ok(plain(
            StatusCode::BAD_REQUEST,
            "Your password is not right; the security key stays. Go back and try again.",
        ));
    }
    let mut found = false;
    let message = format!("{} removed a security key", admin.user.username);
    let removed = super::audited(
        &state,
        &admin,
        "user.security_key_removed",
        message,
        async |tx| {
            found = security_keys::delete(tx, admin.user.id, id).await?;
            Ok(())
        },
    )
    .await;
    if removed.is_ok() && !found {
        return Ok(plain(
            StatusCode::NOT_FOUND,
            "You have no such security key.",
        ));
    }
    redirect_after(removed, "/admin/account/?notice=removed")
}

/// The login step after the password, for a session still waiting for its second factor.
async fn pending(
    conn: &mut AnyConnection,
    headers: &HeaderMap,
    csrf: &str,
) -> Result<Option<(crate::storage::admin_sessions::Session, users::User)>, StorageError> {
    Ok(match session::load(conn, headers).await? {
        Some((session, user))
            if !session.verified
                && bool::from(subtle::ConstantTimeEq::ct_eq(
                    csrf.as_bytes(),
                    session.csrf_token.as_bytes(),
                )) =>
        {
            Some((session, user))
        }
        _ => None,
    })
}

#[derive(serde::Deserialize)]
pub struct StartLogin {
    #[serde(default)]
    csrf: String,
}

pub async fn start_login(
    State(state): State<AdminState>,
    headers: HeaderMap,
    Form(form): Form<StartLogin>,
) -> Result<Response, ScriptError> {
    let Some(webauthn) = relying_party(&state) else {
        return Ok(failure(
            StatusCode::CONFLICT,
            "Security keys are not available here.",
        ));
    };
    let started = async {
        let mut conn = state.db.acquire().await?;
        let Some((session, user)) = pending(&mut conn, &headers, &form.csrf).await? else {
            return Ok(Err(failure(
                StatusCode::FORBIDDEN,
                "Your login has expired. Log in again.",
            )));
        };
        let keys: Vec<SecurityKey> = keys_of(&security_keys::for_user(&mut conn, user.id).await?)
            .into_iter()
            .map(|(_, k)| k)
            .collect();
        if keys.is_empty() {
            return Ok(Err(failure(
                StatusCode::BAD_REQUEST,
                "You have no security key.",
            )));
        }
        let Ok((options, ceremony)) = webauthn.start_securitykey_authentication(&keys) else {
            return Ok(Err(failure(
                StatusCode::INTERNAL_SERVER_ERROR,
                "The security key check could not be started.",
            )));
        };
        let ceremony = serde_json::to_string(&ceremony).unwrap_or_default();
        admin_sessions::set_webauthn_state(&mut conn, &session.id_hash, Some(&ceremony)).await?;
        Ok::<_, StorageError>(Ok(options))
    }
    .await;
    Ok(match started? {
        Ok(options) => Json(options).into_response(),
        Err(response) => response,
    })
}

#[derive(serde::Deserialize)]
pub struct FinishLogin {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    credential: String,
    next: Option<String>,
}

pub async fn finish_login(
    State(state): State<AdminState>,
    client: crate::web::client::Client,
    headers: HeaderMap,
    Form(form): Form<FinishLogin>,
) -> Result<Response, ScriptError> {
    let Some(webauthn) = relying_party(&state) else {
        return Ok(failure(
            StatusCode::CONFLICT,
            "Security keys are not available here.",
        ));
    };
    let mut conn = state.db.acquire().await?;
    let Some((session, user)) = pending(&mut conn, &headers, &form.csrf).await? else {
        return Ok(failure(
            StatusCode::FORBIDDEN,
            "Your login has expired. Log in again.",
        ));
    };
    let Some(attempt) = state.admin_limits.attempt(client, &user.username).await else {
        return Ok(failure(
            StatusCode::TOO_MANY_REQUESTS,
            super::login::TOO_MANY,
        ));
    };
    let ceremony = admin_sessions::take_webauthn_state(&mut conn, &session.id_hash)
        .await?
        .and_then(|c| serde_json::from_str::<SecurityKeyAuthentication>(&c).ok());
    let answer = serde_json::from_str::<PublicKeyCredential>(&form.credential).ok();
    let (Some(ceremony), Some(answer)) = (ceremony, answer) else {
        return Ok(failure(
            StatusCode::BAD_REQUEST,
            "Start again: this check has expired.",
        ));
    };
    let result = match webauthn.finish_securitykey_authentication(&answer, &ceremony) {
        Ok(result) => result,
        Err(e) => {
            tracing::info!(error = %e, username = %user.username, "security key login refused");
            drop(attempt);
            // A passkey that syncs says so in every answer; a key imported from the original
            // was stored without knowing, and webauthn-rs refuses the change. Only a new
            // enrolment helps.
            let message = match e {
                WebauthnError::CredentialBackupEligibilityInconsistent
                | WebauthnError::CredentialMayNotBeHardwareBound => {
                    "This key is a passkey that syncs between devices, which was not known when it was added. Use your authenticator app, or ask another admin to reset your second factor, then add the key again."
                }
                _ => "The security key's answer was not valid.",
            };
            return Ok(failure(StatusCode::BAD_REQUEST, message));
        }
    };
    // Keep the key's new signature counter, so a cloned key shows up as one going backwards.
    let stored = security_keys::for_user(&mut conn, user.id).await?;
    for (id, mut key) in keys_of(&stored) {
        if key.cred_id() == result.cred_id() {
            key.update_credential(&result);
            let credential = serde_json::to_string(&key).unwrap_or_default();
            security_keys::used(&mut conn, id, &credential, Timestamp::now()).await?;
        }
    }
    attempt.give_back().await;
    let cookies =
        super::login::complete(&mut conn, &session, &user, secure_cookies(&state)).await?;
    Ok(super::login::with_cookies(
        Json(json!({ "redirect": safe_next(form.next.as_deref()) })).into_response(),
        cookies,
    ))
}
