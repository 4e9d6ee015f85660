//! The builder's pass over the page models: each endpoint once, to one finished `openapiv3::Operation` in
//! one `openapiv3::OpenAPI`, never a loose JSON tree in between.
//!
//! Four steps over the endpoints, so every operation is written once: which endpoints go in is decided in
//! page order (one method and path from one page, once); those are planned, each page on any core (path,
//! response and request body, with what the page says about them); every operationId is decided in the
//! document's order ([`ids::unique`]); then the operations are made (`operation.rs`), path item by path item
//! on every core, and gathered in the document's order.

use std::collections::{BTreeMap, BTreeSet};

use indexmap::IndexMap;
use openapiv3::{Info, OpenAPI, PathItem, Paths, ReferenceOr, Schema, Server, StatusCode};

use super::answer;
use super::body;
use super::components::{self, DEFAULT_SERVER};
use super::ids;
use super::operation::{path_item, Planned};
use super::schemas::Schemas;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::paths::{self, Template};
use crate::reader::page::Page;

/// One operation as it went into the document, for reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuiltOperation {
    pub file: String,
    pub method: String,
    pub path: String,
    pub operation_id: String,
    pub responses: Vec<String>,
    /// Which of the page's endpoints (`Page::endpoints`) the operation is.
    pub endpoint: usize,
}

/// The built document and its operations; what was said while building it is in the run's [`Diagnostics`].
#[derive(Debug)]
pub struct Built {
    pub document: OpenAPI,
    pub operations: Vec<BuiltOperation>,
}

/// What to do when a second page lists a method and path an earlier page already defined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SharedEndpoint {
    /// An error on the later page (regen: one method and path come from one page only).
    Error,
    /// A warning on the later page naming the earlier one, whose operation is kept (convert, over folders of
    /// pages in which Graph documents some endpoints twice).
    Report,
}

/// One page to build from: its request lines as templates ([`templates`]), and the endpoints (indexes into
/// `Page::endpoints`, sorted) it leaves to another page, which convert decides; they are not built from it.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    pub page: &'a Page,
    pub templates: &'a [Result<Template, String>],
    pub ceded: &'a [usize],
}

/// Each of the page's request lines as a path template (`paths::normalise`), in `Page::endpoints` order.
pub fn templates(page: &Page) -> Vec<Result<Template, String>> {
    page.endpoints.iter().map(|e| paths::normalise(&e.path)).collect()
}

/// Builds the document from pages that read without errors. Problems found here (an endpoint whose path
/// cannot be normalised, two pages defining one method and path) are said in `diagnostics` as errors.
pub fn build(pages: &[Page], diagnostics: &mut Diagnostics) -> Built {
    build_with(pages, SharedEndpoint::Error, diagnostics)
}

/// [`build`], choosing how a method and path defined by two pages is reported.
pub fn build_with(pages: &[Page], shared: SharedEndpoint, diagnostics: &mut Diagnostics) -> Built {
    build_full(pages, shared, &Schemas::default(), diagnostics)
}

/// [`build_with`], with the schemas made from resource pages: bodies the pages name become `$ref`s to them.
pub fn build_full(
    pages: &[Page],
    shared: SharedEndpoint,
    schemas: &Schemas,
    diagnostics: &mut Diagnostics,
) -> Built {
    let templates: Vec<_> = pages.iter().map(templates).collect();
    let inputs: Vec<Input<'_>> =
        pages.iter().zip(&templates).map(|(page, templates)| Input { page, templates, ceded: &[] }).collect();
    build_inputs(&inputs, shared, schemas, diagnostics)
}

/// What the pass in page order decided for one endpoint of a page.
enum Decision {
    /// It goes in: planned, then made.
    Plan,
    /// It does not (a request line that cannot be a template, a method and path already defined): why.
    Leave(Diagnostic),
}

/// What was decided for one page: a note about the page as a whole (its server), and each endpoint's
/// decision, in the page's order.
type Decided = (Option<Diagnostic>, Vec<(usize, Decision)>);

/// One endpoint, planned, with what planning said (the answer's, then the body's) and the collection
/// responses its answer refers to.
struct Plan<'a> {
    planned: Planned<'a>,
    said: Vec<Diagnostic>,
    collections: BTreeMap<String, Schema>,
}

