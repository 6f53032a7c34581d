//! Experimental designs: the list of parameter points a sweep runs, in a fixed order.
//!
//! Every design except the grid first draws points in the unit hypercube `[0,1)^k` and then maps
//! each coordinate to its parameter ([`map_unit`]). Random draws come from ChaCha8 keyed by the
//! sweep seed on a stream reserved for designs ([`DESIGN_STREAM`]), with our own
//! float/integer conversions, so a design never changes with the `rand` version.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::sobol::Sobol;
use super::spec::{Design, Domain, Parameter, Scale, SweepSpec, ValueKind};

/// ChaCha stream used for design draws (ASCII "kizsweep"); runs never use the design RNG.
pub const DESIGN_STREAM: u64 = 0x6b69_7a73_7765_6570;

/// Deterministic random numbers for designs.
pub struct DesignRng(ChaCha8Rng);

impl DesignRng {
    pub fn new(seed: u64) -> DesignRng {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(DESIGN_STREAM);
        DesignRng(rng)
    }
    /// Uniform in [0, 1) with 53 random bits.
    pub fn unit(&mut self) -> f64 {
        (self.0.next_u64() >> 11) as f64 * (1.0 / 9_007_199_254_740_992.0)
    }
    /// Uniform integer in `0..n` (multiply-shift; `n > 0`).
    pub fn below(&mut self, n: u64) -> u64 {
        ((self.0.next_u64() as u128 * n as u128) >> 64) as u64
    }
    /// Fisher–Yates permutation of `0..n`.
    pub fn permutation(&mut self, n: usize) -> Vec<usize> {
        let mut p: Vec<usize> = (0..n).collect();
        for i in (1..n).rev() {
            let j = self.below(i as u64 + 1) as usize;
            p.swap(i, j);
        }
        p
    }
}

/// Rounds a value that lies within a few ulps of a 12-significant-digit decimal onto that decimal
/// (so a grid from 0.1 to 0.5 gives 0.3, not 0.30000000000000004).
pub fn snap_decimal(v: f64) -> f64 {
    if !v.is_finite() || v == 0.0 {
        return v;
    }
    let s: f64 = format!("{v:.11e}").parse().unwrap_or(v);
    if ((s - v) / v).abs() < 1e-13 { s } else { v }
}

/// Value `i` of `n` evenly spaced values from `min` to `max` (log-evenly for `Scale::Log`),
/// computed directly from `i` (never by accumulating a step); endpoints are exact.
pub fn grid_value(min: f64, max: f64, i: u64, n: u64, scale: Scale) -> f64 {
    if n <= 1 || i == 0 {
        return min;
    }
    if i >= n - 1 {
        return max;
    }
    let (a, b) = (n - 1 - i, i);
    let d = (n - 1) as f64;
    let v = match scale {
        Scale::Linear => (min * a as f64 + max * b as f64) / d,
        Scale::Log => ((min.ln() * a as f64 + max.ln() * b as f64) / d).exp(),
    };
    snap_decimal(v)
}

fn typed(p: &Parameter, x: f64) -> toml::Value {
    if p.integer || p.kind == Some(ValueKind::Integer) {
        toml::Value::Integer(x.round() as i64)
    } else {
        toml::Value::Float(x)
    }
}

/// The grid axis of one parameter.
pub fn grid_axis(p: &Parameter) -> Vec<toml::Value> {
    match &p.domain {
        Domain::Values(vs) => vs.clone(),
        Domain::Range { min, max, count } => {
            let n = count.unwrap_or(2);
            (0..n)
                .map(|i| typed(p, grid_value(*min, *max, i, n, p.scale)))
                .collect()
        }
    }
}

/// Maps `u ∈ [0,1]` to a parameter value: linear or log-linear in `[min, max]`, rounded for
/// integers; for an explicit list, the element at index `min(⌊u·len⌋, len−1)`.
pub fn map_unit(p: &Parameter, u: f64) -> toml::Value {
    match &p.domain {
        Domain::Values(vs) => {
            let i = ((u * vs.len() as f64) as usize).min(vs.len() - 1);
            vs[i].clone()
        }
        Domain::Range { min, max, .. } => {
            let x = match p.scale {
                Scale::Linear => min + (max - min) * u,
                Scale::Log => (min.ln() + (max.ln() - min.ln()) * u).exp(),
            };
            typed(p, x.clamp(*min, *max))
        }
    }
}

/// Number of points of the design (saturating).
pub fn point_count(spec: &SweepSpec) -> u64 {
    match spec.design {
        Design::Grid => spec.parameters.iter().fold(1u64, |acc, p| {
            let n = match &p.domain {
                Domain::Values(vs) => vs.len() as u64,
                Domain::Range { count, .. } => count.unwrap_or(2),
            };
            acc.saturating_mul(n)
        }),
        Design::Random { samples } | Design::Lhs { samples } | Design::Sobol { samples } => samples,
        Design::Morris { trajectories, .. } => {
            trajectories.saturating_mul(spec.parameters.len() as u64 + 1)
        }
        Design::Saltelli { samples } => samples.saturating_mul(spec.parameters.len() as u64 + 2),
    }
}

