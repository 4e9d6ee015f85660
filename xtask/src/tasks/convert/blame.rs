//! The conversion proper, pure (no IO): the page models → one document of the good pages, each page that
//! breaks the document blamed with the error that names it and left out, and endpoints several pages
//! document settled on one of them. Everything found goes into the run's [`Diagnostics`].

use std::collections::BTreeMap;

use anyhow::{bail, Result};

use super::report::{Conversion, PageReport, ReportedOperation};
use super::Source;
use crate::diagnostics::{Diagnostic, Diagnostics, PageDiagnostic, Severity};
use crate::paths;
use crate::reader::page::{self, Page};
use crate::reader::resource::Resource;
use crate::spec::{self, BuiltOperation, SharedEndpoint};

/// Where a problem of the document that no page is to blame for is said to be.
const DOCUMENT: &str = "the converted document";

/// Converts pages already read; every finding goes into `diagnostics`, which is left sorted by page (in the
/// order of `sources`), then line. Pure: no IO, same pages in, same bytes out.
pub fn convert(
    sources: Vec<Source>,
    progress: &mut dyn FnMut(usize),
    diagnostics: &mut Diagnostics,
) -> Result<Conversion> {
    convert_keeping_pages(sources, progress, diagnostics).map(|(conversion, _)| conversion)
}

/// [`convert`], handing back the page models too, so that the command can leave them to the end of the
/// process instead of freeing them one by one.
pub(super) fn convert_keeping_pages(
    sources: Vec<Source>,
    progress: &mut dyn FnMut(usize),
    diagnostics: &mut Diagnostics,
) -> Result<(Conversion, Vec<Page>)> {
    let mut reports: Vec<PageReport> = sources
        .iter()
        .map(|s| PageReport {
            file: s.file().to_string(),
            ok: !s.has_errors(),
            operations: vec![],
            diagnostics: 0..0,
        })
        .collect();
    sources.iter().for_each(|s| s.report_to(diagnostics));

    let is_api: Vec<bool> = sources.iter().map(|s| matches!(s, Source::Api(_))).collect();
    let mut resources: Vec<(usize, Resource)> = Vec::new();
    let mut pages: Vec<Page> = Vec::with_capacity(sources.len());
    for (i, source) in sources.into_iter().enumerate() {
        match source {
            Source::Api(p) => pages.push(*p),
            Source::Resource(r) => {
                pages.push(Page { file: r.file.clone(), ..Page::default() });
                resources.push((i, r));
            }
        }
    }

    for (i, page) in pages.iter().enumerate() {
        progress(i);
        if reports[i].ok && is_api[i] && page.endpoints.is_empty() && page.placeholder.is_none() {
            reports[i].ok = false;
            diagnostics.error(&page.file, 1, "the page lists no endpoint");
        }
    }
    progress(pages.len());

    let index: BTreeMap<&str, usize> = pages.iter().enumerate().map(|(i, p)| (p.file.as_str(), i)).collect();
    // Each request line is normalised once, on every core, for settling shared endpoints and for the build.
    let templates = crate::parallel::map_on_every_core(pages.iter().collect(), spec::templates);
    let (built, ceded) =
        build_good(&pages, &templates, &resources, &is_api, &index, &mut reports, diagnostics)?;

    let openapi = built.document;
    let mut by_endpoint: BTreeMap<(usize, usize), &BuiltOperation> = BTreeMap::new();
    for op in &built.operations {
        let Some(&i) = index.get(op.file.as_str()) else { continue };
        let e = op.endpoint;
        by_endpoint.insert((i, e), op);
        reports[i].operations.push(reported(op, &pages[i].endpoints[e], None));
    }
    // A ceded endpoint is still in the document: the report lists it for this page too, marked with the page
    // whose definition was kept, and says where the two disagree on the success status.
    for (&(i, e), &(o, oe)) in &ceded {
        let Some(op) = by_endpoint.get(&(o, oe)) else { continue };
        let endpoint = &pages[i].endpoints[e];
        let owner = &pages[o];
        let owner_line = owner.endpoints[oe].line;
        let mut message = format!(
            "`{} {}` is also documented by {}:{owner_line}; the document keeps that page's definition",
            op.method.to_ascii_uppercase(),
            op.path,
            owner.file
        );
        if let (Some(mine), Some(theirs)) = (&pages[i].success, &owner.success) {
            if mine.status != theirs.status {
                message.push_str(&format!(
                    ", whose success status is {} where this page says {} (line {})",
                    theirs.status, mine.status, mine.line
                ));
            }
        }
        diagnostics.push(&pages[i].file, Diagnostic::warning(endpoint.line, message));
        reports[i].operations.push(reported(op, endpoint, Some(owner.file.clone())));
    }
    for r in &mut reports {
        r.operations.sort_by_key(|o| o.line);
    }
    // Each page's findings together, in line order, whichever stage said them; the report points into them.
    diagnostics.sort_by_file(|f| index.get(f).copied().unwrap_or(usize::MAX));
    let mut at = 0;
    for (i, r) in reports.iter_mut().enumerate() {
        while diagnostics.get(at).is_some_and(|d| index.get(d.file.as_str()).is_some_and(|&p| p < i)) {
            at += 1;
        }
        let start = at;
        while diagnostics.get(at).is_some_and(|d| d.file == r.file) {
            at += 1;
        }
        r.diagnostics = start..at;
    }
    Ok((Conversion { pages: reports, openapi }, pages))
}

