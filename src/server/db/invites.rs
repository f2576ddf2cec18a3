//! Invite rows (users.md §6). Tokens are stored as issued: staff list them again later
//! (`GET P/users/invites`), so a digest would not do.

use chrono::NaiveDate;
use serde_json::{json, Value};
use sqlx::any::AnyRow;

use super::{now_ms, Db, RowExt, Tx};
use crate::error::AppError;

/// An invite as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invite {
    pub id: i64,
    pub token: String,
    pub used: bool,
    /// `YYYY-MM-DD`.
    pub expires_at: Option<String>,
    pub uses: i64,
    pub max_use: Option<i64>,
    pub invite_type: String,
}

const COLUMNS: &str = "id, token, used, expires_at, uses, max_use, invite_type";

impl Invite {
    fn from_row(row: &AnyRow) -> Result<Invite, sqlx::Error> {
        Ok(Invite {
            id: row.int("id")?,
            token: row.text("token")?,
            used: row.flag("used")?,
            expires_at: row.opt_text("expires_at")?,
            uses: row.int("uses")?,
            max_use: row.opt_int("max_use")?,
            invite_type: row.text("invite_type")?,
        })
    }

    /// The invite object of users.md §6.1.
    pub fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "token": self.token,
            "used": self.used,
            "expires_at": self.expires_at,
            "uses": self.uses,
            "max_use": self.max_use,
            "invite_type": self.invite_type,
        })
    }

    /// Whether a registration may use it on `today` (users.md §6.2). Every condition applies only
    /// when its value was supplied, which gives exactly the per-type rules of the table.
    pub fn is_valid(&self, today: NaiveDate) -> bool {
        let in_date = match &self.expires_at {
            None => true,
            // Stored dates are always `YYYY-MM-DD`; one that does not parse is never valid.
            Some(date) => NaiveDate::parse_from_str(date, "%Y-%m-%d").is_ok_and(|d| today <= d),
        };
        let uses_left = self.max_use.is_none_or(|max| self.uses < max);
        !self.used && in_date && uses_left
    }
}

/// The type name from what was supplied at creation.
pub fn invite_type(max_use: Option<i64>, expires_at: Option<&str>) -> &'static str {
    match (max_use.is_some(), expires_at.is_some()) {
        (false, false) => "one_time",
        (false, true) => "date_limited",
        (true, false) => "reusable",
        (true, true) => "reusable_date_limited",
    }
}

/// Stores a new invite.
pub async fn insert(
    tx: &mut Tx,
    token: &str,
    max_use: Option<i64>,
    expires_at: Option<&str>,
) -> Result<Invite, AppError> {
    let kind = invite_type(max_use, expires_at);
    let row = sqlx::query(
        "INSERT INTO invites (token, used, expires_at, uses, max_use, invite_type, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(token)
    .bind(false)
    .bind(expires_at.map(str::to_string))
    .bind(0_i64)
    .bind(max_use)
    .bind(kind)
    .bind(now_ms())
    .fetch_one(&mut **tx)
    .await?;
    Ok(Invite {
        id: row.int("id")?,
        token: token.to_string(),
        used: false,
        expires_at: expires_at.map(str::to_string),
        uses: 0,
        max_use,
        invite_type: kind.to_string(),
    })
}

/// Every invite, id ascending.
pub async fn list(db: &Db) -> Result<Vec<Invite>, AppError> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM invites ORDER BY id"
    )))
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .iter()
        .map(Invite::from_row)
        .collect::<Result<_, _>>()?)
}

/// An invite by its token.
pub async fn by_token(db: &Db, token: &str) -> Result<Option<Invite>, AppError> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM invites WHERE token = $1"
    )))
    .bind(token)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.as_ref().map(Invite::from_row).transpose()?)
}

/// Marks an invite used (revoked). Idempotent.
pub async fn mark_used(db: &Db, id: i64) -> Result<(), AppError> {
    sqlx::query("UPDATE invites SET used = $1 WHERE id = $2")
        .bind(true)
        .bind(id)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// Removes an invite (an email invite whose message could not be delivered).
pub async fn delete(db: &Db, id: i64) -> Result<(), AppError> {
    sqlx::query("DELETE FROM invites WHERE id = $1")
        .bind(id)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// Records one registration with the invite, inside the registration's transaction. The update is
/// conditional on the invite still being usable, so two registrations racing for the last use
/// cannot both succeed: `false` means the invite was used up (or revoked) in the meantime.
pub async fn record_use(tx: &mut Tx, invite: &Invite) -> Result<bool, AppError> {
    let result = match invite.invite_type.as_str() {
        "one_time" => {
            sqlx::query("UPDATE invites SET used = $1 WHERE id = $2 AND used = $3")
                .bind(true)
                .bind(invite.id)
                .bind(false)
                .execute(&mut **tx)
                .await?
        }
        "reusable" | "reusable_date_limited" => {
            sqlx::query(
                "UPDATE invites SET uses = uses + 1,
                   used = CASE WHEN uses + 1 >= max_use THEN $1 ELSE used END
                 WHERE id = $2 AND used = $3 AND uses < max_use",
            )
            .bind(true)
            .bind(invite.id)
            .bind(false)
            .execute(&mut **tx)
            .await?
        }
        // date_limited: nothing changes (users.md §6.2); the row is only re-checked for revocation.
        _ => {
            sqlx::query("UPDATE invites SET used = used WHERE id = $1 AND used = $2")
                .bind(invite.id)
                .bind(false)
                .execute(&mut **tx)
                .await?
        }
    };
    Ok(result.rows_affected() == 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn invite(used: bool, expires_at: Option<&str>, uses: i64, max_use: Option<i64>) -> Invite {
        Invite {
            id: 1,
            token: "t".into(),
            used,
            expires_at: expires_at.map(str::to_string),
            uses,
            max_use,
            invite_type: invite_type(max_use, expires_at).into(),
        }
    }

    #[test]
    fn validity_per_type() {
        let today = NaiveDate::from_ymd_opt(2024, 5, 10).unwrap_or_default();
        assert!(invite(false, None, 0, None).is_valid(today));
        assert!(!invite(true, None, 0, None).is_valid(today));
        assert!(invite(false, Some("2024-05-10"), 0, None).is_valid(today));
        assert!(!invite(false, Some("2024-05-09"), 0, None).is_valid(today));
        assert!(invite(false, None, 1, Some(2)).is_valid(today));
        assert!(!invite(false, None, 2, Some(2)).is_valid(today));
        assert!(!invite(false, None, 0, Some(0)).is_valid(today));
        assert!(!invite(false, Some("2024-05-09"), 0, Some(3)).is_valid(today));
        assert!(invite(false, Some("2024-05-11"), 0, Some(3)).is_valid(today));
    }

    #[test]
    fn types() {
        assert_eq!(invite_type(None, None), "one_time");
        assert_eq!(invite_type(None, Some("2024-01-01")), "date_limited");
        assert_eq!(invite_type(Some(1), None), "reusable");
        assert_eq!(
            invite_type(Some(1), Some("2024-01-01")),
            "reusable_date_limited"
        );
    }
}
