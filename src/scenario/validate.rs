//! Stage 2: from the raw scenario to the core's `Config`. Every problem is collected (file, line,
//! key path, what is wrong, what is allowed) and reported at once.

use super::builtin;
use super::diagnostics::{Diagnostic, Diagnostics};
use super::document::ResolvedDocument;
use super::raw::*;
use crate::indicators;
use crate::model::config::*;
use crate::model::time::Quarter;
use crate::model::world::MAX_SUPPLIERS;
use std::path::{Path, PathBuf};

struct Ctx<'a> {
    doc: &'a ResolvedDocument,
    errors: Vec<Diagnostic>,
    start: Quarter,
    end: Quarter,
}

impl Ctx<'_> {
    fn error(
        &mut self,
        key: impl Into<String>,
        message: impl Into<String>,
        allowed: Option<String>,
    ) {
        self.errors
            .push(Diagnostic::located(self.doc, key, message, allowed));
    }

    /// Parses a quarter; with `inside`, it must fall within the horizon.
    fn quarter(&mut self, key: &str, text: &str, inside: bool) -> Option<Quarter> {
        match Quarter::parse(text) {
            None => {
                self.error(
                    key,
                    format!("'{text}' is not a quarter"),
                    Some("a quarter like 2017Q4 (year and quarter 1-4) or a year like 2017".into()),
                );
                None
            }
            Some(q) if inside && (q < self.start || q > self.end) => {
                self.error(
                    key,
                    format!("{q} is outside the horizon"),
                    Some(format!("{} to {}", self.start, self.end)),
                );
                None
            }
            Some(q) => Some(q),
        }
    }

    fn find<T>(
        &mut self,
        key: &str,
        code: &str,
        items: &[T],
        code_of: impl Fn(&T) -> &str,
        what: &str,
    ) -> Option<usize> {
        let found = items.iter().position(|i| code_of(i) == code);
        if found.is_none() {
            let known: Vec<&str> = items.iter().map(&code_of).collect();
            let allowed = if known.is_empty() {
                format!("no {what} is defined")
            } else {
                known.join(", ")
            };
            self.error(key, format!("unknown {what} '{code}'"), Some(allowed));
        }
        found
    }
}

impl Ctx<'_> {
    /// A per-step path from yearly points in a data CSV (log-linear between mid-years, `growth`
    /// after the last year). `what` names the quantity in messages ("GDP", "population").
    /// A horizon that starts before the data is refused unless `extend_back` (a stock that is
    /// continued backwards at its early growth rate, checked to stay finite and positive).
    #[allow(clippy::too_many_arguments)]
    fn data_path(
        &mut self,
        root: &Path,
        key: &str,
        file: &str,
        series: &str,
        code: &str,
        what: &str,
        steps: usize,
        growth: f64,
        extend_back: bool,
    ) -> Option<Vec<f64>> {
        let start = self.start;
        let Some((path, text)) = read_data_file(root, file) else {
            self.error(
                format!("{key}.data"),
                format!("data file '{file}' not found"),
                Some("a CSV next to the scenario, in data/, or a built-in data file".into()),
            );
            return None;
        };
        match read_series(&text, series, code) {
            Err(e) => {
                self.error(
                    format!("{key}.data"),
                    format!("cannot read {}: {e}", path.display()),
                    None,
                );
                None
            }
            Ok(points) if points.is_empty() => {
                self.error(
                    format!("{key}.series"),
                    format!("no '{series}' rows for {code} in {}", path.display()),
                    Some("a series and country present in the file".into()),
                );
                None
            }
            Ok(points) if points.iter().any(|p| p.1 <= 0.0) => {
                self.error(
                    format!("{key}.data"),
                    format!("{what} values must be positive"),
                    None,
                );
                None
            }
            Ok(points) if start.year() < points[0].0 && !extend_back => {
                // Before the data the path is extrapolated backwards at the early
                // growth rate, which overflows far enough back.
                self.error(
                    "horizon.start",
                    format!(
                        "{start} is before the {what} data of {code} (from {} in {})",
                        points[0].0,
                        path.display()
                    ),
                    Some(format!(
                        "{}Q1 or later (a horizon the {what} data cover, continued to at most 1000 years)",
                        points[0].0
                    )),
                );
                None
            }
            Ok(points) => {
                let path = quarterly_path(&points, start, steps, growth);
                // Paths that only extend forwards are checked where they are used.
                if !extend_back || path.iter().all(|x| x.is_finite() && *x > 0.0) {
                    Some(path)
                } else {
                    self.error(
                        format!("{key}.data"),
                        format!(
                            "the {what} path of {code} leaves the finite positive numbers within the horizon"
                        ),
                        Some("a horizon closer to the data or a smaller growth rate".into()),
                    );
                    None
                }
            }
        }
    }

    /// GDP path of a country or competing origin.
    fn gdp_path(
        &mut self,
        root: &Path,
        key: &str,
        gdp: &RawGdp,
        code: &str,
        steps: usize,
    ) -> Option<Vec<f64>> {
        match (&gdp.data, gdp.start_usd_per_year) {
            (Some(file), _) => {
                let series = gdp
                    .series
                    .clone()
                    .unwrap_or_else(|| "gdp_current_usd".into());
                self.data_path(
                    root,
                    &format!("{key}.gdp"),
                    file,
                    &series,
                    code,
                    "GDP",
                    steps,
                    gdp.growth_per_year,
                    false,
                )
            }
            (None, Some(v)) => Some(
                (0..steps)
                    .map(|s| v * (1.0 + gdp.growth_per_year).powf(s as f64 / 4.0))
                    .collect(),
            ),
            (None, None) => {
                self.error(
                    format!("{key}.gdp"),
                    "no GDP path",
                    Some("either `data` (a CSV file) or `start_usd_per_year`".into()),
                );
                None
            }
        }
    }

    /// An origin's network in the alternative destinations (`emigrants_elsewhere`): a stock
    /// path whose data may start after the horizon does (continued backwards).
    fn emigrants_elsewhere_path(
        &mut self,
        root: &Path,
        key: &str,
        spec: &RawPopulation,
        code: &str,
        steps: usize,
    ) -> Option<Vec<f64>> {
        self.population_path(
            root,
            &format!("{key}.emigrants_elsewhere"),
            spec,
            "emigrants_elsewhere",
            code,
            "emigrant stock",
            steps,
            true,
        )
    }

    /// Population path (total or working-age) from data or a start value and growth.
    #[allow(clippy::too_many_arguments)]
    fn population_path(
        &mut self,
        root: &Path,
        key: &str,
        pop: &RawPopulation,
        default_series: &str,
        code: &str,
        what: &str,
        steps: usize,
        extend_back: bool,
    ) -> Option<Vec<f64>> {
        match (&pop.data, pop.start) {
            (Some(file), _) => {
                let series = pop.series.clone().unwrap_or_else(|| default_series.into());
                self.data_path(
                    root,
                    key,
                    file,
                    &series,
                    code,
                    what,
                    steps,
                    pop.growth_per_year,
                    extend_back,
                )
            }
            (None, Some(v)) => Some(
                (0..steps)
                    .map(|s| v * (1.0 + pop.growth_per_year).powf(s as f64 / 4.0))
                    .collect(),
            ),
            (None, None) => {
                self.error(
                    key.to_string(),
                    format!("no {what} path"),
                    Some("either `data` (a CSV file) or `start`".into()),
                );
                None
            }
        }
    }
}

