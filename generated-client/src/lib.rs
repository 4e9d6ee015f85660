//! A typed Microsoft Graph client, generated from Graph's reference documentation.
//!
//! ```
//! use generated_client::Client;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let base_url = loopback_graph().await?;
//! let client = Client::builder()
//!     .base_url(base_url) // https://graph.microsoft.com/v1.0 unless set
//!     .bearer_token("tok-123")
//!     .build()?;
//!
//! // POST /v1.0/me/messages/AAMkAGI2THVSAAA%3D/send, answered 202 Accepted.
//! client.me().message("AAMkAGI2THVSAAA=").send().await?;
//! # Ok(())
//! # }
//! #
//! # /// Answers one request with 202 Accepted, standing in for Graph.
//! # async fn loopback_graph() -> std::io::Result<String> {
//! #     use tokio::io::{AsyncReadExt, AsyncWriteExt};
//! #     let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
//! #     let url = format!("http://{}/v1.0", listener.local_addr()?);
//! #     tokio::spawn(async move {
//! #         let (mut socket, _) = listener.accept().await?;
//! #         let mut request = Vec::new();
//! #         let mut chunk = [0; 1024];
//! #         while !request.windows(4).any(|w| w == b"\r\n\r\n") {
//! #             let n = socket.read(&mut chunk).await?;
//! #             if n == 0 { break; }
//! #             request.extend_from_slice(&chunk[..n]);
//! #         }
//! #         assert!(request.starts_with(b"POST /v1.0/me/messages/AAMkAGI2THVSAAA%3D/send "));
//! #         socket.write_all(b"HTTP/1.1 202 Accepted\r\ncontent-length: 0\r\nconnection: close\r\n\r\n").await?;
//! #         Ok::<_, std::io::Error>(())
//! #     });
//! #     Ok(url)
//! # }
//! ```
//!
//! Every call goes through one runtime that:
//! - sends `Authorization: Bearer <token>` from [`ClientBuilder::bearer_token`] or a
//!   [`TokenProvider`], and a fresh `client-request-id` (a UUID) kept across the call's retries;
//! - sends each id as exactly one percent-encoded path segment, and refuses `""`, `.` and `..`
//!   before making any request;
//! - retries 429 and 503 after `Retry-After` (or a jittered backoff) within
//!   [`ClientBuilder::max_retries`] and [`ClientBuilder::max_retry_wait`], and connections that
//!   could not be made, but never resends a POST that may have reached the server;
//! - follows no redirect (a 3xx but 304 is [`Error::Redirect`]; [`Redirects::FollowGetWithinBaseUrl`] opts
//!   in for `GET`s under the base URL), bounds every answer ([`ClientBuilder::max_response_body`],
//!   [`ClientBuilder::max_error_body`]) and every call ([`ClientBuilder::deadline`]), and follows
//!   `@odata.nextLink` only under the base URL, stopping at loops and at
//!   [`ClientBuilder::max_pages`];
//! - says what happened: [`Error::was_accepted`] when the server accepted the request but its answer
//!   could not be read, [`Error::may_have_reached_server`] when bytes were sent and no answer came
//!   or the answer (a redirect, a 500, 502 or 504) leaves open whether the service acted,
//!   [`Error::InvalidRequest`] when nothing was sent (`SECURITY.md` lists every promise and its test);
//! - turns any non-2xx answer into an [`Error`] that keeps the status and Graph's error code,
//!   message and request id:
//!
//! ```no_run
//! # async fn run(client: generated_client::Client) {
//! match client.me().message("missing").send().await {
//!     Err(e) if e.status() == Some(404) => eprintln!("no such message: {:?}", e.code()),
//!     Err(e) => eprintln!("send failed: {e}"),
//!     Ok(()) => {}
//! }
//! # }
//! ```
//!
//! Each call runs in a `tracing` span named `graph_call` with its operation, method, path template
//! and `client-request-id`, and ends with one event (`debug` on success, `warn` on failure) with its
//! status, attempts and elapsed time; each retry is an `info` event. Tokens are never logged, and ids
//! only with [`ClientBuilder::trace_ids`].
//!
//! Where the generated API falls short: [`ClientBuilder::http_client`] takes an app's own
//! `reqwest::Client` ([`reqwest`] is re-exported), every request builder has `.header(..)`,
//! `.timeout(..)` and `.max_retries(..)` for one call, and [`Client::request`] calls any path below
//! the base URL with the same auth, retries, limits and errors. The [`guide`] shows each.

// Emitted by `cargo xtask regen` in prettyplease's layout; rustfmt must not restyle it, or `regen --check` would see drift.
#[rustfmt::skip]
mod generated;
mod ext;
mod runtime;

/// How an app uses the client: auth, retries and limits, raw requests, tracing, tests (the README's
/// section of the same name).
#[doc = include_str!("guide.md")]
pub mod guide {}

pub use generated::*;
pub use runtime::{
    ApiError, BoxError, ByteStream, Client, ClientBuilder, Cloud, Error, Items, RawRequest, RawResponse,
    Redirects, Timestamp, TimestampError, TokenFuture, TokenProvider,
};

/// The HTTP stack the client runs on, so that an app's own [`ClientBuilder::http_client`] is the same
/// version as ours.
pub use reqwest;

/// The stream traits an app needs for [`Items`] and [`ByteStream`] (`try_next`, `try_collect`, …), and
/// the crate they come from.
pub use futures_util::{self, StreamExt, TryStreamExt};

/// The `Bytes` raw content comes back as.
pub use bytes;
