//! Report and report-note rows (moderation.md §2.1).
//!
//! `status_ids` holds the reported status ids as submitted (a JSON array), so a report keeps naming
//! a status after the status is deleted. `statuses_snapshot` holds what those statuses said when the
//! report was filed (see `service::reports::snapshot`): the Admin API's `statuses` key only lists statuses
//! that still exist (as specified), but the panel can still show the reported content after a
//! deletion. Reports and notes keep the ids of their accounts without a foreign key: a removed
//! account renders as `{}` (users.md §3) while its reports stay.

use serde_json::Value;
use sqlx::any::AnyRow;

use super::{now_ms, Db, RowExt, Tx};
use crate::error::AppError;

/// The states a report can be in.
pub const STATES: [&str; 3] = ["open", "closed", "resolved"];

/// A report as stored.
#[derive(Debug, Clone)]
pub struct Report {
    pub id: String,
    pub reporter_id: Option<String>,
    pub account_id: Option<String>,
    pub status_ids: Vec<String>,
    /// JSON array of status snapshots taken when the report was filed.
    pub statuses_snapshot: Value,
    pub comment: Option<String>,
    pub state: String,
    pub forwarded: bool,
    pub created_at: i64,
}

const COLUMNS: &str =
    "id, reporter_id, account_id, status_ids, statuses_snapshot, comment, state, \
    forwarded, created_at";

/// [`COLUMNS`] with an empty snapshot in place of the stored one.
const COLUMNS_WITHOUT_SNAPSHOT: &str =
    "id, reporter_id, account_id, status_ids, '[]' AS statuses_snapshot, comment, state, \
    forwarded, created_at";

impl Report {
    fn from_row(row: &AnyRow) -> Result<Report, sqlx::Error> {
        Ok(Report {
            id: row.text("id")?,
            reporter_id: row.opt_text("reporter_id")?,
            account_id: row.opt_text("account_id")?,
            status_ids: serde_json::from_str(&row.text("status_ids")?).unwrap_or_default(),
            statuses_snapshot: serde_json::from_str(&row.text("statuses_snapshot")?)
                .unwrap_or_else(|_| Value::Array(Vec::new())),
            comment: row.opt_text("comment")?,
            state: row.text("state")?,
            forwarded: row.flag("forwarded")?,
            created_at: row.int("created_at")?,
        })
    }
}

/// A note on a report.
#[derive(Debug, Clone)]
pub struct Note {
    pub id: i64,
    pub report_id: String,
    pub author_id: Option<String>,
    pub content: String,
    pub created_at: i64,
}

impl Note {
    fn from_row(row: &AnyRow) -> Result<Note, sqlx::Error> {
        Ok(Note {
            id: row.int("id")?,
            report_id: row.text("report_id")?,
            author_id: row.opt_text("author_id")?,
            content: row.text("content")?,
            created_at: row.int("created_at")?,
        })
    }
}

/// What a new report holds.
#[derive(Debug, Clone)]
pub struct NewReport {
    pub id: String,
    pub reporter_id: String,
    pub account_id: String,
    pub status_ids: Vec<String>,
    pub comment: Option<String>,
    pub forwarded: bool,
    pub created_at: i64,
}

/// The filters of `GET /reports`.
#[derive(Debug, Clone, Default)]
pub struct ReportFilter {
    pub state: Option<String>,
    /// Only ids below this one.
    pub max_id: Option<String>,
    /// Only ids above this one.
    pub since_id: Option<String>,
    /// Only reports about this account.
    pub account_id: Option<String>,
    /// Only reports filed by this account.
    pub actor_id: Option<String>,
}

impl ReportFilter {
    /// `WHERE …` with `$1…$n` placeholders and the values to bind, in order. Every value is a bind
    /// parameter; only fixed fragments enter the SQL text.
    fn clause(&self) -> (String, Vec<String>) {
        let mut clauses = Vec::new();
        let mut binds = Vec::new();
        for (column, op, value) in [
            ("state", "=", &self.state),
            ("id", "<", &self.max_id),
            ("id", ">", &self.since_id),
            ("account_id", "=", &self.account_id),
            ("reporter_id", "=", &self.actor_id),
        ] {
            if let Some(value) = value {
                binds.push(value.clone());
                clauses.push(format!("{column} {op} ${}", binds.len()));
            }
        }
        if clauses.is_empty() {
            (String::new(), binds)
        } else {
            (format!("WHERE {}", clauses.join(" AND ")), binds)
        }
    }
}

