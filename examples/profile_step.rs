//! Runs the benchmark world for profiling: `cargo run --release --example profile_step -- 100000`.
use kizuna::model::Simulation;
use kizuna::scenario::load::from_text;
fn main() {
    let firms: u64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100_000);
    let text = include_str!("../benches/step.rs");
    let start = text.find("r#\"").unwrap() + 3;
    let end = text.find("\"#\n").unwrap();
    let template = &text[start..end];
    let investors = firms / 4;
    let body = template
        .replace("{investors}", &investors.to_string())
        .replace("{domestic}", &(firms - investors).to_string())
        .replace("{{", "{")
        .replace("}}", "}");
    let cfg = from_text("bench.toml", &body, &[]).unwrap().config;
    let mut sim = Simulation::new(&cfg, 0);
    let t = std::time::Instant::now();
    for step in 0..48 {
        sim.world.step = step;
        sim.step();
    }
    let n = sim.world.firms.len();
    eprintln!(
        "{n} firms, {} partnerships active, 48 steps in {:.2} s",
        sim.world.partnerships.active.len(),
        t.elapsed().as_secs_f64()
    );
}
