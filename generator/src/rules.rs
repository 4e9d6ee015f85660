//! The rules of Graph's paths that both the spec builder (xtask) and the generator apply, each written once
//! here, in the lower crate: a collection's singular, the verb an HTTP method gets on a collection or an
//! item, and where a path template's `{…}` placeholders are. xtask reaches them through `xtask::paths`.

/// English singular of a collection segment: `messages` → `message`, `categories` → `category`,
/// `mailboxes` → `mailbox`, `buzzes` → `buzz`; a word that is not a plural stays as it is (`status`,
/// `address`, `me`).
pub fn singular(word: &str) -> String {
    let lower = word.to_ascii_lowercase();
    if lower.ends_with("ies") && word.len() > 3 {
        format!("{}y", &word[..word.len() - 3])
    } else if ["sses", "ches", "shes", "xes", "zzes"].iter().any(|s| lower.ends_with(s)) {
        word[..word.len() - 2].to_string()
    } else if lower.ends_with('s') && !lower.ends_with("ss") && !lower.ends_with("us") && word.len() > 1 {
        word[..word.len() - 1].to_string()
    } else {
        word.to_string()
    }
}

/// Whether a literal segment names a collection: its singular is another word (`messages`, not `outlook`).
pub fn is_plural(word: &str) -> bool {
    singular(word) != word
}

/// The verb of an operation on a collection or on one object, as Graph's SDKs and operationIds use them:
/// GET is `list` on a collection and `get` elsewhere, POST `create` on a collection and `post` elsewhere,
/// PATCH `update`, PUT `set`, DELETE `delete`; HEAD, OPTIONS and TRACE keep their own names. The method is
/// matched without regard to case; anything but OpenAPI's eight methods has no verb.
pub fn verb(method: &str, on_collection: bool) -> Option<&'static str> {
    let verb = match (method.to_ascii_lowercase().as_str(), on_collection) {
        ("get", true) => "list",
        ("get", false) => "get",
        ("post", true) => "create",
        ("post", false) => "post",
        ("patch", _) => "update",
        ("put", _) => "set",
        ("delete", _) => "delete",
        ("head", _) => "head",
        ("options", _) => "options",
        ("trace", _) => "trace",
        _ => return None,
    };
    Some(verb)
}

/// The name inside a segment that is one placeholder and nothing else (`{message-id}` → `message-id`).
pub fn whole_placeholder(segment: &str) -> Option<&str> {
    let inner = segment.strip_prefix('{')?.strip_suffix('}')?;
    (!inner.contains(['{', '}'])).then_some(inner)
}

/// A template split at its placeholders: `texts` has one more element than `params`, and they alternate
/// text, placeholder, text (`getSchedule(period='{period}')` → texts `getSchedule(period='` and `')`,
/// params `period`).
/// A placeholder's text is as written, which may be empty; callers decide what a name may hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placeholders<'a> {
    pub texts: Vec<&'a str>,
    pub params: Vec<&'a str>,
}

/// A `{` that no `}` closes; its byte offset in the template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unclosed(pub usize);

/// Splits a template (a segment or a whole path) at each `{…}`: a placeholder runs from a `{` to the next `}`.
pub fn placeholders(template: &str) -> Result<Placeholders<'_>, Unclosed> {
    let mut texts = Vec::new();
    let mut params = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            return Err(Unclosed(template.len() - rest.len() + open));
        };
        texts.push(&rest[..open]);
        params.push(&rest[open + 1..open + close]);
        rest = &rest[open + close + 1..];
    }
    texts.push(rest);
    Ok(Placeholders { texts, params })
}

/// The name a segment with arguments goes by: its text up to the first `(`, `{`, `:`, `=` or quote
/// (`getSchedule(period='{period}')` → `getSchedule`, `root:` → `root`).
pub fn segment_stem(segment: &str) -> &str {
    segment.split(['(', '{', ':', '=', '\'']).next().unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn singulars() {
        for (plural, one) in [
            ("messages", "message"),
            ("categories", "category"),
            ("mailboxes", "mailbox"),
            ("branches", "branch"),
            ("buzzes", "buzz"),
            ("addresses", "address"),
            ("status", "status"),
            ("address", "address"),
            ("me", "me"),
            ("s", "s"),
        ] {
            assert_eq!(singular(plural), one, "{plural}");
        }
        assert!(is_plural("mailFolders") && !is_plural("outlook"));
    }

    #[test]
    fn verbs_by_method_and_place() {
        assert_eq!(verb("GET", true), Some("list"));
        assert_eq!(verb("get", false), Some("get"));
        assert_eq!(verb("post", true), Some("create"));
        assert_eq!(verb("POST", false), Some("post"));
        assert_eq!(verb("patch", true), Some("update"));
        assert_eq!(verb("put", false), Some("set"));
        assert_eq!(verb("delete", false), Some("delete"));
        assert_eq!(verb("HEAD", false), Some("head"));
        assert_eq!(verb("COPY", false), None);
    }

    #[test]
    fn placeholders_split_a_template() {
        let p = placeholders("getSchedule(period='{period}',n={n})").expect("closed");
        assert_eq!(p.texts, ["getSchedule(period='", "',n=", ")"]);
        assert_eq!(p.params, ["period", "n"]);
        assert_eq!(placeholders("/me/messages/{message-id}").expect("closed").params, ["message-id"]);
        assert_eq!(placeholders("plain").expect("closed").texts, ["plain"]);
        assert_eq!(placeholders("a{b}c{d"), Err(Unclosed(5)));
        assert_eq!(whole_placeholder("{user-id}"), Some("user-id"));
        assert_eq!(whole_placeholder("{a}{b}"), None);
        assert_eq!(segment_stem("root:"), "root");
    }
}
