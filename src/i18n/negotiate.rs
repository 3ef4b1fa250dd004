//! Which language a reader gets: their browser's `Accept-Language` (RFC 9110 §12.5.4) among the
//! languages the site offers.

use super::Language;

/// More ranges than any browser sends; the rest of a longer header is ignored.
const MAX_RANGES: usize = 32;
/// Likewise for the header's length: a hostile one costs no more than this to read.
const MAX_HEADER: usize = 1024;

/// The language ranges of an `Accept-Language` value, most wanted first (ties keep their
/// order), without the ones refused with `q=0`.
pub fn parse_accept_language(header: &str) -> Vec<&str> {
    let header = match header.char_indices().nth(MAX_HEADER) {
        Some((end, _)) => &header[..end],
        None => header,
    };
    let mut ranges: Vec<(&str, u16)> = header
        .split(',')
        .take(MAX_RANGES)
        .filter_map(|item| {
            let mut parts = item.split(';').map(str::trim);
            let range = parts.next().filter(|r| !r.is_empty())?;
            let mut quality = 1000;
            for part in parts {
                if let Some(q) = part.strip_prefix("q=").or_else(|| part.strip_prefix("Q=")) {
                    quality = q
                        .trim()
                        .parse::<f32>()
                        .map_or(0, |q| (q.clamp(0.0, 1.0) * 1000.0) as u16);
                }
            }
            (quality > 0).then_some((range, quality))
        })
        .collect();
    ranges.sort_by_key(|r| std::cmp::Reverse(r.1));
    ranges.into_iter().map(|(range, _)| range).collect()
}

/// The first of the reader's ranges the site offers (`de-CH` is served German), or `None`
/// when it offers none of them (the site's own language then).
pub fn negotiate<'a>(header: &str, offered: &[&'a Language]) -> Option<&'a Language> {
    parse_accept_language(header).into_iter().find_map(|range| {
        let primary = range.split('-').next().unwrap_or(range);
        offered
            .iter()
            .find(|language| language.tag.eq_ignore_ascii_case(primary))
            .copied()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{all, get};

    fn offered() -> Vec<&'static Language> {
        all().iter().collect()
    }

    #[test]
    fn the_most_wanted_offered_language_wins() {
        let pick = |h: &str| negotiate(h, &offered()).map(|l| l.tag);
        assert_eq!(pick("de-DE,de;q=0.9,en;q=0.8"), Some("de"));
        assert_eq!(pick("en;q=0.5, fr-CA"), Some("fr"));
        assert_eq!(pick("ja, pt-BR;q=0.7"), Some("pt"));
        assert_eq!(pick("ja, zh"), None);
        assert_eq!(pick("de;q=0, ar"), Some("ar"));
        assert_eq!(pick("*"), None);
        assert_eq!(pick(""), None);
    }

    #[test]
    fn only_offered_languages_are_chosen() {
        let offered = [get("en").expect("en"), get("nl").expect("nl")];
        assert_eq!(
            negotiate("de, nl;q=0.5", &offered).map(|l| l.tag),
            Some("nl")
        );
    }

    #[test]
    fn a_hostile_header_costs_little() {
        let long = "xx;q=0.1,".repeat(100_000);
        assert!(parse_accept_language(&long).len() <= MAX_RANGES);
        assert_eq!(parse_accept_language("de;q=abc, fr"), vec!["fr"]);
    }
}
