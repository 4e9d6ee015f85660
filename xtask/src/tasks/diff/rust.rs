//! The Rust side of a change: which item of generated-client it touches, and the semver step that needs.
//!
//! Item names come from `generator::api_names`, which reads them off the generator's own output, so they are
//! the names `regen` emits. The step follows cargo's SemVer rules: removing or retyping a public item, a new
//! field in a struct whose fields are all public, a new variant in an exhaustive enum, and a new argument are
//! major; a new method or type is minor; doc text is a patch.

use generator::api_names::{api_names, ApiNames, OperationItem};
use openapiv3::OpenAPI;

use super::{Change, Kind, Semver, Side, Subject};

/// The items of both sides.
#[derive(Debug)]
pub struct Names {
    names: [Result<ApiNames, String>; 2],
}

impl Names {
    /// Works out both sides at once, on two threads: each runs the generator's type pass, most of a diff's
    /// time when there are changes. A side the generator cannot handle names no Rust item; [`Names::notes`]
    /// says why.
    pub fn new(old: &OpenAPI, new: &OpenAPI) -> Self {
        let settings = generator::Settings::default();
        let name = |spec: &OpenAPI| api_names(spec, &settings).map_err(|e| e.to_string());
        let (a, b) = std::thread::scope(|s| {
            let other = s.spawn(|| name(new));
            let a = name(old);
            (a, other.join().unwrap_or_else(|_| Err("the generator panicked".to_string())))
        });
        Names { names: [a, b] }
    }

    fn side(&self, side: Side) -> Option<&ApiNames> {
        self.names[usize::from(side == Side::New)].as_ref().ok()
    }

    /// One line per side without Rust names, saying why.
    pub fn notes(&self) -> Vec<String> {
        ["old", "new"]
            .iter()
            .zip(&self.names)
            .filter_map(|(side, names)| {
                let why = names.as_ref().err()?;
                Some(format!(
                    "the {side} side names no Rust item: the generator cannot make a client from it ({why})"
                ))
            })
            .collect()
    }

    fn operation(&self, side: Side, change: &Change) -> Option<&OperationItem> {
        let op = change.operation.as_ref()?;
        self.side(side)?.operations.get(&(op.method.clone(), op.path.clone()))
    }

    /// Does the other side still have a method of this name on this type (another path it is shared with)?
    fn method_exists(&self, side: Side, item: &OperationItem) -> bool {
        self.side(side)
            .is_some_and(|n| n.operations.values().any(|o| o.owner == item.owner && o.method == item.method))
    }

    fn type_name(&self, side: Side, schema: &str) -> Option<String> {
        self.side(side)?.types.get(schema).map(|t| format!("types::{}", t.name))
    }

    fn field(&self, side: Side, schema: &str, property: &str) -> Option<(String, String)> {
        let t = self.side(side)?.types.get(schema)?;
        let f = t.fields.get(property)?;
        Some((format!("types::{}::{}", t.name, f.name), f.ty.clone()))
    }

