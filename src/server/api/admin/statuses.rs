//! `P/statuses…`, `P/users/:id/statuses`, `P/instances/:host…` and `P/stats` (moderation.md §3–4).

use axum::extract::{Path, State};

use crate::server::api::request::ApiRequest;
use crate::server::api::response::{ok, ApiResult};
use crate::server::service::statuses;
use crate::server::state::AppState;

pub async fn list(State(state): State<AppState>, req: ApiRequest) -> ApiResult {
    ok(statuses::list(&state, &req.caller, &req.params).await?)
}

pub async fn show(
    State(state): State<AppState>,
    Path(id): Path<String>,
    req: ApiRequest,
) -> ApiResult {
    ok(statuses::show(&state, &req.caller, &id).await?)
}

pub async fn update(
    State(state): State<AppState>,
    Path(id): Path<String>,
    req: ApiRequest,
) -> ApiResult {
    ok(statuses::update(&state, &req.caller, &id, &req.params).await?)
}

pub async fn delete(
    State(state): State<AppState>,
    Path(id): Path<String>,
    req: ApiRequest,
) -> ApiResult {
    ok(statuses::delete(&state, &req.caller, &id).await?)
}

pub async fn by_user(
    State(state): State<AppState>,
    Path(key): Path<String>,
    req: ApiRequest,
) -> ApiResult {
    ok(statuses::list_by_user(&state, &req.caller, &key, &req.params).await?)
}

pub async fn by_instance(
    State(state): State<AppState>,
    Path(host): Path<String>,
    req: ApiRequest,
) -> ApiResult {
    ok(statuses::list_by_instance(&state, &req.caller, &host, &req.params).await?)
}

pub async fn delete_instance(
    State(state): State<AppState>,
    Path(host): Path<String>,
    req: ApiRequest,
) -> ApiResult {
    ok(statuses::delete_instance(&state, &req.caller, &host).await?)
}

pub async fn stats(State(state): State<AppState>, req: ApiRequest) -> ApiResult {
    ok(statuses::stats(&state, &req.caller, &req.params).await?)
}
