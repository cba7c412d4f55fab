//! `sensor-coverage` (MON-01, RUN-03): every node in scope was watched by a runtime
//! sensor that runs on the nodes, for the whole window (see `coverage`). A node no
//! sensor ever reported from fails; one whose sensor went silent warns.

use super::super::coverage::{self, NodeState};
use super::super::judge::{Evaluator, Judged};
use super::super::view::Current;
use super::super::{Ctx, FindingState, Param, ReasonCode, Status};
use super::n;
use crate::catalog::{Check, Control};

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
        sensor_coverage(ctx, current)
    }
}

fn sensor_coverage(ctx: &Ctx<'_>, current: &Current) -> Judged {
    let nodes = coverage::nodes(ctx, current, &|_| true);
    if nodes.is_empty() {
        return Judged::not_assessed(Param::phrase("phrase.sensor-evidence", Vec::new()));
    }
    let mut evidence = Vec::new();
    let (mut silent, mut uncovered) = (Vec::new(), Vec::new());
    for c in &nodes {
        let state = match c.state {
            NodeState::Covered => FindingState::Passed,
            NodeState::Silent { .. } => {
                silent.push(c.label());
                FindingState::Failing
            }
            NodeState::Uncovered => {
                uncovered.push(c.label());
                FindingState::Failing
            }
        };
        evidence.extend(c.row(ctx, state));
    }
    let j = if !uncovered.is_empty() {
        Judged::with(
            Status::Fail,
            ReasonCode::UncoveredNodes,
            vec![
                ("count", n(uncovered.len()).into()),
                ("total", n(nodes.len()).into()),
                (
                    "items",
                    Param::list(uncovered.into_iter().chain(silent).collect(), ", "),
                ),
            ],
        )
    } else if !silent.is_empty() {
        Judged::listed(Status::Warning, ReasonCode::SilentSensors, &silent)
    } else {
        Judged::covered(nodes.len(), nodes.len())
    };
    j.with_evidence(evidence)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{day, heartbeat, judge_rule, result};
    use super::*;
    use crate::model::test_formats::DEFENDER;
    use crate::model::{Outcome, RecordKind};

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
        assert_eq!(j.reason.params["items"], "node-2 (silent since 2026-11-12)");
    }

    #[test]
    fn a_silence_inside_the_window_is_a_gap_even_if_the_sensor_is_back() {
        let at = day(11, 20);
        let back = [
            heartbeat("node-1", day(10, 22)),
            heartbeat("node-1", day(11, 1)),
            heartbeat("node-1", day(11, 19)),
        ];
        let j = judge_rule(RULE, &back, at);
        assert_eq!(
            j.status,
            Status::Warning,
            "18 days without a word from node-1"
        );
        let steady: Vec<_> = (0..5)
            .map(|w| heartbeat("node-1", day(10, 22) + chrono::Duration::days(7 * w)))
            .collect();
        assert_eq!(judge_rule(RULE, &steady, at).status, Status::Pass);
    }

    #[test]
    fn an_undated_heartbeat_proves_nothing() {
        let mut undated = heartbeat("node-1", day(11, 19));
        undated.observed_at = None;
        let j = judge_rule(RULE, &[undated], day(11, 20));
        assert_eq!(
            (j.status, j.reason.code),
            (Status::Fail, ReasonCode::UncoveredNodes)
        );
    }

    #[test]
    fn a_node_named_by_other_evidence_but_never_by_a_sensor_is_uncovered() {
        let mut bench = result(
            RecordKind::Benchmark,
            "cis-1.10:4.1.1",
            Outcome::Pass,
            day(11, 19),
        );
        bench.subject.node = Some("node-2".into());
        let j = judge_rule(
            RULE,
            &[heartbeat("node-1", day(11, 19)), bench],
            day(11, 20),
        );
        assert_eq!(
            (j.status, j.reason.code),
            (Status::Fail, ReasonCode::UncoveredNodes)
        );
        assert_eq!(j.reason.params["items"], "node-2 (no sensor)");
    }

    #[test]
    fn only_sensors_that_run_on_nodes_prove_coverage() {
        let mut cloud = heartbeat("node-1", day(11, 19));
        cloud.format = DEFENDER;
        let j = judge_rule(RULE, &[cloud], day(11, 20));
        assert_eq!(
            (j.status, j.reason.code),
            (Status::Fail, ReasonCode::UncoveredNodes)
        );
    }

    #[test]
    fn no_node_named_anywhere_is_not_assessed() {
        assert_eq!(
            judge_rule(RULE, &[], day(11, 20)).status,
            Status::NotAssessed
        );
    }
}
