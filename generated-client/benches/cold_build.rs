//! Cold `cargo build` of an app that sends one draft (`POST /me/messages/{id}/send`) with this crate,
//! beside the same app written with `graph-rs-sdk` (the crate people use for Graph in Rust today), both
//! built here, one after the other, each with a fresh target folder. Target: ours builds ≥ 5× faster.
//!
//! It takes many minutes on two cores; `cargo bench` runs it like every other bench, and
//! `BENCH_SKIP_COLD_BUILDS=1` leaves it out (it says so and does nothing). BENCHMARKS.md holds the figures
//! of a run.
//!
//! The two apps are written out of templates below into `<target>/cold-builds/` (each its own workspace,
//! never a member of ours, never built by CI). Downloads happen first (`cargo fetch`) and are not timed.
//! Ours builds at the versions of the workspace's Cargo.lock; graph-rs-sdk at the newest its manifest
//! allows, with rustls like ours (`default-features = false, features = ["rustls-tls"]`), so that neither
//! needs OpenSSL. Ours is built twice, first and last, as a check on the machine's noise. A third app makes
//! the same POST with reqwest and tokio alone: the floor that both clients share, and so the most any
//! reqwest-based client could gain.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

#[path = "../../xtask/benches/support/figures.rs"]
mod figures;

const OURS_MAIN: &str = r#"//! Sends a draft with generated-client: `GRAPH_TOKEN=… send-draft MESSAGE_ID`.
use generated_client::Client;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let token = std::env::var("GRAPH_TOKEN")?;
    let id = std::env::args().nth(1).ok_or("usage: send-draft MESSAGE_ID")?;
    let client = Client::builder().bearer_token(token).build()?;
    client.me().message(id).send().await?;
    Ok(())
}
"#;

const SDK_MAIN: &str = r#"//! Sends a draft with graph-rs-sdk: `GRAPH_TOKEN=… send-draft MESSAGE_ID`.
use graph_rs_sdk::GraphClient;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let token = std::env::var("GRAPH_TOKEN")?;
    let id = std::env::args().nth(1).ok_or("usage: send-draft MESSAGE_ID")?;
    let client = GraphClient::new(token);
    let response = client.me().message(id).send().send().await?;
    if !response.status().is_success() {
        return Err(format!("graph answered {}", response.status()).into());
    }
    Ok(())
}
"#;

const FLOOR_MAIN: &str = r#"//! The same POST with reqwest alone: the floor any reqwest-based Graph client shares.
#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let token = std::env::var("GRAPH_TOKEN")?;
    let id = std::env::args().nth(1).ok_or("usage: send-draft MESSAGE_ID")?;
    let url = format!("https://graph.microsoft.com/v1.0/me/messages/{id}/send");
    let response = reqwest::Client::new().post(url).bearer_auth(token).header("content-length", "0").send().await?;
    response.error_for_status()?;
    Ok(())
}
"#;

struct App {
    name: &'static str,
    dependency: String,
    main: &'static str,
    /// The workspace's lockfile, so that ours builds at the versions CI builds.
    lockfile: Option<PathBuf>,
}

/// What one cold build measured.
#[derive(Debug, Default, Clone)]
struct Build {
    seconds: f64,
    cpu_seconds: Option<f64>,
    max_rss_kib: Option<u64>,
    compiled: usize,
    crates: usize,
}

fn cargo() -> Command {
    let mut cmd = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    clean_env(&mut cmd);
    cmd
}

/// The bench runs under cargo, which sets variables meant for this crate's build; the apps get none.
fn clean_env(cmd: &mut Command) {
    for (key, _) in std::env::vars_os() {
        let key = key.to_string_lossy().into_owned();
        if (key.starts_with("CARGO_") && key != "CARGO_HOME") || key == "OUT_DIR" || key.starts_with("RUSTC")
        {
            cmd.env_remove(key);
        }
    }
}

fn run(cmd: &mut Command, what: &str) -> std::process::Output {
    let out = cmd.output().unwrap_or_else(|e| panic!("{what}: cannot run: {e}"));
    assert!(out.status.success(), "{what} failed:\n{}", String::from_utf8_lossy(&out.stderr));
    out
}

fn write_app(dir: &Path, app: &App) {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir.join("src")).expect("app folder");
    let manifest = format!(
        "[package]\nname = \"send-draft-{}\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\n\
         [dependencies]\n{}\ntokio = {{ version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }}\n\n\
         # Its own workspace: never a member of the project's.\n[workspace]\n",
        app.name, app.dependency
    );
    std::fs::write(dir.join("Cargo.toml"), manifest).expect("manifest");
    std::fs::write(dir.join("src/main.rs"), app.main).expect("main.rs");
    if let Some(lock) = &app.lockfile {
        std::fs::copy(lock, dir.join("Cargo.lock")).expect("lockfile");
    }
}

/// Downloads what the app needs and counts the crates of its normal dependency graph.
fn prepare(dir: &Path) -> usize {
    let target = dir.join("target");
    run(cargo().arg("fetch").current_dir(dir).env("CARGO_TARGET_DIR", &target), "cargo fetch");
    let tree = run(
        cargo()
            .args(["tree", "--prefix", "none", "-e", "normal"])
            .current_dir(dir)
            .env("CARGO_TARGET_DIR", &target),
        "cargo tree",
    );
    let mut lines: Vec<String> = String::from_utf8_lossy(&tree.stdout)
        .lines()
        .map(|l| l.trim_end_matches(" (*)").to_owned())
        .filter(|l| !l.is_empty())
        .collect();
    lines.sort();
    lines.dedup();
    lines.len()
}

