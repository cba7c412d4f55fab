//! Redaction: credential shapes are removed from any text muster republishes.
//!
//! Applied by ingestors to command lines, messages and free text from exports
//! (Falco output, Tetragon arguments, audit messages) before a record exists,
//! so no later stage can leak what was never kept. `--no-redact` turns it off
//! for local debugging only.

use regex::{Regex, RegexSet};
use sha2::{Digest, Sha256};
use std::borrow::Cow;
use std::sync::LazyLock;

/// What replaces a redacted value.
pub const MASK: &str = "[REDACTED]";

/// The credential shapes and what replaces each; every one must compile (a test
/// compiles them all and pins their number, so none can be dropped silently).
const TABLE: &[(&str, &str)] = &[
    // PEM private keys, whole block (or a truncated start).
    (
        r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----(?s:.*?)(-----END [A-Z0-9 ]*PRIVATE KEY-----|$)",
        "[REDACTED PRIVATE KEY]",
    ),
    // user:password@ in URLs.
    (
        r"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s:@]+:[^/\s@]+@",
        "${1}[REDACTED]@",
    ),
    // Authorization headers and bearer tokens.
    (
        r"(?i)\b(authorization\s*[:=]\s*)(bearer|basic|token)?\s*[A-Za-z0-9._~+/=-]{6,}",
        "${1}[REDACTED]",
    ),
    (
        r"(?i)\bbearer\s+[A-Za-z0-9._~+/=-]{8,}",
        "Bearer [REDACTED]",
    ),
    // --password=x, --token x, -p=x style flags and KEY=value assignments with secret-looking names.
    (
        r#"(?i)(--?[a-z0-9_-]*(?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credential)[a-z0-9_-]*)(=)("[^"]*"|'[^']*'|\S+)"#,
        "${1}${2}[REDACTED]",
    ),
    // `--password VALUE` only when the flag names the secret itself (not `--tls-private-key-file PATH`).
    (
        r#"(?i)(--?[a-z0-9_-]*(?:password|passwd|pwd|secret|token|api[_-]?key))(\s+)("[^"]*"|'[^']*'|[^\s-]\S*)"#,
        "${1}${2}[REDACTED]",
    ),
    (
        r#"(?i)\b([A-Z0-9_]*(?:PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIALS?)[A-Z0-9_]*)=("[^"]*"|'[^']*'|\S+)"#,
        "${1}=[REDACTED]",
    ),
    (
        r#"(?i)("(?:password|passwd|secret|token|apikey|api_key|access_key|client_secret)"\s*:\s*)"[^"]*""#,
        "${1}\"[REDACTED]\"",
    ),
    // Cloud keys and tokens with recognisable prefixes.
    (
        r"\b(AKIA|ASIA|AGPA|AIDA|AROA)[A-Z0-9]{16}\b",
        "[REDACTED AWS KEY]",
    ),
    (r"\bgh[pousr]_[A-Za-z0-9]{30,}\b", "[REDACTED GITHUB TOKEN]"),
    (
        r"\bgithub_pat_[A-Za-z0-9_]{30,}\b",
        "[REDACTED GITHUB TOKEN]",
    ),
    (
        r"\bxox[abposr]-[A-Za-z0-9-]{10,}\b",
        "[REDACTED SLACK TOKEN]",
    ),
    (r"\bAIza[0-9A-Za-z_-]{35}\b", "[REDACTED GOOGLE KEY]"),
    (r"\bsk_live_[0-9A-Za-z]{16,}\b", "[REDACTED STRIPE KEY]"),
    (
        r"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\b",
        "[REDACTED JWT]",
    ),
    (
        r"(?i)\b(AccountKey|SharedAccessKey|sig)=[A-Za-z0-9%+/=]{16,}",
        "${1}=[REDACTED]",
    ),
];

static PATTERNS: LazyLock<Vec<(Regex, &'static str)>> = LazyLock::new(|| {
    TABLE
        .iter()
        .filter_map(|(p, r)| Regex::new(p).ok().map(|re| (re, *r)))
        .collect()
});

/// All patterns in one automaton: one scan tells whether any applies (most text is clean).
static ANY: LazyLock<Option<RegexSet>> =
    LazyLock::new(|| RegexSet::new(PATTERNS.iter().map(|(re, _)| re.as_str())).ok());

/// Remove credential shapes from free text.
pub fn text(input: &str) -> Cow<'_, str> {
    let hits: Vec<usize> = match ANY.as_ref() {
        // The common case, clean text, costs one search that stops at the first match
        // (finding which patterns match scans for every pattern to the end).
        Some(set) if !set.is_match(input) => return Cow::Borrowed(input),
        Some(set) => set.matches(input).into_iter().collect(),
        None => (0..PATTERNS.len()).collect(),
    };
    let mut out: Cow<'_, str> = Cow::Borrowed(input);
    for i in hits {
        if let Some((re, replacement)) = PATTERNS.get(i) {
            if re.is_match(&out) {
                out = Cow::Owned(re.replace_all(&out, *replacement).into_owned());
            }
        }
    }
    out
}

/// Redact when `enabled`, else return the text unchanged.
pub fn maybe(input: &str, enabled: bool) -> String {
    if enabled {
        text(input).into_owned()
    } else {
        input.to_string()
    }
}

/// A masked fingerprint of a secret value: its first four characters (if it is long
/// enough that they reveal little) and a short hash, never the value itself.
pub fn fingerprint(secret: &str) -> String {
    let digest = Sha256::digest(secret.as_bytes());
    let short = crate::manifest::hex(digest.get(..6).unwrap_or_default());
    let chars: Vec<char> = secret.chars().filter(|c| *c != '*').collect();
    if chars.len() >= 16 {
        let head: String = chars.iter().take(4).collect();
        format!("{head}…#{short}")
    } else {
        format!("#{short}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_credential_shapes_are_removed() {
        let cases = [
            "mysql --password=hunter2secret -h db",
            "curl -H 'Authorization: Bearer abcdefghijklmnop' https://x",
            "export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY",
            "aws s3 ls --profile x AKIAIOSFODNN7EXAMPLE",
            "git clone https://bob:s3cr3tpass@github.com/org/repo",
            "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\n-----END RSA PRIVATE KEY-----",
            "token ghp_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        ];
        for c in cases {
            let r = text(c);
            assert!(r.contains("REDACTED"), "{c} -> {r}");
        }
        assert!(!text("mysql --password=hunter2secret").contains("hunter2secret"));
        assert!(!text("https://bob:s3cr3tpass@github.com").contains("s3cr3tpass"));
        assert_eq!(text("ls -la /tmp"), "ls -la /tmp");
        assert!(!text("mysql --password hunter2secret").contains("hunter2secret"));
        assert_eq!(
            text("Ensure that the --tls-private-key-file arguments are set"),
            "Ensure that the --tls-private-key-file arguments are set"
        );
    }

    #[test]
    fn every_pattern_compiles_and_none_is_dropped() {
        for (p, _) in TABLE {
            if let Err(e) = Regex::new(p) {
                panic!("{p}: {e}");
            }
        }
        assert_eq!(
            TABLE.len(),
            16,
            "a pattern was added or removed: update this count"
        );
        assert_eq!(PATTERNS.len(), TABLE.len());
        assert!(ANY.is_some(), "the combined set compiles");
    }

    #[test]
    fn fingerprints_do_not_contain_the_secret() {
        let f = fingerprint("AKIAIOSFODNN7EXAMPLE");
        assert!(f.starts_with("AKIA…#"));
        assert!(!f.contains("IOSFODNN7"));
        assert!(fingerprint("short").starts_with('#'));
    }
}
