//! Execution: the journaled evaluator (crash-safe, resumable), the algorithm, the final files.
//!
//! Every model evaluation is journaled as it finishes (`journal.txt`, the format of
//! `crate::journal`: index, θ in internal units, distance, the model values). On `--resume` the
//! algorithm is replayed from the start: evaluations found in the journal are not run again (their
//! θ must match bit for bit), so the replay reaches exactly the state where it stopped. Only θ
//! and the distance of each evaluation stay in memory; the model values of the final population
//! are read back from the journal at the end, and `posterior.csv` is written generation by
//! generation, so memory does not grow with particles × generations × observations.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rayon::prelude::*;
use serde::Serialize;

use super::abc::{self, Generation, Settings, Stop};
use super::model::{Evaluation, Objective, log_error};
use super::nelder_mead;
use super::spec::{Algorithm, CalibrationError};
use crate::journal::{self, Journal, Progress, Reporter, journal_line};

pub const JOURNAL: &str = "journal.txt";
const JOURNAL_MAGIC: &str = "kizuna-calibration-journal v1";

#[derive(Debug, Clone)]
pub struct Options {
    pub threads: usize,
    pub resume: bool,
    pub progress: Progress,
    pub plots: bool,
}

/// Per-series fit in one window.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SeriesFit {
    pub scenario: String,
    pub series: String,
    pub column: String,
    pub window: &'static str,
    pub points: usize,
    pub rmsle_before: Option<f64>,
    pub rmsle_best: Option<f64>,
    pub rmsle_posterior_median: Option<f64>,
}

/// Posterior summary of one coordinate (natural units).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ParameterSummary {
    pub parameter: String,
    pub scale: &'static str,
    pub prior_min: f64,
    pub prior_max: f64,
    pub base: f64,
    pub best: f64,
    pub mean: f64,
    pub q05: f64,
    pub q50: f64,
    pub q95: f64,
}

#[derive(Debug, Clone)]
pub struct Outcome {
    pub hash: String,
    pub stop: String,
    pub evaluations_run: u64,
    pub evaluations_resumed: u64,
    pub evaluations_total: u64,
    pub fits: Vec<SeriesFit>,
    pub parameters: Vec<ParameterSummary>,
    pub files: Vec<PathBuf>,
}

fn other(e: impl std::fmt::Display) -> CalibrationError {
    CalibrationError::Other(e.to_string())
}

fn io_err(path: &Path) -> impl Fn(std::io::Error) -> CalibrationError + '_ {
    move |e| CalibrationError::Other(format!("{}: {e}", path.display()))
}

fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), CalibrationError> {
    journal::write_atomic(path, bytes).map_err(|(p, e)| other(format!("{}: {e}", p.display())))
}

/// Seed of the model runs of evaluation `index`: fresh for every ABC evaluation (the model is
/// stochastic), common random numbers (the calibration seed) for Nelder–Mead and the base.
fn evaluation_seed(seed: u64, index: Option<u64>) -> u64 {
    match index {
        Some(i) => {
            crate::sweep::run_seed(seed ^ 0xCA11_B000_0000_0000, i as u32)
                ^ (i >> 32).wrapping_mul(0x9E37_79B9_7F4A_7C15)
        }
        None => seed,
    }
}

/// The journaled, cached evaluator shared by the algorithms.
struct Evaluator<'a> {
    objective: &'a Objective,
    fresh_seeds: bool,
    journal: Mutex<Journal>,
    journal_path: PathBuf,
    done: Mutex<BTreeMap<u64, (Vec<u64>, f64)>>,
    reporter: Reporter,
    pool: rayon::ThreadPool,
    ran: std::sync::atomic::AtomicU64,
    resumed: std::sync::atomic::AtomicU64,
}

