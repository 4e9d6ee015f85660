//! A real history for `cargo xtask diff`: the mail pages of 2017 against those of 2021 (with the 2021
//! resource pages), from ../shared/corpus, converted and compared. The report is committed as
//! `spec/history/2017-to-2021.md`; this test makes it again and fails when it differs
//! (`UPDATE_HISTORY=1` rewrites it), then spot-checks what a reviewer would look for. Skipped, saying so,
//! where ../shared/corpus is absent.

use std::path::{Path, PathBuf};
use std::process::Command;

const REPORT: &str = "spec/history/2017-to-2021.md";

fn shared() -> PathBuf {
    xtask::project_root().join("../shared")
}

fn names(dir: &Path) -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(dir)
        .expect("read dir")
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().to_string()))
        .filter(|n| n.ends_with(".md") && n != "README.md")
        .collect();
    out.sort();
    out
}

/// The mail pages of each era: the names of this repository's pages in spec/docs (2021 spelling, `-`) and
/// their 2017 spelling (`_`), as far as each era has them.
fn eras(shared: &Path) -> (Vec<String>, Vec<String>) {
    let root = xtask::project_root();
    let api = names(&root.join("spec/docs"));
    let exists = |rel: &String| shared.join(rel).is_file();
    let old: Vec<String> =
        api.iter().map(|n| format!("corpus/2017-en/{}", n.replace('-', "_"))).filter(exists).collect();
    let mut new: Vec<String> = api.iter().map(|n| format!("corpus/2021-en/{n}")).filter(exists).collect();
    new.extend(
        names(&root.join("spec/docs/resources"))
            .iter()
            .map(|n| format!("corpus/2021-en-resources/{n}"))
            .filter(exists),
    );
    (old, new)
}

fn xtask(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_xtask")).current_dir(dir).args(args).output().expect("xtask runs")
}

fn make_report(shared: &Path) -> String {
    let tmp = tempfile::tempdir().expect("temp dir");
    let (old, new) = eras(shared);
    for (pages, name) in [(&old, "2017.yaml"), (&new, "2021.yaml")] {
        let out = tmp.path().join(name);
        let mut args = vec!["convert", "--out", out.to_str().expect("utf-8")];
        args.extend(pages.iter().map(String::as_str));
        let run = xtask(shared, &args);
        assert!(run.status.success(), "convert {name}: {}", String::from_utf8_lossy(&run.stderr));
    }
    let (a, b) = (tmp.path().join("2017.yaml"), tmp.path().join("2021.yaml"));
    let run = xtask(
        shared,
        &[
            "diff",
            "--format",
            "markdown",
            "--link-base",
            "../../../shared/",
            a.to_str().expect("utf-8"),
            b.to_str().expect("utf-8"),
        ],
    );
    assert_eq!(run.status.code(), Some(0), "{}", String::from_utf8_lossy(&run.stderr));
    format!(
        "<!-- Made by xtask/tests/history.rs (UPDATE_HISTORY=1 rewrites it). Do not edit. -->\n\
         # Example: Graph's mail API from 2017 to 2021\n\n\
         What `cargo xtask diff` says about four years of Graph's mail reference: the {} English mail pages of \
         2017 (`corpus/2017-en`) against the {} pages of 2021 (`corpus/2021-en` and `corpus/2021-en-resources`), \
         each set converted with `cargo xtask convert` and the two documents compared. Page paths are under \
         `../shared/` (beside the repository); 2017 had no resource pages, so every schema is new in 2021.\n\n{}",
        old.len(),
        new.len(),
        String::from_utf8(run.stdout).expect("utf-8")
    )
}

