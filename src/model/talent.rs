//! SM8 talent flows, by cohort (pair × programme × entry quarter).
//!
//! Departures (M1): `O = O₀ (r/r_ref)^ε_w (T_pair/½)^ε_T (1 − φ_fee fee/(fee + 4 w_o)) (1 − cut)`,
//! capped by the quota, where r is the destination wage in USD over the origin wage in USD
//! (exchange-rate shocks move it) and r_ref its value at the start. Zero while no regime is open.
//! Stocks (M2): each quarter a share m_k of every cohort goes missing; at the programme's maximum
//! stay the cohort completes: a `transition_share` moves on (interns → specified skilled workers
//! while that programme is open, students → engineers), the rest return home. Engineers have no
//! maximum stay by default and settle at `engineer_settle_per_q`. Missing people return at
//! `missing_return_per_q`. Regime changes apply to people already abroad (the 2017 extension
//! from 3 to 5 years did). Returnees (M3) carry skill `s_max (1 − exp(−stay/τ_s))`; the spillover
//! phase hands a share φ_JA of them to firms linked to the destination country.
//!
//! People are whole numbers: expected flows are rounded stochastically (up with probability equal
//! to the fraction) from the cohort's own stream, so expectations hold and people are conserved:
//! departures + initial stock = abroad + missing + settled + returned. Cost O(cohorts alive).

use super::config::{Config, TalentProgramme, TalentProgrammeConfig, TalentRegime};
use super::rng::stochastic_round;
use super::time::Quarter;
use super::world::World;

/// The regime in force at `q`, if any has started.
pub fn regime_at(t: &TalentProgrammeConfig, q: Quarter) -> Option<&TalentRegime> {
    t.regimes.iter().rev().find(|r| r.from <= q)
}

/// M1 without the quota and the shock cut.
pub fn departures_per_q(
    p: &super::params::TalentParams,
    regime: &TalentRegime,
    wage_ratio: f64,
    wage_ratio_reference: f64,
    pair_trust: f64,
    origin_wage_usd: f64,
) -> f64 {
    let wage = (wage_ratio / wage_ratio_reference.max(1e-9))
        .max(0.0)
        .powf(p.wage_elasticity);
    let trust = (pair_trust / 0.5).max(0.0).powf(p.trust_elasticity);
    let fee =
        1.0 - p.fee_weight * regime.fee_usd / (regime.fee_usd + 4.0 * origin_wage_usd).max(1e-9);
    regime.base_outflow_per_q * wage * trust * fee
}

/// M3: skill gained after `stay_q` quarters abroad.
pub fn skill_gain(p: &super::params::TalentParams, stay_q: f64) -> f64 {
    p.skill_gain_max * (1.0 - (-stay_q / p.skill_gain_time_q).exp())
}

