//! Plot module: synthetic run and sweep directories are plotted, and every PNG is checked
//! (decodes, right size, not blank, same bytes when drawn again). Errors name the bad file.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use kizuna::plot::{
    ObservedPoint, PlotError, PlotFormat, PlotOptions, plot_run_dir, plot_sweep_dir,
};

// ---------------------------------------------------------------- synthetic fixtures

/// Deterministic noise in [-1, 1] (splitmix64 of the inputs).
fn noise(a: u64, b: u64, c: u64) -> f64 {
    let mut z = a
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .wrapping_add(b.wrapping_mul(0xBF58_476D_1CE4_E5B9))
        .wrapping_add(c.wrapping_mul(0x94D0_49BB_1331_11EB))
        .wrapping_add(0x1234_5678);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0
}

const PAIRS: [&str; 2] = ["VNM-JPN", "VNM-KOR"];
const COUNTRIES: [&str; 2] = ["KHM", "VNM"];
const STEPS: u64 = 60;
const SHOCK_STEP: u64 = 40;

/// Value of a pair indicator (k = pair index) without the shock.
fn pair_value(name: &str, k: usize, rep: u64, t: u64) -> f64 {
    let tf = t as f64;
    let kf = 1.0 + k as f64 * 0.6;
    let n = |i: u64| noise(rep, t, i + 17 * k as u64);
    match name {
        "oda_net_usd_per_q" => 3e8 / kf * (1.0 + 0.02 * tf) * (1.0 + 0.15 * n(1)),
        "fdi_stock_usd" => 5e9 / kf * (0.03 * tf).exp() * (1.0 + 0.04 * rep as f64 * n(2).abs()),
        "trade_usd_per_q" => 8e9 / kf * (1.0 + 0.015 * tf) * (1.0 + 0.05 * n(3)),
        "residents_persons" => 2e4 / kf * (0.05 * tf).exp() * (1.0 + 0.03 * n(4)),
        "active_partnerships" => (200.0 / kf + 5.0 * tf + 10.0 * n(5)).round(),
        "mean_partnership_trust" => 0.45 + 0.25 * (1.0 - (-tf / 20.0).exp()) + 0.03 * n(6),
        "pair_trust" => 0.5 + 0.2 * (1.0 - (-tf / 25.0).exp()) + 0.02 * n(7),
        "gov_trust" => 0.6 + 0.1 * (tf / 8.0).sin() + 0.02 * n(8),
        "mean_friction" => 0.42 - 0.12 * (1.0 - (-tf / 30.0).exp()) + 0.02 * n(9),
        _ => unreachable!(),
    }
}

fn country_value(name: &str, k: usize, rep: u64, t: u64) -> f64 {
    let tf = t as f64;
    let n = |i: u64| noise(rep, t, 100 + i + 13 * k as u64);
    match name {
        "aid_gni_ratio" => 0.04 * (1.0 + k as f64) * (-tf / 40.0).exp() * (1.0 + 0.1 * n(1)),
        "donor_hhi" => 0.35 + 0.05 * (tf / 10.0).sin() + 0.02 * n(2),
        "capacity_k" => 0.3 + 0.35 * (1.0 - (-tf / 30.0).exp()) + 0.02 * n(3),
        _ => unreachable!(),
    }
}

const PAIR_INDICATORS: [&str; 9] = [
    "oda_net_usd_per_q",
    "fdi_stock_usd",
    "trade_usd_per_q",
    "residents_persons",
    "active_partnerships",
    "mean_partnership_trust",
    "pair_trust",
    "gov_trust",
    "mean_friction",
];
const COUNTRY_INDICATORS: [&str; 3] = ["aid_gni_ratio", "donor_hhi", "capacity_k"];

/// The shocked value relative to the counterfactual: a dip at SHOCK_STEP recovering with
/// time constant `tau` quarters.
fn shock_ratio(depth: f64, tau: f64, t: u64) -> f64 {
    if t < SHOCK_STEP {
        1.0
    } else {
        1.0 - depth * (-((t - SHOCK_STEP) as f64) / tau).exp()
    }
}

