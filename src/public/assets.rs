//! The page's own static files, compiled into the binary and served under content-hashed names
//! (`style.3f2a9c01de.css`), so browsers may keep them for a year and still never see a stale one.

use super::rendered::Rendered;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::LazyLock;

const FILES: [(&str, &str, &[u8]); 6] = [
    (
        "style.css",
        "text/css; charset=utf-8",
        include_bytes!("../../static/style.css"),
    ),
    (
        "time.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../static/time.js"),
    ),
    (
        "favicon.svg",
        "image/svg+xml",
        include_bytes!("../../static/favicon.svg"),
    ),
    (
        "admin.css",
        "text/css; charset=utf-8",
        include_bytes!("../../static/admin.css"),
    ),
    (
        "admin.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../static/admin.js"),
    ),
    (
        "embed.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../static/embed.js"),
    ),
];

pub struct Assets {
    /// Plain name to hashed name.
    names: HashMap<&'static str, String>,
    /// Hashed name to content.
    files: HashMap<String, Rendered>,
}

static ASSETS: LazyLock<Assets> = LazyLock::new(|| {
    let mut names = HashMap::new();
    let mut files = HashMap::new();
    for (name, content_type, bytes) in FILES {
        let (stem, ext) = name.rsplit_once('.').unwrap_or((name, ""));
        let hashed = Assets::hashed_name(stem, ext, bytes);
        files.insert(hashed.clone(), Rendered::new(content_type, bytes.to_vec()));
        names.insert(name, hashed);
    }
    Assets { names, files }
});

impl Assets {
    pub fn get() -> &'static Assets {
        &ASSETS
    }

    /// `/static/{hashed name}` of one of the files above.
    pub fn url(&self, name: &str) -> String {
        match self.names.get(name) {
            Some(hashed) => format!("/static/{hashed}"),
            None => format!("/static/{name}"),
        }
    }

    /// A file by its plain name, for the few addresses other sites link to (`/embed.js`).
    pub fn by_name(&self, name: &str) -> Option<&Rendered> {
        self.names
            .get(name)
            .and_then(|hashed| self.files.get(hashed))
    }

    pub fn file(&self, hashed_name: &str) -> Option<&Rendered> {
        self.files.get(hashed_name)
    }

    pub fn hashed_name(stem: &str, ext: &str, content: impl AsRef<[u8]>) -> String {
        let digest = Sha256::digest(content.as_ref());
        let hex: String = digest[..5].iter().map(|b| format!("{b:02x}")).collect();
        format!("{stem}.{hex}.{ext}")
    }
}
