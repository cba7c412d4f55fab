//! The Spanish and French sites carry no English interface string.

use super::tests::{render, text};

/// English interface words used in templates; none may remain in es/fr pages.
const ENGLISH: &[&str] = &[
    "Controls",
    "Evidence",
    "Status",
    "Remediation",
    "Sources",
    "Source",
    "Findings",
    "Overview",
    "Executive summary",
    "Waivers",
    "Teams",
    "Changes",
    "Report date",
    "Search",
    "Severity",
    "Due",
    "Reason",
    "Title",
    "Skip to content",
    "Pass",
    "Fail",
    "Warning",
    "Not assessed",
    "Waived",
    "Nothing to show",
    "Attestation expired",
    "Trends",
    "What was read",
    "compliance score",
    "Framework references",
    "Printable report",
];

/// Visible text: tags removed, so class names and URLs do not count. A document
/// embedded in English (`<article … lang="en">`, said to be English-only) is left out.
fn visible(html: &str) -> String {
    let mut html = html.to_string();
    while let Some(start) = html.find("<article class=\"prose doc\" lang=\"en\">") {
        let end = html[start..]
            .find("</article>")
            .map_or(html.len(), |e| start + e + "</article>".len());
        html.replace_range(start..end, "");
    }
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for ch in html.chars() {
        match ch {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

fn has_word(text: &str, word: &str) -> bool {
    text.match_indices(word).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + word.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

#[test]
fn spanish_and_french_pages_have_no_english_interface_strings() {
    for lang in ["es", "fr"] {
        let site = render(lang);
        for (path, bytes) in site.iter().filter(|(p, _)| p.ends_with(".html")) {
            let html = String::from_utf8_lossy(bytes);
            assert!(html.contains(&format!("<html lang=\"{lang}\">")), "{path}");
            let shown = visible(&html);
            for word in ENGLISH {
                assert!(
                    !has_word(&shown, word),
                    "{lang} {path}: {word:?} in {shown}"
                );
            }
        }
    }
}

#[test]
fn dates_and_numbers_follow_the_locale() {
    let fr = render("fr");
    let index = text(&fr, "index.html");
    assert!(index.contains("20/11/2026"), "{index}");
    let en = render("en");
    assert!(text(&en, "index.html").contains("2026-11-20"));
    let teams = text(&fr, "teams.html");
    assert!(teams.contains("3,5"), "{teams}");
}
