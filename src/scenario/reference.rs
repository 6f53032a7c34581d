//! Key reference.
