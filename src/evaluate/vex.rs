//! VEX statements applied to vulnerability findings: which statements are about a
//! vulnerability record (its id or an alias, its image, its package), which one of
//! them decides at a date, and whether it closes the finding. The rule in words is in
//! `docs/vex.md`.
//!
//! A statement is about a vulnerability record when one of the statement's ids (id or
//! alias) is one of the record's, and its product is the record's: the same image
//! repository and, where both name them, the same digest (else the same tag, a digest
//! and a tag being joined through the images other records name both ways); a product
//! naming neither tag nor digest is every version of the repository. Under another
//! repository name (a mirror), only a digest makes it the same image: the record's
//! own digest, or one the image identity joins to it. A statement
//! narrowed to a package (an image's subcomponent) is about that package only; a
//! package product without an image is about that package in every image.
//!
//! At a date, only statements dated on or before it count (an undated statement is
//! shown nowhere and closes nothing: its age is unknown). Among those, the most
//! specific product decides (image and package, then image, then package alone), and
//! among equally specific ones the newest (the later in the input on a tie): a newer
//! `under_investigation` or `affected` statement reopens what an older `not_affected`
//! closed.

use super::Ctx;
use crate::model::{ImageRef, Record, RecordKind, VexFacts};
use std::collections::HashMap;

/// How specific a statement's product is, for a record it is about (higher decides).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Specificity {
    /// A package in any image.
    Package = 1,
    /// Every package of an image.
    Image = 2,
    /// One package of one image.
    ImagePackage = 3,
}

/// Per vulnerability record, the VEX records about it (whatever their date), with
/// how specific each is. Computed once per report.
pub type Candidates = HashMap<u32, Box<[(u32, Specificity)]>>;

/// `id` upper-cased, copied only when it has a lower-case letter.
fn upper(id: &str) -> std::borrow::Cow<'_, str> {
    if id.bytes().any(|b| b.is_ascii_lowercase()) {
        id.to_ascii_uppercase().into()
    } else {
        id.into()
    }
}

/// Find, for every vulnerability record, the VEX statements about it. `canonical`
/// gives an image's one name across tools (digest references resolved to tags).
pub fn candidates(records: &[Record], canonical: &dyn Fn(&ImageRef) -> String) -> Candidates {
    // Statements by every id they give, upper-cased.
    let mut by_id: HashMap<String, Vec<u32>> = HashMap::new();
    for (i, r) in records.iter().enumerate() {
        if r.kind != RecordKind::Vex || r.vex().is_none() {
            continue;
        }
        let mut ids: Vec<String> = std::iter::once(r.check.as_str())
            .chain(r.aliases.iter().map(|a| a.as_str()))
            .map(str::to_ascii_uppercase)
            .collect();
        ids.sort();
        ids.dedup();
        for id in ids {
            by_id.entry(id).or_default().push(i as u32);
        }
    }
    let mut out = Candidates::new();
    if by_id.is_empty() {
        return out;
    }
    for (i, r) in records.iter().enumerate() {
        if r.kind != RecordKind::Vulnerability {
            continue;
        }
        let mut found: Vec<(u32, Specificity)> = std::iter::once(r.check.as_str())
            .chain(r.aliases.iter().map(|a| a.as_str()))
            .filter_map(|id| by_id.get(&*upper(id)))
            .flatten()
            .filter_map(|&s| {
                let statement = records.get(s as usize)?;
                about(statement, r, canonical).map(|sp| (s, sp))
            })
            .collect();
        found.sort();
        found.dedup();
        if !found.is_empty() {
            out.insert(i as u32, found.into_boxed_slice());
        }
    }
    out
}

/// Whether VEX record `statement` is about vulnerability record `r`'s product, and how
/// specifically (the ids are matched by the caller).
pub fn about(
    statement: &Record,
    r: &Record,
    canonical: &dyn Fn(&ImageRef) -> String,
) -> Option<Specificity> {
    let facts = statement.vex()?;
    let package_ok = |p: &str| {
        r.vuln()
            .is_some_and(|v| v.package.trim().eq_ignore_ascii_case(p.trim()))
    };
    match (&statement.subject.image, facts.package.as_deref()) {
        (Some(product), package) => {
            let image = r.subject.image.as_ref()?;
            if !same_image(product, image, canonical) {
                return None;
            }
            match package {
                Some(p) if package_ok(p) => Some(Specificity::ImagePackage),
                Some(_) => None,
                None => Some(Specificity::Image),
            }
        }
        (None, Some(p)) if package_ok(p) => Some(Specificity::Package),
        _ => None,
    }
}

