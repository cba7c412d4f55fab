//! `muster.toml`: site, report, grace, scope, registries, images and owners.
//! Parsed strictly (unknown keys are errors that name the line) and defaulted
//! to the product decisions (pragmatic profile, 7/30/90/180 grace days).

use serde::{Deserialize, Serialize};
use std::path::Path;

/// Errors reading the configuration.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("{path}: cannot read: {source}")]
    Io {
        /// The file.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// The file is not valid TOML or has unknown or mistyped keys.
    #[error("{path}:{line}: {message}")]
    Parse {
        /// The file.
        path: String,
        /// 1-based line.
        line: usize,
        /// What was wrong.
        message: String,
    },
}

/// Site settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Site {
    /// Title on every page.
    pub title: String,
    /// Organisation (cover page).
    pub organisation: String,
    /// Interface language.
    pub lang: String,
}

impl Default for Site {
    fn default() -> Self {
        Site {
            title: "Container security compliance".to_string(),
            organisation: String::new(),
            lang: "en".to_string(),
        }
    }
}

/// How history dates are chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum HistoryStep {
    /// Every day covered by the inputs.
    Daily,
    /// Every week (ending on the report date).
    Weekly,
    /// Only the report date.
    None,
}

/// Report settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ReportSettings {
    /// Report date (`YYYY-MM-DD` or RFC 3339); default now.
    pub as_of: Option<String>,
    /// `pragmatic` or `strict`.
    pub profile: String,
    /// Event window in days.
    pub window_days: i64,
    /// History step.
    pub history: HistoryStep,
    /// How far back trends go, in days (older evidence still counts for first-seen dates).
    pub history_days: i64,
    /// How old a snapshot (scan, benchmark run, policy report, platform export) may be
    /// and still prove a current pass, in days; `[freshness]` overrides it per kind.
    pub freshness_days: i64,
}

impl Default for ReportSettings {
    fn default() -> Self {
        ReportSettings {
            as_of: None,
            profile: "pragmatic".to_string(),
            window_days: 30,
            history: HistoryStep::Weekly,
            history_days: 182,
            freshness_days: 7,
        }
    }
}

/// How old each kind of snapshot may be and still prove a current pass, in days.
/// A key left out takes `[report] freshness_days`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Freshness {
    /// Vulnerability, configuration and secret scans, and signature checks.
    pub scans: Option<i64>,
    /// Benchmark runs (kube-bench, docker-bench, compliance reports).
    pub benchmarks: Option<i64>,
    /// Policy engine reports (PolicyReports, Gatekeeper audits).
    pub policy_reports: Option<i64>,
    /// Platform configuration exports.
    pub platform: Option<i64>,
}

/// Days to triage a runtime alert, by severity: an alert nobody triaged is open
/// whatever its age, and overdue once this deadline has passed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AlertGrace {
    /// Critical.
    pub critical: i64,
    /// High.
    pub high: i64,
    /// Medium.
    pub medium: i64,
    /// Low.
    pub low: i64,
}

impl Default for AlertGrace {
    fn default() -> Self {
        AlertGrace {
            critical: 1,
            high: 3,
            medium: 14,
            low: 30,
        }
    }
}

/// Grace days by severity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Grace {
    /// Critical.
    pub critical: i64,
    /// High.
    pub high: i64,
    /// Medium.
    pub medium: i64,
    /// Low.
    pub low: i64,
    /// Known exploited.
    pub known_exploited: i64,
    /// Runtime alert triage deadlines.
    pub alerts: AlertGrace,
}

impl Default for Grace {
    fn default() -> Self {
        Grace {
            critical: 7,
            high: 30,
            medium: 90,
            low: 180,
            known_exploited: 0,
            alerts: AlertGrace::default(),
        }
    }
}

/// What is in scope.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Scope {
    /// Namespaces left out of the report (globs).
    pub exclude_namespaces: Vec<String>,
    /// Production namespaces (globs).
    pub production_namespaces: Vec<String>,
    /// Production clusters (globs).
    pub production_clusters: Vec<String>,
    /// Whether evidence that names no cluster (and that no `[[sources.files]]` entry
    /// places, nor other records by its node) is about production; the site says which.
    pub unknown_cluster: Environment,
}

impl Default for Scope {
    fn default() -> Self {
        Scope {
            exclude_namespaces: [
                "kube-system",
                "kube-public",
                "kube-node-lease",
                "gatekeeper-system",
                "kyverno",
                "falco",
                "calico-system",
                "tigera-operator",
            ]
            .map(String::from)
            .to_vec(),
            production_namespaces: vec!["*".to_string()],
            production_clusters: vec!["*".to_string()],
            unknown_cluster: Environment::Production,
        }
    }
}

/// How muster reads the input files.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Sources {
    /// Date records that carry no time from an ISO date in their file's path
    /// (`2026-11-20/kube-bench.json`); the evidence row then says "dated from path".
    pub date_from_path: bool,
    /// What files say nothing about themselves: the cluster and environment of the
    /// files a path glob matches (first match wins).
    pub files: Vec<FileScope>,
}

