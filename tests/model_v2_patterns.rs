//! Pattern tests of the version-2 causal channels (MODEL.md "Version 2"; domain notes §7.10).
//! Every test compares worlds on common random numbers (same seed and replication) and states
//! whether its target was used for calibration or only validates:
//!
//! | test | pattern | role |
//! |---|---|---|
//! | `aid_cut_of_the_largest_donor_reaches_partnerships_with_a_lag` | v2 aid channel | validation |
//! | `dependent_concentrated_recipient_falls_deeper_at_equal_money_cut` | P7 at equal money | validation |
//! | `mitigation_softens_partnership_losses_after_a_*`, `mitigation_changes_…_after_an_aid_cut_within_p3` | P3 bound | validation |
//! | `p1_pair_trust_collapses_faster_than_it_recovers` | P1, pair level | validation |
//! | `p6_aid_is_far_more_volatile_than_gdp` | P6, Vietnam | validation |
//! | `p6_holds_for_thailand_and_indonesia_with_the_same_parameters` | P6, other hosts | validation |
//! | `p8_graduation_trajectory_of_the_default_replay` | P8 | ODA/GNI is a fit target (calibration); the trust dips and FDI after 2015 validate |
//! | `p4_same_country_experience_lowers_the_hazard_more_than_same_block` | P4 | validation |
//! | `programme_costs_come_out_of_the_funders_budget` | v2 sources of USD | mechanism |
//!
//! Calibration targets of the current defaults (fitted by hand, `kizuna fit`): the series in
//! `data/` for Vietnam–Japan (ODA, FDI, trade, residents) and P2 (β₀). Nothing else here was
//! tuned to pass.

mod common;

use kizuna::model::resilience::measure;
use kizuna::model::{Config, Series, Simulation, run_replication};
use kizuna::scenario::load::from_text;
use kizuna::stats::t_interval;
use rayon::prelude::*;

/// An aid-dependent host (GDP 30 bn USD, aid ≈ 8–10 % of GNI) with one dominant donor from the
/// investors' home country. `donors` replaces the donor block; `extra` adds shocks or programmes.
fn dependent_world(donors: &str, gdp_usd: f64, extra: &str) -> Config {
    let text = format!(
        r#"
name = "dependent"
[horizon]
start = "2000Q1"
end = "2019Q4"
[run]
seed = 5
[[countries]]
code = "HOST"
culture = {{ pdi = 70, idv = 20, mas = 40, uai = 30, lto = 57, ivr = 35 }}
gdp = {{ start_usd_per_year = {gdp_usd}, growth_per_year = 0.06 }}
population = {{ start = 60.0e6, growth_per_year = 0.01 }}
capacity_initial = 0.4
capacity_floor = 0.35
public_investment_gdp_share = 0.06
[[countries]]
code = "HOME"
culture = {{ pdi = 54, idv = 46, mas = 95, uai = 92, lto = 88, ivr = 42 }}
gdp = {{ start_usd_per_year = 4.5e12, growth_per_year = 0.01 }}
population = {{ start = 125.0e6 }}
capacity_initial = 0.9
capacity_floor = 0.9
[[countries]]
code = "OTH"
culture = {{ pdi = 40, idv = 70, mas = 55, uai = 55, lto = 50, ivr = 55 }}
culture_proxy = true
gdp = {{ start_usd_per_year = 18.0e12, growth_per_year = 0.03 }}
population = {{ start = 0.8e9 }}
capacity_initial = 0.9
capacity_floor = 0.9
[[pairs]]
code = "HOST-HOME"
partner = "HOST"
donor = "HOME"
distance_km = 3600
gov_trust_initial = 0.5
[[firms]]
code = "investors"
country = "HOME"
kind = "investor"
count = 600
ln_productivity_mean = 0.9
human_capital_mean = 0.8
capital_usd_median = 2.0e8
[[firms]]
code = "locals"
country = "HOST"
kind = "domestic"
count = 1200
capital_usd_median = 8.0e6
{donors}
{extra}
[output]
resilience_indicators = ["firm_partnerships.HOST-HOME", "active_partnerships.HOST-HOME", "trade_usd_per_q.HOST-HOME", "fdi_stock_usd.HOST-HOME", "pair_trust.HOST-HOME", "fdi_projects.HOST-HOME"]
"#
    );
    match from_text("dependent.toml", &text, &[]) {
        Ok(s) => s.config,
        Err(e) => panic!("test scenario invalid:\n{e}"),
    }
}

/// One donor from HOME giving all of the host's aid.
const ONE_DONOR: &str = r#"
[[donors]]
code = "MAIN"
home = "HOME"
budget_usd_per_year = 20.0e9
other_recipients_weight = 3.0
loan_share = 0.7
[[donors.recipients]]
country = "HOST"
"#;

