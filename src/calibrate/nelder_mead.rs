//! Nelder–Mead simplex minimisation on the unit box (Nelder & Mead 1965; coefficients
//! reflection 1, expansion 2, contraction ½, shrink ½ as in Lagarias et al. 1998). Points
//! outside the box are projected onto it before evaluation. Hand-written (≈100 lines) rather
//! than `argmin`, whose Nelder–Mead needs `argmin-math` and pulls a second `rand`; evaluations are
//! numbered in order, so a run can be replayed from a journal.

/// Evaluates a batch of (evaluation index, point in [0, 1]^k); returns the values in order.
pub type BatchFn<'a> = dyn Fn(&[(u64, Vec<f64>)]) -> Result<Vec<f64>, String> + 'a;

#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub best: Vec<f64>,
    pub value: f64,
    pub evaluations: u64,
    /// The final simplex, best first.
    pub simplex: Vec<(Vec<f64>, f64)>,
}

fn clamp(x: Vec<f64>) -> Vec<f64> {
    x.into_iter().map(|v| v.clamp(0.0, 1.0)).collect()
}

/// Minimises from `start` with initial steps of `step` (box units) along each axis (stepping
/// inwards at the upper edge). Stops after `max_evaluations` or when the values of the simplex
/// differ by less than `tolerance`.
pub fn minimise(
    start: &[f64],
    step: f64,
    max_evaluations: u64,
    tolerance: f64,
    evaluate: &BatchFn<'_>,
) -> Result<Outcome, String> {
    let k = start.len();
    let count = std::cell::Cell::new(0u64);
    let eval = |points: Vec<Vec<f64>>| -> Result<Vec<f64>, String> {
        let items: Vec<(u64, Vec<f64>)> = points
            .into_iter()
            .map(|p| {
                count.set(count.get() + 1);
                (count.get() - 1, p)
            })
            .collect();
        evaluate(&items)
    };
    let mut simplex: Vec<Vec<f64>> = vec![clamp(start.to_vec())];
    for i in 0..k {
        let mut p = simplex[0].clone();
        p[i] = if p[i] + step <= 1.0 {
            p[i] + step
        } else {
            p[i] - step
        };
        simplex.push(clamp(p));
    }
    let values = eval(simplex.clone())?;
    let mut s: Vec<(Vec<f64>, f64)> = simplex.into_iter().zip(values).collect();
    let order = |s: &mut Vec<(Vec<f64>, f64)>| s.sort_by(|a, b| a.1.total_cmp(&b.1));
    loop {
        order(&mut s);
        let spread = s[k].1 - s[0].1;
        if count.get() >= max_evaluations || spread.abs() <= tolerance {
            break;
        }
        let centroid: Vec<f64> = (0..k)
            .map(|i| s[..k].iter().map(|(p, _)| p[i]).sum::<f64>() / k as f64)
            .collect();
        let towards = |c: f64| -> Vec<f64> {
            clamp(
                (0..k)
                    .map(|i| centroid[i] + c * (s[k].0[i] - centroid[i]))
                    .collect(),
            )
        };
        let reflected = towards(-1.0);
        let fr = eval(vec![reflected.clone()])?[0];
        if fr < s[0].1 {
            let expanded = towards(-2.0);
            let fe = eval(vec![expanded.clone()])?[0];
            s[k] = if fe < fr {
                (expanded, fe)
            } else {
                (reflected, fr)
            };
            continue;
        }
        if fr < s[k - 1].1 {
            s[k] = (reflected, fr);
            continue;
        }
        // Contraction: outside if the reflection improved on the worst, else inside.
        let (c, base) = if fr < s[k].1 {
            (-0.5, fr)
        } else {
            (0.5, s[k].1)
        };
        let contracted = towards(c);
        let fc = eval(vec![contracted.clone()])?[0];
        if fc < base {
            s[k] = (contracted, fc);
            continue;
        }
        // Shrink towards the best point.
        let best = s[0].0.clone();
        let shrunk: Vec<Vec<f64>> = s[1..]
            .iter()
            .map(|(p, _)| clamp((0..k).map(|i| best[i] + 0.5 * (p[i] - best[i])).collect()))
            .collect();
        let values = eval(shrunk.clone())?;
        for (j, (p, v)) in shrunk.into_iter().zip(values).enumerate() {
            s[j + 1] = (p, v);
        }
    }
    order(&mut s);
    Ok(Outcome {
        best: s[0].0.clone(),
        value: s[0].1,
        evaluations: count.get(),
        simplex: s,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_minimum_of_a_shifted_quadratic_inside_the_box() {
        // f(x, y) = (x − 0.3)² + 10 (y − 0.7)²: minimum 0 at (0.3, 0.7).
        let f = |items: &[(u64, Vec<f64>)]| -> Result<Vec<f64>, String> {
            Ok(items
                .iter()
                .map(|(_, p)| (p[0] - 0.3).powi(2) + 10.0 * (p[1] - 0.7).powi(2))
                .collect())
        };
        let out = minimise(&[0.9, 0.1], 0.2, 400, 1e-12, &f).unwrap();
        assert!((out.best[0] - 0.3).abs() < 1e-3, "{:?}", out.best);
        assert!((out.best[1] - 0.7).abs() < 1e-3, "{:?}", out.best);
        assert!(out.evaluations <= 400);
    }

    #[test]
    fn a_minimum_outside_the_box_ends_on_its_edge() {
        // f(x) = (x − 1.5)²: on [0, 1] the minimum is at x = 1.
        let f = |items: &[(u64, Vec<f64>)]| -> Result<Vec<f64>, String> {
            Ok(items.iter().map(|(_, p)| (p[0] - 1.5).powi(2)).collect())
        };
        let out = minimise(&[0.2], 0.2, 200, 1e-12, &f).unwrap();
        assert!((out.best[0] - 1.0).abs() < 1e-9, "{:?}", out.best);
    }

    #[test]
    fn evaluations_are_numbered_in_order_from_zero() {
        let seen = std::sync::Mutex::new(Vec::new());
        let f = |items: &[(u64, Vec<f64>)]| -> Result<Vec<f64>, String> {
            seen.lock().unwrap().extend(items.iter().map(|(i, _)| *i));
            Ok(items.iter().map(|(_, p)| p[0] * p[0]).collect())
        };
        let out = minimise(&[0.5], 0.1, 20, 0.0, &f).unwrap();
        let seen = seen.into_inner().unwrap();
        assert_eq!(seen, (0..out.evaluations).collect::<Vec<_>>());
    }
}
