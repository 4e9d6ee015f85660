//! What the client writes on the wire for a call: request line, path encoding, and headers.

mod support;

use percent_encoding::percent_decode_str;
use support::{client, Reply, Server};

#[tokio::test]
async fn send_is_a_body_less_post_with_content_length_zero() {
    let server = Server::start([Reply::status(202)]).await;
    client(&server).me().message("AAMkAGI2THVSAAA=").send().await.expect("202 is success");

    let request = server.only_request();
    assert_eq!(request.request_line(), "POST /v1.0/me/messages/AAMkAGI2THVSAAA%3D/send HTTP/1.1");
    assert_eq!(request.header("content-length").as_deref(), Some("0"));
    assert!(request.headers("transfer-encoding").is_empty());
    assert!(request.body.is_empty());
    assert!(request.raw.ends_with(b"\r\n\r\n"), "nothing after the head");
}

#[tokio::test]
async fn bearer_token_and_no_api_version() {
    let server = Server::start([Reply::status(202)]).await;
    client(&server).me().message("m").send().await.expect("sent");

    let request = server.only_request();
    assert_eq!(request.header("authorization").as_deref(), Some("Bearer tok-123"));
    assert!(request.headers("api-version").is_empty());
    assert!(!request.target().contains("api-version"));
}

#[tokio::test]
async fn user_path_and_trailing_slash_on_the_base_url() {
    let server = Server::start([Reply::status(202), Reply::status(202)]).await;
    support::builder(&server)
        .base_url(format!("{}/", server.base_url()))
        .build()
        .expect("builds")
        .user("alice@contoso.com")
        .message("m1")
        .send()
        .await
        .expect("sent");
    support::builder(&server)
        .base_url(format!("http://{}", server.addr()))
        .build()
        .expect("builds")
        .me()
        .message("m2")
        .send()
        .await
        .expect("sent");

    let targets: Vec<_> = server.requests().iter().map(|r| r.target()).collect();
    assert_eq!(targets, ["/v1.0/users/alice%40contoso.com/messages/m1/send", "/me/messages/m2/send",]);
}

#[tokio::test]
async fn awkward_ids_arrive_as_one_segment_and_decode_back_exactly() {
    let ids = [
        "a/b",
        "a/../b",
        "../x",
        "x/..",
        "what?now",
        "tag#1",
        "100%",
        "%2e%2e",
        "back\\slash",
        "with space",
        "plus+equals=",
        "ünïcödé ✉ 日本",
        "...",
        "..a",
        ".hidden",
    ];
    let server = Server::start(ids.iter().map(|_| Reply::status(202))).await;
    let client = client(&server);
    for id in ids {
        client.me().message(id).send().await.expect("sent");
    }

    let requests = server.requests();
    assert_eq!(requests.len(), ids.len());
    for (id, request) in ids.iter().zip(&requests) {
        let target = request.target();
        let segments: Vec<&str> = target.split('/').collect();
        assert_eq!(segments.len(), 6, "{id:?} became more than one segment: {target}");
        assert_eq!(segments[..4], ["", "v1.0", "me", "messages"]);
        assert_eq!(segments[5], "send");
        let segment = segments[4];
        assert!(
            segment.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~%".contains(&b)),
            "{id:?} sent as {segment}"
        );
        let decoded = percent_decode_str(segment).decode_utf8().expect("utf-8");
        assert_eq!(decoded, *id);
    }
}

#[tokio::test]
async fn empty_and_dot_ids_are_refused_without_a_request() {
    let server = Server::start([]).await;
    let client = client(&server);
    for (user, message, name) in [
        ("u", "", "message-id"),
        ("u", ".", "message-id"),
        ("u", "..", "message-id"),
        ("", "m", "user-id"),
        ("..", "m", "user-id"),
    ] {
        let err = client.user(user).message(message).send().await.expect_err("refused");
        assert!(matches!(err, generated_client::Error::InvalidRequest { .. }), "{err:?}");
        assert!(err.is_invalid_request() && !err.may_have_reached_server());
        let text = err.to_string();
        assert!(text.contains(&format!("`{name}`")), "{text}");
    }
    assert_eq!(server.count(), 0);
}

#[tokio::test]
async fn any_2xx_is_success() {
    let server = Server::start([
        Reply::status(200),
        Reply::status(202),
        Reply::status(204),
        Reply::json(200, r#"{"unexpected":"body"}"#),
    ])
    .await;
    let client = client(&server);
    for _ in 0..4 {
        client.me().message("m").send().await.expect("2xx is Ok");
    }
    assert_eq!(server.count(), 4);
}

#[tokio::test]
async fn a_fresh_client_request_id_per_call() {
    let server = Server::start([Reply::status(202), Reply::status(202)]).await;
    let client = client(&server);
    client.me().message("m").send().await.expect("sent");
    client.me().message("m").send().await.expect("sent");

    let ids: Vec<String> = server
        .requests()
        .iter()
        .map(|r| r.header("client-request-id").expect("one client-request-id"))
        .collect();
    for id in &ids {
        let uuid = uuid::Uuid::parse_str(id).expect("a uuid");
        assert_eq!(uuid.get_version_num(), 4, "{id}");
    }
    assert_ne!(ids[0], ids[1]);
}

#[tokio::test]
async fn token_provider_is_asked_per_attempt() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    let server = Server::start([Reply::status(503), Reply::status(202)]).await;
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&calls);
    support::builder(&server)
        .token_provider(move || {
            let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
            async move { Ok::<_, std::io::Error>(format!("tok-{n}")) }
        })
        .build()
        .expect("builds")
        .me()
        .message("m")
        .send()
        .await
        .expect("sent on the retry");

    let tokens: Vec<_> = server.requests().iter().filter_map(|r| r.header("authorization")).collect();
    assert_eq!(tokens, ["Bearer tok-1", "Bearer tok-2"]);
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn permanent_delete_is_a_body_less_post_on_each_path_the_newer_pages_give() {
    // The permanentDelete pages (microsoft-graph-docs-contrib, 2024) document POST …/permanentDelete, 204.
    let server =
        Server::start([Reply::status(204), Reply::status(204), Reply::status(204), Reply::status(204)]).await;
    let user = client(&server).user("alice@contoso.com");
    user.message("AAMk=").permanent_delete().await.expect("message");
    user.mail_folder("inbox").message("AAMk=").permanent_delete().await.expect("message in a folder");
    user.mail_folder("AQMk=").permanent_delete().await.expect("folder");
    user.mail_folder("inbox").child_folder("AQMk/x").permanent_delete().await.expect("child folder");

    let requests = server.requests();
    let lines: Vec<String> = requests.iter().map(|r| r.request_line()).collect();
    assert_eq!(
        lines,
        [
            "POST /v1.0/users/alice%40contoso.com/messages/AAMk%3D/permanentDelete HTTP/1.1",
            "POST /v1.0/users/alice%40contoso.com/mailFolders/inbox/messages/AAMk%3D/permanentDelete HTTP/1.1",
            "POST /v1.0/users/alice%40contoso.com/mailFolders/AQMk%3D/permanentDelete HTTP/1.1",
            "POST /v1.0/users/alice%40contoso.com/mailFolders/inbox/childFolders/AQMk%2Fx/permanentDelete HTTP/1.1",
        ]
    );
    for request in &requests {
        assert_eq!(request.header("content-length").as_deref(), Some("0"), "{}", request.head());
        assert!(request.body.is_empty());
    }
}
