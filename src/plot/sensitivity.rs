//! Sensitivity plots of a sweep directory: Sobol indices from `sobol.csv` (bars with bootstrap
//! whiskers, `sobol_<metric>.png`) and the Morris μ*–σ plane from `morris.csv`
//! (`morris_<metric>.png`).

use std::path::{Path, PathBuf};

use plotters::element::DashedPathElement;
use plotters::prelude::*;

use super::PlotError;
use super::data::Table;
use super::draw::{self, Fmt, MeshSpec, SHAPES, Swatch, de, item};
use super::style::{self, Fonts};
use super::sweep::{metric_info, short_key};

/// Rows of a table for one metric, in file order.
fn rows_of(t: &Table, metric_col: usize, metric: &str) -> Vec<usize> {
    (0..t.rows.len())
        .filter(|&r| t.text(r, metric_col) == metric)
        .collect()
}

/// Distinct metrics in file order.
fn metrics_of(t: &Table, metric_col: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for r in 0..t.rows.len() {
        let m = t.text(r, metric_col);
        if !out.iter().any(|x| x == m) {
            out.push(m.to_string());
        }
    }
    out
}

/// Parameter names fitted for the left axis: full key paths when they fit, else the last two
/// segments.
fn names(root: &draw::Area, keys: &[String], f: &Fonts, max_w: u32) -> Vec<String> {
    let tf = draw::font(f.tick);
    keys.iter()
        .map(|k| {
            let name = if draw::text_width(root, k, &tf) <= max_w {
                k.clone()
            } else {
                short_key(k)
            };
            draw::fit_text(root, &name, &tf, max_w)
        })
        .collect()
}

