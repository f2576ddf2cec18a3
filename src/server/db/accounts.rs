//! Account rows and the queries every part of steward needs to find them.

use serde_json::Value;
use sqlx::any::AnyRow;

use super::{now_ms, Backend, Db, RowExt, Tx};
use crate::error::AppError;

/// An account as stored.
#[derive(Debug, Clone)]
pub struct Account {
    pub id: String,
    pub nickname: String,
    pub local: bool,
    pub domain: Option<String>,
    pub internal: bool,
    pub email: Option<String>,
    pub password_hash: Option<String>,
    pub display_name: Option<String>,
    pub bio: String,
    pub fields: Value,
    pub avatar_url: Option<String>,
    pub banner_url: Option<String>,
    pub background_url: Option<String>,
    pub ap_id: String,
    pub profile_url: Option<String>,
    pub actor_type: String,
    pub is_admin: bool,
    pub is_moderator: bool,
    pub deactivated: bool,
    pub approval_pending: bool,
    pub confirmation_pending: bool,
    pub password_reset_pending: bool,
    pub registration_reason: Option<String>,
    pub locked: bool,
    pub discoverable: bool,
    pub no_rich_text: bool,
    pub show_role: bool,
    pub default_scope: String,
    pub mfa_enabled: bool,
    pub totp_secret: Option<String>,
    pub followers_count: i64,
    pub following_count: i64,
    pub statuses_count: i64,
    pub last_status_at: Option<i64>,
    pub last_active_at: Option<i64>,
    pub created_at: i64,
    pub tags: Vec<String>,
}

/// The plain columns of an account row (no tags).
macro_rules! plain_columns {
    () => {
        "id, nickname, local, domain, internal, email, password_hash, display_name, bio, fields, \
    avatar_url, banner_url, background_url, ap_id, profile_url, actor_type, is_admin, is_moderator, deactivated, \
    approval_pending, confirmation_pending, password_reset_pending, registration_reason, locked, discoverable, \
    no_rich_text, show_role, default_scope, mfa_enabled, totp_secret, followers_count, following_count, \
    statuses_count, last_status_at, last_active_at, created_at"
    };
}

/// The plain columns of an account row, without tags (for `EXPLAIN` and raw reads).
pub const COLUMNS: &str = plain_columns!();

// Tags travel in the same row as a JSON array from a correlated subquery on the
// `(account_id, position)` index: one query per lookup or page instead of two, which matters
// because every authenticated request loads its caller this way.
const SQLITE_COLUMNS: &str = concat!(
    plain_columns!(),
    ", (SELECT json_group_array(tag ORDER BY position) FROM account_tags \
     WHERE account_tags.account_id = accounts.id) AS tags_json"
);
const POSTGRES_COLUMNS: &str = concat!(
    plain_columns!(),
    ", (SELECT COALESCE(json_agg(tag ORDER BY position), '[]'::json)::text FROM account_tags \
     WHERE account_tags.account_id = accounts.id) AS tags_json"
);

/// The columns [`Account::from_row`] reads, tags included, for `SELECT … FROM accounts` (the table
/// must not be aliased).
pub fn columns(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => SQLITE_COLUMNS,
        Backend::Postgres => POSTGRES_COLUMNS,
    }
}

