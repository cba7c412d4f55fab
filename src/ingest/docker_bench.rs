//! docker-bench-security JSON log (`-l file` writes `file.json`), CIS Docker Benchmark.
//!
//! Every `tests[].results[]` entry becomes a `benchmark` record, check
//! `cis-docker-<version>:<id>` (`cis-docker-1.6:5.5`): `WARN` (a failed check) → fail,
//! `PASS` → pass, `NOTE` → warn, `INFO` → info. The run itself becomes one `scan` record
//! `benchmark-run`.
//!
//! The version is the CIS Docker Benchmark numbering the ids follow, from the release
//! docker-bench prints in `dockerbenchsecurity` (`numberings`; the sources of every
//! fact are in docs/benchmark-versions.md). Two printed releases cover two numberings
//! each (1.3.6 before and after its May 2021 renumbering; 1.6.0, which 1.6.1 and later
//! still print): there, and for releases muster does not know, the export's own titles
//! decide. A result whose title contradicts the numbering keeps its version unknown
//! (`cis-docker:<id>`, `ingest::benchmark`). The run's `start` (epoch seconds)
//! is the observation time. docker-bench names affected containers only in free text
//! (`details`, `items[]`), which is kept as the message, redacted and clipped.
//! The file is assembled with `printf`, so quotes in details can make it invalid JSON:
//! such a file is reported as not JSON rather than guessed at.

use super::util::from_epoch_secs;
use super::{Doc, FileCtx, Ingestor, Probe};
use crate::diag::Code;
use crate::model::{BenchmarkFacts, Channel, Format, FormatInfo, Outcome, ScanClass, Text};
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
    tested: "docker-bench-security 1.3.6 (numbering of releases 1.3.4 to 1.6.x: CIS Docker 1.1, 1.2, 1.4, 1.5, 1.6)",
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
        let release = log.dockerbenchsecurity.as_ref().and_then(text_of);
        let tool = match &release {
            Some(v) => format!("docker-bench-security {v}"),
            None => "docker-bench-security".to_string(),
        };
        let observed = log.start.as_ref().and_then(|v| match v {
            serde_json::Value::Number(n) => n.as_f64().and_then(from_epoch_secs),
            serde_json::Value::String(s) => s.trim().parse::<f64>().ok().and_then(from_epoch_secs),
            _ => None,
        });
        let results = read_results(doc, ctx, log.tests.unwrap_or_default());
        let version = numbering(ctx, doc, release.as_deref(), &results);
        let label = BenchmarkFacts::new(BENCHMARK, version.clone(), "").numbering();
        let origin = ctx.origin(FORMAT).tool(tool).observed(observed);
        let scan = origin
            .scan(ScanClass::Benchmark)
            .title("CIS Docker Benchmark")
            .attr("benchmark", label.as_str());
        ctx.emit(scan, &doc.whole());
        for r in results {
            let place = doc.at(r.raw, &r.pointer);
            let facts = BenchmarkFacts::new(BENCHMARK, version.clone(), r.id.as_str());
            let facts = super::benchmark::checked(ctx, &place, facts, &r.desc);
            let manual = r.desc.contains("(Manual)");
            let rec = origin
                .benchmark(facts.id(), facts, r.outcome)
                .severity(super::kube_bench::unstated(r.outcome))
                .title(&r.desc)
                .message(&r.message)
                .attr("benchmark", label.as_str())
                .attr("test_type", if manual { "manual" } else { "automated" })
                .attr("section", r.section.as_str())
                .attr_redacted("items", &r.items.join(","));
            ctx.emit(rec, &place);
        }
    }
}

/// The benchmark docker-bench runs, as kube-bench-style numbering names spell it.
const BENCHMARK: &str = "cis-docker";

