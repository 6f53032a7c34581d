//! Model-level pattern tests (domain notes §7.10: P1, P2, P3, P5, P7, P9). Each compares runs on
//! common random numbers (same seed and replication: every draw is keyed by entity and step, so
//! the compared worlds differ only by the mechanism under test) and asserts the direction and
//! rough size of the documented pattern. Replication counts are stated per test.

mod common;

use common::{column, small_world};
use kizuna::model::world::{EndReason, NONE_U32, PartnershipMode, World};
use kizuna::model::{Config, Simulation, run_replication};

/// Outcome shares of cross-border partnerships (not ODA projects) formed early enough to be
/// followed for 28 quarters: (in trouble within 8 quarters, ended within 28, alive with trust ≥ ½).
fn valley_shares(cfg: &Config, w: &World) -> (f64, f64, f64, usize) {
    let p = &w.partnerships;
    let last = cfg.steps() - 1;
    let (mut n, mut trouble, mut failed, mut success) = (0usize, 0usize, 0usize, 0usize);
    for i in 0..p.len() {
        if p.mode[i] == PartnershipMode::OdaProject || p.start_step[i] + 28 > last {
            continue;
        }
        n += 1;
        if p.trouble_step[i] != NONE_U32 && p.trouble_step[i] - p.start_step[i] < 8 {
            trouble += 1;
        }
        if p.end_reason[i] != EndReason::Active && p.end_step[i] - p.start_step[i] < 28 {
            failed += 1;
        } else if p.end_reason[i] == EndReason::Active && p.trust[i] >= 0.5 {
            success += 1;
        }
    }
    let f = |k: usize| k as f64 / n as f64;
    (f(trouble), f(failed), f(success), n)
}

fn final_world(cfg: &Config, replication: u32) -> World {
    Simulation::new(cfg, replication)
        .run_keeping_world()
        .expect("invariants hold")
        .1
}

/// P2 (Bleeke & Ernst 1991): with no mitigation at the Japan–Vietnam distance, about two thirds
/// of new partnerships hit serious trouble within 8 quarters, about half end successful, about
/// a third fail. One replication holds ~4,000 partnerships (SE of a share ≈ 0.008); two
/// replications are pooled so the bounds (±0.1 around the targets) are many SEs wide.
#[test]
fn p2_new_partnerships_go_through_a_valley_of_trouble() {
    let cfg = small_world("", &[]);
    let mut shares = Vec::new();
    for r in 0..2 {
        shares.push(valley_shares(&cfg, &final_world(&cfg, r)));
    }
    let mean =
        |k: usize| shares.iter().map(|s| [s.0, s.1, s.2][k]).sum::<f64>() / shares.len() as f64;
    let (trouble, failed, success) = (mean(0), mean(1), mean(2));
    assert!(
        shares.iter().all(|s| s.3 > 2000),
        "enough partnerships: {shares:?}"
    );
    assert!(
        (0.55..=0.78).contains(&trouble),
        "trouble within 8 quarters {trouble:.3}, expected ≈ 2/3"
    );
    assert!(
        (0.20..=0.45).contains(&failed),
        "failed within 7 years {failed:.3}, expected ≈ 1/3"
    );
    assert!(
        (0.35..=0.65).contains(&success),
        "successful after 7 years {success:.3}, expected ≈ 1/2"
    );
}

const MITIGATION: &str = r#"
[[programmes]]
code = "training"
lever = "joint_training"
pair = "HOST-HOME"
dose = 1.0
start = "2000Q1"
[[programmes]]
code = "liaison"
lever = "liaison"
pair = "HOST-HOME"
dose = 1.0
start = "2000Q1"
[[institutions]]
code = "university"
kind = "joint_university"
pair = "HOST-HOME"
opens = "2000Q1"
graduates_per_quarter = 400
"#;

