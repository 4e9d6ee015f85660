//! operationIds, the one place they are made: the path's segments joined by dots, keys named by their entity
//! (`users.user.messages.message.send`), with a verb where the path alone would not keep one method apart
//! from another (`me.messages.list`, `me.messages.create`), and a numeric suffix where two still meet.
//!
//! Every id is decided before any operation is built: [`unique`] numbers the ids in the document's order
//! (paths sorted, methods in OpenAPI's order), so the builder writes each operation once, finished.

use std::collections::BTreeSet;

use crate::paths::{self, Segment, Template};

/// `me.messages.message.send` for an action; entity and collection operations get a verb so GET and PATCH on
/// one path stay apart (`me.messages.message.get`, `me.messages.message.update`).
pub fn operation_id(template: &Template, method: &str) -> String {
    let stem = template.operation_id_stem();
    let stem = if stem.is_empty() { "root".to_string() } else { stem };
    let method = method.to_ascii_uppercase();
    let last = template.segments.last();
    let is_collection = matches!(last, Some(Segment::Literal(l)) if paths::singular(l) != *l);
    let is_action = kind(template) != Kind::Operation;
    match (method.as_str(), is_action) {
        ("POST", true) => return stem,
        ("GET", true) if matches!(last, Some(Segment::Mixed { .. })) => return stem,
        _ => {}
    }
    // The verb table is the generator's (`generator::rules::verb`), so operationIds and method names agree.
    let verb = match paths::verb(&method, is_collection) {
        Some(verb) => verb.to_string(),
        None => method.to_ascii_lowercase(),
    };
    format!("{stem}.{verb}")
}

/// [`operation_id`] of a GET, told by the response the page documents: the path alone cannot tell
/// `mailboxSettings` (one object) from `messages` (a collection).
pub fn operation_id_answering(template: &Template, method: &str, collection: Option<bool>) -> String {
    let id = operation_id(template, method);
    let (true, Some(collection)) = (method.eq_ignore_ascii_case("GET"), collection) else { return id };
    match id.strip_suffix(".list").or(id.strip_suffix(".get")) {
        Some(stem) => format!("{stem}.{}", if collection { "list" } else { "get" }),
        None => id,
    }
}

/// What the last segment makes an operation: Graph's `x-ms-docs-operation-type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `…/send`: a lowercase word that is not a plural, so not a collection.
    Action,
    /// `…/range(address='{address}')`: a segment with text around its placeholders.
    Function,
    Operation,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Action => "action",
            Kind::Function => "function",
            Kind::Operation => "operation",
        }
    }
}

pub fn kind(template: &Template) -> Kind {
    match template.segments.last() {
        Some(Segment::Mixed { .. }) => Kind::Function,
        Some(Segment::Literal(l))
            if paths::singular(l) == *l && l.starts_with(|c: char| c.is_ascii_lowercase()) =>
        {
            Kind::Action
        }
        _ => Kind::Operation,
    }
}

/// The order of methods in a path item, as OpenAPI writes them.
pub fn method_order(method: &str) -> usize {
    ["get", "put", "post", "delete", "options", "head", "patch", "trace"]
        .iter()
        .position(|m| m.eq_ignore_ascii_case(method))
        .unwrap_or(9)
}

/// Makes ids unique, in the order given: two templates can still meet on one id (`/me/x` GET as `get` and
/// an action named `get`); the later one takes a numeric suffix, as OpenAPI requires ids to be unique.
pub fn unique<'a>(ids: impl Iterator<Item = &'a mut String>) {
    // A set: over the whole corpus there are thousands of ids, and a list made this quadratic.
    let mut seen: BTreeSet<String> = BTreeSet::new();
    for id in ids {
        if seen.contains(id.as_str()) {
            let mut n = 2;
            while seen.contains(&format!("{id}{n}")) {
                n += 1;
            }
            *id = format!("{id}{n}");
        }
        seen.insert(id.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn ids_that_meet_are_numbered_in_order() {
        let mut ids = vec!["a".to_string(), "a".to_string(), "a2".to_string(), "a".to_string()];
        unique(ids.iter_mut());
        assert_eq!(ids, ["a", "a2", "a22", "a3"]);
    }
}
