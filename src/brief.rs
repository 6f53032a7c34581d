//! `kizuna brief DIR`: one self-contained HTML page for a run, sweep or comparison directory, in
//! the order a policy reader asks: the question (the scenario's or sweep's header comment, from
//! `question.txt`), what differs between the arms (the resolved scenarios' key paths that differ,
//! or the swept parameters), the effects with their 95 % intervals (`compare.csv`,
//! `summary_stats.csv`, `points.csv`), the key plots embedded as base64 PNG, the fit to observed
//! data (`fit_summary.csv`) and, as caveats, the parameters with the largest Sobol indices
//! (`sobol.csv` of this directory or of `--sensitivity DIR`). No scripts, no fonts or styles from
//! the network: the page opens offline and can be mailed as one file.

use std::fmt::Write as _;
use std::path::Path;

/// Sections of every brief, in order (id, heading); tests look for the ids.
pub const SECTIONS: [(&str, &str); 7] = [
    ("question", "Question"),
    ("arms", "What differs between the arms"),
    ("effects", "Effects with 95 % intervals"),
    ("plots", "Key plots"),
    ("fit", "Fit to observed data"),
    ("caveats", "Caveats: the most influential parameters"),
    ("provenance", "What was run"),
];

/// Plots embedded at most (the others are listed by name); forest, Sobol and Morris plots first.
const MAX_PLOTS: usize = 24;

/// Parameters listed per metric among the caveats.
const TOP_PARAMETERS: usize = 3;

/// Rows shown per table (the page says how many were left out).
const MAX_ROWS: usize = 200;

/// Standard base64 (RFC 4648) with padding.
pub fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut s = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32;
        s.push(A[(n >> 18) as usize & 63] as char);
        s.push(A[(n >> 12) as usize & 63] as char);
        s.push(if chunk.len() > 1 {
            A[(n >> 6) as usize & 63] as char
        } else {
            '='
        });
        s.push(if chunk.len() > 2 {
            A[n as usize & 63] as char
        } else {
            '='
        });
    }
    s
}

fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// About 4 significant digits (full value in the cell's tooltip).
fn short(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return format!("{x}");
    }
    if x.abs() >= 1e6 || x.abs() < 1e-3 {
        format!("{x:.3e}")
    } else {
        let digits = (3 - x.abs().log10().floor() as i32).max(0) as usize;
        format!("{x:.digits$}")
    }
}

/// What kind of output directory a brief is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Run,
    Compare,
    Sweep,
}

/// Reads a CSV file into its header and rows (None when absent).
fn read_csv(path: &Path) -> Result<Option<(Vec<String>, Vec<Vec<String>>)>, String> {
    if !path.is_file() {
        return Ok(None);
    }
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(path)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let header = reader
        .headers()
        .map_err(|e| format!("{}: {e}", path.display()))?
        .iter()
        .map(str::to_string)
        .collect();
    let mut rows = Vec::new();
    for record in reader.records() {
        let r = record.map_err(|e| format!("{}: {e}", path.display()))?;
        rows.push(r.iter().map(str::to_string).collect());
    }
    Ok(Some((header, rows)))
}

/// A CSV cell as shown: floats shortened to about 4 significant digits.
fn shown(v: &str) -> String {
    match v.parse::<f64>() {
        Ok(x) if v.contains('.') || v.contains('e') => short(x),
        _ => v.to_string(),
    }
}

/// An HTML table of `columns` (by name) of `rows`; `marked` rows get the class `sig`.
fn html_table(
    header: &[String],
    rows: &[&Vec<String>],
    columns: &[&str],
    marked: &dyn Fn(&[String]) -> bool,
    file: &str,
) -> String {
    let idx: Vec<Option<usize>> = columns
        .iter()
        .map(|c| header.iter().position(|h| h == c))
        .collect();
    let mut s = String::from("<div class=\"scroll\"><table>\n<tr>");
    for c in columns {
        let _ = write!(s, "<th>{}</th>", esc(c));
    }
    s.push_str("</tr>\n");
    for r in rows.iter().take(MAX_ROWS) {
        s.push_str(if marked(r) {
            "<tr class=\"sig\">"
        } else {
            "<tr>"
        });
        for i in &idx {
            let v = i.and_then(|i| r.get(i)).map_or("", String::as_str);
            let _ = write!(s, "<td title=\"{}\">{}</td>", esc(v), esc(&shown(v)));
        }
        s.push_str("</tr>\n");
    }
    s.push_str("</table></div>\n");
    if rows.len() > MAX_ROWS {
        let _ = writeln!(
            s,
            "<p class=\"note\">First {MAX_ROWS} of {} rows; the whole table is in <code>{}</code>.</p>",
            rows.len(),
            esc(file)
        );
    }
    s
}

