//! The reader and `cargo xtask convert` on real pages, one test per quirk, named after it. The pages are in
//! `tests/fixtures/pages/<era>/`, copied byte for byte from `../shared/corpus` (see the README there), so
//! these tests run on any machine.

use std::process::Command;

use serde_json::Value;
use xtask::convert::{self, Conversion};
use xtask::diagnostics::{Diagnostics, Severity};
use xtask::page::{self, Page, PermissionKind};
use xtask::paths;

#[path = "support/pages.rs"]
mod pages;
#[path = "support/reading.rs"]
mod reading;
use pages::{fixture, scopes};
use reading::{convert_pages, convert_saying, read};

fn document(conversion: &Conversion) -> Value {
    serde_yaml_ng::from_str(&conversion.yaml().expect("yaml")).expect("the document is YAML")
}

fn paths_of(rel: &str) -> Vec<String> {
    read(rel).endpoints.iter().map(|e| paths::normalise(&e.path).expect("path").path()).collect()
}

fn warning<'a>(page: &'a Page, says: &str) -> &'a xtask::diagnostics::Diagnostic {
    page.diagnostics
        .iter()
        .find(|d| d.message.contains(says))
        .unwrap_or_else(|| panic!("no diagnostic saying {says:?} in {:#?}", page.diagnostics))
}

// Eras and their page furniture.

#[test]
fn bilingual_page_without_front_matter_reads_the_english() {
    let page = read("2017-de/message_send.md");
    assert_eq!(page.title.as_deref(), Some("message: send"));
    assert!(page.description.as_deref().is_some_and(|d| d.starts_with("Send a message in the draft folder")));
    assert_eq!(page.endpoints.len(), 2);
    assert_eq!(scopes(&page, PermissionKind::Unspecified), ["Mail.Send"]);
    assert!(!page.has_errors());
}

#[test]
fn bilingual_page_with_front_matter_and_permission_table() {
    let page = read("2019-de/group-checkmembergroups.md");
    assert_eq!(page.title.as_deref(), Some("group: checkMemberGroups"));
    // `~~Group.Read.All~~` is struck through on the page: not a scope to ask for.
    assert_eq!(
        scopes(&page, PermissionKind::DelegatedWork),
        ["Directory.Read.All", "Directory.ReadWrite.All", "Directory.AccessAsUser.All"]
    );
    assert!(scopes(&page, PermissionKind::DelegatedPersonal).is_empty());
    assert_eq!(
        scopes(&page, PermissionKind::Application),
        ["Group.Read.All", "Directory.Read.All", "Directory.ReadWrite.All"]
    );
    assert_eq!(page.success.as_ref().map(|s| s.status), Some(200));
}

#[test]
fn prerequisites_scope_prose_in_its_spellings() {
    // "One of the following **scopes** is required to execute this API:" with the scope on the next line.
    assert_eq!(
        scopes(&read("2017-en/calendar_delete.md"), PermissionKind::Unspecified),
        ["Calendars.ReadWrite"]
    );
    // "The following **scopes** are required…" with an indented `* Files.ReadWrite` list.
    assert_eq!(
        scopes(&read("2017-en/chartlineformat_clear.md"), PermissionKind::Unspecified),
        ["Files.ReadWrite"]
    );
    // Bullets per case, scopes separated by `;` and `,`, least privileged first.
    let photo = read("2017-en/profilephoto_get.md");
    assert_eq!(
        scopes(&photo, PermissionKind::Unspecified)[..3],
        ["User.ReadBasic.All", "User.Read.All", "User.ReadWrite.All"]
    );
    // A section that names no scope is a warning, not a failure.
    let entity = read("2017-en/entity_get.md");
    assert_eq!(warning(&entity, "names no scope").severity, Severity::Warning);
}

