//! The checks: two OpenAPI documents → the changes between them, each with its id, kind and pointer.
//!
//! Operations are matched by method and path template, parameters by location and name, schemas by name and
//! properties by name. Direction decides the kind where it matters: a property that became required breaks
//! the apps that send the type, not those that only read it.

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{
    OpenAPI, Operation, Parameter, ParameterData, ParameterSchemaOrContent, PathItem, ReferenceOr, Schema,
    SchemaKind, StatusCode, Type,
};

use super::{pointer_token as tok, Change, Kind, OperationRef, Semver, Side, Subject};

const SCHEMAS: &str = "#/components/schemas/";

/// Every change from `old` to `new`, unsorted.
pub fn run(old: &OpenAPI, new: &OpenAPI) -> Vec<Change> {
    let mut out = Vec::new();
    let (old_ops, new_ops) = (operations(old), operations(new));
    for (key, o) in &old_ops {
        match new_ops.get(key) {
            None => out.push(change(
                "operation-removed",
                Kind::Breaking,
                Some(o.reference()),
                o.pointer(""),
                format!("{} {} is gone", key.0, key.1),
                Side::Old,
                Subject::Operation,
            )),
            Some(n) => operation(o, n, &mut out),
        }
    }
    for (key, n) in &new_ops {
        if !old_ops.contains_key(key) {
            out.push(change(
                "operation-added",
                Kind::Additive,
                Some(n.reference()),
                n.pointer(""),
                format!("{} {} is new", key.0, key.1),
                Side::New,
                Subject::Operation,
            ));
        }
    }
    schemas(old, new, &mut out);
    out
}

fn change(
    id: &'static str,
    kind: Kind,
    operation: Option<OperationRef>,
    pointer: String,
    message: String,
    side: Side,
    subject: Subject,
) -> Change {
    let semver = match kind {
        Kind::Breaking => Semver::Major,
        Kind::Additive => Semver::Minor,
        Kind::Docs => Semver::Patch,
    };
    Change { id, kind, operation, pointer, message, side, subject, source: None, rust: None, semver }
}

/// One operation of a document, with where it sits.
struct Op<'a> {
    method: String,
    path: &'a str,
    item: &'a PathItem,
    op: &'a Operation,
}

impl Op<'_> {
    fn reference(&self) -> OperationRef {
        OperationRef {
            method: self.method.clone(),
            path: self.path.to_string(),
            operation_id: self.op.operation_id.clone().unwrap_or_default(),
            docs_url: self.op.external_docs.as_ref().map(|d| d.url.clone()),
        }
    }

    fn pointer(&self, rest: &str) -> String {
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
            let ReferenceOr::Item(p) = p else { continue };
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

fn operations(doc: &OpenAPI) -> BTreeMap<(String, String), Op<'_>> {
    let mut out = BTreeMap::new();
    for (path, item) in doc.paths.paths.iter() {
        let ReferenceOr::Item(item) = item else { continue };
        for (method, op) in item.iter() {
            let method = method.to_ascii_uppercase();
            out.insert((method.clone(), path.clone()), Op { method, path, item, op });
        }
    }
    out
}

/// A schema's shape in one line: what decides whether a value of the old type still reads as the new one.
/// Descriptions and titles are left out; a description wrapper (`allOf` of one `$ref`) is the `$ref`.
pub fn signature(schema: &ReferenceOr<Schema>) -> String {
    match schema {
        ReferenceOr::Reference { reference } => {
            reference.strip_prefix(SCHEMAS).unwrap_or(reference).to_string()
        }
        ReferenceOr::Item(s) => item_signature(s),
    }
}

fn boxed_signature(schema: &ReferenceOr<Box<Schema>>) -> String {
    match schema {
        ReferenceOr::Reference { reference } => {
            reference.strip_prefix(SCHEMAS).unwrap_or(reference).to_string()
        }
        ReferenceOr::Item(s) => item_signature(s),
    }
}

