//! Both schemas are the same: the SQLite and PostgreSQL migrations produce the same tables, columns
//! (order, type, nullability), keys, unique constraints, foreign keys and indexes; every table
//! carries `tenant_id`; both engines embed the same migration versions; and the SQLite pragmas
//! that make an acknowledged write durable are in effect on pooled connections.

use crate::both_engines;
use crate::support::*;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Text};
use std::collections::{BTreeMap, BTreeSet};

/// One column as both engines describe it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Column {
    name: String,
    /// Lower-case SQL type: `text`, `bigint`, `integer`, `boolean`.
    ty: String,
    not_null: bool,
}

/// A database's structure, normalised for comparison.
#[derive(Debug, Default, PartialEq, Eq)]
struct Schema {
    /// Columns per table, in declaration order.
    tables: BTreeMap<String, Vec<Column>>,
    /// Primary-key columns per table, in key order.
    primary_keys: BTreeMap<String, Vec<String>>,
    /// (table, columns) of every UNIQUE constraint (column-level or table-level).
    uniques: BTreeSet<(String, Vec<String>)>,
    /// (table, column, referenced table, referenced column).
    foreign_keys: BTreeSet<(String, String, String, String)>,
    /// Explicitly created indexes: name -> (table, columns, unique).
    indexes: BTreeMap<String, (String, Vec<String>, bool)>,
}

const DIESEL_TABLE: &str = "__diesel_schema_migrations";

fn normalise_type(t: &str) -> String {
    let t = t.trim().to_ascii_lowercase();
    match t.as_str() {
        "int8" => "bigint".into(),
        "int4" | "int" => "integer".into(),
        "bool" => "boolean".into(),
        "character varying" | "varchar" => "text".into(),
        _ => t,
    }
}

#[derive(QueryableByName)]
struct Name {
    #[diesel(sql_type = Text)]
    name: String,
}

#[derive(QueryableByName)]
struct SqliteColumn {
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    ty: String,
    #[diesel(sql_type = Integer)]
    not_null: i32,
    #[diesel(sql_type = Integer)]
    pk: i32,
}

#[derive(QueryableByName)]
struct SqliteIndex {
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Integer)]
    is_unique: i32,
    #[diesel(sql_type = Text)]
    origin: String,
}

#[derive(QueryableByName)]
struct SqliteFk {
    #[diesel(sql_type = Text)]
    from_col: String,
    #[diesel(sql_type = Text)]
    ref_table: String,
    #[diesel(sql_type = Text)]
    to_col: String,
}

fn sqlite_index_columns(c: &mut diesel::SqliteConnection, index: &str) -> Vec<String> {
    diesel::sql_query("SELECT name FROM pragma_index_info(?) ORDER BY seqno")
        .bind::<Text, _>(index)
        .load::<Name>(c)
        .expect("pragma_index_info")
        .into_iter()
        .map(|n| n.name)
        .collect()
}

