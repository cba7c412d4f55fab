#!/usr/bin/env python3
"""Generate the runtime, admission, benchmark and configuration part of the muster sample data.

Writes (under sample-data/): falco/, tetragon/, k8s-audit/, aks-audit/, policy-report/,
gatekeeper/, defender/, kube-bench/, docker-bench/, attestations/, muster.toml and waivers.csv
(RUNTIME.md describes them and is written by hand).
The scanner folders (trivy, grype, …) come from another generator and are not touched.

Stdlib only and deterministic: every "random" choice comes from sample_estate.rng(name),
JSON is written with fixed key order, gzip with mtime=0. Running it twice gives the same bytes.
All names, hosts, ids and values are invented (the estate is defined in sample_estate.py).
"""
import base64
import csv
import datetime as dt
import gzip
import hashlib
import io
import json
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sample_estate as E  # noqa: E402

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "sample-data"))
DIRS = ["falco", "tetragon", "k8s-audit", "aks-audit", "policy-report", "gatekeeper", "defender",
        "kube-bench", "docker-bench", "attestations"]
UTC = dt.timezone.utc
PROD, STAGE = E.CLUSTERS
SUBSCRIPTION = "6f1c2a9e-4b7d-4c0e-9a53-2d8e7b1f0c44"
TENANT = "a3d5e7f9-1b2c-4d6e-8f01-23456789abcd"

# ----------------------------------------------------------------------------- helpers


def h(*parts, n=64):
    return hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()[:n]


def uid(*parts):
    x = h("uid", *parts, n=32)
    return f"{x[0:8]}-{x[8:12]}-4{x[13:16]}-{'89ab'[int(x[16], 16) % 4]}{x[17:20]}-{x[20:32]}"


KALPHA = "bcdfghjklmnpqrstvwxz2456789"  # the alphabet Kubernetes uses for generated names


def kname(n, *parts):
    x = hashlib.sha256("|".join(str(p) for p in parts).encode()).digest()
    return "".join(KALPHA[b % len(KALPHA)] for b in x[:n])


def at(day, hour=0, minute=0, second=0, micro=0):
    return dt.datetime(day.year, day.month, day.day, hour, minute, second, micro, tzinfo=UTC)


def iso(t, digits=0, ns=None):
    """RFC 3339 in UTC with `digits` fractional digits (9 = nanoseconds: `ns` adds the sub-µs part)."""
    base = t.strftime("%Y-%m-%dT%H:%M:%S")
    if digits == 0:
        return base + "Z"
    frac = f"{t.microsecond:06d}"
    if digits == 9:
        frac += f"{(ns or 0) % 1000:03d}"
    return f"{base}.{frac[:digits]}Z"


def epoch_ns(t, ns=0):
    return int(t.timestamp()) * 1_000_000_000 + t.microsecond * 1000 + ns % 1000


def days(start, end):
    d = start
    while d <= end:
        yield d
        d += dt.timedelta(days=1)


def covering_scan_day(d):
    """The scan day whose weekly export holds events of day d (the first scan day on or after d)."""
    return next(s for s in E.SCAN_DAYS if s >= d)


FIRST_DAY = E.SCAN_DAYS[0] - dt.timedelta(days=6)
FILES = {}  # relative path -> bytes


def put(rel, data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    FILES[rel] = data


def pretty(obj):
    return json.dumps(obj, indent=2, ensure_ascii=False) + "\n"


def compact(obj):
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


def jsonl(objs):
    return "".join(compact(o) + "\n" for o in objs)


def gz(data):
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=9) as f:
        f.write(data.encode("utf-8"))
    return buf.getvalue()


# ----------------------------------------------------------------------------- the estate at runtime

CONTAINER = {"web": "web", "cart": "cart", "payments-api": "api", "ledger": "ledger", "auth": "auth",
             "admin-ui": "admin-ui", "reporter": "reporter", "etl": "etl", "edge-proxy": "nginx",
             "session-cache": "redis", "node-exporter": "node-exporter", "reporting-db": "postgresql"}
# entrypoint binary, arguments, uid
ENTRY = {
    "web": ("/app/web", "--listen=:8080 --config=/etc/web/web.yaml", 1000),
    "cart": ("/app/cart", "serve --port 8080", 1000),
    "payments-api": ("/usr/bin/java", "-XX:MaxRAMPercentage=75 -jar /app/payments-api.jar", 1000),
    "ledger": ("/usr/local/bin/ledger", "--db-host ledger-db.payments.svc --port 9000", 0),
    "auth": ("/app/auth", "--listen=:8443", 65532),
    "admin-ui": ("/usr/local/bin/node", "/app/server.js", 1000),
    "reporter": ("/usr/bin/python3", "-m reporter.main --schedule hourly", 1000),
    "etl": ("/bin/bash", "/opt/etl/run.sh --source sftp --target reporting-db", 0),
    "edge-proxy": ("/usr/sbin/nginx", "-g daemon off;", 101),
    "session-cache": ("/usr/local/bin/redis-server", "*:6379", 999),
    "node-exporter": ("/bin/node_exporter", "--web.listen-address=:9100", 65534),
    "reporting-db": ("/opt/bitnami/postgresql/bin/postgres",
                     "-D /bitnami/postgresql/data --config-file=/opt/bitnami/postgresql/conf/postgresql.conf", 1001),
}
# exec liveness probes (what Tetragon sees from a long-running container)
PROBE = {
    "web": ("/app/web", "healthcheck"), "cart": ("/app/cart", "healthcheck"),
    "payments-api": ("/usr/bin/curl", "-fsS http://127.0.0.1:8080/actuator/health"),
    "ledger": ("/usr/local/bin/ledger", "healthcheck"), "auth": ("/app/auth", "-healthcheck"),
    "admin-ui": ("/usr/local/bin/node", "/app/healthcheck.js"), "reporter": ("/usr/bin/python3", "-m reporter.health"),
    "etl": ("/bin/bash", "/opt/etl/health.sh"), "edge-proxy": ("/usr/sbin/nginx", "-t -q"),
    "session-cache": ("/usr/local/bin/redis-cli", "ping"),
    "node-exporter": ("/bin/wget", "-q -O /dev/null http://127.0.0.1:9100/"),
    "reporting-db": ("/opt/bitnami/postgresql/bin/pg_isready", "-U postgres -h 127.0.0.1 -p 5432"),
}
USERNAME = {0: "root", 1000: "app", 65532: "nonroot", 101: "nginx", 999: "redis", 65534: "nobody", 1001: "postgres"}
REPLICAS = {"web": 3, "cart": 2, "payments-api": 3, "ledger": 2, "auth": 2, "admin-ui": 1, "reporter": 1,
            "etl": 1, "edge-proxy": 2, "session-cache": 1, "node-exporter": 1, "reporting-db": 1}
PUBLIC_PINNED = {"edge-proxy", "session-cache", "node-exporter", "reporting-db"}  # never rolled out again
STAGE_WORKLOADS = [i["workload"] for i in E.IMAGES if i["workload"] != "reporting-db"]
# rollouts (new ReplicaSet, new pods) per cluster
ROLLOUTS = {PROD: [dt.date(2026, 9, 17), dt.date(2026, 10, 15), dt.date(2026, 11, 12)],
            STAGE: [dt.date(2026, 9, 16), dt.date(2026, 10, 28)]}
FALCO_GAP_NODE = E.NODES[PROD][2]           # vmss000002: Falco stops reporting …
FALCO_GAP_FROM = dt.date(2026, 11, 11)      # … for the last 10 days up to the as-of date
KUBE_VERSION = {PROD: "v1.29.9", STAGE: "v1.30.5"}
NODE_IP = {n: f"10.224.{ci}.{4 + i}" for ci, c in enumerate(E.CLUSTERS) for i, n in enumerate(E.NODES[c])}


def img_of(workload):
    return next(i for i in E.IMAGES if i["workload"] == workload)


def spec_image(img):
    """The image reference as written in the pod spec: private images pinned by digest, public ones short."""
    if img["private"]:
        return f"{img['ref']}@{img['digest']}"
    return {"docker.io/library/nginx": "nginx", "docker.io/library/redis": "redis",
            "docker.io/bitnami/postgresql": "bitnami/postgresql"}.get(img["repo"], img["repo"]) + ":" + img["tag"]


def generation(cluster, workload, day):
    if workload in PUBLIC_PINNED:
        return 0
    return max(0, sum(1 for r in ROLLOUTS[cluster] if r <= day) - 1)


def rs_hash(cluster, workload, gen):
    return kname(10, "rs", cluster, workload, gen)


def pod_name(cluster, workload, gen, replica=0):
    return f"{workload}-{rs_hash(cluster, workload, gen)}-{kname(5, 'pod', cluster, workload, gen, replica)}"


def pod_node(cluster, workload, gen, replica=0):
    nodes = E.NODES[cluster]
    if cluster == PROD and gen == 2:
        nodes = nodes[:2]  # pods of the last rollout landed on vmss000000/1
    return nodes[int(h("node", cluster, workload, gen, replica), 16) % len(nodes)]


def container_id(cluster, workload, gen, replica=0):
    return h("cid", cluster, workload, gen, replica)


def pod_labels(workload, cluster, gen):
    img = img_of(workload)
    labels = {"app.kubernetes.io/name": workload, "app.kubernetes.io/part-of": img["ns"]}
    if img["team"] and workload != "etl":
        labels["owner"] = img["team"].lower()
    labels["pod-template-hash"] = rs_hash(cluster, workload, gen)
    return labels


# ----------------------------------------------------------------------------- Falco

FALCO_VERSION = "0.37.1"
KERNEL = {PROD: "5.15.0-1073-azure", STAGE: "5.15.0-1075-azure"}


def falco_heartbeat(cluster, node, t):
    ns = int(h("hbns", node, t.isoformat())[:6], 16) % 1000
    n_evts = 180_000_000 + int(h("evts", node, t.isoformat())[:6], 16) * 7
    return {
        "hostname": node,
        "output": "Falco metrics snapshot",
        "output_fields": {
            "evt.time": epoch_ns(t, ns),
            "falco.kernel_release": KERNEL[cluster],
            "falco.version": FALCO_VERSION,
            "scap.n_drops": (n_evts % 13) if node == FALCO_GAP_NODE else 0,
            "scap.n_evts": n_evts,
        },
        "priority": "Informational",
        "rule": "Falco internal: metrics snapshot",
        "source": "internal",
        "tags": [],
        "time": iso(t, 9, ns),
    }


RULES = {
    # rule: (priority, message, tags)
    "Terminal shell in container": ("Notice", "A shell was spawned in a container with an attached terminal",
                                    ["T1059", "container", "maturity_stable", "mitre_execution", "shell"]),
    "Launch Privileged Container": ("Informational", "Privileged container started",
                                    ["CIS", "PCI_DSS_10.2.5", "T1611", "container", "cis", "maturity_incubating",
                                     "mitre_privilege_escalation"]),
    "Read sensitive file untrusted": ("Warning", "Sensitive file opened for reading by non-trusted program",
                                      ["T1555", "container", "filesystem", "host", "maturity_stable",
                                       "mitre_credential_access"]),
    "Drop and execute new binary in container": ("Critical", "Executing binary not part of base image",
                                                 ["PCI_DSS_11.5.1", "TA0003", "container", "maturity_stable",
                                                  "mitre_persistence", "process"]),
    "Contact K8S API Server From Container": ("Notice", "Unexpected connection to K8s API Server from container",
                                              ["T1565", "container", "k8s", "maturity_stable", "mitre_discovery",
                                               "network"]),
    "Packet socket created in container": ("Notice", "Packet socket was created in a container",
                                           ["T1557.002", "container", "maturity_stable", "mitre_credential_access",
                                            "network"]),
    # a Contoso custom rule (rules.d/contoso.yaml)
    "Database client run in production container": ("Warning", "Database client started inside a running container",
                                                     ["T1552", "container", "contoso", "mitre_credential_access"]),
}


