//! Generic scenario-document machinery: reading TOML scenario files, `extends`,
//! `--set` overrides, schema checks with located errors and a generated key reference.

pub mod diagnostics;
pub mod document;
pub mod keypath;
pub mod reference;
pub mod schema_check;
