//! Notices and errors handed over in the URL (`?notice=` / `?error=`) by the panel's form posts,
//! shown in ARIA live regions (ui.md §3). Both stay until dismissed; dismissing drops them from the
//! URL, so reload and back/forward never replay a stale message.

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::model::query::{query_value, with_params};

#[component]
pub fn Toasts() -> impl IntoView {
    let location = use_location();
    let message = move |key: &'static str| {
        let search = location.search.get();
        let text = query_value(&search, key);
        (!text.is_empty()).then(|| {
            let dismiss = with_params(&location.pathname.get(), &search, &["notice", "error"], &[]);
            (text, dismiss)
        })
    };
    view! {
        <div class="toasts">
            <div role="status" aria-live="polite" class="toast-region">
                {move || message("notice").map(|(text, dismiss)| view! {
                    <div class="toast notice">
                        <p>{text}</p>
                        <a class="toast-dismiss" href=dismiss aria-label="Dismiss this message">"Dismiss"</a>
                    </div>
                })}
            </div>
            <div role="alert" aria-live="assertive" class="toast-region">
                {move || message("error").map(|(text, dismiss)| view! {
                    <div class="toast error">
                        <p>{text}</p>
                        <a class="toast-dismiss" href=dismiss aria-label="Dismiss this error">"Dismiss"</a>
                    </div>
                })}
            </div>
        </div>
    }
}
