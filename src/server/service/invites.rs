//! Invites (users.md §6): creating, listing, revoking and emailing them. None of these writes a
//! moderation-log entry (operations.md §1: "No entry for … invites").

use chrono::NaiveDate;
use serde_json::{json, Map, Value};

use crate::error::AppError;
use crate::server::api::params::Params;
use crate::server::auth::{secrets, Actor, Caller, Privilege, Requirement};
use crate::server::db::accounts;
use crate::server::db::invites::{self, Invite};
use crate::server::mail::{self, Mailer};
use crate::server::service::accounts::valid_email;
use crate::server::service::users::strip_tags;
use crate::server::state::AppState;

pub const READ: Requirement =
    Requirement::privilege(&["read:invites"], Privilege::UsersManageInvites);
pub const WRITE: Requirement =
    Requirement::privilege(&["write:invites"], Privilege::UsersManageInvites);

/// An optional `YYYY-MM-DD` parameter; `""` counts as absent. Anything else (another shape, an
/// impossible date, a number) → `<key> - Invalid format. Expected :date.`
pub fn date_param(params: &Params, key: &str) -> Result<Option<String>, AppError> {
    let invalid = || AppError::invalid(key, format!("{key} - Invalid format. Expected :date."));
    match params.raw(key) {
        None => Ok(None),
        Some(Value::String(s)) if s.is_empty() => Ok(None),
        Some(Value::String(s)) => {
            let shaped = s.len() == 10
                && s.bytes().enumerate().all(|(i, b)| {
                    if i == 4 || i == 7 {
                        b == b'-'
                    } else {
                        b.is_ascii_digit()
                    }
                });
            if shaped && NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok() {
                Ok(Some(s.clone()))
            } else {
                Err(invalid())
            }
        }
        Some(_) => Err(invalid()),
    }
}

async fn create_invite(
    state: &AppState,
    max_use: Option<i64>,
    expires_at: Option<&str>,
) -> Result<Invite, AppError> {
    let mut tx = state.db.begin().await?;
    let invite = invites::insert(
        &mut tx,
        &secrets::random_token_padded(),
        max_use,
        expires_at,
    )
    .await?;
    tx.commit().await?;
    Ok(invite)
}

/// `POST /users/invite_token`: optional `max_use` and `expires_at`, stored as given.
pub async fn create(state: &AppState, caller: &Caller, params: &Params) -> Result<Value, AppError> {
    caller.authorize(&WRITE)?;
    let max_use = params.int("max_use")?;
    let expires_at = date_param(params, "expires_at")?;
    Ok(create_invite(state, max_use, expires_at.as_deref())
        .await?
        .to_json())
}

/// Legacy `GET /users/invite_token` (and `GET /invite_token`): `invite[max_use]`,
/// `invite[expires_at]`, or the same keys at the top level (the nested form wins). Answers the
/// token alone.
pub async fn create_legacy(
    state: &AppState,
    caller: &Caller,
    params: &Params,
) -> Result<String, AppError> {
    caller.authorize(&WRITE)?;
    let nested = match params.raw("invite") {
        Some(Value::Object(map)) => map.clone(),
        _ => Map::new(),
    };
    let mut merged = Map::new();
    for key in ["max_use", "expires_at"] {
        let value = nested
            .get(key)
            .filter(|v| !v.is_null())
            .or_else(|| params.raw(key));
        if let Some(value) = value {
            merged.insert(key.to_string(), value.clone());
        }
    }
    let merged = Params::from_value(Value::Object(merged));
    let max_use = merged.int("max_use")?;
    let expires_at = date_param(&merged, "expires_at")?;
    Ok(create_invite(state, max_use, expires_at.as_deref())
        .await?
        .token)
}

/// `GET /users/invites`: every invite, id ascending.
pub async fn list(state: &AppState, caller: &Caller) -> Result<Value, AppError> {
    caller.authorize(&READ)?;
    let all: Vec<Value> = invites::list(&state.db)
        .await?
        .iter()
        .map(Invite::to_json)
        .collect();
    Ok(json!({ "invites": all }))
}

/// `POST /users/revoke_invite`: marks the invite used (idempotent).
pub async fn revoke(state: &AppState, caller: &Caller, params: &Params) -> Result<Value, AppError> {
    caller.authorize(&WRITE)?;
    let token = params.required_string("token")?;
    let invite = invites::by_token(&state.db, &token)
        .await?
        .ok_or(AppError::NotFound)?;
    invites::mark_used(&state.db, invite.id).await?;
    Ok(Invite {
        used: true,
        ..invite
    }
    .to_json())
}

/// The name the invitation is signed with: the inviting staff member's display name.
async fn inviter_name(state: &AppState, actor: &Actor, instance: &str) -> Result<String, AppError> {
    let account = match &actor.id {
        Some(id) => accounts::by_id(&state.db, id).await?,
        None => None,
    };
    Ok(match account {
        Some(a) => match a.display_name.as_deref().map(strip_tags) {
            Some(name) if !name.trim().is_empty() => name,
            _ => a.nickname,
        },
        // The admin-token caller has no account to name.
        None => format!("The staff of {instance}"),
    })
}

/// `POST /users/email_invite`: checks in the documented order, then creates a `one_time` invite
/// and sends the invitation before answering.
pub async fn email_invite(
    state: &AppState,
    caller: &Caller,
    params: &Params,
) -> Result<(), AppError> {
    let actor = caller.authorize(&WRITE)?;
    let email = params.required_string("email")?;
    let name = params.string("name")?.filter(|n| !n.is_empty());
    if !valid_email(&email) {
        return Err(AppError::bad_request("email has invalid format"));
    }
    let settings = &caller.settings;
    if settings.registrations_open {
        return Err(AppError::bad_request(
            "To send invites you need to set the `registrations_open` option to false.",
        ));
    }
    if !settings.invites_enabled {
        return Err(AppError::bad_request(
            "To send invites you need to set the `invites_enabled` option to true.",
        ));
    }
    let mailer = Mailer::required(settings, &state.site)?;
    let inviter = inviter_name(state, &actor, &settings.name).await?;
    // The invite is committed before the message leaves, so the link never points at nothing; the
    // SMTP conversation happens outside any transaction (SQLite would hold its write lock through
    // it). If delivery fails the invite is removed again, so no orphan invite is left behind.
    let invite = create_invite(state, None, None).await?;
    let message = mail::invitation(
        settings,
        &state.site.base_url,
        &inviter,
        &email,
        name.as_deref(),
        &invite.token,
    );
    if let Err(error) = mailer.send(&message).await {
        if let Err(e) = invites::delete(&state.db, invite.id).await {
            tracing::error!(error = %e, invite = invite.id, "could not remove an undelivered invite");
        }
        return Err(error);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(v: Value) -> Result<Option<String>, String> {
        date_param(&Params::from_value(json!({ "d": v })), "d").map_err(|e| e.message())
    }

    #[test]
    fn invite_dates() {
        assert_eq!(date(json!("2030-02-28")), Ok(Some("2030-02-28".into())));
        assert_eq!(date(json!("")), Ok(None));
        assert_eq!(date(Value::Null), Ok(None));
        let bad = Err("d - Invalid format. Expected :date.".to_string());
        assert_eq!(date(json!("2030-02-30")), bad);
        assert_eq!(date(json!("2030-2-3")), bad);
        assert_eq!(date(json!(" 2030-02-28")), bad);
        assert_eq!(date(json!(20300228)), bad);
    }
}
