//! Registration (client-api.md §3): `POST /api/v1/accounts` and the invite form at
//! `/registration/:token` share the gate, the validation and the account creation here.

use axum::http::StatusCode;
use chrono::Utc;
use serde_json::{json, Map, Value};

use super::accounts::{check_nickname, valid_email};
use super::oauth;
use super::passwords::send_confirmations;
use crate::error::AppError;
use crate::server::api::params::Params;
use crate::server::auth::caller::account_state;
use crate::server::auth::{scopes, secrets, Caller};
use crate::server::db::accounts::{self, Account, NewAccount};
use crate::server::db::invites::{self, Invite};
use crate::server::db::{account_tokens, is_unique_violation, RowExt};
use crate::server::settings::Settings;
use crate::server::state::AppState;

/// Answer to a registration that awaits email confirmation.
pub const CONFIRMATION_PENDING: &str = "You have been registered. Some post-registration steps may be pending. Please check your email for further instructions.";
/// Answer to a registration that awaits approval.
pub const APPROVAL_PENDING: &str =
    "You have been registered. You'll be able to log in once your account is approved.";

/// What a registration submits.
#[derive(Debug, Clone, Default)]
pub struct Form {
    pub username: Option<String>,
    pub email: Option<String>,
    pub password: Option<String>,
    pub agreement: Option<bool>,
    pub reason: Option<String>,
    pub fullname: Option<String>,
    /// The invite token.
    pub token: Option<String>,
}

impl Form {
    /// Reads the documented parameters (wrong JSON types get the generic validation answer).
    pub fn from_params(params: &Params) -> Result<Form, AppError> {
        let text = |key: &str| -> Result<Option<String>, AppError> {
            Ok(params.string(key)?.filter(|s| !s.is_empty()))
        };
        // Accepted for Mastodon compatibility; steward has no per-account locale to store.
        params.string("locale")?;
        Ok(Form {
            username: text("username")?,
            email: text("email")?,
            password: text("password")?,
            agreement: params.bool("agreement")?,
            reason: text("reason")?,
            fullname: text("fullname")?,
            token: text("token")?,
        })
    }
}

/// How a new account starts.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// Usable at once.
    Ready(Account),
    ConfirmationPending(Account),
    ApprovalPending(Account),
}

/// The registration gate (client-api.md §3): `Some(invite)` when an invite is required and valid.
pub async fn gate(
    state: &AppState,
    settings: &Settings,
    token: Option<&str>,
) -> Result<Option<Invite>, AppError> {
    if settings.registrations_open {
        return Ok(None);
    }
    if !settings.invites_enabled {
        return Err(AppError::forbidden("Registrations are closed"));
    }
    let invalid = || AppError::bad_request("Invalid token");
    let invite = match token {
        Some(token) => invites::by_token(&state.db, token).await?,
        None => None,
    }
    .ok_or_else(invalid)?;
    if !invite.is_valid(Utc::now().date_naive()) {
        return Err(invalid());
    }
    Ok(Some(invite))
}

/// The validation answer: `{"error": <first message>, "details": {<field>: [<message>]}}` with
/// fields in the order username, email, password, agreement (then fullname).
pub fn field_errors(errors: &[(&str, String)]) -> AppError {
    let mut details = Map::new();
    for (field, message) in errors {
        let entry = details
            .entry(field.to_string())
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(list) = entry {
            list.push(Value::String(message.clone()));
        }
    }
    let first = errors.first().map(|(_, m)| m.clone()).unwrap_or_default();
    AppError::Shaped(
        StatusCode::BAD_REQUEST,
        json!({"error": first, "details": details}),
    )
}

async fn email_taken(state: &AppState, email: &str) -> Result<bool, AppError> {
    let row = sqlx::query("SELECT COUNT(*) AS n FROM accounts WHERE email_lower = $1")
        .bind(email.to_lowercase())
        .fetch_one(&state.db.pool)
        .await?;
    Ok(row.int("n")? > 0)
}

