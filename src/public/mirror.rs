//! The static mirror: the public site as plain files, for a static file server, object storage
//! or a second host that keeps answering when this server does not.
//!
//! Every page is written where a static server finds it under the server's own path
//! (`/history` → `history/index.html`, `/2026-01-31/7` → `2026-01-31/7/index.html`), so old
//! links keep working on servers that serve `index.html` for a directory. Links inside the
//! pages are rewritten to relative paths naming the file itself (`../history/index.html`), so
//! the folder also works under any prefix, from a bucket without index documents or from disk.
//! A link to a page the mirror does not hold (a day older than the history) points at the live
//! site, `MONOSTAT_SITE_URL`. The feeds, the maintenance calendar and the API keep their absolute
//! links to it, as RSS, Atom, iCalendar and Statuspage's API require absolute URLs.
//!
//! Publishing is atomic: the files are written into a fresh sibling directory
//! (`DIR.monostat-<generation>`), then `DIR`, a symbolic link, is replaced by a new link to it
//! with one rename(2). A reader sees the old site or the new one, never a mix. The previous
//! generation is kept, for readers still inside it; older ones are removed.

use super::assets::Assets;
use super::render::{RenderError, Renderer, SitePages};
use crate::config::Config;
use crate::storage::Db;
use jiff::Timestamp;
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

/// The page's own files the public pages link to, and the banner script other sites include.
const ASSETS: [&str; 3] = ["style.css", "time.js", "favicon.svg"];

/// What generation directories are called after the mirror's own name.
const GENERATION: &str = ".monostat-";

#[derive(Debug, thiserror::Error)]
pub enum MirrorError {
    #[error(transparent)]
    Render(#[from] RenderError),
    #[error(transparent)]
    Storage(#[from] crate::storage::StorageError),
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: io::Error },
    #[error(
        "{0} exists and is not a mirror monostat wrote (a symbolic link to a generation beside it); remove it or choose another path"
    )]
    NotOurs(PathBuf),
    #[error("{0:?} does not name a directory")]
    BadPath(PathBuf),
}

impl MirrorError {
    /// The path given is at fault, rather than the database or the disk.
    pub fn is_usage(&self) -> bool {
        matches!(self, Self::NotOurs(_) | Self::BadPath(_))
    }
}

fn io_error(path: &Path) -> impl FnOnce(io::Error) -> MirrorError + '_ {
    move |source| MirrorError::Io {
        path: path.to_owned(),
        source,
    }
}

/// What one export wrote.
#[derive(Debug)]
pub struct Written {
    pub files: usize,
    pub bytes: u64,
    /// The directory `DIR` now links to.
    pub generation: PathBuf,
}

#[derive(Clone, Debug)]
pub struct Mirror {
    dir: PathBuf,
    /// A digest of what this process last published: an export with the same files (the
    /// once-a-minute rendering, mostly) writes nothing, so syncing the mirror elsewhere copies
    /// only what changed.
    published: Arc<Mutex<Option<[u8; 32]>>>,
}

impl Mirror {
    pub fn new(dir: PathBuf) -> Self {
        Self {
            dir,
            published: Arc::default(),
        }
    }

    /// Renders the site as it is at `now` and publishes it. Rendering reads the database; the
    /// files are written off the async runtime.
    /// `None` when the files are what this mirror last published, and nothing was written.
    pub async fn write(
        &self,
        renderer: &Renderer,
        now: Timestamp,
    ) -> Result<Option<Written>, MirrorError> {
        let pages = renderer.site_pages(now).await?;
        let site_url = renderer
            .site_url()
            .as_str()
            .trim_end_matches('/')
            .to_owned();
        let dir = self.dir.clone();
        let published = self.published.clone();
        tokio::task::spawn_blocking(move || {
            let files = files(pages, &site_url);
            let digest = digest(&files);
            let mut last = published.lock().unwrap_or_else(|p| p.into_inner());
            if *last == Some(digest) && dir.join("index.html").is_file() {
                return Ok(None);
            }
            let written = publish(&dir, &files)?;
            *last = Some(digest);
            Ok(Some(written))
        })
        .await
        .map_err(|e| io_error(&self.dir)(io::Error::other(e)))?
    }

