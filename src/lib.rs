//! kizuna: a deterministic agent-based simulator of cross-cultural development partnerships.
//!
//! See `ARCHITECTURE.md` for the code map and invariants.

pub mod indicators;
pub mod model;
pub mod sweep;
