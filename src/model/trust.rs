//! SM3 trust: beta reputation with forgetting and a negativity weight.
//!
//! (T1) `r ← ρ r + ω 𝟙[success]`, `s ← ρ s + ω κ_eff sev 𝟙[failure]`
//! (T2) `κ_eff = κ (1 − χ (2T − 1)) (1 − μ_DR member)`
//! (T3) `T = (r + a₀)/(r + s + a₀ + b₀)`, `a₀ = n₀ T_pair`, `b₀ = n₀ (1 − T_pair)` at formation.
//! (T4) `T_pair = θ_g T_gov + (1 − θ_g) S`, `S ← (1 − η) S + η mean_p T_p`, with the mean kept as
//! running sums over active partnerships (government news reaches pair trust at once, the
//! firm-level view S moves with the partnerships); government trust moves by ±δ_gov on events and reverts
//! toward a fundamental at rate η_F (v2 anchor):
//! (T5) `F = T₀ + w_inst D (1 − T₀) + w_rec (R − ½)`, clamped to [0.05, 0.95], where T₀ is the
//! pair's initial government trust (data), D = 1 − exp(−Σ_i ℓ_i (1 + dr_i)) the institutional
//! density of the pair (ℓ_i the level of each institution, dr_i its dispute-resolution efficacy)
//! and R the partnership record, `R ← R + ψ (mean_p T_p − R)`. Shocks and events therefore leave
//! no permanent mark unless they change the record or the institutions.
//!
//! Trust is dimensionless in [0,1]; evidence counts are pseudo-counts. Cost O(1) per partnership
//! and O(1) per pair.

use super::params::TrustParams;

/// Evidence state of one partnership.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Evidence {
    pub positive: f64,
    pub negative: f64,
    pub prior_positive: f64,
    pub prior_negative: f64,
}

impl Evidence {
    /// A new partnership whose prior is centred on country-pair trust.
    pub fn new(p: &TrustParams, pair_trust: f64) -> Evidence {
        Evidence {
            positive: 0.0,
            negative: 0.0,
            prior_positive: p.prior_strength * pair_trust,
            prior_negative: p.prior_strength * (1.0 - pair_trust),
        }
    }

    /// T3.
    pub fn trust(&self) -> f64 {
        (self.positive + self.prior_positive)
            / (self.positive + self.negative + self.prior_positive + self.prior_negative)
    }

    /// T1 with T2: one quarterly outcome. `negativity_multiplier` carries crisis effects,
    /// `dispute_resolution` is μ_DR·member.
    pub fn update(
        &mut self,
        p: &TrustParams,
        success: bool,
        severity: f64,
        negativity_multiplier: f64,
        dispute_resolution: f64,
    ) {
        let kappa_eff =
            effective_negativity(p, self.trust(), dispute_resolution) * negativity_multiplier;
        self.positive *= p.forgetting;
        self.negative *= p.forgetting;
        if success {
            self.positive += p.evidence_weight;
        } else {
            self.negative += p.evidence_weight * kappa_eff * severity;
        }
    }

    /// An extra violation on top of the quarter's outcome (scandal), without forgetting.
    pub fn add_violation(&mut self, p: &TrustParams, severity: f64, negativity_multiplier: f64) {
        let kappa_eff = effective_negativity(p, self.trust(), 0.0) * negativity_multiplier;
        self.negative += p.evidence_weight * kappa_eff * severity;
    }
}

/// T2.
pub fn effective_negativity(p: &TrustParams, trust: f64, dispute_resolution: f64) -> f64 {
    p.negativity_weight
        * (1.0 - p.confirmation_bias * (2.0 * trust - 1.0))
        * (1.0 - dispute_resolution)
}

/// T5: the fundamental that government trust reverts to.
pub fn trust_fundamental(
    p: &TrustParams,
    initial: f64,
    institutional_density: f64,
    record: f64,
) -> f64 {
    (initial
        + p.institution_lift * institutional_density * (1.0 - initial)
        + p.record_weight * (record - 0.5))
        .clamp(0.05, 0.95)
}

/// Institutional density D = 1 − exp(−Σ ℓ (1 + dr)) from the summed, dispute-weighted levels.
pub fn institutional_density(weighted_levels: f64) -> f64 {
    1.0 - (-weighted_levels.max(0.0)).exp()
}

