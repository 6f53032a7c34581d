//! SM8 talent flows (M1–M3): places in the destination, applicants from every origin, matching,
//! transitions, missing people and returns, by cohort (origin × programme × entry quarter).
//!
//! **Places (demand).** Employers in destination d open, per quarter and programme k,
//! `D = δ_k/1000 · WAP_peak · (WAP_peak/WAP(t))^ε_L · ramp`, capped by the regime's cap and cut by
//! a border closure (a shock's `talent_inflow_cut` on any pair of the destination): the labour
//! shortage grows as the working-age population (data) falls below its peak. Programme rules come
//! by date from the destination's regimes (TITP from 1993, 3 → 5 years from Nov 2017, SSW from
//! Apr 2019 with the announced cap, ESD from Apr 2027 with employer mobility and a fee cap).
//!
//! **Applicants (supply).** Origin o sends
//! `S = σ P_o H(y_o) (w_d/w_o)^ε_w (N_o/P_o)^ε_D (1 − φ_fee b) (T/½)^ε_T`, where
//! `H(y) = exp(−ln²(y/y*)/(2s²))` is the mobility transition in the origin's income per capita
//! y_o (emigration first rises with income, then falls as home catches up: as Vietnam grows
//! towards y* and China beyond it, Vietnam's share of applicants rises), the wage ratio is in USD
//! (an exchange-rate shock on the destination lowers w_d), N_o the origin's residents in the
//! destination (the diaspora: migration costs fall with the network, Beine, Docquier & Özden
//! 2011), `b = C/(C + 4 w_o)` the cost burden of `C = min(fee, fee cap) + language_prep_q · w_o/4`,
//! and T country-pair trust (½ for competing origins, which have no firms).
//!
//! **Destination choice.** Would-be migrants choose to go, then where (nested logit, home the
//! outside option): S is scaled by `s^(1−λ)`, s the destination's share of the origin's people
//! among the foreign destinations against the origin's network there (`emigrants_elsewhere`);
//! see [`destination_share`]. λ = 1 (the default) is the plain logit and leaves S unscaled.
//!
//! **Matching.** Places and applicants meet in `M = D S/(D + S)` (den Haan, Ramey & Watson 2000,
//! with their parameter 1), S the sum over origins; origin o gets `M S_o/S`. Shares of origins are
//! outputs; the cost is linear in origins and allocates nothing. For SSW, interns completing their
//! stay who want to stay on (`intern_stay_on_share`) take places first, in proportion to their
//! numbers; the rest of the places go to applicants from abroad.
//!
//! **Stocks.** Each quarter a share `m = μ_m · 0.55 b (1 − mobility)` of every cohort goes missing
//! (0.55: share of trainees who borrowed for the fee, ISA 2022): debt relative to home income and
//! employers one cannot leave drive absconding, so the rate is an output. At the programme's
//! maximum stay a cohort completes: interns stay on as SSW if they get a place, students move to
//! a work visa (`student_to_work_share`, engineer status), the rest return home. Engineers have
//! no maximum stay and settle at `engineer_settle_per_q`; missing people go home at
//! `missing_return_per_q`. A longer maximum stay applies to people already abroad (the 2017
//! extension did); a shorter one only to cohorts that enter under it, those abroad finishing
//! under the rule they came with (as the transition from TITP to ESD provides).
//! Returnees (M3) carry skill `s_max (1 − exp(−stay/τ_s))`.
//!
//! People are whole numbers: expected flows are rounded stochastically from the cohort's own
//! stream, so expectations hold and people are conserved per origin:
//! departures + initial stock = abroad + missing + settled + returned. Cost O(cohorts alive).

use super::config::{Config, TalentProgramme, TalentRegime};
use super::params::TalentParams;
use super::rng::stochastic_round;
use super::time::Quarter;
use super::world::World;

