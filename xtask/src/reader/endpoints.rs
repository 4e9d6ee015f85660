//! The request section → the page's endpoints: request lines read (`GET /a or GET /b`, comments, headers
//! under them, literal ids, `...` shorthand), a page losing only the lines it cannot read, and the
//! `/users/me/…` slip read as `/me/…`.

use crate::diagnostics::Diagnostic;
use crate::reader::model::{Endpoint, Page, HTTP_METHODS};
use crate::reader::parts::{Block, Section, SectionText};

/// Titles some pages give the section that lists their request lines instead of `HTTP request`; used only when
/// a page has no `HTTP request` section.
const REQUEST_TITLES: &[&str] = &[
    "request",
    "requests",
    "request syntax",
    "syntax",
    "http syntax",
    "http method",
    "http methods",
    "rest request",
    "request url",
    "request urls",
    "endpoint",
    "endpoints",
    "http endpoint",
    "http endpoints",
];

/// Code block languages whose blocks in the request section are samples in another language (the C# that
/// encodes a sharing URL on `shares-get.md`), skipped on purpose.
const OTHER_LANGUAGES: &[&str] = &[
    "csharp",
    "cs",
    "c#",
    "javascript",
    "js",
    "typescript",
    "ts",
    "java",
    "go",
    "python",
    "py",
    "php",
    "powershell",
    "objc",
    "objective-c",
    "ruby",
    "swift",
    "kotlin",
    "cpp",
    "c++",
    "json",
    "xml",
    "bash",
    "sh",
    "shell",
    "cmd",
];

/// What one line of a request code block is.
#[derive(Debug, PartialEq)]
enum RequestLine {
    /// Nothing to read: blank, a comment, a header under the request lines, or `or` between two requests.
    Nothing,
    /// One or more endpoints (`GET /a or GET /b` names two), with warnings about how they are written.
    Endpoints(Vec<(String, String)>, Vec<String>),
    /// A request line whose path cannot be documented as written (`.../` shorthand in place of its start):
    /// skipped with this warning.
    Skipped(String),
    /// Not a request line at all: prose, or a snippet in another language.
    Unreadable(String),
}

pub fn read_endpoints(page: &mut Page, sections: &[SectionText], blocks: &[Block]) {
    // Per section: whether its code blocks list request lines. Flags by index keep pages of many sections and
    // blocks linear.
    let mut owners: Vec<bool> = sections.iter().map(|s| s.section == Section::HttpRequest).collect();
    if !owners.contains(&true) {
        // Some pages put the request lines under another title (`## Request`, `## Syntax`).
        let mut has_blocks = vec![false; sections.len()];
        for b in blocks {
            if let Some(flag) = has_blocks.get_mut(b.owner) {
                *flag = true;
            }
        }
        for (i, s) in sections.iter().enumerate() {
            owners[i] =
                has_blocks[i] && s.section == Section::Other && REQUEST_TITLES.contains(&s.title.as_str());
        }
    }
    let Some(first) = owners.iter().position(|&o| o) else {
        page.diagnostics.push(Diagnostic::error(
            1,
            "the page has no `HTTP request` section, so it names no endpoint; add `## HTTP request` with an ```http block",
        ));
        return;
    };
    let request_blocks: Vec<&Block> = blocks
        .iter()
        .filter(|b| owners.get(b.owner) == Some(&true) && !OTHER_LANGUAGES.contains(&b.lang.as_str()))
        .collect();
    if request_blocks.is_empty() {
        page.diagnostics.push(Diagnostic::error(
            sections[first].line,
            "the `HTTP request` section has no code block listing the endpoints",
        ));
        return;
    }
    let mut unreadable: Vec<(usize, String)> = Vec::new();
    let mut skipped = 0;
    let mut empty_blocks: Vec<usize> = Vec::new();
    for block in request_blocks {
        if block.is_empty() {
            empty_blocks.push(block.line);
            continue;
        }
        for (n, l) in &block.lines {
            match request_line(l) {
                RequestLine::Nothing => {}
                RequestLine::Endpoints(endpoints, warnings) => {
                    for w in warnings {
                        page.diagnostics.push(Diagnostic::warning(*n, w));
                    }
                    for (method, path) in endpoints {
                        page.endpoints.push(Endpoint { method, path, line: *n });
                    }
                }
                RequestLine::Skipped(why) => {
                    skipped += 1;
                    page.diagnostics.push(Diagnostic::warning(*n, why));
                }
                RequestLine::Unreadable(why) => unreadable.push((*n, why)),
            }
        }
    }
    // One unreadable line costs that line; the page fails only when none of its request lines can be read.
    if page.endpoints.is_empty() {
        for (n, why) in &unreadable {
            page.diagnostics.push(Diagnostic::error(*n, why.clone()));
        }
        if unreadable.is_empty() && skipped > 0 {
            page.diagnostics.push(Diagnostic::error(
                sections[first].line,
                "no request line of the `HTTP request` section can be documented as written (see the warnings)",
            ));
        } else if unreadable.is_empty() {
            if let Some(&line) = empty_blocks.first() {
                if blocks.iter().all(|b| b.is_empty() || !is_request_block(b)) {
                    // A placeholder page (`entity_get.md` of 2017): every http block, the examples' too, is empty.
                    // It documents no operation, so there is nothing to convert and nothing lost.
                    page.placeholder = Some(line);
                    page.diagnostics.push(Diagnostic::warning(
                        line,
                        "the HTTP request code block is empty and so is every example: the page documents no endpoint",
                    ));
                } else {
                    page.diagnostics.push(Diagnostic::error(
                        line,
                        "the HTTP request code block is empty; list the endpoints in it, one `GET /path` line each",
                    ));
                }
            }
        }
    } else {
        for (n, why) in unreadable {
            page.diagnostics.push(Diagnostic::warning(
                n,
                format!("{why}; skipped, the page's other request lines are read"),
            ));
        }
        for line in empty_blocks {
            page.diagnostics.push(Diagnostic::warning(line, "this HTTP request code block is empty"));
        }
    }
}

