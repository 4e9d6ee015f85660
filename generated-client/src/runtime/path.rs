//! Resource paths: the segments after the base URL, and how a user-supplied id becomes exactly one
//! percent-encoded segment.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use crate::runtime::error::Error;

/// Everything but RFC 3986 unreserved characters (`A-Z a-z 0-9 - . _ ~`) is encoded, so an id can
/// never add a segment (`/`), start a query (`?`) or fragment (`#`), or be read as an escape (`%`).
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// Query values are encoded like segments; only the fixed, generator-supplied keys keep `$` as-is,
/// because Graph's OData options (`$top`, `$filter`) are written that way in its docs.
const QUERY_KEY: &AsciiSet = &SEGMENT.remove(b'$');

/// Characters a literal segment from the spec keeps (RFC 3986 `pchar`: unreserved, sub-delims, `:`, `@`);
/// anything else a spec writes (`/`, `?`, `#`, spaces) is encoded, so even a hostile spec cannot make a
/// literal leave its segment.
const PCHAR: &AsciiSet = &SEGMENT
    .remove(b'!')
    .remove(b'$')
    .remove(b'&')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b'*')
    .remove(b'+')
    .remove(b',')
    .remove(b';')
    .remove(b'=')
    .remove(b':')
    .remove(b'@');

#[derive(Debug, Clone)]
enum Segment {
    Literal(&'static str),
    Param {
        name: &'static str,
        value: String,
    },
    /// A function segment with arguments (`getSchedule(period='{period}')`): `texts` surround `values`.
    Template {
        texts: &'static [&'static str],
        values: Vec<String>,
    },
}

/// The path of a resource below the client's base URL, built by the generated code one segment at a
/// time.
///
/// Parameter values are checked only when a request is made ([`ResourcePath::encode`]), so that the
/// fluent API can stay infallible until `.await`.
#[derive(Clone, Default)]
pub(crate) struct ResourcePath {
    segments: Vec<Segment>,
}

/// The template, never a value: an id can be a mail address, and apps log what they hold.
impl std::fmt::Debug for ResourcePath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&self.shown(), f)
    }
}

#[allow(dead_code)]
impl ResourcePath {
    /// The base URL itself.
    pub(crate) fn root() -> Self {
        Self::default()
    }

    /// Appends a fixed segment from the spec, which is emitted as-is.
    pub(crate) fn literal(mut self, segment: &'static str) -> Self {
        self.segments.push(Segment::Literal(segment));
        self
    }

    /// Appends one user-supplied segment, named after the spec's path parameter (`message-id`).
    pub(crate) fn param(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.segments.push(Segment::Param { name, value: value.into() });
        self
    }

    /// Appends one segment made of fixed text around user-supplied values: `texts` has one more element than
    /// `values` (text, value, text, …). A value inside single quotes is an OData string literal, so its
    /// quotes are doubled before encoding; every value is percent-encoded like a key, so it cannot end the
    /// segment or the function call.
    pub(crate) fn template(mut self, texts: &'static [&'static str], values: Vec<String>) -> Self {
        self.segments.push(Segment::Template { texts, values });
        self
    }

    /// The path as tracing shows it: literals as they are, parameters by their spec name
    /// (`/me/messages/{message-id}/send`), function arguments as `{}`; never a value.
    pub(crate) fn shown(&self) -> String {
        let mut out = String::new();
        for segment in &self.segments {
            out.push('/');
            match segment {
                Segment::Literal(text) => out.push_str(text),
                Segment::Param { name, .. } => {
                    out.push('{');
                    out.push_str(name);
                    out.push('}');
                }
                Segment::Template { texts, .. } => out.push_str(&texts.join("{}")),
            }
        }
        out
    }

    /// Returns the encoded path, each segment preceded by `/`, or the first invalid parameter.
    ///
    /// `""`, `.` and `..` are refused: an empty segment would silently address the collection
    /// instead of the item, and dot segments are removed by URL normalisation, which would send the
    /// request to a different resource (`/me/messages/../send`).
    pub(crate) fn encode(&self) -> Result<String, Error> {
        self.encode_after("")
    }

    /// [`ResourcePath::encode`] after `prefix` (the base URL's path), in one allocation.
    pub(crate) fn encode_after(&self, prefix: &str) -> Result<String, Error> {
        let mut out =
            String::with_capacity(prefix.len() + self.segments.iter().map(Segment::len).sum::<usize>() + 8);
        out.push_str(prefix);
        for segment in &self.segments {
            out.push('/');
            match segment {
                Segment::Literal(text) if text.bytes().all(is_unreserved) => out.push_str(text),
                Segment::Literal(text) => out.extend(utf8_percent_encode(text, PCHAR)),
                Segment::Template { texts, values } => {
                    if texts.len() != values.len() + 1 {
                        let reason = "has a different number of texts and values (a generator bug)";
                        return Err(Error::invalid("template", reason));
                    }
                    for (i, text) in texts.iter().enumerate() {
                        out.extend(utf8_percent_encode(text, PCHAR));
                        if let Some(value) = values.get(i) {
                            let quoted = text.ends_with('\'');
                            let value = if quoted { value.replace('\'', "''") } else { value.clone() };
                            out.extend(utf8_percent_encode(&value, SEGMENT));
                        }
                    }
                }
                Segment::Param { name, value } => {
                    let reason = match value.as_str() {
                        "" => Some("must not be empty"),
                        "." | ".." => Some("must not be `.` or `..`"),
                        _ => None,
                    };
                    if let Some(reason) = reason {
                        return Err(Error::invalid(name, reason));
                    }
                    if value.bytes().all(is_unreserved) {
                        out.push_str(value);
                    } else {
                        out.extend(utf8_percent_encode(value, SEGMENT));
                    }
                }
            }
        }
        Ok(out)
    }
}

