//! Rust identifiers from spec text, and spec text made safe for doc comments.
//!
//! Names from a spec are untrusted: `fn`, `a.b-c`, `9x` or `Nachricht senden` must still give identifiers
//! that compile, and nothing from the spec may ever become code. Identifiers are built from ASCII letters and
//! digits only; everything else from the spec reaches the output as a string literal or a doc attribute.

/// Words that cannot be identifiers (strict and reserved keywords of every edition, plus names that would
/// shadow what the emitted code relies on).
const RESERVED: &[&str] = &[
    "abstract",
    "as",
    "async",
    "await",
    "become",
    "box",
    "break",
    "const",
    "continue",
    "crate",
    "do",
    "dyn",
    "else",
    "enum",
    "extern",
    "false",
    "final",
    "fn",
    "for",
    "gen",
    "if",
    "impl",
    "in",
    "let",
    "loop",
    "macro",
    "match",
    "mod",
    "move",
    "mut",
    "override",
    "priv",
    "pub",
    "ref",
    "return",
    "self",
    "static",
    "struct",
    "super",
    "trait",
    "true",
    "try",
    "type",
    "typeof",
    "union",
    "unsafe",
    "unsized",
    "use",
    "virtual",
    "where",
    "while",
    "yield",
    "client",
    "path",
    "into_future",
    "clone",
    "fmt",
    "new",
];

/// Type names the emitted code or the runtime already uses.
const RESERVED_TYPES: &[&str] = &[
    "Self",
    "Client",
    "Error",
    "Operation",
    "ResourcePath",
    "BoxFuture",
    "Result",
    "Option",
    "String",
    "Vec",
    "Box",
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
    if RESERVED.contains(&s.as_str()) {
        s.push('_');
    }
    s
}

/// A PascalCase identifier for a type.
pub fn pascal(text: &str) -> String {
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
    if RESERVED_TYPES.contains(&s.as_str()) {
        s.push_str("Resource");
    }
    s
}

/// Spec prose as markdown that renders as the same text: every character markdown or rustdoc would read as
/// syntax is escaped, so a description can neither break the docs nor trip rustdoc's lints.
pub fn doc_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '{' | '}' | '!' | '~' | '&' => {
                out.push('\\');
                out.push(c);
            }
            '\r' => {}
            c if c.is_control() && c != '\n' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A URL for a doc link, or `None` when the text is not a plain https URL (then it is shown as text only).
pub fn doc_url(url: &str) -> Option<&str> {
    let ok = url.starts_with("https://")
        && url.len() < 2048
        && url.chars().all(|c| c.is_ascii_alphanumeric() || "-._~:/?#@!$&'()*+,;=%".contains(c));
    ok.then_some(url)
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
        assert_eq!(doc_text("a [b](c) <d> `e`"), "a \\[b\\](c) \\<d\\> \\`e\\`");
        assert_eq!(
            doc_url("https://learn.microsoft.com/graph/api/message-send?view=graph-rest-1.0"),
            Some("https://learn.microsoft.com/graph/api/message-send?view=graph-rest-1.0")
        );
        assert_eq!(doc_url("javascript:alert(1)"), None);
        assert_eq!(doc_url("https://x/\"]"), None);
    }
}
