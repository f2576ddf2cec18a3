//! The statuses screens' reads (moderation.md §3–4): lists (all, local, by instance, by user), one
//! status, the screen's instance choices and counters, and the reports that reference a status or
//! concern an account. Writes go through the plain HTML forms of `server::api::panel_statuses`.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::error::PanelError;
use crate::model::statuses::{
    ReportLine, StatusListQuery, StatusView, StatusesOverview, StatusesPage,
};

/// A status list answer as one page of cards; `more` when the page came back full.
#[cfg(feature = "ssr")]
fn page_of(value: &serde_json::Value, page_size: i64) -> StatusesPage {
    let returned = value.as_array().map(Vec::len).unwrap_or(0);
    StatusesPage {
        statuses: StatusView::list_from(value),
        more: i64::try_from(returned).unwrap_or(i64::MAX) >= page_size,
    }
}

/// Statuses of the screen's query: `page` (1-based) of `page_size` items (needs `messages_read`).
/// An instance goes to `GET /instances/:host/statuses`, anything else to `GET /statuses`.
#[server(prefix = "/api/steward/fn", endpoint = "statuses_list", input = Json)]
pub async fn list_statuses(
    query: StatusListQuery,
    page: i64,
    page_size: i64,
) -> Result<StatusesPage, PanelError> {
    use crate::server::api::params::Params;
    use crate::server::service::statuses;
    let (state, caller) = super::door::caller(None).await?;
    let mut params = query.api_params(page);
    params["page_size"] = serde_json::json!(page_size);
    let params = Params::from_value(params);
    let value = if query.instance.is_empty() || query.local_only {
        statuses::list(&state, &caller, &params).await?
    } else {
        statuses::list_by_instance(&state, &caller, &query.instance, &params).await?
    };
    Ok(page_of(&value, page_size))
}

/// This host, the peers (`GET /api/v1/instance/peers`) and the visibility counters of `instance`
/// (`GET /stats`; `None` without `statistics_read`). An empty `instance` counts everything;
/// `local_only` counts this host.
#[server(prefix = "/api/steward/fn", endpoint = "statuses_overview")]
pub async fn get_statuses_overview(
    instance: String,
    local_only: bool,
) -> Result<StatusesOverview, PanelError> {
    use crate::model::statuses::VisibilityCounts;
    use crate::server::api::params::Params;
    use crate::server::service::{instance as instance_service, statuses};
    let (state, caller) = super::door::caller(None).await?;
    // The instance list is for people allowed to list statuses.
    caller.authorize(&statuses::READ)?;
    let peers = instance_service::peers(&state.db).await?;
    let counted = if local_only {
        state.site.host.clone()
    } else {
        instance
    };
    let params = Params::from_value(serde_json::json!({ "instance": counted }));
    let counts = statuses::stats(&state, &caller, &params)
        .await
        .ok()
        .map(|v| VisibilityCounts::from_stats(&v));
    Ok(StatusesOverview {
        local_host: state.site.host.clone(),
        peers,
        counts,
        now_ms: crate::server::db::now_ms(),
    })
}

/// `GET /statuses/:id` (needs `messages_read`).
#[server(prefix = "/api/steward/fn", endpoint = "statuses_show")]
pub async fn get_status(id: String) -> Result<StatusView, PanelError> {
    let (state, caller) = super::door::caller(None).await?;
    let value = crate::server::service::statuses::show(&state, &caller, &id).await?;
    StatusView::from_admin_object(&value)
        .ok_or_else(|| crate::error::AppError::internal("unexpected status object").into())
}

/// `GET /users/:id/statuses`: `page` of 20 with the tab's toggles (needs `messages_read`).
#[server(prefix = "/api/steward/fn", endpoint = "statuses_of_user")]
pub async fn list_user_statuses(
    id: String,
    godmode: bool,
    with_reblogs: bool,
    page: i64,
    page_size: i64,
) -> Result<StatusesPage, PanelError> {
    use crate::server::api::params::Params;
    let (state, caller) = super::door::caller(None).await?;
    let params = Params::from_value(serde_json::json!({
        "godmode": godmode,
        "with_reblogs": with_reblogs,
        "page": page,
        "page_size": page_size,
    }));
    let value =
        crate::server::service::statuses::list_by_user(&state, &caller, &id, &params).await?;
    Ok(page_of(&value, page_size))
}

