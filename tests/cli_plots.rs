//! Plots of `kizuna run` (the one end-to-end test that draws them) and `kizuna plot DIR`:
//! every PNG decodes, is 1600×1000 and not blank; redrawing gives the same files and bytes.

#[path = "cli_support.rs"]
mod support;

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;
use support::*;

fn pngs(dir: &Path) -> Vec<String> {
    entries(dir)
        .into_iter()
        .filter(|f| f.ends_with(".png"))
        .collect()
}

/// Decodes `path` and checks its size and that it is not a blank canvas.
fn assert_good_png(path: &Path) {
    let img = image::open(path)
        .unwrap_or_else(|e| panic!("{} does not decode: {e}", path.display()))
        .to_rgba8();
    assert_eq!(img.dimensions(), (1600, 1000), "size of {}", path.display());
    let background = *img.get_pixel(0, 0);
    let drawn = img.pixels().filter(|p| **p != background).count();
    let colours: BTreeSet<[u8; 4]> = img.pixels().map(|p| p.0).collect();
    assert!(
        drawn as f64 > 0.005 * (1600.0 * 1000.0),
        "{} is (nearly) blank: {drawn} pixels differ from the background",
        path.display()
    );
    assert!(
        colours.len() >= 3,
        "{} has only {} colours",
        path.display(),
        colours.len()
    );
}

#[test]
fn run_with_plots_then_redraw_with_plot_command() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("run");
    let r = kizuna([
        "run".as_ref(),
        "--replications".as_ref(),
        "2".as_ref(),
        "--out".as_ref(),
        out.as_os_str(),
    ]);
    r.expect_code(0).expect_no_panic();
    let plots = out.join("plots");
    let files = pngs(&plots);
    assert!(!files.is_empty(), "no PNG in {}", plots.display());
    assert_eq!(entries(&plots), files, "plots/ holds only PNGs");
    let n = files.len();
    assert!(
        r.stderr.contains(&format!("{n} plots")),
        "the summary line counts the plots:\n{}",
        r.stderr
    );
    for f in &files {
        assert_good_png(&plots.join(f));
    }
    // A fan chart of the FDI stock, and shock plots for every shock of the manifest.
    assert!(
        files.contains(&"fan_fdi_stock_usd_vnm-jpn.png".to_string()),
        "{files:?}"
    );
    for shock in manifest(&out)["shocks"].as_array().unwrap() {
        let prefix = format!("shock_{}_", shock.as_str().unwrap());
        assert!(
            files.iter().any(|f| f.starts_with(&prefix)),
            "no {prefix}*.png in {files:?}"
        );
    }

    // `kizuna plot DIR` redraws the same files, byte for byte.
    let before: Vec<Vec<u8>> = files
        .iter()
        .map(|f| fs::read(plots.join(f)).unwrap())
        .collect();
    fs::remove_dir_all(&plots).unwrap();
    let p = kizuna(["plot".as_ref(), out.as_os_str()]);
    p.expect_code(0).expect_no_panic();
    assert!(
        p.stdout.contains(&format!("wrote {n} plots into")),
        "{}",
        p.stdout
    );
    assert_eq!(pngs(&plots), files, "redraw made a different set of plots");
    for (f, old) in files.iter().zip(&before) {
        assert!(
            &fs::read(plots.join(f)).unwrap() == old,
            "{f} differs when redrawn"
        );
    }

    // One named indicator; an unknown one is bad input.
    let q = kizuna([
        "plot".as_ref(),
        out.as_os_str(),
        "--indicator".as_ref(),
        "trade_usd_per_q.VNM-JPN".as_ref(),
    ]);
    q.expect_code(0).expect_no_panic();
    assert_good_png(&plots.join("fan_trade_usd_per_q_vnm-jpn.png"));
    kizuna([
        "plot".as_ref(),
        out.as_os_str(),
        "--indicator".as_ref(),
        "no_such.column".as_ref(),
    ])
    .expect_code(2)
    .expect_no_panic()
    .expect_stderr("no_such.column");
}

#[test]
fn plot_of_a_missing_directory_exits_2() {
    kizuna(["plot", "/nonexistent"])
        .expect_code(2)
        .expect_no_panic()
        .expect_stderr("/nonexistent: no timeseries.csv");
    let tmp = tempfile::tempdir().unwrap();
    kizuna(["plot".as_ref(), tmp.path().as_os_str()])
        .expect_code(2)
        .expect_no_panic();
    assert!(
        entries(tmp.path()).is_empty(),
        "plot wrote into an empty dir"
    );
}

#[test]
fn no_plots_run_draws_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let mut args = vec!["run", "--replications", "1", "--no-plots", "--out", "o"];
    args.extend(SHORT);
    let r = kizuna_in(Some(tmp.path()), &args);
    r.expect_code(0).expect_stderr("0 plots");
    assert!(!tmp.path().join("o/plots").exists());
}
