//! Which nodes a runtime sensor watched, as of one date. The nodes in scope are those
//! the standing evidence names (any tool: alerts, heartbeats, benchmark runs, node
//! reports). A node is *covered* when a sensor able to raise the rules in question
//! reported from it, with a dated event or heartbeat, with no silence longer than the
//! freshness limit anywhere in the window; *silent* when it reported but went quiet
//! (the last report is given); *uncovered* when no such sensor ever reported from it.
//! The absence of an alert proves something only on covered nodes.

use super::judge::item;
use super::view::Current;
use super::{Ctx, EvidenceItem, FindingState, Param};
use crate::model::{Outcome, Record, Sensor, Severity};
use chrono::{DateTime, Duration, Utc};
use std::collections::BTreeMap;

/// A node's coverage at one date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeState {
    /// Watched for the whole window.
    Covered,
    /// Watched once, silent for longer than the freshness limit since `last`.
    Silent {
        /// The last report from a capable sensor.
        last: DateTime<Utc>,
    },
    /// No capable sensor ever reported from it.
    Uncovered,
}

/// One node in scope.
#[derive(Debug, Clone)]
pub struct NodeCoverage {
    /// The node name.
    pub node: String,
    /// Its coverage.
    pub state: NodeState,
    /// The record that shows it: the newest capable report, else a record naming it.
    pub shown_by: usize,
}

impl NodeCoverage {
    /// The evidence row of this node, with `state` (passed when covered, failing
    /// otherwise): it cites the record that shows the node (its sensor's newest report,
    /// or a record naming it), but speaks of the node, in muster's words. The record
    /// may be an alert about a pod on the node: the row must not show that alert's
    /// verdict, severity or count as if they were the node's coverage.
    pub fn row(&self, ctx: &Ctx<'_>, state: FindingState) -> Option<EvidenceItem> {
        let r = ctx.records.get(self.shown_by)?;
        let sensor = Param::Text(r.format.id().to_string());
        let title = match self.state {
            NodeState::Covered => Param::phrase("phrase.node-covered", vec![("sensor", sensor)]),
            NodeState::Silent { last } => Param::phrase(
                "phrase.node-silent",
                vec![("sensor", sensor), ("date", Param::Date(last.date_naive()))],
            ),
            NodeState::Uncovered => Param::phrase("phrase.node-uncovered", Vec::new()),
        };
        let mut row = item(r, state, None, None);
        row.title = title.plain();
        row.title_param = Some(title);
        row.subject = self.node.clone();
        row.subject_param = None;
        row.outcome = Outcome::Info.as_str().to_string();
        row.severity = Severity::None;
        row.count = 1;
        Some(row)
    }

    /// `node`, `node (silent since DATE)` or `node (no sensor)`, for reasons (the
    /// words and the date are localised when the reason is rendered).
    pub fn label(&self) -> Param {
        let node = Param::Text(self.node.clone());
        match self.state {
            NodeState::Covered => node,
            NodeState::Silent { last } => Param::phrase(
                "phrase.silent-since",
                vec![("node", node), ("date", Param::Date(last.date_naive()))],
            ),
            NodeState::Uncovered => Param::phrase("phrase.no-sensor", vec![("node", node)]),
        }
    }
}

/// The nodes in scope at one date, in name order: per node, the first standing
/// record naming it and the earliest dated evidence naming it in the window.
pub type NodeScope = Vec<(usize, Option<DateTime<Utc>>)>;

/// The [`NodeScope`] of the standing records `current` at `ctx.at`.
pub fn node_scope(ctx: &Ctx<'_>, current: &[u32]) -> NodeScope {
    let window_start = ctx.at - Duration::days(ctx.config.report.window_days.max(1));
    let mut scope: BTreeMap<&str, (usize, Option<DateTime<Utc>>)> = BTreeMap::new();
    for i in current.iter().map(|&i| i as usize) {
        let Some(r) = ctx.records.get(i).filter(|_| !ctx.excluded(i)) else {
            continue;
        };
        if let Some(node) = node_of(r) {
            let e = scope.entry(node).or_insert((i, None));
            if let Some(t) = first_time(r).filter(|t| *t > window_start) {
                e.1 = Some(e.1.map_or(t, |s| s.min(t)));
            }
        }
    }
    scope.into_values().collect()
}

