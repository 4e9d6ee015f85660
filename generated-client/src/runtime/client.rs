//! The [`Client`]: what its clones share, and [`Client::execute`], the one way in for every generated
//! operation (one `client-request-id`, one tracing span and one closing event per call). Its settings and
//! their checks are in `builder.rs`, a call's attempts and retries in `call.rs`, and the URLs a call may go
//! to, redirects included, in `urls.rs`.

use std::sync::Arc;
use std::time::Duration;

use reqwest::Url;
use tracing::Instrument;

use crate::runtime::auth::TokenSource;
use crate::runtime::builder::{ClientBuilder, Limits};
use crate::runtime::error::Error;
use crate::runtime::operation::{Operation, Response};
use crate::runtime::retry::RetryPolicy;

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
    pub(super) inner: Arc<Inner>,
}

/// What clones of one [`Client`] share; `builder.rs` fills it in, `call.rs` and `urls.rs` work on it.
pub(super) struct Inner {
    pub(super) http: reqwest::Client,
    pub(super) base_url: Url,
    /// The base URL's path without a trailing slash, so that segments join with one `/`.
    pub(super) base_path: String,
    pub(super) token: TokenSource,
    pub(super) retry: RetryPolicy,
    pub(super) timeout: Duration,
    /// Whether `http` is the app's ([`ClientBuilder::http_client`]), whose timeout is its own.
    pub(super) app_http: bool,
    /// Whether spans record the path with its ids ([`ClientBuilder::trace_ids`]).
    pub(super) trace_ids: bool,
    pub(super) limits: Limits,
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
impl Client {
    /// Starts configuring a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }

    /// The base URL requests go below, such as `https://graph.microsoft.com/v1.0`.
    pub fn base_url(&self) -> &str {
        self.inner.base_url.as_str()
    }

    /// The future of a generated operation that answers JSON of type `T`. One body per answer type (and
    /// one each for bytes and for no body) stands in for an `async` block in every operation's
    /// `IntoFuture`: rustc type-checks and borrow-checks such a block in the client crate even where no app
    /// calls it, which was most of the crate's compile time (BENCHMARKS.md).
    #[allow(dead_code)] // a spec may have no operation of this kind (standalone crates)
    pub(crate) fn call_json<T: serde::de::DeserializeOwned + Send + 'static>(
        self,
        op: Operation,
    ) -> crate::runtime::BoxFuture<Result<T, Error>> {
        Box::pin(async move { self.execute(op).await?.json() })
    }

    /// The future of a generated operation that answers raw bytes (`…/$value`).
    #[allow(dead_code)] // a spec may have no operation of this kind (standalone crates)
    pub(crate) fn call_bytes(self, op: Operation) -> crate::runtime::BoxFuture<Result<bytes::Bytes, Error>> {
        Box::pin(async move { self.execute(op).await?.bytes() })
    }

    /// The future of a generated operation whose page documents no response body.
    #[allow(dead_code)] // a spec may have no operation of this kind (standalone crates)
    pub(crate) fn call_unit(self, op: Operation) -> crate::runtime::BoxFuture<Result<(), Error>> {
        Box::pin(async move { self.execute(op).await?.no_content() })
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
            self.inner.run(op, client_request_id, &mut attempts).await
        } else {
            self.inner.run(op, client_request_id, &mut attempts).instrument(span.clone()).await
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

    /// The URL of `op`, or why it cannot be sent; nothing is sent in either case.
    pub(crate) fn url(&self, op: &Operation) -> Result<Url, Error> {
        self.inner.url(op)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
