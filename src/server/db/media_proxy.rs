//! The media proxy's storage (operations.md §3): the banned list and the signing secret.

use sha2::{Digest, Sha256};
use sqlx::{Any, Executor};

use super::{like_escape, now_ms, RowExt, Tx};
use crate::error::AppError;

/// The primary key of a banned URL: its SHA-256, hex (any length fits the index).
fn digest(url: &str) -> String {
    Sha256::digest(url.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The secret called `name`, created with `fresh` by the first caller. Every process reads the
/// value that won, so concurrent first starts agree.
pub async fn secret<'c, E>(executor: E, name: &str, fresh: &str) -> Result<String, AppError>
where
    E: Executor<'c, Database = Any> + Copy,
{
    sqlx::query(
        "INSERT INTO instance_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
    )
    .bind(name)
    .bind(fresh)
    .execute(executor)
    .await?;
    let row = sqlx::query("SELECT value FROM instance_secrets WHERE name = $1")
        .bind(name)
        .fetch_one(executor)
        .await?;
    Ok(row.text("value")?)
}

/// One page of banned URLs containing `query` (lowercase, literal), URL ascending, and how many
/// match in all.
pub async fn list<'c, E>(
    executor: E,
    query: Option<&str>,
    limit: i64,
    offset: i64,
) -> Result<(Vec<String>, i64), AppError>
where
    E: Executor<'c, Database = Any> + Copy,
{
    let pattern = query.map(|q| format!("%{}%", like_escape(q)));
    let (count, rows) = match &pattern {
        Some(pattern) => {
            let count = sqlx::query(
                "SELECT COUNT(*) AS n FROM media_proxy_bans WHERE url_lower LIKE $1 ESCAPE '\\'",
            )
            .bind(pattern)
            .fetch_one(executor)
            .await?;
            let rows = sqlx::query(
                "SELECT url FROM media_proxy_bans WHERE url_lower LIKE $1 ESCAPE '\\'
                 ORDER BY url LIMIT $2 OFFSET $3",
            )
            .bind(pattern)
            .bind(limit)
            .bind(offset)
            .fetch_all(executor)
            .await?;
            (count, rows)
        }
        None => {
            let count = sqlx::query("SELECT COUNT(*) AS n FROM media_proxy_bans")
                .fetch_one(executor)
                .await?;
            let rows =
                sqlx::query("SELECT url FROM media_proxy_bans ORDER BY url LIMIT $1 OFFSET $2")
                    .bind(limit)
                    .bind(offset)
                    .fetch_all(executor)
                    .await?;
            (count, rows)
        }
    };
    let urls = rows
        .iter()
        .map(|row| row.text("url"))
        .collect::<Result<_, _>>()?;
    Ok((urls, count.int("n")?))
}

/// Whether `url` is banned.
pub async fn is_banned<'c, E>(executor: E, url: &str) -> Result<bool, AppError>
where
    E: Executor<'c, Database = Any>,
{
    Ok(
        sqlx::query("SELECT 1 AS one FROM media_proxy_bans WHERE url_digest = $1")
            .bind(digest(url))
            .fetch_optional(executor)
            .await?
            .is_some(),
    )
}

/// Adds `url` to the banned list (already banned: unchanged).
pub async fn ban(tx: &mut Tx, url: &str) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO media_proxy_bans (url_digest, url, url_lower, banned_at)
         VALUES ($1, $2, $3, $4) ON CONFLICT (url_digest) DO NOTHING",
    )
    .bind(digest(url))
    .bind(url)
    .bind(url.to_lowercase())
    .bind(now_ms())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Removes `url` from the banned list (not banned: unchanged).
pub async fn unban(tx: &mut Tx, url: &str) -> Result<(), AppError> {
    sqlx::query("DELETE FROM media_proxy_bans WHERE url_digest = $1")
        .bind(digest(url))
        .execute(&mut **tx)
        .await?;
    Ok(())
}
