//! Cold `cargo build` of an app that sends one draft (`POST /me/messages/{id}/send`) with this crate,
//! beside the same app written with `graph-rs-sdk` (the crate people use for Graph in Rust today) and the
//! same POST with reqwest and tokio alone, each built here with a fresh target folder.
//!
//! Both clients sit on reqwest + tokio + rustls, which no client on that stack can build faster than, so the
//! figure is what each one ADDS to that floor's build. Target: what generated-client adds is at most 1/6 of
//! what graph-rs-sdk adds. CPU time (user + system of the whole `cargo build` process tree) is the headline:
//! it barely moves when other builds share the machine; wall time is given beside it.
//!
//! It takes many minutes on two cores; `cargo bench` runs it like every other bench, and
//! `BENCH_SKIP_COLD_BUILDS=1` leaves it out (it says so and does nothing). BENCHMARKS.md holds the figures
//! of a run.
//!
//! The apps are written out of templates below into `<target>/cold-builds/` (each its own workspace,
//! never a member of ours, never built by CI). Downloads happen first (`cargo fetch`) and are not timed.
//! Ours and the floor build at the versions of the workspace's Cargo.lock; graph-rs-sdk at the newest its
//! manifest allows, with rustls like ours (`default-features = false, features = ["rustls-tls"]`), so that
//! none needs OpenSSL. The order is ours, floor, graph-rs-sdk, floor, ours, and the means of the pairs are
//! taken, so that a change in the machine's load over the run weighs on both sides alike. Every build runs
//! under `--timings` (stable cargo writes an HTML report whose `UNIT_DATA` lists each unit's seconds), from
//! which the bench reads generated-client's own compile time and the crates ours compiles beyond the floor.

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
    /// Seconds of each unit cargo compiled (build scripts and their runs included), by crate name, from
    /// `--timings`; empty when the report could not be read.
    units: Vec<(String, f64)>,
}

impl Build {
    /// The seconds of the units of crate `name` (its library, and its build script if any).
    fn unit_seconds(&self, name: &str) -> Option<f64> {
        let mut found = self.units.iter().filter(|(n, _)| n == name).peekable();
        found.peek()?;
        Some(found.map(|(_, s)| s).sum())
    }
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

/// One `cargo build --timings` from an empty target folder, under `/usr/bin/time -v` when it is there
/// (its user and system times are those of cargo and every rustc and build script it waited for).
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
    cmd.args(["build", "--offline", "--timings"]).current_dir(dir).env("CARGO_TARGET_DIR", &target);
    let start = Instant::now();
    let out = run(&mut cmd, "cargo build");
    let seconds = start.elapsed().as_secs_f64();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let field =
        |name: &str| stderr.lines().find_map(|l| l.trim().strip_prefix(name)).map(|v| v.trim().to_owned());
    let user: Option<f64> = field("User time (seconds):").and_then(|v| v.parse().ok());
    let system: Option<f64> = field("System time (seconds):").and_then(|v| v.parse().ok());
    let report = std::fs::read_to_string(target.join("cargo-timings/cargo-timing.html")).unwrap_or_default();
    Build {
        seconds,
        cpu_seconds: user.zip(system).map(|(u, s)| u + s),
        max_rss_kib: field("Maximum resident set size (kbytes):").and_then(|v| v.parse().ok()),
        compiled: stderr.lines().filter(|l| l.trim_start().starts_with("Compiling ")).count(),
        crates,
        units: unit_times(&report),
    }
}