/// Each docker-bench release that writes JSON, and the CIS Docker numberings its ids
/// follow (first: the release as tagged). From docker-bench-security's README release
/// table and its `tests/*.sh` at each tag (docs/benchmark-versions.md): 1.3.4 numbers
/// as CIS Docker CE 1.1.0, 1.3.5 as 1.2.0, 1.3.6 as 1.4.0 (builds before May 2021
/// still as 1.2.0), 1.5.0 as 1.5.0; 1.6.0 was tagged with the 1.5.0 numbering, and
/// 1.6.1 and later, which still print 1.6.0, number as 1.6.0 (`5.1` swarm mode).
const RELEASES: &[(&str, &[&str])] = &[
    ("1.3.4", &["1.1"]),
    ("1.3.5", &["1.2"]),
    ("1.3.6", &["1.4", "1.2"]),
    ("1.5.0", &["1.5"]),
    ("1.6.0", &["1.6", "1.5"]),
];

/// Every numbering muster knows for docker-bench ids.
const NUMBERINGS: &[&str] = &["1.1", "1.2", "1.4", "1.5", "1.6"];

/// One result, read before the numbering is decided.
struct Found<'a> {
    raw: &'a str,
    pointer: String,
    section: String,
    id: String,
    desc: String,
    outcome: Outcome,
    message: String,
    items: Vec<String>,
}

fn read_results<'a>(
    doc: &Doc<'a>,
    ctx: &mut FileCtx<'_>,
    tests: Vec<&'a RawValue>,
) -> Vec<Found<'a>> {
    let mut out = Vec::new();
    for (ti, traw) in tests.into_iter().enumerate() {
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
            out.push(Found {
                raw: rraw.get(),
                pointer: rptr,
                section: section.clone(),
                id,
                desc: r.desc.unwrap_or_default(),
                outcome,
                message,
                items,
            });
        }
    }
    out
}

