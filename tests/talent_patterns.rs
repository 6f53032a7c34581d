//! Talent-flow patterns (issue 9; domain notes §4.2, P10) on the default Vietnam–Japan replay cut
//! at 2024Q4, one replication, common random numbers (same seed and replication in both arms).
//! The people invariants (every origin and programme) are checked after every step by
//! `run_replication`.
//!
//! | test | pattern | role |
//! |---|---|---|
//! | `a_yen_depreciation_lowers_vietnamese_departures` | P10: outflows fall after a yen depreciation | validation (fails under the calibrated defaults, ignored with the figure) |
//! | `lower_fees_raise_vietnamese_interns_and_lower_missing` | documented direction of the fee | validation |
//! | `a_tighter_ssw_cap_lowers_skilled_workers` | documented direction of the cap | validation |
//! | `p10_ssw_come_through_the_intern_programme_in_their_first_years` | P10 | validation |
//! | `p10_vietnamese_intern_missing_rate_is_about_three_percent_a_year` | P10 missing ≈ 3 %/yr | validation of the Vietnamese rate; `missing_hazard` was hand-set, so it is close to calibration |
//! | `p10_vietnam_supplies_half_of_new_interns_and_skilled_workers` | P10 shares | validation (fails, ignored with the figure) |
//! | `more_returnees_lower_the_friction_of_new_partnerships` | return-with-skill channel: more returns, lower friction of new partnerships | validation |
//! | `more_returnees_lower_the_trouble_share` | return-with-skill channel reaches the trouble share | validation (fails under the calibrated defaults, ignored with the figure) |
//! | `every_origins_share_of_new_interns_and_ssw_adds_up_to_one` | origin indicators are consistent | accounting |
//! | `the_esd_rule_phases_in_without_sending_interns_home_at_once` | a shorter stay binds new cohorts only | validation (documented transition) |
//! | `vietnams_share_of_new_interns_rises_as_its_income_nears_the_mobility_peak` | documented direction of the mobility transition | validation |
//! | `the_plain_logit_ignores_the_networks_elsewhere` | λ = 1 leaves applicants unscaled | accounting |
//! | `substitutable_destinations_raise_vietnams_share_and_lower_indonesias_residents` | documented direction of destination choice (λ = 0.5) | validation |
//! | `a_larger_network_elsewhere_lowers_departures_when_destinations_substitute` | documented direction of the network elsewhere | validation |
//!
//! Calibration targets of the talent parameters: the Vietnamese residents in Japan (2006–2015,
//! ISA) and the UN DESA stocks in Japan of China, the Philippines and Indonesia (2000–2019),
//! fitted jointly by `scenarios/calibration/talent_origins_all_years.toml`. Vietnam's shares of new
//! interns and SSW (P10) and every pattern above are not among them.

use kizuna::model::sim::{Counterfactuals, run_replication_with};
use kizuna::model::time::Quarter;
use kizuna::model::{Config, Series};

fn default_cut() -> Config {
    let mut cfg = kizuna::scenario::load::load(Some("vietnam_japan"), &[])
        .expect("built-in loads")
        .config;
    cfg.end = Quarter::new(2024, 4);
    cfg
}

fn run(cfg: &Config) -> Series {
    run_replication_with(cfg, 0, &Counterfactuals::None)
        .expect("invariants hold")
        .series
}

fn column(s: &Series, name: &str) -> Vec<f64> {
    s.column(
        s.column_index(name)
            .unwrap_or_else(|| panic!("no column {name}")),
    )
}

/// Sum of a column over the quarters from `from` to `to` (inclusive).
fn sum(cfg: &Config, s: &Series, name: &str, from: Quarter, to: Quarter) -> f64 {
    let c = column(s, name);
    let (a, b) = (cfg.step_of(from).unwrap(), cfg.step_of(to).unwrap());
    c[a as usize..=b as usize].iter().sum()
}

