//! Image identity: one image across the names tools give it.
//!
//! An image is known by its content: the manifest digest a reference carries
//! (`repo@sha256:…`, from registries, `RepoDigests` and pod statuses) and the config
//! digest a scanner reports (Trivy `ImageID`, Grype `imageID`). References that share
//! either identifier, directly or through another reference, are one image, named by
//! one canonical reference: a tagged name before a digest-only one, a name seen
//! running before one only scanned, then the smallest. A reference carrying no
//! identifier keeps its own name. The rule is documented in `docs/evidence-time.md`.

use crate::model::{ImageRef, Record, RecordKind, Text};
use std::collections::HashMap;

/// The canonical reference of every image identity in one estate.
#[derive(Debug, Default)]
pub struct ImageIdentity {
    /// Content identifier (manifest or config digest) → index into `names`.
    by_content: HashMap<Text, usize>,
    /// Canonical reference per identity.
    names: Vec<ImageRef>,
    /// (file, repository) → config digest, from the scan record of that file: the
    /// other records of a report about the same image share its identity.
    file_config: HashMap<FileImage, Text>,
}

/// The slot of a record without an image (see [`ImageIdentity::slot_of_record`]).
pub const NO_IMAGE: u32 = u32::MAX;
/// The slot of a record whose image is named by its own reference.
pub const OWN_NAME: u32 = u32::MAX - 1;

/// A file and the repository (registry, path) of an image it reports on.
type FileImage = (Text, Text, Text);

fn file_image(r: &Record, img: &ImageRef) -> FileImage {
    (
        r.provenance.file.clone(),
        img.registry.clone(),
        img.repository.clone(),
    )
}

/// Union-find over content identifiers.
struct Groups {
    parent: Vec<usize>,
}

impl Groups {
    fn root(&mut self, mut i: usize) -> usize {
        while let Some(&p) = self.parent.get(i) {
            if p == i {
                break;
            }
            let grand = self.parent.get(p).copied().unwrap_or(p);
            if let Some(slot) = self.parent.get_mut(i) {
                *slot = grand;
            }
            i = p;
        }
        i
    }

    fn join(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.root(a), self.root(b));
        if ra != rb {
            if let Some(slot) = self.parent.get_mut(ra.max(rb)) {
                *slot = ra.min(rb);
            }
        }
    }
}

/// How a reference ranks as the name of its image (smaller is better): tagged, seen
/// running, then by name.
type Rank = (bool, bool, String);

fn rank(image: &ImageRef, running: bool) -> Rank {
    (image.tag.is_none(), !running, image.tagged())
}

impl ImageIdentity {
    /// Group every image reference in `records` by shared content identifiers.
    pub fn build(records: &[Record]) -> ImageIdentity {
        let mut file_config: HashMap<FileImage, Text> = HashMap::new();
        for r in records {
            let (Some(img), Some(id)) = (
                &r.subject.image,
                r.image_facts().and_then(|f| f.config_digest.clone()),
            ) else {
                continue;
            };
            file_config.entry(file_image(r, img)).or_insert(id);
        }
        // Distinct references with the identifiers they carry, and whether they run.
        let mut refs: HashMap<&ImageRef, (Option<Text>, bool)> = HashMap::new();
        for r in records {
            let Some(img) = &r.subject.image else {
                continue;
            };
            let config = if file_config.is_empty() {
                None
            } else {
                file_config.get(&file_image(r, img)).cloned()
            };
            let e = refs.entry(img).or_insert((None, false));
            if e.0.is_none() {
                e.0 = config;
            }
            e.1 |= r.kind == RecordKind::Sighting;
        }
        let mut ids: HashMap<Text, usize> = HashMap::new();
        let mut groups = Groups { parent: Vec::new() };
        let mut id_of = |t: &Text, groups: &mut Groups| -> usize {
            *ids.entry(t.clone()).or_insert_with(|| {
                groups.parent.push(groups.parent.len());
                groups.parent.len() - 1
            })
        };
        let mut members: Vec<(usize, &ImageRef, bool)> = Vec::new();
        for (img, (config, running)) in &refs {
            let first = img.digest.as_ref().map(|d| id_of(d, &mut groups));
            let second = config.as_ref().map(|c| id_of(c, &mut groups));
            match (first, second) {
                (Some(a), Some(b)) => {
                    groups.join(a, b);
                    members.push((a, img, *running));
                }
                (Some(a), None) | (None, Some(a)) => members.push((a, img, *running)),
                (None, None) => {}
            }
        }
        // The best name per group root.
        let mut best: HashMap<usize, (Rank, &ImageRef)> = HashMap::new();
        for (id, img, running) in members {
            let root = groups.root(id);
            let candidate = (rank(img, running), img);
            match best.get_mut(&root) {
                Some(b) if b.0 <= candidate.0 => {}
                Some(b) => *b = candidate,
                None => {
                    best.insert(root, candidate);
                }
            }
        }
        let mut names = Vec::with_capacity(best.len());
        let mut slot_of_root: HashMap<usize, usize> = HashMap::new();
        let mut roots: Vec<(usize, &(Rank, &ImageRef))> =
            best.iter().map(|(r, b)| (*r, b)).collect();
        roots.sort_by(|a, b| a.1 .0 .2.cmp(&b.1 .0 .2));
        for (root, (_, img)) in roots {
            let mut name = (*img).clone();
            if name.tag.is_some() {
                // The canonical name is the tagged name; the digest stays with each alias.
                name.digest = None;
            }
            slot_of_root.insert(root, names.len());
            names.push(name);
        }
        let by_content = ids
            .into_iter()
            .filter_map(|(t, id)| {
                let root = groups.root(id);
                slot_of_root.get(&root).map(|slot| (t, *slot))
            })
            .collect();
        ImageIdentity {
            by_content,
            names,
            file_config,
        }
    }

