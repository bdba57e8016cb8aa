//! One fact, one place: the models are named only in their table
//! (`src/models.rs`), so adding one is one edit there. Any other source of
//! the crates that check, document or offer requests (this crate, the CLI,
//! the mock) naming a model would be a second copy that a new model could
//! miss.

use std::path::{Path, PathBuf};

use remix_client::Model;

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn models_are_named_only_in_their_table() {
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    for dir in ["remix-client/src", "remix-cli/src", "remix-mock/src"] {
        rust_files(&crates.join(dir), &mut files);
    }
    let table = Path::new("models.rs");
    assert!(files.iter().any(|f| f.ends_with(table)), "the table exists");
    // "AUTO" is a value of other enums too; the versioned names are the models'.
    let names: Vec<String> = Model::KNOWN
        .iter()
        .filter(|m| m.starts_with("V_"))
        .map(|m| format!("\"{m}\""))
        .chain(
            Model::KNOWN
                .iter()
                .filter(|m| m.starts_with("V_"))
                .map(|m| format!("{m},")),
        )
        .collect();
    for file in files.iter().filter(|f| !f.ends_with(table)) {
        let text = std::fs::read_to_string(file).unwrap();
        for name in &names {
            assert!(
                !text.contains(name.as_str()),
                "{} names the model {name}; read it from the table in src/models.rs",
                file.display()
            );
        }
    }
}
