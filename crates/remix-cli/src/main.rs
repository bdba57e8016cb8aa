//! `remix`: the Remix API from a terminal, built on `remix-client` only.
//!
//! - `args`: the command line, with help from remix-client's tables;
//! - `request`: flags (or a request file) into a checked request;
//! - `connection`: the client and downloader the connection flags describe
//!   (shared by `run` and `batch`);
//! - `run`: one remix, its dry run, and the downloads;
//! - `exit`: the exit codes, one table for both help texts and every exit;
//! - `report`: error lines, summaries and progress bars;
//! - `batch`: `remix batch`, many images with a journal;
//! - `links`: `remix download`, saving links an earlier remix printed.

mod args;
mod batch;
mod connection;
mod exit;
mod links;
mod report;
mod request;
mod run;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    std::panic::set_hook(Box::new(|info| {
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| (*s).to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown".into());
        eprintln!("error: internal error: {message}");
        eprintln!("hint: this is a bug in remix; please report it");
    }));
    let cli = args::Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return exit::Exit::Internal.into();
        }
    };
    let outcome = match cli.command {
        Some(args::Command::Batch(batch)) => runtime.block_on(batch::run(*batch)),
        Some(args::Command::Download(download)) => runtime.block_on(links::run(download)),
        None => runtime.block_on(run::run(cli)).map(|()| exit::Exit::Success),
    };
    match outcome {
        Ok(exit) => exit.into(),
        Err(failure) => {
            failure.print();
            failure.exit.into()
        }
    }
}
