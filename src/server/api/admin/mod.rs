//! The Admin API, served under both prefixes (`/api/pleroma/admin`, `/api/v1/pleroma/admin`).

mod dashboard;

use axum::routing::get;
use axum::Router;

use crate::server::state::AppState;

/// The prefixes every Admin API path is served under.
pub const PREFIXES: [&str; 2] = ["/api/pleroma/admin", "/api/v1/pleroma/admin"];

/// Admin routes relative to a prefix.
pub fn router() -> Router<AppState> {
    Router::new().route("/dashboard", get(dashboard::dashboard))
}
