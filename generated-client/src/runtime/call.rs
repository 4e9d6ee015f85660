//! One call's attempts: the token, the headers, the request and any redirect the policy follows, the
//! answer read within the call's limits, and the retries between attempts (`Retry-After`, backoff, the
//! deadline over them all).

use std::time::Duration;

use reqwest::header::{
    HeaderMap, HeaderName, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE,
};
use reqwest::{Method, Url};

use crate::runtime::api_error::ApiError;
use crate::runtime::client::Inner;
use crate::runtime::error::Error;
use crate::runtime::operation::{BodyFailure, Operation, Response};
use crate::runtime::retry;
use crate::runtime::urls::sanitized;

/// The header Graph echoes in its logs and error answers to tie them to a call. Names and values that
/// every request sends are constants, so that no call parses or copies them.
const CLIENT_REQUEST_ID: HeaderName = HeaderName::from_static("client-request-id");
const JSON: HeaderValue = HeaderValue::from_static("application/json");

/// Why an attempt failed, and whether and when it may be tried again.
enum Next {
    /// Not again: the failure is final, or the request may have reached the server.
    Stop,
    /// After the wait the server asked for.
    After(std::time::Duration),
    /// After the policy's backoff.
    Backoff,
}
impl Inner {
    pub(super) async fn run(
        &self,
        mut op: Operation,
        client_request_id: String,
        attempts: &mut u32,
    ) -> Result<Response, Error> {
        // An app may set a deadline as large as it likes (`Duration::MAX`): far enough is far enough.
        let now = tokio::time::Instant::now();
        let until = now
            .checked_add(self.limits.deadline)
            .unwrap_or_else(|| now + Duration::from_secs(100 * 365 * 24 * 3600));
        let url = self.url(&op)?;
        let body = match op.body.take() {
            Some(Ok(body)) => Some(body),
            Some(Err(source)) => return Err(Error::Body { operation: op.name, source }),
            None => None,
        };
        if let Some(why) = op.options.refused() {
            return Err(Error::invalid("header", why));
        }
        let policy = self.retry;
        let max_retries = op.options.retries().unwrap_or(policy.max_retries);
        let mut waited = Duration::ZERO;
        let mut retries = 0;
        // Whether an earlier attempt ended without an answer, so that it may have been carried out.
        let mut uncertain = false;
        loop {
            *attempts = retries + 1;
            let (mut error, next) =
                match self.attempt(&op, &url, body.as_deref(), &client_request_id, until).await {
                    Ok(mut response) => {
                        response.client_request_id = client_request_id;
                        return Ok(response);
                    }
                    Err(failure) => failure,
                };
            match &mut error {
                Error::Timeout { .. } | Error::Interrupted { .. } => uncertain = true,
                Error::Deadline { may_have_reached_server, .. } => *may_have_reached_server |= uncertain,
                _ => {}
            }
            let wait = match next {
                Next::Stop => return Err(error),
                Next::After(wait) => wait,
                Next::Backoff => policy.backoff(retries),
            };
            // No retries left, a wait longer than `max_retry_wait` allows, or one that would end after the
            // deadline: the call fails with this attempt's error (the closing event logs it).
            if retries >= max_retries
                || wait > policy.max_wait.saturating_sub(waited)
                || wait >= until.saturating_duration_since(tokio::time::Instant::now())
            {
                return Err(error);
            }
            match error.status() {
                Some(status) => {
                    tracing::info!(attempt = retries + 1, status, wait_ms = wait.as_millis(), error = %error.logged(self.trace_ids), "retrying")
                }
                None => {
                    tracing::info!(attempt = retries + 1, wait_ms = wait.as_millis(), error = %error.logged(self.trace_ids), "retrying")
                }
            }
            tokio::time::sleep(wait).await;
            waited += wait;
            retries += 1;
        }
    }
    /// One attempt: the request, any redirects the policy follows, and the answer read within the limits.
    async fn attempt(
        &self,
        op: &Operation,
        url: &Url,
        body: Option<&[u8]>,
        client_request_id: &str,
        until: tokio::time::Instant,
    ) -> Result<Response, (Error, Next)> {
        let (method, stream) = (&op.method, op.stream);
        let limits = self.limits;
        let past_deadline = |may_have_reached_server| {
            let client_request_id = client_request_id.to_owned();
            (
                Error::Deadline { deadline: limits.deadline, may_have_reached_server, client_request_id },
                Next::Stop,
            )
        };
        let authorization = match tokio::time::timeout_at(until, self.token.header()).await {
            Ok(header) => header.map_err(|e| (e, Next::Stop))?,
            Err(_) => return Err(past_deadline(false)),
        };
        // The operation's headers, then the app's for this call, which replace any of the same name.
        let mut extra = HeaderMap::with_capacity(op.headers.len() + op.options.headers().len());
        for (name, value) in &op.headers {
            let invalid =
                |what: &str| (Error::invalid(name, format!("is not a valid header {what}")), Next::Stop);
            let header = HeaderName::from_bytes(name.as_bytes()).map_err(|_| invalid("name"))?;
            let value = HeaderValue::from_str(value).map_err(|_| invalid("value"))?;
            extra.insert(header, value);
        }
        for (name, value) in op.options.headers() {
            extra.insert(name.clone(), value.clone());
        }
        // The client reqwest builds has the timeout already; setting one per request costs reqwest an
        // allocation for its extensions, so it is set only where it differs or the client is the app's.
        let timeout = op.options.attempt_timeout().or(self.app_http.then_some(self.timeout));

        let transport = |source: reqwest::Error| {
            let client_request_id = client_request_id.to_owned();
            if source.is_builder() {
                // The request could not be put together: nothing was written.
                // Without the URL: its path holds ids, and errors reach logs.
                let error = Error::invalid("url", format!("cannot be sent: {}", source.without_url()));
                return (error, Next::Stop);
            }
            if source.is_connect() {
                // Nothing was written: the connection (TCP or TLS) was never made.
                let error = Error::Connect { client_request_id, source: source.into() };
                return (error, Next::Backoff);
            }
            let next = if retry::may_repeat(method) { Next::Backoff } else { Next::Stop };
            let error = if source.is_timeout() {
                Error::Timeout { client_request_id, source: source.into() }
            } else {
                Error::Interrupted { client_request_id, source: source.into() }
            };
            (error, next)
        };

        // Borrowed until a redirect is followed: most attempts have none.
        let mut url = std::borrow::Cow::Borrowed(url);
        let mut authorization = Some(authorization);
        let mut hops = 0;
        let mut response = loop {
            // A redirect never carries the body on: only the first request of an attempt has one.
            let hop_body = body.filter(|_| hops == 0);
            let mut request =
                self.build_request(method, &url, authorization.clone(), &extra, hop_body, client_request_id);
            if let Some(timeout) = timeout {
                request = request.timeout(timeout);
            }
            let response = match tokio::time::timeout_at(until, request.send()).await {
                Ok(response) => response.map_err(transport)?,
                Err(_) => return Err(past_deadline(true)),
            };
            let status = response.status();
            if response.url() != url.as_ref() {
                // The HTTP client followed a redirect itself: an app's client that `build` could not
                // check. Its answer is not taken for the request's.
                let error = Error::Redirect {
                    status: status.as_u16(),
                    location: Some(sanitized(response.url())),
                    client_request_id: client_request_id.to_owned(),
                };
                return Err((error, Next::Stop));
            }
            // A 304 Not Modified answers a conditional request the app made (`If-None-Match`): it leads
            // nowhere, so it is an answer like any other non-2xx, never a redirect to follow.
            if !status.is_redirection() || status == reqwest::StatusCode::NOT_MODIFIED {
                break response;
            }
            let location = response
                .headers()
                .get(reqwest::header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| url.join(v).ok());
            match self.redirect_target(method, &url, location.as_ref(), hops) {
                Some((to, keep_token)) => {
                    // Where it leads is a path with ids: recorded only where the app opted in.
                    let to_path = self.trace_ids.then(|| sanitized(&to));
                    tracing::debug!(
                        status = status.as_u16(),
                        to = to_path,
                        keep_token,
                        "following a redirect"
                    );
                    if !keep_token {
                        authorization = None;
                    }
                    url = std::borrow::Cow::Owned(to);
                    hops += 1;
                }
                None => {
                    let error = Error::Redirect {
                        status: status.as_u16(),
                        location: location.as_ref().map(sanitized),
                        client_request_id: client_request_id.to_owned(),
                    };
                    return Err((error, Next::Stop));
                }
            }
        };
        let status = response.status();
        // Taken, not cloned: the body is read from `response` without its headers.
        let headers = std::mem::take(response.headers_mut());
        if status.is_success() && (op.status_only || stream) {
            // Status only: the response is dropped unread, so a body the operation does not document is
            // not waited for (the connection goes back to the pool only when nothing was left to read).
            // Streamed raw content is exempt from the body limit: the caller reads it chunk by chunk and
            // decides how much to keep.
            return Ok(Response {
                status,
                headers,
                body: Vec::new(),
                body_error: None,
                client_request_id: String::new(), // `run` moves its own in
                operation: op.name,
                unread: (!op.status_only).then_some(response),
            });
        }
        if status.is_success() {
            let (body, body_error) = read_body(response, limits.max_response_body, until).await;
            return Ok(Response {
                status,
                headers,
                body,
                body_error,
                client_request_id: String::new(), // `run` moves its own in
                operation: op.name,
                unread: None,
            });
        }
        // The status is what matters; a body cut short still leaves it.
        let (body, body_len) =
            read_error_body(response, limits.max_error_body, limits.max_response_body, until).await;
        let retry_after = retry::retry_after(&headers);
        let error = Error::Api(Box::new(ApiError::new(
            status.as_u16(),
            &headers,
            client_request_id.to_owned(),
            retry_after,
            &body,
            body_len,
        )));
        let next = match (retry::retryable_status(status.as_u16()), retry_after) {
            (false, _) => Next::Stop,
            (true, Some(wait)) => Next::After(wait),
            (true, None) => Next::Backoff,
        };
        Err((error, next))
    }

