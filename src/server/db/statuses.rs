//! Status rows (moderation.md §1.3, client-api.md §4) and follows, as stored.
//!
//! A reblog is its own row with `reblog_of_id` set. `host` is the author's `host[:port]`, stored
//! lowercase so instance filters use the `(host, id)` index. `reblogs_count` and `replies_count`
//! are computed when reading (indexed sub-selects), so no counter can drift.

use serde_json::Value;
use sqlx::any::AnyRow;

use super::{Db, RowExt, Tx};
use crate::error::AppError;

/// A status as stored, with its computed counters.
#[derive(Debug, Clone)]
pub struct Status {
    pub id: String,
    pub account_id: String,
    pub local: bool,
    pub host: String,
    pub uri: String,
    pub url: String,
    pub content: String,
    pub source: String,
    pub spoiler_text: String,
    pub visibility: String,
    pub sensitive: bool,
    pub in_reply_to_id: Option<String>,
    pub in_reply_to_account_id: Option<String>,
    pub reblog_of_id: Option<String>,
    pub conversation_id: i64,
    pub app_name: Option<String>,
    pub app_website: Option<String>,
    /// `[{"id", "username", "acct", "url"}]` captured at posting time.
    pub mentions: Value,
    /// `[{"name", "url"}]`.
    pub tags: Value,
    pub created_at: i64,
    pub reblogs_count: i64,
    pub replies_count: i64,
}

impl Status {
    /// Ids of the mentioned accounts (they may see private and direct statuses).
    pub fn mentioned_ids(&self) -> Vec<&str> {
        self.mentions
            .as_array()
            .map(|list| {
                list.iter()
                    .filter_map(|m| m.get("id").and_then(Value::as_str))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Public or unlisted.
    pub fn is_public_collection(&self) -> bool {
        matches!(self.visibility.as_str(), "public" | "unlisted")
    }

    fn from_row(row: &AnyRow) -> Result<Status, sqlx::Error> {
        let json = |column: &str| -> Result<Value, sqlx::Error> {
            Ok(serde_json::from_str(&row.text(column)?).unwrap_or(Value::Array(Vec::new())))
        };
        Ok(Status {
            id: row.text("id")?,
            account_id: row.text("account_id")?,
            local: row.flag("local")?,
            host: row.text("host")?,
            uri: row.text("uri")?,
            url: row.text("url")?,
            content: row.text("content")?,
            source: row.text("source")?,
            spoiler_text: row.text("spoiler_text")?,
            visibility: row.text("visibility")?,
            sensitive: row.flag("sensitive")?,
            in_reply_to_id: row.opt_text("in_reply_to_id")?,
            in_reply_to_account_id: row.opt_text("in_reply_to_account_id")?,
            reblog_of_id: row.opt_text("reblog_of_id")?,
            conversation_id: row.int("conversation_id")?,
            app_name: row.opt_text("app_name")?,
            app_website: row.opt_text("app_website")?,
            mentions: json("mentions")?,
            tags: json("tags")?,
            created_at: row.int("created_at")?,
            reblogs_count: row.int("reblogs_count")?,
            replies_count: row.int("replies_count")?,
        })
    }
}

/// The columns [`Status::from_row`] reads, for `SELECT … FROM statuses s`.
const COLUMNS: &str = "s.id, s.account_id, s.local, s.host, s.uri, s.url, s.content, s.source, s.spoiler_text, \
    s.visibility, s.sensitive, s.in_reply_to_id, s.in_reply_to_account_id, s.reblog_of_id, s.conversation_id, \
    s.app_name, s.app_website, s.mentions, s.tags, s.created_at, \
    (SELECT COUNT(*) FROM statuses r WHERE r.reblog_of_id = s.id) AS reblogs_count, \
    (SELECT COUNT(*) FROM statuses p WHERE p.in_reply_to_id = s.id) AS replies_count";

/// A status by id (whoever wrote it).
pub async fn by_id(db: &Db, id: &str) -> Result<Option<Status>, AppError> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM statuses s WHERE s.id = $1"
    )))
    .bind(id)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.as_ref().map(Status::from_row).transpose()?)
}

