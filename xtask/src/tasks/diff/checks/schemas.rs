//! Schema checks: schemas added or removed, properties (by the direction the schema travels in), enum values,
//! the kinds of an abstract type.

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{OpenAPI, ReferenceOr, Schema, SchemaKind, Type};

use super::operations::operations;
use super::{boxed_signature, change, description, item_signature, signature, text_changed, SCHEMAS};
use crate::tasks::diff::{pointer_token as tok, Change, Kind, Side, Subject};

/// Which schemas the operations send (requests) and read (responses), following `$ref`s.
fn usage(doc: &OpenAPI) -> BTreeMap<String, (bool, bool)> {
    let mut out: BTreeMap<String, (bool, bool)> = BTreeMap::new();
    let schemas = doc.components.as_ref().map(|c| &c.schemas);
    let mut stack: Vec<(String, bool)> = Vec::new();
    for (_, op) in operations(doc) {
        if let Some(ReferenceOr::Item(b)) = &op.op.request_body {
            b.content
                .values()
                .filter_map(|m| m.schema.as_ref())
                .for_each(|s| refs(s, &mut |r| stack.push((r, true))));
        }
        for r in op.op.responses.responses.values() {
            if let ReferenceOr::Item(r) = r {
                r.content
                    .values()
                    .filter_map(|m| m.schema.as_ref())
                    .for_each(|s| refs(s, &mut |r| stack.push((r, false))));
            }
        }
    }
    while let Some((name, request)) = stack.pop() {
        let entry = out.entry(name.clone()).or_default();
        let seen = if request { &mut entry.0 } else { &mut entry.1 };
        if *seen {
            continue;
        }
        *seen = true;
        if let Some(s) = schemas.and_then(|m| m.get(&name)) {
            refs(s, &mut |r| stack.push((r, request)));
        }
    }
    out
}

/// Calls `f` with the name of every schema `schema` refers to, one level deep in `$ref`s.
fn refs(schema: &ReferenceOr<Schema>, f: &mut dyn FnMut(String)) {
    match schema {
        ReferenceOr::Reference { reference } => {
            if let Some(n) = reference.strip_prefix(SCHEMAS) {
                f(n.to_string());
            }
        }
        ReferenceOr::Item(s) => {
            let unbox = |b: &ReferenceOr<Box<Schema>>| match b {
                ReferenceOr::Reference { reference } => {
                    ReferenceOr::Reference { reference: reference.clone() }
                }
                ReferenceOr::Item(s) => ReferenceOr::Item((**s).clone()),
            };
            match &s.schema_kind {
                SchemaKind::Type(Type::Object(o)) => o.properties.values().for_each(|p| refs(&unbox(p), f)),
                SchemaKind::Type(Type::Array(a)) => a.items.iter().for_each(|i| refs(&unbox(i), f)),
                SchemaKind::AllOf { all_of: v }
                | SchemaKind::OneOf { one_of: v }
                | SchemaKind::AnyOf { any_of: v } => v.iter().for_each(|i| refs(i, f)),
                _ => {}
            }
        }
    }
}

pub(super) fn schemas(old: &OpenAPI, new: &OpenAPI, out: &mut Vec<Change>) {
    let empty = Default::default();
    let os = old.components.as_ref().map_or(&empty, |c| &c.schemas);
    let ns = new.components.as_ref().map_or(&empty, |c| &c.schemas);
    let (ou, nu) = (usage(old), usage(new));
    let pointer = |name: &str, rest: &str| format!("/components/schemas/{}{rest}", tok(name));
    for (name, o) in os {
        let Some(n) = ns.get(name) else {
            out.push(change(
                "schema-removed",
                Kind::Breaking,
                None,
                pointer(name, ""),
                format!("schema `{name}` removed"),
                Side::Old,
                Subject::Schema { name: name.clone() },
            ));
            continue;
        };
        let (ReferenceOr::Item(o), ReferenceOr::Item(n)) = (o, n) else { continue };
        let (req, resp) = {
            let a = ou.get(name).copied().unwrap_or_default();
            let b = nu.get(name).copied().unwrap_or_default();
            (a.0 || b.0, a.1 || b.1)
        };
        schema(name, o, n, (req, resp), out);
    }
    for name in ns.keys().filter(|n| !os.contains_key(*n)) {
        out.push(change(
            "schema-added",
            Kind::Additive,
            None,
            pointer(name, ""),
            format!("schema `{name}` added"),
            Side::New,
            Subject::Schema { name: name.clone() },
        ));
    }
}

