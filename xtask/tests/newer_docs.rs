//! The newer pages (microsoft-graph-docs-contrib, 2022 on) and the last percent of every era: permissions
//! includes, and request sections that hold more than request lines. One test per quirk, on pages in
//! `tests/fixtures/pages/` (whole pages or cuts of them, see the README there); a few tests edit a real page in
//! memory to show one quirk where no published page with it is at hand.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use xtask::convert::{self, Source};
use xtask::diagnostics::{Diagnostic, Severity};
use xtask::includes::IncludeRoots;
use xtask::page::{self, Page, PermissionKind};
use xtask::paths;

#[path = "support/pages.rs"]
mod pages;
use pages::{fixture, scopes};

fn text(rel: &str) -> String {
    std::fs::read_to_string(fixture(rel)).expect("fixture")
}

/// Reads a fixture labelled by its real path, so its includes are looked for beside it.
fn read_with(path: &Path, includes: &IncludeRoots) -> Page {
    let bytes = std::fs::read(path).expect("page");
    match convert::read_bytes_with(&convert::label(path), &bytes, includes) {
        Source::Api(page) => *page,
        Source::Resource(r) => panic!("{} read as a resource page: {r:?}", path.display()),
    }
}

fn read(rel: &str) -> Page {
    read_with(&fixture(rel), &IncludeRoots::default())
}

fn diagnostic<'a>(page: &'a Page, says: &str) -> &'a Diagnostic {
    page.diagnostics
        .iter()
        .find(|d| d.message.contains(says))
        .unwrap_or_else(|| panic!("no diagnostic saying {says:?} in {:#?}", page.diagnostics))
}

fn templates(page: &Page) -> Vec<String> {
    page.endpoints.iter().map(|e| paths::normalise(&e.path).expect("path").path()).collect()
}

const INCLUDING_PAGE: &str = "2025-en/api/agentuser-post-approleassignments.md";
const INCLUDE_FILE: &str = "2025-en/includes/permissions/agentuser-post-approleassignments-permissions.md";

// Permissions includes.

#[test]
fn permissions_include_beside_the_page_gives_the_scopes() {
    // A checkout of the docs: `api/<page>.md` names `../includes/permissions/<page>-permissions.md`, whose table
    // has the newer columns "Least privileged permission | Higher privileged permissions".
    let page = read(INCLUDING_PAGE);
    assert!(!page.has_errors(), "{:#?}", page.diagnostics);
    assert!(page.diagnostics.is_empty(), "the rbac include is skipped on purpose: {:#?}", page.diagnostics);
    assert_eq!(scopes(&page, PermissionKind::DelegatedWork), ["AppRoleAssignment.ReadWrite.All"]);
    assert_eq!(scopes(&page, PermissionKind::Application), ["AppRoleAssignment.ReadWrite.All"]);
    assert!(scopes(&page, PermissionKind::DelegatedPersonal).is_empty(), "`Not supported.` names no scope");
    // The scopes' line is the include line of the page.
    assert!(page.permissions.iter().all(|p| p.line == 23), "{:?}", page.permissions);

    let conversion =
        convert::convert(vec![Source::Api(Box::new(page))], &mut |_| {}, &mut Default::default())
            .expect("converts");
    let yaml = conversion.yaml().expect("yaml");
    let document: Value = serde_yaml_ng::from_str(&yaml).expect("YAML");
    let security = &document["paths"]["/users/{user-id}/appRoleAssignments"]["post"]["security"];
    assert_eq!(security[0]["azureaadv2"], serde_json::json!(["AppRoleAssignment.ReadWrite.All"]), "{yaml}");
}

#[test]
fn a_permissions_include_is_scanned_as_a_page_is() {
    // The include goes through the pages' scanner: a comment over two lines hides both, and front matter
    // never closed is said at the include line, its table still read. Before, only a one-line comment was
    // skipped and an unclosed `---` swallowed the table.
    let include = text(INCLUDE_FILE)
        .replacen(
            "<!-- markdownlint-disable MD041-->",
            "<!-- markdownlint-disable\n| Application | Mail.Send | -->",
            1,
        )
        .replacen("ms.localizationpriority: medium\n---\n", "ms.localizationpriority: medium\n", 1);
    let page = page::read_with(INCLUDING_PAGE, &text(INCLUDING_PAGE), &|_: &str| Ok(include.clone()));
    assert_eq!(scopes(&page, PermissionKind::Application), ["AppRoleAssignment.ReadWrite.All"]);
    let d = diagnostic(&page, "front matter opened with `---` is never closed");
    assert_eq!((d.line, d.severity), (23, Severity::Warning));
    assert!(
        d.message.starts_with(
            "`../includes/permissions/agentuser-post-approleassignments-permissions.md` line 1:"
        ),
        "{}",
        d.message
    );
}

