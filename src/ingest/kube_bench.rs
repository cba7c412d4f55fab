//! kube-bench `--json` output: CIS Kubernetes (and AKS/EKS/GKE) benchmark runs.
//!
//! Three shapes are read: the `{Controls, Totals}` object of current releases, a bare
//! array of control objects, and control objects concatenated one after another
//! (old releases printed one JSON value per target; `source` hands each one over).
//! Every test result becomes a `benchmark` record, check `<numbering>:<test_number>`
//! (`cis-1.6:1.1.1`, `aks-1.8:4.2.1`) with the benchmark and version as typed facts, read
//! from `Controls[].version` (kube-bench's configuration name; `detected_version` is the
//! Kubernetes version and says nothing about numbering). Versions some kube-bench
//! releases printed wrongly are corrected (`numbering`, sources in
//! docs/benchmark-versions.md), and a result whose title contradicts its numbering keeps
//! its version unknown (`ingest::benchmark`). Every control section is a `scan` record
//! `benchmark-run`.
//! kube-bench writes neither a host name nor a time, so `observed_at` stays empty and
//! the node type (`master`, `node`, `etcd`…) is the `node_type` attribute: the JSON names no host.

use super::{Doc, FileCtx, Ingestor, Probe};
use crate::diag::Code;
use crate::model::{
    BenchmarkFacts, Channel, Format, FormatInfo, Outcome, ScanClass, Severity, Text,
};
use serde::Deserialize;
use serde_json::value::RawValue;

/// The kube-bench ingestor.
pub struct KubeBench;

#[derive(Deserialize)]
struct RawReport<'a> {
    #[serde(borrow, default, rename = "Controls")]
    controls: Option<Vec<&'a RawValue>>,
}

#[derive(Deserialize)]
struct RawControls<'a> {
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    node_type: Option<String>,
    #[serde(borrow, default)]
    tests: Option<Vec<&'a RawValue>>,
}

#[derive(Deserialize)]
struct RawGroup<'a> {
    #[serde(borrow, default)]
    results: Option<Vec<&'a RawValue>>,
}

#[derive(Deserialize)]
struct RawResult {
    #[serde(default)]
    test_number: Option<String>,
    #[serde(default)]
    test_desc: Option<String>,
    #[serde(default, rename = "type")]
    test_type: Option<String>,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    scored: Option<bool>,
    #[serde(default)]
    reason: Option<String>,
}

/// The numbering a control's `version` names, as (benchmark, version): `cis-1.10` →
/// (`cis`, `1.10`), `aks-1.8` → (`aks`, `1.8`), `1.6` → (`cis`, `1.6`). Four printed
/// versions are corrected (docs/benchmark-versions.md, from kube-bench's history):
/// `1.11` and `1.13` are the configurations later named cis-1.3 and cis-1.4; `1.15` is
/// what cfg/cis-1.5/etcd.yaml printed until May 2021; `cis-1.25` is what cfg/cis-1.24
/// printed in v0.6.11 and v0.6.12. No version at all is (`cis`, unknown).
fn numbering(version: Option<&str>) -> (String, Option<Text>) {
    let v = version
        .map(str::trim)
        .unwrap_or_default()
        .to_ascii_lowercase();
    let label = match v.as_str() {
        "" => return ("cis".to_string(), None),
        "1.11" => "cis-1.3".to_string(),
        "1.13" => "cis-1.4".to_string(),
        "1.15" => "cis-1.5".to_string(),
        "cis-1.25" => "cis-1.24".to_string(),
        v if v.starts_with(|c: char| c.is_ascii_digit()) => format!("cis-{v}"),
        v => v.to_string(),
    };
    // The benchmark is what comes before the first "-<digit>": `k3s-cis-1.7` → `k3s-cis`.
    let cut = label
        .char_indices()
        .find(|&(i, c)| {
            c == '-'
                && label
                    .get(i + 1..)
                    .is_some_and(|r| r.starts_with(|d: char| d.is_ascii_digit()))
        })
        .map(|(i, _)| i);
    match cut {
        Some(i) => (
            label.get(..i).unwrap_or_default().to_string(),
            label.get(i + 1..).map(Text::from),
        ),
        None => (label, None),
    }
}

