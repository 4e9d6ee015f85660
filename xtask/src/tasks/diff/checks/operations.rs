//! Operation checks: scopes, parameters, request bodies (an inline body property by property), responses.

use std::collections::{BTreeMap, BTreeSet};

use indexmap::IndexMap;

use openapiv3::{
    OpenAPI, Operation, Parameter, ParameterData, ParameterSchemaOrContent, PathItem, ReferenceOr,
    SchemaKind, StatusCode, Type,
};

use super::{boxed_signature, change, description, signature, text_changed};
use crate::tasks::diff::{pointer_token as tok, Change, Kind, OperationRef, Side, Subject};

/// One operation of a document, with where it sits.
pub(super) struct Op<'a> {
    pub(super) method: String,
    pub(super) path: &'a str,
    pub(super) item: &'a PathItem,
    pub(super) op: &'a Operation,
    /// The document's shared parameters, which the operation's `$ref`s name.
    pub(super) shared: Option<&'a IndexMap<String, ReferenceOr<Parameter>>>,
}

impl Op<'_> {
    pub(super) fn reference(&self) -> OperationRef {
        OperationRef {
            method: self.method.clone(),
            path: self.path.to_string(),
            operation_id: self.op.operation_id.clone().unwrap_or_default(),
            docs_url: self.op.external_docs.as_ref().map(|d| d.url.clone()),
        }
    }

    pub(super) fn pointer(&self, rest: &str) -> String {
        format!("/paths/{}/{}{rest}", tok(self.path), self.method.to_ascii_lowercase())
    }

    /// Query and header parameters (path parameters are part of the path), with their pointers.
    fn parameters(&self) -> BTreeMap<(String, String), (String, &ParameterData)> {
        let mut out = BTreeMap::new();
        let own = self
            .op
            .parameters
            .iter()
            .enumerate()
            .map(|(i, p)| (self.pointer(&format!("/parameters/{i}")), p));
        let shared = self
            .item
            .parameters
            .iter()
            .enumerate()
            .map(|(i, p)| (format!("/paths/{}/parameters/{i}", tok(self.path)), p));
        for (pointer, p) in own.chain(shared) {
            // A shared parameter (`$ref: '#/components/parameters/top'`) is compared as the one it names.
            let p = match p {
                ReferenceOr::Item(p) => p,
                ReferenceOr::Reference { reference } => {
                    let name = reference.strip_prefix("#/components/parameters/");
                    match name.and_then(|n| self.shared?.get(n)?.as_item()) {
                        Some(p) => p,
                        None => continue,
                    }
                }
            };
            let (location, data) = match p {
                Parameter::Query { parameter_data, .. } => ("query", parameter_data),
                Parameter::Header { parameter_data, .. } => ("header", parameter_data),
                _ => continue,
            };
            out.entry((location.to_string(), data.name.clone())).or_insert((pointer, data));
        }
        out
    }

    /// The scopes that grant the call. Graph's permission tables (`x-ms-permissions`, per kind of caller) list
    /// alternatives, least privileged first: any one of them is enough. `security` holds only the least
    /// privileged one, so it is the fallback for documents without the tables.
    fn scopes(&self) -> BTreeSet<String> {
        if let Some(serde_json::Value::Object(kinds)) = self.op.extensions.get("x-ms-permissions") {
            return kinds
                .values()
                .filter_map(|v| v.as_array())
                .flatten()
                .filter_map(|s| s.as_str().map(str::to_string))
                .collect();
        }
        self.op.security.iter().flatten().flat_map(|r| r.values()).flatten().cloned().collect()
    }

    /// Success codes, each with the signature of its JSON body (`None` without one).
    fn success(&self) -> BTreeMap<String, Option<String>> {
        let mut out = BTreeMap::new();
        for (code, response) in &self.op.responses.responses {
            let ok = match code {
                StatusCode::Code(c) => (200..300).contains(c),
                StatusCode::Range(r) => *r == 2,
            };
            if !ok {
                continue;
            }
            let body = match response {
                ReferenceOr::Item(r) => r.content.values().find_map(|m| m.schema.as_ref()).map(signature),
                ReferenceOr::Reference { reference } => Some(reference.clone()),
            };
            out.insert(code.to_string(), body);
        }
        out
    }

    /// The request body's signature and whether it is required.
    fn request(&self) -> Option<(String, bool)> {
        match self.op.request_body.as_ref()? {
            ReferenceOr::Item(b) => {
                let sig =
                    b.content.values().find_map(|m| m.schema.as_ref()).map(signature).unwrap_or_default();
                Some((sig, b.required))
            }
            ReferenceOr::Reference { reference } => Some((reference.clone(), true)),
        }
    }

    /// The request body's schema when it is written inline as an object (an action's parameters).
    fn inline_request(&self) -> Option<&openapiv3::ObjectType> {
        let ReferenceOr::Item(b) = self.op.request_body.as_ref()? else { return None };
        let ReferenceOr::Item(s) = b.content.values().find_map(|m| m.schema.as_ref())? else { return None };
        match &s.schema_kind {
            SchemaKind::Type(Type::Object(o)) => Some(o),
            _ => None,
        }
    }
}

