//! The resolved API: the resource tree ([`crate::model`]) turned into what the client offers, with every
//! decision made — each resource type's name, each member's name and arguments, each request builder's name,
//! fields, setters and output, every doc line — before a token exists. [`crate::emit`] only prints it, as
//! progenitor's `OperationMethod` is resolved before `quote!`.
//!
//! The naming rules themselves are in [`crate::naming`]; this pass applies them in order, keeps names apart
//! (a name the type has already takes a trailing `_`; two that no rule tells apart fail with the path), and
//! proves that every operation of the spec found a place.

use std::collections::BTreeSet;

use crate::bodies::Body;
use crate::call_options::CALL_OPTION_SETTERS;
use crate::model::{self, Edge, Node, Operation, ParamKind};
use crate::names;
use crate::naming::{self, assign_types, collect, display_path, needs_type, Located, TypeTable};
use crate::Error;

/// The whole client API of a spec.
#[derive(Debug, Clone, Default)]
pub struct Api {
    /// The members the emitted code adds to the runtime's `Client`.
    pub client: Vec<Member>,
    /// The resource types, sorted by name.
    pub resources: Vec<Resource>,
}

impl Api {
    /// Every request builder, in the order its members appear (the client's first, then each resource's).
    pub fn requests(&self) -> impl Iterator<Item = (&str, &Request)> {
        let client = self.client.iter().map(|m| ("Client", m));
        let resources = self.resources.iter().flat_map(|r| r.members.iter().map(|m| (r.name.as_str(), m)));
        client.chain(resources).filter_map(|(owner, m)| match &m.kind {
            MemberKind::Operation(request) => Some((owner, &**request)),
            MemberKind::Accessor { .. } | MemberKind::Alternative(_) => None,
        })
    }
}

/// A resource type (`MessageRequest`): a client and a path, and the members that go on from there.
#[derive(Debug, Clone, Hash)]
pub struct Resource {
    pub name: String,
    pub doc: Vec<String>,
    pub members: Vec<Member>,
}

/// A method of the client or of a resource type.
#[derive(Debug, Clone, Hash)]
pub struct Member {
    /// The method's name, final (`message`, `send`, `builder_`).
    pub name: String,
    pub doc: Vec<String>,
    pub kind: MemberKind,
}

#[derive(Debug, Clone, Hash)]
pub enum MemberKind {
    /// Returns the resource type `target`, its path extended by `step`; the step's arguments are the method's.
    Accessor { target: String, step: Step },
    /// Returns a request builder.
    Operation(Box<Request>),
    /// Returns the request builder of the operation before it, sending the body's alternative (bytes, the
    /// method's last argument) instead of the JSON body that operation requires (`send_mail_mime`).
    Alternative(Box<Request>),
}

/// How a member extends the path it starts from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Step {
    /// A literal segment (`mailFolders`, `send`).
    Literal(String),
    /// A key, after a literal segment when `literal` is set (`messages/{message-id}`); `arg` is the Rust
    /// argument that carries it.
    Key { literal: Option<String>, param: String, arg: String },
    /// A segment of text around arguments (`getSchedule(period='{period}')`).
    Template { texts: Vec<String>, args: Vec<String> },
}

impl Step {
    /// The Rust arguments the step takes, each `impl Into<String>`.
    pub fn args(&self) -> &[String] {
        match self {
            Step::Literal(_) => &[],
            Step::Key { arg, .. } => std::slice::from_ref(arg),
            Step::Template { args, .. } => args,
        }
    }
}

/// One operation's request builder and the member that makes it.
#[derive(Debug, Clone, Hash)]
pub struct Request {
    /// The builder type (`MessageSendRequest`).
    pub builder: String,
    /// The HTTP method, upper case.
    pub http_method: String,
    /// The operation's name in traces and errors (`message.send`).
    pub op_name: String,
    /// The name the naming rules gave the method, before any `_` a clash added: the builder's doc says it.
    pub method_name: String,
    /// The path segment the member adds before the operation runs, if any (a leaf's literal or template).
    pub step: Option<Step>,
    pub body: Option<RequestBody>,
    /// Bytes the request may send instead of its JSON body: a setter when the body is optional, a method of
    /// its own ([`MemberKind::Alternative`]) when it is required.
    pub alternative: Option<Alternative>,
    /// Query parameters, then headers, in the spec's order.
    pub params: Vec<ParamField>,
    pub response: Response,
    /// For a collection: the Rust type of its items (`.items()`).
    pub item: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RequestBody {
    /// JSON of a type of the types module.
    Json { ty: String, required: bool },
    /// Bytes sent with this media type.
    Raw { media_type: String, required: bool },
}

/// A request body's alternative to JSON, as the builder offers it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Alternative {
    /// The setter's and the builder field's name (`mime`), from the schema's title, else `raw`.
    pub field: String,
    pub media_type: String,
    /// The bytes are sent base64-encoded.
    pub base64: bool,
    /// What the bytes are (the schema's description), for the setter's and the method's docs.
    pub doc: String,
}

