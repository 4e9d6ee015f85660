//! The generator's IR: operations read from the OpenAPI document, arranged as a resource tree.
//!
//! The tree is built from path segments. Nodes whose subtrees have the same shape share one Rust type, so
//! `/me/messages/{message-id}/send` and `/users/{user-id}/messages/{message-id}/send` both hang off one `User`
//! type and the caller writes `client.me().message(id).send()` or `client.user(upn).message(id).send()`.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use openapiv3::{OpenAPI, Parameter, ParameterSchemaOrContent, ReferenceOr, StatusCode};

use crate::bodies::Body;
use crate::rules;
use crate::Error;

/// One operation of the spec, with what the emitter needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operation {
    pub path: String,
    pub method: String,
    pub operation_id: String,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub docs_url: Option<String>,
    pub scopes: Vec<String>,
    pub query: Vec<Param>,
    pub headers: Vec<Param>,
    /// The request body: JSON of a type in the types module, or bytes.
    pub request_body: Option<crate::bodies::Body>,
    pub request_body_required: bool,
    /// Bytes the request may send instead of its JSON body (Graph's MIME content).
    pub request_alternative: Option<crate::bodies::Alternative>,
    /// The success response body; `None` when the success response has no content.
    pub response_body: Option<crate::bodies::Body>,
    /// For a collection response: the Rust type of its items, which `.items()` streams page after page.
    pub response_item: Option<String>,
    /// Every path of the spec this operation stands for once nodes are unified (sorted, its own first).
    pub documented: Vec<String>,
    pub success: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param {
    pub name: String,
    pub required: bool,
    pub description: Option<String>,
    pub kind: ParamKind,
}

/// How a query or header value is typed in Rust, from its schema; anything else is text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ParamKind {
    Text,
    Integer,
    Boolean,
    /// An array sent comma-separated (`style: form, explode: false`), as OData's `$select=a,b`.
    List,
}

fn param_kind(spec: &OpenAPI, format: &ParameterSchemaOrContent) -> ParamKind {
    let ParameterSchemaOrContent::Schema(schema) = format else { return ParamKind::Text };
    let schema = match schema {
        ReferenceOr::Item(schema) => Some(schema),
        ReferenceOr::Reference { reference } => reference
            .strip_prefix("#/components/schemas/")
            .and_then(|name| spec.components.as_ref()?.schemas.get(name))
            .and_then(ReferenceOr::as_item),
    };
    let Some(schema) = schema else { return ParamKind::Text };
    match &schema.schema_kind {
        openapiv3::SchemaKind::Type(openapiv3::Type::Integer(_)) => ParamKind::Integer,
        openapiv3::SchemaKind::Type(openapiv3::Type::Boolean(_)) => ParamKind::Boolean,
        openapiv3::SchemaKind::Type(openapiv3::Type::Array(_)) => ParamKind::List,
        _ => ParamKind::Text,
    }
}

/// One segment along a path.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Edge {
    Literal(String),
    /// A whole-segment parameter: its OpenAPI name.
    Param(String),
    /// A segment of text around parameters, such as a function call (`getSchedule(period='{period}')`):
    /// `texts` has one more element than `params`, and they alternate text, param, text.
    Template {
        texts: Vec<String>,
        params: Vec<String>,
    },
}

