//! Designs: grid, log grid, LHS, Sobol, Morris, random.

use kizuna::sweep::design::{
    design_points, grid_value, lhs_unit, morris_trajectories, random_unit,
};
use kizuna::sweep::sobol::{MAX_DIMENSIONS, sobol_points};
use kizuna::sweep::spec::Scale;
use kizuna::sweep::testing::fake_lookup;
use kizuna::sweep::{SweepSpec, parse_sweep};

fn spec(text: &str) -> SweepSpec {
    let mut s = parse_sweep(text, "test.toml", &[]).unwrap_or_else(|e| panic!("{e}"));
    s.check_against_base(&fake_lookup)
        .unwrap_or_else(|e| panic!("{e}"));
    s
}

fn f(v: &toml::Value) -> f64 {
    match v {
        toml::Value::Float(x) => *x,
        toml::Value::Integer(i) => *i as f64,
        other => panic!("not a number: {other}"),
    }
}

const METRIC: &str =
    "[[metrics]]\nname = \"fdi\"\nindicator = \"fdi_stock_usd.VNM-JPN\"\nat = \"2030Q4\"\n";

#[test]
fn grid_is_full_factorial_last_parameter_fastest() {
    let s = spec(&format!(
        "name='g'\nbase='b.toml'\nreplications=1\ndesign='grid'\n\
         [[parameters]]\nkey='parameters.a'\nmin=0\nmax=1\ncount=3\n\
         [[parameters]]\nkey='policy.mode'\nvalues=['x','y']\n{METRIC}"
    ));
    assert_eq!(s.point_count(), 6);
    let pts = design_points(&s, 1);
    let got: Vec<(f64, String)> = pts
        .iter()
        .map(|p| (f(&p[0]), p[1].as_str().unwrap().to_string()))
        .collect();
    let want = [
        (0.0, "x"),
        (0.0, "y"),
        (0.5, "x"),
        (0.5, "y"),
        (1.0, "x"),
        (1.0, "y"),
    ];
    assert_eq!(got, want.map(|(a, b)| (a, b.to_string())));
}

#[test]
fn grid_values_are_exact_decimals_not_accumulated_steps() {
    // 0.1 steps: every value is the decimal literal, including both endpoints.
    let vals: Vec<f64> = (0..11)
        .map(|i| grid_value(0.0, 1.0, i, 11, Scale::Linear))
        .collect();
    assert_eq!(
        vals,
        [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]
    );
    let vals: Vec<f64> = (0..5)
        .map(|i| grid_value(0.1, 0.5, i, 5, Scale::Linear))
        .collect();
    assert_eq!(vals, [0.1, 0.2, 0.3, 0.4, 0.5]);
    // Accumulating the step would have drifted:
    let mut acc = 0.0;
    for _ in 0..3 {
        acc += 0.1;
    }
    assert_ne!(acc, 0.3);
    // Endpoints exact for awkward ranges; bounds respected.
    let vals: Vec<f64> = (0..7)
        .map(|i| grid_value(-1.3, 2.9, i, 7, Scale::Linear))
        .collect();
    assert_eq!(vals[0], -1.3);
    assert_eq!(vals[6], 2.9);
    assert!(vals.windows(2).all(|w| w[0] < w[1]));
}

#[test]
fn log_grid_is_geometric_with_exact_powers() {
    let vals: Vec<f64> = (0..4)
        .map(|i| grid_value(1.0, 1000.0, i, 4, Scale::Log))
        .collect();
    assert_eq!(vals, [1.0, 10.0, 100.0, 1000.0]);
    let vals: Vec<f64> = (0..5)
        .map(|i| grid_value(0.01, 1.0, i, 5, Scale::Log))
        .collect();
    assert_eq!(vals[0], 0.01);
    assert_eq!(vals[2], 0.1);
    assert_eq!(vals[4], 1.0);
    let r1 = vals[1] / vals[0];
    let r2 = vals[3] / vals[2];
    assert!((r1 - r2).abs() < 1e-12);
}

