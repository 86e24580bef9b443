//! The PostgreSQL catalog reader: the current database's `public` schema from pg_catalog,
//! in eleven queries whatever the number of tables (database, tables, columns, constraints,
//! indexes, every other object bmdb does not manage, roles, their privileges and session
//! defaults, enum types, views, sequences), folded into the same normalised `Model` the YAML loader produces.
//! What the model cannot hold is never dropped silently: each such object or property is
//! one line of `CatalogStats::skipped`, which inspect, `plan --url` and drift print.
//!
//! Left out: bmdb's own tables, tables owned by an extension (PostGIS's spatial_ref_sys),
//! partitions of a partitioned table. Types go through `canonical_type` after PostgreSQL's
//! names are mapped to CockroachDB's (integer -> INT4, bigint -> INT8, text -> STRING ...);
//! an integer column whose default is `nextval` of the sequence named after it that it owns
//! (with SERIAL's options) is SERIAL, BIGSERIAL or SMALLSERIAL, as the loader keeps them on
//! postgres, and that sequence is the column's; every other sequence is the model's; a column of one of the
//! public schema's enums has the enum's name; any other type is kept as PostgreSQL writes it
//! (`format_type`), named, and written by inspect with `as_written: true`.

use super::expr::{check_body, strip_literal_cast_for, strip_outer_parens};
use super::privileges::PrivilegeRow;
use super::CatalogStats;
use crate::db::Cells;
use crate::model::normalize::canonical_type;
use crate::model::types::*;
use anyhow::{Context, Result};
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicUsize, Ordering};

/// How many catalog queries `read_postgres` sends (it never grows with the schema).
pub const QUERY_COUNT: usize = 11;

/// The schemas whose objects bmdb reads, for a `pg_namespace n`: every schema but the
/// server's own (pg_catalog, pg_toast, pg_temp_N ... information_schema) and one an
/// extension made (PostGIS's tiger and topology). Which of them the model can hold (a
/// lower-case word) is decided in Rust ([`schema_managed`]), so the rest are named.
macro_rules! user_schema {
    () => {
        "n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%' \
  AND NOT EXISTS (SELECT 1 FROM pg_depend ns WHERE ns.classid = 'pg_namespace'::regclass \
                  AND ns.objid = n.oid AND ns.deptype = 'e')"
    };
}

/// An object's name for a "not managed" line, for a `pg_namespace n`: `name` in public,
/// `schema.name` elsewhere (as the model keys it).
macro_rules! qualified {
    ($name:literal) => {
        concat!(
            "CASE WHEN n.nspname = 'public' THEN '' ELSE n.nspname || '.' END || ",
            $name
        )
    };
}

/// bmdb's own tables, never the model's (in public, where apply creates them).
macro_rules! not_bmdb_table {
    () => {
        "NOT (n.nspname = 'public' AND c.relname IN \
  ('bmdb_schema_history', 'bmdb_lock', 'bmdb_relock', 'spatial_ref_sys'))"
    };
}

/// The cluster's roles bmdb may manage: not superusers (the operator's), not the built-in
/// `pg_*` ones; the user bmdb connects as is marked (`Role::connected`); memberships of built-in roles are left out
/// (roles.yaml cannot name them). `VALID UNTIL 'infinity'` is no limit.
const ROLES_SQL: &str = "\
SELECT r.rolname::text, r.rolcanlogin, r.rolcreaterole, r.rolcreatedb,
  CASE WHEN r.rolvaliduntil IS NULL OR r.rolvaliduntil = 'infinity' THEN NULL
       ELSE to_char(r.rolvaliduntil AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') END,
  ARRAY(SELECT g.rolname::text FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
        WHERE m.member = r.oid AND NOT g.rolsuper ORDER BY 1),
  r.rolname = current_user
FROM pg_roles r
WHERE NOT r.rolsuper AND r.rolname NOT LIKE 'pg\\_%'
ORDER BY 1";

/// Privileges, default privileges and session defaults of roles, one row each:
/// (role, kind, name, detail, privilege, grantable, schema). `kind` is database / schema /
/// table / sequence / type (`name` the object, qualified outside public: `game.players`),
/// `default` (`name` tables/sequences/types/..., `detail` the role whose objects they are,
/// `schema` the schema they apply in) or `setting` (`name` the database or NULL for every
/// database, `detail` `var=value` as pg_db_role_setting holds it), in every schema bmdb reads
/// ([`user_schema`]). What an object's owner holds on it is the owner's, never a grant
/// (PostgreSQL writes it into the ACL once anything is granted); PUBLIC's rows have no role
/// and are left out.
const PRIVILEGES_SQL: &str = concat!(
    "\
SELECT g.rolname::text, x.kind, x.name, x.detail, x.privilege, x.grantable, x.schema FROM (
  SELECT 'database' AS kind, NULL::text AS name, NULL::text AS detail, a.grantee,
         a.privilege_type::text AS privilege, d.datdba AS owner, a.is_grantable AS grantable,
         NULL::text AS schema
    FROM pg_database d, aclexplode(d.datacl) a WHERE d.datname = current_database()
  UNION ALL
  SELECT 'schema', n.nspname::text, NULL, a.grantee, a.privilege_type::text, n.nspowner,
         a.is_grantable, NULL
    FROM pg_namespace n, aclexplode(n.nspacl) a WHERE ",
    user_schema!(),
    "
  UNION ALL
  SELECT CASE c.relkind WHEN 'S' THEN 'sequence' ELSE 'table' END, ",
    qualified!("c.relname"),
    ", NULL,
         a.grantee, a.privilege_type::text, c.relowner, a.is_grantable, NULL
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace, aclexplode(c.relacl) a
    WHERE ",
    user_schema!(),
    " AND c.relkind IN ('r', 'p', 'S') AND ",
    not_bmdb_table!(),
    "
  UNION ALL
  SELECT 'type', ",
    qualified!("t.typname"),
    ", NULL, a.grantee, a.privilege_type::text, t.typowner,
         a.is_grantable, NULL
    FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace, aclexplode(t.typacl) a
    WHERE ",
    user_schema!(),
    " AND t.typtype IN ('e', 'd', 'r')
  UNION ALL
  SELECT 'default', CASE d.defaclobjtype WHEN 'r' THEN 'tables' WHEN 'S' THEN 'sequences'
           WHEN 'T' THEN 'types' WHEN 'f' THEN 'functions' ELSE 'schemas' END,
         o.rolname::text, a.grantee, a.privilege_type::text, d.defaclrole, a.is_grantable,
         n.nspname::text
    FROM pg_default_acl d JOIN pg_namespace n ON n.oid = d.defaclnamespace
      JOIN pg_roles o ON o.oid = d.defaclrole, aclexplode(d.defaclacl) a
    WHERE ",
    user_schema!(),
    "
  UNION ALL
  SELECT 'setting', db.datname::text, cfg, s.setrole, '', 0::oid, false, NULL
    FROM pg_db_role_setting s LEFT JOIN pg_database db ON db.oid = s.setdatabase,
      unnest(s.setconfig) cfg
) x JOIN pg_roles g ON g.oid = x.grantee
WHERE x.grantee <> x.owner
ORDER BY 1, 2, 3, 4, 5"
);

