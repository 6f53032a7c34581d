//! Drawing helpers shared by the plots: canvas and title, legend outside the data, markers,
//! axis styling and hand-placed tick labels.

use std::fmt::Display;
use std::path::Path;

use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::element::{ComposedElement, DashedPathElement};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::PlotError;
use super::style::{self, FAMILY, Fonts};

pub(crate) type Area<'a> = DrawingArea<super::canvas::Canvas<'a>, Shift>;
pub(crate) type Chart<'a, 'b> =
    ChartContext<'a, super::canvas::Canvas<'b>, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// Maps a plotters error to a `PlotError::Draw` naming the image file.
pub(crate) fn de<E: Display>(path: &Path) -> impl Fn(E) -> PlotError + '_ {
    move |e| PlotError::Draw {
        path: path.to_path_buf(),
        message: e.to_string(),
    }
}

pub(crate) fn font(size: f64) -> FontDesc<'static> {
    FontDesc::new(FontFamily::Name(FAMILY), size, FontStyle::Normal)
}

pub(crate) fn bold(size: f64) -> FontDesc<'static> {
    FontDesc::new(FontFamily::Name(FAMILY), size, FontStyle::Bold)
}

pub(crate) fn text_style(size: f64, color: RGBColor) -> TextStyle<'static> {
    font(size).color(&color)
}

/// Width in pixels of `text` in `f`.
pub(crate) fn text_width(area: &Area, text: &str, f: &FontDesc) -> u32 {
    area.estimate_text_size(text, &TextStyle::from(f.clone()))
        .map(|s| s.0)
        .unwrap_or(0)
}

/// Shortens `text` with an ellipsis until it fits `max_w` pixels.
pub(crate) fn fit_text(area: &Area, text: &str, f: &FontDesc, max_w: u32) -> String {
    if text_width(area, text, f) <= max_w {
        return text.to_string();
    }
    let chars: Vec<char> = text.chars().collect();
    let mut n = chars.len();
    while n > 1 {
        n -= 1;
        let s: String = chars[..n].iter().collect::<String>() + "…";
        if text_width(area, &s, f) <= max_w {
            return s;
        }
    }
    "…".into()
}

/// White canvas with a bold title and a grey subtitle; returns the area below them.
pub(crate) fn titled<'a>(
    root: &Area<'a>,
    f: &Fonts,
    title: &str,
    subtitle: &str,
    path: &Path,
) -> Result<Area<'a>, PlotError> {
    root.fill(&style::WHITE).map_err(de(path))?;
    let (w, _) = root.dim_in_pixel();
    let left = f.px(28.0);
    let max_w = w.saturating_sub(2 * left as u32);
    // Shrink a long title a little before cutting it.
    let mut size = f.title;
    while size > f.title * 0.75 && text_width(root, title, &bold(size)) > max_w {
        size -= 1.0;
    }
    let title = fit_text(root, title, &bold(size), max_w);
    let top = f.px(18.0);
    root.draw(&Text::new(
        title,
        (left, top),
        bold(size)
            .color(&style::BLACK)
            .pos(Pos::new(HPos::Left, VPos::Top)),
    ))
    .map_err(de(path))?;
    let mut used = top + (f.title * 1.2) as i32;
    if !subtitle.is_empty() {
        let sub = fit_text(root, subtitle, &font(f.subtitle), max_w);
        root.draw(&Text::new(
            sub,
            (left, used + f.px(4.0)),
            text_style(f.subtitle, RGBColor(0x44, 0x44, 0x44)).pos(Pos::new(HPos::Left, VPos::Top)),
        ))
        .map_err(de(path))?;
        used += (f.subtitle * 1.35) as i32 + f.px(4.0);
    }
    Ok(root.split_vertically(used + f.px(10.0)).1)
}

/// Marker shapes for observed data.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Shape {
    Circle,
    Triangle,
    Square,
    Diamond,
    TriangleDown,
}

