//! Model documents generated from the code: `docs/MODEL.md` (the mechanisms with their
//! equations, default parameters and the shock → channel table) and, for one resolved scenario,
//! an ODD description (Grimm et al. 2020) with the scenario's own entities and parameter values.
//!
//! Nothing here is a hand-written copy of the model: the equations are the `//!` documentation
//! of each model module (compiled in with `include_str!`), the schedule is read from
//! `Simulation::step`, the parameters come from the doc comments and ranges of
//! `model::params` (through the scenario schema) and their values from the resolved `Config`,
//! and the shock table is `model::shocks::SHOCK_CHANNELS`.

use std::fmt::Write;

use crate::model::params::Params;
use crate::scenario::load::LoadedScenario;
use crate::scenario::raw::RawScenario;
use crate::scenario::reference::{KeyDoc, key_docs};

/// A mechanism: its title, the source of its model module, and its parameter groups.
struct Mechanism {
    title: &'static str,
    module: &'static str,
    source: &'static str,
    groups: &'static [&'static str],
}

const MECHANISMS: [Mechanism; 12] = [
    Mechanism {
        title: "Cultural friction",
        module: "culture",
        source: include_str!("model/culture.rs"),
        groups: &["friction"],
    },
    Mechanism {
        title: "Partnership outcomes and termination",
        module: "partnership",
        source: include_str!("model/partnership.rs"),
        groups: &["outcome", "hazard"],
    },
    Mechanism {
        title: "Trust",
        module: "trust",
        source: include_str!("model/trust.rs"),
        groups: &["trust"],
    },
    Mechanism {
        title: "ODA: budgets, allocation, disbursement, loans and recipient capacity",
        module: "aid",
        source: include_str!("model/aid.rs"),
        groups: &["aid", "capacity"],
    },
    Mechanism {
        title: "Aid and domestic investment → public capital",
        module: "public_capital",
        source: include_str!("model/public_capital.rs"),
        groups: &["public_capital"],
    },
    Mechanism {
        title: "Talent flows",
        module: "talent",
        source: include_str!("model/talent.rs"),
        groups: &["talent"],
    },
    Mechanism {
        title: "Institutions and programmes",
        module: "institutions",
        source: include_str!("model/institutions.rs"),
        groups: &[],
    },
    Mechanism {
        title: "FDI entry, mode choice and partner search",
        module: "entry",
        source: include_str!("model/entry.rs"),
        groups: &["entry"],
    },
    Mechanism {
        title: "Production, supply chain, profitability, exit and trade",
        module: "production",
        source: include_str!("model/production.rs"),
        groups: &["supply", "profit", "trade"],
    },
    Mechanism {
        title: "Spillovers and productivity",
        module: "spillover",
        source: include_str!("model/spillover.rs"),
        groups: &["spillover"],
    },
    Mechanism {
        title: "Exogenous paths and shocks",
        module: "shocks",
        source: include_str!("model/shocks.rs"),
        groups: &["shocks"],
    },
    Mechanism {
        title: "Resilience metrics",
        module: "resilience",
        source: include_str!("model/resilience.rs"),
        groups: &[],
    },
];

const SIM_SOURCE: &str = include_str!("model/sim.rs");

/// The leading `//!` block of a source file, as Markdown text.
fn module_doc(source: &str) -> String {
    let mut out = String::new();
    for line in source.lines() {
        let Some(rest) = line.strip_prefix("//!") else {
            break;
        };
        out.push_str(rest.strip_prefix(' ').unwrap_or(rest));
        out.push('\n');
    }
    out.trim().to_string()
}

/// The phases of one quarter, read from the calls and comments in `Simulation::step`:
/// (number, what happens, function).
pub fn schedule() -> Vec<(String, String, String)> {
    let body = SIM_SOURCE
        .split("pub fn step(&mut self)")
        .nth(1)
        .and_then(|s| s.split("\n    }").next())
        .unwrap_or("");
    body.lines()
        .filter_map(|l| {
            let l = l.trim();
            let call = l.strip_prefix("w.")?;
            let (func, comment) = call.split_once("; //")?;
            let func = func.split('(').next()?.to_string();
            let comment = comment.trim();
            let (num, what) = comment.split_once(' ').unwrap_or(("", comment));
            Some((num.to_string(), what.to_string(), func))
        })
        .collect()
}