/// Lays out `pages/<page>` and `pages-includes/v1.0/includes/permissions/<include>`: the shared corpus's
/// `2025-en/` and `2025-en-includes/`.
fn corpus_layout() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let pages = dir.path().join("pages");
    let root = dir.path().join("pages-includes");
    let include_dir = root.join("v1.0/includes/permissions");
    std::fs::create_dir_all(&pages).expect("pages");
    std::fs::create_dir_all(&include_dir).expect("includes");
    let page = pages.join("agentuser-post-approleassignments.md");
    std::fs::copy(fixture(INCLUDING_PAGE), &page).expect("copy page");
    std::fs::copy(
        fixture(INCLUDE_FILE),
        include_dir.join("agentuser-post-approleassignments-permissions.md"),
    )
    .expect("copy include");
    (dir, pages, root)
}

#[test]
fn permissions_include_in_an_include_root_gives_the_scopes() {
    let (_dir, pages, root) = corpus_layout();
    let page_path = pages.join("agentuser-post-approleassignments.md");
    // Not beside the page: only a warning.
    let alone = read_with(&page_path, &IncludeRoots::default());
    assert!(alone.permissions.is_empty());
    // In the sibling `pages-includes/`, which mirrors `api-reference/`.
    let roots = IncludeRoots::for_inputs(Vec::new(), std::slice::from_ref(&pages));
    assert_eq!(roots.roots(), std::slice::from_ref(&root));
    let page = read_with(&page_path, &roots);
    assert_eq!(scopes(&page, PermissionKind::Application), ["AppRoleAssignment.ReadWrite.All"]);
    // Named on the command line.
    let page = read_with(&page_path, &IncludeRoots::new(vec![root]));
    assert_eq!(scopes(&page, PermissionKind::DelegatedWork), ["AppRoleAssignment.ReadWrite.All"]);
}

#[test]
fn convert_command_looks_in_includes_folders() {
    let (dir, pages, root) = corpus_layout();
    let page_path = pages.join("agentuser-post-approleassignments.md");
    let out = dir.path().join("out.yaml");
    let report = dir.path().join("report.json");
    let run = |args: &[&std::ffi::OsStr]| {
        let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
            .arg("convert")
            .arg("--out")
            .arg(&out)
            .arg("--report")
            .arg(&report)
            .args(args)
            .output()
            .expect("run xtask");
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        let report: Value =
            serde_json::from_str(&std::fs::read_to_string(&report).expect("report")).expect("JSON");
        (std::fs::read_to_string(&out).expect("out"), report)
    };
    // A page given alone: its folder's sibling is not looked at, `--includes` names the root.
    let (yaml, _) = run(&[page_path.as_os_str(), "--includes".as_ref(), root.as_os_str()]);
    assert!(yaml.contains("AppRoleAssignment.ReadWrite.All"), "{yaml}");
    // A folder of pages: its `-includes` sibling is found.
    let (yaml, report) = run(&[pages.as_os_str()]);
    assert!(yaml.contains("AppRoleAssignment.ReadWrite.All"), "{yaml}");
    // The include is found: nothing is said about it (the page's untyped response may still be).
    let diagnostics = report["pages"][0]["diagnostics"].as_array().expect("diagnostics");
    assert!(
        !diagnostics
            .iter()
            .any(|d| d["message"].as_str().is_some_and(|m| m.contains("INCLUDE") || m.contains("include"))),
        "{diagnostics:?}"
    );
    // Without either, the scopes are unknown and the report says so at the include line.
    let (yaml, report) = run(&[page_path.as_os_str()]);
    assert!(!yaml.contains("AppRoleAssignment.ReadWrite.All"));
    let diagnostics = report["pages"][0]["diagnostics"].as_array().expect("diagnostics");
    let d = diagnostics
        .iter()
        .find(|d| d["line"].as_u64() == Some(23))
        .expect("a diagnostic at the include line");
    assert_eq!(d["severity"].as_str(), Some("warning"));
}

