//! What an operation answers on success: the type of its 2xx body, from the Response prose and the example
//! response, and whether it is a collection (which decides `list` or `get`, and the OData options).

use std::collections::BTreeMap;

use indexmap::IndexMap;
use openapiv3::{MediaType, ReferenceOr, Schema};

use super::components;
use super::schemas::{self, Schemas};
use super::typed;
use crate::diagnostics::Diagnostic;
use crate::paths::{self, Segment, Template};
use crate::reader::page::{Endpoint, ExampleBody, ExampleKind, HttpExample, Page, ResponseBody};

/// What an operation answers on success: the `content` of its 2xx response, and whether that is a
/// collection (`None` when the page documents no body).
#[derive(Debug, Default)]
pub struct Answer {
    pub content: Option<IndexMap<String, MediaType>>,
    pub collection: Option<bool>,
}

/// The success body of one endpoint. Raw content (`…/$value`) is bytes of the media type the example shows
/// (`text/plain` for a message's MIME), else `application/octet-stream`. Otherwise the Response prose names
/// the type, and the endpoint's example response (`@odata.context`, `@odata.type`) is the second source: used
/// when the prose names none, compared when it does, with a warning naming both lines when they disagree. A
/// body the page documents but the spec cannot type is a warning, never silently left out.
pub fn answer(
    page: &Page,
    exchanges: &Exchanges<'_>,
    endpoint: &Endpoint,
    template: &Template,
    schemas: &Schemas,
    collections: &mut BTreeMap<String, Schema>,
    say: &mut impl FnMut(Diagnostic),
) -> Answer {
    let example = exchanges.response_to(endpoint, template);
    if template.last_literal() == Some("$value") {
        let media = example
            .and_then(|e| e.body.content_type.clone())
            .filter(|m| !m.contains("json"))
            .unwrap_or_else(|| "application/octet-stream".to_string());
        if !endpoint.method.eq_ignore_ascii_case("GET") {
            return Answer::default();
        }
        return Answer {
            content: Some(content(media, ReferenceOr::Item(typed::string(Some("binary"))))),
            // Raw content takes no OData options.
            collection: None,
        };
    }
    let catalog = &schemas.catalog;
    let from_example = example.and_then(|e| example_type(&e.body, catalog).map(|t| (t, e.line)));
    let prose = page.response_body.as_ref().map(|body| (prose_type(body, template, catalog), body));
    let (schema, collection) = match (prose, from_example) {
        (Some((Ok((schema, collection, named)), body)), example) => {
            if let (Some(named), Some(((found, found_collection), line))) = (&named, example) {
                let agree = found_collection == collection
                    && (catalog.derives_from(&found, named) || catalog.derives_from(named, &found));
                if !agree {
                    say(Diagnostic::warning(
                        line,
                        format!(
                            "the example response (line {line}) shows {} but the Response prose (line {}) names {}; documenting the prose's",
                            describe_type(&found, found_collection),
                            body.line,
                            describe_type(named, collection)
                        ),
                    ));
                }
            }
            (schema, collection)
        }
        (Some((Err(why), body)), example) => match example {
            Some(((found, found_collection), line)) => {
                say(Diagnostic::warning(
                    body.line,
                    format!("{why}; typed from the example response (line {line}) instead"),
                ));
                (Typed::Ref(found), found_collection)
            }
            None => {
                say(Diagnostic::warning(body.line, format!("{why}; the response is left untyped")));
                return Answer::default();
            }
        },
        (None, Some(((found, found_collection), _))) => (Typed::Ref(found), found_collection),
        (None, None) => {
            let json_example = example.filter(|e| e.body.json).map(|e| e.line);
            if let Some(line) = page.documented_body.or(json_example) {
                say(Diagnostic::warning(
                    line,
                    format!(
                        "the page documents a response body for `{} {}` but names no type the spec knows; the response is left untyped",
                        endpoint.method,
                        template.path()
                    ),
                ));
            }
            return Answer::default();
        }
    };
    let schema = match schema {
        Typed::Ref(qualified) => type_ref(&qualified, collection, collections),
        Typed::Inline(schema) => ReferenceOr::Item(*schema),
    };
    Answer { content: Some(content("application/json".into(), schema)), collection: Some(collection) }
}

enum Typed {
    /// A resource schema, by its qualified name.
    Ref(String),
    Inline(Box<Schema>),
}

fn describe_type(qualified: &str, collection: bool) -> String {
    let short = qualified.rsplit('.').next().unwrap_or(qualified);
    if collection {
        format!("a collection of `{short}`")
    } else {
        format!("`{short}`")
    }
}