/// A run directory with `reps` replications, two pairs, two countries and one shock on two
/// indicators (trade recovers, FDI does not in most replications).
fn write_run_dir(dir: &Path, reps: u64) {
    fs::create_dir_all(dir).unwrap();
    let mut ts = String::from("replication,step,year,quarter");
    for p in PAIRS {
        for i in PAIR_INDICATORS {
            write!(ts, ",{i}.{p}").unwrap();
        }
    }
    for c in COUNTRIES {
        for i in COUNTRY_INDICATORS {
            write!(ts, ",{i}.{c}").unwrap();
        }
    }
    ts.push('\n');
    for rep in 0..reps {
        for t in 0..STEPS {
            write!(ts, "{rep},{t},{},{}", 2010 + t / 4, t % 4 + 1).unwrap();
            for (k, _) in PAIRS.iter().enumerate() {
                for i in PAIR_INDICATORS {
                    let mut v = pair_value(i, k, rep, t);
                    if k == 0 && i == "trade_usd_per_q" {
                        v *= shock_ratio(0.3, 5.0, t);
                    }
                    write!(ts, ",{v}").unwrap();
                }
            }
            for (k, _) in COUNTRIES.iter().enumerate() {
                for i in COUNTRY_INDICATORS {
                    write!(ts, ",{}", country_value(i, k, rep, t)).unwrap();
                }
            }
            ts.push('\n');
        }
    }
    fs::write(dir.join("timeseries.csv"), ts).unwrap();

    let mut res = String::from(
        "replication,shock_id,shock_kind,indicator,start_step,start_year,start_quarter,depth,\
         recovery_quarters,loss_area_quarters,recovery_ratio_4q,recovery_ratio_8q,\
         recovery_ratio_12q,bounce_forward\n",
    );
    let mut paths =
        String::from("shock_id,indicator,replication,step,year,quarter,shocked,counterfactual\n");
    let shocked = [("trade_usd_per_q", 0.3, 5.0), ("fdi_stock_usd", 0.12, 60.0)];
    for (ind, depth0, tau) in shocked {
        let col = format!("{ind}.VNM-JPN");
        for rep in 0..reps {
            let depth = depth0 * (1.0 + 0.2 * noise(rep, 7, 7));
            let recovered = ind == "trade_usd_per_q" || rep == 0;
            let rec = if recovered {
                format!("{}", 6 + rep % 3)
            } else {
                String::new()
            };
            writeln!(
                res,
                "{rep},covid,demand,{col},{SHOCK_STEP},2020,1,{depth},{rec},{},0.5,0.8,0.9,1.01",
                depth * tau
            )
            .unwrap();
            for t in 0..STEPS {
                let cf = pair_value(ind, 0, rep, t);
                let sh = cf * shock_ratio(depth, tau, t);
                writeln!(
                    paths,
                    "covid,{col},{rep},{t},{},{},{sh},{cf}",
                    2010 + t / 4,
                    t % 4 + 1
                )
                .unwrap();
            }
        }
    }
    fs::write(dir.join("resilience.csv"), res).unwrap();
    fs::write(dir.join("resilience_paths.csv"), paths).unwrap();
}

fn observed() -> Vec<ObservedPoint> {
    let mut v = Vec::new();
    for y in 2010..2025 {
        let t = ((y - 2010) * 4 + 3) as u64;
        v.push(ObservedPoint {
            column: "fdi_stock_usd.VNM-JPN".into(),
            year: y as f64 + 0.875,
            value: pair_value("fdi_stock_usd", 0, 0, t) * (1.0 + 0.08 * noise(y as u64, 1, 1)),
            label: "MPI FDI registry".into(),
        });
        if y % 2 == 0 {
            v.push(ObservedPoint {
                column: "fdi_stock_usd.VNM-JPN".into(),
                year: y as f64 + 0.5,
                value: pair_value("fdi_stock_usd", 0, 0, t) * 0.9,
                label: "JETRO survey".into(),
            });
        }
        v.push(ObservedPoint {
            column: "trade_usd_per_q.VNM-JPN".into(),
            year: y as f64 + 0.5,
            value: pair_value("trade_usd_per_q", 0, 0, t) * (1.0 + 0.1 * noise(y as u64, 2, 2)),
            label: "UN Comtrade".into(),
        });
    }
    v
}

