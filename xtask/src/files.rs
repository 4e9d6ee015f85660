//! The one place xtask touches files for pages and outputs: which files are pages, how a page's bytes become
//! text (UTF-8, a byte order mark dropped), and the one writer every task uses, which writes only what
//! changed, through a temporary file and a rename, or in check mode compares and gives the diff.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// Whether a file is a reference page: `*.md` (any case) but not a README.
pub fn is_page(path: &Path) -> bool {
    path.extension().is_some_and(|e| e.eq_ignore_ascii_case("md"))
        && path.file_name().is_some_and(|n| !n.eq_ignore_ascii_case("README.md"))
}

/// The pages of one folder (not its subfolders), sorted so output never depends on the disk's order.
pub fn pages_in(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))? {
        let path = entry.with_context(|| format!("cannot read {}", dir.display()))?.path();
        if is_page(&path) && !path.is_dir() {
            out.push(path);
        }
    }
    out.sort();
    Ok(out)
}

/// A page's bytes as text: a byte order mark is dropped; bytes that are not UTF-8 give the offset and the
/// 1-based line of the first bad byte.
pub fn page_text(bytes: &[u8]) -> Result<&str, NotUtf8> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| {
        let offset = e.valid_up_to();
        NotUtf8 { offset, line: bytes[..offset].iter().filter(|&&b| b == b'\n').count() + 1 }
    })
}

/// Where a page stops being UTF-8.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotUtf8 {
    pub offset: usize,
    pub line: usize,
}

/// A path with `/` separators, for diagnostics and reports.
pub fn label(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// Runs `read` on every file, on as many threads as the machine has cores (at most one per 8 files, so a
/// handful of pages is not worth a thread), and returns the results in the files' order.
///
/// Each thread takes the next few files whenever it is done with its last: pages differ in size by era
/// (in the shared corpus, the first half of the files in path order is 64% of the bytes), so fixed halves
/// left one core idle for a good part of the reading.
pub fn read_all<T: Send>(files: &[PathBuf], read: impl Fn(&Path) -> T + Sync) -> Vec<T> {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let threads = cores.min(files.len() / 8).max(1);
    if threads == 1 {
        return files.iter().map(|f| read(f)).collect();
    }
    const BATCH: usize = 8;
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut batches: Vec<(usize, Vec<T>)> = std::thread::scope(|s| {
        let (read, next) = (&read, &next);
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(move || {
                    let mut done = Vec::new();
                    loop {
                        let start = next.fetch_add(BATCH, std::sync::atomic::Ordering::Relaxed);
                        let Some(batch) = files.get(start..files.len().min(start + BATCH)) else { break };
                        if batch.is_empty() {
                            break;
                        }
                        done.push((start, batch.iter().map(|f| read(f)).collect::<Vec<T>>()));
                    }
                    done
                })
            })
            .collect();
        // A panic in a reader is a bug; it is passed on as it is rather than hidden.
        handles.into_iter().flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e))).collect()
    });
    batches.sort_unstable_by_key(|(start, _)| *start);
    batches.into_iter().flat_map(|(_, batch)| batch).collect()
}

/// What [`write()`] did, or in check mode would do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    Unchanged,
    Changed,
}

/// Writes `contents` to `path` only when its bytes differ, through a temporary file beside it and a rename,
/// so an interrupted run never leaves half a file and an untouched file keeps its mtime (and incremental
/// builds stay incremental). Missing parent folders are made.
///
/// With `check`, nothing is written: a change appends a unified diff (labelled `name`) to `diff`.
pub fn write(path: &Path, name: &str, contents: &[u8], check: bool, diff: &mut String) -> Result<Written> {
    let old = std::fs::read(path).ok();
    if old.as_deref() == Some(contents) {
        return Ok(Written::Unchanged);
    }
    if check {
        let old_text = String::from_utf8_lossy(old.as_deref().unwrap_or_default());
        let new_text = String::from_utf8_lossy(contents);
        let lines = similar::TextDiff::from_lines(old_text.as_ref(), new_text.as_ref());
        let _ = write!(
            diff,
            "{}",
            lines.unified_diff().context_radius(3).header(&format!("a/{name}"), &format!("b/{name}"))
        );
        return Ok(Written::Changed);
    }
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
    }
    // A name of its own per process and write, so that two runs at once (an editor's and a terminal's)
    // never write into each other's temporary file; a failed write leaves none behind.
    static SERIAL: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let serial = SERIAL.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let mut tmp_name = path.file_name().unwrap_or_default().to_os_string();
    tmp_name.push(format!(".xtask-tmp-{}-{serial}", std::process::id()));
    let tmp = path.with_file_name(tmp_name);
    std::fs::write(&tmp, contents).with_context(|| {
        let _ = std::fs::remove_file(&tmp);
        format!("cannot write {}", tmp.display())
    })?;
    std::fs::rename(&tmp, path).with_context(|| {
        let _ = std::fs::remove_file(&tmp);
        format!("cannot replace {}", path.display())
    })?;
    Ok(Written::Changed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_byte_order_mark_is_dropped_and_bad_bytes_are_located() {
        assert_eq!(page_text(b"\xef\xbb\xbf# Title\n"), Ok("# Title\n"));
        assert_eq!(page_text(b"a\nb\n\xff"), Err(NotUtf8 { offset: 4, line: 3 }));
    }

    #[test]
    fn pages_are_markdown_files_but_readmes() {
        assert!(is_page(Path::new("docs/user-get.MD")));
        assert!(!is_page(Path::new("docs/readme.md")));
        assert!(!is_page(Path::new("docs/user-get.txt")));
    }

    #[test]
    fn read_all_keeps_the_order_of_the_files() {
        let files: Vec<PathBuf> = (0..100).map(|i| PathBuf::from(format!("{i}"))).collect();
        let read = read_all(&files, |f| f.to_string_lossy().parse::<usize>().unwrap_or(usize::MAX));
        assert_eq!(read, (0..100).collect::<Vec<_>>());
    }

    #[test]
    fn writes_only_what_changed_and_check_mode_writes_nothing() {
        let dir = std::env::temp_dir().join(format!("xtask-files-{}", std::process::id()));
        let path = dir.join("sub/out.txt");
        let mut diff = String::new();
        assert_eq!(write(&path, "out.txt", b"one\n", true, &mut diff).ok(), Some(Written::Changed));
        assert!(!path.exists(), "check mode wrote the file");
        assert!(diff.contains("+one"), "{diff}");
        assert_eq!(write(&path, "out.txt", b"one\n", false, &mut diff).ok(), Some(Written::Changed));
        assert_eq!(std::fs::read(&path).ok().as_deref(), Some(&b"one\n"[..]));
        assert_eq!(write(&path, "out.txt", b"one\n", false, &mut diff).ok(), Some(Written::Unchanged));
        let left: Vec<_> = std::fs::read_dir(dir.join("sub")).into_iter().flatten().flatten().collect();
        assert_eq!(left.len(), 1, "a temporary file was left behind");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