/// P3 (Morris & Robie 2001; Harzing et al. 2011): training, liaison and joint-institution
/// graduates shorten the valley: fewer partnerships in trouble, more reach trust 0.7, with a
/// relative effect no larger than about 30 % (r ≈ .13–.26). Two replications on common random
/// numbers; the effect is computed per replication and must hold in each.
#[test]
fn p3_mitigation_shortens_the_valley_by_a_modest_amount() {
    let base = small_world("", &[]);
    let mitigated = small_world(MITIGATION, &[]);
    for r in 0..2 {
        let (t0, _, s0, _) = valley_shares(&base, &final_world(&base, r));
        let (t1, _, s1, _) = valley_shares(&mitigated, &final_world(&mitigated, r));
        let relative = (t0 - t1) / t0;
        assert!(
            t1 < t0,
            "replication {r}: trouble {t1:.3} with mitigation vs {t0:.3} without"
        );
        assert!(
            (0.03..=0.35).contains(&relative),
            "replication {r}: relative reduction {relative:.3} should be modest (≲ 30 %)"
        );
        assert!(
            s1 > s0,
            "replication {r}: success {s1:.3} with mitigation vs {s0:.3} without"
        );
    }
    // Time to trust 0.7: among partnerships that reach it, they reach it sooner with mitigation.
    let (q0, n0) = quarters_to_trust(&base, 0.7);
    let (q1, n1) = quarters_to_trust(&mitigated, 0.7);
    assert!(
        n1 > n0,
        "more partnerships reach trust 0.7 with mitigation: {n1} vs {n0}"
    );
    assert!(
        q1 < q0,
        "mean quarters to trust 0.7: {q1:.2} with vs {q0:.2} without"
    );
}

/// Mean age at which partnerships first reach `level` trust, and how many do (replication 0).
fn quarters_to_trust(cfg: &Config, level: f64) -> (f64, usize) {
    let mut sim = Simulation::new(cfg, 0);
    let mut reached: Vec<Option<u32>> = Vec::new();
    for step in 0..cfg.steps() {
        sim.world.step = step;
        sim.step();
        let p = &sim.world.partnerships;
        reached.resize(p.len(), None);
        for &id in &p.active {
            let i = id as usize;
            if reached[i].is_none()
                && p.mode[i] != PartnershipMode::OdaProject
                && p.trust[i] >= level
            {
                reached[i] = Some(step - p.start_step[i]);
            }
        }
    }
    let ages: Vec<u32> = reached.iter().flatten().copied().collect();
    (
        ages.iter().map(|&a| a as f64).sum::<f64>() / ages.len().max(1) as f64,
        ages.len(),
    )
}