/// Four donors of equal size, one from HOME and three from elsewhere, with a quarter of
/// `ONE_DONOR`'s budget each (same weights and terms).
fn four_donors() -> String {
    ["MAIN", "D2", "D3", "D4"]
        .iter()
        .enumerate()
        .map(|(i, code)| {
            let home = if i == 0 { "HOME" } else { "OTH" };
            format!(
                "[[donors]]\ncode = \"{code}\"\nhome = \"{home}\"\nbudget_usd_per_year = 5.0e9\n\
                 other_recipients_weight = 3.0\nloan_share = 0.7\n[[donors.recipients]]\ncountry = \"HOST\"\n"
            )
        })
        .collect()
}

fn cut(id: &str, donor: &str, intensity: f64, measured: bool) -> String {
    format!(
        "[[shocks]]\nid = \"{id}\"\nkind = \"aid_cut\"\ntarget = {{ donor = \"{donor}\" }}\n\
         start = \"2008Q1\"\nduration_quarters = 16\nintensity = {intensity}\nmeasure_resilience = {measured}\n"
    )
}

fn series(cfg: &Config, replication: u32) -> Series {
    Simulation::new(cfg, replication)
        .run()
        .expect("invariants hold")
}

fn column(s: &Series, name: &str) -> Vec<f64> {
    common::column(s, name)
}

/// Mean over replications of a per-replication value.
fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len() as f64
}

/// v2 channel "aid reaches the economy": a 50 % cut of the only donor of a dependent host, with
/// no mitigation, lowers firm partnerships (ODA projects excluded: fewer projects would be
/// accounting), trade, FDI and pair trust by at least a few per cent. The economic indicators
/// reach their trough quarters after the cut starts (public capital and the pipeline carry it);
/// government trust, and so pair trust, reacts in the cut's first quarter by design.
#[test]
fn aid_cut_of_the_largest_donor_reaches_partnerships_with_a_lag() {
    let cfg = dependent_world(ONE_DONOR, 30.0e9, &cut("cut", "MAIN", 0.5, true));
    let aid_gni = mean(&column(&series(&cfg, 0), "aid_gni_ratio.HOST")[28..32]);
    assert!(
        aid_gni > 0.05,
        "host is aid-dependent: aid/GNI {aid_gni:.3}"
    );
    let results: Vec<_> = (0..8u32)
        .into_par_iter()
        .map(|r| run_replication(&cfg, r).expect("invariants hold"))
        .collect();
    let start = cfg
        .step_of(kizuna::model::time::Quarter::new(2008, 1))
        .unwrap() as usize;
    for (column, lagged) in [
        ("firm_partnerships.HOST-HOME", true),
        ("trade_usd_per_q.HOST-HOME", true),
        ("fdi_stock_usd.HOST-HOME", true),
        ("pair_trust.HOST-HOME", false),
    ] {
        let (mut depths, mut lags) = (Vec::new(), Vec::new());
        for r in &results {
            let s = r.resilience.iter().find(|s| s.column == column).unwrap();
            depths.push(s.metrics.depth);
            let ratio: Vec<f64> = s.shocked[start..]
                .iter()
                .zip(&s.counterfactual[start..])
                .map(|(a, b)| a / b)
                .collect();
            let trough = (0..ratio.len())
                .min_by(|&i, &j| ratio[i].total_cmp(&ratio[j]))
                .unwrap();
            lags.push(trough as f64);
        }
        eprintln!(
            "aid cut → {column}: mean depth {:.4}, mean quarters to trough {:.1}",
            mean(&depths),
            mean(&lags)
        );
        assert!(
            mean(&depths) >= 0.02,
            "{column}: mean depth {:.4} < 2 %",
            mean(&depths)
        );
        assert!(
            !lagged || mean(&lags) >= 2.0,
            "{column}: trough {:.1} quarters after the cut, expected a lag",
            mean(&lags)
        );
    }
}

