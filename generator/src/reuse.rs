//! What a generation may take from an earlier one, so that a small change to the spec costs a small amount
//! of work: the type pass whole (typify and `types.rs` formatted), keyed by a hash of the part of the spec
//! it reads (the schemas, and each operation's bodies), and each formatted piece of `mod.rs` (the client's
//! accessors, one resource type, one request builder), keyed by a hash of the resolved API it prints.
//!
//! A [`Reuse`] is plain data, which the caller may keep wherever it likes (xtask keeps it beside its binary).
//! It is only valid for the generator that made it: the caller must drop it when the generator changes,
//! since the keys hash the generator's input, not its code. Within one generator a key names its output, so
//! a stale piece is never taken: at worst it is made again.

use std::collections::{BTreeMap, BTreeSet};
use std::hash::{Hash, Hasher};

use openapiv3::OpenAPI;
use serde::{Deserialize, Serialize};

use crate::bodies::Bodies;
use crate::Error;

/// Pieces of an earlier generation. `Reuse::default()` holds none.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reuse {
    pub(crate) types: Option<TypePass>,
    /// Formatted pieces of `mod.rs`, by the hash of what they print.
    pub(crate) chunks: BTreeMap<String, Chunk>,
}

impl Reuse {
    /// How many pieces it holds (the type pass counts as one).
    pub fn len(&self) -> usize {
        self.chunks.len() + usize::from(self.types.is_some())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The type pass's result, everything the rest of generation needs of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct TypePass {
    /// The hash of the spec's part that the type pass reads ([`type_key`]).
    pub key: String,
    /// `types.rs`, formatted, without the `@generated` line.
    pub text: String,
    pub api: Vec<(String, String)>,
    /// The name of every type in the types module, which no request type may take.
    pub names: BTreeSet<String>,
    pub bodies: BTreeMap<String, Bodies>,
    pub extra_crates: Vec<String>,
}

/// One formatted piece of `mod.rs` and its items' lines for API.md.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Chunk {
    pub text: String,
    pub api: Vec<(String, String)>,
}

/// A 128-bit hash of `value` (two SipHash streams with different seeds): tells inputs apart, not for
/// adversaries.
pub(crate) fn hash_of(tag: &str, value: &impl Hash) -> String {
    let mut a = std::hash::DefaultHasher::new();
    let mut b = std::hash::DefaultHasher::new();
    b.write_u64(0x9e37_79b9_7f4a_7c15);
    for h in [&mut a, &mut b] {
        tag.hash(h);
        value.hash(h);
    }
    format!("{:016x}{:016x}", a.finish(), b.finish())
}

/// A writer into both hash streams, for hashing the spec's JSON without building it.
struct HashWriter(std::hash::DefaultHasher, std::hash::DefaultHasher);

impl std::io::Write for HashWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.write(buf);
        self.1.write(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The hash of everything [`crate::types::generate`] reads: the document but its paths, and of each
/// operation its path, method, operationId, request body and responses. Summaries, descriptions,
/// parameters, scopes and links, which a page edit most often changes, are left out.
pub(crate) fn type_key(spec: &OpenAPI) -> Result<String, Error> {
    #[derive(Serialize)]
    struct Input<'a> {
        openapi: &'a str,
        info: &'a openapiv3::Info,
        components: &'a Option<openapiv3::Components>,
        operations: Vec<Operation<'a>>,
    }
    #[derive(Serialize)]
    struct Operation<'a> {
        path: &'a str,
        method: &'a str,
        id: &'a Option<String>,
        request: &'a Option<openapiv3::ReferenceOr<openapiv3::RequestBody>>,
        responses: &'a openapiv3::Responses,
    }
    let mut operations = Vec::new();
    for (path, item) in spec.paths.paths.iter() {
        // The type pass reads no path item given by `$ref`; the model refuses it with its path.
        let openapiv3::ReferenceOr::Item(item) = item else { continue };
        for (method, op) in item.iter() {
            operations.push(Operation {
                path,
                method,
                id: &op.operation_id,
                request: &op.request_body,
                responses: &op.responses,
            });
        }
    }
    let input = Input { openapi: &spec.openapi, info: &spec.info, components: &spec.components, operations };
    let mut w = HashWriter(std::hash::DefaultHasher::new(), std::hash::DefaultHasher::new());
    w.1.write_u64(0x9e37_79b9_7f4a_7c15);
    serde_json::to_writer(&mut w, &input).map_err(|e| Error::Types(format!("hashing the schemas: {e}")))?;
    Ok(format!("{:016x}{:016x}", w.0.finish(), w.1.finish()))
}
