//! The naming rules of the resource API, from each path segment's role ([`model::Role`]); README's "Names in
//! the client" has them as a table. Resource types are all named in one pass over the tree before any token
//! is made ([`assign_types`]); member and request names come from the functions here as the emitter reaches
//! them. Where no rule decides between two names, generation fails with the path; nothing is numbered.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::{self, Edge, Node, Operation};
use crate::names;
use crate::rules;
use crate::Error;

/// A node of the tree with where it sits.
pub struct Located<'a> {
    pub path: Vec<Edge>,
    pub node: &'a Node,
}

/// The structural signature of every node of a tree (nodes with equal signatures behave the same and share a
/// Rust type), made once bottom up: a node's signature holds its children's,
/// so making each on its own would make the deep ones again for every ancestor. Nodes are told apart by
/// address, which holds while the tree is borrowed.
pub struct Signatures(std::collections::HashMap<*const Node, String>);

impl Signatures {
    pub fn of(root: &Node) -> Signatures {
        fn walk(node: &Node, out: &mut std::collections::HashMap<*const Node, String>) -> String {
            let mut s = String::from("{");
            for (method, op) in &node.operations {
                s.push_str(&format!(
                    "op:{method}:{:?}:{:?}:{:?}:{:?};",
                    op.request_body,
                    op.response_body,
                    op.query.iter().map(|q| (&q.name, q.required)).collect::<Vec<_>>(),
                    op.headers.iter().map(|h| (&h.name, h.required)).collect::<Vec<_>>()
                ));
            }
            for (edge, child) in &node.children {
                let child_signature = walk(child, out);
                s.push_str(&format!("{edge:?}=>{child_signature}"));
            }
            s.push('}');
            out.insert(node as *const Node, s.clone());
            s
        }
        let mut out = std::collections::HashMap::new();
        walk(root, &mut out);
        Signatures(out)
    }

    /// The signature of a node of the tree this was made of (of any other node, made on the spot).
    pub fn get(&self, node: &Node) -> String {
        match self.0.get(&(node as *const Node)) {
            Some(s) => s.clone(),
            None => Signatures::of(node).0.remove(&(node as *const Node)).unwrap_or_default(),
        }
    }
}

pub fn collect<'a>(node: &'a Node, path: Vec<Edge>, out: &mut Vec<Located<'a>>) {
    for (edge, child) in &node.children {
        let mut p = path.clone();
        p.push(edge.clone());
        out.push(Located { path: p.clone(), node: child });
        collect(child, p, out);
    }
}

/// Does the node at the end of `edge` get a Rust type? A key always does, since it carries the id even when
/// its operations are all there is (`GET /users/{user-id}` → `client.user(id).get()`). An action or function
/// leaf attaches to its parent as a method (`send`), and a collection segment that only leads to its keys
/// (`users` in `/users/{user-id}`) is skipped by the parent's `user(id)` accessor.
pub fn needs_type(edge: &Edge, node: &Node) -> bool {
    if matches!(edge, Edge::Param(_)) {
        return true;
    }
    if model::is_method(edge, node) {
        return false;
    }
    let only_keys = node.operations.is_empty() && node.children.keys().all(|e| matches!(e, Edge::Param(_)));
    !only_keys
}

fn located_needs_type(l: &Located<'_>) -> bool {
    l.path.last().is_some_and(|edge| needs_type(edge, l.node))
}

/// The resource a segment names: `{message-id}` → `Message`, `mailFolders` → `MailFolders`, `$value` →
/// `Value`.
pub fn resource_name(edge: &Edge) -> String {
    match edge {
        Edge::Param(p) => names::param_type_name(p),
        Edge::Literal(l) => names::camel(l),
        Edge::Template { texts, .. } => names::camel(&Edge::template_stem(texts)),
    }
}

/// Per signature: the Rust type name, and every node path that uses it.
pub struct TypeTable {
    pub by_signature: BTreeMap<String, String>,
    pub members: BTreeMap<String, Vec<Vec<Edge>>>,
    pub signatures: Signatures,
}