#[test]
fn integer_parameters_are_rounded_and_typed() {
    let s = spec(&format!(
        "name='g'\nbase='b.toml'\nreplications=1\ndesign='grid'\n\
         [[parameters]]\nkey='programmes[training].dose'\nmin=1\nmax=4\ncount=3\n{METRIC}"
    ));
    let pts = design_points(&s, 1);
    let vals: Vec<toml::Value> = pts.into_iter().map(|mut p| p.remove(0)).collect();
    // 1, 2.5 → 3 (round half away from zero), 4
    assert_eq!(
        vals,
        vec![
            toml::Value::Integer(1),
            toml::Value::Integer(3),
            toml::Value::Integer(4)
        ]
    );
}

#[test]
fn lhs_has_exactly_one_point_per_stratum_per_dimension() {
    for &(n, k) in &[(10usize, 3usize), (37, 5), (1, 2)] {
        let pts = lhs_unit(n, k, 7);
        assert_eq!(pts.len(), n);
        for j in 0..k {
            let mut seen = vec![0; n];
            for p in &pts {
                assert!((0.0..1.0).contains(&p[j]));
                seen[(p[j] * n as f64).floor() as usize] += 1;
            }
            assert!(seen.iter().all(|&c| c == 1), "dimension {j}: {seen:?}");
        }
    }
    // Different seeds give different designs, the same seed the same one.
    assert_eq!(lhs_unit(10, 3, 7), lhs_unit(10, 3, 7));
    assert_ne!(lhs_unit(10, 3, 7), lhs_unit(10, 3, 8));
}

#[test]
fn sobol_first_points_match_known_values() {
    let pts = sobol_points(8, 3);
    let d1: Vec<f64> = pts.iter().map(|p| p[0]).collect();
    let d2: Vec<f64> = pts.iter().map(|p| p[1]).collect();
    let d3: Vec<f64> = pts.iter().map(|p| p[2]).collect();
    assert_eq!(d1, [0.5, 0.75, 0.25, 0.375, 0.875, 0.625, 0.125, 0.1875]);
    assert_eq!(d2, [0.5, 0.25, 0.75, 0.375, 0.875, 0.125, 0.625, 0.3125]);
    // Dimension 3 (s=2, a=1, m=1,3): SciPy's unscrambled Sobol gives these.
    assert_eq!(d3, [0.5, 0.25, 0.75, 0.625, 0.125, 0.875, 0.375, 0.9375]);
}

/// Each dimension of the first 2^m points is a (0,m,1)-net: one point in each of the 2^m
/// intervals of width 2^-m (counting the skipped origin, so the first 2^m − 1 points miss exactly
/// the first interval).
#[test]
fn sobol_is_stratified_in_every_dimension() {
    let n = 1 << 8;
    let pts = sobol_points(n - 1, MAX_DIMENSIONS);
    for j in 0..MAX_DIMENSIONS {
        let mut seen = vec![0; n];
        for p in &pts {
            seen[(p[j] * n as f64) as usize] += 1;
        }
        assert_eq!(seen[0], 0, "dim {j}");
        assert!(seen[1..].iter().all(|&c| c == 1), "dim {j}");
    }
}

/// Star discrepancy proxy in 2-D: maximum |empirical − volume| over anchored boxes on a grid.
fn discrepancy(pts: &[Vec<f64>], a: usize, b: usize) -> f64 {
    let g = 32;
    let mut worst: f64 = 0.0;
    for i in 1..=g {
        for j in 1..=g {
            let (x, y) = (i as f64 / g as f64, j as f64 / g as f64);
            let inside =
                pts.iter().filter(|p| p[a] < x && p[b] < y).count() as f64 / pts.len() as f64;
            worst = worst.max((inside - x * y).abs());
        }
    }
    worst
}

