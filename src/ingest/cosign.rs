//! `cosign verify` JSON output (stdout): an array of simple-signing payloads, one per
//! verified signature (cosign prints nothing on stdout when verification fails).
//!
//! Each element becomes a `signature` record, check `cosign`, outcome `pass`, about
//! the image `docker-reference@docker-manifest-digest`. Keyless signatures carry a
//! Rekor bundle (its `integratedTime` is the observation time) and the certificate's
//! issuer and subject, kept as attributes. Key-based signatures have `optional: null`
//! and no time.

use super::util::from_epoch_secs;
use super::{Doc, FileCtx, Ingestor, Probe};
use crate::model::{Channel, Format, FormatInfo, ImageRef, Outcome};
use serde::Deserialize;
use serde_json::value::RawValue;

/// The cosign ingestor.
pub struct Cosign;

#[derive(Deserialize)]
struct RawSignature {
    #[serde(default, alias = "Critical")]
    critical: Option<RawCritical>,
    #[serde(default, alias = "Optional")]
    optional: Option<RawOptional>,
}

#[derive(Deserialize)]
struct RawCritical {
    #[serde(default, alias = "Identity")]
    identity: Option<RawIdentity>,
    #[serde(default, alias = "Image")]
    image: Option<RawImage>,
    #[serde(default, rename = "type", alias = "Type")]
    kind: Option<String>,
}

#[derive(Deserialize)]
struct RawIdentity {
    #[serde(default, rename = "docker-reference", alias = "Docker-reference")]
    docker_reference: Option<String>,
}

#[derive(Deserialize)]
struct RawImage {
    #[serde(
        default,
        rename = "docker-manifest-digest",
        alias = "Docker-manifest-digest"
    )]
    docker_manifest_digest: Option<String>,
}

#[derive(Deserialize)]
struct RawOptional {
    #[serde(default, rename = "Bundle")]
    bundle: Option<RawBundle>,
    #[serde(default, rename = "Issuer")]
    issuer: Option<String>,
    /// Fulcio's OIDC-issuer extension, as cosign 2 prints it.
    #[serde(default, rename = "1.3.6.1.4.1.57264.1.1")]
    issuer_oid: Option<String>,
    #[serde(default, rename = "Subject")]
    subject: Option<String>,
}