const INTERN: usize = TalentProgramme::TechnicalIntern as usize;
const SSW: usize = TalentProgramme::SpecifiedSkilledWorker as usize;
const STUDENT: usize = TalentProgramme::Student as usize;
const ENGINEER: usize = TalentProgramme::Engineer as usize;

/// Share of trainees who borrowed to pay the fee (ISA survey 2021–22: 55 %).
pub const BORROWING_SHARE: f64 = 0.55;

/// The regime in force at `q`, if any has started.
pub fn regime_at(regimes: &[TalentRegime], q: Quarter) -> Option<&TalentRegime> {
    regimes.iter().rev().find(|r| r.from <= q)
}

/// The maximum stay of a cohort that entered under `at_entry` while `current` is in force
/// [quarters; 0 = no limit]: the longer of the two when both limit the stay.
pub fn cohort_max_stay_q(current: &TalentRegime, at_entry: Option<&TalentRegime>) -> u32 {
    match at_entry {
        Some(e) if current.max_stay_q > 0 && e.max_stay_q > 0 => {
            current.max_stay_q.max(e.max_stay_q)
        }
        _ => current.max_stay_q,
    }
}

/// Places per quarter before the cap: `δ/1000 · peak · (peak/wap)^ε_L`.
pub fn places_per_q(p: &TalentParams, programme: usize, wap: f64, wap_peak: f64) -> f64 {
    p.places_per_1000_working_age_q[programme] / 1000.0
        * wap_peak
        * (wap_peak / wap.max(1.0)).powf(p.shortage_elasticity)
}

/// Share of the regime's places open `since_q` quarters after it started (0 = its first quarter).
pub fn ramp_share(regime: &TalentRegime, since_q: i32) -> f64 {
    if regime.ramp_q == 0 {
        1.0
    } else {
        ((since_q as f64 + 1.0) / regime.ramp_q as f64).clamp(0.0, 1.0)
    }
}

/// C: money cost of going [USD]: the fee (under the legal cap) plus language preparation.
pub fn migration_cost_usd(fee_usd: f64, regime: &TalentRegime, origin_wage_usd: f64) -> f64 {
    let fee = regime.fee_cap_usd.map_or(fee_usd, |cap| fee_usd.min(cap));
    fee + regime.language_prep_q * origin_wage_usd / 4.0
}

/// b = C/(C + 4 w_o): the cost relative to four years of home income.
pub fn cost_burden(cost_usd: f64, origin_wage_usd: f64) -> f64 {
    cost_usd / (cost_usd + 4.0 * origin_wage_usd).max(1e-9)
}

/// H(y): the origin's propensity to emigrate at income per capita `income_usd`, 1 at the peak.
pub fn mobility_transition(p: &TalentParams, income_usd: f64) -> f64 {
    let z = (income_usd.max(1.0) / p.mobility_transition_peak_income_usd).ln();
    let s = p.mobility_transition_width_ln;
    (-z * z / (2.0 * s * s)).exp()
}

/// M1: applicants per quarter from one origin.
#[allow(clippy::too_many_arguments)]
pub fn applicants_per_q(
    p: &TalentParams,
    population: f64,
    income_usd: f64,
    wage_ratio: f64,
    diaspora: f64,
    burden: f64,
    trust: f64,
) -> f64 {
    let population = population.max(1.0);
    p.applicant_rate_per_q
        * population
        * mobility_transition(p, income_usd)
        * wage_ratio.max(0.0).powf(p.wage_elasticity)
        * (diaspora.max(1.0) / population).powf(p.diaspora_elasticity)
        * (1.0 - p.fee_weight * burden).max(0.0)
        * (trust / 0.5).max(0.0).powf(p.trust_elasticity)
}

