//! `attestation`: only a signed attestation (attestations/*.md) settles the check;
//! none, or an expired one, leaves it manual.

use super::super::judge::{Evaluator, Judged};
use super::super::view::Current;
use super::super::{Ctx, ReasonCode, Status};
use crate::catalog::{Check, Control};

/// The `attestation` evaluator.
pub struct Attestation;

impl Evaluator for Attestation {
    fn judge(
        &self,
        ctx: &Ctx<'_>,
        control: &Control,
        _check: &Check,
        _current: &Current,
    ) -> Judged {
        attestation(ctx, control)
    }
}

/// A manual attestation settles the check.
pub fn attestation(ctx: &Ctx<'_>, control: &Control) -> Judged {
    let date = ctx.at.date_naive();
    let valid = ctx
        .attestations
        .iter()
        .filter(|a| a.control == control.id && a.date <= date)
        .max_by_key(|a| a.date);
    match valid {
        None => Judged::new(Status::Manual, ReasonCode::NeedsAttestation, &[]),
        Some(a) if a.expires.is_some_and(|e| e < date) => Judged::new(
            Status::Manual,
            ReasonCode::AttestationExpired,
            &[("date", a.expires.map(|e| e.to_string()).unwrap_or_default())],
        ),
        Some(a) => {
            let status = match a.status.as_str() {
                "pass" => Status::Pass,
                "fail" => Status::Fail,
                _ => Status::Warning,
            };
            Judged::new(
                status,
                ReasonCode::Attested,
                &[("by", a.attested_by.clone()), ("date", a.date.to_string())],
            )
        }
    }
}