#[test]
fn permission_table_listed_most_privileged_first_is_turned_around() {
    let page = read("2019-de/intune-apps-androidlobapp-get.md");
    assert_eq!(
        scopes(&page, PermissionKind::DelegatedWork),
        ["DeviceManagementApps.Read.All", "DeviceManagementApps.ReadWrite.All"]
    );
    let conversion = convert_pages(&["2019-de/intune-apps-androidlobapp-get.md"]);
    let doc = document(&conversion);
    let op = &doc["paths"]["/deviceAppManagement/mobileApps/{mobileApp-id}"]["get"];
    assert_eq!(op["security"][0]["azureaadv2"][0], "DeviceManagementApps.Read.All");
}

#[test]
fn permission_table_with_workflow_rows_adds_them_to_their_kind() {
    let page = read("2019-de/intune-shared-devicemanagement-get.md");
    let delegated = scopes(&page, PermissionKind::DelegatedWork);
    for scope in [
        "DeviceManagementApps.Read.All",
        "DeviceManagementRBAC.Read.All",
        "DeviceManagementServiceConfig.Read.All",
    ] {
        assert!(delegated.contains(&scope), "{scope} in {delegated:?}");
    }
    assert!(scopes(&page, PermissionKind::Application).is_empty());
}

#[test]
fn permission_table_per_resource_applies_the_row_the_path_names() {
    let conversion = convert_pages(&["2021-en/attachment-get.md"]);
    let doc = document(&conversion);
    let get = |path: &str| doc["paths"][path]["get"].clone();
    let message = get("/me/messages/{message-id}/attachments/{attachment-id}");
    assert_eq!(message["x-ms-permissions"]["delegatedWork"][0], "Mail.Read");
    assert_eq!(message["security"][0]["azureaadv2"][0], "Mail.Read");
    let event = get("/users/{user-id}/events/{event-id}/attachments/{attachment-id}");
    assert_eq!(event["security"][0]["azureaadv2"][0], "Calendars.Read");
    let post = get("/groups/{group-id}/threads/{thread-id}/posts/{post-id}/attachments/{attachment-id}");
    assert_eq!(post["x-ms-permissions"]["delegatedWork"][0], "Group.Read.All");
    assert_eq!(post["x-ms-permissions"]["application"], serde_json::json!([]));
}

/// The scope an operation's `security` names, and its `x-ms-permissions` of one kind.
fn security_of(doc: &Value, method: &str, path: &str, kind: &str) -> (String, Vec<String>) {
    let op = &doc["paths"][path][method];
    let scope =
        op["security"][0]["azureaadv2"][0].as_str().unwrap_or_else(|| panic!("{method} {path}: {op}"));
    let listed = op["x-ms-permissions"][kind]
        .as_array()
        .map_or(vec![], |a| a.iter().filter_map(Value::as_str).map(str::to_string).collect());
    (scope.to_string(), listed)
}

#[test]
fn permission_prose_per_resource_applies_the_line_the_path_names() {
    // 2017 and 2019: "* If accessing attachments in messages: *Mail.Read*", a line per resource.
    for rel in ["2017-en/attachment_get.md", "2019-de/attachment-get.md"] {
        let doc = document(&convert_pages(&[rel]));
        let scope = |path: &str| security_of(&doc, "get", path, "unspecified");
        assert_eq!(
            scope("/me/messages/{message-id}/attachments/{attachment-id}"),
            ("Mail.Read".into(), vec!["Mail.Read".into()]),
            "{rel}"
        );
        // "in events" is this path's line; "in group events or posts" names a group, which it is not.
        assert_eq!(
            scope("/users/{user-id}/events/{event-id}/attachments/{attachment-id}"),
            ("Calendars.Read".into(), vec!["Calendars.Read".into()]),
            "{rel}"
        );
        // The 2019 page comments its group event lines out.
        if rel.starts_with("2017") {
            let group_event = scope("/groups/{group-id}/events/{event-id}/attachments/{attachment-id}");
            assert_eq!(group_event.0, "Group.Read.All");
        }
        assert_eq!(
            scope("/groups/{group-id}/threads/{thread-id}/posts/{post-id}/attachments/{attachment-id}"),
            ("Group.Read.All".into(), vec!["Group.Read.All".into()]),
            "{rel}"
        );
    }
}