/// P1 (Slovic 1993): trust builds slowly and collapses fast. A scandal (one severity-3 violation
/// in every partnership of the pair) in 2010Q1; the cohort of mature partnerships (≥ 20 quarters
/// old) is followed in the shocked and the counterfactual run, which share every random number,
/// so their trust differs only by the violation. The loss happens in one quarter; recovering 75 %
/// of it must take at least 3 times as long. One replication suffices: the cohort has hundreds of
/// partnerships and the comparison is paired.
#[test]
fn p1_trust_collapses_in_a_quarter_and_takes_years_to_recover() {
    let shock = r#"
[[shocks]]
id = "scandal"
kind = "scandal"
target = { pair = "HOST-HOME" }
start = "2010Q1"
"#;
    let shocked_cfg = small_world(shock, &["horizon.end=2034Q4"]);
    let cf_cfg = shocked_cfg.without_shock(0);
    let start = shocked_cfg
        .step_of(kizuna::model::time::Quarter::new(2010, 1))
        .unwrap();
    let mut shocked = Simulation::new(&shocked_cfg, 0);
    let mut cf = Simulation::new(&cf_cfg, 0);
    let mut cohort: Vec<usize> = Vec::new();
    let mut gaps = Vec::new();
    for step in 0..shocked_cfg.steps() {
        for sim in [&mut shocked, &mut cf] {
            sim.world.step = step;
            sim.step();
        }
        if step + 1 == start {
            let p = &cf.world.partnerships;
            cohort = (0..p.len())
                .filter(|&i| {
                    p.is_active(i)
                        && p.mode[i] != PartnershipMode::OdaProject
                        && step - p.start_step[i] >= 20
                })
                .collect();
            assert!(
                cohort.len() > 200,
                "cohort of mature partnerships: {}",
                cohort.len()
            );
        }
        if step >= start {
            let alive: Vec<usize> = cohort
                .iter()
                .copied()
                .filter(|&i| {
                    shocked.world.partnerships.is_active(i) && cf.world.partnerships.is_active(i)
                })
                .collect();
            let mean = |w: &World| {
                alive.iter().map(|&i| w.partnerships.trust[i]).sum::<f64>() / alive.len() as f64
            };
            gaps.push(mean(&cf.world) - mean(&shocked.world));
        }
    }
    let loss = gaps[0];
    assert!(
        loss > 0.1,
        "the violation cut mature trust by {loss:.3} in its quarter"
    );
    let recovery_q = gaps
        .iter()
        .position(|&g| g <= 0.25 * loss)
        .expect("trust recovers 75 % of the loss within the horizon");
    assert!(
        recovery_q >= 3,
        "75 % recovery took {recovery_q} quarters, the loss 1: not ≥ 3 times as long"
    );
    eprintln!("P1: loss {loss:.3} in 1 quarter, 75 % recovery after {recovery_q} quarters");
}

/// P5 (Beugelsdijk et al. 2018; Tihanyi et al. 2005): cultural distance reduces entry and worsens
/// partnership outcomes, modestly, and does not touch the parent level. The same world with a
/// host culturally close to the investors (Kogut–Singh ≈ 0.1) vs the Japan–Vietnam distance (4.35).
/// One replication on common random numbers; the investors' own series must be identical.
#[test]
fn p5_cultural_distance_effects_are_modest_and_stay_at_the_subsidiary_level() {
    let far = small_world("", &[]);
    let near = small_world(
        "",
        &["countries[HOST].culture={ pdi = 56, idv = 44, mas = 90, uai = 88, lto = 85, ivr = 42 }"],
    );
    let (s_far, w_far) = Simulation::new(&far, 0).run_keeping_world().unwrap();
    let (s_near, w_near) = Simulation::new(&near, 0).run_keeping_world().unwrap();
    let projects = |s| *column(s, "fdi_projects.HOST-HOME").last().unwrap();
    let (p_far, p_near) = (projects(&s_far), projects(&s_near));
    assert!(
        p_far < p_near,
        "distance deters entry: {p_far} projects far vs {p_near} near"
    );
    assert!(
        (p_near - p_far) / p_near < 0.5,
        "…but modestly: {p_far} vs {p_near}"
    );
    let (t_far, f_far, _, _) = valley_shares(&far, &w_far);
    let (t_near, f_near, _, _) = valley_shares(&near, &w_near);
    assert!(
        t_far > t_near && f_far > f_near,
        "worse partnership outcomes far: trouble {t_far:.3}/{t_near:.3}, failure {f_far:.3}/{f_near:.3}"
    );
    assert!(
        t_near > 0.5 * t_far,
        "trouble does not vanish without distance ({t_near:.3} vs {t_far:.3}): the main effect is modest"
    );
    // Parent level: the investors' productivity path is untouched by where their affiliates are.
    assert_eq!(
        column(&s_far, "mean_productivity.HOME"),
        column(&s_near, "mean_productivity.HOME")
    );
}

