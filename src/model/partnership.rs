//! SM2 interaction outcomes, SM3 trust updates and SM4 termination.
//!
//! Outcome (O1): `p_s = σ(β₀ + β_T (T − ½) − β_F F̄ + β_C C − β_X X)`, one draw per active
//! partnership and quarter; C = complementarity `1 − |ln A_f − ln A_h|/g_max` in [0,1] (½ for ODA
//! projects), X = the larger shocked capacity share of the two firms. Trust evidence then moves
//! by T1–T3 (see `trust`), performance π is an exponential average of ±1 outcomes, and the
//! partnership is flagged in serious trouble the first quarter that `T < 0.4` or `π < 0`.
//! Co-creation's coordination cost (F4) fades with the time the pair has worked in that mode.
//! Country-pair trust (T4) is updated from running sums of this pass, government trust reverts to
//! its fundamental (T5). Training of a partnership approaches the pair's training dose when it is
//! higher and otherwise decays at δ_τ. Liaison coverage L is the pair's liaison dose plus the
//! bilingual-staff shares of both firms (returnees and joint-university graduates), capped at 1.
//! Mitigation also lowers the trust lost per failure: κ_eff × (1 − μ_TL (τ + L)/2).
//!
//! Termination (H1): `h = h₀ exp(γ_F (F̄ − F̄_ref) − γ_T (T − ½) − γ_π π + γ_X X)`,
//! `P(end) = 1 − e^(−h)`. ODA projects complete at their planned duration. A terminated joint
//! venture is bought out by the investor (it stays as a wholly owned affiliate, Hennart & Zeng);
//! a terminated supply contract frees the slot for substitution. Affiliates and JVs (v2: FDI can
//! leave) withdraw `shrink_per_q · min(1, −π̄/σ_μ)` of their capital each quarter while their
//! smoothed margin π̄ is negative, and exit with hazard `h_a exp(−γ_m π̄/σ_μ + γ_T (½ − T_pair))`,
//! withdrawing the rest and ending their partnerships. Cost O(P) per pass, O(N_f) for exits.

use super::config::{Config, FirmKind};
use super::culture::{Mitigation, scalar_friction};
use super::entry::logistic_event;
use super::fastmath::{floor_i64, pow2};
use super::world::{EndReason, NONE_U32, PartnershipMode, World};

/// Quarters between refreshes of firm reputations and cached productivity gaps.
const REPUTATION_REFRESH_Q: u32 = 4;

/// O1: the logit of a partnership's success probability (the probability is its logistic).
pub fn success_logit(
    p: &super::params::OutcomeParams,
    trust: f64,
    friction: f64,
    complementarity: f64,
    exposure: f64,
) -> f64 {
    p.intercept + p.trust_weight * (trust - 0.5) - p.friction_weight * friction
        + p.complementarity_weight * complementarity
        - p.exposure_weight * exposure
}

/// Exponent z of the H1 termination hazard `h = h₀ e^z` (h₀ = `base_per_q`).
pub fn termination_exponent(
    p: &super::params::HazardParams,
    friction: f64,
    trust: f64,
    performance: f64,
    exposure: f64,
) -> f64 {
    p.friction_loading * (friction - p.friction_reference)
        - p.trust_loading * (trust - 0.5)
        - p.performance_loading * performance
        + p.exposure_loading * exposure
}

/// Probability `1 − e^(−h)` of an event in a quarter with hazard `h`.
pub fn hazard_probability(h: f64) -> f64 {
    1.0 - (-h).exp()
}

/// `u < 1 − e^(−h)`, the event of a quarter with hazard `h` for the uniform draw `u`, decided
/// exactly as that comparison but without `exp` for most draws: `1 − e^(−h) < h`, and the
/// rounded `1 − exp(−h)` exceeds the exact value by less than 2⁻⁵², so `u ≥ h + 2⁻⁵¹` cannot
/// fall below it.
pub fn hazard_event(u: f64, h: f64) -> bool {
    u < h + 2.0 * f64::EPSILON && u < hazard_probability(h)
}

/// `hazard_event(u, h₀ · exp(z))`, decided without `exp` for most draws. With
/// `k = ⌊z log₂e⌋ + 2`, `2^k ≥ 1.999 e^z` whatever the rounding of `z log₂e` (|z| < 700 here),
/// while the computed `h₀ · exp(z)` exceeds `h₀ e^z` by less than 4·10⁻¹⁶ relative (`exp` is
/// within 1 ulp), so `h₀ 2^k` (exact: a power-of-two scaling) bounds it, and
/// `u ≥ h₀ 2^k + 2⁻⁵¹` makes `hazard_event` false by its first comparison.
pub fn scaled_hazard_event(u: f64, h0: f64, z: f64) -> bool {
    let a = z * std::f64::consts::LOG2_E;
    if a > -1000.0 && a < 1000.0 && h0 >= 0.0 {
        let two_to_k = pow2(floor_i64(a) + 2);
        if u >= h0 * two_to_k + 2.0 * f64::EPSILON {
            return false;
        }
    }
    hazard_event(u, h0 * z.exp())
}

