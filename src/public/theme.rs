//! The theme stylesheet: the admin's nine colours as CSS variables, once for the light scheme
//! and once, under `prefers-color-scheme: dark`, for a dark scheme derived from them.
//!
//! Both schemes meet WCAG AA whatever the colour pickers were set to: each colour keeps its hue
//! and saturation and only its lightness moves, as little as it must, until its contrast with
//! the background it is drawn on passes (4.5:1 for text and links, 3:1 for the status icons and
//! calendar marks, which are graphics). The admin's settings are never rewritten; only what the
//! page shows is adjusted, so a better choice later takes effect as chosen.

use crate::storage::settings::ThemeColors;

/// WCAG 2.x AA for body text (1.4.3).
const TEXT: f64 = 4.5;
/// WCAG 2.x AA for graphics and UI parts (1.4.11): the status icons, the calendar's marks.
const GRAPHIC: f64 = 3.0;
/// Aimed for above each minimum when a colour has to move: axe and the browsers compute contrast
/// with their own rounding, and a colour we chose must not fail there by a hair. (A colour that
/// passes as chosen is kept: #767676 on white, 4.54:1, is the well-known passing grey.)
const MARGIN: f64 = 0.05;

/// The dark scheme's background lightness (HSL) for a site whose background is light: dark
/// enough for light text, not black, which makes light text glare.
const DARK_BACKGROUND_LIGHTNESS: f64 = 0.11;
/// A pale tinted background (cream, say) keeps a hint of its tint in the dark, not a strong one.
const DARK_BACKGROUND_SATURATION: f64 = 0.25;
/// Below this relative luminance a background is already dark: the dark scheme keeps it.
const DARK_ENOUGH: f64 = 0.05;

/// The colours the settings start with (see the migrations), for a stored value that is not a
/// colour (an import, an old row): the page shows the default rather than nothing.
const DEFAULTS: [&str; 9] = [
    "#3B1C4A", "#7F4A91", "#50A167", "#FFB419", "#C44F4F", "#5F9CD4", "#333333", "#767676",
    "#FFFFFF",
];

/// An sRGB colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    pub const WHITE: Rgb = Rgb(255, 255, 255);
    /// Not pure black: the text on a pale header, softer than #000 and still far above 4.5:1.
    pub const INK: Rgb = Rgb(17, 17, 17);

    /// `#RRGGBB` or `#RGB`, as colour pickers and people write them.
    pub fn parse(value: &str) -> Option<Rgb> {
        let hex = value.trim().strip_prefix('#')?;
        if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let channel = |s: &str| u8::from_str_radix(s, 16).ok();
        match hex.len() {
            6 => Some(Rgb(
                channel(&hex[0..2])?,
                channel(&hex[2..4])?,
                channel(&hex[4..6])?,
            )),
            3 => {
                let short = |i: usize| channel(&hex[i..=i]).map(|v| v * 17);
                Some(Rgb(short(0)?, short(1)?, short(2)?))
            }
            _ => None,
        }
    }

    pub fn hex(self) -> String {
        format!("#{:02X}{:02X}{:02X}", self.0, self.1, self.2)
    }

    /// WCAG's relative luminance.
    pub fn luminance(self) -> f64 {
        let linear = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.04045 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * linear(self.0) + 0.7152 * linear(self.1) + 0.0722 * linear(self.2)
    }

    /// Hue (degrees), saturation and lightness, each of the last two in 0..=1.
    fn hsl(self) -> (f64, f64, f64) {
        let [r, g, b] = [self.0, self.1, self.2].map(|c| f64::from(c) / 255.0);
        let (max, min) = (r.max(g).max(b), r.min(g).min(b));
        let l = (max + min) / 2.0;
        let d = max - min;
        if d == 0.0 {
            return (0.0, 0.0, l);
        }
        let s = d / (1.0 - (2.0 * l - 1.0).abs());
        let h = if max == r {
            60.0 * ((g - b) / d).rem_euclid(6.0)
        } else if max == g {
            60.0 * ((b - r) / d + 2.0)
        } else {
            60.0 * ((r - g) / d + 4.0)
        };
        (h, s.min(1.0), l)
    }

    fn from_hsl(h: f64, s: f64, l: f64) -> Rgb {
        let c = (1.0 - (2.0 * l - 1.0).abs()) * s;
        let x = c * (1.0 - ((h / 60.0).rem_euclid(2.0) - 1.0).abs());
        let m = l - c / 2.0;
        let (r, g, b) = match (h / 60.0) as u32 {
            0 => (c, x, 0.0),
            1 => (x, c, 0.0),
            2 => (0.0, c, x),
            3 => (0.0, x, c),
            4 => (x, 0.0, c),
            _ => (c, 0.0, x),
        };
        let to_u8 = |v: f64| ((v + m) * 255.0).round().clamp(0.0, 255.0) as u8;
        Rgb(to_u8(r), to_u8(g), to_u8(b))
    }

    /// The same hue and saturation at lightness `l`.
    fn with_lightness(self, l: f64) -> Rgb {
        let (h, s, _) = self.hsl();
        Rgb::from_hsl(h, s, l.clamp(0.0, 1.0))
    }
}

