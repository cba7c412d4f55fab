#!/usr/bin/env python3
"""Generate the scanner exports of the muster sample data (stdlib only, deterministic).

Writes sample-data/{trivy,grype,trivy-k8s,trivy-operator,sarif,cosign,kubescape,vex}/
from the Contoso estate in sample_estate.py. Every value is invented; only the shapes
follow the tools (Trivy, Grype, trivy k8s, trivy-operator, SARIF 2.1.0, cosign verify,
Kubescape, OpenVEX).
Run it twice: the bytes are identical (no clock, no randomness except seeded rng).

    python3 scripts/gen_sample_scans.py [--out sample-data]
"""
import base64
import datetime as dt
import gzip
import hashlib
import json
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sample_estate as E  # noqa: E402

FOLDERS = ["trivy", "grype", "trivy-k8s", "trivy-operator", "sarif", "cosign", "kubescape", "vex"]
STALE_AFTER = dt.date(2026, 10, 19)          # identity/auth: last scan on this day
LEGACY = ("contosoacr.azurecr.io/batch/reporter", 0)   # pre-0.20 Trivy array shape
GZIPPED = ("contosoacr.azurecr.io/payments/ledger", 1)  # the one .json.gz report
SCANNER_UPGRADE = 7                           # from this day index: Trivy 0.69 fields

# ---------------------------------------------------------------- helpers

def h(*parts, n=64):
    return hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()[:n]


def uuid(*parts):
    x = h(*parts, n=32)
    return f"{x[:8]}-{x[8:12]}-4{x[13:16]}-a{x[17:20]}-{x[20:32]}"


def uuid7(when, *parts):
    ms = int(when.timestamp() * 1000)
    x = f"{ms:012x}" + h(*parts, n=20)
    return f"{x[:8]}-{x[8:12]}-7{x[13:16]}-8{x[17:20]}-{x[20:32]}"


def slug(repo):
    return "-".join(repo.split("/")[-2:])


def dumps(obj, compact=False):
    if compact:
        return json.dumps(obj, separators=(",", ":"), ensure_ascii=False) + "\n"
    return json.dumps(obj, indent=2, ensure_ascii=False) + "\n"


def dt_at(day, hour, minute, second=0):
    return dt.datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=dt.timezone.utc)


def rfc_ns(when, *seed):
    """RFC 3339 UTC with nanoseconds, as Go prints time.Time."""
    ns = int(h("ns", *seed, n=8), 16) % 1_000_000_000
    return when.strftime("%Y-%m-%dT%H:%M:%S") + f".{ns:09d}Z"


def local_ts(when, *seed):
    """A grype-style local timestamp (Europe/Amsterdam offset, DST ends 2026-10-25)."""
    off = 2 if when.date() < dt.date(2026, 10, 25) else 1
    loc = when + dt.timedelta(hours=off)
    us = int(h("us", *seed, n=8), 16) % 1_000_000
    return loc.strftime("%Y-%m-%dT%H:%M:%S") + f".{us:06d}+0{off}:00"


def diff_ids(img, n=3):
    return [E.digest(f"layer{i}:{img['ref']}") for i in range(n)]


def build_date(img):
    if img["repo"] == "contosoacr.azurecr.io/batch/reporter":
        return dt_at(dt.date(2026, 5, 2), 14, 37, 12)
    r = E.rng("build:" + img["ref"])
    return dt_at(dt.date(2026, 9, 1 + r.randrange(0, 17)), r.randrange(7, 19), r.randrange(60), r.randrange(60))


def scan_days(img):
    """Day indices with a Trivy image scan."""
    if img.get("never_scanned"):
        return []
    days = list(range(len(E.SCAN_DAYS)))
    if img["repo"] == "contosoacr.azurecr.io/identity/auth":
        days = [i for i in days if E.SCAN_DAYS[i] <= STALE_AFTER]
    if img["repo"] == "docker.io/library/redis":
        days = [i for i in days if i >= 1]
    return days


# ---------------------------------------------------------------- vulnerability texts (invented)