fn mean(cfg: &Config, s: &Series, name: &str, from: Quarter, to: Quarter) -> f64 {
    let n = (to.since(from) + 1) as f64;
    sum(cfg, s, name, from, to) / n
}

#[test]
#[ignore = "fails since the talent calibration across origins (λ = 0.73): Vietnamese departures \
            2012–13 are 45,688 with the 2012 weak-yen shock against 45,125 without. Intern places \
            bind, and a weaker yen takes most applicants from origins with large networks \
            elsewhere (Indonesia), so Vietnam's share of the places rises (docs/EXPERIMENTS.md, \
            talent); demand in Japan does not respond to the yen enough to offset it"]
fn a_yen_depreciation_lowers_vietnamese_departures() {
    let base = default_cut();
    let mut shocked = base.clone();
    let mut yen = shocked
        .shocks
        .iter()
        .find(|s| s.id == "weak_yen_2022")
        .expect("the default has a weak-yen shock")
        .clone();
    yen.id = "weak_yen_2012".into();
    yen.start = Quarter::new(2012, 1);
    shocked.shocks.push(yen);
    let (a, b) = (Quarter::new(2012, 1), Quarter::new(2013, 4));
    let name = "talent_outflow_persons_per_q.VNM-JPN";
    let before = sum(&base, &run(&base), name, a, b);
    let after = sum(&shocked, &run(&shocked), name, a, b);
    assert!(
        after < before,
        "departures 2012–13 with a weaker yen {after} vs {before}"
    );
}

#[test]
fn lower_fees_raise_vietnamese_interns_and_lower_missing() {
    let base = default_cut();
    let mut cheap = base.clone();
    cheap.talent_origins[0].programmes[0]
        .as_mut()
        .expect("Vietnam sends interns")
        .fee_usd = 2000.0;
    let (a, b) = (Quarter::new(2006, 1), Quarter::new(2015, 4));
    let (sb, sc) = (run(&base), run(&cheap));
    let inflow = "intern_inflow_persons_per_q.VNM-JPN";
    let missing = "intern_missing_rate_per_year.VNM-JPN";
    assert!(sum(&cheap, &sc, inflow, a, b) > sum(&base, &sb, inflow, a, b));
    assert!(mean(&cheap, &sc, missing, a, b) < mean(&base, &sb, missing, a, b));
}

#[test]
fn a_tighter_ssw_cap_lowers_skilled_workers() {
    let base = default_cut();
    let mut capped = base.clone();
    let dest = &mut capped.talent_destinations[0];
    for r in dest.regimes[1].iter_mut() {
        r.cap_per_q = Some(500.0);
    }
    let q = Quarter::new(2024, 4);
    let name = "ssw_persons.VNM-JPN";
    let with_cap = sum(&capped, &run(&capped), name, q, q);
    let without = sum(&base, &run(&base), name, q, q);
    assert!(
        with_cap < without,
        "SSW 2024 capped {with_cap} vs {without}"
    );
}

#[test]
fn p10_ssw_come_through_the_intern_programme_in_their_first_years() {
    let cfg = default_cut();
    let s = run(&cfg);
    let via = sum(
        &cfg,
        &s,
        "intern_to_ssw_persons_per_q.VNM-JPN",
        Quarter::new(2019, 2),
        Quarter::new(2021, 4),
    );
    let direct = sum(
        &cfg,
        &s,
        "ssw_inflow_persons_per_q.VNM-JPN",
        Quarter::new(2019, 2),
        Quarter::new(2021, 4),
    );
    assert!(via > 0.0);
    assert!(
        via / (via + direct) > 0.8,
        "via interns {via}, direct {direct}"
    );
}

#[test]
fn p10_vietnamese_intern_missing_rate_is_about_three_percent_a_year() {
    let cfg = default_cut();
    let s = run(&cfg);
    let rate = mean(
        &cfg,
        &s,
        "intern_missing_rate_per_year.VNM-JPN",
        Quarter::new(2021, 1),
        Quarter::new(2023, 4),
    );
    assert!((0.025..=0.037).contains(&rate), "rate {rate}");
}

