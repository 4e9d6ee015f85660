//! The printer: the resolved API ([`crate::resolve::Api`]) → Rust tokens (the client's accessors, the
//! resource types, the request builders). Nothing is decided here; every name, argument, field and doc line
//! comes from the resolved API, and only the tokens that spell them are made.
//!
//! Every identifier was built by [`crate::names`]; every piece of spec text goes out as a string literal or a
//! `#[doc]` attribute, so no spec can inject code.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::call_options::call_option_setters;
use crate::model::ParamKind;
use crate::resolve::{
    Alternative, Api, Member, MemberKind, ParamField, Request, RequestBody, Resource, Response, Step,
};

fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
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

/// The resource API: `impl Client`, each resource type, then each request builder.
pub fn api(api: &Api) -> TokenStream {
    let client = impl_block(&quote!(Client), &api.client, true);
    let resources = api.resources.iter().map(resource);
    let builders = api.requests().map(|(_, request)| builder(request));
    quote! {
        #client
        #(#resources)*
        #(#builders)*
    }
}

/// `impl Client` with the client's members: accessors to the roots of the tree.
pub fn client(members: &[Member]) -> TokenStream {
    impl_block(&quote!(Client), members, true)
}

/// One resource type and its `impl`.
pub fn resource(resource: &Resource) -> TokenStream {
    let ty = ident(&resource.name);
    let docs = doc_attrs(&resource.doc);
    let body = impl_block(&quote!(#ty), &resource.members, false);
    quote! {
        #docs
        #[derive(Debug, Clone)]
        pub struct #ty {
            client: Client,
            path: ResourcePath,
        }
        #body
    }
}

fn impl_block(ty: &TokenStream, members: &[Member], on_client: bool) -> TokenStream {
    if members.is_empty() {
        return TokenStream::new();
    }
    let tokens = members.iter().map(|m| member(m, on_client));
    quote! {
        impl #ty {
            #(#tokens)*
        }
    }
}

