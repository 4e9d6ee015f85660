//! Schema types through progenitor (which drives typify): `components/schemas` → Rust types.
//!
//! Inline request and response bodies are first lifted into `components/schemas` under names made from their
//! operationId, so every body has a named type. progenitor then generates the type space from a copy of the
//! spec without paths (its operation code is not used: ARCHITECTURE.md says why), and each body's type is looked up by
//! the name typify gives its schema.

use std::collections::BTreeMap;

use heck::ToPascalCase;
use openapiv3::{AdditionalProperties, OpenAPI, ReferenceOr, Schema, SchemaKind, StatusCode, Type};
use proc_macro2::TokenStream;

use crate::{inherit, names, Error};

/// How a request or response body goes on the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    /// JSON of this Rust type (a name in the types module).
    Json(String),
    /// Bytes, with these media types (`text/plain`, `application/octet-stream`), the first one preferred.
    Raw(Vec<String>),
}

/// The Rust types of one operation's bodies.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Bodies {
    pub request: Option<Body>,
    pub response: Option<Body>,
    /// For a collection response (`value` array and `@odata.nextLink`): the type of its items.
    pub item: Option<String>,
}

/// Generated types, and per operationId the Rust type names of its request and success response bodies.
#[derive(Debug)]
pub struct Types {
    pub tokens: TokenStream,
    /// The name of every type in the types module, which no request type may take.
    pub names: std::collections::BTreeSet<String>,
    pub bodies: BTreeMap<String, Bodies>,
    pub uses_chrono: bool,
    pub uses_uuid: bool,
    pub uses_regress: bool,
}

const SCHEMA_PREFIX: &str = "#/components/schemas/";

