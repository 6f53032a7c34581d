//! The catalogue of indicators: stable names, scopes and units.
//!
//! Every run records each indicator every quarter. A column of `timeseries.csv` is named
//! `<indicator>.<scope>`, where the scope is a country pair (`VNM-JPN`: the partner, then the
//! donor/investor country, as in `shared/data`) or a single country code (`VNM`). Names never
//! change meaning; new indicators are only ever added.

/// What an indicator is measured over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// A country pair: partner (host/recipient/origin of people) and donor/investor/destination.
    Pair,
    /// One country.
    Country,
    /// A competing origin of people (`[[talent_origins]]`, no firms) and its destination:
    /// `CHN-JPN`, written like a pair.
    Origin,
}

/// How a quarterly value relates to a calendar-year figure (used when comparing with data).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Aggregation {
    /// A flow per quarter: the year's figure is the sum of its four quarters.
    FlowPerQuarter,
    /// A stock or level: the year's figure is the value in Q4.
    StockAtEnd,
    /// A rate or ratio: the year's figure is the mean of its four quarters.
    MeanOfQuarters,
}

/// One entry of the catalogue.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IndicatorSpec {
    pub name: &'static str,
    pub scope: Scope,
    pub unit: &'static str,
    /// Short human label for plot titles and axes.
    pub label: &'static str,
    pub aggregation: Aggregation,
    pub description: &'static str,
}

use Aggregation::*;
use Scope::*;

macro_rules! spec {
    ($name:literal, $scope:expr, $unit:literal, $label:literal, $agg:expr, $desc:literal) => {
        IndicatorSpec {
            name: $name,
            scope: $scope,
            unit: $unit,
            label: $label,
            aggregation: $agg,
            description: $desc,
        }
    };
}