/// Names every resource type `{Resource}Request` (`MessageRequest`, `MessagesRequest`,
/// `MailboxSettingsRequest`). A name that shapes of two different signatures want is qualified by the
/// parent's resource (`MailFolderMessagesRequest`), except for a single key among them. A name still shared,
/// or one that a schema type or the runtime has, fails with the paths: no numbered names.
pub fn assign_types(
    root: &Node,
    all: &[Located<'_>],
    schema_types: &BTreeSet<String>,
) -> Result<TypeTable, Error> {
    let signatures = Signatures::of(root);
    let mut members: BTreeMap<String, Vec<Vec<Edge>>> = BTreeMap::new();
    let mut order: Vec<String> = Vec::new();
    for l in all.iter().filter(|l| located_needs_type(l)) {
        let sig = signatures.get(l.node);
        if !members.contains_key(&sig) {
            order.push(sig.clone());
        }
        members.entry(sig).or_default().push(l.path.clone());
    }
    // The path a type is named from: a key's entity beats a literal's (`/me` and `/users/{user-id}` are
    // both `User`), and among the rest the one under a key (`/users/{user-id}/messages` before
    // `/me/messages`), so that an alias never names a type.
    let pick = |paths: &[Vec<Edge>]| -> Vec<Edge> {
        paths
            .iter()
            .find(|p| matches!(p.last(), Some(Edge::Param(_))))
            .or_else(|| paths.iter().find(|p| p.len() >= 2 && matches!(p[p.len() - 2], Edge::Param(_))))
            .or_else(|| paths.first())
            .cloned()
            .unwrap_or_default()
    };
    let typed: BTreeSet<Vec<Edge>> =
        all.iter().filter(|l| located_needs_type(l)).map(|l| l.path.clone()).collect();
    let mut wanted: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for sig in &order {
        let path = pick(&members[sig]);
        let name = format!("{}Request", path.last().map(resource_name).unwrap_or_default());
        wanted.entry(name).or_default().push(sig.clone());
    }
    let mut by_signature: BTreeMap<String, String> = BTreeMap::new();
    let mut owner: BTreeMap<String, String> = BTreeMap::new();
    for sig in &order {
        let path = pick(&members[sig]);
        let mut name = format!("{}Request", path.last().map(resource_name).unwrap_or_default());
        // A key keeps its entity's name against a singleton or collection of that name
        // (`/users/{user-id}/calendars/{calendar-id}` is `CalendarRequest`, `/users/{user-id}/calendar`
        // `UserCalendarRequest`); any other name wanted twice is qualified for all that want it.
        let is_key = |sig: &String| matches!(pick(&members[sig]).last(), Some(Edge::Param(_)));
        let keys = wanted[&name].iter().filter(|s| is_key(s)).count();
        if wanted[&name].len() > 1 && (!is_key(sig) || keys > 1) {
            // The parent is the nearest resource with a type of its own: `/a/items/{item-id}` is `AItemRequest`
            // (`items` only leads to its keys).
            let parent = (1..path.len()).rev().map(|i| &path[..i]).find(|prefix| typed.contains(*prefix));
            let parent = parent.and_then(|p| p.last()).map(resource_name).unwrap_or_else(|| "Root".into());
            name = format!("{parent}{name}");
        }
        let clash = owner.get(&name).map(|other| members[other][0].clone());
        if let Some(other) = clash {
            return Err(Error::Invalid {
                place: display_path(&path),
                why: format!(
                    "its request type and that of `{}` would both be `{name}`; no naming rule tells them apart",
                    display_path(&other)
                ),
            });
        }
        if schema_types.contains(&name) || names::RESERVED_TYPES.contains(&name.as_str()) {
            return Err(Error::Invalid {
                place: display_path(&path),
                why: format!(
                    "its request type `{name}` would take the name of a schema type or the runtime's"
                ),
            });
        }
        owner.insert(name.clone(), sig.clone());
        by_signature.insert(sig.clone(), name);
    }
    Ok(TypeTable { by_signature, members, signatures })
}

/// The method an operation on its own node gets: `list`/`create` on a collection, `get`/`update`/`set`/
/// `delete` elsewhere. A typed response tells a collection from one object better than the path's spelling.
pub fn operation_name(method: &str, op: &Operation, on_collection: bool) -> String {
    match (method, &op.response_body, &op.response_item) {
        ("get", Some(_), Some(_)) => "list".to_string(),
        ("get", Some(_), None) => "get".to_string(),
        _ => rules::verb(method, on_collection).unwrap_or(method).to_string(),
    }
}

/// The accessor of an item of the collection `l` under `node`: its singular (`messages/{message-id}` →
/// `message(id)`), or `{singular}_by_id` when a sibling segment has that name already (`calendars/{id}`
/// beside a `calendar` singleton) or the collection is named as its own singular (`resource/{id}` beside
/// `resource()`).
///
/// A key under a segment spelled as its own singular beside the plural collection of the same items
/// (`calendar/{id}` beside `calendars/{id}`, a page's slip Graph serves all the same) would want the
/// collection's name: it is `{singular}_item_by_id` instead, so the plural spelling keeps `calendar_by_id`
/// and both stay callable.
pub fn item_accessor(node: &Node, l: &str) -> String {
    let mut name = names::snake(&rules::singular(l));
    let spelled_singular = names::snake(l) == name;
    let plural_sibling = |other: &str| {
        other != l && names::snake(&rules::singular(other)) == name && names::snake(other) != name
    };
    if spelled_singular
        && node.children.iter().any(|(e, n)| match e {
            Edge::Literal(other) => {
                plural_sibling(other) && n.children.keys().any(|k| matches!(k, Edge::Param(_)))
            }
            _ => false,
        })
    {
        return format!("{name}_item_by_id");
    }
    let sibling = node.children.iter().any(|(e, n)| match e {
        Edge::Literal(other) if other == l => names::snake(l) == name && needs_type(e, n),
        Edge::Literal(other) => names::snake(other) == name,
        _ => false,
    });
    if sibling {
        name.push_str("_by_id");
    }
    name
}

/// The method a leaf segment (an action or function) gives its parent: the segment's name, and the HTTP
/// method after it when the leaf has several (`delta_get`, `delta_post`).
pub fn leaf_method(segment: &str, method: &str, methods_on_leaf: usize) -> String {
    if methods_on_leaf == 1 {
        names::snake(segment)
    } else {
        format!("{}_{}", names::snake(segment), method)
    }
}

/// The name a template segment's member starts from: its stem, or `{stem}_with` when a literal sibling has
/// that name (`delta()` beside `delta(token='{t}')`: the plain call keeps the name).
pub fn template_base(node: &Node, texts: &[String]) -> String {
    let stem = Edge::template_stem(texts);
    let plain_sibling = node.children.keys().any(|e| match e {
        Edge::Literal(l) => names::snake(l.split('(').next().unwrap_or(l)) == names::snake(&stem),
        _ => false,
    });
    if plain_sibling {
        format!("{stem}_with")
    } else {
        stem
    }
}

/// The Rust arguments of a template segment's parameters: snake case, unique, and never a name the accessor
/// body uses (`body`, `path`, `client`).
pub fn template_args(params: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for p in params {
        let mut a = names::snake(p);
        while out.contains(&a) || ["body", "path", "client"].contains(&a.as_str()) {
            a.push('_');
        }
        out.push(a);
    }
    out
}

/// The owner's resource (`Message` for `MessageRequest`, `Root` for the client) and the name of one request's
/// type: `MessageMoveRequest` for `move_` on `MessageRequest`.
pub fn request_name<'a>(owner: &'a str, method_name: &str) -> (&'a str, String) {
    let base = if owner == "Client" { "Root" } else { owner.strip_suffix("Request").unwrap_or(owner) };
    (base, format!("{base}{}Request", names::camel(method_name)))
}

pub fn display_path(path: &[Edge]) -> String {
    let mut s = String::new();
    for e in path {
        s.push('/');
        match e {
            Edge::Literal(l) => s.push_str(l),
            Edge::Param(p) => {
                s.push('{');
                s.push_str(p);
                s.push('}');
            }
            Edge::Template { texts, params } => {
                for (i, text) in texts.iter().enumerate() {
                    s.push_str(text);
                    if let Some(p) = params.get(i) {
                        s.push('{');
                        s.push_str(p);
                        s.push('}');
                    }
                }
            }
        }
    }
    if s.is_empty() {
        s.push('/');
    }
    s
}