pub(crate) fn plot_sobol(
    dir: &Path,
    out: &Path,
    (w, h): (u32, u32),
    f: &Fonts,
) -> Result<Vec<PathBuf>, PlotError> {
    let t = Table::read(&dir.join("sobol.csv"))?;
    let [cp, cm, s1, s1l, s1h, st, stl, sth] = [
        "parameter",
        "metric",
        "s1",
        "s1_lo",
        "s1_hi",
        "st",
        "st_lo",
        "st_hi",
    ]
    .map(|c| t.col(c));
    let (cp, cm, s1, s1l, s1h, st, stl, sth) = (cp?, cm?, s1?, s1l?, s1h?, st?, stl?, sth?);
    let mut written = Vec::new();
    for metric in metrics_of(&t, cm) {
        let rows = rows_of(&t, cm, &metric);
        // (key, [(estimate, lo, hi)] for S1 and ST)
        let mut data = Vec::new();
        for &r in &rows {
            let get = |a: usize,
                       b: usize,
                       c: usize|
             -> Result<Option<(f64, Option<(f64, f64)>)>, PlotError> {
                Ok(t.num(r, a)?.map(|e| {
                    let iv = match (t.num(r, b).ok().flatten(), t.num(r, c).ok().flatten()) {
                        (Some(lo), Some(hi)) => Some((lo, hi)),
                        _ => None,
                    };
                    (e, iv)
                }))
            };
            data.push((
                t.text(r, cp).to_string(),
                get(s1, s1l, s1h)?,
                get(st, stl, sth)?,
            ));
        }
        if data.iter().all(|d| d.1.is_none() && d.2.is_none()) {
            continue;
        }
        let (label, _, _) = metric_info(&metric);
        let path = out.join(format!(
            "sobol_{}.{}",
            style::file_part(&metric),
            super::canvas::image_ext()
        ));
        let bpath = path.clone();
        let root = super::canvas::Canvas::new(&bpath, (w, h)).into_drawing_area();
        let body = draw::titled(
            &root,
            f,
            &format!("Sobol indices of {label}"),
            "Share of the metric's variance due to each parameter: alone (first order) and with its interactions (total); whiskers: bootstrap 95 %",
            &path,
        )?;
        let items = vec![
            item("First order S1", Swatch::Block(style::BLUE)),
            item("Total ST", Swatch::Block(style::ORANGE)),
            item(
                "Bootstrap 95 % interval",
                Swatch::Line {
                    color: style::BLACK,
                    width: 3,
                    dashed: false,
                },
            ),
        ];
        let used = t.col("n_defined").ok().and_then(|c| {
            rows.iter()
                .filter_map(|&r| t.text(r, c).parse::<usize>().ok())
                .min()
        });
        let notes: Vec<String> = used
            .map(|n| vec![format!("N = {n} base samples")])
            .unwrap_or_default();
        let lw = draw::legend_width(&root, f, &items, &notes);
        let (bw, _) = body.dim_in_pixel();
        let (plot, legend) = body.split_horizontally(bw.saturating_sub(lw));
        let keys: Vec<String> = data.iter().map(|d| d.0.clone()).collect();
        let names = names(&root, &keys, f, (bw as f64 * 0.32) as u32);
        let tf = draw::font(f.tick);
        let ylw = names
            .iter()
            .map(|s| draw::text_width(&root, s, &tf))
            .max()
            .unwrap_or(60)
            + f.upx(30.0);
        let mut hi = 1.0f64;
        let mut lo = 0.0f64;
        for d in &data {
            for (e, iv) in [d.1, d.2].into_iter().flatten() {
                hi = hi.max(e);
                lo = lo.min(e);
                if let Some((a, b)) = iv {
                    hi = hi.max(b);
                    lo = lo.min(a);
                }
            }
        }
        let (lo, hi) = (lo.max(-0.5), hi.min(1.5));
        let n = data.len();
        let mut chart = ChartBuilder::on(&plot)
            .margin(f.px(20.0))
            .margin_right(f.px(40.0))
            .x_label_area_size(f.upx(100.0))
            .y_label_area_size(ylw)
            .build_cartesian_2d(lo - 0.02..hi + 0.02, -0.5..n as f64 - 0.5)
            .map_err(de(&path))?;
        draw::draw_mesh(
            &mut chart,
            f,
            &MeshSpec {
                x_desc: "Index (share of variance)",
                y_desc: "",
                x_fmt: Fmt::Auto,
                y_fmt: Fmt::With(&|_| String::new()),
                x_labels: 8,
                y_labels: 0,
            },
            &path,
        )?;
        let row = |k: usize| (n - 1 - k) as f64;
        for (k, d) in data.iter().enumerate() {
            for (which, v) in [(0, d.1), (1, d.2)] {
                let Some((e, iv)) = v else { continue };
                let (colour, y) = if which == 0 {
                    (style::BLUE, row(k) + 0.18)
                } else {
                    (style::ORANGE, row(k) - 0.18)
                };
                let e = e.clamp(lo, hi);
                chart
                    .draw_series(std::iter::once(Rectangle::new(
                        [(0.0, y - 0.15), (e, y + 0.15)],
                        colour.filled(),
                    )))
                    .map_err(de(&path))?;
                if let Some((a, b)) = iv {
                    let (a, b) = (a.clamp(lo, hi), b.clamp(lo, hi));
                    let st = style::BLACK.stroke_width(f.upx(2.5));
                    chart
                        .draw_series([
                            PathElement::new(vec![(a, y), (b, y)], st),
                            PathElement::new(vec![(a, y - 0.08), (a, y + 0.08)], st),
                            PathElement::new(vec![(b, y - 0.08), (b, y + 0.08)], st),
                        ])
                        .map_err(de(&path))?;
                }
            }
        }
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(0.0, -0.5), (0.0, n as f64 - 0.5)],
                style::GREY.stroke_width(f.upx(2.0)),
            )))
            .map_err(de(&path))?;
        let ticks: Vec<(f64, String)> = names
            .iter()
            .enumerate()
            .map(|(k, s)| (row(k), s.clone()))
            .collect();
        draw::y_ticks_by_hand(&root, &chart, f, &ticks, &path)?;
        draw::draw_legend(&legend, f, &items, &notes, false, f.px(20.0), &path)?;
        draw::finish(&root, &path)?;
        written.push(path);
    }
    Ok(written)
}

