//! Plots of one run directory: fan charts, shock plots, trust and friction, aid dependence.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use plotters::element::DashedPathElement;
use plotters::prelude::*;

use super::data::{Summary, Table, TimeSeries, decimal_year, quarter_end_year};
use super::draw::{self, Area, Chart, Fmt, Item, MeshSpec, SHAPES, Swatch, de, item};
use super::style::{self, AxisScale, Fonts};
use super::{ObservedPoint, PlotError, PlotOptions};
use crate::indicators;

/// Indicators drawn as fan charts when `PlotOptions::indicators` is empty.
pub(crate) const KEY_INDICATORS: [&str; 8] = [
    "oda_net_usd_per_q",
    "fdi_stock_usd",
    "trade_usd_per_q",
    "residents_persons",
    "active_partnerships",
    "pair_trust",
    "capacity_k",
    "aid_gni_ratio",
];

const TRUST: [&str; 3] = ["mean_partnership_trust", "pair_trust", "gov_trust"];
const FRICTION: &str = "mean_friction";
const AID: [&str; 3] = ["aid_gni_ratio", "donor_hhi", "capacity_k"];

/// Colours of the fan chart: median line and the two bands (opaque tints, so the legend
/// swatches show exactly the colours on the chart).
const FAN: RGBColor = style::BLUE;

fn band90() -> RGBColor {
    style::tint(FAN, 0.18)
}

fn band50() -> RGBColor {
    style::tint(FAN, 0.40)
}

/// Label, unit and scope of a column; unknown indicators are shown by their column name.
fn describe(column: &str) -> (String, String, String) {
    match indicators::lookup(column) {
        Some((spec, scope)) => (
            spec.label.to_string(),
            spec.unit.to_string(),
            scope.to_string(),
        ),
        None => {
            let (name, scope) = column.split_once('.').unwrap_or((column, ""));
            match indicators::spec(name) {
                Some(spec) => (spec.label.into(), spec.unit.into(), scope.into()),
                None => (column.to_string(), String::new(), scope.to_string()),
            }
        }
    }
}

fn file_name(prefix: &str, parts: &[&str]) -> String {
    let mut s = prefix.to_string();
    for p in parts {
        if !p.is_empty() {
            s.push('_');
            s.push_str(&style::file_part(p));
        }
    }
    s.push('.');
    s.push_str(super::canvas::image_ext());
    s
}

pub(crate) fn plot_run_dir(
    dir: &Path,
    observed: &[ObservedPoint],
    opts: &PlotOptions,
) -> Result<Vec<PathBuf>, PlotError> {
    let ts = TimeSeries::read(&dir.join("timeseries.csv"))?;
    let res = Table::read(&dir.join("resilience.csv"))?;
    let paths = Table::read(&dir.join("resilience_paths.csv"))?;

    // Country plots only for countries that receive aid (donor homes have nothing to show).
    let recipients: Vec<String> = scopes(&ts, &["aid_gni_ratio"])
        .into_iter()
        .filter(|c| receives_aid(&ts, c))
        .collect();
    let shown = |column: &str| match column.split_once('.') {
        Some((name, scope)) if AID.contains(&name) => recipients.iter().any(|r| r == scope),
        _ => true,
    };
    let columns: Vec<String> = if opts.indicators.is_empty() {
        let mut v = Vec::new();
        for name in KEY_INDICATORS {
            v.extend(
                ts.columns
                    .iter()
                    .filter(|c| c.split_once('.').is_some_and(|(n, _)| n == name))
                    .filter(|c| shown(c))
                    .cloned(),
            );
        }
        v
    } else {
        for c in &opts.indicators {
            if !ts.has(c) {
                return Err(PlotError::MissingColumn {
                    path: ts.table.path.clone(),
                    column: c.clone(),
                });
            }
        }
        opts.indicators.clone()
    };
    let shocks = ShockData::read(&res, &paths)?;

    let out = dir.join("plots");
    std::fs::create_dir_all(&out).map_err(|e| PlotError::Io {
        path: out.clone(),
        message: e.to_string(),
    })?;
    let f = Fonts::for_size(opts.width, opts.height);
    let size = (opts.width, opts.height);
    let mut written = Vec::new();
    for c in &columns {
        written.extend(fan_chart(&ts, c, observed, size, &f, &out)?);
    }
    written.extend(shocks.plot(size, &f, &out)?);
    for pair in scopes(&ts, &[&TRUST[..], &[FRICTION]].concat()) {
        written.extend(trust_plot(&ts, &pair, size, &f, &out)?);
    }
    for country in scopes(&ts, &AID)
        .into_iter()
        .filter(|c| recipients.contains(c))
    {
        written.extend(aid_plot(&ts, &country, size, &f, &out)?);
    }
    written.sort();
    written.dedup();
    Ok(written)
}

