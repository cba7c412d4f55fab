//! The evidence as of one date: newer scans of a target supersede older ones,
//! events count inside a window, excluded namespaces are left out.

use crate::catalog::selector_glob as glob;
use crate::config::{Config, Environment};
use crate::model::{Record, RecordKind};
use chrono::{DateTime, Duration, Utc};
use std::collections::HashMap;

/// The key under which reports of one target supersede each other: the same tool,
/// the same kind of report, the same target.
pub fn target_key(r: &Record) -> String {
    let s = &r.subject;
    let target = if let Some(w) = s.workload() {
        w
    } else if let Some(i) = &s.image {
        i.name()
    } else if let Some(n) = &s.node {
        format!("node:{n}")
    } else if let Some(c) = &s.cluster {
        format!("cluster:{c}")
    } else {
        format!("file:{}", r.provenance.file)
    };
    let class = r.report_class().map_or("", |c| c.as_str());
    format!("{}|{}|{}", r.format.id(), class, target)
}

/// Whether a record is out of scope (an excluded namespace).
pub fn excluded(r: &Record, config: &Config) -> bool {
    r.subject
        .namespace
        .as_deref()
        .is_some_and(|ns| config.scope.exclude_namespaces.iter().any(|p| glob(p, ns)))
}

/// The cluster of each node that the records place in exactly one cluster (a record
/// naming both, such as a Tetragon event or an attributed kube-bench run); a node two
/// clusters claim is left out. Evaluation reads it to place records that name their
/// node but not their cluster (a Falco alert), see [`in_production`].
pub fn node_clusters(records: &[Record]) -> HashMap<&str, &str> {
    let mut seen: HashMap<&str, Option<&str>> = HashMap::new();
    for r in records {
        if let (Some(node), Some(cluster)) =
            (r.subject.node.as_deref(), r.subject.cluster.as_deref())
        {
            let slot = seen.entry(node).or_insert(Some(cluster));
            if *slot != Some(cluster) {
                *slot = None;
            }
        }
    }
    seen.into_iter()
        .filter_map(|(node, cluster)| Some((node, cluster?)))
        .collect()
}

/// Whether a record is about production: the environment its file is placed in by
/// `[[sources.files]]`, else its namespace and cluster patterns. A record that names
/// no cluster takes its node's, when other records place that node in one cluster
/// (`nodes`, from [`node_clusters`]); else it follows `[scope] unknown_cluster`.
pub fn in_production(r: &Record, config: &Config, nodes: &HashMap<&str, &str>) -> bool {
    if let Some(env) = config
        .sources
        .scope_of(&r.provenance.file)
        .and_then(|s| s.environment)
    {
        return env == Environment::Production;
    }
    let ns_ok = r.subject.namespace.as_deref().is_none_or(|ns| {
        config
            .scope
            .production_namespaces
            .iter()
            .any(|p| glob(p, ns))
    });
    let cluster = r
        .subject
        .cluster
        .as_deref()
        .or_else(|| nodes.get(r.subject.node.as_deref()?).copied());
    let cl_ok = match cluster {
        Some(c) => config.scope.production_clusters.iter().any(|p| glob(p, c)),
        None => config.scope.unknown_cluster == Environment::Production,
    };
    ns_ok && cl_ok
}

/// Indices of the records that stand as of `at`: the newest scan of every target
/// (records without a time always stand), events within `window` before `at`, and
/// events whose `open_until` day (alerts nobody triaged yet) is after `at`: an alert
/// does not age into compliance.
pub fn current(
    records: &[Record],
    targets: &Targets<'_>,
    open_until: &[Option<chrono::NaiveDate>],
    at: DateTime<Utc>,
    window: Duration,
) -> Vec<u32> {
    let newest = newest_snapshots(records, targets, at);
    let start = at - window;
    let target_ids = targets.ids;
    records
        .iter()
        .zip(targets.report_at.in_order(records))
        .enumerate()
        .filter(|(i, (r, report_at))| match r.observed_at {
            None => true,
            Some(_) if r.kind.is_snapshot() => {
                let Some(t) = *report_at else { return true };
                t <= at
                    && target_ids
                        .get(*i)
                        .and_then(|k| newest.get(*k as usize).copied().flatten())
                        .is_some_and(|n| n == t)
            }
            Some(t) => {
                t <= at
                    && (t > start
                        || open_until
                            .get(*i)
                            .copied()
                            .flatten()
                            .is_some_and(|until| at.date_naive() < until))
            }
        })
        .map(|(i, _)| i as u32)
        .collect()
}

