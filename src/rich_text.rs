//! Incident summaries and updates are Markdown, written in a hurry by the person on call. This
//! turns them into HTML that is safe to put on the public page, in mails and in the admin
//! preview: one function, so all three show the same thing.
//!
//! Markdown is rendered with pulldown-cmark; single line breaks are kept (people type them and
//! mean them); bare URLs and email addresses become links; then ammonia keeps only the
//! original's allow-list of tags and `http`, `https`, `mailto` and `tel` links, so nothing an
//! incident says can run script on the page.

use pulldown_cmark::{CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};
use std::collections::HashSet;
use std::sync::OnceLock;

/// The tags the original monostat allowed (its bleach allow-list), table parts included; the
/// fuzz target checks the output against this same list.
pub const ALLOWED_TAGS: &[&str] = &[
    "a",
    "abbr",
    "b",
    "br",
    "code",
    "em",
    "i",
    "strong",
    "span",
    "strike",
    "s",
    "blockquote",
    "li",
    "ol",
    "ul",
    "p",
    "table",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "th",
    "td",
    "pre",
];
const ALLOWED_SCHEMES: &[&str] = &["http", "https", "mailto", "tel"];

fn sanitiser() -> &'static ammonia::Builder<'static> {
    static SANITISER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    SANITISER.get_or_init(|| {
        let mut builder = ammonia::Builder::empty();
        builder
            .add_tags(ALLOWED_TAGS)
            .add_tag_attributes("a", &["href", "title"])
            .add_tag_attributes("abbr", &["title"])
            .url_schemes(ALLOWED_SCHEMES.iter().copied().collect::<HashSet<_>>())
            // Links leave the status page in a new tab, without handing it their `window.opener`.
            .link_rel(Some("noopener"))
            .set_tag_attribute_value("a", "target", "_blank");
        builder
    })
}

/// Markdown in, sanitised HTML out.
pub fn to_html(markdown: &str) -> String {
    let parser = Parser::new_ext(
        markdown,
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH,
    );
    let mut events = Vec::new();
    // Inside a link or code, text is left alone: no links within links, no links in code.
    let mut no_linkify = 0usize;
    for event in parser {
        match event {
            Event::Start(tag @ (Tag::Link { .. } | Tag::CodeBlock(_))) => {
                no_linkify += 1;
                events.push(Event::Start(tag));
            }
            Event::End(end @ (TagEnd::Link | TagEnd::CodeBlock)) => {
                no_linkify = no_linkify.saturating_sub(1);
                events.push(Event::End(end));
            }
            Event::SoftBreak => events.push(Event::HardBreak),
            Event::Text(text) if no_linkify == 0 => linkify_into(&text, &mut events),
            other => events.push(other),
        }
    }
    let mut html = String::with_capacity(markdown.len() * 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    sanitiser().clean(&html).to_string()
}

/// Splits `text` into text and links for the URLs and email addresses in it.
fn linkify_into<'a>(text: &str, events: &mut Vec<Event<'a>>) {
    let finder = linkify::LinkFinder::new();
    let mut last = 0;
    for link in finder.links(text) {
        if link.start() > last {
            events.push(Event::Text(CowStr::from(
                text[last..link.start()].to_owned(),
            )));
        }
        let shown = link.as_str().to_owned();
        let target = match link.kind() {
            linkify::LinkKind::Email => format!("mailto:{shown}"),
            _ => shown.clone(),
        };
        events.push(Event::Start(Tag::Link {
            link_type: LinkType::Autolink,
            dest_url: CowStr::from(target),
            title: CowStr::from(""),
            id: CowStr::from(""),
        }));
        events.push(Event::Text(CowStr::from(shown)));
        events.push(Event::End(TagEnd::Link));
        last = link.end();
    }
    if last < text.len() {
        events.push(Event::Text(CowStr::from(text[last..].to_owned())));
    }
}

#[cfg(test)]
mod tests {
    use super::to_html;

    #[test]
    fn markdown_becomes_html() {
        assert_eq!(
            to_html("We see **elevated error rates** on the *shop*."),
            "<p>We see <strong>elevated error rates</strong> on the <em>shop</em>.</p>\n"
        );
    }

    #[test]
    fn single_line_breaks_are_kept() {
        assert_eq!(
            to_html("Fixed.\nWe keep watching."),
            "<p>Fixed.<br>\nWe keep watching.</p>\n"
        );
    }

    #[test]
    fn bare_urls_and_addresses_become_links_that_open_in_a_new_tab() {
        let html = to_html("Details: https://example.com/status or support@example.com");
        assert!(html.contains(r#"<a href="https://example.com/status" target="_blank" rel="noopener">https://example.com/status</a>"#), "{html}");
        assert!(html.contains(r#"<a href="mailto:support@example.com" target="_blank" rel="noopener">support@example.com</a>"#), "{html}");
    }

    #[test]
    fn links_are_not_linkified_twice_and_code_is_left_alone() {
        let html = to_html("[our blog](https://example.com/blog) and `curl https://example.com`");
        assert_eq!(html.matches("<a ").count(), 1, "{html}");
        assert!(
            html.contains("<code>curl https://example.com</code>"),
            "{html}"
        );
    }

    #[test]
    fn no_markup_can_run_script() {
        for attack in [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "[click](javascript:alert(1))",
            "<a href=\"javascript:alert(1)\">x</a>",
            "<iframe src=\"https://evil.example\"></iframe>",
            "<span onclick=\"alert(1)\">x</span>",
            "<svg onload=alert(1)>",
            "<a href=\"data:text/html,<script>alert(1)</script>\">x</a>",
        ] {
            let html = to_html(attack);
            for bad in [
                "<script",
                "onerror",
                "onclick",
                "onload",
                "javascript:",
                "<iframe",
                "<img",
                "<svg",
                "data:",
            ] {
                assert!(
                    !html.to_lowercase().contains(bad),
                    "{attack:?} gave {html:?}"
                );
            }
        }
    }

    #[test]
    fn allowed_links_and_tables_survive() {
        let html = to_html("Call [us](tel:+4962213217750).\n\n| a | b |\n|---|---|\n| 1 | 2 |");
        assert!(html.contains(r#"href="tel:+4962213217750""#), "{html}");
        assert!(
            html.contains("<table>") && html.contains("<td>1</td>"),
            "{html}"
        );
    }
}
