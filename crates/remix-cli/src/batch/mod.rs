//! `remix batch`: a folder or list of images (or a manifest) remixed
//! concurrently over one client, with a journal so that a re-run skips
//! what finished and nothing is paid for twice.
//!
//! - `items`: the items, checked before anything is sent;
//! - `journal`: `journal.jsonl`, written and read back;
//! - `runner`: concurrency, one item's remix and downloads, Ctrl-C;
//! - `summary`: progress, the summary and the exit code.

mod items;
mod journal;
mod runner;
mod sheet;
mod summary;

use std::sync::Arc;
use std::time::Instant;

use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::args::BatchArgs;
use crate::connection::{client_builder, downloader};
use crate::exit::Exit;
use crate::report::Failure;
use crate::request;
use items::Item;
use journal::{Journal, Outcome, State};

use runner::{BatchContext, Limiter};
use summary::{ItemNote, Summary, WhichRun};

/// The items of the command line: a manifest's, or the images' with the
/// request flags.
fn gather(args: &BatchArgs) -> Result<(Vec<Item>, Vec<String>), Failure> {
    match &args.manifest {
        Some(path) => Ok((items::from_manifest(path)?, Vec::new())),
        None => {
            let request = request::from_args(&args.request)?;
            items::from_inputs(&args.inputs, &request)
        }
    }
}

/// What this run does: the items it sends, and the finished items whose
/// images it fetches from their journaled links.
#[derive(Default)]
struct Plan {
    send: Vec<Item>,
    fetch: Vec<(Item, Outcome)>,
}

/// The earliest expiry among `links` that has passed by `now`, if any.
fn expired(links: &[journal::Link], now: u64) -> Option<u64> {
    links.iter().filter_map(|l| l.expires_at).filter(|at| *at <= now).min()
}

/// Which items this run sends, which it fetches; the rest are counted from
/// the journal.
fn plan(
    items: Vec<Item>,
    states: &std::collections::HashMap<String, State>,
    args: &BatchArgs,
    summary: &mut Summary,
) -> Plan {
    let mut plan = Plan::default();
    let now = journal::now();
    for item in items {
        match states.get(&item.key) {
            Some(State::Finished(outcome @ Outcome::Ok { .. }))
                if args.download && !runner::unsaved_links(outcome).is_empty() =>
            {
                match expired(runner::unsaved_links(outcome), now) {
                    None => plan.fetch.push((item, outcome.clone())),
                    Some(_) if args.remix_expired => plan.send.push(item),
                    Some(at) => {
                        summary.count(&item.image, outcome, WhichRun::Earlier);
                        summary.links_expired.push(ItemNote {
                            image: item.image.clone(),
                            error: Some(format!(
                                "{} image(s) not saved; links expired {}",
                                runner::unsaved_links(outcome).len(),
                                journal::http_date(at)
                            )),
                        });
                    }
                }
            }
            Some(State::Finished(outcome @ Outcome::Ok { .. })) => {
                summary.count(&item.image, outcome, WhichRun::Earlier)
            }
            Some(State::Finished(outcome @ Outcome::Failed { .. })) if !args.retry_failed => {
                summary.count(&item.image, outcome, WhichRun::Earlier)
            }
            Some(State::Interrupted) if !args.resend_interrupted => summary.interrupted_not_resent.push(ItemNote {
                image: item.image.clone(),
                error: None,
            }),
            _ => plan.send.push(item),
        }
    }
    if let Some(max) = args.max_images {
        let mut charged = 0;
        let fits = plan
            .send
            .iter()
            .take_while(|item| {
                charged += images_charged(item);
                charged <= max
            })
            .count();
        summary.left_for_later = plan.send.len() - fits;
        plan.send.truncate(fits);
    }
    plan
}

/// The images an item is charged for: its num_images, the API's default
/// where unset.
fn images_charged(item: &Item) -> u32 {
    item.request
        .num_images()
        .unwrap_or(remix_client::limits::DEFAULT_NUM_IMAGES)
}