/// Annual data points (year, value) of `series` for `country` in a shared/data style CSV.
pub fn read_series(text: &str, series: &str, country: &str) -> Result<Vec<(i32, f64)>, String> {
    let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|e| e.to_string())?.clone();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .ok_or(format!("missing column '{name}'"))
    };
    let (cs, cc, cy, cv) = (
        col("series")?,
        col("country_pair")?,
        col("year")?,
        col("value")?,
    );
    let mut out = Vec::new();
    for (line, record) in reader.records().enumerate() {
        let r = record.map_err(|e| format!("line {}: {e}", line + 2))?;
        if r.get(cs) == Some(series) && r.get(cc) == Some(country) {
            let year = r
                .get(cy)
                .and_then(|y| y.parse().ok())
                .ok_or(format!("line {}: bad year", line + 2))?;
            let value = r
                .get(cv)
                .and_then(|v| v.parse().ok())
                .ok_or(format!("line {}: bad value", line + 2))?;
            out.push((year, value));
        }
    }
    out.sort_by_key(|p| p.0);
    Ok(out)
}

/// Quarterly path from annual values: log-linear between mid-years, growth outside the data.
pub fn quarterly_path(
    points: &[(i32, f64)],
    start: Quarter,
    steps: usize,
    growth_per_year: f64,
) -> Vec<f64> {
    let g_q = (1.0 + growth_per_year).ln() / 4.0;
    (0..steps)
        .map(|s| {
            let t = start.plus(s as i32).mid_year();
            let first = points[0];
            let last = points[points.len() - 1];
            let at = |p: (i32, f64)| p.0 as f64 + 0.5;
            if t <= at(first) {
                let g = if points.len() > 1 {
                    (points[1].1 / first.1).ln() / (at(points[1]) - at(first))
                } else {
                    4.0 * g_q
                };
                first.1 * (g * (t - at(first))).exp()
            } else if t >= at(last) {
                last.1 * (4.0 * g_q * (t - at(last))).exp()
            } else {
                let i = points.iter().rposition(|p| at(*p) <= t).unwrap_or(0);
                let (a, b) = (points[i], points[i + 1]);
                let w = (t - at(a)) / (at(b) - at(a));
                (a.1.ln() * (1.0 - w) + b.1.ln() * w).exp()
            }
        })
        .collect()
}

/// Finds a data file: next to the scenario, in `data/` beside it or its parent, in `./data`,
/// then among the built-in data files.
pub fn read_data_file(scenario: &Path, name: &str) -> Option<(PathBuf, String)> {
    let dir = scenario.parent().map(Path::to_path_buf).unwrap_or_default();
    let candidates = [
        dir.join(name),
        dir.join("data").join(name),
        dir.join("..").join("data").join(name),
        PathBuf::from("data").join(name),
    ];
    for c in candidates {
        if let Ok(text) = std::fs::read_to_string(&c) {
            return Some((c, text));
        }
    }
    builtin::data(name).map(|t| {
        (
            PathBuf::from(format!("<builtin>/data/{name}")),
            t.to_string(),
        )
    })
}

/// Why `name` cannot be the default output directory `output/<name>/`, if it cannot: it must
/// be one plain file name, so that no name reaches outside `output/` or replaces it.
pub fn output_name_problem(name: &str) -> Option<String> {
    if name.is_empty() {
        return Some("empty name".into());
    }
    if name.starts_with('.') {
        return Some(format!("'{name}' starts with '.'"));
    }
    if let Some(c) = name.chars().find(|c| {
        matches!(c, '/' | '\\' | ':' | '<' | '>' | '"' | '|' | '?' | '*') || c.is_control()
    }) {
        return Some(format!(
            "'{}' contains {c:?}, so it is not a plain file name",
            name.escape_debug()
        ));
    }
    if name.len() > 200 {
        return Some(format!("name is {} bytes long", name.len()));
    }
    None
}

