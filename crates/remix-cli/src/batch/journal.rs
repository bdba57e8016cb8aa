//! The batch's journal, `DIR/journal.jsonl`: one JSON line when an item is
//! sent and one when it finishes, each written whole and synced to disk
//! before the batch goes on. Reading it back tells what finished, what
//! failed, and what was in flight when a run died (and may have been
//! charged). A line cut off by a crash is reported and ignored.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use tokio::io::AsyncWriteExt;
use tokio::sync::Mutex;

/// The journal's file name in the batch's folder.
pub const FILE_NAME: &str = "journal.jsonl";

/// One image link of a finished item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Link {
    /// The link.
    pub url: String,
    /// When it expires (Unix seconds), if it says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<u64>,
}

/// How an item ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    /// The API accepted it.
    Ok {
        /// The request id, when the answer has one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        request_id: Option<String>,
        /// The task id, for the task envelope.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        task_id: Option<String>,
        /// The image links, for the native answer.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        images: Vec<Link>,
        /// The files saved with --download.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        files: Vec<PathBuf>,
        /// Why a download failed, if one did.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        download_error: Option<String>,
    },
    /// It failed.
    Failed {
        /// The error, as the CLI words it.
        error: String,
        /// The HTTP status, when the API answered.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        status: Option<u16>,
        /// Whether the API may have accepted (and charged for) it anyway
        /// (a timeout or a 500 after the upload).
        may_have_been_charged: bool,
    },
}

/// One journal line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Entry {
    /// The item is about to be sent.
    Sent {
        /// The item's key.
        item: String,
        /// Its image.
        image: PathBuf,
        /// Its request, as sent.
        request: serde_json::Value,
        /// Unix seconds.
        at: u64,
    },
    /// The item finished.
    Done {
        /// The item's key.
        item: String,
        /// Its image.
        image: PathBuf,
        /// Unix seconds.
        at: u64,
        /// How it ended.
        #[serde(flatten)]
        outcome: Outcome,
    },
}

/// What the journal says of an item.
#[derive(Debug, Clone, PartialEq)]
pub enum State {
    /// Sent, never finished: the run died with it in flight.
    Interrupted,
    /// Finished.
    Finished(Outcome),
}

/// What a journal held when the batch started.
#[derive(Debug, Default)]
pub struct Past {
    /// The last state of every item it names.
    pub states: HashMap<String, State>,
    /// Lines that could not be read, worded for the user.
    pub warnings: Vec<String>,
}

/// Reads a journal's text: the last state of every item, and a warning
/// for every line that is not an entry (a cut-off last line above all).
pub fn read(text: &str) -> Past {
    let mut past = Past::default();
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    for (i, line) in lines.iter().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Entry>(line.trim_end()) {
            Ok(Entry::Sent { item, .. }) => {
                past.states.insert(item, State::Interrupted);
            }
            Ok(Entry::Done { item, outcome, .. }) => {
                past.states.insert(item, State::Finished(outcome));
            }
            Err(_) if i + 1 == lines.len() && !line.ends_with('\n') => past.warnings.push(format!(
                "{FILE_NAME} line {} is cut off (a run died while writing it); it is ignored",
                i + 1
            )),
            Err(e) => past.warnings.push(format!(
                "{FILE_NAME} line {} is not a journal entry ({e}); it is ignored",
                i + 1
            )),
        }
    }
    past
}

/// The journal, open for appending.
pub struct Journal {
    path: PathBuf,
    file: Mutex<tokio::fs::File>,
}

impl Journal {
    /// Opens (or creates) the journal in `dir` and reads what it holds. A
    /// cut-off last line is closed with a newline first, so that new
    /// entries start on a line of their own.
    pub async fn open(dir: &Path) -> std::io::Result<(Journal, Past)> {
        let path = dir.join(FILE_NAME);
        let text = match tokio::fs::read(&path).await {
            Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => return Err(e),
        };
        let past = read(&text);
        let mut file = tokio::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .await?;
        if !text.is_empty() && !text.ends_with('\n') {
            file.write_all(b"\n").await?;
            file.sync_data().await?;
        }
        Ok((
            Journal {
                path,
                file: Mutex::new(file),
            },
            past,
        ))
    }

    /// Where the journal is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends `entry` as one line and syncs it to disk. When the line
    /// cannot be written whole (a full disk, a file size limit), what was
    /// written of it is cut off again, so that every line already in the
    /// journal stays whole and the next run reads it cleanly.
    pub async fn append(&self, entry: &Entry) -> std::io::Result<()> {
        let mut line = serde_json::to_vec(entry).map_err(std::io::Error::other)?;
        line.push(b'\n');
        let mut file = self.file.lock().await;
        let before = file.metadata().await?.len();
        let written = async {
            file.write_all(&line).await?;
            file.flush().await?;
            file.sync_data().await
        }
        .await;
        if written.is_err() {
            let _ = file.set_len(before).await;
            let _ = file.sync_data().await;
        }
        written
    }
}

/// A journaled time (Unix seconds) as an HTTP date, for messages.
pub fn http_date(unix: u64) -> String {
    httpdate::fmt_http_date(UNIX_EPOCH + std::time::Duration::from_secs(unix))
}

/// Now, in Unix seconds.
pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sent(item: &str) -> String {
        serde_json::to_string(&Entry::Sent {
            item: item.into(),
            image: "a.png".into(),
            request: serde_json::json!({"prompt": "p"}),
            at: 1,
        })
        .unwrap()
    }

    fn done(item: &str) -> String {
        serde_json::to_string(&Entry::Done {
            item: item.into(),
            image: "a.png".into(),
            at: 2,
            outcome: Outcome::Failed {
                error: "HTTP 400".into(),
                status: Some(400),
                may_have_been_charged: false,
            },
        })
        .unwrap()
    }

    #[test]
    fn the_last_state_of_each_item_wins() {
        let text = format!("{}\n{}\n{}\n", sent("a"), done("a"), sent("b"));
        let past = read(&text);
        assert_eq!(past.states["b"], State::Interrupted);
        assert!(matches!(
            past.states["a"],
            State::Finished(Outcome::Failed { status: Some(400), .. })
        ));
        assert!(past.warnings.is_empty());
    }

    #[test]
    fn a_cut_off_last_line_is_reported_and_ignored() {
        let whole = done("a");
        let text = format!("{}\n{}", sent("a"), &whole[..whole.len() / 2]);
        let past = read(&text);
        assert_eq!(
            past.states["a"],
            State::Interrupted,
            "the cut-off done line does not count"
        );
        assert_eq!(
            past.warnings,
            vec!["journal.jsonl line 2 is cut off (a run died while writing it); it is ignored"]
        );
        let garbage = read(&format!("not json\n{}\n", sent("a")));
        assert!(
            garbage.warnings[0].contains("line 1 is not a journal entry"),
            "{:?}",
            garbage.warnings
        );
    }

    #[test]
    fn entries_are_flat_json_lines() {
        let line = done("k");
        assert!(line.starts_with(r#"{"event":"done","item":"k""#), "{line}");
        assert!(line.contains(r#""outcome":"failed""#), "{line}");
        assert!(!line.contains('\n'));
    }
}
