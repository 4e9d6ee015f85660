//! The client against a server that misbehaves: answers that are not what they claim (bodies longer or
//! shorter than their `Content-Length`, a `304` where no redirect is, JSON of the wrong shape, a body that
//! claims gzip, a 101 nobody asked for), answers that stall or never end, a full accept queue, odd
//! `Retry-After` values, a 401 challenge, nextLinks and redirects in other spellings of other origins, text
//! meant to forge log lines, echoes of the token into bodies that apps print with `{:?}`, and ids meant to
//! break out of their segment. Each test runs its own server on 127.0.0.1, scripted byte for byte below,
//! and checks what crossed the wire.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use generated_client::{reqwest, types, Client, Error, TryStreamExt};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What the server does with one request once it has read it.
enum Step {
    /// Writes these bytes and closes the connection.
    Close(Vec<u8>),
    /// Writes these bytes and keeps the connection open for the next request (the next step).
    KeepAlive(Vec<u8>),
    /// Writes these bytes and then neither writes nor closes (until the test ends).
    Stall(Vec<u8>),
    /// Writes these bytes, then the same chunk of a chunked body without end, until the client goes.
    Endless(Vec<u8>, Vec<u8>),
}

/// A server on 127.0.0.1 that answers the requests it reads with `steps`, in order, and keeps every
/// request's raw bytes. A request beyond the script is answered 500.
struct Wire {
    base_url: String,
    requests: Arc<Mutex<Vec<Vec<u8>>>>,
    /// Connections accepted.
    connections: Arc<AtomicUsize>,
    /// Body bytes written by `Endless` steps.
    served: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Wire {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Wire {
    async fn start(steps: Vec<Step>) -> Self {
        Self::start_on(0, steps).await
    }

    /// On a port of the test's choosing (0: any free one).
    async fn start_on(port: u16, steps: Vec<Step>) -> Self {
        let listener = TcpListener::bind(("127.0.0.1", port)).await.expect("bind 127.0.0.1");
        let base_url = format!("http://{}/v1.0", listener.local_addr().expect("address"));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let connections = Arc::new(AtomicUsize::new(0));
        let served = Arc::new(AtomicUsize::new(0));
        let steps = Arc::new(Mutex::new(std::collections::VecDeque::from(steps)));
        let (recorded, accepted, written) = (requests.clone(), connections.clone(), served.clone());
        let task = tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                accepted.fetch_add(1, Ordering::SeqCst);
                let (steps, recorded, written) = (steps.clone(), recorded.clone(), written.clone());
                tokio::spawn(async move { serve(socket, steps, recorded, written).await });
            }
        });
        Self { base_url, requests, connections, served, task }
    }

    fn requests(&self) -> Vec<String> {
        let raw = self.requests.lock().unwrap_or_else(PoisonError::into_inner).clone();
        raw.iter().map(|r| String::from_utf8_lossy(r).into_owned()).collect()
    }

    fn client(&self) -> Client {
        self.builder().build().expect("a loopback client builds")
    }

    fn builder(&self) -> generated_client::ClientBuilder {
        Client::builder()
            .base_url(&self.base_url)
            .bearer_token("secret-token")
            .retry_backoff(Duration::from_millis(1))
    }
}

type Steps = Arc<Mutex<std::collections::VecDeque<Step>>>;

async fn serve(
    mut socket: TcpStream,
    steps: Steps,
    recorded: Arc<Mutex<Vec<Vec<u8>>>>,
    served: Arc<AtomicUsize>,
) {
    loop {
        let Some(request) = read_request(&mut socket).await else { return };
        recorded.lock().unwrap_or_else(PoisonError::into_inner).push(request);
        let step = steps.lock().unwrap_or_else(PoisonError::into_inner).pop_front();
        let step = step.unwrap_or_else(|| Step::Close(answer(500, &[], "unscripted")));
        match step {
            Step::Close(bytes) => {
                let _ = socket.write_all(&bytes).await;
                let _ = socket.shutdown().await;
                return;
            }
            Step::KeepAlive(bytes) => {
                if socket.write_all(&bytes).await.is_err() {
                    return;
                }
            }
            Step::Stall(bytes) => {
                let _ = socket.write_all(&bytes).await;
                tokio::time::sleep(Duration::from_secs(120)).await;
                return;
            }
            Step::Endless(head, chunk) => {
                if socket.write_all(&head).await.is_err() {
                    return;
                }
                let mut framed = format!("{:x}\r\n", chunk.len()).into_bytes();
                framed.extend_from_slice(&chunk);
                framed.extend_from_slice(b"\r\n");
                while socket.write_all(&framed).await.is_ok() {
                    served.fetch_add(chunk.len(), Ordering::SeqCst);
                }
                return;
            }
        }
    }
}

/// Reads one request: its head and a body of `content-length` bytes; `None` when the client closed.
async fn read_request(socket: &mut TcpStream) -> Option<Vec<u8>> {
    let mut raw = Vec::new();
    let mut buf = [0; 4096];
    let head_end = loop {
        if let Some(at) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
        let n = socket.read(&mut buf).await.ok().filter(|&n| n > 0)?;
        raw.extend_from_slice(&buf[..n]);
    };
    let head = String::from_utf8_lossy(&raw[..head_end]).to_ascii_lowercase();
    let length = head
        .lines()
        .find_map(|line| line.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse::<usize>().ok())
        .unwrap_or(0);
    while raw.len() < head_end + length {
        let n = socket.read(&mut buf).await.ok().filter(|&n| n > 0)?;
        raw.extend_from_slice(&buf[..n]);
    }
    Some(raw)
}

