//! Where bearer tokens come from (a fixed token or a [`TokenProvider`]), and keeping them out of
//! `Debug` output and logs.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use reqwest::header::HeaderValue;

use crate::runtime::error::{BoxError, Error};

/// The future a [`TokenProvider`] returns.
pub type TokenFuture<'a> = Pin<Box<dyn Future<Output = Result<String, BoxError>> + Send + 'a>>;

/// A source of bearer tokens, asked before every attempt of every call, so that a token that
/// expires between retries is replaced.
///
/// Implementations cache and refresh the token themselves. Any closure that returns a future of
/// `Result<String, E>` is a provider:
///
/// ```
/// # fn main() -> Result<(), generated_client::Error> {
/// let client = generated_client::Client::builder()
///     .token_provider(|| async { Ok::<_, std::io::Error>("tok-123".to_owned()) })
///     .build()?;
/// # Ok(()) }
/// ```
///
/// or implement it on a type of your own:
///
/// ```
/// use generated_client::{TokenFuture, TokenProvider};
///
/// struct FromEnv;
///
/// impl TokenProvider for FromEnv {
///     fn token(&self) -> TokenFuture<'_> {
///         Box::pin(async { std::env::var("GRAPH_TOKEN").map_err(Into::into) })
///     }
/// }
/// # let _ = generated_client::Client::builder().token_provider(FromEnv);
/// ```
pub trait TokenProvider: Send + Sync {
    /// Returns the token to send as `Authorization: Bearer <token>`, without the `Bearer ` prefix.
    fn token(&self) -> TokenFuture<'_>;
}

impl<F, Fut, E> TokenProvider for F
where
    F: Fn() -> Fut + Send + Sync,
    Fut: Future<Output = Result<String, E>> + Send + 'static,
    E: Into<BoxError>,
{
    fn token(&self) -> TokenFuture<'_> {
        let future = self();
        Box::pin(async move { future.await.map_err(Into::into) })
    }
}

/// The configured token source. Its `Debug` output never shows a token.
#[derive(Clone)]
pub(crate) enum TokenSource {
    /// A fixed token's `Authorization` value, made once when the builder is given it (not per call), or
    /// why it cannot be sent, which each call reports as a provider's failure would be.
    Static(Result<HeaderValue, &'static str>),
    Provider(Arc<dyn TokenProvider>),
}

impl std::fmt::Debug for TokenSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Static(_) => f.write_str("Static(<redacted>)"),
            Self::Provider(_) => f.write_str("Provider(..)"),
        }
    }
}

impl TokenSource {
    /// Returns the `Authorization` header value: a fixed token's, or one made from what the provider
    /// hands out for this attempt.
    pub(crate) async fn header(&self) -> Result<HeaderValue, Error> {
        let value = match self {
            Self::Static(value) => value.clone(),
            Self::Provider(provider) => {
                let token = provider.token().await.map_err(|source| Error::Token { source })?;
                bearer(&token)
            }
        };
        value.map_err(|why| Error::Token { source: why.into() })
    }

    /// A fixed token, its header made here once.
    pub(crate) fn fixed(token: &str) -> Self {
        Self::Static(bearer(token))
    }
}

/// The `Authorization` value for `token`, marked sensitive so that the HTTP stack never logs it; the error
/// names no part of the token: it is a secret even when it is malformed.
fn bearer(token: &str) -> Result<HeaderValue, &'static str> {
    let token = token.trim();
    if token.is_empty() {
        return Err("the token is empty");
    }
    let mut value = HeaderValue::from_str(&format!("Bearer {token}"))
        .map_err(|_| "the token contains characters that cannot be sent in a header")?;
    value.set_sensitive(true);
    Ok(value)
}
