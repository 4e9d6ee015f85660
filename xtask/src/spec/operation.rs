//! One path item made from its planned operations, each operation written once, finished: parameters (the
//! request line's and the page's query options, headers, OData's options by `$ref`), request body,
//! responses (the error by `$ref`), scopes, provenance.

use std::collections::BTreeSet;

use indexmap::IndexMap;
use openapiv3::{
    ExternalDocumentation, HeaderStyle, Operation, Parameter, ParameterData, ParameterSchemaOrContent,
    PathItem, ReferenceOr, RequestBody, Response, Responses, StatusCode,
};

use super::answer::Answer;
use super::components::{self, ERROR_RESPONSE, SECURITY_SCHEME};
use super::ids;
use super::schemas;
use super::typed;
use crate::paths::Template;
use crate::reader::page::Page;

/// One endpoint, planned: everything its operation needs but its final operationId.
pub struct Planned<'a> {
    pub page: &'a Page,
    pub template: Template,
    pub path: String,
    /// Lower case, as a path item's key.
    pub method: String,
    pub operation_id: String,
    pub answer: Answer,
    pub body: Option<RequestBody>,
    pub status: StatusCode,
    pub reason: String,
}

/// One path's item from its planned operations (sorted by method), with the OData options they refer to.
/// The path's parameters are those of the first page (in page order) that writes it, `plans[first]`, as
/// `{id | userPrincipalName}` and `{id}` name one parameter described two ways.
pub fn path_item(first: usize, plans: Vec<Planned<'_>>) -> (String, PathItem, BTreeSet<usize>) {
    let mut options_used = BTreeSet::new();
    let params =
        plans.get(first).map(|p| p.template.params().into_iter().map(components::path_parameter).collect());
    let path = plans.get(first).map(|p| p.path.clone()).unwrap_or_default();
    let mut item = PathItem { parameters: params.unwrap_or_default(), ..PathItem::default() };
    for plan in plans {
        let slot = match plan.method.as_str() {
            "get" => &mut item.get,
            "put" => &mut item.put,
            "post" => &mut item.post,
            "delete" => &mut item.delete,
            "options" => &mut item.options,
            "head" => &mut item.head,
            "patch" => &mut item.patch,
            _ => &mut item.trace,
        };
        *slot = Some(operation(plan, &mut options_used));
    }
    (path, item, options_used)
}

/// `spec/docs/message_send.md` → `https://learn.microsoft.com/graph/api/message-send?view=graph-rest-1.0`.
pub fn learn_url(file: &str) -> String {
    let stem = file.rsplit('/').next().unwrap_or(file).trim_end_matches(".md");
    format!(
        "https://learn.microsoft.com/graph/api/{}?view=graph-rest-1.0",
        stem.replace('_', "-").to_ascii_lowercase()
    )
}

fn data_mut(p: &mut Parameter) -> &mut ParameterData {
    match p {
        Parameter::Query { parameter_data, .. }
        | Parameter::Header { parameter_data, .. }
        | Parameter::Path { parameter_data, .. }
        | Parameter::Cookie { parameter_data, .. } => parameter_data,
    }
}