#[test]
#[ignore = "fails: Vietnam's share of new interns 2019–2023 is 0.22 and of new SSW 0.20 in the \
            default replay with the talent parameters calibrated across origins (this test, \
            --ignored --nocapture; 0.11 and 0.10 before); the Philippines take 0.33 of new interns \
            (docs/MODEL_NOTES.md, talent fit)"]
fn p10_vietnam_supplies_half_of_new_interns_and_skilled_workers() {
    let cfg = default_cut();
    let s = run(&cfg);
    let (a, b) = (Quarter::new(2019, 1), Quarter::new(2023, 4));
    let interns = mean(&cfg, &s, "intern_inflow_share.VNM-JPN", a, b);
    let ssw = mean(&cfg, &s, "ssw_new_share.VNM-JPN", a, b);
    eprintln!("Vietnam's share 2019–2023: new interns {interns}, new SSW {ssw}");
    assert!((0.5..=0.6).contains(&interns), "interns {interns}");
    assert!((0.5..=0.6).contains(&ssw), "ssw {ssw}");
}

#[test]
fn every_origins_share_of_new_interns_and_ssw_adds_up_to_one() {
    // Vietnam's share (a pair indicator) plus the five competing origins' shares (origin
    // indicators) is 1 in every quarter in which someone entered, and 0 before any did.
    let cfg = default_cut();
    let s = run(&cfg);
    let origins = ["CHN-JPN", "PHL-JPN", "IDN-JPN", "MMR-JPN", "NPL-JPN"];
    for (pair_share, origin_share) in [
        ("intern_inflow_share", "origin_intern_inflow_share"),
        ("ssw_new_share", "origin_ssw_new_share"),
    ] {
        let vn = column(&s, &format!("{pair_share}.VNM-JPN"));
        let others: Vec<Vec<f64>> = origins
            .iter()
            .map(|o| column(&s, &format!("{origin_share}.{o}")))
            .collect();
        let mut quarters_with_entries = 0;
        for t in 0..vn.len() {
            let total = vn[t] + others.iter().map(|c| c[t]).sum::<f64>();
            if total > 0.0 {
                quarters_with_entries += 1;
                assert!(
                    (total - 1.0).abs() < 1e-9,
                    "{pair_share} at step {t}: {total}"
                );
            }
        }
        assert!(
            quarters_with_entries > 10,
            "{pair_share}: {quarters_with_entries} quarters"
        );
    }
    // Residents of a competing origin start from its settled residents and programme stocks.
    let china = column(&s, "origin_residents_persons.CHN-JPN");
    assert!(china[0] > 171_000.0 && china[0] < 260_000.0, "{}", china[0]);
}

#[test]
fn the_esd_rule_phases_in_without_sending_interns_home_at_once() {
    // ESD (2027Q2) shortens the intern stay from 5 to 3 years: interns who came under the
    // 5-year rule finish under it, so the stock moves smoothly instead of dropping by the third
    // of it that has been abroad for 3–5 years.
    let mut cfg = kizuna::scenario::load::load(Some("vietnam_japan"), &[])
        .expect("built-in loads")
        .config;
    cfg.end = Quarter::new(2029, 4);
    let s = run(&cfg);
    let interns = column(&s, "interns_persons.VNM-JPN");
    let at = |q: Quarter| interns[cfg.step_of(q).unwrap() as usize];
    let (before, after) = (at(Quarter::new(2027, 1)), at(Quarter::new(2027, 2)));
    assert!(
        after > 0.97 * before,
        "interns 2027Q1 {before}, 2027Q2 {after}"
    );
    let returns = column(&s, "intern_returns_persons_per_q.VNM-JPN");
    let r = |q: Quarter| returns[cfg.step_of(q).unwrap() as usize];
    assert!(
        r(Quarter::new(2027, 2)) < 2.0 * r(Quarter::new(2027, 1)).max(1.0),
        "returns 2027Q1 {}, 2027Q2 {}",
        r(Quarter::new(2027, 1)),
        r(Quarter::new(2027, 2))
    );
}

