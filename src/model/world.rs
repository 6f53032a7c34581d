//! The state of one simulated world: entities in `Vec`s indexed by typed ids (struct of arrays
//! for firms and partnerships, which the step loop touches most), plus per-step scratch kept
//! apart from the state. Built once from a [`Config`]; every `Vec` that can grow is reserved
//! here so that the step loop does not allocate.

use super::config::*;
use super::culture::{
    EXPERIENCE_TABLE_HEADROOM_Q, ExperienceDecayTable, dimension_gaps, kogut_singh,
};
use super::rng::{Draws, EntityKind, Purpose, replication_key};
use super::trust::Evidence;

pub const NONE_U32: u32 = u32::MAX;
/// Upper bound on local suppliers per affiliate (`supply.suppliers_max` is validated against it).
pub const MAX_SUPPLIERS: usize = 8;
/// Quarters of aid history kept for the volatility metric (A3).
pub const AID_HISTORY_Q: usize = 21;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum PartnershipMode {
    JointVenture,
    SupplyContract,
    OdaProject,
}

impl PartnershipMode {
    pub fn label(self) -> &'static str {
        match self {
            PartnershipMode::JointVenture => "joint_venture",
            PartnershipMode::SupplyContract => "supply_contract",
            PartnershipMode::OdaProject => "oda_project",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum EndReason {
    Active,
    Terminated,
    Completed,
    Substituted,
    FirmExit,
}

/// Firms, struct of arrays. Index = `FirmId`. `Clone` keeps every column's reserved capacity.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Firms {
    pub country: Vec<CountryId>,
    pub sector: Vec<u16>,
    pub kind: Vec<FirmKind>,
    /// For affiliates and JVs: the pair (host = partner, home = donor); else NONE.
    pub pair: Vec<PairId>,
    /// For affiliates and JVs: the investor firm; else NONE.
    pub parent: Vec<u32>,
    pub active: Vec<bool>,
    pub capital_usd: Vec<f64>,
    /// Capital at entry: domestic final demand scales with it, not with capacity added for customers.
    pub base_capital_usd: Vec<f64>,
    pub ln_productivity: Vec<f64>,
    /// `exp(ln_productivity)`, written wherever `ln_productivity` is (production reads it for
    /// every firm each quarter).
    pub productivity: Vec<f64>,
    pub human_capital: Vec<f64>,
    pub bilingual_share: Vec<f64>,
    /// Share of employees who graduated from a joint institution.
    pub graduate_share: Vec<f64>,
    pub employees: Vec<f64>,
    /// Fixed uniform draw deciding business-association membership against the current share.
    pub membership_draw: Vec<f64>,
    pub suppliers: Vec<[u32; MAX_SUPPLIERS]>,
    pub supply_links: Vec<[u32; MAX_SUPPLIERS]>,
    pub n_suppliers: Vec<u8>,
    /// Capacity this quarter after shocks [USD per quarter].
    pub capacity: Vec<f64>,
    /// Capacity without shocks [USD per quarter].
    pub normal_capacity: Vec<f64>,
    pub output: Vec<f64>,
    pub prev_output: Vec<f64>,
    pub inventory_q: Vec<f64>,
    /// Share of capacity lost to shocks this quarter.
    pub shock_loss: Vec<f64>,
    pub reputation_pos: Vec<f64>,
    pub reputation_neg: Vec<f64>,
    /// Active partnerships in which the firm is the host-side partner of a foreign firm or donor.
    pub foreign_partnerships: Vec<u8>,
    /// Pair of the firm's latest foreign partnership (own pair for affiliates); NONE if none.
    pub linked_pair: Vec<PairId>,
    /// Share of customer orders delivered last quarter.
    pub fill_rate: Vec<f64>,
    pub entry_step: Vec<u32>,
    /// Affiliates: μ_f, the margin at full utilisation and no friction, drawn at entry [share of sales].
    pub margin_base: Vec<f64>,
    /// Affiliates: π̄_f, the smoothed operating margin [share of sales].
    pub margin_smoothed: Vec<f64>,
    /// Joint ventures: id of the JV partnership (NONE otherwise).
    pub jv_link: Vec<u32>,
}

/// Partnerships, struct of arrays. Index = `PartnershipId`. `Clone` keeps reserved capacity.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Partnerships {
    pub pair: Vec<PairId>,
    pub mode: Vec<PartnershipMode>,
    /// Foreign side: affiliate/JV firm (NONE for ODA projects).
    pub foreign: Vec<u32>,
    /// Host side: domestic firm (NONE for ODA projects).
    pub host: Vec<u32>,
    pub donor: Vec<DonorId>,
    pub start_step: Vec<u32>,
    pub end_step: Vec<u32>,
    pub end_reason: Vec<EndReason>,
    pub evidence: Vec<Evidence>,
    pub trust: Vec<f64>,
    pub friction: Vec<f64>,
    pub training: Vec<f64>,
    /// π: smoothed outcome in [-1, 1].
    pub performance: Vec<f64>,
    pub trouble_step: Vec<u32>,
    /// w_same·n_same + w_block·n_block at formation [quarters].
    pub experience_offset_q: Vec<f64>,
    /// λ_mode.
    pub mode_multiplier: Vec<f64>,
    /// Step from which the partnership worked in co-creation mode (NONE if never).
    pub cocreation_since: Vec<u32>,
    /// The host firm's business-association draw (copied so the pass reads it in order; 1 = never).
    pub member_draw: Vec<f64>,
    /// |ln A_foreign − ln A_host|, refreshed yearly (NaN until first read).
    pub productivity_gap: Vec<f64>,
    /// Ids of active partnerships, in creation order.
    pub active: Vec<u32>,
}