/// P7 at equal money (domain notes §7.10; Desai & Kharas; Knack & Rahman): the same USD cut
/// hurts a recipient more when aid is a large share of its economy and comes from one donor. High
/// dependence: GDP 30 bn, one donor, that donor cuts 50 %. Low dependence: GDP 120 bn (aid/GNI a
/// quarter as large), four equal donors (HHI 0.25), all four cut 50 % — the same USD. Depth and
/// loss area of partnership indicators against the same world without any cut.
#[test]
fn dependent_concentrated_recipient_falls_deeper_at_equal_money_cut() {
    let high = dependent_world(ONE_DONOR, 30.0e9, &cut("cut", "MAIN", 0.5, false));
    let high_cf = dependent_world(ONE_DONOR, 30.0e9, "");
    let all_cut = |intensity: f64| -> String {
        ["MAIN", "D2", "D3", "D4"]
            .iter()
            .map(|d| cut(&format!("cut_{d}"), d, intensity, false))
            .collect()
    };
    let low_cf = dependent_world(&four_donors(), 120.0e9, "");
    let start = high
        .step_of(kizuna::model::time::Quarter::new(2008, 1))
        .unwrap() as usize;
    let end = start + 40;
    let total_withdrawn = |s: &Series, cf: &Series| -> f64 {
        let a = column(s, "oda_gross_received_usd_per_q.HOST");
        let b = column(cf, "oda_gross_received_usd_per_q.HOST");
        (start..end).map(|t| b[t] - a[t]).sum()
    };
    // Equal money: the low arm's cut is scaled so that the USD of aid lost over the window
    // matches the high arm's (replication 0; the loss is linear in the cut share).
    let lost_high = total_withdrawn(&series(&high, 0), &series(&high_cf, 0));
    let lost_low_half = total_withdrawn(
        &series(&dependent_world(&four_donors(), 120.0e9, &all_cut(0.5)), 0),
        &series(&low_cf, 0),
    );
    let low = dependent_world(
        &four_donors(),
        120.0e9,
        &all_cut((0.5 * lost_high / lost_low_half).min(0.95)),
    );
    let runs: Vec<[Series; 4]> = (0..6u32)
        .into_par_iter()
        .map(|r| {
            [
                series(&high, r),
                series(&high_cf, r),
                series(&low, r),
                series(&low_cf, r),
            ]
        })
        .collect();
    let (mh, ml) = (
        mean(
            &runs
                .iter()
                .map(|r| total_withdrawn(&r[0], &r[1]))
                .collect::<Vec<_>>(),
        ),
        mean(
            &runs
                .iter()
                .map(|r| total_withdrawn(&r[2], &r[3]))
                .collect::<Vec<_>>(),
        ),
    );
    eprintln!("aid lost over the window: high {mh:.3e} USD, low {ml:.3e} USD");
    assert!(
        (mh / ml - 1.0).abs() < 0.10,
        "equal money: disbursements lost {mh:.3e} (high) vs {ml:.3e} (low)"
    );
    for name in [
        "firm_partnerships.HOST-HOME",
        "trade_usd_per_q.HOST-HOME",
        "pair_trust.HOST-HOME",
    ] {
        let metric = |s: &Series, cf: &Series| {
            let a = column(s, name);
            let b = column(cf, name);
            measure(&a[..end], &b[..end], start)
        };
        let high_m: Vec<_> = runs.iter().map(|r| metric(&r[0], &r[1])).collect();
        let low_m: Vec<_> = runs.iter().map(|r| metric(&r[2], &r[3])).collect();
        let depth = |m: &[kizuna::model::resilience::Resilience]| {
            mean(&m.iter().map(|x| x.depth).collect::<Vec<_>>())
        };
        let area = |m: &[kizuna::model::resilience::Resilience]| {
            mean(&m.iter().map(|x| x.loss_area_quarters).collect::<Vec<_>>())
        };
        eprintln!(
            "{name}: depth high {:.4} low {:.4}; loss area high {:.3} low {:.3}",
            depth(&high_m),
            depth(&low_m),
            area(&high_m),
            area(&low_m)
        );
        assert!(
            depth(&high_m) > depth(&low_m),
            "{name}: depth high {:.4} ≤ low {:.4}",
            depth(&high_m),
            depth(&low_m)
        );
        assert!(
            area(&high_m) > area(&low_m),
            "{name}: loss area (slower recovery) high {:.3} ≤ low {:.3}",
            area(&high_m),
            area(&low_m)
        );
    }
}

/// All mitigation on (training, liaison, a joint university, co-creation, a business association
/// with dispute resolution) against all off, three shocks, 16 replications on common random
/// numbers. Returns, per shock and (indicator, metric): (mean off, mean on − off, 95 % t interval).
type Effects = Vec<(String, String, f64, f64, (f64, f64))>;

fn mitigation_effects() -> &'static Effects {
    static EFFECTS: std::sync::OnceLock<Effects> = std::sync::OnceLock::new();
    EFFECTS.get_or_init(|| {
        let shocks = r#"
[[shocks]]
id = "crisis"
kind = "geopolitical_crisis"
target = { pair = "HOST-HOME" }
start = "2012Q1"
duration_quarters = 8
intensity = 1.0
[[shocks]]
id = "scandal"
kind = "scandal"
target = { pair = "HOST-HOME" }
start = "2010Q1"
intensity = 1.0
[[shocks]]
id = "cut"
kind = "aid_cut"
target = { donor = "MAIN" }
start = "2008Q1"
duration_quarters = 16
intensity = 0.5
"#;
        let mitigation = r#"
[[programmes]]
code = "training"
lever = "joint_training"
pair = "HOST-HOME"
dose = 0.8
start = "2000Q1"
[[programmes]]
code = "liaison"
lever = "liaison"
pair = "HOST-HOME"
dose = 0.8
start = "2000Q1"
[[programmes]]
code = "cocreation"
lever = "cooperation_mode"
pair = "HOST-HOME"
dose = 1.0
start = "2000Q1"
[[institutions]]
code = "university"
kind = "joint_university"
pair = "HOST-HOME"
opens = "2002Q1"
graduates_per_quarter = 200
[[institutions]]
code = "association"
kind = "business_association"
pair = "HOST-HOME"
opens = "2000Q1"
membership_share = 0.5
dispute_resolution = 0.3
"#;
        let off = dependent_world(ONE_DONOR, 30.0e9, shocks);
        let on = dependent_world(ONE_DONOR, 30.0e9, &format!("{shocks}{mitigation}"));
        let runs: Vec<_> = (0..16u32)
            .into_par_iter()
            .map(|r| {
                (
                    run_replication(&off, r).expect("invariants hold"),
                    run_replication(&on, r).expect("invariants hold"),
                )
            })
            .collect();
        let mut out = Vec::new();
        for shock in ["crisis", "scandal", "cut"] {
            let index = off.shocks.iter().position(|s| s.id == shock).unwrap();
            for name in [
                "firm_partnerships.HOST-HOME",
                "trade_usd_per_q.HOST-HOME",
                "pair_trust.HOST-HOME",
            ] {
                for metric in ["depth", "loss area"] {
                    let pick = |r: &kizuna::model::ReplicationResult| {
                        let m = &r
                            .resilience
                            .iter()
                            .find(|s| s.shock_index == index && s.column == name)
                            .unwrap()
                            .metrics;
                        if metric == "depth" { m.depth } else { m.loss_area_quarters }
                    };
                    let base: Vec<f64> = runs.iter().map(|(a, _)| pick(a)).collect();
                    let diffs: Vec<f64> = runs.iter().map(|(a, b)| pick(b) - pick(a)).collect();
                    let ci = t_interval(&diffs).unwrap();
                    eprintln!(
                        "{shock} {name} {metric}: off {:.4}, on − off {:+.4} [{:+.4}, {:+.4}] ({:+.1} %)",
                        mean(&base),
                        mean(&diffs),
                        ci.0,
                        ci.1,
                        100.0 * mean(&diffs) / mean(&base)
                    );
                    out.push((shock.to_string(), format!("{name} {metric}"), mean(&base), mean(&diffs), ci));
                }
            }
        }
        out
    })
}

