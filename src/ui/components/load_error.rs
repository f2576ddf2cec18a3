//! What a screen shows when its data could not be loaded (ui.md §2, §5): the login page for a
//! lost session, a permission message for 403, else the server's text with a Retry link.

use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_location;

use crate::error::PanelError;
use crate::ui::layout::urlencode;

#[component]
pub fn LoadError(
    error: PanelError,
    /// What was being loaded, for the message ("the users").
    #[prop(into)]
    what: String,
) -> impl IntoView {
    let location = use_location();
    let search = location.search.get_untracked();
    let here = if search.is_empty() {
        location.pathname.get_untracked()
    } else {
        format!(
            "{}?{}",
            location.pathname.get_untracked(),
            search.trim_start_matches('?')
        )
    };
    if error.is_unauthenticated() {
        let target = format!("/admin/login?next={}", urlencode(&here));
        return view! { <Redirect path=target/> }.into_any();
    }
    if error.status == 403 {
        return view! {
            <div class="empty-state" role="alert">
                <h2>"You don't have permission to do this"</h2>
                <p>{format!("Your role can't see {what}. The server said: {}", error.message)}</p>
                <p><a href="/admin/">"Back to the dashboard"</a></p>
            </div>
        }
        .into_any();
    }
    if error.status == 404 {
        return view! {
            <div class="empty-state" role="alert">
                <h2>"Not found"</h2>
                <p>{format!("There is no such thing as {what} here. It may have been deleted.")}</p>
            </div>
        }
        .into_any();
    }
    view! {
        <div class="empty-state" role="alert">
            <h2>{format!("Couldn't load {what}")}</h2>
            <p>{error.message}</p>
            <p><a class="button" href=here>"Retry"</a></p>
        </div>
    }
    .into_any()
}