/// Each unit's name and seconds from the `const UNIT_DATA = [...];` array of cargo's timing report.
fn unit_times(report: &str) -> Vec<(String, f64)> {
    let Some(start) = report.find("const UNIT_DATA = ") else {
        return Vec::new();
    };
    let array = &report[start + "const UNIT_DATA = ".len()..];
    let Some(end) = array.find("];") else {
        return Vec::new();
    };
    let units: Vec<serde_json::Value> = serde_json::from_str(&array[..=end]).unwrap_or_default();
    units
        .iter()
        .filter_map(|u| Some((u.get("name")?.as_str()?.to_owned(), u.get("duration")?.as_f64()?)))
        .collect()
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

fn mean(a: f64, b: f64) -> f64 {
    (a + b) / 2.0
}

fn mean_cpu(a: &Build, b: &Build) -> Option<f64> {
    a.cpu_seconds.zip(b.cpu_seconds).map(|(a, b)| mean(a, b))
}

/// What ours and graph-rs-sdk add over the floor in one measure, and the ratio against the target.
fn added(measure: &str, ours: f64, sdk: f64, floor: f64) -> String {
    let (ours_added, sdk_added) = (ours - floor, sdk - floor);
    let ratio = ours_added / sdk_added;
    let verdict = if ratio <= 1.0 / 6.0 { "met" } else { "MISSED" };
    format!(
        "{measure}: +{ours_added:.1} s against +{sdk_added:.1} s over the floor's {floor:.1} s: \
         1/{:.1} (target ≤ 1/6: {verdict})",
        1.0 / ratio
    )
}

/// The operations of the spec the crate was generated from: its `operationId`s.
fn operation_count(crate_dir: &Path) -> usize {
    std::fs::read_to_string(crate_dir.join("../spec/openapi.yaml"))
        .map(|spec| spec.lines().filter(|l| l.trim_start().starts_with("operationId:")).count())
        .unwrap_or(0)
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

    let build = |what: &str, dir: &Path, crates: usize| {
        println!("cold_build: building {what}…");
        let b = cold_build(dir, crates);
        println!("  {}", describe(&b));
        b
    };
    let ours_first = build("the app with generated-client", &ours_dir, ours_crates);
    let floor_first = build("the same POST with reqwest alone", &floor_dir, floor_crates);
    let theirs = build("the app with graph-rs-sdk", &sdk_dir, sdk_crates);
    let floor_last = build("the same POST with reqwest alone again", &floor_dir, floor_crates);
    let ours_last = build("the app with generated-client again", &ours_dir, ours_crates);

    figures::figure("app with generated-client, first build", describe(&ours_first));
    figures::figure("app with generated-client, last build", describe(&ours_last));
    figures::figure("app with graph-rs-sdk 3 (rustls)", describe(&theirs));
    figures::figure("the same POST with reqwest + tokio alone (the floor), first", describe(&floor_first));
    figures::figure("the same POST with reqwest + tokio alone (the floor), last", describe(&floor_last));
    if let (Some(ours_cpu), Some(floor_cpu), Some(sdk_cpu)) =
        (mean_cpu(&ours_first, &ours_last), mean_cpu(&floor_first, &floor_last), theirs.cpu_seconds)
    {
        figures::figure("added over the floor, CPU (headline)", added("CPU", ours_cpu, sdk_cpu, floor_cpu));
    }
    figures::figure(
        "added over the floor, wall",
        added(
            "wall",
            mean(ours_first.seconds, ours_last.seconds),
            theirs.seconds,
            mean(floor_first.seconds, floor_last.seconds),
        ),
    );

    // generated-client's own compile time, and what else ours compiles that the floor does not.
    let operations = operation_count(crate_dir);
    if let (Some(a), Some(b)) =
        (ours_first.unit_seconds("generated-client"), ours_last.unit_seconds("generated-client"))
    {
        let own = mean(a, b);
        let per_100 = if operations > 0 {
            format!(", {:.2} s per 100 operations", own * 100.0 / operations as f64)
        } else {
            String::new()
        };
        figures::figure(
            "generated-client's own compile (`--timings` unit, mean of the two builds)",
            format!("{own:.1} s for {operations} operations{per_100}"),
        );
    }
    let floor_names: std::collections::BTreeSet<&str> =
        floor_first.units.iter().chain(&floor_last.units).map(|(n, _)| n.as_str()).collect();
    let mut extra: std::collections::BTreeMap<&str, f64> = std::collections::BTreeMap::new();
    for (name, seconds) in &ours_last.units {
        // Each app's own crate (`send-draft-…`) is the few lines of its `main`, on both sides.
        if !floor_names.contains(name.as_str()) && !name.starts_with("send-draft-") {
            *extra.entry(name).or_default() += seconds;
        }
    }
    let mut extra: Vec<(&str, f64)> = extra.into_iter().collect();
    extra.sort_by(|a, b| b.1.total_cmp(&a.1));
    let listed: Vec<String> = extra.iter().map(|(n, s)| format!("{n} {s:.1} s")).collect();
    figures::figure(
        "units ours compiles beyond the floor (last build, `--timings` seconds)",
        format!("{:.1} s in all: {}", extra.iter().map(|(_, s)| s).sum::<f64>(), listed.join(", ")),
    );
    figures::finish("cold_build");
}
