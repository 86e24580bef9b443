//! The project loader on arbitrary bytes: the first byte picks the file the rest becomes
//! (regions.yaml, or one of two table files); the other files stay a valid small project.
//! Any panic, stack overflow or runaway allocation is a finding.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::PathBuf;
use std::sync::OnceLock;

const REGIONS: &str = "database: shop\nregions: [us-east1, us-west1, eu-west1]\nprimary_region: us-east1\n";
const PLAYERS: &str = "table: players\ncolumns:\n  - { name: player_id, type: UUID, default: gen_random_uuid() }\n  - { name: nickname, type: STRING }\nprimary_key: [player_id]\nindexes:\n  - { columns: [nickname], unique: true }\n";
const ORDERS: &str = "table: orders\nlocality: regional_by_row\ncolumns:\n  - { name: id, type: INT8 }\n  - { name: player_id, type: UUID }\nprimary_key: [id]\nforeign_keys:\n  - { columns: [player_id], references: { table: players, columns: [player_id] } }\nzone: { gc.ttlseconds: 600 }\n";

fn project() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("bmdb-fuzz-load-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("schema")).unwrap();
        dir
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, body)) = data.split_first() else {
        return;
    };
    let dir = project();
    let mut files = [
        ("regions.yaml", REGIONS.as_bytes()),
        ("schema/players.yaml", PLAYERS.as_bytes()),
        ("schema/orders.yaml", ORDERS.as_bytes()),
    ];
    files[pick as usize % 3].1 = body;
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
    if let Ok(model) = bmdb::model::load_project(dir) {
        let empty = bmdb::migrations::empty_state(&model.database);
        let changes = bmdb::diff::diff(&empty, &model);
        let _ = bmdb::plan::checked_plan(&empty, &model, changes);
    }
});
