//! Collections that span pages: a stream of items that follows `@odata.nextLink` until Graph stops
//! handing one out.

use std::collections::{HashSet, VecDeque};
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_util::stream::{self, Stream};
use serde::de::DeserializeOwned;

use reqwest::Url;

use crate::runtime::client::Client;
use crate::runtime::error::Error;
use crate::runtime::operation::{CallOptions, Operation};
use crate::runtime::urls::sanitized;

/// One page of a collection as Graph returns it; other fields (`@odata.context`, `@odata.count`) are ignored.
#[derive(serde::Deserialize)]
struct Page<T> {
    #[serde(default = "Vec::new")]
    value: Vec<T>,
    #[serde(rename = "@odata.nextLink", default)]
    next_link: Option<String>,
}

/// The items of a collection, page after page, as a [`Stream`]. Each page is one request with the
/// client's retries; the stream ends after the last page, or after the first error (which it yields).
#[must_use = "a stream does nothing until it is polled"]
pub struct Items<T> {
    inner: Pin<Box<dyn Stream<Item = Result<T, Error>> + Send>>,
}

impl<T> std::fmt::Debug for Items<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Items").finish_non_exhaustive()
    }
}

impl<T: Send + 'static> Items<T> {
    /// At most `n` items: the stream ends after the `n`th, and requests no page beyond the one that holds
    /// it. (`$top` sets the size of each page, not how many items the stream yields.)
    pub fn limit(self, n: usize) -> Items<T> {
        Items { inner: Box::pin(futures_util::StreamExt::take(self.inner, n)) }
    }
}

impl<T> Stream for Items<T> {
    type Item = Result<T, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }
}

enum Next {
    First(Box<Operation>),
    Link(String),
    /// The items already read are yielded first, then this error ends the stream.
    Fail(Error),
    Done,
}

/// Where a stream is: what to fetch next, the items read and not yet yielded, the pages read.
struct State<T> {
    client: Client,
    next: Next,
    buffer: VecDeque<T>,
    /// The normalised URL of every page requested, so that a link back to any of them is a loop.
    followed: HashSet<String>,
    pages: u32,
    /// The first request's path template (for tracing) and the app's call options, kept by later pages.
    template: String,
    options: CallOptions,
}

/// A link as compared for loops: parsed (so scheme and host case, default ports and dot segments do
/// not make two spellings of one URL differ) and without its `#fragment`, which never reaches the
/// server; the query stays as it is, order included, because it selects the page.
fn normalised(link: &str) -> String {
    match Url::parse(link) {
        Ok(mut url) => {
            url.set_fragment(None);
            url.into()
        }
        Err(_) => link.to_owned(),
    }
}

impl Client {
    /// Streams the items of the collection `first` asks for, following `@odata.nextLink`.
    ///
    /// A link to a page already requested ends the stream with [`Error::PagingLoop`] after that
    /// page's items; more pages than [`ClientBuilder::max_pages`](crate::runtime::ClientBuilder::max_pages)
    /// end it with [`Error::TooManyPages`] after the items of the last page allowed.
    #[allow(dead_code)]
    pub(crate) fn items<T: DeserializeOwned + Send + 'static>(&self, first: Operation) -> Items<T> {
        let name = first.name;
        let mut followed = HashSet::new();
        if let Ok(url) = self.url(&first) {
            followed.insert(normalised(url.as_str()));
        }
        let state = State {
            template: first.path_template(),
            options: first.options.clone(),
            client: self.clone(),
            next: Next::First(Box::new(first)),
            buffer: VecDeque::<T>::new(),
            followed,
            pages: 0,
        };
        let inner = stream::unfold(state, move |mut state| async move {
            loop {
                if let Some(item) = state.buffer.pop_front() {
                    return Some((Ok(item), state));
                }
                let op = match std::mem::replace(&mut state.next, Next::Done) {
                    Next::Done => return None,
                    Next::Fail(error) => return Some((Err(error), state)),
                    Next::First(op) => *op,
                    Next::Link(link) => {
                        Operation::next_page(name, link, state.template.clone(), state.options.clone())
                    }
                };
                let response = match state.client.execute(op).await {
                    Ok(response) => response,
                    Err(e) => return Some((Err(e), state)),
                };
                let client_request_id = response.client_request_id.clone();
                let page = match response.json::<Page<T>>() {
                    Ok(page) => page,
                    Err(e) => return Some((Err(e), state)),
                };
                state.pages = state.pages.saturating_add(1);
                state.buffer.extend(page.value);
                let Some(link) = page.next_link else { continue };
                state.next = if !state.followed.insert(normalised(&link)) {
                    // Following it would read the same pages forever.
                    let link = Url::parse(&link).map_or_else(|_| "(not a URL)".to_owned(), |u| sanitized(&u));
                    Next::Fail(Error::PagingLoop { link, client_request_id })
                } else if let Some(limit) = state.client.page_limit().filter(|&limit| state.pages >= limit) {
                    Next::Fail(Error::TooManyPages { limit, client_request_id })
                } else {
                    Next::Link(link)
                };
            }
        });
        Items { inner: Box::pin(inner) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_compared_without_fragment_and_with_query_order() {
        let a = normalised("https://GRAPH.microsoft.com:443/v1.0/me/messages?$skip=10&$top=5#x");
        assert_eq!(a, "https://graph.microsoft.com/v1.0/me/messages?$skip=10&$top=5");
        assert_eq!(a, normalised("https://graph.microsoft.com/v1.0/me/./messages?$skip=10&$top=5#y"));
        assert_ne!(a, normalised("https://graph.microsoft.com/v1.0/me/messages?$top=5&$skip=10"));
    }
}
