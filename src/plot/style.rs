//! Fonts, colours, number formatting and unit scaling shared by all plots.

use std::path::Path;
use std::sync::OnceLock;

use plotters::style::{FontStyle, RGBColor, register_font};

use super::{PlotError, PlotOptions};

pub(crate) static FONT_REGULAR: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
pub(crate) static FONT_BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

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

/// One label format shared by all tick labels of an axis, chosen from the ticks themselves:
/// plain decimals with just enough digits for the tick step (so `0.01, 0.02` and not
/// `0.010, 0.02` or `1.00e-2`), scientific notation only when the whole axis needs it (steps
/// below 1e-4 or values of a million and more), and values within a millionth of a step of
/// zero printed as `0` (floating-point ticks such as 6.94e-18).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TickFormat {
    /// Values closer to zero than this print as "0".
    zero: f64,
    /// Decimals in plain notation.
    decimals: usize,
    /// Mantissa decimals in scientific notation, when the axis uses it.
    sci: Option<usize>,
}

impl TickFormat {
    /// The format for an axis from `lo` to `hi` with at most `max_labels` labels, using the
    /// tick values plotters places on such an axis.
    pub fn for_range(lo: f64, hi: f64, max_labels: usize) -> TickFormat {
        TickFormat::for_ticks(&axis_ticks(lo, hi, max_labels))
    }

    /// The format for labelling exactly these tick values.
    pub fn for_ticks(ticks: &[f64]) -> TickFormat {
        let mut v: Vec<f64> = ticks.iter().copied().filter(|x| x.is_finite()).collect();
        v.sort_by(f64::total_cmp);
        let max_abs = v.iter().fold(0.0f64, |a, x| a.max(x.abs()));
        let tiny = max_abs * 1e-9;
        let step = v
            .windows(2)
            .map(|w| w[1] - w[0])
            .filter(|d| *d > tiny)
            .fold(f64::INFINITY, f64::min);
        let step = if step.is_finite() {
            step
        } else if max_abs > 0.0 {
            max_abs
        } else {
            1.0
        };
        let zero = step * 1e-6;
        // Fewest decimals that write every tick (and the step) exactly enough.
        let exact = |x: f64, d: i32| {
            let y = x * 10f64.powi(d);
            (y - y.round()).abs() <= 1e-6f64.max(y.abs() * 1e-12)
        };
        let decimals = (0..=12)
            .find(|&d| exact(step, d) && v.iter().all(|&x| x.abs() < zero || exact(x, d)))
            .unwrap_or(12);
        let sci = if decimals > 4 || max_abs >= 1e6 {
            let top = max_abs.max(step).log10().floor() as i32;
            let fine = step.log10().floor() as i32;
            // Step mantissa digits beyond the first (2.5e-5 needs one more).
            let extra = (0..=3)
                .find(|&d| exact(step / 10f64.powi(fine), d))
                .unwrap_or(3);
            Some(((top - fine).max(0) + extra).min(6) as usize)
        } else {
            None
        };
        TickFormat {
            zero,
            decimals: decimals as usize,
            sci,
        }
    }

    /// The label of tick value `v`.
    pub fn fmt(&self, v: f64) -> String {
        if !v.is_finite() {
            return String::new();
        }
        if v.abs() < self.zero {
            return "0".into();
        }
        match self.sci {
            Some(md) => format!("{v:.md$e}"),
            None => {
                let s = format!("{v:.*}", self.decimals);
                if s.trim_start_matches('-')
                    .chars()
                    .all(|c| c == '0' || c == '.')
                {
                    "0".into()
                } else {
                    s
                }
            }
        }
    }
}

/// The tick values plotters places on an axis from `lo` to `hi` with at most `max` labels.
pub(crate) fn axis_ticks(lo: f64, hi: f64, max: usize) -> Vec<f64> {
    use plotters::coord::ranged1d::Ranged;
    use plotters::coord::types::RangedCoordf64;
    if !(lo.is_finite() && hi.is_finite()) || hi <= lo || max == 0 {
        return vec![lo, hi];
    }
    RangedCoordf64::from(lo..hi).key_points(max)
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
        assert_eq!(fmt_sig(0.23456, 3), "0.235");
        assert_eq!(fmt_sig(1234.6, 3), "1235");
        assert_eq!(fmt_year(2014.0), "2014");
        assert_eq!(file_part("fdi_stock_usd.VNM-JPN"), "fdi_stock_usd_vnm-jpn");
    }

    #[test]
    fn tick_format_snaps_zero_and_is_consistent_per_axis() {
        // A floating-point zero among ticks of ±0.03 prints as 0, its neighbours plainly.
        let t = TickFormat::for_ticks(&[-0.02, -0.01, 6.94e-18, 0.01, 0.02, 0.03]);
        assert_eq!(t.fmt(6.94e-18), "0");
        assert_eq!(t.fmt(-0.009_999_999_999_999_998), "-0.01");
        assert_eq!(t.fmt(0.01), "0.01");
        assert_eq!(t.fmt(-0.02), "-0.02");
        // The same from the range plotters draws (its key points include the noisy zero).
        let t = TickFormat::for_range(-0.03, 0.03, 8);
        assert_eq!(t.fmt(6.94e-18), "0");
        assert_eq!(t.fmt(-6.94e-18), "0");
        assert_eq!(t.fmt(0.01), "0.01");
        let labels: Vec<String> = axis_ticks(-0.0607, 0.0745, 8)
            .iter()
            .map(|v| TickFormat::for_range(-0.0607, 0.0745, 8).fmt(*v))
            .collect();
        assert!(labels.contains(&"0".to_string()), "{labels:?}");
        assert!(labels.iter().all(|l| !l.contains('e')), "{labels:?}");
        // Every label of an axis has the same number of decimals (apart from 0).
        let t = TickFormat::for_ticks(&[0.0, 0.5, 1.0, 1.5]);
        assert_eq!(
            [0.0, 0.5, 1.0, 1.5].map(|v| t.fmt(v)),
            ["0", "0.5", "1.0", "1.5"]
        );
        let t = TickFormat::for_ticks(&[0.0, 20.0, 40.0]);
        assert_eq!(t.fmt(40.0), "40");
        // Scientific only when the whole axis needs it.
        let t = TickFormat::for_ticks(&[0.0, 2e-6, 4e-6, 6e-6, 8e-6, 1e-5]);
        assert_eq!(t.fmt(2e-6), "2.0e-6");
        assert_eq!(t.fmt(1e-5), "1.0e-5");
        assert_eq!(t.fmt(1e-22), "0");
        let t = TickFormat::for_ticks(&[0.0, 2e6, 4e6]);
        assert_eq!(t.fmt(4e6), "4e6");
        let t = TickFormat::for_ticks(&[0.0, 0.0002, 0.0004]);
        assert_eq!(t.fmt(0.0002), "0.0002");
    }

    #[test]
    fn viridis_runs_dark_to_light() {
        assert_eq!(viridis(0.0), RGBColor(68, 1, 84));
        assert_eq!(viridis(1.0), RGBColor(253, 231, 37));
        assert!(!is_light(viridis(0.1)) && is_light(viridis(0.9)));
    }
}

/// Scale factor and unit of a metric's axis: the metric's own factor when it has one (such as
/// 100 for a depth shown in %), else the unit scaled to the largest magnitude `max_abs`.
pub(crate) fn metric_scale(factor0: f64, unit0: &str, max_abs: f64) -> (f64, String) {
    if factor0 != 1.0 {
        (factor0, unit0.to_string())
    } else {
        let s = axis_scale(unit0, max_abs);
        (s.factor, s.unit)
    }
}
