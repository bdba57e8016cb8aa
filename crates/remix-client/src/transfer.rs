//! What uploads and downloads share: progress reporting and reading a body
//! up to a limit.

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_core::Stream;
use futures_util::StreamExt;

/// A progress callback, for uploads ([`ImageFile::with_progress`]) and
/// downloads ([`Downloader::download`]): bytes moved so far, and the total
/// (0 when unknown).
///
/// [`ImageFile::with_progress`]: crate::ImageFile::with_progress
/// [`Downloader::download`]: crate::Downloader::download
pub type Progress = Arc<dyn Fn(u64, u64) + Send + Sync>;

/// Reads at most `limit` bytes of a body. Returns the bytes and whether the
/// body ended within the limit; past it the rest is left unread (and the
/// connection dropped).
pub(crate) async fn read_limited<S, E>(mut body: S, limit: usize) -> Result<(Vec<u8>, bool), E>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
{
    let mut out = Vec::new();
    while let Some(chunk) = body.next().await {
        let chunk = chunk?;
        let room = limit.saturating_sub(out.len());
        if chunk.len() > room {
            out.extend_from_slice(&chunk[..room]);
            return Ok((out, false));
        }
        out.extend_from_slice(&chunk);
    }
    Ok((out, true))
}

/// Shared bytes as a stream of slices (no copies), so progress can be told.
pub(crate) struct Chunks {
    bytes: Bytes,
    offset: usize,
    size: usize,
}

impl Chunks {
    pub(crate) fn new(bytes: Bytes, size: usize) -> Self {
        Chunks { bytes, offset: 0, size }
    }
}

impl Stream for Chunks {
    type Item = std::io::Result<Bytes>;
    fn poll_next(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.offset >= self.bytes.len() {
            return Poll::Ready(None);
        }
        let end = (self.offset + self.size).min(self.bytes.len());
        let chunk = self.bytes.slice(self.offset..end);
        self.offset = end;
        Poll::Ready(Some(Ok(chunk)))
    }
}

/// A stream that reports how many bytes passed through it.
pub(crate) struct Counting<S> {
    inner: S,
    seen: u64,
    total: u64,
    progress: Progress,
}

impl<S> Counting<S> {
    pub(crate) fn new(inner: S, total: u64, progress: Progress) -> Self {
        Counting {
            inner,
            seen: 0,
            total,
            progress,
        }
    }
}

impl<S> Stream for Counting<S>
where
    S: Stream<Item = std::io::Result<Bytes>> + Unpin,
{
    type Item = std::io::Result<Bytes>;
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let next = Pin::new(&mut self.inner).poll_next(cx);
        if let Poll::Ready(Some(Ok(chunk))) = &next {
            self.seen += chunk.len() as u64;
            (self.progress)(self.seen, self.total);
        }
        next
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;

    fn block_on<F: std::future::Future>(future: F) -> F::Output {
        let mut future = std::pin::pin!(future);
        let mut cx = Context::from_waker(std::task::Waker::noop());
        loop {
            if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
                return out;
            }
        }
    }

    #[test]
    fn a_body_is_read_up_to_the_limit() {
        let body = || Chunks::new(Bytes::from(vec![7u8; 100]), 30);
        let (all, complete) = block_on(read_limited(body(), 100)).unwrap();
        assert_eq!((all.len(), complete), (100, true));
        let (cut, complete) = block_on(read_limited(body(), 45)).unwrap();
        assert_eq!((cut.len(), complete), (45, false));
    }

    #[test]
    fn counting_reports_every_chunk() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let record = seen.clone();
        let progress: Progress = Arc::new(move |done, total| record.lock().unwrap().push((done, total)));
        let stream = Counting::new(Chunks::new(Bytes::from(vec![1u8; 10]), 4), 10, progress);
        let (bytes, _) = block_on(read_limited(stream, 100)).unwrap();
        assert_eq!(bytes.len(), 10);
        assert_eq!(*seen.lock().unwrap(), vec![(4, 10), (8, 10), (10, 10)]);
    }
}
