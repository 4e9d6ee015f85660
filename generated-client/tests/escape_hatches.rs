//! An app's escape hatches, each checked on the wire: its own `reqwest::Client`, a header, timeout or
//! retry count for one call, a raw request for an endpoint the spec does not hold, and `Items::limit`.

mod support;

use std::time::{Duration, Instant};

use generated_client::{reqwest, Client, Error, TryStreamExt};
use support::{builder, client, Reply, Server};

/// Fails the test instead of hanging it.
async fn within<T>(future: impl std::future::IntoFuture<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(30), future.into_future()).await.expect("finished within 30 s")
}

fn app_http_client() -> reqwest::ClientBuilder {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("x-app-marker", reqwest::header::HeaderValue::from_static("from-the-app-client"));
    reqwest::Client::builder().default_headers(headers).no_proxy()
}

#[tokio::test]
async fn an_apps_own_reqwest_client_carries_its_default_header_beside_auth() {
    let server = Server::start([Reply::status(202)]).await;
    let http = app_http_client().redirect(reqwest::redirect::Policy::none()).build().expect("app client");
    let client = builder(&server).http_client(http).build().expect("client with the app's http client");
    within(client.me().message("m").send()).await.expect("sent");
    let request = server.only_request();
    assert_eq!(request.request_line(), "POST /v1.0/me/messages/m/send HTTP/1.1");
    assert_eq!(request.header("x-app-marker").as_deref(), Some("from-the-app-client"));
    assert_eq!(request.header("authorization").as_deref(), Some("Bearer tok-123"));
    assert_eq!(request.header("content-length").as_deref(), Some("0"));
    assert!(request.header("client-request-id").is_some_and(|id| id.len() == 36));
}

#[tokio::test]
async fn an_apps_client_that_follows_redirects_is_refused_at_build() {
    for http in [
        app_http_client().build().expect("default policy"),
        app_http_client().redirect(reqwest::redirect::Policy::limited(2)).build().expect("limited"),
    ] {
        let err = Client::builder().bearer_token("t").http_client(http).build().err();
        let text = err.as_ref().map(ToString::to_string).unwrap_or_default();
        assert!(matches!(err, Some(Error::Config { .. })), "{err:?}");
        assert!(text.contains("Policy::none()"), "{text}");
    }
}

#[tokio::test]
async fn a_header_for_one_call_is_sent_once_and_replaces_the_calls_own() {
    let server = Server::start([Reply::status(202), Reply::status(202)]).await;
    let client = client(&server);
    within(client.me().message("m").send().header("x-trace", "abc").header("Accept", "application/xml"))
        .await
        .expect("sent");
    within(client.me().message("m").send()).await.expect("sent");
    let requests = server.requests();
    assert_eq!(requests[0].header("x-trace").as_deref(), Some("abc"));
    assert_eq!(requests[0].headers("accept"), ["application/xml"]);
    // The next call is untouched.
    assert!(requests[1].headers("x-trace").is_empty());
    assert_eq!(requests[1].headers("accept"), ["application/json"]);
}

