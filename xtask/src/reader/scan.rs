//! The one line scanner under both readers (API pages and resource pages): YAML front matter, HTML comments
//! (JSON ones are ApiDoctor annotations, read with the authors' slips repaired), fenced code blocks,
//! snippet-tab and zone lines, headings, and the English text of every other line, each with its line.
//!
//! What a line *means* (a section, a table, a request line) is the readers' business; the scanner only says
//! what kind of line it is, so both readers agree on where a comment or a code block starts and ends.

use std::borrow::Cow;

use crate::diagnostics::Diagnostic;
use crate::reader::json_repair;
use crate::reader::markup::{self, Heading};

/// The two front matter keys the readers use, read as plain `key: value` lines so a malformed block costs a
/// warning, never the page.
#[derive(Debug, Default)]
pub struct FrontMatter {
    pub title: Option<String>,
    pub description: Option<String>,
}

/// One piece of a page, in page order.
#[derive(Debug)]
pub enum Item<'a> {
    /// An HTML comment holding a JSON object, at the line it opens on: the value (repaired if need be, with a
    /// warning already said), or why it is not JSON even repaired. Other comments are skipped.
    Annotation { line: usize, value: Result<serde_json::Value, String> },
    /// A fenced code block (```` ``` ```` or `~~~`), its lines as written.
    Fence(Fence<'a>),
    /// An ATX heading; `text` is the line it stands on, in English.
    Heading { line: usize, heading: Heading, text: Cow<'a, str> },
    /// Any other line outside comments and code blocks, in English (bilingual spans reduced).
    Text { line: usize, text: Cow<'a, str> },
}

#[derive(Debug)]
pub struct Fence<'a> {
    /// The line of the opening fence.
    pub line: usize,
    /// The info string, lowercased (`http`, `json`), empty when there is none.
    pub lang: String,
    pub lines: Vec<(usize, &'a str)>,
}

/// The scanner: an iterator of [`Item`]s. What it finds wrong (an unclosed comment or block, a front matter
/// line that is not `key: value`, a repaired annotation) is in `diagnostics` once the items are read.
pub struct Scan<'a> {
    raw: Vec<&'a str>,
    next: usize,
    pub front_matter: FrontMatter,
    pub diagnostics: Vec<Diagnostic>,
}

impl<'a> Scan<'a> {
    pub fn new(source: &'a str) -> Self {
        let raw = lines(source);
        let mut scan = Scan { raw, next: 0, front_matter: FrontMatter::default(), diagnostics: Vec::new() };
        scan.front_matter();
        scan
    }

    /// YAML front matter, between a first line `---` and the next; one never closed is a warning and the
    /// page is read from its first line.
    fn front_matter(&mut self) {
        if self.raw.first().map(|l| l.trim_end()) != Some("---") {
            return;
        }
        let Some(end) = self.raw.iter().skip(1).position(|l| l.trim_end() == "---") else {
            self.diagnostics.push(Diagnostic::warning(1, "front matter opened with `---` is never closed"));
            return;
        };
        for (n, line) in self.raw[1..=end].iter().enumerate() {
            if let Some((k, v)) = line.split_once(':') {
                let v = v.trim().trim_matches('"').trim_matches('\'');
                let slot = match k.trim() {
                    "title" => &mut self.front_matter.title,
                    "description" => &mut self.front_matter.description,
                    _ => continue,
                };
                if !v.is_empty() {
                    *slot = Some(v.to_string());
                }
            } else if !line.trim().is_empty() {
                self.diagnostics.push(Diagnostic::warning(
                    n + 2,
                    format!("front matter line `{}` is not `key: value`", line.trim()),
                ));
            }
        }
        self.next = end + 2;
    }

    /// The comment opening at `number` (its first line's rest is `start`), read to its `-->`.
    fn comment(&mut self, number: usize, start: &str) -> Option<Item<'a>> {
        let mut closed = start.contains("-->");
        let content = if closed {
            Cow::Borrowed(start)
        } else {
            let mut body = String::from(start);
            while !closed && self.next < self.raw.len() {
                let l = self.raw[self.next];
                body.push('\n');
                body.push_str(l);
                // Only the new line can close the comment; looking at it alone keeps long comments linear.
                closed = l.contains("-->");
                self.next += 1;
            }
            Cow::Owned(body)
        };
        if !closed {
            self.diagnostics.push(Diagnostic::warning(number, "HTML comment is never closed"));
        }
        let content = content.split("-->").next().unwrap_or("").trim();
        if !content.starts_with('{') {
            return None;
        }
        let value = match serde_json::from_str::<serde_json::Value>(content) {
            Ok(value) => Ok(value),
            Err(e) => match json_repair::lenient_json(content) {
                // Published pages carry slips JSON forbids but whose meaning is plain: a comma before `}`, a
                // line break inside a string. They cost a warning, not the page.
                Some((value, slips)) => {
                    self.diagnostics.push(Diagnostic::warning(
                        number,
                        format!("the annotation comment is not valid JSON ({e}); read it anyway by {slips}"),
                    ));
                    Ok(value)
                }
                None => Err(e.to_string()),
            },
        };
        Some(Item::Annotation { line: number, value })
    }

    /// The code block opening at `number` with `fence`, read to its closing fence (a line of the fence's
    /// character alone, as CommonMark has it).
    fn fence(&mut self, number: usize, fence: &'static str, trimmed: &str) -> Item<'a> {
        let lang = trimmed[fence.len()..].trim().to_lowercase();
        let mark = if fence == "```" { '`' } else { '~' };
        let mut lines = Vec::new();
        let mut closed = false;
        while self.next < self.raw.len() {
            let l = self.raw[self.next];
            self.next += 1;
            let t = l.trim();
            if t.starts_with(fence) && t.trim_start_matches(mark).trim().is_empty() {
                closed = true;
                break;
            }
            lines.push((self.next, l));
        }
        if !closed {
            self.diagnostics.push(Diagnostic::warning(number, "code block is never closed"));
        }
        Item::Fence(Fence { line: number, lang, lines })
    }
}

impl<'a> Iterator for Scan<'a> {
    type Item = Item<'a>;

    fn next(&mut self) -> Option<Item<'a>> {
        while self.next < self.raw.len() {
            let number = self.next + 1;
            let text = markup::english(self.raw[self.next]);
            self.next += 1;
            let trimmed = text.trim();
            if let Some(start) = trimmed.strip_prefix("<!--") {
                match self.comment(number, start) {
                    Some(item) => return Some(item),
                    None => continue,
                }
            }
            if let Some(fence) = fence_marker(trimmed) {
                return Some(self.fence(number, fence, trimmed));
            }
            // Snippet tabs (`# [C#](#tab/csharp)`) belong to other languages' samples, and zone pivots
            // (`::: zone pivot="…"`, `::: zone-end`) only frame text that is read as it stands.
            if is_tab_marker(trimmed) || trimmed.starts_with(":::") {
                continue;
            }
            if let Some(heading) = markup::heading(&text) {
                return Some(Item::Heading { line: number, heading, text });
            }
            return Some(Item::Text { line: number, text });
        }
        None
    }
}