/// WCAG's contrast ratio, 1 to 21.
pub fn contrast(a: Rgb, b: Rgb) -> f64 {
    let (la, lb) = (a.luminance(), b.luminance());
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// `fg` itself when it contrasts with `bg` by `min`; otherwise the colour of the same hue and
/// saturation whose lightness is nearest to `fg`'s and does. Away from the background first
/// (darker on a light one); when even black or white is not enough that way (a mid-grey
/// background), the other way, where it always is: one of black and white contrasts with any
/// colour by at least 4.58:1.
pub fn readable(fg: Rgb, bg: Rgb, min: f64) -> Rgb {
    if contrast(fg, bg) >= min {
        return fg;
    }
    let target = min + MARGIN;
    let (_, _, l) = fg.hsl();
    let darker_first = fg.luminance() <= bg.luminance();
    let ends = if darker_first { [0.0, 1.0] } else { [1.0, 0.0] };
    for end in ends {
        if contrast(fg.with_lightness(end), bg) < target {
            continue;
        }
        // Lightness moves the colour's luminance one way only, so halving the interval between
        // a lightness that fails and one that passes finds the nearest that passes.
        let (mut failing, mut passing) = (l, end);
        for _ in 0..24 {
            let mid = (failing + passing) / 2.0;
            if contrast(fg.with_lightness(mid), bg) >= target {
                passing = mid;
            } else {
                failing = mid;
            }
        }
        return fg.with_lightness(passing);
    }
    // Unreachable for the thresholds used here (at most 4.55); black or white, whichever is more.
    if contrast(Rgb::WHITE, bg) >= contrast(Rgb(0, 0, 0), bg) {
        Rgb::WHITE
    } else {
        Rgb(0, 0, 0)
    }
}

/// The colours one scheme shows, every one already checked against what it is drawn on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Palette {
    /// The header band and the buttons; the admin's colour in both schemes, since the logo was
    /// made to sit on it.
    pub primary: Rgb,
    /// The header's and buttons' text on `primary`: white, or ink on a pale primary.
    pub on_primary: Rgb,
    pub link: Rgb,
    pub success: Rgb,
    pub warning: Rgb,
    pub danger: Rgb,
    pub info: Rgb,
    pub text: Rgb,
    pub secondary_text: Rgb,
    pub background: Rgb,
}

impl Palette {
    /// The admin's colours for the light scheme, each adjusted only as far as AA needs.
    pub fn light(colors: &ThemeColors) -> Palette {
        let [
            primary,
            link,
            success,
            warning,
            danger,
            info,
            text,
            secondary,
            background,
        ] = parsed(colors);
        Palette::on(
            background, primary, link, success, warning, danger, info, text, secondary,
        )
    }

    /// The dark scheme: a dark background of the site's background's hue, dark text colours'
    /// lightness mirrored, and every other colour as light as its contrast needs. A site that is
    /// dark already keeps its colours.
    pub fn dark(colors: &ThemeColors) -> Palette {
        let [
            primary,
            link,
            success,
            warning,
            danger,
            info,
            text,
            secondary,
            background,
        ] = parsed(colors);
        if background.luminance() <= DARK_ENOUGH {
            return Palette::light(colors);
        }
        let (h, s, _) = background.hsl();
        let dark_background = Rgb::from_hsl(
            h,
            s.min(DARK_BACKGROUND_SATURATION),
            DARK_BACKGROUND_LIGHTNESS,
        );
        // Dark text becomes as light as it was dark; text that was light already stays so.
        let mirrored = |c: Rgb| {
            let l = c.hsl().2;
            c.with_lightness(l.max(1.0 - l))
        };
        Palette::on(
            dark_background,
            primary,
            link,
            success,
            warning,
            danger,
            info,
            mirrored(text),
            mirrored(secondary),
        )
    }