/// The endpoints of one page that go in (`planning`, indexes into `Page::endpoints`, in order), planned:
/// each one's template (with the query options the page's repeated request lines add), answer,
/// operationId stem and body. Reads other pages only through `siblings`, so pages are planned on every core.
fn plan_page<'a>(
    input: &Input<'a>,
    planning: &[usize],
    schemas: &Schemas,
    siblings: &body::Siblings<'_>,
) -> Vec<Plan<'a>> {
    let Input { page, templates: all_templates, ceded } = *input;
    if planning.is_empty() {
        return Vec::new();
    }
    let exchanges = answer::Exchanges::of(page);
    let kept: Vec<usize> = (0..page.endpoints.len()).filter(|e| ceded.binary_search(e).is_err()).collect();
    let template_paths: Vec<Option<String>> =
        kept.iter().map(|&e| all_templates[e].as_ref().ok().map(Template::path)).collect();
    let mut out = Vec::with_capacity(planning.len());
    for &index in planning {
        let endpoint = &page.endpoints[index];
        let Ok(template) = &all_templates[index] else { continue };
        let mut template = template.clone();
        let path = template.path();
        // A request line written again with query options (`GET /me/mailFolders/?includeHiddenFolders=true`)
        // documents those options for the path it repeats, whether or not that line goes in itself.
        for (&other, other_path) in kept.iter().zip(&template_paths) {
            let (Ok(t), Some(other_path)) = (&all_templates[other], other_path) else { continue };
            if other_path.eq_ignore_ascii_case(&path)
                && page.endpoints[other].method.eq_ignore_ascii_case(&endpoint.method)
            {
                for (name, value) in t.query.iter().zip(&t.query_values) {
                    if !template.query.contains(name) {
                        template.query.push(name.clone());
                        template.query_values.push(value.clone());
                    }
                }
            }
        }
        let mut said = Vec::new();
        let mut say = |d: Diagnostic| said.push(d);
        let mut collections = BTreeMap::new();
        let answer =
            answer::answer(page, &exchanges, endpoint, &template, schemas, &mut collections, &mut say);
        let operation_id = ids::operation_id_answering(&template, &endpoint.method, answer.collection);
        let body = body::request_body(page, &endpoint.method, &template, schemas, siblings, &mut say);
        let (status, reason) = match &page.success {
            Some(s) if !s.reason.is_empty() => (StatusCode::Code(s.status), s.reason.clone()),
            Some(s) => (StatusCode::Code(s.status), "Success".to_string()),
            None => (StatusCode::Range(2), "Success".to_string()),
        };
        let method = endpoint.method.to_ascii_lowercase();
        let planned = Planned { page, template, path, method, operation_id, answer, body, status, reason };
        out.push(Plan { planned, said, collections });
    }
    out
}

