//! The API page reader: one reference page (markdown) → the page model, with diagnostics that carry line
//! numbers. This file cuts the page into its parts (sections by heading, code blocks with their annotations,
//! permissions includes inlined) from the `scan` of its lines, and hands each part to its reader:
//! `endpoints`, `permissions`, `query`, `headers`, `body`, `response`, `examples`.
//!
//! The reader never keys a section on translated text: headings match on their `<a name>` anchor or their
//! English title (bilingual spans are reduced to English first, see [`crate::reader::markup::english`]). It
//! never panics on odd input; what it cannot make sense of becomes a diagnostic.

use std::borrow::Cow;

use crate::diagnostics::Diagnostic;
use crate::reader::markup::{self, Heading};
use crate::reader::parts::{classify, Block, Section, SectionText};
use crate::reader::scan::{Item, Scan};
use crate::reader::{body, endpoints, examples, headers, permissions, query, response};

pub use crate::reader::endpoints::parse_request_line;
pub use crate::reader::examples::{base_url, example_status};
pub use crate::reader::model::*;
pub use crate::reader::permissions::IncludeResolver;
pub use crate::reader::response::{find_status, response_resource};

/// Reads one page with no include files at hand: a permissions include is a warning that its scopes are
/// unknown. `file` is only used to label the page.
pub fn read(file: &str, source: &str) -> Page {
    read_with(file, source, &|_: &str| Err("no include folder was given".to_string()))
}

/// Reads one page, resolving its permissions includes through `includes`.
pub fn read_with(file: &str, source: &str, includes: IncludeResolver) -> Page {
    let mut page = Page { file: file.to_string(), ..Page::default() };
    let mut scan = Scan::new(source);
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

    while let Some(item) = scan.next() {
        // The scanner's findings go in as they come, so diagnostics of one line keep the page's order.
        page.diagnostics.append(&mut scan.diagnostics);
        let (number, h) = match item {
            Item::Annotation { line, value: Ok(value) } => {
                page.annotations.push(Annotation { line, value: value.clone() });
                pending_annotation = Some(value);
                continue;
            }
            Item::Annotation { line, value: Err(e) } => {
                page.diagnostics.push(Diagnostic::error(
                    line,
                    format!("the annotation comment is not valid JSON ({e}); fix it so ApiDoctor and this reader can use it"),
                ));
                continue;
            }
            Item::Fence(fence) => {
                let section = sections.last().map(|s| s.section).unwrap_or(Section::Other);
                blocks.push(Block {
                    line: fence.line,
                    lang: fence.lang,
                    lines: fence.lines,
                    annotation: pending_annotation.take(),
                    section,
                    owner: sections.len().saturating_sub(1),
                    subheading: subheading.clone(),
                });
                continue;
            }
            Item::Text { line, text } => {
                let trimmed = text.trim();
                // Includes: a permissions table is read from its file as if it stood on this line; the others
                // (cloud availability notes, the SDK link, code snippets) hold nothing the spec needs.
                if trimmed.starts_with("[!INCLUDE") {
                    if let Some(s) = sections.last_mut() {
                        permissions::include_permissions(&mut page.diagnostics, s, line, trimmed, includes);
                    }
                    continue;
                }
                if !trimmed.is_empty() {
                    last_heading = None;
                }
                if let Some(s) = sections.last_mut() {
                    s.lines.push((line, text));
                }
                continue;
            }
            Item::Heading { line, heading, .. } => (line, heading),
        };
        if let Some((prev_line, prev)) = &last_heading {
            if prev.level == h.level && prev.text == h.text {
                page.diagnostics.push(Diagnostic::warning(
                    number,
                    format!("heading `{}` repeats the one at line {prev_line}", h.text),
                ));
            }
        }
        if h.level == 1 && page.title.is_none() {
            page.title = Some(h.text.clone());
            main_level = 1;
            last_heading = Some((number, h));
            continue;
        }
        let key = markup::key(&h.text);
        let kind = classify(&h, &key);
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
                title: key,
                lines: vec![],
                missing_include: false,
            });
        } else {
            // A permissions section's sub-headings say which resource the table under them is for
            // (`### Permissions for chat`): its reader sees them as lines.
            if let Some(s) = sections.last_mut().filter(|s| s.section == Section::Permissions) {
                s.lines.push((number, Cow::Owned(format!("{} {}", "#".repeat(h.level), h.text))));
            }
            subheading = Some(key);
        }
        pending_annotation = None;
        last_heading = Some((number, h));
    }
    page.diagnostics.append(&mut scan.diagnostics);

    if page.title.is_none() {
        page.title = scan.front_matter.title.take();
    }
    let preamble = sections.iter().find(|s| s.section == Section::Preamble);
    page.description = preamble.and_then(|s| description(&s.lines)).or(scan.front_matter.description.take());

    endpoints::read_endpoints(&mut page, &sections, &blocks);
    endpoints::correct_users_me(&mut page);
    for s in &sections {
        match s.section {
            Section::Permissions => permissions::read_permissions(&mut page, s),
            Section::RequestHeaders => headers::read_headers(&mut page, s),
            Section::QueryParameters => query::read_query_parameters(&mut page, s),
            Section::RequestBody => body::read_request_body(&mut page, s),
            Section::Preamble => body::read_intro(&mut page, s),
            _ => {}
        }
    }
    response::read_response(&mut page, &sections);
    examples::read_examples(&mut page, &blocks);
    examples::check_example_status(&mut page);
    page.diagnostics.sort_by_key(|d| d.line);
    page
}

/// The preamble's prose, paragraphs joined by blank lines, without the `Namespace:` line and notes.
fn description<S: AsRef<str>>(lines: &[(usize, S)]) -> Option<String> {
    let mut paragraphs: Vec<String> = Vec::new();
    let mut current = String::new();
    for (_, l) in lines {
        let t = l.as_ref().trim();
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
