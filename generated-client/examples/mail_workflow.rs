//! The workflow an app needs: create a draft, attach a file, send it, find it in Sent Items.
//!
//! By default it runs against a small stand-in for Graph on 127.0.0.1 inside this process:
//!
//! ```text
//! cargo run -p generated-client --example mail_workflow
//! ```
//!
//! Against real Graph, with a token that has `Mail.ReadWrite` and `Mail.Send` in `GRAPH_TOKEN`; the draft is
//! sent to `--to ADDRESS` (your own address is a good choice):
//!
//! ```text
//! GRAPH_TOKEN=eyJ0... cargo run -p generated-client --example mail_workflow -- \
//!     --base-url https://graph.microsoft.com/v1.0 --to you@contoso.com
//! ```

use std::error::Error;

use futures_util::TryStreamExt;
use generated_client::{types, Client};

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let mut base_url = None;
    let mut to = String::from("alice@contoso.com");
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--base-url" => base_url = Some(value),
            "--to" => to = value,
            other => {
                return Err(format!("unknown argument `{other}`; use --base-url URL, --to ADDRESS").into())
            }
        }
    }
    let (base_url, token) = match base_url {
        Some(url) => (url, std::env::var("GRAPH_TOKEN").map_err(|_| "set GRAPH_TOKEN to a bearer token")?),
        None => (stand_in::start().await?, "stand-in-token".to_string()),
    };
    let client = Client::builder().base_url(base_url).bearer_token(token).build()?;

    // 1. A draft: POST /me/messages.
    let draft = types::Message {
        subject: Some("Quarterly report".into()),
        body: Some(types::ItemBody {
            content: Some("Figures attached.".into()),
            content_type: Some(types::BodyType::Text),
            odata_type: None,
        }),
        to_recipients: vec![types::Recipient {
            email_address: Some(types::EmailAddress { address: Some(to), name: None, odata_type: None }),
            odata_type: None,
        }],
        ..Default::default()
    };
    let draft = client.me().messages().create(draft).await?;
    let id = draft.id.ok_or("Graph returned a draft without an id")?;
    println!("draft created: {id}");

    // 2. A file attachment: POST /me/messages/{message-id}/attachments.
    let file = types::FileAttachment {
        name: Some("report.txt".into()),
        content_type: Some("text/plain".into()),
        content_bytes: Some("SGVsbG8sIHdvcmxkIQ==".into()), // base64 of "Hello, world!"
        ..Default::default()
    };
    client.me().message(&id).attachments().create(file.into()).await?;
    println!("attachment added");

    // 3. Send: POST /me/messages/{message-id}/send, 202 Accepted.
    client.me().message(&id).send().await?;
    println!("sent");

    // 4. Find it in Sent Items; `items()` follows @odata.nextLink across pages.
    let sent: Vec<types::Message> = client
        .me()
        .mail_folder("sentitems")
        .messages()
        .list()
        .filter("subject eq 'Quarterly report'")
        .select(["id", "subject", "sentDateTime"])
        .top(10)
        .items()
        .try_collect()
        .await?;
    for m in &sent {
        println!("in Sent Items: {} ({})", m.subject.as_deref().unwrap_or(""), m.id.as_deref().unwrap_or(""));
    }
    Ok(())
}

/// A stand-in for Graph on 127.0.0.1 that answers the four calls of this example, in order.
mod stand_in {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpListener;

    pub async fn start() -> std::io::Result<String> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let base = format!("http://{}/v1.0", listener.local_addr()?);
        let answers = [
            ("201 Created", r#"{"id":"AAMkDraft=","subject":"Quarterly report","isDraft":true}"#),
            (
                "201 Created",
                r##"{"@odata.type":"#microsoft.graph.fileAttachment","id":"AAMkAtt=","name":"report.txt"}"##,
            ),
            ("202 Accepted", ""),
            ("200 OK", r#"{"value":[{"id":"AAMkSent=","subject":"Quarterly report"}]}"#),
        ];
        tokio::spawn(async move {
            for (status, body) in answers {
                let Ok((mut socket, _)) = listener.accept().await else { return };
                // Read the head and, when there is one, the body, so the client sees a full exchange.
                let mut request = Vec::new();
                let mut chunk = [0u8; 4096];
                loop {
                    let Ok(n) = socket.read(&mut chunk).await else { return };
                    if n == 0 {
                        break;
                    }
                    request.extend_from_slice(&chunk[..n]);
                    if let Some(end) = request.windows(4).position(|w| w == b"\r\n\r\n") {
                        let head = String::from_utf8_lossy(&request[..end]).to_ascii_lowercase();
                        let length = head
                            .lines()
                            .find_map(|l| l.strip_prefix("content-length:"))
                            .and_then(|v| v.trim().parse::<usize>().ok())
                            .unwrap_or(0);
                        if request.len() >= end + 4 + length {
                            break;
                        }
                    }
                }
                let head = format!(
                    "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    body.len()
                );
                let _ = socket.write_all(head.as_bytes()).await;
                let _ = socket.write_all(body.as_bytes()).await;
            }
        });
        Ok(base)
    }
}
