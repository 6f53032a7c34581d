//! `kizuna compare`: compare.csv as documented, the forest plot, and the pairing of replications
//! checked against two separate `kizuna run`s on the same seed.

#[path = "cli_support.rs"]
mod support;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use support::*;

const HEADER: &str = "scenario,baseline,metric,kind,shock_id,indicator,statistic,replications,n_defined,n_undefined_a,n_undefined_b,mean_a,mean_b,diff_mean,diff_sd,t_lo,t_hi,boot_lo,boot_hi";

fn rows(path: &Path) -> Vec<BTreeMap<String, String>> {
    let text = fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    lines
        .map(|l| {
            let cells: Vec<&str> = l.split(',').collect();
            assert_eq!(cells.len(), header.len(), "row {l}");
            header
                .iter()
                .zip(cells)
                .map(|(h, c)| (h.to_string(), c.to_string()))
                .collect()
        })
        .collect()
}

#[test]
fn compare_mitigation_none_with_full_writes_compare_csv_and_a_forest_plot() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("cmp");
    let r = kizuna([
        "compare".as_ref(),
        "mitigation_none".as_ref(),
        "mitigation_full".as_ref(),
        "--replications".as_ref(),
        "4".as_ref(),
        "--at".as_ref(),
        "2030Q4".as_ref(),
        "--out".as_ref(),
        out.as_os_str(),
    ]);
    r.expect_code(0).expect_no_panic();
    assert!(
        r.stdout.contains("final.fdi_stock_usd.VNM-JPN"),
        "console table:\n{}",
        r.stdout
    );
    assert_eq!(csv_header(&out.join("compare.csv")), HEADER);
    let rows = rows(&out.join("compare.csv"));
    assert!(!rows.is_empty());
    for row in &rows {
        assert_eq!(row["scenario"], "mitigation_full");
        assert_eq!(row["baseline"], "mitigation_none");
        assert_eq!(row["replications"], "4");
        let n: usize = row["n_defined"].parse().unwrap();
        let ua: usize = row["n_undefined_a"].parse().unwrap();
        let ub: usize = row["n_undefined_b"].parse().unwrap();
        assert!(n + ua.max(ub) <= 4 && n + ua + ub >= 4, "{row:?}");
        if n >= 2 {
            let num = |k: &str| row[k].parse::<f64>().unwrap();
            let d = num("diff_mean");
            assert!(num("t_lo") <= d && d <= num("t_hi"), "{row:?}");
            assert!(num("boot_lo") <= d + 1e-9 * d.abs() && d <= num("boot_hi") + 1e-9 * d.abs());
        }
    }
    // Defaults: final level of the main pair indicators, plus the level at --at.
    for metric in [
        "final.fdi_stock_usd.VNM-JPN",
        "2030Q4.fdi_stock_usd.VNM-JPN",
        "final.pair_trust.VNM-JPN",
        "final.mean_friction.VNM-JPN",
    ] {
        assert!(
            rows.iter().any(|r| r["metric"] == metric),
            "compare.csv lacks {metric}"
        );
    }
    let m: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(m["replications"], 4);
    assert_eq!(m["baseline"], "mitigation_none");
    let png = out.join("plots/forest_levels.png");
    let img = image::open(&png)
        .unwrap_or_else(|e| panic!("{} does not decode: {e}", png.display()))
        .to_rgba8();
    assert_eq!(img.dimensions(), (1600, 1000));
    let bg = *img.get_pixel(0, 0);
    assert!(
        img.pixels().filter(|p| **p != bg).count() > 8000,
        "blank plot"
    );

    // kizuna brief: one self-contained page, plots embedded, nothing fetched from the network.
    kizuna(["brief".as_ref(), out.as_os_str()])
        .expect_code(0)
        .expect_no_panic();
    let html = fs::read_to_string(out.join("brief.html")).unwrap();
    assert!(html.contains("<img alt=\"forest_levels.png\" src=\"data:image/png;base64,iVBOR"));
    assert!(html.contains("final.fdi_stock_usd.VNM-JPN"));
    assert!(!html.contains("http://") && !html.contains("https://") && !html.contains("<script"));
}

