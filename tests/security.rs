//! Hostile input: payloads in every field an attacker controls must not become markup,
//! and planted secrets must not reach any file of the site or its exports.

mod common;
use common::*;
use std::path::Path;

const CANARIES: &[&str] = &[
    "CANARY-TRIVY-SECRET-7f3a9",
    "CANARY-CODE-LINE-51c2",
    "CANARY-SECRET-DATA-0b6e",
    "Q0FOQVJZLVNFQ1JFVC1EQVRB",
    "CANARY-CONFIGMAP-93dd",
    "CANARY-ENV-VALUE-42aa",
    "CANARY-FALCO-PASS-8c1d",
    "CANARY-BEARER-TOKEN-aa17bb",
    // Platform documents: ACI plain values, connection strings and registry passwords,
    // AKS and GKE credentials in cluster profiles, literal env values in the inventory.
    "CANARY-ACI-PLAIN-VALUE-5d21",
    "CANARY-ACI-ACCOUNT-KEY-77e0",
    "CANARY-ACI-REGISTRY-PASS-c3f9",
    "CANARY-AKS-SP-SECRET-1a2b",
    "CANARY-AKS-WIN-PASS-9e8d",
    "CANARY-AKS-ADDON-KEY-6f4c",
    "CANARY-GKE-PASSWORD-0c7a",
    "CANARY-GKE-CLIENT-KEY-b512",
    "CANARY-K8S-ENV-LITERAL-3e3e",
    "CANARY-K8S-LAST-APPLIED-d00d",
];

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn hostile_estate(dir: &Path) {
    let xss = "<script>alert(1)</script>";
    let img = "evil.example/\\u003cscript\\u003ealert(1)\\u003c/script\\u003e:1";
    write(
        dir,
        "trivy/hostile.json",
        &format!(
            r#"{{"SchemaVersion":2,"CreatedAt":"2026-11-19T06:00:00Z","ArtifactName":"{img}","ArtifactType":"container_image",
"Metadata":{{"OS":{{"Family":"alpine\"><svg onload=alert(1)>","Name":"3.19"}},"RepoTags":["{img}"]}},
"Results":[{{"Target":"app/{x}","Class":"os-pkgs","Type":"alpine","Vulnerabilities":[{{"VulnerabilityID":"CVE-2026-9999<img src=x onerror=alert(2)>","PkgName":"pkg\" onmouseover=\"alert(3)","InstalledVersion":"1","FixedVersion":"2","Severity":"HIGH","Title":"{x}","PrimaryURL":"javascript:alert(4)"}}]}},
{{"Target":"app/.env","Class":"secret","Secrets":[{{"RuleID":"aws-secret-access-key","Category":"AWS","Severity":"CRITICAL","Title":"AWS Secret Access Key","StartLine":3,"EndLine":3,"Match":"AWS_SECRET_ACCESS_KEY={c0}","Code":{{"Lines":[{{"Number":3,"Content":"AWS_SECRET_ACCESS_KEY={c1}","IsCause":true}}]}}}}]}}]}}"#,
            x = xss.replace('"', "\\\""),
            c0 = CANARIES[0],
            c1 = CANARIES[1]
        ),
    );
    let audit = [
        format!(
            r#"{{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"RequestResponse","auditID":"1","stage":"ResponseComplete","verb":"create","requestURI":"/api/v1/namespaces/shop/secrets","user":{{"username":"mallory"}},"objectRef":{{"resource":"secrets","namespace":"shop","name":"db"}},"responseStatus":{{"code":201}},"requestObject":{{"kind":"Secret","data":{{"password":"{}"}},"stringData":{{"token":"{}"}}}},"requestReceivedTimestamp":"2026-11-19T10:00:00Z","stageTimestamp":"2026-11-19T10:00:00Z"}}"#,
            CANARIES[3], CANARIES[2]
        ),
        format!(
            r#"{{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"RequestResponse","auditID":"2","stage":"ResponseComplete","verb":"create","requestURI":"/api/v1/namespaces/shop/configmaps","user":{{"username":"mallory"}},"objectRef":{{"resource":"configmaps","namespace":"shop","name":"cfg"}},"responseStatus":{{"code":201}},"requestObject":{{"kind":"ConfigMap","data":{{"DB_PASSWORD":"{}"}}}},"requestReceivedTimestamp":"2026-11-19T10:00:00Z","stageTimestamp":"2026-11-19T10:00:00Z"}}"#,
            CANARIES[4]
        ),
        format!(
            r#"{{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"RequestResponse","auditID":"3","stage":"ResponseComplete","verb":"create","requestURI":"/api/v1/namespaces/shop/pods","user":{{"username":"mallory"}},"objectRef":{{"resource":"pods","namespace":"shop","name":"{x}"}},"responseStatus":{{"code":201}},"annotations":{{"pod-security.kubernetes.io/enforce-policy":"restricted:latest"}},"requestObject":{{"kind":"Pod","metadata":{{"name":"{x}"}},"spec":{{"containers":[{{"name":"app","image":"nginx:1.25","env":[{{"name":"API_TOKEN","value":"{}"}}]}}]}}}},"requestReceivedTimestamp":"2026-11-19T10:00:00Z","stageTimestamp":"2026-11-19T10:00:00Z"}}"#,
            CANARIES[5],
            x = "\\u003cimg src=x onerror=alert(5)\\u003e"
        ),
    ];
    write(dir, "audit/audit.jsonl", &(audit.join("\n") + "\n"));
    write(
        dir,
        "falco/alerts.jsonl",
        &format!(
            "{}\n",
            format_args!(
                r#"{{"rule":"Terminal shell in container","priority":"Notice","time":"2026-11-19T11:00:00Z","hostname":"node-1","output":"shell {x} Authorization: Bearer {b}","output_fields":{{"k8s.ns.name":"shop","k8s.pod.name":"<img src=x onerror=alert(6)>","container.image.repository":"nginx","container.image.tag":"1.25","proc.cmdline":"mysql --password={p} -h db"}}}}"#,
                x = xss.replace('"', "\\\""),
                b = CANARIES[7],
                p = CANARIES[6]
            )
        ),
    );
    platform_documents(dir);
    write(dir, "waivers.csv", "id,control,finding,image,workload,reason,category,approver,approved_on,expires_on\n\
W-1,*,,,,<img src=x onerror=alert(7)>,risk-accepted,<script>alert(8)</script>,2026-01-01,2027-01-01\n\
W-2,*,,,,\"=HYPERLINK(\"\"http://evil.example\"\")\",risk-accepted,CISO,2026-01-01,2027-01-01\n");
    write(dir, "attestations/node.md", "+++\ncontrol = \"NODE-02\"\nstatus = \"pass\"\nattested_by = \"<script>alert(9)</script>\"\ndate = 2026-11-01\nevidence = [\"javascript:alert(10)\", \"https://wiki.example/ok\"]\n+++\n<script>alert(11)</script>\n\n[click](javascript:alert(12)) <img src=x onerror=alert(13)>\n");
    write(
        dir,
        "muster.toml",
        "[report]\nas_of = \"2026-11-20\"\n[site]\ntitle = \"<script>alert(14)</script>\"\n",
    );
}