    /// One HTTP request of an attempt; without `authorization` after a redirect that changed more than
    /// the path.
    fn build_request(
        &self,
        method: &Method,
        url: &Url,
        authorization: Option<HeaderValue>,
        headers: &HeaderMap,
        body: Option<&[u8]>,
        client_request_id: &str,
    ) -> reqwest::RequestBuilder {
        let mut request = self.http.request(method.clone(), url.clone());
        if !headers.contains_key(CLIENT_REQUEST_ID) {
            request = request.header(CLIENT_REQUEST_ID, client_request_id);
        }
        // JSON unless the operation names its media types (raw content, `Operation::raw_body`).
        if !headers.contains_key(ACCEPT) {
            request = request.header(ACCEPT, JSON);
        }
        if let Some(authorization) = authorization {
            request = request.header(AUTHORIZATION, authorization);
        }
        for (name, value) in headers {
            request = request.header(name, value.clone());
        }
        match body {
            Some(body) if headers.contains_key(CONTENT_TYPE) => request.body(body.to_vec()),
            Some(body) => request.header(CONTENT_TYPE, JSON).body(body.to_vec()),
            // Graph answers 411 Length Required to a body-less POST without it, and the HTTP
            // stack leaves it out when there is no body.
            None if matches!(*method, Method::POST | Method::PUT | Method::PATCH) => {
                request.header(CONTENT_LENGTH, HeaderValue::from_static("0"))
            }
            None => request,
        }
    }
}

