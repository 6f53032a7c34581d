//! Aid → public capital (MODEL.md v2 channel "aid reaches the economy").
//!
//! Perpetual-inventory stocks per country, in USD: capital that domestic public investment
//! builds, and capital that aid builds. Each quarter
//! - domestic investment `I_dom = e(K_c) · τ_c · Y_c/4` (τ_c the country's public-investment share
//!   of GDP, data; Y_c the exogenous GDP path, so an exchange-rate shock does not destroy roads);
//! - aid investment `I_aid = e(K_c) · ι · ODA_gross`, with `e(K) = e₀ + (1 − e₀) K`:
//!   implementation capacity decides how much public spending, domestic or aid-financed, becomes
//!   usable capital (efficiency-adjusted public capital: Gupta, Kangur, Papageorgiou & Wane 2014);
//! - each enters a work-in-progress stock that completes at rate 1/T_b (mean time to build T_b),
//!   and completed capital depreciates at δ_G:
//!   `W ← W (1 − 1/T_b) + I`, `G ← G (1 − δ_G) + W/T_b` (completion uses last quarter's W).
//!
//! Programmes the host funds (`funded_by = "host"`) come out of its public investment: a stock
//! G_forgone, built like the others from their cost, is what that spending did not build. The
//! reference G_ref is what domestic investment builds at the initial capacity `e(K₀) τ Y/4`.
//!
//! What firms and investors read:
//! - the ratio `r = (G_dom − G_forgone + G_aid)/G_ref`: public capital relative to what domestic
//!   investment at the initial capacity would have built. Firms' productivity is multiplied by
//!   `r^α_G` (α_G the output elasticity of public capital), so a cut lowers output with the lag of
//!   building and decay, and capacity raises it through every public investment — so capacity
//!   built by co-creation does not make the host more dependent on aid;
//! - the expected ratio `r̂ = (G_dom + W_dom − G_forgone − W_forgone + G_aid + W_aid + e(K) ι P)
//!   /(G_ref + W_ref)`, P the country's undisbursed aid pipeline: investors look ahead, so a
//!   suspension of new commitments or a cut lowers FDI entry (`θ_G ln r̂` in I1) before any road
//!   goes unbuilt.
//!
//! Units: USD, quarters. Initial state: the domestic and reference stocks at their steady state on the first
//! 20 quarters' trend growth, aid stocks empty (aid-built capital from before the horizon is not
//! known). Cost O(C + D·C) per step.

use super::config::{Config, CountryConfig, CountryId, Funder};
use super::institutions::programme_running;
use super::params::PublicCapitalParams;
use super::world::{CountryState, World};

/// `e(K)`: share of public spending (aid-financed or domestic) that becomes usable capital.
pub fn investment_efficiency(p: &PublicCapitalParams, k: f64) -> f64 {
    p.efficiency_at_k0 + (1.0 - p.efficiency_at_k0) * k.clamp(0.0, 1.0)
}

/// One quarter of one (work in progress, capital) pair of stocks. Returns the new (W, G).
pub fn build_and_depreciate(
    p: &PublicCapitalParams,
    wip: f64,
    capital: f64,
    investment: f64,
) -> (f64, f64) {
    let completed = wip / p.time_to_build_q;
    (
        wip - completed + investment,
        capital * (1.0 - p.depreciation_per_q) + completed,
    )
}

/// Trend growth of a GDP path over its first 20 quarters [log points per quarter], in [0, 0.05].
fn trend_growth_per_q(gdp: &[f64]) -> f64 {
    let n = gdp.len().saturating_sub(1).min(20);
    if n == 0 || gdp[0] <= 0.0 {
        return 0.0;
    }
    ((gdp[n] / gdp[0]).ln() / n as f64).clamp(0.0, 0.05)
}

/// The country state's public-capital stocks at the start (domestic at its steady state).
pub fn initial_stocks(p: &PublicCapitalParams, c: &CountryConfig) -> CountryState {
    let investment = c.public_investment_gdp_share * c.gdp_usd_per_year[0] / 4.0;
    let growth = trend_growth_per_q(&c.gdp_usd_per_year);
    let usable = investment_efficiency(p, c.capacity_initial) * investment;
    CountryState {
        public_wip_dom_usd: usable * p.time_to_build_q,
        public_capital_dom_usd: usable / (p.depreciation_per_q + growth),
        public_wip_ref_usd: usable * p.time_to_build_q,
        public_capital_ref_usd: usable / (p.depreciation_per_q + growth),
        ..Default::default()
    }
}

