//! docker-bench-security JSON log (`-l file` writes `file.json`), CIS Docker Benchmark.
//!
//! Every `tests[].results[]` entry becomes a `benchmark` record, check `cis-docker:<id>`:
//! `WARN` (a failed check) → fail, `PASS` → pass, `NOTE` → warn, `INFO` → info. The run
//! itself becomes one `scan` record `benchmark-run`. The run's `start` (epoch seconds)
//! is the observation time. docker-bench names affected containers only in free text
//! (`details`, `items[]`), which is kept as the message, redacted and clipped.
//! The file is assembled with `printf`, so quotes in details can make it invalid JSON:
//! such a file is reported as not JSON rather than guessed at.

use super::util::from_epoch_secs;
use super::{Doc, FileCtx, Ingestor, Origin, Probe};
use crate::model::{Channel, Format, FormatInfo, Outcome, ScanClass};
use serde::Deserialize;
use serde_json::value::RawValue;

/// The docker-bench-security ingestor.
pub struct DockerBench;

#[derive(Deserialize)]
struct RawLog<'a> {
    #[serde(default)]
    dockerbenchsecurity: Option<serde_json::Value>,
    #[serde(default)]
    start: Option<serde_json::Value>,
    #[serde(borrow, default)]
    tests: Option<Vec<&'a RawValue>>,
}

#[derive(Deserialize)]
struct RawTest<'a> {
    #[serde(default)]
    desc: Option<String>,
    #[serde(borrow, default)]
    results: Option<Vec<&'a RawValue>>,
}

#[derive(Deserialize)]
struct RawResult {
    #[serde(default)]
    id: Option<serde_json::Value>,
    #[serde(default)]
    desc: Option<String>,
    #[serde(default)]
    result: Option<String>,
    #[serde(default)]
    details: Option<String>,
    #[serde(default)]
    items: Option<Vec<serde_json::Value>>,
}

