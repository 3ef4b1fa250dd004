//! The mails themselves: subject, HTML with inlined CSS and a plain-text twin, and the headers
//! mail clients need for one-click unsubscribing (RFC 8058).

use crate::domain::notification::NotificationKind;
use crate::domain::{Incident, IncidentStatus};
use crate::i18n::{Arg, Language};
use crate::storage::subscribers::Subscriber;
use askama::Template;
use jiff::Timestamp;
use jiff::tz::TimeZone;
use lettre::Message;
use lettre::message::header::ContentType;
use lettre::message::header::{Header, HeaderName, HeaderValue};
use lettre::message::{Attachment, Mailbox, MultiPart};
use url::Url;

/// What every mail needs to know about the installation.
#[derive(Clone, Debug)]
pub struct Sender {
    pub system_name: String,
    pub from: String,
    pub reply_to: String,
    pub site_url: Url,
    pub time_zone: TimeZone,
    /// The language of the mails: the subscriber's (see `super::jobs`).
    pub lang: &'static Language,
}

#[derive(Debug, thiserror::Error)]
pub enum ComposeError {
    #[error("invalid address {0:?}: {1}")]
    Address(String, lettre::address::AddressError),
    #[error("building the mail: {0}")]
    Build(#[from] lettre::error::Error),
    #[error("template: {0}")]
    Template(#[from] askama::Error),
}

#[derive(Template)]
#[template(path = "mail/opt_in.html")]
struct OptInHtml<'a> {
    lang: &'a Language,
    system_name: &'a str,
    confirm_url: &'a str,
}

#[derive(Template)]
#[template(path = "mail/opt_in.txt")]
struct OptInText<'a> {
    lang: &'a Language,
    system_name: &'a str,
    confirm_url: &'a str,
}

#[derive(Template)]
#[template(path = "mail/already_subscribed.html")]
struct AlreadySubscribedHtml<'a> {
    lang: &'a Language,
    system_name: &'a str,
    unsubscribe_url: &'a str,
}

#[derive(Template)]
#[template(path = "mail/already_subscribed.txt")]
struct AlreadySubscribedText<'a> {
    lang: &'a Language,
    system_name: &'a str,
    unsubscribe_url: &'a str,
}

struct NotificationView<'a> {
    lang: &'a Language,
    system_name: &'a str,
    headline: String,
    title: &'a str,
    status: String,
    severity: String,
    /// For maintenance: its window ([`when`]).
    window: Option<String>,
    /// The update the mail tells of, and the incident's summary.
    update: Option<MailText>,
    summary: Option<MailText>,
    incident_url: String,
    /// For maintenance: the calendar feed, next to the attached event.
    calendar_url: Option<String>,
    unsubscribe_url: String,
}

impl NotificationView<'_> {
    /// "Add it to your calendar … or subscribe to all planned maintenance", the last a link.
    fn calendar_html(&self, calendar: &str) -> String {
        let link = format!(
            "<a href=\"{}\">{}</a>",
            crate::i18n::escape_html(calendar),
            crate::i18n::escape_html(&self.lang.t("mail-calendar-link"))
        );
        self.lang.html("mail-calendar", &[("link", &link)])
    }
}

#[derive(Template)]
#[template(path = "mail/notification.html")]
struct NotificationHtml<'a> {
    n: &'a NotificationView<'a>,
}

#[derive(Template)]
#[template(path = "mail/notification.txt")]
struct NotificationText<'a> {
    n: &'a NotificationView<'a>,
}

/// An incident's Markdown as a mail carries it: sanitised HTML for the HTML part, plain text
/// for the text part, both of (at most) the same excerpt.
struct MailText {
    html: String,
    text: String,
    /// Only the beginning is shown; the mail says the rest is on the status page.
    cut: bool,
}