    /// Rewrites the mirror after every rendering of the public pages, until shutdown. Renderings
    /// that happen while one is written fold into one more export; a failed export leaves the
    /// last mirror in place and is logged, and never affects the page.
    pub async fn keep_written(
        self,
        renderer: Renderer,
        mut renderings: watch::Receiver<u64>,
        shutdown: CancellationToken,
    ) {
        // The rendering made at start-up counts.
        renderings.mark_changed();
        let mut healthy = true;
        loop {
            tokio::select! {
                _ = shutdown.cancelled() => return,
                changed = renderings.changed() => if changed.is_err() { return },
            }
            if *renderings.borrow_and_update() == 0 {
                continue;
            }
            let started = std::time::Instant::now();
            match self.write(&renderer, Timestamp::now()).await {
                Ok(written) => {
                    if !healthy {
                        tracing::info!(dir = %self.dir.display(), "static mirror written again");
                    }
                    healthy = true;
                    if let Some(written) = written {
                        tracing::debug!(
                            files = written.files,
                            elapsed_ms = started.elapsed().as_millis(),
                            "static mirror written"
                        );
                    }
                }
                Err(e) => {
                    if healthy {
                        tracing::warn!(error = %e, dir = %self.dir.display(), "cannot write the static mirror; the last one stays");
                    }
                    healthy = false;
                }
            }
        }
    }
}

/// `monostat export`: the site as it is now, read from `db` (the caller opens and closes it),
/// published at `out`.
pub async fn export(
    db: &Db,
    config: &Config,
    out: PathBuf,
) -> Result<Option<Written>, MirrorError> {
    let renderer = Renderer::new(
        db.clone(),
        config.time_zone.zone.clone(),
        config.site_url.clone(),
    )
    .with_language(config.language);
    Mirror::new(out).write(&renderer, Timestamp::now()).await
}

/// The file a static server answers the server's `path` with.
fn file_for(path: &str) -> String {
    match path.trim_start_matches('/') {
        "" => "index.html".to_owned(),
        // Linked with an extension, so static servers send the right type.
        "feed/rss" => "feed/rss.xml".to_owned(),
        "feed/atom" => "feed/atom.xml".to_owned(),
        "feed/json" => "feed/feed.json".to_owned(),
        p if p.rsplit('/').next().is_some_and(|last| last.contains('.')) => p.to_owned(),
        p => format!("{}/index.html", p.trim_end_matches('/')),
    }
}

/// Every file of the mirror, by its path inside it, HTML links made relative.
fn files(pages: SitePages, site_url: &str) -> Vec<(String, Vec<u8>)> {
    let SitePages { site, pages, logo } = pages;
    let assets = Assets::get();
    let mut files: Vec<(String, Vec<u8>)> = Vec::with_capacity(pages.len() + 8);
    for name in ASSETS {
        if let Some(file) = assets.by_name(name) {
            files.push((file_for(&assets.url(name)), file.body().to_vec()));
        }
    }
    if let Some(script) = assets.by_name("embed.js") {
        files.push(("embed.js".to_owned(), script.body().to_vec()));
    }
    if let (Some(url), Some(content)) = (site.logo_url.as_deref(), logo) {
        files.push((file_for(url), content));
    }
    let mut html = Vec::new();
    for (path, body) in pages {
        let file = file_for(&path);
        // Subscribers of the feeds at their server addresses find them there too.
        if path.starts_with("/feed/") {
            files.push((path.trim_start_matches('/').to_owned(), body.clone().into()));
        }
        if file.ends_with(".html") {
            html.push((file, body));
        } else {
            files.push((file, body.into()));
        }
    }
    let known: HashSet<String> = files
        .iter()
        .map(|(file, _)| file.clone())
        .chain(html.iter().map(|(file, _)| file.clone()))
        .collect();
    for (file, body) in html {
        let depth = file.matches('/').count();
        let body = relative_links(&body, depth, &known, site_url);
        files.push((file, body.into_bytes()));
    }
    files
}

