//! The `kizuna` command: argument parsing and one function per subcommand. Exit codes: 0 ok,
//! 2 bad usage or bad input, 1 anything else (including a broken model invariant).

use crate::calibrate;
use crate::model::Config;
use crate::observed;
use crate::output::{self, Manifest, StagedDir};
use crate::plot::{self, PlotFormat, PlotOptions};
use crate::runner;
use crate::scenario::{self, LoadedScenario, builtin, diagnostics::Diagnostics, raw::RawScenario};
use crate::sweep;
use crate::table::{Format, Formats};
use crate::worldfile;
use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Mutex;
use std::time::Instant;

macro_rules! out {
    ($($t:tt)*) => { say(format_args!($($t)*)) };
}

#[derive(Parser, Debug)]
#[command(
    name = "kizuna",
    version,
    about = "Deterministic agent-based simulator of cross-cultural development partnerships"
)]
pub struct Cli {
    /// No progress output on stderr.
    #[arg(long, short, global = true)]
    pub quiet: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run a scenario (default: the built-in Vietnam–Japan replay) and write tables and plots.
    Run {
        /// Scenario file, or the name of a built-in scenario (see `kizuna list`).
        scenario: Option<String>,
        /// Output directory [default: output/<scenario name>].
        #[arg(long)]
        out: Option<PathBuf>,
        /// Master seed (overrides run.seed).
        #[arg(long)]
        seed: Option<u64>,
        /// Replications (overrides run.replications).
        #[arg(long)]
        replications: Option<u32>,
        /// Worker threads [default: all cores].
        #[arg(long)]
        threads: Option<usize>,
        /// Override a scenario value: --set parameters.trust.negativity_weight=2.5
        #[arg(long = "set", value_name = "KEY.PATH=VALUE")]
        sets: Vec<String>,
        /// Skip the plots.
        #[arg(long)]
        no_plots: bool,
        /// Replace --out even if it is a non-empty directory kizuna did not write (its files
        /// are deleted). Without it such a directory is refused.
        #[arg(long)]
        force: bool,
        /// Also save every replication's world after QUARTER into FILE, to branch other
        /// scenarios from it with --from (see docs/OUTPUTS.md, "World files").
        #[arg(long, num_args = 2, value_names = ["QUARTER", "FILE"])]
        save_at: Vec<String>,
        /// Continue from the worlds saved in FILE by --save-at instead of the first quarter:
        /// the scenario may differ only in what acts after the saved quarter.
        #[arg(long, value_name = "FILE")]
        from: Option<PathBuf>,
        #[command(flatten)]
        tables: TableFormatArg,
        #[command(flatten)]
        plot: PlotFormatArg,
    },
    /// Validate scenario files (or sweep files) and print a short summary of each.
    Check {
        #[arg(required = true)]
        scenarios: Vec<String>,
        #[arg(long = "set", value_name = "KEY.PATH=VALUE")]
        sets: Vec<String>,
    },
    /// List the built-in scenarios.
    List,
    /// Redraw the plots of an output directory without rerunning.
    Plot {
        dir: PathBuf,
        /// Time-series columns to fan-chart (e.g. fdi_stock_usd.VNM-JPN) [default: key indicators].
        #[arg(long = "indicator")]
        indicators: Vec<String>,
        #[command(flatten)]
        plot: PlotFormatArg,
    },
    /// Compare a run's indicators with observed series and report per-series errors.
    Fit {
        /// Output directory of `kizuna run`.
        dir: PathBuf,
        /// Directory of CSV files in the shared/data format [default: the built-in copies].
        #[arg(long)]
        data: Option<PathBuf>,
    },
    /// Run a parameter sweep (grid, random, LHS, Sobol, Morris) in parallel; resumable, shardable.
    Sweep {
        /// Sweep file (see docs/SWEEPS.md).
        sweep: PathBuf,
        /// Output directory [default: output/<sweep name>].
        #[arg(long)]
        out: Option<PathBuf>,
        /// Worker threads [default: all cores].
        #[arg(long)]
        threads: Option<usize>,
        /// Replications per point (overrides the sweep file).
        #[arg(long)]
        replications: Option<u32>,
        /// Override a sweep-file key (name, seed, design, samples, …) or a base-scenario key path.
        #[arg(long = "set", value_name = "KEY.PATH=VALUE")]
        sets: Vec<String>,
        /// Continue an interrupted sweep in the same output directory.
        #[arg(long)]
        resume: bool,
        /// Run only shard K of N (1-based), e.g. 2/8; defaults to SLURM_ARRAY_TASK_ID/COUNT when set.
        /// A shard draws no plots (`kizuna merge` does).
        #[arg(long, value_name = "K/N")]
        shard: Option<String>,
        /// Skip the plots.
        #[arg(long)]
        no_plots: bool,
        /// Validate everything and print the design size and run count; run nothing, write nothing.
        #[arg(long)]
        dry_run: bool,
        #[command(flatten)]
        tables: TableFormatArg,
        #[command(flatten)]
        plot: PlotFormatArg,
    },
    /// Fit free parameters to data jointly over scenarios (ABC-SMC or Nelder–Mead; see docs/CALIBRATION.md).
    Calibrate {
        /// Calibration file.
        calibration: PathBuf,
        /// Output directory [default: output/<calibration name>].
        #[arg(long)]
        out: Option<PathBuf>,
        /// Worker threads [default: all cores].
        #[arg(long)]
        threads: Option<usize>,
        /// Continue an interrupted calibration in the same output directory.
        #[arg(long)]
        resume: bool,
        /// Skip the plots.
        #[arg(long)]
        no_plots: bool,
    },
    /// Merge the shard directories of one sweep into the files of a single-machine run.
    Merge {
        /// Shard output directories.
        #[arg(required = true)]
        dirs: Vec<PathBuf>,
        /// Output directory for the merged files.
        #[arg(long)]
        out: PathBuf,
        /// Skip the plots.
        #[arg(long)]
        no_plots: bool,
        #[command(flatten)]
        tables: TableFormatArg,
        #[command(flatten)]
        plot: PlotFormatArg,
    },
    /// Print the reference of every scenario key (Markdown).
    Reference,
    /// Write an ODD description (Grimm et al. 2020, Markdown) of a scenario as resolved, or with
    /// --model the scenario-independent model document (docs/MODEL.md)
    Describe {
        /// Scenario file or built-in name [default: the built-in Vietnam–Japan replay].
        #[arg(conflicts_with = "model")]
        scenario: Option<String>,
        /// Write to this file instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Override a scenario key before describing it.
        #[arg(long = "set", value_name = "KEY.PATH=VALUE", conflicts_with = "model")]
        sets: Vec<String>,
        /// Print the model document (mechanisms, equations, defaults, shock → channel table):
        /// `kizuna describe --model > docs/MODEL.md`.
        #[arg(long)]
        model: bool,
    },
    /// Run scenarios on common random numbers and report paired differences to the first.
    Compare {
        /// Two or more scenario files or built-in names; the first is the baseline.
        #[arg(required = true, num_args = 2..)]
        scenarios: Vec<String>,
        /// Replications per scenario [default: the baseline's run.replications].
        #[arg(long)]
        replications: Option<u32>,
        /// Worker threads [default: all cores].
        #[arg(long)]
        threads: Option<usize>,
        /// Master seed shared by every scenario [default: the baseline's run.seed].
        #[arg(long)]
        seed: Option<u64>,
        /// Output directory [default: output/compare_<A>_vs_<B>].
        #[arg(long)]
        out: Option<PathBuf>,
        /// Time-series column to compare (repeatable) [default: the main indicators of the
        /// baseline's first pair].
        #[arg(long = "indicator", value_name = "COLUMN")]
        indicators: Vec<String>,
        /// Also compare the indicators' levels in this quarter (repeatable), e.g. 2030Q4.
        #[arg(long = "at", value_name = "YYYYQn")]
        at: Vec<String>,
        /// Override a value in every scenario: --set horizon.end=2030Q4
        #[arg(long = "set", value_name = "KEY.PATH=VALUE")]
        sets: Vec<String>,
        /// Skip the plots.
        #[arg(long)]
        no_plots: bool,
        #[command(flatten)]
        plot: PlotFormatArg,
    },
    /// Print the indicator catalogue: name, scope, unit, yearly aggregation, description.
    Indicators {
        /// Output format (`markdown` is docs/INDICATORS.md).
        #[arg(long, value_enum, default_value = "text")]
        format: TableFormat,
    },
    /// Print the JSON Schema of scenario, sweep or calibration files (for editors; see
    /// docs/EDITORS.md).
    Schema {
        /// Which file type.
        #[arg(value_enum, default_value = "scenario")]
        kind: SchemaKind,
    },
    /// Print a shell completion script: kizuna completions bash > ~/.local/share/bash-completion/completions/kizuna
    Completions {
        /// bash, zsh or fish (also elvish, powershell).
        shell: clap_complete::Shell,
    },
    /// Write a self-contained HTML page (tables, plots embedded) for a run, sweep or comparison.
    Brief {
        /// Output directory of `run`, `sweep` or `compare`.
        dir: PathBuf,
        /// HTML file to write [default: DIR/brief.html].
        #[arg(long)]
        out: Option<PathBuf>,
        /// Directory of a `saltelli` sweep whose sobol.csv gives the caveats (the parameters the
        /// result depends on most) [default: DIR itself].
        #[arg(long, value_name = "SWEEP_DIR")]
        sensitivity: Option<PathBuf>,
    },
}