impl Edge {
    /// The name a template segment's accessor or method takes: its text up to the first `(`, `{` or `:`.
    pub fn template_stem(texts: &[String]) -> String {
        rules::segment_stem(texts.first().map(String::as_str).unwrap_or("")).to_string()
    }
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Node {
    pub children: BTreeMap<Edge, Node>,
    /// Operations on exactly this path, by lowercase method; shared, since unifying copies subtrees to every
    /// place an entity appears and an operation is only copied when one place adds to what it documents.
    pub operations: BTreeMap<String, Arc<Operation>>,
}

/// Reads every operation. Schema names for bodies are resolved by [`crate::types`] beforehand and passed in
/// as `body_types` (operationId → (request type, response type)).
pub fn operations(
    spec: &OpenAPI,
    body_types: &BTreeMap<String, crate::bodies::Bodies>,
) -> Result<Vec<Operation>, Error> {
    let mut out = Vec::new();
    for (path, item) in spec.paths.paths.iter() {
        let ReferenceOr::Item(item) = item else {
            return Err(Error::Unsupported {
                place: path.clone(),
                what: "a path item given as a `$ref`".into(),
            });
        };
        for (method, op) in item.iter() {
            let operation_id = op.operation_id.clone().ok_or_else(|| Error::Invalid {
                place: format!("{} {path}", method.to_ascii_uppercase()),
                why: "the operation has no operationId".into(),
            })?;
            let mut query = Vec::new();
            let mut headers = Vec::new();
            let own: Vec<&Parameter> =
                op.parameters.iter().map(|p| parameter(spec, p, &operation_id)).collect::<Result<_, _>>()?;
            let shared: Vec<&Parameter> = item
                .parameters
                .iter()
                .map(|p| parameter(spec, p, &operation_id))
                .collect::<Result<_, _>>()?;
            // An operation's parameter overrides the path's of the same name and place (OpenAPI 3.0).
            let overridden = |p: &Parameter| {
                own.iter().any(|o| {
                    o.parameter_data_ref().name == p.parameter_data_ref().name
                        && std::mem::discriminant(*o) == std::mem::discriminant(p)
                })
            };
            let all: Vec<&Parameter> =
                own.iter().copied().chain(shared.iter().copied().filter(|p| !overridden(p))).collect();
            for p in all {
                let (data, list) = match p {
                    Parameter::Query { parameter_data, .. } => (parameter_data, &mut query),
                    Parameter::Header { parameter_data, .. } => (parameter_data, &mut headers),
                    Parameter::Path { .. } | Parameter::Cookie { .. } => continue,
                };
                if let ParameterSchemaOrContent::Content(_) = data.format {
                    return Err(Error::Unsupported {
                        place: operation_id.clone(),
                        what: format!("parameter `{}` described by `content`", data.name),
                    });
                }
                list.push(Param {
                    name: data.name.clone(),
                    required: data.required,
                    description: data.description.clone(),
                    kind: param_kind(spec, &data.format),
                });
            }
            let scopes = op.security.iter().flatten().flat_map(|req| req.values()).flatten().cloned().fold(
                Vec::new(),
                |mut acc: Vec<String>, s| {
                    if !acc.contains(&s) {
                        acc.push(s);
                    }
                    acc
                },
            );
            let success: Vec<String> = op
                .responses
                .responses
                .keys()
                .filter(|code| match code {
                    StatusCode::Code(c) => (200..300).contains(c),
                    StatusCode::Range(r) => *r == 2,
                })
                .map(|c| c.to_string())
                .collect();
            let bodies = body_types.get(&operation_id).cloned().unwrap_or_default();
            let (request_body, response_body, response_item, request_alternative) =
                (bodies.request, bodies.response, bodies.item, bodies.alternative);
            let request_body_required = match &op.request_body {
                Some(ReferenceOr::Item(b)) => b.required,
                Some(ReferenceOr::Reference { .. }) => true,
                None => false,
            };
            out.push(Operation {
                path: path.clone(),
                method: method.to_string(),
                operation_id,
                summary: op.summary.clone(),
                description: op.description.clone(),
                docs_url: op.external_docs.as_ref().map(|d| d.url.clone()),
                scopes,
                query,
                headers,
                request_body,
                request_body_required,
                request_alternative,
                response_body,
                response_item,
                documented: vec![path.clone()],
                success,
            });
        }
    }
    Ok(out)
}

/// A parameter, following `$ref`s into `components/parameters` (in any spec, not only ours).
fn parameter<'a>(
    spec: &'a OpenAPI,
    mut p: &'a ReferenceOr<Parameter>,
    operation_id: &str,
) -> Result<&'a Parameter, Error> {
    // A chain of references longer than this is a loop.
    for _ in 0..16 {
        match p {
            ReferenceOr::Item(item) => return Ok(item),
            ReferenceOr::Reference { reference } => {
                let target = reference
                    .strip_prefix("#/components/parameters/")
                    .and_then(|name| spec.components.as_ref()?.parameters.get(name));
                p = target.ok_or_else(|| Error::Invalid {
                    place: operation_id.to_string(),
                    why: format!("parameter `$ref: {reference}` does not resolve"),
                })?;
            }
        }
    }
    Err(Error::Invalid { place: operation_id.to_string(), why: "parameter `$ref`s form a loop".into() })
}

