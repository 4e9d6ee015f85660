//! The doc reader: one reference page (markdown) → the page model, with diagnostics that carry line numbers.
//!
//! The reader is line based. It never keys a section on translated text: headings match on their
//! `<a name>` anchor or their English title (bilingual spans are reduced to English first, see
//! [`crate::reader::markup::english`]). It never panics on odd input; what it cannot make sense of becomes a
//! diagnostic.

use crate::diagnostics::Diagnostic;
use crate::reader::markup::{self, Heading};

pub use super::model::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
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

fn classify(heading: &Heading) -> Section {
    let anchor = heading.anchor.as_deref().map(markup::key).unwrap_or_default();
    let text = markup::key(&heading.text);
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
struct Block {
    line: usize,
    lang: String,
    lines: Vec<(usize, String)>,
    annotation: Option<serde_json::Value>,
    section: Section,
    /// The index of the section the block stands in.
    owner: usize,
    /// The nearest sub-heading inside an examples section ("Request", "Response").
    subheading: Option<String>,
}

#[derive(Debug)]
struct SectionText {
    section: Section,
    line: usize,
    /// The heading's English text, as `markup::key` spells it (empty for the preamble).
    title: String,
    /// Prose lines (English, outside code blocks), with their numbers.
    lines: Vec<(usize, String)>,
    /// A permissions include in this section could not be read (and said so).
    missing_include: bool,
}

/// Finds the text of an include file the page names (`../includes/permissions/x-permissions.md`), or says
/// where it looked. See [`crate::reader::includes`].
pub type IncludeResolver<'a> = &'a dyn Fn(&str) -> Result<String, String>;

/// Reads one page with no include files at hand: a permissions include is a warning that its scopes are
/// unknown. `file` is only used to label the page.
pub fn read(file: &str, source: &str) -> Page {
    read_with(file, source, &|_: &str| Err("no include folder was given".to_string()))
}

/// Reads one page, resolving its permissions includes through `includes`.
pub fn read_with(file: &str, source: &str, includes: IncludeResolver) -> Page {
    let mut page = Page { file: file.to_string(), ..Page::default() };
    let raw: Vec<&str> = source.lines().collect();
    let mut i = 0;
    let mut front_title = None;
    let mut front_description = None;

    // YAML front matter: only `title` and `description` matter here, read as plain `key: value` lines so a
    // malformed block costs a warning, not the page.
    if raw.first().map(|l| l.trim_end()) == Some("---") {
        match raw.iter().skip(1).position(|l| l.trim_end() == "---") {
            Some(end) => {
                for (n, line) in raw[1..=end].iter().enumerate() {
                    if let Some((k, v)) = line.split_once(':') {
                        let v = v.trim().trim_matches('"').trim_matches('\'').to_string();
                        match k.trim() {
                            "title" if !v.is_empty() => front_title = Some(v),
                            "description" if !v.is_empty() => front_description = Some(v),
                            _ => {}
                        }
                    } else if !line.trim().is_empty() {
                        page.diagnostics.push(Diagnostic::warning(
                            n + 2,
                            format!("front matter line `{}` is not `key: value`", line.trim()),
                        ));
                    }
                }
                i = end + 2;
            }
            None => page
                .diagnostics
                .push(Diagnostic::warning(1, "front matter opened with `---` is never closed")),
        }
    }

    let mut sections: Vec<SectionText> = vec![SectionText {
        section: Section::Preamble,
        line: 1,
        title: String::new(),
        lines: vec![],
        missing_include: false,
    }];
    let mut blocks: Vec<Block> = Vec::new();
    let mut main_level = 1usize;
    let mut subheading: Option<String> = None;
    let mut pending_annotation: Option<serde_json::Value> = None;
    let mut last_heading: Option<(usize, Heading)> = None;
    let mut seen_sections: Vec<(Section, usize)> = Vec::new();

    while i < raw.len() {
        let number = i + 1;
        let line = markup::english(raw[i]);
        let trimmed = line.trim();
        i += 1;

        // HTML comments, possibly over several lines; JSON ones are ApiDoctor annotations.
        if let Some(start) = trimmed.strip_prefix("<!--") {
            let mut body = String::from(start);
            let mut closed = body.contains("-->");
            while !closed && i < raw.len() {
                body.push('\n');
                body.push_str(raw[i]);
                // Only the new line can close the comment; looking at it alone keeps long comments linear.
                closed = raw[i].contains("-->");
                i += 1;
            }
            if !closed {
                page.diagnostics.push(Diagnostic::warning(number, "HTML comment is never closed"));
            }
            let content = body.split("-->").next().unwrap_or("").trim();
            if content.starts_with('{') {
                let parsed = match serde_json::from_str::<serde_json::Value>(content) {
                    Ok(value) => Some(value),
                    Err(e) => match super::json_repair::lenient_json(content) {
                        // Published pages carry slips JSON forbids but whose meaning is plain: a comma before
                        // `}`, a line break inside a string. They cost a warning, not the page.
                        Some((value, slips)) => {
                            page.diagnostics.push(Diagnostic::warning(
                                number,
                                format!("the annotation comment is not valid JSON ({e}); read it anyway by {slips}"),
                            ));
                            Some(value)
                        }
                        None => {
                            page.diagnostics.push(Diagnostic::error(
                                number,
                                format!("the annotation comment is not valid JSON ({e}); fix it so ApiDoctor and this reader can use it"),
                            ));
                            None
                        }
                    },
                };
                if let Some(value) = parsed {
                    page.annotations.push(Annotation { line: number, value: value.clone() });
                    pending_annotation = Some(value);
                }
            }
            continue;
        }

        // Fenced code blocks.
        if let Some(fence) = fence_marker(trimmed) {
            let lang = trimmed[fence.len()..].trim().to_lowercase();
            let mut lines = Vec::new();
            let mut closed = false;
            while i < raw.len() {
                let l = raw[i];
                i += 1;
                if l.trim().starts_with(fence)
                    && l.trim().trim_start_matches(fence.chars().next().unwrap_or('`')).trim().is_empty()
                {
                    closed = true;
                    break;
                }
                lines.push((i, l.to_string()));
            }
            if !closed {
                page.diagnostics.push(Diagnostic::warning(number, "code block is never closed"));
            }
            let section = sections.last().map(|s| s.section).unwrap_or(Section::Other);
            blocks.push(Block {
                line: number,
                lang,
                lines,
                annotation: pending_annotation.take(),
                section,
                owner: sections.len().saturating_sub(1),
                subheading: subheading.clone(),
            });
            continue;
        }

        // Snippet tabs (`# [C#](#tab/csharp)`) belong to other languages' samples, and zone pivots
        // (`::: zone pivot="…"`, `::: zone-end`) only frame text that is read as it stands.
        if is_tab_marker(trimmed) || trimmed.starts_with(":::") {
            continue;
        }
        // Includes: a permissions table is read from its file as if it stood on this line; the others (cloud
        // availability notes, the SDK link, code snippets) hold nothing the spec needs.
        if trimmed.starts_with("[!INCLUDE") {
            if let Some(s) = sections.last_mut() {
                include_permissions(&mut page.diagnostics, s, number, trimmed, includes);
            }
            continue;
        }

        if let Some(h) = markup::heading(&line) {
            if let Some((prev_line, prev)) = &last_heading {
                if prev.level == h.level && prev.text == h.text {
                    page.diagnostics.push(Diagnostic::warning(
                        number,
                        format!("heading `{}` repeats the one at line {prev_line}", h.text),
                    ));
                }
            }
            last_heading = Some((number, h.clone()));
            if h.level == 1 && page.title.is_none() {
                page.title = Some(h.text.clone());
                main_level = 1;
                continue;
            }
            let kind = classify(&h);
            let in_examples = sections.last().map(|s| s.section) == Some(Section::Examples);
            // A heading opens a main section when it is no deeper than the current one; inside Examples only a
            // shallower-or-equal heading ends it (so `##### Response` stays an example's sub-heading).
            // An `HTTP request` heading outside the examples opens its section at any depth: pages split their
            // request lines into per-scenario sections (`### Scenario 1` … `#### HTTP request`).
            let opens = main_level <= 1
                || h.level <= main_level
                || (!in_examples && kind != Section::Other && h.level <= 3)
                || (!in_examples && kind == Section::HttpRequest);
            if opens {
                main_level = h.level;
                subheading = None;
                if kind != Section::Other {
                    if let Some((_, first)) = seen_sections.iter().find(|(s, _)| *s == kind) {
                        if kind != Section::Examples {
                            page.diagnostics.push(Diagnostic::warning(
                                number,
                                format!(
                                    "section `{}` appears again (first at line {first}); both are read",
                                    h.text
                                ),
                            ));
                        }
                    } else {
                        seen_sections.push((kind, number));
                    }
                }
                sections.push(SectionText {
                    section: kind,
                    line: number,
                    title: markup::key(&h.text),
                    lines: vec![],
                    missing_include: false,
                });
            } else {
                subheading = Some(markup::key(&h.text));
            }
            pending_annotation = None;
            continue;
        }
        if !trimmed.is_empty() {
            last_heading = None;
        }
        if let Some(s) = sections.last_mut() {
            s.lines.push((number, line));
        }
    }

    if page.title.is_none() {
        page.title = front_title;
    }
    let preamble = sections.iter().find(|s| s.section == Section::Preamble);
    page.description = preamble.and_then(|s| description(&s.lines)).or(front_description);

    read_endpoints(&mut page, &sections, &blocks);
    correct_users_me(&mut page);
    for s in &sections {
        match s.section {
            Section::Permissions => read_permissions(&mut page, s),
            Section::RequestHeaders => read_headers(&mut page, s),
            Section::QueryParameters => read_query_parameters(&mut page, s),
            Section::RequestBody => read_request_body(&mut page, s),
            Section::Response if page.success.is_none() => read_response(&mut page, s),
            _ => {}
        }
    }
    // Some pages put their only Response prose under the example ("### Response" inside "## Example").
    if page.success.is_none() {
        for s in sections.iter().filter(|s| s.section == Section::Examples) {
            let returns = s.lines.iter().filter(|(_, l)| l.contains("return")).cloned().collect();
            read_response(
                &mut page,
                &SectionText {
                    section: Section::Examples,
                    line: s.line,
                    title: s.title.clone(),
                    lines: returns,
                    missing_include: false,
                },
            );
            if page.success.is_some() {
                break;
            }
        }
    }
    read_examples(&mut page, &blocks);
    check_example_status(&mut page);
    page.diagnostics.sort_by_key(|d| d.line);
    page
}

fn fence_marker(trimmed: &str) -> Option<&'static str> {
    if trimmed.starts_with("```") {
        Some("```")
    } else if trimmed.starts_with("~~~") {
        Some("~~~")
    } else {
        None
    }
}