/// The public schema's enum types with their labels in sort order (pg_type, pg_enum); an
/// enum created by an extension is the extension's.
const ENUMS_SQL: &str = concat!(
    "\
SELECT t.typname::text,
  ARRAY(SELECT e.enumlabel::text FROM pg_enum e WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder),
  n.nspname::text
FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
WHERE ",
    user_schema!(),
    " AND t.typtype = 'e'
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass
                  AND d.objid = t.oid AND d.deptype = 'e')
ORDER BY 3, 1"
);

/// The public schema's views and materialized views with the query as PostgreSQL deparses it
/// (`pg_get_viewdef`, one call per row inside the one query); one created by an extension
/// is the extension's.
const VIEWS_SQL: &str = concat!(
    "\
SELECT c.relname::text, c.relkind = 'm', pg_get_viewdef(c.oid), n.nspname::text
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE ",
    user_schema!(),
    " AND c.relkind IN ('v', 'm')
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                  AND d.objid = c.oid AND d.deptype = 'e')
ORDER BY 4, 1"
);

/// The public schema's sequences with their options (pg_sequence) and the column that owns
/// one (`OWNED BY`: a pg_depend row of deptype `a`, which SERIAL makes too); an identity
/// column's sequence (deptype `i`) is the column's, one created by an extension the
/// extension's. Which owned sequence is a SERIAL column's own is decided with the columns
/// ([`serial_for`]).
const SEQUENCES_SQL: &str = concat!(
    "\
SELECT c.relname::text, s.seqstart, s.seqincrement, s.seqmin, s.seqmax, s.seqcache, s.seqcycle,
       format_type(s.seqtypid, NULL), o.relname::text, a.attname::text, n.nspname::text,
       osn.nspname::text
FROM pg_sequence s
JOIN pg_class c ON c.oid = s.seqrelid JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid
       AND d.refclassid = 'pg_class'::regclass AND d.deptype = 'a'
LEFT JOIN pg_class o ON o.oid = d.refobjid
LEFT JOIN pg_namespace osn ON osn.oid = o.relnamespace
LEFT JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
WHERE ",
    user_schema!(),
    "
  AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_class'::regclass
                  AND e.objid = c.oid AND e.deptype IN ('e', 'i'))
ORDER BY 11, 1"
);

const TABLES_SQL: &str = concat!(
    "\
SELECT c.oid, c.relname::text, dc.description, n.nspname::text
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_description dc ON dc.objoid = c.oid AND dc.classoid = 'pg_class'::regclass
       AND dc.objsubid = 0
WHERE ",
    user_schema!(),
    " AND c.relkind IN ('r', 'p') AND NOT c.relispartition
  AND ",
    not_bmdb_table!(),
    "
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                  AND d.objid = c.oid AND d.deptype = 'e')
ORDER BY n.nspname, c.relname"
);

const COLUMNS_SQL: &str = concat!(
    "\
SELECT a.attrelid, a.attnum, a.attname::text, format_type(a.atttypid, a.atttypmod),
       a.attnotnull, pg_get_expr(ad.adbin, ad.adrelid), d.description,
       a.attgenerated::text, a.attidentity::text, owned.refobjid IS NOT NULL,
       ids.seqstart, ids.seqincrement, ids.seqmin, ids.seqmax,
       CASE WHEN a.attcollation <> ty.typcollation THEN co.collname::text END,
       ids.seqcache, ids.seqcycle, ids.seqrelid::regclass::text
FROM pg_attribute a
JOIN pg_type ty ON ty.oid = a.atttypid
LEFT JOIN pg_collation co ON co.oid = a.attcollation
JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
LEFT JOIN pg_description d ON d.objoid = a.attrelid AND d.classoid = 'pg_class'::regclass
       AND d.objsubid = a.attnum
LEFT JOIN (SELECT DISTINCT dp.refobjid, dp.refobjsubid FROM pg_depend dp
           JOIN pg_class s ON s.oid = dp.objid AND s.relkind = 'S'
           WHERE dp.classid = 'pg_class'::regclass AND dp.refclassid = 'pg_class'::regclass
             AND dp.deptype = 'a') owned
       ON owned.refobjid = a.attrelid AND owned.refobjsubid = a.attnum
LEFT JOIN (pg_depend di JOIN pg_sequence ids ON ids.seqrelid = di.objid)
       ON a.attidentity <> '' AND di.classid = 'pg_class'::regclass
       AND di.refclassid = 'pg_class'::regclass AND di.deptype = 'i'
       AND di.refobjid = a.attrelid AND di.refobjsubid = a.attnum
WHERE ",
    user_schema!(),
    " AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attrelid, a.attnum"
);

const CONSTRAINTS_SQL: &str = concat!(
    "\
SELECT k.conrelid, k.conname::text, k.contype::text, k.conkey, f.relname::text, fn.nspname::text,
       k.confkey, k.confdeltype::text, k.confupdtype::text, pg_get_constraintdef(k.oid),
       k.condeferrable, k.condeferred, dk.description
FROM pg_constraint k
JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_class f ON f.oid = k.confrelid
LEFT JOIN pg_namespace fn ON fn.oid = f.relnamespace
LEFT JOIN pg_description dk ON dk.objoid = k.oid AND dk.classoid = 'pg_constraint'::regclass
       AND dk.objsubid = 0
WHERE ",
    user_schema!(),
    " AND c.relkind IN ('r', 'p') AND k.contype IN ('p', 'u', 'f', 'c', 'x')
ORDER BY k.conrelid, k.conname"
);

