//! `cargo xtask sync --from DOCS_CHECKOUT` against a scratch docs repository laid out like Microsoft's
//! (`api-reference/{v1.0,beta}/{api,resources}/`), made from copies of a few spec/docs pages.

#[path = "support/git.rs"]
mod support;
use support::git;

use std::path::Path;

fn page(name: &str) -> String {
    let root = xtask::project_root();
    let api = root.join("spec/docs").join(name);
    let path = if api.is_file() { api } else { root.join("spec/docs/resources").join(name) };
    std::fs::read_to_string(path).expect("page")
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

/// This repository's side: three API pages, one resource page and the README.
fn ours() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for name in ["message-get.md", "message-move.md", "message_send.md"] {
        write(&dir.path().join("spec/docs").join(name), &page(name));
    }
    write(&dir.path().join("spec/docs/resources/message.md"), &page("message.md"));
    write(
        &dir.path().join("spec/docs/README.md"),
        "# Reference pages\n\nWhere they come from.\n\n## Other notes\n\nKept.\n",
    );
    dir
}

/// The docs side: v1.0 pages (message-move.md changed, message_send.md absent: the docs renamed it), a
/// different beta copy of one page, and the resource page.
fn docs() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let v1 = dir.path().join("api-reference/v1.0");
    write(&v1.join("api/message-get.md"), &page("message-get.md"));
    write(
        &v1.join("api/message-move.md"),
        &page("message-move.md").replace("Move a message", "Move a message (v1.0, newer)"),
    );
    write(&dir.path().join("api-reference/beta/api/message-get.md"), "beta text that must not be copied\n");
    write(&v1.join("resources/message.md"), &page("message.md"));
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-q", "-m", "docs"]);
    dir
}

/// Runs sync; its result, and what it said (one `file: severity: message` line each).
fn sync(ours: &Path, from: &Path) -> (anyhow::Result<String>, String) {
    let mut said = xtask::diagnostics::Diagnostics::new();
    let result = xtask::sync::run(ours, from, &mut said);
    (result, said.iter().map(|d| format!("{d}\n")).collect())
}

#[test]
fn sync_copies_changed_pages_reports_vanished_ones_and_records_the_commit() {
    let (ours, docs) = (ours(), docs());
    let before_get = std::fs::read(ours.path().join("spec/docs/message-get.md")).expect("page");
    let out = sync(ours.path(), docs.path()).0.expect("sync runs");
    let commit = git(docs.path(), &["rev-parse", "HEAD"]);

    assert!(
        out.contains("changed   spec/docs/message-move.md (from api-reference/v1.0/api/message-move.md)"),
        "{out}"
    );
    assert!(out.contains("vanished  spec/docs/message_send.md"), "{out}");
    assert!(
        out.contains(&format!(
            "sync: 4 page(s): 1 changed, 2 unchanged, 1 vanished; 0 added upstream; commit {commit}"
        )),
        "{out}"
    );
    // Copied byte for byte from v1.0; the beta copy of message-get.md was not taken.
    let moved = std::fs::read_to_string(ours.path().join("spec/docs/message-move.md")).expect("page");
    assert!(moved.contains("Move a message (v1.0, newer)"));
    assert_eq!(std::fs::read(ours.path().join("spec/docs/message-get.md")).expect("page"), before_get);
    assert!(ours.path().join("spec/docs/message_send.md").is_file(), "a vanished page is kept");
    let readme = std::fs::read_to_string(ours.path().join("spec/docs/README.md")).expect("readme");
    assert!(readme.contains(&format!("at commit `{commit}`")), "{readme}");
    assert!(readme.contains("## Other notes\n\nKept."), "other sections stay: {readme}");
    assert_eq!(xtask::sync::recorded_commit(&readme), Some(commit.clone()));

    // The docs move on: a new mail page beside ours, and the resource page changes.
    let v1 = docs.path().join("api-reference/v1.0");
    write(&v1.join("api/message-copy.md"), &page("message-copy.md"));
    write(&v1.join("resources/message.md"), &(page("message.md") + "\nA new paragraph.\n"));
    git(docs.path(), &["add", "-A"]);
    git(docs.path(), &["commit", "-q", "-m", "more docs"]);
    // A folder inside the checkout works as well as its top.
    let out = sync(ours.path(), &docs.path().join("api-reference")).0.expect("sync runs again");
    assert!(
        out.contains(
            "changed   spec/docs/resources/message.md (from api-reference/v1.0/resources/message.md)"
        ),
        "{out}"
    );
    assert!(out.contains("added     api-reference/v1.0/api/message-copy.md"), "{out}");
    assert!(
        !ours.path().join("spec/docs/message-copy.md").exists(),
        "a page new upstream is listed, not copied"
    );
    let readme = std::fs::read_to_string(ours.path().join("spec/docs/README.md")).expect("readme");
    let newer = git(docs.path(), &["rev-parse", "HEAD"]);
    assert_eq!(xtask::sync::recorded_commit(&readme), Some(newer));
    assert_eq!(readme.matches("## Last sync").count(), 1, "{readme}");
}