fn is_tab_marker(trimmed: &str) -> bool {
    trimmed.starts_with('#')
        && trimmed.trim_start_matches('#').trim_start().starts_with('[')
        && trimmed.contains("(#tab/")
}

/// `[!INCLUDE [permissions-table](../includes/permissions/x-permissions.md)]` → (`permissions-table`,
/// `../includes/permissions/x-permissions.md`).
fn include_target(line: &str) -> Option<(&str, &str)> {
    let rest = line.strip_prefix("[!INCLUDE")?.trim_start();
    let rest = rest.strip_prefix('[')?;
    let (label, rest) = rest.split_once(']')?;
    let rest = rest.trim_start().strip_prefix('(')?;
    let (target, _) = rest.split_once(')')?;
    Some((label.trim(), target.trim()))
}

/// An include holds a permissions table when its label or file says so (`permissions-table`,
/// `includes/permissions/…-permissions.md`).
fn is_permissions_include(label: &str, target: &str) -> bool {
    let target = target.to_ascii_lowercase();
    markup::key(label).starts_with("permission")
        || target.contains("/permissions/")
        || target.ends_with("-permissions.md")
}

/// Reads a permissions include into `section` as lines numbered like the include line, so its table is read as
/// if the page held it. One that cannot be found is a warning naming the line: the operation's scopes are
/// unknown, never silently empty. Other includes are skipped.
fn include_permissions(
    diagnostics: &mut Vec<Diagnostic>,
    section: &mut SectionText,
    number: usize,
    line: &str,
    includes: IncludeResolver,
) {
    let Some((label, target)) = include_target(line) else { return };
    if !is_permissions_include(label, target) {
        return;
    }
    match includes(target) {
        Ok(text) => {
            let mut lines = text.lines().peekable();
            // Include files carry front matter of their own (`description: Automatically generated file`).
            if lines.peek().map(|l| l.trim_end()) == Some("---") {
                lines.next();
                for l in lines.by_ref() {
                    if l.trim_end() == "---" {
                        break;
                    }
                }
            }
            for l in lines {
                if !l.trim_start().starts_with("<!--") {
                    section.lines.push((number, markup::english(l)));
                }
            }
        }
        Err(why) => {
            section.missing_include = true;
            diagnostics.push(Diagnostic::warning(
                number,
                format!(
                    "the permissions include `{target}` cannot be found ({why}); the operations of this page have no scopes until it is there"
                ),
            ));
        }
    }
}

