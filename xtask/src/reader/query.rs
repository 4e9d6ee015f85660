//! The optional query parameters section → the page's query parameters: OData's system options named in its
//! prose, and the rows of its table.

use crate::reader::markup;
use crate::reader::model::{Page, QueryParameter};
use crate::reader::parts::SectionText;

/// A query parameter's name: `$select`, `startDateTime`.
fn is_query_name(name: &str) -> bool {
    let bare = name.strip_prefix('$').unwrap_or(name);
    bare.starts_with(|c: char| c.is_ascii_alphabetic())
        && bare.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// OData's system query options, the only `$` words of query prose that are parameters.
const ODATA_OPTIONS: &[&str] = &[
    "$select",
    "$expand",
    "$filter",
    "$orderby",
    "$top",
    "$skip",
    "$count",
    "$search",
    "$format",
    "$skiptoken",
    "$deltatoken",
    "$apply",
    "$compute",
    "$levels",
];

pub fn read_query_parameters(page: &mut Page, section: &SectionText) {
    let mut header_seen = false;
    let mut seen: std::collections::BTreeSet<String> =
        page.query_parameters.iter().map(|q| q.name.clone()).collect();
    for (n, l) in &section.lines {
        let Some(cells) = markup::table_row(l).filter(|_| l.trim_start().starts_with('|')) else {
            header_seen = false;
            // OData options named in prose: "This method supports the `$select` and `$expand` …".
            for word in l.split(|c: char| !(c.is_ascii_alphanumeric() || c == '$' || c == '_')) {
                // `$value` and `$ref` are path segments in OData, not options.
                if word.starts_with('$')
                    && is_query_name(word)
                    && ODATA_OPTIONS.contains(&word)
                    && seen.insert(word.to_string())
                {
                    page.query_parameters.push(QueryParameter {
                        name: word.to_string(),
                        type_name: String::new(),
                        description: format!("The OData {word} query option"),
                        required: false,
                        line: *n,
                    });
                }
            }
            continue;
        };
        if markup::is_table_separator(&cells) {
            continue;
        }
        // The first row of each table is its header.
        if !header_seen {
            header_seen = true;
            continue;
        }
        let name = cells[0].trim().to_string();
        if !is_query_name(&name) || !seen.insert(name.clone()) {
            continue;
        }
        let description = cells.last().filter(|_| cells.len() > 1).cloned().unwrap_or_default();
        let key = markup::key(&description);
        let required = key.split(' ').any(|w| w == "required") && !key.starts_with("optional");
        let type_name = if cells.len() > 2 { cells[1].clone() } else { String::new() };
        page.query_parameters.push(QueryParameter { name, type_name, description, required, line: *n });
    }
}