impl World {
    /// Phase 3b: public capital from domestic investment and aid disbursed this quarter.
    pub fn public_capital(&mut self, cfg: &Config) {
        let p = &cfg.params.public_capital;
        let step = self.step as usize;
        for (c, country) in self.countries.iter_mut().enumerate() {
            let cc = &cfg.countries[c];
            let pipeline: f64 = self
                .donors
                .iter()
                .flat_map(|d| d.channels.iter())
                .filter(|ch| ch.recipient.index() == c)
                .map(|ch| ch.pipeline_total_usd())
                .sum();
            let efficiency = investment_efficiency(p, country.capacity_k);
            let aid_share = efficiency * p.aid_infrastructure_share;
            // Programmes the host funds come out of its public investment (capped by it).
            let host_programmes: f64 = cfg
                .programmes
                .iter()
                .filter(|pr| pr.funder == Funder::Host(CountryId(c as u16)))
                .filter(|pr| programme_running(pr, cfg.quarter_of(self.step)))
                .map(|pr| pr.cost_usd_per_q)
                .sum();
            let public_investment =
                cc.public_investment_gdp_share * cc.gdp_usd_per_year[step] / 4.0;
            let host_programmes = host_programmes.min(public_investment);
            self.ledger.programmes_host_usd += host_programmes;
            (country.public_wip_dom_usd, country.public_capital_dom_usd) = build_and_depreciate(
                p,
                country.public_wip_dom_usd,
                country.public_capital_dom_usd,
                efficiency * public_investment,
            );
            // The reference: the same spending at the initial capacity.
            (country.public_wip_ref_usd, country.public_capital_ref_usd) = build_and_depreciate(
                p,
                country.public_wip_ref_usd,
                country.public_capital_ref_usd,
                investment_efficiency(p, cc.capacity_initial) * public_investment,
            );
            // What the host's programme spending did not build, against the same reference.
            (
                country.public_wip_forgone_usd,
                country.public_capital_forgone_usd,
            ) = build_and_depreciate(
                p,
                country.public_wip_forgone_usd,
                country.public_capital_forgone_usd,
                efficiency * host_programmes,
            );
            let forgone = country.public_capital_forgone_usd;
            let forgone_ahead = forgone + country.public_wip_forgone_usd;
            (country.public_wip_aid_usd, country.public_capital_aid_usd) = build_and_depreciate(
                p,
                country.public_wip_aid_usd,
                country.public_capital_aid_usd,
                aid_share * country.oda_gross_q,
            );
            let dom = country.public_capital_dom_usd;
            let dom_ahead = dom + country.public_wip_dom_usd;
            let reference = country.public_capital_ref_usd;
            let reference_ahead = reference + country.public_wip_ref_usd;
            country.public_capital_ratio = if reference > 0.0 {
                (dom - forgone + country.public_capital_aid_usd) / reference
            } else {
                1.0
            };
            country.expected_public_capital_ratio = if reference_ahead > 0.0 {
                (dom_ahead - forgone_ahead
                    + country.public_capital_aid_usd
                    + country.public_wip_aid_usd
                    + aid_share * pipeline)
                    / reference_ahead
            } else {
                1.0
            };
            country.public_capital_multiplier =
                country.public_capital_ratio.powf(p.output_elasticity);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn efficiency_rises_linearly_with_capacity() {
        let p = PublicCapitalParams::default();
        // e₀ 0.4: K 0.5 → 0.4 + 0.6·0.5 = 0.7
        assert!((investment_efficiency(&p, 0.5) - 0.7).abs() < 1e-12);
        assert_eq!(investment_efficiency(&p, 1.5), 1.0);
    }

    #[test]
    fn spending_becomes_capital_after_the_time_to_build() {
        let p = PublicCapitalParams::default();
        // T_b 8, δ 0.01. Spend 100 once: W = 100; next quarter 12.5 completes.
        let (w, g) = build_and_depreciate(&p, 0.0, 0.0, 100.0);
        assert_eq!((w, g), (100.0, 0.0));
        let (w, g) = build_and_depreciate(&p, w, g, 0.0);
        assert!((w - 87.5).abs() < 1e-12 && (g - 12.5).abs() < 1e-12);
        // Then 87.5/8 = 10.9375 completes and 12.5 depreciates by 1 %: 12.375 + 10.9375.
        let (_, g) = build_and_depreciate(&p, w, g, 0.0);
        assert!((g - 23.3125).abs() < 1e-12, "{g}");
    }

    #[test]
    fn steady_state_of_constant_investment_is_investment_over_depreciation() {
        let p = PublicCapitalParams::default();
        let (mut w, mut g) = (0.0, 0.0);
        for _ in 0..3000 {
            (w, g) = build_and_depreciate(&p, w, g, 1.0);
        }
        assert!((w - 8.0).abs() < 1e-9, "{w}");
        assert!((g - 100.0).abs() < 1e-6, "{g}");
    }
}