def falco_alert(cluster, t, rule, workload=None, *, proc, pname, cmdline, evt_type="execve", extra="",
                extra_fields=None, gen=None, replica=0, ns_override=None, pod_override=None, image_override=None,
                uid_override=None, node_override=None):
    priority, message, tags = RULES[rule]
    nsec = int(h("ans", rule, t.isoformat())[:6], 16) % 1000
    if workload:
        img = img_of(workload)
        g = generation(cluster, workload, t.date()) if gen is None else gen
        pod = pod_name(cluster, workload, g, replica)
        node = pod_node(cluster, workload, g, replica)
        cid = container_id(cluster, workload, g, replica)[:12]
        repo, tag, ns, cname = img["repo"], img["tag"], img["ns"], CONTAINER[workload]
        user_uid = ENTRY[workload][2]
    else:
        repo, tag = image_override
        pod, ns, cname = pod_override, ns_override, pod_override.rsplit("-", 1)[0]
        node, cid, user_uid = node_override, h("cid", pod)[:12], 0
    if uid_override is not None:
        user_uid = uid_override
    user = USERNAME.get(user_uid, str(user_uid))
    fields = {
        "container.id": cid,
        "container.image.repository": repo,
        "container.image.tag": tag,
        "container.name": cname,
        "evt.time": epoch_ns(t, nsec),
        "evt.time.iso8601": iso(t, 9, nsec),
        "evt.type": evt_type,
        "k8s.ns.name": ns,
        "k8s.pod.name": pod,
        "proc.cmdline": cmdline,
        "proc.exepath": proc if proc.startswith("/") else "",
        "proc.name": os.path.basename(proc),
        "proc.pname": pname,
        "proc.tty": 34816 if rule == "Terminal shell in container" else 0,
        "user.loginuid": -1,
        "user.name": user,
        "user.uid": user_uid,
    }
    fields.update(extra_fields or {})
    out = (f"{iso(t, 9, nsec)[:-1]}+0000: {priority} {message} | {extra}evt_type={evt_type} user={user} "
           f"user_uid={user_uid} user_loginuid=-1 process={os.path.basename(proc)} proc_exepath={fields['proc.exepath']} "
           f"parent={pname} command={cmdline} terminal={fields['proc.tty']} container_id={cid} "
           f"container_image={repo} container_image_tag={tag} container_name={cname} k8s_ns={ns} k8s_pod_name={pod}")
    return {"hostname": node, "output": out, "output_fields": dict(sorted(fields.items())), "priority": priority,
            "rule": rule, "source": "syscall", "tags": tags, "time": iso(t, 9, nsec)}


BEARER = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjYW5hcnkifQ.c2lnbmF0dXJlLWNhbmFyeQ"


def falco_alerts():
    """(cluster, alert) pairs: the runtime story."""
    d = dt.date
    A = []
    shell = "Terminal shell in container"
    for cl, day, hh, wl in [(PROD, d(2026, 9, 24), 14, "web"), (PROD, d(2026, 10, 8), 10, "cart"),
                            (PROD, d(2026, 10, 29), 16, "edge-proxy"), (PROD, d(2026, 11, 17), 9, "web"),
                            (STAGE, d(2026, 10, 2), 11, "web")]:
        A.append((cl, falco_alert(cl, at(day, hh, 12, 7, 418_223), shell, wl, proc="/bin/sh", pname="runc",
                                  cmdline="sh -c clear; (bash || ash || sh)" if wl != "edge-proxy" else "bash")))
    priv = "Launch Privileged Container"
    for day, hh in [(d(2026, 9, 17), 3), (d(2026, 10, 1), 3), (d(2026, 10, 15), 3), (d(2026, 10, 22), 3),
                    (d(2026, 11, 5), 3), (d(2026, 11, 12), 3)]:
        g = generation(PROD, "etl", day)
        A.append((PROD, falco_alert(PROD, at(day, hh, 0, 41, 902_114), priv, "etl", proc="<NA>", pname="<NA>",
                                    cmdline=f"container:{container_id(PROD, 'etl', g)[:12]}", evt_type="container",
                                    extra_fields={"container.privileged": True})))
    A.append((PROD, falco_alert(PROD, at(d(2026, 10, 21), 13, 47, 2, 551_870), "Read sensitive file untrusted",
                                "admin-ui", proc="/bin/cat", pname="sh", cmdline="cat /etc/shadow", evt_type="openat",
                                extra="file=/etc/shadow ", extra_fields={"fd.name": "/etc/shadow"})))
    A.append((PROD, falco_alert(PROD, at(d(2026, 11, 12), 2, 47, 19, 77_310), "Drop and execute new binary in container",
                                "reporter", proc="/tmp/.cache/kworkerd", pname="sh",
                                cmdline="kworkerd -o pool.minexmr.example:4444 --donate-level 0",
                                extra_fields={"evt.arg.flags": "EXE_WRITABLE|EXE_UPPER_LAYER"})))
    api = "Contact K8S API Server From Container"
    for cl, day, hh, cmd in [
            (PROD, d(2026, 10, 6), 8, "wget -q -O- https://10.0.0.1:443/version"),
            (PROD, d(2026, 10, 27), 8, "wget -q -O- https://10.0.0.1:443/api"),
            (PROD, d(2026, 11, 14), 21,
             f'wget -q -O- --header "Authorization: Bearer {BEARER}" https://10.0.0.1:443/api/v1/namespaces/default/secrets'),
            (STAGE, d(2026, 11, 9), 15, "wget -q -O- https://10.0.0.1:443/healthz")]:
        A.append((cl, falco_alert(cl, at(day, hh, 3, 55, 310_442), api, "node-exporter", proc="/bin/wget", pname="sh",
                                  cmdline=cmd, evt_type="connect", extra="connection=10.244.1.23:48712->10.0.0.1:443 ",
                                  extra_fields={"fd.name": "10.244.1.23:48712->10.0.0.1:443"})))
    A.append((PROD, falco_alert(PROD, at(d(2026, 10, 30), 17, 21, 40, 5_106), "Database client run in production container",
                                "reporting-db", proc="/opt/bitnami/postgresql/bin/psql", pname="bash",
                                cmdline="psql --password=CorrectHorseBatteryStaple -h reporting-db")))
    A.append((PROD, falco_alert(PROD, at(d(2026, 11, 3), 4, 10, 11, 640_002), "Packet socket created in container", None,
                                proc="/usr/bin/cilium-agent", pname="containerd-shim", evt_type="socket",
                                cmdline="cilium-agent --config-dir=/tmp/cilium/config-map",
                                ns_override="kube-system", pod_override="cilium-" + kname(5, "cilium", 0),
                                image_override=("mcr.microsoft.com/oss/cilium/cilium", "1.14.10"),
                                node_override=E.NODES[PROD][0])))
    return A


def gen_falco():
    per_file = {}
    for cl in E.CLUSTERS:
        for day in days(FIRST_DAY, E.AS_OF):
            for i, node in enumerate(E.NODES[cl]):
                if cl == PROD and node == FALCO_GAP_NODE and day >= FALCO_GAP_FROM:
                    continue  # the Falco pod on vmss000002 is crash-looping since the node-image upgrade
                if cl == STAGE and (day - FIRST_DAY).days % 2:
                    continue  # stage: metrics every 48 h
                t = at(day, 0, 5 + 11 * i, 13 + i, 120_000 + 7_919 * (day.toordinal() % 97))
                per_file.setdefault((cl, covering_scan_day(day)), []).append(falco_heartbeat(cl, node, t))
    for cl, a in falco_alerts():
        day = dt.date.fromisoformat(a["time"][:10])
        assert not (a["hostname"] == FALCO_GAP_NODE and day >= FALCO_GAP_FROM)
        per_file.setdefault((cl, covering_scan_day(day)), []).append(a)
    for (cl, sd), items in sorted(per_file.items()):
        items.sort(key=lambda x: x["time"])
        put(f"falco/{cl}-{sd.isoformat()}.jsonl", jsonl(items))

    # pre-0.30 pretty-printed, concatenated: no source/tags/hostname, evt.time as integer nanoseconds
    legacy = []
    for t, rule, prio, msg, cmd, pod, ns, img in [
        (at(dt.date(2021, 6, 3), 9, 14, 2, 311_046), "Terminal shell in container", "Notice",
         "A shell was spawned in a container with an attached terminal", "bash", "web-7d9f8c6b5-x2m4q", "shop",
         "contosoacr.azurecr.io/shop/web:1.0.4"),
        (at(dt.date(2021, 6, 3), 9, 15, 40, 27_551), "Write below etc", "Error",
         "File below /etc opened for writing", "sed -i s/PermitRootLogin/#/ /etc/ssh/sshd_config",
         "web-7d9f8c6b5-x2m4q", "shop", "contosoacr.azurecr.io/shop/web:1.0.4"),
        (at(dt.date(2021, 6, 11), 22, 1, 9, 990_412), "Launch Privileged Container", "Informational",
         "Privileged container started", "container:5f1e2d3c4b5a", "etl-5c8b7d9f4-q9w8e", "batch",
         "contosoacr.azurecr.io/batch/etl:1.2.0"),
    ]:
        nsec = epoch_ns(t, 123)
        repo, tag = img.rsplit(":", 1)
        legacy.append({
            "output": f"{t.strftime('%H:%M:%S')}.{t.microsecond:06d}123: {prio} {msg} (user=root command={cmd} "
                      f"container_id={h('legacy', pod)[:12]} image={repo}) k8s.ns={ns} k8s.pod={pod} container={h('legacy', pod)[:12]}",
            "priority": prio,
            "rule": rule,
            "time": iso(t, 9, 123),
            "output_fields": {"container.id": h("legacy", pod)[:12], "container.image.repository": repo,
                              "container.image.tag": tag, "evt.time": nsec, "k8s.ns.name": ns, "k8s.pod.name": pod,
                              "proc.cmdline": cmd, "user.name": "root"},
        })
    put("falco/legacy-2021.json", "".join(json.dumps(x, indent=4) + "\n" for x in legacy))


# ----------------------------------------------------------------------------- Tetragon


def exec_id(node, t, pid):
    ktime = (t - at(dt.date(2026, 9, 1))).total_seconds()
    return base64.b64encode(f"{node}:{int(ktime * 1e9)}:{pid}".encode()).decode()


def tetragon_process(cluster, workload, t, gen, replica, *, binary=None, args=None, pid=None, parent_id=None,
                     probe=None):
    img = img_of(workload)
    node = pod_node(cluster, workload, gen, replica)
    b, a, u = ENTRY[workload]
    args = a if args is None else args
    pid = pid or 3000 + int(h("pid", cluster, workload, t.isoformat())[:4], 16) % 60000
    wi = E.IMAGES.index(img)
    started = at(ROLLOUTS[cluster][gen], 2, 30 + wi * 2, 11)  # the pod was created 8 s earlier
    long_running = binary is not None
    binary = binary or probe or b
    cid = container_id(cluster, workload, gen, replica)
    p = {
        "exec_id": exec_id(node, t, pid),
        "pid": pid,
        "uid": u,
        "cwd": "/",
        "binary": binary,
        "arguments": args,
        "flags": "execve rootcwd clone",
        "start_time": iso(started + dt.timedelta(seconds=1) if long_running else t, 9, pid),
        "auid": 4294967295,
        "pod": {
            "namespace": img["ns"],
            "name": pod_name(cluster, workload, gen, replica),
            "container": {
                "id": f"containerd://{cid}",
                "name": CONTAINER[workload],
                "image": {"id": f"{img['repo']}@{img['digest']}", "name": img["ref"]},
                "start_time": iso(started),
                "pid": 1,
            },
            "pod_labels": pod_labels(workload, cluster, gen),
            "workload": workload,
            "workload_kind": "Deployment",
        },
        "docker": cid[:31],
        "parent_exec_id": parent_id or exec_id(node, t - dt.timedelta(seconds=2), pid - 17),
        "refcnt": 1,
    }
    if not args:
        del p["arguments"]
    return node, p


def shim_parent(node, t, pid, cid):
    return {
        "exec_id": exec_id(node, t - dt.timedelta(seconds=2), pid - 17),
        "pid": pid - 17,
        "uid": 0,
        "cwd": f"/run/containerd/io.containerd.runtime.v2.task/k8s.io/{cid}",
        "binary": "/usr/bin/containerd-shim-runc-v2",
        "arguments": f"-namespace k8s.io -id {cid} -address /run/containerd/containerd.sock",
        "flags": "execve clone",
        "start_time": iso(t - dt.timedelta(seconds=2), 9, pid),
        "auid": 4294967295,
        "parent_exec_id": base64.b64encode(f"{node}:1000000000:1".encode()).decode(),
        "refcnt": 2,
    }


# every 30-day window ending on a weekly history date holds a sighting of every running image
TETRAGON_DAYS = {PROD: [dt.date(2026, 9, 17), dt.date(2026, 10, 15), dt.date(2026, 11, 12)],
                 STAGE: [dt.date(2026, 9, 18), dt.date(2026, 11, 17)]}


def gen_tetragon():
    for cl in E.CLUSTERS:
        events = []
        workloads = [i["workload"] for i in E.IMAGES] if cl == PROD else STAGE_WORKLOADS
        for di, day in enumerate(TETRAGON_DAYS[cl]):
            for wi, wl in enumerate(workloads):
                gen = generation(cl, wl, day)
                if ROLLOUTS[cl][gen] == day:  # the container was just started: its entrypoint
                    t = at(day, 2, 30 + wi * 2, 11, 81_000 + wi * 12_345)
                    node, proc = tetragon_process(cl, wl, t, gen, 0)
                else:  # a long-running container: an exec liveness probe
                    t = at(day, 3 + wi % 4, 7 + wi * 3, 7 * di + wi, 81_000 + wi * 12_345)
                    node, proc = tetragon_process(cl, wl, t, gen, 0, args=PROBE[wl][1], probe=PROBE[wl][0])
                cid = container_id(cl, wl, gen, 0)
                events.append({"process_exec": {"process": proc, "parent": shim_parent(node, t, proc["pid"], cid)},
                               "node_name": node, "cluster_name": cl, "time": iso(t, 9, proc["pid"])})
        if cl == PROD:
            for day, hh, wl, binary, args, shell in [
                    (dt.date(2026, 10, 23), 19, "payments-api", "/usr/bin/java",
                     "-XX:MaxRAMPercentage=75 -jar /app/payments-api.jar", "/bin/sh"),
                    (dt.date(2026, 11, 15), 4, "ledger", "/usr/local/bin/ledger",
                     "--db-host ledger-db.payments.svc --port 9000", "/bin/bash")]:
                t = at(day, hh, 17, 33, 402_881)
                gen = generation(cl, wl, day)
                node, proc = tetragon_process(cl, wl, t, gen, 1, binary=binary, args=args)
                cid = container_id(cl, wl, gen, 1)
                parent = shim_parent(node, t, proc["pid"], cid)
                events.append({"process_kprobe": {
                    "process": proc, "parent": parent, "function_name": "security_bprm_check",
                    "args": [{"linux_binprm_arg": {"path": shell, "permission": "-rwxr-xr-x"}}],
                    "action": "KPROBE_ACTION_SIGKILL", "policy_name": "block-shell-in-payments",
                    "return_action": "KPROBE_ACTION_POST", "message": "Shell execution blocked in the payments namespace"},
                    "node_name": node, "cluster_name": cl, "time": iso(t + dt.timedelta(microseconds=250), 9, 7)})
        events.sort(key=lambda e: e["time"])
        assert not any(e["node_name"] == FALCO_GAP_NODE and e["time"][:10] >= FALCO_GAP_FROM.isoformat() for e in events)
        put(f"tetragon/{cl}-events.jsonl", jsonl(events))


