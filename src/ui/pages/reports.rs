//! `/admin/reports`: the report queue (ui.md §4.6): state tabs with counts, filters by reported
//! account and reporter, newest first, paging, and Resolve / Close / Reopen for the checked reports
//! as one batch. All list state lives in the URL. The table is a plain POST form to
//! `/admin/reports/action`, so it works without JavaScript; hydrated, the queue follows the live
//! feed and refreshes when a report is filed or changes state.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_location;

use crate::model::query::{encode_component, query_value};
use crate::model::reports::{
    relative_age, Report, ReportListQuery, ReportState, ReportTab, ReportsPage, REPORT_PAGE_SIZES,
};
use crate::model::users::{absolute_time, AdminUser};
use crate::serverfns::reports::list_reports;
use crate::ui::components::load_error::LoadError;
use crate::ui::components::pager::Pager;
use crate::ui::components::report_live::use_live_reports;
use crate::ui::layout::use_session;

/// The page of a report.
pub fn report_href(id: &str) -> String {
    format!("/admin/reports/{}", encode_component(id))
}

#[component]
pub fn ReportsPage() -> impl IntoView {
    let location = use_location();
    let query = Memo::new(move |_| ReportListQuery::from_search(&location.search.get()));
    let live = use_live_reports();
    // The live feed's counter is part of the source: a new or changed report refetches the page
    // (server and browser both start at 0, so hydration sees the same source).
    let list = Resource::new(
        move || (query.get(), live.map(|l| l.version.get()).unwrap_or(0)),
        |(q, _)| list_reports(q),
    );
    // The selection survives live refreshes of the same list, not a move to another list.
    let selected = RwSignal::new(Vec::<String>::new());
    Effect::new(move |previous: Option<ReportListQuery>| {
        let now = query.get();
        if previous.is_some_and(|p| p != now) {
            selected.set(Vec::new());
        }
        now
    });
    // Screen readers hear about reports that arrive while the queue is open.
    let arrivals = live.map(|l| {
        let start = l.version.get_untracked();
        move || match l.version.get().saturating_sub(start) {
            0 => String::new(),
            1 => "The queue was updated: a report was filed or changed.".to_string(),
            n => format!("The queue was updated {n} times."),
        }
    });
    view! {
        <Title text="Reports"/>
        <div class="page-head">
            <h1>"Reports"</h1>
            {live.map(|_| view! {
                <p class="hint js-only live-hint">"New reports appear here as they arrive."</p>
            })}
        </div>
        {arrivals.map(|text| view! { <p class="sr-only" role="status" aria-live="polite">{text}</p> })}
        <Transition fallback=|| view! { <div class="tabs skeleton-line"></div> }>
            {move || Suspend::new(async move {
                // Without the reports the page shows why, below; no tabs then.
                list.await.ok().map(|page| view! { <QueueTabs query counts=page.counts/> })
            })}
        </Transition>
        // Outside the refreshing part: a live update never resets what is being typed.
        {move || view! { <QueueFilters query=query.get()/> }}
        <Transition fallback=|| view! { <QueueSkeleton/> }>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(page) => view! { <QueueTable page query=query.get_untracked() selected/> }.into_any(),
                    Err(error) => view! { <LoadError error what="the reports"/> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// Placeholder rows shaped like the table while the first page loads.
#[component]
fn QueueSkeleton() -> impl IntoView {
    view! {
        <div class="table-skeleton" aria-busy="true" aria-label="Loading reports">
            {(0..6).map(|_| view! { <div class="skeleton-row"></div> }).collect_view()}
        </div>
    }
}

/// The state tabs with their counts (links, so each tab is a shareable URL).
#[component]
fn QueueTabs(query: Memo<ReportListQuery>, counts: [i64; 4]) -> impl IntoView {
    view! {
        <nav class="tabs" aria-label="Report states">
            {ReportTab::ALL.into_iter().zip(counts).map(|(tab, n)| {
                let href = move || query.with(|q| q.with_tab(tab).href());
                let current = move || query.with(|q| q.tab == tab).then_some("page");
                view! {
                    <a class="tab" href=href aria-current=current>
                        {tab.label()}
                        <span class="count num" aria-label=format!("({n})")>{n}</span>
                    </a>
                }
            }).collect_view()}
        </nav>
    }
}

/// The filter form: a GET form, so Apply works the same with and without JavaScript.
#[component]
fn QueueFilters(query: ReportListQuery) -> impl IntoView {
    let clear = query.cleared().href();
    let filtered = query.has_filters();
    view! {
        <form method="get" action="/admin/reports" class="filters" aria-label="Filter reports">
            {(query.tab != ReportTab::Open).then(|| view! {
                <input type="hidden" name="state" value=query.tab.key()/>
            })}
            <div class="filter-grid">
                <div class="field grow">
                    <label for="r-account">"Reported account"</label>
                    <input id="r-account" name="account" value=query.account.clone()
                        placeholder="nickname or ID" autocomplete="off"/>
                </div>
                <div class="field grow">
                    <label for="r-actor">"Reporter"</label>
                    <input id="r-actor" name="actor" value=query.actor.clone()
                        placeholder="nickname or ID" autocomplete="off"/>
                </div>
                <div class="field">
                    <label for="r-size">"Per page"</label>
                    <select id="r-size" name="page_size">
                        {REPORT_PAGE_SIZES.into_iter().map(|n| view! {
                            <option value=n.to_string() selected={n == query.page_size}>{n}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="filter-actions">
                    <button type="submit" class="primary">"Apply"</button>
                    {filtered.then(|| view! { <a class="button" href=clear>"Clear filters"</a> })}
                </div>
            </div>
        </form>
    }
}

/// `@nick` of an account, or "(deleted account)".
pub fn handle(account: &Option<AdminUser>) -> String {
    account
        .as_ref()
        .map(|a| format!("@{}", a.nickname))
        .unwrap_or_else(|| "(deleted account)".to_string())
}

/// An account in a row: avatar, `@nick` (→ user page) and a Deactivated badge.
#[component]
pub fn AccountChip(account: Option<AdminUser>) -> impl IntoView {
    match account {
        Some(user) => {
            let href = crate::ui::pages::users::user_href(&user.id);
            let alt = format!("avatar of @{}", user.nickname);
            view! {
                <span class="account-chip">
                    <img class="avatar small" src=user.avatar.clone() alt=alt width="24" height="24" loading="lazy"/>
                    <a href=href>"@" {user.nickname.clone()}</a>
                    {user.deactivated.then(|| view! { <span class="badge danger">"Deactivated"</span> })}
                </span>
            }
            .into_any()
        }
        None => view! { <span class="account-chip muted">"(deleted account)"</span> }.into_any(),
    }
}

/// The state badge of a report.
#[component]
pub fn StateBadge(state: ReportState) -> impl IntoView {
    view! { <span class=state.tone().class()>{state.label()}</span> }
}

#[component]
fn QueueTable(
    page: ReportsPage,
    query: ReportListQuery,
    selected: RwSignal<Vec<String>>,
) -> impl IntoView {
    let session = use_session();
    let location = use_location();
    let here = query.href();
    let pager_query = query.clone();
    let href = Callback::new(move |n: i64| pager_query.with_page(n).href());
    let (page_no, page_size, count) = (query.page, page.page_size.max(1), page.total);
    if let Some(what) = page.unknown_account {
        let cleared = query.cleared().href();
        return view! {
            <div class="empty-state" role="alert">
                <h2>"No such account"</h2>
                <p>{format!("The {what} filter names no account here. Use a nickname (user or user@host) or an ID.")}</p>
                <p><a class="button" href=cleared>"Clear filters"</a></p>
            </div>
        }
        .into_any();
    }
    if page.reports.is_empty() {
        let cleared = query.cleared().href();
        let filtered = query.has_filters();
        return view! {
            <div class="empty-state">
                <h2>"No reports"</h2>
                <p>{query.tab.empty_text()}</p>
                {filtered.then(|| view! { <p><a class="button" href=cleared>"Clear filters"</a></p> })}
            </div>
            {(page_no > 1).then(|| view! { <Pager page=page_no page_size count href/> })}
        }
        .into_any();
    }
    let preselect = query_value(&location.search.get_untracked(), "select") == "all";
    let ids: Vec<String> = page.reports.iter().map(|r| r.id.clone()).collect();
    if preselect {
        selected.set(ids.clone());
    }
    let all = ids.clone();
    let all_selected =
        move || selected.with(|s| !all.is_empty() && all.iter().all(|id| s.contains(id)));
    let everything = ids.clone();
    let select_all = move |ev: leptos::ev::Event| {
        if event_target_checked(&ev) {
            selected.set(everything.clone());
        } else {
            selected.set(Vec::new());
        }
    };
    let select_all_href = format!(
        "{here}{}select=all",
        if here.contains('?') { "&" } else { "?" }
    );
    let caption = format!("{count} reports, {} tab, page {page_no}", query.tab.label());
    let now_ms = page.now_ms;
    let rows = page
        .reports
        .into_iter()
        .map(|report| view! { <QueueRow report selected preselect now_ms/> })
        .collect_view();
    let count_text = move || selected.with(Vec::len);
    view! {
        <form method="post" action="/admin/reports/action" class="bulk-form">
            <input type="hidden" name="csrf" value=session.csrf_token.clone()/>
            <input type="hidden" name="back" value=here.clone()/>
            <p class="table-tools no-js-only">
                <a href=select_all_href>"Select all on this page"</a>
                {preselect.then(|| view! { " · " <a href=here.clone()>"Clear selection"</a> })}
            </p>
            <div class="table-wrap">
                <table class="data-table reports-table selectable">
                    <caption class="sr-only">{caption}</caption>
                    <thead>
                        <tr>
                            <th scope="col" class="col-select">
                                <input type="checkbox" class="js-only" aria-label="Select all reports on this page"
                                    prop:checked=all_selected on:change=select_all/>
                            </th>
                            <th scope="col">"State"</th>
                            <th scope="col">"Filed"</th>
                            <th scope="col">"Reporter → reported"</th>
                            <th scope="col">"Comment"</th>
                            <th scope="col" class="num">"Statuses"</th>
                            <th scope="col" class="num">"Notes"</th>
                            <th scope="col" class="col-actions"><span class="sr-only">"Open"</span></th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            <div class="bulk-bar" class:is-empty=move || count_text() == 0 role="region" aria-label="Bulk actions">
                <p class="bulk-count js-only" role="status">{move || format!("{} selected", count_text())}</p>
                <p class="bulk-count no-js-only">"Tick reports, then choose:"</p>
                <div class="bulk-actions">
                    <div class="bulk-group" role="group" aria-label="Report state actions">
                        {[ReportState::Resolved, ReportState::Closed, ReportState::Open].into_iter().map(|s| view! {
                            <button type="submit" name="state" value=s.key()>{s.verb()}</button>
                        }).collect_view()}
                    </div>
                </div>
            </div>
        </form>
        <Pager page=page_no page_size count href/>
    }
    .into_any()
}

#[component]
fn QueueRow(
    report: Report,
    selected: RwSignal<Vec<String>>,
    preselect: bool,
    now_ms: i64,
) -> impl IntoView {
    let id = report.id.clone();
    let checked = {
        let id = id.clone();
        move || selected.with(|s| s.contains(&id))
    };
    let row_checked = checked.clone();
    let on_change = {
        let id = id.clone();
        move |ev: leptos::ev::Event| {
            let on = event_target_checked(&ev);
            selected.update(|s| {
                s.retain(|x| x != &id);
                if on {
                    s.push(id.clone());
                }
            });
        }
    };
    let about = handle(&report.account);
    let age = relative_age(&report.created_at, now_ms);
    let when = absolute_time(&report.created_at);
    let excerpt = report.comment_excerpt(120);
    let statuses = report.statuses.len();
    let notes = report.notes.len();
    let href = report_href(&id);
    view! {
        <tr class:selected=row_checked>
            <td class="col-select">
                <input type="checkbox" name="ids" value=id.clone()
                    aria-label=format!("Select the report about {about}") checked=preselect
                    prop:checked=checked on:change=on_change/>
            </td>
            <td data-label="State"><StateBadge state=report.state/></td>
            <td data-label="Filed" class="col-joined">
                <time datetime=report.created_at.clone() title=when>{age}</time>
            </td>
            <td data-label="Reporter → reported" class="col-people">
                <AccountChip account=report.actor.clone()/>
                <span class="arrow" aria-label="reported">" → "</span>
                <AccountChip account=report.account.clone()/>
            </td>
            <td data-label="Comment" class="col-comment">
                {if excerpt.is_empty() {
                    view! { <span class="muted">"No comment"</span> }.into_any()
                } else {
                    view! { <span>{excerpt}</span> }.into_any()
                }}
            </td>
            <td data-label="Statuses" class="num">{statuses}</td>
            <td data-label="Notes" class="num">{notes}</td>
            <td class="col-actions">
                <a class="button small" href=href aria-label=format!("Open the report about {about}")>"Open"</a>
            </td>
        </tr>
    }
}