/// P3 bound on the v2 channels, for one shock: some partnership indicator's depth or loss area
/// changes with a paired 95 % interval that excludes zero, and no effect whose interval excludes
/// zero exceeds 30 % relative.
fn assert_mitigation_acts_within_p3(shock: &str) {
    let effects: Vec<_> = mitigation_effects()
        .iter()
        .filter(|e| e.0 == shock)
        .collect();
    let significant: Vec<_> = effects
        .iter()
        .filter(|e| e.4.0 > 0.0 || e.4.1 < 0.0)
        .collect();
    assert!(
        !significant.is_empty(),
        "{shock}: no partnership indicator changes with an interval excluding 0"
    );
    for e in significant {
        let relative = e.3 / e.2;
        assert!(
            relative.abs() <= 0.30,
            "{shock} {}: mitigation changes it by {:+.1} %, beyond P3's 30 %",
            e.1,
            100.0 * relative
        );
    }
}

#[test]
fn mitigation_softens_partnership_losses_after_a_geopolitical_crisis() {
    assert_mitigation_acts_within_p3("crisis");
}

#[test]
fn mitigation_softens_partnership_losses_after_a_scandal() {
    assert_mitigation_acts_within_p3("scandal");
}

#[test]
fn mitigation_changes_partnership_losses_after_an_aid_cut_within_p3() {
    assert_mitigation_acts_within_p3("cut");
}

/// P1 at the country-pair level (Slovic; Poortinga & Pidgeon): after a severe scandal, pair
/// trust reaches its trough quickly and takes at least three times as long to recover 75 % of the
/// loss (censored at the end of the 40-quarter window counts as "at least").
#[test]
fn p1_pair_trust_collapses_faster_than_it_recovers() {
    let with = dependent_world(
        ONE_DONOR,
        30.0e9,
        "[[shocks]]\nid = \"scandal\"\nkind = \"scandal\"\ntarget = { pair = \"HOST-HOME\" }\nstart = \"2008Q1\"\nintensity = 1.0\n",
    );
    let without = dependent_world(ONE_DONOR, 30.0e9, "");
    let start = with
        .step_of(kizuna::model::time::Quarter::new(2008, 1))
        .unwrap() as usize;
    for r in 0..3u32 {
        let a = column(&series(&with, r), "pair_trust.HOST-HOME");
        let b = column(&series(&without, r), "pair_trust.HOST-HOME");
        let gap: Vec<f64> = (start..a.len()).map(|t| b[t] - a[t]).collect();
        let trough = (0..gap.len())
            .max_by(|&i, &j| gap[i].total_cmp(&gap[j]))
            .unwrap();
        let lost = gap[trough];
        let recovered = (trough..gap.len()).find(|&t| gap[t] <= 0.25 * lost);
        let to_recover = recovered.map_or(gap.len() - trough, |t| t - trough);
        let to_lose = trough + 1;
        eprintln!(
            "replication {r}: pair trust lost {lost:.4} in {to_lose} quarters, 75 % back after {to_recover}{}",
            if recovered.is_none() {
                "+ (censored)"
            } else {
                ""
            }
        );
        assert!(lost > 0.02, "the scandal dents pair trust: {lost:.4}");
        assert!(
            to_recover >= 3 * to_lose,
            "replication {r}: lost in {to_lose} quarters, 75 % recovered in {to_recover}"
        );
    }
}

