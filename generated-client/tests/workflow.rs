//! The workflow an app needs, over real HTTP on loopback: create a draft, add a file attachment, send it,
//! find it in Sent Items (a listing that spans two pages). Each step checks what crossed the wire.

mod support;

use futures_util::TryStreamExt;
use generated_client::types;
use support::{Reply, Server};
use tokio::net::TcpListener;

fn draft() -> types::Message {
    types::Message {
        subject: Some("Quarterly report".into()),
        body: Some(types::ItemBody {
            content: Some("Figures attached.".into()),
            content_type: Some(types::BodyType::Text),
            odata_type: None,
        }),
        to_recipients: vec![types::Recipient {
            email_address: Some(types::EmailAddress {
                address: Some("alice@contoso.com".into()),
                name: Some("Alice".into()),
                odata_type: None,
            }),
            odata_type: None,
        }],
        ..Default::default()
    }
}

fn report() -> types::Attachment {
    types::Attachment::FileAttachment(types::FileAttachment {
        name: Some("report.txt".into()),
        content_type: Some("text/plain".into()),
        content_bytes: Some("SGVsbG8sIHdvcmxkIQ==".into()),
        ..Default::default()
    })
}

#[tokio::test]
async fn create_attach_send_and_find_in_sent_items() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}/v1.0", listener.local_addr().expect("addr"));
    let page_two = format!("{base}/me/mailFolders/sentitems/messages?%24skiptoken=page2");
    let server = Server::on(
        listener,
        [
            Reply::json(
                201,
                r#"{"@odata.context":"x","id":"AAMkDraft=","subject":"Quarterly report","isDraft":true,"unknownField":{"a":1}}"#,
            ),
            Reply::json(
                201,
                r##"{"@odata.type":"#microsoft.graph.fileAttachment","id":"AAMkAtt=","name":"report.txt","size":13,"contentBytes":"SGVsbG8sIHdvcmxkIQ=="}"##,
            ),
            Reply::status(202),
            Reply::json(
                200,
                &format!(
                    r#"{{"value":[{{"id":"other","subject":"Older"}}],"@odata.nextLink":"{page_two}"}}"#
                ),
            ),
            Reply::json(
                200,
                r#"{"value":[{"id":"AAMkSent=","subject":"Quarterly report","isDraft":false,"hasAttachments":true}]}"#,
            ),
        ],
    );
    let client = support::client(&server);

    // 1. Create the draft: POST /me/messages with the message as JSON, decoded back into a Message.
    let created = client.me().messages().create(draft()).await.expect("draft created");
    let id = created.id.clone().expect("the draft has an id");
    assert_eq!(id, "AAMkDraft=");
    assert_eq!(created.is_draft, Some(true));

    // 2. Attach a file: the body carries the kind Graph needs to tell attachments apart.
    let attachment = client.me().message(&id).attachments().create(report()).await.expect("attachment added");
    match attachment {
        types::Attachment::FileAttachment(file) => assert_eq!(file.size, Some(13)),
        other => panic!("expected a file attachment, got {other:?}"),
    }

    // 3. Send it.
    client.me().message(&id).send().await.expect("sent");

    // 4. Find it in Sent Items, following the next link.
    let found: Vec<types::Message> = client
        .me()
        .mail_folder("sentitems")
        .messages()
        .list()
        .filter("subject eq 'Quarterly report'")
        .top(1)
        .select(["id", "subject"])
        .items()
        .try_collect()
        .await
        .expect("listed");
    let sent: Vec<&types::Message> =
        found.iter().filter(|m| m.subject.as_deref() == Some("Quarterly report")).collect();
    assert_eq!(sent.len(), 1, "{found:?}");
    assert_eq!(sent[0].has_attachments, Some(true));

    let requests = server.requests();
    assert_eq!(requests.len(), 5);
    let create = &requests[0];
    assert_eq!(create.request_line(), "POST /v1.0/me/messages HTTP/1.1");
    assert_eq!(create.header("content-type").as_deref(), Some("application/json"));
    let body: serde_json::Value = serde_json::from_slice(&create.body).expect("JSON body");
    assert_eq!(body["subject"], "Quarterly report");
    assert_eq!(body["toRecipients"][0]["emailAddress"]["address"], "alice@contoso.com");
    assert_eq!(body["body"]["contentType"], "text");
    assert!(body.get("id").is_none(), "unset fields are left out: {body}");

    let attach = &requests[1];
    assert_eq!(attach.request_line(), "POST /v1.0/me/messages/AAMkDraft%3D/attachments HTTP/1.1");
    let body: serde_json::Value = serde_json::from_slice(&attach.body).expect("JSON body");
    assert_eq!(body["@odata.type"], "#microsoft.graph.fileAttachment");
    assert_eq!(body["contentBytes"], "SGVsbG8sIHdvcmxkIQ==");

    let send = &requests[2];
    assert_eq!(send.request_line(), "POST /v1.0/me/messages/AAMkDraft%3D/send HTTP/1.1");
    assert_eq!(send.header("content-length").as_deref(), Some("0"));
    assert!(send.body.is_empty());

    let first_page = requests[3].request_line();
    assert!(first_page.starts_with("GET /v1.0/me/mailFolders/sentitems/messages?"), "{first_page}");
    // OData keys keep their `$`; values are percent-encoded, lists comma-separated.
    for option in ["$filter=subject%20eq%20%27Quarterly%20report%27", "$top=1", "$select=id%2Csubject"] {
        assert!(first_page.contains(option), "{option} in {first_page}");
    }
    assert_eq!(
        requests[4].request_line(),
        "GET /v1.0/me/mailFolders/sentitems/messages?%24skiptoken=page2 HTTP/1.1"
    );
    // Every call carries the token, each its own client-request-id.
    let ids: std::collections::BTreeSet<String> =
        requests.iter().map(|r| r.header("client-request-id").expect("client-request-id")).collect();
    assert_eq!(ids.len(), 5);
    assert!(requests.iter().all(|r| r.header("authorization").as_deref() == Some("Bearer tok-123")));
}

#[tokio::test]
async fn a_next_link_to_another_host_is_not_followed() {
    // The token must not travel to a server the client was not given.
    let server = Server::start([Reply::json(
        200,
        r#"{"value":[{"id":"a"}],"@odata.nextLink":"https://attacker.example/v1.0/me/messages?page=2"}"#,
    )])
    .await;
    let client = support::client(&server);
    let mut items = client.me().messages().list().items();
    let first = items.try_next().await.expect("first page").expect("one item");
    assert_eq!(first.id.as_deref(), Some("a"));
    let err = items.try_next().await.expect_err("the foreign link is refused");
    assert!(err.to_string().contains("@odata.nextLink"), "{err}");
    assert_eq!(server.count(), 1, "nothing else was requested");
}

#[tokio::test]
async fn a_next_link_that_repeats_ends_the_stream_with_an_error() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}/v1.0", listener.local_addr().expect("addr"));
    let looping = format!(r#"{{"value":[],"@odata.nextLink":"{base}/me/messages?page=2"}}"#);
    let server = Server::on(listener, [Reply::json(200, &looping), Reply::json(200, &looping)]);
    let client = support::client(&server);
    let err = client.me().messages().list().items().try_collect::<Vec<_>>().await.expect_err("loop detected");
    assert!(err.to_string().contains("@odata.nextLink"), "{err}");
    assert_eq!(server.count(), 2);
}