/// Talent stocks of one (pair, programme): one vintage per entry step.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct TalentStock {
    pub vintages: Vec<u64>,
    /// Index of the oldest vintage that may still hold people.
    pub oldest: usize,
    pub abroad: u64,
}

/// People of one origin in its destination, by programme, and this quarter's flows.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct OriginState {
    pub talent: [TalentStock; 4],
    pub missing: u64,
    pub settled: u64,
    /// Departures since the start, the initial stocks included.
    pub departed_cum: u64,
    pub returned_cum: u64,
    pub missing_returned_cum: u64,
    // This quarter.
    /// New departures, all programmes.
    pub outflow_q: u64,
    /// New entries from abroad by programme.
    pub inflow_q: [u64; 4],
    /// Entries by transition inside the destination (into SSW from interns, into engineers from
    /// students), by the programme entered.
    pub transitions_q: [u64; 4],
    /// Completion returns by programme (people who reached the maximum stay and went home).
    pub completed_returns_q: [u64; 4],
    /// People gone missing this quarter, all programmes.
    pub missing_new_q: u64,
    /// All returns (completion, willing completers without an SSW place, missing people).
    pub returned_q: u64,
    pub returnee_skill_q: f64,
    /// Applicants per quarter by programme (M1, before matching).
    pub applicants_q: [f64; 4],
    /// Completing interns who want to stay on as SSW, waiting for a place.
    pub stay_on_waiting: u64,
    pub stay_on_skill: f64,
    /// Interns gone missing this quarter over interns abroad at its start.
    pub intern_missing_rate_q: f64,
    /// The destination's share of the origin's would-be migrants among the foreign
    /// destinations this quarter (1 without alternative destinations).
    pub destination_share: f64,
}

/// One destination's totals this quarter (for origin shares).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct DestinationState {
    pub places_q: [f64; 4],
    pub inflow_q: [u64; 4],
    pub transitions_q: [u64; 4],
}

#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct PairState {
    pub gaps: [f64; 6],
    pub ks4: f64,
    pub ks6: f64,
    pub gov_trust: f64,
    pub pair_trust: f64,
    /// S: the smoothed partnership (firm-level) component of pair trust.
    pub firm_trust: f64,
    // Current mitigation doses.
    pub training_dose: f64,
    pub liaison_dose: f64,
    pub cooperation_mode: f64,
    pub diversification: f64,
    pub membership_share: f64,
    pub dispute_resolution: f64,
    pub graduates_per_q: f64,
    pub mitigation_cost_q: f64,
    /// Step from which the pair has worked in co-creation mode (NONE before).
    pub cocreation_since: u32,
    /// Whether joint-institution graduates were ever hired in this pair (else shares are 0).
    pub graduates_seen: bool,
    // Shock modifiers this quarter.
    pub entry_barrier: f64,
    pub negativity_multiplier: f64,
    pub trade_loss: f64,
    pub talent_inflow_cut: f64,
    // Partnership aggregates (running sums of this quarter).
    pub trust_sum: f64,
    pub friction_sum: f64,
    pub n_active: u32,
    /// Active partnerships between firms (joint ventures and supply contracts, not ODA projects).
    pub n_active_firm: u32,
    pub n_host_firms_linked: u32,
    /// Ring of (matured, flagged) counts for the trouble share, one slot per quarter.
    pub trouble_ring: [(u32, u32); 4],
    /// Partnerships formed this quarter and the sum of their friction (first pass).
    pub n_new: u32,
    pub new_friction_sum: f64,
    // Trust anchor (T5).
    /// Σ ℓ_i (1 + dr_i) over the pair's institutions this quarter.
    pub institution_levels: f64,
    /// R: long-memory mean partnership trust.
    pub trust_record: f64,
    pub trust_fundamental: f64,
    // Capital and trade this quarter.
    pub fdi_stock_usd: f64,
    pub fdi_registered_q: f64,
    pub fdi_projects: u32,
    pub affiliate_output_q: f64,
    pub trade_q: f64,
    /// Partner's exports to the donor country this quarter [USD].
    pub exports_q: f64,
    /// Partner's imports from the donor country this quarter [USD].
    pub imports_q: f64,
    pub fdi_withdrawn_q: f64,
    pub n_affiliates: u32,
    pub n_affiliates_profitable: u32,
    pub oda_committed_q: f64,
    pub oda_disbursed_q: f64,
    pub oda_net_q: f64,
    pub oda_pipeline: f64,
}