# ----------------------------------------------------------------------------- Kubernetes audit

PSA = {"shop": "restricted:latest", "payments": "baseline:latest", "identity": "restricted:latest",
       "default": "baseline:latest", "batch": "privileged:latest"}
ARGO = ("system:serviceaccount:argocd:argocd-application-controller",
        ["system:serviceaccounts", "system:serviceaccounts:argocd", "system:authenticated"])
RSC = ("system:serviceaccount:kube-system:replicaset-controller",
       ["system:serviceaccounts", "system:serviceaccounts:kube-system", "system:authenticated"])
JANE = ("jane.roe@contoso.example", ["6c1e4b0a-3f5d-4e2a-9b7c-0d1e2f3a4b5c", "system:authenticated"])
OMAR = ("omar.haddad@contoso.example", ["1f2e3d4c-5b6a-4978-8a9b-c0d1e2f3a4b5", "system:authenticated"])
KUBECTL = "kubectl/v1.30.5 (linux/amd64) kubernetes/74e84a9"
KCM = "kube-controller-manager/{v} (linux/amd64) kubernetes/74e84a9/system:serviceaccount:kube-system:replicaset-controller"
ARGO_UA = "argocd-application-controller/v2.12.4 (linux/amd64)"


def audit_event(cluster, t, verb, uri, user, objref, code=200, *, level="Metadata", ua=KUBECTL, ip=None,
                decision_reason=None, annotations=None, req=None, resp=None, status=None, latency_ms=6):
    name, groups = user
    ev = {"kind": "Event", "apiVersion": "audit.k8s.io/v1", "level": level,
          "auditID": uid("audit", cluster, t.isoformat(), verb, uri, name), "stage": "ResponseComplete",
          "requestURI": uri, "verb": verb, "user": {"username": name, "groups": groups}}
    if "@" in name:
        ev["user"]["extra"] = {"oid": [uid("oid", name)]}
    ev["sourceIPs"] = [ip or ("10.224.0.4" if name.startswith("system:") else "192.0.2.45")]
    ev["userAgent"] = ua
    ev["objectRef"] = objref
    rs = {"metadata": {}, "code": code}
    if status:
        rs.update(status)
    ev["responseStatus"] = rs
    if req is not None:
        ev["requestObject"] = req
    if resp is not None:
        ev["responseObject"] = resp
    ev["requestReceivedTimestamp"] = iso(t, 6)
    ev["stageTimestamp"] = iso(t + dt.timedelta(milliseconds=latency_ms, microseconds=317), 6)
    ann = {"authorization.k8s.io/decision": "allow",
           "authorization.k8s.io/reason": decision_reason or (
               f'RBAC: allowed by ClusterRoleBinding "argocd-application-controller" of ClusterRole "cluster-admin" to ServiceAccount "argocd-application-controller/argocd"'
               if name == ARGO[0] else
               'RBAC: allowed by ClusterRoleBinding "system:controller:replicaset-controller" of ClusterRole "system:controller:replicaset-controller" to ServiceAccount "replicaset-controller/kube-system"'
               if name == RSC[0] else
               'RBAC: allowed by RoleBinding "team-operators" of ClusterRole "edit" to Group "6c1e4b0a-3f5d-4e2a-9b7c-0d1e2f3a4b5c"')}
    ann.update(annotations or {})
    ev["annotations"] = ann
    return ev


def container_spec(workload, *, privileged=False, env=None, image=None, name=None):
    b, _, u = ENTRY[workload]
    img = img_of(workload)
    c = {"name": name or CONTAINER[workload], "image": image or spec_image(img)}
    if env:
        c["env"] = env
    c["resources"] = {} if workload == "node-exporter" else {
        "limits": {"cpu": "500m", "memory": "512Mi"}, "requests": {"cpu": "100m", "memory": "128Mi"}}
    sc = {"allowPrivilegeEscalation": privileged, "capabilities": {"drop": ["ALL"]} if not privileged else {}}
    if privileged:
        sc = {"privileged": True}
    elif img["ns"] in ("shop", "identity") or u not in (0,):
        sc["runAsNonRoot"] = u != 0
        sc["readOnlyRootFilesystem"] = workload not in ("cart", "admin-ui", "reporter")
        sc["seccompProfile"] = {"type": "RuntimeDefault"}
    c["securityContext"] = sc
    return c


def pod_create(cluster, workload, gen, replica, t, *, privileged=False, env=None, extra_ann=None):
    img = img_of(workload)
    ns = img["ns"]
    name = pod_name(cluster, workload, gen, replica)
    gen_name = name.rsplit("-", 1)[0] + "-"
    rs = name.rsplit("-", 1)[0]
    labels = pod_labels(workload, cluster, gen)
    owner = [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": rs, "uid": uid("rs", cluster, rs),
              "controller": True, "blockOwnerDeletion": True}]
    spec = {"containers": [container_spec(workload, privileged=privileged, env=env)],
            "serviceAccountName": "default" if workload in ("node-exporter",) else workload,
            "restartPolicy": "Always"}
    req = {"kind": "Pod", "apiVersion": "v1",
           "metadata": {"generateName": gen_name, "namespace": ns, "creationTimestamp": None, "labels": labels,
                        "ownerReferences": owner},
           "spec": spec}
    resp = {"kind": "Pod", "apiVersion": "v1",
            "metadata": {"name": name, "generateName": gen_name, "namespace": ns, "uid": uid("pod", cluster, name),
                         "resourceVersion": str(1_000_000 + int(h("rv", name)[:5], 16)),
                         "creationTimestamp": iso(t)},
            "spec": {"containers": [{"name": CONTAINER[workload], "image": spec_image(img)}]},
            "status": {"phase": "Pending", "qosClass": "Burstable"}}
    ann = {"pod-security.kubernetes.io/enforce-policy": PSA[ns]}
    ann.update(extra_ann or {})
    return audit_event(cluster, t, "create", f"/api/v1/namespaces/{ns}/pods", RSC,
                       {"resource": "pods", "namespace": ns, "apiVersion": "v1"}, 201, level="RequestResponse",
                       ua=KCM.format(v=KUBE_VERSION[cluster]), req=req, resp=resp, annotations=ann, latency_ms=14)


AKS_RESOURCE_ID = (f"/SUBSCRIPTIONS/{SUBSCRIPTION.upper()}/RESOURCEGROUPS/RG-AKS-PROD-WEU/PROVIDERS/"
                   f"MICROSOFT.CONTAINERSERVICE/MANAGEDCLUSTERS/{PROD.upper()}")


def aks_diagnostics(evs):
    """The same audit events as AKS diagnostic settings deliver them to an Event Hub (and as
    storage blobs held them before JSON Lines): `{"records": [...]}`, category `kube-audit`,
    the event as a JSON string in `properties.log`, the resource id upper-cased by Azure.
    One record per line, as Azure writes them."""
    recs = []
    for ev in evs:
        pod = f"kube-apiserver-{kname(10, 'apiserver', PROD)}-{kname(5, 'apiserver-pod', PROD, ev['stageTimestamp'][:10])}"
        recs.append({"operationName": "Microsoft.ContainerService/managedClusters/diagnosticLogs/Read",
                     "category": "kube-audit", "ccpNamespace": "6571c3e5b5a2d00001c8e7f4",
                     "resourceId": AKS_RESOURCE_ID,
                     "properties": {"log": compact(ev), "stream": "stdout", "pod": pod,
                                    "containerID": h("container", pod)},
                     "time": ev["stageTimestamp"][:-1] + "0Z", "Cloud": "AzureCloud", "Environment": "prod",
                     "UnderlayClass": "hcp-underlay", "UnderlayName": "hcp-underlay-westeurope-cx-412"})
    return '{"records": [\n' + ",\n".join(compact(r) for r in recs) + "\n]}\n"


