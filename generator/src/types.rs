//! Schema types through progenitor (which drives typify): `components/schemas` → Rust types.
//!
//! Inline request and response bodies are first lifted into `components/schemas` under names made from their
//! operationId, so every body has a named type. progenitor then generates the type space from a copy of the
//! spec without paths (its operation code is not used, see DESIGN.md), and each body's type is looked up by
//! the name typify gives its schema.

use std::collections::BTreeMap;

use heck::ToPascalCase;
use openapiv3::{
    AdditionalProperties, OpenAPI, ReferenceOr, RequestBody, Response, Schema, SchemaKind, StatusCode, Type,
};
use proc_macro2::TokenStream;

use crate::{names, Error};

/// The Rust type names of one operation's bodies.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Bodies {
    pub request: Option<String>,
    pub response: Option<String>,
    /// For a collection response (`value` array and `@odata.nextLink`): the type of its items.
    pub item: Option<String>,
}

/// Generated types, and per operationId the Rust type names of its request and success response bodies.
#[derive(Debug)]
pub struct Types {
    pub tokens: TokenStream,
    pub bodies: BTreeMap<String, Bodies>,
    pub uses_chrono: bool,
    pub uses_uuid: bool,
    pub uses_regress: bool,
}

const SCHEMA_PREFIX: &str = "#/components/schemas/";

pub fn generate(spec: &OpenAPI) -> Result<Types, Error> {
    let mut spec = short_schema_names(spec)?;
    let mut bodies: BTreeMap<String, (Option<String>, Option<String>)> = BTreeMap::new();
    let mut lifted: Vec<(String, ReferenceOr<Schema>)> = Vec::new();
    let mut seen_inline: BTreeMap<String, String> = BTreeMap::new();
    let components = spec.components.clone().unwrap_or_default();
    // The Rust names of the schemas so far: two operationIds can give a lifted body one name (`fn`, `Fn`), and
    // so can a schema of the spec, which typify would reject or merge; a later body gets a number instead.
    let mut taken: std::collections::BTreeSet<String> =
        components.schemas.keys().map(|n| typify_name(n)).collect();

    for (path, item) in spec.paths.paths.iter() {
        let ReferenceOr::Item(item) = item else { continue };
        for (method, op) in item.iter() {
            let id = op.operation_id.clone().ok_or_else(|| Error::Invalid {
                place: format!("{} {path}", method.to_ascii_uppercase()),
                why: "the operation has no operationId".into(),
            })?;
            let request = match &op.request_body {
                Some(ReferenceOr::Item(b)) => json_schema_of_body(b),
                Some(ReferenceOr::Reference { reference }) => {
                    let name = reference.strip_prefix("#/components/requestBodies/").unwrap_or(reference);
                    match components.request_bodies.get(name) {
                        Some(ReferenceOr::Item(b)) => json_schema_of_body(b),
                        _ => {
                            return Err(Error::Invalid {
                                place: id,
                                why: format!("request body `{reference}` does not resolve"),
                            })
                        }
                    }
                }
                None => None,
            };
            let success = op.responses.responses.iter().find(|(code, _)| match code {
                StatusCode::Code(c) => (200..300).contains(c),
                StatusCode::Range(r) => *r == 2,
            });
            let response = match success.map(|(_, r)| r) {
                Some(ReferenceOr::Item(r)) => json_schema_of_response(r),
                Some(ReferenceOr::Reference { reference }) => {
                    let name = reference.strip_prefix("#/components/responses/").unwrap_or(reference);
                    match components.responses.get(name) {
                        Some(ReferenceOr::Item(r)) => json_schema_of_response(r),
                        _ => {
                            return Err(Error::Invalid {
                                place: id,
                                why: format!("response `{reference}` does not resolve"),
                            })
                        }
                    }
                }
                None => None,
            };
            let mut name_of = |schema: ReferenceOr<Schema>, suffix: &str| -> Result<String, Error> {
                match schema {
                    ReferenceOr::Reference { reference } => reference
                        .strip_prefix(SCHEMA_PREFIX)
                        .map(str::to_string)
                        .ok_or_else(|| Error::Unsupported {
                            place: id.clone(),
                            what: format!("body schema `$ref: {reference}`"),
                        }),
                    inline => {
                        // `/me/...` and `/users/{user-id}/...` document the same body twice: one type serves.
                        let key = serde_json::to_string(&inline).unwrap_or_default();
                        if let Some(name) = seen_inline.get(&key) {
                            return Ok(name.clone());
                        }
                        // Made of ASCII words only, so that the type's name is plain whatever the operationId.
                        // Named after the operationId's last two parts (`message.copy` →
                        // `MessageCopyRequestBody`): the full id would repeat the whole path in every name.
                        let parts: Vec<&str> = id.split('.').filter(|p| !p.is_empty()).collect();
                        let tail = parts[parts.len().saturating_sub(2)..].join(".");
                        let base =
                            format!("{}{suffix}", names::camel(if tail.is_empty() { &id } else { &tail }));
                        let mut name = base.clone();
                        let mut n = 1;
                        while !taken.insert(typify_name(&name)) {
                            n += 1;
                            name = format!("{base}{n}");
                        }
                        lifted.push((name.clone(), inline));
                        seen_inline.insert(key, name.clone());
                        Ok(name)
                    }
                }
            };
            let request = request.map(|s| name_of(s, "RequestBody")).transpose()?;
            let response = response.map(|s| name_of(s, "Response")).transpose()?;
            bodies.insert(id, (request, response));
        }
    }

    let comps = spec.components.get_or_insert_with(Default::default);
    for (name, schema) in lifted {
        comps.schemas.insert(name, schema);
    }
    for schema in comps.schemas.values_mut() {
        if let ReferenceOr::Item(schema) = schema {
            sanitize_docs(schema);
        }
    }
    spec.paths = Default::default();

    let mut generator = progenitor_impl::Generator::new(&progenitor_impl::GenerationSettings::default());
    // typify and progenitor assert on some schema shapes; a hostile spec must give an error, not a panic.
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| generator.generate_tokens(&spec)));
    match result {
        Ok(Ok(_)) => {}
        Ok(Err(e)) => return Err(Error::Types(e.to_string())),
        Err(panic) => {
            let why = panic
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| panic.downcast_ref::<&str>().copied())
                .unwrap_or("no message");
            return Err(Error::Types(format!("typify could not handle the schemas ({why})")));
        }
    }
    let space = generator.get_type_space();
    let known: Vec<String> = space.iter_types().map(|t| t.name()).collect();
    let mut resolved = BTreeMap::new();
    for (id, (request, response)) in bodies {
        let item = response.as_deref().and_then(|r| collection_item(spec.components.as_ref(), r));
        let rust_name = |schema: Option<String>| -> Result<Option<String>, Error> {
            let Some(schema) = schema else { return Ok(None) };
            let name = typify_name(&schema);
            if known.contains(&name) {
                Ok(Some(name))
            } else {
                Err(Error::Types(format!("no type was generated for schema `{schema}` (operation `{id}`)")))
            }
        };
        let r =
            Bodies { request: rust_name(request)?, response: rust_name(response)?, item: rust_name(item)? };
        resolved.insert(id, r);
    }
    Ok(Types {
        tokens: space.to_stream(),
        bodies: resolved,
        uses_chrono: space.uses_chrono(),
        uses_uuid: space.uses_uuid(),
        uses_regress: space.uses_regress(),
    })
}

