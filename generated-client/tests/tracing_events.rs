//! What a call tells `tracing`: a span naming the operation, method, path template and
//! `client-request-id`; an `info` event per retry; one closing event, `debug` on success and `warn` on
//! failure, with status, attempts and elapsed time. Each field is recorded once; no token, no id value.
//! A subscriber of the test's own captures everything, on the test's thread.

mod support;

use std::sync::{Arc, Mutex, PoisonError};

use support::{builder, client, Reply, Server};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Level, Metadata, Subscriber};

#[derive(Debug, Clone)]
struct Captured {
    /// The span's or event's message.
    name: String,
    level: Level,
    fields: Vec<(String, String)>,
    /// For an event, the span it happened in (index into `spans`).
    span: Option<usize>,
}

#[derive(Default)]
struct Log {
    spans: Vec<Captured>,
    events: Vec<Captured>,
    /// Fields recorded on a span after it was created.
    late_records: Vec<(String, String)>,
    stack: Vec<usize>,
}

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Log>>);

impl Capture {
    fn log(&self) -> std::sync::MutexGuard<'_, Log> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[derive(Default)]
struct Fields(Vec<(String, String)>);

impl Visit for Fields {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.push((field.name().to_owned(), format!("{value:?}")));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.push((field.name().to_owned(), value.to_owned()));
    }
}

impl Subscriber for Capture {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, attrs: &Attributes<'_>) -> Id {
        let mut fields = Fields::default();
        attrs.record(&mut fields);
        let mut log = self.log();
        let meta = attrs.metadata();
        log.spans.push(Captured {
            name: meta.name().to_owned(),
            level: *meta.level(),
            fields: fields.0,
            span: None,
        });
        Id::from_u64(log.spans.len() as u64)
    }
    fn record(&self, _: &Id, values: &Record<'_>) {
        let mut fields = Fields::default();
        values.record(&mut fields);
        self.log().late_records.extend(fields.0);
    }
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        let mut fields = Fields::default();
        event.record(&mut fields);
        let message =
            fields.0.iter().find(|(k, _)| k == "message").map(|(_, v)| v.clone()).unwrap_or_default();
        let fields = fields.0.into_iter().filter(|(k, _)| k != "message").collect();
        let mut log = self.log();
        let span = log.stack.last().copied();
        log.events.push(Captured { name: message, level: *event.metadata().level(), fields, span });
    }
    fn enter(&self, span: &Id) {
        let index = usize::try_from(span.into_u64()).unwrap_or(0) - 1;
        self.log().stack.push(index);
    }
    fn exit(&self, _: &Id) {
        self.log().stack.pop();
    }
}

fn field<'a>(captured: &'a Captured, name: &str) -> Option<&'a str> {
    captured.fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

/// Every name once across the span and the event: nothing is recorded twice.
fn assert_recorded_once(span: &Captured, event: &Captured) {
    let mut names: Vec<&str> = span.fields.iter().chain(&event.fields).map(|(k, _)| k.as_str()).collect();
    let all = names.len();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), all, "{span:?} {event:?}");
}

const SECRET_ID: &str = "AAMk-secret-message-id";

#[tokio::test]
async fn a_retried_call_logs_its_retry_at_info_and_closes_with_one_debug_event() {
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());
    let server = Server::start([Reply::with(429, &[("retry-after", "0")], ""), Reply::status(202)]).await;
    client(&server).me().message(SECRET_ID).send().await.expect("sent on the retry");

    let log = capture.log();
    assert!(log.late_records.is_empty(), "fields recorded after the span was made: {:?}", log.late_records);
    let calls: Vec<&Captured> = log.spans.iter().filter(|s| s.name == "graph_call").collect();
    assert_eq!(calls.len(), 1, "{:?}", log.spans);
    let span = calls[0];
    assert_eq!(field(span, "operation"), Some("message.send"));
    assert_eq!(field(span, "method"), Some("POST"));
    assert_eq!(field(span, "path"), Some("/me/messages/{message-id}/send"));
    let crid = server.requests()[0].header("client-request-id").expect("client-request-id");
    assert_eq!(field(span, "client_request_id"), Some(crid.as_str()));

    let retries: Vec<&Captured> = log.events.iter().filter(|e| e.name == "retrying").collect();
    assert_eq!(retries.len(), 1, "{:?}", log.events);
    assert_eq!(retries[0].level, Level::INFO);
    assert_eq!(field(retries[0], "attempt"), Some("1"));
    assert_eq!(field(retries[0], "status"), Some("429"));

    let closing: Vec<&Captured> = log.events.iter().filter(|e| e.name.starts_with("graph call")).collect();
    assert_eq!(closing.len(), 1, "{:?}", log.events);
    let done = closing[0];
    assert_eq!((done.name.as_str(), done.level), ("graph call", Level::DEBUG));
    assert_eq!(field(done, "status"), Some("202"));
    assert_eq!(field(done, "attempts"), Some("2"));
    assert!(field(done, "elapsed_ms").is_some_and(|ms| ms.parse::<u64>().is_ok()));
    assert_eq!(done.span.map(|i| log.spans[i].name.as_str()), Some("graph_call"));
    assert_recorded_once(span, done);

    let everything = format!("{:?} {:?}", log.spans, log.events);
    assert!(!everything.contains("tok-123") && !everything.contains(SECRET_ID), "{everything}");
}

