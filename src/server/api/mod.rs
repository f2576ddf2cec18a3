//! HTTP doors: REST handlers (one file per resource) and the router that assembles them.

pub mod accounts;
pub mod admin;
pub mod authorize;
pub mod events;
pub mod idempotency;
pub mod instance;
pub mod media;
pub mod middleware;
pub mod oauth;
pub mod panel_forms;
pub mod panel_media_proxy;
pub mod panel_reports;
pub mod panel_settings;
pub mod panel_statuses;
pub mod params;
pub mod passwords;
pub mod proxy;
pub mod registration;
pub mod reports;
pub mod request;
pub mod response;
pub mod session;
pub mod statuses;

use axum::routing::{get, post};
use axum::Router;

use crate::server::state::AppState;

/// Every JSON and form endpoint (the panel's pages are added by the Leptos integration).
pub fn router() -> Router<AppState> {
    let mut router = Router::new()
        .route("/api/v1/apps", post(oauth::create_app))
        .route("/oauth/token", post(oauth::token))
        .route("/oauth/mfa/challenge", post(oauth::mfa_challenge))
        .route("/oauth/revoke", post(oauth::revoke))
        .route(
            "/oauth/authorize",
            get(authorize::show).post(authorize::submit),
        )
        .route(
            "/api/v1/accounts/verify_credentials",
            get(accounts::verify_credentials),
        )
        // Statuses and follows (client-api.md §4–5).
        .route("/api/v1/statuses", post(statuses::create))
        .route(
            "/api/v1/statuses/{id}",
            get(statuses::show).delete(statuses::delete),
        )
        .route("/api/v1/statuses/{id}/reblog", post(statuses::reblog))
        .route("/api/v1/accounts/{id}/follow", post(statuses::follow))
        .route("/api/v1/accounts/{id}/unfollow", post(statuses::unfollow))
        .route("/api/v1/instance", get(instance::instance))
        .route("/media/{file}", get(media::file))
        .route("/proxy/{sig}/{url}", get(proxy::media))
        .route("/proxy/{sig}/{url}/{filename}", get(proxy::media))
        .route("/api/v1/instance/peers", get(instance::peers))
        .route("/.well-known/nodeinfo", get(instance::nodeinfo_links))
        .route("/nodeinfo/2.0.json", get(instance::nodeinfo_20))
        .route("/nodeinfo/2.1.json", get(instance::nodeinfo_21))
        .route(
            "/api/steward/session",
            get(session::show)
                .post(session::create)
                .delete(session::delete),
        )
        // Registration, password reset and email confirmation (client-api.md §3, §7).
        .route("/api/v1/accounts", post(registration::register))
        .route(
            "/registration/{token}",
            get(registration::show).post(registration::submit),
        )
        .route("/api/pleroma/password_reset", post(passwords::submit))
        .route("/api/pleroma/password_reset/{token}", get(passwords::show))
        .route("/auth/password", post(passwords::forgot))
        .route(
            "/api/account/confirm_email/{user_id}/{token}",
            get(passwords::confirm_email),
        )
        .route("/api/v1/reports", post(reports::create))
        .route("/api/steward/events", get(events::stream))
        .route("/admin/login", post(session::login_form))
        .route("/admin/logout", post(session::logout_form))
        // The panel's form posts (work without JavaScript).
        .route("/admin/users/action", post(panel_forms::users_action))
        .route("/admin/users/create", post(panel_forms::create_users))
        .route(
            "/admin/users/{id}/credentials",
            post(panel_forms::update_credentials),
        )
        .route("/admin/invites/create", post(panel_forms::create_invite))
        .route("/admin/invites/revoke", post(panel_forms::revoke_invite))
        .route("/admin/invites/email", post(panel_forms::email_invite))
        // The statuses screens' form posts.
        .route(
            "/admin/statuses/action",
            post(panel_statuses::status_action),
        )
        // The report screens' form posts.
        .route("/admin/reports/action", post(panel_reports::reports_action))
        .route("/admin/reports/{id}/notes", post(panel_reports::add_note))
        .route(
            "/admin/reports/{id}/notes/delete",
            post(panel_reports::delete_note),
        )
        // The media proxy cache screen's form posts.
        .route("/admin/media-proxy/unban", post(panel_media_proxy::unban))
        .route("/admin/media-proxy/evict", post(panel_media_proxy::evict))
        // The settings screen's form posts.
        .route("/admin/settings/{tab}", post(panel_settings::settings_form));
    for prefix in admin::PREFIXES {
        router = router.nest(prefix, admin::router().fallback(middleware::api_not_found));
    }
    router
        .route(
            "/api/{*rest}",
            axum::routing::any(middleware::api_not_found),
        )
        .route(
            "/oauth/{*rest}",
            axum::routing::any(middleware::api_not_found),
        )
}