fn cell<'a>(header: &[String], row: &'a [String], name: &str) -> &'a str {
    header
        .iter()
        .position(|h| h == name)
        .and_then(|i| row.get(i))
        .map_or("", String::as_str)
}

fn number(header: &[String], row: &[String], name: &str) -> Option<f64> {
    cell(header, row, name).parse().ok()
}

/// Whether an interval [lo, hi] excludes 0.
fn excludes_zero(lo: Option<f64>, hi: Option<f64>) -> bool {
    matches!((lo, hi), (Some(lo), Some(hi)) if lo > 0.0 || hi < 0.0)
}

/// Flattens a TOML table into key paths as `--set` writes them (`donors[JICA].budget`,
/// `shocks[covid19].start`; elements without `code`/`id` by position) and display values.
pub fn flatten(table: &toml::Table) -> Vec<(String, String)> {
    fn walk(prefix: &str, v: &toml::Value, out: &mut Vec<(String, String)>) {
        match v {
            toml::Value::Table(t) => {
                for (k, v) in t {
                    let p = if prefix.is_empty() {
                        k.clone()
                    } else {
                        format!("{prefix}.{k}")
                    };
                    walk(&p, v, out);
                }
            }
            toml::Value::Array(items)
                if items.iter().all(|i| i.is_table()) && !items.is_empty() =>
            {
                for (i, item) in items.iter().enumerate() {
                    let key = item
                        .get("code")
                        .or_else(|| item.get("id"))
                        .and_then(|c| c.as_str())
                        .map_or_else(|| i.to_string(), str::to_string);
                    walk(&format!("{prefix}[{key}]"), item, out);
                }
            }
            toml::Value::String(x) => out.push((prefix.to_string(), x.clone())),
            other => out.push((prefix.to_string(), other.to_string())),
        }
    }
    let mut out = Vec::new();
    walk("", &toml::Value::Table(table.clone()), &mut out);
    out
}

/// Key paths whose values differ between two resolved scenarios: (path, a, b), "–" when absent.
pub fn scenario_diff(a: &toml::Table, b: &toml::Table) -> Vec<(String, String, String)> {
    let fa: std::collections::BTreeMap<String, String> = flatten(a).into_iter().collect();
    let fb: std::collections::BTreeMap<String, String> = flatten(b).into_iter().collect();
    let mut keys: Vec<&String> = fa.keys().chain(fb.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| fa.get(*k) != fb.get(*k))
        .map(|k| {
            let show = |m: &std::collections::BTreeMap<String, String>| {
                m.get(k).cloned().unwrap_or_else(|| "–".into())
            };
            (k.clone(), show(&fa), show(&fb))
        })
        .collect()
}

fn read_toml(path: &Path) -> Result<toml::Table, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    text.parse::<toml::Table>()
        .map_err(|e| format!("{}: {e}", path.display()))
}

/// File name of an arm's resolved scenario in a comparison directory.
pub fn arm_scenario_file(arm: &str) -> String {
    format!("scenarios/{arm}.resolved.toml")
}

fn section(s: &mut String, id: &str) {
    let heading = SECTIONS
        .iter()
        .find(|(i, _)| *i == id)
        .map_or(id, |(_, h)| *h);
    let _ = writeln!(s, "<section id=\"{id}\">\n<h2>{}</h2>", esc(heading));
}

