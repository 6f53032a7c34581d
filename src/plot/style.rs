//! Fonts, colours, number formatting and unit scaling shared by all plots.

use std::path::Path;
use std::sync::OnceLock;

use plotters::style::{FontStyle, RGBColor, register_font};

use super::{PlotError, PlotOptions};

static FONT_REGULAR: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
static FONT_BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

/// The font family name every text element uses.
pub(crate) const FAMILY: &str = "sans-serif";

/// Registers the embedded fonts with plotters, once per process.
pub(crate) fn register_fonts() -> Result<(), PlotError> {
    static DONE: OnceLock<Result<(), String>> = OnceLock::new();
    DONE.get_or_init(|| {
        register_font(FAMILY, FontStyle::Normal, FONT_REGULAR)
            .map_err(|_| "DejaVuSans.ttf is not a valid font".to_string())?;
        register_font(FAMILY, FontStyle::Bold, FONT_BOLD)
            .map_err(|_| "DejaVuSans-Bold.ttf is not a valid font".to_string())
    })
    .clone()
    .map_err(|message| PlotError::Font { message })
}

pub(crate) fn check_size(dir: &Path, opts: &PlotOptions) -> Result<(), PlotError> {
    if opts.width < 400 || opts.height < 300 || opts.width > 10_000 || opts.height > 10_000 {
        return Err(PlotError::Options {
            path: dir.to_path_buf(),
            message: format!(
                "image size {}x{} is outside 400x300 ..= 10000x10000",
                opts.width, opts.height
            ),
        });
    }
    Ok(())
}

/// Okabe–Ito colours.
pub(crate) const BLACK: RGBColor = RGBColor(0, 0, 0);
pub(crate) const ORANGE: RGBColor = RGBColor(0xE6, 0x9F, 0x00);
pub(crate) const SKY_BLUE: RGBColor = RGBColor(0x56, 0xB4, 0xE9);
pub(crate) const GREEN: RGBColor = RGBColor(0x00, 0x9E, 0x73);
#[allow(dead_code)]
pub(crate) const YELLOW: RGBColor = RGBColor(0xF0, 0xE4, 0x42);
pub(crate) const BLUE: RGBColor = RGBColor(0x00, 0x72, 0xB2);
pub(crate) const VERMILLION: RGBColor = RGBColor(0xD5, 0x5E, 0x00);
pub(crate) const PURPLE: RGBColor = RGBColor(0xCC, 0x79, 0xA7);
pub(crate) const WHITE: RGBColor = RGBColor(255, 255, 255);
pub(crate) const GREY: RGBColor = RGBColor(0x70, 0x70, 0x70);
pub(crate) const GRID_LIGHT: RGBColor = RGBColor(0xEE, 0xEE, 0xEE);
pub(crate) const GRID_BOLD: RGBColor = RGBColor(0xD4, 0xD4, 0xD4);

/// Line colours in order of use (yellow left out: too light for lines on white).
pub(crate) const LINE_COLOURS: [RGBColor; 7] =
    [BLUE, VERMILLION, GREEN, ORANGE, PURPLE, SKY_BLUE, BLACK];

/// Colours for observed-data markers (distinct from the model's blue).
pub(crate) const MARKER_COLOURS: [RGBColor; 5] = [BLACK, VERMILLION, PURPLE, ORANGE, GREEN];

/// `c` blended with white: `share` of the colour, the rest white.
pub(crate) fn tint(c: RGBColor, share: f64) -> RGBColor {
    let m = |a: u8| (a as f64 * share + 255.0 * (1.0 - share)).round() as u8;
    RGBColor(m(c.0), m(c.1), m(c.2))
}

