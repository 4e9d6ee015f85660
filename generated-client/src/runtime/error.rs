//! The crate's one error type, [`Error`]: what went wrong, and whether the request may have reached the
//! server. Graph's own error answer is [`ApiError`], read in `api_error.rs`.

use std::time::Duration;

use crate::runtime::api_error::ApiError;

/// An error from any layer (configuration, transport, or Graph's own error answer) boxed so that
/// callers can carry it without naming it.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Everything that can go wrong when building a [`Client`](crate::runtime::Client) or making a call.
///
/// Match on the variant for the kind of failure, or use the accessors: [`Error::status`] and
/// [`Error::code`] for Graph's answer, [`Error::client_request_id`] to find the call in Graph's logs.
/// No variant ever contains the bearer token.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// [`ClientBuilder::build`](crate::runtime::ClientBuilder::build) refused its settings.
    #[non_exhaustive]
    Config {
        /// What is wrong, in words.
        reason: String,
    },

    /// The request cannot be made as asked (an id that cannot be one URL segment, a URL too long to
    /// send, a header value that cannot be sent, an `@odata.nextLink` outside the base URL). Nothing was
    /// sent, and it is never retried.
    #[non_exhaustive]
    InvalidRequest {
        /// What was refused: the spec's name of a parameter (`message-id`), a header (`Prefer`),
        /// `url` or `@odata.nextLink`.
        name: &'static str,
        /// Why it was refused.
        reason: String,
    },

    /// The request body could not be serialised to JSON; no request was made.
    #[non_exhaustive]
    Body {
        /// The operation, such as `message.send`.
        operation: &'static str,
        /// The serialiser's error.
        source: serde_json::Error,
    },

    /// The token provider failed, or returned something that cannot be sent as a header.
    #[non_exhaustive]
    Token {
        /// The provider's error.
        source: BoxError,
    },

    /// Graph (or a proxy in front of it) answered with a status other than 2xx or a redirect, such as
    /// 404, 429, or 304 Not Modified to a conditional request (`If-None-Match`).
    Api(Box<ApiError>),

    /// No connection could be made, so the request never reached the server; it was retried as
    /// often as the client allows.
    #[non_exhaustive]
    Connect {
        /// The `client-request-id` header the call would have sent.
        client_request_id: String,
        /// The transport's error.
        source: BoxError,
    },

    /// No answer arrived in time. The request may have reached the server, so it was not sent
    /// again unless its method is safe to repeat.
    #[non_exhaustive]
    Timeout {
        /// The `client-request-id` header sent with the call.
        client_request_id: String,
        /// The transport's error.
        source: BoxError,
    },

    /// The connection failed after the request was (or may have been) written. The request may
    /// have reached the server, so it was not sent again unless its method is safe to repeat.
    #[non_exhaustive]
    Interrupted {
        /// The `client-request-id` header sent with the call.
        client_request_id: String,
        /// The transport's error.
        source: BoxError,
    },

    /// The server accepted the request (a 2xx answer), but its body, which the operation documents, is
    /// not the JSON expected or was cut short (also midway through a [`ByteStream`](crate::runtime::ByteStream)).
    /// Do not send the request again: it was carried out.
    #[non_exhaustive]
    Decode {
        /// The HTTP status of the answer.
        status: u16,
        /// The operation whose answer it is, such as `me.messages.list` (`request` for
        /// [`Client::request`](crate::runtime::Client::request)).
        operation: &'static str,
        /// The body around where the JSON went wrong (at most 80 bytes, control characters escaped);
        /// `None` when the body was cut short.
        snippet: Option<String>,
        /// The `client-request-id` header sent with the call.
        client_request_id: String,
        /// The decoder's or the transport's error.
        source: BoxError,
    },

    /// The server accepted the request (a 2xx answer), but its body is larger than
    /// [`ClientBuilder::max_response_body`](crate::runtime::ClientBuilder::max_response_body); the
    /// rest was not read. Do not send the request again: it was carried out.
    #[non_exhaustive]
    BodyTooLarge {
        /// The HTTP status of the answer.
        status: u16,
        /// The limit in bytes.
        limit: u64,
        /// The `client-request-id` header sent with the call.
        client_request_id: String,
    },

    /// The server answered with a redirect (3xx), which was not followed: by default none is, and
    /// with [`Redirects::FollowGetWithinBaseUrl`](crate::runtime::Redirects) only a `GET`'s redirect to
    /// a place under the base URL is. The request reached the server, which may have carried it out
    /// (a `303` says it did), so [`Error::may_have_reached_server`] is true: never resend a `POST` on it.
    #[non_exhaustive]
    Redirect {
        /// The HTTP status (301, 302, 303, 307, 308, …; never 304, which is [`Error::Api`]).
        status: u16,
        /// The `Location` header reduced to scheme, host, port and path (no credentials, query or
        /// fragment), resolved against the request's URL; `None` when missing or unreadable.
        location: Option<String>,
        /// The `client-request-id` header sent with the call.
        client_request_id: String,
    },

    /// The call did not finish within
    /// [`ClientBuilder::deadline`](crate::runtime::ClientBuilder::deadline), counting every attempt
    /// and every wait between them.
    #[non_exhaustive]
    Deadline {
        /// The deadline.
        deadline: Duration,
        /// Whether an attempt was on its way without an answer, so that the server may have
        /// carried the request out.
        may_have_reached_server: bool,
        /// The `client-request-id` header sent with the call.
        client_request_id: String,
    },

    /// A collection stream stopped after
    /// [`ClientBuilder::max_pages`](crate::runtime::ClientBuilder::max_pages) pages, the items of
    /// which it yielded.
    #[non_exhaustive]
    TooManyPages {
        /// The limit.
        limit: u32,
        /// The `client-request-id` of the last page read.
        client_request_id: String,
    },

    /// A page's `@odata.nextLink` leads to a page already read (compared without its `#fragment`),
    /// so following it would loop forever. The items of the page were yielded once.
    #[non_exhaustive]
    PagingLoop {
        /// The link, reduced to scheme, host, port and path.
        link: String,
        /// The `client-request-id` of the page that handed it out.
        client_request_id: String,
    },
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Config { reason } => write!(f, "invalid client configuration: {reason}"),
            Self::InvalidRequest { name, reason } => {
                write!(f, "invalid request: `{name}` {reason}; nothing was sent")
            }
            Self::Body { operation, .. } => {
                write!(f, "could not serialise the request body of `{operation}`")
            }
            Self::Token { .. } => f.write_str("could not get a bearer token"),
            Self::Api(api) => std::fmt::Display::fmt(api, f),
            Self::Connect { client_request_id, .. } => {
                write!(f, "could not connect to the server (client-request-id {client_request_id})")
            }
            Self::Timeout { client_request_id, .. } => write!(
                f,
                "timed out waiting for the response; the request may have reached the server \
                 (client-request-id {client_request_id})"
            ),
            Self::Interrupted { client_request_id, .. } => write!(
                f,
                "the connection failed before a response arrived; the request may have reached the server \
                 (client-request-id {client_request_id})"
            ),
            Self::Decode { status, operation, snippet, client_request_id, .. } => {
                write!(f, "the server accepted the request ({status}), but its answer to `{operation}` could not be read")?;
                if let Some(snippet) = snippet {
                    write!(f, " near `{snippet}`")?;
                }
                write!(f, " (client-request-id {client_request_id})")
            }
            Self::BodyTooLarge { status, limit, client_request_id } => write!(
                f,
                "the server accepted the request ({status}), but its answer is larger than the limit of \
                 {limit} bytes (client-request-id {client_request_id})"
            ),
            Self::Redirect { status, location, client_request_id } => write!(
                f,
                "the server answered {status} redirecting to {}, which is not followed \
                 (client-request-id {client_request_id})",
                location.as_deref().unwrap_or("nowhere")
            ),
            Self::Deadline { deadline, may_have_reached_server, client_request_id } => write!(
                f,
                "the call did not finish within its deadline of {deadline:?}; {} (client-request-id {client_request_id})",
                if *may_have_reached_server {
                    "the request may have reached the server"
                } else {
                    "the server did not carry it out"
                }
            ),
            Self::TooManyPages { limit, client_request_id } => write!(
                f,
                "the collection has more than {limit} pages, the most one stream follows \
                 (client-request-id {client_request_id} of the last page)"
            ),
            Self::PagingLoop { link, client_request_id } => write!(
                f,
                "the collection loops: @odata.nextLink {link} was followed before \
                 (client-request-id {client_request_id} of the last page)"
            ),
        }
    }
}