#[test]
fn permission_tables_under_resource_headings_apply_to_their_resource() {
    // `### Permissions for channel` and `### Permissions for chat`, a table of kinds under each.
    let doc = document(&convert_pages(&["2021-en/chatmessage-get.md"]));
    let (scope, listed) = security_of(&doc, "get", "/chats/{chat-id}/messages/{message-id}", "application");
    assert_eq!(
        (scope.as_str(), listed),
        ("Chat.Read", vec!["Chat.Read.All".to_string(), "Chat.ReadWrite.All".into()])
    );
    let channel = "/teams/{team-id}/channels/{channel-id}/messages/{message-id}";
    let (scope, listed) = security_of(&doc, "get", channel, "delegatedWork");
    assert_eq!(scope, "ChannelMessage.Read.All");
    assert!(!listed.iter().any(|s| s.starts_with("Chat.")), "{listed:?}");
}

#[test]
fn one_permission_cell_of_two_families_gives_each_path_its_family() {
    // createUploadSession lists `Calendars.ReadWrite, Mail.ReadWrite` for events and messages alike: each path
    // needs the scope of its own resource, the least privileged of that family; the page's list is kept.
    let doc = document(&convert_pages(&["2025-en/api/attachment-createuploadsession.md"]));
    let both = vec!["Calendars.ReadWrite".to_string(), "Mail.ReadWrite".into()];
    for (path, scope) in [
        ("/me/messages/{message-id}/attachments/createUploadSession", "Mail.ReadWrite"),
        ("/users/{user-id}/messages/{message-id}/attachments/createUploadSession", "Mail.ReadWrite"),
        ("/me/events/{event-id}/attachments/createUploadSession", "Calendars.ReadWrite"),
        ("/users/{user-id}/events/{event-id}/attachments/createUploadSession", "Calendars.ReadWrite"),
    ] {
        assert_eq!(
            security_of(&doc, "post", path, "delegatedWork"),
            (scope.to_string(), both.clone()),
            "{path}"
        );
    }
}

#[test]
fn permission_pairs_of_resource_and_scope_from_2017() {
    let conversion = convert_pages(&["2017-en/opentypeextension_delete.md"]);
    let doc = document(&conversion);
    let op = &doc["paths"]["/users/{user-id}/messages/{message-id}/extensions/{extension-id}"]["delete"];
    assert_eq!(op["security"][0]["azureaadv2"][0], "Mail.ReadWrite");
    let op = &doc["paths"]["/devices/{device-id}/extensions/{extension-id}"]["delete"];
    assert_eq!(op["security"][0]["azureaadv2"][0], "Device.ReadWrite.All");
}

#[test]
fn optional_query_parameters_become_query_options() {
    let page = read("2021-en/identityuserflowattributeassignment-get.md");
    let names: Vec<&str> = page.query_parameters.iter().map(|q| q.name.as_str()).collect();
    assert_eq!(names, ["$select", "$expand"]);
    // Query strings in a request line with a placeholder value are required parameters.
    let conversion = convert_pages(&["2017-en/calendar_list_calendarview.md"]);
    let doc = document(&conversion);
    let params =
        doc["paths"]["/me/calendar/calendarView"]["get"]["parameters"].as_array().expect("params").clone();
    let start = params.iter().find(|p| p["name"] == "startDateTime").expect("startDateTime");
    assert_eq!((start["in"].as_str(), start["required"].as_bool()), (Some("query"), Some(true)));
}

#[test]
fn example_sections_snippet_tabs_and_includes_are_skipped() {
    let page = read("2021-en/identityuserflowattributeassignment-get.md");
    // The endpoints come from the HTTP request section only, never from the examples.
    assert_eq!(page.endpoints.len(), 1);
    // Two `### Example N` sections, each a request and a response; tabs and `[!INCLUDE]` lines add nothing.
    let requests = page.examples.iter().filter(|e| e.kind == page::ExampleKind::Request).count();
    let responses = page.examples.iter().filter(|e| e.kind == page::ExampleKind::Response).count();
    assert_eq!((requests, responses), (2, 2));
    assert!(page.diagnostics.is_empty(), "{:#?}", page.diagnostics);
    // The `Namespace:` line is not description.
    let description = page.description.as_deref().expect("description");
    assert!(!description.contains("Namespace"), "{description}");
}