/// Every indicator, pair-scoped first, then country-scoped, then origin-scoped, in the column
/// order of `timeseries.csv`.
pub const CATALOGUE: &[IndicatorSpec] = &[
    spec!(
        "oda_committed_usd_per_q",
        Pair,
        "USD per quarter",
        "ODA committed",
        FlowPerQuarter,
        "New ODA commitments by the donor country's agencies to the partner (loans and grants)."
    ),
    spec!(
        "oda_disbursed_usd_per_q",
        Pair,
        "USD per quarter",
        "ODA disbursed (gross)",
        FlowPerQuarter,
        "Gross ODA disbursed by the donor country's agencies to the partner."
    ),
    spec!(
        "oda_net_usd_per_q",
        Pair,
        "USD per quarter",
        "ODA disbursed (net of loan repayments)",
        FlowPerQuarter,
        "Gross disbursements minus repayments of earlier concessional loans (the OECD DAC net flow)."
    ),
    spec!(
        "oda_pipeline_usd",
        Pair,
        "USD",
        "Undisbursed ODA pipeline",
        StockAtEnd,
        "Committed but not yet disbursed ODA."
    ),
    spec!(
        "fdi_stock_usd",
        Pair,
        "USD",
        "FDI stock (registered capital)",
        StockAtEnd,
        "Registered capital of active affiliates and joint ventures of the investor country in the partner."
    ),
    spec!(
        "fdi_registered_usd_per_q",
        Pair,
        "USD per quarter",
        "FDI registered",
        FlowPerQuarter,
        "Registered capital of new affiliates and joint ventures this quarter."
    ),
    spec!(
        "fdi_projects",
        Pair,
        "projects",
        "Active FDI projects",
        StockAtEnd,
        "Active affiliates and joint ventures of the investor country in the partner."
    ),
    spec!(
        "trade_usd_per_q",
        Pair,
        "USD per quarter",
        "Bilateral trade",
        FlowPerQuarter,
        "Merchandise trade in both directions: affiliate-linked trade plus arm's-length gravity trade."
    ),
    spec!(
        "affiliate_output_usd_per_q",
        Pair,
        "USD per quarter",
        "Output of affiliates",
        FlowPerQuarter,
        "Output of the investor country's affiliates and joint ventures in the partner."
    ),
    spec!(
        "residents_persons",
        Pair,
        "persons",
        "Residents abroad",
        StockAtEnd,
        "People of the partner country living in the destination country, all programmes, missing and settled."
    ),
    spec!(
        "interns_persons",
        Pair,
        "persons",
        "Technical interns abroad",
        StockAtEnd,
        "Technical interns (TITP, then the employment-for-skill-development system) abroad."
    ),
    spec!(
        "ssw_persons",
        Pair,
        "persons",
        "Specified skilled workers abroad",
        StockAtEnd,
        "Specified skilled workers abroad."
    ),
    spec!(
        "students_persons",
        Pair,
        "persons",
        "Students abroad",
        StockAtEnd,
        "Students abroad."
    ),
    spec!(
        "engineers_persons",
        Pair,
        "persons",
        "Engineers abroad",
        StockAtEnd,
        "Engineers and other highly skilled workers abroad."
    ),
    spec!(
        "missing_persons",
        Pair,
        "persons",
        "Missing programme participants",
        StockAtEnd,
        "Participants who left their programme and stay abroad outside it."
    ),
    spec!(
        "talent_outflow_persons_per_q",
        Pair,
        "persons per quarter",
        "New departures",
        FlowPerQuarter,
        "People leaving the partner for the destination this quarter, all programmes."
    ),
    spec!(
        "returnees_persons_per_q",
        Pair,
        "persons per quarter",
        "Returnees",
        FlowPerQuarter,
        "People coming home at the end of their stay this quarter."
    ),
    spec!(
        "active_partnerships",
        Pair,
        "partnerships",
        "Active partnerships",
        StockAtEnd,
        "Active joint ventures, supply contracts and ODA projects between the two countries."
    ),
    spec!(
        "mean_partnership_trust",
        Pair,
        "trust in [0,1]",
        "Mean partnership trust",
        MeanOfQuarters,
        "Mean beta-reputation trust of active partnerships."
    ),
    spec!(
        "pair_trust",
        Pair,
        "trust in [0,1]",
        "Country-pair trust",
        MeanOfQuarters,
        "Country-pair trust: government trust and the mean of partnership trust, smoothed."
    ),
    spec!(
        "gov_trust",
        Pair,
        "trust in [0,1]",
        "Government-to-government trust",
        MeanOfQuarters,
        "Trust between the two governments, moved by events and shocks."
    ),
    spec!(
        "mean_friction",
        Pair,
        "friction index",
        "Mean partnership friction",
        MeanOfQuarters,
        "Mean scalar friction of active partnerships (base, cultural gaps after mitigation, coordination cost)."
    ),
    spec!(
        "trouble_share_8q",
        Pair,
        "share in [0,1]",
        "New partnerships in trouble within 8 quarters",
        MeanOfQuarters,
        "Of the partnerships that reached 8 quarters of age (or ended before) in the last 4 quarters, the share flagged in serious trouble."
    ),
    spec!(
        "firm_partnerships",
        Pair,
        "partnerships",
        "Active firm partnerships",
        StockAtEnd,
        "Active joint ventures and supply contracts between firms of the pair (active_partnerships without ODA projects)."
    ),
    spec!(
        "permanent_residents_persons",
        Pair,
        "persons",
        "Permanent residents",
        StockAtEnd,
        "People of the partner settled in the donor country (permanent residents: settled at the start plus engineers who settled); part of residents_persons and engineers_persons."
    ),
    spec!(
        "programme_cost_usd_per_q",
        Pair,
        "USD per quarter",
        "Mitigation programme costs",
        FlowPerQuarter,
        "Cost of the running mitigation programmes that serve the pair, paid out of the funder's budget (`funded_by`: a donor's aid budget before allocation, or the host's public investment)."
    ),
    spec!(
        "exports_usd_per_q",
        Pair,
        "USD per quarter",
        "Partner's exports to the donor country",
        FlowPerQuarter,
        "Affiliates' exports to their home country plus half of arm's-length gravity trade."
    ),
    spec!(
        "imports_usd_per_q",
        Pair,
        "USD per quarter",
        "Partner's imports from the donor country",
        FlowPerQuarter,
        "Affiliates' imports of inputs from their home country plus half of arm's-length gravity trade."
    ),
    spec!(
        "fdi_withdrawn_usd_per_q",
        Pair,
        "USD per quarter",
        "FDI withdrawn",
        FlowPerQuarter,
        "Capital withdrawn by affiliates and joint ventures of the donor country in the partner: shrinkage while losing money plus the capital of those that exit."
    ),
    spec!(
        "affiliates_profitable_share",
        Pair,
        "share in [0,1]",
        "Affiliates with a positive margin",
        MeanOfQuarters,
        "Share of active affiliates and joint ventures whose operating margin this quarter is positive (compare JETRO's profitable share)."
    ),
    spec!(
        "trust_fundamental",
        Pair,
        "trust in [0,1]",
        "Trust fundamental",
        MeanOfQuarters,
        "The level government trust reverts to: initial trust lifted by institutional density and the partnership record."
    ),
    spec!(
        "intern_inflow_persons_per_q",
        Pair,
        "persons per quarter",
        "New technical interns",
        FlowPerQuarter,
        "New technical interns from the partner entering the destination this quarter."
    ),
    spec!(
        "ssw_inflow_persons_per_q",
        Pair,
        "persons per quarter",
        "New SSW from abroad",
        FlowPerQuarter,
        "Specified skilled workers from the partner entering from abroad this quarter (not from the intern programme)."
    ),
    spec!(
        "intern_to_ssw_persons_per_q",
        Pair,
        "persons per quarter",
        "Interns staying on as SSW",
        FlowPerQuarter,
        "Technical interns of the partner who completed their stay and moved on to specified skilled worker status this quarter."
    ),
    spec!(
        "student_inflow_persons_per_q",
        Pair,
        "persons per quarter",
        "New students",
        FlowPerQuarter,
        "New students from the partner entering the destination this quarter."
    ),
    spec!(
        "student_to_work_persons_per_q",
        Pair,
        "persons per quarter",
        "Students moving to work visas",
        FlowPerQuarter,
        "Students of the partner who completed their studies and moved on to a work visa (engineer status) this quarter."
    ),
    spec!(
        "engineer_inflow_persons_per_q",
        Pair,
        "persons per quarter",
        "New engineers from abroad",
        FlowPerQuarter,
        "Engineers and other highly skilled workers from the partner entering from abroad this quarter."
    ),
    spec!(
        "intern_returns_persons_per_q",
        Pair,
        "persons per quarter",
        "Interns returning",
        FlowPerQuarter,
        "Technical interns of the partner returning home at the end of their stay this quarter (including those who wanted to stay on but found no SSW place)."
    ),
    spec!(
        "ssw_returns_persons_per_q",
        Pair,
        "persons per quarter",
        "SSW returning",
        FlowPerQuarter,
        "Specified skilled workers of the partner returning home at the end of their stay this quarter."
    ),
    spec!(
        "student_returns_persons_per_q",
        Pair,
        "persons per quarter",
        "Students returning",
        FlowPerQuarter,
        "Students of the partner returning home at the end of their studies this quarter."
    ),
    spec!(
        "missing_new_persons_per_q",
        Pair,
        "persons per quarter",
        "Newly missing",
        FlowPerQuarter,
        "Participants of the partner who left their programme this quarter (all programmes); the rate arises from debt and employer conditions."
    ),
    spec!(
        "intern_missing_rate_per_year",
        Pair,
        "share per year",
        "Intern missing rate",
        MeanOfQuarters,
        "Interns of the partner gone missing this quarter over its interns abroad at the start of the quarter, times 4."
    ),
    spec!(
        "talent_destination_share",
        Pair,
        "share",
        "Destination's share of would-be migrants",
        MeanOfQuarters,
        "s = 1/(1 + R^(1/λ)): the donor country's share of the partner's would-be migrants among the foreign destinations, against the partner's network elsewhere (`emigrants_elsewhere`); 1 without alternative destinations."
    ),
    spec!(
        "intern_inflow_share",
        Pair,
        "share",
        "Share of new interns",
        MeanOfQuarters,
        "The partner's share of all new technical interns entering the destination this quarter (all origins of the scenario); 0 when none enter."
    ),
    spec!(
        "ssw_new_share",
        Pair,
        "share",
        "Share of new SSW",
        MeanOfQuarters,
        "The partner's share of all new specified skilled workers of the destination this quarter (from abroad and from the intern programme); 0 when none."
    ),
    spec!(
        "ssw_via_intern_share",
        Pair,
        "share",
        "New SSW who were interns",
        MeanOfQuarters,
        "Share of the partner's new specified skilled workers this quarter who came from the intern programme; 0 when none."
    ),
    spec!(
        "new_partnership_friction",
        Pair,
        "friction index",
        "Friction of new partnerships",
        MeanOfQuarters,
        "Mean scalar friction of partnerships formed this quarter, in their first quarter; 0 when none formed."
    ),
    spec!(
        "aid_gni_ratio",
        Country,
        "share of GNI",
        "ODA / GNI",
        MeanOfQuarters,
        "Net ODA received from all donors, annualised, over GNI."
    ),
    spec!(
        "oda_gross_received_usd_per_q",
        Country,
        "USD per quarter",
        "Gross ODA received",
        FlowPerQuarter,
        "Gross ODA disbursed to the country by all donors."
    ),
    spec!(
        "oda_net_received_usd_per_q",
        Country,
        "USD per quarter",
        "Net ODA received",
        FlowPerQuarter,
        "Net ODA received from all donors."
    ),
    spec!(
        "donor_hhi",
        Country,
        "HHI in [0,1]",
        "Donor concentration (HHI)",
        MeanOfQuarters,
        "Herfindahl index of donor shares of gross ODA disbursed to the country."
    ),
    spec!(
        "aid_volatility",
        Country,
        "SD of quarterly log change",
        "Aid volatility",
        MeanOfQuarters,
        "Standard deviation of the quarterly change of log gross ODA received over the last 20 quarters."
    ),
    spec!(
        "capacity_k",
        Country,
        "index in [0,1]",
        "Implementation capacity K",
        MeanOfQuarters,
        "Implementation capacity of the public sector, K in [0,1]."
    ),
    spec!(
        "mean_productivity",
        Country,
        "index (1 = initial domestic mean)",
        "Mean firm productivity",
        MeanOfQuarters,
        "Mean total factor productivity of firms located in the country."
    ),
    spec!(
        "gdp_usd_per_year",
        Country,
        "USD per year",
        "GDP",
        MeanOfQuarters,
        "GDP, annualised, current USD (exogenous path)."
    ),
    spec!(
        "firm_output_usd_per_q",
        Country,
        "USD per quarter",
        "Output of modelled firms",
        FlowPerQuarter,
        "Output of all modelled firms located in the country."
    ),
    spec!(
        "direct_loss_usd_per_q",
        Country,
        "USD per quarter",
        "Direct shock loss",
        FlowPerQuarter,
        "Output lost directly to capacity shocks (capacity removed times pre-shock utilisation)."
    ),
    spec!(
        "supplier_investment_usd_per_q",
        Country,
        "USD per quarter",
        "Domestic supplier investment",
        FlowPerQuarter,
        "Capital that domestic firms add to serve their customers' orders, financed from domestic saving (retained earnings and bank credit, inside the exogenous GDP path)."
    ),
    spec!(
        "public_capital_ratio",
        Country,
        "ratio",
        "Public capital relative to domestic-only",
        StockAtEnd,
        "G/G_dom: public capital (domestic and aid-financed) over what domestic public investment alone would have built; firms' productivity scales with its α_G power."
    ),
    spec!(
        "expected_public_capital_ratio",
        Country,
        "ratio",
        "Expected public capital relative to domestic-only",
        StockAtEnd,
        "The same ratio counting capital under construction and the undisbursed aid pipeline: what investors read in FDI entry."
    ),
    spec!(
        "origin_residents_persons",
        Origin,
        "persons",
        "Residents of a competing origin",
        StockAtEnd,
        "People of a competing origin in its destination (all programmes, missing and settled), as residents_persons is for a pair's partner."
    ),
    spec!(
        "origin_intern_inflow_persons_per_q",
        Origin,
        "persons per quarter",
        "New interns of a competing origin",
        FlowPerQuarter,
        "Technical interns of a competing origin entering its destination this quarter."
    ),
    spec!(
        "origin_intern_inflow_share",
        Origin,
        "share",
        "Share of new interns (competing origin)",
        MeanOfQuarters,
        "A competing origin's share of all new technical interns entering its destination this quarter (all origins of the scenario); 0 when none enter."
    ),
    spec!(
        "origin_talent_destination_share",
        Origin,
        "share",
        "Destination's share of would-be migrants (competing origin)",
        MeanOfQuarters,
        "As talent_destination_share, for a competing origin: its destination's share of the origin's would-be migrants among the foreign destinations."
    ),
    spec!(
        "origin_ssw_new_share",
        Origin,
        "share",
        "Share of new SSW (competing origin)",
        MeanOfQuarters,
        "A competing origin's share of all new specified skilled workers of its destination this quarter (from abroad and from the intern programme); 0 when none."
    ),
];

