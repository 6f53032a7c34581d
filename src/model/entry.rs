//! SM6 FDI entry, mode choice and partner search.
//!
//! Each investor firm scans with probability ν per quarter. For every host h it could enter
//! (pairs whose donor country is the firm's home) it values (I1)
//! `U = β_Y ln Y_h − β_D ln D + θ_T T_pair − θ_CD KS4 + θ_K K_h + θ_G ln r̂_h + θ_W ln(w_home/w_h)
//!      + θ_N ln(1 + N_affiliates) + ξ`, ξ logistic with scale `taste_scale`, r̂_h the host's
//! expected public-capital ratio (see `public_capital`),
//! and enters the best host if `U > U* + barrier`. Joint venture with probability
//! `σ(μ₀ + μ_CD KS4 − μ_E n_prior)`, else a wholly owned affiliate. A JV partner is the best of
//! m sampled host firms (m_member for business-association members) by `A (1 + ξ_rep (rep − ½))`;
//! local suppliers likewise (k_s of them, more under diversification). Registered capital is
//! log-normal. Each new link is a partnership whose trust prior is the current pair trust.
//! Experience carried into the partnership: `w_same n_same + w_block n_block` prior entries.
//! Cost O(N_investors + scans·C + entries·m) per step; entry stops at the reserved firm capacity.

use super::config::{Config, FirmKind};
use super::config::{DonorId, PairId};
use super::fastmath::{floor_i64, pow2};
use super::trust::Evidence;
use super::world::{FirmInit, MAX_SUPPLIERS, NONE_U32, PartnershipInit, PartnershipMode, World};

