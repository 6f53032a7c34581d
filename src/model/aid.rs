//! SM5 ODA: donor budgets, allocation, commitments, disbursement, loans, recipient capacity and
//! aid metrics.
//!
//! Budget (A1): `B_d = B̄_d (Y_home/Ȳ_home)^η_B exp(z_d)`, `z_d ← φ_z z_d + σ_d ε − cut_d`, with
//! `cut_d = ln(1/(1 − c))` while an aid cut of size c lasts.
//!
//! Allocation (A2), need = GNI per capita at the start over now: `w_dc = need_c^α_N (Y_c/Y_c,0)^α_S S_dc (T_gov)^α_T (1 + h_herd A_−d,c/Ā_−d)`, commitments
//! `B_d/4 · w_dc e^{a_dc} / (Σ w + W_other) · elig_dc`, with a donor-driven allocation shock
//! `a_dc ← φ_a a_dc + σ_a ε` drawn once a year, in the first quarter (Desai & Kharas 2011); the rest of the budget goes to recipients outside
//! the scenario (retained). Commitments fill two pipelines: the loan share of a donor's aid a
//! project pipeline of which a share `d(K_c) = d₀ + (d₁ − d₀) K_c` is disbursed each quarter, the
//! grant share a grant pipeline disbursed at `g` per quarter (single-fiscal-year grant aid); the
//! project rate carries a yearly implementation shock `exp(u_dc − var/2)`, `u_dc ← φ_u u_dc + σ_u ε`
//! (procurement, land clearance, counterpart funds); a suspension stops new commitments, not disbursements (the 2008
//! case shows in commitments, not in net flows). Loans are repaid after a grace period, linearly
//! over the repayment period, so net ODA falls as old loans mature.
//!
//! Graduation: once the recipient's GNI per capita has stayed above the donor's threshold for
//! `quarters_above` quarters, its eligibility for concessional terms falls linearly over the
//! transition window to the residual share (Vietnam: IDA→IBRD trigger after two years above the
//! cutoff; IDA exit FY17, transitional support to FY20 [S]). Loans outstanding at the start
//! repay from the first quarter, so net ODA turns negative for a mature borrower whose new
//! disbursements fall below its repayments.
//!
//! Capacity (A4): `ΔK = g_K a own K(1−K)/K_mid − δ_frag (1 − HHI) a K − δ_crowd a (1 − own) K 𝟙[K > K_mid]
//! − δ_K (K − K_floor)`, `own = Σ_d s_d (o₀ + (1 − o₀) m_d)`; the floor rises with income. The
//! erosion terms carry a factor K (a deviation from the domain notes' A4): fragmentation and
//! crowding-out erode the capacity there is, so K stays in (0, 1) and aid with ownership builds
//! capacity up to an interior level instead of driving it to zero.
//! Metrics (A3): `a = 4·net ODA / GNI`, `HHI = Σ_d s_d²`, volatility = SD of Δln gross ODA over
//! 20 quarters.
//!
//! Conserves USD: budget = commitments + retained; commitments + initial pipeline = pipeline +
//! disbursements; disbursements = receipts; loans disbursed = outstanding + repaid.
//! Cost O(D·C) per step plus O(projects created).

use super::config::{Config, Funder, ShockKind, ShockTarget};
use super::config::{DonorId, PairId};
use super::institutions::programme_running;
use super::rng::stochastic_round;
use super::trust::Evidence;
use super::world::{AID_HISTORY_Q, NONE_U32, PartnershipInit, PartnershipMode, World};

/// Share of the pipeline disbursed per quarter at capacity `k`.
pub fn disbursement_rate(at_k0: f64, at_k1: f64, k: f64) -> f64 {
    at_k0 + (at_k1 - at_k0) * k.clamp(0.0, 1.0)
}

/// `exp(u − ½ σ²/(1 − φ²))`: the implementation factor on the project disbursement rate, mean one
/// over the stationary distribution of the AR(1) deviation u.
pub fn implementation_factor(deviation: f64, sigma: f64, persistence: f64) -> f64 {
    (deviation - 0.5 * sigma.powi(2) / (1.0 - persistence.powi(2)).max(1e-6)).exp()
}

/// Herfindahl index of shares of `amounts` (1 when nothing flows: a single-donor convention).
pub fn hhi(amounts: impl Iterator<Item = f64> + Clone) -> f64 {
    let total: f64 = amounts.clone().map(|a| a.max(0.0)).sum();
    if total <= 0.0 {
        return 1.0;
    }
    amounts.map(|a| (a.max(0.0) / total).powi(2)).sum()
}