/// The spec for an indicator name (without scope).
pub fn spec(name: &str) -> Option<&'static IndicatorSpec> {
    CATALOGUE.iter().find(|s| s.name == name)
}

/// Splits a column name `indicator.SCOPE` and finds its spec.
pub fn lookup(column: &str) -> Option<(&'static IndicatorSpec, &str)> {
    let (name, scope) = column.split_once('.')?;
    spec(name).map(|s| (s, scope))
}

/// The column name of an indicator for a scope.
pub fn column_name(name: &str, scope: &str) -> String {
    format!("{name}.{scope}")
}

impl Scope {
    /// The scope as written in the catalogue: `pair`, `country` or `origin`.
    pub fn label(self) -> &'static str {
        match self {
            Pair => "pair",
            Country => "country",
            Origin => "origin",
        }
    }
}

impl Aggregation {
    /// How a calendar year is formed from the quarters: `sum`, `q4` or `mean`.
    pub fn label(self) -> &'static str {
        match self {
            FlowPerQuarter => "sum",
            StockAtEnd => "q4",
            MeanOfQuarters => "mean",
        }
    }
}

const TABLE_HEADER: [&str; 5] = ["name", "scope", "unit", "aggregation", "description"];

fn table_rows() -> impl Iterator<Item = [&'static str; 5]> {
    CATALOGUE.iter().map(|s| {
        [
            s.name,
            s.scope.label(),
            s.unit,
            s.aggregation.label(),
            s.description,
        ]
    })
}

