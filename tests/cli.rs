//! Command-line behaviour a user or CI sees: exit codes, outputs, refusals.

mod common;
use common::*;

#[test]
fn check_fails_the_gate_on_failing_controls_and_lists_every_control() {
    let (code, out, _) = run(&["check", sample().to_str().unwrap()]);
    assert_eq!(code, 1, "the sample estate has failing controls");
    assert!(out.contains("IMG-04"));
    let rows = out
        .lines()
        .filter(|l| {
            l.split_whitespace()
                .next()
                .is_some_and(|w| w.contains('-') && w.starts_with(|c: char| c.is_ascii_uppercase()))
        })
        .count();
    assert_eq!(rows, catalog_size(), "{out}");
}

#[test]
fn check_json_is_stable_and_describes_every_input() {
    let (code, out, _) = run(&["check", sample().to_str().unwrap(), "--format", "json"]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    assert_eq!(v["schema"], "muster-check/1");
    assert_eq!(v["controls"].as_array().map(Vec::len), Some(catalog_size()));
    let inputs = v["inputs"].as_array().expect("inputs");
    assert!(inputs.len() >= 15);
    for i in inputs {
        assert_eq!(i["sha256"].as_str().map(str::len), Some(64), "{i}");
        assert!(
            !i["formats"].as_array().unwrap().is_empty(),
            "unrecognised sample input: {}",
            i["path"]
        );
    }
}

#[test]
fn an_empty_estate_passes_the_gate_but_assesses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (code, out, _) = run(&[
        "check",
        dir.path().to_str().unwrap(),
        "--format",
        "json",
        "--as-of",
        "2026-11-20",
    ]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        v["statuses"].get("pass"),
        None,
        "absence of evidence is never a pass"
    );
}

#[test]
fn an_unreadable_input_stops_the_gate_unless_explicitly_allowed() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("broken.json"), "{\"rule\": \"x\", ").unwrap();
    std::fs::write(dir.path().join("notes.json"), "{\"hello\": 1}").unwrap();
    let d = dir.path().to_str().unwrap();
    let check = |extra: &[&str]| {
        let mut args = vec!["check", d, "--as-of", "2026-11-20"];
        args.extend_from_slice(extra);
        run(&args)
    };
    // A truncated export must not silently weaken the gate.
    let (code, _, err) = check(&[]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("broken.json:1"), "{err}");
    assert!(err.contains("could not be read or parsed"), "{err}");
    assert!(err.contains("--allow-input-errors"), "{err}");
    // Judged without it on request; an unknown shape alone is a warning, not an error.
    let (code, _, err) = check(&["--allow-input-errors"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("unknown-format"), "{err}");
    // --strict turns any diagnostic into a non-zero exit.
    let (code, _, _) = check(&["--allow-input-errors", "--strict"]);
    assert_eq!(code, 1);
}

