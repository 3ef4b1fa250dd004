//! Incident summaries and updates are Markdown, written in a hurry by the person on call. This
//! turns them into HTML that is safe to put on the public page, in mails and in the admin
//! preview: one function, so all three show the same thing.
//!
//! Markdown is rendered with pulldown-cmark; single line breaks are kept (people type them and
//! mean them); bare URLs and email addresses become links; then ammonia keeps only the
//! original's allow-list of tags and `http`, `https`, `mailto` and `tel` links, so nothing an
//! incident says can run script on the page.
//!
//! Mails also carry the text as plain text ([`to_plain_text`]), from the same Markdown: what a
//! reader of the HTML sees, said in lines (links as "text (url)", lists with their markers,
//! emphasis dropped, raw HTML reduced to its words).

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

/// Markdown in, plain text out: for the text part of mails. Shows what [`to_html`] shows:
/// links the sanitiser would drop (`javascript:`) lose their target, raw HTML keeps only its
/// words (and not even those inside `<script>` or `<style>`), images only their description
/// (their alt text; the page shows no images at all).
pub fn to_plain_text(markdown: &str) -> String {
    let parser = Parser::new_ext(
        markdown,
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH,
    );
    let mut plain = Plain::default();
    for event in parser {
        plain.event(event);
    }
    plain.out.trim_end().to_owned()
}

/// What comes before the next thing written: nothing, a line break, or an empty line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
enum Break {
    #[default]
    None,
    Line,
    Blank,
}

/// The plain-text writer: blocks become lines, each started with the prefixes of the blocks
/// it is in ("> " in a quote, the indent of a list item's marker).
#[derive(Default)]
struct Plain {
    out: String,
    prefixes: Vec<String>,
    at_line_start: bool,
    pending: Break,
    /// The prefixes of the blocks that asked for the empty line, which it is made of.
    blank_prefix: String,
    /// A list item's marker was just written: its first block goes on the marker's line.
    after_marker: bool,
    /// Open lists' next number (`None`: a bulleted list).
    lists: Vec<Option<u64>>,
    /// Open links: their target and where their text began in `out`.
    links: Vec<(String, usize)>,
    /// Inside raw `<script>` or `<style>`: text is not shown.
    hidden: usize,
    /// An HTML block's lines, reduced to words at its end.
    html_block: Option<String>,
    first_cell: bool,
}

impl Plain {
    fn request(&mut self, wanted: Break) {
        if self.after_marker && wanted == Break::Line {
            return;
        }
        if wanted == Break::Blank {
            self.blank_prefix = self.prefixes.concat().trim_end().to_owned();
        }
        self.pending = self.pending.max(wanted);
    }

    /// Writes `text`, starting lines with the blocks' prefixes.
    fn write(&mut self, text: &str) {
        if text.is_empty() || self.hidden > 0 {
            return;
        }
        if !self.out.is_empty() {
            if self.pending >= Break::Line && !self.at_line_start {
                self.out.push('\n');
                self.at_line_start = true;
            }
            if self.pending == Break::Blank {
                self.out.push_str(&self.blank_prefix);
                self.out.push('\n');
            }
        }
        self.pending = Break::None;
        self.after_marker = false;
        for (i, line) in text.split('\n').enumerate() {
            if i > 0 {
                self.out.push('\n');
                self.at_line_start = true;
            }
            if line.is_empty() {
                continue;
            }
            if self.at_line_start || self.out.is_empty() {
                self.out.push_str(&self.prefixes.concat());
                self.at_line_start = false;
            }
            self.out.push_str(line);
        }
    }

    fn line_break(&mut self) {
        if self.hidden == 0 {
            self.out.push('\n');
            self.at_line_start = true;
        }
    }

    fn event(&mut self, event: Event<'_>) {
        if let Some(block) = &mut self.html_block {
            match event {
                Event::Html(html) => block.push_str(&html),
                Event::End(TagEnd::HtmlBlock) => {
                    let words = html_words(block);
                    self.html_block = None;
                    self.write(words.trim());
                    self.request(Break::Blank);
                }
                _ => {}
            }
            return;
        }
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(end) => self.end(end),
            Event::Text(text) | Event::Code(text) => self.write(&text),
            Event::InlineHtml(html) | Event::Html(html) => {
                let tag = html.trim_start_matches('<').to_ascii_lowercase();
                if tag.starts_with("script") || tag.starts_with("style") {
                    self.hidden += 1;
                } else if tag.starts_with("/script") || tag.starts_with("/style") {
                    self.hidden = self.hidden.saturating_sub(1);
                }
            }
            Event::SoftBreak | Event::HardBreak => self.line_break(),
            Event::Rule => {
                self.request(Break::Blank);
                self.write("---");
                self.request(Break::Blank);
            }
            Event::TaskListMarker(done) => self.write(if done { "[x] " } else { "[ ] " }),
            Event::FootnoteReference(name) => self.write(&format!("[{name}]")),
            _ => {}
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        match tag {
            Tag::Paragraph | Tag::Heading { .. } | Tag::Table(_) => self.request(Break::Line),
            Tag::BlockQuote(_) => {
                self.request(Break::Line);
                self.prefixes.push("> ".into());
            }
            Tag::CodeBlock(_) => {
                self.request(Break::Line);
                self.prefixes.push("    ".into());
            }
            Tag::HtmlBlock => {
                self.request(Break::Line);
                self.html_block = Some(String::new());
            }
            Tag::List(first) => {
                self.request(Break::Line);
                self.lists.push(first);
            }
            Tag::Item => {
                self.after_marker = false;
                self.request(Break::Line);
                let marker = match self.lists.last_mut() {
                    Some(Some(n)) => {
                        *n += 1;
                        format!("{}. ", *n - 1)
                    }
                    _ => "- ".to_owned(),
                };
                self.write(&marker);
                self.after_marker = true;
                self.prefixes.push(" ".repeat(marker.len()));
            }
            Tag::TableHead | Tag::TableRow => {
                self.request(Break::Line);
                self.first_cell = true;
            }
            Tag::TableCell => {
                if !self.first_cell {
                    self.write(" | ");
                }
                self.first_cell = false;
            }
            Tag::Link { dest_url, .. } => self.links.push((dest_url.into_string(), self.out.len())),
            _ => {}
        }
    }

