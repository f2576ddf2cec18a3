use leptos::prelude::*;
use leptos_meta::Title;

use crate::serverfns::session::get_public_info;

/// `GET /`: name, description, registration state and the panel link.
#[component]
pub fn LandingPage() -> impl IntoView {
    let info = Resource::new(|| (), |_| get_public_info());
    view! {
        <Title text="Welcome"/>
        <main class="auth-card landing">
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match info.await {
                        Ok(info) => {
                            let mode = if info.registrations_open {
                                if info.approval_required { "Registrations are open; new accounts need approval." } else { "Registrations are open." }
                            } else if info.invites_enabled {
                                "Registration is by invitation."
                            } else {
                                "Registrations are closed."
                            };
                            view! {
                                <h1>{info.name}</h1>
                                <p>{info.description}</p>
                                <p>{mode}</p>
                                <p><a class="button primary" href="/admin/">"Open the admin panel"</a></p>
                            }.into_any()
                        }
                        Err(e) => view! { <p role="alert">{e.message}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}