# cve: (title, description, published, modified, cvss v3 vector, score, cwe)
CVE = {
    "CVE-2026-21001": ("openssl: out-of-bounds read when checking oversized name constraints",
                       "A certificate chain with an oversized name-constraints extension makes OpenSSL read past a buffer during verification, which crashes the verifying process.",
                       "2026-08-27T14:15:09Z", "2026-09-10T18:02:44Z", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", 7.5, "CWE-125"),
    "CVE-2026-21044": ("busybox: heap overflow in the awk applet on crafted field separators",
                       "A local user who can run awk scripts through BusyBox can overflow a heap buffer with a crafted field separator and crash the applet.",
                       "2026-08-05T09:15:31Z", "2026-08-19T12:40:02Z", "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:N/I:N/A:H", 5.5, "CWE-122"),
    "CVE-2026-31337": ("expat: integer overflow in attribute counting leads to heap corruption",
                       "Parsing a document with an extreme number of attributes overflows a counter in libexpat and corrupts the heap, which can allow code execution.",
                       "2026-11-10T16:15:12Z", "2026-11-12T08:01:55Z", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8, "CWE-190"),
    "CVE-2026-11873": ("openssl: excessive CPU use when validating peer DH parameters",
                       "A peer that sends very large Diffie-Hellman parameters can keep an OpenSSL server busy for a long time and deny service to other clients.",
                       "2026-08-12T11:15:44Z", "2026-09-02T15:27:10Z", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", 7.5, "CWE-400"),
    "CVE-2025-48811": ("zlib: out-of-bounds read in inflateGetHeader with a long extra field",
                       "An application that asks zlib for gzip header details can read one byte past a caller buffer when the extra field is longer than announced.",
                       "2025-11-03T20:15:08Z", "2026-01-14T10:22:31Z", "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:N/I:N/A:L", 3.3, "CWE-125"),
    "CVE-2026-0422": ("curl: cookies sent to another host after a cross-protocol redirect",
                      "When following a redirect from HTTPS to another scheme and host, curl can send cookies that were set for the first host.",
                      "2026-09-30T07:15:26Z", "2026-10-02T19:45:00Z", "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N", 5.9, "CWE-200"),
    "CVE-2026-18820": ("glibc: stack buffer overflow in getaddrinfo with long service names",
                       "A service name longer than expected overflows a stack buffer in the glibc resolver, which a remote peer controlling DNS answers can use to run code.",
                       "2026-09-23T13:15:40Z", "2026-09-25T09:10:17Z", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8, "CWE-121"),
    "CVE-2026-22455": ("nodejs: HTTP request smuggling through malformed chunk extensions",
                       "The Node.js HTTP parser accepts malformed chunk extensions, so a proxy in front of it and the server can disagree on where a request ends.",
                       "2026-10-14T18:15:03Z", "2026-10-16T11:32:48Z", "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H", 8.1, "CWE-444"),
    "CVE-2026-7714": ("python: tarfile data filter bypass through chained symlinks",
                      "A crafted archive with chained symbolic links can make the tarfile data filter write a file outside the extraction directory.",
                      "2026-07-30T15:15:21Z", "2026-08-21T13:05:09Z", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:L/A:N", 5.3, "CWE-22"),
    "CVE-2026-5000": ("bash: command injection through crafted exported functions",
                      "An attacker who controls an environment variable read by a bash script can make bash run extra commands while importing exported functions.",
                      "2026-06-18T10:15:14Z", "2026-07-07T16:48:29Z", "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 7.8, "CWE-78"),
    "CVE-2024-3094": ("xz-utils: backdoor in the liblzma release tarballs",
                      "The 5.6.0 and 5.6.1 release tarballs of xz carry build-time code that plants a backdoor in liblzma, which can let a remote attacker bypass sshd authentication.",
                      "2024-03-29T17:15:21Z", "2025-02-06T09:15:10Z", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10.0, "CWE-506"),
    "CVE-2026-1170": ("libxml2: use-after-free when validating elements against a crafted DTD",
                      "Validating a document against a crafted DTD frees an element record that libxml2 then reads again, which crashes the parser.",
                      "2026-08-04T12:15:36Z", "2026-08-28T17:20:12Z", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", 7.5, "CWE-416"),
    "CVE-2026-9001": ("redis: Lua sandbox escape through a crafted bit operation",
                      "An authenticated client can run a Lua script whose bit operation corrupts memory and escapes the Redis scripting sandbox.",
                      "2026-09-22T21:15:49Z", "2026-09-24T06:30:00Z", "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 8.8, "CWE-787"),
    "CVE-2026-2222": ("golang.org/x/net: unbounded memory growth in the HTTP/2 header decoder",
                      "A client can send many small CONTINUATION frames that the HTTP/2 server keeps in memory until the process runs out of it.",
                      "2026-03-11T22:15:07Z", "2026-04-02T14:11:58Z", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:L", 5.3, "CWE-770"),
}
KEV = {"CVE-2024-3094": {"cve": "CVE-2024-3094", "knownRansomwareCampaignUse": "Unknown", "dateAdded": "2024-04-01"}}

DATA_SOURCE = {
    "debian": {"ID": "debian", "Name": "Debian Security Tracker", "URL": "https://salsa.debian.org/security-tracker-team/security-tracker"},
    "distroless": {"ID": "debian", "Name": "Debian Security Tracker", "URL": "https://salsa.debian.org/security-tracker-team/security-tracker"},
    "alpine": {"ID": "alpine", "Name": "Alpine Secdb", "URL": "https://secdb.alpinelinux.org/"},
    "ubuntu": {"ID": "ubuntu", "Name": "Ubuntu CVE Tracker", "URL": "https://git.launchpad.net/ubuntu-cve-tracker"},
    "go": {"ID": "go", "Name": "The Go Vulnerability Database", "URL": "https://pkg.go.dev/vuln/"},
}
SEV_SOURCE = {"debian": "debian", "distroless": "debian", "alpine": "nvd", "ubuntu": "ubuntu", "go": "ghsa"}


def is_go(img):
    return img["os"][0] == "busybox"   # node-exporter: a Go binary, no OS packages Trivy knows


def purl(img, pkg, ver):
    fam, osv = img["os"]
    if is_go(img):
        return f"pkg:golang/{pkg}@{ver}"
    if fam == "alpine":
        return f"pkg:apk/alpine/{pkg}@{ver}?arch=x86_64&distro={osv}"
    distro = "debian" if fam == "distroless" else fam
    epoch = ""
    if ":" in ver:
        e, ver = ver.split(":", 1)
        epoch = f"&epoch={e}"
    return f"pkg:deb/{distro}/{pkg}@{ver}?arch=amd64{epoch}&distro={distro}-{osv}"


def trivy_vuln(img, f, modern, new):
    cve, pkg, inst, fixed, sev = f[:5]
    title, desc, pub, mod, vec, score, cwe = CVE[cve]
    src = "go" if is_go(img) else img["os"][0]
    v = {"VulnerabilityID": cve, "PkgID": f"{pkg}@{inst}", "PkgName": pkg}
    if modern:
        v["PkgIdentifier"] = {"PURL": purl(img, pkg, inst)}
        if new:
            v["PkgIdentifier"]["UID"] = h("uid", img["ref"], pkg, n=16)
    v["InstalledVersion"] = inst
    if fixed:
        v["FixedVersion"] = fixed
    v["Status"] = "fixed" if fixed else "affected"
    layer = diff_ids(img)[1 if pkg not in ("busybox", "zlib1g", "glibc", "bash") else 0]
    v["Layer"] = {"Digest": E.digest("blob:" + layer), "DiffID": layer} if new else {"DiffID": layer}
    v["SeveritySource"] = SEV_SOURCE[src]
    v["PrimaryURL"] = f"https://avd.aquasec.com/nvd/{cve.lower()}"
    v["DataSource"] = DATA_SOURCE[src]
    if new:
        v["Fingerprint"] = "sha256:" + h("fp", img["ref"], cve, pkg)
    v["Title"] = title
    v["Description"] = desc
    v["Severity"] = sev
    v["CweIDs"] = [cwe]
    v["VendorSeverity"] = {"nvd": ["UNKNOWN", "LOW", "MEDIUM", "HIGH", "CRITICAL"].index(sev)}
    v["CVSS"] = {"nvd": {"V3Vector": vec, "V3Score": score}}
    v["References"] = [f"https://nvd.nist.gov/vuln/detail/{cve}", f"https://www.cve.org/CVERecord?id={cve}"]
    v["PublishedDate"] = pub
    v["LastModifiedDate"] = mod
    return v


# ---------------------------------------------------------------- trivy image

def trivy_image(img, di, k):
    day = E.SCAN_DAYS[di]
    created = dt_at(day, 5, (2 * k) % 60, (7 * k + di) % 60)
    new = di >= SCANNER_UPGRADE
    fam, osv = img["os"]
    findings = E.findings_on(img["repo"], di)
    ids = diff_ids(img)

    if (img["repo"], di) == LEGACY:
        # trivy < 0.20: a bare array of results, no SchemaVersion, no timestamps, no Status.
        vulns = []
        for f in findings:
            cve, pkg, inst, fixed, sev = f[:5]
            title, desc = CVE[cve][:2]
            v = {"VulnerabilityID": cve, "PkgName": pkg, "InstalledVersion": inst}
            if fixed:
                v["FixedVersion"] = fixed
            v.update({"Layer": {"DiffID": ids[1]}, "SeveritySource": SEV_SOURCE[fam],
                      "PrimaryURL": f"https://avd.aquasec.com/nvd/{cve.lower()}",
                      "Title": title, "Description": desc, "Severity": sev,
                      "References": [f"https://nvd.nist.gov/vuln/detail/{cve}"]})
            vulns.append(v)
        return [{"Target": f"{img['ref']} ({fam} {osv})", "Type": fam, "Vulnerabilities": vulns}]

    rep = {"SchemaVersion": 2}
    if new:
        rep["Trivy"] = {"Version": "0.69.1"}
        rep["ReportID"] = uuid7(created, "report", img["ref"], di)
    rep["CreatedAt"] = rfc_ns(created, img["ref"], di)
    if new:
        rep["ArtifactID"] = "sha256:" + h("artifact", img["ref"])
    rep["ArtifactName"] = img["ref"]
    rep["ArtifactType"] = "container_image"
    md = {}
    if new:
        md["Size"] = 30_000_000 + int(h("size", img["ref"], n=6), 16) * 7
    if not is_go(img):
        md["OS"] = {"Family": fam, "Name": osv}
        if img.get("eosl"):
            md["OS"]["EOSL"] = True
    md["ImageID"] = img["config_digest"]
    md["DiffIDs"] = ids
    md["RepoTags"] = [img["ref"]]
    md["RepoDigests"] = [f"{img['repo']}@{img['digest']}"]
    if new:
        md["Reference"] = img["ref"]
    cfg = {"Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]}
    if img["private"]:
        name = img["repo"].split("/", 1)[1].replace("/", "-")
        cfg["Labels"] = {"org.opencontainers.image.source": f"https://github.com/contoso/{name}",
                         "org.opencontainers.image.revision": h("rev", img["ref"], n=40)}
        if img["repo"] not in ("contosoacr.azurecr.io/payments/api", "contosoacr.azurecr.io/payments/ledger",
                               "contosoacr.azurecr.io/batch/etl"):
            cfg["User"] = "10001"
    md["ImageConfig"] = {"architecture": "amd64", "created": rfc_ns(build_date(img), "built", img["ref"]),
                         "os": "linux", "rootfs": {"type": "layers", "diff_ids": ids}, "config": cfg}
    rep["Metadata"] = md
    if is_go(img):
        res = {"Target": "bin/node_exporter", "Class": "lang-pkgs", "Type": "gobinary"}
    else:
        res = {"Target": f"{img['ref']} ({fam} {osv})", "Class": "os-pkgs", "Type": fam}
    if findings:
        res["Vulnerabilities"] = [trivy_vuln(img, f, True, new) for f in findings]
    elif img["repo"] == "contosoacr.azurecr.io/identity/auth":
        res["Vulnerabilities"] = None   # older writers emit null; newer omit the key
    rep["Results"] = [res]
    return rep


def trivy_config():
    day = E.SCAN_DAYS[8]

    def mc(id_, title, sev, status, target_line, msg, avdid=None):
        short = id_.lower()
        old = "DS%03d" % int("".join(c for c in id_ if c.isdigit()))
        m = {"Type": "Dockerfile Security Check", "ID": id_}
        if avdid:
            m["AVDID"] = avdid
        m.update({"Title": title, "Description": DS_DESC[old], "Message": msg,
                  "Namespace": f"builtin.dockerfile.{old}",
                  "Query": f"data.builtin.dockerfile.{old}.deny",
                  "Resolution": DS_FIX[old], "Severity": sev,
                  "PrimaryURL": f"https://avd.aquasec.com/misconfig/{short}",
                  "References": [f"https://avd.aquasec.com/misconfig/{short}"], "Status": status})
        cm = {"Provider": "Dockerfile", "Service": "general"}
        if status == "FAIL" and target_line:
            n, content = target_line
            cm.update({"StartLine": n, "EndLine": n, "Code": {"Lines": [
                {"Number": n, "Content": content, "IsCause": True, "Annotation": "", "Truncated": False,
                 "Highlighted": content, "FirstCause": True, "LastCause": True}]}})
        else:
            cm["Code"] = {"Lines": None}
        m["CauseMetadata"] = cm
        return m

    files = [
        ("payments/api/Dockerfile", [
            mc("DS-0002", "Image user should not be 'root'", "HIGH", "FAIL", (14, "CMD [\"/app/payments-api\"]"),
               "The last USER instruction is missing, so the container starts as root."),
            mc("DS-0001", ":latest tag used", "MEDIUM", "PASS", None, ""),
            mc("DS-0026", "No HEALTHCHECK defined", "LOW", "FAIL", (1, "FROM debian:12.5-slim"),
               "Add a HEALTHCHECK instruction so the runtime can tell when the service stops answering."),
        ]),
        ("shop/web/Dockerfile", [
            mc("DS002", "Image user should not be 'root'", "HIGH", "PASS", None, "", avdid="AVD-DS-0002"),
            mc("DS-0001", ":latest tag used", "MEDIUM", "PASS", None, ""),
            mc("DS-0026", "No HEALTHCHECK defined", "LOW", "FAIL", (1, "FROM alpine:3.19.1"),
               "Add a HEALTHCHECK instruction so the runtime can tell when the service stops answering."),
        ]),
        ("identity/auth/Dockerfile", [
            mc("DS-0002", "Image user should not be 'root'", "HIGH", "PASS", None, ""),
            mc("DS-0001", ":latest tag used", "MEDIUM", "PASS", None, ""),
            mc("DS-0026", "No HEALTHCHECK defined", "LOW", "PASS", None, ""),
        ]),
    ]
    results = []
    for target, ms in files:
        fails = sum(1 for m in ms if m["Status"] == "FAIL")
        results.append({"Target": target, "Class": "config", "Type": "dockerfile",
                        "MisconfSummary": {"Successes": len(ms) - fails, "Failures": fails},
                        "Misconfigurations": ms})
    return {"SchemaVersion": 2, "CreatedAt": rfc_ns(dt_at(day, 4, 41, 9), "config"),
            "ArtifactName": "contoso-dockerfiles", "ArtifactType": "filesystem",
            "Metadata": {"ImageConfig": {"architecture": "", "created": "0001-01-01T00:00:00Z", "os": "",
                                         "rootfs": {"type": "", "diff_ids": None}, "config": {}}},
            "Results": results}


DS_DESC = {
    "DS002": "A container that runs as root gives an attacker who breaks out of the process full control of the container and a head start on the host.",
    "DS001": "A floating :latest base image makes builds unrepeatable and can pull in an unreviewed base.",
    "DS026": "Without a HEALTHCHECK the runtime cannot notice a container that is running but no longer serving.",
}
DS_FIX = {
    "DS002": "Add a USER instruction with a non-root user after the last step that needs root.",
    "DS001": "Pin the base image to a version tag or, better, a digest.",
    "DS026": "Add a HEALTHCHECK instruction that probes the service.",
}


def trivy_secrets():
    day = E.SCAN_DAYS[8]
    masked = "AWS_ACCESS_KEY_ID=********************"
    return {"SchemaVersion": 2, "CreatedAt": rfc_ns(dt_at(day, 4, 52, 30), "secrets"),
            "ArtifactName": "payments-api", "ArtifactType": "filesystem",
            "Metadata": {"ImageConfig": {"architecture": "", "created": "0001-01-01T00:00:00Z", "os": "",
                                         "rootfs": {"type": "", "diff_ids": None}, "config": {}}},
            "Results": [{"Target": "deploy/staging.env", "Class": "secret", "Secrets": [{
                "RuleID": "aws-access-key-id", "Category": "AWS", "Severity": "CRITICAL",
                "Title": "AWS Access Key ID", "StartLine": 3, "EndLine": 3,
                "Code": {"Lines": [{"Number": 3, "Content": masked, "IsCause": True, "Annotation": "",
                                    "Truncated": False, "Highlighted": masked, "FirstCause": True, "LastCause": True}]},
                "Match": masked, "Offset": 58}]}]}


# ---------------------------------------------------------------- grype

def grype_namespace(img):
    fam, osv = img["os"]
    return f"debian:distro:debian:{osv.split('.')[0]}"


def grype_match(img, f):
    cve, pkg, inst, fixed, sev = f[:5]
    title, desc, pub, mod, vec, score, cwe = CVE[cve]
    fam, osv = img["os"]
    ns = grype_namespace(img)
    nvd_cvss = {"source": "nvd@nist.gov", "type": "Primary", "version": "3.1", "vector": vec,
                "metrics": {"baseScore": score, "exploitabilityScore": 3.9 if "AV:N/AC:L/PR:N" in vec else 1.8,
                            "impactScore": round(min(score, 6.0), 1)}, "vendorMetadata": {}}
    v = {"id": cve, "dataSource": f"https://security-tracker.debian.org/tracker/{cve}", "namespace": ns,
         "severity": sev.title(), "urls": [f"https://security-tracker.debian.org/tracker/{cve}"],
         "description": desc, "cvss": [],
         "epss": [{"cve": cve, "epss": round(int(h("epss", cve, n=4), 16) / 65535 * (0.9 if cve in KEV else 0.05), 5),
                   "percentile": round(0.5 + int(h("pct", cve, n=4), 16) / 65535 * 0.49, 5), "date": "2026-11-01"}],
         "fix": {"versions": [fixed] if fixed else [], "state": "fixed" if fixed else "not-fixed"},
         "advisories": []}
    if cve in KEV:
        v["knownExploited"] = [KEV[cve]]
    v["risk"] = round(score * v["epss"][0]["percentile"] * (2 if cve in KEV else 0.1), 4)
    layer = diff_ids(img)[0]
    art_id = h("artifact", img["ref"], pkg, n=16)
    md = {"type": "exact-direct-match", "matcher": "dpkg-matcher",
          "searchedBy": {"distro": {"type": "debian", "version": osv.split(".")[0]}, "namespace": ns,
                         "package": {"name": pkg, "version": inst}},
          "found": {"vulnerabilityID": cve,
                    "versionConstraint": f"< {fixed} (deb)" if fixed else "none (deb)"}}
    if fixed:
        md["fix"] = {"suggestedVersion": fixed}
    vendor = {"bash": "gnu", "xz-utils": "tukaani", "libxml2": "xmlsoft"}.get(pkg, pkg)
    return {
        "vulnerability": v,
        "relatedVulnerabilities": [{"id": cve, "dataSource": f"https://nvd.nist.gov/vuln/detail/{cve}",
                                    "namespace": "nvd:cpe", "severity": sev.title(),
                                    "urls": [f"https://nvd.nist.gov/vuln/detail/{cve}"],
                                    "description": desc, "cvss": [nvd_cvss]}],
        "matchDetails": [md],
        "artifact": {"id": art_id, "name": pkg, "version": inst, "type": "deb",
                     "locations": [{"path": "/var/lib/dpkg/status", "layerID": layer, "accessPath": "/var/lib/dpkg/status",
                                    "annotations": {"evidence": "primary"}},
                                   {"path": f"/usr/share/doc/{pkg}/copyright", "layerID": layer,
                                    "accessPath": f"/usr/share/doc/{pkg}/copyright", "annotations": {"evidence": "supporting"}}],
                     "language": "", "licenses": ["GPL-2.0-or-later"] if pkg != "libxml2" else ["MIT"],
                     "cpes": [f"cpe:2.3:a:{vendor}:{pkg}:{inst}:*:*:*:*:*:*:*"],
                     "purl": purl(img, pkg, inst).replace(f"&distro=debian-{osv}", f"&distro=debian-{osv.split('.')[0]}"),
                     "upstreams": []},
    }


def grype_report(img, di, k):
    day = E.SCAN_DAYS[di]
    when = dt_at(day, 6, 15 + k, (3 * k + 11 * di) % 60)
    ids = diff_ids(img)
    fam, osv = img["os"]
    built = day - dt.timedelta(days=1)
    return {
        "matches": [grype_match(img, f) for f in E.findings_on(img["repo"], di)],
        "source": {"type": "image", "target": {
            "userInput": img["ref"], "imageID": img["config_digest"], "manifestDigest": img["digest"],
            "mediaType": "application/vnd.oci.image.manifest.v1+json", "tags": [img["ref"]],
            "imageSize": 70_000_000 + int(h("gsize", img["ref"], n=6), 16),
            "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": d,
                        "size": 1_000_000 + int(h("lsize", d, n=6), 16)} for d in ids],
            "repoDigests": [f"{img['repo']}@{img['digest']}"], "architecture": "amd64", "os": "linux",
            "labels": {}}},
        "distro": {"name": "debian", "version": osv.split(".")[0], "idLike": []},
        "descriptor": {
            "name": "grype", "version": "0.94.0",
            "configuration": {"output": ["json"], "file": "", "pretty": False, "only-fixed": False,
                              "only-notfixed": False, "search": {"scope": "squashed"}, "by-cve": False},
            "db": {"status": {"schemaVersion": "v6.0.2",
                              "from": f"https://grype.anchore.io/databases/v6/vulnerability-db_v6.0.2_{built}T01:30:00Z.tar.zst",
                              "built": f"{built}T04:05:00Z", "path": "/home/runner/.cache/grype/db/6/vulnerability.db",
                              "valid": True}},
            "timestamp": local_ts(when, img["ref"], di)},
    }


def grype_legacy(img):
    """grype 0.7-era: matchDetails object, cpes as objects, cvssV2, no descriptor.timestamp."""
    f = E.findings_on(img["repo"], 2)[0]
    cve, pkg, inst, fixed, sev = f[:5]
    ids = diff_ids(img)
    return {
        "matches": [{
            "vulnerability": {"id": cve, "severity": sev.title(),
                              "links": [f"https://nvd.nist.gov/vuln/detail/{cve}"],
                              "cvssV2": {"baseScore": 5.0, "vector": "AV:N/AC:L/Au:N/C:N/I:N/A:P"}},
            "matchDetails": {"matcher": "stock-matcher",
                             "searchKey": {"cpe": f"cpe:2.3:a:golang:net:{inst}:*:*:*:*:*:*:*"},
                             "matchedOn": {"cveId": cve, "constraint": f"< {fixed.lstrip('v')} (semver)"}},
            "artifact": {"name": pkg, "version": inst, "type": "go-module", "foundBy": "go-module-binary-cataloger",
                         "locations": [{"path": "/bin/node_exporter", "layerID": ids[2]}],
                         "licenses": [], "language": "go",
                         "cpes": [{"Part": "a", "Vendor": "golang", "Product": "net", "Version": inst, "Update": "",
                                   "Edition": "", "SWEdition": "", "TargetSW": "", "TargetHW": "", "Other": "",
                                   "Language": ""}],
                         "purl": f"pkg:golang/{pkg}@{inst}", "metadata": None}}],
        "source": {"type": "image", "target": {
            "userInput": img["ref"], "imageID": img["config_digest"], "manifestDigest": img["digest"],
            "mediaType": "application/vnd.docker.distribution.manifest.v2+json", "tags": [img["ref"]],
            "imageSize": 22_000_000 + int(h("gsize", img["ref"], n=5), 16),
            "layers": [{"mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip", "digest": d,
                        "size": 500_000 + int(h("lsize", d, n=5), 16)} for d in ids],
            "scope": "Squashed"}},
        "distro": {"name": "busybox", "version": img["os"][1], "idLike": ""},
        "descriptor": {"name": "grype", "version": "0.7.0"},
    }


# ---------------------------------------------------------------- trivy k8s

KSV = {  # key: (title, severity, description, resolution)
    "0001": ("Process can elevate its own privileges", "MEDIUM",
             "A process in the container can gain more privileges than its parent, for example through setuid binaries.",
             "Set 'containers[].securityContext.allowPrivilegeEscalation' to false."),
    "0011": ("CPU not limited", "LOW",
             "Without a CPU limit one container can starve the others on its node.",
             "Set 'containers[].resources.limits.cpu'."),
    "0012": ("Runs as root user", "MEDIUM",
             "A container that runs as root shares the host's root user id, which makes an escape far more damaging.",
             "Set 'containers[].securityContext.runAsNonRoot' to true."),
    "0014": ("Root file system is not read-only", "HIGH",
             "A writable root file system lets an attacker drop tools or change binaries inside the container.",
             "Set 'containers[].securityContext.readOnlyRootFilesystem' to true."),
    "0017": ("Privileged container", "HIGH",
             "A privileged container has almost every capability of the host and can reach its devices.",
             "Set 'containers[].securityContext.privileged' to false."),
    "0038": ("Selector usage in network policies", "MEDIUM",
             "Pods that no NetworkPolicy selects accept traffic from everywhere in the cluster.",
             "Create a NetworkPolicy whose podSelector covers the workload."),
}


def ksv_story(img):
    """Status per KSV number for a workload."""
    repo, ns = img["repo"], img["ns"]
    return {
        "0017": "FAIL" if repo == "contosoacr.azurecr.io/batch/etl" else "PASS",
        "0014": "FAIL" if repo in ("contosoacr.azurecr.io/shop/cart", "contosoacr.azurecr.io/batch/reporter",
                                   "contosoacr.azurecr.io/identity/admin-ui") else "PASS",
        "0012": "FAIL" if repo in ("contosoacr.azurecr.io/batch/etl", "contosoacr.azurecr.io/payments/ledger") else "PASS",
        "0011": "FAIL" if repo == "quay.io/prometheus/node-exporter" else "PASS",
        "0001": "PASS",
        "0038": "FAIL" if ns == "default" else "PASS",
    }


def fail_message(num, kind, name, container):
    return {
        "0001": f"Container '{container}' of {kind} '{name}' should set 'securityContext.allowPrivilegeEscalation' to false",
        "0011": f"Container '{container}' of {kind} '{name}' has no 'resources.limits.cpu'",
        "0012": f"Container '{container}' of {kind} '{name}' should set 'securityContext.runAsNonRoot' to true",
        "0014": f"Container '{container}' of {kind} '{name}' should set 'securityContext.readOnlyRootFilesystem' to true",
        "0017": f"Container '{container}' of {kind} '{name}' should set 'securityContext.privileged' to false",
        "0038": f"No NetworkPolicy selects the pods of {kind} '{name}'",
    }[num]


def ksv_misconf(num, status, kind, name, container, line, modern, k8s_ns):
    title, sev, desc, fix = KSV[num]
    old = f"KSV{num[1:]}"
    m = {"Type": "Kubernetes Security Check"}
    if modern:
        m["ID"] = f"KSV-{num}"
    else:
        m["ID"] = old
        m["AVDID"] = f"AVD-KSV-{num}"
    m.update({"Title": title, "Description": desc,
              "Message": fail_message(num, kind, name, container) if status == "FAIL" else "No issues found",
              "Namespace": f"builtin.kubernetes.{old}", "Query": f"data.builtin.kubernetes.{old}.deny",
              "Resolution": fix, "Severity": sev,
              "PrimaryURL": f"https://avd.aquasec.com/misconfig/{(('ksv-' + num) if modern else old.lower())}",
              "References": [f"https://avd.aquasec.com/misconfig/{(('ksv-' + num) if modern else old.lower())}"],
              "Status": status})
    cm = {"Provider": "Kubernetes", "Service": "general", "StartLine": line, "EndLine": line + 11}
    if not modern:
        cm["Code"] = {"Lines": None}
    m["CauseMetadata"] = cm
    return m


def k8s_metadata(img, as_list):
    md = {"ImageID": img["config_digest"], "DiffIDs": diff_ids(img), "RepoTags": [img["ref"]],
          "RepoDigests": [f"{img['repo']}@{img['digest']}"],
          "ImageConfig": {"architecture": "amd64", "created": build_date(img).strftime("%Y-%m-%dT%H:%M:%SZ"), "os": "linux",
                          "rootfs": {"type": "", "diff_ids": None}, "config": {}}}
    return [md] if as_list else md


def k8s_resource(ns, kind, name, container, statuses, md, modern):
    ms = []
    for j, (num, status) in enumerate(statuses.items()):
        ms.append(ksv_misconf(num, status, kind, name, container, 120 + 14 * j, modern, ns))
    fails = sum(1 for m in ms if m["Status"] == "FAIL")
    res = {"Namespace": ns, "Kind": kind, "Name": name}
    if md is not None:
        res["Metadata"] = md
    res["Results"] = [{"Target": f"{kind}/{name}", "Class": "config", "Type": "kubernetes",
                       "MisconfSummary": {"Successes": len(ms) - fails, "Failures": fails, **({} if modern else {"Exceptions": 0})},
                       "Misconfigurations": ms}]
    return res


SYSTEM_IMAGE = dict(repo="mcr.microsoft.com/oss/kubernetes/kube-proxy", tag="v1.30.6")
SYSTEM_IMAGE["ref"] = f"{SYSTEM_IMAGE['repo']}:{SYSTEM_IMAGE['tag']}"
SYSTEM_IMAGE["digest"] = E.digest(SYSTEM_IMAGE["ref"])
SYSTEM_IMAGE["config_digest"] = E.digest("config:" + SYSTEM_IMAGE["ref"])


def system_metadata(as_list):
    md = {"ImageID": SYSTEM_IMAGE["config_digest"], "RepoTags": [SYSTEM_IMAGE["ref"]],
          "RepoDigests": [f"{SYSTEM_IMAGE['repo']}@{SYSTEM_IMAGE['digest']}"]}
    return [md] if as_list else md


def trivy_k8s(cluster):
    modern = cluster == "aks-prod-weu"
    resources = []
    for img in E.IMAGES:
        resources.append(k8s_resource(img["ns"], "Deployment", img["workload"], img["workload"], ksv_story(img),
                                      k8s_metadata(img, modern), modern))
    resources.append(k8s_resource("kube-system", "DaemonSet", "kube-proxy", "kube-proxy",
                                  {"0017": "FAIL", "0012": "FAIL", "0001": "PASS"}, system_metadata(modern), modern))
    if modern:
        return {"ClusterName": cluster, "Resources": resources}
    return {"ClusterName": cluster, "Vulnerabilities": None, "Misconfigurations": resources}


# ---------------------------------------------------------------- trivy-operator

OP_TIME = "2026-11-19T03:12:45Z"
OP_SCANNER = {"name": "Trivy", "vendor": "Aqua Security", "version": "0.67.2"}


def rs_name(img):
    return f"{img['workload']}-{h('rs', img['ref'], n=10)}"


def op_meta(kind_prefix, img, container=True, created=OP_TIME):
    rs = rs_name(img)
    labels = {"resource-spec-hash": h("spec", img["ref"], n=10),
              "trivy-operator.resource.kind": "ReplicaSet", "trivy-operator.resource.name": rs,
              "trivy-operator.resource.namespace": img["ns"]}
    if container:
        labels["trivy-operator.container.name"] = img["workload"]
    name = f"replicaset-{rs}" + (f"-{img['workload']}" if container else "")
    return {"name": name, "namespace": img["ns"], "uid": uuid(kind_prefix, img["ref"]),
            "resourceVersion": str(48_000_000 + int(h("rv", kind_prefix, img["ref"], n=5), 16)),
            "generation": 1, "creationTimestamp": created,
            "labels": {k: labels[k] for k in sorted(labels)},
            "annotations": {"trivy-operator.aquasecurity.github.io/report-ttl": "24h0m0s"},
            "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": rs,
                                 "uid": uuid("rs", img["ref"]), "controller": True, "blockOwnerDeletion": False}]}


def vulnerability_report(img):
    di = len(E.SCAN_DAYS) - 1
    findings = E.findings_on(img["repo"], di)
    fam, osv = img["os"]
    counts = {s: sum(1 for f in findings if f[4] == s) for s in ("CRITICAL", "HIGH", "MEDIUM", "LOW", "UNKNOWN")}
    registry, repository = img["repo"].split("/", 1)
    vulns = []
    for f in findings:
        cve, pkg, inst, fixed, sev = f[:5]
        title, desc, pub, mod, vec, score, cwe = CVE[cve]
        vulns.append({"vulnerabilityID": cve, "resource": pkg, "installedVersion": inst, "fixedVersion": fixed,
                      "publishedDate": pub, "lastModifiedDate": mod, "severity": sev, "title": title,
                      "primaryLink": f"https://avd.aquasec.com/nvd/{cve.lower()}",
                      "links": [], "score": score, "target": f"{img['ref']} ({fam} {osv})",
                      "class": "os-pkgs", "packageType": "debian" if fam == "distroless" else fam})
    return {"apiVersion": "aquasecurity.github.io/v1alpha1", "kind": "VulnerabilityReport",
            "metadata": op_meta("vr", img),
            "report": {"updateTimestamp": OP_TIME, "scanner": OP_SCANNER, "registry": {"server": registry},
                       "artifact": {"repository": repository, "tag": img["tag"], "digest": img["digest"]},
                       "os": {"family": fam, "name": osv},
                       "summary": {"criticalCount": counts["CRITICAL"], "highCount": counts["HIGH"],
                                   "mediumCount": counts["MEDIUM"], "lowCount": counts["LOW"],
                                   "unknownCount": counts["UNKNOWN"], "noneCount": 0},
                       "vulnerabilities": vulns}}


def config_audit_report(img):
    story = ksv_story(img)
    rs = rs_name(img)
    checks = []
    for num in ("0001", "0011", "0012", "0014", "0017"):
        title, sev, desc, fix = KSV[num]
        ok = story[num] == "PASS"
        checks.append({"category": "Kubernetes Security Check", "checkID": f"KSV{num[1:]}", "title": title,
                       "description": desc, "severity": sev, "success": ok,
                       "messages": [] if ok else [fail_message(num, "ReplicaSet", rs, img["workload"])],
                       "remediation": fix})
    counts = {s: sum(1 for c in checks if not c["success"] and c["severity"] == s) for s in ("CRITICAL", "HIGH", "MEDIUM", "LOW")}
    return {"apiVersion": "aquasecurity.github.io/v1alpha1", "kind": "ConfigAuditReport",
            "metadata": op_meta("car", img, container=False),
            "report": {"updateTimestamp": OP_TIME, "scanner": OP_SCANNER,
                       "summary": {"criticalCount": counts["CRITICAL"], "highCount": counts["HIGH"],
                                   "mediumCount": counts["MEDIUM"], "lowCount": counts["LOW"]},
                       "checks": checks}}


def operator_reports():
    vr = [E.image("contosoacr.azurecr.io/shop/web"), E.image("contosoacr.azurecr.io/payments/api"),
          E.image("contosoacr.azurecr.io/batch/etl")]
    car = [E.image("contosoacr.azurecr.io/shop/cart"), E.image("contosoacr.azurecr.io/payments/ledger")]
    return {"apiVersion": "v1", "items": [vulnerability_report(i) for i in vr] + [config_audit_report(i) for i in car],
            "kind": "List", "metadata": {"resourceVersion": ""}}


def operator_secret_and_compliance():
    img = E.image("contosoacr.azurecr.io/identity/admin-ui")
    registry, repository = img["repo"].split("/", 1)
    esr = {"apiVersion": "aquasecurity.github.io/v1alpha1", "kind": "ExposedSecretReport",
           "metadata": op_meta("esr", img, created="2026-11-18T22:40:11Z"),
           "report": {"updateTimestamp": "2026-11-18T22:40:11Z", "scanner": OP_SCANNER,
                      "registry": {"server": registry},
                      "artifact": {"repository": repository, "tag": img["tag"], "digest": img["digest"]},
                      "summary": {"criticalCount": 0, "highCount": 1, "mediumCount": 0, "lowCount": 0},
                      "secrets": [{"target": "/usr/share/nginx/html/assets/config.js", "ruleID": "private-key",
                                   "category": "AsymmetricPrivateKey", "severity": "HIGH",
                                   "title": "Asymmetric Private Key",
                                   "match": "-----BEGIN PRIVATE KEY-----****************************************************************-----END PRIVATE KEY-----"}]}}
    controls = [  # id, name, severity, checks, totalFail (prod cluster, all namespaces)
        ("1.0", "Non-root containers", "MEDIUM", ["AVD-KSV-0012"], 3),
        ("1.1", "Immutable container file systems", "LOW", ["AVD-KSV-0014"], 3),
        ("1.2", "Preventing privileged containers", "HIGH", ["AVD-KSV-0017"], 2),
        ("1.9", "Restricts privilege escalation", "MEDIUM", ["AVD-KSV-0001"], 0),
        ("2.0", "Pod and namespace network policies", "MEDIUM", ["AVD-KSV-0038"], 1),
        ("3.0", "Resource limits", "LOW", ["AVD-KSV-0011"], 1),
    ]
    ccr = {"apiVersion": "aquasecurity.github.io/v1alpha1", "kind": "ClusterComplianceReport",
           "metadata": {"name": "k8s-nsa-1.0", "uid": uuid("ccr", "nsa"), "resourceVersion": "48112093",
                        "generation": 1, "creationTimestamp": "2026-08-03T09:00:12Z",
                        "labels": {"app.kubernetes.io/instance": "trivy-operator",
                                   "app.kubernetes.io/managed-by": "Helm",
                                   "app.kubernetes.io/name": "trivy-operator",
                                   "app.kubernetes.io/version": "0.29.2"}},
           "spec": {"compliance": {"id": "k8s-nsa-1.0", "title": "National Security Agency - Kubernetes Hardening Guidance v1.0",
                                   "description": "Controls taken from the NSA/CISA Kubernetes hardening guidance",
                                   "version": "1.0", "platform": "k8s", "type": "nsa",
                                   "relatedResources": ["https://www.nsa.gov/Press-Room/News-Highlights/Article/Article/2716980/nsa-cisa-release-kubernetes-hardening-guidance/"],
                                   "controls": [{"id": c[0], "name": c[1], "severity": c[2],
                                                 "checks": [{"id": x} for x in c[3]]} for c in controls]},
                    "cron": "0 */6 * * *", "reportType": "summary"},
           "status": {"summary": {"passCount": sum(1 for c in controls if c[4] == 0),
                                  "failCount": sum(1 for c in controls if c[4] > 0)},
                      "summaryReport": {"id": "k8s-nsa-1.0", "title": "National Security Agency - Kubernetes Hardening Guidance v1.0",
                                        "controlCheck": [{"id": c[0], "name": c[1], "severity": c[2], "totalFail": c[4]}
                                                         for c in controls]},
                      "updateTimestamp": "2026-11-19T06:00:04Z"}}
    return [esr, ccr]


# ---------------------------------------------------------------- SARIF

SARIF_SCHEMA = "https://raw.githubusercontent.com/oasis-tcs/sarif-spec/main/sarif-2.1/schema/sarif-schema-2.1.0.json"
LEVEL = {"CRITICAL": "error", "HIGH": "error", "MEDIUM": "warning", "LOW": "note", "UNKNOWN": "none"}


def sarif_trivy():
    img = E.image("contosoacr.azurecr.io/payments/api")
    di = 8
    fam, osv = img["os"]
    rules, results = [], []
    for i, f in enumerate(E.findings_on(img["repo"], di)):
        cve, pkg, inst, fixed, sev = f[:5]
        title, desc, pub, mod, vec, score, cwe = CVE[cve]
        link = f"https://avd.aquasec.com/nvd/{cve.lower()}"
        fx = fixed or ""
        rules.append({
            "id": cve, "name": "OsPackageVulnerability", "shortDescription": {"text": title},
            "fullDescription": {"text": desc}, "defaultConfiguration": {"level": LEVEL[sev]}, "helpUri": link,
            "help": {"text": f"Vulnerability {cve}\nSeverity: {sev}\nPackage: {pkg}\nFixed Version: {fx}\nLink: [{cve}]({link})\n{desc}",
                     "markdown": f"**Vulnerability {cve}**\n| Severity | Package | Fixed Version | Link |\n| --- | --- | --- | --- |\n|{sev}|{pkg}|{fx}|[{cve}]({link})|\n\n{desc}"},
            "properties": {"precision": "very-high", "security-severity": f"{score}", "tags": ["vulnerability", "security", sev]}})
        results.append({
            "ruleId": cve, "ruleIndex": i, "level": LEVEL[sev],
            "message": {"text": f"Package: {pkg}\nInstalled Version: {inst}\nVulnerability {cve}\nSeverity: {sev}\nFixed Version: {fx}\nLink: [{cve}]({link})"},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": img["ref"], "uriBaseId": "ROOTPATH"},
                                                "region": {"startLine": 1, "startColumn": 1, "endLine": 1, "endColumn": 1}},
                           "message": {"text": f"{img['ref']}: {pkg}@{inst}"}}]})
    return {"version": "2.1.0", "$schema": SARIF_SCHEMA, "runs": [{
        "tool": {"driver": {"fullName": "Trivy Vulnerability Scanner", "informationUri": "https://github.com/aquasecurity/trivy",
                            "name": "Trivy", "rules": rules, "version": "0.67.2"}},
        "results": results, "columnKind": "utf16CodeUnits",
        "originalUriBaseIds": {"ROOTPATH": {"uri": "file:///"}},
        "properties": {"imageID": img["config_digest"], "imageName": img["ref"], "repoDigests": [f"{img['repo']}@{img['digest']}"],
                       "repoTags": [img["ref"]]}}]}


def sarif_grype():
    img = E.image("docker.io/library/nginx")
    di = 9
    rules, results = [], []
    for f in E.findings_on(img["repo"], di):
        cve, pkg, inst, fixed, sev = f[:5]
        title, desc, pub, mod, vec, score, cwe = CVE[cve]
        rid = f"{cve}-{pkg}"
        s = sev.lower()
        fix_txt = f"an available fix in versions {fixed}" if fixed else "no fix available"
        rules.append({
            "id": rid, "name": "DpkgMatcherExactDirectMatch",
            "shortDescription": {"text": f"{cve} {s} vulnerability for {pkg} package"},
            "fullDescription": {"text": f"Version {inst} is affected with {fix_txt}"},
            "helpUri": "https://github.com/anchore/grype",
            "help": {"text": f"Vulnerability {cve}\nSeverity: {s}\nPackage: {pkg}\nVersion: {inst}\nFix Version: {fixed}\nType: deb\nLocation: /var/lib/dpkg/status\nData Namespace: {grype_namespace(img)}\nLink: [{cve}](https://security-tracker.debian.org/tracker/{cve})",
                     "markdown": f"**Vulnerability {cve}**\n| Severity | Package | Version | Fix Version | Type | Location | Data Namespace | Link |\n| --- | --- | --- | --- | --- | --- | --- | --- |\n| {s}  | {pkg}  | {inst}  | {fixed}  | deb  | /var/lib/dpkg/status  | {grype_namespace(img)}  | [{cve}](https://security-tracker.debian.org/tracker/{cve})  |\n"},
            "properties": {"security-severity": f"{score}"}})
        results.append({
            "ruleId": rid, "level": LEVEL[sev],
            "message": {"text": f"A {s} vulnerability in deb package: {pkg}, version {inst} was found in image {img['ref']} at: /var/lib/dpkg/status"},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": "image/var/lib/dpkg/status"},
                                                "region": {"startLine": 1, "startColumn": 1, "endLine": 1, "endColumn": 1}},
                           "logicalLocations": [{"name": "/var/lib/dpkg/status",
                                                 "fullyQualifiedName": f"{img['ref']}@{img['digest']}:/var/lib/dpkg/status"}]}],
            "partialFingerprints": {"primaryLocationLineHash": h("plh", img["ref"], rid) + ":1"}})
    return {"version": "2.1.0",
            "$schema": "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json",
            "runs": [{"tool": {"driver": {"name": "grype", "version": "0.94.0",
                                          "informationUri": "https://github.com/anchore/grype", "rules": rules}},
                      "results": results}]}


