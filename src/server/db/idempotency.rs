//! Storage of `Idempotency-Key` claims and the first responses they keep (the policy — who, which
//! requests, which responses, how long — lives in `api::idempotency`).
//!
//! One row per (principal, key digest). A row whose `status` is NULL is a request still running:
//! the primary key makes inserting that row the lock that lets exactly one of several racing
//! requests, in any steward process sharing the database, run the action.

use super::{Db, RowExt};
use crate::error::AppError;

/// One request's claim on a key. `created_at` also tells this attempt apart from a later one that
/// took over an abandoned claim, so a late finisher never overwrites its successor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    pub principal: String,
    pub key_digest: String,
    pub created_at: i64,
}

/// A first response kept for replay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredResponse {
    pub status: u16,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
}

/// What [`reserve`] found for a claim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reservation {
    /// The claim is this request's: run it, then [`complete`] or [`release`].
    Acquired,
    /// The same request finished earlier: answer its response.
    Replay(StoredResponse),
    /// The same request is running now (here or in another process).
    InProgress,
    /// The key was first used for a different request.
    Mismatch,
}

/// Claims `claim` for the request with `request_digest`. Rows older than `keep_ms` are gone for
/// good, and claims still running after `lease_ms` count as abandoned (their process died or could
/// not record the outcome): both are cleared first, so the key is free again.
pub async fn reserve(
    db: &Db,
    claim: &Claim,
    request_digest: &str,
    keep_ms: i64,
    lease_ms: i64,
) -> Result<Reservation, AppError> {
    let expired = claim.created_at - keep_ms;
    // Two rounds: the row that blocked the insert may expire and be cleared by another request
    // before it is read; the second insert then succeeds or meets a fresh row.
    for _ in 0..2 {
        sqlx::query(
            "DELETE FROM idempotency_keys WHERE principal = $1 AND key_digest = $2
             AND (created_at <= $3 OR (status IS NULL AND created_at <= $4))",
        )
        .bind(&claim.principal)
        .bind(&claim.key_digest)
        .bind(expired)
        .bind(claim.created_at - lease_ms)
        .execute(&db.pool)
        .await?;
        // DO NOTHING instead of catching the unique violation: on PostgreSQL a violation is also
        // an error line in the server log for every replay.
        let inserted = sqlx::query(
            "INSERT INTO idempotency_keys (principal, key_digest, request_digest, created_at)
             VALUES ($1, $2, $3, $4) ON CONFLICT (principal, key_digest) DO NOTHING",
        )
        .bind(&claim.principal)
        .bind(&claim.key_digest)
        .bind(request_digest)
        .bind(claim.created_at)
        .execute(&db.pool)
        .await?
        .rows_affected();
        if inserted == 1 {
            return Ok(Reservation::Acquired);
        }
        let row = sqlx::query(
            "SELECT request_digest, status, content_type, body FROM idempotency_keys
             WHERE principal = $1 AND key_digest = $2 AND created_at > $3",
        )
        .bind(&claim.principal)
        .bind(&claim.key_digest)
        .bind(expired)
        .fetch_optional(&db.pool)
        .await?;
        let Some(row) = row else {
            continue;
        };
        if row.text("request_digest")? != request_digest {
            return Ok(Reservation::Mismatch);
        }
        let Some(status) = row.opt_int("status")? else {
            return Ok(Reservation::InProgress);
        };
        let status = u16::try_from(status).map_err(AppError::internal)?;
        return Ok(Reservation::Replay(StoredResponse {
            status,
            content_type: row.opt_text("content_type")?,
            body: sqlx::Row::try_get::<Option<Vec<u8>>, _>(&row, "body")?.unwrap_or_default(),
        }));
    }
    // The key keeps changing hands under us: as good as busy.
    Ok(Reservation::InProgress)
}

/// Keeps `response` as the outcome of `claim`. Does nothing when the claim was taken over.
pub async fn complete(db: &Db, claim: &Claim, response: &StoredResponse) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE idempotency_keys SET status = $1, content_type = $2, body = $3
         WHERE principal = $4 AND key_digest = $5 AND created_at = $6 AND status IS NULL",
    )
    .bind(i32::from(response.status))
    .bind(response.content_type.as_deref())
    .bind(response.body.as_slice())
    .bind(&claim.principal)
    .bind(&claim.key_digest)
    .bind(claim.created_at)
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// Gives up `claim` without keeping a response, so the next request with the key runs again.
pub async fn release(db: &Db, claim: &Claim) -> Result<(), AppError> {
    sqlx::query(
        "DELETE FROM idempotency_keys
         WHERE principal = $1 AND key_digest = $2 AND created_at = $3 AND status IS NULL",
    )
    .bind(&claim.principal)
    .bind(&claim.key_digest)
    .bind(claim.created_at)
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// Deletes every row created at or before `before` (Unix ms); returns how many went.
pub async fn prune(db: &Db, before: i64) -> Result<u64, AppError> {
    let result = sqlx::query("DELETE FROM idempotency_keys WHERE created_at <= $1")
        .bind(before)
        .execute(&db.pool)
        .await?;
    Ok(result.rows_affected())
}
