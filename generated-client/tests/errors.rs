//! How answers other than 2xx, and failing token providers, become [`generated_client::Error`]s,
//! and that no error shows the token.

mod support;

use generated_client::Error;
use support::{client, Reply, Server};

const NOT_FOUND: &str = r#"{"error":{"code":"ErrorItemNotFound","message":"The specified object was not found in the store.","innerError":{"date":"2024-05-01T10:00:00","request-id":"7f1d-json","client-request-id":"ignored"}}}"#;

#[tokio::test]
async fn graph_error_json_gives_status_code_message_and_request_id() {
    let server = Server::start([Reply::with(
        404,
        &[("content-type", "application/json"), ("request-id", "7f1d-header")],
        NOT_FOUND,
    )])
    .await;
    let err = client(&server).me().message("missing").send().await.expect_err("404");

    assert_eq!(err.status(), Some(404));
    assert_eq!(err.code(), Some("ErrorItemNotFound"));
    assert_eq!(err.message(), Some("The specified object was not found in the store."));
    assert_eq!(err.request_id(), Some("7f1d-json"));
    assert_eq!(err.api().and_then(|api| api.date()), Some("2024-05-01T10:00:00"));
    let sent = server.only_request().header("client-request-id").expect("sent");
    assert_eq!(err.client_request_id(), Some(sent.as_str()));
    assert!(!err.is_retryable());
    assert_eq!(server.count(), 1, "a 404 is not retried");
}

#[tokio::test]
async fn request_id_falls_back_to_the_header() {
    let server = Server::start([Reply::with(
        401,
        &[("request-id", "rid-hdr")],
        r#"{"error":{"code":"InvalidAuthenticationToken"}}"#,
    )])
    .await;
    let err = client(&server).me().message("m").send().await.expect_err("401");
    assert_eq!(err.status(), Some(401));
    assert_eq!(err.code(), Some("InvalidAuthenticationToken"));
    assert_eq!(err.message(), None);
    assert_eq!(err.request_id(), Some("rid-hdr"));
}

#[tokio::test]
async fn html_411_keeps_status_and_body_text() {
    let html = "<html><body><h2>Length Required</h2></body></html>";
    let server = Server::start([Reply::with(411, &[("content-type", "text/html")], html)]).await;
    let err = client(&server).me().message("m").send().await.expect_err("411");
    assert_eq!(err.status(), Some(411));
    assert_eq!(err.code(), None);
    assert_eq!(err.api().map(|api| api.body()), Some(html));
    assert!(err.to_string().contains("411"), "{err}");
}

#[tokio::test]
async fn failing_token_provider_makes_no_request() {
    let server = Server::start([]).await;
    let err = support::builder(&server)
        .token_provider(|| async { Err::<String, _>("vault is sealed") })
        .build()
        .expect("builds")
        .me()
        .message("m")
        .send()
        .await
        .expect_err("no token");
    assert!(matches!(err, Error::Token { .. }), "{err:?}");
    let source = std::error::Error::source(&err).map(ToString::to_string);
    assert_eq!(source.as_deref(), Some("vault is sealed"));
    assert_eq!(server.count(), 0);
}

#[tokio::test]
async fn token_never_shows_in_errors() {
    let server =
        Server::start([Reply::json(401, r#"{"error":{"code":"InvalidAuthenticationToken"}}"#), Reply::Drop])
            .await;
    let client = support::builder(&server).bearer_token("tok-SECRET-123").build().expect("builds");
    let mut errors = vec![
        client.me().message("m").send().await.expect_err("401"),
        client.me().message("m").send().await.expect_err("dropped"),
        client.me().message("").send().await.expect_err("refused"),
    ];
    let refused = support::builder(&server)
        .base_url(format!("http://{}/v1.0", support::unused_addr().await))
        .bearer_token("tok-SECRET-123")
        .max_retries(0)
        .build()
        .expect("builds");
    errors.push(refused.me().message("m").send().await.expect_err("refused"));
    let bad_header =
        support::builder(&server).bearer_token("tok-SECRET-123\r\nx-evil: 1").build().expect("builds");
    errors.push(bad_header.me().message("m").send().await.expect_err("invalid"));
    for err in errors {
        let mut shown = format!("{err} {err:?}");
        let mut source = std::error::Error::source(&err);
        while let Some(s) = source {
            shown.push_str(&format!(" {s} {s:?}"));
            source = s.source();
        }
        assert!(!shown.contains("SECRET"), "{shown}");
    }
}
