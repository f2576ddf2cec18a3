//! OAuth apps, grants and tokens (auth.md §8).

use std::net::IpAddr;

use axum::http::StatusCode;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::error::AppError;
use crate::server::api::params::Params;
use crate::server::auth::caller::account_state;
use crate::server::auth::{ratelimit, scopes, secrets, totp};
use crate::server::db::accounts::{self, Account};
use crate::server::db::{now_ms, Db, RowExt};
use crate::server::settings::Settings;
use crate::server::state::AppState;

/// The redirect URI that shows the code on a page instead of redirecting.
pub const OOB: &str = "urn:ietf:wg:oauth:2.0:oob";
/// Name of the built-in app behind panel sessions.
pub const PANEL_APP: &str = "steward panel";
/// Scopes of panel sessions.
pub const PANEL_SCOPES: &str = "read write follow admin";
/// Lifetime of a panel session.
pub const SESSION_TTL_MS: i64 = 30 * 24 * 3600 * 1000;
const CODE_TTL_MS: i64 = 10 * 60 * 1000;
const MFA_TTL_MS: i64 = 5 * 60 * 1000;

/// An OAuth application.
#[derive(Debug, Clone)]
pub struct App {
    pub id: i64,
    pub name: String,
    pub client_id: String,
    pub client_secret: String,
    pub redirect_uris: Vec<String>,
    pub scopes: Vec<String>,
    pub website: Option<String>,
    pub trusted: bool,
}

const APP_COLUMNS: &str =
    "id, name, client_id, client_secret, redirect_uris, scopes, website, trusted";

fn app_from_row(row: &sqlx::any::AnyRow) -> Result<App, sqlx::Error> {
    Ok(App {
        id: row.int("id")?,
        name: row.text("name")?,
        client_id: row.text("client_id")?,
        client_secret: row.text("client_secret")?,
        redirect_uris: row
            .text("redirect_uris")?
            .split('\n')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect(),
        scopes: scopes::parse(&row.text("scopes")?),
        website: row.opt_text("website")?,
        trusted: row.flag("trusted")?,
    })
}

/// An app by client id (the panel's internal app is never usable from outside).
pub async fn app_by_client_id(db: &Db, client_id: &str) -> Result<Option<App>, AppError> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {APP_COLUMNS} FROM apps WHERE client_id = $1 AND internal = $2"
    )))
    .bind(client_id)
    .bind(false)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.as_ref().map(app_from_row).transpose()?)
}

/// The app identified by `client_id` + `client_secret`, or 400 `Invalid credentials`.
async fn authenticate_client(db: &Db, params: &Params) -> Result<App, AppError> {
    let client_id = params.required_string("client_id")?;
    let client_secret = params.required_string("client_secret")?;
    match app_by_client_id(db, &client_id).await? {
        Some(app) if secrets::constant_time_eq(&app.client_secret, &client_secret) => Ok(app),
        _ => Err(invalid_credentials()),
    }
}

fn invalid_credentials() -> AppError {
    AppError::bad_request("Invalid credentials")
}

/// The id of the built-in panel app, created on first use.
pub async fn panel_app_id(db: &Db) -> Result<i64, AppError> {
    let find =
        || sqlx::query("SELECT id FROM apps WHERE internal = $1 ORDER BY id LIMIT 1").bind(true);
    if let Some(row) = find().fetch_optional(&db.pool).await? {
        return Ok(row.int("id")?);
    }
    let insert = sqlx::query(
        "INSERT INTO apps (name, client_id, client_secret, redirect_uris, scopes, website, trusted, internal, created_at)
         VALUES ($1, $2, $3, $4, $5, NULL, $6, $6, $7)",
    )
    .bind(PANEL_APP)
    .bind(secrets::random_token())
    .bind(secrets::random_token())
    .bind(OOB)
    .bind(PANEL_SCOPES)
    .bind(true)
    .bind(now_ms())
    .execute(&db.pool)
    .await;
    // Two processes may race to create it; either row does.
    if let Err(e) = insert {
        tracing::debug!(error = %e, "panel app insert raced");
    }
    let row = find().fetch_one(&db.pool).await?;
    Ok(row.int("id")?)
}

/// Redirect URIs from a newline/space separated string or an array.
pub fn parse_redirect_uris(params: &Params, key: &str) -> Result<Vec<String>, AppError> {
    let raw = params.strings(key)?.ok_or_else(|| AppError::missing(key))?;
    Ok(raw
        .iter()
        .flat_map(|s| s.split_whitespace())
        .map(str::to_string)
        .collect())
}

