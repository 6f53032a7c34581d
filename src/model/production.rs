//! SM10 production, supply chain and trade (N1).
//!
//! Capacity `c_f = K_f · ocr · A_f · (1 − loss_f)`; domestic firms add capital for a share
//! `capacity_expansion_per_q` of the orders they cannot meet, financed from domestic saving and
//! recorded as `supplier_investment_usd_per_q`, where a supply-chain shock of level ℓ hits a
//! fixed share of the country's firms (each firm's exposure is drawn once per shock from its own
//! stream). Domestic firms produce `x = min(c, D)`, with demand D = their final demand plus the
//! local input orders of their affiliate customers (lagged one quarter: Jacobi, no order effects)
//! and deliver the share `fill = min(1, c/D)` of every order. Affiliates need local inputs (from
//! their suppliers' fill rates last quarter, `(1 − specificity)·mean + specificity·min_type`:
//! suppliers beyond k_s are redundant sources of the k_s input types, and specific inputs cannot
//! be replaced by another type's supplier) and home inputs (the parent's capacity share now);
//! the scarcer one binds, inventories (in quarters of input) cover the gap and refill at r_I:
//! `x = c · min(1, min(local, home) + inventory used)`. Investors produce at capacity at home.
//! A failed supplier (fill < θ_fail) is replaced with probability `σ_sub (1 − specificity)(1 + div)`
//! by the best of m sampled firms; missing supplier slots are refilled the same way.
//! Bilateral trade = affiliates' imports from home + exports to home + arm's-length trade from
//! structural gravity (`gravity_trade`, times the partner's public-capital ratio^θ_G^X), cut by
//! logistics costs during a disruption; exports and imports are recorded apart. Affiliates'
//! operating margin `π = μ_f − fixed_cost_share (1 − u) − friction_cost F̄` (u utilisation, F̄ the
//! mean friction of its partnerships) feeds a smoothed margin π̄ that drives exit and shrinkage. Direct loss = capacity removed × last quarter's
//! utilisation; all other output loss relative to the counterfactual is indirect.
//! Cost O(N_f · k_s) per step.

use super::config::{Config, FirmKind, ShockKind, ShockTarget};
use super::config::{DonorId, PairId};
use super::rng::{Draws, EntityKind, Purpose};
use super::trust::Evidence;
use super::world::{NONE_U32, PartnershipInit, PartnershipMode, World, stable_hash32};

/// Largest input shortfall (share) at which an affiliate still rebuilds its inventory.
const REFILL_TOLERANCE: f64 = 0.05;

/// An affiliate's operating margin this quarter [share of sales]:
/// `π = μ_f − fixed_cost_share (1 − u) − friction_cost F̄`.
pub fn operating_margin(
    p: &super::params::ProfitParams,
    margin_base: f64,
    utilisation: f64,
    friction: f64,
) -> f64 {
    margin_base - p.fixed_cost_share * (1.0 - utilisation) - p.friction_cost * friction
}

/// Structural gravity (v2): arm's-length trade of a pair [USD per quarter], before public capital
/// and logistics losses. `G₀ (Y_p/10¹²)^β_Y (Y_d/10¹²)^β_Y (D/1000)^(−β_D) exp(θ_T (T − ½) − θ_CD KS4)`.
pub fn gravity_trade(
    p: &super::params::TradeParams,
    partner_gdp_usd: f64,
    donor_gdp_usd: f64,
    distance_km: f64,
    pair_trust: f64,
    ks4: f64,
) -> f64 {
    p.gravity_constant_usd_per_q
        * (partner_gdp_usd.max(1.0) / 1e12).powf(p.gdp_elasticity)
        * (donor_gdp_usd.max(1.0) / 1e12).powf(p.gdp_elasticity)
        * (distance_km.max(1.0) / 1000.0).powf(-p.distance_elasticity)
        * (p.trust_weight * (pair_trust - 0.5) - p.cultural_distance_penalty * ks4).exp()
}

