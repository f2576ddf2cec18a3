//! `GET P/moderation_log`.

use axum::extract::State;

use crate::server::api::request::ApiRequest;
use crate::server::api::response::{ok, ApiResult};
use crate::server::service::modlog;
use crate::server::state::AppState;

pub async fn list(State(state): State<AppState>, req: ApiRequest) -> ApiResult {
    ok(modlog::list(&state, &req.caller, &req.params).await?)
}
