//! The live report feed (issue 4, ui.md §3): once hydrated, the panel listens to
//! `GET /api/steward/events` (server-sent events) and keeps the open-report count of the sidebar
//! and the report queue current without a reload. The server renders the first count, so the
//! sidebar is right without JavaScript too.

use leptos::prelude::*;

use crate::serverfns::reports::get_open_reports;

/// What the feed shares with the screens: the latest open count it heard, and a counter that goes
/// up with every report filed or changed (screens refetch when it moves).
#[derive(Debug, Clone, Copy)]
pub struct LiveReports {
    /// `None` until the stream has said anything.
    pub open: RwSignal<Option<i64>>,
    /// Bumped on every `report` and `report_state` event.
    pub version: RwSignal<u64>,
}

/// Starts the feed for a session that may read reports and makes it available to every screen.
/// Call once in the panel frame.
pub fn provide_live_reports(enabled: bool) {
    if !enabled {
        return;
    }
    let live = LiveReports {
        open: RwSignal::new(None),
        version: RwSignal::new(0),
    };
    provide_context(live);
    // Effects run only in the browser, after hydration: the server never opens a stream.
    Effect::new(move |_| connect(live));
}

/// The feed, if the session may read reports.
pub fn use_live_reports() -> Option<LiveReports> {
    use_context::<LiveReports>()
}

#[cfg(feature = "hydrate")]
fn connect(live: LiveReports) {
    use leptos::wasm_bindgen::closure::Closure;
    use leptos::wasm_bindgen::JsCast;

    let Ok(source) = web_sys::EventSource::new("/api/steward/events") else {
        return;
    };
    for (name, bumps) in [("ready", false), ("report", true), ("report_state", true)] {
        let handler =
            Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
                let open = event
                    .data()
                    .as_string()
                    .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
                    .and_then(|data| data.get("open_reports").and_then(serde_json::Value::as_i64));
                if let Some(open) = open {
                    live.open.set(Some(open));
                }
                if bumps {
                    live.version.update(|v| *v += 1);
                }
            });
        let _ = source.add_event_listener_with_callback(name, handler.as_ref().unchecked_ref());
        // The listeners live as long as the stream, which lives as long as the panel frame.
        handler.forget();
    }
    // The browser reconnects by itself after a dropped connection; the `ready` event that opens
    // every stream brings the count up to date again.
    // The stream is a browser object (not `Send`): it stays in this thread's storage.
    let source = StoredValue::new_local(source);
    on_cleanup(move || source.with_value(web_sys::EventSource::close));
}

#[cfg(not(feature = "hydrate"))]
fn connect(live: LiveReports) {
    let _ = live;
}

/// The open-report count beside the Reports link: rendered by the server, then kept current by the
/// feed.
#[component]
pub fn OpenReportsCount() -> impl IntoView {
    let live = use_live_reports();
    let first = Resource::new(|| (), |_| get_open_reports());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let first = first.await.map(|o| o.open).unwrap_or(0);
                move || {
                    let n = live.and_then(|l| l.open.get()).unwrap_or(first);
                    (n > 0).then(|| view! {
                        <span class="count" title="Open reports">
                            <span aria-hidden="true">{n}</span>
                            <span class="sr-only">{format!(", {n} open")}</span>
                        </span>
                    })
                }
            })}
        </Suspense>
    }
}
