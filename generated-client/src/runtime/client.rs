//! The [`Client`] and its [`ClientBuilder`]: configuration checks, and the call loop every
//! generated operation goes through (auth, `client-request-id`, retries, tracing, error mapping).

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{
    HeaderMap, HeaderName, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE,
};
use reqwest::{Method, Url};
use tracing::Instrument;

use crate::runtime::auth::{TokenProvider, TokenSource};
use crate::runtime::error::{ApiError, Error};
use crate::runtime::operation::{BodyFailure, Operation, Response};
use crate::runtime::retry::{self, RetryPolicy};

/// The header Graph echoes in its logs and error answers to tie them to a call.
const CLIENT_REQUEST_ID: &str = "client-request-id";

/// The longest URL the client sends, in bytes: the most the HTTP stack can carry in a request line
/// (`http::Uri` refuses longer ones). Graph's own limit is lower; a longer URL is refused before
/// anything is sent, rather than failing halfway.
const MAX_URL_LEN: usize = 65_534;

/// How many redirects one attempt follows under [`Redirects::FollowGetWithinBaseUrl`].
const MAX_REDIRECTS: u32 = 5;

/// Which redirects (3xx answers) the client follows; set with [`ClientBuilder::redirects`].
///
/// Whatever the policy, a redirect never replays a request body, never turns a `POST` into another
/// method or into a success, and never carries the token off the base URL: a redirect that is not
/// followed is [`Error::Redirect`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Redirects {
    /// None (the default): every 3xx answer is [`Error::Redirect`].
    #[default]
    Refuse,
    /// A `GET`'s redirect to a URL under the client's base URL (same scheme, host and port, a path
    /// below the base path) is followed, up to 5 in a row; any other is [`Error::Redirect`]. The
    /// token goes along only while nothing but the path changes (a redirect that also changes the
    /// query is followed without it).
    FollowGetWithinBaseUrl,
}

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
struct Limits {
    max_response_body: u64,
    max_error_body: usize,
    deadline: Duration,
    max_pages: Option<u32>,
    redirects: Redirects,
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

    /// How much of an error answer's body [`ApiError::body`] keeps, in bytes; **64 KiB** by default.
    /// The rest is read and counted ([`ApiError::body_len`]), not stored.
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
        self.token = Some(TokenSource::Static(Arc::from(token.into())));
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

/// A fresh `client-request-id`: a random (version 4) UUID in its usual text form. It only ties a call's
/// attempts together in Graph's logs, so `fastrand` (not a cryptographic generator) is enough, and the
/// client needs no UUID crate.
fn new_request_id() -> String {
    let mut bits = fastrand::u128(..);
    bits = (bits & !(0xf << 76)) | (0x4 << 76); // version 4
    bits = (bits & !(0x3 << 62)) | (0x2 << 62); // variant 10xx (RFC 9562)
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut text = [b'-'; 36];
    let mut at = 0;
    for (i, byte) in bits.to_be_bytes().into_iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            at += 1; // the dash already there
        }
        text[at] = HEX[usize::from(byte >> 4)];
        text[at + 1] = HEX[usize::from(byte & 0xf)];
        at += 2;
    }
    // Hex digits and dashes are ASCII, so this never falls back.
    std::str::from_utf8(&text).map(str::to_owned).unwrap_or_default()
}

/// A Microsoft Graph client: cheap to clone (clones share one connection pool), safe to share
/// between tasks.
///
/// Start from [`Client::builder`]; the resource methods (`client.me()`, `client.user(id)`) lead to
/// the operations. Its `Debug` output never shows the token.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base_url: Url,
    /// The base URL's path without a trailing slash, so that segments join with one `/`.
    base_path: String,
    token: TokenSource,
    retry: RetryPolicy,
    timeout: Duration,
    /// Whether `http` is the app's ([`ClientBuilder::http_client`]), whose timeout is its own.
    app_http: bool,
    /// Whether spans record the path with its ids ([`ClientBuilder::trace_ids`]).
    trace_ids: bool,
    limits: Limits,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url.as_str())
            .field("token", &self.inner.token)
            .field("timeout", &self.inner.timeout)
            .field("retry", &self.inner.retry)
            .field("limits", &self.inner.limits)
            .finish_non_exhaustive()
    }
}

