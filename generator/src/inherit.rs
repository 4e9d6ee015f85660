//! Inheritance and kinds, prepared before typify sees the schemas.
//!
//! Graph writes a derived type as `allOf: [$ref base, {own properties}]` (`entity` → `outlookItem` →
//! `message`). typify would emit a struct per part held together by `#[serde(flatten)]`, which cannot be
//! built with `..Default::default()` field by field; so every `allOf` of objects is flattened here into one
//! object holding every inherited property, base first. An abstract base carries a `discriminator` with a
//! `mapping` (`attachment`, told apart by `@odata.type`); typify has no variant for a kind it does not know,
//! so such a schema becomes a [`Kind`], emitted by [`kind_tokens`] as an enum with one variant per mapped
//! kind and a fallback that keeps an unknown kind's JSON.

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{Components, ObjectType, ReferenceOr, Schema, SchemaData, SchemaKind, Type};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::Error;

/// The schemas as the spec gives them, before flattening.
type Originals = BTreeMap<String, ReferenceOr<Schema>>;

const SCHEMA_PREFIX: &str = "#/components/schemas/";

/// A schema with a discriminator and a mapping: decoded by the discriminator property's value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kind {
    /// The schema's name in `components/schemas`.
    pub schema: String,
    /// The discriminator property, such as `@odata.type`.
    pub property: String,
    /// Each mapping value as written on the wire and the schema it names, in the spec's order.
    pub variants: Vec<(String, String)>,
    pub description: Option<String>,
}

/// Flattens every `allOf` of objects in `components/schemas` (and inline in their properties) into one
/// object, and returns the schemas that have a discriminator with a mapping.
pub fn prepare(components: &mut Components) -> Result<Vec<Kind>, Error> {
    let original: Originals = components.schemas.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    let mut done: BTreeMap<String, Option<Schema>> = BTreeMap::new();
    let names: Vec<String> = original.keys().cloned().collect();
    for name in &names {
        let mut stack = Vec::new();
        flattened(name, &original, &mut done, &mut stack)?;
    }
    for name in &names {
        if let Some(Some(schema)) = done.get(name) {
            components.schemas.insert(name.clone(), ReferenceOr::Item(schema.clone()));
        }
        if let Some(ReferenceOr::Item(schema)) = components.schemas.get_mut(name) {
            let mut stack = Vec::new();
            clean_properties(schema, &original, &mut done, &mut stack)?;
        }
    }
    let mut kinds = Vec::new();
    for (name, schema) in &components.schemas {
        let ReferenceOr::Item(schema) = schema else { continue };
        let Some(d) = &schema.schema_data.discriminator else { continue };
        if d.mapping.is_empty() {
            continue;
        }
        let mut variants = Vec::new();
        let mut targets = BTreeSet::new();
        for (value, target) in &d.mapping {
            let target_name = target.strip_prefix(SCHEMA_PREFIX).unwrap_or(target);
            if !components.schemas.contains_key(target_name) {
                return Err(Error::Invalid {
                    place: format!("schema `{name}`"),
                    why: format!("discriminator mapping `{value}` names `{target}`, which is not a schema"),
                });
            }
            // The base itself cannot be a variant of the enum that replaces it; its own JSON is kept by
            // the fallback variant. A schema mapped twice (two spellings of one kind) is one variant.
            if target_name == name || !targets.insert(target_name.to_string()) {
                continue;
            }
            variants.push((value.clone(), target_name.to_string()));
        }
        kinds.push(Kind {
            schema: name.clone(),
            property: d.property_name.clone(),
            variants,
            description: schema.schema_data.description.clone().or_else(|| schema.schema_data.title.clone()),
        });
    }
    Ok(kinds)
}

/// The flattened form of component `name`, or `None` when it is not an `allOf` of objects (typify gets it
/// as it is).
fn flattened(
    name: &str,
    original: &Originals,
    done: &mut BTreeMap<String, Option<Schema>>,
    stack: &mut Vec<String>,
) -> Result<Option<Schema>, Error> {
    if let Some(result) = done.get(name) {
        return Ok(result.clone());
    }
    if stack.iter().any(|s| s == name) {
        stack.push(name.to_string());
        return Err(Error::Invalid {
            place: format!("schema `{}`", stack[0]),
            why: format!("`allOf` inherits from itself: {}", stack.join(" -> ")),
        });
    }
    let Some(ReferenceOr::Item(schema)) = original.get(name) else {
        done.insert(name.to_string(), None);
        return Ok(None);
    };
    stack.push(name.to_string());
    let result = flatten_schema(schema, original, done, stack)?;
    stack.pop();
    done.insert(name.to_string(), result.clone());
    Ok(result)
}

