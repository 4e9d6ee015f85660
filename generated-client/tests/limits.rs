//! The bounds on one call, on the wire: the answer body limit, the error body kept, the deadline across
//! attempts and waits, and the pages of one collection stream. Each exceeded limit is a typed error carrying
//! the `client-request-id` the server saw. (`tests/memory.rs` checks what the limits do to memory.)

mod support;

use std::time::{Duration, Instant};

use futures_util::{StreamExt, TryStreamExt};
use generated_client::{types, Error};
use support::{builder, client, Reply, Server};
use tokio::net::TcpListener;

/// Fails the test instead of hanging it.
async fn within<T>(future: impl std::future::IntoFuture<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(30), future.into_future()).await.expect("finished within 30 s")
}

fn sent_id(server: &Server) -> String {
    server.requests().last().and_then(|r| r.header("client-request-id")).expect("a client-request-id")
}

#[tokio::test]
async fn a_json_answer_over_the_limit_is_body_too_large_and_says_it_was_accepted() {
    let big = format!(r#"{{"id":"d","subject":"{}"}}"#, "x".repeat(4096));
    let server = Server::start([
        // Declared too long: refused unread.
        Reply::json(201, &big),
        // Chunked, no length given: read up to the limit, then refused.
        Reply::lazy(201, &[("content-type", "application/json")], r#"{"subject":""#, "x", Some(8192), true),
    ])
    .await;
    let client = builder(&server).max_response_body(1024).build().expect("builds");
    for _ in 0..2 {
        let err =
            within(client.me().messages().create(types::Message::default())).await.expect_err("too large");
        assert!(matches!(err, Error::BodyTooLarge { status: 201, limit: 1024, .. }), "{err:?}");
        assert!(err.was_accepted() && !err.may_have_reached_server() && !err.is_retryable());
        assert!(err.to_string().contains("the server accepted the request (201)"), "{err}");
        assert_eq!(err.client_request_id(), Some(sent_id(&server).as_str()));
    }
    assert_eq!(server.count(), 2, "never retried");

    // At the limit exactly, the answer is read.
    let exact = r#"{"id":"d"}"#;
    let server = Server::start([Reply::json(201, exact)]).await;
    let client = builder(&server).max_response_body(exact.len() as u64).build().expect("builds");
    let created = client.me().messages().create(types::Message::default()).await.expect("fits");
    assert_eq!(created.id.as_deref(), Some("d"));
}

#[tokio::test]
async fn a_send_answered_with_an_endless_body_is_still_sent_once() {
    let server = Server::start([Reply::lazy(202, &[], "", "spam", None, true)]).await;
    let client = builder(&server).max_response_body(64 * 1024).build().expect("builds");
    within(client.me().message("m").send()).await.expect("202 is success, whatever its body");
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn an_error_body_keeps_its_start_and_counts_the_rest() {
    let body = format!(r#"{{"error":{{"code":"Boom","message":"{}"}}}}"#, "y".repeat(200 * 1024));
    let server = Server::start([Reply::json(500, &body)]).await;
    let err = within(client(&server).me().message("m").send()).await.expect_err("500");
    let api = err.api().expect("an api error");
    assert_eq!(api.status(), 500);
    assert_eq!(api.body().len(), 64 * 1024, "the default keeps 64 KiB");
    assert_eq!(api.body_len(), body.len() as u64);
    assert!(api.body_truncated());
    assert!(body.starts_with(api.body()));
    assert!(format!("{err:?}").len() < 70 * 1024, "Debug shows at most what was kept");

    let server = Server::start([Reply::json(404, &body)]).await;
    let err = builder(&server).max_error_body(10).build().expect("builds").me().message("m").send().await;
    let err = err.expect_err("404");
    assert_eq!(err.api().map(|api| api.body()), Some(r#"{"error":{"#));
}

#[tokio::test]
async fn an_endless_error_body_is_counted_up_to_the_body_limit() {
    let server = Server::start([Reply::lazy(500, &[], "<html>", "x", None, true)]).await;
    let client = builder(&server).max_response_body(1024 * 1024).build().expect("builds");
    let err = within(client.me().message("m").get()).await.expect_err("500");
    let api = err.api().expect("an api error");
    assert!(api.body().starts_with("<html>xxx"));
    assert!(api.body_len() > 1024 * 1024 && api.body_len() < 2 * 1024 * 1024, "{}", api.body_len());
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn a_silent_server_meets_the_deadline_for_get_and_post() {
    let server = Server::start((0..8).map(|_| Reply::Hang)).await;
    let client = builder(&server)
        .timeout(Duration::from_secs(20))
        .deadline(Duration::from_millis(400))
        .build()
        .expect("builds");
    let started = Instant::now();
    let err = within(client.me().message("m").get()).await.expect_err("deadline");
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
    assert!(matches!(err, Error::Deadline { .. }), "{err:?}");
    assert!(err.is_timeout() && err.may_have_reached_server(), "{err}");
    assert_eq!(err.client_request_id(), Some(sent_id(&server).as_str()));
    assert_eq!(server.count(), 1);

    let err = within(client.me().message("m").send()).await.expect_err("deadline");
    assert!(matches!(err, Error::Deadline { may_have_reached_server: true, .. }), "{err:?}");
    assert!(err.to_string().contains("the request may have reached the server"), "{err}");
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn the_deadline_counts_attempts_and_waits() {
    // Each 1 s wait fits max_retry_wait, but the second would end after the 1.9 s deadline: the call
    // ends with the second 429 (at about 1 s) instead of sleeping past it.
    let throttled = || Reply::with(429, &[("retry-after", "1")], "");
    let server = Server::start([throttled(), throttled(), Reply::status(202)]).await;
    let client = builder(&server).deadline(Duration::from_millis(1900)).build().expect("builds");
    let started = Instant::now();
    let err = within(client.me().message("m").send()).await.expect_err("gives up");
    assert!(started.elapsed() < Duration::from_millis(1900), "{:?}", started.elapsed());
    assert_eq!(err.status(), Some(429));
    assert!(!err.may_have_reached_server());
    assert_eq!(server.count(), 2);

    // Waiting out a throttle and then meeting a silent server: the deadline says the request may have
    // reached the server (the last attempt was under way).
    let server = Server::start([Reply::with(503, &[("retry-after", "0")], ""), Reply::Hang]).await;
    let client = builder(&server).deadline(Duration::from_millis(300)).build().expect("builds");
    let err = within(client.me().message("m").send()).await.expect_err("deadline");
    assert!(matches!(err, Error::Deadline { may_have_reached_server: true, .. }), "{err:?}");
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn max_pages_bounds_an_endless_chain_of_distinct_links() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}/v1.0", listener.local_addr().expect("addr"));
    let pages = (1..=10).map(|n| {
        Reply::json(
            200,
            &format!(
                r#"{{"value":[{{"id":"p{n}"}}],"@odata.nextLink":"{base}/me/messages?$skiptoken={}"}}"#,
                n + 1
            ),
        )
    });
    let server = Server::on(listener, pages);
    let client = builder(&server).max_pages(3).build().expect("builds");
    let results: Vec<Result<types::Message, Error>> = client.me().messages().list().items().collect().await;
    let ids: Vec<_> = results.iter().filter_map(|r| r.as_ref().ok()).filter_map(|m| m.id.clone()).collect();
    assert_eq!(ids, ["p1", "p2", "p3"], "the items of the pages read are yielded");
    let err = results.last().and_then(|r| r.as_ref().err()).expect("ends with an error");
    assert!(matches!(err, Error::TooManyPages { limit: 3, .. }), "{err:?}");
    assert_eq!(err.client_request_id(), Some(sent_id(&server).as_str()));
    assert_eq!(server.count(), 3, "no fourth page was asked for");
}

#[tokio::test]
async fn a_collection_without_max_pages_reads_every_page() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}/v1.0", listener.local_addr().expect("addr"));
    let mut pages: Vec<Reply> = (1..5)
        .map(|n| {
            Reply::json(
                200,
                &format!(
                    r#"{{"value":[{{"id":"p{n}"}}],"@odata.nextLink":"{base}/me/messages?$skiptoken={}"}}"#,
                    n + 1
                ),
            )
        })
        .collect();
    pages.push(Reply::json(200, r#"{"value":[{"id":"p5"}]}"#));
    let server = Server::on(listener, pages);
    let all: Vec<types::Message> =
        client(&server).me().messages().list().items().try_collect().await.expect("all");
    assert_eq!(all.len(), 5);
    assert_eq!(server.count(), 5);
}