#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct CountryState {
    pub gdp_usd_per_year: f64,
    pub population: f64,
    pub gni_per_capita: f64,
    pub gni_per_capita_initial: f64,
    pub wage_usd_per_year: f64,
    /// Local currency per USD relative to the path (1 = no shock).
    pub fx_multiplier: f64,
    pub capacity_k: f64,
    pub capacity_floor: f64,
    pub oda_gross_q: f64,
    pub oda_net_q: f64,
    pub donor_hhi: f64,
    pub aid_gni: f64,
    pub ln_aid_history: [f64; AID_HISTORY_Q],
    pub aid_volatility: f64,
    pub firm_output_q: f64,
    pub direct_loss_q: f64,
    /// Capital added by domestic suppliers this quarter, out of their operating surplus [USD].
    pub supplier_investment_q: f64,
    pub mean_productivity: f64,
    /// Supply-chain shock this quarter: capacity share lost and share of firms hit.
    pub capacity_shock: f64,
    pub affected_share: f64,
    // Public capital (v2 channel 1), real stocks in USD.
    /// Capital built by domestic public investment alone, and under construction.
    pub public_capital_dom_usd: f64,
    pub public_wip_dom_usd: f64,
    /// Capital financed by aid, and under construction.
    pub public_capital_aid_usd: f64,
    pub public_wip_aid_usd: f64,
    /// Capital the host's own programme spending did not build, and its work in progress.
    pub public_capital_forgone_usd: f64,
    pub public_wip_forgone_usd: f64,
    /// Reference: what domestic public investment builds at the initial capacity.
    pub public_capital_ref_usd: f64,
    pub public_wip_ref_usd: f64,
    /// G/G_dom: public capital relative to domestic-only.
    pub public_capital_ratio: f64,
    // Returnees joining home firms this quarter (spillover phase).
    pub home_returnees_q: f64,
    pub home_returnee_skill_q: f64,
    pub domestic_employees: f64,
    /// Employee-weighted mean bilingual share of domestic firms (new affiliates hire at it).
    pub domestic_bilingual_mean: f64,
    /// Ĝ/Ĝ_dom: the same with capital under construction and the aid pipeline (investors' view).
    pub expected_public_capital_ratio: f64,
    /// (G/G_dom)^α_G: multiplier of firms' productivity.
    pub public_capital_multiplier: f64,
}

/// State of one donor's aid to one recipient.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct AidChannel {
    pub recipient: CountryId,
    pub pair: PairId,
    /// Committed, not yet disbursed: loan-financed projects (slow, at d(K)) …
    pub pipeline_usd: f64,
    /// … and grants (fast: single-fiscal-year grant aid and technical cooperation).
    pub grant_pipeline_usd: f64,
    /// a_dc: AR(1) log deviation of this recipient's allocation weight (political and
    /// strategic allocation decisions, donor-driven volatility).
    pub allocation_deviation: f64,
    /// u_dc: AR(1) log deviation of the project disbursement rate (implementation).
    pub implementation_deviation: f64,
    /// Loans disbursed per step, for the grace period.
    pub loans_by_step: Vec<f64>,
    pub repaying_stock_usd: f64,
    pub committed_q: f64,
    pub disbursed_q: f64,
    pub repaid_q: f64,
    pub suspended: bool,
    pub cut: f64,
    pub prev_disbursed_q: f64,
    /// Consecutive quarters the recipient's GNI per capita has been above the graduation threshold.
    pub quarters_above: u32,
    /// Step at which graduation started (NONE before).
    pub graduated_step: u32,
    /// Eligibility for concessional terms this quarter (dates × graduation).
    pub eligibility: f64,
}

impl AidChannel {
    /// Everything committed and not yet disbursed [USD].
    pub fn pipeline_total_usd(&self) -> f64 {
        self.pipeline_usd + self.grant_pipeline_usd
    }
}

#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct DonorState {
    pub budget_deviation: f64,
    pub budget_q: f64,
    /// Programme costs this donor pays this quarter, out of `budget_q` [USD].
    pub programme_cost_q: f64,
    pub cut_log: f64,
    pub channels: Vec<AidChannel>,
}

/// Ledgers of every USD and person that moved, for the conservation checks.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Ledger {
    pub oda_budget_usd: f64,
    pub oda_committed_usd: f64,
    pub oda_retained_usd: f64,
    /// Programme costs paid out of donors' aid budgets, and out of hosts' public investment.
    pub programmes_donor_usd: f64,
    pub programmes_host_usd: f64,
    pub oda_disbursed_usd: f64,
    pub oda_received_usd: f64,
    pub oda_initial_pipeline_usd: f64,
    pub loans_disbursed_usd: f64,
    pub loans_repaid_usd: f64,
    pub fdi_registered_usd: f64,
    pub fdi_withdrawn_usd: f64,
    pub fdi_initial_usd: f64,
    pub trade_exports_usd: f64,
    pub trade_imports_usd: f64,
}

