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
//! - `links`: `remix download`, saving links an earlier remix printed;
//! - `logging`: `-v`, `-vv` and `RUST_LOG` on stderr;
//! - `completions` and the man pages: `remix completions`, `remix man`.

mod args;
mod batch;
mod connection;
mod exit;
mod links;
mod logging;
mod report;
mod request;
mod run;

use std::process::ExitCode;

use clap::{CommandFactory, Parser};

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
    let json = match &cli.command {
        Some(args::Command::Batch(batch)) => batch.json,
        Some(args::Command::Download(download)) => download.json,
        _ => cli.json,
    };
    if let Err(failure) = logging::init(cli.verbose) {
        failure.print(json);
        return failure.exit.into();
    }
    match &cli.command {
        Some(args::Command::Completions { shell }) => {
            clap_complete::generate(*shell, &mut args::Cli::command(), "remix", &mut std::io::stdout());
            return exit::Exit::Success.into();
        }
        Some(args::Command::Man { out }) => return man_pages(out),
        _ => {}
    }
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
        Some(args::Command::Completions { .. } | args::Command::Man { .. }) => Ok(exit::Exit::Success),
        None => runtime.block_on(run::run(cli)).map(|()| exit::Exit::Success),
    };
    match outcome {
        Ok(exit) => exit.into(),
        Err(failure) => {
            failure.print(json);
            failure.exit.into()
        }
    }
}

/// `remix man --out DIR`: `remix.1` and one page per visible subcommand
/// (`remix-batch.1`, ...), rendered by clap_mangen from the same
/// definitions as `--help`.
fn man_pages(out: &std::path::Path) -> ExitCode {
    let written = std::fs::create_dir_all(out).and_then(|()| {
        let mut command = args::Cli::command();
        // Global flags (-v) reach the subcommands when the command is built.
        command.build();
        let mut pages = vec![("remix".to_string(), command.clone())];
        for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
            let name = format!("remix-{}", sub.get_name());
            let page = sub
                .clone()
                .display_name(&name)
                .bin_name(format!("remix {}", sub.get_name()))
                .version(env!("CARGO_PKG_VERSION"));
            pages.push((name, page));
        }
        for (name, page) in pages {
            let mut roff = Vec::new();
            clap_mangen::Man::new(page).render(&mut roff)?;
            std::fs::write(out.join(format!("{name}.1")), roff)?;
        }
        Ok(())
    });
    match written {
        Ok(()) => exit::Exit::Success.into(),
        Err(e) => {
            eprintln!("error: cannot write the man pages into {}: {e}", out.display());
            exit::Exit::Internal.into()
        }
    }
}