/// What a newer report replaces: per record, its target's dense id and the time of
/// the report it belongs to (see `Index::build`).
pub struct Targets<'a> {
    /// Per record, the dense id of its target.
    pub ids: &'a [u32],
    /// How many distinct targets there are.
    pub count: usize,
    /// Per record, the time of its report.
    pub report_at: &'a ReportAt,
}

/// Per record, the time of the report it belongs to: its own time, except for the
/// snapshot results a tool dates one by one inside one report (Kyverno stamps each
/// result), which take the report's time, the newest of the records of the same file
/// and target, so that they do not replace each other. Only those exceptions are
/// stored (most records are their own report's time), by record index.
pub struct ReportAt {
    /// (record index, report time), ascending by index, for the records whose
    /// report time is not their own.
    moved: Vec<(u32, DateTime<Utc>)>,
}

impl ReportAt {
    /// From the report time of every record, in record order.
    pub fn new(
        records: &[Record],
        report_times: impl Iterator<Item = Option<DateTime<Utc>>>,
    ) -> ReportAt {
        let moved = records
            .iter()
            .zip(report_times)
            .enumerate()
            .filter(|(_, (r, at))| r.observed_at != *at)
            .filter_map(|(i, (_, at))| Some((i as u32, at?)))
            .collect();
        ReportAt { moved }
    }

    /// The report time of record `i`.
    pub fn of(&self, records: &[Record], i: usize) -> Option<DateTime<Utc>> {
        match self.moved.binary_search_by_key(&(i as u32), |(k, _)| *k) {
            Ok(at) => self.moved.get(at).map(|(_, t)| *t),
            Err(_) => records.get(i).and_then(|r| r.observed_at),
        }
    }

    /// The report time of every record, in record order.
    pub fn in_order<'a>(
        &'a self,
        records: &'a [Record],
    ) -> impl Iterator<Item = Option<DateTime<Utc>>> + 'a {
        let mut moved = self.moved.iter().peekable();
        records.iter().enumerate().map(move |(i, r)| {
            match moved.next_if(|(k, _)| *k as usize == i) {
                Some((_, t)) => Some(*t),
                None => r.observed_at,
            }
        })
    }
}

/// Per target id, the time of its newest report at or before `at`.
pub fn newest_snapshots(
    records: &[Record],
    targets: &Targets<'_>,
    at: DateTime<Utc>,
) -> Vec<Option<DateTime<Utc>>> {
    let mut newest: Vec<Option<DateTime<Utc>>> = vec![None; targets.count];
    let report_times = targets.report_at.in_order(records);
    for ((r, id), report_at) in records.iter().zip(targets.ids).zip(report_times) {
        if !r.kind.is_snapshot() {
            continue;
        }
        if let (Some(t), Some(slot)) =
            (report_at.filter(|t| *t <= at), newest.get_mut(*id as usize))
        {
            if slot.is_none_or(|n| t > n) {
                *slot = Some(t);
            }
        }
    }
    newest
}