/// Scenario-key docs of the parameter group `group` (`parameters.<group>.<field>`).
fn group_docs<'d>(docs: &'d [KeyDoc], group: &str) -> Vec<&'d KeyDoc> {
    let prefix = format!("parameters.{group}.");
    docs.iter()
        .filter(|d| d.key.starts_with(&prefix) && !d.key[prefix.len()..].contains('.'))
        .collect()
}

fn group_title(docs: &[KeyDoc], group: &str) -> String {
    docs.iter()
        .find(|d| d.key == format!("parameters.{group}"))
        .map(|d| d.meaning.clone())
        .unwrap_or_default()
}

fn value_text(v: Option<&serde_json::Value>) -> String {
    match v {
        None => String::new(),
        Some(serde_json::Value::Number(n)) => n.to_string(),
        Some(serde_json::Value::Array(a)) => {
            let parts: Vec<String> = a.iter().map(|x| value_text(Some(x))).collect();
            format!("[{}]", parts.join(", "))
        }
        Some(other) => other.to_string(),
    }
}

fn cell(s: &str) -> String {
    s.replace('|', "\\|")
}

/// Parameter table of one group: with `values` (a resolved scenario's parameters) a column for
/// the value used, marked when it differs from the default.
fn parameter_table(out: &mut String, docs: &[KeyDoc], group: &str, values: Option<&Params>) {
    let defaults = serde_json::to_value(Params::default()).unwrap_or_default();
    let used = values.map(|p| serde_json::to_value(p).unwrap_or_default());
    let rows = group_docs(docs, group);
    if rows.is_empty() {
        return;
    }
    let title = group_title(docs, group);
    let _ = writeln!(out, "Parameters `parameters.{group}` — {}\n", cell(&title));
    if used.is_some() {
        out.push_str(
            "| Key | Meaning [unit] | Default | Allowed | Value used |\n|---|---|---|---|---|\n",
        );
    } else {
        out.push_str("| Key | Meaning [unit] | Default | Allowed |\n|---|---|---|---|\n");
    }
    for d in rows {
        let field = &d.key[format!("parameters.{group}.").len()..];
        let def = value_text(defaults.get(group).and_then(|g| g.get(field)));
        let _ = write!(
            out,
            "| `{field}` | {} | `{def}` | {} |",
            cell(&d.meaning),
            cell(&d.allowed)
        );
        if let Some(u) = &used {
            let v = value_text(u.get(group).and_then(|g| g.get(field)));
            if v == def {
                let _ = write!(out, " `{v}` |");
            } else {
                let _ = write!(out, " **`{v}`** (scenario) |");
            }
        }
        out.push('\n');
    }
    out.push('\n');
}

fn shock_table(out: &mut String) {
    out.push_str("| Shock kind | Target | Channels (what it changes, and the parameters that dose it) |\n|---|---|---|\n");
    for (kind, target, channels) in crate::model::shocks::SHOCK_CHANNELS {
        let _ = writeln!(out, "| `{kind}` | {target} | {} |", cell(channels));
    }
    out.push('\n');
}

fn schedule_list(out: &mut String) {
    for (num, what, func) in schedule() {
        let _ = writeln!(out, "{num}. {what} (`{func}`)");
    }
    out.push_str(
        "12. indicators are recorded (the state after the quarter's step: a row of \
         `timeseries.csv` for year Y, quarter q is the end of that quarter), and the model's \
         invariants are checked\n\n",
    );
}

const LABELS_NOTE: &str = "Labels such as SM1 (submodel 1), F1–F4, O1, T1–T4, H1, A1–A4, I1, \
N1, M1–M4 and K1 name the submodels and equations of the model specification; every one the \
code uses is written out in this document, so no other file is needed to read it. `[P]` marks a \
modelling proposal, `[S]` a sourced value, `[C]` a computed one.";

