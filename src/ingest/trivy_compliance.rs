//! Trivy compliance reports (`trivy k8s|image … --compliance <spec> -f json`), both
//! `--report all` (controls with nested Trivy `Results[]`) and `--report summary`
//! (`SummaryControls[]` with `TotalPass`/`TotalFail`).
//!
//! One `benchmark` record per control, check `trivy-compliance:<spec id>:<control id>`:
//! fail when a nested finding failed (or `TotalFail > 0`), pass when checks ran and all
//! passed, unknown when nothing was evaluated (manual controls). Plus one `scan` record
//! (`benchmark-run`) per report. A spec that follows a CIS numbering (`k8s-cis-1.23`,
//! `docker-cis-1.6.0`, trivy-operator's `cis` titled "… v1.23") gives its controls the
//! benchmark and version as typed facts and the benchmark's own id as an alias
//! (`cis-1.23:5.2.2`, `cis-docker-1.6:4.1`), so the catalog maps them like kube-bench and
//! docker-bench results of the same numbering (unless the control's name contradicts it).

use super::trivy_results::{misconf_outcome, scan, severity, RawResult};
use super::{Doc, Draft, FileCtx, Ingestor, Origin, Place, Probe};
use crate::model::{BenchmarkFacts, Channel, Format, FormatInfo, Outcome, ScanClass, Text};
use serde::Deserialize;
use serde_json::value::RawValue;

/// The Trivy compliance ingestor.
pub struct TrivyCompliance;

#[derive(Deserialize)]
struct RawReport<'a> {
    #[serde(rename = "ID", default)]
    id: Option<String>,
    #[serde(rename = "Title", default)]
    title: Option<String>,
    #[serde(rename = "Version", default)]
    version: Option<String>,
    #[serde(rename = "Results", default, borrow)]
    results: Option<Vec<&'a RawValue>>,
    #[serde(rename = "SummaryControls", default, borrow)]
    summary: Option<Vec<&'a RawValue>>,
}

#[derive(Deserialize)]
struct RawControl<'a> {
    #[serde(rename = "ID", default)]
    id: Option<String>,
    #[serde(rename = "Name", default)]
    name: Option<String>,
    #[serde(rename = "Description", default)]
    description: Option<String>,
    #[serde(rename = "Severity", default)]
    severity: Option<String>,
    #[serde(rename = "Results", default, borrow)]
    results: Option<Vec<&'a RawValue>>,
}

#[derive(Deserialize)]
struct RawSummaryControl {
    #[serde(rename = "ID", default)]
    id: Option<String>,
    #[serde(rename = "Name", default)]
    name: Option<String>,
    #[serde(rename = "Severity", default)]
    severity: Option<String>,
    #[serde(rename = "TotalPass", default)]
    total_pass: Option<i64>,
    #[serde(rename = "TotalFail", default)]
    total_fail: Option<i64>,
}

#[derive(Deserialize)]
struct RawStatus {
    #[serde(rename = "Status", default)]
    status: Option<String>,
}

/// What this format is: the one description `muster formats`, detection hints and
/// evaluation read.
pub static INFO: FormatInfo = FormatInfo {
    id: "trivy-compliance",
    name: "Trivy compliance report (--compliance, --report all|summary)",
    tested: "Trivy 0.3x–0.69 (k8s-cis, k8s-nsa, k8s-pss, docker-cis)",
    detection: "object with ID, Title and Results[] of controls (ID/Severity) or SummaryControls",
    signature: &[],
    channel: Channel::Benchmark,
};

/// The format of the records read here.
pub const FORMAT: Format = Format::of(&INFO);

impl Ingestor for TrivyCompliance {
    fn info(&self) -> &'static FormatInfo {
        &INFO
    }

    fn detect(&self, probe: &Probe) -> bool {
        if !probe.is_object
            || !probe.has("ID")
            || !probe.has("Title")
            || probe.has("ArtifactType")
            || probe.has("ClusterName")
        {
            return false;
        }
        probe.has("SummaryControls")
            || probe
                .first_of("Results")
                .is_some_and(|c| c.has("ID") || c.has("Severity"))
            || probe
                .child("Results")
                .is_some_and(|r| r.is_array && r.len == 0)
    }

    fn ingest(&self, doc: &Doc<'_>, ctx: &mut FileCtx<'_>) {
        run(doc, ctx);
    }
}