/// Reads `final.<column>` of every replication from a run's summary.csv.
fn finals(dir: &Path, column: &str) -> Vec<f64> {
    let text = fs::read_to_string(dir.join("summary.csv")).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let c = header
        .iter()
        .position(|h| *h == format!("final.{column}"))
        .unwrap();
    lines
        .map(|l| l.split(',').nth(c).unwrap().parse().unwrap())
        .collect()
}

#[test]
fn compare_pairs_replication_r_of_both_scenarios_on_one_seed() {
    let tmp = tempfile::tempdir().unwrap();
    let mut common: Vec<&str> = vec!["--replications", "3", "--seed", "11", "-q"];
    common.extend(SHORT);
    let cmp = tmp.path().join("cmp");
    let mut args = vec![
        "compare",
        "mitigation_none",
        "mitigation_full",
        "--no-plots",
    ];
    args.extend(&common);
    args.extend(["--out", cmp.to_str().unwrap()]);
    kizuna(&args).expect_code(0).expect_no_panic();
    assert!(!cmp.join("plots").exists(), "--no-plots draws nothing");
    let mut dirs = Vec::new();
    for name in ["mitigation_none", "mitigation_full"] {
        let dir = tmp.path().join(name);
        let mut args = vec!["run", name, "--no-plots"];
        args.extend(&common);
        args.extend(["--out", dir.to_str().unwrap()]);
        kizuna(&args).expect_code(0).expect_no_panic();
        dirs.push(dir);
    }
    // Same inputs on one thread: byte-identical compare.csv.
    let one = tmp.path().join("cmp1");
    let mut args = vec![
        "compare",
        "mitigation_none",
        "mitigation_full",
        "--no-plots",
    ];
    args.extend(&common);
    args.extend(["--threads", "1", "--out", one.to_str().unwrap()]);
    kizuna(&args).expect_code(0).expect_no_panic();
    assert!(
        fs::read(cmp.join("compare.csv")).unwrap() == fs::read(one.join("compare.csv")).unwrap(),
        "compare.csv differs between thread counts"
    );
    let rows = rows(&cmp.join("compare.csv"));
    for column in ["fdi_stock_usd.VNM-JPN", "mean_friction.VNM-JPN"] {
        let a = finals(&dirs[0], column);
        let b = finals(&dirs[1], column);
        let d: Vec<f64> = a.iter().zip(&b).map(|(x, y)| y - x).collect();
        let mean = d.iter().sum::<f64>() / 3.0;
        let sd = (d.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / 2.0).sqrt();
        // t(0.975, 2) = 4.302653
        let half = 4.302_653 * sd / 3f64.sqrt();
        let row = rows
            .iter()
            .find(|r| r["metric"] == format!("final.{column}"))
            .unwrap();
        let num = |k: &str| row[k].parse::<f64>().unwrap();
        let tol = 1e-9 * mean.abs().max(sd).max(1e-12);
        assert!(
            (num("diff_mean") - mean).abs() <= tol,
            "{column}: {row:?} vs {mean}"
        );
        assert!(
            (num("diff_sd") - sd).abs() <= 1e-9 * sd.max(1e-12),
            "{column}"
        );
        assert!(
            (num("t_lo") - (mean - half)).abs() <= 1e-5 * half.max(1e-12),
            "{column}"
        );
        assert!(
            (num("t_hi") - (mean + half)).abs() <= 1e-5 * half.max(1e-12),
            "{column}"
        );
    }
}

#[test]
fn compare_needs_two_scenarios_and_a_known_indicator() {
    kizuna(["compare", "mitigation_none"])
        .expect_code(2)
        .expect_no_panic();
    let tmp = tempfile::tempdir().unwrap();
    let mut args = vec![
        "compare",
        "mitigation_none",
        "mitigation_full",
        "--replications",
        "1",
        "--indicator",
        "no_such.column",
        "-q",
    ];
    args.extend(SHORT);
    let out = tmp.path().join("x");
    args.extend(["--out", out.to_str().unwrap()]);
    kizuna(&args)
        .expect_code(2)
        .expect_stderr("no_such.column")
        .expect_no_panic();
    assert!(!out.exists());
}
