//! The normalised evidence model: every export, whatever tool wrote it, becomes
//! [`Record`]s about [`Subject`]s with an [`Outcome`] and a [`Severity`].
//!
//! This module owns the vocabulary shared by ingest, evaluation and rendering.
//! It does no I/O: parsing lives in `ingest`, judgement in `evaluate`.

mod image;
mod record;
mod severity;
mod text;

pub use image::ImageRef;
pub use record::{Format, Outcome, Provenance, Record, RecordKind, Subject};
pub use severity::Severity;
pub use text::{Attrs, Interner, Shared, Text};
