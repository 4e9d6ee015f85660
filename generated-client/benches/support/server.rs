//! A stand-in for Graph on 127.0.0.1 for the client benches: HTTP/1.1 with keep-alive (hyper), on a thread
//! and runtime of its own so that it does not share the client's. It answers `202 Accepted` to every send,
//! except that a [`Faults`] plan makes it answer `429 Too Many Requests` with `Retry-After: 0` to the first
//! tries of chosen messages; it counts, per message id, the sends it accepted and the tries it refused.
//!
//! It listens on loopback only and lives until the bench process ends.

#![allow(dead_code)] // Each bench binary uses a different part of it.

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response, StatusCode};

/// How many tries of each message are refused with 429 before one is accepted, by message id.
pub type Faults = Arc<dyn Fn(&str) -> u32 + Send + Sync>;

/// What the server saw, per message id.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Seen {
    pub accepted: u32,
    pub refused: u32,
}

/// The running server.
#[derive(Clone)]
pub struct Server {
    pub addr: SocketAddr,
    seen: Arc<Mutex<HashMap<String, Seen>>>,
    faults: Arc<Mutex<Option<Faults>>>,
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
        let server = Server {
            addr: listener.local_addr().expect("local addr"),
            seen: Arc::default(),
            faults: Arc::default(),
        };
        let state = server.clone();
        std::thread::Builder::new()
            .name("loopback-graph".into())
            .spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("server runtime");
                rt.block_on(state.serve(listener));
            })
            .expect("server thread");
        server
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
            let _ = stream.set_nodelay(true);
            let state = self.clone();
            tokio::spawn(async move {
                let service = hyper::service::service_fn(move |req| {
                    let state = state.clone();
                    async move { Ok::<_, Infallible>(state.answer(req)) }
                });
                let io = hyper_util::rt::TokioIo::new(stream);
                let _ = hyper::server::conn::http1::Builder::new().serve_connection(io, service).await;
            });
        }
    }

    /// Answers one request. Sends are `POST …/messages/{id}/send` without a body, so the body is not read.
    fn answer(&self, req: Request<Incoming>) -> Response<Full<Bytes>> {
        let id = message_id(req.uri().path()).unwrap_or("").to_owned();
        let faults = self.faults.lock().unwrap_or_else(PoisonError::into_inner).clone();
        let planned = faults.map_or(0, |f| f(&id));
        let mut seen = self.seen.lock().unwrap_or_else(PoisonError::into_inner);
        let entry = seen.entry(id).or_default();
        let refuse = entry.refused < planned;
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
        response
    }
}

/// The `{id}` of `…/messages/{id}/send`.
pub fn message_id(path: &str) -> Option<&str> {
    let rest = path.strip_suffix("/send")?;
    let (_, id) = rest.rsplit_once("/messages/")?;
    Some(id)
}