/// Splits a path into edges; a segment with text around a parameter is not supported by the tree.
pub fn edges(path: &str, operation_id: &str) -> Result<Vec<Edge>, Error> {
    let invalid = |why: String| Error::Invalid { place: operation_id.into(), why };
    let mut out = Vec::new();
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        if segment.starts_with('{') && segment.ends_with('}') {
            match rules::whole_placeholder(segment) {
                Some(name) if !name.is_empty() => out.push(Edge::Param(name.to_string())),
                _ => return Err(invalid(format!("path `{path}` has a malformed parameter"))),
            }
        } else if segment == "." || segment == ".." {
            // URL normalisation removes dot segments, so the request would go to another resource.
            return Err(invalid(format!("path `{path}` has a `{segment}` segment")));
        } else if segment.contains(['{', '}']) {
            let split = rules::placeholders(segment).map_err(|_| {
                invalid(format!("path `{path}`: segment `{segment}` opens `{{` without closing it"))
            })?;
            if split.params.iter().any(|p| p.is_empty() || p.contains('{')) {
                return Err(invalid(format!("path `{path}` has a malformed parameter")));
            }
            if split.texts.iter().any(|t| t.contains('}')) {
                return Err(invalid(format!(
                    "path `{path}`: segment `{segment}` closes `}}` without opening it"
                )));
            }
            out.push(Edge::Template {
                texts: split.texts.iter().map(|t| t.to_string()).collect(),
                params: split.params.iter().map(|p| p.to_string()).collect(),
            });
        } else {
            out.push(Edge::Literal(segment.to_string()));
        }
    }
    Ok(out)
}

pub fn tree(operations: Vec<Operation>) -> Result<Node, Error> {
    let mut root = Node::default();
    for op in operations {
        let mut node = &mut root;
        for edge in edges(&op.path, &op.operation_id)? {
            node = node.children.entry(edge).or_default();
        }
        if node.operations.contains_key(&op.method) {
            return Err(Error::Invalid {
                place: op.operation_id,
                why: format!("`{}` is defined twice", op.path),
            });
        }
        node.operations.insert(op.method.clone(), Arc::new(op));
    }
    Ok(root)
}

/// What a path segment is to a caller; every name is decided from it (README, "Names").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A set of items (`messages`): it has a key under it, or its GET answers a collection. `list`/`create`.
    Collection,
    /// One item by its key (`{message-id}`): reached as `message(id)`. `get`/`update`/`delete`.
    Item,
    /// One object without a key (`mailboxSettings`, `outlook`, `$value`). `get`/`update`/`set`.
    Singleton,
    /// A POST-only leaf (`send`, `move`): a method of its parent.
    Action,
    /// A GET-only leaf (`delta`) or a call with arguments (`getSchedule(period='{period}')`): a method of its
    /// parent, or an accessor when paths go on below it.
    Function,
}

/// The role of the segment `edge` leading to `node`.
pub fn role(edge: &Edge, node: &Node) -> Role {
    let collection = node.children.keys().any(|e| matches!(e, Edge::Param(_)))
        || node.operations.get("get").is_some_and(|op| op.response_item.is_some());
    match edge {
        Edge::Param(_) => Role::Item,
        Edge::Template { .. } => Role::Function,
        Edge::Literal(_) if collection => Role::Collection,
        // `$value`, `$count`, `$ref` are properties of their parent, whatever their methods.
        Edge::Literal(l) if l.starts_with('$') => Role::Singleton,
        Edge::Literal(_) if node.children.is_empty() && !node.operations.is_empty() => {
            if node.operations.keys().all(|m| m == "post") {
                Role::Action
            } else if node.operations.keys().all(|m| m == "get") {
                Role::Function
            } else {
                Role::Singleton
            }
        }
        Edge::Literal(_) => Role::Singleton,
    }
}

/// Whether the segment is reached by a method of its parent rather than through a type of its own.
pub fn is_method(edge: &Edge, node: &Node) -> bool {
    node.children.is_empty() && matches!(role(edge, node), Role::Action | Role::Function)
}

/// The path parameters the spec declares as an entity's key (`x-ms-docs-key-type`).
pub fn entity_keys(spec: &OpenAPI) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for item in spec.paths.paths.values() {
        let ReferenceOr::Item(item) = item else { continue };
        let ops = item.iter().flat_map(|(_, op)| op.parameters.iter());
        for p in item.parameters.iter().chain(ops) {
            if let Ok(Parameter::Path { parameter_data, .. }) = parameter(spec, p, "") {
                if parameter_data.extensions.contains_key("x-ms-docs-key-type") {
                    out.insert(parameter_data.name.clone());
                }
            }
        }
    }
    out
}

