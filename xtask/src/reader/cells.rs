//! What a table cell says, where the readers need more than its text: a type cell (`recipient collection`,
//! `Collection(Edm.String)`) and the enum values a description lists. Resource pages' property tables and API
//! pages' request-body tables both read their types here, and so does the spec builder.

/// A type cell of a property or body-parameter table (markup already stripped): `recipient collection` →
/// (`recipient`, true); `Collection(String)` → (`String`, true). Resource pages and API pages' request-body
/// tables both read their types here.
pub fn parse_type(cell: &str) -> (String, bool) {
    let t = cell.trim();
    if let Some(inner) = t
        .strip_prefix("Collection(")
        .or_else(|| t.strip_prefix("collection("))
        .and_then(|s| s.strip_suffix(')'))
    {
        return (inner.trim().to_string(), true);
    }
    let lower = t.to_ascii_lowercase();
    let collection = lower.ends_with(" collection") || lower.ends_with(" array") || lower.ends_with("[]");
    let name = t.split_whitespace().next().unwrap_or("").trim_end_matches("[]").to_string();
    (name, collection)
}

/// The backticked values after "possible values are" (any capitalisation, with or without a colon).
pub fn enum_values(description: &str) -> Vec<String> {
    let lower = description.to_ascii_lowercase();
    let Some(at) = ["possible values are", "possible values:", "supported values are", "the possible values"]
        .iter()
        .filter_map(|p| lower.find(p))
        .min()
    else {
        return Vec::new();
    };
    // The list ends at the sentence's end; values themselves may contain dots, so only ". " ends it.
    let tail = &description[at..];
    let end = tail.find(". ").map(|e| e + 1).unwrap_or(tail.len());
    let mut values = Vec::new();
    let mut parts = tail[..end].split('`');
    parts.next();
    while let Some(v) = parts.next() {
        let v = v.trim();
        if !v.is_empty()
            && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            && !values.iter().any(|x| x == v)
        {
            values.push(v.to_string());
        }
        parts.next();
    }
    values
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_and_collections() {
        assert_eq!(parse_type("recipient collection"), ("recipient".into(), true));
        assert_eq!(parse_type("String"), ("String".into(), false));
        assert_eq!(parse_type("Collection(Edm.String)"), ("Edm.String".into(), true));
    }

    #[test]
    fn enum_values_from_prose() {
        assert_eq!(
            enum_values(
                "The importance of the message. The possible values are: `low`, `normal`, and `high`."
            ),
            vec!["low", "normal", "high"]
        );
        assert_eq!(
            enum_values("The type of the content. Possible values are `text` and `html`."),
            vec!["text", "html"]
        );
        assert!(enum_values("A `string` value.").is_empty());
    }
}