#[test]
fn headings_keyed_on_their_anchor_when_the_title_is_translated() {
    let text = std::fs::read_to_string(fixture("2017-de/message_send.md")).expect("fixture");
    // Only the anchor is left to say which section is the HTTP request.
    let german = text
        .replace(r#"<span class="sxs-lookup"><span data-stu-id="13cfa-107">HTTP request</span></span>"#, "");
    assert_ne!(german, text);
    assert_eq!(page::read("x.md", &german).endpoints, read("2017-de/message_send.md").endpoints);
}

// Paths as Graph writes them.

#[test]
fn id_or_user_principal_name_and_repeated_ids() {
    assert_eq!(
        paths_of("2017-de/message_send.md"),
        ["/me/messages/{message-id}/send", "/users/{user-id}/messages/{message-id}/send"]
    );
    assert!(paths_of("2017-en/calendar_delete.md")
        .contains(&"/users/{user-id}/calendarGroups/{calendarGroup-id}/calendars/{calendar-id}".to_string()));
}

#[test]
fn excel_angle_placeholders() {
    assert_eq!(
        paths_of("2017-en/chartlineformat_clear.md")[0],
        "/workbook/worksheets/{worksheet-id}/charts({name})/axes/seriesaxis/format/line/clear"
    );
}

#[test]
fn root_item_path_and_request_headers_under_the_request_lines() {
    let page = read("2021-en/workbook-closesession.md");
    assert!(!page.has_errors(), "{:#?}", page.diagnostics);
    assert_eq!(
        paths_of("2021-en/workbook-closesession.md"),
        [
            "/me/drive/items/{item-id}/workbook/closeSession",
            "/me/drive/root:/{item-path}:/workbook/closeSession"
        ]
    );
}

#[test]
fn function_arguments_in_the_path() {
    assert_eq!(
        paths_of("2021-en/reportroot-getteamsdeviceusageusercounts.md"),
        ["/reports/getTeamsDeviceUsageUserCounts(period='{period_value}')"]
    );
}

#[test]
fn query_strings_holding_a_url() {
    let t =
        paths::normalise(&read("2021-en/group-delete-rejectedsenders.md").endpoints[0].path).expect("path");
    assert_eq!(t.path(), "/groups/{group-id}/rejectedSenders/$ref");
    assert_eq!(t.query, ["$id"]);
}

#[test]
fn request_lines_without_a_slash_or_with_a_full_url() {
    assert_eq!(paths_of("2017-en/groupsetting_list.md"), ["/groupSettings", "/group/{group-id}/settings"]);
    assert_eq!(paths_of("2021-en/listitem-get.md")[0], "/sites/{site-id}/lists/{list-id}/items/{item-id}");
}

#[test]
fn placeholders_in_the_wrong_brackets_or_beside_them() {
    assert_eq!(
        paths_of("2021-en/chatmessage-update.md")[0],
        "/teams/{team-id}/channels/{channel-id}/messages/{message-id}"
    );
    assert_eq!(
        paths_of("2021-en/chat-get-members.md")[1],
        "/users/{user-id}/chats/{chat-id}/members/{member-id}"
    );
}

#[test]
fn ellipsis_for_nested_folders_keeps_one_level_with_a_warning() {
    let page = read("2021-en/attachment-get.md");
    let w = warning(&page, "nested to any depth");
    assert_eq!((w.severity, w.line), (Severity::Warning, 120));
    assert!(paths_of("2021-en/attachment-get.md").contains(
        &"/me/mailFolders/{mailFolder-id}/childFolders/{childFolder-id}/messages/{message-id}/attachments/{attachment-id}"
            .to_string()
    ));
}

// Success status and response body.

#[test]
fn success_status_in_every_phrasing() {
    let status = |rel: &str| read(rel).success.map(|s| (s.status, s.reason));
    assert_eq!(status("2017-de/message_send.md"), Some((202, "Accepted".into())));
    assert_eq!(status("2017-en/calendar_delete.md"), Some((204, "No Content".into())));
    assert_eq!(status("2021-en/reportroot-getteamsdeviceusageusercounts.md"), Some((302, "Found".into())));
    // "a 200-series response code" names no single status: the operation documents 2XX.
    assert_eq!(status("2021-en/oauth2permissiongrant-post.md"), None);
    // The only Response prose sits under the example.
    assert_eq!(status("2021-en/subscriptions-socketio.md"), Some((200, "OK".into())));
    for (prose, expected) in [
        ("If successful, this method returns `202, Accepted` response code.", 202),
        ("If successful, this method returns a `201 Created` response code and a [message] object.", 201),
        ("If successful, this method returns `204 No Content` response code.", 204),
        ("If successful, this method returns a 200 OK response code.", 200),
        ("Wenn die Methode erfolgreich verläuft, wird der Antwortcode `200, OK` zurückgegeben.", 200),
    ] {
        assert_eq!(page::find_status(prose).map(|(s, _)| s), Some(expected), "{prose}");
    }
}

#[test]
fn example_status_disagreeing_with_the_prose_is_a_warning_naming_both_lines() {
    let page = read("2017-de/message_send.md");
    let w = warning(&page, "200 OK");
    assert_eq!((w.severity, w.line), (Severity::Warning, 44));
    assert!(w.message.contains("line 22") && w.message.contains("documenting 202"), "{}", w.message);
}

#[test]
fn response_body_named_by_the_prose_is_kept() {
    let body =
        read("2021-en/identityuserflowattributeassignment-get.md").response_body.expect("response body");
    assert_eq!((body.resource.as_str(), body.collection), ("identityUserFlowAttributeAssignment", false));
    // The status line names no body; a later line does ("the response body includes an attachment object").
    let page = read("2021-en/attachment-get.md");
    let body = page.response_body.expect("response body");
    assert_eq!((body.resource.as_str(), body.collection, body.line), ("attachment", false, 152));
    assert_eq!(page.documented_body, Some(152));
    // A page that says no body has none.
    let page = read("2021-en/message-delete.md");
    assert_eq!((page.response_body, page.documented_body), (None, None));
    let body = read("2017-en/calendar_list_calendarview.md").response_body.expect("response body");
    assert_eq!((body.resource.as_str(), body.collection), ("Event", true));
}

// Broken pages: diagnostics with lines, never panics, one page's error costs that page only.

#[test]
fn annotation_json_with_slips_is_read_with_a_warning() {
    let page = read("2019-de/attachment-get.md");
    let w = warning(&page, "not valid JSON");
    assert_eq!((w.severity, w.line), (Severity::Warning, 304));
    assert!(!page.has_errors());
    let page = read("2021-en/chatmessage-update.md");
    let w = warning(&page, "trailing comma");
    assert_eq!((w.severity, w.line), (Severity::Warning, 99));
}

#[test]
fn annotation_json_that_cannot_be_read_is_an_error_with_its_line() {
    let text = std::fs::read_to_string(fixture("2021-en/chatmessage-update.md")).expect("fixture");
    let broken = text.replacen("\"blockType\": \"request\",", "\"blockType\": request,", 1);
    assert_ne!(broken, text);
    let page = page::read("broken.md", &broken);
    let e = page.diagnostics.iter().find(|d| d.severity == Severity::Error).expect("an error");
    assert!(e.message.contains("not valid JSON"), "{}", e.message);
    assert_eq!(broken.lines().nth(e.line - 1).map(str::trim), Some("<!-- {"));
}

/// `calendar_delete.md` with every request line of its HTTP request section removed: its examples still show
/// a request, so the page lost its endpoints.
fn calendar_delete_without_request_lines() -> String {
    let text = std::fs::read_to_string(fixture("2017-en/calendar_delete.md")).expect("fixture");
    let lines: Vec<&str> = text.lines().collect();
    let kept: Vec<&str> =
        lines.iter().enumerate().filter(|(i, _)| !(10..=19).contains(i)).map(|(_, l)| *l).collect();
    assert!(kept[9..=10].iter().all(|l| l.starts_with("```")), "the first request block is emptied");
    kept.join("\n")
}

#[test]
fn empty_http_block_fails_that_page_only() {
    let broken = calendar_delete_without_request_lines();
    let pages = vec![
        convert::Source::Api(Box::new(page::read("broken.md", &broken))),
        convert::read_bytes(
            "2017-en/calendar_delete.md",
            &std::fs::read(fixture("2017-en/calendar_delete.md")).expect("fixture"),
        ),
    ];
    let mut said = Diagnostics::new();
    let conversion =
        convert::convert(pages, &mut |_| {}, &mut said).expect("the good pages make a valid document");
    assert!(!conversion.pages[0].ok);
    let e = conversion.diagnostics_of(0, &said).find(|d| d.severity == Severity::Error).expect("an error");
    assert_eq!(e.line, 10);
    assert!(e.message.starts_with("the HTTP request code block is empty"), "{}", e.message);
    assert!(conversion.pages[1].ok);
    assert_eq!(conversion.pages[1].operations.len(), 6);
    assert!(conversion.yaml().expect("yaml").contains("/me/calendars/{calendar-id}:"));
}

#[test]
fn placeholder_page_whose_every_http_block_is_empty_documents_no_endpoint() {
    // 2017's `entity_get.md` documents an abstract type: its request block and its example request are empty.
    let (conversion, said) = convert_saying(&["2017-en/entity_get.md", "2017-en/calendar_delete.md"]);
    let placeholder = &conversion.pages[0];
    assert!(placeholder.ok, "{said}");
    assert!(placeholder.operations.is_empty());
    let w = conversion
        .diagnostics_of(0, &said)
        .find(|d| d.message.contains("documents no endpoint"))
        .expect("a warning");
    assert_eq!((w.severity, w.line), (Severity::Warning, 8));
    assert_eq!(read("2017-en/entity_get.md").placeholder, Some(8));
}

#[test]
fn pages_with_crlf_line_endings() {
    let page = read("2017-de/listitem_get.md");
    assert!(!page.has_errors(), "{:#?}", page.diagnostics);
    assert!(page.endpoints.iter().all(|e| !e.path.ends_with('\r')));
}

#[test]
fn api_page_with_a_resource_pages_front_matter_is_an_api_page() {
    let conversion = convert_pages(&["2021-en/serviceprincipal-update.md"]);
    assert_eq!(conversion.pages[0].operations[0].path, "/servicePrincipals/{servicePrincipal-id}");
}

// Two pages, one endpoint.

#[test]
fn endpoint_on_two_pages_is_reported_and_kept_once() {
    let (conversion, said) = convert_saying(&["2021-en/eventmessage-delete.md", "2021-en/message-delete.md"]);
    let [event_message, message] = [&conversion.pages[0], &conversion.pages[1]];
    assert!(event_message.ok && message.ok);
    // message-delete.md is about messages, so its definition is kept though it comes second.
    let op = message.operations.iter().find(|o| o.path == "/me/messages/{message-id}").expect("op");
    assert_eq!(op.defined_by, None);
    let shared = event_message.operations.iter().find(|o| o.path == "/me/messages/{message-id}").expect("op");
    assert_eq!(shared.defined_by.as_deref(), Some("2021-en/message-delete.md"));
    let w = conversion
        .diagnostics_of(0, &said)
        .find(|d| d.message.contains("also documented by 2021-en/message-delete.md:30"))
        .expect("a warning naming the other page and line");
    assert_eq!((w.severity, w.line), (Severity::Warning, 27));
    let doc = document(&conversion);
    assert_eq!(
        doc["paths"]["/me/messages/{message-id}"]["delete"]["x-ms-docs-source"],
        "2021-en/message-delete.md"
    );
}

#[test]
fn regen_still_fails_on_an_endpoint_from_two_pages() {
    let pages = [read("2021-en/eventmessage-delete.md"), read("2021-en/message-delete.md")];
    let mut said = Diagnostics::new();
    xtask::spec::build(&pages, &mut said);
    assert!(said.iter().any(|d| d.diagnostic.severity == Severity::Error
        && d.diagnostic.message.contains("one method and path can come from one page only")));
}

#[test]
fn same_pages_give_the_same_bytes() {
    let rels = ["2017-de/message_send.md", "2021-en/attachment-get.md", "2019-de/group-checkmembergroups.md"];
    let yaml = |c: Conversion| c.yaml().expect("yaml");
    assert_eq!(yaml(convert_pages(&rels)), yaml(convert_pages(&rels)));
    assert!(yaml(convert_pages(&rels)).starts_with("# @generated by cargo xtask convert"));
}

// The command line.

fn xtask() -> Command {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
}

#[test]
fn command_writes_the_document_and_the_report() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("out.yaml");
    let report = dir.path().join("report.json");
    let status = xtask()
        .args(["convert", "--report"])
        .arg(&report)
        .arg("--out")
        .arg(&out)
        .arg(fixture("2017-de/message_send.md"))
        .arg(fixture("2021-en/workbook-closesession.md"))
        .status()
        .expect("run xtask");
    assert_eq!(status.code(), Some(0));
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(&report).expect("report")).expect("JSON");
    let page = &report["pages"][0];
    assert!(page["file"].as_str().is_some_and(|f| f.ends_with("2017-de/message_send.md")));
    assert_eq!(page["ok"], true);
    let op = &page["operations"][0];
    assert_eq!(op["method"], "POST");
    assert_eq!(op["path"], "/me/messages/{message-id}/send");
    assert_eq!(op["operationId"], "me.messages.message.send");
    assert_eq!(op["responses"], serde_json::json!(["202", "4XX", "5XX"]));
    let d = &page["diagnostics"][0];
    assert_eq!((d["severity"].as_str(), d["line"].as_u64()), (Some("warning"), Some(37)));
    assert!(d["message"].is_string());
    let yaml = std::fs::read_to_string(&out).expect("out");
    assert!(yaml.contains("/me/drive/root:/{item-path}:/workbook/closeSession:"));
}

