//! Hand-written conveniences on the emitted mail types, kept outside `src/generated/` (which regen
//! rewrites): a file attachment from bytes, and its bytes back, with the base64 Graph's
//! `contentBytes` holds.

use crate::runtime::{base64_decode, base64_encode};
use crate::types::FileAttachment;

impl FileAttachment {
    /// A file attachment of `bytes`, named `name`, of media type `content_type`
    /// (`application/pdf`); the bytes go out base64-encoded, as Graph's `contentBytes` wants.
    /// Turn it into a [`types::Attachment`](crate::types::Attachment) with `.into()` to create it.
    ///
    /// ```
    /// use generated_client::types::{Attachment, FileAttachment};
    ///
    /// let report: Attachment = FileAttachment::new("report.txt", "text/plain", b"Hello".to_vec()).into();
    /// let json = serde_json::to_value(&report)?;
    /// assert_eq!(json["@odata.type"], "#microsoft.graph.fileAttachment");
    /// assert_eq!(json["contentBytes"], "SGVsbG8=");
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn new(name: impl Into<String>, content_type: impl Into<String>, bytes: impl AsRef<[u8]>) -> Self {
        Self {
            name: Some(name.into()),
            content_type: Some(content_type.into()),
            content_bytes: Some(base64_encode(bytes.as_ref())),
            ..Self::default()
        }
    }

    /// The file's bytes, decoded from `contentBytes`; `None` when it is absent or not base64.
    pub fn bytes(&self) -> Option<Vec<u8>> {
        base64_decode(self.content_bytes.as_deref()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_sets_name_type_and_encoded_bytes() {
        let file = FileAttachment::new("a.bin", "application/octet-stream", [0u8, 255, 7]);
        assert_eq!(file.name.as_deref(), Some("a.bin"));
        assert_eq!(file.content_type.as_deref(), Some("application/octet-stream"));
        assert_eq!(file.content_bytes.as_deref(), Some("AP8H"));
        assert_eq!(file.bytes(), Some(vec![0, 255, 7]));
    }
}
