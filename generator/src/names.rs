//! Rust identifiers from spec text, and spec text made safe for doc comments.
//!
//! Names from a spec are untrusted: `fn`, `a.b-c`, `9x` or `Nachricht senden` must still give identifiers
//! that compile, and nothing from the spec may ever become code. Identifiers are built from ASCII letters and
//! digits only; everything else from the spec reaches the output as a string literal or a doc attribute.

/// Rust's strict and reserved keywords of every edition: they cannot be identifiers (nor crate names).
pub(crate) const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate", "do", "dyn",
    "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let", "loop",
    "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref", "return", "self", "static",
    "struct", "super", "trait", "true", "try", "type", "typeof", "union", "unsafe", "unsized", "use",
    "virtual", "where", "while", "yield",
];

/// Method and field names the emitted code relies on, which a spec name must not shadow.
const RESERVED: &[&str] = &["client", "path", "into_future", "clone", "fmt", "new"];

/// Type names the emitted code or the runtime already uses: the runtime's imports, and the prelude names the
/// emitted code writes unqualified (a resource type called `Into` would shadow the trait in `impl Into<String>`).
pub(crate) const RESERVED_TYPES: &[&str] = &[
    "Self",
    "Client",
    "Error",
    "Operation",
    "ResourcePath",
    "BoxFuture",
    "Result",
    "Option",
    "Some",
    "None",
    "Ok",
    "Err",
    "String",
    "Vec",
    "Box",
    "Into",
];

/// The methods the runtime's `Client` has, public or not, in any of its `impl Client` blocks (inherent
/// methods share one namespace): the accessors emitted on `Client` must not reuse them, and take a trailing
/// `_` instead. `generator/tests/runtime_names.rs` reads the runtime's source and fails when this list and
/// the runtime disagree; the generator itself never reads the runtime.
pub const CLIENT_METHODS: &[&str] = &[
    "base_url",
    "builder",
    "call_bytes",
    "call_json",
    "call_unit",
    "execute",
    "items",
    "page_limit",
    "request",
    "url",
];

/// Splits text into lowercase ASCII words at non-alphanumerics and camelCase humps:
/// `userPrincipalName` → [user, principal, name]; `a.b-c` → [a, b, c]; `HTMLBody` → [html, body].
pub fn words(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut current = String::new();
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_ascii_alphanumeric() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            continue;
        }
        let prev = i.checked_sub(1).map(|j| chars[j]);
        let next = chars.get(i + 1).copied();
        let boundary = c.is_ascii_uppercase()
            && !current.is_empty()
            && (prev.is_some_and(|p| p.is_ascii_lowercase() || p.is_ascii_digit())
                || (prev.is_some_and(|p| p.is_ascii_uppercase())
                    && next.is_some_and(|n| n.is_ascii_lowercase())));
        if boundary {
            out.push(std::mem::take(&mut current));
        }
        current.push(c.to_ascii_lowercase());
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// A snake_case identifier for a method, field or argument.
pub fn snake(text: &str) -> String {
    let mut s = words(text).join("_");
    if s.is_empty() {
        s = "unnamed".into();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert_str(0, "n_");
    }
    if KEYWORDS.contains(&s.as_str()) || RESERVED.contains(&s.as_str()) {
        s.push('_');
    }
    s
}

/// A PascalCase identifier for a type.
pub fn pascal(text: &str) -> String {
    let mut s = camel(text);
    if RESERVED_TYPES.contains(&s.as_str()) {
        s.push_str("Resource");
    }
    s
}

/// PascalCase words for a part of a type name (`send` in `MessageSend`): like [`pascal`], but a part may be a
/// word that would be reserved on its own.
pub fn camel(text: &str) -> String {
    let mut s: String = words(text)
        .iter()
        .map(|w| {
            let mut cs = w.chars();
            match cs.next() {
                Some(f) => f.to_ascii_uppercase().to_string() + cs.as_str(),
                None => String::new(),
            }
        })
        .collect();
    if s.is_empty() {
        s = "Unnamed".into();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, 'T');
    }
    s
}

/// Spec prose as markdown that renders as the same text: every character markdown or rustdoc would read as
/// syntax is escaped, so a description can neither break the docs nor trip rustdoc's lints. The one markup
/// kept is an inline code span (`` `date` ``, one backtick each side, on one line), which OpenAPI's
/// CommonMark descriptions use for names; its text is shown as it is and never run.
///
/// Lines keep their breaks but lose their indentation, because markdown reads a line indented by four spaces
/// as a code block and rustdoc would compile and run it as a doctest. Control characters become spaces (a
/// bare CR is an error in a doc comment), and bidirectional overrides become U+FFFD, because rustc denies
/// them in comments (`text_direction_codepoint_in_comment`) and they can make text read unlike the code.
pub fn doc_text(text: &str) -> String {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut out = String::with_capacity(text.len());
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let chars: Vec<char> =
            line.trim_matches(|c: char| c.is_whitespace() || c.is_control()).chars().collect();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if let Some(len) = code_span(&chars[i..]).filter(|_| i == 0 || chars[i - 1] != '`') {
                chars[i..i + len].iter().for_each(|&c| out.push(plain(c)));
                i += len;
                continue;
            }
            match c {
                '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '{' | '}' | '!' | '~' | '&' => {
                    out.push('\\');
                    out.push(c);
                }
                c => out.push(plain(c)),
            }
            i += 1;
        }
    }
    out
}