#[test]
fn build_refuses_to_replace_a_folder_it_did_not_create() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("mine");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("thesis.docx"), "precious").unwrap();
    let (code, _, err) = run(&[
        "build",
        sample().to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--quiet",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("not written by muster"), "{err}");
    assert_eq!(
        std::fs::read_to_string(out.join("thesis.docx")).unwrap(),
        "precious"
    );
}

#[test]
fn verify_passes_on_a_fresh_build_and_names_any_changed_added_or_removed_file() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    build_sample(&site, &[]);
    let (code, out, _) = run(&["verify", site.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
    let index = site.join("index.html");
    let mut bytes = std::fs::read(&index).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    std::fs::write(&index, &bytes).unwrap();
    std::fs::write(site.join("extra.html"), "x").unwrap();
    std::fs::remove_file(site.join("sources.html")).unwrap();
    let (code, out, _) = run(&["verify", site.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(out.contains("changed: index.html"), "{out}");
    assert!(out.contains("added:   extra.html"), "{out}");
    assert!(out.contains("removed: sources.html"), "{out}");
}

#[test]
fn formats_lists_every_supported_format_and_the_readme_agrees() {
    let (code, out, _) = run(&["formats", "--format", "json"]);
    assert_eq!(code, 0);
    let formats: Vec<serde_json::Value> = serde_json::from_str(&out).unwrap();
    assert_eq!(formats.len(), 37);
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    for f in &formats {
        let id = f["format"].as_str().unwrap();
        let row = readme
            .lines()
            .find(|l| l.starts_with(&format!("| `{id}` |")))
            .unwrap_or_else(|| panic!("README lacks a row for {id}"));
        assert!(
            row.contains(f["tested"].as_str().unwrap()),
            "README row for {id} does not match `muster formats`"
        );
    }
}

#[test]
fn catalog_lists_every_built_in_control_translated() {
    let (code, out, _) = run(&["catalog", "--format", "json"]);
    assert_eq!(code, 0);
    let controls: Vec<serde_json::Value> = serde_json::from_str(&out).unwrap();
    assert_eq!(controls.len(), catalog_size());
    let (code, out, _) = run(&["catalog", "--check-translations"]);
    assert_eq!(code, 0, "missing translations:\n{out}");
}

/// A benchmark mapping's `about` is a table of languages like every other text, so a
/// language it lacks is listed; a plain string (older catalogs) is accepted, shown as
/// written in every language, and listed as untranslated too.
#[test]
fn check_translations_lists_a_benchmark_mapping_about_missing_a_language() {
    let dir = tempfile::tempdir().unwrap();
    let control = "id = \"X-01\"\ndomain = \"kubernetes\"\nevaluation = \"automatic\"\n\
        title = { en = \"t\", es = \"t\", fr = \"t\" }\n\
        summary = { en = \"s\", es = \"s\", fr = \"s\" }\n\
        [[checks]]\nid = \"c\"\ntitle = { en = \"c\", es = \"c\", fr = \"c\" }\n\
        [[checks.benchmark]]\n\
        about = { en = \"the API server serves TLS\", es = \"el servidor de API sirve TLS\" }\n\
        fits = [\"tls-cert-file\"]\nids = [\"cis-1.10:1.2.24\"]\n\
        [[checks.benchmark]]\nabout = \"etcd serves TLS\"\nfits = [\"cert-file\"]\nids = [\"cis-1.10:2.1\"]\n";
    std::fs::write(dir.path().join("X-01.toml"), control).unwrap();
    let catalog = dir.path().to_str().unwrap();
    let (code, out, err) = run(&["catalog", "--catalog", catalog, "--check-translations"]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(err.is_empty(), "the catalog loads: {err}");
    let listed: Vec<&str> = out.lines().collect();
    assert_eq!(
        listed,
        [
            "es\tX-01\tchecks.c.benchmark[1].about",
            "fr\tX-01\tchecks.c.benchmark[0].about",
            "fr\tX-01\tchecks.c.benchmark[1].about",
        ],
        "{out}"
    );
}

#[test]
fn a_bad_user_catalog_is_reported_with_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("X-01.toml"), "id = \"X-01\"\ndomain = \"images\"\nevaluation = \"automatic\"\ntitle.en = \"t\"\nsummary.en = \"s\"\ncolour = 1\n[[checks]]\nid=\"c\"\ntitle.en=\"c\"\nselect=[\"vulnerability\"]\n").unwrap();
    let (code, _, err) = run(&["catalog", "--catalog", dir.path().to_str().unwrap()]);
    assert_ne!(code, 0);
    assert!(err.contains("X-01.toml") && err.contains(":6"), "{err}");
}

#[test]
fn a_reader_that_closes_the_pipe_ends_the_output_without_a_panic() {
    use std::io::Read;
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_muster"))
        .args(["check", sample().to_str().unwrap(), "--format", "json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 16];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    // The pipe is closed here, like `muster check … | head -c 16`.
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(out.status.code(), Some(141), "{err}");
}

/// Hidden entries beside or inside a site that a build left behind (temporary folders).
fn leftovers(dir: &std::path::Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .filter(|n| n.contains(".muster-tmp") || n.contains(".muster-old"))
        .collect()
}

#[test]
fn concurrent_builds_to_one_output_take_turns_and_publish_complete_sites() {
    use std::io::BufRead;
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    let release = dir.path().join("release");
    let site_s = site.to_str().unwrap().to_string();
    let sample_s = sample().to_str().unwrap().to_string();
    // The first build pauses half-way through writing its temporary folder.
    let mut first = muster()
        .args([
            "build",
            &sample_s,
            "-o",
            &site_s,
            "-q",
            "--as-of",
            "2026-11-20",
        ])
        .env("MUSTER_TEST_PAUSE_AFTER_FILES", "3")
        .env("MUSTER_TEST_PAUSE_UNTIL", &release)
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while leftovers(dir.path()).is_empty() {
        assert!(
            started.elapsed().as_secs() < 120,
            "the first build never made its temporary folder"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    // The second build must wait for the first, not delete its temporary folder.
    let mut second = muster()
        .args([
            "build",
            &sample_s,
            "-o",
            &site_s,
            "-q",
            "--as-of",
            "2026-11-21",
        ])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufReader::new(second.stderr.take().unwrap()).lines();
    let waited = lines
        .by_ref()
        .map_while(Result::ok)
        .find(|l| l.contains("waiting"));
    std::fs::write(&release, "").unwrap();
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    let second = second.wait().unwrap();
    let first = first.wait().unwrap();
    assert!(waited.is_some(), "the second build did not wait: {rest:?}");
    assert_eq!(second.code(), Some(0), "second build: {rest:?}");
    assert_eq!(first.code(), Some(0), "first build failed");
    let (code, out, _) = run(&["verify", &site_s]);
    assert_eq!(
        code, 0,
        "a concurrent build published a partial site: {out}"
    );
    assert!(
        leftovers(dir.path()).is_empty(),
        "{:?}",
        leftovers(dir.path())
    );
}

#[test]
fn building_into_the_current_folder_is_refused_and_leaves_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    build_sample(&site, &[]);
    for out in [".", "../site", "./.", ".."] {
        let o = muster()
            .current_dir(&site)
            .args(["build", sample().to_str().unwrap(), "-o", out, "-q"])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "-o {out}: {err}");
        assert!(err.contains("current folder"), "-o {out}: {err}");
        assert!(
            leftovers(&site).is_empty(),
            "-o {out}: {:?}",
            leftovers(&site)
        );
        assert!(leftovers(dir.path()).is_empty(), "-o {out}");
    }
    let (code, out, _) = run(&["verify", site.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
}

#[test]
fn a_day_count_beyond_the_calendar_is_a_configuration_error_not_a_panic() {
    for setting in [
        "[report]\nwindow_days = 100000000",
        "[report]\nfreshness_days = 100000000",
        "[report]\nhistory_days = 100000000",
    ] {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("muster.toml"), format!("{setting}\n")).unwrap();
        for cmd in ["check", "build"] {
            let out = dir.path().join("site");
            let all = [
                cmd,
                dir.path().to_str().unwrap(),
                "-o",
                out.to_str().unwrap(),
            ];
            let args = if cmd == "check" { &all[..2] } else { &all[..] };
            let (code, _, err) = run(args);
            assert_eq!(code, 2, "{cmd} {setting}: {err}");
            assert!(err.contains("muster.toml:2:"), "{err}");
            assert!(err.contains("out of range: allowed"), "{err}");
        }
    }
}

#[test]
fn ingest_never_overwrites_an_input_or_a_file_that_is_not_a_shard() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("in");
    std::fs::create_dir(&inputs).unwrap();
    let export = inputs.join("grype.json");
    let original = "{\"matches\":[],\"source\":{}}";
    std::fs::write(&export, original).unwrap();
    let foreign = dir.path().join("notes.muster.jsonl");
    std::fs::write(&foreign, "my notes\n").unwrap();
    let ingest = |out: &std::path::Path| {
        run(&[
            "ingest",
            inputs.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "-q",
        ])
    };
    for (out, why) in [
        (export.clone(), "must end in .muster.jsonl"),
        (dir.path().join("s.json"), "must end in .muster.jsonl"),
        (inputs.join("s.muster.jsonl.gz"), "inside the input folder"),
        (foreign.clone(), "is not a muster shard"),
    ] {
        let (code, _, err) = ingest(&out);
        assert_eq!(code, 2, "{}: {err}", out.display());
        assert!(err.contains(why), "{}: {err}", out.display());
    }
    // A file given as an input is refused even with a shard's name.
    let named = dir.path().join("old.muster.jsonl");
    std::fs::write(&named, "{\"muster_shard\":1,\"muster_version\":\"0\"}\n").unwrap();
    let (code, _, err) = run(&[
        "ingest",
        named.to_str().unwrap(),
        "-o",
        named.to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("is one of the inputs"), "{err}");
    assert_eq!(std::fs::read_to_string(&export).unwrap(), original);
    assert_eq!(std::fs::read_to_string(&foreign).unwrap(), "my notes\n");
    assert!(!inputs.join("s.muster.jsonl.gz").exists());
    // A previous shard is replaced, gzip or not.
    for name in ["s.muster.jsonl", "s.muster.jsonl.gz"] {
        let out = dir.path().join(name);
        for _ in 0..2 {
            let (code, _, err) = ingest(&out);
            assert_eq!(code, 0, "{name}: {err}");
        }
    }
}

#[cfg(unix)]
#[test]
fn file_names_that_are_not_utf8_are_read_and_shown_apart() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    for name in [&b"a\xff.json"[..], &b"a\xfe.json"[..]] {
        std::fs::write(
            dir.path().join(std::ffi::OsStr::from_bytes(name)),
            "{\"not\":\"an export\"}",
        )
        .unwrap();
    }
    let (_, out, err) = run(&["check", dir.path().to_str().unwrap(), "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&out).expect(&err);
    let paths: Vec<&str> = v["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["path"].as_str())
        .collect();
    assert_eq!(paths.len(), 2, "{paths:?}");
    assert!(
        paths.iter().any(|p| p.ends_with("a\\xFF.json")),
        "{paths:?}"
    );
    assert!(
        paths.iter().any(|p| p.ends_with("a\\xFE.json")),
        "{paths:?}"
    );
    assert!(!out.contains("would be shown under this name"), "{out}");
}

#[cfg(unix)]
#[test]
fn link_loops_are_named_and_a_site_inside_an_input_is_not_read_back() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("in");
    std::fs::create_dir_all(inputs.join("sub")).unwrap();
    std::fs::write(inputs.join("notes.json"), "{\"not\":\"an export\"}").unwrap();
    std::os::unix::fs::symlink("loopB", inputs.join("loopA")).unwrap();
    std::os::unix::fs::symlink("loopA", inputs.join("loopB")).unwrap();
    std::os::unix::fs::symlink("..", inputs.join("sub/up")).unwrap();
    std::os::unix::fs::symlink("gone.json", inputs.join("dangling.json")).unwrap();
    let site = inputs.join("site");
    build_dir(&inputs, &site, &[]);
    let (_, out, err) = run(&[
        "build",
        inputs.to_str().unwrap(),
        "-o",
        site.to_str().unwrap(),
    ]);
    assert!(!err.contains("leaves the input root"), "{err}");
    for name in ["loopA", "loopB", "sub/up"] {
        assert!(
            err.lines()
                .any(|l| l.contains(name) && l.contains("link loop")),
            "{name}: {err}"
        );
    }
    assert!(err.contains("dangling"), "{err}");
    assert!(err.contains("a site muster wrote"), "{err}");
    assert!(!err.contains("in/site/"), "the site was read back: {err}");
    let manifest = std::fs::read_to_string(site.join("manifest.json")).unwrap();
    assert!(!manifest.contains("site/manifest.json"), "{manifest}");
    assert!(out.contains("from 1 inputs"), "{out}");
}
