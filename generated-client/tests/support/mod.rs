//! A scripted HTTP/1.1 server on 127.0.0.1 for the client tests: it records the raw bytes of every
//! request it reads in full, and answers each with the next scripted [`Reply`] (one request per
//! connection, then it closes).

#![allow(dead_code)] // Each test binary uses a different part of it.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// What the server does with one request, once it has read it in full.
#[derive(Debug, Clone)]
pub enum Reply {
    /// Writes these bytes and closes the connection.
    Raw(Vec<u8>),
    /// Closes the connection without answering.
    Drop,
    /// Keeps the connection open without answering (until the test ends).
    Hang,
    /// Writes a head and then a body made on the fly, never held in memory whole.
    Lazy(Lazy),
}

/// A body the server makes as it writes it: `prefix`, then `filler` over and over.
#[derive(Debug, Clone)]
pub struct Lazy {
    /// The status line and headers, each line ending in `\r\n`, without the blank line; the
    /// server adds `content-length` or `transfer-encoding: chunked` itself.
    pub head: String,
    pub prefix: Vec<u8>,
    pub filler: Vec<u8>,
    /// How many bytes in all (`None`: without end).
    pub total: Option<u64>,
    /// `content-length: total` when false (it needs a total); chunked otherwise.
    pub chunked: bool,
}

impl Reply {
    /// A response with this status and no body.
    pub fn status(status: u16) -> Self {
        Self::with(status, &[], "")
    }

    /// A response with these headers and body (`content-length` and `connection: close` added).
    pub fn with(status: u16, headers: &[(&str, &str)], body: &str) -> Self {
        let mut text = format!("HTTP/1.1 {status} {}\r\n", reason(status));
        for (name, value) in headers {
            text.push_str(&format!("{name}: {value}\r\n"));
        }
        text.push_str(&format!("content-length: {}\r\nconnection: close\r\n\r\n{body}", body.len()));
        Self::Raw(text.into_bytes())
    }

    /// A JSON response.
    pub fn json(status: u16, body: &str) -> Self {
        Self::with(status, &[("content-type", "application/json")], body)
    }

    /// A response whose `content-length` promises `declared` bytes, of which only `body` comes before
    /// the connection closes.
    pub fn torn(status: u16, body: &str, declared: usize) -> Self {
        let text = format!(
            "HTTP/1.1 {status} {}\r\ncontent-type: application/json\r\ncontent-length: {declared}\r\n\
             connection: close\r\n\r\n{body}",
            reason(status)
        );
        Self::Raw(text.into_bytes())
    }

    /// A redirect to `location`.
    pub fn redirect(status: u16, location: &str) -> Self {
        Self::with(status, &[("location", location)], "")
    }

    /// A body of `total` bytes (or without end), made as it is written.
    pub fn lazy(
        status: u16,
        headers: &[(&str, &str)],
        prefix: &str,
        filler: &str,
        total: Option<u64>,
        chunked: bool,
    ) -> Self {
        let mut head = format!("HTTP/1.1 {status} {}\r\n", reason(status));
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        Self::Lazy(Lazy { head, prefix: prefix.into(), filler: filler.into(), total, chunked })
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        202 => "Accepted",
        204 => "No Content",
        401 => "Unauthorized",
        404 => "Not Found",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        411 => "Length Required",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Whatever",
    }
}

/// One request as read from the socket.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// Every byte received for this request.
    pub raw: Vec<u8>,
    /// The body (after the blank line), `content-length` bytes long.
    pub body: Vec<u8>,
}

impl Recorded {
    /// The header section as text, request line included.
    pub fn head(&self) -> String {
        let end = find_head_end(&self.raw).unwrap_or(self.raw.len());
        String::from_utf8_lossy(&self.raw[..end]).into_owned()
    }

    /// `POST /v1.0/me/... HTTP/1.1`.
    pub fn request_line(&self) -> String {
        self.head().lines().next().unwrap_or_default().to_owned()
    }

    /// The request target (path and query) exactly as sent.
    pub fn target(&self) -> String {
        self.request_line().split(' ').nth(1).unwrap_or_default().to_owned()
    }

    /// Every value of a header, the name compared without case.
    pub fn headers(&self, name: &str) -> Vec<String> {
        self.head()
            .lines()
            .skip(1)
            .filter_map(|line| line.split_once(':'))
            .filter(|(n, _)| n.trim().eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim().to_owned())
            .collect()
    }

    /// The one value of a header, if sent exactly once.
    pub fn header(&self, name: &str) -> Option<String> {
        let mut values = self.headers(name);
        (values.len() == 1).then(|| values.remove(0))
    }
}

#[derive(Default)]
struct State {
    script: Mutex<VecDeque<Reply>>,
    requests: Mutex<Vec<Recorded>>,
    /// Body bytes written by [`Reply::Lazy`] answers.
    served: AtomicU64,
}

/// The server; it stops accepting when dropped.
pub struct Server {
    addr: SocketAddr,
    state: Arc<State>,
    task: JoinHandle<()>,
}

impl Server {
    /// Listens on a fresh port of 127.0.0.1 and answers requests with `script` in order (an
    /// unscripted request gets a 500).
    pub async fn start(script: impl IntoIterator<Item = Reply>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1:0");
        Self::on(listener, script)
    }

