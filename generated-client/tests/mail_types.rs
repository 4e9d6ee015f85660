//! Issue 9's program ("types that tell the truth"), written as an app would write it, against a stand-in for
//! Graph on 127.0.0.1 that answers as Graph does: a file attachment, an attachment of a kind this client has
//! never heard of, raw `$value` bytes, a singleton, a collection under a singleton, and a PATCH whose answer
//! is full of nulls. Every request is checked on the wire, the PATCH body byte for byte.

mod support;

use futures_util::TryStreamExt;
use generated_client::{types, Client};
use support::{Reply, Server};

const FILE_ATTACHMENT: &str = r##"{
  "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users('u1')/messages('m1')/attachments/$entity",
  "@odata.type": "#microsoft.graph.fileAttachment",
  "@odata.mediaContentType": "text/plain",
  "id": "a1",
  "lastModifiedDateTime": "2024-05-01T10:00:00Z",
  "name": "hello.txt",
  "contentType": "text/plain",
  "size": 5,
  "isInline": false,
  "contentId": null,
  "contentLocation": null,
  "contentBytes": "aGVsbG8="
}"##;

/// A kind added to Graph after this client was generated.
const FUTURE_ATTACHMENT: &str = r##"{"@odata.type":"#microsoft.graph.futureAttachment","id":"a2","name":"hologram","size":7,"hologram":{"depth":3}}"##;

const MIME: &str =
    "From: Alex <alex@contoso.com>\r\nSubject: hi\r\nContent-Type: text/plain\r\n\r\nhello\r\n";

const MAILBOX_SETTINGS: &str = r##"{
  "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users('u1')/mailboxSettings",
  "archiveFolder": "AQMkAGI2",
  "timeZone": "Pacific Standard Time",
  "dateFormat": "MM/dd/yyyy",
  "timeFormat": null,
  "delegateMeetingMessageDeliveryOptions": "sendToDelegateOnly",
  "automaticRepliesSetting": null,
  "language": { "locale": "en-US", "displayName": "English (United States)" },
  "workingHours": null
}"##;

const MASTER_CATEGORIES: &str = r##"{
  "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users('u1')/outlook/masterCategories",
  "value": [
    { "id": "5a9a6aa8", "displayName": "Red category", "color": "preset0" },
    { "id": "e2a9b7f1", "displayName": "Orange category", "color": "preset1" }
  ]
}"##;

/// Graph's answer to the PATCH: every property it has no value for is `null`, collections included.
const UPDATED_MESSAGE: &str = r##"{
  "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users('u1')/messages/$entity",
  "@odata.etag": "W/\"CQAAABYAAAC4ofQHEIqCSbQPot83AFcbAAAW/0tB\"",
  "id": "m1",
  "createdDateTime": null,
  "lastModifiedDateTime": "2024-05-01T10:00:00Z",
  "changeKey": null,
  "categories": null,
  "receivedDateTime": null,
  "sentDateTime": null,
  "hasAttachments": null,
  "internetMessageId": null,
  "subject": null,
  "bodyPreview": null,
  "importance": "high",
  "parentFolderId": null,
  "conversationId": null,
  "conversationIndex": null,
  "isDeliveryReceiptRequested": null,
  "isReadReceiptRequested": null,
  "isRead": null,
  "isDraft": null,
  "webLink": null,
  "inferenceClassification": null,
  "body": null,
  "sender": null,
  "from": null,
  "toRecipients": null,
  "ccRecipients": null,
  "bccRecipients": [ { "emailAddress": { "name": null, "address": "x@contoso.com" } } ],
  "replyTo": null,
  "flag": null,
  "attachments": null,
  "internetMessageHeaders": null,
  "uniqueBody": null
}"##;

fn recipient(address: &str) -> types::Recipient {
    types::Recipient {
        email_address: Some(types::EmailAddress { address: Some(address.into()), ..Default::default() }),
        ..Default::default()
    }
}

