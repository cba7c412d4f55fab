//! Interface strings, reason sentences, dates and numbers in the site's language.
//!
//! Strings live in `i18n/<lang>.toml` (flat `key = "text"`, or tables that flatten
//! to dotted keys) with `{param}` placeholders, embedded at compile time. A key
//! missing in a language falls back to English; a key missing everywhere shows itself.

use chrono::NaiveDate;
use std::collections::BTreeMap;
use std::sync::Arc;

use crate::evaluate::Reason;

/// The embedded string tables.
const TABLES: &[(&str, &str)] = &[
    ("en", include_str!("../../i18n/en.toml")),
    ("es", include_str!("../../i18n/es.toml")),
    ("fr", include_str!("../../i18n/fr.toml")),
];

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

    /// The sentence for a reason; ISO dates among its parameters are localised.
    /// A code the language file lacks shows the code and its parameters.
    pub fn reason(&self, reason: &Reason) -> String {
        let params: Vec<(&str, String)> = reason
            .params
            .iter()
            .map(|(k, v)| (k.as_str(), self.maybe_date(v)))
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

    #[test]
    fn every_reason_code_reads_as_a_sentence_in_every_language() {
        for lang in ["en", "es", "fr"] {
            let i = I18n::new(lang);
            for code in crate::evaluate::ReasonCode::VARIANTS {
                assert!(i.has(code.as_str()), "{lang} lacks {code}");
            }
        }
    }
}
