//! Every behavioural parameter of the model with its default, unit and range, in one place.
//!
//! Defaults and ranges follow `shared/reference/domain-notes.md` §7.8 unless a field says
//! otherwise; `[P]` marks a modelling proposal, `[S]` a sourced value, `[C]` a computed one.
//! A scenario's `[parameters.<group>]` table overrides any of them. Ranges are enforced when the
//! scenario is validated (they come from the `range` attributes below).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

macro_rules! params_struct {
    ($(#[$meta:meta])* $name:ident { $($(#[$fmeta:meta])* $field:ident : $ty:ty = $default:expr),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
        #[serde(default, deny_unknown_fields)]
        pub struct $name { $($(#[$fmeta])* pub $field: $ty),* }
        impl Default for $name {
            fn default() -> Self { Self { $($field: $default),* } }
        }
    };
}

params_struct! {
    /// SM1 cultural friction (domain notes F1–F4).
    FrictionParams {
        /// φ₀: friction every partnership has whatever the distance [friction units].
        #[schemars(range(min = 0.0, max = 0.5))]
        base: f64 = 0.05,
        /// φ₁: friction per unit of Kogut–Singh gap [friction units per KS unit].
        #[schemars(range(min = 0.0, max = 0.5))]
        scale: f64 = 0.10,
        /// w_k: weight of each Hofstede gap, order PDI, IDV, MAS, UAI, LTO, IVR [dimensionless].
        dimension_weights: [f64; 6] = [1.0; 6],
        /// λ_mode: double-layered acculturation multiplier for joint ventures vs other modes [×].
        #[schemars(range(min = 1.0, max = 2.0))]
        jv_multiplier: f64 = 1.3,
        /// b: learning exponent of the power-law decay of friction with experience [dimensionless].
        #[schemars(range(min = 0.0, max = 1.0))]
        learning_exponent: f64 = 0.32,
        /// E₀: experience scale where the decay starts [quarters].
        #[schemars(range(min = 0.5, max = 40.0))]
        experience_scale_q: f64 = 4.0,
        /// w_same: experience credited per prior entry of the investor in the same country [quarters].
        #[schemars(range(min = 0.0, max = 16.0))]
        same_country_entry_weight_q: f64 = 4.0,
        /// w_block: experience credited per prior entry in another country of the same cultural block [quarters].
        #[schemars(range(min = 0.0, max = 16.0))]
        same_block_entry_weight_q: f64 = 1.5,
        /// μ_T: friction reduction at full joint training (all dimensions) [share].
        #[schemars(range(min = 0.0, max = 0.9))]
        training_effect: f64 = 0.20,
        /// μ_L: reduction of the UAI and IDV gaps at full liaison/bilingual coverage [share].
        #[schemars(range(min = 0.0, max = 0.9))]
        liaison_effect: f64 = 0.30,
        /// μ_G: maximum reduction from joint-institution graduates among staff [share].
        #[schemars(range(min = 0.0, max = 0.9))]
        joint_institution_effect: f64 = 0.25,
        /// G½: graduate staff share at which half of μ_G is reached [share of employees].
        #[schemars(range(min = 0.001, max = 1.0))]
        joint_institution_half_share: f64 = 0.10,
        /// μ_C: reduction of the PDI gap under full co-creation (Cooperation 2.0) [share].
        #[schemars(range(min = 0.0, max = 1.0))]
        cocreation_effect: f64 = 0.5,
        /// c₂: transient coordination cost of co-creation at its start [friction units].
        #[schemars(range(min = 0.0, max = 0.5))]
        cocreation_cost: f64 = 0.05,
        /// τ₂: decay time of the co-creation coordination cost [quarters].
        #[schemars(range(min = 0.5, max = 40.0))]
        cocreation_cost_decay_q: f64 = 6.0,
        /// δ_τ: decay of a partnership's training level per quarter without refresher sessions [1/quarter].
        #[schemars(range(min = 0.0, max = 1.0))]
        training_decay_per_q: f64 = 0.10,
    }
}

params_struct! {
    /// SM2 interaction outcome logit (O1).
    OutcomeParams {
        /// β₀: intercept of the success logit [logit].
        #[schemars(range(min = -5.0, max = 8.0))]
        intercept: f64 = 1.1,
        /// β_T: weight of trust above ½ [logit per trust unit].
        #[schemars(range(min = 0.0, max = 10.0))]
        trust_weight: f64 = 2.0,
        /// β_F: weight of scalar friction [logit per friction unit].
        #[schemars(range(min = 0.0, max = 20.0))]
        friction_weight: f64 = 2.0,
        /// β_C: weight of capability complementarity [logit].
        #[schemars(range(min = 0.0, max = 5.0))]
        complementarity_weight: f64 = 1.0,
        /// β_X: weight of shock exposure (share of partner capacity lost) [logit].
        #[schemars(range(min = 0.0, max = 10.0))]
        exposure_weight: f64 = 3.0,
        /// g_max: log-productivity gap at which complementarity reaches zero [log points].
        #[schemars(range(min = 0.1, max = 5.0))]
        complementarity_gap_max: f64 = 1.5,
    }
}

params_struct! {
    /// SM3 trust: beta reputation with forgetting and a negativity weight (T1–T4).
    TrustParams {
        /// ρ: forgetting factor of trust evidence per quarter [per quarter].
        #[schemars(range(min = 0.5, max = 1.0))]
        forgetting: f64 = 0.95,
        /// ω: evidence weight of one quarterly outcome [pseudo-counts].
        #[schemars(range(min = 0.05, max = 2.0))]
        evidence_weight: f64 = 0.5,
        /// κ: negativity weight of a failure relative to a success [×].
        #[schemars(range(min = 1.0, max = 10.0))]
        negativity_weight: f64 = 3.0,
        /// χ: confirmation bias; high trust discounts bad news [dimensionless].
        #[schemars(range(min = 0.0, max = 0.9))]
        confirmation_bias: f64 = 0.3,
        /// n₀: prior pseudo-count of a new partnership, centred on country-pair trust [pseudo-counts].
        #[schemars(range(min = 0.5, max = 20.0))]
        prior_strength: f64 = 4.0,
        /// Severity of a scandal-type violation injected by a scandal shock [× a normal failure].
        #[schemars(range(min = 1.0, max = 10.0))]
        scandal_severity: f64 = 3.0,
        /// η: smoothing of country-pair trust per quarter [per quarter].
        #[schemars(range(min = 0.0, max = 1.0))]
        pair_smoothing: f64 = 0.1,
        /// θ_g: weight of government trust in country-pair trust [share].
        #[schemars(range(min = 0.0, max = 1.0))]
        gov_weight: f64 = 0.3,
        /// δ_gov: size of one government event step at intensity 1 [trust units].
        #[schemars(range(min = 0.0, max = 0.5))]
        gov_event_step: f64 = 0.15,
        /// Trust threshold below which a partnership is flagged in serious trouble [trust].
        #[schemars(range(min = 0.0, max = 1.0))]
        trouble_threshold: f64 = 0.4,
        /// η_F: reversion of government trust toward its fundamental per quarter (replaces the
        /// v1 relaxation toward the partnership mean) [per quarter]. Half-life ≈ 7 years at 0.025 [P].
        #[schemars(range(min = 0.0, max = 0.5))]
        fundamental_reversion: f64 = 0.025,
        /// w_inst: lift of the trust fundamental at full institutional density, as a share of the
        /// distance to 1 [share] [P].
        #[schemars(range(min = 0.0, max = 1.0))]
        institution_lift: f64 = 0.3,
        /// w_rec: weight of the partnership record (long-memory mean partnership trust minus ½)
        /// in the trust fundamental [trust per trust] [P].
        #[schemars(range(min = 0.0, max = 2.0))]
        record_weight: f64 = 0.5,
        /// ψ: rate at which the partnership record follows mean partnership trust [per quarter] [P].
        #[schemars(range(min = 0.001, max = 1.0))]
        record_rate: f64 = 0.02,
        /// δ_cut: government-trust drop for a cut of the whole aid of a donor that gives all of the
        /// recipient's ODA, per unit of cut share (scaled by the donor's share) [trust units] [P].
        #[schemars(range(min = 0.0, max = 1.0))]
        aid_cut_trust_drop: f64 = 0.2,
        /// μ_TL: reduction of the trust lost per negative outcome at full training and liaison
        /// (partners who understand each other read a failure as an accident, not a breach) [share] [P].
        #[schemars(range(min = 0.0, max = 0.9))]
        mitigation_negativity_relief: f64 = 0.3,
        /// Weight of the latest outcome in the performance average π [share].
        #[schemars(range(min = 0.01, max = 1.0))]
        performance_smoothing: f64 = 0.3,
    }
}

params_struct! {
    /// SM4 partnership termination hazard (H1).
    HazardParams {
        /// h₀: baseline termination hazard; calibrated with pattern P2 (≈1/3 of new cross-border partnerships fail within 7 years) [per quarter].
        #[schemars(range(min = 0.0, max = 0.5))]
        base_per_q: f64 = 0.010,
        /// γ_F: friction loading [per friction unit].
        #[schemars(range(min = 0.0, max = 10.0))]
        friction_loading: f64 = 3.0,
        /// F̄_ref: reference friction of the hazard [friction units].
        #[schemars(range(min = 0.0, max = 2.0))]
        friction_reference: f64 = 0.3,
        /// γ_T: trust loading [per trust unit].
        #[schemars(range(min = 0.0, max = 10.0))]
        trust_loading: f64 = 3.0,
        /// γ_π: performance loading [per performance unit].
        #[schemars(range(min = 0.0, max = 10.0))]
        performance_loading: f64 = 1.0,
        /// γ_X: shock-exposure loading [per exposure unit].
        #[schemars(range(min = 0.0, max = 10.0))]
        exposure_loading: f64 = 2.0,
        /// h_a: exit hazard of an affiliate at zero smoothed margin and pair trust ½ [per quarter].
        #[schemars(range(min = 0.0, max = 0.5))]
        affiliate_exit_per_q: f64 = 0.004,
    }
}

params_struct! {
    /// FDI profitability, shrinkage and exit (v2 channel 4). An affiliate's operating margin is
    /// `π_f = μ_f − fixed_cost_share (1 − u_f) − friction_cost F̄_f`, with μ_f drawn at entry
    /// from N(margin_mean, margin_sd), u_f the utilisation and F̄_f the mean friction of its
    /// partnerships; π̄_f is its exponential average. Exit hazard
    /// `h = h_a exp(−γ_m π̄/σ_μ + γ_T (½ − T_pair))`; while π̄ < 0 the affiliate withdraws a share
    /// `shrink_per_q · min(1, −π̄/σ_μ)` of its capital each quarter.
    ProfitParams {
        /// μ₀: mean operating margin of affiliates at full utilisation and no friction [share of
        /// sales]. Calibrated so that about 65 % are profitable in normal years (JETRO surveys of
        /// Japanese affiliates in Vietnam, 2017–19 [S]).
        #[schemars(range(min = -0.5, max = 0.5))]
        margin_mean: f64 = 0.07,
        /// σ_μ: dispersion of margins across affiliates [share of sales] [P].
        #[schemars(range(min = 0.001, max = 0.5))]
        margin_sd: f64 = 0.10,
        /// Share of costs that do not fall with output, so idle capacity cuts the margin [share] [P].
        #[schemars(range(min = 0.0, max = 1.0))]
        fixed_cost_share: f64 = 0.3,
        /// Margin lost per unit of friction (coordination, rework, turnover) [share of sales per friction unit] [P].
        #[schemars(range(min = 0.0, max = 1.0))]
        friction_cost: f64 = 0.1,
        /// Weight of the latest quarter in the smoothed margin π̄ [share] [P].
        #[schemars(range(min = 0.01, max = 1.0))]
        margin_smoothing: f64 = 0.25,
        /// γ_m: loading of the smoothed margin (in units of σ_μ) on the exit hazard [per σ] [P].
        #[schemars(range(min = 0.0, max = 5.0))]
        loss_loading: f64 = 1.0,
        /// Share of capital withdrawn per quarter by an affiliate whose smoothed loss is σ_μ or more [per quarter] [P].
        #[schemars(range(min = 0.0, max = 0.5))]
        shrink_per_q: f64 = 0.02,
    }
}

params_struct! {
    /// Aid → public capital (v2 channel 1). Investment `I = e(K)·ι·ODA_gross` (aid) beside the
    /// domestic `τ_c Y/4`; each passes through a time-to-build stage (mean T_b) into a
    /// perpetual-inventory stock depreciating at δ_G. Firms' productivity is multiplied by
    /// `(G/G_dom)^α_G` (public capital relative to what domestic investment alone would have built)
    /// and FDI entry adds `θ_G ln(Ĝ/Ĝ_dom)`, with Ĝ counting capital under construction and the
    /// aid pipeline (investors look ahead).
    PublicCapitalParams {
        /// ι: share of gross ODA disbursements that builds infrastructure [share]. 56.3 % of ODA to
        /// Vietnam 1993–2012 went to infrastructure (Open Development Vietnam [S]).
        #[schemars(range(min = 0.0, max = 1.0))]
        aid_infrastructure_share: f64 = 0.56,
        /// e₀: share of aid-financed spending that becomes usable capital at capacity K = 0, rising
        /// linearly to 1 at K = 1 (efficiency-adjusted public capital after Gupta et al. 2014) [share] [P].
        #[schemars(range(min = 0.0, max = 1.0))]
        efficiency_at_k0: f64 = 0.4,
        /// T_b: mean time to build [quarters] (time-to-build of 2–3 years as in Leeper, Walker &
        /// Yang 2010) [P].
        #[schemars(range(min = 1.0, max = 40.0))]
        time_to_build_q: f64 = 8.0,
        /// δ_G: depreciation of public capital [per quarter] (≈4 %/yr) [P].
        #[schemars(range(min = 0.001, max = 0.1))]
        depreciation_per_q: f64 = 0.01,
        /// α_G: output elasticity of public capital [dimensionless]. Meta-analysis mean 0.08,
        /// core infrastructure ≈ 0.12 (Bom & Ligthart 2014 [S]).
        #[schemars(range(min = 0.0, max = 0.5))]
        output_elasticity: f64 = 0.10,
        /// θ_G: weight of ln expected public-capital intensity in FDI entry [utility per log
        /// point]; sign from Asiedu (2002) [S], size [P].
        #[schemars(range(min = 0.0, max = 5.0))]
        entry_weight: f64 = 1.0,
        /// θ_G^X: elasticity of arm's-length trade to public-capital intensity (infrastructure
        /// lowers trade costs; Limão & Venables 2001 [S] sign, size [P]).
        #[schemars(range(min = 0.0, max = 3.0))]
        trade_elasticity: f64 = 0.5,
    }
}

params_struct! {
    /// Structural gravity for arm's-length trade (v2 channel 5):
    /// `X = G₀ (Y_p/10¹²)^β_Y (Y_d/10¹²)^β_Y (D/1000 km)^(−β_D) exp(θ_T^X (T_pair − ½) − θ_CD^X KS4)
    /// (G/G_dom)^θ_G^X`, split evenly into the partner's exports and imports. One G₀ for every pair.
    TradeParams {
        /// G₀: arm's-length trade between two USD 1 tn economies 1,000 km apart at pair trust ½
        /// and no cultural distance [USD per quarter] [C: fitted to Vietnam–Japan trade].
        #[schemars(range(min = 0.0, max = 1.0e13))]
        gravity_constant_usd_per_q: f64 = 0.7e10,
        /// β_Y: GDP elasticity (structural gravity implies 1; Head & Mayer 2014 [R]) [dimensionless].
        #[schemars(range(min = 0.0, max = 2.0))]
        gdp_elasticity: f64 = 1.0,
        /// β_D: distance elasticity (median 0.89 of all estimates, Head & Mayer 2014; ≈0.9
        /// Disdier & Head 2008 [S]) [dimensionless].
        #[schemars(range(min = 0.0, max = 2.0))]
        distance_elasticity: f64 = 0.9,
        /// θ_T^X: semi-elasticity of trade to country-pair trust [per trust unit]; sign Guiso,
        /// Sapienza & Zingales 2009 [S], size [P].
        #[schemars(range(min = 0.0, max = 5.0))]
        trust_weight: f64 = 1.0,
        /// θ_CD^X: trade penalty per Kogut–Singh unit [per KS unit] [P].
        #[schemars(range(min = 0.0, max = 2.0))]
        cultural_distance_penalty: f64 = 0.1,
    }
}

params_struct! {
    /// SM5 donor budgets, allocation, disbursement and loans (A1–A2).
    AidParams {
        /// η_B: elasticity of donor budgets to donor GDP [dimensionless].
        #[schemars(range(min = 0.0, max = 3.0))]
        budget_gdp_elasticity: f64 = 1.0,
        /// φ_z: persistence of the AR(1) budget deviation [per quarter].
        #[schemars(range(min = 0.0, max = 0.99))]
        budget_persistence: f64 = 0.8,
        /// σ_d: volatility of the budget deviation [log points per quarter].
        #[schemars(range(min = 0.0, max = 1.0))]
        budget_volatility: f64 = 0.12,
        /// α_N: weight of need in allocation, need = GNI per capita at the start over GNI per
        /// capita now (need falls as the recipient grows richer) [elasticity].
        #[schemars(range(min = 0.0, max = 3.0))]
        need_elasticity: f64 = 0.0,
        /// α_S: weight of the recipient's economic size (GDP relative to the start) in allocation;
        /// absorptive capacity and strategic weight grow with the economy [elasticity] [C: fitted
        /// to Japan's ODA to Vietnam].
        #[schemars(range(min = 0.0, max = 2.0))]
        size_elasticity: f64 = 0.5,
        /// α_T: weight of government trust in allocation [elasticity].
        #[schemars(range(min = 0.0, max = 3.0))]
        trust_elasticity: f64 = 1.0,
        /// h_herd: herding on other donors' disbursements [dimensionless].
        #[schemars(range(min = 0.0, max = 2.0))]
        herding: f64 = 0.3,
        /// Share of the pipeline disbursed per quarter at capacity K = 0 [per quarter].
        #[schemars(range(min = 0.0, max = 1.0))]
        disbursement_rate_at_k0: f64 = 0.08,
        /// Share of the pipeline disbursed per quarter at capacity K = 1 [per quarter].
        #[schemars(range(min = 0.0, max = 1.0))]
        disbursement_rate_at_k1: f64 = 0.30,
        /// Share of the grant pipeline disbursed per quarter: grant aid and technical cooperation
        /// run on single-fiscal-year budgets (JICA grant aid: disbursed within the Japanese fiscal
        /// year of the exchange of notes; OECD DAC: grants disburse in the year of commitment
        /// far more than loans), so grants follow budget and allocation shocks closely
        /// [per quarter] [S, mean lag ≈ 1/rate = 2 quarters].
        #[schemars(range(min = 0.0, max = 1.0))]
        grant_disbursement_rate: f64 = 0.5,
        /// φ_a: persistence of the AR(1) log deviation of a donor's allocation to one recipient,
        /// redrawn once a year with the budget [per year] [P].
        #[schemars(range(min = 0.0, max = 0.99))]
        allocation_persistence: f64 = 0.5,
        /// σ_a: volatility of a donor's yearly allocation to one recipient — donor-driven,
        /// recipient-specific decisions (Desai & Kharas 2011; Japan to Vietnam: below ¥100 bn in
        /// FY2014, ¥300 bn in FY2015) [log points per year] [C: fitted to SD(Δln net ODA) of
        /// Vietnam 1995–2012 = 0.25, `data/oda_total_net_received.csv`].
        #[schemars(range(min = 0.0, max = 1.5))]
        allocation_volatility: f64 = 0.2,
        /// φ_u: persistence of the yearly implementation shock to the project disbursement rate
        /// [per year] [P].
        #[schemars(range(min = 0.0, max = 0.99))]
        implementation_persistence: f64 = 0.3,
        /// σ_u: volatility of the yearly implementation shock to the project disbursement rate:
        /// site clearance, procurement and counterpart-fund delays make Vietnam's ODA
        /// disbursement erratic (undisbursed concessional ODA ≈ USD 21 bn at end-2015) [log points
        /// per year] [C: with σ_a, fitted to SD(Δln net ODA) of Vietnam 1995–2012 = 0.25].
        #[schemars(range(min = 0.0, max = 1.5))]
        implementation_volatility: f64 = 0.4,
        /// Grace period before loan repayments start [quarters].
        #[schemars(range(min = 0.0, max = 80.0))]
        loan_grace_q: u32 = 40,
        /// Repayment period after the grace period [quarters].
        #[schemars(range(min = 1.0, max = 200.0))]
        loan_repayment_q: u32 = 80,
        /// Size of one ODA project (each creates a donor–host partnership) [USD].
        #[schemars(range(min = 1.0e5, max = 1.0e10))]
        project_size_usd: f64 = 5.0e7,
        /// Duration of an ODA project partnership [quarters].
        #[schemars(range(min = 1.0, max = 80.0))]
        project_duration_q: u32 = 16,
    }
}

params_struct! {
    /// SM5 recipient capacity (A4) and tax displacement.
    CapacityParams {
        /// g_K: capacity growth from owned aid [per quarter per aid/GNI].
        #[schemars(range(min = 0.0, max = 5.0))]
        growth: f64 = 0.5,
        /// δ_frag: capacity erosion from donor fragmentation [per quarter per aid/GNI].
        #[schemars(range(min = 0.0, max = 5.0))]
        fragmentation_drag: f64 = 0.2,
        /// δ_crowd: crowding out above K_mid [per quarter per aid/GNI].
        #[schemars(range(min = 0.0, max = 5.0))]
        crowding_out: f64 = 0.2,
        /// δ_K: relaxation toward the domestic floor [per quarter].
        #[schemars(range(min = 0.0, max = 0.5))]
        relaxation: f64 = 0.01,
        /// K_mid: midpoint of the S-shaped aid–capacity relation [index].
        #[schemars(range(min = 0.05, max = 0.95))]
        midpoint: f64 = 0.5,
        /// o₀: ownership of aid under Cooperation 1.0 (m = 0) [share].
        #[schemars(range(min = 0.0, max = 1.0))]
        ownership_at_mode0: f64 = 0.4,
        /// Annual growth of the domestic capacity floor with income (per doubling of GNI per capita) [index].
        #[schemars(range(min = 0.0, max = 0.5))]
        floor_gain_per_income_doubling: f64 = 0.04,
    }
}

params_struct! {
    /// SM6 FDI entry, mode choice and partner search (I1).
    EntryParams {
        /// ν: probability that an investor firm scans for a host in a quarter [per quarter].
        #[schemars(range(min = 0.0, max = 1.0))]
        scan_rate_per_q: f64 = 0.05,
        /// β_Y: host GDP elasticity of attractiveness [dimensionless].
        #[schemars(range(min = 0.0, max = 3.0))]
        gdp_elasticity: f64 = 1.0,
        /// β_D: distance elasticity [dimensionless].
        #[schemars(range(min = 0.0, max = 3.0))]
        distance_elasticity: f64 = 0.9,
        /// θ_CD: penalty per Kogut–Singh unit (4 dimensions) [utility].
        #[schemars(range(min = 0.0, max = 2.0))]
        cultural_distance_penalty: f64 = 0.1,
        /// θ_T: weight of country-pair trust [utility per trust unit].
        #[schemars(range(min = 0.0, max = 5.0))]
        trust_weight: f64 = 1.0,
        /// θ_K: weight of host implementation capacity [utility per unit K].
        #[schemars(range(min = 0.0, max = 5.0))]
        capacity_weight: f64 = 1.0,
        /// θ_W: weight of the log wage gap (home wage in USD over host wage) [utility].
        #[schemars(range(min = 0.0, max = 3.0))]
        wage_gap_weight: f64 = 0.2,
        /// θ_N: agglomeration weight on ln(1 + affiliates already there) [utility].
        #[schemars(range(min = 0.0, max = 2.0))]
        agglomeration_weight: f64 = 0.15,
        /// Scale of the logistic taste shock ξ_f [utility].
        #[schemars(range(min = 0.01, max = 10.0))]
        taste_scale: f64 = 1.0,
        /// U*: entry threshold [utility].
        #[schemars(range(min = -100.0, max = 100.0))]
        threshold: f64 = 21.3,
        /// μ₀: intercept of the joint-venture logit [logit].
        #[schemars(range(min = -10.0, max = 10.0))]
        jv_intercept: f64 = -0.5,
        /// μ_CD: joint-venture logit per KS unit (0 per Beugelsdijk et al.) [logit].
        #[schemars(range(min = -2.0, max = 2.0))]
        jv_cultural_distance: f64 = 0.0,
        /// μ_E: joint-venture logit per prior entry in the host [logit].
        #[schemars(range(min = 0.0, max = 2.0))]
        jv_experience: f64 = 0.2,
        /// m: candidates sampled in partner or supplier search [firms].
        #[schemars(range(min = 1.0, max = 32.0))]
        candidates: u32 = 5,
        /// m_member: candidates for business-association members [firms].
        #[schemars(range(min = 1.0, max = 32.0))]
        candidates_member: u32 = 10,
        /// ξ_rep: weight of partner reputation in partner choice [dimensionless].
        #[schemars(range(min = 0.0, max = 5.0))]
        reputation_weight: f64 = 0.5,
        /// Median registered capital of a new affiliate [USD].
        #[schemars(range(min = 1.0e4, max = 1.0e10))]
        capital_median_usd: f64 = 9.5e6,
        /// Log-normal dispersion of registered capital [log points].
        #[schemars(range(min = 0.0, max = 3.0))]
        capital_sigma: f64 = 1.0,
        /// Employees of a new affiliate per million USD of registered capital [persons].
        #[schemars(range(min = 0.1, max = 1000.0))]
        employees_per_musd: f64 = 25.0,
        /// Cap on new affiliates over a run, as a multiple of the initial investor firms [×].
        #[schemars(range(min = 0.0, max = 100.0))]
        max_new_affiliates_per_investor: f64 = 6.0,
    }
}

params_struct! {
    /// SM7/SM10 production, supply chain and trade (N1).
    SupplyParams {
        /// k_s: local suppliers a new affiliate contracts (before diversification) [firms].
        #[schemars(range(min = 1.0, max = 8.0))]
        suppliers_per_affiliate: u32 = 3,
        /// Maximum suppliers at full diversification [firms].
        #[schemars(range(min = 1.0, max = 8.0))]
        suppliers_max: u32 = 6,
        /// Output per quarter per USD of registered capital at productivity 1 [USD per USD per quarter].
        #[schemars(range(min = 0.0, max = 5.0))]
        output_capital_ratio_per_q: f64 = 0.1,
        /// Share of an affiliate's inputs bought from local suppliers [share].
        #[schemars(range(min = 0.0, max = 1.0))]
        local_input_share: f64 = 0.30,
        /// Share of an affiliate's inputs imported from its home country [share].
        #[schemars(range(min = 0.0, max = 1.0))]
        home_input_share: f64 = 0.30,
        /// Share of an affiliate's output exported to its home country [share].
        #[schemars(range(min = 0.0, max = 1.0))]
        home_export_share: f64 = 0.35,
        /// Inputs as a share of output value [share].
        #[schemars(range(min = 0.0, max = 1.0))]
        input_cost_share: f64 = 0.6,
        /// I₀: initial and target inventory [quarters of input].
        #[schemars(range(min = 0.0, max = 4.0))]
        inventory_target_q: f64 = 0.5,
        /// r_I: inventory refill rate [share of the gap per quarter].
        #[schemars(range(min = 0.0, max = 1.0))]
        inventory_refill: f64 = 0.5,
        /// θ_fail: supplier output share of normal below which a supplier counts as failed [share].
        #[schemars(range(min = 0.0, max = 1.0))]
        failure_threshold: f64 = 0.7,
        /// σ_sub: probability per quarter of replacing a failed supplier (before specificity) [per quarter].
        #[schemars(range(min = 0.0, max = 1.0))]
        substitution_rate: f64 = 0.3,
        /// Input specificity: share of substitution that is impossible [share].
        #[schemars(range(min = 0.0, max = 1.0))]
        specificity: f64 = 0.3,
        /// Share of the gap between customers' orders and capacity that a domestic supplier adds to
        /// its capital per quarter (suppliers grow with their customers) [per quarter].
        #[schemars(range(min = 0.0, max = 1.0))]
        capacity_expansion_per_q: f64 = 0.25,
        /// Share of domestic supplier sales that go to domestic final demand [share].
        #[schemars(range(min = 0.0, max = 1.0))]
        domestic_final_demand_share: f64 = 0.5,
    }
}

params_struct! {
    /// SM8 talent flows (M1–M4): demand in the destination, supply from each origin, matching,
    /// transitions, missing and returns. See `src/model/talent.rs` for the equations.
    TalentParams {
        /// δ_k: new places employers open per quarter per 1,000 working-age residents of the
        /// destination at its peak working-age population, by programme (interns, specified
        /// skilled workers, students, engineers) [persons per 1,000 per quarter]. Free scale:
        /// interns and students calibrated (posterior medians of
        /// `scenarios/calibration/talent_origins_all_years.toml`, 90 % intervals 0.085–0.30 and
        /// 0.031–0.14; docs/CALIBRATION.md); SSW and engineers hand-set (no data before 2019 for
        /// SSW) [calibration].
        places_per_1000_working_age_q: [f64; 4] = [0.145, 0.10, 0.053, 0.045],
        /// ε_L: elasticity of places to the labour shortage, (peak working-age population /
        /// current)^ε_L [dimensionless] [P].
        #[schemars(range(min = 0.0, max = 20.0))]
        shortage_elasticity: f64 = 4.0,
        /// σ: applicants per quarter per origin resident at wage ratio 1, diaspora share 1, no
        /// costs and trust ½ [per quarter]. Free scale, hand-set [calibration].
        #[schemars(range(min = 0.0, max = 1.0))]
        applicant_rate_per_q: f64 = 0.02,
        /// ε_w: elasticity of applicants to the destination/origin wage ratio in USD (the yen
        /// moves it) [dimensionless] [calibrated: posterior median of `scenarios/calibration/talent_origins_all_years.toml` (Vietnamese, Chinese, Filipino and Indonesian residents in Japan, one value for every origin), 90 % interval 0.64–1.91; docs/CALIBRATION.md].
        #[schemars(range(min = 0.0, max = 3.0))]
        wage_elasticity: f64 = 1.36,
        /// y*: income per capita of the origin [current USD per person per year] at which its
        /// propensity to emigrate peaks (the mobility transition: emigration rises with income
        /// while people gain the means to go and falls once home incomes catch up; Clemens 2014,
        /// IZA DP 8592, and Dao, Docquier, Parsons & Peri 2018, JDE 132:88–101, place the peak
        /// at about 5,000–10,000 PPP USD, i.e. roughly 2,000–4,500 current USD at the price
        /// levels of these origins) [S, range; value posterior median of `scenarios/calibration/talent_origins_all_years.toml` (Vietnamese, Chinese, Filipino and Indonesian residents in Japan, one value for every origin), 90 % interval 2,020–4,430; docs/CALIBRATION.md].
        #[schemars(range(min = 500.0, max = 20000.0))]
        mobility_transition_peak_income_usd: f64 = 3500.0,
        /// s: width of the hump `H(y) = exp(−ln²(y/y*)/(2 s²))` in log income [dimensionless]
        /// (s = 1.2: H halves at 0.37 y* and 2.7 y*, as wide as the cross-country hump of the
        /// same sources) [S, range; value fitted on 1992–2015 residents].
        #[schemars(range(min = 0.3, max = 5.0))]
        mobility_transition_width_ln: f64 = 1.2,
        /// ε_D: elasticity of applicants to the diaspora (origin's residents in the destination per
        /// origin resident): migration costs fall with the network. Beine, Docquier & Özden
        /// (2011, JDE 95:30–41) estimate elasticities of bilateral migration to the diaspora of
        /// about one half [S, range; value posterior median of `scenarios/calibration/talent_origins_all_years.toml` (Vietnamese, Chinese, Filipino and Indonesian residents in Japan, one value for every origin), 90 % interval 0.35–0.87, which holds their one half; docs/CALIBRATION.md] [dimensionless].
        #[schemars(range(min = 0.0, max = 1.5))]
        diaspora_elasticity: f64 = 0.67,
        /// ω: wage in the alternative destinations (the Gulf, Malaysia, Taiwan, Korea, …) as a
        /// share of the destination's wage before exchange-rate shocks, the same for every
        /// origin [share] [calibrated: posterior median of `scenarios/calibration/talent_origins_all_years.toml` (Vietnamese, Chinese, Filipino and Indonesian residents in Japan, one value for every origin), 90 % interval 0.20–0.70; docs/CALIBRATION.md].
        #[schemars(range(min = 0.05, max = 2.0))]
        alternative_wage_ratio: f64 = 0.43,
        /// λ: dissimilarity of the nest of foreign destinations (nested logit: would-be migrants
        /// choose to go, then where; 1 = no substitution between destinations, as in a plain
        /// logit; towards 0 the destinations are close substitutes and each origin's people
        /// concentrate on its best one). Home and abroad substitute little while destinations
        /// substitute among themselves (Beine, Bierlaire & Docquier 2021, IZA DP 14090;
        /// multilateral resistance, Bertoli & Fernández-Huertas Moraga 2013, JDE 102:79–100)
        /// [dimensionless] [S, structure; value posterior median of `scenarios/calibration/talent_origins_all_years.toml` (Vietnamese, Chinese, Filipino and Indonesian residents in Japan, one value for every origin), 90 % interval 0.36–0.96: the plain logit, 1, is outside it; docs/CALIBRATION.md;
        /// `scenarios/experiments/talent_substitutable_destinations.toml` runs 0.5].
        #[schemars(range(min = 0.05, max = 1.0))]
        destination_nest_dissimilarity: f64 = 0.73,
        /// ε_T: elasticity of applicants and employers' take-up to country-pair trust
        /// (competing origins sit at ½) [dimensionless] [P].
        #[schemars(range(min = 0.0, max = 2.0))]
        trust_elasticity: f64 = 0.5,
        /// φ_fee: weight of the cost burden (fee plus language preparation) [dimensionless]
        /// [calibrated: posterior median of `scenarios/calibration/talent_origins_all_years.toml` (Vietnamese, Chinese, Filipino and Indonesian residents in Japan, one value for every origin), 90 % interval 0.04–0.91: barely identified; docs/CALIBRATION.md].
        #[schemars(range(min = 0.0, max = 1.0))]
        fee_weight: f64 = 0.57,
        /// μ_m: missing hazard per quarter per unit of debt burden `0.55 C/(C + 4 w_o)` without
        /// employer mobility. Hand-set so that the all-origin rate is ≈ 2.4 %/yr (9,753 missing
        /// in 2023 over ≈ 400k interns, ISA) at the ISA-average fee; Vietnam's rate is then an
        /// output [calibration on the all-origin rate] [per quarter].
        #[schemars(range(min = 0.0, max = 0.5))]
        missing_hazard: f64 = 0.045,
        /// Share of completing interns who want to stay on as specified skilled workers (taken up
        /// as far as SSW places allow) [share] [P].
        #[schemars(range(min = 0.0, max = 1.0))]
        intern_stay_on_share: f64 = 0.5,
        /// Share of completing students who move on to a work visa (engineer status) [share] [P].
        #[schemars(range(min = 0.0, max = 1.0))]
        student_to_work_share: f64 = 0.3,
        /// s_max: maximum skill gained abroad [skill units].
        #[schemars(range(min = 0.0, max = 1.0))]
        skill_gain_max: f64 = 0.3,
        /// τ_s: time constant of skill gain abroad [quarters].
        #[schemars(range(min = 1.0, max = 40.0))]
        skill_gain_time_q: f64 = 8.0,
        /// φ_JA: share of returnees hired by firms partnered with the destination country [share].
        #[schemars(range(min = 0.0, max = 1.0))]
        returnee_hire_share: f64 = 0.2,
        /// ζ: effect of a returnee's skill on the hiring firm's human capital [dimensionless].
        #[schemars(range(min = 0.0, max = 5.0))]
        returnee_skill_effect: f64 = 1.0,
        /// Language level a returnee brings to the bilingual-staff share [share of a bilingual employee].
        #[schemars(range(min = 0.0, max = 1.0))]
        returnee_language: f64 = 0.5,
        /// Share of engineers abroad who settle (become permanent residents) per quarter [per quarter].
        #[schemars(range(min = 0.0, max = 0.2))]
        engineer_settle_per_q: f64 = 0.01,
        /// Share of missing people who return home per quarter [per quarter].
        #[schemars(range(min = 0.0, max = 1.0))]
        missing_return_per_q: f64 = 0.05,
    }
}

params_struct! {
    /// SM9 spillovers and productivity (K1).
    SpilloverParams {
        /// g₀: trend productivity growth of domestic firms [log points per quarter].
        #[schemars(range(min = -0.05, max = 0.05))]
        trend_per_q: f64 = 0.003,
        /// λ_B: backward (supplier) spillover rate [per quarter].
        #[schemars(range(min = 0.0, max = 1.0))]
        backward_rate: f64 = 0.02,
        /// g*: technology gap where spillovers peak [log points].
        #[schemars(range(min = 0.05, max = 5.0))]
        peak_gap: f64 = 1.0,
        /// H½: human capital at half absorptive capacity [skill units].
        #[schemars(range(min = 0.01, max = 5.0))]
        absorptive_half: f64 = 0.3,
        /// c_B: boost of backward spillovers under full co-creation [×].
        #[schemars(range(min = 0.0, max = 3.0))]
        cocreation_boost: f64 = 0.5,
        /// λ_R: reverse knowledge flow to foreign partners under co-creation [log points per quarter].
        #[schemars(range(min = 0.0, max = 0.05))]
        reverse_rate: f64 = 0.002,
        /// λ_H: productivity gain per unit of human-capital gain [log points per skill unit].
        #[schemars(range(min = 0.0, max = 5.0))]
        human_capital_effect: f64 = 0.5,
    }
}

params_struct! {
    /// Shock response parameters (domain notes SM10 shock types).
    ShockParams {
        /// δ_geo: government-trust drop of a geopolitical crisis at intensity 1 [trust units].
        #[schemars(range(min = 0.0, max = 1.0))]
        geopolitical_trust_drop: f64 = 0.25,
        /// Rise of the entry threshold U* during a geopolitical crisis at intensity 1 [utility].
        #[schemars(range(min = 0.0, max = 10.0))]
        geopolitical_entry_barrier: f64 = 1.0,
        /// k_geo: rise of the negativity weight during a geopolitical crisis at intensity 1 [share].
        #[schemars(range(min = 0.0, max = 5.0))]
        geopolitical_negativity_rise: f64 = 0.5,
        /// Rise of trade costs during a supply-chain disruption at intensity 1 [share of trade lost].
        #[schemars(range(min = 0.0, max = 1.0))]
        logistics_trade_loss: f64 = 0.2,
    }
}

/// All parameter groups of a scenario (`[parameters.*]`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Params {
    pub friction: FrictionParams,
    pub outcome: OutcomeParams,
    pub trust: TrustParams,
    pub hazard: HazardParams,
    pub profit: ProfitParams,
    pub public_capital: PublicCapitalParams,
    pub trade: TradeParams,
    pub aid: AidParams,
    pub capacity: CapacityParams,
    pub entry: EntryParams,
    pub supply: SupplyParams,
    pub talent: TalentParams,
    pub spillover: SpilloverParams,
    pub shocks: ShockParams,
}