/// Per-step buffers, kept apart from the state. `Clone` keeps reserved capacity.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct Scratch {
    pub demand: Vec<f64>,
    pub foreign_sales: Vec<f64>,
    pub next_reputation_pos: Vec<f64>,
    pub next_reputation_neg: Vec<f64>,
    /// (country, sector) → sum and count of affiliate log productivity.
    pub foreign_ln_a_sum: Vec<f64>,
    pub foreign_ln_a_n: Vec<u32>,
    pub foreign_ln_a_mean: Vec<f64>,
    pub human_capital_gain: Vec<f64>,
    pub new_firms: Vec<u32>,
    pub donor_shares: Vec<f64>,
}

/// The random streams of one replication, one cursor per purpose.
#[derive(Clone, serde::Serialize, serde::Deserialize)]
pub struct Streams {
    pub key: [u8; 32],
    pub entry_scan: Draws,
    pub entry_taste: Draws,
    pub entry_mode: Draws,
    pub entry_capital: Draws,
    pub partner_sample: Draws,
    pub supplier_sample: Draws,
    pub outcome: Draws,
    pub termination: Draws,
    pub substitution: Draws,
    pub affiliate_exit: Draws,
    pub donor_budget: Draws,
    pub aid_allocation: Draws,
    pub aid_implementation: Draws,
    pub talent: Draws,
    pub oda_projects: Draws,
    pub membership: Draws,
    pub affiliate_margin: Draws,
}

impl Streams {
    pub fn new(seed: u64, replication: u32) -> Streams {
        let key = replication_key(seed, replication);
        let d = |k, p| Draws::new(key, k, p, 0);
        let w = |k, p| Draws::new_wide(key, k, p, 0);
        let s = |k, p| Draws::new_sequence(key, k, p, 0);
        Streams {
            key,
            entry_scan: d(EntityKind::Firm, Purpose::EntryScan),
            entry_taste: s(EntityKind::Firm, Purpose::EntryTaste),
            entry_mode: d(EntityKind::Firm, Purpose::EntryMode),
            entry_capital: w(EntityKind::Firm, Purpose::EntryCapital),
            partner_sample: s(EntityKind::Firm, Purpose::PartnerSample),
            supplier_sample: s(EntityKind::Firm, Purpose::SupplierSample),
            outcome: d(EntityKind::Partnership, Purpose::Outcome),
            termination: d(EntityKind::Partnership, Purpose::Termination),
            substitution: s(EntityKind::Firm, Purpose::SupplierSubstitution),
            affiliate_exit: d(EntityKind::Firm, Purpose::AffiliateExit),
            donor_budget: w(EntityKind::Donor, Purpose::DonorBudget),
            aid_allocation: w(EntityKind::Donor, Purpose::AidAllocation),
            aid_implementation: w(EntityKind::Donor, Purpose::AidImplementation),
            talent: w(EntityKind::Cohort, Purpose::TalentRounding),
            oda_projects: d(EntityKind::Donor, Purpose::OdaProjects),
            membership: d(EntityKind::Firm, Purpose::Membership),
            affiliate_margin: w(EntityKind::Firm, Purpose::AffiliateMargin),
        }
    }
}

