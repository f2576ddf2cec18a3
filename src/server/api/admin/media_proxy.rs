//! `P/media_proxy_caches`, `…/delete`, `…/purge` (operations.md §3).

use axum::extract::State;

use crate::server::api::request::ApiRequest;
use crate::server::api::response::{ok, ApiResult};
use crate::server::service::media_proxy;
use crate::server::state::AppState;

pub async fn list(State(state): State<AppState>, req: ApiRequest) -> ApiResult {
    ok(media_proxy::list(&state, &req.caller, &req.params).await?)
}

pub async fn delete(State(state): State<AppState>, req: ApiRequest) -> ApiResult {
    ok(media_proxy::delete(&state, &req.caller, &req.params).await?)
}

pub async fn purge(State(state): State<AppState>, req: ApiRequest) -> ApiResult {
    ok(media_proxy::purge(&state, &req.caller, &req.params).await?)
}
