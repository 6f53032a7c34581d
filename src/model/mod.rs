//! The pure simulation core: no IO, no printing, no clock. It takes a validated [`Config`] and
//! returns indicator series; it cannot fail on a valid configuration except through a broken
//! invariant, which is a bug.
//!
//! One module per mechanism (the domain notes' submodel numbers in brackets): `culture` (SM1),
//! `partnership` (SM2, SM4), `trust` (SM3), `aid` (SM5), `entry` (SM6), `production` (SM7, SM10),
//! `talent` (SM8), `spillover` (SM9), `institutions` (SM11), `resilience` (SM12), `shocks`.

pub mod aid;
pub mod config;
pub mod culture;
pub mod entry;
pub mod fastmath;
pub mod institutions;
pub mod invariants;
pub mod params;
pub mod partnership;
pub mod production;
pub mod public_capital;
pub mod record;
pub mod resilience;
pub mod rng;
pub mod shocks;
pub mod sim;
pub mod spillover;
pub mod talent;
pub mod time;
pub mod trust;
pub mod world;

pub use config::Config;
pub use sim::{
    Checkpoint, Counterfactuals, ReplicationResult, Schedule, Series, ShockResilience, Simulation,
    run_replication, run_replication_resumable, run_replication_scheduled, run_replication_with,
};