fn description(lines: &[(usize, String)]) -> Option<String> {
    let mut paragraphs: Vec<String> = Vec::new();
    let mut current = String::new();
    for (_, l) in lines {
        let t = l.trim();
        if t.is_empty() || t == "---" {
            if !current.is_empty() {
                paragraphs.push(std::mem::take(&mut current));
            }
            continue;
        }
        if t.starts_with("Namespace:") || t.starts_with("[!") || t.starts_with('>') && t.contains("[!") {
            continue;
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(&markup::inline_text(t));
    }
    if !current.is_empty() {
        paragraphs.push(current);
    }
    let text = paragraphs.join("\n\n");
    (!text.is_empty()).then_some(text)
}

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

fn read_endpoints(page: &mut Page, sections: &[SectionText], blocks: &[Block]) {
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
        if block.lines.iter().all(|(_, l)| l.trim().is_empty()) {
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
                if blocks
                    .iter()
                    .all(|b| b.lines.iter().all(|(_, l)| l.trim().is_empty()) || !is_request_block(b))
                {
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
        || block.annotation.as_ref().and_then(|a| a.get("blockType")).and_then(|v| v.as_str())
            == Some("request")
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
        if let Err(e) = crate::paths::normalise(&path) {
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
fn correct_users_me(page: &mut Page) {
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
fn is_header_line(line: &str) -> bool {
    line.split_once(':').is_some_and(|(name, value)| {
        !name.is_empty()
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            && !is_method(name)
            && !value.starts_with("//")
    })
}

fn is_method(word: &str) -> bool {
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

/// A scope looks like `Mail.Send` or `User.Read.All`: dotted words, the first capitalised.
fn is_scope(word: &str) -> bool {
    let parts: Vec<&str> = word.split('.').collect();
    parts.len() >= 2
        && parts.iter().all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        && parts[0].starts_with(|c: char| c.is_ascii_uppercase())
}

fn scopes_in(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for word in
        text.split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '(' | ')' | '*' | '`' | '|'))
    {
        let w = word.trim_end_matches(['.', ':']);
        if is_scope(w) && seen.insert(w) {
            out.push(w.to_string());
        }
    }
    out
}

/// The permission kind a table cell names: `Delegated (work or school account)` and so on.
fn permission_kind(cell: &str) -> Option<PermissionKind> {
    let k = markup::key(cell);
    if k.starts_with("delegated") && (k.contains("personal") || k.contains("microsoft account")) {
        Some(PermissionKind::DelegatedPersonal)
    } else if k.starts_with("delegated") {
        Some(PermissionKind::DelegatedWork)
    } else if k.starts_with("application") {
        Some(PermissionKind::Application)
    } else {
        None
    }
}

/// Reads the permissions section in each of its shapes:
/// - a table with one row per permission kind (2019 on), least or most privileged first as its header says,
///   with workflow sub-rows under a kind (Intune) adding to that kind;
/// - a table with one row per resource and a column per kind (`attachment-get`, `opentypeextension-delete`);
/// - a table of resource and scope pairs (2017: `| Supported resource | Permission | … |`);
/// - prose naming the scopes (2017: "One of the following **scopes** is required to execute this API").
fn read_permissions(page: &mut Page, section: &SectionText) {
    let before = page.permissions.len();
    let mut prose: Vec<(usize, String)> = Vec::new();
    let mut tables: Vec<Vec<(usize, Vec<String>)>> = Vec::new();
    let mut in_table = false;
    for (n, l) in &section.lines {
        match markup::table_row(l) {
            Some(cells) if l.trim_start().starts_with('|') || in_table => {
                if !in_table {
                    tables.push(Vec::new());
                    in_table = true;
                }
                if !markup::is_table_separator(&cells) {
                    if let Some(t) = tables.last_mut() {
                        t.push((*n, cells));
                    }
                }
            }
            _ => {
                in_table = false;
                prose.push((*n, l.clone()));
            }
        }
    }
    for table in &tables {
        read_permission_table(page, table);
    }
    if page.permissions.len() > before {
        return;
    }

    // Prose: the scopes on the line that introduces them or the lines after it.
    let mut scopes = Vec::new();
    let mut first_line = section.line;
    let table_cells = tables.iter().flatten().map(|(n, cells)| (*n, cells.join(" ")));
    let mut seen = std::collections::BTreeSet::new();
    for (n, l) in prose.into_iter().chain(table_cells) {
        for s in scopes_in(&markup::inline_text(&l)) {
            if scopes.is_empty() {
                first_line = n;
            }
            if seen.insert(s.clone()) {
                scopes.push(s);
            }
        }
    }
    if scopes.is_empty() {
        // A permissions include that could not be read has already said the scopes are unknown.
        if !section.missing_include {
            page.diagnostics
                .push(Diagnostic::warning(section.line, "the permissions section names no scope"));
        }
    } else {
        page.permissions.push(Permission {
            kind: PermissionKind::Unspecified,
            scopes,
            line: first_line,
            resource: None,
        });
    }
}

fn read_permission_table(page: &mut Page, table: &[(usize, Vec<String>)]) {
    let Some(((_, header), rows)) = table.split_first() else { return };
    let keys: Vec<String> = header.iter().map(|h| markup::key(h)).collect();
    // Scopes are kept least privileged first; a header that says otherwise turns its rows around.
    let most_first = keys.iter().any(|k| k.contains("most to least"));
    let ordered = |mut scopes: Vec<String>| {
        if most_first {
            scopes.reverse();
        }
        scopes
    };
    let kind_columns: Vec<(usize, PermissionKind)> =
        header.iter().enumerate().skip(1).filter_map(|(i, h)| permission_kind(h).map(|k| (i, k))).collect();
    if !kind_columns.is_empty() {
        for (n, row) in rows {
            let resource = row.first().map(|c| c.trim().to_string()).filter(|c| !c.is_empty());
            for (i, kind) in &kind_columns {
                let scopes = ordered(scopes_in(row.get(*i).map(String::as_str).unwrap_or("")));
                page.permissions.push(Permission {
                    kind: *kind,
                    scopes,
                    line: *n,
                    resource: resource.clone(),
                });
            }
        }
        return;
    }
    let kind_rows = rows.iter().any(|(_, row)| row.first().is_some_and(|c| permission_kind(c).is_some()));
    if kind_rows {
        let mut current: Option<usize> = None;
        for (n, row) in rows {
            let scopes = ordered(scopes_in(&row[1.min(row.len())..].join(" ")));
            match row.first().and_then(|c| permission_kind(c)) {
                Some(kind) => {
                    current = Some(page.permissions.len());
                    page.permissions.push(Permission { kind, scopes, line: *n, resource: None });
                }
                // A sub-row (a workflow under "Delegated") adds its scopes to the kind above it.
                None => {
                    if let Some(p) = current.and_then(|i| page.permissions.get_mut(i)) {
                        for s in scopes {
                            if !p.scopes.contains(&s) {
                                p.scopes.push(s);
                            }
                        }
                    }
                }
            }
        }
        return;
    }
    // Resource and scope pairs: each `Permission`/`Scope` column belongs to the resource column before it.
    let scope_columns: Vec<usize> = keys
        .iter()
        .enumerate()
        .skip(1)
        .filter(|(_, k)| k.starts_with("permission") || k.starts_with("scope"))
        .map(|(i, _)| i)
        .collect();
    for (n, row) in rows {
        for &i in &scope_columns {
            let scopes = ordered(scopes_in(row.get(i).map(String::as_str).unwrap_or("")));
            let resource = row.get(i - 1).map(|c| c.trim().to_string()).filter(|c| !c.is_empty());
            if !scopes.is_empty() {
                page.permissions.push(Permission {
                    kind: PermissionKind::Unspecified,
                    scopes,
                    line: *n,
                    resource,
                });
            }
        }
    }
}

/// A query parameter's name: `$select`, `startDateTime`.
fn is_query_name(name: &str) -> bool {
    let bare = name.strip_prefix('$').unwrap_or(name);
    bare.starts_with(|c: char| c.is_ascii_alphabetic())
        && bare.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// OData's system query options, the only `$` words of query prose that are parameters.
const ODATA_OPTIONS: &[&str] = &[
    "$select",
    "$expand",
    "$filter",
    "$orderby",
    "$top",
    "$skip",
    "$count",
    "$search",
    "$format",
    "$skiptoken",
    "$deltatoken",
    "$apply",
    "$compute",
    "$levels",
];

fn read_query_parameters(page: &mut Page, section: &SectionText) {
    let mut header_seen = false;
    let mut seen: std::collections::BTreeSet<String> =
        page.query_parameters.iter().map(|q| q.name.clone()).collect();
    for (n, l) in &section.lines {
        let Some(cells) = markup::table_row(l).filter(|_| l.trim_start().starts_with('|')) else {
            header_seen = false;
            // OData options named in prose: "This method supports the `$select` and `$expand` …".
            for word in l.split(|c: char| !(c.is_ascii_alphanumeric() || c == '$' || c == '_')) {
                // `$value` and `$ref` are path segments in OData, not options.
                if word.starts_with('$')
                    && is_query_name(word)
                    && ODATA_OPTIONS.contains(&word)
                    && seen.insert(word.to_string())
                {
                    page.query_parameters.push(QueryParameter {
                        name: word.to_string(),
                        type_name: String::new(),
                        description: format!("The OData {word} query option"),
                        required: false,
                        line: *n,
                    });
                }
            }
            continue;
        };
        if markup::is_table_separator(&cells) {
            continue;
        }
        // The first row of each table is its header.
        if !header_seen {
            header_seen = true;
            continue;
        }
        let name = cells[0].trim().to_string();
        if !is_query_name(&name) || !seen.insert(name.clone()) {
            continue;
        }
        let description = cells.last().filter(|_| cells.len() > 1).cloned().unwrap_or_default();
        let key = markup::key(&description);
        let required = key.split(' ').any(|w| w == "required") && !key.starts_with("optional");
        let type_name = if cells.len() > 2 { cells[1].clone() } else { String::new() };
        page.query_parameters.push(QueryParameter { name, type_name, description, required, line: *n });
    }
}

fn read_headers(page: &mut Page, section: &SectionText) {
    let mut seen: std::collections::BTreeMap<String, usize> = std::collections::BTreeMap::new();
    for (n, l) in &section.lines {
        let Some(cells) = markup::table_row(l) else { continue };
        if cells.len() < 2 || markup::is_table_separator(&cells) {
            continue;
        }
        let name = cells[0].trim().to_string();
        if markup::key(&name) == "name" || markup::key(&name) == "header" || name.is_empty() {
            continue;
        }
        if let Some(preference) = prefer_row(&name, cells.last().map(String::as_str).unwrap_or("")) {
            add_preference(page, preference, *n);
            continue;
        }
        if let Some(first) = seen.get(&name.to_ascii_lowercase()) {
            page.diagnostics.push(Diagnostic::warning(
                *n,
                format!(
                    "request header `{name}` is listed again (first at line {first}); the first row is kept"
                ),
            ));
            continue;
        }
        seen.insert(name.to_ascii_lowercase(), *n);
        let description = cells.last().cloned().unwrap_or_default();
        let required = markup::key(&description).split(' ').any(|w| w == "required");
        page.request_headers.push(Header { name, description, required, line: *n });
    }
}

/// A `Prefer` row: `Prefer: outlook.body-content-type` (the preference in the name cell) or `Prefer` with
/// the preference in its description (`odata.maxpagesize={x}. Optional.`). Returns the description the
/// `Prefer` parameter gets for it.
fn prefer_row(name: &str, description: &str) -> Option<String> {
    let (header, preference) = match name.split_once(':') {
        Some((h, p)) => (h.trim(), p.trim()),
        None => (name.trim(), ""),
    };
    if !header.eq_ignore_ascii_case("prefer") {
        return None;
    }
    Some(if preference.is_empty() {
        description.trim().to_string()
    } else {
        format!("`{preference}`: {}", description.trim())
    })
}

/// Every `Prefer` row of a page is one `Prefer` header parameter (HTTP allows several preferences in one
/// header); each row adds its preference to the description.
fn add_preference(page: &mut Page, description: String, line: usize) {
    match page.request_headers.iter_mut().find(|h| h.name.eq_ignore_ascii_case("prefer")) {
        Some(h) => {
            h.description.push(' ');
            h.description.push_str(&description);
        }
        None => page.request_headers.push(Header {
            name: "Prefer".into(),
            required: markup::key(&description).split(' ').any(|w| w == "required"),
            description,
            line,
        }),
    }
}

fn read_request_body(page: &mut Page, section: &SectionText) {
    let mut prose = Vec::new();
    let mut properties = Vec::new();
    for (n, l) in &section.lines {
        if let Some(cells) = markup::table_row(l) {
            if cells.len() >= 2 && !markup::is_table_separator(&cells) {
                let first = markup::key(&cells[0]);
                if first != "parameter" && first != "property" && first != "name" && !cells[0].is_empty() {
                    properties.push(BodyProperty {
                        name: cells[0].clone(),
                        type_name: cells.get(1).cloned().unwrap_or_default(),
                        description: cells.get(2).cloned().unwrap_or_default(),
                        line: *n,
                    });
                }
            }
        } else if !l.trim().is_empty() {
            prose.push(markup::inline_text(l.trim()));
        }
    }
    if prose.is_empty() && properties.is_empty() {
        return;
    }
    page.request_body = Some(RequestBody { line: section.line, prose: prose.join(" "), properties });
}

/// Finds the first success (2xx/3xx) status the prose names: `202, Accepted`, `201 Created`, `204 No Content`.
pub fn find_status(text: &str) -> Option<(u16, String)> {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i + 3 <= bytes.len() {
        let window = &bytes[i..i + 3];
        let boundary_before = i == 0 || !bytes[i - 1].is_ascii_alphanumeric();
        let boundary_after = bytes.get(i + 3).is_none_or(|b| !b.is_ascii_alphanumeric());
        if boundary_before
            && boundary_after
            && window.iter().all(u8::is_ascii_digit)
            && (b'2'..=b'3').contains(&window[0])
        {
            let status: u16 = text[i..i + 3].parse().ok()?;
            let rest = text[i + 3..].trim_start_matches([',', ' ', '`']);
            let reason: String = rest
                .split(|c: char| !(c.is_ascii_alphabetic() || c == ' ' || c == '-'))
                .next()
                .unwrap_or("")
                .split(' ')
                .take_while(|w| {
                    w.chars().next().is_some_and(|c| c.is_ascii_uppercase())
                        || matches!(*w, "content" | "found" | "request")
                })
                .collect::<Vec<_>>()
                .join(" ");
            let near_code =
                text[..i].ends_with('`') || rest.len() < text[i + 3..].len() || !reason.is_empty();
            if near_code {
                return Some((status, canonical_reason(status, &reason)));
            }
        }
        i += 1;
    }
    None
}

fn canonical_reason(status: u16, found: &str) -> String {
    let standard = match status {
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        204 => "No Content",
        206 => "Partial Content",
        207 => "Multi-Status",
        302 => "Found",
        303 => "See Other",
        _ => "",
    };
    if standard.is_empty() {
        found.to_string()
    } else {
        standard.to_string()
    }
}

fn read_response(page: &mut Page, section: &SectionText) {
    for (at, (n, l)) in section.lines.iter().enumerate() {
        if let Some((status, reason)) = find_status(l) {
            page.success = Some(Success { status, reason, line: *n });
            read_response_body(page, &section.lines[at..]);
            return;
        }
    }
}

/// The body the Response prose names, from the status line on: on that line ("returns a `200 OK` response
/// code and a message object in the response body") or a later one ("the response body includes an
/// attachment object"), or as a list of choices ("one of the following requested objects in the response
/// body:" and `- [mailboxSettings](…) object` lines).
fn read_response_body(page: &mut Page, lines: &[(usize, String)]) {
    for (i, (n, l)) in lines.iter().enumerate() {
        let text = markup::inline_text(l);
        let lower = text.to_ascii_lowercase();
        if !lower.contains("response body") || says_no_body(&lower) {
            continue;
        }
        page.documented_body.get_or_insert(*n);
        if lower.contains("one of the following") {
            let choices = response_choices(&lines[i + 1..]);
            if let Some(first) = choices.first() {
                page.response_body = Some(ResponseBody {
                    resource: first.type_name.clone(),
                    collection: false,
                    line: *n,
                    choices,
                });
                return;
            }
            continue;
        }
        if let Some((resource, collection)) = response_resource(&text) {
            page.response_body = Some(ResponseBody { resource, collection, line: *n, choices: Vec::new() });
            return;
        }
    }
}

/// "It does not return anything in the response body", "an empty response body".
fn says_no_body(lower: &str) -> bool {
    ["does not return", "doesn't return", "no response body", "empty response body", "returns nothing"]
        .iter()
        .any(|p| lower.contains(p))
}

/// The list under "one of the following … objects": `- [automaticRepliesSetting](…) object` →
/// `automaticRepliesSetting`; `- string (for **dateFormat**)` → `string` for `dateFormat`. The list ends
/// at the first line that is neither an item nor blank.
fn response_choices(lines: &[(usize, String)]) -> Vec<ResponseChoice> {
    let mut out = Vec::new();
    for (n, l) in lines {
        let t = l.trim();
        if t.is_empty() {
            continue;
        }
        let Some(item) = t.strip_prefix("- ").or_else(|| t.strip_prefix("* ")) else { break };
        let text = markup::inline_text(item);
        let type_name: String = text
            .split_whitespace()
            .next()
            .unwrap_or("")
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect();
        if type_name.is_empty() {
            continue;
        }
        let property = text.split_once("(for ").map(|(_, rest)| {
            rest.split(')')
                .next()
                .unwrap_or("")
                .trim_matches(|c: char| !c.is_ascii_alphanumeric())
                .to_string()
        });
        out.push(ResponseChoice { type_name, property: property.filter(|p| !p.is_empty()), line: *n });
    }
    out
}

/// "returns a 200 OK response code and a message object in the response body" → ("message", false);
/// "… a collection of message objects …" → ("message", true); "… message collection object …" →
/// ("message", true); "the response body includes an attachment object" → ("attachment", false).
pub fn response_resource(text: &str) -> Option<(String, bool)> {
    let lower = text.to_ascii_lowercase();
    let body_at = lower.find("response body")?;
    let head = &text[..body_at];
    if head.to_ascii_lowercase().contains("one of the following") {
        return None;
    }
    let before: Vec<&str> = head.split_whitespace().collect();
    if let Some(found) = noun_phrase(&before, head) {
        return Some(found);
    }
    // The object after the words: "the response body includes an attachment object."
    let tail = &text[body_at + "response body".len()..];
    let sentence = tail.split(". ").next().unwrap_or(tail);
    let after: Vec<&str> = sentence.split_whitespace().take(12).collect();
    noun_phrase(&after, sentence)
}

/// The type named before the last `object`/`objects`/`collection`/`resource` of `words` (`phrase` is the
/// same text, for "collection of").
fn noun_phrase(words: &[&str], phrase: &str) -> Option<(String, bool)> {
    let clean = |w: &str| w.trim_matches(|c: char| !c.is_ascii_alphabetic()).to_ascii_lowercase();
    let pos = words.iter().rposition(|w| {
        let w = clean(w);
        w == "object" || w == "objects" || w == "collection" || w == "resource"
    })?;
    let noun = clean(words[pos]);
    let mut collection =
        noun == "objects" || noun == "collection" || phrase.to_ascii_lowercase().contains("collection of");
    let mut name_end = pos;
    // "[message] collection object": the collection word sits between the type and the noun.
    if pos > 0 && clean(words[pos - 1]) == "collection" {
        collection = true;
        name_end = pos - 1;
    }
    let resource = words[..name_end]
        .iter()
        .rev()
        .map(|w| w.trim_matches(|c: char| !(c.is_ascii_alphanumeric() || c == '.')))
        .find(|w| !w.is_empty())?;
    let resource = resource.trim_start_matches("microsoft.graph.");
    let valid = resource.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && resource.chars().all(|c| c.is_ascii_alphanumeric())
        && !matches!(
            resource.to_ascii_lowercase().as_str(),
            "a" | "an"
                | "the"
                | "of"
                | "json"
                | "new"
                | "updated"
                | "and"
                | "requested"
                | "includes"
                | "contains"
                | "body"
                | "following"
        );
    valid.then(|| (resource.to_string(), collection))
}

/// Headers and JSON markers of an example block; `first` is the line number of its first line (the request
/// or status line), which the caller has read already.
fn example_body(lines: &[(usize, String)], first: usize) -> ExampleBody {
    let mut out = ExampleBody::default();
    let mut rest = lines.iter().skip_while(|(n, _)| *n <= first).peekable();
    // Headers run to the first blank line; a block without headers starts its body at once.
    while let Some((_, l)) = rest.peek() {
        let t = l.trim();
        if t.is_empty() {
            rest.next();
            break;
        }
        if t.starts_with('{') || t.starts_with('[') || !is_header_line(t) {
            break;
        }
        if let Some((name, value)) = t.split_once(':') {
            if name.trim().eq_ignore_ascii_case("content-type") {
                let media = value.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
                out.content_type = Some(media).filter(|m| !m.is_empty());
            }
        }
        rest.next();
    }
    let body: String = rest.map(|(_, l)| l.as_str()).collect::<Vec<_>>().join("\n");
    let body = body.trim();
    out.json = body.starts_with('{') || body.starts_with('[');
    if body.starts_with('{') {
        json_markers(body, &mut out);
    }
    out
}

/// Reads the top-level members of a JSON object that may be cut short or carry comments, as examples do:
/// the string values of `@odata.context` and `@odata.type`, and whether `value` is an array.
fn json_markers(body: &str, out: &mut ExampleBody) {
    let chars: Vec<char> = body.chars().collect();
    let mut depth = 0usize;
    let mut i = 0;
    let mut last_key: Option<String> = None;
    let string_at = |start: usize| -> (String, usize) {
        let mut s = String::new();
        let mut j = start + 1;
        while j < chars.len() && chars[j] != '"' {
            if chars[j] == '\\' {
                j += 1;
            }
            if let Some(c) = chars.get(j) {
                s.push(*c);
            }
            j += 1;
        }
        (s, j + 1)
    };
    while i < chars.len() {
        match chars[i] {
            '{' | '[' => {
                if depth == 1 && chars[i] == '[' && last_key.as_deref() == Some("value") {
                    out.value_array = true;
                }
                depth += 1;
                last_key = None;
                i += 1;
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                i += 1;
            }
            '"' => {
                let (s, next) = string_at(i);
                i = next;
                if depth != 1 {
                    continue;
                }
                let colon = chars[i.min(chars.len())..].iter().position(|c| !c.is_whitespace());
                let is_key = colon.is_some_and(|p| chars[i + p] == ':');
                if is_key {
                    last_key = Some(s);
                } else {
                    match last_key.take().as_deref() {
                        Some("@odata.context") if out.odata_context.is_none() => out.odata_context = Some(s),
                        Some("@odata.type") if out.odata_type.is_none() => out.odata_type = Some(s),
                        _ => {}
                    }
                }
            }
            ',' => {
                last_key = None;
                i += 1;
            }
            _ => i += 1,
        }
    }
}

fn read_examples(page: &mut Page, blocks: &[Block]) {
    for block in blocks {
        let block_type = block.annotation.as_ref().and_then(|a| a.get("blockType")).and_then(|v| v.as_str());
        let kind = match block_type {
            Some("request") => ExampleKind::Request,
            Some("response") => ExampleKind::Response,
            Some(_) => continue,
            None if block.section == Section::Examples && block.lang == "http" => {
                match block.subheading.as_deref() {
                    Some(s) if s.contains("request") => ExampleKind::Request,
                    Some(s) if s.contains("response") => ExampleKind::Response,
                    _ => continue,
                }
            }
            None => continue,
        };
        let Some((n, first)) = block.lines.iter().find(|(_, l)| !l.trim().is_empty()) else {
            page.diagnostics.push(Diagnostic::warning(block.line, "the example code block is empty"));
            continue;
        };
        let name = block
            .annotation
            .as_ref()
            .and_then(|a| a.get("name"))
            .and_then(|v| v.as_str())
            .map(str::to_string);
        if kind == ExampleKind::Request && page.base_url.is_none() {
            page.base_url = parse_request_line(first.trim()).and_then(|(_, url)| base_url(&url));
        }
        let body = example_body(&block.lines, *n);
        page.examples.push(HttpExample { kind, first_line: first.trim().to_string(), line: *n, name, body });
    }
}

/// `https://graph.microsoft.com/v1.0/me/messages/{id}/send` → `https://graph.microsoft.com/v1.0`.
pub fn base_url(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let mut parts = rest.splitn(3, '/');
    let host = parts.next()?;
    let version = parts.next()?;
    (!host.is_empty() && (version == "v1.0" || version == "beta"))
        .then(|| format!("{scheme}://{host}/{version}"))
}

/// `HTTP/1.1 200 OK` → 200.
pub fn example_status(first_line: &str) -> Option<u16> {
    let mut words = first_line.split_whitespace();
    let proto = words.next()?;
    if !proto.starts_with("HTTP/") {
        return None;
    }
    words.next()?.parse().ok()
}

fn check_example_status(page: &mut Page) {
    let Some(success) = page.success.clone() else { return };
    let response = page.examples.iter().find(|e| e.kind == ExampleKind::Response);
    if let Some(example) = response {
        if let Some(status) = example_status(&example.first_line) {
            if status != success.status {
                page.diagnostics.push(Diagnostic::warning(
                    example.line,
                    format!(
                        "the example response says `{}` (line {}) but the Response prose says `{} {}` (line {}); documenting {}",
                        example.first_line, example.line, success.status, success.reason, success.line, success.status
                    ),
                ));
            }
        }
    }
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

    #[test]
    fn prefer_rows_become_one_prefer_header() {
        let mut page = Page::default();
        let description = "The format of the **body**. Optional.";
        add_preference(
            &mut page,
            prefer_row("Prefer: outlook.body-content-type", description).expect("prefer"),
            3,
        );
        add_preference(
            &mut page,
            prefer_row("Prefer", "odata.maxpagesize={x}. Optional.").expect("prefer"),
            4,
        );
        assert!(prefer_row("Authorization", "Bearer {token}").is_none());
        assert_eq!(page.request_headers.len(), 1);
        let h = &page.request_headers[0];
        assert_eq!((h.name.as_str(), h.line, h.required), ("Prefer", 3, false));
        assert!(h.description.starts_with("`outlook.body-content-type`: The format"), "{}", h.description);
        assert!(h.description.ends_with("odata.maxpagesize={x}. Optional."), "{}", h.description);
    }

    #[test]
    fn response_prose_in_its_shapes() {
        let r = |t: &str| response_resource(&markup::inline_text(t));
        assert_eq!(
            r("returns a `200 OK` response code and [mailFolder](x.md) collection object in the response body."),
            Some(("mailFolder".into(), true))
        );
        assert_eq!(
            r("If you're getting it, the response body includes an [attachment](x.md) object. More."),
            Some(("attachment".into(), false))
        );
        assert_eq!(
            r("returns `200 OK` and one of the following requested objects in the response body:"),
            None
        );
        let lines: Vec<(usize, String)> = [
            "- [mailboxSettings](../resources/mailboxsettings.md) object",
            "- string (for **dateFormat**)",
            "",
            "## Examples",
        ]
        .iter()
        .enumerate()
        .map(|(i, l)| (i + 10, l.to_string()))
        .collect();
        let choices = response_choices(&lines);
        assert_eq!(choices.len(), 2);
        assert_eq!(
            (choices[0].type_name.as_str(), choices[0].property.as_deref()),
            ("mailboxSettings", None)
        );
        assert_eq!(
            (choices[1].type_name.as_str(), choices[1].property.as_deref()),
            ("string", Some("dateFormat"))
        );
    }

    #[test]
    fn example_bodies_give_media_type_and_odata_markers() {
        let block: Vec<(usize, String)> = [
            "HTTP/1.1 200 OK",
            "Content-type: application/json; odata.metadata=minimal",
            "",
            "{",
            r#"  "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users('a')/messages","#,
            r##"  "value": [ { "@odata.type": "#microsoft.graph.eventMessage", "id": "x" } ]"##,
            "}",
        ]
        .iter()
        .enumerate()
        .map(|(i, l)| (i + 1, l.to_string()))
        .collect();
        let body = example_body(&block, 1);
        assert_eq!(body.content_type.as_deref(), Some("application/json"));
        assert_eq!(
            body.odata_context.as_deref(),
            Some("https://graph.microsoft.com/v1.0/$metadata#users('a')/messages")
        );
        assert!(body.json && body.value_array);
        assert_eq!(body.odata_type, None, "an item's type is not the body's");
        let raw: Vec<(usize, String)> = ["HTTP/1.1 200 OK", "", "BEGIN:VCARD"]
            .iter()
            .enumerate()
            .map(|(i, l)| (i + 1, l.to_string()))
            .collect();
        let body = example_body(&raw, 1);
        assert!(!body.json && body.content_type.is_none());
    }
}