fn sqlite_schema(c: &mut diesel::SqliteConnection) -> Schema {
    let mut s = Schema::default();
    let tables: Vec<Name> = diesel::sql_query(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
         AND name <> '__diesel_schema_migrations' ORDER BY name",
    )
    .load(c)
    .expect("sqlite_master");
    for Name { name: table } in tables {
        let cols: Vec<SqliteColumn> = diesel::sql_query(
            "SELECT name, type AS ty, \"notnull\" AS not_null, pk FROM pragma_table_info(?) \
             ORDER BY cid",
        )
        .bind::<Text, _>(&table)
        .load(c)
        .expect("pragma_table_info");
        let mut pk: Vec<(i32, String)> = cols
            .iter()
            .filter(|col| col.pk > 0)
            .map(|col| (col.pk, col.name.clone()))
            .collect();
        pk.sort();
        s.primary_keys
            .insert(table.clone(), pk.into_iter().map(|(_, n)| n).collect());
        s.tables.insert(
            table.clone(),
            cols.into_iter()
                .map(|col| Column {
                    name: col.name,
                    ty: normalise_type(&col.ty),
                    not_null: col.not_null != 0,
                })
                .collect(),
        );
        let indexes: Vec<SqliteIndex> = diesel::sql_query(
            "SELECT name, \"unique\" AS is_unique, origin FROM pragma_index_list(?)",
        )
        .bind::<Text, _>(&table)
        .load(c)
        .expect("pragma_index_list");
        for idx in indexes {
            let cols = sqlite_index_columns(c, &idx.name);
            match idx.origin.as_str() {
                // A UNIQUE constraint in the table definition.
                "u" => {
                    s.uniques.insert((table.clone(), cols));
                }
                // CREATE [UNIQUE] INDEX.
                "c" => {
                    s.indexes
                        .insert(idx.name.clone(), (table.clone(), cols, idx.is_unique != 0));
                }
                // The primary key's own index ("pk") is covered by `primary_keys`.
                _ => {}
            }
        }
        let fks: Vec<SqliteFk> = diesel::sql_query(
            "SELECT \"from\" AS from_col, \"table\" AS ref_table, \"to\" AS to_col \
             FROM pragma_foreign_key_list(?)",
        )
        .bind::<Text, _>(&table)
        .load(c)
        .expect("pragma_foreign_key_list");
        for fk in fks {
            s.foreign_keys
                .insert((table.clone(), fk.from_col, fk.ref_table, fk.to_col));
        }
    }
    s
}

#[derive(QueryableByName)]
struct PgColumn {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
    #[diesel(sql_type = Text)]
    data_type: String,
    #[diesel(sql_type = Text)]
    is_nullable: String,
}

#[derive(QueryableByName)]
struct PgConstraint {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    kind: String,
    /// Comma-separated columns in key order.
    #[diesel(sql_type = Text)]
    cols: String,
}

#[derive(QueryableByName)]
struct PgFk {
    #[diesel(sql_type = Text)]
    tbl: String,
    #[diesel(sql_type = Text)]
    col: String,
    #[diesel(sql_type = Text)]
    ref_tbl: String,
    #[diesel(sql_type = Text)]
    ref_col: String,
}

#[derive(QueryableByName)]
struct PgIndex {
    #[diesel(sql_type = Text)]
    index_name: String,
    #[diesel(sql_type = Text)]
    tbl: String,
    #[diesel(sql_type = Text)]
    cols: String,
    #[diesel(sql_type = diesel::sql_types::Bool)]
    is_unique: bool,
}

fn split_cols(s: &str) -> Vec<String> {
    s.split(',').map(str::to_owned).collect()
}

