//! What a page says about its request body: the Request body section (its parameter table, whether each
//! parameter is required, the object its prose names, whether a body is needed at all, MIME content) and the
//! intro's lines about it (the JSON format's parameters, MIME content, the page that does the same "in a
//! single operation"). The spec builder reads these fields and no prose.

use crate::reader::markup;
use crate::reader::model::{BodyNeed, BodyProperty, NamedParameter, Page, PageLink, RequestBody};
use crate::reader::parts::SectionText;

pub fn read_request_body(page: &mut Page, section: &SectionText) {
    let mut prose = Vec::new();
    let mut properties = Vec::new();
    for (n, l) in &section.lines {
        if let Some(cells) = markup::table_row(l) {
            if cells.len() >= 2 && !markup::is_table_separator(&cells) {
                let first = markup::key(&cells[0]);
                if first != "parameter" && first != "property" && first != "name" && !cells[0].is_empty() {
                    let description = cells.get(2).cloned().unwrap_or_default();
                    properties.push(BodyProperty {
                        name: cells[0].clone(),
                        type_name: cells.get(1).cloned().unwrap_or_default(),
                        required: parameter_required(&description),
                        description,
                        line: *n,
                    });
                }
            }
        } else if !l.trim().is_empty() {
            let text = markup::inline_text(l.trim());
            if says_mime_base64(&text) {
                page.mime_body = Some(*n);
            }
            prose.push(text);
        }
    }
    if prose.is_empty() && properties.is_empty() {
        return;
    }
    let prose = prose.join(" ");
    page.request_body = Some(RequestBody {
        line: section.line,
        properties,
        resource: body_resource(&prose),
        need: need(&prose),
    });
}

/// The intro (the prose under the title): the "When using JSON format" list's named parameters, a line
/// saying MIME content goes base64-encoded in the request body, and the link to the page that does the same
/// "in a single operation" ("Alternatively, [reply to a message](../api/message-reply.md) in a single
/// operation.").
pub fn read_intro(page: &mut Page, intro: &SectionText) {
    let mut in_json_list = false;
    for (n, l) in &intro.lines {
        let line = markup::english(l);
        let trimmed = line.trim();
        // Few intro lines say any of this: a byte check before each reading keeps the intro off the
        // converter's profile (every page of the corpus has one).
        if page.mime_body.is_none()
            && trimmed.contains("64")
            && says_mime_base64(&markup::inline_text(trimmed))
        {
            page.mime_body = Some(*n);
        }
        if page.single_operation.is_none() && mentions(trimmed, "single") {
            page.single_operation = single_operation(trimmed).map(|file| PageLink { file, line: *n });
        }
        if mentions(trimmed, "json")
            && markup::key(&markup::inline_text(trimmed)).starts_with("when using json format")
        {
            in_json_list = true;
            continue;
        }
        let item = trimmed.starts_with("- ") || trimmed.starts_with("* ");
        if in_json_list && !item {
            // The list ends at the first line that is not one of its items (a blank line included).
            in_json_list = false;
        }
        if in_json_list {
            for name in named_parameters(trimmed) {
                if !page.json_parameters.iter().any(|p| p.name == name) {
                    page.json_parameters.push(NamedParameter { name, line: *n });
                }
            }
        }
    }
}

/// Whether `text` holds `word` (lowercase ASCII) in any letter case: the cheap test before a reading that
/// compares lowercased text.
fn mentions(text: &str, word: &str) -> bool {
    text.as_bytes().windows(word.len()).any(|w| w.eq_ignore_ascii_case(word.as_bytes()))
}

/// "… provide the MIME content … all encoded in **base64** format in the request body", "… provide the MIME
/// content as a base64-encoded string in the request body".
fn says_mime_base64(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    lower.contains("mime") && lower.contains("base64") && lower.contains("request body")
}

/// The names a list item gives as parameters in code spans: "Specify either the `toRecipients` parameter or
/// the **toRecipients** property of the `message` parameter" → `toRecipients`, `message`.
fn named_parameters(item: &str) -> Vec<String> {
    let parts: Vec<&str> = item.split('`').collect();
    let mut out = Vec::new();
    // Odd parts are inside backticks; the part after one says what it is.
    for i in (1..parts.len().saturating_sub(1)).step_by(2) {
        let name = parts[i];
        let after = parts[i + 1].trim_start().to_ascii_lowercase();
        let is_name = !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if is_name && after.starts_with("parameter") {
            out.push(name.to_string());
        }
    }
    out
}