/// A block that holds (or should hold) a request: in the request section, annotated as a request, or under an
/// example's `Request` heading.
fn is_request_block(block: &Block) -> bool {
    block.section == Section::HttpRequest
        || block.block_type() == Some("request")
        || block.section == Section::Examples
            && block.subheading.as_deref().is_some_and(|s| s.contains("request"))
}

/// Reads one line of a request code block.
fn request_line(line: &str) -> RequestLine {
    let t = line.trim();
    // Comments, and request headers written under the request lines (`workbook-session-id: {id}`), which the
    // Request headers table documents.
    if t.is_empty() || t.starts_with("//") || t.starts_with('#') || is_header_line(t) {
        return RequestLine::Nothing;
    }
    // `or` (or `and`) alone between two request lines.
    if matches!(t.to_ascii_lowercase().trim_end_matches([':', ',']), "or" | "and" | "-or-" | "- or -") {
        return RequestLine::Nothing;
    }
    let Some((method, rest)) = parse_request_line(t) else {
        let starts_like_a_path = t.starts_with('/') || t.contains("://") && !t.contains(' ');
        return RequestLine::Unreadable(if starts_like_a_path {
            format!("`{t}` is not a request line: expected an HTTP method (GET, POST, PUT, PATCH, DELETE) and a path")
        } else {
            format!("`{t}` is not a request line (prose, or a snippet in another language)")
        });
    };
    // `GET /a or GET /b`: two requests on one line.
    let mut alternatives = split_alternatives(&rest).into_iter();
    let mut requests = vec![(method, alternatives.next().unwrap_or_default().to_string())];
    requests.extend(alternatives.filter_map(parse_request_line));
    let mut warnings = Vec::new();
    let mut endpoints = Vec::new();
    for (method, path) in requests {
        // A comment after the path (`GET /me/events // the signed-in user`).
        let path = match path.find(" //") {
            Some(at) => path[..at].trim_end().to_string(),
            None => path,
        };
        if let Some(why) = undocumentable(&path) {
            return RequestLine::Skipped(why);
        }
        let path = match placeholders_for_literal_ids(&path) {
            Some(templated) => {
                warnings.push(format!(
                    "`{path}` has literal ids where placeholders belong; read as `{templated}`"
                ));
                templated
            }
            None => path,
        };
        if let Err(e) = crate::paths::check(&path) {
            return RequestLine::Unreadable(format!("`{t}` is not a request line: {e}"));
        }
        if path.split(['/', '?']).any(|s| s == "..." || s == "…") {
            warnings.push(format!(
                "`{path}` uses `...` for folders nested to any depth; the spec documents one level"
            ));
        }
        if !path.starts_with('/') && !path.contains("://") {
            warnings.push(format!("`{path}` is written without its leading `/`; read as `/{path}`"));
        }
        endpoints.push((method, path));
    }
    RequestLine::Endpoints(endpoints, warnings)
}

/// `/a or GET /b` → [`/a`, `GET /b`]: the text split at each ` or ` followed by a method, in one pass.
fn split_alternatives(text: &str) -> Vec<&str> {
    // ASCII lowercasing keeps every byte offset.
    let lower = text.to_ascii_lowercase();
    let mut parts = Vec::new();
    let (mut start, mut from) = (0, 0);
    while let Some(found) = lower[from..].find(" or ") {
        let at = from + found;
        let tail = text[at + 4..].trim_start();
        if tail.split_whitespace().next().is_some_and(is_method) {
            parts.push(text[start..at].trim_end());
            start = text.len() - tail.len();
        }
        from = at + 4;
    }
    parts.push(&text[start..]);
    parts
}