/// T4 with T5: one quarter of country-pair and government trust. `firm_trust` is the smoothed
/// partnership component S. Returns (pair, gov, S): `S ← (1 − η) S + η mean_p T_p`,
/// `gov ← gov + η_F (F − gov)`, `T_pair = θ_g gov + (1 − θ_g) S`. Government news reaches pair
/// trust at once (collapse is fast); the firm-level view moves with the partnerships.
pub fn update_pair_trust(
    p: &TrustParams,
    firm_trust: f64,
    gov_trust: f64,
    partnership_mean: Option<f64>,
    fundamental: f64,
) -> (f64, f64, f64) {
    let mean = partnership_mean.unwrap_or(firm_trust);
    let firm = (1.0 - p.pair_smoothing) * firm_trust + p.pair_smoothing * mean;
    let gov = (gov_trust + p.fundamental_reversion * (fundamental - gov_trust)).clamp(0.0, 1.0);
    let pair = p.gov_weight * gov + (1.0 - p.gov_weight) * firm;
    (pair.clamp(0.0, 1.0), gov, firm.clamp(0.0, 1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The worked example of domain notes §7.7: ρ 0.95, ω 0.5, κ 3, χ 0, n₀ 4, prior 0.5.
    fn worked_example() -> TrustParams {
        TrustParams {
            confirmation_bias: 0.0,
            ..TrustParams::default()
        }
    }

    fn after_successes(p: &TrustParams, quarters: usize) -> Evidence {
        let mut e = Evidence::new(p, 0.5);
        for _ in 0..quarters {
            e.update(p, true, 1.0, 1.0, 0.0);
        }
        e
    }

    #[test]
    fn trust_climbs_slowly_as_in_the_worked_example() {
        let p = worked_example();
        // 0.50 → 0.66 (4 q) → 0.73 (8) → 0.81 (20) → 0.84 (40).
        for (q, expected) in [(4, 0.66), (8, 0.73), (20, 0.81), (40, 0.84)] {
            let t = after_successes(&p, q).trust();
            assert!(
                (t - expected).abs() < 0.006,
                "after {q} quarters trust {t}, expected {expected}"
            );
        }
    }

    #[test]
    fn one_severe_violation_drops_mature_trust_from_084_to_061() {
        let p = worked_example();
        let mut e = after_successes(&p, 40);
        assert!((e.trust() - 0.84).abs() < 0.006);
        e.update(&p, false, 3.0, 1.0, 0.0);
        assert!(
            (e.trust() - 0.61).abs() < 0.006,
            "trust after violation {}",
            e.trust()
        );
    }

    #[test]
    fn recovering_three_quarters_of_the_loss_takes_about_27_quarters() {
        let p = worked_example();
        let mut e = after_successes(&p, 40);
        let before = e.trust();
        e.update(&p, false, 3.0, 1.0, 0.0);
        let after = e.trust();
        let goal = after + 0.75 * (before - after);
        let mut quarters = 0;
        while e.trust() < goal {
            e.update(&p, true, 1.0, 1.0, 0.0);
            quarters += 1;
        }
        assert!(
            (25..=29).contains(&quarters),
            "recovery took {quarters} quarters"
        );
        // Slovic asymmetry: the initial climb to the post-violation level took 3 quarters.
        let climb = (1..)
            .find(|&q| after_successes(&p, q).trust() >= after)
            .unwrap();
        assert_eq!(climb, 3);
    }

    #[test]
    fn confirmation_bias_discounts_bad_news_at_high_trust() {
        let p = TrustParams::default();
        assert!((effective_negativity(&p, 0.5, 0.0) - 3.0).abs() < 1e-12);
        // T = 1: κ (1 − 0.3) = 2.1; with dispute resolution 0.5: 1.05.
        assert!((effective_negativity(&p, 1.0, 0.0) - 2.1).abs() < 1e-12);
        assert!((effective_negativity(&p, 1.0, 0.5) - 1.05).abs() < 1e-12);
    }

    #[test]
    fn pair_trust_combines_government_trust_and_the_smoothed_partnership_view() {
        let p = TrustParams::default();
        // S = 0.9·0.5 + 0.1·0.8 = 0.53; gov = 0.5 + 0.025·(0.7 − 0.5) = 0.505;
        // pair = 0.3·0.505 + 0.7·0.53 = 0.5225
        let (pair, gov, firm) = update_pair_trust(&p, 0.5, 0.5, Some(0.8), 0.7);
        assert!((firm - 0.53).abs() < 1e-12);
        assert!((gov - 0.505).abs() < 1e-12);
        assert!((pair - 0.5225).abs() < 1e-12, "{pair}");
    }

    #[test]
    fn fundamental_rises_with_institutions_and_the_record() {
        let p = TrustParams::default();
        // No institutions, neutral record: the initial level.
        assert!((trust_fundamental(&p, 0.5, 0.0, 0.5) - 0.5).abs() < 1e-12);
        // D = 1 − e^−1 = 0.6321; 0.5 + 0.3·0.6321·0.5 + 0.5·(0.7 − 0.5) = 0.5948 + 0.1 = 0.6948
        let d = institutional_density(1.0);
        assert!((d - 0.632_120_558_8).abs() < 1e-9);
        let f = trust_fundamental(&p, 0.5, d, 0.7);
        assert!((f - (0.5 + 0.3 * d * 0.5 + 0.1)).abs() < 1e-12, "{f}");
        // Clamped away from 0 and 1.
        assert_eq!(trust_fundamental(&p, 0.9, 1.0, 1.0), 0.95);
    }

    #[test]
    fn government_trust_returns_to_its_fundamental_after_a_shock() {
        let p = TrustParams::default();
        // A −0.15 step from the fundamental 0.6 halves in ln 2 / 0.025 ≈ 27.4 quarters.
        let mut gov = 0.45;
        let (mut pair, mut firm) = (0.0, 0.6);
        let mut quarters = 0;
        while 0.6 - gov > 0.075 {
            (pair, gov, firm) = update_pair_trust(&p, firm, gov, Some(0.6), 0.6);
            quarters += 1;
        }
        assert_eq!(quarters, 28);
        // pair = 0.3 gov + 0.7·0.6 with gov just above 0.525.
        assert!(pair < 0.6 && pair > 0.5775, "{pair}");
    }
}
