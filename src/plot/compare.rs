//! Forest plots of a comparison directory (`compare.csv` of `kizuna compare`): one row per
//! metric, the mean paired difference to the baseline with its 95 % paired-t interval (line
//! with caps) and percentile-bootstrap interval (light bar), in % of the baseline mean so that
//! metrics in different units share an axis. The absolute difference is written beside each row.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::data::Table;
use super::draw::{self, Fmt, MeshSpec, SHAPES, Swatch, de, item};
use super::style::{self, Fonts};
use super::{PlotError, PlotOptions};

/// One effect to draw.
struct Effect {
    label: String,
    scenario: String,
    /// Relative to the baseline mean, in %.
    est: f64,
    t: Option<(f64, f64)>,
    boot: Option<(f64, f64)>,
    /// The absolute difference with its unit and n, written beside the row.
    text: String,
}

/// A forest plot per group of rows: `forest_levels.png` (final levels and levels at dates) and
/// `forest_<shock_id>_<indicator>.png` per shock and resilience indicator. Returns the written files, sorted.
pub(crate) fn plot_compare_dir(dir: &Path, opts: &PlotOptions) -> Result<Vec<PathBuf>, PlotError> {
    let t = Table::read(&dir.join("compare.csv"))?;
    let cols = [
        "scenario",
        "baseline",
        "metric",
        "kind",
        "shock_id",
        "indicator",
        "statistic",
        "n_defined",
        "mean_a",
        "diff_mean",
        "t_lo",
        "t_hi",
        "boot_lo",
        "boot_hi",
    ];
    let mut c = BTreeMap::new();
    for name in cols {
        c.insert(name, t.col(name)?);
    }
    let mut groups: Vec<((String, String), Vec<usize>)> = Vec::new();
    for r in 0..t.rows.len() {
        let key = match t.text(r, c["kind"]) {
            "resilience" => (
                t.text(r, c["shock_id"]).to_string(),
                t.text(r, c["indicator"]).to_string(),
            ),
            _ => ("levels".to_string(), String::new()),
        };
        match groups.iter_mut().find(|g| g.0 == key) {
            Some(g) => g.1.push(r),
            None => groups.push((key, vec![r])),
        }
    }
    let out = dir.join("plots");
    std::fs::create_dir_all(&out).map_err(|e| PlotError::Io {
        path: out.clone(),
        message: e.to_string(),
    })?;
    let f = Fonts::for_size(opts.width, opts.height);
    let mut written = Vec::new();
    for (key, rows) in &groups {
        let baseline = t.text(rows[0], c["baseline"]).to_string();
        let mut effects = Vec::new();
        let mut skipped = Vec::new();
        for &r in rows {
            let metric = t.text(r, c["metric"]);
            let (label, factor0, unit0) = super::sweep::metric_info(metric);
            let label = if key.0 == "levels" {
                format!("{label}, {}", t.text(r, c["statistic"]))
            } else {
                // Shock and indicator are in the title.
                resilience_label(t.text(r, c["statistic"]))
            };
            let mean_a = t.num(r, c["mean_a"])?;
            let diff = t.num(r, c["diff_mean"])?;
            let (Some(mean_a), Some(diff)) = (mean_a, diff) else {
                skipped.push(label);
                continue;
            };
            if mean_a.abs() < 1e-12 {
                skipped.push(label);
                continue;
            }
            let rel = |v: f64| 100.0 * v / mean_a.abs();
            let pair = |a: &str, b: &str| -> Result<Option<(f64, f64)>, PlotError> {
                Ok(match (t.num(r, c[a])?, t.num(r, c[b])?) {
                    (Some(lo), Some(hi)) => Some((rel(lo), rel(hi))),
                    _ => None,
                })
            };
            effects.push(Effect {
                label,
                scenario: t.text(r, c["scenario"]).to_string(),
                est: rel(diff),
                t: pair("t_lo", "t_hi")?,
                boot: pair("boot_lo", "boot_hi")?,
                text: abs_text(diff, factor0, &unit0, t.text(r, c["n_defined"])),
            });
        }
        if effects.is_empty() {
            continue;
        }
        let name = if key.0 == "levels" {
            format!("forest_levels.{}", super::canvas::image_ext())
        } else {
            format!(
                "forest_{}_{}.{}",
                style::file_part(&key.0),
                style::file_part(&key.1),
                super::canvas::image_ext()
            )
        };
        let title = if key.0 == "levels" {
            format!("Effect on levels against {baseline}")
        } else {
            let (label, _, _) = super::sweep::metric_info(&key.1);
            format!("Resilience of {label} to {} against {baseline}", key.0)
        };
        let path = out.join(name);
        forest(
            &path,
            &title,
            &effects,
            &skipped,
            (opts.width, opts.height),
            &f,
        )?;
        written.push(path);
    }
    written.sort();
    Ok(written)
}

