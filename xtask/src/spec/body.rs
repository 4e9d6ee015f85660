//! Request bodies: a table of the resource's own properties is the resource (`$ref`), an action's table an
//! inline object, the object the page names that object; a create-draft page takes its single-operation
//! sibling's parameters; MIME content is a `text/plain` alternative. The prose is the reader's
//! (`reader::body`): this module reads only what the page model says.

use std::collections::BTreeMap;

use indexmap::IndexMap;
use openapiv3::{MediaType, ReferenceOr, RequestBody, Schema};

use super::ids::{self, Kind};
use super::schemas::{self, Schemas};
use super::typed::{self, Properties};
use crate::diagnostics::Diagnostic;
use crate::paths::{self, Segment, Template};
use crate::reader::page::{BodyNeed, BodyProperty, Page};

/// The pages of one build by folder and file name, for the rules that read a page another page links to
/// (a create-draft page's single-operation sibling). Pages link by file name (`../api/message-reply.md`);
/// the one in the linking page's own folder is meant, as the pages of one docs set sit side by side.
#[derive(Debug, Default)]
pub struct Siblings<'a> {
    by_place: BTreeMap<(&'a str, &'a str), &'a Page>,
}

impl<'a> Siblings<'a> {
    pub fn of(pages: impl IntoIterator<Item = &'a Page>) -> Self {
        let mut by_place = BTreeMap::new();
        for page in pages {
            by_place.entry(place(&page.file)).or_insert(page);
        }
        Siblings { by_place }
    }

    fn linked(&self, from: &Page, file: &str) -> Option<&'a Page> {
        self.by_place.get(&(place(&from.file).0, file)).copied()
    }
}

/// A page's folder and file name (`spec/docs/message-reply.md` → (`spec/docs`, `message-reply.md`)).
fn place(file: &str) -> (&str, &str) {
    file.rsplit_once(['/', '\\']).unwrap_or(("", file))
}

/// The request body: JSON as [`json_request_body`] finds it, with a `text/plain` alternative where the page
/// says MIME content goes base64-encoded in the request body, and `required: false` where it says no body
/// is required. `None` when the page documents no body.
pub fn request_body(
    page: &Page,
    method: &str,
    template: &Template,
    schemas: &Schemas,
    siblings: &Siblings<'_>,
    say: &mut impl FnMut(Diagnostic),
) -> Option<RequestBody> {
    let json = json_request_body(page, method, template, schemas, siblings, say);
    let Some(mut body) = json else {
        if let Some(line) = page.mime_body {
            say(Diagnostic::warning(
                line,
                "the page sends MIME content in the request body but documents no JSON body beside it; the spec has no body for it".to_string(),
            ));
        }
        return None;
    };
    if page.mime_body.is_some() {
        // OpenAPI 3.0's own spelling for content sent base64-encoded (`format: base64`, "Considerations for
        // File Uploads"); `base64url` is Graph's for binary fields inside JSON, which this is not.
        let schema = typed::described(
            typed::titled(typed::string(Some("base64")), "MIME"),
            "MIME content (RFC 2045) with its Internet message headers, base64-encoded.",
        );
        body.content.insert(
            "text/plain".to_string(),
            MediaType { schema: Some(ReferenceOr::Item(schema)), ..MediaType::default() },
        );
    }
    body.required = page.request_body.as_ref().is_none_or(|b| b.need != BodyNeed::NotRequired);
    Some(body)
}

