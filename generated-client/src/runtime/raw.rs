//! Bodies that are not JSON (`$value`, file contents): bytes sent with their media type, and answers read
//! as bytes, whole or as a stream of chunks.

use std::pin::Pin;
use std::task::{Context, Poll};

use futures_util::stream::{self, Stream};

use crate::runtime::error::Error;
use crate::runtime::operation::{Operation, Response};

#[allow(dead_code)]
impl Operation {
    /// Sets a request body of raw bytes, sent as `content_type` (such as `application/octet-stream`).
    pub(crate) fn raw_body(mut self, content_type: &'static str, body: Vec<u8>) -> Self {
        self.body = Some(Ok(body));
        self.header("content-type", content_type)
    }

    /// Asks for an answer in these media types instead of JSON.
    pub(crate) fn accept(self, media_types: &'static str) -> Self {
        self.header("accept", media_types)
    }

    /// Leaves a successful answer's body unread, for [`Response::into_stream`].
    pub(crate) fn streamed(mut self) -> Self {
        self.stream = true;
        self
    }
}

#[allow(dead_code)]
impl Response {
    /// The body chunk by chunk as it arrives, for an operation built [`Operation::streamed`]; otherwise the
    /// body already read, as one chunk.
    pub(crate) fn into_stream(self) -> Result<ByteStream, Error> {
        let Some(response) = self.unread else {
            let body = self.bytes()?;
            let once = stream::iter((!body.is_empty()).then_some(Ok(body)));
            return Ok(ByteStream { inner: Box::pin(once) });
        };
        let (status, operation, client_request_id) =
            (self.status.as_u16(), self.operation, self.client_request_id);
        let chunks = stream::unfold(Some(response), move |state| {
            let client_request_id = client_request_id.clone();
            async move {
                let mut response = state?;
                match response.chunk().await {
                    Ok(Some(chunk)) => Some((Ok(chunk), Some(response))),
                    Ok(None) => None,
                    // The answer was cut short (or timed out): what came is all there is, and the stream
                    // ends with why. The status was 2xx, so the server accepted the request: a `Decode`
                    // error, not "may have reached the server".
                    Err(source) => {
                        let source = source.into();
                        let error =
                            Error::Decode { status, operation, snippet: None, client_request_id, source };
                        Some((Err(error), None))
                    }
                }
            }
        });
        Ok(ByteStream { inner: Box::pin(chunks) })
    }
}

/// A body too large to hold at once, as a [`Stream`] of chunks in the order they arrive. It ends after the
/// last chunk, or after an error (which it yields) if the connection breaks.
#[must_use = "a stream does nothing until it is polled"]
pub struct ByteStream {
    inner: Pin<Box<dyn Stream<Item = Result<bytes::Bytes, Error>> + Send>>,
}

impl std::fmt::Debug for ByteStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ByteStream").finish_non_exhaustive()
    }
}

impl Stream for ByteStream {
    type Item = Result<bytes::Bytes, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }
}
