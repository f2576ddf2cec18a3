//! Live events for the panel (issue 4: new reports appear in the open queue without a reload and
//! the sidebar count follows), served as server-sent events at `GET /api/steward/events`
//! (steward extension).
//!
//! Events are published after the change committed. Every process keeps a
//! `tokio::sync::broadcast` channel its open streams read from. On SQLite (one process) a publish
//! goes straight into it. On PostgreSQL several processes may share the database, so a publish is
//! a `NOTIFY` on [`CHANNEL`]; every process (the publishing one included) `LISTEN`s on a dedicated
//! connection opened from the same URL (the `Any` pool cannot listen) and forwards what arrives
//! into its own channel. The open-report count is computed by the process that forwards, once per
//! event, and only when somebody is listening.
//!
//! Wire format: `event: report` with `{"id", "open_reports"}` when a report is filed,
//! `event: report_state` with `{"id", "state", "open_reports"}` when its state changes, and one
//! `event: ready` with `{"open_reports"}` when a stream opens (so a reconnecting panel refreshes its
//! count). Streams end when the server shuts down, so graceful shutdown is not held up.
//!
//! The same channel carries one internal notice that never reaches a stream: `config_changed`,
//! sent inside every config-store write's transaction, on which each process drops its cached
//! settings ([`crate::server::settings_cache`]). A process trusts its settings cache only while
//! its listener is connected, and starts the cache over after a reconnect (notifications sent in
//! between are lost).

use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use tokio::sync::{broadcast, watch};

use crate::error::AppError;
use crate::server::auth::Caller;
use crate::server::db::{reports as report_db, Backend, Db, Tx};
use crate::server::settings_cache::SettingsCache;
use crate::server::state::AppState;

/// The PostgreSQL notification channel.
pub const CHANNEL: &str = "steward_events";

/// Events kept for a slow stream before it skips ahead.
const BUFFER: usize = 256;

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// A report was filed.
    Report,
    /// A report's state changed.
    ReportState,
    /// The config store changed (internal: drops the settings cache, never sent to streams).
    ConfigChanged,
}

impl EventKind {
    /// The SSE `event:` name.
    pub fn name(self) -> &'static str {
        match self {
            EventKind::Report => "report",
            EventKind::ReportState => "report_state",
            EventKind::ConfigChanged => "config_changed",
        }
    }
}

/// What travels between processes (the `NOTIFY` payload).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Notice {
    kind: EventKind,
    id: String,
}

/// One event as streams send it.
#[derive(Debug, Clone)]
pub struct LiveEvent {
    /// The SSE `event:` name.
    pub name: &'static str,
    pub data: Value,
}

/// The process's event hub; cheap to clone.
#[derive(Clone, Debug)]
pub struct Events {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    sender: broadcast::Sender<LiveEvent>,
    backend: Backend,
    /// Becomes true when the server shuts down; open streams end then.
    closing: watch::Receiver<bool>,
}

impl Events {
    /// Starts the hub for the database at `url`: on PostgreSQL it listens before returning (so
    /// events published after start-up are not missed) and keeps listening in the background,
    /// reconnecting when the connection drops. `settings` is told whether config-store
    /// invalidations reach this process and receives them.
    pub async fn start(url: &str, db: &Db, settings: Arc<SettingsCache>) -> Events {
        let (sender, _) = broadcast::channel(BUFFER);
        let (close, closing) = watch::channel(false);
        tokio::spawn(async move {
            shutdown_signal().await;
            let _ = close.send(true);
        });
        if db.backend == Backend::Postgres {
            let first = listen(url).await;
            settings.set_trusted(first.is_some());
            tokio::spawn(forward(
                url.to_string(),
                db.clone(),
                sender.clone(),
                first,
                settings,
            ));
        }
        Events {
            inner: Arc::new(Inner {
                sender,
                backend: db.backend,
                closing,
            }),
        }
    }

    /// A receiver of every later event, and the shutdown flag.
    fn subscribe(&self) -> (broadcast::Receiver<LiveEvent>, watch::Receiver<bool>) {
        (self.inner.sender.subscribe(), self.inner.closing.clone())
    }
}

/// Announces that report `id` was filed or changed state. Called after the commit; a failure is
/// logged and never fails the request (the change itself succeeded).
pub async fn publish(state: &AppState, kind: EventKind, id: &str) {
    let events = &state.events.inner;
    let notice = Notice {
        kind,
        id: id.to_string(),
    };
    let result = match events.backend {
        Backend::Sqlite => deliver(&state.db, &events.sender, notice).await,
        Backend::Postgres => match serde_json::to_string(&notice) {
            Ok(payload) => sqlx::query("SELECT pg_notify($1, $2)")
                .bind(CHANNEL)
                .bind(payload)
                .execute(&state.db.pool)
                .await
                .map(|_| ())
                .map_err(AppError::from),
            Err(e) => Err(AppError::internal(e)),
        },
    };
    if let Err(error) = result {
        tracing::warn!(%error, "could not publish a live event");
    }
}

