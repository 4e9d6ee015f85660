//! A typed walk over every schema and every schema `$ref` of an OpenAPI document, written once for both
//! kinds of borrow (as syn's `visit` and `visit_mut` are): [`mutable`] for the generator's passes that change
//! them in place (schema names shortened with their `$ref`s and mappings rewritten, doc text made safe),
//! [`shared`] for readers such as xtask's `spec::check` (every `$ref` resolves). No pass goes through JSON.

/// The walk, for `&` or `&mut` borrows: `$mut` is empty or `mut`, and the other arguments name the
/// iterators of that borrow.
macro_rules! walker {
    ($($mut:ident)?; $iter:ident, $values:ident, $as_ref:ident) => {
        use indexmap::IndexMap;
        use openapiv3::{
            AdditionalProperties, MediaType, OpenAPI, Operation, Parameter, ParameterSchemaOrContent, ReferenceOr,
            Response, Schema, SchemaKind, Type,
        };

        /// What the walk meets: a schema (before the schemas inside it), or the target of a `$ref`.
        #[derive(Debug)]
        pub enum Node<'a> {
            Schema(&'a $($mut)? Schema),
            Ref(&'a $($mut)? String),
        }

        /// Every schema and `$ref` of the document: the operations' parameters, bodies and responses, the
        /// path items' parameters, responses' headers, and `components` (schemas, parameters, responses,
        /// request bodies).
        pub fn document(spec: & $($mut)? OpenAPI, visit: &mut impl FnMut(Node<'_>)) {
            for item in spec.paths.paths.$values() {
                let ReferenceOr::Item(item) = item else { continue };
                item.parameters.$iter().for_each(|p| parameter(p, visit));
                let ops = [
                    & $($mut)? item.get,
                    & $($mut)? item.put,
                    & $($mut)? item.post,
                    & $($mut)? item.delete,
                    & $($mut)? item.options,
                    & $($mut)? item.head,
                    & $($mut)? item.patch,
                    & $($mut)? item.trace,
                ];
                ops.into_iter().flatten().for_each(|op| operation(op, visit));
            }
            let Some(c) = & $($mut)? spec.components else { return };
            c.schemas.$values().for_each(|s| schema(s, visit));
            c.parameters.$values().for_each(|p| parameter(p, visit));
            for r in c.responses.$values() {
                if let ReferenceOr::Item(r) = r {
                    response(r, visit);
                }
            }
            for b in c.request_bodies.$values() {
                if let ReferenceOr::Item(b) = b {
                    content(& $($mut)? b.content, visit);
                }
            }
        }

        /// An operation's parameters, request body and responses; a `$ref` to a shared parameter, body or
        /// response is met as such, not followed.
        pub fn operation(op: & $($mut)? Operation, visit: &mut impl FnMut(Node<'_>)) {
            op.parameters.$iter().for_each(|p| parameter(p, visit));
            match & $($mut)? op.request_body {
                Some(ReferenceOr::Reference { reference }) => visit(Node::Ref(reference)),
                Some(ReferenceOr::Item(body)) => content(& $($mut)? body.content, visit),
                None => {}
            }
            for r in op.responses.default.$iter().chain(op.responses.responses.$values()) {
                match r {
                    ReferenceOr::Reference { reference } => visit(Node::Ref(reference)),
                    ReferenceOr::Item(r) => response(r, visit),
                }
            }
        }

        /// A parameter or its `$ref`, and its schema.
        pub fn parameter(p: & $($mut)? ReferenceOr<Parameter>, visit: &mut impl FnMut(Node<'_>)) {
            let p = match p {
                ReferenceOr::Reference { reference } => return visit(Node::Ref(reference)),
                ReferenceOr::Item(p) => p,
            };
            let data = match p {
                Parameter::Query { parameter_data, .. }
                | Parameter::Header { parameter_data, .. }
                | Parameter::Path { parameter_data, .. }
                | Parameter::Cookie { parameter_data, .. } => parameter_data,
            };
            match & $($mut)? data.format {
                ParameterSchemaOrContent::Schema(s) => schema(s, visit),
                ParameterSchemaOrContent::Content(c) => content(c, visit),
            }
        }

        /// A response's content and headers.
        pub fn response(r: & $($mut)? Response, visit: &mut impl FnMut(Node<'_>)) {
            content(& $($mut)? r.content, visit);
            for header in r.headers.$values() {
                if let ReferenceOr::Item(header) = header {
                    match & $($mut)? header.format {
                        ParameterSchemaOrContent::Schema(s) => schema(s, visit),
                        ParameterSchemaOrContent::Content(c) => content(c, visit),
                    }
                }
            }
        }

        /// The schema of each media type.
        pub fn content(content: & $($mut)? IndexMap<String, MediaType>, visit: &mut impl FnMut(Node<'_>)) {
            content.$values().filter_map(|m| m.schema.$as_ref()).for_each(|s| schema(s, visit));
        }

        /// A schema or a `$ref`, and every schema and `$ref` inside it.
        pub fn schema(s: & $($mut)? ReferenceOr<Schema>, visit: &mut impl FnMut(Node<'_>)) {
            match s {
                ReferenceOr::Reference { reference } => visit(Node::Ref(reference)),
                ReferenceOr::Item(s) => inner(s, visit),
            }
        }

        fn boxed(s: & $($mut)? ReferenceOr<Box<Schema>>, visit: &mut impl FnMut(Node<'_>)) {
            match s {
                ReferenceOr::Reference { reference } => visit(Node::Ref(reference)),
                ReferenceOr::Item(s) => inner(s, visit),
            }
        }

        fn inner(s: & $($mut)? Schema, visit: &mut impl FnMut(Node<'_>)) {
            visit(Node::Schema(s));
            let additional = |a: Option<& $($mut)? AdditionalProperties>, visit: &mut _| {
                if let Some(AdditionalProperties::Schema(s)) = a {
                    schema(s, visit);
                }
            };
            match & $($mut)? s.schema_kind {
                SchemaKind::Type(Type::Object(o)) => {
                    o.properties.$values().for_each(|p| boxed(p, visit));
                    additional(o.additional_properties.$as_ref(), visit);
                }
                SchemaKind::Type(Type::Array(a)) => a.items.$iter().for_each(|i| boxed(i, visit)),
                SchemaKind::Type(_) => {}
                SchemaKind::OneOf { one_of: parts }
                | SchemaKind::AllOf { all_of: parts }
                | SchemaKind::AnyOf { any_of: parts } => parts.$iter().for_each(|p| schema(p, visit)),
                SchemaKind::Not { not } => schema(not, visit),
                SchemaKind::Any(a) => {
                    a.properties.$values().for_each(|p| boxed(p, visit));
                    additional(a.additional_properties.$as_ref(), visit);
                    a.items.$iter().for_each(|i| boxed(i, visit));
                    let parts = a.one_of.$iter().chain(& $($mut)? a.all_of).chain(& $($mut)? a.any_of);
                    parts.for_each(|p| schema(p, visit));
                    if let Some(not) = & $($mut)? a.not {
                        schema(not, visit);
                    }
                }
            }
        }
    };
}

/// The walk over `&mut`: for passes that change schemas and `$ref`s in place.
pub mod mutable {
    walker!(mut; iter_mut, values_mut, as_mut);
}

/// The walk over `&`: for passes that read.
pub mod shared {
    walker!(; iter, values, as_ref);
}