impl Account {
    pub fn from_row(row: &AnyRow) -> Result<Account, sqlx::Error> {
        Ok(Account {
            id: row.text("id")?,
            nickname: row.text("nickname")?,
            local: row.flag("local")?,
            domain: row.opt_text("domain")?,
            internal: row.flag("internal")?,
            email: row.opt_text("email")?,
            password_hash: row.opt_text("password_hash")?,
            display_name: row.opt_text("display_name")?,
            bio: row.text("bio")?,
            fields: serde_json::from_str(&row.text("fields")?).unwrap_or(Value::Array(Vec::new())),
            avatar_url: row.opt_text("avatar_url")?,
            banner_url: row.opt_text("banner_url")?,
            background_url: row.opt_text("background_url")?,
            ap_id: row.text("ap_id")?,
            profile_url: row.opt_text("profile_url")?,
            actor_type: row.text("actor_type")?,
            is_admin: row.flag("is_admin")?,
            is_moderator: row.flag("is_moderator")?,
            deactivated: row.flag("deactivated")?,
            approval_pending: row.flag("approval_pending")?,
            confirmation_pending: row.flag("confirmation_pending")?,
            password_reset_pending: row.flag("password_reset_pending")?,
            registration_reason: row.opt_text("registration_reason")?,
            locked: row.flag("locked")?,
            discoverable: row.flag("discoverable")?,
            no_rich_text: row.flag("no_rich_text")?,
            show_role: row.flag("show_role")?,
            default_scope: row.text("default_scope")?,
            mfa_enabled: row.flag("mfa_enabled")?,
            totp_secret: row.opt_text("totp_secret")?,
            followers_count: row.int("followers_count")?,
            following_count: row.int("following_count")?,
            statuses_count: row.int("statuses_count")?,
            last_status_at: row.opt_int("last_status_at")?,
            last_active_at: row.opt_int("last_active_at")?,
            created_at: row.int("created_at")?,
            tags: serde_json::from_str(&row.text("tags_json")?).unwrap_or_default(),
        })
    }

    /// Staff = admin or moderator.
    pub fn is_staff(&self) -> bool {
        self.is_admin || self.is_moderator
    }
}

/// An account by id, internal ones included (callers decide visibility).
pub async fn by_id(db: &Db, id: &str) -> Result<Option<Account>, AppError> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {} FROM accounts WHERE id = $1",
        columns(db.backend)
    )))
    .bind(id)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.as_ref().map(Account::from_row).transpose()?)
}

/// A non-internal account by nickname (case-insensitive; `nick@this.host` means the local `nick`).
pub async fn by_nickname(
    db: &Db,
    nickname: &str,
    this_host: &str,
) -> Result<Option<Account>, AppError> {
    let lower = normalize_nickname(nickname, this_host);
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {} FROM accounts WHERE nickname_lower = $1 AND internal = $2",
        columns(db.backend)
    )))
    .bind(lower)
    .bind(false)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.as_ref().map(Account::from_row).transpose()?)
}

/// `:nickname_or_id`: an exact id first, then the nickname; internal accounts are never found.
pub async fn by_nickname_or_id(
    db: &Db,
    key: &str,
    this_host: &str,
) -> Result<Option<Account>, AppError> {
    if let Some(account) = by_id(db, key).await? {
        if !account.internal {
            return Ok(Some(account));
        }
    }
    by_nickname(db, key, this_host).await
}

/// The local account a person logs in as: nickname or email, case-insensitive.
pub async fn by_login(db: &Db, login: &str, this_host: &str) -> Result<Option<Account>, AppError> {
    let lower = login.to_lowercase();
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {} FROM accounts WHERE local = $1 AND internal = $2 AND (nickname_lower = $3 OR email_lower = $4)
         ORDER BY CASE WHEN nickname_lower = $3 THEN 0 ELSE 1 END LIMIT 1",
        columns(db.backend)
    )))
    .bind(true)
    .bind(false)
    .bind(normalize_nickname(login, this_host))
    .bind(lower)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.as_ref().map(Account::from_row).transpose()?)
}

/// Lowercases and maps `nick@this.host` to `nick`.
pub fn normalize_nickname(nickname: &str, this_host: &str) -> String {
    let lower = nickname.trim_start_matches('@').to_lowercase();
    match lower.split_once('@') {
        Some((nick, host)) if host == this_host.to_lowercase() => nick.to_string(),
        _ => lower,
    }
}

/// What a new account starts with.
#[derive(Debug, Clone, Default)]
pub struct NewAccount {
    pub nickname: String,
    pub domain: Option<String>,
    pub email: Option<String>,
    pub password_hash: Option<String>,
    pub display_name: Option<String>,
    pub bio: String,
    pub actor_type: String,
    pub is_admin: bool,
    pub is_moderator: bool,
    pub deactivated: bool,
    pub approval_pending: bool,
    pub confirmation_pending: bool,
    pub registration_reason: Option<String>,
    pub internal: bool,
    pub locked: bool,
    pub created_at: Option<i64>,
    pub tags: Vec<String>,
}