/// `html` with every `href` and `src` that starts with `/` pointing at the mirror's file,
/// relative to a page `depth` folders deep, or at the live site when the mirror has no such file.
fn relative_links(html: &str, depth: usize, known: &HashSet<String>, site_url: &str) -> String {
    let up = "../".repeat(depth);
    let mut out = String::with_capacity(html.len() + html.len() / 8);
    let mut rest = html;
    while let Some(start) = next_link(rest) {
        out.push_str(&rest[..start]);
        rest = &rest[start..];
        let end = rest.find('"').unwrap_or(rest.len());
        let value = &rest[..end];
        if value.starts_with('/') && !value.starts_with("//") {
            let (path, tail) = value.split_at(value.find(['?', '#']).unwrap_or(value.len()));
            let file = file_for(path);
            if known.contains(&file) {
                out.push_str(&up);
                out.push_str(&file);
                out.push_str(tail);
            } else {
                out.push_str(site_url);
                out.push_str(value);
            }
        } else {
            out.push_str(value);
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// Where the value of the next ` href="` or ` src="` attribute begins. Both are written with
/// double quotes by the templates and by `rich_text`, which escape any quote in a value.
fn next_link(html: &str) -> Option<usize> {
    let mut from = 0;
    loop {
        let at = from + html[from..].find(['h', 's'])?;
        let after = &html[at..];
        let attribute = ["href=\"", "src=\""]
            .into_iter()
            .find(|a| after.starts_with(a));
        let preceded = html[..at].ends_with(|c: char| c.is_ascii_whitespace());
        match attribute {
            Some(a) if preceded => return Some(at + a.len()),
            _ => from = at + 1,
        }
    }
}

fn digest(files: &[(String, Vec<u8>)]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    for (name, body) in files {
        hasher.update((name.len() as u64).to_le_bytes());
        hasher.update(name.as_bytes());
        hasher.update((body.len() as u64).to_le_bytes());
        hasher.update(body);
    }
    hasher.finalize().into()
}

/// Writes `files` into a new generation next to `dir` and swaps `dir` to it.
fn publish(dir: &Path, files: &[(String, Vec<u8>)]) -> Result<Written, MirrorError> {
    let Some(name) = dir.file_name().and_then(|n| n.to_str()) else {
        return Err(MirrorError::BadPath(dir.to_owned()));
    };
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    // Without a trailing slash, which would make the checks below follow the link.
    let dir = parent.join(name);
    std::fs::create_dir_all(&parent).map_err(io_error(&parent))?;
    // One writer at a time (a server and a cron job, or instances sharing a volume): another's
    // clean-up must never remove the generation being written here. Released when dropped.
    let lock_path = parent.join(format!(".{name}{GENERATION}lock"));
    let lock = std::fs::File::create(&lock_path).map_err(io_error(&lock_path))?;
    lock.lock().map_err(io_error(&lock_path))?;
    let previous = match std::fs::symlink_metadata(&dir) {
        // Only a link to one of our generations is ours to replace.
        Ok(meta) if meta.is_symlink() => {
            let target = std::fs::read_link(&dir).map_err(io_error(&dir))?;
            match target.to_str().and_then(|t| generation_of(name, t)) {
                Some(generation) => Some(generation),
                None => return Err(MirrorError::NotOurs(dir)),
            }
        }
        // An empty directory made for us (`mkdir DIR`) is replaced by the link.
        Ok(meta) if meta.is_dir() && is_empty(&dir) => {
            std::fs::remove_dir(&dir).map_err(io_error(&dir))?;
            None
        }
        Ok(_) => return Err(MirrorError::NotOurs(dir)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => return Err(io_error(&dir)(e)),
    };

    // Always after the previous one, even if the clock stepped back.
    let now = Timestamp::now().as_microsecond();
    let mut generation = previous.map_or(now, |p| now.max(p + 1));
    let (target, path) = loop {
        let target = format!("{name}{GENERATION}{generation}");
        let path = parent.join(&target);
        match std::fs::create_dir(&path) {
            Ok(()) => break (target, path),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => generation += 1,
            Err(e) => return Err(io_error(&path)(e)),
        }
    };
    let written = write_all(&path, files).and_then(|bytes| {
        // The new link is made beside the old one and renamed over it: one atomic step.
        let link = parent.join(format!(".{target}.link"));
        symlink(Path::new(&target), &link).map_err(io_error(&link))?;
        std::fs::rename(&link, &dir).map_err(io_error(&dir))?;
        Ok(bytes)
    });
    let bytes = match written {
        Ok(bytes) => bytes,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&path);
            return Err(e);
        }
    };
    remove_old_generations(
        &parent,
        name,
        &[previous.unwrap_or(generation), generation],
        now,
    );
    Ok(Written {
        files: files.len(),
        bytes,
        generation: path,
    })
}

fn write_all(root: &Path, files: &[(String, Vec<u8>)]) -> Result<u64, MirrorError> {
    let mut bytes = 0;
    for (file, body) in files {
        // Every name is one of ours (`file_for`); nothing may lead out of the generation.
        if file.split('/').any(|part| part.is_empty() || part == "..") {
            return Err(io_error(Path::new(file))(io::Error::other(
                "not a path inside the mirror",
            )));
        }
        let path = root.join(file);
        if let Some(folder) = path.parent() {
            std::fs::create_dir_all(folder).map_err(io_error(folder))?;
        }
        std::fs::write(&path, body).map_err(io_error(&path))?;
        bytes += body.len() as u64;
    }
    Ok(bytes)
}

/// How long a replaced generation stays, for readers (a sync, a static server) still in it.
const KEEP_REPLACED_MICROS: i64 = 10 * 60 * 1_000_000;

/// Removes generations (and links left by an interrupted swap) other than `keep`, the new one
/// and the one `DIR` linked to until now, that were made more than ten minutes before `now`.
fn remove_old_generations(parent: &Path, name: &str, keep: &[i64], now: i64) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(file_name) = file_name.to_str() else {
            continue;
        };
        let (stale_link, generation) = match file_name
            .strip_prefix('.')
            .and_then(|n| n.strip_suffix(".link"))
        {
            Some(target) => (true, generation_of(name, target)),
            None => (false, generation_of(name, file_name)),
        };
        if generation.is_none_or(|g| keep.contains(&g) || g > now - KEEP_REPLACED_MICROS) {
            continue;
        }
        let removed = if stale_link {
            std::fs::remove_file(entry.path())
        } else {
            std::fs::remove_dir_all(entry.path())
        };
        if let Err(e) = removed {
            tracing::warn!(error = %e, path = %entry.path().display(), "cannot remove an old static mirror");
        }
    }
}