/// What `--dry-run` prints: what would be sent and charged, what would be
/// fetched, and what the journal already holds.
fn dry_run_text(plan: &Plan, summary: &Summary, states: &std::collections::HashMap<String, State>) -> String {
    let mut out = String::from("dry run: nothing was sent\n");
    for item in &plan.send {
        out.push_str(&format!(
            "send: {} ({} image(s))\n",
            item.image.display(),
            images_charged(item)
        ));
    }
    for (item, outcome) in &plan.fetch {
        out.push_str(&format!(
            "fetch from the journaled links, no charge: {} ({} image(s))\n",
            item.image.display(),
            runner::unsaved_links(outcome).len()
        ));
    }
    let finished = states
        .values()
        .filter(|s| matches!(s, State::Finished(Outcome::Ok { .. })))
        .count();
    let failed = states
        .values()
        .filter(|s| matches!(s, State::Finished(Outcome::Failed { .. })))
        .count();
    let interrupted = states.values().filter(|s| matches!(s, State::Interrupted)).count();
    out.push_str(&format!(
        "the journal holds {finished} finished, {failed} failed and {interrupted} interrupted item(s)\n"
    ));
    for note in &summary.links_expired {
        out.push_str(&format!(
            "paid, links expired, not downloaded: {}: {}\n",
            note.image.display(),
            note.error.as_deref().unwrap_or("")
        ));
    }
    let charged: u32 = plan.send.iter().map(images_charged).sum();
    out.push_str(&format!(
        "would charge {charged} image(s) for {} item(s)",
        plan.send.len()
    ));
    if summary.left_for_later > 0 {
        out.push_str(&format!(
            "; {} item(s) left for later by --max-images",
            summary.left_for_later
        ));
    }
    out.push('\n');
    out
}

/// Fetches, one item after another, the unsaved images of earlier runs'
/// items; counts each item with its new outcome.
async fn fetch_all(
    context: &BatchContext,
    fetch: Vec<(Item, Outcome)>,
    summary: &mut Summary,
    say: &Say,
) -> Result<(), Failure> {
    for (item, outcome) in fetch {
        let (outcome, fetched) = runner::fetch_missing(context, &item, outcome)
            .await
            .map_err(|e| write_failure(context.journal.path(), &e.to_string(), summary))?;
        summary.fetched_now += fetched;
        summary.count(&item.image, &outcome, WhichRun::Earlier);
        if let Outcome::Ok {
            download_error: Some(error),
            ..
        } = &outcome
        {
            say(format!("note: {}: {error}", item.image.display()));
            summary.download_failures.push(ItemNote {
                image: item.image.clone(),
                error: Some(error.clone()),
            });
        }
        if let Some((path, error)) = context.write_failed() {
            return Err(write_failure(&path, &error, summary));
        }
    }
    Ok(())
}

/// Says one line to the user (a note, a warning), context by the tasks.
pub type Say = Arc<dyn Fn(String) + Send + Sync>;

/// A line for the user, above the progress bar when there is one.
fn say_above_bar(bar: Option<indicatif::ProgressBar>) -> Say {
    Arc::new(move |line: String| match &bar {
        Some(bar) => bar.println(line),
        None => eprintln!("{line}"),
    })
}

/// Runs `remix batch` and returns its exit code.
pub async fn run(args: BatchArgs) -> Result<Exit, Failure> {
    let started = Instant::now();
    let (items, notes) = gather(&args)?;
    items::check(&items).await?;
    if args.dry_run {
        let text = std::fs::read_to_string(args.out.join(journal::FILE_NAME)).unwrap_or_default();
        let past = journal::read(&text);
        let mut summary = Summary::default();
        let plan = plan(items, &past.states, &args, &mut summary);
        for line in notes.iter().chain(&past.warnings) {
            eprintln!("note: {line}");
        }
        print!("{}", dry_run_text(&plan, &summary, &past.states));
        return Ok(Exit::Success);
    }
    std::fs::create_dir_all(&args.out).map_err(|e| {
        Failure::usage(
            format!("cannot create --out {}: {e}", args.out.display()),
            "check the path",
        )
    })?;
    let (journal, past) = Journal::open(&args.out)
        .await
        .map_err(|e| journal_failure(&args.out, &e))?;
    let mut summary = Summary {
        items: items.len(),
        journal: journal.path().to_path_buf(),
        ..Summary::default()
    };
    let all_items = items.clone();
    let plan = plan(items, &past.states, &args, &mut summary);
    let bar = summary::progress_bar(plan.send.len());
    let say = say_above_bar(bar.clone());
    for line in notes.iter().chain(&past.warnings) {
        say(format!("note: {line}"));
    }
    let context = Arc::new(batch_context(&args, journal, say.clone())?);
    let outcome = match fetch_all(&context, plan.fetch, &mut summary, &say).await {
        Ok(()) => send_all(context, plan.send, bar.clone(), &mut summary, say.clone()).await,
        Err(failure) => Err(failure),
    };
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    write_sheet(&args.out, &all_items);
    outcome?;
    summary.finish(started.elapsed());
    if args.json {
        println!("{}", serde_json::to_string_pretty(&summary).unwrap_or_default());
    } else {
        print!("{}", summary.text());
    }
    Ok(summary.exit_code)
}

