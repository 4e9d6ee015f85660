//! The reader: pages → page models. Every piece of prose the spec needs is read here, with its line.
//!
//! `model` is the page model; `markup` reads a line's markup (bilingual spans, headings, tables), `page` an API page, `resource` a
//! resource (type) page, `includes` finds the files a page includes, `json_repair` reads the JSON of annotations.

pub mod includes;
mod json_repair;
pub mod markup;
pub mod model;
pub mod page;
pub mod resource;
