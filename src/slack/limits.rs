//! Block Kit's limits, and the one way outside text is made to fit them.
//!
//! Slack refuses a whole message or view (`invalid_blocks`, `invalid_arguments`) when a single
//! text is too long, and text from monitoring, people and imports has no limit where it comes
//! from. Every builder in `messages` therefore puts outside text through [`fit_mrkdwn`] or
//! [`fit_plain`]; the whole text stays on the admin page, which the shortened one links to.
//!
//! Lengths are counted in UTF-16 code units, which is never fewer than characters: text cut to
//! fit this count fits however Slack counts (characters, or code units as JavaScript does).

/// `section.text`, and any other text object without a smaller limit of its own.
pub const SECTION_TEXT: usize = 3_000;
/// `plain_text_input.max_length` (Slack's maximum, and its default); `initial_value` must fit.
pub const TEXT_INPUT: usize = 3_000;
/// The longest name of a person we put into a thread note: Slack's own display-name limit.
pub const PERSON_NAME: usize = 80;

/// How Slack counts a text's length, conservatively (see the module's comment).
pub fn length(text: &str) -> usize {
    text.chars().map(char::len_utf16).sum()
}

/// Slack's mrkdwn treats `&`, `<` and `>` as markup; text from people and monitoring must not
/// turn into links or mentions.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// `text` (mrkdwn, outside text already escaped) cut to at most `max`, ending in "…" and a link
/// to `full_text_at` when it had to be cut. It is cut on a character boundary and never inside
/// an escape (`&amp;`) or our own markup (`<url|label>`, `<!date^…>`).
pub fn fit_mrkdwn(text: &str, max: usize, full_text_at: &str) -> String {
    fit_mrkdwn_between("", text, "", max, full_text_at)
}

/// `before` + `text` + `after` in at most `max`, cutting only `text` (outside text, escaped):
/// our own markup around it (`*bold*`, a label) stays whole.
pub fn fit_mrkdwn_between(
    before: &str,
    text: &str,
    after: &str,
    max: usize,
    full_text_at: &str,
) -> String {
    let frame = length(before) + length(after);
    if frame + length(text) <= max {
        return format!("{before}{text}{after}");
    }
    let link = format!("… <{full_text_at}|full text on the admin page>");
    let (marker, room) = match max.checked_sub(frame + length(&link)) {
        Some(room) => (link.as_str(), room),
        // No room for the link: our own builders never come here, but a cut must still fit.
        None => ("…", max.saturating_sub(frame + 1)),
    };
    let kept = markup_safe_prefix(text, room).trim_end();
    format!("{before}{kept}{marker}{after}")
}

/// Plain text (`plain_text` objects, names) cut to at most `max`, ending in "…" when cut.
pub fn fit_plain(text: &str, max: usize) -> String {
    if length(text) <= max {
        return text.to_owned();
    }
    let kept = prefix(text, max.saturating_sub(1)).trim_end();
    format!("{kept}…")
}

/// The longest prefix of `text` no longer than `max`, on a character boundary.
fn prefix(text: &str, max: usize) -> &str {
    let mut used = 0;
    for (at, c) in text.char_indices() {
        used += c.len_utf16();
        if used > max {
            return &text[..at];
        }
    }
    text
}

/// [`prefix`], moved back to before an escape or a `<…>` it would cut in two. In escaped mrkdwn
/// every `&` starts an escape and every `<` starts our own markup, ended by `;` and `>`.
fn markup_safe_prefix(text: &str, max: usize) -> &str {
    let kept = prefix(text, max);
    let open = |start: char, end: char| kept.rfind(start).filter(|&at| !kept[at..].contains(end));
    let cut = [open('&', ';'), open('<', '>')]
        .into_iter()
        .flatten()
        .min()
        .unwrap_or(kept.len());
    &kept[..cut]
}

#[cfg(test)]
mod tests {
    use super::*;

    const LINK: &str = "https://status.example.test/admin/incidents/7/";

    #[test]
    fn text_that_fits_is_left_alone() {
        assert_eq!(fit_mrkdwn("all &amp; good", 14, LINK), "all &amp; good");
        assert_eq!(
            fit_mrkdwn_between("*", "title", "* (Outage)", 20, LINK),
            "*title* (Outage)"
        );
        assert_eq!(fit_plain("jdoe", 4), "jdoe");
    }