/// The destination's share of the origin's would-be migrants within the nest of foreign
/// destinations, `s = 1/(1 + R^(1/λ))`, where `R = (ω fx)^ε_w (N_E/N_d)^ε_D (T/½)^(−ε_T)` is the
/// attraction of the alternative destinations relative to the destination: their wage, ω times
/// the destination's before its exchange-rate shock (`fx` > 1: its currency lost value); the
/// origin's network there N_E against its residents in the destination N_d; and the pair's
/// trust, which only the destination has. Fees cancel (the same burden either way).
pub fn destination_share(
    p: &TalentParams,
    fx_multiplier: f64,
    diaspora_here: f64,
    diaspora_elsewhere: f64,
    trust: f64,
) -> f64 {
    let relative_attraction = (p.alternative_wage_ratio * fx_multiplier).powf(p.wage_elasticity)
        * (diaspora_elsewhere.max(1.0) / diaspora_here.max(1.0)).powf(p.diaspora_elasticity)
        * (trust / 0.5).max(1e-9).powf(-p.trust_elasticity);
    1.0 / (1.0 + relative_attraction.powf(1.0 / p.destination_nest_dissimilarity))
}

/// Nested logit with home as the outside option: applicants to the destination are the
/// applicants it would draw alone times `s^(1−λ)` (McFadden 1978; with few emigrants the nest's
/// own choice probability is its inclusive value to the power λ).
pub fn destination_choice_factor(p: &TalentParams, share: f64) -> f64 {
    share.powf(1.0 - p.destination_nest_dissimilarity)
}

/// Matches of `places` and `applicants`: D S/(D + S).
pub fn matches(places: f64, applicants: f64) -> f64 {
    if places <= 0.0 || applicants <= 0.0 {
        0.0
    } else {
        places * applicants / (places + applicants)
    }
}

/// m: share of a cohort going missing per quarter.
pub fn missing_per_q(p: &TalentParams, burden: f64, employer_mobility: f64) -> f64 {
    (p.missing_hazard * BORROWING_SHARE * burden * (1.0 - employer_mobility)).clamp(0.0, 1.0)
}

/// M3: skill gained after `stay_q` quarters abroad.
pub fn skill_gain(p: &TalentParams, stay_q: f64) -> f64 {
    p.skill_gain_max * (1.0 - (-stay_q / p.skill_gain_time_q).exp())
}

/// What the supply of applicants reads of an origin's economy this quarter.
struct OriginEconomy {
    wage_usd_per_year: f64,
    population: f64,
    income_per_capita_usd: f64,
}

impl World {
    /// Origin o's wage [USD per year], population [persons] and income per capita [USD per
    /// person per year] this quarter.
    fn origin_economy(&self, cfg: &Config, o: usize) -> OriginEconomy {
        let oc = &cfg.talent_origins[o];
        match oc.pair {
            Some(pair) => {
                let c = &self.countries[cfg.pairs[pair.index()].partner.index()];
                OriginEconomy {
                    wage_usd_per_year: c.wage_usd_per_year,
                    population: c.population,
                    income_per_capita_usd: c.gni_per_capita,
                }
            }
            None => {
                let step = self.step as usize;
                OriginEconomy {
                    wage_usd_per_year: oc.wage_to_gdp_per_capita * oc.income_per_capita_usd[step],
                    population: oc.population[step],
                    income_per_capita_usd: oc.income_per_capita_usd[step],
                }
            }
        }
    }