pub(super) fn operations(doc: &OpenAPI) -> BTreeMap<(String, String), Op<'_>> {
    let mut out = BTreeMap::new();
    let shared = doc.components.as_ref().map(|c| &c.parameters);
    for (path, item) in doc.paths.paths.iter() {
        let ReferenceOr::Item(item) = item else { continue };
        for (method, op) in item.iter() {
            let method = method.to_ascii_uppercase();
            out.insert((method.clone(), path.clone()), Op { method, path, item, op, shared });
        }
    }
    out
}

pub(super) fn operation(o: &Op<'_>, n: &Op<'_>, out: &mut Vec<Change>) {
    let op_ref = Some(n.reference());
    let push = |out: &mut Vec<Change>, id, kind, pointer, message, side, subject| {
        out.push(change(id, kind, op_ref.clone(), pointer, message, side, subject));
    };
    if o.op.operation_id != n.op.operation_id {
        push(
            out,
            "operation-id-changed",
            Kind::Breaking,
            n.pointer("/operationId"),
            format!(
                "operationId `{}` → `{}`: clients generated by id (Kiota, progenitor) rename the call",
                o.op.operation_id.as_deref().unwrap_or(""),
                n.op.operation_id.as_deref().unwrap_or("")
            ),
            Side::New,
            Subject::Operation,
        );
    }
    if text_changed(&o.op.summary, &n.op.summary) || text_changed(&o.op.description, &n.op.description) {
        push(
            out,
            "description-changed",
            Kind::Docs,
            n.pointer("/description"),
            "the operation's summary or description changed".into(),
            Side::New,
            Subject::Operation,
        );
    }
    let (od, nd) = (o.op.external_docs.as_ref().map(|d| &d.url), n.op.external_docs.as_ref().map(|d| &d.url));
    if od != nd {
        push(
            out,
            "docs-link-changed",
            Kind::Docs,
            n.pointer("/externalDocs/url"),
            format!("reference link {} → {}", od.map_or("none", |s| s), nd.map_or("none", |s| s)),
            Side::New,
            Subject::Operation,
        );
    }
    let (os, ns) = (o.scopes(), n.scopes());
    // Scopes are alternatives: losing one refuses the apps consented to it alone; gaining one refuses no one.
    for s in os.difference(&ns) {
        push(
            out,
            "scope-removed",
            Kind::Breaking,
            n.pointer("/x-ms-permissions"),
            format!("scope `{s}` no longer grants the call: a token with only it is refused"),
            Side::New,
            Subject::Scopes,
        );
    }
    for s in ns.difference(&os) {
        push(
            out,
            "scope-added",
            Kind::Additive,
            n.pointer("/x-ms-permissions"),
            format!("scope `{s}` now grants the call too"),
            Side::New,
            Subject::Scopes,
        );
    }
    parameters(o, n, out, &op_ref);
    request_body(o, n, out, &op_ref);
    responses(o, n, out, &op_ref);
}