    #[test]
    fn a_long_text_is_cut_to_the_limit_with_an_ellipsis_and_the_link() {
        let text = "a".repeat(5_000);
        let fitted = fit_mrkdwn(&text, SECTION_TEXT, LINK);
        assert_eq!(length(&fitted), SECTION_TEXT);
        assert!(fitted.starts_with("aaaa"));
        assert!(fitted.ends_with(&format!("a… <{LINK}|full text on the admin page>")));
    }

    /// Whether every `&` in `text` starts a whole escape.
    fn whole_escapes(text: &str) -> bool {
        text.split('&')
            .skip(1)
            .all(|p| ["amp;", "lt;", "gt;"].iter().any(|e| p.starts_with(e)))
    }

    #[test]
    fn escapes_are_never_cut_in_two() {
        // Each padding moves the cut to another position inside an escape.
        for pad in 0..8 {
            for escaped in ["&amp;", "&lt;b&gt;"] {
                let text = format!("{}{}", "x".repeat(pad), escaped.repeat(1_000));
                let fitted = fit_mrkdwn(&text, 200, LINK);
                assert!(length(&fitted) <= 200, "{pad}: {}", length(&fitted));
                let kept = fitted.split('…').next().expect("a part");
                assert!(kept.len() > 100, "{pad}: only {kept:?} kept");
                assert!(whole_escapes(kept), "{pad}: {kept}");
            }
        }
    }

    #[test]
    fn our_own_links_are_never_cut_in_two() {
        let text = format!(
            "{} <https://example.test/a/very/long/path|a label>",
            "w".repeat(40)
        );
        for max in 60..150 {
            let fitted = fit_mrkdwn(&text, max, LINK);
            assert!(length(&fitted) <= max);
            let kept = fitted.split('…').next().expect("a part");
            assert_eq!(
                kept.matches('<').count(),
                kept.matches('>').count(),
                "{max}: {kept}"
            );
        }
    }

    #[test]
    fn multi_byte_characters_and_emoji_are_cut_whole_and_counted_as_slack_may() {
        let text = "é".repeat(4_000);
        let fitted = fit_mrkdwn(&text, SECTION_TEXT, LINK);
        assert!(length(&fitted) <= SECTION_TEXT);
        assert!(fitted.starts_with("éé"));
        // An emoji is two UTF-16 code units: 3,000 of them would be 6,000 to JavaScript.
        let text = "🔥".repeat(3_000);
        let fitted = fit_mrkdwn(&text, SECTION_TEXT, LINK);
        assert!(
            fitted.chars().count() < 1_500 + 60,
            "{}",
            fitted.chars().count()
        );
        assert!(length(&fitted) <= SECTION_TEXT);
        let kept = fitted.split('…').next().expect("a part");
        assert!(kept.chars().all(|c| c == '🔥'));
        // A family emoji is several characters joined: the cut may split the cluster, but
        // never a character, so the result is valid UTF-8 (it is a `String`) and fits.
        let family = "👨‍👩‍👧".repeat(1_000);
        assert!(length(&fit_plain(&family, 75)) <= 75);
    }

    #[test]
    fn only_the_outside_part_is_cut_and_the_frame_stays_whole() {
        let title = "t".repeat(5_000);
        let fitted = fit_mrkdwn_between("*", &title, "* (Outage)", SECTION_TEXT, LINK);
        assert_eq!(length(&fitted), SECTION_TEXT);
        assert!(fitted.starts_with("*ttt"));
        assert!(fitted.ends_with("|full text on the admin page>* (Outage)"));
    }

    #[test]
    fn a_limit_too_small_for_the_link_still_gives_a_fitting_text() {
        let fitted = fit_mrkdwn(&"z".repeat(50), 10, LINK);
        assert_eq!(fitted, "zzzzzzzzz…");
        assert_eq!(
            fit_plain(&"n".repeat(200), PERSON_NAME).chars().count(),
            PERSON_NAME
        );
        assert!(fit_plain(&"n".repeat(200), PERSON_NAME).ends_with("n…"));
    }
}
