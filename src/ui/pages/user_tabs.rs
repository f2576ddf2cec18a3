//! The user page's Statuses and Reports tabs (ui.md §4.4). Their state (tab, toggles, page) lives
//! in the URL; the resources are created by the page itself, in render order (see
//! [`super::user::UserPage`]), and handed in.

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::error::PanelError;
use crate::model::query::{query_value, with_params};
use crate::model::statuses::{ReportLine, StatusesPage, STATUS_PAGE_SIZE};
use crate::model::users::{absolute_time, relative_day};
use crate::serverfns::statuses::{list_user_reports, list_user_statuses};
use crate::ui::components::load_error::LoadError;
use crate::ui::components::status_card::{StatusCard, StatusModeration};
use crate::ui::layout::use_session;

/// The Statuses tab's data; `None` when another tab is shown.
pub type UserStatusesResource = Resource<Result<Option<StatusesPage>, PanelError>>;
/// The Reports tab's data: (about the account, total), (filed by it, total).
pub type UserReportsResource = Resource<Result<Option<ReportLists>, PanelError>>;
/// Reports about the account and filed by it, each with its total.
pub type ReportLists = ((Vec<ReportLine>, i64), (Vec<ReportLine>, i64));

/// The Statuses tab's toggles and page from the URL.
#[derive(Clone, PartialEq, Eq)]
struct StatusesTabState {
    godmode: bool,
    with_reblogs: bool,
    page: i64,
}

fn tab_state(search: &str) -> StatusesTabState {
    let on = |key: &str| matches!(query_value(search, key).as_str(), "1" | "true" | "on");
    StatusesTabState {
        godmode: on("godmode"),
        with_reblogs: on("with_reblogs"),
        page: query_value(search, "page")
            .parse::<i64>()
            .ok()
            .filter(|p| *p >= 1)
            .unwrap_or(1),
    }
}

/// The Statuses tab's resource, loading only while that tab is shown and the session may read
/// statuses.
pub fn statuses_resource(id: Memo<String>, allowed: bool) -> UserStatusesResource {
    let location = use_location();
    Resource::new(
        move || {
            let search = location.search.get();
            let wanted = allowed && query_value(&search, "tab") == "statuses";
            (id.get(), wanted, tab_state(&search))
        },
        |(id, wanted, s)| async move {
            if wanted {
                list_user_statuses(id, s.godmode, s.with_reblogs, s.page, STATUS_PAGE_SIZE)
                    .await
                    .map(Some)
            } else {
                Ok(None)
            }
        },
    )
}

/// The Reports tab's resource, loading only while that tab is shown and the session works reports.
pub fn reports_resource(id: Memo<String>, allowed: bool) -> UserReportsResource {
    let location = use_location();
    Resource::new(
        move || {
            let wanted = allowed && query_value(&location.search.get(), "tab") == "reports";
            (id.get(), wanted)
        },
        |(id, wanted)| async move {
            if !wanted {
                return Ok(None);
            }
            let about = list_user_reports(id.clone(), false).await?;
            let by = list_user_reports(id, true).await?;
            Ok(Some((about, by)))
        },
    )
}

