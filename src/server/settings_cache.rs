//! The effective settings of this process, cached (issue 5: re-reading the config table for every
//! request was a measured cost), and the reboot-time settings in force (config.md §7).
//!
//! **What is cached.** [`SettingsCache`] keeps one `Arc<Settings>`: built-in defaults, the config
//! file, the database rows ([`Settings::layered`]), with the reboot-time settings (`upload_limit`,
//! the `authentication` rate limit) replaced by the values in force ([`RebootSettings`]).
//!
//! **Where the truth lives.** Everything that must agree across processes is in the database: the
//! config rows, and the `config_state` row with the reboot flag and the reboot-time settings in
//! force. A server start and `GET /restart` write the current reboot-time values there and clear
//! the flag, so every process on the database applies the same values and reports the same flag;
//! starting a process therefore counts as a restart of all of them (with one process this is
//! exactly "false at start"). `GET /need_reboot` and the flag in `GET`/`POST /config` read the row
//! itself, never a cache.
//!
//! **Invalidation.** Every config-store write drops this process's cache after its commit. Other
//! processes learn of it through the live-event channel ([`crate::server::events`]): on
//! PostgreSQL the write sends a `NOTIFY` inside its transaction (so it is delivered exactly when the
//! change commits) and every process's listener drops its cache when it arrives. Notifications are
//! lost while a listener is disconnected, so a process only trusts its cache while its listener is
//! connected: until then, and after a reconnect, it reads the database as before. SQLite has a
//! single server process, so dropping the local cache suffices.
//!
//! A load that races a write is not stored: the cache keeps a generation counter, and a result
//! computed before an invalidation is used once but never cached.
//!
//! **Code that cannot wait.** Views built synchronously (the media proxy's URL rewriting in account
//! views) read [`SettingsCache::latest`]: the newest settings a load of this process produced,
//! kept across invalidations. Every request loads its settings before it renders anything (the
//! request extractor does), so a view sees settings at least as new as its own request's.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::AppError;
use crate::server::db::{config as config_db, Db};
use crate::server::settings::{FileConfig, Settings};

/// The settings that change only at a start or `GET /restart` (config.md §8 "reboot").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RebootSettings {
    /// `[:instance, :upload_limit]`: the multipart limit.
    pub upload_limit: i64,
    /// `[:rate_limit, :authentication]` as `(window ms, allowed failures)`; `None` = off.
    pub auth_rate_limit: Option<(i64, i64)>,
}

impl RebootSettings {
    /// The reboot-time values of `settings`.
    pub fn of(settings: &Settings) -> RebootSettings {
        RebootSettings {
            upload_limit: settings.upload_limit,
            auth_rate_limit: settings.auth_rate_limit,
        }
    }

    /// Puts these values into `settings`.
    pub fn apply_to(&self, settings: &mut Settings) {
        settings.upload_limit = self.upload_limit;
        settings.auth_rate_limit = self.auth_rate_limit;
    }

    /// The JSON stored in `config_state`.
    pub fn to_json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

/// This process's cached effective settings.
#[derive(Debug)]
pub struct SettingsCache {
    current: Mutex<Option<Arc<Settings>>>,
    /// Bumped by every invalidation; a load only caches if it did not change meanwhile.
    generation: AtomicU64,
    /// Whether invalidations reach this process (always on SQLite; on PostgreSQL while the
    /// listener is connected).
    trusted: AtomicBool,
    /// The newest settings loaded by this process with the generation their load started in
    /// (never dropped; see the module comment).
    latest: Mutex<Option<(u64, Arc<Settings>)>>,
}

impl SettingsCache {
    /// An empty cache; `trusted` says whether invalidations from other processes can reach it yet.
    pub fn new(trusted: bool) -> SettingsCache {
        SettingsCache {
            current: Mutex::new(None),
            generation: AtomicU64::new(0),
            trusted: AtomicBool::new(trusted),
            latest: Mutex::new(None),
        }
    }

    /// The effective settings: cached, or loaded now.
    pub async fn get(&self, db: &Db, file: &FileConfig) -> Result<Arc<Settings>, AppError> {
        let trusted = self.trusted.load(Ordering::SeqCst);
        if trusted {
            if let Some(settings) = self.cached() {
                return Ok(settings);
            }
        }
        let generation = self.generation.load(Ordering::SeqCst);
        let settings = Arc::new(load(db, file).await?);
        if trusted && self.trusted.load(Ordering::SeqCst) {
            if let Ok(mut slot) = self.current.lock() {
                if self.generation.load(Ordering::SeqCst) == generation {
                    *slot = Some(settings.clone());
                }
            }
        }
        // Loads can finish out of order: one that started before an invalidation never replaces
        // one that started after it. (Requiring an unchanged generation instead would let the
        // NOTIFY of a process's own write, arriving during the next load, keep stale settings.)
        if let Ok(mut latest) = self.latest.lock() {
            if latest.as_ref().is_none_or(|(seen, _)| generation >= *seen) {
                *latest = Some((generation, settings.clone()));
            }
        }
        Ok(settings)
    }

    /// The newest settings this process loaded, for code that cannot wait for a load; `None`
    /// before the first load.
    pub fn latest(&self) -> Option<Arc<Settings>> {
        self.latest
            .lock()
            .ok()
            .and_then(|slot| slot.as_ref().map(|(_, settings)| settings.clone()))
    }

    fn cached(&self) -> Option<Arc<Settings>> {
        self.current.lock().ok().and_then(|slot| slot.clone())
    }

    /// Drops the cached settings: the next request reads the database.
    pub fn invalidate(&self) {
        if let Ok(mut slot) = self.current.lock() {
            self.generation.fetch_add(1, Ordering::SeqCst);
            *slot = None;
        }
    }

    /// Whether invalidations from other processes reach this one; either way the cache starts
    /// over, since some may have been missed.
    pub fn set_trusted(&self, trusted: bool) {
        self.trusted.store(trusted, Ordering::SeqCst);
        self.invalidate();
    }
}

/// The effective settings read now: the layers, with the reboot-time values in force.
pub async fn load(db: &Db, file: &FileConfig) -> Result<Settings, AppError> {
    let mut settings = Settings::load(&db.pool, file).await?;
    let (_, in_force) = config_db::state(&db.pool).await?;
    if let Some(in_force) = in_force.and_then(|v| serde_json::from_value::<RebootSettings>(v).ok())
    {
        in_force.apply_to(&mut settings);
    }
    Ok(settings)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reboot_settings_round_trip() {
        let settings = Settings {
            upload_limit: 5,
            auth_rate_limit: None,
            ..Settings::default()
        };
        let reboot = RebootSettings::of(&settings);
        let back: Option<RebootSettings> = serde_json::from_value(reboot.to_json()).ok();
        assert_eq!(back.as_ref(), Some(&reboot));
        let mut other = Settings::default();
        reboot.apply_to(&mut other);
        assert_eq!((other.upload_limit, other.auth_rate_limit), (5, None));
    }
}
