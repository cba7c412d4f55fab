//! Interface strings, reason sentences, dates and numbers in the site's language.
//!
//! Strings live in `i18n/<lang>.toml` (flat `key = "text"`, or tables that flatten
//! to dotted keys) with `{param}` placeholders, embedded at compile time. A key
//! missing in a language falls back to English; a key missing everywhere shows itself.

use chrono::NaiveDate;
use std::collections::BTreeMap;
use std::sync::{Arc, LazyLock};

use crate::evaluate::{Param, Reason};

/// The embedded string tables.
const TABLES: &[(&str, &str)] = &[
    ("en", include_str!("../../i18n/en.toml")),
    ("es", include_str!("../../i18n/es.toml")),
    ("fr", include_str!("../../i18n/fr.toml")),
];

/// English, for the machine-readable form of reason parameters.
static ENGLISH: LazyLock<I18n> = LazyLock::new(|| I18n::new("en"));

/// A reason parameter as `report.json` and `check --format json` give it: English
/// words, ISO dates, raw ids.
pub fn plain(p: &Param) -> String {
    ENGLISH.render_param(p, true)
}

/// Languages with an embedded interface table.
pub fn languages() -> Vec<&'static str> {
    TABLES.iter().map(|(l, _)| *l).collect()
}

/// Interface strings and formatting for one language.
#[derive(Debug, Clone)]
pub struct I18n {
    lang: String,
    table: Arc<BTreeMap<String, String>>,
    english: Arc<BTreeMap<String, String>>,
}

fn load(lang: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    if let Some((_, text)) = TABLES.iter().find(|(l, _)| *l == lang) {
        // The tables are part of the binary; a broken one is caught by the tests.
        if let Ok(value) = text.parse::<toml::Table>() {
            flatten("", &value, &mut out);
        }
    }
    out
}

fn flatten(prefix: &str, table: &toml::Table, out: &mut BTreeMap<String, String>) {
    for (k, v) in table {
        let key = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match v {
            toml::Value::String(s) => {
                out.insert(key, s.clone());
            }
            toml::Value::Table(t) => flatten(&key, t, out),
            other => {
                out.insert(key, other.to_string());
            }
        }
    }
}

/// Replace `{name}` placeholders.
fn substitute(text: &str, params: &[(&str, String)]) -> String {
    let mut out = text.to_string();
    for (k, v) in params {
        out = out.replace(&format!("{{{k}}}"), v);
    }
    out
}

impl I18n {
    /// The tables for `lang` (unknown languages get English).
    pub fn new(lang: &str) -> I18n {
        let english = Arc::new(load("en"));
        let table = if lang == "en" {
            english.clone()
        } else {
            Arc::new(load(lang))
        };
        I18n {
            lang: lang.to_string(),
            table,
            english,
        }
    }

    /// The language code.
    pub fn lang(&self) -> &str {
        &self.lang
    }

    /// Whether `key` has a text in this language or in English.
    pub fn has(&self, key: &str) -> bool {
        self.table.contains_key(key) || self.english.contains_key(key)
    }

    /// The string for `key`, English when missing, the key itself when unknown.
    pub fn t(&self, key: &str) -> String {
        self.table
            .get(key)
            .or_else(|| self.english.get(key))
            .cloned()
            .unwrap_or_else(|| key.to_string())
    }

    /// The string for `key` with `{param}`s substituted.
    pub fn tf(&self, key: &str, params: &[(&str, String)]) -> String {
        substitute(&self.t(key), params)
    }

    /// The sentence for a reason; its parameters are localised ([`I18n::param`]).
    /// A code the language file lacks shows the code and its parameters.
    pub fn reason(&self, reason: &Reason) -> String {
        let params: Vec<(&str, String)> = reason
            .params
            .iter()
            .map(|(k, v)| (k.as_str(), self.param(v)))
            .collect();
        let code = reason.code.as_str();
        if self.has(code) {
            return substitute(&self.t(code), &params);
        }
        if params.is_empty() {
            return code.to_string();
        }
        let list: Vec<String> = params.iter().map(|(k, v)| format!("{k}={v}")).collect();
        format!("{} ({})", reason.code, list.join(", "))
    }

    /// A reason parameter in this language: phrases and terms translated, dates
    /// (and text that is a whole ISO date) in the locale's format.
    pub fn param(&self, p: &Param) -> String {
        self.render_param(p, false)
    }