/// How much of a summary or an update a mail shows. Input allows 20,000 characters each
/// (`domain::input::MAX_TEXT_CHARS`); a mail's reader wants the gist and has the link, and
/// Gmail hides whatever follows the first 102 KB of a mail's HTML, unsubscribe link included.
const MAIL_TEXT_CHARS: usize = 4_000;
/// What one text may take in either part, rendered: Markdown that is all links or paragraphs
/// grows several times over in HTML, so the excerpt is shortened until it fits. Two texts and
/// the mail around them stay far below Gmail's 102 KB.
const MAIL_TEXT_BYTES: usize = 24 * 1024;

impl MailText {
    fn of(markdown: Option<&str>) -> Option<MailText> {
        let markdown = markdown.map(str::trim).filter(|m| !m.is_empty())?;
        let mut limit = MAIL_TEXT_CHARS;
        loop {
            let (excerpt, cut) = excerpt(markdown, limit);
            let html = crate::rich_text::to_html(excerpt);
            let text = crate::rich_text::to_plain_text(excerpt);
            // A few dozen characters cannot outgrow the limit; the loop ends there at the latest.
            if (html.len() <= MAIL_TEXT_BYTES && text.len() <= MAIL_TEXT_BYTES) || limit <= 64 {
                return Some(MailText { html, text, cut });
            }
            limit /= 2;
        }
    }
}

/// The first `limit` characters of `markdown`, ended at the last paragraph, line or word
/// boundary in their second half; and whether anything was left out.
fn excerpt(markdown: &str, limit: usize) -> (&str, bool) {
    let Some((end, _)) = markdown.char_indices().nth(limit) else {
        return (markdown, false);
    };
    let head = &markdown[..end];
    let half = head.len() / 2;
    let boundary = ["\n\n", "\n", " "]
        .iter()
        .find_map(|b| head.rfind(b).filter(|i| *i >= half));
    (head[..boundary.unwrap_or(end)].trim_end(), true)
}

/// A maintenance's window as mails say it, in the site's time zone: the one place mails format
/// times. The end's date is said only when it differs from the start's.
fn when(start: Timestamp, end: Option<Timestamp>, zone: &TimeZone, lang: &Language) -> String {
    let start = start.to_zoned(zone.clone());
    // The language's words and order for the date; the time is 24-hour everywhere.
    let long =
        |t: &jiff::Zoned| format!("{}, {}", lang.date_long(t.date()), t.strftime("%H:%M %Z"));
    let Some(end) = end.map(|end| end.to_zoned(zone.clone())) else {
        return long(&start);
    };
    if start.date() == end.date() {
        format!(
            "{}, {} – {}",
            lang.date_long(start.date()),
            start.strftime("%H:%M"),
            end.strftime("%H:%M %Z")
        )
    } else {
        format!("{} – {}", long(&start), long(&end))
    }
}

/// `List-Unsubscribe: <https://…/unsubscribe/{token}>`
#[derive(Clone, Debug)]
struct ListUnsubscribe(String);

impl Header for ListUnsubscribe {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe")
    }
    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self(s.trim_matches(|c| c == '<' || c == '>').to_owned()))
    }
    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), format!("<{}>", self.0))
    }
}

/// `List-Unsubscribe-Post: List-Unsubscribe=One-Click`
#[derive(Clone, Debug)]
struct ListUnsubscribePost;

impl Header for ListUnsubscribePost {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe-Post")
    }
    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self)
    }
    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "List-Unsubscribe=One-Click".to_owned())
    }
}

impl Sender {
    fn url(&self, path: &str) -> String {
        format!("{}/{}", self.site_url.as_str().trim_end_matches('/'), path)
    }

    fn mail_domain(&self) -> &str {
        self.from.rsplit_once('@').map_or("localhost", |(_, d)| d)
    }