    /// The Rust item a change touches, and how.
    pub fn describe(&self, c: &Change) -> Option<String> {
        let other = if c.side == Side::New { Side::Old } else { Side::New };
        match &c.subject {
            Subject::RequestBody { property: Some(property) } => {
                let item = self.operation(c.side, c)?;
                let body = item.arguments.iter().find_map(|a| a.strip_prefix("body: "));
                let Some(field) =
                    body.and_then(|b| self.side(c.side)?.rust_types.get(b)?.fields.get(property))
                else {
                    return Some(format!("{} body", item.path()));
                };
                let owner = body.unwrap_or_default();
                let path = format!("types::{owner}::{}", field.name);
                Some(match c.id {
                    id if id.ends_with("-removed") => format!("{path} removed"),
                    id if id.contains("-added") => format!("{path}: {} added", field.ty),
                    "description-changed" => format!("{path} (docs)"),
                    _ => {
                        let other_item = self.operation(other, c);
                        let before = other_item
                            .and_then(|o| o.arguments.iter().find_map(|a| a.strip_prefix("body: ")))
                            .and_then(|b| self.side(other)?.rust_types.get(b)?.fields.get(property))
                            .map(|f| f.ty.clone());
                        match before {
                            Some(b) if b != field.ty => format!("{path}: {b} → {}", field.ty),
                            _ => format!("{path}: {}", field.ty),
                        }
                    }
                })
            }
            Subject::Operation | Subject::Scopes | Subject::Response | Subject::RequestBody { .. } => {
                let item = self.operation(c.side, c)?;
                let call = item.path();
                Some(match c.id {
                    "operation-removed" if self.method_exists(Side::New, item) => {
                        format!("{call} stays: the type still has it for another path")
                    }
                    "operation-removed" => format!("{call} removed"),
                    "operation-added" if self.method_exists(Side::Old, item) => {
                        format!("{call} (already there for another path)")
                    }
                    "operation-added" => format!("{call} added, returning {}", item.builder),
                    "request-body-added-required"
                    | "request-body-removed"
                    | "request-body-type-changed"
                    | "request-body-became-required" => {
                        let before =
                            self.operation(other, c).map(|o| o.arguments.join(", ")).unwrap_or_default();
                        format!("{call}({before}) → {call}({})", item.arguments.join(", "))
                    }
                    "request-body-added" => format!("{}::body added", item.builder),
                    "response-body-added" | "response-body-removed" | "response-body-type-changed" => {
                        // The other side may have no Rust names (its spec did not generate): say what is
                        // known instead of an empty arrow.
                        let this = Some(item.output.clone()).filter(|o| !o.is_empty());
                        let that =
                            self.operation(other, c).map(|o| o.output.clone()).filter(|o| !o.is_empty());
                        let (before, after) = if c.side == Side::New { (that, this) } else { (this, that) };
                        match (before, after) {
                            (Some(before), Some(after)) => {
                                format!("{} output: {before} → {after}", item.builder)
                            }
                            (None, Some(after)) => format!("{} output now {after}", item.builder),
                            (Some(before), None) => format!("{} output was {before}", item.builder),
                            (None, None) => format!("{} output", item.builder),
                        }
                    }
                    _ => format!("{call} (docs)"),
                })
            }
            Subject::Parameter { name, required } => {
                let item = self.operation(c.side, c)?;
                let rust = generator::names::snake(name.trim_start_matches('$'));
                let setter = item
                    .setters
                    .iter()
                    .find(|s| s.trim_end_matches('_') == rust)
                    .cloned()
                    .unwrap_or(rust.clone());
                let setter = format!("{}::{setter}", item.builder);
                let argument = format!("argument `{rust}` of {}", item.path());
                Some(match c.id {
                    "parameter-removed" if *required => format!("{argument} removed"),
                    "parameter-removed" => format!("{setter} removed"),
                    "parameter-added-required" => format!("{} gains {argument}", item.path()),
                    "parameter-added" => format!("{setter} added"),
                    "parameter-became-required" => format!("{setter} → {argument}"),
                    "parameter-became-optional" => format!("{argument} → {setter}"),
                    _ if *required => argument,
                    _ => setter,
                })
            }
            Subject::Schema { name } => {
                let ty = self.type_name(c.side, name)?;
                Some(match c.id {
                    "schema-removed" => format!("{ty} removed"),
                    "schema-added" => format!("{ty} added"),
                    "description-changed" => format!("{ty} (docs)"),
                    _ => ty,
                })
            }
            Subject::Property { schema, property } => {
                let (item, ty) = self.field(c.side, schema, property)?;
                Some(match c.id {
                    id if id.ends_with("-removed") => format!("{item} removed"),
                    id if id.ends_with("-added") || id.ends_with("-added-required") => {
                        format!("{item}: {ty} added")
                    }
                    "description-changed" => format!("{item} (docs)"),
                    _ => match self.field(other, schema, property) {
                        Some((_, before)) if before != ty => format!("{item}: {before} → {ty}"),
                        _ => format!("{item}: {ty} (unchanged)"),
                    },
                })
            }
            Subject::EnumValue { schema, value } => {
                let t = self.side(c.side)?.types.get(schema)?;
                let variant = t.variants.get(value)?;
                let verb = if c.id == "enum-value-removed" { "removed" } else { "added" };
                Some(format!("types::{}::{variant} {verb}", t.name))
            }
        }
    }

    /// The semver step the change needs on its own.
    pub fn semver(&self, c: &Change) -> Semver {
        if c.kind == Kind::Breaking {
            return Semver::Major;
        }
        match c.id {
            // The Rust signature changes although no request or answer does: an argument becomes a setter, a
            // field's type loses or gains its `Option`, an output type appears, a field or variant is added to
            // a type whose fields are all public or an exhaustive enum.
            "parameter-became-optional" | "response-body-added" | "enum-value-added" => Semver::Major,
            id if id.ends_with("-property-became-required") || id.ends_with("-property-became-optional") => {
                match c.rust.as_deref() {
                    Some(r) if r.contains(" → ") => Semver::Major,
                    _ => Semver::Minor,
                }
            }
            id if id.ends_with("-property-added") => Semver::Major,
            // Only the method's docs say which status Graph answers with.
            "success-status-changed" | "scope-added" => Semver::Patch,
            "operation-added" if c.rust.as_deref().is_some_and(|r| r.contains("already there")) => {
                Semver::Patch
            }
            _ => match c.kind {
                Kind::Breaking => Semver::Major,
                Kind::Additive => Semver::Minor,
                Kind::Docs => Semver::Patch,
            },
        }
    }
}
