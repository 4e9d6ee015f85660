//! The page cut into its parts: sections (by the kind their heading names) with their prose lines, and
//! code blocks with the annotation before them. `page` makes them; each section reader reads them.

use std::borrow::Cow;

use crate::reader::markup::{self, Heading};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Preamble,
    Permissions,
    HttpRequest,
    QueryParameters,
    RequestHeaders,
    RequestBody,
    Response,
    Examples,
    Other,
}

/// The section a heading opens; `text` is its text as [`markup::key`] spells it.
pub fn classify(heading: &Heading, text: &str) -> Section {
    let anchor = heading.anchor.as_deref().map(markup::key).unwrap_or_default();
    let is = |names: &[&str]| names.iter().any(|n| *n == anchor || *n == text);
    if is(&["prerequisites", "permissions", "permission"]) {
        Section::Permissions
    } else if is(&["http request", "http requests"])
        || text.starts_with("http request ")
        || text.starts_with("http requests ")
        || anchor.starts_with("http request")
    {
        Section::HttpRequest
    } else if is(&["optional query parameters", "query parameters", "optional query parameter"]) {
        Section::QueryParameters
    } else if is(&["request headers", "request header", "optional request headers"]) {
        Section::RequestHeaders
    } else if is(&["request body"]) {
        Section::RequestBody
    } else if is(&["response", "responses", "http response"]) || text.starts_with("response for ") {
        Section::Response
    } else if is(&["example", "examples"]) || text.starts_with("example ") {
        Section::Examples
    } else {
        Section::Other
    }
}

/// A fenced code block with the annotation that preceded it, if any.
#[derive(Debug)]
pub struct Block<'a> {
    pub line: usize,
    pub lang: String,
    pub lines: Vec<(usize, &'a str)>,
    pub annotation: Option<serde_json::Value>,
    pub section: Section,
    /// The index of the section the block stands in.
    pub owner: usize,
    /// The nearest sub-heading inside an examples section ("Request", "Response").
    pub subheading: Option<String>,
}

impl Block<'_> {
    /// The annotation's `blockType` (`request`, `response`).
    pub fn block_type(&self) -> Option<&str> {
        self.annotation.as_ref().and_then(|a| a.get("blockType")).and_then(|v| v.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.lines.iter().all(|(_, l)| l.trim().is_empty())
    }
}

/// One section: its heading and the prose under it.
#[derive(Debug)]
pub struct SectionText<'a> {
    pub section: Section,
    pub line: usize,
    /// The heading's English text, as `markup::key` spells it (empty for the preamble).
    pub title: String,
    /// Prose lines (English, outside code blocks), with their numbers.
    pub lines: Vec<(usize, Cow<'a, str>)>,
    /// A permissions include in this section could not be read (and said so).
    pub missing_include: bool,
}