/// Makes every place an entity is addressed offer the same API, as Graph does: all nodes reached through the
/// same key (`{message-id}` under `/me/messages`, `/users/{user-id}/messages`,
/// `/me/mailFolders/{mailFolder-id}/messages`) get the union of what each of them documents, and so does
/// each alias (`/me` for `/users/{user-id}`). Pages often document an operation at some of these places
/// only; the union lets `client.me()` and `client.user(id)` share one type. Operations keep the list of paths
/// the spec documents them at, for their docs.
pub fn unify(root: &mut Node, aliases: &[(String, String)], entity_keys: &BTreeSet<String>) {
    // Unifying one key changes the subtrees of others; a few rounds reach the fixed point.
    let mut before = shape(root);
    for _ in 0..8 {
        let mut keys: Vec<String> = Vec::new();
        collect_keys(root, &mut keys);
        // Only keys the spec marks as an entity's (`x-ms-docs-key-type`, Graph's convention) or that an alias
        // names: in other specs one parameter name may well index two different things.
        keys.retain(|k| entity_keys.contains(k) || aliases.iter().any(|(_, target)| target == k));
        for key in keys {
            let mut union = Node::default();
            gather(root, &Edge::Param(key.clone()), &mut union);
            for (alias, target) in aliases {
                if *target == key {
                    if let Some(node) = root.children.get(&Edge::Literal(alias.clone())) {
                        merge(&mut union, node);
                    }
                }
            }
            replace(root, &Edge::Param(key.clone()), &union);
            for (alias, target) in aliases {
                if *target == key {
                    if let Some(node) = root.children.get_mut(&Edge::Literal(alias.clone())) {
                        if node != &union {
                            *node = union.clone();
                        }
                    }
                }
            }
        }
        let after = shape(root);
        if after == before {
            break;
        }
        before = after;
    }
}

fn collect_keys(node: &Node, out: &mut Vec<String>) {
    for (edge, child) in &node.children {
        if let Edge::Param(p) = edge {
            if !out.contains(p) {
                out.push(p.clone());
            }
        }
        collect_keys(child, out);
    }
}

fn gather(node: &Node, key: &Edge, union: &mut Node) {
    for (edge, child) in &node.children {
        if edge == key {
            merge(union, child);
        }
        gather(child, key, union);
    }
}

fn replace(node: &mut Node, key: &Edge, union: &Node) {
    for (edge, child) in node.children.iter_mut() {
        // Comparing costs less than a deep clone, and after the first round most places hold the union.
        if edge == key {
            if child != union {
                *child = union.clone();
            }
        } else {
            replace(child, key, union);
        }
    }
}

fn merge(into: &mut Node, from: &Node) {
    for (method, op) in &from.operations {
        match into.operations.get_mut(method) {
            Some(existing) => {
                // Raw content documented with different media types at different places (one page says
                // `text/plain`, another `application/octet-stream`): the union is what may come back.
                let more_media = match (&existing.response_body, &op.response_body) {
                    (Some(Body::Raw(have)), Some(Body::Raw(more))) => more.iter().any(|m| !have.contains(m)),
                    _ => false,
                };
                let more_paths = op.documented.iter().any(|p| !existing.documented.contains(p));
                if !more_media && !more_paths {
                    continue;
                }
                let existing = Arc::make_mut(existing);
                if let (Some(Body::Raw(have)), Some(Body::Raw(more))) =
                    (&mut existing.response_body, &op.response_body)
                {
                    for media_type in more {
                        if !have.contains(media_type) {
                            have.push(media_type.clone());
                        }
                    }
                }
                for p in &op.documented {
                    if !existing.documented.contains(p) {
                        existing.documented.push(p.clone());
                    }
                }
            }
            None => {
                into.operations.insert(method.clone(), op.clone());
            }
        }
    }
    for (edge, child) in &from.children {
        merge(into.children.entry(edge.clone()).or_default(), child);
    }
}

/// A cheap fingerprint of the tree: edges and methods, depth first.
fn shape(node: &Node) -> String {
    let mut s = String::new();
    for (m, op) in &node.operations {
        s.push_str(m);
        s.push_str(&op.documented.len().to_string());
        s.push(';');
    }
    for (e, c) in &node.children {
        s.push_str(&format!("{e:?}{{{}}}", shape(c)));
    }
    s
}