struct Param {
    key: &'static str,
    log: bool,
    values: Vec<f64>,
}

const METRICS: [&str; 3] = [
    "final.fdi_stock_usd.VNM-JPN",
    "covid.trade_usd_per_q.VNM-JPN.depth",
    "mean_trust",
];

fn metric_value(m: usize, p: &[f64], rep: u64, point: u64) -> f64 {
    let a = p[0];
    let b = p.get(1).copied().unwrap_or(1.0);
    let c = p.get(2).copied().unwrap_or(2000.0);
    let n = noise(point, rep, m as u64);
    match m {
        0 => 4e9 * (1.0 + a) * b.powf(0.3) * (1.0 + c / 10_000.0) * (1.0 + 0.1 * n),
        1 => (0.35 - 0.2 * a + 0.02 * b.ln() - c / 40_000.0 + 0.03 * n).clamp(0.0, 1.0),
        _ => 0.5 + 0.2 * a - 0.03 * b.ln() + 0.02 * n,
    }
}

/// A sweep directory over the full grid of `params` with two replications per point.
fn write_sweep_dir(dir: &Path, params: &[Param]) {
    write_sweep_dir_with_design(dir, params, "grid");
}

fn write_sweep_dir_with_design(dir: &Path, params: &[Param], design: &str) {
    fs::create_dir_all(dir).unwrap();
    let mut grid: Vec<Vec<f64>> = vec![vec![]];
    for p in params {
        grid = grid
            .into_iter()
            .flat_map(|g| {
                p.values.iter().map(move |v| {
                    let mut g = g.clone();
                    g.push(*v);
                    g
                })
            })
            .collect();
    }
    let keys: Vec<&str> = params.iter().map(|p| p.key).collect();
    let mut runs = format!(
        "point_id,replication,seed,{},{}\n",
        keys.join(","),
        METRICS.join(",")
    );
    let mut points = format!("point_id,{}", keys.join(","));
    for m in METRICS {
        for s in ["mean", "sd", "q05", "q50", "q95"] {
            write!(points, ",{m}.{s}").unwrap();
        }
    }
    points.push('\n');
    for (pid, g) in grid.iter().enumerate() {
        let vals: Vec<String> = g.iter().map(|v| v.to_string()).collect();
        let mut per_metric = vec![Vec::new(); METRICS.len()];
        for rep in 0..2u64 {
            write!(
                runs,
                "{pid},{rep},{},{}",
                1000 + pid as u64 * 2 + rep,
                vals.join(",")
            )
            .unwrap();
            for (m, acc) in per_metric.iter_mut().enumerate() {
                let v = metric_value(m, g, rep, pid as u64);
                acc.push(v);
                write!(runs, ",{v}").unwrap();
            }
            runs.push('\n');
        }
        write!(points, "{pid},{}", vals.join(",")).unwrap();
        for acc in &per_metric {
            let mean = acc.iter().sum::<f64>() / acc.len() as f64;
            let sd = (acc.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / 1.0).sqrt();
            let (lo, hi) = (acc[0].min(acc[1]), acc[0].max(acc[1]));
            write!(
                points,
                ",{mean},{sd},{},{mean},{}",
                lo + 0.05 * (hi - lo),
                lo + 0.95 * (hi - lo)
            )
            .unwrap();
        }
        points.push('\n');
    }
    let manifest = serde_json::json!({
        "name": "test-sweep",
        "design": design,
        "parameters": params.iter().map(|p| serde_json::json!({
            "key": p.key, "scale": if p.log { "log" } else { "linear" }
        })).collect::<Vec<_>>(),
        "metrics": METRICS,
        "seed": 1,
        "replications": 2,
    });
    fs::write(dir.join("runs.csv"), runs).unwrap();
    fs::write(dir.join("points.csv"), points).unwrap();
    fs::write(
        dir.join("manifest.json"),
        serde_json::to_string_pretty(&manifest).unwrap(),
    )
    .unwrap();
}