/// The statuses with these ids that exist, in no particular order.
pub async fn by_ids(db: &Db, ids: &[String]) -> Result<Vec<Status>, AppError> {
    let mut out = Vec::new();
    // Chunks keep the number of bind parameters well below every engine's limit.
    for chunk in ids.chunks(500) {
        let slots: Vec<String> = (1..=chunk.len()).map(|n| format!("${n}")).collect();
        let sql = format!(
            "SELECT {COLUMNS} FROM statuses s WHERE s.id IN ({})",
            slots.join(", ")
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for id in chunk {
            query = query.bind(id.clone());
        }
        for row in query.fetch_all(&db.pool).await? {
            out.push(Status::from_row(&row)?);
        }
    }
    Ok(out)
}

/// Which statuses an Admin API list shows (moderation.md §3).
#[derive(Debug, Clone, Default)]
pub struct StatusFilter {
    /// Only this author (deactivated authors included).
    pub account_id: Option<String>,
    /// Only this lowercase `host[:port]`.
    pub host: Option<String>,
    /// Every visibility (else public and unlisted only).
    pub godmode: bool,
    pub local_only: bool,
    pub with_reblogs: bool,
}

/// One page of statuses, newest first (id descending, ids being time-sortable and unique).
/// Internal authors never appear; deactivated authors only in per-account lists.
pub async fn list(
    db: &Db,
    filter: &StatusFilter,
    limit: i64,
    offset: i64,
) -> Result<Vec<Status>, AppError> {
    // Assembled from fixed fragments; every value is a bind parameter. The author is checked by a
    // scalar lookup per status rather than a join: with a join SQLite first builds a Bloom filter
    // over every account (a pass over the whole table) before the first row of a 20-row page;
    // this way both engines walk the status order index and probe the author's primary key for
    // each row they keep, stopping after the page.
    let mut binds: Vec<Bind> = Vec::new();
    let mut clauses: Vec<String> = Vec::new();
    if let Some(account_id) = &filter.account_id {
        binds.push(Bind::Text(account_id.clone()));
        clauses.push(format!("s.account_id = ${}", binds.len()));
        binds.push(Bind::Bool(false));
        clauses.push(format!(
            "(SELECT a.internal FROM accounts a WHERE a.id = s.account_id) = ${}",
            binds.len()
        ));
    } else {
        // Neither internal nor deactivated: one lookup, no match when either flag is set.
        binds.push(Bind::Bool(false));
        let slot = binds.len();
        clauses.push(format!(
            "(SELECT COUNT(*) FROM accounts a WHERE a.id = s.account_id \
             AND a.internal = ${slot} AND a.deactivated = ${slot}) = 1"
        ));
    }
    if let Some(host) = &filter.host {
        binds.push(Bind::Text(host.clone()));
        clauses.push(format!("s.host = ${}", binds.len()));
    }
    if !filter.godmode {
        clauses.push("s.visibility IN ('public', 'unlisted')".into());
    }
    if filter.local_only {
        binds.push(Bind::Bool(true));
        clauses.push(format!("s.local = ${}", binds.len()));
    }
    if !filter.with_reblogs {
        clauses.push("s.reblog_of_id IS NULL".into());
    }
    binds.push(Bind::Int(limit));
    let limit_slot = binds.len();
    binds.push(Bind::Int(offset));
    let offset_slot = binds.len();
    // The page's ids first, then the rows with their two counts for those alone: with the counts
    // in the paged query PostgreSQL evaluated them for every skipped row below the LIMIT too (2.4 s
    // at offset 50,000, BENCHMARKS.md).
    let sql = format!(
        "SELECT {COLUMNS} FROM statuses s WHERE s.id IN (
           SELECT s.id FROM statuses s
           WHERE {} ORDER BY s.id DESC LIMIT ${limit_slot} OFFSET ${offset_slot})
         ORDER BY s.id DESC",
        clauses.join(" AND ")
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
    for bind in binds {
        query = match bind {
            Bind::Bool(b) => query.bind(b),
            Bind::Int(i) => query.bind(i),
            Bind::Text(t) => query.bind(t),
        };
    }
    let rows = query.fetch_all(&db.pool).await?;
    Ok(rows
        .iter()
        .map(Status::from_row)
        .collect::<Result<_, _>>()?)
}

enum Bind {
    Bool(bool),
    Int(i64),
    Text(String),
}

/// What a new status row holds (the caller has validated and rendered it).
#[derive(Debug, Clone, Default)]
pub struct NewStatus {
    pub id: String,
    pub account_id: String,
    pub local: bool,
    pub host: String,
    pub uri: String,
    pub url: String,
    pub content: String,
    pub source: String,
    pub spoiler_text: String,
    pub visibility: String,
    pub sensitive: bool,
    pub in_reply_to_id: Option<String>,
    pub in_reply_to_account_id: Option<String>,
    pub reblog_of_id: Option<String>,
    pub conversation_id: i64,
    pub app_name: Option<String>,
    pub app_website: Option<String>,
    pub mentions: Value,
    pub tags: Value,
    pub created_at: i64,
}

/// Inserts a status and counts it on its author (`statuses_count`, `last_status_at`).
pub async fn insert(tx: &mut Tx, new: &NewStatus) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO statuses (id, account_id, local, host, uri, url, content, source, spoiler_text, visibility,
           sensitive, in_reply_to_id, in_reply_to_account_id, reblog_of_id, conversation_id, app_name, app_website,
           mentions, tags, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)",
    )
    .bind(&new.id)
    .bind(&new.account_id)
    .bind(new.local)
    .bind(new.host.to_lowercase())
    .bind(&new.uri)
    .bind(&new.url)
    .bind(&new.content)
    .bind(&new.source)
    .bind(&new.spoiler_text)
    .bind(&new.visibility)
    .bind(new.sensitive)
    .bind(new.in_reply_to_id.clone())
    .bind(new.in_reply_to_account_id.clone())
    .bind(new.reblog_of_id.clone())
    .bind(new.conversation_id)
    .bind(new.app_name.clone())
    .bind(new.app_website.clone())
    .bind(new.mentions.to_string())
    .bind(new.tags.to_string())
    .bind(new.created_at)
    .execute(&mut **tx)
    .await?;
    sqlx::query(
        "UPDATE accounts SET statuses_count = statuses_count + 1,
           last_status_at = CASE WHEN last_status_at IS NULL OR last_status_at < $1 THEN $1 ELSE last_status_at END
         WHERE id = $2",
    )
    .bind(new.created_at)
    .bind(&new.account_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The reblog of `status_id` by `account_id`, if there is one.
pub async fn reblog_by(
    db: &Db,
    account_id: &str,
    status_id: &str,
) -> Result<Option<String>, AppError> {
    let row = sqlx::query(
        "SELECT id FROM statuses WHERE reblog_of_id = $1 AND account_id = $2 ORDER BY id LIMIT 1",
    )
    .bind(status_id)
    .bind(account_id)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.map(|r| r.text("id")).transpose()?)
}