/// SD(Δln annual gross ODA received) / SD(Δln annual mean GDP) of `country`, `first_year`–2024.
fn aid_to_gdp_volatility_ratio(cfg: &Config, s: &Series, country: &str, first_year: i32) -> f64 {
    let aid = column(s, &format!("oda_gross_received_usd_per_q.{country}"));
    let gdp = column(s, &format!("gdp_usd_per_year.{country}"));
    let first = cfg
        .step_of(kizuna::model::time::Quarter::new(first_year, 1))
        .unwrap() as usize;
    let years: Vec<(f64, f64)> = (0..(2025 - first_year) as usize)
        .map(|y| {
            let q = first + 4 * y;
            (
                aid[q..q + 4].iter().sum(),
                gdp[q..q + 4].iter().sum::<f64>() / 4.0,
            )
        })
        .collect();
    let sd_dln = |xs: Vec<f64>| {
        let d: Vec<f64> = xs.windows(2).map(|w| (w[1] / w[0]).ln()).collect();
        let m = mean(&d);
        (d.iter().map(|x| (x - m).powi(2)).sum::<f64>() / d.len() as f64).sqrt()
    };
    sd_dln(years.iter().map(|y| y.0).collect()) / sd_dln(years.iter().map(|y| y.1).collect())
}

/// P6 (Kharas 2008; Desai & Kharas 2011): SD(Δln aid)/SD(Δln GDP) ≈ 5 (3–7) in baseline runs,
/// annual data 1995–2024 of the default replay. Calibration-adjacent: σ_a and σ_u were fitted to
/// Vietnam's observed SD(Δln net ODA) 1995–2012 (0.25); this is a different window and measure,
/// the validation is `p6_holds_for_thailand_and_indonesia_with_the_same_parameters`.
#[test]
fn p6_aid_is_far_more_volatile_than_gdp() {
    let cfg = kizuna::scenario::load::load(Some("vietnam_japan"), &[])
        .expect("built-in loads")
        .config;
    for r in 0..2u32 {
        let ratio = aid_to_gdp_volatility_ratio(&cfg, &series(&cfg, r), "VNM", 1995);
        assert!(
            (3.0..=7.0).contains(&ratio),
            "replication {r}: SD(Δln aid)/SD(Δln GDP) = {ratio:.2}"
        );
    }
}

/// P6, validation: Thailand and Indonesia in `asean_japan`, whose aid volatility nobody fitted,
/// have SD(Δln aid)/SD(Δln GDP) in 3–7 too (2000–2024, the scenario's horizon; mean over 3
/// replications per country).
#[test]
fn p6_holds_for_thailand_and_indonesia_with_the_same_parameters() {
    let cfg = kizuna::scenario::load::load(Some("asean_japan"), &[])
        .expect("built-in loads")
        .config;
    let runs: Vec<Series> = (0..3u32).map(|r| series(&cfg, r)).collect();
    for country in ["THA", "IDN"] {
        let ratios: Vec<f64> = runs
            .iter()
            .map(|s| aid_to_gdp_volatility_ratio(&cfg, s, country, 2000))
            .collect();
        let m = mean(&ratios);
        assert!(
            (3.0..=7.0).contains(&m),
            "{country}: SD(Δln aid)/SD(Δln GDP) = {m:.2} (replications {ratios:?})"
        );
    }
}

/// P8 (domain notes §3.3), validation: in the default replay, ODA/GNI roughly halves over
/// 2003–2013 (three-year means); pair
/// trust dips after the 2008 and 2014 suspensions and recovers; Japanese FDI keeps growing after
/// 2015 while withdrawals are not zero.
#[test]
fn p8_graduation_trajectory_of_the_default_replay() {
    let cfg = kizuna::scenario::load::load(Some("vietnam_japan"), &[])
        .expect("built-in loads")
        .config;
    let q = |y, k| {
        cfg.step_of(kizuna::model::time::Quarter::new(y, k))
            .unwrap() as usize
    };
    for r in 0..2u32 {
        let s = series(&cfg, r);
        let aid_gni = column(&s, "aid_gni_ratio.VNM");
        // Three-year means around 2003 and 2013: aid is as volatile as observed (P6), so one
        // year swings by ±30 % (data: 2012/2003 = 0.55 but 2010/2003 = 0.34; 2010–12 over
        // 2002–04 = 0.51).
        let three_years = |y: i32| mean(&aid_gni[q(y - 1, 1)..q(y + 1, 1) + 4]);
        let ratio = three_years(2013) / three_years(2003);
        assert!(
            (0.35..=0.65).contains(&ratio),
            "replication {r}: ODA/GNI 2012–14 over 2002–04 = {ratio:.3}, expected ≈ ½"
        );
        let trust = column(&s, "pair_trust.VNM-JPN");
        for (y, k) in [(2008, 4), (2014, 2)] {
            let before = trust[q(y, k) - 1];
            let dip = trust[q(y, k)..q(y, k) + 4]
                .iter()
                .copied()
                .fold(f64::INFINITY, f64::min);
            let later = trust[q(y, k) + 16];
            assert!(dip < before, "replication {r}: no dip after {y}Q{k}");
            assert!(
                later > dip,
                "replication {r}: no recovery 4 years after {y}Q{k}"
            );
        }
        let fdi = column(&s, "fdi_stock_usd.VNM-JPN");
        let withdrawn = column(&s, "fdi_withdrawn_usd_per_q.VNM-JPN");
        assert!(
            fdi[q(2024, 4)] > 1.3 * fdi[q(2015, 4)],
            "replication {r}: FDI after 2015"
        );
        let out: f64 = withdrawn[q(2016, 1)..q(2024, 4)].iter().sum();
        assert!(out > 0.0, "replication {r}: no FDI withdrawn after 2015");
    }
}

