"""The Contoso sample estate shared by the sample-data generators (stdlib only).

Everything here is invented; the generators turn it into realistic tool exports.
Deterministic: no randomness except `rng(name)`, seeded from the name.
"""
import datetime as dt
import hashlib
import random

AS_OF = dt.date(2026, 11, 20)
# Weekly scan days, 9 weeks: 2026-09-21 … 2026-11-16, plus the as-of week's Friday.
SCAN_DAYS = [dt.date(2026, 9, 21) + dt.timedelta(days=7 * i) for i in range(9)] + [AS_OF]
START = SCAN_DAYS[0]
CLUSTERS = ["aks-prod-weu", "aks-stage-weu"]
NODES = {
    "aks-prod-weu": ["aks-nodepool1-31718369-vmss000000", "aks-nodepool1-31718369-vmss000001", "aks-nodepool1-31718369-vmss000002"],
    "aks-stage-weu": ["aks-nodepool1-88120444-vmss000000", "aks-nodepool1-88120444-vmss000001"],
}
NAMESPACES = ["shop", "payments", "identity", "batch", "default"]
SYSTEM_NAMESPACES = ["kube-system", "falco", "gatekeeper-system", "kyverno"]


def digest(text):
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def rng(name):
    return random.Random(hashlib.sha256(name.encode()).hexdigest())


def ts(day, hour=6, minute=0, second=0):
    """RFC 3339 UTC timestamp on a date."""
    return dt.datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=dt.timezone.utc).isoformat().replace("+00:00", "Z")


# name, repository, tag, namespace, workload (Deployment), os family, os version, team, scanned?
IMAGES = [
    dict(repo="contosoacr.azurecr.io/shop/web", tag="2.4.1", ns="shop", workload="web", os=("alpine", "3.19.1"), team="Shop"),
    dict(repo="contosoacr.azurecr.io/shop/cart", tag="1.12.0", ns="shop", workload="cart", os=("alpine", "3.19.1"), team="Shop"),
    dict(repo="contosoacr.azurecr.io/payments/api", tag="1.9.0", ns="payments", workload="payments-api", os=("debian", "12.5"), team="Payments"),
    dict(repo="contosoacr.azurecr.io/payments/ledger", tag="4.0.2", ns="payments", workload="ledger", os=("debian", "12.5"), team="Payments"),
    dict(repo="contosoacr.azurecr.io/identity/auth", tag="3.2.0", ns="identity", workload="auth", os=("distroless", "12"), team="Identity"),
    dict(repo="contosoacr.azurecr.io/identity/admin-ui", tag="0.14.3", ns="identity", workload="admin-ui", os=("alpine", "3.18.6"), team="Identity"),
    dict(repo="contosoacr.azurecr.io/batch/reporter", tag="0.8.3", ns="batch", workload="reporter", os=("ubuntu", "22.04"), team="Data"),
    dict(repo="contosoacr.azurecr.io/batch/etl", tag="2.1.0", ns="batch", workload="etl", os=("debian", "10.13"), team="Data", eosl=True),
    dict(repo="docker.io/library/nginx", tag="1.25.3", ns="shop", workload="edge-proxy", os=("debian", "12.4"), team="Shop"),
    dict(repo="docker.io/library/redis", tag="7.2.4", ns="shop", workload="session-cache", os=("debian", "12.4"), team="Shop"),
    dict(repo="quay.io/prometheus/node-exporter", tag="v1.7.0", ns="default", workload="node-exporter", os=("busybox", "1.36.1"), team=None),
    dict(repo="docker.io/bitnami/postgresql", tag="16.1.0", ns="batch", workload="reporting-db", os=("debian", "12.4"), team="Data", never_scanned=True),
]
for img in IMAGES:
    img["ref"] = f"{img['repo']}:{img['tag']}"
    img["digest"] = digest(img["ref"])
    img["config_digest"] = digest("config:" + img["ref"])
    img["private"] = img["repo"].startswith("contosoacr.azurecr.io/")

# The remediation story, as findings per image: (cve, package, installed, fixed or "", severity, first_day_index, fixed_day_index or None, kev)
# day indices point into SCAN_DAYS; None = still present at the as-of date.
STORY = {
    "contosoacr.azurecr.io/shop/web": [
        ("CVE-2026-21001", "openssl", "3.1.4-r2", "3.1.4-r5", "HIGH", 0, 3, False),          # fixed after 3 weeks
        ("CVE-2026-21044", "busybox", "1.36.1-r15", "1.36.1-r19", "MEDIUM", 0, None, False),  # in grace (90 d)
        ("CVE-2026-31337", "libexpat", "2.5.0-r2", "2.6.0-r0", "CRITICAL", 8, None, False),   # new 2026-11-16: in grace (7 d)
    ],
    "contosoacr.azurecr.io/payments/api": [
        ("CVE-2026-11873", "libssl3", "3.0.11-1", "3.0.13-1", "HIGH", 0, None, False),       # overdue: first seen 09-21, 30 d grace
        ("CVE-2025-48811", "zlib1g", "1:1.2.13", "", "LOW", 0, None, False),                 # no fix: tracked, warns
        ("CVE-2026-0422", "curl", "7.88.1-10", "7.88.1-10+deb12u5", "MEDIUM", 2, 6, False),  # fixed
    ],
    "contosoacr.azurecr.io/payments/ledger": [
        ("CVE-2026-18820", "glibc", "2.36-9", "2.36-9+deb12u4", "CRITICAL", 1, 2, False),    # fixed within grace
    ],
    "contosoacr.azurecr.io/identity/auth": [],
    "contosoacr.azurecr.io/identity/admin-ui": [
        ("CVE-2026-22455", "nodejs", "18.19.0-r0", "18.20.1-r0", "HIGH", 4, None, False),     # first 10-19: overdue by 11-20
    ],
    "contosoacr.azurecr.io/batch/reporter": [
        ("CVE-2026-7714", "python3.10", "3.10.12-1", "3.10.12-1ubuntu0.2", "MEDIUM", 0, None, False),
    ],
    "contosoacr.azurecr.io/batch/etl": [
        ("CVE-2026-5000", "bash", "5.0-4", "", "HIGH", 0, None, False),                      # no fix (EOSL distro)
        ("CVE-2024-3094", "xz-utils", "5.6.0-0.2", "5.6.1+really5.4.5-1", "CRITICAL", 5, None, True),  # known exploited → fails at once
    ],
    "docker.io/library/nginx": [
        ("CVE-2026-1170", "libxml2", "2.9.14+dfsg-1.3", "2.9.14+dfsg-1.3~deb12u2", "HIGH", 0, None, False),  # overdue, public image
    ],
    "docker.io/library/redis": [
        ("CVE-2026-9001", "redis", "7.2.4", "7.2.5", "HIGH", 1, None, False),                # waived (risk accepted)
    ],
    "quay.io/prometheus/node-exporter": [
        ("CVE-2026-2222", "golang.org/x/net", "v0.17.0", "v0.23.0", "MEDIUM", 0, None, False),
    ],
}


def findings_on(repo, day_index):
    """The story's findings present in the scan of `repo` on SCAN_DAYS[day_index]."""
    return [f for f in STORY.get(repo, []) if f[5] <= day_index and (f[6] is None or day_index < f[6])]


def image(repo):
    return next(i for i in IMAGES if i["repo"] == repo)