fn question_html(dir: &Path) -> String {
    match std::fs::read_to_string(dir.join(QUESTION_FILE)) {
        Ok(text) if !text.trim().is_empty() => {
            format!("<pre class=\"question\">{}</pre>\n", esc(text.trim_end()))
        }
        _ => format!(
            "<p class=\"note\">No question recorded: <code>{QUESTION_FILE}</code> is missing (the scenario or sweep file had no header comment, or the directory was written by an older kizuna or by <code>kizuna merge</code>).</p>\n"
        ),
    }
}

/// The file holding the question: the header comment of the scenario (run), the baseline
/// (compare) or the sweep file.
pub const QUESTION_FILE: &str = "question.txt";

fn arms_html(dir: &Path, kind: Kind, manifest: &serde_json::Value) -> Result<String, String> {
    let mut s = String::new();
    match kind {
        Kind::Run => {
            let _ = writeln!(
                s,
                "<p>One scenario, <code>{}</code>, no arms: the figures below are over its replications. Its full resolved input is <code>scenario.resolved.toml</code>.</p>",
                esc(manifest["scenario"].as_str().unwrap_or("?"))
            );
        }
        Kind::Compare => {
            let names: Vec<&str> = manifest["scenarios"]
                .as_array()
                .map(|a| a.iter().filter_map(|v| v.as_str()).collect())
                .unwrap_or_default();
            let Some((base, rest)) = names.split_first() else {
                return Ok(s);
            };
            let base_path = dir.join(arm_scenario_file(base));
            if !base_path.is_file() {
                let _ = writeln!(
                    s,
                    "<p class=\"note\">The arms' resolved scenarios are not in this directory (written by an older kizuna): no diff.</p>"
                );
                return Ok(s);
            }
            let a = read_toml(&base_path)?;
            for arm in rest {
                let b = read_toml(&dir.join(arm_scenario_file(arm)))?;
                let diff: Vec<(String, String, String)> = scenario_diff(&a, &b)
                    .into_iter()
                    .filter(|(k, _, _)| k != "name" && k != "description")
                    .collect();
                let _ = writeln!(
                    s,
                    "<h3><code>{}</code> against the baseline <code>{}</code>: {} key paths differ</h3>",
                    esc(arm),
                    esc(base),
                    diff.len()
                );
                let header: Vec<String> = vec!["key path".into(), (*base).into(), (*arm).into()];
                let rows: Vec<Vec<String>> =
                    diff.into_iter().map(|(k, x, y)| vec![k, x, y]).collect();
                let refs: Vec<&Vec<String>> = rows.iter().collect();
                let cols: Vec<&str> = header.iter().map(String::as_str).collect();
                s.push_str(&html_table(
                    &header,
                    &refs,
                    &cols,
                    &|_| false,
                    &arm_scenario_file(arm),
                ));
            }
        }
        Kind::Sweep => {
            let resolved = read_toml(&dir.join(crate::sweep::run::SPEC_FILE))?;
            let empty = toml::Table::new();
            let spec = resolved
                .get("spec")
                .and_then(|v| v.as_table())
                .unwrap_or(&empty);
            let text = |v: Option<&toml::Value>| match v {
                Some(toml::Value::String(x)) => x.clone(),
                Some(other) => other.to_string(),
                None => "–".into(),
            };
            let design = spec.get("design");
            let _ = writeln!(
                s,
                "<p>Base scenario <code>{}</code>, design <code>{}</code> ({}), {} {} per point, seed {}. Each point differs from the base only in these parameters:</p>",
                esc(&text(spec.get("base"))),
                esc(&text(design.and_then(|d| d.get("kind")))),
                esc(&design
                    .and_then(|d| d.as_table())
                    .map(|d| {
                        d.iter()
                            .filter(|(k, _)| *k != "kind")
                            .map(|(k, v)| format!("{k} {v}"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    })
                    .unwrap_or_default()),
                esc(&text(spec.get("replications"))),
                if text(spec.get("replications")) == "1" {
                    "replication"
                } else {
                    "replications"
                },
                esc(&text(spec.get("seed")))
            );
            let header: Vec<String> = ["key", "min", "max", "values", "scale"]
                .iter()
                .map(|h| h.to_string())
                .collect();
            let rows: Vec<Vec<String>> = spec
                .get("parameters")
                .and_then(|p| p.as_array())
                .map(|ps| {
                    ps.iter()
                        .map(|p| {
                            let domain = p.get("domain");
                            let range = domain.and_then(|d| d.get("range"));
                            let values = domain.and_then(|d| d.get("values"));
                            vec![
                                text(p.get("key")),
                                range.map_or(String::new(), |r| text(r.get("min"))),
                                range.map_or(String::new(), |r| text(r.get("max"))),
                                values.map_or(String::new(), |v| v.to_string()),
                                text(p.get("scale")),
                            ]
                        })
                        .collect()
                })
                .unwrap_or_default();
            let refs: Vec<&Vec<String>> = rows.iter().collect();
            let cols: Vec<&str> = header.iter().map(String::as_str).collect();
            s.push_str(&html_table(
                &header,
                &refs,
                &cols,
                &|_| false,
                crate::sweep::run::SPEC_FILE,
            ));
        }
    }
    Ok(s)
}

fn effects_html(dir: &Path, kind: Kind, manifest: &serde_json::Value) -> Result<String, String> {
    let mut s = String::new();
    match kind {
        Kind::Compare => {
            let Some((h, rows)) = read_csv(&dir.join("compare.csv"))? else {
                return Ok("<p class=\"note\">No compare.csv.</p>\n".into());
            };
            s.push_str("<p>Difference = arm − baseline, paired by replication (common random numbers). Highlighted rows: the 95 % paired-t interval excludes 0. <em>undefined</em> counts replications where the metric does not exist in the baseline / arm (e.g. never recovered); they are left out of the difference, not dropped silently.</p>\n");
            let refs: Vec<&Vec<String>> = rows.iter().collect();
            let marked = |r: &[String]| excludes_zero(number(&h, r, "t_lo"), number(&h, r, "t_hi"));
            s.push_str(&html_table(
                &h,
                &refs,
                &[
                    "metric",
                    "scenario",
                    "mean_a",
                    "mean_b",
                    "diff_mean",
                    "t_lo",
                    "t_hi",
                    "boot_lo",
                    "boot_hi",
                    "n_defined",
                    "n_undefined_a",
                    "n_undefined_b",
                ],
                &marked,
                "compare.csv",
            ));
        }
        Kind::Run => {
            let Some((h, rows)) = read_csv(&dir.join("summary_stats.csv"))? else {
                return Ok("<p class=\"note\">No summary_stats.csv.</p>\n".into());
            };
            // Resilience metrics of the measured shocks first, then final levels.
            let shocks: Vec<String> = manifest["resilience_shocks"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|v| v.as_str())
                        .map(|x| format!("{x}."))
                        .collect()
                })
                .unwrap_or_default();
            let metric = |r: &Vec<String>| cell(&h, r, "metric").to_string();
            let mut refs: Vec<&Vec<String>> = rows
                .iter()
                .filter(|r| shocks.iter().any(|p| metric(r).starts_with(p.as_str())))
                .collect();
            refs.extend(rows.iter().filter(|r| metric(r).starts_with("final.")));
            let _ = writeln!(
                s,
                "<p>Mean over replications with its 95 % interval (Student t), the 5 % and 95 % quantiles, and how many replications the metric is undefined in (e.g. never recovered). Resilience of the measured shocks first, then the final level of every indicator ({} of {} rows of <code>summary_stats.csv</code>).</p>",
                refs.len(),
                rows.len()
            );
            s.push_str(&html_table(
                &h,
                &refs,
                &[
                    "metric",
                    "mean",
                    "ci95_lo",
                    "ci95_hi",
                    "q05",
                    "q95",
                    "n_defined",
                    "n_undefined",
                ],
                &|_| false,
                "summary_stats.csv",
            ));
        }
        Kind::Sweep => {
            let Some((h, rows)) = read_csv(&dir.join("points.csv"))? else {
                return Ok("<p class=\"note\">No points.csv.</p>\n".into());
            };
            // A Saltelli design's points are A, B and AB_i matrices, not arms to read one by one:
            // its effects are the Sobol indices.
            if let Some((sh, srows)) = read_csv(&dir.join("sobol.csv"))? {
                s.push_str(&format!(
                    "<p>Sobol indices of every metric on every swept parameter (<code>sobol.csv</code>): S1, the share of the metric's variance the parameter explains alone, and ST, alone or with others, with 95 % bootstrap intervals. Highlighted rows: the interval of S1 excludes 0. The {} design points behind them are in <code>points.csv</code>.</p>\n",
                    rows.len()
                ));
                let refs: Vec<&Vec<String>> = srows.iter().collect();
                let marked =
                    |r: &[String]| excludes_zero(number(&sh, r, "s1_lo"), number(&sh, r, "s1_hi"));
                let columns: Vec<&str> = sh.iter().map(String::as_str).collect();
                s.push_str(&html_table(&sh, &refs, &columns, &marked, "sobol.csv"));
                return Ok(s);
            }
            s.push_str("<p>One row per design point: the swept values and, per metric, the mean, sd and 5/50/95 % quantiles over replications (<code>points.csv</code>). The sensitivity indices are among the caveats below.</p>\n");
            let refs: Vec<&Vec<String>> = rows.iter().collect();
            let cols: Vec<&str> = h.iter().map(String::as_str).collect();
            s.push_str(&html_table(&h, &refs, &cols, &|_| false, "points.csv"));
        }
    }
    Ok(s)
}

