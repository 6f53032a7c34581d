//! Scenario files: reading TOML (with `extends` and `--set`), schema checks with located errors,
//! validation into the core's `Config`, built-in scenarios and a generated key reference.

pub mod builtin;
pub mod diagnostics;
pub mod document;
pub mod json_schema;
pub mod keypath;
pub mod load;
pub mod raw;
pub mod reference;
pub mod schema_check;
pub mod validate;

pub use json_schema::json_schema;
pub use load::{LoadedScenario, load};
