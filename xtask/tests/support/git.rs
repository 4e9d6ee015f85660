//! A scratch git repository for the integration tests that need one (`diff`, `sync`).

use std::path::Path;
use std::process::Command;

/// Runs git in `dir` with a throwaway identity and no signing; fails the test with git's stderr when it
/// fails, and returns its trimmed stdout.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["-c", "user.name=test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false"])
        .args(args)
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}
