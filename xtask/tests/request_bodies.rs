//! What the pages say about request bodies, read by the reader and built by the builder: MIME content as a
//! `text/plain` base64 alternative, "does not require a request body" as `required: false`, a create-draft
//! page taking its single-operation sibling's parameters, and the parameter rules that used to sit in the
//! builder. The fixtures are the 2021 mail pages, cut before their examples (`tests/fixtures/pages/README.md`).

use std::path::Path;

use serde_json::Value;
use xtask::convert::Conversion;
use xtask::diagnostics::{Diagnostics, Severity};
use xtask::page::BodyNeed;
use xtask::regen::{self, SPEC_FILE};

#[path = "support/pages.rs"]
#[allow(dead_code)] // Its scope helper is for the permission tests.
mod pages;
#[path = "support/reading.rs"]
mod reading;
use reading::{convert_pages, convert_saying, read};

fn body_of(conversion: &Conversion, path: &str) -> Value {
    let doc = serde_json::to_value(&conversion.openapi).expect("document as JSON");
    doc["paths"][path]["post"]["requestBody"].clone()
}

fn warnings(said: &Diagnostics) -> Vec<String> {
    said.iter()
        .filter(|d| d.diagnostic.severity == Severity::Warning)
        .map(|d| format!("{}:{}: {}", d.file, d.diagnostic.line, d.diagnostic.message))
        .collect()
}

const MIME: &str = "text/plain";

#[test]
fn a_create_draft_page_records_its_json_parameters_mime_line_and_sibling() {
    let page = read("2021-en/message-createreply.md");
    let body = page.request_body.as_ref().expect("a Request body section");
    assert_eq!(body.need, BodyNeed::NotRequired);
    assert!(body.properties.is_empty());
    assert_eq!(body.resource, None);
    let names: Vec<&str> = page.json_parameters.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["message"], "the intro's \"the **body** property of the `message` parameter\"");
    let link = page.single_operation.as_ref().expect("the single-operation link");
    assert_eq!(link.file, "message-reply.md");
    // The Request body section's own MIME line is the one recorded, not the intro's.
    assert_eq!(page.mime_body, Some(body.line + 3));

    let forward = read("2021-en/message-createforward.md");
    let names: Vec<&str> = forward.json_parameters.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["message", "toRecipients"]);
    assert_eq!(forward.single_operation.map(|l| l.file).as_deref(), Some("message-forward.md"));
}

#[test]
fn parameter_descriptions_say_required_optional_or_nothing() {
    let reply = read("2021-en/message-reply.md");
    let body = reply.request_body.as_ref().expect("body");
    let said: Vec<(&str, Option<bool>)> =
        body.properties.iter().map(|p| (p.name.as_str(), p.required)).collect();
    assert_eq!(said, [("comment", Some(false)), ("message", None)]);
    assert_eq!(body.need, BodyNeed::Unsaid);
    assert!(reply.mime_body.is_some());
    assert!(
        reply.single_operation.is_none(),
        "reply's \"Alternatively\" is a draft and a send, not one operation"
    );

    let send_mail = read("2021-en/user-sendmail.md");
    let body = send_mail.request_body.as_ref().expect("body");
    let said: Vec<(&str, Option<bool>)> =
        body.properties.iter().map(|p| (p.name.as_str(), p.required)).collect();
    assert_eq!(said, [("message", Some(true)), ("saveToSentItems", Some(false))]);
}

#[test]
fn create_reply_takes_the_reply_pages_parameters_as_an_optional_body_beside_mime() {
    let (conversion, said) = convert_saying(&["2021-en/message-createreply.md", "2021-en/message-reply.md"]);
    // Without resource pages the answer is untyped (a warning of its own); nothing is said about the body.
    let said = warnings(&said);
    let about_bodies = ["request body", "JSON", "parameter", "MIME"];
    assert!(!said.iter().any(|w| about_bodies.iter().any(|a| w.contains(a))), "{said:#?}");
    let body = body_of(&conversion, "/me/messages/{message-id}/createReply");
    assert_eq!(body["required"], Value::Null, "not required: {body:#}");
    let json = &body["content"]["application/json"]["schema"];
    let names: Vec<&str> =
        json["properties"].as_object().expect("properties").keys().map(String::as_str).collect();
    assert_eq!(names, ["comment", "message"]);
    assert_eq!(json["required"], Value::Null, "every parameter optional: {json:#}");
    let mime = &body["content"][MIME]["schema"];
    assert_eq!(
        (&mime["type"], &mime["format"], &mime["title"]),
        (&"string".into(), &"base64".into(), &"MIME".into())
    );

    // The single operation keeps its required body, with MIME beside it.
    let reply = body_of(&conversion, "/me/messages/{message-id}/reply");
    assert_eq!(reply["required"], true);
    assert_eq!(reply["content"][MIME]["schema"]["format"], "base64");
}

#[test]
fn a_create_draft_page_without_its_sibling_says_so_and_documents_no_json_body() {
    let (conversion, said) = convert_saying(&["2021-en/message-createreply.md"]);
    let said = warnings(&said);
    assert!(said.iter().any(|w| w.contains("`message-reply.md`, which is not among the pages")), "{said:#?}");
    assert!(said.iter().any(|w| w.contains("MIME content") && w.contains("no JSON body")), "{said:#?}");
    assert_eq!(body_of(&conversion, "/me/messages/{message-id}/createReply"), Value::Null);
}

#[test]
fn send_mail_keeps_its_required_json_body_and_gains_mime() {
    let conversion = convert_pages(&["2021-en/user-sendmail.md"]);
    let body = body_of(&conversion, "/me/sendMail");
    assert_eq!(body["required"], true);
    assert_eq!(body["content"]["application/json"]["schema"]["required"], serde_json::json!(["message"]));
    assert_eq!(body["content"][MIME]["schema"]["format"], "base64");
}

/// With the resource pages at hand (spec/docs), createForward's body has the sibling's table and the
/// `message` parameter its intro names, which `message-forward.md`'s table lacks.
#[test]
fn create_forward_in_the_spec_has_the_siblings_table_and_the_intros_message() {
    let plan = regen::plan(&xtask::project_root(), &mut Diagnostics::new()).expect("regen plans");
    let (_, yaml) = plan.files.iter().find(|(p, _)| p == Path::new(SPEC_FILE)).expect("spec planned");
    let spec: Value = serde_yaml_ng::from_str(yaml).expect("spec parses");
    let body = &spec["paths"]["/me/messages/{message-id}/createForward"]["post"]["requestBody"];
    let json = &body["content"]["application/json"]["schema"];
    let names: Vec<&str> =
        json["properties"].as_object().expect("properties").keys().map(String::as_str).collect();
    assert_eq!(names, ["comment", "toRecipients", "message"]);
    assert_eq!(
        json["properties"]["message"]["allOf"][0]["$ref"],
        "#/components/schemas/microsoft.graph.message"
    );
    assert_eq!(body["required"], Value::Null);
    assert_eq!(body["content"][MIME]["schema"]["format"], "base64");
}
