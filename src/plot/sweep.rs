//! Plots of a sweep directory: heatmaps, lines with whiskers and tornado charts of effects.

use std::path::{Path, PathBuf};

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::data::{Summary, Table, sort_values};
use super::draw::{self, Fmt, Item, MeshSpec, SHAPES, Swatch, de, item};
use super::style::{self, Fonts};
use super::{PlotError, PlotOptions};
use crate::indicators;

/// Lines over the first parameter get one line per value of the second parameter up to this
/// many values; with more, a single line pooled over the other parameters.
const MAX_LINES: usize = 6;

/// A swept parameter and its distinct values.
pub(super) struct Param {
    pub key: String,
    pub log: bool,
    /// Distinct values as written, sorted (numerically when all are numbers).
    pub labels: Vec<String>,
    pub nums: Option<Vec<f64>>,
}

impl Param {
    fn index_of(&self, s: &str) -> Option<usize> {
        match &self.nums {
            Some(nums) => {
                let v: f64 = s.parse().ok()?;
                nums.iter()
                    .position(|&n| n == v || (n - v).abs() <= 1e-12 * n.abs().max(v.abs()))
            }
            None => self.labels.iter().position(|l| l == s),
        }
    }

    pub(super) fn tick(&self, i: usize) -> String {
        match &self.nums {
            Some(n) => style::fmt_sig(n[i], 4),
            None => self.labels[i].clone(),
        }
    }

    /// The x coordinate of value `i` on a line chart: the value (log10 of it on a log scale),
    /// or the index for text values.
    pub(super) fn coord(&self, i: usize) -> f64 {
        match &self.nums {
            Some(n) if self.log && n.iter().all(|&v| v > 0.0) => n[i].log10(),
            Some(n) => n[i],
            None => i as f64,
        }
    }

    pub(super) fn n(&self) -> usize {
        self.labels.len()
    }
}

struct Manifest {
    params: Vec<(String, bool)>,
    metrics: Vec<String>,
    /// `grid`, `random`, `lhs`, `sobol`, `morris` or `saltelli` (`grid` when not given).
    design: String,
}

impl Manifest {
    /// Whether the points lie on a full grid of the parameter values (heatmaps and lines make
    /// sense), rather than scattered through the space (LHS, random, Sobol, Morris, Saltelli).
    fn is_grid(&self) -> bool {
        self.design == "grid"
    }
}