fn submodels(out: &mut String, docs: &[KeyDoc], values: Option<&Params>, level: &str) {
    for (i, m) in MECHANISMS.iter().enumerate() {
        let _ = writeln!(
            out,
            "{level} {}. {} (`src/model/{}.rs`)\n",
            i + 1,
            m.title,
            m.module
        );
        let _ = writeln!(out, "{}\n", module_doc(m.source));
        for g in m.groups {
            parameter_table(out, docs, g, values);
        }
        if m.module == "shocks" {
            out.push_str("Shock → channel table:\n\n");
            shock_table(out);
        }
    }
}

/// `docs/MODEL.md`: the mechanisms with their equations, defaults, ranges and the shock →
/// channel table. The same for every scenario.
pub fn model_markdown() -> String {
    let docs = key_docs::<RawScenario>();
    let mut out = String::new();
    out.push_str("# The kizuna model: mechanisms, equations, parameters\n\n");
    out.push_str(
        "<!-- Generated by `kizuna describe --model`; do not edit by hand (a test checks it is up to date). -->\n\n",
    );
    out.push_str(
        "A step is one quarter. Money is current USD (flows per quarter, GDP annualised), people \
         are whole persons, trust and capacity are indices in [0, 1], friction is a \
         dimensionless index. Every behavioural parameter below is a scenario key \
         (`[parameters.<group>]`); one parameter set serves every country pair. The choices and \
         calibration behind the defaults are in `docs/MODEL_NOTES.md`; `kizuna describe \
         SCENARIO` writes the same mechanisms with a scenario's own values as an ODD \
         document.\n\n",
    );
    out.push_str(LABELS_NOTE);
    out.push_str("\n\n## Schedule of one quarter\n\n");
    schedule_list(&mut out);
    out.push_str("## Shocks and the channels they act through\n\n");
    shock_table(&mut out);
    out.push_str("## Mechanisms\n\n");
    submodels(&mut out, &docs, None, "###");
    out
}

/// Entities of the model with their state variables (the fields of `model::world`).
const ENTITIES: [(&str, &str); 7] = [
    (
        "Country",
        "Hofstede vector (6 dimensions), GDP path and growth, population, wage level, exchange-rate multiplier, implementation capacity K ∈ [0, 1], concessional-lending eligibility, ODA received by donor, public-capital stock, aid/GNI and donor HHI",
    ),
    (
        "Country pair (partner–donor country)",
        "government trust, country-pair trust, distance, trade (affiliate-linked and gravity), FDI stock, talent stocks by programme, time in co-creation",
    ),
    (
        "Donor agency",
        "home country, budget path and AR(1) deviation, allocation weights per recipient, loan share, cooperation mode m ∈ [0, 1], commitment pipeline, loans outstanding, suspension state",
    ),
    (
        "Firm",
        "country, sector, kind (domestic, foreign affiliate, joint venture), capital [USD], productivity, human capital, bilingual-staff share, training level, experience per host, bounded supplier and customer lists, inventory, operating margin",
    ),
    (
        "Partnership",
        "two firms (or a donor project and a host institution), mode (JV, supply contract, ODA project, university programme), age, per-dimension friction, trust evidence (positive, negative) and trust, cooperation mode, mitigation levels, performance, trouble flag, status",
    ),
    (
        "Institution",
        "kind (aid agency, joint university, business association, bilateral committee, training centre), pair it bridges, opening and closing quarter, capacity ramp, what it produces (graduates, liaison officers, dispute resolution)",
    ),
    (
        "Talent cohort",
        "origin, destination, programme (technical intern, specified skilled worker, student, engineer), entry quarter, people, skill gained, language level",
    ),
];