#[derive(Deserialize)]
struct RawBundle {
    #[serde(default, rename = "Payload")]
    payload: Option<RawPayload>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawPayload {
    #[serde(default)]
    integrated_time: Option<i64>,
    #[serde(default)]
    log_index: Option<i64>,
}

fn is_signature(p: &Probe) -> bool {
    p.is_object && p.child("critical").is_some_and(|c| c.is_object)
}

fn non_empty(s: Option<&str>) -> Option<String> {
    s.map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

impl Cosign {
    fn signature(
        &self,
        doc: &Doc<'_>,
        ctx: &mut FileCtx<'_>,
        sig: RawSignature,
        raw: &str,
        ptr: &str,
    ) {
        let critical = sig.critical;
        let reference = critical
            .as_ref()
            .and_then(|c| c.identity.as_ref())
            .and_then(|i| non_empty(i.docker_reference.as_deref()));
        let digest = critical
            .as_ref()
            .and_then(|c| c.image.as_ref())
            .and_then(|i| non_empty(i.docker_manifest_digest.as_deref()));
        let image = reference.as_deref().and_then(|r| {
            // A reference that already names a digest keeps its own.
            ImageRef::from_parts(r, None, digest.as_deref().filter(|_| !r.contains('@')))
        });
        let optional = sig.optional;
        let payload = optional
            .as_ref()
            .and_then(|o| o.bundle.as_ref())
            .and_then(|b| b.payload.as_ref());
        let title = format!(
            "cosign signature verified for {}",
            image
                .as_ref()
                .map(|i| i.key())
                .or(reference)
                .unwrap_or_else(|| "an image".to_string())
        );
        let observed = payload
            .and_then(|p| p.integrated_time)
            .and_then(|t| from_epoch_secs(t as f64));
        let mut rec = ctx
            .origin(FORMAT)
            .tool("cosign")
            .observed(observed)
            .signature("cosign", Outcome::Pass)
            .title(&title);
        rec.subject.image = image;
        rec = rec
            .attr(
                "issuer",
                optional
                    .as_ref()
                    .and_then(|o| {
                        non_empty(o.issuer.as_deref())
                            .or_else(|| non_empty(o.issuer_oid.as_deref()))
                    })
                    .unwrap_or_default(),
            )
            .attr(
                "subject",
                optional
                    .as_ref()
                    .and_then(|o| non_empty(o.subject.as_deref()))
                    .unwrap_or_default(),
            )
            .attr(
                "signature_type",
                critical
                    .as_ref()
                    .and_then(|c| non_empty(c.kind.as_deref()))
                    .unwrap_or_default(),
            )
            .attr("digest", digest.unwrap_or_default())
            .attr(
                "tlog_index",
                payload
                    .and_then(|p| p.log_index)
                    .map(|i| i.to_string())
                    .unwrap_or_default(),
            );
        ctx.emit(rec, &doc.at(raw, ptr));
    }
}

/// What this format is: the one description `muster formats`, detection hints and
/// evaluation read.
pub static INFO: FormatInfo = FormatInfo {
    id: "cosign",
    name: "cosign verify --output json",
    tested: "cosign 1.x and 2.x key-based output (docs, README); keyless bundle shape from docs",
    detection: "array of objects with critical (type cosign container image signature)",
    signature: &[],
    channel: Channel::Signing,
};

/// The format of the records read here.
pub const FORMAT: Format = Format::of(&INFO);

impl Ingestor for Cosign {
    fn info(&self) -> &'static FormatInfo {
        &INFO
    }

    fn detect(&self, probe: &Probe) -> bool {
        (probe.is_array && probe.first.as_deref().is_some_and(is_signature))
            || (is_signature(probe) && probe.has("optional"))
    }

    fn ingest(&self, doc: &Doc<'_>, ctx: &mut FileCtx<'_>) {
        if doc.probe.is_array {
            let Some(items) = doc.parse::<Vec<&RawValue>>(ctx) else {
                return;
            };
            for (i, item) in items.into_iter().enumerate() {
                let ptr = format!("/{i}");
                if let Some(sig) = doc.parse_raw::<RawSignature>(ctx, item, &ptr) {
                    self.signature(doc, ctx, sig, item.get(), &ptr);
                }
            }
        } else if let Some(sig) = doc.parse::<RawSignature>(ctx) {
            self.signature(doc, ctx, sig, doc.text, "");
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use crate::ingest::source::ingest_bytes;
    use crate::ingest::IngestOptions;
    use crate::model::{Outcome, Record, RecordKind};

    fn run(text: &str) -> (crate::ingest::SourceSummary, Vec<Record>) {
        ingest_bytes("cosign.json", text.as_bytes(), &IngestOptions::default())
    }

    #[test]
    fn key_based_and_keyless_signatures() {
        let text = r#"[
{"critical":{"identity":{"docker-reference":"gcr.io/acme/demo"},"image":{"docker-manifest-digest":"sha256:410a07f1"},"type":"cosign container image signature"},"optional":null},
{"critical":{"identity":{"docker-reference":"ghcr.io/acme/api"},"image":{"Docker-manifest-digest":"sha256:7a91c50d"},"type":"cosign container image signature"},"optional":{"Bundle":{"SignedEntryTimestamp":"MEUC","Payload":{"body":"eyJh","integratedTime":1700000000,"logIndex":123,"logID":"c0d2"}},"Issuer":"https://token.actions.githubusercontent.com","Subject":"https://github.com/acme/api/.github/workflows/release.yml@refs/tags/v1"}}
]"#;
        let (s, recs) = run(text);
        assert_eq!(s.formats, vec![super::FORMAT]);
        assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
        assert_eq!(recs.len(), 2);
        assert!(recs.iter().all(|r| r.kind == RecordKind::Signature
            && r.check == "cosign"
            && r.outcome == Outcome::Pass));
        assert_eq!(
            recs[0].subject.image.as_ref().unwrap().key(),
            "gcr.io/acme/demo@sha256:410a07f1"
        );
        assert!(recs[0].observed_at.is_none());
        assert_eq!(recs[0].provenance.line.map(u64::from), Some(2));
        assert_eq!(recs[0].provenance.pointer.as_deref(), Some("/0"));
        let k = &recs[1];
        assert_eq!(
            k.subject.image.as_ref().unwrap().key(),
            "ghcr.io/acme/api@sha256:7a91c50d"
        );
        assert_eq!(
            k.observed_at.unwrap().to_rfc3339(),
            "2023-11-14T22:13:20+00:00"
        );
        assert_eq!(
            k.attrs["issuer"],
            "https://token.actions.githubusercontent.com"
        );
        assert!(k.attrs["subject"].contains("release.yml"));
        assert_eq!(k.attrs["tlog_index"], "123");
    }

    #[test]
    fn wrong_type_signature_costs_one_diagnostic() {
        let text = r#"[
{"critical":{"identity":{"docker-reference":"gcr.io/acme/a"},"image":{"docker-manifest-digest":"sha256:1"},"type":"cosign container image signature"},"optional":null},
{"critical":{"identity":{"docker-reference":["gcr.io/acme/b"]},"image":{"docker-manifest-digest":"sha256:2"},"type":"cosign container image signature"},"optional":null},
{"critical":{"identity":{"docker-reference":"gcr.io/acme/c"},"image":{"docker-manifest-digest":"sha256:3"},"type":"cosign container image signature"},"optional":null}
]"#;
        let (s, recs) = run(text);
        assert_eq!(recs.len(), 2);
        assert_eq!(s.diagnostics.len(), 1);
        assert_eq!(s.diagnostics[0].line, Some(3));
    }
}