fn two_params() -> Vec<Param> {
    vec![
        Param {
            key: "culture.mitigation",
            log: false,
            values: vec![0.0, 0.25, 0.5, 0.75, 1.0],
        },
        Param {
            key: "oda.budget_scale",
            log: true,
            values: vec![0.1, 0.3, 1.0, 3.0],
        },
    ]
}

fn three_params() -> Vec<Param> {
    let mut p = two_params();
    p[0].values = vec![0.0, 0.5, 1.0];
    p.push(Param {
        key: "talent.ssw_quota_persons_per_year",
        log: false,
        values: vec![1000.0, 2000.0, 3000.0],
    });
    p
}

// ---------------------------------------------------------------- PNG checks

fn names(paths: &[PathBuf]) -> Vec<String> {
    paths
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect()
}

/// Decodes, checks size and that the image is not blank.
fn check_png(path: &Path, w: u32, h: u32) {
    assert!(path.is_file(), "{} was not written", path.display());
    let img = image::open(path)
        .unwrap_or_else(|e| panic!("{} does not decode: {e}", path.display()))
        .to_rgb8();
    assert_eq!(img.dimensions(), (w, h), "{}", path.display());
    let mut colours: Vec<[u8; 3]> = img.pixels().map(|p| p.0).collect();
    let non_white = colours.iter().filter(|c| **c != [255, 255, 255]).count();
    colours.sort_unstable();
    colours.dedup();
    assert!(
        colours.len() >= 8,
        "{}: only {} colours",
        path.display(),
        colours.len()
    );
    let share = non_white as f64 / (w * h) as f64;
    assert!(
        (0.02..0.9).contains(&share),
        "{}: {:.1} % non-background pixels",
        path.display(),
        share * 100.0
    );
}

fn read_all(paths: &[PathBuf]) -> Vec<Vec<u8>> {
    paths.iter().map(|p| fs::read(p).unwrap()).collect()
}

/// All tests live in `plots` so that `cargo test plot` selects them.
mod plots {
    use super::*;

    // ---------------------------------------------------------------- run plots

    #[test]
    fn run_dir_writes_every_plot_kind_with_stable_names() {
        let tmp = tempfile::tempdir().unwrap();
        write_run_dir(tmp.path(), 4);
        let out = plot_run_dir(tmp.path(), &observed(), &PlotOptions::default()).unwrap();
        let got = names(&out);
        let mut sorted = got.clone();
        sorted.sort();
        assert_eq!(got, sorted, "paths are returned sorted");
        for p in PAIRS {
            let s = p.to_lowercase();
            for i in [
                "oda_net_usd_per_q",
                "fdi_stock_usd",
                "trade_usd_per_q",
                "residents_persons",
                "active_partnerships",
                "pair_trust",
            ] {
                assert!(
                    got.contains(&format!("fan_{i}_{s}.png")),
                    "fan_{i}_{s} in {got:?}"
                );
            }
            assert!(got.contains(&format!("trust_{s}.png")));
        }
        for c in COUNTRIES {
            let s = c.to_lowercase();
            for i in ["aid_gni_ratio", "capacity_k"] {
                assert!(got.contains(&format!("fan_{i}_{s}.png")));
            }
            assert!(got.contains(&format!("aid_{s}.png")));
        }
        assert!(got.contains(&"shock_covid_trade_usd_per_q_vnm-jpn.png".to_string()));
        assert!(got.contains(&"shock_covid_fdi_stock_usd_vnm-jpn.png".to_string()));
        // Trust and friction columns other than pair_trust are not fan-charted by default.
        assert!(!got.iter().any(|n| n.starts_with("fan_gov_trust")));
        assert_eq!(got.len(), 12 + 4 + 2 + 2 + 2);
        for p in &out {
            assert_eq!(p.parent().unwrap(), tmp.path().join("plots"));
            check_png(p, 1600, 1000);
        }
    }

    #[test]
    fn run_plots_are_byte_identical_when_drawn_twice() {
        let tmp = tempfile::tempdir().unwrap();
        write_run_dir(tmp.path(), 3);
        let opts = PlotOptions {
            width: 800,
            height: 500,
            indicators: vec![],
            ..PlotOptions::default()
        };
        let first = plot_run_dir(tmp.path(), &observed(), &opts).unwrap();
        let bytes = read_all(&first);
        let second = plot_run_dir(tmp.path(), &observed(), &opts).unwrap();
        assert_eq!(first, second);
        assert!(bytes == read_all(&second), "second drawing differs");
    }

