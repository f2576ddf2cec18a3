//! Copy buttons for ids, tokens, links and secrets (ui.md §3). They need JavaScript (the clipboard
//! API), so they are hidden without it (`js-only`); the value itself is always on the page.

use leptos::prelude::*;

#[cfg(feature = "hydrate")]
mod clipboard {
    use std::cell::RefCell;
    use std::rc::Rc;

    use wasm_bindgen::prelude::*;

    #[wasm_bindgen]
    extern "C" {
        /// A JavaScript promise, only to attach handlers to.
        type Promise;

        #[wasm_bindgen(method)]
        fn then(this: &Promise, fulfilled: &JsValue, rejected: &JsValue) -> Promise;

        /// `navigator.clipboard.writeText`; throws where there is no clipboard (insecure origins).
        #[wasm_bindgen(catch, js_namespace = ["navigator", "clipboard"], js_name = writeText)]
        fn write_text(text: &str) -> Result<Promise, JsValue>;
    }

    /// Copies `text`; `done(true)` once it is on the clipboard, `done(false)` when the browser
    /// refuses (the rejection is handled, so nothing reaches the console).
    pub fn copy(text: &str, done: impl FnOnce(bool) + 'static) {
        let Ok(promise) = write_text(text) else {
            done(false);
            return;
        };
        let slot = Rc::new(RefCell::new(Some(done)));
        let other = slot.clone();
        let fulfilled = Closure::once_into_js(move |_: JsValue| {
            if let Some(f) = slot.borrow_mut().take() {
                f(true);
            }
        });
        let rejected = Closure::once_into_js(move |_: JsValue| {
            if let Some(f) = other.borrow_mut().take() {
                f(false);
            }
        });
        promise.then(&fulfilled, &rejected);
    }
}

/// A button copying `value`. It reads "Copy"; `label` is its accessible name ("Copy the ID of
/// @alice").
#[component]
pub fn CopyButton(#[prop(into)] value: String, #[prop(into)] label: String) -> impl IntoView {
    let state = RwSignal::new(0u8);
    let on_click = move |_| {
        #[cfg(feature = "hydrate")]
        clipboard::copy(&value, move |ok| state.set(if ok { 1 } else { 2 }));
        #[cfg(not(feature = "hydrate"))]
        let _ = &value;
    };
    view! {
        <button type="button" class="copy-button js-only" on:click=on_click aria-label=label.clone()>
            {move || match state.get() {
                1 => "Copied",
                2 => "Select and copy",
                _ => "Copy",
            }}
        </button>
    }
}
