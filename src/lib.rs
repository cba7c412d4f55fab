//! muster turns the JSON exports of container-security tools into a static,
//! offline, verifiable compliance website.
//!
//! The pipeline, one module per step:
//! [`ingest`] (exports → [`model::Record`]s) → [`evaluate`] (records × [`catalog`] → statuses)
//! → [`render`] (statuses → site). [`cmd`] holds the command-line front ends.

#![forbid(unsafe_code)]

pub mod catalog;
pub mod charts;
pub mod cmd;
pub mod config;
pub mod diag;
pub mod evaluate;
pub mod ingest;
pub mod manifest;
pub mod model;
pub mod redact;
pub mod render;
