//! Creating and deleting accounts from the Admin API (users.md §3: `POST /users`, `DELETE /users`).

use axum::http::StatusCode;
use serde_json::{json, Value};

use super::accounts::{check_nickname, valid_email};
use super::modlog::{self, mentions, user_map};
use super::users::resolve_all;
use crate::error::AppError;
use crate::server::api::params::{kind_of, Params};
use crate::server::auth::{secrets, Caller, Privilege, Requirement};
use crate::server::db::accounts::{self, Account, NewAccount};
use crate::server::db::{is_unique_violation, RowExt, Tx};
use crate::server::state::AppState;

pub const CREATE: Requirement = Requirement::admin(&["write:accounts"]);
pub const DELETE: Requirement = Requirement::privilege(&["write:accounts"], Privilege::UsersDelete);

/// One entry of a `POST /users` batch as submitted.
struct Entry {
    nickname: Value,
    email: Value,
    password: Value,
}

impl Entry {
    fn from(value: &Value) -> Entry {
        let get = |k: &str| value.get(k).cloned().unwrap_or(Value::Null);
        Entry {
            nickname: get("nickname"),
            email: get("email"),
            password: get("password"),
        }
    }
}

/// `POST /users` (and the legacy single form, and `POST /user`).
pub async fn create(
    state: &AppState,
    caller: &Caller,
    params: &Params,
) -> Result<(StatusCode, Value), AppError> {
    let actor = caller.authorize(&CREATE)?;
    let entries: Vec<Entry> = match params.raw("users") {
        Some(Value::Array(items)) => items.iter().map(Entry::from).collect(),
        Some(other) => {
            return Err(AppError::invalid(
                "users",
                format!("users - Invalid array. Got: {}.", kind_of(other)),
            ))
        }
        None if params.raw("nickname").is_some()
            || params.raw("email").is_some()
            || params.raw("password").is_some() =>
        {
            vec![Entry::from(&Value::Object(params.map.clone()))]
        }
        None => return Err(AppError::missing("users")),
    };
    if entries.is_empty() {
        return Err(AppError::bad_request("users can't be blank"));
    }
    let settings = &caller.settings;

    // Validate every entry before touching anything; later entries see earlier ones.
    let mut errors: Vec<String> = Vec::with_capacity(entries.len());
    let mut seen_nicks: Vec<String> = Vec::new();
    let mut seen_emails: Vec<String> = Vec::new();
    for entry in &entries {
        let message = validate(state, settings, entry, &seen_nicks, &seen_emails).await?;
        if let Value::String(n) = &entry.nickname {
            seen_nicks.push(n.to_lowercase());
        }
        if let Value::String(e) = &entry.email {
            if !e.is_empty() {
                seen_emails.push(e.to_lowercase());
            }
        }
        errors.push(message);
    }
    if errors.iter().any(|e| !e.is_empty()) {
        let body: Vec<Value> = entries
            .iter()
            .zip(&errors)
            .map(|(entry, error)| {
                json!({"type": "error", "code": 409, "error": error,
                       "data": {"nickname": entry.nickname, "email": entry.email}})
            })
            .collect();
        return Ok((StatusCode::CONFLICT, Value::Array(body)));
    }

    // Argon2 is deliberately slow: hash off the async workers.
    let passwords: Vec<String> = entries
        .iter()
        .map(|e| e.password.as_str().unwrap_or_default().to_string())
        .collect();
    let hashes = tokio::task::spawn_blocking(move || {
        passwords
            .iter()
            .map(|p| secrets::hash_password(p))
            .collect::<Result<Vec<_>, _>>()
    })
    .await
    .map_err(AppError::internal)??;

    let mut tx = state.db.begin().await?;
    let mut created: Vec<(String, String)> = Vec::with_capacity(entries.len());
    for (entry, hash) in entries.iter().zip(hashes) {
        let nickname = entry.nickname.as_str().unwrap_or_default().to_string();
        let email = entry
            .email
            .as_str()
            .filter(|e| !e.is_empty())
            .map(str::to_string);
        let new = NewAccount {
            nickname: nickname.clone(),
            email,
            password_hash: Some(hash),
            display_name: Some(nickname.clone()),
            ..NewAccount::default()
        };
        let id = accounts::insert(&mut tx, &state.site.base_url, &new).await.map_err(|e| match e {
            // A concurrent request took the name between validation and insert.
            AppError::Database(ref db) if is_unique_violation(db) => AppError::Shaped(
                StatusCode::CONFLICT,
                json!([{"type": "error", "code": 409, "error": "nickname has already been taken",
                        "data": {"nickname": nickname, "email": new.email}}]),
            ),
            other => other,
        })?;
        created.push((id, nickname));
    }
    let subjects: Vec<Value> = created
        .iter()
        .map(|(id, nickname)| json!({"id": id, "nickname": nickname, "type": "user"}))
        .collect();
    let names: Vec<String> = created
        .iter()
        .map(|(_, nickname)| format!("@{nickname}"))
        .collect();
    let message = format!("{} created users: {}", actor.mention(), names.join(", "));
    modlog::write(
        &mut tx,
        &actor,
        "create",
        json!({"subjects": subjects}),
        &message,
    )
    .await?;
    tx.commit().await?;
    let body: Vec<Value> = entries
        .iter()
        .map(|e| json!({"type": "success", "code": 200, "data": {"nickname": e.nickname, "email": e.email}}))
        .collect();
    Ok((StatusCode::OK, Value::Array(body)))
}