impl World {
    pub fn production(&mut self, cfg: &Config) {
        let sp = &cfg.params.supply;
        let step = self.step;
        let q = cfg.quarter_of(step);
        let n = self.firms.len();
        for c in self.countries.iter_mut() {
            c.firm_output_q = 0.0;
            c.direct_loss_q = 0.0;
            c.supplier_investment_q = 0.0;
        }
        // Capacity and direct shock losses; public capital multiplies every firm's productivity.
        for f in 0..n {
            let normal = self.firms.capital_usd[f]
                * sp.output_capital_ratio_per_q
                * self.firms.productivity[f]
                * self.countries[self.firms.country[f].index()].public_capital_multiplier;
            self.firms.normal_capacity[f] = normal;
            self.firms.shock_loss[f] = 0.0;
        }
        for shock in cfg
            .shocks
            .iter()
            .filter(|s| s.kind == ShockKind::SupplyChainDisruption)
        {
            let level = shock.level_at(q);
            if level <= 0.0 {
                continue;
            }
            let country = match shock.target {
                ShockTarget::Country(c) => c,
                ShockTarget::Pair(p) => cfg.pairs[p.index()].partner,
                _ => continue,
            };
            let mut exposure = Draws::new(
                self.streams.key,
                EntityKind::Firm,
                Purpose::ShockExposure,
                stable_hash32(&shock.id),
            );
            for f in 0..n {
                if self.firms.country[f] == country
                    && exposure.uniform(0, f as u32) < shock.affected_share
                {
                    self.firms.shock_loss[f] = self.firms.shock_loss[f].max(level);
                }
            }
        }
        self.capacity_shock_active = false;
        for f in 0..n {
            let loss = if self.firms.active[f] {
                self.firms.shock_loss[f]
            } else {
                0.0
            };
            self.capacity_shock_active |= loss > 0.0;
            self.firms.capacity[f] = self.firms.normal_capacity[f] * (1.0 - loss);
            if loss > 0.0 {
                let util =
                    (self.firms.prev_output[f] / self.firms.normal_capacity[f].max(1e-9)).min(1.0);
                self.countries[self.firms.country[f].index()].direct_loss_q +=
                    self.firms.normal_capacity[f] * loss * util;
            }
        }
        // Lagged orders from affiliates to their local suppliers.
        self.scratch.demand.clear();
        self.scratch.demand.resize(n, 0.0);
        self.scratch.foreign_sales.clear();
        self.scratch.foreign_sales.resize(n, 0.0);
        let local_input = sp.input_cost_share * sp.local_input_share;
        for f in 0..n {
            if !self.firms.active[f] || !self.firms.is_foreign(f) {
                continue;
            }
            let k = self.firms.n_suppliers[f] as usize;
            if k == 0 {
                continue;
            }
            let order = self.firms.prev_output[f] * local_input / k as f64;
            for &s in &self.firms.suppliers[f][..k] {
                self.scratch.demand[s as usize] += order;
                self.scratch.foreign_sales[s as usize] += order;
            }
        }
        // Output.
        for pair in self.pairs.iter_mut() {
            pair.affiliate_output_q = 0.0;
            pair.trade_q = 0.0;
            pair.exports_q = 0.0;
            pair.imports_q = 0.0;
            pair.fdi_stock_usd = 0.0;
            pair.n_affiliates = 0;
            pair.n_affiliates_profitable = 0;
        }
        let pp = &cfg.params.profit;
        for f in 0..n {
            if !self.firms.active[f] {
                self.firms.output[f] = 0.0;
                continue;
            }
            let cap = self.firms.capacity[f];
            let out = match self.firms.kind[f] {
                FirmKind::Domestic => {
                    let unit = sp.output_capital_ratio_per_q
                        * self.firms.productivity[f]
                        * self.countries[self.firms.country[f].index()].public_capital_multiplier;
                    let demand =
                        self.firms.base_capital_usd[f] * unit * sp.domestic_final_demand_share
                            + self.scratch.demand[f];
                    let x = cap.min(demand);
                    self.firms.fill_rate[f] = if demand > 0.0 {
                        (cap / demand).min(1.0)
                    } else {
                        1.0
                    };
                    // Suppliers grow with their customers (not while a shock holds capacity down).
                    let normal = self.firms.normal_capacity[f];
                    // Financed from domestic saving (retained earnings and bank credit, inside the
                    // exogenous GDP path) and recorded: no capital from nothing.
                    if demand > normal {
                        let investment = sp.capacity_expansion_per_q * (demand - normal) / unit;
                        self.firms.capital_usd[f] += investment;
                        self.countries[self.firms.country[f].index()].supplier_investment_q +=
                            investment;
                    }
                    x
                }
                FirmKind::Investor => cap,
                FirmKind::Affiliate | FirmKind::JointVenture => {
                    let k = self.firms.n_suppliers[f] as usize;
                    // Without contracted suppliers the affiliate buys on the spot market at 80 %.
                    let local = if k == 0 {
                        0.8
                    } else {
                        // Suppliers in slot i deliver input type i mod k_s (more suppliers than
                        // input types are redundant sources). Specific inputs cannot come from
                        // another type's supplier, so the scarcest type binds for that share.
                        let types = k.min(sp.suppliers_per_affiliate.max(1) as usize);
                        let fills = &self.firms.suppliers[f][..k];
                        let mean = fills
                            .iter()
                            .map(|&s| self.firms.fill_rate[s as usize])
                            .sum::<f64>()
                            / k as f64;
                        let mut scarcest: f64 = 1.0;
                        for t in 0..types {
                            let (sum, n) = fills
                                .iter()
                                .skip(t)
                                .step_by(types)
                                .fold((0.0, 0usize), |(a, n), &s| {
                                    (a + self.firms.fill_rate[s as usize], n + 1)
                                });
                            scarcest = scarcest.min(sum / n as f64);
                        }
                        (1.0 - sp.specificity) * mean + sp.specificity * scarcest
                    };
                    let parent = self.firms.parent[f] as usize;
                    let home =
                        self.firms.capacity[parent] / self.firms.normal_capacity[parent].max(1e-9);
                    let supplied = local.min(home).min(1.0);
                    let shortfall = 1.0 - supplied;
                    let used = shortfall.min(self.firms.inventory_q[f]);
                    self.firms.inventory_q[f] -= used;
                    // Safety stock is rebuilt while supply is (nearly) normal.
                    if shortfall <= REFILL_TOLERANCE {
                        self.firms.inventory_q[f] += sp.inventory_refill
                            * (sp.inventory_target_q - self.firms.inventory_q[f]).max(0.0);
                    }
                    let x = cap * (supplied + used).min(1.0);
                    // Operating margin: idle capacity and friction eat into μ_f.
                    let links = self.firms.supply_links[f];
                    let jv = self.firms.jv_link[f];
                    let (fsum, fn_) = links[..k]
                        .iter()
                        .chain(std::iter::once(&jv))
                        .filter(|&&l| l != NONE_U32)
                        .fold((0.0, 0u32), |(s, n), &l| {
                            (s + self.partnerships.friction[l as usize], n + 1)
                        });
                    let friction = if fn_ > 0 { fsum / fn_ as f64 } else { 0.0 };
                    let util = (x / self.firms.normal_capacity[f].max(1e-9)).min(1.0);
                    let margin = operating_margin(pp, self.firms.margin_base[f], util, friction);
                    self.firms.margin_smoothed[f] +=
                        pp.margin_smoothing * (margin - self.firms.margin_smoothed[f]);
                    let pair = &mut self.pairs[self.firms.pair[f].index()];
                    pair.affiliate_output_q += x;
                    pair.fdi_stock_usd += self.firms.capital_usd[f];
                    pair.n_affiliates += 1;
                    pair.n_affiliates_profitable += u32::from(margin > 0.0);
                    let keep = 1.0 - pair.trade_loss;
                    pair.imports_q +=
                        x * sp.input_cost_share * sp.home_input_share * home.min(1.0) * keep;
                    pair.exports_q += x * sp.home_export_share * keep;
                    x
                }
            };
            self.firms.output[f] = out;
            self.countries[self.firms.country[f].index()].firm_output_q += out;
        }
        // Arm's-length trade: structural gravity, half each way.
        for (p, pc) in cfg.pairs.iter().enumerate() {
            let partner = &self.countries[pc.partner.index()];
            let donor = &self.countries[pc.donor.index()];
            let pair = &self.pairs[p];
            let x = gravity_trade(
                &cfg.params.trade,
                partner.gdp_usd_per_year,
                donor.gdp_usd_per_year,
                pc.distance_km,
                pair.pair_trust,
                pair.ks4,
            ) * partner
                .public_capital_ratio
                .powf(cfg.params.public_capital.trade_elasticity)
                * (1.0 - pair.trade_loss);
            let pair = &mut self.pairs[p];
            pair.exports_q += x / 2.0;
            pair.imports_q += x / 2.0;
            pair.trade_q = pair.exports_q + pair.imports_q;
            self.ledger.trade_exports_usd += pair.exports_q;
            self.ledger.trade_imports_usd += pair.imports_q;
        }
        self.substitute_suppliers(cfg);
        // Next quarter's lagged orders read `prev_output`; `output` keeps this quarter's values
        // for indicators and exits.
        self.firms.prev_output.copy_from_slice(&self.firms.output);
    }

