//! The second thread of [`super::parse_printing_types`]: it prints the
//! `types` module, then, as it has time, methods of `impl Client` that the
//! parsing thread sends it. What it gets goes as text and is lexed again
//! (proc-macro2's tokens cannot cross threads): that costs the parsing
//! thread a fifth of what parsing and printing a method would, so a method
//! is sent only while the second thread has at most a few waiting, and the
//! parsing thread parses and prints the others itself. Which thread prints
//! a method changes when it is printed, never how: the same printer prints
//! the same tree.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::thread::JoinHandle;

use proc_macro2::Span;

use super::{MethodScreen, Methods, Screen};

/// Methods waiting for the second thread, at most, before the parsing
/// thread prints the next itself: enough that the second thread does not
/// wait for the next, few enough that the parsing thread does not wait for
/// the second at the end.
pub const WAITING_AT_MOST: usize = 2;

enum Job {
    Types(String),
    Method(String),
}

/// What the second thread printed, and its screens.
struct Done<S, M> {
    types: String,
    screen: S,
    methods: Vec<String>,
    method_screen: M,
}

/// The second thread, started when it is first given something.
pub struct Worker<S, M> {
    jobs: Option<mpsc::Sender<Job>>,
    waiting: Arc<AtomicUsize>,
    waiting_at_most: usize,
    sent: usize,
    thread: Option<JoinHandle<syn::Result<Done<S, M>>>>,
    unstarted: Option<(S, M)>,
}

impl<S: Screen, M: MethodScreen> Worker<S, M> {
    /// A worker for `screen` (the types) and a copy of `methods` (the
    /// methods sent); `waiting_at_most` methods wait for it at a time.
    pub fn new(screen: S, methods: &M, waiting_at_most: usize) -> Self {
        Worker {
            jobs: None,
            waiting: Arc::new(AtomicUsize::new(0)),
            waiting_at_most,
            sent: 0,
            thread: None,
            unstarted: Some((screen, methods.clone())),
        }
    }

    /// The body of the `types` module, as text, to print.
    pub fn types(&mut self, text: String) {
        self.send(Job::Types(text));
    }

    /// Whether a method sent now would wait behind fewer than the most.
    pub fn has_room(&self) -> bool {
        self.waiting.load(Ordering::Acquire) < self.waiting_at_most
    }

    /// A method of `impl Client`, as text, to print as
    /// [`super::client`] prints it, after the method screen's
    /// [`MethodScreen::before_printing`]; its number among those sent.
    pub fn method(&mut self, text: String) -> usize {
        self.send(Job::Method(text));
        self.sent += 1;
        self.sent - 1
    }

    fn send(&mut self, job: Job) {
        if let Some((screen, method_screen)) = self.unstarted.take() {
            let (jobs, received) = mpsc::channel();
            let waiting = Arc::clone(&self.waiting);
            self.jobs = Some(jobs);
            self.thread = Some(std::thread::spawn(move || {
                work(received, &waiting, screen, method_screen)
            }));
        }
        self.waiting.fetch_add(1, Ordering::AcqRel);
        // A thread that stopped has an error, which `join` gives.
        if let Some(jobs) = &self.jobs {
            let _ = jobs.send(job);
        }
    }

    /// The printed types and the types screen, once all is printed; the
    /// methods sent put in their places in `methods`, and what the second
    /// thread's method screen noted added to `method_screen`.
    pub fn join(mut self, methods: &mut Methods, method_screen: &mut M) -> syn::Result<(String, S)> {
        if let Some((screen, _)) = self.unstarted.take() {
            return Ok((String::new(), screen));
        }
        drop(self.jobs.take());
        let Some(thread) = self.thread.take() else {
            return Err(syn::Error::new(Span::call_site(), "the second thread was joined twice"));
        };
        let done = thread.join().unwrap_or_else(|payload| {
            let message = crate::progenitor_run::panic_message(&*payload);
            Err(syn::Error::new(
                Span::call_site(),
                format!("printing on the second thread panicked: {message}"),
            ))
        })?;
        if done.methods.len() != self.sent {
            return Err(syn::Error::new(
                Span::call_site(),
                format!(
                    "{} methods were sent to print, {} came back",
                    self.sent,
                    done.methods.len()
                ),
            ));
        }
        methods.set_sent(done.methods);
        method_screen.absorb(done.method_screen);
        Ok((done.types, done.screen))
    }
}

fn work<S: Screen, M: MethodScreen>(
    jobs: mpsc::Receiver<Job>,
    waiting: &AtomicUsize,
    mut screen: S,
    mut method_screen: M,
) -> syn::Result<Done<S, M>> {
    let (mut types, mut methods) = (String::new(), Vec::new());
    for job in jobs {
        waiting.fetch_sub(1, Ordering::AcqRel);
        match job {
            Job::Types(text) => types.push_str(&super::print_types(&text, &mut screen)?),
            Job::Method(text) => methods.push(super::client::print_method(&text, &mut method_screen)?),
        }
    }
    Ok(Done {
        types,
        screen,
        methods,
        method_screen,
    })
}
