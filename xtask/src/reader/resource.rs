//! The resource-page reader: a resource (type) page → its name, base type, properties and relationships.
//!
//! Resource pages (`doc_type: resourcePageType`) describe an entity or complex type: a `## Properties` table,
//! often a `## Relationships` table, and a JSON representation whose annotation names the type
//! (`"@odata.type": "microsoft.graph.message"`), its base type and whether it is abstract.

use std::borrow::Cow;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::reader::markup;
use crate::reader::scan::{Item, Scan};

pub use crate::reader::cells::{enum_values, parse_type};

#[derive(Debug, Clone, Default)]
pub struct Resource {
    pub file: String,
    /// The qualified name (`microsoft.graph.message`).
    pub name: String,
    pub base: Option<String>,
    pub is_abstract: bool,
    pub description: Option<String>,
    pub properties: Vec<Property>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Resource {
    /// The unqualified name (`message`).
    pub fn short_name(&self) -> &str {
        self.name.rsplit('.').next().unwrap_or(&self.name)
    }

    /// Pushes what the reader found on this page, with its file, into a run's collector.
    pub fn report_to(&self, run: &mut Diagnostics) {
        run.page(&self.file, &self.diagnostics);
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Property {
    pub name: String,
    /// The type as the table writes it, without markup (`recipient`, `String`, `Edm.Binary`).
    pub type_name: String,
    pub collection: bool,
    pub description: String,
    pub read_only: bool,
    pub nullable: bool,
    /// Values the description lists ("Possible values are `low`, `normal`, and `high`").
    pub enum_values: Vec<String>,
    pub relationship: bool,
    pub line: usize,
}

/// True when the page declares itself a resource page or carries a resource annotation.
pub fn is_resource_page(source: &str) -> bool {
    source.contains("doc_type: resourcePageType") || source.contains("\"blockType\": \"resource\"")
}

/// Reads one resource page; `file` is only used to label it.
pub fn read(file: &str, source: &str) -> Resource {
    let mut resource = Resource { file: file.to_string(), ..Resource::default() };
    let mut section = String::new();
    let mut title: Option<String> = None;
    let mut description: Option<String> = None;
    // A table row is held back one line: if a separator follows, it was the header.
    let mut pending: Option<(usize, Vec<String>, Cow<str>)> = None;
    // A table under Properties whose header has no Type column is not a property table: `outlookcategory.md`
    // follows its properties with a note mapping color constants to colors (`| Pre-set constant | Color … |`).
    let mut other_table = false;
    let mut annotated_base = false;
    let mut scan = Scan::new(source);
    while let Some(item) = scan.next() {
        resource.diagnostics.append(&mut scan.diagnostics);
        let (number, line) = match item {
            Item::Annotation { value: Ok(v), .. } => {
                if v.get("blockType").and_then(|b| b.as_str()) == Some("resource") {
                    annotated_base = v.get("baseType").is_some();
                    read_annotation(&mut resource, &v);
                }
                continue;
            }
            // The type is then named by the title, its base and abstractness unknown: a warning, as the
            // page's properties still read.
            Item::Annotation { line, value: Err(e) } => {
                resource.diagnostics.push(Diagnostic::warning(
                    line,
                    format!("the annotation comment is not valid JSON ({e})"),
                ));
                continue;
            }
            Item::Fence(_) => continue,
            Item::Heading { heading, .. } => {
                flush(&mut resource, pending.take(), &section);
                other_table = false;
                if heading.level == 1 && title.is_none() {
                    title = Some(heading.text);
                    section = "title".into();
                } else {
                    section = markup::key(&heading.text);
                }
                continue;
            }
            Item::Text { line, text } => (line, text),
        };
        let t = line.trim();
        match section.as_str() {
            "title" if !t.is_empty() && !t.starts_with("Namespace:") && description.is_none() => {
                description = Some(markup::inline_text(t));
            }
            "properties" | "relationships" => {
                let Some(cells) = markup::table_row(&line) else {
                    flush(&mut resource, pending.take(), &section);
                    other_table = false;
                    continue;
                };
                if markup::is_table_separator(&cells) {
                    // The row above a separator is the table's header, whatever its words.
                    if let Some((_, header, _)) = pending.take() {
                        other_table = !header.iter().any(|c| markup::key(c) == "type");
                    }
                    continue;
                }
                if other_table {
                    continue;
                }
                flush(&mut resource, pending.take(), &section);
                pending = Some((number, cells, line));
            }
            _ => {}
        }
    }
    resource.diagnostics.append(&mut scan.diagnostics);
    flush(&mut resource, pending.take(), &section);
    if resource.name.is_empty() {
        // Old pages lack the annotation; the title names the type ("message resource type").
        let from_title = title.as_deref().and_then(|t| t.split_whitespace().next()).unwrap_or("");
        if from_title.is_empty() {
            resource.diagnostics.push(Diagnostic::error(
                1,
                "the resource page names no type (no `@odata.type` annotation, no title)",
            ));
        } else {
            resource.name = format!("microsoft.graph.{from_title}");
        }
    }
    resource.description = description.filter(|d| !d.is_empty());
    // Without `baseType` in the annotation, the prose may say it ("mailSearchFolder inherits from mailFolder").
    if !annotated_base && resource.base.is_none() {
        resource.base = resource.description.as_deref().and_then(inherits_from);
    }
    resource
}

/// A `"blockType": "resource"` annotation: the type's name, its base, whether it is abstract.
fn read_annotation(resource: &mut Resource, v: &serde_json::Value) {
    if let Some(name) = v.get("@odata.type").and_then(|n| n.as_str()) {
        resource.name = name.trim_start_matches('#').to_string();
    }
    resource.base = v
        .get("baseType")
        .and_then(|n| n.as_str())
        .map(|s| s.trim_start_matches('#').to_string())
        .filter(|s| !s.is_empty());
    // Pages write the flag as `true` or as the string `"true"` (`entity.md`).
    resource.is_abstract = match v.get("abstract") {
        Some(serde_json::Value::Bool(b)) => *b,
        Some(serde_json::Value::String(s)) => s.eq_ignore_ascii_case("true"),
        _ => false,
    };
}

/// "… **mailSearchFolder** inherits from [mailFolder](mailfolder.md). …" → `microsoft.graph.mailFolder`.
fn inherits_from(description: &str) -> Option<String> {
    let at = description.find("inherits from ")? + "inherits from ".len();
    let name: String = description[at..]
        .trim_start()
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '.')
        .collect();
    let name = name.trim_end_matches('.');
    (!name.is_empty()).then(|| format!("microsoft.graph.{}", name.trim_start_matches("microsoft.graph.")))
}

/// Turns a held-back table row into a property, now that it is known not to be a header.
fn flush(resource: &mut Resource, row: Option<(usize, Vec<String>, Cow<str>)>, section: &str) {
    let Some((number, cells, raw)) = row else { return };
    if cells.len() < 2
        || cells[0].trim().is_empty()
        || !(section == "properties" || section == "relationships")
    {
        return;
    }
    let name = cells[0].trim().to_string();
    if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '@' || c == '.' || c == '_') {
        resource.diagnostics.push(Diagnostic::warning(
            number,
            format!("property name `{name}` is not an identifier; skipped"),
        ));
        return;
    }
    let (type_name, collection) = parse_type(&cells[1]);
    let description = cells.get(2..).map(|c| c.join(" | ")).unwrap_or_default();
    let key = markup::key(&description);
    resource.properties.push(Property {
        name,
        type_name,
        collection,
        read_only: key.contains("read only"),
        nullable: key.contains("nullable") && !key.contains("not nullable"),
        // Values are read from the raw cell: they are the text in backticks, which markup stripping removes.
        enum_values: enum_values(raw.trim().trim_matches('|').rsplit('|').next().unwrap_or("")),
        description,
        relationship: section == "relationships",
        line: number,
    });
}