/// A string or a number as text.
fn text_of(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// What this format is: the one description `muster formats`, detection hints and
/// evaluation read.
pub static INFO: FormatInfo = FormatInfo {
    id: "docker-bench",
    name: "docker-bench-security JSON log",
    tested: "docker-bench-security 1.3.6 (CIS Docker Benchmark 1.3–1.6 numbering)",
    detection: "object with dockerbenchsecurity",
    signature: &["dockerbenchsecurity", "start", "tests", "checks", "score"],
    channel: Channel::Benchmark,
};

/// The format of the records read here.
pub const FORMAT: Format = Format::of(&INFO);

impl Ingestor for DockerBench {
    fn info(&self) -> &'static FormatInfo {
        &INFO
    }

    fn detect(&self, probe: &Probe) -> bool {
        probe.is_object && probe.has("dockerbenchsecurity")
    }

    fn ingest(&self, doc: &Doc<'_>, ctx: &mut FileCtx<'_>) {
        let Some(log) = doc.parse::<RawLog<'_>>(ctx) else {
            return;
        };
        let version = log.dockerbenchsecurity.as_ref().and_then(text_of);
        let tool = match &version {
            Some(v) => format!("docker-bench-security {v}"),
            None => "docker-bench-security".to_string(),
        };
        let observed = log.start.as_ref().and_then(|v| match v {
            serde_json::Value::Number(n) => n.as_f64().and_then(from_epoch_secs),
            serde_json::Value::String(s) => s.trim().parse::<f64>().ok().and_then(from_epoch_secs),
            _ => None,
        });
        let origin = Origin::new(FORMAT).tool(tool).observed(observed);
        let scan = origin
            .scan(ScanClass::Benchmark)
            .title("CIS Docker Benchmark")
            .attr("benchmark", "cis-docker");
        ctx.emit(scan, &doc.whole());
        for (ti, traw) in log.tests.unwrap_or_default().into_iter().enumerate() {
            let tptr = format!("/tests/{ti}");
            let Some(test) = doc.parse_raw::<RawTest<'_>>(ctx, traw, &tptr) else {
                continue;
            };
            let section = test.desc.unwrap_or_default();
            for (ri, rraw) in test.results.unwrap_or_default().into_iter().enumerate() {
                let rptr = format!("{tptr}/results/{ri}");
                let Some(r) = doc.parse_raw::<RawResult>(ctx, rraw, &rptr) else {
                    continue;
                };
                let Some(id) = r.id.as_ref().and_then(text_of) else {
                    continue;
                };
                let outcome = match r
                    .result
                    .as_deref()
                    .unwrap_or_default()
                    .trim()
                    .to_ascii_uppercase()
                    .as_str()
                {
                    "WARN" => Outcome::Fail,
                    "PASS" => Outcome::Pass,
                    "NOTE" => Outcome::Warn,
                    "INFO" => Outcome::Info,
                    _ => Outcome::Unknown,
                };
                let desc = r.desc.unwrap_or_default();
                let items: Vec<String> = r
                    .items
                    .unwrap_or_default()
                    .iter()
                    .filter_map(text_of)
                    .collect();
                let mut message = r.details.unwrap_or_default().trim().to_string();
                if message.is_empty() {
                    message = items.join(", ");
                }
                let manual = desc.contains("(Manual)");
                let rec = origin
                    .benchmark(format!("cis-docker:{id}"), outcome)
                    .severity(super::kube_bench::unstated(outcome))
                    .title(&desc)
                    .message(&message)
                    .attr("benchmark", "cis-docker")
                    .attr("test_type", if manual { "manual" } else { "automated" })
                    .attr("section", section.as_str())
                    .attr_redacted("items", &items.join(","));
                ctx.emit(rec, &doc.at(rraw.get(), &rptr));
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use crate::ingest::source::ingest_bytes;
    use crate::ingest::IngestOptions;
    use crate::model::{Outcome, RecordKind, ScanClass};

    const LOG: &str = r#"{
  "dockerbenchsecurity": "1.3.6",
  "start": 1659371395,
  "tests": [
    {"id": "1", "desc": "Host Configuration", "results": [
      {"id": "1.1.1", "desc": "Separate partition (Automated)", "result": "WARN"},
      {"id": "1.1.2", "desc": "Trusted users (Automated)", "result": "INFO", "details": "doubtfulusers: alice", "items": ["alice"]}
    ]},
    {"id": "4", "desc": "Container Images", "results": [
      {"id": "4.1", "desc": "User created (Automated)", "result": "WARN", "details": "running as root:  db_1 PASSWORD=hunter2secret", "items": ["db_1"]},
      {"id": "4.5", "desc": "Content trust (Automated)", "result": "NOTE"},
      {"id": "4.6", "desc": "HEALTHCHECK (Automated)", "result": "PASS"}
    ]}
  ],
  "checks": 5, "score": 1, "end": 1659371409
}"#;

    #[test]
    fn results_map_to_benchmark_records() {
        let (s, recs) = ingest_bytes("db.json", LOG.as_bytes(), &IngestOptions::default());
        assert_eq!(s.formats, vec![super::FORMAT]);
        assert!(s.diagnostics.is_empty());
        assert_eq!(recs.len(), 6);
        assert_eq!(recs[0].kind, RecordKind::Scan);
        assert_eq!(recs[0].check, "benchmark-run");
        assert_eq!(recs[0].scan_class(), Some(ScanClass::Benchmark));
        let by = |c: &str| recs.iter().find(|r| r.check == c).unwrap();
        assert_eq!(by("cis-docker:1.1.1").outcome, Outcome::Fail);
        assert_eq!(
            by("cis-docker:1.1.1").severity,
            crate::model::Severity::Unknown
        );
        assert_eq!(by("cis-docker:1.1.2").outcome, Outcome::Info);
        assert_eq!(by("cis-docker:4.5").outcome, Outcome::Warn);
        assert_eq!(by("cis-docker:4.6").outcome, Outcome::Pass);
        let r = by("cis-docker:4.1");
        assert_eq!(r.kind, RecordKind::Benchmark);
        assert!(r.message.contains("db_1"));
        assert!(!r.message.contains("hunter2secret"));
        assert_eq!(r.provenance.line, Some(10));
        assert_eq!(
            r.observed_at.unwrap().to_rfc3339(),
            "2022-08-01T16:29:55+00:00"
        );
        assert_eq!(r.tool, "docker-bench-security 1.3.6");
    }

    #[test]
    fn wrong_type_result_costs_one_diagnostic() {
        let text = LOG.replace(r#""result": "NOTE""#, r#""result": {"x": 1}"#);
        let (s, recs) = ingest_bytes("db.json", text.as_bytes(), &IngestOptions::default());
        assert_eq!(recs.len(), 5);
        assert_eq!(s.diagnostics.len(), 1);
        assert_eq!(s.diagnostics[0].line, Some(11));
    }
}
