//! The `authentication` rate limit (README "Rate limit"): failed credential checks per client IP.
//!
//! Counters live in the database so every process behind a load balancer shares them. Once an IP has
//! used up its failures for the window, further credential checks from it answer 429 without looking
//! at the password at all: otherwise a correct guess could still get through while "throttled".

use std::net::IpAddr;

use crate::error::AppError;
use crate::server::db::{now_ms, Db, RowExt};
use crate::server::settings::Settings;

fn bucket(ip: IpAddr) -> String {
    format!("authentication:{ip}")
}

/// `Err(Throttled)` when the IP has no failures left in the current window.
pub async fn check(db: &Db, settings: &Settings, ip: IpAddr) -> Result<(), AppError> {
    let Some((window, allowed)) = settings.auth_rate_limit else {
        return Ok(());
    };
    let row = sqlx::query("SELECT window_start, hits FROM rate_limits WHERE bucket = $1")
        .bind(bucket(ip))
        .fetch_optional(&db.pool)
        .await?;
    if let Some(row) = row {
        let live = row.int("window_start")? + window > now_ms();
        if live && row.int("hits")? >= allowed {
            return Err(AppError::Throttled);
        }
    }
    Ok(())
}

/// Counts one failure; `Err(Throttled)` when it went beyond the limit.
pub async fn fail(db: &Db, settings: &Settings, ip: IpAddr) -> Result<(), AppError> {
    let Some((window, allowed)) = settings.auth_rate_limit else {
        return Ok(());
    };
    let now = now_ms();
    // One statement so concurrent failures from several processes are all counted.
    let row = sqlx::query(
        "INSERT INTO rate_limits (bucket, window_start, hits) VALUES ($1, $2, 1)
         ON CONFLICT (bucket) DO UPDATE SET
           hits = CASE WHEN rate_limits.window_start + $3 <= $2 THEN 1 ELSE rate_limits.hits + 1 END,
           window_start = CASE WHEN rate_limits.window_start + $3 <= $2 THEN $2 ELSE rate_limits.window_start END
         RETURNING hits",
    )
    .bind(bucket(ip))
    .bind(now)
    .bind(window)
    .fetch_one(&db.pool)
    .await?;
    if row.int("hits")? > allowed {
        return Err(AppError::Throttled);
    }
    Ok(())
}
