//! World files: `kizuna run --save-at QUARTER FILE` saves every replication's world after a
//! quarter, and `kizuna run SCENARIO --from FILE` continues another scenario from them (a policy
//! branch from a common history). Format and rules in `docs/OUTPUTS.md` ("World files").
//!
//! A file is the magic line [`MAGIC`], then a postcard-encoded [`WorldFileHeader`], then the
//! postcard-encoded checkpoints (one per replication, in replication order). The header is read
//! first, so a file of another kizuna version or scenario is refused with a message before its
//! worlds are decoded.

use crate::model::Checkpoint;
use crate::model::config::Config;
use crate::model::time::Quarter;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// First bytes of every world file.
pub const MAGIC: &[u8] = b"kizuna world file\n";
/// Version of the layout after [`MAGIC`]; a reader refuses others.
pub const FORMAT_VERSION: u32 = 1;

/// What a world file says about itself; the worlds follow it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorldFileHeader {
    pub format_version: u32,
    /// The kizuna version that wrote the file (the state layout belongs to it).
    pub kizuna_version: String,
    pub scenario: String,
    /// SHA-256 of the resolved scenario (as in `manifest.json`).
    pub scenario_sha256: String,
    pub seed: u64,
    /// The last quarter simulated before the save; a branch changes things from the next one.
    pub saved_after: String,
    /// Index of the next step (the first quarter a branch simulates).
    pub next_step: u32,
    pub replications: u32,
    /// Everything in the scenario that acts before `next_step`, as `(what, value)`: a branch
    /// must match it (see [`history_fingerprint`]).
    pub history: Vec<(String, String)>,
}

/// The parts of `cfg` that can act on quarters before step `next_step` (the history a branch
/// shares), each as `(label, value)` with a label that says what it is. Items that start at or
/// after `next_step` (shocks, programmes, institutions, events, talent regimes) are left out, and
/// paths are cut there, so a branch may add, remove or change them. End dates and durations
/// reaching past the save point are cut at it: a branch may end a programme or shock earlier as
/// long as it ends after the save point. The horizon is part of it (the world holds per-quarter
/// ledgers sized by it).
pub fn history_fingerprint(cfg: &Config, next_step: u32) -> Vec<(String, String)> {
    let next = cfg.quarter_of(next_step);
    let steps = next_step as usize;
    let cut = |v: &[f64]| v[..steps.min(v.len())].to_vec();
    let clamp = |end: Option<Quarter>| Some(end.map_or(next, |e| e.min(next)));
    let mut items: Vec<(String, String)> = vec![
        ("run.seed".into(), cfg.seed.to_string()),
        ("horizon".into(), format!("{}..{}", cfg.start, cfg.end)),
    ];
    if let Ok(params) = serde_json::to_value(&cfg.params) {
        flatten_json("parameters", &params, &mut items);
    }
    for c in &cfg.countries {
        let mut c = c.clone();
        c.gdp_usd_per_year = cut(&c.gdp_usd_per_year);
        c.population = cut(&c.population);
        items.push((format!("country {}", c.code), format!("{c:?}")));
    }
    for p in &cfg.pairs {
        items.push((format!("pair {}", p.label), format!("{p:?}")));
    }
    for d in &cfg.donors {
        let mut d = d.clone();
        for r in &mut d.recipients {
            r.eligibility = cut(&r.eligibility);
        }
        items.push((format!("donor {}", d.code), format!("{d:?}")));
    }
    for (n, f) in cfg.firm_populations.iter().enumerate() {
        let country = &cfg.countries[f.country.index()].code;
        items.push((
            format!(
                "firm population {} ({country} {:?} sector {})",
                n + 1,
                f.kind,
                f.sector
            ),
            format!("{f:?}"),
        ));
    }
    for i in cfg.institutions.iter().filter(|i| i.opens < next) {
        let mut i = i.clone();
        i.closes = clamp(i.closes);
        items.push((format!("institution {}", i.name), format!("{i:?}")));
    }
    for p in cfg.programmes.iter().filter(|p| p.initiation_start < next) {
        let mut p = p.clone();
        p.end = clamp(p.end);
        items.push((format!("programme {}", p.name), format!("{p:?}")));
    }
    for d in &cfg.talent_destinations {
        let mut d = d.clone();
        d.working_age_population = cut(&d.working_age_population);
        for regimes in &mut d.regimes {
            regimes.retain(|r| r.from < next);
        }
        let country = &cfg.countries[d.country.index()].code;
        items.push((format!("talent destination {country}"), format!("{d:?}")));
    }
    for o in &cfg.talent_origins {
        let mut o = o.clone();
        o.population = cut(&o.population);
        o.income_per_capita_usd = cut(&o.income_per_capita_usd);
        o.emigrants_elsewhere = cut(&o.emigrants_elsewhere);
        items.push((format!("talent origin {}", o.label), format!("{o:?}")));
    }
    for s in cfg.shocks.iter().filter(|s| s.start < next) {
        let mut s = s.clone();
        s.duration_q = s.duration_q.min(next.since(s.start).max(0) as u32);
        items.push((format!("shock {}", s.id), format!("{s:?}")));
    }
    for e in cfg.events.iter().filter(|e| e.at < next) {
        let pair = &cfg.pairs[e.pair.index()].label;
        items.push((
            format!("event {pair} {} {}", e.at, e.label),
            format!("{e:?}"),
        ));
    }
    items
}

