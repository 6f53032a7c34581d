//! Crash-safe journals and atomic output files, shared by the experiment engines (`sweep`,
//! `calibrate`).
//!
//! A journal is a text file: one header line (the engine's magic string and `key=value`
//! fields), then one line per finished unit of work,
//! `<index> <value|_>... <fnv1a-64 of the preceding text, hex>\n`, written with one `write` per
//! line on an `O_APPEND` file. A crash (even `kill -9`) leaves at most a torn last line, which
//! [`read_rows`] reports so the caller can cut it off before appending. Values are written with
//! Rust's shortest round-trip formatting, so a value read back is bit-identical.

use std::fs::{self, File};
use std::io::{IsTerminal, Write};
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Minimum interval between two `fsync`s of a journal.
const SYNC_INTERVAL: Duration = Duration::from_millis(200);

pub(crate) fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= *b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// One journal line: `<index> <value|_>... <fnv1a-64 of the preceding text, hex>\n`.
pub(crate) fn journal_line(index: u64, row: &[Option<f64>]) -> String {
    let mut s = index.to_string();
    for v in row {
        s.push(' ');
        match v {
            Some(x) => s.push_str(&x.to_string()),
            None => s.push('_'),
        }
    }
    s.push(' ');
    let sum = fnv1a(s.as_bytes());
    s.push_str(&format!("{sum:016x}\n"));
    s
}

/// Parses one line (without its newline); `None` if the checksum or the width is wrong.
pub(crate) fn parse_journal_line(line: &str, width: usize) -> Option<(u64, Vec<Option<f64>>)> {
    let (body, sum) = line.rsplit_once(' ')?;
    let body_sp = &line[..body.len() + 1];
    if sum.len() != 16 || u64::from_str_radix(sum, 16).ok()? != fnv1a(body_sp.as_bytes()) {
        return None;
    }
    let mut it = body.split(' ');
    let index = it.next()?.parse().ok()?;
    let row: Option<Vec<Option<f64>>> = it
        .map(|t| {
            if t == "_" {
                Some(None)
            } else {
                t.parse::<f64>().ok().map(Some)
            }
        })
        .collect();
    let row = row?;
    (row.len() == width).then_some((index, row))
}

/// The header fields after `magic` (`key=value` separated by spaces), or why not.
pub(crate) fn header_fields(
    text: &str,
    magic: &str,
) -> Result<(Vec<(String, String)>, usize), String> {
    let Some(header_end) = text.find('\n') else {
        return Err("journal header is incomplete; delete the directory and start again".into());
    };
    let rest = text[..header_end]
        .strip_prefix(magic)
        .ok_or_else(|| format!("not a {magic} journal"))?;
    let fields = rest
        .split_whitespace()
        .filter_map(|f| {
            f.split_once('=')
                .map(|(k, v)| (k.to_string(), v.to_string()))
        })
        .collect();
    Ok((fields, header_end + 1))
}

/// What [`read_rows`] found besides the rows.
pub(crate) struct RowsRead {
    /// Byte length of the valid prefix (header and complete lines).
    pub valid_len: u64,
    /// The last line was torn (an interrupted write): cut the file to `valid_len` before appending.
    pub torn_tail: bool,
}

/// Reads the journal lines after the header (which ends at byte `start`), calling `on_row` for
/// each complete line in file order. Only the last line may be torn; any other bad line is an
/// error naming its line number. `on_row` may reject a row (its message gets the line number).
pub(crate) fn read_rows(
    text: &str,
    start: usize,
    width: usize,
    mut on_row: impl FnMut(u64, Vec<Option<f64>>) -> Result<(), String>,
) -> Result<RowsRead, String> {
    let mut pos = start;
    let mut torn_tail = false;
    let mut line_no = 1;
    while pos < text.len() {
        line_no += 1;
        let (line, next, terminated) = match text[pos..].find('\n') {
            Some(e) => (&text[pos..pos + e], pos + e + 1, true),
            None => (&text[pos..], text.len(), false),
        };
        match parse_journal_line(line, width) {
            Some((i, row)) if terminated => {
                on_row(i, row).map_err(|m| format!("line {line_no}: {m}"))?;
            }
            _ if next == text.len() => {
                torn_tail = true;
                break;
            }
            _ => {
                return Err(format!(
                    "line {line_no} is corrupt (only the last line may be torn)"
                ));
            }
        }
        pos = next;
    }
    Ok(RowsRead {
        valid_len: pos as u64,
        torn_tail,
    })
}

/// An open journal, appended to line by line.
pub(crate) struct Journal {
    pub file: File,
    pub last_sync: Instant,
}

impl Journal {
    pub fn new(file: File) -> Journal {
        Journal {
            file,
            last_sync: Instant::now(),
        }
    }

    pub fn append(&mut self, line: &str) -> std::io::Result<()> {
        // One write per line (O_APPEND): a crash leaves at most a torn last line.
        self.file.write_all(line.as_bytes())?;
        if self.last_sync.elapsed() >= SYNC_INTERVAL {
            self.file.sync_data()?;
            self.last_sync = Instant::now();
        }
        Ok(())
    }
}

