//! Passwords, MFA and email confirmation (users.md §5) and their client-side pages
//! (client-api.md §7): reset links, "forgot password", the reset form, confirmation links.
//!
//! Log entries (operations.md §1): `confirm_email` and `resend_confirmation_email` are logged;
//! reset links and `disable_mfa` are not.

use serde_json::{json, Value};

use super::users::{self, log_subjects, nicknames_param, resolve_all, CREDENTIALS};
use crate::error::AppError;
use crate::server::api::params::Params;
use crate::server::auth::{secrets, Caller};
use crate::server::db::accounts::{self, Account};
use crate::server::db::{account_tokens, now_ms};
use crate::server::mail::{self, link_segment, Mailer};
use crate::server::settings::Settings;
use crate::server::state::AppState;

/// `GET /users/:nickname/password_reset` (and the legacy `GET /password_reset?nickname=`): a new
/// single-use token for a local account; older tokens stay valid.
pub async fn reset_link(state: &AppState, caller: &Caller, key: &str) -> Result<Value, AppError> {
    caller.authorize(&CREDENTIALS)?;
    let account = users::find(state, key).await?;
    if !account.local {
        return Err(AppError::bad_request("User is not local."));
    }
    let token = secrets::random_token_padded();
    account_tokens::insert_reset(
        &state.db,
        &account.id,
        &token,
        caller.settings.password_reset_token_validity,
    )
    .await?;
    let link = format!(
        "{}/api/pleroma/password_reset/{}",
        state.site.base_url,
        link_segment(&token)
    );
    Ok(json!({"token": token, "link": link}))
}

/// Legacy `GET /password_reset?nickname=`.
pub async fn reset_link_legacy(
    state: &AppState,
    caller: &Caller,
    params: &Params,
) -> Result<Value, AppError> {
    caller.authorize(&CREDENTIALS)?;
    let nickname = params.required_string("nickname")?;
    reset_link(state, caller, &nickname).await
}

