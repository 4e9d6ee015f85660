//! Types that tell the truth: every response body a page documents is typed in the spec, raw content is
//! bytes at a `$value` segment, bodies take the resource or the action's parameters, and the pages' slips
//! (`/users/me/…`, options written only in a repeated request line, `Prefer: …` rows) are read as meant.

use std::path::Path;

use serde_json::Value;
use xtask::diagnostics::{Diagnostics, Severity};
use xtask::regen::{self, DOCS_DIR, RESOURCES_DIR, SPEC_FILE};

fn root() -> std::path::PathBuf {
    xtask::project_root()
}

fn spec() -> Value {
    let plan = regen::plan(&root(), &mut Diagnostics::new()).expect("regen plans");
    let (_, yaml) = plan.files.iter().find(|(p, _)| p == Path::new(SPEC_FILE)).expect("spec planned");
    serde_yaml_ng::from_str(yaml).expect("spec parses")
}

/// The Response section's text, read plainly: the lines under a heading titled "Response" (any level, any
/// anchor) up to the next heading. The seed page's bilingual spans keep their English `sxs-lookup` text.
fn response_prose(page: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for line in page.lines() {
        let t = line.trim();
        if t.starts_with('#') {
            let title = t.trim_start_matches('#').trim();
            let title = title.rsplit("</a>").next().unwrap_or(title);
            inside = title.trim().to_ascii_lowercase().ends_with("response");
            continue;
        }
        if inside {
            out.push_str(&xtask::markup::english(line).to_ascii_lowercase());
            out.push('\n');
        }
    }
    out
}

/// True when the prose says a body comes back: "… in the response body", not "does not return anything in
/// the response body".
fn documents_a_body(prose: &str) -> bool {
    prose.split(['.', '\n']).any(|sentence| {
        sentence.contains("response body")
            && !sentence.contains("not return")
            && !sentence.contains("doesn't return")
            && !sentence.contains("empty")
    })
}

/// A 2xx response whose content is a schema the client can type: a `$ref` that resolves, an object with
/// properties, or bytes (`format: binary`) of a non-JSON media type.
fn typed_success(spec: &Value, op: &Value) -> Result<(), String> {
    let responses = op["responses"].as_object().ok_or("no responses")?;
    let (status, response) = responses.iter().find(|(s, _)| s.starts_with('2')).ok_or("no 2xx response")?;
    let content = response["content"].as_object().ok_or(format!("{status} has no content"))?;
    let (media, media_type) = content.iter().next().ok_or(format!("{status} has empty content"))?;
    let schema = &media_type["schema"];
    if let Some(r) = schema["$ref"].as_str() {
        let target = spec.pointer(r.trim_start_matches('#')).ok_or(format!("`{r}` does not resolve"))?;
        return if target.is_object() { Ok(()) } else { Err(format!("`{r}` is not a schema")) };
    }
    if media.contains("json") {
        return if schema["properties"].as_object().is_some_and(|p| !p.is_empty()) {
            Ok(())
        } else {
            Err(format!("{status} {media} has an untyped schema: {schema}"))
        };
    }
    if schema["type"] == "string" && schema["format"] == "binary" {
        Ok(())
    } else {
        Err(format!("{status} {media} is not bytes: {schema}"))
    }
}

#[test]
fn every_documented_response_body_is_typed() {
    let spec = spec();
    let mut typed = 0;
    let mut typed_operations = Vec::new();
    let mut failures = Vec::new();
    let mut documenting_pages = 0;
    let mut said = Diagnostics::new();
    let rules = regen::read_precedence(&root(), &mut said);
    assert!(!said.has_errors(), "precedence rules: {said}");
    for file in regen::page_files(&root()).expect("pages") {
        let text = std::fs::read_to_string(&file).expect("page");
        if !documents_a_body(&response_prose(&text)) {
            continue;
        }
        documenting_pages += 1;
        let label = file.strip_prefix(root()).expect("under root").to_string_lossy().replace('\\', "/");
        let mut operations = 0;
        for (path, item) in spec["paths"].as_object().expect("paths") {
            for (method, op) in item.as_object().expect("path item") {
                if op["x-ms-docs-source"].as_str() != Some(label.as_str()) {
                    continue;
                }
                operations += 1;
                match typed_success(&spec, op) {
                    Ok(()) => {
                        typed += 1;
                        typed_operations.push((method.to_uppercase(), path.clone()));
                    }
                    Err(why) => failures.push(format!("{label}: {} {path}: {why}", method.to_uppercase())),
                }
            }
        }
        // A page whose endpoints all went to another page (precedence.txt) has none left; others must.
        let name = label.rsplit('/').next().unwrap_or(&label);
        let preferred_away = rules.iter().any(|r| r.loser == name);
        assert!(
            operations > 0 || preferred_away,
            "{label} documents a body but has no operation in the spec"
        );
    }
    assert!(
        failures.is_empty(),
        "{} operation(s) with a documented body are untyped:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(documenting_pages >= 40, "only {documenting_pages} pages document a body");
    // The client's half: each of those operations returns its body, never `()`.
    let openapi: openapiv3::OpenAPI = serde_json::from_value(spec.clone()).expect("the spec is OpenAPI 3.0");
    let names = generator::api_names::api_names(&openapi, &generator::Settings::default()).expect("names");
    let unit: Vec<String> = typed_operations
        .iter()
        .filter(|key| names.operations.get(*key).is_none_or(|op| op.output.contains("Result<(), ")))
        .map(|(method, path)| format!("{method} {path}"))
        .collect();
    assert!(unit.is_empty(), "documented bodies the client drops: {unit:#?}");
    // README.md ("What the spec holds today") states this count.
    println!("{typed} operations whose page documents a response body, all typed");
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README");
    assert!(
        readme.contains(&format!("**{typed} operations** whose page documents a response body")),
        "README.md should state the count of typed documented responses: {typed}"
    );
}

fn operation<'a>(spec: &'a Value, method: &str, path: &str) -> &'a Value {
    let op = &spec["paths"][path][method];
    assert!(op.is_object(), "{method} {path} is in the spec");
    op
}

