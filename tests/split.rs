//! Split builds (issue 17, docs/shards.md): exports split into parts by
//! scripts/shard-part.sh, `muster ingest` run on every part as parallel processes and the
//! shards merged by `muster build` give a site byte-identical, file for file, to a
//! single-process `muster build` of the same folder, and the same `check --format json`.
//! deploy/ runs these same command lines; the last tests hold its manifests to that and
//! to muster's own pod checks.

mod common;

use common::{muster, read_tree, root};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const PARTS: usize = 8;
const AS_OF: &str = "--as-of=2026-11-20";

fn ok(out: Output, what: &str) -> Output {
    assert!(
        out.status.success(),
        "{what} failed ({:?}): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// The files of part `k` of `n` of folder `dir` (a path relative to `cwd`), as
/// scripts/shard-part.sh lists them.
fn part_files(cwd: &Path, dir: &str, k: usize, n: usize) -> Vec<String> {
    let out = Command::new("bash")
        .arg(root().join("scripts/shard-part.sh"))
        .args([dir, &k.to_string(), &n.to_string()])
        .current_dir(cwd)
        .output()
        .expect("bash runs");
    let out = ok(out, "scripts/shard-part.sh");
    String::from_utf8(out.stdout)
        .expect("utf-8 paths")
        .lines()
        .map(str::to_string)
        .collect()
}

/// Ingest the parts of `cwd/dir` as parallel processes into `shards`; returns how many
/// files the parts held in all.
fn ingest_parts(cwd: &Path, dir: &str, shards: &Path) -> usize {
    let parts: Vec<Vec<String>> = (0..PARTS).map(|k| part_files(cwd, dir, k, PARTS)).collect();
    let children: Vec<_> = parts
        .iter()
        .enumerate()
        .filter(|(_, files)| !files.is_empty())
        .map(|(k, files)| {
            muster()
                .arg("ingest")
                .arg("--quiet")
                .args(files)
                .arg("-o")
                .arg(shards.join(format!("part-{k}.muster.jsonl.gz")))
                .current_dir(cwd)
                .env("RAYON_NUM_THREADS", "1")
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("muster ingest starts")
        })
        .collect();
    for child in children {
        ok(
            child.wait_with_output().expect("muster ingest"),
            "muster ingest",
        );
    }
    parts.iter().map(Vec::len).sum()
}

/// `muster build INPUT [extra] -o site` in `cwd`.
fn build(cwd: &Path, input: &Path, extra: &[&str], site: &Path) {
    let out = muster()
        .arg("build")
        .arg(input)
        .args(extra)
        .args([AS_OF, "--quiet", "-o"])
        .arg(site)
        .current_dir(cwd)
        .output()
        .expect("muster build runs");
    ok(out, "muster build");
}

/// `muster check INPUT [extra] --format json` in `cwd` (its exit code reflects the
/// controls, not success).
fn check_json(cwd: &Path, input: &Path, extra: &[&str]) -> Vec<u8> {
    let out = muster()
        .arg("check")
        .arg(input)
        .args(extra)
        .args([AS_OF, "--format", "json"])
        .current_dir(cwd)
        .output()
        .expect("muster check runs");
    assert!(
        !out.stdout.is_empty(),
        "check printed nothing: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// Split `cwd/dir`, merge, and compare with the single-process build and check.
fn assert_split_is_identical(cwd: &Path, dir: &str, extra: &[&str], work: &Path) {
    let shards = work.join("shards");
    std::fs::create_dir_all(&shards).expect("shards folder");
    let files = ingest_parts(cwd, dir, &shards);
    let shard_count = std::fs::read_dir(&shards).expect("shards").count();
    assert!(
        shard_count > 1,
        "{dir}: only {shard_count} shard(s) from {files} files"
    );

    let (split_site, single_site) = (work.join("site-split"), work.join("site-single"));
    build(cwd, &shards, extra, &split_site);
    build(cwd, Path::new(dir), extra, &single_site);
    let (split, single) = (read_tree(&split_site), read_tree(&single_site));
    let differing: Vec<&String> = single
        .iter()
        .filter(|(rel, bytes)| split.get(*rel) != Some(bytes))
        .map(|(rel, _)| rel)
        .chain(split.keys().filter(|rel| !single.contains_key(*rel)))
        .collect();
    assert!(
        differing.is_empty(),
        "{dir}: the merged site differs from the single-process site in {differing:?}"
    );
    assert!(single.contains_key("manifest.json") && single.contains_key("report.json"));

    // Every export is in the site, once: the parts cover the folder.
    let manifest: serde_json::Value =
        serde_json::from_slice(&single["manifest.json"]).expect("manifest.json");
    let inputs = manifest["inputs"].as_object().map_or(0, |m| m.len());
    assert_eq!(
        inputs, files,
        "{dir}: files in the parts vs inputs of the site"
    );

    let (split_check, single_check) = (
        check_json(cwd, &shards, extra),
        check_json(cwd, Path::new(dir), extra),
    );
    assert!(
        split_check == single_check,
        "{dir}: check --format json differs between the merged and the single run"
    );
}

/// gen_workload (examples/), built beside the muster binary by `cargo test`; built here
/// when only this test was asked for.
fn gen_workload() -> PathBuf {
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_muster"))
        .parent()
        .expect("target folder")
        .to_path_buf();
    let exe = bin_dir
        .join("examples")
        .join(format!("gen_workload{}", std::env::consts::EXE_SUFFIX));
    if !exe.is_file() {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let mut cmd = Command::new(cargo);
        cmd.args(["build", "--quiet", "--example", "gen_workload"])
            .current_dir(root());
        if bin_dir.ends_with("release") {
            cmd.arg("--release");
        }
        ok(cmd.output().expect("cargo runs"), "building gen_workload");
    }
    exe
}

#[test]
fn a_generated_workload_split_eight_ways_builds_the_same_site() {
    let tmp = tempfile::tempdir().expect("temp dir");
    // A small estate of every generated kind (trivy, grype, kube-bench, falco, audit,
    // policy reports, tetragon): 2.5 MB in 33 files, so that CI's debug build is quick.
    let out = Command::new(gen_workload())
        .args([
            "--out",
            "estate",
            "--images",
            "4",
            "--days",
            "7",
            "--falco-alerts",
            "600",
            "--audit-events",
            "400",
        ])
        .current_dir(tmp.path())
        .output()
        .expect("gen_workload runs");
    ok(out, "gen_workload");
    assert_split_is_identical(tmp.path(), "estate", &[], &tmp.path().join("work"));
}

#[test]
fn a_merge_whose_configuration_turns_path_dates_off_builds_the_same_site() {
    // `muster ingest` reads no configuration, so its shards date kube-bench runs (which
    // carry no time) from their week folders; the merge's configuration turns that off
    // for them, as the single run's does.
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = Command::new(gen_workload())
        .args(["--out", "estate", "--images", "2", "--days", "14"])
        .args(["--falco-alerts", "50", "--audit-events", "50"])
        .current_dir(tmp.path())
        .output()
        .expect("gen_workload runs");
    ok(out, "gen_workload");
    std::fs::create_dir_all(tmp.path().join("cfg")).expect("cfg folder");
    std::fs::write(
        tmp.path().join("cfg/muster.toml"),
        "[[sources.files]]\npath = \"kube-bench/*\"\ndate_from_path = false\n",
    )
    .expect("muster.toml");
    let config = tmp.path().join("cfg/muster.toml");
    let extra = ["--config", config.to_str().expect("utf-8 path")];
    assert_split_is_identical(tmp.path(), "estate", &extra, &tmp.path().join("work"));
    // And the runs are undated in it.
    let json: serde_json::Value =
        serde_json::from_slice(&check_json(tmp.path(), Path::new("estate"), &extra))
            .expect("check json");
    let runs: Vec<&serde_json::Value> = json["inputs"]
        .as_array()
        .expect("inputs")
        .iter()
        .filter(|s| {
            s["path"]
                .as_str()
                .is_some_and(|p| p.contains("kube-bench/"))
        })
        .collect();
    assert!(!runs.is_empty(), "no kube-bench run in the workload");
    for s in runs {
        assert_eq!(s["dated_from_path"], false, "{s}");
        assert!(s["undated_records"].as_u64().unwrap_or(0) > 0, "{s}");
    }
}

#[test]
fn the_split_script_builds_the_sample_estate_with_its_configuration_the_same() {
    // The sample data carries muster.toml, waivers.csv, triage.csv and attestations/
    // beside the exports: the split leaves them out of the parts, and the script gives
    // the merge `--config sample-data/muster.toml`, the configuration (and the files
    // beside it) the single run finds by itself.
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = Command::new("bash")
        .arg(root().join("scripts/split-build.sh"))
        .args(["sample-data", "8"])
        .current_dir(root())
        .env("MUSTER", env!("CARGO_BIN_EXE_muster"))
        .env("OUT", tmp.path())
        .output()
        .expect("bash runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("byte-identical site and check json: yes"),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_deploy_examples_run_the_tested_command_lines() {
    let read = |p: &str| std::fs::read_to_string(root().join(p)).expect(p);
    let job = read("deploy/kubernetes/ingest-job.yaml");
    for line in [
        "completionMode: Indexed",
        r#"mapfile -t files < <(muster-shard-part exports "$k" "$PARTS")"#,
        "wait $!",
        r#"muster ingest --quiet "${files[@]}" -o "shards/part-$k.muster.jsonl.gz""#,
        "k=$JOB_COMPLETION_INDEX",
    ] {
        assert!(job.contains(line), "ingest-job.yaml lacks {line:?}");
    }
    // completions, parallelism and PARTS agree.
    let value = |key: &str| {
        job.lines()
            .skip_while(|l| !l.trim_start().starts_with(key))
            .find_map(|l| {
                let v = l.split(':').nth(1)?.trim().trim_matches('"').to_string();
                (!v.is_empty()).then_some(v)
            })
            .unwrap_or_else(|| panic!("{key} in ingest-job.yaml"))
    };
    let completions = value("completions:");
    assert_eq!(value("parallelism:"), completions);
    assert_eq!(value("value:"), completions, "PARTS");

    let build = read("deploy/kubernetes/build-job.yaml");
    assert!(build.contains(
        r#"args: ["build", "shards", "--config", "/config/muster.toml", "--quiet", "-o", "site"]"#
    ));
    let actions = read("deploy/github-actions/muster.yml");
    for line in [
        r#"mapfile -t files < <(tools/scripts/shard-part.sh exports "$PART" "$PARTS")"#,
        "wait $!",
        r#"tools/target/release/muster ingest --quiet "${files[@]}" -o "shards/part-$PART.muster.jsonl.gz""#,
        "tools/target/release/muster build shards --config repo/muster.toml",
    ] {
        assert!(actions.contains(line), "muster.yml lacks {line:?}");
    }
    let dockerfile = read("deploy/Dockerfile");
    assert!(dockerfile.contains("scripts/shard-part.sh /usr/local/bin/muster-shard-part"));
    assert!(dockerfile.contains("USER 10001"));
}

/// A Python with PyYAML (CI's tool venv, else python3), if any.
fn python_with_yaml() -> Option<PathBuf> {
    let candidates = std::env::var_os("MUSTER_OSCAL_PYTHON")
        .map(PathBuf::from)
        .into_iter()
        .chain([PathBuf::from("python3")]);
    for py in candidates {
        let has = Command::new(&py)
            .args(["-c", "import yaml"])
            .output()
            .is_ok_and(|o| o.status.success());
        if has {
            return Some(py);
        }
    }
    None
}

#[test]
fn the_kubernetes_manifests_parse_and_pass_musters_own_pod_checks() {
    let Some(py) = python_with_yaml() else {
        assert!(
            std::env::var_os("MUSTER_REQUIRE_FIXTURES").is_none(),
            "no Python with PyYAML to read deploy/ (CI installs it)"
        );
        eprintln!("skipped: no Python with PyYAML to read the deploy/ manifests");
        return;
    };
    let tmp = tempfile::tempdir().expect("temp dir");
    let manifests: Vec<PathBuf> = ["namespace", "storage", "ingest-job", "build-job"]
        .iter()
        .map(|n| root().join(format!("deploy/kubernetes/{n}.yaml")))
        .collect();
    // The manifests as one `kubectl get -o json`-style List: muster's inventory format.
    let script = "import json, sys, yaml\n\
        yaml.safe_load(open(sys.argv[1]))\n\
        items = [d for f in sys.argv[2:] for d in yaml.safe_load_all(open(f)) if d]\n\
        print(json.dumps({'apiVersion': 'v1', 'kind': 'List', 'items': items}))";
    let out = Command::new(&py)
        .args(["-c", script])
        .arg(root().join("deploy/github-actions/muster.yml"))
        .args(&manifests)
        .output()
        .expect("python runs");
    let out = ok(out, "reading the YAML");
    let inventory = tmp.path().join("deploy.json");
    std::fs::write(&inventory, &out.stdout).expect("write inventory");

    let ingested =
        muster::ingest::ingest_paths(&[inventory], &muster::ingest::IngestOptions::default());
    let checks: Vec<_> = ingested
        .records
        .iter()
        .filter(|r| r.kind == muster::model::RecordKind::Misconfiguration)
        .collect();
    let kinds = |prefix: &str| {
        checks
            .iter()
            .filter(|r| r.check.starts_with(prefix))
            .count()
    };
    // Two pod templates (ingest, build), the namespace's two checks.
    assert!(kinds("pod-") >= 2 * 10, "{} pod checks", kinds("pod-"));
    assert_eq!(kinds("namespace-"), 2);
    let failing: Vec<String> = checks
        .iter()
        .filter(|r| r.outcome != muster::model::Outcome::Pass)
        .map(|r| format!("{} {:?}: {}", r.check, r.outcome, r.message))
        .collect();
    assert!(failing.is_empty(), "deploy/kubernetes fails {failing:?}");
}

#[test]
fn a_site_names_files_without_the_build_machines_folders() {
    // docs/shards.md "File names on the site": an absolute input is shown from its own
    // name, so the machine's folders never reach the site, and building from the
    // absolute path, from the relative one, or from a shard of either gives one site.
    let tmp = tempfile::tempdir().expect("temp dir");
    let machine = tmp.path().join("home-ana-7f3a");
    std::fs::create_dir_all(&machine).expect("folder");
    let out = Command::new(gen_workload())
        .args(["--out", "estate", "--images", "2", "--days", "3"])
        .args(["--falco-alerts", "50", "--audit-events", "50"])
        .current_dir(&machine)
        .output()
        .expect("gen_workload runs");
    ok(out, "gen_workload");
    // A waiver file with a bad row: its diagnostic names the file on the site.
    std::fs::write(
        machine.join("estate/waivers.csv"),
        "id,control,finding,image,workload,reason,category,approver,approved_on,expires_on\n\
         W-1,IMG-04,CVE-1,,,no date,risk-accepted,Ana,not-a-date,2027-01-01\n",
    )
    .expect("waivers.csv");
    std::fs::write(machine.join("estate/muster.toml"), "# defaults\n").expect("muster.toml");
    let absolute = machine.join("estate");
    let elsewhere = tmp.path().join("elsewhere");
    std::fs::create_dir_all(&elsewhere).expect("folder");

    let from_absolute = tmp.path().join("site-absolute");
    build(&elsewhere, &absolute, &[], &from_absolute);
    let from_relative = tmp.path().join("site-relative");
    build(&machine, Path::new("estate"), &[], &from_relative);
    let shard = elsewhere.join("estate.muster.jsonl.gz");
    let out = muster()
        .args(["ingest", "--quiet"])
        .arg(&absolute)
        .arg("-o")
        .arg(&shard)
        .current_dir(&elsewhere)
        .output()
        .expect("muster ingest runs");
    ok(out, "muster ingest");
    let from_shard = tmp.path().join("site-shard");
    build(
        &elsewhere,
        &shard,
        &[
            "--config",
            absolute.join("muster.toml").to_str().expect("utf-8"),
        ],
        &from_shard,
    );

    let site = read_tree(&from_absolute);
    let text: String = site
        .values()
        .map(|b| String::from_utf8_lossy(b).into_owned())
        .collect();
    assert!(
        text.contains("estate/waivers.csv"),
        "the waiver diagnostic names its file"
    );
    assert!(
        text.contains("estate/trivy/"),
        "files are shown under the folder's name"
    );
    for leak in ["home-ana-7f3a", tmp.path().to_str().expect("utf-8")] {
        assert!(
            !text.contains(leak),
            "the site shows the machine's folder {leak}"
        );
    }
    assert!(
        site == read_tree(&from_relative),
        "absolute and relative inputs give different sites"
    );
    let merged = read_tree(&from_shard);
    let differing: Vec<&String> = site
        .iter()
        .filter(|(rel, bytes)| merged.get(*rel) != Some(bytes))
        .map(|(rel, _)| rel)
        .collect();
    assert!(
        differing.is_empty(),
        "the shard's site differs in {differing:?}"
    );
}