fn parameters(o: &Op<'_>, n: &Op<'_>, out: &mut Vec<Change>, op_ref: &Option<OperationRef>) {
    let (op, np) = (o.parameters(), n.parameters());
    let sub = |d: &ParameterData| Subject::Parameter { name: d.name.clone(), required: d.required };
    let mut push = |id, kind, pointer: &String, message: String, side, subject| {
        out.push(change(id, kind, op_ref.clone(), pointer.clone(), message, side, subject));
    };
    for ((location, name), (pointer, d)) in &op {
        match np.get(&(location.clone(), name.clone())) {
            None => push(
                "parameter-removed",
                Kind::Breaking,
                pointer,
                format!("{location} parameter `{name}` removed"),
                Side::Old,
                sub(d),
            ),
            Some((npointer, nd)) => {
                if !d.required && nd.required {
                    push(
                        "parameter-became-required",
                        Kind::Breaking,
                        npointer,
                        format!("{location} parameter `{name}` became required"),
                        Side::New,
                        sub(nd),
                    );
                } else if d.required && !nd.required {
                    push(
                        "parameter-became-optional",
                        Kind::Additive,
                        npointer,
                        format!("{location} parameter `{name}` became optional"),
                        Side::New,
                        sub(nd),
                    );
                }
                if param_signature(d) != param_signature(nd) {
                    push(
                        "parameter-type-changed",
                        Kind::Breaking,
                        npointer,
                        format!(
                            "{location} parameter `{name}`: {} → {}",
                            param_signature(d),
                            param_signature(nd)
                        ),
                        Side::New,
                        sub(nd),
                    );
                }
                if text_changed(&d.description, &nd.description) {
                    push(
                        "description-changed",
                        Kind::Docs,
                        npointer,
                        format!("{location} parameter `{name}`: description changed"),
                        Side::New,
                        sub(nd),
                    );
                }
            }
        }
    }
    for ((location, name), (pointer, d)) in &np {
        if op.contains_key(&(location.clone(), name.clone())) {
            continue;
        }
        if d.required {
            push(
                "parameter-added-required",
                Kind::Breaking,
                pointer,
                format!("required {location} parameter `{name}` added"),
                Side::New,
                sub(d),
            );
        } else {
            push(
                "parameter-added",
                Kind::Additive,
                pointer,
                format!("optional {location} parameter `{name}` added"),
                Side::New,
                sub(d),
            );
        }
    }
}

fn param_signature(d: &ParameterData) -> String {
    match &d.format {
        ParameterSchemaOrContent::Schema(s) => signature(s),
        ParameterSchemaOrContent::Content(_) => "content".into(),
    }
}

fn request_body(o: &Op<'_>, n: &Op<'_>, out: &mut Vec<Change>, op_ref: &Option<OperationRef>) {
    let mut push = |id, kind, pointer, message, side, property: Option<&str>| {
        let subject = Subject::RequestBody { property: property.map(str::to_string) };
        out.push(change(id, kind, op_ref.clone(), pointer, message, side, subject));
    };
    match (o.request(), n.request()) {
        (None, Some((sig, true))) => push(
            "request-body-added-required",
            Kind::Breaking,
            n.pointer("/requestBody"),
            format!("a required request body ({sig}) was added"),
            Side::New,
            None,
        ),
        (None, Some((sig, false))) => push(
            "request-body-added",
            Kind::Additive,
            n.pointer("/requestBody"),
            format!("an optional request body ({sig}) was added"),
            Side::New,
            None,
        ),
        (Some((sig, _)), None) => push(
            "request-body-removed",
            Kind::Breaking,
            o.pointer("/requestBody"),
            format!("the request body ({sig}) was removed"),
            Side::Old,
            None,
        ),
        (Some((os, or)), Some((ns, nr))) => {
            if let (Some(a), Some(b)) = (o.inline_request(), n.inline_request()) {
                // An action's parameters: compared one by one, as a schema's properties are.
                let mut each = |id, kind, pointer, message, side, property: &str| {
                    push(id, kind, pointer, message, side, Some(property))
                };
                body_properties(a, b, &n.pointer("/requestBody/content/application~1json/schema"), &mut each);
            } else if os != ns {
                push(
                    "request-body-type-changed",
                    Kind::Breaking,
                    n.pointer("/requestBody"),
                    format!("request body {os} → {ns}"),
                    Side::New,
                    None,
                );
            }
            if !or && nr {
                push(
                    "request-body-became-required",
                    Kind::Breaking,
                    n.pointer("/requestBody/required"),
                    "the request body became required".into(),
                    Side::New,
                    None,
                );
            }
        }
        (None, None) => {}
    }
}

