//! steward: a Pleroma-compatible Admin API server and its Leptos moderation panel.
//!
//! The crate builds twice: with `ssr` it is the axum server (REST Admin API, client API, server
//! functions, server-side rendering); with `hydrate` it is the WASM panel that takes over the
//! server-rendered pages in the browser. Types under [`model`] cross the wire and are shared by both.
#![recursion_limit = "256"]

pub mod app;
pub mod error;
pub mod model;
pub mod serverfns;
pub mod ui;

#[cfg(feature = "ssr")]
pub mod server;

/// Entry point of the WASM bundle: hydrates the server-rendered panel.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
    // Only reached when hydration did not panic: tests wait for this marker.
    if let Some(body) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.body())
    {
        let _ = body.set_attribute("data-hydrated", "true");
    }
}