fn is_control(p: &Probe) -> bool {
    p.is_object && p.has("id") && p.has("node_type") && p.has("tests")
}

impl KubeBench {
    fn controls(
        &self,
        doc: &Doc<'_>,
        ctx: &mut FileCtx<'_>,
        c: RawControls<'_>,
        raw: &str,
        pointer: &str,
    ) {
        let printed = c.version.as_deref().unwrap_or_default().trim();
        let (benchmark, version) = numbering(c.version.as_deref());
        let label = BenchmarkFacts::new(benchmark.as_str(), version.clone(), "").numbering();
        let node_type = c.node_type.clone().filter(|n| !n.is_empty());
        let origin = ctx.origin(FORMAT).tool("kube-bench");
        let scan = origin
            .scan(ScanClass::Benchmark)
            .title(c.text.as_deref().unwrap_or_default())
            .attr("benchmark", label.as_str())
            .attr("node_type", node_type.clone().unwrap_or_default());
        ctx.emit(scan, &doc.at(raw, pointer));
        for (gi, graw) in c.tests.unwrap_or_default().into_iter().enumerate() {
            let gptr = format!("{pointer}/tests/{gi}");
            let Some(group) = doc.parse_raw::<RawGroup<'_>>(ctx, graw, &gptr) else {
                continue;
            };
            for (ri, rraw) in group.results.unwrap_or_default().into_iter().enumerate() {
                let rptr = format!("{gptr}/results/{ri}");
                let Some(r) = doc.parse_raw::<RawResult>(ctx, rraw, &rptr) else {
                    continue;
                };
                let Some(number) = r.test_number.filter(|n| !n.trim().is_empty()) else {
                    let line = doc.line_of(ctx, rraw.get());
                    ctx.warn(
                        Code::BadRecord,
                        line,
                        Some(format!("{}{rptr}/test_number", doc.pointer)),
                        "record skipped: check result without a test_number",
                    );
                    continue;
                };
                let desc = r.test_desc.unwrap_or_default();
                let manual = r
                    .test_type
                    .as_deref()
                    .is_some_and(|t| t.eq_ignore_ascii_case("manual"))
                    || desc.contains("(Manual)");
                let outcome = match r
                    .status
                    .as_deref()
                    .unwrap_or_default()
                    .to_ascii_uppercase()
                    .as_str()
                {
                    "PASS" => Outcome::Pass,
                    "FAIL" => Outcome::Fail,
                    "WARN" if manual => Outcome::Unknown,
                    "WARN" => Outcome::Warn,
                    "INFO" => Outcome::Info,
                    _ => Outcome::Unknown,
                };
                let place = doc.at(rraw.get(), &rptr);
                let facts = BenchmarkFacts::new(benchmark.as_str(), version.clone(), number.trim());
                let facts = super::benchmark::checked(ctx, &place, facts, &desc);
                let rec = origin
                    .benchmark(facts.id(), facts, outcome)
                    .severity(unstated(outcome))
                    .title(&desc)
                    .message(r.reason.as_deref().unwrap_or_default())
                    .attr("benchmark", label.as_str())
                    .attr(
                        "version_printed",
                        if printed.eq_ignore_ascii_case(&label) {
                            ""
                        } else {
                            printed
                        },
                    )
                    .attr("test_type", if manual { "manual" } else { "automated" })
                    .attr(
                        "scored",
                        r.scored.map(|s| s.to_string()).unwrap_or_default(),
                    )
                    .attr("node_type", node_type.clone().unwrap_or_default());
                ctx.emit(rec, &place);
            }
        }
    }
}

