//! The bodies the mail pages document beside their JSON: a create-draft call (`createReply`) with a
//! comment, with MIME content, or with nothing, and `sendMail` with MIME content, each checked byte for
//! byte on the wire against a stand-in for Graph on 127.0.0.1.

mod support;

use generated_client::types;
use support::{Reply, Server};

/// A MIME message as an app holds it: raw bytes, which Graph wants base64-encoded in a `text/plain` body.
const MIME: &[u8] = b"From: Alex <alex@contoso.com>\r\nTo: Sam <sam@contoso.com>\r\nSubject: Re: plans\r\n\
Content-Type: text/plain; charset=utf-8\r\n\r\nSounds good \xe2\x80\x94 see you then.\r\n";

/// `MIME`, base64-encoded (RFC 4648 §4, with padding), computed independently of the client.
const MIME_BASE64: &str = "RnJvbTogQWxleCA8YWxleEBjb250b3NvLmNvbT4NClRvOiBTYW0gPHNhbUBjb250b3NvLmNvbT4NClN1YmplY3Q6IFJlOiBwbGFucw0KQ29udGVudC1UeXBlOiB0ZXh0L3BsYWluOyBjaGFyc2V0PXV0Zi04DQoNClNvdW5kcyBnb29kIOKAlCBzZWUgeW91IHRoZW4uDQo=";

const DRAFT: &str = r#"{"id":"draft-1","subject":"Re: plans","isDraft":true}"#;

#[tokio::test]
async fn create_reply_with_a_comment_sends_exactly_that_json() {
    let server = Server::start([Reply::json(201, DRAFT)]).await;
    let body = types::CreateReplyBody { comment: Some("Sounds good.".into()), ..Default::default() };
    let draft = support::client(&server).me().message("m1").create_reply().body(body).await.expect("created");
    assert_eq!(draft.id.as_deref(), Some("draft-1"));

    let request = server.only_request();
    assert_eq!(request.request_line(), "POST /v1.0/me/messages/m1/createReply HTTP/1.1");
    assert_eq!(request.header("content-type").as_deref(), Some("application/json"));
    assert_eq!(request.body, br#"{"comment":"Sounds good."}"#);
}

#[tokio::test]
async fn create_reply_with_mime_sends_it_base64_encoded_as_text_plain() {
    let server = Server::start([Reply::json(201, DRAFT)]).await;
    support::client(&server).me().message("m1").create_reply().mime(MIME).await.expect("created");

    let request = server.only_request();
    assert_eq!(request.request_line(), "POST /v1.0/me/messages/m1/createReply HTTP/1.1");
    assert_eq!(request.header("content-type").as_deref(), Some("text/plain"));
    assert_eq!(request.header("content-length"), Some(MIME_BASE64.len().to_string()));
    assert_eq!(request.body, MIME_BASE64.as_bytes());
}

#[tokio::test]
async fn the_last_of_body_and_mime_set_is_the_one_sent() {
    let server = Server::start([Reply::json(201, DRAFT), Reply::json(201, DRAFT)]).await;
    let client = support::client(&server);
    let comment = types::CreateReplyBody { comment: Some("x".into()), ..Default::default() };
    client.me().message("m1").create_reply().body(comment.clone()).mime(MIME).await.expect("created");
    client.me().message("m1").create_reply().mime(MIME).body(comment).await.expect("created");

    let requests = server.requests();
    assert_eq!(requests[0].header("content-type").as_deref(), Some("text/plain"));
    assert_eq!(requests[0].body, MIME_BASE64.as_bytes());
    assert_eq!(requests[1].header("content-type").as_deref(), Some("application/json"));
    assert_eq!(requests[1].body, br#"{"comment":"x"}"#);
}

#[tokio::test]
async fn create_reply_with_nothing_sends_no_body_and_no_content_type() {
    let server = Server::start([Reply::json(201, DRAFT)]).await;
    support::client(&server).me().message("m1").create_reply().await.expect("created");

    let request = server.only_request();
    assert_eq!(request.request_line(), "POST /v1.0/me/messages/m1/createReply HTTP/1.1");
    assert_eq!(request.header("content-type"), None);
    assert_eq!(request.header("content-length").as_deref(), Some("0"));
    assert!(request.body.is_empty());
}

#[tokio::test]
async fn create_forward_takes_recipients_and_the_message_the_intro_names() {
    let server = Server::start([Reply::json(201, DRAFT)]).await;
    let body = types::CreateForwardBody {
        to_recipients: vec![types::Recipient {
            email_address: Some(types::EmailAddress {
                address: Some("sam@contoso.com".into()),
                ..Default::default()
            }),
            ..Default::default()
        }],
        ..Default::default()
    };
    support::client(&server).me().message("m1").create_forward().body(body).await.expect("created");

    let request = server.only_request();
    assert_eq!(request.request_line(), "POST /v1.0/me/messages/m1/createForward HTTP/1.1");
    assert_eq!(request.body, br#"{"toRecipients":[{"emailAddress":{"address":"sam@contoso.com"}}]}"#);
}

#[tokio::test]
async fn send_mail_with_mime_sends_it_base64_encoded_as_text_plain() {
    let server = Server::start([Reply::status(202)]).await;
    support::client(&server).user("alex@contoso.com").send_mail_mime(MIME).await.expect("accepted");

    let request = server.only_request();
    assert_eq!(request.request_line(), "POST /v1.0/users/alex%40contoso.com/sendMail HTTP/1.1");
    assert_eq!(request.header("content-type").as_deref(), Some("text/plain"));
    assert_eq!(request.body, MIME_BASE64.as_bytes());
}
