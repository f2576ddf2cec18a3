//! Account views (client-api.md §2, auth.md §8.6) and account operations of the CLI.

use serde_json::{json, Value};

use crate::error::AppError;
use crate::server::auth::privileges;
use crate::server::auth::{secrets, totp, Caller};
use crate::server::dates;
use crate::server::db::accounts::{self, Account, NewAccount};
use crate::server::db::{now_ms, Db};
use crate::server::settings::Settings;
use crate::server::state::Site;

// Every media URL of an account view goes through `site.media`, which points remote media at the
// media proxy while it is enabled (operations.md §3). Admin user objects, account entities,
// merged accounts and the panel's session all come from here.

/// `<base>/images/avi.png` unless the account has an avatar.
pub fn avatar_url(site: &Site, account: &Account) -> String {
    match &account.avatar_url {
        Some(url) => site.media.show(url),
        None => format!("{}/images/avi.png", site.base_url),
    }
}

/// `<base>/images/banner.png` unless the account has a header.
pub fn header_url(site: &Site, account: &Account) -> String {
    match &account.banner_url {
        Some(url) => site.media.show(url),
        None => format!("{}/images/banner.png", site.base_url),
    }
}

/// The display name: the name, or the nickname when none.
pub fn display_name(account: &Account) -> String {
    account
        .display_name
        .clone()
        .unwrap_or_else(|| account.nickname.clone())
}

fn username(account: &Account) -> &str {
    account
        .nickname
        .split('@')
        .next()
        .unwrap_or(&account.nickname)
}

