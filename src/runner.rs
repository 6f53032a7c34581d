//! The experiment runner: replications in parallel on a rayon pool of a chosen size. Results come
//! back in replication order whatever the thread count, and every replication draws from its own
//! streams, so outputs are byte-identical for any number of threads.

use crate::model::invariants::InvariantViolation;
use crate::model::{
    Checkpoint, Config, Counterfactuals, ReplicationResult, Schedule, run_replication_resumable,
};
use rayon::prelude::*;
use std::sync::atomic::{AtomicU32, Ordering};

/// Runs replications `0..replications` on `threads` threads, each with every counterfactual;
/// `on_done(done, total)` is called after each one finishes (from worker threads).
pub fn run_replications(
    cfg: &Config,
    replications: u32,
    threads: usize,
    on_done: &(dyn Fn(u32, u32) + Sync),
) -> Result<Vec<ReplicationResult>, RunError> {
    run_replications_with(cfg, replications, threads, &Counterfactuals::All, on_done)
}

/// Like [`run_replications`] with only the counterfactuals `which` includes. With at least as
/// many replications as threads the threads are kept busy by replications, and each
/// counterfactual runs as soon as its replication reaches the shock ([`Schedule::Inline`]: one
/// extra copy of the world per thread); otherwise a replication's counterfactuals run in
/// parallel after it. Results are the same either way.
pub fn run_replications_with(
    cfg: &Config,
    replications: u32,
    threads: usize,
    which: &Counterfactuals,
    on_done: &(dyn Fn(u32, u32) + Sync),
) -> Result<Vec<ReplicationResult>, RunError> {
    run_replications_resumable(
        cfg,
        replications,
        threads,
        which,
        &Resume::default(),
        on_done,
    )
    .map(|(results, _)| results)
}

/// Where the replications of [`run_replications_resumable`] start and what they save.
#[derive(Default)]
pub struct Resume<'c> {
    /// One checkpoint per replication, in replication order (`kizuna run --from`).
    pub from: Option<&'c [Checkpoint]>,
    /// Step before which each replication saves a checkpoint (`kizuna run --save-at`).
    pub save_at: Option<u32>,
}

/// Like [`run_replications_with`], each replication continued from its checkpoint in
/// `resume.from` (which holds at least `replications`) and saving one before `resume.save_at`;
/// the checkpoints come back in replication order.
pub fn run_replications_resumable(
    cfg: &Config,
    replications: u32,
    threads: usize,
    which: &Counterfactuals,
    resume: &Resume<'_>,
    on_done: &(dyn Fn(u32, u32) + Sync),
) -> Result<(Vec<ReplicationResult>, Vec<Checkpoint>), RunError> {
    let schedule = if replications as usize >= threads.max(1) {
        Schedule::Inline
    } else {
        Schedule::Parallel
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.max(1))
        .build()
        .map_err(|e| RunError::Pool(e.to_string()))?;
    let done = AtomicU32::new(0);
    let runs: Vec<(ReplicationResult, Option<Checkpoint>)> = pool.install(|| {
        (0..replications)
            .into_par_iter()
            .map(|r| {
                let from = resume.from.map(|c| &c[r as usize]);
                let result =
                    run_replication_resumable(cfg, r, which, schedule, from, resume.save_at);
                on_done(done.fetch_add(1, Ordering::SeqCst) + 1, replications);
                result.map_err(|violation| RunError::Invariant {
                    replication: r,
                    violation,
                })
            })
            .collect::<Result<_, _>>()
    })?;
    let (results, checkpoints): (Vec<_>, Vec<Option<Checkpoint>>) = runs.into_iter().unzip();
    Ok((results, checkpoints.into_iter().flatten().collect()))
}

/// The number of threads to use when the user does not say.
pub fn default_threads() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
}

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("replication {replication}: {violation}")]
    Invariant {
        replication: u32,
        violation: InvariantViolation,
    },
    #[error("cannot start the thread pool: {0}")]
    Pool(String),
}
