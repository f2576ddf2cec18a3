//! The `GET /users` query (users.md §2), shaped for a million accounts (BENCHMARKS.md):
//! boolean filters are literal fragments so the partial indexes of migration 0003 apply, pages are
//! picked from the covering order index before whole rows are read, substring search of 3+ plain
//! characters goes through the trigram index of the backend, tag filters read `account_tags` alone
//! in list order (migration 0014), and counts without text filters or tags come from the
//! trigger-maintained `account_counts`.

use super::accounts::{self, Account};
use super::{like_escape, Backend, Db, RowExt};
use crate::error::AppError;

/// The filters of a user list; every field is already validated.
#[derive(Debug, Default, Clone)]
pub struct AccountFilter {
    pub query: Option<String>,
    pub name: Option<String>,
    pub email: Option<String>,
    pub tags: Vec<String>,
    pub actor_types: Vec<String>,
    /// Known filter names only (`local`, `external`, `active`, `deactivated`, `need_approval`,
    /// `unconfirmed`, `is_admin`, `is_moderator`).
    pub flags: Vec<String>,
}

/// A bound value.
#[derive(Debug, Clone)]
enum Arg {
    Text(String),
    Int(i64),
}

/// The fixed SQL fragment of a flag filter (columns exist in `accounts` and `account_counts`).
fn flag_fragment(name: &str) -> Option<&'static str> {
    Some(match name {
        "local" => "local",
        "external" => "NOT local",
        "active" => "NOT deactivated AND NOT approval_pending",
        "deactivated" => "deactivated",
        "need_approval" => "approval_pending",
        "unconfirmed" => "confirmation_pending",
        "is_admin" => "is_admin",
        "is_moderator" => "is_moderator",
        _ => return None,
    })
}

/// Whether a search term can use the trigram index: 3+ characters (trigrams need three).
fn trigram_ready(term: &str) -> bool {
    term.chars().count() >= 3
}

/// An FTS5 query matching `term` as a substring of `column`: with the trigram tokenizer a quoted
/// phrase matches exactly the rows containing it, answered from the index alone (no recheck of
/// the rows, unlike FTS5's `LIKE`). Inside the quotes everything is literal but `"`, doubled.
fn fts_phrase(column: &str, term: &str) -> String {
    format!("{{{column}}} : \"{}\"", term.replace('"', "\"\""))
}

/// How a page resolves a selective filter (a 3+ character search term; on PostgreSQL also tags).
#[derive(Debug, Clone, Copy, PartialEq)]
enum TextPath {
    /// Every match from the trigram (or tag) index, then sorted (best when few rows match).
    /// PostgreSQL gets this through a materialized CTE: left to itself its planner assumes
    /// matches spread evenly over nickname order and walks the order index, which for a
    /// name-like term (`kath…`, matches clustered late in the alphabet) passes 600,000 entries
    /// before its page fills, and for a display-name term reads the table row by row (seconds).
    Match,
    /// `LIKE` on the covering order index while walking it in list order (best when many rows
    /// match: a page fills after a short walk, and no matching row has to be sorted).
    Walk,
}

/// Above this many matches a search walks the order index instead of sorting every match
/// (SQLite: trigram matches of the nickname term; PostgreSQL: matches of the whole filter). Matches of a name-like term cluster in nickname order (`kath…`), so a
/// walk may pass most of the index before its page fills: it only pays for terms matching many
/// rows, which spread over the whole order (BENCHMARKS.md).
const WALK_ABOVE: i64 = 20_000;

/// The single text term of a search (query or name alone), for the index-only count.
struct Search {
    column: &'static str,
    term: String,
}

struct Where {
    sql: String,
    args: Vec<Arg>,
    /// Only flags and actor types: the count can come from `account_counts`.
    counts_table_ok: bool,
    /// The filter is exactly one 3+ character text term (SQLite): counted from the trigram index.
    search: Option<Search>,
    /// The filter uses the order index walk for its text terms.
    walks: bool,
    /// The filter is tags with flags and actor types at most: `sql` is over `account_tags`
    /// (migration 0014 copies those columns there), and this is the number of tags.
    on_tags: Option<usize>,
}

/// Whether a filter is answered from `account_tags` alone: tags, with flags and actor types at
/// most (columns copied there by migration 0014), so pages walk its list-order index.
fn tag_path(f: &AccountFilter) -> bool {
    !f.tags.is_empty() && f.query.is_none() && f.name.is_none() && f.email.is_none()
}

