//! SM1 cultural friction.
//!
//! Per-dimension gap (F1): `g_k = (h_k,c − h_k,c')² / V_k` with the variances `V_k` of the 2015
//! Hofstede file. Kogut–Singh: `KS = mean_k g_k` over 4 (PDI, IDV, MAS, UAI) or 6 dimensions.
//!
//! Mitigation multipliers (F2), per dimension:
//! `M_k = (1 − μ_T τ) (1 − μ_L L 𝟙[k ∈ {UAI, IDV}]) (1 − μ_G G/(G + G½)) (1 − μ_C m 𝟙[k = PDI])`.
//!
//! Experience (F3): `F_k = φ₁ λ_mode w_k g_k M_k (1 + E/E₀)^(−b)`, `E = age + w_same n_same +
//! w_block n_block` in quarters.
//!
//! Scalar friction (F4): `F̄ = φ₀ + (1/6) Σ_k F_k + c₂ m exp(−a_m/τ₂)`, where `a_m` is the time
//! since the partnership started working in co-creation mode. Friction is a per-quarter index
//! (dimensionless) that enters the outcome logit and the hazard. Cost O(6) per partnership.

use super::config::{IDV, PDI, UAI};
use super::params::FrictionParams;

/// Sample variances of the six Hofstede dimensions in the 2015 release (domain notes §1.2 [C]).
pub const HOFSTEDE_VARIANCES: [f64; 6] = [450.4, 574.6, 361.3, 528.7, 586.7, 491.8];

/// `g_k` for every dimension.
pub fn dimension_gaps(a: &[f64; 6], b: &[f64; 6]) -> [f64; 6] {
    let mut g = [0.0; 6];
    for k in 0..6 {
        g[k] = (a[k] - b[k]).powi(2) / HOFSTEDE_VARIANCES[k];
    }
    g
}

/// Kogut–Singh index over the first `n` dimensions (4 for the original index, 6 for all).
pub fn kogut_singh(a: &[f64; 6], b: &[f64; 6], n: usize) -> f64 {
    let g = dimension_gaps(a, b);
    g[..n].iter().sum::<f64>() / n as f64
}

/// The mitigation levels acting on one partnership.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Mitigation {
    /// τ: joint-training level in [0,1].
    pub training: f64,
    /// L: liaison / bilingual coverage in [0,1].
    pub liaison: f64,
    /// G: share of staff who graduated from a joint institution.
    pub graduates: f64,
    /// m: cooperation mode, 0 = 1.0, 1 = 2.0.
    pub cooperation_mode: f64,
    /// Quarters since co-creation began for this partnership.
    pub quarters_in_mode: f64,
}

/// `M_k` of F2.
pub fn mitigation_multipliers(p: &FrictionParams, m: &Mitigation) -> [f64; 6] {
    let training = 1.0 - p.training_effect * m.training;
    let graduates = 1.0
        - p.joint_institution_effect * m.graduates / (m.graduates + p.joint_institution_half_share);
    let mut out = [training * graduates; 6];
    for k in [UAI, IDV] {
        out[k] *= 1.0 - p.liaison_effect * m.liaison;
    }
    out[PDI] *= 1.0 - p.cocreation_effect * m.cooperation_mode;
    out
}

/// The experience decay factor `(1 + E/E₀)^(−b)`.
pub fn experience_decay(p: &FrictionParams, experience_q: f64) -> f64 {
    (1.0 + experience_q.max(0.0) / p.experience_scale_q).powf(-p.learning_exponent)
}

/// Headroom of [`ExperienceDecayTable`] above the horizon for offsets from prior entries [quarters].
pub const EXPERIENCE_TABLE_HEADROOM_Q: usize = 64;

/// [`experience_decay`] at every multiple of half a quarter from 0 to a bound, computed once per
/// run. A partnership's experience is its age in whole quarters plus its entry offset
/// `w_same n_same + w_block n_block`, a multiple of ½ at the default weights, so the step loop
/// reads the table instead of calling `powf`; any other value is computed. A hit returns the
/// same bits as the call: `2e == k` exactly means `e == k/2` exactly.
#[derive(Debug, Clone, Default)]
pub struct ExperienceDecayTable {
    per_half_quarter: Vec<f64>,
}

impl ExperienceDecayTable {
    pub fn new(p: &FrictionParams, max_experience_q: usize) -> Self {
        Self {
            per_half_quarter: (0..=2 * max_experience_q)
                .map(|k| experience_decay(p, k as f64 / 2.0))
                .collect(),
        }
    }

    /// `experience_decay(p, experience_q)`, from the table where it holds the value.
    #[inline]
    pub fn get(&self, p: &FrictionParams, experience_q: f64) -> f64 {
        // `as` truncates in one instruction (`trunc()` is a libm call without SSE4.1) and
        // saturates; NaN becomes 0 and fails the equality.
        let twice = experience_q * 2.0;
        let k = twice as usize;
        if k as f64 == twice
            && let Some(&decay) = self.per_half_quarter.get(k)
        {
            return decay;
        }
        experience_decay(p, experience_q)
    }
}

/// Scalar friction F̄ (F3 + F4) from the pair's gaps and the experience decay factor
/// `(1 + E/E₀)^(−b)` ([`experience_decay`]).
pub fn scalar_friction(
    p: &FrictionParams,
    gaps: &[f64; 6],
    mode_multiplier: f64,
    decay: f64,
    m: &Mitigation,
) -> f64 {
    let mult = mitigation_multipliers(p, m);
    let mut sum = 0.0;
    for k in 0..6 {
        sum += p.dimension_weights[k] * gaps[k] * mult[k];
    }
    let cultural = p.scale * mode_multiplier * decay * sum / 6.0;
    // Exactly 0 in the teacher–apprentice mode; skipping `exp` there leaves the sum's bits alone.
    let coordination = if m.cooperation_mode == 0.0 {
        0.0
    } else {
        p.cocreation_cost
            * m.cooperation_mode
            * (-m.quarters_in_mode / p.cocreation_cost_decay_q).exp()
    };
    p.base + cultural + coordination
}