/// Reports matching `filter`, newest first (ids are creation-ordered), one page.
pub async fn page(
    db: &Db,
    filter: &ReportFilter,
    limit: i64,
    offset: i64,
) -> Result<Vec<Report>, AppError> {
    let (clause, binds) = filter.clause();
    let sql = format!(
        "SELECT {COLUMNS} FROM reports {clause} ORDER BY id DESC LIMIT ${} OFFSET ${}",
        binds.len() + 1,
        binds.len() + 2
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
    for value in binds {
        query = query.bind(value);
    }
    let rows = query.bind(limit).bind(offset).fetch_all(&db.pool).await?;
    Ok(rows
        .iter()
        .map(Report::from_row)
        .collect::<Result<_, _>>()?)
}

/// How many reports match `filter`. Without filters other than the state the answer comes from
/// the per-state counters (`report_counts`, kept by triggers; migration 0013), so neither the
/// queue's total nor its tab counts read the reports.
pub async fn count(db: &Db, filter: &ReportFilter) -> Result<i64, AppError> {
    let only_state = filter.max_id.is_none()
        && filter.since_id.is_none()
        && filter.account_id.is_none()
        && filter.actor_id.is_none();
    if only_state {
        let counts = state_counts(db).await?;
        return Ok(match &filter.state {
            Some(state) => counts
                .iter()
                .find(|(s, _)| s == state)
                .map_or(0, |(_, n)| *n),
            None => counts.iter().map(|(_, n)| n).sum(),
        });
    }
    let (clause, binds) = filter.clause();
    let sql = format!("SELECT COUNT(*) AS n FROM reports {clause}");
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
    for value in binds {
        query = query.bind(value);
    }
    Ok(query.fetch_one(&db.pool).await?.int("n")?)
}

/// The number of reports in each state under `filter` (its `state` ignored): from the counters
/// without other filters, else one grouped count.
pub async fn counts_by_state(
    db: &Db,
    filter: &ReportFilter,
) -> Result<Vec<(String, i64)>, AppError> {
    let filter = ReportFilter {
        state: None,
        ..filter.clone()
    };
    if filter.clause().1.is_empty() {
        return state_counts(db).await;
    }
    let (clause, binds) = filter.clause();
    let sql = format!("SELECT state, COUNT(*) AS n FROM reports {clause} GROUP BY state");
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
    for value in binds {
        query = query.bind(value);
    }
    let rows = query.fetch_all(&db.pool).await?;
    rows.iter()
        .map(|row| Ok((row.text("state")?, row.int("n")?)))
        .collect()
}

/// The number of reports in each state that has any, from the counters.
pub async fn state_counts(db: &Db) -> Result<Vec<(String, i64)>, AppError> {
    let rows = sqlx::query("SELECT state, n FROM report_counts")
        .fetch_all(&db.pool)
        .await?;
    rows.iter()
        .map(|row| Ok((row.text("state")?, row.int("n")?)))
        .collect()
}

/// Open reports (the sidebar count and the live events).
pub async fn open_count(db: &Db) -> Result<i64, AppError> {
    count(
        db,
        &ReportFilter {
            state: Some("open".into()),
            ..ReportFilter::default()
        },
    )
    .await
}

/// A report by id.
pub async fn by_id(db: &Db, id: &str) -> Result<Option<Report>, AppError> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM reports WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.as_ref().map(Report::from_row).transpose()?)
}

/// Every report that names at least one status (`GET /grouped_reports`), newest first, without
/// their snapshots (an empty array; [`snapshots_of`] loads the few that are needed): at 100,000
/// reports the snapshots are most of what the table holds.
pub async fn with_statuses(db: &Db) -> Result<Vec<Report>, AppError> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS_WITHOUT_SNAPSHOT} FROM reports WHERE status_ids <> '[]' ORDER BY id DESC"
    )))
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .iter()
        .map(Report::from_row)
        .collect::<Result<_, _>>()?)
}

/// Reports whose submitted status ids include `status_id`, newest first, at most `limit`. The
/// ids are a JSON array in one column, so the database narrows by substring (portable `LIKE`
/// with an escape character) and the exact membership is checked here.
pub async fn referencing_status(
    db: &Db,
    status_id: &str,
    limit: i64,
) -> Result<Vec<Report>, AppError> {
    let quoted = serde_json::to_string(status_id)?;
    let mut pattern = String::from("%");
    for c in quoted.chars() {
        if matches!(c, '%' | '_' | '!') {
            pattern.push('!');
        }
        pattern.push(c);
    }
    pattern.push('%');
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM reports WHERE status_ids LIKE $1 ESCAPE '!' ORDER BY id DESC LIMIT $2"
    )))
    .bind(pattern)
    .bind(limit)
    .fetch_all(&db.pool)
    .await?;
    let reports: Vec<Report> = rows
        .iter()
        .map(Report::from_row)
        .collect::<Result<_, _>>()?;
    Ok(reports
        .into_iter()
        .filter(|r| r.status_ids.iter().any(|id| id == status_id))
        .collect())
}

