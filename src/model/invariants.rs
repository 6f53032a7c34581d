//! Checks run after every step: USD and people conserved, trust in [0,1], every indicator finite.
//! A broken invariant is a bug in the model, reported with the step, the entity and the quantity.

use super::config::Config;
use super::world::World;
use std::fmt;

#[derive(Debug, Clone, PartialEq)]
pub struct InvariantViolation {
    pub step: u32,
    pub entity: String,
    pub quantity: String,
    pub detail: String,
}

impl fmt::Display for InvariantViolation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invariant broken at step {} in {}: {}: {}",
            self.step, self.entity, self.quantity, self.detail
        )
    }
}

impl std::error::Error for InvariantViolation {}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * a.abs().max(b.abs()).max(1.0)
}

impl World {
    pub fn check_invariants(
        &self,
        cfg: &Config,
        columns: &[String],
        row: &[f64],
    ) -> Result<(), InvariantViolation> {
        let fail = |entity: String, quantity: &str, detail: String| {
            Err(InvariantViolation {
                step: self.step,
                entity,
                quantity: quantity.to_string(),
                detail,
            })
        };
        let l = &self.ledger;
        if !close(
            l.oda_budget_usd,
            l.oda_committed_usd + l.oda_retained_usd + l.programmes_donor_usd,
        ) {
            return fail(
                "donors".into(),
                "ODA USD",
                format!(
                    "budget {} ≠ committed {} + retained {} + programmes {}",
                    l.oda_budget_usd,
                    l.oda_committed_usd,
                    l.oda_retained_usd,
                    l.programmes_donor_usd
                ),
            );
        }
        let pipeline: f64 = self
            .donors
            .iter()
            .flat_map(|d| &d.channels)
            .map(|c| c.pipeline_total_usd())
            .sum();
        if !close(
            l.oda_committed_usd + l.oda_initial_pipeline_usd,
            pipeline + l.oda_disbursed_usd,
        ) {
            return fail(
                "donors".into(),
                "ODA pipeline USD",
                format!(
                    "committed {} + initial {} ≠ pipeline {} + disbursed {}",
                    l.oda_committed_usd, l.oda_initial_pipeline_usd, pipeline, l.oda_disbursed_usd
                ),
            );
        }
        if !close(l.oda_disbursed_usd, l.oda_received_usd) {
            return fail(
                "recipients".into(),
                "ODA USD",
                "disbursed ≠ received".into(),
            );
        }
        let grace = cfg.params.aid.loan_grace_q as usize;
        let step = self.step as usize;
        let (mut repaying, mut in_grace) = (0.0, 0.0);
        for ch in self.donors.iter().flat_map(|d| &d.channels) {
            repaying += ch.repaying_stock_usd;
            in_grace += ch.loans_by_step[(step + 1).saturating_sub(grace)..=step]
                .iter()
                .sum::<f64>();
        }
        if !close(
            l.loans_disbursed_usd,
            repaying + in_grace + l.loans_repaid_usd,
        ) {
            return fail(
                "donors".into(),
                "loan USD",
                format!(
                    "lent {} ≠ repaying {} + in grace {} + repaid {}",
                    l.loans_disbursed_usd, repaying, in_grace, l.loans_repaid_usd
                ),
            );
        }
        let fdi: f64 = (0..self.firms.len())
            .filter(|&f| self.firms.active[f] && self.firms.is_foreign(f))
            .map(|f| self.firms.capital_usd[f])
            .sum();
        if !close(l.fdi_registered_usd - l.fdi_withdrawn_usd, fdi) {
            return fail(
                "affiliates".into(),
                "FDI USD",
                format!(
                    "registered {} − withdrawn {} ≠ active capital {}",
                    l.fdi_registered_usd, l.fdi_withdrawn_usd, fdi
                ),
            );
        }
        // People, per origin (pairs' partners and competing origins) and per programme.
        for (o, origin) in self.origins.iter().enumerate() {
            let label = &cfg.talent_origins[o].label;
            for (k, stock) in origin.talent.iter().enumerate() {
                let in_vintages: u64 = stock.vintages.iter().sum();
                if stock.abroad != in_vintages {
                    return fail(
                        format!("origin {label}, programme {k}"),
                        "people",
                        format!("abroad {} ≠ sum of cohorts {in_vintages}", stock.abroad),
                    );
                }
                if cfg.talent_origins[o].programmes[k].is_none() && stock.abroad > 0 {
                    return fail(
                        format!("origin {label}, programme {k}"),
                        "people",
                        format!(
                            "{} abroad in a programme the origin does not have",
                            stock.abroad
                        ),
                    );
                }
            }
            let abroad: u64 = origin.talent.iter().map(|s| s.abroad).sum();
            let settled_initial = cfg.talent_origins[o].settled_initial;
            let accounted = abroad
                + origin.missing
                + origin.settled
                + origin.returned_cum
                + origin.missing_returned_cum;
            if origin.departed_cum + settled_initial != accounted {
                return fail(
                    format!("origin {label}"),
                    "people",
                    format!(
                        "departed {} + settled at start {settled_initial} ≠ abroad {abroad} + missing {} + settled {} + returned {} + missing returned {}",
                        origin.departed_cum,
                        origin.missing,
                        origin.settled,
                        origin.returned_cum,
                        origin.missing_returned_cum
                    ),
                );
            }
        }
        for (p, pair) in self.pairs.iter().enumerate() {
            if !(0.0..=1.0).contains(&pair.pair_trust) || !(0.0..=1.0).contains(&pair.gov_trust) {
                return fail(
                    format!("pair {}", cfg.pairs[p].label),
                    "trust",
                    format!("pair {} gov {}", pair.pair_trust, pair.gov_trust),
                );
            }
        }
        for &id in &self.partnerships.active {
            let t = self.partnerships.trust[id as usize];
            if !(0.0..=1.0).contains(&t) || !t.is_finite() {
                return fail(format!("partnership {id}"), "trust", format!("{t}"));
            }
        }
        for (name, v) in columns.iter().zip(row) {
            if !v.is_finite() {
                return fail(name.clone(), "indicator", format!("{v} is not finite"));
            }
        }
        Ok(())
    }
}
