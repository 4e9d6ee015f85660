//! The [`Client`] and its [`ClientBuilder`]: configuration checks, and the call loop every
//! generated operation goes through (auth, `client-request-id`, retries, tracing, error mapping).

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE};
use reqwest::{Method, Url};
use tracing::Instrument;

use crate::runtime::auth::{TokenProvider, TokenSource};
use crate::runtime::error::{ApiError, Error};
use crate::runtime::operation::{Operation, Response};
use crate::runtime::retry::{self, RetryPolicy};

/// The header Graph echoes in its logs and error answers to tie them to a call.
const CLIENT_REQUEST_ID: &str = "client-request-id";

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
        }
    }
}

impl ClientBuilder {
    /// The defaults: the global cloud, no token source, a 100 s timeout per attempt, a 10 s
    /// connect timeout, 3 retries within 60 s of waiting, and a 500 ms first backoff.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sends requests below this URL instead of a cloud's, such as `http://127.0.0.1:8080/v1.0`.
    ///
    /// Plain `http://` is accepted only to loopback (`127.0.0.0/8`, `::1`, `localhost`).
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

    /// Checks the settings and builds the client.
    ///
    /// Fails with [`Error::Config`] when no token source was given, the base URL does not parse,
    /// has a scheme other than `https` (or `http` to loopback), or carries credentials, a query or
    /// a fragment.
    pub fn build(self) -> Result<Client, Error> {
        let token = self
            .token
            .ok_or_else(|| Error::config("no token source: call `bearer_token` or `token_provider`"))?;
        let base_url = Url::parse(&self.base_url)
            .map_err(|e| Error::config(format!("base url `{}` does not parse: {e}", self.base_url)))?;
        if base_url.cannot_be_a_base() || base_url.host_str().is_none() {
            return Err(Error::config(format!("base url `{}` has no host", self.base_url)));
        }
        // The URL is not echoed here: it holds a secret.
        if !base_url.username().is_empty() || base_url.password().is_some() {
            return Err(Error::config("base url must not contain credentials"));
        }
        if base_url.query().is_some() || base_url.fragment().is_some() {
            return Err(Error::config(format!("base url `{base_url}` must not have a query or fragment")));
        }
        match base_url.scheme() {
            "https" => {}
            "http" if is_loopback(&base_url) => {}
            "http" => {
                return Err(Error::config(format!(
                    "base url `{base_url}` uses plain http, which is allowed only to loopback \
                     (127.0.0.0/8, ::1, localhost); use https"
                )))
            }
            other => {
                return Err(Error::config(format!("base url scheme `{other}` is neither https nor http")))
            }
        }
        let http = reqwest::Client::builder()
            .timeout(self.timeout)
            .connect_timeout(self.connect_timeout)
            .user_agent(self.user_agent)
            .build()
            .map_err(|e| Error::config(format!("could not set up the http client: {e}")))?;
        let base_path = base_url.path().trim_end_matches('/').to_owned();
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base_url,
                base_path,
                token,
                retry: self.retry,
                timeout: self.timeout,
            }),
        })
    }
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
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url.as_str())
            .field("token", &self.inner.token)
            .field("timeout", &self.inner.timeout)
            .field("retry", &self.inner.retry)
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
        let client_request_id = uuid::Uuid::new_v4().to_string();
        let span = tracing::info_span!(
            "graph_call",
            operation = op.name,
            method = %op.method,
            client_request_id = %client_request_id,
            attempt = tracing::field::Empty,
            status = tracing::field::Empty,
        );
        self.run(op, client_request_id).instrument(span).await
    }

    async fn run(&self, op: Operation, client_request_id: String) -> Result<Response, Error> {
        let url = self.url(&op)?;
        let body = match op.body {
            Some(Ok(body)) => Some(body),
            Some(Err(source)) => return Err(Error::Body { operation: op.name, source }),
            None => None,
        };
        let policy = self.inner.retry;
        let mut waited = Duration::ZERO;
        let mut retries = 0;
        loop {
            tracing::Span::current().record("attempt", retries + 1);
            let (error, next) = match self
                .attempt(&op.method, &url, &op.headers, body.as_deref(), &client_request_id, op.stream)
                .await
            {
                Ok(response) => return Ok(response),
                Err(failure) => failure,
            };
            let wait = match next {
                Next::Stop => return Err(error),
                Next::After(wait) => wait,
                Next::Backoff => policy.backoff(retries),
            };
            if retries >= policy.max_retries {
                tracing::debug!(error = %error, "giving up: no retries left");
                return Err(error);
            }
            if wait > policy.max_wait.saturating_sub(waited) {
                tracing::debug!(error = %error, wait_ms = wait.as_millis(), "giving up: the wait exceeds max_retry_wait");
                return Err(error);
            }
            tracing::info!(error = %error, wait_ms = wait.as_millis(), "retrying");
            tokio::time::sleep(wait).await;
            waited += wait;
            retries += 1;
        }
    }

    fn url(&self, op: &Operation) -> Result<Url, Error> {
        if let Some(link) = &op.next_link {
            return self.next_link_url(link);
        }
        let path = op.path.encode()?;
        let mut url = self.inner.base_url.clone();
        url.set_path(&format!("{}{path}", self.inner.base_path));
        if !op.query.is_empty() {
            url.set_query(Some(&crate::runtime::path::encode_query(&op.query)));
        }
        Ok(url)
    }

    /// Graph's `@odata.nextLink` is absolute. It is followed only to the same scheme, host, port and base
    /// path as the client's base URL, so that a tampered or odd link cannot carry the bearer token elsewhere.
    fn next_link_url(&self, link: &str) -> Result<Url, Error> {
        let refuse = |reason: &'static str| Error::InvalidParameter { name: "@odata.nextLink", reason };
        let url = Url::parse(link).map_err(|_| refuse("is not an absolute URL"))?;
        let base = &self.inner.base_url;
        let same_origin = url.scheme() == base.scheme()
            && url.host_str() == base.host_str()
            && url.port_or_known_default() == base.port_or_known_default();
        if !same_origin {
            return Err(refuse("points to another server than the client's base URL"));
        }
        let base_path = self.inner.base_path.trim_end_matches('/');
        let inside = url.path() == base_path || url.path().starts_with(&format!("{base_path}/"));
        if !inside || url.username() != "" || url.password().is_some() {
            return Err(refuse("points outside the client's base URL"));
        }
        Ok(url)
    }

    async fn attempt(
        &self,
        method: &Method,
        url: &Url,
        headers: &[(&'static str, String)],
        body: Option<&[u8]>,
        client_request_id: &str,
        stream: bool,
    ) -> Result<Response, (Error, Next)> {
        let authorization = self.inner.token.header().await.map_err(|e| (e, Next::Stop))?;
        let mut request = self
            .inner
            .http
            .request(method.clone(), url.clone())
            .header(AUTHORIZATION, authorization)
            .header(CLIENT_REQUEST_ID, client_request_id);
        // JSON unless the operation names its media types (raw content, `Operation::raw_body`).
        let names = |wanted| headers.iter().any(|(name, _)| name.eq_ignore_ascii_case(wanted));
        if !names("accept") {
            request = request.header(ACCEPT, "application/json");
        }
        for (name, value) in headers {
            let value = HeaderValue::from_str(value).map_err(|_| {
                (Error::InvalidParameter { name, reason: "is not a valid header value" }, Next::Stop)
            })?;
            request = request.header(*name, value);
        }
        request = match body {
            Some(body) if names("content-type") => request.body(body.to_vec()),
            Some(body) => request.header(CONTENT_TYPE, "application/json").body(body.to_vec()),
            // Graph answers 411 Length Required to a body-less POST without it, and the HTTP
            // stack leaves it out when there is no body.
            None if matches!(*method, Method::POST | Method::PUT | Method::PATCH) => {
                request.header(CONTENT_LENGTH, HeaderValue::from_static("0"))
            }
            None => request,
        };

        let transport = |source: reqwest::Error| {
            let client_request_id = client_request_id.to_owned();
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

        let response = request.send().await.map_err(transport)?;
        let status = response.status();
        tracing::Span::current().record("status", status.as_u16());
        let headers = response.headers().clone();
        if status.is_success() && stream {
            let client_request_id = client_request_id.to_owned();
            return Ok(Response {
                status,
                headers,
                body: Vec::new(),
                client_request_id,
                unread: Some(response),
            });
        }
        if status.is_success() {
            let body = response.bytes().await.map_err(transport)?;
            return Ok(Response {
                status,
                headers,
                body: body.to_vec(),
                client_request_id: client_request_id.to_owned(),
                unread: None,
            });
        }
        // The status is what matters; a body cut short still leaves it.
        let body = response.bytes().await.unwrap_or_default();
        let retry_after = retry::retry_after(&headers);
        let header_request_id = headers.get("request-id").and_then(|v| v.to_str().ok()).map(str::to_owned);
        let error = Error::Api(Box::new(ApiError::new(
            status.as_u16(),
            header_request_id,
            client_request_id.to_owned(),
            retry_after,
            &body,
        )));
        let next = match (retry::retryable_status(status.as_u16()), retry_after) {
            (false, _) => Next::Stop,
            (true, Some(wait)) => Next::After(wait),
            (true, None) => Next::Backoff,
        };
        Err((error, next))
    }
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
