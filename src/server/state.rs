//! What every request handler shares.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use axum::extract::FromRef;
use leptos::prelude::LeptosOptions;

use crate::error::AppError;
use crate::server::db::Db;
use crate::server::settings::{FileConfig, Settings};

/// Process-wide state handed to axum handlers and (as context) to server functions.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub db: Db,
    pub site: Arc<Site>,
    pub leptos_options: LeptosOptions,
    /// Raised when a reboot-time setting changed (config.md §7); cleared by `GET /restart`.
    pub need_reboot: Arc<AtomicBool>,
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
        }
    }
}

impl AppState {
    /// Whether reboot-time settings are waiting for `GET /restart`.
    pub fn need_reboot(&self) -> bool {
        self.need_reboot.load(Ordering::Relaxed)
    }

    /// The effective settings right now (defaults, file, database).
    pub async fn settings(&self) -> Result<Arc<Settings>, AppError> {
        Ok(Arc::new(
            Settings::load(&self.db.pool, &self.site.file_config).await?,
        ))
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
