//! Replication hazard checks.
pub struct ZoneHazard;
pub fn replication_hazards(_m: &crate::model::types::Model) -> Vec<ZoneHazard> {
    vec![]
}