/// kube-bench states no severity: a failure's is unknown (graced as medium, as every
/// tool's unstated severity), anything else has none.
pub(super) fn unstated(outcome: Outcome) -> Severity {
    if matches!(outcome, Outcome::Fail | Outcome::Warn) {
        Severity::Unknown
    } else {
        Severity::None
    }
}

/// What this format is: the one description `muster formats`, detection hints and
/// evaluation read.
pub static INFO: FormatInfo = FormatInfo {
    id: "kube-bench",
    name: "kube-bench --json",
    tested: "kube-bench 0.6 (CIS 1.5, 1.6), current {Controls,Totals} output; numbering cis-1.5 … cis-1.12, aks-, eks-, gke-",
    detection: "object with Controls and Totals, a control object with id, node_type and tests, or an array of them",
    signature: &["Controls", "Totals"],
    channel: Channel::Benchmark,
};

/// The format of the records read here.
pub const FORMAT: Format = Format::of(&INFO);

impl Ingestor for KubeBench {
    fn info(&self) -> &'static FormatInfo {
        &INFO
    }

    fn detect(&self, probe: &Probe) -> bool {
        (probe.is_object && probe.has("Controls") && probe.has("Totals"))
            || is_control(probe)
            || (probe.is_array && probe.first.as_deref().is_some_and(is_control))
    }

    fn ingest(&self, doc: &Doc<'_>, ctx: &mut FileCtx<'_>) {
        if doc.probe.is_array {
            let Some(items) = doc.parse::<Vec<&RawValue>>(ctx) else {
                return;
            };
            for (i, item) in items.into_iter().enumerate() {
                let ptr = format!("/{i}");
                if let Some(c) = doc.parse_raw::<RawControls<'_>>(ctx, item, &ptr) {
                    self.controls(doc, ctx, c, item.get(), &ptr);
                }
            }
        } else if doc.probe.has("Controls") {
            let Some(report) = doc.parse::<RawReport<'_>>(ctx) else {
                return;
            };
            for (i, item) in report.controls.unwrap_or_default().into_iter().enumerate() {
                let ptr = format!("/Controls/{i}");
                if let Some(c) = doc.parse_raw::<RawControls<'_>>(ctx, item, &ptr) {
                    self.controls(doc, ctx, c, item.get(), &ptr);
                }
            }
        } else if let Some(c) = doc.parse::<RawControls<'_>>(ctx) {
            self.controls(doc, ctx, c, doc.text, "");
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use crate::ingest::source::ingest_bytes;
    use crate::ingest::IngestOptions;
    use crate::model::{Outcome, RecordKind, ScanClass};

    const CONTROL_1: &str = r#"{"id":"1","version":"1.6","text":"Master Node","node_type":"master","tests":[{"section":"1.1","desc":"Files","results":[
{"test_number":"1.1.1","test_desc":"Perms (Automated)","type":"","status":"FAIL","scored":true},
{"test_number":"1.1.2","test_desc":"Review (Manual)","type":"manual","status":"WARN","scored":false},
{"test_number":"1.1.3","test_desc":"Auto warn","type":"","status":"WARN","scored":true},
{"test_number":"1.1.4","test_desc":"Ok","status":"PASS","scored":null},
{"test_number":"1.1.5","test_desc":"Info","status":"INFO"}]}]}"#;
    const CONTROL_4: &str = r#"{"id":"4","version":"aks-1.8","text":"Worker","node_type":"node","tests":[{"section":"4.1","results":[
{"test_number":"4.1.1","test_desc":"Ensure that the cluster-admin role is only used where required (Automated)","status":"PASS","scored":true}]}]}"#;

    fn run(text: &str) -> (crate::ingest::SourceSummary, Vec<crate::model::Record>) {
        ingest_bytes("kb.json", text.as_bytes(), &IngestOptions::default())
    }

    #[test]
    fn controls_totals_object() {
        let text =
            format!(r#"{{"Controls":[{CONTROL_1},{CONTROL_4}],"Totals":{{"total_pass":2}}}}"#);
        let (s, recs) = run(&text);
        assert_eq!(s.formats, vec![super::FORMAT]);
        assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
        assert_eq!(recs.len(), 8);
        let scans: Vec<_> = recs.iter().filter(|r| r.kind == RecordKind::Scan).collect();
        assert_eq!(scans.len(), 2);
        assert_eq!(scans[0].check, "benchmark-run");
        assert_eq!(scans[0].scan_class(), Some(ScanClass::Benchmark));
        let by = |c: &str| recs.iter().find(|r| r.check == c).unwrap();
        assert_eq!(by("cis-1.6:1.1.1").outcome, Outcome::Fail);
        // No severity stated: a failure's is unknown, not "none" (lowest grace).
        assert_eq!(
            by("cis-1.6:1.1.1").severity,
            crate::model::Severity::Unknown
        );
        assert_eq!(by("aks-1.8:4.1.1").severity, crate::model::Severity::None);
        assert_eq!(by("cis-1.6:1.1.1").attrs["test_type"], "automated");
        assert_eq!(by("cis-1.6:1.1.1").attrs["scored"], "true");
        assert_eq!(by("cis-1.6:1.1.1").title, "Perms (Automated)");
        assert_eq!(by("cis-1.6:1.1.1").attrs["node_type"], "master");
        assert_eq!(by("cis-1.6:1.1.1").subject.node, None);
        assert_eq!(by("cis-1.6:1.1.1").provenance.line.map(u64::from), Some(2));
        assert_eq!(
            by("cis-1.6:1.1.1").provenance.pointer.as_deref(),
            Some("/Controls/0/tests/0/results/0")
        );
        assert_eq!(by("cis-1.6:1.1.2").outcome, Outcome::Unknown);
        assert_eq!(by("cis-1.6:1.1.2").attrs["test_type"], "manual");
        assert_eq!(by("cis-1.6:1.1.3").outcome, Outcome::Warn);
        assert_eq!(by("cis-1.6:1.1.4").outcome, Outcome::Pass);
        assert_eq!(by("cis-1.6:1.1.5").outcome, Outcome::Info);
        assert_eq!(by("aks-1.8:4.1.1").attrs["benchmark"], "aks-1.8");
        assert!(recs.iter().all(|r| r.observed_at.is_none()));
    }

    #[test]
    fn bare_array_of_controls() {
        let text = format!("[{CONTROL_1},\n{CONTROL_4}]");
        let (s, recs) = run(&text);
        assert_eq!(s.formats, vec![super::FORMAT]);
        assert_eq!(recs.len(), 8);
        assert!(recs.iter().any(|r| r.check == "aks-1.8:4.1.1"
            && r.provenance.pointer.as_deref() == Some("/1/tests/0/results/0")));
    }

    #[test]
    fn concatenated_control_objects() {
        let text = format!("{CONTROL_1}\n{CONTROL_4}\n");
        let (s, recs) = run(&text);
        assert_eq!(s.formats, vec![super::FORMAT]);
        assert_eq!(recs.len(), 8);
        let r = recs.iter().find(|r| r.check == "aks-1.8:4.1.1").unwrap();
        assert_eq!(r.provenance.line.map(u64::from), Some(8));
        assert_eq!(r.attrs["node_type"], "node");
    }

    #[test]
    fn wrong_type_result_costs_one_diagnostic() {
        let text = CONTROL_1.replace(
            r#"{"test_number":"1.1.3","test_desc":"Auto warn""#,
            r#"{"test_number":["1.1.3"],"test_desc":"Auto warn""#,
        );
        let (s, recs) = run(&text);
        assert_eq!(recs.len(), 5);
        assert_eq!(s.diagnostics.len(), 1);
        assert_eq!(s.diagnostics[0].line, Some(4));
    }
}
