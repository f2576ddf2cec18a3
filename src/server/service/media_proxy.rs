//! The media proxy (operations.md §3): serving `GET /proxy/…`, and the banned list of
//! `P/media_proxy_caches` (list, delete, purge). Admin only (auth.md §2); no moderation-log entries
//! (operations.md §1: "No entry for … media proxy").
//!
//! URL signing and normalisation live in [`crate::server::media_proxy`]; account views show media
//! through `site.media`.

use std::sync::OnceLock;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, StatusCode};
use serde_json::{json, Value};

use super::paging::Page;
use crate::error::AppError;
use crate::server::api::params::Params;
use crate::server::auth::{secrets, Caller, Requirement};
use crate::server::db::media_proxy as ban_db;
use crate::server::db::Db;
use crate::server::media_proxy::Signer;
use crate::server::settings::MediaProxySettings;
use crate::server::state::AppState;

/// `GET P/media_proxy_caches`.
pub const READ: Requirement = Requirement::admin(&["read:media_proxy_caches"]);
/// `POST P/media_proxy_caches/delete` and `…/purge`.
pub const WRITE: Requirement = Requirement::admin(&["write:media_proxy_caches"]);

/// How long connecting to another server may take (operations.md §3).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a remote server may stay silent while sending a file.
const READ_TIMEOUT: Duration = Duration::from_secs(30);
/// How long one invalidation request may take in all.
const INVALIDATION_TIMEOUT: Duration = Duration::from_secs(30);

/// The media proxy's signing key: created by the first steward start on this database, then
/// shared by every process (so any of them checks what another signed).
pub async fn secret(db: &Db) -> Result<Vec<u8>, AppError> {
    let value = ban_db::secret(&db.pool, "media_proxy", &secrets::random_token()).await?;
    Ok(value.into_bytes())
}

/// The HTTP client for remote media and invalidation requests, built once per process.
fn client() -> Result<&'static reqwest::Client, AppError> {
    static CLIENT: OnceLock<Option<reqwest::Client>> = OnceLock::new();
    CLIENT
        .get_or_init(|| {
            reqwest::Client::builder()
                .connect_timeout(CONNECT_TIMEOUT)
                .read_timeout(READ_TIMEOUT)
                .user_agent(concat!("steward/", env!("CARGO_PKG_VERSION")))
                .build()
                .map_err(|e| tracing::error!(error = %e, "could not build the HTTP client"))
                .ok()
        })
        .as_ref()
        .ok_or_else(|| AppError::Unavailable("HTTP client unavailable".into()))
}

fn signer(state: &AppState) -> Result<&Signer, AppError> {
    state
        .site
        .media
        .signer()
        .ok_or_else(|| AppError::internal("media proxy signer missing"))
}

/// The `urls` parameter, normalised (this instance's proxy URLs → original), duplicates dropped,
/// request order kept. Required; blank entries are refused.
fn urls_param(
    params: &Params,
    signer: &Signer,
    settings: &MediaProxySettings,
) -> Result<Vec<String>, AppError> {
    let urls = params
        .strings("urls")?
        .ok_or_else(|| AppError::missing("urls"))?;
    let mut out: Vec<String> = Vec::with_capacity(urls.len());
    for url in urls {
        if url.trim().is_empty() {
            return Err(AppError::bad_request("urls can't contain blank entries"));
        }
        let url = signer.normalise(settings, &url);
        if !out.contains(&url) {
            out.push(url);
        }
    }
    Ok(out)
}

/// `GET P/media_proxy_caches`: banned URLs containing `query` (case-insensitive, literal), URL
/// ascending, paged.
pub async fn list(state: &AppState, caller: &Caller, params: &Params) -> Result<Value, AppError> {
    caller.authorize(&READ)?;
    let page = Page::from_params(params, 50, None)?;
    let query = params
        .string("query")?
        .filter(|q| !q.is_empty())
        .map(|q| q.to_lowercase());
    let (urls, count) = ban_db::list(
        &state.db.pool,
        query.as_deref(),
        page.page_size,
        page.offset(),
    )
    .await?;
    Ok(json!({"urls": urls, "count": count, "page_size": page.page_size}))
}

/// `POST P/media_proxy_caches/delete`: removes the URLs from the banned list.
pub async fn delete(state: &AppState, caller: &Caller, params: &Params) -> Result<Value, AppError> {
    caller.authorize(&WRITE)?;
    let urls = urls_param(params, signer(state)?, &caller.settings.media_proxy)?;
    let mut tx = state.db.begin().await?;
    for url in &urls {
        ban_db::unban(&mut tx, url).await?;
    }
    tx.commit().await?;
    Ok(json!({ "urls": urls }))
}