/// Tells the other processes sharing the database that the config store changed (PostgreSQL;
/// a no-op on SQLite, where the writing process is the only one). The notice goes out when `tx`
/// commits, and not at all if it rolls back.
pub async fn notify_config_changed(db: &Db, tx: &mut Tx) -> Result<(), AppError> {
    if db.backend != Backend::Postgres {
        return Ok(());
    }
    let payload = serde_json::to_string(&Notice {
        kind: EventKind::ConfigChanged,
        id: String::new(),
    })?;
    sqlx::query("SELECT pg_notify($1, $2)")
        .bind(CHANNEL)
        .bind(payload)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Turns a notice into an event for this process's streams (skipped when nobody listens).
async fn deliver(
    db: &Db,
    sender: &broadcast::Sender<LiveEvent>,
    notice: Notice,
) -> Result<(), AppError> {
    if sender.receiver_count() == 0 {
        return Ok(());
    }
    let open = report_db::open_count(db).await?;
    let mut data = json!({"id": notice.id, "open_reports": open});
    if notice.kind == EventKind::ReportState {
        if let Some(report) = report_db::by_id(db, &notice.id).await? {
            data["state"] = Value::String(report.state);
        }
    }
    // No receiver left in the meantime is fine.
    let _ = sender.send(LiveEvent {
        name: notice.kind.name(),
        data,
    });
    Ok(())
}

async fn listen(url: &str) -> Option<sqlx::postgres::PgListener> {
    let attempt = async {
        let mut listener = sqlx::postgres::PgListener::connect(url).await?;
        listener.listen(CHANNEL).await?;
        Ok::<_, sqlx::Error>(listener)
    };
    match attempt.await {
        Ok(listener) => Some(listener),
        Err(error) => {
            tracing::warn!(%error, "could not listen for live events; retrying");
            None
        }
    }
}

/// Forwards notifications into the process's channel for as long as the process runs.
async fn forward(
    url: String,
    db: Db,
    sender: broadcast::Sender<LiveEvent>,
    mut listener: Option<sqlx::postgres::PgListener>,
    settings: Arc<SettingsCache>,
) {
    loop {
        let Some(active) = listener.as_mut() else {
            tokio::time::sleep(Duration::from_secs(2)).await;
            listener = listen(&url).await;
            if listener.is_some() {
                settings.set_trusted(true);
            }
            continue;
        };
        // `try_recv` answers `None` after it lost the connection and reconnected by itself
        // (notifications in between are gone); an error means it could not reconnect.
        match active.try_recv().await {
            Ok(Some(notification)) => {
                match serde_json::from_str::<Notice>(notification.payload()) {
                    Ok(notice) if notice.kind == EventKind::ConfigChanged => settings.invalidate(),
                    Ok(notice) => {
                        if let Err(error) = deliver(&db, &sender, notice).await {
                            tracing::warn!(%error, "could not deliver a live event");
                        }
                    }
                    Err(error) => tracing::warn!(%error, "ignoring a malformed live event"),
                }
            }
            Ok(None) => {
                tracing::warn!("the live-event listener reconnected; settings are read again");
                settings.invalidate();
            }
            Err(error) => {
                tracing::warn!(%error, "lost the live-event listener; reconnecting");
                settings.set_trusted(false);
                listener = None;
            }
        }
    }
}

/// Resolves on Ctrl-C or SIGTERM, like the server's own shutdown.
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
        } else {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}

/// An authorised subscription: the caller must hold `reports_manage_reports` with `read:reports`.
pub struct Subscription {
    pub events: broadcast::Receiver<LiveEvent>,
    pub closing: watch::Receiver<bool>,
    /// The `ready` event that opens the stream.
    pub ready: LiveEvent,
}

/// Opens a subscription for `caller` (the events door calls this; authorisation lives here).
pub async fn subscribe(state: &AppState, caller: &Caller) -> Result<Subscription, AppError> {
    caller.authorize(&crate::server::service::reports::READ)?;
    // Subscribe before counting, so nothing between the count and the stream is missed.
    let (events, closing) = state.events.subscribe();
    let open = report_db::open_count(&state.db).await?;
    Ok(Subscription {
        events,
        closing,
        ready: LiveEvent {
            name: "ready",
            data: json!({"open_reports": open}),
        },
    })
}