pub(crate) const SHAPES: [Shape; 5] = [
    Shape::Circle,
    Shape::Triangle,
    Shape::Square,
    Shape::Diamond,
    Shape::TriangleDown,
];

fn shape_points(shape: Shape, r: i32) -> Vec<(i32, i32)> {
    match shape {
        Shape::Circle => (0..20)
            .map(|i| {
                let a = i as f64 / 20.0 * std::f64::consts::TAU;
                (
                    (r as f64 * a.cos()).round() as i32,
                    (r as f64 * a.sin()).round() as i32,
                )
            })
            .collect(),
        Shape::Triangle => vec![(0, -r - 2), (r + 1, r - 1), (-r - 1, r - 1)],
        Shape::TriangleDown => vec![(0, r + 2), (r + 1, -r + 1), (-r - 1, -r + 1)],
        Shape::Square => {
            let q = (r as f64 * 0.85).round() as i32;
            vec![(-q, -q), (q, -q), (q, q), (-q, q)]
        }
        Shape::Diamond => vec![(0, -r - 2), (r + 1, 0), (0, r + 2), (-r - 1, 0)],
    }
}

/// A marker element: a filled polygon with an outline, placed at a coordinate.
pub(crate) type Marker<C, DB> =
    ComposedElement<C, DB, Polygon<(i32, i32)>, PathElement<(i32, i32)>>;

/// A filled marker with a thin white outline, at a data or pixel coordinate.
pub(crate) fn marker<C, DB: DrawingBackend>(
    at: C,
    shape: Shape,
    color: RGBColor,
    r: i32,
) -> Marker<C, DB> {
    let pts = shape_points(shape, r);
    let mut closed = pts.clone();
    closed.push(pts[0]);
    EmptyElement::at(at)
        + Polygon::new(pts, color.filled())
        + PathElement::new(closed, style::WHITE.stroke_width(2))
}

/// What a legend entry shows.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Swatch {
    Line {
        color: RGBColor,
        width: u32,
        dashed: bool,
    },
    Band(RGBColor),
    Marker(RGBColor, Shape),
    LineMarker(RGBColor, Shape),
    VLine(RGBColor),
    Block(RGBColor),
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Item {
    pub label: String,
    pub swatch: Swatch,
}

pub(crate) fn item(label: impl Into<String>, swatch: Swatch) -> Item {
    Item {
        label: label.into(),
        swatch,
    }
}

/// The width a right-hand legend needs (capped at 36 % of the image).
pub(crate) fn legend_width(root: &Area, f: &Fonts, items: &[Item], notes: &[String]) -> u32 {
    let (w, _) = root.dim_in_pixel();
    let fl = font(f.legend);
    let mut need = 0;
    for it in items {
        need = need.max(text_width(root, &it.label, &fl) + f.upx(70.0));
    }
    for n in notes {
        need = need.max(text_width(root, n, &fl));
    }
    (need + f.upx(40.0)).clamp(f.upx(160.0), (w as f64 * 0.36) as u32)
}

