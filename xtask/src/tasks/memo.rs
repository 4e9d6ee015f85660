//! regen's memo of the generator: the client's files are a pure function of the spec document and of the
//! generator's code, which is compiled into this binary. After each generation a stamp beside the binary
//! records (this binary's size and mtime, a 128-bit hash of the document, a hash of every file made). When
//! the next run builds the same document with the same binary, and the files on disk still hash to what the
//! stamp says, they are exactly what the generator would make again, so they are used as they are.
//!
//! The stamp lives in the build folder, never in the repository, and nothing in it is trusted without the
//! files' bytes agreeing: a hand-edited, missing or extra generated file, another spec, or a rebuilt
//! generator all miss, and regen generates as before. A stamp that cannot be read or written only costs
//! the time it would have saved.

use std::hash::Hasher as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

const MAGIC: &str = "xtask regen memo 1";

/// A 128-bit hash: two SipHash streams with different seeds. Not for adversaries; for telling files apart.
#[derive(Debug, Default)]
pub struct Hash128 {
    a: std::hash::DefaultHasher,
    b: std::hash::DefaultHasher,
    started: bool,
}

impl Hash128 {
    pub fn of(bytes: &[u8]) -> String {
        let mut h = Hash128::default();
        h.add(bytes);
        h.finish()
    }

    pub fn add(&mut self, bytes: &[u8]) {
        if !self.started {
            self.b.write_u64(0x9e37_79b9_7f4a_7c15);
            self.started = true;
        }
        self.a.write(bytes);
        self.b.write(bytes);
    }

    pub fn finish(&self) -> String {
        format!("{:016x}{:016x}", self.a.finish(), self.b.finish())
    }
}

