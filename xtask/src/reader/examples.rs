//! Example blocks → the page's examples: kind (annotation or sub-heading), first line, media type and the
//! OData markers of a JSON body; the base URL of the first absolute request; a warning where the example's
//! status disagrees with the Response prose.

use crate::diagnostics::Diagnostic;
use crate::reader::endpoints::{is_header_line, parse_request_line};
use crate::reader::model::{ExampleBody, ExampleKind, HttpExample, Page};
use crate::reader::parts::{Block, Section};

/// Headers and JSON markers of an example block; `first` is the line number of its first line (the request
/// or status line), which the caller has read already.
fn example_body<S: AsRef<str>>(lines: &[(usize, S)], first: usize) -> ExampleBody {
    let mut out = ExampleBody::default();
    let mut rest = lines.iter().skip_while(|(n, _)| *n <= first).peekable();
    // Headers run to the first blank line; a block without headers starts its body at once.
    while let Some((_, l)) = rest.peek() {
        let t = l.as_ref().trim();
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
    let body: String = rest.map(|(_, l)| l.as_ref()).collect::<Vec<_>>().join("\n");
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
    // Bytes, not chars: every byte the scan looks for is ASCII, which never occurs inside a multi-byte
    // character, and only the strings of the top level are copied out.
    let bytes = body.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    let mut last_key: Option<String> = None;
    while i < bytes.len() {
        match bytes[i] {
            b'{' | b'[' => {
                if depth == 1 && bytes[i] == b'[' && last_key.as_deref() == Some("value") {
                    out.value_array = true;
                }
                depth += 1;
                last_key = None;
                i += 1;
            }
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                i += 1;
            }
            b'"' => {
                let start = i + 1;
                let mut end = start;
                while end < bytes.len() && bytes[end] != b'"' {
                    if bytes[end] == b'\\' {
                        end += 1;
                    }
                    end += 1;
                }
                i = end + 1;
                if depth != 1 {
                    continue;
                }
                let s = unescaped(&bytes[start..end.min(bytes.len())]);
                let is_key =
                    body.get(i.min(body.len())..).is_some_and(|rest| rest.trim_start().starts_with(':'));
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
            b',' => {
                last_key = None;
                i += 1;
            }
            _ => i += 1,
        }
    }
}

/// A JSON string's bytes between its quotes, each backslash dropped and the byte after it kept as it is.
fn unescaped(raw: &[u8]) -> String {
    let mut out = Vec::with_capacity(raw.len());
    let mut bytes = raw.iter();
    while let Some(&b) = bytes.next() {
        match b {
            b'\\' => out.extend(bytes.next()),
            _ => out.push(b),
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

pub fn read_examples(page: &mut Page, blocks: &[Block]) {
    for block in blocks {
        let kind = match block.block_type() {
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

pub fn check_example_status(page: &mut Page) {
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
