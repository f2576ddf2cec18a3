//! The server: configuration, storage, authentication, services and HTTP doors. Compiled with `ssr`.

pub mod api;
pub mod auth;
pub mod config;
pub mod dates;
pub mod db;
pub mod events;
pub mod mail;
pub mod media_proxy;
pub mod pages;
pub mod service;
pub mod settings;
pub mod settings_cache;
pub mod state;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use axum::extract::Request;
use axum::{middleware, Router, ServiceExt};
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower::Layer;

use crate::app::{shell, App};
use crate::error::AppError;
use db::Db;
use settings::FileConfig;
use state::{AppState, Site};

/// Start-up configuration from the environment (README "Configuration").
#[derive(Debug, Clone)]
pub struct Config {
    pub database_url: String,
    /// `HOST:PORT` to listen on; port 0 picks a free port.
    pub addr: String,
    pub base_url: Option<String>,
    pub config_file: PathBuf,
    pub mailbox_dir: PathBuf,
    /// Where uploaded avatars, banners and backgrounds are kept (served at `/media/<file>`).
    pub media_dir: PathBuf,
}

impl Config {
    /// Reads `DATABASE_URL`, `STEWARD_ADDR`/`STEWARD_BIND`/`LEPTOS_SITE_ADDR`, `STEWARD_BASE_URL`,
    /// `STEWARD_CONFIG_FILE` and `STEWARD_MAILBOX_DIR`, with the documented defaults.
    pub fn from_env() -> Config {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        Config {
            database_url: var("DATABASE_URL").unwrap_or_else(|| db::DEFAULT_URL.to_string()),
            addr: var("STEWARD_ADDR")
                .or_else(|| var("STEWARD_BIND"))
                .or_else(|| var("LEPTOS_SITE_ADDR"))
                .unwrap_or_else(|| "127.0.0.1:3000".into()),
            base_url: var("STEWARD_BASE_URL"),
            config_file: var("STEWARD_CONFIG_FILE")
                .map(PathBuf::from)
                .unwrap_or_else(|| "data/config.json".into()),
            mailbox_dir: var("STEWARD_MAILBOX_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(|| "data/mailbox".into()),
            media_dir: var("STEWARD_MEDIA_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(|| "data/media".into()),
        }
    }
}

/// Site options for the panel: `Leptos.toml` in the working directory if present, else defaults and
/// `LEPTOS_*` variables. Assets are looked for in `LEPTOS_SITE_ROOT`, then `site/` next to the
/// binary, then `target/site`.
pub fn leptos_options() -> LeptosOptions {
    if std::path::Path::new("Leptos.toml").exists() {
        match get_configuration(Some("Leptos.toml")) {
            Ok(conf) => return conf.leptos_options,
            Err(e) => tracing::warn!(error = %e, "ignoring unreadable Leptos.toml"),
        }
    }
    let site_root = std::env::var("LEPTOS_SITE_ROOT")
        .ok()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| {
            let beside_binary = std::env::current_exe()
                .ok()
                .and_then(|exe| exe.parent().map(|dir| dir.join("site")));
            match beside_binary {
                Some(dir) if dir.join("pkg").exists() => dir.display().to_string(),
                _ => "target/site".to_string(),
            }
        });
    LeptosOptions::builder()
        .output_name("steward")
        .site_root(site_root)
        .site_pkg_dir("pkg")
        .build()
}

/// A bound, ready-to-serve steward.
pub struct Application {
    pub addr: SocketAddr,
    pub state: AppState,
    listener: tokio::net::TcpListener,
}

impl Application {
    /// Connects and migrates the database, binds the listener and assembles the state.
    pub async fn build(config: Config) -> Result<Application, AppError> {
        let file_config = FileConfig::load(&config.config_file)?;
        let db = Db::connect(&config.database_url).await?;
        db.migrate().await?;
        service::oauth::panel_app_id(&db).await?;
        let listener = tokio::net::TcpListener::bind(&config.addr)
            .await
            .map_err(|e| {
                AppError::Unavailable(format!("Could not listen on {}: {e}", config.addr))
            })?;
        let addr = listener.local_addr().map_err(AppError::internal)?;
        let base_url = config
            .base_url
            .clone()
            .unwrap_or_else(|| format!("http://{addr}"));
        let mut leptos_options = leptos_options();
        leptos_options.site_addr = addr;
        // SQLite has one server process: nothing else can invalidate its settings cache.
        let settings_cache = Arc::new(settings_cache::SettingsCache::new(
            db.backend == db::Backend::Sqlite,
        ));
        let events = events::Events::start(&config.database_url, &db, settings_cache.clone()).await;
        let mut site = Site::new(
            &base_url,
            file_config,
            config.mailbox_dir.clone(),
            config.media_dir.clone(),
        );
        // The media proxy's signing key is shared by every process on the database; the first
        // start creates it.
        let secret = service::media_proxy::secret(&db).await?;
        site.media = media_proxy::MediaUrls::new(
            media_proxy::Signer::new(&secret, &site.base_url),
            settings_cache.clone(),
        );
        let state = AppState {
            db,
            site: Arc::new(site),
            leptos_options,
            settings_cache,
            events,
        };
        // A start applies the reboot-time settings and clears the reboot flag (config.md §7).
        service::config::start(&state).await?;
        Ok(Application {
            addr,
            state,
            listener,
        })
    }

    /// The full HTTP service: API routes, panel pages, server functions and static files.
    pub fn router(state: AppState) -> Router {
        let routes = generate_route_list(App);
        let leptos_state = state.clone();
        api::router()
            .leptos_routes_with_context(
                &state,
                routes,
                move || provide_context(leptos_state.clone()),
                {
                    let options = state.leptos_options.clone();
                    move || shell(options.clone())
                },
            )
            .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
            .layer(middleware::from_fn_with_state(
                state.clone(),
                api::idempotency::layer,
            ))
            .layer(middleware::from_fn(api::middleware::refuse_nul_paths))
            .layer(middleware::from_fn(api::middleware::api_conventions))
            .with_state(state)
    }

    /// Serves until Ctrl-C or SIGTERM; in-flight requests finish first.
    pub async fn run(self) -> Result<(), AppError> {
        let router = Self::router(self.state);
        let app = middleware::map_request(|req: Request| async move {
            api::middleware::trim_trailing_slash(req)
        })
        .layer(router);
        axum::serve(
            self.listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown_signal())
        .await
        .map_err(AppError::internal)
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut signal) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            signal.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
