//! Plots of a calibration: marginal posteriors, pairwise posterior scatter, fit with the
//! posterior-predictive band and the hold-out years shaded, tolerance per generation.

use std::path::{Path, PathBuf};

use plotters::prelude::*;

use super::PlotError;
use super::draw::{self, Fmt, MeshSpec, de};
use super::style::{self, Fonts};

/// One free parameter: weighted final-population values (natural units) and its prior.
#[derive(Debug, Clone)]
pub struct MarginalPanel {
    pub label: String,
    pub lo: f64,
    pub hi: f64,
    pub log: bool,
    pub samples: Vec<(f64, f64)>,
    pub base: f64,
    pub best: f64,
}

/// One target series: per year observed, before (base values), best, and the 5/50/95 % band.
#[derive(Debug, Clone)]
pub struct FitPanel {
    pub title: String,
    pub file_stem: String,
    pub rows: Vec<FitYear>,
    pub holdout: Option<(i32, i32)>,
}

#[derive(Debug, Clone, Copy)]
pub struct FitYear {
    pub year: i32,
    pub observed: f64,
    pub before: Option<f64>,
    pub best: Option<f64>,
    pub band: Option<(f64, f64, f64)>,
}

const SIZE: (u32, u32) = (1600, 1000);

fn axis(v: f64, log: bool) -> f64 {
    if log {
        v.max(f64::MIN_POSITIVE).log10()
    } else {
        v
    }
}

/// Draws every calibration plot into `dir` (created if needed).
pub fn calibration_plots(
    dir: &Path,
    marginals: &[MarginalPanel],
    fits: &[FitPanel],
    generations: &[(u32, f64, f64)],
) -> Result<Vec<PathBuf>, PlotError> {
    style::register_fonts()?;
    std::fs::create_dir_all(dir).map_err(|e| PlotError::Io {
        path: dir.to_path_buf(),
        message: e.to_string(),
    })?;
    let f = Fonts::for_size(SIZE.0, SIZE.1);
    let mut out = Vec::new();
    out.push(marginal_grid(dir, marginals, &f)?);
    if marginals.len() >= 2 {
        out.push(pair_grid(dir, marginals, &f)?);
    }
    for p in fits {
        if let Some(path) = fit_plot(dir, p, &f)? {
            out.push(path);
        }
    }
    if !generations.is_empty() {
        out.push(tolerance_plot(dir, generations, &f)?);
    }
    Ok(out)
}

fn grid_shape(n: usize) -> (usize, usize) {
    let cols = (n as f64).sqrt().ceil().max(1.0) as usize;
    (n.div_ceil(cols), cols)
}