/// What awaiting the request gives.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Response {
    Json(String),
    /// Bytes; `accept` is the `Accept` header's value (the media types the spec documents).
    Raw {
        accept: String,
    },
    Empty,
}

/// A query parameter or header, as a field of the builder.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ParamField {
    /// The field's and the setter's Rust name, unique in the builder.
    pub field: String,
    /// The name on the wire.
    pub wire: String,
    pub header: bool,
    pub required: bool,
    pub kind: ParamKind,
    /// The setter's doc line.
    pub doc: String,
}

/// Names a builder's own fields and methods take, which no parameter's field may.
const BUILDER_OWN: &[&str] =
    &["client", "path", "options", "body", "into_future", "into_operation", "items", "stream"];

/// Resolves the whole tree; `client_methods` are the names `Client` has already (the runtime's), which the
/// accessors on `Client` must not reuse.
pub fn resolve(
    root: &Node,
    client_methods: &BTreeSet<String>,
    schema_types: &BTreeSet<String>,
) -> Result<Api, Error> {
    let mut all = Vec::new();
    collect(root, Vec::new(), &mut all);
    let table = assign_types(root, &all, schema_types)?;
    let mut resolver = Resolver { table, builder_names: BTreeSet::new(), emitted: BTreeSet::new(), root };
    resolver.builder_names.extend(resolver.table.by_signature.values().cloned());
    resolver.builder_names.extend(names::RESERVED_TYPES.iter().map(|s| s.to_string()));
    resolver.builder_names.extend(schema_types.iter().cloned());

    let client = resolver.members(root, &[vec![]], "Client", client_methods)?;
    let mut ordered: Vec<(String, String)> =
        resolver.table.by_signature.iter().map(|(s, n)| (s.clone(), n.clone())).collect();
    ordered.sort_by(|a, b| a.1.cmp(&b.1));
    let mut resources = Vec::new();
    for (sig, name) in ordered {
        let paths = resolver.table.members[&sig].clone();
        let Some(node) = lookup(root, &paths[0]) else { continue };
        let shown: Vec<String> = paths.iter().map(|p| names::doc_text(&display_path(p))).collect();
        let doc = vec![
            format!("Requests on {}.", shown.join(", ")),
            String::new(),
            "Made by the accessors of its parent; cheap to clone. Nothing is sent until an operation is awaited."
                .into(),
        ];
        let members = resolver.members(node, &paths, &name, &BTreeSet::new())?;
        resources.push(Resource { name, doc, members });
    }
    // A node without a type or an accessor would drop its operations without a word; fail loudly instead.
    let mut everything = vec![Located { path: Vec::new(), node: root }];
    everything.extend(all);
    for l in &everything {
        for (method, op) in &l.node.operations {
            if !resolver.emitted.contains(&(l.path.clone(), method.clone())) {
                return Err(Error::Invalid {
                    place: op.operation_id.clone(),
                    why: format!(
                        "`{} {}` has no place in the resource tree; this is a generator bug",
                        method.to_ascii_uppercase(),
                        op.path
                    ),
                });
            }
        }
    }
    Ok(Api { client, resources })
}

fn lookup<'a>(root: &'a Node, path: &[Edge]) -> Option<&'a Node> {
    let mut node = root;
    for e in path {
        node = node.children.get(e)?;
    }
    Some(node)
}

fn with(path: &[Edge], edge: &Edge) -> Vec<Edge> {
    let mut p = path.to_vec();
    p.push(edge.clone());
    p
}

