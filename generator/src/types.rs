//! Schema types through progenitor (which drives typify): `components/schemas` → Rust types.
//!
//! Schema names lose their namespace where they stay unique, inline bodies are lifted into
//! `components/schemas` ([`crate::bodies`]) and inheritance is flattened ([`crate::inherit`]); progenitor then
//! generates the type space from a copy of the spec without paths (its operation code is not used:
//! ARCHITECTURE.md says why), and each body's type is looked up by the name typify gives its schema. Fields
//! that typify defaults decode `null` as their default.

use std::collections::BTreeMap;

use openapiv3::{OpenAPI, ReferenceOr, Schema};
use proc_macro2::TokenStream;

use crate::bodies::{self, collection_item, Bodies, Body, Gathered, Named, SCHEMA_PREFIX};
use crate::names::typify_name;
use crate::{inherit, names, walk, Error};

/// Generated types, and per operationId the Rust type names of its request and success response bodies.
#[derive(Debug)]
pub struct Types {
    pub tokens: TokenStream,
    /// The name of every type in the types module, which no request type may take.
    pub names: std::collections::BTreeSet<String>,
    pub bodies: BTreeMap<String, Bodies>,
    pub uses_chrono: bool,
    pub uses_uuid: bool,
    pub uses_regress: bool,
}

pub fn generate(spec: &OpenAPI) -> Result<Types, Error> {
    let mut spec = short_schema_names(spec)?;
    let Gathered { bodies, inlines } = bodies::gather(&spec)?;
    let lifted = bodies::name_inline_bodies(inlines, spec.components.as_ref())?;
    let comps = spec.components.get_or_insert_with(Default::default);
    for (name, schema) in &lifted {
        comps.schemas.insert(name.clone(), schema.clone());
    }
    let kinds = inherit::prepare(comps)?;
    comps.schemas.values_mut().for_each(sanitize_docs);
    spec.paths = Default::default();

    let mut settings = progenitor_impl::GenerationSettings::default();
    // Graph's `Edm.DateTimeOffset` as the runtime's own small type rather than chrono's, which would be a
    // date-time crate in every app's build for a handful of fields (ARCHITECTURE.md).
    let date_time = schemars::schema::SchemaObject {
        instance_type: Some(schemars::schema::InstanceType::String.into()),
        format: Some("date-time".to_string()),
        ..Default::default()
    };
    let impls = [progenitor_impl::TypeImpl::Display, progenitor_impl::TypeImpl::FromStr];
    settings.with_conversion(date_time, "crate::runtime::Timestamp", impls.into_iter());
    // typify leaves these out; [`inherit::kind_tokens`] emits them under the same name.
    for kind in &kinds {
        let name = typify_name(&kind.schema);
        settings.with_replacement(&name, &name, std::iter::empty());
    }
    let mut generator = progenitor_impl::Generator::new(&settings);
    // typify and progenitor assert on some schema shapes; a hostile spec must give an error, not a panic.
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| generator.generate_tokens(&spec)));
    match result {
        Ok(Ok(_)) => {}
        Ok(Err(e)) => return Err(Error::Types(e.to_string())),
        Err(panic) => {
            let why = panic
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| panic.downcast_ref::<&str>().copied())
                .unwrap_or("no message");
            return Err(Error::Types(format!("typify could not handle the schemas ({why})")));
        }
    }
    let space = generator.get_type_space();
    let mut known: Vec<String> = space.iter_types().map(|t| t.name()).collect();
    known.extend(kinds.iter().map(|k| typify_name(&k.schema)));
    let mut resolved = BTreeMap::new();
    for (id, (request, response, alternative)) in bodies {
        let item = match &response {
            Some(Named::Json(r)) => collection_item(spec.components.as_ref(), r),
            Some(Named::Inline(index)) => collection_item(spec.components.as_ref(), &lifted[*index].0),
            _ => None,
        };
        let rust_name = |schema: Option<String>| -> Result<Option<String>, Error> {
            let Some(schema) = schema else { return Ok(None) };
            let name = typify_name(&schema);
            if known.contains(&name) {
                Ok(Some(name))
            } else {
                Err(Error::Types(format!("no type was generated for schema `{schema}` (operation `{id}`)")))
            }
        };
        let body = |named: Option<Named>| -> Result<Option<Body>, Error> {
            Ok(match named {
                None => None,
                Some(Named::Json(schema)) => rust_name(Some(schema))?.map(Body::Json),
                Some(Named::Inline(index)) => rust_name(Some(lifted[index].0.clone()))?.map(Body::Json),
                Some(Named::Raw(types)) => Some(Body::Raw(types)),
            })
        };
        let r = Bodies {
            request: body(request)?,
            response: body(response)?,
            item: rust_name(item)?,
            alternative,
        };
        resolved.insert(id, r);
    }
    let mut tokens = nulls_decode(space.to_stream())?;
    tokens.extend(crate::constructors::tokens(space));
    for kind in &kinds {
        tokens.extend(inherit::kind_tokens(kind, &|schema: &str| typify_name(schema)));
    }
    Ok(Types {
        tokens,
        names: known.iter().cloned().collect(),
        bodies: resolved,
        uses_chrono: space.uses_chrono(),
        uses_uuid: space.uses_uuid(),
        uses_regress: space.uses_regress(),
    })
}

