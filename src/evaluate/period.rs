//! How old the evidence is, as of the report date: the evidence period the site shows
//! on its first page (oldest and newest dated record, undated and path-dated counts,
//! staleness), and a diagnostic on each source that holds records dated after the
//! report date (they wait for the history dates after them).

use super::EvidencePeriod;
use crate::config::Config;
use crate::diag::{Code, Diagnostic, Level};
use crate::model::{Record, SourceSummary};
use chrono::{DateTime, Duration, Utc};
use std::collections::BTreeMap;

/// Clock skew tolerated before a record counts as dated in the future.
pub const CLOCK_SKEW: Duration = Duration::days(1);

/// The evidence period as of `as_of`; sources holding future-dated records get a
/// diagnostic saying how many and from when.
pub fn evidence_period(
    records: &[Record],
    sources: &mut [SourceSummary],
    config: &Config,
    as_of: DateTime<Utc>,
) -> EvidencePeriod {
    let mut p = EvidencePeriod {
        freshness_days: config.report.freshness_days,
        ..EvidencePeriod::default()
    };
    let mut future: BTreeMap<&str, (u64, DateTime<Utc>)> = BTreeMap::new();
    for r in records {
        let Some(t) = r.observed_at else {
            p.undated_records += u64::from(r.count);
            continue;
        };
        if t > as_of + CLOCK_SKEW {
            p.future_records += u64::from(r.count);
            let e = future.entry(r.provenance.file.as_str()).or_insert((0, t));
            e.0 += u64::from(r.count);
            e.1 = e.1.min(t);
            continue;
        }
        p.dated_records += u64::from(r.count);
        if r.dated_from_path {
            p.dated_from_path_records += u64::from(r.count);
        }
        let first = r.first_observed_at.unwrap_or(t);
        p.oldest = Some(p.oldest.map_or(first, |o| o.min(first)));
        if t <= as_of {
            p.newest = Some(p.newest.map_or(t, |n| n.max(t)));
        }
    }
    p.stale = p
        .newest
        .is_some_and(|n| n < as_of - Duration::days(config.report.freshness_days.max(0)));
    for s in sources.iter_mut() {
        if let Some((n, from)) = future.get(s.path.as_str()) {
            s.diagnostics.push(Diagnostic::file(
                Level::Warning,
                Code::Suspicious,
                &s.path,
                format!(
                    "{n} record(s) dated after the report date {} (from {}); they count only \
                     from their own date on",
                    as_of.date_naive(),
                    from.date_naive()
                ),
            ));
        }
    }
    p
}