#[test]
fn an_ambiguous_page_or_a_folder_outside_git_fails_and_writes_nothing() {
    let (ours, docs) = (ours(), docs());
    write(&docs.path().join("other/v1.0/api/message-move.md"), "another page of the same name\n");
    write(&docs.path().join("other/v1.0/api/message-get.md"), "another page of the same name\n");
    git(docs.path(), &["add", "-A"]);
    git(docs.path(), &["commit", "-q", "-m", "second copies"]);
    let before = std::fs::read(ours.path().join("spec/docs/message-move.md")).expect("page");
    let (result, said) = sync(ours.path(), docs.path());
    let err = result.expect_err("two candidates");
    assert!(format!("{err:#}").contains("2 error(s), 0 warning(s); nothing was written"), "{err:#}");
    // Every page that cannot be settled is said in the one run.
    assert!(
        said.contains("spec/docs/message-move.md: error: 2 pages of that name in the checkout"),
        "{said}"
    );
    assert!(said.contains("spec/docs/message-get.md: error: 2 pages of that name in the checkout"), "{said}");
    assert_eq!(std::fs::read(ours.path().join("spec/docs/message-move.md")).expect("page"), before);
    let readme = std::fs::read_to_string(ours.path().join("spec/docs/README.md")).expect("readme");
    assert!(!readme.contains("Last sync"), "nothing written: {readme}");

    let plain = tempfile::tempdir().expect("temp dir");
    let err = sync(ours.path(), plain.path()).0.expect_err("not a checkout");
    assert!(format!("{err:#}").contains("is not a git checkout"), "{err:#}");
}

#[test]
fn a_page_only_beta_has_is_refused_and_nothing_is_written() {
    let (ours, docs) = (ours(), docs());
    write(&docs.path().join("api-reference/beta/api/message_send.md"), "a beta-only page\n");
    git(docs.path(), &["add", "-A"]);
    git(docs.path(), &["commit", "-q", "-m", "beta only"]);
    let before = std::fs::read(ours.path().join("spec/docs/message-move.md")).expect("page");
    let (result, said) = sync(ours.path(), docs.path());
    result.expect_err("beta only");
    assert!(said.contains("spec/docs/message_send.md: error: only beta has a page of that name"), "{said}");
    assert_eq!(std::fs::read(ours.path().join("spec/docs/message-move.md")).expect("page"), before);
    let send = std::fs::read_to_string(ours.path().join("spec/docs/message_send.md")).expect("page");
    assert!(!send.contains("a beta-only page"));
}

#[cfg(unix)]
#[test]
fn a_symbolic_link_in_the_checkout_is_never_copied_and_an_unreadable_readme_stops_sync() {
    let (ours, docs) = (ours(), docs());
    let secret = docs.path().join("../secret-for-sync.md");
    std::fs::write(&secret, "not a page\n").expect("write");
    let move_page = docs.path().join("api-reference/v1.0/api/message-move.md");
    std::fs::remove_file(&move_page).expect("remove");
    std::os::unix::fs::symlink(&secret, &move_page).expect("symlink");
    git(docs.path(), &["add", "-A"]);
    git(docs.path(), &["commit", "-q", "-m", "a link"]);
    let before = std::fs::read(ours.path().join("spec/docs/message-move.md")).expect("page");
    let out = sync(ours.path(), docs.path()).0.expect("sync runs");
    assert!(out.contains("vanished  spec/docs/message-move.md"), "the link is not a page: {out}");
    assert_eq!(std::fs::read(ours.path().join("spec/docs/message-move.md")).expect("page"), before);
    std::fs::remove_file(&secret).expect("clean up");

    // A README that is not UTF-8 is reported, never replaced by the sync section alone.
    let readme = ours.path().join("spec/docs/README.md");
    std::fs::write(&readme, b"# Reference pages\n\xff\n").expect("write");
    let (result, said) = sync(ours.path(), docs.path());
    result.expect_err("unreadable README");
    assert!(said.contains("README.md: error: cannot read it"), "{said}");
    assert_eq!(std::fs::read(&readme).expect("readme"), b"# Reference pages\n\xff\n");
}
