//! The page model: what the reader makes of one API page, and all the spec builder reads from it.

use crate::diagnostics::{Diagnostic, Diagnostics, Severity};

/// Everything the spec builder needs from one page.
#[derive(Debug, Clone, Default)]
pub struct Page {
    /// Where the page came from, as shown in diagnostics (`spec/docs/message_send.md`).
    pub file: String,
    pub title: Option<String>,
    /// The prose under the title, paragraphs joined by blank lines.
    pub description: Option<String>,
    pub endpoints: Vec<Endpoint>,
    pub permissions: Vec<Permission>,
    /// Query parameters the `Optional query parameters` section names: OData options (`$select`) in its
    /// prose, and the rows of its table (`startDateTime`).
    pub query_parameters: Vec<QueryParameter>,
    pub request_headers: Vec<Header>,
    pub request_body: Option<RequestBody>,
    /// The line that says MIME content goes base64-encoded in the request body ("When specifying the body in
    /// MIME format, provide the MIME content … all encoded in base64 format in the request body"): the Request
    /// body section's, else the intro's.
    pub mime_body: Option<usize>,
    /// The intro's "When using JSON format" list: the parameters it names (`` the `message` parameter ``).
    pub json_parameters: Vec<NamedParameter>,
    /// The page the intro points to for doing the same "in a single operation" (or action).
    pub single_operation: Option<PageLink>,
    pub success: Option<Success>,
    /// The resource the prose says the response carries ("returns a message object").
    pub response_body: Option<ResponseBody>,
    /// The line of the Response prose that says a body comes back ("… in the response body"), whether or not
    /// it names a type the reader understands: a body the spec cannot type is reported, never dropped.
    pub documented_body: Option<usize>,
    pub examples: Vec<HttpExample>,
    /// Scheme, host and version of the first absolute example request URL (`https://graph.microsoft.com/v1.0`).
    pub base_url: Option<String>,
    pub annotations: Vec<Annotation>,
    /// The line of the empty HTTP request block of a page that documents no endpoint at all (every http block,
    /// the examples' too, is empty: 2017's `entity_get.md`). Such a page has nothing to convert.
    pub placeholder: Option<usize>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Page {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(|d| d.severity == Severity::Error)
    }

    /// Pushes what the reader found on this page, with its file, into a run's collector.
    pub fn report_to(&self, run: &mut Diagnostics) {
        run.page(&self.file, &self.diagnostics);
    }

    /// Scopes of every permission type, deduplicated, in page order.
    pub fn scopes(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let mut seen = std::collections::BTreeSet::new();
        for p in &self.permissions {
            for s in &p.scopes {
                if seen.insert(s) {
                    out.push(s.clone());
                }
            }
        }
        out
    }
}

/// One line of the HTTP request section: `POST /me/messages/{id}/send`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub method: String,
    pub path: String,
    pub line: usize,
}

/// Which kind of caller a permission row is for. Old pages state scopes in prose without a kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum PermissionKind {
    Unspecified,
    DelegatedWork,
    DelegatedPersonal,
    Application,
}

impl PermissionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PermissionKind::Unspecified => "unspecified",
            PermissionKind::DelegatedWork => "delegatedWork",
            PermissionKind::DelegatedPersonal => "delegatedPersonal",
            PermissionKind::Application => "application",
        }
    }
}

/// Scopes one kind of caller needs, least privileged first as the page lists them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Permission {
    pub kind: PermissionKind,
    pub scopes: Vec<String>,
    pub line: usize,
    /// The resource a row is for, in tables that give scopes per resource (`message`, `group event`).
    pub resource: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryParameter {
    pub name: String,
    /// The table's type cell (`String`, `Int32`), empty for OData options named in prose.
    pub type_name: String,
    pub description: String,
    pub required: bool,
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    pub name: String,
    pub description: String,
    pub required: bool,
    pub line: usize,
}

/// The request body section when it says more than "none": what its prose says, and its parameter table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestBody {
    pub line: usize,
    pub properties: Vec<BodyProperty>,
    /// The object the prose says the body is ("supply a JSON representation of [message](…) object" →
    /// `message`); `None` when it names none or says to send no body.
    pub resource: Option<String>,
    /// What the prose says about sending a body at all.
    pub need: BodyNeed,
}

/// Whether a page says a body is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BodyNeed {
    /// The prose says nothing about it.
    #[default]
    Unsaid,
    /// "This method does not require a request body": one may be sent.
    NotRequired,
    /// "Do not supply a request body for this method."
    None,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyProperty {
    pub name: String,
    pub type_name: String,
    pub description: String,
    pub line: usize,
    /// What the description says: "Required." → `Some(true)`; "Optional.", a default, "Can be an empty
    /// string" → `Some(false)`; neither → `None`.
    pub required: Option<bool>,
}

/// A parameter the prose names outside a table (`` the `toRecipients` parameter ``).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedParameter {
    pub name: String,
    pub line: usize,
}

/// A link to another reference page: its file name (`message-reply.md`), as the link writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageLink {
    pub file: String,
    pub line: usize,
}

/// The success status the Response prose names: `202, Accepted` → 202, "Accepted".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Success {
    pub status: u16,
    pub reason: String,
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseBody {
    pub resource: String,
    pub collection: bool,
    pub line: usize,
    /// The objects a "one of the following requested objects" list names, one per endpoint kind
    /// (`mailboxSettings`, `automaticRepliesSetting`, `string (for dateFormat)`); empty for a single answer.
    pub choices: Vec<ResponseChoice>,
}

/// One item of a Response list: a type (`automaticRepliesSetting`, `string`) and the property it is for,
/// when the list says so (`string (for **dateFormat**)` → `dateFormat`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseChoice {
    pub type_name: String,
    pub property: Option<String>,
    pub line: usize,
}

/// An annotated example block (`<!-- { "blockType": "request" } -->` and the fenced block after it).
#[derive(Debug, Clone, PartialEq)]
pub struct HttpExample {
    pub kind: ExampleKind,
    /// The fenced block's first line (`POST https://…` or `HTTP/1.1 200 OK`).
    pub first_line: String,
    pub line: usize,
    pub name: Option<String>,
    /// What the block shows after its first line: headers and the start of the JSON body.
    pub body: ExampleBody,
}

/// The parts of an example's headers and body the spec builder reads: the media type, and the OData type
/// markers of a JSON body (`@odata.context`, the top-level `@odata.type`, a `value` array).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExampleBody {
    pub content_type: Option<String>,
    pub odata_context: Option<String>,
    pub odata_type: Option<String>,
    /// The body is a JSON object whose `value` is an array (a collection).
    pub value_array: bool,
    /// The body starts with `{` or `[`.
    pub json: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExampleKind {
    Request,
    Response,
}

/// An ApiDoctor annotation: an HTML comment holding a JSON object.
#[derive(Debug, Clone, PartialEq)]
pub struct Annotation {
    pub line: usize,
    pub value: serde_json::Value,
}

pub const HTTP_METHODS: &[&str] = &["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];