    #[test]
    fn one_replication_collapses_bands_and_still_draws() {
        let tmp = tempfile::tempdir().unwrap();
        write_run_dir(tmp.path(), 1);
        let opts = PlotOptions {
            indicators: vec!["fdi_stock_usd.VNM-JPN".into(), "gov_trust.VNM-KOR".into()],
            ..PlotOptions::default()
        };
        let out = plot_run_dir(tmp.path(), &observed(), &opts).unwrap();
        let got = names(&out);
        assert!(got.contains(&"fan_fdi_stock_usd_vnm-jpn.png".to_string()));
        assert!(got.contains(&"fan_gov_trust_vnm-kor.png".to_string()));
        assert!(!got.contains(&"fan_trade_usd_per_q_vnm-jpn.png".to_string()));
        for p in &out {
            check_png(p, 1600, 1000);
        }
    }

    #[test]
    fn small_image_size_is_respected() {
        let tmp = tempfile::tempdir().unwrap();
        write_run_dir(tmp.path(), 2);
        let opts = PlotOptions {
            width: 900,
            height: 600,
            indicators: vec!["trade_usd_per_q.VNM-JPN".into()],
            ..PlotOptions::default()
        };
        for p in plot_run_dir(tmp.path(), &[], &opts).unwrap() {
            check_png(&p, 900, 600);
        }
    }

    // ---------------------------------------------------------------- sweep plots

    #[test]
    fn two_parameter_grid_sweep_draws_heatmaps_lines_and_tornado_charts() {
        let tmp = tempfile::tempdir().unwrap();
        write_sweep_dir(tmp.path(), &two_params());
        let out = plot_sweep_dir(tmp.path(), &PlotOptions::default()).unwrap();
        let got = names(&out);
        assert_eq!(
            got,
            vec![
                "heatmap_covid_trade_usd_per_q_vnm-jpn_depth.png",
                "heatmap_final_fdi_stock_usd_vnm-jpn.png",
                "heatmap_mean_trust.png",
                "lines_covid_trade_usd_per_q_vnm-jpn_depth.png",
                "lines_final_fdi_stock_usd_vnm-jpn.png",
                "lines_mean_trust.png",
                "tornado_covid_trade_usd_per_q_vnm-jpn_depth.png",
                "tornado_final_fdi_stock_usd_vnm-jpn.png",
                "tornado_mean_trust.png",
            ]
        );
        for p in &out {
            check_png(p, 1600, 1000);
        }
    }

    #[test]
    fn non_grid_sweep_draws_scatter_plots_instead_of_heatmaps_and_lines() {
        for design in ["lhs", "random", "sobol", "morris", "saltelli"] {
            let tmp = tempfile::tempdir().unwrap();
            write_sweep_dir_with_design(tmp.path(), &two_params(), design);
            let out = plot_sweep_dir(tmp.path(), &PlotOptions::default()).unwrap();
            let got = names(&out);
            assert_eq!(
                got,
                vec![
                    "scatter_covid_trade_usd_per_q_vnm-jpn_depth.png",
                    "scatter_final_fdi_stock_usd_vnm-jpn.png",
                    "scatter_mean_trust.png",
                    "tornado_covid_trade_usd_per_q_vnm-jpn_depth.png",
                    "tornado_final_fdi_stock_usd_vnm-jpn.png",
                    "tornado_mean_trust.png",
                ],
                "{design}"
            );
            for p in &out {
                check_png(p, 1600, 1000);
            }
        }
    }

    #[test]
    fn three_parameter_sweep_adds_tornado_charts() {
        let tmp = tempfile::tempdir().unwrap();
        write_sweep_dir(tmp.path(), &three_params());
        let out = plot_sweep_dir(tmp.path(), &PlotOptions::default()).unwrap();
        let got = names(&out);
        assert_eq!(got.len(), 9, "{got:?}");
        assert!(got.contains(&"tornado_mean_trust.png".to_string()));
        for p in &out {
            check_png(p, 1600, 1000);
        }
    }