/// The database's name, the server's version number, its non-default operator classes
/// (oids and names, in the same order) for the index reader, and its schemas other than
/// public ([`user_schema`]).
const DATABASE_SQL: &str = concat!(
    "\
SELECT current_database()::text, current_setting('server_version_num')::int4,
       ARRAY(SELECT o.oid FROM pg_opclass o WHERE NOT o.opcdefault ORDER BY o.oid),
       ARRAY(SELECT o.opcname::text FROM pg_opclass o WHERE NOT o.opcdefault ORDER BY o.oid),
       ARRAY(SELECT n.nspname::text FROM pg_namespace n
             WHERE n.nspname <> 'public' AND ",
    user_schema!(),
    " ORDER BY 1)"
);

/// [`INDEXES_SQL`] for a server of `server_version_num`.
fn indexes_sql(server_version_num: i32) -> String {
    let nnd = if server_version_num >= 150_000 {
        "i.indnullsnotdistinct"
    } else {
        "false"
    };
    INDEXES_SQL.replace("{nulls_not_distinct}", nnd)
}

/// `{nulls_not_distinct}` is `i.indnullsnotdistinct` from PostgreSQL 15 on, `false` before
/// ([`indexes_sql`]); operator classes come as oids, named from the database query's list of
/// non-default ones (a per-index lookup, or `pg_get_indexdef`, made this query 3-4x slower
/// at 2,000 indexes).
const INDEXES_SQL: &str = concat!(
    "\
SELECT i.indrelid, ic.relname::text, i.indisunique, i.indkey::int2[], i.indoption::int2[],
       i.indnkeyatts, am.amname::text, pg_get_expr(i.indpred, i.indrelid),
       {nulls_not_distinct}, i.indclass::oid[], di.description
FROM pg_index i
JOIN pg_class ic ON ic.oid = i.indexrelid
LEFT JOIN pg_description di ON di.objoid = i.indexrelid AND di.classoid = 'pg_class'::regclass
       AND di.objsubid = 0
JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_am am ON am.oid = ic.relam
WHERE ",
    user_schema!(),
    " AND c.relkind IN ('r', 'p')
  AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid
                  AND k.conrelid = i.indrelid AND k.contype IN ('p', 'u', 'x'))
ORDER BY i.indrelid, ic.relname"
);

/// Everything else a database can hold that bmdb does not manage, as (kind, name), in every
/// schema bmdb reads ([`user_schema`]; names outside public qualified): foreign tables and
/// composite types, domains and range types, functions, triggers, policies, rules,
/// inheritance and partitions, collations, the comments the model has no place for (on a
/// primary key or exclusion constraint, and on the index behind a key: those on indexes,
/// checks, unique constraints and foreign keys are read with them; on the views, sequences
/// and enum types bmdb manages without their comments), indexes' storage parameters and
/// indexes on materialized views, extensions (but PL/pgSQL, always there, and PostGIS,
/// which bmdb creates). Objects owned by an extension belong to it and are not listed one
/// by one. A schema whose name the model cannot hold is named in Rust ([`schema_managed`]),
/// with what it holds.
const OTHER_SQL: &str = concat!("\
SELECT kind, name FROM (
  SELECT CASE c.relkind WHEN 'f' THEN 'foreign table' ELSE 'composite type' END AS kind,
         ", qualified!("c.relname"), " AS name
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE ", user_schema!(), " AND c.relkind IN ('f', 'c')
    AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                    AND d.objid = c.oid AND d.deptype = 'e')
  UNION ALL
  SELECT CASE WHEN c.relispartition THEN 'partition' ELSE 'inheritance' END,
         ", qualified!("c.relname"), " || CASE WHEN c.relispartition THEN ' of ' ELSE ' inherits ' END
         || CASE WHEN pn.nspname = 'public' THEN '' ELSE pn.nspname || '.' END || p.relname
  FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
  JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_namespace pn ON pn.oid = p.relnamespace
  WHERE ", user_schema!(), " AND c.relkind IN ('r', 'p')
  UNION ALL
  SELECT CASE t.typtype WHEN 'd' THEN 'domain' ELSE 'range type' END,
         ", qualified!("t.typname"), "
  FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
  WHERE ", user_schema!(), " AND t.typtype IN ('d', 'r')
    AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass
                    AND d.objid = t.oid AND d.deptype = 'e')
  UNION ALL
  SELECT CASE p.prokind WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate' ELSE 'function' END,
         ", qualified!("p.proname"), " || '(' || pg_get_function_identity_arguments(p.oid) || ')'
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
  WHERE ", user_schema!(), "
    AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass
                    AND d.objid = p.oid AND d.deptype = 'e')
  UNION ALL
  SELECT 'trigger', t.tgname || ' on ' || ", qualified!("c.relname"), "
  FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE ", user_schema!(), " AND NOT t.tgisinternal
  UNION ALL
  SELECT 'policy', p.polname || ' on ' || ", qualified!("c.relname"), "
  FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE ", user_schema!(), "
  UNION ALL
  SELECT 'row-level security', ", qualified!("c.relname"), "
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE ", user_schema!(), " AND c.relrowsecurity
  UNION ALL
  SELECT 'rule', r.rulename || ' on ' || ", qualified!("c.relname"), "
  FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE ", user_schema!(), " AND r.rulename <> '_RETURN'
  UNION ALL
  SELECT 'unlogged table', ", qualified!("c.relname"), "
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE ", user_schema!(), " AND c.relkind IN ('r', 'p') AND c.relpersistence = 'u'
  UNION ALL
  SELECT 'comment on index', ", qualified!("c.relname"), "
  FROM pg_description d JOIN pg_class c ON c.oid = d.objoid AND d.classoid = 'pg_class'::regclass
  JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE ", user_schema!(), " AND c.relkind IN ('i', 'I')
    AND EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = c.oid
                AND k.contype IN ('p', 'u', 'x'))
  UNION ALL
  SELECT 'comment on constraint', k.conname || ' on ' || ", qualified!("c.relname"), "
  FROM pg_description d JOIN pg_constraint k ON k.oid = d.objoid AND d.classoid = 'pg_constraint'::regclass
  JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE ", user_schema!(), " AND k.contype NOT IN ('u', 'f', 'c')
  UNION ALL
  SELECT 'collation', ", qualified!("co.collname"), "
  FROM pg_collation co JOIN pg_namespace n ON n.oid = co.collnamespace
  WHERE ", user_schema!(), "
    AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_collation'::regclass
                    AND d.objid = co.oid AND d.deptype = 'e')
  UNION ALL
  SELECT 'extension', e.extname::text FROM pg_extension e WHERE e.extname NOT IN ('plpgsql', 'postgis')
  UNION ALL
  SELECT 'event trigger', e.evtname::text FROM pg_event_trigger e
  UNION ALL
  SELECT 'comment on ' || CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view'
           ELSE 'sequence' END, ", qualified!("c.relname"), "
  FROM pg_description d JOIN pg_class c ON c.oid = d.objoid AND d.classoid = 'pg_class'::regclass
  JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE ", user_schema!(), " AND c.relkind IN ('v', 'm', 'S') AND d.objsubid = 0
  UNION ALL
  SELECT 'comment on type', ", qualified!("t.typname"), "
  FROM pg_description d JOIN pg_type t ON t.oid = d.objoid AND d.classoid = 'pg_type'::regclass
  JOIN pg_namespace n ON n.oid = t.typnamespace
  WHERE ", user_schema!(), " AND t.typtype = 'e'
  UNION ALL
  SELECT 'storage parameters of index', ", qualified!("ic.relname"), " || ' WITH (' || array_to_string(ic.reloptions, ', ') || ')'
  FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
  JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE ", user_schema!(), " AND c.relkind IN ('r', 'p', 'm') AND ic.reloptions IS NOT NULL
  UNION ALL
  SELECT 'index on materialized view', ic.relname || ' on ' || ", qualified!("c.relname"), "
  FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
  JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE ", user_schema!(), " AND c.relkind = 'm'
) o ORDER BY kind, name");