/// Platform exports with secrets where real ones put them, and markup in names.
fn platform_documents(dir: &Path) {
    let x = "\\u003cimg src=x onerror=alert(20)\\u003e";
    let rg = "/subscriptions/0/resourceGroups/rg/providers";
    write(
        dir,
        "platform/2026-11-19/aci.json",
        &format!(
            r#"[{{"id":"{rg}/Microsoft.ContainerInstance/containerGroups/cg{x}","name":"cg{x}","type":"Microsoft.ContainerInstance/containerGroups","location":"westeurope",
"containers":[{{"name":"app{x}","image":"contosoacr.azurecr.io/app:1.0","environmentVariables":[
{{"name":"DB_PASSWORD","value":"{v}"}},
{{"name":"STORAGE_CONNECTION_STRING","value":"DefaultEndpointsProtocol=https;AccountName=st;AccountKey={k};EndpointSuffix=core.windows.net"}},
{{"name":"GREETING{x}","value":"hello"}},
{{"name":"API_KEY","secureValue":null}}]}}],
"imageRegistryCredentials":[{{"server":"contosoacr.azurecr.io","username":"contosoacr","password":"{r}"}}],
"ipAddress":{{"type":"Public","ip":"203.0.113.7","ports":[{{"port":80}}]}},"osType":"Linux"}}]"#,
            v = CANARIES[8],
            k = CANARIES[9],
            r = CANARIES[10],
        ),
    );
    write(
        dir,
        "platform/2026-11-19/aks.json",
        &format!(
            r#"{{"id":"{rg}/Microsoft.ContainerService/managedClusters/aks{x}","name":"aks{x}","type":"Microsoft.ContainerService/ManagedClusters","location":"westeurope",
"kubernetesVersion":"1.30.5","enableRbac":true,"servicePrincipalProfile":{{"clientId":"msi","secret":"{sp}"}},
"windowsProfile":{{"adminUsername":"azureuser","adminPassword":"{win}"}},
"addonProfiles":{{"omsagent":{{"enabled":true,"config":{{"logAnalyticsWorkspaceResourceID":"x","sharedKey":"{addon}"}}}}}},
"agentPoolProfiles":[{{"name":"pool{x}","enableNodePublicIp":true}}]}}"#,
            sp = CANARIES[11],
            win = CANARIES[12],
            addon = CANARIES[13],
        ),
    );
    write(
        dir,
        "platform/2026-11-19/gke.json",
        &format!(
            r#"{{"name":"gke{x}","currentMasterVersion":"1.30.5-gke.1","masterAuth":{{"username":"admin","password":"{pw}","clientKey":"{ck}","clientCertificateConfig":{{"issueClientCertificate":true}}}},
"nodePools":[{{"name":"pool{x}"}}]}}"#,
            pw = CANARIES[14],
            ck = CANARIES[15],
        ),
    );
    write(
        dir,
        "platform/2026-11-19/kubectl.json",
        &format!(
            r#"{{"apiVersion":"v1","kind":"List","items":[{{"apiVersion":"v1","kind":"Pod","metadata":{{"name":"web{x}","namespace":"shop",
"annotations":{{"kubectl.kubernetes.io/last-applied-configuration":"{{\"kind\":\"Secret\",\"stringData\":{{\"token\":\"{la}\"}}}}"}}}},
"spec":{{"containers":[{{"name":"app","image":"nginx:1.25","env":[{{"name":"API_KEY","value":"{env}"}}]}}]}}}}]}}"#,
            la = CANARIES[17],
            env = CANARIES[16],
        ),
    );
}

