//! One call as the generated code describes it ([`Operation`]) and Graph's successful answer to it
//! ([`Response`]).

use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, StatusCode};

use crate::runtime::error::{BoxError, Error, OneLine};
use crate::runtime::path::ResourcePath;

/// A request the generated code asks the client to make.
///
/// Its `Debug` output (which [`RawRequest`](crate::runtime::RawRequest)'s shows) names the parts but never
/// a value that may be private: the path as its template, query keys and header names without values,
/// the body as its length and media type.
pub(crate) struct Operation {
    pub(crate) method: Method,
    pub(crate) name: &'static str,
    pub(crate) path: ResourcePath,
    pub(crate) query: Vec<(std::borrow::Cow<'static, str>, String)>,
    /// Extra request headers the operation documents (such as `Prefer`); checked when the request is made.
    pub(crate) headers: Vec<(&'static str, String)>,
    /// An absolute URL Graph handed out (`@odata.nextLink`), used instead of base URL + path + query.
    pub(crate) next_link: Option<String>,
    /// A path the app wrote ([`Client::request`](crate::runtime::Client::request)), relative to the base
    /// URL or an absolute URL under it, used instead of `path`; `query` is added to it.
    pub(crate) raw_path: Option<String>,
    /// The path template tracing shows for `next_link` pages: that of the collection's first request.
    pub(crate) template: Option<String>,
    /// What the app set for this one call: headers, timeout, retries.
    pub(crate) options: CallOptions,
    /// Serialised when the operation is built; an error surfaces from `execute`, before any request.
    pub(crate) body: Option<Result<Vec<u8>, serde_json::Error>>,
    /// Leave a successful answer's body unread, for the caller to stream (`Response::into_stream`).
    pub(crate) stream: bool,
    /// The operation documents no response body: a 2xx status is the whole answer, and nothing after it
    /// is waited for.
    pub(crate) status_only: bool,
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
            raw_path: None,
            template: None,
            options: CallOptions::default(),
            body: None,
            stream: false,
            status_only: false,
        }
    }

    /// Marks an operation whose page documents no response body (`send`, `delete`): a 2xx status
    /// ends the call at once. A server that declares a body and then stalls would otherwise hold a sent
    /// mail's call until its timeout.
    pub(crate) fn status_only(mut self) -> Self {
        self.status_only = true;
        self
    }

    /// The next page of a collection: a GET of the `@odata.nextLink` URL, which must lie under the client's
    /// base URL (the token is never sent anywhere else).
    pub(crate) fn next_page(
        name: &'static str,
        link: String,
        template: String,
        options: CallOptions,
    ) -> Self {
        let mut op = Self::new(Method::GET, name, ResourcePath::root());
        op.next_link = Some(link);
        op.template = Some(template);
        op.options = options;
        op
    }

    /// Applies what the app set for this call (`.header(..)`, `.timeout(..)`, `.max_retries(..)`).
    pub(crate) fn with_options(mut self, options: CallOptions) -> Self {
        self.options = options;
        self
    }

    /// The path as tracing shows it: the template, ids as `{message-id}`, never their values.
    pub(crate) fn path_template(&self) -> String {
        match (&self.template, &self.raw_path) {
            (Some(template), _) => template.clone(),
            (None, Some(_)) => "(raw request)".to_owned(),
            (None, None) => self.path.shown(),
        }
    }

    /// Adds a request header the operation documents.
    pub(crate) fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    /// Adds a query parameter; the key is sent as-is (`$top`), the value percent-encoded.
    pub(crate) fn query(
        mut self,
        key: impl Into<std::borrow::Cow<'static, str>>,
        value: impl Into<String>,
    ) -> Self {
        self.query.push((key.into(), value.into()));
        self
    }

    /// Sets a JSON request body.
    pub(crate) fn json_body<T: serde::Serialize>(mut self, body: &T) -> Self {
        self.body = Some(serde_json::to_vec(body));
        self
    }
}

impl std::fmt::Debug for Operation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let query: Vec<&str> = self.query.iter().map(|(key, _)| key.as_ref()).collect();
        let headers: Vec<&str> = self.headers.iter().map(|(name, _)| *name).collect();
        let path = match (&self.next_link, &self.raw_path) {
            (Some(_), _) | (None, None) => self.path_template(),
            // What the app wrote, without a query or credentials it may hold.
            (None, Some(raw)) => match reqwest::Url::parse(raw) {
                Ok(url) => crate::runtime::urls::sanitized(&url),
                Err(_) => raw.split(['?', '#']).next().unwrap_or_default().to_owned(),
            },
        };
        f.debug_struct("Operation")
            .field("method", &self.method)
            .field("name", &self.name)
            .field("path", &path)
            .field("query", &query)
            .field("headers", &headers)
            .field("options", &self.options)
            .field("body", &self.body.as_ref().map(|body| BodyShown(body, self.content_type())))
            .field("stream", &self.stream)
            .finish_non_exhaustive()
    }
}

