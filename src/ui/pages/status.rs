//! `/admin/statuses/:id` (ui.md §4.7): one status with its moderation controls and the reports
//! that reference it.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_location, use_params_map};

use crate::model::query::{query_value, with_params};
use crate::serverfns::statuses::{get_status, list_status_reports};
use crate::ui::components::load_error::LoadError;
use crate::ui::components::status_card::{StatusCard, StatusModeration};
use crate::ui::layout::use_session;
use crate::ui::pages::user_tabs::ReportList;

#[component]
pub fn StatusPage() -> impl IntoView {
    let params = use_params_map();
    let location = use_location();
    let id = Memo::new(move |_| params.with(|p| p.get("id").unwrap_or_default()));
    let status = Resource::new(move || id.get(), get_status);
    let can_reports = use_session().can("reports_manage_reports");
    let reports = Resource::new(
        move || id.get(),
        move |id| async move {
            if can_reports {
                list_status_reports(id).await.map(Some)
            } else {
                Ok(None)
            }
        },
    );
    let can_moderate = use_session().can("messages_delete");
    view! {
        <Title text="Status"/>
        <p class="status-page-back"><a href="/admin/statuses">"Statuses"</a></p>
        <Suspense fallback=|| view! { <div class="card skeleton"></div> }>
            {move || Suspend::new(async move {
                let search = location.search.get_untracked();
                let path = location.pathname.get_untracked();
                let back = with_params(&path, &search, &["notice", "error", "confirm_delete"], &[]);
                let confirm = query_value(&search, "confirm_delete");
                let found = status.await;
                let reports = reports.await;
                match found {
                    Ok(status) => {
                        let confirm_delete = confirm == status.id;
                        let heading = format!("Status #{} by {}", status.id, status.author_label());
                        let moderation = can_moderate.then(|| view! {
                            <StatusModeration status=status.clone() back after_delete="/admin/statuses" confirm_delete/>
                        });
                        let reports_view = match reports {
                            Ok(Some((lines, _))) => Some(view! {
                                <ReportList title=format!("Reports referencing this status ({})", lines.len())
                                    id="status-reports" lines now_ms=0
                                    empty="No report mentions this status."/>
                            }.into_any()),
                            Ok(None) => None,
                            Err(error) => Some(view! { <LoadError error what="the reports"/> }.into_any()),
                        };
                        view! {
                            <h1>{heading}</h1>
                            <StatusCard status>{moderation}</StatusCard>
                            {reports_view}
                        }.into_any()
                    }
                    Err(error) => view! {
                        <h1>"Status"</h1>
                        <LoadError error what="this status"/>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}