    fn render_param(&self, p: &Param, plain: bool) -> String {
        match p {
            Param::Text(s) if plain => s.clone(),
            Param::Text(s) => self.maybe_date(s),
            Param::Date(d) if plain => d.format("%Y-%m-%d").to_string(),
            Param::Date(d) => self.date(*d),
            Param::Term { id, .. } if plain => id.clone(),
            Param::Term { key, .. } => self.t(key),
            Param::Localized(text) if plain => text.get("en").to_string(),
            Param::Localized(text) => text.get(&self.lang).to_string(),
            Param::Phrase { key, params } => {
                let params: Vec<(&str, String)> = params
                    .iter()
                    .map(|(k, v)| (k.as_str(), self.render_param(v, plain)))
                    .collect();
                substitute(&self.t(key), &params)
            }
            Param::List { items, sep } => items
                .iter()
                .map(|v| self.render_param(v, plain))
                .collect::<Vec<_>>()
                .join(sep),
        }
    }

    fn maybe_date(&self, v: &str) -> String {
        match NaiveDate::parse_from_str(v, "%Y-%m-%d") {
            Ok(d) if v.len() == 10 => self.date(d),
            _ => v.to_string(),
        }
    }

    /// A date: ISO 8601 in English, day/month/year in Spanish and French.
    pub fn date(&self, d: NaiveDate) -> String {
        match self.lang.as_str() {
            "es" | "fr" => d.format("%d/%m/%Y").to_string(),
            _ => d.format("%Y-%m-%d").to_string(),
        }
    }

    /// An optional date, or the "none" placeholder.
    pub fn opt_date(&self, d: Option<NaiveDate>) -> String {
        d.map_or_else(|| self.t("common.none"), |d| self.date(d))
    }

    /// A number with `decimals` digits after the locale's decimal separator.
    pub fn number(&self, v: f64, decimals: usize) -> String {
        let s = format!("{v:.decimals$}");
        match self.lang.as_str() {
            "es" | "fr" => s.replace('.', ","),
            _ => s,
        }
    }

