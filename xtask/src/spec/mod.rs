//! The spec builder: page models → one `openapiv3::OpenAPI` by the spec conventions ARCHITECTURE.md records,
//! and its checks. Typed from the first value to the last: no JSON document between the pages and the YAML.
//!
//! - `build`: the pass over the pages (plan each endpoint, decide the ids, make the operations);
//! - `operation`: one path item and its operations, made from their plans;
//! - `ids`: operationIds, and what an operation is (action, function, operation);
//! - `answer`: the success body (Response prose and example response);
//! - `body`: request bodies;
//! - `components`: what operations share by `$ref` (OData options, the error response) and the fixed parts
//!   (error schemas, security scheme, path parameters, collection responses);
//! - `schemas`: resource pages → `components/schemas`;
//! - `typed`: small constructors of openapiv3 values;
//! - `check`: what the types cannot hold (parameters declared once, unique ids, `$ref`s resolving);
//! - `yaml`: the document as YAML, its paths written on every core.

mod answer;
mod body;
mod build;
mod check;
mod components;
mod ids;
mod operation;
pub mod schemas;
mod typed;
mod yaml;

pub use build::{
    build, build_full, build_inputs, build_with, templates, Built, BuiltOperation, Input, SharedEndpoint,
};
pub use check::check;
pub use components::{DEFAULT_SERVER, ERROR_SCHEMA, SECURITY_SCHEME};
pub use ids::operation_id;
pub use operation::learn_url;
pub use yaml::to_yaml;

pub use crate::diagnostics::{Diagnostics, PageDiagnostic};