/// Title, subtitle and a legend column on the right: returns the plot area, the legend area and
/// the body height in pixels.
fn with_legend<'b>(
    root: &Area<'b>,
    f: &Fonts,
    title: &str,
    subtitle: &str,
    items: &[Item],
    notes: &[String],
    path: &Path,
) -> Result<(Area<'b>, Area<'b>, u32), PlotError> {
    let body = draw::titled(root, f, title, subtitle, path)?;
    let lw = draw::legend_width(root, f, items, notes);
    let (bw, bh) = body.dim_in_pixel();
    let (plot, legend) = body.split_horizontally(bw.saturating_sub(lw));
    Ok((plot, legend, bh))
}

/// A chart over years with the indicator's label and unit on the value axis, mesh drawn.
#[allow(clippy::too_many_arguments)]
fn year_chart<'a, 'b>(
    root: &Area<'b>,
    plot: &'a Area<'b>,
    f: &Fonts,
    label: &str,
    unit: &str,
    body_h: u32,
    (x0, x1): (f64, f64),
    (y0, y1): (f64, f64),
    path: &Path,
) -> Result<Chart<'a, 'b>, PlotError> {
    let xlh = f.upx(90.0);
    let ydesc = y_desc(
        root,
        f,
        label,
        unit,
        body_h.saturating_sub(xlh + f.upx(40.0)),
    );
    let mut chart = ChartBuilder::on(plot)
        .margin(f.px(20.0))
        .margin_right(f.px(30.0))
        .x_label_area_size(xlh)
        .y_label_area_size(y_label_width(root, f, y0, y1, 8))
        .build_cartesian_2d(x0..x1, y0..y1)
        .map_err(de(path))?;
    draw::draw_mesh(
        &mut chart,
        f,
        &MeshSpec {
            x_desc: "Year",
            y_desc: &ydesc,
            x_fmt: Fmt::With(&year_fmt),
            y_fmt: Fmt::Auto,
            x_labels: 10,
            y_labels: 8,
        },
        path,
    )?;
    Ok(chart)
}

/// Whether a country ever receives aid in the run (else its aid plots would be empty).
fn receives_aid(ts: &TimeSeries, country: &str) -> bool {
    ts.summary_path(&format!("aid_gni_ratio.{country}"))
        .map(|path| path.iter().any(|(_, s)| s.q95 > 0.0))
        .unwrap_or(false)
}

/// The scopes (sorted) for which at least one of `names` has a column.
fn scopes(ts: &TimeSeries, names: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = ts
        .columns
        .iter()
        .filter_map(|c| c.split_once('.'))
        .filter(|(n, _)| names.contains(n))
        .map(|(_, s)| s.to_string())
        .collect();
    v.sort();
    v.dedup();
    v
}

/// Space for y tick labels and the rotated axis description.
pub(crate) fn y_label_width(root: &Area, f: &Fonts, y0: f64, y1: f64, n_labels: usize) -> u32 {
    let fnt = draw::font(f.tick);
    let fmt = style::TickFormat::for_range(y0, y1, n_labels);
    let w = draw::probable_ticks(y0, y1, n_labels)
        .iter()
        .map(|v| draw::text_width(root, &fmt.fmt(*v), &fnt))
        .max()
        .unwrap_or(0)
        .max(draw::text_width(root, "0.0", &fnt));
    w + (f.label * 1.3) as u32 + f.upx(30.0)
}

/// The y-axis description: "label, unit" if it fits the axis, else the unit alone.
fn y_desc(root: &Area, f: &Fonts, label: &str, unit: &str, axis_px: u32) -> String {
    let full = if unit.is_empty() {
        label.to_string()
    } else {
        format!("{label}, {unit}")
    };
    if draw::text_width(root, &full, &draw::font(f.label)) <= axis_px * 9 / 10 || unit.is_empty() {
        draw::fit_text(root, &full, &draw::font(f.label), axis_px)
    } else {
        draw::fit_text(root, unit, &draw::font(f.label), axis_px)
    }
}

fn x_range(xs: &[f64]) -> (f64, f64) {
    let lo = xs.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = xs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if !lo.is_finite() {
        (0.0, 1.0)
    } else if hi - lo < 1e-9 {
        (lo - 0.5, hi + 0.5)
    } else {
        (lo, hi)
    }
}

fn year_fmt(v: &f64) -> String {
    style::fmt_year(*v)
}

fn no_fmt(_: &f64) -> String {
    String::new()
}

/// One line (median) with optional bands in a time panel.
struct Line {
    color: RGBColor,
    width: f64,
    dashed: bool,
    bands: bool,
    pts: Vec<(f64, Summary)>,
}

