//! Which Rust item the generator emits for each part of a spec: a schema's type and its fields or variants, an
//! operation's method and request builder. Reviewers' tools (`cargo xtask diff`) name the Rust API a spec
//! change touches with it.
//!
//! Nothing here decides a name. The schemas go through the generator's own type pass and the operations
//! through its own model and emitter, and the names are read back from the tokens those produce, so this map
//! cannot drift from what `generate` writes.

use std::collections::BTreeMap;

use openapiv3::{MediaType, OpenAPI, Operation, PathItem, ReferenceOr, Response, Responses, StatusCode};

use crate::{emit, model, names, resolve, types, Error, Settings};

/// The Rust items of a spec, by the spec's own keys.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApiNames {
    /// By `components/schemas` name (`microsoft.graph.message`).
    pub types: BTreeMap<String, TypeItem>,
    /// By upper-case method and path template (`("POST", "/me/messages/{message-id}/send")`).
    pub operations: BTreeMap<(String, String), OperationItem>,
    /// Every emitted type by its Rust name, request bodies written inline in an operation among them.
    pub rust_types: BTreeMap<String, TypeItem>,
}

/// A schema's type in the client's `types` module.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TypeItem {
    /// The type's name (`Message`).
    pub name: String,
    /// By JSON property name (`isRead`).
    pub fields: BTreeMap<String, Field>,
    /// By enum value (`high`): the variant's name (`High`).
    pub variants: BTreeMap<String, String>,
}

/// A field of a schema type.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Field {
    /// `is_read`.
    pub name: String,
    /// The field's type as a reader writes it (`Option<bool>`, `Vec<Recipient>`).
    pub ty: String,
}

/// Where an operation lives in the resource tree.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OperationItem {
    /// The type whose method starts the request (`Message`; `Client` at the root).
    pub owner: String,
    /// The method (`send`).
    pub method: String,
    /// The request builder it returns (`MessageSend`).
    pub builder: String,
    /// The method's arguments, as `name: Type`.
    pub arguments: Vec<String>,
    /// The builder's setters (optional parameters and bodies).
    pub setters: Vec<String>,
    /// What awaiting the builder gives (`Result<Message, Error>`).
    pub output: String,
}

impl OperationItem {
    /// `Message::send`.
    pub fn path(&self) -> String {
        format!("{}::{}", self.owner, self.method)
    }
}

/// An operationId no spec uses, for the probe operations that ask the type pass for each schema's name.
const PROBE: &str = "\u{0}api-names-probe";

/// Maps every schema and operation of `spec` to the Rust items [`crate::generate`] emits for them.
pub fn api_names(spec: &OpenAPI, settings: &Settings) -> Result<ApiNames, Error> {
    // One probe operation per schema answers with that schema, so the type pass names it by its own rules.
    let mut probe = spec.clone();
    let schema_names: Vec<String> =
        spec.components.as_ref().map(|c| c.schemas.keys().cloned().collect()).unwrap_or_default();
    for (i, name) in schema_names.iter().enumerate() {
        let mut responses = Responses::default();
        let media = MediaType {
            schema: Some(ReferenceOr::Reference { reference: format!("#/components/schemas/{name}") }),
            ..MediaType::default()
        };
        let response = Response {
            description: String::new(),
            content: [("application/json".to_string(), media)].into_iter().collect(),
            ..Response::default()
        };
        responses.responses.insert(StatusCode::Code(200), ReferenceOr::Item(response));
        let op = Operation { operation_id: Some(format!("{PROBE}{i}")), responses, ..Operation::default() };
        let item = PathItem { get: Some(op), ..PathItem::default() };
        probe.paths.paths.insert(format!("/{PROBE}/{i}"), ReferenceOr::Item(item));
    }
    let types = types::generate(&probe)?;
    let file: syn::File = syn::parse2(types.tokens.clone())
        .map_err(|e| Error::Emit { file: "types.rs".into(), why: e.to_string() })?;
    let mut items: BTreeMap<String, TypeItem> = BTreeMap::new();
    for item in &file.items {
        match item {
            syn::Item::Struct(s) => {
                let mut t = TypeItem { name: s.ident.to_string(), ..TypeItem::default() };
                for f in &s.fields {
                    let Some(ident) = &f.ident else { continue };
                    let name = ident.to_string();
                    let json = serde_rename(&f.attrs).unwrap_or_else(|| name.trim_start_matches("r#").into());
                    t.fields.insert(json, Field { name, ty: type_text(&f.ty) });
                }
                items.insert(t.name.clone(), t);
            }
            syn::Item::Enum(e) => {
                let mut t = TypeItem { name: e.ident.to_string(), ..TypeItem::default() };
                for v in &e.variants {
                    let name = v.ident.to_string();
                    let value = serde_rename(&v.attrs).unwrap_or_else(|| name.clone());
                    t.variants.insert(value, name);
                }
                items.insert(t.name.clone(), t);
            }
            _ => {}
        }
    }
    let mut out = ApiNames::default();
    for (i, name) in schema_names.iter().enumerate() {
        let rust = types.bodies.get(&format!("{PROBE}{i}")).and_then(|b| match &b.response {
            Some(crate::bodies::Body::Json(name)) => Some(name.clone()),
            _ => None,
        });
        if let Some(item) = rust.and_then(|r| items.get(&r)) {
            out.types.insert(name.clone(), item.clone());
        }
    }

    out.rust_types = items;
    let operations = model::operations(spec, &types.bodies)?;
    let mut tree = model::tree(operations)?;
    model::unify(&mut tree, &settings.aliases, &model::entity_keys(spec));
    let tokens = emit::api(&resolve::resolve(
        &tree,
        &names::CLIENT_METHODS.iter().map(|m| m.to_string()).collect(),
        &types.names,
    )?);
    let file: syn::File =
        syn::parse2(tokens).map_err(|e| Error::Emit { file: "mod.rs".into(), why: e.to_string() })?;
    out.operations = operation_items(&file);
    Ok(out)
}