impl Evaluator<'_> {
    fn batch(&self, items: &[(u64, Vec<f64>)]) -> Result<Vec<f64>, String> {
        let known: Vec<Option<f64>> = {
            let done = self.done.lock().unwrap_or_else(|e| e.into_inner());
            items
                .iter()
                .map(|(i, theta)| match done.get(i) {
                    Some((bits, d)) => {
                        if bits.len() != theta.len() || bits.iter().zip(theta).any(|(b, t)| *b != t.to_bits()) {
                            Err(format!(
                                "{}: evaluation {i} was journaled at another point; the journal belongs to a different calibration",
                                self.journal_path.display()
                            ))
                        } else {
                            Ok(Some(*d))
                        }
                    }
                    None => Ok(None),
                })
                .collect::<Result<_, String>>()?
        };
        let resumed = known.iter().filter(|k| k.is_some()).count() as u64;
        self.resumed
            .fetch_add(resumed, std::sync::atomic::Ordering::Relaxed);
        let todo: Vec<usize> = (0..items.len()).filter(|&j| known[j].is_none()).collect();
        let fresh: Vec<(usize, f64)> = self.pool.install(|| {
            todo.par_iter()
                .with_max_len(1)
                .map(|&j| {
                    let (index, theta) = &items[j];
                    let seed = evaluation_seed(
                        self.objective.spec.seed,
                        self.fresh_seeds.then_some(*index),
                    );
                    let Evaluation { distance, values } = self.objective.evaluate(theta, seed)?;
                    let mut row: Vec<Option<f64>> = theta.iter().map(|t| Some(*t)).collect();
                    row.push(Some(distance));
                    row.extend(values);
                    self.journal
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .append(&journal_line(*index, &row))
                        .map_err(|e| format!("{}: {e}", self.journal_path.display()))?;
                    self.done.lock().unwrap_or_else(|e| e.into_inner()).insert(
                        *index,
                        (theta.iter().map(|t| t.to_bits()).collect(), distance),
                    );
                    self.ran.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    self.reporter.tick();
                    Ok((j, distance))
                })
                .collect::<Result<Vec<_>, String>>()
        })?;
        let mut out: Vec<f64> = known.iter().map(|k| k.unwrap_or(f64::NAN)).collect();
        for (j, d) in fresh {
            out[j] = d;
        }
        Ok(out)
    }
}

/// Opens (or creates) the journal in `out_dir`; returns it and the (θ bits, distance) found.
#[allow(clippy::type_complexity)]
fn open_journal(
    out_dir: &Path,
    hash: &str,
    width: usize,
    dim: usize,
    resume: bool,
) -> Result<(fs::File, BTreeMap<u64, (Vec<u64>, f64)>), CalibrationError> {
    let path = out_dir.join(JOURNAL);
    if path.exists() {
        if !resume {
            return Err(CalibrationError::Other(format!(
                "{} already holds a calibration journal; pass --resume to continue it, or delete the directory to start again",
                out_dir.display()
            )));
        }
        let bytes = fs::read(&path).map_err(io_err(&path))?;
        let text = String::from_utf8_lossy(&bytes);
        let bad = |m: String| CalibrationError::Other(format!("{}: {m}", path.display()));
        let (fields, start) = journal::header_fields(&text, JOURNAL_MAGIC).map_err(bad)?;
        let get = |k: &str| fields.iter().find(|(f, _)| f == k).map(|(_, v)| v.clone());
        if get("hash").as_deref() != Some(hash) || get("width") != Some(width.to_string()) {
            return Err(bad(
                "cannot resume: the journal belongs to a different calibration (the file, its scenarios or the data changed); use another output directory".into(),
            ));
        }
        let mut done = BTreeMap::new();
        let read = journal::read_rows(&text, start, width, |i, row| {
            let theta: Vec<u64> = row[..dim]
                .iter()
                .map(|v| v.unwrap_or(f64::NAN).to_bits())
                .collect();
            done.insert(i, (theta, row[dim].unwrap_or(f64::NAN)));
            Ok(())
        })
        .map_err(bad)?;
        let f = OpenOptions::new()
            .write(true)
            .open(&path)
            .map_err(io_err(&path))?;
        if read.torn_tail {
            f.set_len(read.valid_len).map_err(io_err(&path))?;
            f.sync_all().map_err(io_err(&path))?;
        }
        drop(f);
        let file = OpenOptions::new()
            .append(true)
            .open(&path)
            .map_err(io_err(&path))?;
        return Ok((file, done));
    }
    if out_dir.exists()
        && fs::read_dir(out_dir)
            .map(|mut d| d.next().is_some())
            .unwrap_or(false)
    {
        return Err(CalibrationError::Other(format!(
            "{} exists and is not a calibration directory (no {JOURNAL}); choose another --out",
            out_dir.display()
        )));
    }
    fs::create_dir_all(out_dir).map_err(io_err(out_dir))?;
    let mut f = OpenOptions::new()
        .create_new(true)
        .append(true)
        .open(&path)
        .map_err(io_err(&path))?;
    f.write_all(format!("{JOURNAL_MAGIC} hash={hash} width={width}\n").as_bytes())
        .map_err(io_err(&path))?;
    f.sync_all().map_err(io_err(&path))?;
    Ok((f, BTreeMap::new()))
}