/// Property ids by direction; a schema both sent and read takes the stricter of the two, the response's
/// on a tie (apps read Graph's types far more often than they send them).
fn directed(
    request: bool,
    response: bool,
    ids: (&'static str, Kind),
    resp: (&'static str, Kind),
) -> (&'static str, Kind) {
    match (request, response) {
        (true, false) => ids,
        (false, _) => resp,
        (true, true) => {
            if ids.1 < resp.1 {
                ids
            } else {
                resp
            }
        }
    }
}

fn schema(name: &str, o: &Schema, n: &Schema, (req, resp): (bool, bool), out: &mut Vec<Change>) {
    let pointer = |rest: &str| format!("/components/schemas/{}{rest}", tok(name));
    let subject = Subject::Schema { name: name.to_string() };
    if text_changed(&o.schema_data.description, &n.schema_data.description) {
        out.push(change(
            "description-changed",
            Kind::Docs,
            None,
            pointer("/description"),
            format!("schema `{name}`: description changed"),
            Side::New,
            subject.clone(),
        ));
    }
    match (&o.schema_kind, &n.schema_kind) {
        (SchemaKind::Type(Type::String(a)), SchemaKind::Type(Type::String(b))) => {
            let (av, bv): (Vec<_>, Vec<_>) =
                (a.enumeration.iter().flatten().collect(), b.enumeration.iter().flatten().collect());
            for v in av.iter().filter(|v| !bv.contains(v)) {
                let value = (*v).clone();
                out.push(change(
                    "enum-value-removed",
                    Kind::Breaking,
                    None,
                    pointer("/enum"),
                    format!("`{name}` no longer has the value `{value}`"),
                    Side::Old,
                    Subject::EnumValue { schema: name.into(), value },
                ));
            }
            for v in bv.iter().filter(|v| !av.contains(v)) {
                let value = (*v).clone();
                out.push(change(
                    "enum-value-added",
                    Kind::Additive,
                    None,
                    pointer("/enum"),
                    format!("`{name}` has a new value `{value}`"),
                    Side::New,
                    Subject::EnumValue { schema: name.into(), value },
                ));
            }
        }
        (SchemaKind::Type(Type::Object(a)), SchemaKind::Type(Type::Object(b))) => {
            let prop = |p: &str| Subject::Property { schema: name.to_string(), property: p.to_string() };
            let pp = |p: &str, rest: &str| pointer(&format!("/properties/{}{rest}", tok(p)));
            let (ar, br): (BTreeSet<&String>, BTreeSet<&String>) =
                (a.required.iter().collect(), b.required.iter().collect());
            for (p, ps) in &a.properties {
                let Some(ns) = b.properties.get(p) else {
                    let (id, kind) = directed(
                        req,
                        resp,
                        ("request-property-removed", Kind::Breaking),
                        ("response-property-removed", Kind::Breaking),
                    );
                    out.push(change(
                        id,
                        kind,
                        None,
                        pp(p, ""),
                        format!("`{name}.{p}` removed"),
                        Side::Old,
                        prop(p),
                    ));
                    continue;
                };
                let (os, nsig) = (boxed_signature(ps), boxed_signature(ns));
                if os != nsig {
                    let (id, kind) = directed(
                        req,
                        resp,
                        ("request-property-type-changed", Kind::Breaking),
                        ("response-property-type-changed", Kind::Breaking),
                    );
                    out.push(change(
                        id,
                        kind,
                        None,
                        pp(p, ""),
                        format!("`{name}.{p}`: {os} → {nsig}"),
                        Side::New,
                        prop(p),
                    ));
                }
                match (ar.contains(p), br.contains(p)) {
                    (false, true) => {
                        let (id, kind) = directed(
                            req,
                            resp,
                            ("request-property-became-required", Kind::Breaking),
                            ("response-property-became-required", Kind::Additive),
                        );
                        out.push(change(
                            id,
                            kind,
                            None,
                            pointer("/required"),
                            format!("`{name}.{p}` became required"),
                            Side::New,
                            prop(p),
                        ));
                    }
                    (true, false) => {
                        let (id, kind) = directed(
                            req,
                            resp,
                            ("request-property-became-optional", Kind::Additive),
                            ("response-property-became-optional", Kind::Breaking),
                        );
                        out.push(change(
                            id,
                            kind,
                            None,
                            pointer("/required"),
                            format!("`{name}.{p}` became optional"),
                            Side::New,
                            prop(p),
                        ));
                    }
                    _ => {}
                }
                if text_changed(&description(ps), &description(ns)) {
                    out.push(change(
                        "description-changed",
                        Kind::Docs,
                        None,
                        pp(p, "/description"),
                        format!("`{name}.{p}`: description changed"),
                        Side::New,
                        prop(p),
                    ));
                }
            }
            for p in b.properties.keys().filter(|p| !a.properties.contains_key(*p)) {
                let (id, kind) = if br.contains(p) {
                    directed(
                        req,
                        resp,
                        ("request-property-added-required", Kind::Breaking),
                        ("response-property-added", Kind::Additive),
                    )
                } else {
                    directed(
                        req,
                        resp,
                        ("request-property-added", Kind::Additive),
                        ("response-property-added", Kind::Additive),
                    )
                };
                out.push(change(
                    id,
                    kind,
                    None,
                    pp(p, ""),
                    format!("`{name}.{p}` added"),
                    Side::New,
                    prop(p),
                ));
            }
        }
        (SchemaKind::OneOf { one_of: a }, SchemaKind::OneOf { one_of: b }) => {
            let (a, b): (Vec<String>, Vec<String>) =
                (a.iter().map(signature).collect(), b.iter().map(signature).collect());
            for v in a.iter().filter(|v| !b.contains(v)) {
                out.push(change(
                    "subtype-removed",
                    Kind::Breaking,
                    None,
                    pointer("/oneOf"),
                    format!("`{name}` no longer has the kind `{v}`"),
                    Side::Old,
                    subject.clone(),
                ));
            }
            for v in b.iter().filter(|v| !a.contains(v)) {
                out.push(change(
                    "subtype-added",
                    Kind::Additive,
                    None,
                    pointer("/oneOf"),
                    format!("`{name}` has a new kind `{v}`"),
                    Side::New,
                    subject.clone(),
                ));
            }
        }
        _ => {
            let (a, b) = (item_signature(o), item_signature(n));
            if a != b {
                out.push(change(
                    "schema-type-changed",
                    Kind::Breaking,
                    None,
                    pointer(""),
                    format!("schema `{name}`: {a} → {b}"),
                    Side::New,
                    subject,
                ));
            }
        }
    }
}
