//! The day a file's path says its export was taken (`[sources] date_from_path`): an
//! ISO date that stands on its own in a directory or file name, and is not the API
//! version of the request that produced the export. The rule is written down in
//! `docs/evidence-time.md`.

use chrono::{DateTime, Utc};

/// Characters that may stand on either side of a date in a path segment.
fn is_separator(c: u8) -> bool {
    matches!(c, b'-' | b'_' | b'.' | b' ')
}

/// [`is_separator`] for a character.
fn is_separator_char(c: char) -> bool {
    u8::try_from(c).is_ok_and(is_separator)
}

/// Words that, right before a date, make it an API version (`api-2018-09-01`,
/// `api-version=2023-01-01`, `apiVersion_2019-04-01`).
const API_WORDS: [&str; 3] = ["api", "apiversion", "api-version"];

/// Words that, right after a date, make it an API version (`2018-09-01-preview`).
const STAGE_WORDS: [&str; 4] = ["preview", "privatepreview", "alpha", "beta"];

/// The date of the export a path names, as the start of that day (UTC): the last ISO
/// date (`YYYY-MM-DD`, years 1990 to 2100) that is a whole directory or file name, or a
/// token of one delimited by its start or end, `-`, `_`, `.` or a space (after the
/// date, also `T` and a digit: a timestamp), and is not an API version (preceded by
/// `api`, `api-version` or `apiVersion`, or followed by `-preview`, `-beta`, …). A
/// query string (`?api-version=…`) is not part of the path.
pub fn date_in_path(path: &str) -> Option<DateTime<Utc>> {
    let path = path.split(['?', '#']).next().unwrap_or(path);
    path.rsplit(['/', '\\']).find_map(date_in_segment)
}

/// The last export date of one directory or file name.
fn date_in_segment(segment: &str) -> Option<DateTime<Utc>> {
    let b = segment.as_bytes();
    (0..=b.len().saturating_sub(10)).rev().find_map(|i| {
        let before = i.checked_sub(1).and_then(|j| b.get(j)).copied();
        let after = b.get(i + 10).copied();
        let timestamp = after == Some(b'T') && b.get(i + 11).is_some_and(u8::is_ascii_digit);
        if !before.is_none_or(is_separator) || !(after.is_none_or(is_separator) || timestamp) {
            return None;
        }
        if is_api_version(segment.get(..i)?, segment.get(i + 10..)?) {
            return None;
        }
        chrono::NaiveDate::parse_from_str(segment.get(i..i + 10)?, "%Y-%m-%d")
            .ok()
            .filter(|d| (1990..=2100).contains(&chrono::Datelike::year(d)))
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|t| t.and_utc())
    })
}

/// Whether the text around a date makes it the API version of a request.
fn is_api_version(before: &str, after: &str) -> bool {
    let before = before
        .trim_end_matches(|c: char| c == '=' || is_separator_char(c))
        .to_ascii_lowercase();
    let named = API_WORDS.iter().any(|w| {
        before.strip_suffix(w).is_some_and(|rest| {
            rest.as_bytes()
                .last()
                .is_none_or(|c| is_separator(*c) || *c == b'=')
        })
    });
    let stage = after
        .strip_prefix(['-', '_', '.'])
        .map(|rest| rest.split(is_separator_char))
        .and_then(|mut words| words.next())
        .is_some_and(|w| STAGE_WORDS.iter().any(|s| w.eq_ignore_ascii_case(s)));
    named || stage
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(path: &str) -> Option<String> {
        date_in_path(path).map(|t| t.date_naive().to_string())
    }

    #[test]
    fn a_date_standing_on_its_own_dates_a_file() {
        assert_eq!(
            day("kube-bench/2026-11-20/node.json").as_deref(),
            Some("2026-11-20")
        );
        assert_eq!(
            day("platform/2026-11-19/aks/x.json").as_deref(),
            Some("2026-11-19")
        );
        assert_eq!(
            day("trivy/web/2026-10-05.json").as_deref(),
            Some("2026-10-05")
        );
        assert_eq!(day("falco-2026-11-19.jsonl").as_deref(), Some("2026-11-19"));
        assert_eq!(
            day("scans/web_2026-11-19_full.json").as_deref(),
            Some("2026-11-19")
        );
        assert_eq!(
            day("runs/2026-11-19T06-00-00Z.json").as_deref(),
            Some("2026-11-19")
        );
        assert_eq!(
            day("a/2025-01-01/b-2026-02-03.json").as_deref(),
            Some("2026-02-03"),
            "the file name's date before its directory's"
        );
        assert_eq!(
            day("exports/2026-11-19/acr-list-api-2017-10-01.json").as_deref(),
            Some("2026-11-19"),
            "the directory's date when the file name's is an API version"
        );
    }

    #[test]
    fn a_date_that_is_not_an_export_day_dates_nothing() {
        assert_eq!(day("kube-bench/old-bare-array.json"), None);
        assert_eq!(day("x/12026-11-20.json"), None, "part of a longer number");
        assert_eq!(day("x/2026-13-40.json"), None, "not a date");
        assert_eq!(day("x/build2026-11-20.json"), None, "glued to a word");
        assert_eq!(day("acr-list-api-2017-10-01.json"), None);
        assert_eq!(
            day("fixtures/acr/c7n-acr-list-api-2017-10-01.export.json"),
            None
        );
        assert_eq!(day("roleassignments-api-2018-09-01-preview.json"), None);
        assert_eq!(day("roleassignments-2018-09-01-preview.json"), None);
        assert_eq!(day("aks_apiVersion_2019-04-01.json"), None);
        assert_eq!(
            day("arm/containerGroups?api-version=2023-01-01"),
            None,
            "a query string"
        );
        assert_eq!(day("arm/get-api-version=2023-01-01.json"), None);
        assert_eq!(day("x/rapi-2026-11-19.json").as_deref(), Some("2026-11-19"));
    }
}
