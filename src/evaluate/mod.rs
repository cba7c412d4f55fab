//! Evaluation: records × catalog × configuration → a [`Report`].
//!
//! Pure functions of their inputs: no I/O, no clock (the report date is a parameter).

mod report;

pub use report::*;
