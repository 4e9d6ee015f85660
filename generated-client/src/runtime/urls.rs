//! The URLs a call may go to, each checked before anything is sent: an operation's path under the base
//! URL, a raw request's path, an `@odata.nextLink`, and a redirect that the [`Redirects`] policy follows.

use reqwest::{Method, Url};

use crate::runtime::client::Inner;
use crate::runtime::error::Error;
use crate::runtime::operation::Operation;

/// The longest URL the client sends, in bytes: the most the HTTP stack can carry in a request line
/// (`http::Uri` refuses longer ones). Graph's own limit is lower; a longer URL is refused before
/// anything is sent, rather than failing halfway.
const MAX_URL_LEN: usize = 65_534;

/// How many redirects one attempt follows under [`Redirects::FollowGetWithinBaseUrl`].
const MAX_REDIRECTS: u32 = 5;

/// Which redirects (3xx answers but 304 Not Modified) the client follows; set with
/// [`ClientBuilder::redirects`](crate::runtime::ClientBuilder::redirects).
///
/// Whatever the policy, a redirect never replays a request body, never turns a `POST` into another
/// method or into a success, and never carries the token off the base URL: a redirect that is not
/// followed is [`Error::Redirect`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Redirects {
    /// None (the default): every 3xx answer is [`Error::Redirect`].
    #[default]
    Refuse,
    /// A `GET`'s redirect to a URL under the client's base URL (same scheme, host and port, a path
    /// below the base path) is followed, up to 5 in a row; any other is [`Error::Redirect`]. The
    /// token goes along only while nothing but the path changes (a redirect that also changes the
    /// query is followed without it).
    FollowGetWithinBaseUrl,
}
impl Inner {
    /// The URL of `op`, or why it cannot be sent; nothing is sent in either case.
    pub(super) fn url(&self, op: &Operation) -> Result<Url, Error> {
        let url = match (&op.next_link, &op.raw_path) {
            (Some(link), _) => self.next_link_url(link)?,
            (None, Some(path)) => self.raw_url(path, &op.query)?,
            (None, None) => {
                let path = op.path.encode_after(&self.base_path)?;
                let mut url = self.base_url.clone();
                url.set_path(&path);
                if !op.query.is_empty() {
                    url.set_query(Some(&crate::runtime::path::encode_query(&op.query)));
                }
                url
            }
        };
        if url.as_str().len() > MAX_URL_LEN {
            let reason = format!(
                "is {} bytes long, more than the {MAX_URL_LEN} an HTTP request can carry",
                url.as_str().len()
            );
            return Err(Error::invalid("url", reason));
        }
        Ok(url)
    }

    /// The URL of a request the app wrote ([`Client::request`]): a path below the base URL, or an absolute
    /// URL under it. Dot segments are resolved first, so `/me/../../other` is refused, not sent.
    fn raw_url(&self, path: &str, query: &[(std::borrow::Cow<'static, str>, String)]) -> Result<Url, Error> {
        let refuse = |reason: &str| Error::invalid("path", reason);
        // The URL parser drops tabs and line breaks without a word, which would send the request to
        // another resource than the one written.
        if path.contains(char::is_control) {
            return Err(refuse("must not hold control characters (tabs, line breaks): percent-encode them"));
        }
        let mut url = if path.starts_with("http://") || path.starts_with("https://") {
            let url = Url::parse(path).map_err(|_| refuse("is not a valid URL"))?;
            if url.fragment().is_some() {
                return Err(refuse("must not have a fragment"));
            }
            url
        } else {
            if path.contains(['?', '#', '\\']) {
                return Err(refuse("must not hold `?`, `#` or `\\`: add a query with `.query(key, value)`"));
            }
            let mut url = self.base_url.clone();
            url.set_path(&format!("{}/{}", self.base_path, path.trim_start_matches('/')));
            url
        };
        if !self.within_base(&url) {
            return Err(refuse("leads outside the client's base URL"));
        }
        if !query.is_empty() {
            let added = crate::runtime::path::encode_query(query);
            let joined = match url.query() {
                Some(existing) if !existing.is_empty() => format!("{existing}&{added}"),
                _ => added,
            };
            url.set_query(Some(&joined));
        }
        Ok(url)
    }

    /// Graph's `@odata.nextLink` is absolute. It is followed only to the same scheme, host, port and base
    /// path as the client's base URL, so that a tampered or odd link cannot carry the bearer token elsewhere.
    fn next_link_url(&self, link: &str) -> Result<Url, Error> {
        let refuse = |reason: &str| Error::invalid("@odata.nextLink", reason);
        let url = Url::parse(link).map_err(|_| refuse("is not an absolute URL"))?;
        if !self.same_origin(&url) {
            return Err(refuse("points to another server than the client's base URL"));
        }
        if !self.within_base(&url) {
            return Err(refuse("points outside the client's base URL"));
        }
        Ok(url)
    }

    fn same_origin(&self, url: &Url) -> bool {
        let base = &self.base_url;
        url.scheme() == base.scheme()
            && url.host_str() == base.host_str()
            && url.port_or_known_default() == base.port_or_known_default()
    }

    /// Same origin as the base URL, a path at or below its path, and no credentials.
    fn within_base(&self, url: &Url) -> bool {
        let base_path = self.base_path.trim_end_matches('/');
        let inside = url.path() == base_path || url.path().starts_with(&format!("{base_path}/"));
        self.same_origin(url) && inside && url.username().is_empty() && url.password().is_none()
    }

    /// Where a redirect from `from` to `location` goes when the policy follows it, and whether the token
    /// goes along; `None` when it is not followed.
    pub(super) fn redirect_target(
        &self,
        method: &Method,
        from: &Url,
        location: Option<&Url>,
        hops: u32,
    ) -> Option<(Url, bool)> {
        if self.limits.redirects != Redirects::FollowGetWithinBaseUrl || *method != Method::GET {
            return None;
        }
        let mut to = location?.clone();
        to.set_fragment(None);
        if hops >= MAX_REDIRECTS || !self.within_base(&to) || to.as_str().len() > MAX_URL_LEN {
            return None;
        }
        // Origin and credentials cannot differ here (`within_base`); the query is the one part left
        // besides the path.
        let keep_token = to.query() == from.query();
        Some((to, keep_token))
    }
}

/// A URL as errors and logs show it: scheme, host, port and path; never credentials, query or fragment.
pub(crate) fn sanitized(url: &Url) -> String {
    let host = url.host_str().unwrap_or("");
    let port = url.port().map(|p| format!(":{p}")).unwrap_or_default();
    format!("{}://{host}{port}{}", url.scheme(), url.path())
}