#[test]
fn permissions_include_that_cannot_be_found_is_a_warning_naming_its_line() {
    // The corpus could not get `message-delete-permissions.md` (2025-en-includes/MISSING.tsv).
    let page = read("2025-en/api/message-delete.md");
    assert!(!page.has_errors(), "{:#?}", page.diagnostics);
    assert!(page.permissions.is_empty());
    let w = diagnostic(&page, "../includes/permissions/message-delete-permissions.md");
    assert_eq!((w.severity, w.line), (Severity::Warning, 24));
    assert!(w.message.contains("cannot be found") && w.message.contains("no scopes"), "{}", w.message);
    assert!(w.message.contains("looked in"), "says where it looked: {}", w.message);
    assert!(
        !page.diagnostics.iter().any(|d| d.message.contains("names no scope")),
        "one warning for the missing table, not two: {:#?}",
        page.diagnostics
    );
    // The cloud-availability include (line 18) and the snippet includes are skipped on purpose.
    assert_eq!(page.diagnostics.len(), 1, "{:#?}", page.diagnostics);
}

#[test]
fn newer_page_furniture_is_read_or_skipped() {
    // `ms.date`-era front matter, `Namespace:`, a cloud include before Permissions, snippet tabs for nine
    // languages with `[!INCLUDE [sample-code]]` lines, the SDK link include.
    let page = read("2025-en/api/message-delete.md");
    assert_eq!(page.title.as_deref(), Some("Delete message"));
    assert!(
        page.description.as_deref().is_some_and(|d| d.starts_with("Delete a message")),
        "{:?}",
        page.description
    );
    assert_eq!(
        templates(&page),
        [
            "/me/messages/{message-id}",
            "/users/{user-id}/messages/{message-id}",
            "/me/mailFolders/{mailFolder-id}/messages/{message-id}",
            "/users/{user-id}/mailFolders/{mailFolder-id}/messages/{message-id}",
        ]
    );
    assert_eq!(page.success.as_ref().map(|s| s.status), Some(204));
    assert_eq!(page.base_url.as_deref(), Some("https://graph.microsoft.com/v1.0"));
}

// Request sections that hold more than request lines.

#[test]
fn snippet_in_another_language_in_the_request_section_is_skipped() {
    // `shares-get.md`: the C# that encodes a sharing URL sits in a ```csharp block under `### Encoding sharing
    // URLs`, inside the HTTP request section.
    let page = read("2025-en/shares-get.md");
    assert!(page.diagnostics.is_empty(), "{:#?}", page.diagnostics);
    assert_eq!(templates(&page), ["/shares/{share-id}"]);

    // The same lines inside the http block: each is a warning with its line, the request line is kept.
    let original = text("2025-en/shares-get.md");
    let csharp = "string sharingUrl = \"https://onedrive.live.com/redir?resid=1231244193912!12&authKey=1201919!12921!1\";";
    let moved = original.replacen(
        "GET /shares/{shareIdOrEncodedSharingUrl}\n",
        &format!(
            "GET /shares/{{shareIdOrEncodedSharingUrl}}\nAs an example, to encode a URL in C#:\n{csharp}\n"
        ),
        1,
    );
    assert_ne!(moved, original);
    let page = page::read("shares-get.md", &moved);
    assert!(!page.has_errors(), "{:#?}", page.diagnostics);
    assert_eq!(templates(&page), ["/shares/{share-id}"]);
    let prose = diagnostic(&page, "As an example");
    assert_eq!((prose.severity, prose.line), (Severity::Warning, 30));
    assert!(
        prose.message.contains("not a request line") && prose.message.contains("skipped"),
        "{}",
        prose.message
    );
    assert_eq!(diagnostic(&page, "string sharingUrl").line, 31);
}

#[test]
fn page_whose_request_lines_are_all_unreadable_fails_at_each() {
    let original = text("2025-en/shares-get.md");
    let broken =
        original.replacen("GET /shares/{shareIdOrEncodedSharingUrl}\n", "Get the shared item by its id\n", 1);
    let page = page::read("shares-get.md", &broken);
    let errors: Vec<&Diagnostic> =
        page.diagnostics.iter().filter(|d| d.severity == Severity::Error).collect();
    assert_eq!(errors.len(), 1, "{:#?}", page.diagnostics);
    assert_eq!(errors[0].line, 29);
    assert!(errors[0].message.contains("is not a request line"), "{}", errors[0].message);
}

#[test]
fn or_between_two_request_lines_is_skipped() {
    let original = text("2025-en/api/message-delete.md");
    let with_or = original.replacen("DELETE /me/messages/{id}\n", "DELETE /me/messages/{id}\nor\n", 1).replacen(
        "DELETE /me/mailFolders/{id}/messages/{id}\n",
        "DELETE /me/mailFolders/{id}/messages/{id} or DELETE /me/mailFolders/{id}/childFolders/{id}/messages/{id}\n",
        1,
    );
    let page = page::read("message-delete.md", &with_or);
    assert!(!page.has_errors(), "{:#?}", page.diagnostics);
    assert!(
        !page.diagnostics.iter().any(|d| d.line == 30),
        "`or` alone is not worth a word: {:#?}",
        page.diagnostics
    );
    assert_eq!(page.endpoints.len(), 5);
    assert_eq!(page.endpoints[3].path, "/me/mailFolders/{id}/childFolders/{id}/messages/{id}");
    assert_eq!(page.endpoints[3].line, page.endpoints[2].line, "both requests of one line keep its number");
}

