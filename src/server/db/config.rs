//! Config-store rows (config.md): one row per `{group, key}`, the value in its §3 JSON form, in
//! creation order; and the shared `config_state` row (the reboot flag and the reboot-time settings
//! in force).

use serde_json::Value;
use sqlx::any::AnyRow;
use sqlx::{Any, Executor};

use super::{RowExt, Tx};
use crate::error::AppError;

/// One stored item.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfigRow {
    pub id: i64,
    pub group: String,
    pub key: String,
    /// The §3 JSON form.
    pub value: Value,
}

impl ConfigRow {
    fn from_row(row: &AnyRow) -> Result<ConfigRow, sqlx::Error> {
        let text = row.text("value")?;
        Ok(ConfigRow {
            id: row.int("id")?,
            group: row.text("config_group")?,
            key: row.text("config_key")?,
            // Rows are written as JSON by steward; a hand-edited row that is not JSON reads as
            // null instead of breaking every read.
            value: serde_json::from_str(&text).unwrap_or(Value::Null),
        })
    }
}

/// Every row in creation order.
pub async fn all<'c, E>(executor: E) -> Result<Vec<ConfigRow>, AppError>
where
    E: Executor<'c, Database = Any>,
{
    let rows = sqlx::query("SELECT id, config_group, config_key, value FROM config ORDER BY id")
        .fetch_all(executor)
        .await?;
    Ok(rows
        .iter()
        .map(ConfigRow::from_row)
        .collect::<Result<_, _>>()?)
}

/// The row of `{group, key}`.
pub async fn find(tx: &mut Tx, group: &str, key: &str) -> Result<Option<ConfigRow>, AppError> {
    let row = sqlx::query(
        "SELECT id, config_group, config_key, value FROM config
         WHERE config_group = $1 AND config_key = $2",
    )
    .bind(group)
    .bind(key)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.as_ref().map(ConfigRow::from_row).transpose()?)
}

/// Creates the row of `{group, key}` or replaces its value (an existing row keeps its place in
/// creation order).
pub async fn upsert(tx: &mut Tx, group: &str, key: &str, value: &Value) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO config (config_group, config_key, value) VALUES ($1, $2, $3)
         ON CONFLICT (config_group, config_key) DO UPDATE SET value = excluded.value",
    )
    .bind(group)
    .bind(key)
    .bind(value.to_string())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Removes the row of `{group, key}`; false when there was none.
pub async fn delete(tx: &mut Tx, group: &str, key: &str) -> Result<bool, AppError> {
    let done = sqlx::query("DELETE FROM config WHERE config_group = $1 AND config_key = $2")
        .bind(group)
        .bind(key)
        .execute(&mut **tx)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// Takes the config store's write lock for the rest of `tx` and returns the reboot flag. Every
/// config-store write starts with this: on PostgreSQL it serialises writers of all processes (a
/// merge reads the stored value, so two concurrent merges must not both read the old one); on
/// SQLite a write as the first statement takes the database's write lock at once, so the reads
/// that follow can never need a read-to-write upgrade that fails under a concurrent writer.
pub async fn lock(tx: &mut Tx) -> Result<bool, AppError> {
    let row = sqlx::query(
        "UPDATE config_state SET need_reboot = need_reboot WHERE id = 1 RETURNING need_reboot",
    )
    .fetch_optional(&mut **tx)
    .await?;
    match row {
        Some(row) => Ok(row.flag("need_reboot")?),
        None => {
            // The migration creates the row; recreate it if someone removed it.
            sqlx::query("INSERT INTO config_state (id, need_reboot) VALUES (1, FALSE)")
                .execute(&mut **tx)
                .await?;
            Ok(false)
        }
    }
}

/// Raises the reboot flag.
pub async fn raise_reboot_flag(tx: &mut Tx) -> Result<(), AppError> {
    sqlx::query("UPDATE config_state SET need_reboot = TRUE WHERE id = 1")
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Records the reboot-time settings now in force (JSON) and clears the reboot flag.
pub async fn set_reboot_settings(tx: &mut Tx, settings: &Value) -> Result<(), AppError> {
    sqlx::query("UPDATE config_state SET need_reboot = FALSE, reboot_settings = $1 WHERE id = 1")
        .bind(settings.to_string())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The reboot flag and the reboot-time settings in force (`None` before the first start).
pub async fn state<'c, E>(executor: E) -> Result<(bool, Option<Value>), AppError>
where
    E: Executor<'c, Database = Any>,
{
    let row = sqlx::query("SELECT need_reboot, reboot_settings FROM config_state WHERE id = 1")
        .fetch_optional(executor)
        .await?;
    let Some(row) = row else {
        return Ok((false, None));
    };
    let settings = row
        .opt_text("reboot_settings")?
        .and_then(|text| serde_json::from_str(&text).ok());
    Ok((row.flag("need_reboot")?, settings))
}
