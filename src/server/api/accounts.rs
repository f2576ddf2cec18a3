//! Client-API account endpoints.

use axum::extract::State;

use super::request::ApiRequest;
use super::response::{ok, ApiResult};
use crate::server::service::accounts;
use crate::server::state::AppState;

/// `GET /api/v1/accounts/verify_credentials`.
pub async fn verify_credentials(State(state): State<AppState>, req: ApiRequest) -> ApiResult {
    ok(accounts::verify_credentials(&state.site, &req.caller)?)
}