fn build(backend: Backend, f: &AccountFilter) -> Where {
    build_with(backend, f, TextPath::Match)
}

fn build_with(backend: Backend, f: &AccountFilter, path: TextPath) -> Where {
    let mut parts: Vec<String> = vec!["NOT internal".into()];
    let mut args: Vec<Arg> = Vec::new();
    let next = |args: &mut Vec<Arg>, value: Arg| {
        args.push(value);
        format!("${}", args.len())
    };
    for name in &f.flags {
        if let Some(fragment) = flag_fragment(name) {
            parts.push(fragment.to_string());
        }
    }
    if !f.actor_types.is_empty() {
        let slots: Vec<String> = f
            .actor_types
            .iter()
            .map(|t| next(&mut args, Arg::Text(t.clone())))
            .collect();
        parts.push(format!("actor_type IN ({})", slots.join(", ")));
    }
    let counts_table_ok =
        f.query.is_none() && f.name.is_none() && f.email.is_none() && f.tags.is_empty();
    let terms: Vec<(&String, &'static str)> = [
        (&f.query, "nickname_lower"),
        (&f.name, "display_name_lower"),
    ]
    .into_iter()
    .filter_map(|(term, column)| term.as_ref().map(|t| (t, column)))
    .collect();
    let mut search = None;
    let mut walks = false;
    let alone = terms.len() == 1
        && f.flags.iter().all(|n| flag_fragment(n).is_none())
        && f.actor_types.is_empty()
        && f.email.is_none()
        && f.tags.is_empty();
    for (term, column) in terms {
        let lower = term.to_lowercase();
        // Display names are not in the covering order index: a walk would read every row.
        let walk = path == TextPath::Walk && column == "nickname_lower";
        if backend == Backend::Sqlite && trigram_ready(&lower) && !walk {
            if alone {
                search = Some(Search {
                    column,
                    term: lower.clone(),
                });
            }
            let slot = next(&mut args, Arg::Text(fts_phrase(column, &lower)));
            parts.push(format!(
                "seq IN (SELECT rowid FROM accounts_search WHERE accounts_search MATCH {slot})"
            ));
        } else {
            walks |= backend == Backend::Sqlite && path == TextPath::Walk;
            let slot = next(&mut args, Arg::Text(format!("%{}%", like_escape(&lower))));
            parts.push(format!("{column} LIKE {slot} ESCAPE '\\'"));
        }
    }
    if let Some(email) = &f.email {
        let slot = next(&mut args, Arg::Text(email.to_lowercase()));
        parts.push(format!("email_lower = {slot}"));
    }
    let mut on_tags = None;
    if !f.tags.is_empty() {
        let slots: Vec<String> = f
            .tags
            .iter()
            .map(|t| next(&mut args, Arg::Text(t.clone())))
            .collect();
        let slots = slots.join(", ");
        if tag_path(f) {
            // The other parts name columns account_tags has too.
            parts.push(format!("tag IN ({slots})"));
            on_tags = Some(f.tags.len());
        } else {
            parts.push(format!(
                "id IN (SELECT account_id FROM account_tags WHERE tag IN ({slots}))"
            ));
        }
    }
    Where {
        sql: parts.join(" AND "),
        args,
        counts_table_ok,
        search,
        walks,
        on_tags,
    }
}

type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>;

fn bind_all<'q>(mut query: AnyQuery<'q>, args: &[Arg]) -> AnyQuery<'q> {
    for arg in args {
        query = match arg {
            Arg::Text(t) => query.bind(t.clone()),
            Arg::Int(i) => query.bind(*i),
        };
    }
    query
}

