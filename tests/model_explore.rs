mod common;
use kizuna::model::world::{EndReason, PartnershipMode, NONE_U32};
use kizuna::model::Simulation;

#[test]
#[ignore]
fn explore_p2() {
    for extra in ["", "[[programmes]]\ncode=\"t\"\nlever=\"joint_training\"\npair=\"HOST-HOME\"\ndose=1.0\nstart=\"2000Q1\"\n[[programmes]]\ncode=\"l\"\nlever=\"liaison\"\npair=\"HOST-HOME\"\ndose=1.0\nstart=\"2000Q1\"\n"] {
    let cfg = common::small_world(extra, &[]);
    let (_s, w) = Simulation::new(&cfg, 0).run_keeping_world().unwrap();
    let p = &w.partnerships;
    let last = cfg.steps() - 1;
    let (mut n, mut trouble, mut failed, mut success) = (0, 0, 0, 0);
    let mut reasons = std::collections::BTreeMap::new();
    for i in 0..p.len() {
        if p.mode[i] == PartnershipMode::OdaProject || p.start_step[i] + 28 > last { continue; }
        n += 1;
        if p.trouble_step[i] != NONE_U32 && p.trouble_step[i] - p.start_step[i] < 8 { trouble += 1; }
        let ended_early = p.end_reason[i] != EndReason::Active && p.end_step[i] - p.start_step[i] < 28;
        if ended_early { failed += 1; *reasons.entry(format!("{:?}", p.end_reason[i])).or_insert(0) += 1; } else if p.end_reason[i] == EndReason::Active && p.trust[i] >= 0.5 { success += 1; }
    }
    println!("{reasons:?}");
    println!("n {n} trouble {:.3} failed {:.3} success {:.3}", trouble as f64 / n as f64, failed as f64 / n as f64, success as f64 / n as f64);
    }
}

#[test]
#[ignore]
fn explore_fill() {
    let cfg = common::small_world("", &[]);
    let (_s, w) = Simulation::new(&cfg, 0).run_keeping_world().unwrap();
    let f = &w.firms;
    let mut low = 0; let mut n = 0; let mut max_cap_ratio: f64 = 0.0;
    for i in 0..f.len() {
        if f.kind[i] == kizuna::model::config::FirmKind::Domestic {
            n += 1;
            if f.fill_rate[i] < 0.7 { low += 1; }
            max_cap_ratio = max_cap_ratio.max(f.capital_usd[i] / f.base_capital_usd[i]);
        }
    }
    println!("domestic {n} low fill {low} max capital growth {max_cap_ratio}");
}
