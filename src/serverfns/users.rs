//! The users screens' reads (users.md §2, §5): the list with its filters and paging, one user, the
//! credentials form's data. Writes go through the plain HTML forms of `server::api::panel_forms`.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::error::PanelError;
use crate::model::users::{AdminUser, Credentials, UserListQuery, UsersOverview, UsersPage};

/// Deserialises a service answer into its panel type.
#[cfg(feature = "ssr")]
fn from_json<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> Result<T, PanelError> {
    serde_json::from_value(value).map_err(|e| {
        crate::error::AppError::internal(format!("unexpected service answer: {e}")).into()
    })
}

/// `GET /users` with the list's filters and paging (needs `users_read`). The query travels as JSON:
/// its lists may be empty, which form encoding can't say.
#[server(prefix = "/api/steward/fn", endpoint = "users_list", input = Json)]
pub async fn list_users(query: UserListQuery) -> Result<UsersPage, PanelError> {
    use crate::server::api::params::Params;
    let (state, caller) = super::door::caller(None).await?;
    let params = Params::from_value(query.api_params());
    from_json(crate::server::service::users::list(&state, &caller, &params).await?)
}

/// The pending-approval count, mailer state and server time for the users screen.
#[server(prefix = "/api/steward/fn", endpoint = "users_overview")]
pub async fn get_users_overview() -> Result<UsersOverview, PanelError> {
    use crate::server::api::params::Params;
    let (state, caller) = super::door::caller(None).await?;
    let params =
        Params::from_value(serde_json::json!({"filters": "local,need_approval", "page_size": 1}));
    let pending = crate::server::service::users::list(&state, &caller, &params).await?;
    Ok(UsersOverview {
        pending_approval: pending
            .get("count")
            .and_then(serde_json::Value::as_i64)
            .unwrap_or(0),
        mailer_enabled: caller.settings.mailer_enabled(),
        now_ms: crate::server::db::now_ms(),
    })
}

/// `GET /users/:id` (needs `users_read`).
#[server(prefix = "/api/steward/fn", endpoint = "users_show")]
pub async fn get_user(id: String) -> Result<AdminUser, PanelError> {
    let (state, caller) = super::door::caller(None).await?;
    from_json(crate::server::service::users::show(&state, &caller, &id).await?)
}

/// `GET /users/:id/credentials` (needs `users_manage_credentials`).
#[server(prefix = "/api/steward/fn", endpoint = "users_credentials")]
pub async fn get_credentials(id: String) -> Result<Credentials, PanelError> {
    let (state, caller) = super::door::caller(None).await?;
    from_json(crate::server::service::credentials::show(&state, &caller, &id).await?)
}
