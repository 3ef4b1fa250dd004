//! The site settings page: name, contacts, colours (the logo's upload is `logo.rs`).

use super::super::session::Admin;
use super::super::{AdminState, Chrome, PageResult, page, redirect_after, system_name};
use super::{NoticeQuery, saved};
use crate::storage::settings::{self, SiteSettings, ThemeColors};
use askama::Template;
use axum::Form;
use axum::extract::{Extension, Query, State};
use axum::http::StatusCode;

struct Colour {
    name: &'static str,
    label: &'static str,
    value: String,
    error: Option<String>,
    /// What the page shows instead, when the colour is too faint to read on the background
    /// (`public::theme` adjusts it; the setting stays as chosen).
    shown: Option<String>,
}

#[derive(Default)]
struct SiteErrors {
    system_name: Option<String>,
    support_email: Option<String>,
    support_phone: Option<String>,
    legal_url: Option<String>,
    privacy_url: Option<String>,
    language: Option<String>,
}

#[derive(Template)]
#[template(path = "admin/settings_site.html")]
struct SitePage {
    chrome: Chrome,
    form: SiteForm,
    colours: Vec<Colour>,
    errors: SiteErrors,
    has_errors: bool,
    logo_url: Option<String>,
    logo_error: Option<String>,
}

#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct SiteForm {
    #[serde(default)]
    system_name: String,
    #[serde(default)]
    support_email: String,
    #[serde(default)]
    support_phone: String,
    #[serde(default)]
    legal_url: String,
    #[serde(default)]
    privacy_url: String,
    #[serde(default)]
    primary_color: String,
    #[serde(default)]
    link_color: String,
    #[serde(default)]
    success_color: String,
    #[serde(default)]
    warning_color: String,
    #[serde(default)]
    danger_color: String,
    #[serde(default)]
    info_color: String,
    #[serde(default)]
    primary_text_color: String,
    #[serde(default)]
    secondary_text_color: String,
    #[serde(default)]
    background_color: String,
    /// The site's language tag; empty for `MONOSTAT_LANGUAGE`'s.
    #[serde(default)]
    language: String,
    /// The checkbox "every admin needs a second factor".
    second_factor_required: Option<String>,
    /// The language switch's checkboxes, `offer_{tag}=yes` (form fields cannot repeat here).
    #[serde(flatten)]
    offered: std::collections::HashMap<String, String>,
}

impl SiteForm {
    pub(super) fn of(s: &SiteSettings) -> Self {
        let c = &s.colors;
        SiteForm {
            system_name: s.system_name.clone(),
            support_email: s.support_email.clone(),
            support_phone: s.support_phone.clone(),
            legal_url: s.legal_url.clone(),
            privacy_url: s.privacy_url.clone(),
            primary_color: c.primary.clone(),
            link_color: c.link.clone(),
            success_color: c.success.clone(),
            warning_color: c.warning.clone(),
            danger_color: c.danger.clone(),
            info_color: c.info.clone(),
            primary_text_color: c.primary_text.clone(),
            secondary_text_color: c.secondary_text.clone(),
            background_color: c.background.clone(),
            language: s.language.clone(),
            second_factor_required: s.second_factor_required.then(|| "on".to_owned()),
            offered: crate::i18n::all()
                .iter()
                .filter(|l| {
                    s.languages.trim().is_empty()
                        || s.languages
                            .split(',')
                            .any(|tag| tag.trim().eq_ignore_ascii_case(l.tag))
                })
                .map(|l| (format!("offer_{}", l.tag), "yes".to_owned()))
                .collect(),
        }
    }

    /// Every language monostat ships: tag, name, whether the site is in it, whether readers
    /// may get it.
    fn languages(&self) -> Vec<(&'static str, &'static str, bool, bool)> {
        crate::i18n::all()
            .iter()
            .map(|l| {
                (
                    l.tag,
                    l.name.as_str(),
                    self.language == l.tag,
                    self.offers(l.tag),
                )
            })
            .collect()
    }

