//! Phase 1: exogenous paths and shocks.
//!
//! GDP and population follow their per-step paths; an exchange-rate shock of intensity x
//! multiplies the target's local-currency-per-USD rate by (1 + x), so its GDP and wages in USD fall
//! by the factor 1/(1 + x). Shock effects by kind (domain notes SM10):
//! - geopolitical crisis (pair): government trust −δ_geo·x at the start; while it lasts the entry
//!   threshold rises by `geopolitical_entry_barrier`·level and the negativity weight by
//!   (1 + k_geo·level);
//! - supply-chain disruption (country): a share `affected_share` of the country's firms loses
//!   `level` of its capacity (applied in the production phase), logistics costs cut trade by
//!   `logistics_trade_loss`·level and new talent departures fall by `talent_inflow_cut`;
//! - aid cut (donor): budget × (1 − level), abrupt or built up over `ramp_q` (aid phase); each
//!   quarter the cut deepens by Δlevel, government trust of every pair whose donor country is the
//!   cutting donor's home falls by `aid_cut_trust_drop`·Δlevel·s, s the donor's share of the
//!   partner's gross ODA last quarter (a donor that gives little is little noticed);
//! - aid suspension (donor, donor→recipient or pair): no new commitments while it lasts; government
//!   trust −δ_gov·x at the start;
//! - scandal (pair): government trust −δ_gov·x and a violation of severity `scandal_severity`·x in
//!   every active partnership of the pair at the start.
//! Government events move government trust by `steps`·δ_gov. Cost O(shocks + C + P_pair at a scandal).

use super::config::{Config, ShockKind, ShockTarget};

/// Which channels each shock kind acts through, with the parameters that dose them
/// (`parameters.shocks.*` unless named otherwise). This table is what `docs/MODEL.md` and
/// `kizuna describe` print; it must list what `exogenous_and_shocks` and the phases below do.
/// Columns: kind as written in a scenario, allowed targets, channels.
pub const SHOCK_CHANNELS: [(&str, &str, &str); 6] = [
    (
        "geopolitical_crisis",
        "pair",
        "government trust −δ_geo·x at the start (`parameters.shocks.geopolitical_trust_drop`); while it lasts the FDI entry threshold rises by `parameters.shocks.geopolitical_entry_barrier`·level and the trust negativity weight is × (1 + k_geo·level) (`parameters.shocks.geopolitical_negativity_rise`)",
    ),
    (
        "supply_chain_disruption",
        "country or pair (its partner country)",
        "a share `shocks[].affected_share` of the country's firms loses `level` of its capacity (production phase), so supplier fill rates, affiliate output and affiliate trade fall; logistics costs cut trade by `parameters.shocks.logistics_trade_loss`·level; new talent departures fall by `shocks[].talent_inflow_cut`",
    ),
    (
        "aid_cut",
        "donor",
        "donor budget × (1 − level), abrupt or built up over `shocks[].ramp_quarters` (aid phase), so commitments, disbursements, public capital, productivity and capacity follow with a lag; each quarter the cut deepens by Δlevel, government trust of the donor's pairs falls by `parameters.trust.aid_cut_trust_drop`·Δlevel·s (s: the donor's share of the partner's gross ODA last quarter)",
    ),
    (
        "aid_suspension",
        "donor, donor→recipient or pair",
        "no new commitments while it lasts (the pipeline still disburses); government trust −δ_gov·x at the start (`parameters.trust.gov_event_step`)",
    ),
    (
        "exchange_rate",
        "country",
        "local-currency-per-USD rate × (1 + x): the country's GDP and wages in USD × 1/(1 + x), which moves talent flows (wage ratio), entry and gravity trade",
    ),
    (
        "scandal",
        "pair",
        "government trust −δ_gov·x (`parameters.trust.gov_event_step`) and a violation of severity `parameters.trust.scandal_severity`·x in every active partnership of the pair at the start (partnership trust, then pair trust)",
    ),
];
use super::world::World;

