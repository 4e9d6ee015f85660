//! The issue's example, written as an app would write it, run against a stand-in Graph on 127.0.0.1: send a
//! draft as the signed-in user and as another user, and read Graph's 404. The other test files look at each
//! behaviour in depth; this one checks that the advertised program compiles and does what its comments say,
//! byte for byte on the wire.

mod support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use generated_client::{Client, Cloud, TokenFuture, TokenProvider};
use percent_encoding::percent_decode_str;
use support::{Recorded, Reply, Server};

const NOT_FOUND: &str = r#"{"error":{"code":"ErrorItemNotFound","message":"The specified object was not found in the store.","innerError":{"date":"2024-05-01T10:00:00","request-id":"7f1d"}}}"#;

/// Checks a request is a body-less `POST <path>` with the test token, and returns its path segments
/// decoded.
fn post_without_body(request: &Recorded, path: &str, token: &str) -> Vec<String> {
    assert_eq!(request.request_line(), format!("POST {path} HTTP/1.1"));
    assert_eq!(request.header("content-length").as_deref(), Some("0"), "{}", request.head());
    assert!(request.headers("transfer-encoding").is_empty(), "{}", request.head());
    assert!(request.body.is_empty());
    assert_eq!(request.header("authorization"), Some(format!("Bearer {token}")));
    request
        .target()
        .split('/')
        .skip(1)
        .map(|s| percent_decode_str(s).decode_utf8().expect("utf-8").into_owned())
        .collect()
}

#[tokio::test]
async fn the_issue_example_runs_against_a_loopback_graph() -> Result<(), generated_client::Error> {
    let server = Server::start([
        Reply::status(202),
        Reply::status(202),
        Reply::with(404, &[("content-type", "application/json")], NOT_FOUND),
    ])
    .await;
    // An ephemeral port in place of the example's 8080.
    let base_url = format!("http://127.0.0.1:{}/v1.0", server.addr().port());

    // The example, as written in the issue.
    let client = Client::builder()
        .base_url(base_url.as_str()) // default https://graph.microsoft.com/v1.0; .cloud(..) for national clouds
        .bearer_token("tok-123") // or .token_provider(..) for tokens that refresh
        .build()?;
    client.me().message("AAMkAGI2THVSAAA=").send().await?; // POST /v1.0/me/messages/AAMkAGI2THVSAAA=/send, 202
    let id = "AAMkAD+/x=";
    client.user("alice@contoso.com").message(id).send().await?; // POST /v1.0/users/{user-id}/messages/{message-id}/send
    match client.me().message("missing").send().await {
        // 404 with Graph's error JSON
        Err(e) => {
            assert_eq!(e.status(), Some(404));
            assert_eq!(e.code(), Some("ErrorItemNotFound"));
        }
        Ok(_) => unreachable!(),
    }

    // On the wire: every character of an id but the unreserved ones is percent-encoded (`=` as `%3D`), and
    // each id decodes back to exactly one segment holding exactly the id.
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    let segments = post_without_body(&requests[0], "/v1.0/me/messages/AAMkAGI2THVSAAA%3D/send", "tok-123");
    assert_eq!(segments, ["v1.0", "me", "messages", "AAMkAGI2THVSAAA=", "send"]);
    let segments = post_without_body(
        &requests[1],
        "/v1.0/users/alice%40contoso.com/messages/AAMkAD%2B%2Fx%3D/send",
        "tok-123",
    );
    assert_eq!(segments, ["v1.0", "users", "alice@contoso.com", "messages", id, "send"]);
    let segments = post_without_body(&requests[2], "/v1.0/me/messages/missing/send", "tok-123");
    assert_eq!(segments, ["v1.0", "me", "messages", "missing", "send"]);
    Ok(())
}

/// A token source an app might write: it hands out a new token each time it is asked.
#[derive(Debug, Default)]
struct Refreshing {
    issued: AtomicUsize,
}

impl TokenProvider for Refreshing {
    fn token(&self) -> TokenFuture<'_> {
        let n = self.issued.fetch_add(1, Ordering::SeqCst) + 1;
        Box::pin(async move { Ok(format!("fresh-{n}")) })
    }
}

#[tokio::test]
async fn token_provider_variants_send_the_token_they_return() -> Result<(), generated_client::Error> {
    let server = Server::start([Reply::status(202), Reply::status(202), Reply::status(202)]).await;

    // A type of the app's own, shared so the app can see how many tokens it issued.
    let provider = Arc::new(Refreshing::default());
    let shared = Arc::clone(&provider);
    let client = Client::builder()
        .base_url(server.base_url())
        .token_provider(move || {
            let provider = Arc::clone(&shared);
            async move { provider.token().await }
        })
        .build()?;
    client.me().message("m1").send().await?;
    client.me().message("m2").send().await?;

    // A plain closure, as for a token read from a vault.
    let client = Client::builder()
        .base_url(server.base_url())
        .token_provider(|| async { Ok::<_, std::io::Error>("from-vault".to_owned()) })
        .build()?;
    client.user("bob@contoso.com").message("m3").send().await?;

    let requests = server.requests();
    post_without_body(&requests[0], "/v1.0/me/messages/m1/send", "fresh-1");
    post_without_body(&requests[1], "/v1.0/me/messages/m2/send", "fresh-2");
    post_without_body(&requests[2], "/v1.0/users/bob%40contoso.com/messages/m3/send", "from-vault");
    assert_eq!(provider.issued.load(Ordering::SeqCst), 2);
    Ok(())
}

#[tokio::test]
async fn cloud_variants_pick_the_host_and_base_url_overrides_it() -> Result<(), generated_client::Error> {
    // Nothing leaves loopback, so a cloud's own host is checked by its base URL only.
    for (cloud, url) in [
        (Cloud::UsGovL4, "https://graph.microsoft.us/v1.0"),
        (Cloud::UsGovL5, "https://dod-graph.microsoft.us/v1.0"),
        (Cloud::China, "https://microsoftgraph.chinacloudapi.cn/v1.0"),
    ] {
        let client = Client::builder().cloud(cloud).bearer_token("tok-123").build()?;
        assert_eq!(client.base_url(), url);
        // Whichever is set last wins: a cloud replaces an earlier base URL …
        let client =
            Client::builder().base_url("http://127.0.0.1:9/v1.0").cloud(cloud).bearer_token("t").build()?;
        assert_eq!(client.base_url(), url);
    }

    // … and a base URL replaces an earlier cloud, so requests go to it.
    let server = Server::start([Reply::status(202)]).await;
    let client =
        Client::builder().cloud(Cloud::China).base_url(server.base_url()).bearer_token("tok-123").build()?;
    client.me().message("AAMkAGI2THVSAAA=").send().await?;
    post_without_body(&server.only_request(), "/v1.0/me/messages/AAMkAGI2THVSAAA%3D/send", "tok-123");
    Ok(())
}
