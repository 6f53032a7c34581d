//! Phase 12: indicators. One row per quarter, columns in the order of [`columns`]: indicator by
//! indicator of the catalogue, and within one indicator every pair (country, competing origin) in
//! scenario order.
//! Cost O(C + pairs + origins) per step (all sums were kept by earlier phases).

use super::config::Config;
use super::world::{DestinationState, OriginState, World};
use crate::indicators::{CATALOGUE, Scope, column_name};

/// Country indicators of the aid a country receives: meaningless (0, or 1 for the HHI and the
/// public-capital ratios, in every scenario) for a country no donor of the scenario gives to,
/// such as a donor's home.
pub const RECIPIENT_ONLY: [&str; 7] = [
    "aid_gni_ratio",
    "oda_net_received_usd_per_q",
    "oda_gross_received_usd_per_q",
    "donor_hhi",
    "aid_volatility",
    "public_capital_ratio",
    "expected_public_capital_ratio",
];

/// Country indicators of a country's own firms: meaningless for a country without a firm
/// population (the aggregate donors `MUL` and `OTH` of the replay).
pub const FIRMS_ONLY: [&str; 3] = [
    "mean_productivity",
    "firm_output_usd_per_q",
    "direct_loss_usd_per_q",
];

/// Whether the country indicator `name` is recorded for country `c`: the rule depends on the
/// scenario's structure (who receives aid, who has firms), never on the values of a run, so a
/// column that is merely constant in one run stays.
pub fn country_column_applies(cfg: &Config, name: &str, c: usize) -> bool {
    if RECIPIENT_ONLY.contains(&name) {
        cfg.donors
            .iter()
            .any(|d| d.recipients.iter().any(|r| r.country.index() == c))
    } else if FIRMS_ONLY.contains(&name) {
        cfg.firm_populations
            .iter()
            .any(|f| f.country.index() == c && f.count > 0)
    } else {
        true
    }
}

/// The column names of a scenario's time series (without replication, step, year, quarter).
pub fn columns(cfg: &Config) -> Vec<String> {
    let mut out = Vec::new();
    for spec in CATALOGUE {
        match spec.scope {
            Scope::Pair => out.extend(cfg.pairs.iter().map(|p| column_name(spec.name, &p.label))),
            Scope::Country => out.extend(
                cfg.countries
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| country_column_applies(cfg, spec.name, *i))
                    .map(|(_, c)| column_name(spec.name, &c.code)),
            ),
            Scope::Origin => out.extend(
                cfg.talent_origins
                    .iter()
                    .filter(|o| o.pair.is_none())
                    .map(|o| column_name(spec.name, &o.label)),
            ),
        }
    }
    out
}

/// `part / whole`, 0 when the whole is 0.
fn share(part: u64, whole: u64) -> f64 {
    if whole > 0 {
        part as f64 / whole as f64
    } else {
        0.0
    }
}

/// An origin's share of its destination's new interns this quarter.
fn intern_inflow_share(o: &OriginState, dest: Option<&DestinationState>) -> f64 {
    share(o.inflow_q[0], dest.map_or(0, |d| d.inflow_q[0]))
}

/// An origin's share of its destination's new specified skilled workers (from abroad and from
/// the intern programme) this quarter.
fn ssw_new_share(o: &OriginState, dest: Option<&DestinationState>) -> f64 {
    share(
        o.inflow_q[1] + o.transitions_q[1],
        dest.map_or(0, |d| d.inflow_q[1] + d.transitions_q[1]),
    )
}