/// The count query of a built filter.
fn count_sql(w: &mut Where) -> String {
    if let Some(search) = &w.search {
        // Index-only: trigram matches, less the few internal accounts among them (their own
        // partial index, migration 0007).
        w.args
            .push(Arg::Text(format!("%{}%", like_escape(&search.term))));
        let slot = w.args.len();
        return format!(
            "SELECT (SELECT COUNT(*) FROM accounts_search WHERE accounts_search MATCH $1)
                  - (SELECT COUNT(*) FROM accounts INDEXED BY accounts_internal
                     WHERE internal AND {column} LIKE ${slot} ESCAPE '\\') AS n",
            column = search.column
        );
    }
    if let Some(tags) = w.on_tags {
        // Index-only (account_tags_order); an account carries a tag once, so one tag needs no
        // DISTINCT.
        let what = if tags == 1 {
            "COUNT(*)"
        } else {
            "COUNT(DISTINCT account_id)"
        };
        return format!("SELECT {what} AS n FROM account_tags WHERE {}", w.sql);
    }
    if w.counts_table_ok {
        format!(
            "SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) AS n FROM account_counts WHERE {}",
            w.sql
        )
    } else {
        format!("SELECT COUNT(*) AS n FROM accounts WHERE {}", w.sql)
    }
}

/// How many accounts match `filter`.
pub async fn count(db: &Db, filter: &AccountFilter) -> Result<i64, AppError> {
    let mut w = build(db.backend, filter);
    let sql = count_sql(&mut w);
    let row = bind_all(sqlx::query(sqlx::AssertSqlSafe(sql)), &w.args)
        .fetch_one(&db.pool)
        .await?;
    Ok(row.int("n")?)
}

/// The page query of a built filter; appends the limit and offset to its arguments.
fn page_sql(backend: Backend, w: &mut Where, path: TextPath, limit: i64, offset: i64) -> String {
    w.args.push(Arg::Int(limit));
    let limit_slot = w.args.len();
    w.args.push(Arg::Int(offset));
    let offset_slot = w.args.len();
    if let Some(tags) = w.on_tags {
        // One tag: account_tags_order is walked in list order and the walk stops when the page is
        // full. Several: their entries are merged (sorted, index-only), each account once.
        let group = if tags == 1 {
            ""
        } else {
            " GROUP BY nickname_lower, nickname, account_id"
        };
        return format!(
            "SELECT {cols} FROM accounts WHERE id IN (
               SELECT account_id FROM account_tags WHERE {filter}{group}
               ORDER BY nickname_lower, nickname, account_id LIMIT ${limit_slot} OFFSET ${offset_slot})
             ORDER BY nickname_lower, nickname, id",
            cols = accounts::columns(backend),
            filter = w.sql,
        );
    }
    if backend == Backend::Postgres && path == TextPath::Match {
        // MATERIALIZED fences the planner: the matches come from the trigram or tag index.
        return format!(
            "WITH m AS MATERIALIZED (SELECT id, nickname_lower, nickname FROM accounts WHERE {filter})
             SELECT {cols} FROM accounts WHERE id IN (
               SELECT id FROM m ORDER BY nickname_lower, nickname, id LIMIT ${limit_slot} OFFSET ${offset_slot})
             ORDER BY nickname_lower, nickname, id",
            cols = accounts::columns(backend),
            filter = w.sql,
        );
    }
    // The inner query walks only the (covering) order index; whole rows are read for the page alone.
    format!(
        "SELECT {cols} FROM accounts WHERE id IN (
           SELECT id FROM accounts{hint} WHERE {filter} ORDER BY nickname_lower, nickname, id LIMIT ${limit_slot} OFFSET ${offset_slot})
         ORDER BY nickname_lower, nickname, id",
        cols = accounts::columns(backend),
        filter = w.sql,
        hint = if w.walks { " INDEXED BY accounts_order" } else { "" },
    )
}

/// One page of matching accounts in list order (lowercase nickname, nickname bytes, id).
/// `matches` is the filter's [`count`] when the caller has it (PostgreSQL picks its path by it).
pub async fn page(
    db: &Db,
    filter: &AccountFilter,
    limit: i64,
    offset: i64,
    matches: Option<i64>,
) -> Result<Vec<Account>, AppError> {
    let path = page_path(db, filter, matches).await?;
    let mut w = build_with(db.backend, filter, path);
    let sql = page_sql(db.backend, &mut w, path, limit, offset);
    let rows = bind_all(sqlx::query(sqlx::AssertSqlSafe(sql)), &w.args)
        .fetch_all(&db.pool)
        .await?;
    Ok(rows
        .iter()
        .map(accounts::from_row)
        .collect::<Result<Vec<_>, _>>()?)
}

