//! Severity on one ordered scale, mapped from every tool's vocabulary.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Severity of a finding, ordered from least to most severe.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    /// Informational: no risk on its own (passes, heartbeats, inventory).
    #[default]
    None,
    /// The tool gave no usable severity.
    Unknown,
    /// Low risk.
    Low,
    /// Medium risk.
    Medium,
    /// High risk.
    High,
    /// Critical risk.
    Critical,
}

impl Severity {
    /// All severities, most severe first (the order reports list them in).
    pub const DESCENDING: [Severity; 6] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Unknown,
        Severity::None,
    ];

    /// Map a tool's severity word (Trivy, Grype, Kyverno, Defender, SARIF levels…).
    /// Unrecognised words become [`Severity::Unknown`].
    pub fn from_word(word: &str) -> Severity {
        match word.trim().to_ascii_lowercase().as_str() {
            "critical" | "crit" | "emergency" | "alert" => Severity::Critical,
            "high" | "error" | "danger" => Severity::High,
            "medium" | "moderate" | "warning" | "warn" => Severity::Medium,
            "low" | "negligible" | "notice" | "note" => Severity::Low,
            "info" | "informational" | "debug" | "none" => Severity::None,
            _ => Severity::Unknown,
        }
    }

    /// Map Falco priorities (`Emergency` … `Debug`).
    pub fn from_falco_priority(priority: &str) -> Severity {
        match priority.trim().to_ascii_lowercase().as_str() {
            "emergency" | "alert" | "critical" => Severity::Critical,
            "error" => Severity::High,
            "warning" => Severity::Medium,
            "notice" => Severity::Low,
            "informational" | "info" | "debug" => Severity::None,
            _ => Severity::Unknown,
        }
    }

    /// Stable lower-case identifier used in URLs, CSV and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::None => "none",
            Severity::Unknown => "unknown",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_from_every_tool_map_onto_one_scale() {
        assert_eq!(Severity::from_word("CRITICAL"), Severity::Critical);
        assert_eq!(Severity::from_word("Negligible"), Severity::Low);
        assert_eq!(Severity::from_word("Informational"), Severity::None);
        assert_eq!(Severity::from_word("bogus"), Severity::Unknown);
        assert_eq!(Severity::from_falco_priority("Error"), Severity::High);
        assert!(Severity::High > Severity::Medium);
    }
}