/// Draws legend entries, then note lines (the first in bold when `heading`), from `top`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn draw_legend(
    area: &Area,
    f: &Fonts,
    items: &[Item],
    notes: &[String],
    heading: bool,
    top: i32,
    path: &Path,
) -> Result<(), PlotError> {
    let (w, _) = area.dim_in_pixel();
    let fl = font(f.legend);
    let row = (f.legend * 1.65) as i32;
    let x0 = f.px(14.0);
    let sw = f.px(50.0);
    let max_text = w.saturating_sub((x0 + sw + f.px(16.0) + f.px(10.0)) as u32);
    let mut y = top + row / 2;
    for it in items {
        let (xa, xb) = (x0, x0 + sw);
        match it.swatch {
            Swatch::Line {
                color,
                width,
                dashed,
            } => {
                let st = color.stroke_width(f.upx(width as f64));
                if dashed {
                    area.draw(&DashedPathElement::new(
                        vec![(xa, y), (xb, y)],
                        f.px(9.0),
                        f.px(6.0),
                        st,
                    ))
                    .map_err(de(path))?;
                } else {
                    area.draw(&PathElement::new(vec![(xa, y), (xb, y)], st))
                        .map_err(de(path))?;
                }
            }
            Swatch::Band(color) | Swatch::Block(color) => {
                let h = f.px(11.0);
                area.draw(&Rectangle::new([(xa, y - h), (xb, y + h)], color.filled()))
                    .map_err(de(path))?;
            }
            Swatch::LineMarker(color, shape) => {
                area.draw(&PathElement::new(
                    vec![(xa, y), (xb, y)],
                    color.stroke_width(f.upx(3.5)),
                ))
                .map_err(de(path))?;
                area.draw(&marker((xa + sw / 2, y), shape, color, f.px(9.0)))
                    .map_err(de(path))?;
            }
            Swatch::Marker(color, shape) => {
                area.draw(&marker((xa + sw / 2, y), shape, color, f.px(9.0)))
                    .map_err(de(path))?;
            }
            Swatch::VLine(color) => {
                area.draw(&DashedPathElement::new(
                    vec![
                        (xa + sw / 2, y - row / 2 + 3),
                        (xa + sw / 2, y + row / 2 - 3),
                    ],
                    f.px(6.0),
                    f.px(4.0),
                    color.stroke_width(f.upx(3.0)),
                ))
                .map_err(de(path))?;
            }
        }
        let label = fit_text(area, &it.label, &fl, max_text);
        area.draw(&Text::new(
            label,
            (xb + f.px(16.0), y),
            fl.color(&style::BLACK)
                .pos(Pos::new(HPos::Left, VPos::Center)),
        ))
        .map_err(de(path))?;
        y += row;
    }
    if !notes.is_empty() {
        y += if items.is_empty() { 0 } else { row / 2 };
        let max_w = w.saturating_sub((x0 + f.px(10.0)) as u32);
        for (i, n) in notes.iter().enumerate() {
            let fnt = if i == 0 && heading {
                bold(f.legend)
            } else {
                font(f.legend)
            };
            let s = fit_text(area, n, &fnt, max_w);
            area.draw(&Text::new(
                s,
                (x0, y),
                fnt.color(&style::BLACK)
                    .pos(Pos::new(HPos::Left, VPos::Center)),
            ))
            .map_err(de(path))?;
            y += row;
        }
    }
    Ok(())
}

/// How the tick labels of an axis are written.
#[derive(Clone, Copy)]
pub(crate) enum Fmt<'s> {
    /// Numbers, in one `TickFormat` chosen from the axis range and label count.
    Auto,
    /// A given formatter (years, or no labels).
    With(&'s dyn Fn(&f64) -> String),
}

/// Axis styling used by every Cartesian chart.
pub(crate) struct MeshSpec<'s> {
    pub x_desc: &'s str,
    pub y_desc: &'s str,
    pub x_fmt: Fmt<'s>,
    pub y_fmt: Fmt<'s>,
    pub x_labels: usize,
    pub y_labels: usize,
}

pub(crate) fn draw_mesh(
    chart: &mut Chart,
    f: &Fonts,
    m: &MeshSpec,
    path: &Path,
) -> Result<(), PlotError> {
    let (xr, yr) = (chart.x_range(), chart.y_range());
    let xt = style::TickFormat::for_range(xr.start, xr.end, m.x_labels);
    let yt = style::TickFormat::for_range(yr.start, yr.end, m.y_labels);
    let x_auto = |v: &f64| xt.fmt(*v);
    let y_auto = |v: &f64| yt.fmt(*v);
    let x_fmt: &dyn Fn(&f64) -> String = match m.x_fmt {
        Fmt::Auto => &x_auto,
        Fmt::With(g) => g,
    };
    let y_fmt: &dyn Fn(&f64) -> String = match m.y_fmt {
        Fmt::Auto => &y_auto,
        Fmt::With(g) => g,
    };
    let mut mesh = chart.configure_mesh();
    mesh.x_labels(m.x_labels)
        .y_labels(m.y_labels)
        .x_label_formatter(x_fmt)
        .y_label_formatter(y_fmt)
        .label_style(text_style(f.tick, style::BLACK))
        .axis_desc_style(text_style(f.label, style::BLACK))
        .light_line_style(style::GRID_LIGHT)
        .bold_line_style(style::GRID_BOLD)
        .max_light_lines(0)
        .axis_style(style::GREY.stroke_width(f.upx(2.0).max(1)))
        .set_all_tick_mark_size(f.px(8.0));
    if !m.x_desc.is_empty() {
        mesh.x_desc(m.x_desc);
    }
    if !m.y_desc.is_empty() {
        mesh.y_desc(m.y_desc);
    }
    mesh.draw().map_err(de(path))
}