fn marginal_grid(dir: &Path, ms: &[MarginalPanel], f: &Fonts) -> Result<PathBuf, PlotError> {
    let path = dir.join("posterior_marginals.png");
    let bpath = path.clone();
    let root = super::canvas::Canvas::new(&bpath, SIZE).into_drawing_area();
    let body = draw::titled(
        &root,
        f,
        "Marginal posteriors",
        "Weighted histogram of the final population over the prior range; black: base value, vermillion: best",
        &path,
    )?;
    let (rows, cols) = grid_shape(ms.len());
    let panels = body.split_evenly((rows, cols));
    let small = Fonts {
        title: f.title * 0.6,
        subtitle: f.subtitle * 0.6,
        label: f.label * 0.62,
        tick: f.tick * 0.62,
        legend: f.legend * 0.6,
        s: f.s * 0.6,
    };
    for (m, area) in ms.iter().zip(panels.iter()) {
        let (x0, x1) = (axis(m.lo, m.log), axis(m.hi, m.log));
        let bins = 20usize;
        let mut h = vec![0.0; bins];
        for (v, w) in &m.samples {
            let b = (((axis(*v, m.log) - x0) / (x1 - x0)) * bins as f64)
                .floor()
                .clamp(0.0, bins as f64 - 1.0) as usize;
            h[b] += w;
        }
        let ymax = h.iter().copied().fold(0.0f64, f64::max).max(1e-9) * 1.1;
        let label = super::sweep::short_key(&m.label) + if m.log { " (log10)" } else { "" };
        let mut chart = ChartBuilder::on(area)
            .margin(small.px(24.0))
            .caption(label, draw::font(small.label))
            .x_label_area_size(small.upx(60.0))
            .y_label_area_size(small.upx(90.0))
            .build_cartesian_2d(x0..x1, 0.0..ymax)
            .map_err(de(&path))?;
        draw::draw_mesh(
            &mut chart,
            &small,
            &MeshSpec {
                x_desc: "",
                y_desc: "",
                x_fmt: Fmt::Auto,
                y_fmt: Fmt::Auto,
                x_labels: 5,
                y_labels: 4,
            },
            &path,
        )?;
        let w = (x1 - x0) / bins as f64;
        chart
            .draw_series(h.iter().enumerate().map(|(i, v)| {
                Rectangle::new(
                    [(x0 + i as f64 * w, 0.0), (x0 + (i + 1) as f64 * w, *v)],
                    style::SKY_BLUE.filled(),
                )
            }))
            .map_err(de(&path))?;
        for (v, c) in [(m.base, style::BLACK), (m.best, style::VERMILLION)] {
            let x = axis(v, m.log);
            if x >= x0 && x <= x1 {
                chart
                    .draw_series(std::iter::once(PathElement::new(
                        vec![(x, 0.0), (x, ymax)],
                        c.stroke_width(small.upx(4.0)),
                    )))
                    .map_err(de(&path))?;
            }
        }
    }
    draw::finish(&root, &path)?;
    Ok(path)
}

fn pair_grid(dir: &Path, ms: &[MarginalPanel], f: &Fonts) -> Result<PathBuf, PlotError> {
    let path = dir.join("posterior_pairs.png");
    let bpath = path.clone();
    let root = super::canvas::Canvas::new(&bpath, SIZE).into_drawing_area();
    let body = draw::titled(
        &root,
        f,
        "Pairwise posterior scatter",
        "Final population, point size by weight; row parameter on y, column parameter on x (log axes as log10)",
        &path,
    )?;
    let n = ms.len().min(8);
    let panels = body.split_evenly((n - 1, n - 1));
    // Text shrinks with the number of panels per row, down to 45 % of the full-size fonts.
    let k = (1.0 / (n - 1) as f64).clamp(0.45, 0.9);
    let small = Fonts {
        title: f.title * k,
        subtitle: f.subtitle * k,
        label: f.label * k,
        tick: f.tick * k,
        legend: f.legend * k,
        s: f.s * k,
    };
    let wmax = ms[0]
        .samples
        .iter()
        .map(|s| s.1)
        .fold(0.0f64, f64::max)
        .max(1e-300);
    for r in 1..n {
        for c in 0..n - 1 {
            let area = &panels[(r - 1) * (n - 1) + c];
            if c >= r {
                continue;
            }
            let (mx, my) = (&ms[c], &ms[r]);
            let caption = format!(
                "{} × {}",
                super::sweep::short_key(&my.label),
                super::sweep::short_key(&mx.label)
            );
            let mut chart = ChartBuilder::on(area)
                .margin(small.px(16.0))
                .caption(caption, draw::font(small.label))
                .x_label_area_size(small.upx(50.0))
                .y_label_area_size(small.upx(80.0))
                .build_cartesian_2d(
                    axis(mx.lo, mx.log)..axis(mx.hi, mx.log),
                    axis(my.lo, my.log)..axis(my.hi, my.log),
                )
                .map_err(de(&path))?;
            draw::draw_mesh(
                &mut chart,
                &small,
                &MeshSpec {
                    x_desc: "",
                    y_desc: "",
                    x_fmt: Fmt::Auto,
                    y_fmt: Fmt::Auto,
                    x_labels: 3,
                    y_labels: 3,
                },
                &path,
            )?;
            chart
                .draw_series(mx.samples.iter().zip(&my.samples).map(|((x, w), (y, _))| {
                    let size = (2.0 + 6.0 * (w / wmax).sqrt()) * f.s;
                    Circle::new(
                        (axis(*x, mx.log), axis(*y, my.log)),
                        size.round() as i32,
                        style::BLUE.mix(0.5).filled(),
                    )
                }))
                .map_err(de(&path))?;
        }
    }
    draw::finish(&root, &path)?;
    Ok(path)
}

