//! End to end on the sample estate: the built site, its links, its statuses, its
//! reproducibility, its languages, how it shows the time of evidence, shards, and a
//! build killed half-way.

mod common;
use common::*;

#[test]
fn sample_site_has_every_page_it_links_to_and_every_control() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    build_sample(&site, &[]);
    let files = read_tree(&site);
    assert!(files.contains_key("index.html"));
    for name in [
        "sources.html",
        "controls.csv",
        "findings.csv",
        "waivers.csv",
        "sources.csv",
        "report.json",
        "report.html",
        "oscal/assessment-results.json",
        "manifest.json",
    ] {
        assert!(files.contains_key(name), "missing {name}");
    }
    let controls: Vec<&String> = files
        .keys()
        .filter(|k| k.starts_with("controls/") && k.ends_with(".html"))
        .collect();
    assert_eq!(controls.len(), catalog_size(), "{controls:?}");
    let broken = broken_links(&files);
    assert!(broken.is_empty(), "broken links: {broken:#?}");
    platform_facts_sit_beside_other_evidence(&files);
}

/// A control page lists platform facts beside scanner, admission and runtime evidence
/// about the same workload, each row linking to its file, with the fact's JSON pointer.
fn platform_facts_sit_beside_other_evidence(files: &std::collections::BTreeMap<String, Vec<u8>>) {
    let page = String::from_utf8_lossy(&files["controls/RUN-02.html"]).into_owned();
    let rows: Vec<&str> = page
        .split("<tr>")
        .filter(|r| r.contains("batch/Deployment/etl") || r.contains("/Pod/etl-"))
        .collect();
    for format in ["k8s-inventory", "trivy-k8s", "falco"] {
        assert!(
            rows.iter()
                .any(|r| r.contains(&format!("<span class=\"muted\">{format}</span>"))),
            "RUN-02 shows no {format} row about the etl workload"
        );
    }
    assert!(
        page.contains("<span class=\"muted\">k8s-audit</span>"),
        "no admission row on RUN-02"
    );
    let fact = rows
        .iter()
        .find(|r| r.contains("k8s-inventory") && r.contains("/securityContext/privileged"))
        .unwrap_or_else(|| panic!("no inventory row for the privileged etl container"));
    assert!(
        fact.contains("href=\"../sources.html#src-")
            && fact.contains("#/items/")
            && fact.contains("/securityContext/privileged"),
        "{fact}"
    );
    // A cluster setting: the NODE-02 row of the staging pool cites the field that failed.
    let node = String::from_utf8_lossy(&files["controls/NODE-02.html"]).into_owned();
    assert!(
        node.contains("aks-stage-weu.json:1#/agentPoolProfiles/0/securityProfile/enableSecureBoot"),
        "NODE-02 cites no pointer"
    );
}