/// A programme with a cost and no effect yet (initiation 2005–2009): who pays.
fn costly_programme(funded_by: Option<&str>, cost_usd_per_q: f64) -> String {
    let funder = funded_by.map_or(String::new(), |f| format!("funded_by = \"{f}\"\n"));
    format!(
        "[[programmes]]\ncode = \"training\"\nlever = \"joint_training\"\npair = \"HOST-HOME\"\n\
         dose = 0.5\nstart = \"2005Q1\"\nimplementation_start = \"2010Q1\"\n\
         cost_usd_per_quarter = {cost_usd_per_q}\n{funder}"
    )
}

/// Money has sources (MODEL.md v2): a programme's cost comes out of the donor's aid budget by
/// default (commitments fall in its first quarter by cost/budget ≈ 0.5 bn / 5 bn per quarter,
/// budget scaled by GDP and the AR deviations), or out of the host's public investment with
/// `funded_by = "host"` (commitments unchanged, public capital lower); it is reported as
/// `programme_cost_usd_per_q`. The ledgers balance (invariants checked every step).
#[test]
fn programme_costs_come_out_of_the_funders_budget() {
    let run = |extra: String| series(&dependent_world(ONE_DONOR, 30.0e9, &extra), 0);
    let free = run(costly_programme(None, 0.0));
    let donor_paid = run(costly_programme(None, 5.0e8));
    let host_paid = run(costly_programme(Some("host"), 5.0e8));
    let cfg = dependent_world(ONE_DONOR, 30.0e9, "");
    let first = cfg
        .step_of(kizuna::model::time::Quarter::new(2005, 1))
        .unwrap() as usize;
    let committed = |s: &Series| column(s, "oda_committed_usd_per_q.HOST-HOME")[first];
    let fall = 1.0 - committed(&donor_paid) / committed(&free);
    assert!(
        (0.05..0.25).contains(&fall),
        "donor-paid programme: commitments fall by {fall:.3} in its first quarter"
    );
    assert_eq!(committed(&host_paid), committed(&free));
    let cost = column(&donor_paid, "programme_cost_usd_per_q.HOST-HOME");
    assert_eq!((cost[first - 1], cost[first]), (0.0, 5.0e8));
    let capital = |s: &Series| column(s, "public_capital_ratio.HOST")[first + 19];
    assert!(
        capital(&host_paid) < capital(&free),
        "host-paid programme: public capital ratio {} vs {}",
        capital(&host_paid),
        capital(&free)
    );
}

/// Three hosts for locational learning: A and B in one cultural block, C in another, all with the
/// same culture and size, so only where an investor has been differs.
fn three_hosts(sets: &[String]) -> Config {
    let host = |code: &str, block: &str| {
        format!(
            "[[countries]]\ncode = \"{code}\"\nblock = \"{block}\"\n\
             culture = {{ pdi = 70, idv = 20, mas = 40, uai = 30, lto = 57, ivr = 35 }}\n\
             gdp = {{ start_usd_per_year = 60.0e9, growth_per_year = 0.06 }}\n\
             population = {{ start = 50.0e6, growth_per_year = 0.01 }}\n\
             capacity_initial = 0.4\ncapacity_floor = 0.35\n\
             [[pairs]]\ncode = \"{code}-HOME\"\npartner = \"{code}\"\ndonor = \"HOME\"\n\
             distance_km = 3600\n\
             [[firms]]\ncode = \"locals_{code}\"\ncountry = \"{code}\"\nkind = \"domestic\"\n\
             count = 900\ncapital_usd_median = 8.0e6\n"
        )
    };
    let text = format!(
        r#"
name = "locational_learning"
[horizon]
start = "2000Q1"
end = "2024Q4"
[run]
seed = 17
[[countries]]
code = "HOME"
block = "north"
culture = {{ pdi = 54, idv = 46, mas = 95, uai = 92, lto = 88, ivr = 42 }}
gdp = {{ start_usd_per_year = 4.5e12, growth_per_year = 0.01 }}
population = {{ start = 125.0e6 }}
capacity_initial = 0.9
capacity_floor = 0.9
[[firms]]
code = "investors"
country = "HOME"
kind = "investor"
count = 500
ln_productivity_mean = 0.9
human_capital_mean = 0.8
capital_usd_median = 2.0e8
{a}{b}{c}"#,
        a = host("A", "south"),
        b = host("B", "south"),
        c = host("C", "west"),
    );
    match from_text("three_hosts.toml", &text, sets) {
        Ok(s) => s.config,
        Err(e) => panic!("test scenario invalid:\n{e}"),
    }
}

