//! The report screens' reads (moderation.md §2): the queue with its tab counts, one report with
//! its statuses (deleted ones from the report's snapshot), the open count for the sidebar. Writes
//! go through the plain HTML forms of `server::api::panel_reports`.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::error::PanelError;
use crate::model::reports::{
    AccountSuggestion, GroupedReportsPage, OpenReports, ReportDetail, ReportListQuery, ReportsPage,
    StateChange,
};

/// Server-only glue: resolving account filters and turning service answers into panel types.
#[cfg(feature = "ssr")]
mod glue {
    use serde_json::{json, Map, Value};

    use crate::error::{AppError, PanelError};
    use crate::model::reports::{Report, ReportListQuery, ReportTab, ReportedStatus};
    use crate::model::statuses::StatusView;
    use crate::server::api::params::Params;
    use crate::server::auth::Caller;
    use crate::server::service::reports;
    use crate::server::state::AppState;

    pub fn from_json<T: serde::de::DeserializeOwned>(value: Value) -> Result<T, PanelError> {
        serde_json::from_value(value)
            .map_err(|e| AppError::internal(format!("unexpected service answer: {e}")).into())
    }

    /// The id of the account a filter names (nickname or id); `Ok(None)` when there is none.
    pub async fn account_id(state: &AppState, key: &str) -> Result<Option<String>, PanelError> {
        match crate::server::service::users::find(state, key).await {
            Ok(account) => Ok(Some(account.id)),
            Err(AppError::NotFound | AppError::NotFoundWith(_)) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// The `account_id` / `actor_id` filters of `query`'s account fields, or `Err` naming the
    /// field ("reported account", "reporter") that names no account.
    pub async fn account_filters(
        state: &AppState,
        query: &ReportListQuery,
    ) -> Result<Result<Map<String, Value>, String>, PanelError> {
        let mut filters = Map::new();
        for (key, param, what) in [
            (&query.account, "account_id", "reported account"),
            (&query.actor, "actor_id", "reporter"),
        ] {
            if key.is_empty() {
                continue;
            }
            match account_id(state, key).await? {
                Some(id) => {
                    filters.insert(param.into(), Value::String(id));
                }
                None => return Ok(Err(what.to_string())),
            }
        }
        Ok(Ok(filters))
    }

    /// The number of reports in each tab under `filters`, in [`ReportTab::ALL`] order: one count
    /// query (the per-state counters without account filters), nothing rendered.
    pub async fn tab_counts(
        state: &AppState,
        caller: &Caller,
        filters: &Map<String, Value>,
    ) -> Result<[i64; 4], PanelError> {
        let wanted = |key: &str| filters.get(key).and_then(Value::as_str).map(str::to_string);
        let by_state =
            reports::state_counts(state, caller, wanted("account_id"), wanted("actor_id")).await?;
        let mut counts = [0i64; 4];
        for (n, tab) in ReportTab::ALL.into_iter().enumerate() {
            counts[n] = by_state
                .iter()
                .filter(|(s, _)| tab.state().is_none_or(|t| t.key() == s))
                .map(|(_, n)| n)
                .sum();
        }
        Ok(counts)
    }

    /// `GET /reports` with `params` (a page of reports and the total).
    pub async fn list(
        state: &AppState,
        caller: &Caller,
        params: Value,
    ) -> Result<(Vec<Report>, i64), PanelError> {
        let answer = reports::list(state, caller, &Params::from_value(params)).await?;
        let total = answer.get("total").and_then(Value::as_i64).unwrap_or(0);
        let list = answer.get("reports").cloned().unwrap_or_else(|| json!([]));
        let raw: Vec<Value> = from_json(list)?;
        let reports = raw.into_iter().map(report).collect::<Result<_, _>>()?;
        Ok((reports, total))
    }

    /// A report object in its panel shape (statuses as status cards).
    pub fn report(mut value: Value) -> Result<Report, PanelError> {
        let raw = value
            .as_object_mut()
            .and_then(|map| map.remove("statuses"))
            .unwrap_or(Value::Null);
        let mut report: Report = from_json(value)?;
        report.statuses = StatusView::list_from(&raw)
            .into_iter()
            .map(|card| ReportedStatus {
                card,
                deleted: false,
            })
            .collect();
        Ok(report)
    }
}

/// `GET /reports` for the queue, plus the count of every tab under the same account filters
/// (needs `reports_manage_reports`). A filter naming no account answers an empty page that says so.
#[server(prefix = "/api/steward/fn", endpoint = "reports_list", input = Json)]
pub async fn list_reports(query: ReportListQuery) -> Result<ReportsPage, PanelError> {
    use serde_json::{json, Value};
    let (state, caller) = super::door::caller(None).await?;
    caller.authorize(&crate::server::service::reports::READ)?;
    let now_ms = crate::server::db::now_ms();
    let filters = match glue::account_filters(&state, &query).await? {
        Ok(filters) => filters,
        Err(what) => {
            return Ok(ReportsPage {
                page_size: query.page_size,
                unknown_account: Some(what),
                now_ms,
                ..ReportsPage::default()
            })
        }
    };
    let counts = glue::tab_counts(&state, &caller, &filters).await?;
    let mut params = filters;
    params.insert("page".into(), json!(query.page));
    params.insert("page_size".into(), json!(query.page_size));
    if let Some(s) = query.tab.state() {
        params.insert("state".into(), json!(s.key()));
    }
    let (reports, total) = glue::list(&state, &caller, Value::Object(params)).await?;
    Ok(ReportsPage {
        reports,
        total,
        page_size: query.page_size,
        counts,
        unknown_account: None,
        now_ms,
    })
}

/// The queue grouped by reported status (`GET /grouped_reports`, needs
/// `reports_manage_reports`): the groups with at least one report in the tab's state that also
/// matches the account filters, each with all of its reports, one page of them; plus the tab
/// counts. Only the page's groups are rendered.
#[server(prefix = "/api/steward/fn", endpoint = "reports_grouped", input = Json)]
pub async fn list_grouped_reports(
    query: ReportListQuery,
) -> Result<GroupedReportsPage, PanelError> {
    use crate::model::reports::{GroupedReport, ReportGroup};
    use crate::model::statuses::StatusView;
    use crate::server::service::reports::{grouped_page, GroupFilter};
    use serde_json::Value;
    let (state, caller) = super::door::caller(None).await?;
    caller.authorize(&crate::server::service::reports::READ)?;
    let now_ms = crate::server::db::now_ms();
    let page_size = query.page_size.clamp(1, 500);
    let filters = match glue::account_filters(&state, &query).await? {
        Ok(filters) => filters,
        Err(what) => {
            return Ok(GroupedReportsPage {
                page_size,
                unknown_account: Some(what),
                now_ms,
                ..GroupedReportsPage::default()
            })
        }
    };
    let counts = glue::tab_counts(&state, &caller, &filters).await?;
    let wanted = |key: &str| filters.get(key).and_then(Value::as_str).map(str::to_string);
    let filter = GroupFilter {
        state: query.tab.state().map(|s| s.key().to_string()),
        account_id: wanted("account_id"),
        actor_id: wanted("actor_id"),
    };
    let offset = query
        .page
        .max(1)
        .saturating_sub(1)
        .saturating_mul(page_size);
    let (raw, total) = grouped_page(
        &state,
        &caller,
        &filter,
        usize::try_from(page_size).unwrap_or(1),
        usize::try_from(offset).unwrap_or(usize::MAX),
    )
    .await?;
    let mut groups = Vec::with_capacity(raw.len());
    for group in raw {
        let status = group.get("status").cloned().unwrap_or(Value::Null);
        let status_id = status
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let reports: Vec<Value> = group
            .get("reports")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let reports = reports
            .into_iter()
            .map(glue::report)
            .collect::<Result<Vec<_>, _>>()?;
        let account = glue::from_json::<Option<crate::model::users::AdminUser>>(
            group.get("account").cloned().unwrap_or(Value::Null),
        )
        .ok()
        .flatten()
        .filter(|a| !a.id.is_empty());
        groups.push(ReportGroup {
            status_id,
            status: StatusView::from_admin_object(&status)
                .filter(|_| status.get("deleted").and_then(Value::as_bool) != Some(true)),
            account,
            date: group
                .get("date")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            reports: reports
                .into_iter()
                .map(|r| GroupedReport {
                    excerpt: r.comment_excerpt(80),
                    id: r.id,
                    state: r.state,
                    created_at: r.created_at,
                    actor: r.actor,
                })
                .collect(),
        });
    }
    Ok(GroupedReportsPage {
        groups,
        total: i64::try_from(total).unwrap_or(i64::MAX),
        page_size,
        counts,
        unknown_account: None,
        now_ms,
    })
}

/// Accounts whose nickname, display name or domain matches `term` (as `GET /users?query=`), at
/// most [`crate::model::reports::ACCOUNT_SUGGESTIONS`]: the suggestions of the queue's account
/// filters (needs `reports_manage_reports`, like the queue).
#[server(prefix = "/api/steward/fn", endpoint = "reports_account_suggestions")]
pub async fn suggest_accounts(term: String) -> Result<Vec<AccountSuggestion>, PanelError> {
    use crate::model::reports::ACCOUNT_SUGGESTIONS;
    use serde_json::Value;
    let (state, caller) = super::door::caller(None).await?;
    let found = crate::server::service::reports::account_suggestions(
        &state,
        &caller,
        &term,
        ACCOUNT_SUGGESTIONS,
    )
    .await?;
    let text = |v: &Value, key: &str| {
        v.get(key)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let flag = |v: &Value, key: &str| v.get(key).and_then(Value::as_bool).unwrap_or(false);
    Ok(found
        .iter()
        .map(|v| AccountSuggestion {
            nickname: text(v, "nickname"),
            display_name: text(v, "display_name"),
            local: flag(v, "local"),
            deactivated: flag(v, "deactivated"),
        })
        .collect())
}

/// `GET /reports/:id` with the statuses deleted since the report was filed (from its snapshot).
#[server(prefix = "/api/steward/fn", endpoint = "reports_show")]
pub async fn get_report(id: String) -> Result<ReportDetail, PanelError> {
    use crate::model::reports::ReportedStatus;
    use crate::model::statuses::StatusView;
    use crate::server::service::reports;
    use serde_json::Value;
    let (state, caller) = super::door::caller(None).await?;
    let raw = reports::show(&state, &caller, &id).await?;
    // Reported statuses belong to the reported account, so it is the author of deleted ones too.
    let reported = raw.get("account").cloned().unwrap_or(Value::Null);
    let report = glue::report(raw)?;
    let snapshot = reports::statuses_snapshot(&state, &caller, &id).await?;
    let mut statuses: Vec<ReportedStatus> = Vec::new();
    for entry in snapshot.as_array().cloned().unwrap_or_default() {
        let sid = entry.get("id").and_then(Value::as_str).unwrap_or_default();
        if let Some(live) = report.statuses.iter().find(|s| s.card.id == sid) {
            statuses.push(live.clone());
            continue;
        }
        let mut entry = entry;
        if let Some(map) = entry.as_object_mut() {
            map.insert("account".into(), reported.clone());
        }
        if let Some(card) = StatusView::from_admin_object(&entry) {
            statuses.push(ReportedStatus {
                card,
                deleted: true,
            });
        }
    }
    // Statuses the snapshot does not know still show.
    for live in &report.statuses {
        if !statuses.iter().any(|s| s.card.id == live.card.id) {
            statuses.push(live.clone());
        }
    }
    Ok(ReportDetail {
        report,
        statuses,
        now_ms: crate::server::db::now_ms(),
    })
}

/// Sets one report's state from the report page (hydrated; the form post to
/// `/admin/reports/action` does the same without JavaScript): one `PATCH /reports` item, with the
/// session's CSRF token. With `next`, also finds the open report to go on to ("Resolve and open
/// next"). A refusal (unknown report, no permission…) is an expected answer here, not a failed
/// request: it comes back in [`StateChange::error`], worded like the form post's.
#[server(prefix = "/api/steward/fn", endpoint = "reports_set_state")]
pub async fn set_report_state(
    csrf: String,
    id: String,
    state: String,
    next: bool,
) -> Result<StateChange, PanelError> {
    use crate::error::AppError;
    use crate::model::reports::ReportState;
    use crate::server::api::panel_reports::{next_open, report_page, reported_nick};
    use crate::server::api::params::Params;
    use crate::server::service::reports;
    use serde_json::{json, Value};
    let (app, caller) = super::door::caller(Some(&csrf)).await?;
    let refused = |text: String| StateChange {
        error: Some(text),
        ..StateChange::default()
    };
    let Some(new_state) = ReportState::from_key(&state) else {
        return Ok(refused("Choose Resolve, Close or Reopen.".into()));
    };
    let prefix = format!("Couldn't {} the report", new_state.verb().to_lowercase());
    let params = Params::from_value(json!({"reports": [{"id": id, "state": new_state.key()}]}));
    match reports::update_states(&app, &caller, &params).await {
        Ok(()) => {}
        Err(AppError::Shaped(_, Value::Array(failures))) => {
            let why = failures
                .first()
                .and_then(|f| f.get("error"))
                .and_then(Value::as_str)
                .map_or(
                    "refused",
                    |w| if w == "not_found" { "Not found" } else { w },
                );
            return Ok(refused(format!("{prefix}: {why}")));
        }
        // Internal failures stay errors (and are logged, never echoed).
        Err(e @ (AppError::Internal(_) | AppError::Database(_))) => return Err(e.into()),
        Err(e) => return Ok(refused(format!("{prefix}: {}", e.message()))),
    }
    let done = format!(
        "{} the report about {}.",
        new_state.done(),
        reported_nick(&app, &caller, &id).await
    );
    if !next {
        return Ok(StateChange {
            notice: done,
            ..StateChange::default()
        });
    }
    Ok(match next_open(&app, &caller, &id).await {
        Some(next) => StateChange {
            notice: format!("{done} Here is the next open report."),
            next: Some(report_page(&next)),
            error: None,
        },
        None => StateChange {
            notice: format!("{done} No open reports left."),
            next: Some("/admin/reports".into()),
            error: None,
        },
    })
}

/// The number of open reports (needs `reports_manage_reports`), for the sidebar's first paint.
#[server(prefix = "/api/steward/fn", endpoint = "reports_open_count")]
pub async fn get_open_reports() -> Result<OpenReports, PanelError> {
    let (state, caller) = super::door::caller(None).await?;
    let by_state =
        crate::server::service::reports::state_counts(&state, &caller, None, None).await?;
    let open = by_state
        .iter()
        .find(|(s, _)| s == "open")
        .map_or(0, |(_, n)| *n);
    Ok(OpenReports { open })
}