#[test]
fn sample_estate_shows_every_status_the_story_needs() {
    let (_, out, _) = run(&["check", sample().to_str().unwrap(), "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    // MON-03 was the sample's one manual control; it now reads the registry's diagnostic
    // settings, and every other attestation-only check is attested or outranked, so the
    // sample has no manual control (the scenario attestation-missing-leaves-control-manual
    // pins that status).
    for s in ["pass", "fail", "warning", "not-assessed"] {
        assert!(
            v["statuses"][s].as_u64().unwrap_or(0) > 0,
            "no control is {s}: {}",
            v["statuses"]
        );
    }
    let status = |id: &str| {
        v["controls"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .map(|c| c["status"].as_str().unwrap().to_string())
    };
    assert_eq!(
        status("IMG-04").as_deref(),
        Some("fail"),
        "overdue and known-exploited vulnerabilities"
    );
    assert_eq!(
        status("NODE-03").as_deref(),
        Some("warning"),
        "no node public IPs anywhere, but SSH with local keys on the staging pools (az aks show)"
    );
    assert_eq!(
        status("NODE-02").as_deref(),
        Some("warning"),
        "the staging pools have no trusted launch: the platform fact decides over the attestation"
    );
    assert_eq!(
        status("MON-03").as_deref(),
        Some("warning"),
        "registry login and repository events reach the workspace (az monitor diagnostic-settings list), but aks-stage-weu's API-server audit events are missing on 22 of the last 30 days"
    );
    let open = ["not-assessed", "manual"]
        .iter()
        .map(|s| v["statuses"][s].as_u64().unwrap_or(0))
        .sum::<u64>();
    assert!(open <= 3, "manual or not assessed: {}", v["statuses"]);
}

#[test]
fn two_builds_with_the_same_inputs_are_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    build_sample(&a, &[]);
    build_sample(&b, &[]);
    let (ta, tb) = (read_tree(&a), read_tree(&b));
    assert_eq!(ta.keys().collect::<Vec<_>>(), tb.keys().collect::<Vec<_>>());
    for (k, v) in &ta {
        assert!(
            tb.get(k) == Some(v),
            "{k} differs between two identical builds"
        );
    }
}

#[test]
fn spanish_and_french_sites_have_no_english_interface_strings_left() {
    let dir = tempfile::tempdir().unwrap();
    let en = dir.path().join("en");
    build_sample(&en, &[]);
    for lang in ["es", "fr"] {
        let out = dir.path().join(lang);
        build_sample(&out, &["--lang", lang]);
        let index = page(&out, "index.html");
        assert!(
            index.contains(&format!("lang=\"{lang}\"")),
            "{lang}: html lang attribute"
        );
        // Evidence time, translated: undated rows, rows dated from their path, stale checks.
        let (unknown, from_path, stale) = match lang {
            "es" => (
                "fecha desconocida",
                "fecha tomada de la ruta",
                "obsoleta desde el",
            ),
            _ => ("date inconnue", "date tirée du chemin", "périmée depuis le"),
        };
        let img04 = page(&out, "controls/IMG-04.html");
        assert!(
            img04.contains(&format!(">{unknown}</td>")),
            "{lang}: {unknown}"
        );
        assert!(img04.contains(from_path), "{lang}: {from_path}");
        // A stale check (the scenario of a benchmark run older than its freshness limit).
        let stale_site = dir.path().join(format!("stale-{lang}"));
        build_dir(
            &stale_scenario(),
            &stale_site,
            &["--as-of", "2026-11-20", "--lang", lang],
        );
        assert!(
            page(&stale_site, "controls/CFG-01.html").contains(stale),
            "{lang}: {stale}"
        );
        // The kinds of records each input file holds are words of the language.
        let heartbeat = match lang {
            "es" => "latido",
            _ => "signal de vie",
        };
        let sources = visible_text(&page(&out, "sources.html"));
        assert!(sources.contains(heartbeat), "{lang}: sources.html");
        assert!(
            !sources.contains("heartbeat:"),
            "{lang}: sources.html names a record kind in English"
        );
        for english in [
            "Controls",
            "Evidence",
            "Remediation",
            "Findings",
            "Sources",
            "What changed",
            "Not assessed",
            "Waivers",
        ] {
            for p in [
                "index.html",
                "controls/IMG-04.html",
                "sources.html",
                "findings.html",
            ] {
                let text = visible_text(&page(&out, p));
                assert!(
                    !text
                        .split(|c: char| !c.is_alphanumeric() && c != ' ')
                        .any(|w| w.trim() == english),
                    "{lang}/{p} still says {english:?}"
                );
            }
        }
    }
}

/// muster's own inventory checks (Kubernetes inventory, ACI) are titled in the site's
/// language on findings, team and control pages and in the search index; the exports
/// (findings.csv, report.json) keep the English titles, as does the English site.
#[test]
fn inventory_check_titles_follow_the_site_language() {
    let dir = tempfile::tempdir().unwrap();
    let en = dir.path().join("en");
    build_sample(&en, &[]);
    let english = ["Container is privileged", "Container may run as root"];
    for t in english {
        assert!(page(&en, "findings.html").contains(t), "en: {t}");
    }
    for lang in ["es", "fr"] {
        let out = dir.path().join(lang);
        build_sample(&out, &["--lang", lang]);
        let translated = match lang {
            "es" => [
                "El contenedor es privilegiado",
                "El contenedor puede ejecutarse como root",
            ],
            _ => ["Le conteneur est privilégié", "exécuter en tant que root"],
        };
        for p in [
            "findings.html",
            "teams/Data.html",
            "controls/RUN-02.html",
            "assets/search-index.js",
        ] {
            let html = page(&out, p);
            assert!(
                html.contains(translated[0]),
                "{lang}/{p}: {}",
                translated[0]
            );
            assert!(
                !html.contains(english[0]),
                "{lang}/{p} says {:?}",
                english[0]
            );
        }
        let teams = page(&out, "teams/Payments.html");
        assert!(teams.contains(translated[1]), "{lang}: {}", translated[1]);
        assert!(!teams.contains(english[1]), "{lang}: {}", english[1]);
        for export in ["findings.csv", "report.json"] {
            assert_eq!(
                page(&out, export),
                page(&en, export),
                "{lang}: {export} keeps English"
            );
        }
    }
}

/// Muster's own words inside reasons (node states, benchmark mappings, sensors,
/// audit gaps, statuses, platform rows) follow the site's language, and so do the
/// dates inside them and the evidence-time page (audit items 15 and 16). So do the
/// catalog's words inside them (what a benchmark mapping's items check, its `about`)
/// and the description of the export fields a platform setting reads.
#[test]
fn spanish_and_french_control_pages_have_no_english_reason_fragments() {
    let dir = tempfile::tempdir().unwrap();
    for (lang, silent, optional, about, reads) in [
        (
            "es",
            "(sin informar desde el 10/11/2026)",
            "la comprobación es opcional, así que el control se mantiene en advertencia",
            "«el servidor de API cifra los secretos en reposo»",
            "kube-audit o kube-audit-admin habilitada, con un destino, en la configuración de diagnóstico del clúster (AKS)",
        ),
        (
            "fr",
            "(muet depuis le 10/11/2026)",
            "la vérification est facultative, le contrôle est donc maintenu en avertissement",
            "chiffre les secrets au repos »",
            "kube-audit ou kube-audit-admin activée, avec une destination, dans les paramètres de diagnostic du cluster (AKS)",
        ),
    ] {
        let out = dir.path().join(lang);
        build_sample(&out, &["--lang", lang]);
        let mut pages = 0;
        for entry in std::fs::read_dir(out.join("controls")).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "html") {
                continue;
            }
            pages += 1;
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            let text = visible_text(&std::fs::read_to_string(&path).unwrap());
            for english in [
                "silent since",
                "(no sensor)",
                "benchmark ids for",
                "not evidenced",
                "any runtime sensor",
                "no audit log",
                "any record of the audit log",
                "nodes named by any evidence",
                "(by tag)",
                "platform setting",
                "the export decides",
                "the check is optional",
                ": fail)",
                ": warning)",
                ": pass)",
                "phrase.",
                "reason.",
                // a benchmark mapping's `about` (SEC-03) and a platform setting's
                // fields (MON-03), as the English catalog and i18n/en.toml word them
                "the API server encrypts secrets at rest",
                "the API server serves TLS",
                "with a destination, in the cluster",
            ] {
                assert!(
                    !text.contains(english),
                    "{lang}/controls/{name} still says {english:?}"
                );
            }
        }
        assert!(pages >= 40, "{lang}: {pages} control pages");
        let mon01 = visible_text(&page(&out, "controls/MON-01.html"));
        assert!(mon01.contains(silent), "{lang}: MON-01 lacks {silent:?}");
        let reg02 = visible_text(&page(&out, "controls/REG-02.html"));
        assert!(
            reg02.contains(optional),
            "{lang}: REG-02 lacks {optional:?}"
        );
        let sec03 = visible_text(&page(&out, "controls/SEC-03.html"));
        assert!(sec03.contains(about), "{lang}: SEC-03 lacks {about:?}");
        let mon03 = visible_text(&page(&out, "controls/MON-03.html"));
        assert!(mon03.contains(reads), "{lang}: MON-03 lacks {reads:?}");
        // Subjects named by their cluster or namespace alone say so in the language.
        let (cluster, namespace) = match lang {
            "es" => ("clúster aks-stage-weu", "aks-prod-weu/espacio de nombres batch"),
            _ => ("cluster aks-stage-weu", "aks-prod-weu/espace de noms batch"),
        };
        let k8s01 = visible_text(&page(&out, "controls/K8S-01.html"));
        assert!(k8s01.contains(cluster), "{lang}: K8S-01 lacks {cluster:?}");
        let run02 = visible_text(&page(&out, "controls/RUN-02.html"));
        assert!(run02.contains(namespace), "{lang}: RUN-02 lacks {namespace:?}");
        let findings = visible_text(&page(&out, "findings.html"));
        assert!(
            findings.contains(namespace),
            "{lang}: findings.html lacks {namespace:?}"
        );
        // The evidence-time page every footer links to is in the site's language too.
        let doc = page(&out, "evidence-time.html");
        let heading = match lang {
            "es" => "La evidencia antigua no demuestra un cumplimiento actual",
            _ => "Une preuve ancienne ne prouve pas une conformité actuelle",
        };
        assert!(doc.contains(heading), "{lang}: evidence-time.html");
        assert!(
            !doc.contains("Old evidence does not prove") && !doc.contains("lang=\"en\""),
            "{lang}: evidence-time.html is still English"
        );
    }
}