/// The ODD document of a resolved scenario (Markdown).
pub fn odd_markdown(loaded: &LoadedScenario, source: &str) -> String {
    let cfg = &loaded.config;
    let raw = &loaded.raw;
    let docs = key_docs::<RawScenario>();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# ODD description of scenario `{}`\n\n<!-- Generated by `kizuna describe` from the code's parameter docs and the resolved scenario ({source}). -->\n",
        cfg.name
    );
    out.push_str(
        "The ODD protocol (Overview, Design concepts, Details; Grimm et al. 2020, *JASSS* 23(2) 7) \
         describes the model as this scenario runs it: its entities, schedule, equations and \
         the parameter values after `extends` and `--set`.\n\n",
    );
    out.push_str(LABELS_NOTE);
    out.push_str("\n\n## 1. Purpose and patterns\n\n");
    out.push_str(
        "**Purpose.** To test, before money is spent, how ODA dependence, cultural friction and \
         mitigation mechanisms (joint training, liaison officers and bilingual documentation, \
         joint institutions, diversification of donors and suppliers, business associations, \
         co-creation as against teacher–apprentice cooperation) change the resilience of a \
         cross-cultural development partnership under shocks. Resilience is measured against \
         the same run without the shock, on the same random numbers.\n\n",
    );
    out.push_str(
        "**Patterns** for pattern-oriented validation (tested in `tests/model_patterns.rs` and \
         `tests/model_v2_patterns.rs`): P1 trust builds slowly and collapses fast (recovering \
         75 % of the trust lost in one severe event takes ≥ 3× as long as losing it); P2 an \
         early high-friction valley (without mitigation, at the Japan–Vietnam distance, about \
         2/3 of new partnerships hit serious trouble within 8 quarters, about 1/3 fail); P3 \
         mitigation shortens the valley by a modest amount (not more than about 30 % \
         relative); P4 hazard falls with prior same-country entries more than with other \
         experience; P5 cultural-distance effects are modest; P6 aid is far more volatile than \
         GDP (SD ratio about 5); P7 high donor concentration deepens aid-cut losses and slows \
         recovery, extreme fragmentation erodes capacity; P8 Vietnam's graduation trajectory \
         (ODA share of the budget roughly halves 2003–13, IDA exit end-FY17); P9 supply-chain \
         losses are mostly indirect and diversification speeds recovery; P10 talent and \
         spillover structure (backward spillovers > 0, forward ≈ 0). Which of them are \
         calibration targets and which validation targets is stated in `docs/MODEL_NOTES.md` \
         and in the tests.\n\n",
    );
    let _ = writeln!(out, "**This scenario.** {}\n", cell(&raw_description(raw)));

    out.push_str(
        "## 2. Entities, state variables and scales\n\n| Entity | State variables |\n|---|---|\n",
    );
    for (e, vars) in ENTITIES {
        let _ = writeln!(out, "| {e} | {vars} |");
    }
    let _ = writeln!(
        out,
        "\n**Scales.** One step is one quarter, from {} to {} ({} steps); space is not \
         modelled except as distance between countries (gravity trade). Replications: {}; \
         master seed {}.\n",
        cfg.start,
        cfg.end,
        cfg.steps(),
        raw.run.replications,
        cfg.seed
    );
    out.push_str("Countries in this scenario (Hofstede PDI, IDV, MAS, UAI, LTO, IVR):\n\n| Code | Name | Hofstede |\n|---|---|---|\n");
    for c in &cfg.countries {
        let h: Vec<String> = c.culture.iter().map(|v| format!("{v}")).collect();
        let proxy = if c.culture_proxy { " (proxy)" } else { "" };
        let _ = writeln!(
            out,
            "| {} | {} | {}{proxy} |",
            c.code,
            cell(&c.name),
            h.join(", ")
        );
    }
    out.push_str("\nCountry pairs (partner–donor):\n\n| Pair | Distance [km] | Initial government trust |\n|---|---|---|\n");
    for p in &cfg.pairs {
        let _ = writeln!(
            out,
            "| {} | {} | {} |",
            p.label, p.distance_km, p.gov_trust_initial
        );
    }
    out.push_str(
        "\nDonors:\n\n| Donor | Home | Budget [USD per year] | Recipients |\n|---|---|---|---|\n",
    );
    for d in &cfg.donors {
        let recips: Vec<String> = d
            .recipients
            .iter()
            .map(|r| cfg.countries[r.country.index()].code.clone())
            .collect();
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            d.code,
            cfg.countries[d.home.index()].code,
            crate::numfmt::float(d.budget_usd_per_year),
            recips.join(", ")
        );
    }
    out.push_str(
        "\nInstitutions:\n\n| Name | Kind | Pair | Opens | Closes |\n|---|---|---|---|---|\n",
    );
    for i in &cfg.institutions {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            i.name,
            snake(&i.kind),
            cfg.pairs[i.pair.index()].label,
            i.opens,
            i.closes.map_or("–".to_string(), |q| q.to_string())
        );
    }
    out.push_str("\n## 3. Process overview and scheduling\n\n");
    out.push_str(
        "Each quarter runs these phases in this fixed order; each phase reads the state the \
         previous one left, and each phase that draws random numbers uses its own stream, so \
         the order of entities inside a phase changes nobody's numbers:\n\n",
    );
    schedule_list(&mut out);

    out.push_str("## 4. Design concepts\n\n");
    out.push_str(DESIGN_CONCEPTS);
    out.push_str("\n\n## 5. Initialisation\n\n");
    let _ = writeln!(
        out,
        "The world starts in {} with the firm populations below (productivity log-normal with \
         the given mean and sd of ln productivity), the countries' Hofstede scores and initial \
         government trust per pair above, no partnerships other than those the populations \
         declare, and loans outstanding where the donors declare them. Initialisation draws \
         from its own random streams keyed by (seed, replication, entity, purpose).\n",
        cfg.start
    );
    out.push_str("| Country | Sector | Kind | Firms | mean ln productivity | sd |\n|---|---|---|---|---|---|\n");
    for f in &cfg.firm_populations {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            cfg.countries[f.country.index()].code,
            f.sector,
            snake(&f.kind),
            f.count,
            f.ln_productivity_mean,
            f.ln_productivity_sd
        );
    }
    out.push_str("\n## 6. Input data\n\n");
    let files = data_files(&loaded.doc.table.to_string());
    if files.is_empty() {
        out.push_str("The scenario names no data file: all paths come from its growth rates.\n");
    } else {
        out.push_str("Exogenous paths read from files of `data/` (GDP in current USD from the World Bank, interpolated log-linearly between mid-years, then the scenario's growth rate):\n\n");
        for f in files {
            let _ = writeln!(out, "- `{f}`");
        }
    }
    let _ = writeln!(
        out,
        "\nShocks of this scenario (each run also without it, on the same random numbers, \
         for the resilience metrics over {} quarters):\n",
        cfg.resilience_window_q
    );
    out.push_str(
        "| Id | Kind | Start | Duration [quarters] | Intensity |\n|---|---|---|---|---|\n",
    );
    for s in &cfg.shocks {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            s.id,
            crate::output::kind_label(s.kind).to_string(),
            s.start,
            s.duration_q,
            s.intensity
        );
    }
    out.push_str("\nProgrammes (mitigation levers on a three-phase timeline):\n\n| Name | Lever | Pair | Dose | Initiation | Implementation | Sustainability | End |\n|---|---|---|---|---|---|---|---|\n");
    for p in &cfg.programmes {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            p.name,
            snake(&p.lever),
            cfg.pairs[p.pair.index()].label,
            p.dose,
            p.initiation_start,
            p.implementation_start,
            p.sustainability_start,
            p.end.map_or("–".to_string(), |q| q.to_string())
        );
    }
    out.push_str("\n## 7. Submodels\n\nEach submodel with its equations (from the model code) and the parameter values this scenario uses (**bold**: set by the scenario, else the default).\n\n");
    out.push_str("Shock → channel table:\n\n");
    shock_table(&mut out);
    submodels(&mut out, &docs, Some(&cfg.params), "###");
    out
}

