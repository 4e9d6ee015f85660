//! The list of public items that `generated-client/API.md` shows: one line per public struct, field, enum,
//! variant, method and trait impl of the emitted code, with its signature, paths as apps write them
//! (`generated_client::types::Message` is `types::Message`). Made from the syntax trees the generator
//! formats anyway, so the emitted source is never parsed a second time.

use crate::api_names::{argument_text, type_text};

/// The lines of a module's items, each with the item path it sorts by; `prefix` is the module's path
/// (`""` for `mod.rs`, `"types::"` for `types.rs`).
pub fn lines(prefix: &str, file: &syn::File) -> Vec<(String, String)> {
    let mut out = Vec::new();
    items(prefix, &file.items, &mut out);
    out
}

fn is_pub(vis: &syn::Visibility) -> bool {
    matches!(vis, syn::Visibility::Public(_))
}

fn derives(attrs: &[syn::Attribute]) -> String {
    let mut names = Vec::new();
    for a in attrs.iter().filter(|a| a.path().is_ident("derive")) {
        let _ = a.parse_nested_meta(|meta| {
            if let Some(last) = meta.path.segments.last() {
                names.push(last.ident.to_string());
            }
            Ok(())
        });
    }
    names.sort();
    if names.is_empty() {
        String::new()
    } else {
        format!(" #[derive({})]", names.join(", "))
    }
}

fn items(prefix: &str, list: &[syn::Item], out: &mut Vec<(String, String)>) {
    for item in list {
        match item {
            syn::Item::Struct(s) if is_pub(&s.vis) => {
                let name = format!("{prefix}{}", s.ident);
                out.push((name.clone(), format!("struct {name}{}", derives(&s.attrs))));
                for (i, f) in s.fields.iter().enumerate() {
                    if !is_pub(&f.vis) {
                        continue;
                    }
                    let field = f.ident.as_ref().map_or(i.to_string(), ToString::to_string);
                    out.push((
                        format!("{name}::{field}"),
                        format!("field {name}::{field}: {}", type_text(&f.ty)),
                    ));
                }
            }
            syn::Item::Enum(e) if is_pub(&e.vis) => {
                let name = format!("{prefix}{}", e.ident);
                out.push((name.clone(), format!("enum {name}{}", derives(&e.attrs))));
                for v in &e.variants {
                    let fields: Vec<String> = v.fields.iter().map(|f| type_text(&f.ty)).collect();
                    let shape =
                        if fields.is_empty() { String::new() } else { format!("({})", fields.join(", ")) };
                    out.push((format!("{name}::{}", v.ident), format!("variant {name}::{}{shape}", v.ident)));
                }
            }
            syn::Item::Type(t) if is_pub(&t.vis) => {
                out.push((
                    format!("{prefix}{}", t.ident),
                    format!("type {prefix}{} = {}", t.ident, type_text(&t.ty)),
                ));
            }
            syn::Item::Mod(m) if is_pub(&m.vis) => {
                if let Some((_, inner)) = &m.content {
                    items(&format!("{prefix}{}::", m.ident), inner, out);
                }
            }
            syn::Item::Impl(imp) => impl_lines(prefix, imp, out),
            _ => {}
        }
    }
}

fn impl_lines(prefix: &str, imp: &syn::ItemImpl, out: &mut Vec<(String, String)>) {
    let ty = type_text(&imp.self_ty);
    let owner = if ty == "Client" || prefix.is_empty() { ty.clone() } else { format!("{prefix}{ty}") };
    if let Some((_, path, _)) = &imp.trait_ {
        let tr = type_text(&syn::Type::Path(syn::TypePath { qself: None, path: path.clone() }));
        let assoc: Vec<String> = imp
            .items
            .iter()
            .filter_map(|i| match i {
                syn::ImplItem::Type(t) => Some(format!("{} = {}", t.ident, type_text(&t.ty))),
                _ => None,
            })
            .collect();
        let assoc = if assoc.is_empty() { String::new() } else { format!(" {{ {} }}", assoc.join("; ")) };
        out.push((format!("{owner} impl {tr}"), format!("impl {tr} for {owner}{assoc}")));
        return;
    }
    for i in &imp.items {
        let syn::ImplItem::Fn(f) = i else { continue };
        if !is_pub(&f.vis) {
            continue;
        }
        let args: Vec<String> = f
            .sig
            .inputs
            .iter()
            .map(|a| match a {
                syn::FnArg::Receiver(r) => {
                    let amp = if r.reference.is_some() { "&" } else { "" };
                    let m = if r.mutability.is_some() { "mut " } else { "" };
                    format!("{amp}{m}self")
                }
                syn::FnArg::Typed(t) => argument_text(t),
            })
            .collect();
        let ret = match &f.sig.output {
            syn::ReturnType::Default => String::new(),
            syn::ReturnType::Type(_, t) => format!(" -> {}", type_text(t)),
        };
        out.push((
            format!("{owner}::{}", f.sig.ident),
            format!("fn {owner}::{}({}){ret}", f.sig.ident, args.join(", ")),
        ));
    }
}
