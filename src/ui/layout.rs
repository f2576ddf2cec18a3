//! The panel's frame: session guard, sidebar, top bar with the account menu.

use leptos::prelude::*;
use leptos_router::components::{Outlet, Redirect, A};
use leptos_router::hooks::use_location;

use crate::model::session::SessionInfo;
use crate::serverfns::session::get_session;
use crate::ui::components::icons::Icon;
use crate::ui::components::theme::ThemeToggle;
use crate::ui::components::toasts::Toasts;

/// Everything under `/admin/` except the login page. Signed-out visitors go to the login page and
/// come back to where they were afterwards.
#[component]
pub fn AdminLayout() -> impl IntoView {
    let session = Resource::new(|| (), |_| get_session());
    let location = use_location();
    view! {
        <Suspense fallback=|| view! { <div class="loading-page" aria-busy="true">"Loading…"</div> }>
            {move || Suspend::new(async move {
                match session.await {
                    Ok(Some(info)) => view! { <Frame info/> }.into_any(),
                    Ok(None) => {
                        // The router's `search` has no leading `?`.
                        let search = location.search.get_untracked();
                        let here = if search.is_empty() {
                            location.pathname.get_untracked()
                        } else {
                            format!("{}?{}", location.pathname.get_untracked(), search.trim_start_matches('?'))
                        };
                        let target = format!("/admin/login?next={}", urlencode(&here));
                        view! { <Redirect path=target/> }.into_any()
                    }
                    Err(e) => view! {
                        <main class="auth-card"><h1>"The panel is unavailable"</h1><p role="alert">{e.message}</p></main>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The signed-in session of the panel frame (every page under `/admin/` renders inside it).
pub fn use_session() -> SessionInfo {
    use_context::<SessionInfo>().unwrap_or_default()
}

/// What the frame shows that a page can change: the instance name in the top bar and the restart
/// banner. The session is read once per page load; a page that saves settings updates these
/// instead, so the frame is right without a reload.
#[derive(Debug, Clone, Copy)]
pub struct FrameStatus {
    pub instance_name: RwSignal<String>,
    pub need_reboot: RwSignal<bool>,
}

/// The frame's status, if inside the frame.
pub fn use_frame_status() -> Option<FrameStatus> {
    use_context::<FrameStatus>()
}

/// Reads the session again and updates the frame (after a settings save, reset or restart: the
/// instance name and the restart flag are whatever the server now says). Takes the status found
/// while the page was built: contexts can't be looked up from a spawned task.
pub fn refresh_frame_status(status: Option<FrameStatus>) {
    let Some(status) = status else {
        return;
    };
    leptos::task::spawn_local(async move {
        if let Ok(Some(info)) = get_session().await {
            status.instance_name.set(info.instance_name);
            status.need_reboot.set(info.need_reboot);
        }
    });
}

/// "Some changes need a restart" on every page for admins while the reboot flag is set
/// (ui.md §4.11). "Restart now" is a plain link to the settings screen's confirmation (on the
/// settings tab being shown, else the first tab), so it works without JavaScript too.
#[component]
fn RestartBanner(status: FrameStatus) -> impl IntoView {
    let location = use_location();
    let href = move || {
        let path = location.pathname.get();
        if path.starts_with("/admin/settings/") {
            crate::model::query::with_params(
                &path,
                &location.search.get(),
                crate::ui::pages::settings::ONE_SHOTS,
                &[("confirm_restart", "1")],
            )
        } else {
            "/admin/settings/instance?confirm_restart=1".to_string()
        }
    };
    move || {
        status.need_reboot.get().then(|| view! {
            <section class="card banner attention restart-banner" aria-labelledby="restart-title">
                <h2 id="restart-title">"Some changes need a restart"</h2>
                <p>"Settings marked “Needs restart” take effect after a restart. steward restarts in place: nobody is signed out."</p>
                <a class="button primary" href=href>"Restart now"</a>
            </section>
        })
    }
}

/// Percent-encodes a query value.
pub fn urlencode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Closes the `<details>` a keyboard event happened in and focuses its summary.
pub fn close_details(ev: &leptos::ev::KeyboardEvent) {
    #[cfg(feature = "hydrate")]
    {
        use leptos::wasm_bindgen::JsCast;
        if let Some(details) = ev
            .current_target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlDetailsElement>().ok())
        {
            details.set_open(false);
            if let Ok(Some(summary)) = details.query_selector("summary") {
                if let Ok(summary) = summary.dyn_into::<web_sys::HtmlElement>() {
                    let _ = summary.focus();
                }
            }
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = ev;
}

/// Escape closes the menu (a `<details>`) it was pressed in (ui.md §5).
pub fn escape_closes(ev: leptos::ev::KeyboardEvent) {
    if ev.key() == "Escape" {
        close_details(&ev);
    }
}

/// The number of accounts awaiting approval, beside the Users link (ui.md §3).
#[component]
fn PendingCount() -> impl IntoView {
    let overview = Resource::new(|| (), |_| crate::serverfns::users::get_users_overview());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                overview.await.ok().filter(|o| o.pending_approval > 0).map(|o| {
                    let n = o.pending_approval;
                    view! {
                        <span class="count" title="Pending approval">
                            <span aria-hidden="true">{n}</span>
                            <span class="sr-only">{format!(", {n} pending approval")}</span>
                        </span>
                    }
                })
            })}
        </Suspense>
    }
}

#[component]
fn Frame(info: SessionInfo) -> impl IntoView {
    provide_context(info.clone());
    let status = FrameStatus {
        instance_name: RwSignal::new(info.instance_name.clone()),
        need_reboot: RwSignal::new(info.is_admin && info.need_reboot),
    };
    provide_context(status);
    let nav_open = RwSignal::new(false);
    let privileges = info.privileges.join(", ");
    let csrf = info.csrf_token.clone();
    let nickname = info.nickname.clone();
    let role = info.role_label();
    let can_users = info.can("users_read");
    let can_invites = info.can("users_manage_invites");
    let can_statuses = info.can("messages_read");
    let can_reports = info.can("reports_manage_reports");
    let is_admin = info.is_admin;
    crate::ui::components::report_live::provide_live_reports(can_reports);
    view! {
        <div class="shell" class:nav-open=move || nav_open.get()>
            <a class="skip-link" href="#content">"Skip to content"</a>
            <header class="topbar">
                <button type="button" class="icon-button nav-toggle" aria-label="Open navigation"
                    aria-expanded=move || nav_open.get().to_string()
                    on:click=move |_| nav_open.update(|v| *v = !*v)>
                    <Icon name="menu"/>
                </button>
                <a class="instance-name" href="/admin/">{move || status.instance_name.get()}</a>
                <div class="account-menu">
                    <details on:keydown=|ev: leptos::ev::KeyboardEvent| {
                        // Escape closes the menu and returns focus to its button.
                        if ev.key() == "Escape" {
                            close_details(&ev);
                        }
                    }>
                        <summary aria-label=format!("Account menu for @{nickname}")>
                            <Icon name="user"/>
                            <span class="account-nick">"@" {nickname.clone()}</span>
                        </summary>
                        <div class="menu" role="group" aria-label="Account">
                            <p class="menu-text"><strong>{role}</strong></p>
                            <p class="menu-text small">"Privileges: " {if privileges.is_empty() { "none".to_string() } else { privileges }}</p>
                            <ThemeToggle/>
                            <form method="post" action="/admin/logout">
                                <input type="hidden" name="csrf" value=csrf/>
                                <button type="submit" class="menu-item">"Log out"</button>
                            </form>
                        </div>
                    </details>
                </div>
            </header>
            <nav class="sidebar" aria-label="Sections">
                <ul>
                    <li><A href="/admin/" exact=true><Icon name="dashboard"/>" Dashboard"</A></li>
                    {can_users.then(|| view! {
                        <li><A href="/admin/users"><Icon name="users"/>" Users"<PendingCount/></A></li>
                    })}
                    {can_reports.then(|| view! {
                        <li><A href="/admin/reports"><Icon name="report"/>" Reports"<crate::ui::components::report_live::OpenReportsCount/></A></li>
                    })}
                    {can_statuses.then(|| view! {
                        <li><A href="/admin/statuses"><Icon name="statuses"/>" Statuses"</A></li>
                    })}
                    {can_invites.then(|| view! {
                        <li><A href="/admin/invites"><Icon name="invite"/>" Invites"</A></li>
                    })}
                    {is_admin.then(|| view! {
                        <li><A href="/admin/media-proxy"><Icon name="media"/>" Media proxy cache"</A></li>
                    })}
                    {is_admin.then(|| view! {
                        <li><A href="/admin/settings"><Icon name="settings"/>" Settings"</A></li>
                    })}
                </ul>
            </nav>
            <main id="content" class="content" tabindex="-1">
                <Toasts/>
                {is_admin.then(|| view! { <RestartBanner status/> })}
                <Outlet/>
            </main>
        </div>
    }
}
