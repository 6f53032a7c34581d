//! The JSON Schema of calibration files, as printed by `kizuna schema calibration`.
//!
//! `spec` reads calibration files table by table (located messages, checks against the data);
//! these types describe the same file for schemars only. A unit test keeps their keys equal to
//! the key lists `spec` accepts, so the two cannot drift apart.

#![allow(dead_code)] // the types exist for their schema

use schemars::JsonSchema;

/// `$id` of the calibration schema.
pub const CALIBRATION_SCHEMA_ID: &str = "urn:kizuna:schema:calibration";

/// A calibration file (`docs/CALIBRATION.md`): scenarios fitted jointly, free parameters with
/// uniform priors, data targets and optional patterns, and the algorithm.
#[derive(JsonSchema)]
#[serde(deny_unknown_fields)]
struct CalibrationFile {
    /// Calibration name: a plain file name (`output/<name>/`).
    name: String,
    /// A free-text description.
    description: Option<String>,
    /// Master seed.
    #[schemars(range(min = 0))]
    seed: i64,
    /// Model replications per evaluation (the model value is their median) [default: 1].
    #[schemars(range(min = 1, max = 1000))]
    replications: Option<i64>,
    /// Data directory, relative to this file [default: the built-in copies of data/].
    data: Option<String>,
    /// Inclusive year windows of the distance and of the hold-out score.
    windows: Windows,
    /// The search algorithm.
    algorithm: Algorithm,
    /// Scenarios fitted jointly (at least one).
    #[schemars(length(min = 1))]
    scenarios: Vec<Scenario>,
    /// Free parameters (at least one).
    #[schemars(length(min = 1))]
    parameters: Vec<Parameter>,
    /// Observed series the distance compares with.
    #[serde(default)]
    targets: Vec<Target>,
    /// Ranges that the mean of an indicator over some years should fall in.
    #[serde(default)]
    patterns: Vec<Pattern>,
}

/// `[windows]`.
#[derive(JsonSchema)]
#[serde(deny_unknown_fields)]
struct Windows {
    /// `[first, last]`: inclusive years whose observations enter the distance.
    train: [i64; 2],
    /// `[first, last]`: scored only (fit_holdout.csv); must start after `train` ends.
    holdout: Option<[i64; 2]>,
}

/// `[algorithm]`, chosen by `kind`.
#[derive(JsonSchema)]
#[serde(tag = "kind", deny_unknown_fields)]
enum Algorithm {
    /// ABC-SMC (population Monte Carlo with an adaptive tolerance).
    #[serde(rename = "abc-smc")]
    AbcSmc {
        /// Population size N.
        #[schemars(range(min = 4, max = 1_000_000))]
        particles: i64,
        /// At most this many generations.
        #[schemars(range(min = 1, max = 1000))]
        generations: i64,
        /// Tolerance of generation t: this quantile of generation t − 1's distances, in (0, 1)
        /// [default: 0.5].
        #[schemars(range(min = 0.0, max = 1.0))]
        quantile: Option<f64>,
        /// A generation fails after N / min_acceptance evaluations, in (0, 1] [default: 0.01].
        #[schemars(range(min = 0.0, max = 1.0))]
        min_acceptance: Option<f64>,
        /// No new generation starts after this many evaluations.
        #[schemars(range(min = 1))]
        max_evaluations: Option<i64>,
    },
    /// Nelder–Mead on the unit box.
    #[serde(rename = "nelder-mead")]
    NelderMead {
        /// Evaluations before it stops.
        #[schemars(range(min = 2))]
        max_evaluations: i64,
        /// Stop when the spread of the simplex values is below this [default: 1e-6].
        #[schemars(range(min = 0.0))]
        tolerance: Option<f64>,
    },
}

/// `[[scenarios]]`.
#[derive(JsonSchema)]
#[serde(deny_unknown_fields)]
struct Scenario {
    /// Used by targets and patterns and in column labels: letters, digits, `_` and `-`.
    #[schemars(regex(pattern = r"^[A-Za-z0-9_-]+$"))]
    id: String,
    /// A scenario file relative to this file, or a built-in scenario name.
    file: String,
    /// `key.path=value` overrides applied before calibrating.
    set: Option<Vec<String>>,
}

/// The prior's scale.
#[derive(JsonSchema)]
#[serde(rename_all = "lowercase")]
enum Scale {
    /// Uniform on [min, max].
    Linear,
    /// Uniform in ln(value) (min > 0).
    Log,
}

