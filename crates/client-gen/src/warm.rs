//! Memory faulted in ahead of the generator, on the other core.
//!
//! A big spec's run touches gigabytes of fresh memory (Microsoft Graph's
//! beta spec: 2.8 GB at its peak), and on a virtual machine the kernel
//! takes one to two seconds per GB to hand it over, zeroing each page on
//! the first write: a third of that run was the kernel's `clear_page`
//! (perf), on the generator's own thread, while the second core idled.
//! Here, before a big spec is read, a helper thread asks the kernel to
//! fault in the memory mimalloc will hand out next (`MADV_POPULATE_WRITE`,
//! Linux 5.14 and later: the pages are made present and writable, their
//! contents, zero, untouched, so the generator writing to the same pages
//! at the same time is no race), first the rest of the arena mimalloc
//! reserved before `main`, then an arena reserved here for the rest of
//! what the spec is expected to need.
//!
//! It changes where the kernel's work is done, never what the generator
//! allocates or prints: the output is the same byte for byte. Where any
//! step is not available (another OS, an older kernel, `/proc` not
//! mounted, little memory free) it does nothing, and the run is what it
//! was without it.

/// Specs smaller than this are done before the helper would be of use.
const SMALL_SPEC: u64 = 4 << 20;

/// Peak memory over spec size, rounded down: Microsoft Graph's beta spec
/// (47 MB) peaks at 1.9 GB, its v1.0 spec (20 MB) at 0.97 GB, without this
/// helper (since the client's methods are printed as they are parsed;
/// 2.5 and 1.4 GB before). Faulting in less than the run needs leaves the
/// rest to be faulted in as before; more is zeroed for nothing, so the
/// estimate stays low.
const PEAK_PER_SPEC_BYTE: u64 = 40;

/// The pages are faulted in this much at a time: one huge page. While the
/// kernel faults in a chunk it holds the process's address-space lock, and
/// a thread that maps memory meanwhile (one starting, for the walks on two
/// threads) waits for the chunk to finish: with 16 MB chunks (50 ms each on
/// memory the host has to hand over again), Microsoft Graph's beta spec
/// took 9.66 s right after 6 GB were freed, with 2 MB 9.06-9.13 s.
const CHUNK: usize = 2 << 20;

/// Starts the helper for a spec of `spec_bytes`; returns at once.
pub fn fault_in_ahead(spec_bytes: u64) {
    if spec_bytes < SMALL_SPEC {
        return;
    }
    #[cfg(target_os = "linux")]
    linux::start(spec_bytes.saturating_mul(PEAK_PER_SPEC_BYTE));
}

#[cfg(target_os = "linux")]
mod linux {
    use std::ffi::c_void;

    use super::CHUNK;

    unsafe extern "C" {
        /// mimalloc.h: the start and size of an arena (the Rust bindings
        /// leave it out).
        fn mi_arena_area(arena_id: libmimalloc_sys::mi_arena_id_t, size: *mut usize) -> *mut c_void;
    }

