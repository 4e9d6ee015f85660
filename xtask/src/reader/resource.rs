//! The resource-page reader: a resource (type) page → its name, base type, properties and relationships.
//!
//! Resource pages (`doc_type: resourcePageType`) describe an entity or complex type: a `## Properties` table,
//! often a `## Relationships` table, and a JSON representation whose annotation names the type
//! (`"@odata.type": "microsoft.graph.message"`), its base type and whether it is abstract.

use crate::diagnostics::Diagnostic;
use crate::reader::markup;

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

pub fn read(file: &str, source: &str) -> Resource {
    let mut resource = Resource { file: file.to_string(), ..Resource::default() };
    let lines: Vec<String> = source.lines().map(markup::english).collect();
    let mut section = String::new();
    let mut in_fence = false;
    let mut title: Option<String> = None;
    let mut description_lines: Vec<String> = Vec::new();
    let mut in_front_matter = lines.first().map(|l| l.trim()) == Some("---");
    // A table row is held back one line: if a separator follows, it was the header.
    let mut pending: Option<(usize, Vec<String>, String)> = None;
    // A table under Properties whose header has no Type column is not a property table: `outlookcategory.md`
    // follows its properties with a note mapping color constants to colors (`| Pre-set constant | Color … |`).
    let mut other_table = false;
    let mut annotated_base = false;
    let mut i = 0;
    while i < lines.len() {
        let number = i + 1;
        let line = &lines[i];
        let t = line.trim();
        i += 1;
        if in_front_matter {
            if number > 1 && t == "---" {
                in_front_matter = false;
            }
            continue;
        }
        if t.starts_with("```") {
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            continue;
        }
        if let Some(start) = t.strip_prefix("<!--") {
            let mut body = start.to_string();
            while !body.contains("-->") && i < lines.len() {
                body.push('\n');
                body.push_str(&lines[i]);
                i += 1;
            }
            let content = body.split("-->").next().unwrap_or("").trim();
            if content.starts_with('{') {
                match serde_json::from_str::<serde_json::Value>(content) {
                    Ok(v) if v.get("blockType").and_then(|b| b.as_str()) == Some("resource") => {
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
                        annotated_base = v.get("baseType").is_some();
                    }
                    Ok(_) => {}
                    Err(e) => resource.diagnostics.push(Diagnostic::warning(
                        number,
                        format!("the annotation comment is not valid JSON ({e})"),
                    )),
                }
            }
            continue;
        }
        if let Some(h) = markup::heading(line) {
            flush(&mut resource, pending.take(), &section);
            other_table = false;
            if h.level == 1 && title.is_none() {
                title = Some(h.text.clone());
                section = "title".into();
            } else {
                section = markup::key(&h.text);
            }
            continue;
        }
        match section.as_str() {
            "title" if !t.is_empty() && !t.starts_with("Namespace:") && description_lines.is_empty() => {
                description_lines.push(markup::inline_text(t));
            }
            "properties" | "relationships" => {
                let Some(cells) = markup::table_row(line) else {
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
                pending = Some((number, cells, line.clone()));
            }
            _ => {}
        }
    }
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
    resource.description = description_lines.into_iter().next().filter(|d| !d.is_empty());
    // Without `baseType` in the annotation, the prose may say it ("mailSearchFolder inherits from mailFolder").
    if !annotated_base && resource.base.is_none() {
        resource.base = resource.description.as_deref().and_then(inherits_from);
    }
    resource
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
fn flush(resource: &mut Resource, row: Option<(usize, Vec<String>, String)>, section: &str) {
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

/// A type cell of a property or body-parameter table (markup already stripped): `recipient collection` →
/// (`recipient`, true); `Collection(String)` → (`String`, true). Resource pages and API pages' request-body
/// tables both read their types here.
pub fn parse_type(cell: &str) -> (String, bool) {
    let t = cell.trim();
    if let Some(inner) = t
        .strip_prefix("Collection(")
        .or_else(|| t.strip_prefix("collection("))
        .and_then(|s| s.strip_suffix(')'))
    {
        return (inner.trim().to_string(), true);
    }
    let lower = t.to_ascii_lowercase();
    let collection = lower.ends_with(" collection") || lower.ends_with(" array") || lower.ends_with("[]");
    let name = t.split_whitespace().next().unwrap_or("").trim_end_matches("[]").to_string();
    (name, collection)
}

/// The backticked values after "possible values are" (any capitalisation, with or without a colon).
pub fn enum_values(description: &str) -> Vec<String> {
    let lower = description.to_ascii_lowercase();
    let Some(at) = ["possible values are", "possible values:", "supported values are", "the possible values"]
        .iter()
        .filter_map(|p| lower.find(p))
        .min()
    else {
        return Vec::new();
    };
    // The list ends at the sentence's end; values themselves may contain dots, so only ". " ends it.
    let tail = &description[at..];
    let end = tail.find(". ").map(|e| e + 1).unwrap_or(tail.len());
    let mut values = Vec::new();
    let mut parts = tail[..end].split('`');
    parts.next();
    while let Some(v) = parts.next() {
        let v = v.trim();
        if !v.is_empty()
            && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            && !values.iter().any(|x| x == v)
        {
            values.push(v.to_string());
        }
        parts.next();
    }
    values
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_and_collections() {
        assert_eq!(parse_type("recipient collection"), ("recipient".into(), true));
        assert_eq!(parse_type("String"), ("String".into(), false));
        assert_eq!(parse_type("Collection(Edm.String)"), ("Edm.String".into(), true));
    }

    #[test]
    fn enum_values_from_prose() {
        assert_eq!(
            enum_values(
                "The importance of the message. The possible values are: `low`, `normal`, and `high`."
            ),
            vec!["low", "normal", "high"]
        );
        assert_eq!(
            enum_values("The type of the content. Possible values are `text` and `html`."),
            vec!["text", "html"]
        );
        assert!(enum_values("A `string` value.").is_empty());
    }
}
