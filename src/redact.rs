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
    // Passwords given to a command by its own short flag. MySQL's `-pSECRET` (attached;
    // `-p db` prompts, and `-P` is the port).
    (
        r#"((?i:\b(?:mysql|mysqladmin|mysqldump|mysqlimport|mysqlcheck|mysqlshow|mariadb|mariadb-dump))\b[^\n|;&]*?\s-p)("[^"]*"|'[^']*'|[^\s"'-]\S*)"#,
        "${1}[REDACTED]",
    ),
    // curl -u user:password (the user stays).
    (
        r#"(?i)(\bcurl\b[^\n|;&]*?\s(?:-u|--user)(?:\s+|=)?['"]?[^\s:'"]+:)[^\s'"]+"#,
        "${1}[REDACTED]",
    ),
    // sshpass -p X, redis-cli -a X, openssl -k X / -pass(in|out) pass:X.
    (
        r#"(?i)(\bsshpass\b[^\n|;&]*?\s-p\s*)("[^"]*"|'[^']*'|\S+)"#,
        "${1}[REDACTED]",
    ),
    (
        r#"(?i)(\bredis-cli\b[^\n|;&]*?\s(?:-a|--pass)\s+)("[^"]*"|'[^']*'|\S+)"#,
        "${1}[REDACTED]",
    ),
    (
        r#"(\bopenssl\b[^\n|;&]*?\s(?:-k\s+|-pass(?:in|out)?\s+pass:))("[^"]*"|'[^']*'|\S+)"#,
        "${1}[REDACTED]",
    ),
    // Registry and cloud logins: docker/podman/… login -p X, az login -p X.
    (
        r#"(?i)(\b(?:docker|podman|buildah|skopeo|nerdctl|helm|oras|az)\b[^\n|;&]*?\blogin\b[^\n|;&]*?\s(?:-p|--password)(?:\s+|=))("[^"]*"|'[^']*'|[^\s"'-]\S*)"#,
        "${1}[REDACTED]",
    ),
    // htpasswd -b FILE USER PASSWORD (the user goes too) or -nb USER PASSWORD.
    (
        r"(\bhtpasswd(?:\s+-[A-Za-z]+)*\s+-[A-Za-mo-z]*b[A-Za-mo-z]*(?:\s+-[A-Za-mo-z]+)*\s+[^\s-]\S*\s+)\S+(?:\s+[^\s=()]+)?",
        "${1}[REDACTED]",
    ),
    (
        r"(\bhtpasswd(?:\s+-[A-Za-z]+)*\s+-[A-Za-z]*(?:nb|bn)[A-Za-z]*(?:\s+-[A-Za-z]+)*\s+[^\s-]\S*\s+)\S+",
        "${1}[REDACTED]",
    ),
    // `password: X`, `passwd = X`, `pwd: X` in free text (a colon or an equals sign, spaces allowed).
    (
        r#"(?i)\b(pass(?:word|wd)?|pwd)(\s*[:=]\s*)("[^"]*"|'[^']*'|[^\s"']+)"#,
        "${1}${2}[REDACTED]",
    ),
    // Upper-case secret names assigned with spaces (`MY_PASSWORD = X`) or ending in
    // _PASS / _PWD (`DB_PASS=X`).
    (
        r#"\b([A-Z0-9_]*(?:PASSWORD|PASSWD|_PASS|_PWD|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIALS?)(?:_[A-Z0-9_]*)?)(\s*=\s*)("[^"]*"|'[^']*'|[^\s=]\S*)"#,
        "${1}${2}[REDACTED]",
    ),
    // AWS CLI: `aws configure set aws_secret_access_key X`.
    (
        r"(?i)\b(aws_secret_access_key|aws_session_token)(\s+)\S+",
        "${1}${2}[REDACTED]",
    ),
    // Credential headers: X-Api-Key, Cookie, GitLab PRIVATE-TOKEN, Vault and auth tokens.
    (
        r#"(?i)\b((?:x-api-key|api-key|x-auth-token|private-token|x-vault-token|set-cookie|cookie)\s*:\s*)[^'"\r\n]+"#,
        "${1}[REDACTED]",
    ),
    // GitLab personal access tokens, Vault tokens, OpenAI-style keys.
    (r"\bglpat-[A-Za-z0-9_-]{20,}", "[REDACTED GITLAB TOKEN]"),
    (r"\bhv[sbr]\.[A-Za-z0-9_-]{20,}", "[REDACTED VAULT TOKEN]"),
    (
        r"\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}",
        "[REDACTED API KEY]",
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

    /// Each shape of audit-b problem 4: the secret is gone, the command stays readable.
    #[test]
    fn command_line_and_header_credentials_are_removed() {
        let cases = [
            ("mysql -u root -pS3cretZZ db", "mysql -u root -p"),
            ("mysqldump -h db -p'S3cretZZ' shop", "mysqldump -h db -p"),
            ("curl -u admin:S3cretZZ https://internal", "curl -u admin:"),
            (
                "curl --user 'admin:S3cretZZ' https://x",
                "curl --user 'admin:",
            ),
            ("sshpass -p S3cretZZ ssh root@host", "sshpass -p "),
            ("sshpass -pS3cretZZ ssh root@host", "sshpass -p"),
            ("redis-cli -h r -a S3cretZZ ping", "redis-cli -h r -a "),
            ("echo password: S3cretZZ", "echo password: "),
            ("Password = S3cretZZ", "Password = "),
            ("db pwd:S3cretZZ", "db pwd:"),
            (
                "aws configure set aws_secret_access_key S3cretZZ",
                "aws_secret_access_key ",
            ),
            (
                "docker login -u bob -p S3cretZZ registry",
                "docker login -u bob -p ",
            ),
            (
                "podman login --password=S3cretZZ r",
                "podman login --password=",
            ),
            (
                "az login --service-principal -u x -p S3cretZZ --tenant t",
                "az login --service-principal -u x -p ",
            ),
            ("curl -H 'X-Api-Key: S3cretZZ' https://x", "'X-Api-Key: "),
            (
                "curl -H 'Cookie: session=S3cretZZ; a=b' https://x",
                "'Cookie: ",
            ),
            (
                "curl -H \"PRIVATE-TOKEN: S3cretZZ\" https://x",
                "\"PRIVATE-TOKEN: ",
            ),
            ("echo glpat-S3cretZZabcdefghij0123", "echo "),
            ("vault login hvs.S3cretZZabcdefghijklmnop", "vault login "),
            ("export OPENAI=sk-proj-S3cretZZabcdefghijklmnop", "OPENAI="),
            ("htpasswd -b -c f bob S3cretZZ", "htpasswd -b -c f "),
            ("htpasswd -nb bob S3cretZZ", "htpasswd -nb bob "),
            (
                "openssl enc -aes256 -k S3cretZZ -in f",
                "openssl enc -aes256 -k ",
            ),
            ("openssl rsa -passin pass:S3cretZZ -in k", "-passin pass:"),
            ("env DB_PASS=S3cretZZ app", "env DB_PASS="),
            ("export MY_PASSWORD = S3cretZZ", "export MY_PASSWORD = "),
        ];
        for (input, kept) in cases {
            let out = text(input);
            assert!(!out.contains("S3cretZZ"), "{input} -> {out}");
            assert!(out.contains("[REDACTED"), "{input} -> {out}");
            assert!(
                out.contains(kept),
                "{input} -> {out} (expected to keep {kept:?})"
            );
        }
    }

    /// Ordinary text that mentions these words or flags is left alone.
    #[test]
    fn ordinary_words_and_flags_are_not_redacted() {
        let clean = [
            "Ensure password policy is enforced",
            "passwordless sudo is allowed for group wheel",
            "the password was rotated on 2026-11-01",
            "mysql -u root -p shop",
            "mysql -h db -P 3306 shop",
            "docker run -u 1000:1000 -p 8080:80 nginx",
            "docker login -u bob --password-stdin registry",
            "curl -s https://example.com/api",
            "redis-cli ping",
            "Set-Cookie attribute Secure is missing",
            "a cookie jar",
            "cookies are not set",
            "task-scheduler sk-short",
            "MAX_TOKENS is 10",
            "openssl x509 -in cert.pem -noout -text",
            "htpasswd -c file bob",
            "ssh -p 2222 host",
        ];
        for c in clean {
            assert_eq!(text(c), c, "false positive");
        }
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
            31,
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