    fn offers(&self, tag: &str) -> bool {
        self.offered
            .get(&format!("offer_{tag}"))
            .map(String::as_str)
            == Some("yes")
    }

    /// What is stored: empty when every language is offered (new ones too, then).
    fn offered_setting(&self) -> String {
        let all = crate::i18n::all();
        let offered: Vec<&str> = all
            .iter()
            .map(|l| l.tag)
            .filter(|tag| self.offers(tag) || *tag == self.language)
            .collect();
        if offered.len() == all.len() {
            String::new()
        } else {
            offered.join(",")
        }
    }

    fn theme_colors(&self) -> ThemeColors {
        ThemeColors {
            primary: self.primary_color.clone(),
            link: self.link_color.clone(),
            success: self.success_color.clone(),
            warning: self.warning_color.clone(),
            danger: self.danger_color.clone(),
            info: self.info_color.clone(),
            primary_text: self.primary_text_color.clone(),
            secondary_text: self.secondary_text_color.clone(),
            background: self.background_color.clone(),
        }
    }

    fn colours(&self) -> [(&'static str, &'static str, &String); 9] {
        [
            ("primary_color", "Primary (header)", &self.primary_color),
            ("link_color", "Links", &self.link_color),
            ("success_color", "Operational", &self.success_color),
            ("warning_color", "Warning", &self.warning_color),
            ("danger_color", "Outage", &self.danger_color),
            ("info_color", "Information", &self.info_color),
            ("primary_text_color", "Text", &self.primary_text_color),
            (
                "secondary_text_color",
                "Secondary text",
                &self.secondary_text_color,
            ),
            ("background_color", "Background", &self.background_color),
        ]
    }
}

/// `#RRGGBB`: what colour pickers send, and all the theme stylesheet may contain.
fn is_colour(value: &str) -> bool {
    value.len() == 7 && value.starts_with('#') && value[1..].bytes().all(|b| b.is_ascii_hexdigit())
}

/// An absolute http(s) URL, or nothing.
fn check_url(value: &str) -> Option<String> {
    if value.is_empty() {
        return None;
    }
    match url::Url::parse(value) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.host().is_some() => None,
        _ => Some("Enter a full address starting with https://, or leave it empty.".into()),
    }
}

fn check_site(form: &SiteForm) -> (SiteErrors, Vec<Colour>) {
    let mut errors = SiteErrors::default();
    if !form.language.is_empty()
        && crate::i18n::get(&form.language).is_none_or(|l| l.tag != form.language)
    {
        errors.language = Some("Choose one of the languages listed.".into());
    }
    let name = form.system_name.trim();
    if name.is_empty() {
        errors.system_name = Some("Enter the name of your system.".into());
    } else if name.chars().count() > 100 || name.chars().any(char::is_control) {
        errors.system_name = Some("One line of at most 100 characters.".into());
    }
    if let Err(e) = crate::accounts::validate_email(form.support_email.trim()) {
        errors.support_email = Some(super::super::account::capitalised(&e.to_string()));
    }
    let phone = form.support_phone.trim();
    if phone.chars().count() > 40
        || !phone
            .chars()
            .all(|c| c.is_ascii_digit() || " +-()/.".contains(c))
    {
        errors.support_phone = Some("Only digits, spaces and + - ( ) / . please.".into());
    }
    errors.legal_url = check_url(form.legal_url.trim());
    errors.privacy_url = check_url(form.privacy_url.trim());
    let mut colours = form
        .colours()
        .into_iter()
        .map(|(name, label, value)| Colour {
            name,
            label,
            value: value.clone(),
            error: (!is_colour(value)).then(|| "A colour like #3B1C4A.".into()),
            shown: None,
        })
        .collect::<Vec<_>>();
    if colours.iter().all(|c| c.error.is_none()) {
        let shown = crate::public::theme::light_values(&form.theme_colors());
        for (colour, shown) in colours.iter_mut().zip(shown) {
            if crate::public::theme::Rgb::parse(&colour.value) != Some(shown) {
                colour.shown = Some(shown.hex());
            }
        }
    }
    (errors, colours)
}