/// Streams the journal once and returns the model values of the wanted evaluations.
fn values_of(
    path: &Path,
    width: usize,
    k: usize,
    wanted: &BTreeSet<u64>,
) -> Result<BTreeMap<u64, Vec<Option<f64>>>, CalibrationError> {
    let bytes = fs::read(path).map_err(io_err(path))?;
    let text = String::from_utf8_lossy(&bytes);
    let bad = |m: String| CalibrationError::Other(format!("{}: {m}", path.display()));
    let (_, start) = journal::header_fields(&text, JOURNAL_MAGIC).map_err(bad)?;
    let mut out = BTreeMap::new();
    journal::read_rows(&text, start, width, |i, row| {
        if wanted.contains(&i) {
            out.insert(i, row[k + 1..].to_vec());
        }
        Ok(())
    })
    .map_err(bad)?;
    Ok(out)
}

fn weighted_quantile(mut v: Vec<(f64, f64)>, q: f64) -> f64 {
    v.sort_by(|a, b| a.0.total_cmp(&b.0));
    let total: f64 = v.iter().map(|x| x.1).sum();
    let mut acc = 0.0;
    for (x, w) in &v {
        acc += w / total;
        if acc >= q - 1e-12 {
            return *x;
        }
    }
    v.last().map_or(f64::NAN, |x| x.0)
}