/// The paths a member stands for, as its docs show them.
fn shown(paths: &[Vec<Edge>]) -> String {
    paths.iter().map(|p| names::doc_text(&display_path(p))).collect::<Vec<_>>().join(", ")
}

struct Resolver<'a> {
    table: TypeTable,
    /// Every type name taken so far: resources, the runtime's, schema types, request builders.
    builder_names: BTreeSet<String>,
    /// Every (path, method) an operation was resolved for, to prove that none was left out.
    emitted: BTreeSet<(Vec<Edge>, String)>,
    /// The tree, to find every place an operation of a shared type is documented at.
    root: &'a Node,
}

impl Resolver<'_> {
    fn type_of(&self, node: &Node) -> Option<String> {
        self.table.by_signature.get(&self.table.signatures.get(node)).cloned()
    }

    /// The accessors and operations of a node; `paths` are all the places this type stands for, used in docs;
    /// `taken` are method names the type has already.
    fn members(
        &mut self,
        node: &Node,
        paths: &[Vec<Edge>],
        owner: &str,
        taken: &BTreeSet<String>,
    ) -> Result<Vec<Member>, Error> {
        let mut out: Vec<Member> = Vec::new();
        let on_collection = match paths.first().and_then(|p| p.last()) {
            Some(edge) => model::role(edge, node) == model::Role::Collection,
            None => false,
        };

        // Operations on the node itself: get, list, update, delete, …
        for (method, op) in &node.operations {
            let name = naming::operation_name(method, op, on_collection);
            out.extend(self.operation(op, name, owner, paths, None)?);
        }

        for (edge, child) in &node.children {
            let child_paths: Vec<Vec<Edge>> = paths.iter().map(|p| with(p, edge)).collect();
            match edge {
                Edge::Literal(l) => {
                    if model::is_method(edge, child) {
                        for (method, op) in &child.operations {
                            let name = naming::leaf_method(l, method, child.operations.len());
                            let step = Step::Literal(l.clone());
                            out.extend(self.operation(op, name, owner, &child_paths, Some(step))?);
                        }
                        continue;
                    }
                    // `messages/{message-id}` → `message(id)`.
                    for (key_edge, key_node) in &child.children {
                        let Edge::Param(p) = key_edge else { continue };
                        let Some(target) = self.type_of(key_node) else { continue };
                        let keyed: Vec<Vec<Edge>> = child_paths.iter().map(|c| with(c, key_edge)).collect();
                        out.push(Member {
                            name: naming::item_accessor(node, l),
                            doc: vec![
                                format!("One item by its key: {}.", shown(&keyed)),
                                String::new(),
                                "The key is sent as one path segment, percent-encoded; an empty key, `.` and `..` are refused when the request runs.".into(),
                            ],
                            kind: MemberKind::Accessor {
                                target,
                                step: Step::Key { literal: Some(l.clone()), param: p.clone(), arg: names::snake(p) },
                            },
                        });
                    }
                    if needs_type(edge, child) {
                        if let Some(target) = self.type_of(child) {
                            out.push(Member {
                                name: names::snake(l),
                                doc: vec![format!(
                                    "The {} segment and what lies under it.",
                                    shown(&child_paths)
                                )],
                                kind: MemberKind::Accessor { target, step: Step::Literal(l.clone()) },
                            });
                        }
                    }
                }
                Edge::Template { texts, params } => {
                    let base = naming::template_base(node, texts);
                    let step = Step::Template { texts: texts.clone(), args: naming::template_args(params) };
                    if model::is_method(edge, child) {
                        for (method, op) in &child.operations {
                            let name = naming::leaf_method(&base, method, child.operations.len());
                            out.extend(self.operation(op, name, owner, &child_paths, Some(step.clone()))?);
                        }
                        continue;
                    }
                    if let Some(target) = self.type_of(child) {
                        out.push(Member {
                            name: names::snake(&base),
                            doc: vec![
                                format!("The {} segment and what lies under it.", shown(&child_paths)),
                                String::new(),
                                "Each argument is percent-encoded inside the segment; inside quotes its own quotes are doubled, as OData requires.".into(),
                            ],
                            kind: MemberKind::Accessor { target, step },
                        });
                    }
                }
                Edge::Param(p) => {
                    let Some(target) = self.type_of(child) else { continue };
                    out.push(Member {
                        name: names::snake(&names::param_type_name(p)),
                        doc: vec!["One item by its key.".into()],
                        kind: MemberKind::Accessor {
                            target,
                            step: Step::Key { literal: None, param: p.clone(), arg: names::snake(p) },
                        },
                    });
                }
            }
        }
        unique(out, taken, paths)
    }

    fn operation(
        &mut self,
        op: &Operation,
        method_name: String,
        owner: &str,
        paths: &[Vec<Edge>],
        step: Option<Step>,
    ) -> Result<Vec<Member>, Error> {
        let (base, builder) = naming::request_name(owner, &method_name);
        if !self.builder_names.insert(builder.clone()) {
            return Err(Error::Invalid {
                place: paths.first().map(|p| display_path(p)).unwrap_or_default(),
                why: format!(
                    "the request type of `{}` would be `{builder}`, a name already taken by a resource, \
                     a schema type or another request; no naming rule tells them apart",
                    op.operation_id
                ),
            });
        }
        for p in paths {
            self.emitted.insert((p.clone(), op.method.clone()));
        }
        let owner_name = if owner == "Client" { "client".to_string() } else { names::snake(base) };
        let doc = self.operation_doc(op, paths);
        let request = Request {
            builder,
            http_method: op.method.to_ascii_uppercase(),
            op_name: format!("{owner_name}.{method_name}"),
            method_name: method_name.clone(),
            step,
            body: request_body(op),
            alternative: alternative(op),
            params: param_fields(op),
            response: match &op.response_body {
                Some(Body::Json(ty)) => Response::Json(ty.clone()),
                // Graph decides the media type; `Accept` names what the spec documents.
                Some(Body::Raw(media_types)) => Response::Raw { accept: media_types.join(", ") },
                None => Response::Empty,
            },
            item: op.response_item.clone(),
        };
        // A required JSON body and its alternative are one of two: each gets a method that requires it.
        let second = match (&request.alternative, &request.body) {
            (Some(alt), Some(RequestBody::Json { required: true, .. })) => Some(Member {
                name: format!("{method_name}_{}", alt.field),
                doc: vec![
                    format!("`{method_name}`, sending `{}` instead of its JSON body: {}", alt.field, alt.doc),
                    String::new(),
                    format!(
                        "The request and its options are those of [`{}`](Self::{method_name}).",
                        method_name
                    ),
                ],
                kind: MemberKind::Alternative(Box::new(request.clone())),
            }),
            _ => None,
        };
        let first = Member { name: method_name, doc, kind: MemberKind::Operation(Box::new(request)) };
        Ok(std::iter::once(first).chain(second).collect())
    }

    /// Summary, description, every path it stands for, success codes, scopes, reference link.
    fn operation_doc(&self, op: &Operation, paths: &[Vec<Edge>]) -> Vec<String> {
        let mut doc: Vec<String> = Vec::new();
        if let Some(s) = op.summary.as_deref().filter(|s| !s.trim().is_empty()) {
            doc.push(names::doc_text(s.trim()));
        }
        if let Some(d) = op.description.as_deref().filter(|d| !d.trim().is_empty()) {
            if !doc.is_empty() {
                doc.push(String::new());
            }
            doc.push(names::doc_text(d.trim()));
        }
        if !doc.is_empty() {
            doc.push(String::new());
        }
        // The paths the spec documents this operation at; a type shared by several places (see
        // `model::unify`) may answer at more, as Graph's aliases do.
        let mut documented: Vec<&str> = Vec::new();
        for p in paths {
            let Some(there) = lookup(self.root, p).and_then(|n| n.operations.get(&op.method)) else {
                continue;
            };
            for d in &there.documented {
                if !documented.contains(&d.as_str()) {
                    documented.push(d);
                }
            }
        }
        if documented.is_empty() {
            documented.extend(op.documented.iter().map(String::as_str));
        }
        for p in documented {
            doc.push(format!("- {} {}", op.method.to_ascii_uppercase(), names::doc_text(p)));
        }
        if !op.success.is_empty() {
            doc.push(String::new());
            let codes: Vec<String> = op.success.iter().map(|s| names::doc_text(s)).collect();
            doc.push(format!("Success: {}.", codes.join(", ")));
        }
        if !op.scopes.is_empty() {
            doc.push(String::new());
            let scopes: Vec<String> = op.scopes.iter().map(|s| names::doc_text(s)).collect();
            doc.push(format!("Permissions (least privileged): {}.", scopes.join(", ")));
        }
        if let Some(url) = op.docs_url.as_deref() {
            doc.push(String::new());
            match names::doc_url(url) {
                Some(u) => doc.push(format!("Graph reference: <{u}>")),
                None => doc.push(format!("Graph reference: {}", names::doc_text(url))),
            }
        }
        doc
    }
}

