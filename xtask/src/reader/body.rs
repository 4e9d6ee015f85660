//! The request body section → the page's request body: its prose and the rows of its parameter table.

use crate::reader::markup;
use crate::reader::model::{BodyProperty, Page, RequestBody};
use crate::reader::parts::SectionText;

pub fn read_request_body(page: &mut Page, section: &SectionText) {
    let mut prose = Vec::new();
    let mut properties = Vec::new();
    for (n, l) in &section.lines {
        if let Some(cells) = markup::table_row(l) {
            if cells.len() >= 2 && !markup::is_table_separator(&cells) {
                let first = markup::key(&cells[0]);
                if first != "parameter" && first != "property" && first != "name" && !cells[0].is_empty() {
                    properties.push(BodyProperty {
                        name: cells[0].clone(),
                        type_name: cells.get(1).cloned().unwrap_or_default(),
                        description: cells.get(2).cloned().unwrap_or_default(),
                        line: *n,
                    });
                }
            }
        } else if !l.trim().is_empty() {
            prose.push(markup::inline_text(l.trim()));
        }
    }
    if prose.is_empty() && properties.is_empty() {
        return;
    }
    page.request_body = Some(RequestBody { line: section.line, prose: prose.join(" "), properties });
}
