//! Cheap float helpers for the exact fast decisions (`partnership::scaled_hazard_event`,
//! `entry::logistic_event`): one instruction each where `f64::floor` or `powi` would be a call
//! on x86-64 without SSE4.1.

/// ⌊a⌋ for |a| < 2⁶², by truncation.
#[inline]
pub fn floor_i64(a: f64) -> i64 {
    let t = a as i64;
    if (t as f64) > a { t - 1 } else { t }
}

/// 2^k exactly, for −1022 ≤ k ≤ 1023 (a normal float built from its exponent bits).
#[inline]
pub fn pow2(k: i64) -> f64 {
    debug_assert!((-1022..=1023).contains(&k));
    f64::from_bits(((k + 1023) as u64) << 52)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floor_and_powers_of_two_match_the_library() {
        for a in [
            -999.5, -2.0, -1.5, -1e-300, -0.0, 0.0, 0.3, 1.0, 2.999, 998.25,
        ] {
            assert_eq!(floor_i64(a) as f64, a.floor(), "{a}");
        }
        for k in [-1022, -1000, -1, 0, 1, 52, 1000, 1023] {
            assert_eq!(pow2(k), 2f64.powi(k as i32), "{k}");
        }
    }
}
