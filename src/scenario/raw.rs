//! The scenario file as written (stage 1): serde structs with doc comments (meaning [unit]) and
//! ranges. `docs/SCENARIO_REFERENCE.md` is generated from these. Stage 2 (`validate`) checks
//! references, dates and consistency and builds the core's `Config`.

use crate::model::params::Params;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A kizuna scenario.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawScenario {
    /// Short name; also the default output directory `output/<name>/`.
    pub name: String,
    /// What question the scenario answers.
    #[serde(default)]
    pub description: String,
    /// Quarters simulated.
    pub horizon: RawHorizon,
    /// Seed and replications.
    #[serde(default)]
    pub run: RawRun,
    /// Countries with culture, GDP path and capacity.
    pub countries: Vec<RawCountry>,
    /// Country pairs (partner–donor) whose relationship is simulated.
    pub pairs: Vec<RawPair>,
    /// Donor agencies (the aid-agency kind of institution).
    #[serde(default)]
    pub donors: Vec<RawDonor>,
    /// Joint universities, business associations, bilateral committees, training centres.
    #[serde(default)]
    pub institutions: Vec<RawInstitution>,
    /// Firm populations per country, sector and kind.
    #[serde(default)]
    pub firms: Vec<RawFirmPopulation>,
    /// Mitigation programmes with their timelines.
    #[serde(default)]
    pub programmes: Vec<RawProgramme>,
    /// Destination programme rules with their dated regimes.
    #[serde(default)]
    pub talent_rules: Vec<RawTalentRules>,
    /// Talent programmes of each pair's partner country (origin side: fees, initial stocks).
    #[serde(default)]
    pub talent: Vec<RawTalent>,
    /// Competing origins of people (no firms), for origin shares.
    #[serde(default)]
    pub talent_origins: Vec<RawTalentOrigin>,
    /// Shocks on the timeline.
    #[serde(default)]
    pub shocks: Vec<RawShock>,
    /// Dated government events that move government-to-government trust.
    #[serde(default)]
    pub events: Vec<RawEvent>,
    /// What to record and measure.
    #[serde(default)]
    pub output: RawOutput,
    /// Behavioural parameters by mechanism (defaults from the domain notes §7.8).
    #[serde(default)]
    pub parameters: Params,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawHorizon {
    /// First quarter simulated, e.g. "1992Q1".
    pub start: String,
    /// Last quarter simulated (inclusive), e.g. "2040Q4".
    pub end: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct RawRun {
    /// Master seed of all random streams.
    pub seed: u64,
    /// Replications (independent random streams) per run.
    #[schemars(range(min = 1, max = 100000))]
    pub replications: u32,
}

impl Default for RawRun {
    fn default() -> Self {
        RawRun {
            seed: 1,
            replications: 1,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawCulture {
    /// Power distance [Hofstede score].
    #[schemars(range(min = 0.0, max = 120.0))]
    pub pdi: f64,
    /// Individualism [Hofstede score].
    #[schemars(range(min = 0.0, max = 120.0))]
    pub idv: f64,
    /// Masculinity [Hofstede score].
    #[schemars(range(min = 0.0, max = 120.0))]
    pub mas: f64,
    /// Uncertainty avoidance [Hofstede score].
    #[schemars(range(min = 0.0, max = 120.0))]
    pub uai: f64,
    /// Long-term orientation (WVS-based) [Hofstede score].
    #[schemars(range(min = 0.0, max = 120.0))]
    pub lto: f64,
    /// Indulgence [Hofstede score].
    #[schemars(range(min = 0.0, max = 120.0))]
    pub ivr: f64,
}

/// A GDP path: from a data file (annual, current USD) or from a start value and growth.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawGdp {
    /// CSV in the `shared/data` format (series,country_pair,year,value,unit,source); looked up
    /// next to the scenario, in `data/`, then among the built-in data files.
    #[serde(default)]
    pub data: Option<String>,
    /// Series name in the data file (default "gdp_current_usd").
    #[serde(default)]
    pub series: Option<String>,
    /// GDP at the start when no data file is given [USD per year].
    #[serde(default)]
    #[schemars(range(min = 1.0e6, max = 1.0e15))]
    pub start_usd_per_year: Option<f64>,
    /// Growth without data, and after the last data year [share per year].
    #[serde(default = "default_growth")]
    #[schemars(range(min = -0.5, max = 0.5))]
    pub growth_per_year: f64,
}

fn default_growth() -> f64 {
    0.03
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawPopulation {
    /// CSV in the `shared/data` format; looked up like GDP data.
    #[serde(default)]
    pub data: Option<String>,
    /// Series name in the data file (default "population").
    #[serde(default)]
    pub series: Option<String>,
    /// Population at the start when no data file is given [persons].
    #[serde(default)]
    #[schemars(range(min = 1000.0, max = 2.0e9))]
    pub start: Option<f64>,
    /// Growth [share per year].
    #[serde(default)]
    #[schemars(range(min = -0.1, max = 0.1))]
    pub growth_per_year: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawCountry {
    /// ISO3 code, e.g. "VNM".
    pub code: String,
    /// Display name.
    #[serde(default)]
    pub name: String,
    /// Cultural block for locational learning (e.g. "mainland_southeast_asia").
    #[serde(default)]
    pub block: String,
    /// Hofstede 6-dimension scores (2015 release).
    pub culture: RawCulture,
    /// True when the scores are a proxy (no Hofstede data, e.g. Laos, Cambodia); flagged in outputs.
    #[serde(default)]
    pub culture_proxy: bool,
    /// Where the proxy scores come from.
    #[serde(default)]
    pub culture_proxy_note: String,
    /// GDP path.
    pub gdp: RawGdp,
    /// Population path.
    pub population: RawPopulation,
    /// Working-age (15–64) population, for a destination of talent flows: a CSV in the
    /// `shared/data` format (series "working_age_population" by default).
    #[serde(default)]
    pub working_age_population: Option<RawPopulation>,
    /// Average wage as a share of GDP per capita [share].
    #[serde(default = "one")]
    #[schemars(range(min = 0.05, max = 5.0))]
    pub wage_to_gdp_per_capita: f64,
    /// Implementation capacity K at the start [index 0–1].
    #[serde(default = "half")]
    #[schemars(range(min = 0.0, max = 1.0))]
    pub capacity_initial: f64,
    /// Domestic capacity floor at the start income [index 0–1].
    #[serde(default = "half")]
    #[schemars(range(min = 0.0, max = 1.0))]
    pub capacity_floor: f64,
    /// Domestic public investment (general government gross fixed capital formation) as a share
    /// of GDP, the average over the horizon's data years (IMF Investment and Capital Stock
    /// Dataset) [share].
    #[serde(default = "public_investment_default")]
    #[schemars(range(min = 0.005, max = 0.3))]
    pub public_investment_gdp_share: f64,
}

fn public_investment_default() -> f64 {
    0.05
}

fn eight() -> u32 {
    8
}
fn one() -> f64 {
    1.0
}
fn half() -> f64 {
    0.5
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawPair {
    /// Label used in indicator names, "<partner>-<donor>", e.g. "VNM-JPN".
    pub code: String,
    /// Host / aid recipient / origin of people (country code).
    pub partner: String,
    /// Investor / donor / destination of people (country code).
    pub donor: String,
    /// Distance between the capitals [km].
    #[schemars(range(min = 1.0, max = 25000.0))]
    pub distance_km: f64,
    /// Government-to-government trust at the start [0–1].
    #[serde(default = "half")]
    #[schemars(range(min = 0.0, max = 1.0))]
    pub gov_trust_initial: f64,
    /// People of the partner settled in the donor country at the start [persons].
    #[serde(default)]
    pub settled_residents_initial: u64,
    /// Emigrants of the partner living abroad outside the donor country: the network in the
    /// alternative destinations that would-be migrants weigh against it [persons]. Without it
    /// the partner's people have no alternative destination.
    #[serde(default)]
    pub emigrants_elsewhere: Option<RawPopulation>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawGraduation {
    /// Income threshold: graduation starts once GNI per capita (GDP per person in the model) has
    /// stayed above it for `quarters_above` quarters, e.g. 1025 for the IDA→IBRD trigger cited
    /// for Vietnam [USD per person per year].
    #[schemars(range(min = 1.0, max = 1.0e6))]
    pub gni_per_capita_usd: f64,
    /// Consecutive quarters above the threshold before graduation starts (IDA: two years) [quarters].
    #[serde(default = "eight")]
    #[schemars(range(min = 1, max = 80))]
    pub quarters_above: u32,
    /// Transition window over which eligibility falls linearly [quarters].
    #[serde(default)]
    #[schemars(range(min = 0, max = 80))]
    pub transition_quarters: u32,
    /// Eligibility left after the transition [share].
    #[serde(default)]
    #[schemars(range(min = 0.0, max = 1.0))]
    pub residual_eligibility: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawRecipient {
    /// Recipient country code.
    pub country: String,
    /// S_dc: strategic weight of the recipient for this donor [dimensionless].
    #[serde(default = "one")]
    #[schemars(range(min = 0.0, max = 1000.0))]
    pub strategic_weight: f64,
    /// First quarter the donor may commit (before it: frozen, e.g. until ODA resumed in 1992).
    #[serde(default)]
    pub eligible_from: Option<String>,
    /// Graduation from concessional lending.
    #[serde(default)]
    pub graduation: Option<RawGraduation>,
    /// Concessional loans outstanding at the start, repaid over `parameters.aid.loan_repayment_q`
    /// from the first quarter (so net ODA can turn negative for mature borrowers) [USD].
    #[serde(default)]
    #[schemars(range(min = 0.0, max = 1.0e13))]
    pub outstanding_loans_usd: f64,
    /// Committed, undisbursed ODA at the start [USD].
    #[serde(default)]
    #[schemars(range(min = 0.0, max = 1.0e13))]
    pub initial_pipeline_usd: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawDonor {
    /// Agency code, e.g. "JICA".
    pub code: String,
    /// Home country code.
    pub home: String,
    /// B̄_d: bilateral ODA budget at the start, all recipients [USD per year].
    #[schemars(range(min = 0.0, max = 1.0e12))]
    pub budget_usd_per_year: f64,
    /// Allocation weight of recipients outside the scenario (their aid leaves the model) [dimensionless].
    #[serde(default)]
    #[schemars(range(min = 0.0, max = 1.0e6))]
    pub other_recipients_weight: f64,
    /// Share of disbursements that are loans [share].
    #[serde(default)]
    #[schemars(range(min = 0.0, max = 1.0))]
    pub loan_share: f64,
    /// m_d: 0 = "Cooperation 1.0" teacher–apprentice, 1 = "2.0" co-creation.
    #[serde(default)]
    #[schemars(range(min = 0.0, max = 1.0))]
    pub cooperation_mode: f64,
    /// Budget volatility; overrides `parameters.aid.budget_volatility` [log points per quarter].
    #[serde(default)]
    #[schemars(range(min = 0.0, max = 1.0))]
    pub budget_volatility: Option<f64>,
    /// Recipients in the scenario.
    pub recipients: Vec<RawRecipient>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum RawInstitutionKind {
    JointUniversity,
    BusinessAssociation,
    BilateralCommittee,
    TrainingCentre,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawInstitution {
    /// Short code, e.g. "vju".
    pub code: String,
    /// What the institution does.
    pub kind: RawInstitutionKind,
    /// Pair it bridges, e.g. "VNM-JPN".
    pub pair: String,
    /// Opening quarter.
    pub opens: String,
    /// Closing quarter, if any.
    #[serde(default)]
    pub closes: Option<String>,
    /// Quarters from opening to full capacity.
    #[serde(default)]
    #[schemars(range(min = 0, max = 200))]
    pub ramp_quarters: u32,
    /// Joint university: graduates per quarter at capacity [persons per quarter].
    #[serde(default)]
    #[schemars(range(min = 0.0, max = 100000.0))]
    pub graduates_per_quarter: f64,
    /// Business association: share of host firms that are members at capacity [share].
    #[serde(default)]
    #[schemars(range(min = 0.0, max = 1.0))]
    pub membership_share: f64,
    /// Business association: μ_DR, cut in the negativity weight for members [share].
    #[serde(default)]
    #[schemars(range(min = 0.0, max = 1.0))]
    pub dispute_resolution: f64,
    /// Training centre: training dose supplied at capacity [0–1].
    #[serde(default)]
    #[schemars(range(min = 0.0, max = 1.0))]
    pub training_dose: f64,
    /// Bilateral committee: pull of government trust toward 1 [share of the gap per quarter].
    #[serde(default)]
    #[schemars(range(min = 0.0, max = 0.2))]
    pub dialogue_per_quarter: f64,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum RawFirmKind {
    /// Host-country firms: potential suppliers and JV partners.
    Domestic,
    /// Home-country firms that may open affiliates abroad.
    Investor,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawFirmPopulation {
    /// Short code, e.g. "vn_manufacturing".
    pub code: String,
    /// Country code.
    pub country: String,
    /// Sector label; spillovers act within a country and sector.
    #[serde(default = "default_sector")]
    pub sector: String,
    /// Domestic firms or investors.
    pub kind: RawFirmKind,
    /// Number of firms.
    #[schemars(range(min = 0, max = 10000000))]
    pub count: u32,
    /// Mean log productivity (0 = reference domestic level) [log points].
    #[serde(default)]
    #[schemars(range(min = -5.0, max = 5.0))]
    pub ln_productivity_mean: f64,
    /// SD of log productivity [log points].
    #[serde(default = "default_sd")]
    #[schemars(range(min = 0.0, max = 3.0))]
    pub ln_productivity_sd: f64,
    /// Mean human capital H [skill units].
    #[serde(default = "default_hc")]
    #[schemars(range(min = 0.0, max = 5.0))]
    pub human_capital_mean: f64,
    /// Median capital [USD].
    #[serde(default = "default_capital")]
    #[schemars(range(min = 1.0e3, max = 1.0e12))]
    pub capital_usd_median: f64,
    /// Log-normal dispersion of capital [log points].
    #[serde(default = "one")]
    #[schemars(range(min = 0.0, max = 3.0))]
    pub capital_sigma: f64,
    /// Share of bilingual staff at the start [share].
    #[serde(default)]
    #[schemars(range(min = 0.0, max = 1.0))]
    pub bilingual_share: f64,
}

fn default_sector() -> String {
    "manufacturing".into()
}
fn default_sd() -> f64 {
    0.3
}
fn default_hc() -> f64 {
    0.2
}
fn default_capital() -> f64 {
    1.0e6
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum RawLever {
    /// Joint training / workshops (τ): all friction dimensions.
    JointTraining,
    /// Liaison officers and bilingual documentation (L): UAI and IDV gaps.
    Liaison,
    /// Cooperation mode 1.0 → 2.0 (m): PDI gap, coordination cost, two-way knowledge flow.
    CooperationMode,
    /// Supplier diversification: more suppliers per affiliate, faster substitution.
    Diversification,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawProgramme {
    /// Short code, e.g. "training".
    pub code: String,
    /// The mitigation lever.
    pub lever: RawLever,
    /// Pair the programme serves.
    pub pair: String,
    /// Dose at full implementation [0–1].
    #[schemars(range(min = 0.0, max = 1.0))]
    pub dose: f64,
    /// Start of the initiation phase (stakeholder mapping, baseline): no effect yet.
    pub start: String,
    /// Start of implementation (agreements, capacity building, pilots): the dose ramps up. Default: `start`.
    #[serde(default)]
    pub implementation_start: Option<String>,
    /// Start of sustainability (monitoring, feedback): full dose. Default: `implementation_start`.
    #[serde(default)]
    pub sustainability_start: Option<String>,
    /// End of the programme, if any.
    #[serde(default)]
    pub end: Option<String>,
    /// Decay of the dose after the end [share per quarter].
    #[serde(default = "default_decay")]
    #[schemars(range(min = 0.0, max = 1.0))]
    pub decay_after_end_per_quarter: f64,
    /// Cost while running [USD per quarter].
    #[serde(default)]
    #[schemars(range(min = 0.0, max = 1.0e12))]
    pub cost_usd_per_quarter: f64,
    /// Who pays: a donor's `code` (the cost comes out of that donor's aid budget before
    /// allocation) or `"host"` (out of the partner country's public investment). Default: the
    /// first donor whose `home` is the pair's donor country, else the host.
    #[serde(default)]
    pub funded_by: Option<String>,
}

fn default_decay() -> f64 {
    0.1
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum RawTalentProgramme {
    TechnicalIntern,
    SpecifiedSkilledWorker,
    Student,
    Engineer,
}

/// A destination's rules for one programme from a date on (policy data, the same for every origin).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawRegime {
    /// First quarter of the regime.
    pub from: String,
    /// Name, e.g. "TITP 5 years".
    #[serde(default)]
    pub name: String,
    /// Maximum stay, 0 = no limit [quarters].
    #[serde(default)]
    #[schemars(range(min = 0, max = 160))]
    pub max_stay_quarters: u32,
    /// Cap on new entries from all origins together (an announced quota) [persons per quarter].
    #[serde(default)]
    #[schemars(range(min = 0.0, max = 1.0e7))]
    pub cap_per_quarter: Option<f64>,
    /// Share of workers who may change employer (TITP 0, ESD partial, SSW 1) [share].
    #[serde(default)]
    #[schemars(range(min = 0.0, max = 1.0))]
    pub employer_mobility: f64,
    /// Legal cap on the pre-departure fee [USD].
    #[serde(default)]
    #[schemars(range(min = 0.0, max = 1.0e6))]
    pub fee_cap_usd: Option<f64>,
    /// Language preparation required before departure [quarters of home wage].
    #[serde(default)]
    #[schemars(range(min = 0.0, max = 16.0))]
    pub language_prep_quarters: f64,
    /// Quarters over which the places open linearly from `from` (test sites, sector rules) [quarters].
    #[serde(default)]
    #[schemars(range(min = 0, max = 80))]
    pub ramp_quarters: u32,
}

/// A destination's programme and its regimes by date.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawTalentRules {
    /// Destination country code.
    pub destination: String,
    /// Programme.
    pub programme: RawTalentProgramme,
    /// Regimes by date; each applies until the next one.
    pub regimes: Vec<RawRegime>,
}

/// The origin side of a programme for a pair (its partner country sends people to its donor).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawTalent {
    /// Short code, e.g. "vn_interns".
    pub code: String,
    /// Pair (origin = partner, destination = donor).
    pub pair: String,
    /// Programme.
    pub programme: RawTalentProgramme,
    /// People in the programme abroad at the start [persons].
    #[serde(default)]
    pub initial_stock: u64,
    /// Pre-departure fee charged by sending bodies [USD].
    #[serde(default)]
    #[schemars(range(min = 0.0, max = 1.0e6))]
    pub fee_usd: f64,
}

/// A programme of a competing origin.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawOriginProgramme {
    /// Programme.
    pub programme: RawTalentProgramme,
    /// People in the programme abroad at the start [persons].
    #[serde(default)]
    pub initial_stock: u64,
    /// Pre-departure fee charged by sending bodies [USD].
    #[serde(default)]
    #[schemars(range(min = 0.0, max = 1.0e6))]
    pub fee_usd: f64,
}

/// A competing sending country without firms (documented wage and population data only).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawTalentOrigin {
    /// ISO3 code, e.g. "CHN".
    pub code: String,
    /// Display name.
    #[serde(default)]
    pub name: String,
    /// Destination country code.
    pub destination: String,
    /// GDP path.
    pub gdp: RawGdp,
    /// Population path.
    pub population: RawPopulation,
    /// Average wage as a share of GDP per capita [share].
    #[serde(default = "one")]
    #[schemars(range(min = 0.05, max = 5.0))]
    pub wage_to_gdp_per_capita: f64,
    /// Residents in the destination at the start outside the programmes [persons].
    #[serde(default)]
    pub settled_residents_initial: u64,
    /// Emigrants of the origin living abroad outside the destination: the network in the
    /// alternative destinations that would-be migrants weigh against it [persons]. Without it
    /// the origin's people have no alternative destination.
    #[serde(default)]
    pub emigrants_elsewhere: Option<RawPopulation>,
    /// Programmes it sends people to.
    pub programmes: Vec<RawOriginProgramme>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum RawShockKind {
    /// Pair: government trust drop, entry barrier, higher negativity weight.
    GeopoliticalCrisis,
    /// Country: capacity loss of a share of firms, logistics costs, fewer departures.
    SupplyChainDisruption,
    /// Donor: budget cut by `intensity` (share), abrupt or over `ramp_quarters`.
    AidCut,
    /// Donor, donor→recipient or pair: no new commitments.
    AidSuspension,
    /// Country: its currency loses `intensity` (relative) against the USD.
    ExchangeRate,
    /// Pair: a severe violation in every partnership, government trust drop.
    Scandal,
}

/// What a shock hits: exactly one of `pair`, `country`, `donor` (optionally with `recipient`).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawShockTarget {
    /// Pair code.
    #[serde(default)]
    pub pair: Option<String>,
    /// Country code.
    #[serde(default)]
    pub country: Option<String>,
    /// Donor code.
    #[serde(default)]
    pub donor: Option<String>,
    /// Recipient country code (with `donor`).
    #[serde(default)]
    pub recipient: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawShock {
    /// Unique id; names the shock in resilience outputs.
    pub id: String,
    /// Kind of shock.
    pub kind: RawShockKind,
    /// What it hits.
    pub target: RawShockTarget,
    /// First quarter.
    pub start: String,
    /// Duration [quarters].
    #[serde(default = "default_duration")]
    #[schemars(range(min = 1, max = 400))]
    pub duration_quarters: u32,
    /// Intensity: severity multiplier (crisis, scandal, suspension), share lost (supply chain, aid cut), relative depreciation (exchange rate).
    #[serde(default = "one")]
    #[schemars(range(min = 0.0, max = 5.0))]
    pub intensity: f64,
    /// Quarters over which the shock builds up; 0 = abrupt.
    #[serde(default)]
    #[schemars(range(min = 0, max = 400))]
    pub ramp_quarters: u32,
    /// Supply chain: share of the country's firms directly hit [share].
    #[serde(default = "one")]
    #[schemars(range(min = 0.0, max = 1.0))]
    pub affected_share: f64,
    /// Share of new talent departures stopped while it lasts [share].
    #[serde(default)]
    #[schemars(range(min = 0.0, max = 1.0))]
    pub talent_inflow_cut: f64,
    /// Measure resilience against the run without this shock.
    #[serde(default = "yes")]
    pub measure_resilience: bool,
}

fn default_duration() -> u32 {
    4
}
fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawEvent {
    /// Pair code.
    pub pair: String,
    /// Quarter of the event.
    pub at: String,
    /// Trust steps (multiples of `parameters.trust.gov_event_step`); negative for bad news.
    #[schemars(range(min = -5.0, max = 5.0))]
    pub steps: f64,
    /// What happened.
    #[serde(default)]
    pub label: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct RawOutput {
    /// Columns (`indicator.SCOPE`) on which resilience is measured for every shock; default:
    /// FDI stock, trade, active partnerships and pair trust of every pair.
    pub resilience_indicators: Vec<String>,
    /// Quarters after a shock's start over which resilience is measured (and the counterfactual run) [quarters].
    #[schemars(range(min = 4, max = 400))]
    pub resilience_window_quarters: u32,
}

impl Default for RawOutput {
    fn default() -> Self {
        RawOutput {
            resilience_indicators: Vec::new(),
            resilience_window_quarters: 40,
        }
    }
}
