//! diff: (current model, desired model) -> unordered `Vec<Change>`.
//! Renames come only from `renamed_from`; everything else is add/drop/alter.
//!
//! Stage: may import model and sql (docs/architecture.md).

pub mod change;
mod differ;
pub mod enums;
pub mod families;
pub mod refusals;
pub mod sequences;
pub mod views;
pub use change::{Change, Hazard, ZoneTarget};
pub use differ::diff;
pub use refusals::{refusals, Against, Refusal, Unplannable};
