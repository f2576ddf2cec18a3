//! The dashboard's data.

use leptos::prelude::*;

use crate::error::PanelError;
use crate::model::dashboard::Dashboard;

/// `GET /dashboard` for the panel session (needs `statistics_read`).
#[server(prefix = "/api/steward/fn", endpoint = "dashboard")]
pub async fn get_dashboard() -> Result<Dashboard, PanelError> {
    let (state, caller) = super::door::caller(None).await?;
    Ok(crate::server::service::dashboard::dashboard(&state, &caller).await?)
}
