//! Markdown from incident updates and summaries, turned into the HTML that the page, the mails
//! and the admin preview show, and into the mails' plain text (which must not panic either).
#![no_main]

use libfuzzer_sys::fuzz_target;
use monostat_fuzz::html_tags;

/// rich_text's allow-list.
use monostat::rich_text::ALLOWED_TAGS as TAGS;
/// Those rich_text names or adds, and those ammonia's `Builder::empty()` keeps by default on
/// these tags (it empties only the tag list): none of them runs anything.
const ATTRIBUTES: &[&str] = &[
    "href", "title", "rel", "target", "lang", "start", "cite", "hreflang", "align", "char",
    "charoff", "summary", "colspan", "rowspan", "headers", "scope", "abbr",
];

fuzz_target!(|text: &str| {
    let _ = monostat::rich_text::to_plain_text(text);
    let html = monostat::rich_text::to_html(text);
    // The allow-list's promise: whatever the text, nothing in the HTML can run in a reader's
    // browser. Text's own `<` is escaped, so every `<` left starts a tag.
    for tag in html_tags(&html) {
        assert!(TAGS.contains(&tag.name.as_str()), "tag {tag:?} in {html:?}");
        for (name, value) in &tag.attributes {
            assert!(ATTRIBUTES.contains(&name.as_str()), "{tag:?} in {html:?}");
            // The attributes that hold links.
            if name == "href" || name == "cite" {
                if let Some(scheme) = scheme(value) {
                    assert!(
                        ["http", "https", "mailto", "tel"].contains(&scheme.as_str()),
                        "{tag:?} in {html:?}"
                    );
                }
            }
        }
    }
});

/// The scheme a browser would see in `href` (it drops tabs and line breaks anywhere, and leading
/// spaces and control characters), lower case; `None` for a relative link.
fn scheme(href: &str) -> Option<String> {
    let cleaned: String = href
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let cleaned = cleaned.trim_start_matches(|c: char| c <= ' ');
    let (scheme, _) = cleaned.split_once(':')?;
    let is_scheme = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    is_scheme.then(|| scheme.to_ascii_lowercase())
}
