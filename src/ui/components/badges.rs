//! Text badges and tag chips for accounts (ui.md §4.3: badges carry text, never colour alone).

use leptos::prelude::*;

use crate::model::users::{tag_label, AdminUser, Tone};

/// Status badges of an account (Active, Deactivated, Pending approval, Unconfirmed).
#[component]
pub fn StatusBadges(user: AdminUser) -> impl IntoView {
    user.statuses()
        .into_iter()
        .map(|(label, tone)| view! { <span class=tone.class()>{label}</span> })
        .collect_view()
}

/// Role badges, or nothing.
#[component]
pub fn RoleBadges(user: AdminUser) -> impl IntoView {
    user.role_labels()
        .into_iter()
        .map(|label| view! { <span class=Tone::Info.class()>{label}</span> })
        .collect_view()
}

/// Tags as chips, MRF presets in words (the stored tag in the tooltip).
#[component]
pub fn TagChips(tags: Vec<String>) -> impl IntoView {
    tags.into_iter()
        .map(|tag| {
            let label = tag_label(&tag);
            view! { <span class="chip" title=tag>{label}</span> }
        })
        .collect_view()
}