/// Reads the emitted resource API: each method that returns a request builder lists, in its docs, the
/// operations (`- POST /me/messages/{message-id}/send`) it sends.
fn operation_items(file: &syn::File) -> BTreeMap<(String, String), OperationItem> {
    let mut setters: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut outputs: BTreeMap<String, String> = BTreeMap::new();
    for item in &file.items {
        let syn::Item::Impl(imp) = item else { continue };
        let syn::Type::Path(ty) = &*imp.self_ty else { continue };
        let Some(owner) = ty.path.segments.last().map(|s| s.ident.to_string()) else { continue };
        if imp.trait_.is_some() {
            for i in &imp.items {
                if let syn::ImplItem::Type(t) = i {
                    if t.ident == "Output" {
                        outputs.insert(owner.clone(), type_text(&t.ty));
                    }
                }
            }
            continue;
        }
        let fns: Vec<&syn::ImplItemFn> = imp
            .items
            .iter()
            .filter_map(|i| if let syn::ImplItem::Fn(f) = i { Some(f) } else { None })
            .collect();
        if fns.iter().any(|f| f.sig.ident == "into_operation") {
            let names = fns
                .iter()
                .filter(|f| matches!(f.vis, syn::Visibility::Public(_)) && f.sig.ident != "items")
                .map(|f| f.sig.ident.to_string())
                .collect();
            setters.insert(owner, names);
        }
    }
    let mut out = BTreeMap::new();
    for item in &file.items {
        let syn::Item::Impl(imp) = item else { continue };
        let syn::Type::Path(ty) = &*imp.self_ty else { continue };
        let Some(owner) = ty.path.segments.last().map(|s| s.ident.to_string()) else { continue };
        for i in &imp.items {
            let syn::ImplItem::Fn(f) = i else { continue };
            let syn::ReturnType::Type(_, ret) = &f.sig.output else { continue };
            let builder = type_text(ret);
            let Some(builder_setters) = setters.get(&builder) else { continue };
            let arguments: Vec<String> = f
                .sig
                .inputs
                .iter()
                .filter_map(|a| match a {
                    syn::FnArg::Typed(t) => Some(argument_text(t)),
                    syn::FnArg::Receiver(_) => None,
                })
                .collect();
            for line in doc_lines(&f.attrs) {
                let Some(rest) = line.trim().strip_prefix("- ") else { continue };
                let Some((method, path)) = rest.split_once(' ') else { continue };
                if !method.chars().all(|c| c.is_ascii_uppercase()) || !path.starts_with('/') {
                    continue;
                }
                let op = OperationItem {
                    owner: owner.clone(),
                    method: f.sig.ident.to_string(),
                    builder: builder.clone(),
                    arguments: arguments.clone(),
                    setters: builder_setters.clone(),
                    output: outputs.get(&builder).cloned().unwrap_or_default(),
                };
                out.entry((method.to_string(), unescape(path))).or_insert(op);
            }
        }
    }
    out
}

fn doc_lines(attrs: &[syn::Attribute]) -> Vec<String> {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .filter_map(|a| match &a.meta {
            syn::Meta::NameValue(nv) => match &nv.value {
                syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }) => Some(s.value()),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

/// Undoes [`crate::names::doc_text`]'s escapes: each `\` stands before the character it protects.
fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(next) = chars.next() {
                out.push(next);
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The JSON name `#[serde(rename = "…")]` gives a field or variant.
fn serde_rename(attrs: &[syn::Attribute]) -> Option<String> {
    let mut found = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                let s: syn::LitStr = meta.value()?.parse()?;
                found = Some(s.value());
            } else if meta.input.peek(syn::Token![=]) {
                let _: syn::Expr = meta.value()?.parse()?;
            }
            Ok(())
        });
    }
    found
}

/// An argument as a reader writes it: `body: MoveBody`.
pub fn argument_text(arg: &syn::PatType) -> String {
    let pat = &arg.pat;
    format!("{}: {}", quote::quote!(#pat), type_text(&arg.ty))
}

/// A type as a reader writes it: `::std::option::Option<::std::string::String>` → `Option<String>`.
pub fn type_text(ty: &syn::Type) -> String {
    match ty {
        syn::Type::Path(p) => {
            let Some(last) = p.path.segments.last() else { return String::new() };
            let mut s = last.ident.to_string();
            if let syn::PathArguments::AngleBracketed(args) = &last.arguments {
                let inner: Vec<String> = args
                    .args
                    .iter()
                    .map(|a| match a {
                        syn::GenericArgument::Type(t) => type_text(t),
                        other => quote::quote!(#other).to_string(),
                    })
                    .collect();
                s.push('<');
                s.push_str(&inner.join(", "));
                s.push('>');
            }
            s
        }
        syn::Type::Reference(r) => format!("&{}", type_text(&r.elem)),
        syn::Type::ImplTrait(t) => {
            let bounds: Vec<String> = t
                .bounds
                .iter()
                .map(|b| match b {
                    syn::TypeParamBound::Trait(tb) => {
                        let path = syn::Type::Path(syn::TypePath { qself: None, path: tb.path.clone() });
                        type_text(&path)
                    }
                    other => quote::quote!(#other).to_string(),
                })
                .collect();
            format!("impl {}", bounds.join(" + "))
        }
        syn::Type::Tuple(t) if t.elems.is_empty() => "()".into(),
        other => quote::quote!(#other).to_string(),
    }
}
