//! `GET P/dashboard`.

use axum::extract::State;

use crate::server::api::request::ApiRequest;
use crate::server::api::response::{ok, ApiResult};
use crate::server::service::dashboard;
use crate::server::state::AppState;

pub async fn dashboard(State(state): State<AppState>, req: ApiRequest) -> ApiResult {
    ok(dashboard::dashboard(&state, &req.caller).await?)
}