/// The structure of the connection's `current_schema()` (the test's own schema, through the
/// `search_path` in the URL).
fn pg_schema(c: &mut diesel::PgConnection) -> Schema {
    let mut s = Schema::default();
    let cols: Vec<PgColumn> = diesel::sql_query(
        "SELECT table_name::text AS table_name, column_name::text AS column_name, \
                data_type::text AS data_type, is_nullable::text AS is_nullable \
         FROM information_schema.columns \
         WHERE table_schema = current_schema() AND table_name <> '__diesel_schema_migrations' \
         ORDER BY table_name, ordinal_position",
    )
    .load(c)
    .expect("information_schema.columns");
    for col in cols {
        s.tables.entry(col.table_name).or_default().push(Column {
            name: col.column_name,
            ty: normalise_type(&col.data_type),
            not_null: col.is_nullable == "NO",
        });
    }
    let constraints: Vec<PgConstraint> = diesel::sql_query(
        "SELECT t.relname::text AS table_name, c.contype::text AS kind, \
                array_to_string(ARRAY( \
                    SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY AS k(attnum, ord) \
                    JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum \
                    ORDER BY k.ord), ',') AS cols \
         FROM pg_constraint c \
         JOIN pg_class t ON t.oid = c.conrelid \
         JOIN pg_namespace n ON n.oid = t.relnamespace \
         WHERE n.nspname = current_schema() AND c.contype IN ('p', 'u') \
           AND t.relname <> '__diesel_schema_migrations'",
    )
    .load(c)
    .expect("pg_constraint");
    for con in constraints {
        if con.kind == "p" {
            s.primary_keys.insert(con.table_name, split_cols(&con.cols));
        } else {
            s.uniques.insert((con.table_name, split_cols(&con.cols)));
        }
    }
    // Tables without a primary key would be missing from `primary_keys`; SQLite reports them
    // with an empty list.
    for table in s.tables.keys() {
        s.primary_keys.entry(table.clone()).or_default();
    }
    let fks: Vec<PgFk> = diesel::sql_query(
        "SELECT t.relname::text AS tbl, a.attname::text AS col, rt.relname::text AS ref_tbl, \
                ra.attname::text AS ref_col \
         FROM pg_constraint c \
         JOIN pg_class t ON t.oid = c.conrelid \
         JOIN pg_namespace n ON n.oid = t.relnamespace \
         JOIN pg_class rt ON rt.oid = c.confrelid \
         CROSS JOIN LATERAL unnest(c.conkey, c.confkey) AS k(col, refcol) \
         JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.col \
         JOIN pg_attribute ra ON ra.attrelid = c.confrelid AND ra.attnum = k.refcol \
         WHERE c.contype = 'f' AND n.nspname = current_schema()",
    )
    .load(c)
    .expect("foreign keys");
    for fk in fks {
        s.foreign_keys
            .insert((fk.tbl, fk.col, fk.ref_tbl, fk.ref_col));
    }
    // Indexes that do not back a constraint (primary keys and UNIQUE constraints are compared
    // above; their index names differ by engine).
    let indexes: Vec<PgIndex> = diesel::sql_query(
        "SELECT i.relname::text AS index_name, t.relname::text AS tbl, \
                array_to_string(ARRAY( \
                    SELECT a.attname FROM unnest(x.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord) \
                    JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum \
                    ORDER BY k.ord), ',') AS cols, \
                x.indisunique AS is_unique \
         FROM pg_index x \
         JOIN pg_class i ON i.oid = x.indexrelid \
         JOIN pg_class t ON t.oid = x.indrelid \
         JOIN pg_namespace n ON n.oid = t.relnamespace \
         WHERE n.nspname = current_schema() AND t.relname <> '__diesel_schema_migrations' \
           AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid)",
    )
    .load(c)
    .expect("pg_index");
    for idx in indexes {
        s.indexes.insert(
            idx.index_name,
            (idx.tbl, split_cols(&idx.cols), idx.is_unique),
        );
    }
    s
}

fn schema_of(db: &TestDb) -> Schema {
    let store = db.store();
    let mut conn = store.conn().expect("conn");
    match &mut *conn {
        ratusz_store::Db::Sqlite(c) => sqlite_schema(c),
        ratusz_store::Db::Pg(c) => pg_schema(c),
    }
}

