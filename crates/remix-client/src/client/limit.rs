//! [`ClientBuilder::max_in_flight`](super::ClientBuilder::max_in_flight):
//! at most N requests open at once over one client and its clones, fewer
//! once the API says too many images are in flight (a 429 with reason
//! `inflight_limit`), for the rest of the client's life.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// What [`ClientBuilder::on_max_in_flight_lowered`](super::ClientBuilder::on_max_in_flight_lowered)
/// is told: the limit before and after.
pub(crate) type LoweredObserver = Arc<dyn Fn(u32, u32) + Send + Sync>;

/// The shared limit.
pub(crate) struct InFlight {
    semaphore: Arc<Semaphore>,
    limit: AtomicU32,
    open: Arc<AtomicU32>,
    on_lowered: Option<LoweredObserver>,
}

/// One request's place; given back when dropped.
pub(crate) struct Place {
    _permit: OwnedSemaphorePermit,
    open: Arc<AtomicU32>,
}

impl Drop for Place {
    fn drop(&mut self) {
        self.open.fetch_sub(1, Ordering::SeqCst);
    }
}

impl InFlight {
    pub(crate) fn new(limit: u32, on_lowered: Option<LoweredObserver>) -> InFlight {
        InFlight {
            semaphore: Arc::new(Semaphore::new(limit as usize)),
            limit: AtomicU32::new(limit),
            open: Arc::new(AtomicU32::new(0)),
            on_lowered,
        }
    }

    /// Waits for a place.
    pub(crate) async fn acquire(&self) -> Place {
        let permit = self
            .semaphore
            .clone()
            .acquire_owned()
            .await
            .expect("the semaphore is never closed");
        self.open.fetch_add(1, Ordering::SeqCst);
        Place {
            _permit: permit,
            open: self.open.clone(),
        }
    }

    /// Requests open now.
    pub(crate) fn open(&self) -> u32 {
        self.open.load(Ordering::SeqCst)
    }

    /// The limit now.
    pub(crate) fn limit(&self) -> u32 {
        self.limit.load(Ordering::SeqCst)
    }

    /// The API said too many images are in flight: the limit drops below
    /// the number open now (at least 1); the places above it are taken
    /// back as they free up. Returns the old and new limit when it dropped.
    pub(crate) fn too_many(&self) -> Option<(u32, u32)> {
        let target = self.open().saturating_sub(1).max(1);
        let current = self.limit();
        if target >= current
            || self
                .limit
                .compare_exchange(current, target, Ordering::SeqCst, Ordering::SeqCst)
                .is_err()
        {
            return None;
        }
        let semaphore = self.semaphore.clone();
        tokio::spawn(async move {
            if let Ok(permits) = semaphore.acquire_many_owned(current - target).await {
                permits.forget();
            }
        });
        tracing::warn!(
            from = current,
            to = target,
            "the API says too many images are in flight; max_in_flight lowered for the rest of the client's life"
        );
        if let Some(observer) = &self.on_lowered {
            observer(current, target);
        }
        Some((current, target))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_limit_drops_below_what_is_open_and_takes_places_back() {
        let limit = InFlight::new(4, None);
        let places: Vec<Place> = futures_util::future::join_all((0..4).map(|_| limit.acquire())).await;
        assert_eq!(limit.open(), 4);
        assert_eq!(limit.too_many(), Some((4, 3)));
        assert_eq!(limit.too_many(), None, "no lower while four are still open");
        drop(places);
        tokio::task::yield_now().await;
        let held: Vec<Place> = futures_util::future::join_all((0..3).map(|_| limit.acquire())).await;
        assert_eq!(limit.open(), 3);
        let fourth = tokio::time::timeout(std::time::Duration::from_millis(50), limit.acquire()).await;
        assert!(fourth.is_err(), "a fourth place is not given");
        drop(held);
    }
}