    fn builder(
        &self,
        to: &str,
        message_id: String,
    ) -> Result<lettre::message::MessageBuilder, ComposeError> {
        let parse = |address: &str| {
            address
                .parse()
                .map_err(|e| ComposeError::Address(address.to_owned(), e))
        };
        let mut builder = Message::builder()
            .from(Mailbox::new(
                Some(self.lang.t1("mail-from", "system", &self.system_name)),
                parse(&self.from)?,
            ))
            .to(Mailbox::new(None, parse(to)?))
            .message_id(Some(format!("<{message_id}@{}>", self.mail_domain())));
        if !self.reply_to.trim().is_empty() {
            builder = builder.reply_to(Mailbox::new(None, parse(self.reply_to.trim())?));
        }
        Ok(builder)
    }

    /// The double opt-in mail: proof that whoever subscribed owns the address.
    pub fn opt_in(&self, subscriber: &Subscriber, requested: i64) -> Result<Message, ComposeError> {
        let confirm_url = self.url(&format!("subscribe/{}", subscriber.token));
        let html = OptInHtml {
            lang: self.lang,
            system_name: &self.system_name,
            confirm_url: &confirm_url,
        }
        .render()?;
        let text = OptInText {
            lang: self.lang,
            system_name: &self.system_name,
            confirm_url: &confirm_url,
        }
        .render()?;
        Ok(self
            .builder(
                &subscriber.email,
                format!("opt-in-{}-{requested}", subscriber.id),
            )?
            .subject(self.lang.t1("opt-in-subject", "system", &self.system_name))
            .multipart(MultiPart::alternative_plain_html(text, inline_css(html)))?)
    }

    /// The answer to a sign-up of an address that is subscribed already. The page said the same
    /// as for any address; the owner of the inbox learns the truth, and how to leave.
    pub fn already_subscribed(
        &self,
        subscriber: &Subscriber,
        requested: i64,
    ) -> Result<Message, ComposeError> {
        let unsubscribe_url = self.unsubscribe_url(&subscriber.token);
        let html = AlreadySubscribedHtml {
            lang: self.lang,
            system_name: &self.system_name,
            unsubscribe_url: &unsubscribe_url,
        }
        .render()?;
        let text = AlreadySubscribedText {
            lang: self.lang,
            system_name: &self.system_name,
            unsubscribe_url: &unsubscribe_url,
        }
        .render()?;
        Ok(self
            .builder(
                &subscriber.email,
                format!("already-subscribed-{}-{requested}", subscriber.id),
            )?
            .subject(
                self.lang
                    .t1("already-subscribed-subject", "system", &self.system_name),
            )
            .header(ListUnsubscribe(unsubscribe_url))
            .header(ListUnsubscribePost)
            .multipart(MultiPart::alternative_plain_html(text, inline_css(html)))?)
    }

    /// A status change's mail content, the same for every subscriber but for the unsubscribe
    /// link: rendered (and its CSS inlined) once per fan-out, not once per subscriber. A
    /// maintenance's mail carries its calendar event (scheduled, moved or cancelled), so that
    /// the window lands in the reader's calendar and later mails update it there.
    /// `update` is the text (Markdown) of the update the mail tells of, if it has one
    /// (`super::jobs` picks it).
    pub fn notification_body(
        &self,
        incident: &Incident,
        status: IncidentStatus,
        kind: NotificationKind,
        update: Option<&str>,
    ) -> Result<NotificationBody, ComposeError> {
        let event = crate::ical::Event::of_maintenance(incident, &self.site_url, &self.system_name);
        let lang = self.lang;
        let view = NotificationView {
            lang,
            system_name: &self.system_name,
            headline: lang.t(&format!("mail-headline-{}", kind_key(kind))),
            title: &incident.title,
            status: lang.status(status),
            severity: lang.severity(incident.severity),
            window: kind
                .is_maintenance()
                .then(|| when(incident.start, incident.end, &self.time_zone, lang)),
            update: MailText::of(update),
            summary: MailText::of(incident.summary.as_deref()),
            incident_url: crate::links::incident_public(&self.site_url, incident),
            calendar_url: event.is_some().then(|| self.url("maintenance.ics")),
            unsubscribe_url: self.unsubscribe_url(TOKEN_PLACEHOLDER),
        };
        Ok(NotificationBody {
            subject: subject(lang, kind, incident, status),
            html: inline_css(NotificationHtml { n: &view }.render()?),
            text: NotificationText { n: &view }.render()?,
            message_id_prefix: message_id_prefix(incident, status, kind),
            thread_id: format!("incident-{}", incident.id),
            calendar: event.map(|event| {
                crate::ical::calendar(&format!("{} maintenance", self.system_name), &[event])
            }),
        })
    }