#[cfg(test)]
mod tests {
    use super::*;

    const JPN: [f64; 6] = [54.0, 46.0, 95.0, 92.0, 88.0, 42.0];
    const VNM: [f64; 6] = [70.0, 20.0, 40.0, 30.0, 57.0, 35.0];
    const THA: [f64; 6] = [64.0, 20.0, 34.0, 64.0, 32.0, 45.0];
    const KOR: [f64; 6] = [60.0, 18.0, 39.0, 85.0, 100.0, 29.0];

    #[test]
    fn the_experience_table_returns_the_bits_of_the_direct_call() {
        let p = FrictionParams::default();
        let table = ExperienceDecayTable::new(&p, 10);
        // Hits (multiples of ½ up to 10), misses (other values, beyond the table, negative).
        let mut values: Vec<f64> = (0..=20).map(|k| k as f64 / 2.0).collect();
        values.extend([0.25, 1.3, 3.0 + 1e-12, 10.5, 11.0, 200.0, 1e9, -0.5, -0.0]);
        values.extend((0..200).map(|i| i as f64 * 0.37));
        for e in values {
            assert_eq!(
                table.get(&p, e).to_bits(),
                experience_decay(&p, e).to_bits(),
                "experience {e}"
            );
        }
        // 4 quarters: 2^(−0.32), read from the table.
        assert!((table.get(&p, 4.0) - 2f64.powf(-0.32)).abs() < 1e-15);
    }

    #[test]
    fn kogut_singh_japan_vietnam_matches_the_domain_notes() {
        // Domain notes §1.2: KS4 = 4.35, KS6 = 3.19.
        assert!((kogut_singh(&JPN, &VNM, 4) - 4.35).abs() < 0.005);
        assert!((kogut_singh(&JPN, &VNM, 6) - 3.19).abs() < 0.005);
        // And the per-dimension contributions MAS 8.37, UAI 7.27.
        let g = dimension_gaps(&JPN, &VNM);
        assert!((g[2] - 8.37).abs() < 0.005 && (g[3] - 7.27).abs() < 0.005);
    }

    #[test]
    fn kogut_singh_other_pairs_match_the_table() {
        assert!((kogut_singh(&JPN, &THA, 4) - 3.30).abs() < 0.005);
        assert!((kogut_singh(&KOR, &VNM, 6) - 1.53).abs() < 0.005);
        assert_eq!(kogut_singh(&VNM, &VNM, 6), 0.0);
    }

    #[test]
    fn friction_of_a_new_japan_vietnam_supply_contract_is_worked_out_by_hand() {
        // F̄ = 0.05 + 0.10 · 1 · 1 · 3.1947 = 0.36947 (mean gap over 6 dimensions, no mitigation).
        let p = FrictionParams::default();
        let g = dimension_gaps(&JPN, &VNM);
        let f = scalar_friction(
            &p,
            &g,
            1.0,
            experience_decay(&p, 0.0),
            &Mitigation::default(),
        );
        let mean_gap = g.iter().sum::<f64>() / 6.0;
        assert!((f - (0.05 + 0.1 * mean_gap)).abs() < 1e-12);
        assert!((f - 0.3695).abs() < 0.001);
    }

    #[test]
    fn experience_of_four_quarters_cuts_cultural_friction_by_the_power_law() {
        // (1 + 4/4)^-0.32 = 0.8011: an 80 % progress ratio per doubling of experience.
        let p = FrictionParams::default();
        assert!((experience_decay(&p, 4.0) - 2f64.powf(-0.32)).abs() < 1e-12);
        assert!((experience_decay(&p, 4.0) - 0.8011).abs() < 1e-4);
    }

    #[test]
    fn liaison_acts_only_on_uai_and_idv_and_cocreation_only_on_pdi() {
        let p = FrictionParams::default();
        let m = mitigation_multipliers(
            &p,
            &Mitigation {
                liaison: 1.0,
                ..Default::default()
            },
        );
        assert_eq!(m, [1.0, 0.7, 1.0, 0.7, 1.0, 1.0]);
        let m = mitigation_multipliers(
            &p,
            &Mitigation {
                cooperation_mode: 1.0,
                ..Default::default()
            },
        );
        assert_eq!(m, [0.5, 1.0, 1.0, 1.0, 1.0, 1.0]);
        // Graduates at G = G½ give half of μ_G: 1 − 0.25/2 = 0.875.
        let m = mitigation_multipliers(
            &p,
            &Mitigation {
                graduates: 0.1,
                ..Default::default()
            },
        );
        assert!((m[4] - 0.875).abs() < 1e-12);
    }

    #[test]
    fn cocreation_adds_a_coordination_cost_that_fades() {
        let p = FrictionParams::default();
        let zero = [0.0; 6];
        let start = Mitigation {
            cooperation_mode: 1.0,
            quarters_in_mode: 0.0,
            ..Default::default()
        };
        let later = Mitigation {
            cooperation_mode: 1.0,
            quarters_in_mode: 12.0,
            ..Default::default()
        };
        assert!((scalar_friction(&p, &zero, 1.0, 1.0, &start) - 0.10).abs() < 1e-12);
        // 0.05 · e^(−2) = 0.006767
        assert!(
            (scalar_friction(&p, &zero, 1.0, 1.0, &later) - (0.05 + 0.05 * (-2f64).exp())).abs()
                < 1e-12
        );
    }
}