/// An object's properties and required list, whether it is written as an object or as a flattened `allOf`.
fn object_of(
    part: &ReferenceOr<Schema>,
    original: &Originals,
    done: &mut BTreeMap<String, Option<Schema>>,
    stack: &mut Vec<String>,
) -> Result<Option<(SchemaData, ObjectType)>, Error> {
    let schema = match part {
        ReferenceOr::Reference { reference } => {
            let Some(target) = reference.strip_prefix(SCHEMA_PREFIX) else { return Ok(None) };
            match flattened(target, original, done, stack)? {
                Some(schema) => schema,
                None => match original.get(target) {
                    Some(ReferenceOr::Item(schema)) => schema.clone(),
                    _ => return Ok(None),
                },
            }
        }
        ReferenceOr::Item(schema) => match flatten_schema(schema, original, done, stack)? {
            Some(schema) => schema,
            None => schema.clone(),
        },
    };
    match schema.schema_kind {
        SchemaKind::Type(Type::Object(object)) => Ok(Some((schema.schema_data, object))),
        SchemaKind::Any(any) if any.all_of.is_empty() && any.one_of.is_empty() && any.any_of.is_empty() => {
            let object = ObjectType {
                properties: any.properties,
                required: any.required,
                additional_properties: any.additional_properties,
                min_properties: any.min_properties,
                max_properties: any.max_properties,
            };
            Ok(Some((schema.schema_data, object)))
        }
        _ => Ok(None),
    }
}

fn flatten_schema(
    schema: &Schema,
    original: &Originals,
    done: &mut BTreeMap<String, Option<Schema>>,
    stack: &mut Vec<String>,
) -> Result<Option<Schema>, Error> {
    // `allOf` beside properties of the schema's own (`{allOf: [$ref base], properties: …}`) counts too.
    let (parts, own): (Vec<ReferenceOr<Schema>>, Option<ObjectType>) = match &schema.schema_kind {
        SchemaKind::AllOf { all_of } => (all_of.clone(), None),
        SchemaKind::Any(any) if !any.all_of.is_empty() && any.one_of.is_empty() && any.any_of.is_empty() => {
            let own = ObjectType {
                properties: any.properties.clone(),
                required: any.required.clone(),
                additional_properties: any.additional_properties.clone(),
                min_properties: any.min_properties,
                max_properties: any.max_properties,
            };
            (any.all_of.clone(), Some(own))
        }
        _ => return Ok(None),
    };
    let mut data = schema.schema_data.clone();
    let mut object = ObjectType::default();
    let mut objects = Vec::new();
    for part in &parts {
        let inline = matches!(part, ReferenceOr::Item(_));
        let Some((part_data, part_object)) = object_of(part, original, done, stack)? else {
            return Ok(None);
        };
        objects.push((inline, part_data, part_object));
    }
    if let Some(own) = own {
        objects.push((true, SchemaData::default(), own));
    }
    for (inline, part_data, part_object) in objects {
        // The derived type's own text and discriminator come from its inline part (Microsoft puts `title`
        // there); a base's discriminator stays with the base.
        if inline {
            data.title = data.title.or(part_data.title);
            data.description = data.description.or(part_data.description);
            data.discriminator = data.discriminator.or(part_data.discriminator);
        }
        for (name, property) in part_object.properties {
            // A derived type may restate a property; its own statement wins, at the base's place.
            object.properties.insert(name, property);
        }
        for name in part_object.required {
            if !object.required.contains(&name) {
                object.required.push(name);
            }
        }
        object.additional_properties = object.additional_properties.or(part_object.additional_properties);
    }
    Ok(Some(Schema { schema_data: data, schema_kind: SchemaKind::Type(Type::Object(object)) }))
}

/// Property and item schemas: a lone `$ref` wrapped in `allOf`/`anyOf`/`oneOf` (the usual way to put
/// `nullable` or a description beside a `$ref`, possibly with a `nullable` empty object as the second
/// choice) becomes the `$ref`, and an inline `allOf` of objects is flattened.
fn clean_properties(
    schema: &mut Schema,
    original: &Originals,
    done: &mut BTreeMap<String, Option<Schema>>,
    stack: &mut Vec<String>,
) -> Result<(), Error> {
    let properties = match &mut schema.schema_kind {
        SchemaKind::Type(Type::Object(object)) => object.properties.values_mut().collect::<Vec<_>>(),
        SchemaKind::Type(Type::Array(array)) => array.items.iter_mut().collect(),
        SchemaKind::Any(any) => any.properties.values_mut().chain(any.items.iter_mut()).collect(),
        _ => Vec::new(),
    };
    for property in properties {
        let ReferenceOr::Item(inner) = property else { continue };
        if let Some(reference) = lone_reference(inner) {
            *property = ReferenceOr::Reference { reference };
            continue;
        }
        if let Some(flat) = flatten_schema(inner, original, done, stack)? {
            **inner = flat;
        }
        clean_properties(inner, original, done, stack)?;
    }
    Ok(())
}

