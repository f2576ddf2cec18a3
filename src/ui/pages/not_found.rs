use leptos::prelude::*;
use leptos_meta::Title;

/// Unknown pages (inside the panel the frame stays around it).
#[component]
pub fn NotFoundPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Not found"/>
        <section class="empty-state">
            <h1>"Page not found"</h1>
            <p>"This page does not exist (yet). "<a href="/admin/">"Back to the dashboard"</a></p>
        </section>
    }
}
