//! The uploaded logo: the check before it is stored and served on the public page, and the
//! names it is stored under. The admin pages check it, the public page and start-up read it.
//!
//! The logo is served from our own origin, so a hostile SVG would be stored
//! XSS. SVGs with anything active or external are rejected rather than
//! sanitised: a rejection is easy to trust, a rewritten document is not.

use roxmltree::{Node, NodeType, ParsingOptions};

/// Largest accepted upload.
pub const MAX_BYTES: usize = 1024 * 1024;

const SVG_NS: &str = "http://www.w3.org/2000/svg";
const XHTML_NS: &str = "http://www.w3.org/1999/xhtml";
const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";

/// Elements that run script, embed other documents or play media. Compared
/// by local name in any namespace and any case, so that an XHTML `<script>`
/// or a prefixed one is caught too.
const FORBIDDEN_ELEMENTS: &[&str] = &[
    "script",
    "foreignObject",
    "iframe",
    "embed",
    "object",
    "audio",
    "video",
    "set",
    // SVG Tiny 1.2 event handlers, still honoured by some viewers.
    "handler",
    "listener",
];

/// Raster images that may be inlined in an `<image>`; an inline SVG could
/// smuggle in everything this module rejects.
const ALLOWED_DATA_IMAGES: &[&str] = &[
    "data:image/png;base64,",
    "data:image/jpeg;base64,",
    "data:image/webp;base64,",
];

/// Deepest element nesting accepted. roxmltree parses nested elements
/// recursively, and a debug build overflows a 2 MiB thread stack (aborting
/// the whole server) at a few hundred levels; real logos stay far below this.
const MAX_DEPTH: usize = 100;

/// CSS functions that fetch a resource from a bare string, which the `url(`
/// check would not see.
const CSS_FETCHING_FUNCTIONS: &[&str] = &["image-set(", "image(", "src("];

/// An accepted logo's format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogoFormat {
    Png,
    Jpeg,
    Webp,
    Svg,
}

impl LogoFormat {
    /// File extension to store the logo under.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Png => "png",
            Self::Jpeg => "jpg",
            Self::Webp => "webp",
            Self::Svg => "svg",
        }
    }

    /// `Content-Type` to serve the logo with.
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Png => "image/png",
            Self::Jpeg => "image/jpeg",
            Self::Webp => "image/webp",
            Self::Svg => "image/svg+xml",
        }
    }
}

/// Names of stored logos carry their content's hash, so that browsers may keep them for good.
pub fn is_media_name(name: &str) -> bool {
    let Some(rest) = name.strip_prefix("logo.") else {
        return false;
    };
    let Some((hash, ext)) = rest.split_once('.') else {
        return false;
    };
    hash.len() == 16
        && hash
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        && matches!(ext, "png" | "jpg" | "webp" | "svg")
}

/// Why a logo was refused, worded for the admin who uploaded it.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum LogoError {
    #[error("The file is empty.")]
    Empty,
    #[error(
        "The logo is {} KiB; at most 1024 KiB (1 MiB) is allowed.",
        .bytes.div_ceil(1024)
    )]
    TooLarge { bytes: usize },
    #[error("Only PNG, JPEG, WebP and SVG images can be used as a logo.")]
    UnknownFormat,
    #[error(
        "This SVG cannot be used: it contains {0}. Export it again without scripts, \
         event handlers or external references."
    )]
    UnsafeSvg(String),
    #[error("This SVG cannot be read: {0}")]
    BadSvg(String),
}