#[test]
fn command_exits_1_on_an_error_and_writes_the_good_pages_only_when_asked() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("out.yaml");
    let broken = dir.path().join("calendar_delete_broken.md");
    std::fs::write(&broken, calendar_delete_without_request_lines()).expect("write the broken page");
    let run = |keep_going: bool| {
        let mut cmd = xtask();
        cmd.arg("convert");
        if keep_going {
            cmd.arg("--keep-going");
        }
        cmd.arg("--out").arg(&out).arg(&broken).arg(fixture("2017-en/calendar_delete.md"));
        cmd.output().expect("run xtask")
    };
    let output = run(false);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("calendar_delete_broken.md:10: error: the HTTP request code block is empty"),
        "{stderr}"
    );
    assert!(!out.exists(), "without --keep-going nothing is written");
    let output = run(true);
    assert_eq!(output.status.code(), Some(1));
    let yaml = std::fs::read_to_string(&out).expect("written with --keep-going");
    assert!(yaml.contains("/me/calendars/{calendar-id}:"));
}

#[test]
fn command_reads_folders_and_refuses_bad_arguments() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("out.yaml");
    let output = xtask()
        .args(["convert", "--keep-going", "--out"])
        .arg(&out)
        .arg(fixture("2021-en"))
        .output()
        .expect("run xtask");
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(String::from_utf8_lossy(&output.stdout).contains("page(s)"));
    let output = xtask().args(["convert", "--out"]).output().expect("run xtask");
    assert_eq!(output.status.code(), Some(1));
    let output = xtask().args(["convert", "--bogus"]).output().expect("run xtask");
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("unknown option `--bogus`"));
}

