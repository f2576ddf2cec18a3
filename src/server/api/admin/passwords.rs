//! `P/users/:nickname/password_reset`, `P/users/disable_mfa`, `P/users/confirm_email`,
//! `P/users/resend_confirmation_email` (users.md §5) and the legacy `P/password_reset`.

use axum::extract::{Path, State};

use crate::server::api::request::ApiRequest;
use crate::server::api::response::{ok, ApiResult};
use crate::server::service::passwords;
use crate::server::state::AppState;

pub async fn reset_link(
    State(state): State<AppState>,
    Path(key): Path<String>,
    req: ApiRequest,
) -> ApiResult {
    ok(passwords::reset_link(&state, &req.caller, &key).await?)
}

/// Legacy `GET /password_reset?nickname=`.
pub async fn reset_link_legacy(State(state): State<AppState>, req: ApiRequest) -> ApiResult {
    ok(passwords::reset_link_legacy(&state, &req.caller, &req.params).await?)
}

pub async fn disable_mfa(State(state): State<AppState>, req: ApiRequest) -> ApiResult {
    ok(passwords::disable_mfa(&state, &req.caller, &req.params).await?)
}

pub async fn confirm_email(State(state): State<AppState>, req: ApiRequest) -> ApiResult {
    ok(passwords::confirm_email(&state, &req.caller, &req.params).await?)
}

pub async fn resend_confirmation_email(
    State(state): State<AppState>,
    req: ApiRequest,
) -> ApiResult {
    ok(passwords::resend_confirmation_email(&state, &req.caller, &req.params).await?)
}
