//! Severity on one ordered scale, mapped from every tool's vocabulary.

use super::vocab::vocabulary;

vocabulary! {
    /// Severity of a finding, ordered from least to most severe.
    #[derive(Default)]
    pub enum Severity {
        /// Informational: no risk on its own (passes, heartbeats, inventory).
        #[default]
        None = "none",
        /// The tool gave no usable severity.
        Unknown = "unknown",
        /// Low risk.
        Low = "low",
        /// Medium risk.
        Medium = "medium",
        /// High risk.
        High = "high",
        /// Critical risk.
        Critical = "critical",
    }
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
        assert!(Severity::High > Severity::Medium);
    }
}