/// The document, built typed from the good pages. A page the schemas, the build or the document's checks
/// find an error in (two resource pages for one type, a path that cannot be normalised, a `$ref` that does
/// not resolve) is named by the diagnostic itself: it is blamed (its error kept, it is not good any more),
/// and the document is built again without it, what the round said taken back. Each round blames a page, so
/// the loop ends; a good set of pages takes one round.
fn build_good(
    pages: &[Page],
    templates: &[Vec<Result<paths::Template, String>>],
    resources: &[(usize, Resource)],
    is_api: &[bool],
    index: &BTreeMap<&str, usize>,
    reports: &mut [PageReport],
    diagnostics: &mut Diagnostics,
) -> Result<(spec::Built, Owners)> {
    let start = diagnostics.len();
    let mut blamed: Vec<PageDiagnostic> = Vec::new();
    loop {
        diagnostics.truncate(start);
        diagnostics.extend(blamed.iter().cloned());
        let mark = diagnostics.len();
        let good: Vec<&Resource> = resources.iter().filter(|(i, _)| reports[*i].ok).map(|(_, r)| r).collect();
        let schemas = spec::schemas::build(&good, diagnostics);
        if !diagnostics.has_errors_since(mark) {
            let (ceded, ceded_by_page) = settle(pages, templates, reports, is_api);
            let inputs: Vec<spec::Input<'_>> = (0..pages.len())
                .filter(|&i| reports[i].ok && is_api[i])
                .map(|i| spec::Input { page: &pages[i], templates: &templates[i], ceded: &ceded_by_page[i] })
                .collect();
            let built = spec::build_inputs(&inputs, SharedEndpoint::Report, &schemas, diagnostics);
            if !diagnostics.has_errors_since(mark) {
                spec::check(&built.document, &built.operations, pages, DOCUMENT, diagnostics);
            }
            if !diagnostics.has_errors_since(mark) {
                return Ok((built, ceded));
            }
        }
        // Only the first error of a page is kept: the others may follow from it.
        let errors: Vec<PageDiagnostic> = diagnostics[mark..]
            .iter()
            .filter(|d| d.diagnostic.severity == Severity::Error)
            .cloned()
            .collect();
        for d in errors {
            let Some(&i) = index.get(d.file.as_str()) else {
                bail!(
                    "the document built from the good pages is not valid OpenAPI: {}",
                    d.diagnostic.message
                );
            };
            if reports[i].ok {
                reports[i].ok = false;
                blamed.push(d);
            }
        }
    }
}

/// Endpoints documented by several good pages: (page, endpoint) → (owning page, its endpoint).
type Owners = BTreeMap<(usize, usize), (usize, usize)>;

/// [`Owners`], and for each page the endpoints it leaves to another, sorted.
type Ceded = (Owners, Vec<Vec<usize>>);

/// Settles which page defines an endpoint several pages document.
fn settle(
    pages: &[Page],
    templates: &[Vec<Result<paths::Template, String>>],
    reports: &[PageReport],
    is_api: &[bool],
) -> Ceded {
    // One method and path documented by several pages goes to one of them (see `owner_score`); the others
    // leave it out of their build and say which page's definition the document keeps.
    let good = |i: usize| reports[i].ok && is_api[i];
    let mut claims: BTreeMap<(String, String), Vec<(usize, usize)>> = BTreeMap::new();
    for (i, page) in pages.iter().enumerate().filter(|(i, _)| good(*i)) {
        for (e, endpoint) in page.endpoints.iter().enumerate() {
            let Ok(template) = &templates[i][e] else { continue };
            let key = (endpoint.method.to_ascii_uppercase(), template.path());
            claims.entry(key).or_default().push((i, e));
        }
    }
    let mut ceded: Owners = BTreeMap::new();
    for claim in claims.values() {
        // A page listing one endpoint twice is its own business (the spec builder warns); only several
        // pages make a claim to settle.
        if claim.iter().all(|(i, _)| *i == claim[0].0) {
            continue;
        }
        let (first, e) = claim[0];
        let template = templates[first][e].as_ref().ok();
        let score = |i: usize| template.map_or(0, |t| owner_score(&pages[i].file, t));
        // The best score wins; among equals, the first page in order.
        let Some(&owner) = claim.iter().rev().max_by_key(|(i, _)| score(*i)) else { continue };
        for &(i, e) in claim.iter().filter(|(i, _)| *i != owner.0) {
            ceded.insert((i, e), owner);
        }
    }
    let mut by_page = vec![Vec::new(); pages.len()];
    // Keys are sorted by page, then endpoint: each page's list comes out sorted.
    for &(i, e) in ceded.keys() {
        by_page[i].push(e);
    }
    (ceded, by_page)
}

/// How well a page's file name says it is about the endpoint's resource: `message-delete.md` for
/// `DELETE /me/messages/{id}` (2) rather than `eventmessage-delete.md` (0); `user-list.md` for `GET /users` (1).
fn owner_score(file: &str, template: &paths::Template) -> usize {
    let stem = file.rsplit('/').next().unwrap_or(file);
    let subject = stem.split(['-', '_', '.']).next().unwrap_or("").to_ascii_lowercase();
    let key_entity = template.segments.iter().rev().find_map(|s| match s {
        paths::Segment::Key(p) => p.entity.as_deref(),
        _ => None,
    });
    if key_entity.is_some_and(|e| e.eq_ignore_ascii_case(&subject)) {
        return 2;
    }
    let collection = template.last_literal().map(paths::singular);
    usize::from(collection.is_some_and(|c| c.eq_ignore_ascii_case(&subject)))
}

fn reported(op: &BuiltOperation, endpoint: &page::Endpoint, defined_by: Option<String>) -> ReportedOperation {
    ReportedOperation {
        method: op.method.to_ascii_uppercase(),
        path: op.path.clone(),
        operation_id: op.operation_id.clone(),
        responses: op.responses.clone(),
        line: endpoint.line,
        source_path: endpoint.path.clone(),
        defined_by,
    }
}
