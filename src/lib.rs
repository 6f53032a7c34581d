//! kizuna: a deterministic agent-based simulator of cross-cultural development partnerships.
//!
//! See `ARCHITECTURE.md` for the code map and invariants.

pub mod brief;
pub mod calibrate;
pub mod cli;
pub mod compare;
pub mod describe;
pub mod indicators;
pub mod journal;
pub mod model;
pub mod numfmt;
pub mod observed;
pub mod output;
pub mod plot;
pub mod runner;
pub mod scenario;
pub mod stats;
pub mod sweep;
pub mod table;
pub mod worldfile;