/// Puts every title and description through [`names::doc_text`] before typify copies them into doc comments
/// as they are: spec text must not become a code block (which rustdoc would run as a doctest), raw HTML, or
/// characters rustc refuses in comments. Only text is touched; names, defaults and enum values stay as given.
fn sanitize_docs(schema: &mut Schema) {
    let data = &mut schema.schema_data;
    for text in [&mut data.title, &mut data.description].into_iter().flatten() {
        *text = names::doc_text(text);
    }
    let mut each = |child: &mut ReferenceOr<Schema>| {
        if let ReferenceOr::Item(child) = child {
            sanitize_docs(child);
        }
    };
    match &mut schema.schema_kind {
        SchemaKind::OneOf { one_of: list }
        | SchemaKind::AllOf { all_of: list }
        | SchemaKind::AnyOf { any_of: list } => {
            list.iter_mut().for_each(&mut each);
        }
        SchemaKind::Not { not } => each(not),
        SchemaKind::Type(Type::Object(object)) => {
            object.properties.values_mut().for_each(sanitize_boxed);
            sanitize_additional(object.additional_properties.as_mut());
        }
        SchemaKind::Type(Type::Array(array)) => array.items.iter_mut().for_each(sanitize_boxed),
        SchemaKind::Type(_) => {}
        SchemaKind::Any(any) => {
            any.properties.values_mut().for_each(sanitize_boxed);
            sanitize_additional(any.additional_properties.as_mut());
            any.items.iter_mut().for_each(sanitize_boxed);
            any.one_of.iter_mut().chain(&mut any.all_of).chain(&mut any.any_of).for_each(&mut each);
            if let Some(not) = &mut any.not {
                each(not);
            }
        }
    }
}

