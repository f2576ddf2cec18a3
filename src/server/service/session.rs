//! Panel sessions (auth.md §6): login with password (and TOTP), the session's view, logout.

use std::net::IpAddr;

use axum::http::StatusCode;
use serde_json::{json, Value};

use super::accounts::{avatar_url, credentials_entity, display_name};
use super::oauth::{self, PANEL_SCOPES, SESSION_TTL_MS};
use crate::error::AppError;
use crate::model::session::SessionInfo;
use crate::server::api::params::Params;
use crate::server::auth::caller::{account_state, find_token};
use crate::server::auth::{privileges, scopes, secrets, totp};
use crate::server::db::accounts::Account;
use crate::server::db::now_ms;
use crate::server::settings::Settings;
use crate::server::state::AppState;

/// A successful login: the cookie value and what the panel shows.
pub struct Session {
    pub token: String,
    pub info: SessionInfo,
    pub account: Value,
}

impl Session {
    /// The body of `POST`/`GET /api/steward/session`.
    pub fn to_json(&self) -> Value {
        json!({"csrf_token": self.info.csrf_token, "account": self.account})
    }
}

/// The outcome of a login attempt that did not fail.
pub enum Login {
    Done(Box<Session>),
    /// MFA is on: the second step needs a code; the token carries what the first step proved.
    NeedsCode {
        mfa_token: String,
    },
}

fn mfa_required() -> AppError {
    AppError::Shaped(
        StatusCode::FORBIDDEN,
        json!({"error": "mfa_required", "supported_challenge_types": "totp"}),
    )
}

/// Logs in with `username` + `password` (+ `code` when MFA is on), or finishes a login started
/// earlier with `mfa_token` + `code`.
pub async fn login(
    state: &AppState,
    settings: &Settings,
    ip: IpAddr,
    params: &Params,
) -> Result<Login, AppError> {
    let panel_app = oauth::panel_app_id(&state.db).await?;
    let code = params.string("code")?.filter(|c| !c.trim().is_empty());
    let account = if let Some(mfa_token) = params.string("mfa_token")?.filter(|t| !t.is_empty()) {
        let Some(code) = code.as_deref() else {
            return Err(AppError::missing("code"));
        };
        oauth::finish_mfa(state, &mfa_token, "totp", code, "session")
            .await?
            .account
    } else {
        let username = params.required_string("username")?;
        let password = params.required_string("password")?;
        let account = oauth::check_password(state, settings, ip, &username, &password).await?;
        check_account(&account, settings)?;
        if account.mfa_enabled {
            match code.as_deref() {
                None => {
                    let mfa_token = oauth::start_mfa(
                        &state.db,
                        &account,
                        panel_app,
                        &scopes::parse(PANEL_SCOPES),
                        "session",
                    )
                    .await?;
                    return Ok(Login::NeedsCode { mfa_token });
                }
                Some(code) => {
                    let ok = account
                        .totp_secret
                        .as_deref()
                        .is_some_and(|s| totp::verify(s, code, now_ms() / 1000));
                    if !ok {
                        return Err(AppError::bad_request("Invalid code"));
                    }
                }
            }
        }
        account
    };
    check_account(&account, settings)?;
    let issued = oauth::issue(
        &state.db,
        panel_app,
        Some(account.clone()),
        scopes::parse(PANEL_SCOPES),
        "session",
        SESSION_TTL_MS / 1000,
    )
    .await?;
    Ok(Login::Done(Box::new(session_for(
        state,
        settings,
        &account,
        issued.access_token,
    ))))
}

/// The JSON door: MFA without a code is the documented 403.
pub async fn login_json(
    state: &AppState,
    settings: &Settings,
    ip: IpAddr,
    params: &Params,
) -> Result<Session, AppError> {
    match login(state, settings, ip, params).await? {
        Login::Done(session) => Ok(*session),
        Login::NeedsCode { .. } => Err(mfa_required()),
    }
}

fn check_account(account: &Account, settings: &Settings) -> Result<(), AppError> {
    if let Some(s) = account_state(account, settings) {
        return Err(s.error());
    }
    if !account.is_staff() {
        return Err(AppError::forbidden("User is not an admin."));
    }
    Ok(())
}

fn session_for(state: &AppState, settings: &Settings, account: &Account, token: String) -> Session {
    let privileges = privileges::effective(
        account.is_admin,
        account.is_moderator,
        &settings.admin_privileges,
        &settings.moderator_privileges,
    );
    let info = SessionInfo {
        account_id: account.id.clone(),
        nickname: account.nickname.clone(),
        display_name: display_name(account),
        avatar: avatar_url(&state.site, account),
        is_admin: account.is_admin,
        is_moderator: account.is_moderator,
        privileges: privileges.iter().map(|p| p.name().to_string()).collect(),
        csrf_token: secrets::csrf_for(&token),
        instance_name: settings.name.clone(),
        // Filled in by the panel's session read, which is the only reader of the flag.
        need_reboot: false,
    };
    Session {
        account: credentials_entity(&state.site, account, settings),
        info,
        token,
    }
}

/// The live session behind a cookie value, if any (and if its account may still act).
pub async fn current(
    state: &AppState,
    settings: &Settings,
    token: Option<&str>,
) -> Result<Option<Session>, AppError> {
    let Some(token) = token else {
        return Ok(None);
    };
    let Some(found) = find_token(state, token, Some("session")).await? else {
        return Ok(None);
    };
    let Some(account) = found.account else {
        return Ok(None);
    };
    if account_state(&account, settings).is_some() {
        return Ok(None);
    }
    Ok(Some(session_for(
        state,
        settings,
        &account,
        token.to_string(),
    )))
}

/// Ends a session (no-op without one).
pub async fn logout(state: &AppState, token: Option<&str>) -> Result<(), AppError> {
    if let Some(token) = token {
        sqlx::query("DELETE FROM tokens WHERE token_hash = $1 AND kind = $2")
            .bind(secrets::digest(token))
            .bind("session")
            .execute(&state.db.pool)
            .await?;
    }
    Ok(())
}

/// `Set-Cookie` for a new session.
pub fn cookie(state: &AppState, token: &str) -> String {
    let secure = if state.site.secure { "; Secure" } else { "" };
    format!(
        "{}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{secure}",
        crate::server::auth::caller::SESSION_COOKIE,
        SESSION_TTL_MS / 1000
    )
}

/// `Set-Cookie` that removes the session cookie.
pub fn clear_cookie(state: &AppState) -> String {
    let secure = if state.site.secure { "; Secure" } else { "" };
    format!(
        "{}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{secure}",
        crate::server::auth::caller::SESSION_COOKIE
    )
}
