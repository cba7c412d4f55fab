//! Every reason code the evaluator emits has a sentence in every interface language.

use std::collections::BTreeSet;

#[test]
fn every_reason_code_is_translated() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut codes = BTreeSet::new();
    for entry in std::fs::read_dir(root.join("src/evaluate")).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        for part in text.split("\"reason.").skip(1) {
            let code: String = part
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || *c == '-')
                .collect();
            if !code.is_empty() {
                codes.insert(format!("reason.{code}"));
            }
        }
    }
    assert!(codes.len() > 15);
    for lang in ["en", "es", "fr"] {
        let table: toml::Table = toml::from_str(
            &std::fs::read_to_string(root.join(format!("i18n/{lang}.toml"))).unwrap(),
        )
        .unwrap();
        for code in &codes {
            assert!(table.contains_key(code), "i18n/{lang}.toml lacks {code}");
        }
    }
}