/// The matches of `filter` and one page of them, as `GET /users` shows them.
///
/// When counting would evaluate the filter's text terms over every match anyway (PostgreSQL with a
/// trigram term or tags beside a text term: each match's heap row is visited; SQLite with a
/// trigram term beside other conditions: each match is looked up), the page query counts its
/// matches too (`COUNT(*) OVER ()`, [`counted_page_sql`]) and the matches are evaluated once. Else
/// the count is cheap (counters, an index-only count) and runs first.
pub async fn list(
    db: &Db,
    filter: &AccountFilter,
    limit: i64,
    offset: i64,
) -> Result<(i64, Vec<Account>), AppError> {
    if !counts_in_page(db, filter).await? {
        let total = count(db, filter).await?;
        return Ok((total, page(db, filter, limit, offset, Some(total)).await?));
    }
    let mut w = build(db.backend, filter);
    let sql = counted_page_sql(db.backend, &mut w, limit, offset);
    let rows = bind_all(sqlx::query(sqlx::AssertSqlSafe(sql)), &w.args)
        .fetch_all(&db.pool)
        .await?;
    let total = match rows.first() {
        Some(row) => row.int("total")?,
        // Past the last page (or nothing matches) no row carries the count.
        None if offset > 0 => count(db, filter).await?,
        None => 0,
    };
    let list = rows
        .iter()
        .map(accounts::from_row)
        .collect::<Result<Vec<_>, _>>()?;
    Ok((total, list))
}

/// Whether [`list`] takes the count from its page query (see there).
async fn counts_in_page(db: &Db, filter: &AccountFilter) -> Result<bool, AppError> {
    Ok(match db.backend {
        Backend::Postgres => {
            pg_selective(filter) && pg_estimate(db, filter).await? <= WALK_ABOVE as f64
        }
        Backend::Sqlite => {
            sqlite_text_term(filter)
                && build(db.backend, filter).search.is_none()
                && page_path(db, filter, None).await? == TextPath::Match
        }
    })
}

/// The planner's estimate of a PostgreSQL filter's matches (a planning pass, no execution).
/// Sorting every match pays below [`WALK_ABOVE`] (measured: `query=mastodon.social`, 7,586
/// matches, 71 → 44 ms p50) and costs above it (`query=son`, 42,603: 61 → 114 ms, where counting
/// and then walking the order index is cheaper); the exact count is not known before the matches
/// are read, and `pg_trgm`'s estimates were within 2× on the bench (BENCHMARKS.md). A wrong
/// estimate picks the slower way, never a wrong answer.
async fn pg_estimate(db: &Db, filter: &AccountFilter) -> Result<f64, AppError> {
    let w = build(db.backend, filter);
    let sql = format!("EXPLAIN SELECT 1 FROM accounts WHERE {}", w.sql);
    let row = bind_all(sqlx::query(sqlx::AssertSqlSafe(sql)), &w.args)
        .fetch_one(&db.pool)
        .await?;
    Ok(plan_rows(&row.text("QUERY PLAN")?).unwrap_or(f64::MAX))
}

/// The `rows=` estimate of a plan line, e.g. `Bitmap Heap Scan on accounts  (cost=… rows=10100 width=63)`.
fn plan_rows(line: &str) -> Option<f64> {
    let rest = &line[line.find(" rows=")? + 6..];
    rest.split(' ').next()?.parse().ok()
}

/// Whether a SQLite filter has a search term the trigram index answers (3+ characters).
fn sqlite_text_term(filter: &AccountFilter) -> bool {
    [&filter.query, &filter.name]
        .into_iter()
        .flatten()
        .any(|t| trigram_ready(&t.to_lowercase()))
}

/// A page of matches sorted from all of them (the [`TextPath::Match`] way), each row carrying the
/// number of matches as `total`.
fn counted_page_sql(backend: Backend, w: &mut Where, limit: i64, offset: i64) -> String {
    w.args.push(Arg::Int(limit));
    let limit_slot = w.args.len();
    w.args.push(Arg::Int(offset));
    let offset_slot = w.args.len();
    // PostgreSQL: MATERIALIZED fences the planner, as in page_sql.
    let matches = match backend {
        Backend::Postgres => format!(
            "WITH m AS MATERIALIZED (SELECT id, nickname_lower, nickname FROM accounts WHERE {}) ",
            w.sql
        ),
        Backend::Sqlite => String::new(),
    };
    let source = match backend {
        Backend::Postgres => "m".to_string(),
        Backend::Sqlite => format!("accounts WHERE {}", w.sql),
    };
    format!(
        "{matches}SELECT {cols}, p.total AS total FROM accounts JOIN (
           SELECT id AS page_id, COUNT(*) OVER () AS total FROM {source}
           ORDER BY nickname_lower, nickname, id LIMIT ${limit_slot} OFFSET ${offset_slot}) p
         ON p.page_id = accounts.id
         ORDER BY nickname_lower, nickname, id",
        cols = accounts::columns(backend),
    )
}