pub fn generate(spec: &OpenAPI) -> Result<Types, Error> {
    let mut spec = short_schema_names(spec)?;
    let mut bodies: BTreeMap<String, (Option<Named>, Option<Named>)> = BTreeMap::new();
    let mut inlines: Vec<Inline> = Vec::new();
    let mut seen_inline: BTreeMap<String, usize> = BTreeMap::new();
    let components = spec.components.clone().unwrap_or_default();

    for (path, item) in spec.paths.paths.iter() {
        let ReferenceOr::Item(item) = item else { continue };
        for (method, op) in item.iter() {
            let id = op.operation_id.clone().ok_or_else(|| Error::Invalid {
                place: format!("{} {path}", method.to_ascii_uppercase()),
                why: "the operation has no operationId".into(),
            })?;
            let request = match &op.request_body {
                Some(ReferenceOr::Item(b)) => payload(&b.content, &components, &id, "request body")?,
                Some(ReferenceOr::Reference { reference }) => {
                    let name = reference.strip_prefix("#/components/requestBodies/").unwrap_or(reference);
                    match components.request_bodies.get(name) {
                        Some(ReferenceOr::Item(b)) => payload(&b.content, &components, &id, "request body")?,
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
                Some(ReferenceOr::Item(r)) => payload(&r.content, &components, &id, "response")?,
                Some(ReferenceOr::Reference { reference }) => {
                    let name = reference.strip_prefix("#/components/responses/").unwrap_or(reference);
                    match components.responses.get(name) {
                        Some(ReferenceOr::Item(r)) => payload(&r.content, &components, &id, "response")?,
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
            let (action, owner) = action_and_owner(path);
            let mut name_of = |schema: ReferenceOr<Schema>, suffix: &'static str| -> Result<Named, Error> {
                match schema {
                    ReferenceOr::Reference { reference } => reference
                        .strip_prefix(SCHEMA_PREFIX)
                        .map(|name| Named::Json(name.to_string()))
                        .ok_or_else(|| Error::Unsupported {
                            place: id.clone(),
                            what: format!("body schema `$ref: {reference}`"),
                        }),
                    inline => {
                        // `/me/...` and `/users/{user-id}/...` document the same body twice: one type serves.
                        // `copy` and `move` take bodies of one shape, but each gets its own, named after it.
                        // Prose aside: two pages word one parameter differently.
                        let key = format!("{action}{suffix}:{}", shape_key(&inline));
                        if let Some(&index) = seen_inline.get(&key) {
                            return Ok(Named::Inline(index));
                        }
                        inlines.push(Inline {
                            schema: inline,
                            action: action.clone(),
                            owner: owner.clone(),
                            suffix,
                            operation: id.clone(),
                        });
                        seen_inline.insert(key, inlines.len() - 1);
                        Ok(Named::Inline(inlines.len() - 1))
                    }
                }
            };
            let mut named =
                |payload: Option<Payload>, suffix: &'static str| -> Result<Option<Named>, Error> {
                    Ok(match payload {
                        None => None,
                        Some(Payload::Json(schema)) => Some(name_of(*schema, suffix)?),
                        Some(Payload::Raw(types)) => Some(Named::Raw(types)),
                    })
                };
            let request = named(request, "Body")?;
            let response = named(response, "Response")?;
            bodies.insert(id, (request, response));
        }
    }

    let lifted = name_inline_bodies(inlines, &components)?;
    let comps = spec.components.get_or_insert_with(Default::default);
    for (name, schema) in &lifted {
        comps.schemas.insert(name.clone(), schema.clone());
    }
    let kinds = inherit::prepare(comps)?;
    for schema in comps.schemas.values_mut() {
        if let ReferenceOr::Item(schema) = schema {
            sanitize_docs(schema);
        }
    }
    spec.paths = Default::default();

    let mut settings = progenitor_impl::GenerationSettings::default();
    // typify leaves these out; [`inherit::kind_tokens`] emits them under the same name.
    for kind in &kinds {
        let name = typify_name(&kind.schema);
        settings.with_replacement(&name, &name, std::iter::empty());
    }
    let mut generator = progenitor_impl::Generator::new(&settings);
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
    let mut known: Vec<String> = space.iter_types().map(|t| t.name()).collect();
    known.extend(kinds.iter().map(|k| typify_name(&k.schema)));
    let mut resolved = BTreeMap::new();
    for (id, (request, response)) in bodies {
        let item = match &response {
            Some(Named::Json(r)) => collection_item(spec.components.as_ref(), r),
            Some(Named::Inline(index)) => collection_item(spec.components.as_ref(), &lifted[*index].0),
            _ => None,
        };
        let rust_name = |schema: Option<String>| -> Result<Option<String>, Error> {
            let Some(schema) = schema else { return Ok(None) };
            let name = typify_name(&schema);
            if known.contains(&name) {
                Ok(Some(name))
            } else {
                Err(Error::Types(format!("no type was generated for schema `{schema}` (operation `{id}`)")))
            }
        };
        let body = |named: Option<Named>| -> Result<Option<Body>, Error> {
            Ok(match named {
                None => None,
                Some(Named::Json(schema)) => rust_name(Some(schema))?.map(Body::Json),
                Some(Named::Inline(index)) => rust_name(Some(lifted[index].0.clone()))?.map(Body::Json),
                Some(Named::Raw(types)) => Some(Body::Raw(types)),
            })
        };
        let r = Bodies { request: body(request)?, response: body(response)?, item: rust_name(item)? };
        resolved.insert(id, r);
    }
    let mut tokens = nulls_decode(space.to_stream())?;
    for kind in &kinds {
        tokens.extend(inherit::kind_tokens(kind, &|schema: &str| typify_name(schema)));
    }
    Ok(Types {
        tokens,
        names: known.iter().cloned().collect(),
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

/// A body as the generator reads it from its `content`, before types are named.
enum Payload {
    Json(Box<ReferenceOr<Schema>>),
    Raw(Vec<String>),
}

/// A body once its schema is named in `components/schemas`, or waits for a name among the inline ones.
enum Named {
    Json(String),
    Inline(usize),
    Raw(Vec<String>),
}

/// An inline body schema, lifted into `components/schemas` under a name from its operation's path.
struct Inline {
    schema: ReferenceOr<Schema>,
    /// What the path's last segment does (`Move`, `SendMail`; `Message` for `{message-id}`).
    action: String,
    /// The resource before it (`Message` for `/me/messages/{message-id}/move`), empty at the root.
    owner: String,
    suffix: &'static str,
    operation: String,
}

/// The names an operation's inline bodies are given: `/me/messages/{message-id}/move` → (`Move`, `Message`).
fn action_and_owner(path: &str) -> (String, String) {
    let name = |segment: &str| -> String {
        match crate::rules::whole_placeholder(segment) {
            Some(param) => crate::model::param_type_name(param),
            None => names::camel(crate::rules::segment_stem(segment)),
        }
    };
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let action = segments.last().map(|s| name(s)).unwrap_or_else(|| "Root".into());
    let owner = segments.len().checked_sub(2).map(|i| name(segments[i])).unwrap_or_default();
    (action, owner)
}

/// Names inline bodies after their action (`MoveBody`, `DeltaResponse`). A name that bodies of different
/// shapes want goes to none of them: each is qualified by its owner (`MessageReplyBody`, `PostReplyBody`).
/// A name still shared, or taken by a schema of the spec, fails with the operation: no numbered names.
fn name_inline_bodies(
    inlines: Vec<Inline>,
    components: &openapiv3::Components,
) -> Result<Vec<(String, ReferenceOr<Schema>)>, Error> {
    let mut taken: BTreeMap<String, String> =
        components.schemas.keys().map(|n| (typify_name(n), format!("schema `{n}`"))).collect();
    let mut wanted: BTreeMap<String, usize> = BTreeMap::new();
    for inline in &inlines {
        *wanted.entry(format!("{}{}", inline.action, inline.suffix)).or_default() += 1;
    }
    let mut out = Vec::new();
    for inline in inlines {
        let mut name = format!("{}{}", inline.action, inline.suffix);
        if wanted[&name] > 1 || taken.contains_key(&typify_name(&name)) {
            name = format!("{}{name}", inline.owner);
        }
        if let Some(other) = taken.get(&typify_name(&name)) {
            return Err(Error::Invalid {
                place: inline.operation,
                why: format!(
                    "its inline body would be named `{name}` as {other} is; no naming rule tells them apart"
                ),
            });
        }
        taken.insert(typify_name(&name), format!("the body of `{}`", inline.operation));
        out.push((name, inline.schema));
    }
    Ok(out)
}

fn is_json(media_type: &str) -> bool {
    let essence = media_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    essence == "application/json" || essence.ends_with("+json")
}

/// What a body's `content` is to the client: JSON of a schema when one JSON media type has a schema;
/// otherwise bytes, when every other media type carries bytes (no schema, or a string schema such as
/// `{type: string, format: binary}`). Anything else (`multipart/form-data` with an object schema, say) is an
/// error naming the operation: a body is never dropped without a word.
fn payload(
    content: &openapiv3::Content,
    components: &openapiv3::Components,
    operation: &str,
    what: &str,
) -> Result<Option<Payload>, Error> {
    if content.is_empty() {
        return Ok(None);
    }
    if let Some(schema) = content.iter().find(|(ct, _)| is_json(ct)).and_then(|(_, m)| m.schema.clone()) {
        return Ok(Some(Payload::Json(Box::new(schema))));
    }
    let is_bytes = |schema: &ReferenceOr<Schema>| {
        let schema = match schema {
            ReferenceOr::Item(s) => Some(s),
            ReferenceOr::Reference { reference } => reference
                .strip_prefix(SCHEMA_PREFIX)
                .and_then(|name| components.schemas.get(name))
                .and_then(|s| s.as_item()),
        };
        schema.is_some_and(|s| matches!(s.schema_kind, SchemaKind::Type(Type::String(_))))
    };
    let mut types = Vec::new();
    for (media_type, media) in content {
        match &media.schema {
            Some(schema) if !is_bytes(schema) => {
                return Err(Error::Unsupported {
                    place: operation.to_string(),
                    what: format!(
                        "a {what} of media type `{media_type}` whose schema is not a string of bytes"
                    ),
                })
            }
            _ => types.push(media_type.clone()),
        }
    }
    Ok(Some(Payload::Raw(types)))
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
                } else if k == "mapping" && v.as_object().is_some_and(|m| m.values().all(|t| t.is_string())) {
                    // A discriminator's mapping names schemas too, by `$ref` or by bare name.
                    for target in v.as_object_mut().into_iter().flat_map(|m| m.values_mut()) {
                        let text = target.as_str().unwrap_or_default();
                        let (prefix, name) = match text.strip_prefix(SCHEMA_PREFIX) {
                            Some(name) => (SCHEMA_PREFIX, name),
                            None => ("", text),
                        };
                        if let Some(new) = renames.get(name) {
                            *target = serde_json::Value::String(format!("{prefix}{new}"));
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

/// Makes every optional field of the emitted structs decode from JSON `null`: an `Option` does already, but a
/// `Vec` (or map) that typify defaults when absent would fail on `null`, which Graph sends for empty
/// collections. Such fields get `deserialize_with = "null_as_default"`, a helper added to the module.
fn nulls_decode(tokens: TokenStream) -> Result<TokenStream, Error> {
    let mut file: syn::File =
        syn::parse2(tokens).map_err(|e| Error::Types(format!("typify's output does not parse: {e}")))?;
    let mut used = false;
    for item in &mut file.items {
        let syn::Item::Struct(item) = item else { continue };
        for field in item.fields.iter_mut() {
            if is_option(&field.ty) || !field.attrs.iter().any(has_plain_default) {
                continue;
            }
            field.attrs.push(syn::parse_quote!(#[serde(deserialize_with = "null_as_default")]));
            used = true;
        }
    }
    if used {
        file.items.push(syn::parse_quote! {
            /// `null` on the wire decodes as the field's default (an empty `Vec`), as a missing field does.
            fn null_as_default<'de, D, T>(deserializer: D) -> ::std::result::Result<T, D::Error>
            where
                D: ::serde::Deserializer<'de>,
                T: ::serde::Deserialize<'de> + ::std::default::Default,
            {
                let value: ::std::option::Option<T> = ::serde::Deserialize::deserialize(deserializer)?;
                Ok(value.unwrap_or_default())
            }
        });
    }
    Ok(quote::quote!(#file))
}

fn is_option(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "Option"))
}

/// `#[serde(…, default, …)]`: a bare `default`, not `default = "path"` (a declared default value, which `null`
/// must not replace with the type's own default).
fn has_plain_default(attr: &syn::Attribute) -> bool {
    let syn::Meta::List(list) = &attr.meta else { return false };
    if !list.path.is_ident("serde") {
        return false;
    }
    let tokens: Vec<proc_macro2::TokenTree> = list.tokens.clone().into_iter().collect();
    tokens.iter().enumerate().any(|(i, t)| {
        matches!(t, proc_macro2::TokenTree::Ident(id) if id == "default")
            && !matches!(tokens.get(i + 1), Some(proc_macro2::TokenTree::Punct(p)) if p.as_char() == '=')
    })
}

/// A schema's shape for telling bodies apart: its JSON without the prose (`title`, `description`,
/// `example`), which two pages word differently for one shape.
fn shape_key(schema: &ReferenceOr<Schema>) -> String {
    fn strip(value: &mut serde_json::Value) {
        if let serde_json::Value::Object(map) = value {
            for prose in ["title", "description", "example"] {
                // Only where it is prose: a property may be named `title`, and then its value is a schema.
                if map.get(prose).is_some_and(|v| !v.is_object() || prose == "example") {
                    map.remove(prose);
                }
            }
        }
        match value {
            serde_json::Value::Object(map) => map.values_mut().for_each(strip),
            serde_json::Value::Array(items) => items.iter_mut().for_each(strip),
            _ => {}
        }
    }
    let mut value = serde_json::to_value(schema).unwrap_or_default();
    strip(&mut value);
    value.to_string()
}
