//! Absolute links into monostat, for Slack messages and mails. Paths are the original's, so
//! links in old messages keep working.

use crate::domain::Incident;
use url::Url;

/// The incident's public page.
pub fn incident_public(site: &Url, incident: &Incident) -> String {
    join(site, incident_path(incident).trim_start_matches('/'))
}

/// The incident's public page's path: `/{start date in UTC}/{id}`.
pub fn incident_path(incident: &Incident) -> String {
    let date = incident.start.to_zoned(jiff::tz::TimeZone::UTC).date();
    format!("/{date}/{}", incident.id)
}

/// Where an admin edits the incident.
pub fn incident_admin(site: &Url, incident_id: i64) -> String {
    join(site, &format!("admin/incidents/{incident_id}/"))
}

fn join(site: &Url, path: &str) -> String {
    format!("{}/{}", site.as_str().trim_end_matches('/'), path)
}
