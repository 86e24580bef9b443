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
    Range {
        name: String,
    },
    Table {
        table: String,
    },
    Index {
        table: String,
        index: String,
    },
    /// A zone config extension: `ALTER DATABASE d ALTER LOCALITY {GLOBAL | REGIONAL [IN
    /// "region"]} CONFIGURE ZONE ...`; `locality` is `global` or `regional`, `region` the
    /// region of REGIONAL IN.
    Extension {
        locality: String,
        region: Option<String>,
    },
}

impl ZoneTarget {
    pub fn extension(locality: &ExtensionLocality) -> ZoneTarget {
        match locality {
            ExtensionLocality::Global => ZoneTarget::Extension {
                locality: "global".into(),
                region: None,
            },
            ExtensionLocality::Regional => ZoneTarget::Extension {
                locality: "regional".into(),
                region: None,
            },
            ExtensionLocality::RegionalIn(r) => ZoneTarget::Extension {
                locality: "regional".into(),
                region: Some(r.clone()),
            },
        }
    }
}

impl std::fmt::Display for ZoneTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ZoneTarget::Database => write!(f, "database"),
            ZoneTarget::Range { name } => write!(f, "range {name}"),
            ZoneTarget::Table { table } => write!(f, "table {table}"),
            ZoneTarget::Index { table, index } => write!(f, "index {table}@{index}"),
            ZoneTarget::Extension { locality, region } => match region {
                Some(r) => write!(f, "locality {locality} in {r}"),
                None => write!(f, "locality {locality}"),
            },
        }
    }
}

