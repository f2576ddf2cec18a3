//! The settings screen (ui.md §4.11): one read with the descriptions, the layers and the effective
//! values, and the writes of the hydrated panel (save a tab, reset a setting, restart). Without
//! JavaScript the same writes go through `server::api::panel_settings`.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::error::PanelError;
use crate::model::config::{ConfigChange, Configs};
use crate::model::settings::SettingsScreen;

/// Server-only glue shared with the JavaScript-off form handler.
#[cfg(feature = "ssr")]
pub mod glue {
    use crate::error::AppError;
    use crate::model::settings::{SettingsEntry, SettingsScreen};
    use crate::server::auth::Caller;
    use crate::server::service::config;
    use crate::server::state::AppState;

    /// Every description (those the whitelist refuses read-only), the layers, and `GET /config`
    /// while database configuration is on. Admin only (the service checks).
    pub async fn load(state: &AppState, caller: &Caller) -> Result<SettingsScreen, AppError> {
        let layers = config::layers(state, caller).await?;
        let allowed = config::descriptions(state, caller).await?;
        let entries = crate::server::config::descriptions()
            .iter()
            .map(|d| SettingsEntry {
                editable: layers.configurable_from_database
                    && allowed.iter().any(|a| a.group == d.group && a.key == d.key),
                description: d.clone(),
            })
            .collect();
        let effective = if layers.configurable_from_database {
            config::list_configs(state, caller, false).await?.configs
        } else {
            Vec::new()
        };
        Ok(SettingsScreen {
            entries,
            layers,
            effective,
        })
    }
}

/// The settings screen's data.
#[server(prefix = "/api/steward/fn", endpoint = "settings_load")]
pub async fn load_settings() -> Result<SettingsScreen, PanelError> {
    let (state, caller) = super::door::caller(None).await?;
    Ok(glue::load(&state, &caller).await?)
}

/// `POST /config` with the changes of one tab (or one reset); answers the updated items.
#[server(prefix = "/api/steward/fn", endpoint = "settings_save", input = Json)]
pub async fn save_settings(
    csrf: String,
    changes: Vec<ConfigChange>,
) -> Result<Configs, PanelError> {
    let (state, caller) = super::door::caller(Some(&csrf)).await?;
    Ok(crate::server::service::config::update_changes(&state, &caller, &changes).await?)
}

/// `GET /restart`: applies the settings that need a restart.
#[server(prefix = "/api/steward/fn", endpoint = "settings_restart")]
pub async fn restart_now(csrf: String) -> Result<(), PanelError> {
    let (state, caller) = super::door::caller(Some(&csrf)).await?;
    crate::server::service::config::restart(&state, &caller).await?;
    Ok(())
}