#[tokio::test]
async fn the_issue_program_runs_against_a_loopback_graph() -> Result<(), generated_client::Error> {
    let json =
        |body: &str| Reply::with(200, &[("content-type", "application/json; odata.metadata=minimal")], body);
    let server = Server::start([
        json(FILE_ATTACHMENT),
        json(FUTURE_ATTACHMENT),
        Reply::with(200, &[("content-type", "application/octet-stream")], "hello"),
        Reply::with(200, &[("content-type", "text/plain")], MIME),
        json(MAILBOX_SETTINGS),
        json(MASTER_CATEGORIES),
        json(UPDATED_MESSAGE),
    ])
    .await;
    let c = Client::builder().base_url(server.base_url()).bearer_token("tok-123").build()?;

    // The program, as the issue writes it.
    let a: types::Attachment = c.me().message("m1").attachment("a1").get().await?; // a fileAttachment's JSON
    let b: types::Attachment = c.me().message("m1").attachment("a2").get().await?; // "#microsoft.graph.futureAttachment": still decodes
    let raw = c.me().message("m1").attachment("a1").value().get().await?; // raw.as_ref() == b"hello"
    let mime = c.me().message("m1").value().get().await?; // the MIME text, as bytes
    let s: types::MailboxSettings = c.me().mailbox_settings().get().await?;
    let page = c.me().outlook().master_categories().list().await?; // page.value: Vec<types::OutlookCategory>
    let m: types::Message = c
        .me()
        .message("m1")
        .update(types::Message {
            importance: Some(types::Importance::High),
            bcc_recipients: vec![recipient("x@contoso.com")],
            ..Default::default()
        })
        .await?; // and an answer full of nulls decodes

    // What each comment says.
    match &a {
        types::Attachment::FileAttachment(file) => {
            assert_eq!(file.id.as_deref(), Some("a1"));
            assert_eq!(file.name.as_deref(), Some("hello.txt"));
            assert_eq!(file.content_bytes.as_deref(), Some("aGVsbG8="));
            assert_eq!(file.size, Some(5));
        }
        other => panic!("a fileAttachment decoded as {other:?}"),
    }
    match &b {
        // The unknown kind keeps its JSON, and goes back on the wire as it came.
        types::Attachment::Other(value) => {
            assert_eq!(value["hologram"]["depth"], 3);
            let back = serde_json::to_value(&b).expect("serialises");
            assert_eq!(back, serde_json::from_str::<serde_json::Value>(FUTURE_ATTACHMENT).expect("json"));
        }
        other => panic!("an unknown kind decoded as {other:?}"),
    }
    assert!(raw.as_ref() == b"hello");
    assert_eq!(mime.as_ref(), MIME.as_bytes());
    assert_eq!(s.time_zone.as_deref(), Some("Pacific Standard Time"));
    assert_eq!(s.time_format, None);
    assert_eq!(s.language.as_ref().and_then(|l| l.locale.as_deref()), Some("en-US"));
    let names: Vec<Option<&str>> =
        page.value.iter().map(|c: &types::OutlookCategory| c.display_name.as_deref()).collect();
    assert_eq!(names, [Some("Red category"), Some("Orange category")]);
    assert_eq!(m.id.as_deref(), Some("m1"));
    assert_eq!(m.importance, Some(types::Importance::High));
    assert!(m.subject.is_none() && m.to_recipients.is_empty() && m.attachments.is_empty());
    assert_eq!(m.bcc_recipients.len(), 1);

    // On the wire.
    let requests = server.requests();
    assert_eq!(requests.len(), 7);
    let lines: Vec<String> = requests.iter().map(|r| r.request_line()).collect();
    assert_eq!(
        lines,
        [
            "GET /v1.0/me/messages/m1/attachments/a1 HTTP/1.1",
            "GET /v1.0/me/messages/m1/attachments/a2 HTTP/1.1",
            "GET /v1.0/me/messages/m1/attachments/a1/$value HTTP/1.1",
            "GET /v1.0/me/messages/m1/$value HTTP/1.1",
            "GET /v1.0/me/mailboxSettings HTTP/1.1",
            "GET /v1.0/me/outlook/masterCategories HTTP/1.1",
            "PATCH /v1.0/me/messages/m1 HTTP/1.1",
        ]
    );
    // Raw content is asked for in its own media type, JSON in JSON, each once.
    let accepts: Vec<Option<String>> = requests.iter().map(|r| r.header("accept")).collect();
    let json_accept = Some("application/json".to_string());
    assert_eq!(accepts[2].as_deref(), Some("application/octet-stream"));
    // The pages document the message's `$value` as `text/plain` under `/me` and as octet-stream elsewhere;
    // one type serves every place, so it asks for either.
    let mime_accept = accepts[3].clone().unwrap_or_default();
    assert!(mime_accept.split(", ").any(|t| t == "text/plain"), "{mime_accept}");
    for i in [0, 1, 4, 5, 6] {
        assert_eq!(accepts[i], json_accept, "{}", requests[i].head());
    }
    // The PATCH body holds exactly the two fields set, in the order the type declares them (JSON member order
    // carries no meaning; the issue lists `importance` first).
    let patch = &requests[6];
    assert_eq!(patch.header("content-type").as_deref(), Some("application/json"));
    assert_eq!(
        String::from_utf8_lossy(&patch.body),
        r#"{"bccRecipients":[{"emailAddress":{"address":"x@contoso.com"}}],"importance":"high"}"#
    );
    assert_eq!(patch.header("content-length"), Some(patch.body.len().to_string()));
    Ok(())
}