/// The current database's public schema as a normalised model.
pub fn read_postgres(client: &mut postgres::Client) -> Result<Model> {
    read_postgres_with_stats(client).map(|(m, _)| m)
}

/// `read_postgres`, with the number of queries sent and what was left out. Each catalog
/// aspect (tables, columns, constraints, indexes) is folded by its own function below.
pub fn read_postgres_with_stats(client: &mut postgres::Client) -> Result<(Model, CatalogStats)> {
    read_postgres_sessions(client, None)
}

/// The session settings of a catalog read, before its queries (session settings, not
/// catalog queries: not counted):
/// - search_path `public` alone: the server then writes every name outside public
///   qualified, whatever the role's own search_path says (`"$user"` names a schema when one
///   is called like the role), in `format_type` (`game.mood`), `pg_get_expr`
///   (`nextval('game.s'::regclass)`) and `pg_get_viewdef` (`FROM game.players`), and an
///   unqualified name means public's, as it does in the model;
/// - no parallel workers: the planner gave the unmanaged-object query (a UNION of small
///   catalog scans) a Gather, and starting the workers cost more than the query (its
///   session 84 -> 69 ms at 1,000 tables); a catalog read has nothing to share out.
fn catalog_session(client: &mut postgres::Client) -> Result<()> {
    client
        .batch_execute("SET search_path = public; SET max_parallel_workers_per_gather = 0")
        .context("setting the session's search_path and parallelism for the catalog read")
}

/// One catalog query, counted in `sent`, its failure naming the aspect.
fn catalog_query(
    client: &mut postgres::Client,
    sql: &str,
    what: &str,
    sent: &AtomicUsize,
) -> Result<Vec<postgres::Row>> {
    sent.fetch_add(1, Ordering::Relaxed);
    client
        .query(sql, &[])
        .with_context(|| format!("reading the PostgreSQL catalog ({what})"))
}

/// The queries that do not feed the table reads (objects bmdb does not manage, roles,
/// privileges, enum types, views, sequences), in that order. On the second session the
/// indexes and constraints follow them ([`read_postgres_sessions`]).
fn fetch_beside_tables(
    client: &mut postgres::Client,
    sent: &AtomicUsize,
) -> Result<[Vec<postgres::Row>; 6]> {
    Ok([
        catalog_query(client, OTHER_SQL, "objects bmdb does not manage", sent)?,
        catalog_query(client, ROLES_SQL, "roles", sent)?,
        catalog_query(
            client,
            PRIVILEGES_SQL,
            "privileges and session defaults",
            sent,
        )?,
        catalog_query(client, ENUMS_SQL, "enum types", sent)?,
        catalog_query(client, VIEWS_SQL, "views", sent)?,
        catalog_query(client, SEQUENCES_SQL, "sequences", sent)?,
    ])
}

/// [`read_postgres_with_stats`], with the queries that do not feed the table reads sent on
/// `side`, a second session, while `client` reads the tables: drift of 1,000 tables was
/// 1.2x slower than before the unmanaged-object, role and enum reads were added, all of it
/// server time spent one query after another. The same queries, the same count.
pub fn read_postgres_sessions(
    client: &mut postgres::Client,
    side: Option<&mut postgres::Client>,
) -> Result<(Model, CatalogStats)> {
    let mut stats = CatalogStats::default();
    let sent = AtomicUsize::new(0);
    // The indexes and constraints, after the database row has said which server version
    // it is (the index query depends on it).
    let keys = |client: &mut postgres::Client, server_version: i32| -> Result<_> {
        Ok((
            catalog_query(client, &indexes_sql(server_version), "indexes", &sent)?,
            catalog_query(client, CONSTRAINTS_SQL, "constraints", &sent)?,
        ))
    };
    // each session is set up once, before its first query
    catalog_session(client)?;
    let (core, beside) = match side {
        // The second session reads the indexes and constraints too, after its own six, once
        // the first has handed over the server version: the first session's columns query
        // is the longest, and on a fresh session the two key queries cost about what they
        // cost after it (the unmanaged-object query warms the same catalogs). At 1,000
        // tables the two sessions' chains went from 124 to 103 ms (psql, fresh sessions).
        Some(side) => std::thread::scope(|scope| {
            let (version_tx, version_rx) = std::sync::mpsc::channel::<i32>();
            let (sent, keys) = (&sent, &keys);
            let beside = scope.spawn(move || -> Result<_> {
                catalog_session(side)?;
                let rows = fetch_beside_tables(side, sent)?;
                let Ok(version) = version_rx.recv() else {
                    anyhow::bail!("reading the PostgreSQL catalog: the database query failed");
                };
                Ok((rows, keys(side, version)?))
            });
            let core = fetch_tables(client, sent, |v| {
                let _ = version_tx.send(v);
            });
            let beside = beside
                .join()
                .unwrap_or_else(|_| Err(anyhow::anyhow!("the catalog read panicked")));
            (core, beside)
        }),
        None => {
            let mut version = 0;
            let core = fetch_tables(client, &sent, |v| version = v);
            let beside = match core {
                Ok(_) => fetch_beside_tables(client, &sent)
                    .and_then(|rows| Ok((rows, keys(client, version)?))),
                Err(_) => Err(anyhow::anyhow!("not read")),
            };
            (core, beside)
        }
    };
    let (db_rows, table_rows, column_rows) = core?;
    let (
        [other_rows, role_rows, privilege_rows, enum_rows, view_rows, sequence_rows],
        (index_rows, constraint_rows),
    ) = beside?;
    stats.queries = sent.into_inner();
    let db_row = Cells::new(
        db_rows
            .first()
            .ok_or_else(|| anyhow::anyhow!("current_database() returned no row"))?,
        "current_database()",
    );
    let opclass_oids: Vec<u32> = db_row.get(2)?;
    let opclass_names: Vec<String> = db_row.get(3)?;
    let opclasses: HashMap<u32, String> = opclass_oids.into_iter().zip(opclass_names).collect();
    let schemas = super::live_schemas(db_row.get::<Vec<String>>(4)?, &mut stats.skipped);

    let mut model = Model {
        database: Database {
            name: db_row.get(0)?,
            dialect: Dialect::Postgres,
            schemas,
            ..Database::default()
        },
        tables: BTreeMap::new(),
        roles: Some(read_roles(&role_rows)?),
        enums: read_enums(&enum_rows, &mut stats)?,
        views: read_views(&view_rows, &mut stats)?,
        sequences: BTreeMap::new(),
    };
    let mut sequences = read_sequences(&sequence_rows, &mut stats)?;
    if let Some(roles) = model.roles.as_mut() {
        let mut rows = Vec::new();
        for r in &privilege_rows {
            let c = Cells::new(r, "the PostgreSQL catalog (privileges)");
            rows.push(PrivilegeRow {
                role: c.get(0)?,
                kind: c.get(1)?,
                name: c.get(2)?,
                detail: c.get(3)?,
                privilege: c.get(4)?,
                grantable: c.get(5)?,
                schema: c.get(6)?,
            });
        }
        super::privileges::fold(roles, &rows);
    }
    // every cell read fallibly: a NULL or a type from a newer server is an error naming the
    // catalog query, the column and the row's table
    let mut tables = read_tables(&table_rows, &mut stats)?;
    let attnames = read_columns(
        &column_rows,
        &mut tables,
        &model.enums,
        &mut sequences,
        &mut stats,
    )?;
    model.sequences = sequences.into_iter().map(|(n, (s, _))| (n, s)).collect();
    read_constraints(&constraint_rows, &mut tables, &attnames, &mut stats)?;
    read_indexes(&index_rows, &mut tables, &attnames, &opclasses, &mut stats)?;
    read_others(&other_rows, &mut stats)?;
    for (_, mut t) in tables {
        t.sort_named_by_name();
        model.tables.insert(t.name.clone(), t);
    }
    debug_assert_eq!(stats.queries, QUERY_COUNT);
    Ok((model, stats))
}

