//! `new(required…)` for each schema struct that has required fields, so an app builds an action body or a
//! type with an `@odata.type` it must send without spelling out every optional field.
//!
//! typify derives `Default` only where every field may be absent; giving one where a field is required
//! would invent its value. A constructor takes exactly the required fields, in the type's field order, and
//! leaves the optional ones unset (`None`). A struct with a non-required field that is not an `Option`
//! (a schema `default` typify fills in) gets no constructor: its value is typify's to choose, not ours.

use proc_macro2::{TokenStream, TokenTree};
use quote::quote;
use typify::{TypeDetails, TypeSpace};

/// The `impl … { pub fn new(…) }` blocks for the structs of `space`.
pub fn tokens(space: &TypeSpace) -> TokenStream {
    let mut out = TokenStream::new();
    for ty in space.iter_types() {
        let TypeDetails::Struct(details) = ty.details() else { continue };
        let mut arguments = Vec::new();
        let mut fields = Vec::new();
        let mut docs = Vec::new();
        let mut unset_is_none = true;
        for prop in details.properties_info() {
            // typify's names are identifiers already; one that is not (a raw `r#…` or anything odd a spec
            // could bring) gives its type no constructor rather than a panic.
            let Some(name) = ident(prop.name) else {
                unset_is_none = false;
                break;
            };
            let Ok(prop_type) = space.get_type(&prop.type_id) else {
                unset_is_none = false;
                break;
            };
            if prop.required {
                if matches!(prop_type.details(), TypeDetails::String) {
                    arguments.push(quote!(#name: impl ::std::convert::Into<::std::string::String>));
                    fields.push(quote!(#name: #name.into()));
                } else {
                    let ident = local(prop_type.ident());
                    arguments.push(quote!(#name: #ident));
                    fields.push(quote!(#name));
                }
                docs.push(format!(" - `{}`", prop.name));
            } else if matches!(prop_type.details(), TypeDetails::Option(_)) {
                fields.push(quote!(#name: ::std::option::Option::None));
            } else {
                unset_is_none = false;
                break;
            }
        }
        if arguments.is_empty() || !unset_is_none {
            continue;
        }
        let Some(type_name) = ident(&ty.name()) else { continue };
        let summary = " Makes one from its required fields; every optional field is unset:";
        // clippy's limit is seven; a schema decides how many fields are required.
        let allow = (arguments.len() > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
        out.extend(quote! {
            impl #type_name {
                #[doc = #summary]
                #(#[doc = #docs])*
                #allow
                pub fn new(#(#arguments),*) -> Self {
                    Self { #(#fields),* }
                }
            }
        });
    }
    out
}

/// `text` as an identifier (`r#type` as a raw one), or `None` where it is not one.
fn ident(text: &str) -> Option<proc_macro2::Ident> {
    syn::parse_str::<syn::Ident>(text).ok()
}

/// A type as named inside the types module: typify names the types it made `types::X` (the module
/// progenitor puts them in), which inside that module is `X`.
fn local(tokens: TokenStream) -> TokenStream {
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    let mut out = TokenStream::new();
    let mut i = 0;
    while i < trees.len() {
        match &trees[i] {
            TokenTree::Ident(ident)
                if ident == "types"
                    && matches!(trees.get(i + 1), Some(TokenTree::Punct(p)) if p.as_char() == ':')
                    && matches!(trees.get(i + 2), Some(TokenTree::Punct(p)) if p.as_char() == ':') =>
            {
                i += 3;
                continue;
            }
            TokenTree::Group(group) => {
                let mut inner = proc_macro2::Group::new(group.delimiter(), local(group.stream()));
                inner.set_span(group.span());
                out.extend([TokenTree::Group(inner)]);
            }
            other => out.extend([other.clone()]),
        }
        i += 1;
    }
    out
}
