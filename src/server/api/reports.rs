//! `POST /api/v1/reports` (client-api.md §5).

use axum::extract::State;

use super::request::ApiRequest;
use super::response::{ok, ApiResult};
use crate::server::service::reports;
use crate::server::state::AppState;

pub async fn create(State(state): State<AppState>, req: ApiRequest) -> ApiResult {
    ok(reports::create(&state, &req.caller, &req.params).await?)
}