    /// Every text element of an SVG uses the embedded font family, never a system one.
    fn check_svg(path: &Path, title_word: Option<&str>) {
        let text = fs::read_to_string(path).unwrap();
        assert!(text.starts_with("<svg "), "{}", path.display());
        assert!(
            text.trim_end().ends_with("</svg>"),
            "{} is cut short",
            path.display()
        );
        assert!(text.contains("@font-face{font-family:\"kizuna-dejavu-sans\";font-weight:normal;src:url(data:font/ttf;base64,"));
        let texts = text.matches("<text ").count();
        assert!(texts > 5, "{}: {texts} text elements", path.display());
        assert_eq!(
            text.matches("font-family=\"kizuna-dejavu-sans\"").count(),
            texts
        );
        assert!(!text.contains("font-family=\"sans-serif\""));
        assert!(
            title_word.is_none_or(|w| text.contains(w)),
            "{}: no {title_word:?} as text",
            path.display()
        );
    }

    #[test]
    fn svg_and_both_formats_write_svgs_with_text_and_embedded_fonts() {
        let tmp = tempfile::tempdir().unwrap();
        write_run_dir(tmp.path(), 2);
        let opts = |format| PlotOptions {
            width: 800,
            height: 500,
            format,
            ..PlotOptions::default()
        };
        let png = names(&plot_run_dir(tmp.path(), &observed(), &opts(PlotFormat::Png)).unwrap());
        let both = plot_run_dir(tmp.path(), &observed(), &opts(PlotFormat::Both)).unwrap();
        let svgs: Vec<&PathBuf> = both
            .iter()
            .filter(|p| p.extension().unwrap() == "svg")
            .collect();
        assert_eq!(svgs.len(), png.len(), "one SVG per PNG");
        for p in &svgs {
            assert!(png.contains(&names(&[p.with_extension("png")])[0]));
            check_svg(p, Some("Median"));
        }
        // svg alone writes the same SVG bytes as both, and no new PNG.
        let svg_dir = tempfile::tempdir().unwrap();
        write_run_dir(svg_dir.path(), 2);
        let only = plot_run_dir(svg_dir.path(), &observed(), &opts(PlotFormat::Svg)).unwrap();
        assert!(only.iter().all(|p| p.extension().unwrap() == "svg"));
        for (a, b) in only.iter().zip(&svgs) {
            assert_eq!(
                fs::read(a).unwrap(),
                fs::read(b).unwrap(),
                "{}",
                a.display()
            );
        }
        let sweep = tempfile::tempdir().unwrap();
        write_sweep_dir(sweep.path(), &three_params());
        let out = plot_sweep_dir(sweep.path(), &opts(PlotFormat::Svg)).unwrap();
        assert!(!out.is_empty());
        for p in &out {
            assert_eq!(p.extension().unwrap(), "svg");
            check_svg(p, None);
        }
    }

    #[test]
    fn one_parameter_sweep_draws_lines_only() {
        let tmp = tempfile::tempdir().unwrap();
        // The remaining parameter is the log-scaled one.
        let mut p = two_params();
        p.remove(0);
        write_sweep_dir(tmp.path(), &p);
        let out = plot_sweep_dir(tmp.path(), &PlotOptions::default()).unwrap();
        assert!(names(&out).iter().all(|n| n.starts_with("lines_")));
        assert_eq!(out.len(), 3);
        for p in &out {
            check_png(p, 1600, 1000);
        }
    }

    #[test]
    fn sweep_plots_are_byte_identical_when_drawn_twice() {
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        write_sweep_dir(a.path(), &three_params());
        write_sweep_dir(b.path(), &three_params());
        let opts = PlotOptions {
            width: 800,
            height: 500,
            indicators: vec![],
            ..PlotOptions::default()
        };
        let pa = plot_sweep_dir(a.path(), &opts).unwrap();
        let pb = plot_sweep_dir(b.path(), &opts).unwrap();
        assert_eq!(names(&pa), names(&pb));
        assert!(
            read_all(&pa) == read_all(&pb),
            "same input gave different bytes"
        );
    }