/// `PUT /users/disable_mfa`: MFA off, TOTP secret and backup codes cleared. Answers the nickname
/// as sent.
pub async fn disable_mfa(
    state: &AppState,
    caller: &Caller,
    params: &Params,
) -> Result<Value, AppError> {
    caller.authorize(&CREDENTIALS)?;
    let nickname = params.required_string("nickname")?;
    let account = accounts::by_nickname(&state.db, &nickname, &state.site.host)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut tx = state.db.begin().await?;
    sqlx::query(
        "UPDATE accounts SET mfa_enabled = $1, totp_secret = NULL, mfa_backup_codes = $2, updated_at = $3 WHERE id = $4",
    )
    .bind(false)
    .bind("[]")
    .bind(now_ms())
    .bind(&account.id)
    .execute(&mut *tx)
    .await?;
    // A login already waiting for its second step would otherwise fail against a cleared secret.
    sqlx::query("DELETE FROM mfa_challenges WHERE account_id = $1")
        .bind(&account.id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(json!(nickname))
}

/// `PATCH /users/confirm_email`: pending accounts become confirmed; logged for every listed user.
pub async fn confirm_email(
    state: &AppState,
    caller: &Caller,
    params: &Params,
) -> Result<Value, AppError> {
    let actor = caller.authorize(&CREDENTIALS)?;
    let nicknames = nicknames_param(params, "nicknames")?;
    let targets = resolve_all(state, &nicknames).await?;
    let mut tx = state.db.begin().await?;
    for account in targets.iter().filter(|a| a.confirmation_pending) {
        account_tokens::confirm(&mut tx, &account.id).await?;
    }
    log_subjects(&mut tx, &actor, "confirm_email", &targets).await?;
    tx.commit().await?;
    Ok(json!(nicknames))
}

/// Whether an account can receive mail from steward at all.
fn mailable(account: &Account) -> bool {
    account.local && account.email.as_deref().is_some_and(|e| !e.is_empty())
}

/// `PATCH /users/resend_confirmation_email`: the confirmation email to every listed local account
/// with an address, whatever its state.
pub async fn resend_confirmation_email(
    state: &AppState,
    caller: &Caller,
    params: &Params,
) -> Result<Value, AppError> {
    let actor = caller.authorize(&CREDENTIALS)?;
    let nicknames = nicknames_param(params, "nicknames")?;
    let targets = resolve_all(state, &nicknames).await?;
    let mailer = Mailer::required(&caller.settings, &state.site)?;
    // Messages go out first and the log entry is written only once all were delivered, so a
    // failed delivery logs nothing. A token created on the way is kept: it is no moderation action,
    // and a message that did go out must keep a working link.
    for account in targets.iter().filter(|a| mailable(a)) {
        let token = account_tokens::ensure_confirmation(&state.db, &account.id).await?;
        mailer
            .send(&mail::confirmation(
                &caller.settings,
                &state.site.base_url,
                account,
                &token,
            ))
            .await?;
    }
    let mut tx = state.db.begin().await?;
    log_subjects(&mut tx, &actor, "resend_confirmation_email", &targets).await?;
    tx.commit().await?;
    Ok(json!(nicknames))
}

/// Sends the confirmation email to those of `accounts` still awaiting confirmation, when
/// activation is required and the mailer is on (after registration and approval).
///
/// Best effort, like Pleroma's queued delivery: the registration or approval it follows has already
/// happened, so a failed delivery is logged rather than answered; staff can re-send it.
pub async fn send_confirmations(state: &AppState, settings: &Settings, accounts: &[Account]) {
    if !settings.account_activation_required {
        return;
    }
    let Some(mailer) = Mailer::from_settings(settings, &state.site) else {
        return;
    };
    for account in accounts
        .iter()
        .filter(|a| a.confirmation_pending && mailable(a))
    {
        let sent = async {
            let token = account_tokens::ensure_confirmation(&state.db, &account.id).await?;
            mailer
                .send(&mail::confirmation(
                    settings,
                    &state.site.base_url,
                    account,
                    &token,
                ))
                .await
        }
        .await;
        if let Err(e) = sent {
            tracing::warn!(error = %e, account = %account.id, "confirmation email not delivered");
        }
    }
}

/// `POST /auth/password` ("forgot password"): a reset email to the local account matching `email`
/// or `nickname`. Always succeeds once the mailer is on, so the answer reveals nothing about which
/// accounts exist; for the same reason a failed delivery is only logged.
pub async fn forgot_password(
    state: &AppState,
    settings: &Settings,
    params: &Params,
) -> Result<(), AppError> {
    let mailer = Mailer::required(settings, &state.site)?;
    let login = match params.string("email")?.filter(|s| !s.is_empty()) {
        Some(email) => Some(email),
        None => params.string("nickname")?.filter(|s| !s.is_empty()),
    };
    let Some(login) = login else {
        return Ok(());
    };
    let account = accounts::by_login(&state.db, &login, &state.site.host).await?;
    let Some(account) = account.filter(|a| mailable(a) && !a.deactivated) else {
        return Ok(());
    };
    let token = secrets::random_token_padded();
    account_tokens::insert_reset(
        &state.db,
        &account.id,
        &token,
        settings.password_reset_token_validity,
    )
    .await?;
    let message = mail::password_reset(settings, &state.site.base_url, &account, &token);
    if let Err(e) = mailer.send(&message).await {
        tracing::warn!(error = %e, account = %account.id, "password reset email not delivered");
    }
    Ok(())
}

/// The account a reset link belongs to, while the link is usable.
pub async fn reset_account(state: &AppState, token: &str) -> Result<Option<Account>, AppError> {
    let Some(account_id) = account_tokens::live_reset(&state.db, token).await? else {
        return Ok(None);
    };
    Ok(accounts::by_id(&state.db, &account_id)
        .await?
        .filter(|a| a.local && !a.internal))
}

/// What became of a submitted reset form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResetOutcome {
    Changed,
    /// Unknown, used or expired token.
    InvalidLink,
    /// The form needs correcting: the field and what is wrong with it.
    Invalid {
        field: &'static str,
        message: &'static str,
    },
}

/// `POST /api/pleroma/password_reset`: sets the password (revoking every token and session and
/// clearing `password_reset_pending`) and uses the link up, in one transaction.
pub async fn reset_password(
    state: &AppState,
    token: &str,
    password: &str,
    confirmation: &str,
) -> Result<ResetOutcome, AppError> {
    let Some(account) = reset_account(state, token).await? else {
        return Ok(ResetOutcome::InvalidLink);
    };
    if password.is_empty() {
        return Ok(ResetOutcome::Invalid {
            field: "password",
            message: "Enter a new password.",
        });
    }
    if password != confirmation {
        return Ok(ResetOutcome::Invalid {
            field: "password_confirmation",
            message: "The passwords do not match.",
        });
    }
    let hash = secrets::hash_password(password)?;
    let mut tx = state.db.begin().await?;
    if !account_tokens::use_reset(&mut tx, token, &account.id).await? {
        return Ok(ResetOutcome::InvalidLink);
    }
    accounts::set_password(&mut tx, &account.id, &hash).await?;
    tx.commit().await?;
    Ok(ResetOutcome::Changed)
}

/// `GET /api/account/confirm_email/:user_id/:token`: `true` when the pair matched and the account
/// is now confirmed.
pub async fn confirm_link(state: &AppState, user_id: &str, token: &str) -> Result<bool, AppError> {
    if !account_tokens::confirmation_matches(&state.db, user_id, token).await? {
        return Ok(false);
    }
    let mut tx = state.db.begin().await?;
    account_tokens::confirm(&mut tx, user_id).await?;
    tx.commit().await?;
    Ok(true)
}