/// A scenario whose only benchmark run is older than its freshness limit on 2026-11-20.
fn stale_scenario() -> std::path::PathBuf {
    common::root().join("tests/scenarios/benchmark-stale-the-day-after")
}

/// The cell of an evidence row that says when it was observed, for every row of a page.
fn observed_cells(html: &str) -> Vec<&str> {
    html.split("data-label=\"Observed\">")
        .skip(1)
        .map(|c| c.split("</td>").next().unwrap_or(""))
        .collect()
}

#[test]
fn evidence_time_shows_on_rows_checks_and_the_overview() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    build_sample(&site, &[]);
    // controls.csv: last_evidence is never blank when a control has evidence (a
    // control whose evidence is all undated says so).
    let mut rdr = csv::Reader::from_path(site.join("controls.csv")).unwrap();
    let head = rdr.headers().unwrap().clone();
    let col = |name: &str| head.iter().position(|h| h == name).unwrap();
    let (count, last) = (col("evidence_count"), col("last_evidence"));
    let mut undated = 0;
    for row in rdr.records().map(Result::unwrap) {
        if row.get(count) != Some("0") {
            assert!(
                !row.get(last).unwrap().is_empty(),
                "blank last_evidence: {row:?}"
            );
        }
        undated += usize::from(row.get(last) == Some("undated"));
    }
    assert!(
        undated > 0,
        "the sample has a control whose evidence is all undated"
    );
    // IMG-04 has undated rows, a row dated from its file's path and rows with a time.
    let cells = page(&site, "controls/IMG-04.html");
    let cells = observed_cells(&cells);
    assert!(
        cells.contains(&"date unknown"),
        "an undated row says date unknown: {cells:?}"
    );
    assert!(
        cells
            .iter()
            .any(|c| c.starts_with("2026-") && c.contains("dated from path")),
        "a row dated from the path says so: {cells:?}"
    );
    assert!(
        cells
            .iter()
            .all(|c| *c == "date unknown" || c.starts_with("20")),
        "every row has a date or says it has none: {cells:?}"
    );
    // A check whose newest evidence is older than the freshness limit says since when.
    let stale_site = dir.path().join("stale");
    build_dir(&stale_scenario(), &stale_site, &["--as-of", "2026-11-20"]);
    let cfg01 = page(&stale_site, "controls/CFG-01.html");
    assert!(
        cfg01.contains(
            "from 2026-11-12, older than its freshness limit of 7 days: stale since 2026-11-20."
        ),
        "CFG-01 says its evidence is stale since 2026-11-20"
    );
    // The evidence period leads the overview and the executive summary.
    for p in ["index.html", "executive.html"] {
        let html = page(&site, p);
        let period = html
            .split("Evidence from ")
            .nth(1)
            .and_then(|r| r.split('.').next())
            .unwrap_or_else(|| panic!("{p} shows no evidence period"));
        assert!(period.ends_with(" to 2026-11-20"), "{p}: {period}");
        assert!(
            html.contains("evidence-time.html"),
            "{p}: no link to how evidence is dated"
        );
    }
    assert!(page(&site, "index.html").contains("of them from their file"));
}

