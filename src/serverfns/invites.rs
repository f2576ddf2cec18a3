//! The invites screen's read (users.md §6): every invite plus the settings that decide what can be
//! done with them. Writes go through the plain HTML forms of `server::api::panel_forms`.

use leptos::prelude::*;

use crate::error::PanelError;
use crate::model::users::InvitesScreen;

/// `GET /users/invites` with the registration, invite and mailer settings (needs
/// `users_manage_invites`).
#[server(prefix = "/api/steward/fn", endpoint = "invites_list")]
pub async fn list_invites() -> Result<InvitesScreen, PanelError> {
    use crate::error::AppError;
    let (state, caller) = super::door::caller(None).await?;
    let listed = crate::server::service::invites::list(&state, &caller).await?;
    let invites = serde_json::from_value(listed.get("invites").cloned().unwrap_or_default())
        .map_err(|e| AppError::internal(format!("unexpected service answer: {e}")))?;
    let settings = &caller.settings;
    Ok(InvitesScreen {
        invites,
        base_url: state.site.base_url.clone(),
        today: crate::server::dates::day(crate::server::db::now_ms()),
        registrations_open: settings.registrations_open,
        invites_enabled: settings.invites_enabled,
        approval_required: settings.account_approval_required,
        mailer_enabled: settings.mailer_enabled(),
    })
}