fn draw_lines(chart: &mut Chart, f: &Fonts, lines: &[Line], path: &Path) -> Result<(), PlotError> {
    for l in lines.iter().filter(|l| l.bands && l.pts.len() > 1) {
        let xs: Vec<f64> = l.pts.iter().map(|p| p.0).collect();
        let col = |g: fn(&Summary) -> f64| l.pts.iter().map(|p| g(&p.1)).collect::<Vec<f64>>();
        let p90 = draw::band_polygon(&xs, &col(|s| s.q05), &col(|s| s.q95));
        let p50 = draw::band_polygon(&xs, &col(|s| s.q25), &col(|s| s.q75));
        chart
            .draw_series(std::iter::once(Polygon::new(p90, band90().filled())))
            .map_err(de(path))?;
        chart
            .draw_series(std::iter::once(Polygon::new(p50, band50().filled())))
            .map_err(de(path))?;
    }
    for l in lines {
        let pts: Vec<(f64, f64)> = l.pts.iter().map(|p| (p.0, p.1.q50)).collect();
        let st = l.color.stroke_width(f.upx(l.width));
        if pts.len() == 1 {
            chart
                .draw_series(std::iter::once(Circle::new(
                    pts[0],
                    f.px(6.0),
                    l.color.filled(),
                )))
                .map_err(de(path))?;
        } else if l.dashed {
            chart
                .draw_series(std::iter::once(DashedPathElement::new(
                    pts,
                    f.px(12.0),
                    f.px(8.0),
                    st,
                )))
                .map_err(de(path))?;
        } else {
            chart
                .draw_series(LineSeries::new(pts, st))
                .map_err(de(path))?;
        }
    }
    Ok(())
}

fn y_extent(lines: &[Line]) -> (f64, f64) {
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    for l in lines {
        for (_, s) in &l.pts {
            let (a, b) = if l.bands {
                (s.q05, s.q95)
            } else {
                (s.q50, s.q50)
            };
            lo = lo.min(a);
            hi = hi.max(b);
        }
    }
    (lo, hi)
}

fn max_abs(pts: &[(f64, Summary)]) -> f64 {
    pts.iter()
        .map(|(_, s)| s.q05.abs().max(s.q95.abs()))
        .fold(0.0, f64::max)
}

fn scale_pts(pts: &[(f64, Summary)], factor: f64) -> Vec<(f64, Summary)> {
    pts.iter().map(|(x, s)| (*x, s.scaled(factor))).collect()
}

fn replications_text(n: usize) -> String {
    if n == 1 {
        "1 replication".into()
    } else {
        format!("{n} replications")
    }
}

fn band_items(n_reps: usize) -> Vec<Item> {
    let mut items = vec![item(
        if n_reps > 1 { "Median" } else { "Simulated" },
        Swatch::Line {
            color: FAN,
            width: 4,
            dashed: false,
        },
    )];
    if n_reps > 1 {
        items.push(item("50 % band", Swatch::Band(band50())));
        items.push(item("90 % band", Swatch::Band(band90())));
    }
    items
}

fn fan_chart(
    ts: &TimeSeries,
    column: &str,
    observed: &[ObservedPoint],
    (w, h): (u32, u32),
    f: &Fonts,
    out: &Path,
) -> Result<Option<PathBuf>, PlotError> {
    let raw = ts.summary_path(column)?;
    if raw.is_empty() {
        return Ok(None);
    }
    let (label, unit, scope) = describe(column);
    let xs: Vec<f64> = raw.iter().map(|p| p.0).collect();
    let (x0, x1) = x_range(&xs);
    // Observed points of this column inside the simulated period (half a year of slack).
    let mut obs: Vec<&ObservedPoint> = observed
        .iter()
        .filter(|o| o.column == column && o.year.is_finite() && o.value.is_finite())
        .filter(|o| o.year >= x0 - 0.5 && o.year <= x1 + 0.5)
        .collect();
    obs.sort_by(|a, b| {
        a.label
            .cmp(&b.label)
            .then(a.year.total_cmp(&b.year))
            .then(a.value.total_cmp(&b.value))
    });
    let mut labels: Vec<&str> = obs.iter().map(|o| o.label.as_str()).collect();
    labels.dedup();
    let m = obs
        .iter()
        .map(|o| o.value.abs())
        .fold(max_abs(&raw), f64::max);
    let AxisScale { factor, unit } = style::axis_scale(&unit, m);
    let lines = [Line {
        color: FAN,
        width: 4.0,
        dashed: false,
        bands: ts.replications > 1,
        pts: scale_pts(&raw, factor),
    }];
    let (mut lo, mut hi) = y_extent(&lines);
    for o in &obs {
        lo = lo.min(o.value * factor);
        hi = hi.max(o.value * factor);
    }
    let (y0, y1) = style::nice_range(lo, hi);
    // Observed points just outside the simulated period widen the axis a little, so that
    // their markers are not cut at the frame.
    let pad = (x1 - x0) * 0.01;
    let ox0 = obs.iter().map(|o| o.year).fold(x0, f64::min);
    let ox1 = obs.iter().map(|o| o.year).fold(x1, f64::max);
    let x0 = if ox0 < x0 { ox0 - pad } else { x0 };
    let x1 = if ox1 > x1 { ox1 + pad } else { x1 };

    let mut items = band_items(ts.replications);
    for (i, l) in labels.iter().enumerate() {
        items.push(item(
            format!("Observed: {l}"),
            Swatch::Marker(
                style::MARKER_COLOURS[i % style::MARKER_COLOURS.len()],
                SHAPES[i % SHAPES.len()],
            ),
        ));
    }
    let title = format!("{label}: {scope}");
    let mut subtitle = if ts.replications > 1 {
        format!(
            "Median and 50 % / 90 % bands across {} (quantiles per quarter)",
            replications_text(ts.replications)
        )
    } else {
        "Single replication: no uncertainty bands".to_string()
    };
    if !labels.is_empty() {
        subtitle.push_str("; markers: observed data");
    }
    let path = out.join(file_name("fan", &[column]));
    let bpath = path.clone();
    let root = super::canvas::Canvas::new(&bpath, (w, h)).into_drawing_area();
    let (plot, legend, body_h) = with_legend(&root, f, &title, &subtitle, &items, &[], &path)?;
    let mut chart = year_chart(
        &root,
        &plot,
        f,
        &label,
        &unit,
        body_h,
        (x0, x1),
        (y0, y1),
        &path,
    )?;
    draw_lines(&mut chart, f, &lines, &path)?;
    for (i, l) in labels.iter().enumerate() {
        let color = style::MARKER_COLOURS[i % style::MARKER_COLOURS.len()];
        let shape = SHAPES[i % SHAPES.len()];
        chart
            .draw_series(
                obs.iter()
                    .filter(|o| o.label == *l)
                    .map(|o| draw::marker((o.year, o.value * factor), shape, color, f.px(9.0))),
            )
            .map_err(de(&path))?;
    }
    draw::draw_legend(&legend, f, &items, &[], false, f.px(20.0), &path)?;
    draw::finish(&root, &path)?;
    drop(chart);
    Ok(Some(path))
}

