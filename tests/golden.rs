//! Golden files for the render stage: one typed plan per file, rendered in both dialects and
//! compared byte for byte with tests/golden/{cockroach,postgres}/<kind>[__variant].sql.
//! `BMDB_BLESS=1 cargo test --test golden` rewrites them (and removes files no case produces).

#[path = "common/golden.rs"]
mod golden_files;
use bmdb::dialect::FEATURES;
use bmdb::diff::{Change, ZoneTarget};
use bmdb::model::types::*;
use bmdb::plan::{Plan, Step};
use bmdb::render::{builtin_templates, template_name, RenderContext, RenderedPlan, Renderer};
use golden_files::GoldenDir;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const DB: &str = "bluemarble";

// ---- builders ---------------------------------------------------------------------------

fn col(name: &str, ty: &str) -> Column {
    Column {
        name: name.into(),
        ty: ty.into(),
        nullable: true,
        ..Default::default()
    }
}

trait ColumnExt {
    fn not_null(self) -> Self;
    fn default(self, expr: &str) -> Self;
    fn comment(self, text: &str) -> Self;
}

impl ColumnExt for Column {
    fn not_null(mut self) -> Self {
        self.nullable = false;
        self
    }
    fn default(mut self, expr: &str) -> Self {
        self.default = Some(expr.into());
        self
    }
    fn comment(mut self, text: &str) -> Self {
        self.comment = Some(text.into());
        self
    }
}