/// Scopes from a space-separated string or an array.
pub fn parse_scopes(params: &Params, key: &str) -> Result<Option<Vec<String>>, AppError> {
    Ok(params
        .strings(key)?
        .map(|items| items.iter().flat_map(|s| scopes::parse(s)).collect()))
}

/// `POST /api/v1/apps`.
pub async fn create_app(db: &Db, params: &Params) -> Result<Value, AppError> {
    let name = params.required_string("client_name")?;
    let redirect_uris = parse_redirect_uris(params, "redirect_uris")?;
    if name.trim().is_empty() {
        return Err(AppError::invalid(
            "client_name",
            "client_name can't be blank",
        ));
    }
    if redirect_uris.is_empty() {
        return Err(AppError::invalid(
            "redirect_uris",
            "redirect_uris can't be blank",
        ));
    }
    let app_scopes = parse_scopes(params, "scopes")?
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| vec!["read".into()]);
    let website = params.string("website")?.filter(|w| !w.is_empty());
    let client_id = secrets::random_token();
    let client_secret = secrets::random_token();
    let row = sqlx::query(
        "INSERT INTO apps (name, client_id, client_secret, redirect_uris, scopes, website, trusted, internal, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8) RETURNING id",
    )
    .bind(&name)
    .bind(&client_id)
    .bind(&client_secret)
    .bind(redirect_uris.join("\n"))
    .bind(app_scopes.join(" "))
    .bind(website.clone())
    .bind(false)
    .bind(now_ms())
    .fetch_one(&db.pool)
    .await?;
    Ok(json!({
        "id": row.int("id")?.to_string(),
        "name": name,
        "website": website,
        "redirect_uri": redirect_uris.join("\n"),
        "client_id": client_id,
        "client_secret": client_secret,
        "vapid_key": null,
    }))
}

/// A freshly issued token pair.
pub struct Issued {
    pub access_token: String,
    pub refresh_token: String,
    pub scopes: Vec<String>,
    pub created_at: i64,
    pub expires_in: i64,
    pub account: Option<Account>,
}

impl Issued {
    /// The token response of auth.md §8.3.
    pub fn to_json(&self, base_url: &str) -> Value {
        let mut body = json!({
            "access_token": self.access_token,
            "token_type": "Bearer",
            "scope": self.scopes.join(" "),
            "created_at": self.created_at / 1000,
            "expires_in": self.expires_in,
            "refresh_token": self.refresh_token,
        });
        if let (Some(account), Some(map)) = (&self.account, body.as_object_mut()) {
            let me = if account.local {
                format!("{base_url}/users/{}", account.nickname)
            } else {
                account.ap_id.clone()
            };
            map.insert("me".into(), Value::String(me));
            map.insert("id".into(), Value::String(account.id.clone()));
        }
        body
    }
}

