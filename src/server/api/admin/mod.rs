//! The Admin API, served under both prefixes (`/api/pleroma/admin`, `/api/v1/pleroma/admin`).

mod config;
mod dashboard;
mod invites;
mod media_proxy;
mod moderation_log;
mod passwords;
mod reports;
mod statuses;
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
        // Config store (config.md §6) and its legacy migrate endpoints (operations.md §7).
        .route("/config", get(config::show).post(config::update))
        .route("/config/descriptions", get(config::descriptions))
        .route("/config/migrate_to_db", get(config::migrate_to_db))
        .route("/config/migrate_from_db", get(config::migrate_from_db))
        .route("/need_reboot", get(config::need_reboot))
        .route("/restart", get(config::restart))
        .route("/moderation_log", get(moderation_log::list))
        // Statuses, instances and stats (moderation.md §3–4).
        .route("/statuses", get(statuses::list))
        .route(
            "/statuses/{id}",
            get(statuses::show)
                .put(statuses::update)
                .delete(statuses::delete),
        )
        .route("/users/{key}/statuses", get(statuses::by_user))
        .route("/instances/{host}/statuses", get(statuses::by_instance))
        .route(
            "/instances/{host}",
            axum::routing::delete(statuses::delete_instance),
        )
        .route("/stats", get(statuses::stats))
        // Invites (users.md §6); `/users/invites` is static, so it wins over `/users/{key}`.
        .route(
            "/users/invite_token",
            post(invites::create).get(invites::create_legacy),
        )
        .route("/users/invites", get(invites::list))
        .route("/users/revoke_invite", post(invites::revoke))
        .route("/users/email_invite", post(invites::email_invite))
        .route("/invite_token", get(invites::create_legacy))
        .route("/email_invite", post(invites::email_invite))
        // Passwords, MFA and email confirmation (users.md §5).
        .route("/users/{key}/password_reset", get(passwords::reset_link))
        .route("/password_reset", get(passwords::reset_link_legacy))
        .route("/users/disable_mfa", put(passwords::disable_mfa))
        .route("/users/confirm_email", patch(passwords::confirm_email))
        .route(
            "/users/resend_confirmation_email",
            patch(passwords::resend_confirmation_email),
        )
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
            "/users/{key}/credentials",
            get(users::credentials).patch(users::update_credentials),
        )
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
        // Reports (moderation.md §2) and their legacy aliases (operations.md §7).
        .route("/reports", get(reports::list).patch(reports::update_states))
        .route(
            "/reports/{id}",
            get(reports::show).put(reports::update_state),
        )
        .route("/reports/{id}/notes", post(reports::add_note))
        .route("/reports/{id}/respond", post(reports::respond))
        .route(
            "/reports/{report_id}/notes/{id}",
            axum::routing::delete(reports::delete_note),
        )
        .route("/grouped_reports", get(reports::grouped))
        // Media proxy cache (operations.md §3).
        .route("/media_proxy_caches", get(media_proxy::list))
        .route("/media_proxy_caches/delete", post(media_proxy::delete))
        .route("/media_proxy_caches/purge", post(media_proxy::purge))
}