pub fn logistic(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// `u < logistic(x)` for a uniform draw `u` in [0, 1), decided as that comparison but without
/// `exp` or a division for all but ≈0.5 % of draws. With `y = −x`, `y log₂e = t + f`, the cubic
/// Taylor polynomial P of `2^f = e^(f ln 2)` satisfies `P ≤ 2^f ≤ P/(1 − (ln 2)⁴/24) < 1.0098 P`
/// on [0, 1); the roundings of `y log₂e` (|y| < 700: < 2·10⁻¹³ in the exponent), of `exp`
/// (< 1 ulp), of P and of the logistic's sum and quotient are all below 10⁻¹², so the computed
/// `exp(y)` lies in `[lo, hi] = 2^t P [1 − 10⁻¹², 1.0099]` and the computed logistic in
/// `[(1 − 3ε)/(1 + hi), (1 + 3ε)/(1 + lo)]`. A product `u (1 + ·)` clear of 1 by 10⁻⁹ decides;
/// otherwise the logistic is computed.
pub fn logistic_event(u: f64, x: f64) -> bool {
    let a = -x * std::f64::consts::LOG2_E;
    if a > -1000.0 && a < 1000.0 {
        let t = floor_i64(a);
        let f = (a - t as f64) * std::f64::consts::LN_2;
        let p = 1.0 + f * (1.0 + f * (0.5 + f * (1.0 / 6.0)));
        let two_to_t = pow2(t);
        let lo = two_to_t * p * (1.0 - 1e-12);
        let hi = two_to_t * p * 1.0099;
        if u * (1.0 + hi) < 1.0 - 1e-9 {
            return true;
        }
        if u * (1.0 + lo) > 1.0 + 1e-9 {
            return false;
        }
    }
    u < logistic(x)
}

/// Logistic taste shock from a uniform draw.
pub fn logistic_taste(u: f64, scale: f64) -> f64 {
    let u = u.clamp(1e-12, 1.0 - 1e-12);
    scale * (u / (1.0 - u)).ln()
}

/// Reputation of a firm from its partnership evidence, in (0,1).
pub fn reputation(pos: f64, neg: f64) -> f64 {
    (pos + 1.0) / (pos + neg + 2.0)
}

impl World {
    /// Deterministic part of I1 for entering the host of `pair` from its donor country.
    pub fn attractiveness(&self, cfg: &Config, pair: usize) -> f64 {
        let e = &cfg.params.entry;
        let pc = &cfg.pairs[pair];
        let host = &self.countries[pc.partner.index()];
        let home = &self.countries[pc.donor.index()];
        let ps = &self.pairs[pair];
        e.gdp_elasticity * host.gdp_usd_per_year.max(1.0).ln()
            - e.distance_elasticity * pc.distance_km.max(1.0).ln()
            + e.trust_weight * ps.pair_trust
            - e.cultural_distance_penalty * ps.ks4
            + e.capacity_weight * host.capacity_k
            + cfg.params.public_capital.entry_weight * host.expected_public_capital_ratio.ln()
            + e.wage_gap_weight
                * (home.wage_usd_per_year / host.wage_usd_per_year.max(1.0))
                    .max(1e-9)
                    .ln()
            + e.agglomeration_weight * (1.0 + ps.fdi_projects as f64).ln()
    }

    pub fn firm_entry(&mut self, cfg: &Config) {
        let e = &cfg.params.entry;
        let step = self.step;
        let n_pairs = cfg.pairs.len();
        for pair in self.pairs.iter_mut() {
            pair.fdi_registered_q = 0.0;
        }
        // Deterministic attractiveness per pair, once per step.
        let mut base_u = [0.0f64; 64];
        for (p, slot) in base_u.iter_mut().enumerate().take(n_pairs.min(64)) {
            *slot = self.attractiveness(cfg, p);
        }
        for home in 0..self.investors_by_country.len() {
            for k in 0..self.investors_by_country[home].len() {
                let firm = self.investors_by_country[home][k];
                if self.streams.entry_scan.uniform(step, firm) >= e.scan_rate_per_q {
                    continue;
                }
                let mut best: Option<(usize, f64)> = None;
                for p in 0..n_pairs.min(64) {
                    if cfg.pairs[p].donor.index() != home
                        || self.domestic_by_country[cfg.pairs[p].partner.index()].is_empty()
                    {
                        continue;
                    }
                    let xi = logistic_taste(
                        self.streams.entry_taste.uniform_seq(step, firm, p as u32),
                        e.taste_scale,
                    );
                    let u = base_u[p] + xi - e.threshold - self.pairs[p].entry_barrier;
                    if u > 0.0 && best.is_none_or(|(_, b)| u > b) {
                        best = Some((p, u));
                    }
                }
                if let Some((p, _)) = best {
                    self.open_affiliate(cfg, firm, p);
                }
            }
        }
    }

    fn open_affiliate(&mut self, cfg: &Config, parent: u32, pair: usize) {
        let e = &cfg.params.entry;
        let step = self.step;
        if self.firms.len() >= self.firm_capacity {
            self.entries_blocked += 1;
            return;
        }
        let n_pairs = cfg.pairs.len();
        let pc = &cfg.pairs[pair];
        let host = pc.partner;
        let parent_idx = parent as usize;
        let n_same = self.entries[parent_idx * n_pairs + pair] as f64;
        let block = cfg.countries[host.index()].block;
        let n_block: f64 = (0..n_pairs)
            .filter(|&o| o != pair && cfg.countries[cfg.pairs[o].partner.index()].block == block)
            .map(|o| self.entries[parent_idx * n_pairs + o] as f64)
            .sum();
        let experience = cfg.params.friction.same_country_entry_weight_q * n_same
            + cfg.params.friction.same_block_entry_weight_q * n_block;
        let ks4 = self.pairs[pair].ks4;
        let jv_prob =
            logistic(e.jv_intercept + e.jv_cultural_distance * ks4 - e.jv_experience * n_same);
        let is_jv = self.streams.entry_mode.uniform(step, parent) < jv_prob;
        let z = self.streams.entry_capital.normal(step, parent);
        let capital = e.capital_median_usd * (e.capital_sigma * z).exp();
        let ln_a = self.firms.ln_productivity[parent_idx];
        let id = self.firms.len() as u32;
        let membership = self.streams.membership.uniform(0, id);
        let capacity = capital * cfg.params.supply.output_capital_ratio_per_q * ln_a.exp();
        let pp = &cfg.params.profit;
        let margin_base =
            pp.margin_mean + pp.margin_sd * self.streams.affiliate_margin.normal(step, parent);
        self.firms.push(FirmInit {
            country: host,
            sector: self.firms.sector[parent_idx],
            kind: if is_jv {
                FirmKind::JointVenture
            } else {
                FirmKind::Affiliate
            },
            pair: PairId(pair as u16),
            parent,
            capital_usd: capital,
            ln_productivity: ln_a,
            human_capital: self.firms.human_capital[parent_idx],
            // Hired from the same labour market as domestic firms (returnees among them).
            bilingual_share: self.countries[host.index()].domestic_bilingual_mean,
            employees: (capital / 1.0e6 * e.employees_per_musd).max(1.0),
            membership_draw: membership,
            capacity,
            inventory_q: cfg.params.supply.inventory_target_q,
            entry_step: step,
            margin_base,
        });
        for _ in 0..n_pairs {
            self.entries.push(0);
        }
        self.entries[parent_idx * n_pairs + pair] =
            self.entries[parent_idx * n_pairs + pair].saturating_add(1);
        self.ledger.fdi_registered_usd += capital;
        self.pairs[pair].fdi_registered_q += capital;
        self.pairs[pair].fdi_projects += 1;

        let member = self.firms.membership_draw[parent_idx] < self.pairs[pair].membership_share;
        let m = if member {
            e.candidates_member
        } else {
            e.candidates
        } as usize;
        let prior = Evidence::new(&cfg.params.trust, self.pairs[pair].pair_trust);
        let cocreation_since = if self.pairs[pair].cooperation_mode > 0.0 {
            step
        } else {
            NONE_U32
        };
        let link = |mode, host_firm: u32, multiplier, member_draw| PartnershipInit {
            pair: PairId(pair as u16),
            mode,
            foreign: id,
            host: host_firm,
            donor: DonorId::NONE,
            start_step: step,
            evidence: prior,
            experience_offset_q: experience,
            mode_multiplier: multiplier,
            cocreation_since,
            member_draw,
        };
        if is_jv {
            if let Some(partner) =
                self.pick_host_firm(host.index(), id, m, 0, &[], e.reputation_weight)
            {
                if self.partnerships.len() < self.partnership_capacity {
                    self.firms.jv_link[id as usize] = self.partnerships.len() as u32;
                    self.partnerships.push(link(
                        PartnershipMode::JointVenture,
                        partner,
                        cfg.params.friction.jv_multiplier,
                        self.firms.membership_draw[partner as usize],
                    ));
                    self.firms.foreign_partnerships[partner as usize] =
                        self.firms.foreign_partnerships[partner as usize].saturating_add(1);
                    self.firms.linked_pair[partner as usize] = PairId(pair as u16);
                }
            }
        }
        let sp = &cfg.params.supply;
        let wanted = (sp.suppliers_per_affiliate as f64
            + self.pairs[pair].diversification
                * sp.suppliers_max.saturating_sub(sp.suppliers_per_affiliate) as f64)
            .round() as usize;
        let wanted = wanted.clamp(1, MAX_SUPPLIERS.min(sp.suppliers_max.max(1) as usize));
        for slot in 0..wanted {
            let taken = self.firms.suppliers[id as usize];
            let Some(supplier) = self.pick_host_firm(
                host.index(),
                id,
                m,
                slot * m,
                &taken[..slot],
                e.reputation_weight,
            ) else {
                break;
            };
            if self.partnerships.len() >= self.partnership_capacity {
                break;
            }
            let link_id = self.partnerships.push(link(
                PartnershipMode::SupplyContract,
                supplier,
                1.0,
                self.firms.membership_draw[supplier as usize],
            ));
            self.firms.suppliers[id as usize][slot] = supplier;
            self.firms.supply_links[id as usize][slot] = link_id;
            self.firms.n_suppliers[id as usize] = slot as u8 + 1;
            self.firms.foreign_partnerships[supplier as usize] =
                self.firms.foreign_partnerships[supplier as usize].saturating_add(1);
            self.firms.linked_pair[supplier as usize] = PairId(pair as u16);
        }
    }

    /// Best of `m` host firms sampled for `searcher` (draw indices from `offset`), skipping `exclude`.
    pub fn pick_host_firm(
        &mut self,
        host: usize,
        searcher: u32,
        m: usize,
        offset: usize,
        exclude: &[u32],
        rep_w: f64,
    ) -> Option<u32> {
        let pool_len = self.domestic_by_country[host].len();
        if pool_len == 0 {
            return None;
        }
        let mut best: Option<(u32, f64)> = None;
        for j in 0..m {
            let u = self.streams.partner_sample.uniform_seq(
                self.step,
                searcher,
                ((offset + j) % 32) as u32,
            );
            let cand =
                self.domestic_by_country[host][((u * pool_len as f64) as usize).min(pool_len - 1)];
            if exclude.contains(&cand) {
                continue;
            }
            let c = cand as usize;
            let rep = reputation(self.firms.reputation_pos[c], self.firms.reputation_neg[c]);
            let score =
                self.firms.productivity[c] * (1.0 + rep_w * (rep - 0.5)) * self.firms.fill_rate[c];
            if best.is_none_or(|(_, s)| score > s) {
                best = Some((cand, score));
            }
        }
        best.map(|(c, _)| c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logistic_taste_is_symmetric_around_zero() {
        assert_eq!(logistic_taste(0.5, 1.0), 0.0);
        assert!((logistic_taste(0.75, 2.0) - 2.0 * 3f64.ln()).abs() < 1e-12);
        // P(ξ > x) = σ(−x) for scale 1, so entering at U − U* = 0 happens half the time.
        assert!((logistic(0.0) - 0.5).abs() < 1e-12);
    }

    #[test]
    fn logistic_event_decides_exactly_as_the_computed_logistic() {
        // Logits from −40 to 40 (every 0.0137, so every fraction of the binary exponent), the
        // extremes and NaN; draws at the probability, one float either side, on a grid and
        // scattered by a multiplicative hash.
        let mut logits: Vec<f64> = (-2920..=2920).map(|k| k as f64 * 0.0137).collect();
        logits.extend([-745.0, -700.0, -1e3, 700.0, 1e3, f64::NAN, -0.0, 1e-300]);
        let (mut checked, mut near_boundary) = (0u64, 0u64);
        for &x in &logits {
            let p = logistic(x);
            let mut us = vec![p, p.next_down(), p.next_up(), 0.0];
            us.extend((0..200).map(|k| k as f64 / 200.0));
            us.extend((1..200u64).map(|k| {
                (k.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 11) as f64 / (1u64 << 53) as f64
            }));
            for u in us.into_iter().filter(|u| (0.0..1.0).contains(u)) {
                assert_eq!(logistic_event(u, x), u < p, "x {x}, u {u}");
                checked += 1;
                near_boundary += u64::from((u - p).abs() < 0.01 * p * (1.0 - p) + 1e-8);
            }
        }
        assert!(
            checked > 2_000_000 && near_boundary > 5000,
            "{checked} {near_boundary}"
        );
    }

    #[test]
    fn reputation_starts_at_one_half() {
        assert_eq!(reputation(0.0, 0.0), 0.5);
        assert!((reputation(2.0, 0.0) - 0.75).abs() < 1e-12);
    }
}
