//! Which failures are tried again, how long the client waits first, and that a POST which may
//! have reached the server is never sent twice.

mod support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use support::{builder, client, Reply, Server};

/// Fails the test instead of hanging it if the client sleeps far longer than it should.
async fn within<T>(future: impl std::future::IntoFuture<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(30), future.into_future())
        .await
        .expect("the call finished within 30 s")
}

#[tokio::test]
async fn throttled_429_waits_retry_after_seconds_then_succeeds() {
    let server = Server::start([Reply::with(429, &[("retry-after", "1")], ""), Reply::status(202)]).await;
    let started = Instant::now();
    within(client(&server).me().message("m").send()).await.expect("sent on the retry");
    assert!(started.elapsed() >= Duration::from_millis(950));
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn retry_after_as_an_http_date_is_honoured() {
    let date = httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(2));
    let server =
        Server::start([Reply::with(503, &[("retry-after", date.as_str())], ""), Reply::status(202)]).await;
    let started = Instant::now();
    within(client(&server).me().message("m").send()).await.expect("sent on the retry");
    // The date has whole seconds, so the wait is between one and two seconds.
    assert!(started.elapsed() >= Duration::from_millis(500));
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn a_retry_after_longer_than_max_retry_wait_is_not_waited_for() {
    let server = Server::start([Reply::with(429, &[("retry-after", "3600")], "")]).await;
    let err = within(client(&server).me().message("m").send()).await.expect_err("gives up");
    assert_eq!(err.status(), Some(429));
    assert_eq!(err.retry_after(), Some(Duration::from_secs(3600)));
    assert!(err.is_retryable());
    assert_eq!(server.count(), 1);

    let server = Server::start([Reply::with(503, &[("retry-after", "1")], "")]).await;
    let err = within(
        builder(&server)
            .max_retry_wait(Duration::from_millis(100))
            .build()
            .expect("builds")
            .me()
            .message("m")
            .send(),
    )
    .await
    .expect_err("gives up");
    assert_eq!(err.status(), Some(503));
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn a_503_keeps_its_status_once_retries_are_spent() {
    let server = Server::start((0..4).map(|_| Reply::status(503))).await;
    let err = within(client(&server).me().message("m").send()).await.expect_err("still 503");
    assert_eq!(err.status(), Some(503));
    assert_eq!(server.count(), 4, "the first try and 3 retries");

    let server = Server::start((0..2).map(|_| Reply::status(503))).await;
    let err = within(builder(&server).max_retries(1).build().expect("builds").me().message("m").send())
        .await
        .expect_err("still 503");
    assert_eq!(err.status(), Some(503));
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn retries_keep_the_client_request_id() {
    let server = Server::start([Reply::status(503), Reply::status(429), Reply::status(202)]).await;
    within(client(&server).me().message("m").send()).await.expect("sent on the second retry");
    let ids: Vec<_> =
        server.requests().iter().map(|r| r.header("client-request-id").expect("sent once")).collect();
    assert_eq!(ids.len(), 3);
    assert!(ids.iter().all(|id| *id == ids[0]), "{ids:?}");
}

#[tokio::test]
async fn a_post_whose_connection_drops_after_sending_is_not_resent() {
    let server = Server::start([Reply::Drop, Reply::status(202)]).await;
    let err = within(client(&server).me().message("m").send()).await.expect_err("dropped");
    assert_eq!(server.count(), 1, "a mail must not be sent twice");
    assert!(err.may_have_reached_server(), "{err:?}");
    assert!(err.to_string().contains("the request may have reached the server"), "{err}");
    assert_eq!(err.status(), None);
}

#[tokio::test]
async fn a_post_that_times_out_is_not_resent() {
    let server = Server::start([Reply::Hang, Reply::status(202)]).await;
    let err = within(
        builder(&server)
            .timeout(Duration::from_millis(300))
            .build()
            .expect("builds")
            .me()
            .message("m")
            .send(),
    )
    .await
    .expect_err("timed out");
    assert!(err.is_timeout(), "{err:?}");
    assert!(err.may_have_reached_server());
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn connection_refused_is_retried() {
    let addr = support::unused_addr().await;
    let attempts = Arc::new(AtomicUsize::new(0));
    let server = Arc::new(tokio::sync::Mutex::new(None));
    let (counter, slot) = (Arc::clone(&attempts), Arc::clone(&server));
    // The first attempt finds nothing listening; the token provider, asked before the second,
    // starts the server, so the retry is certain to connect.
    let client = generated_client::Client::builder()
        .base_url(format!("http://{addr}/v1.0"))
        .retry_backoff(Duration::from_millis(1))
        .token_provider(move || {
            let (counter, slot) = (Arc::clone(&counter), Arc::clone(&slot));
            async move {
                if counter.fetch_add(1, Ordering::SeqCst) == 1 {
                    let listener = tokio::net::TcpListener::bind(addr).await?;
                    *slot.lock().await = Some(Server::on(listener, [Reply::status(202)]));
                }
                Ok::<_, std::io::Error>("tok-123".to_owned())
            }
        })
        .build()
        .expect("builds");
    within(client.me().message("m").send()).await.expect("sent on the retry");
    assert_eq!(attempts.load(Ordering::SeqCst), 2);
    let count = server.lock().await.as_ref().map(Server::count);
    assert_eq!(count, Some(1));
}

#[tokio::test]
async fn connection_refused_gives_up_after_max_retries() {
    let addr = support::unused_addr().await;
    let attempts = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&attempts);
    let err = within(
        generated_client::Client::builder()
            .base_url(format!("http://{addr}/v1.0"))
            .retry_backoff(Duration::from_millis(1))
            .max_retries(2)
            .token_provider(move || {
                counter.fetch_add(1, Ordering::SeqCst);
                async { Ok::<_, std::io::Error>("tok-123".to_owned()) }
            })
            .build()
            .expect("builds")
            .me()
            .message("m")
            .send(),
    )
    .await
    .expect_err("nothing listens");
    assert!(err.is_connect(), "{err:?}");
    assert!(!err.may_have_reached_server());
    assert_eq!(attempts.load(Ordering::SeqCst), 3);
}