def gen_audit():
    per_file = {}

    def add(cluster, ev):
        day = dt.date.fromisoformat(ev["requestReceivedTimestamp"][:10])
        per_file.setdefault((cluster, covering_scan_day(day)), []).append(ev)

    # daily background: Argo CD reconciles one team namespace (prod every day, stage every other day) and
    # an engineer lists pods on some weekdays
    for cl in E.CLUSTERS:
        r = E.rng(f"audit-background-{cl}")
        for day in days(FIRST_DAY, E.AS_OF):
            if cl == STAGE and (day - FIRST_DAY).days % 4:
                continue
            ns = E.NAMESPACES[day.toordinal() % 5]
            wl = [i for i in E.IMAGES if i["ns"] == ns][day.toordinal() % len([i for i in E.IMAGES if i["ns"] == ns])]
            t = at(day, r.randrange(0, 24), r.randrange(60), r.randrange(60), r.randrange(1_000_000))
            add(cl, audit_event(cl, t, "get", f"/apis/apps/v1/namespaces/{ns}/deployments/{wl['workload']}", ARGO,
                                {"resource": "deployments", "namespace": ns, "name": wl["workload"], "apiGroup": "apps",
                                 "apiVersion": "v1"}, ua=ARGO_UA, latency_ms=3))
            if cl == PROD and day.weekday() < 5 and r.random() < 0.55:
                who = JANE if r.random() < 0.5 else OMAR
                ns2 = E.NAMESPACES[r.randrange(4)]
                t2 = at(day, 8 + r.randrange(9), r.randrange(60), r.randrange(60), r.randrange(1_000_000))
                add(cl, audit_event(cl, t2, "list", f"/api/v1/namespaces/{ns2}/pods?limit=500", who,
                                    {"resource": "pods", "namespace": ns2, "apiVersion": "v1"}, latency_ms=9))

    # rollouts: pod creates by the ReplicaSet controller (RequestResponse), with the PSA enforce annotation
    for cl in E.CLUSTERS:
        workloads = [i["workload"] for i in E.IMAGES] if cl == PROD else STAGE_WORKLOADS
        for g, day in enumerate(ROLLOUTS[cl]):
            for wi, wl in enumerate(workloads):
                if g > 0 and wl in PUBLIC_PINNED:
                    continue
                for rep in range(1):
                    t = at(day, 2, 30 + wi * 2, rep * 20 + 3, 215_000 + 1_013 * wi)
                    kw = {}
                    if wl == "etl":
                        kw["privileged"] = True
                        kw["extra_ann"] = {"pod-security.kubernetes.io/audit-violations":
                                           'would violate PodSecurity "baseline:latest": privileged (container "etl" '
                                           'must not set securityContext.privileged=true)'}
                    if wl == "cart" and cl == PROD and g == 1 and rep == 0:
                        kw["env"] = [{"name": "CART_MODE", "value": "production"},
                                     {"name": "API_TOKEN", "value": "CANARY-ENV-3"}]
                    add(cl, pod_create(cl, wl, g, rep, t, **kw))

    d = dt.date
    # Kyverno denies a debug pod with a mutable tag (disallow-latest-tag runs in Enforce mode)
    t = at(d(2026, 10, 20), 15, 2, 11, 480_100)
    deny = ('admission webhook "validate.kyverno.svc-fail" denied the request: \n\nresource Pod/shop/debug-shell was '
            'blocked due to the following policies \n\ndisallow-latest-tag:\n  validate-image-tag: \'validation error: '
            'Using a mutable image tag e.g. \'\'latest\'\' is not allowed. rule validate-image-tag failed at path '
            '/spec/containers/0/image/\'\n')
    add(PROD, audit_event(PROD, t, "create", "/api/v1/namespaces/shop/pods?fieldManager=kubectl-run", JANE,
                          {"resource": "pods", "namespace": "shop", "name": "debug-shell", "apiVersion": "v1"}, 400,
                          level="RequestResponse",
                          req={"kind": "Pod", "apiVersion": "v1",
                               "metadata": {"name": "debug-shell", "namespace": "shop", "creationTimestamp": None,
                                            "labels": {"run": "debug-shell"}},
                               "spec": {"containers": [{"name": "debug-shell", "image": "busybox:latest",
                                                        "args": ["sh"], "stdin": True, "tty": True}],
                                        "restartPolicy": "Never"}},
                          resp={"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                                "message": deny, "code": 400},
                          status={"status": "Failure", "message": deny}, latency_ms=31,
                          annotations={"pod-security.kubernetes.io/enforce-policy": PSA["shop"]}))
    # ValidatingAdmissionPolicy (Audit) flags a payments deployment
    t = at(d(2026, 11, 4), 10, 41, 5, 77_900)
    vap = json.dumps([{"message": "failed expression: object.spec.template.spec.containers.all(c, "
                                  "has(c.securityContext) && c.securityContext.runAsNonRoot == true)",
                       "policy": "require-run-as-non-root", "binding": "require-run-as-non-root-payments",
                       "expressionIndex": 0, "validationActions": ["Audit"]}], separators=(",", ":"))
    add(PROD, audit_event(PROD, t, "patch", "/apis/apps/v1/namespaces/payments/deployments/ledger?fieldManager=argocd-controller",
                          ARGO, {"resource": "deployments", "namespace": "payments", "name": "ledger", "apiGroup": "apps",
                                 "apiVersion": "v1"}, ua=ARGO_UA,
                          annotations={"validation.policy.admission.k8s.io/validation_failure": vap}, latency_ms=22))
    # exec sessions
    for cl, t, who, ns, wl, reason in [
            (PROD, at(d(2026, 10, 8), 10, 11, 58, 2_340), JANE, "shop", "cart", None),
            (PROD, at(d(2026, 11, 17), 9, 12, 1, 930_007), JANE, "shop", "web", None),
            (PROD, at(d(2026, 11, 6), 23, 40, 12, 660_123),
             ("system:serviceaccount:default:default",
              ["system:serviceaccounts", "system:serviceaccounts:default", "system:authenticated"]),
             "default", "node-exporter",
             'RBAC: allowed by RoleBinding "legacy-debug" of ClusterRole "edit" to ServiceAccount "default/default"')]:
        pod = pod_name(cl, wl, generation(cl, wl, t.date()))
        add(cl, audit_event(cl, t, "create",
                            f"/api/v1/namespaces/{ns}/pods/{pod}/exec?command=sh&container={CONTAINER[wl]}&stdin=true&stdout=true&tty=true",
                            who, {"resource": "pods", "namespace": ns, "name": pod, "apiVersion": "v1",
                                  "subresource": "exec"}, 101, decision_reason=reason,
                            ip="10.244.1.23" if who[0].startswith("system:") else None, latency_ms=1_840_000))
    # secret reads by the reporter service account
    sa = ("system:serviceaccount:batch:reporter", ["system:serviceaccounts", "system:serviceaccounts:batch",
                                                   "system:authenticated"])
    for day in [d(2026, 10, 1), d(2026, 10, 22), d(2026, 11, 12)]:
        add(PROD, audit_event(PROD, at(day, 2, 46, 58, 101_010), "get", "/api/v1/namespaces/batch/secrets/reporting-db-credentials",
                              sa, {"resource": "secrets", "namespace": "batch", "name": "reporting-db-credentials",
                                   "apiVersion": "v1"}, ua="python-requests/2.31.0", ip="10.244.1.31",
                              decision_reason='RBAC: allowed by RoleBinding "reporter-secrets" of Role "read-db-credentials" to ServiceAccount "reporter/batch"'))
    # network policies (shop, payments, identity; none in default or batch)
    for i, ns in enumerate(["shop", "payments", "identity"]):
        t = at(d(2026, 9, 30), 11, 5 + i, 40, 300_000)
        add(PROD, audit_event(PROD, t, "create", f"/apis/networking.k8s.io/v1/namespaces/{ns}/networkpolicies", ARGO,
                              {"resource": "networkpolicies", "namespace": ns, "name": "default-deny",
                               "apiGroup": "networking.k8s.io", "apiVersion": "v1"}, 201, ua=ARGO_UA))
        add(STAGE, audit_event(STAGE, t + dt.timedelta(days=1), "create",
                               f"/apis/networking.k8s.io/v1/namespaces/{ns}/networkpolicies", ARGO,
                               {"resource": "networkpolicies", "namespace": ns, "name": "default-deny",
                                "apiGroup": "networking.k8s.io", "apiVersion": "v1"}, 201, ua=ARGO_UA))
    # a too-verbose audit policy logs bodies of a Secret and a ConfigMap (muster must not keep the values)
    t = at(d(2026, 10, 13), 14, 20, 3, 5_500)
    add(PROD, audit_event(PROD, t, "create", "/api/v1/namespaces/payments/secrets", OMAR,
                          {"resource": "secrets", "namespace": "payments", "name": "ledger-db", "apiVersion": "v1"}, 201,
                          level="RequestResponse",
                          req={"kind": "Secret", "apiVersion": "v1",
                               "metadata": {"name": "ledger-db", "namespace": "payments", "creationTimestamp": None},
                               "data": {"password": "Q0FOQVJZLVNFQ1JFVC0x"}, "type": "Opaque"},
                          decision_reason='RBAC: allowed by RoleBinding "team-operators" of ClusterRole "edit" to Group "1f2e3d4c-5b6a-4978-8a9b-c0d1e2f3a4b5"'))
    t = at(d(2026, 10, 13), 14, 24, 51, 912_000)
    add(PROD, audit_event(PROD, t, "create", "/api/v1/namespaces/batch/configmaps", OMAR,
                          {"resource": "configmaps", "namespace": "batch", "name": "etl-settings", "apiVersion": "v1"},
                          201, level="RequestResponse",
                          req={"kind": "ConfigMap", "apiVersion": "v1",
                               "metadata": {"name": "etl-settings", "namespace": "batch", "creationTimestamp": None},
                               "data": {"DB_HOST": "reporting-db.batch.svc", "DB_PASSWORD": "CANARY-CONFIGMAP-2"}},
                          decision_reason='RBAC: allowed by RoleBinding "team-operators" of ClusterRole "edit" to Group "1f2e3d4c-5b6a-4978-8a9b-c0d1e2f3a4b5"'))
    # anonymous access that RBAC allowed (a leftover ClusterRoleBinding)
    t = at(d(2026, 11, 5), 3, 14, 27, 618_004)
    add(PROD, audit_event(PROD, t, "list", "/api/v1/namespaces", ("system:anonymous", ["system:unauthenticated"]),
                          {"resource": "namespaces", "apiVersion": "v1"}, 200, ua="python-requests/2.32.3",
                          ip="203.0.113.77",
                          decision_reason='RBAC: allowed by ClusterRoleBinding "anonymous-view" of ClusterRole "view" to User "system:anonymous"'))
    # an RBAC change in identity
    t = at(d(2026, 10, 27), 16, 3, 9, 440_000)
    add(PROD, audit_event(PROD, t, "create", "/apis/rbac.authorization.k8s.io/v1/namespaces/identity/rolebindings", JANE,
                          {"resource": "rolebindings", "namespace": "identity", "name": "admin-ui-support",
                           "apiGroup": "rbac.authorization.k8s.io", "apiVersion": "v1"}, 201))

    for (cl, sd), evs in sorted(per_file.items()):
        evs.sort(key=lambda e: (e["requestReceivedTimestamp"], e["auditID"]))
        put(f"k8s-audit/{cl}-audit-{sd.isoformat()}.jsonl", jsonl(evs))
        if cl == PROD:
            put(f"aks-audit/{cl}-kube-audit-{sd.isoformat()}.json", aks_diagnostics(evs))

    # v1beta1 (Kubernetes ≤ 1.18 era) archive from the old on-premises cluster, as an EventList
    old = []
    for i, (t, verb, uri, user, oref, code) in enumerate([
            (at(d(2020, 11, 3), 9, 30, 1, 120_000), "get", "/api/v1/namespaces/shop/secrets/web-tls",
             "admin", {"resource": "secrets", "namespace": "shop", "name": "web-tls", "apiVersion": "v1"}, 200),
            (at(d(2020, 11, 3), 9, 31, 44, 870_000), "create", "/api/v1/namespaces/shop/pods/web-0/exec",
             "admin", {"resource": "pods", "namespace": "shop", "name": "web-0", "apiVersion": "v1",
                       "subresource": "exec"}, 101)]):
        old.append({"kind": "Event", "apiVersion": "audit.k8s.io/v1beta1",
                    "metadata": {"creationTimestamp": iso(t)}, "level": "Metadata", "timestamp": iso(t),
                    "auditID": uid("v1beta1", i), "stage": "ResponseComplete", "requestURI": uri, "verb": verb,
                    "user": {"username": user, "groups": ["system:masters", "system:authenticated"]},
                    "sourceIPs": ["192.0.2.10"], "userAgent": "kubectl/v1.18.6 (linux/amd64) kubernetes/dff82dc",
                    "objectRef": oref, "responseStatus": {"metadata": {}, "code": code},
                    "requestReceivedTimestamp": iso(t, 6), "stageTimestamp": iso(t + dt.timedelta(milliseconds=4), 6),
                    "annotations": {"authorization.k8s.io/decision": "allow", "authorization.k8s.io/reason": ""}})
    put("k8s-audit/legacy-v1beta1.json", pretty({"kind": "EventList", "apiVersion": "audit.k8s.io/v1beta1",
                                                 "metadata": {}, "items": old}))

    # a batch as the audit webhook backend posts it (EventList, gzip-compressed)
    batch = []
    base = at(d(2026, 11, 18), 13, 0, 0, 250_000)
    for i, (verb, uri, user, oref, code) in enumerate([
            ("get", "/api/v1/namespaces/identity/configmaps/auth-settings", ARGO,
             {"resource": "configmaps", "namespace": "identity", "name": "auth-settings", "apiVersion": "v1"}, 200),
            ("list", "/api/v1/namespaces/payments/pods?labelSelector=app.kubernetes.io%2Fname%3Dledger", OMAR,
             {"resource": "pods", "namespace": "payments", "apiVersion": "v1"}, 200),
            ("patch", "/apis/apps/v1/namespaces/shop/deployments/web/scale", JANE,
             {"resource": "deployments", "namespace": "shop", "name": "web", "apiGroup": "apps", "apiVersion": "v1",
              "subresource": "scale"}, 200),
            ("get", "/api/v1/namespaces/batch/secrets/reporting-db-credentials", sa,
             {"resource": "secrets", "namespace": "batch", "name": "reporting-db-credentials", "apiVersion": "v1"}, 403)]):
        ev = audit_event(PROD, base + dt.timedelta(seconds=37 * i), verb, uri, user, oref, code,
                         ua=ARGO_UA if user is ARGO else KUBECTL if "@" in user[0] else "python-requests/2.31.0")
        if code == 403:
            ev["responseStatus"].update({"status": "Failure", "reason": "Forbidden",
                                         "message": 'secrets "reporting-db-credentials" is forbidden: User "system:serviceaccount:batch:reporter" cannot get resource "secrets" in API group "" in the namespace "batch"'})
            ev["annotations"] = {"authorization.k8s.io/decision": "forbid", "authorization.k8s.io/reason": ""}
        batch.append(ev)
    put("k8s-audit/webhook-batch.json.gz",
        gz(compact({"kind": "EventList", "apiVersion": "audit.k8s.io/v1", "metadata": {}, "items": batch}) + "\n"))


# ----------------------------------------------------------------------------- Kyverno policy reports

POLICIES = [
    # policy, rule, category, severity, fails (workloads), fail message, pass message
    ("disallow-privileged-containers", "privileged-containers", "Pod Security Standards (Baseline)", "medium", {"etl"},
     "validation error: Privileged mode is disallowed. The fields spec.containers[*].securityContext.privileged and "
     "spec.initContainers[*].securityContext.privileged must be unset or set to `false`. rule "
     "autogen-privileged-containers failed at path /spec/template/spec/containers/0/securityContext/privileged/"),
    ("require-ro-rootfs", "validate-readOnlyRootFilesystem", "Best Practices", "medium", {"cart", "reporter", "admin-ui"},
     "validation error: Root filesystem must be read-only. rule autogen-validate-readOnlyRootFilesystem failed at path "
     "/spec/template/spec/containers/0/securityContext/readOnlyRootFilesystem/"),
    ("restrict-image-registries", "validate-registries", "Best Practices, EKS Best Practices", "medium",
     {"edge-proxy", "session-cache", "node-exporter", "reporting-db"},
     "validation error: Unknown image registry. rule autogen-validate-registries failed at path "
     "/spec/template/spec/containers/0/image/"),
    ("require-requests-limits", "validate-resources", "Best Practices, EKS Best Practices", "medium", {"node-exporter"},
     "validation error: CPU and memory resource requests and memory limits are required for containers. rule "
     "autogen-validate-resources failed at path /spec/template/spec/containers/0/resources/limits/"),
    ("disallow-latest-tag", "require-image-tag", "Best Practices", "medium", set(), ""),
    ("disallow-latest-tag", "validate-image-tag", "Best Practices", "medium", set(), ""),
    ("require-run-as-nonroot", "run-as-non-root", "Pod Security Standards (Restricted)", "medium", {"etl", "ledger"},
     "validation error: Running as root is not allowed. Either the field spec.securityContext.runAsNonRoot or all of "
     "spec.containers[*].securityContext.runAsNonRoot, spec.initContainers[*].securityContext.runAsNonRoot and "
     "spec.ephemeralContainers[*].securityContext.runAsNonRoot must be set to `true`. rule autogen-run-as-non-root[0] "
     "failed at path /spec/template/spec/securityContext/runAsNonRoot/ rule autogen-run-as-non-root[1] failed at path "
     "/spec/template/spec/containers/0/securityContext/runAsNonRoot/"),
]
REPORT_TIME = at(dt.date(2026, 11, 19), 3, 12, 0)


def kyverno_results(cluster, workload, t, *, legacy=False):
    out = []
    for k, (pol, rule, cat, sev, fails, fmsg) in enumerate(POLICIES):
        failed = workload in fails
        msg = fmsg if failed else f"validation rule 'autogen-{rule}' passed."
        r = {"category": cat, "message": msg, "policy": pol}
        if legacy:
            r.update({"resources": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": workload,
                                     "namespace": img_of(workload)["ns"], "uid": uid("deploy", cluster, workload)}],
                      "rule": f"autogen-{rule}", "scored": True, "severity": sev, "status": "fail" if failed else "pass"})
        else:
            r.update({"result": "fail" if failed else "pass", "rule": f"autogen-{rule}", "scored": True,
                      "severity": sev, "source": "kyverno",
                      "timestamp": {"nanos": 0, "seconds": int(t.timestamp()) + k}})
        out.append(r)
    return out