    /// The canonical reference of record `r`'s image (its file's config digest counts).
    pub fn of_record<'a>(&'a self, r: &'a Record) -> Option<&'a ImageRef> {
        self.at_slot(self.slot_of_record(r), r)
    }

    /// Where the canonical reference of record `r`'s image is: a slot of this identity's
    /// names, [`OWN_NAME`] (its own reference) or [`NO_IMAGE`]. See [`Self::at_slot`].
    pub fn slot_of_record(&self, r: &Record) -> u32 {
        let Some(img) = r.subject.image.as_ref() else {
            return NO_IMAGE;
        };
        let named = |s: &usize| (*s < self.names.len()).then_some(*s as u32);
        if let Some(found) = img.digest.as_ref().and_then(|d| self.by_content.get(d)) {
            if let Some(slot) = named(found) {
                return slot;
            }
        }
        if !self.file_config.is_empty() {
            if let Some(c) = self.file_config.get(&file_image(r, img)) {
                if let Some(slot) = self.by_content.get(c).and_then(named) {
                    return slot;
                }
            }
        }
        OWN_NAME
    }

    /// The canonical reference at `slot` (from [`Self::slot_of_record`]) of record `r`.
    pub fn at_slot<'a>(&'a self, slot: u32, r: &'a Record) -> Option<&'a ImageRef> {
        match slot {
            NO_IMAGE => None,
            OWN_NAME => r.subject.image.as_ref(),
            s => self.names.get(s as usize),
        }
    }

    /// The canonical reference of an image known only by its reference.
    pub fn of_ref<'a>(&'a self, img: &'a ImageRef) -> &'a ImageRef {
        self.by_digest(img).unwrap_or(img)
    }

    fn by_digest(&self, img: &ImageRef) -> Option<&ImageRef> {
        let d = img.digest.as_ref()?;
        self.by_content.get(d).and_then(|s| self.names.get(*s))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::model::test_formats::TRIVY;
    use crate::model::{Facts, ImageFacts, ScanClass, Subject};

    fn record(kind: RecordKind, image: &str, file: &str, config: Option<&str>) -> Record {
        let mut r = Record::new(kind, TRIVY, "x", crate::model::Outcome::Info);
        r.subject = Subject {
            image: ImageRef::parse(image),
            ..Subject::default()
        }
        .into();
        r.provenance.file = file.into();
        if let Some(c) = config {
            r.facts = Facts::Scan {
                class: ScanClass::Vulnerability,
                families: Default::default(),
                numbering: None,
                ran: None,
                image: Some(
                    ImageFacts {
                        config_digest: Some(c.into()),
                        ..ImageFacts::default()
                    }
                    .into(),
                ),
            };
        }
        r
    }

    #[test]
    fn two_names_with_one_config_digest_are_one_image() {
        let records = [
            record(
                RecordKind::Scan,
                "acr.io/shop/web:1.0",
                "a.json",
                Some("sha256:c1"),
            ),
            record(
                RecordKind::Vulnerability,
                "acr.io/shop/web:1.0",
                "a.json",
                None,
            ),
            record(
                RecordKind::Scan,
                "docker.io/contoso/web:1.0",
                "b.json",
                Some("sha256:c1"),
            ),
            record(
                RecordKind::Vulnerability,
                "docker.io/contoso/web:1.0",
                "b.json",
                None,
            ),
            record(
                RecordKind::Sighting,
                "docker.io/contoso/web:1.0",
                "pods.json",
                None,
            ),
        ];
        let id = ImageIdentity::build(&records);
        // The name seen running wins; every record of both reports maps to it.
        for r in &records[..4] {
            assert_eq!(
                id.of_record(r).unwrap().tagged(),
                "docker.io/contoso/web:1.0"
            );
        }
    }

    #[test]
    fn a_digest_joins_a_tagged_name_and_a_digest_only_name() {
        let records = [
            record(
                RecordKind::Scan,
                "acr.io/shop/api:2@sha256:m1",
                "a.json",
                None,
            ),
            record(
                RecordKind::Sighting,
                "acr.io/shop/api@sha256:m1",
                "pods.json",
                None,
            ),
            record(
                RecordKind::Sighting,
                "acr.io/shop/api@sha256:m2",
                "pods.json",
                None,
            ),
        ];
        let id = ImageIdentity::build(&records);
        assert_eq!(
            id.of_record(&records[1]).unwrap().tagged(),
            "acr.io/shop/api:2"
        );
        // Other content under the same repository is another image.
        assert_eq!(
            id.of_record(&records[2]).unwrap().tagged(),
            "acr.io/shop/api@sha256:m2"
        );
    }

    #[test]
    fn references_without_identifiers_keep_their_names() {
        let records = [
            record(RecordKind::Scan, "acr.io/shop/web:1.0", "a.json", None),
            record(RecordKind::Scan, "acr.io/shop/web:1.1", "b.json", None),
        ];
        let id = ImageIdentity::build(&records);
        assert_eq!(
            id.of_record(&records[0]).unwrap().tagged(),
            "acr.io/shop/web:1.0"
        );
        assert_eq!(
            id.of_record(&records[1]).unwrap().tagged(),
            "acr.io/shop/web:1.1"
        );
    }
}