/// Whether a PostgreSQL filter has a condition an index answers in few rows: a trigram-ready
/// search term or tags beside a text term (then [`TextPath::Match`] pays when the whole filter
/// matches few rows). Tags without text terms walk their own list-order index instead.
fn pg_selective(filter: &AccountFilter) -> bool {
    let term = |t: &Option<String>| {
        t.as_deref()
            .is_some_and(|t| trigram_ready(&t.to_lowercase()))
    };
    term(&filter.query) || term(&filter.name) || (!filter.tags.is_empty() && !tag_path(filter))
}

/// Which way a page resolves its selective terms. SQLite: by the nickname term's trigram matches
/// (`matches` when the term is the whole filter, else an index-only count, 1–15 ms). PostgreSQL: by the matches of the whole filter, `matches` when
/// the caller counted them, else a count capped just above [`WALK_ABOVE`].
async fn page_path(
    db: &Db,
    filter: &AccountFilter,
    matches: Option<i64>,
) -> Result<TextPath, AppError> {
    if db.backend == Backend::Postgres {
        if !pg_selective(filter) {
            return Ok(TextPath::Walk);
        }
        let n = match matches {
            Some(n) => n,
            None => {
                let w = build(db.backend, filter);
                let sql = format!(
                    "SELECT COUNT(*) AS n FROM (SELECT 1 FROM accounts WHERE {} LIMIT {}) s",
                    w.sql,
                    WALK_ABOVE + 1
                );
                bind_all(sqlx::query(sqlx::AssertSqlSafe(sql)), &w.args)
                    .fetch_one(&db.pool)
                    .await?
                    .int("n")?
            }
        };
        return Ok(if n > WALK_ABOVE {
            TextPath::Walk
        } else {
            TextPath::Match
        });
    }
    let first = filter
        .query
        .as_ref()
        .map(|t| t.to_lowercase())
        .filter(|t| trigram_ready(t))
        .map(|t| fts_phrase("nickname_lower", &t));
    let Some(phrase) = first else {
        return Ok(TextPath::Match);
    };
    // A nickname term alone: the caller's count is the trigram matches less the few internal
    // accounts, so it decides the same way (up to those few) without evaluating the phrase again
    // (15 ms for a domain at 1M accounts).
    if let (Some(n), true) = (matches, build(db.backend, filter).search.is_some()) {
        return Ok(if n > WALK_ABOVE {
            TextPath::Walk
        } else {
            TextPath::Match
        });
    }
    let row = sqlx::query(
        "SELECT COUNT(*) AS n FROM (SELECT 1 FROM accounts_search WHERE accounts_search MATCH $1 LIMIT $2)",
    )
    .bind(phrase)
    .bind(WALK_ABOVE + 1)
    .fetch_one(&db.pool)
    .await?;
    Ok(if row.int("n")? > WALK_ABOVE {
        TextPath::Walk
    } else {
        TextPath::Match
    })
}

/// The plans the engine picks for the page and the count query of a list (`EXPLAIN QUERY PLAN` on
/// SQLite, `EXPLAIN` on PostgreSQL), one line per plan node, for the benchmark.
#[derive(Debug, Clone, Default)]
pub struct Plans {
    pub page: Vec<String>,
    pub count: Vec<String>,
}

/// Explains the queries [`list`] runs for `filter`, with the same arguments; `count` is empty when
/// the page query counts too.
pub async fn explain(
    db: &Db,
    filter: &AccountFilter,
    limit: i64,
    offset: i64,
) -> Result<Plans, AppError> {
    if counts_in_page(db, filter).await? {
        let mut w = build(db.backend, filter);
        let sql = counted_page_sql(db.backend, &mut w, limit, offset);
        let page = explain_one(db, &sql, &w.args).await?;
        return Ok(Plans {
            page,
            count: Vec::new(),
        });
    }
    let mut w = build(db.backend, filter);
    let sql = count_sql(&mut w);
    let count = explain_one(db, &sql, &w.args).await?;
    let path = page_path(db, filter, None).await?;
    let mut w = build_with(db.backend, filter, path);
    let sql = page_sql(db.backend, &mut w, path, limit, offset);
    let page = explain_one(db, &sql, &w.args).await?;
    Ok(Plans { page, count })
}

