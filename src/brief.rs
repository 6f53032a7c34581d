//! `kizuna brief DIR`: one self-contained HTML page for a run, sweep or comparison directory —
//! what was run (manifest), the main tables and every plot embedded as base64 PNG. No scripts,
//! no fonts or styles from the network: the page opens offline and can be mailed as one file.

use std::fmt::Write as _;
use std::path::Path;

/// Tables shown, in this order, when present (file, heading).
const TABLES: [(&str, &str); 7] = [
    ("compare.csv", "Paired differences to the baseline"),
    ("summary_stats.csv", "Summary statistics over replications"),
    ("fit_summary.csv", "Fit to observed data"),
    ("sobol.csv", "Sobol sensitivity indices"),
    ("morris.csv", "Morris elementary effects"),
    ("points.csv", "Design points"),
    ("resilience.csv", "Resilience per replication"),
];

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

fn table_html(path: &Path) -> Result<String, String> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(path)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let header = reader
        .headers()
        .map_err(|e| format!("{}: {e}", path.display()))?
        .clone();
    let mut s = String::from("<div class=\"scroll\"><table>\n<tr>");
    for h in &header {
        let _ = write!(s, "<th>{}</th>", esc(h));
    }
    s.push_str("</tr>\n");
    let mut total = 0;
    for record in reader.records() {
        let r = record.map_err(|e| format!("{}: {e}", path.display()))?;
        total += 1;
        if total > MAX_ROWS {
            continue;
        }
        s.push_str("<tr>");
        for v in &r {
            let shown = match v.parse::<f64>() {
                Ok(x) if v.contains('.') || v.contains('e') => short(x),
                _ => v.to_string(),
            };
            let _ = write!(s, "<td title=\"{}\">{}</td>", esc(v), esc(&shown));
        }
        s.push_str("</tr>\n");
    }
    s.push_str("</table></div>\n");
    if total > MAX_ROWS {
        let _ = writeln!(
            s,
            "<p class=\"note\">First {MAX_ROWS} of {total} rows; the whole table is in <code>{}</code>.</p>",
            esc(&path.file_name().unwrap_or_default().to_string_lossy())
        );
    }
    Ok(s)
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

/// The page for `dir`. Fails when `dir` holds no manifest.json and no plots.
pub fn brief_html(dir: &Path) -> Result<String, String> {
    let manifest_path = dir.join("manifest.json");
    let manifest: Option<serde_json::Value> = std::fs::read_to_string(&manifest_path)
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok());
    let mut plots: Vec<std::path::PathBuf> = std::fs::read_dir(dir.join("plots"))
        .map(|rd| {
            rd.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "png"))
                .collect()
        })
        .unwrap_or_default();
    plots.sort();
    if manifest.is_none() && plots.is_empty() {
        return Err(format!(
            "{}: no manifest.json and no plots/ here (expected a run, sweep or compare output directory)",
            dir.display()
        ));
    }
    let title = manifest
        .as_ref()
        .and_then(|m| {
            if let Some(s) = m.get("scenarios").and_then(|s| s.as_array()) {
                let names: Vec<&str> = s.iter().filter_map(|v| v.as_str()).collect();
                return Some(format!("Comparison: {}", names.join(" vs ")));
            }
            if let Some(s) = m.get("scenario").and_then(|s| s.as_str()) {
                return Some(format!("Run: {s}"));
            }
            m.get("name")
                .and_then(|s| s.as_str())
                .map(|s| format!("Sweep: {s}"))
        })
        .unwrap_or_else(|| dir.display().to_string());
    let mut s = String::new();
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>\n\
         body {{ font-family: sans-serif; max-width: 1200px; margin: 2em auto; padding: 0 1em; color: #111; }}\n\
         table {{ border-collapse: collapse; font-size: 0.8em; }}\n\
         th, td {{ border: 1px solid #ccc; padding: 2px 6px; text-align: right; white-space: nowrap; }}\n\
         th {{ background: #eee; position: sticky; top: 0; }}\n\
         .scroll {{ max-height: 32em; overflow: auto; margin-bottom: 1em; }}\n\
         img {{ max-width: 100%; border: 1px solid #ddd; }}\n\
         figure {{ margin: 1.5em 0; }} .note {{ color: #555; font-size: 0.9em; }}\n\
         pre {{ background: #f6f6f6; padding: 0.8em; overflow: auto; font-size: 0.85em; }}\n\
         </style>\n</head>\n<body>\n<h1>{}</h1>\n",
        esc(&title),
        esc(&title)
    );
    let _ = writeln!(
        s,
        "<p class=\"note\">Generated by kizuna {} from <code>{}</code>. Every number comes from the CSV files of that directory (formats in docs/OUTPUTS.md).</p>",
        env!("CARGO_PKG_VERSION"),
        esc(&dir.display().to_string())
    );
    if let Some(m) = &manifest {
        let _ = writeln!(
            s,
            "<h2>What was run</h2>\n<pre>{}</pre>",
            esc(&serde_json::to_string_pretty(m).unwrap_or_default())
        );
    }
    for (file, heading) in TABLES {
        let path = dir.join(file);
        if path.is_file() {
            let _ = writeln!(
                s,
                "<h2>{} <small><code>{file}</code></small></h2>",
                esc(heading)
            );
            s.push_str(&table_html(&path)?);
        }
    }
    if !plots.is_empty() {
        s.push_str("<h2>Plots</h2>\n");
    }
    for p in &plots {
        let bytes = std::fs::read(p).map_err(|e| format!("{}: {e}", p.display()))?;
        let name = p.file_name().unwrap_or_default().to_string_lossy();
        let _ = writeln!(
            s,
            "<figure><img alt=\"{0}\" src=\"data:image/png;base64,{1}\"><figcaption><code>plots/{0}</code></figcaption></figure>",
            esc(&name),
            base64(&bytes)
        );
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
    fn html_is_escaped() {
        assert_eq!(esc("a<b & \"c\">"), "a&lt;b &amp; &quot;c&quot;&gt;");
    }
}
