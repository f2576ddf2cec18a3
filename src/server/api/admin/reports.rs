//! `P/reports…` and `P/grouped_reports` (moderation.md §2) and the legacy report aliases
//! (operations.md §7).

use axum::extract::{Path, State};

use crate::server::api::request::ApiRequest;
use crate::server::api::response::{no_content, ok, ok_json_text, ApiResult};
use crate::server::service::reports;
use crate::server::state::AppState;

pub async fn list(State(state): State<AppState>, req: ApiRequest) -> ApiResult {
    ok(reports::list(&state, &req.caller, &req.params).await?)
}

pub async fn show(
    State(state): State<AppState>,
    Path(id): Path<String>,
    req: ApiRequest,
) -> ApiResult {
    ok(reports::show(&state, &req.caller, &id).await?)
}

pub async fn update_states(State(state): State<AppState>, req: ApiRequest) -> ApiResult {
    reports::update_states(&state, &req.caller, &req.params).await?;
    no_content()
}

/// Legacy `PUT /reports/:id`.
pub async fn update_state(
    State(state): State<AppState>,
    Path(id): Path<String>,
    req: ApiRequest,
) -> ApiResult {
    ok(reports::update_state(&state, &req.caller, &id, &req.params).await?)
}

/// Legacy `POST /reports/:id/respond`.
pub async fn respond(
    State(state): State<AppState>,
    Path(id): Path<String>,
    req: ApiRequest,
) -> ApiResult {
    ok(reports::respond(&state, &req.caller, &id, &req.params).await?)
}

pub async fn add_note(
    State(state): State<AppState>,
    Path(id): Path<String>,
    req: ApiRequest,
) -> ApiResult {
    reports::add_note(&state, &req.caller, &id, &req.params).await?;
    no_content()
}

pub async fn delete_note(
    State(state): State<AppState>,
    Path((report_id, id)): Path<(String, String)>,
    req: ApiRequest,
) -> ApiResult {
    reports::delete_note(&state, &req.caller, &report_id, &id).await?;
    no_content()
}

pub async fn grouped(State(state): State<AppState>, req: ApiRequest) -> ApiResult {
    ok_json_text(reports::grouped(&state, &req.caller).await?)
}