const DESIGN_CONCEPTS: &str = "- **Basic principles.** Cultural distance (Hofstede, Kogut–Singh) raises friction in \
partnerships; friction lowers the success odds of each quarter's interaction; outcomes build \
and destroy trust (beta reputation with forgetting, losses weigh more); trust, friction and \
profitability decide whether partnerships and affiliates survive. Aid builds public capital \
and capacity and moves government trust; gravity trade and FDI entry read GDP, distance, trust \
and friction.\n\
- **Emergence.** Country-pair trust, the FDI stock, bilateral trade, the share of partnerships \
in trouble and every resilience metric come out of the agents' interactions; none is typed into \
a scenario.\n\
- **Adaptation and objectives.** Investors enter a host when the attractiveness of the host \
(with a logistic taste shock) beats a threshold, pick joint-venture partners and suppliers as \
the best of a bounded sample, and exit when profitability stays negative or trust collapses; \
donors allocate by need, size, trust and herding.\n\
- **Learning.** Friction decays with experience (a power law in quarters, with credit for prior \
entries); trust learns from outcomes.\n\
- **Prediction.** None beyond expected returns that follow trust and aid events.\n\
- **Sensing.** Agents read last quarter's state: fill rates of suppliers, reputation (refreshed \
yearly), government trust.\n\
- **Interaction.** Within partnerships (outcomes), along supply links (orders and deliveries, one \
quarter lagged), through donors' allocation, and through sector mean fields (spillovers); no \
all-pairs loops.\n\
- **Stochasticity.** Taste shocks, interaction outcomes, hazards, sampling of partners, rounding \
of talent flows and budget deviations; every draw comes from a ChaCha8 stream addressed by \
(seed, replication, entity, purpose), so a shock does not shift the draws of unrelated \
entities and results are identical on any number of threads.\n\
- **Collectives.** Country pairs, donors' portfolios, business associations.\n\
- **Observation.** The indicators of `docs/INDICATORS.md` every quarter; resilience metrics \
(depth, recovery time, loss area, recovery ratios, bounce-forward) against the no-shock \
counterfactual; see `docs/OUTPUTS.md`.";

