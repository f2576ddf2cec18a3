//! `/admin/media-proxy` (ui.md §4.13): whether the media proxy is on and how purges invalidate,
//! the banned URLs (search, pages, multi-select Unban) and the "Evict URLs" box. Both writes are
//! plain HTML forms posted to `/admin/media-proxy/…` and confirmed first, so the screen works
//! without JavaScript; the search, page and confirmation live in the URL.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_location;

use crate::model::media_proxy::MediaProxyScreen;
use crate::model::query::{query_value, query_values, with_params};
use crate::serverfns::media_proxy::load_media_proxy;
use crate::ui::components::load_error::LoadError;
use crate::ui::components::pager::Pager;
use crate::ui::layout::use_session;

const SCREEN: &str = "/admin/media-proxy";

#[component]
pub fn MediaProxyPage() -> impl IntoView {
    let location = use_location();
    let search = location.search;
    let data = Resource::new(
        move || {
            let s = search.get();
            (
                query_value(&s, "query"),
                query_value(&s, "page"),
                query_value(&s, "page_size"),
            )
        },
        |(query, page, page_size)| load_media_proxy(query, page, page_size),
    );
    view! {
        <Title text="Media proxy cache"/>
        <div class="page-head"><h1>"Media proxy cache"</h1></div>
        <Suspense fallback=|| view! { <div class="card skeleton"></div> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(screen) => view! { <MediaProxyView screen/> }.into_any(),
                    Err(error) => view! { <LoadError error what="the media proxy cache"/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn MediaProxyView(screen: MediaProxyScreen) -> impl IntoView {
    let location = use_location();
    let session = use_session();
    let csrf = session.csrf_token.clone();
    let search = location.search.get_untracked();
    let query = query_value(&search, "query");
    // Where forms come back to: this page with its search and page, nothing else.
    let back = with_params(
        SCREEN,
        &search,
        &["unban", "evict", "ban", "notice", "error"],
        &[],
    );
    let href = {
        let search = search.clone();
        Callback::new(move |n: i64| {
            with_params(
                SCREEN,
                &search,
                &["page", "unban", "evict", "ban", "notice", "error"],
                &[("page", &n.to_string())],
            )
        })
    };
    // The confirmations follow the URL, so Cancel (a link) closes them in the running app too.
    let confirmations = {
        let csrf = csrf.clone();
        let search = location.search;
        move || {
            let current = search.get();
            let back = with_params(
                SCREEN,
                &current,
                &["unban", "evict", "ban", "notice", "error"],
                &[],
            );
            let unban = query_values(&current, "unban");
            let evict = query_values(&current, "evict");
            let evict_ban = query_value(&current, "ban") != "0";
            view! {
                {(!unban.is_empty()).then(|| view! {
                    <ConfirmCard action="unban" urls=unban.clone() ban=None csrf=csrf.clone() back=back.clone() cancel=back.clone()/>
                })}
                {(!evict.is_empty()).then(|| view! {
                    <ConfirmCard action="evict" urls=evict.clone() ban=Some(evict_ban) csrf=csrf.clone() back=back.clone() cancel=back.clone()/>
                })}
            }
        }
    };
    view! {
        <Banner screen=screen.clone()/>
        {confirmations}
        <section class="card stack" aria-labelledby="banned-title">
            <h2 id="banned-title">"Banned URLs"</h2>
            <p class="hint">"The media proxy answers 404 for these URLs."</p>
            <form method="get" action=SCREEN class="proxy-search" role="search" aria-label="Banned URLs">
                <div class="field">
                    <label for="banned-query">"Search banned URLs"</label>
                    <input id="banned-query" name="query" type="search" value=query.clone()/>
                </div>
                <button type="submit">"Search"</button>
            </form>
            {if screen.urls.is_empty() {
                let text = if query.is_empty() {
                    "No banned URLs. Evict a URL below to ban it."
                } else {
                    "No banned URLs match this search."
                };
                view! { <p class="empty-note">{text}</p> }.into_any()
            } else {
                view! {
                    <form method="post" action="/admin/media-proxy/unban">
                        <input type="hidden" name="csrf" value=csrf.clone()/>
                        <input type="hidden" name="back" value=back.clone()/>
                        <div class="table-wrap">
                            <table class="data-table">
                                <caption class="sr-only">"Banned URLs"</caption>
                                <thead>
                                    <tr>
                                        <th scope="col"><span class="sr-only">"Select"</span></th>
                                        <th scope="col">"URL"</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {screen.urls.iter().enumerate().map(|(i, url)| {
                                        let id = format!("banned-{i}");
                                        view! {
                                            <tr>
                                                <td class="col-select">
                                                    <input type="checkbox" id=id.clone() name="urls[]" value=url.clone()
                                                        aria-label=format!("Select {url}")/>
                                                </td>
                                                <td data-label="URL" class="col-link">
                                                    <label for=id class="truncate" title=url.clone()>{url.clone()}</label>
                                                </td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                        <button type="submit">"Unban selected"</button>
                    </form>
                }
                .into_any()
            }}
            <Pager page=screen.page page_size=screen.page_size count=screen.count href/>
        </section>
        <form method="post" action="/admin/media-proxy/evict" class="card stack" aria-labelledby="evict-title">
            <h2 id="evict-title">"Evict URLs"</h2>
            <input type="hidden" name="csrf" value=csrf/>
            <input type="hidden" name="back" value=back/>
            <div class="field">
                <label for="evict-urls">"URLs, one per line"</label>
                <p class="hint" id="evict-urls-hint">"Original URLs or this instance's proxy URLs."</p>
                <textarea id="evict-urls" name="urls" rows="4" aria-describedby="evict-urls-hint"></textarea>
            </div>
            <div class="field">
                <label><input type="checkbox" name="ban" value="1" checked=true/>" Also ban"</label>
            </div>
            <button type="submit" class="primary">"Evict"</button>
        </form>
    }
}

/// Proxy on or off, the invalidation provider, and a link to the settings.
#[component]
fn Banner(screen: MediaProxyScreen) -> impl IntoView {
    view! {
        <section class="card banner" aria-labelledby="proxy-title">
            <h2 id="proxy-title" class="sr-only">"Media proxy"</h2>
            <dl class="facts inline-facts">
                <dt>"Media proxy"</dt><dd>{if screen.enabled { "On" } else { "Off" }}</dd>
                <dt>"Proxy URLs"</dt><dd>{screen.base_url.clone()} "/proxy/…"</dd>
                <dt>"Invalidation"</dt><dd>{screen.invalidation_text()}</dd>
            </dl>
            {(!screen.enabled).then(|| view! {
                <p class="hint">"Remote media is linked directly while the proxy is off; banned URLs take effect once it is on."</p>
            })}
            <p><a href="/admin/settings/media_proxy">"Media proxy settings"</a></p>
        </section>
    }
}

/// The confirmation of Unban or Evict (ui.md §5), naming the URLs; focus starts on Cancel.
#[component]
fn ConfirmCard(
    action: &'static str,
    urls: Vec<String>,
    ban: Option<bool>,
    csrf: String,
    back: String,
    cancel: String,
) -> impl IntoView {
    let cancel_link = NodeRef::<leptos::html::A>::new();
    Effect::new(move |_| {
        if let Some(link) = cancel_link.get() {
            let _ = link.focus();
        }
    });
    let n = urls.len();
    let what = if n == 1 {
        "1 URL".to_string()
    } else {
        format!("{n} URLs")
    };
    let (title, consequence, button) = match (action, ban) {
        ("unban", _) => (
            format!("Unban {what}?"),
            "The media proxy serves them again.",
            format!("Unban {what}"),
        ),
        (_, Some(true)) => (
            format!("Evict and ban {what}?"),
            "The cache in front of the proxy is asked to drop them (when invalidation is set up), and the proxy answers 404 for them from now on.",
            format!("Evict and ban {what}"),
        ),
        _ => (
            format!("Evict {what}?"),
            "The cache in front of the proxy is asked to drop them (when invalidation is set up); they are not banned.",
            format!("Evict {what}"),
        ),
    };
    view! {
        <section class="card confirm-card" aria-labelledby="proxy-confirm-title" aria-describedby="proxy-confirm-consequence">
            <h2 id="proxy-confirm-title">{title}</h2>
            <p id="proxy-confirm-consequence">{consequence}</p>
            <ul class="url-list">
                {urls.iter().map(|u| view! { <li><code>{u.clone()}</code></li> }).collect_view()}
            </ul>
            <form method="post" action=format!("/admin/media-proxy/{action}")>
                <input type="hidden" name="csrf" value=csrf/>
                <input type="hidden" name="back" value=back/>
                <input type="hidden" name="confirmed" value="1"/>
                {ban.map(|b| view! { <input type="hidden" name="ban" value=if b { "1" } else { "0" }/> })}
                {urls.iter().map(|u| view! { <input type="hidden" name="urls[]" value=u.clone()/> }).collect_view()}
                <div class="confirm-actions">
                    <a class="button" href=cancel node_ref=cancel_link autofocus>"Cancel"</a>
                    <button type="submit" class="danger">{button}</button>
                </div>
            </form>
        </section>
    }
}
