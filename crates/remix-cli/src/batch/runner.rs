//! Running a batch's items concurrently over one client: at most N in
//! flight (fewer once the server says too many images are in flight), each
//! journaled when sent and when done, its images downloaded if asked; the
//! first Ctrl-C stops new items, the second quits.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};

use remix_client::{Client, DownloadError, Downloader, Error, ImageFile, RemixResponse};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, watch};

use super::Say;
use super::items::Item;
use super::journal::{self, Entry, Journal, Link, Outcome};
use crate::exit::Exit;
use crate::report::{RequestOrigin, from_error};

/// How many items may be in flight: the client's `max_in_flight`, which the
/// client lowers when the server says too many are (a 429 with reason
/// `inflight_limit`); the batch follows it, so that an item is journaled as
/// sent only once it has a place.
pub struct Limiter {
    semaphore: Arc<Semaphore>,
    limit: AtomicU32,
    in_flight: Arc<AtomicU32>,
}

/// One item's place in flight; gives it back when dropped.
pub struct Slot {
    _permit: OwnedSemaphorePermit,
    in_flight: Arc<AtomicU32>,
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Limiter {
    pub fn new(limit: u32) -> Limiter {
        Limiter {
            semaphore: Arc::new(Semaphore::new(limit as usize)),
            limit: AtomicU32::new(limit),
            in_flight: Arc::new(AtomicU32::new(0)),
        }
    }

    /// Waits for a place in flight.
    pub async fn acquire(&self) -> Slot {
        let permit = self
            .semaphore
            .clone()
            .acquire_owned()
            .await
            .expect("the semaphore is never closed");
        self.in_flight.fetch_add(1, Ordering::SeqCst);
        Slot {
            _permit: permit,
            in_flight: self.in_flight.clone(),
        }
    }

    /// How many items are in flight.
    pub fn in_flight(&self) -> u32 {
        self.in_flight.load(Ordering::SeqCst)
    }

    /// The client lowered its limit to `target`: so does the batch. The
    /// places above it are taken back as they free up.
    pub fn lower_to(&self, target: u32) {
        let target = target.max(1);
        let current = self.limit.load(Ordering::SeqCst);
        if target >= current
            || self
                .limit
                .compare_exchange(current, target, Ordering::SeqCst, Ordering::SeqCst)
                .is_err()
        {
            return;
        }
        // The places above the new limit are taken back as they free up.
        let semaphore = self.semaphore.clone();
        tokio::spawn(async move {
            if let Ok(permits) = semaphore.acquire_many_owned(current - target).await {
                permits.forget();
            }
        });
    }
}

/// What every item's task shares.
pub struct BatchContext {
    pub client: Client,
    pub journal: Journal,
    pub limiter: Arc<Limiter>,
    /// Set when the downloads go into this folder.
    pub downloads: Option<(Downloader, PathBuf)>,
    /// The first file that could not be written (an image), with the
    /// system's error: once set, no new item starts.
    pub write_failure: std::sync::Mutex<Option<(PathBuf, String)>>,
}

impl BatchContext {
    /// Remembers the first file that could not be written.
    fn note_write_failure(&self, path: &Path, error: &std::io::Error) {
        let mut slot = self.write_failure.lock().unwrap_or_else(|p| p.into_inner());
        slot.get_or_insert_with(|| (path.to_path_buf(), error.to_string()));
    }

