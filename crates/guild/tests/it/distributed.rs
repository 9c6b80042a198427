//! The plan for running Guild on Citus (docs/distribution.toml, explained in
//! docs/DISTRIBUTED.md), checked against the real schema of a freshly migrated PostgreSQL store.
//!
//! Citus is not installed here, so nothing is sharded; what can be checked without it is whether
//! the schema is one Citus would accept under the plan: every table classified, every primary
//! key, unique constraint and unique index on a distributed table holding its distribution
//! column, every foreign key colocated or pointing at a reference table — each misfit either
//! absent or on the plan's to-do list (and nothing on the list that no longer is one). The hot
//! queries are planned by PostgreSQL itself (a generic plan, so parameters stay `$n`): a query
//! stays on one shard when every distributed table it scans is filtered by equality on its
//! distribution column, with one parameter, in one colocation group — the same rule Citus's
//! router planner applies. PostgreSQL only: on SQLite there is nothing to distribute.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use serde::Deserialize;
use serde_json::Value;

use crate::harness::{Backend, TestStore};

crate::on_postgres!(
    the_schema_fits_the_distribution_plan,
    hot_queries_reach_the_shards_the_plan_says,
    a_schema_or_query_outside_the_plan_is_caught,
);

fn the_schema_fits_the_distribution_plan(backend: Backend) {
    let mut db = migrated(&backend);
    let plan = plan();
    let mut problems = check_schema(&plan, &Schema::read(&mut db));
    problems.extend(check_doc(&plan, &read_repo("docs/DISTRIBUTED.md")));
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

fn hot_queries_reach_the_shards_the_plan_says(backend: Backend) {
    let mut db = migrated(&backend);
    let plan = plan();
    assert!(plan.query.len() >= 20, "the plan names the hot queries");
    let problems = check_queries(&plan, &mut db);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The checks refuse what they exist to refuse: a new table nobody classified, a constraint
/// that breaks the plan, a to-do that is no longer one, a query that reaches other shards than
/// the plan says.
fn a_schema_or_query_outside_the_plan_is_caught(backend: Backend) {
    let mut db = migrated(&backend);
    let schema = Schema::read(&mut db);

    let mut stale = plan();
    stale.todo.push(Todo {
        items: vec!["worker_skills_pkey".to_owned()],
        change: "nothing".to_owned(),
    });
    let problems = check_schema(&stale, &schema);
    assert!(
        problems.iter().any(|p| p.contains("worker_skills_pkey")),
        "a to-do that is not a misfit is refused: {problems:?}"
    );

    let mut forgotten = plan();
    let dropped = forgotten.todo.remove(0);
    let problems = check_schema(&forgotten, &schema);
    for item in &dropped.items {
        assert!(
            problems.iter().any(|p| p.contains(item.as_str())),
            "a misfit left off the to-do ({item}) is refused: {problems:?}"
        );
    }

    db.batch_execute(
        "CREATE TABLE gigs (id BIGSERIAL PRIMARY KEY, worker_id BIGINT NOT NULL REFERENCES workers (id))",
    )
    .unwrap();
    let schema = Schema::read(&mut db);
    let problems = check_schema(&plan(), &schema);
    assert!(
        problems
            .iter()
            .any(|p| p.contains("gigs") && p.contains("not classified")),
        "an unclassified table is refused: {problems:?}"
    );
    let mut with_gigs = plan();
    with_gigs.tables.insert(
        "gigs".to_owned(),
        TablePlan {
            class: Class::Distributed,
            key: Some("worker_id".to_owned()),
            group: Some("workers".to_owned()),
            why: "a test".to_owned(),
        },
    );
    let problems = check_schema(&with_gigs, &schema);
    assert!(
        problems.iter().any(|p| p.contains("gigs_pkey")),
        "a primary key without the distribution column is refused: {problems:?}"
    );
    with_gigs.tables.get_mut("gigs").unwrap().key = Some("id".to_owned());
    with_gigs.tables.get_mut("gigs").unwrap().group = Some("gigs".to_owned());
    let problems = check_schema(&with_gigs, &schema);
    assert!(
        problems.iter().any(|p| p.contains("gigs_worker_id_fkey")),
        "a foreign key between groups is refused: {problems:?}"
    );

    let mut flipped = plan();
    for q in &mut flipped.query {
        q.expect = match q.expect {
            Expect::OneShard => Expect::FanOut,
            Expect::FanOut => Expect::OneShard,
            Expect::ReferenceOnly => Expect::OneShard,
        };
    }
    let n = flipped.query.len();
    let problems = check_queries(&flipped, &mut db);
    assert_eq!(
        problems.len(),
        n,
        "every wrong expectation is refused: {problems:?}"
    );

    let mut unkeyed = plan();
    let session = unkeyed
        .query
        .iter_mut()
        .find(|q| q.sql.contains("t.token_hash = $1"))
        .unwrap();
    session.sql = session
        .sql
        .replace("t.token_hash = $1", "t.token_hash LIKE $1");
    let problems = check_queries(&unkeyed, &mut db);
    assert!(
        problems.iter().any(|p| p.contains("is FanOut")),
        "a lookup that no longer filters on the key fans out: {problems:?}"
    );
}

// --- The plan ---

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Plan {
    tables: BTreeMap<String, TablePlan>,
    #[serde(default)]
    todo: Vec<Todo>,
    #[serde(default)]
    query: Vec<HotQuery>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TablePlan {
    class: Class,
    key: Option<String>,
    group: Option<String>,
    why: String,
}

#[derive(Deserialize, Clone, Copy, PartialEq, Eq, Debug)]
#[serde(rename_all = "snake_case")]
enum Class {
    Reference,
    Distributed,
    Local,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Todo {
    items: Vec<String>,
    change: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HotQuery {
    name: String,
    file: String,
    code: Vec<String>,
    sql: String,
    expect: Expect,
    #[allow(dead_code)]
    note: Option<String>,
}

#[derive(Deserialize, Clone, Copy, PartialEq, Eq, Debug)]
#[serde(rename_all = "snake_case")]
enum Expect {
    OneShard,
    FanOut,
    ReferenceOnly,
}

fn repo(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(path)
}

fn read_repo(path: &str) -> String {
    std::fs::read_to_string(repo(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn plan() -> Plan {
    toml::from_str(&read_repo("docs/distribution.toml")).expect("docs/distribution.toml")
}

/// A connection to a fresh, migrated PostgreSQL store (the plan is for PostgreSQL with Citus;
/// SQLite has no shards).
fn migrated(backend: &Backend) -> ::postgres::Client {
    let store = TestStore::new(backend);
    store.guild_ok(&["taxonomy", "stats", "--json"]);
    ::postgres::Client::connect(&store.url, ::postgres::NoTls).unwrap()
}

// --- The schema as PostgreSQL has it ---

struct Column {
    ty: String,
    not_null: bool,
}

enum Kind {
    Primary,
    Unique,
    /// A unique index that is not a constraint (e.g. a partial one).
    UniqueIndex,
    Foreign {
        table: String,
        columns: Vec<String>,
        on_delete: String,
    },
}

struct Constraint {
    name: String,
    table: String,
    kind: Kind,
    columns: Vec<String>,
}

struct Schema {
    columns: BTreeMap<String, BTreeMap<String, Column>>,
    constraints: Vec<Constraint>,
}

impl Schema {
    fn read(db: &mut ::postgres::Client) -> Schema {
        let mut columns: BTreeMap<String, BTreeMap<String, Column>> = BTreeMap::new();
        for r in db
            .query(
                "SELECT c.relname::text FROM pg_class c \
                 WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p')",
                &[],
            )
            .unwrap()
        {
            columns.insert(r.get(0), BTreeMap::new());
        }
        for r in db
            .query(
                "SELECT c.relname::text, a.attname::text, format_type(a.atttypid, a.atttypmod), a.attnotnull \
                 FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid \
                 WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p') \
                 AND a.attnum > 0 AND NOT a.attisdropped",
                &[],
            )
            .unwrap()
        {
            let table: String = r.get(0);
            columns.entry(table).or_default().insert(
                r.get(1),
                Column {
                    ty: r.get(2),
                    not_null: r.get(3),
                },
            );
        }
        let mut constraints = Vec::new();
        for r in db
            .query(
                "SELECT con.conname::text, c.relname::text, con.contype::text, \
                 ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(n, i) \
                       JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n ORDER BY k.i), \
                 COALESCE(r.relname::text, ''), \
                 ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(n, i) \
                       JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n ORDER BY k.i), \
                 con.confdeltype::text \
                 FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid \
                 LEFT JOIN pg_class r ON r.oid = con.confrelid \
                 WHERE c.relnamespace = current_schema()::regnamespace AND con.contype IN ('p', 'u', 'f')",
                &[],
            )
            .unwrap()
        {
            let contype: String = r.get(2);
            let kind = match contype.as_str() {
                "p" => Kind::Primary,
                "u" => Kind::Unique,
                _ => Kind::Foreign {
                    table: r.get(4),
                    columns: r.get(5),
                    on_delete: r.get(6),
                },
            };
            constraints.push(Constraint {
                name: r.get(0),
                table: r.get(1),
                kind,
                columns: r.get(3),
            });
        }
        for r in db
            .query(
                "SELECT i.relname::text, c.relname::text, \
                 ARRAY(SELECT a.attname::text FROM unnest(x.indkey::int2[]) WITH ORDINALITY k(n, o) \
                       JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.n ORDER BY k.o) \
                 FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class c ON c.oid = x.indrelid \
                 WHERE c.relnamespace = current_schema()::regnamespace AND x.indisunique \
                 AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = x.indexrelid)",
                &[],
            )
            .unwrap()
        {
            constraints.push(Constraint {
                name: r.get(0),
                table: r.get(1),
                kind: Kind::UniqueIndex,
                columns: r.get(2),
            });
        }
        Schema {
            columns,
            constraints,
        }
    }
}

// --- The checks ---

/// Everything wrong with `plan` against `schema`; empty when they agree.
fn check_schema(plan: &Plan, schema: &Schema) -> Vec<String> {
    let mut problems = Vec::new();
    for table in schema.columns.keys() {
        if !plan.tables.contains_key(table) {
            problems.push(format!(
                "table {table} is not classified in docs/distribution.toml (reference, distributed or local)"
            ));
        }
    }
    for (table, t) in &plan.tables {
        if !schema.columns.contains_key(table) {
            problems.push(format!(
                "the plan classifies {table}, which the schema does not have"
            ));
        }
        if t.why.trim().is_empty() {
            problems.push(format!("{table}: the plan must say why"));
        }
        let keyed = t.key.is_some() && t.group.is_some();
        match t.class {
            Class::Distributed if !keyed => problems.push(format!(
                "{table}: a distributed table needs a key and a group"
            )),
            Class::Reference | Class::Local if t.key.is_some() || t.group.is_some() => problems
                .push(format!(
                    "{table}: only distributed tables have a key and a group"
                )),
            _ => {}
        }
    }

    // Misfits: what Citus would refuse under the plan, by item (constraint, index or TABLE.COLUMN).
    let mut misfits: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut misfit =
        |item: &str, why: String| misfits.entry(item.to_owned()).or_default().push(why);
    let mut group_types: BTreeMap<&str, (&str, &str)> = BTreeMap::new();
    for (table, t) in &plan.tables {
        let (Class::Distributed, Some(key), Some(group)) = (t.class, &t.key, &t.group) else {
            continue;
        };
        let Some(columns) = schema.columns.get(table) else {
            continue;
        };
        match columns.get(key) {
            None => misfit(
                &format!("{table}.{key}"),
                format!("distribution column {table}.{key} does not exist"),
            ),
            Some(c) => {
                if !c.not_null {
                    misfit(
                        &format!("{table}.{key}"),
                        format!(
                            "distribution column {table}.{key} may be NULL (Citus refuses NULL keys)"
                        ),
                    );
                }
                match group_types.get(group.as_str()) {
                    Some((other, ty)) if *ty != c.ty => misfit(
                        &format!("{table}.{key}"),
                        format!(
                            "{table}.{key} is {} but group {group} is keyed by {ty} ({other})",
                            c.ty
                        ),
                    ),
                    Some(_) => {}
                    None => {
                        group_types.insert(group, (table, &c.ty));
                    }
                }
            }
        }
    }
    for c in &schema.constraints {
        let Some(t) = plan.tables.get(&c.table) else {
            continue;
        };
        match &c.kind {
            Kind::Primary | Kind::Unique | Kind::UniqueIndex => {
                if let (Class::Distributed, Some(key)) = (t.class, &t.key)
                    && !c.columns.contains(key)
                {
                    misfit(
                        &c.name,
                        format!(
                            "{} ({}) on {} does not include its distribution column {key}",
                            c.name,
                            c.columns.join(", "),
                            c.table
                        ),
                    );
                }
            }
            Kind::Foreign {
                table: parent,
                columns: parent_columns,
                on_delete,
            } => {
                let Some(p) = plan.tables.get(parent) else {
                    continue;
                };
                let refused = match (t.class, p.class) {
                    (Class::Distributed, Class::Reference)
                    | (Class::Reference, Class::Reference)
                    | (Class::Local, Class::Reference)
                    | (Class::Local, Class::Local) => None,
                    (Class::Distributed, Class::Distributed) => {
                        let colocated = t.group == p.group
                            && c.columns.iter().zip(parent_columns).any(|(child, parent)| {
                                Some(child) == t.key.as_ref() && Some(parent) == p.key.as_ref()
                            });
                        let nulls_key = matches!(on_delete.as_str(), "n" | "d")
                            && t.key.as_ref().is_some_and(|k| c.columns.contains(k));
                        if !colocated {
                            Some(format!(
                                "{}: {}({}) -> {parent}({}) is not colocated ({} in group {}, {parent} in group {})",
                                c.name,
                                c.table,
                                c.columns.join(", "),
                                parent_columns.join(", "),
                                c.table,
                                t.group.as_deref().unwrap_or("?"),
                                p.group.as_deref().unwrap_or("?"),
                            ))
                        } else if nulls_key {
                            Some(format!(
                                "{}: ON DELETE SET NULL/DEFAULT on the distribution column",
                                c.name
                            ))
                        } else {
                            None
                        }
                    }
                    (child, parent_class) => Some(format!(
                        "{}: a foreign key from a {child:?} table ({}) to a {parent_class:?} table ({parent})",
                        c.name, c.table
                    )),
                };
                if let Some(why) = refused {
                    misfit(&c.name, why);
                }
            }
        }
    }

    let mut listed = BTreeSet::new();
    for todo in &plan.todo {
        if todo.change.trim().is_empty() || todo.items.is_empty() {
            problems.push(format!("to-do {:?} needs items and a change", todo.items));
        }
        for item in &todo.items {
            if !listed.insert(item.as_str()) {
                problems.push(format!("{item} is listed twice in the to-do"));
            }
        }
    }
    for (item, whys) in &misfits {
        if !listed.contains(item.as_str()) {
            problems.push(format!(
                "{item} breaks the distribution plan and is not on its to-do: {}",
                whys.join("; ")
            ));
        }
    }
    for item in listed {
        if !misfits.contains_key(item) {
            problems.push(format!(
                "{item} is on the to-do but no longer breaks the plan: remove it (or it does not exist)"
            ));
        }
    }
    problems
}

/// The per-table summary in DISTRIBUTED.md says what the plan file says.
fn check_doc(plan: &Plan, doc: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let mut seen = BTreeSet::new();
    for line in doc.lines().filter(|l| l.starts_with("| `")) {
        let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
        let table = cells[0].trim_matches('`');
        let Some(t) = plan.tables.get(table) else {
            problems.push(format!(
                "DISTRIBUTED.md lists {table}, which the plan does not"
            ));
            continue;
        };
        seen.insert(table.to_owned());
        let class = format!("{:?}", t.class).to_lowercase();
        let key = t
            .key
            .as_deref()
            .map(|k| format!("`{k}`"))
            .unwrap_or_default();
        let group = t.group.as_deref().unwrap_or("");
        if cells.get(1..4) != Some(&[class.as_str(), key.as_str(), group][..]) {
            problems.push(format!(
                "DISTRIBUTED.md says {table} is {:?}; the plan says [{class}, {key}, {group}]",
                cells.get(1..4)
            ));
        }
    }
    for table in plan.tables.keys() {
        if !seen.contains(table) {
            problems.push(format!("DISTRIBUTED.md's table summary leaves out {table}"));
        }
    }
    problems
}

/// Everything wrong with the plan's hot queries; empty when each matches the code and reaches
/// the shards the plan says.
fn check_queries(plan: &Plan, db: &mut ::postgres::Client) -> Vec<String> {
    let mut problems = Vec::new();
    db.batch_execute("SET plan_cache_mode = force_generic_plan")
        .unwrap();
    for q in &plan.query {
        let source = joined_literals(&read_repo(&q.file));
        for fragment in &q.code {
            if !source.contains(fragment.as_str()) {
                problems.push(format!(
                    "{}: {} no longer contains {fragment:?}: update the plan",
                    q.name, q.file
                ));
            }
        }
        let sql = expand_consts(&q.sql, &source);
        let reached = match reach(plan, db, &sql) {
            Ok(r) => r,
            Err(e) => {
                problems.push(format!("{}: {e}", q.name));
                continue;
            }
        };
        if reached != q.expect {
            problems.push(format!(
                "{}: the plan says {:?}, PostgreSQL's plan is {:?} ({sql})",
                q.name, q.expect, reached
            ));
        }
    }
    problems
}

/// Where Citus would send `sql`, judged from PostgreSQL's generic plan for it.
fn reach(plan: &Plan, db: &mut ::postgres::Client, sql: &str) -> Result<Expect, String> {
    db.batch_execute(&format!("PREPARE hot AS {sql}"))
        .map_err(|e| format!("does not prepare: {e}"))?;
    let params: i32 = db
        .query_one(
            "SELECT cardinality(parameter_types) FROM pg_prepared_statements WHERE name = 'hot'",
            &[],
        )
        .unwrap()
        .get(0);
    let nulls = vec!["NULL"; params as usize].join(", ");
    let args = if nulls.is_empty() {
        String::new()
    } else {
        format!("({nulls})")
    };
    let explained = db
        .simple_query(&format!("EXPLAIN (VERBOSE, FORMAT JSON) EXECUTE hot{args}"))
        .map_err(|e| format!("does not explain: {e}"));
    db.batch_execute("DEALLOCATE hot").unwrap();
    let json = explained?
        .into_iter()
        .find_map(|m| match m {
            ::postgres::SimpleQueryMessage::Row(r) => r.get(0).map(str::to_owned),
            _ => None,
        })
        .ok_or("EXPLAIN returned no plan")?;
    let tree: Value = serde_json::from_str(&json).unwrap();
    let mut scans = Vec::new();
    scans_in(&tree[0]["Plan"], &mut scans);

    // (group, parameters equal to the key) of every distributed table scanned.
    let mut distributed = Vec::new();
    for (table, conditions) in &scans {
        let t = plan
            .tables
            .get(table)
            .ok_or_else(|| format!("scans {table}, which the plan does not classify"))?;
        if let (Class::Distributed, Some(key), Some(group)) = (t.class, &t.key, &t.group) {
            let params: BTreeSet<u32> = conditions
                .iter()
                .flat_map(|c| conjuncts(c))
                .filter_map(|c| key_equals_param(c, key))
                .collect();
            distributed.push((group.as_str(), params));
        }
    }
    if distributed.is_empty() {
        return Ok(Expect::ReferenceOnly);
    }
    let groups: BTreeSet<&str> = distributed.iter().map(|(g, _)| *g).collect();
    let mut common = distributed[0].1.clone();
    for (_, params) in &distributed[1..] {
        common = common.intersection(params).copied().collect();
    }
    Ok(if groups.len() == 1 && !common.is_empty() {
        Expect::OneShard
    } else {
        Expect::FanOut
    })
}

/// Each relation scanned in a plan node tree, with the conditions applied to it there.
fn scans_in(node: &Value, out: &mut Vec<(String, Vec<String>)>) {
    if let Some(table) = node["Relation Name"].as_str()
        && node["Node Type"] != "ModifyTable"
    {
        let conditions = ["Index Cond", "Recheck Cond", "Filter", "TID Cond"]
            .iter()
            .filter_map(|k| node[*k].as_str().map(str::to_owned))
            .collect();
        out.push((table.to_owned(), conditions));
    }
    for child in node["Plans"].as_array().into_iter().flatten() {
        scans_in(child, out);
    }
}

/// `s` without the parentheses that enclose all of it.
fn unwrap_parens(mut s: &str) -> &str {
    loop {
        s = s.trim();
        if !(s.starts_with('(') && s.ends_with(')')) {
            return s;
        }
        // Only if the first parenthesis closes at the very end.
        let mut depth = 0;
        let mut in_string = false;
        for (i, ch) in s.char_indices() {
            match ch {
                '\'' => in_string = !in_string,
                '(' if !in_string => depth += 1,
                ')' if !in_string => {
                    depth -= 1;
                    if depth == 0 && i != s.len() - 1 {
                        return s;
                    }
                }
                _ => {}
            }
        }
        s = &s[1..s.len() - 1];
    }
}

/// The top-level `AND` terms of a condition (a term inside an `OR` is not one).
fn conjuncts(condition: &str) -> Vec<&str> {
    let s = unwrap_parens(condition);
    let mut out = Vec::new();
    let (mut depth, mut in_string, mut start) = (0, false, 0);
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\'' => in_string = !in_string,
            b'(' if !in_string => depth += 1,
            b')' if !in_string => depth -= 1,
            _ if depth == 0 && !in_string && s[i..].starts_with(" AND ") => {
                out.push(unwrap_parens(&s[start..i]));
                start = i + 5;
                i += 4;
            }
            _ => {}
        }
        i += 1;
    }
    out.push(unwrap_parens(&s[start..]));
    out
}

/// `n` when `term` is `key = $n` (the column qualified or not, either side).
fn key_equals_param(term: &str, key: &str) -> Option<u32> {
    let (left, right) = term.split_once(" = ")?;
    let is_key = |s: &str| {
        let s = s.trim();
        s == key || s.rsplit_once('.').is_some_and(|(_, c)| c == key)
    };
    let param = |s: &str| s.trim().strip_prefix('$')?.parse::<u32>().ok();
    if is_key(left) {
        param(right)
    } else if is_key(right) {
        param(left)
    } else {
        None
    }
}

/// Rust source with string continuations (`\` at a line's end) joined, as the string's value is.
fn joined_literals(source: &str) -> String {
    let mut out = String::with_capacity(source.len());
    let mut chars = source.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' && chars.peek() == Some(&'\n') {
            while chars.peek().is_some_and(|c| c.is_whitespace()) {
                chars.next();
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// `sql` with each `{NAME}` replaced by the string constant `NAME` of the source file.
fn expand_consts(sql: &str, source: &str) -> String {
    let mut out = sql.to_owned();
    while let Some(start) = out.find('{') {
        let end = start + out[start..].find('}').expect("a closed {CONST}");
        let name = &out[start + 1..end];
        let decl = format!("const {name}: &str =");
        let at = source
            .find(&decl)
            .unwrap_or_else(|| panic!("no `{decl}` in the source file"));
        let rest = source[at + decl.len()..].trim_start();
        let body = rest.strip_prefix('"').expect("a string constant");
        let value = &body[..body.find('"').expect("a closed string constant")];
        out = format!("{}{value}{}", &out[..start], &out[end + 1..]);
    }
    out
}