/// Written out rather than derived (`thiserror`), which keeps a proc-macro crate out of every app's build.
impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Body { source, .. } => Some(source),
            Self::Token { source }
            | Self::Connect { source, .. }
            | Self::Timeout { source, .. }
            | Self::Interrupted { source, .. }
            | Self::Decode { source, .. } => Some(source.as_ref()),
            // Transparent, as for `Display`: the answer's own source.
            Self::Api(api) => std::error::Error::source(api.as_ref()),
            _ => None,
        }
    }
}

/// Text a server wrote, as the client's messages show it: control characters (line breaks, terminal
/// escapes) and bidirectional overrides escaped (`\n`, `\u{1b}`), so that it stays one line in a log and
/// cannot restyle a terminal or forge a log line.
pub(crate) struct OneLine<'a>(pub(crate) &'a str);

impl std::fmt::Display for OneLine<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use std::fmt::Write;
        for c in self.0.chars() {
            if c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}') {
                for escaped in c.escape_default() {
                    f.write_char(escaped)?;
                }
            } else {
                f.write_char(c)?;
            }
        }
        Ok(())
    }
}

impl Error {
    /// The error as the client's own events record it: a redirect's `Location` holds ids in its path,
    /// so it is left out unless the app opted in (`ClientBuilder::trace_ids`).
    pub(crate) fn logged(&self, ids: bool) -> impl std::fmt::Display + '_ {
        struct Logged<'a>(&'a Error, bool);
        impl std::fmt::Display for Logged<'_> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                match self.0 {
                    Error::Redirect { status, client_request_id, .. } if !self.1 => write!(
                        f,
                        "the server answered {status} with a redirect, which is not followed \
                         (client-request-id {client_request_id})"
                    ),
                    error => error.fmt(f),
                }
            }
        }
        Logged(self, ids)
    }

    /// The HTTP status of Graph's answer, when there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Api(api) => Some(api.status()),
            Self::Decode { status, .. }
            | Self::BodyTooLarge { status, .. }
            | Self::Redirect { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// Graph's error code, such as `ErrorItemNotFound`.
    pub fn code(&self) -> Option<&str> {
        self.api().and_then(ApiError::code)
    }

    /// Graph's error message, meant for people.
    pub fn message(&self) -> Option<&str> {
        self.api().and_then(ApiError::message)
    }

    /// Graph's id for the request (`innerError.request-id`, else the `request-id` header).
    pub fn request_id(&self) -> Option<&str> {
        self.api().and_then(ApiError::request_id)
    }

    /// The `client-request-id` this client sent, the same for every retry of one call.
    pub fn client_request_id(&self) -> Option<&str> {
        match self {
            Self::Api(api) => Some(api.client_request_id()),
            Self::Connect { client_request_id, .. }
            | Self::Timeout { client_request_id, .. }
            | Self::Interrupted { client_request_id, .. }
            | Self::Decode { client_request_id, .. }
            | Self::BodyTooLarge { client_request_id, .. }
            | Self::Redirect { client_request_id, .. }
            | Self::Deadline { client_request_id, .. }
            | Self::TooManyPages { client_request_id, .. }
            | Self::PagingLoop { client_request_id, .. } => Some(client_request_id),
            _ => None,
        }
    }

    /// How long Graph asked the caller to wait (`Retry-After`) before trying again.
    pub fn retry_after(&self) -> Option<Duration> {
        self.api().and_then(ApiError::retry_after)
    }

    /// Graph's error answer, for the status, code and body together.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Self::Api(api) => Some(api),
            _ => None,
        }
    }

    /// True for failures that a later call may not meet: throttling (429), unavailability (503)
    /// and connections that could not be made. A 504 is not among them: a gateway passed the request
    /// on and stopped waiting, so the service may have carried it out (a mail may have gone).
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Api(api) => matches!(api.status(), 429 | 503),
            Self::Connect { .. } => true,
            _ => false,
        }
    }

    /// True when the request may have been carried out although no success was read, so sending it
    /// again might repeat its effect (send a mail twice): bytes were sent and no answer came, a
    /// redirect answered, or the answer was a 500, 502 or 504 (the service failed part way, or a
    /// gateway passed the request on and stopped waiting). A 429 or 503 is not among them: Graph
    /// sends those before it does any work.
    pub fn may_have_reached_server(&self) -> bool {
        match self {
            Self::Timeout { .. } | Self::Interrupted { .. } | Self::Redirect { .. } => true,
            Self::Api(api) => matches!(api.status(), 500 | 502 | 504),
            Self::Deadline { may_have_reached_server, .. } => *may_have_reached_server,
            _ => false,
        }
    }

    /// True when the server accepted the request (a 2xx answer) although its body could not be read:
    /// the request was carried out, and sending it again would repeat it.
    pub fn was_accepted(&self) -> bool {
        matches!(self, Self::Decode { .. } | Self::BodyTooLarge { .. })
    }

    /// True when nothing was sent because the request could not be made as asked.
    pub fn is_invalid_request(&self) -> bool {
        matches!(self, Self::InvalidRequest { .. })
    }

    /// True when no answer arrived in time: an attempt's timeout or the call's deadline.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Self::Timeout { .. } | Self::Deadline { .. })
    }

    /// True when no connection could be made.
    pub fn is_connect(&self) -> bool {
        matches!(self, Self::Connect { .. })
    }

    pub(crate) fn config(reason: impl Into<String>) -> Self {
        Self::Config { reason: reason.into() }
    }

    pub(crate) fn invalid(name: &'static str, reason: impl Into<String>) -> Self {
        Self::InvalidRequest { name, reason: reason.into() }
    }
}