fn names(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

fn pk(name: &str, cols: &[&str]) -> PrimaryKey {
    PrimaryKey {
        name: name.into(),
        columns: names(cols),
    }
}

fn table(name: &str, columns: Vec<Column>, key: &[&str]) -> Table {
    Table {
        name: name.into(),
        columns,
        primary_key: Some(pk(&format!("{name}_pkey"), key)),
        ..Default::default()
    }
}

fn index(name: &str, cols: &[&str]) -> Index {
    Index {
        name: name.into(),
        columns: cols
            .iter()
            .map(|c| IndexColumn {
                name: c.to_string(),
                desc: false,
                ..Default::default()
            })
            .collect(),
        ..Default::default()
    }
}

fn fk(name: &str, cols: &[&str], ref_table: &str, ref_cols: &[&str]) -> ForeignKey {
    ForeignKey {
        name: name.into(),
        columns: names(cols),
        ref_table: ref_table.into(),
        ref_columns: names(ref_cols),
        ..Default::default()
    }
}

fn zone(target: ZoneTarget, from: Option<ZoneConfig>, to: Option<ZoneConfig>) -> Change {
    Change::ConfigureZone {
        database: DB.into(),
        target,
        from,
        to,
    }
}

fn table_zone(t: &str) -> ZoneTarget {
    ZoneTarget::Table { table: t.into() }
}

/// The BlueMarble inventory table with every CREATE TABLE feature at once.
fn inventory() -> Table {
    Table {
        name: "inventory".into(),
        comment: Some("Items a player holds, homed with the player's region".into()),
        locality: Some(Locality::RegionalByRow {
            column: Some("home_region".into()),
        }),
        columns: vec![
            col("inventory_id", "UUID")
                .not_null()
                .default("gen_random_uuid()"),
            col("player_id", "INT8").not_null(),
            col("slot_number", "INT4").not_null(),
            col("item_template_id", "INT8").not_null(),
            col("quantity", "INT4").not_null().default("1"),
            col("weight", "FLOAT8"),
            col("ratio", "FLOAT4"),
            col("label", "STRING").comment("Shown in the bag; the player's own words"),
            col("tags", "STRING[]"),
            col("blob", "BYTES"),
            col("item_properties", "JSONB"),
            col("found_at", "GEOGRAPHY(POINT,4326)"),
            col("acquired_at", "TIMESTAMPTZ")
                .not_null()
                .default("now()"),
            col("home_region", "crdb_internal_region")
                .not_null()
                .default(
                    "default_to_database_primary_region(gateway_region())::crdb_internal_region",
                ),
            col("legacy_seq", "INT8").default("unique_rowid()"),
        ],
        primary_key: Some(pk("inventory_pkey", &["inventory_id"])),
        unique: vec![UniqueConstraint {
            name: "inventory_player_id_slot_number_key".into(),
            columns: names(&["player_id", "slot_number"]),
            ..Default::default()
        }],
        foreign_keys: vec![
            ForeignKey {
                on_delete: FkAction::Cascade,
                ..fk(
                    "inventory_player_id_fkey",
                    &["player_id"],
                    "players",
                    &["player_id"],
                )
            },
            ForeignKey {
                on_delete: FkAction::Restrict,
                on_update: FkAction::SetNull,
                ..fk(
                    "inventory_item_template_id_fkey",
                    &["item_template_id"],
                    "item_templates",
                    &["item_template_id"],
                )
            },
        ],
        checks: vec![Check {
            name: "quantity_positive".into(),
            expr: "quantity > 0".into(),
            ..Default::default()
        }],
        ttl: Some(Ttl {
            expire_after: Some("90 days".into()),
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// `game.players` (an enum column of `game.mood`, a default drawing from `game.ticket`, a
/// foreign key to `auth.accounts`) and everything around it, in schemas other than public.
fn game_players() -> Table {
    Table {
        name: "game.players".into(),
        comment: Some("Players of the game schema".into()),
        columns: vec![
            col("player_id", "INT8")
                .not_null()
                .default("nextval('game.ticket')"),
            col("account_id", "INT8").not_null(),
            col("mood", "game.mood").comment("How the player feels"),
            col("moods", "game.mood[]"),
            col("order", "game.order"),
        ],
        primary_key: Some(pk("players_pkey", &["player_id"])),
        foreign_keys: vec![fk(
            "players_account_id_fkey",
            &["account_id"],
            "auth.accounts",
            &["account_id"],
        )],
        checks: vec![Check {
            name: "players_check1".into(),
            expr: "player_id > 0".into(),
            comment: None,
        }],
        ..Default::default()
    }
}

fn in_schema_changes() -> Vec<Change> {
    let z = Some(ZoneConfig {
        gc_ttlseconds: Some(600),
        ..Default::default()
    });
    vec![
        Change::CreateEnum {
            name: "game.mood".into(),
            values: names(&["ok", "sad"]),
        },
        Change::AddEnumValue {
            name: "game.mood".into(),
            value: "glad".into(),
            before: Some("sad".into()),
            after: None,
        },
        Change::CreateSequence {
            sequence: Sequence::with_defaults("game.ticket", None),
        },
        Change::CreateTable {
            table: game_players(),
        },
        Change::CreateIndex {
            table: "game.players".into(),
            index: index("players_account_id_idx", &["account_id"]),
        },
        Change::AddColumn {
            table: "game.players".into(),
            column: col("note", "STRING").comment("free text"),
            family: None,
            create_family: false,
        },
        Change::AlterColumnType {
            table: "game.players".into(),
            column: "account_id".into(),
            from: "INT8".into(),
            to: "BIGSERIAL".into(),
            default: None,
        },
        Change::SetColumnDefault {
            table: "game.players".into(),
            column: "note".into(),
            default: Some("''".into()),
        },
        Change::AddForeignKey {
            table: "game.scores".into(),
            foreign_key: fk(
                "scores_player_id_fkey",
                &["player_id"],
                "game.players",
                &["player_id"],
            ),
        },
        Change::SetSequenceOwner {
            name: "game.ticket".into(),
            owned_by: Some(SequenceOwner {
                table: "game.players".into(),
                column: "player_id".into(),
            }),
        },
        Change::SetTableComment {
            table: "game.players".into(),
            comment: Some("Players".into()),
        },
        Change::SetLocality {
            table: "game.players".into(),
            from: None,
            to: Some(Locality::Global),
        },
        zone(table_zone("game.players"), None, z.clone()),
        zone(
            ZoneTarget::Index {
                table: "game.players".into(),
                index: "players_account_id_idx".into(),
            },
            None,
            z,
        ),
        Change::CreateView {
            view: View {
                name: "game.roster".into(),
                materialized: false,
                query: "SELECT p.player_id FROM game.players AS p".into(),
            },
            rebuilt_for: None,
        },
        Change::GrantPrivileges {
            role: "analytics".into(),
            on: GrantObject::Table("game.players".into()),
            privileges: names(&["SELECT"]),
            database: DB.into(),
            grant_option: false,
        },
        Change::GrantPrivileges {
            role: "analytics".into(),
            on: GrantObject::Schema("game".into()),
            privileges: names(&["USAGE"]),
            database: DB.into(),
            grant_option: false,
        },
        Change::GrantDefaultPrivileges {
            role: "analytics".into(),
            for_role: "migrator".into(),
            schema: "game".into(),
            on: "tables".into(),
            privileges: names(&["SELECT"]),
        },
        Change::SetIndexComment {
            table: "game.players".into(),
            index: "players_account_id_idx".into(),
            comment: Some("lookups by account".into()),
        },
        Change::SetConstraintComment {
            table: "game.players".into(),
            constraint: "players_check1".into(),
            comment: None,
        },
        Change::RenameSequence {
            from: "game.ticket".into(),
            to: "game.ticket_no".into(),
        },
    ]
}

fn drop_in_schema_changes() -> Vec<Change> {
    vec![
        Change::DropView {
            view: View {
                name: "legacy.roster".into(),
                materialized: true,
                query: "SELECT 1".into(),
            },
            rebuilt_for: None,
        },
        Change::DropForeignKey {
            table: "legacy.scores".into(),
            foreign_key: fk(
                "scores_player_id_fkey",
                &["player_id"],
                "legacy.players",
                &["player_id"],
            ),
        },
        Change::DropIndex {
            table: "legacy.players".into(),
            index: index("players_name_idx", &["name"]),
        },
        Change::DropUnique {
            table: "legacy.players".into(),
            unique: UniqueConstraint {
                name: "players_name_key".into(),
                columns: names(&["name"]),
                ..Default::default()
            },
        },
        Change::DropColumn {
            table: "legacy.players".into(),
            column: col("name", "STRING"),
        },
        Change::DropTable {
            table: table(
                "legacy.players",
                vec![col("player_id", "INT8")],
                &["player_id"],
            ),
        },
        Change::DropSequence {
            sequence: Sequence::with_defaults("legacy.ticket", None),
        },
        Change::DropEnum {
            name: "legacy.mood".into(),
        },
    ]
}

// ---- cases ------------------------------------------------------------------------------

struct Case {
    /// File stem: `<kind>` or `<kind>__<variant>`.
    stem: &'static str,
    what: &'static str,
    changes: Vec<Change>,
    /// For the cockroach rendering (postgres is never multi-region).
    multi_region: bool,
    postgis_needed: bool,
}

fn backup_schedule() -> BackupSchedule {
    BackupSchedule {
        label: "bluemarble".into(),
        into: "external://bluemarble_backups".into(),
        targets: BackupTargets::Database,
        recurring: "@hourly".into(),
        full_backup: Some("@daily".into()),
        revision_history: true,
        first_run: None,
        on_execution_failure: "reschedule".into(),
        on_previous_running: "wait".into(),
    }
}

fn case(stem: &'static str, what: &'static str, change: Change) -> Case {
    Case {
        stem,
        what,
        changes: vec![change],
        multi_region: true,
        postgis_needed: false,
    }
}

fn cases() -> Vec<Case> {
    let region = |r: &str| Some(r.to_string());
    let mut out = vec![
        // --- database and regions ---
        case(
            "set_primary_region",
            "the first primary region makes the database multi-region",
            Change::SetPrimaryRegion {
                database: DB.into(),
                region: "us-west-2".into(),
                from: None,
            },
        ),
        case(
            "set_primary_region__move",
            "moving the primary region",
            Change::SetPrimaryRegion {
                database: DB.into(),
                region: "eu-west-1".into(),
                from: region("us-west-2"),
            },
        ),
        case(
            "add_region",
            "add a region",
            Change::AddRegion {
                database: DB.into(),
                region: "ap-southeast-1".into(),
            },
        ),
        case(
            "drop_region",
            "drop a region",
            Change::DropRegion {
                database: DB.into(),
                region: "ap-southeast-1".into(),
            },
        ),
        case(
            "set_secondary_region",
            "set the secondary region",
            Change::SetSecondaryRegion {
                database: DB.into(),
                region: "us-east-1".into(),
            },
        ),
        case(
            "drop_secondary_region",
            "drop the secondary region",
            Change::DropSecondaryRegion {
                database: DB.into(),
                region: "us-east-1".into(),
            },
        ),
        case(
            "set_survival_goal__up",
            "zone -> region survival",
            Change::SetSurvivalGoal {
                database: DB.into(),
                from: SurvivalGoal::Zone,
                to: SurvivalGoal::Region,
            },
        ),
        case(
            "set_survival_goal__down",
            "region -> zone survival",
            Change::SetSurvivalGoal {
                database: DB.into(),
                from: SurvivalGoal::Region,
                to: SurvivalGoal::Zone,
            },
        ),
        case(
            "set_placement__restricted",
            "restricted placement needs its session setting",
            Change::SetPlacement {
                database: DB.into(),
                from: Placement::Default,
                to: Placement::Restricted,
            },
        ),
        case(
            "set_placement__default",
            "back to default placement",
            Change::SetPlacement {
                database: DB.into(),
                from: Placement::Restricted,
                to: Placement::Default,
            },
        ),
        case(
            "add_super_region",
            "a super region of two regions",
            Change::AddSuperRegion {
                database: DB.into(),
                name: "north_america".into(),
                regions: names(&["us-east-1", "us-west-2"]),
            },
        ),
        case(
            "alter_super_region",
            "a super region gains a region",
            Change::AlterSuperRegion {
                database: DB.into(),
                name: "north_america".into(),
                regions: names(&["ca-central-1", "us-east-1", "us-west-2"]),
            },
        ),
        case(
            "drop_super_region",
            "drop a super region",
            Change::DropSuperRegion {
                database: DB.into(),
                name: "north_america".into(),
            },
        ),
        // --- roles (roles.yaml) ---
        case(
            "create_role",
            "a role without options: NOLOGIN, a group",
            Change::CreateRole {
                role: "app_reader".into(),
                options: vec![],
                valid_until: None,
            },
        ),
        case(
            "create_role__options",
            "a login role with options and an expiry; never a password",
            Change::CreateRole {
                role: "game_server".into(),
                options: names(&["CREATEDB", "LOGIN"]),
                valid_until: Some("2027-01-31T12:00:00Z".into()),
            },
        ),
        case(
            "alter_role",
            "options switched on and off, a new expiry",
            Change::AlterRole {
                role: "analytics".into(),
                options: names(&["LOGIN", "NOCREATEDB"]),
                valid_until: Some("2030-01-01T00:00:00Z".into()),
                valid_until_lifted: false,
            },
        ),
        case(
            "alter_role__lift_expiry",
            "the expiry lifted: NULL on CockroachDB, 'infinity' on PostgreSQL",
            Change::AlterRole {
                role: "Analytics Team".into(),
                options: vec![],
                valid_until: None,
                valid_until_lifted: true,
            },
        ),
        case(
            "drop_role",
            "drop a role",
            Change::DropRole {
                role: "retired".into(),
            },
        ),
        case(
            "grant_role",
            "membership: game_server becomes a member of app_reader",
            Change::GrantRole {
                role: "game_server".into(),
                of: "app_reader".into(),
            },
        ),
        case(
            "revoke_role",
            "membership revoked",
            Change::RevokeRole {
                role: "game_server".into(),
                of: "app_reader".into(),
            },
        ),
        // --- privileges and session defaults (roles.yaml) ---
        case(
            "grant_privileges",
            "privileges on one table",
            Change::GrantPrivileges {
                role: "game_server".into(),
                on: GrantObject::Table("characters".into()),
                privileges: names(&["INSERT", "SELECT", "UPDATE"]),
                database: "bluemarble".into(),
                grant_option: false,
            },
        ),
        case(
            "grant_privileges__database",
            "CONNECT on the database: named on CockroachDB, current_database() on PostgreSQL",
            Change::GrantPrivileges {
                role: "Analytics Team".into(),
                on: GrantObject::Database,
                privileges: names(&["CONNECT"]),
                database: "bluemarble".into(),
                grant_option: false,
            },
        ),
        case(
            "grant_privileges__schema",
            "USAGE on a schema",
            Change::GrantPrivileges {
                role: "worker".into(),
                on: GrantObject::Schema("public".into()),
                privileges: names(&["USAGE"]),
                database: "bluemarble".into(),
                grant_option: false,
            },
        ),
        case(
            "grant_privileges__sequence",
            "USAGE on a SERIAL column's sequence",
            Change::GrantPrivileges {
                role: "api_server".into(),
                on: GrantObject::Sequence("players_player_id_seq".into()),
                privileges: names(&["SELECT", "USAGE"]),
                database: "bluemarble".into(),
                grant_option: false,
            },
        ),
        case(
            "grant_privileges__type",
            "USAGE on a type",
            Change::GrantPrivileges {
                role: "worker".into(),
                on: GrantObject::Type("Item Rarity".into()),
                privileges: names(&["USAGE"]),
                database: "bluemarble".into(),
                grant_option: false,
            },
        ),
        case(
            "revoke_privileges",
            "a privilege revoked (a hazard)",
            Change::RevokePrivileges {
                role: "analytics".into(),
                on: GrantObject::Table("players".into()),
                privileges: names(&["DELETE"]),
                database: "bluemarble".into(),
                grant_option: false,
            },
        ),
        case(
            "revoke_privileges__database",
            "a database privilege revoked",
            Change::RevokePrivileges {
                role: "worker".into(),
                on: GrantObject::Database,
                privileges: names(&["CREATE"]),
                database: "bluemarble".into(),
                grant_option: false,
            },
        ),
        case(
            "grant_privileges__grant_option",
            "WITH GRANT OPTION: the role may grant them on",
            Change::GrantPrivileges {
                role: "migrator".into(),
                on: GrantObject::Table("characters".into()),
                privileges: names(&["SELECT"]),
                database: "bluemarble".into(),
                grant_option: true,
            },
        ),
        case(
            "grant_privileges__database_grant_option",
            "CONNECT WITH GRANT OPTION on the database (PostgreSQL: inside the DO block)",
            Change::GrantPrivileges {
                role: "migrator".into(),
                on: GrantObject::Database,
                privileges: names(&["CONNECT"]),
                database: "bluemarble".into(),
                grant_option: true,
            },
        ),
        case(
            "revoke_privileges__grant_option",
            "only the grant option revoked: the role keeps SELECT",
            Change::RevokePrivileges {
                role: "migrator".into(),
                on: GrantObject::Table("characters".into()),
                privileges: names(&["SELECT"]),
                database: "bluemarble".into(),
                grant_option: true,
            },
        ),
        case(
            "revoke_privileges__database_grant_option",
            "the grant option on the database revoked",
            Change::RevokePrivileges {
                role: "migrator".into(),
                on: GrantObject::Database,
                privileges: names(&["CONNECT"]),
                database: "bluemarble".into(),
                grant_option: true,
            },
        ),
        case(
            "grant_default_privileges",
            "what analytics gets on the tables the migrator creates",
            Change::GrantDefaultPrivileges {
                role: "analytics".into(),
                for_role: "migrator".into(),
                schema: "public".into(),
                on: "tables".into(),
                privileges: names(&["SELECT"]),
            },
        ),
        case(
            "revoke_default_privileges",
            "a default privilege revoked",
            Change::RevokeDefaultPrivileges {
                role: "worker".into(),
                for_role: "migrator".into(),
                schema: "public".into(),
                on: "sequences".into(),
                privileges: names(&["USAGE"]),
            },
        ),
        case(
            "set_role_setting",
            "a session default in every database",
            Change::SetRoleSetting {
                role: "game_server".into(),
                database: None,
                name: "statement_timeout".into(),
                value: "2s".into(),
                cockroach_only: false,
            },
        ),
        case(
            "set_role_setting__in_database",
            "a session default in one database",
            Change::SetRoleSetting {
                role: "api_server".into(),
                database: Some("bluemarble".into()),
                name: "application_name".into(),
                value: "it's the api".into(),
                cockroach_only: false,
            },
        ),
        case(
            "set_role_setting__follower_reads",
            "CockroachDB's follower reads for the analytics role; PostgreSQL leaves it out",
            Change::SetRoleSetting {
                role: "analytics".into(),
                database: None,
                name: "default_transaction_use_follower_reads".into(),
                value: "on".into(),
                cockroach_only: true,
            },
        ),
        case(
            "reset_role_setting",
            "a session default removed",
            Change::ResetRoleSetting {
                role: "game_server".into(),
                database: Some("bluemarble".into()),
                name: "statement_timeout".into(),
                cockroach_only: false,
            },
        ),
        // --- sequences (sequences/*.yaml) ---
        case(
            "create_sequence",
            "a sequence with the servers' defaults, written out",
            Change::CreateSequence {
                sequence: Sequence::with_defaults("order_no", None),
            },
        ),
        case(
            "create_sequence__options",
            "a sequence with its own start, step, range and cache",
            Change::CreateSequence {
                sequence: Sequence {
                    start: 1000,
                    increment: 5,
                    min_value: 1000,
                    max_value: 999_999,
                    cache: 10,
                    ..Sequence::with_defaults("order_no", None)
                },
            },
        ),
        case(
            "create_sequence__descending",
            "a sequence counting down from -1",
            Change::CreateSequence {
                sequence: Sequence::with_defaults("countdown", Some(-1)),
            },
        ),
        case(
            "alter_sequence",
            "the step and cache change; the rest is left alone",
            Change::AlterSequence {
                from: Sequence::with_defaults("order_no", None),
                to: Sequence {
                    increment: 2,
                    cache: 20,
                    ..Sequence::with_defaults("order_no", None)
                },
            },
        ),
        case(
            "create_sequence__as_int2",
            "a smallint sequence: its range is the type's",
            Change::CreateSequence {
                sequence: Sequence::with_type_defaults("ticket_no", None, "INT2"),
            },
        ),
        case(
            "alter_sequence__as_int4",
            "a bigint sequence becomes int4: the type first, then the range it brings",
            Change::AlterSequence {
                from: Sequence::with_defaults("order_no", None),
                to: Sequence::with_type_defaults("order_no", None, "INT4"),
            },
        ),
        case(
            "alter_sequence__as_int8",
            "an int4 sequence back to bigint",
            Change::AlterSequence {
                from: Sequence::with_type_defaults("order_no", None, "INT4"),
                to: Sequence::with_defaults("order_no", None),
            },
        ),
        case(
            "alter_sequence__range",
            "a narrower range and a new start value",
            Change::AlterSequence {
                from: Sequence::with_defaults("order_no", None),
                to: Sequence {
                    start: 100,
                    min_value: 100,
                    max_value: 1_000_000,
                    ..Sequence::with_defaults("order_no", None)
                },
            },
        ),
        case(
            "rename_sequence",
            "a sequence takes a new name; the defaults drawing from it follow",
            Change::RenameSequence {
                from: "order_seq".into(),
                to: "Order No".into(),
            },
        ),
        case(
            "set_sequence_owner",
            "the sequence belongs to a column and is dropped with it",
            Change::SetSequenceOwner {
                name: "order_no".into(),
                owned_by: Some(SequenceOwner {
                    table: "orders".into(),
                    column: "order".into(),
                }),
            },
        ),
        case(
            "set_sequence_owner__none",
            "the sequence stands on its own again",
            Change::SetSequenceOwner {
                name: "order_no".into(),
                owned_by: None,
            },
        ),
        case(
            "drop_sequence",
            "a sequence the model no longer has",
            Change::DropSequence {
                sequence: Sequence::with_defaults("order_no", None),
            },
        ),
        case(
            "alter_column_type__from_serial",
            "a SERIAL column becomes a plain integer (PostgreSQL: its default and sequence go)",
            Change::AlterColumnType {
                table: "orders".into(),
                column: "id".into(),
                from: "BIGSERIAL".into(),
                to: "INT8".into(),
                default: None,
            },
        ),
        case(
            "add_column__nextval",
            "a column whose default draws from a sequence of the model",
            Change::AddColumn {
                table: "orders".into(),
                column: col("order_no", "INT8")
                    .not_null()
                    .default("nextval('order_no')"),
                family: None,
                create_family: false,
            },
        ),
        // --- schemas other than public (docs/model.md "Schemas") ---
        case(
            "create_schema",
            "a schema other than public",
            Change::CreateSchema {
                name: "game".into(),
            },
        ),
        case(
            "drop_schema",
            "a schema no longer used (RESTRICT: refused while it holds anything)",
            Change::DropSchema {
                name: "legacy".into(),
            },
        ),
        // --- enum types (types/*.yaml) ---
        case(
            "create_enum",
            "an enum type with its values in order",
            Change::CreateEnum {
                name: "player_status".into(),
                values: names(&["active", "suspended", "it's closed"]),
            },
        ),
        case(
            "add_enum_value",
            "a value that goes last",
            Change::AddEnumValue {
                name: "player_status".into(),
                value: "deleted".into(),
                before: None,
                after: None,
            },
        ),
        case(
            "add_enum_value__before",
            "a value placed before the first one",
            Change::AddEnumValue {
                name: "player_status".into(),
                value: "pending".into(),
                before: Some("active".into()),
                after: None,
            },
        ),
        case(
            "add_enum_value__after",
            "a value placed after another",
            Change::AddEnumValue {
                name: "player_status".into(),
                value: "muted".into(),
                before: None,
                after: Some("active".into()),
            },
        ),
        case(
            "rename_enum_value",
            "a value renamed (renamed_from), never dropped and added",
            Change::RenameEnumValue {
                name: "player_status".into(),
                from: "banned".into(),
                to: "suspended".into(),
            },
        ),
        case(
            "drop_enum_value",
            "a value dropped: CockroachDB's DROP VALUE (bmdb refuses this plan on PostgreSQL)",
            Change::DropEnumValue {
                name: "player_status".into(),
                value: "legacy".into(),
            },
        ),
        case(
            "drop_enum",
            "an enum type dropped",
            Change::DropEnum {
                name: "player_status".into(),
            },
        ),
        case(
            "create_view",
            "a view over players, its query as written",
            Change::CreateView {
                view: View {
                    name: "top_players".into(),
                    materialized: false,
                    query: "SELECT id, name, level\n  FROM players\n WHERE level > 10 -- veterans\n ORDER BY level DESC".into(),
                },
                rebuilt_for: None,
            },
        ),
        case(
            "create_view__materialized",
            "a materialized view (filled when created; never refreshed by bmdb)",
            Change::CreateView {
                view: View {
                    name: "level_counts".into(),
                    materialized: true,
                    query: "WITH l AS (SELECT level FROM players)\nSELECT level, count(*) AS n FROM l GROUP BY level".into(),
                },
                rebuilt_for: None,
            },
        ),
        case(
            "create_view__rebuilt",
            "a view created again after the column change it was dropped for",
            Change::CreateView {
                view: View {
                    name: "top_players".into(),
                    materialized: false,
                    query: "SELECT id, name FROM players".into(),
                },
                rebuilt_for: Some("drop column of players.level".into()),
            },
        ),
        case(
            "replace_view",
            "a view's query changed: dropped and created, never CREATE OR REPLACE",
            Change::ReplaceView {
                from: View {
                    name: "top_players".into(),
                    materialized: false,
                    query: "SELECT id, name FROM players".into(),
                },
                to: View {
                    name: "top_players".into(),
                    materialized: false,
                    query: "SELECT name, id FROM players".into(),
                },
            },
        ),
        case(
            "replace_view__materialized",
            "a view becomes a materialized view",
            Change::ReplaceView {
                from: View {
                    name: "level_counts".into(),
                    materialized: false,
                    query: "SELECT level, count(*) AS n FROM players GROUP BY level".into(),
                },
                to: View {
                    name: "level_counts".into(),
                    materialized: true,
                    query: "SELECT level, count(*) AS n FROM players GROUP BY level".into(),
                },
            },
        ),
        case(
            "drop_view",
            "a view dropped",
            Change::DropView {
                view: View {
                    name: "top_players".into(),
                    materialized: false,
                    query: "SELECT id FROM players".into(),
                },
                rebuilt_for: None,
            },
        ),
        case(
            "drop_view__materialized",
            "a materialized view dropped",
            Change::DropView {
                view: View {
                    name: "level_counts".into(),
                    materialized: true,
                    query: "SELECT level FROM players".into(),
                },
                rebuilt_for: None,
            },
        ),
        case(
            "alter_column_type__enum",
            "a column moves from one enum to another: through text on PostgreSQL, its default dropped first and set again after",
            Change::AlterColumnType {
                table: "players".into(),
                column: "status".into(),
                from: "player_status".into(),
                to: "account_status".into(),
                default: Some("'active'".into()),
            },
        ),
        case(
            "add_column__enum",
            "a column of an enum type, with a default",
            Change::AddColumn {
                table: "players".into(),
                column: col("status", "player_status")
                    .not_null()
                    .default("'active'"),
                family: None,
                create_family: false,
            },
        ),
        // --- backup schedules (backups.yaml) ---
        case(
            "create_backup_schedule",
            "daily full and hourly incremental backups WITH revision_history into an external connection",
            Change::CreateBackupSchedule {
                schedule: backup_schedule(),
            },
        ),
        case(
            "create_backup_schedule__full_always",
            "a cluster backup that is full every time, options set, a label with a space",
            Change::CreateBackupSchedule {
                schedule: BackupSchedule {
                    label: "nightly cluster".into(),
                    into: "external://dr_bucket".into(),
                    targets: BackupTargets::Cluster,
                    recurring: "0 3 * * *".into(),
                    full_backup: None,
                    revision_history: false,
                    first_run: Some("2027-01-01T03:00:00Z".into()),
                    on_execution_failure: "pause".into(),
                    on_previous_running: "skip".into(),
                },
            },
        ),
        case(
            "alter_backup_schedule",
            "a changed incremental cadence: one SET RECURRING, the id found by label when applied",
            Change::AlterBackupSchedule {
                from: backup_schedule(),
                to: BackupSchedule {
                    recurring: "*/30 * * * *".into(),
                    ..backup_schedule()
                },
            },
        ),
        case(
            "alter_backup_schedule__every_setting",
            "every setting ALTER can change, in one statement; a label with a space and a quote",
            Change::AlterBackupSchedule {
                from: BackupSchedule {
                    label: "nightly 'eu'".into(),
                    ..backup_schedule()
                },
                to: BackupSchedule {
                    label: "nightly 'eu'".into(),
                    into: "external://eu_backups".into(),
                    recurring: "0 */6 * * *".into(),
                    full_backup: Some("@weekly".into()),
                    revision_history: false,
                    first_run: Some("2027-01-01T03:00:00Z".into()),
                    on_execution_failure: "pause".into(),
                    on_previous_running: "skip".into(),
                    ..backup_schedule()
                },
            },
        ),
        case(
            "alter_backup_schedule__full_always",
            "incrementals given up: FULL BACKUP ALWAYS removes the incremental schedule",
            Change::AlterBackupSchedule {
                from: backup_schedule(),
                to: BackupSchedule {
                    full_backup: None,
                    ..backup_schedule()
                },
            },
        ),
        case(
            "alter_backup_schedule__targets",
            "the database becomes the cluster: ALTER cannot change what a schedule backs up, so it is dropped and created again",
            Change::AlterBackupSchedule {
                from: backup_schedule(),
                to: BackupSchedule {
                    targets: BackupTargets::Cluster,
                    ..backup_schedule()
                },
            },
        ),
        case(
            "drop_backup_schedule",
            "drop both schedules of a label",
            Change::DropBackupSchedule {
                schedule: backup_schedule(),
            },
        ),
        // --- zones ---
        case(
            "configure_zone__database",
            "the database's own zone",
            zone(
                ZoneTarget::Database,
                None,
                Some(ZoneConfig {
                    gc_ttlseconds: Some(90000),
                    ..Default::default()
                }),
            ),
        ),
        case(
            "configure_zone__range",
            "the default range",
            zone(
                ZoneTarget::Range {
                    name: "default".into(),
                },
                None,
                Some(ZoneConfig {
                    num_replicas: Some(5),
                    ..Default::default()
                }),
            ),
        ),
        case(
            "configure_zone__table",
            "a table's zone, free fields only",
            zone(
                table_zone("player_activity_log"),
                None,
                Some(ZoneConfig {
                    gc_ttlseconds: Some(600),
                    range_min_bytes: Some(134217728),
                    range_max_bytes: Some(536870912),
                    ..Default::default()
                }),
            ),
        ),
        case(
            "configure_zone__index",
            "an index's zone",
            zone(
                ZoneTarget::Index {
                    table: "players".into(),
                    index: "players_username_idx".into(),
                },
                None,
                Some(ZoneConfig {
                    gc_ttlseconds: Some(3600),
                    ..Default::default()
                }),
            ),
        ),
        case(
            "configure_zone__discard",
            "the zone goes; the table inherits again",
            zone(
                table_zone("world_config"),
                Some(ZoneConfig {
                    gc_ttlseconds: Some(600),
                    ..Default::default()
                }),
                None,
            ),
        ),
        case(
            "configure_zone__override",
            "protected fields on a multi-region table, with the explicit override",
            zone(
                table_zone("currency_transactions"),
                None,
                Some(ZoneConfig {
                    num_replicas: Some(5),
                    num_voters: Some(5),
                    constraints: Some(Constraints::PerReplica(BTreeMap::from([
                        ("+region=eu-west-1".to_string(), 1),
                        ("+region=us-west-2".to_string(), 2),
                    ]))),
                    voter_constraints: Some(Constraints::All(names(&["+region=us-west-2"]))),
                    lease_preferences: Some(vec![
                        names(&["+region=us-west-2"]),
                        names(&["+region=us-east-1"]),
                    ]),
                    override_multi_region: true,
                    ..Default::default()
                }),
            ),
        ),
        case(
            "configure_zone__primary_index",
            "the primary index's own zone (primary_key_zone: on the table)",
            zone(
                ZoneTarget::Index {
                    table: "players".into(),
                    index: "players_pkey".into(),
                },
                None,
                Some(ZoneConfig {
                    gc_ttlseconds: Some(7200),
                    range_max_bytes: Some(1073741824),
                    ..Default::default()
                }),
            ),
        ),
        case(
            "configure_zone__extension_global",
            "a zone config extension for GLOBAL tables (multi_region_zone_config_extensions)",
            zone(
                ZoneTarget::extension(&ExtensionLocality::Global),
                None,
                Some(ZoneConfig {
                    num_replicas: Some(6),
                    num_voters: Some(6),
                    lease_preferences: Some(vec![
                        names(&["+region=us-west-2"]),
                        names(&["+region=eu-west-1"]),
                        names(&["+region=us-east-1"]),
                    ]),
                    ..Default::default()
                }),
            ),
        ),
        case(
            "configure_zone__extension_regional",
            "a zone config extension for every REGIONAL table and partition",
            zone(
                ZoneTarget::extension(&ExtensionLocality::Regional),
                None,
                Some(ZoneConfig {
                    num_replicas: Some(9),
                    gc_ttlseconds: Some(3600),
                    ..Default::default()
                }),
            ),
        ),
        case(
            "configure_zone__extension_regional_in",
            "a zone config extension for what is homed in one region; a field dropped is just not set again",
            zone(
                ZoneTarget::extension(&ExtensionLocality::RegionalIn("us-west-2".into())),
                Some(ZoneConfig {
                    num_replicas: Some(7),
                    ..Default::default()
                }),
                Some(ZoneConfig {
                    lease_preferences: Some(vec![
                        names(&["+region=us-west-2"]),
                        names(&["+region=us-east-1"]),
                    ]),
                    ..Default::default()
                }),
            ),
        ),
        case(
            "configure_zone__extension_discard",
            "the extension goes: CONFIGURE ZONE DISCARD on the locality",
            zone(
                ZoneTarget::extension(&ExtensionLocality::RegionalIn("eu-west-1".into())),
                Some(ZoneConfig {
                    num_replicas: Some(7),
                    ..Default::default()
                }),
                None,
            ),
        ),
        case(
            "configure_zone__field_removed",
            "a field is dropped from the zone: discard, then set what remains",
            zone(
                table_zone("trades"),
                Some(ZoneConfig {
                    gc_ttlseconds: Some(600),
                    range_min_bytes: Some(1048576),
                    range_max_bytes: Some(67108864),
                    ..Default::default()
                }),
                Some(ZoneConfig {
                    gc_ttlseconds: Some(1200),
                    ..Default::default()
                }),
            ),
        ),
        // --- tables ---
        Case {
            stem: "create_table",
            what: "a plain table in a single-region database",
            changes: vec![Change::CreateTable {
                table: table(
                    "skill_definitions",
                    vec![
                        col("skill_id", "INT8").not_null(),
                        col("name", "STRING").not_null(),
                        col("max_level", "INT4").not_null().default("100"),
                    ],
                    &["skill_id"],
                ),
            }],
            multi_region: false,
            postgis_needed: false,
        },
        case(
            "create_table__everything",
            "every column, constraint, TTL and locality feature at once",
            Change::CreateTable { table: inventory() },
        ),
        case(
            "create_table__families",
            "column families: the key and hot counters together, the rarely read blob apart, a reserved family name quoted",
            Change::CreateTable {
                table: Table {
                    families: vec![
                        Family {
                            name: "hot".into(),
                            columns: vec!["player_id".into(), "gold".into()],
                        },
                        Family {
                            name: "primary".into(),
                            columns: vec!["avatar".into()],
                        },
                    ],
                    ttl: Some(Ttl {
                        expire_after: Some("90 days".into()),
                        job_cron: Some("@daily".into()),
                        delete_batch_size: Some(100),
                        ..Default::default()
                    }),
                    ..table(
                        "wallets",
                        vec![
                            col("player_id", "INT8").not_null(),
                            col("gold", "INT8").not_null().default("0"),
                            col("avatar", "BYTES"),
                        ],
                        &["player_id"],
                    )
                },
            },
        ),
        case(
            "create_table__global",
            "a GLOBAL table",
            Change::CreateTable {
                table: Table {
                    locality: Some(Locality::Global),
                    ..table(
                        "item_templates",
                        vec![
                            col("item_template_id", "INT8").not_null(),
                            col("name", "STRING").not_null(),
                        ],
                        &["item_template_id"],
                    )
                },
            },
        ),
        case(
            "create_table__regional_in",
            "a table homed in one region",
            Change::CreateTable {
                table: Table {
                    locality: Some(Locality::RegionalByTable {
                        region: region("eu-west-1"),
                    }),
                    ..table(
                        "eu_guilds",
                        vec![col("guild_id", "UUID").not_null()],
                        &["guild_id"],
                    )
                },
            },
        ),
        Case {
            stem: "create_table__postgis",
            what: "a GEOGRAPHY column: postgres gets the PostGIS extension first",
            changes: vec![Change::CreateTable {
                table: Table {
                    locality: Some(Locality::RegionalByTable { region: None }),
                    ..table(
                        "geological_samples",
                        vec![
                            col("sample_id", "UUID")
                                .not_null()
                                .default("gen_random_uuid()"),
                            col("location", "GEOGRAPHY(POINT,4326)").not_null(),
                            col("outline", "GEOMETRY"),
                        ],
                        &["sample_id"],
                    )
                },
            }],
            multi_region: true,
            postgis_needed: true,
        },
        Case {
            stem: "create_table__reserved_and_mixed_case",
            what: "reserved words, mixed case and an embedded quote as names",
            changes: vec![Change::CreateTable {
                table: Table {
                    comment: Some("It's the user's order".into()),
                    checks: vec![Check {
                        name: "Order\"Check".into(),
                        expr: "\"order\" >= 0".into(),
                        // a constraint comment after the table, names quoted by the one rule
                        comment: Some("it's \"ordered\"".into()),
                    }],
                    ..table(
                        "user",
                        vec![
                            col("order", "INT8").not_null(),
                            col("PlayerName", "STRING").comment("Display name; may change"),
                            col("select", "BOOL").default("false"),
                            col("table", "DATE"),
                        ],
                        &["order"],
                    )
                },
            }],
            multi_region: false,
            postgis_needed: false,
        },
        case(
            "drop_table",
            "drop a table",
            Change::DropTable { table: inventory() },
        ),
        case(
            "set_table_comment",
            "set a table comment",
            Change::SetTableComment {
                table: "players".into(),
                comment: Some("One row per account".into()),
            },
        ),
        case(
            "set_table_comment__remove",
            "remove a table comment",
            Change::SetTableComment {
                table: "players".into(),
                comment: None,
            },
        ),
        case(
            "set_locality__global",
            "to GLOBAL",
            Change::SetLocality {
                table: "item_templates".into(),
                from: Some(Locality::RegionalByTable { region: None }),
                to: Some(Locality::Global),
            },
        ),
        case(
            "set_locality__regional_by_table_primary",
            "to REGIONAL BY TABLE IN PRIMARY REGION",
            Change::SetLocality {
                table: "world_config".into(),
                from: Some(Locality::Global),
                to: Some(Locality::RegionalByTable { region: None }),
            },
        ),
        case(
            "set_locality__regional_by_table_in",
            "to REGIONAL BY TABLE IN a named region",
            Change::SetLocality {
                table: "territories".into(),
                from: Some(Locality::RegionalByTable { region: None }),
                to: Some(Locality::RegionalByTable {
                    region: region("eu-west-1"),
                }),
            },
        ),
        case(
            "set_locality__regional_by_row",
            "to REGIONAL BY ROW on the hidden crdb_region column",
            Change::SetLocality {
                table: "players".into(),
                from: Some(Locality::RegionalByTable { region: None }),
                to: Some(Locality::RegionalByRow { column: None }),
            },
        ),
        case(
            "set_locality__regional_by_row_as",
            "to REGIONAL BY ROW AS a region column",
            Change::SetLocality {
                table: "characters".into(),
                from: Some(Locality::RegionalByRow { column: None }),
                to: Some(Locality::RegionalByRow {
                    column: Some("home_region".into()),
                }),
            },
        ),
        case(
            "set_locality__none",
            "back to the default locality before the database leaves multi-region",
            Change::SetLocality {
                table: "players".into(),
                from: Some(Locality::Global),
                to: None,
            },
        ),
        case(
            "set_ttl",
            "row-level TTL",
            Change::SetTtl {
                table: "player_activity_log".into(),
                ttl: Ttl {
                    expire_after: Some("30 days".into()),
                    ..Default::default()
                },
                reset: vec![],
            },
        ),
        case(
            "set_ttl__options",
            "row-level TTL by an expression, with every job option, dropping expire_after",
            Change::SetTtl {
                table: "player_activity_log".into(),
                ttl: Ttl {
                    expiration_expression: Some(
                        "occurred_at + INTERVAL '30 days'".into(),
                    ),
                    job_cron: Some("0 3 * * *".into()),
                    select_batch_size: Some(500),
                    delete_batch_size: Some(100),
                    select_rate_limit: Some(1000),
                    delete_rate_limit: Some(200),
                    pause: true,
                    label_metrics: true,
                    disable_changefeed_replication: true,
                    ..Default::default()
                },
                reset: vec!["ttl_expire_after"],
            },
        ),
        case(
            "reset_ttl",
            "remove row-level TTL",
            Change::ResetTtl {
                table: "player_activity_log".into(),
            },
        ),
        // --- columns ---
        case(
            "add_column",
            "a NOT NULL column with a default and a comment",
            Change::AddColumn {
                table: "players".into(),
                column: col("last_login", "TIMESTAMPTZ")
                    .not_null()
                    .default("now()")
                    .comment("UTC"),
                family: None,
                create_family: false,
            },
        ),
        case(
            "add_column__new_family",
            "a column in a family the table does not have yet",
            Change::AddColumn {
                table: "players".into(),
                column: col("bio", "STRING"),
                family: Some("cold".into()),
                create_family: true,
            },
        ),
        case(
            "add_column__family",
            "a column in a family the table has",
            Change::AddColumn {
                table: "players".into(),
                column: col("gems", "INT8").not_null().default("0"),
                family: Some("primary".into()),
                create_family: false,
            },
        ),
        case(
            "add_column__crdb_default",
            "a default postgres cannot run",
            Change::AddColumn {
                table: "leaderboard".into(),
                column: col("entry_seq", "INT8")
                    .not_null()
                    .default("unique_rowid()"),
                family: None,
                create_family: false,
            },
        ),
        case(
            "drop_column",
            "drop a column",
            Change::DropColumn {
                table: "players".into(),
                column: col("legacy_flags", "BYTES"),
            },
        ),
        case(
            "rename_column",
            "rename a column",
            Change::RenameColumn {
                table: "inventory".into(),
                from: "remark".into(),
                to: "note".into(),
            },
        ),
        case(
            "alter_column_type",
            "widen a column",
            Change::AlterColumnType {
                table: "players".into(),
                column: "username".into(),
                from: "VARCHAR(32)".into(),
                to: "STRING".into(),
                default: None,
            },
        ),
        case(
            "set_column_default",
            "set a default",
            Change::SetColumnDefault {
                table: "characters".into(),
                column: "level".into(),
                default: Some("1".into()),
            },
        ),
        case(
            "set_column_default__drop",
            "drop a default",
            Change::SetColumnDefault {
                table: "characters".into(),
                column: "level".into(),
                default: None,
            },
        ),
        case(
            "set_column_default__crdb_only",
            "a default postgres cannot run",
            Change::SetColumnDefault {
                table: "characters".into(),
                column: "home_region".into(),
                default: Some("gateway_region()::crdb_internal_region".into()),
            },
        ),
        case(
            "set_column_nullable__not_null",
            "make a column NOT NULL",
            Change::SetColumnNullable {
                table: "players".into(),
                column: "email".into(),
                nullable: false,
            },
        ),
        case(
            "set_column_nullable__nullable",
            "allow NULL again",
            Change::SetColumnNullable {
                table: "players".into(),
                column: "email".into(),
                nullable: true,
            },
        ),
        case(
            "add_column__identity",
            "an identity column with sequence options",
            Change::AddColumn {
                table: "players".into(),
                column: Column {
                    identity: Some(Identity {
                        generated: Generated::ByDefault,
                        start: Some(1000),
                        increment: Some(10),
                        ..Default::default()
                    }),
                    ..col("player_no", "INT8").not_null()
                },
                family: None,
                create_family: false,
            },
        ),
        case(
            "add_identity",
            "an existing column becomes GENERATED ALWAYS AS IDENTITY",
            Change::AddIdentity {
                table: "players".into(),
                column: "player_no".into(),
                identity: Identity::default(),
            },
        ),
        case(
            "add_identity__options",
            "an existing column becomes an identity with options",
            Change::AddIdentity {
                table: "players".into(),
                column: "player_no".into(),
                identity: Identity {
                    generated: Generated::ByDefault,
                    start: Some(5000),
                    increment: Some(-1),
                    min_value: Some(1),
                    max_value: Some(5000),
                },
            },
        ),
        case(
            "alter_identity",
            "BY DEFAULT becomes ALWAYS and the options change",
            Change::AlterIdentity {
                table: "players".into(),
                column: "player_no".into(),
                from: Identity {
                    generated: Generated::ByDefault,
                    start: Some(100),
                    max_value: Some(99999),
                    ..Default::default()
                },
                to: Identity {
                    increment: Some(2),
                    ..Default::default()
                },
                generated: Some(Generated::Always),
                options: names(&["SET INCREMENT BY 2", "SET NO MAXVALUE", "SET START WITH 1"]),
            },
        ),
        case(
            "alter_identity__generated",
            "ALWAYS becomes BY DEFAULT, nothing else",
            Change::AlterIdentity {
                table: "players".into(),
                column: "player_no".into(),
                from: Identity::default(),
                to: Identity {
                    generated: Generated::ByDefault,
                    ..Default::default()
                },
                generated: Some(Generated::ByDefault),
                options: Vec::new(),
            },
        ),
        case(
            "add_column__computed",
            "a STORED computed column",
            Change::AddColumn {
                table: "players".into(),
                column: Column {
                    computed: Some(Computed {
                        expr: "lower(email)".into(),
                        is_virtual: false,
                    }),
                    ..col("email_lower", "STRING")
                },
                family: None,
                create_family: false,
            },
        ),
        case(
            "add_column__virtual",
            "a VIRTUAL computed column (PostgreSQL stores it)",
            Change::AddColumn {
                table: "players".into(),
                column: Column {
                    computed: Some(Computed {
                        expr: "level * 100".into(),
                        is_virtual: true,
                    }),
                    ..col("xp_floor", "INT8").not_null()
                },
                family: None,
                create_family: false,
            },
        ),
        case(
            "drop_computed",
            "a stored computed column becomes plain, keeping its values",
            Change::DropComputed {
                table: "players".into(),
                column: "email_lower".into(),
                computed: Computed {
                    expr: "lower(email)".into(),
                    is_virtual: false,
                },
            },
        ),
        case(
            "replace_computed_column",
            "a computed column's expression changes: dropped and added again",
            Change::ReplaceComputedColumn {
                table: "players".into(),
                from: Column {
                    computed: Some(Computed {
                        expr: "lower(email)".into(),
                        is_virtual: false,
                    }),
                    ..col("email_key", "STRING")
                },
                to: Column {
                    computed: Some(Computed {
                        expr: "lower(trim(email))".into(),
                        is_virtual: false,
                    }),
                    ..col("email_key", "STRING").comment("normalised address")
                },
                family: None,
            },
        ),
        case(
            "replace_computed_column__family",
            "a computed column of a table with families comes back in its family",
            Change::ReplaceComputedColumn {
                table: "players".into(),
                from: Column {
                    computed: Some(Computed {
                        expr: "lower(email)".into(),
                        is_virtual: false,
                    }),
                    ..col("email_key", "STRING")
                },
                to: Column {
                    computed: Some(Computed {
                        expr: "lower(trim(email))".into(),
                        is_virtual: false,
                    }),
                    ..col("email_key", "STRING")
                },
                family: Some("lookup".into()),
            },
        ),
        case(
            "add_column__collate",
            "a string column with a collation",
            Change::AddColumn {
                table: "players".into(),
                column: Column {
                    collate: Some("C".into()),
                    ..col("handle", "VARCHAR(32)").not_null()
                },
                family: None,
                create_family: false,
            },
        ),
        case(
            "set_column_collation",
            "a column's collation changes",
            Change::SetColumnCollation {
                table: "players".into(),
                column: "handle".into(),
                ty: "STRING".into(),
                collate: Some("en_US".into()),
            },
        ),
        case(
            "set_column_collation__default",
            "back to the database's default collation",
            Change::SetColumnCollation {
                table: "players".into(),
                column: "handle".into(),
                ty: "STRING".into(),
                collate: None,
            },
        ),
        case(
            "drop_identity",
            "the column keeps its values, the identity goes",
            Change::DropIdentity {
                table: "players".into(),
                column: "player_no".into(),
                identity: Identity::default(),
            },
        ),
        case(
            "set_column_comment",
            "set a column comment",
            Change::SetColumnComment {
                table: "players".into(),
                column: "email".into(),
                comment: Some("Verified address".into()),
            },
        ),
        case(
            "set_column_comment__remove",
            "remove a column comment",
            Change::SetColumnComment {
                table: "players".into(),
                column: "email".into(),
                comment: None,
            },
        ),
        // --- keys, indexes, constraints ---
        case(
            "alter_primary_key",
            "a new primary key",
            Change::AlterPrimaryKey {
                table: "trades".into(),
                from: Some(pk("trades_pkey", &["trade_id"])),
                to: pk("trades_pkey", &["seller_id", "trade_id"]),
            },
        ),
        case(
            "create_index",
            "a plain index",
            Change::CreateIndex {
                table: "inventory".into(),
                index: index("inventory_player_id_idx", &["player_id"]),
            },
        ),
        case(
            "create_index__unique",
            "a unique index",
            Change::CreateIndex {
                table: "players".into(),
                index: Index {
                    unique: true,
                    ..index("players_email_idx", &["email"])
                },
            },
        ),
        case(
            "create_index__hash_sharded",
            "hash-sharded for a sequential key",
            Change::CreateIndex {
                table: "inventory".into(),
                index: Index {
                    sharded_buckets: Some(16),
                    ..index("inventory_acquired_at_idx", &["acquired_at"])
                },
            },
        ),
        case(
            "create_index__gin",
            "an inverted index on JSONB",
            Change::CreateIndex {
                table: "inventory".into(),
                index: Index {
                    using: IndexMethod::Gin,
                    ..index("inventory_props_idx", &["item_properties"])
                },
            },
        ),
        case(
            "create_index__gist",
            "a spatial index",
            Change::CreateIndex {
                table: "geological_samples".into(),
                index: Index {
                    using: IndexMethod::Gist,
                    ..index("geological_samples_location_idx", &["location"])
                },
            },
        ),
        case(
            "create_index__partial_storing_desc",
            "partial, covering, with a descending column",
            Change::CreateIndex {
                table: "inventory".into(),
                index: Index {
                    columns: vec![
                        IndexColumn {
                            name: "player_id".into(),
                            desc: false,
                            ..Default::default()
                        },
                        IndexColumn {
                            name: "quantity".into(),
                            desc: true,
                            ..Default::default()
                        },
                    ],
                    storing: names(&["item_template_id"]),
                    predicate: Some("quantity > 0".into()),
                    ..index("inventory_player_id_quantity_idx", &[])
                },
            },
        ),
        case(
            "create_index__sharded_storing_partial",
            "hash-sharded and covering and partial: the grammar's clause order",
            Change::CreateIndex {
                table: "player_activity_log".into(),
                index: Index {
                    sharded_buckets: Some(8),
                    storing: names(&["action"]),
                    predicate: Some("action != 'heartbeat'".into()),
                    ..index("player_activity_log_at_idx", &["at"])
                },
            },
        ),
        case(
            "create_index__opclass",
            "an inverted trigram index: the operator class after its column",
            Change::CreateIndex {
                table: "players".into(),
                index: Index {
                    using: IndexMethod::Gin,
                    columns: vec![IndexColumn {
                        name: "username".into(),
                        opclass: Some("gin_trgm_ops".into()),
                        ..Default::default()
                    }],
                    ..index("players_username_trgm_idx", &[])
                },
            },
        ),
        case(
            "create_index__nulls_order",
            "NULLS FIRST ascending and NULLS LAST descending (PostgreSQL only)",
            Change::CreateIndex {
                table: "players".into(),
                index: Index {
                    columns: vec![
                        IndexColumn {
                            name: "last_login".into(),
                            nulls: Some(NullsOrder::First),
                            ..Default::default()
                        },
                        IndexColumn {
                            name: "created_at".into(),
                            desc: true,
                            nulls: Some(NullsOrder::Last),
                            ..Default::default()
                        },
                    ],
                    ..index("players_last_login_created_at_idx", &[])
                },
            },
        ),
        case(
            "drop_index",
            "drop an index",
            Change::DropIndex {
                table: "inventory".into(),
                index: index("inventory_player_id_idx", &["player_id"]),
            },
        ),
        case(
            "add_unique",
            "add a unique constraint",
            Change::AddUnique {
                table: "characters".into(),
                unique: UniqueConstraint {
                    name: "characters_player_id_name_key".into(),
                    columns: names(&["player_id", "name"]),
                    ..Default::default()
                },
            },
        ),
        case(
            "add_unique__nulls_not_distinct",
            "a unique constraint under which two NULLs collide (PostgreSQL only)",
            Change::AddUnique {
                table: "characters".into(),
                unique: UniqueConstraint {
                    name: "characters_player_id_name_key".into(),
                    columns: names(&["player_id", "name"]),
                    nulls_not_distinct: true,
                    ..Default::default()
                },
            },
        ),
        case(
            "drop_unique",
            "drop a unique constraint",
            Change::DropUnique {
                table: "characters".into(),
                unique: UniqueConstraint {
                    name: "characters_player_id_name_key".into(),
                    columns: names(&["player_id", "name"]),
                    ..Default::default()
                },
            },
        ),
        case(
            "add_foreign_key",
            "a foreign key split out of a cycle",
            Change::AddForeignKey {
                table: "players".into(),
                foreign_key: ForeignKey {
                    on_delete: FkAction::SetNull,
                    ..fk(
                        "players_main_character_id_fkey",
                        &["main_character_id"],
                        "characters",
                        &["character_id"],
                    )
                },
            },
        ),
        case(
            "add_foreign_key__match_full_deferrable",
            "MATCH FULL, and DEFERRABLE INITIALLY DEFERRED (PostgreSQL only)",
            Change::AddForeignKey {
                table: "inventory".into(),
                foreign_key: ForeignKey {
                    match_full: true,
                    deferrable: true,
                    initially_deferred: true,
                    on_delete: FkAction::Cascade,
                    ..fk(
                        "inventory_player_id_fkey",
                        &["player_id"],
                        "players",
                        &["player_id"],
                    )
                },
            },
        ),
        case(
            "drop_foreign_key",
            "drop a foreign key",
            Change::DropForeignKey {
                table: "players".into(),
                foreign_key: fk(
                    "players_main_character_id_fkey",
                    &["main_character_id"],
                    "characters",
                    &["character_id"],
                ),
            },
        ),
        case(
            "add_check",
            "add a check",
            Change::AddCheck {
                table: "trades".into(),
                check: Check {
                    name: "trades_price_positive".into(),
                    expr: "price > 0".into(),
                    ..Default::default()
                },
            },
        ),
        case(
            "add_check__comment",
            "add a check with its comment",
            Change::AddCheck {
                table: "trades".into(),
                check: Check {
                    name: "trades_price_positive".into(),
                    expr: "price > 0".into(),
                    comment: Some("No free trades".into()),
                },
            },
        ),
        case(
            "drop_check",
            "drop a check",
            Change::DropCheck {
                table: "trades".into(),
                check: Check {
                    name: "trades_price_positive".into(),
                    expr: "price > 0".into(),
                    ..Default::default()
                },
            },
        ),
        case(
            "create_index__comment",
            "an index with its comment",
            Change::CreateIndex {
                table: "inventory".into(),
                index: Index {
                    comment: Some("Lookups by owner".into()),
                    ..index("inventory_player_id_idx", &["player_id"])
                },
            },
        ),
        case(
            "add_unique__comment",
            "a unique constraint with its comment",
            Change::AddUnique {
                table: "players".into(),
                unique: UniqueConstraint {
                    name: "players_email_key".into(),
                    columns: names(&["email"]),
                    comment: Some("One account per address".into()),
                    ..Default::default()
                },
            },
        ),
        case(
            "add_foreign_key__comment",
            "a foreign key with its comment",
            Change::AddForeignKey {
                table: "inventory".into(),
                foreign_key: ForeignKey {
                    comment: Some("The owner's items".into()),
                    ..fk(
                        "inventory_player_id_fkey",
                        &["player_id"],
                        "players",
                        &["player_id"],
                    )
                },
            },
        ),
        case(
            "set_index_comment",
            "set an index comment",
            Change::SetIndexComment {
                table: "inventory".into(),
                index: "inventory_player_id_idx".into(),
                comment: Some("Lookups by owner".into()),
            },
        ),
        case(
            "set_index_comment__remove",
            "remove an index comment",
            Change::SetIndexComment {
                table: "inventory".into(),
                index: "inventory_player_id_idx".into(),
                comment: None,
            },
        ),
        case(
            "set_constraint_comment",
            "set a constraint comment",
            Change::SetConstraintComment {
                table: "trades".into(),
                constraint: "trades_price_positive".into(),
                comment: Some("It's never free".into()),
            },
        ),
        case(
            "set_constraint_comment__remove",
            "remove a constraint comment",
            Change::SetConstraintComment {
                table: "trades".into(),
                constraint: "trades_price_positive".into(),
                comment: None,
            },
        ),
    ];
    // every change about an object in a schema other than public: `<kind>__in_schema`
    // (`__in_schema_2` for a second one of a kind)
    let mut seen: BTreeMap<&'static str, usize> = BTreeMap::new();
    for change in in_schema_changes()
        .into_iter()
        .chain(drop_in_schema_changes())
    {
        let n = seen.entry(change.kind()).or_default();
        *n += 1;
        let stem = if *n == 1 {
            format!("{}__in_schema", change.kind())
        } else {
            format!("{}__in_schema_{n}", change.kind())
        };
        out.push(case(
            Box::leak(stem.into_boxed_str()),
            "an object in a schema other than public: every name qualified where it must be",
            change,
        ));
    }
    for c in &mut out {
        assert!(
            Change::ALL_KINDS.contains(&c.stem.split("__").next().unwrap()),
            "golden case {} is not named after a change kind",
            c.stem
        );
        assert!(
            c.changes.iter().all(|ch| c.stem.starts_with(ch.kind())),
            "golden case {} holds a change of another kind",
            c.stem
        );
    }
    out
}

// ---- rendering to a golden file ----------------------------------------------------------

fn plan_of(changes: &[Change]) -> Plan {
    Plan {
        steps: changes
            .iter()
            .map(|c| Step {
                change: c.clone(),
                hazards: vec![],
            })
            .collect(),
    }
}

fn context(dialect: Dialect, c: &Case) -> RenderContext {
    RenderContext {
        dialect,
        database: DB.into(),
        multi_region: dialect == Dialect::Cockroach && c.multi_region,
        postgis_needed: c.postgis_needed,
    }
}

fn golden_text(c: &Case, rendered: &RenderedPlan) -> String {
    let mut out = format!("-- {}: {}\n", c.stem, c.what);
    for stmt in rendered.statements() {
        out.push_str(stmt);
        out.push('\n');
    }
    if let Some(line) = rendered.left_out_line() {
        out.push_str(&format!("-- {line}\n"));
    }
    out
}

fn golden_dir(dialect: Dialect) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(dialect.as_str())
}

#[test]
fn golden_files_match() {
    let renderer = Renderer::new(None).unwrap();
    let mut failures = Vec::new();
    for dialect in [Dialect::Cockroach, Dialect::Postgres] {
        let mut dir = GoldenDir::new(golden_dir(dialect));
        for c in cases() {
            let plan = plan_of(&c.changes);
            let rendered = renderer
                .render_plan(&plan, &context(dialect, &c))
                .unwrap_or_else(|e| panic!("{} ({}): {e:#}", c.stem, dialect.as_str()));
            assert_eq!(
                rendered.steps.len(),
                plan.steps.len(),
                "{}: one rendered step per plan step",
                c.stem
            );
            for stmt in rendered.statements() {
                assert!(
                    stmt.ends_with(';'),
                    "{}: statement without ';': {stmt}",
                    c.stem
                );
            }
            dir.check(&format!("{}.sql", c.stem), &golden_text(&c, &rendered));
        }
        failures.extend(dir.finish());
    }
    assert!(
        failures.is_empty(),
        "{}\n\nIf the new output is right, re-bless with: BMDB_BLESS=1 cargo test --test golden",
        failures.join("\n")
    );
}

/// A rendered ALTER BACKUP SCHEDULE is what apply reads: its `-- bmdb:backup-schedule-id`
/// line sits directly above the statement with the `:schedule_id` placeholder, so apply
/// (`sql::schedule_id_directives`) accepts the golden file and ties the label to it; every
/// other golden has no directive. scripts/check-crdb-grammar.sh checks the statement with a
/// sample id.
#[test]
fn altered_backup_schedules_name_their_schedule_by_label() {
    let renderer = Renderer::new(None).unwrap();
    for c in cases() {
        let plan = plan_of(&c.changes);
        let rendered = renderer
            .render_plan(&plan, &context(Dialect::Cockroach, &c))
            .unwrap();
        let text = golden_text(&c, &rendered);
        let found = bmdb::sql::schedule_id_directives(&text)
            .unwrap_or_else(|e| panic!("{}: {e:?}\n{text}", c.stem));
        let alters = text.contains("ALTER BACKUP SCHEDULE");
        assert_eq!(found.len(), usize::from(alters), "{}:\n{text}", c.stem);
        if let Some(d) = found.first() {
            let Change::AlterBackupSchedule { to, .. } = &c.changes[0] else {
                panic!("{}: a directive outside alter_backup_schedule", c.stem)
            };
            assert_eq!(d.label, to.label, "{}", c.stem);
        }
    }
}

#[test]
fn every_kind_has_a_template_and_a_golden_case() {
    let builtin: BTreeSet<&str> = builtin_templates().map(|(name, _)| name).collect();
    let stems: BTreeSet<String> = cases()
        .iter()
        .map(|c| c.stem.split("__").next().unwrap().to_string())
        .collect();
    let templates = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    for kind in Change::ALL_KINDS {
        let name = template_name(kind);
        assert!(
            templates.join(&name).is_file(),
            "templates/{name} is missing"
        );
        assert!(
            builtin.contains(name.as_str()),
            "{name} is not embedded in the binary"
        );
        assert!(stems.contains(kind), "no golden case renders {kind}");
    }
    // Nothing else ships except `_` helpers.
    for name in &builtin {
        let stem = name.trim_end_matches(".sql.j2");
        assert!(
            stem.starts_with('_') || Change::ALL_KINDS.contains(&stem),
            "stray template {name}"
        );
    }
}

// ---- behaviour beyond the golden files ----------------------------------------------------

#[test]
fn postgres_names_everything_it_left_out_in_one_line() {
    let renderer = Renderer::new(None).unwrap();
    let mut changes = vec![
        Change::SetPrimaryRegion {
            database: DB.into(),
            region: "us-west-2".into(),
            from: None,
        },
        Change::AddRegion {
            database: DB.into(),
            region: "eu-west-1".into(),
        },
        Change::SetSurvivalGoal {
            database: DB.into(),
            from: SurvivalGoal::Zone,
            to: SurvivalGoal::Region,
        },
        zone(
            table_zone("trades"),
            None,
            Some(ZoneConfig {
                gc_ttlseconds: Some(600),
                ..Default::default()
            }),
        ),
        zone(
            ZoneTarget::Database,
            None,
            Some(ZoneConfig {
                gc_ttlseconds: Some(600),
                ..Default::default()
            }),
        ),
        Change::CreateTable { table: inventory() },
        Change::SetLocality {
            table: "players".into(),
            from: None,
            to: Some(Locality::Global),
        },
        Change::CreateIndex {
            table: "inventory".into(),
            index: Index {
                sharded_buckets: Some(16),
                ..index("inventory_acquired_at_idx", &["acquired_at"])
            },
        },
    ];
    let ctx = RenderContext {
        dialect: Dialect::Postgres,
        database: DB.into(),
        multi_region: false,
        postgis_needed: true,
    };
    let rendered = renderer.render_plan(&plan_of(&changes), &ctx).unwrap();
    assert_eq!(
        rendered.left_out_line().as_deref(),
        Some(
            "postgres dialect: left out locality (2 tables), zone configs (2), regions, survival goal, \
             row-level TTL (1), hash sharding (1), CockroachDB-only defaults (inventory.home_region, inventory.legacy_seq)"
        )
    );
    assert_eq!(
        rendered.preamble,
        vec!["CREATE EXTENSION IF NOT EXISTS postgis;".to_string()]
    );
    // CockroachDB-only steps render nothing; the rest render their portable part.
    let counts: Vec<usize> = rendered.steps.iter().map(|s| s.statements.len()).collect();
    assert_eq!(counts, vec![0, 0, 0, 0, 0, 3, 0, 1]);

    changes.truncate(0);
    let cockroach = RenderContext {
        dialect: Dialect::Cockroach,
        ..ctx
    };
    let rendered = renderer
        .render_plan(&plan_of(&changes), &cockroach)
        .unwrap();
    assert_eq!(rendered.left_out_line(), None);
    assert!(
        rendered.preamble.is_empty(),
        "CockroachDB has GEOGRAPHY built in"
    );
}

/// The templates' choices and the left-out line both read `dialect::FEATURES`: over every
/// golden case, a dialect never writes the SQL of a feature it lacks, and a dropped feature is
/// named in the left-out line exactly when the dialect that has it wrote its SQL.
#[test]
fn templates_and_the_left_out_line_agree_with_the_capability_table() {
    let renderer = Renderer::new(None).unwrap();
    let mut checked = BTreeSet::new();
    for c in cases() {
        let plan = plan_of(&c.changes);
        let render = |d: Dialect| {
            let r = renderer.render_plan(&plan, &context(d, &c)).unwrap();
            let sql: Vec<&str> = r.statements().map(String::as_str).collect();
            (sql.join("\n"), r.left_out.clone())
        };
        let both = [render(Dialect::Cockroach), render(Dialect::Postgres)];
        for f in FEATURES {
            let writes = |sql: &str| f.sql.iter().any(|m| sql.contains(m));
            for (d, (sql, _)) in [Dialect::Cockroach, Dialect::Postgres].iter().zip(&both) {
                if !f.supported_by(*d) {
                    assert!(
                        !writes(sql),
                        "{} ({}): writes {} SQL it lacks:\n{sql}",
                        c.stem,
                        d.as_str(),
                        f.flag
                    );
                }
            }
            let Some(lo) = &f.left_out else { continue };
            // the dialect that has the feature writes it; the other names it as left out
            let (has, lacks) = if f.supported_by(Dialect::Cockroach) {
                (&both[0], &both[1])
            } else {
                (&both[1], &both[0])
            };
            let (has_sql, _) = has;
            let (_, lacks_left_out) = lacks;
            let named = lacks_left_out
                .iter()
                .any(|e| e == lo.label || e.starts_with(&format!("{} (", lo.label)));
            if c.multi_region || f.flag != "locality" {
                assert_eq!(
                    writes(has_sql),
                    named,
                    "{}: the dialect with {} writes its SQL = {}, the other's left-out line {:?}",
                    c.stem,
                    f.flag,
                    writes(has_sql),
                    lacks_left_out
                );
            }
            if named {
                checked.insert(f.flag);
            }
        }
    }
    // Every dropped feature is exercised by some golden case.
    for f in FEATURES.iter().filter(|f| f.left_out.is_some()) {
        assert!(checked.contains(f.flag), "no golden case drops {}", f.flag);
    }
}

#[test]
fn cockroach_statements_never_leave_the_zone_override_on() {
    let renderer = Renderer::new(None).unwrap();
    let c = cases()
        .into_iter()
        .find(|c| c.stem == "configure_zone__override")
        .unwrap();
    let rendered = renderer
        .render_plan(&plan_of(&c.changes), &context(Dialect::Cockroach, &c))
        .unwrap();
    let stmts = &rendered.steps[0].statements;
    assert_eq!(
        stmts.first().unwrap(),
        "SET override_multi_region_zone_config = true;"
    );
    assert_eq!(
        stmts.last().unwrap(),
        "SET override_multi_region_zone_config = false;"
    );
}

fn project_with_template(name: &str, source: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("templates")).unwrap();
    std::fs::write(dir.path().join("templates").join(name), source).unwrap();
    dir
}

fn drop_players() -> Plan {
    plan_of(&[Change::DropTable {
        table: table("players", vec![col("player_id", "INT8")], &["player_id"]),
    }])
}

fn cockroach() -> RenderContext {
    RenderContext {
        dialect: Dialect::Cockroach,
        database: DB.into(),
        multi_region: false,
        postgis_needed: false,
    }
}

#[test]
fn a_project_template_replaces_the_built_in_one() {
    let project = project_with_template(
        "drop_table.sql.j2",
        "-- archived first, by policy\nALTER TABLE {{ change.table.name|ident }} RENAME TO {{ (change.table.name ~ \"_archived\")|ident }};\n",
    );
    let rendered = Renderer::new(Some(project.path()))
        .unwrap()
        .render_plan(&drop_players(), &cockroach())
        .unwrap();
    assert_eq!(
        rendered.steps[0].statements,
        vec!["-- archived first, by policy\nALTER TABLE players RENAME TO players_archived;"]
    );
    // The built-in one is still used without the project.
    let builtin = Renderer::new(None)
        .unwrap()
        .render_plan(&drop_players(), &cockroach())
        .unwrap();
    assert_eq!(
        builtin.steps[0].statements,
        vec!["DROP TABLE IF EXISTS players;"]
    );
}

#[test]
fn an_undefined_variable_is_an_error_naming_the_template() {
    let project = project_with_template(
        "drop_table.sql.j2",
        "DROP TABLE {{ change.tabel.name|ident }};\n",
    );
    let err = Renderer::new(Some(project.path()))
        .unwrap()
        .render_plan(&drop_players(), &cockroach())
        .unwrap_err();
    let message = format!("{err:#}");
    assert!(message.contains("drop_table.sql.j2"), "{message}");
    assert!(message.contains("undefined"), "{message}");
    assert!(
        message.contains("drop_table players"),
        "names the step: {message}"
    );
}

/// A template error names the file and line, the expression, the misspelt field with the
/// closest one the template receives, and where the fields are listed; a filter given a
/// missing field or a value of another kind says so instead of "value is not a string".
#[test]
fn template_errors_name_the_file_line_and_field() {
    let cases = [
        (
            "{% set t = change.table %}\nDROP TABLE {{ t.nmae|ident }};\n",
            "templates/drop_table.sql.j2:2: `ident` was given a field that does not exist in `t.nmae|ident`\n  \
             help: did you mean `name`? no field is named `nmae`; the fields `drop_table` receives are listed in docs/templates.md",
        ),
        (
            "DROP TABLE {{ change.tabel.name }};\n",
            "templates/drop_table.sql.j2:1: undefined value in `change.tabel.name`\n  \
             help: did you mean `table`? no field is named `tabel`; the fields `drop_table` receives are listed in docs/templates.md",
        ),
        (
            "DROP TABLE {{ change.table.primary_key.columns | ident }};\n",
            "templates/drop_table.sql.j2:1: `ident` needs a string, but was given the sequence [\"player_id\"] \
             in `change.table.primary_key.columns | ident`\n  \
             help: the fields `drop_table` receives are listed in docs/templates.md",
        ),
        (
            "DROP TABLE {{ change.table.name|idents }};\n",
            "templates/drop_table.sql.j2:1: `idents` needs a list of strings, but was given the string players \
             in `change.table.name|idents`",
        ),
    ];
    for (source, want) in cases {
        let project = project_with_template("drop_table.sql.j2", source);
        let err = Renderer::new(Some(project.path()))
            .unwrap()
            .render_plan(&drop_players(), &cockroach())
            .unwrap_err();
        let message = format!("{err:#}");
        assert!(
            message.starts_with("step 1: drop_table players: template drop_table.sql.j2 failed: "),
            "{message}"
        );
        assert!(
            message.contains(want),
            "{source}:\n{message}\nwant:\n{want}"
        );
        assert!(!message.contains("Referenced variables"), "{message}");
    }
}

#[test]
fn a_project_without_templates_uses_the_built_in_ones() {
    let project = tempfile::tempdir().unwrap();
    let rendered = Renderer::new(Some(project.path()))
        .unwrap()
        .render_plan(&drop_players(), &cockroach())
        .unwrap();
    assert_eq!(
        rendered.steps[0].statements,
        vec!["DROP TABLE IF EXISTS players;"]
    );
}

#[test]
fn a_misnamed_project_template_is_an_error_not_ignored() {
    let project = project_with_template("drop_tables.sql.j2", "DROP TABLE x;\n");
    let err = Renderer::new(Some(project.path())).unwrap_err();
    let message = format!("{err:#}");
    assert!(
        message.contains("drop_tables.sql.j2") && message.contains("drop_table,"),
        "{message}"
    );
}

/// Whatever path a model took, no template sees an expression that is not exactly one SQL
/// expression: render refuses the step and names it (validation refuses it earlier, with
/// the file position; see tests/bad/invalid-expression-*).
#[test]
fn unchecked_expressions_never_reach_a_template() {
    let renderer = Renderer::new(None).unwrap();
    let mut t = table("accounts", vec![col("id", "INT8")], &["id"]);
    t.columns[0].default = Some("1; DELETE FROM accounts".into());
    let mut with_check = table("accounts", vec![col("id", "INT8")], &["id"]);
    with_check.checks.push(Check {
        name: "c".into(),
        expr: "id > 0) OR (true".into(),
        ..Default::default()
    });
    let mut with_index = table("accounts", vec![col("id", "INT8")], &["id"]);
    with_index.indexes.push(Index {
        predicate: Some("id > 0 --".into()),
        ..index("i", &["id"])
    });
    let mut column = col("note", "STRING");
    column.default = Some("'open".into());
    let bad = [
        (Change::CreateTable { table: t }, "default of accounts.id"),
        (
            Change::CreateTable { table: with_check },
            "check accounts.c",
        ),
        (
            Change::CreateTable { table: with_index },
            "where of index accounts@i",
        ),
        (
            Change::AddColumn {
                table: "accounts".into(),
                column,
                family: None,
                create_family: false,
            },
            "default of accounts.note",
        ),
        (
            Change::SetColumnDefault {
                table: "accounts".into(),
                column: "id".into(),
                default: Some("$$x".into()),
            },
            "default of accounts.id",
        ),
        (
            Change::AddCheck {
                table: "accounts".into(),
                check: Check {
                    name: "c".into(),
                    expr: "id > 0 /* open".into(),
                    ..Default::default()
                },
            },
            "check accounts.c",
        ),
        (
            Change::CreateIndex {
                table: "accounts".into(),
                index: Index {
                    predicate: Some("(id > 0".into()),
                    ..index("i", &["id"])
                },
            },
            "where of index accounts@i",
        ),
    ];
    for (change, what) in bad {
        let err = renderer
            .render_plan(&plan_of(&[change]), &cockroach())
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("step 1: ") && err.contains(&format!("the {what} `")),
            "{err}"
        );
        assert!(err.contains("is not one SQL expression"), "{err}");
    }
    // CockroachDB's own syntax is one expression
    let mut ok = table("accounts", vec![col("id", "INT8")], &["id"]);
    ok.columns[0].default =
        Some("default_to_database_primary_region(gateway_region())::crdb_internal_region".into());
    ok.checks.push(Check {
        name: "c".into(),
        expr: "id > 0:::INT8 AND crdb_internal.cluster_id() IS NOT NULL".into(),
        ..Default::default()
    });
    renderer
        .render_plan(&plan_of(&[Change::CreateTable { table: ok }]), &cockroach())
        .unwrap();
}