impl Default for Sources {
    fn default() -> Self {
        Sources {
            date_from_path: true,
            files: Vec::new(),
        }
    }
}

/// Production or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Environment {
    /// Production: failures fail.
    Production,
    /// Not production: failures warn.
    NonProduction,
}

/// The cluster and environment of a set of files (`[[sources.files]]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileScope {
    /// Glob on the file's path, as shown on the sources page or relative to its input
    /// folder (`k8s-audit/aks-stage-*`).
    pub path: String,
    /// The cluster its records are about, when they do not say.
    #[serde(default)]
    pub cluster: Option<String>,
    /// Whether its path may date its records that carry no time, overriding
    /// `[sources] date_from_path` for this file (`false` for a file whose name holds a
    /// date that is not the export's day, such as an API version).
    #[serde(default)]
    pub date_from_path: Option<bool>,
    /// Whether its records are about production, whatever their cluster.
    #[serde(default)]
    pub environment: Option<Environment>,
}

impl Sources {
    /// The first `[[sources.files]]` entry matching a file path.
    pub fn scope_of(&self, path: &str) -> Option<&FileScope> {
        self.files.iter().find(|f| path_matches(&f.path, path))
    }
}

/// Whether a path glob matches a path or any of its trailing parts (so globs can be
/// written relative to the input folder).
pub fn path_matches(pattern: &str, path: &str) -> bool {
    let glob = crate::catalog::selector_glob;
    glob(pattern, path)
        || path
            .match_indices('/')
            .any(|(i, _)| path.get(i + 1..).is_some_and(|rest| glob(pattern, rest)))
}

/// Registry policy.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Registries {
    /// Approved registry hosts (globs).
    pub approved: Vec<String>,
}

/// Image policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Images {
    /// Approved base OS families.
    pub approved_os: Vec<String>,
    /// Maximum image age in days.
    pub max_age_days: i64,
    /// Ceiling on distinct production images (0 = not configured).
    pub max_production_images: usize,
}

impl Default for Images {
    fn default() -> Self {
        Images {
            approved_os: Vec::new(),
            max_age_days: 90,
            max_production_images: 0,
        }
    }
}

/// A team and what it owns.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Owner {
    /// Team name.
    pub team: String,
    /// Contact.
    pub contact: String,
    /// Namespace globs.
    pub namespaces: Vec<String>,
    /// Cluster globs.
    pub clusters: Vec<String>,
    /// Image globs (on `registry/repository:tag`).
    pub images: Vec<String>,
}

/// The whole configuration.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Site.
    pub site: Site,
    /// Report.
    pub report: ReportSettings,
    /// Freshness per snapshot kind.
    pub freshness: Freshness,
    /// How inputs are read.
    pub sources: Sources,
    /// Grace.
    pub grace: Grace,
    /// Scope.
    pub scope: Scope,
    /// Registries.
    pub registries: Registries,
    /// Images.
    pub images: Images,
    /// Owners.
    pub owners: Vec<Owner>,
    /// VEX statements.
    pub vex: VexSettings,
}

/// What VEX statements may do (`[vex]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct VexSettings {
    /// Whether a `not_affected` or `fixed` statement closes the findings it covers
    /// (`false`: statements are shown on their findings and close nothing).
    pub accept: bool,
}

impl Default for VexSettings {
    fn default() -> VexSettings {
        VexSettings { accept: true }
    }
}

/// The most days any day-count setting may take: ten years. Dates are moved by these
/// counts (report windows, history, freshness, grace deadlines), and a count beyond the
/// calendar's range would overflow that arithmetic.
pub const MAX_DAYS: i64 = 3650;

/// Where each day-count setting sits in the text (only its span is read).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct DaySpans {
    report: Spans,
    freshness: Spans,
    grace: Spans,
    images: Spans,
}

/// Where the `[grace.alerts]` settings sit (read apart: a table's keys lose their
/// spans when the table is read as one value).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct AlertSpans {
    grace: GraceAlertSpans,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct GraceAlertSpans {
    alerts: Spans,
}

/// The span of each key of one table.
type Spans = std::collections::BTreeMap<String, toml::Spanned<toml::Value>>;

fn start(spans: &Spans, key: &str) -> Option<usize> {
    spans.get(key).map(|v| v.span().start)
}