impl World {
    pub fn exogenous_and_shocks(&mut self, cfg: &Config) {
        let step = self.step as usize;
        let q = cfg.quarter_of(self.step);
        let ps = &cfg.params.shocks;
        let pt = &cfg.params.trust;
        for country in self.countries.iter_mut() {
            country.fx_multiplier = 1.0;
            country.capacity_shock = 0.0;
            country.affected_share = 0.0;
        }
        for pair in self.pairs.iter_mut() {
            pair.entry_barrier = 0.0;
            pair.negativity_multiplier = 1.0;
            pair.trade_loss = 0.0;
            pair.talent_inflow_cut = 0.0;
        }
        for shock in &cfg.shocks {
            let level = shock.level_at(q);
            let starts = q == shock.start;
            match (shock.kind, shock.target) {
                (ShockKind::ExchangeRate, ShockTarget::Country(c)) => {
                    self.countries[c.index()].fx_multiplier *= 1.0 + level;
                }
                (ShockKind::SupplyChainDisruption, target) => {
                    let country = match target {
                        ShockTarget::Country(c) => c,
                        ShockTarget::Pair(p) => cfg.pairs[p.index()].partner,
                        _ => continue,
                    };
                    if level > 0.0 {
                        let c = &mut self.countries[country.index()];
                        c.capacity_shock = c.capacity_shock.max(level);
                        c.affected_share = c.affected_share.max(shock.affected_share);
                        for (p, pc) in cfg.pairs.iter().enumerate() {
                            if pc.partner == country || pc.donor == country {
                                let pair = &mut self.pairs[p];
                                pair.trade_loss =
                                    pair.trade_loss.max(ps.logistics_trade_loss * level);
                                pair.talent_inflow_cut =
                                    pair.talent_inflow_cut.max(shock.talent_inflow_cut);
                            }
                        }
                    }
                }
                (ShockKind::GeopoliticalCrisis, ShockTarget::Pair(p)) => {
                    let pair = &mut self.pairs[p.index()];
                    if starts {
                        pair.gov_trust = (pair.gov_trust
                            - ps.geopolitical_trust_drop * shock.intensity)
                            .clamp(0.0, 1.0);
                    }
                    pair.entry_barrier += ps.geopolitical_entry_barrier * level;
                    pair.negativity_multiplier *= 1.0 + ps.geopolitical_negativity_rise * level;
                    pair.talent_inflow_cut = pair
                        .talent_inflow_cut
                        .max(shock.talent_inflow_cut * level.min(1.0));
                }
                (ShockKind::AidCut, ShockTarget::Donor(d)) => {
                    let deepening = level - shock.level_at(q.plus(-1));
                    if deepening <= 0.0 {
                        continue;
                    }
                    let home = cfg.donors[d.index()].home;
                    for (p, pc) in cfg.pairs.iter().enumerate() {
                        if pc.donor != home {
                            continue;
                        }
                        let (mut own, mut all) = (0.0, 0.0);
                        for (e, donor) in self.donors.iter().enumerate() {
                            for ch in donor
                                .channels
                                .iter()
                                .filter(|ch| ch.recipient == pc.partner)
                            {
                                all += ch.disbursed_q;
                                if e == d.index() {
                                    own += ch.disbursed_q;
                                }
                            }
                        }
                        let share = if all > 0.0 { own / all } else { 0.0 };
                        let pair = &mut self.pairs[p];
                        pair.gov_trust = (pair.gov_trust
                            - pt.aid_cut_trust_drop * deepening * share)
                            .clamp(0.0, 1.0);
                    }
                }
                (ShockKind::AidSuspension, target) if starts => {
                    for (p, pc) in cfg.pairs.iter().enumerate() {
                        let hit = match target {
                            ShockTarget::Pair(t) => t.index() == p,
                            ShockTarget::Donor(d) => cfg.donors[d.index()].home == pc.donor,
                            ShockTarget::DonorRecipient(d, c) => {
                                cfg.donors[d.index()].home == pc.donor && pc.partner == c
                            }
                            ShockTarget::Country(c) => pc.partner == c,
                        };
                        if hit {
                            let pair = &mut self.pairs[p];
                            pair.gov_trust = (pair.gov_trust - pt.gov_event_step * shock.intensity)
                                .clamp(0.0, 1.0);
                        }
                    }
                }
                (ShockKind::Scandal, ShockTarget::Pair(p)) if starts => {
                    let pair = &mut self.pairs[p.index()];
                    pair.gov_trust =
                        (pair.gov_trust - pt.gov_event_step * shock.intensity).clamp(0.0, 1.0);
                    let severity = pt.scandal_severity * shock.intensity;
                    let multiplier = pair.negativity_multiplier;
                    for &id in &self.partnerships.active {
                        let id = id as usize;
                        if self.partnerships.pair[id] == p {
                            self.partnerships.evidence[id].add_violation(pt, severity, multiplier);
                            self.partnerships.trust[id] = self.partnerships.evidence[id].trust();
                        }
                    }
                }
                _ => {}
            }
        }
        for event in cfg.events.iter().filter(|e| e.at == q) {
            let pair = &mut self.pairs[event.pair.index()];
            pair.gov_trust = (pair.gov_trust + event.steps * pt.gov_event_step).clamp(0.0, 1.0);
        }
        for (c, country) in self.countries.iter_mut().enumerate() {
            let cc = &cfg.countries[c];
            country.gdp_usd_per_year = cc.gdp_usd_per_year[step] / country.fx_multiplier;
            country.population = cc.population[step].max(1.0);
            country.gni_per_capita = country.gdp_usd_per_year / country.population;
            country.wage_usd_per_year = cc.wage_to_gdp_per_capita * country.gni_per_capita;
        }
    }
}