/// `source.lines()`, split by `memchr` (the line feeds found a block at a time, not one line at a time):
/// each line without its `\n`, or its `\r\n`; no empty last line after a final line feed.
fn lines(source: &str) -> Vec<&str> {
    let mut out = Vec::with_capacity(source.len() / 32);
    let mut start = 0;
    for end in memchr::memchr_iter(b'\n', source.as_bytes()) {
        let line = &source[start..end];
        out.push(line.strip_suffix('\r').unwrap_or(line));
        start = end + 1;
    }
    if start < source.len() {
        out.push(&source[start..]);
    }
    out
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

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(source: &str) -> (Vec<String>, Vec<String>) {
        let mut scan = Scan::new(source);
        let items = scan
            .by_ref()
            .map(|item| match item {
                Item::Annotation { line, value } => format!("{line} annotation {}", value.is_ok()),
                Item::Fence(f) => format!("{} fence {} {}", f.line, f.lang, f.lines.len()),
                Item::Heading { line, heading, .. } => format!("{line} heading {}", heading.text),
                Item::Text { line, text } => format!("{line} text {text}"),
            })
            .collect();
        let diagnostics = scan.diagnostics.iter().map(|d| format!("{} {}", d.line, d.message)).collect();
        (items, diagnostics)
    }

    #[test]
    fn lines_are_split_as_str_lines_does() {
        for text in ["", "\n", "a", "a\n", "a\r\nb", "a\rb\r", "a\n\nb\r\n", "\r\n\r\n", "é\n\u{2028}x\r"] {
            assert_eq!(lines(text), text.lines().collect::<Vec<_>>(), "{text:?}");
        }
    }

    #[test]
    fn a_fence_closes_only_on_its_own_character_alone() {
        let (items, diagnostics) = kinds("~~~json\n```\n# not a heading\n~~~\n# Title");
        assert_eq!(items, ["1 fence json 2", "5 heading Title"]);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
    }

    #[test]
    fn front_matter_never_closed_is_a_warning_and_the_page_is_read() {
        let (items, diagnostics) = kinds("---\ntitle: x\n# Title");
        assert_eq!(items, ["1 text ---", "2 text title: x", "3 heading Title"]);
        assert_eq!(diagnostics, ["1 front matter opened with `---` is never closed"]);
    }

    #[test]
    fn comments_span_lines_and_json_ones_are_annotations() {
        let (items, diagnostics) =
            kinds("<!-- note\n# hidden -->\n<!-- {\n\"blockType\": \"request\",\n} -->\n<!-- { -->\n# [C#](#tab/cs)");
        assert_eq!(items, ["3 annotation true", "6 annotation false"]);
        assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
        assert!(diagnostics[0].starts_with("3 the annotation comment is not valid JSON"), "{diagnostics:?}");
    }
}