/// Rank of a plot file in the "key plots" order (lower first).
fn plot_rank(name: &str) -> u8 {
    const ORDER: [&str; 9] = [
        "forest_", "sobol_", "morris_", "fan_", "trust_", "aid_", "heatmap_", "lines_", "tornado_",
    ];
    ORDER
        .iter()
        .position(|p| name.starts_with(p))
        .map_or(ORDER.len() as u8, |i| i as u8)
}

fn plots_html(dir: &Path) -> Result<String, String> {
    let mut plots: Vec<std::path::PathBuf> = std::fs::read_dir(dir.join("plots"))
        .map(|rd| {
            rd.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "png"))
                .collect()
        })
        .unwrap_or_default();
    let name = |p: &std::path::PathBuf| {
        p.file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string()
    };
    plots.sort_by_key(|p| (plot_rank(&name(p)), name(p)));
    if plots.is_empty() {
        return Ok("<p class=\"note\">No plots in this directory (run without <code>--no-plots</code>, or <code>kizuna plot DIR</code>).</p>\n".into());
    }
    let mut s = String::from("<div class=\"plots\">\n");
    for p in plots.iter().take(MAX_PLOTS) {
        let bytes = std::fs::read(p).map_err(|e| format!("{}: {e}", p.display()))?;
        let _ = writeln!(
            s,
            "<figure><img alt=\"{0}\" src=\"data:image/png;base64,{1}\"><figcaption><code>plots/{0}</code></figcaption></figure>",
            esc(&name(p)),
            base64(&bytes)
        );
    }
    s.push_str("</div>\n");
    if plots.len() > MAX_PLOTS {
        let rest: Vec<String> = plots[MAX_PLOTS..]
            .iter()
            .map(|p| format!("<code>{}</code>", esc(&name(p))))
            .collect();
        let _ = writeln!(
            s,
            "<p class=\"note\">{} more plots in <code>plots/</code>, not embedded: {}.</p>",
            rest.len(),
            rest.join(", ")
        );
    }
    Ok(s)
}