/// Puts every title and description through [`names::doc_text`] before typify copies them into doc comments
/// as they are: spec text must not become a code block (which rustdoc would run as a doctest), raw HTML, or
/// characters rustc refuses in comments. Only text is touched; names, defaults and enum values stay as given.
fn sanitize_docs(schema: &mut ReferenceOr<Schema>) {
    walk::mutable::schema(schema, &mut |node| {
        if let walk::mutable::Node::Schema(schema) = node {
            let data = &mut schema.schema_data;
            for text in [&mut data.title, &mut data.description].into_iter().flatten() {
                *text = names::doc_text(text);
            }
        }
    });
}

/// Schema names lose their namespace (`microsoft.graph.message` → `message`, so the type is `Message`, not
/// `MicrosoftGraphMessage`) wherever the short name stays unique; `$ref`s are rewritten to match.
fn short_schema_names(spec: &OpenAPI) -> Result<OpenAPI, Error> {
    let Some(components) = &spec.components else { return Ok(spec.clone()) };
    let short = |full: &str| full.rsplit('.').next().unwrap_or(full).to_string();
    let mut count: BTreeMap<String, usize> = BTreeMap::new();
    for name in components.schemas.keys() {
        *count.entry(typify_name(&short(name))).or_default() += 1;
    }
    let renames: BTreeMap<String, String> = components
        .schemas
        .keys()
        .filter(|n| short(n) != **n && count.get(&typify_name(&short(n))) == Some(&1) && !short(n).is_empty())
        .map(|n| (n.clone(), short(n)))
        .collect();
    if renames.is_empty() {
        return Ok(spec.clone());
    }
    let mut spec = spec.clone();
    let rename = |name: &mut String| {
        let (prefix, bare) = match name.strip_prefix(SCHEMA_PREFIX) {
            Some(bare) => (SCHEMA_PREFIX, bare),
            None => ("", name.as_str()),
        };
        if let Some(new) = renames.get(bare) {
            *name = format!("{prefix}{new}");
        }
    };
    walk::mutable::document(&mut spec, &mut |node| match node {
        walk::mutable::Node::Ref(reference) if reference.starts_with(SCHEMA_PREFIX) => rename(reference),
        walk::mutable::Node::Ref(_) => {}
        // A discriminator's mapping names schemas too, by `$ref` or by bare name.
        walk::mutable::Node::Schema(schema) => {
            let mapping = schema.schema_data.discriminator.iter_mut().flat_map(|d| d.mapping.values_mut());
            mapping.for_each(rename);
        }
    });
    if let Some(components) = &mut spec.components {
        let old = std::mem::take(&mut components.schemas);
        for (name, schema) in old {
            components.schemas.insert(renames.get(&name).cloned().unwrap_or(name), schema);
        }
    }
    Ok(spec)
}