impl SiteErrors {
    fn any(&self) -> bool {
        self.system_name.is_some()
            || self.language.is_some()
            || self.support_email.is_some()
            || self.support_phone.is_some()
            || self.legal_url.is_some()
            || self.privacy_url.is_some()
    }
}

/// The page with `form` as typed (the stored settings when `None`), and next to each field what
/// is wrong with it.
pub(super) async fn site_page(
    state: &AdminState,
    admin: &Admin,
    status: StatusCode,
    form: Option<SiteForm>,
    logo_error: Option<String>,
    notice: Option<&str>,
) -> PageResult {
    let stored = settings::site(&mut *state.db.acquire().await?).await?;
    let form = form.unwrap_or_else(|| SiteForm::of(&stored));
    let logo = stored.logo;
    let (errors, colours) = check_site(&form);
    let name = system_name(state).await;
    let has_errors = errors.any() || colours.iter().any(|c| c.error.is_some());
    page(
        status,
        &SitePage {
            chrome: Chrome::for_admin(&name, "Site settings", "settings", admin)
                .with_notice(notice),
            form,
            colours,
            errors,
            has_errors,
            logo_url: logo
                .as_deref()
                .and_then(crate::logo::LogoName::parse)
                .map(|l| l.url()),
            logo_error,
        },
    )
}

pub async fn site(
    State(state): State<AdminState>,
    Extension(admin): Extension<Admin>,
    Query(query): Query<NoticeQuery>,
) -> PageResult {
    site_page(
        &state,
        &admin,
        StatusCode::OK,
        None,
        None,
        query.notice.as_deref(),
    )
    .await
}

pub async fn save_site(
    State(state): State<AdminState>,
    Extension(admin): Extension<Admin>,
    Form(form): Form<SiteForm>,
) -> PageResult {
    let (errors, colours) = check_site(&form);
    if errors.any() || colours.iter().any(|c| c.error.is_some()) {
        return site_page(
            &state,
            &admin,
            StatusCode::BAD_REQUEST,
            Some(form),
            None,
            None,
        )
        .await;
    }
    let result = saved(
        &state,
        &admin,
        "settings.site",
        "the site settings",
        async |conn| {
            let mut site = settings::site(conn).await?;
            site.system_name = form.system_name.trim().to_owned();
            site.support_email = form.support_email.trim().to_owned();
            site.support_phone = form.support_phone.trim().to_owned();
            site.legal_url = form.legal_url.trim().to_owned();
            site.privacy_url = form.privacy_url.trim().to_owned();
            let c = &mut site.colors;
            c.primary = form.primary_color.clone();
            c.link = form.link_color.clone();
            c.success = form.success_color.clone();
            c.warning = form.warning_color.clone();
            c.danger = form.danger_color.clone();
            c.info = form.info_color.clone();
            c.primary_text = form.primary_text_color.clone();
            c.secondary_text = form.secondary_text_color.clone();
            c.background = form.background_color.clone();
            site.language = form.language.clone();
            site.languages = form.offered_setting();
            let required = form.second_factor_required.is_some();
            if required != site.second_factor_required {
                // A change of who may do what in the admin gets an entry of its own.
                crate::storage::audit::record(
                    conn,
                    jiff::Timestamp::now(),
                    &admin.actor().audit_name(),
                    None,
                    "settings.second_factor_required",
                    &if required {
                        format!(
                            "{} required a second factor of every admin",
                            admin.user.username
                        )
                    } else {
                        format!("{} made the second factor optional", admin.user.username)
                    },
                )
                .await?;
            }
            site.second_factor_required = required;
            settings::save_site(conn, &site).await
        },
    )
    .await;
    redirect_after(result, "/admin/settings/site?notice=saved")
}