# ---------------------------------------------------------------- cosign

def cosign(img, mode):
    crit = {"critical": {"identity": {"docker-reference": img["repo"]},
                         "image": {"docker-manifest-digest": img["digest"]},
                         "type": "cosign container image signature"}}
    if mode == "key":
        crit["optional"] = None
    elif mode == "annotations":
        name = img["repo"].split("/", 1)[1].replace("/", "-")
        crit["optional"] = {"git-sha": h("rev", img["ref"], n=40), "pipeline": f"contoso/{name}/release"}
    else:  # keyless: Rekor bundle, Fulcio identity
        when = build_date(img) + dt.timedelta(minutes=4)
        body = {"apiVersion": "0.0.1", "kind": "hashedrekord",
                "spec": {"data": {"hash": {"algorithm": "sha256", "value": h("payload", img["ref"])}},
                         "signature": {"content": base64.b64encode(bytes.fromhex(h("sig", img["ref"]) * 2)).decode(),
                                       "publicKey": {"content": base64.b64encode(("-----BEGIN CERTIFICATE-----\nMIIC" + h("cert", img["ref"], n=48) + "\n-----END CERTIFICATE-----\n").encode()).decode()}}}}
        name = img["repo"].split("/", 1)[1].replace("/", "-")
        crit["optional"] = {
            "Bundle": {"SignedEntryTimestamp": base64.b64encode(bytes.fromhex(h("set", img["ref"]) + h("set2", img["ref"]))).decode(),
                       "Payload": {"body": base64.b64encode(json.dumps(body, separators=(",", ":")).encode()).decode(),
                                   "integratedTime": int(when.timestamp()),
                                   "logIndex": 1_400_000_000 + int(h("li", img["ref"], n=6), 16),
                                   "logID": h("rekor-log")}},
            "Issuer": "https://token.actions.githubusercontent.com",
            "Subject": f"https://github.com/contoso/{name}/.github/workflows/release.yml@refs/heads/main"}
    return [crit]


