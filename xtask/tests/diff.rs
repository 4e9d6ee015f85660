//! `cargo xtask diff` on a scratch git repository made of a few of spec/docs' own pages: each kind of page
//! edit gives its change, kind, page line and Rust item, and `--fail-on breaking` exits as a CI job needs.

#[path = "support/git.rs"]
mod support;
use support::git;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use xtask::regen;

const API_PAGES: &[&str] =
    &["message-get.md", "message-move.md", "message-update.md", "user-list-messages.md"];
const RESOURCE_PAGES: &[&str] = &[
    "message.md",
    "recipient.md",
    "emailaddress.md",
    "itembody.md",
    "followupflag.md",
    "datetimetimezone.md",
    "internetmessageheader.md",
    "attachment.md",
    "fileattachment.md",
    "itemattachment.md",
    "referenceattachment.md",
    "inferenceclassification.md",
    "inferenceclassificationoverride.md",
    "multivaluelegacyextendedproperty.md",
    "singlevaluelegacyextendedproperty.md",
];

fn repo_root() -> PathBuf {
    xtask::project_root()
}

fn copy_page(dir: &Path, rel: &str) {
    let to = dir.join(rel);
    std::fs::create_dir_all(to.parent().expect("parent")).expect("mkdir");
    std::fs::copy(repo_root().join(rel), to).expect("copy page");
}

/// Writes the spec (and client) for the scratch tree's pages, as `cargo xtask regen` does.
fn regen_in(dir: &Path) {
    let mut said = xtask::diagnostics::Diagnostics::new();
    let plan = regen::plan(dir, &mut said).expect("regen plans on the scratch pages");
    regen::apply(dir, &plan, false, &mut said).expect("regen writes");
}

/// A repository with a few mail pages and the spec made from them, committed.
fn scratch() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for p in API_PAGES {
        copy_page(dir.path(), &format!("spec/docs/{p}"));
    }
    for p in RESOURCE_PAGES {
        copy_page(dir.path(), &format!("spec/docs/resources/{p}"));
    }
    regen_in(dir.path());
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-q", "-m", "pages"]);
    dir
}

fn diff(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .current_dir(dir)
        .arg("diff")
        .args(args)
        .output()
        .expect("xtask runs")
}

fn json(dir: &Path) -> serde_json::Value {
    let out = diff(dir, &["--format", "json"]);
    assert!(out.status.success(), "diff fails: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("diff prints JSON")
}

/// The line (1-based) of the first line of `file` in the scratch tree that starts with `start`.
fn line_of(dir: &Path, file: &str, start: &str) -> u64 {
    let text = std::fs::read_to_string(dir.join(file)).expect("page");
    text.lines().position(|l| l.starts_with(start)).expect("line present") as u64 + 1
}

fn edit(dir: &Path, file: &str, from: &str, to: &str) {
    let path = dir.join(file);
    let text = std::fs::read_to_string(&path).expect("page");
    assert!(text.contains(from), "{file} has `{from}`");
    std::fs::write(&path, text.replacen(from, to, 1)).expect("write page");
}

fn find<'a>(report: &'a serde_json::Value, id: &str, path: &str) -> &'a serde_json::Value {
    report["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .find(|c| c["id"] == id && (path.is_empty() || c["path"] == path))
        .unwrap_or_else(|| panic!("no `{id}` change for `{path}` in {report:#}"))
}

#[test]
fn removing_a_page_is_breaking_and_names_the_method() {
    let dir = scratch();
    let line = line_of(dir.path(), "spec/docs/message-move.md", "POST /me/messages/{id}/move");
    std::fs::remove_file(dir.path().join("spec/docs/message-move.md")).expect("remove page");
    regen_in(dir.path());
    let report = json(dir.path());
    let c = find(&report, "operation-removed", "/me/messages/{message-id}/move");
    assert_eq!(c["kind"], "breaking");
    assert_eq!(c["method"], "POST");
    assert_eq!(c["operationId"], "me.messages.message.move");
    assert_eq!(c["pointer"], "/paths/~1me~1messages~1{message-id}~1move/post");
    // A removed item is sourced from the old page, read back from git.
    assert_eq!(c["source"]["file"], "spec/docs/message-move.md");
    assert_eq!(c["source"]["line"], line);
    assert_eq!(c["rust"], "MessageRequest::move_ removed");
    assert_eq!(report["semver"], "major");
    assert!(report["summary"]["breaking"].as_u64().expect("count") >= 4, "{report:#}");
    assert_eq!(diff(dir.path(), &["--fail-on", "breaking"]).status.code(), Some(1));
    assert_eq!(diff(dir.path(), &["--fail-on", "never"]).status.code(), Some(0));
}

#[test]
fn a_property_type_change_in_a_resource_page_names_the_field_and_its_types() {
    let dir = scratch();
    let file = "spec/docs/resources/message.md";
    let line = line_of(dir.path(), file, "|isRead|");
    edit(dir.path(), file, "|isRead|Boolean|", "|isRead|String|");
    regen_in(dir.path());
    let report = json(dir.path());
    let c = find(&report, "response-property-type-changed", "");
    assert_eq!(c["kind"], "breaking");
    assert_eq!(c["pointer"], "/components/schemas/microsoft.graph.message/properties/isRead");
    assert_eq!(c["source"]["file"], file);
    assert_eq!(c["source"]["line"], line);
    assert_eq!(c["rust"], "types::Message::is_read: Option<bool> → Option<String>");
    assert_eq!(report["changes"].as_array().expect("changes").len(), 1, "{report:#}");
    assert_eq!(diff(dir.path(), &["--fail-on", "breaking"]).status.code(), Some(1));
}