fn sanitize_boxed(schema: &mut ReferenceOr<Box<Schema>>) {
    if let ReferenceOr::Item(schema) = schema {
        sanitize_docs(schema);
    }
}

fn sanitize_additional(additional: Option<&mut AdditionalProperties>) {
    if let Some(AdditionalProperties::Schema(schema)) = additional {
        if let ReferenceOr::Item(schema) = &mut **schema {
            sanitize_docs(schema);
        }
    }
}

fn json_schema_of_body(body: &RequestBody) -> Option<ReferenceOr<Schema>> {
    body.content.iter().find(|(ct, _)| ct.starts_with("application/json")).and_then(|(_, m)| m.schema.clone())
}

fn json_schema_of_response(response: &Response) -> Option<ReferenceOr<Schema>> {
    response
        .content
        .iter()
        .find(|(ct, _)| ct.starts_with("application/json"))
        .and_then(|(_, m)| m.schema.clone())
}

/// The name typify gives a `components/schemas` entry (its `sanitize(name, Pascal)`); checked against the
/// generated names by the caller, so a change in typify's naming fails loudly instead of emitting bad code.
fn typify_name(schema_name: &str) -> String {
    let replaced: String = schema_name
        .replace('\'', "")
        .chars()
        .map(|c| if c.is_alphanumeric() || c == '_' { c } else { '-' })
        .collect();
    let out = replaced.to_pascal_case();
    match out.chars().next() {
        None => "X".into(),
        Some(c) if c.is_alphabetic() || c == '_' => out,
        Some(_) => format!("X{out}"),
    }
}

/// Schema names lose their namespace (`microsoft.graph.message` → `message`, so the type is `Message`, not
/// `MicrosoftGraphMessage`) wherever the short name stays unique; `$ref`s are rewritten to match.
fn short_schema_names(spec: &OpenAPI) -> Result<OpenAPI, Error> {
    let Some(components) = &spec.components else { return Ok(spec.clone()) };
    let short = |full: &str| full.rsplit('.').next().unwrap_or(full).to_string();
    let mut count: BTreeMap<String, usize> = BTreeMap::new();
    for name in components.schemas.keys() {
        *count.entry(typify_name(&short(name))).or_default() += 1;
    }
    let renames: BTreeMap<String, String> = components
        .schemas
        .keys()
        .filter(|n| short(n) != **n && count.get(&typify_name(&short(n))) == Some(&1) && !short(n).is_empty())
        .map(|n| (n.clone(), short(n)))
        .collect();
    if renames.is_empty() {
        return Ok(spec.clone());
    }
    let mut value = serde_json::to_value(spec).map_err(|e| Error::Types(e.to_string()))?;
    rewrite_refs(&mut value, &renames);
    if let Some(schemas) = value.pointer_mut("/components/schemas").and_then(|v| v.as_object_mut()) {
        let old = std::mem::take(schemas);
        for (k, v) in old {
            let k = renames.get(&k).cloned().unwrap_or(k);
            schemas.insert(k, v);
        }
    }
    serde_json::from_value(value).map_err(|e| Error::Types(format!("renaming schemas: {e}")))
}

fn rewrite_refs(value: &mut serde_json::Value, renames: &BTreeMap<String, String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                if k == "$ref" {
                    if let Some(name) = v.as_str().and_then(|r| r.strip_prefix(SCHEMA_PREFIX)) {
                        if let Some(new) = renames.get(name) {
                            *v = serde_json::Value::String(format!("{SCHEMA_PREFIX}{new}"));
                        }
                    }
                } else {
                    rewrite_refs(v, renames);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(|v| rewrite_refs(v, renames)),
        _ => {}
    }
}

/// A collection response is an object with a `value` array of one `$ref`'d type and an `@odata.nextLink`;
/// its item schema's name, if so.
fn collection_item(components: Option<&openapiv3::Components>, name: &str) -> Option<String> {
    let Some(ReferenceOr::Item(schema)) = components?.schemas.get(name) else { return None };
    let SchemaKind::Type(Type::Object(object)) = &schema.schema_kind else { return None };
    if !object.properties.contains_key("@odata.nextLink") {
        return None;
    }
    let ReferenceOr::Item(value) = object.properties.get("value")? else { return None };
    let SchemaKind::Type(Type::Array(array)) = &value.schema_kind else { return None };
    match array.items.as_ref()? {
        ReferenceOr::Reference { reference } => reference.strip_prefix(SCHEMA_PREFIX).map(str::to_string),
        ReferenceOr::Item(_) => None,
    }
}
