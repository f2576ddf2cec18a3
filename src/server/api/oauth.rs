//! `POST /api/v1/apps`, `/oauth/token`, `/oauth/mfa/challenge`, `/oauth/revoke` (auth.md §8).

use axum::extract::State;

use super::request::ApiRequest;
use super::response::{ok, ApiResult};
use crate::server::service::oauth;
use crate::server::state::AppState;

pub async fn create_app(State(state): State<AppState>, req: ApiRequest) -> ApiResult {
    ok(oauth::create_app(&state.db, &req.params).await?)
}

pub async fn token(State(state): State<AppState>, req: ApiRequest) -> ApiResult {
    ok(oauth::token(&state, &req.settings, req.ip, &req.params).await?)
}

pub async fn mfa_challenge(State(state): State<AppState>, req: ApiRequest) -> ApiResult {
    ok(oauth::mfa_challenge(&state, &req.settings, &req.params).await?)
}

pub async fn revoke(State(state): State<AppState>, req: ApiRequest) -> ApiResult {
    ok(oauth::revoke(&state.db, &req.params).await?)
}
