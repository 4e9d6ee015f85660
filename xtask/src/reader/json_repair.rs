//! JSON as reference pages write it in their annotations: read with the slips authors make repaired.

/// Reads JSON with three slips repaired: trailing commas (`{"a": 1,}`), raw control characters inside strings,
/// and keys without quotes (`{ blockType: "request" }`). Returns the value and what was repaired, or `None`
/// when the text is still not JSON.
pub fn lenient_json(text: &str) -> Option<(serde_json::Value, String)> {
    let mut out = String::with_capacity(text.len() + 16);
    let mut in_string = false;
    let mut escaped = false;
    let (mut commas, mut controls, mut keys) = (0, 0, 0);
    // The last character outside strings that was not white space: a key may follow `{` or `,`.
    let mut last_significant = ' ';
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        i += 1;
        if in_string {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                c if c.is_control() => {
                    controls += 1;
                    out.push_str(match c {
                        '\n' => "\\n",
                        '\r' => "\\r",
                        '\t' => "\\t",
                        _ => " ",
                    });
                    continue;
                }
                _ => {}
            }
            out.push(c);
            continue;
        }
        if c == '"' {
            in_string = true;
        } else if c == ','
            && chars[i..].iter().find(|c| !c.is_whitespace()).is_some_and(|n| *n == '}' || *n == ']')
        {
            commas += 1;
            continue;
        } else if matches!(last_significant, '{' | ',') && is_bare_key_start(c) {
            let start = i - 1;
            let mut end = i;
            while end < chars.len() && is_bare_key_char(chars[end]) {
                end += 1;
            }
            let colon = chars[end..].iter().find(|c| !c.is_whitespace()) == Some(&':');
            if colon {
                keys += 1;
                out.push('"');
                out.extend(&chars[start..end]);
                out.push('"');
                i = end;
                last_significant = 'k';
                continue;
            }
        }
        if !c.is_whitespace() {
            last_significant = c;
        }
        out.push(c);
    }
    if commas + controls + keys == 0 {
        return None;
    }
    let value = serde_json::from_str(&out).ok()?;
    let mut slips = Vec::new();
    if commas > 0 {
        slips.push("dropping the comma before a closing bracket");
    }
    if controls > 0 {
        slips.push("escaping the line breaks inside its strings");
    }
    if keys > 0 {
        slips.push("quoting its unquoted keys");
    }
    Some((value, slips.join(" and ")))
}

fn is_bare_key_start(c: char) -> bool {
    c.is_ascii_alphabetic() || matches!(c, '_' | '$' | '@')
}

fn is_bare_key_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '$' | '@' | '.' | '-')
}
