//! One scalar as libyaml writes it for `serde_yaml_ng`: the style `serde_yaml_ng` asks for, what libyaml
//! allows after looking at the text (`yaml_emitter_analyze_scalar`), the style it settles on
//! (`yaml_emitter_select_scalar_style`), and the four writers, for a block document without a line width
//! (`serde_yaml_ng` sets none, so nothing is ever folded).

/// The style asked for; libyaml may fall back to a quoted style.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Asked {
    /// Plain if libyaml allows it (`ScalarStyle::Any` and `Plain` alike: no tag is ever written).
    Plain,
    SingleQuoted,
    Literal,
}

/// The style written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
}

/// What libyaml finds in a scalar's text.
#[derive(Debug, Clone, Copy)]
pub struct Analysis {
    pub multiline: bool,
    block_plain_allowed: bool,
    single_quoted_allowed: bool,
    block_allowed: bool,
}

/// The style `serde_yaml_ng` asks for a string: a block literal for text with a line feed, single quotes
/// for text that would read back as something else (null, a boolean, a number, or digits with a leading
/// zero), else whatever libyaml allows (`Serializer::serialize_str` and `de::visit_untagged_scalar`).
pub fn asked_for_str(v: &str) -> Asked {
    if v.contains('\n') {
        Asked::Literal
    } else if reads_as_other_than_a_string(v) {
        Asked::SingleQuoted
    } else {
        Asked::Plain
    }
}

/// `serde_yaml_ng::de::visit_untagged_scalar` would not call `visit_str` for `v`, or `digits_but_not_number`
/// holds: empty, `~`/`null`, a boolean, an integer (any radix, up to 128 bits), or a finite float.
fn reads_as_other_than_a_string(v: &str) -> bool {
    // Each of those starts with one of these bytes (a float that `f64::from_str` reads from `inf…` or
    // `nan…` is not finite, and so is not taken).
    match v.as_bytes().first() {
        None => return true,
        Some(b'0'..=b'9' | b'+' | b'-' | b'.' | b'~' | b'n' | b'N' | b't' | b'T' | b'f' | b'F') => {}
        Some(_) => return false,
    }
    matches!(v, "null" | "Null" | "NULL" | "~" | "true" | "True" | "TRUE" | "false" | "False" | "FALSE")
        || parse_unsigned_int(v, u128::from_str_radix).is_some()
        || parse_negative_int(v, i128::from_str_radix).is_some()
        || digits_but_not_number(v)
        || parse_f64(v).is_some()
}

// The next four are `serde_yaml_ng::de`'s own (0.10), kept as they are there: the style depends on them.

type FromStrRadix<T> = fn(&str, u32) -> Result<T, std::num::ParseIntError>;

fn parse_unsigned_int<T>(scalar: &str, from_str_radix: FromStrRadix<T>) -> Option<T> {
    let unpositive = scalar.strip_prefix('+').unwrap_or(scalar);
    for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] {
        if let Some(rest) = unpositive.strip_prefix(prefix) {
            if rest.starts_with(['+', '-']) {
                return None;
            }
            if let Ok(int) = from_str_radix(rest, radix) {
                return Some(int);
            }
        }
    }
    if unpositive.starts_with(['+', '-']) || digits_but_not_number(scalar) {
        return None;
    }
    from_str_radix(unpositive, 10).ok()
}

fn parse_negative_int<T>(scalar: &str, from_str_radix: FromStrRadix<T>) -> Option<T> {
    for (prefix, radix) in [("-0x", 16), ("-0o", 8), ("-0b", 2)] {
        if let Some(rest) = scalar.strip_prefix(prefix) {
            if let Ok(int) = from_str_radix(&format!("-{rest}"), radix) {
                return Some(int);
            }
        }
    }
    if digits_but_not_number(scalar) {
        return None;
    }
    from_str_radix(scalar, 10).ok()
}

fn parse_f64(scalar: &str) -> Option<f64> {
    let unpositive = if let Some(unpositive) = scalar.strip_prefix('+') {
        if unpositive.starts_with(['+', '-']) {
            return None;
        }
        unpositive
    } else {
        scalar
    };
    if let ".inf" | ".Inf" | ".INF" = unpositive {
        return Some(f64::INFINITY);
    }
    if let "-.inf" | "-.Inf" | "-.INF" = scalar {
        return Some(f64::NEG_INFINITY);
    }
    if let ".nan" | ".NaN" | ".NAN" = scalar {
        return Some(f64::NAN);
    }
    unpositive.parse::<f64>().ok().filter(|f| f.is_finite())
}