#[test]
fn command_with_keep_going_reports_every_broken_page_and_writes_the_report() {
    // `tests/fixtures/truncated/spec/docs`: two pages cut inside their HTTP request section, and a good one.
    let docs = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/truncated/spec/docs");
    let dir = tempfile::tempdir().expect("temp dir");
    let (out, report) = (dir.path().join("out.yaml"), dir.path().join("report.json"));
    let output = xtask()
        .args(["convert", "--keep-going", "--report"])
        .arg(&report)
        .arg("--out")
        .arg(&out)
        .arg(&docs)
        .output()
        .expect("run xtask");
    assert_eq!(output.status.code(), Some(1), "a page has an error");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let errors: Vec<&str> = stderr.lines().filter(|l| l.contains(": error: ")).collect();
    assert_eq!(errors.len(), 2, "{stderr}");
    assert!(errors[0].ends_with(
        "truncated/spec/docs/message-delete.md:27: error: the `HTTP request` section has no code block listing the endpoints"
    ));
    assert!(errors[1].ends_with("truncated/spec/docs/opentypeextension_delete.md:19: error: the `HTTP request` section has no code block listing the endpoints"));
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(&report).expect("report")).expect("JSON");
    let pages = report["pages"].as_array().expect("pages");
    let failed: Vec<(&str, u64)> = pages
        .iter()
        .filter(|p| p["ok"] == false)
        .map(|p| {
            let file = p["file"].as_str().and_then(|f| f.rsplit('/').next()).unwrap_or_default();
            (file, p["diagnostics"][0]["line"].as_u64().unwrap_or_default())
        })
        .collect();
    assert_eq!(failed, [("message-delete.md", 27), ("opentypeextension_delete.md", 19)]);
    assert_eq!(
        (report["summary"]["failed"].as_u64(), report["summary"]["errors"].as_u64()),
        (Some(1 + 1), Some(2))
    );
    let yaml = std::fs::read_to_string(&out).expect("written with --keep-going");
    assert!(yaml.contains("/me/calendars/{calendar-id}:"), "the good page is in the document");
}

