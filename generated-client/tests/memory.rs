//! Peak resident memory under answers of 500 MB, each scenario in a fresh process of this binary so that its
//! `VmHWM` (the most the process ever held resident, from `/proc/self/status`) is its own. The loopback
//! server makes the 500 MB as it writes them, so what the process holds is what the client keeps. Every
//! scenario must stay under 100 MiB, and must end with the typed error the limit promises.
//!
//! A test binary of its own (`harness = false`): `cargo test -p generated-client --test memory`. Run
//! as `memory --child SCENARIO`, it runs one scenario and prints its figures.

mod support;

use std::process::Command;
use std::time::Duration;

use futures_util::TryStreamExt;
use generated_client::{types, Error};
use support::{builder, Reply, Server};

const MB_500: u64 = 500 * 1000 * 1000;
const CEILING_KIB: u64 = 100 * 1024;
const SCENARIOS: &[&str] = &["baseline", "chunked-page", "declared-page", "error-body", "endless-body"];

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--child") {
        let scenario = args.get(i + 1).map(String::as_str).unwrap_or("");
        std::process::exit(child(scenario));
    }
    if args.iter().any(|a| a == "--list") {
        // `cargo test -- --list` asks what the binary holds.
        println!("memory: test");
        return;
    }
    if std::fs::read_to_string("/proc/self/status").map_or(true, |s| !s.contains("VmHWM")) {
        println!("memory: skipped, /proc/self/status has no VmHWM on this system");
        return;
    }
    let exe = std::env::current_exe().expect("the test binary's path");
    let mut failed = Vec::new();
    for scenario in SCENARIOS {
        let output = Command::new(&exe).args(["--child", scenario]).output().expect("the child runs");
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        print!("{stdout}");
        let peak = stdout
            .lines()
            .find_map(|l| l.strip_prefix("peak resident KiB: "))
            .and_then(|v| v.trim().parse::<u64>().ok());
        match peak {
            Some(kib) if output.status.success() && kib < CEILING_KIB => {}
            _ => failed.push(format!("{scenario}: {} {stdout}{stderr}", output.status)),
        }
    }
    assert!(failed.is_empty(), "over 100 MiB resident or failed:\n{}", failed.join("\n"));
    println!("memory: {} scenarios under 100 MiB resident", SCENARIOS.len());
}

/// Runs one scenario; prints its outcome and peak; returns the exit code.
fn child(scenario: &str) -> i32 {
    let rt =
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    let outcome = rt.block_on(async { tokio::time::timeout(Duration::from_secs(120), run(scenario)).await });
    let peak = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find_map(|l| {
                l.strip_prefix("VmHWM:").map(|v| v.trim().trim_end_matches("kB").trim().to_owned())
            })
        })
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(u64::MAX);
    match outcome {
        Ok(Ok(what)) => {
            println!("{scenario}: {what}");
            println!("peak resident KiB: {peak}");
            0
        }
        Ok(Err(why)) => {
            println!("{scenario}: FAILED: {why}");
            1
        }
        Err(_) => {
            println!("{scenario}: FAILED: took over 120 s");
            1
        }
    }
}

fn expect(ok: bool, why: impl FnOnce() -> String) -> Result<(), String> {
    if ok {
        Ok(())
    } else {
        Err(why())
    }
}

async fn run(scenario: &str) -> Result<String, String> {
    let json = [("content-type", "application/json")];
    let page = |chunked| {
        Reply::lazy(
            200,
            &json,
            r#"{"value":["#,
            r#"{"id":"AAMkAGI2THVSAAA=","subject":"x"},"#,
            Some(MB_500),
            chunked,
        )
    };
    match scenario {
        "baseline" => {
            let server = Server::start([Reply::json(200, r#"{"value":[{"id":"a"}]}"#)]).await;
            let client = builder(&server).build().map_err(|e| e.to_string())?;
            let items: Vec<types::Message> =
                client.me().messages().list().items().try_collect().await.map_err(|e| e.to_string())?;
            expect(items.len() == 1, || format!("{items:?}"))?;
            Ok("one small page, for comparison".into())
        }
        "chunked-page" | "declared-page" => {
            let chunked = scenario == "chunked-page";
            let server = Server::start([page(chunked)]).await;
            let client = builder(&server).build().map_err(|e| e.to_string())?;
            let err = client.me().messages().list().items().try_collect::<Vec<_>>().await.err();
            let ok = matches!(err, Some(Error::BodyTooLarge { status: 200, limit: 67_108_864, .. }));
            expect(ok, || format!("{err:?}"))?;
            expect(server.count() == 1, || format!("{} requests", server.count()))?;
            // A declared length over the limit is not read at all; a chunked one up to the limit (plus what
            // the sockets buffer).
            let served = server.served();
            let most = if chunked { 80 << 20 } else { 16 << 20 };
            expect(served < most, || format!("the server wrote {served} bytes"))?;
            Ok(format!(
                "500 MB page → BodyTooLarge after {:.1} MiB served",
                served as f64 / f64::from(1 << 20)
            ))
        }
        "error-body" => {
            let server = Server::start([Reply::lazy(
                500,
                &[],
                r#"{"error":{"code":"Boom","message":""#,
                "x",
                Some(MB_500),
                false,
            )])
            .await;
            let client = builder(&server).build().map_err(|e| e.to_string())?;
            let err = client.me().message("m").send().await.err();
            let api = err.as_ref().and_then(Error::api).ok_or_else(|| format!("{err:?}"))?;
            expect(api.body().len() == 64 * 1024 && api.body_truncated(), || {
                format!("kept {}", api.body().len())
            })?;
            expect(api.body_len() > 64 << 20, || format!("counted {}", api.body_len()))?;
            expect(format!("{err:?}").len() < 70 * 1024, || "Debug shows more than was kept".into())?;
            Ok(format!("500 MB error body → 64 KiB kept, {} bytes counted", api.body_len()))
        }
        "endless-body" => {
            let server = Server::start([Reply::lazy(200, &json, r#"{"id":""#, "z", None, true)]).await;
            let client = builder(&server).build().map_err(|e| e.to_string())?;
            let err = client.me().message("m").get().await.err();
            expect(matches!(err, Some(Error::BodyTooLarge { .. })), || format!("{err:?}"))?;
            expect(server.count() == 1, || format!("{} requests: retried", server.count()))?;
            Ok("endless chunked body → BodyTooLarge, not retried".into())
        }
        other => Err(format!("no scenario `{other}`")),
    }
}
