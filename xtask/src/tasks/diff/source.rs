//! Where a change comes from: the page a document names (`x-ms-docs-source` on operations and schemas), read
//! again with the project's own readers to find the line: the HTTP request line of an operation, the
//! permissions of its scopes, the table row of a property (on the base type's page when it is inherited).

use std::collections::BTreeMap;

use openapiv3::{OpenAPI, ReferenceOr, SchemaKind, Type};

use super::{Change, Pages, Source, Subject};
use crate::reader::page::Page;
use crate::reader::resource::Resource;

/// Reads pages of one side on demand, each once.
#[derive(Debug)]
pub struct Lines<'a> {
    doc: &'a OpenAPI,
    pages: &'a Pages,
    api: BTreeMap<String, Option<Page>>,
    resources: BTreeMap<String, Option<Resource>>,
}

impl<'a> Lines<'a> {
    pub fn new(doc: &'a OpenAPI, pages: &'a Pages) -> Self {
        Lines { doc, pages, api: BTreeMap::new(), resources: BTreeMap::new() }
    }

    fn page(&mut self, file: &str) -> Option<&Page> {
        let pages = self.pages;
        self.api
            .entry(file.to_string())
            .or_insert_with(|| pages.read(file).map(|text| crate::reader::page::read(file, &text)))
            .as_ref()
    }

    fn resource(&mut self, file: &str) -> Option<&Resource> {
        let pages = self.pages;
        self.resources
            .entry(file.to_string())
            .or_insert_with(|| pages.read(file).map(|text| crate::reader::resource::read(file, &text)))
            .as_ref()
    }

    /// The page and line of a change, as far as they can be found; the file alone when the page cannot be
    /// read (it is named even then, since the document says where it came from).
    pub fn source(&mut self, change: &Change) -> Option<Source> {
        match &change.subject {
            Subject::Schema { name } => {
                let file = schema_source(self.doc, name)?;
                // The page's title line: a schema is the whole page.
                let line = self.pages.read(&file).and_then(|text| {
                    text.lines().position(|l| l.trim_start().starts_with("# ")).map(|i| i + 1)
                });
                Some(Source { file, line })
            }
            Subject::Property { schema, property } => self.property(schema, property),
            Subject::EnumValue { schema, .. } => {
                // An enum has no page of its own: the first property that uses it is where its values are listed.
                let (owner, property) = enum_user(self.doc, schema)?;
                self.property(&owner, &property)
            }
            subject => {
                let op = change.operation.as_ref()?;
                let item = self.doc.paths.paths.get(&op.path)?.as_item()?;
                let operation =
                    item.iter().find(|(m, _)| m.eq_ignore_ascii_case(&op.method)).map(|(_, o)| o)?;
                let file = operation.extensions.get("x-ms-docs-source")?.as_str()?.to_string();
                let (method, path) = (op.method.clone(), op.path.clone());
                let subject = subject.clone();
                let line = self.page(&file).and_then(|page| {
                    // The section the change is about, where the page has it; else the request line.
                    let specific = match &subject {
                        Subject::Scopes => page.permissions.first().map(|p| p.line),
                        Subject::Parameter { name, .. } => {
                            let query =
                                page.query_parameters.iter().find(|q| q.name == *name).map(|q| q.line);
                            query.or_else(|| {
                                page.request_headers.iter().find(|h| h.name == *name).map(|h| h.line)
                            })
                        }
                        Subject::RequestBody { property } => page.request_body.as_ref().map(|b| {
                            let row =
                                property.as_ref().and_then(|p| b.properties.iter().find(|r| r.name == *p));
                            row.map_or(b.line, |r| r.line)
                        }),
                        Subject::Response => page
                            .success
                            .as_ref()
                            .map(|s| s.line)
                            .or(page.response_body.as_ref().map(|r| r.line)),
                        _ => None,
                    };
                    let endpoint = page.endpoints.iter().find(|e| {
                        e.method.eq_ignore_ascii_case(&method)
                            && crate::paths::normalise(&e.path).is_ok_and(|t| t.path() == path)
                    });
                    specific.or(endpoint.map(|e| e.line)).or(page.endpoints.first().map(|e| e.line))
                });
                Some(Source { file, line })
            }
        }
    }

    /// A property's row, on the page of the type that declares it: the schema's own page, else its bases'.
    fn property(&mut self, schema: &str, property: &str) -> Option<Source> {
        let mut name = schema.to_string();
        let first = schema_source(self.doc, &name)?;
        for _ in 0..16 {
            let Some(file) = schema_source(self.doc, &name) else { break };
            let Some(resource) = self.resource(&file) else { break };
            if let Some(p) = resource.properties.iter().find(|p| p.name == property) {
                return Some(Source { file, line: Some(p.line) });
            }
            match resource.base.clone() {
                Some(base) if base != name => name = base,
                _ => break,
            }
        }
        Some(Source { file: first, line: None })
    }
}

fn schema_source(doc: &OpenAPI, name: &str) -> Option<String> {
    let ReferenceOr::Item(s) = doc.components.as_ref()?.schemas.get(name)? else { return None };
    s.schema_data.extensions.get("x-ms-docs-source")?.as_str().map(str::to_string)
}

/// The first object schema with a page and a property that refers to the enum `name`.
fn enum_user(doc: &OpenAPI, name: &str) -> Option<(String, String)> {
    let target = format!("#/components/schemas/{name}");
    for (owner, s) in &doc.components.as_ref()?.schemas {
        let ReferenceOr::Item(s) = s else { continue };
        let SchemaKind::Type(Type::Object(o)) = &s.schema_kind else { continue };
        if !s.schema_data.extensions.contains_key("x-ms-docs-source") {
            continue;
        }
        for (p, ps) in &o.properties {
            let text = serde_json::to_string(ps).unwrap_or_default();
            if text.contains(&format!("\"{target}\"")) {
                return Some((owner.clone(), p.clone()));
            }
        }
    }
    None
}