/// The file a link right before "in a single operation" (or "action") points to: `[reply to a
/// message](../api/message-reply.md) in a single operation` → `message-reply.md`.
fn single_operation(line: &str) -> Option<String> {
    let lower = line.to_ascii_lowercase();
    let at = lower.find(") in a single operation").or_else(|| lower.find(") in a single action"))?;
    let open = line[..at].rfind("](")?;
    let target = &line[open + 2..at];
    let target = target.split(['#', '?']).next().unwrap_or(target);
    let file = target.rsplit('/').next().unwrap_or(target);
    (file.len() > 3 && file.ends_with(".md") && !file.contains(char::is_whitespace)).then(|| file.to_string())
}

/// What a parameter's description says of it: required when it says so; optional when it says "optional",
/// gives a default, or allows an empty value (`Can be an empty string.`); `None` when it says neither.
fn parameter_required(description: &str) -> Option<bool> {
    let key = markup::key(description);
    let words: Vec<&str> = key.split(' ').collect();
    if words.contains(&"required") {
        return Some(true);
    }
    if words.contains(&"optional") || words.contains(&"default") || key.contains("can be") {
        return Some(false);
    }
    None
}

/// "Do not supply a request body for this method." → none; "This method does not require a request body." →
/// one may be sent.
fn need(prose: &str) -> BodyNeed {
    let lower = prose.to_ascii_lowercase();
    if lower.contains("do not supply") || lower.contains("don't supply") || lower.contains("not necessary") {
        BodyNeed::None
    } else if lower.contains("not require a request body") || lower.contains("n't require a request body") {
        BodyNeed::NotRequired
    } else {
        BodyNeed::Unsaid
    }
}

/// "In the request body, supply a JSON representation of [message](../resources/message.md) object." →
/// `message`. Prose that names no object (or says to send no body) gives `None`.
fn body_resource(prose: &str) -> Option<String> {
    if need(prose) == BodyNeed::None {
        return None;
    }
    let lower = prose.to_ascii_lowercase();
    let at = lower.find("representation of")? + "representation of".len();
    let words: Vec<&str> = prose[at..].split_whitespace().take(6).collect();
    let end = words.iter().position(|w| {
        let w = w.trim_matches(|c: char| !c.is_ascii_alphabetic()).to_ascii_lowercase();
        w == "object" || w == "objects" || w == "resource" || w == "entity"
    })?;
    let name =
        words[..end].iter().rev().map(|w| w.trim_matches(|c: char| !c.is_ascii_alphanumeric())).find(
            |w| !w.is_empty() && !matches!(w.to_ascii_lowercase().as_str(), "a" | "an" | "the" | "new"),
        )?;
    Some(name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_before_in_a_single_operation_names_the_sibling() {
        let line = "Alternatively, [reply to a message](../api/message-reply.md) in a single operation.";
        assert_eq!(single_operation(line).as_deref(), Some("message-reply.md"));
        let action =
            "Alternatively, [reply-all to a message](../api/message-replyall.md) in a single action.";
        assert_eq!(single_operation(action).as_deref(), Some("message-replyall.md"));
        // A link elsewhere on the line is not the one the phrase is about.
        assert_eq!(
            single_operation("See [send](../api/message-send.md). Do it in a single operation."),
            None
        );
    }

    #[test]
    fn only_code_spans_called_parameters_are_named() {
        let item = "- Specify either the `toRecipients` parameter or the **toRecipients** property of the \
                    `message` parameter. Specifying both or neither returns `400`.";
        assert_eq!(named_parameters(item), ["toRecipients", "message"]);
    }

    #[test]
    fn a_description_says_required_optional_or_nothing() {
        assert_eq!(parameter_required("The message to send. Required."), Some(true));
        assert_eq!(parameter_required("A comment to include. Can be an empty string."), Some(false));
        assert_eq!(parameter_required("Specify it only if false; default is true. Optional."), Some(false));
        assert_eq!(parameter_required("The destination folder ID."), None);
    }
}