    fn unsubscribe_url(&self, token: &str) -> String {
        self.url(&format!("unsubscribe/{token}"))
    }

    /// The mail of `body` for one subscriber.
    pub fn notification(
        &self,
        body: &NotificationBody,
        subscriber: &Subscriber,
    ) -> Result<Message, ComposeError> {
        let personal = |text: &str| text.replace(TOKEN_PLACEHOLDER, &subscriber.token);
        Ok(self
            .builder(
                &subscriber.email,
                format!("{}-{}", body.message_id_prefix, subscriber.id),
            )?
            // No mail has this id: it is the incident's, which clients that thread by
            // `References` (Thunderbird, Apple Mail) gather the incident's mails under.
            .references(format!("<{}@{}>", body.thread_id, self.mail_domain()))
            .subject(body.subject.clone())
            .header(ListUnsubscribe(self.unsubscribe_url(&subscriber.token)))
            .header(ListUnsubscribePost)
            .multipart(body.parts(personal(&body.text), personal(&body.html)))?)
    }
}

/// What makes a notification's `Message-ID` (with the subscriber's id after it) unique: mail
/// providers drop a message whose id they have seen, so each piece of news a subscriber gets
/// needs its own. One incident is mailed each status once, but a maintenance is also mailed a
/// reminder, reschedules and its cancellation in the same status: the kind and the window's
/// `schedule_sequence` (raised at every move) tell those apart, as they do in the job's unique
/// key. Everything here is what the mail says, read when it is sent, so a retried mail keeps
/// its id; only a mail retried after the window moved again gets a new one, as it then tells
/// the new window.
fn message_id_prefix(
    incident: &Incident,
    status: IncidentStatus,
    kind: NotificationKind,
) -> String {
    format!(
        "incident-{}-{}-{}-{}",
        incident.id,
        status.as_str(),
        kind_name(kind),
        incident.schedule_sequence
    )
}

/// The kind as its jobs' payloads name it (`maintenance_reminder`): letters and `_`, which a
/// `Message-ID` may hold.
fn kind_name(kind: NotificationKind) -> String {
    serde_json::to_value(kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_else(|| format!("{kind:?}"))
}

/// The part of a mail's message ids that names its kind (`mail-headline-{key}`).
fn kind_key(kind: NotificationKind) -> &'static str {
    match kind {
        NotificationKind::NewIncident => "new",
        NotificationKind::MaintenancePosted => "maintenance-posted",
        NotificationKind::Updated => "updated",
        NotificationKind::Resolved => "resolved",
        NotificationKind::MaintenanceReminder => "reminder",
        NotificationKind::MaintenanceStarted => "started",
        NotificationKind::MaintenanceCompleted => "completed",
        NotificationKind::MaintenanceRescheduled => "rescheduled",
        NotificationKind::MaintenanceCancelled => "cancelled",
    }
}

/// The subject, in `lang` (`NotificationKind::subject` says it in English).
fn subject(
    lang: &Language,
    kind: NotificationKind,
    incident: &Incident,
    status: IncidentStatus,
) -> String {
    let key = match kind {
        NotificationKind::Resolved => "updated",
        other => kind_key(other),
    };
    lang.with(
        &format!("mail-subject-{key}"),
        &[
            ("severity", Arg::Text(&lang.severity(incident.severity))),
            ("status", Arg::Text(&lang.status(status))),
        ],
    )
}