fn raw_description(raw: &RawScenario) -> String {
    if raw.description.trim().is_empty() {
        "no description".into()
    } else {
        raw.description.trim().to_string()
    }
}

/// A config enum as the scenario file spells it (`AidCut` → `aid_cut`).
fn snake(v: &impl std::fmt::Debug) -> String {
    crate::cli::file_spelling(&format!("{v:?}"))
}

/// `data/…` files named in the scenario text, sorted.
fn data_files(text: &str) -> Vec<String> {
    let mut v: Vec<String> = text
        .split(['"', '\''])
        .filter(|s| s.ends_with(".csv") && !s.contains('\n'))
        .map(str::to_string)
        .collect();
    v.sort();
    v.dedup();
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedule_is_read_from_the_step_function_in_order() {
        let s = schedule();
        let funcs: Vec<&str> = s.iter().map(|p| p.2.as_str()).collect();
        assert_eq!(funcs.first(), Some(&"exogenous_and_shocks"));
        assert_eq!(funcs.last(), Some(&"exits"));
        assert_eq!(s.len(), 11, "{funcs:?}");
        assert_eq!(s[0].0, "1");
    }

    #[test]
    fn module_doc_is_the_leading_doc_block() {
        assert_eq!(
            module_doc("//! A.\n//!\n//! B `x`.\nuse y;\n//! no"),
            "A.\n\nB `x`."
        );
    }

    #[test]
    fn model_document_lists_every_parameter_group_and_shock_kind() {
        let md = model_markdown();
        let groups = serde_json::to_value(Params::default()).unwrap();
        for g in groups.as_object().unwrap().keys() {
            assert!(
                md.contains(&format!("`parameters.{g}`")),
                "group {g} missing"
            );
        }
        for (kind, _, _) in crate::model::shocks::SHOCK_CHANNELS {
            assert!(md.contains(&format!("| `{kind}` |")), "{kind}");
        }
        assert!(md.contains("| `base` | φ₀: friction every partnership has whatever the distance [friction units]. | `0.05` | 0.0 to 0.5 |"));
    }
}