const DONORS: &str = r#"
[[countries]]
code = "D2"
culture = { pdi = 40, idv = 70, mas = 55, uai = 55, lto = 50, ivr = 55 }
culture_proxy = true
gdp = { start_usd_per_year = 2.0e12, growth_per_year = 0.02 }
population = { start = 60.0e6 }
[[countries]]
code = "D3"
culture = { pdi = 40, idv = 70, mas = 55, uai = 55, lto = 50, ivr = 55 }
culture_proxy = true
gdp = { start_usd_per_year = 2.0e12, growth_per_year = 0.02 }
population = { start = 60.0e6 }
[[donors]]
code = "BIG"
home = "HOME"
budget_usd_per_year = 8.0e9
other_recipients_weight = 10.0
[[donors.recipients]]
country = "HOST"
[[donors]]
code = "D2"
home = "D2"
budget_usd_per_year = 8.0e9
other_recipients_weight = 10.0
[[donors.recipients]]
country = "HOST"
[[donors]]
code = "D3"
home = "D3"
budget_usd_per_year = 8.0e9
other_recipients_weight = 10.0
[[donors.recipients]]
country = "HOST"
[[shocks]]
id = "cut"
kind = "aid_cut"
target = { donor = "BIG" }
start = "2010Q1"
duration_quarters = 8
intensity = 0.5
"#;

const DONOR_OUTPUT: &str =
    "output.resilience_indicators=[\"oda_gross_received_usd_per_q.HOST\", \"capacity_k.HOST\"]";

/// P7 (Desai & Kharas; Knack & Rahman): after a cut by the largest donor, the more concentrated
/// the recipient's donors (higher HHI), the deeper the fall in aid received and the slower the
/// recovery. Three donors; the largest one's strategic weight sets the concentration. Three
/// replications, compared pairwise on common random numbers.
#[test]
fn p7_aid_concentration_deepens_and_lengthens_the_fall_after_a_cut() {
    let concentrated = small_world(
        DONORS,
        &["donors[BIG].budget_usd_per_year=100.0e9", DONOR_OUTPUT],
    );
    let diversified = small_world(DONORS, &[DONOR_OUTPUT]);
    for r in 0..3 {
        let c = run_replication(&concentrated, r).unwrap();
        let d = run_replication(&diversified, r).unwrap();
        let metric = |res: &kizuna::model::ReplicationResult| {
            let hhi = column(&res.series, "donor_hhi.HOST")[35];
            let m = res
                .resilience
                .iter()
                .find(|x| x.column == "oda_gross_received_usd_per_q.HOST")
                .unwrap()
                .metrics;
            (
                hhi,
                m.depth,
                m.recovery_quarters.unwrap_or(u32::MAX),
                m.loss_area_quarters,
            )
        };
        let (hc, dc, tc, ac) = metric(&c);
        let (hd, dd, td, ad) = metric(&d);
        assert!(hc > hd + 0.2, "replication {r}: HHI {hc:.2} vs {hd:.2}");
        assert!(
            dc > dd * 1.5,
            "replication {r}: depth {dc:.3} (HHI {hc:.2}) vs {dd:.3} (HHI {hd:.2})"
        );
        assert!(
            tc >= td && ac > ad,
            "replication {r}: recovery {tc} vs {td} quarters, loss area {ac:.2} vs {ad:.2}"
        );
    }
}

const SUPPLY_SHOCK: &str = r#"
[[shocks]]
id = "disruption"
kind = "supply_chain_disruption"
target = { country = "HOST" }
start = "2010Q1"
duration_quarters = 4
intensity = 0.6
affected_share = 0.3
"#;

/// Output lost against the counterfactual and the direct loss, over the shock and 8 quarters after.
fn supply_losses(cfg: &Config, replication: u32) -> (f64, f64, Vec<f64>) {
    let shocked = Simulation::new(cfg, replication).run().unwrap();
    let cf = Simulation::new(&cfg.without_shock(0), replication)
        .run()
        .unwrap();
    let start = cfg
        .step_of(kizuna::model::time::Quarter::new(2010, 1))
        .unwrap() as usize;
    let window = start..start + 12;
    let out_s = column(&shocked, "firm_output_usd_per_q.HOST");
    let out_c = column(&cf, "firm_output_usd_per_q.HOST");
    let direct = column(&shocked, "direct_loss_usd_per_q.HOST");
    let total: f64 = window.clone().map(|t| out_c[t] - out_s[t]).sum();
    let direct: f64 = window.map(|t| direct[t]).sum();
    let aff_s = column(&shocked, "affiliate_output_usd_per_q.HOST-HOME");
    let aff_c = column(&cf, "affiliate_output_usd_per_q.HOST-HOME");
    let ratio: Vec<f64> = aff_s.iter().zip(&aff_c).map(|(s, c)| s / c).collect();
    (total, direct, ratio)
}

