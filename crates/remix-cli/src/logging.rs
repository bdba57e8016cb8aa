//! `-v`, `-vv` and `RUST_LOG`: what remix-client's spans and events say,
//! on stderr. Off unless asked for, so that the default output stays the
//! summary and the hints.

use tracing_subscriber::filter::Targets;
use tracing_subscriber::fmt::format::FmtSpan;
use tracing_subscriber::prelude::*;

use crate::report::Failure;

/// The crates whose spans and events `-v` shows.
const OURS: [&str; 2] = ["remix_client", "remix"];

/// The filter for `verbose` (the count of `-v`), or `RUST_LOG`'s when it
/// is set and not empty.
pub fn filter(verbose: u8, rust_log: Option<&str>) -> Result<Option<Targets>, Failure> {
    if let Some(directives) = rust_log.map(str::trim).filter(|s| !s.is_empty()) {
        return directives.parse::<Targets>().map(Some).map_err(|e| {
            Failure::usage(
                format!("RUST_LOG {directives:?} is not a list of target=level: {e}"),
                "write it as `remix_client=debug`, `debug` or `remix_client=info,remix=debug`",
            )
        });
    }
    let level = match verbose {
        0 => return Ok(None),
        1 => tracing::Level::INFO,
        2 => tracing::Level::DEBUG,
        _ => tracing::Level::TRACE,
    };
    Ok(Some(
        OURS.iter()
            .fold(Targets::new(), |t, target| t.with_target(*target, level)),
    ))
}

/// Installs the stderr subscriber for `verbose` and `RUST_LOG`. A span is
/// printed when it closes, with its fields (status, request_id, bytes,
/// attempts) and how long it took.
pub fn init(verbose: u8) -> Result<(), Failure> {
    let rust_log = std::env::var("RUST_LOG").ok();
    let Some(filter) = filter(verbose, rust_log.as_deref())? else {
        return Ok(());
    };
    let layer = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .with_span_events(FmtSpan::CLOSE);
    // A second subscriber can only be refused when one is installed already;
    // the first one then keeps printing.
    let _ = tracing_subscriber::registry()
        .with(layer.with_filter(filter))
        .try_init();
    Ok(())
}

#[cfg(test)]
mod tests {
    use tracing::Level;

    use super::*;

    #[test]
    fn each_v_shows_more_of_our_crates_only() {
        assert!(filter(0, None).unwrap().is_none(), "quiet by default");
        let one = filter(1, None).unwrap().unwrap();
        assert!(one.would_enable("remix_client::client", &Level::INFO));
        assert!(!one.would_enable("remix_client::client", &Level::DEBUG));
        assert!(
            !one.would_enable("hyper_util::client", &Level::INFO),
            "not the HTTP stack's"
        );
        let two = filter(2, None).unwrap().unwrap();
        assert!(two.would_enable("remix_client::client::attempt", &Level::DEBUG));
    }

    #[test]
    fn rust_log_wins_and_a_bad_one_names_the_variable() {
        let env = filter(0, Some("hyper=trace")).unwrap().unwrap();
        assert!(env.would_enable("hyper::proto", &Level::TRACE));
        assert_eq!(filter(2, Some("  ")).unwrap().unwrap().default_level(), None);
        let bad = filter(0, Some("remix_client=loud")).unwrap_err();
        assert!(
            bad.message.starts_with("RUST_LOG \"remix_client=loud\""),
            "{}",
            bad.message
        );
    }
}
