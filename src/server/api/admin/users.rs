//! `P/users…` (users.md §2–4) and their legacy aliases (operations.md §7).

use axum::extract::{Path, State};

use crate::error::AppError;
use crate::server::api::request::ApiRequest;
use crate::server::api::response::{no_content, ok, ApiResult};
use crate::server::service::{credentials, user_lifecycle, users};
use crate::server::state::AppState;

pub async fn list(State(state): State<AppState>, req: ApiRequest) -> ApiResult {
    ok(users::list(&state, &req.caller, &req.params).await?)
}

pub async fn show(
    State(state): State<AppState>,
    Path(key): Path<String>,
    req: ApiRequest,
) -> ApiResult {
    ok(users::show(&state, &req.caller, &key).await?)
}

pub async fn activate(State(state): State<AppState>, req: ApiRequest) -> ApiResult {
    ok(users::set_activation(&state, &req.caller, &req.params, true).await?)
}

pub async fn deactivate(State(state): State<AppState>, req: ApiRequest) -> ApiResult {
    ok(users::set_activation(&state, &req.caller, &req.params, false).await?)
}

pub async fn toggle_activation(
    State(state): State<AppState>,
    Path(key): Path<String>,
    req: ApiRequest,
) -> ApiResult {
    ok(users::toggle_activation(&state, &req.caller, &key).await?)
}

pub async fn activation_status(
    State(state): State<AppState>,
    Path(key): Path<String>,
    req: ApiRequest,
) -> ApiResult {
    ok(users::activation_status(&state, &req.caller, &key, &req.params).await?)
}

pub async fn approve(State(state): State<AppState>, req: ApiRequest) -> ApiResult {
    ok(users::approve(&state, &req.caller, &req.params).await?)
}

pub async fn tag(State(state): State<AppState>, req: ApiRequest) -> ApiResult {
    users::tag(&state, &req.caller, &req.params, true).await?;
    no_content()
}

pub async fn untag(State(state): State<AppState>, req: ApiRequest) -> ApiResult {
    users::tag(&state, &req.caller, &req.params, false).await?;
    no_content()
}

pub async fn roles(
    State(state): State<AppState>,
    Path(key): Path<String>,
    req: ApiRequest,
) -> ApiResult {
    ok(users::permission_group(&state, &req.caller, &key, None).await?)
}

pub async fn role(
    State(state): State<AppState>,
    Path((key, group)): Path<(String, String)>,
    req: ApiRequest,
) -> ApiResult {
    ok(users::permission_group(&state, &req.caller, &key, Some(&group)).await?)
}

pub async fn grant_one(
    State(state): State<AppState>,
    Path((key, group)): Path<(String, String)>,
    req: ApiRequest,
) -> ApiResult {
    ok(
        users::set_permission_group(&state, &req.caller, &group, Some(&key), &req.params, true)
            .await?,
    )
}

pub async fn revoke_one(
    State(state): State<AppState>,
    Path((key, group)): Path<(String, String)>,
    req: ApiRequest,
) -> ApiResult {
    ok(
        users::set_permission_group(&state, &req.caller, &group, Some(&key), &req.params, false)
            .await?,
    )
}

pub async fn grant_many(
    State(state): State<AppState>,
    Path(group): Path<String>,
    req: ApiRequest,
) -> ApiResult {
    ok(users::set_permission_group(&state, &req.caller, &group, None, &req.params, true).await?)
}

pub async fn revoke_many(
    State(state): State<AppState>,
    Path(group): Path<String>,
    req: ApiRequest,
) -> ApiResult {
    ok(users::set_permission_group(&state, &req.caller, &group, None, &req.params, false).await?)
}

pub async fn follow(State(state): State<AppState>, req: ApiRequest) -> ApiResult {
    ok(users::force_follow(&state, &req.caller, &req.params, true).await?)
}

pub async fn unfollow(State(state): State<AppState>, req: ApiRequest) -> ApiResult {
    ok(users::force_follow(&state, &req.caller, &req.params, false).await?)
}

pub async fn force_password_reset(State(state): State<AppState>, req: ApiRequest) -> ApiResult {
    let nicknames = req
        .params
        .strings("nicknames")?
        .ok_or_else(|| AppError::missing("nicknames"))?;
    users::force_password_reset(&state, &req.caller, &nicknames).await?;
    no_content()
}

pub async fn force_password_reset_one(
    State(state): State<AppState>,
    Path(key): Path<String>,
    req: ApiRequest,
) -> ApiResult {
    let account = users::find_for(&state, &req.caller, &key).await?;
    users::force_password_reset(&state, &req.caller, &[account.nickname]).await?;
    no_content()
}

pub async fn create(State(state): State<AppState>, req: ApiRequest) -> ApiResult {
    let (status, body) = user_lifecycle::create(&state, &req.caller, &req.params).await?;
    let mut response = ok(body)?;
    *response.status_mut() = status;
    Ok(response)
}

pub async fn delete(State(state): State<AppState>, req: ApiRequest) -> ApiResult {
    ok(user_lifecycle::delete(&state, &req.caller, &req.params).await?)
}

pub async fn credentials(
    State(state): State<AppState>,
    Path(key): Path<String>,
    req: ApiRequest,
) -> ApiResult {
    ok(credentials::show(&state, &req.caller, &key).await?)
}

pub async fn update_credentials(
    State(state): State<AppState>,
    Path(key): Path<String>,
    req: ApiRequest,
) -> ApiResult {
    ok(credentials::update(&state, &req.caller, &key, &req.params).await?)
}