/// Rows of `resilience_paths.csv` by step: step → (decimal year, row indices).
type StepRows = BTreeMap<i64, (f64, Vec<usize>)>;

/// Resilience rows and paths grouped by (shock, indicator).
struct ShockData<'t> {
    res: &'t Table,
    paths: &'t Table,
    /// (shock, indicator) → rows of resilience.csv.
    res_rows: BTreeMap<(String, String), Vec<usize>>,
    /// (shock, indicator) → step → (decimal year, rows of resilience_paths.csv).
    path_rows: BTreeMap<(String, String), StepRows>,
}

impl<'t> ShockData<'t> {
    fn read(res: &'t Table, paths: &'t Table) -> Result<ShockData<'t>, PlotError> {
        for c in [
            "replication",
            "shock_id",
            "indicator",
            "start_step",
            "start_year",
            "start_quarter",
            "depth",
            "recovery_quarters",
        ] {
            res.col(c)?;
        }
        for c in [
            "shock_id",
            "indicator",
            "replication",
            "step",
            "year",
            "quarter",
            "shocked",
            "counterfactual",
        ] {
            paths.col(c)?;
        }
        let mut res_rows: BTreeMap<(String, String), Vec<usize>> = BTreeMap::new();
        let (rs, ri) = (res.col("shock_id")?, res.col("indicator")?);
        for r in 0..res.rows.len() {
            let key = (res.text(r, rs).to_string(), res.text(r, ri).to_string());
            res_rows.entry(key).or_default().push(r);
        }
        let mut path_rows: BTreeMap<(String, String), StepRows> = BTreeMap::new();
        let (ps, pi) = (paths.col("shock_id")?, paths.col("indicator")?);
        let (pstep, py, pq) = (
            paths.col("step")?,
            paths.col("year")?,
            paths.col("quarter")?,
        );
        for r in 0..paths.rows.len() {
            let key = (paths.text(r, ps).to_string(), paths.text(r, pi).to_string());
            let step = paths.req(r, pstep)? as i64;
            let x = quarter_end_year(paths.req(r, py)?, paths.req(r, pq)?);
            path_rows
                .entry(key)
                .or_default()
                .entry(step)
                .or_insert((x, Vec::new()))
                .1
                .push(r);
        }
        Ok(ShockData {
            res,
            paths,
            res_rows,
            path_rows,
        })
    }

    fn plot(&self, size: (u32, u32), f: &Fonts, out: &Path) -> Result<Vec<PathBuf>, PlotError> {
        let mut v = Vec::new();
        for (key, steps) in &self.path_rows {
            v.extend(self.plot_one(key, steps, size, f, out)?);
        }
        Ok(v)
    }

    fn plot_one(
        &self,
        (shock, indicator): &(String, String),
        steps: &StepRows,
        (w, h): (u32, u32),
        f: &Fonts,
        out: &Path,
    ) -> Result<Option<PathBuf>, PlotError> {
        let (res, paths) = (self.res, self.paths);
        let rows = self
            .res_rows
            .get(&(shock.clone(), indicator.clone()))
            .cloned()
            .unwrap_or_default();
        // Shock start and the metrics across replications.
        let mut start: Option<(i64, f64)> = None;
        let mut depths = Vec::new();
        let mut recov = Vec::new();
        let mut kind = String::new();
        let (c_ss, c_sy, c_sq) = (
            res.col("start_step")?,
            res.col("start_year")?,
            res.col("start_quarter")?,
        );
        let (c_d, c_r) = (res.col("depth")?, res.col("recovery_quarters")?);
        for &r in &rows {
            let s = res.req(r, c_ss)? as i64;
            let x = decimal_year(res.req(r, c_sy)?, res.req(r, c_sq)?);
            if start.is_none_or(|(s0, _)| s < s0) {
                start = Some((s, x));
            }
            if let Some(d) = res.num(r, c_d)? {
                depths.push(d);
            }
            recov.push(res.num(r, c_r)?.unwrap_or(f64::INFINITY));
            if kind.is_empty()
                && let Some(c) = res.try_col("shock_kind")
            {
                kind = res.text(r, c).to_string();
            }
        }
        // No replication lost anything measurable: the chart would show two coinciding lines
        // under a "loss" heading, so it is not drawn (see docs/OUTPUTS.md, plots).
        if !rows.is_empty() && !any_measurable_loss(&depths) {
            return Ok(None);
        }
        // From two years before the shock to the end of the resilience window (the paths file
        // stops there), so every recovery time the legend reports lies on the chart.
        let lo_step = start.map_or(i64::MIN, |(s, _)| s - 8);
        let (c_sh, c_cf) = (paths.col("shocked")?, paths.col("counterfactual")?);
        let mut shocked = Vec::new();
        let mut counter = Vec::new();
        let mut reps = 0;
        for (_, (x, rs)) in steps.range(lo_step..) {
            let mut a = Vec::new();
            let mut b = Vec::new();
            for &r in rs {
                if let Some(v) = paths.num(r, c_sh)? {
                    a.push(v);
                }
                if let Some(v) = paths.num(r, c_cf)? {
                    b.push(v);
                }
            }
            reps = reps.max(rs.len());
            if let (Some(sa), Some(sb)) = (Summary::of(&a), Summary::of(&b)) {
                shocked.push((*x, sa));
                counter.push((*x, sb));
            }
        }
        if shocked.is_empty() {
            return Ok(None);
        }
        let (label, unit, scope) = describe(indicator);
        let m = max_abs(&shocked).max(max_abs(&counter));
        let AxisScale { factor, unit } = style::axis_scale(&unit, m);
        // The counterfactual is drawn last, so that before the shock (where both coincide)
        // the dashes show on top of the shocked line.
        let lines = [
            Line {
                color: style::VERMILLION,
                width: 4.0,
                dashed: false,
                bands: false,
                pts: scale_pts(&shocked, factor),
            },
            Line {
                color: style::BLACK,
                width: 3.0,
                dashed: true,
                bands: false,
                pts: scale_pts(&counter, factor),
            },
        ];
        let (lo, hi) = y_extent(&lines);
        let (y0, y1) = style::nice_range(lo, hi);
        let xs: Vec<f64> = shocked.iter().map(|p| p.0).collect();
        let (x0, x1) = x_range(&xs);
        let loss_colour = style::tint(style::VERMILLION, 0.28);
        let mut items = vec![
            item(
                "Counterfactual (no shock)",
                Swatch::Line {
                    color: style::BLACK,
                    width: 4,
                    dashed: true,
                },
            ),
            item(
                "With shock",
                Swatch::Line {
                    color: style::VERMILLION,
                    width: 4,
                    dashed: false,
                },
            ),
            item("Loss area", Swatch::Band(loss_colour)),
        ];
        if start.is_some() {
            items.push(item("Shock start", Swatch::VLine(style::GREY)));
        }
        let recovery = RecoveryNote::of(&recov);
        if recovery.median_q.is_some() {
            items.push(item("Median recovery", Swatch::VLine(style::GREEN)));
        }
        let notes = if rows.is_empty() {
            vec!["No resilience metrics".into()]
        } else {
            let mut notes = vec![format!("Across {}", replications_text(rows.len()))];
            notes.push(match median(&depths) {
                Some(d) => format!("Depth (median): {} %", style::fmt_sig(d * 100.0, 3)),
                None => "Depth: n/a".into(),
            });
            notes.extend(recovery.lines());
            notes
        };
        let title = if kind.is_empty() {
            format!("Shock {shock}: {label}, {scope}")
        } else {
            format!("Shock {shock} ({kind}): {label}, {scope}")
        };
        let subtitle = format!(
            "Median paths across {} with and without the shock (same random numbers)",
            replications_text(reps)
        );
        let path = out.join(file_name("shock", &[shock, indicator]));
        let bpath = path.clone();
        let root = super::canvas::Canvas::new(&bpath, (w, h)).into_drawing_area();
        let (plot, legend, body_h) =
            with_legend(&root, f, &title, &subtitle, &items, &notes, &path)?;
        let mut chart = year_chart(
            &root,
            &plot,
            f,
            &label,
            &unit,
            body_h,
            (x0, x1),
            (y0, y1),
            &path,
        )?;
        // Loss area: between the counterfactual and the shocked path where the shocked path is
        // below, from the shock start on.
        let sx = start.map_or(x0, |s| s.1);
        let sel: Vec<usize> = (0..shocked.len())
            .filter(|&i| shocked[i].0 >= sx - 1e-9)
            .collect();
        if sel.len() > 1 {
            let xs: Vec<f64> = sel.iter().map(|&i| shocked[i].0).collect();
            let cf: Vec<f64> = sel.iter().map(|&i| counter[i].1.q50 * factor).collect();
            let sh: Vec<f64> = sel
                .iter()
                .map(|&i| (shocked[i].1.q50 * factor).min(counter[i].1.q50 * factor))
                .collect();
            chart
                .draw_series(std::iter::once(Polygon::new(
                    draw::band_polygon(&xs, &sh, &cf),
                    loss_colour.filled(),
                )))
                .map_err(de(&path))?;
        }
        if let Some((_, sx)) = start {
            chart
                .draw_series(std::iter::once(DashedPathElement::new(
                    vec![(sx, y0), (sx, y1)],
                    f.px(10.0),
                    f.px(7.0),
                    style::GREY.stroke_width(f.upx(3.0)),
                )))
                .map_err(de(&path))?;
        }
        if let (Some((_, sx)), Some(r)) = (start, recovery.median_q) {
            // The recovery quarter t_s + r is drawn at its end, like every record.
            let rx = sx + (r + 1.0) / 4.0;
            chart
                .draw_series(std::iter::once(DashedPathElement::new(
                    vec![(rx, y0), (rx, y1)],
                    f.px(4.0),
                    f.px(6.0),
                    style::GREEN.stroke_width(f.upx(3.0)),
                )))
                .map_err(de(&path))?;
        }
        draw_lines(&mut chart, f, &lines, &path)?;
        draw::draw_legend(&legend, f, &items, &notes, true, f.px(20.0), &path)?;
        draw::finish(&root, &path)?;
        Ok(Some(path))
    }
}