#[test]
fn an_output_that_cannot_be_written_is_an_error_on_that_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    // A folder where the report should go: the report cannot replace it, the document is still written.
    let report = dir.path().join("report.json");
    std::fs::create_dir(&report).expect("mkdir");
    let out = dir.path().join("out.yaml");
    let output = xtask()
        .args(["convert", "--report"])
        .arg(&report)
        .arg("--out")
        .arg(&out)
        .arg(fixture("2017-en/calendar_delete.md"))
        .output()
        .expect("run xtask");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.lines().any(|l| l.starts_with(&format!("{}: error: cannot replace", convert::label(&report)))),
        "{stderr}"
    );
    assert!(out.exists(), "the document does not depend on the report");
}

#[test]
fn a_primitive_answer_named_without_object_is_typed_as_odatas_value() {
    // "returns a `200 OK` response code and a Boolean in the response body" (and "a Stream"): OData's
    // `{"value": …}` of that primitive, as its example shows, not an untyped answer.
    let boolean = "2021-en/intune-onboarding-devicemanagement-verifywindowsenrollmentautodiscovery.md";
    let stream = "2021-en/intune-reporting-devicemanagementreports-getcachedreport.md";
    let (conversion, said) = convert_saying(&[boolean, stream]);
    let doc = document(&conversion);
    let value = |path: &str, method: &str| {
        doc["paths"][path][method]["responses"]["200"]["content"]["application/json"]["schema"]["properties"]
            ["value"]
            .clone()
    };
    assert_eq!(
        value("/deviceManagement/verifyWindowsEnrollmentAutoDiscovery", "get"),
        serde_json::json!({ "type": "boolean" })
    );
    assert_eq!(
        value("/deviceManagement/reports/getCachedReport", "post"),
        serde_json::json!({ "type": "string", "format": "base64url" })
    );
    assert!(
        !said.iter().any(|d| d.diagnostic.message.contains("names no type")),
        "{:?}",
        said.iter().map(|d| d.to_string()).collect::<Vec<_>>()
    );
}
