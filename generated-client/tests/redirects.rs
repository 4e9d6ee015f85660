//! Redirects on the wire, with two loopback origins (two listeners on different ports): none is followed by
//! default, a 3xx keeps its status and a sanitised `Location`, no body is replayed, no POST becomes a success,
//! and the opt-in policy follows only a GET's redirect under the base URL, dropping the token when more than
//! the path changes.

mod support;

use futures_util::TryStreamExt;
use generated_client::{types, Error, Redirects};
use support::{builder, client, Reply, Server};
use tokio::net::TcpListener;

fn draft() -> types::Message {
    types::Message { subject: Some("Board minutes, confidential".into()), ..Default::default() }
}

/// The `Location` an [`Error::Redirect`] keeps.
fn location(err: &Error) -> Option<&str> {
    match err {
        Error::Redirect { location, .. } => location.as_deref(),
        _ => None,
    }
}

#[tokio::test]
async fn a_redirect_on_send_is_an_error_and_the_other_origin_sees_nothing() {
    let other = Server::start([]).await;
    let target = format!("http://user:pw@{}/v1.0/me/messages/m/send?token=SECRET#frag", other.addr());
    for status in [301, 302, 303, 307, 308] {
        let origin = Server::start([Reply::redirect(status, &target)]).await;
        let err = client(&origin).me().message("m").send().await.expect_err("a redirect is not a success");
        assert!(matches!(err, Error::Redirect { .. }), "{status}: {err:?}");
        assert_eq!(err.status(), Some(status));
        assert_eq!(location(&err), Some(format!("http://{}/v1.0/me/messages/m/send", other.addr()).as_str()));
        // The server answered, and may have acted (a 303 says it did): the mail must not be resent.
        assert!(err.may_have_reached_server() && !err.was_accepted() && !err.is_retryable());
        let sent = origin.only_request().header("client-request-id").expect("sent");
        assert_eq!(err.client_request_id(), Some(sent.as_str()));
        let shown = format!("{err} {err:?}");
        assert!(!shown.contains("SECRET") && !shown.contains("pw@") && !shown.contains("frag"), "{shown}");
    }
    assert_eq!(other.count(), 0, "nothing reached the other origin");
}

#[tokio::test]
async fn a_307_never_replays_a_draft_to_another_origin_or_path() {
    let other = Server::start([]).await;
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let same_origin_elsewhere = format!("http://{}/collect", listener.local_addr().expect("addr"));
    let origin = Server::on(
        listener,
        [
            Reply::redirect(307, &format!("{}/me/messages", other.base_url())),
            Reply::redirect(308, &same_origin_elsewhere),
        ],
    );
    // Both policies: the opt-in one follows GETs only.
    for redirects in [Redirects::Refuse, Redirects::FollowGetWithinBaseUrl] {
        let client = builder(&origin).redirects(redirects).build().expect("builds");
        let err = client.me().messages().create(draft()).await.expect_err("not followed");
        assert!(matches!(err, Error::Redirect { .. }), "{err:?}");
    }
    let requests = origin.requests();
    assert_eq!(requests.len(), 2, "one request per call, none replayed");
    for request in &requests {
        assert_eq!(request.request_line(), "POST /v1.0/me/messages HTTP/1.1");
        assert!(String::from_utf8_lossy(&request.body).contains("Board minutes"));
    }
    assert_eq!(other.count(), 0, "the draft never reached the other origin");
}

#[tokio::test]
async fn opt_in_follows_a_get_within_the_base_url_with_the_token() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}/v1.0", listener.local_addr().expect("addr"));
    let origin = Server::on(
        listener,
        [
            Reply::redirect(302, "/v1.0/me/messages/m2"),
            Reply::redirect(307, &format!("{base}/me/messages/m3")),
            Reply::json(200, r#"{"id":"m3","subject":"moved"}"#),
        ],
    );
    let client = builder(&origin).redirects(Redirects::FollowGetWithinBaseUrl).build().expect("builds");
    let message = client.me().message("m1").get().await.expect("followed to m3");
    assert_eq!(message.id.as_deref(), Some("m3"));
    let requests = origin.requests();
    let lines: Vec<String> = requests.iter().map(|r| r.request_line()).collect();
    assert_eq!(
        lines,
        [
            "GET /v1.0/me/messages/m1 HTTP/1.1",
            "GET /v1.0/me/messages/m2 HTTP/1.1",
            "GET /v1.0/me/messages/m3 HTTP/1.1"
        ]
    );
    for request in &requests {
        assert_eq!(request.header("authorization").as_deref(), Some("Bearer tok-123"));
    }
    let ids: Vec<_> = requests.iter().filter_map(|r| r.header("client-request-id")).collect();
    assert!(ids.len() == 3 && ids.iter().all(|id| *id == ids[0]), "{ids:?}");
}