/// Identifies the logo by its content (never its name or declared type) and,
/// for an SVG, checks that it has nothing active or external.
pub fn check(bytes: &[u8]) -> Result<LogoFormat, LogoError> {
    if bytes.is_empty() {
        return Err(LogoError::Empty);
    }
    if bytes.len() > MAX_BYTES {
        return Err(LogoError::TooLarge { bytes: bytes.len() });
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Ok(LogoFormat::Png);
    }
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Ok(LogoFormat::Jpeg);
    }
    if bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") {
        return Ok(LogoFormat::Webp);
    }
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Err(LogoError::UnknownFormat);
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // Sniffing the root's name before parsing keeps an HTML page or other
    // XML an unknown format instead of a confusing "cannot read this SVG".
    let is_svg_candidate =
        root_tag_name(text).is_some_and(|name| name == "svg" || name.ends_with(":svg"));
    if !is_svg_candidate {
        return Err(LogoError::UnknownFormat);
    }
    check_svg(text)?;
    Ok(LogoFormat::Svg)
}

/// The qualified name of the first start tag after the prolog (declaration,
/// comments, processing instructions, DOCTYPE).
fn root_tag_name(text: &str) -> Option<&str> {
    let mut rest = text;
    loop {
        rest = rest.trim_start();
        if let Some(after) = rest.strip_prefix("<?") {
            rest = &after[after.find("?>")? + 2..];
        } else if let Some(after) = rest.strip_prefix("<!--") {
            rest = &after[after.find("-->")? + 3..];
        } else if rest.starts_with("<!") {
            rest = skip_doctype(rest)?;
        } else {
            let after = rest.strip_prefix('<')?;
            let end = after
                .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
                .unwrap_or(after.len());
            return Some(&after[..end]);
        }
    }
}

/// The text after a `<!DOCTYPE …>`, whose internal subset may hold `>`.
fn skip_doctype(text: &str) -> Option<&str> {
    let mut depth = 0usize;
    let mut quote = None;
    for (i, c) in text.char_indices() {
        match (quote, c) {
            (Some(q), _) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '[') => depth += 1,
            (None, ']') => depth = depth.saturating_sub(1),
            (None, '>') if depth == 0 => return Some(&text[i + 1..]),
            _ => {}
        }
    }
    None
}

fn check_svg(text: &str) -> Result<(), LogoError> {
    if nesting_exceeds(text.as_bytes(), MAX_DEPTH) {
        return Err(LogoError::BadSvg(format!(
            "its elements are nested more than {MAX_DEPTH} levels deep."
        )));
    }
    // DTDs stay refused: entities are how billion-laughs and external entity
    // attacks get in, and no exported logo needs one.
    let options = ParsingOptions {
        allow_dtd: false,
        ..ParsingOptions::default()
    };
    let doc = match roxmltree::Document::parse_with_options(text, options) {
        Ok(doc) => doc,
        Err(roxmltree::Error::DtdDetected) => {
            return Err(LogoError::UnsafeSvg(
                "a DOCTYPE declaration (DTDs and entities are not allowed)".to_owned(),
            ));
        }
        Err(err) => return Err(LogoError::BadSvg(err.to_string())),
    };
    let root = doc.root_element().tag_name();
    if root.name() != "svg" || root.namespace() != Some(SVG_NS) {
        return Err(LogoError::UnknownFormat);
    }
    match doc.descendants().find_map(offence) {
        Some(what) => Err(LogoError::UnsafeSvg(what)),
        None => Ok(()),
    }
}

/// Whether elements nest deeper than `max`, by a lexical scan that is only
/// exact enough to bound the parser's recursion; malformed input is left for
/// the parser to report.
fn nesting_exceeds(xml: &[u8], max: usize) -> bool {
    let mut depth = 0usize;
    let mut pos = 0;
    while let Some(found) = xml[pos..].iter().position(|&b| b == b'<') {
        let rest = &xml[pos + found..];
        let skip_to = |end: &[u8]| find(rest, end).map(|at| at + end.len());
        let consumed = if rest.starts_with(b"<!--") {
            skip_to(b"-->")
        } else if rest.starts_with(b"<![CDATA[") {
            skip_to(b"]]>")
        } else if rest.starts_with(b"<?") {
            skip_to(b"?>")
        } else if rest.starts_with(b"<!") {
            Some(2)
        } else if rest.starts_with(b"</") {
            depth = depth.saturating_sub(1);
            Some(2)
        } else {
            let end = tag_end(rest);
            if end.is_some_and(|end| rest[end - 1] != b'/') {
                depth += 1;
                if depth > max {
                    return true;
                }
            }
            end.map(|end| end + 1)
        };
        let Some(consumed) = consumed else {
            return false;
        };
        pos += found + consumed;
    }
    false
}