    fn end(&mut self, end: TagEnd) {
        match end {
            TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Table | TagEnd::HtmlBlock => {
                self.request(Break::Blank)
            }
            TagEnd::BlockQuote(_) | TagEnd::CodeBlock => {
                self.prefixes.pop();
                self.request(Break::Blank);
            }
            TagEnd::List(_) => {
                self.lists.pop();
                self.request(Break::Blank);
            }
            TagEnd::Item => {
                self.prefixes.pop();
                self.after_marker = false;
            }
            TagEnd::Link => {
                if let Some((target, start)) = self.links.pop() {
                    let shown = self.out.get(start..).unwrap_or_default().trim().to_owned();
                    if shown.is_empty() {
                        if allowed_target(&target) {
                            self.write(&target);
                        }
                    } else if allowed_target(&target) && !same_link(&shown, &target) {
                        self.write(&format!(" ({target})"));
                    }
                }
            }
            _ => {}
        }
    }
}

/// Whether the sanitiser keeps a link's target: one of the allowed schemes, or a relative one.
fn allowed_target(target: &str) -> bool {
    let scheme_end = target.find([':', '/', '?', '#']);
    match scheme_end {
        Some(i) if target[i..].starts_with(':') => ALLOWED_SCHEMES
            .iter()
            .any(|scheme| target[..i].eq_ignore_ascii_case(scheme)),
        _ => true,
    }
}

/// A link whose text is its target (`<https://…>`, a bare address) is said once.
fn same_link(shown: &str, target: &str) -> bool {
    let bare = ["mailto:", "tel:"]
        .iter()
        .find_map(|scheme| target.strip_prefix(scheme))
        .unwrap_or(target);
    shown == target || shown == bare
}

/// An HTML block's words: the sanitiser with no tag allowed (which drops `<script>` and
/// `<style>` with their content), then its few escapes undone, since this is not HTML.
fn html_words(html: &str) -> String {
    static WORDS: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    let cleaned = WORDS
        .get_or_init(ammonia::Builder::empty)
        .clean(html)
        .to_string();
    cleaned
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&nbsp;", "\u{a0}")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
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
    use super::{to_html, to_plain_text};

    #[test]
    fn plain_text_drops_emphasis_and_spells_out_links() {
        assert_eq!(
            to_plain_text(
                "We see **elevated error rates** on the *shop*; see [our blog](https://example.com/blog), \
                 <https://example.com/a> and support@example.com."
            ),
            "We see elevated error rates on the shop; see our blog (https://example.com/blog), \
             https://example.com/a and support@example.com."
        );
    }

    #[test]
    fn plain_text_keeps_paragraphs_lists_and_quotes() {
        let markdown = "First.\nSecond line.\n\n- one\n- two\n  - nested\n\n3. three\n4. four\n\n> quoted\n>\n> again\n\n    code()\n";
        assert_eq!(
            to_plain_text(markdown),
            "First.\nSecond line.\n\n- one\n- two\n  - nested\n\n3. three\n4. four\n\n> quoted\n>\n> again\n\n    code()"
        );
    }

    #[test]
    fn plain_text_of_a_loose_list_keeps_its_blank_lines() {
        assert_eq!(
            to_plain_text("- one\n\n  more\n- two"),
            "- one\n\n  more\n\n- two"
        );
    }

    #[test]
    fn plain_text_has_no_raw_html_and_no_dropped_targets() {
        let text = to_plain_text(
            "Before <b>bold</b> <script>alert(1)</script> after.\n\n<div>\n<script>steal()</script>\nblock &amp; words\n</div>\n\n[click](javascript:alert(2)) ![a chart](https://example.com/c.png)",
        );
        assert_eq!(
            text,
            "Before bold  after.\n\nblock & words\n\nclick a chart"
        );
    }

    #[test]
    fn plain_text_tables_are_rows_of_cells() {
        assert_eq!(
            to_plain_text("| a | b |\n|---|---|\n| 1 | 2 |"),
            "a | b\n1 | 2"
        );
    }

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
