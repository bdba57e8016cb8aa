//! `remix-mock`: runs the local contract server of the Remix API.

use clap::Parser;
use remix_mock::{Fault, MockConfig};

/// A local contract server of the Remix API (POST /ideogram/remix).
///
/// It checks every request the way the real API does and answers with the
/// spec's task envelope, or with --native with Ideogram's native image list:
/// remixes of the uploaded image behind signed links that expire, which it
/// serves itself. The first line on stdout is the address it listens on
/// (`http://127.0.0.1:PORT`), so `--port 0` can be scripted.
#[derive(Debug, Parser)]
#[command(name = "remix-mock", version)]
struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// Port to listen on; 0 picks a free one.
    #[arg(long, default_value_t = 8787)]
    port: u16,
    /// The one bearer token accepted (any non-empty token if unset).
    #[arg(long, env = "REMIX_MOCK_API_KEY", hide_env_values = true)]
    api_key: Option<String>,
    /// Answer with Ideogram's native image list (links served by the mock).
    #[arg(long)]
    native: bool,
    /// Deterministic ids, times and images.
    #[arg(long)]
    seed: Option<u64>,
    /// Script a fault, STATUS:COUNT (429:2 answers the next two requests
    /// with 429). Repeat for a sequence: --fail-with 503:1 --fail-with 429:1.
    #[arg(long = "fail-with", value_name = "STATUS:COUNT")]
    fail_with: Vec<Fault>,
    /// Retry-After seconds sent with 429 and 503 faults.
    #[arg(long, default_value_t = 1)]
    retry_after: u64,
    /// Seconds the native image links stay valid (their `exp`); past it
    /// they answer 410 Gone.
    #[arg(long, value_name = "SECS", default_value_t = remix_mock::DEFAULT_LINK_TTL)]
    link_ttl: u64,
    /// Milliseconds every remix answer waits (to time and interrupt batches).
    #[arg(long, value_name = "MS", default_value_t = 0)]
    latency: u64,
    /// Up to this many milliseconds more, drawn per request.
    #[arg(long, value_name = "MS", default_value_t = 0)]
    jitter: u64,
    /// Make the image links misbehave: fail-once (500 on each link's first
    /// fetch), html (an HTML page behind a 200), cut-off (half the
    /// announced bytes, then the connection closes), slow (16 pieces,
    /// 100 ms apart), or none.
    #[arg(long, value_name = "FAULT", default_value = "none")]
    image_fault: remix_mock::ImageFault,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args = Args::parse();
    let listener = match tokio::net::TcpListener::bind((args.host.as_str(), args.port)).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: cannot listen on {}:{}: {e}", args.host, args.port);
            return std::process::ExitCode::from(2);
        }
    };
    let addr = match listener.local_addr() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    println!("http://{addr}");
    eprintln!(
        "remix-mock: POST http://{addr}/ideogram/remix ({} shape){}",
        if args.native { "native" } else { "task envelope" },
        if args.fail_with.is_empty() {
            String::new()
        } else {
            format!(", scripted faults: {:?}", args.fail_with)
        }
    );
    let config = MockConfig {
        api_key: args.api_key,
        native: args.native,
        seed: args.seed,
        faults: args.fail_with,
        retry_after: args.retry_after,
        link_ttl: args.link_ttl,
        latency: std::time::Duration::from_millis(args.latency),
        jitter: std::time::Duration::from_millis(args.jitter),
        image_fault: args.image_fault,
    };
    tokio::select! {
        result = remix_mock::serve(listener, config) => {
            if let Err(e) = result {
                eprintln!("error: {e}");
                return std::process::ExitCode::FAILURE;
            }
        }
        _ = tokio::signal::ctrl_c() => {}
    }
    std::process::ExitCode::SUCCESS
}
