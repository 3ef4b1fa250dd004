//! Just enough of an HTML reader to list the tags that a sanitiser let through.

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    /// Lower case; closing tags are listed too, with their name.
    pub name: String,
    pub attributes: Vec<(String, String)>,
}

/// The tags in serialised HTML (html5ever's output: attribute values double-quoted, text's `<`
/// escaped), in order.
pub fn html_tags(html: &str) -> Vec<Tag> {
    let mut tags = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        rest = &rest[start + 1..];
        rest = rest.strip_prefix('/').unwrap_or(rest);
        let name_end = rest
            .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
            .unwrap_or(rest.len());
        let name = rest[..name_end].to_ascii_lowercase();
        rest = &rest[name_end..];
        let mut attributes = Vec::new();
        loop {
            rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
            if rest.is_empty() {
                break;
            }
            if let Some(after) = rest.strip_prefix('>') {
                rest = after;
                break;
            }
            let attr_end = rest
                .find(|c: char| c.is_whitespace() || c == '=' || c == '>')
                .unwrap_or(rest.len());
            let attr = rest[..attr_end].to_ascii_lowercase();
            rest = &rest[attr_end..];
            let mut value = String::new();
            if let Some(after) = rest.strip_prefix("=\"") {
                let end = after.find('"').unwrap_or(after.len());
                value = after[..end].replace("&quot;", "\"").replace("&amp;", "&");
                rest = after.get(end + 1..).unwrap_or("");
            } else if let Some(after) = rest.strip_prefix('=') {
                let end = after
                    .find(|c: char| c.is_whitespace() || c == '>')
                    .unwrap_or(after.len());
                value = after[..end].to_owned();
                rest = &after[end..];
            }
            attributes.push((attr, value));
        }
        tags.push(Tag { name, attributes });
    }
    tags
}
