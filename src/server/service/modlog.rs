//! The moderation log (operations.md §1): entries are written inside the action's transaction.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde_json::{json, Map, Value};

use super::paging::Page;
use crate::error::AppError;
use crate::server::api::params::Params;
use crate::server::auth::{Actor, Caller, Privilege, Requirement};
use crate::server::db::accounts::Account;
use crate::server::db::{like_escape, RowExt, Tx};
use crate::server::state::AppState;

/// Scope and privilege of `GET /moderation_log`.
pub const READ: Requirement = Requirement::privilege(&["read"], Privilege::ModerationLogRead);

/// The user map of a log entry, captured at write time.
pub fn user_map(account: &Account) -> Value {
    json!({"id": account.id, "nickname": account.nickname, "type": "user"})
}

/// `@a, @b` in the given order.
pub fn mentions(accounts: &[Account]) -> String {
    accounts
        .iter()
        .map(|a| format!("@{}", a.nickname))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Writes one entry. `extra` holds the action's own keys (`subject`, `tags`, ...).
pub async fn write(
    tx: &mut Tx,
    actor: &Actor,
    action: &str,
    extra: Value,
    message: &str,
) -> Result<i64, AppError> {
    let mut data = match extra {
        Value::Object(map) => map,
        _ => Map::new(),
    };
    data.insert("actor".into(), actor.log_map());
    data.insert("action".into(), Value::String(action.to_string()));
    data.insert("message".into(), Value::String(message.to_string()));
    let row = sqlx::query(
        "INSERT INTO moderation_log (actor_id, action, message, message_lower, data, inserted_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(actor.id.clone())
    .bind(action)
    .bind(message)
    .bind(message.to_lowercase())
    .bind(Value::Object(data).to_string())
    .bind(Utc::now().timestamp())
    .fetch_one(&mut **tx)
    .await?;
    Ok(row.int("id")?)
}

/// Parses a moderation-log date bound; a bare date means the start (or end) of that UTC day.
fn parse_bound(params: &Params, key: &str, end_of_day: bool) -> Result<Option<i64>, AppError> {
    let Some(raw) = params.string(key)?.filter(|s| !s.trim().is_empty()) else {
        return Ok(None);
    };
    let text = raw.trim();
    let invalid =
        || AppError::invalid(key, format!("{key} - Invalid format. Expected :date-time."));
    if let Ok(with_offset) = DateTime::parse_from_rfc3339(text) {
        return Ok(Some(with_offset.timestamp()));
    }
    for format in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(naive) = NaiveDateTime::parse_from_str(text, format) {
            return Ok(Some(naive.and_utc().timestamp()));
        }
    }
    if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        let time = if end_of_day {
            date.and_hms_opt(23, 59, 59)
        } else {
            date.and_hms_opt(0, 0, 0)
        };
        return time
            .map(|t| Some(t.and_utc().timestamp()))
            .ok_or_else(invalid);
    }
    Err(invalid())
}

/// `GET /moderation_log`.
pub async fn list(state: &AppState, caller: &Caller, params: &Params) -> Result<Value, AppError> {
    caller.authorize(&READ)?;
    let page = Page::from_params(params, 50, None)?;
    let start = parse_bound(params, "start_date", false)?;
    let end = parse_bound(params, "end_date", true)?;
    let user_id = params.string("user_id")?.filter(|s| !s.is_empty());
    let search = params.string("search")?.filter(|s| !s.is_empty());
    let actions: Vec<String> = params
        .strings("action")?
        .unwrap_or_default()
        .iter()
        .flat_map(|a| a.split(','))
        .map(|a| a.trim().to_string())
        .filter(|a| !a.is_empty())
        .collect();

    // The WHERE clause is assembled from fixed fragments; every value is a bind parameter.
    let mut clauses: Vec<String> = Vec::new();
    let mut binds: Vec<Bind> = Vec::new();
    if let Some(start) = start {
        binds.push(Bind::Int(start));
        clauses.push(format!("inserted_at >= ${}", binds.len()));
    }
    if let Some(end) = end {
        binds.push(Bind::Int(end));
        clauses.push(format!("inserted_at <= ${}", binds.len()));
    }
    if let Some(user_id) = user_id {
        binds.push(Bind::Text(user_id));
        clauses.push(format!("actor_id = ${}", binds.len()));
    }
    if let Some(search) = search {
        binds.push(Bind::Text(format!(
            "%{}%",
            like_escape(&search.to_lowercase())
        )));
        clauses.push(format!("message_lower LIKE ${} ESCAPE '\\'", binds.len()));
    }
    if !actions.is_empty() {
        let mut slots = Vec::new();
        for action in actions {
            binds.push(Bind::Text(action));
            slots.push(format!("${}", binds.len()));
        }
        clauses.push(format!("action IN ({})", slots.join(", ")));
    }
    let filter = if clauses.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", clauses.join(" AND "))
    };

    let count_sql = format!("SELECT COUNT(*) AS n FROM moderation_log {filter}");
    let mut count = sqlx::query(sqlx::AssertSqlSafe(count_sql));
    for b in &binds {
        count = b.bind(count);
    }
    let total = count.fetch_one(&state.db.pool).await?.int("n")?;

    let list_sql = format!(
        "SELECT id, data, inserted_at, message FROM moderation_log {filter}
         ORDER BY inserted_at DESC, id DESC LIMIT ${} OFFSET ${}",
        binds.len() + 1,
        binds.len() + 2
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(list_sql));
    for b in &binds {
        query = b.bind(query);
    }
    let rows = query
        .bind(page.page_size)
        .bind(page.offset())
        .fetch_all(&state.db.pool)
        .await?;
    let items = rows
        .iter()
        .map(|row| {
            Ok(json!({
                "id": row.int("id")?,
                "data": serde_json::from_str::<Value>(&row.text("data")?).unwrap_or(Value::Null),
                "time": row.int("inserted_at")?,
                "message": row.text("message")?,
            }))
        })
        .collect::<Result<Vec<Value>, sqlx::Error>>()?;
    Ok(json!({"items": items, "total": total}))
}

/// A value bound to a dynamically assembled query.
#[derive(Debug, Clone)]
pub enum Bind {
    Int(i64),
    Text(String),
    Flag(bool),
}

type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>;

impl Bind {
    /// Adds this value to a query.
    pub fn bind<'q>(&self, query: AnyQuery<'q>) -> AnyQuery<'q> {
        match self {
            Bind::Int(v) => query.bind(*v),
            Bind::Text(v) => query.bind(v.clone()),
            Bind::Flag(v) => query.bind(*v),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bound(v: &str, end: bool) -> Result<Option<i64>, String> {
        parse_bound(&Params::from_value(json!({"d": v})), "d", end).map_err(|e| e.message())
    }

    #[test]
    fn date_bounds() {
        assert_eq!(bound("2020-01-02", false), Ok(Some(1_577_923_200)));
        assert_eq!(bound("2020-01-02", true), Ok(Some(1_577_923_200 + 86_399)));
        assert_eq!(
            bound("2020-01-02T00:00:00Z", false),
            Ok(Some(1_577_923_200))
        );
        assert_eq!(
            bound("2020-01-02T01:00:00+01:00", false),
            Ok(Some(1_577_923_200))
        );
        assert_eq!(bound("2020-01-02T00:00:00", false), Ok(Some(1_577_923_200)));
        assert_eq!(bound("", false), Ok(None));
        assert_eq!(
            bound("yesterday", false),
            Err("d - Invalid format. Expected :date-time.".into())
        );
    }
}
