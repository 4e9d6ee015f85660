//! [`ClientBuilder`], the settings of a [`Client`], and their checks when it is built: the base URL (https,
//! or plain http to loopback only, never with credentials), the token source, the HTTP client (the app's,
//! refused if it follows redirects, or one made here), and the limits of a call.

use std::net::{Ipv4Addr, Ipv6Addr};
use std::sync::Arc;
use std::time::Duration;

use reqwest::Url;

use crate::runtime::auth::{TokenProvider, TokenSource};
use crate::runtime::client::{Client, Inner};
use crate::runtime::error::Error;
use crate::runtime::retry::RetryPolicy;
use crate::runtime::urls::{sanitized, Redirects};

/// A Microsoft Graph deployment, each with its own host.
///
/// See <https://learn.microsoft.com/graph/deployments>.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Cloud {
    /// The global service, `https://graph.microsoft.com/v1.0`.
    #[default]
    Global,
    /// US Government L4, `https://graph.microsoft.us/v1.0`.
    UsGovL4,
    /// US Government L5 (DOD), `https://dod-graph.microsoft.us/v1.0`.
    UsGovL5,
    /// Microsoft Graph China operated by 21Vianet, `https://microsoftgraph.chinacloudapi.cn/v1.0`.
    China,
}

impl Cloud {
    /// The v1.0 base URL of this deployment.
    pub const fn base_url(self) -> &'static str {
        match self {
            Self::Global => "https://graph.microsoft.com/v1.0",
            Self::UsGovL4 => "https://graph.microsoft.us/v1.0",
            Self::UsGovL5 => "https://dod-graph.microsoft.us/v1.0",
            Self::China => "https://microsoftgraph.chinacloudapi.cn/v1.0",
        }
    }
}

/// Settings for a [`Client`]; start from [`Client::builder`].
///
/// A token source is required: [`ClientBuilder::bearer_token`] or
/// [`ClientBuilder::token_provider`]. Its `Debug` output never shows the token.
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until `build` is called"]
pub struct ClientBuilder {
    base_url: String,
    token: Option<TokenSource>,
    timeout: Duration,
    connect_timeout: Duration,
    retry: RetryPolicy,
    user_agent: String,
    limits: Limits,
    http: Option<AppHttpClient>,
    trace_ids: bool,
}

/// An HTTP client the app passed in ([`ClientBuilder::http_client`]). Its `Debug` output shows nothing of
/// it: reqwest's would list its default headers, which may hold a secret.
#[derive(Clone)]
struct AppHttpClient(reqwest::Client);

impl std::fmt::Debug for AppHttpClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("reqwest::Client { .. }")
    }
}

/// The bounds on one call's answer and duration (see the setters of [`ClientBuilder`]).
#[derive(Debug, Clone, Copy)]
pub(super) struct Limits {
    pub(super) max_response_body: u64,
    pub(super) max_error_body: usize,
    pub(super) deadline: Duration,
    pub(super) max_pages: Option<u32>,
    pub(super) redirects: Redirects,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_response_body: 64 * 1024 * 1024,
            max_error_body: 64 * 1024,
            deadline: Duration::from_secs(180),
            max_pages: None,
            redirects: Redirects::Refuse,
        }
    }
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self {
            base_url: Cloud::Global.base_url().to_owned(),
            token: None,
            timeout: Duration::from_secs(100),
            connect_timeout: Duration::from_secs(10),
            retry: RetryPolicy::default(),
            user_agent: concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION")).to_owned(),
            limits: Limits::default(),
            http: None,
            trace_ids: false,
        }
    }
}

impl ClientBuilder {
    /// The defaults: the global cloud, no token source, a 100 s timeout per attempt, a 10 s
    /// connect timeout, 3 retries within 60 s of waiting, a 500 ms first backoff, a 3 minute
    /// deadline per call, answers of at most 64 MiB, 64 KiB kept of an error body, no redirect
    /// followed and no bound on the pages of a collection.
    pub fn new() -> Self {
        Self::default()
    }

    /// The largest answer body the client reads for a call, in bytes; **64 MiB** by default.
    ///
    /// A longer 2xx body is not read further (a `Content-Length` above it is not read at all): an
    /// operation that documents a body fails with [`Error::BodyTooLarge`], one that does not
    /// succeeds, since the server accepted the request. An error body is read (and counted) up to
    /// this many bytes too. Raw content streamed to the caller is not bound by it: the caller reads
    /// it and decides when to stop.
    pub fn max_response_body(mut self, bytes: u64) -> Self {
        self.limits.max_response_body = bytes;
        self
    }

    /// How much of an error answer's body [`ApiError::body`](crate::runtime::ApiError::body) keeps, in
    /// bytes; **64 KiB** by default. The rest is read and counted
    /// ([`ApiError::body_len`](crate::runtime::ApiError::body_len)), not stored.
    pub fn max_error_body(mut self, bytes: usize) -> Self {
        self.limits.max_error_body = bytes;
        self
    }