/// What a scenario name may be (for messages).
pub const NAME_ALLOWED: &str = "a plain file name (it names the output directory output/<name>/): not empty, not starting with '.', without / \\ : < > \" | ? * or control characters, at most 200 bytes";

/// Reports every element of `items` whose code repeats an earlier one.
fn check_unique<T>(
    cx: &mut Ctx,
    list: &str,
    field: &str,
    what: &str,
    items: &[T],
    code_of: impl Fn(&T) -> &str,
) {
    for (i, item) in items.iter().enumerate() {
        let code = code_of(item);
        if items[..i].iter().any(|o| code_of(o) == code) {
            cx.error(
                format!("{list}[{i}].{field}"),
                format!("duplicate {what} {field} '{code}'"),
                Some(format!("unique {field}s")),
            );
        }
    }
}

pub fn to_config(raw: &RawScenario, doc: &ResolvedDocument) -> Result<Config, Diagnostics> {
    let mut cx = Ctx {
        doc,
        errors: Vec::new(),
        start: Quarter(0),
        end: Quarter(0),
    };
    if let Some(problem) = output_name_problem(&raw.name) {
        cx.error("name", problem, Some(NAME_ALLOWED.into()));
    }
    check_unique(&mut cx, "donors", "code", "donor", &raw.donors, |d| &d.code);
    check_unique(
        &mut cx,
        "institutions",
        "code",
        "institution",
        &raw.institutions,
        |d| &d.code,
    );
    check_unique(
        &mut cx,
        "firms",
        "code",
        "firm population",
        &raw.firms,
        |d| &d.code,
    );
    check_unique(
        &mut cx,
        "programmes",
        "code",
        "programme",
        &raw.programmes,
        |d| &d.code,
    );
    let start = cx.quarter("horizon.start", &raw.horizon.start, false);
    let end = cx.quarter("horizon.end", &raw.horizon.end, false);
    let (Some(start), Some(end)) = (start, end) else {
        return Err(Diagnostics(cx.errors));
    };
    if end < start {
        cx.error(
            "horizon.end",
            format!("ends ({end}) before it starts ({start})"),
            Some("an end quarter at or after horizon.start".into()),
        );
        return Err(Diagnostics(cx.errors));
    }
    if end.since(start) >= 4000 {
        cx.error(
            "horizon.end",
            "horizon longer than 1000 years",
            Some("at most 4000 quarters".into()),
        );
        return Err(Diagnostics(cx.errors));
    }
    cx.start = start;
    cx.end = end;
    let steps = (end.since(start) + 1) as usize;
    let root = doc.root_path();

    // Countries.
    let mut working_age: Vec<(usize, Vec<f64>, f64)> = Vec::new();
    let mut blocks: Vec<String> = Vec::new();
    let mut countries = Vec::new();
    for (i, c) in raw.countries.iter().enumerate() {
        let key = format!("countries[{i}]");
        if raw.countries[..i].iter().any(|o| o.code == c.code) {
            cx.error(
                format!("{key}.code"),
                format!("duplicate country code '{}'", c.code),
                Some("unique codes".into()),
            );
        }
        let block = if c.block.is_empty() {
            format!("__{}", c.code)
        } else {
            c.block.clone()
        };
        let block_id = blocks.iter().position(|b| *b == block).unwrap_or_else(|| {
            blocks.push(block.clone());
            blocks.len() - 1
        });
        let gdp = cx.gdp_path(&root, &key, &c.gdp, &c.code, steps);
        let population = cx
            .population_path(
                &root,
                &format!("{key}.population"),
                &c.population,
                "population",
                &c.code,
                "population",
                steps,
                false,
            )
            .unwrap_or_else(|| vec![1.0; steps]);
        if let Some(wap) = &c.working_age_population {
            if let Some(path) = cx.population_path(
                &root,
                &format!("{key}.working_age_population"),
                wap,
                "working_age_population",
                &c.code,
                "working-age population",
                steps,
                false,
            ) {
                let peak = path.iter().cloned().fold(0.0, f64::max);
                working_age.push((i, path, peak));
            } else {
                // Already reported; a placeholder keeps the talent entries from adding
                // follow-on errors about a missing path.
                working_age.push((i, vec![1.0; steps], 1.0));
            }
        }
        let finite = |v: &[f64]| v.iter().all(|x| x.is_finite() && *x > 0.0);
        if gdp.as_deref().is_some_and(|g| !finite(g)) || !finite(&population) {
            cx.error(
                "horizon.end",
                format!(
                    "the GDP or population path of {} leaves the finite positive numbers within {start} to {end}",
                    c.code
                ),
                Some("a shorter horizon or smaller growth rates".into()),
            );
        }
        let k = &c.culture;
        countries.push(CountryConfig {
            code: c.code.clone(),
            name: if c.name.is_empty() {
                c.code.clone()
            } else {
                c.name.clone()
            },
            culture: [k.pdi, k.idv, k.mas, k.uai, k.lto, k.ivr],
            culture_proxy: c.culture_proxy,
            block: block_id as u16,
            gdp_usd_per_year: gdp.unwrap_or_else(|| vec![1.0; steps]),
            population,
            wage_to_gdp_per_capita: c.wage_to_gdp_per_capita,
            capacity_initial: c.capacity_initial,
            capacity_floor: c.capacity_floor,
            public_investment_gdp_share: c.public_investment_gdp_share,
        });
    }
    if raw.countries.is_empty() {
        cx.error(
            "countries",
            "no countries",
            Some("at least two countries".into()),
        );
    }
    let country_codes: Vec<String> = raw.countries.iter().map(|c| c.code.clone()).collect();
    let find_country = |cx: &mut Ctx, key: &str, code: &str| {
        cx.find(key, code, &country_codes, |s| s.as_str(), "country")
            .map(|i| CountryId(i as u16))
    };

    // Pairs.
    let mut pairs = Vec::new();
    for (i, p) in raw.pairs.iter().enumerate() {
        let key = format!("pairs[{i}]");
        let partner = find_country(&mut cx, &format!("{key}.partner"), &p.partner);
        let donor = find_country(&mut cx, &format!("{key}.donor"), &p.donor);
        if raw.pairs[..i].iter().any(|o| o.code == p.code) {
            cx.error(
                format!("{key}.code"),
                format!("duplicate pair code '{}'", p.code),
                Some("unique codes".into()),
            );
        }
        if p.partner == p.donor {
            cx.error(
                format!("{key}.donor"),
                "a pair needs two different countries",
                None,
            );
        }
        if let (Some(partner), Some(donor)) = (partner, donor) {
            pairs.push(PairConfig {
                partner,
                donor,
                label: p.code.clone(),
                distance_km: p.distance_km,
                gov_trust_initial: p.gov_trust_initial,
            });
        }
    }
    if raw.pairs.is_empty() {
        cx.error(
            "pairs",
            "no country pairs",
            Some(
                "at least one pair, e.g. code = \"VNM-JPN\", partner = \"VNM\", donor = \"JPN\""
                    .into(),
            ),
        );
    }
    if raw.pairs.len() > 64 {
        cx.error("pairs", "too many pairs", Some("at most 64".into()));
    }
    let pair_codes: Vec<String> = raw.pairs.iter().map(|p| p.code.clone()).collect();
    let find_pair = |cx: &mut Ctx, key: &str, code: &str| {
        cx.find(key, code, &pair_codes, |s| s.as_str(), "pair")
            .map(|i| PairId(i as u16))
    };

    // Donors.
    let mut donors = Vec::new();
    for (i, d) in raw.donors.iter().enumerate() {
        let key = format!("donors[{i}]");
        let home = find_country(&mut cx, &format!("{key}.home"), &d.home);
        if d.recipients.len() > 32 {
            cx.error(
                format!("{key}.recipients"),
                "too many recipients",
                Some("at most 32".into()),
            );
        }
        let mut recipients = Vec::new();
        for (j, r) in d.recipients.iter().enumerate() {
            let rk = format!("{key}.recipients[{j}]");
            let country = find_country(&mut cx, &format!("{rk}.country"), &r.country);
            let from = match &r.eligible_from {
                Some(t) => cx.quarter(&format!("{rk}.eligible_from"), t, false),
                None => Some(start),
            };
            let graduation = r.graduation.as_ref().map(|g| GraduationRule {
                gni_per_capita_usd: g.gni_per_capita_usd,
                quarters_above: g.quarters_above,
                transition_q: g.transition_quarters,
                residual_eligibility: g.residual_eligibility,
            });
            let eligibility = (0..steps)
                .map(|s| {
                    let q = start.plus(s as i32);
                    if from.is_some_and(|f| q < f) {
                        0.0
                    } else {
                        1.0
                    }
                })
                .collect();
            if let Some(country) = country {
                recipients.push(DonorRecipient {
                    country,
                    strategic_weight: r.strategic_weight,
                    eligibility,
                    graduation,
                    outstanding_loans_usd: r.outstanding_loans_usd,
                    initial_pipeline_usd: r.initial_pipeline_usd,
                });
            }
        }
        if let Some(home) = home {
            donors.push(DonorConfig {
                code: d.code.clone(),
                home,
                budget_usd_per_year: d.budget_usd_per_year,
                other_recipients_weight: d.other_recipients_weight,
                recipients,
                loan_share: d.loan_share,
                cooperation_mode: d.cooperation_mode,
                budget_volatility: d.budget_volatility,
            });
        }
    }
    let donor_codes: Vec<String> = raw.donors.iter().map(|d| d.code.clone()).collect();

    // Institutions.
    let mut institutions = Vec::new();
    for (i, inst) in raw.institutions.iter().enumerate() {
        let key = format!("institutions[{i}]");
        let pair = find_pair(&mut cx, &format!("{key}.pair"), &inst.pair);
        let opens = cx.quarter(&format!("{key}.opens"), &inst.opens, false);
        let closes = inst
            .closes
            .as_ref()
            .and_then(|c| cx.quarter(&format!("{key}.closes"), c, false));
        if let (Some(o), Some(c)) = (opens, closes) {
            if c <= o {
                cx.error(
                    format!("{key}.closes"),
                    format!("closes ({c}) before it opens ({o})"),
                    Some("a quarter after `opens`".into()),
                );
            }
        }
        if let (Some(pair), Some(opens)) = (pair, opens) {
            institutions.push(InstitutionConfig {
                name: inst.code.clone(),
                kind: match inst.kind {
                    RawInstitutionKind::JointUniversity => InstitutionKind::JointUniversity,
                    RawInstitutionKind::BusinessAssociation => InstitutionKind::BusinessAssociation,
                    RawInstitutionKind::BilateralCommittee => InstitutionKind::BilateralCommittee,
                    RawInstitutionKind::TrainingCentre => InstitutionKind::TrainingCentre,
                },
                pair,
                opens,
                closes,
                ramp_q: inst.ramp_quarters,
                graduates_per_q: inst.graduates_per_quarter,
                membership_share: inst.membership_share,
                dispute_resolution: inst.dispute_resolution,
                training_dose: inst.training_dose,
                dialogue_per_q: inst.dialogue_per_quarter,
            });
        }
    }

    // Firms.
    let mut sectors: Vec<String> = Vec::new();
    let mut firm_populations = Vec::new();
    let mut total_firms: u64 = 0;
    for (i, f) in raw.firms.iter().enumerate() {
        let key = format!("firms[{i}]");
        let country = find_country(&mut cx, &format!("{key}.country"), &f.country);
        let sector = sectors
            .iter()
            .position(|s| *s == f.sector)
            .unwrap_or_else(|| {
                sectors.push(f.sector.clone());
                sectors.len() - 1
            });
        total_firms += f.count as u64;
        if let Some(country) = country {
            if f.kind == RawFirmKind::Investor && !raw.pairs.iter().any(|p| p.donor == f.country) {
                cx.error(
                    format!("{key}.kind"),
                    format!(
                        "investors in {} have no host: no pair has donor = \"{}\"",
                        f.country, f.country
                    ),
                    Some("domestic, or add a pair with this country as donor".into()),
                );
            }
            firm_populations.push(FirmPopulation {
                country,
                sector: sector as u16,
                kind: match f.kind {
                    RawFirmKind::Domestic => FirmKind::Domestic,
                    RawFirmKind::Investor => FirmKind::Investor,
                },
                count: f.count,
                ln_productivity_mean: f.ln_productivity_mean,
                ln_productivity_sd: f.ln_productivity_sd,
                human_capital_mean: f.human_capital_mean,
                capital_usd_median: f.capital_usd_median,
                capital_sigma: f.capital_sigma,
                bilingual_share: f.bilingual_share,
            });
        }
    }
    if total_firms > 20_000_000 {
        cx.error(
            "firms",
            format!("{total_firms} firms in all"),
            Some("at most 20,000,000".into()),
        );
    }
    if sectors.len() > 64 {
        cx.error("firms", "too many sectors", Some("at most 64".into()));
    }

    // Programmes.
    let mut programmes = Vec::new();
    for (i, p) in raw.programmes.iter().enumerate() {
        let key = format!("programmes[{i}]");
        let pair = find_pair(&mut cx, &format!("{key}.pair"), &p.pair);
        let initiation = cx.quarter(&format!("{key}.start"), &p.start, false);
        let implementation = match &p.implementation_start {
            Some(t) => cx.quarter(&format!("{key}.implementation_start"), t, false),
            None => initiation,
        };
        let sustainability = match &p.sustainability_start {
            Some(t) => cx.quarter(&format!("{key}.sustainability_start"), t, false),
            None => implementation,
        };
        let end_q = p
            .end
            .as_ref()
            .and_then(|t| cx.quarter(&format!("{key}.end"), t, false));
        if let (Some(a), Some(b)) = (initiation, implementation) {
            if b < a {
                cx.error(format!("{key}.implementation_start"), format!("{b} is before the programme starts ({a})"), Some("phases in order: start ≤ implementation_start ≤ sustainability_start < end".into()));
            }
        }
        if let (Some(b), Some(c)) = (implementation, sustainability) {
            if c < b {
                cx.error(format!("{key}.sustainability_start"), format!("{c} is before implementation starts ({b})"), Some("phases in order: start ≤ implementation_start ≤ sustainability_start < end".into()));
            }
        }
        if let (Some(a), Some(e)) = (initiation, end_q) {
            if e <= a {
                cx.error(
                    format!("{key}.end"),
                    format!("{e} is not after the start ({a})"),
                    Some("an end after `start`".into()),
                );
            }
        }
        let funder = pair.and_then(|pair| {
            let pc = &raw.pairs[pair.index()];
            match p.funded_by.as_deref() {
                Some("host") => Some(None),
                Some(code) => cx
                    .find(
                        &format!("{key}.funded_by"),
                        code,
                        &donor_codes,
                        |s| s.as_str(),
                        "donor (or \"host\")",
                    )
                    .map(Some),
                None => Some(raw.donors.iter().position(|d| d.home == pc.donor)),
            }
            .and_then(|d| match d {
                Some(d) => Some(Funder::Donor(DonorId(d as u16))),
                None => country_codes
                    .iter()
                    .position(|c| c == &pc.partner)
                    .map(|c| Funder::Host(CountryId(c as u16))),
            })
        });
        if let (Some(pair), Some(a), Some(b), Some(c), Some(funder)) =
            (pair, initiation, implementation, sustainability, funder)
        {
            programmes.push(ProgrammeConfig {
                funder,
                name: p.code.clone(),
                lever: match p.lever {
                    RawLever::JointTraining => Lever::JointTraining,
                    RawLever::Liaison => Lever::Liaison,
                    RawLever::CooperationMode => Lever::CooperationMode,
                    RawLever::Diversification => Lever::Diversification,
                },
                pair,
                dose: p.dose,
                initiation_start: a,
                implementation_start: b,
                sustainability_start: c,
                end: end_q,
                decay_after_end_per_q: p.decay_after_end_per_quarter,
                cost_usd_per_q: p.cost_usd_per_quarter,
            });
        }
    }

    // Talent: destinations (working-age population and rules), then origins (pairs, competitors).
    let to_programme = |p: RawTalentProgramme| match p {
        RawTalentProgramme::TechnicalIntern => TalentProgramme::TechnicalIntern,
        RawTalentProgramme::SpecifiedSkilledWorker => TalentProgramme::SpecifiedSkilledWorker,
        RawTalentProgramme::Student => TalentProgramme::Student,
        RawTalentProgramme::Engineer => TalentProgramme::Engineer,
    };
    let mut talent_destinations: Vec<TalentDestinationConfig> = Vec::new();
    for (i, r) in raw.talent_rules.iter().enumerate() {
        let key = format!("talent_rules[{i}]");
        let Some(country) = find_country(&mut cx, &format!("{key}.destination"), &r.destination)
        else {
            continue;
        };
        let programme = to_programme(r.programme) as usize;
        let d = match talent_destinations
            .iter()
            .position(|d| d.country == country)
        {
            Some(d) => d,
            None => {
                let Some((_, path, peak)) =
                    working_age.iter().find(|(c, _, _)| *c == country.index())
                else {
                    cx.error(
                        format!("{key}.destination"),
                        format!("{} has no working-age population path", r.destination),
                        Some(
                            "`working_age_population = { data = \"working_age_population.csv\" }` on the country"
                                .into(),
                        ),
                    );
                    continue;
                };
                talent_destinations.push(TalentDestinationConfig {
                    country,
                    working_age_population: path.clone(),
                    working_age_peak: *peak,
                    regimes: Default::default(),
                });
                talent_destinations.len() - 1
            }
        };
        if !talent_destinations[d].regimes[programme].is_empty() {
            cx.error(
                format!("{key}.programme"),
                "this programme already has rules for the destination",
                Some("one entry per destination and programme".into()),
            );
            continue;
        }
        if r.regimes.is_empty() {
            cx.error(
                format!("{key}.regimes"),
                "no regimes",
                Some("at least one regime with `from`".into()),
            );
        }
        let mut regimes: Vec<TalentRegime> = Vec::new();
        for (j, g) in r.regimes.iter().enumerate() {
            let rk = format!("{key}.regimes[{j}]");
            if let Some(from) = cx.quarter(&format!("{rk}.from"), &g.from, false) {
                if regimes.last().is_some_and(|prev| prev.from >= from) {
                    cx.error(
                        format!("{rk}.from"),
                        format!("{from} is not after the previous regime"),
                        Some("regimes in date order".into()),
                    );
                }
                regimes.push(TalentRegime {
                    from,
                    name: g.name.clone(),
                    max_stay_q: g.max_stay_quarters,
                    cap_per_q: g.cap_per_quarter,
                    employer_mobility: g.employer_mobility,
                    fee_cap_usd: g.fee_cap_usd,
                    language_prep_q: g.language_prep_quarters,
                    ramp_q: g.ramp_quarters,
                });
            }
        }
        talent_destinations[d].regimes[programme] = regimes;
    }
    let destination_of = |country: CountryId| {
        talent_destinations
            .iter()
            .position(|d| d.country == country)
    };
    let mut talent_origins: Vec<TalentOriginConfig> = pairs
        .iter()
        .enumerate()
        .map(|(p, pc): (usize, &PairConfig)| TalentOriginConfig {
            label: pc.label.clone(),
            destination: destination_of(pc.donor),
            pair: Some(PairId(p as u16)),
            income_per_capita_usd: Vec::new(),
            wage_to_gdp_per_capita: 0.0,
            population: Vec::new(),
            settled_initial: raw.pairs[p].settled_residents_initial,
            emigrants_elsewhere: Vec::new(),
            programmes: Default::default(),
        })
        .collect();
    for (p, pc) in pairs.iter().enumerate() {
        if let Some(spec) = &raw.pairs[p].emigrants_elsewhere {
            let code = &countries[pc.partner.index()].code;
            talent_origins[p].emigrants_elsewhere = cx
                .emigrants_elsewhere_path(&root, &format!("pairs[{p}]"), spec, code, steps)
                .unwrap_or_default();
        }
    }
    for (i, t) in raw.talent.iter().enumerate() {
        let key = format!("talent[{i}]");
        let Some(pair) = find_pair(&mut cx, &format!("{key}.pair"), &t.pair) else {
            continue;
        };
        let programme = to_programme(t.programme) as usize;
        // A pair that failed validation has no origin entry (its error is already reported).
        let Some(origin) = talent_origins.get_mut(pair.index()) else {
            continue;
        };
        if origin.programmes[programme].is_some() {
            cx.error(
                format!("{key}.programme"),
                "this programme is already defined for the pair",
                Some("one entry per pair and programme".into()),
            );
            continue;
        }
        if origin
            .destination
            .is_none_or(|d| talent_destinations[d].regimes[programme].is_empty())
        {
            cx.error(
                format!("{key}.programme"),
                format!(
                    "the pair's destination {} has no rules for this programme",
                    pairs[pair.index()].label
                ),
                Some("a [[talent_rules]] entry for the donor country and programme".into()),
            );
            continue;
        }
        origin.programmes[programme] = Some(OriginProgramme {
            fee_usd: t.fee_usd,
            initial_stock: t.initial_stock,
        });
    }
    for (i, t) in raw.talent_origins.iter().enumerate() {
        let key = format!("talent_origins[{i}]");
        if raw.talent_origins[..i]
            .iter()
            .any(|o| o.code == t.code && o.destination == t.destination)
        {
            cx.error(
                format!("{key}.code"),
                format!("duplicate talent origin '{}' for {}", t.code, t.destination),
                Some("one entry per origin and destination".into()),
            );
        }
        let Some(country) = find_country(&mut cx, &format!("{key}.destination"), &t.destination)
        else {
            continue;
        };
        let Some(d) = destination_of(country) else {
            cx.error(
                format!("{key}.destination"),
                format!("{} has no talent rules", t.destination),
                Some("a [[talent_rules]] entry for this destination".into()),
            );
            continue;
        };
        let gdp = cx.gdp_path(&root, &key, &t.gdp, &t.code, steps);
        let population = cx.population_path(
            &root,
            &format!("{key}.population"),
            &t.population,
            "population",
            &t.code,
            "population",
            steps,
            false,
        );
        let emigrants_elsewhere = match &t.emigrants_elsewhere {
            Some(spec) => cx.emigrants_elsewhere_path(&root, &key, spec, &t.code, steps),
            None => Some(Vec::new()),
        };
        let (Some(gdp), Some(population), Some(emigrants_elsewhere)) =
            (gdp, population, emigrants_elsewhere)
        else {
            continue;
        };
        let income_per_capita = gdp
            .iter()
            .zip(&population)
            .map(|(g, p)| g / p.max(1.0))
            .collect::<Vec<_>>();
        let wage_finite = income_per_capita
            .iter()
            .all(|y| (t.wage_to_gdp_per_capita * y).is_finite());
        if !wage_finite
            || !population
                .iter()
                .chain(&income_per_capita)
                .all(|x| x.is_finite() && *x > 0.0)
        {
            cx.error(
                "horizon.end",
                format!(
                    "the GDP or population path of {} leaves the finite positive numbers within {start} to {end}",
                    t.code
                ),
                Some("a shorter horizon or smaller growth rates".into()),
            );
            continue;
        }
        let mut programmes: [Option<OriginProgramme>; 4] = Default::default();
        for (j, op) in t.programmes.iter().enumerate() {
            let k = to_programme(op.programme) as usize;
            if programmes[k].is_some() || talent_destinations[d].regimes[k].is_empty() {
                cx.error(
                    format!("{key}.programmes[{j}].programme"),
                    "programme repeated or without rules at the destination",
                    Some("each programme once, with [[talent_rules]] at the destination".into()),
                );
                continue;
            }
            programmes[k] = Some(OriginProgramme {
                fee_usd: op.fee_usd,
                initial_stock: op.initial_stock,
            });
        }
        talent_origins.push(TalentOriginConfig {
            label: format!("{}-{}", t.code, t.destination),
            destination: Some(d),
            pair: None,
            population,
            income_per_capita_usd: income_per_capita,
            wage_to_gdp_per_capita: t.wage_to_gdp_per_capita,
            settled_initial: t.settled_residents_initial,
            emigrants_elsewhere,
            programmes,
        });
    }

    // Shocks.
    let mut shocks = Vec::new();
    for (i, s) in raw.shocks.iter().enumerate() {
        let key = format!("shocks[{i}]");
        if raw.shocks[..i].iter().any(|o| o.id == s.id) {
            cx.error(
                format!("{key}.id"),
                format!("duplicate shock id '{}'", s.id),
                Some("unique ids".into()),
            );
        }
        let start_q = cx.quarter(&format!("{key}.start"), &s.start, true);
        let t = &s.target;
        let tk = format!("{key}.target");
        let kind = match s.kind {
            RawShockKind::GeopoliticalCrisis => ShockKind::GeopoliticalCrisis,
            RawShockKind::SupplyChainDisruption => ShockKind::SupplyChainDisruption,
            RawShockKind::AidCut => ShockKind::AidCut,
            RawShockKind::AidSuspension => ShockKind::AidSuspension,
            RawShockKind::ExchangeRate => ShockKind::ExchangeRate,
            RawShockKind::Scandal => ShockKind::Scandal,
        };
        let allowed_targets = match kind {
            ShockKind::GeopoliticalCrisis | ShockKind::Scandal => "target = { pair = \"...\" }",
            ShockKind::SupplyChainDisruption => {
                "target = { country = \"...\" } or { pair = \"...\" } (hits the partner)"
            }
            ShockKind::AidCut => "target = { donor = \"...\" }",
            ShockKind::AidSuspension => {
                "target = { donor = \"...\" }, { donor = \"...\", recipient = \"...\" }, { pair = \"...\" } or { country = \"...\" }"
            }
            ShockKind::ExchangeRate => "target = { country = \"...\" }",
        };
        let target = match (&t.pair, &t.country, &t.donor, &t.recipient) {
            (Some(p), None, None, None) => {
                find_pair(&mut cx, &format!("{tk}.pair"), p).map(ShockTarget::Pair)
            }
            (None, Some(c), None, None) => {
                find_country(&mut cx, &format!("{tk}.country"), c).map(ShockTarget::Country)
            }
            (None, None, Some(d), None) => cx
                .find(
                    &format!("{tk}.donor"),
                    d,
                    &donor_codes,
                    |s| s.as_str(),
                    "donor",
                )
                .map(|d| ShockTarget::Donor(DonorId(d as u16))),
            (None, None, Some(d), Some(r)) => {
                let d = cx.find(
                    &format!("{tk}.donor"),
                    d,
                    &donor_codes,
                    |s| s.as_str(),
                    "donor",
                );
                let r = find_country(&mut cx, &format!("{tk}.recipient"), r);
                d.zip(r)
                    .map(|(d, r)| ShockTarget::DonorRecipient(DonorId(d as u16), r))
            }
            _ => {
                cx.error(
                    tk.clone(),
                    "a shock needs exactly one target",
                    Some(allowed_targets.into()),
                );
                None
            }
        };
        let fits = match (kind, target) {
            (_, None) => true,
            (ShockKind::GeopoliticalCrisis | ShockKind::Scandal, Some(ShockTarget::Pair(_))) => {
                true
            }
            (
                ShockKind::SupplyChainDisruption,
                Some(ShockTarget::Country(_) | ShockTarget::Pair(_)),
            ) => true,
            (ShockKind::AidCut, Some(ShockTarget::Donor(_))) => true,
            (ShockKind::AidSuspension, Some(_)) => true,
            (ShockKind::ExchangeRate, Some(ShockTarget::Country(_))) => true,
            _ => false,
        };
        if !fits {
            cx.error(
                tk.clone(),
                format!("this target does not fit a {:?} shock", s.kind).to_lowercase(),
                Some(allowed_targets.into()),
            );
        }
        if kind == ShockKind::AidCut && s.intensity >= 1.0 {
            cx.error(
                format!("{key}.intensity"),
                format!(
                    "an aid cut of {} would cut more than the whole budget",
                    s.intensity
                ),
                Some("a share from 0 to 0.99".into()),
            );
        }
        if let (Some(start_q), Some(target), true) = (start_q, target, fits) {
            shocks.push(ShockConfig {
                id: s.id.clone(),
                kind,
                target,
                start: start_q,
                duration_q: s.duration_quarters,
                intensity: s.intensity,
                ramp_q: s.ramp_quarters,
                affected_share: s.affected_share,
                talent_inflow_cut: s.talent_inflow_cut,
                measure_resilience: s.measure_resilience,
            });
        }
    }

    // Events.
    let mut events = Vec::new();
    for (i, e) in raw.events.iter().enumerate() {
        let key = format!("events[{i}]");
        let pair = find_pair(&mut cx, &format!("{key}.pair"), &e.pair);
        let at = cx.quarter(&format!("{key}.at"), &e.at, true);
        if let (Some(pair), Some(at)) = (pair, at) {
            events.push(GovEvent {
                pair,
                at,
                steps: e.steps,
                label: e.label.clone(),
            });
        }
    }

    // Parameters that constrain each other.
    let sp = &raw.parameters.supply;
    if sp.suppliers_max as usize > MAX_SUPPLIERS || sp.suppliers_per_affiliate > sp.suppliers_max {
        cx.error(
            "parameters.supply.suppliers_max",
            format!(
                "suppliers_per_affiliate {} and suppliers_max {}",
                sp.suppliers_per_affiliate, sp.suppliers_max
            ),
            Some(format!(
                "suppliers_per_affiliate ≤ suppliers_max ≤ {MAX_SUPPLIERS}"
            )),
        );
    }
    if raw.parameters.aid.disbursement_rate_at_k1 < raw.parameters.aid.disbursement_rate_at_k0 {
        cx.error(
            "parameters.aid.disbursement_rate_at_k1",
            "disbursement is slower at full capacity than at none",
            Some("disbursement_rate_at_k1 ≥ disbursement_rate_at_k0".into()),
        );
    }

    // Resilience indicators.
    let origin_codes: Vec<String> = talent_origins
        .iter()
        .filter(|o| o.pair.is_none())
        .map(|o| o.label.clone())
        .collect();
    let mut resilience_columns = Vec::new();
    if raw.output.resilience_indicators.is_empty() {
        for p in &raw.pairs {
            for name in [
                "fdi_stock_usd",
                "trade_usd_per_q",
                "active_partnerships",
                "pair_trust",
            ] {
                resilience_columns.push(indicators::column_name(name, &p.code));
            }
        }
    }
    for (i, col) in raw.output.resilience_indicators.iter().enumerate() {
        let key = format!("output.resilience_indicators[{i}]");
        match indicators::lookup(col) {
            None => {
                let names: Vec<&str> = indicators::CATALOGUE.iter().map(|s| s.name).collect();
                cx.error(
                    key,
                    format!("unknown indicator '{col}'"),
                    Some(format!(
                        "<indicator>.<scope> with indicator one of: {}",
                        names.join(", ")
                    )),
                );
            }
            Some((spec, scope)) => {
                let scopes: Vec<&String> = match spec.scope {
                    indicators::Scope::Pair => pair_codes.iter().collect(),
                    indicators::Scope::Country => country_codes.iter().collect(),
                    indicators::Scope::Origin => origin_codes.iter().collect(),
                };
                if !scopes.iter().any(|s| s.as_str() == scope) {
                    cx.error(
                        key,
                        format!("unknown scope '{scope}' for {}", spec.name),
                        Some(
                            scopes
                                .iter()
                                .map(|s| s.as_str())
                                .collect::<Vec<_>>()
                                .join(", "),
                        ),
                    );
                } else {
                    resilience_columns.push(col.clone());
                }
            }
        }
    }

    if !cx.errors.is_empty() {
        return Err(Diagnostics(cx.errors));
    }
    Ok(Config {
        name: raw.name.clone(),
        start,
        end,
        seed: raw.run.seed,
        params: raw.parameters.clone(),
        countries,
        pairs,
        donors,
        institutions,
        firm_populations,
        programmes,
        talent_destinations,
        talent_origins,
        shocks,
        events,
        resilience_columns,
        resilience_window_q: raw.output.resilience_window_quarters,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quarterly_path_interpolates_log_linearly_between_mid_years() {
        let points = [(2000, 100.0), (2001, 121.0)];
        let path = quarterly_path(&points, Quarter::new(2000, 1), 8, 0.0);
        // 2000Q3 mid = 2000.625: 100·1.21^(0.125) ; at 2001.5 the value is 121.
        assert!((path[2] - 100.0 * 1.21f64.powf(0.125)).abs() < 1e-9);
        assert!((path[5] - 121.0 * 1.21f64.powf(-0.25 + 0.125)).abs() < 1e-9);
        // After the data: flat (growth 0).
        assert!((path[7] - 121.0).abs() < 1e-9);
    }

    #[test]
    fn read_series_picks_the_series_and_country() {
        let text = "series,country_pair,year,value,unit,source\ngdp,VNM,2001,2.0,USD,x\ngdp,JPN,2001,9.0,USD,x\ngdp,VNM,2000,1.0,USD,\"a, b\"\n";
        assert_eq!(
            read_series(text, "gdp", "VNM").unwrap(),
            vec![(2000, 1.0), (2001, 2.0)]
        );
    }
}
