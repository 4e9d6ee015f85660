//! Resource pages → `components/schemas`, with types as Graph means them.
//!
//! Primitives map as Microsoft's own OpenAPI maps them (`DateTimeOffset` → `date-time`, `Edm.Binary` →
//! `base64url`, `Int32` → `int32`); a type with a resource page becomes a `$ref`; a type without one whose
//! description lists its values becomes a string enum; anything else stays open (`{}`), so an unknown shape
//! never fails decoding. Derived types repeat their base's properties (flattened, so every generated struct
//! is whole), and an abstract base with derived types in the set becomes a `oneOf` told apart by the required
//! `@odata.type` each derived type carries.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use crate::diagnostics::Diagnostic;
use crate::resource::{Property, Resource};
use crate::spec::PageDiagnostic;

pub const PREFIX: &str = "#/components/schemas/";

/// The primitive schema of an OData/Graph type name, or `None` for a structured or enum type.
pub fn primitive(type_name: &str) -> Option<Value> {
    let t = type_name.trim().trim_start_matches("Edm.").trim_start_matches("edm.").to_ascii_lowercase();
    Some(match t.as_str() {
        "string" => json!({ "type": "string" }),
        "boolean" | "bool" => json!({ "type": "boolean" }),
        "int32" | "int16" | "byte" | "sbyte" | "integer" | "int" => {
            json!({ "type": "integer", "format": "int32" })
        }
        "int64" => json!({ "type": "integer", "format": "int64" }),
        "double" | "single" | "decimal" => json!({ "type": "number", "format": "double" }),
        "datetimeoffset" | "datetime" | "timestamp" => json!({ "type": "string", "format": "date-time" }),
        "date" => json!({ "type": "string", "format": "date" }),
        "timeofday" => json!({ "type": "string", "format": "time" }),
        "duration" => json!({ "type": "string", "format": "duration" }),
        "guid" => json!({ "type": "string", "format": "uuid" }),
        "binary" | "stream" => json!({ "type": "string", "format": "base64url" }),
        "json" => json!({}),
        _ => return None,
    })
}

/// Names of the schemas built from resource pages, by lowercase short name (`message` → `microsoft.graph.message`).
#[derive(Debug, Default, Clone)]
pub struct Catalog {
    by_short: BTreeMap<String, String>,
}

impl Catalog {
    pub fn qualified(&self, type_name: &str) -> Option<&str> {
        let short =
            type_name.trim_start_matches('#').rsplit('.').next().unwrap_or(type_name).to_ascii_lowercase();
        self.by_short.get(&short).map(String::as_str)
    }

    fn insert(&mut self, qualified: &str) {
        let short = qualified.rsplit('.').next().unwrap_or(qualified).to_ascii_lowercase();
        self.by_short.entry(short).or_insert_with(|| qualified.to_string());
    }
}

/// The built schemas and what was said while building them.
#[derive(Debug, Default)]
pub struct Schemas {
    pub schemas: Map<String, Value>,
    pub catalog: Catalog,
    pub diagnostics: Vec<PageDiagnostic>,
}

/// Schema of a type as a property or body parameter uses it.
pub fn type_schema(catalog: &Catalog, type_name: &str, collection: bool) -> Value {
    let item = match primitive(type_name) {
        Some(p) => p,
        None => match catalog.qualified(type_name) {
            Some(q) => json!({ "$ref": format!("{PREFIX}{q}") }),
            None => {
                json!({ "description": format!("{type_name} (no resource page in spec/docs, so left open)") })
            }
        },
    };
    if collection {
        json!({ "type": "array", "items": item })
    } else {
        item
    }
}

/// A type name that can be a schema name and a `$ref` target: no `/`, `~`, spaces or markup.
fn is_type_name(name: &str) -> bool {
    !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_')
}