fn lone_reference(schema: &Schema) -> Option<String> {
    let list = match &schema.schema_kind {
        SchemaKind::AllOf { all_of: list }
        | SchemaKind::AnyOf { any_of: list }
        | SchemaKind::OneOf { one_of: list } => list,
        _ => return None,
    };
    let mut reference = None;
    for part in list {
        match part {
            ReferenceOr::Reference { reference: r } if reference.is_none() => reference = Some(r.clone()),
            // `{type: object, nullable: true}` or `{nullable: true}`: only says the value may be null.
            ReferenceOr::Item(s) if s.schema_data.nullable && is_empty_schema(s) => {}
            _ => return None,
        }
    }
    reference
}

fn is_empty_schema(schema: &Schema) -> bool {
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(o)) => o.properties.is_empty() && o.additional_properties.is_none(),
        SchemaKind::Any(any) => any.properties.is_empty() && any.all_of.is_empty() && any.typ.is_none(),
        _ => false,
    }
}

/// The enum of one [`Kind`]: a variant per mapped kind and `Other` with the JSON of any other kind. Decoding
/// reads the discriminator property; encoding writes the variant's value first. `rust_name` maps schema
/// names to their Rust type names.
pub fn kind_tokens(kind: &Kind, rust_name: &dyn Fn(&str) -> String) -> TokenStream {
    let name = format_ident!("{}", rust_name(&kind.schema));
    let property = kind.property.as_str();
    let doc = match &kind.description {
        Some(d) => format!(" {}", crate::names::doc_text(d)),
        None => format!(" `{}`", crate::names::doc_text(&kind.schema)),
    };
    let kinds_doc = format!(
        " One of its kinds, told apart by `{}`; a kind this client does not know decodes as `Other`.",
        crate::names::doc_text(property)
    );
    let variants: Vec<_> =
        kind.variants.iter().map(|(_, target)| format_ident!("{}", rust_name(target))).collect();
    let values: Vec<&str> = kind.variants.iter().map(|(value, _)| value.as_str()).collect();
    // Graph writes `#microsoft.graph.fileAttachment`; OData allows the name without `#` as well. Each
    // spelling is matched once, by the first variant that has it.
    let mut seen: BTreeSet<String> = values.iter().map(|v| v.to_string()).collect();
    let patterns: Vec<TokenStream> = values
        .iter()
        .map(|v| {
            let other = match v.strip_prefix('#') {
                Some(bare) => bare.to_string(),
                None => format!("#{v}"),
            };
            if seen.insert(other.clone()) {
                quote!(#v | #other)
            } else {
                quote!(#v)
            }
        })
        .collect();
    let variant_docs: Vec<String> = values.iter().map(|v| format!(" `{property}: {v}`")).collect();
    quote! {
        #[doc = #doc]
        #[doc = ""]
        #[doc = #kinds_doc]
        #[derive(Clone, Debug)]
        // Kinds are matched and built by value (`Attachment::FileAttachment(FileAttachment { .. })`), as typify's
        // own enums are; boxing the large ones would cost every caller that.
        #[allow(clippy::large_enum_variant)]
        pub enum #name {
            #(
                #[doc = #variant_docs]
                #variants(#variants),
            )*
            /// A kind this client does not know, as its JSON.
            Other(::serde_json::Value),
        }

        #(
            impl ::std::convert::From<#variants> for #name {
                fn from(value: #variants) -> Self {
                    Self::#variants(value)
                }
            }
        )*

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                let (kind, value) = match self {
                    #(Self::#variants(value) => (#values, ::serde_json::to_value(value)),)*
                    Self::Other(value) => return ::serde::Serialize::serialize(value, serializer),
                };
                let value = value.map_err(<S::Error as ::serde::ser::Error>::custom)?;
                let mut map = ::serde_json::Map::new();
                map.insert(#property.to_owned(), ::serde_json::Value::String(kind.to_owned()));
                if let ::serde_json::Value::Object(fields) = value {
                    for (key, field) in fields {
                        if key != #property {
                            map.insert(key, field);
                        }
                    }
                }
                ::serde::Serialize::serialize(&map, serializer)
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                let kind = value.get(#property).and_then(::serde_json::Value::as_str).unwrap_or_default();
                match kind {
                    #(#patterns => ::serde_json::from_value(value)
                        .map(Self::#variants)
                        .map_err(<D::Error as ::serde::de::Error>::custom),)*
                    _ => Ok(Self::Other(value)),
                }
            }
        }
    }
}