/// Whether any replication's depth reaches the model's "no loss" threshold.
fn any_measurable_loss(depths: &[f64]) -> bool {
    depths
        .iter()
        .any(|&d| d >= crate::model::resilience::NEGLIGIBLE_DEPTH)
}

/// Recovery across replications: the median is taken over the replications that recovered
/// within the window only, and the legend says so with "k of n".
#[derive(Debug, PartialEq)]
struct RecoveryNote {
    /// Median recovery time of the replications that recovered [quarters].
    median_q: Option<f64>,
    recovered: usize,
    total: usize,
}

impl RecoveryNote {
    /// `recovery_q` holds one value per replication, `+∞` for "not recovered in the window".
    fn of(recovery_q: &[f64]) -> RecoveryNote {
        let finite: Vec<f64> = recovery_q
            .iter()
            .copied()
            .filter(|r| r.is_finite())
            .collect();
        RecoveryNote {
            median_q: median(&finite),
            recovered: finite.len(),
            total: recovery_q.len(),
        }
    }

    fn lines(&self) -> Vec<String> {
        let (k, n) = (self.recovered, self.total);
        match self.median_q {
            Some(r) => vec![
                format!("Recovered in {k} of {n}"),
                format!("Recovery time: {} quarters", style::fmt_sig(r, 3)),
                format!("(median of the {k} that recovered)"),
            ],
            None => vec![
                format!("Recovered in 0 of {n}"),
                "within the resilience window".into(),
            ],
        }
    }
}

