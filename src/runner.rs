//! The experiment runner: replications in parallel on a rayon pool of a chosen size. Results come
//! back in replication order whatever the thread count, and every replication draws from its own
//! streams, so outputs are byte-identical for any number of threads.

use crate::model::invariants::InvariantViolation;
use crate::model::{Config, ReplicationResult, run_replication};
use rayon::prelude::*;
use std::sync::atomic::{AtomicU32, Ordering};

/// Runs replications `0..replications` on `threads` threads; `on_done(done, total)` is called
/// after each one finishes (from worker threads).
pub fn run_replications(
    cfg: &Config,
    replications: u32,
    threads: usize,
    on_done: &(dyn Fn(u32, u32) + Sync),
) -> Result<Vec<ReplicationResult>, RunError> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.max(1))
        .build()
        .map_err(|e| RunError::Pool(e.to_string()))?;
    let done = AtomicU32::new(0);
    pool.install(|| {
        (0..replications)
            .into_par_iter()
            .map(|r| {
                let result = run_replication(cfg, r);
                on_done(done.fetch_add(1, Ordering::SeqCst) + 1, replications);
                result.map_err(|violation| RunError::Invariant {
                    replication: r,
                    violation,
                })
            })
            .collect()
    })
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