# ---------------------------------------------------------------- Kubescape

KUBESCAPE_TIME = dt_at(dt.date(2026, 11, 19), 5, 12, 40)
# controlID, name, scoreFactor, category, the workloads that fail it. The story matches the
# other exports: etl is privileged and runs as root (so does ledger), cart, reporter and
# admin-ui write to their root filesystem, node-exporter has no limits and lives in
# default, and no NetworkPolicy covers batch or default (the audit log shows none created).
KS_CONTROLS = [
    ("C-0057", "Privileged container", 8, "Workload", {"etl"}),
    ("C-0016", "Allow privilege escalation", 6, "Workload", {"etl"}),
    ("C-0013", "Non-root containers", 6, "Workload", {"etl", "ledger"}),
    ("C-0017", "Immutable container filesystem", 3, "Workload", {"cart", "reporter", "admin-ui"}),
    ("C-0009", "Resource limits", 7, "Workload", {"node-exporter"}),
    ("C-0041", "HostNetwork access", 7, "Network", set()),
    ("C-0038", "Host PID/IPC privileges", 7, "Workload", set()),
    ("C-0044", "Container hostPort", 4, "Network", set()),
    ("C-0260", "Missing network policy", 5, "Network",
     {i["workload"] for i in E.IMAGES if i["ns"] in ("batch", "default")}),
    ("C-0061", "Pods in default namespace", 3, "Workload", {"node-exporter"}),
]
# RBAC findings the audit log also shows: anonymous access is bound, Argo CD is cluster-admin.
KS_RBAC = [
    ("C-0262", "Anonymous access enabled", 9, "anonymous-view"),
    ("C-0035", "Administrative Roles", 6, "argocd-application-controller"),
]
KS_FAILED_PATHS = {
    "C-0057": "spec.template.spec.containers[0].securityContext.privileged",
    "C-0016": "spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation",
    "C-0013": "spec.template.spec.containers[0].securityContext.runAsNonRoot",
    "C-0017": "spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem",
    "C-0009": "spec.template.spec.containers[0].resources.limits",
    "C-0262": "subjects[0].name",
    "C-0035": "roleRef.name",
}