/// Writes the contact sheet from what the journal now holds; a sheet that
/// cannot be written is a note, never a failure of the batch.
fn write_sheet(dir: &std::path::Path, items: &[Item]) {
    let text = std::fs::read_to_string(dir.join(journal::FILE_NAME)).unwrap_or_default();
    let states = journal::read(&text).states;
    if let Err(e) = sheet::write(dir, items, &states) {
        eprintln!(
            "note: the contact sheet {} was not written: {e}",
            dir.join(sheet::FILE_NAME).display()
        );
    }
}

/// The client, the limiter and the downloader every item shares.
fn batch_context(args: &BatchArgs, journal: Journal, say: Say) -> Result<BatchContext, Failure> {
    let limiter = Arc::new(Limiter::new(args.concurrency));
    let pressure = Arc::new(runner::Pressure::new(limiter.clone(), say.clone()));
    let observer = pressure.clone();
    let client = client_builder(&args.connection)?
        .max_in_flight(args.concurrency)
        .on_max_in_flight_lowered(move |from, to| observer.lowered(from, to))
        .build()
        .map_err(|e| crate::report::from_error(&e, crate::report::RequestOrigin::Flags))?;
    let downloads = if args.download {
        Some((downloader(&args.connection)?, args.out.clone()))
    } else {
        None
    };
    Ok(BatchContext {
        client,
        journal,
        limiter,
        downloads,
        write_failure: std::sync::Mutex::new(None),
    })
}

/// Sends every pending item, at most the limit at once, until they are
/// done or Ctrl-C stops new ones.
async fn send_all(
    context: Arc<BatchContext>,
    pending: Vec<Item>,
    bar: Option<indicatif::ProgressBar>,
    summary: &mut Summary,
    say: Say,
) -> Result<(), Failure> {
    let (stop_tx, mut stop) = watch::channel(false);
    runner::watch_interrupts(stop_tx, say);
    let mut tasks: JoinSet<(Item, std::io::Result<Outcome>)> = JoinSet::new();
    let mut queue = pending.into_iter();
    let mut journal_error = None;
    for item in queue.by_ref() {
        let slot = tokio::select! {
            slot = context.limiter.acquire() => slot,
            _ = stop.wait_for(|stopped| *stopped) => {
                summary.not_started += 1;
                break;
            }
        };
        while let Some(done) = tasks.try_join_next() {
            record(done, summary, &mut journal_error);
        }
        if journal_error.is_some() || context.write_failed().is_some() {
            summary.not_started += 1;
            break;
        }
        let (context, bar) = (context.clone(), bar.clone());
        tasks.spawn(async move {
            let outcome = runner::remix_item(&context, &item, slot).await;
            if let Some(bar) = &bar {
                bar.inc(1);
                bar.set_message(format!("{} in flight", context.limiter.in_flight()));
            }
            (item, outcome)
        });
    }
    summary.not_started += queue.len();
    summary.stopped = *stop.borrow();
    while let Some(done) = tasks.join_next().await {
        record(done, summary, &mut journal_error);
    }
    match (journal_error, context.write_failed()) {
        (Some(e), _) => Err(write_failure(context.journal.path(), &e.to_string(), summary)),
        (None, Some((path, error))) => Err(write_failure(&path, &error, summary)),
        (None, None) => Ok(()),
    }
}

/// Counts a finished task; keeps the first journal error.
fn record(
    done: Result<(Item, std::io::Result<Outcome>), tokio::task::JoinError>,
    summary: &mut Summary,
    journal_error: &mut Option<std::io::Error>,
) {
    match done {
        Ok((item, Ok(outcome))) => summary.count(&item.image, &outcome, WhichRun::This),
        Ok((_, Err(e))) => {
            journal_error.get_or_insert(e);
        }
        Err(e) => {
            journal_error.get_or_insert(std::io::Error::other(e));
        }
    }
}

/// The journal could not be opened in `dir`: nothing was sent.
fn journal_failure(dir: &std::path::Path, error: &std::io::Error) -> Failure {
    Failure {
        exit: Exit::WriteFailed,
        message: format!("cannot write the journal in {}: {error}", dir.display()),
        hint: Some("nothing was sent; fix the folder and run the same command again".into()),
        ..Failure::default()
    }
}

/// A file could not be written mid-batch: the one line that says which
/// and why, with what the batch did about it.
fn write_failure(path: &std::path::Path, error: &str, summary: &Summary) -> Failure {
    Failure {
        exit: Exit::WriteFailed,
        message: format!("cannot write {}: {error}", path.display()),
        hint: Some(format!(
            "no new item was started ({} left); those in flight finished and were journaled where the \
             journal could be written. Free the space (or fix the folder) and run the same command again: \
             what finished is skipped, and unsaved images are fetched from their links",
            summary.not_started
        )),
        ..Failure::default()
    }
}
