//! Calibration: fit a model's free parameters to data, jointly over several scenarios, with a
//! training window and a hold-out window. A calibration file (`docs/CALIBRATION.md`) names the
//! scenarios, the free parameters with their priors, the targets (data series mapped onto
//! indicators as `observed` does, pattern targets), the windows, the algorithm (ABC-SMC or
//! Nelder–Mead) and the seed. [`run_calibration`] journals every model evaluation (crash-safe,
//! resumable through the journal machinery shared with sweeps) and writes `posterior.csv`,
//! `best.toml`, `fit_train.csv`, `fit_holdout.csv`, `fit_summary.csv`, `manifest.json` and plots,
//! byte-identical on any thread count and after an interruption.

pub mod abc;
pub mod model;
pub mod nelder_mead;
mod plots;
pub mod run;
pub mod schema;
pub mod spec;

pub use model::Objective;
pub use run::{Options, Outcome, fit_table, parameter_table, run_calibration};
pub use spec::{CalibrationError, CalibrationSpec, load_calibration, parse_calibration};
