//! Tetragon JSON events (`tetra getevents -o json`, the JSON export file), one per
//! line or pretty-printed.
//!
//! Every event proves the sensor was alive: one `heartbeat` record `tetragon` for its
//! node (the evaluator aggregates them). A `process_exec` in a pod also yields a
//! `sighting` record `running` for the container image (tag from `image.name`, digest
//! from `image.id`). Policy events (`process_kprobe`, `process_tracepoint`,
//! `process_uprobe`, `process_usdt`, `process_lsm`) become `alert` records, check = the
//! tracing policy name (else the hooked function, else the event type); severity is
//! high when the policy acted (`SIGKILL`, `OVERRIDE`), medium otherwise; the action
//! itself is the alert's typed fact. Process arguments are redacted and clipped; raw
//! byte arguments are never kept.

use super::util::parse_time;
use super::{Doc, FileCtx, Ingestor, Probe};
use crate::model::{Channel, Format, FormatInfo, ImageRef, Sensor, Severity, Subject, Text};
use serde::Deserialize;

/// The Tetragon ingestor.
pub struct Tetragon;

const EVENT_TYPES: &[&str] = &[
    "process_exec",
    "process_exit",
    "process_kprobe",
    "process_tracepoint",
    "process_uprobe",
    "process_usdt",
    "process_lsm",
    "process_loader",
    "process_throttle",
];

const POLICY_EVENTS: &[&str] = &[
    "process_kprobe",
    "process_tracepoint",
    "process_uprobe",
    "process_usdt",
    "process_lsm",
];

#[derive(Deserialize)]
struct RawEvent {
    #[serde(default)]
    node_name: Slot<String>,
    #[serde(default)]
    cluster_name: Option<String>,
    #[serde(default)]
    time: Slot<String>,
    #[serde(default)]
    process_exec: Slot<RawBody>,
    #[serde(default)]
    process_exit: Slot<RawBody>,
    #[serde(default)]
    process_kprobe: Slot<RawBody>,
    #[serde(default)]
    process_tracepoint: Slot<RawBody>,
    #[serde(default)]
    process_uprobe: Slot<RawBody>,
    #[serde(default)]
    process_usdt: Slot<RawBody>,
    #[serde(default)]
    process_lsm: Slot<RawBody>,
    #[serde(default)]
    process_loader: Slot<RawBody>,
    /// Read only for whether it is there.
    #[serde(default)]
    process_throttle: Slot<serde::de::IgnoredAny>,
}

impl RawEvent {
    /// Each event type ([`EVENT_TYPES`], in order): whether its key is there, and its body.
    fn bodies(&self) -> [(&'static str, bool, Option<&RawBody>); 9] {
        fn body<'e>(
            name: &'static str,
            slot: &'e Slot<RawBody>,
        ) -> (&'static str, bool, Option<&'e RawBody>) {
            (name, slot.present, slot.value.as_ref())
        }
        [
            body("process_exec", &self.process_exec),
            body("process_exit", &self.process_exit),
            body("process_kprobe", &self.process_kprobe),
            body("process_tracepoint", &self.process_tracepoint),
            body("process_uprobe", &self.process_uprobe),
            body("process_usdt", &self.process_usdt),
            body("process_lsm", &self.process_lsm),
            body("process_loader", &self.process_loader),
            ("process_throttle", self.process_throttle.present, None),
        ]
    }

    /// What [`Tetragon::detect`] asks of a probe, asked of the parse: exactly one event
    /// key, and `node_name` or `time`.
    fn is_event(&self) -> bool {
        self.bodies().iter().filter(|(_, there, _)| *there).count() == 1
            && (self.node_name.present || self.time.present)
    }
}

/// A top-level field as the probe sees it: there (with any value, `null` too) or not.
struct Slot<T> {
    present: bool,
    value: Option<T>,
}

impl<T> Default for Slot<T> {
    fn default() -> Self {
        Slot {
            present: false,
            value: None,
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Slot<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Slot {
            present: true,
            value: Option::<T>::deserialize(d)?,
        })
    }
}