fn request_body(op: &Operation) -> Option<RequestBody> {
    let required = op.request_body_required;
    match op.request_body.as_ref()? {
        Body::Json(ty) => Some(RequestBody::Json { ty: ty.clone(), required }),
        Body::Raw(media_types) => Some(RequestBody::Raw {
            media_type: media_types.first().cloned().unwrap_or_else(|| "application/octet-stream".into()),
            required,
        }),
    }
}

/// The request body's alternative: its setter named after the schema's title (`MIME` → `mime`), else `raw`,
/// with a `_` for a name the builder has already.
fn alternative(op: &Operation) -> Option<Alternative> {
    let alt = op.request_alternative.as_ref()?;
    op.request_body.as_ref()?;
    let mut field = alt.title.as_deref().map(names::snake).filter(|t| !t.is_empty()).unwrap_or("raw".into());
    while BUILDER_OWN.contains(&field.as_str()) || CALL_OPTION_SETTERS.contains(&field.as_str()) {
        field.push('_');
    }
    let what = alt.description.as_deref().map(|d| names::doc_text(d.trim())).unwrap_or_default();
    let what = match what.trim_end() {
        "" => "The request body's bytes.".to_string(),
        w if w.ends_with('.') => w.to_string(),
        w => format!("{w}."),
    };
    let media_type = names::doc_text(&alt.media_type);
    let doc = if alt.base64 {
        format!(
            "{} Give the bytes as they are: the client base64-encodes them and sends `{media_type}`.",
            what.trim()
        )
    } else {
        format!("{} Sent as `{media_type}`.", what.trim())
    };
    Some(Alternative { field, media_type: alt.media_type.clone(), base64: alt.base64, doc })
}