/// A viridis-like colour map, `t` in [0, 1].
pub(crate) fn viridis(t: f64) -> RGBColor {
    const STOPS: [(u8, u8, u8); 9] = [
        (68, 1, 84),
        (71, 44, 122),
        (59, 81, 139),
        (44, 113, 142),
        (33, 145, 140),
        (39, 173, 129),
        (92, 200, 99),
        (170, 220, 50),
        (253, 231, 37),
    ];
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let h = t * (STOPS.len() - 1) as f64;
    let i = (h.floor() as usize).min(STOPS.len() - 2);
    let f = h - i as f64;
    let l = |a: u8, b: u8| (a as f64 + f * (b as f64 - a as f64)).round() as u8;
    let (a, b) = (STOPS[i], STOPS[i + 1]);
    RGBColor(l(a.0, b.0), l(a.1, b.1), l(a.2, b.2))
}

/// Whether black text is readable on `c`.
pub(crate) fn is_light(c: RGBColor) -> bool {
    0.299 * c.0 as f64 + 0.587 * c.1 as f64 + 0.114 * c.2 as f64 > 140.0
}

/// Font sizes in pixels for an image size.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fonts {
    pub title: f64,
    pub subtitle: f64,
    pub label: f64,
    pub tick: f64,
    pub legend: f64,
    /// Multiplier for line widths, margins and marker sizes.
    pub s: f64,
}

impl Fonts {
    pub fn for_size(width: u32, height: u32) -> Fonts {
        let s = (width as f64 / 1600.0).min(height as f64 / 1000.0);
        let px = |base: f64| (base * s).round().max(11.0);
        Fonts {
            title: px(40.0),
            subtitle: px(26.0),
            label: px(28.0),
            tick: px(24.0),
            legend: px(25.0),
            s,
        }
    }

    pub fn px(&self, base: f64) -> i32 {
        (base * self.s).round().max(1.0) as i32
    }

    pub fn upx(&self, base: f64) -> u32 {
        self.px(base) as u32
    }
}

/// How values are scaled for an axis, and the unit text after scaling.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct AxisScale {
    pub factor: f64,
    pub unit: String,
}

/// Picks a readable scale for values up to `max_abs` in `unit` (e.g. USD → "USD bn").
pub(crate) fn axis_scale(unit: &str, max_abs: f64) -> AxisScale {
    let m = if max_abs.is_finite() { max_abs } else { 0.0 };
    if unit == "share of GNI" {
        return AxisScale {
            factor: 100.0,
            unit: "% of GNI".into(),
        };
    }
    if let Some(rest) = unit.strip_prefix("USD") {
        let (factor, word) = if m >= 1e9 {
            (1e-9, "USD bn")
        } else if m >= 1e6 {
            (1e-6, "USD million")
        } else if m >= 1e4 {
            (1e-3, "USD thousand")
        } else {
            (1.0, "USD")
        };
        return AxisScale {
            factor,
            unit: format!("{word}{rest}"),
        };
    }
    let countable = !unit.contains('[') && !unit.contains("index") && !unit.contains("SD");
    if countable && m >= 1e6 {
        AxisScale {
            factor: 1e-6,
            unit: format!("million {unit}"),
        }
    } else if countable && m >= 1e4 {
        AxisScale {
            factor: 1e-3,
            unit: format!("thousand {unit}"),
        }
    } else {
        AxisScale {
            factor: 1.0,
            unit: unit.to_string(),
        }
    }
}

/// A tick label: no trailing zeros, at most a few decimals, thousands without separators
/// only up to 99 999.
pub(crate) fn fmt_tick(v: f64) -> String {
    if !v.is_finite() {
        return String::new();
    }
    let a = v.abs();
    let s = if a == 0.0 {
        "0".to_string()
    } else if a >= 1e5 {
        format!("{v:.0}")
    } else if a >= 100.0 {
        format!("{v:.1}")
    } else if a >= 1.0 {
        format!("{v:.2}")
    } else if a >= 0.01 {
        format!("{v:.3}")
    } else {
        format!("{v:.2e}")
    };
    trim_zeros(&s)
}

