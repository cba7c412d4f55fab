//! Small parsing helpers shared by the format modules: timestamps and JSON error text.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};

/// Parse a timestamp in any RFC 3339 form, `YYYY-MM-DD`, or `YYYY-MM-DD HH:MM:SS[ +ZZZZ]`.
pub fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    for fmt in [
        "%Y-%m-%d %H:%M:%S%.f %z",
        "%Y-%m-%dT%H:%M:%S%.f%z",
        "%Y-%m-%d %H:%M:%S%.f %Z",
    ] {
        if let Ok(t) = DateTime::parse_from_str(s, fmt) {
            return Some(t.with_timezone(&Utc));
        }
    }
    // Also UTC `Z` with unpadded fields (`2021-1-1T10:10:10Z`, as trivy-operator's own
    // ClusterComplianceReport example writes it), which RFC 3339 parsing refuses.
    let naive = s.strip_suffix(['Z', 'z']).unwrap_or(s);
    if let Ok(t) = chrono::NaiveDateTime::parse_from_str(naive, "%Y-%m-%dT%H:%M:%S%.f") {
        return Some(Utc.from_utc_datetime(&t));
    }
    if let Ok(t) = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f") {
        return Some(Utc.from_utc_datetime(&t));
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| Utc.from_utc_datetime(&t))
}

/// The check id of a vulnerability known by several ids, and its aliases: the first
/// CVE among them (what every scanner reports, so that one CVE is one finding across
/// tools), else the first id; the others, deduplicated, are aliases.
pub(super) fn cve_first(ids: impl IntoIterator<Item = String>) -> Option<(String, Vec<String>)> {
    let mut all: Vec<String> = Vec::new();
    for id in ids {
        let id = id.trim().to_string();
        if !id.is_empty() && !all.iter().any(|a| a.eq_ignore_ascii_case(&id)) {
            all.push(id);
        }
    }
    let pos = all
        .iter()
        .position(|a| a.to_ascii_uppercase().starts_with("CVE-"))
        .unwrap_or(0);
    if all.is_empty() {
        return None;
    }
    let id = all.remove(pos);
    Some((id, all))
}

/// The fixed version a scanner's advice names for `package`: `Upgrade <package> to
/// <version>`, `Upgrade <package> to version <version>` (what Trivy writes in
/// CycloneDX `recommendation` and GitLab `solution`) or `Upgrade <package> from <old>
/// to <version>` (GitLab's own analyzers). `None` for any other advice.
pub(super) fn fixed_from_advice(advice: &str, package: &str) -> Option<String> {
    let rest = advice
        .trim()
        .strip_prefix("Upgrade ")?
        .strip_prefix(package)?;
    let rest = match rest.strip_prefix(" from ") {
        Some(from) => from.split_once(" to ")?.1,
        None => rest.strip_prefix(" to ")?,
    };
    let version = rest.strip_prefix("version ").unwrap_or(rest).trim();
    let version = version.strip_suffix('.').unwrap_or(version).trim();
    let one_word = |v: &str| !v.is_empty() && !v.contains(char::is_whitespace);
    (!package.is_empty() && version.split(", ").all(one_word)).then(|| version.to_string())
}

/// Seconds (possibly fractional) since the Unix epoch.
#[allow(dead_code)] // used by the docker-bench and Gatekeeper parsers
pub fn from_epoch_secs(secs: f64) -> Option<DateTime<Utc>> {
    if !secs.is_finite() || !(0.0..=32_503_680_000.0).contains(&secs) {
        return None;
    }
    let whole = secs.trunc() as i64;
    let nanos = ((secs - secs.trunc()) * 1e9) as u32;
    Utc.timestamp_opt(whole, nanos).single()
}

/// Nanoseconds since the Unix epoch.
pub fn from_epoch_nanos(ns: i64) -> Option<DateTime<Utc>> {
    if ns <= 0 {
        return None;
    }
    Some(Utc.timestamp_nanos(ns))
}

/// A JSON error's message without serde_json's " at line L column C" (relative to
/// the slice parsed): diagnostics carry the absolute position themselves.
pub fn error_text(e: &serde_json::Error) -> String {
    let s = e.to_string();
    match s.rfind(" at line ") {
        Some(i) => s.get(..i).unwrap_or(&s).to_string(),
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cve_is_the_id_and_the_rest_are_aliases() {
        let (id, aliases) = cve_first([
            "GHSA-r53h".to_string(),
            "CVE-2024-26147".into(),
            "GHSA-r53h".into(),
        ])
        .unwrap();
        assert_eq!(id, "CVE-2024-26147");
        assert_eq!(aliases, ["GHSA-r53h"]);
        let (id, aliases) = cve_first(["GO-2024-1".to_string()]).unwrap();
        assert_eq!((id.as_str(), aliases.len()), ("GO-2024-1", 0));
        assert!(cve_first([" ".to_string()]).is_none());
    }

    #[test]
    fn fixed_versions_from_upgrade_advice() {
        let f = |a: &str, p: &str| fixed_from_advice(a, p);
        assert_eq!(
            f("Upgrade libcrypto1.1 to 1.1.1d-r0", "libcrypto1.1").as_deref(),
            Some("1.1.1d-r0")
        );
        assert_eq!(
            f(
                "Upgrade activesupport to version 6.0.3.1, 5.2.4.3",
                "activesupport"
            )
            .as_deref(),
            Some("6.0.3.1, 5.2.4.3")
        );
        assert_eq!(f("Upgrade libcrypto1.1 to 1.1.1d-r0", "openssl"), None);
        assert_eq!(
            f("Upgrade apt from 1.4.8 to 1.4.9", "apt").as_deref(),
            Some("1.4.9")
        );
        assert_eq!(f("No solution provided", "x"), None);
        assert_eq!(
            f("Upgrade x to the latest release when one exists", "x"),
            None
        );
    }

    #[test]
    fn timestamps_in_the_shapes_tools_write() {
        assert!(parse_time("2024-05-07T18:54:19.341081180Z").is_some());
        assert!(parse_time("2024-05-07T18:54:19+01:00").is_some());
        assert!(parse_time("2024-05-07").is_some());
        assert!(parse_time("yesterday").is_none());
        assert_eq!(
            parse_time("2021-1-1T10:10:10Z"),
            parse_time("2021-01-01T10:10:10Z")
        );
        assert!(parse_time("2025-13-45T99:99:99Z").is_none());
        assert!(from_epoch_secs(1_700_000_000.5).is_some());
    }
}