/// Index of the `>` closing the start tag at the beginning of `tag`.
fn tag_end(tag: &[u8]) -> Option<usize> {
    let mut quote = None;
    for (i, &b) in tag.iter().enumerate() {
        match (quote, b) {
            (Some(q), _) if b == q => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') => quote = Some(b),
            (None, b'>') => return Some(i),
            _ => {}
        }
    }
    None
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

/// What makes `node` unsafe, phrased to follow "it contains".
fn offence(node: Node) -> Option<String> {
    match node.node_type() {
        NodeType::PI => {
            let target = node.pi().map_or("", |pi| pi.target);
            Some(format!(
                "a processing instruction (<?{} …?>)",
                shorten(target)
            ))
        }
        NodeType::Element => element_offence(node),
        NodeType::Text => None,
        NodeType::Comment => {
            // Browsers drop comments inside <style> and join the text around them, so
            // `@imp<!---->ort` would slip past a check of each piece: refuse them there.
            let in_style = node
                .parent_element()
                .is_some_and(|parent| parent.tag_name().name().eq_ignore_ascii_case("style"));
            in_style.then(|| "a comment inside a <style> element".to_owned())
        }
        NodeType::Root => None,
    }
}

fn element_offence(node: Node) -> Option<String> {
    let tag = node.tag_name();
    let name = tag.name();
    if name.eq_ignore_ascii_case("style") {
        // The style sheet as the browser reads it: all its text, joined.
        let css: String = node
            .children()
            .filter(|child| child.is_text())
            .filter_map(|child| child.text())
            .collect();
        if let Some(offence) = css_offence(&css) {
            return Some(offence);
        }
    }
    if tag.namespace() == Some(XHTML_NS) {
        return Some(format!("an HTML element (<{}>)", shorten(name)));
    }
    if FORBIDDEN_ELEMENTS
        .iter()
        .any(|forbidden| name.eq_ignore_ascii_case(forbidden))
    {
        return Some(format!("a <{}> element", shorten(name)));
    }
    let is_animation = name
        .get(..7)
        .is_some_and(|prefix| prefix.eq_ignore_ascii_case("animate"));
    for attr in node.attributes() {
        let attr_name = attr.name();
        let value = attr.value();
        if attr_name
            .get(..2)
            .is_some_and(|prefix| prefix.eq_ignore_ascii_case("on"))
        {
            return Some(format!("an {} attribute", shorten(attr_name)));
        }
        // xml:base would turn an allowed `#fragment` into an external URL.
        if attr.namespace() == Some(XML_NS) && attr_name == "base" {
            return Some("an xml:base attribute".to_owned());
        }
        if is_javascript_url(value) {
            return Some("a javascript: URL".to_owned());
        }
        if attr_name.eq_ignore_ascii_case("href") && !is_allowed_href(name, value) {
            return Some(external_reference(value.trim()));
        }
        if is_animation && attr_name == "attributeName" && animates_forbidden(value) {
            return Some(format!(
                "an animation of the {} attribute",
                shorten(value.trim())
            ));
        }
        let found = if attr_name.eq_ignore_ascii_case("style") {
            css_offence(value)
        } else {
            // Presentation attributes such as fill and filter take url() too.
            url_offence(value)
        };
        if found.is_some() {
            return found;
        }
    }
    None
}

/// Browsers drop whitespace and control characters inside a URL's scheme, so
/// `java\nscript:` still runs.
fn is_javascript_url(value: &str) -> bool {
    let compact: String = value
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    compact.contains("javascript:")
}

fn is_allowed_href(element: &str, value: &str) -> bool {
    let value = value.trim();
    value.is_empty()
        || value.starts_with('#')
        || (element.eq_ignore_ascii_case("image")
            && ALLOWED_DATA_IMAGES.iter().any(|prefix| {
                value
                    .get(..prefix.len())
                    .is_some_and(|start| start.eq_ignore_ascii_case(prefix))
            }))
}

/// Animating a link target or an event handler would slip past the checks on
/// the attributes as written.
fn animates_forbidden(attribute_name: &str) -> bool {
    let local = attribute_name
        .trim()
        .rsplit(':')
        .next()
        .unwrap_or(attribute_name);
    local.eq_ignore_ascii_case("href")
        || local
            .get(..2)
            .is_some_and(|prefix| prefix.eq_ignore_ascii_case("on"))
}

/// Checks a style sheet or a `style` attribute.
fn css_offence(css: &str) -> Option<String> {
    // Escapes can spell `url(` or `@import` in ways a substring check misses,
    // and exported logos have no need for them.
    if css.contains('\\') {
        return Some("a CSS escape (\\)".to_owned());
    }
    let lower = css.to_ascii_lowercase();
    if lower.contains("@import") {
        return Some("an @import rule".to_owned());
    }
    if let Some(found) = url_offence(css) {
        return Some(found);
    }
    CSS_FETCHING_FUNCTIONS
        .iter()
        .find(|function| lower.contains(*function))
        .map(|function| format!("a CSS {function}…) function"))
}

/// The first `url(…)` that points anywhere but into this document.
fn url_offence(text: &str) -> Option<String> {
    // ASCII lowercasing keeps byte offsets, so they index `text` as well.
    let lower = text.to_ascii_lowercase();
    let mut from = 0;
    while let Some(found) = lower[from..].find("url(") {
        let start = from + found + "url(".len();
        let rest = &text[start..];
        let end = rest.find(')').unwrap_or(rest.len());
        let target = rest[..end].trim().trim_matches(|c| c == '"' || c == '\'');
        if !target.trim_start().starts_with('#') {
            return Some(external_reference(target.trim()));
        }
        from = start;
    }
    None
}

fn external_reference(target: &str) -> String {
    format!("an external reference ({})", shorten(target))
}

/// Keeps uploaded text in an error message to a readable length.
fn shorten(text: &str) -> String {
    const MAX_CHARS: usize = 80;
    match text.char_indices().nth(MAX_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_hashed_logo_names_are_media() {
        assert!(super::is_media_name("logo.0123456789abcdef.svg"));
        assert!(!super::is_media_name("logo.0123456789abcdef.html"));
        assert!(!super::is_media_name("../monostat.db"));
        assert!(!super::is_media_name("logo.0123456789ABCDEF.png"));
    }

    #[test]
    fn style_split_by_a_comment_is_refused() {
        for svg in [
            r#"<svg xmlns="http://www.w3.org/2000/svg"><style>@imp<!---->ort "https://x/a.css";</style></svg>"#,
            r#"<svg xmlns="http://www.w3.org/2000/svg"><style>g { fill: u<!---->rl(https://x) }</style></svg>"#,
        ] {
            assert!(
                matches!(
                    super::check(svg.as_bytes()),
                    Err(super::LogoError::UnsafeSvg(_))
                ),
                "{svg}"
            );
        }
    }

    use super::*;

    /// A complete 1×1 transparent PNG.
    const PNG: &[u8] = &[
        0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44,
        0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f,
        0x15, 0xc4, 0x89, 0x00, 0x00, 0x00, 0x0b, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x60,
        0x00, 0x02, 0x00, 0x00, 0x05, 0x00, 0x01, 0x7a, 0x5e, 0xab, 0x3f, 0x00, 0x00, 0x00, 0x00,
        0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
    ];
    const JPEG_HEADER: &[u8] = b"\xFF\xD8\xFF\xE0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01";
    const WEBP_HEADER: &[u8] = b"RIFF\x24\x00\x00\x00WEBPVP8 \x18\x00\x00\x00";

    const HARMLESS_SVG: &str = r##"<?xml version="1.0" encoding="UTF-8"?>
<!-- Exported for the status page -->
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
     viewBox="0 0 100 100" width="100" height="100">
  <style><![CDATA[ .mark { fill: url(#g); stroke: url( '#g' ); } ]]></style>
  <defs>
    <linearGradient id="g" x1="0" x2="1">
      <stop offset="0" stop-color="#08f"/>
      <stop offset="1" stop-color="#0cf"/>
    </linearGradient>
    <path id="p" d="M10 10h80v80H10z"/>
  </defs>
  <g class="mark" opacity="0.9">
    <path d="M20 20h60v60H20z" fill="url(#g)" style="stroke-width: 2"/>
    <use href="#p"/>
    <use xlink:href="#p" x="5"/>
    <image width="1" height="1" href="data:image/png;base64,iVBORw0KGgo="/>
  </g>
  <text x="50" y="95">Acme</text>
</svg>
"##;

    fn svg(body: &str) -> String {
        format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">{body}</svg>"#
        )
    }

    fn unsafe_reason(bytes: &[u8]) -> String {
        match check(bytes) {
            Err(LogoError::UnsafeSvg(what)) => what,
            other => panic!("expected UnsafeSvg, got {other:?}"),
        }
    }

    #[test]
    fn raster_formats_by_magic_bytes() {
        assert_eq!(check(PNG), Ok(LogoFormat::Png));
        assert_eq!(check(JPEG_HEADER), Ok(LogoFormat::Jpeg));
        assert_eq!(check(WEBP_HEADER), Ok(LogoFormat::Webp));
        assert_eq!(
            check(b"RIFF\x24\x00\x00\x00WAVEfmt "),
            Err(LogoError::UnknownFormat)
        );
    }

    #[test]
    fn format_names() {
        assert_eq!(LogoFormat::Jpeg.extension(), "jpg");
        assert_eq!(LogoFormat::Svg.extension(), "svg");
        assert_eq!(LogoFormat::Svg.content_type(), "image/svg+xml");
        assert_eq!(LogoFormat::Webp.content_type(), "image/webp");
    }

    #[test]
    fn harmless_svg_passes() {
        assert_eq!(check(HARMLESS_SVG.as_bytes()), Ok(LogoFormat::Svg));
        let with_bom = format!("\u{feff}{HARMLESS_SVG}");
        assert_eq!(check(with_bom.as_bytes()), Ok(LogoFormat::Svg));
        let leading = "\n  <!-- a --><svg xmlns=\"http://www.w3.org/2000/svg\"/>";
        assert_eq!(check(leading.as_bytes()), Ok(LogoFormat::Svg));
        let prefixed = r#"<s:svg xmlns:s="http://www.w3.org/2000/svg"><s:rect/></s:svg>"#;
        assert_eq!(check(prefixed.as_bytes()), Ok(LogoFormat::Svg));
    }

    #[test]
    fn script_and_embedding_elements_are_rejected() {
        assert_eq!(
            unsafe_reason(svg("<script>alert(1)</script>").as_bytes()),
            "a <script> element"
        );
        assert_eq!(
            unsafe_reason(svg("<foreignObject><div/></foreignObject>").as_bytes()),
            "a <foreignObject> element"
        );
        let xhtml = svg(r#"<h:p xmlns:h="http://www.w3.org/1999/xhtml">x</h:p>"#);
        assert_eq!(unsafe_reason(xhtml.as_bytes()), "an HTML element (<p>)");
        for element in ["iframe", "embed", "object", "audio", "video"] {
            let reason = unsafe_reason(svg(&format!("<{element}/>")).as_bytes());
            assert_eq!(reason, format!("a <{element}> element"));
        }
    }

    #[test]
    fn event_handlers_are_rejected() {
        let onload = r#"<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>"#;
        assert_eq!(unsafe_reason(onload.as_bytes()), "an onload attribute");
        assert_eq!(
            unsafe_reason(svg(r#"<rect ONCLICK="alert(1)"/>"#).as_bytes()),
            "an ONCLICK attribute"
        );
    }

    #[test]
    fn javascript_urls_are_rejected() {
        assert_eq!(
            unsafe_reason(svg(r#"<a href="javascript:alert(1)"><rect/></a>"#).as_bytes()),
            "a javascript: URL"
        );
        assert_eq!(
            unsafe_reason(svg("<a href=\"java\nscript:alert(1)\"><rect/></a>").as_bytes()),
            "a javascript: URL"
        );
        assert_eq!(
            unsafe_reason(svg(r#"<a xlink:href=" JaVa&#9;ScRiPt:alert(1)"/>"#).as_bytes()),
            "a javascript: URL"
        );
    }

    #[test]
    fn external_references_are_rejected() {
        assert_eq!(
            unsafe_reason(svg(r#"<use href="https://evil.example/x.svg#a"/>"#).as_bytes()),
            "an external reference (https://evil.example/x.svg#a)"
        );
        assert_eq!(
            unsafe_reason(svg(r#"<image xlink:href="http://x/y.png"/>"#).as_bytes()),
            "an external reference (http://x/y.png)"
        );
        assert_eq!(
            unsafe_reason(svg(r#"<a href="https://example.com"><rect/></a>"#).as_bytes()),
            "an external reference (https://example.com)"
        );
        assert_eq!(
            unsafe_reason(svg(r#"<filter><feImage href="x.svg"/></filter>"#).as_bytes()),
            "an external reference (x.svg)"
        );
        assert_eq!(
            unsafe_reason(svg(r#"<image href="data:image/svg+xml;base64,PHN2Zz4="/>"#).as_bytes()),
            "an external reference (data:image/svg+xml;base64,PHN2Zz4=)"
        );
        assert_eq!(
            unsafe_reason(svg(r#"<rect fill="url(https://x/p.svg#g)"/>"#).as_bytes()),
            "an external reference (https://x/p.svg#g)"
        );
        assert_eq!(
            unsafe_reason(svg(r##"<g xml:base="https://x/"><use href="#a"/></g>"##).as_bytes()),
            "an xml:base attribute"
        );
    }

    #[test]
    fn hostile_css_is_rejected() {
        assert_eq!(
            unsafe_reason(svg("<style>@import url(https://x)</style>").as_bytes()),
            "an @import rule"
        );
        assert_eq!(
            unsafe_reason(svg("<style>rect { fill: url('//x/y.svg#g') }</style>").as_bytes()),
            "an external reference (//x/y.svg#g)"
        );
        assert_eq!(
            unsafe_reason(svg(r#"<rect style="fill: URL(https://x/y)"/>"#).as_bytes()),
            "an external reference (https://x/y)"
        );
        assert_eq!(
            unsafe_reason(svg(r"<style>rect { fill: u\72l(https://x) }</style>").as_bytes()),
            "a CSS escape (\\)"
        );
        assert_eq!(
            unsafe_reason(
                svg(r#"<style>g { mask: image-set("https://x" 1x) }</style>"#).as_bytes()
            ),
            "a CSS image-set(…) function"
        );
    }

    #[test]
    fn doctype_and_processing_instructions_are_rejected() {
        let laughs = r#"<?xml version="1.0"?>
<!DOCTYPE svg [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>
<svg xmlns="http://www.w3.org/2000/svg"><text>&lol2;</text></svg>"#;
        assert_eq!(
            unsafe_reason(laughs.as_bytes()),
            "a DOCTYPE declaration (DTDs and entities are not allowed)"
        );
        let stylesheet = format!(r#"<?xml-stylesheet href="x.css"?>{}"#, svg(""));
        assert_eq!(
            unsafe_reason(stylesheet.as_bytes()),
            "a processing instruction (<?xml-stylesheet …?>)"
        );
    }

    #[test]
    fn href_animation_is_rejected() {
        assert_eq!(
            unsafe_reason(
                svg(r#"<a><set attributeName="href" to="javascript:alert(1)"/></a>"#).as_bytes()
            ),
            "a <set> element"
        );
        assert_eq!(
            unsafe_reason(
                svg(
                    r##"<a href="#x"><animate attributeName="xlink:href" values="https://x"/></a>"##
                )
                .as_bytes()
            ),
            "an animation of the xlink:href attribute"
        );
        assert_eq!(
            check(
                svg(r#"<rect><animate attributeName="x" values="0;10" dur="1s"/></rect>"#)
                    .as_bytes()
            ),
            Ok(LogoFormat::Svg)
        );
    }

    #[test]
    fn other_content_is_unknown() {
        let no_namespace = "<svg viewBox=\"0 0 1 1\"><rect/></svg>";
        assert_eq!(
            check(no_namespace.as_bytes()),
            Err(LogoError::UnknownFormat)
        );
        assert_eq!(
            check(b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"),
            Err(LogoError::UnknownFormat)
        );
        let random: Vec<u8> = (0u32..512).map(|i| (i * 7919 % 251) as u8).collect();
        assert_eq!(check(&random), Err(LogoError::UnknownFormat));
        let html = "<!DOCTYPE html>\n<html><head><meta charset=utf-8><title>x</title></head>\
                    <body><svg xmlns=\"http://www.w3.org/2000/svg\"></svg></body></html>";
        assert_eq!(check(html.as_bytes()), Err(LogoError::UnknownFormat));
        assert_eq!(check(b"hello"), Err(LogoError::UnknownFormat));
    }

    #[test]
    fn malformed_svg_is_bad() {
        let result = check(b"<svg xmlns=\"http://www.w3.org/2000/svg\"><g></svg>");
        assert!(matches!(result, Err(LogoError::BadSvg(_))), "{result:?}");
    }

    #[test]
    fn deep_nesting_is_refused_before_parsing() {
        let nested = |depth: usize| {
            svg(&format!(
                "<!-- <g> --><![CDATA[<g>]]>{}<rect/><g a='>'/>{}",
                "<g>".repeat(depth - 1),
                "</g>".repeat(depth - 1)
            ))
        };
        assert_eq!(check(nested(MAX_DEPTH).as_bytes()), Ok(LogoFormat::Svg));
        let result = check(nested(MAX_DEPTH + 1).as_bytes());
        assert!(matches!(result, Err(LogoError::BadSvg(_))), "{result:?}");
        // Deep enough to overflow the stack if it reached the parser.
        let result = check(nested(100_000).as_bytes());
        assert!(matches!(result, Err(LogoError::BadSvg(_))), "{result:?}");
    }

    #[test]
    fn size_limits() {
        assert_eq!(check(b""), Err(LogoError::Empty));
        let mut big = PNG.to_vec();
        big.resize(MAX_BYTES, 0);
        assert_eq!(check(&big), Ok(LogoFormat::Png));
        big.push(0);
        assert_eq!(
            check(&big),
            Err(LogoError::TooLarge {
                bytes: MAX_BYTES + 1
            })
        );
    }

    #[test]
    fn messages_speak_to_the_admin() {
        assert_eq!(LogoError::Empty.to_string(), "The file is empty.");
        assert_eq!(
            LogoError::TooLarge {
                bytes: MAX_BYTES + 1
            }
            .to_string(),
            "The logo is 1025 KiB; at most 1024 KiB (1 MiB) is allowed."
        );
        assert_eq!(
            LogoError::UnsafeSvg("a <script> element".to_owned()).to_string(),
            "This SVG cannot be used: it contains a <script> element. Export it again \
             without scripts, event handlers or external references."
        );
        let long = format!("https://x/{}", "a".repeat(200));
        let reason = unsafe_reason(svg(&format!(r#"<use href="{long}"/>"#)).as_bytes());
        assert!(reason.chars().count() < 120, "{reason}");
    }
}