/// Write the hostile estate and build it with one extra flag: (temp dir, inputs, site, stderr).
fn build_hostile(
    flag: &str,
) -> (
    tempfile::TempDir,
    std::path::PathBuf,
    std::path::PathBuf,
    String,
) {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("inputs");
    hostile_estate(&inputs);
    let site = dir.path().join("site");
    let (code, _, err) = run(&[
        "build",
        inputs.to_str().unwrap(),
        "-o",
        site.to_str().unwrap(),
        flag,
    ]);
    assert_eq!(code, 0, "{err}");
    (dir, inputs, site, err)
}

#[test]
fn hostile_payloads_never_become_markup_and_no_secret_is_republished() {
    let (dir, inputs, site, _) = build_hostile("--quiet");
    // No canary in any output file (pages, CSV, JSON, OSCAL, manifest, charts).
    for (path, bytes) in read_tree(&site) {
        let text = String::from_utf8_lossy(&bytes);
        for c in CANARIES {
            assert!(
                !text.contains(c),
                "{path} republishes the planted secret {c}"
            );
        }
    }
    // A real HTML parser finds no executable or foreign markup.
    let audit = std::process::Command::new("python3")
        .arg(root().join("tests/tools/html_audit.py"))
        .arg(&site)
        .output();
    match audit {
        Ok(out) => assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        ),
        Err(e) => eprintln!("skipped HTML audit: python3 not available ({e})"),
    }
    // CSV cells a spreadsheet would execute are neutralised.
    let waivers =
        String::from_utf8_lossy(&std::fs::read(site.join("waivers.csv")).unwrap()).into_owned();
    assert!(
        !waivers.contains(",=HYPERLINK") && !waivers.contains(",\"=HYPERLINK"),
        "{waivers}"
    );
    // The shard carries no secret either.
    let text = ingest_to_shard(&inputs, &dir.path().join("x.muster.jsonl"));
    for c in CANARIES {
        assert!(!text.contains(c), "the shard carries {c}");
    }
}

