//! The report's three forms: plain text for a terminal, markdown for a pull-request comment, JSON for tools.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use anyhow::Result;
use serde_json::json;

use super::{Change, Kind, OperationRef, Report};

fn summary_line(report: &Report) -> String {
    format!(
        "{} breaking, {} additive, {} docs; semver: {}",
        report.count(Kind::Breaking),
        report.count(Kind::Additive),
        report.count(Kind::Docs),
        report.semver().as_str()
    )
}

fn source_text(c: &Change) -> Option<String> {
    let s = c.source.as_ref()?;
    Some(match s.line {
        Some(line) => format!("{}:{line}", s.file),
        None => s.file.clone(),
    })
}

/// One line per change, then the summary.
pub fn text(report: &Report) -> String {
    let mut out = String::new();
    for c in &report.changes {
        let _ = write!(out, "{:<8} {}", c.kind.as_str(), c.id);
        if let Some(op) = &c.operation {
            let _ = write!(out, " {} {} ({})", op.method, op.path, op.operation_id);
        }
        let _ = write!(out, ": {}", c.message);
        if let Some(s) = source_text(c) {
            let _ = write!(out, " [{s}]");
        }
        if let Some(r) = &c.rust {
            let _ = write!(out, " rust: {r}");
        }
        out.push('\n');
    }
    if report.changes.is_empty() {
        out.push_str("no changes\n");
    }
    for note in &report.notes {
        let _ = writeln!(out, "note: {note}");
    }
    let _ = writeln!(out, "{}", summary_line(report));
    out
}

/// The JSON form: `{"changes": [...], "summary": {...}, "semver": ...}`.
pub fn json(report: &Report) -> Result<String> {
    let changes: Vec<serde_json::Value> = report
        .changes
        .iter()
        .map(|c| {
            let op = c.operation.as_ref();
            json!({
                "id": c.id,
                "kind": c.kind,
                "method": op.map(|o| &o.method),
                "path": op.map(|o| &o.path),
                "operationId": op.map(|o| &o.operation_id),
                "pointer": c.pointer,
                "message": c.message,
                "source": c.source,
                "rust": c.rust,
                "semver": c.semver,
            })
        })
        .collect();
    let value = json!({
        "changes": changes,
        "summary": {
            "breaking": report.count(Kind::Breaking),
            "additive": report.count(Kind::Additive),
            "docs": report.count(Kind::Docs),
        },
        "semver": report.semver(),
        "notes": report.notes,
    });
    Ok(serde_json::to_string_pretty(&value)? + "\n")
}

/// Markdown for a review comment: the verdict, then breaking changes first, each kind grouped by operation
/// (schemas after), every change linked to the page line it comes from.
pub fn markdown(report: &Report, link_base: Option<&str>) -> String {
    let mut out = String::from("## Spec review: `cargo xtask diff`\n\n");
    if report.changes.is_empty() {
        out.push_str("No changes to the API.\n");
        return out;
    }
    let _ = writeln!(
        out,
        "**{}** — generated-client needs a **{}** version step.\n",
        summary_line(report).split(';').next().unwrap_or(""),
        report.semver().as_str()
    );
    for note in &report.notes {
        let _ = writeln!(out, "> Note: {}\n", escape(note));
    }
    for kind in [Kind::Breaking, Kind::Additive, Kind::Docs] {
        let of_kind: Vec<&Change> = report.changes.iter().filter(|c| c.kind == kind).collect();
        if of_kind.is_empty() {
            continue;
        }
        let title = match kind {
            Kind::Breaking => "Breaking: an app that worked may fail",
            Kind::Additive => "Additive",
            Kind::Docs => "Docs only",
        };
        let _ = writeln!(out, "### {title} ({})\n", of_kind.len());
        let mut groups: BTreeMap<Option<&OperationRef>, Vec<&Change>> = BTreeMap::new();
        for c in of_kind {
            groups.entry(c.operation.as_ref()).or_default().push(c);
        }
        // Operations first, then the schema changes (which have no operation).
        let mut ordered: Vec<_> = groups.into_iter().collect();
        ordered.sort_by_key(|(op, _)| op.is_none());
        for (op, changes) in ordered {
            match op {
                Some(op) => {
                    let _ = write!(out, "**`{} {}`** (`{}`)", op.method, op.path, op.operation_id);
                    if let Some(url) = op.docs_url.as_deref().filter(|u| u.starts_with("https://")) {
                        let _ = write!(out, " · [Graph reference]({url})");
                    }
                    out.push_str("\n\n");
                }
                None => out.push_str("**Schemas**\n\n"),
            }
            for c in changes {
                let _ = write!(out, "- `{}`: {}", c.id, escape(&c.message));
                if let Some(s) = &c.source {
                    let shown = source_text(c).unwrap_or_default();
                    let anchor = s.line.map(|l| format!("#L{l}")).unwrap_or_default();
                    let _ = write!(out, " — [{shown}]({}{}{anchor})", link_base.unwrap_or(""), s.file);
                }
                if let Some(r) = &c.rust {
                    let _ = write!(out, " — Rust: `{r}`");
                }
                out.push('\n');
            }
            out.push('\n');
        }
    }
    out
}

/// Keeps spec text from turning into markup in the comment (`|`, `<`, `*`, `_` and friends).
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_code = false;
    for c in text.chars() {
        if c == '`' {
            in_code = !in_code;
        }
        if !in_code && matches!(c, '<' | '>' | '*' | '_' | '|' | '[' | ']' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