/// The database row (name, server version, operator classes), then tables and columns: the
/// queries the table reads start from. The server version goes to `version` as soon as it
/// is known (the index query depends on it).
#[allow(clippy::type_complexity)]
fn fetch_tables(
    client: &mut postgres::Client,
    sent: &AtomicUsize,
    version: impl FnOnce(i32),
) -> Result<(Vec<postgres::Row>, Vec<postgres::Row>, Vec<postgres::Row>)> {
    let db_rows = catalog_query(client, DATABASE_SQL, "database", sent)?;
    let server_version: i32 = Cells::new(
        db_rows
            .first()
            .ok_or_else(|| anyhow::anyhow!("current_database() returned no row"))?,
        "current_database()",
    )
    .get(1)?;
    version(server_version);
    Ok((
        db_rows,
        catalog_query(client, TABLES_SQL, "tables", sent)?,
        catalog_query(client, COLUMNS_SQL, "columns", sent)?,
    ))
}

/// A sequence as read, with the type it counts in (`bigint`, `integer`, `smallint`).
type LiveSequences = BTreeMap<String, (Sequence, String)>;

/// Sequences with their options and owner; a sequence of another type than bigint is
/// compared as bigint (the model has no `AS`), and named.
fn read_sequences(rows: &[postgres::Row], stats: &mut CatalogStats) -> Result<LiveSequences> {
    let mut out = BTreeMap::new();
    for r in rows {
        let c = Cells::new(r, "the PostgreSQL catalog (sequences)");
        let name: String = c.get(0)?;
        let schema: String = c.get(10)?;
        let Some(name) = super::live_key(&schema, &name, "sequence", &mut stats.skipped) else {
            continue;
        };
        let c = c.of(name.clone());
        // the owning table by its key (`game.t` outside public)
        let owner_schema: Option<String> = c.get(11)?;
        let owner_table: Option<String> = c.get::<Option<String>>(8)?.map(|t| {
            crate::model::schemas::qualified(owner_schema.as_deref().unwrap_or_default(), &t)
        });
        let owner_column: Option<String> = c.get(9)?;
        let ty: String = c.get(7)?;
        let seq = Sequence {
            name: name.clone(),
            start: c.get(1)?,
            increment: c.get(2)?,
            min_value: c.get(3)?,
            max_value: c.get(4)?,
            cache: c.get(5)?,
            cycle: c.get(6)?,
            owned_by: owner_table
                .zip(owner_column)
                .map(|(table, column)| SequenceOwner { table, column }),
            // format_type: smallint, integer or bigint (the only types a sequence takes)
            data_type: Sequence::data_type_of(&ty)
                .filter(|t| *t != "INT8")
                .map(str::to_string),
            renamed_from: None,
        };
        out.insert(name, (seq, ty));
    }
    Ok(out)
}

/// Enum types; one whose name the model cannot hold (not a lower-case word) is named and
/// left alone, and its columns are kept as written.
fn read_enums(
    rows: &[postgres::Row],
    stats: &mut CatalogStats,
) -> Result<BTreeMap<String, EnumType>> {
    let mut out = BTreeMap::new();
    for r in rows {
        let c = Cells::new(r, "the PostgreSQL catalog (enum types)");
        let bare: String = c.get(0)?;
        let schema: String = c.get(2)?;
        let Some(name) = super::live_key(&schema, &bare, "enum", &mut stats.skipped) else {
            continue;
        };
        let c = c.of(name.clone());
        if !crate::model::enums::valid_enum_name(&bare) {
            stats.skipped.push(format!(
                "enum {name}: its name is not a lower-case word; not managed by bmdb"
            ));
            continue;
        }
        out.insert(
            name.clone(),
            EnumType {
                name,
                values: c.get(1)?,
                renamed_from: BTreeMap::new(),
            },
        );
    }
    Ok(out)
}

/// Views and materialized views, the query as `pg_get_viewdef` writes it (trimmed, its
/// trailing `;` removed). Compared with the model's query through
/// `crate::sql::query_fingerprint`, which PostgreSQL's deparsing leaves alone.
fn read_views(rows: &[postgres::Row], stats: &mut CatalogStats) -> Result<BTreeMap<String, View>> {
    let mut out = BTreeMap::new();
    for r in rows {
        let c = Cells::new(r, "the PostgreSQL catalog (views)");
        let name: String = c.get(0)?;
        let schema: String = c.get(3)?;
        let kind = if c.get::<bool>(1)? {
            "materialized view"
        } else {
            "view"
        };
        let Some(name) = super::live_key(&schema, &name, kind, &mut stats.skipped) else {
            continue;
        };
        let c = c.of(name.clone());
        let def: String = c.get(2)?;
        out.insert(
            name.clone(),
            View {
                name,
                materialized: c.get(1)?,
                query: crate::sql::view_query_text(&def),
            },
        );
    }
    Ok(out)
}