def summary(results, key="result"):
    s = {"error": 0, "fail": 0, "pass": 0, "skip": 0, "warn": 0}
    for r in results:
        s[r[key]] += 1
    return s


def workload_report(cluster, workload, *, openreports=False):
    img = img_of(workload)
    ns = img["ns"]
    duid = uid("deploy", cluster, workload)
    created = at(ROLLOUTS[cluster][0], 2, 40)
    results = kyverno_results(cluster, workload, REPORT_TIME)
    return {
        "apiVersion": "openreports.io/v1alpha1" if openreports else "wgpolicyk8s.io/v1alpha2",
        "kind": "Report" if openreports else "PolicyReport",
        "metadata": {
            "creationTimestamp": iso(created),
            "generation": 9,
            "labels": {"app.kubernetes.io/managed-by": "kyverno"},
            "name": duid,
            "namespace": ns,
            "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": workload, "uid": duid}],
            "resourceVersion": str(4_000_000 + int(h("rv", cluster, workload)[:5], 16)),
            "uid": uid("report", cluster, workload),
        },
        "results": results,
        "scope": {"apiVersion": "apps/v1", "kind": "Deployment", "name": workload, "namespace": ns, "uid": duid},
        "summary": summary(results),
    }


def gen_policy_reports():
    for ns in E.NAMESPACES:
        wls = [i["workload"] for i in E.IMAGES if i["ns"] == ns]
        items = [workload_report(PROD, w, openreports=(ns == "identity")) for w in wls]
        put(f"policy-report/{PROD}-{ns}.json", pretty({"apiVersion": "v1", "items": items, "kind": "List",
                                                      "metadata": {"resourceVersion": ""}}))
    results = [{"category": "Security", "message": "validation rule 'clusteradmin-bindings' passed.",
                "policy": "restrict-binding-clusteradmin", "result": "pass", "rule": "clusteradmin-bindings",
                "scored": True, "severity": "medium", "source": "kyverno",
                "timestamp": {"nanos": 0, "seconds": int(REPORT_TIME.timestamp())}},
               {"category": "Security", "message": "validation rule 'restrict-masters' passed.",
                "policy": "restrict-binding-system-groups", "result": "pass", "rule": "restrict-masters",
                "scored": True, "severity": "medium", "source": "kyverno",
                "timestamp": {"nanos": 0, "seconds": int(REPORT_TIME.timestamp())}}]
    put(f"policy-report/{PROD}-cluster.json", pretty({
        "apiVersion": "wgpolicyk8s.io/v1alpha2", "kind": "ClusterPolicyReport",
        "metadata": {"creationTimestamp": iso(at(dt.date(2026, 9, 17), 2, 41)), "generation": 4,
                     "labels": {"app.kubernetes.io/managed-by": "kyverno"}, "name": uid("crb", PROD, "argocd"),
                     "resourceVersion": "4183377", "uid": uid("report", PROD, "cluster")},
        "results": results,
        "scope": {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
                  "name": "argocd-application-controller", "uid": uid("crb", PROD, "argocd")},
        "summary": summary(results)}))
    # stage still runs an old Kyverno: one aggregated v1alpha1 report per namespace, `status`, resources[]
    results = []
    for w in [i["workload"] for i in E.IMAGES if i["ns"] == "shop"]:
        results += kyverno_results(STAGE, w, REPORT_TIME, legacy=True)
    put(f"policy-report/{STAGE}-shop.json", pretty({
        "apiVersion": "wgpolicyk8s.io/v1alpha1", "kind": "PolicyReport",
        "metadata": {"creationTimestamp": iso(at(dt.date(2026, 9, 16), 2, 35)), "generation": 31,
                     "name": "polr-ns-shop", "namespace": "shop", "resourceVersion": "2290114",
                     "uid": uid("report", STAGE, "polr-ns-shop")},
        "results": results,
        "summary": summary(results, "status")}))


# ----------------------------------------------------------------------------- Gatekeeper

AUDIT_TIME = at(dt.date(2026, 11, 19), 3, 0, 12)
EXPORT_TIME = at(dt.date(2026, 11, 12), 3, 0, 9)
ALLOWED = ["contosoacr.azurecr.io/", "mcr.microsoft.com/"]


def gk_violations():
    """constraint kind, name, action, violation list (kind, ns, name, message, labels)."""
    repos = []
    for wl in ["edge-proxy", "session-cache"]:
        img = img_of(wl)
        for rep in range(REPLICAS[wl]):
            if len(repos) >= 2:
                break
            pod = pod_name(PROD, wl, 0, rep)
            repos.append(("Pod", img["ns"], pod,
                          f"container <{CONTAINER[wl]}> has an invalid image repo <{spec_image(img)}>, allowed repos are "
                          + json.dumps(ALLOWED, separators=(", ", ":")), pod_labels(wl, PROD, 0)))
    priv = [("Pod", "batch", pod_name(PROD, "etl", 2),
             'Privileged container is not allowed: etl, securityContext: {"privileged": true}', pod_labels("etl", PROD, 2))]
    labels = []
    for img in E.IMAGES:
        wl = img["workload"]
        if "owner" in pod_labels(wl, PROD, 0):
            continue
        for rep in range(REPLICAS[wl]):
            labels.append(("Pod", img["ns"], pod_name(PROD, wl, generation(PROD, wl, E.AS_OF), rep)))
    for img in E.IMAGES:  # Services and ConfigMaps are created without the label, too
        labels.append(("Service", img["ns"], img["workload"]))
    for img in E.IMAGES:
        if img["workload"] != "node-exporter":
            labels.append(("ConfigMap", img["ns"], img["workload"] + "-config"))
    labels = [(k, ns, n, 'you must provide labels: {"owner"}', {}) for k, ns, n in labels]
    assert len(labels) == 25, len(labels)
    return [("K8sAllowedRepos", "prod-repos", "deny", repos),
            ("K8sPSPPrivilegedContainer", "psp-privileged", "dryrun", priv),
            ("K8sRequiredLabels", "require-owner-label", "warn", labels),
            ("K8sPSPReadOnlyRootFilesystem", "psp-readonlyrootfilesystem", "deny", [])]


def gen_gatekeeper():
    items = []
    params = {"K8sAllowedRepos": {"repos": ALLOWED}, "K8sPSPPrivilegedContainer": {},
              "K8sRequiredLabels": {"labels": [{"key": "owner"}], "message": 'you must provide labels: {"owner"}'},
              "K8sPSPReadOnlyRootFilesystem": {}}
    match_ns = {"K8sAllowedRepos": ["shop", "payments", "identity"], "K8sPSPReadOnlyRootFilesystem": ["payments"]}
    for kind, name, action, viol in gk_violations():
        match = {"kinds": [{"apiGroups": [""], "kinds": ["Pod"] + (["Service", "ConfigMap"] if kind == "K8sRequiredLabels" else [])}]}
        if kind in match_ns:
            match["namespaces"] = match_ns[kind]
        else:
            match["excludedNamespaces"] = ["kube-system", "gatekeeper-system", "kyverno", "falco"]
        status = {"auditTimestamp": iso(AUDIT_TIME),
                  "byPod": [{"constraintUID": uid("constraint", name), "enforced": True,
                             "id": f"gatekeeper-audit-{kname(10, 'gka')}-{kname(5, 'gkb')}", "observedGeneration": 1,
                             "operations": ["audit", "status"]}],
                  "totalViolations": len(viol)}
        if viol:
            status["violations"] = [{"enforcementAction": action, "group": "", "kind": k, "message": m, "name": n,
                                     "namespace": ns, "version": "v1"} for k, ns, n, m, _ in viol[:20]]
        items.append({"apiVersion": "constraints.gatekeeper.sh/v1beta1", "kind": kind,
                      "metadata": {"creationTimestamp": iso(at(dt.date(2026, 9, 29), 9, 12)), "generation": 1,
                                   "name": name, "resourceVersion": str(3_100_000 + int(h("rv", name)[:4], 16)),
                                   "uid": uid("constraint", name)},
                      "spec": {"enforcementAction": action, "match": match, "parameters": params[kind]},
                      "status": status})
    put("gatekeeper/constraints.json", pretty({"apiVersion": "v1", "items": items, "kind": "List",
                                               "metadata": {"resourceVersion": ""}}))

    def log_line(t, msg, event, **kw):
        d = {"level": "info", "ts": round(t.timestamp(), 6), "logger": "controller", "msg": msg,
             "process": "audit", "audit_id": iso(AUDIT_TIME), "event_type": event}
        d.update(kw)
        return d

    lines = [log_line(AUDIT_TIME + dt.timedelta(microseconds=4_120), "auditing constraints and violations", "audit_started")]
    step = 0
    for kind, name, action, viol in gk_violations():
        for k, ns, n, m, labels in viol:
            step += 1
            lines.append(log_line(AUDIT_TIME + dt.timedelta(milliseconds=310 + 9 * step), m, "violation_audited",
                                  constraint_group="constraints.gatekeeper.sh", constraint_api_version="v1beta1",
                                  constraint_kind=kind, constraint_name=name, constraint_namespace="",
                                  constraint_action=action, constraint_enforcement_actions=[],
                                  constraint_annotations={}, resource_group="", resource_api_version="v1",
                                  resource_kind=k, resource_namespace=ns, resource_name=n, resource_labels=labels))
        step += 1
        lines.append(log_line(AUDIT_TIME + dt.timedelta(milliseconds=310 + 9 * step), "constraint audited",
                              "constraint_audited", constraint_group="constraints.gatekeeper.sh",
                              constraint_api_version="v1beta1", constraint_kind=kind, constraint_name=name,
                              constraint_namespace="", constraint_action=action, constraint_enforcement_actions=[],
                              constraint_status="enforced", constraint_violations=str(len(viol))))
    lines.append(log_line(AUDIT_TIME + dt.timedelta(seconds=2, microseconds=771_000), "auditing is complete",
                          "audit_finished"))
    put("gatekeeper/audit.log.jsonl", jsonl(lines))

    export = []
    for kind, name, action, viol in gk_violations():
        for k, ns, n, m, labels in viol:
            export.append({"id": iso(EXPORT_TIME), "details": {"missing_labels": ["owner"]} if kind == "K8sRequiredLabels" else {},
                           "eventType": "violation_audited", "group": "constraints.gatekeeper.sh", "version": "v1beta1",
                           "kind": kind, "name": name, "namespace": "", "message": m, "enforcementAction": action,
                           "constraintAnnotations": {}, "resourceGroup": "", "resourceAPIVersion": "v1",
                           "resourceKind": k, "resourceNamespace": ns, "resourceName": n, "resourceLabels": labels})
    put("gatekeeper/export.jsonl", jsonl(export))


# ----------------------------------------------------------------------------- Defender for Containers

CLUSTER_ID = (f"/subscriptions/{SUBSCRIPTION}/resourceGroups/rg-aks-prod-weu/providers/"
              f"Microsoft.ContainerService/managedClusters/{PROD}")


