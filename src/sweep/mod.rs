//! Parameter sweeps: a sweep file names a base scenario, parameters to vary (by scenario key
//! path), a design (grid, random, Latin hypercube, Sobol, Morris) and metrics to read from every
//! run. [`run_sweep`] runs every (point, replication) in parallel, journals each result as it
//! finishes (crash-safe, resumable, shardable across a Slurm job array) and writes `runs.csv`,
//! `points.csv`, `manifest.json` (and `morris.csv` or `sobol.csv`) — byte-identical whatever the thread count,
//! finishing order, interruptions or sharding. See `docs/SWEEPS.md`.
//!
//! Building a scenario from overrides is the caller's job: it passes a [`RunFn`] closure and,
//! for validation, a [`LookupFn`] closure.

pub mod design;
pub mod metrics;
pub mod run;
pub mod sensitivity;
pub mod sobol;
pub mod spec;
#[doc(hidden)]
pub mod testing;

pub use metrics::{RunOutput, Summary, extract, summarise};
pub use run::{
    JOURNAL, Progress, RunFn, RunOptions, ScenarioRun, SweepOutcome, merge, parse_shard, run_seed,
    run_sweep, shard_from_env, shard_from_vars, shocks_read_by,
};
pub use spec::{
    Design, DesignKind, Diagnostic, Domain, LookupFn, Metric, MetricKind, Parameter,
    ResilienceMetric, Scale, Stat, SweepError, SweepSpec, ValueKind, load_sweep, load_sweep_with,
    parse_set, parse_sweep,
};
