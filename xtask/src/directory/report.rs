//! The directory's tables: what came out of how many specs, what was left
//! out and why, how long it took, and which crates compile.

use std::collections::BTreeMap;

use super::crates::Failures;
use super::run::{Outcome, Status};

fn percent(part: u64, whole: u64) -> String {
    if whole == 0 {
        "-".to_string()
    } else {
        format!("{:.2}%", 100.0 * part as f64 / whole as f64)
    }
}

/// A reason with what varies (names, numbers, quoted text) taken out, so
/// that reasons of one kind count together.
pub fn category(reason: &str) -> String {
    let mut out = String::new();
    let mut quote: Option<char> = None;
    for c in reason.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => {
                quote = None;
                out.push('…');
                out.push(c);
            }
            (Some(_), _) => {}
            (None, '`' | '"') => {
                quote = Some(c);
                out.push(c);
            }
            (None, c) if c.is_ascii_digit() => {
                if !out.ends_with('N') {
                    out.push('N');
                }
            }
            (None, c) => out.push(c),
        }
    }
    let out: String = out.split(';').next().unwrap_or_default().chars().take(110).collect();
    out.replace('|', "\\|")
}

fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * q).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// Sums over the generated specs.
#[derive(Default)]
struct Totals {
    operations: u64,
    generated: u64,
    multipart: u64,
    multipart_generated: u64,
    untyped: u64,
    forms: u64,
}

fn totals(outcomes: &[Outcome]) -> (Totals, BTreeMap<String, u64>) {
    let mut t = Totals::default();
    let mut reasons: BTreeMap<String, u64> = BTreeMap::new();
    for outcome in outcomes {
        let Status::Generated(s) = &outcome.status else {
            let (operations, multipart) = super::peers::counts_of(&outcome.spec.path);
            t.operations += operations;
            t.multipart += multipart;
            continue;
        };
        let n = |k: &str| s[k].as_u64().unwrap_or(0);
        t.operations += n("operations");
        t.generated += n("generated");
        t.multipart += n("multipart_operations");
        t.multipart_generated += n("multipart");
        t.untyped += n("untyped_schemas");
        t.forms += n("forms");
        for left in s["left_out"].as_array().into_iter().flatten() {
            *reasons
                .entry(category(left["reason"].as_str().unwrap_or("")))
                .or_default() += 1;
        }
    }
    (t, reasons)
}

/// The Markdown report of `outcomes`, with the crate check's `failures`
/// (`None`: not checked).
pub fn markdown(title: &str, outcomes: &[Outcome], failures: Option<&Failures>) -> String {
    let (t, reasons) = totals(outcomes);
    let refused: Vec<&Outcome> = outcomes
        .iter()
        .filter(|o| matches!(o.status, Status::Refused(_)))
        .collect();
    let timed_out: Vec<&Outcome> = outcomes
        .iter()
        .filter(|o| matches!(o.status, Status::TimedOut))
        .collect();
    let mut seconds: Vec<f64> = outcomes.iter().map(|o| o.seconds).collect();
    seconds.sort_by(f64::total_cmp);
    let mut out = format!("### {title}\n\n");
    out.push_str(
        "| specs | refused | timed out | operations generated | multipart operations generated | schemas typed as any JSON | multipart bodies as forms | time median / p99 / max | over 10 s |\n\
         |---|---|---|---|---|---|---|---|---|\n",
    );
    out.push_str(&format!(
        "| {} | {} | {} | {} of {} ({}) | {} of {} ({}) | {} | {} | {:.2} / {:.2} / {:.2} s | {} |\n",
        outcomes.len(),
        refused.len(),
        timed_out.len(),
        t.generated,
        t.operations,
        percent(t.generated, t.operations),
        t.multipart_generated,
        t.multipart,
        percent(t.multipart_generated, t.multipart),
        t.untyped,
        t.forms,
        quantile(&seconds, 0.5),
        quantile(&seconds, 0.99),
        seconds.last().copied().unwrap_or(0.0),
        seconds.iter().filter(|s| **s > 10.0).count(),
    ));
    let alone: Vec<String> = outcomes
        .iter()
        .filter(|o| super::run::runs_alone(&o.spec))
        .map(|o| format!("`{}`", o.spec.id))
        .collect();
    if !alone.is_empty() {
        out.push_str(&format!(
            "\nTimes are each run's wall clock. The specs of {} MB or more ({}) ran one at a time with nothing beside them, as a user generating one has the machine; the others side by side (`--jobs`, one per core by default).\n",
            super::run::ALONE_BYTES >> 20,
            alone.join(", ")
        ));
    }
    if let Some(failures) = failures {
        let checked: Vec<&str> = outcomes
            .iter()
            .filter(|o| matches!(o.status, Status::Generated(_)))
            .filter_map(|o| o.krate.as_deref())
            .collect();
        out.push_str(&format!(
            "\nCrates that compile (`cargo check`, one workspace): {} of {}.\n",
            checked.iter().filter(|k| super::crates::compiles(failures, k)).count(),
            checked.len()
        ));
        for (name, errors) in failures {
            out.push_str(&format!(
                "- `{name}`: {}\n",
                errors.first().map_or("", String::as_str).replace('|', "\\|")
            ));
        }
    }
    let mut reasons: Vec<(String, u64)> = reasons.into_iter().collect();
    reasons.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    if !reasons.is_empty() {
        out.push_str("\n| operations left out | reason |\n|---|---|\n");
        for (reason, n) in reasons.iter().take(25) {
            out.push_str(&format!("| {n} | {reason} |\n"));
        }
    }
    for (label, list) in [("Refused", &refused), ("Timed out", &timed_out)] {
        if !list.is_empty() {
            out.push_str(&format!("\n{label}:\n"));
            for o in list.iter() {
                let why = match &o.status {
                    Status::Refused(why) => why.clone(),
                    _ => format!("{:.0} s", o.seconds),
                };
                out.push_str(&format!("- `{}`: {}\n", o.spec.id, why.replace('|', "\\|")));
            }
        }
    }
    let mut slowest: Vec<&Outcome> = outcomes.iter().collect();
    slowest.sort_by(|a, b| b.seconds.total_cmp(&a.seconds));
    out.push_str("\nSlowest: ");
    let listed: Vec<String> = slowest
        .iter()
        .take(5)
        .map(|o| format!("`{}` {:.2} s", o.spec.id, o.seconds))
        .collect();
    out.push_str(&listed.join(", "));
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_of_one_kind_count_together() {
        assert_eq!(
            category("$ref \"#/a/b\": it does not resolve"),
            category("$ref \"#/c\": it does not resolve")
        );
        assert_eq!(category("parameter `a` and `b` are 2"), "parameter `…` and `…` are N");
    }
}
