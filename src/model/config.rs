//! The validated input of the core: every reference resolved to an index, every path given per
//! step. Built by `scenario::validate`; the core trusts it and never fails on it.

use super::params::Params;
use super::time::Quarter;

macro_rules! typed_id {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
        pub struct $name(pub u16);

        impl Default for $name {
            fn default() -> Self {
                $name::NONE
            }
        }

        impl $name {
            /// No such entity (e.g. the pair of a domestic firm without foreign partners).
            pub const NONE: $name = $name(u16::MAX);

            /// Position in the scenario's list (and in the world's `Vec`).
            pub fn index(self) -> usize {
                self.0 as usize
            }
        }
    };
}

typed_id!(
    /// A country: index into `Config::countries` and `World::countries`.
    CountryId
);
typed_id!(
    /// A country pair: index into `Config::pairs` and `World::pairs`.
    PairId
);
typed_id!(
    /// A donor agency: index into `Config::donors` and `World::donors`.
    DonorId
);

/// Hofstede dimensions in storage order.
pub const DIMENSIONS: [&str; 6] = ["pdi", "idv", "mas", "uai", "lto", "ivr"];
pub const PDI: usize = 0;
pub const IDV: usize = 1;
pub const UAI: usize = 3;

#[derive(Debug, Clone, PartialEq)]
pub struct CountryConfig {
    pub code: String,
    pub name: String,
    /// Hofstede scores, order of [`DIMENSIONS`].
    pub culture: [f64; 6],
    /// True where scores are a documented proxy (no Hofstede data for the country).
    pub culture_proxy: bool,
    /// Cultural block index (countries in one block share locational learning).
    pub block: u16,
    /// GDP per step, annualised current USD.
    pub gdp_usd_per_year: Vec<f64>,
    /// Population per step [persons].
    pub population: Vec<f64>,
    /// Average annual wage as a share of GDP per capita.
    pub wage_to_gdp_per_capita: f64,
    pub capacity_initial: f64,
    pub capacity_floor: f64,
    /// τ_c: domestic public investment as a share of GDP (data).
    pub public_investment_gdp_share: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PairConfig {
    /// Host / recipient / origin of people.
    pub partner: CountryId,
    /// Investor / donor / destination of people.
    pub donor: CountryId,
    /// `VNM-JPN` style label.
    pub label: String,
    pub distance_km: f64,
    pub gov_trust_initial: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DonorRecipient {
    pub country: CountryId,
    /// S_{d,c}: strategic weight of the recipient for this donor.
    pub strategic_weight: f64,
    /// Eligibility path per step from dates (0 before `eligible_from`, else 1).
    pub eligibility: Vec<f64>,
    /// Graduation from concessional terms by income (applied on top of `eligibility`).
    pub graduation: Option<GraduationRule>,
    /// Concessional loans outstanding at the start [USD].
    pub outstanding_loans_usd: f64,
    pub initial_pipeline_usd: f64,
}

/// Graduation: once GNI per capita has been above the threshold for `quarters_above` quarters,
/// eligibility falls linearly over `transition_q` quarters to `residual_eligibility`.
#[derive(Debug, Clone, PartialEq)]
pub struct GraduationRule {
    pub gni_per_capita_usd: f64,
    pub quarters_above: u32,
    pub transition_q: u32,
    pub residual_eligibility: f64,
}

impl GraduationRule {
    /// Eligibility `quarters_since` quarters after graduation started (0 = its first quarter).
    pub fn eligibility_after(&self, quarters_since: u32) -> f64 {
        let into = quarters_since as f64 + 1.0;
        let w = if self.transition_q == 0 {
            1.0
        } else {
            (into / self.transition_q as f64).min(1.0)
        };
        1.0 - w * (1.0 - self.residual_eligibility)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct DonorConfig {
    pub code: String,
    pub home: CountryId,
    /// B̄_d: ODA budget at the start, all recipients [USD per year].
    pub budget_usd_per_year: f64,
    /// Weight of recipients outside the scenario in allocation (their aid leaves the model).
    pub other_recipients_weight: f64,
    pub recipients: Vec<DonorRecipient>,
    /// Share of disbursements that are concessional loans (repaid later).
    pub loan_share: f64,
    /// m_d at the start: 0 = Cooperation 1.0, 1 = 2.0.
    pub cooperation_mode: f64,
    /// Per-donor budget volatility override.
    pub budget_volatility: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InstitutionKind {
    JointUniversity,
    BusinessAssociation,
    BilateralCommittee,
    TrainingCentre,
}

#[derive(Debug, Clone, PartialEq)]
pub struct InstitutionConfig {
    pub name: String,
    pub kind: InstitutionKind,
    pub pair: PairId,
    pub opens: Quarter,
    pub closes: Option<Quarter>,
    /// Quarters from opening to full capacity.
    pub ramp_q: u32,
    /// Joint university: graduates per quarter at full capacity [persons].
    pub graduates_per_q: f64,
    /// Business association: share of host firms that are members at full capacity.
    pub membership_share: f64,
    /// μ_DR: reduction of the negativity weight for members' partnerships.
    pub dispute_resolution: f64,
    /// Training centre: training dose it supplies at full capacity [0,1].
    pub training_dose: f64,
    /// Bilateral committee: pull of government trust toward 1 per quarter.
    pub dialogue_per_q: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum FirmKind {
    /// A host-country firm; may become a supplier or JV partner.
    Domestic,
    /// A firm in the investor's home country that may set up affiliates abroad.
    Investor,
    /// A wholly owned affiliate abroad.
    Affiliate,
    /// A joint venture abroad with a local partner.
    JointVenture,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FirmPopulation {
    pub country: CountryId,
    pub sector: u16,
    pub kind: FirmKind,
    pub count: u32,
    /// Mean log productivity (0 = the reference domestic level).
    pub ln_productivity_mean: f64,
    pub ln_productivity_sd: f64,
    pub human_capital_mean: f64,
    pub capital_usd_median: f64,
    pub capital_sigma: f64,
    pub bilingual_share: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lever {
    JointTraining,
    Liaison,
    CooperationMode,
    Diversification,
}

/// The three-phase timeline of a cooperation programme. Initiation has no effect on partnerships
/// (stakeholder mapping, baseline); implementation ramps the dose up linearly; sustainability
/// holds it. After `end`, the dose decays at `decay_after_end_per_q`.
#[derive(Debug, Clone, PartialEq)]
pub struct ProgrammeConfig {
    pub name: String,
    pub lever: Lever,
    pub pair: PairId,
    pub dose: f64,
    pub initiation_start: Quarter,
    pub implementation_start: Quarter,
    pub sustainability_start: Quarter,
    pub end: Option<Quarter>,
    pub decay_after_end_per_q: f64,
    pub cost_usd_per_q: f64,
    pub funder: Funder,
}

/// Whose budget pays a programme ("money has sources", MODEL.md v2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Funder {
    /// Out of the donor's aid budget, before allocation.
    Donor(DonorId),
    /// Out of the host country's domestic public investment.
    Host(CountryId),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum TalentProgramme {
    TechnicalIntern = 0,
    SpecifiedSkilledWorker = 1,
    Student = 2,
    Engineer = 3,
}

pub const TALENT_PROGRAMMES: [TalentProgramme; 4] = [
    TalentProgramme::TechnicalIntern,
    TalentProgramme::SpecifiedSkilledWorker,
    TalentProgramme::Student,
    TalentProgramme::Engineer,
];

/// A destination's rules for one programme from a date on (until the next regime). Rules apply to
/// every origin alike; they are policy data, not levels of flows.
#[derive(Debug, Clone, PartialEq)]
pub struct TalentRegime {
    pub from: Quarter,
    pub name: String,
    /// Maximum stay; completion returns happen at this age [quarters]. 0 = no limit.
    pub max_stay_q: u32,
    /// Cap on new entries from all origins together (None = none) [persons per quarter].
    pub cap_per_q: Option<f64>,
    /// Share of workers allowed to change employer (0 under TITP, 1 under SSW) [share].
    pub employer_mobility: f64,
    /// Legal cap on the pre-departure fee an origin's brokers may charge (None = none) [USD].
    pub fee_cap_usd: Option<f64>,
    /// Language preparation required before departure [quarters of home wage].
    pub language_prep_q: f64,
    /// Quarters over which the programme's places open linearly from the regime's start
    /// (test sites, sector rules); 0 = at once.
    pub ramp_q: u32,
}

/// One destination country of talent flows: its working-age population and programme rules.
#[derive(Debug, Clone, PartialEq)]
pub struct TalentDestinationConfig {
    pub country: CountryId,
    /// Working-age (15–64) population per step [persons] (data).
    pub working_age_population: Vec<f64>,
    /// Its largest value over the data: the reference of the labour shortage [persons].
    pub working_age_peak: f64,
    /// Regimes per programme (index = `TalentProgramme as usize`), sorted by `from`; empty = the
    /// destination has no such programme.
    pub regimes: [Vec<TalentRegime>; 4],
}

/// What one origin brings to one programme.
#[derive(Debug, Clone, PartialEq)]
pub struct OriginProgramme {
    /// Pre-departure fee charged by sending bodies (before any legal cap) [USD].
    pub fee_usd: f64,
    /// People in the programme abroad at the start [persons].
    pub initial_stock: u64,
}

/// An origin of people: the partner country of a pair (indices `0..pairs.len()`, same index as the
/// pair) or a competing sending country without firms (after them).
#[derive(Debug, Clone, PartialEq)]
pub struct TalentOriginConfig {
    pub label: String,
    /// Index into `Config::talent_destinations` (None: the pair's donor receives no people).
    pub destination: Option<usize>,
    /// The pair whose partner country this is (None for a competing origin).
    pub pair: Option<PairId>,
    /// Competing origins: population per step [persons], income per capita per step (GDP /
    /// population) [USD per person per year] and the wage as a share of it [share]. Pair origins
    /// read their country's state instead (empty paths, share 0).
    pub population: Vec<f64>,
    pub income_per_capita_usd: Vec<f64>,
    pub wage_to_gdp_per_capita: f64,
    /// Residents of the origin in the destination at the start outside the programmes [persons].
    pub settled_initial: u64,
    /// Emigrants of the origin in other destinations per step [persons]; empty: the origin's
    /// people have no alternative destination.
    pub emigrants_elsewhere: Vec<f64>,
    pub programmes: [Option<OriginProgramme>; 4],
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShockKind {
    GeopoliticalCrisis,
    SupplyChainDisruption,
    AidCut,
    AidSuspension,
    ExchangeRate,
    Scandal,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShockTarget {
    Pair(PairId),
    Country(CountryId),
    Donor(DonorId),
    /// A donor's aid to one recipient.
    DonorRecipient(DonorId, CountryId),
}

#[derive(Debug, Clone, PartialEq)]
pub struct ShockConfig {
    pub id: String,
    pub kind: ShockKind,
    pub target: ShockTarget,
    pub start: Quarter,
    pub duration_q: u32,
    /// Meaning by kind: crisis/scandal severity multiplier; share of capacity lost; share of
    /// budget cut; (ignored for suspension); relative depreciation of the target currency.
    pub intensity: f64,
    /// Quarters over which the shock builds up linearly (0 = abrupt).
    pub ramp_q: u32,
    /// Supply-chain disruption: share of the country's firms directly hit.
    pub affected_share: f64,
    /// Share of new talent departures stopped while the shock lasts.
    pub talent_inflow_cut: f64,
    /// Whether resilience is measured against the run without this shock.
    pub measure_resilience: bool,
}

impl ShockConfig {
    pub fn end(&self) -> Quarter {
        self.start.plus(self.duration_q as i32)
    }
    /// Intensity at quarter `q`: 0 outside, linear build-up over `ramp_q`, then full.
    pub fn level_at(&self, q: Quarter) -> f64 {
        if q < self.start || q >= self.end() {
            return 0.0;
        }
        let since = q.since(self.start) as f64 + 1.0;
        if self.ramp_q == 0 {
            self.intensity
        } else {
            self.intensity * (since / self.ramp_q as f64).min(1.0)
        }
    }
}

/// A dated government event moving government trust of a pair (summit upgrades, agreements).
#[derive(Debug, Clone, PartialEq)]
pub struct GovEvent {
    pub pair: PairId,
    pub at: Quarter,
    /// Multiples of `trust.gov_event_step`; negative for bad news.
    pub steps: f64,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub name: String,
    pub start: Quarter,
    pub end: Quarter,
    pub seed: u64,
    pub params: Params,
    pub countries: Vec<CountryConfig>,
    pub pairs: Vec<PairConfig>,
    pub donors: Vec<DonorConfig>,
    pub institutions: Vec<InstitutionConfig>,
    pub firm_populations: Vec<FirmPopulation>,
    pub programmes: Vec<ProgrammeConfig>,
    pub talent_destinations: Vec<TalentDestinationConfig>,
    pub talent_origins: Vec<TalentOriginConfig>,
    pub shocks: Vec<ShockConfig>,
    pub events: Vec<GovEvent>,
    /// Columns on which resilience is measured for every shock.
    pub resilience_columns: Vec<String>,
    /// Quarters after a shock's start over which resilience is measured.
    pub resilience_window_q: u32,
}

impl Config {
    /// Number of quarters simulated (start and end inclusive).
    pub fn steps(&self) -> u32 {
        (self.end.since(self.start) + 1).max(0) as u32
    }
    pub fn quarter_of(&self, step: u32) -> Quarter {
        self.start.plus(step as i32)
    }
    /// Step index of a quarter inside the horizon.
    pub fn step_of(&self, q: Quarter) -> Option<u32> {
        let s = q.since(self.start);
        (s >= 0 && (s as u32) < self.steps()).then_some(s as u32)
    }
    /// The same configuration without one shock (the counterfactual).
    pub fn without_shock(&self, index: usize) -> Config {
        let mut c = self.clone();
        c.shocks.remove(index);
        c
    }
}