    /// A span of address space: start and length in bytes.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub(super) struct Span {
        pub start: usize,
        pub len: usize,
    }

    pub(super) fn start(expected: u64) {
        let Some(available) = available_bytes() else { return };
        // At most half of what the system has to spare.
        let budget = expected.min(available / 2);
        let Ok(budget) = usize::try_from(budget) else { return };
        let mut spans = Vec::new();
        // Where mimalloc hands out memory now: the arena it reserved at
        // start-up, from the page of a fresh allocation on.
        let probe = Box::new(0u8);
        let at = &*probe as *const u8 as usize;
        drop(probe);
        let Ok(maps) = std::fs::read_to_string("/proc/self/maps") else {
            return;
        };
        let Some(first) = rest_of_mapping(&maps, at, budget) else {
            return;
        };
        spans.push(first);
        let more = budget.saturating_sub(first.len);
        if more >= CHUNK
            && let Some(reserved) = reserve(more)
        {
            spans.push(reserved);
        }
        // A helper that cannot start leaves the faults to the generator.
        let _ = std::thread::Builder::new()
            .name("fault-in-ahead".into())
            .spawn(move || populate(&spans));
    }

    /// Free memory and what the kernel can reclaim, from `/proc/meminfo`.
    fn available_bytes() -> Option<u64> {
        let info = std::fs::read_to_string("/proc/meminfo").ok()?;
        mem_available(&info)
    }

    pub(super) fn mem_available(meminfo: &str) -> Option<u64> {
        let line = meminfo.lines().find(|line| line.starts_with("MemAvailable:"))?;
        let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
        kib.checked_mul(1024)
    }

    /// The part of the mapping holding `at`, from `at`'s page on, at most
    /// `limit` bytes, as `/proc/self/maps` lists it (`start-end perms ...`,
    /// in hexadecimal); only a private, writable mapping.
    pub(super) fn rest_of_mapping(maps: &str, at: usize, limit: usize) -> Option<Span> {
        let page = at & !0xfff;
        maps.lines().find_map(|line| {
            let mut fields = line.split_whitespace();
            let (low, high) = fields.next()?.split_once('-')?;
            let perms = fields.next()?;
            let (low, high) = (
                usize::from_str_radix(low, 16).ok()?,
                usize::from_str_radix(high, 16).ok()?,
            );
            (low <= at && at < high && perms.starts_with("rw") && perms.ends_with('p')).then(|| Span {
                start: page,
                len: (high - page).min(limit),
            })
        })
    }

    /// A new mimalloc arena of at least `bytes`, used once the first is
    /// full (mimalloc searches its arenas in the order they were made).
    fn reserve(bytes: usize) -> Option<Span> {
        let mut id: libmimalloc_sys::mi_arena_id_t = std::ptr::null_mut();
        // SAFETY: mimalloc's documented calls: it maps the arena itself
        // (committed, transparent huge pages allowed, shared with every
        // thread), and reports where it is.
        unsafe {
            if libmimalloc_sys::mi_reserve_os_memory_ex(bytes, true, true, false, &mut id) != 0 {
                return None;
            }
            let mut len = 0;
            let start = mi_arena_area(id, &mut len);
            (!start.is_null()).then(|| Span {
                start: start as usize,
                len: len.min(bytes),
            })
        }
    }

    /// Faults in `spans` a chunk at a time, stopping at the first refusal
    /// (`EINVAL` before Linux 5.14). The thread runs at the lowest
    /// priority: the generator's own threads on the other core (the walks,
    /// the typed read, the printing) come first, and it takes what time
    /// they leave.
    fn populate(spans: &[Span]) {
        // SAFETY: sets this thread's nice value (on Linux a thread has its
        // own; `who` 0 is the calling thread); a refusal changes nothing.
        let _ = unsafe { libc::setpriority(libc::PRIO_PROCESS, 0, 19) };
        for span in spans {
            let mut done = 0;
            while done < span.len {
                let len = CHUNK.min(span.len - done);
                // SAFETY: the span is mapped, private and writable memory
                // of this process; MADV_POPULATE_WRITE only makes its pages
                // present, and changes no byte of them.
                let refused =
                    unsafe { libc::madvise((span.start + done) as *mut c_void, len, libc::MADV_POPULATE_WRITE) } != 0;
                if refused {
                    return;
                }
                done += len;
            }
        }
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::linux::{Span, mem_available, rest_of_mapping};

    const MAPS: &str = "\
55d0c0a00000-55d0c0c00000 r-xp 00000000 08:01 123 /usr/bin/client-gen
7f0000000000-7f0040000000 rw-p 00000000 00:00 0
7f0040000000-7f0040001000 ---p 00000000 00:00 0
7f0050000000-7f0050100000 rw-s 00000000 00:05 9 /dev/shm/x
";

    #[test]
    fn the_rest_of_the_arena_from_the_page_of_the_probe() {
        let span = rest_of_mapping(MAPS, 0x7f00_0000_2345, usize::MAX).unwrap();
        assert_eq!(
            span,
            Span {
                start: 0x7f00_0000_2000,
                len: 0x4000_0000 - 0x2000
            }
        );
    }

    #[test]
    fn never_more_than_the_budget() {
        let span = rest_of_mapping(MAPS, 0x7f00_0000_0000, 1 << 20).unwrap();
        assert_eq!(span.len, 1 << 20);
    }

    #[test]
    fn only_private_writable_memory_is_faulted_in() {
        assert_eq!(rest_of_mapping(MAPS, 0x55d0_c0a0_0010, usize::MAX), None);
        assert_eq!(rest_of_mapping(MAPS, 0x7f00_4000_0010, usize::MAX), None);
        assert_eq!(rest_of_mapping(MAPS, 0x7f00_5000_0010, usize::MAX), None);
        assert_eq!(rest_of_mapping(MAPS, 0x1000, usize::MAX), None);
    }

    #[test]
    fn available_memory_is_read_in_kib() {
        let info = "MemTotal:       24000000 kB\nMemFree:  100 kB\nMemAvailable:   2000000 kB\n";
        assert_eq!(mem_available(info), Some(2_048_000_000));
        assert_eq!(mem_available("MemTotal: 5 kB\n"), None);
    }
}
