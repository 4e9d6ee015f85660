//! Resource pages → `components/schemas`, with types as Graph means them.
//!
//! Primitives map as Microsoft's own OpenAPI maps them (`DateTimeOffset` → `date-time`, `Edm.Binary` →
//! `base64url`, `Int32` → `int32`); a type with a resource page becomes a `$ref`; a type without one whose
//! description lists its values becomes a string enum; anything else stays open (`{}`), so an unknown shape
//! never fails decoding. Inheritance is `allOf` of the base and the type's own properties, as in Microsoft's
//! own OpenAPI; an abstract base carries a `discriminator` on `@odata.type` naming its kinds.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use crate::diagnostics::{Diagnostic, PageDiagnostic};
use crate::reader::resource::{Property, Resource};

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
    /// Each resource's base type, when the base has a page too.
    bases: BTreeMap<String, String>,
    /// Each resource's own properties: name → (type as the table writes it, collection).
    properties: BTreeMap<String, BTreeMap<String, (String, bool)>>,
}

impl Catalog {
    pub fn qualified(&self, type_name: &str) -> Option<&str> {
        let short =
            type_name.trim_start_matches('#').rsplit('.').next().unwrap_or(type_name).to_ascii_lowercase();
        self.by_short.get(&short).map(String::as_str)
    }

    /// `microsoft.graph.message` → `microsoft.graph.outlookItem`.
    pub fn base_of(&self, qualified: &str) -> Option<&str> {
        self.bases.get(qualified).map(String::as_str)
    }

    /// True when `derived` is `base` or inherits from it.
    pub fn derives_from(&self, derived: &str, base: &str) -> bool {
        let mut current = Some(derived);
        let mut steps = 0;
        while let Some(c) = current {
            if c == base {
                return true;
            }
            steps += 1;
            if steps > 64 {
                return false;
            }
            current = self.base_of(c);
        }
        false
    }

    /// Every type below `qualified` (its kinds, and theirs), sorted by name.
    pub fn descendants(&self, qualified: &str) -> Vec<String> {
        let mut out: Vec<String> = self
            .bases
            .keys()
            .filter(|k| k.as_str() != qualified && self.derives_from(k, qualified))
            .cloned()
            .collect();
        out.sort();
        out
    }

    /// A property of a resource or of one of its bases: (type name, collection).
    pub fn property(&self, qualified: &str, name: &str) -> Option<(&str, bool)> {
        let mut current = Some(qualified);
        let mut steps = 0;
        while let Some(c) = current {
            if let Some((t, collection)) = self.properties.get(c).and_then(|p| p.get(name)) {
                return Some((t, *collection));
            }
            steps += 1;
            if steps > 64 {
                return None;
            }
            current = self.base_of(c);
        }
        None
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
        let own = out.catalog.properties.entry(r.name.clone()).or_default();
        for p in &r.properties {
            own.insert(p.name.clone(), (p.type_name.clone(), p.collection));
        }
    }
    for r in resources {
        if let Some(base) = r.base.as_deref().filter(|b| by_name.contains_key(b) && *b != r.name) {
            out.catalog.bases.insert(r.name.clone(), base.to_string());
        }
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

    for r in resources.iter().filter(|r| is_type_name(&r.name)) {
        out.schemas.insert(r.name.clone(), resource_schema(r, &out.catalog));
    }
    for (qualified, values) in enums {
        let short = qualified.rsplit('.').next().unwrap_or(&qualified).to_string();
        out.schemas.insert(qualified, json!({ "title": short, "type": "string", "enum": values }));
    }
    out
}

/// One resource's schema, Microsoft style: a type whose base has a page is `allOf: [$ref base, {its own
/// properties}]`, so `message` is `entity` → `outlookItem` → `message` and a consumer flattens the chain; a
/// type without one is a plain object carrying `@odata.type`, which every type inherits from it. An abstract
/// type with kinds in the set carries a `discriminator` on `@odata.type` mapping every kind below it; a
/// concrete base (`mailFolder` under `mailSearchFolder`) does not.
fn resource_schema(r: &Resource, catalog: &Catalog) -> Value {
    let base = catalog.base_of(&r.name);
    let mut props: Map<String, Value> = Map::new();
    for p in &r.properties {
        // A page may repeat an inherited property (`message` lists `id`); the base states it once.
        if base.is_some_and(|b| catalog.property(b, &p.name).is_some()) {
            continue;
        }
        props.insert(p.name.clone(), property_schema(catalog, p));
    }
    if base.is_none() {
        props.insert(
            "@odata.type".into(),
            json!({ "type": "string", "description": "The OData type, when Graph names a derived type." }),
        );
    }
    let mut own = json!({ "title": r.short_name(), "type": "object" });
    let extra = if r.is_abstract { "One of its kinds, told apart by `@odata.type`." } else { "" };
    own["description"] = Value::String(describe(r, extra));
    own["properties"] = Value::Object(props);
    let kinds = catalog.descendants(&r.name);
    if r.is_abstract && !kinds.is_empty() {
        let mapping: Map<String, Value> =
            kinds.iter().map(|k| (format!("#{k}"), Value::String(format!("{PREFIX}{k}")))).collect();
        own["discriminator"] = json!({ "propertyName": "@odata.type", "mapping": mapping });
    }
    let mut schema = match base {
        Some(b) => json!({ "allOf": [{ "$ref": format!("{PREFIX}{b}") }, own] }),
        None => own,
    };
    // Provenance, as operations carry it: `cargo xtask diff` finds the page (and, through it, the line) a
    // schema change comes from. Inherited properties are found through the base's own schema.
    schema["x-ms-docs-source"] = Value::String(r.file.clone());
    schema
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

/// Graph's model makes a property nullable unless it says otherwise (CSDL's `Nullable` defaults to true, and
/// Microsoft's OpenAPI writes `nullable: true` on such properties): every single-valued property is, but the
/// key (`id`) and one its page calls "not nullable" or "required". A collection is an array, empty when unset.
fn nullable(p: &Property) -> bool {
    let key = crate::reader::markup::key(&p.description);
    if p.nullable {
        return true;
    }
    !p.collection
        && p.name != "id"
        && !key.contains("not nullable")
        && !key.split(' ').any(|w| w == "required")
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
        if nullable(p) && (obj.contains_key("type") || obj.contains_key("allOf")) {
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