/// `.literal("messages").param("message-id", message_id)` and the like, after the path a member starts from.
fn step_tokens(step: &Step) -> TokenStream {
    match step {
        Step::Literal(lit) => quote!(.literal(#lit)),
        Step::Key { literal, param, arg } => {
            let arg = ident(arg);
            match literal {
                Some(lit) => quote!(.literal(#lit).param(#param, #arg)),
                None => quote!(.param(#param, #arg)),
            }
        }
        Step::Template { texts, args } => {
            let args = args.iter().map(|a| ident(a));
            quote!(.template(&[#(#texts),*], vec![#(#args.into()),*]))
        }
    }
}

fn member(member: &Member, on_client: bool) -> TokenStream {
    let (client_expr, path_expr) = if on_client {
        (quote!(self.clone()), quote!(ResourcePath::root()))
    } else {
        (quote!(self.client.clone()), quote!(self.path.clone()))
    };
    let docs = doc_attrs(&member.doc);
    let fn_name = ident(&member.name);
    match &member.kind {
        MemberKind::Accessor { target, step } => {
            let ty = ident(target);
            let args: Vec<Ident> = step.args().iter().map(|a| ident(a)).collect();
            let step = step_tokens(step);
            let receiver =
                if args.is_empty() { quote!(&self) } else { quote!(&self, #(#args: impl Into<String>),*) };
            quote! {
                #docs
                pub fn #fn_name(#receiver) -> #ty {
                    #ty { client: #client_expr, path: #path_expr #step }
                }
            }
        }
        MemberKind::Operation(request) => {
            operation_member(&docs, &fn_name, request, false, client_expr, path_expr)
        }
        MemberKind::Alternative(request) => {
            operation_member(&docs, &fn_name, request, true, client_expr, path_expr)
        }
    }
}

/// The method that makes a request builder: the path's template arguments, then what the operation requires
/// (its JSON body, or with `alternative` the bytes sent instead, then required parameters) as arguments.
fn operation_member(
    docs: &TokenStream,
    fn_name: &Ident,
    request: &Request,
    alternative: bool,
    client_expr: TokenStream,
    path_expr: TokenStream,
) -> TokenStream {
    let builder = ident(&request.builder);
    let path_args: Vec<Ident> = request
        .step
        .iter()
        .flat_map(|s| match s {
            Step::Template { args, .. } => args.as_slice(),
            _ => &[],
        })
        .map(|a| ident(a))
        .collect();
    let step = request.step.as_ref().map(step_tokens);
    let mut args = Vec::new();
    let mut inits = vec![
        quote!(client: #client_expr),
        quote!(path: #path_expr #step),
        quote!(options: crate::runtime::CallOptions::default()),
    ];
    let has_alternative = request.alternative.is_some();
    match &request.body {
        Some(RequestBody::Json { ty, required: true }) if !has_alternative => {
            let ty = ident(ty);
            args.push(quote!(body: types::#ty));
            inits.push(quote!(body));
        }
        Some(RequestBody::Json { ty, required: true }) if !alternative => {
            let ty = ident(ty);
            args.push(quote!(body: types::#ty));
            inits.push(quote!(body: Some(body)));
        }
        Some(RequestBody::Raw { required: true, .. }) => {
            args.push(quote!(body: impl Into<Vec<u8>>));
            inits.push(quote!(body: body.into()));
        }
        Some(_) => inits.push(quote!(body: None)),
        None => {}
    }
    if let Some(alt) = &request.alternative {
        let field = ident(&alt.field);
        if alternative {
            args.push(quote!(#field: impl AsRef<[u8]>));
            let bytes = alternative_bytes(alt, &field);
            inits.push(quote!(#field: Some(#bytes)));
        } else {
            inits.push(quote!(#field: None));
        }
    }
    for p in &request.params {
        let field = ident(&p.field);
        if p.required {
            let (arg_ty, to_text) = conversion(p);
            args.push(quote!(#field: #arg_ty));
            inits.push(quote!(#field: { let value = #field; #to_text }));
        } else {
            inits.push(quote!(#field: None));
        }
    }
    quote! {
        #docs
        pub fn #fn_name(&self, #(#path_args: impl Into<String>,)* #(#args),*) -> #builder {
            #builder { #(#inits,)* }
        }
    }
}

/// The bytes an alternative's argument `field` goes out as: base64 text when the spec says so.
fn alternative_bytes(alt: &Alternative, field: &Ident) -> TokenStream {
    if alt.base64 {
        quote!(crate::runtime::base64_encode(#field.as_ref()).into_bytes())
    } else {
        quote!(#field.as_ref().to_vec())
    }
}

/// A parameter value's Rust type and how it becomes the text on the wire.
fn conversion(p: &ParamField) -> (TokenStream, TokenStream) {
    match p.kind {
        ParamKind::Integer => (quote!(i64), quote!(value.to_string())),
        ParamKind::Boolean => (quote!(bool), quote!(value.to_string())),
        ParamKind::List => (
            quote!(impl IntoIterator<Item = impl Into<String>>),
            quote!(value.into_iter().map(Into::into).collect::<Vec<String>>().join(",")),
        ),
        ParamKind::Text => (quote!(impl Into<String>), quote!(value.into())),
    }
}

/// A request builder: its fields, setters, the per-call setters, `items`/`stream`, and `IntoFuture`.
pub fn builder(request: &Request) -> TokenStream {
    let builder = ident(&request.builder);
    // A builder's `Debug` is the runtime's: the operation, the path template and the call's options,
    // never an id, a query value or a body (apps log what they hold; a derive would print them all).
    let builder_name = request.builder.as_str();
    let http_method = ident(&request.http_method);
    let op_name = &request.op_name;
    let mut fields = vec![
        quote!(client: Client),
        quote!(path: ResourcePath),
        quote!(options: crate::runtime::CallOptions),
    ];
    let mut setters = Vec::new();
    let mut apply = Vec::new();
    match (&request.body, &request.alternative) {
        (Some(RequestBody::Json { ty, required }), Some(alt)) => {
            // The JSON body and its alternative are one of two: setting one drops the other.
            let ty = ident(ty);
            let field = ident(&alt.field);
            let media_type = alt.media_type.as_str();
            fields.push(quote!(body: Option<types::#ty>));
            fields.push(quote!(#field: Option<Vec<u8>>));
            if !*required {
                let json_doc = format!(" Sets the JSON request body, instead of `.{}(..)`.", alt.field);
                let alt_doc = doc_attrs(&[
                    alt.doc.clone(),
                    String::new(),
                    "Sent instead of the JSON body `.body(..)` sets; the last of the two set is sent.".into(),
                ]);
                let bytes = alternative_bytes(alt, &field);
                setters.push(quote! {
                    #[doc = #json_doc]
                    pub fn body(mut self, body: types::#ty) -> Self {
                        self.body = Some(body);
                        self.#field = None;
                        self
                    }
                    #alt_doc
                    pub fn #field(mut self, #field: impl AsRef<[u8]>) -> Self {
                        self.#field = Some(#bytes);
                        self.body = None;
                        self
                    }
                });
            }
            apply.push(quote! {
                let op = match (self.#field, &self.body) {
                    (Some(bytes), _) => op.raw_body(#media_type, bytes),
                    (None, Some(b)) => op.json_body(b),
                    (None, None) => op,
                };
            });
        }
        (Some(RequestBody::Json { ty, required }), None) => {
            let ty = ident(ty);
            if *required {
                fields.push(quote!(body: types::#ty));
                apply.push(quote!(let op = op.json_body(&self.body);));
            } else {
                fields.push(quote!(body: Option<types::#ty>));
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
        (Some(RequestBody::Raw { media_type, required }), _) => {
            if *required {
                fields.push(quote!(body: Vec<u8>));
                apply.push(quote!(let op = op.raw_body(#media_type, self.body);));
            } else {
                let doc = format!(
                    " Sets the request body: bytes sent as `{}`.",
                    crate::names::doc_text(media_type)
                );
                fields.push(quote!(body: Option<Vec<u8>>));
                setters.push(quote! {
                    #[doc = #doc]
                    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Self {
                        self.body = Some(body.into());
                        self
                    }
                });
                apply.push(
                    quote!(let op = match self.body { Some(b) => op.raw_body(#media_type, b), None => op };),
                );
            }
        }
        (None, _) => {}
    }
    for p in &request.params {
        let field = ident(&p.field);
        let wire = p.wire.as_str();
        let add = if p.header { quote!(header) } else { quote!(query) };
        if p.required {
            fields.push(quote!(#field: String));
            apply.push(quote!(let op = op.#add(#wire, self.#field);));
        } else {
            let (arg_ty, to_text) = conversion(p);
            let docs = doc_attrs(std::slice::from_ref(&p.doc));
            fields.push(quote!(#field: Option<String>));
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
    // The call's future is the runtime's, one per answer type (`call_json::<T>`), not an `async` block per
    // operation, which rustc would check in the client crate for every operation (BENCHMARKS.md).
    let (output, call) = match &request.response {
        Response::Json(ty) => {
            let ty = ident(ty);
            (quote!(types::#ty), quote!(call_json))
        }
        Response::Raw { accept } => {
            apply.push(quote!(let op = op.accept(#accept);));
            (quote!(bytes::Bytes), quote!(call_bytes))
        }
        Response::Empty => {
            apply.push(quote!(let op = op.status_only();));
            (quote!(()), quote!(call_unit))
        }
    };
    let builder_doc = doc_attrs(&[format!(
        "The `{}` request; set optional parameters, then `.await` it to send.",
        request.method_name
    )]);
    let stream = match &request.response {
        Response::Raw { .. } => quote! {
            /// Sends the request and hands back the body chunk by chunk as it arrives, for content too
            /// large to hold at once; `.await` the request itself for all of it as one `Bytes`.
            #[inline]
            pub fn stream(self) -> BoxFuture<Result<crate::runtime::ByteStream, Error>> {
                Box::pin(async move {
                    let (client, op) = self.into_operation();
                    client.execute(op.streamed()).await?.into_stream()
                })
            }
        },
        _ => TokenStream::new(),
    };
    let items = match &request.item {
        Some(item) => {
            let item = ident(item);
            quote! {
                /// Every item of the collection, page after page: follows `@odata.nextLink` until Graph
                /// stops handing one out. Each page is one request, with the client's retries.
                #[inline]
                pub fn items(self) -> crate::runtime::Items<types::#item> {
                    let (client, op) = self.into_operation();
                    client.items(op)
                }
            }
        }
        None => TokenStream::new(),
    };
    let call_option_setters = call_option_setters();
    // Every method of a builder is `#[inline]`: rustc then makes machine code for an operation only in the
    // app that calls it, not for all of them in every build of the client (about two thirds of the crate's
    // own compile time, BENCHMARKS.md).
    quote! {
        #builder_doc
        #[must_use = "a request does nothing until it is awaited"]
        pub struct #builder {
            #(#fields,)*
        }
        impl std::fmt::Debug for #builder {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                crate::runtime::debug_request(f, #builder_name, #op_name, &self.path, &self.options)
            }
        }
        impl #builder {
            #(#setters)*
            #call_option_setters
            #items
            #stream
            #[inline]
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
            #[inline]
            fn into_future(self) -> Self::IntoFuture {
                let (client, op) = self.into_operation();
                client.#call(op)
            }
        }
    }
}
