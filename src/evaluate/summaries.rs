//! What the site summarises from the findings and the evidence: one row per image,
//! per team and per waiver, and who owns a subject, an image and a finding (one rule
//! for the image pages, the findings and the teams).

use super::rules::Verification;
use super::{ControlResult, Ctx, Finding, FindingState, ImageSummary, TeamSummary, WaiverState};
use crate::catalog::{selector_glob as glob, Catalog};
use crate::config::{Config, Owner};
use crate::model::{ImageRef, Outcome, RecordKind, ScanClass, Subject, Text};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// A fast hasher for maps that live only as long as one summary.
type Fast = foldhash::fast::RandomState;

/// The team owning a subject (first matching owner).
pub fn owner_of<'c>(config: &'c Config, s: &Subject) -> Option<&'c Owner> {
    config.owners.iter().find(|o| {
        owns_place(o, s.namespace.as_deref(), s.cluster.as_deref())
            || s.image.as_ref().is_some_and(|i| owns_name(o, i))
    })
}

/// Whether `o` owns `namespace` or `cluster`.
fn owns_place(o: &Owner, namespace: Option<&str>, cluster: Option<&str>) -> bool {
    namespace.is_some_and(|ns| o.namespaces.iter().any(|p| glob(p, ns)))
        || cluster.is_some_and(|c| o.clusters.iter().any(|p| glob(p, c)))
}

/// Whether one of `o`'s image globs matches image name `i`.
fn owns_name(o: &Owner, i: &ImageRef) -> bool {
    o.images
        .iter()
        .any(|p| glob(p, &i.tagged()) || glob(p, &i.name()))
}

/// Who owns each image, by canonical name: the first `[[owners]]` entry that owns one
/// of its names (`images`) or a namespace or cluster it is seen running in
/// (`namespaces`, `clusters`; the workloads its page lists), first match wins as for
/// any subject. The image pages show it, and a finding about the image takes it when
/// its own subject names no place an owner claims ([`ImageOwners::of_finding`]), so a
/// vulnerability a scanner reports of the image alone has the team its page shows.
pub struct ImageOwners<'c> {
    by_image: HashMap<String, &'c Owner>,
}

impl<'c> ImageOwners<'c> {
    /// The owners of the images of `ctx`'s records (as of `ctx.at`: records dated after
    /// it and out of scope are left out, as on the image pages).
    pub fn new(ctx: &Ctx<'c>) -> ImageOwners<'c> {
        // Per canonical image (keyed by where its reference is): a record naming it
        // (for its names) and the places it is seen running in.
        type Places = BTreeSet<(Option<Text>, Option<Text>)>;
        let mut images: HashMap<*const ImageRef, (usize, Places), Fast> = HashMap::default();
        for (i, r) in ctx.records.iter().enumerate() {
            let Some(canonical) = ctx.image_at(i) else {
                continue;
            };
            if r.kind == RecordKind::Vex
                || ctx.excluded(i)
                || r.observed_at.is_some_and(|t| t > ctx.at)
            {
                continue;
            }
            let (_, places) = images
                .entry(std::ptr::from_ref(canonical))
                .or_insert_with(|| (i, Places::new()));
            if r.kind == RecordKind::Sighting
                && (r.subject.namespace.is_some() || r.subject.cluster.is_some())
            {
                places.insert((r.subject.namespace.clone(), r.subject.cluster.clone()));
            }
        }
        let by_image = images
            .into_values()
            .filter_map(|(i, places)| {
                let names = ctx.image_names(i);
                let owner = ctx.config.owners.iter().find(|o| {
                    names.iter().any(|n| owns_name(o, n))
                        || places
                            .iter()
                            .any(|(ns, c)| owns_place(o, ns.as_deref(), c.as_deref()))
                })?;
                Some((ctx.image_name_at(i)?, owner))
            })
            .collect();
        ImageOwners { by_image }
    }

    /// The owner of the image of canonical name `name`.
    pub fn of(&self, name: &str) -> Option<&'c Owner> {
        self.by_image.get(name).copied()
    }

    /// The owner of a finding about subject `s` (`image`: its canonical image): the
    /// owner of the namespace or cluster it is about, when its subject names one an
    /// owner claims (or whose image it names), else the owner of its image.
    pub fn of_finding(
        &self,
        config: &'c Config,
        s: &Subject,
        image: Option<&ImageRef>,
    ) -> Option<&'c Owner> {
        let of_image = || image.and_then(|i| self.of(&i.tagged()));
        if s.namespace.is_some() || s.cluster.is_some() {
            owner_of(config, s).or_else(of_image)
        } else {
            of_image().or_else(|| owner_of(config, s))
        }
    }
}