/// Row label of a resilience metric.
fn resilience_label(metric: &str) -> String {
    match metric {
        "depth" => "depth",
        "recovery_quarters" => "recovery time",
        "loss_area_quarters" => "loss area",
        "recovery_ratio_4q" => "recovery ratio after 4 quarters",
        "recovery_ratio_8q" => "recovery ratio after 8 quarters",
        "recovery_ratio_12q" => "recovery ratio after 12 quarters",
        "bounce_forward" => "bounce forward",
        other => other,
    }
    .to_string()
}

/// `+7.11 USD bn  n=4`: a difference in readable units (a difference of percentages in
/// percentage points).
fn abs_text(diff: f64, factor0: f64, unit0: &str, n: &str) -> String {
    let (factor, unit) = style::metric_scale(factor0, &unit0, diff.abs());
    let unit = match unit.strip_prefix("% ") {
        Some(rest) => format!("pp {rest}"),
        None => unit,
    };
    let v = diff * factor;
    let sign = if v > 0.0 { "+" } else { "" };
    let unit = if unit.is_empty() {
        String::new()
    } else {
        format!(" {unit}")
    };
    format!("{sign}{}{unit}  n={n}", style::fmt_sig(v, 3))
}

/// How many x-axis ticks of `tick_px` (label and gap) fit on `axis_px`: 2 to 8.
fn ticks_that_fit(axis_px: u32, tick_px: u32) -> usize {
    (axis_px / tick_px.max(1)).clamp(2, 8) as usize
}

