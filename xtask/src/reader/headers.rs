//! The request headers section → the page's headers: one per name (a repeat is a warning), and every
//! `Prefer` row one `Prefer` header.

use crate::diagnostics::Diagnostic;
use crate::reader::markup;
use crate::reader::model::{Header, Page};
use crate::reader::parts::SectionText;

pub fn read_headers(page: &mut Page, section: &SectionText) {
    let mut seen: std::collections::BTreeMap<String, usize> = std::collections::BTreeMap::new();
    for (n, l) in &section.lines {
        let Some(cells) = markup::table_row(l) else { continue };
        if cells.len() < 2 || markup::is_table_separator(&cells) {
            continue;
        }
        let name = cells[0].trim().to_string();
        if markup::key(&name) == "name" || markup::key(&name) == "header" || name.is_empty() {
            continue;
        }
        if let Some(preference) = prefer_row(&name, cells.last().map(String::as_str).unwrap_or("")) {
            add_preference(page, preference, *n);
            continue;
        }
        if let Some(first) = seen.get(&name.to_ascii_lowercase()) {
            page.diagnostics.push(Diagnostic::warning(
                *n,
                format!(
                    "request header `{name}` is listed again (first at line {first}); the first row is kept"
                ),
            ));
            continue;
        }
        seen.insert(name.to_ascii_lowercase(), *n);
        let description = cells.last().cloned().unwrap_or_default();
        let required = markup::key(&description).split(' ').any(|w| w == "required");
        page.request_headers.push(Header { name, description, required, line: *n });
    }
}

/// A `Prefer` row: `Prefer: outlook.body-content-type` (the preference in the name cell) or `Prefer` with
/// the preference in its description (`odata.maxpagesize={x}. Optional.`). Returns the description the
/// `Prefer` parameter gets for it.
fn prefer_row(name: &str, description: &str) -> Option<String> {
    let (header, preference) = match name.split_once(':') {
        Some((h, p)) => (h.trim(), p.trim()),
        None => (name.trim(), ""),
    };
    if !header.eq_ignore_ascii_case("prefer") {
        return None;
    }
    Some(if preference.is_empty() {
        description.trim().to_string()
    } else {
        format!("`{preference}`: {}", description.trim())
    })
}

/// Every `Prefer` row of a page is one `Prefer` header parameter (HTTP allows several preferences in one
/// header); each row adds its preference to the description.
fn add_preference(page: &mut Page, description: String, line: usize) {
    match page.request_headers.iter_mut().find(|h| h.name.eq_ignore_ascii_case("prefer")) {
        Some(h) => {
            h.description.push(' ');
            h.description.push_str(&description);
        }
        None => page.request_headers.push(Header {
            name: "Prefer".into(),
            required: markup::key(&description).split(' ').any(|w| w == "required"),
            description,
            line,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefer_rows_become_one_prefer_header() {
        let mut page = Page::default();
        let description = "The format of the **body**. Optional.";
        add_preference(
            &mut page,
            prefer_row("Prefer: outlook.body-content-type", description).expect("prefer"),
            3,
        );
        add_preference(
            &mut page,
            prefer_row("Prefer", "odata.maxpagesize={x}. Optional.").expect("prefer"),
            4,
        );
        assert!(prefer_row("Authorization", "Bearer {token}").is_none());
        assert_eq!(page.request_headers.len(), 1);
        let h = &page.request_headers[0];
        assert_eq!((h.name.as_str(), h.line, h.required), ("Prefer", 3, false));
        assert!(h.description.starts_with("`outlook.body-content-type`: The format"), "{}", h.description);
        assert!(h.description.ends_with("odata.maxpagesize={x}. Optional."), "{}", h.description);
    }
}