/// THE list of change kinds, each declared once: its variant with fields, and its id (the
/// `kind` in JSON and the stem of its template, `templates/<id>.sql.j2`). `with_change_kinds!(m)`
/// calls the macro `m` with the list; this module builds the `Change` enum, `Change::kind` and
/// `Change::ALL_KINDS` from it, and render builds its table of built-in templates. A new kind is
/// one entry here, one template, and whatever the differ and planner do with it.
macro_rules! with_change_kinds {
    ($m:ident) => {
        $m! {
            // --- database and regions (CockroachDB only) ---
            /// The first primary region makes the database multi-region.
            SetPrimaryRegion = "set_primary_region" {
                database: String,
                region: String,
                from: Option<String>,
            },
            AddRegion = "add_region" {
                database: String,
                region: String,
            },
            DropRegion = "drop_region" {
                database: String,
                region: String,
            },
            SetSecondaryRegion = "set_secondary_region" {
                database: String,
                region: String,
            },
            DropSecondaryRegion = "drop_secondary_region" {
                database: String,
                region: String,
            },
            SetSurvivalGoal = "set_survival_goal" {
                database: String,
                from: SurvivalGoal,
                to: SurvivalGoal,
            },
            SetPlacement = "set_placement" {
                database: String,
                from: Placement,
                to: Placement,
            },
            AddSuperRegion = "add_super_region" {
                database: String,
                name: String,
                regions: Vec<String>,
            },
            AlterSuperRegion = "alter_super_region" {
                database: String,
                name: String,
                regions: Vec<String>,
            },
            DropSuperRegion = "drop_super_region" {
                database: String,
                name: String,
            },
            /// `to: None` discards the zone (the object inherits again).
            ConfigureZone = "configure_zone" {
                database: String,
                target: ZoneTarget,
                from: Option<ZoneConfig>,
                to: Option<ZoneConfig>,
            },

            // --- roles (cluster-wide; only when the project has roles.yaml) ---
            /// `options`: the SQL keywords of the options that are on (`LOGIN`, `CREATEDB`).
            CreateRole = "create_role" {
                role: String,
                options: Vec<String>,
                valid_until: Option<String>,
            },
            /// `options`: keywords that change (`LOGIN`, `NOCREATEDB`); `valid_until` when
            /// it is set to a new time, `valid_until_lifted` when the limit goes.
            AlterRole = "alter_role" {
                role: String,
                options: Vec<String>,
                valid_until: Option<String>,
                valid_until_lifted: bool,
            },
            DropRole = "drop_role" {
                role: String,
            },
            /// `role` becomes a member of `of` (`GRANT of TO role`).
            GrantRole = "grant_role" {
                role: String,
                of: String,
            },
            RevokeRole = "revoke_role" {
                role: String,
                of: String,
            },

            // --- privileges and session defaults (only when the project has roles.yaml) ---
            /// `privileges`: upper-case keywords (`SELECT`, `USAGE`); `database` is the
            /// project's database (PostgreSQL grants on the one it is connected to).
            /// `grant_option`: `... WITH GRANT OPTION` (the privileges and the right to grant
            /// them on).
            GrantPrivileges = "grant_privileges" {
                role: String,
                on: GrantObject,
                privileges: Vec<String>,
                database: String,
                grant_option: bool,
            },
            /// `grant_option`: `REVOKE GRANT OPTION FOR ...` (the role keeps the privileges,
            /// loses the right to grant them).
            RevokePrivileges = "revoke_privileges" {
                role: String,
                on: GrantObject,
                privileges: Vec<String>,
                database: String,
                grant_option: bool,
            },
            /// `ALTER DEFAULT PRIVILEGES FOR ROLE for_role IN SCHEMA schema GRANT ... ON on TO role`.
            GrantDefaultPrivileges = "grant_default_privileges" {
                role: String,
                for_role: String,
                schema: String,
                on: String,
                privileges: Vec<String>,
            },
            RevokeDefaultPrivileges = "revoke_default_privileges" {
                role: String,
                for_role: String,
                schema: String,
                on: String,
                privileges: Vec<String>,
            },
            /// `ALTER ROLE role [IN DATABASE database] SET name = value`; `cockroach_only` when
            /// the variable exists only on CockroachDB (PostgreSQL leaves it out).
            SetRoleSetting = "set_role_setting" {
                role: String,
                database: Option<String>,
                name: String,
                value: String,
                cockroach_only: bool,
            },
            ResetRoleSetting = "reset_role_setting" {
                role: String,
                database: Option<String>,
                name: String,
                cockroach_only: bool,
            },

            // --- schemas other than public (docs/model.md "Schemas") ---
            /// `CREATE SCHEMA IF NOT EXISTS name`, before every object in it.
            CreateSchema = "create_schema" {
                name: String,
            },
            /// `DROP SCHEMA IF EXISTS name` (RESTRICT: the server refuses while it holds
            /// anything), after every object in it is dropped.
            DropSchema = "drop_schema" {
                name: String,
            },

            // --- enum types (types/*.yaml; docs/model.md "Enum types") ---
            CreateEnum = "create_enum" {
                name: String,
                values: Vec<String>,
            },
            /// `ALTER TYPE ... ADD VALUE IF NOT EXISTS value [BEFORE before | AFTER after]`.
            AddEnumValue = "add_enum_value" {
                name: String,
                value: String,
                before: Option<String>,
                after: Option<String>,
            },
            RenameEnumValue = "rename_enum_value" {
                name: String,
                from: String,
                to: String,
            },
            /// CockroachDB only (`ALTER TYPE ... DROP VALUE`); PostgreSQL has no such
            /// statement, and the model refuses the plan there (`diff::refusals`).
            DropEnumValue = "drop_enum_value" {
                name: String,
                value: String,
            },
            DropEnum = "drop_enum" {
                name: String,
            },

            // --- sequences (sequences/*.yaml; docs/model.md "Sequences") ---
            /// `CREATE SEQUENCE IF NOT EXISTS name ...`, every option written out; before the
            /// tables whose defaults draw from it. Its owner is set by `set_sequence_owner`,
            /// once the column exists.
            CreateSequence = "create_sequence" {
                sequence: Sequence,
            },
            /// One `ALTER SEQUENCE` with the options that differ (`from` the live ones, `to`
            /// the model's); the owner aside.
            AlterSequence = "alter_sequence" {
                from: Sequence,
                to: Sequence,
            },
            /// `ALTER SEQUENCE name OWNED BY table.column` (`None`: `OWNED BY NONE`), after the
            /// tables and columns are created and before any is dropped (a dropped column
            /// takes the sequences it owns with it).
            SetSequenceOwner = "set_sequence_owner" {
                name: String,
                owned_by: Option<SequenceOwner>,
            },
            /// `ALTER SEQUENCE IF EXISTS from RENAME TO to` (`renamed_from:`), before any
            /// sequence is created (a new one may take the old name). The defaults that draw
            /// from it and its owner follow on both servers.
            RenameSequence = "rename_sequence" {
                from: String,
                to: String,
            },
            /// `DROP SEQUENCE IF EXISTS name`, after every table and default that used it.
            DropSequence = "drop_sequence" {
                sequence: Sequence,
            },

            // --- views (views/*.yaml; docs/model.md "Views") ---
            /// `CREATE [MATERIALIZED] VIEW name AS query`. `rebuilt_for` names the change
            /// the view was dropped for (`drop column of players.score`): it is created
            /// again after it, and flagged (view-rebuilt).
            CreateView = "create_view" {
                view: View,
                rebuilt_for: Option<String>,
            },
            /// A changed query (or kind): DROP then CREATE in one step. CREATE OR REPLACE
            /// VIEW may only add columns at the end on both servers, so it is never used.
            ReplaceView = "replace_view" {
                from: View,
                to: View,
            },
            /// `DROP [MATERIALIZED] VIEW name`, before every table change that would take a
            /// column from under it; `rebuilt_for` when it is created again later.
            DropView = "drop_view" {
                view: View,
                rebuilt_for: Option<String>,
            },

            // --- backup schedules (CockroachDB; only when the project has backups.yaml) ---
            /// `CREATE SCHEDULE IF NOT EXISTS 'label' FOR BACKUP ...`.
            CreateBackupSchedule = "create_backup_schedule" {
                schedule: BackupSchedule,
            },
            /// `ALTER BACKUP SCHEDULE :schedule_id SET ...` under a `-- bmdb:backup-schedule-id
            /// 'label'` line (apply puts in the id, which a migration cannot know); a changed
            /// `targets`, which ALTER cannot change, is a drop by label and a create.
            AlterBackupSchedule = "alter_backup_schedule" {
                from: BackupSchedule,
                to: BackupSchedule,
            },
            DropBackupSchedule = "drop_backup_schedule" {
                schedule: BackupSchedule,
            },

            // --- tables ---
            /// Foreign keys the planner could not put inline (cycles) are split out as
            /// `AddForeignKey` and removed from `table.foreign_keys` here.
            CreateTable = "create_table" {
                table: Table,
            },
            DropTable = "drop_table" {
                table: Table,
            },
            SetTableComment = "set_table_comment" {
                table: String,
                comment: Option<String>,
            },
            SetLocality = "set_locality" {
                table: String,
                from: Option<Locality>,
                to: Option<Locality>,
            },
            /// `ttl` is the whole new setting; `reset` names the `ttl_*` parameters the old
            /// one set and the new one does not (`RESET (...)` after the `SET`: CockroachDB
            /// refuses a TTL left with neither expiry for a moment).
            SetTtl = "set_ttl" {
                table: String,
                ttl: Ttl,
                reset: Vec<&'static str>,
            },
            ResetTtl = "reset_ttl" {
                table: String,
            },

            // --- columns ---
            /// `family`: the CockroachDB column family the model puts the new column in
            /// (`None` when the table has no `families:`: CockroachDB's first family);
            /// `create_family` when the table does not have that family yet.
            AddColumn = "add_column" {
                table: String,
                column: Column,
                #[serde(skip_serializing_if = "Option::is_none")]
                family: Option<String>,
                #[serde(skip_serializing_if = "std::ops::Not::not")]
                create_family: bool,
            },
            DropColumn = "drop_column" {
                table: String,
                column: Column,
            },
            RenameColumn = "rename_column" {
                table: String,
                from: String,
                to: String,
            },
            AlterColumnType = "alter_column_type" {
                table: String,
                column: String,
                from: String,
                to: String,
                /// The column's default in the model. A retype to or from an enum on
                /// PostgreSQL drops the old default first (it may not cast to the new type,
                /// or it holds the old enum type) and sets this one after.
                #[serde(skip_serializing_if = "Option::is_none")]
                default: Option<String>,
            },
            SetColumnDefault = "set_column_default" {
                table: String,
                column: String,
                default: Option<String>,
            },
            SetColumnNullable = "set_column_nullable" {
                table: String,
                column: String,
                nullable: bool,
            },
            SetColumnComment = "set_column_comment" {
                table: String,
                column: String,
                comment: Option<String>,
            },
            /// `ALTER COLUMN ... ADD GENERATED {ALWAYS | BY DEFAULT} AS IDENTITY (options)`,
            /// once the column has lost its default and is NOT NULL.
            AddIdentity = "add_identity" {
                table: String,
                column: String,
                identity: Identity,
            },
            /// `SET GENERATED ...` when `generated` changes, and one `SET <option>` per
            /// sequence option that changes (`SET INCREMENT BY 5`, `SET NO MAXVALUE`; an option
            /// going back to its default is set to that default), in `options`.
            AlterIdentity = "alter_identity" {
                table: String,
                column: String,
                from: Identity,
                to: Identity,
                generated: Option<Generated>,
                options: Vec<String>,
            },
            /// A string column's collation changes (`collate: None` is the database default):
            /// `ALTER COLUMN ... [SET DATA] TYPE ty COLLATE name`, after any change of `ty`.
            SetColumnCollation = "set_column_collation" {
                table: String,
                column: String,
                ty: String,
                collate: Option<String>,
            },
            /// A STORED computed column becomes a plain one and keeps its values: `ALTER COLUMN
            /// ... DROP STORED` (CockroachDB) / `DROP EXPRESSION` (PostgreSQL).
            DropComputed = "drop_computed" {
                table: String,
                column: String,
                computed: Computed,
            },
            /// A column whose computation changes (its expression, STORED <-> VIRTUAL, a plain
            /// column that becomes computed, a VIRTUAL one that becomes plain): neither server
            /// changes that in place (PostgreSQL 15 has no SET EXPRESSION), so one step drops
            /// the column and adds it again; the indexes and constraints on it, which go with
            /// it, are created again after it.
            ReplaceComputedColumn = "replace_computed_column" {
                table: String,
                from: Column,
                to: Column,
                /// The column's family in the model (CockroachDB), named again when the
                /// column comes back: ADD COLUMN alone would put it in the first family.
                #[serde(skip_serializing_if = "Option::is_none")]
                family: Option<String>,
            },
            /// `ALTER COLUMN ... DROP IDENTITY`: the column keeps its values, its sequence goes.
            DropIdentity = "drop_identity" {
                table: String,
                column: String,
                identity: Identity,
            },

            // --- keys, indexes, constraints ---
            AlterPrimaryKey = "alter_primary_key" {
                table: String,
                from: Option<PrimaryKey>,
                to: PrimaryKey,
            },
            CreateIndex = "create_index" {
                table: String,
                index: Index,
            },
            DropIndex = "drop_index" {
                table: String,
                index: Index,
            },
            AddUnique = "add_unique" {
                table: String,
                unique: UniqueConstraint,
            },
            DropUnique = "drop_unique" {
                table: String,
                unique: UniqueConstraint,
            },
            AddForeignKey = "add_foreign_key" {
                table: String,
                foreign_key: ForeignKey,
            },
            DropForeignKey = "drop_foreign_key" {
                table: String,
                foreign_key: ForeignKey,
            },
            AddCheck = "add_check" {
                table: String,
                check: Check,
            },
            DropCheck = "drop_check" {
                table: String,
                check: Check,
            },
            /// `COMMENT ON INDEX` of an index that stays (a created or rebuilt index carries
            /// its comment in `create_index`); `comment: None` removes it (IS NULL).
            SetIndexComment = "set_index_comment" {
                table: String,
                index: String,
                comment: Option<String>,
            },
            /// `COMMENT ON CONSTRAINT c ON t` of a check, unique constraint or foreign key
            /// that stays (an added one carries its comment in its add_* change).
            SetConstraintComment = "set_constraint_comment" {
                table: String,
                constraint: String,
                comment: Option<String>,
            },
        }
    };
}
pub(crate) use with_change_kinds;

