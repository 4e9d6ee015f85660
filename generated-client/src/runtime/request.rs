//! Requests the spec does not hold: [`Client::request`] sends any method to any path under the base URL
//! through the same auth, retries, limits, redirect rules and error mapping as a generated operation, and
//! hands back the answer as it came ([`RawResponse`]).

use std::time::Duration;

use reqwest::header::HeaderMap;
use reqwest::Method;

use crate::runtime::client::Client;
use crate::runtime::error::Error;
use crate::runtime::operation::{Operation, Response};
use crate::runtime::path::ResourcePath;
use crate::runtime::BoxFuture;

impl Client {
    /// A request to `path` below the base URL (`"/me"` or `"me"` is `<base URL>/me`), or to an absolute
    /// URL under it (an `@odata.deltaLink`), for an endpoint the generated API does not have.
    ///
    /// The path is sent as written, so an id in it must be percent-encoded by the caller; a query goes in
    /// with [`RawRequest::query`]. A path that leaves the base URL (`..`, another host) or holds a control
    /// character (a line break, which URL parsing would drop) fails with
    /// [`Error::InvalidRequest`] before anything is sent. `.await` it for a [`RawResponse`]: any 2xx; every
    /// other answer is an [`Error`], as for a generated operation.
    pub fn request(&self, method: Method, path: impl Into<String>) -> RawRequest {
        let mut op = Operation::new(method, "request", ResourcePath::root());
        op.raw_path = Some(path.into());
        RawRequest { client: self.clone(), op }
    }
}

/// A request built with [`Client::request`]; set what it needs, then `.await` it to send.
#[derive(Debug)]
#[must_use = "a request does nothing until it is awaited"]
pub struct RawRequest {
    client: Client,
    op: Operation,
}

impl RawRequest {
    /// Adds a query parameter; the key is sent as written except for percent-encoding (`$top` keeps
    /// its `$`), the value is percent-encoded.
    pub fn query(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.op.query.push((key.into().into(), value.into()));
        self
    }

    /// Sends `body` as JSON (`Content-Type: application/json`). A body that cannot be serialised
    /// fails the call before anything is sent.
    pub fn json<T: serde::Serialize + ?Sized>(mut self, body: &T) -> Self {
        self.op.body = Some(serde_json::to_vec(body));
        self
    }

    /// Sends `body` as it is, with this `Content-Type`.
    pub fn bytes(mut self, content_type: &str, body: impl Into<Vec<u8>>) -> Self {
        self.op.body = Some(Ok(body.into()));
        self.op.options = std::mem::take(&mut self.op.options).header("content-type", content_type);
        self
    }

    /// Adds a header, replacing one the client would send under that name (`Accept`,
    /// `client-request-id`, …). `Authorization`, `Host`, `Content-Length`, `Transfer-Encoding`,
    /// `Connection` and names or values that cannot be sent fail the call with
    /// [`Error::InvalidRequest`] before anything is sent.
    pub fn header(mut self, name: impl AsRef<str>, value: impl AsRef<str>) -> Self {
        self.op.options = std::mem::take(&mut self.op.options).header(name.as_ref(), value.as_ref());
        self
    }

    /// The longest one attempt may take, instead of the client's timeout; the client's deadline still
    /// bounds the call.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.op.options = std::mem::take(&mut self.op.options).timeout(timeout);
        self
    }

    /// How many times the call is tried again after a 429, a 503 or a failed connection, instead of the
    /// client's `max_retries`.
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.op.options = std::mem::take(&mut self.op.options).max_retries(retries);
        self
    }
}

impl std::future::IntoFuture for RawRequest {
    type Output = Result<RawResponse, Error>;
    type IntoFuture = BoxFuture<Result<RawResponse, Error>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move { self.client.execute(self.op).await.map(RawResponse) })
    }
}

/// A 2xx answer to a [`RawRequest`]: the server accepted the request. Its body was read within
/// [`ClientBuilder::max_response_body`](crate::runtime::ClientBuilder::max_response_body).
#[derive(Debug)]
pub struct RawResponse(Response);

impl RawResponse {
    /// The HTTP status.
    pub fn status(&self) -> u16 {
        self.0.status()
    }

    /// The answer's headers.
    pub fn headers(&self) -> &HeaderMap {
        self.0.headers()
    }

    /// The `client-request-id` the call sent.
    pub fn client_request_id(&self) -> &str {
        &self.0.client_request_id
    }

    /// The whole body; an error (saying that the server accepted the request) when it was cut short or
    /// larger than the limit.
    pub fn bytes(self) -> Result<bytes::Bytes, Error> {
        self.0.bytes()
    }

    /// The body decoded as JSON; an error says that the server accepted the request.
    pub fn json<T: serde::de::DeserializeOwned>(self) -> Result<T, Error> {
        self.0.json()
    }
}