fn flatten_json(prefix: &str, value: &serde_json::Value, out: &mut Vec<(String, String)>) {
    match value {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                flatten_json(&format!("{prefix}.{k}"), v, out);
            }
        }
        leaf => out.push((prefix.to_string(), leaf.to_string())),
    }
}

/// What differs between the history of a saved world and that of a branch, one line each
/// (empty if they match).
pub fn history_differences(saved: &[(String, String)], branch: &[(String, String)]) -> Vec<String> {
    let mut lines = Vec::new();
    for (label, value) in saved {
        match branch.iter().find(|(l, _)| l == label) {
            None => lines.push(format!("{label}: in the saved world, not in this scenario")),
            Some((_, v)) if v != value => {
                let fields = differing_fields(value, v);
                if fields.is_empty() {
                    lines.push(format!("{label}: {value} in the saved world, {v} here"));
                } else {
                    lines.push(format!("{label}: {}", fields.join("; ")));
                }
            }
            Some(_) => {}
        }
    }
    for (label, _) in branch {
        if !saved.iter().any(|(l, _)| l == label) {
            lines.push(format!("{label}: in this scenario, not in the saved world"));
        }
    }
    lines
}

/// The top-level fields that differ between two `Debug` texts of one struct, as
/// `field: saved → here` (empty if either is not a struct).
fn differing_fields(saved: &str, here: &str) -> Vec<String> {
    let (Some(a), Some(b)) = (struct_fields(saved), struct_fields(here)) else {
        return Vec::new();
    };
    a.iter()
        .zip(&b)
        .filter(|(x, y)| x != y)
        .map(|((name, x), (_, y))| {
            format!("{name}: {} in the saved world, {} here", short(x), short(y))
        })
        .collect()
}

fn short(text: &str) -> String {
    const MAX: usize = 80;
    if text.chars().count() <= MAX {
        text.to_string()
    } else {
        let head: String = text.chars().take(MAX).collect();
        format!("{head}…")
    }
}