/// Poisson regression of event counts on covariates with log exposure (the exponential
/// proportional-hazards model), by Newton–Raphson. Returns the coefficients (intercept first)
/// and their covariance matrix, the inverse of the information matrix.
fn exponential_hazard_fit(
    x: &[Vec<f64>],
    events: &[f64],
    exposure: &[f64],
) -> (Vec<f64>, Vec<Vec<f64>>) {
    let k = x[0].len();
    let mut beta = vec![0.0; k];
    beta[0] = (events.iter().sum::<f64>() / exposure.iter().sum::<f64>()).ln();
    let mut info = vec![vec![0.0; k]; k];
    for _ in 0..50 {
        let mut grad = vec![0.0; k];
        info = vec![vec![0.0; k]; k];
        for ((xi, &d), &t) in x.iter().zip(events).zip(exposure) {
            let mu = t * xi.iter().zip(&beta).map(|(a, b)| a * b).sum::<f64>().exp();
            for a in 0..k {
                grad[a] += (d - mu) * xi[a];
                for b in 0..k {
                    info[a][b] += mu * xi[a] * xi[b];
                }
            }
        }
        let step = solve(&info, &grad);
        beta.iter_mut().zip(&step).for_each(|(b, s)| *b += s);
        if step.iter().all(|s| s.abs() < 1e-10) {
            break;
        }
    }
    let columns: Vec<Vec<f64>> = (0..k)
        .map(|a| {
            let mut e = vec![0.0; k];
            e[a] = 1.0;
            solve(&info, &e)
        })
        .collect();
    let covariance = (0..k)
        .map(|a| (0..k).map(|b| columns[b][a]).collect())
        .collect();
    (beta, covariance)
}

/// Standard errors: the square roots of the covariance matrix's diagonal.
fn standard_errors(covariance: &[Vec<f64>]) -> Vec<f64> {
    (0..covariance.len())
        .map(|a| covariance[a][a].sqrt())
        .collect()
}

/// Gaussian elimination with partial pivoting (k ≤ 5 here).
fn solve(m: &[Vec<f64>], rhs: &[f64]) -> Vec<f64> {
    let k = rhs.len();
    let mut a: Vec<Vec<f64>> = m
        .iter()
        .zip(rhs)
        .map(|(row, &r)| [row.clone(), vec![r]].concat())
        .collect();
    for col in 0..k {
        let pivot = (col..k)
            .max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))
            .unwrap();
        a.swap(col, pivot);
        for row in 0..k {
            if row != col {
                let f = a[row][col] / a[col][col];
                for c in col..=k {
                    a[row][c] -= f * a[col][c];
                }
            }
        }
    }
    (0..k).map(|i| a[i][k] / a[i][i]).collect()
}

#[test]
fn exponential_hazard_fit_recovers_a_hand_computed_rate() {
    // One group: 6 events in 200 quarters → λ = 0.03, β₀ = ln 0.03 = −3.50656, se = 1/√6 = 0.40825.
    let (b, cov) = exponential_hazard_fit(&[vec![1.0], vec![1.0]], &[2.0, 4.0], &[80.0, 120.0]);
    let se = standard_errors(&cov);
    assert!((b[0] - 0.03f64.ln()).abs() < 1e-9 && (se[0] - 6f64.sqrt().recip()).abs() < 1e-9);
    // Two groups, rates 0.02 and 0.05: slope ln 2.5 = 0.91629. The slope is the difference of
    // two independent log rates: var = 1/4 + 1/10 = 0.35; the intercept (group 1) has var 1/4,
    // and cov(intercept, slope) = −1/4.
    let x = [vec![1.0, 0.0], vec![1.0, 1.0]];
    let (b, cov) = exponential_hazard_fit(&x, &[4.0, 10.0], &[200.0, 200.0]);
    assert!((b[1] - 2.5f64.ln()).abs() < 1e-9, "{b:?}");
    assert!(
        (cov[1][1] - 0.35).abs() < 1e-9 && (cov[0][0] - 0.25).abs() < 1e-9,
        "{cov:?}"
    );
    assert!(
        (cov[0][1] + 0.25).abs() < 1e-9 && (cov[1][0] + 0.25).abs() < 1e-9,
        "{cov:?}"
    );
}

/// The P4 hazard regression data: one row per foreign partnership of an affiliate (intercept,
/// ln(1 + prior entries of its parent into the same host / another host of the block / another
/// block), centred entry year), its termination indicator and its exposure in quarters.
fn locational_histories(
    cfg: &Config,
    replications: std::ops::Range<u32>,
) -> (Vec<Vec<f64>>, Vec<f64>, Vec<f64>) {
    let per_replication: Vec<_> = replications
        .into_par_iter()
        .map(|r| locational_history(cfg, r))
        .collect();
    let (mut x, mut events, mut exposure) = (Vec::new(), Vec::new(), Vec::new());
    for (xr, er, tr) in per_replication {
        x.extend(xr);
        events.extend(er);
        exposure.extend(tr);
    }
    (x, events, exposure)
}