/// A compliance spec and the benchmark numbering it follows.
pub(super) struct Spec {
    /// The spec id as the report names it (`k8s-cis-1.23`, `cis`).
    pub id: String,
    benchmark: String,
    version: Option<Text>,
}

impl Spec {
    /// The spec `id` titled `title`: `k8s-cis-1.23` follows CIS Kubernetes 1.23 (`cis`,
    /// `1.23`), `docker-cis-1.6.0` CIS Docker 1.6 (`cis-docker`, `1.6`), trivy-operator's
    /// bare `cis` the version in its title; other specs keep their own name and version
    /// (`k8s-nsa`, `1.0`).
    pub fn new(id: &str, title: &str) -> Spec {
        let lower = id.trim().to_ascii_lowercase();
        let major_minor = |v: &str| v.split('.').take(2).collect::<Vec<_>>().join(".");
        let (benchmark, version) = if let Some(v) = lower.strip_prefix("k8s-cis-") {
            ("cis".to_string(), Some(major_minor(v)))
        } else if let Some(v) = lower.strip_prefix("docker-cis-") {
            ("cis-docker".to_string(), Some(major_minor(v)))
        } else if lower == "cis" && title.contains("Kubernetes") {
            (
                "cis".to_string(),
                version_in(title).map(|v| major_minor(&v)),
            )
        } else {
            split_versioned(&lower)
        };
        Spec {
            id: id.to_string(),
            benchmark,
            version: version.map(Text::from),
        }
    }

    /// The benchmark record of control `control` named `name` (check
    /// `trivy-compliance:<spec>:<control>`), aliased to the benchmark's versioned id.
    pub fn control(
        &self,
        ctx: &mut FileCtx<'_>,
        place: &Place<'_>,
        origin: &Origin,
        control: &str,
        name: &str,
        outcome: Outcome,
    ) -> Draft {
        let facts = BenchmarkFacts::new(self.benchmark.as_str(), self.version.clone(), control);
        let facts = super::benchmark::checked(ctx, place, facts, name);
        let alias = facts.version.is_some().then(|| facts.id());
        let mut d = origin
            .benchmark(
                format!("trivy-compliance:{}:{control}", self.id),
                facts,
                outcome,
            )
            .title(name)
            .attr("benchmark", self.id.as_str())
            .attr("control", control);
        d.aliases.extend(alias.map(Text::from));
        d
    }
}

/// `k8s-nsa-1.0` → (`k8s-nsa`, `1.0`): the name before the first `-<digit>`, the rest.
fn split_versioned(id: &str) -> (String, Option<String>) {
    let cut = id.char_indices().find(|&(i, c)| {
        c == '-'
            && id
                .get(i + 1..)
                .is_some_and(|r| r.starts_with(|d: char| d.is_ascii_digit()))
    });
    match cut {
        Some((i, _)) => (
            id.get(..i).unwrap_or_default().to_string(),
            id.get(i + 1..).map(str::to_string),
        ),
        None => (id.to_string(), None),
    }
}

/// The version a title names (`CIS Kubernetes Benchmarks v1.23` → `1.23`).
fn version_in(title: &str) -> Option<String> {
    title.split_whitespace().find_map(|w| {
        let v = w.strip_prefix('v').or_else(|| w.strip_prefix('V'))?;
        (v.starts_with(|c: char| c.is_ascii_digit())
            && v.chars().all(|c| c.is_ascii_digit() || c == '.'))
        .then(|| v.trim_end_matches('.').to_string())
    })
}

/// The `benchmark-run` scan record of a spec.
pub(super) fn benchmark_run(
    origin: &Origin,
    spec: &str,
    title: &str,
    version: &str,
    controls: usize,
) -> Draft {
    scan(origin, ScanClass::Benchmark)
        .attr("benchmark", spec)
        .attr_redacted("benchmark_title", title)
        .attr("benchmark_version", version)
        .attr("controls", controls.to_string())
}