def defender_alert(n, alert_type, display, description, severity, intent, t, ext, steps):
    sid = f"{2516_000_000_000_000_000 + int(h('sid', n)[:12], 16)}_{uid('alert', n)}"
    return {
        "id": f"/subscriptions/{SUBSCRIPTION}/resourceGroups/rg-aks-prod-weu/providers/Microsoft.Security/locations/westeurope/alerts/{sid}",
        "name": sid,
        "type": "Microsoft.Security/Locations/alerts",
        "properties": {
            "status": "Active",
            "timeGeneratedUtc": iso(t + dt.timedelta(minutes=21, seconds=4), 7),
            "processingEndTimeUtc": iso(t + dt.timedelta(minutes=20, seconds=51), 7),
            "version": "2022-01-01.0",
            "vendorName": "Microsoft",
            "productName": "Microsoft Defender for Cloud",
            "productComponentName": "Containers",
            "alertType": alert_type,
            "startTimeUtc": iso(t, 7),
            "endTimeUtc": iso(t, 7),
            "severity": severity,
            "isIncident": False,
            "systemAlertId": sid,
            "intent": intent,
            "resourceIdentifiers": [
                {"$id": "westeurope_1", "azureResourceId": CLUSTER_ID, "type": "AzureResource",
                 "azureResourceTenantId": TENANT},
                {"$id": "westeurope_2", "aadTenantId": TENANT, "type": "AAD"}],
            "compromisedEntity": PROD,
            "alertDisplayName": display,
            "description": description,
            "remediationSteps": steps,
            "extendedProperties": ext,
            "entities": [
                {"$id": "westeurope_3", "resourceId": CLUSTER_ID, "resourceType": "Kubernetes Service",
                 "resourceName": PROD, "asset": True, "type": "azure-resource"},
                {"$id": "westeurope_4", "imageId": ext["container image"], "asset": False, "type": "container-image"}],
            "alertUri": f"https://portal.azure.com/#blade/Microsoft_Azure_Security_AzureDefenderForData/AlertBlade/alertId/{sid}/subscriptionId/{SUBSCRIPTION}/resourceGroup/rg-aks-prod-weu/referencedFrom/alertDeepLink/location/westeurope",
        },
    }


def gen_defender():
    etl, rep = img_of("etl"), img_of("reporter")
    d = dt.date
    alerts = [
        defender_alert(1, "K8S_PrivilegedContainer", "Privileged container detected",
                       "Audit-log analysis found a new privileged container. A privileged container can reach the "
                       "node's resources and weakens the isolation between containers; if it is compromised, the "
                       "attacker can take over the node.",
                       "Medium", "PrivilegeEscalation", at(d(2026, 11, 12), 2, 45, 6, 412_000),
                       {"namespace": "batch", "container image": spec_image(etl),
                        "pod name": pod_name(PROD, "etl", 2), "container name": "etl", "object kind": "Pod",
                        "object name": pod_name(PROD, "etl", 2), "resourceType": "Kubernetes Service",
                        "killChainIntent": "PrivilegeEscalation"},
                       ["Check whether the workload needs privileged mode; remove `privileged: true` if not.",
                        "Run workloads that need host access on a dedicated, isolated node pool.",
                        "If the container is not legitimate, escalate to the security team."]),
        defender_alert(2, "K8S.NODE_SuspectConnection", "Suspicious outbound connection from a container",
                       "The runtime sensor saw a process in a container connect to an address associated with "
                       "cryptocurrency mining pools. The process was started from a file written after the "
                       "container started.",
                       "High", "CommandAndControl", at(d(2026, 11, 12), 2, 47, 31, 880_000),
                       {"namespace": "batch", "container image": f"{rep['ref']}",
                        "pod name": pod_name(PROD, "reporter", 2), "container name": "reporter",
                        "container id": container_id(PROD, "reporter", 2)[:12], "process name": "/tmp/.cache/kworkerd",
                        "destination": "pool.minexmr.example:4444", "resourceType": "Kubernetes Service",
                        "killChainIntent": "CommandAndControl"},
                       ["Isolate the pod with a deny-all NetworkPolicy and capture its file system for analysis.",
                        "Rebuild the image from a trusted source and redeploy; rotate credentials the pod could read.",
                        "Review how the file was written (web shell, exposed endpoint, compromised dependency)."]),
    ]
    put("defender/alerts.json", pretty(alerts))

    pg = img_of("reporting-db")
    t = at(d(2026, 11, 2), 8, 15, 44, 100_000)
    sid = f"2516{int(h('sid', 3)[:15], 16)}_{uid('alert', 3)}"
    cont = [{
        "TenantId": TENANT,
        "TimeGenerated": iso(t + dt.timedelta(minutes=34), 7),
        "DisplayName": "Exposed Postgres service with trust authentication in Kubernetes",
        "AlertName": "Exposed Postgres service with trust authentication in Kubernetes",
        "AlertDisplayName": "Exposed Postgres service with trust authentication in Kubernetes",
        "AlertSeverity": "Medium",
        "Severity": "Medium",
        "Description": "Configuration analysis found a Postgres service published through a load balancer whose "
                       "pg_hba configuration trusts connections without a password.",
        "ProviderName": "Azure Security Center",
        "VendorName": "Microsoft",
        "ProductName": "Microsoft Defender for Cloud",
        "ProductComponentName": "Containers",
        "AlertType": "K8S_ExposedPostgresTrustAuth",
        "SystemAlertId": sid,
        "ConfidenceLevel": "Unknown",
        "IsIncident": False,
        "StartTimeUtc": iso(t, 7),
        "EndTimeUtc": iso(t, 7),
        "ProcessingEndTime": iso(t + dt.timedelta(minutes=33), 7),
        "CompromisedEntity": PROD,
        "AzureResourceId": CLUSTER_ID,
        "Status": "New",
        "Intent": "InitialAccess",
        "Tactics": "InitialAccess",
        "RemediationSteps": ["Put the service behind an internal load balancer.",
                             "Require password (scram-sha-256) authentication in pg_hba.conf."],
        "ExtendedProperties": {"namespace": "batch", "container image": f"{pg['repo']}:{pg['tag']}",
                               "object kind": "Service", "object name": "reporting-db",
                               "pod name": pod_name(PROD, "reporting-db", 0), "container name": "postgresql",
                               "resourceType": "Kubernetes Service", "killChainIntent": "InitialAccess"},
        "Entities": [{"$id": "2", "ResourceId": CLUSTER_ID, "ResourceType": "Kubernetes Service",
                      "ResourceName": PROD, "Type": "azure-resource"},
                     {"$id": "3", "Name": "batch", "Cluster": {"$ref": "2"}, "Type": "K8s-namespace"},
                     {"$id": "4", "Name": "reporting-db", "Namespace": {"$ref": "3"}, "Type": "K8s-service"}],
        "Type": "SecurityAlert",
    }]
    put("defender/continuous-export.json", pretty(cont))


# ----------------------------------------------------------------------------- kube-bench


def kb_result(num, desc, status, *, audit, expected, actual="", remediation, manual=False, scored=True):
    return {"test_number": num, "test_desc": desc, "audit": audit, "AuditEnv": "", "AuditConfig": "",
            "type": "manual" if manual else "", "remediation": remediation, "test_info": [remediation],
            "status": status, "actual_value": actual, "scored": scored, "IsMultiple": False,
            "expected_result": expected, "reason": "Test marked as a manual test" if manual else ""}


def kb_section(section, desc, results, kind=""):
    c = {s: sum(1 for r in results if r["status"] == s.upper()) for s in ("pass", "fail", "warn", "info")}
    return {"section": section, "type": kind, "pass": c["pass"], "fail": c["fail"], "warn": c["warn"],
            "info": c["info"], "desc": desc, "results": results}


def kb_control(cid, version, text, node_type, tests, detected=None):
    c = {"id": cid, "version": version, "detected_version": detected or version, "text": text,
         "node_type": node_type, "tests": tests}
    for s in ("pass", "fail", "warn", "info"):
        c[f"total_{s}"] = sum(t[s] for t in tests)
    return c


def kb_doc(controls):
    return {"Controls": controls,
            "Totals": {f"total_{s}": sum(c[f"total_{s}"] for c in controls) for s in ("pass", "fail", "warn", "info")}}


KUBELET_CFG = "/etc/default/kubeletconfig.json"
PS_KUBELET = "/bin/ps -fC kubelet"


def file_check(num, what, path, mode, owner=False):
    if owner:
        return kb_result(num, f"Ensure that the {what} file ownership is set to root:root (Automated)", "PASS",
                         audit=f"/bin/sh -c 'if test -e {path}; then stat -c %U:%G {path}; fi' ",
                         expected="'root:root' is present", actual="root:root",
                         remediation=f"Run on each worker node: chown root:root {path}")
    return kb_result(num, f"Ensure that the {what} file permissions are set to {mode} or more restrictive (Automated)",
                     "PASS", audit=f"/bin/sh -c 'if test -e {path}; then stat -c permissions=%a {path}; fi' ",
                     expected=f"permissions has permissions 600, expected {mode} or more restrictive",
                     actual="permissions=600", remediation=f"Run on each worker node: chmod {mode} {path}")


def kubelet_arg(num, desc, flag, expected, actual, status, remediation, manual=False):
    return kb_result(num, desc, status, audit=PS_KUBELET, expected=expected, manual=manual,
                     actual=f"root 3914 1 4 Nov18 ? 01:12:55 /usr/local/bin/kubelet --config={KUBELET_CFG} {actual}",
                     remediation=remediation, scored=not manual)


