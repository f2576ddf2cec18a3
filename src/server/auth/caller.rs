//! Resolving the caller of a request (auth.md §1) and checking what it may do (auth.md §4).
//!
//! Both doors build a [`Caller`]: REST handlers from the request, server functions from the panel
//! session. Service functions then call [`Caller::authorize`] or [`Caller::require_user`] before
//! anything else, so no door can skip a check.

use std::net::IpAddr;
use std::sync::Arc;

use axum::http::{header, HeaderMap, Method};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::json;

use super::privileges::{self, Privilege};
use super::{ratelimit, scopes, secrets};
use crate::error::AppError;
use crate::server::db::accounts::{self, Account};
use crate::server::db::{now_ms, RowExt};
use crate::server::settings::Settings;
use crate::server::state::AppState;

/// Name of the panel's session cookie.
pub const SESSION_COOKIE: &str = "steward_session";

/// How the caller proved who it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    Anonymous,
    Token,
    Basic,
    Session,
    AdminToken,
}

/// A credential problem found while resolving, reported in the order of auth.md §4.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    Throttled,
    Csrf,
    BasicWithMfa,
}

/// The resolved caller of one request.
#[derive(Debug, Clone)]
pub struct Caller {
    pub account: Option<Account>,
    pub via: Via,
    /// `None` when scope checks are skipped (HTTP Basic, admin token).
    pub scopes: Option<Vec<String>>,
    /// The app of the token (also for app-only tokens).
    pub app_id: Option<i64>,
    pub refusal: Option<Refusal>,
    pub settings: Arc<Settings>,
}

/// Who performed an action, as the moderation log records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub id: Option<String>,
    pub nickname: Option<String>,
    pub is_admin: bool,
    pub privileges: Vec<Privilege>,
}

impl Actor {
    /// `@nick`, or `(admin token)` for the admin-token caller.
    pub fn mention(&self) -> String {
        match &self.nickname {
            Some(nick) => format!("@{nick}"),
            None => "(admin token)".to_string(),
        }
    }

    /// The user map of the moderation log.
    pub fn log_map(&self) -> serde_json::Value {
        json!({"id": self.id, "nickname": self.nickname, "type": "user"})
    }
}

/// What an endpoint needs beyond a staff caller.
#[derive(Debug, Clone, Copy)]
pub enum Access {
    /// Admins only, whatever the privilege lists say.
    Admin,
    /// Staff holding this privilege.
    Privilege(Privilege),
}

/// An Admin API endpoint's requirement: base scope(s) (any one suffices) and access.
#[derive(Debug, Clone, Copy)]
pub struct Requirement {
    pub scopes: &'static [&'static str],
    pub access: Access,
}

impl Requirement {
    pub const fn privilege(scope: &'static [&'static str], privilege: Privilege) -> Requirement {
        Requirement {
            scopes: scope,
            access: Access::Privilege(privilege),
        }
    }

    pub const fn admin(scope: &'static [&'static str]) -> Requirement {
        Requirement {
            scopes: scope,
            access: Access::Admin,
        }
    }
}

/// Why a known account may not act (auth.md §1 gate, §8.3 messages).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountState {
    Deactivated,
    PasswordResetPending,
    ApprovalPending,
    ConfirmationPending,
}

impl AccountState {
    /// The 403 of the token endpoint and the panel login.
    pub fn error(self) -> AppError {
        let (error, identifier) = match self {
            AccountState::Deactivated => {
                ("Your account is currently disabled", "account_is_disabled")
            }
            AccountState::PasswordResetPending => {
                ("Password reset is required", "password_reset_required")
            }
            AccountState::ConfirmationPending => (
                "Your login is missing a confirmed e-mail address",
                "missing_confirmed_email",
            ),
            AccountState::ApprovalPending => {
                ("Your account is awaiting approval.", "awaiting_approval")
            }
        };
        AppError::Shaped(
            axum::http::StatusCode::FORBIDDEN,
            json!({"error": error, "identifier": identifier}),
        )
    }
}

