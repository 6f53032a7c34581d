//! The head of the calibration files of the calibration tests: the small two-country world of
//! `tests/fixtures/calibration/small_pair.toml`, data in `data/` beside the file, training
//! 2001–2009 and hold-out 2010–2012, ABC-SMC, and the entry-threshold parameter.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

pub fn small_pair() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/calibration/small_pair.toml")
}

/// Everything up to and including the first `[[parameters]]` (the entry threshold, 18–20.5).
pub fn head(name: &str, seed: u64, particles: u32, generations: u32) -> String {
    format!(
        r#"name = "{name}"
seed = {seed}
data = "data"
[windows]
train = [2001, 2009]
holdout = [2010, 2012]
[algorithm]
kind = "abc-smc"
particles = {particles}
generations = {generations}
[[scenarios]]
id = "small"
file = {:?}
[[parameters]]
key = "parameters.entry.threshold"
min = 18.0
max = 20.5
"#,
        small_pair()
    )
}
