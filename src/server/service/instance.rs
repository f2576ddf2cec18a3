//! Instance documents (client-api.md §6): `/api/v1/instance`, peers and nodeinfo.

use serde_json::{json, Value};

use crate::error::AppError;
use crate::server::db::{now_ms, Db, RowExt};
use crate::server::settings::Settings;
use crate::server::state::Site;

/// Software version reported in nodeinfo.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

async fn count(db: &Db, sql: &'static str, since: Option<i64>) -> Result<i64, AppError> {
    let mut query = sqlx::query(sql).bind(true).bind(false);
    if let Some(since) = since {
        query = query.bind(since);
    }
    Ok(query.fetch_one(&db.pool).await?.int("n")?)
}

/// Local, visible, usable accounts, from the trigger-maintained counters: this document is public
/// and polled by crawlers, so it must not count a million rows per request.
async fn local_users(db: &Db) -> Result<i64, AppError> {
    count(
        db,
        "SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) AS n FROM account_counts
         WHERE local = $1 AND internal = $2 AND deactivated = $2",
        None,
    )
    .await
}

async fn active_since(db: &Db, since: i64) -> Result<i64, AppError> {
    count(
        db,
        "SELECT COUNT(*) AS n FROM accounts WHERE local = $1 AND internal = $2 AND deactivated = $2 AND last_active_at >= $3",
        Some(since),
    )
    .await
}

async fn local_posts(db: &Db) -> Result<i64, AppError> {
    count(
        db,
        "SELECT COUNT(*) AS n FROM statuses WHERE local = $1 AND $2 = $2",
        None,
    )
    .await
}

/// Distinct remote hosts, sorted.
pub async fn peers(db: &Db) -> Result<Vec<String>, AppError> {
    let rows = sqlx::query("SELECT DISTINCT domain FROM accounts WHERE domain IS NOT NULL AND internal = $1 ORDER BY domain")
        .bind(false)
        .fetch_all(&db.pool)
        .await?;
    Ok(rows
        .iter()
        .map(|r| r.text("domain"))
        .collect::<Result<_, _>>()?)
}

/// `GET /api/v1/instance`.
pub async fn instance(db: &Db, site: &Site, settings: &Settings) -> Result<Value, AppError> {
    let month_ago = now_ms() - 30 * 86_400_000;
    Ok(json!({
        "uri": site.host,
        "title": settings.name,
        "short_description": settings.description,
        "description": settings.description,
        "email": settings.email,
        "version": format!("2.7.2 (compatible; Pleroma 2.3.0+steward {VERSION})"),
        "urls": {},
        "stats": {
            "user_count": local_users(db).await?,
            "status_count": local_posts(db).await?,
            "domain_count": peers(db).await?.len(),
        },
        "thumbnail": format!("{}/images/banner.png", site.base_url),
        "languages": ["en"],
        "registrations": settings.registrations_open,
        "approval_required": settings.account_approval_required,
        "invites_enabled": settings.invites_enabled,
        "max_toot_chars": settings.limit,
        "configuration": {"statuses": {"max_characters": settings.limit, "max_media_attachments": 0, "characters_reserved_per_url": 0}},
        "contact_account": null,
        "rules": [],
        "pleroma": {
            "metadata": {
                "account_activation_required": settings.account_activation_required,
                "features": ["pleroma_api", "mastodon_api", "relay"],
                "federation": {"enabled": settings.federating},
                "post_formats": ["text/plain"],
                "fields_limits": {
                    "max_fields": settings.max_account_fields,
                    "name_length": settings.account_field_name_length,
                    "value_length": settings.account_field_value_length,
                },
            },
            "stats": {"mau": active_since(db, month_ago).await?},
            "vapid_public_key": null,
        },
    }))
}

/// `GET /.well-known/nodeinfo`.
pub fn nodeinfo_links(site: &Site) -> Value {
    json!({"links": [
        {"rel": "http://nodeinfo.diaspora.software/ns/schema/2.0", "href": format!("{}/nodeinfo/2.0.json", site.base_url)},
        {"rel": "http://nodeinfo.diaspora.software/ns/schema/2.1", "href": format!("{}/nodeinfo/2.1.json", site.base_url)},
    ]})
}

/// `GET /nodeinfo/2.0.json` and `2.1.json`.
pub async fn nodeinfo(db: &Db, settings: &Settings, version: &str) -> Result<Value, AppError> {
    let now = now_ms();
    let staff = sqlx::query("SELECT ap_id FROM accounts WHERE local = $1 AND internal = $2 AND (is_admin = $1 OR is_moderator = $1) ORDER BY id")
        .bind(true)
        .bind(false)
        .fetch_all(&db.pool)
        .await?;
    let staff: Vec<String> = staff
        .iter()
        .map(|r| r.text("ap_id"))
        .collect::<Result<_, _>>()?;
    let mut software = json!({"name": "steward", "version": VERSION});
    if version == "2.1" {
        if let Some(map) = software.as_object_mut() {
            map.insert("repository".into(), json!(env!("CARGO_PKG_NAME")));
        }
    }
    Ok(json!({
        "version": version,
        "software": software,
        "protocols": ["activitypub"],
        "services": {"inbound": [], "outbound": []},
        "openRegistrations": settings.registrations_open,
        "usage": {
            "users": {
                "total": local_users(db).await?,
                "activeMonth": active_since(db, now - 30 * 86_400_000).await?,
                "activeHalfyear": active_since(db, now - 182 * 86_400_000).await?,
            },
            "localPosts": local_posts(db).await?,
        },
        "metadata": {
            "nodeName": settings.name,
            "nodeDescription": settings.description,
            "invitesEnabled": settings.invites_enabled,
            "mailerEnabled": settings.mailer_enabled(),
            "accountActivationRequired": settings.account_activation_required,
            "features": ["pleroma_api", "mastodon_api", "relay"],
            "staffAccounts": staff,
            "postFormats": ["text/plain"],
            "federation": {"enabled": settings.federating},
            "restrictedNicknames": settings.restricted_nicknames,
        },
    }))
}