/// The fields muster reads from any event body (each type has a subset).
#[derive(Deserialize)]
struct RawBody {
    #[serde(default)]
    process: Option<RawProcess>,
    #[serde(default)]
    function_name: Option<String>,
    #[serde(default)]
    policy_name: Option<String>,
    #[serde(default)]
    action: Option<String>,
    #[serde(default)]
    args: Option<Vec<serde_json::Value>>,
    /// tracepoint
    #[serde(default)]
    subsys: Option<String>,
    /// tracepoint
    #[serde(default)]
    event: Option<String>,
    /// uprobe / usdt
    #[serde(default)]
    symbol: Option<String>,
    #[serde(default)]
    tags: Option<Vec<String>>,
}

#[derive(Deserialize)]
struct RawProcess {
    #[serde(default)]
    uid: Option<u64>,
    #[serde(default)]
    binary: Option<String>,
    #[serde(default)]
    arguments: Option<String>,
    #[serde(default)]
    start_time: Option<String>,
    #[serde(default)]
    pod: Option<RawPod>,
}

#[derive(Deserialize)]
struct RawPod {
    #[serde(default)]
    namespace: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    container: Option<RawContainer>,
}

#[derive(Deserialize)]
struct RawContainer {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    image: Option<RawImage>,
}

#[derive(Deserialize)]
struct RawImage {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    name: Option<String>,
}

fn non_empty(s: Option<&str>) -> Option<String> {
    s.map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// `name` (`repo:tag`) with the digest of `id` (`repo@sha256:…`) when it has one.
fn image_of(img: &RawImage) -> Option<ImageRef> {
    let id = non_empty(img.id.as_deref());
    let digest = id
        .as_deref()
        .and_then(|i| i.split_once('@'))
        .map(|(_, d)| d);
    match non_empty(img.name.as_deref()) {
        Some(n) => ImageRef::from_parts(&n, None, digest.filter(|_| !n.contains('@'))),
        None => id
            .filter(|i| i.contains('@'))
            .and_then(|i| ImageRef::parse(&i)),
    }
}

/// Tetragon's severity: high when the policy acted (`SIGKILL`, `OVERRIDE`), else medium.
fn severity_of_action(action: Option<&str>) -> Severity {
    let upper = action.unwrap_or_default().to_ascii_uppercase();
    if upper.contains("SIGKILL") || upper.contains("OVERRIDE") {
        Severity::High
    } else {
        Severity::Medium
    }
}

/// A short text for kprobe/tracepoint arguments; byte buffers are never kept.
fn args_text(args: &[serde_json::Value]) -> String {
    let mut parts = Vec::new();
    for a in args {
        let Some(obj) = a.as_object() else {
            continue;
        };
        for (k, v) in obj {
            if k == "label" {
                continue;
            }
            let text = if k.starts_with("bytes") || k == "data_arg" {
                "[bytes]".to_string()
            } else {
                match v {
                    serde_json::Value::String(s) => s.clone(),
                    serde_json::Value::Number(n) => n.to_string(),
                    serde_json::Value::Bool(b) => b.to_string(),
                    serde_json::Value::Object(o) => o
                        .get("path")
                        .or_else(|| o.get("name"))
                        .and_then(|p| p.as_str())
                        .map(str::to_string)
                        .unwrap_or_else(|| k.clone()),
                    _ => continue,
                }
            };
            parts.push(text);
        }
    }
    parts.join(" ")
}

/// What this format is: the one description `muster formats`, detection hints and
/// evaluation read.
pub static INFO: FormatInfo = FormatInfo {
    id: "tetragon",
    name: "Tetragon JSON events",
    tested: "Tetragon 0.8 (2022 docs samples), 1.x export",
    detection: "exactly one event key (process_exec, process_kprobe, …) with node_name or time",
    signature: &["node_name", "time", "process_exec"],
    channel: Channel::RuntimeSensor(Sensor::Tetragon),
};

/// The format of the records read here.
pub const FORMAT: Format = Format::of(&INFO);

impl Ingestor for Tetragon {
    fn info(&self) -> &'static FormatInfo {
        &INFO
    }

    fn detects_from_top_level(&self) -> bool {
        true
    }

    fn detect(&self, probe: &Probe) -> bool {
        probe.is_object
            && probe
                .keys
                .iter()
                .filter(|k| EVENT_TYPES.contains(&k.as_ref()))
                .count()
                == 1
            && (probe.has("node_name") || probe.has("time"))
    }

    fn ingest(&self, doc: &Doc<'_>, ctx: &mut FileCtx<'_>) {
        if let Some(ev) = doc.parse::<RawEvent>(ctx) {
            read(ev, doc, ctx);
        }
    }

    fn ingest_line(&self, doc: &Doc<'_>, ctx: &mut FileCtx<'_>) -> bool {
        match serde_json::from_str::<RawEvent>(doc.text) {
            Ok(ev) if ev.is_event() => {
                read(ev, doc, ctx);
                true
            }
            _ => false,
        }
    }
}

