//! What each operation's request and success bodies are, read before the type pass: JSON of a schema or raw
//! bytes (anything else is an error naming the operation), and inline body schemas lifted into
//! `components/schemas` under their action's name (`MoveBody`; qualified by the owner, `MessageReplyBody`,
//! when bodies of different shapes want one name). [`crate::types`] then names their Rust types.

use std::collections::BTreeMap;

use openapiv3::{OpenAPI, ReferenceOr, Schema, SchemaKind, StatusCode, Type};

use crate::names::{self, typify_name};
use crate::Error;

pub(crate) const SCHEMA_PREFIX: &str = "#/components/schemas/";

/// How a request or response body goes on the wire.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Body {
    /// JSON of this Rust type (a name in the types module).
    Json(String),
    /// Bytes, with these media types (`text/plain`, `application/octet-stream`), the first one preferred.
    Raw(Vec<String>),
}

/// The Rust types of one operation's bodies.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Bodies {
    pub request: Option<Body>,
    pub response: Option<Body>,
    /// For a collection response (`value` array and `@odata.nextLink`): the type of its items.
    pub item: Option<String>,
    /// Bytes the request may carry instead of its JSON body (Graph's MIME content).
    #[serde(default)]
    pub alternative: Option<Alternative>,
}

/// A media type of a JSON request body's `content` whose schema is a string: bytes sent instead of the JSON
/// (Graph's `text/plain` MIME content beside a reply's parameters).
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Alternative {
    /// The media type it goes as (`text/plain`).
    pub media_type: String,
    /// The schema's `title` (`MIME`), which names its setter as typify names a type after a title.
    pub title: Option<String>,
    pub description: Option<String>,
    /// `format: base64` (OpenAPI 3.0's spelling for content sent base64-encoded): the client encodes.
    pub base64: bool,
}

/// What [`gather`] finds for one operation: its request body, success response, and the request's
/// alternative to JSON.
pub(crate) type Found = (Option<Named>, Option<Named>, Option<Alternative>);

/// Every operation's bodies by operationId, the inline ones by their index in `inlines`.
pub(crate) struct Gathered {
    pub bodies: BTreeMap<String, Found>,
    pub inlines: Vec<Inline>,
}

/// Reads every operation's request body and first success response.
pub(crate) fn gather(spec: &OpenAPI) -> Result<Gathered, Error> {
    let mut bodies: BTreeMap<String, Found> = BTreeMap::new();
    let mut inlines: Vec<Inline> = Vec::new();
    let mut seen_inline: BTreeMap<String, usize> = BTreeMap::new();
    let empty = openapiv3::Components::default();
    let components = spec.components.as_ref().unwrap_or(&empty);

    for (path, item) in spec.paths.paths.iter() {
        let ReferenceOr::Item(item) = item else { continue };
        for (method, op) in item.iter() {
            let id = op.operation_id.clone().ok_or_else(|| Error::Invalid {
                place: format!("{} {path}", method.to_ascii_uppercase()),
                why: "the operation has no operationId".into(),
            })?;
            let (request, alternative) = match &op.request_body {
                Some(body) => {
                    let lookup = |name: &str| components.request_bodies.get(name);
                    let body = defined(body, "#/components/requestBodies/", lookup, &id, "request body")?;
                    let payload = payload(&body.content, components, &id, "request body")?;
                    let alternative = match &payload {
                        Some(Payload::Json(_)) => alternative(&body.content, components),
                        _ => None,
                    };
                    (payload, alternative)
                }
                None => (None, None),
            };
            let success = op.responses.responses.iter().find(|(code, _)| match code {
                StatusCode::Code(c) => (200..300).contains(c),
                StatusCode::Range(r) => *r == 2,
            });
            let response = match success.map(|(_, r)| r) {
                Some(response) => {
                    let lookup = |name: &str| components.responses.get(name);
                    let response = defined(response, "#/components/responses/", lookup, &id, "response")?;
                    payload(&response.content, components, &id, "response")?
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
            bodies.insert(id, (request, response, alternative));
        }
    }
    Ok(Gathered { bodies, inlines })
}

/// A body as the generator reads it from its `content`, before types are named.
enum Payload {
    Json(Box<ReferenceOr<Schema>>),
    Raw(Vec<String>),
}

/// A body once its schema is named in `components/schemas`, or waits for a name among the inline ones.
pub(crate) enum Named {
    Json(String),
    Inline(usize),
    Raw(Vec<String>),
}

/// An inline body schema, lifted into `components/schemas` under a name from its operation's path.
pub(crate) struct Inline {
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
            Some(param) => names::param_type_name(param),
            None => names::camel(crate::rules::segment_stem(segment)),
        }
    };
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let action = segments.last().map(|s| name(s)).unwrap_or_else(|| "Root".into());
    let owner = segments.len().checked_sub(2).map(|i| name(segments[i])).unwrap_or_default();
    (action, owner)
}