fn item_signature(s: &Schema) -> String {
    let base = match &s.schema_kind {
        SchemaKind::Type(Type::String(t)) => {
            let format = match &t.format {
                openapiv3::VariantOrUnknownOrEmpty::Item(f) => format!("{f:?}").to_ascii_lowercase(),
                openapiv3::VariantOrUnknownOrEmpty::Unknown(f) => f.clone(),
                openapiv3::VariantOrUnknownOrEmpty::Empty => String::new(),
            };
            if format.is_empty() {
                "string".to_string()
            } else {
                format!("string({format})")
            }
        }
        SchemaKind::Type(Type::Integer(t)) => match &t.format {
            openapiv3::VariantOrUnknownOrEmpty::Item(f) => format!("integer({f:?})").to_ascii_lowercase(),
            openapiv3::VariantOrUnknownOrEmpty::Unknown(f) => format!("integer({f})"),
            openapiv3::VariantOrUnknownOrEmpty::Empty => "integer".into(),
        },
        SchemaKind::Type(Type::Number(_)) => "number".into(),
        SchemaKind::Type(Type::Boolean(_)) => "boolean".into(),
        SchemaKind::Type(Type::Array(a)) => {
            format!("array<{}>", a.items.as_ref().map(boxed_signature).unwrap_or_else(|| "any".into()))
        }
        SchemaKind::Type(Type::Object(o)) => {
            let props: Vec<String> = o.properties.keys().cloned().collect();
            format!("object{{{}}}", props.join(","))
        }
        SchemaKind::AllOf { all_of } if all_of.len() == 1 => signature(&all_of[0]),
        SchemaKind::AllOf { all_of } => {
            format!("allOf[{}]", all_of.iter().map(signature).collect::<Vec<_>>().join(","))
        }
        SchemaKind::OneOf { one_of } => {
            format!("oneOf[{}]", one_of.iter().map(signature).collect::<Vec<_>>().join(","))
        }
        SchemaKind::AnyOf { any_of } => {
            format!("anyOf[{}]", any_of.iter().map(signature).collect::<Vec<_>>().join(","))
        }
        SchemaKind::Not { .. } => "not".into(),
        SchemaKind::Any(_) => "any".into(),
    };
    base
}

fn text_changed(old: &Option<String>, new: &Option<String>) -> bool {
    old.as_deref().map(str::trim).unwrap_or("") != new.as_deref().map(str::trim).unwrap_or("")
}