/// `Debug` of a generated request builder: its operation, path template and call options. Ids,
/// query values (a `$filter` may hold a mail address) and bodies are left out, as in [`Operation`]'s.
pub(crate) fn debug_request(
    f: &mut std::fmt::Formatter<'_>,
    builder: &'static str,
    operation: &'static str,
    path: &crate::runtime::ResourcePath,
    options: &CallOptions,
) -> std::fmt::Result {
    f.debug_struct(builder)
        .field("operation", &operation)
        .field("path", path)
        .field("options", options)
        .finish_non_exhaustive()
}

/// A request body as `Debug` shows it: its length and media type, never its bytes.
struct BodyShown<'a>(&'a Result<Vec<u8>, serde_json::Error>, &'a str);

impl std::fmt::Debug for BodyShown<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Ok(bytes) => write!(f, "<{} bytes of {}>", bytes.len(), self.1),
            Err(_) => f.write_str("<not serialisable>"),
        }
    }
}

impl Operation {
    /// The media type the body goes out as: the call's or the operation's `Content-Type`, else JSON.
    fn content_type(&self) -> &str {
        let set = self.options.headers().iter().find(|(name, _)| *name == reqwest::header::CONTENT_TYPE);
        match set.and_then(|(_, value)| value.to_str().ok()) {
            Some(media_type) => media_type,
            None => self
                .headers
                .iter()
                .find(|(name, _)| name.eq_ignore_ascii_case("content-type"))
                .map_or("application/json", |(_, value)| value.as_str()),
        }
    }
}

/// Headers a call may not set: the client owns them. `Authorization` comes from the token source only
/// (so that the redirect rules can drop it), and the framing headers from the body.
const RESERVED_HEADERS: [&str; 5] =
    ["authorization", "host", "content-length", "transfer-encoding", "connection"];

/// What an app sets on one call, over the client's settings: extra headers, the timeout of each
/// attempt, the number of retries. Every generated request builder and `Client::request` carry one,
/// and their setters (`.header(..)`, `.timeout(..)`, `.max_retries(..)`) fill it.
///
/// Its `Debug` output shows header names, never their values (an app may pass a secret in one).
#[derive(Clone, Default)]
pub struct CallOptions(
    // Boxed, and absent until something is set: most calls set nothing, and every request future
    // carries this field.
    Option<Box<Settings>>,
);

#[derive(Clone, Default)]
struct Settings {
    headers: Vec<(HeaderName, HeaderValue)>,
    /// The first header refused (by name and why); the call then fails before sending anything.
    refused: Option<String>,
    timeout: Option<Duration>,
    max_retries: Option<u32>,
}

impl std::fmt::Debug for CallOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self.headers().iter().map(|(name, _)| name.as_str()).collect();
        f.debug_struct("CallOptions")
            .field("headers", &names)
            .field("timeout", &self.attempt_timeout())
            .field("max_retries", &self.retries())
            .finish()
    }
}

impl CallOptions {
    fn settings(&mut self) -> &mut Settings {
        self.0.get_or_insert_with(Box::default)
    }