/// One `cargo build` from an empty target folder, under `/usr/bin/time -v` when it is there.
fn cold_build(dir: &Path, crates: usize) -> Build {
    let target = dir.join("target");
    let _ = std::fs::remove_dir_all(&target);
    let time = Path::new("/usr/bin/time");
    let mut cmd = if time.exists() {
        let mut c = Command::new(time);
        c.arg("-v").arg(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
        clean_env(&mut c);
        c
    } else {
        cargo()
    };
    cmd.args(["build", "--offline"]).current_dir(dir).env("CARGO_TARGET_DIR", &target);
    let start = Instant::now();
    let out = run(&mut cmd, "cargo build");
    let seconds = start.elapsed().as_secs_f64();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let field =
        |name: &str| stderr.lines().find_map(|l| l.trim().strip_prefix(name)).map(|v| v.trim().to_owned());
    let user: Option<f64> = field("User time (seconds):").and_then(|v| v.parse().ok());
    let system: Option<f64> = field("System time (seconds):").and_then(|v| v.parse().ok());
    Build {
        seconds,
        cpu_seconds: user.zip(system).map(|(u, s)| u + s),
        max_rss_kib: field("Maximum resident set size (kbytes):").and_then(|v| v.parse().ok()),
        compiled: stderr.lines().filter(|l| l.trim_start().starts_with("Compiling ")).count(),
        crates,
    }
}

fn describe(b: &Build) -> String {
    let cpu = b.cpu_seconds.map(|c| format!(", {c:.0} s of CPU")).unwrap_or_default();
    let rss = b
        .max_rss_kib
        .map(|k| format!(", peak {:.0} MiB in one process", k as f64 / 1024.0))
        .unwrap_or_default();
    format!(
        "{:.1} s{cpu}{rss}; {} crates in `cargo tree -e normal`, {} compiled",
        b.seconds, b.crates, b.compiled
    )
}

fn main() {
    if std::env::var_os("BENCH_SKIP_COLD_BUILDS").is_some_and(|v| !v.is_empty() && v != "0") {
        println!(
            "cold_build: skipped, as BENCH_SKIP_COLD_BUILDS asks (BENCHMARKS.md has the figures of a run)"
        );
        return;
    }
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let work = figures::target_dir().join("cold-builds");
    let ours = App {
        name: "generated-client",
        dependency: format!("generated-client = {{ path = {:?} }}", crate_dir.display().to_string()),
        main: OURS_MAIN,
        lockfile: Some(crate_dir.join("../Cargo.lock")),
    };
    let sdk = App {
        name: "graph-rs-sdk",
        dependency:
            "graph-rs-sdk = { version = \"3\", default-features = false, features = [\"rustls-tls\"] }".into(),
        main: SDK_MAIN,
        lockfile: None,
    };
    let floor = App {
        name: "reqwest-only",
        dependency: "reqwest = { version = \"0.12\", default-features = false, features = [\"json\", \"rustls-tls\"] }"
            .into(),
        main: FLOOR_MAIN,
        lockfile: Some(crate_dir.join("../Cargo.lock")),
    };
    let (ours_dir, sdk_dir, floor_dir) =
        (work.join("ours"), work.join("graph-rs-sdk"), work.join("reqwest-only"));
    write_app(&ours_dir, &ours);
    write_app(&sdk_dir, &sdk);
    write_app(&floor_dir, &floor);
    let ours_crates = prepare(&ours_dir);
    let sdk_crates = prepare(&sdk_dir);
    let floor_crates = prepare(&floor_dir);

    println!("cold_build: building the app with generated-client…");
    let first = cold_build(&ours_dir, ours_crates);
    println!("  {}", describe(&first));
    println!("cold_build: building the app with graph-rs-sdk…");
    let theirs = cold_build(&sdk_dir, sdk_crates);
    println!("  {}", describe(&theirs));
    println!("cold_build: building the app with generated-client again…");
    let last = cold_build(&ours_dir, ours_crates);
    println!("  {}", describe(&last));

    println!("cold_build: building the same POST with reqwest alone…");
    let bare = cold_build(&floor_dir, floor_crates);
    println!("  {}", describe(&bare));

    let ours_seconds = (first.seconds + last.seconds) / 2.0;
    figures::figure("app with generated-client, first build", describe(&first));
    figures::figure("app with generated-client, last build", describe(&last));
    figures::figure("app with graph-rs-sdk 3 (rustls)", describe(&theirs));
    figures::figure("the same POST with reqwest + tokio alone (the floor both share)", describe(&bare));
    if let (Some(t), Some(a), Some(b)) = (theirs.cpu_seconds, first.cpu_seconds, last.cpu_seconds) {
        figures::figure("graph-rs-sdk / generated-client, CPU time", format!("{:.1}×", t / ((a + b) / 2.0)));
    }
    figures::figure(
        "graph-rs-sdk / reqwest alone (the most any reqwest-based client could reach)",
        format!("{:.1}×", theirs.seconds / bare.seconds),
    );
    let ratio = theirs.seconds / ours_seconds;
    let verdict = if ratio >= 5.0 { "met" } else { "MISSED" };
    figures::figure(
        "graph-rs-sdk / generated-client, cold debug build",
        format!(
            "{ratio:.1}× ({:.1} s against {ours_seconds:.1} s, the mean of ours) (target ≥ 5×: {verdict})",
            theirs.seconds
        ),
    );
    figures::finish("cold_build");
}
