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

/// Built-in experiments (`scenarios/experiments/`): arms compared with `kizuna compare`, and the
/// base of a sweep; runnable by name like the scenarios above (docs/EXPERIMENTS.md).
pub const EXPERIMENTS: &[(&str, &str)] = &[
    (
        "aid_cut_resilience.toml",
        include_str!("../../scenarios/experiments/aid_cut_resilience.toml"),
    ),
    (
        "china_plus_one_diversified.toml",
        include_str!("../../scenarios/experiments/china_plus_one_diversified.toml"),
    ),
    (
        "china_plus_one_vietnam.toml",
        include_str!("../../scenarios/experiments/china_plus_one_vietnam.toml"),
    ),
    (
        "cooperation_mode_1_0.toml",
        include_str!("../../scenarios/experiments/cooperation_mode_1_0.toml"),
    ),
    (
        "cooperation_mode_2_0.toml",
        include_str!("../../scenarios/experiments/cooperation_mode_2_0.toml"),
    ),
    (
        "dependence_high_abrupt.toml",
        include_str!("../../scenarios/experiments/dependence_high_abrupt.toml"),
    ),
    (
        "dependence_high_gradual.toml",
        include_str!("../../scenarios/experiments/dependence_high_gradual.toml"),
    ),
    (
        "dependence_low_abrupt.toml",
        include_str!("../../scenarios/experiments/dependence_low_abrupt.toml"),
    ),
    (
        "dependence_low_gradual.toml",
        include_str!("../../scenarios/experiments/dependence_low_gradual.toml"),
    ),
    (
        "mitigation_shocks_off.toml",
        include_str!("../../scenarios/experiments/mitigation_shocks_off.toml"),
    ),
    (
        "mitigation_shocks_on.toml",
        include_str!("../../scenarios/experiments/mitigation_shocks_on.toml"),
    ),
    (
        "talent_esd_2027.toml",
        include_str!("../../scenarios/experiments/talent_esd_2027.toml"),
    ),
    (
        "talent_status_quo.toml",
        include_str!("../../scenarios/experiments/talent_status_quo.toml"),
    ),
    (
        "talent_substitutable_destinations.toml",
        include_str!("../../scenarios/experiments/talent_substitutable_destinations.toml"),
    ),
    (
        "talent_yen_shock_2027.toml",
        include_str!("../../scenarios/experiments/talent_yen_shock_2027.toml"),
    ),
];

/// Policy sweeps (`scenarios/sweeps/`), listed by `kizuna list`; run them by path (their base is
/// a path relative to the file).
pub const SWEEPS: &[(&str, &str)] = &[
    (
        "cooperation_mode.toml",
        include_str!("../../scenarios/sweeps/cooperation_mode.toml"),
    ),
    (
        "default_aid_cut_sobol.toml",
        include_str!("../../scenarios/sweeps/default_aid_cut_sobol.toml"),
    ),
    (
        "distance_mitigation.toml",
        include_str!("../../scenarios/sweeps/distance_mitigation.toml"),
    ),
    (
        "donor_concentration_cut.toml",
        include_str!("../../scenarios/sweeps/donor_concentration_cut.toml"),
    ),
    (
        "mitigation_factorial.toml",
        include_str!("../../scenarios/sweeps/mitigation_factorial.toml"),
    ),
    (
        "mitigation_sobol.toml",
        include_str!("../../scenarios/sweeps/mitigation_sobol.toml"),
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
    (
        "emigrant_stock.csv",
        include_str!("../../data/emigrant_stock.csv"),
    ),
    (
        "emigrants_in_labour_destinations.csv",
        include_str!("../../data/emigrants_in_labour_destinations.csv"),
    ),
    ("events.csv", include_str!("../../data/events.csv")),
    ("population.csv", include_str!("../../data/population.csv")),
    (
        "working_age_population.csv",
        include_str!("../../data/working_age_population.csv"),
    ),
];

/// A built-in scenario or experiment by file name, with or without `.toml`, or with a directory
/// prefix (`scenarios/`, `scenarios/experiments/`, `../`).
pub fn scenario(name: &str) -> Option<&'static str> {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let file = if base.ends_with(".toml") {
        base.to_string()
    } else {
        format!("{base}.toml")
    };
    SCENARIOS
        .iter()
        .chain(EXPERIMENTS)
        .find(|(n, _)| *n == file)
        .map(|(_, t)| *t)
}

/// A built-in data file by name.
pub fn data(name: &str) -> Option<&'static str> {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    DATA.iter().find(|(n, _)| *n == base).map(|(_, t)| *t)
}

/// The header comment of a scenario or sweep file: its leading comment lines, without the `#`
/// (blank lines inside it kept, trailing ones dropped); empty when it has none. Built-in files
/// state their question, the command that answers it and the result there.
pub fn header(text: &str) -> String {
    let mut lines: Vec<&str> = Vec::new();
    for l in text.lines() {
        let t = l.trim();
        if let Some(c) = t.strip_prefix('#') {
            lines.push(c.strip_prefix(' ').unwrap_or(c));
        } else if t.is_empty() {
            lines.push("");
        } else {
            break;
        }
    }
    while lines.last().is_some_and(|l| l.trim().is_empty()) {
        lines.pop();
    }
    let start = lines
        .iter()
        .position(|l| !l.trim().is_empty())
        .unwrap_or(lines.len());
    let mut out = lines[start..].join("\n");
    if !out.is_empty() {
        out.push('\n');
    }
    out
}

/// The first sentence of a file's header comment (its one-line summary): the first paragraph
/// of the header, joined, up to the first `. ` or `? `.
pub fn summary(text: &str) -> String {
    let header = header(text);
    let paragraph: Vec<&str> = header
        .lines()
        .map(str::trim)
        .take_while(|l| !l.is_empty())
        .flat_map(str::split_whitespace)
        .collect();
    let joined = paragraph.join(" ");
    match joined.find(". ").into_iter().chain(joined.find("? ")).min() {
        Some(i) => joined[..=i].to_string(),
        None => joined,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_is_the_leading_comment_block_and_summary_its_first_sentence() {
        let text = "# Aid cut: half of the budget.\n# Second line of it.\n#\n# Question: why?\n\nname = \"x\"\n# not header\n";
        assert_eq!(
            header(text),
            "Aid cut: half of the budget.\nSecond line of it.\n\nQuestion: why?\n"
        );
        assert_eq!(summary(text), "Aid cut: half of the budget.");
        // A first sentence wrapped over two lines is joined; "1.0 vs" is not a sentence end.
        let wrapped = "# Cooperation 1.0 vs 2.0: arm\n# 1.0 (the baseline). More.\nname = \"y\"\n";
        assert_eq!(
            summary(wrapped),
            "Cooperation 1.0 vs 2.0: arm 1.0 (the baseline)."
        );
        assert_eq!(header("name = \"z\"\n"), "");
    }

    #[test]
    fn experiments_resolve_by_name_with_or_without_directory() {
        assert!(scenario("dependence_high_abrupt").is_some());
        assert!(scenario("scenarios/experiments/talent_esd_2027.toml").is_some());
        assert!(scenario("../donor_concentration_high.toml").is_some());
        assert!(scenario("no_such_experiment").is_none());
    }
}
