//! Statistics shared by `run` (`summary_stats.csv`), `compare` (paired differences) and the
//! sensitivity indices: descriptive statistics of the defined values of a metric, Student-t
//! intervals, and a percentile bootstrap on a fixed-seed ChaCha8 stream.
//!
//! Undefined values (`None` or NaN: a recovery that never happened, a ratio without a loss) are
//! counted, never silently dropped: every result carries `n_defined` and `n_undefined`.
//! All sums are sequential in input order, so results are deterministic.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

pub use crate::sweep::metrics::quantile;

/// ChaCha stream reserved for bootstrap resampling (ASCII "kizboots").
pub const BOOTSTRAP_STREAM: u64 = 0x6b69_7a62_6f6f_7473;

/// Number of bootstrap resamples used by `compare` and the Sobol indices.
pub const BOOTSTRAP_RESAMPLES: usize = 2000;

/// Deterministic random integers for bootstrap resampling.
pub struct BootRng(ChaCha8Rng);

impl BootRng {
    pub fn new(seed: u64) -> BootRng {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(BOOTSTRAP_STREAM);
        BootRng(rng)
    }
    /// Uniform integer in `0..n` (multiply-shift; `n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        ((self.0.next_u64() as u128 * n as u128) >> 64) as usize
    }
}

