//! SM12 resilience of an indicator to one shock, against the counterfactual run without that
//! shock on the same random numbers. With `q(t) = Q(t)/Q_cf(t)` from the shock start t_s:
//! depth `1 − min q`; recovery time = quarters from t_s to the first of 4 consecutive quarters
//! with `q ≥ 0.95` after the trough; loss area `Σ max(0, 1 − q)` over the whole resilience window
//! from t_s (the functionality loss over a control period, Cimellaro, Reinhorn & Bruneau 2010; it
//! is not cut at the recovery time, which would make it jump when a dip crosses the 5 % band);
//! recovery ratio at h `(q(t_s+h) − q_min)/(1 − q_min)`; bounce-forward `q(t_rec + 8)`.
//! Quarters where the counterfactual is 0 are skipped. A depth under 0.1 % counts as no loss
//! (recovery 0, loss area 0, recovery ratios undefined). Cost O(T).

/// Resilience metrics of one indicator for one shock. `None` = undefined (never recovered, no
/// loss, or beyond the horizon).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Resilience {
    pub depth: f64,
    pub recovery_quarters: Option<u32>,
    pub loss_area_quarters: f64,
    pub recovery_ratio: [Option<f64>; 3],
    pub bounce_forward: Option<f64>,
}

pub const RECOVERY_BAND: f64 = 0.05;
pub const RECOVERY_RUN_Q: usize = 4;
pub const RECOVERY_HORIZONS_Q: [usize; 3] = [4, 8, 12];
pub const BOUNCE_LAG_Q: usize = 8;
/// A depth below this (0.1 %) is no loss: recovery is immediate and recovery ratios undefined
/// (they would divide by a vanishing loss).
pub const NEGLIGIBLE_DEPTH: f64 = 1e-3;

pub fn measure(shocked: &[f64], counterfactual: &[f64], start: usize) -> Resilience {
    let ratio: Vec<Option<f64>> = shocked
        .iter()
        .zip(counterfactual)
        .skip(start)
        .map(|(&s, &c)| (c.abs() > 1e-12 && s.is_finite() && c.is_finite()).then(|| s / c))
        .collect();
    let defined: Vec<(usize, f64)> = ratio
        .iter()
        .enumerate()
        .filter_map(|(i, r)| r.map(|r| (i, r)))
        .collect();
    if defined.is_empty() {
        return Resilience::default();
    }
    let (trough_at, q_min) =
        defined.iter().fold(
            (0, f64::INFINITY),
            |(bi, bq), &(i, q)| if q < bq { (i, q) } else { (bi, bq) },
        );
    let depth = (1.0 - q_min).max(0.0);
    if depth < NEGLIGIBLE_DEPTH {
        return Resilience {
            depth,
            recovery_quarters: Some(0),
            loss_area_quarters: 0.0,
            recovery_ratio: [None; 3],
            bounce_forward: ratio.get(BOUNCE_LAG_Q).copied().flatten(),
        };
    }
    let mut recovery = None;
    let mut run = 0;
    for (i, r) in ratio.iter().enumerate().skip(trough_at) {
        match r {
            Some(q) if *q >= 1.0 - RECOVERY_BAND => {
                run += 1;
                if run == RECOVERY_RUN_Q {
                    recovery = Some(i + 1 - RECOVERY_RUN_Q);
                    break;
                }
            }
            _ => run = 0,
        }
    }
    let loss_area = ratio.iter().flatten().map(|q| (1.0 - q).max(0.0)).sum();
    let recovery_ratio = RECOVERY_HORIZONS_Q.map(|h| {
        let q = ratio.get(h).copied().flatten()?;
        Some((q - q_min) / (1.0 - q_min))
    });
    let bounce_forward = recovery.and_then(|r| ratio.get(r + BOUNCE_LAG_Q).copied().flatten());
    Resilience {
        depth,
        recovery_quarters: recovery.map(|r| r as u32),
        loss_area_quarters: loss_area,
        recovery_ratio,
        bounce_forward,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_v_shaped_loss_is_measured_as_worked_out_by_hand() {
        let cf = vec![100.0; 30];
        let mut shocked = cf.clone();
        // Shock at step 5: 80, 70, 80, 90, 96, 97, 98, 99, 100 ...
        for (i, v) in [80.0, 70.0, 80.0, 90.0, 96.0, 97.0, 98.0, 99.0]
            .iter()
            .enumerate()
        {
            shocked[5 + i] = *v;
        }
        let r = measure(&shocked, &cf, 5);
        assert!((r.depth - 0.3).abs() < 1e-12);
        // q ≥ 0.95 from offset 4 (96) on for 4 quarters → recovery at 4.
        assert_eq!(r.recovery_quarters, Some(4));
        // Loss area over the window: 0.2 + 0.3 + 0.2 + 0.1 + 0.04 + 0.03 + 0.02 + 0.01 = 0.9
        assert!((r.loss_area_quarters - 0.9).abs() < 1e-12);
        // Recovery ratio at 4: (0.96 − 0.7)/0.3
        assert!((r.recovery_ratio[0].unwrap() - 0.26 / 0.3).abs() < 1e-12);
        assert_eq!(r.recovery_ratio[1], Some(1.0));
        // Bounce-forward: q at offset 12 = 1.
        assert_eq!(r.bounce_forward, Some(1.0));
    }

    #[test]
    fn a_dip_inside_the_recovery_band_counts_its_whole_loss() {
        // 97, 96, 97, 98, 99, then 100: recovered (q ≥ 0.95) from the start, and still a loss of
        // 0.03 + 0.04 + 0.03 + 0.02 + 0.01 = 0.13 quarter-units.
        let cf = vec![100.0; 20];
        let mut shocked = cf.clone();
        shocked[4..9].copy_from_slice(&[97.0, 96.0, 97.0, 98.0, 99.0]);
        let r = measure(&shocked, &cf, 4);
        assert!((r.depth - 0.04).abs() < 1e-12);
        assert_eq!(r.recovery_quarters, Some(1));
        assert!(
            (r.loss_area_quarters - 0.13).abs() < 1e-12,
            "{}",
            r.loss_area_quarters
        );
    }

    #[test]
    fn a_permanent_loss_never_recovers() {
        let cf = vec![10.0; 20];
        let mut shocked = cf.clone();
        shocked[3..].iter_mut().for_each(|v| *v = 8.0);
        let r = measure(&shocked, &cf, 3);
        assert_eq!(r.recovery_quarters, None);
        assert!((r.loss_area_quarters - 0.2 * 17.0).abs() < 1e-9);
        assert_eq!(r.bounce_forward, None);
        assert_eq!(r.recovery_ratio[0], Some(0.0));
    }

    #[test]
    fn no_loss_gives_zero_depth_and_immediate_recovery() {
        let cf = vec![5.0; 12];
        let r = measure(&cf, &cf, 2);
        assert_eq!(r.depth, 0.0);
        assert_eq!(r.recovery_quarters, Some(0));
        assert_eq!(r.recovery_ratio, [None, None, None]);
        // A loss of 0.05 % is no loss either (no ratio blowing up on a vanishing denominator).
        let mut tiny = cf.clone();
        tiny[3] = 5.0 * 0.9995;
        let r = measure(&tiny, &cf, 2);
        assert_eq!(
            (
                r.recovery_quarters,
                r.loss_area_quarters,
                r.recovery_ratio[1]
            ),
            (Some(0), 0.0, None)
        );
    }
}