/// `queries` (name, query) as this server writes them back: each is created as a temporary
/// view inside one transaction that is rolled back, and read with `pg_get_viewdef`, in a
/// fixed number of statements whatever the number of views (a DO block that creates them,
/// one SELECT). A query the server refuses (a table it does not have yet) is left out.
pub fn deparse_queries(
    client: &mut postgres::Client,
    queries: &[(String, String)],
) -> Result<BTreeMap<String, String>> {
    let tag = "$bmdb_deparse$";
    let mut body = String::new();
    let mut names = BTreeMap::new();
    for (i, (name, q)) in queries.iter().enumerate() {
        if q.contains(tag) {
            continue;
        }
        let literal = format!("'{}'", q.replace('\'', "''"));
        body.push_str(&format!(
            "  BEGIN EXECUTE 'CREATE TEMP VIEW bmdb_deparse_{i} AS ' || {literal}; \
             EXCEPTION WHEN others THEN NULL; END;\n"
        ));
        names.insert(format!("bmdb_deparse_{i}"), name.clone());
    }
    if names.is_empty() {
        return Ok(BTreeMap::new());
    }
    let mut tx = client
        .transaction()
        .context("deparsing the model's views")?;
    tx.batch_execute(&format!("DO {tag} BEGIN\n{body}END {tag}"))
        .context("deparsing the model's views")?;
    let rows = tx
        .query(
            "SELECT c.relname::text, pg_get_viewdef(c.oid) FROM pg_class c \
             WHERE c.relpersistence = 't' AND c.relkind = 'v' \
               AND c.relname LIKE 'bmdb\\_deparse\\_%' AND pg_table_is_visible(c.oid)",
            &[],
        )
        .context("deparsing the model's views")?;
    let mut out = BTreeMap::new();
    for r in &rows {
        let c = Cells::new(r, "the model's views as PostgreSQL writes them");
        let temp: String = c.get(0)?;
        let def: String = c.get(1)?;
        if let Some(name) = names.get(&temp) {
            out.insert(name.clone(), crate::sql::view_query_text(&def));
        }
    }
    tx.rollback().context("deparsing the model's views")?;
    Ok(out)
}

fn read_roles(rows: &[postgres::Row]) -> Result<BTreeMap<String, Role>> {
    use crate::model::roles::is_builtin_role;
    let mut roles = BTreeMap::new();
    for r in rows {
        let c = Cells::new(r, "the PostgreSQL catalog (roles)");
        let name: String = c.get(0)?;
        if is_builtin_role(&name) {
            continue;
        }
        let c = c.of(name.clone());
        let mut options = Vec::new();
        for (i, key) in [(1, "login"), (2, "createrole"), (3, "createdb")] {
            if c.get::<bool>(i)? {
                options.push(key.to_string());
            }
        }
        options.sort();
        let member_of: Vec<String> = c.get::<Vec<String>>(5)?;
        roles.insert(
            name.clone(),
            Role {
                name,
                options,
                valid_until: c.get(4)?,
                member_of: member_of
                    .into_iter()
                    .filter(|m| !is_builtin_role(m))
                    .collect(),
                connected: c.get(6)?,
                ..Role::default()
            },
        );
    }
    Ok(roles)
}

/// Tables by oid.
type Tables = BTreeMap<u32, Table>;
/// `(table oid, attnum)` -> column name.
type AttNames = BTreeMap<(u32, i16), String>;

/// The names of a key's columns; `None` if one is not a column bmdb read.
fn col_names(attnames: &AttNames, oid: u32, keys: &[i16]) -> Option<Vec<String>> {
    keys.iter()
        .map(|k| attnames.get(&(oid, *k)).cloned())
        .collect()
}

/// Tables by oid, each named by its key (`game.players` outside public); one the model
/// cannot hold is named and left out, and so are its columns, keys and indexes.
fn read_tables(rows: &[postgres::Row], stats: &mut CatalogStats) -> Result<Tables> {
    let mut tables = Tables::new();
    for r in rows {
        let c = Cells::new(r, "the PostgreSQL catalog (tables)");
        let oid: u32 = c.get(0)?;
        let name: String = c.get(1)?;
        let schema: String = c.get(3)?;
        let Some(name) = super::live_key(&schema, &name, "table", &mut stats.skipped) else {
            continue;
        };
        let c = c.of(name.clone());
        tables.insert(
            oid,
            Table {
                name,
                comment: c.get(2)?,
                ..Table::default()
            },
        );
    }
    Ok(tables)
}

/// Each table's columns, in order; returns the attnum names keys refer to.
fn read_columns(
    rows: &[postgres::Row],
    tables: &mut Tables,
    enums: &BTreeMap<String, EnumType>,
    sequences: &mut LiveSequences,
    stats: &mut CatalogStats,
) -> Result<AttNames> {
    let mut attnames = AttNames::new();
    for r in rows {
        let c = Cells::new(r, "the PostgreSQL catalog (columns)");
        let oid: u32 = c.get(0)?;
        let Some(table) = tables.get_mut(&oid) else {
            continue;
        };
        let c = c.of(table.name.clone());
        let name: String = c.get(2)?;
        let attnum: i16 = c.get(1)?;
        let raw_type: String = c.get(3)?;
        let default: Option<String> = c.get(5)?;
        let generated: String = c.get(7)?;
        let identity: String = c.get(8)?;
        let _owns_sequence: bool = c.get(9)?;
        let label = format!("{}.{}", table.name, name);
        // An enum of the model by its name (`status`, `status[]`); a type the model does not
        // spell is kept as the server writes it (`as_written: true` in the YAML), and named.
        let ty = match crate::model::enums::enum_of(&raw_type, enums) {
            Some(e) => format!(
                "{}{}",
                e.name,
                if raw_type.ends_with("[]") { "[]" } else { "" }
            ),
            None => pg_type(&raw_type).unwrap_or_else(|| {
                stats.skipped.push(format!(
                    "{label}: type {raw_type} is not one bmdb models; kept as written"
                ));
                raw_type.clone()
            }),
        };
        attnames.insert((oid, attnum), name.clone());
        // `s`: GENERATED ALWAYS AS (expr) STORED, the expression in pg_attrdef; PostgreSQL 15
        // has no other kind (a `v` of a later release is read as what it is, VIRTUAL)
        let computed = match (generated.as_str(), &default) {
            ("", _) | (_, None) => None,
            (g, Some(expr)) => Some(Computed {
                expr: strip_outer_parens(expr),
                is_virtual: g == "v",
            }),
        };
        // `a` ALWAYS, `d` BY DEFAULT, with the options of the sequence it owns (pg_sequence)
        // an identity sequence's CACHE and CYCLE have no place in the model: named, and
        // compared without them (the sequence itself, its name as the server gives it)
        if !identity.is_empty() {
            let seq: Option<String> = c.get(17)?;
            let seq = seq.unwrap_or_default();
            if let Some(cache) = c.get::<Option<i64>>(15)?.filter(|n| *n != 1) {
                stats.skipped.push(format!(
                    "{label}: identity CACHE {cache} (sequence {seq}) is not modelled; compared without it"
                ));
            }
            if c.get::<Option<bool>>(16)? == Some(true) {
                stats.skipped.push(format!(
                    "{label}: identity CYCLE (sequence {seq}) is not modelled; compared without it"
                ));
            }
        }
        let identity = match identity.as_str() {
            "" => None,
            g => Some(
                Identity {
                    generated: if g == "d" {
                        Generated::ByDefault
                    } else {
                        Generated::Always
                    },
                    start: c.get(10)?,
                    increment: c.get(11)?,
                    min_value: c.get(12)?,
                    max_value: c.get(13)?,
                }
                .normalised(&ty),
            ),
        };
        let mut col = Column {
            name,
            ty,
            nullable: !c.get::<bool>(4)?,
            default: default
                .as_deref()
                .filter(|_| generated.is_empty())
                .map(|d| strip_literal_cast_for(d, &raw_type)),
            comment: c.get(6)?,
            renamed_from: None,
            identity,
            computed,
            // a collation other than the type's default (`attcollation` vs `typcollation`)
            collate: c.get(14)?,
        };
        if let Some(serial) = serial_for(&table.name, &col, sequences) {
            // the column's own sequence: SERIAL, never a sequence of the model
            sequences.remove(&crate::model::sequences::serial_sequence(
                &table.name,
                &col.name,
            ));
            col.ty = serial.to_string();
            col.default = None;
            col.nullable = false;
        } else if let Some(d) = &col.default {
            col.default = Some(crate::model::sequences::normalize_default(d));
        }
        table.columns.push(col);
    }
    Ok(attnames)
}

