//! Resource pages → `components/schemas`, with types as Graph means them.
//!
//! Primitives map as Microsoft's own OpenAPI maps them (`DateTimeOffset` → `date-time`, `Edm.Binary` →
//! `base64url`, `Int32` → `int32`); a type with a resource page becomes a `$ref`; a type without one whose
//! description lists its values becomes a string enum; anything else stays open (`{}`), so an unknown shape
//! never fails decoding. Inheritance is `allOf` of the base and the type's own properties, as in Microsoft's
//! own OpenAPI; an abstract base carries a `discriminator` on `@odata.type` naming its kinds.

use std::collections::BTreeMap;

use indexmap::IndexMap;
use openapiv3::{Discriminator, ReferenceOr, Schema, SchemaKind, StringType, Type};

use super::typed::{self, Properties};
use crate::diagnostics::Diagnostics;
use crate::reader::resource::{Property, Resource};

pub use super::typed::SCHEMA_PREFIX as PREFIX;

/// The primitive schema of an OData/Graph type name, or `None` for a structured or enum type.
pub fn primitive(type_name: &str) -> Option<Schema> {
    let t = type_name.trim().trim_start_matches("Edm.").trim_start_matches("edm.").to_ascii_lowercase();
    Some(match t.as_str() {
        "string" => typed::string(None),
        "boolean" | "bool" => typed::boolean(),
        "int32" | "int16" | "byte" | "sbyte" | "integer" | "int" => typed::integer(Some("int32")),
        "int64" => typed::integer(Some("int64")),
        "double" | "single" | "decimal" => typed::number(Some("double")),
        "datetimeoffset" | "datetime" | "timestamp" => typed::string(Some("date-time")),
        "date" => typed::string(Some("date")),
        "timeofday" => typed::string(Some("time")),
        "duration" => typed::string(Some("duration")),
        "guid" => typed::string(Some("uuid")),
        "binary" | "stream" => typed::string(Some("base64url")),
        "json" => typed::any(),
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

/// The built schemas; what was said while building them is in the run's [`Diagnostics`].
#[derive(Debug, Default)]
pub struct Schemas {
    /// By qualified name, sorted.
    pub schemas: BTreeMap<String, Schema>,
    pub catalog: Catalog,
}

/// Schema of a type as a property or body parameter uses it.
pub fn type_schema(catalog: &Catalog, type_name: &str, collection: bool) -> ReferenceOr<Schema> {
    let item = match primitive(type_name) {
        Some(p) => ReferenceOr::Item(p),
        None => match catalog.qualified(type_name) {
            Some(q) => typed::schema_ref(q),
            None => ReferenceOr::Item(typed::described(
                typed::any(),
                format!("{type_name} (no resource page in spec/docs, so left open)"),
            )),
        },
    };
    if collection {
        ReferenceOr::Item(typed::array(item))
    } else {
        item
    }
}

/// A schema that can carry siblings: a `$ref` is wrapped in `allOf`, since OpenAPI 3.0 ignores the siblings
/// of a `$ref`.
pub fn with_siblings(schema: ReferenceOr<Schema>) -> Schema {
    match schema {
        ReferenceOr::Item(s) => s,
        reference => typed::all_of(vec![reference]),
    }
}

/// A type name that can be a schema name and a `$ref` target: no `/`, `~`, spaces or markup.
fn is_type_name(name: &str) -> bool {
    !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_')
}

/// The schemas of resource pages (owned or borrowed); the problems found in them are said in `diagnostics`.
pub fn build<R: std::borrow::Borrow<Resource>>(resources: &[R], diagnostics: &mut Diagnostics) -> Schemas {
    let resources = resources.iter().map(R::borrow);
    let mut out = Schemas::default();
    let mut by_name: BTreeMap<&str, &Resource> = BTreeMap::new();
    for r in resources.clone() {
        if r.name.is_empty() {
            continue;
        }
        if !is_type_name(&r.name) {
            diagnostics.error(
                &r.file,
                1,
                format!("type name `{}` is not a qualified name (letters, digits, `.`, `_`)", r.name),
            );
            continue;
        }
        if let Some(first) = by_name.insert(&r.name, r) {
            diagnostics.error(&r.file, 1, format!("type `{}` is also described by {}", r.name, first.file));
        }
        out.catalog.insert(&r.name);
        let own = out.catalog.properties.entry(r.name.clone()).or_default();
        for p in &r.properties {
            own.insert(p.name.clone(), (p.type_name.clone(), p.collection));
        }
    }
    for r in resources.clone() {
        if let Some(base) = r.base.as_deref().filter(|b| by_name.contains_key(b) && *b != r.name) {
            out.catalog.bases.insert(r.name.clone(), base.to_string());
        }
    }

    // Enums first: a named non-primitive type without a page, whose description lists values.
    let mut enums: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for r in resources.clone() {
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

    for r in resources.filter(|r| is_type_name(&r.name)) {
        out.schemas.insert(r.name.clone(), resource_schema(r, &out.catalog));
    }
    for (qualified, values) in enums {
        let short = qualified.rsplit('.').next().unwrap_or(&qualified).to_string();
        let values = values.into_iter().map(Some).collect();
        let kind =
            SchemaKind::Type(Type::String(StringType { enumeration: values, ..StringType::default() }));
        out.schemas.insert(qualified, typed::titled(typed::of(kind), short));
    }
    out
}

/// One resource's schema, Microsoft style: a type whose base has a page is `allOf: [$ref base, {its own
/// properties}]`, so `message` is `entity` → `outlookItem` → `message` and a consumer flattens the chain; a
/// type without one is a plain object carrying `@odata.type`, which every type inherits from it. An abstract
/// type with kinds in the set carries a `discriminator` on `@odata.type` mapping every kind below it; a
/// concrete base (`mailFolder` under `mailSearchFolder`) does not.
fn resource_schema(r: &Resource, catalog: &Catalog) -> Schema {
    let base = catalog.base_of(&r.name);
    let mut props = Properties::new();
    for p in &r.properties {
        // A page may repeat an inherited property (`message` lists `id`); the base states it once.
        if base.is_some_and(|b| catalog.property(b, &p.name).is_some()) {
            continue;
        }
        props.insert(p.name.clone(), ReferenceOr::Item(Box::new(property_schema(catalog, p))));
    }
    if base.is_none() {
        let odata_type =
            typed::described(typed::string(None), "The OData type, when Graph names a derived type.");
        props.insert("@odata.type".into(), ReferenceOr::Item(Box::new(odata_type)));
    }
    let extra = if r.is_abstract { "One of its kinds, told apart by `@odata.type`." } else { "" };
    let mut own =
        typed::described(typed::titled(typed::object(props, vec![]), r.short_name()), describe(r, extra));
    let kinds = catalog.descendants(&r.name);
    if r.is_abstract && !kinds.is_empty() {
        let mapping: IndexMap<String, String> =
            kinds.iter().map(|k| (format!("#{k}"), format!("{PREFIX}{k}"))).collect();
        own.schema_data.discriminator =
            Some(Discriminator { property_name: "@odata.type".into(), mapping, ..Discriminator::default() });
    }
    let mut schema = match base {
        Some(b) => typed::all_of(vec![typed::schema_ref(b), ReferenceOr::Item(own)]),
        None => own,
    };
    // Provenance, as operations carry it: `cargo xtask diff` finds the page (and, through it, the line) a
    // schema change comes from. Inherited properties are found through the base's own schema.
    schema
        .schema_data
        .extensions
        .insert("x-ms-docs-source".into(), serde_json::Value::String(r.file.clone()));
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

fn property_schema(catalog: &Catalog, p: &Property) -> Schema {
    let mut s = with_siblings(type_schema(catalog, &p.type_name, p.collection));
    let data = &mut s.schema_data;
    if !p.description.is_empty() && data.description.is_none() {
        data.description = Some(p.description.clone());
    }
    if p.read_only {
        data.read_only = true;
    }
    // `nullable` means something only beside a type (or the `allOf` standing for one), not on `{}`.
    let typed_kind = matches!(s.schema_kind, SchemaKind::Type(_) | SchemaKind::AllOf { .. });
    if nullable(p) && typed_kind {
        s.schema_data.nullable = true;
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
        let mut said = Diagnostics::new();
        let built = build(&[hostile], &mut said);
        assert!(built.schemas.is_empty());
        assert_eq!(said.len(), 1);
        assert_eq!(said[0].file, "x.md");
        assert!(said[0].diagnostic.message.contains("not a qualified name"));
    }
}