/// The Statuses tab: toggles (a GET form), the cards with their moderation menus, paging links.
#[component]
pub fn UserStatusesTab(
    user_id: String,
    nickname: String,
    data: UserStatusesResource,
    now_ms: i64,
) -> impl IntoView {
    let location = use_location();
    let can_moderate = use_session().can("messages_delete");
    let page_path = crate::ui::pages::users::user_href(&user_id);
    view! {
        <section class="user-statuses" aria-labelledby="user-statuses-title">
            <h2 id="user-statuses-title">{format!("Statuses of @{nickname}")}</h2>
            {move || {
                let search = location.search.get();
                let s = tab_state(&search);
                view! {
                    <form class="filters" method="get" action=page_path.clone() aria-label="Status filters">
                        <input type="hidden" name="tab" value="statuses"/>
                        <div class="filter-grid">
                            <label class="checkbox">
                                <input type="checkbox" name="godmode" value="1" checked=s.godmode/>
                                " Show private and direct"
                            </label>
                            <label class="checkbox">
                                <input type="checkbox" name="with_reblogs" value="1" checked=s.with_reblogs/>
                                " Include reblogs"
                            </label>
                            <button type="submit" class="button">"Apply"</button>
                        </div>
                    </form>
                }
            }}
            <Suspense fallback=|| view! { <div class="card skeleton"></div> }>
                {move || Suspend::new(async move {
                    let search = location.search.get_untracked();
                    let path = location.pathname.get_untracked();
                    let s = tab_state(&search);
                    let back = with_params(&path, &search, &["notice", "error", "confirm_delete"], &[]);
                    let confirm = query_value(&search, "confirm_delete");
                    match data.await {
                        Ok(Some(page)) => {
                            let empty = page.statuses.is_empty();
                            let cards = page.statuses.into_iter().map(|status| {
                                let moderation = can_moderate.then(|| {
                                    let confirm_delete = confirm == status.id;
                                    view! { <StatusModeration status=status.clone() back=back.clone() confirm_delete/> }
                                });
                                view! { <StatusCard status now_ms>{moderation}</StatusCard> }
                            }).collect_view();
                            let older = page.more.then(|| {
                                let href = with_params(&path, &search, &["notice", "error", "confirm_delete", "page"], &[("page", &(s.page + 1).to_string())]);
                                view! { <a class="button" href=href rel="next">"Older statuses"</a> }
                            });
                            let newer = (s.page > 1).then(|| {
                                let href = with_params(&path, &search, &["notice", "error", "confirm_delete", "page"], &[("page", &(s.page - 1).to_string())]);
                                view! { <a class="button" href=href rel="prev">"Newer statuses"</a> }
                            });
                            view! {
                                {empty.then(|| view! {
                                    <div class="empty-state">
                                        <p>{if s.godmode {
                                            "No statuses on this page."
                                        } else {
                                            "No public or unlisted statuses here. Private and direct ones show with \u{201c}Show private and direct\u{201d}."
                                        }}</p>
                                    </div>
                                })}
                                <div class="status-list">{cards}</div>
                                <nav class="status-pager" aria-label="Status pages">{newer}{older}</nav>
                            }.into_any()
                        }
                        Ok(None) => ().into_any(),
                        Err(error) => view! { <LoadError error what="the statuses"/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// The Reports tab: reports about the account and filed by it, each linking to its report page.
#[component]
pub fn UserReportsTab(nickname: String, data: UserReportsResource, now_ms: i64) -> impl IntoView {
    view! {
        <Suspense fallback=|| view! { <div class="card skeleton"></div> }>
            {move || {
                let nickname = nickname.clone();
                Suspend::new(async move {
                    match data.await {
                        Ok(Some(((about, about_total), (by, by_total)))) => view! {
                            <div class="user-sections">
                                <ReportList title=format!("Reports about @{nickname} ({about_total})")
                                    id="reports-about" lines=about now_ms
                                    empty="Nobody has reported this account."/>
                                <ReportList title=format!("Reports filed by @{nickname} ({by_total})")
                                    id="reports-by" lines=by now_ms
                                    empty="This account hasn't filed any reports."/>
                            </div>
                        }.into_any(),
                        Ok(None) => ().into_any(),
                        Err(error) => view! { <LoadError error what="the reports"/> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

/// A titled list of report lines.
#[component]
pub fn ReportList(
    title: String,
    id: &'static str,
    lines: Vec<ReportLine>,
    now_ms: i64,
    empty: &'static str,
) -> impl IntoView {
    let is_empty = lines.is_empty();
    let items = lines
        .into_iter()
        .map(|line| {
            let state = match line.state.as_str() {
                "open" => ("Open", "badge warn"),
                "resolved" => ("Resolved", "badge ok"),
                "closed" => ("Closed", "badge"),
                _ => ("Unknown state", "badge"),
            };
            let excerpt = if line.excerpt.is_empty() {
                "No comment".to_string()
            } else {
                line.excerpt.clone()
            };
            view! {
                <li class="report-line">
                    <a href=line.href()>{format!("Report #{}", line.id)}</a>
                    " " <span class=state.1>{state.0}</span>
                    " " <time datetime=line.created_at.clone() title=absolute_time(&line.created_at)>
                        {relative_day(&line.created_at, now_ms)}
                    </time>
                    <span class="report-line-who">{format!(" · {} → {}", line.reporter, line.reported)}</span>
                    <p class="report-line-excerpt">{excerpt}</p>
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="card" aria-labelledby=id>
            <h2 id=id>{title}</h2>
            {if is_empty {
                view! { <p class="hint">{empty}</p> }.into_any()
            } else {
                view! { <ul class="report-lines">{items}</ul> }.into_any()
            }}
        </section>
    }
}
