//! Tests of `cargo xtask codegen`: freshness of the checked-in output, the
//! check mode, and the workspace found at run time.

use std::path::{Path, PathBuf};

use xtask::codegen::{self, FIX_COMMAND, Mode};
use xtask::workspace;

fn root() -> PathBuf {
    workspace::root().unwrap()
}

/// `cargo test` fails on stale generated clients, like `cargo xtask codegen --check`.
#[test]
fn generated_clients_are_fresh() {
    let stale = codegen::clients(&root(), Mode::Check).unwrap();
    let report: Vec<String> = stale
        .iter()
        .map(|s| format!("{} is stale:\n{}", s.path, s.diff))
        .collect();
    assert!(
        stale.is_empty(),
        "{}\nRun `{FIX_COMMAND}` and commit the result.",
        report.join("\n")
    );
}

/// Check mode writes nothing, reports a diff, and the report names the fix.
#[test]
fn check_mode_reports_an_edited_file_and_writes_nothing() {
    let dir = std::env::temp_dir().join(format!("xtask-check-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("out.rs"), "fn a() {}\n// edited by hand\n").unwrap();
    let stale = codegen::ensure_file_contents(&dir, "out.rs", "fn a() {}\n", Mode::Check)
        .unwrap()
        .expect("an edited file is stale");
    assert!(stale.diff.contains("-// edited by hand"), "{}", stale.diff);
    assert_eq!(
        std::fs::read_to_string(dir.join("out.rs")).unwrap(),
        "fn a() {}\n// edited by hand\n"
    );
    assert!(
        codegen::ensure_file_contents(&dir, "out.rs", "fn a() {}\n", Mode::Write)
            .unwrap()
            .is_some()
    );
    assert!(
        codegen::ensure_file_contents(&dir, "out.rs", "fn a() {}\n", Mode::Check)
            .unwrap()
            .is_none()
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Copies the workspace (without `target/` and `.git/`) into `to`.
fn copy_workspace(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        if name == "target" || name == ".git" {
            continue;
        }
        let (source, target) = (entry.path(), to.join(&name));
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_workspace(&source, &target);
        } else {
            std::fs::copy(&source, &target).unwrap();
        }
    }
}

fn cargo_xtask_check(dir: &Path, target: &Path) -> std::process::Output {
    workspace::cargo()
        .current_dir(dir)
        .args(["xtask", "codegen", "--check"])
        .env("CARGO_TARGET_DIR", target)
        .env_remove("CARGO_MANIFEST_DIR")
        .output()
        .unwrap()
}

/// Two checkouts sharing one target directory (so cargo may reuse one
/// xtask binary for both): each `cargo xtask codegen --check` looks at its
/// own checkout. A hand edit in the second is caught there, and the first
/// stays untouched and fresh.
#[test]
fn two_checkouts_sharing_a_target_dir_each_check_their_own() {
    let scratch = std::env::temp_dir().join(format!("xtask-checkouts-{}", std::process::id()));
    let (first, second) = (scratch.join("first"), scratch.join("second"));
    for dir in [&first, &second] {
        std::fs::create_dir_all(dir).unwrap();
        copy_workspace(&root(), dir);
    }
    let generated = "crates/remix-raw/src/generated.rs";
    let original = std::fs::read_to_string(first.join(generated)).unwrap();
    std::fs::write(second.join(generated), format!("{original}// edited by hand\n")).unwrap();
    let target = workspace::target_dir().unwrap();

    let checked = cargo_xtask_check(&first, &target);
    assert!(checked.status.success(), "{}", String::from_utf8_lossy(&checked.stderr));
    let checked = cargo_xtask_check(&second, &target);
    let stderr = String::from_utf8_lossy(&checked.stderr);
    assert!(!checked.status.success(), "the hand edit went unnoticed: {stderr}");
    assert!(stderr.contains(&format!("{generated} is stale")), "{stderr}");
    assert!(
        stderr.contains("+// edited by hand") || stderr.contains("-// edited by hand"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_to_string(first.join(generated)).unwrap(), original);
    std::fs::remove_dir_all(&scratch).unwrap();
}
