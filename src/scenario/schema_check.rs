//! Schema checks.