/// Stands for the subscriber's token in a [`NotificationBody`]; letters only, so neither HTML
/// escaping nor CSS inlining touches it, and tokens (letters and digits) cannot contain it.
const TOKEN_PLACEHOLDER: &str = "SUBSCRIBERTOKENPLACEHOLDER";

#[derive(Clone, Debug)]
pub struct NotificationBody {
    subject: String,
    html: String,
    text: String,
    message_id_prefix: String,
    /// The incident's id for `References`, shared by all its mails.
    thread_id: String,
    /// An iCalendar (`METHOD:PUBLISH`) sent along as `maintenance.ics`.
    pub calendar: Option<String>,
}

/// The attachment's type: `method` tells mail clients it is a published event to add, not an
/// invitation to answer (RFC 6047).
const CALENDAR_TYPE: &str = "text/calendar; charset=utf-8; method=PUBLISH";

impl NotificationBody {
    /// `multipart/alternative` (text, HTML); with a calendar, inside `multipart/mixed` with the
    /// calendar as the attachment `maintenance.ics`.
    fn parts(&self, text: String, html: String) -> MultiPart {
        let alternative = MultiPart::alternative_plain_html(text, html);
        let Some(calendar) = &self.calendar else {
            return alternative;
        };
        // A constant that parses; were it ever refused, the mail goes without the attachment.
        let Ok(content_type) = ContentType::parse(CALENDAR_TYPE) else {
            return alternative;
        };
        MultiPart::mixed().multipart(alternative).singlepart(
            Attachment::new("maintenance.ics".to_owned()).body(calendar.clone(), content_type),
        )
    }
}