#[test]
fn sqlite_and_postgres_schemas_are_identical() {
    if pg_url().is_none() {
        eprintln!("RATUSZ_TEST_PG_URL not set: cannot compare the SQLite schema with PostgreSQL");
        return;
    }
    let lite_db = TestDb::new(Engine::Sqlite);
    let pg_db = TestDb::new(Engine::Postgres);
    let lite = schema_of(&lite_db);
    let pg = schema_of(&pg_db);

    // The introspection itself found something (so that two empty results cannot agree).
    assert!(lite.tables.len() >= 10, "tables: {:?}", lite.tables.keys());
    assert!(lite.tables.contains_key("audit_events") && lite.tables.contains_key("jobs"));
    assert!(!lite.uniques.is_empty() && !lite.foreign_keys.is_empty());
    assert!(!lite.indexes.is_empty());

    assert_eq!(
        lite.tables.keys().collect::<Vec<_>>(),
        pg.tables.keys().collect::<Vec<_>>(),
        "the same tables"
    );
    for (table, lite_cols) in &lite.tables {
        assert_eq!(
            lite_cols, &pg.tables[table],
            "columns of {table} (order, type, nullability): SQLite left, PostgreSQL right"
        );
    }
    assert_eq!(lite.primary_keys, pg.primary_keys, "primary keys");
    assert_eq!(lite.uniques, pg.uniques, "UNIQUE constraints");
    assert_eq!(lite.foreign_keys, pg.foreign_keys, "foreign keys");
    assert_eq!(
        lite.indexes, pg.indexes,
        "indexes (by name, table, columns)"
    );
    eprintln!(
        "compared {} tables, {} columns, {} UNIQUE constraints, {} foreign keys, {} indexes",
        lite.tables.len(),
        lite.tables.values().map(Vec::len).sum::<usize>(),
        lite.uniques.len(),
        lite.foreign_keys.len(),
        lite.indexes.len()
    );
}

both_engines!(every_table_carries_tenant_id, |engine| {
    let db = TestDb::new(engine);
    let schema = schema_of(&db);
    assert!(schema.tables.len() >= 10, "{:?}", schema.tables.keys());
    let without: Vec<&String> = schema
        .tables
        .iter()
        .filter(|(_, cols)| {
            !cols
                .iter()
                .any(|c| c.name == "tenant_id" && c.ty == "text" && c.not_null)
        })
        .map(|(t, _)| t)
        .collect();
    assert!(
        without.is_empty(),
        "tables without a NOT NULL text tenant_id: {without:?}"
    );
    // `tenants` is keyed by it; every other table references it.
    assert_eq!(
        schema.primary_keys["tenants"],
        vec!["tenant_id".to_string()]
    );
    for table in schema.tables.keys().filter(|t| *t != "tenants") {
        assert!(
            schema.foreign_keys.contains(&(
                table.clone(),
                "tenant_id".into(),
                "tenants".into(),
                "tenant_id".into()
            )),
            "{table}.tenant_id does not reference tenants"
        );
    }
});

fn migration_dirs(engine: &str) -> Vec<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../store/migrations")
        .join(engine);
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("dir entry"))
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    for name in &names {
        for f in ["up.sql", "down.sql"] {
            assert!(
                dir.join(name).join(f).is_file(),
                "{engine}/{name}/{f} is missing"
            );
        }
    }
    names
}

fn embedded_versions<DB: diesel::backend::Backend>(
    source: &impl diesel::migration::MigrationSource<DB>,
) -> Vec<String> {
    let mut v: Vec<String> = source
        .migrations()
        .expect("embedded migrations")
        .iter()
        .map(|m| m.name().version().to_string())
        .collect();
    v.sort();
    v
}

#[test]
fn both_engines_have_the_same_migration_versions() {
    let lite = migration_dirs("sqlite");
    let pg = migration_dirs("postgres");
    assert!(!lite.is_empty(), "no SQLite migrations found");
    assert_eq!(
        lite, pg,
        "migration directories: SQLite left, PostgreSQL right"
    );

    let lite_embedded =
        embedded_versions::<diesel::sqlite::Sqlite>(&ratusz_store::db::SQLITE_MIGRATIONS);
    let pg_embedded = embedded_versions::<diesel::pg::Pg>(&ratusz_store::db::POSTGRES_MIGRATIONS);
    assert_eq!(lite_embedded, pg_embedded, "embedded migration versions");
    assert_eq!(lite_embedded.len(), lite.len());
    // A directory `2026-11-23-000001_foundation` has the version `20261123000001`.
    for (dir, version) in lite.iter().zip(&lite_embedded) {
        let digits: String = dir
            .split('_')
            .next()
            .unwrap_or_default()
            .chars()
            .filter(char::is_ascii_digit)
            .collect();
        assert_eq!(&digits, version, "version of {dir}");
    }
}

