//! SM9 spillovers and productivity (K1), and the human capital that returnees and joint-institution
//! graduates bring (M3, SM11).
//!
//! Domestic firm j: `Δln A_j = g₀ + λ_B AC_j BL_j G(gap_j)(1 + c_B m_j) + λ_H ΔH_j`, with
//! `AC = H/(H + H½)`, BL the share of j's sales going to foreign affiliates, `gap = ln A_F,s − ln A_j`
//! against the mean of foreign affiliates in j's country and sector (a mean-field aggregate,
//! computed before any firm is updated), `G(gap) = gap e^(−gap/g*)` for gap > 0, m_j the
//! cooperation mode of j's foreign partners. Forward spillovers use λ_F (0 by default) on the
//! share of inputs bought from affiliates, which domestic firms here do not do, so they are 0.
//! Affiliates gain local knowledge under co-creation: `Δln A = g₀ + λ_R m`.
//! Returnees hired by linked firms (φ_JA of the quarter's returnees, shared equally among firms
//! linked to the destination country) raise H by `ζ s hires/employees` and the bilingual share by
//! `language · hires/employees`; graduates raise the graduate and bilingual shares. The other
//! returnees who work at home (`RETURNEE_ACTIVE_SHARE`, Dustmann & Kirchkamp 2002: more than half
//! are economically active) join the origin's domestic firms, linked or not, in proportion to
//! their employees, with the same skill and language effects: so host firms that have never had a
//! foreign partner already carry bilingual staff when a partnership forms, and new affiliates
//! hire from the same labour market (they start at the domestic mean bilingual share, see
//! `entry`). Shares decay 1 % a quarter (staff turnover). Cost O(N_f).

use super::config::PairId;
use super::config::{Config, FirmKind};
use super::world::World;

/// Hump-shaped spillover potential of a technology gap.
pub fn gap_potential(gap: f64, peak: f64) -> f64 {
    if gap <= 0.0 {
        0.0
    } else {
        gap * (-gap / peak).exp()
    }
}

const STAFF_TURNOVER_PER_Q: f64 = 0.01;

/// Share of returnees not hired by linked firms who work in home firms (Dustmann & Kirchkamp
/// 2002 [S]: more than half are economically active; domain notes M3 use 0.5).
pub const RETURNEE_ACTIVE_SHARE: f64 = 0.5;