/// Whether a statement's image product is the image a vulnerability was found in.
pub fn same_image(
    product: &ImageRef,
    image: &ImageRef,
    canonical: &dyn Fn(&ImageRef) -> String,
) -> bool {
    if !product.name().eq_ignore_ascii_case(&image.name()) {
        // Another repository name (a mirror, a copy in another registry) is the same
        // image only when a digest says so: the same digest, or a digest the image
        // identity joins to the image (same manifest or config).
        return match (&product.digest, &image.digest) {
            (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
            (Some(_), None) => canonical(product) == canonical(image),
            _ => false,
        };
    }
    match (&product.digest, &image.digest, &product.tag, &image.tag) {
        (Some(a), Some(b), _, _) => a.eq_ignore_ascii_case(b),
        (None, _, None, _) => true,
        (_, _, Some(a), Some(b)) => a == b,
        // One names a digest, the other a tag: join them through the images named both ways.
        _ => canonical(product) == canonical(image),
    }
}

/// The statement deciding about vulnerability record `idx` at `ctx.at`: its record
/// index and facts. `None` when no dated statement on or before the date is about it.
pub fn deciding<'r>(ctx: &Ctx<'r>, idx: usize) -> Option<(usize, &'r VexFacts)> {
    let at = ctx.at;
    let records = ctx.records;
    ctx.vex_candidates(idx)
        .iter()
        .filter_map(|&(s, specificity)| {
            let r = records.get(s as usize)?;
            let t = r.observed_at.filter(|t| *t <= at)?;
            Some(((specificity, t, s), r))
        })
        .max_by_key(|(rank, _)| *rank)
        .and_then(|((_, _, s), r)| r.vex().map(|f| (s as usize, f)))
}