/// Text outside tags, roughly: enough to find interface words.
fn visible_text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push('\n');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

#[test]
fn shards_and_raw_exports_build_byte_identical_sites() {
    let dir = tempfile::tempdir().unwrap();
    let sample = sample();
    let raw = dir.path().join("raw");
    build_sample(&raw, &[]);
    // Ingest each top-level folder of the sample into its own shard, in "CI jobs" that
    // run from the crate root and name the folders as the single build shows them
    // (`sample-data/trivy`: docs/shards.md, "File names on the site").
    let shards = dir.path().join("shards");
    std::fs::create_dir(&shards).unwrap();
    for entry in std::fs::read_dir(&sample).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() && path.file_name().unwrap() != "attestations" {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let out = shards.join(format!("{name}.muster.jsonl.gz"));
            let ingest = muster()
                .args(["ingest", &format!("sample-data/{name}"), "--quiet", "-o"])
                .arg(&out)
                .current_dir(root())
                .output()
                .unwrap();
            assert!(
                ingest.status.success(),
                "{}",
                String::from_utf8_lossy(&ingest.stderr)
            );
        }
    }
    let merged = dir.path().join("merged");
    let config = sample.join("muster.toml");
    let (code, _, err) = run(&[
        "build",
        shards.to_str().unwrap(),
        "--config",
        config.to_str().unwrap(),
        "-o",
        merged.to_str().unwrap(),
        "--quiet",
    ]);
    assert_eq!(code, 0, "{err}");
    let (a, b) = (read_tree(&raw), read_tree(&merged));
    for (k, v) in &a {
        assert!(
            b.get(k) == Some(v),
            "{k} differs between raw and sharded builds"
        );
    }
    assert_eq!(a.len(), b.len());
}