/// Output format of `kizuna indicators`.
#[derive(clap::ValueEnum, Clone, Copy, Debug)]
pub enum TableFormat {
    /// An aligned plain-text table.
    Text,
    /// CSV with a header row.
    Csv,
    /// A Markdown page (docs/INDICATORS.md).
    Markdown,
}

/// `--format`, shared by the commands that write tables (`run`, `sweep`, `merge`).
#[derive(clap::Args, Debug)]
pub struct TableFormatArg {
    /// Table formats, comma-separated: csv, parquet or csv,parquet (see docs/OUTPUTS.md). The
    /// plots are drawn from the CSV tables: without csv, `run` writes them for the plots and
    /// then leaves them out; `sweep` and `merge` need --no-plots.
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        value_name = "FORMATS",
        default_value = "csv,parquet"
    )]
    pub format: Vec<Format>,
}

/// `--plot-format`, shared by every command that draws plots.
#[derive(clap::Args, Debug)]
pub struct PlotFormatArg {
    /// Image format of the plots: png, svg (text as text, fonts embedded) or both.
    #[arg(long, value_enum, default_value = "png")]
    pub plot_format: PlotFormat,
}

/// File types with a JSON Schema.
#[derive(clap::ValueEnum, Clone, Copy, Debug)]
pub enum SchemaKind {
    /// Scenario files (`scenarios/*.toml`).
    Scenario,
    /// Sweep files (`scenarios/sweeps/*.toml`, docs/SWEEPS.md).
    Sweep,
    /// Calibration files (`scenarios/calibration/*.toml`, docs/CALIBRATION.md).
    Calibration,
}

/// Errors mapped to exit codes.
#[derive(Debug)]
pub enum CliError {
    /// Bad input or usage: exit 2.
    Input(String),
    /// Anything else: exit 1.
    Failure(String),
}

impl From<Diagnostics> for CliError {
    fn from(d: Diagnostics) -> Self {
        CliError::Input(d.to_string())
    }
}

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match run_cli(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(CliError::Input(msg)) => {
            eprintln!("error: {}", msg.trim_end());
            ExitCode::from(2)
        }
        Err(CliError::Failure(msg)) => {
            eprintln!("error: {}", msg.trim_end());
            ExitCode::from(1)
        }
    }
}

pub fn run_cli(cli: Cli) -> Result<(), CliError> {
    let quiet = cli.quiet;
    match cli.command {
        Command::Run {
            scenario,
            out,
            seed,
            replications,
            threads,
            sets,
            no_plots,
            force,
            save_at,
            from,
            tables: TableFormatArg { format },
            plot: PlotFormatArg { plot_format },
        } => cmd_run(
            scenario.as_deref(),
            out,
            seed,
            replications,
            threads,
            &sets,
            RunOptions {
                no_plots,
                force,
                save_at: save_at
                    .first()
                    .cloned()
                    .zip(save_at.get(1).map(PathBuf::from)),
                from,
                formats: Formats::from_list(&format),
                plot_format,
            },
            quiet,
        ),
        Command::Check { scenarios, sets } => cmd_check(&scenarios, &sets),
        Command::List => {
            out!("{}", list_text().trim_end());
            Ok(())
        }
        Command::Plot {
            dir,
            indicators,
            plot: PlotFormatArg { plot_format },
        } => cmd_plot(&dir, indicators, plot_format),
        Command::Fit { dir, data } => cmd_fit(&dir, data.as_deref()),
        Command::Calibrate {
            calibration,
            out,
            threads,
            resume,
            no_plots,
        } => cmd_calibrate(&calibration, out, threads, resume, no_plots, quiet),
        Command::Sweep {
            sweep,
            out,
            threads,
            replications,
            sets,
            resume,
            shard,
            no_plots,
            dry_run,
            tables: TableFormatArg { format },
            plot: PlotFormatArg { plot_format },
        } => cmd_sweep(
            &sweep,
            out,
            threads,
            replications,
            &sets,
            resume,
            shard.as_deref(),
            no_plots,
            dry_run,
            sweep_formats(&format, no_plots)?,
            plot_format,
            quiet,
        ),
        Command::Merge {
            dirs,
            out,
            no_plots,
            tables: TableFormatArg { format },
            plot: PlotFormatArg { plot_format },
        } => cmd_merge(
            &dirs,
            &out,
            no_plots,
            sweep_formats(&format, no_plots)?,
            plot_format,
            quiet,
        ),
        Command::Reference => {
            out!("{}", scenario_reference().trim_end());
            Ok(())
        }
        Command::Describe {
            scenario,
            out,
            sets,
            model,
        } => cmd_describe(scenario.as_deref(), out.as_deref(), &sets, model),
        Command::Compare {
            scenarios,
            replications,
            threads,
            seed,
            out,
            indicators,
            at,
            sets,
            no_plots,
            plot: PlotFormatArg { plot_format },
        } => cmd_compare(
            &scenarios,
            &CompareArgs {
                replications,
                threads,
                seed,
                out,
                indicators,
                at,
                sets,
                no_plots,
                plot_format,
                quiet,
            },
        ),
        Command::Brief {
            dir,
            out,
            sensitivity,
        } => cmd_brief(&dir, out, sensitivity.as_deref()),
        Command::Indicators { format } => {
            let text = match format {
                TableFormat::Text => crate::indicators::catalogue_text(),
                TableFormat::Csv => crate::indicators::catalogue_csv(),
                TableFormat::Markdown => crate::indicators::catalogue_markdown(),
            };
            out!("{}", text.trim_end());
            Ok(())
        }
        Command::Schema { kind } => {
            let schema = match kind {
                SchemaKind::Scenario => scenario::json_schema(),
                SchemaKind::Sweep => crate::sweep::spec::json_schema(),
                SchemaKind::Calibration => crate::calibrate::schema::json_schema(),
            };
            out!(
                "{}",
                serde_json::to_string_pretty(&schema).unwrap_or_default()
            );
            Ok(())
        }
        Command::Completions { shell } => {
            use clap::CommandFactory;
            let mut buf = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "kizuna", &mut buf);
            out!("{}", String::from_utf8_lossy(&buf).trim_end());
            Ok(())
        }
    }
}

