//! The record fields a catalog `where` predicate may test, as one closed vocabulary:
//! an unknown field name is a catalog diagnostic, never a silent "not assessed".

use super::vocab::vocabulary;

vocabulary! {
    /// A field of a record that catalog predicates can test.
    pub enum Field {
        /// Record kind (`vulnerability`, `alert`, …).
        Kind = "kind",
        /// Input format id.
        Format = "format",
        /// Check, rule or vulnerability id.
        Check = "check",
        /// Tool verdict.
        Outcome = "outcome",
        /// Severity (compare with `>=high`, `<=low`).
        Severity = "severity",
        /// Title.
        Title = "title",
        /// Cluster name.
        Cluster = "cluster",
        /// Namespace.
        Namespace = "namespace",
        /// Resource kind (`Pod`, `Node`, …).
        ResourceKind = "resource_kind",
        /// Resource name.
        Name = "name",
        /// Container name.
        Container = "container",
        /// Image, `registry/repository:tag`.
        Image = "image",
        /// Image registry host.
        Registry = "registry",
        /// Node name.
        Node = "node",
        /// Place inside the artifact (file, package path).
        Target = "target",
        /// Vulnerable package.
        Package = "package",
        /// Version(s) that fix a vulnerability.
        FixedVersion = "fixed_version",
        /// Whether a vulnerability is fixable (`true`/`false`).
        Fixable = "fixable",
        /// Whether a vulnerability is known exploited (`true`/`false`).
        KnownExploited = "known_exploited",
        /// What a scan looked for (`vulnerability-scan`, …).
        ScanClass = "scan_class",
        /// What a runtime sensor did about an alert (Tetragon `SIGKILL`, `OVERRIDE`).
        Action = "action",
        /// The benchmark of a benchmark result (`cis`, `aks`, `cis-docker`).
        Benchmark = "benchmark",
        /// The version whose numbering a benchmark result follows (`1.10`); absent when unknown.
        BenchmarkVersion = "benchmark_version",
        /// Whether a policy result or admission decision is about pod security (`true`/`false`).
        PodSecurity = "pod_security",
    }
}