impl std::io::Write for Hash128 {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.add(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// This binary: its path, size and mtime. What the generator made is only valid for the generator that made
/// it, which is compiled into this binary.
fn binary() -> Option<String> {
    let exe = std::env::current_exe().ok()?;
    let meta = std::fs::metadata(&exe).ok()?;
    let mtime = meta.modified().ok()?.duration_since(std::time::UNIX_EPOCH).ok()?.as_nanos();
    Some(format!("{} {} {mtime}", exe.display(), meta.len()))
}

/// The key of a generation: this binary and the document (its JSON form, which round-trips, so two
/// documents with one key are the same document).
pub fn key(openapi: &openapiv3::OpenAPI) -> Option<String> {
    let mut h = Hash128::default();
    serde_json::to_writer(&mut h, openapi).ok()?;
    Some(format!("{} {}", binary()?, h.finish()))
}

const REUSE_MAGIC: &str = "xtask regen reuse 1";

fn reuse_path() -> Option<PathBuf> {
    Some(std::env::current_exe().ok()?.with_file_name("xtask-regen.reuse"))
}

/// The pieces the last generation of this binary made ([`generator::Reuse`]), or none when there are none, or
/// they were made by another binary, or the file is not whole (its hash line must match its body).
pub fn reuse() -> generator::Reuse {
    let read = || -> Option<generator::Reuse> {
        let text = std::fs::read_to_string(reuse_path()?).ok()?;
        let mut parts = text.splitn(4, '\n');
        if parts.next()? != REUSE_MAGIC || parts.next()? != binary()? {
            return None;
        }
        let (hash, body) = (parts.next()?, parts.next()?);
        if Hash128::of(body.as_bytes()) != hash {
            return None;
        }
        serde_json::from_str(body).ok()
    };
    read().unwrap_or_default()
}

/// Keeps this generation's pieces for the next. Failing to is not an error: the next run makes them again.
pub fn keep(reuse: &generator::Reuse) {
    let (Some(path), Some(binary)) = (reuse_path(), binary()) else { return };
    let Ok(body) = serde_json::to_string(reuse) else { return };
    let text = format!("{REUSE_MAGIC}\n{binary}\n{}\n{body}", Hash128::of(body.as_bytes()));
    write_whole(&path, &text);
}

/// Writes through a temporary file and a rename, so a reader never sees half a file; several regens
/// (tests, benches) may share the binary, so each writes its own temporary file.
fn write_whole(path: &Path, text: &str) {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let name = path.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = path.with_file_name(format!("{name}.{}.{n}.tmp", std::process::id()));
    let written = std::fs::File::create(&tmp).and_then(|mut f| f.write_all(text.as_bytes()));
    if written.is_err() || std::fs::rename(&tmp, path).is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
}

fn stamp_path() -> Option<PathBuf> {
    Some(std::env::current_exe().ok()?.with_file_name("xtask-regen.stamp"))
}

/// The files the stamp lists for `key`, read from under `root`, when every one is there with the bytes
/// the generator made; `None` otherwise.
pub fn recall(root: &Path, key: &str) -> Option<Vec<(PathBuf, String)>> {
    let stamp = std::fs::read_to_string(stamp_path()?).ok()?;
    let mut lines = stamp.lines();
    if lines.next()? != MAGIC || lines.next()? != key {
        return None;
    }
    let mut files = Vec::new();
    for line in lines {
        if let Some(count) = line.strip_prefix("end ") {
            // The end line proves the stamp whole: a cut stamp must never pass for a shorter list.
            return (count.parse::<usize>().ok()? == files.len()).then_some(files);
        }
        let (hash, rel) = line.split_once(' ')?;
        let text = std::fs::read_to_string(root.join(rel)).ok()?;
        if Hash128::of(text.as_bytes()) != hash {
            return None;
        }
        files.push((PathBuf::from(rel), text));
    }
    None
}

/// Records what the generator made for `key`. Failing to is not an error: the next run generates again.
pub fn remember(key: &str, files: &[(PathBuf, String)]) {
    let Some(path) = stamp_path() else { return };
    let mut text = format!("{MAGIC}\n{key}\n");
    for (rel, contents) in files {
        let rel = crate::files::label(rel);
        if rel.contains('\n') {
            return;
        }
        text.push_str(&format!("{} {rel}\n", Hash128::of(contents.as_bytes())));
    }
    text.push_str(&format!("end {}\n", files.len()));
    write_whole(&path, &text);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stamp_is_used_only_when_the_files_agree_and_it_is_whole() {
        let dir = std::env::temp_dir().join(format!("xtask-memo-{}", std::process::id()));
        let _ = std::fs::create_dir_all(dir.join("g"));
        let files =
            vec![(PathBuf::from("g/a.rs"), "a\n".to_string()), (PathBuf::from("g/b.rs"), "b\n".into())];
        for (rel, text) in &files {
            let _ = std::fs::write(dir.join(rel), text);
        }
        remember("k", &files);
        assert_eq!(recall(&dir, "k"), Some(files.clone()));
        assert_eq!(recall(&dir, "other key"), None);
        let _ = std::fs::write(dir.join("g/b.rs"), "edited\n");
        assert_eq!(recall(&dir, "k"), None, "a file that changed on disk must miss");
        let _ = std::fs::write(dir.join("g/b.rs"), "b\n");
        let stamp = stamp_path().map(std::fs::read_to_string);
        if let Some(Ok(stamp)) = stamp {
            let cut: String = stamp.lines().take(3).map(|l| format!("{l}\n")).collect();
            let _ = std::fs::write(stamp_path().unwrap_or_default(), cut);
            assert_eq!(recall(&dir, "k"), None, "a cut stamp must miss");
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn kept_pieces_are_read_back_only_whole() {
        let spec: openapiv3::OpenAPI = serde_yaml_ng::from_str(
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /me/messages/{message-id}/send:\n    post:\n      operationId: me.send\n      responses: {'202': {description: Accepted}}\n",
        )
        .expect("spec");
        let (_, made) =
            generator::generate_with(&spec, &generator::Settings::default(), &generator::Reuse::default())
                .expect("generates");
        keep(&made);
        assert_eq!(reuse(), made);
        let path = reuse_path().expect("a path beside the binary");
        let text = std::fs::read_to_string(&path).expect("kept");
        let _ = std::fs::write(&path, text.replacen("me.send", "me.sent", 1));
        assert_eq!(reuse(), generator::Reuse::default(), "an edited file must not be read");
        let _ = std::fs::write(&path, &text[..text.len() / 2]);
        assert_eq!(reuse(), generator::Reuse::default(), "a cut file must not be read");
    }
}
