//! The hand-written runtime that generated operations call: the client and its settings, auth,
//! path encoding, retries and errors. It refers to nothing outside `crate::runtime`, so that the
//! generator can copy these files verbatim into standalone crates.

mod api_error;
mod auth;
mod base64;
mod builder;
mod call;
mod client;
mod error;
mod operation;
mod paging;
mod path;
mod raw;
mod request;
mod retry;
mod timestamp;
mod urls;

pub use api_error::ApiError;
pub use auth::{TokenFuture, TokenProvider};
#[allow(unused_imports)]
pub(crate) use base64::{base64_decode, base64_encode};
pub use builder::{ClientBuilder, Cloud};
pub use client::Client;
pub use error::{BoxError, Error};
#[allow(unused_imports)]
pub(crate) use operation::{debug_request, CallOptions, Operation, Response};
pub use paging::Items;
#[allow(unused_imports)]
pub(crate) use path::ResourcePath;
pub use raw::ByteStream;
pub use request::{RawRequest, RawResponse};
pub use timestamp::{Timestamp, TimestampError};
pub use urls::Redirects;

/// The future an operation's `IntoFuture` returns: boxed so that its type can be named.
#[allow(dead_code)]
pub(crate) type BoxFuture<T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'static>>;
