//! model: load regions.yaml and schema/**/*.yaml, validate, normalise.
pub mod diagnostic;
pub mod types;
pub use diagnostic::{Diagnostic, Diagnostics};
pub use types::*;