/// Large content streams chunk by chunk: an attachment of 3 MiB arrives whole and in order, without the
/// client holding it in one piece first.
#[tokio::test]
async fn raw_content_streams() -> Result<(), generated_client::Error> {
    let content: String = (0..3 * 1024 * 1024).map(|i| char::from(b'a' + (i % 26) as u8)).collect();
    let server =
        Server::start([Reply::with(200, &[("content-type", "application/octet-stream")], &content)]).await;
    let c = Client::builder().base_url(server.base_url()).bearer_token("tok-123").build()?;
    let chunks: Vec<bytes::Bytes> =
        c.me().message("m1").attachment("a1").value().get().stream().await?.try_collect().await?;
    assert!(chunks.len() > 1, "the body came in {} chunk(s)", chunks.len());
    assert_eq!(chunks.concat(), content.as_bytes());
    let request = server.only_request();
    assert_eq!(request.request_line(), "GET /v1.0/me/messages/m1/attachments/a1/$value HTTP/1.1");
    assert_eq!(request.header("accept").as_deref(), Some("application/octet-stream"));
    Ok(())
}

/// Action bodies with required fields have no `Default` (it would invent the folder or the message), so
/// each has `new(required…)`: the required fields as arguments, the optional ones left out of the JSON.
#[tokio::test]
async fn action_bodies_are_made_from_their_required_fields() -> Result<(), generated_client::Error> {
    let moved = r#"{"id":"m2","parentFolderId":"archive","receivedDateTime":"2024-05-01T10:00:00.1234567Z"}"#;
    let server = Server::start([Reply::json(201, moved), Reply::status(202)]).await;
    let c = Client::builder().base_url(server.base_url()).bearer_token("tok-123").build()?;

    let message = c.me().message("m1").move_(types::MoveBody::new("archive")).await?;
    assert_eq!(message.id.as_deref(), Some("m2"));
    // Date-time fields are `Timestamp`s: Graph's text kept, the instant read.
    let received = message.received_date_time.expect("received");
    assert_eq!(received.as_str(), "2024-05-01T10:00:00.1234567Z");
    assert_eq!((received.unix_timestamp(), received.subsec_nanos()), (1_714_557_600, 123_456_700));

    let draft = types::Message { subject: Some("Lunch?".into()), ..Default::default() };
    c.me().send_mail(types::SendMailBody::new(draft)).await?;

    let requests = server.requests();
    assert_eq!(requests[0].request_line(), "POST /v1.0/me/messages/m1/move HTTP/1.1");
    assert_eq!(requests[0].body, br#"{"destinationId":"archive"}"#);
    assert_eq!(requests[1].request_line(), "POST /v1.0/me/sendMail HTTP/1.1");
    assert_eq!(requests[1].body, br#"{"message":{"subject":"Lunch?"}}"#);
    Ok(())
}