/// FNV-1a of a text, for stable sub-keys (a shock's draws follow its id, not its position).
pub fn stable_hash32(text: &str) -> u32 {
    let mut h: u32 = 0x811C_9DC5;
    for b in text.bytes() {
        h ^= b as u32;
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

#[derive(Clone, serde::Serialize, serde::Deserialize)]
pub struct World {
    pub step: u32,
    pub replication: u32,
    pub countries: Vec<CountryState>,
    pub pairs: Vec<PairState>,
    /// Talent origins: one per pair (same index), then competing origins.
    pub origins: Vec<OriginState>,
    pub destinations: Vec<DestinationState>,
    /// Destination index of each pair's origin (None: no talent destination).
    pub destination_of_pair: Vec<Option<usize>>,
    pub donors: Vec<DonorState>,
    pub firms: Firms,
    pub partnerships: Partnerships,
    pub ledger: Ledger,
    pub scratch: Scratch,
    pub streams: Streams,
    /// Domestic firms of each country, by id.
    pub domestic_by_country: Vec<Vec<u32>>,
    /// Investor firms of each country, by id.
    pub investors_by_country: Vec<Vec<u32>>,
    pub n_sectors: usize,
    /// Firm slots reserved (initial firms + the entry cap).
    pub firm_capacity: usize,
    pub partnership_capacity: usize,
    pub entries_blocked: u64,
    /// `entries[firm * n_pairs + pair]`: affiliates an investor opened in each pair's host.
    pub entries: Reserved<u16>,
    pub mitigation_cost_q: f64,
    /// Whether any firm lost capacity to a shock in the last production phase.
    pub capacity_shock_active: bool,
    /// The friction's experience decay at every half quarter of the horizon (read, not `powf`).
    /// Derived from the parameters, so not saved: a restored world computes what it misses.
    #[serde(skip)]
    pub experience_decay: ExperienceDecayTable,
}

impl World {
    pub fn new(cfg: &Config, replication: u32) -> World {
        let steps = cfg.steps() as usize;
        let n_pairs = cfg.pairs.len();
        let streams = Streams::new(cfg.seed, replication);
        let countries = cfg
            .countries
            .iter()
            .map(|c| {
                let gdp = c.gdp_usd_per_year[0];
                let pop = c.population[0].max(1.0);
                CountryState {
                    gdp_usd_per_year: gdp,
                    population: pop,
                    gni_per_capita: gdp / pop,
                    gni_per_capita_initial: gdp / pop,
                    wage_usd_per_year: c.wage_to_gdp_per_capita * gdp / pop,
                    fx_multiplier: 1.0,
                    capacity_k: c.capacity_initial,
                    capacity_floor: c.capacity_floor,
                    donor_hhi: 1.0,
                    public_capital_ratio: 1.0,
                    expected_public_capital_ratio: 1.0,
                    public_capital_multiplier: 1.0,
                    ..super::public_capital::initial_stocks(&cfg.params.public_capital, c)
                }
            })
            .collect::<Vec<_>>();
        let pairs = cfg
            .pairs
            .iter()
            .map(|p| {
                let a = &cfg.countries[p.partner.index()].culture;
                let b = &cfg.countries[p.donor.index()].culture;
                PairState {
                    gaps: dimension_gaps(a, b),
                    ks4: kogut_singh(a, b, 4),
                    ks6: kogut_singh(a, b, 6),
                    gov_trust: p.gov_trust_initial,
                    pair_trust: p.gov_trust_initial,
                    firm_trust: p.gov_trust_initial,
                    negativity_multiplier: 1.0,
                    cocreation_since: NONE_U32,
                    trust_record: 0.5,
                    trust_fundamental: p.gov_trust_initial,
                    ..Default::default()
                }
            })
            .collect::<Vec<_>>();
        let mut ledger = Ledger::default();
        let donors = cfg
            .donors
            .iter()
            .map(|d| DonorState {
                budget_deviation: 0.0,
                budget_q: 0.0,
                programme_cost_q: 0.0,
                cut_log: 0.0,
                channels: d
                    .recipients
                    .iter()
                    .map(|r| {
                        ledger.oda_initial_pipeline_usd += r.initial_pipeline_usd;
                        // Loans from before the horizon count as lent and are already repaying.
                        ledger.loans_disbursed_usd += r.outstanding_loans_usd;
                        AidChannel {
                            repaying_stock_usd: r.outstanding_loans_usd,
                            graduated_step: NONE_U32,
                            recipient: r.country,
                            pair: cfg
                                .pairs
                                .iter()
                                .position(|p| p.partner == r.country && p.donor == d.home)
                                .map_or(PairId::NONE, |i| PairId(i as u16)),
                            pipeline_usd: r.initial_pipeline_usd * d.loan_share,
                            grant_pipeline_usd: r.initial_pipeline_usd * (1.0 - d.loan_share),
                            loans_by_step: vec![0.0; steps + 1],
                            ..Default::default()
                        }
                    })
                    .collect(),
            })
            .collect();

        let initial_firms: usize = cfg.firm_populations.iter().map(|f| f.count as usize).sum();
        let investors: usize = cfg
            .firm_populations
            .iter()
            .filter(|f| f.kind == FirmKind::Investor)
            .map(|f| f.count as usize)
            .sum();
        let entry_cap =
            (investors as f64 * cfg.params.entry.max_new_affiliates_per_investor).ceil() as usize;
        let firm_capacity = initial_firms + entry_cap;
        let partnership_capacity = entry_cap * (cfg.params.supply.suppliers_max as usize * 3 + 2)
            + initial_firms / 4
            + 4096 * cfg.donors.len().max(1);
        let n_sectors = cfg
            .firm_populations
            .iter()
            .map(|f| f.sector as usize + 1)
            .max()
            .unwrap_or(1);

        let mut world = World {
            step: 0,
            replication,
            countries,
            pairs,
            origins: cfg
                .talent_origins
                .iter()
                .map(|o| OriginState {
                    settled: o.settled_initial,
                    talent: std::array::from_fn(|_| TalentStock {
                        vintages: vec![0; steps + 1],
                        oldest: 0,
                        abroad: 0,
                    }),
                    ..Default::default()
                })
                .collect(),
            destinations: vec![DestinationState::default(); cfg.talent_destinations.len()],
            destination_of_pair: cfg.talent_origins[..n_pairs]
                .iter()
                .map(|o| o.destination)
                .collect(),
            donors,
            firms: Firms::with_capacity(firm_capacity),
            partnerships: Partnerships::with_capacity(partnership_capacity),
            ledger,
            scratch: Scratch {
                demand: Vec::with_capacity(firm_capacity),
                foreign_sales: Vec::with_capacity(firm_capacity),
                next_reputation_pos: Vec::with_capacity(firm_capacity),
                next_reputation_neg: Vec::with_capacity(firm_capacity),
                foreign_ln_a_sum: vec![0.0; cfg.countries.len() * n_sectors],
                foreign_ln_a_n: vec![0; cfg.countries.len() * n_sectors],
                foreign_ln_a_mean: vec![0.0; cfg.countries.len() * n_sectors],
                human_capital_gain: Vec::with_capacity(firm_capacity),
                new_firms: Vec::with_capacity(firm_capacity),
                donor_shares: vec![0.0; cfg.donors.len()],
            },
            streams,
            domestic_by_country: vec![Vec::new(); cfg.countries.len()],
            investors_by_country: vec![Vec::new(); cfg.countries.len()],
            n_sectors,
            firm_capacity,
            partnership_capacity,
            entries_blocked: 0,
            entries: Reserved(Vec::with_capacity(firm_capacity * n_pairs)),
            mitigation_cost_q: 0.0,
            capacity_shock_active: false,
            experience_decay: ExperienceDecayTable::new(
                &cfg.params.friction,
                steps + EXPERIENCE_TABLE_HEADROOM_Q,
            ),
        };
        world.populate_firms(cfg);
        world.seed_talent(cfg);
        world
    }

    fn populate_firms(&mut self, cfg: &Config) {
        let key = self.streams.key;
        let mut init = Draws::new_wide(key, EntityKind::Firm, Purpose::FirmInit, 0);
        let ocr = cfg.params.supply.output_capital_ratio_per_q;
        for pop in &cfg.firm_populations {
            for _ in 0..pop.count {
                let id = self.firms.len() as u32;
                let (z1, z2) = (init.normal(0, id), init.normal(1, id));
                let ln_a = pop.ln_productivity_mean + pop.ln_productivity_sd * z1;
                let capital = pop.capital_usd_median * (pop.capital_sigma * z2).exp();
                let capacity = capital * ocr * ln_a.exp();
                let member = self.streams.membership.uniform(0, id);
                self.firms.push(FirmInit {
                    country: pop.country,
                    sector: pop.sector,
                    kind: pop.kind,
                    pair: PairId::NONE,
                    parent: NONE_U32,
                    capital_usd: capital,
                    ln_productivity: ln_a,
                    human_capital: pop.human_capital_mean,
                    bilingual_share: pop.bilingual_share,
                    employees: (capital / 1.0e6 * cfg.params.entry.employees_per_musd).max(1.0),
                    membership_draw: member,
                    capacity,
                    inventory_q: cfg.params.supply.inventory_target_q,
                    entry_step: 0,
                    margin_base: 0.0,
                });
                match pop.kind {
                    FirmKind::Domestic => self.domestic_by_country[pop.country.index()].push(id),
                    FirmKind::Investor => self.investors_by_country[pop.country.index()].push(id),
                    _ => {}
                }
                for _ in 0..cfg.pairs.len() {
                    self.entries.push(0);
                }
            }
        }
    }

    fn seed_talent(&mut self, cfg: &Config) {
        for (o, origin) in cfg.talent_origins.iter().enumerate() {
            for (k, prog) in origin.programmes.iter().enumerate() {
                let Some(prog) = prog else { continue };
                let state = &mut self.origins[o];
                state.talent[k].vintages[0] += prog.initial_stock;
                state.talent[k].abroad += prog.initial_stock;
                state.departed_cum += prog.initial_stock;
            }
        }
    }

    pub fn n_pairs(&self) -> usize {
        self.pairs.len()
    }

    /// Sector index of a (country, sector) aggregate.
    pub fn sector_slot(&self, country: CountryId, sector: u16) -> usize {
        country.index() * self.n_sectors + sector as usize
    }
}

/// Everything needed to add one firm.
pub struct FirmInit {
    pub country: CountryId,
    pub sector: u16,
    pub kind: FirmKind,
    pub pair: PairId,
    pub parent: u32,
    pub capital_usd: f64,
    pub ln_productivity: f64,
    pub human_capital: f64,
    pub bilingual_share: f64,
    pub employees: f64,
    pub membership_draw: f64,
    pub capacity: f64,
    pub inventory_q: f64,
    pub entry_step: u32,
    pub margin_base: f64,
}

impl Firms {
    fn with_capacity(n: usize) -> Firms {
        Firms {
            country: Vec::with_capacity(n),
            sector: Vec::with_capacity(n),
            kind: Vec::with_capacity(n),
            pair: Vec::with_capacity(n),
            parent: Vec::with_capacity(n),
            active: Vec::with_capacity(n),
            capital_usd: Vec::with_capacity(n),
            base_capital_usd: Vec::with_capacity(n),
            ln_productivity: Vec::with_capacity(n),
            productivity: Vec::with_capacity(n),
            human_capital: Vec::with_capacity(n),
            bilingual_share: Vec::with_capacity(n),
            graduate_share: Vec::with_capacity(n),
            employees: Vec::with_capacity(n),
            membership_draw: Vec::with_capacity(n),
            suppliers: Vec::with_capacity(n),
            supply_links: Vec::with_capacity(n),
            n_suppliers: Vec::with_capacity(n),
            capacity: Vec::with_capacity(n),
            normal_capacity: Vec::with_capacity(n),
            output: Vec::with_capacity(n),
            prev_output: Vec::with_capacity(n),
            inventory_q: Vec::with_capacity(n),
            shock_loss: Vec::with_capacity(n),
            reputation_pos: Vec::with_capacity(n),
            reputation_neg: Vec::with_capacity(n),
            foreign_partnerships: Vec::with_capacity(n),
            linked_pair: Vec::with_capacity(n),
            fill_rate: Vec::with_capacity(n),
            entry_step: Vec::with_capacity(n),
            margin_base: Vec::with_capacity(n),
            margin_smoothed: Vec::with_capacity(n),
            jv_link: Vec::with_capacity(n),
        }
    }

    pub fn len(&self) -> usize {
        self.country.len()
    }

    pub fn is_empty(&self) -> bool {
        self.country.is_empty()
    }

    pub fn push(&mut self, f: FirmInit) -> u32 {
        let id = self.len() as u32;
        self.country.push(f.country);
        self.sector.push(f.sector);
        self.kind.push(f.kind);
        self.pair.push(f.pair);
        self.parent.push(f.parent);
        self.active.push(true);
        self.capital_usd.push(f.capital_usd);
        self.base_capital_usd.push(f.capital_usd);
        self.ln_productivity.push(f.ln_productivity);
        self.productivity.push(f.ln_productivity.exp());
        self.human_capital.push(f.human_capital);
        self.bilingual_share.push(f.bilingual_share);
        self.graduate_share.push(0.0);
        self.employees.push(f.employees);
        self.membership_draw.push(f.membership_draw);
        self.suppliers.push([NONE_U32; MAX_SUPPLIERS]);
        self.supply_links.push([NONE_U32; MAX_SUPPLIERS]);
        self.n_suppliers.push(0);
        self.capacity.push(f.capacity);
        self.normal_capacity.push(f.capacity);
        self.output.push(f.capacity);
        self.prev_output.push(f.capacity);
        self.inventory_q.push(f.inventory_q);
        self.shock_loss.push(0.0);
        self.reputation_pos.push(0.0);
        self.reputation_neg.push(0.0);
        self.foreign_partnerships.push(0);
        self.linked_pair.push(f.pair);
        self.fill_rate.push(1.0);
        self.entry_step.push(f.entry_step);
        self.margin_base.push(f.margin_base);
        self.margin_smoothed.push(f.margin_base);
        self.jv_link.push(NONE_U32);
        id
    }

    pub fn is_foreign(&self, id: usize) -> bool {
        matches!(self.kind[id], FirmKind::Affiliate | FirmKind::JointVenture)
    }
}

/// Everything needed to add one partnership.
pub struct PartnershipInit {
    pub pair: PairId,
    pub mode: PartnershipMode,
    pub foreign: u32,
    pub host: u32,
    pub donor: DonorId,
    pub start_step: u32,
    pub evidence: Evidence,
    pub experience_offset_q: f64,
    pub mode_multiplier: f64,
    pub cocreation_since: u32,
    pub member_draw: f64,
}

impl Partnerships {
    fn with_capacity(n: usize) -> Partnerships {
        Partnerships {
            pair: Vec::with_capacity(n),
            mode: Vec::with_capacity(n),
            foreign: Vec::with_capacity(n),
            host: Vec::with_capacity(n),
            donor: Vec::with_capacity(n),
            start_step: Vec::with_capacity(n),
            end_step: Vec::with_capacity(n),
            end_reason: Vec::with_capacity(n),
            evidence: Vec::with_capacity(n),
            trust: Vec::with_capacity(n),
            friction: Vec::with_capacity(n),
            training: Vec::with_capacity(n),
            performance: Vec::with_capacity(n),
            trouble_step: Vec::with_capacity(n),
            experience_offset_q: Vec::with_capacity(n),
            mode_multiplier: Vec::with_capacity(n),
            cocreation_since: Vec::with_capacity(n),
            member_draw: Vec::with_capacity(n),
            productivity_gap: Vec::with_capacity(n),
            active: Vec::with_capacity(n),
        }
    }

    pub fn len(&self) -> usize {
        self.pair.len()
    }

    pub fn is_empty(&self) -> bool {
        self.pair.is_empty()
    }

    pub fn push(&mut self, p: PartnershipInit) -> u32 {
        let id = self.len() as u32;
        self.pair.push(p.pair);
        self.mode.push(p.mode);
        self.foreign.push(p.foreign);
        self.host.push(p.host);
        self.donor.push(p.donor);
        self.start_step.push(p.start_step);
        self.end_step.push(NONE_U32);
        self.end_reason.push(EndReason::Active);
        self.trust.push(p.evidence.trust());
        self.evidence.push(p.evidence);
        self.friction.push(0.0);
        self.training.push(0.0);
        self.performance.push(0.0);
        self.trouble_step.push(NONE_U32);
        self.experience_offset_q.push(p.experience_offset_q);
        self.mode_multiplier.push(p.mode_multiplier);
        self.cocreation_since.push(p.cocreation_since);
        self.member_draw.push(p.member_draw);
        self.productivity_gap.push(f64::NAN);
        self.active.push(id);
        id
    }

    pub fn is_active(&self, id: usize) -> bool {
        self.end_reason[id] == EndReason::Active
    }
}

/// A copy of `v` with the same reserved capacity (`Vec::clone` keeps only the length), so that a
/// copied world (a counterfactual) does not allocate in its step loop either.
#[allow(clippy::ptr_arg)] // the capacity is the point
pub fn clone_reserved<T: Clone>(v: &Vec<T>) -> Vec<T> {
    let mut copy = Vec::with_capacity(v.capacity());
    copy.extend_from_slice(v);
    copy
}

impl Clone for Firms {
    fn clone(&self) -> Firms {
        Firms {
            country: clone_reserved(&self.country),
            sector: clone_reserved(&self.sector),
            kind: clone_reserved(&self.kind),
            pair: clone_reserved(&self.pair),
            parent: clone_reserved(&self.parent),
            active: clone_reserved(&self.active),
            capital_usd: clone_reserved(&self.capital_usd),
            base_capital_usd: clone_reserved(&self.base_capital_usd),
            ln_productivity: clone_reserved(&self.ln_productivity),
            productivity: clone_reserved(&self.productivity),
            human_capital: clone_reserved(&self.human_capital),
            bilingual_share: clone_reserved(&self.bilingual_share),
            graduate_share: clone_reserved(&self.graduate_share),
            employees: clone_reserved(&self.employees),
            membership_draw: clone_reserved(&self.membership_draw),
            suppliers: clone_reserved(&self.suppliers),
            supply_links: clone_reserved(&self.supply_links),
            n_suppliers: clone_reserved(&self.n_suppliers),
            capacity: clone_reserved(&self.capacity),
            normal_capacity: clone_reserved(&self.normal_capacity),
            output: clone_reserved(&self.output),
            prev_output: clone_reserved(&self.prev_output),
            inventory_q: clone_reserved(&self.inventory_q),
            shock_loss: clone_reserved(&self.shock_loss),
            reputation_pos: clone_reserved(&self.reputation_pos),
            reputation_neg: clone_reserved(&self.reputation_neg),
            foreign_partnerships: clone_reserved(&self.foreign_partnerships),
            linked_pair: clone_reserved(&self.linked_pair),
            fill_rate: clone_reserved(&self.fill_rate),
            entry_step: clone_reserved(&self.entry_step),
            margin_base: clone_reserved(&self.margin_base),
            margin_smoothed: clone_reserved(&self.margin_smoothed),
            jv_link: clone_reserved(&self.jv_link),
        }
    }
}

impl Clone for Partnerships {
    fn clone(&self) -> Partnerships {
        Partnerships {
            pair: clone_reserved(&self.pair),
            mode: clone_reserved(&self.mode),
            foreign: clone_reserved(&self.foreign),
            host: clone_reserved(&self.host),
            donor: clone_reserved(&self.donor),
            start_step: clone_reserved(&self.start_step),
            end_step: clone_reserved(&self.end_step),
            end_reason: clone_reserved(&self.end_reason),
            evidence: clone_reserved(&self.evidence),
            trust: clone_reserved(&self.trust),
            friction: clone_reserved(&self.friction),
            training: clone_reserved(&self.training),
            performance: clone_reserved(&self.performance),
            trouble_step: clone_reserved(&self.trouble_step),
            experience_offset_q: clone_reserved(&self.experience_offset_q),
            mode_multiplier: clone_reserved(&self.mode_multiplier),
            cocreation_since: clone_reserved(&self.cocreation_since),
            member_draw: clone_reserved(&self.member_draw),
            productivity_gap: clone_reserved(&self.productivity_gap),
            active: clone_reserved(&self.active),
        }
    }
}

impl Clone for Scratch {
    fn clone(&self) -> Scratch {
        Scratch {
            demand: clone_reserved(&self.demand),
            foreign_sales: clone_reserved(&self.foreign_sales),
            next_reputation_pos: clone_reserved(&self.next_reputation_pos),
            next_reputation_neg: clone_reserved(&self.next_reputation_neg),
            foreign_ln_a_sum: clone_reserved(&self.foreign_ln_a_sum),
            foreign_ln_a_n: clone_reserved(&self.foreign_ln_a_n),
            foreign_ln_a_mean: clone_reserved(&self.foreign_ln_a_mean),
            human_capital_gain: clone_reserved(&self.human_capital_gain),
            new_firms: clone_reserved(&self.new_firms),
            donor_shares: clone_reserved(&self.donor_shares),
        }
    }
}

/// A `Vec` whose `Clone` keeps the reserved capacity, for growing `Vec`s held directly in
/// [`World`] (which derives `Clone`); use it like the `Vec` it derefs to.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct Reserved<T>(pub Vec<T>);

impl<T: Clone> Clone for Reserved<T> {
    fn clone(&self) -> Reserved<T> {
        Reserved(clone_reserved(&self.0))
    }
}

impl<T> std::ops::Deref for Reserved<T> {
    type Target = Vec<T>;
    fn deref(&self) -> &Vec<T> {
        &self.0
    }
}

impl<T> std::ops::DerefMut for Reserved<T> {
    fn deref_mut(&mut self) -> &mut Vec<T> {
        &mut self.0
    }
}