fn fit_html(dir: &Path, kind: Kind) -> Result<String, String> {
    match read_csv(&dir.join("fit_summary.csv"))? {
        Some((h, rows)) => {
            let mut s = String::from(
                "<p>Per observed series (data/): root mean squared log error and the geometric mean of simulated over observed, over the replications (<code>fit_summary.csv</code>; which series calibrate and which validate: docs/MODEL_NOTES.md).</p>\n",
            );
            let refs: Vec<&Vec<String>> = rows.iter().collect();
            let cols: Vec<&str> = h.iter().map(String::as_str).collect();
            s.push_str(&html_table(&h, &refs, &cols, &|_| false, "fit_summary.csv"));
            Ok(s)
        }
        None => Ok(format!(
            "<p class=\"note\">No fit to data in this directory: {}</p>\n",
            match kind {
                Kind::Run =>
                    "the scenario has no indicator with an observed series (or the run predates the fit report).",
                Kind::Compare =>
                    "<code>kizuna compare</code> does not compute one; run an arm with <code>kizuna run</code> (which writes <code>fit_summary.csv</code>) to see how it fits the data.",
                Kind::Sweep =>
                    "sweeps do not compute one; run the base scenario with <code>kizuna run</code> to see how it fits the data.",
            }
        )),
    }
}

