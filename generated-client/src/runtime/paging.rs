//! Collections that span pages: a stream of items that follows `@odata.nextLink` until Graph stops
//! handing one out.

use std::collections::{HashSet, VecDeque};
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_util::stream::{self, Stream};
use serde::de::DeserializeOwned;

use crate::runtime::client::Client;
use crate::runtime::error::Error;
use crate::runtime::operation::Operation;

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

impl<T> Stream for Items<T> {
    type Item = Result<T, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }
}

enum Next {
    First(Operation),
    Link(String),
    Done,
}

impl Client {
    /// Streams the items of the collection `first` asks for, following `@odata.nextLink`.
    #[allow(dead_code)]
    pub(crate) fn items<T: DeserializeOwned + Send + 'static>(&self, first: Operation) -> Items<T> {
        let name = first.name;
        let state = (self.clone(), Next::First(first), VecDeque::<T>::new(), HashSet::<String>::new());
        let inner = stream::unfold(state, move |(client, mut next, mut buffer, mut followed)| async move {
            loop {
                if let Some(item) = buffer.pop_front() {
                    return Some((Ok(item), (client, next, buffer, followed)));
                }
                let op = match std::mem::replace(&mut next, Next::Done) {
                    Next::Done => return None,
                    Next::First(op) => op,
                    Next::Link(link) => Operation::next_page(name, link),
                };
                let page = match client.execute(op).await.and_then(|r| r.json::<Page<T>>()) {
                    Ok(page) => page,
                    Err(e) => return Some((Err(e), (client, Next::Done, buffer, followed))),
                };
                if let Some(link) = page.next_link {
                    // A link already followed would make the stream loop forever.
                    if !followed.insert(link.clone()) {
                        let reason = "repeats a link already followed";
                        let error = Error::InvalidParameter { name: "@odata.nextLink", reason };
                        return Some((Err(error), (client, Next::Done, buffer, followed)));
                    }
                    next = Next::Link(link);
                }
                buffer.extend(page.value);
            }
        });
        Items { inner: Box::pin(inner) }
    }
}