/// The numbering the results follow: the release's own when it has one, else the
/// candidate whose titles agree best with the export's (fits minus contradictions);
/// unknown (with a warning) when no candidate is ahead.
fn numbering(
    ctx: &mut FileCtx<'_>,
    doc: &Doc<'_>,
    release: Option<&str>,
    results: &[Found<'_>],
) -> Option<Text> {
    let known = release.and_then(|r| RELEASES.iter().find(|(v, _)| *v == r));
    let candidates: &[&str] = known.map_or(NUMBERINGS, |(_, n)| n);
    if let [only] = candidates {
        return Some(Text::from(*only));
    }
    let score = |n: &str| {
        let label = format!("{BENCHMARK}-{n}");
        let (fit, contra) = super::benchmark::agreement(
            &label,
            results.iter().map(|r| (r.id.as_str(), r.desc.as_str())),
        );
        fit as i64 - contra as i64
    };
    let scored: Vec<(&str, i64)> = candidates.iter().map(|n| (*n, score(n))).collect();
    let best = scored.iter().map(|(_, s)| *s).max().unwrap_or(0);
    let leaders: Vec<&str> = scored
        .iter()
        .filter(|(_, s)| *s == best)
        .map(|(n, _)| *n)
        .collect();
    match leaders.as_slice() {
        [one] if best > 0 => Some(Text::from(*one)),
        _ => {
            let (line, pointer) = ctx.place_of(&doc.whole());
            ctx.warn(
                Code::Suspicious,
                line,
                pointer,
                format!(
                    "docker-bench-security {} can number its results as CIS Docker {}, and its \
                     titles do not tell which: its results are kept as cis-docker:<id> and \
                     count toward no mapped control",
                    release.unwrap_or("(no version)"),
                    candidates.join(" or ")
                ),
            );
            None
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
      {"id": "1.1.3", "desc": "Ensure auditing is configured for the Docker daemon (Automated)", "result": "WARN"},
      {"id": "1.1.2", "desc": "Trusted users (Automated)", "result": "INFO", "details": "doubtfulusers: alice", "items": ["alice"]}
    ]},
    {"id": "4", "desc": "Container Images", "results": [
      {"id": "4.1", "desc": "Ensure that a user for the container has been created (Automated)", "result": "WARN", "details": "running as root:  db_1 PASSWORD=hunter2secret", "items": ["db_1"]},
      {"id": "4.5", "desc": "Ensure Content trust for Docker is Enabled (Automated)", "result": "NOTE"},
      {"id": "4.6", "desc": "Ensure that HEALTHCHECK instructions have been added to container images (Automated)", "result": "PASS"}
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
        // 1.3.6 numbers as CIS Docker 1.4 or 1.2; 1.1.3 is titled as in 1.4 only.
        assert_eq!(by("cis-docker-1.4:1.1.3").outcome, Outcome::Fail);
        assert_eq!(
            by("cis-docker-1.4:1.1.3").severity,
            crate::model::Severity::Unknown
        );
        assert_eq!(by("cis-docker-1.4:1.1.2").outcome, Outcome::Info);
        assert_eq!(by("cis-docker-1.4:4.5").outcome, Outcome::Warn);
        assert_eq!(by("cis-docker-1.4:4.6").outcome, Outcome::Pass);
        let b = by("cis-docker-1.4:4.6").benchmark().unwrap();
        assert_eq!(
            (b.benchmark.as_str(), b.item.as_str()),
            ("cis-docker", "4.6")
        );
        assert_eq!(b.version.as_deref(), Some("1.4"));
        let r = by("cis-docker-1.4:4.1");
        assert_eq!(r.kind, RecordKind::Benchmark);
        assert!(r.message.contains("db_1"));
        assert!(!r.message.contains("hunter2secret"));
        assert_eq!(r.provenance.line.map(u64::from), Some(10));
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

    /// A docker-bench log of release `release` with results (id, title, result).
    fn log(release: &str, results: &[(&str, &str, &str)]) -> String {
        let rows: Vec<String> = results
            .iter()
            .map(|(id, desc, res)| {
                format!(r#"{{"id": "{id}", "desc": "{desc}", "result": "{res}"}}"#)
            })
            .collect();
        format!(
            r#"{{"dockerbenchsecurity": "{release}", "start": 1659371395, "tests": [{{"id": "5", "desc": "Container Runtime", "results": [{}]}}]}}"#,
            rows.join(",\n")
        )
    }

    #[test]
    fn numbering_titles_do_not_decide_is_unknown_with_a_warning() {
        // Items titled alike in CIS Docker 1.2 and 1.4: 1.3.6 can be either.
        let text = log(
            "1.3.6",
            &[(
                "5.4",
                "Ensure that privileged containers are not used (Automated)",
                "PASS",
            )],
        );
        let (s, recs) = ingest_bytes("db.json", text.as_bytes(), &IngestOptions::default());
        assert_eq!(s.diagnostics.len(), 1, "{:?}", s.diagnostics);
        assert!(s.diagnostics[0].message.contains("1.4 or 1.2"));
        assert!(recs.iter().any(|r| r.check == "cis-docker:5.4"));
        assert!(recs
            .iter()
            .filter_map(|r| r.benchmark())
            .all(|b| b.version.is_none()));
    }

    #[test]
    fn a_title_contradicting_the_numbering_maps_nowhere() {
        // docker-bench 1.6.x numbers as CIS Docker 1.6 (5.32 is the Docker socket there);
        // 5.26 is then "restricted from acquiring additional privileges", so a 5.26 titled
        // "container health is checked at runtime" (its CIS Docker 1.4 title) loses its version.
        let text = log(
            "1.6.0",
            &[
                ("5.32", "Ensure that the Docker socket is not mounted inside any containers (Automated)", "PASS"),
                ("5.31", "Ensure that the host's user namespaces are not shared (Automated)", "PASS"),
                ("5.26", "Ensure that container health is checked at runtime (Automated)", "PASS"),
            ],
        );
        let (s, recs) = ingest_bytes("db.json", text.as_bytes(), &IngestOptions::default());
        assert!(recs.iter().any(|r| r.check == "cis-docker-1.6:5.32"));
        assert!(recs.iter().any(|r| r.check == "cis-docker:5.26"));
        assert!(s
            .diagnostics
            .iter()
            .any(|d| d.message.contains("cis-docker-1.6:5.26")));
    }
}