/// Median with `+∞` allowed (for "never recovered"): `+∞` when the middle is not finite.
fn median(v: &[f64]) -> Option<f64> {
    let mut v: Vec<f64> = v.iter().copied().filter(|x| !x.is_nan()).collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        Some(v[n / 2])
    } else {
        let (a, b) = (v[n / 2 - 1], v[n / 2]);
        if a.is_finite() && b.is_finite() {
            Some((a + b) / 2.0)
        } else {
            Some(f64::INFINITY)
        }
    }
}

/// Panel of a multi-panel figure.
struct Panel {
    caption: String,
    y_desc: String,
    range: Option<(f64, f64)>,
    lines: Vec<Line>,
}

/// Stacked panels sharing the x axis (labels only on the bottom one), legend on the right.
#[allow(clippy::too_many_arguments)]
fn stacked(
    path: &Path,
    (w, h): (u32, u32),
    f: &Fonts,
    title: &str,
    subtitle: &str,
    panels: &[Panel],
    weights: &[f64],
    items: &[Item],
) -> Result<(), PlotError> {
    let root = super::canvas::Canvas::new(path, (w, h)).into_drawing_area();
    let body = draw::titled(&root, f, title, subtitle, path)?;
    let lw = draw::legend_width(&root, f, items, &[]);
    let (bw, bh) = body.dim_in_pixel();
    let (plot, legend) = body.split_horizontally(bw.saturating_sub(lw));
    let all_x: Vec<f64> = panels
        .iter()
        .flat_map(|p| p.lines.iter().flat_map(|l| l.pts.iter().map(|q| q.0)))
        .collect();
    let (x0, x1) = x_range(&all_x);
    let ranges: Vec<(f64, f64)> = panels
        .iter()
        .map(|p| {
            p.range.unwrap_or_else(|| {
                let (lo, hi) = y_extent(&p.lines);
                style::nice_range(lo, hi)
            })
        })
        .collect();
    let ylw = ranges
        .iter()
        .map(|r| y_label_width(&root, f, r.0, r.1, 10))
        .max()
        .unwrap_or(100);
    // Split the plot area by weights; the bottom panel also holds the x labels.
    let xlh = f.upx(90.0);
    let total: f64 = weights.iter().sum();
    let avail = bh.saturating_sub(xlh) as f64;
    let mut rest = plot;
    let mut areas = Vec::new();
    for (i, wgt) in weights.iter().enumerate() {
        if i + 1 == weights.len() {
            areas.push(rest.clone());
            break;
        }
        let hpx = (avail * wgt / total).round() as u32;
        let (a, b) = rest.split_vertically(hpx);
        areas.push(a);
        rest = b;
    }
    for (i, (panel, area)) in panels.iter().zip(&areas).enumerate() {
        let last = i + 1 == panels.len();
        let (y0, y1) = ranges[i];
        let (_, ah) = area.dim_in_pixel();
        let cap_h = (f.label * 1.5) as u32;
        let axis_px = ah.saturating_sub(cap_h + if last { xlh } else { f.upx(14.0) });
        let ydesc = draw::fit_text(&root, &panel.y_desc, &draw::font(f.label), axis_px);
        let mut chart = ChartBuilder::on(area)
            .margin_left(f.px(20.0))
            .margin_right(f.px(30.0))
            .margin_top(f.px(6.0))
            .margin_bottom(f.px(if last { 20.0 } else { 6.0 }))
            .caption(&panel.caption, draw::bold(f.label * 0.95))
            .x_label_area_size(if last { xlh } else { f.upx(8.0) })
            .y_label_area_size(ylw)
            .build_cartesian_2d(x0..x1, y0..y1)
            .map_err(de(path))?;
        draw::draw_mesh(
            &mut chart,
            f,
            &MeshSpec {
                x_desc: if last { "Year" } else { "" },
                y_desc: &ydesc,
                x_fmt: Fmt::With(if last {
                    &year_fmt
                } else {
                    &no_fmt as &dyn Fn(&f64) -> String
                }),
                y_fmt: Fmt::Auto,
                x_labels: 10,
                y_labels: ((axis_px as f64 / (f.tick * 2.2)) as usize).clamp(3, 10),
            },
            path,
        )?;
        draw_lines(&mut chart, f, &panel.lines, path)?;
    }
    draw::draw_legend(&legend, f, items, &[], false, f.px(20.0), path)?;
    draw::finish(&root, path)
}