#[test]
fn vietnams_share_of_new_interns_rises_as_its_income_nears_the_mobility_peak() {
    // Vietnam's income per capita rises towards y* while China's passes it: Vietnam's share of
    // Japan's new interns grows. A hump so wide that it is flat removes most of the shift.
    let base = default_cut();
    let mut flat = base.clone();
    flat.params.talent.mobility_transition_width_ln = 5.0;
    let share = "intern_inflow_share.VNM-JPN";
    let (early, late) = (
        (Quarter::new(2004, 1), Quarter::new(2007, 4)),
        (Quarter::new(2012, 1), Quarter::new(2015, 4)),
    );
    let rise = |cfg: &Config| {
        let s = run(cfg);
        mean(cfg, &s, share, late.0, late.1) / mean(cfg, &s, share, early.0, early.1)
    };
    let (with_hump, without) = (rise(&base), rise(&flat));
    eprintln!("share rise with the hump {with_hump}, flat {without}");
    assert!(with_hump > 1.2, "share 2012–15 / 2004–07 = {with_hump}");
    assert!(
        with_hump > without,
        "with the hump {with_hump}, flat {without}"
    );
}

/// The default and a world with twice the places in every programme (more people go, so more
/// come back), on common random numbers.
fn with_more_returnees() -> (Config, Series, Config, Series) {
    let base = default_cut();
    let mut more = base.clone();
    for x in more.params.talent.places_per_1000_working_age_q.iter_mut() {
        *x *= 2.0;
    }
    let (sb, sm) = (run(&base), run(&more));
    (base, sb, more, sm)
}

fn returnee_years() -> (Quarter, Quarter) {
    (Quarter::new(2005, 1), Quarter::new(2024, 4))
}

#[test]
fn more_returnees_lower_the_friction_of_new_partnerships() {
    let (base, sb, more, sm) = with_more_returnees();
    let (a, b) = returnee_years();
    let returns = "returnees_persons_per_q.VNM-JPN";
    assert!(sum(&more, &sm, returns, a, b) > sum(&base, &sb, returns, a, b));
    // Mean friction of partnerships in their first quarter, over quarters when some formed.
    let new_friction = |cfg: &Config, s: &Series| {
        let c = column(s, "new_partnership_friction.VNM-JPN");
        let (i, j) = (cfg.step_of(a).unwrap(), cfg.step_of(b).unwrap());
        let v: Vec<f64> = c[i as usize..=j as usize]
            .iter()
            .copied()
            .filter(|x| *x > 0.0)
            .collect();
        v.iter().sum::<f64>() / v.len().max(1) as f64
    };
    let (fb, fm) = (new_friction(&base, &sb), new_friction(&more, &sm));
    assert!(fm < fb, "new-partnership friction {fm} vs {fb}");
}

#[test]
#[ignore = "fails since the talent calibration across origins: with twice the places the \
            2005–2024 trouble share is 0.4549 against 0.4526 (one replication), although \
            returnees rise and new partnerships' friction falls \
            (more_returnees_lower_the_friction_of_new_partnerships)"]
fn more_returnees_lower_the_trouble_share() {
    let (base, sb, more, sm) = with_more_returnees();
    let (a, b) = returnee_years();
    let trouble = "trouble_share_8q.VNM-JPN";
    let (tb, tm) = (
        mean(&base, &sb, trouble, a, b),
        mean(&more, &sm, trouble, a, b),
    );
    assert!(tm < tb, "trouble share {tm} vs {tb}");
}

fn substitutable(mut cfg: Config) -> Config {
    cfg.params.talent.destination_nest_dissimilarity = 0.5;
    cfg
}

