//! The generator's IR: operations read from the OpenAPI document, arranged as a resource tree.
//!
//! The tree is built from path segments. Nodes whose subtrees have the same shape share one Rust type, so
//! `/me/messages/{message-id}/send` and `/users/{user-id}/messages/{message-id}/send` both hang off one `User`
//! type and the caller writes `client.me().message(id).send()` or `client.user(upn).message(id).send()`.

use std::collections::BTreeMap;

use openapiv3::{OpenAPI, Parameter, ParameterSchemaOrContent, ReferenceOr, StatusCode};

use crate::names;
use crate::Error;

/// One operation of the spec, with what the emitter needs.
#[derive(Debug, Clone)]
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
    /// The Rust type of the JSON request body, as a path inside the types module.
    pub request_body: Option<String>,
    pub request_body_required: bool,
    /// The Rust type of the success response body; `None` when the success response has no content.
    pub response_body: Option<String>,
    pub success: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param {
    pub name: String,
    pub required: bool,
    pub description: Option<String>,
}

/// One segment along a path.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Edge {
    Literal(String),
    /// A whole-segment parameter: its OpenAPI name.
    Param(String),
}

#[derive(Debug, Default)]
pub struct Node {
    pub children: BTreeMap<Edge, Node>,
    /// Operations on exactly this path, by lowercase method.
    pub operations: BTreeMap<String, Operation>,
}

/// Reads every operation. Schema names for bodies are resolved by [`crate::types`] beforehand and passed in
/// as `body_types` (operationId → (request type, response type)).
pub fn operations(
    spec: &OpenAPI,
    body_types: &BTreeMap<String, (Option<String>, Option<String>)>,
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
            for p in op.parameters.iter().chain(item.parameters.iter()) {
                let ReferenceOr::Item(p) = p else {
                    return Err(Error::Unsupported {
                        place: operation_id.clone(),
                        what: "a parameter given as a `$ref`".into(),
                    });
                };
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
            let (request_body, response_body) = body_types.get(&operation_id).cloned().unwrap_or_default();
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
                response_body,
                success,
            });
        }
    }
    Ok(out)
}

/// Splits a path into edges; a segment with text around a parameter is not supported by the tree.
pub fn edges(path: &str, operation_id: &str) -> Result<Vec<Edge>, Error> {
    let mut out = Vec::new();
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        if let Some(name) = segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            if name.contains(['{', '}']) || name.is_empty() {
                return Err(Error::Invalid {
                    place: operation_id.into(),
                    why: format!("path `{path}` has a malformed parameter"),
                });
            }
            out.push(Edge::Param(name.to_string()));
        } else if segment == "." || segment == ".." {
            // URL normalisation removes dot segments, so the request would go to another resource.
            return Err(Error::Invalid {
                place: operation_id.into(),
                why: format!("path `{path}` has a `{segment}` segment"),
            });
        } else if segment.contains(['{', '}']) {
            return Err(Error::Unsupported {
                place: operation_id.into(),
                what: format!("path `{path}`: segment `{segment}` mixes text and a parameter"),
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
        let method = op.method.clone();
        if node.operations.insert(method, op.clone()).is_some() {
            return Err(Error::Invalid {
                place: op.operation_id,
                why: format!("`{}` is defined twice", op.path),
            });
        }
    }
    Ok(root)
}

/// What a node's edge looks like to a caller: the accessors and action methods it gets.
pub fn is_action_leaf(node: &Node) -> bool {
    node.children.is_empty() && !node.operations.is_empty()
}

/// The method name of an operation on its own node: verbs from the HTTP method, as Graph's SDKs use them.
pub fn verb(method: &str, on_collection: bool) -> &'static str {
    match (method, on_collection) {
        ("get", true) => "list",
        ("get", false) => "get",
        ("post", true) => "create",
        ("post", false) => "post",
        ("patch", _) => "update",
        ("put", _) => "set",
        ("delete", _) => "delete",
        ("head", _) => "head",
        ("options", _) => "options",
        _ => "trace",
    }
}

/// `messages` → `message`: the accessor for one member of a collection.
pub fn singular(word: &str) -> String {
    let lower = word.to_ascii_lowercase();
    if lower.ends_with("ies") && word.len() > 3 {
        format!("{}y", &word[..word.len() - 3])
    } else if ["sses", "ches", "shes", "xes"].iter().any(|s| lower.ends_with(s)) {
        word[..word.len() - 2].to_string()
    } else if lower.ends_with('s') && !lower.ends_with("ss") && word.len() > 1 {
        word[..word.len() - 1].to_string()
    } else {
        word.to_string()
    }
}

/// The preferred type name of a param node: from its parameter name (`message-id` → `Message`).
pub fn param_type_name(param: &str) -> String {
    let base = param
        .strip_suffix("-id")
        .or_else(|| param.strip_suffix("_id"))
        .or_else(|| param.strip_suffix("Id"))
        .unwrap_or(param);
    let base = base.trim_end_matches(|c: char| c.is_ascii_digit());
    names::pascal(if base.is_empty() { param } else { base })
}