/// FNV-1a 64 of a text: turns a metric name into a bootstrap seed, so that the interval of one
/// metric does not depend on which other metrics are computed.
pub fn name_hash(text: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.as_bytes() {
        h ^= *b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// The defined values (not `None`, not NaN), in order.
pub fn defined(values: &[Option<f64>]) -> Vec<f64> {
    values
        .iter()
        .flatten()
        .copied()
        .filter(|x| !x.is_nan())
        .collect()
}

pub fn mean(v: &[f64]) -> Option<f64> {
    (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
}

/// Sample standard deviation (n − 1); `None` below two values.
pub fn sd(v: &[f64]) -> Option<f64> {
    let m = mean(v)?;
    (v.len() > 1)
        .then(|| (v.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (v.len() - 1) as f64).sqrt())
}

// ----- Student t ------------------------------------------------------------------------------

/// ln Γ(x) for x > 0 (Lanczos, g = 7, 9 terms; relative error below 1e-14 for x ≥ 0.5).
fn ln_gamma(x: f64) -> f64 {
    const G: f64 = 7.0;
    const C: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        // Reflection: Γ(x)Γ(1−x) = π / sin(πx).
        return (std::f64::consts::PI / (std::f64::consts::PI * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut a = C[0];
    let t = x + G + 0.5;
    for (i, c) in C.iter().enumerate().skip(1) {
        a += c / (x + i as f64);
    }
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + a.ln()
}

/// Continued fraction of the incomplete beta function (modified Lentz).
fn beta_cf(a: f64, b: f64, x: f64) -> f64 {
    const TINY: f64 = 1e-300;
    let (qab, qap, qam) = (a + b, a + 1.0, a - 1.0);
    let mut c = 1.0;
    let mut d = 1.0 - qab * x / qap;
    if d.abs() < TINY {
        d = TINY;
    }
    d = 1.0 / d;
    let mut h = d;
    for m in 1..=300 {
        let m = m as f64;
        let m2 = 2.0 * m;
        let aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1.0 + aa * d;
        if d.abs() < TINY {
            d = TINY;
        }
        c = 1.0 + aa / c;
        if c.abs() < TINY {
            c = TINY;
        }
        d = 1.0 / d;
        h *= d * c;
        let aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1.0 + aa * d;
        if d.abs() < TINY {
            d = TINY;
        }
        c = 1.0 + aa / c;
        if c.abs() < TINY {
            c = TINY;
        }
        d = 1.0 / d;
        let del = d * c;
        h *= del;
        if (del - 1.0).abs() < 1e-15 {
            break;
        }
    }
    h
}

/// Regularised incomplete beta function I_x(a, b).
fn inc_beta(a: f64, b: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let ln_bt = ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b) + a * x.ln() + b * (1.0 - x).ln();
    let bt = ln_bt.exp();
    if x < (a + 1.0) / (a + b + 2.0) {
        bt * beta_cf(a, b, x) / a
    } else {
        1.0 - bt * beta_cf(b, a, 1.0 - x) / b
    }
}

/// Cumulative distribution function of Student's t with `df` degrees of freedom.
pub fn t_cdf(t: f64, df: f64) -> f64 {
    let tail = 0.5 * inc_beta(df / 2.0, 0.5, df / (df + t * t));
    if t >= 0.0 { 1.0 - tail } else { tail }
}

/// Quantile `p` (0 < p < 1) of Student's t with `df ≥ 1` degrees of freedom, by bisection on
/// [`t_cdf`] (absolute error below 1e-12).
pub fn t_quantile(p: f64, df: f64) -> f64 {
    if p == 0.5 {
        return 0.0;
    }
    if p < 0.5 {
        return -t_quantile(1.0 - p, df);
    }
    let (mut lo, mut hi) = (0.0f64, 1.0f64);
    while t_cdf(hi, df) < p && hi < 1e12 {
        hi *= 2.0;
    }
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if t_cdf(mid, df) < p {
            lo = mid;
        } else {
            hi = mid;
        }
        if hi - lo < 1e-13 {
            break;
        }
    }
    0.5 * (lo + hi)
}

/// The 95 % interval `mean ± t(0.975, n−1) · sd/√n`; `None` below two values.
pub fn t_interval(v: &[f64]) -> Option<(f64, f64)> {
    let m = mean(v)?;
    let s = sd(v)?;
    let half = t_quantile(0.975, (v.len() - 1) as f64) * s / (v.len() as f64).sqrt();
    Some((m - half, m + half))
}

/// Percentile bootstrap 95 % interval of the mean: `resamples` resamples of `v` with
/// replacement, the 2.5 % and 97.5 % quantiles (type 7) of their means. `None` below two values.
pub fn bootstrap_mean_interval(v: &[f64], resamples: usize, seed: u64) -> Option<(f64, f64)> {
    if v.len() < 2 || resamples == 0 {
        return None;
    }
    let mut rng = BootRng::new(seed);
    let n = v.len();
    let mut means: Vec<f64> = (0..resamples)
        .map(|_| (0..n).map(|_| v[rng.below(n)]).sum::<f64>() / n as f64)
        .collect();
    means.sort_by(f64::total_cmp);
    Some((quantile(&means, 0.025)?, quantile(&means, 0.975)?))
}

// ----- one metric -----------------------------------------------------------------------------

/// Descriptive statistics of the defined values of one metric.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Describe {
    pub n_defined: usize,
    pub n_undefined: usize,
    pub mean: Option<f64>,
    pub sd: Option<f64>,
    /// Standard error of the mean, sd/√n.
    pub se: Option<f64>,
    /// 95 % Student-t interval of the mean.
    pub ci_lo: Option<f64>,
    pub ci_hi: Option<f64>,
    pub median: Option<f64>,
    pub q05: Option<f64>,
    pub q95: Option<f64>,
}

pub fn describe(values: &[Option<f64>]) -> Describe {
    let v = defined(values);
    let n = v.len();
    let s = sd(&v);
    let ci = t_interval(&v);
    let mut sorted = v.clone();
    sorted.sort_by(f64::total_cmp);
    Describe {
        n_defined: n,
        n_undefined: values.len() - n,
        mean: mean(&v),
        sd: s,
        se: s.map(|s| s / (n as f64).sqrt()),
        ci_lo: ci.map(|c| c.0),
        ci_hi: ci.map(|c| c.1),
        median: quantile(&sorted, 0.5),
        q05: quantile(&sorted, 0.05),
        q95: quantile(&sorted, 0.95),
    }
}

// ----- paired differences ---------------------------------------------------------------------

/// Paired difference `b − a` of one metric over replications run on common random numbers.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Paired {
    /// Replications where both arms are defined (the differences are computed on these).
    pub n_defined: usize,
    /// Replications where arm a (the baseline) is undefined.
    pub n_undefined_a: usize,
    /// Replications where arm b is undefined.
    pub n_undefined_b: usize,
    /// Mean of each arm over its own defined replications.
    pub mean_a: Option<f64>,
    pub mean_b: Option<f64>,
    pub diff_mean: Option<f64>,
    pub diff_sd: Option<f64>,
    /// 95 % paired-t interval of the mean difference.
    pub t_lo: Option<f64>,
    pub t_hi: Option<f64>,
    /// 95 % percentile-bootstrap interval of the mean difference.
    pub boot_lo: Option<f64>,
    pub boot_hi: Option<f64>,
}

/// Paired statistics of `b[r] − a[r]` over replications `r` where both are defined.
/// `a` and `b` must have the same length (one value per replication).
pub fn paired(a: &[Option<f64>], b: &[Option<f64>], resamples: usize, seed: u64) -> Paired {
    assert_eq!(a.len(), b.len(), "paired arms differ in length");
    let ok = |x: &Option<f64>| x.is_some_and(|v| !v.is_nan());
    let d: Vec<f64> = a
        .iter()
        .zip(b)
        .filter(|(x, y)| ok(x) && ok(y))
        .map(|(x, y)| y.unwrap() - x.unwrap())
        .collect();
    let t = t_interval(&d);
    let boot = bootstrap_mean_interval(&d, resamples, seed);
    Paired {
        n_defined: d.len(),
        n_undefined_a: a.iter().filter(|x| !ok(x)).count(),
        n_undefined_b: b.iter().filter(|x| !ok(x)).count(),
        mean_a: mean(&defined(a)),
        mean_b: mean(&defined(b)),
        diff_mean: mean(&d),
        diff_sd: sd(&d),
        t_lo: t.map(|c| c.0),
        t_hi: t.map(|c| c.1),
        boot_lo: boot.map(|c| c.0),
        boot_hi: boot.map(|c| c.1),
    }
}

// ----- summary_stats.csv ----------------------------------------------------------------------

/// Columns of `summary_stats.csv`.
pub const SUMMARY_STATS_HEADER: &str =
    "metric,n_defined,n_undefined,mean,sd,se,ci95_lo,ci95_hi,median,q05,q95";

fn cell(v: Option<f64>) -> String {
    crate::numfmt::opt_float(v)
}

/// `summary_stats.csv` from the text of `summary.csv`: one row per metric column (every column
/// but `replication`), in the order of summary.csv. Empty or unparsable cells are undefined.
pub fn summary_stats_csv(summary_csv: &str) -> String {
    let mut lines = summary_csv.lines();
    let header: Vec<&str> = lines.next().unwrap_or_default().split(',').collect();
    let rows: Vec<Vec<&str>> = lines
        .filter(|l| !l.is_empty())
        .map(|l| l.split(',').collect())
        .collect();
    let mut s = String::from(SUMMARY_STATS_HEADER);
    s.push('\n');
    for (c, name) in header.iter().enumerate().skip(1) {
        let values: Vec<Option<f64>> = rows
            .iter()
            .map(|r| r.get(c).and_then(|v| v.parse::<f64>().ok()))
            .collect();
        let d = describe(&values);
        s.push_str(name);
        s.push_str(&format!(",{},{}", d.n_defined, d.n_undefined));
        for v in [d.mean, d.sd, d.se, d.ci_lo, d.ci_hi, d.median, d.q05, d.q95] {
            s.push(',');
            s.push_str(&cell(v));
        }
        s.push('\n');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    #[test]
    fn t_quantiles_match_the_tables() {
        // Two-sided 95 % critical values from standard tables.
        for (df, t) in [
            (1.0, 12.706_204_736),
            (2.0, 4.302_652_730),
            (3.0, 3.182_446_305),
            (4.0, 2.776_445_105),
            (9.0, 2.262_157_163),
            (29.0, 2.045_229_642),
            (120.0, 1.979_930_405),
        ] {
            let q = t_quantile(0.975, df);
            assert!(close(q, t, 1e-8), "t(0.975, {df}) = {q}, expected {t}");
        }
        assert!(close(t_quantile(0.025, 3.0), -3.182_446_305, 1e-8));
        assert!(close(t_cdf(0.0, 5.0), 0.5, 1e-15));
    }

    #[test]
    fn paired_interval_matches_a_hand_computation() {
        // a = [10, 20, 30, 40], b = [11, 22, 33, 46]: differences d = [1, 2, 3, 6].
        // mean d = 12/4 = 3; deviations −2, −1, 0, 3; squares 4 + 1 + 0 + 9 = 14;
        // sample variance 14/3 = 4.666…; sd = √4.666… = 2.160247;
        // se = 2.160247/√4 = 1.080123; t(0.975, 3) = 3.182446;
        // half-width = 3.182446 · 1.080123 = 3.437433 → interval [−0.437433, 6.437433].
        let a = [Some(10.0), Some(20.0), Some(30.0), Some(40.0)];
        let b = [Some(11.0), Some(22.0), Some(33.0), Some(46.0)];
        let p = paired(&a, &b, 2000, 1);
        assert_eq!(p.n_defined, 4);
        assert_eq!((p.n_undefined_a, p.n_undefined_b), (0, 0));
        assert!(close(p.diff_mean.unwrap(), 3.0, 1e-12));
        assert!(close(p.diff_sd.unwrap(), 2.160_247, 1e-6));
        assert!(close(p.t_lo.unwrap(), -0.437_433, 1e-5), "{:?}", p.t_lo);
        assert!(close(p.t_hi.unwrap(), 6.437_433, 1e-5), "{:?}", p.t_hi);
        assert!(close(p.mean_a.unwrap(), 25.0, 1e-12));
        assert!(close(p.mean_b.unwrap(), 28.0, 1e-12));
        // Bootstrap means of resamples of [1, 2, 3, 6] lie in [1, 6]; the interval holds the
        // mean and is narrower than the range of the data.
        let (lo, hi) = (p.boot_lo.unwrap(), p.boot_hi.unwrap());
        assert!(
            (1.0..3.0).contains(&lo) && (3.0..=6.0).contains(&hi),
            "{lo} {hi}"
        );
        // Fixed seed: the same interval every time.
        assert_eq!(paired(&a, &b, 2000, 1), p);
    }

    #[test]
    fn undefined_values_are_counted_not_dropped() {
        // Replication 1: a undefined; replication 2: b undefined (never recovered);
        // replication 3: both undefined. Differences only on replications 0 and 4.
        let a = [Some(1.0), None, Some(3.0), None, Some(5.0)];
        let b = [Some(2.0), Some(9.0), None, Some(f64::NAN), Some(8.0)];
        let p = paired(&a, &b, 100, 7);
        assert_eq!(p.n_defined, 2);
        assert_eq!(p.n_undefined_a, 2);
        assert_eq!(p.n_undefined_b, 2);
        assert!(close(p.diff_mean.unwrap(), 2.0, 1e-12)); // (1 + 3) / 2
        assert!(close(p.mean_a.unwrap(), 3.0, 1e-12)); // (1 + 3 + 5) / 3
        assert!(close(p.mean_b.unwrap(), 19.0 / 3.0, 1e-12)); // (2 + 9 + 8) / 3
        let none = paired(&[None, None], &[Some(1.0), Some(2.0)], 100, 7);
        assert_eq!(none.n_defined, 0);
        assert_eq!(none.n_undefined_a, 2);
        assert_eq!(none.diff_mean, None);
        assert_eq!(none.t_lo, None);
    }

    #[test]
    fn describe_counts_and_summarises() {
        let d = describe(&[Some(1.0), Some(2.0), None, Some(3.0), Some(4.0)]);
        assert_eq!((d.n_defined, d.n_undefined), (4, 1));
        assert!(close(d.mean.unwrap(), 2.5, 1e-12));
        // sd = √(((1.5² + 0.5²)·2)/3) = √(5/3)
        assert!(close(d.sd.unwrap(), (5.0f64 / 3.0).sqrt(), 1e-12));
        assert!(close(d.se.unwrap(), (5.0f64 / 3.0).sqrt() / 2.0, 1e-12));
        assert!(close(d.median.unwrap(), 2.5, 1e-12));
        assert!(close(d.q05.unwrap(), 1.15, 1e-12)); // 1 + 0.15·(2 − 1)
        assert!(close(d.q95.unwrap(), 3.85, 1e-12));
        let half = 3.182_446_305 * d.se.unwrap();
        assert!(close(d.ci_lo.unwrap(), 2.5 - half, 1e-7));
    }

    #[test]
    fn summary_stats_has_one_row_per_metric_column() {
        let text = "replication,final.x.A,s.x.A.recovery_quarters\n0,1,\n1,3,4\n";
        let out = summary_stats_csv(text);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines[0], SUMMARY_STATS_HEADER);
        assert_eq!(lines.len(), 3);
        assert!(lines[1].starts_with("final.x.A,2,0,2.0,"), "{}", lines[1]);
        assert!(
            lines[2].starts_with("s.x.A.recovery_quarters,1,1,4.0,,,,,4.0,4.0,4.0"),
            "{}",
            lines[2]
        );
    }
}
