//! Input formats as data: each parser module declares one [`FormatInfo`] (its id, the
//! export it reads, the versions it was tested with, its detection rule, the keys that
//! identify it for the "closest format" hint, and the [`Channel`] its evidence comes
//! through). A record's [`Format`] points at that description, so evaluation reads
//! what a format *is* (a runtime sensor, an audit log) without naming any format.

use super::Sensor;
use std::sync::OnceLock;

/// How a format's evidence reaches muster: what kind of tool watched the estate.
/// Evaluators read this instead of naming formats, so a new runtime sensor or audit
/// source counts as soon as its parser declares its channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Channel {
    /// Image, configuration and secret scanners (Trivy, Grype, SARIF, trivy-operator).
    Scanner,
    /// Benchmark runners (kube-bench, docker-bench, Trivy compliance).
    Benchmark,
    /// Policy engines reporting on admission or audit (Kyverno, Gatekeeper).
    PolicyEngine,
    /// The Kubernetes API server's audit log, in any envelope.
    AuditLog,
    /// A runtime sensor watching nodes and containers.
    RuntimeSensor(Sensor),
    /// Signature verification (cosign).
    Signing,
    /// Platform configuration exports: cloud resources (AKS, EKS, GKE, ACR, ACI, role
    /// assignments, policy states, Defender for Cloud) and the Kubernetes inventory.
    Platform,
    /// VEX documents: a supplier's or an owner's statements on whether vulnerabilities
    /// affect their products (OpenVEX, CycloneDX VEX, CSAF VEX).
    Vex,
    /// muster's own shards: records keep the format they were read from.
    Shard,
}

/// Everything muster says about one input format. One `static` per parser module.
#[derive(Debug)]
pub struct FormatInfo {
    /// Stable identifier (kebab-case): in `check --format json`, shards, CSV exports
    /// and catalog predicates.
    pub id: &'static str,
    /// Human name of the tool and export.
    pub name: &'static str,
    /// Tool versions whose output the parser was tested against.
    pub tested: &'static str,
    /// One-line detection rule.
    pub detection: &'static str,
    /// Top-level keys its documents carry, for the "closest format is …" hint given
    /// to a document no format claims (empty: never suggested).
    pub signature: &'static [&'static str],
    /// How its evidence reaches muster.
    pub channel: Channel,
}

/// The format a record was read from: a pointer to its [`FormatInfo`].
/// Compared, ordered and hashed by id; serialised as the id.
#[derive(Clone, Copy)]
pub struct Format(&'static FormatInfo);

impl Format {
    /// The format described by `info`.
    pub const fn of(info: &'static FormatInfo) -> Format {
        Format(info)
    }

    /// Stable identifier.
    pub fn id(self) -> &'static str {
        self.0.id
    }

    /// The full description.
    pub fn info(self) -> &'static FormatInfo {
        self.0
    }

    /// How its evidence reaches muster.
    pub fn channel(self) -> Channel {
        self.0.channel
    }

    /// The runtime sensor, when the format is one.
    pub fn sensor(self) -> Option<Sensor> {
        match self.0.channel {
            Channel::RuntimeSensor(s) => Some(s),
            _ => None,
        }
    }
}

impl PartialEq for Format {
    fn eq(&self, other: &Format) -> bool {
        self.0.id == other.0.id
    }
}

impl Eq for Format {}

impl PartialOrd for Format {
    fn partial_cmp(&self, other: &Format) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Format {
    fn cmp(&self, other: &Format) -> std::cmp::Ordering {
        self.0.id.cmp(other.0.id)
    }
}

impl std::hash::Hash for Format {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.id.hash(state);
    }
}

impl std::fmt::Debug for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0.id)
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0.id)
    }
}

impl serde::Serialize for Format {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0.id)
    }
}

/// The formats a serialised id may name (set once by `ingest` from its registry).
static KNOWN: OnceLock<&'static [&'static FormatInfo]> = OnceLock::new();

/// Make the formats known to deserialisation (idempotent; the first call wins).
pub fn register_formats(all: &'static [&'static FormatInfo]) {
    let _ = KNOWN.set(all);
}

impl Format {
    /// The registered format with this id.
    pub fn from_id(id: &str) -> Option<Format> {
        KNOWN
            .get()
            .and_then(|all| all.iter().find(|f| f.id == id))
            .map(|info| Format(info))
    }
}

impl<'de> serde::Deserialize<'de> for Format {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Format, D::Error> {
        let id = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
        Format::from_id(&id)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown input format {id:?}")))
    }
}

/// Formats for unit tests outside `ingest` (named like the real ones).
#[cfg(test)]
pub(crate) mod test_formats {
    use super::{Channel, Format, FormatInfo};
    use crate::model::Sensor;

    static TRIVY_INFO: FormatInfo = FormatInfo {
        id: "trivy",
        name: "test scanner",
        tested: "",
        detection: "",
        signature: &[],
        channel: Channel::Scanner,
    };
    static GRYPE_INFO: FormatInfo = FormatInfo {
        id: "grype",
        name: "test scanner",
        tested: "",
        detection: "",
        signature: &[],
        channel: Channel::Scanner,
    };
    static FALCO_INFO: FormatInfo = FormatInfo {
        id: "falco",
        name: "test sensor",
        tested: "",
        detection: "",
        signature: &[],
        channel: Channel::RuntimeSensor(Sensor::Falco),
    };
    static AUDIT_INFO: FormatInfo = FormatInfo {
        id: "k8s-audit",
        name: "test audit log",
        tested: "",
        detection: "",
        signature: &[],
        channel: Channel::AuditLog,
    };
    static DEFENDER_INFO: FormatInfo = FormatInfo {
        id: "defender",
        name: "test cloud sensor",
        tested: "",
        detection: "",
        signature: &[],
        channel: Channel::RuntimeSensor(Sensor::Defender),
    };
    static PLATFORM_INFO: FormatInfo = FormatInfo {
        id: "aks",
        name: "test platform export",
        tested: "",
        detection: "",
        signature: &[],
        channel: Channel::Platform,
    };
    /// A platform export named aks.
    pub const PLATFORM: Format = Format::of(&PLATFORM_INFO);
    /// An audit log named k8s-audit.
    pub const K8S_AUDIT: Format = Format::of(&AUDIT_INFO);
    /// A cloud runtime sensor named defender (proves no node liveness).
    pub const DEFENDER: Format = Format::of(&DEFENDER_INFO);
    /// A scanner named trivy.
    pub const TRIVY: Format = Format::of(&TRIVY_INFO);
    /// A scanner named grype.
    pub const GRYPE: Format = Format::of(&GRYPE_INFO);
    /// A runtime sensor named falco.
    pub const FALCO: Format = Format::of(&FALCO_INFO);
}