/// Per-image summaries.
pub fn images(
    ctx: &Ctx<'_>,
    owners: &ImageOwners<'_>,
    findings: &[Finding],
    controls: &[ControlResult],
) -> Vec<ImageSummary> {
    let mut map: BTreeMap<String, ImageSummary> = BTreeMap::new();
    // Workloads and aliases per image, as sets: an image may run in thousands of pods.
    // Per image, each workload it runs in, named without its cluster, with the clusters
    // that name it (`None`: a tool that does not say the cluster).
    let mut running: HashMap<String, BTreeMap<String, BTreeSet<Option<Text>>>> = HashMap::new();
    let mut aliases: HashMap<String, BTreeSet<String>> = HashMap::new();
    // Most records name an image many others name too (records share their subject):
    // a canonical name is spelt once per canonical reference, and a reference's alias
    // is looked at once, both keyed by where the reference is.
    let mut names: HashMap<*const ImageRef, String, Fast> = HashMap::default();
    let mut aliased: HashSet<(*const ImageRef, *const ImageRef), Fast> = HashSet::default();
    for (i, r) in ctx.records.iter().enumerate() {
        let (Some(img), Some(canonical)) = (&r.subject.image, ctx.image_at(i)) else {
            continue;
        };
        // A VEX statement names a product, not an image of the estate (a vendor's
        // document may name hundreds): it neither adds an image nor saw one.
        if r.kind == RecordKind::Vex || ctx.excluded(i) || r.observed_at.is_some_and(|t| t > ctx.at)
        {
            continue;
        }
        let name: &String = names
            .entry(std::ptr::from_ref(canonical))
            .or_insert_with(|| canonical.tagged());
        if !map.contains_key(name) {
            let summary = ImageSummary {
                image: crate::model::ImageRef::parse(name).unwrap_or_else(|| img.clone()),
                aliases: Vec::new(),
                open_by_severity: BTreeMap::new(),
                last_scanned: None,
                os: None,
                running_in: Vec::new(),
                seen_by: Vec::new(),
                controls: Vec::new(),
                team: owners.of(name).map(|o| o.team.clone()),
                signed: false,
                signature_undated: false,
            };
            map.insert(name.clone(), summary);
        }
        let Some(e) = map.get_mut(name) else {
            continue;
        };
        if aliased.insert((std::ptr::from_ref(canonical), std::ptr::from_ref(img))) {
            let alias = img.to_string();
            if alias != *name {
                aliases.entry(name.clone()).or_default().insert(alias);
            }
        }
        if e.image.digest.is_none() {
            e.image.digest = img.digest.clone();
        }
        let format = r.format.id();
        if !e.seen_by.iter().any(|s| s == format) {
            e.seen_by.push(format.to_string());
        }
        match r.kind {
            RecordKind::Scan
                if r.scan_class() == Some(ScanClass::Vulnerability)
                    && r.observed_at >= e.last_scanned =>
            {
                e.last_scanned = r.observed_at.or(e.last_scanned);
                if let Some(facts) = r.image_facts() {
                    if let Some(os) = facts.os_family.as_deref().filter(|f| !f.is_empty()) {
                        let version = facts.os_name.as_deref().unwrap_or("");
                        e.os = Some(format!("{os} {version}").trim().to_string());
                    }
                }
            }
            RecordKind::Sighting => {
                let unclustered = Subject {
                    cluster: None,
                    ..(*r.subject).clone()
                };
                if let Some(w) = unclustered.workload() {
                    running
                        .entry(name.clone())
                        .or_default()
                        .entry(w)
                        .or_default()
                        .insert(r.subject.cluster.clone());
                }
            }
            // What IMG-07 counts: a dated verification; an undated one proves nothing.
            RecordKind::Signature => match super::rules::verification(ctx, r) {
                Some(Verification::Dated) => e.signed = true,
                Some(Verification::Undated) => e.signature_undated = true,
                None => {}
            },
            _ => {}
        }
    }
    let mut canonical_names = CanonicalNames::new(ctx);
    for f in findings.iter().filter(|f| f.state.is_open()) {
        if let Some(img) = &f.image {
            if let Some(e) = map.get_mut(canonical_names.of(img)) {
                *e.open_by_severity.entry(f.severity).or_insert(0) += 1;
                for c in &f.controls {
                    if !e.controls.iter().any(|x| x == c.as_str()) {
                        e.controls.push(c.to_string());
                    }
                }
            }
        }
    }
    for c in controls {
        for ev in c.checks.iter().flat_map(|ch| &ch.evidence) {
            if let Some(e) = map.get_mut(&ev.subject) {
                if !e.controls.contains(&c.id) {
                    e.controls.push(c.id.clone());
                }
            }
        }
    }
    for (name, e) in &mut map {
        e.aliases = aliases
            .remove(name)
            .unwrap_or_default()
            .into_iter()
            .collect();
        e.running_in = distinct_workloads(running.remove(name).unwrap_or_default());
        e.signature_undated &= !e.signed;
        e.seen_by.sort();
        e.controls.sort();
    }
    map.into_values().collect()
}

/// The workloads an image runs in, each once, as `cluster/namespace/kind/name`: a
/// workload named without its cluster (Falco, Tetragon and trivy-operator do not say
/// it) is left out when the same namespace, kind and name is also named with a
/// cluster, so one pod is not counted twice. `named`: per workload without its
/// cluster, the clusters naming it (`None` for a tool that names none).
fn distinct_workloads(named: BTreeMap<String, BTreeSet<Option<Text>>>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (workload, clusters) in named {
        let with_cluster: Vec<&Text> = clusters.iter().flatten().collect();
        if with_cluster.is_empty() {
            out.push(workload);
        } else {
            out.extend(with_cluster.iter().map(|c| format!("{c}/{workload}")));
        }
    }
    out.sort();
    out
}

