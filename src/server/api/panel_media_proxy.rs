//! The media proxy cache screen's form posts (ui.md §4.13), so Unban and Evict work without
//! JavaScript. Both are confirmed first (ui.md §5): a post without `confirmed=1` goes back to the
//! screen with the URLs in `unban=`/`evict=` parameters, where the confirmation posts them again.
//! Each then calls the same service function as `POST P/media_proxy_caches/delete` or `…/purge`.

use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use super::panel_forms::{failure, notice, read_form, safe_back, see_other, FormPost};
use super::params::Params;
use crate::model::media_proxy::{lines, MAX_URLS_PER_ACTION};
use crate::model::query::with_params;
use crate::server::service::media_proxy;
use crate::server::state::AppState;

const SCREEN: &str = "/admin/media-proxy";

/// The page to come back to, without an earlier confirmation or message.
fn back_of(form: &FormPost) -> String {
    let back = safe_back(&form.text("back"), SCREEN);
    let (path, search) = back.split_once('?').unwrap_or((&back, ""));
    with_params(
        path,
        search,
        &["unban", "evict", "ban", "notice", "error"],
        &[],
    )
}

/// The ticked `urls[]` of the table.
fn ticked(form: &FormPost) -> Vec<String> {
    match form.params.raw("urls") {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect(),
        _ => Vec::new(),
    }
}

/// The confirmation step: back to the screen with the URLs to confirm.
fn confirm(back: &str, key: &str, urls: &[String], ban: Option<bool>) -> Response {
    let (path, search) = back.split_once('?').unwrap_or((back, ""));
    let mut url = with_params(path, search, &[], &[]);
    let mut sep = if url.contains('?') { '&' } else { '?' };
    for u in urls {
        url.push(sep);
        url.push_str(key);
        url.push('=');
        url.push_str(&crate::model::query::encode_component(u));
        sep = '&';
    }
    if let Some(ban) = ban {
        url.push_str(if ban { "&ban=1" } else { "&ban=0" });
    }
    see_other(&url)
}

fn count_text(n: usize) -> String {
    if n == 1 {
        "1 URL".to_string()
    } else {
        format!("{n} URLs")
    }
}

/// The refusal of an action on no URLs or on more than [`MAX_URLS_PER_ACTION`] (`verb` starts
/// the message), if it is one.
fn refuse_urls(back: &str, urls: &[String], none: &str, verb: &str) -> Option<Response> {
    if urls.is_empty() {
        return Some(super::panel_forms::error(back, none));
    }
    if urls.len() > MAX_URLS_PER_ACTION {
        return Some(super::panel_forms::error(
            back,
            &format!("{verb} at most {MAX_URLS_PER_ACTION} URLs at a time."),
        ));
    }
    None
}

/// `POST /admin/media-proxy/unban` with the ticked `urls[]`.
pub async fn unban(State(state): State<AppState>, request: Request) -> Response {
    let form = match read_form(&state, request).await {
        Ok(form) => form,
        Err(e) => return e.into_response(),
    };
    let back = back_of(&form);
    let urls = ticked(&form);
    if let Some(refused) = refuse_urls(&back, &urls, "Select the URLs to unban first.", "Unban") {
        return refused;
    }
    if form.text("confirmed") != "1" {
        return confirm(&back, "unban", &urls, None);
    }
    let params = Params::from_value(json!({ "urls": urls }));
    match media_proxy::delete(&state, &form.caller, &params).await {
        Ok(_) => notice(&back, &format!("Unbanned {}.", count_text(urls.len()))),
        Err(e) => failure(&back, "Couldn't unban the URLs", &e),
    }
}

/// `POST /admin/media-proxy/evict` with `urls` (one per line) and the `ban` checkbox.
pub async fn evict(State(state): State<AppState>, request: Request) -> Response {
    let form = match read_form(&state, request).await {
        Ok(form) => form,
        Err(e) => return e.into_response(),
    };
    let back = back_of(&form);
    // The confirmation posts the URLs as `urls[]`; the box posts them as lines.
    let urls = match form.params.raw("urls") {
        Some(Value::Array(_)) => ticked(&form),
        _ => lines(&form.text("urls")),
    };
    let ban = form.text("ban") == "1";
    if let Some(refused) = refuse_urls(
        &back,
        &urls,
        "Enter the URLs to evict, one per line.",
        "Evict",
    ) {
        return refused;
    }
    if form.text("confirmed") != "1" {
        return confirm(&back, "evict", &urls, Some(ban));
    }
    let params = Params::from_value(json!({ "urls": urls, "ban": ban }));
    match media_proxy::purge(&state, &form.caller, &params).await {
        Ok(answer) => {
            let n = answer
                .get("urls")
                .and_then(Value::as_array)
                .map_or(0, Vec::len);
            let text = if ban {
                format!("Evicted and banned {}.", count_text(n))
            } else {
                format!("Evicted {}.", count_text(n))
            };
            notice(&back, &text)
        }
        Err(e) => failure(&back, "Couldn't evict the URLs", &e),
    }
}