/// `Name { a: 1, b: [2, 3] }` → `[("a", "1"), ("b", "[2, 3]")]`.
fn struct_fields(debug: &str) -> Option<Vec<(String, String)>> {
    let open = debug.find(" { ")?;
    let body = debug[open + 3..].strip_suffix(" }")?;
    let mut fields = Vec::new();
    let (mut depth, mut in_string, mut start) = (0i32, false, 0);
    let bytes = body.as_bytes();
    let mut push = |part: &str| {
        if let Some((name, value)) = part.split_once(": ") {
            fields.push((name.trim().to_string(), value.trim().to_string()));
        }
    };
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if in_string => i += 1,
            b'"' => in_string = !in_string,
            b'{' | b'[' | b'(' if !in_string => depth += 1,
            b'}' | b']' | b')' if !in_string => depth -= 1,
            b',' if !in_string && depth == 0 => {
                push(&body[start..i]);
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    push(&body[start..]);
    Some(fields)
}

/// Writes a world file (beside `path`, then renamed onto it, so a failed write leaves no
/// half-written file). An existing `path` that is not a world file is refused.
pub fn write(path: &Path, header: &WorldFileHeader, worlds: &[Checkpoint]) -> Result<(), String> {
    if let Some(problem) = target_problem(path) {
        return Err(problem);
    }
    let mut bytes = MAGIC.to_vec();
    let encode = |e: postcard::Error| format!("cannot encode the world: {e}");
    bytes.extend(postcard::to_allocvec(header).map_err(encode)?);
    bytes.extend(postcard::to_allocvec(worlds).map_err(encode)?);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "world".into());
    let staging = path.with_file_name(format!(".{name}.partial-{}", std::process::id()));
    let io = |e: std::io::Error| format!("cannot write {}: {e}", path.display());
    std::fs::write(&staging, &bytes).map_err(io)?;
    std::fs::rename(&staging, path).map_err(|e| {
        let _ = std::fs::remove_file(&staging);
        io(e)
    })
}

/// Why a world file cannot be written at `path` (checked before simulating, and again when
/// writing): only a world file is replaced.
pub fn target_problem(path: &Path) -> Option<String> {
    if path.is_dir() {
        return Some(format!(
            "--save-at: {} is a directory; give a file name",
            path.display()
        ));
    }
    (path.exists() && !is_world_file(path)).then(|| {
        format!(
            "--save-at: {} exists and is not a kizuna world file; refusing to overwrite it (choose another file name)",
            path.display()
        )
    })
}

fn is_world_file(path: &Path) -> bool {
    use std::io::Read;
    let mut start = vec![0u8; MAGIC.len()];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut start))
        .is_ok_and(|()| start == MAGIC)
}

/// Reads the header of a world file and returns it with the undecoded rest.
pub fn read_header(path: &Path) -> Result<(WorldFileHeader, Vec<u8>), String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let Some(rest) = bytes.strip_prefix(MAGIC) else {
        return Err(format!(
            "{}: not a kizuna world file (write one with `kizuna run --save-at QUARTER FILE`)",
            path.display()
        ));
    };
    let (header, rest): (WorldFileHeader, &[u8]) = postcard::take_from_bytes(rest)
        .map_err(|e| format!("{}: damaged world file header: {e}", path.display()))?;
    if header.format_version != FORMAT_VERSION {
        return Err(format!(
            "{}: world file format {} (this kizuna reads format {FORMAT_VERSION})",
            path.display(),
            header.format_version
        ));
    }
    let version = env!("CARGO_PKG_VERSION");
    if header.kizuna_version != version {
        return Err(format!(
            "{}: written by kizuna {}, this is kizuna {version}; a world can only be continued by the version that saved it",
            path.display(),
            header.kizuna_version
        ));
    }
    Ok((header, rest.to_vec()))
}

/// Decodes the worlds that follow the header.
pub fn read_worlds(path: &Path, rest: &[u8]) -> Result<Vec<Checkpoint>, String> {
    postcard::from_bytes(rest).map_err(|e| format!("{}: damaged world file: {e}", path.display()))
}

