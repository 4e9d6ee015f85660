//! Line-level markup helpers for Graph's reference pages: bilingual spans, anchors, inline markdown.
//!
//! The localized pages of 2017 and 2019 carry every sentence twice on one line:
//! `<span data-ttu-id="x">German</span><span class="sxs-lookup"><span data-stu-id="x">English</span></span>`.
//! The reader works on the English only, so it never keys a section on a translated word.

use std::borrow::Cow;

/// Replaces each bilingual pair on the line by its English text; a line without pairs comes back as it was.
///
/// A pair whose markup is cut off (no `sxs-lookup` part, no closing tags) is left untouched rather than
/// guessed at; the caller still sees the raw text and the page still reads.
pub fn english(line: &str) -> Cow<'_, str> {
    const TTU: &str = "<span data-ttu-id=";
    const LOOKUP: &str = "<span class=\"sxs-lookup\"><span data-stu-id=";
    const CLOSE: &str = "</span></span>";
    // Most lines hold no markup at all; one byte scan spares them the pattern searches.
    if !line.as_bytes().contains(&b'<') {
        return Cow::Borrowed(line);
    }
    let mut out = String::with_capacity(line.len() / 2);
    let mut rest = line;
    // One forward pass over the tags: each is a pair's start (the translated span, or a bare lookup span, seen
    // on some pages, which carries English too) or ordinary markup to keep. Tags are found by their `<`, a
    // byte search; a substring search would set up its searcher anew at every tag.
    let mut searched = 0;
    while let Some(found) = rest[searched..].find('<') {
        let start = searched + found;
        let tail = &rest[start..];
        if !tail.starts_with(TTU) && !tail.starts_with(LOOKUP) {
            searched = start + 1;
            continue;
        }
        let Some(lookup_at) = find_tag(tail, LOOKUP).map(|i| i + start) else { break };
        let after_lookup = &rest[lookup_at + LOOKUP.len()..];
        let Some(gt) = after_lookup.find('>') else { break };
        let english_start = lookup_at + LOOKUP.len() + gt + 1;
        let Some(close) = find_tag(&rest[english_start..], CLOSE) else { break };
        out.push_str(&rest[..start]);
        out.push_str(&rest[english_start..english_start + close]);
        rest = &rest[english_start + close + CLOSE.len()..];
        searched = 0;
    }
    if rest.len() == line.len() {
        return Cow::Borrowed(line);
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// Where `tag` (which starts with `<`) first occurs in `text`, found by its `<`: a byte search per tag, where
/// `str::find` would set up a substring searcher on every call, once per bilingual pair.
fn find_tag(text: &str, tag: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(at) = text[from..].find('<') {
        let at = from + at;
        if text[at..].starts_with(tag) {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// A markdown ATX heading: its level, the `<a name>` anchor if it has one, and its text without markup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    pub level: usize,
    pub anchor: Option<String>,
    pub text: String,
}

/// Parses `## <a name="http-request"></a>HTTP request` and `## HTTP request {#http-request}`-free forms.
pub fn heading(line: &str) -> Option<Heading> {
    let trimmed = line.trim_start();
    // More than three spaces of indentation makes a code block, not a heading.
    if line.len() - trimmed.len() > 3 {
        return None;
    }
    let level = trimmed.bytes().take_while(|&b| b == b'#').count();
    if level == 0 || level > 6 {
        return None;
    }
    let rest = &trimmed[level..];
    if !(rest.is_empty() || rest.starts_with(' ') || rest.starts_with('\t')) {
        return None;
    }
    let mut text = rest.trim();
    // Closing hashes are decoration.
    let without_closing = text.trim_end_matches('#');
    if without_closing.len() != text.len() && (without_closing.is_empty() || without_closing.ends_with(' ')) {
        text = without_closing.trim_end();
    }
    let mut anchor = None;
    let mut plain = String::new();
    let mut rest = text;
    while let Some(open) = rest.find("<a ") {
        plain.push_str(&rest[..open]);
        let tag = &rest[open..];
        let Some(end) = tag.find('>') else { break };
        let attrs = &tag[..end];
        if anchor.is_none() {
            anchor = attribute(attrs, "name").or_else(|| attribute(attrs, "id"));
        }
        let after = &tag[end + 1..];
        rest = after.strip_prefix("</a>").unwrap_or(after);
    }
    plain.push_str(rest);
    Some(Heading { level, anchor, text: inline_text(plain.trim()) })
}

fn attribute(tag: &str, name: &str) -> Option<String> {
    let key = format!("{name}=");
    let at = tag.find(&key)? + key.len();
    let value = &tag[at..];
    let quote = value.chars().next()?;
    if quote == '"' || quote == '\'' {
        let end = value[1..].find(quote)?;
        Some(value[1..1 + end].to_string())
    } else {
        Some(value.split(|c: char| c.is_whitespace() || c == '>').next()?.to_string())
    }
}

/// The next place a needle occurs at or after a position, remembered between calls so a scan that asks
/// again and again (one `[` after another) stays linear.
struct NextFind<'a> {
    text: &'a str,
    needle: &'static str,
    found: Option<Option<usize>>,
}

impl<'a> NextFind<'a> {
    fn new(text: &'a str, needle: &'static str) -> Self {
        NextFind { text, needle, found: None }
    }

    fn at_or_after(&mut self, from: usize) -> Option<usize> {
        match self.found {
            Some(Some(p)) if p >= from => return Some(p),
            Some(None) => return None,
            _ => {}
        }
        let found = self.text.get(from..).and_then(|t| t.find(self.needle)).map(|p| p + from);
        self.found = Some(found);
        found
    }
}

/// HTML entities the pages use, decoded so `Bearer &lt;token&gt;` reads as `Bearer <token>`.
const ENTITIES: &[(&str, char)] =
    &[("&lt;", '<'), ("&gt;", '>'), ("&amp;", '&'), ("&nbsp;", ' '), ("&quot;", '"'), ("&#39;", '\'')];

/// Strips inline markdown that carries no meaning for the reader: emphasis, code ticks, links (keeping
/// their text), HTML tags. Decodes common entities and collapses runs of whitespace.
pub fn inline_text(text: &str) -> String {
    // Most cells and many lines are plain: printable ASCII without markup characters and without runs of
    // spaces, which the rules below would only trim.
    let mut previous_space = false;
    let plain = text.bytes().all(|b| {
        let ok = (0x20..0x7f).contains(&b)
            && !matches!(b, b'*' | b'`' | b'_' | b'<' | b'[' | b'&')
            && !(b == b' ' && previous_space);
        previous_space = b == b' ';
        ok
    });
    if plain {
        return text.trim().to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut next_gt = NextFind::new(text, ">");
    let mut next_link = NextFind::new(text, "](");
    let mut next_paren = NextFind::new(text, ")");
    let mut i = 0;
    while let Some(c) = text[i..].chars().next() {
        // A run of ASCII that none of the rules below touch goes in at once.
        let run = text.as_bytes()[i..].iter().position(|&b| !is_untouched(b)).unwrap_or(text.len() - i);
        if run > 0 {
            out.push_str(&text[i..i + run]);
            i += run;
            continue;
        }
        let width = c.len_utf8();
        match c {
            '*' | '`' => {}
            '_' if is_emphasis_underscore(text, i) => {}
            '<' => {
                // Drop an HTML tag; a lone `<` (as in `<name>` placeholders inside prose) stays when no
                // tag-like text follows.
                match next_gt.at_or_after(i).filter(|_| is_html_tag(&text[i + 1..])) {
                    Some(end) => {
                        i = end + 1;
                        continue;
                    }
                    None => out.push(c),
                }
            }
            '[' => {
                // `[text](target)` keeps `text`.
                let close = next_link.at_or_after(i);
                let end = close.and_then(|close| next_paren.at_or_after(close));
                if let (Some(close), Some(end)) = (close, end) {
                    out.push_str(&inline_text(&text[i + 1..close]));
                    i = end + 1;
                    continue;
                }
                out.push(c);
            }
            '&' => match ENTITIES.iter().find(|(name, _)| text[i..].starts_with(name)) {
                Some((name, decoded)) => {
                    if decoded.is_whitespace() {
                        if !out.ends_with(' ') && !out.is_empty() {
                            out.push(' ');
                        }
                    } else {
                        out.push(*decoded);
                    }
                    i += name.len();
                    continue;
                }
                None => out.push(c),
            },
            c if c.is_whitespace() => {
                if !out.ends_with(' ') && !out.is_empty() {
                    out.push(' ');
                }
            }
            c => out.push(c),
        }
        i += width;
    }
    let trimmed_len = out.trim_end().len();
    out.truncate(trimmed_len);
    out
}

/// An ASCII byte that [`inline_text`] copies as it is: no markup character, no whitespace.
fn is_untouched(b: u8) -> bool {
    b.is_ascii() && !char::from(b).is_whitespace() && !matches!(b, b'*' | b'`' | b'_' | b'<' | b'[' | b'&')
}

/// True when the text after `<` opens or closes an HTML tag; `<name>` and `<id>` are placeholders in Graph's
/// prose and stay.
fn is_html_tag(after_lt: &str) -> bool {
    const TAGS: &[&str] = &[
        "a",
        "abbr",
        "b",
        "big",
        "blockquote",
        "br",
        "center",
        "code",
        "col",
        "dd",
        "del",
        "details",
        "div",
        "dl",
        "dt",
        "em",
        "font",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "i",
        "img",
        "ins",
        "kbd",
        "li",
        "mark",
        "ol",
        "p",
        "pre",
        "q",
        "s",
        "samp",
        "small",
        "span",
        "strike",
        "strong",
        "sub",
        "summary",
        "sup",
        "table",
        "tbody",
        "td",
        "th",
        "thead",
        "tr",
        "tt",
        "u",
        "ul",
        "var",
        "wbr",
    ];
    if after_lt.starts_with('!') {
        return true;
    }
    let name: String = after_lt
        .trim_start_matches('/')
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    let next = after_lt.trim_start_matches('/')[name.len()..].chars().next();
    TAGS.contains(&name.as_str()) && matches!(next, Some('>' | ' ' | '/' | '\t'))
}

/// An underscore is emphasis only at a word boundary; inside identifiers such as `message_send` it stays.
fn is_emphasis_underscore(text: &str, at: usize) -> bool {
    let before = text[..at].chars().next_back();
    let after = text[at + 1..].chars().next();
    let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric());
    !(word(before) && word(after))
}

/// Splits a markdown table row into trimmed cells; `None` for a line that is not a row.
pub fn table_row(line: &str) -> Option<Vec<String>> {
    let t = line.trim();
    if !t.contains('|') || t.starts_with("```") {
        return None;
    }
    let t = t.strip_prefix('|').unwrap_or(t);
    let t = t.strip_suffix('|').unwrap_or(t);
    Some(t.split('|').map(|cell| inline_text(cell.trim())).collect())
}

/// True for the `|:---|---:|` line under a table header.
pub fn is_table_separator(cells: &[String]) -> bool {
    !cells.is_empty()
        && cells.iter().all(|c| !c.is_empty() && c.chars().all(|ch| matches!(ch, '-' | ':' | ' ')))
}

/// Normalises a section title for matching: lowercase ASCII letters and digits, single spaces.
pub fn key(text: &str) -> String {
    // Most keys are ASCII: lowercased at once, then squeezed in place (what is written never passes what
    // is read), the same rule.
    if text.is_ascii() {
        let mut bytes = text.to_ascii_lowercase().into_bytes();
        let mut written = 0;
        for read in 0..bytes.len() {
            let b = bytes[read];
            if b.is_ascii_alphanumeric() {
                bytes[written] = b;
                written += 1;
            } else if written > 0 && bytes[written - 1] != b' ' {
                bytes[written] = b' ';
                written += 1;
            }
        }
        if written > 0 && bytes[written - 1] == b' ' {
            written -= 1;
        }
        bytes.truncate(written);
        return String::from_utf8(bytes).unwrap_or_default();
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with(' ') && !out.is_empty() {
            out.push(' ');
        }
    }
    let len = out.trim_end().len();
    out.truncate(len);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bilingual_pairs_become_english() {
        let line = r#"# <a name="message-send"></a><span data-ttu-id="13cfa-101">message: senden</span><span class="sxs-lookup"><span data-stu-id="13cfa-101">message: send</span></span>"#;
        assert_eq!(english(line), r#"# <a name="message-send"></a>message: send"#);
        let two = r#"<span data-ttu-id="a">Eins</span><span class="sxs-lookup"><span data-stu-id="a">One</span></span> and <span data-ttu-id="b">Zwei</span><span class="sxs-lookup"><span data-stu-id="b">Two</span></span>"#;
        assert_eq!(english(two), "One and Two");
    }

    #[test]
    fn broken_bilingual_markup_is_left_alone() {
        let cut = r#"<span data-ttu-id="a">Eins</span><span class="sxs-lookup"><span data-stu-id="a">One"#;
        assert_eq!(english(cut), cut);
    }

    #[test]
    fn headings_with_anchors() {
        let h = heading(r#"## <a name="http-request"></a>HTTP request"#).expect("heading");
        assert_eq!(
            (h.level, h.anchor.as_deref(), h.text.as_str()),
            (2, Some("http-request"), "HTTP request")
        );
        assert_eq!(heading("#hashtag"), None);
        assert_eq!(heading("    # code"), None);
        assert_eq!(heading("### Response ###").map(|h| h.text), Some("Response".into()));
    }

    #[test]
    fn inline_markup_is_stripped() {
        assert_eq!(inline_text("One of **scopes**: *Mail.Send*"), "One of scopes: Mail.Send");
        assert_eq!(inline_text("see [Permissions](/graph/permissions) now"), "see Permissions now");
        assert_eq!(inline_text("name `message_send`"), "name message_send");
        assert_eq!(inline_text("charts(<name>)"), "charts(<name>)");
        assert_eq!(inline_text("Bearer &lt;token&gt;. Required."), "Bearer <token>. Required.");
        assert_eq!(inline_text("&nbsp;&nbsp; Auditing"), "Auditing");
        // Runs of unmatched brackets stay linear and keep their text.
        let brackets = "[<".repeat(100_000);
        assert_eq!(inline_text(&brackets).len(), brackets.len());
    }

    #[test]
    fn table_rows() {
        let row = table_row("| Authorization  | string  | Bearer {token}. Required. |").expect("row");
        assert_eq!(row, vec!["Authorization", "string", "Bearer {token}. Required."]);
        assert!(is_table_separator(&table_row("|:-----|:---|").expect("row")));
    }
}
