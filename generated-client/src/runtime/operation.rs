//! One call as the generated code describes it ([`Operation`]) and Graph's successful answer to it
//! ([`Response`]).

use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};

use crate::runtime::error::Error;
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

/// A 2xx answer, read in full.
#[derive(Debug)]
pub(crate) struct Response {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Vec<u8>,
    pub(crate) client_request_id: String,
    /// The answer with its body still unread, when the operation asked to stream it.
    pub(crate) unread: Option<reqwest::Response>,
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

    /// Success for an operation without a response body: any 2xx, whatever the body holds.
    pub(crate) fn no_content(self) -> Result<(), Error> {
        Ok(())
    }

    /// Decodes the JSON body; a decode error keeps the status and the client-request-id.
    pub(crate) fn json<T: serde::de::DeserializeOwned>(self) -> Result<T, Error> {
        serde_json::from_slice(&self.body).map_err(|source| Error::Decode {
            status: self.status.as_u16(),
            client_request_id: self.client_request_id,
            source,
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
            client_request_id: "crid".into(),
            unread: None,
        };
        let err = response.json::<serde_json::Value>().err();
        assert_eq!(err.as_ref().and_then(Error::status), Some(200));
        assert_eq!(err.as_ref().and_then(Error::client_request_id), Some("crid"));
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