/// The generation number in `DIR.monostat-<number>`, if `file_name` is one.
fn generation_of(name: &str, file_name: &str) -> Option<i64> {
    let number = file_name.strip_prefix(name)?.strip_prefix(GENERATION)?;
    if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    number.parse().ok()
}

fn is_empty(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_none())
}

#[cfg(unix)]
fn symlink(target: &Path, link: &Path) -> io::Result<()> {
    std::os::unix::fs::symlink(target, link)
}

#[cfg(not(unix))]
fn symlink(_target: &Path, _link: &Path) -> io::Result<()> {
    Err(io::Error::new(
        io::ErrorKind::Unsupported,
        "the static mirror needs symbolic links (Unix)",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known(files: &[&str]) -> HashSet<String> {
        files.iter().map(|f| f.to_string()).collect()
    }

    #[test]
    fn server_paths_map_to_files_a_static_server_finds() {
        assert_eq!(file_for("/"), "index.html");
        assert_eq!(file_for("/history"), "history/index.html");
        assert_eq!(file_for("/2026-01-31"), "2026-01-31/index.html");
        assert_eq!(file_for("/2026-01-31/7"), "2026-01-31/7/index.html");
        assert_eq!(file_for("/feed/rss"), "feed/rss.xml");
        assert_eq!(file_for("/feed/json"), "feed/feed.json");
        assert_eq!(
            file_for("/static/style.0a1b2c3d4e.css"),
            "static/style.0a1b2c3d4e.css"
        );
        assert_eq!(
            file_for("/api/v2/incidents/unresolved.json"),
            "api/v2/incidents/unresolved.json"
        );
    }

    #[test]
    fn links_become_relative_to_the_page_or_point_at_the_live_site() {
        let known = known(&[
            "index.html",
            "history/index.html",
            "static/a.css",
            "2026-01-31/index.html",
        ]);
        let html = r##"<link rel="stylesheet" href="/static/a.css"><a href="/">x</a><a href="/history#m">h</a>
<a class="x" href="/2026-01-31">d</a><a href="/2020-01-01">old</a><a href="https://example.com/">e</a>
<a href="#main">skip</a><img data-src="/no" src="/static/a.css"><a href="//cdn.example.com/x">c</a>"##;
        let rewritten = relative_links(html, 2, &known, "https://status.example.com");
        assert_eq!(
            rewritten,
            r##"<link rel="stylesheet" href="../../static/a.css"><a href="../../index.html">x</a><a href="../../history/index.html#m">h</a>
<a class="x" href="../../2026-01-31/index.html">d</a><a href="https://status.example.com/2020-01-01">old</a><a href="https://example.com/">e</a>
<a href="#main">skip</a><img data-src="/no" src="../../static/a.css"><a href="//cdn.example.com/x">c</a>"##
        );
        assert_eq!(
            relative_links(r#"<a href="/">x</a>"#, 0, &known, ""),
            r#"<a href="index.html">x</a>"#
        );
    }

    fn page(text: &str) -> Vec<(String, Vec<u8>)> {
        vec![("index.html".to_owned(), text.as_bytes().to_vec())]
    }

    fn index(dir: &Path) -> String {
        std::fs::read_to_string(dir.join("index.html")).expect("index")
    }

    #[test]
    fn publishing_swaps_a_link_and_removes_generations_replaced_long_ago() {
        let root = tempfile::tempdir().expect("temporary directory");
        let dir = root.path().join("site");
        // Left by exports an hour ago, one interrupted before its swap.
        let old = root.path().join("site.monostat-1000");
        std::fs::create_dir(&old).expect("old generation");
        symlink(
            Path::new("site.monostat-1000"),
            &root.path().join(".site.monostat-1000.link"),
        )
        .expect("stale link");
        let mut generations = Vec::new();
        for text in ["one", "two", "three"] {
            let written = publish(&dir, &page(text)).expect("published");
            generations.push(written.generation);
            assert_eq!(index(&dir), text);
        }
        assert!(!old.exists(), "a generation replaced long ago is removed");
        assert!(!root.path().join(".site.monostat-1000.link").exists());
        assert!(
            generations.iter().all(|g| g.join("index.html").is_file()),
            "recent ones stay for readers (a sync) still in them"
        );
    }

    #[test]
    fn a_clock_that_stepped_back_still_publishes() {
        let root = tempfile::tempdir().expect("temporary directory");
        let dir = root.path().join("site");
        let future = root.path().join("site.monostat-99999999999999999");
        std::fs::create_dir(&future).expect("generation");
        std::fs::write(future.join("index.html"), "from the future").expect("write");
        symlink(Path::new("site.monostat-99999999999999999"), &dir).expect("link");
        publish(&dir, &page("now")).expect("published");
        assert_eq!(index(&dir), "now");
        publish(&dir, &page("later")).expect("published");
        assert_eq!(index(&dir), "later");
    }

    #[test]
    fn writers_at_once_never_publish_a_partial_site() {
        // A slow export (a big site) while quick ones publish meanwhile (a server and a cron
        // job on one directory): the slow one's generation must not be cleaned up under it.
        let root = tempfile::tempdir().expect("temporary directory");
        let dir = root.path().join("site");
        let big: Vec<(String, Vec<u8>)> = (0..3000)
            .map(|n| (format!("d{n}/index.html"), b"big".to_vec()))
            .collect();
        let slow = {
            let dir = dir.clone();
            std::thread::spawn(move || publish(&dir, &big))
        };
        for _ in 0..20 {
            publish(&dir, &page("quick")).expect("published");
        }
        let written = slow.join().expect("writer").expect("published");
        let missing = (0..3000)
            .filter(|n| {
                !written
                    .generation
                    .join(format!("d{n}/index.html"))
                    .is_file()
            })
            .count();
        assert_eq!(missing, 0, "files missing from a published generation");
    }

    #[test]
    fn a_directory_that_is_not_a_mirror_is_left_alone() {
        let root = tempfile::tempdir().expect("temporary directory");
        let dir = root.path().join("site");
        std::fs::create_dir(&dir).expect("mkdir");
        std::fs::write(dir.join("precious.txt"), "keep me").expect("write");
        let error = publish(&dir, &[]).expect_err("refused");
        assert!(error.is_usage(), "{error}");
        assert!(dir.join("precious.txt").exists());
        // An empty one is taken over.
        std::fs::remove_file(dir.join("precious.txt")).expect("rm");
        publish(&dir, &page("ok")).expect("published");
        assert!(std::fs::symlink_metadata(&dir).expect("meta").is_symlink());
        assert!(
            publish(Path::new("/"), &[])
                .expect_err("no name")
                .is_usage()
        );
    }
}
