//! The users domain of the Admin API (users.md §1–4): listing, showing, activation, approval,
//! tags, roles and forced follows. Every write runs in one transaction with its log entry.

use serde_json::{json, Value};

use super::modlog::{self, mentions, user_map};
use super::paging::Page;
use crate::error::AppError;
use crate::server::api::params::Params;
use crate::server::auth::{Actor, Caller, Privilege, Requirement};
use crate::server::dates;
use crate::server::db::account_list::{self, AccountFilter};
use crate::server::db::accounts::{self, Account};
use crate::server::db::{now_ms, RowExt, Tx};
use crate::server::state::AppState;

pub const READ: Requirement = Requirement::privilege(&["read:accounts"], Privilege::UsersRead);
pub const ACTIVATION: Requirement =
    Requirement::privilege(&["write:accounts"], Privilege::UsersManageActivationState);
pub const APPROVE: Requirement =
    Requirement::privilege(&["write:accounts"], Privilege::UsersManageInvites);
pub const TAGS: Requirement =
    Requirement::privilege(&["write:accounts"], Privilege::UsersManageTags);
pub const ROLES_READ: Requirement = Requirement::admin(&["read:accounts"]);
pub const ROLES_WRITE: Requirement = Requirement::admin(&["write:accounts"]);
pub const FOLLOWS: Requirement = Requirement::admin(&["write:follows"]);
pub const CREDENTIALS: Requirement =
    Requirement::privilege(&["write:accounts"], Privilege::UsersManageCredentials);