    /// The first file that could not be written, if one could not.
    pub fn write_failed(&self) -> Option<(PathBuf, String)> {
        self.write_failure.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

/// The client's word that the server has too many images in flight and it
/// lowered its limit.
pub struct Pressure {
    limiter: Arc<Limiter>,
    /// Said once: the concurrency was lowered.
    lowered: AtomicBool,
    say: Say,
}

impl Pressure {
    pub fn new(limiter: Arc<Limiter>, say: Say) -> Pressure {
        Pressure {
            limiter,
            lowered: AtomicBool::new(false),
            say,
        }
    }

    /// Called when the client lowered its limit from `from` to `to`:
    /// lowers the batch's, and says so the first time.
    pub fn lowered(&self, from: u32, to: u32) {
        self.limiter.lower_to(to);
        if !self.lowered.swap(true, Ordering::SeqCst) {
            (self.say)(format!(
                "note: the server says too many images are in flight; concurrency lowered from {from} to {to} for the rest of the run"
            ));
        }
    }
}

fn failed(error: &Error) -> Outcome {
    Outcome::Failed {
        error: from_error(error, RequestOrigin::Flags).message,
        status: error.status(),
        may_have_been_charged: error.may_have_been_charged(),
    }
}

/// Remixes one item: journals it as sent, sends it, downloads its images
/// if asked, and journals how it ended. An error writing the journal stops
/// here (`Err`), before anything more is sent.
///
/// `slot` is the item's place among the requests in flight at the API: it
/// is given back as soon as the API has answered, so that the next item is
/// sent while this one's images download (from the image host, not the
/// API).
pub async fn remix_item(context: &BatchContext, item: &Item, slot: Slot) -> std::io::Result<Outcome> {
    let image = match ImageFile::from_path(&item.image).await {
        Ok(image) => image,
        Err(e) => return finish(context, item, failed(&e.into())).await,
    };
    let sent = Entry::Sent {
        item: item.key.clone(),
        image: item.image.clone(),
        request: serde_json::from_str(&item.request.to_json()).unwrap_or_default(),
        at: journal::now(),
    };
    context.journal.append(&sent).await?;
    let answer = context.client.remix_output(&item.request, image).await;
    drop(slot);
    let outcome = match answer {
        Ok(output) => succeeded(context, item, &output.response).await?,
        Err(e) => failed(&e),
    };
    finish(context, item, outcome).await
}

/// The journal line saying `item` ended with `outcome`, now.
fn done_entry(item: &Item, outcome: Outcome) -> Entry {
    Entry::Done {
        item: item.key.clone(),
        image: item.image.clone(),
        at: journal::now(),
        outcome,
    }
}

async fn finish(context: &BatchContext, item: &Item, outcome: Outcome) -> std::io::Result<Outcome> {
    context.journal.append(&done_entry(item, outcome.clone())).await?;
    Ok(outcome)
}

/// The outcome of an accepted remix, with its images downloaded if asked.
/// The paid links are journaled before any download starts, so that a run
/// killed mid-download leaves them for the next run to fetch.
async fn succeeded(context: &BatchContext, item: &Item, response: &RemixResponse) -> std::io::Result<Outcome> {
    let images: Vec<Link> = response
        .images()
        .iter()
        .filter_map(|image| {
            let expires_at = image
                .expires_at()
                .and_then(|at| at.duration_since(std::time::UNIX_EPOCH).ok())
                .map(|d| d.as_secs());
            Some(Link {
                url: image.url.clone()?,
                expires_at,
            })
        })
        .collect();
    let request_id = response.request_id().map(str::to_string);
    let task_id = response.task().map(|t| t.task_id.clone());
    let outcome = |files: Vec<PathBuf>, download_error: Option<String>| Outcome::Ok {
        request_id: request_id.clone(),
        task_id: task_id.clone(),
        images: images.clone(),
        files,
        download_error,
    };
    let Some((downloader, dir)) = context.downloads.as_ref().filter(|_| !images.is_empty()) else {
        return Ok(outcome(Vec::new(), None));
    };
    context
        .journal
        .append(&done_entry(item, outcome(Vec::new(), None)))
        .await?;
    let (files, download_error) = download(context, downloader, dir, &item.stem(), &images, 0).await;
    Ok(outcome(files, download_error))
}

/// The links of an outcome whose images have no file yet.
pub fn unsaved_links(outcome: &Outcome) -> &[Link] {
    match outcome {
        Outcome::Ok { images, files, .. } => &images[files.len().min(images.len())..],
        Outcome::Failed { .. } => &[],
    }
}

/// Saves the images as `STEM-N.EXT` in `dir` (N counted from `first + 1`),
/// never overwriting (a taken name gets `-2`, `-3`, ... after the number).
/// Stops at the first failure: the files saved, and why it stopped. A file
/// that cannot be written is noted in `context`, which then starts no new
/// item.
pub async fn download(
    context: &BatchContext,
    downloader: &Downloader,
    dir: &Path,
    stem: &str,
    images: &[Link],
    first: usize,
) -> (Vec<PathBuf>, Option<String>) {
    let mut files = Vec::new();
    for (i, link) in images.iter().enumerate().map(|(i, l)| (i + first, l)) {
        let extension = Downloader::extension_for(&link.url);
        let mut taken = 1;
        loop {
            let name = match taken {
                1 => format!("{stem}-{}.{extension}", i + 1),
                k => format!("{stem}-{}-{k}.{extension}", i + 1),
            };
            let path = dir.join(name);
            match downloader.download(&link.url, &path, None).await {
                Ok(saved) => {
                    files.push(saved.path);
                    break;
                }
                Err(DownloadError::Exists(_)) => taken += 1,
                Err(e) => {
                    if let DownloadError::Io { path, source } = &e {
                        context.note_write_failure(path, source);
                    }
                    return (files, Some(format!("image {}: {}", i + 1, crate::report::chain(&e))));
                }
            }
        }
    }
    (files, None)
}

/// Fetches the images of an earlier run's finished item that were never
/// saved, from its journaled links, with no request to the API, and
/// journals the item again with every file it now has. Returns the new
/// outcome and how many images were fetched.
pub async fn fetch_missing(context: &BatchContext, item: &Item, outcome: Outcome) -> std::io::Result<(Outcome, usize)> {
    let Outcome::Ok {
        request_id,
        task_id,
        images,
        mut files,
        ..
    } = outcome
    else {
        return Ok((outcome, 0));
    };
    let Some((downloader, dir)) = &context.downloads else {
        return Ok((
            Outcome::Ok {
                request_id,
                task_id,
                images,
                files,
                download_error: None,
            },
            0,
        ));
    };
    let saved = files.len().min(images.len());
    let (new_files, download_error) = download(context, downloader, dir, &item.stem(), &images[saved..], saved).await;
    let fetched = new_files.len();
    files.extend(new_files);
    let outcome = Outcome::Ok {
        request_id,
        task_id,
        images,
        files,
        download_error,
    };
    context.journal.append(&done_entry(item, outcome.clone())).await?;
    Ok((outcome, fetched))
}

/// Listens for Ctrl-C: the first stops new items (in-flight ones finish
/// and are journaled), the second quits at once with 130.
pub fn watch_interrupts(stop: watch::Sender<bool>, say: Say) {
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_err() {
            return;
        }
        say("stopping: no new items; those in flight finish and are journaled (Ctrl-C again quits now)".into());
        let _ = stop.send(true);
        if tokio::signal::ctrl_c().await.is_ok() {
            say("quitting; the journal holds every line written so far".into());
            std::process::exit(Exit::Interrupted.code().into());
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_limit_drops_below_what_is_in_flight_and_takes_places_back() {
        let limiter = Limiter::new(4);
        let slots: Vec<Slot> = futures_join(&limiter, 4).await;
        assert_eq!(limiter.in_flight(), 4);
        limiter.lower_to(3);
        limiter.lower_to(5);
        assert_eq!(limiter.limit.load(Ordering::SeqCst), 3, "it only goes down");
        drop(slots);
        tokio::task::yield_now().await;
        let kept: Vec<Slot> = futures_join(&limiter, 3).await;
        assert_eq!(limiter.semaphore.available_permits(), 0, "three places in all now");
        drop(kept);
    }

    async fn futures_join(limiter: &Limiter, n: usize) -> Vec<Slot> {
        let mut slots = Vec::new();
        for _ in 0..n {
            slots.push(limiter.acquire().await);
        }
        slots
    }

    #[test]
    fn a_refused_input_was_not_charged() {
        let invalid = Error::from(remix_client::ImageRequest::from_json("{}").unwrap_err());
        assert!(!invalid.may_have_been_charged());
    }
}
