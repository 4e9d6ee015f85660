//! The Response prose → the success status and the body it names: a type ("a message object"), a
//! collection, a list of choices, or a body the reader cannot type (kept as `documented_body`).

use crate::reader::markup;
use crate::reader::model::{Page, ResponseBody, ResponseChoice, Success};
use crate::reader::parts::{Section, SectionText};

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

/// The success status and body from the Response sections, in page order; failing those, from the lines
/// that say "return" under the examples (some pages put their only Response prose there: "### Response"
/// inside "## Example").
pub fn read_response(page: &mut Page, sections: &[SectionText]) {
    for s in sections.iter().filter(|s| s.section == Section::Response) {
        if read_status(page, &s.lines) {
            return;
        }
    }
    for s in sections.iter().filter(|s| s.section == Section::Examples) {
        let returns: Vec<(usize, &str)> =
            s.lines.iter().filter(|(_, l)| l.contains("return")).map(|(n, l)| (*n, l.as_ref())).collect();
        if read_status(page, &returns) {
            return;
        }
    }
}

/// The first status the lines name, and the body from there on; false when they name none.
fn read_status<S: AsRef<str>>(page: &mut Page, lines: &[(usize, S)]) -> bool {
    for (at, (n, l)) in lines.iter().enumerate() {
        if let Some((status, reason)) = find_status(l.as_ref()) {
            page.success = Some(Success { status, reason, line: *n });
            read_response_body(page, &lines[at..]);
            return true;
        }
    }
    false
}

/// The body the Response prose names, from the status line on: on that line ("returns a `200 OK` response
/// code and a message object in the response body") or a later one ("the response body includes an
/// attachment object"), or as a list of choices ("one of the following requested objects in the response
/// body:" and `- [mailboxSettings](…) object` lines).
fn read_response_body<S: AsRef<str>>(page: &mut Page, lines: &[(usize, S)]) {
    for (i, (n, l)) in lines.iter().enumerate() {
        let text = markup::inline_text(l.as_ref());
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
fn response_choices<S: AsRef<str>>(lines: &[(usize, S)]) -> Vec<ResponseChoice> {
    let mut out = Vec::new();
    for (n, l) in lines {
        let t = l.as_ref().trim();
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
    // A value named without "object": "… and a Boolean in the response body", "… a Stream in the response
    // body" (OData actions and functions that return a primitive); the builder tells a primitive from a
    // resource.
    if let [.., article, name, "in", "the"] = before.as_slice() {
        let name = name.trim_matches(|c: char| !(c.is_ascii_alphanumeric() || c == '.'));
        let bare = name.trim_start_matches("Edm.");
        let word = !bare.is_empty() && bare.chars().all(|c| c.is_ascii_alphanumeric());
        if matches!(article.to_ascii_lowercase().as_str(), "a" | "an") && word {
            return Some((bare.to_string(), false));
        }
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

#[cfg(test)]
mod tests {
    use super::*;

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
        // A primitive, named without "object" (2021 Intune actions and functions).
        assert_eq!(
            r("If successful, this function returns a `200 OK` response code and a Boolean in the response body."),
            Some(("Boolean".into(), false))
        );
        assert_eq!(
            r("If successful, this action returns a `200 OK` response code and a Stream in the response body."),
            Some(("Stream".into(), false))
        );
        assert_eq!(r("returns `204 No Content` and nothing else in the response body."), None);
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
}
