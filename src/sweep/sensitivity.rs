//! Variance-based sensitivity: the Saltelli design and first-order and total Sobol indices.
//!
//! Design (Saltelli 2010): from a `2k`-dimensional Sobol sequence take `N` points; the first
//! `k` coordinates form matrix `A`, the last `k` matrix `B`, and `AB_i` is `A` with column `i`
//! taken from `B`. The design lists, for each base sample `j = 0..N`, the `k + 2` points
//! `A_j, B_j, AB_1j, …, AB_kj`, so point `j(k+2) + m` is `A_j` (m = 0), `B_j` (m = 1) or
//! `AB_(m−1)j` — `N(k+2)` points in all.
//!
//! Estimators, with `V` the variance of all `f(A)` and `f(B)` values:
//! - first order (Saltelli et al. 2010): `S_i = (1/N) Σ_j (f(B)_j − f̄) (f(AB_i)_j − f(A)_j) / V`,
//!   with `f̄` the mean of the `f(A)` and `f(B)` values (centring leaves the expectation
//!   unchanged and removes the estimator's sensitivity to a large mean output);
//! - total (Jansen 1999): `ST_i = (1/2N) Σ_j (f(A)_j − f(AB_i)_j)² / V`.
//!
//! Base samples where `f(A)`, `f(B)` or `f(AB_i)` is undefined are left out of parameter `i`'s
//! indices and counted. 95 % intervals: percentile bootstrap over base samples (resampling `j`
//! with replacement), on a fixed-seed ChaCha8 stream.

use super::sobol::Sobol;
use crate::stats::{BootRng, quantile};

/// Largest `k` (parameters) of a Saltelli design: `A` and `B` need `2k` Sobol dimensions.
pub const MAX_PARAMETERS: usize = super::sobol::MAX_DIMENSIONS / 2;

/// The `N(k+2)` unit points of the Saltelli design, in the order documented above.
pub fn saltelli_unit(n: usize, k: usize) -> Vec<Vec<f64>> {
    let mut out = Vec::with_capacity(n * (k + 2));
    for p in Sobol::new(2 * k).take(n) {
        let (a, b) = p.split_at(k);
        out.push(a.to_vec());
        out.push(b.to_vec());
        for i in 0..k {
            let mut ab = a.to_vec();
            ab[i] = b[i];
            out.push(ab);
        }
    }
    out
}

/// Sobol indices of one parameter for one output.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SobolIndex {
    pub s1: Option<f64>,
    pub s1_lo: Option<f64>,
    pub s1_hi: Option<f64>,
    pub st: Option<f64>,
    pub st_lo: Option<f64>,
    pub st_hi: Option<f64>,
    /// Base samples used (all three values defined).
    pub n_defined: usize,
    /// Base samples left out because a value was undefined.
    pub n_undefined: usize,
}

/// (S_i, ST_i) from the triples (f(A)_j, f(B)_j, f(AB_i)_j) of the chosen base samples.
fn estimate(
    triples: &[(f64, f64, f64)],
    pick: impl Iterator<Item = usize> + Clone,
) -> Option<(f64, f64)> {
    let n = pick.clone().count();
    if n < 2 {
        return None;
    }
    let mut sum = 0.0;
    for j in pick.clone() {
        sum += triples[j].0 + triples[j].1;
    }
    let mean = sum / (2 * n) as f64;
    let (mut var, mut s1, mut st) = (0.0, 0.0, 0.0);
    for j in pick {
        let (a, b, ab) = triples[j];
        var += (a - mean) * (a - mean) + (b - mean) * (b - mean);
        s1 += (b - mean) * (ab - a);
        st += (a - ab) * (a - ab);
    }
    let var = var / (2 * n) as f64;
    // A constant output (up to rounding) has no variance to apportion.
    let scale = 64.0 * f64::EPSILON * mean.abs();
    if !(var > scale * scale) {
        return None;
    }
    Some((s1 / n as f64 / var, st / (2 * n) as f64 / var))
}