/// Why `cfg`, run with `replications` replications, cannot continue from the worlds of
/// `header` (one line per reason), or `Ok` if it can.
pub fn check_branch(
    header: &WorldFileHeader,
    cfg: &Config,
    replications: u32,
) -> Result<(), Vec<String>> {
    let mut problems = Vec::new();
    if replications > header.replications {
        problems.push(format!(
            "the file holds {} replications (0–{}), this run asks for {replications} (pass --replications {} or fewer)",
            header.replications,
            header.replications.saturating_sub(1),
            header.replications
        ));
    }
    problems.extend(history_differences(
        &header.history,
        &history_fingerprint(cfg, header.next_step),
    ));
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

/// The step before which `--save-at QUARTER` saves: the one after `QUARTER`, which must lie in
/// the horizon (and not before `from_step`, where a branch starts).
pub fn save_step(cfg: &Config, quarter: &str, from_step: u32) -> Result<u32, String> {
    let q = Quarter::parse(quarter)
        .ok_or_else(|| format!("--save-at {quarter}: expected a quarter such as 2024Q4"))?;
    let step = cfg.step_of(q).ok_or_else(|| {
        format!(
            "--save-at {quarter}: outside the horizon {}..{}",
            cfg.start, cfg.end
        )
    })? + 1;
    if step < from_step {
        return Err(format!(
            "--save-at {quarter}: before the quarter the saved world continues from ({}); allowed: {} to {}",
            cfg.quarter_of(from_step),
            cfg.quarter_of(from_step.saturating_sub(1)),
            cfg.end
        ));
    }
    Ok(step)
}

/// The header of a file saving `cfg` before step `next_step` (scenario hash as in the manifest).
pub fn header(
    cfg: &Config,
    scenario_sha256: String,
    next_step: u32,
    replications: u32,
) -> WorldFileHeader {
    WorldFileHeader {
        format_version: FORMAT_VERSION,
        kizuna_version: env!("CARGO_PKG_VERSION").to_string(),
        scenario: cfg.name.clone(),
        scenario_sha256,
        seed: cfg.seed,
        saved_after: cfg.quarter_of(next_step.saturating_sub(1)).to_string(),
        next_step,
        replications,
        history: history_fingerprint(cfg, next_step),
    }
}

/// Reads `path` and returns its header and the checkpoints of replications `0..replications`,
/// if `cfg` can continue from them; otherwise every reason why not, in one message.
pub fn load_branch(
    path: &Path,
    cfg: &Config,
    replications: u32,
) -> Result<(WorldFileHeader, Vec<Checkpoint>), String> {
    let (header, rest) = read_header(path)?;
    if let Err(problems) = check_branch(&header, cfg, replications) {
        return Err(format!(
            "{}: scenario {} cannot continue from this world (saved by scenario {} after {}):\n  {}\nA branch may change only what acts from {} on (shocks, programmes, institutions, events, talent regimes that start then or later; end dates after the save point).",
            path.display(),
            cfg.name,
            header.scenario,
            header.saved_after,
            problems.join("\n  "),
            cfg.quarter_of(header.next_step)
        ));
    }
    let mut worlds = read_worlds(path, &rest)?;
    if worlds.len() < replications as usize
        || worlds
            .iter()
            .enumerate()
            .any(|(r, c)| c.replication != r as u32)
    {
        return Err(format!(
            "{}: damaged world file: expected replications 0–{} in order",
            path.display(),
            header.replications.saturating_sub(1)
        ));
    }
    worlds.truncate(replications as usize);
    Ok((header, worlds))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn differing_fields_name_the_field_and_both_values() {
        let a =
            "FirmPopulation { country: CountryId(0), kind: Domestic, count: 200, name: \"a, b\" }";
        let b =
            "FirmPopulation { country: CountryId(0), kind: Domestic, count: 300, name: \"a, b\" }";
        assert_eq!(
            differing_fields(a, b),
            vec!["count: 200 in the saved world, 300 here".to_string()]
        );
    }

    #[test]
    fn history_differences_report_changed_added_and_removed_items() {
        let saved = vec![
            ("a".to_string(), "1".to_string()),
            ("b".to_string(), "2".to_string()),
        ];
        let branch = vec![
            ("a".to_string(), "5".to_string()),
            ("c".to_string(), "3".to_string()),
        ];
        assert_eq!(
            history_differences(&saved, &branch),
            vec![
                "a: 1 in the saved world, 5 here".to_string(),
                "b: in the saved world, not in this scenario".to_string(),
                "c: in this scenario, not in the saved world".to_string(),
            ]
        );
    }
}