fn trust_plot(
    ts: &TimeSeries,
    pair: &str,
    size: (u32, u32),
    f: &Fonts,
    out: &Path,
) -> Result<Option<PathBuf>, PlotError> {
    let colours = [style::ORANGE, style::BLUE, style::GREEN];
    let mut items = Vec::new();
    let mut trust_lines = Vec::new();
    for (name, color) in TRUST.iter().zip(colours) {
        let col = indicators::column_name(name, pair);
        if !ts.has(&col) {
            continue;
        }
        let pts = ts.summary_path(&col)?;
        if pts.is_empty() {
            continue;
        }
        items.push(item(
            describe(&col).0,
            Swatch::Line {
                color,
                width: 4,
                dashed: false,
            },
        ));
        trust_lines.push(Line {
            color,
            width: 4.0,
            dashed: false,
            bands: false,
            pts,
        });
    }
    let fcol = indicators::column_name(FRICTION, pair);
    let friction = if ts.has(&fcol) {
        ts.summary_path(&fcol)?
    } else {
        Vec::new()
    };
    let mut panels = Vec::new();
    let mut weights = Vec::new();
    if !trust_lines.is_empty() {
        panels.push(Panel {
            caption: "Trust".into(),
            y_desc: "Trust (0–1)".into(),
            range: Some((0.0, 1.0)),
            lines: trust_lines,
        });
        weights.push(0.62);
    }
    if !friction.is_empty() {
        items.push(item(
            describe(&fcol).0,
            Swatch::Line {
                color: style::VERMILLION,
                width: 4,
                dashed: false,
            },
        ));
        panels.push(Panel {
            caption: "Friction".into(),
            y_desc: "Friction index".into(),
            range: None,
            lines: vec![Line {
                color: style::VERMILLION,
                width: 4.0,
                dashed: false,
                bands: false,
                pts: friction,
            }],
        });
        weights.push(0.38);
    }
    if panels.is_empty() {
        return Ok(None);
    }
    let path = out.join(file_name("trust", &[pair]));
    let title = format!("Trust and friction: {pair}");
    let subtitle = format!(
        "Medians across {} per quarter",
        replications_text(ts.replications)
    );
    stacked(&path, size, f, &title, &subtitle, &panels, &weights, &items)?;
    Ok(Some(path))
}