/// Makes every optional field of the emitted structs decode from JSON `null`: an `Option` does already, but a
/// `Vec` (or map) that typify defaults when absent would fail on `null`, which Graph sends for empty
/// collections. Such fields get `deserialize_with = "null_as_default"`, a helper added to the module.
fn nulls_decode(tokens: TokenStream) -> Result<TokenStream, Error> {
    let mut file: syn::File =
        syn::parse2(tokens).map_err(|e| Error::Types(format!("typify's output does not parse: {e}")))?;
    let mut used = false;
    for item in &mut file.items {
        let syn::Item::Struct(item) = item else { continue };
        for field in item.fields.iter_mut() {
            if is_option(&field.ty) || !field.attrs.iter().any(has_plain_default) {
                continue;
            }
            field.attrs.push(syn::parse_quote!(#[serde(deserialize_with = "null_as_default")]));
            used = true;
        }
    }
    if used {
        file.items.push(syn::parse_quote! {
            /// `null` on the wire decodes as the field's default (an empty `Vec`), as a missing field does.
            fn null_as_default<'de, D, T>(deserializer: D) -> ::std::result::Result<T, D::Error>
            where
                D: ::serde::Deserializer<'de>,
                T: ::serde::Deserialize<'de> + ::std::default::Default,
            {
                let value: ::std::option::Option<T> = ::serde::Deserialize::deserialize(deserializer)?;
                Ok(value.unwrap_or_default())
            }
        });
    }
    Ok(quote::quote!(#file))
}

fn is_option(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "Option"))
}

/// `#[serde(…, default, …)]`: a bare `default`, not `default = "path"` (a declared default value, which `null`
/// must not replace with the type's own default).
fn has_plain_default(attr: &syn::Attribute) -> bool {
    let syn::Meta::List(list) = &attr.meta else { return false };
    if !list.path.is_ident("serde") {
        return false;
    }
    let tokens: Vec<proc_macro2::TokenTree> = list.tokens.clone().into_iter().collect();
    tokens.iter().enumerate().any(|(i, t)| {
        matches!(t, proc_macro2::TokenTree::Ident(id) if id == "default")
            && !matches!(tokens.get(i + 1), Some(proc_macro2::TokenTree::Punct(p)) if p.as_char() == '=')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names_reach_every_ref_and_mapping_and_leave_ambiguous_names_whole() {
        let spec: OpenAPI = serde_json::from_value(serde_json::json!({
            "openapi": "3.0.3",
            "info": { "title": "t", "version": "1" },
            "paths": { "/me/messages": { "get": {
                "parameters": [{ "in": "query", "name": "q", "schema": { "$ref": "#/components/schemas/microsoft.graph.message" } }],
                "responses": { "200": {
                    "description": "ok",
                    "headers": { "x": { "schema": { "$ref": "#/components/schemas/microsoft.graph.message" } } },
                    "content": { "application/json": { "schema": { "type": "array", "items": {
                        "$ref": "#/components/schemas/microsoft.graph.message" } } } }
                } }
            } } },
            "components": { "schemas": {
                "microsoft.graph.message": { "type": "object", "properties": {
                    "parent": { "allOf": [{ "$ref": "#/components/schemas/microsoft.graph.item" }] }
                } },
                "microsoft.graph.item": {
                    "type": "object",
                    "discriminator": { "propertyName": "@odata.type", "mapping": {
                        "#microsoft.graph.message": "#/components/schemas/microsoft.graph.message",
                        "#microsoft.graph.other": "microsoft.graph.item"
                    } }
                },
                "a.thing": { "type": "string" },
                "b.thing": { "type": "string" }
            } }
        }))
        .expect("a document");
        let short = serde_json::to_string(&short_schema_names(&spec).expect("renamed")).expect("json");
        // Every `$ref` and mapping target follows its schema's new name; mapping keys are data, not names.
        assert!(!short.contains("schemas/microsoft.graph."), "{short}");
        assert!(!short.contains("\"microsoft.graph.item\""), "{short}");
        assert_eq!(short.matches("#/components/schemas/message").count(), 4, "{short}");
        assert!(
            short.contains("#/components/schemas/item") && short.contains("\"#microsoft.graph.message\"")
        );
        // Two schemas that would both be `thing` keep their full names.
        assert!(short.contains("\"a.thing\"") && short.contains("\"b.thing\""), "{short}");
    }
}