/// Why an attempt failed, and whether and when it may be tried again.
enum Next {
    /// Not again: the failure is final, or the request may have reached the server.
    Stop,
    /// After the wait the server asked for.
    After(std::time::Duration),
    /// After the policy's backoff.
    Backoff,
}

impl Client {
    /// Starts configuring a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }

    /// The base URL requests go below, such as `https://graph.microsoft.com/v1.0`.
    pub fn base_url(&self) -> &str {
        self.inner.base_url.as_str()
    }

    /// Makes one call: every attempt under one `client-request-id` and one tracing span.
    ///
    /// Invalid path parameters and unserialisable bodies fail before any request; a non-2xx
    /// answer becomes [`Error::Api`] once retries are spent.
    pub(crate) async fn execute(&self, op: Operation) -> Result<Response, Error> {
        let client_request_id = match op.options.client_request_id() {
            Some(id) => id.to_owned(),
            None => new_request_id(),
        };
        // Each field is recorded once: the span says what the call is, the closing event how it went.
        let span = tracing::info_span!(
            "graph_call",
            operation = op.name,
            method = %op.method,
            path = %op.path_template(),
            url_path = self.inner.trace_ids.then(|| self.url(&op).map(|u| u.path().to_owned()).ok()).flatten(),
            client_request_id = %client_request_id,
        );
        let started = tokio::time::Instant::now();
        let mut attempts = 0;
        // With no subscriber that wants the span, entering and leaving it on every poll is pure cost.
        let result = if span.is_disabled() {
            self.run(op, client_request_id, &mut attempts).await
        } else {
            self.run(op, client_request_id, &mut attempts).instrument(span.clone()).await
        };
        let elapsed_ms = started.elapsed().as_millis();
        span.in_scope(|| match &result {
            Ok(response) => tracing::debug!(status = response.status(), attempts, elapsed_ms, "graph call"),
            Err(error) => match error.status() {
                Some(status) => {
                    tracing::warn!(status, attempts, elapsed_ms, error = %error.logged(self.inner.trace_ids), "graph call failed")
                }
                None => {
                    tracing::warn!(attempts, elapsed_ms, error = %error.logged(self.inner.trace_ids), "graph call failed")
                }
            },
        });
        result
    }

    /// The most pages one `items()` stream reads, if bounded.
    pub(crate) fn page_limit(&self) -> Option<u32> {
        self.inner.limits.max_pages
    }

    async fn run(
        &self,
        mut op: Operation,
        client_request_id: String,
        attempts: &mut u32,
    ) -> Result<Response, Error> {
        // An app may set a deadline as large as it likes (`Duration::MAX`): far enough is far enough.
        let now = tokio::time::Instant::now();
        let until = now
            .checked_add(self.inner.limits.deadline)
            .unwrap_or_else(|| now + Duration::from_secs(100 * 365 * 24 * 3600));
        let url = self.url(&op)?;
        let body = match op.body.take() {
            Some(Ok(body)) => Some(body),
            Some(Err(source)) => return Err(Error::Body { operation: op.name, source }),
            None => None,
        };
        if let Some(why) = op.options.refused() {
            return Err(Error::invalid("header", why));
        }
        let policy = self.inner.retry;
        let max_retries = op.options.retries().unwrap_or(policy.max_retries);
        let mut waited = Duration::ZERO;
        let mut retries = 0;
        // Whether an earlier attempt ended without an answer, so that it may have been carried out.
        let mut uncertain = false;
        loop {
            *attempts = retries + 1;
            let (mut error, next) =
                match self.attempt(&op, &url, body.as_deref(), &client_request_id, until).await {
                    Ok(mut response) => {
                        response.client_request_id = client_request_id;
                        return Ok(response);
                    }
                    Err(failure) => failure,
                };
            match &mut error {
                Error::Timeout { .. } | Error::Interrupted { .. } => uncertain = true,
                Error::Deadline { may_have_reached_server, .. } => *may_have_reached_server |= uncertain,
                _ => {}
            }
            let wait = match next {
                Next::Stop => return Err(error),
                Next::After(wait) => wait,
                Next::Backoff => policy.backoff(retries),
            };
            // No retries left, a wait longer than `max_retry_wait` allows, or one that would end after the
            // deadline: the call fails with this attempt's error (the closing event logs it).
            if retries >= max_retries
                || wait > policy.max_wait.saturating_sub(waited)
                || wait >= until.saturating_duration_since(tokio::time::Instant::now())
            {
                return Err(error);
            }
            match error.status() {
                Some(status) => {
                    tracing::info!(attempt = retries + 1, status, wait_ms = wait.as_millis(), error = %error.logged(self.inner.trace_ids), "retrying")
                }
                None => {
                    tracing::info!(attempt = retries + 1, wait_ms = wait.as_millis(), error = %error.logged(self.inner.trace_ids), "retrying")
                }
            }
            tokio::time::sleep(wait).await;
            waited += wait;
            retries += 1;
        }
    }