/// Point each finding at the image as its image page names it (the same image may be
/// reported by tag by one tool and by digest by another).
pub fn link_images(ctx: &Ctx<'_>, findings: &mut [Finding], images: &[ImageSummary]) {
    let by_name: HashMap<String, &ImageSummary> =
        images.iter().map(|i| (i.image.tagged(), i)).collect();
    let mut canonical_names = CanonicalNames::new(ctx);
    let linked: Vec<Option<&ImageSummary>> = findings
        .iter()
        .map(|f| {
            let img = f.image.as_ref()?;
            by_name.get(canonical_names.of(img)).copied()
        })
        .collect();
    for (f, s) in findings.iter_mut().zip(linked) {
        if let Some(s) = s {
            f.image = Some(s.image.clone());
        }
    }
}

/// [`Ctx::canonical`] names, worked out once per distinct reference (findings of
/// one image repeat it thousands of times).
struct CanonicalNames<'c, 'r> {
    ctx: &'c Ctx<'c>,
    names: HashMap<&'r ImageRef, String, Fast>,
}

impl<'c, 'r> CanonicalNames<'c, 'r> {
    fn new(ctx: &'c Ctx<'c>) -> Self {
        CanonicalNames {
            ctx,
            names: HashMap::default(),
        }
    }

    fn of(&mut self, img: &'r ImageRef) -> &str {
        let ctx = self.ctx;
        self.names.entry(img).or_insert_with(|| ctx.canonical(img))
    }
}

/// Per-team remediation summaries.
pub fn teams(config: &Config, findings: &[Finding]) -> Vec<TeamSummary> {
    let mut out: Vec<TeamSummary> = config
        .owners
        .iter()
        .map(|o| {
            let mine: Vec<&Finding> = findings
                .iter()
                .filter(|f| f.team.as_deref() == Some(o.team.as_str()))
                .collect();
            // Every fix, an earlier episode's of a finding that came back too.
            let fixed: Vec<f64> = mine
                .iter()
                .flat_map(|f| f.fixes())
                .filter_map(|(first, d)| super::days_to_fix(first, d).map(|n| n as f64))
                .collect();
            TeamSummary {
                team: o.team.clone(),
                contact: o.contact.clone(),
                open: mine.iter().filter(|f| f.state.is_open()).count(),
                overdue: mine
                    .iter()
                    .filter(|f| f.state == FindingState::Overdue)
                    .count(),
                fixed: fixed.len(),
                mean_days_to_fix: (!fixed.is_empty()).then(|| {
                    (fixed.iter().sum::<f64>() / fixed.len() as f64 * 10.0).round() / 10.0
                }),
            }
        })
        .collect();
    out.dedup_by(|a, b| a.team == b.team);
    out
}

/// Waiver states: expired, and how much standing evidence each covers.
pub fn waiver_states(ctx: &Ctx<'_>, catalog: &Catalog, current: &[u32]) -> Vec<WaiverState> {
    let date = ctx.at.date_naive();
    ctx.waivers
        .iter()
        .map(|w| {
            let matched = current
                .iter()
                .map(|&i| i as usize)
                .filter_map(|i| ctx.records.get(i).map(|r| (i, r)))
                .filter(|(_, r)| r.outcome == Outcome::Fail || r.kind == RecordKind::Sighting)
                .filter(|(_, r)| w.covers("*", r))
                .filter(|(i, r)| {
                    catalog.controls.iter().any(|c| {
                        w.covers(&c.id, r)
                            && c.checks
                                .iter()
                                .any(|ch| ctx.selects(ch, *i) || ch.selectors.is_empty())
                    })
                })
                .count();
            WaiverState {
                waiver: w.clone(),
                expired: w.expires_on < date,
                matched,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::distinct_workloads;
    use crate::model::Text;
    use std::collections::{BTreeMap, BTreeSet};

    #[test]
    fn a_workload_named_with_and_without_its_cluster_counts_once() {
        let mut named: BTreeMap<String, BTreeSet<Option<Text>>> = BTreeMap::new();
        let mut add = |w: &str, c: Option<&str>| {
            named
                .entry(w.to_string())
                .or_default()
                .insert(c.map(Text::from));
        };
        add("batch/Pod/etl-1", Some("aks-prod-weu"));
        add("batch/Pod/etl-1", None);
        add("batch/Pod/etl-2", None);
        add("shop/Deployment/web", Some("aks-prod-weu"));
        add("shop/Deployment/web", Some("aks-stage-weu"));
        assert_eq!(
            distinct_workloads(named),
            [
                "aks-prod-weu/batch/Pod/etl-1",
                "aks-prod-weu/shop/Deployment/web",
                "aks-stage-weu/shop/Deployment/web",
                "batch/Pod/etl-2",
            ]
        );
    }
}
