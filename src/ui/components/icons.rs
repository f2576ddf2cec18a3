//! Inline SVG icons (no icon font, no remote assets). Decorative: the text beside them carries meaning.

use leptos::prelude::*;

#[component]
pub fn Icon(#[prop(into)] name: String) -> impl IntoView {
    let path = match name.as_str() {
        "dashboard" => "M3 13h8V3H3v10zm0 8h8v-6H3v6zm10 0h8V11h-8v10zm0-18v6h8V3h-8z",
        "menu" => "M3 6h18v2H3V6zm0 5h18v2H3v-2zm0 5h18v2H3v-2z",
        "user" => "M12 12a5 5 0 1 0 0-10 5 5 0 0 0 0 10zm0 2c-4 0-9 2-9 5v3h18v-3c0-3-5-5-9-5z",
        "users" => "M16 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8zm-8 0a3 3 0 1 0 0-6 3 3 0 0 0 0 6zm0 2c-2.7 0-7 1.3-7 4v3h6v-3c0-1.3.6-2.4 1.7-3.2-.2 0-.5-.8-.7-.8zm8 0c-3 0-8 1.5-8 4.5V20h16v-2.5c0-3-5-4.5-8-4.5z",
        "invite" => "M2 6a2 2 0 0 1 2-2h16a2 2 0 0 1 2 2v12a2 2 0 0 1-2 2H4a2 2 0 0 1-2-2V6zm2 .5V7l8 5 8-5v-.5H4zm16 2.8-8 5-8-5V18h16V9.3z",
        "report" => "M5 3h2v18H5V3zm3 1h9l-2 4 2 4H8V4z",
        "media" => "M4 4h16a2 2 0 0 1 2 2v12a2 2 0 0 1-2 2H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2zm0 12 4-5 3 4 2-3 5 4V6H4v10z",
        "more" => "M5 10a2 2 0 1 0 0 4 2 2 0 0 0 0-4zm7 0a2 2 0 1 0 0 4 2 2 0 0 0 0-4zm7 0a2 2 0 1 0 0 4 2 2 0 0 0 0-4z",
        _ => "M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20z",
    };
    view! {
        <svg class="icon" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
            <path d=path fill="currentColor"></path>
        </svg>
    }
}