fn run<'a>(doc: &Doc<'a>, ctx: &mut FileCtx<'_>) {
    let Some(rep) = doc.parse::<RawReport<'a>>(ctx) else {
        return;
    };
    let spec = rep
        .id
        .clone()
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| "unknown".to_string());
    let origin = ctx.origin(FORMAT).tool("trivy");
    let spec_title = rep.title.as_deref().unwrap_or_default();
    let spec = Spec::new(&spec, spec_title);
    let mut controls = 0usize;
    for (i, raw) in rep.results.iter().flatten().enumerate() {
        let ptr = format!("/Results/{i}");
        let Some(c) = doc.parse_raw::<RawControl<'a>>(ctx, raw, &ptr) else {
            continue;
        };
        let Some(id) = c.id.clone().filter(|s| !s.trim().is_empty()) else {
            continue;
        };
        let (mut pass, mut fail, mut other) = (0u64, 0u64, 0u64);
        for (j, nested) in c.results.iter().flatten().enumerate() {
            let nptr = format!("{ptr}/Results/{j}");
            let Some(res) = doc.parse_raw::<RawResult<'a>>(ctx, nested, &nptr) else {
                continue;
            };
            for (k, m) in res.misconfigurations.iter().flatten().enumerate() {
                let mptr = format!("{nptr}/Misconfigurations/{k}");
                if let Some(st) = doc.parse_raw::<RawStatus>(ctx, m, &mptr) {
                    match misconf_outcome(st.status.as_deref()) {
                        Outcome::Pass => pass += 1,
                        Outcome::Fail => fail += 1,
                        _ => other += 1,
                    }
                }
            }
            fail += res.vulnerabilities.as_ref().map_or(0, |v| v.len() as u64);
            fail += res.secrets.as_ref().map_or(0, |v| v.len() as u64);
        }
        let outcome = if fail > 0 {
            Outcome::Fail
        } else if pass > 0 {
            Outcome::Pass
        } else if other > 0 {
            Outcome::Skip
        } else {
            Outcome::Unknown
        };
        let place = doc.at(raw.get(), &ptr);
        let name = c.name.as_deref().unwrap_or_default();
        let d = spec
            .control(ctx, &place, &origin, &id, name, outcome)
            .severity(severity(c.severity.as_deref()))
            .message(c.description.as_deref().unwrap_or_default())
            .attr("total_pass", pass.to_string())
            .attr("total_fail", fail.to_string())
            .attr_redacted("benchmark_title", spec_title);
        ctx.emit(d, &place);
        controls += 1;
    }
    for (i, raw) in rep.summary.iter().flatten().enumerate() {
        let ptr = format!("/SummaryControls/{i}");
        let Some(c) = doc.parse_raw::<RawSummaryControl>(ctx, raw, &ptr) else {
            continue;
        };
        let Some(id) = c.id.clone().filter(|s| !s.trim().is_empty()) else {
            continue;
        };
        let outcome = match (c.total_pass, c.total_fail) {
            (_, Some(f)) if f > 0 => Outcome::Fail,
            (Some(p), _) if p > 0 => Outcome::Pass,
            (_, Some(0)) => Outcome::Pass,
            _ => Outcome::Unknown,
        };
        let count = |n: Option<i64>| n.map(|n| n.to_string()).unwrap_or_default();
        let place = doc.at(raw.get(), &ptr);
        let name = c.name.as_deref().unwrap_or_default();
        let d = spec
            .control(ctx, &place, &origin, &id, name, outcome)
            .severity(severity(c.severity.as_deref()))
            .attr("total_pass", count(c.total_pass))
            .attr("total_fail", count(c.total_fail))
            .attr_redacted("benchmark_title", spec_title);
        ctx.emit(d, &place);
        controls += 1;
    }
    let version = rep.version.as_deref().unwrap_or_default();
    let d = benchmark_run(&origin, &spec.id, spec_title, version, controls);
    ctx.emit(d, &doc.whole());
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use crate::ingest::source::ingest_bytes;
    use crate::ingest::IngestOptions;
    use crate::model::{Outcome, Record, RecordKind, ScanClass, Severity};

    fn ingest(text: &str) -> (crate::ingest::SourceSummary, Vec<Record>) {
        ingest_bytes("c.json", text.as_bytes(), &IngestOptions::default())
    }

    #[test]
    fn report_all_controls_take_pass_and_fail_from_nested_statuses() {
        let text = r#"{"ID": "k8s-nsa-1.0", "Title": "National Security Agency - Kubernetes Hardening Guidance v1.0",
  "Description": "", "Version": "1.0", "RelatedResources": ["https://example.com"],
  "Results": [
    {"ID": "1.0", "Name": "Non-root containers", "Severity": "MEDIUM",
     "Results": [{"Target": "Deployment/a", "Misconfigurations": [{"AVDID": "AVD-KSV012", "Status": "FAIL"},
                                                                  {"AVDID": "AVD-KSV012", "Status": "PASS"}]}]},
    {"ID": "1.1", "Name": "Immutable container file systems", "Severity": "LOW",
     "Results": [{"Target": "", "Misconfigurations": [{"AVDID": "AVD-KSV014", "Status": "PASS"}]}]},
    {"ID": "1.2", "Name": "Manual control", "Severity": "HIGH", "Results": null}
  ]}"#;
        let (s, recs) = ingest(text);
        assert_eq!(s.formats, vec![super::FORMAT]);
        assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
        assert_eq!(recs.len(), 4);
        assert_eq!(recs[0].kind, RecordKind::Benchmark);
        assert_eq!(recs[0].check, "trivy-compliance:k8s-nsa-1.0:1.0");
        assert_eq!(recs[0].outcome, Outcome::Fail);
        assert_eq!(recs[0].severity, Severity::Medium);
        assert_eq!(recs[0].attrs["total_fail"], "1");
        assert_eq!(recs[1].outcome, Outcome::Pass);
        assert_eq!(recs[2].outcome, Outcome::Unknown);
        assert_eq!(recs[3].kind, RecordKind::Scan);
        assert_eq!(recs[3].check, "benchmark-run");
        assert_eq!(recs[3].scan_class(), Some(ScanClass::Benchmark));
        assert_eq!(recs[3].title, "trivy benchmark run");
        assert_eq!(recs[3].attrs["benchmark"], "k8s-nsa-1.0");
        assert_eq!(recs[3].attrs["controls"], "3");
        assert_eq!(
            recs[0].attrs["benchmark_title"],
            "National Security Agency - Kubernetes Hardening Guidance v1.0"
        );
        assert_eq!(recs[0].provenance.pointer.as_deref(), Some("/Results/0"));
    }

    #[test]
    fn report_summary_controls() {
        let text = r#"{"ID": "k8s-cis-1.23", "Title": "CIS Kubernetes Benchmarks v1.23",
  "SummaryControls": [
    {"ID": "1.1.1", "Name": "API server pod spec perms", "Severity": "HIGH", "TotalPass": 1, "TotalFail": 0},
    {"ID": "5.2.2", "Name": "Minimize the admission of privileged containers", "Severity": "HIGH", "TotalPass": 3, "TotalFail": 2},
    {"ID": "5.7.1", "Name": "Create administrative boundaries between resources using namespaces", "Severity": "MEDIUM"},
    {"ID": "5.7.2", "Name": "Ensure that the seccomp profile is set to docker/default in your pod definitions", "Severity": "MEDIUM", "TotalFail": "x"}
  ]}"#;
        let (s, recs) = ingest(text);
        assert_eq!(s.formats, vec![super::FORMAT]);
        let bench: Vec<&Record> = recs
            .iter()
            .filter(|r| r.kind == RecordKind::Benchmark)
            .collect();
        assert_eq!(bench.len(), 3);
        assert_eq!(bench[0].outcome, Outcome::Pass);
        assert_eq!(bench[1].check, "trivy-compliance:k8s-cis-1.23:5.2.2");
        assert_eq!(bench[1].outcome, Outcome::Fail);
        assert!(bench[1].aliases.iter().any(|a| a == "cis-1.23:5.2.2"));
        assert_eq!(bench[1].benchmark().unwrap().id(), "cis-1.23:5.2.2");
        assert_eq!(bench[2].outcome, Outcome::Unknown);
        assert_eq!(s.diagnostics.len(), 1);
        assert_eq!(s.diagnostics[0].line, Some(6));
    }

    #[test]
    fn trivy_image_reports_are_not_compliance_reports() {
        let (s, _) = ingest(
            r#"{"SchemaVersion": 2, "ArtifactName": "x", "ArtifactType": "container_image", "Results": []}"#,
        );
        assert_eq!(s.formats, vec![crate::ingest::trivy::FORMAT]);
    }
}