/// [`build_full`] over pages that may leave some of their endpoints to others.
pub fn build_inputs(
    inputs: &[Input<'_>],
    shared: SharedEndpoint,
    schemas: &Schemas,
    diagnostics: &mut Diagnostics,
) -> Built {
    // Keyed by the path in lower case: Graph matches path segments case-insensitively, and newer pages write one
    // path both ways (`/me/mailFolders/{id}/messages/delta`, then `/me/mailfolders/{id}/messages/delta?changeType=…`).
    // The first spelling is the one the spec keeps.
    let mut owners: BTreeMap<(String, String), (&str, usize, String)> = BTreeMap::new();
    let mut scopes_seen: Vec<String> = Vec::new();
    let mut scopes_known: BTreeSet<String> = BTreeSet::new();
    let mut server: Option<(&str, &str)> = None;

    // First, in page order, which endpoints go in: that needs only the templates.
    let mut decided: Vec<Decided> = Vec::with_capacity(inputs.len());
    for &Input { page, templates, ceded } in inputs {
        let mut note = None;
        if let Some(url) = &page.base_url {
            match server {
                None => server = Some((url, &page.file)),
                Some((first, file)) if first != url => note = Some(Diagnostic::warning(
                    page.examples.first().map(|e| e.line).unwrap_or(1),
                    format!("the example request uses `{url}`, but {file} uses `{first}`; the spec keeps `{first}`"),
                )),
                Some(_) => {}
            }
        }
        for s in page.scopes() {
            if scopes_known.insert(s.clone()) {
                scopes_seen.push(s);
            }
        }
        let mut decisions = Vec::new();
        for (index, endpoint) in page.endpoints.iter().enumerate() {
            if ceded.binary_search(&index).is_ok() {
                continue;
            }
            let path = match &templates[index] {
                Ok(t) => t.path(),
                Err(e) => {
                    decisions.push((index, Decision::Leave(Diagnostic::error(endpoint.line, e.clone()))));
                    continue;
                }
            };
            let key = (path.to_ascii_lowercase(), endpoint.method.to_ascii_lowercase());
            let Some((file, line, first)) = owners.get(&key) else {
                owners.insert(key, (&page.file, endpoint.line, path));
                decisions.push((index, Decision::Plan));
                continue;
            };
            let why = if *file == page.file {
                let spelled = if *first == path { String::new() } else { format!(" as `{first}`") };
                Diagnostic::warning(
                    endpoint.line,
                    format!(
                        "`{} {}` is listed twice (first at line {line}{spelled}); read once",
                        endpoint.method, path
                    ),
                )
            } else if shared == SharedEndpoint::Error {
                Diagnostic::error(
                    endpoint.line,
                    format!(
                        "`{} {path}` is also defined by {file}:{line}; one method and path can come from one page only",
                        endpoint.method
                    ),
                )
            } else {
                Diagnostic::warning(
                    endpoint.line,
                    format!(
                        "`{} {path}` is also defined by {file}:{line}; the spec keeps that definition, not this one",
                        endpoint.method
                    ),
                )
            };
            decisions.push((index, Decision::Leave(why)));
        }
        decided.push((note, decisions));
    }

    // Then the endpoints that go in are planned, each page on any core.
    let work: Vec<(&Input<'_>, Vec<usize>)> = inputs
        .iter()
        .zip(&decided)
        .map(|(input, (_, decisions))| {
            let planning = decisions.iter().filter(|(_, d)| matches!(d, Decision::Plan)).map(|(i, _)| *i);
            (input, planning.collect())
        })
        .collect();
    let siblings = body::Siblings::of(inputs.iter().map(|i| i.page));
    let plans = crate::parallel::map_on_every_core(work, |(input, planning)| {
        plan_page(input, &planning, schemas, &siblings)
    });

    // And gathered in page order, with what was said in the order it was said.
    let mut planned: Vec<Planned<'_>> = Vec::new();
    let mut operations = Vec::new();
    let mut collections: BTreeMap<String, Schema> = BTreeMap::new();
    for ((input, (note, decisions)), plans) in inputs.iter().zip(decided).zip(plans) {
        let page = input.page;
        let mut say = |d: Diagnostic| diagnostics.push(&page.file, d);
        note.into_iter().for_each(&mut say);
        let mut plans = plans.into_iter();
        for (index, decision) in decisions {
            let Plan { planned: plan, said, collections: found } = match decision {
                Decision::Leave(why) => {
                    say(why);
                    continue;
                }
                Decision::Plan => match plans.next() {
                    Some(plan) => plan,
                    None => continue,
                },
            };
            said.into_iter().for_each(&mut say);
            for (name, schema) in found {
                collections.entry(name).or_insert(schema);
            }
            operations.push(BuiltOperation {
                file: page.file.clone(),
                method: page.endpoints[index].method.clone(),
                path: plan.path.clone(),
                operation_id: plan.operation_id.clone(),
                responses: vec![plan.status.to_string(), "4XX".into(), "5XX".into()],
                endpoint: index,
            });
            planned.push(plan);
        }
    }

    // Ids are numbered where two meet in the document's order: paths sorted, methods as OpenAPI lists them.
    let mut order: Vec<usize> = (0..planned.len()).collect();
    order.sort_by(|&a, &b| {
        let (a, b) = (&planned[a], &planned[b]);
        (a.path.as_str(), ids::method_order(&a.method)).cmp(&(b.path.as_str(), ids::method_order(&b.method)))
    });
    let mut unique: Vec<String> =
        order.iter().map(|&i| std::mem::take(&mut planned[i].operation_id)).collect();
    ids::unique(unique.iter_mut());
    for (&i, id) in order.iter().zip(unique) {
        operations[i].operation_id.clone_from(&id);
        planned[i].operation_id = id;
    }

    // Path items in the document's order, each made once: a path's parameters are those of the first page
    // (in page order) that writes it, as `{id | userPrincipalName}` and `{id}` name one parameter described
    // two ways.
    let groups: Vec<&[usize]> = order.chunk_by(|&a, &b| planned[a].path == planned[b].path).collect();
    let mut planned: Vec<Option<Planned<'_>>> = planned.into_iter().map(Some).collect();
    let groups: Vec<(usize, Vec<Planned<'_>>)> = groups
        .into_iter()
        .map(|group| {
            let first = group.iter().copied().min().unwrap_or_default();
            let plans: Vec<Planned<'_>> = group.iter().filter_map(|&i| planned[i].take()).collect();
            // Where the first plan (in page order) sits in the group, sorted by method.
            (group.iter().position(|&i| i == first).unwrap_or_default(), plans)
        })
        .collect();
    // The operations are made on every core, each path item whole; the items keep the document's order.
    // Boxed on their way back: a path item is 8.7 KB, mostly empty slots, and was copied at every step.
    let made = crate::parallel::map_on_every_core(groups, |(first, plans)| {
        let (path, item, used) = path_item(first, plans);
        (path, Box::new(ReferenceOr::Item(item)), used)
    });
    let mut items: IndexMap<String, ReferenceOr<PathItem>> = IndexMap::with_capacity(made.len());
    let mut options_used = BTreeSet::new();
    for (path, item, used) in made {
        options_used.extend(used);
        items.insert(path, *item);
    }

    let server_url = server.map_or(DEFAULT_SERVER, |(u, _)| u).to_string();
    let document = OpenAPI {
        openapi: "3.0.3".into(),
        info: Info {
            title: "Microsoft Graph (from the reference pages)".into(),
            description: Some("Operations of Microsoft Graph v1.0 as its reference pages document them. The pages are Microsoft's public documentation (CC BY 4.0); see spec/docs/README.md.".into()),
            version: "v1.0".into(),
            ..Info::default()
        },
        servers: vec![Server {
            url: server_url,
            description: Some("Microsoft Graph global service".into()),
            ..Server::default()
        }],
        paths: Paths {
            paths: items,
            extensions: IndexMap::new(),
        },
        components: Some(components::components(schemas, collections, &options_used, &scopes_seen)),
        ..OpenAPI::default()
    };
    Built { document, operations }
}
