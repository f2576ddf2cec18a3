//! What every request handler shares.

use std::path::PathBuf;
use std::sync::Arc;

use axum::extract::FromRef;
use leptos::prelude::LeptosOptions;

use crate::error::AppError;
use crate::server::db::{config as config_db, Db};
use crate::server::media_proxy::MediaUrls;
use crate::server::settings::{FileConfig, Settings};
use crate::server::settings_cache::SettingsCache;

/// Process-wide state handed to axum handlers and (as context) to server functions.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub db: Db,
    pub site: Arc<Site>,
    pub leptos_options: LeptosOptions,
    /// This process's effective settings (see [`crate::server::settings_cache`]).
    pub settings_cache: Arc<SettingsCache>,
    /// Live events for the panel (`GET /api/steward/events`).
    pub events: crate::server::events::Events,
}

/// Facts fixed at start: where steward is reachable and where its files are.
#[derive(Debug, Clone)]
pub struct Site {
    /// Public URL without a trailing slash (`STEWARD_BASE_URL`).
    pub base_url: String,
    /// `host[:port]` of the base URL: "this host".
    pub host: String,
    /// Whether cookies get `Secure` (base URL is https).
    pub secure: bool,
    pub file_config: FileConfig,
    /// Where the default mail transport writes `.eml` files.
    pub mailbox_dir: PathBuf,
    /// Where uploaded images are stored.
    pub media_dir: PathBuf,
    /// How responses show media URLs (through the media proxy when it is on). Fixed at start
    /// like the rest, but it reads the live settings.
    pub media: MediaUrls,
}

impl Site {
    pub fn new(
        base_url: &str,
        file_config: FileConfig,
        mailbox_dir: PathBuf,
        media_dir: PathBuf,
    ) -> Site {
        let base_url = base_url.trim_end_matches('/').to_string();
        let without_scheme = base_url
            .split_once("://")
            .map(|(_, rest)| rest)
            .unwrap_or(&base_url);
        let host = without_scheme
            .split('/')
            .next()
            .unwrap_or_default()
            .to_string();
        Site {
            secure: base_url.starts_with("https://"),
            host,
            base_url,
            file_config,
            mailbox_dir,
            media_dir,
            media: MediaUrls::default(),
        }
    }
}

impl AppState {
    /// Whether reboot-time settings are waiting for `GET /restart` (config.md §7), as every
    /// process sharing the database sees it.
    pub async fn need_reboot(&self) -> Result<bool, AppError> {
        Ok(config_db::state(&self.db.pool).await?.0)
    }

    /// The effective settings right now (defaults, file, database; reboot-time settings as in
    /// force since the last start or `GET /restart`), from this process's cache.
    pub async fn settings(&self) -> Result<Arc<Settings>, AppError> {
        self.settings_cache
            .get(&self.db, &self.site.file_config)
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_comes_from_base_url() {
        let file = FileConfig {
            path: PathBuf::from("x"),
            configurable_from_database: true,
            database_config_whitelist: None,
            configs: vec![],
        };
        let site = Site::new(
            "https://social.example:8443/",
            file,
            PathBuf::from("m"),
            PathBuf::from("media"),
        );
        assert_eq!(site.host, "social.example:8443");
        assert_eq!(site.base_url, "https://social.example:8443");
        assert!(site.secure);
    }
}