#[test]
fn adding_a_page_is_additive() {
    let dir = scratch();
    copy_page(dir.path(), "spec/docs/message-copy.md");
    regen_in(dir.path());
    let report = json(dir.path());
    let c = find(&report, "operation-added", "/me/messages/{message-id}/copy");
    assert_eq!(c["kind"], "additive");
    assert_eq!(c["source"]["file"], "spec/docs/message-copy.md");
    assert_eq!(
        c["source"]["line"],
        line_of(dir.path(), "spec/docs/message-copy.md", "POST /me/messages/{id}/copy")
    );
    assert_eq!(c["rust"], "MessageRequest::copy added, returning MessageCopyRequest");
    assert_eq!(report["summary"]["breaking"], 0, "{report:#}");
    assert_eq!(report["semver"], "minor");
    assert_eq!(diff(dir.path(), &["--fail-on", "breaking"]).status.code(), Some(0));
    assert_eq!(diff(dir.path(), &["--fail-on", "any"]).status.code(), Some(1));
}

#[test]
fn rewording_a_description_is_docs_only() {
    let dir = scratch();
    let file = "spec/docs/resources/message.md";
    let line = line_of(dir.path(), file, "|isRead|");
    edit(
        dir.path(),
        file,
        "Indicates whether the message has been read.",
        "True once the message has been read.",
    );
    regen_in(dir.path());
    let report = json(dir.path());
    let c = find(&report, "description-changed", "");
    assert_eq!(c["kind"], "docs");
    assert_eq!(c["source"]["file"], file);
    assert_eq!(c["source"]["line"], line);
    assert_eq!(c["rust"], "types::Message::is_read (docs)");
    assert_eq!(report["changes"].as_array().expect("changes").len(), 1, "{report:#}");
    assert_eq!(report["semver"], "patch");
    assert_eq!(diff(dir.path(), &["--fail-on", "breaking"]).status.code(), Some(0));
}

#[test]
fn an_unchanged_tree_reports_nothing() {
    let dir = scratch();
    let report = json(dir.path());
    assert_eq!(report["changes"], serde_json::json!([]));
    assert_eq!(report["semver"], "none");
    let text = diff(dir.path(), &["--fail-on", "any"]);
    assert_eq!(text.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&text.stdout),
        "no changes\n0 breaking, 0 additive, 0 docs; semver: none\n"
    );
}

#[test]
fn markdown_puts_breaking_first_with_links_to_the_page_lines() {
    let dir = scratch();
    std::fs::remove_file(dir.path().join("spec/docs/message-move.md")).expect("remove page");
    copy_page(dir.path(), "spec/docs/message-copy.md");
    regen_in(dir.path());
    let out = diff(dir.path(), &["--format", "markdown", "--link-base", "https://example.com/blob/abc/"]);
    let md = String::from_utf8(out.stdout).expect("utf-8");
    let breaking = md.find("### Breaking").expect("breaking section");
    let additive = md.find("### Additive").expect("additive section");
    assert!(breaking < additive, "{md}");
    assert!(md.contains("**`POST /me/messages/{message-id}/move`** (`me.messages.message.move`)"), "{md}");
    let line = line_of(dir.path(), "spec/docs/message-copy.md", "POST /me/messages/{id}/copy");
    assert!(
        md.contains(&format!("(https://example.com/blob/abc/spec/docs/message-copy.md#L{line})")),
        "{md}"
    );
    assert!(md.contains("generated-client needs a **major** version step"), "{md}");
}

#[test]
fn errors_exit_2_with_a_reason() {
    let dir = scratch();
    let out = diff(dir.path(), &["--base", "no-such-rev"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown revision `no-such-rev`"));
    let out = diff(dir.path(), &["--format", "yaml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown format `yaml`"));
    let outside = tempfile::tempdir().expect("temp dir");
    let out = diff(outside.path(), &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not inside a git repository"), "{out:?}");
    // Two files work anywhere: the scratch spec against itself.
    let spec = dir.path().join(regen::SPEC_FILE);
    let spec = spec.to_str().expect("utf-8 path");
    let out = diff(outside.path(), &[spec, spec]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
}

#[test]
fn two_broken_documents_are_both_said_with_their_lines() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("old.yaml"), "openapi: 3.0.3\ninfo: [not, a, map]\n").expect("write");
    std::fs::write(
        dir.path().join("new.yaml"),
        "openapi: 3.0.3\ninfo:\n  title: t\n  version: 1\npaths: 7\n",
    )
    .expect("write");
    let out = diff(dir.path(), &["old.yaml", "new.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let said: Vec<&str> = stderr.lines().collect();
    assert_eq!(said.len(), 3, "{stderr}");
    assert!(said[0].starts_with("old.yaml:2: error: not an OpenAPI 3.0 document: "), "{stderr}");
    assert!(said[1].starts_with("new.yaml:5: error: not an OpenAPI 3.0 document: "), "{stderr}");
    assert_eq!(said[2], "error: 2 error(s), 0 warning(s); nothing was compared");
}

#[test]
fn base_names_any_revision() {
    let dir = scratch();
    std::fs::remove_file(dir.path().join("spec/docs/message-move.md")).expect("remove page");
    regen_in(dir.path());
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-q", "-m", "no more move"]);
    // HEAD is the tree now: nothing to report; the commit before it had the page.
    assert_eq!(json(dir.path())["changes"], serde_json::json!([]));
    let out = diff(dir.path(), &["--base", "HEAD~1", "--format", "json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let c = find(&report, "operation-removed", "/me/messages/{message-id}/move");
    assert_eq!(
        c["source"]["file"], "spec/docs/message-move.md",
        "read from git: the file is gone from the tree"
    );
    assert!(c["source"]["line"].as_u64().is_some(), "{c:#}");
}
