//! `api_names` on the committed mail spec: the names it gives are the ones `generate` emits.

use generator::api_names::api_names;
use generator::Settings;

fn mail_spec() -> openapiv3::OpenAPI {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/openapi.yaml");
    let text = std::fs::read_to_string(path).expect("spec/openapi.yaml is committed");
    serde_yaml_ng::from_str(&text).expect("the committed spec reads")
}

#[test]
fn names_match_the_generated_client() {
    let spec = mail_spec();
    let names = api_names(&spec, &Settings::default()).expect("the mail spec maps");
    let message = &names.types["microsoft.graph.message"];
    assert_eq!(message.name, "Message");
    assert_eq!(message.fields["isRead"].name, "is_read");
    assert_eq!(message.fields["isRead"].ty, "Option<bool>");
    assert_eq!(message.fields["toRecipients"].ty, "Vec<Recipient>");
    assert_eq!(names.types["microsoft.graph.importance"].variants["high"], "High");
    let send = &names.operations[&("POST".to_string(), "/me/messages/{message-id}/send".to_string())];
    assert_eq!(send.path(), "MessageRequest::send");
    assert_eq!(send.builder, "MessageSendRequest");
    assert_eq!(send.output, "Result<(), Error>");
    let list = &names.operations[&("GET".to_string(), "/me/messages".to_string())];
    assert!(list.setters.iter().any(|s| s == "filter"), "{list:?}");
    // Every operation and every schema of the spec has its item, and each item is in the emitted code.
    let files = generator::generate(&spec, &Settings::default()).expect("the mail spec generates");
    let module = &files.files[0].contents;
    let types = &files.files[1].contents;
    let operations =
        spec.paths.paths.iter().map(|(_, i)| i.as_item().map_or(0, |i| i.iter().count())).sum::<usize>();
    assert_eq!(names.operations.len(), operations);
    for op in names.operations.values() {
        assert!(module.contains(&format!("pub struct {} {{", op.builder)), "{op:?}");
        assert!(module.contains(&format!("pub fn {}(", op.method)), "{op:?}");
    }
    assert_eq!(names.types.len(), spec.components.as_ref().map_or(0, |c| c.schemas.len()));
    for t in names.types.values() {
        assert!(
            types.contains(&format!("pub struct {} {{", t.name))
                || types.contains(&format!("pub enum {} {{", t.name)),
            "{t:?}"
        );
    }
}