    pub fn talent_flows(&mut self, cfg: &Config) {
        let step = self.step as usize;
        let q = cfg.quarter_of(self.step);
        let tp = &cfg.params.talent;
        for o in self.origins.iter_mut() {
            o.outflow_q = 0;
            o.inflow_q = [0; 4];
            o.transitions_q = [0; 4];
            o.completed_returns_q = [0; 4];
            o.missing_new_q = 0;
            o.returned_q = 0;
            o.returnee_skill_q = 0.0;
            o.applicants_q = [0.0; 4];
            o.stay_on_waiting = 0;
            o.stay_on_skill = 0.0;
            o.intern_missing_rate_q = 0.0;
            o.destination_share = 1.0;
        }
        for d in self.destinations.iter_mut() {
            *d = Default::default();
        }
        // 1. Ageing: missing, completion, transitions, settling.
        for o in 0..self.origins.len() {
            let oc = &cfg.talent_origins[o];
            let Some(d) = oc.destination else { continue };
            let dest = &cfg.talent_destinations[d];
            let wage_o = self.origin_economy(cfg, o).wage_usd_per_year;
            let ssw_open =
                regime_at(&dest.regimes[SSW], q).is_some() && oc.programmes[SSW].is_some();
            let engineers_open = oc.programmes[ENGINEER].is_some();
            for k in 0..4 {
                let Some(op) = &oc.programmes[k] else {
                    continue;
                };
                let Some(regime) = regime_at(&dest.regimes[k], q).or(dest.regimes[k].first())
                else {
                    continue;
                };
                let burden = cost_burden(migration_cost_usd(op.fee_usd, regime, wage_o), wage_o);
                let m = missing_per_q(tp, burden, regime.employer_mobility);
                let state = &mut self.origins[o];
                let stock = &mut state.talent[k];
                let abroad_at_start = stock.abroad;
                let (mut missing_new, mut settled_new, mut home, mut moved_on) = (0u64, 0, 0, 0);
                let mut home_skill = 0.0;
                let mut waiting_skill = 0.0;
                let mut waiting = 0u64;
                let mut oldest_alive = step;
                for v in stock.oldest..step {
                    let n = stock.vintages[v];
                    if n == 0 {
                        continue;
                    }
                    let age = (step - v) as u32;
                    let cohort_id = (((o * 4 + k) as u32) << 12) | (v as u32 & 0xFFF);
                    let (u1, u2) = self.streams.talent.uniform_pair(self.step, cohort_id);
                    let missing = stochastic_round(n as f64 * m, u1).min(n);
                    let mut left = n - missing;
                    missing_new += missing;
                    let entered_under = regime_at(&dest.regimes[k], cfg.quarter_of(v as u32));
                    let max_stay = cohort_max_stay_q(regime, entered_under);
                    if max_stay > 0 && age >= max_stay {
                        let skill = skill_gain(tp, age as f64);
                        let share = match k {
                            INTERN if ssw_open => tp.intern_stay_on_share,
                            STUDENT if engineers_open => tp.student_to_work_share,
                            _ => 0.0,
                        };
                        let staying = stochastic_round(left as f64 * share, u2).min(left);
                        if k == INTERN {
                            waiting += staying;
                            waiting_skill += staying as f64 * skill;
                        } else {
                            moved_on += staying;
                        }
                        home += left - staying;
                        home_skill += (left - staying) as f64 * skill;
                        left = 0;
                    } else if k == ENGINEER {
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
                stock.abroad -= missing_new + settled_new + home + moved_on + waiting;
                state.missing += missing_new;
                state.missing_new_q += missing_new;
                if k == INTERN {
                    state.intern_missing_rate_q = if abroad_at_start > 0 {
                        missing_new as f64 / abroad_at_start as f64
                    } else {
                        0.0
                    };
                }
                state.settled += settled_new;
                state.completed_returns_q[k] += home;
                state.returned_q += home;
                state.returned_cum += home;
                state.returnee_skill_q += home_skill;
                state.stay_on_waiting += waiting;
                state.stay_on_skill += waiting_skill;
                if moved_on > 0 {
                    let eng = &mut state.talent[ENGINEER];
                    eng.vintages[step] += moved_on;
                    eng.abroad += moved_on;
                    state.transitions_q[ENGINEER] += moved_on;
                    self.destinations[d].transitions_q[ENGINEER] += moved_on;
                }
            }
        }
        // 2. Places and matching, destination by destination.
        for d in 0..cfg.talent_destinations.len() {
            let dest = &cfg.talent_destinations[d];
            let wap = dest.working_age_population[step];
            let wage_d = self.countries[dest.country.index()].wage_usd_per_year;
            let fx_d = self.countries[dest.country.index()].fx_multiplier;
            let closure = (0..cfg.pairs.len())
                .filter(|&p| cfg.talent_origins[p].destination == Some(d))
                .map(|p| self.pairs[p].talent_inflow_cut)
                .fold(0.0, f64::max);
            for k in 0..4 {
                let Some(regime) = regime_at(&dest.regimes[k], q) else {
                    continue;
                };
                let mut places = places_per_q(tp, k, wap, dest.working_age_peak)
                    * ramp_share(regime, q.since(regime.from))
                    * (1.0 - closure);
                if let Some(cap) = regime.cap_per_q {
                    places = places.min(cap);
                }
                self.destinations[d].places_q[k] = places;
                if k == SSW {
                    let willing: u64 = (0..self.origins.len())
                        .filter(|&o| cfg.talent_origins[o].destination == Some(d))
                        .map(|o| self.origins[o].stay_on_waiting)
                        .sum();
                    let taken = (willing as f64).min(places.max(0.0));
                    let mut placed = 0u64;
                    for o in 0..self.origins.len() {
                        if cfg.talent_origins[o].destination != Some(d) {
                            continue;
                        }
                        let state = &mut self.origins[o];
                        let w = state.stay_on_waiting;
                        if w == 0 {
                            continue;
                        }
                        let u = self.streams.talent.uniform(self.step, (1 << 29) | o as u32);
                        let t = stochastic_round(w as f64 * taken / willing as f64, u).min(w);
                        let stock = &mut state.talent[SSW];
                        stock.vintages[step] += t;
                        stock.abroad += t;
                        state.transitions_q[SSW] += t;
                        placed += t;
                    }
                    self.destinations[d].transitions_q[SSW] += placed;
                    places = (places - placed as f64).max(0.0);
                }
                let mut total_applicants = 0.0;
                for o in 0..self.origins.len() {
                    let oc = &cfg.talent_origins[o];
                    if oc.destination != Some(d) {
                        continue;
                    }
                    let Some(op) = &oc.programmes[k] else {
                        continue;
                    };
                    let economy = self.origin_economy(cfg, o);
                    let wage_o = economy.wage_usd_per_year;
                    let trust = oc.pair.map_or(0.5, |p| self.pairs[p.index()].pair_trust);
                    let burden =
                        cost_burden(migration_cost_usd(op.fee_usd, regime, wage_o), wage_o);
                    let diaspora = self.origin_residents(o) as f64;
                    let choice = match oc.emigrants_elsewhere.get(step) {
                        Some(&elsewhere) => {
                            let share = destination_share(tp, fx_d, diaspora, elsewhere, trust);
                            self.origins[o].destination_share = share;
                            destination_choice_factor(tp, share)
                        }
                        None => 1.0,
                    };
                    let s = choice
                        * applicants_per_q(
                            tp,
                            economy.population,
                            economy.income_per_capita_usd,
                            wage_d / wage_o.max(1.0),
                            diaspora,
                            burden,
                            trust,
                        );
                    self.origins[o].applicants_q[k] = s;
                    total_applicants += s;
                }
                let matched = matches(places, total_applicants);
                let mut entered = 0u64;
                for o in 0..self.origins.len() {
                    if cfg.talent_origins[o].destination != Some(d) {
                        continue;
                    }
                    let state = &mut self.origins[o];
                    let s = state.applicants_q[k];
                    if s <= 0.0 {
                        continue;
                    }
                    let u = self
                        .streams
                        .talent
                        .uniform(self.step, (1 << 31) | (o * 4 + k) as u32);
                    let n = stochastic_round(matched * s / total_applicants, u);
                    let stock = &mut state.talent[k];
                    stock.vintages[step] += n;
                    stock.abroad += n;
                    state.inflow_q[k] += n;
                    state.outflow_q += n;
                    state.departed_cum += n;
                    entered += n;
                }
                self.destinations[d].inflow_q[k] += entered;
            }
        }
        // 3. Interns who wanted to stay on without a place, and missing people, go home.
        for (o, state) in self.origins.iter_mut().enumerate() {
            let placed = state.transitions_q[SSW];
            let unplaced = state.stay_on_waiting - placed;
            let skill_share = if state.stay_on_waiting > 0 {
                unplaced as f64 / state.stay_on_waiting as f64
            } else {
                0.0
            };
            state.completed_returns_q[INTERN] += unplaced;
            state.returned_q += unplaced;
            state.returned_cum += unplaced;
            state.returnee_skill_q += state.stay_on_skill * skill_share;
            let u = self.streams.talent.uniform(self.step, (1 << 30) | o as u32);
            let back = stochastic_round(state.missing as f64 * tp.missing_return_per_q, u)
                .min(state.missing);
            state.missing -= back;
            state.missing_returned_cum += back;
            state.returned_q += back;
        }
    }

    /// People of an origin in its destination: all programmes, missing and settled.
    pub fn origin_residents(&self, origin: usize) -> u64 {
        let p = &self.origins[origin];
        p.talent.iter().map(|s| s.abroad).sum::<u64>() + p.missing + p.settled
    }

    /// People of the pair's partner country in the donor country.
    pub fn residents(&self, pair: usize) -> u64 {
        self.origin_residents(pair)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn regime() -> TalentRegime {
        TalentRegime {
            from: Quarter::new(1993, 1),
            name: "titp".into(),
            max_stay_q: 12,
            cap_per_q: None,
            employer_mobility: 0.0,
            fee_cap_usd: None,
            language_prep_q: 0.0,
            ramp_q: 0,
        }
    }

    fn params() -> TalentParams {
        TalentParams {
            places_per_1000_working_age_q: [0.5, 0.1, 0.1, 0.1],
            shortage_elasticity: 2.0,
            applicant_rate_per_q: 0.01,
            wage_elasticity: 1.0,
            diaspora_elasticity: 0.5,
            trust_elasticity: 0.5,
            fee_weight: 0.5,
            missing_hazard: 0.1,
            mobility_transition_peak_income_usd: 3000.0,
            mobility_transition_width_ln: 1.2,
            ..TalentParams::default()
        }
    }

    #[test]
    fn places_grow_with_the_labour_shortage_as_worked_out_by_hand() {
        let p = params();
        // Peak 80 m, now 80 m: 0.5/1000 · 80e6 = 40,000.
        assert!((places_per_q(&p, 0, 80e6, 80e6) - 40_000.0).abs() < 1e-6);
        // Now 64 m: (80/64)^2 = 1.5625 → 62,500.
        assert!((places_per_q(&p, 0, 64e6, 80e6) - 62_500.0).abs() < 1e-6);
        // A ramp of 4 quarters: ¼ open in its first quarter, all from the fourth.
        let r = TalentRegime {
            ramp_q: 4,
            ..regime()
        };
        assert_eq!(ramp_share(&r, 0), 0.25);
        assert_eq!(ramp_share(&r, 3), 1.0);
        assert_eq!(ramp_share(&regime(), 0), 1.0);
    }

    #[test]
    fn a_shorter_stay_binds_only_cohorts_that_enter_under_it() {
        let five_years = TalentRegime {
            max_stay_q: 20,
            ..regime()
        };
        let three_years = regime();
        let unlimited = TalentRegime {
            max_stay_q: 0,
            ..regime()
        };
        // 5 → 3 years: people who came under the 5-year rule keep 20 quarters.
        assert_eq!(cohort_max_stay_q(&three_years, Some(&five_years)), 20);
        // 3 → 5 years: everybody abroad gets the extension.
        assert_eq!(cohort_max_stay_q(&five_years, Some(&three_years)), 20);
        assert_eq!(cohort_max_stay_q(&three_years, Some(&three_years)), 12);
        assert_eq!(cohort_max_stay_q(&three_years, None), 12);
        // No limit now: none; a limit now after none at entry: the limit.
        assert_eq!(cohort_max_stay_q(&unlimited, Some(&five_years)), 0);
        assert_eq!(cohort_max_stay_q(&three_years, Some(&unlimited)), 12);
    }

    #[test]
    fn costs_respect_the_fee_cap_and_add_language_preparation() {
        // Fee 6,000 under a 3,600 cap, 2 quarters of a 4,000 USD/yr wage: 3,600 + 2,000 = 5,600.
        let r = TalentRegime {
            fee_cap_usd: Some(3600.0),
            language_prep_q: 2.0,
            ..regime()
        };
        assert!((migration_cost_usd(6000.0, &r, 4000.0) - 5600.0).abs() < 1e-9);
        // b = 5,600/(5,600 + 16,000) = 0.259259…
        assert!((cost_burden(5600.0, 4000.0) - 5600.0 / 21_600.0).abs() < 1e-12);
        assert_eq!(migration_cost_usd(6000.0, &regime(), 4000.0), 6000.0);
    }

    #[test]
    fn applicants_follow_wage_network_costs_and_trust_as_worked_out_by_hand() {
        let p = params();
        // P = 1e8, ratio 10, diaspora 1e6 (share 0.01 → √ = 0.1), b = 0, trust ½:
        // 0.01 · 1e8 · 10 · 0.1 = 1e6.
        let base = applicants_per_q(&p, 1e8, 3000.0, 10.0, 1e6, 0.0, 0.5);
        assert!((base - 1e6).abs() < 1e-3);
        // Yen 20 % weaker: ratio 8 → 8e5 (ε_w = 1).
        assert!((applicants_per_q(&p, 1e8, 3000.0, 8.0, 1e6, 0.0, 0.5) - 8e5).abs() < 1e-3);
        // Diaspora ×4: √4 = 2 → 2e6.
        assert!((applicants_per_q(&p, 1e8, 3000.0, 10.0, 4e6, 0.0, 0.5) - 2e6).abs() < 1e-3);
        // Burden 0.4: 1 − 0.5·0.4 = 0.8 → 8e5.
        assert!((applicants_per_q(&p, 1e8, 3000.0, 10.0, 1e6, 0.4, 0.5) - 8e5).abs() < 1e-3);
        // Trust 0.72: √1.44 = 1.2 → 1.2e6.
        assert!((applicants_per_q(&p, 1e8, 3000.0, 10.0, 1e6, 0.0, 0.72) - 1.2e6).abs() < 1e-3);
    }

    #[test]
    fn the_mobility_transition_peaks_at_its_income_and_falls_on_both_sides_by_hand() {
        let p = params();
        // y* = 3,000, s = 1.2 (the test values): H(y*) = 1.
        assert_eq!(mobility_transition(&p, 3000.0), 1.0);
        // One s above and below in log income: exp(−½) = 0.60653.
        let one_s = 1.2f64.exp();
        assert!((mobility_transition(&p, 3000.0 * one_s) - (-0.5f64).exp()).abs() < 1e-12);
        assert!((mobility_transition(&p, 3000.0 / one_s) - (-0.5f64).exp()).abs() < 1e-12);
        // 1,000 USD: ln²(1/3) = 1.20695, /2.88 = 0.41908 → 0.65765.
        assert!((mobility_transition(&p, 1000.0) - 0.65765).abs() < 1e-5);
        // Applicants scale with H: 1e6 at the peak, 1e6 · e^(−½) one s above it.
        let above = applicants_per_q(&p, 1e8, 3000.0 * one_s, 10.0, 1e6, 0.0, 0.5);
        assert!((above - 1e6 * (-0.5f64).exp()).abs() < 1e-3);
        // A narrower hump lowers an origin far from the peak: s = 0.6 at 1,000 USD → 0.18706.
        let narrow = TalentParams {
            mobility_transition_width_ln: 0.6,
            ..p
        };
        assert!((mobility_transition(&narrow, 1000.0) - 0.18706).abs() < 1e-5);
    }

    #[test]
    fn the_destination_share_weighs_wages_networks_and_trust_against_the_alternatives_by_hand() {
        let p = TalentParams {
            alternative_wage_ratio: 0.5,
            destination_nest_dissimilarity: 0.5,
            ..params()
        };
        // ω 0.5, network elsewhere 4× the one here (√4 = 2), trust ½: R = 1, s = 1/(1 + 1²) = ½,
        // and applicants are scaled by ½^(1 − ½) = 0.70711.
        let s = destination_share(&p, 1.0, 10_000.0, 40_000.0, 0.5);
        assert!((s - 0.5).abs() < 1e-12);
        assert!((destination_choice_factor(&p, s) - 0.5f64.sqrt()).abs() < 1e-12);
        // The yen loses a fifth of its dollar value (fx 1.25): the alternatives' wage is
        // relatively higher, R = 0.625 · 2 = 1.25, s = 1/(1 + 1.5625) = 0.390244.
        let weak_yen = destination_share(&p, 1.25, 10_000.0, 40_000.0, 0.5);
        assert!((weak_yen - 1.0 / 2.5625).abs() < 1e-12);
        // Trust 0.72 only helps the destination: R = 1/√1.44 = 0.8333, s = 1/(1 + 0.69444).
        let trusted = destination_share(&p, 1.0, 10_000.0, 40_000.0, 0.72);
        assert!((trusted - 1.0 / (1.0 + 1.0 / 1.44)).abs() < 1e-12);
        // The network here grows to match the one elsewhere: R = ½, s = 1/(1 + ¼) = 0.8.
        assert!((destination_share(&p, 1.0, 40_000.0, 40_000.0, 0.5) - 0.8).abs() < 1e-12);
        // λ = 1 is a plain logit: the share is 1/(1 + R) but applicants are not scaled.
        let logit = TalentParams {
            destination_nest_dissimilarity: 1.0,
            ..p
        };
        assert!((destination_share(&logit, 1.0, 10_000.0, 40_000.0, 0.5) - 0.5).abs() < 1e-12);
        assert_eq!(destination_choice_factor(&logit, 0.3), 1.0);
        // Closer substitutes (λ = 0.25) concentrate people on the better destination:
        // R = ½ gives s = 1/(1 + 1/16) = 0.94118, R = 2 gives 1/17 = 0.05882.
        let close = TalentParams {
            destination_nest_dissimilarity: 0.25,
            ..p
        };
        assert!(
            (destination_share(&close, 1.0, 40_000.0, 40_000.0, 0.5) - 16.0 / 17.0).abs() < 1e-12
        );
        assert!(
            (destination_share(&close, 1.0, 10_000.0, 160_000.0, 0.5) - 1.0 / 17.0).abs() < 1e-12
        );
    }

    #[test]
    fn matching_is_bounded_by_places_and_by_applicants() {
        // 100 places, 300 applicants: 100·300/400 = 75.
        assert_eq!(matches(100.0, 300.0), 75.0);
        assert_eq!(matches(0.0, 300.0), 0.0);
        assert_eq!(matches(100.0, 0.0), 0.0);
        assert!(matches(100.0, 1e12) < 100.0 && matches(100.0, 1e12) > 99.99);
    }

    #[test]
    fn missing_rises_with_debt_and_vanishes_with_employer_mobility() {
        let p = params();
        // μ 0.1 · 0.55 · b 0.3 = 0.0165 per quarter.
        assert!((missing_per_q(&p, 0.3, 0.0) - 0.0165).abs() < 1e-12);
        // Half of workers may change employer: 0.00825.
        assert!((missing_per_q(&p, 0.3, 0.5) - 0.00825).abs() < 1e-12);
        assert_eq!(missing_per_q(&p, 0.3, 1.0), 0.0);
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
