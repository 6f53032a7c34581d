//! Plots of run and sweep outputs: PNG files drawn with plotters from the CSV files of
//! `docs/OUTPUTS.md`.
//!
//! The module works only from files on disk, so it can plot any output directory written by
//! `kizuna run` or `kizuna sweep`. Text uses the embedded DejaVu Sans font (no system fonts),
//! colours come from the colour-blind-safe Okabe–Ito palette (a viridis-like map for heatmaps),
//! and the same input always gives the same bytes.
//!
//! Run plots (`plot_run_dir`), written to `<dir>/plots/`:
//! - `fan_<indicator>_<scope>.png`: median over replications with 50 % and 90 % bands, observed
//!   data as markers;
//! - `shock_<shock_id>_<indicator>_<scope>.png`: median shocked vs counterfactual path, loss area,
//!   over the resilience window; not drawn when no replication lost 0.1 % or more (the model's
//!   "no loss" threshold). A quarter's record is drawn at the quarter's end, a shock at the
//!   start of its first quarter;
//! - `trust_<pair>.png`: trust indicators and partnership friction per pair;
//! - `aid_<country>.png`: ODA/GNI, donor concentration and implementation capacity per country.
//!
//! Sweep plots (`plot_sweep_dir`), written to `<dir>/plots/`:
//! - grid designs: `heatmap_<metric>.png` (≥ 2 parameters), `lines_<metric>.png` (≥ 1
//!   parameter); other designs (LHS, random, Sobol, Morris, Saltelli): `scatter_<metric>.png`
//!   (the metric of every run against each parameter, with a LOWESS smoother);
//!   `tornado_<metric>.png` (≥ 2 parameters, any design); `sobol_<metric>.png` (Sobol indices with
//!   bootstrap whiskers, from `sobol.csv`) and `morris_<metric>.png` (μ*–σ, from `morris.csv`).
//!
//! Comparison plots (`plot_compare_dir`), written to `<dir>/plots/`:
//! - `forest_levels.png`, `forest_<shock_id>_<indicator>_<scope>.png`: paired differences to the baseline with their
//!   95 % intervals.

pub mod calibrate;
mod canvas;
mod compare;
mod data;
mod draw;
mod run;
mod scatter;
mod sensitivity;
mod style;
mod sweep;

use std::path::{Path, PathBuf};

/// One observed data point to overlay on a fan chart.
#[derive(Debug, Clone, PartialEq)]
pub struct ObservedPoint {
    /// Time-series column, such as `fdi_stock_usd.VNM-JPN`.
    pub column: String,
    /// Decimal year (for example 2014.125 for the middle of Q1 2014).
    pub year: f64,
    /// Value in the indicator's units (as in `timeseries.csv`, before any axis scaling).
    pub value: f64,
    /// Short name of the data source, used as the legend entry.
    pub label: String,
}

/// What to draw and how big.
#[derive(Debug, Clone, PartialEq)]
pub struct PlotOptions {
    /// Image width in pixels.
    pub width: u32,
    /// Image height in pixels.
    pub height: u32,
    /// Time-series columns to draw fan charts for; empty means the default key set.
    pub indicators: Vec<String>,
    /// PNG, SVG or both (`--plot-format`).
    pub format: PlotFormat,
}

/// Image formats of the plots (`--plot-format png|svg|both`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum PlotFormat {
    /// PNG images (what `kizuna brief` embeds).
    #[default]
    Png,
    /// SVG images: text as text, with the embedded fonts, scalable.
    Svg,
    /// Both, side by side.
    Both,
}

impl PlotFormat {
    fn extensions(self) -> &'static [&'static str] {
        match self {
            PlotFormat::Png => &["png"],
            PlotFormat::Svg => &["svg"],
            PlotFormat::Both => &["png", "svg"],
        }
    }
}

/// Runs one pass of a plot routine per image format and returns every file written, sorted.
fn per_format(
    opts: &PlotOptions,
    pass: impl Fn() -> Result<Vec<PathBuf>, PlotError>,
) -> Result<Vec<PathBuf>, PlotError> {
    let mut written = Vec::new();
    for ext in opts.format.extensions() {
        written.extend(canvas::with_image_ext(ext, &pass)?);
    }
    written.sort();
    Ok(written)
}

impl Default for PlotOptions {
    fn default() -> Self {
        PlotOptions {
            width: 1600,
            height: 1000,
            indicators: Vec::new(),
            format: PlotFormat::Png,
        }
    }
}

/// Why a plot could not be drawn. Every message names the file concerned.
#[derive(Debug, thiserror::Error)]
pub enum PlotError {
    #[error("{path}: file not found")]
    MissingFile { path: PathBuf },
    #[error("{path}: cannot read: {message}")]
    Io { path: PathBuf, message: String },
    #[error("{path}: malformed CSV: {message}")]
    Csv { path: PathBuf, message: String },
    #[error("{path}: missing column `{column}`")]
    MissingColumn { path: PathBuf, column: String },
    #[error("{path}: no data rows")]
    NoRows { path: PathBuf },
    #[error("{path}: line {line}, column `{column}`: `{value}` is not a number")]
    BadValue {
        path: PathBuf,
        line: usize,
        column: String,
        value: String,
    },
    #[error("{path}: invalid manifest: {message}")]
    Manifest { path: PathBuf, message: String },
    #[error("{path}: invalid plot options: {message}")]
    Options { path: PathBuf, message: String },
    #[error("{path}: drawing failed: {message}")]
    Draw { path: PathBuf, message: String },
    #[error("embedded font could not be loaded: {message}")]
    Font { message: String },
}

impl PlotError {
    /// The file the error is about, if any.
    pub fn path(&self) -> Option<&Path> {
        match self {
            PlotError::MissingFile { path }
            | PlotError::Io { path, .. }
            | PlotError::Csv { path, .. }
            | PlotError::MissingColumn { path, .. }
            | PlotError::NoRows { path }
            | PlotError::BadValue { path, .. }
            | PlotError::Manifest { path, .. }
            | PlotError::Options { path, .. }
            | PlotError::Draw { path, .. } => Some(path),
            PlotError::Font { .. } => None,
        }
    }
}

/// Draws all run plots for the run output directory `dir` (reads `timeseries.csv`,
/// `resilience.csv` and `resilience_paths.csv`) into `dir/plots/`. Returns the written files,
/// sorted.
pub fn plot_run_dir(
    dir: &Path,
    observed: &[ObservedPoint],
    opts: &PlotOptions,
) -> Result<Vec<PathBuf>, PlotError> {
    style::check_size(dir, opts)?;
    style::register_fonts()?;
    per_format(opts, || run::plot_run_dir(dir, observed, opts))
}

/// Draws all sweep plots for the sweep output directory `dir` (reads `runs.csv`, `points.csv`
/// and `manifest.json`) into `dir/plots/`. Returns the written files, sorted.
pub fn plot_sweep_dir(dir: &Path, opts: &PlotOptions) -> Result<Vec<PathBuf>, PlotError> {
    style::check_size(dir, opts)?;
    style::register_fonts()?;
    per_format(opts, || sweep::plot_sweep_dir(dir, opts))
}

/// Draws the forest plots of a comparison directory (reads `compare.csv`) into `dir/plots/`.
/// Returns the written files, sorted.
pub fn plot_compare_dir(dir: &Path, opts: &PlotOptions) -> Result<Vec<PathBuf>, PlotError> {
    style::check_size(dir, opts)?;
    style::register_fonts()?;
    per_format(opts, || compare::plot_compare_dir(dir, opts))
}
