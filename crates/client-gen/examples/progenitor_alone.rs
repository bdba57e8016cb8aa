//! progenitor 0.15.1 alone, the way its README has users run it (a build
//! script or its CLI): the spec read as OpenAPI 3.0 by `openapiv3` (JSON as
//! written, YAML through serde_yaml), `Generator::generate_tokens`, and
//! prettyplease; no rules, no bundling. `cargo xtask directory --peers`
//! runs it for the side-by-side figures of BENCHMARKS.md.
//!
//! `cargo run -p client-gen --example progenitor_alone -- SPEC OUT.rs`
//! prints one JSON line: `{"generated": bool, "operations": N, "error": ...}`.

use std::process::ExitCode;

use progenitor::{GenerationSettings, Generator, InterfaceStyle};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [spec, out] = args.as_slice() else {
        eprintln!("usage: progenitor_alone SPEC OUT.rs");
        return ExitCode::from(2);
    };
    let text = match std::fs::read_to_string(spec) {
        Ok(text) => text,
        Err(e) => {
            eprintln!("reading {spec}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let parsed: Result<openapiv3::OpenAPI, String> = if text.trim_start().starts_with('{') {
        serde_json::from_str(&text).map_err(|e| e.to_string())
    } else {
        serde_yaml::from_str(&text).map_err(|e| e.to_string())
    };
    let operations = |spec: &openapiv3::OpenAPI| spec.operations().count();
    let outcome = parsed.and_then(|spec| {
        let count = operations(&spec);
        let mut settings = GenerationSettings::default();
        settings.with_interface(InterfaceStyle::Positional);
        let result = std::panic::catch_unwind(|| Generator::new(&settings).generate_tokens(&spec));
        match result {
            Ok(Ok(tokens)) => syn::parse2::<syn::File>(tokens)
                .map(|file| (count, prettyplease::unparse(&file)))
                .map_err(|e| e.to_string()),
            Ok(Err(e)) => Err(format!("{count} operations; {e}")),
            Err(_) => Err(format!("{count} operations; progenitor panicked")),
        }
    });
    match outcome {
        Ok((count, code)) => {
            if let Err(e) = std::fs::write(out, code) {
                eprintln!("writing {out}: {e}");
                return ExitCode::FAILURE;
            }
            println!("{}", serde_json::json!({"generated": true, "operations": count}));
            ExitCode::SUCCESS
        }
        Err(error) => {
            println!("{}", serde_json::json!({"generated": false, "error": error}));
            ExitCode::SUCCESS
        }
    }
}