pub(crate) fn plot_morris(
    dir: &Path,
    out: &Path,
    (w, h): (u32, u32),
    f: &Fonts,
) -> Result<Vec<PathBuf>, PlotError> {
    let t = Table::read(&dir.join("morris.csv"))?;
    let (cp, cm, cms, cs) = (
        t.col("parameter")?,
        t.col("metric")?,
        t.col("mu_star")?,
        t.col("sigma")?,
    );
    let mut written = Vec::new();
    for metric in metrics_of(&t, cm) {
        let mut pts = Vec::new();
        for r in rows_of(&t, cm, &metric) {
            if let (Some(m), Some(s)) = (t.num(r, cms)?, t.num(r, cs)?) {
                pts.push((t.text(r, cp).to_string(), m, s));
            }
        }
        if pts.is_empty() {
            continue;
        }
        let (label, factor0, unit0) = metric_info(&metric);
        let max = pts.iter().fold(0.0f64, |a, p| a.max(p.1).max(p.2));
        let (factor, unit) = style::metric_scale(factor0, &unit0, max);
        let top = if max > 0.0 { max * factor * 1.15 } else { 1.0 };
        let path = out.join(format!(
            "morris_{}.{}",
            style::file_part(&metric),
            super::canvas::image_ext()
        ));
        let bpath = path.clone();
        let root = super::canvas::Canvas::new(&bpath, (w, h)).into_drawing_area();
        let body = draw::titled(
            &root,
            f,
            &format!("Morris screening of {label}"),
            "μ*: mean |elementary effect| (importance); σ: their sd (non-linearity or interactions); effects per unit range",
            &path,
        )?;
        let mut items: Vec<_> = pts
            .iter()
            .enumerate()
            .map(|(k, p)| {
                item(
                    short_key(&p.0),
                    Swatch::Marker(style::LINE_COLOURS[k % 7], SHAPES[k % SHAPES.len()]),
                )
            })
            .collect();
        items.push(item(
            "σ = μ*",
            Swatch::Line {
                color: style::GREY,
                width: 2,
                dashed: true,
            },
        ));
        let lw = draw::legend_width(&root, f, &items, &[]);
        let (bw, _) = body.dim_in_pixel();
        let (plot, legend) = body.split_horizontally(bw.saturating_sub(lw));
        let u = if unit.is_empty() {
            String::new()
        } else {
            format!(", {unit}")
        };
        let mut chart = ChartBuilder::on(&plot)
            .margin(f.px(20.0))
            .margin_right(f.px(40.0))
            .x_label_area_size(f.upx(100.0))
            .y_label_area_size(f.upx(130.0))
            .build_cartesian_2d(0.0..top, 0.0..top)
            .map_err(de(&path))?;
        draw::draw_mesh(
            &mut chart,
            f,
            &MeshSpec {
                x_desc: &format!("μ*{u}"),
                y_desc: &format!("σ{u}"),
                x_fmt: Fmt::Auto,
                y_fmt: Fmt::Auto,
                x_labels: 8,
                y_labels: 8,
            },
            &path,
        )?;
        chart
            .draw_series(std::iter::once(DashedPathElement::new(
                vec![(0.0, 0.0), (top, top)],
                f.px(9.0),
                f.px(6.0),
                style::GREY.stroke_width(f.upx(2.0)),
            )))
            .map_err(de(&path))?;
        for (k, p) in pts.iter().enumerate() {
            let (x, y) = (p.1 * factor, p.2 * factor);
            chart
                .draw_series(std::iter::once(draw::marker(
                    (x, y),
                    SHAPES[k % SHAPES.len()],
                    style::LINE_COLOURS[k % 7],
                    f.px(11.0),
                )))
                .map_err(de(&path))?;
        }
        draw::draw_legend(&legend, f, &items, &[], false, f.px(20.0), &path)?;
        draw::finish(&root, &path)?;
        written.push(path);
    }
    Ok(written)
}