/// Exponent z of an affiliate's exit hazard `h = h_a e^z` (h_a = `affiliate_exit_per_q`):
/// `z = −γ_m π̄/σ_μ + γ_T (½ − T_pair)`.
pub fn affiliate_exit_exponent(
    ph: &super::params::HazardParams,
    pp: &super::params::ProfitParams,
    margin: f64,
    pair_trust: f64,
) -> f64 {
    -pp.loss_loading * margin / pp.margin_sd + ph.trust_loading * (0.5 - pair_trust)
}

/// Share of capital an affiliate withdraws this quarter at smoothed margin `margin`.
pub fn shrink_share(p: &super::params::ProfitParams, margin: f64) -> f64 {
    if margin >= 0.0 {
        0.0
    } else {
        p.shrink_per_q * (-margin / p.margin_sd).min(1.0)
    }
}

impl World {
    /// Phases 7 and 8: outcomes, trust, friction, experience; pair trust from running sums.
    pub fn partnership_outcomes(&mut self, cfg: &Config) {
        let step = self.step;
        let pf = &cfg.params.friction;
        let po = &cfg.params.outcome;
        let pt = &cfg.params.trust;
        for pair in self.pairs.iter_mut() {
            pair.trust_sum = 0.0;
            pair.friction_sum = 0.0;
            pair.n_active = 0;
            pair.n_new = 0;
            pair.new_friction_sum = 0.0;
            pair.n_active_firm = 0;
            let slot = step as usize % 4;
            pair.trouble_ring[slot] = (0, 0);
        }
        let n_firms = self.firms.len();
        // Firm reputation is a public signal that is refreshed once a year (every 4th quarter):
        // scattering every partnership's evidence onto its firms is random memory access.
        let refresh_reputation = step % REPUTATION_REFRESH_Q == 0;
        if refresh_reputation {
            self.scratch.next_reputation_pos.clear();
            self.scratch.next_reputation_neg.clear();
            self.scratch.next_reputation_pos.resize(n_firms, 0.0);
            self.scratch.next_reputation_neg.resize(n_firms, 0.0);
        }
        let ps = &mut self.partnerships;
        let firms = &self.firms;
        let decay_table = &self.experience_decay;
        let shock_active = self.capacity_shock_active;
        for &id in &ps.active {
            let id = id as usize;
            let p = ps.pair[id].index();
            let pair = &self.pairs[p];
            let age = step - ps.start_step[id];
            let (foreign, host) = (ps.foreign[id], ps.host[id]);
            // Mitigation levels.
            let target = pair.training_dose;
            let tr = ps.training[id];
            ps.training[id] = if target > tr {
                tr + (target - tr) * 0.5
            } else {
                tr * (1.0 - pf.training_decay_per_q)
            };
            let mut mode = pair.cooperation_mode;
            // Co-creation routines are learned by the relationship, not by each partnership: the
            // coordination cost fades with the time the pair (or the donor, for its projects)
            // has worked in that mode.
            let mut relationship_since = pair.cocreation_since;
            if ps.mode[id] == PartnershipMode::OdaProject {
                let donor_mode = cfg.donors[ps.donor[id].index()].cooperation_mode;
                if donor_mode > 0.0 {
                    relationship_since = 0;
                }
                mode = mode.max(donor_mode);
            }
            if mode > 0.0 && ps.cocreation_since[id] == NONE_U32 {
                ps.cocreation_since[id] = step;
            }
            let since = ps.cocreation_since[id].min(relationship_since);
            let quarters_in_mode = if since == NONE_U32 {
                0.0
            } else {
                (step - since) as f64
            };
            let graduates = if host != NONE_U32 && pair.graduates_seen {
                firms.graduate_share[host as usize]
            } else {
                0.0
            };
            // Bilingual staff (returnees, graduates) work as liaison too.
            let bilingual = [foreign, host]
                .iter()
                .filter(|&&f| f != NONE_U32)
                .map(|&f| firms.bilingual_share[f as usize])
                .sum::<f64>();
            let liaison = (pair.liaison_dose + bilingual).min(1.0);
            let mitigation = Mitigation {
                training: ps.training[id],
                liaison,
                graduates,
                cooperation_mode: mode,
                quarters_in_mode,
            };
            let experience = age as f64 + ps.experience_offset_q[id];
            let friction = scalar_friction(
                pf,
                &pair.gaps,
                ps.mode_multiplier[id],
                decay_table.get(pf, experience),
                &mitigation,
            );
            ps.friction[id] = friction;
            let (complementarity, exposure) = if foreign != NONE_U32 && host != NONE_U32 {
                // Productivities move slowly: the gap is re-read once a year per partnership
                // (staggered by id) to keep the pass from reading two random firms each quarter.
                if ps.productivity_gap[id].is_nan()
                    || (id as u32 + step) % REPUTATION_REFRESH_Q == 0
                {
                    ps.productivity_gap[id] = (firms.ln_productivity[foreign as usize]
                        - firms.ln_productivity[host as usize])
                        .abs();
                }
                let gap = ps.productivity_gap[id];
                let exposure = if shock_active {
                    firms.shock_loss[foreign as usize].max(firms.shock_loss[host as usize])
                } else {
                    0.0
                };
                (
                    (1.0 - gap / po.complementarity_gap_max).clamp(0.0, 1.0),
                    exposure,
                )
            } else {
                (0.5, 0.0)
            };
            let trust = ps.trust[id];
            let logit = success_logit(po, trust, friction, complementarity, exposure);
            let success = logistic_event(self.streams.outcome.uniform(step, id as u32), logit);
            let member = ps.member_draw[id] < pair.membership_share;
            let dispute = if member { pair.dispute_resolution } else { 0.0 };
            // Partners trained together and served by liaison read a failure as an accident.
            let relief = 1.0 - pt.mitigation_negativity_relief * 0.5 * (ps.training[id] + liaison);
            let ev = &mut ps.evidence[id];
            ev.update(
                pt,
                success,
                1.0,
                pair.negativity_multiplier * relief,
                dispute,
            );
            let t = ev.trust();
            ps.trust[id] = t;
            let outcome = if success { 1.0 } else { -1.0 };
            ps.performance[id] = (1.0 - pt.performance_smoothing) * ps.performance[id]
                + pt.performance_smoothing * outcome;
            if ps.trouble_step[id] == NONE_U32
                && (t < pt.trouble_threshold || ps.performance[id] < 0.0)
            {
                ps.trouble_step[id] = step;
            }
            let pair = &mut self.pairs[p];
            if age == 8 {
                let slot = step as usize % 4;
                pair.trouble_ring[slot].0 += 1;
                pair.trouble_ring[slot].1 += u32::from(ps.trouble_step[id] != NONE_U32);
            }
            pair.trust_sum += t;
            pair.friction_sum += friction;
            pair.n_active += 1;
            if age == 0 {
                pair.n_new += 1;
                pair.new_friction_sum += friction;
            }
            pair.n_active_firm += u32::from(ps.mode[id] != PartnershipMode::OdaProject);
            if refresh_reputation {
                for f in [foreign, host] {
                    if f != NONE_U32 {
                        self.scratch.next_reputation_pos[f as usize] += ev.positive;
                        self.scratch.next_reputation_neg[f as usize] += ev.negative;
                    }
                }
            }
        }
        if refresh_reputation {
            std::mem::swap(
                &mut self.firms.reputation_pos,
                &mut self.scratch.next_reputation_pos,
            );
            std::mem::swap(
                &mut self.firms.reputation_neg,
                &mut self.scratch.next_reputation_neg,
            );
        } else {
            // Firms that entered since the last refresh start with no record.
            self.firms.reputation_pos.resize(n_firms, 0.0);
            self.firms.reputation_neg.resize(n_firms, 0.0);
        }
        for (p, pair) in self.pairs.iter_mut().enumerate() {
            let mean = (pair.n_active > 0).then(|| pair.trust_sum / pair.n_active as f64);
            if let Some(m) = mean {
                pair.trust_record += pt.record_rate * (m - pair.trust_record);
            }
            pair.trust_fundamental = super::trust::trust_fundamental(
                pt,
                cfg.pairs[p].gov_trust_initial,
                super::trust::institutional_density(pair.institution_levels),
                pair.trust_record,
            );
            let (pt_new, gov, firm) = super::trust::update_pair_trust(
                pt,
                pair.firm_trust,
                pair.gov_trust,
                mean,
                pair.trust_fundamental,
            );
            pair.pair_trust = pt_new;
            pair.gov_trust = gov;
            pair.firm_trust = firm;
        }
    }