/// The first failing rule of users.md §3 for one entry, or `""`.
async fn validate(
    state: &AppState,
    settings: &crate::server::settings::Settings,
    entry: &Entry,
    seen_nicks: &[String],
    seen_emails: &[String],
) -> Result<String, AppError> {
    let nickname = match &entry.nickname {
        Value::Null => return Ok("nickname can't be blank".into()),
        Value::String(s) if s.is_empty() => return Ok("nickname can't be blank".into()),
        Value::String(s) => s.clone(),
        _ => return Ok("nickname has invalid format".into()),
    };
    if let Err(message) = check_nickname(&nickname, settings) {
        return Ok(message);
    }
    if seen_nicks.contains(&nickname.to_lowercase())
        || accounts::by_nickname(&state.db, &nickname, &state.site.host)
            .await?
            .is_some()
        || nickname_taken_by_internal(state, &nickname).await?
    {
        return Ok("nickname has already been taken".into());
    }
    let email = match &entry.email {
        Value::Null => None,
        Value::String(s) if s.is_empty() => None,
        Value::String(s) => Some(s.clone()),
        _ => return Ok("email has invalid format".into()),
    };
    match &email {
        None if settings.account_activation_required => return Ok("email can't be blank".into()),
        None => {}
        Some(e) if !valid_email(e) => return Ok("email has invalid format".into()),
        Some(e) => {
            let lower = e.to_lowercase();
            let taken = sqlx::query("SELECT COUNT(*) AS n FROM accounts WHERE email_lower = $1")
                .bind(&lower)
                .fetch_one(&state.db.pool)
                .await?
                .int("n")?
                > 0;
            if taken || seen_emails.contains(&lower) {
                return Ok("email has already been taken".into());
            }
        }
    }
    match &entry.password {
        Value::String(p) if !p.is_empty() => Ok(String::new()),
        Value::Null | Value::String(_) => Ok("password can't be blank".into()),
        _ => Ok("password has invalid format".into()),
    }
}

/// Internal accounts are invisible to lookups but still own their nickname.
async fn nickname_taken_by_internal(state: &AppState, nickname: &str) -> Result<bool, AppError> {
    let row = sqlx::query("SELECT COUNT(*) AS n FROM accounts WHERE nickname_lower = $1")
        .bind(nickname.to_lowercase())
        .fetch_one(&state.db.pool)
        .await?;
    Ok(row.int("n")? > 0)
}