#[test]
fn the_2017_to_2021_report_is_current_and_says_what_changed() {
    let shared = shared();
    if !shared.join("corpus/2017-en").is_dir() || !shared.join("corpus/2021-en").is_dir() {
        eprintln!("skipped: {} is absent; the 2017-to-2021 history needs ../shared/corpus", shared.display());
        return;
    }
    let report = make_report(&shared);
    let path = xtask::project_root().join(REPORT);
    if std::env::var_os("UPDATE_HISTORY").is_some() {
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(&path, &report).expect("write report");
    }
    let committed = std::fs::read_to_string(&path).expect("the report is committed");
    assert!(
        committed == report,
        "{REPORT} is out of date; run `UPDATE_HISTORY=1 cargo test -p xtask --test history`"
    );

    // Both sides name their Rust items: 2017's `/me/calendar/{id}` slip beside `/me/calendars/{id}` no longer
    // stops the generator (the slip's accessor is `calendar_item_by_id`).
    assert!(!report.contains("names no Rust item"), "{report}");
    // Breaking first, and the crate's verdict up top.
    let breaking = report.find("### Breaking").expect("breaking section");
    assert!(breaking < report.find("### Additive").expect("additive section"));
    assert!(report.contains("generated-client needs a **major** version step"));
    // 2021's message update takes the message resource itself where 2017 listed loose properties: the
    // request body retyped, traced to the 2021 page's request body section and to the Rust signature.
    let update = "corpus/2021-en/message-update.md";
    let page = std::fs::read_to_string(shared.join(update)).expect("page");
    let lines: Vec<&str> = page.lines().collect();
    let row = lines.iter().position(|l| l.starts_with("|bccRecipients|")).expect("row");
    let section = lines[..row].iter().rposition(|l| l.starts_with("## ")).expect("section") + 1;
    assert!(
        report.contains(
            "- `request-body-type-changed`: request body object{bccRecipients,body,categories,ccRecipients,"
        ) && report.contains(&format!(
            "→ microsoft.graph.message — [{update}:{section}](../../../shared/{update}#L{section}) — Rust: \
             `MessageRequest::update(body: MessageBody) → MessageRequest::update(body: Message)`"
        )),
        "{report}"
    );
    // Operations 2017 documented under calendar groups that 2021 no longer lists, sourced from the old page.
    assert!(report.contains("- `operation-removed`: DELETE /me/calendargroup/calendars/{calendar-id}/events/{event-id}/attachments/{attachment-id} is gone — [corpus/2017-en/attachment_delete.md:"), "{report}");
    // A new resource page is a new Rust type.
    assert!(report.contains("- `schema-added`: schema `microsoft.graph.message` added — [corpus/2021-en-resources/message.md:"), "{report}");
    assert!(report.contains("Rust: `types::Message added`"), "{report}");
}

/// spec/docs moved from the 2021 mail pages to the newest (issue 12); the report of that move is written once
/// (its base is a commit, its Rust names those of the day), so this checks what it says against the spec today.
#[test]
fn the_2021_to_newest_report_says_what_the_move_changed() {
    let root = xtask::project_root();
    let report =
        std::fs::read_to_string(root.join("spec/history/2021-to-newest.md")).expect("report committed");
    let spec: serde_json::Value =
        serde_yaml_ng::from_str(&std::fs::read_to_string(root.join(xtask::regen::SPEC_FILE)).expect("spec"))
            .expect("spec parses");
    // The operations the 2021 set lacked: permanentDelete on messages and folders, additive, from their pages,
    // and in the spec.
    let added: Vec<&str> = report
        .lines()
        .filter_map(|l| l.strip_prefix("- `operation-added`: POST "))
        .filter_map(|l| l.split(" is new").next())
        .filter(|p| p.ends_with("/permanentDelete"))
        .collect();
    assert_eq!(added.len(), 4, "{added:?}");
    for path in &added {
        assert!(spec["paths"][*path]["post"].is_object(), "{path} is not in the spec");
    }
    assert!(report.contains(
        "[spec/docs/message-permanentdelete.md:35](../../spec/docs/message-permanentdelete.md#L35)"
    ));
    // The newer message-delta.md documents `changeType`; it is in the spec.
    assert!(report.contains("optional query parameter `changeType` added"));
    let delta = &spec["paths"]["/me/mailFolders/{mailFolder-id}/messages/delta"]["get"]["parameters"];
    assert!(delta.as_array().is_some_and(|ps| ps.iter().any(|p| p["name"] == "changeType")), "{delta}");
    // No scope was lost: the seven pages whose permission include is missing stayed at 2021.
    assert!(!report.contains("scope-removed"), "{report}");
    assert!(report.contains("**4 breaking, 19 additive, 13 docs**"));
}