/// Reports about (`filed_by = false`) or filed by the account `id`, newest first, at most 50
/// (needs `reports_manage_reports`). Returns the lines and the total.
#[server(prefix = "/api/steward/fn", endpoint = "statuses_user_reports")]
pub async fn list_user_reports(
    id: String,
    filed_by: bool,
) -> Result<(Vec<ReportLine>, i64), PanelError> {
    use crate::server::api::params::Params;
    let (state, caller) = super::door::caller(None).await?;
    let key = if filed_by { "actor_id" } else { "account_id" };
    let params = Params::from_value(serde_json::json!({ key: id, "page_size": 50 }));
    let value = crate::server::service::reports::list(&state, &caller, &params).await?;
    let lines = value
        .get("reports")
        .and_then(serde_json::Value::as_array)
        .map(|list| list.iter().filter_map(ReportLine::from_report).collect())
        .unwrap_or_default();
    let total = value
        .get("total")
        .and_then(serde_json::Value::as_i64)
        .unwrap_or(0);
    Ok((lines, total))
}

/// Reports whose status ids include the status `id`, newest first (needs
/// `reports_manage_reports`). Returns the lines and their number.
#[server(prefix = "/api/steward/fn", endpoint = "statuses_reports")]
pub async fn list_status_reports(id: String) -> Result<(Vec<ReportLine>, i64), PanelError> {
    let (state, caller) = super::door::caller(None).await?;
    let reports = crate::server::service::reports::referencing_status(&state, &caller, &id).await?;
    let lines: Vec<ReportLine> = reports.iter().filter_map(ReportLine::from_report).collect();
    let total = i64::try_from(lines.len()).unwrap_or(i64::MAX);
    Ok((lines, total))
}

/// One moderation action on one status, for the statuses screen's bulk bar, which works through
/// its selection one status at a time so it can count progress and stop at the first refusal
/// (ui.md §4.7). `action` is an `/admin/statuses/action` value (`sensitive_on`, `sensitive_off`,
/// `visibility_public|unlisted|private`, `delete`); the same service functions as `PUT` and
/// `DELETE /statuses/:id` run (needs `messages_delete`; same log entries). It changes state, so
/// the session's CSRF token comes along.
///
/// A refusal (unknown status, a reblog, no permission…) is an expected answer here, not a failed
/// request: it comes back as `Ok(Some(<the REST API's error text>))`, and `Ok(None)` means done.
#[server(prefix = "/api/steward/fn", endpoint = "statuses_moderate")]
pub async fn moderate_status(
    csrf: String,
    id: String,
    action: String,
) -> Result<Option<String>, PanelError> {
    use crate::error::AppError;
    use crate::model::statuses::StatusAction;
    use crate::server::api::params::Params;
    use crate::server::service::statuses;
    let (state, caller) = super::door::caller(Some(&csrf)).await?;
    let Some(action) = StatusAction::from_key(&action, "") else {
        return Ok(Some(AppError::bad_request("Unknown action").message()));
    };
    let outcome = match action.update() {
        Some((sensitive, visibility)) => {
            let mut params = serde_json::Map::new();
            if let Some(s) = sensitive {
                params.insert("sensitive".into(), s.into());
            }
            if let Some(v) = visibility {
                params.insert("visibility".into(), v.into());
            }
            let params = Params::from_value(serde_json::Value::Object(params));
            statuses::update(&state, &caller, &id, &params).await
        }
        None => statuses::delete(&state, &caller, &id).await,
    };
    match outcome {
        Ok(_) => Ok(None),
        // Internal failures stay errors (and are logged, never echoed).
        Err(e @ (AppError::Internal(_) | AppError::Database(_))) => Err(e.into()),
        Err(e) => Ok(Some(e.message())),
    }
}