/// users.md §1.3 rules with the request's field names; the first failing rule of each field.
async fn validate(state: &AppState, settings: &Settings, form: &Form) -> Result<(), AppError> {
    let mut errors: Vec<(&str, String)> = Vec::new();
    match form.username.as_deref() {
        None => errors.push(("username", "username can't be blank".into())),
        Some(username) => {
            if let Err(message) = check_nickname(username, settings) {
                errors.push(("username", message.replacen("nickname", "username", 1)));
            } else if accounts::by_nickname(&state.db, username, &state.site.host)
                .await?
                .is_some()
            {
                errors.push(("username", "username has already been taken".into()));
            }
        }
    }
    let email_problem = match form.email.as_deref() {
        None if settings.account_activation_required => Some("email can't be blank"),
        None => None,
        Some(email) if !valid_email(email) => Some("email has invalid format"),
        Some(email) => email_taken(state, email)
            .await?
            .then_some("email has already been taken"),
    };
    if let Some(message) = email_problem {
        errors.push(("email", message.to_string()));
    }
    if form.password.is_none() {
        errors.push(("password", "password can't be blank".into()));
    }
    if form.agreement != Some(true) {
        errors.push(("agreement", "agreement must be accepted".into()));
    }
    // The display name follows the limit of credentials updates (users.md §5).
    if let Some(name) = &form.fullname {
        if i64::try_from(name.chars().count()).unwrap_or(i64::MAX) > settings.user_name_length {
            errors.push((
                "fullname",
                format!(
                    "fullname should be at most {} character(s)",
                    settings.user_name_length
                ),
            ));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(field_errors(&errors))
    }
}

/// Checks the gate and the form, then creates the account and records the invite's use in one
/// transaction. The confirmation email (when due) follows the commit.
pub async fn register(
    state: &AppState,
    settings: &Settings,
    form: &Form,
) -> Result<Outcome, AppError> {
    let invite = gate(state, settings, form.token.as_deref()).await?;
    validate(state, settings, form).await?;
    let (Some(username), Some(password)) = (&form.username, &form.password) else {
        return Err(field_errors(&[(
            "username",
            "username can't be blank".to_string(),
        )]));
    };
    let hash = secrets::hash_password(password)?;
    let confirmation_pending = settings.account_activation_required;
    let new = NewAccount {
        nickname: username.clone(),
        email: form.email.clone(),
        password_hash: Some(hash),
        display_name: form.fullname.clone(),
        approval_pending: settings.account_approval_required,
        confirmation_pending,
        registration_reason: form.reason.clone(),
        ..NewAccount::default()
    };
    let mut tx = state.db.begin().await?;
    let id = match accounts::insert(&mut tx, &state.site.base_url, &new).await {
        Ok(id) => id,
        // Someone took the nickname or the address since validation.
        Err(AppError::Database(e)) if is_unique_violation(&e) => {
            let taken = if e.to_string().contains("email") {
                ("email", "email has already been taken")
            } else {
                ("username", "username has already been taken")
            };
            return Err(field_errors(&[(taken.0, taken.1.to_string())]));
        }
        Err(e) => return Err(e),
    };
    if confirmation_pending {
        account_tokens::set_confirmation(&mut tx, &id, &secrets::random_token()).await?;
    }
    if let Some(invite) = &invite {
        if !invites::record_use(&mut tx, invite).await? {
            return Err(AppError::bad_request("Invalid token"));
        }
    }
    tx.commit().await?;
    let account = accounts::by_id(&state.db, &id)
        .await?
        .ok_or_else(|| AppError::internal("a registered account vanished"))?;
    send_confirmations(state, settings, std::slice::from_ref(&account)).await;
    Ok(
        if account.confirmation_pending && settings.account_activation_required {
            Outcome::ConfirmationPending(account)
        } else if account.approval_pending {
            Outcome::ApprovalPending(account)
        } else {
            Outcome::Ready(account)
        },
    )
}

/// `POST /api/v1/accounts`: needs an app token; answers a token response for a usable account,
/// else the pending-step message.
pub async fn register_api(
    state: &AppState,
    caller: &Caller,
    params: &Params,
) -> Result<Value, AppError> {
    let Some(app_id) = caller.app_id else {
        return Err(AppError::forbidden("Invalid credentials."));
    };
    let form = Form::from_params(params)?;
    let settings = &caller.settings;
    let row = sqlx::query("SELECT scopes FROM apps WHERE id = $1")
        .bind(app_id)
        .fetch_optional(&state.db.pool)
        .await?
        .ok_or_else(|| AppError::forbidden("Invalid credentials."))?;
    let app_scopes = scopes::parse(&row.text("scopes")?);
    // The token scopes are checked before anything is created.
    let token_scopes = match oauth::parse_scopes(params, "scope")? {
        Some(requested) if !requested.is_empty() => {
            oauth::check_covered(&requested, &app_scopes)?;
            requested
        }
        _ => app_scopes,
    };
    match register(state, settings, &form).await? {
        Outcome::ConfirmationPending(_) => Ok(json!({
            "message": CONFIRMATION_PENDING,
            "identifier": "missing_confirmed_email",
        })),
        Outcome::ApprovalPending(_) => Ok(json!({
            "message": APPROVAL_PENDING,
            "identifier": "awaiting_approval",
        })),
        Outcome::Ready(account) => {
            // Defensive: only an account that passes the account-state gate gets a token.
            if let Some(blocked) = account_state(&account, settings) {
                return Err(blocked.error());
            }
            let issued = oauth::issue(
                &state.db,
                app_id,
                Some(account),
                token_scopes,
                "oauth",
                settings.token_expires_in,
            )
            .await?;
            Ok(issued.to_json(&state.site.base_url))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn details_shape() {
        let error = field_errors(&[
            ("username", "username is reserved".into()),
            ("agreement", "agreement must be accepted".into()),
        ]);
        assert_eq!(error.status(), StatusCode::BAD_REQUEST);
        assert_eq!(
            error.body(),
            json!({"error": "username is reserved", "details": {
                "username": ["username is reserved"], "agreement": ["agreement must be accepted"]}})
        );
    }
}