    pub(crate) fn end_partnership(&mut self, id: usize, reason: EndReason) {
        let ps = &mut self.partnerships;
        ps.end_reason[id] = reason;
        ps.end_step[id] = self.step;
        let age = self.step - ps.start_step[id];
        let p = ps.pair[id].index();
        if age < 8 {
            let slot = self.step as usize % 4;
            self.pairs[p].trouble_ring[slot].0 += 1;
            self.pairs[p].trouble_ring[slot].1 += u32::from(ps.trouble_step[id] != NONE_U32);
        }
        let host = ps.host[id];
        if host != NONE_U32 {
            let h = host as usize;
            self.firms.foreign_partnerships[h] =
                self.firms.foreign_partnerships[h].saturating_sub(1);
        }
        let foreign = ps.foreign[id];
        if foreign != NONE_U32 {
            let f = foreign as usize;
            match ps.mode[id] {
                PartnershipMode::JointVenture if self.firms.kind[f] == FirmKind::JointVenture => {
                    self.firms.kind[f] = FirmKind::Affiliate;
                }
                PartnershipMode::SupplyContract => {
                    let n = self.firms.n_suppliers[f] as usize;
                    if let Some(slot) = self.firms.supply_links[f][..n]
                        .iter()
                        .position(|&l| l == id as u32)
                    {
                        self.remove_supplier_slot(f, slot);
                    }
                }
                _ => {}
            }
        }
    }