/// Escapes text for HTML.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The Mastodon account entity. `with_roles` adds `pleroma.is_admin`/`is_moderator` regardless of
/// `show_role` (admin views and verify_credentials).
pub fn entity(site: &Site, account: &Account, with_roles: bool) -> Value {
    let fields: Vec<Value> = account
        .fields
        .as_array()
        .map(|items| {
            items
                .iter()
                .map(|f| {
                    json!({
                        "name": f.get("name").and_then(Value::as_str).unwrap_or_default(),
                        "value": escape_html(f.get("value").and_then(Value::as_str).unwrap_or_default()),
                        "verified_at": null,
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    let mut pleroma = json!({
        "ap_id": account.ap_id,
        "also_known_as": [],
        "confirmation_pending": account.confirmation_pending,
        "tags": account.tags,
        "hide_favorites": true,
        "hide_followers": false,
        "hide_follows": false,
        "hide_followers_count": false,
        "hide_follows_count": false,
        "relationship": {},
        "skip_thread_containment": false,
        "background_image": site.media.show_opt(account.background_url.as_deref()),
        "accepts_chat_messages": false,
        "favicon": null,
    });
    if with_roles || account.show_role {
        if let Some(map) = pleroma.as_object_mut() {
            map.insert("is_admin".into(), Value::Bool(account.is_admin));
            map.insert("is_moderator".into(), Value::Bool(account.is_moderator));
        }
    }
    let avatar = avatar_url(site, account);
    let header = header_url(site, account);
    json!({
        "id": account.id,
        "username": username(account),
        "acct": account.nickname,
        "display_name": display_name(account),
        "locked": account.locked,
        "bot": matches!(account.actor_type.as_str(), "Service" | "Application"),
        "discoverable": account.discoverable,
        "group": false,
        "created_at": dates::iso(account.created_at),
        "note": bio_html(&account.bio),
        "url": account.profile_url.clone().unwrap_or_else(|| account.ap_id.clone()),
        "avatar": avatar,
        "avatar_static": avatar,
        "header": header,
        "header_static": header,
        "followers_count": account.followers_count,
        "following_count": account.following_count,
        "statuses_count": account.statuses_count,
        "last_status_at": account.last_status_at.map(dates::day),
        "emojis": [],
        "fields": fields,
        "pleroma": pleroma,
    })
}

/// The bio as HTML: escaped, newlines as `<br/>`.
pub fn bio_html(bio: &str) -> String {
    escape_html(bio).replace('\n', "<br/>")
}

/// `GET /api/v1/accounts/verify_credentials` for a caller.
pub fn verify_credentials(site: &Site, caller: &Caller) -> Result<Value, AppError> {
    let account = caller.require_user("read:accounts")?;
    Ok(credentials_entity(site, account, &caller.settings))
}

/// The account entity with `source` and the caller's privileges (auth.md §8.6).
pub fn credentials_entity(site: &Site, account: &Account, settings: &Settings) -> Value {
    let mut body = entity(site, account, true);
    let privileges: Vec<&str> = privileges::effective(
        account.is_admin,
        account.is_moderator,
        &settings.admin_privileges,
        &settings.moderator_privileges,
    )
    .into_iter()
    .map(|p| p.name())
    .collect();
    if let Some(map) = body.as_object_mut() {
        map.insert(
            "source".into(),
            json!({
                "note": account.bio,
                "sensitive": false,
                "privacy": account.default_scope,
                "fields": account.fields,
                "pleroma": {
                    "discoverable": account.discoverable,
                    "actor_type": account.actor_type,
                    "no_rich_text": account.no_rich_text,
                    "show_role": account.show_role,
                },
            }),
        );
        if let Some(pleroma) = map.get_mut("pleroma").and_then(Value::as_object_mut) {
            pleroma.insert("privileges".into(), json!(privileges));
        }
    }
    body
}

/// Nickname rules of users.md §1.3; `Err` carries the message.
pub fn check_nickname(nickname: &str, settings: &Settings) -> Result<(), String> {
    if nickname.is_empty() {
        return Err("nickname can't be blank".into());
    }
    if nickname.len() > 255
        || !nickname
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        return Err("nickname has invalid format".into());
    }
    let lower = nickname.to_lowercase();
    if lower.starts_with("internal.")
        || settings
            .restricted_nicknames
            .iter()
            .any(|r| r.to_lowercase() == lower)
    {
        return Err("nickname is reserved".into());
    }
    Ok(())
}

/// `local@domain.tld`-shaped.
pub fn valid_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && domain.contains('.')
        && !email
            .chars()
            .any(|c| c.is_whitespace() || c == '<' || c == '>' || c == ',')
        && !domain.contains('@')
}

/// A local account as `steward user new` creates it.
#[derive(Debug, Clone, Default)]
pub struct LocalUser {
    pub nickname: String,
    pub email: String,
    pub password: String,
    pub is_admin: bool,
    pub is_moderator: bool,
}

/// `steward user new`: creates a local, usable account.
pub async fn create_local_user(
    db: &Db,
    site: &Site,
    settings: &Settings,
    user: &LocalUser,
) -> Result<String, AppError> {
    let (nickname, email, password) = (
        user.nickname.as_str(),
        user.email.as_str(),
        user.password.as_str(),
    );
    let (is_admin, is_moderator) = (user.is_admin, user.is_moderator);
    check_nickname(nickname, settings).map_err(AppError::BadRequest)?;
    if !valid_email(email) {
        return Err(AppError::bad_request("email has invalid format"));
    }
    if password.is_empty() {
        return Err(AppError::bad_request("password can't be blank"));
    }
    if accounts::by_nickname(db, nickname, &site.host)
        .await?
        .is_some()
    {
        return Err(AppError::bad_request("nickname has already been taken"));
    }
    let hash = secrets::hash_password(password)?;
    let mut tx = db.begin().await?;
    let new = NewAccount {
        nickname: nickname.to_string(),
        email: Some(email.to_string()),
        password_hash: Some(hash),
        is_admin,
        is_moderator,
        ..NewAccount::default()
    };
    let id = accounts::insert(&mut tx, &site.base_url, &new)
        .await
        .map_err(|e| match e {
            AppError::Database(ref db_error)
                if crate::server::db::is_unique_violation(db_error) =>
            {
                AppError::bad_request("nickname or email has already been taken")
            }
            other => other,
        })?;
    tx.commit().await?;
    Ok(id)
}

/// What `steward user set` changes.
#[derive(Debug, Default, Clone)]
pub struct UserChanges {
    pub admin: Option<bool>,
    pub moderator: Option<bool>,
    pub password: Option<String>,
    /// `Some(Some(secret))` enables MFA with that secret; `Some(None)` disables it.
    pub totp_secret: Option<Option<String>>,
}

/// `steward user set`: roles, password (revokes sessions), MFA. Enabling MFA returns fresh
/// single-use recovery codes (only their digests are stored).
pub async fn update_user(
    db: &Db,
    site: &Site,
    nickname: &str,
    changes: &UserChanges,
) -> Result<Vec<String>, AppError> {
    let account = accounts::by_nickname(db, nickname, &site.host)
        .await?
        .filter(|a| a.local)
        .ok_or_else(|| AppError::NotFoundWith(format!("No local user {nickname}")))?;
    if let Some(Some(secret)) = &changes.totp_secret {
        if totp::decode_base32(secret).is_none() {
            return Err(AppError::bad_request("The TOTP secret must be base32"));
        }
    }
    let hash = match &changes.password {
        Some(p) if p.is_empty() => return Err(AppError::bad_request("password can't be blank")),
        Some(p) => Some(secrets::hash_password(p)?),
        None => None,
    };
    let mut tx = db.begin().await?;
    let now = now_ms();
    if let Some(admin) = changes.admin {
        sqlx::query("UPDATE accounts SET is_admin = $1, updated_at = $2 WHERE id = $3")
            .bind(admin)
            .bind(now)
            .bind(&account.id)
            .execute(&mut *tx)
            .await?;
    }
    if let Some(moderator) = changes.moderator {
        sqlx::query("UPDATE accounts SET is_moderator = $1, updated_at = $2 WHERE id = $3")
            .bind(moderator)
            .bind(now)
            .bind(&account.id)
            .execute(&mut *tx)
            .await?;
    }
    if let Some(hash) = &hash {
        accounts::set_password(&mut tx, &account.id, hash).await?;
    }
    let mut recovery_codes = Vec::new();
    if let Some(secret) = &changes.totp_secret {
        if secret.is_some() {
            recovery_codes = (0..8)
                .map(|_| secrets::random_token()[..10].to_lowercase())
                .collect();
        }
        let digests: Vec<String> = recovery_codes.iter().map(|c| secrets::digest(c)).collect();
        sqlx::query("UPDATE accounts SET mfa_enabled = $1, totp_secret = $2, mfa_backup_codes = $3, updated_at = $4 WHERE id = $5")
            .bind(secret.is_some())
            .bind(secret.clone())
            .bind(serde_json::to_string(&digests)?)
            .bind(now)
            .bind(&account.id)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(recovery_codes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nickname_rules() {
        let s = Settings::default();
        assert!(check_nickname("alice_01-x", &s).is_ok());
        assert_eq!(
            check_nickname("", &s),
            Err("nickname can't be blank".into())
        );
        assert_eq!(
            check_nickname("al ice", &s),
            Err("nickname has invalid format".into())
        );
        assert_eq!(
            check_nickname("Relay", &s),
            Err("nickname is reserved".into())
        );
        assert_eq!(
            check_nickname("internal.fetch", &s),
            Err("nickname has invalid format".into())
        );
    }

    #[test]
    fn email_shapes() {
        assert!(valid_email("a@b.co"));
        assert!(!valid_email("a@b"));
        assert!(!valid_email("@b.co"));
        assert!(!valid_email("a b@c.de"));
    }

    #[test]
    fn html_escaping() {
        assert_eq!(bio_html("<b>&\n"), "&lt;b&gt;&amp;<br/>");
    }
}