/// Whether the statement deciding about record `idx` at `ctx.at` closes it.
pub fn closes(ctx: &Ctx<'_>, idx: usize) -> bool {
    ctx.config.vex.accept && deciding(ctx, idx).is_some_and(|(_, f)| f.status.closes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::test_formats::TRIVY;
    use crate::model::{Facts, Outcome, Text, VexStatus, VulnFacts};
    use chrono::{DateTime, TimeZone, Utc};

    fn image(s: &str) -> ImageRef {
        ImageRef::parse(s).expect("image")
    }

    fn vuln(img: &str, id: &str, package: &str) -> Record {
        let mut r = Record::new(RecordKind::Vulnerability, TRIVY, id, Outcome::Fail);
        r.subject.image = Some(image(img));
        r.facts = Facts::Vulnerability(VulnFacts::new(package, "1.0", "1.1", "").into());
        r
    }

    fn statement(
        img: Option<&str>,
        id: &str,
        package: Option<&str>,
        status: VexStatus,
        day: u32,
    ) -> Record {
        let mut r = Record::new(RecordKind::Vex, TRIVY, id, Outcome::Info);
        r.subject.image = img.map(image);
        r.facts = Facts::Vex(
            VexFacts {
                status,
                justification: None,
                impact: None,
                action: None,
                author: None,
                document: None,
                package: package.map(Text::from),
            }
            .into(),
        );
        r.observed_at = Some(at(day));
        r
    }

    fn at(day: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, day, 12, 0, 0).unwrap()
    }

    fn tagged(i: &ImageRef) -> String {
        i.tagged()
    }

    #[test]
    fn a_statement_is_about_the_same_image_and_package() {
        let r = vuln("nginx:1.25.3", "CVE-1", "libxml2");
        let s = |img, pkg| statement(img, "CVE-1", pkg, VexStatus::NotAffected, 1);
        let about = |st: &Record| about(st, &r, &tagged);
        assert_eq!(
            about(&s(Some("docker.io/library/nginx:1.25.3"), Some("libxml2"))),
            Some(Specificity::ImagePackage)
        );
        assert_eq!(
            about(&s(Some("nginx:1.25.3"), None)),
            Some(Specificity::Image)
        );
        let mut every_version = s(Some("nginx"), None);
        if let Some(i) = every_version.subject.image.as_mut() {
            i.tag = None;
        }
        assert_eq!(about(&every_version), Some(Specificity::Image));
        assert_eq!(about(&s(Some("nginx:1.25.3"), Some("openssl"))), None);
        assert_eq!(about(&s(Some("nginx:1.24"), None)), None);
        assert_eq!(about(&s(Some("redis:7"), None)), None);
        assert_eq!(about(&s(None, Some("LIBXML2"))), Some(Specificity::Package));
        assert_eq!(about(&s(None, None)), None);
    }

    #[test]
    fn digests_decide_when_both_name_one_and_a_digest_joins_a_tag_through_other_names() {
        let d1 = "sha256:1111111111111111111111111111111111111111111111111111111111111111";
        let d2 = "sha256:2222222222222222222222222222222222222222222222222222222222222222";
        let a = image(&format!("nginx:1.25.3@{d1}"));
        let b = image(&format!("nginx:1.25.3@{d2}"));
        assert!(!same_image(&a, &b, &tagged));
        let by_digest = image(&format!("nginx@{d1}"));
        let by_tag = image("nginx:1.25.3");
        // Without a join the digest-only reference is its own name.
        assert!(!same_image(&by_digest, &by_tag, &tagged));
        let joined = |i: &ImageRef| {
            if i.digest.is_some() && i.tag.is_none() {
                "docker.io/library/nginx:1.25.3".to_string()
            } else {
                i.tagged()
            }
        };
        assert!(same_image(&by_digest, &by_tag, &joined));
    }

    #[test]
    fn under_another_repository_name_only_a_digest_makes_it_the_same_image() {
        let d1 = "sha256:1111111111111111111111111111111111111111111111111111111111111111";
        let d2 = "sha256:2222222222222222222222222222222222222222222222222222222222222222";
        let scanned = image(&format!("registry.example.com/shop/web:2.4.1@{d1}"));
        let mirror_same = image(&format!("mirror.example.com/shop/web@{d1}"));
        let mirror_other = image(&format!("mirror.example.com/shop/web@{d2}"));
        let mirror_tag = image("mirror.example.com/shop/web:2.4.1");
        assert!(same_image(&mirror_same, &scanned, &tagged));
        assert!(!same_image(&mirror_other, &scanned, &tagged));
        assert!(
            !same_image(&mirror_tag, &scanned, &tagged),
            "a tag is not enough"
        );
        // The scan named only a tag: the identity joins the mirror's digest to it.
        let scanned_by_tag = image("registry.example.com/shop/web:2.4.1");
        assert!(!same_image(&mirror_same, &scanned_by_tag, &tagged));
        let joined = |i: &ImageRef| {
            if i.digest.as_deref() == Some(d1) || i.tag.as_deref() == Some("2.4.1") {
                "registry.example.com/shop/web:2.4.1".to_string()
            } else {
                i.tagged()
            }
        };
        assert!(same_image(&mirror_same, &scanned_by_tag, &joined));
    }

    #[test]
    fn ids_and_aliases_match_either_way() {
        let mut r = vuln("nginx:1.25.3", "CVE-1", "libxml2");
        r.aliases = vec![Text::from("GHSA-x")];
        let mut s = statement(Some("nginx:1.25.3"), "ghsa-x", None, VexStatus::Fixed, 1);
        let records = vec![r.clone(), s.clone()];
        assert_eq!(candidates(&records, &tagged).len(), 1);
        s.check = Text::from("OTHER");
        s.aliases = vec![Text::from("cve-1")];
        let records = vec![r, s];
        assert_eq!(candidates(&records, &tagged).len(), 1);
    }

    #[test]
    fn only_closing_statuses_close() {
        assert!(VexStatus::NotAffected.closes());
        assert!(VexStatus::Fixed.closes());
        assert!(!VexStatus::Affected.closes());
        assert!(!VexStatus::UnderInvestigation.closes());
    }
}