    /// Adds a header to the call, replacing any the operation or the client would send under that name
    /// (`Accept`, `Prefer`, `client-request-id`, …). A name or value that cannot be sent, and the headers
    /// the client owns (`Authorization`, `Host`, `Content-Length`, `Transfer-Encoding`, `Connection`),
    /// make the call fail with [`Error::InvalidRequest`] before anything is sent.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        let settings = self.settings();
        let name_shown: String = name.chars().take(64).collect();
        match (HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_str(value)) {
            (Ok(name), _) if RESERVED_HEADERS.contains(&name.as_str()) => {
                let why = format!("`{name}` is set by the client itself; use a token provider for tokens");
                settings.refused.get_or_insert(why);
            }
            (Ok(name), Ok(mut value)) => {
                value.set_sensitive(true);
                settings.headers.retain(|(n, _)| *n != name);
                settings.headers.push((name, value));
            }
            (Err(_), _) => {
                let why = format!("`{}` is not a valid header name", name_shown.escape_debug());
                settings.refused.get_or_insert(why);
            }
            // The value is not shown: it may be a secret.
            (Ok(name), Err(_)) => {
                settings.refused.get_or_insert(format!("the value of `{name}` is not a valid header value"));
            }
        }
        self
    }

    /// The longest one attempt of the call may take, instead of the client's
    /// [`ClientBuilder::timeout`](crate::runtime::ClientBuilder::timeout); the client's deadline still
    /// bounds the call.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.settings().timeout = Some(timeout);
        self
    }

    /// How many times the call is tried again, instead of the client's
    /// [`ClientBuilder::max_retries`](crate::runtime::ClientBuilder::max_retries).
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.settings().max_retries = Some(retries);
        self
    }

    /// The headers set for this call.
    pub(crate) fn headers(&self) -> &[(HeaderName, HeaderValue)] {
        self.0.as_deref().map_or(&[], |s| &s.headers)
    }

    /// The timeout of each attempt set for this call.
    pub(crate) fn attempt_timeout(&self) -> Option<Duration> {
        self.0.as_deref().and_then(|s| s.timeout)
    }

    /// The retries set for this call.
    pub(crate) fn retries(&self) -> Option<u32> {
        self.0.as_deref().and_then(|s| s.max_retries)
    }

    /// Why a header was refused, if one was.
    pub(crate) fn refused(&self) -> Option<&str> {
        self.0.as_deref().and_then(|s| s.refused.as_deref())
    }

    /// The `client-request-id` the app chose for this call, if it set one.
    pub(crate) fn client_request_id(&self) -> Option<&str> {
        let (_, value) = self.headers().iter().find(|(name, _)| name.as_str() == "client-request-id")?;
        value.to_str().ok()
    }
}

/// A 2xx answer: the server accepted the request, whatever became of its body. Its `Debug` output shows
/// the body's length and media type, never its bytes.
pub(crate) struct Response {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    /// The body, or as much of it as was read before `body_error`.
    pub(crate) body: Vec<u8>,
    /// Why the body was not read in full, if it was not. Only an operation that documents a body fails
    /// on it: for the others the status says everything.
    pub(crate) body_error: Option<BodyFailure>,
    pub(crate) client_request_id: String,
    /// The operation it answers (`Operation::name`), for the errors its body may cause.
    pub(crate) operation: &'static str,
    /// The answer with its body still unread, when the operation asked to stream it.
    pub(crate) unread: Option<reqwest::Response>,
}

impl std::fmt::Debug for Response {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let media_type = self.headers.get(reqwest::header::CONTENT_TYPE).and_then(|v| v.to_str().ok());
        let body = match &self.unread {
            Some(_) => "<unread, for the caller to stream>".to_owned(),
            None => format!("<{} bytes of {}>", self.body.len(), media_type.unwrap_or("no stated type")),
        };
        let headers: Vec<&str> = self.headers.keys().map(HeaderName::as_str).collect();
        f.debug_struct("Response")
            .field("status", &self.status.as_u16())
            .field("headers", &headers)
            .field("body", &format_args!("{body}"))
            .field("body_error", &self.body_error)
            .field("client_request_id", &self.client_request_id)
            .finish()
    }
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
                let (operation, client_request_id) = (self.operation, self.client_request_id);
                Err(Error::Decode { status, operation, snippet: None, client_request_id, source })
            }
        }
    }

    /// Decodes the JSON body; an error keeps the status and the client-request-id, and says that the
    /// server accepted the request.
    pub(crate) fn json<T: serde::de::DeserializeOwned>(self) -> Result<T, Error> {
        let (status, operation) = (self.status.as_u16(), self.operation);
        let client_request_id = self.client_request_id.clone();
        let body = self.bytes()?;
        serde_json::from_slice(&body).map_err(|source| Error::Decode {
            status,
            operation,
            snippet: Some(snippet(&body, &source)),
            client_request_id,
            source: source.into(),
        })
    }
}

/// The body around where `error` says the JSON went wrong: up to 40 bytes on each side, as one line of
/// text ([`OneLine`]).
fn snippet(body: &[u8], error: &serde_json::Error) -> String {
    // serde_json counts lines from 1 and columns in bytes from 1 (0 before the first byte of a line).
    let line_start: usize =
        body.split(|&b| b == b'\n').take(error.line().saturating_sub(1)).map(|line| line.len() + 1).sum();
    let at = (line_start + error.column().saturating_sub(1)).min(body.len());
    let from = at.saturating_sub(40);
    let to = at.saturating_add(40).min(body.len());
    let text = String::from_utf8_lossy(&body[from..to]);
    let text = text.trim_start_matches('\u{fffd}').trim_end_matches('\u{fffd}');
    let (open, close) = (if from > 0 { "…" } else { "" }, if to < body.len() { "…" } else { "" });
    format!("{open}{}{close}", OneLine(text))
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
            operation: "op",
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
            operation: "op",
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