fn operation(o: &Op<'_>, n: &Op<'_>, out: &mut Vec<Change>) {
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

/// Which schemas the operations send (requests) and read (responses), following `$ref`s.
fn usage(doc: &OpenAPI) -> BTreeMap<String, (bool, bool)> {
    let mut out: BTreeMap<String, (bool, bool)> = BTreeMap::new();
    let schemas = doc.components.as_ref().map(|c| &c.schemas);
    let mut stack: Vec<(String, bool)> = Vec::new();
    for (_, op) in operations(doc) {
        if let Some(ReferenceOr::Item(b)) = &op.op.request_body {
            b.content
                .values()
                .filter_map(|m| m.schema.as_ref())
                .for_each(|s| refs(s, &mut |r| stack.push((r, true))));
        }
        for r in op.op.responses.responses.values() {
            if let ReferenceOr::Item(r) = r {
                r.content
                    .values()
                    .filter_map(|m| m.schema.as_ref())
                    .for_each(|s| refs(s, &mut |r| stack.push((r, false))));
            }
        }
    }
    while let Some((name, request)) = stack.pop() {
        let entry = out.entry(name.clone()).or_default();
        let seen = if request { &mut entry.0 } else { &mut entry.1 };
        if *seen {
            continue;
        }
        *seen = true;
        if let Some(s) = schemas.and_then(|m| m.get(&name)) {
            refs(s, &mut |r| stack.push((r, request)));
        }
    }
    out
}

/// Calls `f` with the name of every schema `schema` refers to, one level deep in `$ref`s.
fn refs(schema: &ReferenceOr<Schema>, f: &mut dyn FnMut(String)) {
    match schema {
        ReferenceOr::Reference { reference } => {
            if let Some(n) = reference.strip_prefix(SCHEMAS) {
                f(n.to_string());
            }
        }
        ReferenceOr::Item(s) => {
            let unbox = |b: &ReferenceOr<Box<Schema>>| match b {
                ReferenceOr::Reference { reference } => {
                    ReferenceOr::Reference { reference: reference.clone() }
                }
                ReferenceOr::Item(s) => ReferenceOr::Item((**s).clone()),
            };
            match &s.schema_kind {
                SchemaKind::Type(Type::Object(o)) => o.properties.values().for_each(|p| refs(&unbox(p), f)),
                SchemaKind::Type(Type::Array(a)) => a.items.iter().for_each(|i| refs(&unbox(i), f)),
                SchemaKind::AllOf { all_of: v }
                | SchemaKind::OneOf { one_of: v }
                | SchemaKind::AnyOf { any_of: v } => v.iter().for_each(|i| refs(i, f)),
                _ => {}
            }
        }
    }
}

fn schemas(old: &OpenAPI, new: &OpenAPI, out: &mut Vec<Change>) {
    let empty = Default::default();
    let os = old.components.as_ref().map_or(&empty, |c| &c.schemas);
    let ns = new.components.as_ref().map_or(&empty, |c| &c.schemas);
    let (ou, nu) = (usage(old), usage(new));
    let pointer = |name: &str, rest: &str| format!("/components/schemas/{}{rest}", tok(name));
    for (name, o) in os {
        let Some(n) = ns.get(name) else {
            out.push(change(
                "schema-removed",
                Kind::Breaking,
                None,
                pointer(name, ""),
                format!("schema `{name}` removed"),
                Side::Old,
                Subject::Schema { name: name.clone() },
            ));
            continue;
        };
        let (ReferenceOr::Item(o), ReferenceOr::Item(n)) = (o, n) else { continue };
        let (req, resp) = {
            let a = ou.get(name).copied().unwrap_or_default();
            let b = nu.get(name).copied().unwrap_or_default();
            (a.0 || b.0, a.1 || b.1)
        };
        schema(name, o, n, (req, resp), out);
    }
    for name in ns.keys().filter(|n| !os.contains_key(*n)) {
        out.push(change(
            "schema-added",
            Kind::Additive,
            None,
            pointer(name, ""),
            format!("schema `{name}` added"),
            Side::New,
            Subject::Schema { name: name.clone() },
        ));
    }
}

/// Property ids by direction; a schema both sent and read takes the stricter of the two, the response's
/// on a tie (apps read Graph's types far more often than they send them).
fn directed(
    request: bool,
    response: bool,
    ids: (&'static str, Kind),
    resp: (&'static str, Kind),
) -> (&'static str, Kind) {
    match (request, response) {
        (true, false) => ids,
        (false, _) => resp,
        (true, true) => {
            if ids.1 < resp.1 {
                ids
            } else {
                resp
            }
        }
    }
}

fn schema(name: &str, o: &Schema, n: &Schema, (req, resp): (bool, bool), out: &mut Vec<Change>) {
    let pointer = |rest: &str| format!("/components/schemas/{}{rest}", tok(name));
    let subject = Subject::Schema { name: name.to_string() };
    if text_changed(&o.schema_data.description, &n.schema_data.description) {
        out.push(change(
            "description-changed",
            Kind::Docs,
            None,
            pointer("/description"),
            format!("schema `{name}`: description changed"),
            Side::New,
            subject.clone(),
        ));
    }
    match (&o.schema_kind, &n.schema_kind) {
        (SchemaKind::Type(Type::String(a)), SchemaKind::Type(Type::String(b))) => {
            let (av, bv): (Vec<_>, Vec<_>) =
                (a.enumeration.iter().flatten().collect(), b.enumeration.iter().flatten().collect());
            for v in av.iter().filter(|v| !bv.contains(v)) {
                let value = (*v).clone();
                out.push(change(
                    "enum-value-removed",
                    Kind::Breaking,
                    None,
                    pointer("/enum"),
                    format!("`{name}` no longer has the value `{value}`"),
                    Side::Old,
                    Subject::EnumValue { schema: name.into(), value },
                ));
            }
            for v in bv.iter().filter(|v| !av.contains(v)) {
                let value = (*v).clone();
                out.push(change(
                    "enum-value-added",
                    Kind::Additive,
                    None,
                    pointer("/enum"),
                    format!("`{name}` has a new value `{value}`"),
                    Side::New,
                    Subject::EnumValue { schema: name.into(), value },
                ));
            }
        }
        (SchemaKind::Type(Type::Object(a)), SchemaKind::Type(Type::Object(b))) => {
            let prop = |p: &str| Subject::Property { schema: name.to_string(), property: p.to_string() };
            let pp = |p: &str, rest: &str| pointer(&format!("/properties/{}{rest}", tok(p)));
            let (ar, br): (BTreeSet<&String>, BTreeSet<&String>) =
                (a.required.iter().collect(), b.required.iter().collect());
            for (p, ps) in &a.properties {
                let Some(ns) = b.properties.get(p) else {
                    let (id, kind) = directed(
                        req,
                        resp,
                        ("request-property-removed", Kind::Breaking),
                        ("response-property-removed", Kind::Breaking),
                    );
                    out.push(change(
                        id,
                        kind,
                        None,
                        pp(p, ""),
                        format!("`{name}.{p}` removed"),
                        Side::Old,
                        prop(p),
                    ));
                    continue;
                };
                let (os, nsig) = (boxed_signature(ps), boxed_signature(ns));
                if os != nsig {
                    let (id, kind) = directed(
                        req,
                        resp,
                        ("request-property-type-changed", Kind::Breaking),
                        ("response-property-type-changed", Kind::Breaking),
                    );
                    out.push(change(
                        id,
                        kind,
                        None,
                        pp(p, ""),
                        format!("`{name}.{p}`: {os} → {nsig}"),
                        Side::New,
                        prop(p),
                    ));
                }
                match (ar.contains(p), br.contains(p)) {
                    (false, true) => {
                        let (id, kind) = directed(
                            req,
                            resp,
                            ("request-property-became-required", Kind::Breaking),
                            ("response-property-became-required", Kind::Additive),
                        );
                        out.push(change(
                            id,
                            kind,
                            None,
                            pointer("/required"),
                            format!("`{name}.{p}` became required"),
                            Side::New,
                            prop(p),
                        ));
                    }
                    (true, false) => {
                        let (id, kind) = directed(
                            req,
                            resp,
                            ("request-property-became-optional", Kind::Additive),
                            ("response-property-became-optional", Kind::Breaking),
                        );
                        out.push(change(
                            id,
                            kind,
                            None,
                            pointer("/required"),
                            format!("`{name}.{p}` became optional"),
                            Side::New,
                            prop(p),
                        ));
                    }
                    _ => {}
                }
                if text_changed(&description(ps), &description(ns)) {
                    out.push(change(
                        "description-changed",
                        Kind::Docs,
                        None,
                        pp(p, "/description"),
                        format!("`{name}.{p}`: description changed"),
                        Side::New,
                        prop(p),
                    ));
                }
            }
            for p in b.properties.keys().filter(|p| !a.properties.contains_key(*p)) {
                let (id, kind) = if br.contains(p) {
                    directed(
                        req,
                        resp,
                        ("request-property-added-required", Kind::Breaking),
                        ("response-property-added", Kind::Additive),
                    )
                } else {
                    directed(
                        req,
                        resp,
                        ("request-property-added", Kind::Additive),
                        ("response-property-added", Kind::Additive),
                    )
                };
                out.push(change(
                    id,
                    kind,
                    None,
                    pp(p, ""),
                    format!("`{name}.{p}` added"),
                    Side::New,
                    prop(p),
                ));
            }
        }
        (SchemaKind::OneOf { one_of: a }, SchemaKind::OneOf { one_of: b }) => {
            let (a, b): (Vec<String>, Vec<String>) =
                (a.iter().map(signature).collect(), b.iter().map(signature).collect());
            for v in a.iter().filter(|v| !b.contains(v)) {
                out.push(change(
                    "subtype-removed",
                    Kind::Breaking,
                    None,
                    pointer("/oneOf"),
                    format!("`{name}` no longer has the kind `{v}`"),
                    Side::Old,
                    subject.clone(),
                ));
            }
            for v in b.iter().filter(|v| !a.contains(v)) {
                out.push(change(
                    "subtype-added",
                    Kind::Additive,
                    None,
                    pointer("/oneOf"),
                    format!("`{name}` has a new kind `{v}`"),
                    Side::New,
                    subject.clone(),
                ));
            }
        }
        _ => {
            let (a, b) = (item_signature(o), item_signature(n));
            if a != b {
                out.push(change(
                    "schema-type-changed",
                    Kind::Breaking,
                    None,
                    pointer(""),
                    format!("schema `{name}`: {a} → {b}"),
                    Side::New,
                    subject,
                ));
            }
        }
    }
}

fn description(s: &ReferenceOr<Box<Schema>>) -> Option<String> {
    match s {
        ReferenceOr::Item(s) => s.schema_data.description.clone(),
        ReferenceOr::Reference { .. } => None,
    }
}