/// Which of `status_ids` `account_id` has reblogged.
pub async fn reblogged_by(
    db: &Db,
    account_id: &str,
    status_ids: &[String],
) -> Result<Vec<String>, AppError> {
    let mut out = Vec::new();
    for chunk in status_ids.chunks(super::reports::IN_CHUNK) {
        let sql = format!(
            "SELECT DISTINCT reblog_of_id FROM statuses WHERE account_id = $1 AND reblog_of_id IN ({})",
            super::reports::slots(2, chunk.len())
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(account_id.to_string());
        for id in chunk {
            query = query.bind(id.clone());
        }
        for row in query.fetch_all(&db.pool).await? {
            out.push(row.text("reblog_of_id")?);
        }
    }
    Ok(out)
}

/// Recounts the authors' `statuses_count` and `last_status_at` from what is stored.
async fn recount(tx: &mut Tx, account_ids: &[String]) -> Result<(), AppError> {
    for account_id in account_ids {
        sqlx::query(
            "UPDATE accounts SET
               statuses_count = (SELECT COUNT(*) FROM statuses WHERE account_id = $1),
               last_status_at = (SELECT MAX(created_at) FROM statuses WHERE account_id = $1)
             WHERE id = $1",
        )
        .bind(account_id)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Deletes the reblogs of a status (and recounts their authors).
pub async fn delete_reblogs(tx: &mut Tx, status_id: &str) -> Result<(), AppError> {
    let rows = sqlx::query("SELECT DISTINCT account_id FROM statuses WHERE reblog_of_id = $1")
        .bind(status_id)
        .fetch_all(&mut **tx)
        .await?;
    let authors: Vec<String> = rows
        .iter()
        .map(|r| r.text("account_id"))
        .collect::<Result<_, _>>()?;
    sqlx::query("DELETE FROM statuses WHERE reblog_of_id = $1")
        .bind(status_id)
        .execute(&mut **tx)
        .await?;
    recount(tx, &authors).await
}

/// Deletes a status and its reblogs, keeping every author's counters right. Replies stay (their
/// `in_reply_to_id` then points at nothing, as on Pleroma). Returns whether it existed.
pub async fn delete(tx: &mut Tx, status_id: &str) -> Result<bool, AppError> {
    let row = sqlx::query("SELECT account_id FROM statuses WHERE id = $1")
        .bind(status_id)
        .fetch_optional(&mut **tx)
        .await?;
    let Some(row) = row else {
        return Ok(false);
    };
    let author = row.text("account_id")?;
    delete_reblogs(tx, status_id).await?;
    sqlx::query("DELETE FROM statuses WHERE id = $1")
        .bind(status_id)
        .execute(&mut **tx)
        .await?;
    recount(tx, &[author]).await?;
    Ok(true)
}

/// Sets `sensitive` and/or `visibility` (absent = unchanged).
pub async fn update_flags(
    tx: &mut Tx,
    status_id: &str,
    sensitive: Option<bool>,
    visibility: Option<&str>,
) -> Result<(), AppError> {
    if let Some(sensitive) = sensitive {
        sqlx::query("UPDATE statuses SET sensitive = $1 WHERE id = $2")
            .bind(sensitive)
            .bind(status_id)
            .execute(&mut **tx)
            .await?;
    }
    if let Some(visibility) = visibility {
        sqlx::query("UPDATE statuses SET visibility = $1 WHERE id = $2")
            .bind(visibility.to_string())
            .bind(status_id)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// The query of [`visibility_counts`]; with `by_host` it takes the host as `$1` (also for `EXPLAIN`
/// in the benchmark).
pub fn visibility_counts_sql(by_host: bool) -> String {
    let (counted, internal) = if by_host {
        ("WHERE host = $1", "AND s.host = $1")
    } else {
        ("", "")
    };
    format!(
        "SELECT visibility, CAST(SUM(n) AS BIGINT) AS n FROM (
           SELECT visibility, n FROM status_counts {counted}
           UNION ALL
           SELECT s.visibility, -COUNT(*) AS n FROM statuses s
           WHERE s.reblog_of_id IS NULL {internal}
             AND s.account_id IN (SELECT id FROM accounts WHERE internal)
           GROUP BY s.visibility
         ) t GROUP BY visibility"
    )
}

/// Non-reblog statuses by visibility, optionally of one lowercase host; internal authors excluded.
/// Read from the counters of migration 0015, less the statuses of internal authors (counted there
/// too; found through their partial index and `statuses_account`, a few rows).
pub async fn visibility_counts(
    db: &Db,
    host: Option<&str>,
) -> Result<Vec<(String, i64)>, AppError> {
    let sql = visibility_counts_sql(host.is_some());
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
    if let Some(host) = host {
        query = query.bind(host.to_string());
    }
    let rows = query.fetch_all(&db.pool).await?;
    rows.iter()
        .map(|r| Ok((r.text("visibility")?, r.int("n")?)))
        .collect()
}

/// The follow of `follower_id` → `followed_id`: `Some(accepted)` or `None`.
pub async fn follow_state(
    db: &Db,
    follower_id: &str,
    followed_id: &str,
) -> Result<Option<bool>, AppError> {
    let row =
        sqlx::query("SELECT accepted FROM follows WHERE follower_id = $1 AND followed_id = $2")
            .bind(follower_id)
            .bind(followed_id)
            .fetch_optional(&db.pool)
            .await?;
    Ok(row.map(|r| r.flag("accepted")).transpose()?)
}

/// Creates or removes a follow, keeping both accounts' counters right (only accepted follows
/// count). `want` = `None` removes; `Some(accepted)` sets. Nothing changes when already so.
pub async fn set_follow(
    tx: &mut Tx,
    follower_id: &str,
    followed_id: &str,
    want: Option<bool>,
) -> Result<(), AppError> {
    let row =
        sqlx::query("SELECT accepted FROM follows WHERE follower_id = $1 AND followed_id = $2")
            .bind(follower_id)
            .bind(followed_id)
            .fetch_optional(&mut **tx)
            .await?;
    let current = row.map(|r| r.flag("accepted")).transpose()?;
    if current == want {
        return Ok(());
    }
    match (current, want) {
        (None, Some(accepted)) => {
            sqlx::query("INSERT INTO follows (follower_id, followed_id, accepted, created_at) VALUES ($1, $2, $3, $4)")
                .bind(follower_id)
                .bind(followed_id)
                .bind(accepted)
                .bind(super::now_ms())
                .execute(&mut **tx)
                .await?;
        }
        (Some(_), Some(accepted)) => {
            sqlx::query(
                "UPDATE follows SET accepted = $1 WHERE follower_id = $2 AND followed_id = $3",
            )
            .bind(accepted)
            .bind(follower_id)
            .bind(followed_id)
            .execute(&mut **tx)
            .await?;
        }
        (Some(_), None) => {
            sqlx::query("DELETE FROM follows WHERE follower_id = $1 AND followed_id = $2")
                .bind(follower_id)
                .bind(followed_id)
                .execute(&mut **tx)
                .await?;
        }
        (None, None) => {}
    }
    let delta = i64::from(want == Some(true)) - i64::from(current == Some(true));
    if delta != 0 {
        sqlx::query("UPDATE accounts SET following_count = following_count + $1 WHERE id = $2")
            .bind(delta)
            .bind(follower_id)
            .execute(&mut **tx)
            .await?;
        sqlx::query("UPDATE accounts SET followers_count = followers_count + $1 WHERE id = $2")
            .bind(delta)
            .bind(followed_id)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Accounts by id (with their tags), for rendering many statuses at once.
pub async fn accounts_by_ids(
    db: &Db,
    ids: &[String],
) -> Result<std::collections::HashMap<String, super::accounts::Account>, AppError> {
    use super::accounts::{self, Account};
    let mut found: Vec<Account> = Vec::new();
    let mut unique: Vec<String> = ids.to_vec();
    unique.sort();
    unique.dedup();
    for chunk in unique.chunks(500) {
        let slots: Vec<String> = (1..=chunk.len()).map(|n| format!("${n}")).collect();
        let sql = format!(
            "SELECT {} FROM accounts WHERE id IN ({})",
            accounts::columns(db.backend),
            slots.join(", ")
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for id in chunk {
            query = query.bind(id.clone());
        }
        for row in query.fetch_all(&db.pool).await? {
            found.push(Account::from_row(&row)?);
        }
    }
    Ok(found.into_iter().map(|a| (a.id.clone(), a)).collect())
}
