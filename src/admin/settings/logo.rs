//! Uploading and removing the logo, shown on the site settings page.

use super::super::session::Admin;
use super::super::{AdminState, PageResult, redirect_after};
use super::saved;
use super::site::site_page;
use crate::logo;
use crate::storage::settings;
use axum::extract::{Extension, Multipart, State};
use axum::http::StatusCode;

async fn logo_refused(
    state: &AdminState,
    admin: &Admin,
    status: StatusCode,
    message: String,
) -> PageResult {
    site_page(state, admin, status, None, Some(message), None).await
}

/// The upload was cut off while being read, so its size is not known, only that it is too big.
async fn logo_too_large(state: &AdminState, admin: &Admin) -> PageResult {
    let message = "This file is larger than 1 MiB; at most 1024 KiB (1 MiB) is allowed.".into();
    logo_refused(state, admin, StatusCode::PAYLOAD_TOO_LARGE, message).await
}

/// The upload: checked by its content (never its name), stored under a hashed name, then the
/// setting points at it.
pub async fn upload_logo(
    State(state): State<AdminState>,
    Extension(admin): Extension<Admin>,
    mut multipart: Multipart,
) -> PageResult {
    let mut bytes = None;
    // The body limit cuts off anything much larger than 1 MiB while it is being read.
    let too_large =
        |e: &axum::extract::multipart::MultipartError| e.status() == StatusCode::PAYLOAD_TOO_LARGE;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) if too_large(&e) => return logo_too_large(&state, &admin).await,
            Err(_) => break,
        };
        if field.name() != Some("logo") {
            continue;
        }
        match field.bytes().await {
            Ok(b) => bytes = Some(b),
            Err(e) if too_large(&e) => return logo_too_large(&state, &admin).await,
            Err(_) => {}
        }
        break;
    }
    let Some(bytes) = bytes else {
        return logo_refused(
            &state,
            &admin,
            StatusCode::BAD_REQUEST,
            "Choose an image file to upload.".into(),
        )
        .await;
    };
    let format = match logo::check(&bytes) {
        Ok(format) => format,
        Err(e) => {
            let status = match e {
                logo::LogoError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
                _ => StatusCode::BAD_REQUEST,
            };
            return logo_refused(&state, &admin, status, e.to_string()).await;
        }
    };
    let name = logo::LogoName::of(&bytes, format);
    // In the database, with the setting, so that every instance serves it.
    let result = saved(&state, &admin, "settings.logo", "the logo", async |conn| {
        crate::storage::media::put(conn, name.as_str(), &bytes, jiff::Timestamp::now()).await?;
        let mut site = settings::site(conn).await?;
        site.logo = Some(name.as_str().to_owned());
        settings::save_site(conn, &site).await
    })
    .await;
    redirect_after(result, "/admin/settings/site?notice=saved")
}

pub async fn remove_logo(
    State(state): State<AdminState>,
    Extension(admin): Extension<Admin>,
) -> PageResult {
    let result = saved(
        &state,
        &admin,
        "settings.logo",
        "the logo (removed it)",
        async |conn| {
            let mut site = settings::site(conn).await?;
            site.logo = None;
            settings::save_site(conn, &site).await
        },
    )
    .await;
    redirect_after(result, "/admin/settings/site?notice=removed")
}