/// An answer with `content-length` set to the body's length.
fn answer(status: u16, headers: &[(&str, &str)], body: &str) -> Vec<u8> {
    let mut text = format!("HTTP/1.1 {status} Whatever\r\n");
    for (name, value) in headers {
        text.push_str(&format!("{name}: {value}\r\n"));
    }
    text.push_str(&format!("content-length: {}\r\n\r\n{body}", body.len()));
    text.into_bytes()
}

/// Fails the test instead of hanging it.
async fn within<T>(future: impl std::future::IntoFuture<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(30), future.into_future())
        .await
        .expect("the call ended within 30 s")
}

/// The value of a header in a raw request, the name compared without case.
fn header<'a>(request: &'a str, name: &str) -> Option<&'a str> {
    request.split("\r\n\r\n").next()?.lines().skip(1).find_map(|line| {
        let (n, v) = line.split_once(':')?;
        n.trim().eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

#[tokio::test]
async fn a_304_is_not_modified_not_a_redirect() {
    // Whatever the policy, a 304 leads nowhere: it comes back as itself, once, and nothing is followed.
    for policy in [generated_client::Redirects::Refuse, generated_client::Redirects::FollowGetWithinBaseUrl] {
        let server =
            Wire::start(vec![Step::Close(answer(304, &[("etag", "\"v2\""), ("location", "/v1.0/me")], ""))])
                .await;
        let client = server.builder().redirects(policy).build().expect("builds");
        let err = within(
            client
                .me()
                .messages()
                .list()
                .header("If-None-Match", "\"v1\"")
                .items()
                .try_collect::<Vec<types::Message>>(),
        )
        .await
        .expect_err("a 304 is not a page");
        assert!(matches!(err, Error::Api(_)), "{err:?}");
        assert_eq!(err.status(), Some(304));
        assert!(err.to_string().contains("304"), "{err}");
        assert!(!err.is_retryable() && !err.may_have_reached_server() && !err.was_accepted());
        let requests = server.requests();
        assert_eq!(requests.len(), 1, "{requests:?}");
        assert_eq!(header(&requests[0], "if-none-match"), Some("\"v1\""));
    }

    // A raw request sees the status too.
    let server = Wire::start(vec![Step::Close(answer(304, &[], ""))]).await;
    let err =
        within(server.client().request(reqwest::Method::GET, "/me/photo/$value")).await.expect_err("304");
    assert_eq!(err.status(), Some(304));
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn plain_http_trusts_no_other_spelling_of_loopback() {
    for host in [
        "localhost.",
        "localhost.evil.example",
        "evil.localhost",
        "127.0.0.1.nip.io",
        "[::ffff:127.0.0.1]",
        "[::ffff:7f00:1]",
        "[::127.0.0.1]",
        "0.0.0.0",
    ] {
        let url = format!("http://{host}:8080/v1.0");
        let err = Client::builder().bearer_token("t").base_url(&url).build().expect_err(&url);
        assert!(matches!(err, Error::Config { .. }), "{url}: {err:?}");
        assert!(err.to_string().contains("allowed only to loopback"), "{url}: {err}");
    }
    // The name `localhost` in any case is the same name, and reaches this machine.
    let server = Wire::start(vec![Step::Close(answer(202, &[], ""))]).await;
    let port = server.base_url.trim_start_matches("http://127.0.0.1:").trim_end_matches("/v1.0").to_owned();
    for url in [format!("http://LocalHost:{port}/v1.0"), format!("http://127.1:{port}/v1.0")] {
        Client::builder().bearer_token("t").base_url(&url).build().unwrap_or_else(|e| panic!("{url}: {e}"));
    }
    let client =
        Client::builder().bearer_token("t").base_url(format!("http://LOCALHOST:{port}/v1.0")).build();
    within(client.expect("builds").me().message("m").send()).await.expect("sent to loopback");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn debug_output_shows_no_token_and_no_body() {
    // The server echoes what it got, token and body included, into its answers.
    let echo =
        "{\"error\":{\"code\":\"Echo\",\"message\":\"m\"},\"got\":\"Bearer secret-token password=hunter2\"}";
    let server = Wire::start(vec![
        Step::Close(answer(200, &[("content-type", "application/json")], echo)),
        Step::Close(answer(400, &[("content-type", "application/json")], echo)),
    ])
    .await;
    let client = server.client();
    let request = |client: &Client| {
        client
            .request(reqwest::Method::POST, "/me/sendMail")
            .query("$filter", "from eq 'filter-secret'")
            .header("x-app-key", "header-secret")
            .json(&serde_json::json!({ "password": "hunter2" }))
    };
    let with_query = client.request(reqwest::Method::GET, "/me?token=query-secret");
    let with_credentials = client.request(reqwest::Method::GET, "https://user:query-secret@host/v1.0/me");
    let shown = format!("{:?} {:?} {:?}", request(&client), with_query, with_credentials);
    for secret in ["secret-token", "hunter2", "query-secret", "filter-secret", "header-secret"] {
        assert!(!shown.contains(secret), "{secret} in {shown}");
    }
    assert!(shown.contains("POST") && shown.contains("/me/sendMail"), "{shown}");
    assert!(shown.contains("22 bytes of application/json"), "{shown}");
    let raw = format!(
        "{:?}",
        client.request(reqwest::Method::PUT, "/me/photo/$value").bytes("image/png", vec![7; 3])
    );
    assert!(raw.contains("3 bytes of image/png") && !raw.contains("7, 7"), "{raw}");

    let response = within(request(&client).max_retries(0)).await.expect("200");
    let shown = format!("{response:?}");
    assert!(!shown.contains("secret-token") && !shown.contains("hunter2"), "{shown}");
    assert!(shown.contains(&format!("{} bytes of application/json", echo.len())), "{shown}");

    let err = within(request(&client).max_retries(0)).await.expect_err("400");
    let shown = format!("{err:?}");
    assert!(!shown.contains("secret-token") && !shown.contains("hunter2"), "{shown}");
    assert!(shown.contains("Echo") && shown.contains(&format!("<{} bytes", echo.len())), "{shown}");
    // The text is still there for an app that asks for it.
    assert!(err.api().is_some_and(|api| api.body().contains("hunter2")));
    // What went on the wire is what Debug did not show.
    let requests = server.requests();
    assert!(requests[0].contains("password") && requests[0].contains("Bearer secret-token"));
}

#[tokio::test]
async fn debug_of_generated_builders_shows_the_template_not_ids_queries_or_bodies() {
    let created = answer(201, &[("content-type", "application/json")], r#"{"id":"draft"}"#);
    let server = Wire::start(vec![Step::Close(created)]).await;
    let client = server.client();
    let reply = client
        .user("alice-secret@contoso.com")
        .message("id-secret")
        .create_reply()
        .body(types::CreateReplyBody { comment: Some("body-secret".into()), ..Default::default() })
        .header("x-app-key", "header-secret");
    let list = client.me().mail_folder("inbox").messages().list().filter("from eq 'filter-secret'");
    let accessor = client.me().message("id-secret");
    let shown = format!("{reply:?} {list:?} {accessor:?}");
    for secret in ["alice-secret", "id-secret", "body-secret", "header-secret", "filter-secret"] {
        assert!(!shown.contains(secret), "{secret} in {shown}");
    }
    assert!(shown.contains("/users/{user-id}/messages/{message-id}/createReply"), "{shown}");
    assert!(shown.contains("message.create_reply") && shown.contains("x-app-key"), "{shown}");
    // The values are still sent.
    let draft = within(reply.max_retries(0)).await.expect("201");
    assert_eq!(draft.id.as_deref(), Some("draft"));
    let request = &server.requests()[0];
    assert!(
        request.contains("/users/alice-secret%40contoso.com/messages/id-secret/createReply"),
        "{request}"
    );
    assert!(request.contains("body-secret") && request.contains("header-secret"), "{request}");
}

/// A `Decode` error's operation and snippet.
fn decoded(err: &Error) -> (&'static str, Option<String>) {
    match err {
        Error::Decode { operation, snippet, .. } => (operation, snippet.clone()),
        other => panic!("not a decode error: {other:?}"),
    }
}

#[tokio::test]
async fn a_2xx_body_that_is_not_the_json_expected_names_the_operation_and_shows_where() {
    let json = [("content-type", "application/json")];
    let long = format!(
        "{{\"value\":[{}], \"@odata.nextLink\": 7}}",
        "{\"id\":\"x\"},".repeat(50).trim_end_matches(',')
    );
    let server = Wire::start(vec![
        Step::Close(answer(200, &[("content-type", "text/html")], "<html>\r\n<h1>Proxy login</h1></html>")),
        Step::Close(answer(200, &json, "{\"value\": 5}")),
        Step::Close(answer(201, &json, "{\"subject\": [\"not\", \"text\"]}")),
        Step::Close(answer(200, &json, &long)),
        Step::Close(answer(200, &json, "")),
    ])
    .await;
    let client = server.client();

    let err = within(client.me().message("m").get()).await.expect_err("html is not a message");
    assert_eq!(decoded(&err), ("message.get", Some("<html>\\r\\n<h1>Proxy login</h1></html>".into())));
    let text = err.to_string();
    assert!(text.contains("`message.get`") && text.contains("near `<html>\\r\\n<h1>"), "{text}");
    assert!(err.was_accepted() && !err.may_have_reached_server() && err.status() == Some(200));

    let err = within(client.me().messages().list().items().try_collect::<Vec<types::Message>>())
        .await
        .expect_err("5");
    let (operation, snippet) = decoded(&err);
    assert!(operation.ends_with(".list"), "{operation}");
    assert_eq!(snippet.as_deref(), Some("{\"value\": 5}"));

    let err = within(client.me().messages().create(types::Message::default())).await.expect_err("a list");
    let (operation, snippet) = decoded(&err);
    assert!(operation.ends_with(".create") || operation.ends_with(".post"), "{operation}");
    assert!(snippet.is_some_and(|s| s.contains("[\"not\"")), "{err}");
    assert_eq!(err.status(), Some(201));

    // Far into a long body, the snippet is the part around the fault, marked as cut.
    let err = within(client.me().messages().list().items().try_collect::<Vec<types::Message>>())
        .await
        .expect_err("7");
    let snippet = decoded(&err).1.unwrap_or_default();
    assert!(snippet.starts_with('…') && snippet.contains("\"@odata.nextLink\": 7"), "{snippet}");
    assert!(snippet.len() < 100, "{snippet}");

    // An empty body where a resource was promised.
    let err =
        within(client.request(reqwest::Method::GET, "/me")).await.expect("200").json::<serde_json::Value>();
    assert_eq!(decoded(&err.expect_err("empty")), ("request", Some(String::new())));
    // Each answer was taken as it came: nothing was asked twice.
    assert_eq!(server.requests().len(), 5);
}

#[tokio::test]
async fn bytes_beyond_content_length_are_never_read_as_the_next_answer() {
    // The first answer says 2 bytes and sends a whole second answer after them on a kept-alive
    // connection: were it read as the answer to the next request, a server could answer calls it never
    // received.
    let smuggled =
        "{}HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 14\r\n\r\n{\"smuggled\":1}";
    let first =
        format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{smuggled}");
    let server = Wire::start(vec![
        Step::KeepAlive(first.into_bytes()),
        Step::Close(answer(200, &[("content-type", "application/json")], "{\"honest\":2}")),
    ])
    .await;
    let client = server.client();
    let got: serde_json::Value =
        within(client.request(reqwest::Method::GET, "/me")).await.expect("200").json().expect("{}");
    assert_eq!(got, serde_json::json!({}));
    // The connection is not used again (a GET on one that failed would be retried): the second call
    // gets the answer to its own request.
    let second = within(client.request(reqwest::Method::GET, "/me")).await.expect("200");
    let got: serde_json::Value = second.json().expect("json");
    assert_eq!(got, serde_json::json!({ "honest": 2 }), "the smuggled answer was taken");
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_send_answered_202_is_done_at_the_status_even_when_a_declared_body_stalls() {
    // The client's own settings (100 s per attempt): only the status is waited for, since `send`
    // documents no body.
    let stall = "HTTP/1.1 202 Accepted\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{";
    let chunked = "HTTP/1.1 202 Accepted\r\ntransfer-encoding: chunked\r\n\r\n1\r\n{\r\n";
    let server = Wire::start(vec![Step::Stall(stall.into()), Step::Stall(chunked.into())]).await;
    for which in ["a declared length", "a chunked body"] {
        let started = Instant::now();
        within(server.client().me().message("m").send()).await.expect(which);
        assert!(started.elapsed() < Duration::from_secs(5), "{which}: {:?}", started.elapsed());
    }
    assert_eq!(server.requests().len(), 2, "each sent once");
}

#[tokio::test]
async fn a_body_shorter_than_its_length_ends_at_the_timeout_not_never() {
    let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{\"id\":";
    let chunked = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n6\r\n{\"id\":\r\n";
    for (stall, which) in [(head, "a short body"), (chunked, "a chunked body that stops")] {
        // The call's own timeout, the client's timeout, and the client's deadline each end it.
        let server = Wire::start(vec![
            Step::Stall(stall.into()),
            Step::Stall(stall.into()),
            Step::Stall(stall.into()),
            Step::Stall(stall.into()),
        ])
        .await;
        let started = Instant::now();
        let per_call =
            server.client().me().message("m").get().timeout(Duration::from_millis(300)).max_retries(0);
        let err = within(per_call).await.expect_err(which);
        assert!(err.was_accepted() && err.status() == Some(200), "{which}: {err:?}");
        assert!(started.elapsed() < Duration::from_secs(5), "{which}: {:?}", started.elapsed());

        let started = Instant::now();
        let client =
            server.builder().timeout(Duration::from_millis(300)).max_retries(0).build().expect("builds");
        let err = within(client.me().message("m").get()).await.expect_err(which);
        assert!(err.was_accepted(), "{which}: {err:?}");
        assert!(started.elapsed() < Duration::from_secs(5), "{which}: {:?}", started.elapsed());

        let started = Instant::now();
        let client = server.builder().deadline(Duration::from_millis(300)).build().expect("builds");
        let err = within(client.me().message("m").get()).await.expect_err(which);
        assert!(err.was_accepted(), "{which}: {err:?}");
        assert!(started.elapsed() < Duration::from_secs(5), "{which}: {:?}", started.elapsed());

        // A send, which needs no body, is a sent mail at its status: the stalled body is not waited for.
        let started = Instant::now();
        let client = server.builder().timeout(Duration::from_millis(300)).build().expect("builds");
        within(client.me().message("m").send()).await.expect("202 is sent whatever the body");
        assert!(started.elapsed() < Duration::from_secs(5), "{which}: {:?}", started.elapsed());
        assert_eq!(server.requests().len(), 4, "{which}: nothing was sent twice");
    }
}

#[tokio::test]
async fn a_streamed_body_that_stops_ends_at_the_calls_timeout() {
    let stall = "HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\ncontent-length: 1000\r\n\r\nfirst bytes";
    let server = Wire::start(vec![Step::Stall(stall.into())]).await;
    let started = Instant::now();
    let request =
        server.client().me().message("m").attachment("a").value().get().timeout(Duration::from_millis(300));
    let stream = within(request.stream()).await.expect("the head arrived");
    let chunks: Vec<_> = within(futures_util::StreamExt::collect::<Vec<_>>(stream)).await;
    assert!(
        chunks.first().is_some_and(|c| c.as_ref().is_ok_and(|b| b.as_ref() == b"first bytes")),
        "{chunks:?}"
    );
    // The status said 2xx: the server accepted the request, whatever became of the rest.
    let last = chunks.last().and_then(|c| c.as_ref().err());
    assert!(last.is_some_and(|e| e.was_accepted() && !e.may_have_reached_server()), "{chunks:?}");
    assert!(last.is_some_and(|e| e.to_string().contains("`attachment_value.get`")), "{chunks:?}");
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
}

#[tokio::test]
async fn endless_bodies_stop_at_the_limit_for_raw_requests_too() {
    let chunk = vec![b' '; 16 * 1024];
    let head = |status: u16| {
        format!("HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n")
            .into_bytes()
    };
    let server =
        Wire::start(vec![Step::Endless(head(200), chunk.clone()), Step::Endless(head(500), chunk)]).await;
    let client = server.builder().max_response_body(1024 * 1024).max_error_body(100).build().expect("builds");

    let answer = within(client.request(reqwest::Method::GET, "/me")).await.expect("a 200");
    let err = answer.bytes().expect_err("over the limit");
    assert!(matches!(err, Error::BodyTooLarge { limit: 1_048_576, .. }), "{err:?}");
    let err = within(client.request(reqwest::Method::GET, "/me").max_retries(0)).await.expect_err("a 500");
    let api = err.api().expect("an api error");
    assert_eq!((api.status(), api.body().len()), (500, 100));
    assert!(api.body_truncated() && api.body_len() > 1024 * 1024, "{api:?}");
    // The server wrote what the client read and what the socket buffers held, not without end.
    assert!(
        server.served.load(Ordering::SeqCst) < 64 * 1024 * 1024,
        "{}",
        server.served.load(Ordering::SeqCst)
    );
}

/// 100,000 zero bytes, gzipped (`zlib.compressobj(9, DEFLATED, 31)`, the mtime zeroed): 132 bytes.
const GZIP_OF_100_000_ZEROS: &[u8] = &[
    0x1f, 0x8b, 0x8, 0x0, 0x0, 0x0, 0x0, 0x0, 0x2, 0x3, 0xed, 0xc1, 0x31, 0x1, 0x0, 0x0, 0x0, 0xc2, 0xa0,
    0xf5, 0x4f, 0x6d, 0xd, 0xf, 0xa0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0,
    0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0,
    0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0,
    0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0,
    0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x80,
    0x57, 0x3, 0x7d, 0x95, 0x11, 0xd4, 0xa0, 0x86, 0x1, 0x0,
];

#[tokio::test]
async fn a_body_claiming_gzip_is_neither_asked_for_nor_expanded() {
    let mut head = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-encoding: gzip\r\ncontent-length: {}\r\n\r\n",
        GZIP_OF_100_000_ZEROS.len()
    )
    .into_bytes();
    head.extend_from_slice(GZIP_OF_100_000_ZEROS);
    let server = Wire::start(vec![Step::Close(head.clone()), Step::Close(head)]).await;
    // Inflated, the body would be over the limit; as it came, it is under it.
    let client = server.builder().max_response_body(1000).build().expect("builds");
    let body =
        within(client.request(reqwest::Method::GET, "/me")).await.expect("200").bytes().expect("132 bytes");
    assert_eq!(body.as_ref(), GZIP_OF_100_000_ZEROS);
    let err = within(client.me().message("m").get()).await.expect_err("gzip is not JSON");
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    for request in server.requests() {
        assert_eq!(header(&request, "accept-encoding"), None, "{request}");
    }
}

#[tokio::test]
async fn ids_and_query_values_with_line_breaks_stay_in_their_place() {
    let ids = [
        "a\r\nX-Injected: 1",
        "\r\n\r\nGET /evil HTTP/1.1",
        "a%0d%0ab",
        "..%2f..%2fadmin",
        "?x=1#y",
        "a b\tc",
        "%00",
    ];
    let server = Wire::start(ids.iter().map(|_| Step::Close(answer(202, &[], ""))).collect()).await;
    let client = server.client();
    for id in ids {
        within(client.me().message(id).send()).await.expect("sent");
    }
    let requests = server.requests();
    assert_eq!(requests.len(), ids.len());
    for (id, request) in ids.iter().zip(&requests) {
        let line = request.lines().next().unwrap_or_default();
        let target = line.split(' ').nth(1).unwrap_or_default();
        let segments: Vec<&str> = target.split('/').collect();
        assert_eq!(segments.len(), 6, "{id:?}: {line}");
        assert!(
            segments[4].bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~%".contains(&b)),
            "{id:?}: {line}"
        );
        assert_eq!(percent_encoding::percent_decode_str(segments[4]).decode_utf8_lossy(), *id);
        assert_eq!(header(request, "x-injected"), None);
        assert!(!request.contains("/evil"), "{request}");
    }

    let server = Wire::start(vec![Step::Close(answer(
        200,
        &[("content-type", "application/json")],
        "{\"value\":[]}",
    ))])
    .await;
    let filter = "subject eq 'a'\r\nX-Injected: 1\r\n\r\n&$top=1#";
    let items =
        server.client().me().messages().list().filter(filter).items().try_collect::<Vec<types::Message>>();
    within(items).await.expect("an empty page");
    let request = &server.requests()[0];
    let line = request.lines().next().unwrap_or_default();
    assert!(line.starts_with("GET /v1.0/me/messages?$filter=subject%20eq%20%27a%27%0D%0AX-Injected%3A%201%0D%0A%0D%0A%26%24top%3D1%23 HTTP/1.1"), "{line}");
    assert_eq!(header(request, "x-injected"), None);

    // A raw path is the app's own text, sent as written: one with a control character (which the URL
    // parser would drop, changing the resource) is refused, a space is encoded.
    let server = Wire::start(vec![Step::Close(answer(204, &[], ""))]).await;
    let client = server.client();
    for path in ["/me/x\r\nX-Injected: 1", "/me/x\ty", "http://127.0.0.1/v1.0/me\n"] {
        let err = within(client.request(reqwest::Method::DELETE, path)).await.expect_err(path);
        assert!(matches!(err, Error::InvalidRequest { name: "path", .. }), "{path:?}: {err:?}");
    }
    within(client.request(reqwest::Method::DELETE, "/me/x y")).await.expect("204");
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert!(requests[0].starts_with("DELETE /v1.0/me/x%20y HTTP/1.1\r\n"), "{}", requests[0]);
}

#[tokio::test]
async fn odd_retry_after_values_never_make_the_client_come_back_sooner_than_asked() {
    // Too long to wait for (beyond max_retry_wait, or beyond any number): one request, and the wait
    // asked for is there for the app.
    for value in ["99999999999999999999999999", "Fri, 31 Dec 9999 23:59:59 GMT", "86400"] {
        let server = Wire::start(vec![Step::Close(answer(429, &[("retry-after", value)], ""))]).await;
        let err = within(server.client().me().message("m").send()).await.expect_err(value);
        assert_eq!(err.status(), Some(429), "{value}");
        assert!(err.retry_after().is_some_and(|wait| wait >= Duration::from_secs(86400)), "{value}: {err:?}");
        assert_eq!(server.requests().len(), 1, "{value}");
    }
    // Not a wait at all (negative, fractional, signed, text, empty) or one already over: the backoff,
    // then the retry.
    let past = httpdate::fmt_http_date(std::time::SystemTime::now() - Duration::from_secs(60));
    for value in ["-5", "1.5", "+1", "soon", "", past.as_str()] {
        let server = Wire::start(vec![
            Step::Close(answer(503, &[("retry-after", value)], "")),
            Step::Close(answer(202, &[], "")),
        ])
        .await;
        let started = Instant::now();
        within(server.client().me().message("m").send()).await.expect(value);
        assert!(started.elapsed() < Duration::from_secs(5), "{value}: {:?}", started.elapsed());
        assert_eq!(server.requests().len(), 2, "{value}");
    }
}

#[tokio::test]
async fn a_throttled_post_is_sent_again_byte_for_byte_because_graph_did_not_process_it() {
    // 429 and 503 come before Graph does any work (the runtime's retry rule), so a draft throttled with
    // or without Retry-After is created once, by the retry, which carries the same bytes and id.
    let created = "{\"id\":\"d1\"}";
    let server = Wire::start(vec![
        Step::Close(answer(429, &[], "")),
        Step::Close(answer(503, &[("retry-after", "0")], "")),
        Step::Close(answer(201, &[("content-type", "application/json")], created)),
    ])
    .await;
    let draft = types::Message { subject: Some("once".into()), ..Default::default() };
    let got = within(server.client().me().messages().create(draft)).await.expect("created on the third try");
    assert_eq!(got.id.as_deref(), Some("d1"));
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    let body = |r: &str| r.split_once("\r\n\r\n").map(|(_, b)| b.to_owned()).unwrap_or_default();
    let id = |r: &str| header(r, "client-request-id").map(str::to_owned);
    assert!(body(&requests[0]).contains("\"subject\":\"once\""), "{}", requests[0]);
    for request in &requests[1..] {
        assert_eq!(body(request), body(&requests[0]));
        assert_eq!(id(request), id(&requests[0]));
        assert!(request.starts_with("POST /v1.0/me/messages HTTP/1.1"), "{request}");
    }
    // No retries allowed: the 429 is the answer, and one request went out.
    let server = Wire::start(vec![Step::Close(answer(429, &[("retry-after", "1")], ""))]).await;
    let draft = types::Message { subject: Some("once".into()), ..Default::default() };
    let err = within(server.client().me().messages().create(draft).max_retries(0)).await.expect_err("429");
    assert!(err.is_retryable() && !err.may_have_reached_server(), "{err:?}");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_401_asks_the_token_provider_once_and_is_not_retried() {
    let challenge =
        "Bearer realm=\"\", error=\"insufficient_claims\", claims=\"eyJhY2Nlc3NfdG9rZW4iOnt9fQ==\"";
    let body =
        "{\"error\":{\"code\":\"InvalidAuthenticationToken\",\"message\":\"Access token has expired.\"}}";
    let server = Wire::start(vec![Step::Close(answer(401, &[("www-authenticate", challenge)], body))]).await;
    let asked = Arc::new(AtomicUsize::new(0));
    let counter = asked.clone();
    let client = Client::builder()
        .base_url(&server.base_url)
        .token_provider(move || {
            let n = counter.fetch_add(1, Ordering::SeqCst);
            async move { Ok::<_, std::io::Error>(format!("token-{n}")) }
        })
        .build()
        .expect("builds");
    let err = within(client.me().message("m").send()).await.expect_err("401");
    assert_eq!((err.status(), err.code()), (Some(401), Some("InvalidAuthenticationToken")));
    assert!(!err.is_retryable() && !err.may_have_reached_server());
    // The challenge is the app's, to take to its identity library.
    assert_eq!(err.api().and_then(|api| api.www_authenticate()), Some(challenge));
    assert_eq!(asked.load(Ordering::SeqCst), 1);
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(header(&requests[0], "authorization"), Some("Bearer token-0"));
}

/// A page of messages with these ids and `@odata.nextLink`.
fn page(ids: &[&str], next: Option<&str>) -> Step {
    let items: Vec<String> = ids.iter().map(|id| format!("{{\"id\":\"{id}\"}}")).collect();
    let next = next.map(|link| format!(",\"@odata.nextLink\":\"{link}\"")).unwrap_or_default();
    Step::Close(answer(
        200,
        &[("content-type", "application/json")],
        &format!("{{\"value\":[{}]{next}}}", items.join(",")),
    ))
}

/// The ids a stream yielded, and the error that ended it.
async fn stream_ids(client: &Client) -> (Vec<String>, Option<Error>) {
    let mut items = client.me().messages().list().items();
    let mut ids = Vec::new();
    loop {
        match within(items.try_next()).await {
            Ok(Some(message)) => ids.push(message.id.unwrap_or_default()),
            Ok(None) => return (ids, None),
            Err(e) => return (ids, Some(e)),
        }
    }
}

#[tokio::test]
async fn a_next_link_in_any_other_spelling_of_another_origin_never_carries_the_token() {
    let other = Wire::start(vec![]).await;
    let other_port =
        other.base_url.trim_start_matches("http://127.0.0.1:").trim_end_matches("/v1.0").to_owned();
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("address").port();
    drop(listener);
    let links = [
        format!("https://127.0.0.1:{port}/v1.0/me/messages?$skip=1"),
        format!("http://127.0.0.1:{other_port}/v1.0/me/messages?$skip=1"),
        format!("http://localhost:{port}/v1.0/me/messages?$skip=1"),
        format!("http://user:pass@127.0.0.1:{port}/v1.0/me/messages?$skip=1"),
        format!("http://127.0.0.1:{port}/v1.0/%2e%2e/admin?$skip=1"),
        format!("http://127.0.0.1:{port}/v1.0evil/me/messages"),
        "//127.0.0.1/v1.0/me/messages".to_owned(),
        "/v1.0/me/messages?$skip=1".to_owned(),
    ];
    // The links name the server's port, so it is chosen before the server starts.
    let server = Wire::start_on(port, links.iter().map(|link| page(&["first"], Some(link))).collect()).await;
    let client = server.client();
    for link in &links {
        let (ids, error) = stream_ids(&client).await;
        assert_eq!(ids, ["first"], "{link}");
        let error = error.unwrap_or_else(|| panic!("{link} was followed"));
        assert!(matches!(error, Error::InvalidRequest { name: "@odata.nextLink", .. }), "{link}: {error:?}");
        assert!(!error.to_string().contains("pass"), "{error}");
    }
    assert_eq!(server.requests().len(), links.len(), "one page per stream, never a link");
    assert_eq!(other.requests().len(), 0);
}

#[tokio::test]
async fn a_next_link_loop_in_another_spelling_ends_the_stream() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("address").port();
    drop(listener);
    // first → b → a spelling of first again (case, a dot segment, the default-less port, a fragment).
    let b = format!("http://127.0.0.1:{port}/v1.0/me/messages?$skiptoken=b");
    let again = format!("HTTP://127.0.0.1:{port}/v1.0/me/./messages#again");
    let server = Wire::start_on(port, vec![page(&["1"], Some(&b)), page(&["2"], Some(&again))]).await;
    let (ids, error) = stream_ids(&server.client()).await;
    assert_eq!(ids, ["1", "2"]);
    assert!(matches!(error, Some(Error::PagingLoop { .. })), "{error:?}");
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_token_provider_that_never_answers_ends_at_the_deadline_before_any_byte() {
    let server = Wire::start(vec![]).await;
    let client = Client::builder()
        .base_url(&server.base_url)
        .token_provider(std::future::pending::<Result<String, std::io::Error>>)
        .deadline(Duration::from_millis(300))
        .build()
        .expect("builds");
    let err = within(client.me().message("m").send()).await.expect_err("no token");
    assert!(matches!(err, Error::Deadline { may_have_reached_server: false, .. }), "{err:?}");
    assert_eq!(server.connections.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn a_server_that_never_completes_the_connection_meets_the_connect_timeout() {
    // A listener whose accept queue is full and never drained: the kernel drops further connection
    // attempts, so connecting hangs as it does to a host that has gone away.
    let socket = tokio::net::TcpSocket::new_v4().expect("socket");
    socket.bind("127.0.0.1:0".parse().expect("address")).expect("bind");
    let addr = socket.local_addr().expect("address");
    let _listener = socket.listen(0).expect("listen");
    let mut fillers = Vec::new();
    for _ in 0..4 {
        match tokio::time::timeout(Duration::from_millis(200), TcpStream::connect(addr)).await {
            Ok(Ok(stream)) => fillers.push(stream),
            _ => break,
        }
    }
    let client = Client::builder()
        .base_url(format!("http://{addr}/v1.0"))
        .bearer_token("t")
        .connect_timeout(Duration::from_millis(300))
        .max_retries(1)
        .retry_backoff(Duration::from_millis(1))
        .build()
        .expect("builds");
    let started = Instant::now();
    let err = within(client.me().message("m").send()).await.expect_err("never connected");
    let elapsed = started.elapsed();
    assert!(err.is_connect() && !err.may_have_reached_server(), "{err:?}");
    // Two attempts of 300 ms each (a connection never made is safe to retry, even for a POST).
    assert!(elapsed >= Duration::from_millis(550) && elapsed < Duration::from_secs(5), "{elapsed:?}");
}

#[tokio::test]
async fn informational_answers_are_not_taken_for_the_answer() {
    // A 100 Continue, a 103 Early Hints, then the real answer; then a 101 nobody asked for.
    let interim = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nlink: </x>\r\n\r\n";
    let server = Wire::start(vec![
        Step::Close([interim.as_bytes(), &answer(202, &[], "")].concat()),
        Step::Close(
            b"HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: upgrade\r\n\r\n".to_vec(),
        ),
    ])
    .await;
    let client = server.client();
    within(client.me().message("m").send()).await.expect("the 202 after the interim answers");
    let err = within(client.me().message("m").send()).await.expect_err("a 101 is no answer to a send");
    assert!(matches!(err, Error::Api(_)) && err.status() == Some(101), "{err:?}");
    assert!(!err.is_retryable() && !err.was_accepted());
    assert_eq!(server.requests().len(), 2, "nothing was sent twice");
}

#[tokio::test]
async fn a_redirect_to_another_scheme_is_not_followed_and_one_to_itself_ends() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("address").port();
    drop(listener);
    let itself = format!("http://127.0.0.1:{port}/v1.0/me/messages/m");
    let mut steps = vec![
        Step::Close(answer(
            302,
            &[("location", &format!("https://127.0.0.1:{port}/v1.0/me/messages/m"))],
            "",
        )),
        Step::Close(answer(307, &[("location", &itself)], "")),
    ];
    steps.extend((0..6).map(|_| Step::Close(answer(302, &[("location", &itself)], ""))));
    let server = Wire::start_on(port, steps).await;
    let client = server
        .builder()
        .redirects(generated_client::Redirects::FollowGetWithinBaseUrl)
        .build()
        .expect("builds");

    let err = within(client.me().message("m").get()).await.expect_err("https is another origin");
    assert!(matches!(err, Error::Redirect { status: 302, .. }), "{err:?}");
    assert_eq!(server.requests().len(), 1);

    // A PATCH's redirect is never followed, even to the same URL, so its body goes out once.
    let draft = types::Message { subject: Some("once".into()), ..Default::default() };
    let err = within(client.me().message("m").update(draft)).await;
    let err = err.expect_err("not followed");
    assert!(matches!(err, Error::Redirect { status: 307, .. }) && err.may_have_reached_server(), "{err:?}");
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert!(
        requests[1].starts_with("PATCH /v1.0/me/messages/m ")
            && requests[1].ends_with("{\"subject\":\"once\"}"),
        "{}",
        requests[1]
    );

    // A GET redirected to itself: five hops, each with the token (nothing but the path may change,
    // and nothing did), then the redirect is the answer.
    let err = within(client.me().message("m").get()).await.expect_err("a loop");
    assert!(matches!(err, Error::Redirect { status: 302, .. }), "{err:?}");
    let requests = server.requests();
    assert_eq!(requests.len(), 2 + 6);
    for request in &requests[2..] {
        assert!(request.starts_with("GET /v1.0/me/messages/m HTTP/1.1"), "{request}");
        assert_eq!(header(request, "authorization"), Some("Bearer secret-token"));
    }
}

#[tokio::test]
async fn a_servers_text_cannot_forge_a_log_line_or_restyle_a_terminal() {
    let message = "Bad.\r\n2026-11-29T00:00:00Z INFO forged \u{1b}[31mred\u{1b}[0m \u{202e}txt.exe";
    let body = serde_json::json!({ "error": { "code": "Bad\nCode", "message": message } }).to_string();
    let server =
        Wire::start(vec![Step::Close(answer(400, &[("content-type", "application/json")], &body))]).await;
    let err = within(server.client().me().message("m").send()).await.expect_err("400");
    let text = err.to_string();
    assert!(!text.contains(['\r', '\n', '\u{1b}', '\u{202e}']), "{text:?}");
    assert!(text.contains("Bad\\nCode: Bad.\\r\\n2026-11-29T00:00:00Z INFO forged \\u{1b}[31mred"), "{text}");
    assert!(text.contains("\\u{202e}txt.exe"), "{text}");
    // As written, for an app that asks.
    assert_eq!(err.message(), Some(message));
    assert_eq!(err.code(), Some("Bad\nCode"));
}
