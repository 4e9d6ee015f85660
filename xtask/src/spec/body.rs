//! Request bodies: a table of the resource's own properties is the resource (`$ref`), an action's table an
//! inline object, prose naming an object that object.
//!
//! Two rules here read prose, which is the reader's job: [`parameter_required`] ("optional", "required" in a
//! parameter's description) and [`body_resource`] ("supply a JSON representation of … object"). They stay
//! until the reader's page model carries what they find.

use indexmap::IndexMap;
use openapiv3::{MediaType, ReferenceOr, RequestBody};

use super::ids::{self, Kind};
use super::schemas::{self, Schemas};
use super::typed::{self, Properties};
use crate::diagnostics::Diagnostic;
use crate::paths::{self, Segment, Template};
use crate::reader::page::Page;

/// The JSON request body. A table of the resource's own properties (PATCH, or POST to a collection) is the
/// resource itself (`$ref`), so an update sends only the fields set, typed as the resource types them. An
/// action's parameters are an inline object, `required` as [`parameter_required`] reads the table. Prose naming an object ("supply a JSON
/// representation of a message object") is that object. `None` when the page documents no body.
pub fn request_body(
    page: &Page,
    method: &str,
    template: &Template,
    schemas: &Schemas,
    say: &mut impl FnMut(Diagnostic),
) -> Option<RequestBody> {
    let body = page.request_body.as_ref()?;
    let resource_ref = |qualified: &str| {
        let short = qualified.rsplit('.').next().unwrap_or(qualified);
        let article = if short.starts_with(['a', 'e', 'i', 'o', 'u']) { "An" } else { "A" };
        json_body(format!("{article} {short} object"), typed::schema_ref(qualified))
    };
    if !body.properties.is_empty() {
        if ids::kind(template) == Kind::Operation {
            if let Some(resource) = body_owner(page, method, template, &schemas.catalog) {
                let strays: Vec<&str> = body
                    .properties
                    .iter()
                    .map(|p| p.name.as_str())
                    .filter(|n| *n != "@odata.type" && schemas.catalog.property(&resource, n).is_none())
                    .collect();
                if strays.is_empty() {
                    return Some(resource_ref(&resource));
                }
                say(Diagnostic::warning(
                    body.line,
                    format!(
                        "the request body lists {} which `{}` does not have; the body is the table's, not the resource",
                        strays.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", "),
                        resource.rsplit('.').next().unwrap_or(&resource)
                    ),
                ));
            }
        }
        let mut props = Properties::new();
        let mut required = Vec::new();
        for p in &body.properties {
            let (type_name, collection) = crate::reader::cells::parse_type(&p.type_name);
            let mut schema =
                schemas::with_siblings(schemas::type_schema(&schemas.catalog, &type_name, collection));
            if !p.description.is_empty() {
                schema.schema_data.description = Some(p.description.clone());
            }
            if parameter_required(&p.description, body.properties.len()) {
                required.push(p.name.clone());
            }
            props.insert(p.name.clone(), ReferenceOr::Item(Box::new(schema)));
        }
        let schema = ReferenceOr::Item(typed::object(props, required));
        return Some(json_body("Action parameters".into(), schema));
    }
    let resource = body_resource(&body.prose)?;
    let qualified = schemas.catalog.qualified(&resource)?;
    Some(resource_ref(qualified))
}

/// The resource a PATCH or create body is made of: the object the Response prose names, else the entity the
/// path addresses (`/me/mailFolders` → `mailFolder`).
fn body_owner(page: &Page, method: &str, template: &Template, catalog: &schemas::Catalog) -> Option<String> {
    if !(method.eq_ignore_ascii_case("PATCH") || method.eq_ignore_ascii_case("POST")) {
        return None;
    }
    let named = page.response_body.as_ref().filter(|b| !b.collection && b.choices.is_empty());
    if let Some(q) = named.and_then(|b| catalog.qualified(&b.resource)) {
        return Some(q.to_string());
    }
    let entity = match template.segments.last()? {
        Segment::Key(p) => p.entity.clone()?,
        Segment::Literal(l) => paths::singular(l),
        Segment::Mixed { .. } => return None,
    };
    catalog.qualified(&entity).map(str::to_string)
}

/// An action parameter is required when its description says so; optional when it says "optional", gives a
/// default, or allows an empty value. Where the page says neither, the only parameter of an action is
/// required (`move`'s `destinationId`: the body exists to carry it) and one of several is not.
fn parameter_required(description: &str, parameters: usize) -> bool {
    let key = crate::reader::markup::key(description);
    let words: Vec<&str> = key.split(' ').collect();
    if words.contains(&"required") {
        return true;
    }
    if words.contains(&"optional") || words.contains(&"default") || key.contains("can be") {
        return false;
    }
    parameters == 1
}

/// "In the request body, supply a JSON representation of [message](../resources/message.md) object." →
/// `message`. Prose that names no object (or says to send no body) gives `None`.
pub fn body_resource(prose: &str) -> Option<String> {
    let lower = prose.to_ascii_lowercase();
    if lower.contains("do not supply") || lower.contains("don't supply") || lower.contains("not necessary") {
        return None;
    }
    let at = lower.find("representation of")? + "representation of".len();
    let words: Vec<&str> = prose[at..].split_whitespace().take(6).collect();
    let end = words.iter().position(|w| {
        let w = w.trim_matches(|c: char| !c.is_ascii_alphabetic()).to_ascii_lowercase();
        w == "object" || w == "objects" || w == "resource" || w == "entity"
    })?;
    let name =
        words[..end].iter().rev().map(|w| w.trim_matches(|c: char| !c.is_ascii_alphanumeric())).find(
            |w| !w.is_empty() && !matches!(w.to_ascii_lowercase().as_str(), "a" | "an" | "the" | "new"),
        )?;
    Some(name.to_string())
}

fn json_body(description: String, schema: ReferenceOr<openapiv3::Schema>) -> RequestBody {
    let content: IndexMap<String, MediaType> =
        [("application/json".to_string(), MediaType { schema: Some(schema), ..MediaType::default() })]
            .into_iter()
            .collect();
    RequestBody { description: Some(description), content, required: true, extensions: IndexMap::new() }
}
