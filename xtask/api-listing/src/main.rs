//! `api-listing RUSTDOC_JSON`: the public API in a rustdoc JSON file, one
//! item a line, sorted, on stdout (the `public-api` crate reads it).
//! Blanket impls are left out: they come from dependencies
//! (`impl<T> Borrow<T> for T`) and change with them; the crate's own items,
//! impls and auto traits stay.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [json] = args.as_slice() else {
        eprintln!("usage: api-listing RUSTDOC_JSON");
        return ExitCode::from(2);
    };
    let api = match public_api::Builder::from_rustdoc_json(json)
        .omit_blanket_impls(true)
        .build()
    {
        Ok(api) => api,
        Err(e) => {
            eprintln!("api-listing: reading {json}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut lines: Vec<String> = api.items().map(ToString::to_string).collect();
    lines.sort();
    lines.dedup();
    print!("{}", lines.join("\n") + "\n");
    ExitCode::SUCCESS
}