#[test]
fn function_arguments_written_with_spaces() {
    // A cut of `workbookrange-resizedrange.md` (bilingual, es-ES): `resizedRange(deltaRows={n}, deltaColumns={n})`.
    let page = read("2019-es/workbookrange-resizedrange.md");
    assert!(!page.has_errors(), "{:#?}", page.diagnostics);
    assert_eq!(
        templates(&page),
        ["/me/drive/root/workbook/worksheets/{worksheet-id}/range/resizedRange(deltaRows={n},deltaColumns={n1})"]
    );
    assert_eq!(scopes(&page, PermissionKind::DelegatedWork), ["Files.ReadWrite"]);
    let mut said = xtask::diagnostics::Diagnostics::new();
    let conversion =
        convert::convert(vec![Source::Api(Box::new(page))], &mut |_| {}, &mut said).expect("converts");
    assert!(conversion.pages[0].ok, "{said}");
    assert_eq!(conversion.operations(), 1);
}

#[test]
fn annotation_with_unquoted_keys_is_repaired_with_a_warning() {
    let original = text("2021-en/chatmessage-update.md");
    let unquoted = original.replacen("\"blockType\": \"request\",", "blockType: \"request\",", 1);
    assert_ne!(unquoted, original);
    let page = page::read("chatmessage-update.md", &unquoted);
    assert!(!page.has_errors(), "{:#?}", page.diagnostics);
    let w = diagnostic(&page, "quoting its unquoted keys");
    assert_eq!(w.severity, Severity::Warning);
    assert_eq!(unquoted.lines().nth(w.line - 1).map(str::trim), Some("<!-- {"));
    // The repaired annotation still marks its block as the example request.
    let repaired = page.annotations.iter().find(|a| a.line == w.line).expect("the annotation is kept");
    assert_eq!(repaired.value["blockType"], "request");
}

#[test]
fn literal_ids_where_placeholders_belong_become_placeholders_with_a_warning() {
    // `educationassignment-delete-rubric.md` (2021) lists its only request line with the ids of its example.
    let page = read("2021-en/educationassignment-delete-rubric.md");
    assert!(!page.has_errors(), "{:#?}", page.diagnostics);
    assert_eq!(templates(&page), ["/education/classes/{class-id}/assignments/{assignment-id}/rubric/$ref"]);
    let w = diagnostic(&page, "literal ids");
    assert_eq!((w.severity, w.line), (Severity::Warning, page.endpoints[0].line));
}

#[test]
fn paths_without_their_leading_slash_are_read_with_a_warning() {
    let page = read("2017-en/groupsetting_list.md");
    assert!(!page.has_errors(), "{:#?}", page.diagnostics);
    assert_eq!(templates(&page), ["/groupSettings", "/group/{group-id}/settings"]);
    let w = diagnostic(&page, "without its leading `/`");
    assert_eq!((w.severity, w.line), (Severity::Warning, 16));
}

#[test]
fn shorthand_that_stands_for_a_path_is_skipped_never_a_broken_path() {
    let original = text("2025-en/api/message-delete.md");
    let shorthand = original
        .replacen("DELETE /me/mailFolders/{id}/messages/{id}\n", "DELETE .../messages/{id}\n", 1)
        .replacen(
            "DELETE /users/{id | userPrincipalName}/mailFolders/{id}/messages/{id}\n",
            "DELETE /users/{id}/mailFolders/{id}.../messages/{id}\n",
            1,
        );
    let page = page::read("message-delete.md", &shorthand);
    assert!(!page.has_errors(), "{:#?}", page.diagnostics);
    assert_eq!(templates(&page), ["/me/messages/{message-id}", "/users/{user-id}/messages/{message-id}"]);
    assert_eq!(diagnostic(&page, "starts with `...`").line, 31);
    assert_eq!(diagnostic(&page, "inside the segment").line, 32);
    let trailing = original.replacen("DELETE /me/messages/{id}\n", "DELETE /me/messages/...\n", 1);
    let page = page::read("message-delete.md", &trailing);
    assert_eq!(diagnostic(&page, "ends with `...`").line, 29);
    assert_eq!(page.endpoints.len(), 3);
}