/// `DELETE /users` (and `DELETE /user?nickname=`). Returns the nicknames as requested.
pub async fn delete(state: &AppState, caller: &Caller, params: &Params) -> Result<Value, AppError> {
    let actor = caller.authorize(&DELETE)?;
    let requested = match params.string("nickname")? {
        Some(nickname) => vec![nickname],
        None => super::users::nicknames_param(params, "nicknames")?,
    };
    let targets = resolve_all(state, &requested).await?;
    let activation_required = caller.settings.account_activation_required;
    let mut tx = state.db.begin().await?;
    for account in &targets {
        let reject = account.local
            && (account.approval_pending || (account.confirmation_pending && activation_required));
        remove_statuses(&mut tx, &account.id).await?;
        remove_follows(&mut tx, &account.id).await?;
        if account.local && !reject {
            tombstone(&mut tx, account).await?;
        } else {
            sqlx::query("DELETE FROM accounts WHERE id = $1")
                .bind(&account.id)
                .execute(&mut *tx)
                .await?;
        }
    }
    let subjects: Vec<Value> = targets.iter().map(user_map).collect();
    let message = format!("{} deleted users: {}", actor.mention(), mentions(&targets));
    modlog::write(
        &mut tx,
        &actor,
        "delete",
        json!({"subject": subjects}),
        &message,
    )
    .await?;
    tx.commit().await?;
    Ok(json!(requested))
}

/// Deletes an account's statuses and the reblogs of them, keeping others' counters right.
pub(crate) async fn remove_statuses(tx: &mut Tx, account_id: &str) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE accounts SET statuses_count = statuses_count -
           (SELECT COUNT(*) FROM statuses r WHERE r.account_id = accounts.id
              AND r.reblog_of_id IN (SELECT id FROM statuses WHERE account_id = $1))
         WHERE id IN (SELECT account_id FROM statuses WHERE reblog_of_id IN (SELECT id FROM statuses WHERE account_id = $1))
           AND id <> $1",
    )
    .bind(account_id)
    .execute(&mut **tx)
    .await?;
    sqlx::query("DELETE FROM statuses WHERE reblog_of_id IN (SELECT id FROM statuses WHERE account_id = $1)")
        .bind(account_id)
        .execute(&mut **tx)
        .await?;
    sqlx::query("DELETE FROM statuses WHERE account_id = $1")
        .bind(account_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Removes follows both ways and fixes the counters of the other side.
pub(crate) async fn remove_follows(tx: &mut Tx, account_id: &str) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE accounts SET followers_count = followers_count - 1
         WHERE id IN (SELECT followed_id FROM follows WHERE follower_id = $1 AND accepted = $2)",
    )
    .bind(account_id)
    .bind(true)
    .execute(&mut **tx)
    .await?;
    sqlx::query(
        "UPDATE accounts SET following_count = following_count - 1
         WHERE id IN (SELECT follower_id FROM follows WHERE followed_id = $1 AND accepted = $2)",
    )
    .bind(account_id)
    .bind(true)
    .execute(&mut **tx)
    .await?;
    sqlx::query("DELETE FROM follows WHERE follower_id = $1 OR followed_id = $1")
        .bind(account_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Keeps a purged local account as a tombstone so its nickname stays taken.
async fn tombstone(tx: &mut Tx, account: &Account) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE accounts SET deactivated = $1, email = NULL, email_lower = NULL, password_hash = NULL,
           display_name = NULL, display_name_lower = NULL, bio = '', fields = '[]', avatar_url = NULL,
           banner_url = NULL, background_url = NULL, mfa_enabled = $2, totp_secret = NULL, mfa_backup_codes = '[]',
           settings_store = '{}', registration_reason = NULL, is_admin = $2, is_moderator = $2,
           approval_pending = $2, confirmation_pending = $2, password_reset_pending = $2, confirmation_token = NULL,
           followers_count = 0, following_count = 0, statuses_count = 0, last_status_at = NULL
         WHERE id = $3",
    )
    .bind(true)
    .bind(false)
    .bind(&account.id)
    .execute(&mut **tx)
    .await?;
    sqlx::query("DELETE FROM account_tags WHERE account_id = $1")
        .bind(&account.id)
        .execute(&mut **tx)
        .await?;
    accounts::revoke_all_tokens(tx, &account.id).await?;
    sqlx::query("DELETE FROM password_reset_tokens WHERE account_id = $1")
        .bind(&account.id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