fn plain_logit(mut cfg: Config) -> Config {
    cfg.params.talent.destination_nest_dissimilarity = 1.0;
    cfg
}

#[test]
fn the_plain_logit_ignores_the_networks_elsewhere() {
    // λ = 1: applicants are not scaled by the destination share, so removing every origin's
    // network in the alternative destinations changes no flow and no stock.
    let base = plain_logit(default_cut());
    let mut without = base.clone();
    for o in &mut without.talent_origins {
        assert!(
            !o.emigrants_elsewhere.is_empty(),
            "{} has no network",
            o.label
        );
        o.emigrants_elsewhere.clear();
    }
    let (a, b) = (run(&base), run(&without));
    for name in [
        "residents_persons.VNM-JPN",
        "talent_outflow_persons_per_q.VNM-JPN",
        "origin_residents_persons.IDN-JPN",
    ] {
        assert_eq!(column(&a, name), column(&b, name), "{name}");
    }
    // The share itself is still reported: below 1 with a network elsewhere, 1 without.
    let (a_share, b_share) = (
        column(&a, "talent_destination_share.VNM-JPN"),
        column(&b, "talent_destination_share.VNM-JPN"),
    );
    assert!(a_share.iter().all(|s| *s > 0.0 && *s < 1.0));
    assert!(b_share.iter().all(|s| *s == 1.0));
}

#[test]
fn substitutable_destinations_raise_vietnams_share_and_lower_indonesias_residents() {
    // Documented direction (destination choice): Vietnam had almost no network in the Gulf and
    // the Asian labour importers (40k in 1990), Indonesia had 1.2 million, so when destinations
    // substitute (λ = 0.5 against the plain logit, λ = 1) Japan keeps more of Vietnam's
    // would-be migrants and fewer of Indonesia's.
    let base = plain_logit(default_cut());
    let nest = substitutable(base.clone());
    let (a, b) = (run(&base), run(&nest));
    let (from, to) = (Quarter::new(2019, 1), Quarter::new(2023, 4));
    let share = |s: &Series| mean(&base, s, "intern_inflow_share.VNM-JPN", from, to);
    let idn = |s: &Series| {
        column(s, "origin_residents_persons.IDN-JPN")
            [base.step_of(Quarter::new(2019, 4)).unwrap() as usize]
    };
    eprintln!(
        "Vietnam's share of new interns 2019–2023 {:.3} → {:.3}; Indonesian residents 2019Q4 {} → {}",
        share(&a),
        share(&b),
        idn(&a),
        idn(&b)
    );
    assert!(share(&b) > share(&a) + 0.1);
    assert!(idn(&b) < 0.5 * idn(&a));
    // Vietnam's destination share rises as its residents in Japan outgrow its network elsewhere.
    let s = column(&b, "talent_destination_share.VNM-JPN");
    let at = |q: Quarter| s[base.step_of(q).unwrap() as usize];
    assert!(at(Quarter::new(2019, 4)) > at(Quarter::new(2005, 4)));
}

#[test]
fn a_larger_network_elsewhere_lowers_departures_when_destinations_substitute() {
    let base = substitutable(default_cut());
    let mut wider = base.clone();
    let vietnam = wider
        .talent_origins
        .iter_mut()
        .find(|o| o.label == "VNM-JPN")
        .expect("the pair is an origin");
    for n in &mut vietnam.emigrants_elsewhere {
        *n *= 4.0;
    }
    let (from, to) = (Quarter::new(2000, 1), Quarter::new(2019, 4));
    let name = "talent_outflow_persons_per_q.VNM-JPN";
    let before = sum(&base, &run(&base), name, from, to);
    let after = sum(&base, &run(&wider), name, from, to);
    eprintln!("Vietnamese departures 2000–2019: {before} → {after} with 4× the network elsewhere");
    assert!(after < 0.9 * before, "{before} → {after}");
}