/// Removes HTML tags from a display name. Only `<` followed by a letter, `/` or `!` and closed by
/// `>` counts as a tag, so text like "I <3 cats" survives.
pub fn strip_tags(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let tail = &rest[start..];
        let opens_tag = tail[1..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '/' || c == '!');
        match (opens_tag, tail.find('>')) {
            (true, Some(end)) => rest = &tail[end + 1..],
            _ => {
                out.push('<');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The admin user object (users.md §1.1): exactly these keys.
pub fn admin_user(state: &AppState, account: &Account) -> Value {
    json!({
        "id": account.id,
        "email": account.email,
        "avatar": super::accounts::avatar_url(&state.site, account),
        "nickname": account.nickname,
        "display_name": account.display_name.as_deref().map(strip_tags).unwrap_or_else(|| account.nickname.clone()),
        "deactivated": account.deactivated,
        "local": account.local,
        "confirmation_pending": account.confirmation_pending,
        "approval_pending": account.approval_pending,
        "roles": {"admin": account.is_admin, "moderator": account.is_moderator},
        "tags": account.tags,
        "url": account.profile_url.clone().unwrap_or_else(|| account.ap_id.clone()),
        "registration_reason": account.registration_reason,
        "actor_type": account.actor_type,
        "is_active": !account.deactivated,
        "is_confirmed": !account.confirmation_pending,
        "is_approved": !account.approval_pending,
        "created_at": dates::iso(account.created_at),
    })
}

/// A user by `:nickname_or_id`, or 404.
pub async fn find(state: &AppState, key: &str) -> Result<Account, AppError> {
    accounts::by_nickname_or_id(&state.db, key, &state.site.host)
        .await?
        .ok_or(AppError::NotFound)
}

/// The `nicknames` parameter: required, non-empty.
pub fn nicknames_param(params: &Params, key: &str) -> Result<Vec<String>, AppError> {
    let list = params.strings(key)?.ok_or_else(|| AppError::missing(key))?;
    if list.is_empty() {
        return Err(AppError::bad_request(format!("{key} can't be blank")));
    }
    Ok(list)
}

/// Resolves every nickname first (all or nothing): any unknown → 404. Duplicates count once;
/// request order is kept.
pub async fn resolve_all(state: &AppState, nicknames: &[String]) -> Result<Vec<Account>, AppError> {
    let mut out: Vec<Account> = Vec::with_capacity(nicknames.len());
    for nickname in nicknames {
        let account = accounts::by_nickname(&state.db, nickname, &state.site.host)
            .await?
            .ok_or(AppError::NotFound)?;
        if !out.iter().any(|a| a.id == account.id) {
            out.push(account);
        }
    }
    Ok(out)
}

/// Reloads accounts after a change (for responses).
async fn reload(state: &AppState, list: &[Account]) -> Result<Vec<Account>, AppError> {
    let mut out = Vec::with_capacity(list.len());
    for account in list {
        out.push(
            accounts::by_id(&state.db, &account.id)
                .await?
                .ok_or(AppError::NotFound)?,
        );
    }
    Ok(out)
}

/// The filters of `GET /users` from request parameters.
pub fn filter_from_params(params: &Params) -> Result<AccountFilter, AppError> {
    let split = |list: Option<Vec<String>>| -> Vec<String> {
        list.unwrap_or_default()
            .iter()
            .flat_map(|s| s.split(','))
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect()
    };
    Ok(AccountFilter {
        query: params.string("query")?.filter(|s| !s.is_empty()),
        name: params.string("name")?.filter(|s| !s.is_empty()),
        email: params.string("email")?.filter(|s| !s.is_empty()),
        tags: params
            .strings("tags")?
            .unwrap_or_default()
            .iter()
            .map(|t| t.trim().to_lowercase())
            .filter(|t| !t.is_empty())
            .collect(),
        actor_types: params.strings("actor_types")?.unwrap_or_default(),
        flags: split(params.strings("filters")?),
    })
}

/// `GET /users`.
pub async fn list(state: &AppState, caller: &Caller, params: &Params) -> Result<Value, AppError> {
    caller.authorize(&READ)?;
    let page = Page::from_params(params, 50, None)?;
    let filter = filter_from_params(params)?;
    let (total, list) =
        account_list::list(&state.db, &filter, page.page_size, page.offset()).await?;
    let users: Vec<Value> = list.iter().map(|a| admin_user(state, a)).collect();
    Ok(json!({"users": users, "count": total, "page_size": page.page_size}))
}

/// `GET /users/:nickname_or_id`.
pub async fn show(state: &AppState, caller: &Caller, key: &str) -> Result<Value, AppError> {
    caller.authorize(&READ)?;
    Ok(admin_user(state, &find(state, key).await?))
}

async fn set_flag(
    tx: &mut Tx,
    account_id: &str,
    column: Flag,
    value: bool,
) -> Result<(), AppError> {
    let sql = match column {
        Flag::Deactivated => "UPDATE accounts SET deactivated = $1, updated_at = $2 WHERE id = $3",
        Flag::ApprovalPending => {
            "UPDATE accounts SET approval_pending = $1, updated_at = $2 WHERE id = $3"
        }
        Flag::Admin => "UPDATE accounts SET is_admin = $1, updated_at = $2 WHERE id = $3",
        Flag::Moderator => "UPDATE accounts SET is_moderator = $1, updated_at = $2 WHERE id = $3",
        Flag::PasswordResetPending => {
            "UPDATE accounts SET password_reset_pending = $1, updated_at = $2 WHERE id = $3"
        }
    };
    sqlx::query(sql)
        .bind(value)
        .bind(now_ms())
        .bind(account_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Account columns changed by admin actions.
#[derive(Debug, Clone, Copy)]
enum Flag {
    Deactivated,
    ApprovalPending,
    Admin,
    Moderator,
    PasswordResetPending,
}

/// `PATCH /users/activate` and `/users/deactivate`.
pub async fn set_activation(
    state: &AppState,
    caller: &Caller,
    params: &Params,
    active: bool,
) -> Result<Value, AppError> {
    let actor = caller.authorize(&ACTIVATION)?;
    let targets = resolve_all(state, &nicknames_param(params, "nicknames")?).await?;
    let mut tx = state.db.begin().await?;
    for account in &targets {
        set_flag(&mut tx, &account.id, Flag::Deactivated, !active).await?;
    }
    log_subjects(
        &mut tx,
        &actor,
        if active { "activate" } else { "deactivate" },
        &targets,
    )
    .await?;
    tx.commit().await?;
    let users: Vec<Value> = reload(state, &targets)
        .await?
        .iter()
        .map(|a| admin_user(state, a))
        .collect();
    Ok(json!({"users": users}))
}

/// Writes one log entry naming `targets` as `subject` (`@A <verb>: @a, @b`).
pub async fn log_subjects(
    tx: &mut Tx,
    actor: &Actor,
    action: &str,
    targets: &[Account],
) -> Result<(), AppError> {
    let verb = match action {
        "activate" => "activated users",
        "deactivate" => "deactivated users",
        "approve" => "approved users",
        "force_password_reset" => "forced password reset for users",
        "confirm_email" => "confirmed email for users",
        "resend_confirmation_email" => "re-sent confirmation email for users",
        "updated_users" => "updated users",
        "delete" => "deleted users",
        _ => action,
    };
    let message = format!("{} {verb}: {}", actor.mention(), mentions(targets));
    let subjects: Vec<Value> = targets.iter().map(user_map).collect();
    modlog::write(tx, actor, action, json!({"subject": subjects}), &message).await?;
    Ok(())
}

/// `PATCH /users/:nickname/toggle_activation`.
pub async fn toggle_activation(
    state: &AppState,
    caller: &Caller,
    key: &str,
) -> Result<Value, AppError> {
    let actor = caller.authorize(&ACTIVATION)?;
    let account = find(state, key).await?;
    let mut tx = state.db.begin().await?;
    set_flag(
        &mut tx,
        &account.id,
        Flag::Deactivated,
        !account.deactivated,
    )
    .await?;
    let action = if account.deactivated {
        "activate"
    } else {
        "deactivate"
    };
    log_subjects(&mut tx, &actor, action, std::slice::from_ref(&account)).await?;
    tx.commit().await?;
    Ok(admin_user(state, &find(state, &account.id).await?))
}

/// Legacy `PUT /users/:nickname/activation_status` `{status}`.
pub async fn activation_status(
    state: &AppState,
    caller: &Caller,
    key: &str,
    params: &Params,
) -> Result<Value, AppError> {
    let actor = caller.authorize(&ACTIVATION)?;
    let status = params
        .bool("status")?
        .ok_or_else(|| AppError::missing("status"))?;
    let account = find(state, key).await?;
    let mut tx = state.db.begin().await?;
    set_flag(&mut tx, &account.id, Flag::Deactivated, !status).await?;
    log_subjects(
        &mut tx,
        &actor,
        if status { "activate" } else { "deactivate" },
        std::slice::from_ref(&account),
    )
    .await?;
    tx.commit().await?;
    Ok(admin_user(state, &find(state, &account.id).await?))
}

/// `PATCH /users/approve`. Newly approved accounts still awaiting confirmation get the
/// confirmation email (activation required, mailer on) once the approval is committed.
pub async fn approve(
    state: &AppState,
    caller: &Caller,
    params: &Params,
) -> Result<Value, AppError> {
    let actor = caller.authorize(&APPROVE)?;
    let targets = resolve_all(state, &nicknames_param(params, "nicknames")?).await?;
    let mut tx = state.db.begin().await?;
    for account in targets.iter().filter(|a| a.approval_pending) {
        set_flag(&mut tx, &account.id, Flag::ApprovalPending, false).await?;
    }
    log_subjects(&mut tx, &actor, "approve", &targets).await?;
    tx.commit().await?;
    let approved = reload(state, &targets).await?;
    let newly_approved: Vec<Account> = approved
        .iter()
        .filter(|a| targets.iter().any(|t| t.id == a.id && t.approval_pending))
        .cloned()
        .collect();
    super::passwords::send_confirmations(state, &caller.settings, &newly_approved).await;
    let users: Vec<Value> = approved.iter().map(|a| admin_user(state, a)).collect();
    Ok(json!({"users": users}))
}

/// `PUT /users/tag` (`add`) and `DELETE /users/tag`.
pub async fn tag(
    state: &AppState,
    caller: &Caller,
    params: &Params,
    add: bool,
) -> Result<(), AppError> {
    let actor = caller.authorize(&TAGS)?;
    // `nickname` is the legacy alias of `nicknames`.
    let key = if params.raw("nicknames").is_none() && params.raw("nickname").is_some() {
        "nickname"
    } else {
        "nicknames"
    };
    let nicknames = params
        .strings(key)?
        .ok_or_else(|| AppError::missing("nicknames"))?;
    let sent_tags = params
        .strings("tags")?
        .ok_or_else(|| AppError::missing("tags"))?;
    let mut tags: Vec<String> = Vec::new();
    for tag in sent_tags
        .iter()
        .map(|t| t.trim().to_lowercase())
        .filter(|t| !t.is_empty())
    {
        if !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    if tags.is_empty() {
        return Err(AppError::bad_request("tags can't be blank"));
    }
    if nicknames.is_empty() {
        return Err(AppError::bad_request("nicknames can't be blank"));
    }
    let targets = resolve_all(state, &nicknames).await?;
    let mut tx = state.db.begin().await?;
    for account in &targets {
        if add {
            let row = sqlx::query(
                "SELECT COALESCE(MAX(position), -1) AS p FROM account_tags WHERE account_id = $1",
            )
            .bind(&account.id)
            .fetch_one(&mut *tx)
            .await?;
            let mut position = row.int("p")?;
            for tag in tags.iter().filter(|t| !account.tags.contains(t)) {
                position += 1;
                sqlx::query(
                    "INSERT INTO account_tags (account_id, position, tag) VALUES ($1, $2, $3)",
                )
                .bind(&account.id)
                .bind(position)
                .bind(tag)
                .execute(&mut *tx)
                .await?;
            }
        } else {
            for tag in &tags {
                sqlx::query("DELETE FROM account_tags WHERE account_id = $1 AND tag = $2")
                    .bind(&account.id)
                    .bind(tag)
                    .execute(&mut *tx)
                    .await?;
            }
        }
    }
    let message = if add {
        format!(
            "{} added tags: {} to users: {}",
            actor.mention(),
            sent_tags.join(", "),
            mentions(&targets)
        )
    } else {
        format!(
            "{} removed tags: {} from users: {}",
            actor.mention(),
            sent_tags.join(", "),
            mentions(&targets)
        )
    };
    let nick_list: Vec<&str> = targets.iter().map(|a| a.nickname.as_str()).collect();
    modlog::write(
        &mut tx,
        &actor,
        if add { "tag" } else { "untag" },
        json!({"nicknames": nick_list, "tags": sent_tags}),
        &message,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A permission group name.
fn group(name: &str) -> Result<Flag, AppError> {
    match name {
        "admin" => Ok(Flag::Admin),
        "moderator" => Ok(Flag::Moderator),
        _ => Err(AppError::NotFoundWith("No such permission_group".into())),
    }
}

/// `GET /users/:nickname/permission_group[/:group]`.
pub async fn permission_group(
    state: &AppState,
    caller: &Caller,
    key: &str,
    group_name: Option<&str>,
) -> Result<Value, AppError> {
    caller.authorize(&ROLES_READ)?;
    if let Some(name) = group_name {
        group(name)?;
    }
    let account = find(state, key).await?;
    Ok(json!({"is_admin": account.is_admin, "is_moderator": account.is_moderator}))
}

/// `POST`/`DELETE /users/:nickname/permission_group/:group` (one nickname) and
/// `/users/permission_group/:group` with `nicknames`.
pub async fn set_permission_group(
    state: &AppState,
    caller: &Caller,
    group_name: &str,
    single: Option<&str>,
    params: &Params,
    grant: bool,
) -> Result<Value, AppError> {
    let actor = caller.authorize(&ROLES_WRITE)?;
    let flag = group(group_name)?;
    let nicknames = match single {
        Some(nickname) => vec![nickname.to_string()],
        None => nicknames_param(params, "nicknames")?,
    };
    let targets = match single {
        Some(key) => vec![find(state, key).await?],
        None => resolve_all(state, &nicknames).await?,
    };
    if !grant
        && matches!(flag, Flag::Admin)
        && targets.iter().any(|a| Some(&a.id) == actor.id.as_ref())
    {
        return Err(AppError::forbidden(
            "You can't revoke your own admin status.",
        ));
    }
    let mut tx = state.db.begin().await?;
    for account in &targets {
        set_flag(&mut tx, &account.id, flag, grant).await?;
    }
    let message = if grant {
        format!(
            "{} made {} {group_name}",
            actor.mention(),
            mentions(&targets)
        )
    } else {
        format!(
            "{} revoked {group_name} role from {}",
            actor.mention(),
            mentions(&targets)
        )
    };
    let subjects: Vec<Value> = targets.iter().map(user_map).collect();
    modlog::write(
        &mut tx,
        &actor,
        if grant { "grant" } else { "revoke" },
        json!({"subject": subjects, "permission": group_name}),
        &message,
    )
    .await?;
    tx.commit().await?;
    Ok(json!({format!("is_{group_name}"): grant}))
}

/// `POST /users/follow` and `/users/unfollow`.
pub async fn force_follow(
    state: &AppState,
    caller: &Caller,
    params: &Params,
    follow: bool,
) -> Result<Value, AppError> {
    let actor = caller.authorize(&FOLLOWS)?;
    let follower_nick = params.required_string("follower")?;
    let followed_nick = params.required_string("followed")?;
    let follower = accounts::by_nickname(&state.db, &follower_nick, &state.site.host)
        .await?
        .ok_or(AppError::NotFound)?;
    let followed = accounts::by_nickname(&state.db, &followed_nick, &state.site.host)
        .await?
        .ok_or(AppError::NotFound)?;
    if follower.id == followed.id {
        return Err(AppError::bad_request("A user can't follow themselves."));
    }
    let mut tx = state.db.begin().await?;
    let existing =
        sqlx::query("SELECT accepted FROM follows WHERE follower_id = $1 AND followed_id = $2")
            .bind(&follower.id)
            .bind(&followed.id)
            .fetch_optional(&mut *tx)
            .await?;
    let was_accepted = match &existing {
        Some(row) => row.flag("accepted")?,
        None => false,
    };
    if follow && !was_accepted {
        if existing.is_some() {
            sqlx::query(
                "UPDATE follows SET accepted = $1 WHERE follower_id = $2 AND followed_id = $3",
            )
            .bind(true)
            .bind(&follower.id)
            .bind(&followed.id)
            .execute(&mut *tx)
            .await?;
        } else {
            sqlx::query("INSERT INTO follows (follower_id, followed_id, accepted, created_at) VALUES ($1, $2, $3, $4)")
                .bind(&follower.id)
                .bind(&followed.id)
                .bind(true)
                .bind(now_ms())
                .execute(&mut *tx)
                .await?;
        }
        adjust_counts(&mut tx, &follower.id, &followed.id, 1).await?;
    } else if !follow && existing.is_some() {
        sqlx::query("DELETE FROM follows WHERE follower_id = $1 AND followed_id = $2")
            .bind(&follower.id)
            .bind(&followed.id)
            .execute(&mut *tx)
            .await?;
        if was_accepted {
            adjust_counts(&mut tx, &follower.id, &followed.id, -1).await?;
        }
    }
    let (action, verb) = if follow {
        ("follow", "follow")
    } else {
        ("unfollow", "unfollow")
    };
    let message = format!(
        "{} made @{} {verb} @{}",
        actor.mention(),
        follower.nickname,
        followed.nickname
    );
    modlog::write(
        &mut tx,
        &actor,
        action,
        json!({"follower": user_map(&follower), "followed": user_map(&followed)}),
        &message,
    )
    .await?;
    tx.commit().await?;
    Ok(json!("ok"))
}

async fn adjust_counts(
    tx: &mut Tx,
    follower: &str,
    followed: &str,
    delta: i64,
) -> Result<(), AppError> {
    sqlx::query("UPDATE accounts SET following_count = following_count + $1 WHERE id = $2")
        .bind(delta)
        .bind(follower)
        .execute(&mut **tx)
        .await?;
    sqlx::query("UPDATE accounts SET followers_count = followers_count + $1 WHERE id = $2")
        .bind(delta)
        .bind(followed)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// A user by `:nickname_or_id` for a credentials action: authorises first (so the 404 never leaks
/// to callers without the privilege).
pub async fn find_for(state: &AppState, caller: &Caller, key: &str) -> Result<Account, AppError> {
    caller.authorize(&CREDENTIALS)?;
    find(state, key).await
}

/// `PATCH /users/force_password_reset` (and the legacy single form).
pub async fn force_password_reset(
    state: &AppState,
    caller: &Caller,
    nicknames: &[String],
) -> Result<(), AppError> {
    let actor = caller.authorize(&CREDENTIALS)?;
    if nicknames.is_empty() {
        return Err(AppError::bad_request("nicknames can't be blank"));
    }
    let targets = resolve_all(state, nicknames).await?;
    let mut tx = state.db.begin().await?;
    for account in &targets {
        set_flag(&mut tx, &account.id, Flag::PasswordResetPending, true).await?;
    }
    log_subjects(&mut tx, &actor, "force_password_reset", &targets).await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_stripped_from_names() {
        assert_eq!(
            strip_tags("<b>Bob</b> <i>the</i> builder"),
            "Bob the builder"
        );
        assert_eq!(strip_tags("a < b"), "a < b");
        assert_eq!(strip_tags("I <3 cats <br/>"), "I <3 cats ");
        assert_eq!(strip_tags("<unclosed"), "<unclosed");
        assert_eq!(strip_tags(""), "");
    }
}