fn digits_but_not_number(scalar: &str) -> bool {
    let scalar = scalar.strip_prefix(['-', '+']).unwrap_or(scalar);
    scalar.len() > 1 && scalar.starts_with('0') && scalar[1..].bytes().all(|b| b.is_ascii_digit())
}

/// libyaml's printable characters (`IS_PRINTABLE`): line feed, ASCII from space to `~`, and from U+A0 on
/// but the byte order mark, U+FFFE and U+FFFF.
fn is_printable(c: char) -> bool {
    matches!(c, '\n' | ' '..='~') || (c >= '\u{A0}' && !matches!(c, '\u{FEFF}' | '\u{FFFE}' | '\u{FFFF}'))
}

/// libyaml's line breaks (`IS_BREAK`).
pub fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// A blank, a break, or the end (`IS_BLANKZ`; the text ends in a NUL there).
fn is_blankz(c: Option<char>) -> bool {
    match c {
        None => true,
        Some(c) => matches!(c, ' ' | '\t' | '\0') || is_break(c),
    }
}

/// `yaml_emitter_analyze_scalar` with `unicode` on.
pub fn analyze(v: &str) -> Analysis {
    if v.is_empty() {
        return Analysis {
            multiline: false,
            block_plain_allowed: true,
            single_quoted_allowed: true,
            block_allowed: false,
        };
    }
    // Most text is plain ASCII prose: one pass over the bytes settles it when nothing in it needs the
    // character-by-character reading below.
    if let Some(analysis) = analyze_simple_ascii(v.as_bytes()) {
        return analysis;
    }
    let mut block_indicators = v.starts_with("---") || v.starts_with("...");
    let mut line_breaks = false;
    let mut special_characters = false;
    let (mut leading_space, mut leading_break, mut trailing_space, mut trailing_break) =
        (false, false, false, false);
    let (mut break_space, mut space_break) = (false, false);
    let (mut previous_space, mut previous_break) = (false, false);
    let mut preceded_by_whitespace = true;
    let mut chars = v.chars().peekable();
    let mut first = true;
    while let Some(c) = chars.next() {
        let next = chars.peek().copied();
        let followed_by_whitespace = is_blankz(next);
        if first {
            if matches!(
                c,
                '#' | ','
                    | '['
                    | ']'
                    | '{'
                    | '}'
                    | '&'
                    | '*'
                    | '!'
                    | '|'
                    | '>'
                    | '\''
                    | '"'
                    | '%'
                    | '@'
                    | '`'
            ) || (c == '-' && followed_by_whitespace)
                || (matches!(c, '?' | ':') && followed_by_whitespace)
            {
                block_indicators = true;
            }
        } else if (c == ':' && followed_by_whitespace) || (c == '#' && preceded_by_whitespace) {
            block_indicators = true;
        }
        if !is_printable(c) {
            special_characters = true;
        }
        let is_break = is_break(c);
        if is_break {
            line_breaks = true;
        }
        if c == ' ' {
            leading_space |= first;
            trailing_space |= next.is_none();
            break_space |= previous_break;
            previous_space = true;
            previous_break = false;
        } else if is_break {
            leading_break |= first;
            trailing_break |= next.is_none();
            space_break |= previous_space;
            previous_space = false;
            previous_break = true;
        } else {
            previous_space = false;
            previous_break = false;
        }
        preceded_by_whitespace = is_blankz(Some(c));
        first = false;
    }
    let mut analysis = Analysis {
        multiline: line_breaks,
        block_plain_allowed: true,
        single_quoted_allowed: true,
        block_allowed: true,
    };
    if leading_space || leading_break || trailing_space || trailing_break || line_breaks || block_indicators {
        analysis.block_plain_allowed = false;
    }
    if trailing_space {
        analysis.block_allowed = false;
    }
    if break_space {
        analysis.block_plain_allowed = false;
        analysis.single_quoted_allowed = false;
    }
    if space_break || special_characters {
        analysis.block_plain_allowed = false;
        analysis.single_quoted_allowed = false;
        analysis.block_allowed = false;
    }
    analysis
}

