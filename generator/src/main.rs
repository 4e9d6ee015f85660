//! `cargo run -p generator -- --spec FILE --out DIR [--name CRATE]`: a standalone client crate from any
//! OpenAPI 3.0 document (YAML or JSON).

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "usage: generator --spec FILE --out DIR [--name CRATE]";

fn main() -> ExitCode {
    match run() {
        Ok(n) => {
            println!("generator: {n} file(s) written");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<usize, String> {
    let mut spec = None;
    let mut out = None;
    let mut name = String::from("graph-client");
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("`{a}` needs a value\n{USAGE}"));
        match a.as_str() {
            "--spec" => spec = Some(PathBuf::from(value()?)),
            "--out" => out = Some(PathBuf::from(value()?)),
            "--name" => name = value()?,
            "-h" | "--help" => return Err(USAGE.into()),
            other => return Err(format!("unknown argument `{other}`\n{USAGE}")),
        }
    }
    let (Some(spec), Some(out)) = (spec, out) else { return Err(USAGE.into()) };
    let text = std::fs::read_to_string(&spec).map_err(|e| format!("cannot read {}: {e}", spec.display()))?;
    let document: openapiv3::OpenAPI = serde_yaml_ng::from_str(&text)
        .map_err(|e| format!("{} is not an OpenAPI 3.0 document: {e}", spec.display()))?;
    let files = generator::standalone::crate_files(&document, &name, &spec.display().to_string())
        .map_err(|e| format!("{}: {e}", spec.display()))?;
    for f in &files.files {
        let path = out.join(&f.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        let tmp = path.with_extension("gen-tmp");
        std::fs::write(&tmp, &f.contents).map_err(|e| format!("cannot write {}: {e}", tmp.display()))?;
        std::fs::rename(&tmp, &path).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    Ok(files.files.len())
}
