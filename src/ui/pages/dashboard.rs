//! `/admin/`: counters and trends (ui.md §4.2).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;

use crate::model::dashboard::Dashboard;
use crate::serverfns::dashboard::get_dashboard;
use crate::ui::components::sparkline::Sparkline;

#[component]
pub fn DashboardPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_dashboard());
    view! {
        <Title text="Dashboard"/>
        <h1>"Dashboard"</h1>
        <Suspense fallback=|| view! { <div class="cards"><div class="card skeleton"></div><div class="card skeleton"></div><div class="card skeleton"></div></div> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(d) => view! { <Cards d/> }.into_any(),
                    Err(e) if e.is_unauthenticated() => view! {
                        <Redirect path="/admin/login?next=/admin/"/>
                    }.into_any(),
                    Err(e) if e.status == 403 => view! {
                        <section class="card">
                            <h2>"Statistics"</h2>
                            <p>"Your role does not include the statistics_read privilege, so there are no counters to show."</p>
                        </section>
                    }.into_any(),
                    Err(e) => view! { <p class="form-error" role="alert">"Couldn't load the dashboard: " {e.message}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn yes_no(value: bool) -> &'static str {
    if value {
        "Yes"
    } else {
        "No"
    }
}

#[component]
fn Stat(#[prop(into)] label: String, value: i64) -> impl IntoView {
    view! {
        <div class="stat">
            <dt>{label}</dt>
            <dd class="num">{value}</dd>
        </div>
    }
}

#[component]
fn Cards(d: Dashboard) -> impl IntoView {
    let registration = if d.registrations.open {
        if d.registrations.approval_required {
            "Open, with approval"
        } else {
            "Open"
        }
    } else if d.registrations.invites_enabled {
        "Invite only"
    } else {
        "Closed"
    };
    let staff = d.users.admins + d.users.moderators;
    view! {
        <div class="cards">
            <section class="card attention" aria-labelledby="card-attention">
                <h2 id="card-attention">"Needs attention"</h2>
                <dl class="stats">
                    <Stat label="Open reports" value=d.reports.open/>
                    <Stat label="Pending approval" value=d.users.pending_approval/>
                    <Stat label="Unconfirmed" value=d.users.unconfirmed/>
                </dl>
                {d.need_reboot.then(|| view! { <p class="badge warn">"Restart needed"</p> })}
            </section>
            <section class="card" aria-labelledby="card-users">
                <h2 id="card-users">"Users"</h2>
                <dl class="stats">
                    <Stat label="Total" value=d.users.total/>
                    <Stat label="Local" value=d.users.local/>
                    <Stat label="Remote" value=d.users.remote/>
                    <Stat label="Active" value=d.users.active/>
                    <Stat label="Deactivated" value=d.users.deactivated/>
                    <Stat label="Staff" value=staff/>
                    <Stat label="New, 7 days" value=d.users.new_7d/>
                    <Stat label="New, 30 days" value=d.users.new_30d/>
                </dl>
                <Sparkline series=d.series.new_users.clone() label="New users"/>
            </section>
            <section class="card" aria-labelledby="card-reports">
                <h2 id="card-reports">"Reports"</h2>
                <dl class="stats">
                    <Stat label="Open" value=d.reports.open/>
                    <Stat label="Closed" value=d.reports.closed/>
                    <Stat label="Resolved" value=d.reports.resolved/>
                    <Stat label="Opened, 7 days" value=d.reports.opened_7d/>
                    <Stat label="Resolved, 7 days" value=d.reports.resolved_7d/>
                </dl>
                <Sparkline series=d.series.new_reports.clone() label="New reports"/>
            </section>
            <section class="card" aria-labelledby="card-content">
                <h2 id="card-content">"Content"</h2>
                <dl class="stats">
                    <Stat label="Statuses" value=d.statuses.total/>
                    <Stat label="Local" value=d.statuses.local/>
                    <Stat label="Local, 7 days" value=d.statuses.last_7d/>
                    <Stat label="Public" value=d.status_visibility.public/>
                    <Stat label="Unlisted" value=d.status_visibility.unlisted/>
                    <Stat label="Followers only" value=d.status_visibility.private/>
                    <Stat label="Direct" value=d.status_visibility.direct/>
                </dl>
                <Sparkline series=d.series.new_statuses.clone() label="New statuses"/>
            </section>
            <section class="card" aria-labelledby="card-federation">
                <h2 id="card-federation">"Federation"</h2>
                <dl class="stats">
                    <Stat label="Relays accepted" value=d.relays.accepted/>
                    <Stat label="Relays pending" value=d.relays.pending/>
                    <Stat label="Valid invites" value=d.invites.valid/>
                </dl>
            </section>
            <section class="card" aria-labelledby="card-system">
                <h2 id="card-system">"System"</h2>
                <dl class="facts">
                    <dt>"Registration"</dt><dd>{registration}</dd>
                    <dt>"Email confirmation required"</dt><dd>{yes_no(d.registrations.activation_required)}</dd>
                    <dt>"Mailer"</dt><dd>{if d.mailer_enabled { "On" } else { "Off" }}</dd>
                    <dt>"Restart needed"</dt><dd>{yes_no(d.need_reboot)}</dd>
                </dl>
            </section>
        </div>
    }
}