impl World {
    fn pair_value(&self, name: &str, p: usize) -> f64 {
        let s = &self.pairs[p];
        let o = &self.origins[p];
        let destination = self.destination_of_pair.get(p).copied().flatten();
        let dest = destination.map(|d| &self.destinations[d]);
        let mean = |sum: f64, empty: f64| {
            if s.n_active > 0 {
                sum / s.n_active as f64
            } else {
                empty
            }
        };
        match name {
            "oda_committed_usd_per_q" => s.oda_committed_q,
            "oda_disbursed_usd_per_q" => s.oda_disbursed_q,
            "oda_net_usd_per_q" => s.oda_net_q,
            "oda_pipeline_usd" => s.oda_pipeline,
            "fdi_stock_usd" => s.fdi_stock_usd,
            "fdi_registered_usd_per_q" => s.fdi_registered_q,
            "fdi_projects" => s.fdi_projects as f64,
            "trade_usd_per_q" => s.trade_q,
            "affiliate_output_usd_per_q" => s.affiliate_output_q,
            "residents_persons" => self.residents(p) as f64,
            "interns_persons" => o.talent[0].abroad as f64,
            "ssw_persons" => o.talent[1].abroad as f64,
            "students_persons" => o.talent[2].abroad as f64,
            "engineers_persons" => o.talent[3].abroad as f64 + o.settled as f64,
            "missing_persons" => o.missing as f64,
            "talent_outflow_persons_per_q" => o.outflow_q as f64,
            "returnees_persons_per_q" => o.returned_q as f64,
            "intern_inflow_persons_per_q" => o.inflow_q[0] as f64,
            "ssw_inflow_persons_per_q" => o.inflow_q[1] as f64,
            "intern_to_ssw_persons_per_q" => o.transitions_q[1] as f64,
            "student_inflow_persons_per_q" => o.inflow_q[2] as f64,
            "student_to_work_persons_per_q" => o.transitions_q[3] as f64,
            "engineer_inflow_persons_per_q" => o.inflow_q[3] as f64,
            "intern_returns_persons_per_q" => o.completed_returns_q[0] as f64,
            "ssw_returns_persons_per_q" => o.completed_returns_q[1] as f64,
            "student_returns_persons_per_q" => o.completed_returns_q[2] as f64,
            "missing_new_persons_per_q" => o.missing_new_q as f64,
            "intern_missing_rate_per_year" => 4.0 * o.intern_missing_rate_q,
            "talent_destination_share" => o.destination_share,
            "intern_inflow_share" => intern_inflow_share(o, dest),
            "ssw_new_share" => ssw_new_share(o, dest),
            "ssw_via_intern_share" => share(o.transitions_q[1], o.inflow_q[1] + o.transitions_q[1]),
            "new_partnership_friction" => {
                if s.n_new > 0 {
                    s.new_friction_sum / s.n_new as f64
                } else {
                    0.0
                }
            }
            "active_partnerships" => s.n_active as f64,
            "mean_partnership_trust" => mean(s.trust_sum, s.pair_trust),
            "pair_trust" => s.pair_trust,
            "gov_trust" => s.gov_trust,
            "mean_friction" => mean(s.friction_sum, 0.0),
            "permanent_residents_persons" => o.settled as f64,
            "firm_partnerships" => s.n_active_firm as f64,
            "exports_usd_per_q" => s.exports_q,
            "programme_cost_usd_per_q" => s.mitigation_cost_q,
            "imports_usd_per_q" => s.imports_q,
            "fdi_withdrawn_usd_per_q" => s.fdi_withdrawn_q,
            "affiliates_profitable_share" => {
                if s.n_affiliates > 0 {
                    s.n_affiliates_profitable as f64 / s.n_affiliates as f64
                } else {
                    0.0
                }
            }
            "trust_fundamental" => s.trust_fundamental,
            "trouble_share_8q" => {
                let (n, k) = s
                    .trouble_ring
                    .iter()
                    .fold((0, 0), |(n, k), &(a, b)| (n + a, k + b));
                if n > 0 { k as f64 / n as f64 } else { 0.0 }
            }
            _ => f64::NAN,
        }
    }

    /// An indicator of talent origin `o` (a competing origin: no pair, no firms).
    fn origin_value(&self, cfg: &Config, name: &str, o: usize) -> f64 {
        let state = &self.origins[o];
        let dest = cfg.talent_origins[o]
            .destination
            .map(|d| &self.destinations[d]);
        match name {
            "origin_residents_persons" => self.origin_residents(o) as f64,
            "origin_intern_inflow_persons_per_q" => state.inflow_q[0] as f64,
            "origin_intern_inflow_share" => intern_inflow_share(state, dest),
            "origin_ssw_new_share" => ssw_new_share(state, dest),
            "origin_talent_destination_share" => state.destination_share,
            _ => f64::NAN,
        }
    }

    fn country_value(&self, name: &str, c: usize) -> f64 {
        let s = &self.countries[c];
        match name {
            "aid_gni_ratio" => s.aid_gni,
            "oda_net_received_usd_per_q" => s.oda_net_q,
            "oda_gross_received_usd_per_q" => s.oda_gross_q,
            "donor_hhi" => s.donor_hhi,
            "aid_volatility" => s.aid_volatility,
            "capacity_k" => s.capacity_k,
            "mean_productivity" => s.mean_productivity,
            "gdp_usd_per_year" => s.gdp_usd_per_year,
            "firm_output_usd_per_q" => s.firm_output_q,
            "direct_loss_usd_per_q" => s.direct_loss_q,
            "supplier_investment_usd_per_q" => s.supplier_investment_q,
            "public_capital_ratio" => s.public_capital_ratio,
            "expected_public_capital_ratio" => s.expected_public_capital_ratio,
            _ => f64::NAN,
        }
    }

    /// Appends this quarter's row. Without active partnerships, mean partnership trust is the
    /// pair trust and mean friction and the trouble share are 0.
    pub fn record(&self, cfg: &Config, out: &mut Vec<f64>) {
        for spec in CATALOGUE {
            match spec.scope {
                Scope::Pair => {
                    for p in 0..self.pairs.len() {
                        let v = self.pair_value(spec.name, p);
                        out.push(v);
                    }
                }
                Scope::Country => {
                    for c in 0..self.countries.len() {
                        if country_column_applies(cfg, spec.name, c) {
                            out.push(self.country_value(spec.name, c));
                        }
                    }
                }
                Scope::Origin => {
                    for o in 0..self.origins.len() {
                        if cfg.talent_origins[o].pair.is_none() {
                            out.push(self.origin_value(cfg, spec.name, o));
                        }
                    }
                }
            }
        }
    }
}