    /// Drops supplier slot `slot` of foreign firm `f`, shifting the later slots down.
    fn remove_supplier_slot(&mut self, f: usize, slot: usize) {
        let n = self.firms.n_suppliers[f] as usize;
        self.firms.suppliers[f].copy_within(slot + 1..n, slot);
        self.firms.supply_links[f].copy_within(slot + 1..n, slot);
        self.firms.suppliers[f][n - 1] = NONE_U32;
        self.firms.supply_links[f][n - 1] = NONE_U32;
        self.firms.n_suppliers[f] -= 1;
    }

    /// Ends every partnership of a foreign firm that leaves (its supply contracts and its JV).
    fn close_firm_links(&mut self, f: usize) {
        while self.firms.n_suppliers[f] > 0 {
            let link = self.firms.supply_links[f][0] as usize;
            if self.partnerships.is_active(link) {
                self.end_partnership(link, EndReason::FirmExit);
            } else {
                // Keep the slot list consistent even if the link already ended.
                self.remove_supplier_slot(f, 0);
            }
        }
        let jv = self.firms.jv_link[f];
        if jv != NONE_U32 && self.partnerships.is_active(jv as usize) {
            self.end_partnership(jv as usize, EndReason::FirmExit);
        }
    }

    /// Phase 11: partnership termination and completion, affiliate shrinkage and exit.
    pub fn exits(&mut self, cfg: &Config) {
        let step = self.step;
        let ph = &cfg.params.hazard;
        let project_q = cfg.params.aid.project_duration_q;
        for k in 0..self.partnerships.active.len() {
            let id = self.partnerships.active[k] as usize;
            if !self.partnerships.is_active(id) {
                continue;
            }
            let ps = &self.partnerships;
            let age = step - ps.start_step[id];
            if ps.mode[id] == PartnershipMode::OdaProject && age >= project_q {
                self.end_partnership(id, EndReason::Completed);
                continue;
            }
            let (foreign, host) = (ps.foreign[id], ps.host[id]);
            let exposure = if self.capacity_shock_active {
                [foreign, host]
                    .iter()
                    .filter(|&&f| f != NONE_U32)
                    .map(|&f| self.firms.shock_loss[f as usize])
                    .fold(0.0, f64::max)
            } else {
                0.0
            };
            let z = termination_exponent(
                ph,
                ps.friction[id],
                ps.trust[id],
                ps.performance[id],
                exposure,
            );
            let u = self.streams.termination.uniform(step, id as u32);
            if scaled_hazard_event(u, ph.base_per_q, z) {
                self.end_partnership(id, EndReason::Terminated);
            }
        }
        // Affiliates and joint ventures shrink while they lose money and may exit.
        let pp = &cfg.params.profit;
        for pair in self.pairs.iter_mut() {
            pair.fdi_withdrawn_q = 0.0;
        }
        for f in 0..self.firms.len() {
            if !self.firms.active[f] || !self.firms.is_foreign(f) {
                continue;
            }
            let pair = self.firms.pair[f].index();
            let margin = self.firms.margin_smoothed[f];
            let shrink = shrink_share(pp, margin);
            if shrink > 0.0 {
                let withdrawn = self.firms.capital_usd[f] * shrink;
                self.firms.capital_usd[f] -= withdrawn;
                self.ledger.fdi_withdrawn_usd += withdrawn;
                self.pairs[pair].fdi_withdrawn_q += withdrawn;
            }
            let z = affiliate_exit_exponent(ph, pp, margin, self.pairs[pair].pair_trust);
            let u = self.streams.affiliate_exit.uniform(step, f as u32);
            if scaled_hazard_event(u, ph.affiliate_exit_per_q, z) {
                self.firms.active[f] = false;
                let capital = self.firms.capital_usd[f];
                self.ledger.fdi_withdrawn_usd += capital;
                self.pairs[pair].fdi_withdrawn_q += capital;
                self.pairs[pair].fdi_projects = self.pairs[pair].fdi_projects.saturating_sub(1);
                self.close_firm_links(f);
            }
        }
        let reasons = &self.partnerships.end_reason;
        self.partnerships
            .active
            .retain(|&id| reasons[id as usize] == EndReason::Active);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::entry::logistic;
    use crate::model::params::{HazardParams, OutcomeParams};

    #[test]
    fn success_probability_is_the_logit_worked_out_by_hand() {
        let p = OutcomeParams::default();
        // 1.1 + 2·0 − 2·0.37 + 1·0.5 − 0 = 0.86 → σ = 0.7027
        let ps = logistic(success_logit(&p, 0.5, 0.37, 0.5, 0.0));
        assert!((ps - 1.0 / (1.0 + (-0.86f64).exp())).abs() < 1e-12);
        assert!(logistic(success_logit(&p, 0.5, 0.37, 0.5, 0.3)) < ps);
    }

    #[test]
    fn hazard_event_decides_exactly_as_the_probability_comparison() {
        // At the boundary itself and one float either side, and on a grid of h and u.
        let mut hazards: Vec<f64> = (0..200).map(|k| 1e-6 * 1.1f64.powi(k)).collect();
        hazards.extend([0.0, f64::MIN_POSITIVE, 0.5, 2f64.ln(), 1.0, 3.0]);
        for h in hazards {
            let p = 1.0 - (-h).exp();
            for u in [
                p,
                p.next_down(),
                p.next_up(),
                h,
                h.next_up(),
                h + f64::EPSILON,
            ] {
                assert_eq!(hazard_event(u, h), u < p, "h {h}, u {u}");
            }
            for k in 0..1000 {
                let u = k as f64 / 1000.0;
                assert_eq!(hazard_event(u, h), u < p, "h {h}, u {u}");
            }
        }
    }

    #[test]
    fn scaled_hazard_event_decides_exactly_as_with_the_computed_hazard() {
        // Scales and exponents from tiny to huge; u at the bound, around the hazard and the
        // event probability, and on a grid.
        let scales = [0.0, 1e-300, 1e-6, 0.004, 0.01, 0.3, 1.0];
        let mut exponents: Vec<f64> = (-60..=60).map(|k| k as f64 * 0.173).collect();
        exponents.extend([-745.0, -700.0, -1e3, 700.0, 710.0, 1e3, f64::NAN, -0.0]);
        let mut checked = 0;
        for &h0 in &scales {
            for &z in &exponents {
                let h = h0 * z.exp();
                let p = 1.0 - (-h).exp();
                let t = (z * std::f64::consts::LOG2_E).floor();
                let bound = h0 * 2f64.powi(t as i32 + 2);
                let mut us = vec![p, p.next_down(), p.next_up(), h, h.next_up()];
                us.extend([bound, bound.next_down(), bound + 2.0 * f64::EPSILON]);
                us.extend((0..=400).map(|k| k as f64 / 400.0));
                for u in us.into_iter().filter(|u| (0.0..1.0).contains(u)) {
                    assert_eq!(
                        scaled_hazard_event(u, h0, z),
                        hazard_event(u, h),
                        "h0 {h0}, z {z}, u {u}"
                    );
                    checked += 1;
                }
            }
        }
        assert!(checked > 300_000);
    }

    #[test]
    fn termination_hazard_at_reference_values_is_the_base_rate() {
        let p = HazardParams::default();
        // F̄ = F̄_ref, T = ½, π = 0, X = 0: h = h₀ = 0.010 → P = 1 − e^−0.010
        let hazard = |f, t| p.base_per_q * termination_exponent(&p, f, t, 0.0, 0.0).exp();
        let prob = hazard_probability(hazard(0.3, 0.5));
        assert!((prob - (1.0 - (-0.010f64).exp())).abs() < 1e-12);
        // Lower trust raises it by e^{3·0.2}.
        let low = hazard_probability(hazard(0.3, 0.3));
        assert!((low - (1.0 - (-0.010 * (0.6f64).exp()).exp())).abs() < 1e-12);
    }
}