def ks_control(cid, name, failed):
    c = {"controlID": cid, "name": name, "status": {"status": "failed" if failed else "passed"}}
    rule = {"name": f"rule-{cid.lower()}", "status": "failed" if failed else "passed", "subStatus": ""}
    if failed and cid in KS_FAILED_PATHS:
        rule["paths"] = [{"failedPath": KS_FAILED_PATHS[cid]}]
    c["rules"] = [rule]
    return c


def kubescape_run(cluster):
    """`kubescape scan framework nsa,mitre --format json` of a cluster (formatVersion v2)."""
    results, resources = [], []
    failed_controls = {}
    for img in E.IMAGES:
        wl, ns = img["workload"], img["ns"]
        rid = f"apps/v1/{ns}/Deployment/{wl}"
        controls = []
        for cid, name, _, _, fails in KS_CONTROLS:
            controls.append(ks_control(cid, name, wl in fails))
            if wl in fails:
                failed_controls.setdefault(cid, set()).add(rid)
        results.append({"resourceID": rid, "controls": controls})
        resources.append({"resourceID": rid, "object": {"apiVersion": "apps/v1", "kind": "Deployment",
                                                        "metadata": {"name": wl, "namespace": ns}}})
    for cid, name, _, crb in KS_RBAC:
        rid = f"rbac.authorization.k8s.io/v1//ClusterRoleBinding/{crb}"
        results.append({"resourceID": rid, "controls": [ks_control(cid, name, True)]})
        resources.append({"resourceID": rid, "object": {"apiVersion": "rbac.authorization.k8s.io/v1",
                                                        "kind": "ClusterRoleBinding", "metadata": {"name": crb}}})
        failed_controls.setdefault(cid, set()).add(rid)
    summary = {}
    for cid, name, score, cat, _ in KS_CONTROLS + [(c, n, sc, "Access control", None) for c, n, sc, _ in KS_RBAC]:
        failed = len(failed_controls.get(cid, ()))
        total = sum(1 for r in results if any(c["controlID"] == cid for c in r["controls"]))
        summary[cid] = {"statusInfo": {"status": "failed" if failed else "passed"}, "controlID": cid, "name": name,
                        "status": "failed" if failed else "passed",
                        "ResourceCounters": {"passedResources": total - failed, "failedResources": failed,
                                             "skippedResources": 0, "excludedResources": 0},
                        "score": round(100.0 * failed / max(total, 1), 2), "complianceScore": round(100.0 * (total - failed) / max(total, 1), 2),
                        "scoreFactor": score, "category": {"name": cat}}
    failing = sum(1 for r in results if any(c["status"]["status"] == "failed" for c in r["controls"]))
    counters = {"passedResources": len(results) - failing, "failedResources": failing, "skippedResources": 0,
                "excludedResources": 0}
    return {
        "generationTime": KUBESCAPE_TIME.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "clusterAPIServerInfo": {"major": "1", "minor": "30", "gitVersion": "v1.30.5"},
        "clusterCloudProvider": "aks", "customerGUID": "", "clusterName": cluster,
        "reportGUID": uuid("kubescape", cluster), "jobID": "",
        "summaryDetails": {"controls": summary, "status": "failed",
                           "frameworks": [{"name": fw, "status": "failed", "version": "v1.0.3",
                                           "ResourceCounters": counters} for fw in ("NSA", "MITRE")],
                           "ResourceCounters": counters},
        "resources": resources,
        "results": results,
        "metadata": {"scanMetadata": {"targetType": "Framework", "kubescapeVersion": "v3.0.19", "formatVersion": "v2",
                                      "formats": ["json"], "targetNames": ["nsa", "mitre"], "failThreshold": 100}},
    }


