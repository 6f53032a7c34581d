//! Scatter plots of a sweep whose points are not on a grid (LHS, random, Sobol, Morris,
//! Saltelli): the metric of every run against each parameter, one panel per parameter, with a
//! local linear smoother. A heatmap of such a design is mostly empty cells, and a line through
//! its points in parameter order zig-zags between unrelated points.

use std::path::{Path, PathBuf};

use plotters::prelude::*;

use super::PlotError;
use super::draw::{self, Fmt, MeshSpec, de};
use super::style::{self, Fonts};
use super::sweep::{Metric, Param, axis_name, out_path, thin_ticks};

/// Share of the runs in each local fit of the smoother (LOWESS span; 2/3 is Cleveland's
/// default, smooth enough for 20–200 scattered runs).
const SMOOTHER_SPAN: f64 = 2.0 / 3.0;
/// Points at which the smoother is evaluated across a panel.
const SMOOTHER_POINTS: usize = 40;

/// Local linear regression with tricube weights (LOWESS without the robustness iterations),
/// evaluated at `SMOOTHER_POINTS` x values from the smallest to the largest x. Empty when
/// fewer than 3 points or all x are equal.
pub(crate) fn lowess(pts: &[(f64, f64)], span: f64) -> Vec<(f64, f64)> {
    let n = pts.len();
    let lo = pts.iter().map(|p| p.0).fold(f64::INFINITY, f64::min);
    let hi = pts.iter().map(|p| p.0).fold(f64::NEG_INFINITY, f64::max);
    if n < 3 || hi - lo <= 1e-12 * hi.abs().max(1.0) {
        return Vec::new();
    }
    let q = ((span * n as f64).ceil() as usize).clamp(3, n);
    let mut dist = Vec::with_capacity(n);
    (0..SMOOTHER_POINTS)
        .filter_map(|k| {
            let x0 = lo + (hi - lo) * k as f64 / (SMOOTHER_POINTS - 1) as f64;
            dist.clear();
            dist.extend(pts.iter().map(|p| (p.0 - x0).abs()));
            let mut sorted = dist.clone();
            sorted.sort_by(f64::total_cmp);
            // Bandwidth: distance to the q-th nearest run, a little widened so it has weight.
            let h = sorted[q - 1].max(1e-12 * (hi - lo)) * 1.000_001;
            let (mut sw, mut sx, mut sy, mut sxx, mut sxy) = (0.0, 0.0, 0.0, 0.0, 0.0);
            for (p, d) in pts.iter().zip(&dist) {
                let u = d / h;
                if u >= 1.0 {
                    continue;
                }
                let w = (1.0 - u * u * u).powi(3);
                let dx = p.0 - x0;
                sw += w;
                sx += w * dx;
                sy += w * p.1;
                sxx += w * dx * dx;
                sxy += w * dx * p.1;
            }
            if sw <= 0.0 {
                return None;
            }
            // Weighted least squares in dx = x − x0: the intercept is the fit at x0.
            let det = sw * sxx - sx * sx;
            let y0 = if det.abs() > 1e-12 * sw * sxx.max(1e-300) {
                (sxx * sy - sx * sxy) / det
            } else {
                sy / sw
            };
            Some((x0, y0))
        })
        .collect()
}

