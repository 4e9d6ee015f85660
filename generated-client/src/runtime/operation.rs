//! One call as the generated code describes it ([`Operation`]) and Graph's successful answer to it
//! ([`Response`]).

use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};

use crate::runtime::error::{BoxError, Error};
use crate::runtime::path::ResourcePath;

/// A request the generated code asks the client to make.
#[derive(Debug)]
pub(crate) struct Operation {
    pub(crate) method: Method,
    pub(crate) name: &'static str,
    pub(crate) path: ResourcePath,
    pub(crate) query: Vec<(&'static str, String)>,
    /// Extra request headers the operation documents (such as `Prefer`); checked when the request is made.
    pub(crate) headers: Vec<(&'static str, String)>,
    /// An absolute URL Graph handed out (`@odata.nextLink`), used instead of base URL + path + query.
    pub(crate) next_link: Option<String>,
    /// Serialised when the operation is built; an error surfaces from `execute`, before any request.
    pub(crate) body: Option<Result<Vec<u8>, serde_json::Error>>,
    /// Leave a successful answer's body unread, for the caller to stream (`Response::into_stream`).
    pub(crate) stream: bool,
}

#[allow(dead_code)]
impl Operation {
    /// An operation without query or body; `name` (such as `message.send`) labels its tracing span.
    pub(crate) fn new(method: Method, name: &'static str, path: ResourcePath) -> Self {
        Self {
            method,
            name,
            path,
            query: Vec::new(),
            headers: Vec::new(),
            next_link: None,
            body: None,
            stream: false,
        }
    }

    /// The next page of a collection: a GET of the `@odata.nextLink` URL, which must lie under the client's
    /// base URL (the token is never sent anywhere else).
    pub(crate) fn next_page(name: &'static str, link: String) -> Self {
        let mut op = Self::new(Method::GET, name, ResourcePath::root());
        op.next_link = Some(link);
        op
    }

    /// Adds a request header the operation documents.
    pub(crate) fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    /// Adds a query parameter; the key is sent as-is (`$top`), the value percent-encoded.
    pub(crate) fn query(mut self, key: &'static str, value: impl Into<String>) -> Self {
        self.query.push((key, value.into()));
        self
    }

    /// Sets a JSON request body.
    pub(crate) fn json_body<T: serde::Serialize>(mut self, body: &T) -> Self {
        self.body = Some(serde_json::to_vec(body));
        self
    }
}

/// A 2xx answer: the server accepted the request, whatever became of its body.
#[derive(Debug)]
pub(crate) struct Response {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    /// The body, or as much of it as was read before `body_error`.
    pub(crate) body: Vec<u8>,
    /// Why the body was not read in full, if it was not. Only an operation that documents a body fails
    /// on it: for the others the status says everything.
    pub(crate) body_error: Option<BodyFailure>,
    pub(crate) client_request_id: String,
    /// The answer with its body still unread, when the operation asked to stream it.
    pub(crate) unread: Option<reqwest::Response>,
}

/// Why a 2xx body was not read in full.
#[derive(Debug)]
pub(crate) enum BodyFailure {
    /// It is longer than the limit (in bytes); the rest was not read.
    TooLarge(u64),
    /// The connection failed or the deadline passed while it was read.
    Cut(BoxError),
}

#[allow(dead_code)]
impl Response {
    /// The HTTP status.
    pub(crate) fn status(&self) -> u16 {
        self.status.as_u16()
    }

    /// The answer's headers.
    pub(crate) fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// Success for an operation without a response body: any 2xx, whatever the body holds, even one
    /// cut short or too large: the server accepted the request.
    pub(crate) fn no_content(self) -> Result<(), Error> {
        Ok(())
    }

    /// The whole body; an error (saying that the server accepted the request) when it was cut short
    /// or too large.
    pub(crate) fn bytes(self) -> Result<bytes::Bytes, Error> {
        let status = self.status.as_u16();
        match self.body_error {
            None => Ok(bytes::Bytes::from(self.body)),
            Some(BodyFailure::TooLarge(limit)) => {
                Err(Error::BodyTooLarge { status, limit, client_request_id: self.client_request_id })
            }
            Some(BodyFailure::Cut(source)) => {
                Err(Error::Decode { status, client_request_id: self.client_request_id, source })
            }
        }
    }

    /// Decodes the JSON body; an error keeps the status and the client-request-id, and says that the
    /// server accepted the request.
    pub(crate) fn json<T: serde::de::DeserializeOwned>(self) -> Result<T, Error> {
        let status = self.status.as_u16();
        let client_request_id = self.client_request_id.clone();
        let body = self.bytes()?;
        serde_json::from_slice(&body).map_err(|source| Error::Decode {
            status,
            client_request_id,
            source: source.into(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_error_keeps_status() {
        let response = Response {
            status: StatusCode::OK,
            headers: HeaderMap::new(),
            body: b"<html>".to_vec(),
            body_error: None,
            client_request_id: "crid".into(),
            unread: None,
        };
        let err = response.json::<serde_json::Value>().err();
        assert_eq!(err.as_ref().and_then(Error::status), Some(200));
        assert_eq!(err.as_ref().and_then(Error::client_request_id), Some("crid"));
        assert!(err.as_ref().is_some_and(Error::was_accepted));
        let text = err.map(|e| e.to_string()).unwrap_or_default();
        assert!(text.contains("the server accepted the request (200)"), "{text}");
    }

    #[test]
    fn a_cut_body_fails_only_where_a_body_is_expected() {
        let cut = || Response {
            status: StatusCode::ACCEPTED,
            headers: HeaderMap::new(),
            body: b"{\"id\":".to_vec(),
            body_error: Some(BodyFailure::Cut("connection reset".into())),
            client_request_id: "crid".into(),
            unread: None,
        };
        assert!(cut().no_content().is_ok());
        let err = cut().json::<serde_json::Value>().err();
        assert!(matches!(err, Some(Error::Decode { status: 202, .. })), "{err:?}");
        assert!(!err.as_ref().is_some_and(Error::may_have_reached_server));
    }

    #[test]
    fn body_errors_are_kept_until_execute() {
        struct Refuses;
        impl serde::Serialize for Refuses {
            fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
                Err(serde::ser::Error::custom("no"))
            }
        }
        let op = Operation::new(Method::POST, "x", ResourcePath::root()).json_body(&Refuses);
        assert!(matches!(op.body, Some(Err(_))));
    }
}