/// Primary keys, unique constraints, foreign keys and checks.
fn read_constraints(
    rows: &[postgres::Row],
    tables: &mut Tables,
    attnames: &AttNames,
    stats: &mut CatalogStats,
) -> Result<()> {
    // referenced table oid is not selected: resolve by (schema, name)
    for r in rows {
        let c = Cells::new(r, "the PostgreSQL catalog (constraints)");
        let oid: u32 = c.get(0)?;
        let Some(table_name) = tables.get(&oid).map(|t| t.name.clone()) else {
            continue;
        };
        let c = c.of(table_name.clone());
        let name: String = c.get(1)?;
        let kind: String = c.get(2)?;
        let conkey: Option<Vec<i16>> = c.get(3)?;
        let def: String = c.get(9)?;
        let comment: Option<String> = c.get(12)?;
        let label = format!("{table_name}.{name}");
        let cols = conkey.as_deref().and_then(|k| col_names(attnames, oid, k));
        // Its columns exist in the table but one of them is not managed (its type).
        let over_unmanaged = conkey.is_some() && cols.is_none();
        for note in constraint_notes(&kind, &def) {
            stats.skipped.push(format!("{label}: {note}"));
        }
        match kind.as_str() {
            "p" | "u" if over_unmanaged => stats.skipped.push(format!(
                "{label}: key over a column bmdb does not manage; not managed either"
            )),
            "p" | "u" => {
                let Some(columns) = cols else {
                    stats.skipped.push(format!("{label}: key on an expression"));
                    continue;
                };
                let t = tables.get_mut(&oid).expect("table present");
                if kind == "p" {
                    t.primary_key = Some(PrimaryKey { name, columns });
                } else {
                    t.unique.push(UniqueConstraint {
                        name,
                        columns,
                        nulls_not_distinct: def.contains(" NULLS NOT DISTINCT"),
                        comment,
                    });
                }
            }
            "f" => {
                let ref_table: Option<String> = c.get(4)?;
                let ref_schema: Option<String> = c.get(5)?;
                let confkey: Option<Vec<i16>> = c.get(6)?;
                let (Some(ref_table), Some(columns)) = (ref_table, cols) else {
                    stats.skipped.push(format!(
                        "{label}: foreign key over a column bmdb does not manage; not managed either"
                    ));
                    continue;
                };
                // the referenced table by its key (`auth.accounts` outside public)
                let ref_table = crate::model::schemas::qualified(
                    ref_schema.as_deref().unwrap_or_default(),
                    &ref_table,
                );
                let ref_oid = tables
                    .iter()
                    .find(|(_, t)| t.name == ref_table)
                    .map(|(o, _)| *o);
                let ref_columns = ref_oid
                    .zip(confkey.as_deref())
                    .and_then(|(o, k)| col_names(attnames, o, k));
                let Some(ref_columns) = ref_columns else {
                    stats.skipped.push(format!(
                        "{label}: references {ref_table}, or columns of it, which bmdb does not manage"
                    ));
                    continue;
                };
                let t = tables.get_mut(&oid).expect("table present");
                t.foreign_keys.push(ForeignKey {
                    name,
                    columns,
                    ref_table,
                    ref_columns,
                    on_delete: fk_action(&c.get::<String>(7)?),
                    on_update: fk_action(&c.get::<String>(8)?),
                    match_full: def.contains(" MATCH FULL"),
                    deferrable: c.get(10)?,
                    initially_deferred: c.get(11)?,
                    comment,
                });
            }
            "c" => {
                let t = tables.get_mut(&oid).expect("table present");
                t.checks.push(Check {
                    name,
                    expr: check_body(&def),
                    comment,
                });
            }
            _ => stats.skipped.push(format!("{label}: {def} (not modelled)")),
        }
    }
    Ok(())
}

/// Indexes that are not a constraint's.
fn read_indexes(
    rows: &[postgres::Row],
    tables: &mut Tables,
    attnames: &AttNames,
    opclasses: &HashMap<u32, String>,
    stats: &mut CatalogStats,
) -> Result<()> {
    for r in rows {
        let c = Cells::new(r, "the PostgreSQL catalog (indexes)");
        let oid: u32 = c.get(0)?;
        let Some(table_name) = tables.get(&oid).map(|t| t.name.clone()) else {
            continue;
        };
        let c = c.of(table_name.clone());
        let name: String = c.get(1)?;
        let label = format!("{table_name}@{name}");
        let keys: Vec<i16> = c.get(3)?;
        let options: Vec<i16> = c.get(4)?;
        let nkey = c.get::<i16>(5)?.max(0) as usize;
        let method: String = c.get(6)?;
        let unique: bool = c.get(2)?;
        let using = match method.as_str() {
            "btree" => IndexMethod::Btree,
            "gin" => IndexMethod::Gin,
            "gist" => IndexMethod::Gist,
            other => {
                stats.skipped.push(format!(
                    "{label}: index method {other} is not modelled (btree, gin, gist are)"
                ));
                continue;
            }
        };
        if keys.contains(&0) {
            stats.skipped.push(format!(
                "{label}: expression index; bmdb models column indexes only"
            ));
            continue;
        }
        let Some(names) = col_names(attnames, oid, &keys) else {
            stats.skipped.push(format!(
                "{label}: index over a column bmdb does not manage; not managed either"
            ));
            continue;
        };
        let nulls_not_distinct: bool = c.get(8)?;
        let opclass_oids: Vec<u32> = c.get(9)?;
        if nulls_not_distinct {
            stats.skipped.push(format!(
                "{label}: NULLS NOT DISTINCT is not modelled; compared without it"
            ));
        }
        let columns = names
            .iter()
            .take(nkey)
            .enumerate()
            .map(|(k, n)| {
                // indoption bit 0: DESC; bit 1: NULLS FIRST (the default for DESC only)
                let o = options.get(k).copied().unwrap_or(0);
                let desc = o & 1 == 1;
                let nulls = if o & 2 == 2 {
                    NullsOrder::First
                } else {
                    NullsOrder::Last
                };
                IndexColumn {
                    name: n.clone(),
                    desc,
                    nulls: NullsOrder::unless_default(Some(nulls), desc),
                    // a non-default operator class (gin_trgm_ops), which CREATE INDEX needs
                    opclass: opclass_oids.get(k).and_then(|o| opclasses.get(o)).cloned(),
                }
            })
            .collect();
        let predicate: Option<String> = c.get(7)?;
        tables
            .get_mut(&oid)
            .expect("table present")
            .indexes
            .push(Index {
                name,
                columns,
                unique,
                using,
                sharded_buckets: None,
                storing: names.into_iter().skip(nkey).collect(),
                predicate: predicate.map(|p| strip_outer_parens(&p)),
                zone: None,
                comment: c.get(10)?,
            });
    }
    Ok(())
}

