//! `cargo xtask <task>`: the command line over the xtask library.

use anyhow::{bail, Result};

const USAGE: &str = "usage: cargo xtask regen [--check]

  regen           read spec/docs, write spec/openapi.yaml and generated-client/src/generated/
  regen --check   write nothing; print a diff and fail if any generated file is out of date";

fn main() -> std::process::ExitCode {
    match run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn run() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = xtask::project_root();
    match args.first().map(String::as_str) {
        Some("regen") => {
            let mut check = false;
            for a in &args[1..] {
                match a.as_str() {
                    "--check" => check = true,
                    other => bail!("unknown option `{other}` for regen\n\n{USAGE}"),
                }
            }
            xtask::regen::run(&root, check)
        }
        Some("-h" | "--help" | "help") | None => {
            println!("{USAGE}");
            Ok(())
        }
        Some(other) => bail!("unknown task `{other}`\n\n{USAGE}"),
    }
}
