//! What the document shares under `components` and the fixed parts every operation points to: OData's
//! system query options (`components/parameters`), the error response (`components/responses/error`) and
//! Graph's error schemas, the collection responses, the oauth2 security scheme, and path parameters.
//!
//! Shared by `$ref`, as Microsoft's own OpenAPI does: an option or the error written once reads the same on
//! every operation, and a change to it is one change in the document's diff.

use std::collections::{BTreeMap, BTreeSet};

use indexmap::IndexMap;
use openapiv3::{
    AuthorizationCodeOAuth2Flow, Components, IntegerType, MediaType, OAuth2Flows, Parameter, ParameterData,
    ParameterSchemaOrContent, PathStyle, QueryStyle, ReferenceOr, Response, Schema, SchemaKind,
    SecurityScheme, Type,
};

use super::schemas::Schemas;
use super::typed::{self, Properties};
use crate::paths::PathParam;

pub const DEFAULT_SERVER: &str = "https://graph.microsoft.com/v1.0";
pub const ERROR_SCHEMA: &str = "microsoft.graph.ODataErrors.ODataError";
pub const SECURITY_SCHEME: &str = "azureaadv2";
/// `$ref` of the error response every operation answers on `4XX` and `5XX`.
pub const ERROR_RESPONSE: &str = "#/components/responses/error";
const PARAMETER_PREFIX: &str = "#/components/parameters/";

/// One OData system query option: its key under `components/parameters`, its name on the wire, what it
/// does, and whether only a collection takes it.
struct Row {
    key: &'static str,
    name: &'static str,
    description: &'static str,
    collection_only: bool,
}

/// OData's system query options, in the order operations list them: `$select` and `$expand` on any GET with
/// a body, the rest on collections. The keys are Microsoft's (`top`, `skip`, `search`, `filter`, `count`).
const ODATA_OPTIONS: [Row; 8] = [
    Row {
        key: "select",
        name: "$select",
        description: "Select properties to be returned",
        collection_only: false,
    },
    Row { key: "expand", name: "$expand", description: "Expand related entities", collection_only: false },
    Row { key: "top", name: "$top", description: "Show only the first n items", collection_only: true },
    Row { key: "skip", name: "$skip", description: "Skip the first n items", collection_only: true },
    Row {
        key: "search",
        name: "$search",
        description: "Search items by search phrases",
        collection_only: true,
    },
    Row {
        key: "filter",
        name: "$filter",
        description: "Filter items by property values",
        collection_only: true,
    },
    Row { key: "count", name: "$count", description: "Include count of items", collection_only: true },
    Row {
        key: "orderby",
        name: "$orderby",
        description: "Order items by property values",
        collection_only: true,
    },
];

/// An OData option an operation takes: its name and the schema its values have.
#[derive(Debug, Clone, Copy)]
pub struct ODataOption {
    index: usize,
}

impl ODataOption {
    pub fn name(self) -> &'static str {
        ODATA_OPTIONS[self.index].name
    }

    /// `$top` and `$skip` are counts, `$count` a flag, `$select`, `$expand` and `$orderby` comma-separated
    /// lists, `$search` and `$filter` text.
    pub fn schema(self) -> Schema {
        match ODATA_OPTIONS[self.index].key {
            "top" | "skip" => typed::of(SchemaKind::Type(Type::Integer(IntegerType {
                format: Some("int32".to_string()).into(),
                minimum: Some(0),
                ..IntegerType::default()
            }))),
            "search" | "filter" => typed::string(None),
            "count" => typed::boolean(),
            _ => {
                let mut list = typed::array(ReferenceOr::Item(typed::string(None)));
                if let SchemaKind::Type(Type::Array(a)) = &mut list.schema_kind {
                    a.unique_items = true;
                }
                list
            }
        }
    }

    /// `$ref: '#/components/parameters/top'`.
    pub fn reference(self) -> ReferenceOr<Parameter> {
        ReferenceOr::Reference { reference: format!("{PARAMETER_PREFIX}{}", ODATA_OPTIONS[self.index].key) }
    }

    /// Its place in [`ODATA_OPTIONS`], for [`components`]'s set of options used.
    pub fn index(self) -> usize {
        self.index
    }

    fn parameter(self) -> Parameter {
        let option = &ODATA_OPTIONS[self.index];
        query_parameter(option.name, option.description, false, self.schema())
    }
}

/// The OData options of a GET: all of them on a collection, `$select` and `$expand` on one object.
pub fn odata_options(collection: bool) -> impl Iterator<Item = ODataOption> {
    (0..ODATA_OPTIONS.len())
        .filter(move |&i| collection || !ODATA_OPTIONS[i].collection_only)
        .map(|index| ODataOption { index })
}

/// A query parameter: form style, not exploded (OData's lists are comma-separated).
pub fn query_parameter(name: &str, description: &str, required: bool, schema: Schema) -> Parameter {
    Parameter::Query {
        parameter_data: data(name, description, required, schema, Some(false)),
        allow_reserved: false,
        style: QueryStyle::Form,
        allow_empty_value: None,
    }
}

pub fn data(
    name: &str,
    description: &str,
    required: bool,
    schema: Schema,
    explode: Option<bool>,
) -> ParameterData {
    ParameterData {
        name: name.to_string(),
        description: Some(description.to_string()),
        required,
        deprecated: None,
        format: ParameterSchemaOrContent::Schema(ReferenceOr::Item(schema)),
        example: None,
        examples: IndexMap::new(),
        explode,
        extensions: IndexMap::new(),
    }
}

