//! Loading a scenario end to end: resolve the document (file or built-in, `extends`, `--set`),
//! check it against the schema, deserialize, validate into a `Config`.

use super::builtin;
use super::diagnostics::{Diagnostic, Diagnostics};
use super::document::{ResolvedDocument, SourceFile, resolve, resolve_source};
use super::raw::RawScenario;
use super::schema_check::{check, deserialize};
use super::validate::to_config;
use crate::model::Config;
use std::path::{Path, PathBuf};

/// A scenario ready to run.
#[derive(Debug)]
pub struct LoadedScenario {
    pub doc: ResolvedDocument,
    pub raw: RawScenario,
    pub config: Config,
}

impl LoadedScenario {
    pub fn replications(&self) -> u32 {
        self.raw.run.replications
    }
}

/// Where a scenario comes from: a path on disk, or a built-in when no such file exists.
pub fn resolve_scenario(spec: Option<&str>) -> Result<ResolvedDocument, Diagnostics> {
    let builtin_lookup = |name: &str| builtin::scenario(name);
    match spec {
        None => {
            let text = builtin::scenario(builtin::DEFAULT).unwrap_or_default();
            resolve_source(
                SourceFile {
                    path: PathBuf::from(format!("<builtin>/{}", builtin::DEFAULT)),
                    text: text.to_string(),
                },
                &builtin_lookup,
            )
        }
        Some(s) if Path::new(s).exists() => resolve(Path::new(s), &builtin_lookup),
        Some(s) => match builtin::scenario(s) {
            Some(text) => resolve_source(
                SourceFile {
                    path: PathBuf::from(format!(
                        "<builtin>/{}",
                        s.trim_end_matches(".toml").to_string() + ".toml"
                    )),
                    text: text.to_string(),
                },
                &builtin_lookup,
            ),
            None => Err(Diagnostics(vec![
                Diagnostic::new(s, "", "no such scenario file").with_allowed(format!(
                    "a path to a .toml file, or a built-in scenario: {}",
                    builtin::SCENARIOS
                        .iter()
                        .map(|(n, _)| n.trim_end_matches(".toml"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            ])),
        },
    }
}

/// Loads, overrides, checks and validates a scenario.
pub fn load(spec: Option<&str>, sets: &[String]) -> Result<LoadedScenario, Diagnostics> {
    let mut doc = resolve_scenario(spec)?;
    let mut errors = Vec::new();
    for set in sets {
        if let Err(e) = doc.apply_set(set) {
            errors.extend(e.0);
        }
    }
    if !errors.is_empty() {
        return Err(Diagnostics(errors));
    }
    from_document(doc)
}

/// Checks and validates an already resolved document.
pub fn from_document(doc: ResolvedDocument) -> Result<LoadedScenario, Diagnostics> {
    let problems = check::<RawScenario>(&doc);
    if !problems.is_empty() {
        return Err(Diagnostics(problems));
    }
    let raw: RawScenario = deserialize(&doc)?;
    let config = to_config(&raw, &doc)?;
    Ok(LoadedScenario { doc, raw, config })
}

/// Loads a scenario from text (for tests and embedding); `label` names it in messages, and
/// `extends` is resolved among the built-in scenarios and relative to the current directory.
pub fn from_text(label: &str, text: &str, sets: &[String]) -> Result<LoadedScenario, Diagnostics> {
    let builtin_lookup = |name: &str| builtin::scenario(name);
    let mut doc = resolve_source(
        SourceFile {
            path: PathBuf::from(label),
            text: text.to_string(),
        },
        &builtin_lookup,
    )?;
    for set in sets {
        doc.apply_set(set)?;
    }
    from_document(doc)
}
