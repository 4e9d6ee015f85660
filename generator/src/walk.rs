//! A typed walk over every schema and every schema `$ref` of an OpenAPI document, for the passes that
//! change them in place (schema names shortened with their `$ref`s rewritten, doc text made safe) without
//! a detour through JSON.

use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, MediaType, OpenAPI, Operation, Parameter, ParameterData, ParameterSchemaOrContent,
    ReferenceOr, Response, Schema, SchemaKind, Type,
};

/// What the walk meets: a schema (before the schemas inside it), or the target of a `$ref` to a schema.
pub(crate) enum Node<'a> {
    Schema(&'a mut Schema),
    Ref(&'a mut String),
}

/// Every schema and schema `$ref` of the document: the operations' parameters, bodies and responses, the
/// path items' parameters, responses' headers, and `components` (schemas, parameters, responses, request
/// bodies).
pub(crate) fn document(spec: &mut OpenAPI, visit: &mut impl FnMut(Node<'_>)) {
    for item in spec.paths.paths.values_mut() {
        let ReferenceOr::Item(item) = item else { continue };
        item.parameters.iter_mut().for_each(|p| parameter(p, visit));
        let ops = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.options,
            &mut item.head,
            &mut item.patch,
            &mut item.trace,
        ];
        ops.into_iter().flatten().for_each(|op| operation(op, visit));
    }
    let Some(c) = &mut spec.components else { return };
    c.schemas.values_mut().for_each(|s| schema(s, visit));
    c.parameters.values_mut().for_each(|p| parameter(p, visit));
    for r in c.responses.values_mut() {
        if let ReferenceOr::Item(r) = r {
            response(r, visit);
        }
    }
    for b in c.request_bodies.values_mut() {
        if let ReferenceOr::Item(b) = b {
            content(&mut b.content, visit);
        }
    }
}

fn operation(op: &mut Operation, visit: &mut impl FnMut(Node<'_>)) {
    op.parameters.iter_mut().for_each(|p| parameter(p, visit));
    if let Some(ReferenceOr::Item(body)) = &mut op.request_body {
        content(&mut body.content, visit);
    }
    for r in op.responses.default.iter_mut().chain(op.responses.responses.values_mut()) {
        if let ReferenceOr::Item(r) = r {
            response(r, visit);
        }
    }
}

fn response(r: &mut Response, visit: &mut impl FnMut(Node<'_>)) {
    content(&mut r.content, visit);
    for header in r.headers.values_mut() {
        if let ReferenceOr::Item(header) = header {
            match &mut header.format {
                ParameterSchemaOrContent::Schema(s) => schema(s, visit),
                ParameterSchemaOrContent::Content(c) => content(c, visit),
            }
        }
    }
}

fn parameter(p: &mut ReferenceOr<Parameter>, visit: &mut impl FnMut(Node<'_>)) {
    if let ReferenceOr::Item(p) = p {
        let data: &mut ParameterData = match p {
            Parameter::Query { parameter_data, .. }
            | Parameter::Header { parameter_data, .. }
            | Parameter::Path { parameter_data, .. }
            | Parameter::Cookie { parameter_data, .. } => parameter_data,
        };
        match &mut data.format {
            ParameterSchemaOrContent::Schema(s) => schema(s, visit),
            ParameterSchemaOrContent::Content(c) => content(c, visit),
        }
    }
}

fn content(content: &mut IndexMap<String, MediaType>, visit: &mut impl FnMut(Node<'_>)) {
    content.values_mut().filter_map(|m| m.schema.as_mut()).for_each(|s| schema(s, visit));
}

/// A schema or a `$ref`, and every schema and `$ref` inside it.
pub(crate) fn schema(s: &mut ReferenceOr<Schema>, visit: &mut impl FnMut(Node<'_>)) {
    match s {
        ReferenceOr::Reference { reference } => visit(Node::Ref(reference)),
        ReferenceOr::Item(s) => inner(s, visit),
    }
}

fn boxed(s: &mut ReferenceOr<Box<Schema>>, visit: &mut impl FnMut(Node<'_>)) {
    match s {
        ReferenceOr::Reference { reference } => visit(Node::Ref(reference)),
        ReferenceOr::Item(s) => inner(s, visit),
    }
}

fn inner(s: &mut Schema, visit: &mut impl FnMut(Node<'_>)) {
    visit(Node::Schema(s));
    let additional = |a: Option<&mut AdditionalProperties>, visit: &mut _| {
        if let Some(AdditionalProperties::Schema(s)) = a {
            schema(s, visit);
        }
    };
    match &mut s.schema_kind {
        SchemaKind::Type(Type::Object(o)) => {
            o.properties.values_mut().for_each(|p| boxed(p, visit));
            additional(o.additional_properties.as_mut(), visit);
        }
        SchemaKind::Type(Type::Array(a)) => a.items.iter_mut().for_each(|i| boxed(i, visit)),
        SchemaKind::Type(_) => {}
        SchemaKind::OneOf { one_of: parts }
        | SchemaKind::AllOf { all_of: parts }
        | SchemaKind::AnyOf { any_of: parts } => parts.iter_mut().for_each(|p| schema(p, visit)),
        SchemaKind::Not { not } => schema(not, visit),
        SchemaKind::Any(a) => {
            a.properties.values_mut().for_each(|p| boxed(p, visit));
            additional(a.additional_properties.as_mut(), visit);
            a.items.iter_mut().for_each(|i| boxed(i, visit));
            a.one_of.iter_mut().chain(&mut a.all_of).chain(&mut a.any_of).for_each(|p| schema(p, visit));
            if let Some(not) = &mut a.not {
                schema(not, visit);
            }
        }
    }
}