    // ---------------------------------------------------------------- errors

    fn err_mentions(e: &PlotError, file: &str) {
        let msg = e.to_string();
        assert!(msg.contains(file), "`{msg}` does not name {file}");
        assert!(
            e.path().is_some_and(|p| p.ends_with(file)),
            "{e:?} path is not {file}"
        );
    }

    #[test]
    fn missing_run_file_is_an_error_naming_the_file() {
        for file in ["timeseries.csv", "resilience.csv", "resilience_paths.csv"] {
            let tmp = tempfile::tempdir().unwrap();
            write_run_dir(tmp.path(), 2);
            fs::remove_file(tmp.path().join(file)).unwrap();
            let e = plot_run_dir(tmp.path(), &[], &PlotOptions::default()).unwrap_err();
            assert!(matches!(e, PlotError::MissingFile { .. }), "{e:?}");
            err_mentions(&e, file);
        }
    }

    #[test]
    fn missing_column_is_an_error_naming_file_and_column() {
        let tmp = tempfile::tempdir().unwrap();
        write_run_dir(tmp.path(), 2);
        let p = tmp.path().join("resilience_paths.csv");
        let text = fs::read_to_string(&p)
            .unwrap()
            .replacen("counterfactual", "cf", 1);
        fs::write(&p, text).unwrap();
        let e = plot_run_dir(tmp.path(), &[], &PlotOptions::default()).unwrap_err();
        assert!(
            matches!(&e, PlotError::MissingColumn { column, .. } if column == "counterfactual")
        );
        err_mentions(&e, "resilience_paths.csv");

        let opts = PlotOptions {
            indicators: vec!["fdi_stock_usd.LAO-JPN".into()],
            ..PlotOptions::default()
        };
        write_run_dir(tmp.path(), 2);
        let e = plot_run_dir(tmp.path(), &[], &opts).unwrap_err();
        assert!(e.to_string().contains("fdi_stock_usd.LAO-JPN"));
        err_mentions(&e, "timeseries.csv");
    }

    #[test]
    fn empty_or_malformed_timeseries_is_an_error_not_a_panic() {
        let tmp = tempfile::tempdir().unwrap();
        write_run_dir(tmp.path(), 2);
        let p = tmp.path().join("timeseries.csv");
        let text = fs::read_to_string(&p).unwrap();
        let header = text.lines().next().unwrap().to_string();
        fs::write(&p, format!("{header}\n")).unwrap();
        let e = plot_run_dir(tmp.path(), &[], &PlotOptions::default()).unwrap_err();
        assert!(matches!(e, PlotError::NoRows { .. }), "{e:?}");
        err_mentions(&e, "timeseries.csv");

        let bad = text.replacen("\n0,0,2010,1,", "\n0,zero,2010,1,", 1);
        fs::write(&p, bad).unwrap();
        let e = plot_run_dir(tmp.path(), &[], &PlotOptions::default()).unwrap_err();
        assert!(matches!(e, PlotError::BadValue { line: 2, .. }), "{e:?}");
        err_mentions(&e, "timeseries.csv");

        fs::write(&p, "").unwrap();
        let e = plot_run_dir(tmp.path(), &[], &PlotOptions::default()).unwrap_err();
        err_mentions(&e, "timeseries.csv");
    }

    #[test]
    fn missing_sweep_file_or_metric_column_is_an_error_naming_the_file() {
        for file in ["runs.csv", "points.csv", "manifest.json"] {
            let tmp = tempfile::tempdir().unwrap();
            write_sweep_dir(tmp.path(), &two_params());
            fs::remove_file(tmp.path().join(file)).unwrap();
            let e = plot_sweep_dir(tmp.path(), &PlotOptions::default()).unwrap_err();
            assert!(matches!(e, PlotError::MissingFile { .. }), "{e:?}");
            err_mentions(&e, file);
        }
        let tmp = tempfile::tempdir().unwrap();
        write_sweep_dir(tmp.path(), &two_params());
        let p = tmp.path().join("points.csv");
        let text = fs::read_to_string(&p)
            .unwrap()
            .replacen("mean_trust.mean", "mean_trust.avg", 1);
        fs::write(&p, text).unwrap();
        let e = plot_sweep_dir(tmp.path(), &PlotOptions::default()).unwrap_err();
        assert!(e.to_string().contains("mean_trust.mean"));
        err_mentions(&e, "points.csv");

        fs::write(tmp.path().join("manifest.json"), "{\"parameters\": 3}").unwrap();
        let e = plot_sweep_dir(tmp.path(), &PlotOptions::default()).unwrap_err();
        assert!(matches!(e, PlotError::Manifest { .. }), "{e:?}");
        err_mentions(&e, "manifest.json");
    }

