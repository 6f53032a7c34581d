//! ABC-SMC: approximate Bayesian computation by population Monte Carlo (Beaumont, Cornuet,
//! Marin & Robert 2009, Biometrika 96:983) with adaptive tolerances (Del Moral, Doucet & Jasra
//! 2012; the tolerance of generation t is a quantile of generation t−1's distances, as in pyabc).
//!
//! The prior is uniform on a box in internal coordinates (log for log-scale parameters).
//! Generation 0 samples the prior. Generation t ≥ 1 proposes attempt j by picking an ancestor
//! from generation t−1 by weight and moving it with a Gaussian kernel whose covariance is twice
//! the weighted covariance of generation t−1; a proposal outside the prior box is rejected
//! without running the model (prior truncation); an evaluated proposal is accepted when its
//! distance is at most the tolerance. The generation is the first N accepted attempts **in
//! attempt order**, whatever order they finished in, so the result does not depend on the
//! thread count or on batch sizes. Weights w ∝ π(θ) / Σ_j w_j K(θ | θ_j), with π constant.
//!
//! Every random number comes from a ChaCha8 stream keyed by (seed, generation) through
//! `model::rng::replication_key`, stream = attempt: attempt j of generation t always proposes the
//! same θ. Sums run in a fixed order.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Uniform prior on a box (internal coordinates).
#[derive(Debug, Clone)]
pub struct Prior {
    pub lo: Vec<f64>,
    pub hi: Vec<f64>,
}

impl Prior {
    pub fn dim(&self) -> usize {
        self.lo.len()
    }
    pub fn contains(&self, theta: &[f64]) -> bool {
        theta
            .iter()
            .zip(self.lo.iter().zip(&self.hi))
            .all(|(t, (l, h))| *t >= *l && *t <= *h)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    pub particles: u32,
    pub generations: u32,
    pub quantile: f64,
    pub min_acceptance: f64,
    pub max_evaluations: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Particle {
    /// Evaluation index (generation << 32 | attempt).
    pub index: u64,
    pub theta: Vec<f64>,
    /// Normalised weight.
    pub weight: f64,
    pub distance: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Generation {
    pub number: u32,
    /// Tolerance used (∞ for generation 0).
    pub epsilon: f64,
    pub particles: Vec<Particle>,
    /// Attempts up to and including the one that completed the population.
    pub attempts: u64,
    /// Of those, the ones inside the prior (model evaluations).
    pub evaluations: u64,
    /// Effective sample size 1 / Σ w².
    pub ess: f64,
}

/// Why the algorithm stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    Generations,
    /// The next generation would have needed more than particles / min_acceptance evaluations.
    Acceptance,
    Evaluations,
}

impl Stop {
    pub fn as_str(self) -> &'static str {
        match self {
            Stop::Generations => "all generations done",
            Stop::Acceptance => "acceptance rate fell below min_acceptance",
            Stop::Evaluations => "max_evaluations reached",
        }
    }
}

/// Evaluates a batch of (index, θ) and returns the distances in the same order. Must be
/// deterministic in (index, θ).
pub type BatchFn<'a> = dyn Fn(&[(u64, Vec<f64>)]) -> Result<Vec<f64>, String> + 'a;

/// Evaluation index of attempt `attempt` of generation `generation`.
pub fn index_of(generation: u32, attempt: u32) -> u64 {
    ((generation as u64) << 32) | attempt as u64
}

/// The (generation, attempt) of an evaluation index: the inverse of [`index_of`].
pub fn generation_and_attempt(index: u64) -> (u32, u32) {
    ((index >> 32) as u32, index as u32)
}

const ABC_SALT: u64 = 0xABC5_3C00_0000_0001;

fn stream(seed: u64, generation: u32, attempt: u32) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::from_seed(crate::model::rng::replication_key(
        seed ^ ABC_SALT,
        generation,
    ));
    rng.set_stream(attempt as u64);
    rng
}