/// Stores a new open report with its status snapshot.
pub async fn insert(tx: &mut Tx, new: &NewReport, snapshot: &Value) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO reports (id, reporter_id, account_id, status_ids, statuses_snapshot, comment, state, forwarded, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)",
    )
    .bind(&new.id)
    .bind(&new.reporter_id)
    .bind(&new.account_id)
    .bind(serde_json::to_string(&new.status_ids)?)
    .bind(snapshot.to_string())
    .bind(new.comment.clone())
    .bind("open")
    .bind(new.forwarded)
    .bind(new.created_at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Sets a report's state.
pub async fn set_state(tx: &mut Tx, id: &str, state: &str) -> Result<(), AppError> {
    sqlx::query("UPDATE reports SET state = $1, updated_at = $2 WHERE id = $3")
        .bind(state)
        .bind(now_ms())
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// How many ids one `IN (…)` list binds: far below SQLite's 32,766 and PostgreSQL's 65,535 bind
/// parameters, and short enough for both planners to look each id up in an index.
pub const IN_CHUNK: usize = 500;

/// `$first, $first+1, …` for `n` bind parameters.
pub fn slots(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|k| format!("${k}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Notes of the given reports, id ascending (any number of reports: the ids are bound in chunks).
pub async fn notes_of(db: &Db, report_ids: &[String]) -> Result<Vec<Note>, AppError> {
    let mut notes = Vec::new();
    for chunk in report_ids.chunks(IN_CHUNK) {
        // No ORDER BY: the index yields each report's notes in id order, and sorting here spares
        // the database a sort of the whole answer.
        let sql = format!(
            "SELECT id, report_id, author_id, content, created_at FROM report_notes
             WHERE report_id IN ({})",
            slots(1, chunk.len())
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for id in chunk {
            query = query.bind(id.clone());
        }
        for row in query.fetch_all(&db.pool).await? {
            notes.push(Note::from_row(&row)?);
        }
    }
    notes.sort_unstable_by_key(|note| note.id);
    Ok(notes)
}

/// The status snapshots of the given reports (see [`Report::statuses_snapshot`]), by report id.
pub async fn snapshots_of(
    db: &Db,
    report_ids: &[String],
) -> Result<std::collections::HashMap<String, Value>, AppError> {
    let mut found = std::collections::HashMap::new();
    for chunk in report_ids.chunks(IN_CHUNK) {
        let sql = format!(
            "SELECT id, statuses_snapshot FROM reports WHERE id IN ({})",
            slots(1, chunk.len())
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for id in chunk {
            query = query.bind(id.clone());
        }
        for row in query.fetch_all(&db.pool).await? {
            let snapshot = serde_json::from_str(&row.text("statuses_snapshot")?)
                .unwrap_or_else(|_| Value::Array(Vec::new()));
            found.insert(row.text("id")?, snapshot);
        }
    }
    Ok(found)
}

/// One note of one report.
pub async fn note(db: &Db, report_id: &str, note_id: i64) -> Result<Option<Note>, AppError> {
    let row = sqlx::query(
        "SELECT id, report_id, author_id, content, created_at FROM report_notes
         WHERE id = $1 AND report_id = $2",
    )
    .bind(note_id)
    .bind(report_id)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.as_ref().map(Note::from_row).transpose()?)
}

/// Stores a note; returns its id.
pub async fn insert_note(
    tx: &mut Tx,
    report_id: &str,
    author_id: Option<&str>,
    content: &str,
) -> Result<i64, AppError> {
    let row = sqlx::query(
        "INSERT INTO report_notes (report_id, author_id, content, created_at)
         VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(report_id)
    .bind(author_id.map(str::to_string))
    .bind(content)
    .bind(now_ms())
    .fetch_one(&mut **tx)
    .await?;
    Ok(row.int("id")?)
}

/// Removes a note; false when it was already gone.
pub async fn delete_note(tx: &mut Tx, report_id: &str, note_id: i64) -> Result<bool, AppError> {
    let done = sqlx::query("DELETE FROM report_notes WHERE id = $1 AND report_id = $2")
        .bind(note_id)
        .bind(report_id)
        .execute(&mut **tx)
        .await?;
    Ok(done.rows_affected() > 0)
}