/// Tick labels placed by hand below the x axis of `chart` (drawn on `root`, which must be the
/// whole image) at data positions `ticks`.
pub(crate) fn x_ticks_by_hand(
    root: &Area,
    chart: &Chart,
    f: &Fonts,
    ticks: &[(f64, String)],
    path: &Path,
) -> Result<(), PlotError> {
    let (_, yr) = chart.plotting_area().get_pixel_range();
    let y_px = yr.end;
    let (xr, _) = chart.plotting_area().get_pixel_range();
    for (x, label) in ticks {
        let (px, _) = chart.backend_coord(&(*x, 0.0));
        if px < xr.start - 1 || px > xr.end + 1 {
            continue;
        }
        root.draw(&PathElement::new(
            vec![(px, y_px), (px, y_px + f.px(8.0))],
            style::GREY.stroke_width(f.upx(2.0)),
        ))
        .map_err(de(path))?;
        root.draw(&Text::new(
            label.clone(),
            (px, y_px + f.px(14.0)),
            text_style(f.tick, style::BLACK).pos(Pos::new(HPos::Center, VPos::Top)),
        ))
        .map_err(de(path))?;
    }
    Ok(())
}

/// Tick labels placed by hand left of the y axis of `chart`.
pub(crate) fn y_ticks_by_hand(
    root: &Area,
    chart: &Chart,
    f: &Fonts,
    ticks: &[(f64, String)],
    path: &Path,
) -> Result<(), PlotError> {
    let (xr, yr) = chart.plotting_area().get_pixel_range();
    let x_px = xr.start;
    for (y, label) in ticks {
        let (_, py) = chart.backend_coord(&(0.0, *y));
        if py < yr.start - 1 || py > yr.end + 1 {
            continue;
        }
        root.draw(&PathElement::new(
            vec![(x_px - f.px(8.0), py), (x_px, py)],
            style::GREY.stroke_width(f.upx(2.0)),
        ))
        .map_err(de(path))?;
        root.draw(&Text::new(
            label.clone(),
            (x_px - f.px(14.0), py),
            text_style(f.tick, style::BLACK).pos(Pos::new(HPos::Right, VPos::Center)),
        ))
        .map_err(de(path))?;
    }
    Ok(())
}

/// A closed polygon between a lower and an upper path given at the same x values.
pub(crate) fn band_polygon(xs: &[f64], lo: &[f64], hi: &[f64]) -> Vec<(f64, f64)> {
    let mut pts: Vec<(f64, f64)> = xs.iter().copied().zip(lo.iter().copied()).collect();
    pts.extend(xs.iter().copied().zip(hi.iter().copied()).rev());
    pts
}

/// Finishes the image and writes the file.
pub(crate) fn finish(root: &Area, path: &Path) -> Result<(), PlotError> {
    root.present().map_err(de(path))
}

/// The tick values plotters chooses for an axis from `lo` to `hi` with at most `max` labels.
pub(crate) fn probable_ticks(lo: f64, hi: f64, max: usize) -> Vec<f64> {
    style::axis_ticks(lo, hi, max)
}