/// `POST P/media_proxy_caches/purge`: bans the URLs (unless `ban` is false) and, with HTTP
/// invalidation configured, asks the cache in front of the proxy to drop each proxied URL (in the
/// background; results are ignored).
pub async fn purge(state: &AppState, caller: &Caller, params: &Params) -> Result<Value, AppError> {
    caller.authorize(&WRITE)?;
    let settings = &caller.settings.media_proxy;
    let signer = signer(state)?;
    let urls = urls_param(params, signer, settings)?;
    let ban = params.bool("ban")?.unwrap_or(true);
    if ban {
        let mut tx = state.db.begin().await?;
        for url in &urls {
            ban_db::ban(&mut tx, url).await?;
        }
        tx.commit().await?;
    }
    if settings.http_invalidation() {
        let base = signer.base(settings);
        let targets: Vec<String> = urls.iter().map(|u| signer.proxied(base, u)).collect();
        invalidate(settings.clone(), targets);
    }
    Ok(json!({ "urls": urls }))
}

/// Sends the configured request to each URL, one after another, in a background task.
fn invalidate(settings: MediaProxySettings, targets: Vec<String>) {
    let Ok(method) = reqwest::Method::from_bytes(settings.http_method.as_bytes()) else {
        tracing::warn!(method = %settings.http_method, "media proxy invalidation: invalid method");
        return;
    };
    let Ok(client) = client() else {
        return;
    };
    tokio::spawn(async move {
        for url in targets {
            let mut request = client
                .request(method.clone(), &url)
                .timeout(INVALIDATION_TIMEOUT)
                .query(&settings.http_params);
            for (name, value) in &settings.http_headers {
                let name = reqwest::header::HeaderName::from_bytes(name.as_bytes());
                let value = reqwest::header::HeaderValue::from_str(value);
                if let (Ok(name), Ok(value)) = (name, value) {
                    request = request.header(name, value);
                }
            }
            if let Err(e) = request.send().await {
                tracing::info!(%url, error = %e, "media proxy invalidation failed");
            }
        }
    });
}

/// A remote file on its way to the client.
pub struct ProxiedMedia {
    pub content_type: Option<HeaderValue>,
    pub content_length: Option<u64>,
    pub body: Body,
}

/// `GET /proxy/<sig>/<encoded>[/<filename>]`: checks the signature (403), that the proxy is on
/// and the URL not banned (404), then streams the remote file, at most `upload_limit` bytes.
/// Failures of the remote server (unreachable, timed out, an error status, a file over the limit)
/// answer 502 `{"error": …}`, except a remote 404/410, which stays 404.
pub async fn fetch(state: &AppState, sig: &str, encoded: &str) -> Result<ProxiedMedia, AppError> {
    let settings = state.settings().await?;
    if !settings.media_proxy.enabled {
        return Err(AppError::NotFound);
    }
    let url = signer(state)?
        .decode(sig, encoded)
        .ok_or_else(|| AppError::forbidden("Invalid signature"))?;
    if ban_db::is_banned(&state.db.pool, &url).await? {
        return Err(AppError::NotFound);
    }
    let limit = u64::try_from(settings.upload_limit).unwrap_or(0);
    let upstream =
        |message: String| AppError::Shaped(StatusCode::BAD_GATEWAY, json!({ "error": message }));
    let response = client()?.get(&url).send().await.map_err(|e| {
        tracing::info!(%url, error = %e, "media proxy fetch failed");
        upstream("Could not fetch the remote file".into())
    })?;
    let status = response.status();
    if status == reqwest::StatusCode::NOT_FOUND || status == reqwest::StatusCode::GONE {
        return Err(AppError::NotFound);
    }
    if !status.is_success() {
        return Err(upstream(format!(
            "The remote server answered {}",
            status.as_u16()
        )));
    }
    let content_length = response.content_length();
    if content_length.is_some_and(|n| n > limit) {
        return Err(upstream("The remote file is too large".into()));
    }
    let content_type = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| HeaderValue::from_bytes(v.as_bytes()).ok());
    // The body is passed on as it arrives; a file that turns out longer than the limit (or than
    // it announced) is cut off with an error, which ends the client's response early.
    let stream = futures_util::stream::unfold(Some((response, 0u64)), move |state| async move {
        let (mut response, sent) = state?;
        match response.chunk().await {
            Ok(Some(chunk)) => {
                let sent = sent.saturating_add(chunk.len() as u64);
                if sent > limit {
                    let error = std::io::Error::other("remote file over the size limit");
                    Some((Err(error), None))
                } else {
                    Some((Ok::<Bytes, std::io::Error>(chunk), Some((response, sent))))
                }
            }
            Ok(None) => None,
            Err(e) => Some((Err(std::io::Error::other(e)), None)),
        }
    });
    Ok(ProxiedMedia {
        content_type,
        content_length,
        body: Body::from_stream(stream),
    })
}
