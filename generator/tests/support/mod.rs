//! Helpers shared by the generator's integration tests: loading specs, reading the emitted code back with
//! `syn`, and the scratch and build folders under the target directory.

#![allow(dead_code)] // Each test binary uses a different part of it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use generator::{Files, Settings};
use openapiv3::OpenAPI;

/// The workspace root (the generator crate's parent folder).
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("the generator crate has a parent").to_path_buf()
}

/// `generator/tests/fixtures/<name>`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

/// A folder of its own for one test, emptied first, below cargo's scratch folder for integration tests.
pub fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("generator-tests").join(name);
    if dir.exists() {
        std::fs::remove_dir_all(&dir).expect("empty the scratch folder");
    }
    std::fs::create_dir_all(&dir).expect("make the scratch folder");
    dir
}

/// Parses a spec given as YAML (or JSON) text.
pub fn spec(yaml: &str) -> OpenAPI {
    serde_yaml_ng::from_str(yaml).unwrap_or_else(|e| panic!("test spec does not parse: {e}\n{yaml}"))
}

/// Loads a spec from a file.
pub fn load(path: &Path) -> OpenAPI {
    let text =
        std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    spec(&text)
}

/// A spec with one operation per `(method, path, operationId)`, each answering 204, with its path parameters
/// declared.
pub fn spec_of(operations: &[(&str, &str, &str)]) -> OpenAPI {
    let mut paths: BTreeMap<&str, String> = BTreeMap::new();
    for (method, path, id) in operations {
        let entry = paths.entry(path).or_default();
        entry.push_str(&format!(
            "    {method}:\n      operationId: {id:?}\n      responses:\n        \"204\":\n          description: done\n"
        ));
    }
    let mut yaml = String::from("openapi: 3.0.3\ninfo:\n  title: test\n  version: \"1\"\npaths:\n");
    for (path, methods) in paths {
        yaml.push_str(&format!("  {path:?}:\n"));
        let params: Vec<&str> =
            path.split('/').filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}'))).collect();
        if !params.is_empty() {
            yaml.push_str("    parameters:\n");
            for p in params {
                yaml.push_str(&format!(
                    "      - {{ in: path, name: {p:?}, required: true, schema: {{ type: string }} }}\n"
                ));
            }
        }
        yaml.push_str(&methods);
    }
    spec(&yaml)
}

/// Generates with the default settings; fails the test on an error.
pub fn generate(spec: &OpenAPI) -> Files {
    generator::generate(spec, &Settings::default()).unwrap_or_else(|e| panic!("generation failed: {e}"))
}

/// The text of one emitted file.
pub fn file<'a>(files: &'a Files, name: &str) -> &'a str {
    files
        .files
        .iter()
        .find(|f| f.path == Path::new(name))
        .map(|f| f.contents.as_str())
        .unwrap_or_else(|| panic!("no {name} was emitted"))
}

/// Parses emitted source text as Rust.
pub fn parse(name: &str, text: &str) -> syn::File {
    syn::parse_file(text).unwrap_or_else(|e| panic!("{name} does not parse: {e}"))
}

/// One method of an `impl` block: its name and the type it returns, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Method {
    pub name: String,
    pub returns: String,
}

/// The inherent methods of every type in `mod.rs`, by type name.
pub fn methods(file: &syn::File) -> BTreeMap<String, Vec<Method>> {
    let mut out: BTreeMap<String, Vec<Method>> = BTreeMap::new();
    for item in &file.items {
        let syn::Item::Impl(block) = item else { continue };
        if block.trait_.is_some() {
            continue;
        }
        let syn::Type::Path(ty) = &*block.self_ty else { continue };
        let owner = ty.path.segments.last().map(|s| s.ident.to_string()).unwrap_or_default();
        for member in &block.items {
            let syn::ImplItem::Fn(f) = member else { continue };
            let returns = match &f.sig.output {
                syn::ReturnType::Default => String::new(),
                syn::ReturnType::Type(_, ty) => quote::quote!(#ty).to_string(),
            };
            out.entry(owner.clone()).or_default().push(Method { name: f.sig.ident.to_string(), returns });
        }
    }
    out
}

/// The names of the structs a file defines, in order.
pub fn structs(file: &syn::File) -> Vec<String> {
    file.items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Struct(s) => Some(s.ident.to_string()),
            _ => None,
        })
        .collect()
}

/// What `owner.name(..)` returns; fails the test when there is no such method.
pub fn returns(all: &BTreeMap<String, Vec<Method>>, owner: &str, name: &str) -> String {
    all.get(owner)
        .and_then(|ms| ms.iter().find(|m| m.name == name))
        .map(|m| m.returns.clone())
        .unwrap_or_else(|| panic!("`{owner}` has no method `{name}`; it has {:?}", all.get(owner)))
}

/// The target directory this test was built in: cargo's scratch folder for integration tests is its `tmp`.
pub fn target_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("the scratch folder is in the target dir")
        .to_path_buf()
}

/// Runs cargo in `dir` with the shared target directory; fails the test with cargo's output if it fails or
/// prints a warning.
pub fn cargo(dir: &Path, target: &Path, args: &[&str], env: &[(&str, &str)]) {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let started = Instant::now();
    let output = Command::new(cargo)
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .env("CARGO_TERM_COLOR", "never")
        .envs(env.iter().copied())
        .output()
        .expect("cargo runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    eprintln!("cargo {} took {:.1?}", args.join(" "), started.elapsed());
    assert!(output.status.success(), "cargo {} failed:\n{stderr}", args.join(" "));
    let warnings: Vec<&str> = stderr.lines().filter(|l| l.trim_start().starts_with("warning")).collect();
    assert!(warnings.is_empty(), "cargo {} warned:\n{stderr}", args.join(" "));
}