    #[allow(clippy::too_many_arguments)]
    fn on(
        background: Rgb,
        primary: Rgb,
        link: Rgb,
        success: Rgb,
        warning: Rgb,
        danger: Rgb,
        info: Rgb,
        text: Rgb,
        secondary: Rgb,
    ) -> Palette {
        let on_primary = if contrast(Rgb::WHITE, primary) >= TEXT {
            Rgb::WHITE
        } else {
            Rgb::INK
        };
        Palette {
            primary,
            on_primary,
            link: readable(link, background, TEXT),
            success: readable(success, background, GRAPHIC),
            warning: readable(warning, background, GRAPHIC),
            danger: readable(danger, background, GRAPHIC),
            info: readable(info, background, GRAPHIC),
            text: readable(text, background, TEXT),
            secondary_text: readable(secondary, background, TEXT),
            background,
        }
    }

    fn variables(&self) -> [(&'static str, Rgb); 10] {
        [
            ("primary", self.primary),
            ("on-primary", self.on_primary),
            ("link", self.link),
            ("success", self.success),
            ("warning", self.warning),
            ("danger", self.danger),
            ("info", self.info),
            ("text", self.text),
            ("secondary-text", self.secondary_text),
            ("background", self.background),
        ]
    }
}

/// What the light scheme shows for each of the nine settings, in `ThemeColors`' order: the
/// admin's page says where that is not what was chosen.
pub fn light_values(colors: &ThemeColors) -> [Rgb; 9] {
    let p = Palette::light(colors);
    [
        p.primary,
        p.link,
        p.success,
        p.warning,
        p.danger,
        p.info,
        p.text,
        p.secondary_text,
        p.background,
    ]
}

/// The nine colours in `ThemeColors`' order; one that is not a colour becomes its default.
fn parsed(c: &ThemeColors) -> [Rgb; 9] {
    let values = [
        &c.primary,
        &c.link,
        &c.success,
        &c.warning,
        &c.danger,
        &c.info,
        &c.primary_text,
        &c.secondary_text,
        &c.background,
    ];
    std::array::from_fn(|i| {
        Rgb::parse(values[i])
            .or_else(|| Rgb::parse(DEFAULTS[i]))
            .expect("the defaults are colours")
    })
}

/// The theme stylesheet. Only `#RRGGBB` values reach it, so nothing the admin typed can break
/// out of a declaration.
pub fn css(colors: &ThemeColors) -> String {
    let mut css = String::new();
    block(&mut css, "", &Palette::light(colors));
    css.push_str("@media (prefers-color-scheme: dark) {\n");
    block(&mut css, "  ", &Palette::dark(colors));
    css.push_str("}\n");
    css
}

fn block(css: &mut String, indent: &str, palette: &Palette) {
    css.push_str(indent);
    css.push_str(":root {\n");
    for (name, colour) in palette.variables() {
        css.push_str(&format!("{indent}  --{name}: {};\n", colour.hex()));
    }
    css.push_str(indent);
    css.push_str("}\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn colors(overrides: &[(&str, &str)]) -> ThemeColors {
        let mut c = ThemeColors {
            primary: DEFAULTS[0].into(),
            link: DEFAULTS[1].into(),
            success: DEFAULTS[2].into(),
            warning: DEFAULTS[3].into(),
            danger: DEFAULTS[4].into(),
            info: DEFAULTS[5].into(),
            primary_text: DEFAULTS[6].into(),
            secondary_text: DEFAULTS[7].into(),
            background: DEFAULTS[8].into(),
        };
        for (name, value) in overrides {
            let slot = match *name {
                "primary" => &mut c.primary,
                "link" => &mut c.link,
                "success" => &mut c.success,
                "warning" => &mut c.warning,
                "danger" => &mut c.danger,
                "info" => &mut c.info,
                "text" => &mut c.primary_text,
                "secondary" => &mut c.secondary_text,
                "background" => &mut c.background,
                other => panic!("no colour {other}"),
            };
            *slot = (*value).to_owned();
        }
        c
    }

    /// What the guarantee promises, checked on the finished palette.
    fn assert_aa(palette: &Palette, what: &str) {
        let bg = palette.background;
        for (name, colour, min) in [
            ("text", palette.text, TEXT),
            ("secondary text", palette.secondary_text, TEXT),
            ("link", palette.link, TEXT),
            ("success", palette.success, GRAPHIC),
            ("warning", palette.warning, GRAPHIC),
            ("danger", palette.danger, GRAPHIC),
            ("info", palette.info, GRAPHIC),
        ] {
            let ratio = contrast(colour, bg);
            assert!(
                ratio >= min,
                "{what}: {name} {} on {} is {ratio:.2}:1",
                colour.hex(),
                bg.hex()
            );
        }
        let header = contrast(palette.on_primary, palette.primary);
        assert!(header >= TEXT, "{what}: header text is {header:.2}:1");
    }

    fn assert_both_schemes(c: &ThemeColors, what: &str) -> (Palette, Palette) {
        let (light, dark) = (Palette::light(c), Palette::dark(c));
        assert_aa(&light, &format!("{what} (light)"));
        assert_aa(&dark, &format!("{what} (dark)"));
        (light, dark)
    }

    #[test]
    fn contrast_matches_the_wcag_examples() {
        assert!((contrast(Rgb::WHITE, Rgb(0, 0, 0)) - 21.0).abs() < 1e-9);
        assert!((contrast(Rgb::WHITE, Rgb::WHITE) - 1.0).abs() < 1e-9);
        // #767676 on white is the well-known lightest grey that passes: 4.54:1.
        let grey = contrast(Rgb(0x76, 0x76, 0x76), Rgb::WHITE);
        assert!((4.5..4.6).contains(&grey), "{grey}");
    }

    #[test]
    fn colours_parse_as_pickers_and_people_write_them() {
        assert_eq!(Rgb::parse("#3b1c4a"), Some(Rgb(0x3B, 0x1C, 0x4A)));
        assert_eq!(Rgb::parse("#FFF"), Some(Rgb::WHITE));
        for bad in [
            "red",
            "#12345",
            "#GGGGGG",
            "",
            "#1234567",
            "rgb(1,2,3)",
            "#é12",
        ] {
            assert_eq!(Rgb::parse(bad), None, "{bad}");
        }
        assert_eq!(Rgb(0x3B, 0x1C, 0x4A).hex(), "#3B1C4A");
    }

    #[test]
    fn lightness_round_trips_through_hsl() {
        for c in [
            Rgb(0x3B, 0x1C, 0x4A),
            Rgb(0xFF, 0xB4, 0x19),
            Rgb(0x50, 0xA1, 0x67),
        ] {
            let (h, s, l) = c.hsl();
            assert_eq!(Rgb::from_hsl(h, s, l), c);
        }
    }

    #[test]
    fn the_default_theme_keeps_its_colours_where_they_already_pass() {
        let (light, _) = assert_both_schemes(&colors(&[]), "defaults");
        assert_eq!(light.primary.hex(), "#3B1C4A");
        assert_eq!(light.link.hex(), "#7F4A91");
        assert_eq!(light.text.hex(), "#333333");
        assert_eq!(light.secondary_text.hex(), "#767676");
        assert_eq!(light.background, Rgb::WHITE);
        assert_eq!(light.on_primary, Rgb::WHITE);
        // The default yellow is a 1.7:1 icon on white: darker, still yellow-orange.
        let (h, _, _) = light.warning.hsl();
        let (h0, _, _) = Rgb(0xFF, 0xB4, 0x19).hsl();
        assert!((h - h0).abs() < 3.0, "hue kept: {h} vs {h0}");
        assert_ne!(light.warning.hex(), "#FFB419");
    }

    #[test]
    fn the_dark_scheme_is_dark_and_keeps_each_colours_hue() {
        let (light, dark) = assert_both_schemes(&colors(&[]), "defaults");
        assert!(
            dark.background.luminance() < 0.02,
            "{}",
            dark.background.hex()
        );
        assert!(dark.text.luminance() > 0.5, "{}", dark.text.hex());
        for (l, d) in [
            (light.link, dark.link),
            (light.danger, dark.danger),
            (light.info, dark.info),
        ] {
            let (hl, _, _) = l.hsl();
            let (hd, _, _) = d.hsl();
            assert!((hl - hd).abs() < 4.0, "{} → {}", l.hex(), d.hex());
        }
    }

    #[test]
    fn a_pale_yellow_link_is_darkened_until_it_can_be_read() {
        let c = colors(&[("link", "#FFFF99")]);
        let (light, dark) = assert_both_schemes(&c, "pale yellow link");
        let (h, _, _) = light.link.hsl();
        assert!((h - 60.0).abs() < 3.0, "still yellow: {}", light.link.hex());
        // Only as far as needed: a little lighter would fail.
        let (_, _, l) = light.link.hsl();
        let lighter = light.link.with_lightness(l + 0.02);
        assert!(contrast(lighter, Rgb::WHITE) < TEXT + MARGIN);
        // On the dark background the pale yellow reads as it is.
        assert_eq!(dark.link.hex(), "#FFFF99");
    }

    #[test]
    fn dark_text_on_a_dark_background_is_lightened() {
        let c = colors(&[
            ("background", "#1E1E2E"),
            ("text", "#2A2A3A"),
            ("secondary", "#111111"),
            ("link", "#3B1C4A"),
            ("danger", "#400000"),
        ]);
        let (light, dark) = assert_both_schemes(&c, "dark on dark");
        // The site is dark already: both schemes are the same.
        assert_eq!(light, dark);
        assert_eq!(light.background.hex(), "#1E1E2E");
    }

    #[test]
    fn a_mid_grey_background_gets_whichever_way_works() {
        // Neither darker nor lighter text is far from it: one way must still reach 4.5:1.
        for bg in ["#777777", "#808080", "#5A5A5A", "#999999"] {
            let c = colors(&[
                ("background", bg),
                ("text", bg),
                ("link", bg),
                ("secondary", bg),
            ]);
            assert_both_schemes(&c, bg);
        }
    }

    #[test]
    fn a_pale_header_gets_dark_text() {
        let c = colors(&[("primary", "#FFF3B0")]);
        let (light, dark) = assert_both_schemes(&c, "pale header");
        assert_eq!(light.on_primary, Rgb::INK);
        assert_eq!(
            light.primary.hex(),
            "#FFF3B0",
            "the header keeps its colour"
        );
        assert_eq!(dark.primary, light.primary);
    }

    #[test]
    fn awkward_themes_pass_in_both_schemes() {
        let awkward = [
            (
                "white on white",
                &[("text", "#FFFFFF"), ("secondary", "#FEFEFE")][..],
            ),
            (
                "all black",
                &[
                    ("background", "#000000"),
                    ("text", "#000000"),
                    ("primary", "#000000"),
                    ("link", "#000000"),
                ],
            ),
            (
                "neon",
                &[
                    ("background", "#00FF00"),
                    ("text", "#FF00FF"),
                    ("link", "#00FFFF"),
                    ("success", "#00FF00"),
                ],
            ),
            (
                "cream and beige",
                &[
                    ("background", "#FFF8E7"),
                    ("text", "#C8B89A"),
                    ("secondary", "#E0D5C0"),
                    ("warning", "#FFE082"),
                    ("info", "#B3E5FC"),
                ],
            ),
            (
                "navy site",
                &[("background", "#0B1F3A"), ("text", "#0B1F3A")],
            ),
        ];
        for (what, overrides) in awkward {
            assert_both_schemes(&colors(overrides), what);
        }
    }

    #[test]
    fn values_that_are_not_colours_fall_back_to_the_defaults() {
        let c = colors(&[("link", "red; } body { display: none"), ("text", "")]);
        let css = css(&c);
        assert!(css.contains("--link: #7F4A91;"), "{css}");
        assert!(css.contains("--text: #333333;"), "{css}");
        assert!(!css.contains("display"), "{css}");
    }

    #[test]
    fn the_stylesheet_has_both_schemes() {
        let css = css(&colors(&[]));
        assert!(css.starts_with(":root {\n  --primary: #3B1C4A;\n"), "{css}");
        assert!(
            css.contains("@media (prefers-color-scheme: dark) {\n  :root {\n"),
            "{css}"
        );
        assert_eq!(css.matches("--background:").count(), 2);
    }

    /// style.css carries the same defaults, for the moment before theme.css loads (and for
    /// pages that do not link it): they must not drift apart.
    #[test]
    fn style_css_has_the_default_theme() {
        let style = include_str!("../../static/style.css");
        let (light_part, dark_part) = style
            .split_once("@media (prefers-color-scheme: dark)")
            .expect("style.css has a dark block");
        let css = css(&colors(&[]));
        for (part, palette) in [
            (light_part, Palette::light(&colors(&[]))),
            (dark_part, Palette::dark(&colors(&[]))),
        ] {
            for (name, colour) in palette.variables() {
                let declaration = format!("--{name}: {};", colour.hex());
                assert!(
                    part.contains(&declaration),
                    "style.css lacks {declaration}; theme.css is:\n{css}"
                );
            }
        }
    }
}
