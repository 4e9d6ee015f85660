//! Bodies that are not JSON (`$value`, file contents): bytes sent with their media type, and answers read
//! as bytes.

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
}

#[allow(dead_code)]
impl Response {
    /// The body as Graph sent it, without copying it.
    pub(crate) fn bytes(self) -> Result<bytes::Bytes, Error> {
        Ok(bytes::Bytes::from(self.body))
    }
}
