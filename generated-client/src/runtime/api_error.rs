//! [`ApiError`]: a non-2xx answer, and the lenient reading of Graph's error JSON
//! (`{"error":{"code","message","innerError":{"date","request-id","client-request-id"}}}`).

use std::time::Duration;

use crate::runtime::error::OneLine;

/// A non-2xx answer: its status, and whatever of Graph's error JSON could be read from the body.
///
/// At most [`ClientBuilder::max_error_body`](crate::runtime::ClientBuilder::max_error_body) bytes of
/// the body are kept; the rest is counted ([`ApiError::body_len`]) and dropped. Its `Debug` output shows
/// the body's length, not its text (a server may echo a request, token included, into it):
/// [`ApiError::body`] has it.
#[derive(Clone)]
pub struct ApiError {
    status: u16,
    code: Option<String>,
    message: Option<String>,
    request_id: Option<String>,
    date: Option<String>,
    client_request_id: String,
    retry_after: Option<Duration>,
    www_authenticate: Option<String>,
    body: String,
    body_len: u64,
    truncated: bool,
}

impl std::fmt::Debug for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiError")
            .field("status", &self.status)
            .field("code", &self.code)
            .field("message", &self.message)
            .field("request_id", &self.request_id)
            .field("date", &self.date)
            .field("client_request_id", &self.client_request_id)
            .field("retry_after", &self.retry_after)
            .field("www_authenticate", &self.www_authenticate)
            .field("body", &format_args!("<{} bytes, {} kept>", self.body_len, self.body.len()))
            .finish()
    }
}

impl ApiError {
    /// Reads the answer leniently: any field of Graph's error JSON may be missing or of another
    /// type, and a body that is not JSON at all (a proxy's HTML page) is kept as text. `body` is
    /// what was kept of the body, `body_len` how many bytes the whole body had; of the `headers`,
    /// `request-id` and `WWW-Authenticate` are kept.
    pub(crate) fn new(
        status: u16,
        headers: &reqwest::header::HeaderMap,
        client_request_id: String,
        retry_after: Option<Duration>,
        body: &[u8],
        body_len: u64,
    ) -> Self {
        let header = |name| headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
        let header_request_id = header("request-id");
        let www_authenticate = header(reqwest::header::WWW_AUTHENTICATE.as_str());
        let body_len = body_len.max(body.len() as u64);
        let truncated = body_len > body.len() as u64;
        let body = String::from_utf8_lossy(body).into_owned();
        let json = serde_json::from_str::<serde_json::Value>(&body).ok();
        let error = json.as_ref().and_then(|v| v.get("error"));
        let inner = error.and_then(|e| {
            e.get("innerError").or_else(|| e.get("innererror")).or_else(|| e.get("InnerError"))
        });
        let code = error.and_then(|e| text(e.get("code")));
        let message = error.and_then(|e| text(e.get("message")));
        let date = inner.and_then(|i| text(i.get("date")));
        let request_id = inner.and_then(|i| text(i.get("request-id"))).or(header_request_id);
        Self {
            status,
            code,
            message,
            request_id,
            date,
            client_request_id,
            retry_after,
            www_authenticate,
            body,
            body_len,
            truncated,
        }
    }

    /// The HTTP status.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// Graph's error code (`error.code`).
    pub fn code(&self) -> Option<&str> {
        self.code.as_deref()
    }

    /// Graph's error message (`error.message`).
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    /// Graph's request id (`error.innerError.request-id`, else the `request-id` header).
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// When Graph says the error happened (`error.innerError.date`), as Graph wrote it.
    pub fn date(&self) -> Option<&str> {
        self.date.as_deref()
    }

    /// The `client-request-id` this client sent.
    pub fn client_request_id(&self) -> &str {
        &self.client_request_id
    }

    /// The wait Graph asked for in `Retry-After`, if any.
    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }

    /// The `WWW-Authenticate` header of the answer (a 401's challenge), as the server wrote it. The
    /// client does not retry a 401 or ask its token provider again, which would hand out the same token;
    /// a claims challenge (`error="insufficient_claims", claims="…"`, Graph's continuous access
    /// evaluation) is for the app to take to its identity library for a new token.
    pub fn www_authenticate(&self) -> Option<&str> {
        self.www_authenticate.as_deref()
    }

    /// The answer's body as text (invalid UTF-8 replaced), whatever its content type; only its first
    /// [`max_error_body`](crate::runtime::ClientBuilder::max_error_body) bytes when it was longer.
    pub fn body(&self) -> &str {
        &self.body
    }

    /// How many bytes the body had, kept or not. When the body was longer than
    /// [`max_response_body`](crate::runtime::ClientBuilder::max_response_body), or arrived too slowly
    /// for the call's deadline, the client stopped reading it, and this is what it counted up to then.
    pub fn body_len(&self) -> u64 {
        self.body_len
    }

    /// True when [`ApiError::body`] holds less than the whole body.
    pub fn body_truncated(&self) -> bool {
        self.truncated
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The server's text, escaped to one line; the accessors give it as written.
        write!(f, "server answered {}", self.status)?;
        if let Some(code) = &self.code {
            write!(f, " {}", OneLine(code))?;
        }
        if let Some(message) = &self.message {
            write!(f, ": {}", OneLine(message))?;
        }
        write!(f, " (client-request-id {}", OneLine(&self.client_request_id))?;
        if let Some(request_id) = &self.request_id {
            write!(f, ", request-id {}", OneLine(request_id))?;
        }
        f.write_str(")")
    }
}

impl std::error::Error for ApiError {}

/// A JSON string as-is, any other non-null value as its JSON text (Graph has sent `date` both ways).
fn text(value: Option<&serde_json::Value>) -> Option<String> {
    match value? {
        serde_json::Value::Null => None,
        serde_json::Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(body: &str) -> ApiError {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert("request-id", reqwest::header::HeaderValue::from_static("hdr-id"));
        ApiError::new(404, &headers, "crid".into(), None, body.as_bytes(), 0)
    }

    #[test]
    fn full_graph_error() {
        let e = read(
            r#"{"error":{"code":"ErrorItemNotFound","message":"Not found.",
               "innerError":{"date":"2024-01-01T00:00:00","request-id":"rid","client-request-id":"crid"}}}"#,
        );
        assert_eq!(e.code(), Some("ErrorItemNotFound"));
        assert_eq!(e.message(), Some("Not found."));
        assert_eq!(e.request_id(), Some("rid"));
        assert_eq!(e.date(), Some("2024-01-01T00:00:00"));
        assert_eq!(
            e.to_string(),
            "server answered 404 ErrorItemNotFound: Not found. (client-request-id crid, request-id rid)"
        );
    }

    #[test]
    fn missing_and_odd_fields_are_tolerated() {
        let e = read(r#"{"error":{"code":7,"innererror":{"date":20240101}}}"#);
        assert_eq!(e.code(), Some("7"));
        assert_eq!(e.message(), None);
        assert_eq!(e.date(), Some("20240101"));
        assert_eq!(e.request_id(), Some("hdr-id"));
        let e = read(r#"{"error":"nope"}"#);
        assert_eq!((e.code(), e.status()), (None, 404));
    }

    #[test]
    fn non_json_body_is_kept_as_text() {
        let e = read("<html>Length Required</html>");
        assert_eq!(e.code(), None);
        assert_eq!(e.body(), "<html>Length Required</html>");
    }
}