pub fn build(resources: &[Resource]) -> Schemas {
    let mut out = Schemas::default();
    let mut by_name: BTreeMap<&str, &Resource> = BTreeMap::new();
    for r in resources {
        if r.name.is_empty() {
            continue;
        }
        if !is_type_name(&r.name) {
            out.diagnostics.push(PageDiagnostic {
                file: r.file.clone(),
                diagnostic: Diagnostic::error(
                    1,
                    format!("type name `{}` is not a qualified name (letters, digits, `.`, `_`)", r.name),
                ),
            });
            continue;
        }
        if let Some(first) = by_name.insert(&r.name, r) {
            out.diagnostics.push(PageDiagnostic {
                file: r.file.clone(),
                diagnostic: Diagnostic::error(
                    1,
                    format!("type `{}` is also described by {}", r.name, first.file),
                ),
            });
        }
        out.catalog.insert(&r.name);
    }

    // Enums first: a named non-primitive type without a page, whose description lists values.
    let mut enums: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for r in resources {
        for p in &r.properties {
            if primitive(&p.type_name).is_some()
                || out.catalog.qualified(&p.type_name).is_some()
                || p.enum_values.is_empty()
                || !is_type_name(&p.type_name)
            {
                continue;
            }
            let qualified = format!("microsoft.graph.{}", p.type_name);
            let values = enums.entry(qualified).or_default();
            for v in &p.enum_values {
                if !values.contains(v) {
                    values.push(v.clone());
                }
            }
        }
    }
    for qualified in enums.keys() {
        out.catalog.insert(qualified);
    }

    let derived_of = |base: &str| -> Vec<&Resource> {
        resources.iter().filter(|r| r.base.as_deref() == Some(base) && is_type_name(&r.name)).collect()
    };
    for r in resources.iter().filter(|r| is_type_name(&r.name)) {
        let derived = derived_of(&r.name);
        if r.is_abstract && !derived.is_empty() {
            let variants: Vec<Value> =
                derived.iter().map(|d| json!({ "$ref": format!("{PREFIX}{}", d.name) })).collect();
            let mapping: Map<String, Value> = derived
                .iter()
                .map(|d| (format!("#{}", d.name), Value::String(format!("{PREFIX}{}", d.name))))
                .collect();
            out.schemas.insert(
                r.name.clone(),
                json!({
                    "title": r.short_name(),
                    "description": describe(r, "One of its kinds, told apart by `@odata.type`."),
                    "oneOf": variants,
                    "discriminator": { "propertyName": "@odata.type", "mapping": mapping },
                    "x-ms-docs-source": r.file
                }),
            );
            continue;
        }
        // Properties: the base chain's first (outermost base first), then the type's own, later ones winning.
        let mut chain = vec![r];
        let mut seen = vec![r.name.as_str()];
        while let Some(base) = chain.last().and_then(|c| c.base.as_deref()).and_then(|b| by_name.get(b)) {
            if seen.contains(&base.name.as_str()) {
                break;
            }
            seen.push(&base.name);
            chain.push(base);
        }
        let mut props: Map<String, Value> = Map::new();
        for level in chain.iter().rev() {
            for p in &level.properties {
                props.insert(p.name.clone(), property_schema(&out.catalog, p));
            }
        }
        let tagged = r.base.as_deref().and_then(|b| by_name.get(b)).is_some_and(|b| b.is_abstract);
        let mut required = Vec::new();
        if tagged {
            props.insert(
                "@odata.type".into(),
                json!({ "type": "string", "enum": [format!("#{}", r.name)], "description": "The kind of this object." }),
            );
            required.push(Value::String("@odata.type".into()));
        } else {
            props.insert(
                "@odata.type".into(),
                json!({ "type": "string", "description": "The OData type, when Graph names a derived type." }),
            );
        }
        let mut schema = json!({
            "title": r.short_name(),
            "type": "object",
            "description": describe(r, ""),
            "properties": props,
            // Provenance, as operations carry it: `cargo xtask diff` finds the page (and, through it, the line)
            // a schema change comes from. Inherited properties are found through the base's own schema.
            "x-ms-docs-source": r.file
        });
        if !required.is_empty() {
            schema["required"] = Value::Array(required);
        }
        out.schemas.insert(r.name.clone(), schema);
    }
    for (qualified, values) in enums {
        let short = qualified.rsplit('.').next().unwrap_or(&qualified).to_string();
        out.schemas.insert(qualified, json!({ "title": short, "type": "string", "enum": values }));
    }
    out
}

fn describe(r: &Resource, extra: &str) -> String {
    let mut d = r.description.clone().unwrap_or_default();
    if !extra.is_empty() {
        if !d.is_empty() {
            d.push(' ');
        }
        d.push_str(extra);
    }
    if d.is_empty() {
        format!("From {}", r.file)
    } else {
        d
    }
}

fn property_schema(catalog: &Catalog, p: &Property) -> Value {
    let mut s = type_schema(catalog, &p.type_name, p.collection);
    // OpenAPI 3.0 ignores siblings of `$ref`, so a referenced type is wrapped to carry a description.
    if s.get("$ref").is_some() {
        s = json!({ "allOf": [s] });
    }
    if let Some(obj) = s.as_object_mut() {
        if !p.description.is_empty() && !obj.contains_key("description") {
            obj.insert("description".into(), Value::String(p.description.clone()));
        }
        if p.read_only {
            obj.insert("readOnly".into(), Value::Bool(true));
        }
        if p.nullable && obj.contains_key("type") {
            obj.insert("nullable".into(), Value::Bool(true));
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_type_name_that_cannot_be_a_ref_is_an_error_on_its_page() {
        let hostile =
            Resource { file: "x.md".into(), name: "microsoft.graph/../evil".into(), ..Resource::default() };
        let built = build(&[hostile]);
        assert!(built.schemas.is_empty());
        assert_eq!(built.diagnostics.len(), 1);
        assert!(built.diagnostics[0].diagnostic.message.contains("not a qualified name"));
    }
}