#[test]
fn a_build_killed_half_way_leaves_the_previous_site_intact() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    build_sample(&site, &[]);
    let before = read_tree(&site);
    let sample = sample();
    let status = muster()
        .args([
            "build",
            sample.to_str().unwrap(),
            "-o",
            site.to_str().unwrap(),
            "--quiet",
            "--lang",
            "fr",
        ])
        .env("MUSTER_TEST_ABORT_AFTER_FILES", "10")
        .status()
        .unwrap();
    assert!(!status.success(), "the build was meant to die");
    assert_eq!(read_tree(&site), before, "the previous site changed");
    // The next build cleans up after the dead one and succeeds.
    build_sample(&site, &[]);
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n.to_string_lossy().contains("muster-tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn sample_vex_statement_closes_the_nginx_finding_everywhere_and_shows_its_expired_waiver() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    build_sample(&site, &[]);
    let read = |f: &str| std::fs::read_to_string(site.join(f)).unwrap();
    let v: serde_json::Value = serde_json::from_str(&read("report.json")).unwrap();
    let findings = v["report"]["findings"]
        .as_array()
        .or_else(|| v["findings"].as_array())
        .unwrap()
        .clone();
    let find = |id: &str| {
        findings
            .iter()
            .find(|f| v["checks"][f["check"].as_u64().unwrap() as usize]["check"] == id)
            .unwrap_or_else(|| panic!("no finding {id}"))
            .clone()
    };
    // not_affected (2026-11-12): closed by VEX, the expired waiver W-003 beside it.
    let nginx = find("CVE-2026-1170");
    assert_eq!(nginx["state"], "vex-closed");
    assert_eq!(nginx["expired_waiver"], "W-003");
    assert_eq!(nginx["vex"]["status"], "not_affected");
    assert_eq!(
        nginx["vex"]["justification"],
        "vulnerable_code_not_in_execute_path"
    );
    // under_investigation: still open, the statement shown.
    let admin = find("CVE-2026-22455");
    assert_eq!(admin["state"], "overdue");
    assert_eq!(admin["vex"]["status"], "under_investigation");
    // Open and overdue agree between report.json, the overview and the last trend point.
    let open = findings
        .iter()
        .filter(|f| ["overdue", "in-grace", "no-fix"].contains(&f["state"].as_str().unwrap()))
        .count();
    let overdue = findings.iter().filter(|f| f["state"] == "overdue").count();
    // The headline counts overdue findings in production and outside it apart.
    let outside = findings
        .iter()
        .filter(|f| f["state"] == "overdue" && f["outside_production"] == true)
        .count();
    let index = read("index.html");
    assert!(index.contains(&format!(
        "href=\"findings.html?state=open\" data-count=\"{open}\""
    )));
    assert!(index.contains(&format!(
        "href=\"findings.html?state=overdue-production\" data-count=\"{}\"",
        overdue - outside
    )));
    assert!(index.contains(&format!(
        "href=\"findings.html?state=overdue-outside-production\" data-count=\"{outside}\""
    )));
    let history = v["report"]["history"]
        .as_array()
        .or_else(|| v["history"].as_array())
        .unwrap();
    assert_eq!(history.last().unwrap()["overdue"], overdue);
    // The exports and the waivers page show the statement.
    let csv = read("findings.csv");
    let row = csv.lines().find(|l| l.contains("CVE-2026-1170")).unwrap();
    assert!(
        row.contains(",vex-closed,")
            && row.contains("W-003,not_affected,vulnerable_code_not_in_execute_path,")
    );
    let waivers = read("waivers.html");
    assert!(waivers.contains("vulnerable_code_not_in_execute_path"));
    assert!(waivers.contains("https://vex.contoso.example/platform/2026-11-12-001"));
}