/// `scatter_<metric>.png`: one panel per parameter.
pub(super) fn scatter(
    metric: &Metric,
    design: &str,
    params: &[Param],
    rs: &[(Vec<usize>, f64)],
    (w, h): (u32, u32),
    f: &Fonts,
    out: &Path,
) -> Result<Option<PathBuf>, PlotError> {
    if rs.is_empty() || params.is_empty() {
        return Ok(None);
    }
    let (label, factor0, unit0) = metric.info();
    let max_abs = rs.iter().fold(0.0f64, |a, (_, v)| a.max(v.abs()));
    let (factor, unit) = style::metric_scale(factor0, &unit0, max_abs);
    let ys: Vec<f64> = rs.iter().map(|(_, v)| v * factor).collect();
    let lo = ys.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = ys.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let (y0, y1) = style::nice_range(lo, hi);

    let path = out_path(out, "scatter", &metric.name);
    let bpath = path.clone();
    let root = super::canvas::Canvas::new(&bpath, (w, h)).into_drawing_area();
    let title = format!("{label} against each parameter");
    let subtitle = format!(
        "{design} design, {} runs: dots are runs, the line a local linear smoother (LOWESS, span 2/3)",
        rs.len()
    );
    let body = draw::titled(&root, f, &title, &subtitle, &path)?;
    let cols = (params.len() as f64).sqrt().ceil() as usize;
    let rows = params.len().div_ceil(cols);
    let panels = body.split_evenly((rows, cols));
    // Text a little smaller than on a single chart, whatever the number of panels, so that
    // it stays readable in a 3 × 3 grid.
    let pf = Fonts::for_size(w * 3 / 4, h * 3 / 4);
    let y_desc = if unit.is_empty() {
        label.clone()
    } else {
        unit.clone()
    };
    let dot = style::tint(style::BLUE, 0.55);
    for (k, (p, area)) in params.iter().zip(&panels).enumerate() {
        let xs: Vec<f64> = rs.iter().map(|(idx, _)| p.coord(idx[k])).collect();
        let xmin = xs.iter().copied().fold(f64::INFINITY, f64::min);
        let xmax = xs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let span = if xmax > xmin { xmax - xmin } else { 1.0 };
        let (x0, x1) = (xmin - 0.04 * span, xmax + 0.04 * span);
        let (pw, ph) = area.dim_in_pixel();
        let caption = draw::fit_text(
            &root,
            &axis_name(p),
            &draw::bold(pf.label),
            pw.saturating_sub(pf.upx(40.0)),
        );
        let xlh = pf.upx(70.0);
        let ylw = super::run::y_label_width(&root, &pf, y0, y1, 6);
        let mut chart = ChartBuilder::on(area)
            .margin(pf.px(14.0))
            .caption(&caption, draw::bold(pf.label))
            .x_label_area_size(xlh)
            .y_label_area_size(ylw)
            .build_cartesian_2d(x0..x1, y0..y1)
            .map_err(de(&path))?;
        let axis_px = ph.saturating_sub(xlh + pf.upx(80.0));
        let ydesc = draw::fit_text(&root, &y_desc, &draw::font(pf.label), axis_px);
        let numeric_linear = p.nums.is_some() && !p.log;
        let log_fmt = |v: &f64| style::fmt_sig(10f64.powf(*v), 3);
        draw::draw_mesh(
            &mut chart,
            &pf,
            &MeshSpec {
                x_desc: "",
                y_desc: &ydesc,
                x_fmt: match (numeric_linear, p.log && p.nums.is_some()) {
                    (true, _) => Fmt::Auto,
                    (false, true) => Fmt::With(&log_fmt),
                    _ => Fmt::With(&|_| String::new()),
                },
                y_fmt: Fmt::Auto,
                x_labels: if p.nums.is_some() { 5 } else { 0 },
                y_labels: 6,
            },
            &path,
        )?;
        if p.nums.is_none() {
            let ticks = thin_ticks(p, 6, |i| p.coord(i));
            draw::x_ticks_by_hand(&root, &chart, &pf, &ticks, &path)?;
        }
        let pts: Vec<(f64, f64)> = xs.iter().copied().zip(ys.iter().copied()).collect();
        chart
            .draw_series(
                pts.iter()
                    .map(|&(x, y)| Circle::new((x, y), pf.px(5.0), dot.filled())),
            )
            .map_err(de(&path))?;
        let smooth = lowess(&pts, SMOOTHER_SPAN);
        if smooth.len() > 1 {
            chart
                .draw_series(LineSeries::new(
                    smooth,
                    style::VERMILLION.stroke_width(pf.upx(4.0)),
                ))
                .map_err(de(&path))?;
        }
    }
    draw::finish(&root, &path)?;
    Ok(Some(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lowess_reproduces_a_straight_line() {
        // Local linear fits of exact data y = 2x + 1 give the line itself at every x.
        let pts: Vec<(f64, f64)> = (0..20).map(|i| (i as f64, 2.0 * i as f64 + 1.0)).collect();
        let s = lowess(&pts, SMOOTHER_SPAN);
        assert_eq!(s.len(), SMOOTHER_POINTS);
        for (x, y) in s {
            assert!((y - (2.0 * x + 1.0)).abs() < 1e-9, "at {x}: {y}");
        }
    }

    #[test]
    fn lowess_follows_a_step_but_not_single_runs() {
        // y = 0 for x < 10, 1 from 10 on: the smoother rises from near 0 to near 1 across the
        // step; the ends stay within 0.1 of the plateaus.
        let pts: Vec<(f64, f64)> = (0..20)
            .map(|i| (i as f64, if i < 10 { 0.0 } else { 1.0 }))
            .collect();
        let s = lowess(&pts, 0.3);
        assert!(s[0].1.abs() < 0.1, "{:?}", s[0]);
        assert!((s[SMOOTHER_POINTS - 1].1 - 1.0).abs() < 0.1);
        assert!(lowess(&pts[..2], 0.3).is_empty());
        assert!(lowess(&[(1.0, 1.0), (1.0, 2.0), (1.0, 3.0)], 0.5).is_empty());
    }
}