/// Reads a 2xx body of at most `limit` bytes before `until`. A body that is longer is not kept at all
/// (its memory is the point of the limit); one that is cut short keeps what arrived.
async fn read_body(
    mut response: reqwest::Response,
    limit: u64,
    until: tokio::time::Instant,
) -> (Vec<u8>, Option<BodyFailure>) {
    let declared = response.content_length();
    if declared.is_some_and(|n| n > limit) {
        return (Vec::new(), Some(BodyFailure::TooLarge(limit)));
    }
    // A declared length is a hint, not a promise: reserve at most 1 MiB up front, so that a server cannot
    // make a call hold memory it never sends.
    let hint = declared.unwrap_or(0).min(1 << 20);
    let mut body = Vec::with_capacity(usize::try_from(hint).unwrap_or(0));
    loop {
        let chunk = match tokio::time::timeout_at(until, response.chunk()).await {
            Ok(Ok(Some(chunk))) => chunk,
            Ok(Ok(None)) => return (body, None),
            Ok(Err(e)) => return (body, Some(BodyFailure::Cut(e.into()))),
            Err(_) => {
                let why = "the call's deadline passed while the answer was read";
                return (body, Some(BodyFailure::Cut(why.into())));
            }
        };
        let needed = body.len() as u64 + chunk.len() as u64;
        if needed > limit {
            return (Vec::new(), Some(BodyFailure::TooLarge(limit)));
        }
        // Grow by doubling as `Vec` does, but never past the limit, so that the limit bounds memory too.
        if needed > body.capacity() as u64 {
            let target = needed.saturating_mul(2).min(limit);
            body.reserve_exact(usize::try_from(target).unwrap_or(usize::MAX) - body.len());
        }
        body.extend_from_slice(&chunk);
    }
}

/// Reads an error body: keeps its first `keep` bytes and counts the rest, up to `limit` bytes in all
/// and until `until`. Returns what was kept and the count.
async fn read_error_body(
    mut response: reqwest::Response,
    keep: usize,
    limit: u64,
    until: tokio::time::Instant,
) -> (Vec<u8>, u64) {
    let mut kept = Vec::new();
    let mut count = 0u64;
    while count <= limit {
        let Ok(Ok(Some(chunk))) = tokio::time::timeout_at(until, response.chunk()).await else {
            break;
        };
        count += chunk.len() as u64;
        let room = keep.saturating_sub(kept.len());
        kept.extend_from_slice(&chunk[..room.min(chunk.len())]);
    }
    (kept, count)
}