    /// A byte size in the largest fitting unit.
    pub fn bytes(&self, n: u64) -> String {
        const UNITS: [&str; 4] = ["B", "KiB", "MiB", "GiB"];
        let mut v = n as f64;
        let mut unit = 0;
        while v >= 1024.0 && unit < UNITS.len() - 1 {
            v /= 1024.0;
            unit += 1;
        }
        if unit == 0 {
            format!("{n} {}", UNITS[0])
        } else {
            format!("{} {}", self.number(v, 1), UNITS[unit])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_parse_and_cover_english() {
        let en = load("en");
        assert!(en.len() > 50);
        for lang in ["es", "fr"] {
            let other = load(lang);
            let missing: Vec<&String> = en.keys().filter(|k| !other.contains_key(*k)).collect();
            assert!(missing.is_empty(), "{lang} lacks {missing:?}");
        }
    }

    #[test]
    fn reasons_dates_and_numbers_follow_the_locale() {
        use crate::evaluate::ReasonCode;
        let fr = I18n::new("fr");
        let r = Reason::new(
            ReasonCode::InGrace,
            &[("count", "2".into()), ("due", "2026-11-20".into())],
        );
        let s = fr.reason(&r);
        assert!(s.contains("20/11/2026") && s.contains('2'), "{s}");
        assert_eq!(fr.number(87.5, 1), "87,5");
        assert_eq!(
            I18n::new("en").date(NaiveDate::from_ymd_opt(2026, 11, 20).unwrap()),
            "2026-11-20"
        );
    }

    /// Each language's own table, not `has()` (which falls back to English): a
    /// reason code missing in Spanish or French would show English on that site.
    #[test]
    fn every_reason_code_reads_as_a_sentence_in_every_language() {
        for lang in languages() {
            let own = load(lang);
            let missing: Vec<&str> = crate::evaluate::ReasonCode::VARIANTS
                .iter()
                .map(|c| c.as_str())
                .filter(|c| own.get(*c).is_none_or(|t| t.trim().is_empty()))
                .collect();
            assert!(missing.is_empty(), "{lang} lacks {missing:?}");
        }
    }

    /// Each language's own table titles every inventory check both ways (passed and
    /// failed): a title missing in Spanish or French would show English there.
    #[test]
    fn every_inventory_check_has_both_titles_in_every_language() {
        for lang in languages() {
            let own = load(lang);
            let missing: Vec<String> = crate::ingest::INVENTORY_CHECK_IDS
                .iter()
                .flat_map(|id| ["pass", "fail"].map(|v| format!("inventory-check.{id}.{v}")))
                .filter(|key| own.get(key).is_none_or(|t| t.trim().is_empty()))
                .collect();
            assert!(missing.is_empty(), "{lang} lacks {missing:?}");
        }
    }

    /// Each language's own table names every kind of record (the sources page counts
    /// each file's records by kind): a kind missing in Spanish or French would show
    /// its English id there.
    #[test]
    fn every_record_kind_has_a_word_in_every_language() {
        for lang in languages() {
            let own = load(lang);
            let missing: Vec<String> = crate::model::RecordKind::VARIANTS
                .iter()
                .map(|k| format!("record-kind.{}", k.as_str()))
                .filter(|key| own.get(key).is_none_or(|t| t.trim().is_empty()))
                .collect();
            assert!(missing.is_empty(), "{lang} lacks {missing:?}");
        }
    }

    /// Each language's own table says which export fields every platform setting reads
    /// (a setting without one would show English in a not-evidenced reason), and keeps
    /// the field paths and product names as the exports spell them.
    #[test]
    fn every_platform_setting_names_its_fields_in_every_language() {
        use crate::model::PlatformSetting;
        // Field paths (`logs[]`, `a.b`, `x/y`), camelCase names and product names (`AKS`).
        let verbatim = |word: &str| {
            word.contains(['.', '[', '/']) || word.chars().skip(1).any(|c| c.is_ascii_uppercase())
        };
        let english = load("en");
        for lang in languages() {
            let own = load(lang);
            for s in PlatformSetting::VARIANTS {
                let Param::Phrase { key, .. } = Param::reads(*s) else {
                    panic!("{s:?}: not a phrase");
                };
                let text = own.get(&key).map_or("", |t| t.trim());
                assert!(!text.is_empty(), "{lang} lacks {key}");
                let en = english.get(&key).map_or("", String::as_str);
                let words = en.split_whitespace().map(|w| {
                    w.trim_matches(|c: char| matches!(c, ',' | ';' | '(' | ')'))
                        .trim_end_matches('.')
                });
                for word in words.filter(|w| verbatim(w)) {
                    assert!(text.contains(word), "{lang} {key} lacks {word:?}: {text}");
                }
            }
        }
        let es = I18n::new("es").param(&Param::reads(PlatformSetting::ControlPlaneAuditLogs));
        assert!(es.contains("configuración de diagnóstico"), "{es}");
        let plain = Param::reads(PlatformSetting::ControlPlaneAuditLogs).plain();
        assert!(
            plain.contains("in the cluster's diagnostic settings (AKS)"),
            "{plain}"
        );
    }

    /// Catalog text inside a reason parameter is shown in the site's language and is
    /// English in its JSON form.
    #[test]
    fn catalog_text_in_a_parameter_follows_the_site_language() {
        use crate::catalog::Localized;
        let about = Param::Localized(Localized(BTreeMap::from([
            ("en".to_string(), "the API server serves TLS".to_string()),
            ("es".to_string(), "el servidor de API sirve TLS".to_string()),
            ("fr".to_string(), "le serveur d'API sert en TLS".to_string()),
        ])));
        let ids = Param::phrase(
            "phrase.benchmark-ids",
            vec![("about", about), ("count", Param::Text("12".into()))],
        );
        assert_eq!(
            ids.plain(),
            "benchmark ids for “the API server serves TLS” (12)"
        );
        assert_eq!(
            I18n::new("es").param(&ids),
            "identificadores de benchmark para «el servidor de API sirve TLS» (12)"
        );
        assert!(I18n::new("fr")
            .param(&ids)
            .contains("« le serveur d'API sert en TLS »"));
        let only_english = Param::Localized(Localized(BTreeMap::from([(
            "en".to_string(),
            "etcd serves TLS".to_string(),
        )])));
        assert_eq!(I18n::new("fr").param(&only_english), "etcd serves TLS");
    }

    /// The words inside reason parameters are the site's, and their JSON form stays
    /// English with ISO dates and raw ids.
    #[test]
    fn reason_parameters_are_localised_and_plain_in_json() {
        use crate::evaluate::{ReasonCode, Status};
        let silent = Param::phrase(
            "phrase.silent-since",
            vec![
                ("node", Param::Text("node-1".into())),
                (
                    "date",
                    Param::Date(NaiveDate::from_ymd_opt(2026, 11, 10).unwrap()),
                ),
            ],
        );
        let r = Reason::with(
            ReasonCode::FactOverAttestation,
            vec![
                ("check", Param::Text("c".into())),
                ("status", Param::status(Status::Fail)),
                ("by", Param::Text("Omar".into())),
                ("date", Param::list(vec![silent.clone()], ", ")),
            ],
        );
        assert_eq!(silent.plain(), "node-1 (silent since 2026-11-10)");
        assert_eq!(r.params["status"].plain(), "fail");
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["params"]["status"], "fail");
        assert_eq!(json["params"]["date"], "node-1 (silent since 2026-11-10)");
        let fr = I18n::new("fr").reason(&r);
        assert!(
            fr.contains("Non conforme") && fr.contains("muet depuis le 10/11/2026"),
            "{fr}"
        );
        assert!(!fr.contains("silent") && !fr.contains("fail"), "{fr}");
        let es = I18n::new("es").param(&silent);
        assert_eq!(es, "node-1 (sin informar desde el 10/11/2026)");
    }
}
