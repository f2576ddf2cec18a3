//! The document shell and the panel's routes.

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{path, SsrMode};

use crate::ui::layout::AdminLayout;
use crate::ui::pages::dashboard::DashboardPage;
use crate::ui::pages::invites::InvitesPage;
use crate::ui::pages::landing::LandingPage;
use crate::ui::pages::login::LoginPage;
use crate::ui::pages::media_proxy::MediaProxyPage;
use crate::ui::pages::not_found::NotFoundPage;
use crate::ui::pages::report::ReportPage;
use crate::ui::pages::reports::ReportsPage;
use crate::ui::pages::settings::{SettingsIndexPage, SettingsPage};
use crate::ui::pages::status::StatusPage;
use crate::ui::pages::statuses::StatusesPage;
use crate::ui::pages::user::UserPage;
use crate::ui::pages::user_confirm::ConfirmUserActionPage;
use crate::ui::pages::users::UsersPage;
use crate::ui::pages::users_new::NewUsersPage;

/// Applies the stored theme choice before the first paint, so a dark choice never flashes light.
/// It also marks the document with `js`, so controls that need JavaScript (`.js-only`) show and
/// their no-JavaScript stand-ins (`.no-js-only`) hide before the first paint.
const THEME_SCRIPT: &str = "document.documentElement.classList.add('js');try{var t=localStorage.getItem('steward-theme');if(t==='light'||t==='dark'){document.documentElement.dataset.theme=t}}catch(e){}";

/// The HTML document every page is rendered into.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light dark"/>
                <link rel="icon" href="/favicon.ico"/>
                <script inner_html=THEME_SCRIPT></script>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The application: the landing page, the login page and the panel under `/admin/`.
///
/// Every route renders in `SsrMode::Async`: the server waits for the data before sending the page, so
/// pages are complete without JavaScript and redirects (signed out → login) are real HTTP redirects.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Stylesheet id="leptos" href="/pkg/steward.css"/>
        <Title formatter=|text: String| if text.is_empty() { "steward".to_string() } else { format!("{text} · steward") }/>

        <Router>
            <Routes fallback=|| view! { <NotFoundPage/> }>
                <Route path=path!("/") view=LandingPage ssr=SsrMode::Async/>
                <Route path=path!("/admin/login") view=LoginPage ssr=SsrMode::Async/>
                <ParentRoute path=path!("/admin") view=AdminLayout ssr=SsrMode::Async>
                    <Route path=path!("") view=DashboardPage ssr=SsrMode::Async/>
                    <Route path=path!("/users") view=UsersPage ssr=SsrMode::Async/>
                    <Route path=path!("/users/new") view=NewUsersPage ssr=SsrMode::Async/>
                    <Route path=path!("/users/confirm") view=ConfirmUserActionPage ssr=SsrMode::Async/>
                    <Route path=path!("/users/:id") view=UserPage ssr=SsrMode::Async/>
                    <Route path=path!("/invites") view=InvitesPage ssr=SsrMode::Async/>
                    <Route path=path!("/statuses") view=StatusesPage ssr=SsrMode::Async/>
                    <Route path=path!("/statuses/:id") view=StatusPage ssr=SsrMode::Async/>
                    <Route path=path!("/reports") view=ReportsPage ssr=SsrMode::Async/>
                    <Route path=path!("/reports/:id") view=ReportPage ssr=SsrMode::Async/>
                    <Route path=path!("/media-proxy") view=MediaProxyPage ssr=SsrMode::Async/>
                    <Route path=path!("/settings") view=SettingsIndexPage ssr=SsrMode::Async/>
                    <Route path=path!("/settings/:tab") view=SettingsPage ssr=SsrMode::Async/>
                    <Route path=path!("/*any") view=NotFoundPage ssr=SsrMode::Async/>
                </ParentRoute>
            </Routes>
        </Router>
    }
}
