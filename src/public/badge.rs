//! `/badge.svg`: the overall state as a two-part badge ("status | operational"), in the style
//! READMEs and dashboards are full of, for people to put where their users look; and
//! `/badge/uptime-30.svg`, `/badge/uptime-90.svg`: the uptime of the last 30 or 90 days
//! ("uptime 30 days | 99.958 %"), the figure the status page gives.

use crate::domain::OverallState;
use crate::domain::uptime::Percent;

/// The words and colour for a state. Fixed colours rather than the theme's, chosen so that
/// white text on them stays readable (contrast 4.5:1 or more).
fn message(state: OverallState) -> (&'static str, &'static str) {
    match state {
        OverallState::Down => ("major outage", "#b3261e"),
        OverallState::PartiallyUnavailable => ("partial outage", "#b3261e"),
        OverallState::MightHaveIssues => ("investigating", "#8a5300"),
        OverallState::KnownIssue => ("known issue", "#8a5300"),
        OverallState::UnderMaintenance => ("maintenance", "#1558b0"),
        OverallState::UpWithNotices | OverallState::Up => ("operational", "#1e7b34"),
    }
}

/// Roughly how wide `text` is in 11px Verdana, the badge font: good enough to size the box.
fn width(text: &str) -> usize {
    text.chars()
        .map(|c| match c {
            'i' | 'l' | 'j' | 't' | 'f' | 'r' | ' ' => 4,
            'm' | 'w' => 10,
            _ => 7,
        })
        .sum::<usize>()
        + 12
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

pub fn svg(system_name: &str, state: OverallState) -> String {
    let (words, colour) = message(state);
    draw(
        "status",
        words,
        colour,
        &format!("{system_name} status: {words}"),
    )
}

/// The uptime badge of the last `days` days. Green from 99.9 %, amber from 99 %, red below:
/// the steps most uptime badges use (three nines, two nines), in the state badge's colours.
pub fn uptime_svg(system_name: &str, days: u32, percent: Percent) -> String {
    let colour = match percent.thousandths() {
        99_900.. => "#1e7b34",
        99_000.. => "#8a5300",
        _ => "#b3261e",
    };
    let label = format!("uptime {days} days");
    let words = super::uptime::text(percent, crate::i18n::english());
    draw(
        &label,
        &words,
        colour,
        &format!("{system_name} uptime, last {days} days: {words}"),
    )
}

/// A two-part badge: `label` on grey, `words` on `colour`; `title` for screen readers.
fn draw(label: &str, words: &str, colour: &str, title: &str) -> String {
    let (left, right) = (width(label), width(words));
    let total = left + right;
    let title = escape(title);
    let (label, words) = (escape(label), escape(words));
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{total}" height="20" role="img" aria-label="{title}"><title>{title}</title><linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient><clipPath id="r"><rect width="{total}" height="20" rx="3" fill="#fff"/></clipPath><g clip-path="url(#r)"><rect width="{left}" height="20" fill="#555"/><rect x="{left}" width="{right}" height="20" fill="{colour}"/><rect width="{total}" height="20" fill="url(#s)"/></g><g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="11"><text x="{lx}" y="14">{label}</text><text x="{rx}" y="14">{words}</text></g></svg>"##,
        lx = left / 2,
        rx = left + right / 2,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_badge_names_the_state_and_escapes_the_system() {
        let badge = svg("A & <B>", OverallState::Down);
        assert!(badge.contains(">major outage</text>"));
        assert!(badge.contains("A &amp; &lt;B&gt; status: major outage"));
        assert!(svg("Shop", OverallState::UpWithNotices).contains(">operational</text>"));
    }

    #[test]
    fn the_uptime_badge_gives_the_window_and_the_percentage() {
        let percent = crate::domain::uptime::Measure {
            seconds: 30 * 86_400,
            down_seconds: 5_400,
            partial_seconds: 0,
        }
        .percent();
        let badge = uptime_svg("Shop", 30, percent);
        assert!(badge.contains(">uptime 30 days</text>"), "{badge}");
        assert!(badge.contains(">99.791 %</text>"), "{badge}");
        assert!(badge.contains("Shop uptime, last 30 days: 99.791 %"));
        assert!(badge.contains("#8a5300"), "below three nines: amber");
    }
}