fn read_manifest(path: &Path) -> Result<Manifest, PlotError> {
    if !path.is_file() {
        return Err(PlotError::MissingFile {
            path: path.to_path_buf(),
        });
    }
    let bad = |message: String| PlotError::Manifest {
        path: path.to_path_buf(),
        message,
    };
    let text = std::fs::read_to_string(path).map_err(|e| PlotError::Io {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    let v: serde_json::Value = serde_json::from_str(&text).map_err(|e| bad(e.to_string()))?;
    let params = v
        .get("parameters")
        .and_then(|p| p.as_array())
        .ok_or_else(|| bad("no `parameters` list".into()))?;
    let mut out = Vec::new();
    for (i, p) in params.iter().enumerate() {
        let key = p
            .get("key")
            .and_then(|k| k.as_str())
            .ok_or_else(|| bad(format!("parameters[{i}] has no string `key`")))?;
        let log = match p.get("scale").and_then(|s| s.as_str()) {
            None | Some("linear") => false,
            Some("log") => true,
            Some(other) => {
                return Err(bad(format!(
                    "parameters[{i}].scale is `{other}`, expected `linear` or `log`"
                )));
            }
        };
        out.push((key.to_string(), log));
    }
    let metrics = v
        .get("metrics")
        .and_then(|m| m.as_array())
        .ok_or_else(|| bad("no `metrics` list".into()))?
        .iter()
        .enumerate()
        .map(|(i, m)| {
            m.as_str()
                .map(str::to_string)
                .ok_or_else(|| bad(format!("metrics[{i}] is not a string")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let design = v
        .get("design")
        .and_then(|d| d.as_str())
        .unwrap_or("grid")
        .to_string();
    Ok(Manifest {
        params: out,
        metrics,
        design,
    })
}

/// A sweep metric: its name (a column of `runs.csv`) and, when `sweep.resolved.toml` is there,
/// what it measures, as `<shock>.<indicator>.<resilience metric>` or `<indicator>`, with how
/// it is taken from the run (`mean over the run`, `at 2030Q4`).
pub(super) struct Metric {
    pub name: String,
    pub measures: Option<(String, String)>,
}

impl Metric {
    /// Label (the metric's name and what it measures), axis scale factor and unit.
    pub(super) fn info(&self) -> (String, f64, String) {
        match &self.measures {
            Some((what, how)) => {
                let (label, factor, unit) = metric_info(what);
                let how = if how.is_empty() {
                    String::new()
                } else {
                    format!(", {how}")
                };
                (format!("{} ({label}{how})", self.name), factor, unit)
            }
            None => metric_info(&self.name),
        }
    }
}

/// What each metric of `sweep.resolved.toml` measures (empty when the file is missing or has
/// another shape: the labels then fall back to the metric names).
fn metric_definitions(dir: &Path) -> Vec<(String, (String, String))> {
    let Ok(text) = std::fs::read_to_string(dir.join("sweep.resolved.toml")) else {
        return Vec::new();
    };
    let Ok(doc) = text.parse::<toml::Table>() else {
        return Vec::new();
    };
    let metrics = doc
        .get("spec")
        .and_then(|s| s.get("metrics"))
        .and_then(|m| m.as_array());
    let s = |v: &toml::Value, k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_string);
    let mut out = Vec::new();
    for m in metrics.into_iter().flatten() {
        let (Some(name), Some(kind)) = (s(m, "name"), m.get("kind")) else {
            continue;
        };
        let Some(indicator) = s(kind, "indicator") else {
            continue;
        };
        let measures = match s(kind, "kind").as_deref() {
            Some("resilience") => match (s(kind, "shock"), s(kind, "metric")) {
                (Some(shock), Some(metric)) => (
                    format!("{shock}.{indicator}.{metric}"),
                    format!("shock {shock}"),
                ),
                _ => continue,
            },
            Some("stat") => {
                let stat = s(kind, "stat").unwrap_or_default();
                (indicator, format!("{stat} over the run"))
            }
            Some("at") => (
                indicator,
                format!("at {}", s(kind, "at").unwrap_or_default()),
            ),
            _ => (indicator, String::new()),
        };
        out.push((name, measures));
    }
    out
}

/// Label, axis scale factor and unit of a sweep metric.
pub(crate) fn metric_info(metric: &str) -> (String, f64, String) {
    let parts: Vec<&str> = metric.split('.').collect();
    let mut label = metric.to_string();
    let mut unit = String::new();
    let mut found = false;
    for i in 0..parts.len() {
        if let Some(spec) = indicators::spec(parts[i]) {
            label = match parts.get(i + 1) {
                Some(scope) => format!("{}, {scope}", spec.label),
                None => spec.label.to_string(),
            };
            unit = spec.unit.to_string();
            found = true;
            break;
        }
    }
    let last = parts.last().copied().unwrap_or("");
    let res = match last {
        "depth" => Some(("shock depth", 100.0, "% of counterfactual")),
        "recovery_quarters" => Some(("recovery time", 1.0, "quarters")),
        "loss_area_quarters" => Some(("loss area", 1.0, "quarters")),
        "recovery_ratio_4q" => Some(("recovery after 4 quarters", 1.0, "ratio")),
        "recovery_ratio_8q" => Some(("recovery after 8 quarters", 1.0, "ratio")),
        "recovery_ratio_12q" => Some(("recovery after 12 quarters", 1.0, "ratio")),
        "bounce_forward" => Some(("bounce forward", 1.0, "ratio")),
        _ => None,
    };
    if let (Some((what, factor, u)), true) = (res, found) {
        return (format!("{label}, {what}"), factor, u.to_string());
    }
    if let Some((what, factor, u)) = res {
        return (format!("{metric} ({what})"), factor, u.to_string());
    }
    (label, 1.0, unit)
}

/// Rows of a table as (value index per parameter, value), for rows where all are known.
pub(super) fn indexed(
    t: &Table,
    params: &[Param],
    value_col: usize,
) -> Result<Vec<(Vec<usize>, f64)>, PlotError> {
    let cols: Vec<usize> = params
        .iter()
        .map(|p| t.col(&p.key))
        .collect::<Result<_, _>>()?;
    let mut out = Vec::new();
    for r in 0..t.rows.len() {
        let idx: Option<Vec<usize>> = params
            .iter()
            .zip(&cols)
            .map(|(p, &c)| p.index_of(t.text(r, c)))
            .collect();
        if let (Some(idx), Some(v)) = (idx, t.num(r, value_col)?)
            && v.is_finite()
        {
            out.push((idx, v));
        }
    }
    Ok(out)
}

fn mean(v: &[f64]) -> f64 {
    if v.is_empty() {
        f64::NAN
    } else {
        v.iter().sum::<f64>() / v.len() as f64
    }
}

pub(crate) fn plot_sweep_dir(dir: &Path, opts: &PlotOptions) -> Result<Vec<PathBuf>, PlotError> {
    let man = read_manifest(&dir.join("manifest.json"))?;
    let runs = Table::read(&dir.join("runs.csv"))?;
    let points = Table::read(&dir.join("points.csv"))?;
    runs.require_rows()?;
    points.require_rows()?;
    // Check every needed column before drawing anything.
    for (key, _) in &man.params {
        runs.col(key)?;
        points.col(key)?;
    }
    for m in &man.metrics {
        runs.col(m)?;
        points.col(&format!("{m}.mean"))?;
    }
    let mut params = Vec::new();
    for (key, log) in &man.params {
        let c = runs.col(key)?;
        let mut vals: Vec<String> = (0..runs.rows.len())
            .map(|r| runs.text(r, c).to_string())
            .filter(|s| !s.is_empty())
            .collect();
        let pc = points.col(key)?;
        vals.extend(
            (0..points.rows.len())
                .map(|r| points.text(r, pc).to_string())
                .filter(|s| !s.is_empty()),
        );
        let labels = sort_values(vals);
        let nums = labels
            .iter()
            .map(|s| s.parse::<f64>().ok().filter(|v| v.is_finite()))
            .collect();
        params.push(Param {
            key: key.clone(),
            log: *log,
            labels,
            nums,
        });
    }
    let out = dir.join("plots");
    std::fs::create_dir_all(&out).map_err(|e| PlotError::Io {
        path: out.clone(),
        message: e.to_string(),
    })?;
    let f = Fonts::for_size(opts.width, opts.height);
    let size = (opts.width, opts.height);
    let defs = metric_definitions(dir);
    let mut written = Vec::new();
    for name in &man.metrics {
        let metric = Metric {
            name: name.clone(),
            measures: defs.iter().find(|d| d.0 == *name).map(|d| d.1.clone()),
        };
        let m = &metric;
        let pts = indexed(&points, &params, points.col(&format!("{name}.mean"))?)?;
        let rs = indexed(&runs, &params, runs.col(name)?)?;
        if man.is_grid() {
            if params.len() >= 2 {
                written.extend(heatmap(m, &params, &pts, size, &f, &out)?);
            }
            if !params.is_empty() {
                written.extend(lines(m, &params, &rs, size, &f, &out)?);
            }
        } else if !params.is_empty() {
            written.extend(super::scatter::scatter(
                m,
                &man.design,
                &params,
                &rs,
                size,
                &f,
                &out,
            )?);
        }
        // With one parameter the lines or scatter plot already show its whole effect.
        if params.len() >= 2 {
            written.extend(tornado(m, &params, &pts, size, &f, &out)?);
        }
    }
    if dir.join("sobol.csv").is_file() {
        written.extend(super::sensitivity::plot_sobol(dir, &out, size, &f)?);
    }
    if dir.join("morris.csv").is_file() {
        written.extend(super::sensitivity::plot_morris(dir, &out, size, &f)?);
    }
    written.sort();
    written.dedup();
    Ok(written)
}

pub(super) fn out_path(out: &Path, prefix: &str, metric: &str) -> PathBuf {
    out.join(format!(
        "{prefix}_{}.{}",
        style::file_part(metric),
        super::canvas::image_ext()
    ))
}

fn pooled_note(params: &[Param], used: usize) -> String {
    if params.len() > used {
        let others: Vec<&str> = params[used..].iter().map(|p| p.key.as_str()).collect();
        format!("; pooled over {}", others.join(", "))
    } else {
        String::new()
    }
}

/// Tick labels for `n` values, thinned so that at most about `max` are shown.
pub(super) fn thin_ticks(
    p: &Param,
    max: usize,
    coord: impl Fn(usize) -> f64,
) -> Vec<(f64, String)> {
    let step = p.n().div_ceil(max.max(1)).max(1);
    (0..p.n())
        .filter(|i| i % step == 0 || *i + 1 == p.n() && step == 1)
        .map(|i| (coord(i), p.tick(i)))
        .collect()
}

/// The segments of a key path split at the dots outside brackets:
/// `donors[JICA].recipients[0].strategic_weight` → `donors[JICA]`, `recipients[0]`,
/// `strategic_weight`.
fn key_segments(key: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut start) = (0i32, 0usize);
    for (i, c) in key.char_indices() {
        match c {
            '[' => depth += 1,
            ']' => depth -= 1,
            '.' if depth <= 0 => {
                out.push(&key[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&key[start..]);
    out
}

/// A key path shortened for titles: its last two segments
/// (`recipients[0].strategic_weight`); keys of two segments or fewer are kept whole.
pub(crate) fn short_key(key: &str) -> String {
    let seg = key_segments(key);
    if seg.len() <= 2 {
        key.to_string()
    } else {
        seg[seg.len() - 2..].join(".")
    }
}

/// `text` split into lines of at most `max_w` pixels, breaking only after the dots of a key
/// path; a single segment wider than the line is cut with an ellipsis.
fn wrap_key(area: &draw::Area, text: &str, fnt: &FontDesc, max_w: u32) -> Vec<String> {
    let segs = key_segments(text);
    let pieces: Vec<String> = segs
        .iter()
        .enumerate()
        .map(|(i, seg)| {
            if i + 1 < segs.len() {
                format!("{seg}.")
            } else {
                seg.to_string()
            }
        })
        .collect();
    let mut lines: Vec<String> = Vec::new();
    let mut cur = String::new();
    for piece in pieces {
        let cand = format!("{cur}{piece}");
        if cur.is_empty() || draw::text_width(area, cand.trim_end(), fnt) <= max_w {
            cur = cand;
        } else {
            lines.push(cur.trim_end().to_string());
            cur = piece;
        }
    }
    if !cur.is_empty() {
        lines.push(cur.trim_end().to_string());
    }
    lines
        .iter()
        .map(|l| draw::fit_text(area, l, fnt, max_w))
        .collect()
}

/// The parameter's name and unit from its doc comment (the key path when it has none).
pub(super) fn param_label(p: &Param) -> String {
    crate::scenario::reference::key_label(&p.key).unwrap_or_else(|| p.key.clone())
}

pub(super) fn axis_name(p: &Param) -> String {
    if p.log {
        format!("{} (log scale)", param_label(p))
    } else {
        param_label(p)
    }
}

fn heatmap(
    metric: &Metric,
    params: &[Param],
    pts: &[(Vec<usize>, f64)],
    (w, h): (u32, u32),
    f: &Fonts,
    out: &Path,
) -> Result<Option<PathBuf>, PlotError> {
    let (px, py) = (&params[0], &params[1]);
    let (nx, ny) = (px.n(), py.n());
    if nx == 0 || ny == 0 {
        return Ok(None);
    }
    let (label, factor0, unit0) = metric.info();
    let mut cells = vec![vec![Vec::new(); ny]; nx];
    for (idx, v) in pts {
        cells[idx[0]][idx[1]].push(*v);
    }
    let raw: Vec<Vec<f64>> = cells
        .iter()
        .map(|col| col.iter().map(|c| mean(c)).collect())
        .collect();
    let finite: Vec<f64> = raw
        .iter()
        .flatten()
        .copied()
        .filter(|v| v.is_finite())
        .collect();
    if finite.is_empty() {
        return Ok(None);
    }
    let max_abs = finite.iter().fold(0.0f64, |a, v| a.max(v.abs()));
    let (factor, unit) = style::metric_scale(factor0, &unit0, max_abs);
    let vals: Vec<Vec<f64>> = raw
        .iter()
        .map(|c| c.iter().map(|v| v * factor).collect())
        .collect();
    let vmin = finite.iter().copied().fold(f64::INFINITY, f64::min) * factor;
    let vmax = finite.iter().copied().fold(f64::NEG_INFINITY, f64::max) * factor;
    let (vmin, vmax) = if factor < 0.0 {
        (vmax, vmin)
    } else {
        (vmin, vmax)
    };
    let (c0, c1) = if vmax - vmin > 1e-12 * vmax.abs().max(1.0) {
        (vmin, vmax)
    } else {
        (
            vmin - 0.5 * vmin.abs().max(1e-9),
            vmax + 0.5 * vmax.abs().max(1e-9),
        )
    };
    let colour = |v: f64| style::viridis((v - c0) / (c1 - c0));

    let path = out_path(out, "heatmap", &metric.name);
    let bpath = path.clone();
    let root = super::canvas::Canvas::new(&bpath, (w, h)).into_drawing_area();
    let title = format!("{label}: mean");
    let subtitle = format!(
        "Mean over replications by {} and {}{}",
        px.key,
        py.key,
        pooled_note(params, 2)
    );
    let body = draw::titled(&root, f, &title, &subtitle, &path)?;
    let (bw, bh) = body.dim_in_pixel();
    // Colour bar on the right: bar, tick labels, then the unit written vertically.
    let cb_ticks = draw::probable_ticks(c0, c1, 7);
    let cb_fmt = style::TickFormat::for_ticks(&cb_ticks);
    let tick_w = cb_ticks
        .iter()
        .map(|v| draw::text_width(&root, &cb_fmt.fmt(*v), &draw::font(f.tick)))
        .max()
        .unwrap_or(60)
        + draw::text_width(&root, "00", &draw::font(f.tick));
    let cb_w = f.upx(10.0)
        + f.upx(44.0)
        + f.upx(18.0)
        + tick_w
        + f.upx(12.0)
        + (f.label * 1.3) as u32
        + f.upx(20.0);
    let (plot, cbar) = body.split_horizontally(bw.saturating_sub(cb_w));
    let ylw = params[1..2]
        .iter()
        .flat_map(|p| (0..p.n()).map(|i| draw::text_width(&root, &p.tick(i), &draw::font(f.tick))))
        .max()
        .unwrap_or(60)
        + (f.label * 1.4) as u32
        + f.upx(40.0);
    let xlh = f.upx(100.0);
    let mt = f.px(20.0);
    let mb = f.px(20.0);
    let mut chart = ChartBuilder::on(&plot)
        .margin_top(mt)
        .margin_bottom(mb)
        .margin_left(f.px(20.0))
        .margin_right(f.px(30.0))
        .x_label_area_size(xlh)
        .y_label_area_size(ylw)
        .build_cartesian_2d(-0.5..nx as f64 - 0.5, -0.5..ny as f64 - 0.5)
        .map_err(de(&path))?;
    let y_axis_px = bh.saturating_sub(xlh + (mt + mb) as u32);
    let ydesc = draw::fit_text(&root, &axis_name(py), &draw::font(f.label), y_axis_px);
    draw::draw_mesh(
        &mut chart,
        f,
        &MeshSpec {
            x_desc: &axis_name(px),
            y_desc: &ydesc,
            x_fmt: Fmt::With(&|_| String::new()),
            y_fmt: Fmt::With(&|_| String::new()),
            x_labels: 0,
            y_labels: 0,
        },
        &path,
    )?;
    let cells_iter = (0..nx).flat_map(|i| (0..ny).map(move |j| (i, j)));
    let missing = RGBColor(0xBB, 0xBB, 0xBB);
    chart
        .draw_series(cells_iter.clone().map(|(i, j)| {
            let v = vals[i][j];
            let c = if v.is_finite() { colour(v) } else { missing };
            Rectangle::new(
                [
                    (i as f64 - 0.5, j as f64 - 0.5),
                    (i as f64 + 0.5, j as f64 + 0.5),
                ],
                c.filled(),
            )
        }))
        .map_err(de(&path))?;
    // Thin white lines between cells.
    chart
        .draw_series(cells_iter.clone().map(|(i, j)| {
            Rectangle::new(
                [
                    (i as f64 - 0.5, j as f64 - 0.5),
                    (i as f64 + 0.5, j as f64 + 0.5),
                ],
                style::WHITE.stroke_width(f.upx(2.0)),
            )
        }))
        .map_err(de(&path))?;
    // Values in the cells when they fit.
    let (xr, yr) = chart.plotting_area().get_pixel_range();
    let cell_w = (xr.end - xr.start) as f64 / nx as f64;
    let cell_h = (yr.end - yr.start) as f64 / ny as f64;
    let vf = draw::font(f.tick);
    let fits = cells_iter.clone().all(|(i, j)| {
        let v = vals[i][j];
        !v.is_finite()
            || (draw::text_width(&root, &style::fmt_sig(v, 3), &vf) as f64) < cell_w * 0.9
    }) && cell_h > f.tick * 1.6;
    if fits {
        for (i, j) in cells_iter {
            let v = vals[i][j];
            let (text, col) = if v.is_finite() {
                let c = colour(v);
                let tc = if style::is_light(c) {
                    style::BLACK
                } else {
                    style::WHITE
                };
                (style::fmt_sig(v, 3), tc)
            } else {
                ("no data".to_string(), style::BLACK)
            };
            chart
                .draw_series(std::iter::once(Text::new(
                    text,
                    (i as f64, j as f64),
                    draw::text_style(f.tick, col).pos(Pos::new(HPos::Center, VPos::Center)),
                )))
                .map_err(de(&path))?;
        }
    }
    let xt = thin_ticks(
        px,
        (cell_w * nx as f64 / (f.tick * 5.0)).max(2.0) as usize,
        |i| i as f64,
    );
    let yt = thin_ticks(
        py,
        (cell_h * ny as f64 / (f.tick * 2.0)).max(2.0) as usize,
        |i| i as f64,
    );
    draw::x_ticks_by_hand(&root, &chart, f, &xt, &path)?;
    draw::y_ticks_by_hand(&root, &chart, f, &yt, &path)?;

    // Colour bar aligned with the plotting area: bar, ticks and labels to its right, then the
    // unit written vertically. Everything is placed by hand so nothing overlaps.
    let (_, plot_top) = plot.get_base_pixel();
    let (_, cb_top) = cbar.get_base_pixel();
    let top = yr.start - cb_top;
    let bottom_px = (plot_top + plot.dim_in_pixel().1 as i32) - yr.end;
    let (cbw, _) = cbar.dim_in_pixel();
    let bar_w = f.px(44.0);
    let cb = ChartBuilder::on(&cbar)
        .margin_top(top.max(0))
        .margin_bottom(bottom_px.max(0))
        .margin_left(f.px(10.0))
        .margin_right((cbw as i32 - f.px(10.0) - bar_w).max(0))
        .build_cartesian_2d(0.0..1.0, c0..c1)
        .map_err(de(&path))?;
    let steps = 200;
    cb.plotting_area()
        .draw(&Rectangle::new(
            [(0.0, c0), (1.0, c1)],
            style::GREY.stroke_width(f.upx(2.0)),
        ))
        .map_err(de(&path))?;
    let mut cb = cb;
    cb.draw_series((0..steps).map(|k| {
        let a = c0 + (c1 - c0) * k as f64 / steps as f64;
        let b = c0 + (c1 - c0) * (k + 1) as f64 / steps as f64;
        Rectangle::new([(0.0, a), (1.0, b)], colour((a + b) / 2.0).filled())
    }))
    .map_err(de(&path))?;
    let (bx, _) = cb.plotting_area().get_pixel_range();
    let x_right = bx.end;
    let mut label_end = x_right;
    for &v in &cb_ticks {
        let (_, py) = cb.backend_coord(&(1.0, v));
        let text = cb_fmt.fmt(v);
        label_end = label_end
            .max(x_right + f.px(18.0) + draw::text_width(&root, &text, &draw::font(f.tick)) as i32);
        root.draw(&PathElement::new(
            vec![(x_right, py), (x_right + f.px(8.0), py)],
            style::GREY.stroke_width(f.upx(2.0)),
        ))
        .map_err(de(&path))?;
        root.draw(&Text::new(
            text,
            (x_right + f.px(14.0), py),
            draw::text_style(f.tick, style::BLACK).pos(Pos::new(HPos::Left, VPos::Center)),
        ))
        .map_err(de(&path))?;
    }
    // The colour bar says what the colours are: the metric, with its unit.
    let unit_desc = if unit.is_empty() {
        format!("Mean {label}")
    } else {
        format!("Mean {label}, {unit}")
    };
    let bar_px = (yr.end - yr.start) as u32;
    let unit_desc =
        if draw::text_width(&root, &unit_desc, &draw::font(f.label)) > bar_px && !unit.is_empty() {
            draw::fit_text(&root, &unit, &draw::font(f.label), bar_px)
        } else {
            draw::fit_text(&root, &unit_desc, &draw::font(f.label), bar_px)
        };
    root.draw(&Text::new(
        unit_desc,
        (label_end + f.px(12.0), (yr.start + yr.end) / 2),
        draw::font(f.label)
            .transform(FontTransform::Rotate90)
            .color(&style::BLACK)
            .pos(Pos::new(HPos::Center, VPos::Top)),
    ))
    .map_err(de(&path))?;
    draw::finish(&root, &path)?;
    Ok(Some(path))
}

fn lines(
    metric: &Metric,
    params: &[Param],
    rs: &[(Vec<usize>, f64)],
    (w, h): (u32, u32),
    f: &Fonts,
    out: &Path,
) -> Result<Option<PathBuf>, PlotError> {
    let px = &params[0];
    let by = params.get(1).filter(|p| p.n() <= MAX_LINES && p.n() > 1);
    let n_lines = by.map_or(1, |p| p.n());
    let (label, factor0, unit0) = metric.info();
    // groups[line][x] = values
    let mut groups = vec![vec![Vec::new(); px.n()]; n_lines];
    for (idx, v) in rs {
        let l = if by.is_some() { idx[1] } else { 0 };
        groups[l][idx[0]].push(*v);
    }
    let max_abs = rs.iter().fold(0.0f64, |a, (_, v)| a.max(v.abs()));
    if rs.is_empty() {
        return Ok(None);
    }
    let (factor, unit) = style::metric_scale(factor0, &unit0, max_abs);
    let summaries: Vec<Vec<Option<Summary>>> = groups
        .iter()
        .map(|g| {
            g.iter()
                .map(|vals| Summary::of(vals).map(|s| s.scaled(factor)))
                .collect()
        })
        .collect();
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    for s in summaries.iter().flatten().flatten() {
        lo = lo.min(s.q05).min(s.mean);
        hi = hi.max(s.q95).max(s.mean);
    }
    let (y0, y1) = style::nice_range(lo, hi);
    let xs: Vec<f64> = (0..px.n()).map(|i| px.coord(i)).collect();
    let xmin = xs.iter().copied().fold(f64::INFINITY, f64::min);
    let xmax = xs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let span = if xmax > xmin { xmax - xmin } else { 1.0 };
    let (x0, x1) = (xmin - 0.06 * span, xmax + 0.06 * span);
    let dodge = |l: usize| {
        if n_lines > 1 {
            (l as f64 - (n_lines - 1) as f64 / 2.0) * span * 0.012
        } else {
            0.0
        }
    };

    let mut items: Vec<Item> = Vec::new();
    for l in 0..n_lines {
        // The parameter is named once, in the legend heading; entries are its values.
        let name = match by {
            Some(p) => p.tick(l),
            None => "Mean".to_string(),
        };
        items.push(item(
            name,
            Swatch::LineMarker(style::LINE_COLOURS[l % 7], SHAPES[l % SHAPES.len()]),
        ));
    }
    let notes = vec![
        "Markers: mean of runs".to_string(),
        "Whiskers: 5–95 % of runs".to_string(),
    ];
    let path = out_path(out, "lines", &metric.name);
    let bpath = path.clone();
    let root = super::canvas::Canvas::new(&bpath, (w, h)).into_drawing_area();
    let title = format!("{label} by {}", param_label(px));
    let subtitle = match (by, params.get(1)) {
        (Some(p), _) => format!(
            "x: {}; one line per value of {}{}",
            px.key,
            p.key,
            pooled_note(params, 2)
        ),
        (None, Some(p)) if p.n() > MAX_LINES => format!(
            "{} has more than {MAX_LINES} values: one line{}",
            p.key,
            pooled_note(params, 1)
        ),
        _ => format!(
            "Mean over runs at each value of {}{}",
            px.key,
            pooled_note(params, 1)
        ),
    };
    let body = draw::titled(&root, f, &title, &subtitle, &path)?;
    // Legend heading "<parameter> =", wrapped at the dots of the key when it is long.
    let hf = draw::bold(f.legend);
    let (iw, _) = root.dim_in_pixel();
    let lw_max = (iw as f64 * 0.36) as u32;
    let heading = match by {
        Some(p) => wrap_key(
            &root,
            &format!("{} =", p.key),
            &hf,
            lw_max.saturating_sub(f.upx(64.0)),
        ),
        None => Vec::new(),
    };
    let heading_w = heading
        .iter()
        .map(|l| draw::text_width(&root, l, &hf) + f.upx(24.0))
        .max()
        .unwrap_or(0);
    let lw = draw::legend_width(&root, f, &items, &notes)
        .max(heading_w + f.upx(40.0))
        .min(lw_max);
    let (bw, bh) = body.dim_in_pixel();
    let (plot, legend) = body.split_horizontally(bw.saturating_sub(lw));
    let ylw = super::run::y_label_width(&root, f, y0, y1, 8);
    let xlh = f.upx(100.0);
    let ydesc_full = if unit.is_empty() {
        label.clone()
    } else {
        format!("{label}, {unit}")
    };
    let axis_px = bh.saturating_sub(xlh + f.upx(40.0));
    let ydesc = if draw::text_width(&root, &ydesc_full, &draw::font(f.label)) <= axis_px {
        ydesc_full
    } else if unit.is_empty() {
        draw::fit_text(&root, &label, &draw::font(f.label), axis_px)
    } else {
        unit.clone()
    };
    let mut chart = ChartBuilder::on(&plot)
        .margin(f.px(20.0))
        .margin_right(f.px(30.0))
        .x_label_area_size(xlh)
        .y_label_area_size(ylw)
        .build_cartesian_2d(x0..x1, y0..y1)
        .map_err(de(&path))?;
    let numeric = px.nums.is_some();
    let many = px.n() > 12;
    let linear_auto = numeric && !px.log && many;
    let x_name = axis_name(px);
    draw::draw_mesh(
        &mut chart,
        f,
        &MeshSpec {
            x_desc: &x_name,
            y_desc: &ydesc,
            x_fmt: if linear_auto {
                Fmt::Auto
            } else {
                Fmt::With(&|_| String::new())
            },
            y_fmt: Fmt::Auto,
            x_labels: if linear_auto { 10 } else { 0 },
            y_labels: 8,
        },
        &path,
    )?;
    if !linear_auto {
        let (xr, _) = chart.plotting_area().get_pixel_range();
        let max = ((xr.end - xr.start) as f64 / (f.tick * 4.5)).max(2.0) as usize;
        let ticks = thin_ticks(px, max, |i| px.coord(i));
        draw::x_ticks_by_hand(&root, &chart, f, &ticks, &path)?;
    }
    let cap = span * 0.01;
    for (l, line) in summaries.iter().enumerate() {
        let color = style::LINE_COLOURS[l % 7];
        let d = dodge(l);
        let pts: Vec<(f64, Summary)> = line
            .iter()
            .enumerate()
            .filter_map(|(i, s)| s.map(|s| (xs[i] + d, s)))
            .collect();
        // Whiskers.
        chart
            .draw_series(pts.iter().filter(|(_, s)| s.n > 1).map(|(x, s)| {
                PathElement::new(
                    vec![
                        (x - cap, s.q05),
                        (x + cap, s.q05),
                        (*x, s.q05),
                        (*x, s.q95),
                        (x - cap, s.q95),
                        (x + cap, s.q95),
                    ],
                    color.stroke_width(f.upx(2.5)),
                )
            }))
            .map_err(de(&path))?;
        chart
            .draw_series(LineSeries::new(
                pts.iter().map(|(x, s)| (*x, s.mean)),
                color.stroke_width(f.upx(3.5)),
            ))
            .map_err(de(&path))?;
        chart
            .draw_series(pts.iter().map(|(x, s)| {
                draw::marker((*x, s.mean), SHAPES[l % SHAPES.len()], color, f.px(10.0))
            }))
            .map_err(de(&path))?;
    }
    let row = (f.legend * 1.65) as i32;
    let mut top = f.px(20.0);
    for line in &heading {
        legend
            .draw(&Text::new(
                line.clone(),
                (f.px(14.0), top + row / 2),
                hf.color(&style::BLACK)
                    .pos(Pos::new(HPos::Left, VPos::Center)),
            ))
            .map_err(de(&path))?;
        top += row;
    }
    draw::draw_legend(&legend, f, &items, &notes, false, top, &path)?;
    draw::finish(&root, &path)?;
    Ok(Some(path))
}

fn tornado(
    metric: &Metric,
    params: &[Param],
    pts: &[(Vec<usize>, f64)],
    (w, h): (u32, u32),
    f: &Fonts,
    out: &Path,
) -> Result<Option<PathBuf>, PlotError> {
    let (label, factor0, unit0) = metric.info();
    // (parameter, effect) for parameters with at least two values.
    let mut effects: Vec<(String, f64)> = Vec::new();
    for (k, p) in params.iter().enumerate() {
        let n = p.n();
        if n < 2 {
            continue;
        }
        let third = (n / 3).max(1);
        let bottom: Vec<f64> = pts
            .iter()
            .filter(|(i, _)| i[k] < third)
            .map(|x| x.1)
            .collect();
        let top: Vec<f64> = pts
            .iter()
            .filter(|(i, _)| i[k] >= n - third)
            .map(|x| x.1)
            .collect();
        let e = mean(&top) - mean(&bottom);
        // A difference of equal means can come out as ±1e-17: that is no effect.
        let scale = mean(&top).abs().max(mean(&bottom).abs());
        let e = if e.abs() <= 1e-12 * scale { 0.0 } else { e };
        if e.is_finite() {
            effects.push((param_label(p), e));
        }
    }
    if effects.is_empty() {
        return Ok(None);
    }
    let max_abs = effects.iter().fold(0.0f64, |a, e| a.max(e.1.abs()));
    let (factor, unit) = style::metric_scale(factor0, &unit0, max_abs);
    for e in &mut effects {
        e.1 *= factor;
    }
    // Largest effect on top: sort by |effect| descending, then name.
    effects.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()).then_with(|| a.0.cmp(&b.0)));
    let n = effects.len();
    let emin = effects.iter().fold(0.0f64, |a, e| a.min(e.1));
    let emax = effects.iter().fold(0.0f64, |a, e| a.max(e.1));
    let span = if emax > emin { emax - emin } else { 1.0 };
    // Room for the value labels beside the bars.
    let x0 = if emin < 0.0 { emin - 0.22 * span } else { 0.0 };
    let x1 = if emax > 0.0 { emax + 0.22 * span } else { 0.0 };
    let (x0, x1) = if x1 - x0 < 1e-12 {
        (-1.0, 1.0)
    } else {
        (x0, x1)
    };

    let path = out_path(out, "tornado", &metric.name);
    let bpath = path.clone();
    let root = super::canvas::Canvas::new(&bpath, (w, h)).into_drawing_area();
    let title = format!("Effect of each parameter on {label}");
    let subtitle = "Mean at the top third of a parameter's values minus mean at the bottom third (all other parameters pooled)";
    let body = draw::titled(&root, f, &title, subtitle, &path)?;
    let mut items = Vec::new();
    if effects.iter().any(|e| e.1 >= 0.0) {
        items.push(item("Increases the metric", Swatch::Block(style::BLUE)));
    }
    if effects.iter().any(|e| e.1 < 0.0) {
        items.push(item(
            "Decreases the metric",
            Swatch::Block(style::VERMILLION),
        ));
    }
    let lw = draw::legend_width(&root, f, &items, &[]);
    let (bw, _) = body.dim_in_pixel();
    let (plot, legend) = body.split_horizontally(bw.saturating_sub(lw));
    let tf = draw::font(f.tick);
    let max_name = (bw as f64 * 0.32) as u32;
    // Full key paths when they fit, else their last two segments.
    let names: Vec<String> = effects
        .iter()
        .map(|e| {
            let name = if draw::text_width(&root, &e.0, &tf) <= max_name {
                e.0.clone()
            } else {
                short_key(&e.0)
            };
            draw::fit_text(&root, &name, &tf, max_name)
        })
        .collect();
    let ylw = names
        .iter()
        .map(|s| draw::text_width(&root, s, &tf))
        .max()
        .unwrap_or(60)
        + f.upx(30.0);
    let xlh = f.upx(100.0);
    let mut chart = ChartBuilder::on(&plot)
        .margin(f.px(20.0))
        .margin_right(f.px(30.0))
        .x_label_area_size(xlh)
        .y_label_area_size(ylw)
        .build_cartesian_2d(x0..x1, -0.5..n as f64 - 0.5)
        .map_err(de(&path))?;
    let x_desc = if unit.is_empty() {
        "Effect (top third − bottom third)".to_string()
    } else {
        // A difference of percentages is in percentage points.
        let unit = match unit.strip_prefix("% ") {
            Some(rest) => format!("percentage points {rest}"),
            None => unit.clone(),
        };
        format!("Effect (top third − bottom third), {unit}")
    };
    draw::draw_mesh(
        &mut chart,
        f,
        &MeshSpec {
            x_desc: &x_desc,
            y_desc: "",
            x_fmt: Fmt::Auto,
            y_fmt: Fmt::With(&|_| String::new()),
            x_labels: 8,
            y_labels: 0,
        },
        &path,
    )?;
    // Row j = n-1 is the top (largest effect).
    let row = |k: usize| (n - 1 - k) as f64;
    chart
        .draw_series(effects.iter().enumerate().map(|(k, (_, e))| {
            let c = if *e >= 0.0 {
                style::BLUE
            } else {
                style::VERMILLION
            };
            Rectangle::new([(0.0, row(k) - 0.32), (*e, row(k) + 0.32)], c.filled())
        }))
        .map_err(de(&path))?;
    chart
        .draw_series(std::iter::once(PathElement::new(
            vec![(0.0, -0.5), (0.0, n as f64 - 0.5)],
            style::BLACK.stroke_width(f.upx(2.0)),
        )))
        .map_err(de(&path))?;
    let pad = span * 0.015;
    chart
        .draw_series(effects.iter().enumerate().map(|(k, (_, e))| {
            let s = style::fmt_sig(*e, 3);
            let s = if *e > 0.0 { format!("+{s}") } else { s };
            let (x, hp) = if *e >= 0.0 {
                (e + pad, HPos::Left)
            } else {
                (e - pad, HPos::Right)
            };
            Text::new(
                s,
                (x, row(k)),
                draw::text_style(f.tick, style::BLACK).pos(Pos::new(hp, VPos::Center)),
            )
        }))
        .map_err(de(&path))?;
    let ticks: Vec<(f64, String)> = names
        .iter()
        .enumerate()
        .map(|(k, s)| (row(k), s.clone()))
        .collect();
    draw::y_ticks_by_hand(&root, &chart, f, &ticks, &path)?;
    draw::draw_legend(&legend, f, &items, &[], false, f.px(20.0), &path)?;
    draw::finish(&root, &path)?;
    Ok(Some(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metric_info_finds_indicator_units() {
        let (l, fac, u) = metric_info("final.fdi_stock_usd.VNM-JPN");
        assert_eq!(
            (l.as_str(), fac, u.as_str()),
            ("FDI stock (registered capital), VNM-JPN", 1.0, "USD")
        );
        let (l, fac, u) = metric_info("covid.trade_usd_per_q.VNM-JPN.depth");
        assert_eq!(l, "Bilateral trade, VNM-JPN, shock depth");
        assert_eq!((fac, u.as_str()), (100.0, "% of counterfactual"));
        assert_eq!(metric_info("score").0, "score");
    }

    #[test]
    fn short_key_keeps_the_last_two_segments() {
        assert_eq!(
            short_key("donors[JICA].recipients[0].strategic_weight"),
            "recipients[0].strategic_weight"
        );
        assert_eq!(
            short_key("shocks[largest_donor_cut].ramp_quarters"),
            "shocks[largest_donor_cut].ramp_quarters"
        );
        assert_eq!(short_key("samples"), "samples");
        assert_eq!(
            key_segments("shocks[a.b].ramp_quarters"),
            vec!["shocks[a.b]", "ramp_quarters"]
        );
    }

    #[test]
    fn param_index_matches_numbers_written_differently() {
        let p = Param {
            key: "a".into(),
            log: false,
            labels: vec!["1".into(), "2.5".into()],
            nums: Some(vec![1.0, 2.5]),
        };
        assert_eq!(p.index_of("1.0"), Some(0));
        assert_eq!(p.index_of("2.50"), Some(1));
        assert_eq!(p.index_of("3"), None);
    }
}