/// Population standard deviation of the first differences of `xs`.
pub fn sd_of_changes(xs: &[f64]) -> f64 {
    let n = xs.len().saturating_sub(1);
    if n < 2 {
        return 0.0;
    }
    let diffs = xs.windows(2).map(|w| w[1] - w[0]);
    let mean = diffs.clone().sum::<f64>() / n as f64;
    (diffs.map(|d| (d - mean).powi(2)).sum::<f64>() / n as f64).sqrt()
}

/// One quarter of A4.
#[allow(clippy::too_many_arguments)]
pub fn capacity_change(
    p: &super::params::CapacityParams,
    k: f64,
    aid_gni: f64,
    ownership: f64,
    hhi: f64,
    floor: f64,
) -> f64 {
    let growth = p.growth * aid_gni * ownership * k * (1.0 - k) / p.midpoint;
    let fragmentation = p.fragmentation_drag * (1.0 - hhi) * aid_gni * k;
    let crowding = if k > p.midpoint {
        p.crowding_out * aid_gni * (1.0 - ownership) * k
    } else {
        0.0
    };
    growth - fragmentation - crowding - p.relaxation * (k - floor)
}

impl World {
    /// Phase 2: donor budgets, allocation, commitments, disbursement, loans, ODA projects.
    pub fn donors_and_allocation(&mut self, cfg: &Config) {
        let p = &cfg.params.aid;
        let step = self.step;
        let q = cfg.quarter_of(step);
        // Others' disbursements last quarter, for herding.
        for (d, state) in self.donors.iter_mut().enumerate() {
            let dc = &cfg.donors[d];
            let home = &cfg.countries[dc.home.index()];
            let gdp_ratio = (self.countries[dc.home.index()].gdp_usd_per_year
                / home.gdp_usd_per_year[0])
                .max(1e-9);
            let sigma = dc.budget_volatility.unwrap_or(p.budget_volatility);
            let eps = self.streams.donor_budget.normal(step, d as u32);
            state.budget_deviation = p.budget_persistence * state.budget_deviation + sigma * eps;
            // Cuts act on the level directly (not through the AR state), so they end when the shock ends.
            let mut cut_share: f64 = 0.0;
            for shock in &cfg.shocks {
                if shock.kind == ShockKind::AidCut
                    && matches!(shock.target, ShockTarget::Donor(t) if t.index() == d)
                {
                    cut_share = cut_share.max(shock.level_at(q));
                }
            }
            state.cut_log = (1.0 / (1.0 - cut_share.min(0.99))).ln();
            state.budget_q = dc.budget_usd_per_year / 4.0
                * gdp_ratio.powf(p.budget_gdp_elasticity)
                * (state.budget_deviation - state.cut_log).exp();
            self.ledger.oda_budget_usd += state.budget_q;
            // Programmes this donor funds come out of the budget before allocation (capped by it).
            let cost: f64 = cfg
                .programmes
                .iter()
                .filter(|pr| pr.funder == Funder::Donor(DonorId(d as u16)))
                .filter(|pr| programme_running(pr, q))
                .map(|pr| pr.cost_usd_per_q)
                .sum();
            state.programme_cost_q = cost.min(state.budget_q);
            self.ledger.programmes_donor_usd += state.programme_cost_q;
        }

        // Allocation weights.
        let n_donors = cfg.donors.len();
        for d in 0..n_donors {
            let dc = &cfg.donors[d];
            let mut total_w = dc.other_recipients_weight;
            let mut weights = [0.0f64; 32];
            for (i, r) in dc.recipients.iter().enumerate().take(32) {
                let c = &self.countries[r.country.index()];
                let need = (c.gni_per_capita_initial / c.gni_per_capita.max(1.0))
                    .max(1e-9)
                    .powf(p.need_elasticity);
                let pair = self.donors[d].channels[i].pair;
                let gov = if pair == PairId::NONE {
                    0.5
                } else {
                    self.pairs[pair.index()].gov_trust
                };
                // Herding on other donors' disbursements to this recipient (last quarter).
                let (mut others, mut others_total, mut n_others) = (0.0, 0.0, 0usize);
                for (e, other) in self.donors.iter().enumerate() {
                    if e == d {
                        continue;
                    }
                    for ch in &other.channels {
                        others_total += ch.prev_disbursed_q;
                        if ch.recipient == r.country {
                            others += ch.prev_disbursed_q;
                        }
                    }
                    n_others += other.channels.len();
                }
                let mean_others = if n_others > 0 {
                    others_total / n_others as f64
                } else {
                    0.0
                };
                let herd = if mean_others > 0.0 {
                    p.herding * others / mean_others
                } else {
                    0.0
                };
                let size = (c.gdp_usd_per_year
                    / cfg.countries[r.country.index()].gdp_usd_per_year[0].max(1.0))
                .max(1e-9)
                .powf(p.size_elasticity);
                let w = need
                    * size
                    * r.strategic_weight
                    * gov.max(1e-6).powf(p.trust_elasticity)
                    * (1.0 + herd);
                // Donor-driven allocation shocks (Desai & Kharas 2011): decided once a year with
                // the budget (Japan's ODA budget and yen-loan packages are annual), AR(1) in logs.
                let ch = &mut self.donors[d].channels[i];
                let eps = self
                    .streams
                    .aid_allocation
                    .normal(step, (d * 64 + i) as u32);
                if step == 0 || q.quarter() == 1 {
                    ch.allocation_deviation = p.allocation_persistence * ch.allocation_deviation
                        + p.allocation_volatility * eps;
                }
                let w = w * ch.allocation_deviation.exp();
                weights[i] = w;
                total_w += w;
            }
            let budget = self.donors[d].budget_q - self.donors[d].programme_cost_q;
            let mut committed_total = 0.0;
            for (i, r) in dc.recipients.iter().enumerate().take(32) {
                let share = if total_w > 0.0 {
                    weights[i] / total_w
                } else {
                    0.0
                };
                let suspended = cfg.shocks.iter().any(|s| {
                    s.kind == ShockKind::AidSuspension
                        && s.start <= q
                        && q < s.end()
                        && match s.target {
                            ShockTarget::Donor(t) => t.index() == d,
                            ShockTarget::DonorRecipient(t, c) => t.index() == d && c == r.country,
                            ShockTarget::Pair(pp) => {
                                let pc = &cfg.pairs[pp.index()];
                                pc.donor == dc.home && pc.partner == r.country
                            }
                            ShockTarget::Country(c) => c == r.country,
                        }
                });
                let ch = &mut self.donors[d].channels[i];
                if let Some(g) = &r.graduation {
                    let gni = self.countries[r.country.index()].gni_per_capita;
                    if ch.graduated_step == NONE_U32 {
                        ch.quarters_above = if gni > g.gni_per_capita_usd {
                            ch.quarters_above + 1
                        } else {
                            0
                        };
                        if ch.quarters_above >= g.quarters_above {
                            ch.graduated_step = step;
                        }
                    }
                }
                let graduation = match (&r.graduation, ch.graduated_step) {
                    (Some(g), s) if s != NONE_U32 => g.eligibility_after(step - s),
                    _ => 1.0,
                };
                let eligible = r.eligibility[step as usize] * graduation;
                ch.eligibility = eligible;
                let commitment = if suspended {
                    0.0
                } else {
                    budget * share * eligible
                };
                let ch = &mut self.donors[d].channels[i];
                ch.suspended = suspended;
                ch.committed_q = commitment;
                ch.pipeline_usd += commitment * dc.loan_share;
                ch.grant_pipeline_usd += commitment * (1.0 - dc.loan_share);
                committed_total += commitment;
            }
            self.ledger.oda_committed_usd += committed_total;
            self.ledger.oda_retained_usd += budget - committed_total;
        }

        // Disbursement, loans, repayments, projects.
        for d in 0..n_donors {
            for i in 0..self.donors[d].channels.len() {
                let recipient = self.donors[d].channels[i].recipient.index();
                let k = self.countries[recipient].capacity_k;
                let rate =
                    disbursement_rate(p.disbursement_rate_at_k0, p.disbursement_rate_at_k1, k);
                let eps = self
                    .streams
                    .aid_implementation
                    .normal(step, (d * 64 + i) as u32);
                let ch = &mut self.donors[d].channels[i];
                if step == 0 || q.quarter() == 1 {
                    ch.implementation_deviation = p.implementation_persistence
                        * ch.implementation_deviation
                        + p.implementation_volatility * eps;
                }
                let factor = implementation_factor(
                    ch.implementation_deviation,
                    p.implementation_volatility,
                    p.implementation_persistence,
                );
                let loans = ch.pipeline_usd * (rate * factor).min(1.0);
                let grants = ch.grant_pipeline_usd * p.grant_disbursement_rate;
                ch.pipeline_usd -= loans;
                ch.grant_pipeline_usd -= grants;
                let disbursed = loans + grants;
                ch.prev_disbursed_q = ch.disbursed_q;
                ch.disbursed_q = disbursed;
                ch.loans_by_step[step as usize] = loans;
                if step as i64 - p.loan_grace_q as i64 >= 0 {
                    ch.repaying_stock_usd += ch.loans_by_step[(step - p.loan_grace_q) as usize];
                }
                // Linear repayment of each vintage over the repayment period ≈ constant share of
                // the repaying stock at 1/period (declining balance).
                let repaid = ch.repaying_stock_usd / p.loan_repayment_q as f64;
                ch.repaying_stock_usd -= repaid;
                ch.repaid_q = repaid;
                self.ledger.oda_disbursed_usd += disbursed;
                self.ledger.oda_received_usd += disbursed;
                self.ledger.loans_disbursed_usd += loans;
                self.ledger.loans_repaid_usd += repaid;
            }
        }

        // New ODA project partnerships from this quarter's commitments.
        for d in 0..n_donors {
            for i in 0..self.donors[d].channels.len() {
                let (pair, commitment) = {
                    let ch = &self.donors[d].channels[i];
                    (ch.pair, ch.committed_q)
                };
                if pair == PairId::NONE || commitment <= 0.0 {
                    continue;
                }
                let u = self.streams.oda_projects.uniform(step, (d * 64 + i) as u32);
                let n = stochastic_round(commitment / p.project_size_usd, u).min(64);
                for _ in 0..n {
                    if self.partnerships.len() >= self.partnership_capacity {
                        break;
                    }
                    let pt = self.pairs[pair.index()].pair_trust;
                    let mode = self.pairs[pair.index()]
                        .cooperation_mode
                        .max(cfg.donors[d].cooperation_mode);
                    self.partnerships.push(PartnershipInit {
                        pair,
                        mode: PartnershipMode::OdaProject,
                        foreign: NONE_U32,
                        host: NONE_U32,
                        donor: DonorId(d as u16),
                        start_step: step,
                        evidence: Evidence::new(&cfg.params.trust, pt),
                        experience_offset_q: 0.0,
                        mode_multiplier: 1.0,
                        cocreation_since: if mode > 0.0 { step } else { NONE_U32 },
                        member_draw: 1.0,
                    });
                }
            }
        }
    }

