//! The per-call setters every request builder has (`header`, `timeout`, `max_retries`), over what its
//! operation documents; `crate::runtime::CallOptions` in the client does the work. Their names are reserved
//! in each builder by [`crate::resolve`]; their tokens are printed by [`crate::emit`].

use proc_macro2::TokenStream;
use quote::quote;

/// The setters every request builder has, over what the operation documents: they change this one call
/// (`crate::runtime::CallOptions` does the work). A query parameter or header of the same name gets a `_`.
pub const CALL_OPTION_SETTERS: &[&str] = &["header", "timeout", "max_retries"];

/// The tokens of [`CALL_OPTION_SETTERS`], the same in every builder. Each is `#[inline]`: rustc then compiles
/// it only in a crate that calls it, not three times per builder in every app's build of the client (the
/// call options live in the runtime's `CallOptions`, so each body is one line).
pub fn call_option_setters() -> TokenStream {
    quote! {
        /// Adds a request header to this call, replacing one the call would send under that name; the
        /// headers the client owns (`Authorization`, `Content-Length`, …) and invalid ones fail the call
        /// before anything is sent.
        #[inline]
        pub fn header(mut self, name: impl AsRef<str>, value: impl AsRef<str>) -> Self {
            self.options = self.options.header(name.as_ref(), value.as_ref());
            self
        }
        /// The longest one attempt of this call may take, instead of the client's timeout.
        #[inline]
        pub fn timeout(mut self, timeout: std::time::Duration) -> Self {
            self.options = self.options.timeout(timeout);
            self
        }
        /// How many times this call is tried again after a 429, a 503 or a failed connection, instead
        /// of the client's `max_retries`.
        #[inline]
        pub fn max_retries(mut self, retries: u32) -> Self {
            self.options = self.options.max_retries(retries);
            self
        }
    }
}
