//! Plain `http` is allowed only to loopback because it never leaves the machine; a proxy from the
//! environment (`HTTP_PROXY`, `ALL_PROXY`) would carry the token in clear text to wherever it points.
//! A test binary of its own: it sets process-wide environment variables.

mod support;

use support::{client, Reply, Server};

#[tokio::test]
async fn plain_http_to_loopback_never_goes_through_an_environment_proxy() {
    let proxy = Server::start([Reply::status(202)]).await;
    let server = Server::start([Reply::status(202)]).await;
    let proxy_url = format!("http://{}", proxy.addr());
    for name in ["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"] {
        std::env::set_var(name, &proxy_url);
    }
    for name in ["NO_PROXY", "no_proxy"] {
        std::env::remove_var(name);
    }
    client(&server).me().message("m").send().await.expect("sent");
    assert_eq!(proxy.count(), 0, "the proxy saw {:?}", proxy.requests().first().map(|r| r.head()));
    assert_eq!(server.only_request().header("authorization").as_deref(), Some("Bearer tok-123"));
}