/// The account-state gate: `Some(state)` when the account may not act.
pub fn account_state(account: &Account, settings: &Settings) -> Option<AccountState> {
    if account.deactivated {
        Some(AccountState::Deactivated)
    } else if account.password_reset_pending {
        Some(AccountState::PasswordResetPending)
    } else if account.local && account.approval_pending {
        Some(AccountState::ApprovalPending)
    } else if account.local && account.confirmation_pending && settings.account_activation_required
    {
        Some(AccountState::ConfirmationPending)
    } else {
        None
    }
}

/// The parts of a request that carry credentials.
pub struct Credentials<'a> {
    pub method: &'a Method,
    pub headers: &'a HeaderMap,
    /// `access_token` from the query or body.
    pub access_token: Option<String>,
    /// `admin_token` from the query or body.
    pub admin_token: Option<String>,
    pub ip: IpAddr,
}

impl Caller {
    fn anonymous(settings: Arc<Settings>) -> Caller {
        Caller {
            account: None,
            via: Via::Anonymous,
            scopes: Some(Vec::new()),
            app_id: None,
            refusal: None,
            settings,
        }
    }

    /// Resolves the caller from a request's credentials (auth.md §1, in order).
    pub async fn resolve(
        state: &AppState,
        settings: Arc<Settings>,
        creds: Credentials<'_>,
    ) -> Result<Caller, AppError> {
        let mut caller = Caller::anonymous(settings.clone());
        let authorization = creds
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok());

        // 1. OAuth access token.
        let bearer = authorization.and_then(bearer_token);
        if let Some(token) = creds
            .access_token
            .clone()
            .filter(|t| !t.is_empty())
            .or(bearer)
        {
            if let Some(found) = find_token(state, &token, None).await? {
                caller.via = Via::Token;
                caller.app_id = Some(found.app_id);
                caller.scopes = Some(found.scopes);
                caller.account = found
                    .account
                    .filter(|a| account_state(a, &settings).is_none());
            }
            return caller.finish(state).await;
        }

        // 2. HTTP Basic.
        if let Some((login, password)) = authorization.and_then(basic_credentials) {
            if let Err(e) = ratelimit::check(&state.db, &settings, creds.ip).await {
                caller.refusal = Some(refusal_of(e)?);
                return Ok(caller);
            }
            let account = accounts::by_login(&state.db, &login, &state.site.host).await?;
            let verified = account.filter(|a| {
                a.password_hash
                    .as_deref()
                    .is_some_and(|hash| secrets::verify_password(&password, hash))
            });
            match verified {
                None => {
                    if let Err(e) = ratelimit::fail(&state.db, &settings, creds.ip).await {
                        caller.refusal = Some(refusal_of(e)?);
                    }
                }
                Some(account) if account.mfa_enabled => {
                    caller.refusal = Some(Refusal::BasicWithMfa)
                }
                Some(account) => {
                    caller.via = Via::Basic;
                    caller.scopes = None;
                    caller.account =
                        Some(account).filter(|a| account_state(a, &settings).is_none());
                }
            }
            return caller.finish(state).await;
        }

        // 3. Panel session cookie.
        if let Some(token) = session_cookie(creds.headers) {
            if let Some(found) = find_token(state, &token, Some("session")).await? {
                if is_unsafe(creds.method) {
                    let sent = creds
                        .headers
                        .get("x-csrf-token")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("");
                    if !secrets::constant_time_eq(sent, &secrets::csrf_for(&token)) {
                        caller.refusal = Some(Refusal::Csrf);
                        return Ok(caller);
                    }
                }
                caller.via = Via::Session;
                caller.app_id = Some(found.app_id);
                caller.scopes = Some(found.scopes);
                caller.account = found
                    .account
                    .filter(|a| account_state(a, &settings).is_none());
                if caller.account.is_some() {
                    return caller.finish(state).await;
                }
            }
        }

