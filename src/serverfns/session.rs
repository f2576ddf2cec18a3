//! The signed-in session and public instance facts.

use leptos::prelude::*;

use crate::error::PanelError;
use crate::model::instance::PublicInfo;
use crate::model::session::SessionInfo;

/// The panel session behind the cookie, or `None` when signed out.
#[server(prefix = "/api/steward/fn", endpoint = "session")]
pub async fn get_session() -> Result<Option<SessionInfo>, PanelError> {
    use crate::server::auth::caller::session_cookie;
    use crate::server::service::session;
    let state = super::door::state()?;
    let headers = super::door::headers().await?;
    let settings = state.settings().await?;
    let current = session::current(&state, &settings, session_cookie(&headers).as_deref()).await?;
    let Some(mut info) = current.map(|s| s.info) else {
        return Ok(None);
    };
    // The restart banner of every panel page: one primary-key read of the one-row config_state
    // table, for admins only (the only ones who may restart).
    if info.is_admin {
        info.need_reboot = state.need_reboot().await?;
    }
    Ok(Some(info))
}

/// Name, description and registration mode for the landing page.
#[server(prefix = "/api/steward/fn", endpoint = "public_info")]
pub async fn get_public_info() -> Result<PublicInfo, PanelError> {
    let state = super::door::state()?;
    let settings = state.settings().await?;
    Ok(PublicInfo {
        name: settings.name.clone(),
        description: settings.description.clone(),
        registrations_open: settings.registrations_open,
        invites_enabled: settings.invites_enabled,
        approval_required: settings.account_approval_required,
    })
}
