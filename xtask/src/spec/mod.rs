//! The spec builder: page models → one OpenAPI 3.0 document by the spec conventions ARCHITECTURE.md records, and its checks.
//!
//! The document is assembled as JSON (insertion order kept, so the YAML reads top-down like Microsoft's own),
//! then loaded as `openapiv3::OpenAPI`, which is the first validation; [`check`] adds the ones the
//! openapiv3 types cannot express (parameters declared once, unique operationIds, every `$ref` resolves).

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use crate::diagnostics::Diagnostic;
use crate::paths::{self, Segment, Template};
use crate::reader::page::{Page, PermissionKind};
use schemas::Schemas;

mod check;
pub mod schemas;

pub use check::{check, check_at, collect_refs};

pub const DEFAULT_SERVER: &str = "https://graph.microsoft.com/v1.0";
pub const ERROR_SCHEMA: &str = "microsoft.graph.ODataErrors.ODataError";
pub const SECURITY_SCHEME: &str = "azureaadv2";

pub use crate::diagnostics::PageDiagnostic;

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

/// The built document and what was said while building it.
#[derive(Debug)]
pub struct Built {
    pub document: Value,
    pub operations: Vec<BuiltOperation>,
    pub diagnostics: Vec<PageDiagnostic>,
}

struct PathEntry {
    params: Vec<paths::PathParam>,
    operations: BTreeMap<usize, (String, Value)>,
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

/// Builds the document from pages that read without errors. Problems found here (an endpoint whose path
/// cannot be normalised, two pages defining one method and path) come back as error diagnostics.
pub fn build(pages: &[Page]) -> Built {
    build_with(pages, SharedEndpoint::Error)
}

/// [`build`], choosing how a method and path defined by two pages is reported.
pub fn build_with(pages: &[Page], shared: SharedEndpoint) -> Built {
    build_full(pages, shared, &Schemas::default())
}

/// [`build_with`], with the schemas made from resource pages: bodies the pages name become `$ref`s to them.
pub fn build_full(pages: &[Page], shared: SharedEndpoint, schemas: &Schemas) -> Built {
    let mut diagnostics = Vec::new();
    let mut paths_map: BTreeMap<String, PathEntry> = BTreeMap::new();
    // Keyed by the path in lower case: Graph matches path segments case-insensitively, and newer pages write one
    // path both ways (`/me/mailFolders/{id}/messages/delta`, then `/me/mailfolders/{id}/messages/delta?changeType=…`).
    // The first spelling is the one the spec keeps.
    let mut owners: BTreeMap<(String, String), (String, usize, String)> = BTreeMap::new();
    let mut operations = Vec::new();
    let mut scopes_seen: Vec<String> = Vec::new();
    let mut scopes_known: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
    let mut server: Option<(String, String)> = None;
    let mut collections: BTreeMap<String, Value> = BTreeMap::new();

    for page in pages {
        let mut say =
            |d: Diagnostic| diagnostics.push(PageDiagnostic { file: page.file.clone(), diagnostic: d });
        if let Some(url) = &page.base_url {
            match &server {
                None => server = Some((url.clone(), page.file.clone())),
                Some((first, file)) if first != url => say(Diagnostic::warning(
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
        // Each request line is normalised once: every endpoint looks at its page's others (below).
        let templates: Vec<Result<Template, String>> =
            page.endpoints.iter().map(|e| paths::normalise(&e.path)).collect();
        let template_paths: Vec<Option<String>> =
            templates.iter().map(|t| t.as_ref().ok().map(Template::path)).collect();
        for (index, endpoint) in page.endpoints.iter().enumerate() {
            let template = match &templates[index] {
                Ok(t) => t.clone(),
                Err(e) => {
                    say(Diagnostic::error(endpoint.line, e.clone()));
                    continue;
                }
            };
            let path = template.path();
            let method = endpoint.method.to_ascii_lowercase();
            let key = (path.to_ascii_lowercase(), method.clone());
            if let Some((file, line, first)) = owners.get(&key) {
                if *file == page.file {
                    let spelled = if *first == path { String::new() } else { format!(" as `{first}`") };
                    say(Diagnostic::warning(
                        endpoint.line,
                        format!(
                            "`{} {}` is listed twice (first at line {line}{spelled}); read once",
                            endpoint.method, path
                        ),
                    ));
                } else if shared == SharedEndpoint::Error {
                    say(Diagnostic::error(
                        endpoint.line,
                        format!(
                            "`{} {path}` is also defined by {file}:{line}; one method and path can come from one page only",
                            endpoint.method
                        ),
                    ));
                } else {
                    say(Diagnostic::warning(
                        endpoint.line,
                        format!(
                            "`{} {path}` is also defined by {file}:{line}; the spec keeps that definition, not this one",
                            endpoint.method
                        ),
                    ));
                }
                continue;
            }
            owners.insert(key, (page.file.clone(), endpoint.line, path.clone()));
            // A request line written again with query options (`GET /me/mailFolders/?includeHiddenFolders=true`)
            // documents those options for the path it repeats.
            let mut template = template;
            for ((other, t), other_path) in page.endpoints.iter().zip(&templates).zip(&template_paths) {
                let (Ok(t), Some(other_path)) = (t, other_path) else { continue };
                if other_path.eq_ignore_ascii_case(&path)
                    && other.method.eq_ignore_ascii_case(&endpoint.method)
                {
                    for (name, value) in t.query.iter().zip(&t.query_values) {
                        if !template.query.contains(name) {
                            template.query.push(name.clone());
                            template.query_values.push(value.clone());
                        }
                    }
                }
            }
            let answer = answer(page, endpoint, &template, schemas, &mut collections, &mut say);
            let mut operation_id = operation_id(&template, &endpoint.method);
            // The path alone cannot tell `mailboxSettings` (one object) from `messages` (a collection); the
            // response the page documents can.
            if endpoint.method.eq_ignore_ascii_case("GET") {
                if let Some(collection) = answer.collection {
                    if let Some(stem) =
                        operation_id.strip_suffix(".list").or(operation_id.strip_suffix(".get"))
                    {
                        operation_id = format!("{stem}.{}", if collection { "list" } else { "get" });
                    }
                }
            }
            let (operation, responses) =
                operation(page, &endpoint.method, &template, &operation_id, schemas, &answer, &mut say);
            operations.push(BuiltOperation {
                file: page.file.clone(),
                method: endpoint.method.clone(),
                path: path.clone(),
                operation_id,
                responses,
                endpoint: index,
            });
            let entry = paths_map.entry(path).or_insert_with(|| PathEntry {
                params: template.params().into_iter().cloned().collect(),
                operations: BTreeMap::new(),
            });
            entry.operations.insert(method_order(&method), (method, operation));
        }
    }
    dedupe_operation_ids(&mut paths_map, &mut operations);

    let mut paths_json = Map::new();
    for (path, entry) in paths_map {
        let mut item = Map::new();
        for (_, (method, op)) in entry.operations {
            item.insert(method, op);
        }
        if !entry.params.is_empty() {
            item.insert("parameters".into(), Value::Array(entry.params.iter().map(path_parameter).collect()));
        }
        paths_json.insert(path, Value::Object(item));
    }

    let server_url = server.map(|(u, _)| u).unwrap_or_else(|| DEFAULT_SERVER.to_string());
    let scopes: Map<String, Value> = scopes_seen
        .iter()
        .map(|s| (s.clone(), Value::String(format!("Microsoft Graph permission {s}"))))
        .collect();
    let document = json!({
        "openapi": "3.0.3",
        "info": {
            "title": "Microsoft Graph (from the reference pages)",
            "description": "Operations of Microsoft Graph v1.0 as its reference pages document them. The pages are Microsoft's public documentation (CC BY 4.0); see spec/docs/README.md.",
            "version": "v1.0"
        },
        "servers": [{ "url": server_url, "description": "Microsoft Graph global service" }],
        "paths": paths_json,
        "components": {
            "schemas": all_schemas(schemas, collections),
            "responses": {
                "error": {
                    "description": "error",
                    "content": { "application/json": { "schema": { "$ref": format!("#/components/schemas/{ERROR_SCHEMA}") } } }
                }
            },
            "securitySchemes": {
                SECURITY_SCHEME: {
                    "type": "oauth2",
                    "flows": {
                        "authorizationCode": {
                            "authorizationUrl": "https://login.microsoftonline.com/common/oauth2/v2.0/authorize",
                            "tokenUrl": "https://login.microsoftonline.com/common/oauth2/v2.0/token",
                            "scopes": scopes
                        }
                    }
                }
            }
        }
    });
    Built { document, operations, diagnostics }
}

fn method_order(method: &str) -> usize {
    ["get", "put", "post", "delete", "options", "head", "patch", "trace"]
        .iter()
        .position(|m| *m == method)
        .unwrap_or(9)
}

/// `me.messages.message.send` for an action; entity and collection operations get a verb so GET and PATCH on
/// one path stay apart (`me.messages.message.get`, `me.messages.message.update`).
pub fn operation_id(template: &Template, method: &str) -> String {
    let stem = template.operation_id_stem();
    let stem = if stem.is_empty() { "root".to_string() } else { stem };
    let method = method.to_ascii_uppercase();
    let last = template.segments.last();
    let is_collection = matches!(last, Some(Segment::Literal(l)) if paths::singular(l) != *l);
    let is_action = matches!(last, Some(Segment::Literal(l)) if is_action_segment(l))
        || matches!(last, Some(Segment::Mixed { .. }));
    let verb = match (method.as_str(), is_collection, is_action) {
        ("POST", _, true) => return stem,
        ("GET", _, true) if matches!(last, Some(Segment::Mixed { .. })) => return stem,
        ("GET", true, _) => "list",
        ("GET", _, _) => "get",
        ("POST", true, _) => "create",
        ("POST", _, _) => "post",
        ("PATCH", _, _) => "update",
        ("PUT", _, _) => "set",
        ("DELETE", _, _) => "delete",
        (other, _, _) => return format!("{stem}.{}", other.to_ascii_lowercase()),
    };
    format!("{stem}.{verb}")
}

/// A last segment that names an action (`send`, `createReply`): a lowercase word that is not a plural, so
/// not a collection.
fn is_action_segment(segment: &str) -> bool {
    paths::singular(segment) == segment && segment.starts_with(|c: char| c.is_ascii_lowercase())
}

/// Two templates can still meet on one operationId (`/me/x` GET as `get` and an action named `get`); the later
/// one takes a numeric suffix so ids stay unique, as OpenAPI requires.
fn dedupe_operation_ids(paths_map: &mut BTreeMap<String, PathEntry>, operations: &mut [BuiltOperation]) {
    // A set: over the whole corpus there are thousands of ids, and a list made this quadratic.
    let mut seen: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
    for (path, entry) in paths_map.iter_mut() {
        for (method, op) in entry.operations.values_mut() {
            let Some(id) = op.get("operationId").and_then(Value::as_str).map(str::to_string) else {
                continue;
            };
            let mut unique = id.clone();
            let mut n = 2;
            while seen.contains(&unique) {
                unique = format!("{id}{n}");
                n += 1;
            }
            if unique != id {
                op["operationId"] = Value::String(unique.clone());
                if let Some(o) =
                    operations.iter_mut().find(|o| &o.path == path && o.method.eq_ignore_ascii_case(method))
                {
                    o.operation_id = unique.clone();
                }
            }
            seen.insert(unique);
        }
    }
}

fn path_parameter(p: &paths::PathParam) -> Value {
    let mut v = json!({
        "name": p.name,
        "in": "path",
        "description": p.description(),
        "required": true,
        "style": "simple",
        "schema": { "type": "string" }
    });
    if let Some(entity) = &p.entity {
        v["x-ms-docs-key-type"] = Value::String(entity.clone());
    }
    v
}

/// `spec/docs/message_send.md` → `https://learn.microsoft.com/graph/api/message-send?view=graph-rest-1.0`.
pub fn learn_url(file: &str) -> String {
    let stem = file.rsplit('/').next().unwrap_or(file).trim_end_matches(".md");
    format!(
        "https://learn.microsoft.com/graph/api/{}?view=graph-rest-1.0",
        stem.replace('_', "-").to_ascii_lowercase()
    )
}

fn operation(
    page: &Page,
    method: &str,
    template: &Template,
    operation_id: &str,
    schemas: &Schemas,
    answer: &Answer,
    say: &mut impl FnMut(Diagnostic),
) -> (Value, Vec<String>) {
    let mut op = Map::new();
    if let Some(title) = &page.title {
        op.insert("summary".into(), Value::String(title.clone()));
    }
    if let Some(d) = &page.description {
        op.insert("description".into(), Value::String(d.clone()));
    }
    op.insert(
        "externalDocs".into(),
        json!({ "description": "Find more info here", "url": learn_url(&page.file) }),
    );
    op.insert("operationId".into(), Value::String(operation_id.to_string()));

    let mut parameters = Vec::new();
    // Query parameters the request line writes come first, described by the query table when it has them.
    for q in &template.query {
        let documented = page.query_parameters.iter().find(|p| &p.name == q);
        let description = documented
            .map(|d| d.description.clone())
            .filter(|d| !d.is_empty())
            .unwrap_or_else(|| format!("The {q} query option the page shows in its request line"));
        let required = template.required_query.contains(q) || documented.is_some_and(|d| d.required);
        // A value the request line writes as `true` or `false` makes the option a flag.
        let written = template.query.iter().position(|n| n == q).and_then(|i| template.query_values.get(i));
        let flag = written.is_some_and(|v| v == "true" || v == "false");
        let schema = documented
            .and_then(|d| schemas::primitive(&d.type_name))
            .unwrap_or_else(|| json!({ "type": if flag { "boolean" } else { "string" } }));
        let mut parameter = json!({
            "name": q, "in": "query", "description": description,
            "style": "form", "explode": false, "schema": schema
        });
        if required {
            parameter["required"] = Value::Bool(true);
        }
        parameters.push(parameter);
    }
    for q in page.query_parameters.iter().filter(|q| !template.query.contains(&q.name)) {
        // Query values are text on the wire; a type the page names is kept when it is a primitive.
        let schema = schemas::primitive(&q.type_name).unwrap_or_else(|| json!({ "type": "string" }));
        parameters.push(json!({
            "name": q.name, "in": "query", "description": q.description, "required": q.required,
            "style": "form", "explode": false, "schema": schema
        }));
    }
    for h in &page.request_headers {
        // Transport headers are the client's job, not the caller's.
        if ["authorization", "content-length", "content-type", "host"]
            .contains(&h.name.to_ascii_lowercase().as_str())
        {
            continue;
        }
        if !h.name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') || h.name.is_empty() {
            continue;
        }
        parameters.push(json!({
            "name": h.name, "in": "header", "description": h.description, "required": h.required,
            "schema": { "type": "string" }
        }));
    }
    // OData's system query options, as Microsoft's own OpenAPI declares them on every GET: all of them on a
    // collection, `$select` and `$expand` on one object. Options the page documents keep its wording.
    if method.eq_ignore_ascii_case("GET") {
        let collection = answer.collection;
        for option in odata_options(collection.unwrap_or(false)) {
            let name = option["name"].as_str().unwrap_or_default().to_string();
            match parameters.iter_mut().find(|p| p["name"] == name.as_str()) {
                Some(existing) => existing["schema"] = option["schema"].clone(),
                None if collection.is_some() => parameters.push(option),
                None => {}
            }
        }
    }
    if !parameters.is_empty() {
        op.insert("parameters".into(), Value::Array(parameters));
    }
    if let Some(body) = request_body_schema(page, method, template, schemas, say) {
        op.insert("requestBody".into(), body);
    }

    let (status, reason) = match &page.success {
        Some(s) => (s.status.to_string(), s.reason.clone()),
        None => ("2XX".to_string(), "Success".to_string()),
    };
    let mut responses = Map::new();
    let mut success =
        json!({ "description": if reason.is_empty() { "Success".to_string() } else { reason } });
    if let Some(content) = &answer.content {
        success["content"] = content.clone();
    }
    responses.insert(status.clone(), success);
    responses.insert("4XX".into(), json!({ "$ref": "#/components/responses/error" }));
    responses.insert("5XX".into(), json!({ "$ref": "#/components/responses/error" }));
    op.insert("responses".into(), Value::Object(responses));

    let permissions = page.permissions_for(template);
    let least = permissions
        .iter()
        .find(|p| {
            matches!(p.kind, PermissionKind::DelegatedWork | PermissionKind::Unspecified)
                && !p.scopes.is_empty()
        })
        .or_else(|| permissions.iter().find(|p| !p.scopes.is_empty()))
        .and_then(|p| p.scopes.first());
    if let Some(scope) = least {
        op.insert("security".into(), json!([{ SECURITY_SCHEME: [scope] }]));
    }
    if !permissions.is_empty() {
        let mut perms = Map::new();
        for p in &permissions {
            perms.insert(p.kind.as_str().to_string(), json!(p.scopes));
        }
        op.insert("x-ms-permissions".into(), Value::Object(perms));
    }
    op.insert("x-ms-docs-source".into(), Value::String(page.file.clone()));
    let kind = match template.segments.last() {
        Some(Segment::Mixed { .. }) => "function",
        Some(Segment::Literal(l)) if is_action_segment(l) => "action",
        _ => "operation",
    };
    op.insert("x-ms-docs-operation-type".into(), Value::String(kind.into()));
    (Value::Object(op), vec![status, "4XX".into(), "5XX".into()])
}

/// Resource schemas, the collection responses operations use, then Graph's error schemas; sorted by name so
/// the YAML diff of a new page is local.
fn all_schemas(schemas: &Schemas, collections: BTreeMap<String, Value>) -> Value {
    let mut all: BTreeMap<String, Value> = BTreeMap::new();
    for (k, v) in &schemas.schemas {
        all.insert(k.clone(), v.clone());
    }
    all.extend(collections);
    if let Value::Object(errors) = error_schemas() {
        all.extend(errors);
    }
    Value::Object(all.into_iter().collect())
}

fn error_schemas() -> Value {
    let main = "microsoft.graph.ODataErrors.MainError";
    let details = "microsoft.graph.ODataErrors.ErrorDetails";
    let inner = "microsoft.graph.ODataErrors.InnerError";
    json!({
        (ERROR_SCHEMA): {
            "title": "ODataError",
            "required": ["error"],
            "type": "object",
            "properties": { "error": { "$ref": format!("#/components/schemas/{main}") } }
        },
        (main): {
            "title": "MainError",
            "required": ["code", "message"],
            "type": "object",
            "properties": {
                "code": { "type": "string" },
                "message": { "type": "string" },
                "target": { "type": "string", "nullable": true },
                "details": { "type": "array", "items": { "$ref": format!("#/components/schemas/{details}") } },
                "innerError": { "$ref": format!("#/components/schemas/{inner}") }
            }
        },
        (details): {
            "title": "ErrorDetails",
            "required": ["code", "message"],
            "type": "object",
            "properties": {
                "code": { "type": "string" },
                "message": { "type": "string" },
                "target": { "type": "string", "nullable": true }
            }
        },
        (inner): {
            "title": "InnerError",
            "type": "object",
            "description": "Open: Graph adds fields over time. `date` is kept as text, since Graph's format varies.",
            "properties": {
                "request-id": { "type": "string", "nullable": true },
                "client-request-id": { "type": "string", "nullable": true },
                "date": { "type": "string", "nullable": true }
            },
            "additionalProperties": true
        }
    })
}

/// The JSON request body. A table of the resource's own properties (PATCH, or POST to a collection) is the
/// resource itself (`$ref`), so an update sends only the fields set, typed as the resource types them. An
/// action's parameters are an inline object, `required` as [`parameter_required`] reads the table. Prose naming an object ("supply a JSON
/// representation of a message object") is that object. `None` when the page documents no body.
fn request_body_schema(
    page: &Page,
    method: &str,
    template: &Template,
    schemas: &Schemas,
    say: &mut impl FnMut(Diagnostic),
) -> Option<Value> {
    let body = page.request_body.as_ref()?;
    let resource_ref = |qualified: &str| {
        let short = qualified.rsplit('.').next().unwrap_or(qualified);
        let article = if short.starts_with(['a', 'e', 'i', 'o', 'u']) { "An" } else { "A" };
        json!({
            "description": format!("{article} {short} object"),
            "content": { "application/json": { "schema": { "$ref": format!("{}{qualified}", schemas::PREFIX) } } },
            "required": true
        })
    };
    if !body.properties.is_empty() {
        let is_action = matches!(template.segments.last(), Some(Segment::Literal(l)) if is_action_segment(l))
            || matches!(template.segments.last(), Some(Segment::Mixed { .. }));
        if !is_action {
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
        let mut props = Map::new();
        let mut required = Vec::new();
        for p in &body.properties {
            let (type_name, collection) = crate::reader::resource::parse_type(&p.type_name);
            let mut schema = schemas::type_schema(&schemas.catalog, &type_name, collection);
            if schema.get("$ref").is_some() {
                schema = json!({ "allOf": [schema] });
            }
            if !p.description.is_empty() {
                schema["description"] = Value::String(p.description.clone());
            }
            if parameter_required(&p.description, body.properties.len()) {
                required.push(Value::String(p.name.clone()));
            }
            props.insert(p.name.clone(), schema);
        }
        let mut schema = json!({ "type": "object", "properties": props });
        if !required.is_empty() {
            schema["required"] = Value::Array(required);
        }
        return Some(json!({
            "description": "Action parameters",
            "content": { "application/json": { "schema": schema } },
            "required": true
        }));
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

/// What an operation answers on success: the `content` of its 2xx response, and whether that is a
/// collection (`None` when the page documents no body).
#[derive(Debug, Default)]
pub struct Answer {
    pub content: Option<Value>,
    pub collection: Option<bool>,
}

/// The success body of one endpoint. Raw content (`…/$value`) is bytes of the media type the example shows
/// (`text/plain` for a message's MIME), else `application/octet-stream`. Otherwise the Response prose names
/// the type, and the endpoint's example response (`@odata.context`, `@odata.type`) is the second source: used
/// when the prose names none, compared when it does, with a warning naming both lines when they disagree. A
/// body the page documents but the spec cannot type is a warning, never silently left out.
fn answer(
    page: &Page,
    endpoint: &crate::reader::page::Endpoint,
    template: &Template,
    schemas: &Schemas,
    collections: &mut BTreeMap<String, Value>,
    say: &mut impl FnMut(Diagnostic),
) -> Answer {
    let example = matching_response(page, endpoint, template);
    if template.last_literal() == Some("$value") {
        let media = example
            .and_then(|e| e.body.content_type.clone())
            .filter(|m| !m.contains("json"))
            .unwrap_or_else(|| "application/octet-stream".to_string());
        if !endpoint.method.eq_ignore_ascii_case("GET") {
            return Answer::default();
        }
        return Answer {
            content: Some(json!({ (media): { "schema": { "type": "string", "format": "binary" } } })),
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
        Typed::Inline(schema) => schema,
    };
    Answer {
        content: Some(json!({ "application/json": { "schema": schema } })),
        collection: Some(collection),
    }
}

enum Typed {
    /// A resource schema, by its qualified name.
    Ref(String),
    Inline(Value),
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
    body: &crate::reader::page::ResponseBody,
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
            let value = if collection { json!({ "type": "array", "items": primitive }) } else { primitive };
            Ok((
                Typed::Inline(json!({
                    "type": "object",
                    "required": ["value"],
                    "properties": { "value": value }
                })),
                false,
                None,
            ))
        }
        None => Err(format!(
            "the Response prose names `{type_name}`, which has no resource page in spec/docs/resources"
        )),
    }
}

/// A `$ref` to a resource schema, or to its collection response (`value`, `@odata.nextLink`,
/// `@odata.deltaLink`), shared as `<type>CollectionResponse`.
fn type_ref(qualified: &str, collection: bool, collections: &mut BTreeMap<String, Value>) -> Value {
    let item = json!({ "$ref": format!("{}{qualified}", schemas::PREFIX) });
    if !collection {
        return item;
    }
    let name = format!("{qualified}CollectionResponse");
    collections.entry(name.clone()).or_insert_with(|| {
        json!({
            "title": format!("Collection of {}", qualified.rsplit('.').next().unwrap_or(qualified)),
            "type": "object",
            "properties": {
                "value": { "type": "array", "items": item },
                "@odata.nextLink": { "type": "string", "nullable": true },
                "@odata.deltaLink": { "type": "string", "nullable": true },
                "@odata.count": { "type": "integer", "format": "int64", "nullable": true }
            }
        })
    });
    json!({ "$ref": format!("{}{name}", schemas::PREFIX) })
}

/// The example response whose request is this endpoint: same method, and the request URL's segments fit the
/// template (literals equal, any value where the template has a key).
fn matching_response<'a>(
    page: &'a Page,
    endpoint: &crate::reader::page::Endpoint,
    template: &Template,
) -> Option<&'a crate::reader::page::HttpExample> {
    use crate::reader::page::ExampleKind;
    let mut request: Option<&crate::reader::page::HttpExample> = None;
    for e in &page.examples {
        match e.kind {
            ExampleKind::Request => request = Some(e),
            ExampleKind::Response => {
                let fits = request.take().is_some_and(|r| request_fits(&r.first_line, endpoint, template));
                if fits {
                    return Some(e);
                }
            }
        }
    }
    None
}

fn request_fits(first_line: &str, endpoint: &crate::reader::page::Endpoint, template: &Template) -> bool {
    let Some((method, url)) = crate::reader::page::parse_request_line(first_line) else { return false };
    if !method.eq_ignore_ascii_case(&endpoint.method) {
        return false;
    }
    let Ok(example) = paths::normalise(&url) else { return false };
    example.segments.len() == template.segments.len()
        && template.segments.iter().zip(&example.segments).all(|(t, e)| match (t, e) {
            (Segment::Literal(a), Segment::Literal(b)) => a.eq_ignore_ascii_case(b),
            (Segment::Literal(_), _) => false,
            _ => true,
        })
}

/// The type an example response shows: its top-level `@odata.type`, else what its `@odata.context` names
/// (`#Collection(microsoft.graph.x)`, `#users('…')/messages/$entity`, `#users('…')/mailFolders`). `None`
/// when neither names a type the spec has.
fn example_type(
    body: &crate::reader::page::ExampleBody,
    catalog: &schemas::Catalog,
) -> Option<(String, bool)> {
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

/// OData system query options with their types: `$top` and `$skip` are counts, `$count` a flag, `$select`,
/// `$expand` and `$orderby` comma-separated lists.
pub fn odata_options(collection: bool) -> Vec<Value> {
    let list = |name: &str, what: &str| {
        json!({
            "name": name, "in": "query", "description": what, "style": "form", "explode": false,
            "schema": { "type": "array", "uniqueItems": true, "items": { "type": "string" } }
        })
    };
    let text = |name: &str, what: &str| {
        json!({ "name": name, "in": "query", "description": what, "style": "form", "explode": false,
                "schema": { "type": "string" } })
    };
    let count = |name: &str, what: &str| {
        json!({ "name": name, "in": "query", "description": what, "style": "form", "explode": false,
                "schema": { "type": "integer", "format": "int32", "minimum": 0 } })
    };
    let mut out =
        vec![list("$select", "Select properties to be returned"), list("$expand", "Expand related entities")];
    if collection {
        out.extend([
            count("$top", "Show only the first n items"),
            count("$skip", "Skip the first n items"),
            text("$search", "Search items by search phrases"),
            text("$filter", "Filter items by property values"),
            json!({ "name": "$count", "in": "query", "description": "Include count of items",
                    "style": "form", "explode": false, "schema": { "type": "boolean" } }),
            list("$orderby", "Order items by property values"),
        ]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_at_names_the_page_and_request_line_of_the_operation_at_fault() {
        let document = serde_json::json!({
            "paths": {
                "/me/messages/{message-id}": {
                    "get": {
                        "operationId": "me.messages.get",
                        "parameters": [{"name": "message-id", "in": "path"}],
                        "responses": {"200": {"$ref": "#/components/responses/missing"}}
                    }
                }
            },
            "components": {"schemas": {"x": {"$ref": "#/components/schemas/gone"}}}
        });
        let page = Page {
            file: "spec/docs/message-get.md".into(),
            endpoints: vec![crate::reader::page::Endpoint {
                method: "GET".into(),
                path: "/me/messages/{id}".into(),
                line: 17,
            }],
            ..Page::default()
        };
        let operations = [BuiltOperation {
            file: page.file.clone(),
            method: "get".into(),
            path: "/me/messages/{message-id}".into(),
            operation_id: "me.messages.get".into(),
            responses: vec!["200".into()],
            endpoint: 0,
        }];
        let found: Vec<String> = check_at(&document, &operations, &[page], "spec/openapi.yaml")
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            found,
            [
                "spec/docs/message-get.md:17: error: `$ref: #/components/responses/missing` does not resolve",
                "spec/openapi.yaml:1: error: `$ref: #/components/schemas/gone` does not resolve",
            ]
        );
    }

    #[test]
    fn operation_ids_follow_the_path() {
        let id = |m: &str, p: &str| operation_id(&paths::normalise(p).expect("path"), m);
        assert_eq!(id("POST", "/me/messages/{id}/send"), "me.messages.message.send");
        assert_eq!(
            id("POST", "/users/{id | userPrincipalName}/messages/{id}/send"),
            "users.user.messages.message.send"
        );
        assert_eq!(id("GET", "/me/messages"), "me.messages.list");
        assert_eq!(id("POST", "/me/messages"), "me.messages.create");
        assert_eq!(id("GET", "/me/messages/{id}"), "me.messages.message.get");
        assert_eq!(id("PATCH", "/me/messages/{id}"), "me.messages.message.update");
        assert_eq!(id("DELETE", "/me/messages/{id}"), "me.messages.message.delete");
    }

    #[test]
    fn check_finds_unresolved_refs_and_undeclared_params() {
        let doc = json!({
            "paths": {
                "/a/{x-id}": {
                    "get": { "operationId": "a", "responses": { "200": { "$ref": "#/components/responses/missing" } } }
                },
                "/b": { "get": { "operationId": "a", "responses": {} } }
            },
            "components": {}
        });
        let problems = check(&doc);
        assert!(problems.iter().any(|p| p.contains("`x-id` is declared 0 times")), "{problems:?}");
        assert!(problems.iter().any(|p| p.contains("operationId `a` is used by both")), "{problems:?}");
        assert!(problems.iter().any(|p| p.contains("#/components/responses/missing")), "{problems:?}");
    }

    #[test]
    fn learn_urls() {
        assert_eq!(
            learn_url("spec/docs/message_send.md"),
            "https://learn.microsoft.com/graph/api/message-send?view=graph-rest-1.0"
        );
    }
}
