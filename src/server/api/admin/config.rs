//! `P/config`, `P/config/descriptions`, `P/need_reboot`, `P/restart` (config.md §6) and the legacy
//! `P/config/migrate_to_db`, `P/config/migrate_from_db` (operations.md §7).

use axum::extract::State;

use crate::server::api::request::ApiRequest;
use crate::server::api::response::{ok, ApiResult};
use crate::server::service::config;
use crate::server::state::AppState;

pub async fn show(State(state): State<AppState>, req: ApiRequest) -> ApiResult {
    ok(config::list(&state, &req.caller, &req.params).await?)
}

pub async fn update(State(state): State<AppState>, req: ApiRequest) -> ApiResult {
    ok(config::update(&state, &req.caller, &req.params).await?)
}

pub async fn descriptions(State(state): State<AppState>, req: ApiRequest) -> ApiResult {
    ok(config::descriptions(&state, &req.caller).await?)
}

pub async fn need_reboot(State(state): State<AppState>, req: ApiRequest) -> ApiResult {
    ok(config::need_reboot(&state, &req.caller).await?)
}

pub async fn restart(State(state): State<AppState>, req: ApiRequest) -> ApiResult {
    ok(config::restart(&state, &req.caller).await?)
}

pub async fn migrate_to_db(State(state): State<AppState>, req: ApiRequest) -> ApiResult {
    ok(config::migrate_to_db(&state, &req.caller).await?)
}

pub async fn migrate_from_db(State(state): State<AppState>, req: ApiRequest) -> ApiResult {
    ok(config::migrate_from_db(&state, &req.caller).await?)
}