    /// Serves on a listener the test bound itself.
    pub fn on(listener: TcpListener, script: impl IntoIterator<Item = Reply>) -> Self {
        let addr = listener.local_addr().expect("listener address");
        let state = Arc::new(State {
            script: Mutex::new(script.into_iter().collect()),
            requests: Mutex::default(),
            served: AtomicU64::new(0),
        });
        let shared = Arc::clone(&state);
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serve(stream, Arc::clone(&shared)));
            }
        });
        Self { addr, state, task }
    }

    /// `http://127.0.0.1:PORT/v1.0`.
    pub fn base_url(&self) -> String {
        format!("http://{}/v1.0", self.addr)
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// How many requests were read in full.
    pub fn count(&self) -> usize {
        self.requests().len()
    }

    /// The requests read in full, in order.
    pub fn requests(&self) -> Vec<Recorded> {
        self.state.requests.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// How many body bytes [`Reply::Lazy`] answers wrote before the client stopped reading.
    pub fn served(&self) -> u64 {
        self.state.served.load(Ordering::SeqCst)
    }

    /// The only request read; fails the test unless there was exactly one.
    pub fn only_request(&self) -> Recorded {
        let mut requests = self.requests();
        assert_eq!(requests.len(), 1, "expected exactly one request");
        requests.remove(0)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve(mut stream: TcpStream, state: Arc<State>) {
    let Some(recorded) = read_request(&mut stream).await else {
        return;
    };
    state.requests.lock().unwrap_or_else(PoisonError::into_inner).push(recorded);
    let reply = state
        .script
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .pop_front()
        .unwrap_or_else(|| Reply::with(500, &[], "unscripted request"));
    match reply {
        Reply::Raw(bytes) => {
            let _ = stream.write_all(&bytes).await;
            let _ = stream.shutdown().await;
        }
        Reply::Drop => drop(stream),
        Reply::Hang => {
            tokio::time::sleep(Duration::from_secs(60)).await;
            drop(stream);
        }
        Reply::Lazy(lazy) => write_lazy(&mut stream, lazy, &state.served).await,
    }
}

/// Writes a [`Lazy`] answer 64 KiB at a time until it is complete or the client stops reading.
async fn write_lazy(stream: &mut TcpStream, lazy: Lazy, served: &AtomicU64) {
    const BLOCK: usize = 64 * 1024;
    let mut head = lazy.head.clone();
    match (lazy.chunked, lazy.total) {
        (false, Some(total)) => head.push_str(&format!("content-length: {total}\r\n")),
        _ => head.push_str("transfer-encoding: chunked\r\n"),
    }
    head.push_str("connection: close\r\n\r\n");
    if stream.write_all(head.as_bytes()).await.is_err() {
        return;
    }
    let mut block = lazy.prefix.clone();
    while block.len() < BLOCK && !lazy.filler.is_empty() {
        block.extend_from_slice(&lazy.filler);
    }
    let filler_block: Vec<u8> = lazy.filler.iter().copied().cycle().take(block.len().max(BLOCK)).collect();
    let mut written = 0u64;
    let mut first = true;
    loop {
        let part: &[u8] = if first { &block } else { &filler_block };
        first = false;
        let take = match lazy.total {
            Some(total) => usize::try_from((total - written).min(part.len() as u64)).unwrap_or(0),
            None => part.len(),
        };
        if take == 0 {
            break;
        }
        let ok = if lazy.chunked {
            let mut framed = format!("{take:x}\r\n").into_bytes();
            framed.extend_from_slice(&part[..take]);
            framed.extend_from_slice(b"\r\n");
            stream.write_all(&framed).await.is_ok()
        } else {
            stream.write_all(&part[..take]).await.is_ok()
        };
        if !ok {
            return;
        }
        written += take as u64;
        served.fetch_add(take as u64, Ordering::SeqCst);
    }
    if lazy.chunked {
        let _ = stream.write_all(b"0\r\n\r\n").await;
    }
    let _ = stream.shutdown().await;
}

/// Reads the head and a `content-length` body; `None` if the peer closed first.
async fn read_request(stream: &mut TcpStream) -> Option<Recorded> {
    let mut raw = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(end) = find_head_end(&raw) {
            break end;
        }
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        raw.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&raw[..head_end]).into_owned();
    let length = head
        .lines()
        .filter_map(|line| line.split_once(':'))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, value)| value.trim().parse::<usize>().ok())
        .unwrap_or(0);
    let body_start = head_end + 4;
    while raw.len() < body_start + length {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        raw.extend_from_slice(&chunk[..n]);
    }
    let body = raw[body_start..body_start + length].to_vec();
    Some(Recorded { raw, body })
}

/// The offset of the blank line (`\r\n\r\n`) ending the head.
fn find_head_end(raw: &[u8]) -> Option<usize> {
    raw.windows(4).position(|w| w == b"\r\n\r\n")
}

/// A builder for `server` with the test token and millisecond retry waits.
pub fn builder(server: &Server) -> generated_client::ClientBuilder {
    generated_client::Client::builder()
        .base_url(server.base_url())
        .bearer_token("tok-123")
        .retry_backoff(Duration::from_millis(1))
}

/// A client for `server`, as [`builder`] sets it up.
pub fn client(server: &Server) -> generated_client::Client {
    builder(server).build().expect("test client builds")
}

/// An address on 127.0.0.1 where nothing listens (a port bound and released again).
pub async fn unused_addr() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1:0");
    listener.local_addr().expect("listener address")
}