/// Records one change of an inline body: id, kind, pointer, message, side, property.
type BodyPush<'a> = dyn FnMut(&'static str, Kind, String, String, Side, &str) + 'a;

/// The properties of an inline request body; each change is a request's.
fn body_properties(
    a: &openapiv3::ObjectType,
    b: &openapiv3::ObjectType,
    base: &str,
    push: &mut BodyPush<'_>,
) {
    let pp = |p: &str| format!("{base}/properties/{}", tok(p));
    for (p, ps) in &a.properties {
        let Some(ns) = b.properties.get(p) else {
            push(
                "request-property-removed",
                Kind::Breaking,
                pp(p),
                format!("body property `{p}` removed"),
                Side::Old,
                p,
            );
            continue;
        };
        let (os, nsig) = (boxed_signature(ps), boxed_signature(ns));
        if os != nsig {
            push(
                "request-property-type-changed",
                Kind::Breaking,
                pp(p),
                format!("body property `{p}`: {os} → {nsig}"),
                Side::New,
                p,
            );
        }
        if !a.required.contains(p) && b.required.contains(p) {
            push(
                "request-property-became-required",
                Kind::Breaking,
                format!("{base}/required"),
                format!("body property `{p}` became required"),
                Side::New,
                p,
            );
        }
        if text_changed(&description(ps), &description(ns)) {
            push(
                "description-changed",
                Kind::Docs,
                format!("{}/description", pp(p)),
                format!("body property `{p}`: description changed"),
                Side::New,
                p,
            );
        }
    }
    for p in b.properties.keys().filter(|p| !a.properties.contains_key(*p)) {
        if b.required.contains(p) {
            push(
                "request-property-added-required",
                Kind::Breaking,
                pp(p),
                format!("required body property `{p}` added"),
                Side::New,
                p,
            );
        } else {
            push(
                "request-property-added",
                Kind::Additive,
                pp(p),
                format!("optional body property `{p}` added"),
                Side::New,
                p,
            );
        }
    }
}

fn responses(o: &Op<'_>, n: &Op<'_>, out: &mut Vec<Change>, op_ref: &Option<OperationRef>) {
    let (os, ns) = (o.success(), n.success());
    let mut push = |id, kind, pointer, message, side| {
        out.push(change(id, kind, op_ref.clone(), pointer, message, side, Subject::Response));
    };
    let codes = |m: &BTreeMap<String, Option<String>>| m.keys().cloned().collect::<Vec<_>>().join(", ");
    let bodies =
        |m: &BTreeMap<String, Option<String>>| m.values().flatten().cloned().collect::<BTreeSet<_>>();
    let (ob, nb) = (bodies(&os), bodies(&ns));
    if os.keys().ne(ns.keys()) {
        // Graph documents 202 for some actions and 204 for others of the same kind, and pages move between
        // them; for an operation without a body either way the client accepts any 2xx, so no app breaks.
        let (kind, why) = if ob.is_empty() && nb.is_empty() {
            (Kind::Additive, " (no body either way: the client accepts any 2xx, so no app breaks)")
        } else {
            (Kind::Breaking, "")
        };
        push(
            "success-status-changed",
            kind,
            n.pointer("/responses"),
            format!("success status {} → {}{why}", codes(&os), codes(&ns)),
            Side::New,
        );
    }
    if ob != nb {
        let show = |b: &BTreeSet<String>| b.iter().cloned().collect::<Vec<_>>().join(" | ");
        let (id, kind, side) = match (ob.is_empty(), nb.is_empty()) {
            (true, false) => ("response-body-added", Kind::Additive, Side::New),
            (false, true) => ("response-body-removed", Kind::Breaking, Side::Old),
            _ => ("response-body-type-changed", Kind::Breaking, Side::New),
        };
        let pointer = if side == Side::Old { o.pointer("/responses") } else { n.pointer("/responses") };
        let message = format!(
            "response body {} → {}",
            if ob.is_empty() { "none".into() } else { show(&ob) },
            if nb.is_empty() { "none".into() } else { show(&nb) }
        );
        push(id, kind, pointer, message, side);
    }
}