/// Runs the calibration into `out_dir`.
pub fn run_calibration(
    objective: &Objective,
    out_dir: &Path,
    options: &Options,
) -> Result<Outcome, CalibrationError> {
    let spec = &objective.spec;
    let k = objective.dim();
    let width = k + 1 + objective.value_count();
    let hashes: Vec<String> = objective.scenarios.iter().map(|s| s.hash.clone()).collect();
    let hash = spec.hash(&hashes);
    let (file, done) = open_journal(out_dir, &hash, width, k, options.resume)?;
    let journal_path = out_dir.join(JOURNAL);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(options.threads.max(1))
        .build()
        .map_err(other)?;
    let (label, expected) = match &spec.algorithm {
        Algorithm::AbcSmc {
            particles,
            generations,
            max_evaluations,
            ..
        } => (
            format!("calibrate {} (ABC-SMC)", spec.name),
            (*particles as u64 * *generations as u64 * 2).min(*max_evaluations),
        ),
        Algorithm::NelderMead {
            max_evaluations, ..
        } => (
            format!("calibrate {} (Nelder–Mead)", spec.name),
            *max_evaluations,
        ),
    };
    let resumed_at_start = done.len() as u64;
    let evaluator = Evaluator {
        objective,
        fresh_seeds: matches!(spec.algorithm, Algorithm::AbcSmc { .. }),
        journal: Mutex::new(Journal::new(file)),
        journal_path: journal_path.clone(),
        done: Mutex::new(done),
        reporter: Reporter::new(options.progress, &label, expected, resumed_at_start),
        pool,
        ran: Default::default(),
        resumed: Default::default(),
    };
    let batch = |items: &[(u64, Vec<f64>)]| evaluator.batch(items);

    // The base scenario's values, for the "before" figures (common random numbers, not journaled).
    let base_theta = objective.natural_to_internal(&objective.base_values);
    let base_eval = evaluator
        .pool
        .install(|| objective.evaluate(&base_theta, evaluation_seed(spec.seed, None)))
        .map_err(other)?;

    let partial = out_dir.join("posterior.csv.partial");
    let mut generation_rows: Vec<Vec<String>> = Vec::new();
    let labels = objective.labels.clone();
    let natural_row = |theta: &[f64]| -> Vec<String> {
        (0..k)
            .map(|c| crate::numfmt::float(objective.natural(c, theta[c])))
            .collect()
    };
    // Final population: (index, θ, weight, distance).
    let (population, best_index, best_theta, stop, evaluations_total, trace): (
        Vec<(u64, Vec<f64>, f64, f64)>,
        u64,
        Vec<f64>,
        String,
        u64,
        Vec<Vec<String>>,
    ) = match &spec.algorithm {
        Algorithm::AbcSmc {
            particles,
            generations,
            quantile,
            min_acceptance,
            max_evaluations,
        } => {
            let settings = Settings {
                particles: *particles,
                generations: *generations,
                quantile: *quantile,
                min_acceptance: *min_acceptance,
                max_evaluations: *max_evaluations,
            };
            let mut out = fs::File::create(&partial).map_err(io_err(&partial))?;
            let mut header = vec![
                "generation".to_string(),
                "particle".into(),
                "evaluation".into(),
            ];
            header.extend(labels.iter().cloned());
            header.extend(["weight", "distance", "epsilon"].map(String::from));
            out.write_all(&journal::csv_bytes(header, std::iter::empty()).map_err(other)?)
                .map_err(io_err(&partial))?;
            let mut total = 0u64;
            let mut on_gen = |g: &Generation| -> Result<(), String> {
                let rows = g.particles.iter().enumerate().map(|(j, p)| {
                    let mut r = vec![g.number.to_string(), j.to_string(), p.index.to_string()];
                    r.extend(natural_row(&p.theta));
                    r.push(crate::numfmt::float(p.weight));
                    r.push(crate::numfmt::float(p.distance));
                    r.push(crate::numfmt::float(g.epsilon));
                    r
                });
                let bytes = journal::csv_records(rows)?;
                out.write_all(&bytes).map_err(|e| e.to_string())?;
                total += g.evaluations;
                generation_rows.push(vec![
                    g.number.to_string(),
                    crate::numfmt::float(g.epsilon),
                    g.attempts.to_string(),
                    g.evaluations.to_string(),
                    crate::numfmt::float(g.particles.len() as f64 / g.attempts as f64),
                    crate::numfmt::float(g.ess),
                    crate::numfmt::float(
                        g.particles
                            .iter()
                            .map(|p| p.distance)
                            .fold(f64::INFINITY, f64::min),
                    ),
                ]);
                // Expected total: what ran, plus the remaining generations at this one's attempts.
                let so_far = evaluator.ran.load(std::sync::atomic::Ordering::Relaxed)
                    + evaluator.resumed.load(std::sync::atomic::Ordering::Relaxed);
                evaluator.reporter.retarget(
                    &format!(
                        "calibrate {} generation {}/{}",
                        spec.name,
                        (g.number + 2).min(*generations),
                        generations
                    ),
                    so_far
                        + g.evaluations.max(*particles as u64)
                            * (*generations - g.number - 1) as u64,
                );
                Ok(())
            };
            let (last, why) =
                abc::abc_smc(&objective.prior, &settings, spec.seed, &batch, &mut on_gen)
                    .map_err(other)?;
            drop(on_gen);
            out.sync_all().map_err(io_err(&partial))?;
            drop(out);
            fs::rename(&partial, out_dir.join("posterior.csv")).map_err(io_err(&partial))?;
            let best = last
                .particles
                .iter()
                .min_by(|a, b| {
                    a.distance
                        .total_cmp(&b.distance)
                        .then(a.index.cmp(&b.index))
                })
                .expect("a population is never empty");
            let stop = match why {
                Stop::Generations => format!("{} ({} generations)", why.as_str(), last.number + 1),
                _ => format!("{} after generation {}", why.as_str(), last.number),
            };
            (
                last.particles
                    .iter()
                    .map(|p| (p.index, p.theta.clone(), p.weight, p.distance))
                    .collect(),
                best.index,
                best.theta.clone(),
                stop,
                total,
                Vec::new(),
            )
        }
        Algorithm::NelderMead {
            max_evaluations,
            tolerance,
        } => {
            let lo = objective.prior.lo.clone();
            let hi = objective.prior.hi.clone();
            let to_box = |theta: &[f64]| -> Vec<f64> {
                (0..k)
                    .map(|i| ((theta[i] - lo[i]) / (hi[i] - lo[i])).clamp(0.0, 1.0))
                    .collect()
            };
            let from_box = |u: &[f64]| -> Vec<f64> {
                (0..k).map(|i| lo[i] + u[i] * (hi[i] - lo[i])).collect()
            };
            let trace = Mutex::new(Vec::new());
            let in_box = |items: &[(u64, Vec<f64>)]| -> Result<Vec<f64>, String> {
                let mapped: Vec<(u64, Vec<f64>)> =
                    items.iter().map(|(i, u)| (*i, from_box(u))).collect();
                let d = batch(&mapped)?;
                let mut t = trace.lock().unwrap_or_else(|e| e.into_inner());
                for ((i, th), dist) in mapped.iter().zip(&d) {
                    let mut r = vec![i.to_string()];
                    r.extend(natural_row(th));
                    r.push(crate::numfmt::float(*dist));
                    t.push(r);
                }
                Ok(d)
            };
            let out = nelder_mead::minimise(
                &to_box(&base_theta),
                0.2,
                *max_evaluations,
                *tolerance,
                &in_box,
            )
            .map_err(other)?;
            let stop = if out.evaluations >= *max_evaluations {
                "max_evaluations reached".to_string()
            } else {
                "simplex values within tolerance".to_string()
            };
            // The final simplex stands in for a population (equal weights); its evaluation indices:
            let trace = trace.into_inner().unwrap_or_else(|e| e.into_inner());
            let simplex: Vec<(u64, Vec<f64>, f64, f64)> = out
                .simplex
                .iter()
                .map(|(u, d)| {
                    let th = from_box(u);
                    let idx = trace
                        .iter()
                        .find(|r| {
                            r[1..=k] == natural_row(&th)[..] && r[k + 1] == crate::numfmt::float(*d)
                        })
                        .map_or(0, |r| r[0].parse().unwrap_or(0));
                    (idx, th, 1.0 / (k + 1) as f64, *d)
                })
                .collect();
            (
                simplex.clone(),
                simplex[0].0,
                simplex[0].1.clone(),
                stop,
                out.evaluations,
                trace,
            )
        }
    };
    evaluator.reporter.finish();
    {
        let j = evaluator.journal.lock().unwrap_or_else(|e| e.into_inner());
        j.file.sync_all().map_err(io_err(&journal_path))?;
    }
    let wanted: BTreeSet<u64> = population.iter().map(|p| p.0).chain([best_index]).collect();
    let values = values_of(&journal_path, width, k, &wanted)?;
    let get = |i: u64| -> Result<&Vec<Option<f64>>, CalibrationError> {
        values
            .get(&i)
            .ok_or_else(|| other(format!("evaluation {i} is missing from the journal")))
    };
    let best_values = get(best_index)?.clone();

    let mut files = Vec::new();
    if !generation_rows.is_empty() {
        let header = [
            "generation",
            "epsilon",
            "attempts",
            "evaluations",
            "acceptance_rate",
            "ess",
            "min_distance",
        ]
        .map(String::from)
        .to_vec();
        let path = out_dir.join("generations.csv");
        write_atomic(
            &path,
            &journal::csv_bytes(header, generation_rows.into_iter()).map_err(other)?,
        )?;
        files.push(out_dir.join("posterior.csv"));
        files.push(path);
    }
    if !trace.is_empty() {
        let mut header = vec!["evaluation".to_string()];
        header.extend(labels.iter().cloned());
        header.push("distance".into());
        let mut trace = trace;
        trace.sort_by_key(|r| r[0].parse::<u64>().unwrap_or(0));
        let path = out_dir.join("trace.csv");
        write_atomic(
            &path,
            &journal::csv_bytes(header, trace.into_iter()).map_err(other)?,
        )?;
        files.push(path);
    }

    // Fit tables.
    let n_points = objective.points.len();
    let mut band: Vec<(f64, f64, f64)> = Vec::with_capacity(n_points);
    for i in 0..n_points {
        let mut v: Vec<(f64, f64)> = Vec::new();
        for (idx, _, w, _) in &population {
            if let Some(x) = get(*idx)?[i] {
                v.push((x, *w));
            }
        }
        band.push(if v.is_empty() {
            (f64::NAN, f64::NAN, f64::NAN)
        } else {
            (
                weighted_quantile(v.clone(), 0.05),
                weighted_quantile(v.clone(), 0.5),
                weighted_quantile(v, 0.95),
            )
        });
    }
    let mut fits = Vec::new();
    for (window, train) in [("train", true), ("holdout", false)] {
        if !train && spec.holdout.is_none() {
            continue;
        }
        let header = [
            "scenario",
            "series",
            "column",
            "year",
            "observed",
            "model_before",
            "model_best",
            "posterior_median",
            "posterior_q05",
            "posterior_q95",
            "ratio_best",
        ]
        .map(String::from)
        .to_vec();
        let rows: Vec<Vec<String>> = objective
            .points
            .iter()
            .enumerate()
            .filter(|(_, p)| p.train == train)
            .map(|(i, p)| {
                let g = &objective.groups[p.group];
                vec![
                    objective.scenarios[p.scenario].id.clone(),
                    g.series.clone(),
                    p.column.clone(),
                    p.year.to_string(),
                    crate::numfmt::float(p.value),
                    crate::numfmt::opt_float(base_eval.values[i]),
                    crate::numfmt::opt_float(best_values[i]),
                    crate::numfmt::opt_float(Some(band[i].1).filter(|x| x.is_finite())),
                    crate::numfmt::opt_float(Some(band[i].0).filter(|x| x.is_finite())),
                    crate::numfmt::opt_float(Some(band[i].2).filter(|x| x.is_finite())),
                    crate::numfmt::opt_float(
                        best_values[i]
                            .filter(|_| p.value != 0.0)
                            .map(|m| m / p.value),
                    ),
                ]
            })
            .collect();
        let path = out_dir.join(format!("fit_{window}.csv"));
        write_atomic(
            &path,
            &journal::csv_bytes(header, rows.into_iter()).map_err(other)?,
        )?;
        files.push(path);
        for (gi, g) in objective.groups.iter().enumerate() {
            let idx: Vec<usize> = (0..n_points)
                .filter(|&i| {
                    objective.points[i].group == gi
                        && objective.points[i].train == train
                        && objective.points[i].value > 0.0
                })
                .collect();
            let rmsle = |m: &dyn Fn(usize) -> Option<f64>| -> Option<f64> {
                (!idx.is_empty()).then(|| {
                    (idx.iter()
                        .map(|&i| log_error(objective.points[i].value, m(i)).powi(2))
                        .sum::<f64>()
                        / idx.len() as f64)
                        .sqrt()
                })
            };
            fits.push(SeriesFit {
                scenario: objective.scenarios[g.scenario].id.clone(),
                series: g.series.clone(),
                column: g.column.clone(),
                window,
                points: idx.len(),
                rmsle_before: rmsle(&|i| base_eval.values[i]),
                rmsle_best: rmsle(&|i| best_values[i]),
                rmsle_posterior_median: rmsle(&|i| Some(band[i].1).filter(|x| x.is_finite())),
            });
        }
    }
    let header = [
        "scenario",
        "series",
        "column",
        "window",
        "points",
        "rmsle_before",
        "rmsle_best",
        "rmsle_posterior_median",
    ]
    .map(String::from)
    .to_vec();
    let rows = fits.iter().map(|f| {
        vec![
            f.scenario.clone(),
            f.series.clone(),
            f.column.clone(),
            f.window.to_string(),
            f.points.to_string(),
            crate::numfmt::opt_float(f.rmsle_before),
            crate::numfmt::opt_float(f.rmsle_best),
            crate::numfmt::opt_float(f.rmsle_posterior_median),
        ]
    });
    let path = out_dir.join("fit_summary.csv");
    write_atomic(&path, &journal::csv_bytes(header, rows).map_err(other)?)?;
    files.push(path);

    // Parameter summaries.
    let parameters: Vec<ParameterSummary> = (0..k)
        .map(|c| {
            let p = &spec.parameters[objective.coords[c].0];
            let v: Vec<(f64, f64)> = population
                .iter()
                .map(|(_, th, w, _)| (objective.natural(c, th[c]), *w))
                .collect();
            let total: f64 = v.iter().map(|x| x.1).sum();
            ParameterSummary {
                parameter: objective.labels[c].clone(),
                scale: p.scale.as_str(),
                prior_min: p.min,
                prior_max: p.max,
                base: objective.base_values[c],
                best: objective.natural(c, best_theta[c]),
                mean: v.iter().map(|(x, w)| x * w).sum::<f64>() / total,
                q05: weighted_quantile(v.clone(), 0.05),
                q50: weighted_quantile(v.clone(), 0.5),
                q95: weighted_quantile(v, 0.95),
            }
        })
        .collect();
    let header = [
        "parameter",
        "scale",
        "prior_min",
        "prior_max",
        "base",
        "best",
        "mean",
        "q05",
        "q50",
        "q95",
    ]
    .map(String::from)
    .to_vec();
    let rows = parameters.iter().map(|p| {
        let mut r = vec![p.parameter.clone(), p.scale.to_string()];
        r.extend(
            [
                p.prior_min,
                p.prior_max,
                p.base,
                p.best,
                p.mean,
                p.q05,
                p.q50,
                p.q95,
            ]
            .map(crate::numfmt::float),
        );
        r
    });
    let path = out_dir.join("posterior_summary.csv");
    write_atomic(&path, &journal::csv_bytes(header, rows).map_err(other)?)?;
    files.push(path);

    // best.toml (first scenario) and best_<id>.toml (each scenario).
    let (best_generation, best_attempt) = super::abc::generation_and_attempt(best_index);
    for (s, sc) in objective.scenarios.iter().enumerate() {
        let mut text = format!(
            "# Written by `kizuna calibrate` ({}): the best evaluation (lowest distance; generation {best_generation}, proposal {best_attempt}; `evaluation` {best_index} in posterior.csv) of the final population.\n\
             # Run it as is: kizuna run {}\n",
            spec.name,
            if s == 0 {
                "best.toml".to_string()
            } else {
                format!("best_{}.toml", sc.id)
            }
        );
        text.push_str(&format!(
            "extends = {}\n",
            toml::Value::String(sc.extends.clone())
        ));
        text.push_str(&format!(
            "name = {}\n",
            toml::Value::String(format!(
                "{}_calibrated",
                sc.doc
                    .table
                    .get("name")
                    .and_then(|v| v.as_str())
                    .unwrap_or(&sc.id)
            ))
        ));
        for set in &spec.scenarios[s].set {
            text.push_str(&format!("# applied before calibrating: {set}\n"));
        }
        for (key, value) in objective.overrides(s, &best_theta) {
            text.push_str(&format!("{key} = {value}\n"));
        }
        for name in [format!("best_{}.toml", sc.id)]
            .into_iter()
            .chain((s == 0).then(|| "best.toml".to_string()))
        {
            let path = out_dir.join(name);
            write_atomic(&path, text.as_bytes())?;
            files.push(path);
        }
    }

    let evaluations_run = evaluator.ran.load(std::sync::atomic::Ordering::Relaxed);
    let evaluations_resumed = evaluator.resumed.load(std::sync::atomic::Ordering::Relaxed);
    if options.plots {
        let plots = super::plots::draw_all(
            objective,
            out_dir,
            &population,
            &base_eval.values,
            &best_values,
            &band,
        )
        .map_err(|e| other(format!("plotting failed: {e}")))?;
        files.extend(plots);
    }

    #[derive(Serialize)]
    struct ManifestScenario<'a> {
        id: &'a str,
        extends: &'a str,
        set: &'a [String],
        scenario_hash: &'a str,
    }
    #[derive(Serialize)]
    struct Manifest<'a> {
        name: &'a str,
        kizuna_version: &'static str,
        calibration_hash: &'a str,
        seed: u64,
        seed_derivation: &'static str,
        replications_per_evaluation: u32,
        algorithm: &'a Algorithm,
        stop: &'a str,
        evaluations: u64,
        train: (i32, i32),
        holdout: Option<(i32, i32)>,
        scenarios: Vec<ManifestScenario<'a>>,
        parameters: &'a [ParameterSummary],
        fit: &'a [SeriesFit],
        files: Vec<String>,
    }
    let mut names: Vec<String> = files
        .iter()
        .filter_map(|p| {
            p.strip_prefix(out_dir)
                .ok()
                .map(|p| p.display().to_string())
        })
        .collect();
    names.push("manifest.json".into());
    let manifest = Manifest {
        name: &spec.name,
        kizuna_version: env!("CARGO_PKG_VERSION"),
        calibration_hash: &hash,
        seed: spec.seed,
        seed_derivation: "ABC: proposals from ChaCha8 keyed by (seed, generation), stream = attempt; model runs of evaluation i use run seeds splitmix64-derived from (seed, i); Nelder-Mead and the base use the calibration seed for every evaluation (common random numbers)",
        replications_per_evaluation: spec.replications,
        algorithm: &spec.algorithm,
        stop: &stop,
        evaluations: evaluations_total,
        train: spec.train,
        holdout: spec.holdout,
        scenarios: objective
            .scenarios
            .iter()
            .zip(&spec.scenarios)
            .map(|(s, sp)| ManifestScenario {
                id: &s.id,
                extends: &s.extends,
                set: &sp.set,
                scenario_hash: &s.hash,
            })
            .collect(),
        parameters: &parameters,
        fit: &fits,
        files: names,
    };
    let mut json = serde_json::to_string_pretty(&manifest).map_err(other)?;
    json.push('\n');
    let path = out_dir.join("manifest.json");
    write_atomic(&path, json.as_bytes())?;
    files.push(path);
    Ok(Outcome {
        hash,
        stop,
        evaluations_run,
        evaluations_resumed,
        evaluations_total,
        fits,
        parameters,
        files,
    })
}