impl Config {
    /// Parse configuration text (`path` names it in errors).
    ///
    /// Rule: every day-count setting is range-checked here, with an error naming the
    /// key, its line and the allowed range (docs/configuration.md): `window_days` and
    /// the freshness settings 1..=3650, `history_days`, `max_age_days` and every grace
    /// 0..=3650 (`max_age_days` 1..=3650). So no setting can move a date out of range.
    pub fn parse(path: &str, text: &str) -> Result<Config, ConfigError> {
        let line_of = |offset: usize| {
            text.get(..offset)
                .map_or(1, |p| p.matches('\n').count() + 1)
        };
        let config: Config = toml::from_str(text).map_err(|e| ConfigError::Parse {
            path: path.to_string(),
            line: e.span().map(|s| line_of(s.start)).unwrap_or(1),
            message: e.message().to_string(),
        })?;
        let spans: DaySpans = toml::from_str(text).unwrap_or_default();
        let alerts: AlertSpans = toml::from_str(text).unwrap_or_default();
        for (table, key, value, min, at) in config.day_counts(&spans, &alerts.grace.alerts) {
            if !(min..=MAX_DAYS).contains(&value) {
                return Err(ConfigError::Parse {
                    path: path.to_string(),
                    line: at.map_or(1, line_of),
                    message: format!(
                        "[{table}] {key} = {value} is out of range: allowed {min}..={MAX_DAYS} days"
                    ),
                });
            }
        }
        Ok(config)
    }

    /// Every day-count setting: (table, key, value, least allowed, offset in the text).
    fn day_counts(
        &self,
        spans: &DaySpans,
        alert_spans: &Spans,
    ) -> Vec<(&'static str, &'static str, i64, i64, Option<usize>)> {
        let r = &self.report;
        let f = &self.freshness;
        let g = &self.grace;
        let a = &g.alerts;
        let mut out = vec![
            (
                "report",
                "window_days",
                r.window_days,
                1,
                start(&spans.report, "window_days"),
            ),
            (
                "report",
                "history_days",
                r.history_days,
                0,
                start(&spans.report, "history_days"),
            ),
            (
                "report",
                "freshness_days",
                r.freshness_days,
                1,
                start(&spans.report, "freshness_days"),
            ),
            (
                "images",
                "max_age_days",
                self.images.max_age_days,
                1,
                start(&spans.images, "max_age_days"),
            ),
        ];
        for (key, value) in [
            ("scans", f.scans),
            ("benchmarks", f.benchmarks),
            ("policy_reports", f.policy_reports),
            ("platform", f.platform),
        ] {
            if let Some(v) = value {
                out.push(("freshness", key, v, 1, start(&spans.freshness, key)));
            }
        }
        for (key, value) in [
            ("critical", g.critical),
            ("high", g.high),
            ("medium", g.medium),
            ("low", g.low),
            ("known_exploited", g.known_exploited),
        ] {
            out.push(("grace", key, value, 0, start(&spans.grace, key)));
        }
        for (key, value) in [
            ("critical", a.critical),
            ("high", a.high),
            ("medium", a.medium),
            ("low", a.low),
        ] {
            out.push(("grace.alerts", key, value, 0, start(alert_spans, key)));
        }
        out
    }

    /// Read a configuration file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Io {
            path: shown.clone(),
            source,
        })?;
        Config::parse(&shown, &text)
    }

    /// Whether the profile is `strict`.
    pub fn strict(&self) -> bool {
        self.report.profile.eq_ignore_ascii_case("strict")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_follow_the_product_decisions() {
        let c = Config::parse("m.toml", "").unwrap();
        assert_eq!(c.grace.critical, 7);
        assert_eq!(c.grace.low, 180);
        assert!(!c.strict());
        assert!(c
            .scope
            .exclude_namespaces
            .contains(&"kube-system".to_string()));
    }

    #[test]
    fn day_counts_out_of_range_name_the_key_line_and_range() {
        for (table, key, bad) in [
            ("report", "window_days", "100000000"),
            ("report", "window_days", "0"),
            ("report", "history_days", "100000000"),
            ("report", "history_days", "-1"),
            ("report", "freshness_days", "100000000"),
            ("freshness", "scans", "100000000"),
            ("freshness", "platform", "0"),
            ("grace", "critical", "-5"),
            ("grace", "known_exploited", "99999999999"),
            ("grace.alerts", "low", "100000"),
            ("images", "max_age_days", "3651"),
        ] {
            let text = format!("[site]\ntitle = \"x\"\n\n[{table}]\n{key} = {bad}\n");
            let msg = Config::parse("m.toml", &text).unwrap_err().to_string();
            assert!(msg.starts_with("m.toml:5: "), "{msg}");
            assert!(msg.contains(&format!("[{table}] {key} = {bad}")), "{msg}");
            assert!(msg.contains("..=3650"), "{msg}");
        }
        let edge = "[report]\nwindow_days = 3650\nhistory_days = 0\n[grace]\nknown_exploited = 0\n";
        assert!(Config::parse("m.toml", edge).is_ok());
        assert!(Config::parse("m.toml", include_str!("../sample-data/muster.toml")).is_ok());
    }

    #[test]
    fn unknown_keys_name_the_line() {
        let err = Config::parse("m.toml", "[site]\ntitle = \"x\"\ncolour = \"red\"\n").unwrap_err();
        let msg = err.to_string();
        assert!(msg.starts_with("m.toml:3:"), "{msg}");
        assert!(msg.contains("colour"), "{msg}");
    }
}
