//! `GET /api/v1/instance`, `/api/v1/instance/peers`, nodeinfo.

use axum::extract::State;

use super::response::{ok, ApiResult};
use crate::server::service::instance;
use crate::server::state::AppState;

pub async fn instance(State(state): State<AppState>) -> ApiResult {
    let settings = state.settings().await?;
    ok(instance::instance(&state.db, &state.site, &settings).await?)
}

pub async fn peers(State(state): State<AppState>) -> ApiResult {
    ok(instance::peers(&state.db).await?)
}

pub async fn nodeinfo_links(State(state): State<AppState>) -> ApiResult {
    ok(instance::nodeinfo_links(&state.site))
}

pub async fn nodeinfo_20(State(state): State<AppState>) -> ApiResult {
    let settings = state.settings().await?;
    ok(instance::nodeinfo(&state.db, &settings, "2.0").await?)
}

pub async fn nodeinfo_21(State(state): State<AppState>) -> ApiResult {
    let settings = state.settings().await?;
    ok(instance::nodeinfo(&state.db, &settings, "2.1").await?)
}