/// A plain-text table of the fit for the terminal.
pub fn fit_table(fits: &[SeriesFit]) -> String {
    let o = |v: Option<f64>| v.map_or("-".to_string(), |x| format!("{x:.3}"));
    let mut s = format!(
        "{:<10} {:<46} {:<8} {:>6} {:>8} {:>8} {:>8}\n",
        "scenario", "series (column)", "window", "points", "before", "best", "post.med"
    );
    for f in fits {
        s.push_str(&format!(
            "{:<10} {:<46} {:<8} {:>6} {:>8} {:>8} {:>8}\n",
            f.scenario,
            format!("{} ({})", f.series, f.column),
            f.window,
            f.points,
            o(f.rmsle_before),
            o(f.rmsle_best),
            o(f.rmsle_posterior_median)
        ));
    }
    s
}

/// A plain-text table of the posterior intervals.
pub fn parameter_table(ps: &[ParameterSummary]) -> String {
    let mut s = format!(
        "{:<52} {:>11} {:>11} {:>11} {:>11} {:>11}\n",
        "parameter", "base", "best", "q05", "q50", "q95"
    );
    for p in ps {
        s.push_str(&format!(
            "{:<52} {:>11} {:>11} {:>11} {:>11} {:>11}\n",
            p.parameter,
            format!("{:.4}", p.base),
            format!("{:.4}", p.best),
            format!("{:.4}", p.q05),
            format!("{:.4}", p.q50),
            format!("{:.4}", p.q95)
        ));
    }
    s
}
