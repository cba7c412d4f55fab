//! `sensor-coverage` (MON-01, RUN-03): every node seen has a runtime sensor that
//! reported recently; a sensor whose last word is older than the freshness limit is silent.

use super::super::judge::{item, Evaluator, Judged};
use super::super::view::Current;
use super::super::{Ctx, FindingState, ReasonCode, Status};
use super::{n, standing};
use crate::catalog::{Check, Control};
use crate::model::{Format, Record, Sensor};
use chrono::Duration;
use std::collections::BTreeMap;

/// The `sensor-coverage` evaluator.
pub struct SensorCoverage;

impl Evaluator for SensorCoverage {
    fn judge(
        &self,
        ctx: &Ctx<'_>,
        _control: &Control,
        _check: &Check,
        current: &Current,
    ) -> Judged {
        sensor_coverage(ctx, &current.all)
    }
}

/// MON-01: every node seen has a runtime sensor that reported recently
/// (within `freshness_days` of the report date; an older last word is a silent sensor).
fn sensor_coverage(ctx: &Ctx<'_>, current: &[usize]) -> Judged {
    let runtime = |f: Format| f.sensor().is_some_and(Sensor::proves_node_liveness);
    let fresh = ctx.at - Duration::days(ctx.config.report.freshness_days.max(1));
    let mut last: BTreeMap<String, &Record> = BTreeMap::new();
    for (_, r) in standing(ctx, current) {
        if let (Some(node), true) = (&r.subject.node, runtime(r.format)) {
            let e = last.entry(node.clone().to_string()).or_insert(r);
            if r.observed_at > e.observed_at {
                *e = r;
            }
        }
    }
    if last.is_empty() {
        return Judged::not_assessed("heartbeat:falco, heartbeat:tetragon");
    }
    let mut evidence = Vec::new();
    let mut silent = Vec::new();
    for (node, r) in &last {
        if r.observed_at.is_some_and(|t| t < fresh) {
            silent.push(node.clone());
            evidence.push(item(r, FindingState::Overdue, None, None));
        } else {
            evidence.push(item(r, FindingState::Passed, None, None));
        }
    }
    let covered = last.len() - silent.len();
    let j = if silent.is_empty() {
        Judged::new(
            Status::Pass,
            ReasonCode::Covered,
            &[("covered", n(covered)), ("total", n(last.len()))],
        )
    } else {
        Judged::new(
            Status::Warning,
            ReasonCode::SilentSensors,
            &[("count", n(silent.len())), ("items", silent.join(", "))],
        )
    };
    j.with_evidence(evidence)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{day, heartbeat, judge_rule};
    use super::*;
    use crate::model::test_formats::DEFENDER;

    const RULE: &str = r#"rule = "sensor-coverage""#;

    #[test]
    fn a_recent_heartbeat_on_every_node_passes_and_a_silent_node_warns() {
        let at = day(11, 20);
        let all = [
            heartbeat("node-1", day(11, 19)),
            heartbeat("node-2", day(11, 18)),
        ];
        assert_eq!(judge_rule(RULE, &all, at).status, Status::Pass);
        // node-2 last reported 8 days ago: past the 7-day freshness limit.
        let silent = [
            heartbeat("node-1", day(11, 19)),
            heartbeat("node-2", day(11, 12)),
        ];
        let j = judge_rule(RULE, &silent, at);
        assert_eq!(
            (j.status, j.reason.code),
            (Status::Warning, ReasonCode::SilentSensors)
        );
        assert_eq!(j.reason.params["items"], "node-2");
    }

    #[test]
    fn only_sensors_that_run_on_nodes_prove_coverage() {
        let mut cloud = heartbeat("node-1", day(11, 19));
        cloud.format = DEFENDER;
        let j = judge_rule(RULE, &[cloud], day(11, 20));
        assert_eq!(j.status, Status::NotAssessed);
    }
}