/// The caveats: per metric of `sobol.csv` the parameters with the largest total index.
fn caveats_html(dir: &Path, sensitivity: Option<&Path>) -> Result<String, String> {
    let source = match sensitivity {
        Some(d) => d.to_path_buf(),
        None => dir.to_path_buf(),
    };
    let Some((h, rows)) = read_csv(&source.join("sobol.csv"))? else {
        return Ok(format!(
            "<p class=\"note\">No sensitivity indices measured for this result: there is no <code>sobol.csv</code> in <code>{}</code>. Pass <code>--sensitivity DIR</code> with the directory of a <code>saltelli</code> sweep (e.g. <code>scenarios/sweeps/default_aid_cut_sobol.toml</code>, docs/EXPERIMENTS.md) to list the parameters its results depend on most.</p>\n",
            esc(&source.display().to_string())
        ));
    };
    let mut metrics: Vec<&str> = Vec::new();
    for r in &rows {
        let m = cell(&h, r, "metric");
        if !metrics.contains(&m) {
            metrics.push(m);
        }
    }
    let mut s = format!(
        "<p>From <code>{}</code>: for each metric the {TOP_PARAMETERS} parameters with the largest total Sobol index ST (share of the metric's variance the parameter explains, alone or with others; S1 alone), with 95 % bootstrap intervals. Results that hinge on these parameters are only as good as their values.</p>\n",
        esc(&source.join("sobol.csv").display().to_string())
    );
    let mut top_rows: Vec<Vec<String>> = Vec::new();
    for m in metrics {
        let mut of: Vec<&Vec<String>> =
            rows.iter().filter(|r| cell(&h, r, "metric") == m).collect();
        of.sort_by(|a, b| {
            let st = |r: &Vec<String>| number(&h, r, "st").unwrap_or(f64::NEG_INFINITY);
            st(b).total_cmp(&st(a))
        });
        top_rows.extend(of.into_iter().take(TOP_PARAMETERS).cloned());
    }
    let refs: Vec<&Vec<String>> = top_rows.iter().collect();
    s.push_str(&html_table(
        &h,
        &refs,
        &[
            "metric",
            "parameter",
            "st",
            "st_lo",
            "st_hi",
            "s1",
            "s1_lo",
            "s1_hi",
            "n_defined",
        ],
        &|_| false,
        "sobol.csv",
    ));
    Ok(s)
}