/// A request body or response given inline or by `$ref` into `components` (`prefix` and `lookup` say
/// where); a `$ref` that does not resolve to an item is an error naming the operation.
fn defined<'a, T>(
    item: &'a ReferenceOr<T>,
    prefix: &str,
    lookup: impl Fn(&str) -> Option<&'a ReferenceOr<T>>,
    operation: &str,
    what: &str,
) -> Result<&'a T, Error> {
    match item {
        ReferenceOr::Item(item) => Ok(item),
        ReferenceOr::Reference { reference } => {
            match lookup(reference.strip_prefix(prefix).unwrap_or(reference)) {
                Some(ReferenceOr::Item(item)) => Ok(item),
                _ => Err(Error::Invalid {
                    place: operation.to_string(),
                    why: format!("{what} `{reference}` does not resolve"),
                }),
            }
        }
    }
}

/// Names inline bodies after their action (`MoveBody`, `DeltaResponse`). A name that bodies of different
/// shapes want goes to none of them: each is qualified by its owner (`MessageReplyBody`, `PostReplyBody`).
/// A name still shared, or taken by a schema of the spec, fails with the operation: no numbered names.
pub(crate) fn name_inline_bodies(
    inlines: Vec<Inline>,
    components: Option<&openapiv3::Components>,
) -> Result<Vec<(String, ReferenceOr<Schema>)>, Error> {
    let mut taken: BTreeMap<String, String> = components
        .iter()
        .flat_map(|c| c.schemas.keys())
        .map(|n| (typify_name(n), format!("schema `{n}`")))
        .collect();
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

/// The first media type beside a JSON body whose schema is a string ([`Alternative`]).
fn alternative(content: &openapiv3::Content, components: &openapiv3::Components) -> Option<Alternative> {
    content.iter().filter(|(ct, _)| !is_json(ct)).find_map(|(media_type, media)| {
        let schema = string_schema(media.schema.as_ref()?, components)?;
        let SchemaKind::Type(Type::String(string)) = &schema.schema_kind else { return None };
        let base64 = matches!(&string.format, openapiv3::VariantOrUnknownOrEmpty::Unknown(f) if f == "base64")
            || matches!(
                &string.format,
                openapiv3::VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::Byte)
            );
        Some(Alternative {
            media_type: media_type.clone(),
            title: schema.schema_data.title.clone(),
            description: schema.schema_data.description.clone(),
            base64,
        })
    })
}

/// The schema, through a `$ref` into `components/schemas`, when it is a string.
fn string_schema<'a>(
    schema: &'a ReferenceOr<Schema>,
    components: &'a openapiv3::Components,
) -> Option<&'a Schema> {
    let schema = match schema {
        ReferenceOr::Item(s) => Some(s),
        ReferenceOr::Reference { reference } => reference
            .strip_prefix(SCHEMA_PREFIX)
            .and_then(|name| components.schemas.get(name))
            .and_then(|s| s.as_item()),
    };
    schema.filter(|s| matches!(s.schema_kind, SchemaKind::Type(Type::String(_))))
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
    let is_bytes = |schema: &ReferenceOr<Schema>| string_schema(schema, components).is_some();
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

/// A collection response is an object with a `value` array of one `$ref`'d type and an `@odata.nextLink`;
/// its item schema's name, if so.
pub(crate) fn collection_item(components: Option<&openapiv3::Components>, name: &str) -> Option<String> {
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