    /// The URL of `op`, or why it cannot be sent; nothing is sent in either case.
    pub(crate) fn url(&self, op: &Operation) -> Result<Url, Error> {
        let url = match (&op.next_link, &op.raw_path) {
            (Some(link), _) => self.next_link_url(link)?,
            (None, Some(path)) => self.raw_url(path, &op.query)?,
            (None, None) => {
                let path = op.path.encode_after(&self.inner.base_path)?;
                let mut url = self.inner.base_url.clone();
                url.set_path(&path);
                if !op.query.is_empty() {
                    url.set_query(Some(&crate::runtime::path::encode_query(&op.query)));
                }
                url
            }
        };
        if url.as_str().len() > MAX_URL_LEN {
            let reason = format!(
                "is {} bytes long, more than the {MAX_URL_LEN} an HTTP request can carry",
                url.as_str().len()
            );
            return Err(Error::invalid("url", reason));
        }
        Ok(url)
    }

    /// The URL of a request the app wrote ([`Client::request`]): a path below the base URL, or an absolute
    /// URL under it. Dot segments are resolved first, so `/me/../../other` is refused, not sent.
    fn raw_url(&self, path: &str, query: &[(std::borrow::Cow<'static, str>, String)]) -> Result<Url, Error> {
        let refuse = |reason: &str| Error::invalid("path", reason);
        let mut url = if path.starts_with("http://") || path.starts_with("https://") {
            let url = Url::parse(path).map_err(|_| refuse("is not a valid URL"))?;
            if url.fragment().is_some() {
                return Err(refuse("must not have a fragment"));
            }
            url
        } else {
            if path.contains(['?', '#', '\\']) {
                return Err(refuse("must not hold `?`, `#` or `\\`: add a query with `.query(key, value)`"));
            }
            let mut url = self.inner.base_url.clone();
            url.set_path(&format!("{}/{}", self.inner.base_path, path.trim_start_matches('/')));
            url
        };
        if !self.within_base(&url) {
            return Err(refuse("leads outside the client's base URL"));
        }
        if !query.is_empty() {
            let added = crate::runtime::path::encode_query(query);
            let joined = match url.query() {
                Some(existing) if !existing.is_empty() => format!("{existing}&{added}"),
                _ => added,
            };
            url.set_query(Some(&joined));
        }
        Ok(url)
    }

    /// Graph's `@odata.nextLink` is absolute. It is followed only to the same scheme, host, port and base
    /// path as the client's base URL, so that a tampered or odd link cannot carry the bearer token elsewhere.
    fn next_link_url(&self, link: &str) -> Result<Url, Error> {
        let refuse = |reason: &str| Error::invalid("@odata.nextLink", reason);
        let url = Url::parse(link).map_err(|_| refuse("is not an absolute URL"))?;
        if !self.same_origin(&url) {
            return Err(refuse("points to another server than the client's base URL"));
        }
        if !self.within_base(&url) {
            return Err(refuse("points outside the client's base URL"));
        }
        Ok(url)
    }

    fn same_origin(&self, url: &Url) -> bool {
        let base = &self.inner.base_url;
        url.scheme() == base.scheme()
            && url.host_str() == base.host_str()
            && url.port_or_known_default() == base.port_or_known_default()
    }

    /// Same origin as the base URL, a path at or below its path, and no credentials.
    fn within_base(&self, url: &Url) -> bool {
        let base_path = self.inner.base_path.trim_end_matches('/');
        let inside = url.path() == base_path || url.path().starts_with(&format!("{base_path}/"));
        self.same_origin(url) && inside && url.username().is_empty() && url.password().is_none()
    }

    /// Where a redirect from `from` to `location` goes when the policy follows it, and whether the token
    /// goes along; `None` when it is not followed.
    fn redirect_target(
        &self,
        method: &Method,
        from: &Url,
        location: Option<&Url>,
        hops: u32,
    ) -> Option<(Url, bool)> {
        if self.inner.limits.redirects != Redirects::FollowGetWithinBaseUrl || *method != Method::GET {
            return None;
        }
        let mut to = location?.clone();
        to.set_fragment(None);
        if hops >= MAX_REDIRECTS || !self.within_base(&to) || to.as_str().len() > MAX_URL_LEN {
            return None;
        }
        // Origin and credentials cannot differ here (`within_base`); the query is the one part left
        // besides the path.
        let keep_token = to.query() == from.query();
        Some((to, keep_token))
    }

    /// One attempt: the request, any redirects the policy follows, and the answer read within the limits.
    async fn attempt(
        &self,
        op: &Operation,
        url: &Url,
        body: Option<&[u8]>,
        client_request_id: &str,
        until: tokio::time::Instant,
    ) -> Result<Response, (Error, Next)> {
        let (method, stream) = (&op.method, op.stream);
        let limits = self.inner.limits;
        let past_deadline = |may_have_reached_server| {
            let client_request_id = client_request_id.to_owned();
            (
                Error::Deadline { deadline: limits.deadline, may_have_reached_server, client_request_id },
                Next::Stop,
            )
        };
        let authorization = match tokio::time::timeout_at(until, self.inner.token.header()).await {
            Ok(header) => header.map_err(|e| (e, Next::Stop))?,
            Err(_) => return Err(past_deadline(false)),
        };
        // The operation's headers, then the app's for this call, which replace any of the same name.
        let mut extra = HeaderMap::with_capacity(op.headers.len() + op.options.headers().len());
        for (name, value) in &op.headers {
            let invalid =
                |what: &str| (Error::invalid(name, format!("is not a valid header {what}")), Next::Stop);
            let header = HeaderName::from_bytes(name.as_bytes()).map_err(|_| invalid("name"))?;
            let value = HeaderValue::from_str(value).map_err(|_| invalid("value"))?;
            extra.insert(header, value);
        }
        for (name, value) in op.options.headers() {
            extra.insert(name.clone(), value.clone());
        }
        // The client reqwest builds has the timeout already; setting one per request costs reqwest an
        // allocation for its extensions, so it is set only where it differs or the client is the app's.
        let timeout = op.options.attempt_timeout().or(self.inner.app_http.then_some(self.inner.timeout));

        let transport = |source: reqwest::Error| {
            let client_request_id = client_request_id.to_owned();
            if source.is_builder() {
                // The request could not be put together: nothing was written.
                // Without the URL: its path holds ids, and errors reach logs.
                let error = Error::invalid("url", format!("cannot be sent: {}", source.without_url()));
                return (error, Next::Stop);
            }
            if source.is_connect() {
                // Nothing was written: the connection (TCP or TLS) was never made.
                let error = Error::Connect { client_request_id, source: source.into() };
                return (error, Next::Backoff);
            }
            let next = if retry::may_repeat(method) { Next::Backoff } else { Next::Stop };
            let error = if source.is_timeout() {
                Error::Timeout { client_request_id, source: source.into() }
            } else {
                Error::Interrupted { client_request_id, source: source.into() }
            };
            (error, next)
        };

        // Borrowed until a redirect is followed: most attempts have none.
        let mut url = std::borrow::Cow::Borrowed(url);
        let mut authorization = Some(authorization);
        let mut hops = 0;
        let mut response = loop {
            // A redirect never carries the body on: only the first request of an attempt has one.
            let hop_body = body.filter(|_| hops == 0);
            let mut request =
                self.build_request(method, &url, authorization.clone(), &extra, hop_body, client_request_id);
            if let Some(timeout) = timeout {
                request = request.timeout(timeout);
            }
            let response = match tokio::time::timeout_at(until, request.send()).await {
                Ok(response) => response.map_err(transport)?,
                Err(_) => return Err(past_deadline(true)),
            };
            let status = response.status();
            if response.url() != url.as_ref() {
                // The HTTP client followed a redirect itself: an app's client that `build` could not
                // check. Its answer is not taken for the request's.
                let error = Error::Redirect {
                    status: status.as_u16(),
                    location: Some(sanitized(response.url())),
                    client_request_id: client_request_id.to_owned(),
                };
                return Err((error, Next::Stop));
            }
            if !status.is_redirection() {
                break response;
            }
            let location = response
                .headers()
                .get(reqwest::header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| url.join(v).ok());
            match self.redirect_target(method, &url, location.as_ref(), hops) {
                Some((to, keep_token)) => {
                    // Where it leads is a path with ids: recorded only where the app opted in.
                    let to_path = self.inner.trace_ids.then(|| sanitized(&to));
                    tracing::debug!(
                        status = status.as_u16(),
                        to = to_path,
                        keep_token,
                        "following a redirect"
                    );
                    if !keep_token {
                        authorization = None;
                    }
                    url = std::borrow::Cow::Owned(to);
                    hops += 1;
                }
                None => {
                    let error = Error::Redirect {
                        status: status.as_u16(),
                        location: location.as_ref().map(sanitized),
                        client_request_id: client_request_id.to_owned(),
                    };
                    return Err((error, Next::Stop));
                }
            }
        };
        let status = response.status();
        // Taken, not cloned: the body is read from `response` without its headers.
        let headers = std::mem::take(response.headers_mut());
        if status.is_success() && stream {
            // Streamed raw content is exempt from the body limit: the caller reads it chunk by chunk and
            // decides how much to keep.
            return Ok(Response {
                status,
                headers,
                body: Vec::new(),
                body_error: None,
                client_request_id: String::new(), // `run` moves its own in
                unread: Some(response),
            });
        }
        if status.is_success() {
            let (body, body_error) = read_body(response, limits.max_response_body, until).await;
            return Ok(Response {
                status,
                headers,
                body,
                body_error,
                client_request_id: String::new(), // `run` moves its own in
                unread: None,
            });
        }
        // The status is what matters; a body cut short still leaves it.
        let (body, body_len) =
            read_error_body(response, limits.max_error_body, limits.max_response_body, until).await;
        let retry_after = retry::retry_after(&headers);
        let header_request_id = headers.get("request-id").and_then(|v| v.to_str().ok()).map(str::to_owned);
        let error = Error::Api(Box::new(ApiError::new(
            status.as_u16(),
            header_request_id,
            client_request_id.to_owned(),
            retry_after,
            &body,
            body_len,
        )));
        let next = match (retry::retryable_status(status.as_u16()), retry_after) {
            (false, _) => Next::Stop,
            (true, Some(wait)) => Next::After(wait),
            (true, None) => Next::Backoff,
        };
        Err((error, next))
    }

    /// One HTTP request of an attempt; without `authorization` after a redirect that changed more than
    /// the path.
    fn build_request(
        &self,
        method: &Method,
        url: &Url,
        authorization: Option<HeaderValue>,
        headers: &HeaderMap,
        body: Option<&[u8]>,
        client_request_id: &str,
    ) -> reqwest::RequestBuilder {
        let mut request = self.inner.http.request(method.clone(), url.clone());
        if !headers.contains_key(CLIENT_REQUEST_ID) {
            request = request.header(CLIENT_REQUEST_ID, client_request_id);
        }
        // JSON unless the operation names its media types (raw content, `Operation::raw_body`).
        if !headers.contains_key(ACCEPT) {
            request = request.header(ACCEPT, "application/json");
        }
        if let Some(authorization) = authorization {
            request = request.header(AUTHORIZATION, authorization);
        }
        for (name, value) in headers {
            request = request.header(name, value.clone());
        }
        match body {
            Some(body) if headers.contains_key(CONTENT_TYPE) => request.body(body.to_vec()),
            Some(body) => request.header(CONTENT_TYPE, "application/json").body(body.to_vec()),
            // Graph answers 411 Length Required to a body-less POST without it, and the HTTP
            // stack leaves it out when there is no body.
            None if matches!(*method, Method::POST | Method::PUT | Method::PATCH) => {
                request.header(CONTENT_LENGTH, HeaderValue::from_static("0"))
            }
            None => request,
        }
    }
}

/// Reads a 2xx body of at most `limit` bytes before `until`. A body that is longer is not kept at all
/// (its memory is the point of the limit); one that is cut short keeps what arrived.
async fn read_body(
    mut response: reqwest::Response,
    limit: u64,
    until: tokio::time::Instant,
) -> (Vec<u8>, Option<BodyFailure>) {
    let declared = response.content_length();
    if declared.is_some_and(|n| n > limit) {
        return (Vec::new(), Some(BodyFailure::TooLarge(limit)));
    }
    // A declared length is a hint, not a promise: reserve at most 1 MiB up front, so that a server cannot
    // make a call hold memory it never sends.
    let hint = declared.unwrap_or(0).min(1 << 20);
    let mut body = Vec::with_capacity(usize::try_from(hint).unwrap_or(0));
    loop {
        let chunk = match tokio::time::timeout_at(until, response.chunk()).await {
            Ok(Ok(Some(chunk))) => chunk,
            Ok(Ok(None)) => return (body, None),
            Ok(Err(e)) => return (body, Some(BodyFailure::Cut(e.into()))),
            Err(_) => {
                let why = "the call's deadline passed while the answer was read";
                return (body, Some(BodyFailure::Cut(why.into())));
            }
        };
        let needed = body.len() as u64 + chunk.len() as u64;
        if needed > limit {
            return (Vec::new(), Some(BodyFailure::TooLarge(limit)));
        }
        // Grow by doubling as `Vec` does, but never past the limit, so that the limit bounds memory too.
        if needed > body.capacity() as u64 {
            let target = needed.saturating_mul(2).min(limit);
            body.reserve_exact(usize::try_from(target).unwrap_or(usize::MAX) - body.len());
        }
        body.extend_from_slice(&chunk);
    }
}

/// Reads an error body: keeps its first `keep` bytes and counts the rest, up to `limit` bytes in all
/// and until `until`. Returns what was kept and the count.
async fn read_error_body(
    mut response: reqwest::Response,
    keep: usize,
    limit: u64,
    until: tokio::time::Instant,
) -> (Vec<u8>, u64) {
    let mut kept = Vec::new();
    let mut count = 0u64;
    while count <= limit {
        let Ok(Ok(Some(chunk))) = tokio::time::timeout_at(until, response.chunk()).await else {
            break;
        };
        count += chunk.len() as u64;
        let room = keep.saturating_sub(kept.len());
        kept.extend_from_slice(&chunk[..room.min(chunk.len())]);
    }
    (kept, count)
}

/// A URL as errors and logs show it: scheme, host, port and path; never credentials, query or fragment.
pub(crate) fn sanitized(url: &Url) -> String {
    let host = url.host_str().unwrap_or("");
    let port = url.port().map(|p| format!(":{p}")).unwrap_or_default();
    format!("{}://{host}{port}{}", url.scheme(), url.path())
}

/// Whether plain http stays on this machine: `127.0.0.0/8`, `::1` (also as `::ffff:127.x.y.z`)
/// or `localhost`.
fn is_loopback(url: &Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    match bare.parse::<IpAddr>() {
        Ok(IpAddr::V4(ip)) => ip.is_loopback(),
        Ok(IpAddr::V6(ip)) => ip.is_loopback() || ip.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback()),
        Err(_) => {
            let name = host.strip_suffix('.').unwrap_or(host);
            name.eq_ignore_ascii_case("localhost")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loopback(url: &str) -> bool {
        Url::parse(url).is_ok_and(|u| is_loopback(&u))
    }

    #[test]
    fn request_ids_are_version_4_uuids() {
        let id = new_request_id();
        let parts: Vec<&str> = id.split('-').collect();
        assert_eq!(parts.iter().map(|p| p.len()).collect::<Vec<_>>(), [8, 4, 4, 4, 12], "{id}");
        assert!(id.bytes().all(|b| b == b'-' || b.is_ascii_hexdigit() && !b.is_ascii_uppercase()), "{id}");
        assert!(parts[2].starts_with('4'), "{id}");
        assert!(parts[3].starts_with(['8', '9', 'a', 'b']), "{id}");
        assert_ne!(id, new_request_id());
    }

    #[test]
    fn loopback_hosts() {
        for url in [
            "http://127.0.0.1:8080/v1.0",
            "http://127.9.8.7/",
            "http://[::1]:1/",
            "http://[::ffff:127.0.0.1]/",
            "http://LOCALHOST/",
            "http://localhost./",
        ] {
            assert!(loopback(url), "{url}");
        }
        for url in [
            "http://graph.microsoft.com/",
            "http://128.0.0.1/",
            "http://localhost.evil.example/",
            "http://127.0.0.1.nip.io/",
            "http://[::2]/",
        ] {
            assert!(!loopback(url), "{url}");
        }
    }
}
