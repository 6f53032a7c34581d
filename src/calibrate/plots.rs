//! Turns a finished calibration into the inputs of `plot::calibrate` (plots in `<out>/plots/`).

use std::path::{Path, PathBuf};

use super::model::Objective;
use crate::plot::PlotError;
use crate::plot::calibrate::{FitPanel, FitYear, MarginalPanel, calibration_plots};
use crate::sweep::spec::Scale;

/// Draws every plot; `population` is the final (index, θ, weight, distance), `band` the
/// posterior-predictive (5 %, 50 %, 95 %) of every observation point.
pub fn draw_all(
    objective: &Objective,
    out_dir: &Path,
    population: &[(u64, Vec<f64>, f64, f64)],
    before: &[Option<f64>],
    best: &[Option<f64>],
    band: &[(f64, f64, f64)],
) -> Result<Vec<PathBuf>, PlotError> {
    let marginals: Vec<MarginalPanel> = (0..objective.dim())
        .map(|c| {
            let p = &objective.spec.parameters[objective.coords[c].0];
            let (_, best_theta, _, _) = population
                .iter()
                .min_by(|a, b| a.3.total_cmp(&b.3).then(a.0.cmp(&b.0)))
                .expect("non-empty population");
            MarginalPanel {
                label: objective.labels[c].clone(),
                lo: p.min,
                hi: p.max,
                log: p.scale == Scale::Log,
                samples: population
                    .iter()
                    .map(|(_, th, w, _)| (objective.natural(c, th[c]), *w))
                    .collect(),
                base: objective.base_values[c],
                best: objective.natural(c, best_theta[c]),
            }
        })
        .collect();
    let fits: Vec<FitPanel> = objective
        .groups
        .iter()
        .enumerate()
        .map(|(g, group)| FitPanel {
            title: format!(
                "{}: {} ({})",
                objective.scenarios[group.scenario].id, group.series, group.column
            ),
            file_stem: format!(
                "{}_{}",
                objective.scenarios[group.scenario].id, group.column
            ),
            rows: objective
                .points
                .iter()
                .enumerate()
                .filter(|(_, p)| p.group == g)
                .map(|(i, p)| FitYear {
                    year: p.year,
                    observed: p.value,
                    before: before[i],
                    best: best[i],
                    band: band[i].0.is_finite().then_some(band[i]),
                })
                .collect(),
            holdout: objective.spec.holdout,
        })
        .collect();
    let generations = read_generations(&out_dir.join("generations.csv"));
    calibration_plots(&out_dir.join("plots"), &marginals, &fits, &generations)
}

fn read_generations(path: &Path) -> Vec<(u32, f64, f64)> {
    let Ok(mut r) = csv::Reader::from_path(path) else {
        return Vec::new();
    };
    r.records()
        .filter_map(|rec| {
            let rec = rec.ok()?;
            Some((
                rec.get(0)?.parse().ok()?,
                rec.get(1)?.parse().ok()?,
                rec.get(6)?.parse().ok()?,
            ))
        })
        .collect()
}