/// A key of the path (`message-id`), declared once on its path item, with `x-ms-docs-key-type` naming the
/// entity it is the key of.
pub fn path_parameter(p: &PathParam) -> ReferenceOr<Parameter> {
    let mut parameter_data = data(&p.name, &p.description(), true, typed::string(None), None);
    if let Some(entity) = &p.entity {
        parameter_data
            .extensions
            .insert("x-ms-docs-key-type".into(), serde_json::Value::String(entity.clone()));
    }
    ReferenceOr::Item(Parameter::Path { parameter_data, style: PathStyle::Simple })
}

/// The collection response of a resource (`value`, `@odata.nextLink`, `@odata.deltaLink`, `@odata.count`),
/// under its name `<type>CollectionResponse`.
pub fn collection_response(qualified: &str) -> (String, Schema) {
    let link = || ReferenceOr::Item(Box::new(typed::nullable(typed::string(None))));
    let mut properties = Properties::new();
    properties
        .insert("value".into(), ReferenceOr::Item(Box::new(typed::array(typed::schema_ref(qualified)))));
    properties.insert("@odata.nextLink".into(), link());
    properties.insert("@odata.deltaLink".into(), link());
    properties.insert(
        "@odata.count".into(),
        ReferenceOr::Item(Box::new(typed::nullable(typed::integer(Some("int64"))))),
    );
    let short = qualified.rsplit('.').next().unwrap_or(qualified);
    let schema = typed::titled(typed::object(properties, vec![]), format!("Collection of {short}"));
    (format!("{qualified}CollectionResponse"), schema)
}

/// Everything under `components`: the resource schemas, the collection responses operations use and Graph's
/// error schemas (sorted by name, so the YAML diff of a new page is local); the OData options operations
/// refer to; the error response; the security scheme with every scope the pages name.
pub fn components(
    schemas: &Schemas,
    collections: BTreeMap<String, Schema>,
    options_used: &BTreeSet<usize>,
    scopes: &[String],
) -> Components {
    let mut all: BTreeMap<String, Schema> = schemas.schemas.clone();
    all.extend(collections);
    all.extend(error_schemas());
    let mut components = Components {
        schemas: all.into_iter().map(|(k, v)| (k, ReferenceOr::Item(v))).collect(),
        ..Components::default()
    };
    components.responses.insert("error".into(), ReferenceOr::Item(error_response()));
    for &index in options_used {
        let option = ODataOption { index };
        components.parameters.insert(ODATA_OPTIONS[index].key.into(), ReferenceOr::Item(option.parameter()));
    }
    components.security_schemes.insert(SECURITY_SCHEME.into(), ReferenceOr::Item(security_scheme(scopes)));
    components
}

fn error_response() -> Response {
    let mut content = IndexMap::new();
    content.insert(
        "application/json".to_string(),
        MediaType { schema: Some(typed::schema_ref(ERROR_SCHEMA)), ..MediaType::default() },
    );
    Response { description: "error".into(), content, ..Response::default() }
}

fn security_scheme(scopes: &[String]) -> SecurityScheme {
    let scopes = scopes.iter().map(|s| (s.clone(), format!("Microsoft Graph permission {s}"))).collect();
    let flow = AuthorizationCodeOAuth2Flow {
        authorization_url: "https://login.microsoftonline.com/common/oauth2/v2.0/authorize".into(),
        token_url: "https://login.microsoftonline.com/common/oauth2/v2.0/token".into(),
        refresh_url: None,
        scopes,
        extensions: IndexMap::new(),
    };
    SecurityScheme::OAuth2 {
        flows: OAuth2Flows { authorization_code: Some(flow), ..OAuth2Flows::default() },
        description: None,
        extensions: IndexMap::new(),
    }
}

/// Graph's error body: `code` and `message` required; `innerError` open, its `date` plain text (Graph's
/// format varies).
fn error_schemas() -> Vec<(String, Schema)> {
    let main = "microsoft.graph.ODataErrors.MainError";
    let details = "microsoft.graph.ODataErrors.ErrorDetails";
    let inner = "microsoft.graph.ODataErrors.InnerError";
    let item = |s: Schema| ReferenceOr::Item(Box::new(s));
    let text = || item(typed::string(None));
    let nullable_text = || item(typed::nullable(typed::string(None)));
    let props = |entries: Vec<(&str, ReferenceOr<Box<Schema>>)>| -> Properties {
        entries.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
    };
    let code_message = || vec!["code".to_string(), "message".to_string()];
    let odata_error = typed::object(props(vec![("error", typed::schema_ref(main))]), vec!["error".into()]);
    let main_error = typed::object(
        props(vec![
            ("code", text()),
            ("message", text()),
            ("target", nullable_text()),
            ("details", item(typed::array(typed::schema_ref(details)))),
            ("innerError", typed::schema_ref(inner)),
        ]),
        code_message(),
    );
    let error_details = typed::object(
        props(vec![("code", text()), ("message", text()), ("target", nullable_text())]),
        code_message(),
    );
    let inner_error = typed::described(
        typed::open(typed::object(
            props(vec![
                ("request-id", nullable_text()),
                ("client-request-id", nullable_text()),
                ("date", nullable_text()),
            ]),
            vec![],
        )),
        "Open: Graph adds fields over time. `date` is kept as text, since Graph's format varies.",
    );
    vec![
        (ERROR_SCHEMA.into(), typed::titled(odata_error, "ODataError")),
        (main.into(), typed::titled(main_error, "MainError")),
        (details.into(), typed::titled(error_details, "ErrorDetails")),
        (inner.into(), typed::titled(inner_error, "InnerError")),
    ]
}