#[tokio::test]
async fn a_failed_call_closes_with_one_warn_event() {
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());
    let body = r#"{"error":{"code":"ErrorItemNotFound","message":"not found"}}"#;
    let server = Server::start([Reply::json(404, body)]).await;
    let err = client(&server).me().message(SECRET_ID).get().await.err();
    assert_eq!(err.as_ref().and_then(generated_client::Error::status), Some(404));

    let log = capture.log();
    let closing: Vec<&Captured> = log.events.iter().filter(|e| e.name.starts_with("graph call")).collect();
    assert_eq!(closing.len(), 1, "{:?}", log.events);
    let failed = closing[0];
    assert_eq!((failed.name.as_str(), failed.level), ("graph call failed", Level::WARN));
    assert_eq!(field(failed, "status"), Some("404"));
    assert_eq!(field(failed, "attempts"), Some("1"));
    assert!(field(failed, "error").is_some_and(|e| e.contains("ErrorItemNotFound")), "{failed:?}");
    let span = &log.spans[failed.span.expect("inside the call's span")];
    assert_eq!(field(span, "path"), Some("/me/messages/{message-id}"));
    assert_recorded_once(span, failed);
    let everything = format!("{:?} {:?}", log.spans, log.events);
    assert!(!everything.contains("tok-123") && !everything.contains(SECRET_ID), "{everything}");
}

#[tokio::test]
async fn ids_are_recorded_only_where_the_app_opts_in() {
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());
    let server = Server::start([Reply::status(202), Reply::status(202)]).await;
    client(&server).me().message(SECRET_ID).send().await.expect("sent");
    let traced = builder(&server).trace_ids(true).build().expect("client");
    traced.me().message(SECRET_ID).send().header("x-note", "private").await.expect("sent");

    let log = capture.log();
    let calls: Vec<&Captured> = log.spans.iter().filter(|s| s.name == "graph_call").collect();
    assert_eq!(calls.len(), 2, "{:?}", log.spans);
    assert_eq!(field(calls[0], "url_path"), None);
    let sent = format!("/v1.0/me/messages/{SECRET_ID}/send");
    assert_eq!(field(calls[1], "url_path"), Some(sent.as_str()));
    assert_eq!(field(calls[1], "path"), Some("/me/messages/{message-id}/send"));
    let everything = format!("{:?} {:?}", log.spans, log.events);
    assert!(!everything.contains("tok-123") && !everything.contains("private"), "{everything}");
}

#[tokio::test]
async fn a_redirects_location_stays_out_of_the_events_unless_the_app_opts_in() {
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());
    let location = format!("/v1.0/me/messages/{SECRET_ID}-moved");
    // Followed once (a GET within the base URL), then refused on a POST.
    let server = Server::start([
        Reply::redirect(302, &location),
        Reply::json(200, r#"{"id":"m"}"#),
        Reply::redirect(303, &location),
    ])
    .await;
    let client = builder(&server)
        .redirects(generated_client::Redirects::FollowGetWithinBaseUrl)
        .build()
        .expect("builds");
    client.me().message("m").get().await.expect("followed");
    let err = client.me().message("m").send().await.expect_err("a redirect is not a success");
    assert!(err.to_string().contains(SECRET_ID), "the error itself keeps the location: {err}");

    let log = capture.log();
    assert!(log.events.iter().any(|e| e.name == "following a redirect"), "{:?}", log.events);
    assert!(log.events.iter().any(|e| e.name == "graph call failed"), "{:?}", log.events);
    let everything = format!("{:?} {:?}", log.spans, log.events);
    assert!(!everything.contains(SECRET_ID), "{everything}");
}