fn uniform(rng: &mut ChaCha8Rng) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// A standard normal (Box–Muller, two uniforms).
fn normal(rng: &mut ChaCha8Rng) -> f64 {
    let u1 = 1.0 - uniform(rng); // (0, 1]
    let u2 = uniform(rng);
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// Weighted mean and covariance (row-major k×k), sequential sums.
pub fn weighted_moments(particles: &[Particle], k: usize) -> (Vec<f64>, Vec<f64>) {
    let mut mean = vec![0.0; k];
    for p in particles {
        for i in 0..k {
            mean[i] += p.weight * p.theta[i];
        }
    }
    let mut cov = vec![0.0; k * k];
    for p in particles {
        for i in 0..k {
            for j in 0..k {
                cov[i * k + j] += p.weight * (p.theta[i] - mean[i]) * (p.theta[j] - mean[j]);
            }
        }
    }
    (mean, cov)
}

/// Lower Cholesky factor of a symmetric positive-definite matrix (row-major), `None` if not PD.
fn cholesky(a: &[f64], k: usize) -> Option<Vec<f64>> {
    let mut l = vec![0.0; k * k];
    for i in 0..k {
        for j in 0..=i {
            let mut s = a[i * k + j];
            for m in 0..j {
                s -= l[i * k + m] * l[j * k + m];
            }
            if i == j {
                if s <= 0.0 || !s.is_finite() {
                    return None;
                }
                l[i * k + i] = s.sqrt();
            } else {
                l[i * k + j] = s / l[j * k + j];
            }
        }
    }
    Some(l)
}

/// |L⁻¹ d|² by forward substitution.
fn mahalanobis2(l: &[f64], k: usize, d: &[f64]) -> f64 {
    let mut z = vec![0.0; k];
    let mut q = 0.0;
    for i in 0..k {
        let mut s = d[i];
        for m in 0..i {
            s -= l[i * k + m] * z[m];
        }
        z[i] = s / l[i * k + i];
        q += z[i] * z[i];
    }
    q
}

/// The perturbation kernel of a generation: Cholesky factor of 2 × the weighted covariance,
/// with a floor on the diagonal (10⁻⁶ of each prior width) so a collapsed coordinate still moves.
fn kernel(prev: &[Particle], prior: &Prior) -> Vec<f64> {
    let k = prior.dim();
    let (_, mut cov) = weighted_moments(prev, k);
    for v in &mut cov {
        *v *= 2.0;
    }
    for i in 0..k {
        let floor = (1e-6 * (prior.hi[i] - prior.lo[i])).powi(2);
        cov[i * k + i] = cov[i * k + i].max(floor);
    }
    let mut jitter = 0.0;
    loop {
        let mut c = cov.clone();
        for i in 0..k {
            c[i * k + i] += jitter;
        }
        if let Some(l) = cholesky(&c, k) {
            return l;
        }
        // Not positive definite (collinear particles): add a growing ridge.
        jitter = if jitter == 0.0 { 1e-12 } else { jitter * 10.0 };
    }
}

/// Weighted quantile of the distances (sorted by distance, then index, for ties).
pub fn weighted_quantile(particles: &[Particle], q: f64) -> f64 {
    let mut v: Vec<(f64, u64, f64)> = particles
        .iter()
        .map(|p| (p.distance, p.index, p.weight))
        .collect();
    v.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let mut acc = 0.0;
    for (d, _, w) in &v {
        acc += w;
        if acc >= q {
            return *d;
        }
    }
    v.last().map_or(f64::INFINITY, |x| x.0)
}

/// θ proposed by attempt `attempt` of `generation`, or `None` when outside the prior.
fn propose(
    seed: u64,
    generation: u32,
    attempt: u32,
    prior: &Prior,
    prev: Option<(&[Particle], &[f64], &[f64])>,
) -> Option<Vec<f64>> {
    let mut rng = stream(seed, generation, attempt);
    let k = prior.dim();
    match prev {
        None => Some(
            (0..k)
                .map(|i| prior.lo[i] + uniform(&mut rng) * (prior.hi[i] - prior.lo[i]))
                .collect(),
        ),
        Some((particles, cumulative, l)) => {
            let u = uniform(&mut rng) * cumulative[cumulative.len() - 1];
            let a = cumulative
                .partition_point(|c| *c <= u)
                .min(particles.len() - 1);
            let z: Vec<f64> = (0..k).map(|_| normal(&mut rng)).collect();
            let theta: Vec<f64> = (0..k)
                .map(|i| particles[a].theta[i] + (0..=i).map(|m| l[i * k + m] * z[m]).sum::<f64>())
                .collect();
            prior.contains(&theta).then_some(theta)
        }
    }
}

/// Runs ABC-SMC. `on_generation` sees every finished generation in order (to stream it out).
/// Returns the last generation and why it stopped.
pub fn abc_smc(
    prior: &Prior,
    settings: &Settings,
    seed: u64,
    evaluate: &BatchFn<'_>,
    on_generation: &mut dyn FnMut(&Generation) -> Result<(), String>,
) -> Result<(Generation, Stop), String> {
    let n = settings.particles as usize;
    let k = prior.dim();
    // A generation fails when N acceptances need more than N / min_acceptance model evaluations
    // (proposals outside the prior cost no evaluation and do not count).
    let max_generation_evaluations = (n as f64 / settings.min_acceptance).ceil() as u64;
    let mut prev: Option<Generation> = None;
    let mut evaluations_total: u64 = 0;
    for t in 0..settings.generations {
        if evaluations_total >= settings.max_evaluations {
            return Ok((prev.expect("generation 0 always runs"), Stop::Evaluations));
        }
        let (epsilon, kernel_l, cumulative) = match &prev {
            None => (f64::INFINITY, Vec::new(), Vec::new()),
            Some(g) => {
                let mut acc = 0.0;
                let cumulative: Vec<f64> = g
                    .particles
                    .iter()
                    .map(|p| {
                        acc += p.weight;
                        acc
                    })
                    .collect();
                (
                    weighted_quantile(&g.particles, settings.quantile),
                    kernel(&g.particles, prior),
                    cumulative,
                )
            }
        };
        let prev_view = prev.as_ref().map(|g| {
            (
                g.particles.as_slice(),
                cumulative.as_slice(),
                kernel_l.as_slice(),
            )
        });
        let mut accepted: Vec<(u64, Vec<f64>, f64)> = Vec::with_capacity(n);
        let mut next_attempt: u32 = 0;
        let mut evaluations = 0u64;
        let mut completed_at: Option<u32> = None;
        let mut failed = false;
        let mut batch = n as u32;
        while completed_at.is_none() && !failed && next_attempt < u32::MAX {
            let end = next_attempt.saturating_add(batch);
            let mut items: Vec<(u32, Vec<f64>)> = Vec::new();
            for j in next_attempt..end {
                if let Some(theta) = propose(seed, t, j, prior, prev_view) {
                    items.push((j, theta));
                }
            }
            let batch_items: Vec<(u64, Vec<f64>)> = items
                .iter()
                .map(|(j, th)| (index_of(t, *j), th.clone()))
                .collect();
            let distances = evaluate(&batch_items)?;
            for ((j, theta), d) in items.into_iter().zip(distances) {
                if completed_at.is_some() || failed {
                    break;
                }
                evaluations += 1;
                if d <= epsilon && d.is_finite() {
                    accepted.push((index_of(t, j), theta, d));
                    if accepted.len() == n {
                        completed_at = Some(j);
                    }
                }
                if completed_at.is_none() && evaluations >= max_generation_evaluations {
                    failed = true;
                }
            }
            // Attempts tried so far, and the acceptance seen, size the next batch; the result
            // does not depend on it (the population is the first N accepted in attempt order).
            let rate = (accepted.len() as f64 / end.max(1) as f64).max(settings.min_acceptance);
            let missing = (n - accepted.len()) as f64;
            batch = ((missing / rate * 1.1).ceil() as u32).clamp(1, 4 * n as u32);
            next_attempt = end;
        }
        let Some(last) = completed_at.filter(|_| !failed) else {
            return match prev {
                Some(g) => Ok((g, Stop::Acceptance)),
                None => Err("generation 0 could not fill its population".into()),
            };
        };
        // Weights.
        let weights: Vec<f64> = match &prev {
            None => vec![1.0; n],
            Some(g) => accepted
                .iter()
                .map(|(_, theta, _)| {
                    let logs: Vec<f64> = g
                        .particles
                        .iter()
                        .map(|p| {
                            let d: Vec<f64> = (0..k).map(|i| theta[i] - p.theta[i]).collect();
                            p.weight.ln() - 0.5 * mahalanobis2(&kernel_l, k, &d)
                        })
                        .collect();
                    let m = logs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                    let s: f64 = logs.iter().map(|l| (l - m).exp()).sum();
                    (-(m + s.ln())).exp()
                })
                .collect(),
        };
        // Normalise relative to the largest weight first (the raw values can be huge).
        let wmax = weights.iter().copied().fold(0.0f64, f64::max);
        let scaled: Vec<f64> = weights.iter().map(|w| w / wmax).collect();
        let total: f64 = scaled.iter().sum();
        let particles: Vec<Particle> = accepted
            .into_iter()
            .zip(scaled)
            .map(|((index, theta, distance), w)| Particle {
                index,
                theta,
                weight: w / total,
                distance,
            })
            .collect();
        let ess = 1.0 / particles.iter().map(|p| p.weight * p.weight).sum::<f64>();
        evaluations_total += evaluations;
        let g = Generation {
            number: t,
            epsilon,
            particles,
            attempts: last as u64 + 1,
            evaluations,
            ess,
        };
        on_generation(&g)?;
        prev = Some(g);
    }
    Ok((prev.expect("at least one generation"), Stop::Generations))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Toy model with an analytic posterior: data are n = 20 draws from N(μ, 1) with sample mean
    /// x̄ = 1.0; the model simulates the sample mean, x̄_sim ~ N(μ, 1/20), and the distance is
    /// |x̄_sim − x̄|. With a flat prior on [−5, 5] the posterior is N(1.0, 1/20): mean 1.0,
    /// sd = 1/√20 = 0.2236 (the prior cuts off < 10⁻⁷⁰ of it). ABC at tolerance ε adds the
    /// variance of a uniform on [−ε, ε], ε²/3, which is < 1 % of 0.05 once ε < 0.04.
    fn toy_batch(items: &[(u64, Vec<f64>)]) -> Result<Vec<f64>, String> {
        Ok(items
            .iter()
            .map(|(index, theta)| {
                let mut rng = ChaCha8Rng::seed_from_u64(0x70E);
                rng.set_stream(*index);
                let z = normal(&mut rng);
                let sim = theta[0] + z / 20f64.sqrt();
                (sim - 1.0).abs()
            })
            .collect())
    }

    #[test]
    fn abc_smc_matches_the_normal_mean_posterior_within_10_percent() {
        let prior = Prior {
            lo: vec![-5.0],
            hi: vec![5.0],
        };
        let settings = Settings {
            particles: 2000,
            generations: 9,
            quantile: 0.5,
            min_acceptance: 0.01,
            max_evaluations: u64::MAX,
        };
        let mut epsilons = Vec::new();
        let (last, stop) = abc_smc(&prior, &settings, 11, &toy_batch, &mut |g| {
            epsilons.push(g.epsilon);
            Ok(())
        })
        .unwrap();
        assert_eq!(stop, Stop::Generations);
        assert!(
            epsilons.windows(2).all(|w| w[1] <= w[0]),
            "tolerances fall: {epsilons:?}"
        );
        let (mean, cov) = weighted_moments(&last.particles, 1);
        let sd = cov[0].sqrt();
        let sd_true = 1.0 / 20f64.sqrt();
        assert!(
            (mean[0] - 1.0).abs() / 1.0 < 0.10,
            "mean {} vs 1.0",
            mean[0]
        );
        assert!(
            (sd - sd_true).abs() / sd_true < 0.10,
            "sd {sd} vs {sd_true}"
        );
    }

    #[test]
    fn the_population_does_not_depend_on_batch_boundaries() {
        // Evaluating one item at a time or all at once gives the same generations.
        let prior = Prior {
            lo: vec![-5.0, 0.0],
            hi: vec![5.0, 1.0],
        };
        let settings = Settings {
            particles: 50,
            generations: 4,
            quantile: 0.5,
            min_acceptance: 0.01,
            max_evaluations: u64::MAX,
        };
        let one_by_one = |items: &[(u64, Vec<f64>)]| -> Result<Vec<f64>, String> {
            let mut out = Vec::new();
            for it in items {
                out.extend(toy_batch(std::slice::from_ref(it))?);
            }
            Ok(out)
        };
        let mut a = Vec::new();
        abc_smc(&prior, &settings, 3, &toy_batch, &mut |g| {
            a.push(g.clone());
            Ok(())
        })
        .unwrap();
        let mut b = Vec::new();
        abc_smc(&prior, &settings, 3, &one_by_one, &mut |g| {
            b.push(g.clone());
            Ok(())
        })
        .unwrap();
        assert_eq!(a, b);
        assert_eq!(a.len(), 4);
        assert!(
            a.iter()
                .all(|g| (g.particles.iter().map(|p| p.weight).sum::<f64>() - 1.0).abs() < 1e-12)
        );
    }

    #[test]
    fn cholesky_of_a_2x2_matrix_by_hand() {
        // [[4, 2], [2, 3]] = L Lᵀ with L = [[2, 0], [1, √2]].
        let l = cholesky(&[4.0, 2.0, 2.0, 3.0], 2).unwrap();
        assert_eq!(l[0], 2.0);
        assert_eq!(l[2], 1.0);
        assert!((l[3] - 2f64.sqrt()).abs() < 1e-15);
        // d = (2, 1): L z = d → z = (1, 0), |z|² = 1.
        assert!((mahalanobis2(&l, 2, &[2.0, 1.0]) - 1.0).abs() < 1e-15);
    }
}
