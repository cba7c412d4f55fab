//! Markdown from catalogs and attestations, rendered without anything executable.
//!
//! Raw HTML (block or inline) becomes escaped text. Links keep their target only
//! when it is `http(s):`, `mailto:`, relative or a `#fragment`; other links lose the
//! link and keep their text. Images are kept only with a relative URL (a remote
//! image would be a request leaving the site); otherwise their alt text remains.

use pulldown_cmark::{html, CowStr, Event, Options, Parser, Tag, TagEnd};

/// Where a URL found in untrusted text may be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UrlUse {
    /// A link the reader follows.
    Link,
    /// Something the browser loads by itself (images): relative only.
    Embed,
}

/// Whether `url` may be emitted as an `href` (or `src`, for [`UrlUse::Embed`]).
pub fn url_allowed(url: &str, usage: UrlUse) -> bool {
    let u = url.trim();
    if u.is_empty() || u.chars().any(|c| c.is_control() || c == '\\') {
        return false;
    }
    if u.starts_with("//") {
        return false;
    }
    let lower = u.to_ascii_lowercase();
    let scheme_end = lower.find(':');
    let first_sep = lower.find(['/', '?', '#']).unwrap_or(lower.len());
    let relative = scheme_end.is_none_or(|i| i > first_sep);
    match usage {
        UrlUse::Embed => relative && !lower.starts_with('#'),
        UrlUse::Link => {
            relative
                || lower.starts_with("http://")
                || lower.starts_with("https://")
                || lower.starts_with("mailto:")
        }
    }
}

/// Render untrusted Markdown to HTML that is safe to insert unescaped.
pub fn render_markdown(text: &str) -> String {
    let mut opts = Options::empty();
    opts.insert(Options::ENABLE_TABLES);
    opts.insert(Options::ENABLE_STRIKETHROUGH);
    let mut links_kept: Vec<bool> = Vec::new();
    let mut images_kept: Vec<bool> = Vec::new();
    let events = Parser::new_ext(text, opts).filter_map(|ev| match ev {
        Event::Html(s) | Event::InlineHtml(s) => Some(Event::Text(s)),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => {
            let keep = url_allowed(&dest_url, UrlUse::Link);
            links_kept.push(keep);
            keep.then_some(Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }))
        }
        Event::End(TagEnd::Link) => {
            let keep = links_kept.pop().unwrap_or(false);
            keep.then_some(Event::End(TagEnd::Link))
        }
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => {
            let keep = url_allowed(&dest_url, UrlUse::Embed);
            images_kept.push(keep);
            keep.then_some(Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }))
        }
        Event::End(TagEnd::Image) => {
            let keep = images_kept.pop().unwrap_or(false);
            keep.then_some(Event::End(TagEnd::Image))
        }
        Event::InlineMath(s) | Event::DisplayMath(s) => Some(Event::Code(s)),
        Event::FootnoteReference(s) => Some(Event::Text(CowStr::from(format!("[{s}]")))),
        other => Some(other),
    });
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    html::push_html(&mut out, events);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_and_bad_links_are_neutralised() {
        let html = render_markdown(
            "Hi [x](javascript:alert(1)) <img src=x onerror=alert(1)> ![a](https://evil/x.png)\n\n<script>alert(2)</script>\n\n[ok](https://example.org) [rel](../a.html) [m](mailto:a@b.c)",
        );
        assert!(!html.contains("javascript:"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(!html.contains("<script"), "{html}");
        assert!(html.contains("&lt;img"), "{html}");
        assert!(html.contains("href=\"https://example.org\""));
        assert!(html.contains("href=\"../a.html\""));
        assert!(html.contains("href=\"mailto:a@b.c\""));
    }

    #[test]
    fn url_policy() {
        assert!(url_allowed("#top", UrlUse::Link));
        assert!(url_allowed("sources.html#a", UrlUse::Link));
        assert!(!url_allowed("JavaScript:alert(1)", UrlUse::Link));
        assert!(!url_allowed(" data:text/html,x", UrlUse::Link));
        assert!(!url_allowed("//evil.example/x", UrlUse::Link));
        assert!(!url_allowed("https://x/y.png", UrlUse::Embed));
        assert!(url_allowed("img/y.png", UrlUse::Embed));
    }
}
