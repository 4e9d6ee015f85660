//! Small constructors of `openapiv3` values, so the builder reads as the shapes it makes (`string(None)`,
//! `array(item)`, `schema_ref(name)`) rather than as struct literals with a dozen defaults.

use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, ArrayType, BooleanType, IntegerType, NumberType, ObjectType, ReferenceOr, Schema,
    SchemaData, SchemaKind, StringType, Type,
};

/// The prefix of a `$ref` to a schema of `components/schemas`.
pub const SCHEMA_PREFIX: &str = "#/components/schemas/";

/// Properties of an object schema, in the order they are written.
pub type Properties = IndexMap<String, ReferenceOr<Box<Schema>>>;

pub fn of(kind: SchemaKind) -> Schema {
    Schema { schema_data: SchemaData::default(), schema_kind: kind }
}

fn format(format: Option<&str>) -> Option<String> {
    format.map(str::to_string)
}

pub fn string(f: Option<&str>) -> Schema {
    of(SchemaKind::Type(Type::String(StringType { format: format(f).into(), ..StringType::default() })))
}

pub fn integer(f: Option<&str>) -> Schema {
    of(SchemaKind::Type(Type::Integer(IntegerType { format: format(f).into(), ..IntegerType::default() })))
}

pub fn number(f: Option<&str>) -> Schema {
    of(SchemaKind::Type(Type::Number(NumberType { format: format(f).into(), ..NumberType::default() })))
}

pub fn boolean() -> Schema {
    of(SchemaKind::Type(Type::Boolean(BooleanType::default())))
}

/// `{}`: any value.
pub fn any() -> Schema {
    of(SchemaKind::Any(openapiv3::AnySchema::default()))
}

pub fn object(properties: Properties, required: Vec<String>) -> Schema {
    of(SchemaKind::Type(Type::Object(ObjectType { properties, required, ..ObjectType::default() })))
}

pub fn array(items: ReferenceOr<Schema>) -> Schema {
    of(SchemaKind::Type(Type::Array(ArrayType {
        items: Some(boxed(items)),
        min_items: None,
        max_items: None,
        unique_items: false,
    })))
}

pub fn all_of(parts: Vec<ReferenceOr<Schema>>) -> Schema {
    of(SchemaKind::AllOf { all_of: parts })
}

/// `$ref: '#/components/schemas/<name>'`.
pub fn schema_ref<T>(name: &str) -> ReferenceOr<T> {
    ReferenceOr::Reference { reference: format!("{SCHEMA_PREFIX}{name}") }
}

pub fn boxed(schema: ReferenceOr<Schema>) -> ReferenceOr<Box<Schema>> {
    match schema {
        ReferenceOr::Reference { reference } => ReferenceOr::Reference { reference },
        ReferenceOr::Item(s) => ReferenceOr::Item(Box::new(s)),
    }
}

/// The schema with a description (replacing any it has).
pub fn described(mut schema: Schema, description: impl Into<String>) -> Schema {
    schema.schema_data.description = Some(description.into());
    schema
}

/// The schema, `nullable`.
pub fn nullable(mut schema: Schema) -> Schema {
    schema.schema_data.nullable = true;
    schema
}

/// The schema with a title.
pub fn titled(mut schema: Schema, title: impl Into<String>) -> Schema {
    schema.schema_data.title = Some(title.into());
    schema
}

/// `additionalProperties: true`, for an object Graph adds fields to over time.
pub fn open(mut schema: Schema) -> Schema {
    if let SchemaKind::Type(Type::Object(o)) = &mut schema.schema_kind {
        o.additional_properties = Some(AdditionalProperties::Any(true));
    }
    schema
}