/// Mail clients ignore `<style>`; the CSS goes onto the elements. If inlining fails the mail
/// still goes out, only plainer. At-rules cannot be inlined and stay in a `<style>`: the dark
/// scheme (`prefers-color-scheme`) for the clients that do read it.
fn inline_css(html: String) -> String {
    let inliner = css_inline::CSSInliner::options()
        .keep_at_rules(true)
        .build();
    match inliner.inline(&html) {
        Ok(inlined) => inlined,
        Err(e) => {
            tracing::warn!(error = %e, "cannot inline the mail's CSS; sending it without");
            html
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Severity;
    use jiff::Timestamp;

    fn sender() -> Sender {
        Sender {
            system_name: "Acme".into(),
            from: "status@example.com".into(),
            reply_to: String::new(),
            site_url: Url::parse("https://status.example.com/").expect("url"),
            time_zone: TimeZone::UTC,
            lang: crate::i18n::english(),
        }
    }

    fn incident(severity: Severity) -> Incident {
        let t = Timestamp::from_second(1_800_000_000).expect("valid");
        Incident {
            id: 3,
            status: IncidentStatus::Planned,
            severity,
            start: t,
            end: Some(t + jiff::SignedDuration::from_hours(2)),
            title: "Database upgrade".into(),
            summary: None,
            slack_message_ts: None,
            silent: false,
            last_notified_status: None,
            created: t,
            updated: t,
            schedule_sequence: 0,
            cancelled: None,
        }
    }

    fn subscriber() -> Subscriber {
        Subscriber {
            id: 9,
            email: "jane@example.com".into(),
            active: true,
            token: "tok3n".into(),
            created: Timestamp::UNIX_EPOCH,
            language: String::new(),
        }
    }

    #[test]
    fn the_dark_scheme_survives_inlining() {
        let html = OptInHtml {
            lang: crate::i18n::english(),
            system_name: "Acme",
            confirm_url: "https://status.example.com/subscribe/t",
        }
        .render()
        .expect("render");
        let inlined = inline_css(html);
        let (_, dark) = inlined
            .split_once("<style>@media (prefers-color-scheme: dark)")
            .expect("the dark block is kept");
        // The light colours sit on the elements; the dark ones must outrank them.
        assert!(inlined.contains("<body style=\"margin: 0;padding: 0;background: #f4f4f6;"));
        assert!(
            dark.contains("body { background: #1C1C1C !important;"),
            "{inlined}"
        );
    }

    #[test]
    fn a_maintenance_mail_is_mixed_with_the_event_attached() {
        let sender = sender();
        let body = sender
            .notification_body(
                &incident(Severity::Maintenance),
                IncidentStatus::Planned,
                NotificationKind::MaintenancePosted,
                None,
            )
            .expect("body");
        let calendar = body.calendar.clone().expect("a calendar");
        assert!(calendar.contains("UID:incident-3@status.example.com\r\n"));
        let mail = String::from_utf8(
            sender
                .notification(&body, &subscriber())
                .expect("mail")
                .formatted(),
        )
        .expect("utf-8");
        assert!(mail.contains("Content-Type: multipart/mixed;"), "{mail}");
        assert!(
            mail.contains("Content-Type: multipart/alternative;"),
            "{mail}"
        );
        assert!(
            mail.contains("Content-Type: text/calendar; charset=utf-8; method=PUBLISH"),
            "{mail}"
        );
        assert!(
            mail.contains("Content-Disposition: attachment; filename=\"maintenance.ics\""),
            "{mail}"
        );
    }

    #[test]
    fn other_mails_stay_alternative_without_a_calendar() {
        let sender = sender();
        let body = sender
            .notification_body(
                &incident(Severity::Outage),
                IncidentStatus::Confirmed,
                NotificationKind::NewIncident,
                None,
            )
            .expect("body");
        assert_eq!(body.calendar, None);
        let mail = String::from_utf8(
            sender
                .notification(&body, &subscriber())
                .expect("mail")
                .formatted(),
        )
        .expect("utf-8");
        assert!(!mail.contains("multipart/mixed"), "{mail}");
        assert!(!mail.contains("text/calendar"), "{mail}");
    }

    fn message_id(sender: &Sender, incident: &Incident, kind: NotificationKind) -> String {
        let body = sender
            .notification_body(incident, incident.status, kind, None)
            .expect("body");
        let mail = sender.notification(&body, &subscriber()).expect("mail");
        let id = mail.headers().get_raw("Message-ID").expect("an id");
        id.to_owned()
    }

    /// An extension's "rescheduled" mail comes in the status the "started" one did; a second
    /// move comes in the status and kind of the first.
    #[test]
    fn each_piece_of_news_has_its_own_message_id() {
        let sender = sender();
        let mut running = incident(Severity::Maintenance);
        running.status = IncidentStatus::Confirmed;
        let started = message_id(&sender, &running, NotificationKind::MaintenanceStarted);
        let extended = message_id(&sender, &running, NotificationKind::MaintenanceRescheduled);
        running.schedule_sequence += 1;
        let extended_again =
            message_id(&sender, &running, NotificationKind::MaintenanceRescheduled);
        assert_ne!(started, extended);
        assert_ne!(extended, extended_again);
        // A retry sends the same news again: the same id, so a provider that got it drops it.
        assert_eq!(
            extended_again,
            message_id(&sender, &running, NotificationKind::MaintenanceRescheduled)
        );
        assert_eq!(
            extended_again,
            "<incident-3-confirmed-maintenance_rescheduled-1-9@example.com>"
        );
    }

    fn parts(body: &NotificationBody) -> (String, String) {
        (body.text.clone(), body.html.clone())
    }

    #[test]
    fn the_update_and_summary_come_as_html_and_as_plain_text() {
        let mut outage = incident(Severity::Outage);
        outage.summary = Some("Payments **fail** for some cards.".into());
        let body = sender()
            .notification_body(
                &outage,
                IncidentStatus::Confirmed,
                NotificationKind::NewIncident,
                Some("See [the vendor](https://vendor.example/status).\n\n- retry\n- wait\n\n<script>alert(1)</script>"),
            )
            .expect("body");
        let (text, html) = parts(&body);
        assert!(
            text.contains(
                "Update:\n\nSee the vendor (https://vendor.example/status).\n\n- retry\n- wait\n"
            ),
            "{text}"
        );
        assert!(
            text.contains("Summary:\n\nPayments fail for some cards.\n"),
            "{text}"
        );
        assert!(
            html.contains(r#"<a href="https://vendor.example/status""#),
            "{html}"
        );
        assert!(html.contains("<li>retry</li>"), "{html}");
        assert!(html.contains("<strong>fail</strong>"), "{html}");
        for part in [&text, &html] {
            assert!(
                !part.contains("script") && !part.contains("alert"),
                "{part}"
            );
        }
        assert!(!text.contains("Continued on the status page"), "{text}");
    }

    #[test]
    fn long_texts_are_cut_and_the_mail_stays_small() {
        let mut outage = incident(Severity::Outage);
        // The worst Markdown for its size: every few characters a link or a paragraph.
        let links = "a@b.io\n\n".repeat(2_500);
        outage.summary = Some(links.clone());
        let body = sender()
            .notification_body(
                &outage,
                IncidentStatus::Confirmed,
                NotificationKind::NewIncident,
                Some(&"Word ".repeat(4_000)),
            )
            .expect("body");
        let (text, html) = parts(&body);
        assert!(html.len() < 80 * 1024, "{} bytes of HTML", html.len());
        assert!(text.len() < 40 * 1024, "{} bytes of text", text.len());
        assert_eq!(
            text.matches("(Continued on the status page.)").count(),
            2,
            "{text}"
        );
        assert!(html.contains("Unsubscribe"), "the end of the mail is there");
    }

    #[test]
    fn an_excerpt_ends_at_a_boundary() {
        assert_eq!(excerpt("short", 10), ("short", false));
        assert_eq!(excerpt("one two three four", 12), ("one two", true));
        assert_eq!(
            excerpt("First part.\n\nSecond part.", 20),
            ("First part.", true)
        );
        assert_eq!(excerpt("äöüäöüäöüä", 4), ("äöüä", true));
    }

    #[test]
    fn a_window_says_its_date_once_when_it_is_one_day() {
        let zone = TimeZone::get("Europe/Berlin").expect("zone");
        let start = Timestamp::from_second(1_800_000_000).expect("valid"); // 2027-01-15 08:00 UTC
        let two_hours = start + jiff::SignedDuration::from_hours(2);
        let overnight = start + jiff::SignedDuration::from_hours(16);
        assert_eq!(
            when(start, Some(two_hours), &zone, crate::i18n::english()),
            "Friday, 15 January 2027, 09:00 – 11:00 CET"
        );
        assert_eq!(
            when(start, Some(overnight), &zone, crate::i18n::english()),
            "Friday, 15 January 2027, 09:00 CET – Saturday, 16 January 2027, 01:00 CET"
        );
        assert_eq!(
            when(start, None, &zone, crate::i18n::english()),
            "Friday, 15 January 2027, 09:00 CET"
        );
        let german = crate::i18n::get("de").expect("German");
        assert_eq!(
            when(start, Some(two_hours), &zone, german),
            "Freitag, 15. Januar 2027, 09:00 – 11:00 CET"
        );
    }

    #[test]
    fn maintenance_mails_carry_the_window() {
        let body = sender()
            .notification_body(
                &incident(Severity::Maintenance),
                IncidentStatus::Planned,
                NotificationKind::MaintenanceReminder,
                None,
            )
            .expect("body");
        let (text, html) = parts(&body);
        assert!(
            text.contains("When: Friday, 15 January 2027, 08:00 – 10:00 UTC\n"),
            "{text}"
        );
        assert!(html.contains("08:00 – 10:00 UTC"), "{html}");
        assert!(
            !text.contains("Update:") && !text.contains("Summary:"),
            "{text}"
        );
    }
}