fn forest(
    path: &Path,
    title: &str,
    effects: &[Effect],
    skipped: &[String],
    (w, h): (u32, u32),
    f: &Fonts,
) -> Result<(), PlotError> {
    let mut scenarios: Vec<&str> = Vec::new();
    for e in effects {
        if !scenarios.contains(&e.scenario.as_str()) {
            scenarios.push(&e.scenario);
        }
    }
    // Metrics in order of first appearance; one sub-row per scenario.
    let mut labels: Vec<&str> = Vec::new();
    for e in effects {
        if !labels.contains(&e.label.as_str()) {
            labels.push(&e.label);
        }
    }
    let n = labels.len();
    let ns = scenarios.len();
    // Axis: all estimates, and interval ends clipped to 3× the largest estimate so that one
    // very uncertain metric does not flatten the others (clipped ends get an arrow).
    let max_est = effects.iter().fold(0.0f64, |a, e| a.max(e.est.abs()));
    let lim = if max_est > 0.0 { 3.0 * max_est } else { 1.0 };
    let clip = |v: f64| v.clamp(-lim, lim);
    let mut lo = 0.0f64;
    let mut hi = 0.0f64;
    for e in effects {
        for v in [
            Some(e.est),
            e.t.map(|x| x.0),
            e.t.map(|x| x.1),
            e.boot.map(|x| x.0),
            e.boot.map(|x| x.1),
        ]
        .into_iter()
        .flatten()
        {
            lo = lo.min(clip(v));
            hi = hi.max(clip(v));
        }
    }
    if hi - lo < 1e-9 {
        lo -= 1.0;
        hi += 1.0;
    }
    let pad = 0.06 * (hi - lo);
    let (x0, x1) = (lo - pad, hi + pad);

    let bpath = path.to_path_buf();
    let root = super::canvas::Canvas::new(&bpath, (w, h)).into_drawing_area();
    let subtitle = "Mean paired difference (same replications, common random numbers), % of the baseline mean; difference in units on the right";
    let body = draw::titled(&root, f, title, subtitle, path)?;
    let mut items = vec![
        item(
            "Paired-t 95 % interval",
            Swatch::Line {
                color: style::BLACK,
                width: 3,
                dashed: false,
            },
        ),
        item(
            "Bootstrap 95 % interval",
            Swatch::Band(style::tint(style::SKY_BLUE, 0.45)),
        ),
    ];
    for (k, s) in scenarios.iter().enumerate() {
        items.push(item(
            s.to_string(),
            Swatch::Marker(style::LINE_COLOURS[k % 7], SHAPES[k % SHAPES.len()]),
        ));
    }
    let mut notes = Vec::new();
    if !skipped.is_empty() {
        notes.push(format!("Not drawn ({}):", skipped.len()));
        notes.push("baseline mean 0 or".into());
        notes.push("no defined difference".into());
    }
    let lw = draw::legend_width(&root, f, &items, &notes);
    let (bw, _) = body.dim_in_pixel();
    let (plot, legend) = body.split_horizontally(bw.saturating_sub(lw));
    let tf = draw::font(f.tick);
    let max_name = (bw as f64 * 0.34) as u32;
    let names: Vec<String> = labels
        .iter()
        .map(|l| draw::fit_text(&root, l, &tf, max_name))
        .collect();
    let ylw = names
        .iter()
        .map(|s| draw::text_width(&root, s, &tf))
        .max()
        .unwrap_or(60)
        + f.upx(30.0);
    // Room on the right for the absolute differences.
    let value_texts: Vec<String> = effects.iter().map(|e| e.text.clone()).collect();
    let vw = value_texts
        .iter()
        .map(|s| draw::text_width(&root, s, &tf))
        .max()
        .unwrap_or(60)
        + f.upx(24.0);
    // As many x ticks as fit the axis: the label and value columns and the legend leave it
    // narrow when names are long, and 8 ticks then run into each other.
    let (pw, _) = plot.dim_in_pixel();
    let axis_px = pw.saturating_sub(ylw + vw + 2 * f.upx(20.0));
    let widest_tick = [x0, x1]
        .iter()
        .map(|v| draw::text_width(&root, &format!("{v:.0}"), &tf))
        .max()
        .unwrap_or(40)
        + f.upx(16.0);
    let x_ticks = ticks_that_fit(axis_px, widest_tick);
    let mut chart = ChartBuilder::on(&plot)
        .margin(f.px(20.0))
        .margin_right(vw as i32)
        .x_label_area_size(f.upx(100.0))
        .y_label_area_size(ylw)
        .build_cartesian_2d(x0..x1, -0.5..n as f64 - 0.5)
        .map_err(de(path))?;
    draw::draw_mesh(
        &mut chart,
        f,
        &MeshSpec {
            x_desc: "Difference to the baseline, % of the baseline mean",
            y_desc: "",
            x_fmt: Fmt::Auto,
            y_fmt: Fmt::With(&|_| String::new()),
            x_labels: x_ticks,
            y_labels: 0,
        },
        path,
    )?;
    chart
        .draw_series(std::iter::once(PathElement::new(
            vec![(0.0, -0.5), (0.0, n as f64 - 0.5)],
            style::GREY.stroke_width(f.upx(2.0)),
        )))
        .map_err(de(path))?;
    // Row of metric k (first on top) and scenario s.
    let y_of = |label: &str, scenario: &str| {
        let k = labels.iter().position(|l| *l == label).unwrap_or(0);
        let s = scenarios.iter().position(|x| *x == scenario).unwrap_or(0);
        let off = if ns > 1 {
            0.22 - 0.44 * s as f64 / (ns - 1) as f64
        } else {
            0.0
        };
        (n - 1 - k) as f64 + off
    };
    let band_h = if ns > 1 { 0.2 / ns as f64 + 0.02 } else { 0.18 };
    let cap = band_h * 0.8;
    if ns > 1 {
        // Separators between metrics, so that the sub-rows of one metric group visibly.
        chart
            .draw_series((1..n).map(|k| {
                PathElement::new(
                    vec![(x0, k as f64 - 0.5), (x1, k as f64 - 0.5)],
                    style::GRID_BOLD.stroke_width(f.upx(1.5)),
                )
            }))
            .map_err(de(path))?;
    }
    for (i, e) in effects.iter().enumerate() {
        let y = y_of(&e.label, &e.scenario);
        let k = scenarios.iter().position(|x| *x == e.scenario).unwrap_or(0);
        let colour = style::LINE_COLOURS[k % 7];
        if let Some((a, b)) = e.boot {
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(clip(a), y - band_h), (clip(b), y + band_h)],
                    style::tint(style::SKY_BLUE, 0.45).filled(),
                )))
                .map_err(de(path))?;
        }
        if let Some((a, b)) = e.t {
            let st = style::BLACK.stroke_width(f.upx(3.0));
            chart
                .draw_series([
                    PathElement::new(vec![(clip(a), y), (clip(b), y)], st),
                    PathElement::new(vec![(clip(a), y - cap), (clip(a), y + cap)], st),
                    PathElement::new(vec![(clip(b), y - cap), (clip(b), y + cap)], st),
                ])
                .map_err(de(path))?;
            // Arrow heads where an end was clipped.
            let arrow = (x1 - x0) * 0.012;
            for (v, dir) in [(a, -1.0), (b, 1.0)] {
                if v.abs() > lim {
                    let x = clip(v);
                    chart
                        .draw_series(std::iter::once(Polygon::new(
                            vec![(x + dir * arrow, y), (x, y - cap), (x, y + cap)],
                            style::BLACK.filled(),
                        )))
                        .map_err(de(path))?;
                }
            }
        }
        chart
            .draw_series(std::iter::once(draw::marker(
                (e.est, y),
                SHAPES[k % SHAPES.len()],
                colour,
                f.px(7.0),
            )))
            .map_err(de(path))?;
        let (px, py) = chart.backend_coord(&(x1, y));
        root.draw(&Text::new(
            value_texts[i].clone(),
            (px + f.px(14.0), py),
            draw::text_style(f.tick, style::BLACK).pos(Pos::new(HPos::Left, VPos::Center)),
        ))
        .map_err(de(path))?;
    }
    let ticks: Vec<(f64, String)> = names
        .iter()
        .enumerate()
        .map(|(k, s)| ((n - 1 - k) as f64, s.clone()))
        .collect();
    draw::y_ticks_by_hand(&root, &chart, f, &ticks, path)?;
    let mut notes_all = notes;
    for s in skipped.iter().take(6) {
        notes_all.push(format!("· {s}"));
    }
    draw::draw_legend(
        &legend,
        f,
        &items,
        &notes_all,
        !skipped.is_empty(),
        f.px(20.0),
        path,
    )?;
    draw::finish(&root, path)
}

#[cfg(test)]
mod tests {
    #[test]
    fn forest_ticks_are_as_many_as_fit_between_two_and_eight() {
        // A 220 px axis with 70 px labels holds 3; a wide one is capped at 8, a tiny one keeps 2.
        assert_eq!(super::ticks_that_fit(220, 70), 3);
        assert_eq!(super::ticks_that_fit(2000, 70), 8);
        assert_eq!(super::ticks_that_fit(50, 70), 2);
        assert_eq!(super::ticks_that_fit(100, 0), 8);
    }
}
