//! Server functions of the panel, under the private prefix `/api/steward/fn`. Each is a thin door
//! over the same service layer the REST API uses; authorisation happens there.

pub mod dashboard;
pub mod flash;
pub mod invites;
pub mod media_proxy;
pub mod reports;
pub mod session;
pub mod settings;
pub mod statuses;
pub mod users;

/// Shared glue for server functions (server only).
#[cfg(feature = "ssr")]
pub(crate) mod door {
    use axum::http::HeaderMap;
    use leptos::prelude::use_context;

    use crate::error::{AppError, PanelError};
    use crate::server::auth::Caller;
    use crate::server::state::AppState;

    /// The server state provided by the Leptos integration.
    pub fn state() -> Result<AppState, PanelError> {
        use_context::<AppState>()
            .ok_or_else(|| AppError::internal("AppState missing from context").into())
    }

    /// The request's headers.
    pub async fn headers() -> Result<HeaderMap, PanelError> {
        leptos_axum::extract::<HeaderMap>()
            .await
            .map_err(|e| PanelError {
                status: 500,
                message: e.to_string(),
            })
    }

    /// The caller behind the panel session; `csrf` for state-changing calls.
    pub async fn caller(csrf: Option<&str>) -> Result<(AppState, Caller), PanelError> {
        let state = state()?;
        let headers = headers().await?;
        let caller = Caller::from_session(&state, &headers, csrf).await?;
        Ok((state, caller))
    }
}