/// The length of the code span `` `…` `` that `chars` starts with: one backtick, at least one character that
/// is not one, one backtick, and no backtick after it (longer runs open other constructs, fences among them).
fn code_span(chars: &[char]) -> Option<usize> {
    if chars.first() != Some(&'`') {
        return None;
    }
    let close = chars[1..].iter().position(|&c| c == '`')? + 1;
    (close > 1 && chars.get(close + 1) != Some(&'`')).then_some(close + 1)
}

/// A character as it may stand in a doc comment: control characters as spaces, bidirectional overrides as
/// U+FFFD.
fn plain(c: char) -> char {
    if is_bidi_control(c) {
        '\u{FFFD}'
    } else if c.is_control() {
        ' '
    } else {
        c
    }
}

/// The characters rustc's `text_direction_codepoint_in_comment` and `…_in_literal` lints deny, plus the
/// implicit marks that reorder text just the same.
pub(crate) fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// A URL for a doc link, or `None` when the text is not a plain https URL (then it is shown as text only).
pub fn doc_url(url: &str) -> Option<&str> {
    let ok = url.starts_with("https://")
        && url.len() < 2048
        && url.chars().all(|c| c.is_ascii_alphanumeric() || "-._~:/?#@!$&'()*+,;=%".contains(c));
    ok.then_some(url)
}

/// The name typify gives a `components/schemas` entry (its `sanitize(name, Pascal)`); checked against the
/// generated names by the caller, so a change in typify's naming fails loudly instead of emitting bad code.
pub(crate) fn typify_name(schema_name: &str) -> String {
    let replaced: String = schema_name
        .replace('\'', "")
        .chars()
        .map(|c| if c.is_alphanumeric() || c == '_' { c } else { '-' })
        .collect();
    let out = heck::ToPascalCase::to_pascal_case(replaced.as_str());
    match out.chars().next() {
        None => "X".into(),
        Some(c) if c.is_alphabetic() || c == '_' => out,
        Some(_) => format!("X{out}"),
    }
}

/// The type name a path key gives its resource: from its parameter name (`message-id` → `Message`).
pub fn param_type_name(param: &str) -> String {
    let base = param
        .strip_suffix("-id")
        .or_else(|| param.strip_suffix("_id"))
        .or_else(|| param.strip_suffix("Id"))
        .unwrap_or(param);
    let base = base.trim_end_matches(|c: char| c.is_ascii_digit());
    // A part of a name (`MessageRequest`, `MessageMoveBody`), so a word reserved on its own is fine here.
    camel(if base.is_empty() { param } else { base })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_from_hostile_names() {
        assert_eq!(snake("fn"), "fn_");
        assert_eq!(snake("a.b-c"), "a_b_c");
        assert_eq!(snake("9x"), "n_9x");
        assert_eq!(snake("userPrincipalName"), "user_principal_name");
        assert_eq!(snake("Nachricht senden"), "nachricht_senden");
        assert_eq!(snake("Größe"), "gr_e");
        assert_eq!(snake("\"]*/#[}"), "unnamed");
        assert_eq!(pascal("message-id"), "MessageId");
        assert_eq!(pascal("9x"), "T9x");
        assert_eq!(pascal("client"), "ClientResource");
        assert_eq!(pascal("HTMLBody"), "HtmlBody");
    }

    #[test]
    fn doc_text_escapes_markup() {
        assert_eq!(
            doc_text("a [b](c) <d> `e` `<f>` ``g`` ` `h"),
            "a \\[b\\](c) \\<d\\> `e` `<f>` \\`\\`g\\`\\` ` `h"
        );
        assert_eq!(
            doc_url("https://learn.microsoft.com/graph/api/message-send?view=graph-rest-1.0"),
            Some("https://learn.microsoft.com/graph/api/message-send?view=graph-rest-1.0")
        );
        assert_eq!(doc_url("javascript:alert(1)"), None);
        assert_eq!(doc_text("a\n    fn f() {}\r\n\t```"), "a\nfn f() \\{\\}\n\\`\\`\\`");
        assert_eq!(doc_text("x\u{202E}y\rz\0"), "x\u{FFFD}y\nz");
        assert_eq!(doc_url("https://x/\"]"), None);
    }
}