both_engines!(migrating_applies_every_embedded_version_once, |engine| {
    let db = TestDb::new(engine);
    let store = ratusz_store::Store::connect(&db.url, 2).expect("connect");
    let applied = store.migrate().expect("first migration");
    let dirs = migration_dirs("sqlite");
    assert_eq!(applied.len(), dirs.len(), "applied {applied:?}");
    assert!(
        store.migrate().expect("second migration").is_empty(),
        "migrating again applies nothing"
    );
    let mut conn = store.conn().expect("conn");
    let mut recorded: Vec<String> = match &mut *conn {
        ratusz_store::Db::Sqlite(c) => {
            diesel::sql_query(format!("SELECT version AS name FROM {DIESEL_TABLE}")).load::<Name>(c)
        }
        ratusz_store::Db::Pg(c) => {
            diesel::sql_query(format!("SELECT version AS name FROM {DIESEL_TABLE}")).load::<Name>(c)
        }
    }
    .expect("migration table")
    .into_iter()
    .map(|n| n.name)
    .collect();
    recorded.sort();
    let expected =
        embedded_versions::<diesel::sqlite::Sqlite>(&ratusz_store::db::SQLITE_MIGRATIONS);
    assert_eq!(recorded, expected);
});

#[derive(QueryableByName)]
struct JournalMode {
    #[diesel(sql_type = Text)]
    journal_mode: String,
}

#[derive(QueryableByName)]
struct ForeignKeys {
    #[diesel(sql_type = BigInt)]
    foreign_keys: i64,
}

#[derive(QueryableByName)]
struct Synchronous {
    #[diesel(sql_type = BigInt)]
    synchronous: i64,
}

#[derive(QueryableByName)]
struct BusyTimeout {
    #[diesel(sql_type = BigInt)]
    timeout: i64,
}

#[test]
fn sqlite_pragmas_make_commits_durable_on_every_pooled_connection() {
    let db = TestDb::new(Engine::Sqlite);
    let store = db.store();
    // Hold several connections at once so that more than one pooled connection is checked.
    let mut held = Vec::new();
    for _ in 0..3 {
        held.push(store.conn().expect("conn"));
    }
    for conn in &mut held {
        let ratusz_store::Db::Sqlite(c) = &mut **conn else {
            panic!("a SQLite store gave a PostgreSQL connection");
        };
        let jm: JournalMode = diesel::sql_query("PRAGMA journal_mode")
            .get_result(c)
            .expect("journal_mode");
        assert_eq!(jm.journal_mode.to_ascii_lowercase(), "wal");
        let fk: ForeignKeys = diesel::sql_query("PRAGMA foreign_keys")
            .get_result(c)
            .expect("foreign_keys");
        assert_eq!(fk.foreign_keys, 1, "foreign keys enforced");
        let sync: Synchronous = diesel::sql_query("PRAGMA synchronous")
            .get_result(c)
            .expect("synchronous");
        assert_eq!(sync.synchronous, 2, "synchronous = FULL");
        let bt: BusyTimeout = diesel::sql_query("PRAGMA busy_timeout")
            .get_result(c)
            .expect("busy_timeout");
        assert!(bt.timeout > 0, "busy_timeout = {}", bt.timeout);
    }
}

#[test]
fn sqlite_enforces_foreign_keys_through_the_store() {
    let db = TestDb::new(Engine::Sqlite);
    let store = db.store();
    let mut conn = store.conn().expect("conn");
    let ratusz_store::Db::Sqlite(c) = &mut *conn else {
        panic!("a SQLite store gave a PostgreSQL connection");
    };
    let res = diesel::sql_query(
        "INSERT INTO units (id, tenant_id, symbol, name, parent_id, created_at) \
         VALUES ('u1', 'no-such-tenant', 'X', 'Nothing', NULL, 0)",
    )
    .execute(c);
    assert!(
        res.is_err(),
        "a unit of a tenant that does not exist was accepted"
    );
}
