//! Light/dark theme: follows the system by default; a persisted choice overrides it.

use leptos::prelude::*;

/// The three choices, cycled by the button.
const CHOICES: [(&str, &str); 3] = [
    ("system", "System theme"),
    ("light", "Light theme"),
    ("dark", "Dark theme"),
];

#[cfg(feature = "hydrate")]
fn stored() -> String {
    web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .and_then(|s| s.get_item("steward-theme").ok().flatten())
        .unwrap_or_else(|| "system".into())
}

#[cfg(feature = "hydrate")]
fn apply(choice: &str) {
    let Some(window) = web_sys::window() else {
        return;
    };
    if let Ok(Some(storage)) = window.local_storage() {
        let _ = storage.set_item("steward-theme", choice);
    }
    if let Some(root) = window.document().and_then(|d| d.document_element()) {
        if choice == "system" {
            let _ = root.remove_attribute("data-theme");
        } else {
            let _ = root.set_attribute("data-theme", choice);
        }
    }
}

/// A button showing the current choice; works once hydrated (without JavaScript the system setting applies).
#[component]
pub fn ThemeToggle() -> impl IntoView {
    let choice = RwSignal::new("system".to_string());
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        choice.set(stored());
    });
    let label = move || {
        let current = choice.get();
        CHOICES
            .iter()
            .find(|(k, _)| *k == current)
            .map(|(_, l)| *l)
            .unwrap_or("System theme")
    };
    let next = move |_| {
        let current = choice.get_untracked();
        let index = CHOICES.iter().position(|(k, _)| *k == current).unwrap_or(0);
        let (key, _) = CHOICES[(index + 1) % CHOICES.len()];
        choice.set(key.to_string());
        #[cfg(feature = "hydrate")]
        apply(key);
    };
    view! {
        <button type="button" class="menu-item" on:click=next>
            "Theme: " {label}
        </button>
    }
}
