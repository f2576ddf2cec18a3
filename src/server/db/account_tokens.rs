//! Single-purpose account tokens sent by email: password reset tokens (stored as SHA-256 digests,
//! like every credential) and email confirmation tokens.
//!
//! The confirmation token is kept as issued in `accounts.confirmation_token`: users.md §5 re-sends
//! the *same* token ("token created if missing"), which a digest could not reproduce. It only
//! confirms an address, and is compared in constant time.

use super::{now_ms, Db, RowExt, Tx};
use crate::error::AppError;
use crate::server::auth::secrets;

/// Stores a new password reset token for an account, valid `validity_s` seconds.
pub async fn insert_reset(
    db: &Db,
    account_id: &str,
    token: &str,
    validity_s: i64,
) -> Result<(), AppError> {
    let now = now_ms();
    sqlx::query(
        "INSERT INTO password_reset_tokens (token_hash, account_id, used, expires_at, created_at)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(secrets::digest(token))
    .bind(account_id)
    .bind(false)
    .bind(now.saturating_add(validity_s.saturating_mul(1000)))
    .bind(now)
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// The account id of a reset token that is unused and unexpired.
pub async fn live_reset(db: &Db, token: &str) -> Result<Option<String>, AppError> {
    let row = sqlx::query(
        "SELECT account_id FROM password_reset_tokens WHERE token_hash = $1 AND used = $2 AND expires_at > $3",
    )
    .bind(secrets::digest(token))
    .bind(false)
    .bind(now_ms())
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.map(|r| r.text("account_id")).transpose()?)
}

/// Uses up a reset token inside the password change's transaction, together with every other
/// outstanding reset token of the account: once the owner has chosen a new password, older links
/// must not be able to change it again. `false` when the token was used or expired meanwhile.
pub async fn use_reset(tx: &mut Tx, token: &str, account_id: &str) -> Result<bool, AppError> {
    let result = sqlx::query(
        "UPDATE password_reset_tokens SET used = $1
         WHERE token_hash = $2 AND account_id = $3 AND used = $4 AND expires_at > $5",
    )
    .bind(true)
    .bind(secrets::digest(token))
    .bind(account_id)
    .bind(false)
    .bind(now_ms())
    .execute(&mut **tx)
    .await?;
    if result.rows_affected() != 1 {
        return Ok(false);
    }
    sqlx::query("UPDATE password_reset_tokens SET used = $1 WHERE account_id = $2")
        .bind(true)
        .bind(account_id)
        .execute(&mut **tx)
        .await?;
    Ok(true)
}

/// The account's confirmation token, created (and stored) when it has none.
pub async fn ensure_confirmation(db: &Db, account_id: &str) -> Result<String, AppError> {
    let row = sqlx::query("SELECT confirmation_token FROM accounts WHERE id = $1")
        .bind(account_id)
        .fetch_optional(&db.pool)
        .await?;
    if let Some(token) = row
        .map(|r| r.opt_text("confirmation_token"))
        .transpose()?
        .flatten()
    {
        return Ok(token);
    }
    let token = secrets::random_token();
    // Only fills an empty slot, so two concurrent senders end up with the same stored token.
    sqlx::query(
        "UPDATE accounts SET confirmation_token = $1 WHERE id = $2 AND confirmation_token IS NULL",
    )
    .bind(&token)
    .bind(account_id)
    .execute(&db.pool)
    .await?;
    let row = sqlx::query("SELECT confirmation_token FROM accounts WHERE id = $1")
        .bind(account_id)
        .fetch_one(&db.pool)
        .await?;
    Ok(row.opt_text("confirmation_token")?.unwrap_or(token))
}

/// Sets a confirmation token inside a transaction (registration).
pub async fn set_confirmation(tx: &mut Tx, account_id: &str, token: &str) -> Result<(), AppError> {
    sqlx::query("UPDATE accounts SET confirmation_token = $1 WHERE id = $2")
        .bind(token)
        .bind(account_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Whether `token` is the account's current confirmation token.
pub async fn confirmation_matches(
    db: &Db,
    account_id: &str,
    token: &str,
) -> Result<bool, AppError> {
    let row =
        sqlx::query("SELECT confirmation_token FROM accounts WHERE id = $1 AND internal = $2")
            .bind(account_id)
            .bind(false)
            .fetch_optional(&db.pool)
            .await?;
    let stored = row
        .map(|r| r.opt_text("confirmation_token"))
        .transpose()?
        .flatten();
    Ok(stored.is_some_and(|s| !token.is_empty() && secrets::constant_time_eq(&s, token)))
}

/// Marks an account confirmed and forgets its confirmation token.
pub async fn confirm(tx: &mut Tx, account_id: &str) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE accounts SET confirmation_pending = $1, confirmation_token = NULL, updated_at = $2 WHERE id = $3",
    )
    .bind(false)
    .bind(now_ms())
    .bind(account_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