/// First-order and total indices of every parameter from the outputs `y` of the design points
/// (in design order, `N(k+2)` values; `None` = undefined), with `resamples` bootstrap
/// resamples on the stream keyed by `seed`.
pub fn sobol_indices(y: &[Option<f64>], k: usize, resamples: usize, seed: u64) -> Vec<SobolIndex> {
    let stride = k + 2;
    let n = y.len() / stride;
    let ok = |v: Option<f64>| v.filter(|x| x.is_finite());
    (0..k)
        .map(|i| {
            let triples: Vec<(f64, f64, f64)> = (0..n)
                .filter_map(|j| {
                    let base = j * stride;
                    Some((ok(y[base])?, ok(y[base + 1])?, ok(y[base + 2 + i])?))
                })
                .collect();
            let m = triples.len();
            let point = estimate(&triples, 0..m);
            let mut rng = BootRng::new(seed ^ (i as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15));
            let mut s1s = Vec::with_capacity(resamples);
            let mut sts = Vec::with_capacity(resamples);
            if point.is_some() {
                let mut idx = vec![0usize; m];
                for _ in 0..resamples {
                    for x in idx.iter_mut() {
                        *x = rng.below(m);
                    }
                    if let Some((s1, st)) = estimate(&triples, idx.iter().copied()) {
                        s1s.push(s1);
                        sts.push(st);
                    }
                }
            }
            s1s.sort_by(f64::total_cmp);
            sts.sort_by(f64::total_cmp);
            SobolIndex {
                s1: point.map(|p| p.0),
                s1_lo: quantile(&s1s, 0.025),
                s1_hi: quantile(&s1s, 0.975),
                st: point.map(|p| p.1),
                st_lo: quantile(&sts, 0.025),
                st_hi: quantile(&sts, 0.975),
                n_defined: m,
                n_undefined: n - m,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f64::consts::PI;

    #[test]
    fn design_has_a_b_and_ab_i_blocks() {
        let pts = saltelli_unit(4, 3);
        assert_eq!(pts.len(), 4 * 5);
        let sob: Vec<Vec<f64>> = Sobol::new(6).take(4).collect();
        for j in 0..4 {
            let (a, b) = (&pts[j * 5], &pts[j * 5 + 1]);
            assert_eq!(a[..], sob[j][..3]);
            assert_eq!(b[..], sob[j][3..]);
            for i in 0..3 {
                let ab = &pts[j * 5 + 2 + i];
                for d in 0..3 {
                    assert_eq!(ab[d], if d == i { b[d] } else { a[d] });
                }
            }
        }
    }

    fn evaluate(n: usize, k: usize, f: impl Fn(&[f64]) -> f64) -> Vec<Option<f64>> {
        saltelli_unit(n, k).iter().map(|u| Some(f(u))).collect()
    }

    /// Ishigami (a = 7, b = 0.1) on x ∈ [−π, π]³. Analytic indices: V = a²/8 + bπ⁴/5 +
    /// b²π⁸/18 + 1/2 = 13.8446; S1 = 0.3139, S2 = 0.4424, S3 = 0; ST1 = 0.5576, ST2 = 0.4424,
    /// ST3 = 0.2437. With N = 8192 base samples (40 960 evaluations) of the unscrambled Sobol
    /// sequence every estimate is within 0.005 of its analytic value (observed: within 0.0012).
    #[test]
    fn ishigami_indices_match_the_analytic_values() {
        let (a, b) = (7.0, 0.1);
        let y = evaluate(8192, 3, |u| {
            let x: Vec<f64> = u.iter().map(|v| -PI + 2.0 * PI * v).collect();
            x[0].sin() + a * x[1].sin().powi(2) + b * x[2].powi(4) * x[0].sin()
        });
        let idx = sobol_indices(&y, 3, 200, 1);
        let s1 = [0.3139, 0.4424, 0.0];
        let st = [0.5576, 0.4424, 0.2437];
        for i in 0..3 {
            let (e1, et) = (idx[i].s1.unwrap(), idx[i].st.unwrap());
            eprintln!(
                "x{}: S1 {e1:.4} (analytic {}), ST {et:.4} (analytic {})",
                i + 1,
                s1[i],
                st[i]
            );
            assert!(
                (e1 - s1[i]).abs() < 0.02,
                "S1 of x{}: {e1} vs {}",
                i + 1,
                s1[i]
            );
            assert!(
                (et - st[i]).abs() < 0.02,
                "ST of x{}: {et} vs {}",
                i + 1,
                st[i]
            );
            let (lo, hi) = (idx[i].s1_lo.unwrap(), idx[i].s1_hi.unwrap());
            assert!(
                lo <= e1 + 1e-9 && e1 <= hi + 1e-9,
                "S1 interval [{lo}, {hi}] holds {e1}"
            );
            assert_eq!((idx[i].n_defined, idx[i].n_undefined), (8192, 0));
        }
    }

    /// Linear model Y = Σ a_i X_i with X_i uniform on [0, 1] (variance 1/12): no interactions,
    /// so S_i = ST_i = a_i² / Σ a_j² — here a = (1, 2, 3): 1/14, 4/14, 9/14.
    #[test]
    fn linear_model_indices_are_the_variance_shares() {
        let a = [1.0, 2.0, 3.0];
        let y = evaluate(4096, 3, |u| u.iter().zip(&a).map(|(x, c)| c * x).sum());
        let idx = sobol_indices(&y, 3, 200, 1);
        for i in 0..3 {
            let want = a[i] * a[i] / 14.0;
            let (e1, et) = (idx[i].s1.unwrap(), idx[i].st.unwrap());
            eprintln!("x{}: S1 {e1:.4}, ST {et:.4}, analytic {want:.4}", i + 1);
            assert!(
                (e1 - want).abs() < 0.005,
                "S1 of x{}: {e1} vs {want}",
                i + 1
            );
            assert!(
                (et - want).abs() < 0.005,
                "ST of x{}: {et} vs {want}",
                i + 1
            );
        }
    }

    #[test]
    fn undefined_outputs_are_counted_per_parameter() {
        let mut y = evaluate(64, 2, |u| u[0] + u[1]);
        y[0] = None; // A_0: out for both parameters
        y[4 + 2] = None; // AB_1 of base sample 1: out for parameter 0 only
        let idx = sobol_indices(&y, 2, 10, 1);
        assert_eq!((idx[0].n_defined, idx[0].n_undefined), (62, 2));
        assert_eq!((idx[1].n_defined, idx[1].n_undefined), (63, 1));
    }
}
