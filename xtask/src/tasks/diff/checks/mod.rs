//! The checks: two OpenAPI documents → the changes between them, each with its id, kind and pointer.
//!
//! Operations are matched by method and path template, parameters by location and name (`operations.rs`);
//! schemas by name and properties by name (`schemas.rs`). Direction decides the kind where it matters: a
//! property that became required breaks the apps that send the type, not those that only read it.

mod operations;
mod schemas;

use openapiv3::{OpenAPI, ReferenceOr, Schema, SchemaKind, Type};

use super::{Change, Kind, OperationRef, Semver, Side, Subject};

const SCHEMAS: &str = "#/components/schemas/";

/// Every change from `old` to `new`, unsorted.
pub fn run(old: &OpenAPI, new: &OpenAPI) -> Vec<Change> {
    let mut out = Vec::new();
    let (old_ops, new_ops) = (operations::operations(old), operations::operations(new));
    for (key, o) in &old_ops {
        match new_ops.get(key) {
            None => out.push(change(
                "operation-removed",
                Kind::Breaking,
                Some(o.reference()),
                o.pointer(""),
                format!("{} {} is gone", key.0, key.1),
                Side::Old,
                Subject::Operation,
            )),
            Some(n) => operations::operation(o, n, &mut out),
        }
    }
    for (key, n) in &new_ops {
        if !old_ops.contains_key(key) {
            out.push(change(
                "operation-added",
                Kind::Additive,
                Some(n.reference()),
                n.pointer(""),
                format!("{} {} is new", key.0, key.1),
                Side::New,
                Subject::Operation,
            ));
        }
    }
    schemas::schemas(old, new, &mut out);
    out
}

pub(super) fn change(
    id: &'static str,
    kind: Kind,
    operation: Option<OperationRef>,
    pointer: String,
    message: String,
    side: Side,
    subject: Subject,
) -> Change {
    let semver = match kind {
        Kind::Breaking => Semver::Major,
        Kind::Additive => Semver::Minor,
        Kind::Docs => Semver::Patch,
    };
    Change { id, kind, operation, pointer, message, side, subject, source: None, rust: None, semver }
}

/// A schema's shape in one line: what decides whether a value of the old type still reads as the new one.
/// Descriptions and titles are left out; a description wrapper (`allOf` of one `$ref`) is the `$ref`.
pub fn signature(schema: &ReferenceOr<Schema>) -> String {
    match schema {
        ReferenceOr::Reference { reference } => {
            reference.strip_prefix(SCHEMAS).unwrap_or(reference).to_string()
        }
        ReferenceOr::Item(s) => item_signature(s),
    }
}

pub(super) fn boxed_signature(schema: &ReferenceOr<Box<Schema>>) -> String {
    match schema {
        ReferenceOr::Reference { reference } => {
            reference.strip_prefix(SCHEMAS).unwrap_or(reference).to_string()
        }
        ReferenceOr::Item(s) => item_signature(s),
    }
}

pub(super) fn item_signature(s: &Schema) -> String {
    let base = match &s.schema_kind {
        SchemaKind::Type(Type::String(t)) => {
            let format = match &t.format {
                openapiv3::VariantOrUnknownOrEmpty::Item(f) => format!("{f:?}").to_ascii_lowercase(),
                openapiv3::VariantOrUnknownOrEmpty::Unknown(f) => f.clone(),
                openapiv3::VariantOrUnknownOrEmpty::Empty => String::new(),
            };
            if format.is_empty() {
                "string".to_string()
            } else {
                format!("string({format})")
            }
        }
        SchemaKind::Type(Type::Integer(t)) => match &t.format {
            openapiv3::VariantOrUnknownOrEmpty::Item(f) => format!("integer({f:?})").to_ascii_lowercase(),
            openapiv3::VariantOrUnknownOrEmpty::Unknown(f) => format!("integer({f})"),
            openapiv3::VariantOrUnknownOrEmpty::Empty => "integer".into(),
        },
        SchemaKind::Type(Type::Number(_)) => "number".into(),
        SchemaKind::Type(Type::Boolean(_)) => "boolean".into(),
        SchemaKind::Type(Type::Array(a)) => {
            format!("array<{}>", a.items.as_ref().map(boxed_signature).unwrap_or_else(|| "any".into()))
        }
        SchemaKind::Type(Type::Object(o)) => {
            // In name order: a page that lists its properties in another order changes neither the JSON
            // nor the Rust struct.
            let mut props: Vec<String> = o.properties.keys().cloned().collect();
            props.sort();
            format!("object{{{}}}", props.join(","))
        }
        SchemaKind::AllOf { all_of } if all_of.len() == 1 => signature(&all_of[0]),
        SchemaKind::AllOf { all_of } => {
            format!("allOf[{}]", all_of.iter().map(signature).collect::<Vec<_>>().join(","))
        }
        SchemaKind::OneOf { one_of } => {
            format!("oneOf[{}]", one_of.iter().map(signature).collect::<Vec<_>>().join(","))
        }
        SchemaKind::AnyOf { any_of } => {
            format!("anyOf[{}]", any_of.iter().map(signature).collect::<Vec<_>>().join(","))
        }
        SchemaKind::Not { .. } => "not".into(),
        SchemaKind::Any(_) => "any".into(),
    };
    base
}

pub(super) fn text_changed(old: &Option<String>, new: &Option<String>) -> bool {
    old.as_deref().map(str::trim).unwrap_or("") != new.as_deref().map(str::trim).unwrap_or("")
}

pub(super) fn description(s: &ReferenceOr<Box<Schema>>) -> Option<String> {
    match s {
        ReferenceOr::Item(s) => s.schema_data.description.clone(),
        ReferenceOr::Reference { .. } => None,
    }
}