        // 4. Admin token.
        if let Some(expected) = settings.admin_token.clone() {
            let sent = creds.admin_token.clone().or_else(|| {
                creds
                    .headers
                    .get("x-admin-token")
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_string)
            });
            if let Some(sent) = sent {
                if let Err(e) = ratelimit::check(&state.db, &settings, creds.ip).await {
                    caller.refusal = Some(refusal_of(e)?);
                    return Ok(caller);
                }
                if secrets::constant_time_eq(&sent, &expected) {
                    caller.via = Via::AdminToken;
                    caller.scopes = None;
                } else if let Err(e) = ratelimit::fail(&state.db, &settings, creds.ip).await {
                    caller.refusal = Some(refusal_of(e)?);
                }
            }
        }
        Ok(caller)
    }

    /// Builds the caller of a panel server function from its session cookie. `csrf` is the token the
    /// panel sent with a state-changing call (`None` for reads).
    pub async fn from_session(
        state: &AppState,
        headers: &HeaderMap,
        csrf: Option<&str>,
    ) -> Result<Caller, AppError> {
        let settings = state.settings().await?;
        let mut caller = Caller::anonymous(settings.clone());
        let Some(token) = session_cookie(headers) else {
            return Ok(caller);
        };
        if let Some(sent) = csrf {
            if !secrets::constant_time_eq(sent, &secrets::csrf_for(&token)) {
                caller.refusal = Some(Refusal::Csrf);
                return Ok(caller);
            }
        }
        if let Some(found) = find_token(state, &token, Some("session")).await? {
            caller.via = Via::Session;
            caller.app_id = Some(found.app_id);
            caller.scopes = Some(found.scopes);
            caller.account = found
                .account
                .filter(|a| account_state(a, &settings).is_none());
        }
        caller.finish(state).await
    }

    async fn finish(self, state: &AppState) -> Result<Caller, AppError> {
        if let Some(account) = &self.account {
            accounts::touch_active(&state.db, account).await?;
        }
        Ok(self)
    }

    /// Whether a user (or the admin token) stands behind this request.
    pub fn is_authenticated(&self) -> bool {
        self.account.is_some() || self.via == Via::AdminToken
    }

    fn refusal_error(&self) -> Option<AppError> {
        self.refusal.map(|r| match r {
            Refusal::Throttled => AppError::Throttled,
            Refusal::Csrf => AppError::forbidden("Invalid CSRF token."),
            Refusal::BasicWithMfa => AppError::forbidden(
                "Two-factor authentication enabled, you must use a access token.",
            ),
        })
    }

    /// The effective privileges of the caller.
    pub fn privileges(&self) -> Vec<Privilege> {
        if self.via == Via::AdminToken {
            return privileges::effective(true, false, &self.settings.admin_privileges, &[]);
        }
        match &self.account {
            Some(a) => privileges::effective(
                a.is_admin,
                a.is_moderator,
                &self.settings.admin_privileges,
                &self.settings.moderator_privileges,
            ),
            None => Vec::new(),
        }
    }

    /// Checks an Admin API requirement in the order of auth.md §4 (steps 2–8).
    pub fn authorize(&self, requirement: &Requirement) -> Result<Actor, AppError> {
        if let Some(error) = self.refusal_error() {
            return Err(error);
        }
        let (id, nickname, is_admin, is_moderator) = match (&self.account, self.via) {
            (Some(a), _) => (
                Some(a.id.clone()),
                Some(a.nickname.clone()),
                a.is_admin,
                a.is_moderator,
            ),
            (None, Via::AdminToken) => (None, None, true, false),
            (None, _) => return Err(AppError::forbidden("Invalid credentials.")),
        };
        let not_admin = || AppError::forbidden("User is not an admin.");
        if !is_admin && !is_moderator {
            return Err(not_admin());
        }
        let privileges = self.privileges();
        let allowed = match requirement.access {
            Access::Admin => is_admin,
            Access::Privilege(p) => privileges.contains(&p),
        };
        if !allowed {
            return Err(not_admin());
        }
        if let Some(have) = &self.scopes {
            let alternatives = scopes::admin_alternatives(
                requirement.scopes,
                self.settings.enforce_oauth_admin_scope_usage,
            );
            if !alternatives
                .iter()
                .any(|want| scopes::any_covers(have, want))
            {
                return Err(AppError::forbidden(scopes::insufficient(&alternatives)));
            }
        }
        Ok(Actor {
            id,
            nickname,
            is_admin,
            privileges,
        })
    }

    /// Checks a client-API requirement: a user, holding `scope` (skipped for Basic).
    pub fn require_user(&self, scope: &str) -> Result<&Account, AppError> {
        if let Some(error) = self.refusal_error() {
            return Err(error);
        }
        let Some(account) = &self.account else {
            return Err(AppError::forbidden("Invalid credentials."));
        };
        if let Some(have) = &self.scopes {
            if !scopes::any_covers(have, scope) {
                return Err(AppError::forbidden(scopes::insufficient(&[
                    scope.to_string()
                ])));
            }
        }
        Ok(account)
    }
}