/// The builder's fields for query parameters and headers: snake case without OData's `$`, and a `_` for
/// each name the builder has already (its own, the call options', the body alternative's).
fn param_fields(op: &Operation) -> Vec<ParamField> {
    let mut used: BTreeSet<String> =
        BUILDER_OWN.iter().chain(CALL_OPTION_SETTERS).map(|s| s.to_string()).collect();
    used.extend(alternative(op).map(|a| a.field));
    let mut out = Vec::new();
    for (param, header) in op.query.iter().map(|q| (q, false)).chain(op.headers.iter().map(|h| (h, true))) {
        let mut field = names::snake(param.name.trim_start_matches('$'));
        while used.contains(&field) {
            field.push('_');
        }
        used.insert(field.clone());
        let desc = param.description.as_deref().map(names::doc_text).unwrap_or_default();
        let where_ = if header { "header" } else { "query parameter" };
        let kind_doc = if param.kind == ParamKind::List { " Sent comma-separated." } else { "" };
        out.push(ParamField {
            field,
            wire: param.name.clone(),
            header,
            required: param.required,
            kind: param.kind,
            doc: format!("The {where_} {}. {desc}{kind_doc}", names::doc_text(&param.name)),
        });
    }
    out
}

/// Two members can want one name (an accessor `message` and an action `message`): no rule decides between
/// them, so resolution fails with the path rather than inventing `message_2`. A name the type has already
/// (`Client::builder` in the runtime) gets a trailing `_`, as a keyword does (`builder_`).
fn unique(members: Vec<Member>, taken: &BTreeSet<String>, paths: &[Vec<Edge>]) -> Result<Vec<Member>, Error> {
    let mut seen: BTreeSet<String> = taken.clone();
    let mut out = Vec::new();
    for mut m in members {
        if taken.contains(&m.name) {
            m.name.push('_');
        }
        if !seen.insert(m.name.clone()) {
            return Err(Error::Invalid {
                place: paths.first().map(|p| display_path(p)).unwrap_or_else(|| "/".into()),
                why: format!(
                    "two members of its request type would both be `{}`; no naming rule tells them apart",
                    m.name
                ),
            });
        }
        out.push(m);
    }
    Ok(out)
}