    // ---------------------------------------------------------------- for looking at the plots

    /// Renders every plot kind into `$KIZUNA_PLOTCHECK` (default /tmp/plotcheck) for a human to
    /// look at: `cargo test --test plot_png -- --ignored`.
    #[test]
    #[ignore]
    fn render_examples_for_viewing() {
        let base = PathBuf::from(
            std::env::var("KIZUNA_PLOTCHECK").unwrap_or_else(|_| "/tmp/plotcheck".into()),
        );
        let _ = fs::remove_dir_all(&base);
        let run = base.join("run");
        write_run_dir(&run, 10);
        plot_run_dir(&run, &observed(), &PlotOptions::default()).unwrap();
        let run1 = base.join("run1");
        write_run_dir(&run1, 1);
        plot_run_dir(&run1, &observed(), &PlotOptions::default()).unwrap();
        let s2 = base.join("sweep2");
        write_sweep_dir(&s2, &two_params());
        plot_sweep_dir(&s2, &PlotOptions::default()).unwrap();
        let small = base.join("run_small");
        write_run_dir(&small, 5);
        let opts = PlotOptions {
            width: 800,
            height: 500,
            indicators: vec![],
            ..PlotOptions::default()
        };
        plot_run_dir(&small, &observed(), &opts).unwrap();
        let s3 = base.join("sweep3");
        write_sweep_dir(&s3, &three_params());
        plot_sweep_dir(&s3, &PlotOptions::default()).unwrap();
        let s1 = base.join("sweep1");
        let mut p = two_params();
        p.remove(0);
        write_sweep_dir(&s1, &p);
        plot_sweep_dir(&s1, &PlotOptions::default()).unwrap();
    }

    #[test]
    fn shock_below_the_no_loss_threshold_is_not_drawn() {
        let tmp = tempfile::tempdir().unwrap();
        write_run_dir(tmp.path(), 3);
        // Depth 0.0005 (below the model's 0.1 % "no loss" threshold) in every replication of
        // the FDI rows; trade keeps its 30 % dip.
        let p = tmp.path().join("resilience.csv");
        let text = fs::read_to_string(&p).unwrap();
        let mut out = String::new();
        for (i, line) in text.lines().enumerate() {
            let mut cells: Vec<String> = line.split(',').map(str::to_string).collect();
            if i > 0 && cells[3].starts_with("fdi_stock_usd") {
                cells[7] = "0.0005".into();
            }
            out.push_str(&cells.join(","));
            out.push('\n');
        }
        fs::write(&p, out).unwrap();
        let got = names(&plot_run_dir(tmp.path(), &[], &PlotOptions::default()).unwrap());
        assert!(got.contains(&"shock_covid_trade_usd_per_q_vnm-jpn.png".to_string()));
        assert!(!got.contains(&"shock_covid_fdi_stock_usd_vnm-jpn.png".to_string()));
    }

    #[test]
    fn run_without_shock_rows_draws_no_shock_plots() {
        let tmp = tempfile::tempdir().unwrap();
        write_run_dir(tmp.path(), 2);
        for file in ["resilience.csv", "resilience_paths.csv"] {
            let p = tmp.path().join(file);
            let text = fs::read_to_string(&p).unwrap();
            let header = text.lines().next().unwrap().to_string();
            fs::write(&p, format!("{header}\n")).unwrap();
        }
        let out = plot_run_dir(tmp.path(), &[], &PlotOptions::default()).unwrap();
        assert!(!names(&out).iter().any(|n| n.starts_with("shock_")));
        assert_eq!(out.len(), 20);
    }
}