# ---------------------------------------------------------------- VEX

def oci_purl(img):
    """`pkg:oci/<name>@<digest>?repository_url=<repo>&tag=<tag>`, percent-encoded."""
    enc = lambda v: v.replace("%", "%25").replace(":", "%3A").replace("/", "%2F").replace("+", "%2B")  # noqa: E731
    name = img["repo"].rsplit("/", 1)[1]
    return f"pkg:oci/{name}@{enc(img['digest'])}?repository_url={enc(img['repo'])}&tag={enc(img['tag'])}"


def platform_vex():
    """The platform team's OpenVEX 0.2 document: libxml2 in edge-proxy's nginx is not
    affected by CVE-2026-1170 (its waiver W-003 expired on 2026-11-01), and the nodejs
    CVE of identity/admin-ui is under investigation."""
    nginx, admin = E.image("docker.io/library/nginx"), E.image("contosoacr.azurecr.io/identity/admin-ui")
    find = lambda img, cve: next(f for f in E.STORY[img["repo"]] if f[0] == cve)  # noqa: E731
    x, n = find(nginx, "CVE-2026-1170"), find(admin, "CVE-2026-22455")
    sub = lambda img, f: purl(img, f[1], f[2]).replace("+", "%2B")  # noqa: E731
    return {
        "@context": "https://openvex.dev/ns/v0.2.0",
        "@id": "https://vex.contoso.example/platform/2026-11-12-001",
        "author": "Contoso Platform Team <platform-security@contoso.example>",
        "role": "Platform engineering",
        "timestamp": "2026-11-12T09:30:00Z",
        "last_updated": "2026-11-12T09:30:00Z",
        "version": 1,
        "tooling": "vexctl 0.3.0",
        "statements": [
            {"vulnerability": {"@id": f"https://nvd.nist.gov/vuln/detail/{x[0]}", "name": x[0]},
             "timestamp": "2026-11-12T09:30:00Z",
             "products": [{"@id": oci_purl(nginx), "subcomponents": [{"@id": sub(nginx, x)}]}],
             "status": "not_affected",
             "justification": "vulnerable_code_not_in_execute_path",
             "impact_statement": "edge-proxy serves static files and proxies HTTP. It loads neither the XSLT nor "
                                 "any XML module, so nginx never reaches the libxml2 parser that the flaw is in. "
                                 "Reviewed by platform security on 2026-11-12 (PLAT-1388)."},
            {"vulnerability": {"@id": f"https://nvd.nist.gov/vuln/detail/{n[0]}", "name": n[0]},
             "timestamp": "2026-11-12T09:30:00Z",
             "products": [{"@id": oci_purl(admin), "subcomponents": [{"@id": sub(admin, n)}]}],
             "status": "under_investigation",
             "status_notes": "The identity team is checking whether admin-ui's server-side rendering reaches the "
                             "affected HTTP/2 code path (PLAT-1392)."},
        ],
    }


