//! Honest outcomes on the wire: what the server accepted is never reported as "may have reached", what was
//! never sent is never retried, and paging loops are found on the normalised link without losing a page.

mod support;

use futures_util::StreamExt;
use generated_client::{types, Error};
use support::{builder, client, Reply, Server};
use tokio::net::TcpListener;

#[tokio::test]
async fn a_202_whose_body_is_torn_is_a_sent_mail() {
    let server = Server::start([Reply::torn(202, r#"{"partial":"#, 500), Reply::status(202)]).await;
    client(&server).me().message("m").send().await.expect("the server accepted it: Ok");
    assert_eq!(server.count(), 1, "and it is not sent again");
}

#[tokio::test]
async fn a_torn_or_undecodable_body_where_one_is_expected_says_the_server_accepted() {
    let server = Server::start([
        Reply::torn(201, r#"{"id":"AAMk"#, 500),
        Reply::with(201, &[("content-type", "text/html")], "<html>created</html>"),
        Reply::torn(200, r#"{"id":"m"#, 500),
    ])
    .await;
    let client = client(&server);
    let torn = client.me().messages().create(types::Message::default()).await.expect_err("torn");
    let html = client.me().messages().create(types::Message::default()).await.expect_err("not json");
    let get = client.me().message("m").get().await.expect_err("torn");
    for (err, status) in [(torn, 201), (html, 201), (get, 200)] {
        assert!(matches!(err, Error::Decode { .. }), "{err:?}");
        assert_eq!(err.status(), Some(status));
        assert!(err.was_accepted() && !err.may_have_reached_server() && !err.is_retryable(), "{err:?}");
        assert!(err.to_string().contains(&format!("the server accepted the request ({status})")), "{err}");
        assert!(!err.to_string().contains("may have reached"), "{err}");
    }
    assert_eq!(server.count(), 3, "none was retried");
}

#[tokio::test]
async fn a_500_502_or_504_may_have_sent_the_mail_and_a_429_or_503_did_not() {
    // A 500 is the service failing part way and a 504 a gateway that stopped waiting: the mail may have
    // gone, so an app that resends only when `may_have_reached_server()` is false must not resend.
    for (status, maybe) in [(500, true), (502, true), (504, true), (503, false), (429, false), (404, false)] {
        let server = Server::start([Reply::status(status)]).await;
        let err = builder(&server).max_retries(0).build().expect("builds").me().message("m").send().await;
        let err = err.expect_err("an error status");
        assert_eq!(err.status(), Some(status));
        assert_eq!(err.may_have_reached_server(), maybe, "{status}: {err:?}");
        assert!(!err.was_accepted(), "{err:?}");
    }
}

#[tokio::test]
async fn an_id_too_long_for_a_url_is_refused_before_any_byte() {
    let server = Server::start([]).await;
    let client = client(&server);
    let long = "a".repeat(70_000);
    let errors = [
        client.me().message(long.as_str()).send().await.expect_err("refused"),
        client.me().message(long.as_str()).get().await.expect_err("refused"),
    ];
    for err in errors {
        assert!(matches!(err, Error::InvalidRequest { name: "url", .. }), "{err:?}");
        assert!(err.is_invalid_request() && !err.may_have_reached_server() && !err.is_retryable());
        assert!(err.to_string().contains("nothing was sent"), "{err}");
    }
    assert_eq!(server.count(), 0);
}

#[tokio::test]
async fn an_invalid_header_value_is_refused_before_any_byte() {
    let server = Server::start([]).await;
    let err = client(&server)
        .me()
        .message("m1")
        .get()
        .prefer("outlook.body-content-type=\"text\"\r\nx-injected: 1")
        .await
        .expect_err("refused");
    assert!(matches!(err, Error::InvalidRequest { name: "Prefer", .. }), "{err:?}");
    assert!(!err.may_have_reached_server());
    assert_eq!(server.count(), 0);
}

/// A page of one item `id`, and a next link when given.
fn page(id: &str, next: Option<&str>) -> Reply {
    let next = next.map(|link| format!(r#","@odata.nextLink":"{link}""#)).unwrap_or_default();
    Reply::json(200, &format!(r#"{{"value":[{{"id":"{id}"}}]{next}}}"#))
}

async fn ids_then_error(server: &Server) -> (Vec<String>, Option<Error>) {
    let results: Vec<Result<types::Message, Error>> =
        client(server).me().messages().list().items().collect().await;
    let mut ids = Vec::new();
    let mut error = None;
    for result in results {
        match result {
            Ok(message) => ids.push(message.id.unwrap_or_default()),
            Err(e) => error = Some(e),
        }
    }
    (ids, error)
}

#[tokio::test]
async fn a_next_link_differing_only_in_its_fragment_is_a_loop_and_its_page_is_yielded_once() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}/v1.0", listener.local_addr().expect("addr"));
    let second = format!("{base}/me/messages?$skiptoken=2");
    let server = Server::on(
        listener,
        [page("a", Some(&second)), page("b", Some(&format!("{second}#again"))), page("b", None)],
    );
    let (ids, error) = ids_then_error(&server).await;
    assert_eq!(ids, ["a", "b"], "the repeating page's items are yielded once");
    let error = error.expect("the loop is an error");
    assert!(matches!(error, Error::PagingLoop { .. }), "{error:?}");
    assert_eq!(server.count(), 2, "the page is not fetched again");
}

#[tokio::test]
async fn a_next_link_back_to_the_first_page_is_a_loop() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    // Another spelling of the first request's URL: host case and default-free port differ only in form.
    let server = Server::on(
        listener,
        [page("a", Some(&format!("HTTP://127.0.0.1:{}/v1.0/me/messages#top", addr.port())))],
    );
    let (ids, error) = ids_then_error(&server).await;
    assert_eq!(ids, ["a"]);
    assert!(matches!(error, Some(Error::PagingLoop { .. })), "{error:?}");
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn query_order_tells_pages_apart() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}/v1.0", listener.local_addr().expect("addr"));
    let server = Server::on(
        listener,
        [
            page("a", Some(&format!("{base}/me/messages?b=1&a=2"))),
            page("b", Some(&format!("{base}/me/messages?a=2&b=1"))),
            page("c", None),
        ],
    );
    let (ids, error) = ids_then_error(&server).await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(ids, ["a", "b", "c"]);
    let targets: Vec<String> = server.requests().iter().map(|r| r.target()).collect();
    assert_eq!(targets, ["/v1.0/me/messages", "/v1.0/me/messages?b=1&a=2", "/v1.0/me/messages?a=2&b=1"]);
}

#[tokio::test]
async fn a_torn_next_page_ends_the_stream_without_a_retry() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}/v1.0", listener.local_addr().expect("addr"));
    let server = Server::on(
        listener,
        [
            page("a", Some(&format!("{base}/me/messages?$skiptoken=2"))),
            Reply::torn(200, r#"{"value":[{"#, 400),
        ],
    );
    let client = builder(&server).build().expect("builds");
    let results: Vec<_> = client.me().messages().list().items().collect::<Vec<_>>().await;
    assert_eq!(results.len(), 2);
    assert!(matches!(results[1], Err(Error::Decode { status: 200, .. })), "{:?}", results[1]);
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn a_next_link_to_another_origin_or_outside_the_base_path_is_never_requested() {
    let other = Server::start([page("planted", None)]).await;
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let server = Server::on(
        listener,
        [
            page("a", Some(&format!("{}/me/messages?$skiptoken=2", other.base_url()))),
            page("b", Some(&format!("http://{addr}/beta/me/messages?$skiptoken=2"))),
        ],
    );
    for expected in ["a", "b"] {
        let (ids, error) = ids_then_error(&server).await;
        assert_eq!(ids, [expected]);
        let error = error.expect("the link is refused");
        assert!(matches!(error, Error::InvalidRequest { name: "@odata.nextLink", .. }), "{error:?}");
        assert!(!error.may_have_reached_server());
    }
    assert_eq!(server.count(), 2, "one page per stream");
    assert_eq!(other.count(), 0, "the token never went to the other origin");
}
