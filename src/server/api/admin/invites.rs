//! `P/users/invite_token`, `P/users/invites`, `P/users/revoke_invite`, `P/users/email_invite`
//! (users.md §6) and their legacy aliases (operations.md §7).

use axum::extract::State;

use crate::server::api::request::ApiRequest;
use crate::server::api::response::{no_content, ok, ApiResult};
use crate::server::service::invites;
use crate::server::state::AppState;

pub async fn create(State(state): State<AppState>, req: ApiRequest) -> ApiResult {
    ok(invites::create(&state, &req.caller, &req.params).await?)
}

/// Legacy `GET /users/invite_token` and `GET /invite_token`: the token as a JSON string.
pub async fn create_legacy(State(state): State<AppState>, req: ApiRequest) -> ApiResult {
    ok(invites::create_legacy(&state, &req.caller, &req.params).await?)
}

pub async fn list(State(state): State<AppState>, req: ApiRequest) -> ApiResult {
    ok(invites::list(&state, &req.caller).await?)
}

pub async fn revoke(State(state): State<AppState>, req: ApiRequest) -> ApiResult {
    ok(invites::revoke(&state, &req.caller, &req.params).await?)
}

pub async fn email_invite(State(state): State<AppState>, req: ApiRequest) -> ApiResult {
    invites::email_invite(&state, &req.caller, &req.params).await?;
    no_content()
}