    /// Phase 3: recipient capacity and aid metrics, and the pair-level ODA indicators.
    pub fn recipient_capacity(&mut self, cfg: &Config) {
        let p = &cfg.params.capacity;
        for pair in self.pairs.iter_mut() {
            pair.oda_committed_q = 0.0;
            pair.oda_disbursed_q = 0.0;
            pair.oda_net_q = 0.0;
            pair.oda_pipeline = 0.0;
        }
        for (c, country) in self.countries.iter_mut().enumerate() {
            let mut gross = 0.0;
            let mut net = 0.0;
            let mut ownership_num = 0.0;
            for (d, donor) in self.donors.iter().enumerate() {
                for ch in donor.channels.iter().filter(|ch| ch.recipient.index() == c) {
                    gross += ch.disbursed_q;
                    net += ch.disbursed_q - ch.repaid_q;
                    let m = cfg.donors[d].cooperation_mode;
                    let mode = if ch.pair != PairId::NONE {
                        m.max(self.pairs[ch.pair.index()].cooperation_mode)
                    } else {
                        m
                    };
                    ownership_num += ch.disbursed_q
                        * (p.ownership_at_mode0 + (1.0 - p.ownership_at_mode0) * mode);
                }
            }
            let donor_amounts = self.donors.iter().map(|donor| {
                donor
                    .channels
                    .iter()
                    .filter(|ch| ch.recipient.index() == c)
                    .map(|ch| ch.disbursed_q)
                    .sum::<f64>()
            });
            country.donor_hhi = hhi(donor_amounts);
            country.oda_gross_q = gross;
            country.oda_net_q = net;
            country.aid_gni = 4.0 * net / country.gdp_usd_per_year.max(1.0);
            let ownership = if gross > 0.0 {
                ownership_num / gross
            } else {
                p.ownership_at_mode0
            };
            let aid_gross_gni = 4.0 * gross / country.gdp_usd_per_year.max(1.0);
            let floor_gain = p.floor_gain_per_income_doubling
                * (country.gni_per_capita / country.gni_per_capita_initial.max(1.0))
                    .max(1e-9)
                    .log2();
            country.capacity_floor =
                (cfg.countries[c].capacity_floor + floor_gain).clamp(0.0, 0.95);
            let dk = capacity_change(
                p,
                country.capacity_k,
                aid_gross_gni,
                ownership,
                country.donor_hhi,
                country.capacity_floor,
            );
            country.capacity_k = (country.capacity_k + dk).clamp(0.0, 1.0);
            // Volatility of gross receipts over the last 20 quarters.
            country.ln_aid_history.rotate_left(1);
            country.ln_aid_history[AID_HISTORY_Q - 1] = gross.max(1.0).ln();
            let filled = (self.step as usize + 1).min(AID_HISTORY_Q);
            country.aid_volatility =
                sd_of_changes(&country.ln_aid_history[AID_HISTORY_Q - filled..]);
        }
        for donor in &self.donors {
            for ch in donor.channels.iter().filter(|ch| ch.pair != PairId::NONE) {
                let pair = &mut self.pairs[ch.pair.index()];
                pair.oda_committed_q += ch.committed_q;
                pair.oda_disbursed_q += ch.disbursed_q;
                pair.oda_net_q += ch.disbursed_q - ch.repaid_q;
                pair.oda_pipeline += ch.pipeline_total_usd();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::params::CapacityParams;

    #[test]
    fn disbursement_rate_rises_linearly_with_capacity() {
        assert!((disbursement_rate(0.08, 0.30, 0.5) - 0.19).abs() < 1e-12);
        assert_eq!(disbursement_rate(0.08, 0.30, 2.0), 0.30);
    }

    #[test]
    fn implementation_factor_is_mean_one_lognormal() {
        // u = 0, σ 0.4, φ 0.3: stationary variance 0.16/0.91 = 0.175824 → exp(−0.087912) = 0.915841
        assert!((implementation_factor(0.0, 0.4, 0.3) - 0.915841).abs() < 1e-6);
        // u = 0.5: exp(0.412088) = 1.509967
        assert!((implementation_factor(0.5, 0.4, 0.3) - 1.509967).abs() < 1e-6);
        assert_eq!(implementation_factor(0.0, 0.0, 0.3), 1.0);
    }

    #[test]
    fn hhi_of_three_donors_is_worked_out_by_hand() {
        // shares 0.5, 0.3, 0.2 → 0.25 + 0.09 + 0.04 = 0.38
        assert!((hhi([50.0, 30.0, 20.0].into_iter()) - 0.38).abs() < 1e-12);
        assert_eq!(hhi([0.0, 0.0].into_iter()), 1.0);
    }

    #[test]
    fn capacity_grows_with_owned_aid_and_erodes_with_fragmentation() {
        let p = CapacityParams::default();
        // K 0.3, aid 5 % of GNI, ownership 0.7, HHI 0.4, floor 0.3:
        // 0.5·0.05·0.7·0.3·0.7/0.5 − 0.2·0.6·0.05·0.3 − 0 − 0.01·0 = 0.00735 − 0.0018 = 0.00555
        let dk = capacity_change(&p, 0.3, 0.05, 0.7, 0.4, 0.3);
        assert!((dk - 0.00555).abs() < 1e-12, "dk {dk}");
        // Above K_mid with low ownership, crowding out: 0.8, aid 10 %, own 0.4, HHI 1, floor 0.8:
        // 0.5·0.1·0.4·0.8·0.2/0.5 − 0 − 0.2·0.1·0.6·0.8 = 0.0064 − 0.0096 = −0.0032
        assert!((capacity_change(&p, 0.8, 0.1, 0.4, 1.0, 0.8) + 0.0032).abs() < 1e-12);
        // Fully concentrated aid: no fragmentation drag.
        assert!(capacity_change(&p, 0.3, 0.05, 0.7, 1.0, 0.3) > dk);
    }

    #[test]
    fn volatility_is_the_sd_of_log_changes() {
        // changes +0.1, −0.1, +0.1, −0.1: mean 0, sd 0.1
        let xs = [0.0, 0.1, 0.0, 0.1, 0.0];
        assert!((sd_of_changes(&xs) - 0.1).abs() < 1e-12);
    }
}