impl World {
    pub fn talent_flows(&mut self, cfg: &Config) {
        let step = self.step as usize;
        let q = cfg.quarter_of(self.step);
        let tp = &cfg.params.talent;
        for pair in self.pairs.iter_mut() {
            pair.outflow_q = 0;
            pair.returned_q = 0;
            pair.returnee_skill_q = 0.0;
        }
        for (i, t) in cfg.talent.iter().enumerate() {
            let p = t.pair.index();
            let prog = t.programme as usize;
            let Some(regime) = regime_at(t, q).or(t.regimes.first()) else {
                continue;
            };
            let open = regime.from <= q;
            // Where completers go on to, if that programme is open now.
            let successor = match t.programme {
                TalentProgramme::TechnicalIntern => Some(TalentProgramme::SpecifiedSkilledWorker),
                TalentProgramme::Student => Some(TalentProgramme::Engineer),
                _ => None,
            }
            .filter(|next| {
                cfg.talent.iter().any(|o| {
                    o.pair == t.pair
                        && o.programme == *next
                        && regime_at(o, q).is_some_and(|r| r.base_outflow_per_q > 0.0)
                })
            });
            let mut transitions = 0u64;
            let stock = &mut self.pairs[p].talent[prog];
            let mut missing_new = 0u64;
            let mut settled_new = 0u64;
            let mut returned = 0u64;
            let mut returned_skill = 0.0;
            let first = stock.oldest;
            let mut oldest_alive = step;
            for v in first..step {
                let n = stock.vintages[v];
                if n == 0 {
                    continue;
                }
                let age = (step - v) as u32;
                let cohort_id = ((i as u32) << 12) | (v as u32 & 0xFFF);
                let (u1, u2) = self.streams.talent.uniform_pair(self.step, cohort_id);
                let missing = stochastic_round(n as f64 * regime.missing_per_q, u1).min(n);
                let mut left = n - missing;
                missing_new += missing;
                if regime.max_stay_q > 0 && age >= regime.max_stay_q {
                    let moving = if successor.is_some() {
                        stochastic_round(left as f64 * regime.transition_share, u2).min(left)
                    } else {
                        0
                    };
                    transitions += moving;
                    let home = left - moving;
                    returned += home;
                    returned_skill += home as f64 * skill_gain(tp, age as f64);
                    left = 0;
                } else if t.programme == TalentProgramme::Engineer {
                    let settle =
                        stochastic_round(left as f64 * tp.engineer_settle_per_q, u2).min(left);
                    settled_new += settle;
                    left -= settle;
                }
                stock.vintages[v] = left;
                if left > 0 {
                    oldest_alive = oldest_alive.min(v);
                }
            }
            stock.oldest = oldest_alive;
            stock.abroad -= missing_new + settled_new + returned + transitions;
            // New departures.
            let mut outflow = 0u64;
            if open {
                let pc = &cfg.pairs[p];
                let origin = &self.countries[pc.partner.index()];
                let dest = &self.countries[pc.donor.index()];
                let ratio = dest.wage_usd_per_year / origin.wage_usd_per_year.max(1.0);
                let pair = &self.pairs[p];
                let mut expected = departures_per_q(
                    tp,
                    regime,
                    ratio,
                    pair.wage_ratio_reference,
                    pair.pair_trust,
                    origin.wage_usd_per_year,
                );
                expected *= 1.0 - pair.talent_inflow_cut;
                if let Some(quota) = regime.quota_per_q {
                    expected = expected.min(quota);
                }
                let u = self.streams.talent.uniform(self.step, (1 << 31) | i as u32);
                outflow = stochastic_round(expected.max(0.0), u);
            }
            let pair = &mut self.pairs[p];
            let stock = &mut pair.talent[prog];
            stock.vintages[step] += outflow;
            stock.abroad += outflow;
            pair.outflow_q += outflow;
            pair.departed_cum += outflow;
            pair.missing += missing_new;
            pair.settled += settled_new;
            pair.returned_q += returned;
            pair.returned_cum += returned;
            pair.returnee_skill_q += returned_skill;
            if let Some(next) = successor {
                let s = &mut pair.talent[next as usize];
                s.vintages[step] += transitions;
                s.abroad += transitions;
            }
        }
        // Missing people going home (no skill credited).
        for (p, pair) in self.pairs.iter_mut().enumerate() {
            let u = self.streams.talent.uniform(self.step, (1 << 30) | p as u32);
            let back = stochastic_round(pair.missing as f64 * tp.missing_return_per_q, u)
                .min(pair.missing);
            pair.missing -= back;
            pair.missing_returned_cum += back;
            pair.returned_q += back;
        }
    }

    /// People of the pair abroad in all programmes, missing and settled.
    pub fn residents(&self, pair: usize) -> u64 {
        let p = &self.pairs[pair];
        p.talent.iter().map(|s| s.abroad).sum::<u64>() + p.missing + p.settled
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::params::TalentParams;

    fn regime(fee: f64) -> TalentRegime {
        TalentRegime {
            from: Quarter::new(1993, 1),
            name: "titp".into(),
            base_outflow_per_q: 1000.0,
            max_stay_q: 12,
            quota_per_q: None,
            fee_usd: fee,
            missing_per_q: 0.008,
            transition_share: 0.3,
        }
    }

    #[test]
    fn departures_follow_wage_trust_and_fees_as_worked_out_by_hand() {
        let p = TalentParams {
            wage_elasticity: 1.0,
            ..TalentParams::default()
        };
        // At the reference ratio, trust ½ and no fee: the base flow.
        assert!(
            (departures_per_q(&p, &regime(0.0), 20.0, 20.0, 0.5, 3000.0) - 1000.0).abs() < 1e-9
        );
        // Yen falls 25 %: ratio 15 vs 20 → 750 (ε_w = 1).
        assert!((departures_per_q(&p, &regime(0.0), 15.0, 20.0, 0.5, 3000.0) - 750.0).abs() < 1e-9);
        // Trust 0.72: (1.44)^0.5 = 1.2 → 1200.
        assert!(
            (departures_per_q(&p, &regime(0.0), 20.0, 20.0, 0.72, 3000.0) - 1200.0).abs() < 1e-9
        );
        // Fee 6000 USD against a 3000 USD wage: 1 − 0.5·6000/18000 = 5/6.
        assert!(
            (departures_per_q(&p, &regime(6000.0), 20.0, 20.0, 0.5, 3000.0) - 1000.0 * 5.0 / 6.0)
                .abs()
                < 1e-9
        );
    }

    #[test]
    fn skill_gain_saturates() {
        let p = TalentParams::default();
        assert_eq!(skill_gain(&p, 0.0), 0.0);
        // 12 quarters: 0.3 (1 − e^(−1.5)) = 0.2331
        assert!((skill_gain(&p, 12.0) - 0.3 * (1.0 - (-1.5f64).exp())).abs() < 1e-12);
        assert!(skill_gain(&p, 200.0) < 0.3 + 1e-12);
    }
}