/// The page for `dir`; `sensitivity` is a sweep directory whose `sobol.csv` gives the caveats
/// (default: `dir` itself). Fails when `dir` holds no manifest.json.
pub fn brief_html(dir: &Path, sensitivity: Option<&Path>) -> Result<String, String> {
    let manifest_path = dir.join("manifest.json");
    let text = std::fs::read_to_string(&manifest_path).map_err(|_| {
        format!(
            "{}: no manifest.json here (expected a run, sweep or compare output directory)",
            dir.display()
        )
    })?;
    let manifest: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", manifest_path.display()))?;
    let (kind, title) = if let Some(s) = manifest.get("scenarios").and_then(|s| s.as_array()) {
        let names: Vec<&str> = s.iter().filter_map(|v| v.as_str()).collect();
        (Kind::Compare, format!("Comparison: {}", names.join(" vs ")))
    } else if let Some(s) = manifest.get("scenario").and_then(|s| s.as_str()) {
        (Kind::Run, format!("Run: {s}"))
    } else {
        let name = manifest.get("name").and_then(|s| s.as_str()).unwrap_or("?");
        (Kind::Sweep, format!("Sweep: {name}"))
    };
    let mut s = String::new();
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>\n\
         body {{ font-family: sans-serif; max-width: 1150px; margin: 2em auto; padding: 0 1em; color: #111; }}\n\
         table {{ border-collapse: collapse; font-size: 0.8em; }}\n\
         th, td {{ border: 1px solid #ccc; padding: 2px 6px; text-align: right; white-space: nowrap; }}\n\
         td:first-child, th:first-child {{ text-align: left; }}\n\
         th {{ background: #eee; position: sticky; top: 0; }}\n\
         tr.sig td {{ background: #fff4d6; font-weight: bold; }}\n\
         .scroll {{ max-height: 30em; overflow: auto; margin-bottom: 1em; }}\n\
         img {{ max-width: 100%; border: 1px solid #ddd; }}\n\
         .plots {{ display: grid; grid-template-columns: 1fr 1fr; gap: 0.8em; }}\n\
         figure {{ margin: 0; }} figcaption {{ font-size: 0.8em; }} .note {{ color: #555; font-size: 0.9em; }}\n\
         section {{ border-top: 2px solid #345; margin-top: 2em; }}\n\
         pre {{ background: #f6f6f6; padding: 0.8em; overflow: auto; font-size: 0.85em; white-space: pre-wrap; }}\n\
         pre.question {{ background: #eef4fa; font-size: 0.9em; }}\n\
         </style>\n</head>\n<body>\n<h1>{}</h1>\n",
        esc(&title),
        esc(&title)
    );
    let _ = writeln!(
        s,
        "<p class=\"note\">Generated by kizuna {} from <code>{}</code>. Every number comes from the files of that directory (formats in docs/OUTPUTS.md).</p>",
        env!("CARGO_PKG_VERSION"),
        esc(&dir.display().to_string())
    );
    let parts = [
        ("question", question_html(dir)),
        ("arms", arms_html(dir, kind, &manifest)?),
        ("effects", effects_html(dir, kind, &manifest)?),
        ("plots", plots_html(dir)?),
        ("fit", fit_html(dir, kind)?),
        ("caveats", caveats_html(dir, sensitivity)?),
        (
            "provenance",
            format!(
                "<pre>{}</pre>\n",
                esc(&serde_json::to_string_pretty(&manifest).unwrap_or_default())
            ),
        ),
    ];
    for (id, html) in parts {
        section(&mut s, id);
        s.push_str(&html);
        s.push_str("</section>\n");
    }
    s.push_str("</body>\n</html>\n");
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc4648_examples() {
        for (plain, enc) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(plain.as_bytes()), enc);
        }
    }

    #[test]
    fn scenario_diff_names_changed_added_and_removed_key_paths() {
        let a: toml::Table = "name = \"a\"\n[[shocks]]\nid = \"cut\"\nramp_quarters = 0\n[[donors]]\ncode = \"JICA\"\nbudget = 1.0\n"
            .parse()
            .unwrap();
        let b: toml::Table = "name = \"a\"\n[[shocks]]\nid = \"cut\"\nramp_quarters = 11\nduration_quarters = 21\n[[donors]]\ncode = \"JICA\"\nbudget = 1.0\n"
            .parse()
            .unwrap();
        assert_eq!(
            scenario_diff(&a, &b),
            vec![
                (
                    "shocks[cut].duration_quarters".to_string(),
                    "–".to_string(),
                    "21".to_string()
                ),
                (
                    "shocks[cut].ramp_quarters".to_string(),
                    "0".to_string(),
                    "11".to_string()
                ),
            ]
        );
        assert!(scenario_diff(&a, &a).is_empty());
    }

    #[test]
    fn key_plots_come_first() {
        assert!(plot_rank("forest_levels.png") < plot_rank("fan_x.png"));
        assert!(plot_rank("sobol_fdi.png") < plot_rank("heatmap_fdi.png"));
        assert!(plot_rank("fan_x.png") < plot_rank("shock_covid19_x.png"));
    }

    #[test]
    fn html_is_escaped() {
        assert_eq!(esc("a<b & \"c\">"), "a&lt;b &amp; &quot;c&quot;&gt;");
    }
}