impl World {
    pub fn spillovers(&mut self, cfg: &Config) {
        let sp = &cfg.params.spillover;
        let tp = &cfg.params.talent;
        let n = self.firms.len();
        // Sector means of foreign log productivity (state at the start of the phase).
        self.scratch
            .foreign_ln_a_sum
            .iter_mut()
            .for_each(|x| *x = 0.0);
        self.scratch.foreign_ln_a_n.iter_mut().for_each(|x| *x = 0);
        for f in 0..n {
            if self.firms.active[f] && self.firms.is_foreign(f) {
                let slot = self.sector_slot(self.firms.country[f], self.firms.sector[f]);
                self.scratch.foreign_ln_a_sum[slot] += self.firms.ln_productivity[f];
                self.scratch.foreign_ln_a_n[slot] += 1;
            }
        }
        for s in 0..self.scratch.foreign_ln_a_sum.len() {
            let k = self.scratch.foreign_ln_a_n[s];
            self.scratch.foreign_ln_a_mean[s] = if k > 0 {
                self.scratch.foreign_ln_a_sum[s] / k as f64
            } else {
                f64::NAN
            };
        }
        // Linked firms per pair (counted now; used for sharing hires).
        for pair in self.pairs.iter_mut() {
            pair.n_host_firms_linked = 0;
        }
        for f in 0..n {
            let lp = self.firms.linked_pair[f];
            if self.firms.active[f]
                && lp != PairId::NONE
                && (self.firms.foreign_partnerships[f] > 0 || self.firms.is_foreign(f))
            {
                self.pairs[lp.index()].n_host_firms_linked += 1;
            }
        }
        // Returnees joining home firms: hires per domestic employee of each origin country.
        for c in self.countries.iter_mut() {
            c.mean_productivity = 0.0;
            c.home_returnees_q = 0.0;
            c.home_returnee_skill_q = 0.0;
            c.domestic_employees = 0.0;
            c.domestic_bilingual_mean = 0.0;
        }
        for (p, pc) in cfg.pairs.iter().enumerate() {
            let origin = &self.origins[p];
            let c = &mut self.countries[pc.partner.index()];
            let home = (1.0 - tp.returnee_hire_share) * RETURNEE_ACTIVE_SHARE;
            c.home_returnees_q += home * origin.returned_q as f64;
            c.home_returnee_skill_q += home * origin.returnee_skill_q;
        }
        for f in 0..n {
            if self.firms.active[f] && self.firms.kind[f] == FirmKind::Domestic {
                self.countries[self.firms.country[f].index()].domestic_employees +=
                    self.firms.employees[f].max(1.0);
            }
        }
        let mut counts = [0u32; 256];
        for f in 0..n {
            if !self.firms.active[f] {
                continue;
            }
            let lp = self.firms.linked_pair[f];
            let linked = lp != PairId::NONE
                && (self.firms.foreign_partnerships[f] > 0 || self.firms.is_foreign(f));
            let mut dh = 0.0;
            let employees = self.firms.employees[f].max(1.0);
            if self.firms.kind[f] == FirmKind::Domestic {
                let c = &self.countries[self.firms.country[f].index()];
                if c.home_returnees_q > 0.0 {
                    let per_employee = 1.0 / c.domestic_employees.max(1.0);
                    dh += tp.returnee_skill_effect * c.home_returnee_skill_q * per_employee;
                    self.firms.bilingual_share[f] = (self.firms.bilingual_share[f]
                        + tp.returnee_language * c.home_returnees_q * per_employee)
                        .min(1.0);
                }
            }
            if linked {
                let pair = &self.pairs[lp.index()];
                let origin = &self.origins[lp.index()];
                let per_firm = 1.0 / pair.n_host_firms_linked.max(1) as f64;
                let hires = tp.returnee_hire_share * origin.returned_q as f64 * per_firm;
                let skill = if origin.returned_q > 0 {
                    origin.returnee_skill_q / origin.returned_q as f64
                } else {
                    0.0
                };
                dh += tp.returnee_skill_effect * skill * hires / employees;
                let grads = pair.graduates_per_q * per_firm;
                self.firms.graduate_share[f] =
                    (self.firms.graduate_share[f] + grads / employees).min(1.0);
                self.firms.bilingual_share[f] = (self.firms.bilingual_share[f]
                    + (tp.returnee_language * hires + grads) / employees)
                    .min(1.0);
            }
            self.firms.graduate_share[f] *= 1.0 - STAFF_TURNOVER_PER_Q;
            self.firms.bilingual_share[f] *= 1.0 - STAFF_TURNOVER_PER_Q;
            self.firms.human_capital[f] += dh;
            if self.firms.kind[f] == FirmKind::Domestic {
                let c = &mut self.countries[self.firms.country[f].index()];
                c.domestic_bilingual_mean += self.firms.bilingual_share[f] * employees;
            }
            let d_ln_a = match self.firms.kind[f] {
                FirmKind::Domestic => {
                    let slot = self.sector_slot(self.firms.country[f], self.firms.sector[f]);
                    let foreign_mean = self.scratch.foreign_ln_a_mean[slot];
                    let h = self.firms.human_capital[f];
                    let absorptive = h / (h + sp.absorptive_half);
                    let backward_linkage = if self.firms.output[f] > 0.0 {
                        (self.scratch.foreign_sales[f] / self.firms.output[f]).clamp(0.0, 1.0)
                    } else {
                        0.0
                    };
                    let mode = if lp != PairId::NONE {
                        self.pairs[lp.index()].cooperation_mode
                    } else {
                        0.0
                    };
                    let gap = if foreign_mean.is_nan() {
                        0.0
                    } else {
                        foreign_mean - self.firms.ln_productivity[f]
                    };
                    sp.trend_per_q
                        + sp.backward_rate
                            * absorptive
                            * backward_linkage
                            * gap_potential(gap, sp.peak_gap)
                            * (1.0 + sp.cocreation_boost * mode)
                        + sp.human_capital_effect * dh
                }
                FirmKind::Affiliate | FirmKind::JointVenture => {
                    let mode = self.pairs[self.firms.pair[f].index()].cooperation_mode;
                    sp.trend_per_q + sp.reverse_rate * mode
                }
                FirmKind::Investor => sp.trend_per_q,
            };
            self.firms.ln_productivity[f] += d_ln_a;
            let a = self.firms.ln_productivity[f].exp();
            self.firms.productivity[f] = a;
            let c = self.firms.country[f].index();
            self.countries[c].mean_productivity += a;
            if c < counts.len() {
                counts[c] += 1;
            }
        }
        for (c, country) in self.countries.iter_mut().enumerate() {
            country.domestic_bilingual_mean /= country.domestic_employees.max(1.0);
            let k = counts.get(c).copied().unwrap_or(0);
            country.mean_productivity = if k > 0 {
                country.mean_productivity / k as f64
            } else {
                0.0
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spillover_potential_peaks_at_a_moderate_gap() {
        // G(g*) = g* e^-1 is the maximum; no spillover without a gap or with a negative one.
        let peak = gap_potential(1.0, 1.0);
        assert!((peak - (-1f64).exp()).abs() < 1e-12);
        assert!(gap_potential(0.5, 1.0) < peak && gap_potential(2.0, 1.0) < peak);
        assert_eq!(gap_potential(-0.3, 1.0), 0.0);
    }
}