#[test]
fn request_lines_under_a_differently_titled_or_deeper_section() {
    let original = text("2025-en/api/message-delete.md");
    // `## Request syntax` where the page has no `HTTP request` section.
    let retitled = original.replacen("## HTTP request\n", "## Request syntax\n", 1);
    let page = page::read("message-delete.md", &retitled);
    assert!(!page.has_errors(), "{:#?}", page.diagnostics);
    assert_eq!(page.endpoints.len(), 4);
    // Per-scenario sections: `#### HTTP request` under `### Delete a message` under `## Scenarios`.
    let split =
        original.replacen("## HTTP request\n", "## Scenarios\n### Delete a message\n#### HTTP request\n", 1);
    let page = page::read("message-delete.md", &split);
    assert!(!page.has_errors(), "{:#?}", page.diagnostics);
    assert_eq!(page.endpoints.len(), 4);
    assert_eq!(page.success.as_ref().map(|s| s.status), Some(204));
}

// spec/docs on the newest pages (issue 12): quirks the move exposed.

#[test]
fn one_path_written_in_two_cases_is_one_endpoint_with_its_query_option() {
    // The newer message-delta.md lists `/me/mailFolders/{id}/messages/delta`, then the same path as
    // `/me/mailfolders/{id}/messages/delta?changeType=created` (and `updated`, `deleted`). Graph matches paths
    // without regard to case: one operation, keeping the first spelling, which takes the query option.
    let page = read("2025-en/api/message-delta.md");
    let mut diagnostics = xtask::diagnostics::Diagnostics::new();
    let built = xtask::spec::build(std::slice::from_ref(&page), &mut diagnostics);
    assert!(!diagnostics.has_errors(), "{diagnostics}");
    let paths: Vec<&String> = built.document.paths.paths.keys().collect();
    assert_eq!(
        paths,
        [
            "/me/mailFolders/{mailFolder-id}/messages/delta",
            "/users/{user-id}/mailFolders/{mailFolder-id}/messages/delta"
        ]
    );
    for path in paths {
        let get = built.document.paths.paths[path].as_item().and_then(|i| i.get.as_ref()).expect("GET");
        let params = &get.parameters;
        assert!(
            params
                .iter()
                .any(|p| matches!(p.as_item(), Some(openapiv3::Parameter::Query { parameter_data, .. })
                if parameter_data.name == "changeType")),
            "{path} lacks changeType: {params:#?}"
        );
    }
    let said: Vec<&str> = diagnostics.iter().map(|d| d.diagnostic.message.as_str()).collect();
    assert!(
        said.iter()
            .any(|m| m.contains("`GET /me/mailfolders/{mailfolder-id}/messages/delta` is listed twice")
                && m.contains("as `/me/mailFolders/{mailFolder-id}/messages/delta`")),
        "{said:#?}"
    );
}

#[test]
fn a_table_under_properties_without_a_type_column_is_not_read_as_properties() {
    // outlookcategory.md follows its property table with a note: `| Pre-set constant | Color mapped to in
    // Outlook |`, 25 rows (`| Preset0 | Red |`), which are values of `color`, not properties.
    let resource = xtask::resource::read("outlookcategory.md", &text("2025-en/resources/outlookcategory.md"));
    let names: Vec<&str> = resource.properties.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["color", "displayName"]);
    assert_eq!(resource.properties[0].type_name, "categoryColor");
}

#[test]
fn an_include_beside_a_page_given_by_a_relative_path_is_found() {
    // `cargo xtask convert api/<page>.md` run from a docs folder: the page's folder has no parent in the
    // path as written, yet `../includes/…` beside it is inside the docs.
    let dir = tempfile::tempdir().expect("tempdir");
    let docs = dir.path().join("docs");
    for rel in [
        "api/agentuser-post-approleassignments.md",
        "includes/permissions/agentuser-post-approleassignments-permissions.md",
    ] {
        let to = docs.join(rel);
        std::fs::create_dir_all(to.parent().expect("parent")).expect("mkdir");
        std::fs::copy(fixture(&format!("2025-en/{rel}")), &to).expect("copy");
    }
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_xtask"))
        .current_dir(&docs)
        .args(["convert", "--out", "../out.yaml", "api/agentuser-post-approleassignments.md"])
        .output()
        .expect("run xtask");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let yaml = std::fs::read_to_string(dir.path().join("out.yaml")).expect("out");
    assert!(yaml.contains("AppRoleAssignment.ReadWrite.All"), "{yaml}");
}