fn locational_history(cfg: &Config, r: u32) -> (Vec<Vec<f64>>, Vec<f64>, Vec<f64>) {
    let (mut x, mut events, mut exposure) = (Vec::new(), Vec::new(), Vec::new());
    let (_, world) = Simulation::new(cfg, r)
        .run_keeping_world()
        .expect("invariants hold");
    let f = &world.firms;
    let horizon = cfg.steps() as u32;
    // Prior entries of each affiliate's parent, by host, at its entry (firms are in entry order).
    let mut entries = std::collections::BTreeMap::<(u32, u16), f64>::new();
    let mut prior = vec![[0.0f64; 3]; f.len()];
    for id in 0..f.len() {
        if f.parent[id] == kizuna::model::world::NONE_U32 {
            continue;
        }
        let host = f.pair[id].0;
        let same_block = |h: u16| h != host && h < 2 && host < 2;
        let mut counts = [0.0; 3];
        for h in 0..3u16 {
            let n = entries.get(&(f.parent[id], h)).copied().unwrap_or(0.0);
            let slot = if h == host {
                0
            } else if same_block(h) {
                1
            } else {
                2
            };
            counts[slot] += n;
        }
        prior[id] = counts;
        *entries.entry((f.parent[id], host)).or_default() += 1.0;
    }
    let p = &world.partnerships;
    for i in 0..p.len() {
        let foreign = p.foreign[i];
        if foreign == kizuna::model::world::NONE_U32
            || f.parent[foreign as usize] == kizuna::model::world::NONE_U32
        {
            continue;
        }
        let end = if p.end_step[i] == kizuna::model::world::NONE_U32 {
            horizon
        } else {
            p.end_step[i]
        };
        let counts = prior[foreign as usize];
        // Entry year (centred) controls for the calendar: later entrants meet other trust.
        let year = (p.start_step[i] as f64 - 50.0) / 4.0;
        x.push(vec![
            1.0,
            counts[0].ln_1p(),
            counts[1].ln_1p(),
            counts[2].ln_1p(),
            year,
        ]);
        events.push(f64::from(
            p.end_reason[i] == kizuna::model::world::EndReason::Terminated,
        ));
        exposure.push((end - p.start_step[i]).max(1) as f64);
    }
    (x, events, exposure)
}

/// P4 (Barkema et al. 1996, 1997), validation: the termination hazard of an affiliate's
/// partnerships falls with its parent's prior entries into the same country more than with prior
/// entries into another country of the same block, and prior entries into another block do not
/// lower it. Exponential hazard regression on ln(1 + prior entries), fitted on each of 8 batches
/// of 4 replications (≈ 20,000 partnerships a batch); partnerships of one replication share
/// shocks and trust, so the batches, not the partnerships, are the independent units. The 95 %
/// t interval over batches of β_same − β_block lies below 0, the mean β_block is negative and
/// the mean β_other is ≈ 0.
/// Power: on 2 replications each coefficient has se ≈ 0.09, larger than the difference the
/// default weights (w_same 4 q, w_block 1.5 q per entry) produce, so the ordering came out either
/// way (the earlier ignored version of this test). Neither weight was tuned to pass.
#[test]
fn p4_same_country_experience_lowers_the_hazard_more_than_same_block() {
    let cfg = three_hosts(&[]);
    let fits: Vec<Vec<f64>> = (0..8u32)
        .map(|batch| {
            let (x, events, exposure) = locational_histories(&cfg, 4 * batch..4 * batch + 4);
            let with_same = x.iter().filter(|r| r[1] > 0.0).count();
            let with_block = x.iter().filter(|r| r[2] > 0.0).count();
            assert!(
                with_same > 500 && with_block > 500,
                "too few experienced entries: {with_same}, {with_block}"
            );
            exponential_hazard_fit(&x, &events, &exposure).0
        })
        .collect();
    let coefficient = |k: usize| fits.iter().map(|b| b[k]).collect::<Vec<_>>();
    let difference: Vec<f64> = fits.iter().map(|b| b[1] - b[2]).collect();
    let ci = t_interval(&difference).unwrap();
    let other = coefficient(3);
    let other_ci = t_interval(&other).unwrap();
    let report = format!(
        "β_same {:.3}, β_block {:.3}, β_same − β_block {:.3} [{:.3}, {:.3}], β_other {:.3} [{:.3}, {:.3}], β_year {:.3} (means over 8 batches)",
        mean(&coefficient(1)),
        mean(&coefficient(2)),
        mean(&difference),
        ci.0,
        ci.1,
        mean(&other),
        other_ci.0,
        other_ci.1,
        mean(&coefficient(4)),
    );
    eprintln!("{report}");
    assert!(ci.1 < 0.0, "same country not below same block: {report}");
    assert!(
        mean(&coefficient(2)) < 0.0,
        "same-block experience does not lower the hazard: {report}"
    );
    assert!(
        other_ci.0 < 0.05 && other_ci.1 > -0.05,
        "other-block experience should not matter: {report}"
    );
}
