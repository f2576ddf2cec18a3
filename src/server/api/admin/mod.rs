//! The Admin API, served under both prefixes (`/api/pleroma/admin`, `/api/v1/pleroma/admin`).

mod dashboard;
mod moderation_log;
mod users;

use axum::routing::{get, patch, post, put};
use axum::Router;

use crate::server::state::AppState;

/// The prefixes every Admin API path is served under.
pub const PREFIXES: [&str; 2] = ["/api/pleroma/admin", "/api/v1/pleroma/admin"];

/// Admin routes relative to a prefix.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/dashboard", get(dashboard::dashboard))
        .route("/moderation_log", get(moderation_log::list))
        .route(
            "/users",
            get(users::list).post(users::create).delete(users::delete),
        )
        .route("/user", post(users::create).delete(users::delete))
        .route("/users/activate", patch(users::activate))
        .route("/users/deactivate", patch(users::deactivate))
        .route("/users/approve", patch(users::approve))
        .route("/users/tag", put(users::tag).delete(users::untag))
        .route("/users/follow", post(users::follow))
        .route("/users/unfollow", post(users::unfollow))
        .route(
            "/users/force_password_reset",
            patch(users::force_password_reset),
        )
        .route(
            "/users/permission_group/{group}",
            post(users::grant_many).delete(users::revoke_many),
        )
        .route("/users/{key}", get(users::show))
        .route(
            "/users/{key}/toggle_activation",
            patch(users::toggle_activation),
        )
        .route(
            "/users/{key}/activation_status",
            put(users::activation_status),
        )
        .route(
            "/users/{key}/force_password_reset",
            patch(users::force_password_reset_one),
        )
        .route("/users/{key}/permission_group", get(users::roles))
        .route(
            "/users/{key}/permission_group/{group}",
            get(users::role)
                .post(users::grant_one)
                .delete(users::revoke_one),
        )
        // Legacy aliases (operations.md §7).
        .route("/user/follow", post(users::follow))
        .route("/user/unfollow", post(users::unfollow))
        .route("/permission_group/{key}", get(users::roles))
        .route(
            "/permission_group/{key}/{group}",
            get(users::role)
                .post(users::grant_one)
                .delete(users::revoke_one),
        )
        .route("/activation_status/{key}", put(users::activation_status))
}