/// Numbers that appear on several pages agree with report.json, and where muster has
/// no date it does not put one: the remediation list's headline counts open findings
/// (waived ones apart), the teams table counts unowned new findings (it showed "—"),
/// the risk lines count open findings (not evidence rows), and the OSCAL observation
/// of a control whose evidence is undated says its `collected` is the report date.
#[test]
fn sample_site_numbers_agree_across_pages() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    build_sample(&site, &[]);
    let files = read_tree(&site);
    let page = |p: &str| String::from_utf8_lossy(&files[p]).into_owned();
    let report: serde_json::Value = serde_json::from_slice(&files["report.json"]).unwrap();
    let findings = report["findings"].as_array().unwrap();
    let state = |f: &serde_json::Value| f["state"].as_str().unwrap_or("").to_string();
    let open: Vec<&serde_json::Value> = findings
        .iter()
        .filter(|f| ["overdue", "in-grace", "no-fix"].contains(&state(f).as_str()))
        .collect();
    let waived = findings.iter().filter(|f| state(f) == "waived").count();
    assert!(waived > 0, "the sample has waived findings");
    let intro = format!(
        "{} open findings, and {waived} waived findings with their waivers",
        open.len()
    );
    assert!(page("findings.html").contains(&intro), "{intro}");

    // The severity trend's last row adds up to the open findings (Unknown and
    // Informational included).
    let index = visible_text(&page("index.html"));
    let table = index
        .split("Open findings by severity over time: data table")
        .nth(1)
        .expect("the severity data table");
    let last = table
        .split("New and fixed findings per period")
        .next()
        .unwrap()
        .split_whitespace()
        .collect::<Vec<_>>();
    let row: u64 = last
        .iter()
        .rev()
        .take(6)
        .map(|n| n.parse::<u64>().expect("six counts end the table"))
        .sum();
    assert_eq!(
        row,
        open.len() as u64,
        "severity trend row vs open findings"
    );

    // Unowned new findings are counted, not shown as "—".
    let teams = page("teams.html");
    let unowned = teams
        .split("<tr>")
        .find(|r| r.contains(">Unowned<"))
        .expect("an Unowned row");
    let cells: Vec<&str> = unowned.split("<td").collect();
    let new_cell = cells
        .iter()
        .find(|c| c.contains("data-label=\"New\""))
        .unwrap();
    assert!(!new_cell.contains('—'), "{new_cell}");

    // The risk line of IMG-04 counts its open findings in production.
    let img04_open_production = open
        .iter()
        .filter(|f| {
            f["controls"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c == "IMG-04")
                && f.get("outside_production").is_none()
        })
        .count();
    assert!(
        page("report.html").contains(&format!("{img04_open_production} open in production")),
        "IMG-04: {img04_open_production}"
    );

    // OSCAL: a control with evidence but no dated evidence says so.
    let oscal: serde_json::Value =
        serde_json::from_slice(&files["oscal/assessment-results.json"]).unwrap();
    let controls = report["controls"].as_array().unwrap();
    let undated: Vec<&str> = controls
        .iter()
        .filter(|c| c.get("last_evidence").is_none_or(|v| v.is_null()))
        .filter(|c| c["evidence_count"].as_u64().unwrap_or(0) > 0)
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert!(!undated.is_empty(), "the sample has undated-only controls");
    for obs in oscal["assessment-results"]["results"][0]["observations"]
        .as_array()
        .unwrap()
    {
        let title = obs["title"].as_str().unwrap();
        if undated
            .iter()
            .any(|id| title == format!("Evidence for {id}"))
        {
            assert!(
                obs["remarks"].as_str().unwrap_or("").contains("no date"),
                "{title}"
            );
        }
    }
}