# ---------------------------------------------------------------- main

def write(root, rel, obj, compact=False, gz=False):
    path = os.path.join(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    data = dumps(obj, compact).encode()
    if gz:
        data = gzip.compress(data, compresslevel=9, mtime=0)
    with open(path, "wb") as fh:
        fh.write(data)
    return rel


def main(argv):
    root = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "sample-data")
    if "--out" in argv:
        root = argv[argv.index("--out") + 1]
    for d in FOLDERS:
        shutil.rmtree(os.path.join(root, d), ignore_errors=True)

    for k, img in enumerate(E.IMAGES):
        for di in scan_days(img):
            rel = f"trivy/{slug(img['repo'])}/{E.SCAN_DAYS[di].isoformat()}.json"
            gz = (img["repo"], di) == GZIPPED
            write(root, rel + (".gz" if gz else ""), trivy_image(img, di, k), gz=gz)
    write(root, "trivy/config/contoso-dockerfiles.json", trivy_config())
    write(root, "trivy/secrets/payments-api-repo.json", trivy_secrets())

    etl, nginx, nx = (E.image(r) for r in ("contosoacr.azurecr.io/batch/etl", "docker.io/library/nginx",
                                           "quay.io/prometheus/node-exporter"))
    for di in range(len(E.SCAN_DAYS)):
        write(root, f"grype/{slug(etl['repo'])}-{E.SCAN_DAYS[di].isoformat()}.json", grype_report(etl, di, 0))
    for di in (len(E.SCAN_DAYS) - 2, len(E.SCAN_DAYS) - 1):
        write(root, f"grype/{slug(nginx['repo'])}-{E.SCAN_DAYS[di].isoformat()}.json", grype_report(nginx, di, 1))
    write(root, f"grype/{slug(nx['repo'])}-{E.SCAN_DAYS[2].isoformat()}.json", grype_legacy(nx))

    for cluster in E.CLUSTERS:
        write(root, f"trivy-k8s/{cluster}.json", trivy_k8s(cluster))

    write(root, "trivy-operator/reports.json", operator_reports())
    write(root, "trivy-operator/exposedsecret-and-compliance.json", operator_secret_and_compliance())

    write(root, "sarif/trivy-payments-api.sarif", sarif_trivy())
    write(root, "sarif/grype-nginx.sarif", sarif_grype())

    for repo, mode in (("contosoacr.azurecr.io/shop/web", "key"), ("contosoacr.azurecr.io/payments/api", "keyless"),
                       ("contosoacr.azurecr.io/identity/auth", "annotations")):
        write(root, f"cosign/{slug(repo)}.json", cosign(E.image(repo), mode), compact=True)

    write(root, f"kubescape/{E.CLUSTERS[0]}-{KUBESCAPE_TIME.date().isoformat()}.json", kubescape_run(E.CLUSTERS[0]))
    write(root, "vex/platform-team.openvex.json", platform_vex())

    total = 0
    for d in FOLDERS:
        size = n = 0
        for dirpath, _, files in os.walk(os.path.join(root, d)):
            for fn in files:
                size += os.path.getsize(os.path.join(dirpath, fn))
                n += 1
        total += size
        print(f"{d:16} {n:4} files {size / 1024:8.1f} KB")
    print(f"{'total':16}      {total / 1024:8.1f} KB")


if __name__ == "__main__":
    main(sys.argv[1:])
