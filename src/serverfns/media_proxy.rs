//! The media proxy cache screen's read (operations.md §3): the proxy settings and one page of
//! banned URLs (admin only). Writes go through the plain HTML forms of
//! `server::api::panel_media_proxy`.

use leptos::prelude::*;

use crate::error::PanelError;
use crate::model::media_proxy::MediaProxyScreen;

/// `GET /media_proxy_caches` with `query`, `page` and `page_size` as the URL has them, plus the
/// proxy's settings.
#[server(prefix = "/api/steward/fn", endpoint = "media_proxy_load")]
pub async fn load_media_proxy(
    query: String,
    page: String,
    page_size: String,
) -> Result<MediaProxyScreen, PanelError> {
    use crate::error::AppError;
    use crate::server::api::params::Params;
    use crate::server::service::media_proxy;
    use serde_json::{json, Value};

    let (state, caller) = super::door::caller(None).await?;
    let params = Params::from_value(json!({"query": query, "page": page, "page_size": page_size}));
    let listed = media_proxy::list(&state, &caller, &params).await?;
    let urls = serde_json::from_value(listed.get("urls").cloned().unwrap_or_default())
        .map_err(|e| AppError::internal(format!("unexpected service answer: {e}")))?;
    let settings = &caller.settings.media_proxy;
    Ok(MediaProxyScreen {
        enabled: settings.enabled,
        base_url: settings
            .base_url
            .clone()
            .unwrap_or_else(|| state.site.base_url.clone()),
        invalidation_enabled: settings.invalidation_enabled,
        invalidation_provider: settings.invalidation_provider.clone(),
        urls,
        count: listed.get("count").and_then(Value::as_i64).unwrap_or(0),
        page: params.int("page").ok().flatten().unwrap_or(1),
        page_size: listed
            .get("page_size")
            .and_then(Value::as_i64)
            .unwrap_or(50),
    })
}