/// Why a path as written cannot go into the spec, if so: documentation shorthand standing for its start or glued
/// to a segment (`.../messages`, `{id}...`).
fn undocumentable(path: &str) -> Option<String> {
    let before_query = path.split('?').next().unwrap_or(path);
    let local = match before_query.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("", |i| &rest[i..]),
        None => before_query,
    };
    let segments: Vec<&str> = local.split('/').filter(|s| !s.is_empty()).collect();
    let dots = |s: &str| s.contains("...") || s.contains('…');
    if segments.first().is_some_and(|s| dots(s)) {
        return Some(format!("`{path}` starts with `...` for a path the page does not spell out; skipped"));
    }
    if segments.len() > 1 && segments.last().is_some_and(|s| dots(s)) {
        return Some(format!("`{path}` ends with `...` for segments the page does not spell out; skipped"));
    }
    if let Some(s) = segments.iter().find(|s| dots(s) && **s != "..." && **s != "…") {
        return Some(format!("`{path}` has `...` inside the segment `{s}`, which is not a path; skipped"));
    }
    None
}

/// `/education/classes/acdefc6b-…/assignments` → `/education/classes/{id}/assignments`: literal ids where a
/// placeholder belongs become `{id}` (named after their collection when the path is normalised).
fn placeholders_for_literal_ids(path: &str) -> Option<String> {
    let (before_query, query) = match path.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (path, None),
    };
    let (prefix, local) = match before_query.find("://") {
        Some(at) => {
            let host_end = before_query[at + 3..].find('/').map_or(before_query.len(), |i| at + 3 + i);
            before_query.split_at(host_end)
        }
        None => ("", before_query),
    };
    if !local.split('/').any(is_literal_id) {
        return None;
    }
    let replaced: Vec<&str> = local.split('/').map(|s| if is_literal_id(s) { "{id}" } else { s }).collect();
    let mut out = format!("{prefix}{}", replaced.join("/"));
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    Some(out)
}

/// A GUID, or a long opaque token (`AAMkAGI2…=`, `01BYE5RZ6QN3…`, `b!xyz…`) standing where a key belongs.
fn is_literal_id(segment: &str) -> bool {
    let s = segment;
    if s.len() < 16
        || !s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '=' | '+' | '!' | '%'))
    {
        return false;
    }
    let guid = s.len() == 36
        && s.char_indices()
            .all(|(i, c)| if matches!(i, 8 | 13 | 18 | 23) { c == '-' } else { c.is_ascii_hexdigit() });
    let digits = s.chars().filter(char::is_ascii_digit).count();
    let upper = s.chars().filter(char::is_ascii_uppercase).count();
    guid || s.ends_with('=')
        || s.contains('!')
        || digits >= 4 && upper >= 4 && (digits + upper) * 5 >= s.len() * 2
}

/// `/users/me/…` is a slip for `/me/…` (`me` is not a user id): read as `/me/…` with a warning.
pub fn correct_users_me(page: &mut Page) {
    for e in &mut page.endpoints {
        let bare = e.path.strip_prefix('/').unwrap_or(&e.path);
        let rest = match bare.strip_prefix("users/me") {
            Some(rest) if rest.is_empty() || rest.starts_with(['/', '?']) => rest,
            _ => continue,
        };
        let corrected = format!("/me{rest}");
        page.diagnostics.push(Diagnostic::warning(
            e.line,
            format!("`{}` names the user `me`; read as `{corrected}`", e.path),
        ));
        e.path = corrected;
    }
}

/// `Content-Type: application/json`: a header name (letters, digits, `-`), a colon, a value.
pub fn is_header_line(line: &str) -> bool {
    line.split_once(':').is_some_and(|(name, value)| {
        !name.is_empty()
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            && !is_method(name)
            && !value.starts_with("//")
    })
}

pub fn is_method(word: &str) -> bool {
    HTTP_METHODS.iter().any(|m| m.eq_ignore_ascii_case(word))
}

/// `POST /me/messages/{id}/send` → ("POST", "/me/messages/{id}/send").
pub fn parse_request_line(line: &str) -> Option<(String, String)> {
    let (method, rest) = line.split_once(char::is_whitespace)?;
    let method = method.to_ascii_uppercase();
    if !HTTP_METHODS.contains(&method.as_str()) {
        return None;
    }
    let path = rest.trim();
    // `GET /me/messages HTTP/1.1` carries a protocol version after the path.
    let path = path.strip_suffix("HTTP/1.1").map(str::trim_end).unwrap_or(path);
    (!path.is_empty()).then(|| (method, path.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page_with(paths: &[&str]) -> Page {
        let mut page = Page::default();
        for (i, p) in paths.iter().enumerate() {
            page.endpoints.push(Endpoint { method: "GET".into(), path: p.to_string(), line: i + 1 });
        }
        correct_users_me(&mut page);
        page
    }

    #[test]
    fn users_me_is_read_as_me_and_only_that() {
        let page =
            page_with(&["/users/me/messages/{id}/replyAll", "users/me", "/users/meetings", "/users/{id}"]);
        let paths: Vec<&str> = page.endpoints.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(paths, ["/me/messages/{id}/replyAll", "/me", "/users/meetings", "/users/{id}"]);
        assert_eq!(page.diagnostics.iter().map(|d| d.line).collect::<Vec<_>>(), [1, 2]);
    }
}