/// Prints a line to stdout; a closed pipe (`kizuna list | head -1`) is not an error.
fn say(args: std::fmt::Arguments<'_>) {
    use std::io::Write;
    let _ = writeln!(std::io::stdout().lock(), "{args}");
}

/// The generated scenario key reference (committed as docs/SCENARIO_REFERENCE.md).
pub fn scenario_reference() -> String {
    scenario::reference::reference_markdown::<RawScenario>("Scenario file reference")
}

/// Progress on stderr: a bar on a terminal, plain lines otherwise, nothing when quiet.
pub struct Progress {
    bar: Option<ProgressBar>,
    plain: bool,
    last_line: Mutex<Instant>,
    label: String,
}

impl Progress {
    pub fn new(total: u64, label: &str, quiet: bool) -> Progress {
        if quiet {
            return Progress {
                bar: None,
                plain: false,
                last_line: Mutex::new(Instant::now()),
                label: label.into(),
            };
        }
        if std::io::stderr().is_terminal() {
            let bar = ProgressBar::new(total);
            bar.set_style(
                ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} {per_sec} eta {eta}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar())
                    .progress_chars("=> "),
            );
            bar.set_message(label.to_string());
            Progress {
                bar: Some(bar),
                plain: false,
                last_line: Mutex::new(Instant::now()),
                label: label.into(),
            }
        } else {
            Progress {
                bar: None,
                plain: true,
                last_line: Mutex::new(Instant::now()),
                label: label.into(),
            }
        }
    }

    pub fn update(&self, done: u64, total: u64) {
        if let Some(bar) = &self.bar {
            bar.set_position(done);
        } else if self.plain {
            let mut last = self.last_line.lock().unwrap_or_else(|e| e.into_inner());
            if done == total || last.elapsed().as_secs_f64() >= 5.0 {
                eprintln!("{}: {done}/{total}", self.label);
                *last = Instant::now();
            }
        }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

fn cmd_describe(
    spec: Option<&str>,
    out_file: Option<&Path>,
    sets: &[String],
    model: bool,
) -> Result<(), CliError> {
    let text = if model {
        crate::describe::model_markdown()
    } else {
        let loaded = scenario::load(spec, sets)?;
        let source = spec.unwrap_or("built-in vietnam_japan");
        crate::describe::odd_markdown(&loaded, source)
    };
    match out_file {
        None => {
            out!("{}", text.trim_end());
            Ok(())
        }
        Some(path) => {
            // Written beside the target and renamed, so a failure never leaves half a file.
            let tmp = path.with_extension("md.partial");
            std::fs::write(&tmp, text.as_bytes())
                .and_then(|_| std::fs::rename(&tmp, path))
                .map_err(|e| CliError::Failure(format!("{}: cannot write: {e}", path.display())))
        }
    }
}

fn load_scenario(
    spec: Option<&str>,
    sets: &[String],
    seed: Option<u64>,
    replications: Option<u32>,
) -> Result<LoadedScenario, CliError> {
    let mut all_sets = sets.to_vec();
    if let Some(seed) = seed {
        // TOML integers are signed 64-bit, so run.seed cannot hold the upper half of u64.
        if seed > i64::MAX as u64 {
            return Err(CliError::Input(format!(
                "--seed {seed} is out of range; allowed: 0 to {}",
                i64::MAX
            )));
        }
        all_sets.push(format!("run.seed={seed}"));
    }
    if let Some(r) = replications {
        all_sets.push(format!("run.replications={r}"));
    }
    Ok(scenario::load(spec, &all_sets)?)
}

/// Most worker threads allowed: more only adds scheduling load (10,000 threads ran for minutes).
pub fn max_threads() -> usize {
    (4 * runner::default_threads()).max(64)
}

/// `--threads`: at least 1 and at most [`max_threads`]; the default is every core.
fn check_threads(threads: Option<usize>) -> Result<usize, CliError> {
    match threads {
        Some(0) => Err(CliError::Input(format!(
            "--threads must be at least 1; allowed: 1 to {}",
            max_threads()
        ))),
        Some(t) if t > max_threads() => Err(CliError::Input(format!(
            "--threads {t} is out of range; allowed: 1 to {} (4 × the {} cores here, at least 64)",
            max_threads(),
            runner::default_threads()
        ))),
        Some(t) => Ok(t),
        None => Ok(runner::default_threads()),
    }
}

/// Refuses an output location that cannot be replaced safely, before anything is simulated:
/// only a directory kizuna wrote (or an empty one) is replaced unless `force` is given.
fn check_output_target(target: &Path, force: bool) -> Result<(), CliError> {
    if let Some(problem) = output::output_target_problem(target) {
        return Err(CliError::Input(format!(
            "--out {}: {problem}",
            target.display()
        )));
    }
    if target.exists() && !target.is_dir() {
        return Err(CliError::Input(format!(
            "--out {}: exists and is not a directory",
            target.display()
        )));
    }
    if target.is_dir() && !force && !output::is_kizuna_output(target) {
        return Err(CliError::Input(format!(
            "{}: exists and holds files kizuna did not write (no kizuna manifest.json); refusing to replace it. Choose another --out, or pass --force to replace it (its files are deleted)",
            target.display()
        )));
    }
    Ok(())
}

/// Options of `kizuna run` beyond the scenario, seed, replications and threads.
struct RunOptions {
    no_plots: bool,
    force: bool,
    /// `--save-at QUARTER FILE`.
    save_at: Option<(String, PathBuf)>,
    /// `--from FILE`.
    from: Option<PathBuf>,
    /// `--format`.
    formats: Formats,
    /// `--plot-format`.
    plot_format: PlotFormat,
}

fn cmd_run(
    spec: Option<&str>,
    out: Option<PathBuf>,
    seed: Option<u64>,
    replications: Option<u32>,
    threads: Option<usize>,
    sets: &[String],
    options: RunOptions,
    quiet: bool,
) -> Result<(), CliError> {
    let RunOptions {
        no_plots,
        force,
        save_at,
        from,
        formats,
        plot_format,
    } = options;
    let started = Instant::now();
    let loaded = load_scenario(spec, sets, seed, replications)?;
    let threads = check_threads(threads)?;
    let cfg = &loaded.config;
    let reps = loaded.replications();
    let target = out.unwrap_or_else(|| PathBuf::from("output").join(&cfg.name));
    check_output_target(&target, force)?;
    let branch = match &from {
        Some(path) => Some(worldfile::load_branch(path, cfg, reps).map_err(CliError::Input)?),
        None => None,
    };
    let from_step = branch.as_ref().map_or(0, |(h, _)| h.next_step);
    let save_step = match &save_at {
        Some((_, path)) if let Some(problem) = worldfile::target_problem(path) => {
            return Err(CliError::Input(problem));
        }
        Some((quarter, _)) => {
            Some(worldfile::save_step(cfg, quarter, from_step).map_err(CliError::Input)?)
        }
        None => None,
    };
    // Staged before simulating, so an unwritable location is found at once.
    let staged = StagedDir::new(&target)
        .map_err(|e| CliError::Failure(format!("cannot create {}: {e}", target.display())))?;
    let progress = Progress::new(
        reps as u64,
        &format!("running {} ({} replications)", cfg.name, reps),
        quiet,
    );
    let resume = runner::Resume {
        from: branch.as_ref().map(|(_, worlds)| worlds.as_slice()),
        save_at: save_step,
    };
    let (results, checkpoints) = runner::run_replications_resumable(
        cfg,
        reps,
        threads,
        &crate::model::Counterfactuals::All,
        &resume,
        &|done, total| progress.update(done as u64, total as u64),
    )
    .map_err(|e| CliError::Failure(e.to_string()))?;
    progress.finish();
    let simulated = started.elapsed();

    let io = |e: std::io::Error| {
        CliError::Failure(format!(
            "cannot write into {}: {e}",
            staged_path(&target).display()
        ))
    };
    staged
        .write("timeseries.csv", output::timeseries_csv(cfg, &results))
        .map_err(io)?;
    let summary = output::summary_csv(cfg, &results);
    staged
        .write(
            "summary_stats.csv",
            crate::stats::summary_stats_csv(&summary),
        )
        .map_err(io)?;
    staged.write("summary.csv", summary).map_err(io)?;
    staged
        .write("resilience.csv", output::resilience_csv(cfg, &results))
        .map_err(io)?;
    staged
        .write(
            "resilience_paths.csv",
            output::resilience_paths_csv(cfg, &results),
        )
        .map_err(io)?;
    staged
        .write("scenario.resolved.toml", loaded.doc.to_toml_string())
        .map_err(io)?;
    if let Some(root) = loaded.doc.sources.first() {
        write_question(&staged.staging, &root.text).map_err(io)?;
    }
    let manifest = manifest(&loaded, cfg, &results);
    staged.write("manifest.json", manifest + "\n").map_err(io)?;
    let observations = observed::load(None).map_err(CliError::Failure)?;
    let (rows, summaries) =
        observed::fit(&output::series_by_replication(cfg, &results), &observations);
    if !rows.is_empty() {
        staged
            .write("fit.csv", observed::fit_rows_csv(&rows))
            .map_err(io)?;
        staged
            .write("fit_summary.csv", observed::fit_summary_csv(&summaries))
            .map_err(io)?;
    }
    let mut plots = 0;
    if !no_plots {
        let written = plot::plot_run_dir(
            &staged.staging,
            &observed::overlay_points(&observations),
            &PlotOptions {
                format: plot_format,
                ..PlotOptions::default()
            },
        )
        .map_err(|e| CliError::Failure(format!("plotting failed: {e}")))?;
        plots = written.len();
    }
    if formats.parquet {
        for (name, bytes) in output::parquet_files(cfg, &results).map_err(CliError::Failure)? {
            staged.write(name, bytes).map_err(io)?;
        }
    }
    if !formats.csv {
        // Drawn from the CSV tables above; only their Parquet twins are kept.
        for name in output::CSV_WITH_PARQUET {
            std::fs::remove_file(staged.staging.join(name)).map_err(io)?;
        }
    }
    if let (Some(path), Some((header, _))) = (&from, &branch) {
        let provenance = serde_json::json!({
            "from": path.display().to_string(),
            "scenario": header.scenario,
            "scenario_sha256": header.scenario_sha256,
            "saved_after": header.saved_after,
        });
        staged
            .write("branch.json", format!("{provenance:#}\n"))
            .map_err(io)?;
    }
    if let (Some((_, path)), Some(step)) = (&save_at, save_step) {
        let header = worldfile::header(cfg, loaded.doc.sha256_hex(), step, reps);
        worldfile::write(path, &header, &checkpoints).map_err(CliError::Failure)?;
    }
    let timing = serde_json::json!({
        "simulate_seconds": simulated.as_secs_f64(),
        "total_seconds": started.elapsed().as_secs_f64(),
        "threads": threads,
    });
    staged
        .write("timing.json", timing.to_string() + "\n")
        .map_err(io)?;
    let dir = staged.commit().map_err(|e| {
        CliError::Failure(format!(
            "cannot move results into {}: {e}",
            target.display()
        ))
    })?;
    if !quiet {
        eprintln!(
            "wrote {} ({} replications × {} quarters, {} shocks, {} plots) in {:.2} s",
            dir.display(),
            reps,
            cfg.steps(),
            cfg.shocks.len(),
            plots,
            started.elapsed().as_secs_f64()
        );
    }
    Ok(())
}

fn staged_path(target: &Path) -> PathBuf {
    target.to_path_buf()
}

fn manifest(
    loaded: &LoadedScenario,
    cfg: &Config,
    results: &[crate::model::ReplicationResult],
) -> String {
    let m = Manifest {
        scenario: &cfg.name,
        scenario_sha256: loaded.doc.sha256_hex(),
        seed: cfg.seed,
        replications: loaded.replications(),
        kizuna_version: env!("CARGO_PKG_VERSION"),
        horizon: format!("{}..{}", cfg.start, cfg.end),
        shocks: cfg.shocks.iter().map(|s| s.id.as_str()).collect(),
        resilience_shocks: cfg
            .shocks
            .iter()
            .filter(|s| s.measure_resilience && cfg.step_of(s.start).is_some())
            .map(|s| s.id.as_str())
            .collect(),
        columns: results.first().map_or(0, |r| r.series.columns.len()),
        culture_proxies: cfg
            .countries
            .iter()
            .filter(|c| c.culture_proxy)
            .map(|c| c.code.as_str())
            .collect(),
    };
    serde_json::to_string_pretty(&m).unwrap_or_default()
}

/// A sweep file rather than a scenario: it has `base`, `design` or `metrics` at the top level,
/// keys no scenario has.
fn looks_like_sweep(spec: &str) -> bool {
    let path = Path::new(spec);
    if !path.is_file() {
        return false;
    }
    let Ok(text) = std::fs::read_to_string(path) else {
        return false;
    };
    match text.parse::<toml::Table>() {
        Ok(t) => ["base", "design", "metrics"]
            .iter()
            .any(|k| t.contains_key(*k)),
        Err(_) => false,
    }
}

fn cmd_check(scenarios: &[String], sets: &[String]) -> Result<(), CliError> {
    let mut failures = Vec::new();
    for spec in scenarios {
        if looks_like_sweep(spec) {
            match prepare_sweep(Path::new(spec), sets, None) {
                Ok(p) => print_sweep_summary(spec, &p),
                Err(CliError::Input(m) | CliError::Failure(m)) => failures.push(m),
            }
            continue;
        }
        match scenario::load(Some(spec), sets) {
            Ok(s) => {
                let c = &s.config;
                let firms: u64 = c.firm_populations.iter().map(|f| f.count as u64).sum();
                out!("{spec}: ok");
                out!("  name         {}", c.name);
                out!(
                    "  horizon      {} to {} ({} quarters), seed {}, {} replications",
                    c.start,
                    c.end,
                    c.steps(),
                    c.seed,
                    s.replications()
                );
                out!(
                    "  entities     {}, {}, {}, {}, {} in {}, {}",
                    count(c.countries.len(), "country", "countries"),
                    count(c.pairs.len(), "pair", "pairs"),
                    count(c.donors.len(), "donor", "donors"),
                    count(c.institutions.len(), "institution", "institutions"),
                    count(firms as usize, "firm", "firms"),
                    count(c.firm_populations.len(), "population", "populations"),
                    count(
                        c.talent_origins
                            .iter()
                            .map(|o| o.programmes.iter().flatten().count())
                            .sum(),
                        "talent programme",
                        "talent programmes"
                    )
                );
                let progs: Vec<String> = c
                    .programmes
                    .iter()
                    .map(|p| {
                        format!(
                            "{} ({}, dose {})",
                            p.name,
                            file_spelling(&format!("{:?}", p.lever)),
                            p.dose
                        )
                    })
                    .collect();
                out!(
                    "  programmes   {}",
                    if progs.is_empty() {
                        "none".into()
                    } else {
                        progs.join(", ")
                    }
                );
                let shocks: Vec<String> = c
                    .shocks
                    .iter()
                    .map(|s| format!("{} ({} {})", s.id, output::kind_label(s.kind), s.start))
                    .collect();
                out!(
                    "  shocks       {}",
                    if shocks.is_empty() {
                        "none".into()
                    } else {
                        shocks.join(", ")
                    }
                );
                let proxies: Vec<&str> = c
                    .countries
                    .iter()
                    .filter(|c| c.culture_proxy)
                    .map(|c| c.code.as_str())
                    .collect();
                if !proxies.is_empty() {
                    out!(
                        "  proxies      Hofstede scores are proxies for: {}",
                        proxies.join(", ")
                    );
                }
            }
            Err(d) => failures.push(d.to_string()),
        }
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(CliError::Input(failures.join("\n")))
    }
}

/// `1 pair`, `2 pairs`.
fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A Rust variant name as scenario files spell it (serde `snake_case`): `JointUniversity` →
/// `joint_university`.
pub fn file_spelling(variant: &str) -> String {
    let mut s = String::new();
    for (i, ch) in variant.chars().enumerate() {
        if ch.is_ascii_uppercase() {
            if i > 0 {
                s.push('_');
            }
            s.push(ch.to_ascii_lowercase());
        } else {
            s.push(ch);
        }
    }
    s
}

fn cmd_plot(dir: &Path, indicators: Vec<String>, format: PlotFormat) -> Result<(), CliError> {
    if dir.join("compare.csv").exists() {
        let opts = PlotOptions {
            format,
            ..PlotOptions::default()
        };
        let written =
            plot::plot_compare_dir(dir, &opts).map_err(|e| CliError::Input(e.to_string()))?;
        out!(
            "wrote {} plots into {}",
            written.len(),
            dir.join("plots").display()
        );
        return Ok(());
    }
    if !dir.join("timeseries.csv").exists() {
        if dir.join("points.csv").exists() {
            let written = plot::plot_sweep_dir(
                dir,
                &PlotOptions {
                    indicators,
                    format,
                    ..PlotOptions::default()
                },
            )
            .map_err(|e| CliError::Input(e.to_string()))?;
            out!(
                "wrote {} plots into {}",
                written.len(),
                dir.join("plots").display()
            );
            return Ok(());
        }
        return Err(CliError::Input(format!(
            "{}: no timeseries.csv (run output), points.csv (sweep output) or compare.csv (comparison) here",
            dir.display()
        )));
    }
    let observations = observed::load(None).map_err(CliError::Failure)?;
    let written = plot::plot_run_dir(
        dir,
        &observed::overlay_points(&observations),
        &PlotOptions {
            indicators,
            format,
            ..PlotOptions::default()
        },
    )
    .map_err(|e| CliError::Input(e.to_string()))?;
    out!(
        "wrote {} plots into {}",
        written.len(),
        dir.join("plots").display()
    );
    Ok(())
}

fn cmd_fit(dir: &Path, data: Option<&Path>) -> Result<(), CliError> {
    let series = output::read_timeseries(&dir.join("timeseries.csv")).map_err(CliError::Input)?;
    let observations = observed::load(data).map_err(CliError::Input)?;
    let (rows, summaries) = observed::fit(&series, &observations);
    if rows.is_empty() {
        return Err(CliError::Input(format!(
            "no observed series matches a column of {}",
            dir.join("timeseries.csv").display()
        )));
    }
    std::fs::write(dir.join("fit.csv"), observed::fit_rows_csv(&rows))
        .map_err(|e| CliError::Failure(e.to_string()))?;
    std::fs::write(
        dir.join("fit_summary.csv"),
        observed::fit_summary_csv(&summaries),
    )
    .map_err(|e| CliError::Failure(e.to_string()))?;
    out!("{}", observed::fit_table(&summaries).trim_end());
    out!("per-year values: {}", dir.join("fit.csv").display());
    Ok(())
}

/// Keys of the sweep file itself; any other `--set` key is a base-scenario key path.
const SWEEP_KEYS: [&str; 9] = [
    "name",
    "base",
    "replications",
    "seed",
    "design",
    "samples",
    "trajectories",
    "levels",
    "max_runs",
];

/// A sweep checked end to end: the file, its overrides, the base scenario, every parameter
/// value and every metric, before anything is run or written.
struct PreparedSweep {
    spec: sweep::SweepSpec,
    base_doc: scenario::document::ResolvedDocument,
}

fn print_sweep_summary(label: &str, p: &PreparedSweep) {
    let spec = &p.spec;
    out!("{label}: ok (sweep)");
    out!("  name         {}", spec.name);
    out!("  base         {}", spec.base);
    out!(
        "  design       {} over {} parameters: {} points",
        spec.design.kind().as_str(),
        spec.parameters.len(),
        spec.point_count()
    );
    out!(
        "  runs         {} ({} replications per point; max_runs {})",
        spec.run_count(),
        spec.replications,
        spec.max_runs
    );
    out!(
        "  metrics      {}",
        spec.metrics
            .iter()
            .map(|m| m.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
}

/// Metrics must name columns, shocks and quarters of the base scenario: checked up front so a
/// bad metric fails with exit 2 before a journal is written, not at run 0.
fn check_sweep_metrics(spec: &sweep::SweepSpec, cfg: &Config, file: &Path) -> Result<(), CliError> {
    let columns = crate::model::record::columns(cfg);
    let mut problems = Vec::new();
    let column = |problems: &mut Vec<String>, i: usize, indicator: &str| {
        if !columns.iter().any(|c| c == indicator) {
            let names: Vec<&str> = crate::indicators::CATALOGUE
                .iter()
                .map(|s| s.name)
                .collect();
            problems.push(format!(
                "{}: metrics[{i}].indicator: `{indicator}` is not a column of the base scenario; allowed: <indicator>.<pair or country code> with indicator one of {} (e.g. {})",
                file.display(),
                names.join(", "),
                columns.first().map(String::as_str).unwrap_or("")
            ));
        }
    };
    for (i, m) in spec.metrics.iter().enumerate() {
        match &m.kind {
            sweep::MetricKind::At { indicator, at } => {
                column(&mut problems, i, indicator);
                match crate::model::time::Quarter::parse(at) {
                    Some(q) if q >= cfg.start && q <= cfg.end => {}
                    _ => problems.push(format!(
                        "{}: metrics[{i}].at: `{at}` is not a quarter of the base scenario's horizon; allowed: {} to {}",
                        file.display(),
                        cfg.start,
                        cfg.end
                    )),
                }
            }
            sweep::MetricKind::Stat { indicator, .. } => column(&mut problems, i, indicator),
            sweep::MetricKind::Resilience {
                shock, indicator, ..
            } => {
                let measured: Vec<&str> = cfg
                    .shocks
                    .iter()
                    .filter(|s| s.measure_resilience && cfg.step_of(s.start).is_some())
                    .map(|s| s.id.as_str())
                    .collect();
                if !measured.contains(&shock.as_str()) {
                    problems.push(format!(
                        "{}: metrics[{i}].resilience.shock: no shock `{shock}` with measured resilience in the base scenario; allowed: {}",
                        file.display(),
                        if measured.is_empty() { "none (the base has no such shock)".into() } else { measured.join(", ") }
                    ));
                }
                if !cfg.resilience_columns.iter().any(|c| c == indicator) {
                    problems.push(format!(
                        "{}: metrics[{i}].resilience.indicator: resilience of `{indicator}` is not measured; allowed: {}",
                        file.display(),
                        cfg.resilience_columns.join(", ")
                    ));
                }
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(CliError::Input(problems.join("\n")))
    }
}

fn prepare_sweep(
    path: &Path,
    sets: &[String],
    replications: Option<u32>,
) -> Result<PreparedSweep, CliError> {
    let mut sweep_sets = Vec::new();
    let mut scenario_sets = Vec::new();
    for set in sets {
        let (key, value) = sweep::parse_set(set).map_err(CliError::Input)?;
        if SWEEP_KEYS.contains(&key.as_str()) {
            sweep_sets.push((key, value));
        } else {
            scenario_sets.push(set.clone());
        }
    }
    if let Some(r) = replications {
        sweep_sets.push(("replications".into(), r.to_string()));
    }
    let mut spec =
        sweep::load_sweep_with(path, &sweep_sets).map_err(|e| CliError::Input(e.to_string()))?;
    if spec.base.trim().is_empty() {
        return Err(CliError::Input(format!(
            "{}: base: the base scenario is empty",
            path.display()
        )));
    }
    let base_spec = if spec.base_path.exists() {
        spec.base_path.display().to_string()
    } else {
        spec.base.clone()
    };
    let mut base_doc = scenario::load::resolve_scenario(Some(&base_spec))?;
    for set in &scenario_sets {
        base_doc.apply_set(set)?;
    }
    let base = scenario::load::from_document(base_doc.clone())?;
    // Values with defaults filled in, so parameters left at their default can be swept too.
    let effective =
        toml::Value::try_from(&base.raw).map_err(|e| CliError::Failure(e.to_string()))?;
    let lookup = |key: &str| -> Result<toml::Value, String> {
        let key = if key == "seed" { "run.seed" } else { key };
        let path = scenario::keypath::KeyPath::parse(key).map_err(|e| e.message)?;
        match &effective {
            toml::Value::Table(t) => scenario::keypath::get(t, &path)
                .cloned()
                .map_err(|e| e.message),
            _ => Err("the base scenario is not a table".into()),
        }
    };
    spec.check_against_base(&lookup)
        .map_err(|e| CliError::Input(e.located_in(path).to_string()))?;
    check_sweep_values(&spec, &base_doc, path)?;
    check_sweep_metrics(&spec, &base.config, path)?;
    Ok(PreparedSweep { spec, base_doc })
}

#[allow(clippy::too_many_arguments)]
fn cmd_sweep(
    path: &Path,
    out: Option<PathBuf>,
    threads: Option<usize>,
    replications: Option<u32>,
    sets: &[String],
    resume: bool,
    shard: Option<&str>,
    no_plots: bool,
    dry_run: bool,
    formats: Formats,
    plot_format: PlotFormat,
    quiet: bool,
) -> Result<(), CliError> {
    let started = Instant::now();
    let threads = check_threads(threads)?;
    let PreparedSweep { spec, base_doc } = prepare_sweep(path, sets, replications)?;
    if dry_run {
        print_sweep_summary(
            &path.display().to_string(),
            &PreparedSweep { spec, base_doc },
        );
        return Ok(());
    }
    let shard = match shard {
        Some(text) => Some(sweep::parse_shard(text).map_err(CliError::Input)?),
        None => sweep::shard_from_env().map_err(CliError::Input)?,
    };
    // Only the counterfactuals of the shocks the metrics read are run.
    let scenario_run = sweep::ScenarioRun::for_sweep(base_doc.clone(), &spec);
    let run = |overrides: &[(String, toml::Value)], replication: u32, seed: u64| {
        scenario_run.run(overrides, replication, seed)
    };
    let out_dir = out.unwrap_or_else(|| PathBuf::from("output").join(&spec.name));
    let options = sweep::RunOptions {
        threads,
        shard,
        resume,
        progress: if quiet {
            sweep::Progress::Quiet
        } else {
            sweep::Progress::Auto
        },
        formats,
    };
    let outcome = sweep::run_sweep(&spec, &base_doc.sha256_hex(), &run, &out_dir, &options)
        .map_err(sweep_error)?;
    // The sweep file's header (its question), for `kizuna brief`; shards keep it for the merge.
    if let Ok(text) = std::fs::read_to_string(path) {
        write_question(&out_dir, &text).map_err(|e| {
            CliError::Failure(format!("cannot write into {}: {e}", out_dir.display()))
        })?;
    }
    let mut plots = 0;
    // A shard has no manifest.json to plot from: `kizuna merge` plots the whole sweep.
    if !no_plots && shard.is_none() && !outcome.files.is_empty() {
        let opts = PlotOptions {
            format: plot_format,
            ..PlotOptions::default()
        };
        plots = plot::plot_sweep_dir(&out_dir, &opts)
            .map_err(|e| CliError::Failure(format!("plotting failed: {e}")))?
            .len();
    }
    if !quiet {
        eprintln!(
            "{} {} ({} points, {} runs: {} run now, {} resumed{}) into {} in {:.1} s",
            if shard.is_some() {
                "sweep shard"
            } else {
                "sweep"
            },
            spec.name,
            outcome.points,
            outcome.runs_in_shard,
            outcome.runs_executed,
            outcome.runs_resumed,
            if plots > 0 {
                format!(", {plots} plots")
            } else {
                String::new()
            },
            out_dir.display(),
            started.elapsed().as_secs_f64()
        );
    }
    Ok(())
}

/// `--format` of `sweep` and `merge`: the sweep plots (and `kizuna brief`) read runs.csv and
/// points.csv, so a sweep without CSV draws no plots and must say so.
fn sweep_formats(list: &[Format], no_plots: bool) -> Result<Formats, CliError> {
    let formats = Formats::from_list(list);
    if !formats.csv && !no_plots {
        return Err(CliError::Input(
            "--format parquet without csv: the sweep plots are drawn from runs.csv and points.csv; add csv (--format csv,parquet) or pass --no-plots".into(),
        ));
    }
    Ok(formats)
}

/// Every value a parameter can take (its listed values, or both ends of its range) must give a
/// valid scenario on its own: checked before anything is written, so a bad sweep file never
/// leaves a journal behind.
fn check_sweep_values(
    spec: &sweep::SweepSpec,
    base: &scenario::document::ResolvedDocument,
    file: &Path,
) -> Result<(), CliError> {
    let mut problems = Vec::new();
    for (i, p) in spec.parameters.iter().enumerate() {
        let candidates: Vec<toml::Value> = match &p.domain {
            sweep::Domain::Values(values) => values.clone(),
            sweep::Domain::Range { min, max, .. } => [*min, *max]
                .iter()
                .map(|v| match p.kind {
                    Some(sweep::ValueKind::Integer) => toml::Value::Integer(v.round() as i64),
                    _ if p.integer => toml::Value::Integer(v.round() as i64),
                    _ => toml::Value::Float(*v),
                })
                .collect(),
        };
        for value in candidates {
            let mut doc = base.clone();
            let result = doc
                .apply_set(&format!("{}={value}", p.key))
                .and_then(|_| scenario::load::from_document(doc).map(|_| ()));
            if let Err(d) = result {
                for diag in d.0 {
                    problems.push(format!(
                        "{}: parameters[{i}] ({} = {value}): {}{}",
                        file.display(),
                        p.key,
                        diag.message,
                        diag.allowed
                            .map(|a| format!("; allowed: {a}"))
                            .unwrap_or_default()
                    ));
                }
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(CliError::Input(problems.join("\n")))
    }
}

fn cmd_calibrate(
    path: &Path,
    out: Option<PathBuf>,
    threads: Option<usize>,
    resume: bool,
    no_plots: bool,
    quiet: bool,
) -> Result<(), CliError> {
    let started = Instant::now();
    let threads = check_threads(threads)?;
    let fail = |e: calibrate::CalibrationError| match e {
        calibrate::CalibrationError::Invalid { .. } => CliError::Input(e.to_string()),
        other => CliError::Failure(other.to_string()),
    };
    let spec = calibrate::load_calibration(path).map_err(fail)?;
    let objective = calibrate::Objective::prepare(spec, path).map_err(fail)?;
    let out_dir = out.unwrap_or_else(|| PathBuf::from("output").join(&objective.spec.name));
    let options = calibrate::Options {
        threads,
        resume,
        progress: if quiet {
            sweep::Progress::Quiet
        } else {
            sweep::Progress::Auto
        },
        plots: !no_plots,
    };
    let outcome =
        calibrate::run_calibration(&objective, &out_dir, &options).map_err(|e| match e {
            calibrate::CalibrationError::Invalid { .. } => CliError::Input(e.to_string()),
            other => CliError::Failure(other.to_string()),
        })?;
    out!("{}", calibrate::parameter_table(&outcome.parameters));
    out!("{}", calibrate::fit_table(&outcome.fits));
    if !quiet {
        eprintln!(
            "calibrate {}: {} ({} evaluations: {} run now, {} resumed) into {} in {:.1} s",
            objective.spec.name,
            outcome.stop,
            outcome.evaluations_total,
            outcome.evaluations_run,
            outcome.evaluations_resumed,
            out_dir.display(),
            started.elapsed().as_secs_f64()
        );
    }
    Ok(())
}

fn sweep_error(e: sweep::SweepError) -> CliError {
    match e {
        sweep::SweepError::Invalid { .. } => CliError::Input(e.to_string()),
        other => CliError::Failure(other.to_string()),
    }
}

fn cmd_merge(
    dirs: &[PathBuf],
    out: &Path,
    no_plots: bool,
    formats: Formats,
    plot_format: PlotFormat,
    quiet: bool,
) -> Result<(), CliError> {
    let outcome = sweep::merge(dirs, out, formats).map_err(|e| CliError::Input(e.to_string()))?;
    // The question of the sweep, from the first shard that has one.
    if let Some(q) = dirs
        .iter()
        .find_map(|d| std::fs::read_to_string(d.join(crate::brief::QUESTION_FILE)).ok())
    {
        std::fs::write(out.join(crate::brief::QUESTION_FILE), q)
            .map_err(|e| CliError::Failure(format!("cannot write into {}: {e}", out.display())))?;
    }
    if !no_plots {
        let opts = PlotOptions {
            format: plot_format,
            ..PlotOptions::default()
        };
        plot::plot_sweep_dir(out, &opts)
            .map_err(|e| CliError::Failure(format!("plotting failed: {e}")))?;
    }
    if !quiet {
        eprintln!(
            "merged {} shards ({} runs) into {}",
            dirs.len(),
            outcome.runs_total,
            out.display()
        );
    }
    Ok(())
}

/// Options of `kizuna compare` besides the scenarios.
struct CompareArgs {
    replications: Option<u32>,
    threads: Option<usize>,
    seed: Option<u64>,
    out: Option<PathBuf>,
    indicators: Vec<String>,
    at: Vec<String>,
    sets: Vec<String>,
    no_plots: bool,
    plot_format: PlotFormat,
    quiet: bool,
}

fn cmd_compare(specs: &[String], args: &CompareArgs) -> Result<(), CliError> {
    use crate::compare;
    let started = Instant::now();
    if args.threads == Some(0) {
        return Err(CliError::Input("--threads must be at least 1".into()));
    }
    if args.replications == Some(0) {
        return Err(CliError::Input("--replications must be at least 1".into()));
    }
    let threads = args.threads.unwrap_or_else(runner::default_threads);
    // Common random numbers: every arm runs replications 0..R with the baseline's seed.
    let first = load_scenario(Some(&specs[0]), &args.sets, args.seed, args.replications)?;
    let seed = first.config.seed;
    let reps = first.replications();
    let mut loaded = vec![first];
    for spec in &specs[1..] {
        loaded.push(load_scenario(
            Some(spec),
            &args.sets,
            Some(seed),
            Some(reps),
        )?);
    }
    let base = &loaded[0].config;
    for l in &loaded[1..] {
        if (l.config.start, l.config.end) != (base.start, base.end) {
            return Err(CliError::Input(format!(
                "{} runs {}..{} but the baseline {} runs {}..{}: compared scenarios need the same horizon",
                l.config.name, l.config.start, l.config.end, base.name, base.start, base.end
            )));
        }
    }
    let mut at = Vec::new();
    for text in &args.at {
        let q = crate::model::time::Quarter::parse(text).ok_or_else(|| {
            CliError::Input(format!("--at {text}: expected a quarter such as 2030Q4"))
        })?;
        if base.step_of(q).is_none() {
            return Err(CliError::Input(format!(
                "--at {text}: outside the horizon {}..{}",
                base.start, base.end
            )));
        }
        at.push(q);
    }
    let indicators = if args.indicators.is_empty() {
        compare::default_indicators(base)
    } else {
        args.indicators.clone()
    };
    let columns = crate::model::record::columns(base);
    for c in &indicators {
        if !columns.contains(c) {
            return Err(CliError::Input(format!(
                "--indicator {c}: not a column of {} (columns look like fdi_stock_usd.VNM-JPN; see timeseries.csv)",
                base.name
            )));
        }
    }
    let mut all_results = Vec::new();
    for l in &loaded {
        let cfg = &l.config;
        let progress = Progress::new(
            reps as u64,
            &format!("running {} ({} replications)", cfg.name, reps),
            args.quiet,
        );
        let results = runner::run_replications(cfg, reps, threads, &|done, total| {
            progress.update(done as u64, total as u64)
        })
        .map_err(|e| CliError::Failure(format!("{}: {e}", cfg.name)))?;
        progress.finish();
        all_results.push(results);
    }
    // Arm names: scenario names, made unique.
    let mut names: Vec<String> = Vec::new();
    for l in &loaded {
        let mut name = l.config.name.clone();
        let mut k = 2;
        while names.contains(&name) {
            name = format!("{}#{k}", l.config.name);
            k += 1;
        }
        names.push(name);
    }
    let arms: Vec<compare::Arm> = loaded
        .iter()
        .zip(&all_results)
        .zip(&names)
        .map(|((l, r), n)| compare::Arm {
            name: n.clone(),
            config: &l.config,
            results: r,
        })
        .collect();
    let rows = compare::compare(&arms, &indicators, &at, seed);

    let target = args.out.clone().unwrap_or_else(|| {
        let plain: Vec<String> = loaded.iter().map(|l| l.config.name.clone()).collect();
        PathBuf::from("output").join(format!("compare_{}", plain.join("_vs_")))
    });
    if target.exists() && !target.is_dir() {
        return Err(CliError::Input(format!(
            "--out {}: exists and is not a directory",
            target.display()
        )));
    }
    let staged = StagedDir::new(&target)
        .map_err(|e| CliError::Failure(format!("cannot create {}: {e}", target.display())))?;
    let io = |e: std::io::Error| {
        CliError::Failure(format!("cannot write into {}: {e}", target.display()))
    };
    staged
        .write("compare.csv", compare::compare_csv(&rows))
        .map_err(io)?;
    // Each arm's resolved scenario (what `kizuna brief` diffs) and the baseline's question.
    std::fs::create_dir_all(staged.staging.join("scenarios")).map_err(io)?;
    for (l, name) in loaded.iter().zip(&names) {
        staged
            .write(
                &crate::brief::arm_scenario_file(name),
                l.doc.to_toml_string(),
            )
            .map_err(io)?;
    }
    if let Some(root) = loaded[0].doc.sources.first() {
        write_question(&staged.staging, &root.text).map_err(io)?;
    }
    let manifest = serde_json::json!({
        "baseline": names[0],
        "scenarios": names,
        "scenario_sha256": loaded.iter().map(|l| l.doc.sha256_hex()).collect::<Vec<_>>(),
        "seed": seed,
        "replications": reps,
        "common_random_numbers": "every scenario runs replications 0..R with the same master seed",
        "indicators": indicators,
        "at": at.iter().map(|q| q.to_string()).collect::<Vec<_>>(),
        "bootstrap_resamples": crate::stats::BOOTSTRAP_RESAMPLES,
        "kizuna_version": env!("CARGO_PKG_VERSION"),
    });
    staged
        .write(
            "manifest.json",
            serde_json::to_string_pretty(&manifest).unwrap_or_default() + "\n",
        )
        .map_err(io)?;
    // What depends on the machine goes into timing.json, so manifest.json is reproducible.
    let timing = serde_json::json!({
        "simulate_seconds": started.elapsed().as_secs_f64(),
        "threads": threads,
    });
    staged
        .write("timing.json", timing.to_string() + "\n")
        .map_err(io)?;
    let mut plots = 0;
    if !args.no_plots {
        let opts = PlotOptions {
            format: args.plot_format,
            ..PlotOptions::default()
        };
        plots = plot::plot_compare_dir(&staged.staging, &opts)
            .map_err(|e| CliError::Failure(format!("plotting failed: {e}")))?
            .len();
    }
    let dir = staged.commit().map_err(|e| {
        CliError::Failure(format!(
            "cannot move results into {}: {e}",
            target.display()
        ))
    })?;
    out!("{}", compare::console_table(&rows).trim_end());
    if !args.quiet {
        eprintln!(
            "wrote {} ({} scenarios × {} replications, {} rows, {} plots) in {:.2} s",
            dir.display(),
            loaded.len(),
            reps,
            rows.len(),
            plots,
            started.elapsed().as_secs_f64()
        );
    }
    Ok(())
}

/// `kizuna list`: the built-in scenarios (one per line, first), then the experiments and sweeps.
fn list_text() -> String {
    use std::fmt::Write as _;
    let name = |n: &str| n.trim_end_matches(".toml").to_string();
    let width = builtin::SCENARIOS
        .iter()
        .chain(builtin::EXPERIMENTS)
        .chain(builtin::SWEEPS)
        .map(|(n, _)| name(n).len())
        .max()
        .unwrap_or(0);
    let mut s = String::new();
    for (n, text) in builtin::SCENARIOS {
        let _ = writeln!(s, "{:<width$}  {}", name(n), builtin::summary(text));
    }
    s.push_str("\nExperiments (scenarios/experiments/, docs/EXPERIMENTS.md; run by name, compare arms with `kizuna compare A B ...`):\n");
    for (n, text) in builtin::EXPERIMENTS {
        let _ = writeln!(s, "  {:<width$}  {}", name(n), builtin::summary(text));
    }
    s.push_str(
        "\nSweeps (scenarios/sweeps/; run with `kizuna sweep scenarios/sweeps/NAME.toml`):\n",
    );
    for (n, text) in builtin::SWEEPS {
        let _ = writeln!(s, "  {:<width$}  {}", name(n), builtin::summary(text));
    }
    s
}

/// Writes `question.txt` (the header comment of `text`) into `dir` when there is one.
fn write_question(dir: &Path, text: &str) -> std::io::Result<()> {
    let header = builtin::header(text);
    if header.is_empty() {
        return Ok(());
    }
    std::fs::write(dir.join(crate::brief::QUESTION_FILE), header)
}

fn cmd_brief(dir: &Path, out: Option<PathBuf>, sensitivity: Option<&Path>) -> Result<(), CliError> {
    let html = crate::brief::brief_html(dir, sensitivity).map_err(CliError::Input)?;
    let path = out.unwrap_or_else(|| dir.join("brief.html"));
    std::fs::write(&path, html)
        .map_err(|e| CliError::Failure(format!("cannot write {}: {e}", path.display())))?;
    out!("wrote {}", path.display());
    Ok(())
}