/// Loss area of the affiliates' output ratio over the shock and the 4 quarters after it.
fn shock_window_loss(ratio: &[f64], start: usize) -> f64 {
    ratio[start..start + 8]
        .iter()
        .map(|q| (1.0 - q).max(0.0))
        .sum()
}

/// P9 (Inoue & Todo 2019; Todo et al.): a disruption hitting 30 % of the host's firms propagates
/// through supply links, so the indirect output loss exceeds the direct loss; with less
/// substitutable (more specific) inputs the affiliates' loss is deeper; with diversified
/// (redundant) suppliers it is smaller. Eight replications on common random numbers; the
/// diversification effect is compared on the mean over replications because it is a few percent
/// of output, of the order of the replication noise once the worlds' partnerships diverge.
#[test]
fn p9_supply_shocks_propagate_and_diversification_speeds_recovery() {
    let base = small_world(SUPPLY_SHOCK, &[]);
    let rigid = small_world(SUPPLY_SHOCK, &["parameters.supply.specificity=0.95"]);
    let specific = small_world(SUPPLY_SHOCK, &["parameters.supply.specificity=0.8"]);
    let diversified = small_world(
        &format!(
            "{SUPPLY_SHOCK}\n[[programmes]]\ncode = \"div\"\nlever = \"diversification\"\npair = \"HOST-HOME\"\ndose = 1.0\nstart = \"2000Q1\"\n"
        ),
        &["parameters.supply.specificity=0.8"],
    );
    let start = base
        .step_of(kizuna::model::time::Quarter::new(2010, 1))
        .unwrap() as usize;
    let (mut loss_specific, mut loss_div) = (0.0, 0.0);
    let reps = 8;
    for r in 0..reps {
        let (total, direct, q_base) = supply_losses(&base, r);
        let indirect = total - direct;
        // One tier of local suppliers (no domestic supplier network) keeps the ratio near 1–2,
        // below the 10–20 of nationwide multi-tier networks (Inoue & Todo): assert the direction.
        assert!(
            direct > 0.0 && indirect > direct,
            "replication {r}: indirect {indirect:.3e} vs direct {direct:.3e}"
        );
        eprintln!(
            "P9 replication {r}: indirect/direct = {:.2}",
            indirect / direct
        );
        let (_, _, q_rigid) = supply_losses(&rigid, r);
        let (l_base, l_rigid) = (
            shock_window_loss(&q_base, start),
            shock_window_loss(&q_rigid, start),
        );
        let depth = |q: &[f64]| {
            1.0 - q[start..start + 4]
                .iter()
                .copied()
                .fold(f64::INFINITY, f64::min)
        };
        assert!(
            l_rigid > l_base,
            "replication {r}: loss area with specific inputs {l_rigid:.3} vs {l_base:.3}"
        );
        assert!(
            depth(&q_rigid) > depth(&q_base),
            "replication {r}: depth {:.3} vs {:.3}",
            depth(&q_rigid),
            depth(&q_base)
        );
        loss_specific += shock_window_loss(&supply_losses(&specific, r).2, start);
        loss_div += shock_window_loss(&supply_losses(&diversified, r).2, start);
    }
    assert!(
        loss_div < loss_specific,
        "mean loss area with redundant suppliers {:.3} vs {:.3}",
        loss_div / reps as f64,
        loss_specific / reps as f64
    );
}