/// [`analyze`] for printable ASCII on one line with no space at either end, which is most text: then
/// only the block indicators decide whether it may be plain. `None` for anything else.
fn analyze_simple_ascii(v: &[u8]) -> Option<Analysis> {
    let (&first, &last) = (v.first()?, v.last()?);
    if first == b' ' || last == b' ' {
        return None;
    }
    let mut block_indicators = v.starts_with(b"---") || v.starts_with(b"...");
    let followed = |i: usize| v.get(i + 1).is_none_or(|&b| b == b' ');
    if matches!(
        first,
        b'#' | b','
            | b'['
            | b']'
            | b'{'
            | b'}'
            | b'&'
            | b'*'
            | b'!'
            | b'|'
            | b'>'
            | b'\''
            | b'"'
            | b'%'
            | b'@'
            | b'`'
    ) || (matches!(first, b'-' | b'?' | b':') && followed(0))
    {
        block_indicators = true;
    }
    for (i, &b) in v.iter().enumerate() {
        match b {
            b' '..=b'~' => {}
            _ => return None,
        }
        if i > 0 && ((b == b':' && followed(i)) || (b == b'#' && v[i - 1] == b' ')) {
            block_indicators = true;
        }
    }
    Some(Analysis {
        multiline: false,
        block_plain_allowed: !block_indicators,
        single_quoted_allowed: true,
        block_allowed: true,
    })
}

/// `yaml_emitter_select_scalar_style` in block context, no tag, both implicit flags set.
pub fn select(asked: Asked, analysis: &Analysis, length: usize, simple_key: bool) -> Style {
    let mut style = match asked {
        Asked::Plain => Style::Plain,
        Asked::SingleQuoted => Style::SingleQuoted,
        Asked::Literal => Style::Literal,
    };
    if simple_key && analysis.multiline {
        style = Style::DoubleQuoted;
    }
    if style == Style::Plain && (!analysis.block_plain_allowed || (length == 0 && simple_key)) {
        style = Style::SingleQuoted;
    }
    if style == Style::SingleQuoted && !analysis.single_quoted_allowed {
        style = Style::DoubleQuoted;
    }
    if style == Style::Literal && (!analysis.block_allowed || simple_key) {
        style = Style::DoubleQuoted;
    }
    style
}

/// The characters in `v` (libyaml's column counts characters).
pub fn width(v: &str) -> usize {
    if v.is_ascii() {
        v.len()
    } else {
        v.chars().count()
    }
}

/// The body of a single-quoted scalar with no line break: quotes doubled.
pub fn write_single_quoted(v: &str, out: &mut String) -> usize {
    let mut column = 0;
    for part in v.split_inclusive('\'') {
        out.push_str(part);
        column += width(part);
        if part.ends_with('\'') {
            out.push('\'');
            column += 1;
        }
    }
    column
}

/// The body of a double-quoted scalar (`yaml_emitter_write_double_quoted_scalar` without line width):
/// what is not printable, a byte order mark, a break, `"` and `\` escaped; returns the columns written.
pub fn write_double_quoted(v: &str, out: &mut String) -> usize {
    let mut column = 0;
    for c in v.chars() {
        if !is_printable(c) || c == '\u{FEFF}' || is_break(c) || c == '"' || c == '\\' {
            out.push('\\');
            column += 1;
            let short = match c {
                '\0' => Some('0'),
                '\u{7}' => Some('a'),
                '\u{8}' => Some('b'),
                '\t' => Some('t'),
                '\n' => Some('n'),
                '\u{B}' => Some('v'),
                '\u{C}' => Some('f'),
                '\r' => Some('r'),
                '\u{1B}' => Some('e'),
                '"' => Some('"'),
                '\\' => Some('\\'),
                '\u{85}' => Some('N'),
                '\u{A0}' => Some('_'),
                '\u{2028}' => Some('L'),
                '\u{2029}' => Some('P'),
                _ => None,
            };
            match short {
                Some(s) => {
                    out.push(s);
                    column += 1;
                }
                None => {
                    let value = u32::from(c);
                    let (letter, digits) = if value <= 0xFF {
                        ('x', 2)
                    } else if value <= 0xFFFF {
                        ('u', 4)
                    } else {
                        ('U', 8)
                    };
                    out.push(letter);
                    for k in (0..digits).rev() {
                        let digit = (value >> (k * 4)) & 0xF;
                        out.push(char::from_digit(digit, 16).map_or('0', |d| d.to_ascii_uppercase()));
                    }
                    column += 1 + digits as usize;
                }
            }
        } else {
            out.push(c);
            column += 1;
        }
    }
    column
}

/// A literal block scalar's header after `|`: the indentation indicator when the text starts with a space
/// or a break, then the chomping indicator (`-` without a final break, `+` with more than one, none with
/// one), as `yaml_emitter_write_block_scalar_hints` writes them.
pub fn block_hints(v: &str) -> (&'static str, &'static str) {
    let indent = match v.chars().next() {
        Some(c) if c == ' ' || is_break(c) => "2",
        _ => "",
    };
    let mut back = v.chars().rev();
    let chomp = match back.next() {
        None => "-",
        Some(last) if !is_break(last) => "-",
        Some(_) => match back.next() {
            None => "+",
            Some(before) if is_break(before) => "+",
            Some(_) => "",
        },
    };
    (indent, chomp)
}
