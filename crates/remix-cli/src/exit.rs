//! The exit codes of `remix` and `remix batch`: one table. Both `--help`
//! texts are rendered from it, and every exit of the binary goes through
//! an [`Exit`].

/// Why `remix` exits, each with its code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Exit {
    /// Everything asked for was done.
    #[default]
    Success,
    /// The binary itself failed: its async runtime would not start, the
    /// batch journal could not be written, or an error this version does
    /// not know.
    Internal,
    /// A usage error or an invalid request or input: nothing was sent.
    Usage,
    /// The API answered with an error.
    Api,
    /// A network error or a timeout.
    Network,
    /// The answer could not be decoded.
    Decode,
    /// The remix succeeded, but a download failed (or would overwrite a
    /// file).
    Download,
    /// `remix batch`: some items failed.
    ItemsFailed,
    /// `remix batch`: none failed, but items interrupted earlier (which may
    /// have been charged) were not sent again.
    InterruptedNotResent,
    /// `remix batch`: a file could not be written (the journal or an
    /// image: a full disk, a read-only folder, a file too large); no new
    /// item was started.
    WriteFailed,
    /// A bug: remix panicked (Rust's exit code for a panic).
    Bug,
    /// Stopped by Ctrl-C.
    Interrupted,
}

/// Which command's help a line belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    /// `remix`, one remix.
    Remix,
    /// `remix batch`.
    Batch,
    /// `remix download`.
    Download,
}

impl Exit {
    /// Every exit, in the order the help lists them.
    pub const ALL: [Exit; 12] = [
        Exit::Success,
        Exit::Internal,
        Exit::Usage,
        Exit::Api,
        Exit::Network,
        Exit::Decode,
        Exit::Download,
        Exit::ItemsFailed,
        Exit::InterruptedNotResent,
        Exit::WriteFailed,
        Exit::Bug,
        Exit::Interrupted,
    ];

    /// The process exit code.
    pub fn code(self) -> u8 {
        match self {
            Exit::Success => 0,
            Exit::Internal => 1,
            Exit::Usage => 2,
            Exit::Api => 3,
            Exit::Network => 4,
            Exit::Decode => 5,
            Exit::Download => 6,
            Exit::ItemsFailed => 7,
            Exit::InterruptedNotResent => 8,
            Exit::WriteFailed => 9,
            Exit::Bug => 101,
            Exit::Interrupted => 130,
        }
    }

    /// Its help line for `command`, or `None` when that command never
    /// exits so.
    pub fn help(self, command: Command) -> Option<&'static str> {
        use Command::{Batch, Download, Remix};
        Some(match (self, command) {
            (Exit::Success, Remix) => "success",
            (Exit::Success, Batch) => "every item succeeded (in this run or an earlier one)",
            (Exit::Success, Download) => "every link was saved",
            (Exit::Usage, Download) => "usage error: nothing was fetched",
            (Exit::Download, Download) => {
                "some links were not saved (expired, refused, not an image, or a taken name); the lines above say which"
            }
            (Exit::Internal, Remix) => "internal error: the async runtime would not start, or an unknown error",
            (Exit::Internal, Batch) => "internal error",
            (Exit::Usage, Remix) => "usage error or invalid request: nothing was uploaded",
            (Exit::Usage, Batch) => "usage error, or a bad input or manifest line: nothing was sent",
            (Exit::Api, Remix) => "the API answered with an error",
            (Exit::Network, Remix) => "network error or timeout",
            (Exit::Decode, Remix) => "the answer could not be decoded",
            (Exit::Download, Remix) => "the remix succeeded but a download failed (or would overwrite a file)",
            (Exit::Download, Batch) => "every remix succeeded, but some downloads failed",
            (Exit::ItemsFailed, Batch) => "some items failed (the summary and the journal say why)",
            (Exit::InterruptedNotResent, Batch) => {
                "none failed, but items interrupted earlier were not sent again (they may have been charged; --resend-interrupted sends them)"
            }
            (Exit::WriteFailed, Batch) => {
                "a file could not be written (full disk, read-only folder, file too large): no new item was started; \
                 free the space and run the same command again"
            }
            (Exit::Bug, _) => "a bug: remix panicked (please report it)",
            (Exit::Interrupted, Batch) => "stopped by Ctrl-C",
            _ => return None,
        })
    }
}

impl From<Exit> for std::process::ExitCode {
    fn from(exit: Exit) -> Self {
        std::process::ExitCode::from(exit.code())
    }
}

/// The "Exit codes:" section of `command`'s help, from [`Exit::ALL`].
pub fn help(command: Command) -> String {
    let mut out = String::from("Exit codes:");
    for exit in Exit::ALL {
        if let Some(line) = exit.help(command) {
            out.push_str(&format!("\n  {:<4} {line}", exit.code()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_distinct_and_each_documented_somewhere() {
        for (i, a) in Exit::ALL.iter().enumerate() {
            assert!(
                a.help(Command::Remix).is_some() || a.help(Command::Batch).is_some(),
                "{a:?} is documented nowhere"
            );
            for b in &Exit::ALL[i + 1..] {
                assert_ne!(a.code(), b.code(), "{a:?} and {b:?}");
            }
        }
        assert_eq!(
            help(Command::Batch).lines().nth(5).unwrap(),
            "  7    some items failed (the summary and the journal say why)"
        );
        assert!(help(Command::Remix).contains("\n  1    internal error"));
    }

    /// No exit code is written as a number outside this table: every
    /// `code:`, `exit(` and `ExitCode::from(` in the binary's sources takes
    /// an [`Exit`].
    #[test]
    fn no_exit_code_is_a_literal_elsewhere() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = vec![dir.clone()];
        let mut offenders = Vec::new();
        while let Some(path) = files.pop() {
            if path.is_dir() {
                files.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
                continue;
            }
            if path.file_name().is_some_and(|n| n == "exit.rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for (n, line) in text.lines().enumerate() {
                let literal = |prefix: &str| {
                    line.split(prefix)
                        .skip(1)
                        .any(|rest| rest.trim_start().starts_with(|c: char| c.is_ascii_digit()))
                };
                if literal("code: ") || literal("exit(") || literal("ExitCode::from(") || literal("exit_code = ") {
                    offenders.push(format!("{}:{}: {line}", path.display(), n + 1));
                }
            }
        }
        assert!(
            offenders.is_empty(),
            "exit codes written as numbers:\n{}",
            offenders.join("\n")
        );
    }
}