/// Stores a new token (`kind` = `oauth` or `session`) and returns its secrets.
pub async fn issue(
    db: &Db,
    app_id: i64,
    account: Option<Account>,
    token_scopes: Vec<String>,
    kind: &str,
    ttl_seconds: i64,
) -> Result<Issued, AppError> {
    let access_token = secrets::random_token();
    let refresh_token = secrets::random_token();
    let now = now_ms();
    sqlx::query(
        "INSERT INTO tokens (token_hash, refresh_hash, app_id, account_id, scopes, kind, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(secrets::digest(&access_token))
    .bind(secrets::digest(&refresh_token))
    .bind(app_id)
    .bind(account.as_ref().map(|a| a.id.clone()))
    .bind(token_scopes.join(" "))
    .bind(kind)
    .bind(now)
    .bind(now.saturating_add(ttl_seconds.saturating_mul(1000)))
    .execute(&db.pool)
    .await?;
    Ok(Issued {
        access_token,
        refresh_token,
        scopes: token_scopes,
        created_at: now,
        expires_in: ttl_seconds,
        account,
    })
}

/// The requested scopes (default: the app's), each covered by the app's scopes.
fn requested_scopes(params: &Params, app: &App) -> Result<Vec<String>, AppError> {
    let requested = match parse_scopes(params, "scope")? {
        Some(s) if !s.is_empty() => s,
        _ => match parse_scopes(params, "scopes")? {
            Some(s) if !s.is_empty() => s,
            _ => app.scopes.clone(),
        },
    };
    check_covered(&requested, &app.scopes)?;
    Ok(requested)
}

/// Every requested scope must lie within the app's scopes.
pub fn check_covered(requested: &[String], granted: &[String]) -> Result<(), AppError> {
    if requested
        .iter()
        .all(|want| scopes::any_covers(granted, want))
    {
        Ok(())
    } else {
        Err(AppError::bad_request(
            "This action is outside the authorized scopes",
        ))
    }
}

/// Checks a login (nickname or email + password) under the `authentication` rate limit.
pub async fn check_password(
    state: &AppState,
    settings: &Settings,
    ip: IpAddr,
    login: &str,
    password: &str,
) -> Result<Account, AppError> {
    ratelimit::check(&state.db, settings, ip).await?;
    let account = accounts::by_login(&state.db, login, &state.site.host).await?;
    match account {
        Some(a)
            if a.password_hash
                .as_deref()
                .is_some_and(|h| secrets::verify_password(password, h)) =>
        {
            Ok(a)
        }
        _ => {
            ratelimit::fail(&state.db, settings, ip).await?;
            Err(invalid_credentials())
        }
    }
}

/// Starts the second login step for an account with MFA; returns the challenge token.
pub async fn start_mfa(
    db: &Db,
    account: &Account,
    app_id: i64,
    token_scopes: &[String],
    purpose: &str,
) -> Result<String, AppError> {
    let token = secrets::random_token();
    sqlx::query(
        "INSERT INTO mfa_challenges (token_hash, account_id, app_id, scopes, purpose, expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(secrets::digest(&token))
    .bind(&account.id)
    .bind(app_id)
    .bind(token_scopes.join(" "))
    .bind(purpose)
    .bind(now_ms() + MFA_TTL_MS)
    .execute(&db.pool)
    .await?;
    Ok(token)
}

/// A pending MFA challenge.
pub struct Challenge {
    pub account: Account,
    pub app_id: i64,
    pub scopes: Vec<String>,
}

/// Completes an MFA challenge with a TOTP or recovery code; the challenge is used up on success.
pub async fn finish_mfa(
    state: &AppState,
    mfa_token: &str,
    challenge_type: &str,
    code: &str,
    purpose: &str,
) -> Result<Challenge, AppError> {
    let db = &state.db;
    let row = sqlx::query("SELECT account_id, app_id, scopes FROM mfa_challenges WHERE token_hash = $1 AND expires_at > $2 AND purpose = $3")
        .bind(secrets::digest(mfa_token))
        .bind(now_ms())
        .bind(purpose)
        .fetch_optional(&db.pool)
        .await?;
    let Some(row) = row else {
        return Err(invalid_credentials());
    };
    let Some(account) = accounts::by_id(db, &row.text("account_id")?).await? else {
        return Err(invalid_credentials());
    };
    let ok = match challenge_type {
        "totp" => account
            .totp_secret
            .as_deref()
            .is_some_and(|secret| totp::verify(secret, code, now_ms() / 1000)),
        "recovery" => use_recovery_code(db, &account.id, code).await?,
        _ => {
            return Err(AppError::bad_request(format!(
                "{challenge_type} - Invalid value for enum."
            )))
        }
    };
    if !ok {
        return Err(AppError::bad_request("Invalid code"));
    }
    sqlx::query("DELETE FROM mfa_challenges WHERE token_hash = $1")
        .bind(secrets::digest(mfa_token))
        .execute(&db.pool)
        .await?;
    Ok(Challenge {
        account,
        app_id: row.int("app_id")?,
        scopes: scopes::parse(&row.text("scopes")?),
    })
}

async fn use_recovery_code(db: &Db, account_id: &str, code: &str) -> Result<bool, AppError> {
    let row = sqlx::query("SELECT mfa_backup_codes FROM accounts WHERE id = $1")
        .bind(account_id)
        .fetch_one(&db.pool)
        .await?;
    let mut codes: Vec<String> =
        serde_json::from_str(&row.text("mfa_backup_codes")?).unwrap_or_default();
    let wanted = secrets::digest(code.trim());
    let before = codes.len();
    codes.retain(|c| *c != wanted);
    if codes.len() == before {
        return Ok(false);
    }
    sqlx::query("UPDATE accounts SET mfa_backup_codes = $1 WHERE id = $2")
        .bind(serde_json::to_string(&codes)?)
        .bind(account_id)
        .execute(&db.pool)
        .await?;
    Ok(true)
}

fn mfa_required(token: &str) -> AppError {
    AppError::Shaped(
        StatusCode::FORBIDDEN,
        json!({"error": "mfa_required", "mfa_token": token, "supported_challenge_types": "totp"}),
    )
}

/// `POST /oauth/token`.
pub async fn token(
    state: &AppState,
    settings: &Settings,
    ip: IpAddr,
    params: &Params,
) -> Result<Value, AppError> {
    let grant_type = params.required_string("grant_type")?;
    if !matches!(
        grant_type.as_str(),
        "password" | "authorization_code" | "refresh_token" | "client_credentials"
    ) {
        return Err(AppError::bad_request("Unsupported grant_type"));
    }
    let app = authenticate_client(&state.db, params).await?;
    let ttl = settings.token_expires_in;
    let issued = match grant_type.as_str() {
        "password" => {
            let username = params.required_string("username")?;
            let password = params.required_string("password")?;
            let account = check_password(state, settings, ip, &username, &password).await?;
            if let Some(s) = account_state(&account, settings) {
                return Err(s.error());
            }
            let token_scopes = requested_scopes(params, &app)?;
            if account.mfa_enabled {
                let mfa = start_mfa(&state.db, &account, app.id, &token_scopes, "oauth").await?;
                return Err(mfa_required(&mfa));
            }
            issue(&state.db, app.id, Some(account), token_scopes, "oauth", ttl).await?
        }
        "authorization_code" => {
            let code = params.required_string("code")?;
            let redirect_uri = params.required_string("redirect_uri")?;
            let (account, token_scopes) =
                redeem_code(state, &app, &code, &redirect_uri, params).await?;
            if let Some(s) = account_state(&account, settings) {
                return Err(s.error());
            }
            issue(&state.db, app.id, Some(account), token_scopes, "oauth", ttl).await?
        }
        "refresh_token" => {
            let refresh = params.required_string("refresh_token")?;
            let row = sqlx::query("SELECT id, account_id, scopes FROM tokens WHERE refresh_hash = $1 AND app_id = $2 AND kind = $3")
                .bind(secrets::digest(&refresh))
                .bind(app.id)
                .bind("oauth")
                .fetch_optional(&state.db.pool)
                .await?
                .ok_or_else(invalid_credentials)?;
            let account = match row.opt_text("account_id")? {
                Some(id) => Some(
                    accounts::by_id(&state.db, &id)
                        .await?
                        .ok_or_else(invalid_credentials)?,
                ),
                None => None,
            };
            // The old pair stops working before the new one exists; a retried refresh fails cleanly.
            let deleted = sqlx::query("DELETE FROM tokens WHERE id = $1")
                .bind(row.int("id")?)
                .execute(&state.db.pool)
                .await?;
            if deleted.rows_affected() == 0 {
                return Err(invalid_credentials());
            }
            issue(
                &state.db,
                app.id,
                account,
                scopes::parse(&row.text("scopes")?),
                "oauth",
                ttl,
            )
            .await?
        }
        _ => {
            let token_scopes = requested_scopes(params, &app)?;
            issue(&state.db, app.id, None, token_scopes, "oauth", ttl).await?
        }
    };
    Ok(issued.to_json(&state.site.base_url))
}

/// `POST /oauth/mfa/challenge`.
pub async fn mfa_challenge(
    state: &AppState,
    settings: &Settings,
    params: &Params,
) -> Result<Value, AppError> {
    let app = authenticate_client(&state.db, params).await?;
    let mfa_token = params.required_string("mfa_token")?;
    let challenge_type = params.required_string("challenge_type")?;
    let code = params.required_string("code")?;
    let challenge = finish_mfa(state, &mfa_token, &challenge_type, &code, "oauth").await?;
    if challenge.app_id != app.id {
        return Err(invalid_credentials());
    }
    if let Some(s) = account_state(&challenge.account, settings) {
        return Err(s.error());
    }
    let issued = issue(
        &state.db,
        app.id,
        Some(challenge.account),
        challenge.scopes,
        "oauth",
        settings.token_expires_in,
    )
    .await?;
    Ok(issued.to_json(&state.site.base_url))
}

/// `POST /oauth/revoke`: always `{}` for a valid client.
pub async fn revoke(db: &Db, params: &Params) -> Result<Value, AppError> {
    let app = authenticate_client(db, params).await?;
    let token = params.required_string("token")?;
    let digest = secrets::digest(&token);
    sqlx::query("DELETE FROM tokens WHERE app_id = $1 AND (token_hash = $2 OR refresh_hash = $2)")
        .bind(app.id)
        .bind(digest)
        .execute(&db.pool)
        .await?;
    Ok(json!({}))
}

/// A validated `/oauth/authorize` request.
#[derive(Debug, Clone)]
pub struct AuthorizeRequest {
    pub app: App,
    pub redirect_uri: String,
    pub scopes: Vec<String>,
    pub state: Option<String>,
    pub code_challenge: Option<String>,
    pub code_challenge_method: Option<String>,
}

/// Checks client, redirect URI and scopes; errors are shown as a page, never redirected.
pub async fn authorize_request(db: &Db, params: &Params) -> Result<AuthorizeRequest, AppError> {
    let response_type = params
        .string("response_type")?
        .unwrap_or_else(|| "code".into());
    if response_type != "code" {
        return Err(AppError::bad_request("Unsupported response_type"));
    }
    let client_id = params.required_string("client_id")?;
    let app = app_by_client_id(db, &client_id)
        .await?
        .ok_or_else(|| AppError::bad_request("Unknown client_id"))?;
    let redirect_uri = params.required_string("redirect_uri")?;
    if !app.redirect_uris.contains(&redirect_uri) {
        return Err(AppError::bad_request(
            "The redirect_uri is not registered for this app",
        ));
    }
    let token_scopes = match parse_scopes(params, "scope")? {
        Some(s) if !s.is_empty() => s,
        _ => match parse_scopes(params, "scopes")? {
            Some(s) if !s.is_empty() => s,
            _ => app.scopes.clone(),
        },
    };
    check_covered(&token_scopes, &app.scopes)?;
    let method = params
        .string("code_challenge_method")?
        .filter(|m| !m.is_empty());
    if let Some(m) = &method {
        if m != "S256" && m != "plain" {
            return Err(AppError::bad_request(format!(
                "{m} - Invalid value for enum."
            )));
        }
    }
    Ok(AuthorizeRequest {
        app,
        redirect_uri,
        scopes: token_scopes,
        state: params.string("state")?.filter(|s| !s.is_empty()),
        code_challenge: params.string("code_challenge")?.filter(|s| !s.is_empty()),
        code_challenge_method: method,
    })
}

/// Issues a single-use authorization code for an approved request.
pub async fn grant_code(
    db: &Db,
    request: &AuthorizeRequest,
    account: &Account,
) -> Result<String, AppError> {
    let code = secrets::random_token();
    sqlx::query(
        "INSERT INTO oauth_codes (code_hash, app_id, account_id, scopes, redirect_uri, code_challenge, code_challenge_method, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(secrets::digest(&code))
    .bind(request.app.id)
    .bind(&account.id)
    .bind(request.scopes.join(" "))
    .bind(&request.redirect_uri)
    .bind(request.code_challenge.clone())
    .bind(request.code_challenge_method.clone())
    .bind(now_ms() + CODE_TTL_MS)
    .execute(&db.pool)
    .await?;
    Ok(code)
}

async fn redeem_code(
    state: &AppState,
    app: &App,
    code: &str,
    redirect_uri: &str,
    params: &Params,
) -> Result<(Account, Vec<String>), AppError> {
    let digest = secrets::digest(code);
    let row = sqlx::query(
        "SELECT account_id, scopes, redirect_uri, code_challenge, code_challenge_method FROM oauth_codes
         WHERE code_hash = $1 AND app_id = $2 AND expires_at > $3",
    )
    .bind(&digest)
    .bind(app.id)
    .bind(now_ms())
    .fetch_optional(&state.db.pool)
    .await?
    .ok_or_else(invalid_credentials)?;
    // Single use: whoever deletes the row redeems it.
    let deleted = sqlx::query("DELETE FROM oauth_codes WHERE code_hash = $1")
        .bind(&digest)
        .execute(&state.db.pool)
        .await?;
    if deleted.rows_affected() == 0 || row.text("redirect_uri")? != redirect_uri {
        return Err(invalid_credentials());
    }
    if let Some(challenge) = row.opt_text("code_challenge")? {
        let verifier = params
            .string("code_verifier")?
            .ok_or_else(invalid_credentials)?;
        let method = row
            .opt_text("code_challenge_method")?
            .unwrap_or_else(|| "plain".into());
        let computed = if method == "S256" {
            URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
        } else {
            verifier
        };
        if !secrets::constant_time_eq(&computed, &challenge) {
            return Err(invalid_credentials());
        }
    }
    let account = accounts::by_id(&state.db, &row.text("account_id")?)
        .await?
        .ok_or_else(invalid_credentials)?;
    Ok((account, scopes::parse(&row.text("scopes")?)))
}