/// One Morris trajectory in grid-index units: `k+1` points; step `m` moves parameter
/// `order[m]` by `signs[m]·p/2` levels (Δ = p/(2(p−1)) in the unit interval).
#[derive(Debug, Clone, PartialEq)]
pub struct MorrisTrajectory {
    /// `k+1` points, each a vector of level indices in `0..p`.
    pub levels: Vec<Vec<u32>>,
    pub order: Vec<usize>,
    pub signs: Vec<i8>,
}

/// `r` Morris trajectories for `k` parameters on a `p`-level grid (`p` even).
pub fn morris_trajectories(r: u64, k: usize, p: u32, seed: u64) -> Vec<MorrisTrajectory> {
    let mut rng = DesignRng::new(seed);
    let jump = p / 2;
    (0..r)
        .map(|_| {
            let order = rng.permutation(k);
            let mut signs = vec![0i8; k];
            let mut x = vec![0u32; k];
            for j in 0..k {
                let up = rng.below(2) == 0;
                signs[j] = if up { 1 } else { -1 };
                // Base level such that the move stays on the grid.
                x[j] = if up {
                    rng.below(jump as u64) as u32
                } else {
                    jump + rng.below(jump as u64) as u32
                };
            }
            let mut levels = vec![x.clone()];
            let mut step_signs = Vec::with_capacity(k);
            for &j in &order {
                if signs[j] > 0 {
                    x[j] += jump;
                } else {
                    x[j] -= jump;
                }
                step_signs.push(signs[j]);
                levels.push(x.clone());
            }
            MorrisTrajectory {
                levels,
                order,
                signs: step_signs,
            }
        })
        .collect()
}

/// Latin hypercube: `n` points in `k` dimensions, one per stratum `[i/n, (i+1)/n)` per dimension.
pub fn lhs_unit(n: usize, k: usize, seed: u64) -> Vec<Vec<f64>> {
    let mut rng = DesignRng::new(seed);
    let mut pts = vec![vec![0.0; k]; n];
    for j in 0..k {
        let perm = rng.permutation(n);
        for (i, pt) in pts.iter_mut().enumerate() {
            let u = (perm[i] as f64 + rng.unit()) / n as f64;
            // Guard against rounding up into the next stratum.
            pt[j] = u.min(((perm[i] + 1) as f64 / n as f64).next_down());
        }
    }
    pts
}

/// Independent uniform points.
pub fn random_unit(n: usize, k: usize, seed: u64) -> Vec<Vec<f64>> {
    let mut rng = DesignRng::new(seed);
    (0..n)
        .map(|_| (0..k).map(|_| rng.unit()).collect())
        .collect()
}

/// All design points in order (point id = index), each a value per parameter. `seed` is the
/// sweep seed (used by random, LHS and Morris).
pub fn design_points(spec: &SweepSpec, seed: u64) -> Vec<Vec<toml::Value>> {
    let k = spec.parameters.len();
    let map = |unit: Vec<Vec<f64>>| -> Vec<Vec<toml::Value>> {
        unit.into_iter()
            .map(|u| {
                spec.parameters
                    .iter()
                    .zip(u)
                    .map(|(p, x)| map_unit(p, x))
                    .collect()
            })
            .collect()
    };
    match spec.design {
        Design::Grid => {
            let axes: Vec<Vec<toml::Value>> = spec.parameters.iter().map(grid_axis).collect();
            let n = point_count(spec) as usize;
            (0..n)
                .map(|mut i| {
                    // Last parameter varies fastest.
                    let mut pt = vec![toml::Value::Boolean(false); k];
                    for j in (0..k).rev() {
                        let len = axes[j].len();
                        pt[j] = axes[j][i % len].clone();
                        i /= len;
                    }
                    pt
                })
                .collect()
        }
        Design::Random { samples } => map(random_unit(samples as usize, k, seed)),
        Design::Lhs { samples } => map(lhs_unit(samples as usize, k, seed)),
        Design::Sobol { samples } => map(Sobol::new(k).take(samples as usize).collect()),
        Design::Saltelli { samples } => map(super::sensitivity::saltelli_unit(samples as usize, k)),
        Design::Morris {
            trajectories,
            levels,
        } => {
            let p = levels;
            let unit: Vec<Vec<f64>> = morris_trajectories(trajectories, k, p, seed)
                .into_iter()
                .flat_map(|t| t.levels)
                .map(|l| l.into_iter().map(|x| x as f64 / (p - 1) as f64).collect())
                .collect();
            map(unit)
        }
    }
}
