//! The few git questions `diff` and `sync` ask, through the `git` program: it is on every machine that has a
//! checkout, and a library would add a large dependency for three commands.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use anyhow::{bail, Context, Result};

fn git(dir: &Path, args: &[&str]) -> Result<Output> {
    Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .context("cannot run `git`; is it installed and on PATH?")
}

/// The top folder of the repository `dir` is in.
pub fn toplevel(dir: &Path) -> Result<PathBuf> {
    let out = git(dir, &["rev-parse", "--show-toplevel"])?;
    if !out.status.success() {
        bail!(
            "{} is not inside a git repository; give two files instead (`cargo xtask diff OLD.yaml NEW.yaml`)",
            dir.display()
        );
    }
    Ok(PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()))
}

/// Fails with a clear message unless `rev` names a commit of the repository.
pub fn verify(repo: &Path, rev: &str) -> Result<()> {
    if rev.starts_with('-') {
        bail!("`{rev}` is not a revision");
    }
    let out = git(repo, &["rev-parse", "--verify", "--quiet", &format!("{rev}^{{commit}}")])?;
    if !out.status.success() {
        bail!("unknown revision `{rev}` in {}", repo.display());
    }
    Ok(())
}

/// The full commit id `rev` names.
pub fn commit(repo: &Path, rev: &str) -> Result<String> {
    verify(repo, rev)?;
    let out = git(repo, &["rev-parse", "--verify", &format!("{rev}^{{commit}}")])?;
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// A file's text at a revision (`file` relative to the repository's top); `None` when it does not exist
/// there.
pub fn show(repo: &Path, rev: &str, file: &str) -> Result<Option<String>> {
    let out = git(repo, &["show", &format!("{rev}:{file}")])?;
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        if stderr.contains("does not exist") || stderr.contains("exists on disk, but not in") {
            return Ok(None);
        }
        bail!("git show {rev}:{file}: {}", stderr.trim());
    }
    String::from_utf8(out.stdout).map(Some).with_context(|| format!("{file} at `{rev}` is not UTF-8"))
}

/// Files added between two revisions under the given folders (relative to the repository's top).
pub fn added(repo: &Path, from: &str, to: &str, folders: &[String]) -> Result<Vec<String>> {
    let mut args = vec!["diff", "--name-only", "--diff-filter=A", "--no-renames", from, to, "--"];
    args.extend(folders.iter().map(String::as_str));
    let out = git(repo, &args)?;
    if !out.status.success() {
        bail!("git diff {from} {to}: {}", String::from_utf8_lossy(&out.stderr).trim());
    }
    Ok(String::from_utf8_lossy(&out.stdout).lines().map(str::to_string).collect())
}
