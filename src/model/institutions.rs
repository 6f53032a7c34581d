//! Phase 5: institutions and mitigation programmes (SM11).
//!
//! A programme's dose on its timeline: 0 before implementation (initiation: stakeholder mapping
//! and baseline, no effect on partnerships but it costs), a linear ramp from 0 to `dose` during
//! implementation, `dose` during sustainability, then decay at `decay_after_end_per_q` after
//! `end`. Institutions ramp from opening to full capacity over `ramp_q` quarters:
//! joint universities send graduates to host firms linked to the partner country, business
//! associations set the membership share and dispute-resolution efficacy, training centres add to
//! the training dose, bilateral committees pull government trust toward 1. Every institution adds
//! its level (× (1 + dispute-resolution efficacy)) to the pair's institutional density, which
//! lifts the trust fundamental (see `trust`, T5). Doses of one lever add up and are capped at 1.
//! Cost O(programmes + institutions).

use super::config::{Config, InstitutionKind, Lever, ProgrammeConfig};
use super::time::Quarter;
use super::world::{NONE_U32, World};

/// Dose of a programme at quarter `q`.
pub fn programme_level(p: &ProgrammeConfig, q: Quarter) -> f64 {
    if q < p.implementation_start {
        return 0.0;
    }
    let ramp_q = p.sustainability_start.since(p.implementation_start).max(0) as f64;
    let ramped = if ramp_q <= 0.0 || q >= p.sustainability_start {
        1.0
    } else {
        (q.since(p.implementation_start) as f64 + 1.0) / (ramp_q + 1.0)
    };
    let level = p.dose * ramped;
    match p.end {
        Some(end) if q >= end => {
            let ramp_at_end = if ramp_q <= 0.0 || end >= p.sustainability_start {
                1.0
            } else {
                (end.since(p.implementation_start) as f64) / (ramp_q + 1.0)
            };
            p.dose * ramp_at_end * (1.0 - p.decay_after_end_per_q).powi(q.since(end) + 1)
        }
        _ => level,
    }
}

/// Whether the programme costs money at `q` (from initiation to end).
pub fn programme_running(p: &ProgrammeConfig, q: Quarter) -> bool {
    q >= p.initiation_start && p.end.is_none_or(|end| q < end)
}

/// Share of full capacity an institution has reached at `q`.
pub fn institution_level(opens: Quarter, closes: Option<Quarter>, ramp_q: u32, q: Quarter) -> f64 {
    if q < opens || closes.is_some_and(|c| q >= c) {
        return 0.0;
    }
    if ramp_q == 0 {
        return 1.0;
    }
    ((q.since(opens) as f64 + 1.0) / ramp_q as f64).min(1.0)
}

impl World {
    pub fn institutions_and_programmes(&mut self, cfg: &Config) {
        let q = cfg.quarter_of(self.step);
        for pair in self.pairs.iter_mut() {
            pair.training_dose = 0.0;
            pair.liaison_dose = 0.0;
            pair.cooperation_mode = 0.0;
            pair.diversification = 0.0;
            pair.membership_share = 0.0;
            pair.dispute_resolution = 0.0;
            pair.graduates_per_q = 0.0;
            pair.mitigation_cost_q = 0.0;
            pair.institution_levels = 0.0;
        }
        self.mitigation_cost_q = 0.0;
        for prog in &cfg.programmes {
            let level = programme_level(prog, q);
            let pair = &mut self.pairs[prog.pair.index()];
            let dose = match prog.lever {
                Lever::JointTraining => &mut pair.training_dose,
                Lever::Liaison => &mut pair.liaison_dose,
                Lever::CooperationMode => &mut pair.cooperation_mode,
                Lever::Diversification => &mut pair.diversification,
            };
            *dose = (*dose + level).min(1.0);
            if programme_running(prog, q) {
                pair.mitigation_cost_q += prog.cost_usd_per_q;
                self.mitigation_cost_q += prog.cost_usd_per_q;
            }
        }
        for pair in self.pairs.iter_mut() {
            if pair.cooperation_mode > 0.0 && pair.cocreation_since == NONE_U32 {
                pair.cocreation_since = self.step;
            }
        }
        for inst in &cfg.institutions {
            let level = institution_level(inst.opens, inst.closes, inst.ramp_q, q);
            if level <= 0.0 {
                continue;
            }
            let pair = &mut self.pairs[inst.pair.index()];
            pair.institution_levels += level * (1.0 + inst.dispute_resolution);
            match inst.kind {
                InstitutionKind::JointUniversity => {
                    pair.graduates_per_q += inst.graduates_per_q * level;
                    pair.graduates_seen |= pair.graduates_per_q > 0.0;
                }
                InstitutionKind::BusinessAssociation => {
                    pair.membership_share =
                        pair.membership_share.max(inst.membership_share * level);
                    pair.dispute_resolution = pair.dispute_resolution.max(inst.dispute_resolution);
                }
                InstitutionKind::TrainingCentre => {
                    pair.training_dose = (pair.training_dose + inst.training_dose * level).min(1.0)
                }
                InstitutionKind::BilateralCommittee => {
                    pair.gov_trust += inst.dialogue_per_q * level * (1.0 - pair.gov_trust);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::config::Lever;

    fn programme() -> ProgrammeConfig {
        ProgrammeConfig {
            name: "training".into(),
            lever: Lever::JointTraining,
            pair: crate::model::config::PairId(0),
            dose: 0.8,
            initiation_start: Quarter::new(2000, 1),
            implementation_start: Quarter::new(2001, 1),
            sustainability_start: Quarter::new(2002, 1),
            end: Some(Quarter::new(2005, 1)),
            decay_after_end_per_q: 0.5,
            cost_usd_per_q: 1.0e5,
            funder: crate::model::config::Funder::Donor(crate::model::config::DonorId(0)),
        }
    }

    #[test]
    fn programme_dose_follows_its_three_phases() {
        let p = programme();
        // Initiation: no effect, but the programme runs (costs).
        assert_eq!(programme_level(&p, Quarter::new(2000, 3)), 0.0);
        assert!(programme_running(&p, Quarter::new(2000, 3)));
        // Implementation ramps over 4 quarters: 1/5, 2/5, ... of the dose.
        assert!((programme_level(&p, Quarter::new(2001, 1)) - 0.8 * 0.2).abs() < 1e-12);
        assert!((programme_level(&p, Quarter::new(2001, 4)) - 0.8 * 0.8).abs() < 1e-12);
        // Sustainability holds the dose.
        assert_eq!(programme_level(&p, Quarter::new(2003, 2)), 0.8);
        // After the end it halves every quarter and costs nothing.
        assert!((programme_level(&p, Quarter::new(2005, 1)) - 0.4).abs() < 1e-12);
        assert!((programme_level(&p, Quarter::new(2005, 2)) - 0.2).abs() < 1e-12);
        assert!(!programme_running(&p, Quarter::new(2005, 1)));
    }

    #[test]
    fn institutions_ramp_up_to_capacity() {
        let open = Quarter::new(2016, 3);
        assert_eq!(institution_level(open, None, 8, Quarter::new(2016, 2)), 0.0);
        assert!((institution_level(open, None, 8, open) - 0.125).abs() < 1e-12);
        assert_eq!(institution_level(open, None, 8, Quarter::new(2030, 1)), 1.0);
        assert_eq!(
            institution_level(open, Some(Quarter::new(2020, 1)), 8, Quarter::new(2021, 1)),
            0.0
        );
    }
}
