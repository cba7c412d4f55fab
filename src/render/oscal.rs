//! `oscal/assessment-results.json`: the evaluation as OSCAL 1.1.2 assessment results.
//!
//! One finding per control (target `objective-id`, state `satisfied` when the control
//! passed or is waived, `not-satisfied` otherwise) and one observation per control
//! pointing at its evidence on the site. UUIDs are derived from SHA-256 of stable
//! strings (the report date and ids), so two builds of the same inputs are identical.

use super::build::source_anchor;
use super::i18n::I18n;
use super::RenderError;
use crate::catalog::Catalog;
use crate::config::Config;
use crate::evaluate::{Report, Status};
use chrono::SecondsFormat;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;

/// OSCAL version written.
pub const OSCAL_VERSION: &str = "1.1.2";

/// A UUID (version-5 layout) derived from `seed`: deterministic, never random.
pub fn stable_uuid(seed: &str) -> String {
    let d = Sha256::digest(format!("muster:{seed}").as_bytes());
    let mut b = [0u8; 16];
    b.copy_from_slice(&d[..16]);
    b[6] = (b[6] & 0x0f) | 0x50;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// An OSCAL token (`objective-id` target) from a control id.
fn token(id: &str) -> String {
    let mut t: String = id
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if !t.starts_with(|c: char| c.is_alphabetic() || c == '_') {
        t.insert(0, '_');
    }
    t
}

/// The assessment-results document.
pub fn assessment_results(
    report: &Report,
    catalog: &Catalog,
    config: &Config,
    i18n: &I18n,
) -> Result<Vec<u8>, RenderError> {
    let lang = i18n.lang();
    let as_of = report.as_of.to_rfc3339_opts(SecondsFormat::Secs, true);
    let start = report
        .history
        .first()
        .and_then(|p| p.date.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc().to_rfc3339_opts(SecondsFormat::Secs, true))
        .unwrap_or_else(|| as_of.clone());
    let seed = |s: &str| stable_uuid(&format!("{as_of}|{s}"));
    let plan = seed("assessment-plan");
    let mut observations = Vec::new();
    let mut findings = Vec::new();
    for c in &report.controls {
        let title = catalog
            .get(&c.id)
            .map_or_else(|| c.id.clone(), |d| d.title.get(lang).to_string());
        let reason = i18n.reason(&c.reason);
        let files: BTreeSet<&str> = c
            .checks
            .iter()
            .flat_map(|ch| ch.evidence.iter().map(|e| e.provenance.file.as_str()))
            .collect();
        let evidence: Vec<Value> = files
            .iter()
            .map(|f| {
                json!({
                    "href": format!("../sources.html#{}", source_anchor(f)),
                    "description": format!("Input file {f}"),
                })
            })
            .collect();
        let obs_uuid = seed(&format!("observation|{}", c.id));
        let mut obs = json!({
            "uuid": obs_uuid,
            "title": format!("Evidence for {}", c.id),
            "description": format!("{} evidence record(s) considered for {}: {}", c.evidence_count, c.id, reason),
            "methods": [if c.status == Status::Manual || c.attestation.is_some() { "EXAMINE" } else { "TEST" }],
            "collected": c.last_evidence.map_or_else(|| as_of.clone(), |t| t.to_rfc3339_opts(SecondsFormat::Secs, true)),
        });
        if !evidence.is_empty() {
            obs["relevant-evidence"] = Value::Array(evidence);
        }
        // OSCAL requires `collected`: without a dated record it is the report date,
        // and the observation says so rather than passing it off as the evidence's.
        if c.last_evidence.is_none() {
            obs["remarks"] = Value::String(if c.evidence_count > 0 {
                "The evidence behind this observation carries no date: 'collected' is the report date, not when the evidence was produced.".into()
            } else {
                "No evidence was found: 'collected' is the report date, when muster looked.".into()
            });
        }
        observations.push(obs);
        let satisfied = matches!(c.status, Status::Pass | Status::Waived);
        let state_reason = match c.status {
            Status::Pass | Status::Waived => "pass",
            Status::Fail => "fail",
            _ => "other",
        };
        findings.push(json!({
            "uuid": seed(&format!("finding|{}", c.id)),
            "title": format!("{} {}", c.id, title),
            "description": format!("Status: {}. {}", c.status.as_str(), reason),
            "target": {
                "type": "objective-id",
                "target-id": token(&c.id),
                "status": {
                    "state": if satisfied { "satisfied" } else { "not-satisfied" },
                    "reason": state_reason,
                    "remarks": format!("muster status: {}", c.status.as_str()),
                },
            },
            "related-observations": [{ "observation-uuid": obs_uuid }],
        }));
    }
    let title = if config.site.organisation.is_empty() {
        config.site.title.clone()
    } else {
        format!("{} — {}", config.site.title, config.site.organisation)
    };
    let doc = json!({
        "assessment-results": {
            "uuid": seed("assessment-results"),
            "metadata": {
                "title": title,
                "last-modified": as_of,
                "version": format!("{}+{}", env!("CARGO_PKG_VERSION"), &catalog.digest.get(..12).unwrap_or("")),
                "oscal-version": OSCAL_VERSION,
            },
            "import-ap": { "href": format!("#{plan}") },
            "results": [{
                "uuid": seed("result"),
                "title": format!("muster evaluation ({} profile)", report.profile),
                "description": format!("Automated evaluation of {} controls from container-security tool exports.", report.controls.len()),
                "start": start,
                "end": as_of,
                "reviewed-controls": { "control-selections": [{ "include-all": {} }] },
                "observations": observations,
                "findings": findings,
            }],
            "back-matter": {
                "resources": [{
                    "uuid": plan,
                    "title": "muster control catalog (stands in for the assessment plan)",
                    "description": format!("Catalog digest sha256:{}", catalog.digest),
                    "rlinks": [{ "href": "../controls.html" }],
                }],
            },
        }
    });
    let mut bytes = serde_json::to_vec_pretty(&doc).map_err(|e| RenderError::Export {
        file: "oscal/assessment-results.json".into(),
        message: e.to_string(),
    })?;
    bytes.push(b'\n');
    Ok(bytes)
}