/// Builds the enum, `kind()` and `ALL_KINDS` from the list.
macro_rules! define_changes {
    ($( $(#[$meta:meta])* $variant:ident = $id:literal { $($fields:tt)* }, )*) => {
        #[derive(Debug, Clone, PartialEq, Serialize)]
        #[serde(tag = "kind")]
        pub enum Change {
            $( $(#[$meta])* #[serde(rename = $id)] $variant { $($fields)* }, )*
        }

        impl Change {
            /// Stable snake_case name of the kind; also the template's file stem.
            pub fn kind(&self) -> &'static str {
                match self {
                    $( Change::$variant { .. } => $id, )*
                }
            }

            /// Every kind, in declaration order.
            pub const ALL_KINDS: [&'static str; [$($id),*].len()] = [$($id),*];
        }
    };
}

with_change_kinds!(define_changes);

impl Change {
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
            Change::CreateRole { role, .. }
            | Change::AlterRole { role, .. }
            | Change::DropRole { role } => format!("role {role}"),
            Change::GrantRole { role, of } | Change::RevokeRole { role, of } => {
                format!("role {role} in {of}")
            }
            Change::GrantPrivileges {
                role,
                on,
                grant_option,
                ..
            }
            | Change::RevokePrivileges {
                role,
                on,
                grant_option,
                ..
            } => {
                if *grant_option {
                    format!("grant option {role} on {on}")
                } else {
                    format!("grant {role} on {on}")
                }
            }
            Change::GrantDefaultPrivileges {
                role,
                for_role,
                schema,
                on,
                ..
            }
            | Change::RevokeDefaultPrivileges {
                role,
                for_role,
                schema,
                on,
                ..
            } => {
                format!("default grant {role} on {on} of {for_role} in {schema}")
            }
            Change::SetRoleSetting {
                role,
                database,
                name,
                ..
            }
            | Change::ResetRoleSetting {
                role,
                database,
                name,
                ..
            } => match database {
                None => format!("setting {role}.{name}"),
                Some(d) => format!("setting {role}.{name} in {d}"),
            },
            Change::CreateSchema { name } | Change::DropSchema { name } => format!("schema {name}"),
            Change::CreateEnum { name, .. } | Change::DropEnum { name } => format!("enum {name}"),
            Change::AddEnumValue { name, value, .. } | Change::DropEnumValue { name, value } => {
                format!("enum {name}.{value}")
            }
            Change::RenameEnumValue { name, to, .. } => format!("enum {name}.{to}"),
            Change::CreateSequence { sequence: s }
            | Change::DropSequence { sequence: s }
            | Change::AlterSequence { to: s, .. } => format!("sequence {}", s.name),
            Change::SetSequenceOwner { name, .. } => format!("sequence {name}"),
            Change::RenameSequence { to, .. } => format!("sequence {to}"),
            Change::CreateView { view, .. }
            | Change::DropView { view, .. }
            | Change::ReplaceView { to: view, .. } => {
                if view.materialized {
                    format!("materialized view {}", view.name)
                } else {
                    format!("view {}", view.name)
                }
            }
            Change::CreateBackupSchedule { schedule }
            | Change::DropBackupSchedule { schedule }
            | Change::AlterBackupSchedule { to: schedule, .. } => {
                format!("backup schedule {}", schedule.label)
            }
            Change::CreateTable { table } | Change::DropTable { table } => table.name.clone(),
            Change::SetTableComment { table, .. }
            | Change::SetLocality { table, .. }
            | Change::SetTtl { table, .. }
            | Change::ResetTtl { table }
            | Change::AlterPrimaryKey { table, .. } => table.clone(),
            Change::AddColumn { table, column, .. } | Change::DropColumn { table, column } => {
                format!("{table}.{}", column.name)
            }
            Change::RenameColumn { table, to, .. } => format!("{table}.{to}"),
            Change::AlterColumnType { table, column, .. }
            | Change::SetColumnDefault { table, column, .. }
            | Change::SetColumnNullable { table, column, .. }
            | Change::SetColumnComment { table, column, .. }
            | Change::AddIdentity { table, column, .. }
            | Change::AlterIdentity { table, column, .. }
            | Change::DropIdentity { table, column, .. }
            | Change::DropComputed { table, column, .. }
            | Change::SetColumnCollation { table, column, .. } => format!("{table}.{column}"),
            Change::ReplaceComputedColumn { table, to, .. } => format!("{table}.{}", to.name),
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
            Change::SetIndexComment { table, index, .. } => format!("{table}@{index}"),
            Change::SetConstraintComment {
                table, constraint, ..
            } => format!("{table}.{constraint}"),
        }
    }

    /// Every SQL expression this change writes into its statements, named for a message:
    /// `("default of players.score", "0")`. Render checks each with
    /// `crate::sql::check_expression` before a template sees it; a new kind of change that
    /// carries an expression lists it here (the match names every kind on purpose).
    pub fn rendered_expressions(&self) -> Vec<(String, &str)> {
        fn table_exprs(t: &Table) -> Vec<(String, &str)> {
            let mut out: Vec<(String, &str)> = Vec::new();
            for c in &t.columns {
                out.extend(column_exprs(&t.name, c));
            }
            for k in &t.checks {
                out.push((format!("check {}.{}", t.name, k.name), k.expr.as_str()));
            }
            for ix in &t.indexes {
                if let Some(p) = &ix.predicate {
                    out.push((format!("where of index {}@{}", t.name, ix.name), p.as_str()));
                }
            }
            out
        }
        match self {
            Change::CreateTable { table } => table_exprs(table),
            Change::AddColumn { table, column, .. }
            | Change::ReplaceComputedColumn {
                table, to: column, ..
            } => column_exprs(table, column),
            Change::SetColumnDefault {
                table,
                column,
                default,
            }
            | Change::AlterColumnType {
                table,
                column,
                default,
                ..
            } => default
                .iter()
                .map(|d| (format!("default of {table}.{column}"), d.as_str()))
                .collect(),
            Change::CreateIndex { table, index } => index
                .predicate
                .iter()
                .map(|p| (format!("where of index {table}@{}", index.name), p.as_str()))
                .collect(),
            Change::AddCheck { table, check } => {
                vec![(format!("check {table}.{}", check.name), check.expr.as_str())]
            }
            // what is dropped is named, never written out again
            Change::DropTable { .. }
            | Change::DropColumn { .. }
            | Change::DropIndex { .. }
            | Change::DropCheck { .. } => Vec::new(),
            Change::SetPrimaryRegion { .. }
            | Change::AddRegion { .. }
            | Change::DropRegion { .. }
            | Change::SetSecondaryRegion { .. }
            | Change::DropSecondaryRegion { .. }
            | Change::SetSurvivalGoal { .. }
            | Change::SetPlacement { .. }
            | Change::AddSuperRegion { .. }
            | Change::AlterSuperRegion { .. }
            | Change::DropSuperRegion { .. }
            | Change::ConfigureZone { .. }
            | Change::CreateRole { .. }
            | Change::AlterRole { .. }
            | Change::DropRole { .. }
            | Change::GrantRole { .. }
            | Change::RevokeRole { .. }
            | Change::GrantPrivileges { .. }
            | Change::RevokePrivileges { .. }
            | Change::GrantDefaultPrivileges { .. }
            | Change::RevokeDefaultPrivileges { .. }
            | Change::SetRoleSetting { .. }
            | Change::ResetRoleSetting { .. }
            | Change::CreateSchema { .. }
            | Change::DropSchema { .. }
            | Change::CreateEnum { .. }
            | Change::AddEnumValue { .. }
            | Change::RenameEnumValue { .. }
            | Change::DropEnumValue { .. }
            | Change::DropEnum { .. }
            | Change::CreateSequence { .. }
            | Change::AlterSequence { .. }
            | Change::SetSequenceOwner { .. }
            | Change::RenameSequence { .. }
            | Change::DropSequence { .. }
            // a view's query is a statement, checked when the model is read (invalid-query)
            | Change::CreateView { .. }
            | Change::ReplaceView { .. }
            | Change::DropView { .. }
            | Change::CreateBackupSchedule { .. }
            | Change::AlterBackupSchedule { .. }
            | Change::DropBackupSchedule { .. }
            | Change::SetTableComment { .. }
            | Change::SetLocality { .. }
            | Change::SetTtl { .. }
            | Change::ResetTtl { .. }
            | Change::RenameColumn { .. }
            | Change::SetColumnNullable { .. }
            | Change::SetColumnComment { .. }
            | Change::AddIdentity { .. }
            | Change::AlterIdentity { .. }
            | Change::DropIdentity { .. }
            | Change::DropComputed { .. }
            | Change::SetColumnCollation { .. }
            | Change::AlterPrimaryKey { .. }
            | Change::AddUnique { .. }
            | Change::DropUnique { .. }
            | Change::AddForeignKey { .. }
            | Change::DropForeignKey { .. }
            | Change::SetIndexComment { .. }
            | Change::SetConstraintComment { .. } => Vec::new(),
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
            | Change::AddIdentity { table, .. }
            | Change::AlterIdentity { table, .. }
            | Change::DropIdentity { table, .. }
            | Change::DropComputed { table, .. }
            | Change::SetColumnCollation { table, .. }
            | Change::ReplaceComputedColumn { table, .. }
            | Change::AlterPrimaryKey { table, .. }
            | Change::CreateIndex { table, .. }
            | Change::DropIndex { table, .. }
            | Change::AddUnique { table, .. }
            | Change::DropUnique { table, .. }
            | Change::AddForeignKey { table, .. }
            | Change::DropForeignKey { table, .. }
            | Change::AddCheck { table, .. }
            | Change::DropCheck { table, .. }
            | Change::SetIndexComment { table, .. }
            | Change::SetConstraintComment { table, .. } => Some(table),
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

/// The expressions a column definition writes: its default and its computation.
fn column_exprs<'c>(table: &str, c: &'c Column) -> Vec<(String, &'c str)> {
    let mut out = Vec::new();
    if let Some(d) = &c.default {
        out.push((format!("default of {table}.{}", c.name), d.as_str()));
    }
    if let Some(k) = &c.computed {
        out.push((
            format!("computation of {table}.{}", c.name),
            k.expr.as_str(),
        ));
    }
    out
}

/// Why a step deserves a second look. `id` is stable (kebab-case) and used in output and JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hazard {
    pub id: &'static str,
    pub reason: String,
    /// Destructive hazards need `--allow-destructive` to apply.
    pub destructive: bool,
}
