//! A stand-in for Graph on 127.0.0.1 for the client benches: HTTP/1.1 with keep-alive (hyper), on a thread
//! and runtime of its own so that it does not share the client's. It answers `202 Accepted` to every send,
//! except that a [`Faults`] plan makes it answer `429 Too Many Requests` with `Retry-After: 0` to the first
//! tries of chosen messages, or close the connection without an answer after reading a chosen message's
//! first request; it counts, per message id, the sends it accepted, the tries it refused and the requests
//! it dropped.
//!
//! It listens on loopback only and lives until the bench process ends.

#![allow(dead_code)] // Each bench binary uses a different part of it.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response, StatusCode};

/// What the server does to a message, by message id.
pub type Faults = Arc<dyn Fn(&str) -> Plan + Send + Sync>;

/// The faults planned for one message.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Plan {
    /// How many tries are answered 429 before one is accepted.
    pub throttle: u32,
    /// Whether the first request is read and its connection then closed without an answer.
    pub drop_first: bool,
}

/// What the server saw, per message id.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Seen {
    pub accepted: u32,
    pub refused: u32,
    pub dropped: u32,
}

/// The running server.
#[derive(Clone)]
pub struct Server {
    pub addr: SocketAddr,
    seen: Arc<Mutex<HashMap<String, Seen>>>,
    faults: Arc<Mutex<Option<Faults>>>,
    runtime: tokio::runtime::Handle,
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server").field("addr", &self.addr).finish_non_exhaustive()
    }
}

const THROTTLED: &str = r#"{"error":{"code":"ApplicationThrottled","message":"Too many requests.","innerError":{"request-id":"bench","date":"2026-01-01T00:00:00"}}}"#;

impl Server {
    /// Starts the server on 127.0.0.1 (a free port) on its own thread.
    pub fn start() -> Server {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        listener.set_nonblocking(true).expect("nonblocking listener");
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("server runtime");
        let server = Server {
            addr: listener.local_addr().expect("local addr"),
            seen: Arc::default(),
            faults: Arc::default(),
            runtime: rt.handle().clone(),
        };
        let state = server.clone();
        std::thread::Builder::new()
            .name("loopback-graph".into())
            .spawn(move || rt.block_on(state.serve(listener)))
            .expect("server thread");
        server
    }

    /// Serves one connection from another listener too (on the server's own runtime), with the same
    /// faults and counts, then closes that listener.
    pub fn once_on(&self, listener: std::net::TcpListener) {
        let state = self.clone();
        self.runtime.spawn(async move {
            let listener = tokio::net::TcpListener::from_std(listener).expect("tokio listener");
            if let Ok((stream, _)) = listener.accept().await {
                drop(listener);
                state.connection(stream).await;
            }
        });
    }

    /// The base URL to give the client: `http://127.0.0.1:PORT/v1.0`.
    pub fn base_url(&self) -> String {
        format!("http://{}/v1.0", self.addr)
    }

    /// Sets the fault plan (or none) and forgets what was seen.
    pub fn reset(&self, faults: Option<Faults>) {
        *self.faults.lock().unwrap_or_else(PoisonError::into_inner) = faults;
        self.seen.lock().unwrap_or_else(PoisonError::into_inner).clear();
    }

    /// What was seen since the last reset.
    pub fn seen(&self) -> HashMap<String, Seen> {
        self.seen.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    async fn serve(self, listener: std::net::TcpListener) {
        let listener = tokio::net::TcpListener::from_std(listener).expect("tokio listener");
        loop {
            let Ok((stream, _)) = listener.accept().await else { continue };
            tokio::spawn(self.clone().connection(stream));
        }
    }

    async fn connection(self, stream: tokio::net::TcpStream) {
        let _ = stream.set_nodelay(true);
        let service = hyper::service::service_fn(move |req| {
            let state = self.clone();
            // An error makes hyper close the connection without writing an answer.
            async move { state.answer(req).ok_or(Dropped) }
        });
        let io = hyper_util::rt::TokioIo::new(stream);
        let _ = hyper::server::conn::http1::Builder::new().serve_connection(io, service).await;
    }

    /// Answers one request, or `None` to close the connection without an answer. Sends are
    /// `POST …/messages/{id}/send` without a body, so the request was read in full once its head was.
    fn answer(&self, req: Request<Incoming>) -> Option<Response<Full<Bytes>>> {
        let id = message_id(req.uri().path()).unwrap_or("").to_owned();
        let faults = self.faults.lock().unwrap_or_else(PoisonError::into_inner).clone();
        let plan = faults.map_or(Plan::default(), |f| f(&id));
        let mut seen = self.seen.lock().unwrap_or_else(PoisonError::into_inner);
        let entry = seen.entry(id).or_default();
        if plan.drop_first && entry.dropped == 0 {
            entry.dropped += 1;
            return None;
        }
        let refuse = entry.refused < plan.throttle;
        let mut response = if refuse {
            entry.refused += 1;
            let mut r = Response::new(Full::new(Bytes::from_static(THROTTLED.as_bytes())));
            *r.status_mut() = StatusCode::TOO_MANY_REQUESTS;
            r.headers_mut().insert("retry-after", "0".parse().expect("header"));
            r.headers_mut().insert("content-type", "application/json".parse().expect("header"));
            r
        } else {
            entry.accepted += 1;
            let mut r = Response::new(Full::new(Bytes::new()));
            *r.status_mut() = StatusCode::ACCEPTED;
            r
        };
        response.headers_mut().insert("request-id", "bench".parse().expect("header"));
        Some(response)
    }
}

/// The service error that closes a connection without an answer.
#[derive(Debug)]
struct Dropped;

impl std::fmt::Display for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("closed without an answer, as planned")
    }
}

impl std::error::Error for Dropped {}

/// The `{id}` of `…/messages/{id}/send`.
pub fn message_id(path: &str) -> Option<&str> {
    let rest = path.strip_suffix("/send")?;
    let (_, id) = rest.rsplit_once("/messages/")?;
    Some(id)
}
