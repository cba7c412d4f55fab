//! A document that is almost one of the formats added for issue 16 (cloud audit-log
//! envelopes, VEX, Kubescape, Polaris, GitLab, Snyk, CycloneDX) is not read, and its
//! diagnostic names that format as the closest one (from each format's `signature`).

use muster::ingest::source::ingest_bytes;
use muster::ingest::IngestOptions;

#[test]
fn near_misses_name_their_closest_format() {
    let cases = [
        // no results[] or resources[]
        (
            "kubescape",
            r#"{"summaryDetails": {}, "clusterName": "c", "generationTime": "2026-01-01T00:00:00Z"}"#,
        ),
        // no PolarisOutputVersion
        (
            "polaris",
            r#"{"AuditTime": "t", "SourceType": "Cluster", "DisplayName": "c", "ClusterInfo": {}, "Results": []}"#,
        ),
        // no scan type and no vulnerability to tell the report type
        (
            "gitlab-container-scanning",
            r#"{"version": "15.0.7", "vulnerabilities": [], "remediations": []}"#,
        ),
        // an open-source project, not a container
        (
            "snyk-container",
            r#"{"vulnerabilities": [], "ok": true, "dependencyCount": 3, "packageManager": "npm", "path": "."}"#,
        ),
        // an SBOM without vulnerabilities
        (
            "cyclonedx",
            r#"{"bomFormat": "CycloneDX", "specVersion": "1.5", "metadata": {}, "components": []}"#,
        ),
        // not the OpenVEX context
        (
            "openvex",
            r#"{"@context": "https://example.org/ns", "@id": "x", "author": "a", "timestamp": "t", "statements": []}"#,
        ),
        // CSAF 1.x
        (
            "csaf-vex",
            r#"{"document": {"csaf_version": "1.0"}, "product_tree": {}, "vulnerabilities": []}"#,
        ),
        // another Google service
        (
            "gke-audit",
            r#"{"protoPayload": {"serviceName": "compute.googleapis.com"}, "resource": {}, "logName": "l", "timestamp": "t", "insertId": "i"}"#,
        ),
        // events of some other log stream
        (
            "eks-audit",
            r#"{"events": [{"logStreamName": "app-1", "message": "hello"}], "searchedLogStreams": []}"#,
        ),
        // a record of another category alone
        (
            "aks-audit",
            r#"{"category": "kube-scheduler", "resourceId": "/x", "properties": {"log": "I0101"}}"#,
        ),
    ];
    for (format, text) in cases {
        let (s, recs) = ingest_bytes("near.json", text.as_bytes(), &IngestOptions::default());
        assert!(recs.is_empty(), "{format}: {recs:?}");
        let message = s
            .diagnostics
            .first()
            .map(|d| d.message.clone())
            .unwrap_or_default();
        assert!(
            message.contains(&format!("closest format is {format},")),
            "{format}: {message}"
        );
    }
}
