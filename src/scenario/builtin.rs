//! Scenarios and data files compiled into the binary, so `kizuna run` works from any directory.

/// (file name, one-line summary, text) of every built-in scenario.
pub const SCENARIOS: &[(&str, &str)] = &[
    (
        "vietnam_japan.toml",
        include_str!("../../scenarios/vietnam_japan.toml"),
    ),
    (
        "cooperation_1_0.toml",
        include_str!("../../scenarios/cooperation_1_0.toml"),
    ),
    (
        "cooperation_2_0.toml",
        include_str!("../../scenarios/cooperation_2_0.toml"),
    ),
    (
        "aid_cut_abrupt.toml",
        include_str!("../../scenarios/aid_cut_abrupt.toml"),
    ),
    (
        "aid_cut_gradual.toml",
        include_str!("../../scenarios/aid_cut_gradual.toml"),
    ),
    (
        "donor_concentration_high.toml",
        include_str!("../../scenarios/donor_concentration_high.toml"),
    ),
    (
        "donor_concentration_low.toml",
        include_str!("../../scenarios/donor_concentration_low.toml"),
    ),
    (
        "geopolitical_crisis.toml",
        include_str!("../../scenarios/geopolitical_crisis.toml"),
    ),
    (
        "supply_chain_shock.toml",
        include_str!("../../scenarios/supply_chain_shock.toml"),
    ),
    (
        "supply_chain_shock_diversified.toml",
        include_str!("../../scenarios/supply_chain_shock_diversified.toml"),
    ),
    (
        "mitigation_none.toml",
        include_str!("../../scenarios/mitigation_none.toml"),
    ),
    (
        "mitigation_full.toml",
        include_str!("../../scenarios/mitigation_full.toml"),
    ),
    (
        "asean_japan.toml",
        include_str!("../../scenarios/asean_japan.toml"),
    ),
    (
        "korea_vietnam.toml",
        include_str!("../../scenarios/korea_vietnam.toml"),
    ),
];

/// The default scenario.
pub const DEFAULT: &str = "vietnam_japan.toml";

const DATA: &[(&str, &str)] = &[
    (
        "gdp_current_usd.csv",
        include_str!("../../data/gdp_current_usd.csv"),
    ),
    (
        "oda_japan_net_bilateral.csv",
        include_str!("../../data/oda_japan_net_bilateral.csv"),
    ),
    (
        "oda_total_net_received.csv",
        include_str!("../../data/oda_total_net_received.csv"),
    ),
    (
        "oda_japan_share.csv",
        include_str!("../../data/oda_japan_share.csv"),
    ),
    (
        "oda_gni_ratio_vnm.csv",
        include_str!("../../data/oda_gni_ratio_vnm.csv"),
    ),
    (
        "fdi_japan_vietnam.csv",
        include_str!("../../data/fdi_japan_vietnam.csv"),
    ),
    (
        "trade_vietnam_japan.csv",
        include_str!("../../data/trade_vietnam_japan.csv"),
    ),
    (
        "people_vietnamese_in_japan.csv",
        include_str!("../../data/people_vietnamese_in_japan.csv"),
    ),
    ("events.csv", include_str!("../../data/events.csv")),
    ("population.csv", include_str!("../../data/population.csv")),
    (
        "working_age_population.csv",
        include_str!("../../data/working_age_population.csv"),
    ),
];

/// A built-in scenario by file name, with or without `.toml`, or with a `scenarios/` prefix.
pub fn scenario(name: &str) -> Option<&'static str> {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let file = if base.ends_with(".toml") {
        base.to_string()
    } else {
        format!("{base}.toml")
    };
    SCENARIOS.iter().find(|(n, _)| *n == file).map(|(_, t)| *t)
}

/// A built-in data file by name.
pub fn data(name: &str) -> Option<&'static str> {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    DATA.iter().find(|(n, _)| *n == base).map(|(_, t)| *t)
}

/// The first comment line of a scenario (its one-line summary).
pub fn summary(text: &str) -> String {
    text.lines()
        .find_map(|l| {
            l.strip_prefix('#')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
        })
        .unwrap_or_default()
}