/// Inserts an account inside a transaction; the caller has validated it. Returns its id.
pub async fn insert(tx: &mut Tx, base_url: &str, new: &NewAccount) -> Result<String, AppError> {
    let id = super::new_id();
    let now = now_ms();
    let local = new.domain.is_none();
    let (full_nickname, ap_id, profile_url) = match &new.domain {
        None => (
            new.nickname.clone(),
            format!("{base_url}/users/{}", new.nickname),
            format!("{base_url}/users/{}", new.nickname),
        ),
        Some(domain) => (
            format!("{}@{domain}", new.nickname),
            format!("https://{domain}/users/{}", new.nickname),
            format!("https://{domain}/@{}", new.nickname),
        ),
    };
    sqlx::query(
        "INSERT INTO accounts (id, nickname, nickname_lower, local, domain, internal, email, email_lower, password_hash,
           display_name, bio, ap_id, profile_url, actor_type, is_admin, is_moderator, deactivated, approval_pending,
           confirmation_pending, registration_reason, locked, created_at, updated_at, display_name_lower)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24)",
    )
    .bind(&id)
    .bind(&full_nickname)
    .bind(full_nickname.to_lowercase())
    .bind(local)
    .bind(new.domain.clone())
    .bind(new.internal)
    .bind(new.email.clone())
    .bind(new.email.as_ref().map(|e| e.to_lowercase()))
    .bind(new.password_hash.clone())
    .bind(new.display_name.clone())
    .bind(new.bio.clone())
    .bind(ap_id)
    .bind(profile_url)
    .bind(if new.actor_type.is_empty() { "Person".to_string() } else { new.actor_type.clone() })
    .bind(new.is_admin)
    .bind(new.is_moderator)
    .bind(new.deactivated)
    .bind(new.approval_pending)
    .bind(new.confirmation_pending)
    .bind(new.registration_reason.clone())
    .bind(new.locked)
    .bind(new.created_at.unwrap_or(now))
    .bind(now)
    .bind(new.display_name.as_ref().map(|n| n.to_lowercase()))
    .execute(&mut **tx)
    .await?;
    for (position, tag) in new.tags.iter().enumerate() {
        sqlx::query("INSERT INTO account_tags (account_id, position, tag) VALUES ($1, $2, $3)")
            .bind(&id)
            .bind(position as i64)
            .bind(tag)
            .execute(&mut **tx)
            .await?;
    }
    Ok(id)
}

/// Replaces the password hash, clears a pending reset and revokes every token and session.
pub async fn set_password(tx: &mut Tx, account_id: &str, hash: &str) -> Result<(), AppError> {
    sqlx::query("UPDATE accounts SET password_hash = $1, password_reset_pending = $2, updated_at = $3 WHERE id = $4")
        .bind(hash)
        .bind(false)
        .bind(now_ms())
        .bind(account_id)
        .execute(&mut **tx)
        .await?;
    revoke_all_tokens(tx, account_id).await
}

/// Revokes every access token, refresh token and panel session of an account.
pub async fn revoke_all_tokens(tx: &mut Tx, account_id: &str) -> Result<(), AppError> {
    sqlx::query("DELETE FROM tokens WHERE account_id = $1")
        .bind(account_id)
        .execute(&mut **tx)
        .await?;
    sqlx::query("DELETE FROM oauth_codes WHERE account_id = $1")
        .bind(account_id)
        .execute(&mut **tx)
        .await?;
    sqlx::query("DELETE FROM mfa_challenges WHERE account_id = $1")
        .bind(account_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Records activity at most once an hour (nodeinfo's active users).
pub async fn touch_active(db: &Db, account: &Account) -> Result<(), AppError> {
    let now = now_ms();
    if account.last_active_at.is_none_or(|t| t + 3_600_000 <= now) {
        sqlx::query("UPDATE accounts SET last_active_at = $1 WHERE id = $2")
            .bind(now)
            .bind(&account.id)
            .execute(&db.pool)
            .await?;
    }
    Ok(())
}

/// Maps a row selected with [`columns`].
pub fn from_row(row: &AnyRow) -> Result<Account, sqlx::Error> {
    Account::from_row(row)
}