def gen_kube_bench():
    # prod: AKS benchmark, node checks
    node = [
        file_check("3.1.1", "kubeconfig", "/var/lib/kubelet/kubeconfig", "644"),
        file_check("3.1.2", "kubelet kubeconfig", "/var/lib/kubelet/kubeconfig", "", owner=True),
        file_check("3.1.3", "azure.json", "/etc/kubernetes/azure.json", "644"),
        file_check("3.1.4", "azure.json", "/etc/kubernetes/azure.json", "", owner=True),
    ]
    kub = [
        kubelet_arg("3.2.1", "Ensure that the --anonymous-auth argument is set to false (Automated)", "anonymous-auth",
                    "'--anonymous-auth' is equal to 'false'", "--anonymous-auth=true", "FAIL",
                    "Set `authentication.anonymous.enabled: false` in the kubelet config file (the user node pool "
                    "np-legacy still carries a custom kubelet configuration), then restart the kubelet."),
        kubelet_arg("3.2.2", "Ensure that the --authorization-mode argument is not set to AlwaysAllow (Automated)",
                    "authorization-mode", "'--authorization-mode' does not have 'AlwaysAllow'",
                    "--authorization-mode=Webhook", "PASS", "Set `authorization.mode: Webhook` in the kubelet config file."),
        kubelet_arg("3.2.3", "Ensure that the --client-ca-file argument is set as appropriate (Automated)",
                    "client-ca-file", "'--client-ca-file' is present", "--client-ca-file=/etc/kubernetes/certs/ca.crt",
                    "PASS", "Set `authentication.x509.clientCAFile` to the cluster CA file."),
        kubelet_arg("3.2.4", "Ensure that the --read-only-port is secured (Automated)", "read-only-port",
                    "'--read-only-port' is equal to '0'", "--read-only-port=0", "PASS",
                    "Set `readOnlyPort: 0` in the kubelet config file."),
        kubelet_arg("3.2.5", "Ensure that the --streaming-connection-idle-timeout argument is not set to 0 (Automated)",
                    "streaming-connection-idle-timeout", "'--streaming-connection-idle-timeout' is not equal to '0'",
                    "--streaming-connection-idle-timeout=4h0m0s", "PASS",
                    "Set `streamingConnectionIdleTimeout` to a non-zero value such as 4h0m0s."),
        kubelet_arg("3.2.6", "Ensure that the --make-iptables-util-chains argument is set to true (Automated)",
                    "make-iptables-util-chains", "'--make-iptables-util-chains' is equal to 'true'",
                    "--make-iptables-util-chains=true", "PASS", "Set `makeIPTablesUtilChains: true`."),
        kubelet_arg("3.2.7", "Ensure that the --eventRecordQPS argument is set to 0 or a level which ensures appropriate event capture (Automated)",
                    "event-qps", "'--event-qps' is greater or equal to 0", "--event-qps=0", "PASS",
                    "Set `eventRecordQPS` to an appropriate level."),
        kubelet_arg("3.2.8", "Ensure that the --rotate-certificates argument is not set to false (Automated)",
                    "rotate-certificates", "'--rotate-certificates' is present OR '--rotate-certificates' is not present",
                    "--rotate-certificates=true", "PASS", "Remove `rotateCertificates: false` from the kubelet config."),
        kubelet_arg("3.2.9", "Ensure that the RotateKubeletServerCertificate argument is set to true (Automated)",
                    "feature-gates", "'RotateKubeletServerCertificate' is equal to 'true'",
                    "--feature-gates=RotateKubeletServerCertificate=true", "PASS",
                    "Enable the RotateKubeletServerCertificate feature gate."),
    ]
    put(f"kube-bench/{PROD}-node.json", pretty(kb_doc([kb_control("3", "aks-1.8", "Worker Node Security Configuration",
                                                                  "node", [kb_section("3.1", "Worker Node Configuration Files", node),
                                                                           kb_section("3.2", "Kubelet", kub)])])))
    manual = {
        "4.1": ("RBAC and Service Accounts", [
            ("4.1.1", "Ensure that the cluster-admin role is only used where required"),
            ("4.1.2", "Minimize access to secrets"),
            ("4.1.3", "Minimize wildcard use in Roles and ClusterRoles"),
            ("4.1.4", "Minimize access to create pods"),
            ("4.1.5", "Ensure that default service accounts are not actively used"),
            ("4.1.6", "Ensure that Service Account Tokens are only mounted where necessary")]),
        "4.2": ("Pod Security Standards", [
            ("4.2.1", "Minimize the admission of privileged containers"),
            ("4.2.2", "Minimize the admission of containers wishing to share the host process ID namespace"),
            ("4.2.3", "Minimize the admission of containers wishing to share the host IPC namespace"),
            ("4.2.4", "Minimize the admission of containers wishing to share the host network namespace"),
            ("4.2.5", "Minimize the admission of containers with allowPrivilegeEscalation")]),
        "4.4": ("CNI Plugin", [
            ("4.4.1", "Ensure latest CNI version is used"),
            ("4.4.2", "Ensure that all Namespaces have Network Policies defined")]),
        "4.5": ("Secrets Management", [
            ("4.5.1", "Prefer using secrets as files over secrets as environment variables"),
            ("4.5.2", "Consider external secret storage")]),
        "4.6": ("General Policies", [
            ("4.6.1", "Create administrative boundaries between resources using namespaces"),
            ("4.6.2", "Apply Security Context to Your Pods and Containers"),
            ("4.6.3", "The default namespace should not be used")]),
    }
    tests = []
    for sec, (desc, checks) in manual.items():
        res = [kb_result(n, f"{t} (Manual)", "WARN", audit="", expected="", manual=True, scored=False,
                         remediation="Review the cluster against this recommendation and record the outcome; "
                                     "kube-bench cannot check it automatically.") for n, t in checks]
        tests.append(kb_section(sec, desc, res, "manual"))
    put(f"kube-bench/{PROD}-policies.json", pretty(kb_doc([kb_control("4", "aks-1.8", "Policies", "policies", tests)])))

    # stage: generic CIS 1.10 on the worker nodes
    files = [file_check("4.1.1", "kubelet service", "/etc/systemd/system/kubelet.service", "600"),
             file_check("4.1.2", "kubelet service", "/etc/systemd/system/kubelet.service", "", owner=True),
             file_check("4.1.5", "--kubeconfig kubelet.conf", "/var/lib/kubelet/kubeconfig", "600"),
             file_check("4.1.6", "--kubeconfig kubelet.conf", "/var/lib/kubelet/kubeconfig", "", owner=True),
             file_check("4.1.9", "kubelet --config configuration", KUBELET_CFG, "600"),
             file_check("4.1.10", "kubelet --config configuration", KUBELET_CFG, "", owner=True)]
    kub = [
        kubelet_arg("4.2.1", "Ensure that the --anonymous-auth argument is set to false (Automated)", "anonymous-auth",
                    "'--anonymous-auth' is equal to 'false'", "--anonymous-auth=false", "PASS",
                    "Set `authentication.anonymous.enabled: false` in the kubelet config file."),
        kubelet_arg("4.2.2", "Ensure that the --authorization-mode argument is not set to AlwaysAllow (Automated)",
                    "authorization-mode", "'--authorization-mode' does not have 'AlwaysAllow'",
                    "--authorization-mode=Webhook", "PASS", "Set `authorization.mode: Webhook`."),
        kubelet_arg("4.2.3", "Ensure that the --client-ca-file argument is set as appropriate (Automated)",
                    "client-ca-file", "'--client-ca-file' is present", "--client-ca-file=/etc/kubernetes/certs/ca.crt",
                    "PASS", "Set `authentication.x509.clientCAFile`."),
        kubelet_arg("4.2.4", "Verify that the --read-only-port argument is set to 0 (Manual)", "read-only-port",
                    "'--read-only-port' is equal to '0'", "--read-only-port=0", "PASS",
                    "Set `readOnlyPort: 0` in the kubelet config file."),
        kubelet_arg("4.2.5", "Ensure that the --streaming-connection-idle-timeout argument is not set to 0 (Manual)",
                    "streaming-connection-idle-timeout", "'--streaming-connection-idle-timeout' is not equal to '0'",
                    "--streaming-connection-idle-timeout=4h0m0s", "PASS", "Set `streamingConnectionIdleTimeout`."),
        kubelet_arg("4.2.6", "Ensure that the --make-iptables-util-chains argument is set to true (Automated)",
                    "make-iptables-util-chains", "'--make-iptables-util-chains' is equal to 'true'",
                    "--make-iptables-util-chains=false", "FAIL",
                    "Set `makeIPTablesUtilChains: true` in the kubelet config file and restart the kubelet."),
        kubelet_arg("4.2.7", "Ensure that the --hostname-override argument is not set (Manual)", "hostname-override",
                    "'--hostname-override' is not present", "--hostname-override=aks-nodepool1-88120444-vmss000000",
                    "WARN", "Leave --hostname-override unset where the cloud provider allows it.", manual=True),
        kubelet_arg("4.2.8", "Ensure that the eventRecordQPS argument is set to a level which ensures appropriate event capture (Manual)",
                    "event-qps", "'--event-qps' is greater or equal to 0", "--event-qps=0", "WARN",
                    "Set `eventRecordQPS` to an appropriate level.", manual=True),
        kubelet_arg("4.2.10", "Ensure that the --rotate-certificates argument is not set to false (Automated)",
                    "rotate-certificates", "'--rotate-certificates' is not present", "--rotate-certificates=true",
                    "PASS", "Remove `rotateCertificates: false`."),
        kubelet_arg("4.2.11", "Verify that the RotateKubeletServerCertificate argument is set to true (Manual)",
                    "feature-gates", "'RotateKubeletServerCertificate' is equal to 'true'",
                    "--feature-gates=RotateKubeletServerCertificate=true", "PASS", "Enable the feature gate."),
        kubelet_arg("4.2.13", "Ensure that a limit is set on pod PIDs (Manual)", "pod-max-pids",
                    "'--pod-max-pids' is present", "", "WARN",
                    "Set `podPidsLimit` in the kubelet config file.", manual=True),
    ]
    put(f"kube-bench/{STAGE}-node.json", pretty(kb_doc([kb_control(
        "4", "cis-1.10", "Worker Node Security Configuration", "node",
        [kb_section("4.1", "Worker Node Configuration Files", files), kb_section("4.2", "Kubelet", kub)])])))

    # 2020: kube-bench printed a bare array of controls (no Totals) — the old self-managed cluster
    def legacy(num, desc, status, actual, expected):
        r = kb_result(num, desc, status, audit="/bin/ps -ef | grep kube-apiserver | grep -v grep",
                      expected=expected, actual=actual, remediation="Edit /etc/kubernetes/manifests/kube-apiserver.yaml "
                      "on the master node and set the parameter as described, then wait for the API server to restart.")
        for k in ("AuditEnv", "IsMultiple", "reason", "expected_result"):
            r.pop(k, None)
        r["expected_result"] = expected
        return r
    master = [legacy("1.2.1", "Ensure that the --anonymous-auth argument is set to false (Not Scored)", "WARN",
                     "", "'--anonymous-auth' is equal to 'false'"),
              legacy("1.2.2", "Ensure that the --basic-auth-file argument is not set (Scored)", "PASS",
                     "", "'--basic-auth-file' is not present"),
              legacy("1.2.6", "Ensure that the --kubelet-certificate-authority argument is set as appropriate (Scored)",
                     "FAIL", "", "'--kubelet-certificate-authority' is present")]
    nodes = [legacy("4.2.1", "Ensure that the --anonymous-auth argument is set to false (Scored)", "PASS",
                    "", "'--anonymous-auth' is equal to 'false'"),
             legacy("4.2.6", "Ensure that the --protect-kernel-defaults argument is set to true (Scored)", "FAIL",
                    "", "'--protect-kernel-defaults' is equal to 'true'")]
    arr = []
    for cid, text, nt, sec, desc, res in [("1", "Master Node Security Configuration", "master", "1.2", "API Server", master),
                                          ("4", "Worker Node Security Configuration", "node", "4.2", "Kubelet", nodes)]:
        c = kb_control(cid, "1.6", text, nt, [kb_section(sec, desc, res)])
        del c["detected_version"]
        arr.append(c)
    put("kube-bench/old-bare-array.json", pretty(arr))


# ----------------------------------------------------------------------------- docker-bench-security


def gen_docker_bench():
    start = int(at(dt.date(2026, 11, 18), 2, 0, 4).timestamp())
    sections = [
        ("1", "Host Configuration", [
            {"id": "1.1.1", "desc": "Ensure a separate partition for containers has been created (Automated)",
             "result": "WARN", "remediation": "Create a separate partition (or logical volume) for /var/lib/docker.",
             "remediation-impact": "None."},
            {"id": "1.1.2", "desc": "Ensure only trusted users are allowed to control Docker daemon (Automated)",
             "result": "INFO", "details": "doubtfulusers: gitlab-runner", "items": ["gitlab-runner"],
             "remediation": "Remove untrusted users from the docker group.", "remediation-impact": "None."},
            {"id": "1.1.3", "desc": "Ensure auditing is configured for the Docker daemon (Automated)", "result": "PASS"},
            {"id": "1.1.4", "desc": "Ensure auditing is configured for Docker files and directories -/run/containerd (Automated)",
             "result": "PASS"},
        ]),
        ("2", "Docker daemon configuration", [
            {"id": "2.1", "desc": "Run the Docker daemon as a non-root user, if possible (Manual)", "result": "INFO",
             "remediation": "Consider rootless mode for build hosts.", "remediation-impact": "Some features are unavailable in rootless mode."},
            {"id": "2.2", "desc": "Ensure network traffic is restricted between containers on the default bridge (Scored)",
             "result": "WARN", "remediation": "Start the daemon with --icc=false or set \"icc\": false in daemon.json.",
             "remediation-impact": "Inter-container communication on the default bridge stops; use user-defined networks."},
            {"id": "2.3", "desc": "Ensure the logging level is set to 'info' (Scored)", "result": "PASS"},
            {"id": "2.14", "desc": "Ensure live restore is enabled (Scored)", "result": "PASS"},
        ]),
        ("4", "Container Images and Build File", [
            {"id": "4.1", "desc": "Ensure that a user for the container has been created (Automated)", "result": "WARN",
             "details": "running as root: buildkit-cache-warmer", "items": ["buildkit-cache-warmer"],
             "remediation": "Add a USER instruction to the Dockerfile.", "remediation-impact": "None."},
            {"id": "4.5", "desc": "Ensure Content trust for Docker is Enabled (Automated)", "result": "WARN",
             "remediation": "Export DOCKER_CONTENT_TRUST=1 in the runner environment, or verify signatures with cosign in the pipeline.",
             "remediation-impact": "Unsigned images can no longer be pulled or pushed."},
            {"id": "4.6", "desc": "Ensure that HEALTHCHECK instructions have been added to container images (Automated)",
             "result": "PASS"},
        ]),
        ("5", "Container Runtime", [
            {"id": "5.5", "desc": "Ensure that privileged containers are not used (Automated)", "result": "PASS"},
            {"id": "5.11", "desc": "Ensure that the memory usage for containers is limited (Automated)", "result": "PASS"},
            {"id": "5.13", "desc": "Ensure that the container's root filesystem is mounted as read only (Automated)",
             "result": "WARN", "details": "Container running with root FS mounted R/W: buildkit-cache-warmer gitlab-runner-helper",
             "items": ["buildkit-cache-warmer", "gitlab-runner-helper"],
             "remediation": "Run containers with --read-only and mount writable volumes only where needed.",
             "remediation-impact": "Applications that write outside mounted volumes fail."},
            {"id": "5.26", "desc": "Ensure that container health is checked at runtime (Automated)", "result": "PASS"},
        ]),
        ("6", "Docker Security Operations", [
            {"id": "6.1", "desc": "Ensure that image sprawl is avoided (Manual)", "result": "INFO",
             "details": "There are currently: 142 images; only 18 are in use by a container",
             "remediation": "Prune unused images regularly (docker image prune -a --filter until=168h).",
             "remediation-impact": "None."},
            {"id": "6.2", "desc": "Ensure that container sprawl is avoided (Manual)", "result": "INFO",
             "details": "There are currently a total of 23 containers, with 4 of them currently running"},
        ]),
    ]
    tests = [{"id": i, "desc": d, "results": r} for i, d, r in sections]
    allr = [r for _, _, rs in sections for r in rs]
    score = sum(1 for r in allr if r["result"] == "PASS") - sum(1 for r in allr if r["result"] == "WARN")
    put("docker-bench/ci-runner.json", pretty({"dockerbenchsecurity": "1.6.0", "start": start, "tests": tests,
                                               "checks": len(allr), "score": score, "end": start + 47}))


# ----------------------------------------------------------------------------- muster.toml, waivers, attestations

