//! The closed set of changes bmdb knows, named Verb+Noun. Each kind has exactly one
//! template (`templates/<kind>.sql.j2`) and its hazards are read off the typed change,
//! never off SQL text.

use crate::model::types::*;
use serde::Serialize;

/// What a zone configuration is attached to.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ZoneTarget {
    Database,
    Range { name: String },
    Table { table: String },
    Index { table: String, index: String },
}

impl std::fmt::Display for ZoneTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ZoneTarget::Database => write!(f, "database"),
            ZoneTarget::Range { name } => write!(f, "range {name}"),
            ZoneTarget::Table { table } => write!(f, "table {table}"),
            ZoneTarget::Index { table, index } => write!(f, "index {table}@{index}"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Change {
    // --- database and regions (CockroachDB only) ---
    /// The first primary region makes the database multi-region.
    SetPrimaryRegion {
        database: String,
        region: String,
        from: Option<String>,
    },
    AddRegion {
        database: String,
        region: String,
    },
    DropRegion {
        database: String,
        region: String,
    },
    SetSecondaryRegion {
        database: String,
        region: String,
    },
    DropSecondaryRegion {
        database: String,
        region: String,
    },
    SetSurvivalGoal {
        database: String,
        from: SurvivalGoal,
        to: SurvivalGoal,
    },
    SetPlacement {
        database: String,
        from: Placement,
        to: Placement,
    },
    AddSuperRegion {
        database: String,
        name: String,
        regions: Vec<String>,
    },
    AlterSuperRegion {
        database: String,
        name: String,
        regions: Vec<String>,
    },
    DropSuperRegion {
        database: String,
        name: String,
    },
    /// `to: None` discards the zone (the object inherits again).
    ConfigureZone {
        database: String,
        target: ZoneTarget,
        from: Option<ZoneConfig>,
        to: Option<ZoneConfig>,
    },

    // --- tables ---
    /// Foreign keys the planner could not put inline (cycles) are split out as
    /// `AddForeignKey` and removed from `table.foreign_keys` here.
    CreateTable {
        table: Table,
    },
    DropTable {
        table: Table,
    },
    SetTableComment {
        table: String,
        comment: Option<String>,
    },
    SetLocality {
        table: String,
        from: Option<Locality>,
        to: Option<Locality>,
    },
    SetTtl {
        table: String,
        ttl: Ttl,
    },
    ResetTtl {
        table: String,
    },

    // --- columns ---
    AddColumn {
        table: String,
        column: Column,
    },
    DropColumn {
        table: String,
        column: Column,
    },
    RenameColumn {
        table: String,
        from: String,
        to: String,
    },
    AlterColumnType {
        table: String,
        column: String,
        from: String,
        to: String,
    },
    SetColumnDefault {
        table: String,
        column: String,
        default: Option<String>,
    },
    SetColumnNullable {
        table: String,
        column: String,
        nullable: bool,
    },
    SetColumnComment {
        table: String,
        column: String,
        comment: Option<String>,
    },

    // --- keys, indexes, constraints ---
    AlterPrimaryKey {
        table: String,
        from: Option<PrimaryKey>,
        to: PrimaryKey,
    },
    CreateIndex {
        table: String,
        index: Index,
    },
    DropIndex {
        table: String,
        index: Index,
    },
    AddUnique {
        table: String,
        unique: UniqueConstraint,
    },
    DropUnique {
        table: String,
        unique: UniqueConstraint,
    },
    AddForeignKey {
        table: String,
        foreign_key: ForeignKey,
    },
    DropForeignKey {
        table: String,
        foreign_key: ForeignKey,
    },
    AddCheck {
        table: String,
        check: Check,
    },
    DropCheck {
        table: String,
        check: Check,
    },
}

impl Change {
    /// Stable snake_case name of the kind; also the template's file stem.
    pub fn kind(&self) -> &'static str {
        match self {
            Change::SetPrimaryRegion { .. } => "set_primary_region",
            Change::AddRegion { .. } => "add_region",
            Change::DropRegion { .. } => "drop_region",
            Change::SetSecondaryRegion { .. } => "set_secondary_region",
            Change::DropSecondaryRegion { .. } => "drop_secondary_region",
            Change::SetSurvivalGoal { .. } => "set_survival_goal",
            Change::SetPlacement { .. } => "set_placement",
            Change::AddSuperRegion { .. } => "add_super_region",
            Change::AlterSuperRegion { .. } => "alter_super_region",
            Change::DropSuperRegion { .. } => "drop_super_region",
            Change::ConfigureZone { .. } => "configure_zone",
            Change::CreateTable { .. } => "create_table",
            Change::DropTable { .. } => "drop_table",
            Change::SetTableComment { .. } => "set_table_comment",
            Change::SetLocality { .. } => "set_locality",
            Change::SetTtl { .. } => "set_ttl",
            Change::ResetTtl { .. } => "reset_ttl",
            Change::AddColumn { .. } => "add_column",
            Change::DropColumn { .. } => "drop_column",
            Change::RenameColumn { .. } => "rename_column",
            Change::AlterColumnType { .. } => "alter_column_type",
            Change::SetColumnDefault { .. } => "set_column_default",
            Change::SetColumnNullable { .. } => "set_column_nullable",
            Change::SetColumnComment { .. } => "set_column_comment",
            Change::AlterPrimaryKey { .. } => "alter_primary_key",
            Change::CreateIndex { .. } => "create_index",
            Change::DropIndex { .. } => "drop_index",
            Change::AddUnique { .. } => "add_unique",
            Change::DropUnique { .. } => "drop_unique",
            Change::AddForeignKey { .. } => "add_foreign_key",
            Change::DropForeignKey { .. } => "drop_foreign_key",
            Change::AddCheck { .. } => "add_check",
            Change::DropCheck { .. } => "drop_check",
        }
    }

    /// Every kind, for tests that check one template exists per kind.
    pub const ALL_KINDS: [&'static str; 33] = [
        "set_primary_region",
        "add_region",
        "drop_region",
        "set_secondary_region",
        "drop_secondary_region",
        "set_survival_goal",
        "set_placement",
        "add_super_region",
        "alter_super_region",
        "drop_super_region",
        "configure_zone",
        "create_table",
        "drop_table",
        "set_table_comment",
        "set_locality",
        "set_ttl",
        "reset_ttl",
        "add_column",
        "drop_column",
        "rename_column",
        "alter_column_type",
        "set_column_default",
        "set_column_nullable",
        "set_column_comment",
        "alter_primary_key",
        "create_index",
        "drop_index",
        "add_unique",
        "drop_unique",
        "add_foreign_key",
        "drop_foreign_key",
        "add_check",
        "drop_check",
    ];

    /// The object a person would name: `players`, `players.email`, `players@players_email_idx`,
    /// `database bluemarble`, `region eu-west-1`, `zone table players`.
    pub fn object(&self) -> String {
        match self {
            Change::SetPrimaryRegion { database, .. }
            | Change::SetSurvivalGoal { database, .. }
            | Change::SetPlacement { database, .. } => format!("database {database}"),
            Change::AddRegion { region, .. }
            | Change::DropRegion { region, .. }
            | Change::SetSecondaryRegion { region, .. }
            | Change::DropSecondaryRegion { region, .. } => format!("region {region}"),
            Change::AddSuperRegion { name, .. }
            | Change::AlterSuperRegion { name, .. }
            | Change::DropSuperRegion { name, .. } => format!("super region {name}"),
            Change::ConfigureZone { target, .. } => format!("zone {target}"),
            Change::CreateTable { table } | Change::DropTable { table } => table.name.clone(),
            Change::SetTableComment { table, .. }
            | Change::SetLocality { table, .. }
            | Change::SetTtl { table, .. }
            | Change::ResetTtl { table }
            | Change::AlterPrimaryKey { table, .. } => table.clone(),
            Change::AddColumn { table, column } | Change::DropColumn { table, column } => {
                format!("{table}.{}", column.name)
            }
            Change::RenameColumn { table, to, .. } => format!("{table}.{to}"),
            Change::AlterColumnType { table, column, .. }
            | Change::SetColumnDefault { table, column, .. }
            | Change::SetColumnNullable { table, column, .. }
            | Change::SetColumnComment { table, column, .. } => format!("{table}.{column}"),
            Change::CreateIndex { table, index } | Change::DropIndex { table, index } => {
                format!("{table}@{}", index.name)
            }
            Change::AddUnique { table, unique } | Change::DropUnique { table, unique } => {
                format!("{table}.{}", unique.name)
            }
            Change::AddForeignKey { table, foreign_key }
            | Change::DropForeignKey { table, foreign_key } => {
                format!("{table}.{}", foreign_key.name)
            }
            Change::AddCheck { table, check } | Change::DropCheck { table, check } => {
                format!("{table}.{}", check.name)
            }
        }
    }

    /// The table this change is about, if any (the planner groups and orders by it).
    pub fn table(&self) -> Option<&str> {
        match self {
            Change::CreateTable { table } | Change::DropTable { table } => Some(&table.name),
            Change::SetTableComment { table, .. }
            | Change::SetLocality { table, .. }
            | Change::SetTtl { table, .. }
            | Change::ResetTtl { table }
            | Change::AddColumn { table, .. }
            | Change::DropColumn { table, .. }
            | Change::RenameColumn { table, .. }
            | Change::AlterColumnType { table, .. }
            | Change::SetColumnDefault { table, .. }
            | Change::SetColumnNullable { table, .. }
            | Change::SetColumnComment { table, .. }
            | Change::AlterPrimaryKey { table, .. }
            | Change::CreateIndex { table, .. }
            | Change::DropIndex { table, .. }
            | Change::AddUnique { table, .. }
            | Change::DropUnique { table, .. }
            | Change::AddForeignKey { table, .. }
            | Change::DropForeignKey { table, .. }
            | Change::AddCheck { table, .. }
            | Change::DropCheck { table, .. } => Some(table),
            Change::ConfigureZone {
                target: ZoneTarget::Table { table },
                ..
            }
            | Change::ConfigureZone {
                target: ZoneTarget::Index { table, .. },
                ..
            } => Some(table),
            _ => None,
        }
    }
}

/// Why a step deserves a second look. `id` is stable (kebab-case) and used in output and JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hazard {
    pub id: &'static str,
    pub reason: String,
    /// Destructive hazards need `--allow-destructive` to apply.
    pub destructive: bool,
}
