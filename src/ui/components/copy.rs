//! Copy buttons for ids, tokens, links and secrets (ui.md §3). They need JavaScript (the clipboard
//! API), so they are hidden without it (`js-only`); the value itself is always on the page.

use leptos::prelude::*;

#[cfg(feature = "hydrate")]
mod clipboard {
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen]
    extern "C" {
        /// `navigator.clipboard.writeText`; throws where there is no clipboard (insecure origins).
        #[wasm_bindgen(catch, js_namespace = ["navigator", "clipboard"], js_name = writeText)]
        pub fn write_text(text: &str) -> Result<JsValue, JsValue>;
    }
}

/// A button copying `value`. It reads "Copy"; `label` is its accessible name ("Copy the ID of
/// @alice").
#[component]
pub fn CopyButton(#[prop(into)] value: String, #[prop(into)] label: String) -> impl IntoView {
    let state = RwSignal::new(0u8);
    let on_click = move |_| {
        #[cfg(feature = "hydrate")]
        {
            let ok = clipboard::write_text(&value).is_ok();
            state.set(if ok { 1 } else { 2 });
        }
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
