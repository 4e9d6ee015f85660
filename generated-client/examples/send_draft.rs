//! Sends a draft message: `client.me().message(id).send().await`.
//!
//! By default it starts a stand-in for Graph on 127.0.0.1 inside this process, sends to it, and
//! prints the request the stand-in received:
//!
//! ```text
//! cargo run -p generated-client --example send_draft
//! ```
//!
//! To send a real draft, give Graph's base URL and the draft's id, with a token that has the
//! `Mail.Send` scope in `GRAPH_TOKEN`; `--user UPN` sends from that mailbox instead of `/me`:
//!
//! ```text
//! GRAPH_TOKEN=eyJ0... cargo run -p generated-client --example send_draft -- \
//!     --base-url https://graph.microsoft.com/v1.0 --message-id AAMkAGI2THVSAAA=
//! ```

use std::error::Error;

use generated_client::Client;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

#[derive(Debug, Default)]
struct Args {
    base_url: Option<String>,
    message_id: Option<String>,
    user: Option<String>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args::default();
    let mut iter = std::env::args().skip(1);
    while let Some(flag) = iter.next() {
        let slot = match flag.as_str() {
            "--base-url" => &mut args.base_url,
            "--message-id" => &mut args.message_id,
            "--user" => &mut args.user,
            other => {
                return Err(format!(
                    "unknown argument `{other}`; use --base-url URL, --message-id ID, --user UPN"
                ))
            }
        };
        *slot = Some(iter.next().ok_or(format!("{flag} needs a value"))?);
    }
    Ok(args)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let args = parse_args()?;
    let (base_url, token, stand_in) = match args.base_url {
        Some(url) => {
            let token = std::env::var("GRAPH_TOKEN")
                .map_err(|_| "set GRAPH_TOKEN to a bearer token with the Mail.Send scope")?;
            (url, token, None)
        }
        None => {
            let listener = TcpListener::bind("127.0.0.1:0").await?;
            let url = format!("http://{}/v1.0", listener.local_addr()?);
            (url, "local-token".to_owned(), Some(tokio::spawn(stand_in_graph(listener))))
        }
    };
    let message_id = match (&args.message_id, &stand_in) {
        (Some(id), _) => id.clone(),
        (None, Some(_)) => "AAMkAGI2THVSAAA=".to_owned(),
        (None, None) => return Err("--message-id is required with --base-url".into()),
    };

    let client = Client::builder().base_url(base_url).bearer_token(token).build()?;
    let message = match &args.user {
        Some(user) => client.user(user.as_str()).message(message_id),
        None => client.me().message(message_id),
    };
    match message.send().await {
        Ok(()) => println!("sent"),
        Err(e) => {
            eprintln!("not sent: {e}");
            if let Some(code) = e.code() {
                eprintln!("graph error code: {code}");
            }
            return Err(e.into());
        }
    }

    if let Some(stand_in) = stand_in {
        let request = stand_in.await??;
        println!("the stand-in received:\n{request}");
    }
    Ok(())
}

/// Answers one request with 202 Accepted, as Graph does for `message: send`, and returns the
/// request's head with the token hidden.
async fn stand_in_graph(listener: TcpListener) -> std::io::Result<String> {
    let (mut socket, _) = listener.accept().await?;
    let mut request = Vec::new();
    let mut chunk = [0; 4096];
    while !request.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = socket.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        request.extend_from_slice(&chunk[..n]);
    }
    socket.write_all(b"HTTP/1.1 202 Accepted\r\ncontent-length: 0\r\nconnection: close\r\n\r\n").await?;
    let head = String::from_utf8_lossy(&request);
    let shown: Vec<String> = head
        .lines()
        .filter(|line| !line.is_empty())
        .map(|line| match line.split_once(':') {
            Some((name, _)) if name.eq_ignore_ascii_case("authorization") => {
                format!("{name}: Bearer <hidden>")
            }
            _ => line.to_owned(),
        })
        .collect();
    Ok(shown.join("\n"))
}