/// The type the Response prose gives one endpoint: (schema, collection, the resource named if any), or why
/// it cannot be typed. Where the prose lists choices ("one of the following requested objects"), the
/// endpoint's last segment picks one: a choice of that name (`…/automaticRepliesSetting`), else a property of
/// the first choice (`…/mailboxSettings/language` → its `localeInfo`), else a choice `for` it, else the first.
fn prose_type(
    body: &ResponseBody,
    template: &Template,
    catalog: &schemas::Catalog,
) -> Result<(Typed, bool, Option<String>), String> {
    let last = template.last_literal().unwrap_or("");
    let (type_name, collection) = if body.choices.is_empty() {
        (body.resource.clone(), body.collection)
    } else {
        let named = body.choices.iter().find(|c| c.type_name.eq_ignore_ascii_case(last));
        let property = catalog.qualified(&body.resource).and_then(|q| catalog.property(q, last));
        let for_it = body.choices.iter().find(|c| c.property.as_deref() == Some(last));
        match (named, property, for_it) {
            (Some(c), _, _) => (c.type_name.clone(), false),
            (None, Some((t, collection)), _) => (t.to_string(), collection),
            (None, None, Some(c)) => (c.type_name.clone(), false),
            (None, None, None) => (body.resource.clone(), false),
        }
    };
    if let Some(qualified) = catalog.qualified(&type_name) {
        return Ok((Typed::Ref(qualified.to_string()), collection, Some(qualified.to_string())));
    }
    match schemas::primitive(&type_name) {
        // A primitive property read on its own comes back as OData's `{"value": …}`.
        Some(primitive) => {
            let value = if collection { typed::array(ReferenceOr::Item(primitive)) } else { primitive };
            let properties =
                [("value".to_string(), ReferenceOr::Item(Box::new(value)))].into_iter().collect();
            Ok((Typed::Inline(Box::new(typed::object(properties, vec!["value".into()]))), false, None))
        }
        None => Err(format!(
            "the Response prose names `{type_name}`, which has no resource page in spec/docs/resources"
        )),
    }
}

/// A `$ref` to a resource schema, or to its collection response, shared as `<type>CollectionResponse`
/// (see [`components::collection_response`]).
fn type_ref(
    qualified: &str,
    collection: bool,
    collections: &mut BTreeMap<String, Schema>,
) -> ReferenceOr<Schema> {
    if !collection {
        return typed::schema_ref(qualified);
    }
    let (name, schema) = components::collection_response(qualified);
    let reference = typed::schema_ref(&name);
    collections.entry(name).or_insert(schema);
    reference
}

fn content(media: String, schema: ReferenceOr<Schema>) -> IndexMap<String, MediaType> {
    [(media, MediaType { schema: Some(schema), ..MediaType::default() })].into_iter().collect()
}

/// A page's example exchanges: each example response with the request before it, read once per page (its
/// method, and its URL as a template) for all of the page's endpoints.
#[derive(Debug)]
pub struct Exchanges<'a> {
    pairs: Vec<(String, Template, &'a HttpExample)>,
}

impl<'a> Exchanges<'a> {
    pub fn of(page: &'a Page) -> Self {
        let mut pairs = Vec::new();
        let mut request: Option<&HttpExample> = None;
        for e in &page.examples {
            match e.kind {
                ExampleKind::Request => request = Some(e),
                ExampleKind::Response => {
                    let read =
                        request.take().and_then(|r| crate::reader::page::parse_request_line(&r.first_line));
                    if let Some((method, url)) = read {
                        if let Ok(template) = paths::normalise(&url) {
                            pairs.push((method, template, e));
                        }
                    }
                }
            }
        }
        Exchanges { pairs }
    }

    /// The example response whose request is this endpoint: same method, and the request URL's segments fit
    /// the template (literals equal, any value where the template has a key).
    fn response_to(&self, endpoint: &Endpoint, template: &Template) -> Option<&'a HttpExample> {
        let fits = |example: &Template| {
            example.segments.len() == template.segments.len()
                && template.segments.iter().zip(&example.segments).all(|(t, e)| match (t, e) {
                    (Segment::Literal(a), Segment::Literal(b)) => a.eq_ignore_ascii_case(b),
                    (Segment::Literal(_), _) => false,
                    _ => true,
                })
        };
        self.pairs
            .iter()
            .find(|(method, example, _)| method.eq_ignore_ascii_case(&endpoint.method) && fits(example))
            .map(|(_, _, response)| *response)
    }
}

/// The type an example response shows: its top-level `@odata.type`, else what its `@odata.context` names
/// (`#Collection(microsoft.graph.x)`, `#users('…')/messages/$entity`, `#users('…')/mailFolders`). `None`
/// when neither names a type the spec has.
fn example_type(body: &ExampleBody, catalog: &schemas::Catalog) -> Option<(String, bool)> {
    if !body.json {
        return None;
    }
    if let Some(t) = body.odata_type.as_deref().filter(|_| !body.value_array) {
        if let Some(q) = catalog.qualified(t) {
            return Some((q.to_string(), false));
        }
    }
    let fragment = body.odata_context.as_deref()?.split_once("$metadata#")?.1;
    if let Some(inner) = fragment.strip_prefix("Collection(").and_then(|f| f.strip_suffix(')')) {
        return catalog.qualified(inner).map(|q| (q.to_string(), true));
    }
    let (path, entity) = match fragment.strip_suffix("/$entity") {
        Some(p) => (p, true),
        None => (fragment.strip_suffix("/$delta").unwrap_or(fragment), false),
    };
    let last = path.rsplit('/').next().unwrap_or(path);
    let last = last.split('(').next().unwrap_or(last);
    if last.contains('.') {
        return catalog.qualified(last).map(|q| (q.to_string(), body.value_array));
    }
    let singular = paths::singular(last);
    let plural = singular != last;
    let collection = !entity && (plural || body.value_array);
    let name = if plural { singular.as_str() } else { last };
    catalog.qualified(name).map(|q| (q.to_string(), collection))
}