    fn substitute_suppliers(&mut self, cfg: &Config) {
        let sp = &cfg.params.supply;
        let e = &cfg.params.entry;
        let step = self.step;
        for f in 0..self.firms.len() {
            if !self.firms.active[f] || !self.firms.is_foreign(f) {
                continue;
            }
            let pair = self.firms.pair[f].index();
            let diversification = self.pairs[pair].diversification;
            let rate = sp.substitution_rate * (1.0 - sp.specificity) * (1.0 + diversification);
            let wanted = ((sp.suppliers_per_affiliate as f64
                + diversification
                    * sp.suppliers_max.saturating_sub(sp.suppliers_per_affiliate) as f64)
                .round() as usize)
                .clamp(1, sp.suppliers_max as usize);
            let k = self.firms.n_suppliers[f] as usize;
            let failed = self.firms.suppliers[f][..k]
                .iter()
                .position(|&s| self.firms.fill_rate[s as usize] < sp.failure_threshold);
            if failed.is_none() && k >= wanted {
                continue;
            }
            if self.streams.substitution.uniform_seq(step, f as u32, 0) >= rate.min(1.0) {
                continue;
            }
            let host = self.firms.country[f].index();
            let taken = self.firms.suppliers[f];
            let Some(new) = self.pick_host_firm(
                host,
                f as u32,
                e.candidates as usize,
                1,
                &taken[..k],
                e.reputation_weight,
            ) else {
                continue;
            };
            if self.firms.fill_rate[new as usize] < sp.failure_threshold
                || self.partnerships.len() >= self.partnership_capacity
            {
                continue;
            }
            if let Some(slot) = failed {
                let old_link = self.firms.supply_links[f][slot] as usize;
                self.end_supply_link(old_link);
            }
            let k = self.firms.n_suppliers[f] as usize;
            if k >= super::world::MAX_SUPPLIERS {
                continue;
            }
            let cocreation_since = if self.pairs[pair].cooperation_mode > 0.0 {
                step
            } else {
                NONE_U32
            };
            let id = self.partnerships.push(PartnershipInit {
                pair: PairId(pair as u16),
                mode: PartnershipMode::SupplyContract,
                foreign: f as u32,
                host: new,
                donor: DonorId::NONE,
                start_step: step,
                evidence: Evidence::new(&cfg.params.trust, self.pairs[pair].pair_trust),
                experience_offset_q: 0.0,
                mode_multiplier: 1.0,
                cocreation_since,
                member_draw: self.firms.membership_draw[new as usize],
            });
            self.firms.suppliers[f][k] = new;
            self.firms.supply_links[f][k] = id;
            self.firms.n_suppliers[f] += 1;
            self.firms.foreign_partnerships[new as usize] =
                self.firms.foreign_partnerships[new as usize].saturating_add(1);
            self.firms.linked_pair[new as usize] = PairId(pair as u16);
        }
    }

    fn end_supply_link(&mut self, id: usize) {
        if self.partnerships.is_active(id) {
            self.end_partnership(id, super::world::EndReason::Substituted);
        }
    }
}