/// The platform documents of the hostile estate are read as their formats (so the
/// canary test above covers them), and the secret-looking plain values are reported
/// by name only.
#[test]
fn hostile_platform_documents_are_read_and_secrets_kept_by_name_only() {
    let dir = tempfile::tempdir().unwrap();
    hostile_estate(dir.path());
    let (_, out, err) = run(&[
        "check",
        dir.path().to_str().unwrap(),
        "--format",
        "json",
        "--as-of",
        "2026-11-20",
    ]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {err}"));
    let inputs = v["inputs"].as_array().unwrap();
    for (file, format) in [
        ("platform/2026-11-19/aci.json", "aci"),
        ("platform/2026-11-19/aks.json", "aks"),
        ("platform/2026-11-19/gke.json", "gke"),
        ("platform/2026-11-19/kubectl.json", "k8s-inventory"),
    ] {
        let i = inputs
            .iter()
            .find(|i| i["path"].as_str().is_some_and(|p| p.ends_with(file)))
            .unwrap_or_else(|| panic!("{file} not listed"));
        assert_eq!(i["formats"], serde_json::json!([format]), "{file}: {i}");
    }
    for c in CANARIES {
        assert!(!out.contains(c), "check output carries {c}");
    }
    let site = dir.path().join("site");
    let (code, _, err) = run(&[
        "build",
        dir.path().to_str().unwrap(),
        "-o",
        site.to_str().unwrap(),
        "--quiet",
    ]);
    assert_eq!(code, 0, "{err}");
    let page = read_tree(&site)
        .into_iter()
        .find(|(p, _)| p.ends_with("SEC-04.html"))
        .map(|(_, b)| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_else(|| panic!("no SEC-04 page"));
    assert!(
        page.contains("DB_PASSWORD") && page.contains("STORAGE_CONNECTION_STRING"),
        "the SEC-04 page does not name the plain values"
    );
}

#[test]
fn no_redact_keeps_command_lines_and_warns_on_every_page() {
    let (_dir, _, site, err) = build_hostile("--no-redact");
    assert!(err.contains("--no-redact"));
    for (path, bytes) in read_tree(&site) {
        if path.ends_with(".html") {
            assert!(
                String::from_utf8_lossy(&bytes).contains("no-redact"),
                "{path} lacks the --no-redact warning"
            );
        }
    }
}

/// A gzip bomb (a few kilobytes that inflate to far more than the cap) behind a shard
/// header, and the same bomb as a plain export: each is cut at the cap with a
/// diagnostic, and nothing past the cap is decoded.
#[test]
fn gzip_bombs_in_shards_and_exports_stop_at_the_decode_cap() {
    use flate2::write::GzEncoder;
    use muster::ingest::{ingest_paths, IngestOptions};
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let cap: u64 = 1 << 20;
    let bomb = |head: &str| {
        let mut gz = GzEncoder::new(Vec::new(), flate2::Compression::best());
        gz.write_all(head.as_bytes()).unwrap();
        let zeros = vec![b' '; 1 << 20];
        for _ in 0..64 {
            gz.write_all(&zeros).unwrap(); // 64 MiB of spaces, 64 times the cap
        }
        gz.finish().unwrap()
    };
    let shard = bomb("{\"muster_shard\":1,\"muster_version\":\"0\"}\n");
    assert!(shard.len() < 200_000, "the bomb is small on disk");
    std::fs::write(dir.path().join("bomb.muster.jsonl.gz"), &shard).unwrap();
    std::fs::write(
        dir.path().join("bomb.json.gz"),
        bomb("{\"SchemaVersion\": 2,"),
    )
    .unwrap();
    let opts = IngestOptions {
        max_decoded_bytes: cap,
        ..IngestOptions::default()
    };
    let got = ingest_paths(&[dir.path().to_path_buf()], &opts);
    for name in ["bomb.muster.jsonl.gz", "bomb.json.gz"] {
        let s = got
            .sources
            .iter()
            .find(|s| s.path.ends_with(name))
            .unwrap_or_else(|| panic!("{name} has a summary: {:?}", got.sources));
        assert!(
            s.diagnostics
                .iter()
                .any(|d| d.code == muster::diag::Code::TooLarge),
            "{name}: {:?}",
            s.diagnostics
        );
    }
    assert!(got.records.is_empty());
}

/// Credential shapes the redaction table did not know (audit-b problem 4) in a Falco
/// alert's output line and command line: a shard keeps neither (docs/shards.md, "carry
/// no more than the site"), so none of them can travel in it.
#[test]
fn shards_carry_no_message_or_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("in");
    let leaks = [
        "mysql -u root -pZZ01mysqlpass db",
        "curl -u admin:ZZ02curlpass https://internal",
        "sshpass -p ZZ03sshpass ssh root@host",
        "redis-cli -a ZZ04redispass ping",
        "echo password: ZZ05colonpass",
        "docker login -u bob -p ZZ07dockerpass r",
        "curl -H X-Api-Key: ZZ08apikeyhdr",
        "env DB_PASS=ZZ18dbpass app",
    ];
    let lines: Vec<String> = leaks
        .iter()
        .enumerate()
        .map(|(i, l)| {
            format!(
                r#"{{"output":"shell (command={l})","priority":"Warning","rule":"r{i}","time":"2025-12-30T00:00:00Z","output_fields":{{"proc.cmdline":"{l}","k8s.ns.name":"shop"}}}}"#
            )
        })
        .collect();
    write(&inputs, "falco.jsonl", &(lines.join("\n") + "\n"));
    let text = ingest_to_shard(&inputs, &dir.path().join("s.muster.jsonl"));
    assert_eq!(text.matches("\"record\"").count(), leaks.len(), "{text}");
    assert!(
        !text.contains("ZZ"),
        "the shard republishes a credential: {text}"
    );
    assert!(!text.contains("cmdline"), "{text}");
}

/// A file name (and so every diagnostic about it) carrying terminal escapes reaches
/// stderr escaped: no raw ESC, BEL, CR or bidi override.
#[test]
fn diagnostics_print_no_terminal_escape_from_an_export() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("in");
    write(
        &inputs,
        "evil\u{1b}]0;PWNED\u{7}\u{1b}[2J\r\u{202E}x.json",
        "{\"not\":\"an export\"}",
    );
    let site = dir.path().join("site");
    let (code, _, err) = run(&[
        "build",
        inputs.to_str().unwrap(),
        "-o",
        site.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("evil\\u{1b}]0;PWNED\\u{7}"), "{err}");
    assert!(
        !err.chars()
            .any(|c| (c.is_control() && c != '\n') || c == '\u{202E}'),
        "{err:?}"
    );
}

/// Run `muster ingest INPUTS -o SHARD` (it must succeed) and return the shard's text.
fn ingest_to_shard(inputs: &std::path::Path, shard: &std::path::Path) -> String {
    let (code, _, err) = run(&[
        "ingest",
        inputs.to_str().unwrap(),
        "-o",
        shard.to_str().unwrap(),
        "--quiet",
    ]);
    assert_eq!(code, 0, "{err}");
    std::fs::read_to_string(shard).unwrap()
}