/// Writes `bytes` to `path` atomically (temporary file in the same directory, fsync, rename).
pub(crate) fn write_atomic(
    path: &Path,
    bytes: &[u8],
) -> Result<(), (std::path::PathBuf, std::io::Error)> {
    let tmp = path.with_extension(format!(
        "{}.tmp",
        path.extension().and_then(|e| e.to_str()).unwrap_or("")
    ));
    let at_tmp = |e| (tmp.clone(), e);
    let mut f = File::create(&tmp).map_err(at_tmp)?;
    f.write_all(bytes).map_err(at_tmp)?;
    f.sync_all().map_err(at_tmp)?;
    drop(f);
    fs::rename(&tmp, path).map_err(|e| (path.to_path_buf(), e))
}

/// CSV text with `\n` line ends.
pub(crate) fn csv_bytes(
    header: Vec<String>,
    rows: impl Iterator<Item = Vec<String>>,
) -> Result<Vec<u8>, String> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let err = |e: csv::Error| format!("csv: {e}");
    w.write_record(&header).map_err(err)?;
    for r in rows {
        w.write_record(&r).map_err(err)?;
    }
    w.into_inner().map_err(|e| format!("csv: {e}"))
}

/// CSV records without a header line, `\n` line ends (to append to a file written in parts).
pub(crate) fn csv_records(rows: impl Iterator<Item = Vec<String>>) -> Result<Vec<u8>, String> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .has_headers(false)
        .from_writer(Vec::new());
    for r in rows {
        w.write_record(&r).map_err(|e| format!("csv: {e}"))?;
    }
    w.into_inner().map_err(|e| format!("csv: {e}"))
}

/// How progress is reported on stderr.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Progress {
    /// A bar when stderr is a terminal, plain lines otherwise.
    #[default]
    Auto,
    Bar,
    /// A line every 5 % or 10 s.
    Plain,
    Quiet,
}

/// Progress with rate and ETA on stderr: an indicatif bar on a terminal, plain lines otherwise.
pub(crate) struct Reporter {
    mode: Progress,
    /// What runs (`sweep NAME`, `calibrate NAME generation 3`).
    label: String,
    total: AtomicU64,
    done: AtomicU64,
    start: Instant,
    started_at: u64,
    bar: Option<indicatif::ProgressBar>,
    last: Mutex<(Instant, u64)>,
}

impl Reporter {
    pub fn new(mode: Progress, label: &str, total: u64, already: u64) -> Reporter {
        let mode = match mode {
            Progress::Auto if std::io::stderr().is_terminal() => Progress::Bar,
            Progress::Auto => Progress::Plain,
            m => m,
        };
        let bar = (mode == Progress::Bar).then(|| {
            let b = indicatif::ProgressBar::new(total);
            if let Ok(style) = indicatif::ProgressStyle::with_template(
                "{msg} [{bar:30}] {pos}/{len} runs  {per_sec}  ETA {eta}",
            ) {
                b.set_style(style.progress_chars("=> "));
            }
            b.set_message(label.to_string());
            b.set_position(already);
            b.reset_eta();
            b
        });
        Reporter {
            mode,
            label: label.to_string(),
            total: AtomicU64::new(total),
            done: AtomicU64::new(already),
            start: Instant::now(),
            started_at: already,
            bar,
            last: Mutex::new((Instant::now(), already)),
        }
    }

    /// Changes the expected total (an adaptive engine learns it as it goes) and the label.
    pub fn retarget(&self, label: &str, total: u64) {
        self.total.store(total, Ordering::Relaxed);
        if let Some(b) = &self.bar {
            b.set_length(total);
            b.set_message(label.to_string());
        }
    }

    pub fn tick(&self) {
        let done = self.done.fetch_add(1, Ordering::Relaxed) + 1;
        let total = self.total.load(Ordering::Relaxed);
        match self.mode {
            Progress::Bar => {
                if let Some(b) = &self.bar {
                    b.inc(1);
                }
            }
            Progress::Plain => {
                let mut last = self.last.lock().unwrap_or_else(|e| e.into_inner());
                let step = (total / 20).max(1);
                if done / step > last.1 / step
                    || last.0.elapsed() >= Duration::from_secs(10)
                    || done == total
                {
                    *last = (Instant::now(), done);
                    eprintln!("{}", self.line(done, total));
                }
            }
            _ => {}
        }
    }

    fn line(&self, done: u64, total: u64) -> String {
        let secs = self.start.elapsed().as_secs_f64();
        let new = done - self.started_at;
        let rate = if secs > 0.0 { new as f64 / secs } else { 0.0 };
        let eta = if rate > 0.0 {
            format!("{:.0}s", total.saturating_sub(done) as f64 / rate)
        } else {
            "?".into()
        };
        format!(
            "{}: {done}/{total} runs ({:.1}%), {rate:.1} runs/s, ETA {eta}",
            self.label,
            100.0 * done as f64 / total.max(1) as f64
        )
    }

    pub fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish();
        }
    }
}
