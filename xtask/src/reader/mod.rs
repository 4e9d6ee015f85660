//! The reader: pages → page models. Every piece of prose the spec needs is read here, with its line.
//!
//! `scan` is the one line scanner both readers stand on (front matter, comments and annotations, code
//! blocks, headings); `markup` reads a line's markup (bilingual spans, headings, tables); `cells` what a table
//! cell says (a type, enum values). `model` is the API page model; `page` reads an API page by cutting it into
//! `parts` and handing each to its section reader (`endpoints`, `permissions`, `query`, `headers`, `body`,
//! `response`, `examples`); `resource` reads a resource (type) page; `includes` finds the files a page
//! includes; `json_repair` reads the JSON of annotations.

mod body;
pub mod cells;
mod endpoints;
mod examples;
mod headers;
pub mod includes;
mod json_repair;
pub mod markup;
pub mod model;
pub mod page;
mod parts;
mod permissions;
mod query;
pub mod resource;
mod response;
mod scan;
