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

#[cfg(test)]
mod tests {
    use super::super::super::waivers::parse_attestation;
    use super::super::super::{Ctx, Index};
    use super::super::testing::{control, day};
    use super::*;
    use crate::config::Config;

    fn judge_with(
        atts: &[crate::evaluate::waivers::Attestation],
        at: chrono::DateTime<chrono::Utc>,
    ) -> Judged {
        let cat = control(r#"rule = "attestation""#, false);
        let config = Config::default();
        let index = Index::build(&[], &config, &cat, &[]);
        let ctx = Ctx {
            records: &[],
            config: &config,
            waivers: &[],
            attestations: atts,
            triage: &[],
            at,
            index: &index,
        };
        attestation(&ctx, &cat.controls[0])
    }

    #[test]
    fn none_is_manual_a_valid_one_settles_and_an_expired_one_is_manual_again() {
        assert_eq!(
            judge_with(&[], day(11, 20)).reason.code,
            ReasonCode::NeedsAttestation
        );
        let a = parse_attestation(
            "attestations/t.md",
            "+++\ncontrol = \"T-01\"\nstatus = \"pass\"\nattested_by = \"Ann\"\ndate = 2026-09-01\nexpires = 2026-09-30\n+++\nok",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let atts = [a];
        let j = judge_with(&atts, day(9, 15));
        assert_eq!(
            (j.status, j.reason.code),
            (Status::Pass, ReasonCode::Attested)
        );
        let j = judge_with(&atts, day(10, 2));
        assert_eq!(
            (j.status, j.reason.code),
            (Status::Manual, ReasonCode::AttestationExpired)
        );
    }
}