MUSTER_TOML = '''# muster configuration for the Contoso sample estate (see docs/configuration.md).
# Generated by scripts/gen_sample_runtime.py — edit the generator, not this file.

[site]
title = "Contoso container platform"        # shown on every page of the site
organisation = "Contoso Ltd"                 # printed on the cover of report.html
lang = "en"                                  # site language: en | es | fr (or --lang)

[report]
as_of = "2026-11-20"        # the report date; the sample data ends on this Friday
profile = "pragmatic"       # pragmatic = grace periods apply; strict = every open finding fails at once
window_days = 30            # alerts and audit events count for 30 days before each as-of date
history = "weekly"          # trends are evaluated once a week back to the first scan (2026-09-21)
history_days = 70           # … but not further back than ten weeks (the 2021 legacy Falco capture is older)
freshness_days = 7          # a scan older than a week is stale; older than two weeks counts as missing

[grace]                     # days to fix a finding, by severity (pragmatic profile only)
critical = 7                # critical: one week
high = 30                   # high: one month
medium = 90                 # medium: one quarter
low = 180                   # low: half a year
known_exploited = 0         # CISA KEV entries: no grace at all

[scope]
# namespaces run by the platform team's tooling; their evidence is left out of every control
exclude_namespaces = ["kube-system", "kube-public", "kube-node-lease", "gatekeeper-system", "kyverno", "falco", "calico-system", "tigera-operator"]
production_namespaces = ["*"]             # every team namespace is production …
production_clusters = ["aks-prod-*"]      # … but only on the production cluster; findings on aks-stage-weu only warn

[registries]
approved = ["contosoacr.azurecr.io", "mcr.microsoft.com"]   # images from any other registry fail REG-01

[images]
approved_os = ["alpine", "debian", "distroless", "ubuntu"]  # base OS families allowed (busybox is not)
max_age_days = 90                                           # images built more than 90 days ago are too old
max_production_images = 15                                  # more distinct production images than this warns

[vex]
accept = true                   # the platform team's not_affected / fixed VEX statements close findings

# Owners: the first matching entry wins. Findings outside every entry show as "unowned".
[[owners]]
team = "Shop"                                   # storefront: web, cart, edge proxy, session cache
contact = "shop-oncall@contoso.example"         # where findings are routed
namespaces = ["shop"]                           # namespace globs
clusters = []                                   # empty = every cluster
images = ["contosoacr.azurecr.io/shop/*"]       # image globs (for scan results without a namespace)

[[owners]]
team = "Payments"                               # payment API and ledger
contact = "payments-oncall@contoso.example"
namespaces = ["payments"]
clusters = []
images = ["contosoacr.azurecr.io/payments/*"]

[[owners]]
team = "Identity"                               # sign-in service and admin UI
contact = "identity-team@contoso.example"
namespaces = ["identity"]
clusters = []
images = ["contosoacr.azurecr.io/identity/*"]

[[owners]]
team = "Data"                                   # batch jobs: reporter, ETL, reporting database
contact = "data-platform@contoso.example"
namespaces = ["batch"]
clusters = []
images = ["contosoacr.azurecr.io/batch/*"]

# The raw API-server audit logs (k8s-audit/) name no cluster either: say which cluster each
# file is about, or their days count toward no cluster's audit coverage (MON-03) and their
# events cannot be matched to the same events in the AKS export. legacy-v1beta1.json is an
# archive of the old on-premises cluster, long outside the window: it stays unattributed.
[[sources.files]]
path = "k8s-audit/aks-prod-weu-*"
cluster = "aks-prod-weu"

[[sources.files]]
path = "k8s-audit/aks-stage-weu-*"
cluster = "aks-stage-weu"

[[sources.files]]
path = "k8s-audit/webhook-batch.json.gz"      # the audit webhook backend of the production API server
cluster = "aks-prod-weu"

# Falco, the Kyverno policy reports, kube-bench and Kubescape name no cluster in their
# records either; their files are named after the cluster they were collected on. Without
# this, a staging alert or policy result counts as production (a record of no known
# cluster is in production scope: see [scope]) and the same policy result on both
# clusters is one finding.
[[sources.files]]
path = "falco/aks-prod-weu-*"
cluster = "aks-prod-weu"

[[sources.files]]
path = "falco/aks-stage-weu-*"
cluster = "aks-stage-weu"

[[sources.files]]
path = "policy-report/aks-prod-weu-*"
cluster = "aks-prod-weu"

[[sources.files]]
path = "policy-report/aks-stage-weu-*"
cluster = "aks-stage-weu"

[[sources.files]]
path = "kube-bench/aks-prod-weu-*"
cluster = "aks-prod-weu"

[[sources.files]]
path = "kube-bench/aks-stage-weu-*"
cluster = "aks-stage-weu"

[[sources.files]]
path = "kubescape/aks-prod-weu-*"
cluster = "aks-prod-weu"

# trivy-operator's reports (trivy-operator/) name no cluster either: an operator reports
# on the cluster it is installed in, never naming it, so say where it runs. Here it is
# installed on the production cluster only.
# Without this, its audit of shop/cart would not be the same finding as the one trivy k8s
# reports for the Deployment on aks-prod-weu, and would show a second state beside it.
[[sources.files]]
path = "trivy-operator/*"
cluster = "aks-prod-weu"
'''

# The SOC's triage register: the 2021 alerts of legacy-2021.json were looked at and
# closed then; every later alert is still waiting (they stand until triaged).
TRIAGE = [
    ["Terminal shell in container", "shop", "remediated", "Ann Lee (SOC)", "2021-06-04",
     "INC-0212: debugging session on web 1.0.4; exec rights removed from the shop team"],
    ["Write below etc", "shop", "remediated", "Ann Lee (SOC)", "2021-06-04",
     "INC-0212: the same session wrote /etc/hosts; pod replaced"],
    ["Launch Privileged Container", "batch", "benign", "Ann Lee (SOC)", "2021-06-14",
     "INC-0230: node-debug job approved by the platform team"],
]

WAIVERS = [
    ("W-001", "IMG-04", "CVE-2025-48811", "contosoacr.azurecr.io/payments/api:*", "",
     "No fixed zlib package exists for Debian 12 yet; the affected function is not reachable from the payments API. "
     "Re-check when Debian publishes a fix.", "risk-accepted", "Jane Roe (CISO)", "2026-09-28", "2027-03-31"),
    ("W-002", "RUN-02", "KSV-0017", "", "*/batch/Deployment/etl",
     "The ETL job needs privileged mode to mount the SFTP staging volume; it runs on an isolated node pool with no "
     "other workloads and no inbound network access.", "mitigated-elsewhere", "Priya Natarajan (Head of Data)",
     "2026-10-02", "2027-01-31"),
    ("W-003", "IMG-04", "CVE-2026-1170", "docker.io/library/nginx:*", "",
     "Temporary acceptance until the edge proxy moves to the internal nginx build. Vendor note pasted from the "
     "ticket: <img src=x onerror=alert(1)>", "risk-accepted", "Jane Roe (CISO)", "2026-09-25", "2026-11-01"),
    ("W-004", "IMG-04", "CVE-2019-0000", "", "",
     '=HYPERLINK("http://evil.example") was pasted here from a spreadsheet; the entry refers to a finding that no '
     "scanner reports any more and should be removed at the next review.", "false-positive",
     "Omar Haddad (Platform lead)", "2026-10-05", "2027-04-30"),
    ("W-005", "IMG-04", "CVE-2026-9001", "docker.io/library/redis:*", "",
     "The session cache is reachable only from the shop namespace and the vulnerable command is disabled with "
     "rename-command; upgrade planned with the next Redis minor release.", "risk-accepted", "Jane Roe (CISO)",
     "2026-09-30", "2026-12-31"),
    ("W-006", "REG-01", "", "docker.io/library/redis:*", "",
     "Vendor image mirrored next quarter: Redis will be pulled through contosoacr.azurecr.io once the mirror "
     "project is funded.", "risk-accepted", "Omar Haddad (Platform lead)", "2026-10-01", "2027-02-28"),
]

ATTESTATIONS = {
    "NODE-02": dict(status="pass", attested_by="Omar Haddad, platform lead", date="2026-10-01", review_days=180,
                    evidence=["https://wiki.contoso.example/platform/aks/trusted-launch"],
                    body="All node pools of **aks-prod-weu** and **aks-stage-weu** were created with trusted launch: "
                         "secure boot and vTPM are enabled (`--enable-secure-boot --enable-vtpm`).\n\n"
                         "Checked with `az aks nodepool show` for every pool on 2026-10-01; the output is attached to "
                         "change CHG-2291."),
    "NODE-04": dict(status="pass", attested_by="Omar Haddad, platform lead", date="2026-10-01", expires="2027-09-30",
                    evidence=["https://wiki.contoso.example/platform/aks/encryption"],
                    body="Node OS and data disks use **encryption at host** with platform-managed keys, and persistent "
                         "volumes use the `managed-csi-cmk` storage class with customer-managed keys in the "
                         "`kv-contoso-platform` key vault. The Security team owns the key-rotation runbook."),
    "NET-02": dict(status="pass", attested_by="Omar Haddad, platform lead", date="2026-05-02", expires="2026-10-31",
                   evidence=["https://wiki.contoso.example/platform/aks/api-server-access"],
                   body="The API servers accept connections only from the authorized IP ranges of the Contoso VPN "
                        "gateways (`198.51.100.0/26`) and the build agents.\n\nThis review was due again on 2026-10-31 "
                        "and has not been repeated yet."),
    "GOV-01": dict(status="warning", attested_by="Jane Roe, CISO", date="2026-09-15", review_days=120,
                   evidence=["https://wiki.contoso.example/security/threat-models/container-platform"],
                   body="The threat model of the container platform was reviewed in September 2026.\n\n"
                        "The yearly **penetration test** is scheduled for January 2027 (purchase order PO-7731); the "
                        "previous test is older than 12 months, so this stays a warning until the report is in.\n\n"
                        "<script>alert(1)</script>\n\n"
                        "Findings are tracked in the security backlog ([click](javascript:alert(1)))."),
    "REG-02": dict(status="pass", attested_by="Omar Haddad, platform lead", date="2026-10-12", review_days=365,
                   evidence=["https://wiki.contoso.example/platform/acr/access"],
                   body="`contosoacr` has the admin user disabled and anonymous pull turned off. Clusters pull with "
                        "their kubelet managed identity (AcrPull only); pipelines push with a workload identity that "
                        "holds AcrPush on the team repositories. Access reviews run every quarter."),
    "SEC-03": dict(status="pass", attested_by="Jane Roe, CISO", date="2026-10-12", review_days=365,
                   evidence=["https://wiki.contoso.example/platform/aks/kms"],
                   body="Kubernetes secrets are encrypted at rest in etcd with **KMS v2** using a key in "
                        "`kv-contoso-platform`; all API and in-cluster traffic uses TLS 1.2 or later."),
    "NET-01": dict(status="pass", attested_by="Omar Haddad, platform lead", date="2026-10-05", review_days=180,
                   evidence=["https://wiki.contoso.example/platform/aks/networking"],
                   body="Both clusters use **Azure CNI powered by Cilium**, which enforces Kubernetes NetworkPolicy. "
                        "The `shop`, `payments` and `identity` namespaces have a default-deny policy with explicit "
                        "allow rules; `batch` and `default` do not have one yet (ticket NET-412)."),
}


def toml_str(s):
    return json.dumps(s, ensure_ascii=False)


# gen_sample_platform.py appends its block to muster.toml between these lines; keep it
# when rewriting the file, so that the generators can run in any order.
PLATFORM_BLOCK_BEGIN = "# --- platform exports (scripts/gen_sample_platform.py) ---"


def platform_block():
    """The block gen_sample_platform.py appended to the current muster.toml, if any."""
    try:
        with open(os.path.join(ROOT, "muster.toml"), encoding="utf-8") as f:
            text = f.read()
    except FileNotFoundError:
        return ""
    start = text.find(PLATFORM_BLOCK_BEGIN)
    return text[start:] if start >= 0 else ""


def gen_config():
    block = platform_block()
    put("muster.toml", MUSTER_TOML.rstrip("\n") + "\n\n" + block if block else MUSTER_TOML)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["id", "control", "finding", "image", "workload", "reason", "category", "approver", "approved_on",
                "expires_on"])
    for row in WAIVERS:
        w.writerow(row)
    put("waivers.csv", buf.getvalue())
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["rule", "subject", "disposition", "by", "on", "note"])
    for row in TRIAGE:
        w.writerow(row)
    put("triage.csv", buf.getvalue())
    for control, a in ATTESTATIONS.items():
        lines = ["+++", f"control = {toml_str(control)}", f"status = {toml_str(a['status'])}",
                 f"attested_by = {toml_str(a['attested_by'])}", f"date = {toml_str(a['date'])}"]
        if "expires" in a:
            lines.append(f"expires = {toml_str(a['expires'])}")
        else:
            lines.append(f"review_days = {a['review_days']}")
        lines.append("evidence = [" + ", ".join(toml_str(e) for e in a["evidence"]) + "]")
        lines.append("+++")
        put(f"attestations/{control}.md", "\n".join(lines) + "\n" + a["body"] + "\n")


# ----------------------------------------------------------------------------- main


def main():
    gen_falco()
    gen_tetragon()
    gen_audit()
    gen_policy_reports()
    gen_gatekeeper()
    gen_defender()
    gen_kube_bench()
    gen_docker_bench()
    gen_config()
    for d in DIRS:
        shutil.rmtree(os.path.join(ROOT, d), ignore_errors=True)
    for rel, data in sorted(FILES.items()):
        path = os.path.join(ROOT, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
    total = sum(len(v) for v in FILES.values())
    print(f"wrote {len(FILES)} files, {total} bytes under {ROOT}")


if __name__ == "__main__":
    main()
