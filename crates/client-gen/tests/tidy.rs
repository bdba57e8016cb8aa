//! The generator stays easy to change: no function over 80 lines and no
//! module over 400 lines of code (tests, comments and blank lines aside),
//! so that each reads at once. The sources are rustfmt's, so a function
//! ends at the first `}` line at its own indentation.

use std::path::{Path, PathBuf};

const MAX_FUNCTION: usize = 80;
const MAX_MODULE: usize = 400;

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The lines of a source before its test module (`#[cfg(test)]` or
/// `#[cfg(all(test, ...))]` over `mod tests`). A test-only item elsewhere
/// (`#[cfg(test)] fn`) is counted: it is code of the module.
fn code(text: &str) -> Vec<&str> {
    let lines: Vec<&str> = text.lines().collect();
    let end = lines
        .windows(2)
        .position(|pair| {
            (pair[0].starts_with("#[cfg(test)]") || pair[0].starts_with("#[cfg(all(test"))
                && pair[1].starts_with("mod tests")
        })
        .unwrap_or(lines.len());
    lines[..end].to_vec()
}

fn is_code(line: &str) -> bool {
    let line = line.trim();
    !line.is_empty() && !line.starts_with("//")
}

/// Each function of `lines` that starts a line: its name and its length.
fn functions(lines: &[&str]) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        let signature = ["pub fn ", "pub(crate) fn ", "pub(super) fn ", "fn ", "const fn "]
            .iter()
            .find_map(|p| trimmed.strip_prefix(p));
        let Some(rest) = signature else { continue };
        let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
        let end = format!("{}}}", " ".repeat(indent));
        if let Some(length) = lines[i..]
            .iter()
            .position(|l| *l == end || l.trim_end() == format!("{end};"))
        {
            out.push((name, length + 1));
        }
    }
    out
}

#[test]
fn functions_and_modules_stay_short() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    files.sort();
    assert!(files.len() > 20, "the sources are found");
    let mut long = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        let lines = code(&text);
        let name = file.strip_prefix(&src).unwrap().display().to_string();
        let code_lines = lines.iter().filter(|l| is_code(l)).count();
        if code_lines > MAX_MODULE {
            long.push(format!("{name}: {code_lines} lines of code (at most {MAX_MODULE})"));
        }
        for (function, length) in functions(&lines) {
            if length > MAX_FUNCTION {
                long.push(format!(
                    "{name}: fn {function} is {length} lines (at most {MAX_FUNCTION})"
                ));
            }
        }
    }
    assert!(long.is_empty(), "too long:\n{}", long.join("\n"));
}

#[test]
fn the_measure_finds_functions_and_their_ends() {
    let text = "fn a() {\n    1\n}\n\nimpl X {\n    pub fn b(&self) {\n        if x {\n        }\n    }\n}\n#[cfg(test)]\nfn c() {}\n";
    assert_eq!(functions(&code(text)), vec![("a".to_string(), 3), ("b".to_string(), 4)]);
}
