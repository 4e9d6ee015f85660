//! The operation emitter: resource tree → Rust tokens (resource types, accessors, request builders).
//!
//! Every identifier comes from [`crate::names`]; every piece of spec text goes out as a string literal or a
//! `#[doc]` attribute, so no spec can inject code.

use std::collections::BTreeSet;

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::model::{self, Edge, Node, Operation};
use crate::names;
use crate::naming::{self, assign_types, collect, display_path, needs_type, signature, Located, TypeTable};
use crate::types::Body;
use crate::Error;

fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

fn lookup<'a>(root: &'a Node, path: &[Edge]) -> Option<&'a Node> {
    let mut node = root;
    for e in path {
        node = node.children.get(e)?;
    }
    Some(node)
}

/// One `#[doc]` attribute per line, so that prettyplease prints `///` lines whatever the text holds (it falls
/// back to `/** */` or `#[doc = "…"]` for an attribute with a line break).
fn doc_attrs(lines: &[String]) -> TokenStream {
    let attrs = lines.iter().flat_map(|l| l.split('\n')).map(|l| {
        let text = if l.is_empty() { String::new() } else { format!(" {l}") };
        quote!(#[doc = #text])
    });
    quote!(#(#attrs)*)
}

/// What a type's `impl` block is made of.
struct Member {
    name: String,
    tokens: TokenStream,
}

struct Emitter {
    table: TypeTable,
    builders: Vec<TokenStream>,
    builder_names: BTreeSet<String>,
    /// Every (path, method) an operation was emitted for, to prove that none was left out.
    emitted: BTreeSet<(Vec<Edge>, String)>,
    /// The tree, to find every place an operation of a shared type is documented at.
    root: Node,
}

/// Emits the resource API for the whole tree; `client_methods` are the names `Client` has already (its
/// methods in the runtime), which the accessors on `Client` must not reuse.
pub fn resources(
    root: &Node,
    client_methods: &BTreeSet<String>,
    schema_types: &BTreeSet<String>,
) -> Result<TokenStream, Error> {
    let mut all = Vec::new();
    collect(root, Vec::new(), &mut all);
    let table = assign_types(&all, schema_types)?;
    let mut emitter = Emitter {
        table,
        builders: Vec::new(),
        builder_names: BTreeSet::new(),
        emitted: BTreeSet::new(),
        root: root.clone(),
    };
    emitter.builder_names.extend(emitter.table.by_signature.values().cloned());
    emitter.builder_names.extend(names::RESERVED_TYPES.iter().map(|s| s.to_string()));
    emitter.builder_names.extend(schema_types.iter().cloned());

    let client_members = emitter.members(root, &[vec![]], "Client", client_methods)?;
    let client_impl = impl_block(&quote!(Client), client_members);

    let mut types = Vec::new();
    let sigs: Vec<(String, String)> =
        emitter.table.by_signature.iter().map(|(s, n)| (s.clone(), n.clone())).collect();
    let mut ordered: Vec<(String, String)> = sigs;
    ordered.sort_by(|a, b| a.1.cmp(&b.1));
    for (sig, type_name) in ordered {
        let paths = emitter.table.members[&sig].clone();
        let Some(node) = lookup(root, &paths[0]) else { continue };
        let ty = ident(&type_name);
        let shown: Vec<String> = paths.iter().map(|p| names::doc_text(&display_path(p))).collect();
        let mut doc = vec![format!("Requests on {}.", shown.join(", "))];
        doc.push(String::new());
        doc.push("Made by the accessors of its parent; cheap to clone. Nothing is sent until an operation is awaited.".into());
        let docs = doc_attrs(&doc);
        let members = emitter.members(node, &paths, &type_name, &BTreeSet::new())?;
        let body = impl_block(&quote!(#ty), members);
        types.push(quote! {
            #docs
            #[derive(Debug, Clone)]
            pub struct #ty {
                client: Client,
                path: ResourcePath,
            }
            #body
        });
    }
    // A node without a type or an accessor would drop its operations without a word; fail loudly instead.
    let mut everything = vec![Located { path: Vec::new(), node: root }];
    everything.extend(all);
    for l in &everything {
        for (method, op) in &l.node.operations {
            if !emitter.emitted.contains(&(l.path.clone(), method.clone())) {
                return Err(Error::Invalid {
                    place: op.operation_id.clone(),
                    why: format!(
                        "`{} {}` has no place in the resource tree; this is a generator bug",
                        method.to_ascii_uppercase(),
                        op.path
                    ),
                });
            }
        }
    }
    let builders = std::mem::take(&mut emitter.builders);
    Ok(quote! {
        #client_impl
        #(#types)*
        #(#builders)*
    })
}

fn impl_block(ty: &TokenStream, members: Vec<Member>) -> TokenStream {
    if members.is_empty() {
        return TokenStream::new();
    }
    let tokens = members.into_iter().map(|m| m.tokens);
    quote! {
        impl #ty {
            #(#tokens)*
        }
    }
}

impl Emitter {
    fn type_of(&self, node: &Node) -> Option<String> {
        self.table.by_signature.get(&signature(node)).cloned()
    }

    /// The accessors and operations of a node; `paths` are all the places this type stands for, used in docs;
    /// `taken` are method names the type has already.
    fn members(
        &mut self,
        node: &Node,
        paths: &[Vec<Edge>],
        type_name: &str,
        taken: &BTreeSet<String>,
    ) -> Result<Vec<Member>, Error> {
        let is_client = type_name == "Client";
        let mut out: Vec<Member> = Vec::new();
        let (client_expr, path_expr) = if is_client {
            (quote!(self.clone()), quote!(ResourcePath::root()))
        } else {
            (quote!(self.client.clone()), quote!(self.path.clone()))
        };
        let on_collection = match paths.first().and_then(|p| p.last()) {
            Some(edge) => model::role(edge, node) == model::Role::Collection,
            None => false,
        };

        // Operations on the node itself: get, list, update, delete, …
        for (method, op) in &node.operations {
            let name = naming::operation_name(method, op, on_collection);
            let member = self.operation(op, &name, type_name, paths, &[], &client_expr, &path_expr, &[])?;
            out.push(member);
        }

        for (edge, child) in &node.children {
            match edge {
                Edge::Literal(l) => {
                    let child_paths: Vec<Vec<Edge>> = paths.iter().map(|p| with(p, edge)).collect();
                    if model::is_method(edge, child) {
                        let single = child.operations.len() == 1;
                        for (method, op) in &child.operations {
                            let name = if single {
                                names::snake(l)
                            } else {
                                format!("{}_{}", names::snake(l), method)
                            };
                            let lit = l.as_str();
                            let member = self.operation(
                                op,
                                &name,
                                type_name,
                                &child_paths,
                                &[quote!(.literal(#lit))],
                                &client_expr,
                                &path_expr,
                                &[],
                            )?;
                            out.push(member);
                        }
                        continue;
                    }
                    // `messages/{message-id}` → `message(id)`.
                    for (key_edge, key_node) in &child.children {
                        let Edge::Param(p) = key_edge else { continue };
                        let Some(target) = self.type_of(key_node) else { continue };
                        let name = naming::item_accessor(node, l);
                        let arg = ident(&names::snake(p));
                        let ty = ident(&target);
                        let shown = child_paths
                            .iter()
                            .map(|p| names::doc_text(&display_path(&with(p, key_edge))))
                            .collect::<Vec<_>>()
                            .join(", ");
                        let docs = doc_attrs(&[
                            format!("One item by its key: {shown}."),
                            String::new(),
                            "The key is sent as one path segment, percent-encoded; an empty key, `.` and `..` are refused when the request runs.".into(),
                        ]);
                        let (lit, pname) = (l.as_str(), p.as_str());
                        let fn_name = ident(&name);
                        out.push(Member {
                            name,
                            tokens: quote! {
                                #docs
                                pub fn #fn_name(&self, #arg: impl Into<String>) -> #ty {
                                    #ty { client: #client_expr, path: #path_expr.literal(#lit).param(#pname, #arg) }
                                }
                            },
                        });
                    }
                    if needs_type(edge, child) {
                        if let Some(target) = self.type_of(child) {
                            let name = names::snake(l);
                            let ty = ident(&target);
                            let fn_name = ident(&name);
                            let lit = l.as_str();
                            let shown = child_paths
                                .iter()
                                .map(|p| names::doc_text(&display_path(p)))
                                .collect::<Vec<_>>()
                                .join(", ");
                            let docs = doc_attrs(&[format!("The {shown} segment and what lies under it.")]);
                            out.push(Member {
                                name,
                                tokens: quote! {
                                    #docs
                                    pub fn #fn_name(&self) -> #ty {
                                        #ty { client: #client_expr, path: #path_expr.literal(#lit) }
                                    }
                                },
                            });
                        }
                    }
                }
                Edge::Template { texts, params } => {
                    let child_paths: Vec<Vec<Edge>> = paths.iter().map(|p| with(p, edge)).collect();
                    let stem = Edge::template_stem(texts);
                    // `delta()` beside `delta(token='{t}')`: the plain call keeps the name.
                    let plain_sibling = node.children.keys().any(|e| match e {
                        Edge::Literal(l) => {
                            names::snake(l.split('(').next().unwrap_or(l)) == names::snake(&stem)
                        }
                        _ => false,
                    });
                    let base = if plain_sibling { format!("{stem}_with") } else { stem.clone() };
                    let mut arg_names: Vec<String> = Vec::new();
                    for p in params {
                        let mut a = names::snake(p);
                        while arg_names.contains(&a) || ["body", "path", "client"].contains(&a.as_str()) {
                            a.push('_');
                        }
                        arg_names.push(a);
                    }
                    let args: Vec<Ident> = arg_names.iter().map(|a| ident(a)).collect();
                    let text_lits: Vec<&str> = texts.iter().map(String::as_str).collect();
                    let extra = quote!(.template(&[#(#text_lits),*], vec![#(#args.into()),*]));
                    if model::is_method(edge, child) {
                        let single = child.operations.len() == 1;
                        for (method, op) in &child.operations {
                            let name = if single {
                                names::snake(&base)
                            } else {
                                format!("{}_{}", names::snake(&base), method)
                            };
                            let member = self.operation(
                                op,
                                &name,
                                type_name,
                                &child_paths,
                                std::slice::from_ref(&extra),
                                &client_expr,
                                &path_expr,
                                &args,
                            )?;
                            out.push(member);
                        }
                        continue;
                    }
                    if let Some(target) = self.type_of(child) {
                        let name = names::snake(&base);
                        let ty = ident(&target);
                        let fn_name = ident(&name);
                        let shown = child_paths
                            .iter()
                            .map(|p| names::doc_text(&display_path(p)))
                            .collect::<Vec<_>>()
                            .join(", ");
                        let docs = doc_attrs(&[
                            format!("The {shown} segment and what lies under it."),
                            String::new(),
                            "Each argument is percent-encoded inside the segment; inside quotes its own quotes are doubled, as OData requires.".into(),
                        ]);
                        out.push(Member {
                            name,
                            tokens: quote! {
                                #docs
                                pub fn #fn_name(&self, #(#args: impl Into<String>),*) -> #ty {
                                    #ty { client: #client_expr, path: #path_expr #extra }
                                }
                            },
                        });
                    }
                }
                Edge::Param(p) => {
                    let Some(target) = self.type_of(child) else { continue };
                    let name = names::snake(&model::param_type_name(p));
                    let arg = ident(&names::snake(p));
                    let ty = ident(&target);
                    let fn_name = ident(&name);
                    let pname = p.as_str();
                    let docs = doc_attrs(&["One item by its key.".into()]);
                    out.push(Member {
                        name,
                        tokens: quote! {
                            #docs
                            pub fn #fn_name(&self, #arg: impl Into<String>) -> #ty {
                                #ty { client: #client_expr, path: #path_expr.param(#pname, #arg) }
                            }
                        },
                    });
                }
            }
        }
        unique(out, taken, paths)
    }

    #[allow(clippy::too_many_arguments)]
    fn operation(
        &mut self,
        op: &Operation,
        method_name: &str,
        owner: &str,
        paths: &[Vec<Edge>],
        extra_path: &[TokenStream],
        client_expr: &TokenStream,
        path_expr: &TokenStream,
        path_args: &[Ident],
    ) -> Result<Member, Error> {
        let (base, builder_name) = naming::request_name(owner, method_name);
        if !self.builder_names.insert(builder_name.clone()) {
            return Err(Error::Invalid {
                place: paths.first().map(|p| display_path(p)).unwrap_or_default(),
                why: format!(
                    "the request type of `{}` would be `{builder_name}`, a name already taken by a resource, \
                     a schema type or another request; no naming rule tells them apart",
                    op.operation_id
                ),
            });
        }
        for p in paths {
            self.emitted.insert((p.clone(), op.method.clone()));
        }
        let builder = ident(&builder_name);
        let fn_name = ident(method_name);
        let http_method = ident(&op.method.to_ascii_uppercase());
        let owner_name = if owner == "Client" { "client".to_string() } else { names::snake(base) };
        let op_name = format!("{owner_name}.{method_name}");

        // Docs: summary, description, every path it stands for, scopes, reference link.
        let mut doc: Vec<String> = Vec::new();
        if let Some(s) = op.summary.as_deref().filter(|s| !s.trim().is_empty()) {
            doc.push(names::doc_text(s.trim()));
        }
        if let Some(d) = op.description.as_deref().filter(|d| !d.trim().is_empty()) {
            if !doc.is_empty() {
                doc.push(String::new());
            }
            doc.push(names::doc_text(d.trim()));
        }
        if !doc.is_empty() {
            doc.push(String::new());
        }
        // The paths the spec documents this operation at; a type shared by several places (see
        // `model::unify`) may answer at more, as Graph's aliases do.
        let mut documented: Vec<&str> = Vec::new();
        for p in paths {
            let Some(there) = lookup(&self.root, p).and_then(|n| n.operations.get(&op.method)) else {
                continue;
            };
            for d in &there.documented {
                if !documented.contains(&d.as_str()) {
                    documented.push(d);
                }
            }
        }
        if documented.is_empty() {
            documented.extend(op.documented.iter().map(String::as_str));
        }
        for p in documented {
            doc.push(format!("- {} {}", op.method.to_ascii_uppercase(), names::doc_text(p)));
        }
        if !op.success.is_empty() {
            doc.push(String::new());
            let codes: Vec<String> = op.success.iter().map(|s| names::doc_text(s)).collect();
            doc.push(format!("Success: {}.", codes.join(", ")));
        }
        if !op.scopes.is_empty() {
            doc.push(String::new());
            let scopes: Vec<String> = op.scopes.iter().map(|s| names::doc_text(s)).collect();
            doc.push(format!("Permissions (least privileged): {}.", scopes.join(", ")));
        }
        if let Some(url) = op.docs_url.as_deref() {
            doc.push(String::new());
            match names::doc_url(url) {
                Some(u) => doc.push(format!("Graph reference: <{u}>")),
                None => doc.push(format!("Graph reference: {}", names::doc_text(url))),
            }
        }
        let docs = doc_attrs(&doc);

        let mut fields = vec![
            quote!(client: Client),
            quote!(path: ResourcePath),
            quote!(options: crate::runtime::CallOptions),
        ];
        let mut args = Vec::new();
        let mut inits = vec![
            quote!(client: #client_expr),
            quote!(path: #path_expr #(#extra_path)*),
            quote!(options: crate::runtime::CallOptions::default()),
        ];
        let mut setters = Vec::new();
        let mut apply = Vec::new();
        let mut used: BTreeSet<String> =
            ["client", "path", "options", "body", "into_future", "into_operation", "items", "stream"]
                .iter()
                .chain(CALL_OPTION_SETTERS)
                .map(|s| s.to_string())
                .collect();

        match &op.request_body {
            Some(Body::Json(body_ty)) => {
                let ty = ident(body_ty);
                if op.request_body_required {
                    fields.push(quote!(body: types::#ty));
                    args.push(quote!(body: types::#ty));
                    inits.push(quote!(body));
                    apply.push(quote!(let op = op.json_body(&self.body);));
                } else {
                    fields.push(quote!(body: Option<types::#ty>));
                    inits.push(quote!(body: None));
                    setters.push(quote! {
                        /// Sets the JSON request body.
                        pub fn body(mut self, body: types::#ty) -> Self {
                            self.body = Some(body);
                            self
                        }
                    });
                    apply.push(quote!(let op = match &self.body { Some(b) => op.json_body(b), None => op };));
                }
            }
            Some(Body::Raw(media_types)) => {
                let media_type =
                    media_types.first().map(String::as_str).unwrap_or("application/octet-stream");
                if op.request_body_required {
                    fields.push(quote!(body: Vec<u8>));
                    args.push(quote!(body: impl Into<Vec<u8>>));
                    inits.push(quote!(body: body.into()));
                    apply.push(quote!(let op = op.raw_body(#media_type, self.body);));
                } else {
                    let doc =
                        format!(" Sets the request body: bytes sent as `{}`.", names::doc_text(media_type));
                    fields.push(quote!(body: Option<Vec<u8>>));
                    inits.push(quote!(body: None));
                    setters.push(quote! {
                        #[doc = #doc]
                        pub fn body(mut self, body: impl Into<Vec<u8>>) -> Self {
                            self.body = Some(body.into());
                            self
                        }
                    });
                    apply.push(quote!(let op = match self.body { Some(b) => op.raw_body(#media_type, b), None => op };));
                }
            }
            None => {}
        }
        for (param, is_header) in
            op.query.iter().map(|q| (q, false)).chain(op.headers.iter().map(|h| (h, true)))
        {
            let mut field_name = names::snake(param.name.trim_start_matches('$'));
            while used.contains(&field_name) {
                field_name.push('_');
            }
            used.insert(field_name.clone());
            let field = ident(&field_name);
            let wire = param.name.as_str();
            let add = if is_header { quote!(header) } else { quote!(query) };
            let desc = param.description.as_deref().map(names::doc_text).unwrap_or_default();
            let where_ = if is_header { "header" } else { "query parameter" };
            // The value's Rust type and how it becomes the text on the wire.
            let (arg_ty, to_text, doc_kind) = match param.kind {
                model::ParamKind::Integer => (quote!(i64), quote!(value.to_string()), ""),
                model::ParamKind::Boolean => (quote!(bool), quote!(value.to_string()), ""),
                model::ParamKind::List => (
                    quote!(impl IntoIterator<Item = impl Into<String>>),
                    quote!(value.into_iter().map(Into::into).collect::<Vec<String>>().join(",")),
                    " Sent comma-separated.",
                ),
                model::ParamKind::Text => (quote!(impl Into<String>), quote!(value.into()), ""),
            };
            let docs = doc_attrs(&[format!("The {where_} {}. {desc}{doc_kind}", names::doc_text(wire))]);
            if param.required {
                fields.push(quote!(#field: String));
                args.push(quote!(#field: #arg_ty));
                inits.push(quote!(#field: { let value = #field; #to_text }));
                apply.push(quote!(let op = op.#add(#wire, self.#field);));
            } else {
                fields.push(quote!(#field: Option<String>));
                inits.push(quote!(#field: None));
                setters.push(quote! {
                    #docs
                    pub fn #field(mut self, value: #arg_ty) -> Self {
                        self.#field = Some(#to_text);
                        self
                    }
                });
                apply.push(quote!(let op = match self.#field { Some(v) => op.#add(#wire, v), None => op };));
            }
        }

        let (output, finish) = match &op.response_body {
            Some(Body::Json(ty)) => {
                let ty = ident(ty);
                (quote!(types::#ty), quote!(.json()))
            }
            Some(Body::Raw(media_types)) => {
                // Graph decides the media type; `Accept` names what the spec documents.
                let accept = media_types.join(", ");
                apply.push(quote!(let op = op.accept(#accept);));
                (quote!(bytes::Bytes), quote!(.bytes()))
            }
            None => (quote!(()), quote!(.no_content())),
        };
        let builder_doc = doc_attrs(&[format!(
            "The `{method_name}` request; set optional parameters, then `.await` it to send."
        )]);
        let stream = match &op.response_body {
            Some(Body::Raw(_)) => quote! {
                /// Sends the request and hands back the body chunk by chunk as it arrives, for content too
                /// large to hold at once; `.await` the request itself for all of it as one `Bytes`.
                pub fn stream(self) -> BoxFuture<Result<crate::runtime::ByteStream, Error>> {
                    Box::pin(async move {
                        let (client, op) = self.into_operation();
                        client.execute(op.streamed()).await?.into_stream()
                    })
                }
            },
            _ => TokenStream::new(),
        };
        let items = match &op.response_item {
            Some(item) => {
                let item = ident(item);
                quote! {
                    /// Every item of the collection, page after page: follows `@odata.nextLink` until Graph
                    /// stops handing one out. Each page is one request, with the client's retries.
                    pub fn items(self) -> crate::runtime::Items<types::#item> {
                        let (client, op) = self.into_operation();
                        client.items(op)
                    }
                }
            }
            None => TokenStream::new(),
        };
        let call_option_setters = call_option_setters();
        self.builders.push(quote! {
            #builder_doc
            #[derive(Debug)]
            #[must_use = "a request does nothing until it is awaited"]
            pub struct #builder {
                #(#fields,)*
            }
            impl #builder {
                #(#setters)*
                #call_option_setters
                #items
                #stream
                fn into_operation(self) -> (Client, Operation) {
                    let op = Operation::new(reqwest::Method::#http_method, #op_name, self.path)
                        .with_options(self.options);
                    #(#apply)*
                    (self.client, op)
                }
            }
            impl std::future::IntoFuture for #builder {
                type Output = Result<#output, Error>;
                type IntoFuture = BoxFuture<Result<#output, Error>>;
                fn into_future(self) -> Self::IntoFuture {
                    Box::pin(async move {
                        let (client, op) = self.into_operation();
                        client.execute(op).await? #finish
                    })
                }
            }
        });
        Ok(Member {
            name: method_name.to_string(),
            tokens: quote! {
                #docs
                pub fn #fn_name(&self, #(#path_args: impl Into<String>,)* #(#args),*) -> #builder {
                    #builder { #(#inits,)* }
                }
            },
        })
    }
}

/// The setters every request builder has, over what the operation documents: they change this one call
/// (`crate::runtime::CallOptions` does the work). A query parameter or header of the same name gets a `_`.
const CALL_OPTION_SETTERS: &[&str] = &["header", "timeout", "max_retries"];

/// The tokens of [`CALL_OPTION_SETTERS`], the same in every builder. Each is `#[inline]`: rustc then compiles
/// it only in a crate that calls it, not three times per builder in every app's build of the client (the
/// call options live in the runtime's `CallOptions`, so each body is one line).
fn call_option_setters() -> TokenStream {
    quote! {
        /// Adds a request header to this call, replacing one the call would send under that name; the
        /// headers the client owns (`Authorization`, `Content-Length`, …) and invalid ones fail the call
        /// before anything is sent.
        #[inline]
        pub fn header(mut self, name: impl AsRef<str>, value: impl AsRef<str>) -> Self {
            self.options = self.options.header(name.as_ref(), value.as_ref());
            self
        }
        /// The longest one attempt of this call may take, instead of the client's timeout.
        #[inline]
        pub fn timeout(mut self, timeout: std::time::Duration) -> Self {
            self.options = self.options.timeout(timeout);
            self
        }
        /// How many times this call is tried again after a 429, a 503 or a failed connection, instead
        /// of the client's `max_retries`.
        #[inline]
        pub fn max_retries(mut self, retries: u32) -> Self {
            self.options = self.options.max_retries(retries);
            self
        }
    }
}

fn with(path: &[Edge], edge: &Edge) -> Vec<Edge> {
    let mut p = path.to_vec();
    p.push(edge.clone());
    p
}

/// Two members can want one name (an accessor `message` and an action `message`): no rule decides between
/// them, so generation fails with the path rather than inventing `message_2`. A name the type has already
/// (`Client::builder` in the runtime) gets a trailing `_`, as a keyword does (`builder_`).
fn unique(members: Vec<Member>, taken: &BTreeSet<String>, paths: &[Vec<Edge>]) -> Result<Vec<Member>, Error> {
    let mut seen: BTreeSet<String> = taken.clone();
    let mut out = Vec::new();
    for mut m in members {
        if taken.contains(&m.name) {
            let name = format!("{}_", m.name);
            m.tokens = rename_fn(m.tokens, &ident(&m.name), &ident(&name));
            m.name = name;
        }
        if !seen.insert(m.name.clone()) {
            return Err(Error::Invalid {
                place: paths.first().map(|p| display_path(p)).unwrap_or_else(|| "/".into()),
                why: format!(
                    "two members of its request type would both be `{}`; no naming rule tells them apart",
                    m.name
                ),
            });
        }
        out.push(m);
    }
    Ok(out)
}

/// Renames the `fn` a member token stream defines.
fn rename_fn(tokens: TokenStream, old: &Ident, new: &Ident) -> TokenStream {
    let mut out = Vec::new();
    let mut after_fn = false;
    for tt in tokens {
        match &tt {
            proc_macro2::TokenTree::Ident(i) if after_fn && i == old => {
                out.push(proc_macro2::TokenTree::Ident(new.clone()));
                after_fn = false;
                continue;
            }
            proc_macro2::TokenTree::Ident(i) => after_fn = i == "fn",
            _ => after_fn = false,
        }
        out.push(tt);
    }
    out.into_iter().collect()
}