/// Every object bmdb does not manage, one line each.
fn read_others(rows: &[postgres::Row], stats: &mut CatalogStats) -> Result<()> {
    for r in rows {
        let c = Cells::new(r, "the PostgreSQL catalog (other objects)");
        let kind: String = c.get(0)?;
        let name: String = c.get(1)?;
        stats
            .skipped
            .push(format!("{kind} {name}: not managed by bmdb"));
    }
    Ok(())
}

/// What a constraint's definition says that the model does not hold (it is still read,
/// and compared without it).
fn constraint_notes(kind: &str, def: &str) -> Vec<&'static str> {
    let mut notes = Vec::new();
    // a foreign key's DEFERRABLE, INITIALLY DEFERRED and MATCH FULL, and a unique
    // constraint's NULLS NOT DISTINCT, are modelled; a deferrable key or check is not
    if kind != "f" && def.contains(" DEFERRABLE") {
        notes.push(if def.contains("INITIALLY DEFERRED") {
            "DEFERRABLE INITIALLY DEFERRED is not modelled; compared as not deferrable"
        } else {
            "DEFERRABLE is not modelled; compared as not deferrable"
        });
    }
    if kind == "c" && def.contains(" NO INHERIT") {
        notes.push(
            "NO INHERIT is not modelled (bmdb manages no inheritance); compared as a plain check",
        );
    }
    notes
}

/// `format_type` output -> bmdb's canonical type. PostgreSQL's `integer` is 4 bytes
/// (CockroachDB's INT is 8), so the integer names are mapped before `canonical_type`.
fn pg_type(raw: &str) -> Option<String> {
    let t = raw.trim();
    if let Some(elem) = t.strip_suffix("[]") {
        return pg_type(elem).map(|e| format!("{e}[]"));
    }
    // `timestamp(3) without time zone`: the precision sits inside the multi-word name
    for (head, plain, tz) in [
        ("timestamp(", "TIMESTAMP", "TIMESTAMPTZ"),
        ("time(", "TIME", "TIMETZ"),
    ] {
        if let Some(rest) = t.strip_prefix(head) {
            let (p, tail) = rest.split_once(')')?;
            let base = if tail.trim() == "with time zone" {
                tz
            } else {
                plain
            };
            return canonical_type(&format!("{base}({p})"), Dialect::Postgres).map(|c| c.ty);
        }
    }
    let mapped = match t {
        "integer" => "INT4",
        "bigint" => "INT8",
        "smallint" => "INT2",
        "real" => "FLOAT4",
        "double precision" => "FLOAT8",
        "text" => "STRING",
        "boolean" => "BOOL",
        "bytea" => "BYTES",
        other => other,
    };
    canonical_type(mapped, Dialect::Postgres)
        .filter(|c| c.serial_default.is_none())
        .map(|c| c.ty)
}

/// SERIAL and friends: an integer column defaulting to `nextval` of the sequence PostgreSQL
/// names after it (`<table>_<column>_seq`), which it owns, counting in the column's type
/// with the options SERIAL gives it (1 up to the type's largest value, cache 1, no cycle).
/// Any other sequence a default draws from, owned or not, is a sequence of the model.
fn serial_for(table: &str, col: &Column, sequences: &LiveSequences) -> Option<&'static str> {
    let target = crate::model::sequences::nextval_target(col.default.as_deref()?)?;
    let (serial, ty, max) = match col.ty.as_str() {
        "INT4" => ("SERIAL", "integer", i64::from(i32::MAX)),
        "INT8" => ("BIGSERIAL", "bigint", i64::MAX),
        "INT2" => ("SMALLSERIAL", "smallint", i64::from(i16::MAX)),
        _ => return None,
    };
    let (seq, seq_ty) = sequences.get(&target)?;
    let own = SequenceOwner {
        table: table.to_string(),
        column: col.name.clone(),
    };
    let serial_options = Sequence {
        owned_by: Some(own),
        ..Sequence::with_type_defaults(&target, None, &col.ty)
    };
    debug_assert_eq!(serial_options.max_value, max);
    (target == crate::model::sequences::serial_sequence(table, &col.name)
        && seq_ty == ty
        && *seq == serial_options)
        .then_some(serial)
}

fn fk_action(code: &str) -> FkAction {
    match code {
        "r" => FkAction::Restrict,
        "c" => FkAction::Cascade,
        "n" => FkAction::SetNull,
        "d" => FkAction::SetDefault,
        _ => FkAction::NoAction,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postgres_type_names_map_back() {
        for (raw, want) in [
            ("integer", "INT4"),
            ("bigint", "INT8"),
            ("smallint", "INT2"),
            ("text", "STRING"),
            ("text[]", "STRING[]"),
            ("character varying(32)", "VARCHAR(32)"),
            ("numeric(12,2)", "DECIMAL(12,2)"),
            ("double precision", "FLOAT8"),
            ("real", "FLOAT4"),
            ("timestamp with time zone", "TIMESTAMPTZ"),
            ("timestamp(3) without time zone", "TIMESTAMP(3)"),
            ("geography(Point,4326)", "GEOGRAPHY(POINT,4326)"),
            ("geometry", "GEOMETRY"),
            ("jsonb", "JSONB"),
            ("json", "JSON"),
            ("character varying", "VARCHAR"),
            ("character varying[]", "VARCHAR[]"),
            ("boolean", "BOOL"),
            ("bytea", "BYTES"),
            ("uuid", "UUID"),
        ] {
            assert_eq!(pg_type(raw).as_deref(), Some(want), "{raw}");
        }
        assert_eq!(pg_type("tsvector"), None);
    }
}