/// The records standing at one date, also grouped by kind (checks select by kind).
pub struct Current {
    /// Every standing record index, in record order (`u32`: records are counted in
    /// `u32` everywhere in the index, and these lists are rebuilt for every date).
    pub all: Vec<u32>,
    /// Per record kind (by its position in `RecordKind::VARIANTS`), its standing
    /// records, grouped the first time that kind is asked (rules ask for few kinds).
    by_kind: Vec<std::sync::OnceLock<Vec<u32>>>,
    /// Per record, whether it stands.
    stands: Vec<bool>,
    /// The nodes the standing records name (see `coverage::node_scope`), once asked.
    node_scope: std::sync::OnceLock<super::coverage::NodeScope>,
    /// Per check `gid`, the standing records its selectors match, once asked.
    by_check: std::sync::OnceLock<Vec<Vec<u32>>>,
}

impl Current {
    /// The standing records `all` of `records`.
    pub fn new(records: &[Record], all: Vec<u32>) -> Current {
        let by_kind = RecordKind::VARIANTS
            .iter()
            .map(|_| std::sync::OnceLock::new())
            .collect();
        let mut stands = vec![false; records.len()];
        for &i in &all {
            if let Some(s) = stands.get_mut(i as usize) {
                *s = true;
            }
        }
        Current {
            all,
            by_kind,
            stands,
            node_scope: std::sync::OnceLock::new(),
            by_check: std::sync::OnceLock::new(),
        }
    }

    /// The standing records the selectors of the check numbered `gid` match (predicates
    /// aside), in record order; `selected` gives the `gid`s matching each record (the
    /// same for every check at one date: grouped the first time).
    pub fn selected_by<'c>(&self, gid: usize, selected: impl Fn(usize) -> &'c [u32]) -> &[u32] {
        let lists = self.by_check.get_or_init(|| {
            let mut lists: Vec<Vec<u32>> = Vec::new();
            for &i in &self.all {
                for &g in selected(i as usize) {
                    let g = g as usize;
                    if lists.len() <= g {
                        lists.resize_with(g + 1, Vec::new);
                    }
                    if let Some(list) = lists.get_mut(g).filter(|l| l.last() != Some(&i)) {
                        list.push(i);
                    }
                }
            }
            lists
        });
        lists.get(gid).map_or(&[], Vec::as_slice)
    }

    /// The nodes the standing records name, computed by `scope` the first time.
    pub fn node_scope(
        &self,
        scope: impl FnOnce() -> super::coverage::NodeScope,
    ) -> &super::coverage::NodeScope {
        self.node_scope.get_or_init(scope)
    }

    /// Whether record `i` stands.
    pub fn stands(&self, i: usize) -> bool {
        self.stands.get(i).copied().unwrap_or(false)
    }

    /// Standing records of one kind (`records`: those `all` indexes).
    pub fn of_kind(&self, records: &[Record], kind: RecordKind) -> &[u32] {
        let Some(slot) = self.by_kind.get(kind as usize) else {
            return &[];
        };
        slot.get_or_init(|| {
            self.all
                .iter()
                .copied()
                .filter(|&i| records.get(i as usize).is_some_and(|r| r.kind == kind))
                .collect()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Format, Outcome};
    use chrono::TimeZone;

    #[test]
    fn report_times_read_in_order_and_by_index_agree() {
        let at = |h: u32| Utc.with_ymd_and_hms(2026, 11, 2, h, 0, 0).single();
        let records: Vec<Record> = [Some(1), Some(2), None, Some(4), Some(5)]
            .into_iter()
            .map(|h| {
                let mut r = Record::new(
                    RecordKind::Policy,
                    Format::of(&crate::ingest::policy_report::INFO),
                    "rule",
                    Outcome::Pass,
                );
                r.observed_at = h.and_then(at);
                r
            })
            .collect();
        // Records 1 and 3 belong to reports dated later than themselves.
        let report = [at(1), at(9), None, at(8), at(5)];
        let times = ReportAt::new(&records, report.iter().copied());
        assert_eq!(times.in_order(&records).collect::<Vec<_>>(), report);
        for (i, want) in report.iter().enumerate() {
            assert_eq!(times.of(&records, i), *want, "record {i}");
        }
    }
}
