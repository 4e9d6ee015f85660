//! The reader: pages → page models. Every piece of prose the spec needs is read here, with its line.
//!
//! `markup` reads a line's markup (bilingual spans, headings, tables), `page` an API page, `resource` a
//! resource (type) page, `includes` finds the files a page includes.

pub mod includes;
pub mod markup;
pub mod page;
pub mod resource;