/// Coverage of the nodes named by the standing records `current`, by the sensors for
/// which `capable` holds (only sensors that run on the nodes can prove coverage).
pub fn nodes(
    ctx: &Ctx<'_>,
    current: &Current,
    capable: &dyn Fn(Sensor) -> bool,
) -> Vec<NodeCoverage> {
    let window_start = ctx.at - Duration::days(ctx.config.report.window_days.max(1));
    let fresh = Duration::days(ctx.config.report.freshness_days.max(1));
    // Nodes in scope, with the earliest dated evidence naming them in the window (the
    // same for every check at one date: computed once per date).
    let scope = current.node_scope(|| node_scope(ctx, &current.all));
    scope
        .iter()
        .filter_map(|&(named_by, first)| {
            let node = ctx.records.get(named_by).and_then(node_of)?;
            Some((node, (named_by, first)))
        })
        .map(|(node, (named_by, first))| {
            // The node's reports up to the date (they are sorted by time), by the
            // sensors that can prove coverage.
            let reports = ctx
                .index
                .sensor_reports
                .get(node)
                .map_or(&[][..], Vec::as_slice);
            let upto = reports.partition_point(|(t, _, _)| *t <= ctx.at);
            let seen = reports.get(..upto).unwrap_or_default();
            let Some(&(last, newest, _)) = seen.iter().rev().find(|(_, _, s)| capable(*s)) else {
                return NodeCoverage {
                    node: node.to_string(),
                    state: NodeState::Uncovered,
                    shown_by: named_by,
                };
            };
            let newest = newest as usize;
            // Silences: from the start of the window (or the node's first appearance in
            // it), between reports, and from the last report to the date.
            let start = first.map_or(window_start, |f| f.max(window_start));
            let after_start = seen.partition_point(|(t, _, _)| *t <= start);
            let mut previous = start;
            let mut longest = Duration::zero();
            let later = seen.get(after_start..).unwrap_or_default();
            for (t, _, _) in later.iter().filter(|(_, _, s)| capable(*s)) {
                longest = longest.max(*t - previous);
                previous = *t;
            }
            longest = longest.max(ctx.at - previous.max(last));
            let covered = last > start - fresh && longest <= fresh;
            NodeCoverage {
                node: node.to_string(),
                state: if covered {
                    NodeState::Covered
                } else {
                    NodeState::Silent { last }
                },
                shown_by: newest,
            }
        })
        .collect()
}

/// Per node, the dated reports (time, record, sensor) of the sensors that run on the
/// nodes, sorted by time: computed once per report.
pub type SensorReports = BTreeMap<crate::model::Text, Vec<(DateTime<Utc>, u32, Sensor)>>;

/// Collect [`SensorReports`] from every record.
pub fn sensor_reports(records: &[Record]) -> SensorReports {
    let mut out = SensorReports::new();
    for (i, r) in records.iter().enumerate() {
        let sensor = r.format.sensor().filter(|s| s.proves_node_liveness());
        if let (Some(s), Some(node), Some(t)) = (sensor, &r.subject.node, r.observed_at) {
            let e = out.entry(node.clone()).or_default();
            e.push((t, i as u32, s));
            if let Some(f) = r.first_observed_at {
                e.push((f, i as u32, s));
            }
        }
    }
    for v in out.values_mut() {
        v.sort();
    }
    out
}

/// The node a record is about: its node, or the resource itself when it is a Node.
fn node_of(r: &Record) -> Option<&str> {
    r.subject.node.as_deref().or_else(|| {
        r.subject
            .kind
            .as_deref()
            .filter(|k| k.eq_ignore_ascii_case("node"))
            .and(r.subject.name.as_deref())
    })
}

fn first_time(r: &Record) -> Option<DateTime<Utc>> {
    r.first_observed_at.or(r.observed_at)
}
