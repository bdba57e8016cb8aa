//! What a rule did: one line per change, for the generated file's header.

/// What one rule did to the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleReport {
    /// The rule's function name.
    pub rule: &'static str,
    /// One line per change, in document order.
    pub changes: Vec<String>,
}

impl RuleReport {
    /// A report of `changes` made by `rule`.
    pub fn new(rule: &'static str, changes: Vec<String>) -> Self {
        RuleReport { rule, changes }
    }
}

/// How many changes of one rule the header lists before it counts the rest.
pub const LISTED_CHANGES: usize = 40;

/// `text` made safe for a `//` comment line: control characters (a newline
/// would end the comment and let the rest become code) and the Unicode line
/// and paragraph separators are written as escapes, so spec text can never
/// leave the comment.
pub fn comment_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() || c == '\u{2028}' || c == '\u{2029}' {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// The header lines of `reports`, each change escaped by [`comment_text`];
/// a rule with more than [`LISTED_CHANGES`] changes lists that many and
/// counts the rest.
pub fn header_lines(reports: &[RuleReport]) -> Vec<String> {
    let mut lines = Vec::new();
    for report in reports {
        if report.changes.is_empty() {
            lines.push(format!("- {}: nothing to do", report.rule));
            continue;
        }
        lines.push(format!("- {}:", report.rule));
        for change in report.changes.iter().take(LISTED_CHANGES) {
            lines.push(format!("    {}", comment_text(change)));
        }
        if report.changes.len() > LISTED_CHANGES {
            lines.push(format!(
                "    ... and {} more ({} changes in all)",
                report.changes.len() - LISTED_CHANGES,
                report.changes.len()
            ));
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_text_cannot_leave_a_comment_line() {
        assert_eq!(comment_text("POST /a\nconst X: u8 = 1;"), "POST /a\\nconst X: u8 = 1;");
        assert_eq!(comment_text("a\r\u{2028}b\u{7f}"), "a\\r\\u{2028}b\\u{7f}");
        assert_eq!(comment_text("*/ `x` \"q\""), "*/ `x` \"q\"");
    }

    #[test]
    fn long_reports_are_counted_not_listed() {
        let report = RuleReport::new("r", (0..45).map(|i| i.to_string()).collect());
        let lines = header_lines(&[report, RuleReport::new("quiet", Vec::new())]);
        assert_eq!(lines.len(), 1 + LISTED_CHANGES + 1 + 1);
        assert_eq!(lines[LISTED_CHANGES + 1], "    ... and 5 more (45 changes in all)");
        assert_eq!(lines.last().unwrap(), "- quiet: nothing to do");
    }
}