fn fit_plot(dir: &Path, p: &FitPanel, f: &Fonts) -> Result<Option<PathBuf>, PlotError> {
    let rows: Vec<&FitYear> = p.rows.iter().filter(|r| r.observed > 0.0).collect();
    if rows.is_empty() {
        return Ok(None);
    }
    let path = dir.join(format!("fit_{}.png", style::file_part(&p.file_stem)));
    let bpath = path.clone();
    let root = super::canvas::Canvas::new(&bpath, SIZE).into_drawing_area();
    let body = draw::titled(
        &root,
        f,
        &p.title,
        "log10 scale. Black: data; blue band: posterior-predictive 5–95 %; blue line: its median; vermillion: best; grey dashed: before (base values); shaded: hold-out years",
        &path,
    )?;
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    let mut see = |v: f64| {
        if v > 0.0 && v.is_finite() {
            lo = lo.min(v.log10());
            hi = hi.max(v.log10());
        }
    };
    for r in &rows {
        see(r.observed);
        r.before.map(&mut see);
        r.best.map(&mut see);
        if let Some((a, _, b)) = r.band {
            see(a);
            see(b);
        }
    }
    let (y0, y1) = style::nice_range(lo - 0.1, hi + 0.1);
    let ymin = rows.iter().map(|r| r.year).min().unwrap_or(2000) as f64 - 1.0;
    let ymax = rows.iter().map(|r| r.year).max().unwrap_or(2000) as f64 + 1.0;
    let mut chart = ChartBuilder::on(&body)
        .margin(f.px(30.0))
        .x_label_area_size(f.upx(90.0))
        .y_label_area_size(f.upx(130.0))
        .build_cartesian_2d(ymin..ymax, y0..y1)
        .map_err(de(&path))?;
    draw::draw_mesh(
        &mut chart,
        f,
        &MeshSpec {
            x_desc: "Year",
            y_desc: "log10 value (indicator units)",
            x_fmt: Fmt::With(&|v: &f64| style::fmt_year(*v)),
            y_fmt: Fmt::Auto,
            x_labels: 10,
            y_labels: 8,
        },
        &path,
    )?;
    if let Some((a, b)) = p.holdout {
        chart
            .draw_series(std::iter::once(Rectangle::new(
                [
                    ((a as f64 - 0.5).max(ymin), y0),
                    ((b as f64 + 0.5).min(ymax), y1),
                ],
                style::GRID_BOLD.mix(0.6).filled(),
            )))
            .map_err(de(&path))?;
    }
    let banded: Vec<(f64, (f64, f64, f64))> = rows
        .iter()
        .filter_map(|r| {
            r.band
                .filter(|(a, _, _)| *a > 0.0)
                .map(|b| (r.year as f64, b))
        })
        .collect();
    if banded.len() >= 2 {
        let xs: Vec<f64> = banded.iter().map(|b| b.0).collect();
        let los: Vec<f64> = banded.iter().map(|b| b.1.0.log10()).collect();
        let his: Vec<f64> = banded.iter().map(|b| b.1.2.log10()).collect();
        chart
            .draw_series(std::iter::once(Polygon::new(
                draw::band_polygon(&xs, &los, &his),
                style::SKY_BLUE.mix(0.45).filled(),
            )))
            .map_err(de(&path))?;
        chart
            .draw_series(LineSeries::new(
                banded.iter().map(|b| (b.0, b.1.1.log10())),
                style::BLUE.stroke_width(f.upx(4.0)),
            ))
            .map_err(de(&path))?;
    }
    for (x, (a, _, b)) in &banded {
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(*x, a.log10()), (*x, b.log10())],
                style::BLUE.stroke_width(f.upx(3.0)),
            )))
            .map_err(de(&path))?;
    }
    let before: Vec<(f64, f64)> = rows
        .iter()
        .filter_map(|r| {
            r.before
                .filter(|v| *v > 0.0)
                .map(|v| (r.year as f64, v.log10()))
        })
        .collect();
    chart
        .draw_series(DashedLineSeries::new(
            before,
            f.px(14.0) as u32,
            f.px(10.0) as u32,
            style::GREY.stroke_width(f.upx(3.0)),
        ))
        .map_err(de(&path))?;
    let best: Vec<(f64, f64)> = rows
        .iter()
        .filter_map(|r| {
            r.best
                .filter(|v| *v > 0.0)
                .map(|v| (r.year as f64, v.log10()))
        })
        .collect();
    chart
        .draw_series(
            best.iter()
                .map(|(x, y)| Circle::new((*x, *y), f.px(9.0), style::VERMILLION.filled())),
        )
        .map_err(de(&path))?;
    chart
        .draw_series(rows.iter().map(|r| {
            draw::marker(
                (r.year as f64, r.observed.log10()),
                draw::Shape::Diamond,
                style::BLACK,
                f.px(12.0),
            )
        }))
        .map_err(de(&path))?;
    draw::finish(&root, &path)?;
    Ok(Some(path))
}