/// RFC 3986's unreserved characters, which every encoding here keeps as they are: a segment made only
/// of them is copied whole.
fn is_unreserved(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~')
}

impl Segment {
    /// The segment's length before encoding, to size the path once.
    fn len(&self) -> usize {
        match self {
            Segment::Literal(text) => text.len(),
            Segment::Param { value, .. } => value.len(),
            Segment::Template { texts, values } => {
                texts.iter().map(|t| t.len()).sum::<usize>() + values.iter().map(String::len).sum::<usize>()
            }
        }
    }
}

/// Encodes `key=value` pairs as a query string without the leading `?`.
pub(crate) fn encode_query<K: AsRef<str>>(pairs: &[(K, String)]) -> String {
    let mut out = String::new();
    for (key, value) in pairs {
        if !out.is_empty() {
            out.push('&');
        }
        out.extend(utf8_percent_encode(key.as_ref(), QUERY_KEY));
        out.push('=');
        out.extend(utf8_percent_encode(value, SEGMENT));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encoded(value: &str) -> String {
        match ResourcePath::root().literal("me").param("message-id", value).encode() {
            Ok(path) => path,
            Err(e) => panic!("{value:?} was refused: {e}"),
        }
    }

    #[test]
    fn unreserved_characters_stay_and_everything_else_is_encoded() {
        assert_eq!(encoded("aZ09-._~"), "/me/aZ09-._~");
        assert_eq!(encoded("a/../b"), "/me/a%2F..%2Fb");
        assert_eq!(encoded("x?y#z%w\\v w"), "/me/x%3Fy%23z%25w%5Cv%20w");
        assert_eq!(encoded("AAMk+/=="), "/me/AAMk%2B%2F%3D%3D");
        assert_eq!(encoded("ü"), "/me/%C3%BC");
    }

    #[test]
    fn function_segments_keep_their_syntax_and_encode_their_arguments() {
        let path = ResourcePath::root()
            .literal("reports")
            .template(&["getMailboxUsage(period='", "')"], vec!["D7".into()])
            .encode()
            .expect("encodes");
        assert_eq!(path, "/reports/getMailboxUsage(period='D7')");
        // A quote in the value is doubled (OData) and encoded: it cannot close the literal.
        let path = ResourcePath::root()
            .template(&["f(x='", "')"], vec!["a')/../b?".into()])
            .encode()
            .expect("encodes");
        assert_eq!(path, "/f(x='a%27%27%29%2F..%2Fb%3F')");
        // Literal text from a spec cannot leave its segment either.
        assert_eq!(ResourcePath::root().literal("a/b?c").encode().expect("encodes"), "/a%2Fb%3Fc");
        assert_eq!(ResourcePath::root().literal("root:").encode().expect("encodes"), "/root:");
    }

    #[test]
    fn empty_and_dot_values_are_refused_by_name() {
        for value in ["", ".", ".."] {
            let err = ResourcePath::root().param("user-id", value).encode().err().map(|e| e.to_string());
            let text = err.unwrap_or_default();
            assert!(text.contains("`user-id`"), "{value:?}: {text}");
        }
        assert_eq!(encoded("..."), "/me/...");
    }

    #[test]
    fn query_keys_keep_the_odata_dollar() {
        let q = encode_query(&[("$top", "5".into()), ("$filter", "a eq 'b&c'".into())]);
        assert_eq!(q, "$top=5&$filter=a%20eq%20%27b%26c%27");
    }
}
