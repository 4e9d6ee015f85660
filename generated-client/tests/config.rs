//! What `ClientBuilder::build` accepts and refuses, clouds, and `Debug` output without the token.

use std::time::Duration;

use generated_client::{Client, Cloud, Error};

fn refused(builder: generated_client::ClientBuilder) -> String {
    match builder.build() {
        Err(err @ Error::Config { .. }) => err.to_string(),
        other => panic!("expected a configuration error, got {other:?}"),
    }
}

#[test]
fn a_token_source_is_required() {
    let text = refused(Client::builder());
    assert!(text.contains("token"), "{text}");
}

#[test]
fn unparsable_or_odd_base_urls_are_refused() {
    for url in [
        "not a url",
        "graph.microsoft.com/v1.0",
        "ftp://graph.microsoft.com/v1.0",
        "https://graph.microsoft.com/v1.0?x=1",
        "https://graph.microsoft.com/v1.0#frag",
        "mailto:someone@example.com",
    ] {
        refused(Client::builder().bearer_token("t").base_url(url));
    }
    let text = refused(
        Client::builder().bearer_token("t").base_url("https://user:hunter2@graph.microsoft.com/v1.0"),
    );
    assert!(!text.contains("hunter2"), "{text}");
}

#[test]
fn plain_http_only_to_loopback() {
    for url in [
        "http://graph.microsoft.com/v1.0",
        "http://10.0.0.1:8080/v1.0",
        "http://localhost.example.com/",
        "http://[::2]/",
    ] {
        let text = refused(Client::builder().bearer_token("t").base_url(url));
        assert!(text.contains("loopback"), "{url}: {text}");
    }
    for url in [
        "http://127.0.0.1:8080/v1.0",
        "http://127.1.2.3/v1.0",
        "http://localhost:8080/v1.0/",
        "http://[::1]:8080/v1.0",
        "https://graph.microsoft.com/beta",
    ] {
        Client::builder().bearer_token("t").base_url(url).build().unwrap_or_else(|e| panic!("{url}: {e}"));
    }
}

#[test]
fn clouds_and_the_default() {
    let base = |builder: generated_client::ClientBuilder| {
        builder.bearer_token("t").build().expect("builds").base_url().to_owned()
    };
    assert_eq!(base(Client::builder()), "https://graph.microsoft.com/v1.0");
    for (cloud, url) in [
        (Cloud::Global, "https://graph.microsoft.com/v1.0"),
        (Cloud::UsGovL4, "https://graph.microsoft.us/v1.0"),
        (Cloud::UsGovL5, "https://dod-graph.microsoft.us/v1.0"),
        (Cloud::China, "https://microsoftgraph.chinacloudapi.cn/v1.0"),
    ] {
        assert_eq!(base(Client::builder().cloud(cloud)), url);
        assert_eq!(cloud.base_url(), url);
    }
}

#[test]
fn debug_never_shows_the_token() {
    let builder = Client::builder()
        .bearer_token("tok-SECRET-123")
        .timeout(Duration::from_secs(5))
        .connect_timeout(Duration::from_secs(1))
        .max_retries(1)
        .max_retry_wait(Duration::from_secs(2))
        .user_agent("test/1");
    let shown = format!("{builder:?}");
    assert!(!shown.contains("SECRET"), "{shown}");
    let client = builder.build().expect("builds");
    let shown = format!("{client:?} {client:#?}");
    assert!(!shown.contains("SECRET"), "{shown}");
    assert!(shown.contains("graph.microsoft.com"), "{shown}");
}

#[test]
fn configuration_errors_never_echo_credentials_query_or_fragment() {
    for url in [
        "https://graph.microsoft.com/v1.0?api-key=SECRET1",
        "https://graph.microsoft.com/v1.0#access_token=SECRET2",
        "https://admin:SECRET3@graph.microsoft.com/v1.0",
        "https://SECRET4@graph.microsoft.com/v1.0",
        "http://graph.example.com/v1.0?sig=SECRET5",
        "http://user:SECRET6@graph.example.com/v1.0",
        "ftp://user:SECRET7@graph.example.com/v1.0?x=SECRET8",
        "https://user:SECRET9@[::1/v1.0",
        "not a url SECRET10",
    ] {
        let text = refused(Client::builder().bearer_token("t").base_url(url));
        assert!(!text.contains("SECRET"), "{url}: {text}");
    }
    // The problem is still named, with the harmless parts of the URL.
    let text = refused(Client::builder().bearer_token("t").base_url("http://graph.example.com/v1.0?sig=x"));
    assert!(text.contains("query or fragment") || text.contains("plain http"), "{text}");
    let text = refused(Client::builder().bearer_token("t").base_url("http://graph.example.com:8080/v1.0"));
    assert!(text.contains("`http://graph.example.com:8080/v1.0`") && text.contains("loopback"), "{text}");
}

#[test]
fn limits_are_settings_and_show_in_debug() {
    let client = Client::builder()
        .bearer_token("t")
        .max_response_body(1 << 20)
        .max_error_body(1024)
        .deadline(Duration::from_secs(30))
        .max_pages(50)
        .redirects(generated_client::Redirects::FollowGetWithinBaseUrl)
        .build()
        .expect("builds");
    let shown = format!("{client:?}");
    for part in [
        "max_response_body: 1048576",
        "max_error_body: 1024",
        "deadline: 30s",
        "max_pages: Some(50)",
        "FollowGetWithinBaseUrl",
    ] {
        assert!(shown.contains(part), "{part}: {shown}");
    }
    let defaults = format!("{:?}", Client::builder().bearer_token("t").build().expect("builds"));
    for part in [
        "max_response_body: 67108864",
        "max_error_body: 65536",
        "deadline: 180s",
        "max_pages: None",
        "Refuse",
    ] {
        assert!(defaults.contains(part), "{part}: {defaults}");
    }
}
