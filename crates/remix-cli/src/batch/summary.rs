//! What a batch tells its user: a progress bar on a terminal, one summary
//! line at the end (or JSON), the items that failed or may have been
//! charged, and the exit code.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Serialize;

use super::journal::Outcome;
use crate::exit::Exit;

/// Which run an outcome comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WhichRun {
    /// This run sent the item.
    This,
    /// An earlier run did; the journal holds its outcome.
    Earlier,
}

/// One item the summary names.
#[derive(Debug, Clone, Serialize)]
pub struct ItemNote {
    pub image: PathBuf,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// The batch's result.
#[derive(Debug, Default, Serialize)]
pub struct Summary {
    pub items: usize,
    pub succeeded: usize,
    pub succeeded_now: usize,
    pub failed: Vec<ItemNote>,
    pub interrupted_not_resent: Vec<ItemNote>,
    pub not_started: usize,
    pub images: usize,
    pub files: usize,
    pub download_failures: Vec<ItemNote>,
    /// Images of earlier runs' items fetched in this run from their
    /// journaled links, with no new remix.
    pub fetched_now: usize,
    /// Items paid for in an earlier run whose images were never saved and
    /// whose links have expired (not remixed again without
    /// --remix-expired).
    pub links_expired: Vec<ItemNote>,
    /// Items not started because they would have taken the run past
    /// --max-images.
    pub left_for_later: usize,
    pub stopped: bool,
    pub seconds: f64,
    pub journal: PathBuf,
    #[serde(serialize_with = "exit_code")]
    pub exit_code: Exit,
}

fn exit_code<S: serde::Serializer>(exit: &Exit, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_u8(exit.code())
}

impl Summary {
    /// Counts one item's outcome, from this run or an earlier one (whose
    /// download failures this run did not see).
    pub fn count(&mut self, image: &Path, outcome: &Outcome, run: WhichRun) {
        let now = run == WhichRun::This;
        match outcome {
            Outcome::Ok {
                images,
                files,
                download_error,
                ..
            } => {
                self.succeeded += 1;
                self.succeeded_now += usize::from(now);
                self.images += images.len();
                self.files += files.len();
                if let Some(error) = download_error.clone().filter(|_| now) {
                    self.download_failures.push(ItemNote {
                        image: image.to_path_buf(),
                        error: Some(error),
                    });
                }
            }
            Outcome::Failed { error, .. } => self.failed.push(ItemNote {
                image: image.to_path_buf(),
                error: Some(error.clone()),
            }),
        }
    }

    /// The exit code, as `--help` documents it.
    pub fn finish(&mut self, elapsed: Duration) {
        self.seconds = (elapsed.as_secs_f64() * 10.0).round() / 10.0;
        self.exit_code = if self.stopped {
            Exit::Interrupted
        } else if !self.failed.is_empty() {
            Exit::ItemsFailed
        } else if !self.interrupted_not_resent.is_empty() {
            Exit::InterruptedNotResent
        } else if !self.download_failures.is_empty() || !self.links_expired.is_empty() {
            Exit::Download
        } else {
            Exit::Success
        };
    }

    /// The summary line, then the items that need the user's eye.
    pub fn text(&self) -> String {
        let mut out = format!(
            "{} item(s): {} succeeded ({} in this run), {} failed",
            self.items,
            self.succeeded,
            self.succeeded_now,
            self.failed.len()
        );
        if !self.interrupted_not_resent.is_empty() {
            out.push_str(&format!(
                ", {} may have been charged",
                self.interrupted_not_resent.len()
            ));
        }
        if self.not_started > 0 {
            out.push_str(&format!(", {} not started", self.not_started));
        }
        if self.left_for_later > 0 {
            out.push_str(&format!(", {} left for later (--max-images)", self.left_for_later));
        }
        out.push_str(&format!("; {} image(s), {} saved", self.images, self.files));
        if self.fetched_now > 0 {
            out.push_str(&format!(
                " ({} fetched from journaled links, no new remix)",
                self.fetched_now
            ));
        }
        if !self.links_expired.is_empty() {
            out.push_str(&format!(", {} paid with links expired", self.links_expired.len()));
        }
        out.push_str(&format!("; {:.1} s\n", self.seconds));
        if let Some(dir) = self.journal.parent() {
            out.push_str(&format!(
                "  contact sheet: {}\n",
                dir.join(super::sheet::FILE_NAME).display()
            ));
        }
        for item in &self.failed {
            out.push_str(&format!(
                "  failed: {}: {}\n",
                item.image.display(),
                item.error.as_deref().unwrap_or("")
            ));
        }
        for item in &self.interrupted_not_resent {
            out.push_str(&format!(
                "  may have been charged (in flight when a run died; --resend-interrupted sends it): {}\n",
                item.image.display()
            ));
        }
        for item in &self.links_expired {
            out.push_str(&format!(
                "  paid, links expired, not downloaded (--remix-expired remixes it again, which charges again): {}: {}\n",
                item.image.display(),
                item.error.as_deref().unwrap_or("")
            ));
        }
        for item in &self.download_failures {
            out.push_str(&format!(
                "  download failed: {}: {}\n",
                item.image.display(),
                item.error.as_deref().unwrap_or("")
            ));
        }
        out
    }
}

/// The batch's progress bar on stderr, when it is a terminal.
pub fn progress_bar(total: usize) -> Option<indicatif::ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(total as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template("[{elapsed_precise}] [{bar:30}] {pos}/{len} done {msg}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.enable_steady_tick(Duration::from_millis(200));
    Some(bar)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok() -> Outcome {
        Outcome::Ok {
            request_id: None,
            task_id: None,
            images: Vec::new(),
            files: Vec::new(),
            download_error: None,
        }
    }

    #[test]
    fn exit_codes_follow_the_help() {
        let finish = |summary: &mut Summary| {
            summary.finish(Duration::ZERO);
            summary.exit_code.code()
        };
        let mut all_ok = Summary::default();
        all_ok.count(Path::new("a.png"), &ok(), WhichRun::This);
        assert_eq!(finish(&mut all_ok), 0);
        let mut interrupted = Summary::default();
        interrupted.interrupted_not_resent.push(ItemNote {
            image: "b.png".into(),
            error: None,
        });
        assert_eq!(finish(&mut interrupted), 8);
        let failed = Outcome::Failed {
            error: "HTTP 400".into(),
            status: Some(400),
            may_have_been_charged: false,
        };
        interrupted.count(Path::new("c.png"), &failed, WhichRun::This);
        assert_eq!(finish(&mut interrupted), 7);
        interrupted.stopped = true;
        assert_eq!(finish(&mut interrupted), 130);
        assert!(crate::args::batch_help().contains("  7    some items failed"));
    }
}