#[tokio::test]
async fn opt_in_drops_the_token_when_the_query_changes() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}/v1.0", listener.local_addr().expect("addr"));
    let origin = Server::on(
        listener,
        [
            Reply::redirect(302, &format!("{base}/me/messages/m1?via=redirect")),
            Reply::json(200, r#"{"id":"m1"}"#),
        ],
    );
    let client = builder(&origin).redirects(Redirects::FollowGetWithinBaseUrl).build().expect("builds");
    client.me().message("m1").get().await.expect("followed");
    let auth: Vec<Option<String>> = origin.requests().iter().map(|r| r.header("authorization")).collect();
    assert_eq!(auth, [Some("Bearer tok-123".to_owned()), None]);
}

#[tokio::test]
async fn opt_in_never_leaves_the_base_url() {
    let other = Server::start([]).await;
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let origin = Server::on(
        listener,
        [
            Reply::redirect(302, &format!("{}/me/messages/m1", other.base_url())),
            Reply::redirect(302, &format!("http://{addr}/beta/me/messages/m1")),
            Reply::redirect(302, &format!("http://user:pw@{addr}/v1.0/me/messages/m1")),
            Reply::redirect(302, &format!("http://localhost:{}/v1.0/me/messages/m1", addr.port())),
        ],
    );
    let client = builder(&origin).redirects(Redirects::FollowGetWithinBaseUrl).build().expect("builds");
    for _ in 0..4 {
        let err = client.me().message("m1").get().await.expect_err("not followed");
        assert!(matches!(err, Error::Redirect { status: 302, .. }), "{err:?}");
        assert!(!location(&err).unwrap_or_default().contains("pw"), "{err:?}");
    }
    assert_eq!(origin.count(), 4, "one request per call");
    assert_eq!(other.count(), 0);
}

#[tokio::test]
async fn opt_in_stops_after_five_redirects() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}/v1.0", listener.local_addr().expect("addr"));
    let origin =
        Server::on(listener, (0..10).map(|i| Reply::redirect(302, &format!("{base}/me/messages/hop{i}"))));
    let client = builder(&origin).redirects(Redirects::FollowGetWithinBaseUrl).build().expect("builds");
    let err = client.me().message("m").get().await.expect_err("too many");
    assert!(matches!(err, Error::Redirect { .. }), "{err:?}");
    assert_eq!(origin.count(), 6, "the request and five redirects");
}

#[tokio::test]
async fn a_redirected_next_link_page_adds_no_items_from_another_origin() {
    let other = Server::start([Reply::json(200, r#"{"value":[{"id":"planted"}]}"#)]).await;
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}/v1.0", listener.local_addr().expect("addr"));
    let first_page = Reply::json(
        200,
        &format!(r#"{{"value":[{{"id":"a"}}],"@odata.nextLink":"{base}/me/messages?$skiptoken=2"}}"#),
    );
    let redirect = Reply::redirect(302, &format!("{}/me/messages", other.base_url()));
    let origin = Server::on(listener, [first_page.clone(), redirect.clone(), first_page, redirect]);
    for redirects in [Redirects::Refuse, Redirects::FollowGetWithinBaseUrl] {
        let client = builder(&origin).redirects(redirects).build().expect("builds");
        let mut items = client.me().messages().list().items();
        let first = items.try_next().await.expect("first page").map(|m| m.id);
        assert_eq!(first, Some(Some("a".to_owned())));
        let err = items.try_next().await.expect_err("the redirect ends the stream");
        assert!(matches!(err, Error::Redirect { status: 302, .. }), "{err:?}");
        assert!(items.try_next().await.expect("ended").is_none());
    }
    assert_eq!(origin.count(), 4);
    assert_eq!(other.count(), 0, "the token and the stream stayed on the base URL");
}

#[tokio::test]
async fn opt_in_never_carries_a_raw_gets_body_across_a_redirect() {
    let origin =
        Server::start([Reply::redirect(307, "/v1.0/me/messages/m2"), Reply::json(200, r#"{"id":"m2"}"#)])
            .await;
    let client = builder(&origin).redirects(Redirects::FollowGetWithinBaseUrl).build().expect("builds");
    let response = client
        .request(generated_client::reqwest::Method::GET, "/me/messages/m1")
        .json(&serde_json::json!({ "subject": "Board minutes, confidential" }))
        .await
        .expect("followed");
    assert_eq!(response.status(), 200);
    let requests = origin.requests();
    assert_eq!(requests.len(), 2);
    assert!(String::from_utf8_lossy(&requests[0].body).contains("Board minutes"));
    assert!(requests[1].body.is_empty(), "the body stayed with the first request");
}

#[tokio::test]
async fn a_deadline_of_any_size_is_accepted() {
    let origin = Server::start([Reply::json(200, r#"{"id":"m1"}"#)]).await;
    let client = builder(&origin).deadline(std::time::Duration::MAX).build().expect("builds");
    let message = client.me().message("m1").get().await.expect("no overflow");
    assert_eq!(message.id.as_deref(), Some("m1"));
}