    /// The longest a call may take in all, counting every attempt, every redirect and every wait
    /// between attempts; **3 minutes** by default. When it passes the call fails with
    /// [`Error::Deadline`], which says whether the request may have reached the server; a retry
    /// whose wait would end after it is not started (the call fails with the last answer).
    /// For a collection stream it bounds each page.
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.limits.deadline = deadline;
        self
    }

    /// The most pages one collection stream (`items()`) reads; **no bound** by default. The stream
    /// yields the items of these pages, then [`Error::TooManyPages`] if Graph hands out a further
    /// `@odata.nextLink`. Set it when a server you do not trust could hand out links forever.
    pub fn max_pages(mut self, pages: u32) -> Self {
        self.limits.max_pages = Some(pages);
        self
    }

    /// Which redirects are followed: **none** by default ([`Redirects::Refuse`]).
    pub fn redirects(mut self, redirects: Redirects) -> Self {
        self.limits.redirects = redirects;
        self
    }

    /// Sends requests below this URL instead of a cloud's, such as `http://127.0.0.1:8080/v1.0`.
    ///
    /// Plain `http://` is accepted only to loopback (`127.0.0.0/8`, `::1`, `localhost`), and is never
    /// sent through a proxy from the environment (`HTTP_PROXY`, `ALL_PROXY`); `https` honours them.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// Sends requests to a national cloud (replaces any [`ClientBuilder::base_url`]).
    pub fn cloud(mut self, cloud: Cloud) -> Self {
        self.base_url = cloud.base_url().to_owned();
        self
    }

    /// Authenticates every request with this token (`Authorization: Bearer <token>`).
    pub fn bearer_token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(TokenSource::fixed(&token.into()));
        self
    }

    /// Asks `provider` for a token before every attempt, for tokens that expire and refresh.
    pub fn token_provider(mut self, provider: impl TokenProvider + 'static) -> Self {
        self.token = Some(TokenSource::Provider(Arc::new(provider)));
        self
    }

    /// The longest one attempt may take, from connecting to reading the whole answer.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The longest connecting (TCP and TLS) may take.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How many times a call is tried again after a 429, a 503 or a failed connection
    /// (`0` disables retries).
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.retry.max_retries = retries;
        self
    }

    /// The longest a call sleeps between its attempts, in total and so also for any one wait.
    ///
    /// A wait that would go past it (such as `Retry-After: 3600`) is not started: the call fails
    /// at once with Graph's answer, whose [`Error::retry_after`] tells the wait asked for.
    pub fn max_retry_wait(mut self, wait: Duration) -> Self {
        self.retry.max_wait = wait;
        self
    }

    /// The first backoff delay when Graph gives no `Retry-After`; it doubles for each retry, and
    /// each wait is jittered between half and all of it.
    pub fn retry_backoff(mut self, delay: Duration) -> Self {
        self.retry.backoff = delay;
        self
    }

    /// The `User-Agent` header, `generated-client/<version>` by default.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Sends the requests through this `reqwest::Client` (a proxy, custom TLS roots, connection-pool
    /// limits, default headers) instead of one the client builds.
    ///
    /// It **must not follow redirects**: build it with
    /// `.redirect(reqwest::redirect::Policy::none())`, or [`build`](Self::build) fails with
    /// [`Error::Config`]. The client decides about redirects itself ([`ClientBuilder::redirects`]), so that
    /// none replays a body, turns a `POST` into a success or carries the token off the base URL; reqwest
    /// tells its policy only through its `Debug` output, which `build` reads, and an answer that comes from
    /// another URL than the one requested is still [`Error::Redirect`].
    ///
    /// What the app's client decides, and this builder then does not: proxies (the rule that plain `http`
    /// to loopback never goes through a proxy from the environment applies only to the client built
    /// here; build yours with `.no_proxy()` for a loopback stand-in), the connect timeout, TLS and the
    /// `User-Agent` (reqwest sends none unless it is set). The timeout of each attempt
    /// ([`ClientBuilder::timeout`]) is set on every request, so it holds either way.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(AppHttpClient(client));
        self
    }

    /// Records each call's path as sent, ids included, in its tracing span (`url_path`, without the
    /// query); **off** by default, when spans show only the path template (`/me/messages/{message-id}`),
    /// because ids can say whose mail it is. The token is never recorded.
    pub fn trace_ids(mut self, on: bool) -> Self {
        self.trace_ids = on;
        self
    }

    /// Checks the settings and builds the client.
    ///
    /// Fails with [`Error::Config`] when no token source was given, the base URL does not parse,
    /// has a scheme other than `https` (or `http` to loopback), or carries credentials, a query or
    /// a fragment.
    pub fn build(self) -> Result<Client, Error> {
        let token = self
            .token
            .ok_or_else(|| Error::config("no token source: call `bearer_token` or `token_provider`"))?;
        // The messages never echo the URL as given: its credentials, query or fragment may hold
        // secrets. They show it reduced to scheme, host, port and path at most.
        let base_url =
            Url::parse(&self.base_url).map_err(|e| Error::config(format!("base url does not parse: {e}")))?;
        if base_url.cannot_be_a_base() || base_url.host_str().is_none() {
            return Err(Error::config(format!("base url with scheme `{}` has no host", base_url.scheme())));
        }
        let shown = sanitized(&base_url);
        if !base_url.username().is_empty() || base_url.password().is_some() {
            return Err(Error::config(format!("base url `{shown}` must not contain credentials")));
        }
        if base_url.query().is_some() || base_url.fragment().is_some() {
            return Err(Error::config(format!("base url `{shown}` must not have a query or fragment")));
        }
        match base_url.scheme() {
            "https" => {}
            "http" if is_loopback(&base_url) => {}
            "http" => {
                return Err(Error::config(format!(
                    "base url `{shown}` uses plain http, which is allowed only to loopback \
                     (127.0.0.0/8, ::1, localhost); use https"
                )))
            }
            other => {
                return Err(Error::config(format!("base url scheme `{other}` is neither https nor http")))
            }
        }
        let app_http = self.http.is_some();
        let http = match self.http {
            Some(AppHttpClient(http)) => {
                if !follows_no_redirect(&http) {
                    return Err(Error::config(
                        "the http client follows redirects; build it with \
                         `.redirect(reqwest::redirect::Policy::none())`",
                    ));
                }
                http
            }
            None => own_http_client(&base_url, self.timeout, self.connect_timeout, self.user_agent)?,
        };
        let base_path = base_url.path().trim_end_matches('/').to_owned();
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base_url,
                base_path,
                token,
                retry: self.retry,
                timeout: self.timeout,
                app_http,
                trace_ids: self.trace_ids,
                limits: self.limits,
            }),
        })
    }
}
/// Whether `http` was built with `reqwest::redirect::Policy::none()`. reqwest has no accessor for its
/// policy; its `Debug` output names any policy but the default (`redirect_policy: "Policy(None)"`). A
/// change in that format makes every app client fail this check (it fails closed), and a test pins it.
fn follows_no_redirect(http: &reqwest::Client) -> bool {
    format!("{http:?}").contains("redirect_policy: \"Policy(None)\"")
}