#[tokio::test]
async fn a_client_request_id_set_for_one_call_is_kept_across_its_retries() {
    let server = Server::start([Reply::with(429, &[("retry-after", "0")], ""), Reply::status(202)]).await;
    within(client(&server).me().message("m").send().header("client-request-id", "app-chosen-id"))
        .await
        .expect("sent on the retry");
    for request in server.requests() {
        assert_eq!(request.headers("client-request-id"), ["app-chosen-id"]);
    }
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn headers_the_client_owns_or_that_cannot_be_sent_fail_before_any_byte() {
    let server = Server::start([]).await;
    let client = client(&server);
    for (name, value) in
        [("Authorization", "Bearer other"), ("content-length", "5"), ("bad name", "x"), ("x-ok", "a\nb")]
    {
        let err = within(client.me().message("m").send().header(name, value)).await.err();
        assert!(matches!(err, Some(Error::InvalidRequest { .. })), "{name}: {err:?}");
        let text = err.map(|e| e.to_string()).unwrap_or_default();
        assert!(
            text.contains("nothing was sent") && !text.contains("Bearer other") && !text.contains("a\nb"),
            "{text}"
        );
    }
    assert_eq!(server.count(), 0);
}

#[tokio::test]
async fn a_timeout_for_one_call_ends_it_long_before_the_clients() {
    let server = Server::start([Reply::Hang]).await;
    let client = builder(&server).timeout(Duration::from_secs(100)).build().expect("client");
    let started = Instant::now();
    let err =
        within(client.me().messages().list().timeout(Duration::from_millis(300)).max_retries(0)).await.err();
    assert!(matches!(err, Some(Error::Timeout { .. })), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(10), "{:?}", started.elapsed());
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn max_retries_for_one_call_overrides_the_clients() {
    let throttled = || Reply::with(429, &[("retry-after", "0")], "");
    let server = Server::start([throttled(), throttled(), throttled(), Reply::status(202)]).await;
    let client = builder(&server).max_retries(5).build().expect("client");
    let err = within(client.me().message("m").send().max_retries(1)).await.err();
    assert_eq!(err.as_ref().and_then(Error::status), Some(429), "{err:?}");
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn a_raw_get_me_has_auth_and_is_retried_after_a_429() {
    let server = Server::start([
        Reply::with(429, &[("retry-after", "0")], ""),
        Reply::json(200, r#"{"id":"u1","displayName":"Adele"}"#),
    ])
    .await;
    let client = client(&server);
    let response = within(client.request(reqwest::Method::GET, "/me")).await.expect("answered on the retry");
    assert_eq!(response.status(), 200);
    assert!(response.headers().contains_key("content-type"));
    let me: serde_json::Value = response.json().expect("json");
    assert_eq!(me["displayName"], "Adele");
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    for request in &requests {
        assert_eq!(request.request_line(), "GET /v1.0/me HTTP/1.1");
        assert_eq!(request.header("authorization").as_deref(), Some("Bearer tok-123"));
        assert_eq!(request.header("accept").as_deref(), Some("application/json"));
    }
    assert_eq!(requests[0].header("client-request-id"), requests[1].header("client-request-id"));
}

#[tokio::test]
async fn a_raw_post_sends_its_query_json_and_header() {
    let server = Server::start([Reply::status(202), Reply::json(201, "{}")]).await;
    let client = client(&server);
    let body = serde_json::json!({"comment": "see below"});
    within(
        client
            .request(reqwest::Method::POST, "me/messages/AAMk%3D/createReply")
            .query("$select", "id,subject")
            .json(&body)
            .header("Prefer", "outlook.timezone=\"UTC\""),
    )
    .await
    .expect("sent");
    let response =
        within(client.request(reqwest::Method::PUT, "/me/photo/$value").bytes("image/png", vec![1, 2, 3]))
            .await
            .expect("put");
    assert_eq!(response.status(), 201);
    let requests = server.requests();
    assert_eq!(requests[0].target(), "/v1.0/me/messages/AAMk%3D/createReply?$select=id%2Csubject");
    assert_eq!(requests[0].header("content-type").as_deref(), Some("application/json"));
    assert_eq!(requests[0].header("prefer").as_deref(), Some("outlook.timezone=\"UTC\""));
    assert_eq!(requests[0].body, br#"{"comment":"see below"}"#);
    assert_eq!(requests[1].target(), "/v1.0/me/photo/$value");
    assert_eq!(requests[1].headers("content-type"), ["image/png"]);
    assert_eq!(requests[1].body, [1, 2, 3]);
}

#[tokio::test]
async fn a_raw_request_maps_errors_as_operations_do() {
    let server =
        Server::start([Reply::json(404, r#"{"error":{"code":"ErrorItemNotFound","message":"gone"}}"#)]).await;
    let err = within(client(&server).request(reqwest::Method::GET, "/me/messages/x")).await.err();
    assert_eq!(err.as_ref().and_then(Error::status), Some(404));
    assert_eq!(err.as_ref().and_then(Error::code), Some("ErrorItemNotFound"));
}

#[tokio::test]
async fn a_raw_path_that_leaves_the_base_url_is_refused_before_any_byte() {
    let server = Server::start([Reply::json(200, "{}")]).await;
    let client = client(&server);
    let other = format!("http://{}/beta/me", server.addr());
    for path in [
        "/me/../../beta/me",
        "/me/%2e%2e/%2E%2E/beta",
        "/me?$top=1",
        other.as_str(),
        "https://evil.example/v1.0/me",
    ] {
        let err = within(client.request(reqwest::Method::GET, path)).await.err();
        assert!(matches!(err, Some(Error::InvalidRequest { name: "path", .. })), "{path}: {err:?}");
    }
    assert_eq!(server.count(), 0);
    // An absolute URL under the base URL (a deltaLink) is fine.
    let delta = format!("{}/me/messages/delta?$deltatoken=abc", server.base_url());
    within(client.request(reqwest::Method::GET, delta)).await.expect("delta link");
    assert_eq!(server.only_request().target(), "/v1.0/me/messages/delta?$deltatoken=abc");
}

#[tokio::test]
async fn items_limit_stops_before_requesting_another_page() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}/v1.0", listener.local_addr().expect("address"));
    let page = format!(
        r#"{{"value":[{{"id":"a"}},{{"id":"b"}},{{"id":"c"}}],"@odata.nextLink":"{base}/me/messages?$skip=3"}}"#
    );
    let server = Server::on(listener, [Reply::json(200, &page), Reply::json(200, &page)]);
    let items: Vec<_> =
        within(client(&server).me().messages().list().top(3).items().limit(2).try_collect::<Vec<_>>())
            .await
            .expect("items");
    let ids: Vec<_> = items.iter().filter_map(|m| m.id.clone()).collect();
    assert_eq!(ids, ["a", "b"]);
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn a_header_for_one_call_goes_with_every_page_of_its_stream() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}/v1.0", listener.local_addr().expect("address"));
    let first = format!(r#"{{"value":[{{"id":"a"}}],"@odata.nextLink":"{base}/me/messages?$skip=1"}}"#);
    let server =
        Server::on(listener, [Reply::json(200, &first), Reply::json(200, r#"{"value":[{"id":"b"}]}"#)]);
    let items: Vec<_> = within(
        client(&server)
            .me()
            .messages()
            .list()
            .header("ConsistencyLevel", "eventual")
            .items()
            .try_collect::<Vec<_>>(),
    )
    .await
    .expect("both pages");
    assert_eq!(items.len(), 2);
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    for request in &requests {
        assert_eq!(request.headers("consistencylevel"), ["eventual"], "{}", request.request_line());
    }
    assert_eq!(requests[1].target(), "/v1.0/me/messages?$skip=1");
}