/// The operation of a planned endpoint, with its decided operationId. The OData options it refers to are
/// added to `options_used`, for `components/parameters`.
fn operation(plan: Planned<'_>, options_used: &mut BTreeSet<usize>) -> Operation {
    let Planned { page, template, method, operation_id, answer, body, status, reason, .. } = plan;
    let mut parameters: Vec<ReferenceOr<Parameter>> = Vec::new();
    // Query parameters the request line writes come first, described by the query table when it has them.
    for q in &template.query {
        let documented = page.query_parameters.iter().find(|p| &p.name == q);
        let description = documented
            .map(|d| d.description.clone())
            .filter(|d| !d.is_empty())
            .unwrap_or_else(|| format!("The {q} query option the page shows in its request line"));
        let required = template.required_query.contains(q) || documented.is_some_and(|d| d.required);
        // A value the request line writes as `true` or `false` makes the option a flag.
        let written = template.query.iter().position(|n| n == q).and_then(|i| template.query_values.get(i));
        let flag = written.is_some_and(|v| v == "true" || v == "false");
        let schema = documented.and_then(|d| schemas::primitive(&d.type_name)).unwrap_or_else(|| {
            if flag {
                typed::boolean()
            } else {
                typed::string(None)
            }
        });
        parameters.push(ReferenceOr::Item(components::query_parameter(q, &description, required, schema)));
    }
    for q in page.query_parameters.iter().filter(|q| !template.query.contains(&q.name)) {
        // Query values are text on the wire; a type the page names is kept when it is a primitive.
        let schema = schemas::primitive(&q.type_name).unwrap_or_else(|| typed::string(None));
        parameters.push(ReferenceOr::Item(components::query_parameter(
            &q.name,
            &q.description,
            q.required,
            schema,
        )));
    }
    for h in &page.request_headers {
        // Transport headers are the client's job, not the caller's.
        if ["authorization", "content-length", "content-type", "host"]
            .contains(&h.name.to_ascii_lowercase().as_str())
        {
            continue;
        }
        if !h.name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') || h.name.is_empty() {
            continue;
        }
        let parameter_data = components::data(&h.name, &h.description, h.required, typed::string(None), None);
        parameters.push(ReferenceOr::Item(Parameter::Header { parameter_data, style: HeaderStyle::Simple }));
    }
    // OData's system query options, as Microsoft's own OpenAPI declares them on every GET: all of them on a
    // collection, `$select` and `$expand` on one object, by `$ref` to `components/parameters`. Options the
    // page documents keep its wording, with the option's schema.
    if method == "get" {
        let collection = answer.collection;
        for option in components::odata_options(collection.unwrap_or(false)) {
            let documented = parameters.iter_mut().find_map(|p| match p {
                ReferenceOr::Item(p) if p.parameter_data_ref().name == option.name() => Some(p),
                _ => None,
            });
            match documented {
                Some(existing) => {
                    data_mut(existing).format =
                        ParameterSchemaOrContent::Schema(ReferenceOr::Item(option.schema()))
                }
                None if collection.is_some() => {
                    options_used.insert(option.index());
                    parameters.push(option.reference());
                }
                None => {}
            }
        }
    }

    let mut responses = Responses::default();
    let success =
        Response { description: reason, content: answer.content.unwrap_or_default(), ..Response::default() };
    responses.responses.insert(status, ReferenceOr::Item(success));
    for range in [4, 5] {
        responses
            .responses
            .insert(StatusCode::Range(range), ReferenceOr::Reference { reference: ERROR_RESPONSE.into() });
    }

    let permissions = page.permissions_for(&template);
    let least = Page::security_scope(&permissions, &template);
    let security = least
        .map(|scope| vec![[(SECURITY_SCHEME.to_string(), vec![scope.to_string()])].into_iter().collect()]);
    let mut extensions = IndexMap::new();
    if !permissions.is_empty() {
        let mut perms = serde_json::Map::new();
        for p in &permissions {
            perms.insert(p.kind.as_str().to_string(), serde_json::Value::from(p.scopes.clone()));
        }
        extensions.insert("x-ms-permissions".to_string(), serde_json::Value::Object(perms));
    }
    extensions.insert("x-ms-docs-source".to_string(), serde_json::Value::String(page.file.clone()));
    extensions.insert(
        "x-ms-docs-operation-type".to_string(),
        serde_json::Value::String(ids::kind(&template).as_str().into()),
    );
    Operation {
        summary: page.title.clone(),
        description: page.description.clone(),
        external_docs: Some(ExternalDocumentation {
            description: Some("Find more info here".into()),
            url: learn_url(&page.file),
            extensions: IndexMap::new(),
        }),
        operation_id: Some(operation_id),
        parameters,
        request_body: body.map(ReferenceOr::Item),
        responses,
        security,
        extensions,
        ..Operation::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn learn_urls() {
        assert_eq!(
            learn_url("spec/docs/message_send.md"),
            "https://learn.microsoft.com/graph/api/message-send?view=graph-rest-1.0"
        );
    }
}