fn refusal_of(error: AppError) -> Result<Refusal, AppError> {
    match error {
        AppError::Throttled => Ok(Refusal::Throttled),
        other => Err(other),
    }
}

fn is_unsafe(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// `Bearer <token>` (scheme case-insensitive, `Bearer:` tolerated).
fn bearer_token(value: &str) -> Option<String> {
    let (scheme, rest) = value.split_once([' ', ':'])?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return None;
    }
    let token = rest.trim_start_matches(':').trim();
    (!token.is_empty()).then(|| token.to_string())
}

/// `Basic base64(login:password)`.
fn basic_credentials(value: &str) -> Option<(String, String)> {
    let (scheme, rest) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = STANDARD.decode(rest.trim()).ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (login, password) = text.split_once(':')?;
    if text.contains('\0') {
        return None;
    }
    Some((login.to_string(), password.to_string()))
}

/// The session cookie's value, if any.
pub fn session_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.to_string())
        .filter(|v| !v.is_empty())
}

/// A live token and what it grants.
pub struct FoundToken {
    pub id: i64,
    pub app_id: i64,
    pub scopes: Vec<String>,
    pub account: Option<Account>,
}

/// Looks a token up by its secret; expired tokens are not found. `kind` restricts to sessions.
pub async fn find_token(
    state: &AppState,
    token: &str,
    kind: Option<&str>,
) -> Result<Option<FoundToken>, AppError> {
    // The token and its account (with tags) in one query: this runs on every authenticated request.
    let sql = format!(
        "SELECT t.token_id, t.app_id, t.token_account, t.scopes, t.kind, {}
         FROM (SELECT id AS token_id, app_id, account_id AS token_account, scopes, kind
               FROM tokens WHERE token_hash = $1 AND expires_at > $2) t
         LEFT JOIN accounts ON accounts.id = t.token_account",
        accounts::columns(state.db.backend)
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(secrets::digest(token))
        .bind(now_ms())
        .fetch_optional(&state.db.pool)
        .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    if kind.is_some_and(|k| row.text("kind").ok().as_deref() != Some(k)) {
        return Ok(None);
    }
    let account = match row.opt_text("token_account")? {
        // The account is gone: the token identifies nobody.
        Some(_) if row.opt_text("id")?.is_none() => return Ok(None),
        Some(_) => Some(Account::from_row(&row)?),
        None => None,
    };
    Ok(Some(FoundToken {
        id: row.int("token_id")?,
        app_id: row.int("app_id")?,
        scopes: scopes::parse(&row.text("scopes")?),
        account,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_forms() {
        assert_eq!(bearer_token("Bearer abc").as_deref(), Some("abc"));
        assert_eq!(bearer_token("bearer abc").as_deref(), Some("abc"));
        assert_eq!(bearer_token("Bearer: abc").as_deref(), Some("abc"));
        assert_eq!(bearer_token("Basic abc"), None);
    }

    #[test]
    fn basic_form() {
        let value = format!("Basic {}", STANDARD.encode("alice:pa:ss"));
        assert_eq!(
            basic_credentials(&value),
            Some(("alice".into(), "pa:ss".into()))
        );
        assert_eq!(basic_credentials("Basic !!!"), None);
    }

    #[test]
    fn cookie_parsing() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            "a=1; steward_session=tok; b=2"
                .parse()
                .unwrap_or(header::HeaderValue::from_static("")),
        );
        assert_eq!(session_cookie(&headers).as_deref(), Some("tok"));
    }
}