/// The records of one parsed event.
fn read(ev: RawEvent, doc: &Doc<'_>, ctx: &mut FileCtx<'_>) {
    let node = non_empty(ev.node_name.value.as_deref());
    let cluster = non_empty(ev.cluster_name.as_deref());
    let (event_type, body) = ev
        .bodies()
        .into_iter()
        .find(|(_, there, _)| *there)
        .map_or(("event", None), |(name, _, body)| (name, body));
    let process = body.and_then(|b| b.process.as_ref());
    // An event without `time` (older exports, some docs samples) is dated by the
    // start of the process it reports, which cannot be later than the event.
    let time = ev.time.value.as_deref().and_then(parse_time).or_else(|| {
        process
            .and_then(|p| p.start_time.as_deref())
            .and_then(parse_time)
    });
    if let (None, Some(t)) = (
        time,
        ev.time.value.as_deref().filter(|t| !t.trim().is_empty()),
    ) {
        let line = doc.line_of(ctx, doc.text);
        ctx.unreadable_time(line, format!("{}/time", doc.pointer), t);
    }
    let origin = ctx
        .origin(FORMAT)
        .tool(Text::literal(arcstr::literal!("tetragon")))
        .observed(time);
    let place = doc.whole();
    let pod = process.and_then(|p| p.pod.as_ref());
    let container = pod.and_then(|p| p.container.as_ref());
    let subject = Subject {
        cluster: cluster.clone().map(Text::from),
        namespace: pod
            .and_then(|p| non_empty(p.namespace.as_deref()))
            .map(Text::from),
        kind: pod.map(|_| crate::model::POD_KIND),
        name: pod
            .and_then(|p| non_empty(p.name.as_deref()))
            .map(Text::from),
        container: container
            .and_then(|c| non_empty(c.name.as_deref()))
            .map(Text::from),
        image: container.and_then(|c| c.image.as_ref()).and_then(image_of),
        node: node.clone().map(Text::from),
        ..Subject::default()
    };
    let binary = process
        .and_then(|p| non_empty(p.binary.as_deref()))
        .unwrap_or_default();
    let arguments = process
        .and_then(|p| non_empty(p.arguments.as_deref()))
        .unwrap_or_default();
    let cmdline = if arguments.is_empty() {
        binary.clone()
    } else {
        format!("{binary} {arguments}")
    };
    let uid = process
        .and_then(|p| p.uid)
        .map(|u| u.to_string())
        .unwrap_or_default();

    if let Some(image) = subject
        .image
        .as_ref()
        .filter(|_| event_type == "process_exec")
    {
        // A sighting, like a heartbeat, nearly always folds: it is built only when not.
        if !ctx.fold_event(&origin.sighting_key(&subject)) {
            let mut r = origin
                .sighting()
                .title(&format!("Image {} running", image.tagged()));
            r.subject = subject.clone().into();
            ctx.emit(r, &place);
        }
    }
    if let Some(b) = body.filter(|_| POLICY_EVENTS.contains(&event_type)) {
        let function = non_empty(b.function_name.as_deref())
            .or_else(|| non_empty(b.symbol.as_deref()))
            .or_else(|| match (&b.subsys, &b.event) {
                (Some(s), Some(e)) => Some(format!("{s}/{e}")),
                _ => None,
            })
            .unwrap_or_default();
        let policy = non_empty(b.policy_name.as_deref()).unwrap_or_default();
        let check = if !policy.is_empty() {
            policy.clone()
        } else if !function.is_empty() {
            function.clone()
        } else {
            event_type.to_string()
        };
        let action = non_empty(b.action.as_deref());
        let title = if function.is_empty() {
            format!("{event_type} by {binary}")
        } else {
            format!("{event_type} {function} by {binary}")
        };
        let mut r = origin
            .alert(
                check,
                severity_of_action(action.as_deref()),
                action.as_deref().map(Text::from),
            )
            .title(&title)
            .message(&args_text(b.args.as_deref().unwrap_or_default()))
            .attr("event_type", event_type)
            .attr("policy", policy)
            .attr("function_name", function)
            .attr("action", action.unwrap_or_default())
            .attr("binary", binary.as_str())
            .attr_redacted("arguments", &arguments)
            .attr_redacted("cmdline", &cmdline)
            .attr("uid", uid)
            .attr("tags", b.tags.clone().unwrap_or_default().join(","));
        r.subject = subject.clone().into();
        ctx.emit(r, &place);
    }
    let sensor = Subject {
        cluster: cluster.map(Text::from),
        node: node.map(Text::from),
        ..Subject::default()
    };
    if !ctx.fold_event(&origin.heartbeat_key(Sensor::Tetragon.as_str(), &sensor)) {
        let mut hb = origin
            .heartbeat(Sensor::Tetragon)
            .title("Tetragon event")
            .attr("event_type", event_type);
        hb.subject = sensor.into();
        ctx.emit(hb, &place);
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use crate::ingest::source::ingest_bytes;
    use crate::ingest::IngestOptions;
    use crate::model::{Facts, Outcome, Record, RecordKind, Severity};

    fn run(text: &str) -> (crate::ingest::SourceSummary, Vec<Record>) {
        ingest_bytes("tetragon.json", text.as_bytes(), &IngestOptions::default())
    }

    const EXEC: &str = r#"{"process_exec":{"process":{"exec_id":"a","pid":1,"uid":0,"binary":"/usr/bin/netserver","arguments":"-D --token=abcdefghijklmnop","start_time":"2022-10-18T03:16:18.273546829Z","pod":{"namespace":"default","name":"tiefighter","container":{"id":"containerd://19a0","name":"spaceship","image":{"id":"docker.io/tgraf/netperf@sha256:8e86f744","name":"docker.io/tgraf/netperf:latest"}}}},"parent":{"binary":"/usr/bin/containerd-shim"}},"node_name":"my-node","time":"2022-10-18T03:16:21.373327754Z"}"#;
    const KPROBE: &str = r#"{"process_kprobe":{"process":{"uid":0,"binary":"/usr/bin/vi","arguments":"/etc/passwd","pod":{"namespace":"tenant-jobs","name":"es-1","container":{"name":"es","image":{"id":"quay.io/isovalent/es@sha256:ff3a","name":"quay.io/isovalent/es:latest"}}}},"function_name":"__x64_sys_write","policy_name":"file-write","args":[{"file_arg":{"path":"etc/passwd"}},{"bytes_arg":"ZGFlbW9uOng6MjoyOmRhZW1vbg=="},{"size_arg":"627"}],"action":"KPROBE_ACTION_SIGKILL"},"node_name":"gke-1","time":"2021-10-18T20:08:55.567Z"}"#;
    const EXIT: &str = r#"{"process_exit":{"process":{"binary":"/bin/ls"},"signal":"","status":0},"node_name":"gke-1","time":"2021-10-18T20:09:00Z"}"#;

    #[test]
    fn exec_kprobe_and_exit_events() {
        let text = format!("{EXEC}\n{KPROBE}\n{EXIT}\n");
        let (s, recs) = run(&text);
        assert_eq!(s.formats, vec![super::FORMAT]);
        assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
        let kinds: Vec<RecordKind> = recs.iter().map(|r| r.kind).collect();
        assert_eq!(
            kinds,
            vec![
                RecordKind::Sighting,
                RecordKind::Heartbeat,
                RecordKind::Alert,
                RecordKind::Heartbeat
            ]
        );
        let sighting = &recs[0];
        assert_eq!(
            sighting.subject.image.as_ref().unwrap().to_string(),
            "docker.io/tgraf/netperf:latest@sha256:8e86f744"
        );
        assert_eq!(sighting.subject.namespace.as_deref(), Some("default"));
        assert_eq!(sighting.subject.name.as_deref(), Some("tiefighter"));
        assert_eq!(sighting.subject.container.as_deref(), Some("spaceship"));
        assert_eq!(sighting.subject.node.as_deref(), Some("my-node"));
        assert_eq!(recs[1].check, "tetragon");
        assert_eq!(recs[1].subject.node.as_deref(), Some("my-node"));
        let alert = &recs[2];
        assert_eq!(alert.check, "file-write");
        assert_eq!(alert.outcome, Outcome::Fail);
        assert_eq!(alert.severity, Severity::High);
        assert_eq!(alert.attrs["function_name"], "__x64_sys_write");
        assert_eq!(alert.attrs["action"], "KPROBE_ACTION_SIGKILL");
        assert_eq!(alert.attrs["binary"], "/usr/bin/vi");
        assert_eq!(alert.message, "etc/passwd [bytes] 627");
        assert_eq!(alert.provenance.line.map(u64::from), Some(2));
        assert_eq!(
            recs[3].count, 2,
            "the kprobe and exit heartbeats of gke-1 fold into one"
        );
    }

    #[test]
    fn the_policy_action_is_the_alerts_typed_fact() {
        let action = |recs: &[Record]| match &recs[0].facts {
            Facts::Alert { action } => action.as_deref().map(str::to_string),
            other => panic!("not an alert: {other:?}"),
        };
        let (_, recs) = run(KPROBE);
        assert_eq!(action(&recs).as_deref(), Some("KPROBE_ACTION_SIGKILL"));
        assert_eq!(
            recs[0].field(crate::model::Field::Action).as_deref(),
            Some("KPROBE_ACTION_SIGKILL")
        );
        let (_, recs) = run(&KPROBE.replace(r#","action":"KPROBE_ACTION_SIGKILL""#, ""));
        assert_eq!(action(&recs), None);
        assert_eq!(recs[0].severity, Severity::Medium);
    }

    #[test]
    fn arguments_are_redacted_and_policyless_kprobes_use_the_function() {
        let no_policy = KPROBE
            .replace(r#""policy_name":"file-write","#, "")
            .replace("KPROBE_ACTION_SIGKILL", "KPROBE_ACTION_POST");
        let text = format!("{no_policy}\n");
        let (_, recs) = run(&text);
        assert_eq!(recs[0].check, "__x64_sys_write");
        assert_eq!(recs[0].severity, Severity::Medium);
        let (_, recs) = run(EXEC);
        let json = serde_json::to_string(&recs).unwrap();
        assert!(!json.contains("abcdefghijklmnop"));
    }

    #[test]
    fn pretty_printed_single_event_and_missing_time() {
        let pretty = "{\n  \"process_exec\": {\"process\": {\"binary\": \"/x\"}},\n  \"node_name\": \"n1\"\n}\n";
        let (s, recs) = run(pretty);
        assert_eq!(s.formats, vec![super::FORMAT]);
        assert_eq!(recs.len(), 1);
        assert_eq!(recs[0].kind, RecordKind::Heartbeat);
        assert!(recs[0].observed_at.is_none());
    }

    #[test]
    fn an_event_without_time_is_dated_by_its_process_start() {
        let no_time = EXEC.replace(r#","time":"2022-10-18T03:16:21.373327754Z""#, "");
        let (_, recs) = run(&format!("{no_time}\n"));
        assert!(!recs.is_empty());
        for r in &recs {
            assert_eq!(
                r.observed_at.map(|t| t.to_rfc3339()),
                Some("2022-10-18T03:16:18.273546829+00:00".to_string()),
                "{r:?}"
            );
        }
    }

    #[test]
    fn wrong_type_line_costs_one_diagnostic() {
        let bad = EXIT.replace(r#""node_name":"gke-1""#, r#""node_name":["gke-1"]"#);
        let (s, recs) = run(&format!("{EXEC}\n{bad}\n{EXIT}\n"));
        assert_eq!(recs.len(), 3);
        assert_eq!(s.diagnostics.len(), 1);
        assert_eq!(s.diagnostics[0].line, Some(2));
    }
}