/// The JSON request body. A table of the resource's own properties (PATCH, or POST to a collection) is the
/// resource itself (`$ref`), so an update sends only the fields set, typed as the resource types them. An
/// action's parameters are an inline object, `required` as the table's descriptions say (a lone parameter
/// the page says nothing of is required: the body exists to carry it). The object the page names ("supply
/// a JSON representation of a message object") is that object. A create-draft page (no body required, a
/// JSON format whose parameters the intro names, a sibling that does the same "in a single operation")
/// takes the sibling's parameters ([`draft_body`]).
fn json_request_body(
    page: &Page,
    method: &str,
    template: &Template,
    schemas: &Schemas,
    siblings: &Siblings<'_>,
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
        let lone = body.properties.len() == 1;
        let schema = parameters(schemas, &body.properties, |p| p.required.unwrap_or(lone));
        return Some(json_body("Action parameters".into(), ReferenceOr::Item(schema)));
    }
    if body.need == BodyNeed::NotRequired && !page.json_parameters.is_empty() {
        return draft_body(page, schemas, siblings, say);
    }
    let qualified = schemas.catalog.qualified(body.resource.as_deref()?)?;
    Some(resource_ref(qualified))
}

/// A create-draft page's body (`createReply`): its Request body needs none, its intro names the JSON
/// format's parameters ("Specify either a comment or the **body** property of the `message` parameter"), and
/// it points to the page that does the same in a single operation (`message-reply.md`), whose table lists
/// them. The body is that table's parameters, each optional ("either … or"), and any parameter the intro
/// names that the table lacks, typed as the resource of its name (createForward's `message`).
fn draft_body(
    page: &Page,
    schemas: &Schemas,
    siblings: &Siblings<'_>,
    say: &mut impl FnMut(Diagnostic),
) -> Option<RequestBody> {
    let first = page.json_parameters.first()?;
    let Some(link) = &page.single_operation else {
        say(Diagnostic::warning(
            first.line,
            "the intro names JSON parameters, but the page neither lists them nor links the page that does; the spec has no JSON body for it".to_string(),
        ));
        return None;
    };
    let table =
        siblings.linked(page, &link.file).and_then(|s| s.request_body.as_ref()).map(|b| &b.properties);
    let Some(table) = table.filter(|t| !t.is_empty()) else {
        say(Diagnostic::warning(
            link.line,
            format!(
                "the JSON parameters are those of `{}`, which is not among the pages or has no parameter table; the spec has no JSON body for this page",
                link.file
            ),
        ));
        return None;
    };
    let mut rows: Vec<BodyProperty> = table.clone();
    for named in &page.json_parameters {
        if rows.iter().any(|r| r.name == named.name) {
            continue;
        }
        if schemas.catalog.qualified(&named.name).is_none() {
            say(Diagnostic::warning(
                named.line,
                format!(
                    "the intro names the parameter `{}`, which `{}` does not list and no resource is named after; it is left out",
                    named.name, link.file
                ),
            ));
            continue;
        }
        rows.push(BodyProperty {
            name: named.name.clone(),
            type_name: named.name.clone(),
            description: format!("The `{}` parameter the page's JSON format names.", named.name),
            line: named.line,
            required: Some(false),
        });
    }
    let schema = parameters(schemas, &rows, |_| false);
    let description = format!("Action parameters, as `{}` lists them; each is optional.", link.file);
    Some(json_body(description, ReferenceOr::Item(schema)))
}

/// An inline object of parameters from table rows, `required` as `required` decides for each row.
fn parameters(schemas: &Schemas, rows: &[BodyProperty], required: impl Fn(&BodyProperty) -> bool) -> Schema {
    let mut props = Properties::new();
    let mut names = Vec::new();
    for p in rows {
        let (type_name, collection) = crate::reader::cells::parse_type(&p.type_name);
        let mut schema =
            schemas::with_siblings(schemas::type_schema(&schemas.catalog, &type_name, collection));
        if !p.description.is_empty() {
            schema.schema_data.description = Some(p.description.clone());
        }
        if required(p) {
            names.push(p.name.clone());
        }
        props.insert(p.name.clone(), ReferenceOr::Item(Box::new(schema)));
    }
    typed::object(props, names)
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

fn json_body(description: String, schema: ReferenceOr<openapiv3::Schema>) -> RequestBody {
    let content: IndexMap<String, MediaType> =
        [("application/json".to_string(), MediaType { schema: Some(schema), ..MediaType::default() })]
            .into_iter()
            .collect();
    RequestBody { description: Some(description), content, required: true, extensions: IndexMap::new() }
}