async fn explain_one(db: &Db, sql: &str, args: &[Arg]) -> Result<Vec<String>, AppError> {
    let prefix = match db.backend {
        Backend::Sqlite => "EXPLAIN QUERY PLAN",
        Backend::Postgres => "EXPLAIN",
    };
    let rows = bind_all(
        sqlx::query(sqlx::AssertSqlSafe(format!("{prefix} {sql}"))),
        args,
    )
    .fetch_all(&db.pool)
    .await?;
    match db.backend {
        Backend::Postgres => Ok(rows
            .iter()
            .map(|r| r.text("QUERY PLAN"))
            .collect::<Result<_, _>>()?),
        Backend::Sqlite => {
            // Rows are (id, parent, notused, detail) in tree order; indent by depth.
            let mut depth: Vec<(i64, usize)> = Vec::new();
            let mut out = Vec::with_capacity(rows.len());
            for row in &rows {
                let (id, parent) = (row.int("id")?, row.int("parent")?);
                let level = depth
                    .iter()
                    .find(|(node, _)| *node == parent)
                    .map_or(0, |(_, l)| l + 1);
                depth.push((id, level));
                out.push(format!("{}{}", "  ".repeat(level), row.text("detail")?));
            }
            Ok(out)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_or_wildcard_terms_skip_the_trigram_index() {
        assert!(trigram_ready("ali"));
        assert!(!trigram_ready("al"));
        assert!(trigram_ready("a_b"));
        assert_eq!(
            fts_phrase("nickname_lower", "a\"b"),
            "{nickname_lower} : \"a\"\"b\""
        );
        let f = AccountFilter {
            query: Some("AL".into()),
            flags: vec!["is_admin".into(), "bogus".into()],
            ..Default::default()
        };
        let w = build(Backend::Sqlite, &f);
        assert_eq!(
            w.sql,
            "NOT internal AND is_admin AND nickname_lower LIKE $1 ESCAPE '\\'"
        );
        assert!(!w.counts_table_ok);
        let f = AccountFilter {
            query: Some("alice".into()),
            ..Default::default()
        };
        assert!(build(Backend::Sqlite, &f)
            .sql
            .contains("accounts_search MATCH"));
        assert!(build(Backend::Sqlite, &f).search.is_some());
        assert!(!build(Backend::Postgres, &f).sql.contains("accounts_search"));
        let walk = build_with(Backend::Sqlite, &f, TextPath::Walk);
        assert!(walk.walks && walk.sql.contains("nickname_lower LIKE"));
        let f = AccountFilter {
            query: Some("alice".into()),
            flags: vec!["local".into()],
            ..Default::default()
        };
        assert!(build(Backend::Sqlite, &f).search.is_none());
    }

    #[test]
    fn postgres_sorts_few_matches_and_walks_many() {
        let tagged = AccountFilter {
            tags: vec!["mrf_tag:sandbox".into()],
            ..Default::default()
        };
        let short = AccountFilter {
            query: Some("al".into()),
            ..Default::default()
        };
        let name = AccountFilter {
            name: Some("Olivia".into()),
            ..Default::default()
        };
        assert!(!pg_selective(&tagged) && pg_selective(&name) && !pg_selective(&short));
        let mut w = build(Backend::Postgres, &name);
        let sorted = page_sql(Backend::Postgres, &mut w, TextPath::Match, 50, 0);
        assert!(sorted.starts_with("WITH m AS MATERIALIZED"));
        assert!(
            sorted.contains("display_name_lower LIKE $1") && sorted.contains("LIMIT $2 OFFSET $3")
        );
        let mut w = build(Backend::Postgres, &name);
        let walked = page_sql(Backend::Postgres, &mut w, TextPath::Walk, 50, 0);
        assert!(!walked.contains("MATERIALIZED"));
        let mut w = build(Backend::Sqlite, &name);
        assert!(!page_sql(Backend::Sqlite, &mut w, TextPath::Match, 50, 0).contains("MATERIALIZED"));
    }

    #[test]
    fn counted_pages_count_every_match_once() {
        let f = AccountFilter {
            query: Some("kath".into()),
            flags: vec!["local".into()],
            ..Default::default()
        };
        assert!(sqlite_text_term(&f) && pg_selective(&f));
        let mut w = build(Backend::Postgres, &f);
        let sql = counted_page_sql(Backend::Postgres, &mut w, 50, 100);
        assert!(sql.starts_with("WITH m AS MATERIALIZED (SELECT id, nickname_lower, nickname FROM accounts WHERE NOT internal AND local AND nickname_lower LIKE $1"));
        assert!(sql.contains("COUNT(*) OVER () AS total FROM m"));
        assert!(sql.contains("LIMIT $2 OFFSET $3"));
        let mut w = build(Backend::Sqlite, &f);
        let sql = counted_page_sql(Backend::Sqlite, &mut w, 50, 100);
        assert!(sql.contains(
            "COUNT(*) OVER () AS total FROM accounts WHERE NOT internal AND local AND seq IN"
        ));
        assert!(!sqlite_text_term(&AccountFilter {
            name: Some("ab".into()),
            ..Default::default()
        }));
    }

    #[test]
    fn plan_rows_reads_the_estimate() {
        assert_eq!(
            plan_rows("Bitmap Heap Scan on accounts  (cost=122.27..25298.76 rows=10100 width=63)"),
            Some(10100.0)
        );
        assert_eq!(
            plan_rows("Result  (cost=0.00..0.01 rows=1 width=4)"),
            Some(1.0)
        );
        assert_eq!(plan_rows("Seq Scan on accounts"), None);
        assert_eq!(plan_rows("x rows=abc"), None);
    }

    #[test]
    fn flag_only_filters_count_from_the_counters() {
        let f = AccountFilter {
            flags: vec!["local".into(), "active".into()],
            actor_types: vec!["Person".into()],
            ..Default::default()
        };
        let w = build(Backend::Postgres, &f);
        assert!(w.counts_table_ok);
        assert_eq!(w.sql, "NOT internal AND local AND NOT deactivated AND NOT approval_pending AND actor_type IN ($1)");
    }

    #[test]
    fn tags_with_flags_are_answered_from_account_tags() {
        let f = AccountFilter {
            tags: vec!["a".into(), "b".into()],
            flags: vec!["local".into(), "bogus".into()],
            actor_types: vec!["Service".into()],
            ..Default::default()
        };
        let mut w = build(Backend::Sqlite, &f);
        assert_eq!(w.on_tags, Some(2));
        assert_eq!(
            w.sql,
            "NOT internal AND local AND actor_type IN ($1) AND tag IN ($2, $3)"
        );
        assert_eq!(
            count_sql(&mut w),
            format!(
                "SELECT COUNT(DISTINCT account_id) AS n FROM account_tags WHERE {}",
                w.sql
            )
        );
        let page = page_sql(Backend::Postgres, &mut w, TextPath::Walk, 50, 0);
        assert!(page.contains("SELECT account_id FROM account_tags WHERE NOT internal"));
        assert!(page.contains("GROUP BY nickname_lower, nickname, account_id"));
        assert_eq!(w.args.len(), 5);
        assert!(!pg_selective(&f));

        let one = AccountFilter {
            tags: vec!["a".into()],
            ..Default::default()
        };
        let mut w = build(Backend::Postgres, &one);
        assert!(count_sql(&mut w).starts_with("SELECT COUNT(*) AS n FROM account_tags"));
        assert!(!page_sql(Backend::Postgres, &mut w, TextPath::Match, 50, 0).contains("GROUP BY"));

        // A text term with tags: the accounts table, tags as a subquery.
        for other in [
            AccountFilter {
                query: Some("ab".into()),
                ..f.clone()
            },
            AccountFilter {
                email: Some("a@b.c".into()),
                ..f.clone()
            },
        ] {
            let mut w = build(Backend::Postgres, &other);
            assert!(w.on_tags.is_none() && pg_selective(&other));
            assert!(w
                .sql
                .contains("id IN (SELECT account_id FROM account_tags WHERE tag IN"));
            assert!(count_sql(&mut w).starts_with("SELECT COUNT(*) AS n FROM accounts WHERE"));
        }
    }
}
