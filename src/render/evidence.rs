//! Long evidence tables made readable: a check's evidence grouped by rule (CVE,
//! benchmark check, alert rule), then by subject, each group with its count and its
//! most urgent state. The first groups are shown; the rest start collapsed in a
//! `<details>` element, which needs no JavaScript.

use super::views::{EvidenceGroup, EvidenceView, StatusView};
use crate::evaluate::{EvidenceItem, FindingState};

/// Groups are shown expanded until this many rows are visible (the first group always is).
pub const OPEN_ROWS: usize = 12;

/// How urgent a state is (lower is more urgent), for a group's headline state.
fn urgency(s: FindingState) -> u8 {
    match s {
        FindingState::Overdue | FindingState::Failing => 0,
        FindingState::InGrace | FindingState::Warns => 1,
        FindingState::NoFix => 2,
        FindingState::Waived => 3,
        FindingState::Triaged => 4,
        FindingState::VexClosed => 5,
        FindingState::Info => 6,
        FindingState::Fixed => 7,
        FindingState::Passed => 8,
    }
}

/// Group `views` (built from `items`, same order) by rule in order of first appearance
/// (the evaluation lists the most urgent first), each group's rows by subject.
pub fn groups(
    items: &[EvidenceItem],
    views: &[EvidenceView],
    state: impl Fn(FindingState) -> StatusView,
) -> Vec<EvidenceGroup> {
    let mut order: Vec<&str> = Vec::new();
    let mut members: std::collections::HashMap<&str, Vec<usize>> = Default::default();
    for (i, item) in items.iter().enumerate() {
        let list = members.entry(item.check.as_str()).or_insert_with(|| {
            order.push(item.check.as_str());
            Vec::new()
        });
        list.push(i);
    }
    let mut shown = 0;
    let mut closing = false;
    order
        .into_iter()
        .enumerate()
        .map(|(g, check)| {
            let mut idx = members.remove(check).unwrap_or_default();
            idx.sort_by(|a, b| {
                (&items[*a].subject, urgency(items[*a].state), *a).cmp(&(
                    &items[*b].subject,
                    urgency(items[*b].state),
                    *b,
                ))
            });
            // The most urgent row gives the group its state and its title (a platform
            // row's title names its resource: the heading names the one in that state).
            let worst_row = idx.iter().copied().min_by_key(|i| urgency(items[*i].state));
            let worst = worst_row.map_or(FindingState::Info, |i| items[i].state);
            let open = g == 0 || (!closing && shown + idx.len() <= OPEN_ROWS);
            closing |= !open;
            shown += idx.len();
            EvidenceGroup {
                check: check.to_string(),
                // The view's title: already in the site's language.
                title: worst_row
                    .and_then(|i| views.get(i))
                    .map(|v| v.title.clone())
                    .unwrap_or_default(),
                rows: idx.iter().filter_map(|i| views.get(*i).cloned()).collect(),
                state: state(worst),
                open,
            }
        })
        .collect()
}