/// `[[parameters]]`: a free parameter with a uniform prior.
#[derive(JsonSchema)]
#[serde(deny_unknown_fields)]
struct Parameter {
    /// A scenario key path, dotted, optionally ending in one array index (e.g.
    /// `parameters.entry.threshold`, `parameters.talent.places_per_1000_working_age_q[0]`).
    #[schemars(regex(pattern = r"^[^.\[\]][^\[\]]*[^.\[\]](\[[0-9]+\])?$"))]
    key: String,
    /// Lower end of the prior.
    min: f64,
    /// Upper end of the prior (above `min`).
    max: f64,
    /// [default: linear].
    scale: Option<Scale>,
    /// One value per scenario instead of one shared value [default: false].
    pair_specific: Option<bool>,
}

/// `[[targets]]`: an observed series compared with the model.
#[derive(JsonSchema)]
#[serde(deny_unknown_fields)]
struct Target {
    /// A scenario id of `[[scenarios]]`.
    scenario: String,
    /// The `series` column of a mapped data file (see `kizuna fit`).
    series: String,
    /// The `country_pair` column: the model column is `<indicator>.<scope>`.
    scope: String,
    /// Weight in the distance (positive) [default: 1].
    #[schemars(range(min = 0.0))]
    weight: Option<f64>,
}

/// `[[patterns]]`: the mean of an indicator over some years should lie in [min, max].
#[derive(JsonSchema)]
#[serde(deny_unknown_fields)]
struct Pattern {
    /// A scenario id of `[[scenarios]]`.
    scenario: String,
    /// Any indicator column of the run, e.g. `trouble_share_8q.VNM-JPN`.
    column: String,
    /// First year.
    #[schemars(range(min = 1900, max = 2200))]
    from: i64,
    /// Last year (not before `from`).
    #[schemars(range(min = 1900, max = 2200))]
    to: i64,
    /// Lower end of the range.
    min: f64,
    /// Upper end of the range (above `min`).
    max: f64,
    /// Weight in the distance (positive) [default: 1].
    #[schemars(range(min = 0.0))]
    weight: Option<f64>,
}

/// The calibration file schema (JSON Schema draft 2020-12).
pub fn json_schema() -> serde_json::Value {
    let schema = schemars::schema_for!(CalibrationFile);
    crate::scenario::json_schema::with_header(
        schema.as_value().clone(),
        CALIBRATION_SCHEMA_ID,
        &format!("kizuna {} calibration file", env!("CARGO_PKG_VERSION")),
    )
}

#[cfg(test)]
mod tests {
    use super::super::spec::*;
    use serde_json::Value;

    fn keys(v: &Value) -> Vec<String> {
        let mut k: Vec<String> = v["properties"]
            .as_object()
            .expect("properties")
            .keys()
            .cloned()
            .collect();
        k.sort();
        k
    }

    fn sorted(k: &[&str]) -> Vec<String> {
        let mut v: Vec<String> = k.iter().map(|s| s.to_string()).collect();
        v.sort();
        v
    }

    #[test]
    fn calibration_schema_keys_are_the_keys_the_reader_accepts() {
        let s = super::json_schema();
        let def = |name: &str| s["$defs"][name].clone();
        assert_eq!(keys(&s), sorted(&TOP_KEYS));
        assert_eq!(keys(&def("Windows")), sorted(&WINDOW_KEYS));
        assert_eq!(keys(&def("Scenario")), sorted(&SCENARIO_KEYS));
        assert_eq!(keys(&def("Parameter")), sorted(&PARAMETER_KEYS));
        assert_eq!(keys(&def("Target")), sorted(&TARGET_KEYS));
        assert_eq!(keys(&def("Pattern")), sorted(&PATTERN_KEYS));
        let variants = def("Algorithm")["oneOf"].as_array().unwrap().clone();
        let by_kind = |kind: &str| {
            variants
                .iter()
                .find(|v| v["properties"]["kind"]["const"] == kind)
                .unwrap_or_else(|| panic!("no {kind} variant in {variants:?}"))
                .clone()
        };
        assert_eq!(keys(&by_kind("abc-smc")), sorted(&ABC_SMC_KEYS));
        assert_eq!(keys(&by_kind("nelder-mead")), sorted(&NELDER_MEAD_KEYS));
        assert_eq!(s["$id"], super::CALIBRATION_SCHEMA_ID);
    }
}