/// The HTTP client built when the app passes none.
fn own_http_client(
    base_url: &Url,
    timeout: Duration,
    connect_timeout: Duration,
    user_agent: String,
) -> Result<reqwest::Client, Error> {
    let mut http = reqwest::Client::builder();
    if base_url.scheme() == "http" {
        // Plain http is allowed only because it stays on this machine; a proxy from the environment
        // (`HTTP_PROXY`, `ALL_PROXY`) would carry the token in clear text to wherever it points.
        http = http.no_proxy();
    }
    http.timeout(timeout)
        .connect_timeout(connect_timeout)
        .user_agent(user_agent)
        // Redirects are the client's own business (`Client::attempt`): the HTTP stack's default
        // follows them for every method, to any host, turning a POST into a GET.
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| Error::config(format!("could not set up the http client: {e}")))
}
/// Whether plain http stays on this machine: `127.0.0.0/8`, `::1` or the name `localhost`, as the URL
/// parser leaves the host (lowercase, IPv4 in dotted decimal, IPv6 in brackets).
///
/// No other spelling opens a plain-http path: `localhost.` (a fully qualified name that a resolver may
/// send to DNS), names under or around it (`localhost.evil.example`, `127.0.0.1.nip.io`) and IPv4-mapped
/// or -compatible IPv6 (`::ffff:127.0.0.1`, which the rules do not name) are refused.
fn is_loopback(url: &Url) -> bool {
    let host = url.host_str().unwrap_or_default();
    match host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        Some(v6) => v6.parse::<Ipv6Addr>().is_ok_and(|ip| ip.is_loopback()),
        None => host.parse::<Ipv4Addr>().map_or(host == "localhost", |ip| ip.is_loopback()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loopback(url: &str) -> bool {
        Url::parse(url).is_ok_and(|u| is_loopback(&u))
    }

    #[test]
    fn loopback_hosts() {
        for url in [
            "http://127.0.0.1:8080/v1.0",
            "http://127.9.8.7/",
            "http://[::1]:1/",
            "http://[0:0:0:0:0:0:0:1]/",
            "http://LOCALHOST/",
            "http://LocalHost:8080/",
            "http://127.1/",
            "http://0x7f.0.0.1/",
        ] {
            assert!(loopback(url), "{url}");
        }
        for url in [
            "http://graph.microsoft.com/",
            "http://128.0.0.1/",
            "http://localhost.evil.example/",
            "http://127.0.0.1.nip.io/",
            "http://[::2]/",
            "http://localhost./",
            "http://evil.localhost/",
            "http://127.0.0.1.nip.io/",
            "http://[::ffff:127.0.0.1]/",
            "http://[::ffff:7f00:1]/",
            "http://0.0.0.0/",
            "http://localhost%2e/",
            "http://[::127.0.0.1]/",
        ] {
            assert!(!loopback(url), "{url}");
        }
    }
}