fn tolerance_plot(dir: &Path, gens: &[(u32, f64, f64)], f: &Fonts) -> Result<PathBuf, PlotError> {
    let path = dir.join("tolerance.png");
    let bpath = path.clone();
    let root = super::canvas::Canvas::new(&bpath, SIZE).into_drawing_area();
    let body = draw::titled(
        &root,
        f,
        "Tolerance and best distance per generation",
        "Blue: tolerance ε of the generation (generation 0 accepts everything); vermillion: smallest distance in it",
        &path,
    )?;
    let pts_eps: Vec<(f64, f64)> = gens
        .iter()
        .filter(|g| g.1.is_finite())
        .map(|g| (g.0 as f64, g.1))
        .collect();
    let pts_min: Vec<(f64, f64)> = gens.iter().map(|g| (g.0 as f64, g.2)).collect();
    let all: Vec<f64> = pts_eps
        .iter()
        .chain(&pts_min)
        .map(|p| p.1)
        .filter(|v| v.is_finite())
        .collect();
    let (y0, y1) = style::nice_range(
        0.0,
        all.iter().copied().fold(0.0f64, f64::max).max(1e-9) * 1.05,
    );
    let mut chart = ChartBuilder::on(&body)
        .margin(f.px(30.0))
        .x_label_area_size(f.upx(90.0))
        .y_label_area_size(f.upx(130.0))
        .build_cartesian_2d(-0.5..(gens.len() as f64 - 0.5).max(0.5), y0..y1)
        .map_err(de(&path))?;
    draw::draw_mesh(
        &mut chart,
        f,
        &MeshSpec {
            x_desc: "Generation",
            y_desc: "Distance (RMS log error)",
            x_fmt: Fmt::With(&|v: &f64| {
                if v.fract() == 0.0 && *v >= 0.0 {
                    format!("{v:.0}")
                } else {
                    String::new()
                }
            }),
            y_fmt: Fmt::Auto,
            x_labels: gens.len().clamp(2, 12),
            y_labels: 8,
        },
        &path,
    )?;
    for (pts, c) in [(&pts_eps, style::BLUE), (&pts_min, style::VERMILLION)] {
        chart
            .draw_series(LineSeries::new(
                pts.iter().copied(),
                c.stroke_width(f.upx(4.0)),
            ))
            .map_err(de(&path))?;
        chart
            .draw_series(pts.iter().map(|p| Circle::new(*p, f.px(9.0), c.filled())))
            .map_err(de(&path))?;
    }
    draw::finish(&root, &path)?;
    Ok(path)
}