#[test]
fn sobol_is_more_uniform_than_random() {
    let n = 512;
    let sob = sobol_points(n, 16);
    let rnd = random_unit(n, 16, 12345);
    for (a, b) in [(0, 1), (2, 5), (10, 15), (6, 13)] {
        let ds = discrepancy(&sob, a, b);
        let dr = discrepancy(&rnd, a, b);
        assert!(ds < dr, "dims {a},{b}: sobol {ds} vs random {dr}");
        assert!(ds < 0.03, "dims {a},{b}: sobol discrepancy {ds}");
    }
}

#[test]
fn morris_steps_change_exactly_one_parameter_by_delta() {
    let (r, k, p) = (20, 5, 4u32);
    let trajs = morris_trajectories(r, k, p, 99);
    assert_eq!(trajs.len(), 20);
    let delta = p as f64 / (2.0 * (p as f64 - 1.0));
    for t in &trajs {
        assert_eq!(t.levels.len(), k + 1);
        let mut moved = vec![false; k];
        for m in 0..k {
            let (a, b) = (&t.levels[m], &t.levels[m + 1]);
            let changed: Vec<usize> = (0..k).filter(|&j| a[j] != b[j]).collect();
            assert_eq!(changed.len(), 1);
            let j = changed[0];
            assert_eq!(j, t.order[m]);
            assert!(!moved[j], "parameter moved twice");
            moved[j] = true;
            let du = (b[j] as f64 - a[j] as f64) / (p - 1) as f64;
            assert!((du.abs() - delta).abs() < 1e-12);
            assert_eq!(du.signum() as i8, t.signs[m]);
            assert!(b.iter().chain(a).all(|&x| x < p));
        }
    }
    // Spec-level: points = r(k+1), values within bounds.
    let s = spec(&format!(
        "name='m'\nbase='b.toml'\nreplications=1\ndesign='morris'\ntrajectories=4\nlevels=6\n\
         [[parameters]]\nkey='parameters.a'\nmin=0\nmax=2\n\
         [[parameters]]\nkey='parameters.b'\nmin=1\nmax=100\nscale='log'\n{METRIC}"
    ));
    let pts = design_points(&s, 5);
    assert_eq!(pts.len(), 12);
    assert!(
        pts.iter()
            .all(|p| (0.0..=2.0).contains(&f(&p[0])) && (1.0..=100.0).contains(&f(&p[1])))
    );
}

#[test]
fn random_design_is_seeded_and_within_bounds() {
    let text = format!(
        "name='r'\nbase='b.toml'\nreplications=1\ndesign='random'\nsamples=200\n\
         [[parameters]]\nkey='parameters.a'\nmin=2\nmax=3\n\
         [[parameters]]\nkey='parameters.b'\nmin=0.001\nmax=10\nscale='log'\n{METRIC}"
    );
    let s = spec(&text);
    let a = design_points(&s, 1);
    assert_eq!(a, design_points(&s, 1));
    assert_ne!(a, design_points(&s, 2));
    assert!(
        a.iter()
            .all(|p| (2.0..=3.0).contains(&f(&p[0])) && (0.001..=10.0).contains(&f(&p[1])))
    );
    // Log-uniform: about half the points below the geometric midpoint 0.1.
    let below = a.iter().filter(|p| f(&p[1]) < 0.1).count();
    assert!((70..130).contains(&below), "{below}");
}

#[test]
fn explicit_values_are_sampled_by_index_in_non_grid_designs() {
    let s = spec(&format!(
        "name='l'\nbase='b.toml'\nreplications=1\ndesign='lhs'\nsamples=9\n\
         [[parameters]]\nkey='policy.mode'\nvalues=['a','b','c']\n{METRIC}"
    ));
    let pts = design_points(&s, 3);
    let mut counts = std::collections::BTreeMap::new();
    for p in &pts {
        *counts
            .entry(p[0].as_str().unwrap().to_string())
            .or_insert(0) += 1;
    }
    // LHS over 9 strata maps 3 strata to each value.
    assert_eq!(counts.values().copied().collect::<Vec<_>>(), vec![3, 3, 3]);
}