fn parameter<'a>(op: &'a Value, name: &str) -> Option<&'a Value> {
    op["parameters"].as_array()?.iter().find(|p| p["name"] == name)
}

#[test]
fn responses_come_from_the_prose_its_choices_and_the_examples() {
    let spec = spec();
    let schema = |method: &str, path: &str, status: &str| {
        operation(&spec, method, path)["responses"][status]["content"]["application/json"]["schema"].clone()
    };
    let reference =
        |name: &str| serde_json::json!({ "$ref": format!("#/components/schemas/microsoft.graph.{name}") });
    // attachment-get names the body on a later line than its status.
    assert_eq!(
        schema("get", "/me/messages/{message-id}/attachments/{attachment-id}", "200"),
        reference("attachment")
    );
    // user-get-mailboxsettings lists choices; each path takes its own.
    assert_eq!(schema("get", "/me/mailboxSettings", "200"), reference("mailboxSettings"));
    assert_eq!(
        schema("get", "/me/mailboxSettings/automaticRepliesSetting", "200"),
        reference("automaticRepliesSetting")
    );
    assert_eq!(schema("get", "/me/mailboxSettings/language", "200"), reference("localeInfo"));
    assert_eq!(
        schema("get", "/me/mailboxSettings/dateFormat", "200")["properties"]["value"]["type"],
        "string"
    );
    // "[mailFolder] collection object" is a collection; delta keeps `@odata.deltaLink`.
    assert_eq!(schema("get", "/me/mailFolders/delta", "200"), reference("mailFolderCollectionResponse"));
    let collection =
        &spec["components"]["schemas"]["microsoft.graph.mailFolderCollectionResponse"]["properties"];
    assert!(collection.get("@odata.deltaLink").is_some());
    // Resource pages added for the mail pages' bodies.
    assert_eq!(
        schema("get", "/me/outlook/masterCategories", "200"),
        reference("outlookCategoryCollectionResponse")
    );
    assert_eq!(
        schema("post", "/me/messages/{message-id}/attachments/createUploadSession", "201"),
        reference("uploadSession")
    );
    assert_eq!(
        schema("get", "/me/outlook/supportedTimeZones", "200"),
        reference("timeZoneInformationCollectionResponse")
    );
}

#[test]
fn raw_content_is_a_value_segment_answering_bytes() {
    let spec = spec();
    let content = |path: &str| operation(&spec, "get", path)["responses"]["200"]["content"].clone();
    let bytes = serde_json::json!({ "type": "string", "format": "binary" });
    // The message's MIME, typed as its example shows it (`Content-type: text/plain`).
    assert_eq!(content("/me/messages/{message-id}/$value")["text/plain"]["schema"], bytes);
    assert_eq!(
        content("/me/messages/{message-id}/attachments/{attachment-id}/$value")["application/octet-stream"]
            ["schema"],
        bytes
    );
    // `$value` is never a query parameter.
    for (path, item) in spec["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("item") {
            assert!(parameter(op, "$value").is_none(), "{method} {path} takes `$value` as a parameter");
        }
    }
}

#[test]
fn bodies_are_the_resource_or_the_actions_parameters() {
    let spec = spec();
    let body = |method: &str, path: &str| {
        operation(&spec, method, path)["requestBody"]["content"]["application/json"]["schema"].clone()
    };
    let reference =
        |name: &str| serde_json::json!({ "$ref": format!("#/components/schemas/microsoft.graph.{name}") });
    // A table of the resource's properties is the resource: bccRecipients a collection, importance the enum.
    assert_eq!(body("patch", "/me/messages/{message-id}"), reference("message"));
    assert_eq!(body("patch", "/me/mailFolders/{mailFolder-id}"), reference("mailFolder"));
    assert_eq!(body("post", "/me/mailFolders"), reference("mailFolder"));
    assert_eq!(body("patch", "/me/mailboxSettings"), reference("mailboxSettings"));
    // Actions: inline parameters, `required` as the table says or, for a lone parameter, the body's purpose.
    let move_ = body("post", "/me/messages/{message-id}/move");
    assert_eq!(move_["required"], serde_json::json!(["destinationId"]));
    let send_mail = body("post", "/me/sendMail");
    assert_eq!(send_mail["required"], serde_json::json!(["message"]), "saveToSentItems says Optional");
    let reply = body("post", "/me/messages/{message-id}/reply");
    assert!(reply["required"].is_null(), "reply's comment and message are both optional: {reply}");
}