/// The catalogue as an aligned plain-text table (`kizuna indicators`).
pub fn catalogue_text() -> String {
    let mut widths = TABLE_HEADER.map(|h| h.chars().count());
    for row in table_rows() {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: [&str; 5]| {
        let mut l = String::new();
        for (i, (cell, w)) in cells.iter().zip(widths).enumerate() {
            if i + 1 == cells.len() {
                l.push_str(cell);
            } else {
                l.push_str(cell);
                l.push_str(&" ".repeat(w - cell.chars().count() + 2));
            }
        }
        l.push('\n');
        l
    };
    let mut s = line(TABLE_HEADER);
    for row in table_rows() {
        s.push_str(&line(row));
    }
    s
}

/// The catalogue as CSV (`kizuna indicators --format csv`).
pub fn catalogue_csv() -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(TABLE_HEADER);
    for row in table_rows() {
        let _ = w.write_record(row);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// The catalogue as a Markdown page: `docs/INDICATORS.md` is exactly this
/// (`kizuna indicators --format markdown`).
pub fn catalogue_markdown() -> String {
    let esc = |c: &str| c.replace('|', "\\|");
    let mut s = String::from(
        "# Indicators\n\n\
         Generated by `kizuna indicators --format markdown` from `src/indicators.rs`; a test fails if\n\
         this file is out of date.\n\n\
         A column of `timeseries.csv` is named `<name>.<scope>`: the scope is a country pair \
         (`VNM-JPN`:\nthe partner, then the donor/investor country) for `pair` indicators, a \
         country code (`VNM`) for\n`country` indicators, a competing origin of people and its \
         destination (`CHN-JPN`,\n`[[talent_origins]]`) for `origin` indicators. `aggregation` says how a calendar-year \
         figure is formed from the quarters\n(when the run is compared with data): `sum` of the \
         four quarters for flows, the `q4` value for\nstocks and levels, the `mean` of the four \
         quarters for rates and ratios.\n\n",
    );
    s.push_str("| name | scope | unit | aggregation | description |\n|---|---|---|---|---|\n");
    for row in table_rows() {
        s.push_str(&format!(
            "| `{}` | {} | {} | {} | {} |\n",
            row[0],
            row[1],
            esc(row[2]),
            row[3],
            esc(row[4])
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indicator_names_are_unique_and_snake_case() {
        for (i, a) in CATALOGUE.iter().enumerate() {
            assert!(
                a.name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            );
            for b in &CATALOGUE[i + 1..] {
                assert_ne!(a.name, b.name);
            }
        }
    }

    #[test]
    fn catalogue_tables_have_one_row_per_indicator() {
        assert_eq!(catalogue_text().lines().count(), CATALOGUE.len() + 1);
        assert_eq!(
            catalogue_markdown().matches("\n| `").count(),
            CATALOGUE.len()
        );
        let csv_text = catalogue_csv();
        let mut r = csv::Reader::from_reader(csv_text.as_bytes());
        assert_eq!(r.records().count(), CATALOGUE.len());
        let text = catalogue_text();
        let second = text.lines().nth(1).unwrap();
        assert!(second.starts_with(CATALOGUE[0].name));
        // Aligned: the scope column starts at the same place on every line.
        let at = |l: &str| {
            let i = l.find("  ").unwrap();
            i + l[i..].len() - l[i..].trim_start().len()
        };
        let cols: std::collections::BTreeSet<_> = text.lines().map(at).collect();
        assert_eq!(cols.len(), 1, "{text}");
    }

    #[test]
    fn lookup_splits_scope_from_column() {
        let (spec, scope) = lookup("fdi_stock_usd.VNM-JPN").unwrap();
        assert_eq!(spec.name, "fdi_stock_usd");
        assert_eq!(scope, "VNM-JPN");
        assert!(lookup("nope.VNM").is_none());
    }
}