fn aid_plot(
    ts: &TimeSeries,
    country: &str,
    size: (u32, u32),
    f: &Fonts,
    out: &Path,
) -> Result<Option<PathBuf>, PlotError> {
    let mut panels = Vec::new();
    for name in AID {
        let col = indicators::column_name(name, country);
        if !ts.has(&col) {
            continue;
        }
        let raw = ts.summary_path(&col)?;
        if raw.is_empty() {
            continue;
        }
        let (label, unit, _) = describe(&col);
        let label = match name {
            "aid_gni_ratio" => "Net ODA received / GNI".to_string(),
            _ => label,
        };
        let sc = style::axis_scale(&unit, max_abs(&raw));
        let (y_desc, range) = match name {
            "aid_gni_ratio" => ("% of GNI".to_string(), None),
            "donor_hhi" => ("HHI (0–1)".to_string(), None),
            "capacity_k" => ("K (0–1)".to_string(), None),
            _ => (sc.unit.clone(), None),
        };
        panels.push(Panel {
            caption: label,
            y_desc,
            range,
            lines: vec![Line {
                color: FAN,
                width: 4.0,
                dashed: false,
                bands: ts.replications > 1,
                pts: scale_pts(&raw, sc.factor),
            }],
        });
    }
    if panels.is_empty() {
        return Ok(None);
    }
    let weights = vec![1.0; panels.len()];
    let items = band_items(ts.replications);
    let path = out.join(file_name("aid", &[country]));
    let title = format!("Aid dependence: {country}");
    let subtitle = if ts.replications > 1 {
        format!(
            "Median and 50 % / 90 % bands across {}",
            replications_text(ts.replications)
        )
    } else {
        "Single replication: no uncertainty bands".to_string()
    };
    stacked(&path, size, f, &title, &subtitle, &panels, &weights, &items)?;
    Ok(Some(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_treats_never_recovered_as_infinite() {
        assert_eq!(median(&[1.0, 3.0, 2.0]), Some(2.0));
        assert_eq!(median(&[1.0, 3.0]), Some(2.0));
        assert_eq!(median(&[1.0, f64::INFINITY]), Some(f64::INFINITY));
        assert_eq!(median(&[1.0, 2.0, f64::INFINITY]), Some(2.0));
        assert_eq!(median(&[]), None);
    }

    #[test]
    fn recovery_median_is_over_the_replications_that_recovered() {
        // Recovery times 4, 8, never, never: the median of all four would be "not recovered";
        // the median of the two that recovered is (4 + 8) / 2 = 6, labelled "2 of 4".
        let note = RecoveryNote::of(&[4.0, f64::INFINITY, 8.0, f64::INFINITY]);
        assert_eq!(
            note,
            RecoveryNote {
                median_q: Some(6.0),
                recovered: 2,
                total: 4
            }
        );
        assert_eq!(note.lines()[0], "Recovered in 2 of 4");
        assert_eq!(note.lines()[2], "(median of the 2 that recovered)");
        let none = RecoveryNote::of(&[f64::INFINITY; 3]);
        assert_eq!(none.median_q, None);
        assert_eq!(none.lines()[0], "Recovered in 0 of 3");
    }

    #[test]
    fn a_shock_below_the_no_loss_threshold_is_not_drawn() {
        // The model counts a depth below 0.1 % as no loss.
        assert!(!any_measurable_loss(&[0.0, 0.000_9, 0.000_5]));
        assert!(any_measurable_loss(&[0.0, 0.001]));
        assert!(!any_measurable_loss(&[]));
    }

    #[test]
    fn file_names_are_lowercase_and_stable() {
        assert_eq!(
            file_name("fan", &["fdi_stock_usd.VNM-JPN"]),
            "fan_fdi_stock_usd_vnm-jpn.png"
        );
        assert_eq!(
            file_name("shock", &["covid", "trade_usd_per_q.VNM-JPN"]),
            "shock_covid_trade_usd_per_q_vnm-jpn.png"
        );
    }
}