/// A number with about `sig` significant digits, trailing zeros removed.
pub(crate) fn fmt_sig(v: f64, sig: usize) -> String {
    if !v.is_finite() {
        return "n/a".into();
    }
    if v == 0.0 {
        return "0".into();
    }
    let mag = v.abs().log10().floor() as i32;
    if !(-4..=9).contains(&mag) {
        return format!("{:.*e}", sig.saturating_sub(1), v);
    }
    let decimals = (sig as i32 - 1 - mag).max(0) as usize;
    trim_zeros(&format!("{v:.decimals$}"))
}

fn trim_zeros(s: &str) -> String {
    if s.contains('e') || !s.contains('.') {
        return if s == "-0" { "0".into() } else { s.to_string() };
    }
    let t = s.trim_end_matches('0').trim_end_matches('.');
    if t == "-0" { "0".into() } else { t.to_string() }
}

/// Year tick labels: whole years as "2014", others with one decimal.
pub(crate) fn fmt_year(v: f64) -> String {
    if (v - v.round()).abs() < 1e-6 {
        format!("{:.0}", v.round())
    } else {
        format!("{v:.1}")
    }
}

/// A file-name part: lowercase, `[a-z0-9-]` kept, everything else `_`.
pub(crate) fn file_part(s: &str) -> String {
    s.chars()
        .map(|c| {
            let c = c.to_ascii_lowercase();
            if c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// A y range that shows `lo..hi` with some room, starting at zero when the data are
/// non-negative and not far from zero.
pub(crate) fn nice_range(lo: f64, hi: f64) -> (f64, f64) {
    if !lo.is_finite() || !hi.is_finite() {
        return (0.0, 1.0);
    }
    let (mut lo, mut hi) = (lo.min(hi), lo.max(hi));
    if lo >= 0.0 && lo <= 0.35 * hi {
        lo = 0.0;
    }
    let span = hi - lo;
    if span <= f64::EPSILON * hi.abs().max(1.0) {
        let pad = if hi.abs() > 0.0 { hi.abs() * 0.1 } else { 1.0 };
        return (lo - pad, hi + pad);
    }
    let pad = span * 0.06;
    let new_lo = if lo == 0.0 { 0.0 } else { lo - pad };
    hi += pad;
    lo = new_lo;
    (lo, hi)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axis_scale_uses_readable_units() {
        assert_eq!(axis_scale("USD", 3.2e10).unit, "USD bn");
        assert_eq!(
            axis_scale("USD per quarter", 5e8).unit,
            "USD million per quarter"
        );
        assert_eq!(axis_scale("persons", 450_000.0).unit, "thousand persons");
        assert_eq!(axis_scale("persons", 900.0).unit, "persons");
        let g = axis_scale("share of GNI", 0.04);
        assert_eq!((g.factor, g.unit.as_str()), (100.0, "% of GNI"));
        assert_eq!(axis_scale("trust in [0,1]", 0.7).factor, 1.0);
    }

    #[test]
    fn number_formats_are_short() {
        assert_eq!(fmt_tick(2.5), "2.5");
        assert_eq!(fmt_tick(20.0), "20");
        assert_eq!(fmt_tick(0.125), "0.125");
        assert_eq!(fmt_tick(-0.0), "0");
        assert_eq!(fmt_sig(0.23456, 3), "0.235");
        assert_eq!(fmt_sig(1234.6, 3), "1235");
        assert_eq!(fmt_year(2014.0), "2014");
        assert_eq!(file_part("fdi_stock_usd.VNM-JPN"), "fdi_stock_usd_vnm-jpn");
    }

    #[test]
    fn viridis_runs_dark_to_light() {
        assert_eq!(viridis(0.0), RGBColor(68, 1, 84));
        assert_eq!(viridis(1.0), RGBColor(253, 231, 37));
        assert!(!is_light(viridis(0.1)) && is_light(viridis(0.9)));
    }
}