#[test]
fn page_slips_are_read_as_meant() {
    let spec = spec();
    // `/users/me/messages/{id}/replyAll` is `/me/...`, with a warning on its line.
    assert!(spec["paths"].get("/users/me/messages/{message-id}/replyAll").is_none());
    operation(&spec, "post", "/me/messages/{message-id}/replyAll");
    let page = regen::read_page(&root(), &root().join(DOCS_DIR).join("message-replyall.md"));
    let w = page.diagnostics.iter().find(|d| d.message.contains("names the user `me`")).expect("a warning");
    assert_eq!((w.severity, w.line), (Severity::Warning, 40));
    // An option only a repeated request line writes (`?includeHiddenFolders=true`) is a boolean parameter.
    for path in ["/me/mailFolders", "/me/mailFolders/{mailFolder-id}/childFolders"] {
        let p =
            parameter(operation(&spec, "get", path), "includeHiddenFolders").expect("includeHiddenFolders");
        assert_eq!((p["in"].as_str(), p["schema"]["type"].as_str()), (Some("query"), Some("boolean")));
    }
    // `Prefer: outlook.body-content-type` rows are the `Prefer` header.
    let prefer = parameter(operation(&spec, "get", "/me/messages/{message-id}"), "Prefer").expect("Prefer");
    assert_eq!(prefer["in"], "header");
    assert!(
        prefer["description"].as_str().is_some_and(|d| d.contains("outlook.body-content-type")),
        "{prefer}"
    );
}

/// A page's Response and example as given, with resources chosen by the test; the warnings regen prints.
fn build(page_file: &str, edit: impl Fn(&str) -> String, resources: &[&str]) -> (Value, Vec<String>) {
    let text = std::fs::read_to_string(root().join(DOCS_DIR).join(page_file)).expect("page");
    let page = xtask::page::read(&format!("{DOCS_DIR}/{page_file}"), &edit(&text));
    let resources: Vec<_> = resources
        .iter()
        .map(|r| regen::read_resource(&root(), &root().join(RESOURCES_DIR).join(r)))
        .collect();
    let mut diagnostics = Diagnostics::new();
    let (yaml, _, _) = regen::spec_yaml(&[page], &resources, &mut diagnostics).expect("spec builds");
    let spec: Value = serde_yaml_ng::from_str(&yaml).expect("yaml");
    (spec, diagnostics.iter().map(|d| d.to_string()).collect())
}

#[test]
fn a_body_the_spec_cannot_type_is_a_warning_not_a_silent_unit() {
    // Without outlookcategory.md neither the prose's type nor the example's (`masterCategories/$entity`) is known.
    let (spec, warnings) = build("outlookcategory-get.md", str::to_string, &[]);
    let op = operation(&spec, "get", "/me/outlook/masterCategories/{masterCategory-id}");
    assert!(op["responses"]["200"].get("content").is_none());
    let w = warnings.iter().find(|w| w.contains("outlookCategory")).expect("a warning");
    assert!(w.contains("no resource page") && w.contains("left untyped"), "{w}");
    assert!(w.starts_with("spec/docs/outlookcategory-get.md:"), "{w}");
    // With it, the body is typed and nothing is said.
    let (spec, warnings) = build("outlookcategory-get.md", str::to_string, &["outlookcategory.md"]);
    let op = operation(&spec, "get", "/me/outlook/masterCategories/{masterCategory-id}");
    assert!(op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].is_string());
    assert!(!warnings.iter().any(|w| w.contains("untyped")), "{warnings:?}");
}

#[test]
fn the_example_types_what_the_prose_does_not_and_disagreement_is_a_warning() {
    let resources = ["message.md", "mailfolder.md", "recipient.md", "emailaddress.md"];
    // Prose naming no type: the example's `@odata.context` (`…/messages/$entity`) types it.
    let (spec, _) = build(
        "message-get.md",
        |t| t.replace("and [message](../resources/message.md) object in the response body", "and a body"),
        &resources,
    );
    let op = operation(&spec, "get", "/me/messages/{message-id}");
    assert_eq!(
        op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/microsoft.graph.message"
    );
    // Prose and example disagreeing: the prose wins, and a warning names both lines.
    let (spec, warnings) = build(
        "message-get.md",
        |t| {
            t.replace(
                "[message](../resources/message.md) object in the response body",
                "[mailFolder](../resources/mailfolder.md) object in the response body",
            )
        },
        &resources,
    );
    let op = operation(&spec, "get", "/me/messages/{message-id}");
    assert_eq!(
        op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/microsoft.graph.mailFolder"
    );
    let w = warnings.iter().find(|w| w.contains("the example response")).expect("a warning");
    assert!(w.contains("`message`") && w.contains("`mailFolder`") && w.contains("line 70"), "{w}");
}