/// A row that stands for many identical events of one day says how many, and that its
/// source is the first of them (docs/evidence-time.md, "Repeated events are kept day by
/// day"); report.json gives the same counts for the same rows.
#[test]
fn folded_event_rows_say_how_many_events_they_stand_for() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    build_sample(&site, &[]);
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(site.join("report.json")).unwrap()).unwrap();
    let mut pages_with_folds = 0;
    for control in report["controls"].as_array().unwrap() {
        let id = control["id"].as_str().unwrap();
        let folded: Vec<u64> = control["checks"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|c| c["evidence"].as_array().cloned().unwrap_or_default())
            .filter_map(|e| e["count"].as_u64().filter(|n| *n > 1))
            .collect();
        let html = page(&site, &format!("controls/{id}.html"));
        let said = html.matches("identical events that day; the source is the first");
        assert_eq!(said.count(), folded.len(), "{id}: rows saying their count");
        for n in &folded {
            assert!(
                html.contains(&format!("{n} identical events that day")),
                "{id}: a row of {n} events says so"
            );
        }
        pages_with_folds += usize::from(!folded.is_empty());
    }
    assert!(pages_with_folds > 0, "the sample has folded event rows");
}

/// A valid attestation whose status the exports overrule says so on its control page
/// (NET-01: attested pass, failing on the exports); one the control agrees with does
/// not (SEC-03, settled by its attestation).
#[test]
fn an_attestation_the_exports_overrule_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    build_sample(&site, &[]);
    let said = "This attestation says “Pass”, but on the exports the control is “Fail”";
    assert!(page(&site, "controls/NET-01.html").contains(said));
    assert!(!page(&site, "controls/SEC-03.html").contains("This attestation says"));
}
