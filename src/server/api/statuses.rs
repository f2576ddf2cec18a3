//! `/api/v1/statuses…` and `/api/v1/accounts/:id/follow|unfollow` (client-api.md §4–5).

use axum::extract::{Path, State};

use crate::server::api::request::ApiRequest;
use crate::server::api::response::{ok, ApiResult};
use crate::server::service::{follows, statuses};
use crate::server::state::AppState;

pub async fn create(State(state): State<AppState>, req: ApiRequest) -> ApiResult {
    ok(statuses::create(&state, &req.caller, &req.params).await?)
}

pub async fn show(
    State(state): State<AppState>,
    Path(id): Path<String>,
    req: ApiRequest,
) -> ApiResult {
    ok(statuses::show_client(&state, &req.caller, &id).await?)
}

pub async fn delete(
    State(state): State<AppState>,
    Path(id): Path<String>,
    req: ApiRequest,
) -> ApiResult {
    ok(statuses::delete_client(&state, &req.caller, &id).await?)
}

pub async fn reblog(
    State(state): State<AppState>,
    Path(id): Path<String>,
    req: ApiRequest,
) -> ApiResult {
    ok(statuses::reblog(&state, &req.caller, &id, &req.params).await?)
}

pub async fn follow(
    State(state): State<AppState>,
    Path(id): Path<String>,
    req: ApiRequest,
) -> ApiResult {
    ok(follows::set(&state, &req.caller, &id, true).await?)
}

pub async fn unfollow(
    State(state): State<AppState>,
    Path(id): Path<String>,
    req: ApiRequest,
) -> ApiResult {
    ok(follows::set(&state, &req.caller, &id, false).await?)
}
