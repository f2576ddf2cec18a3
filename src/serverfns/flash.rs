//! One-time results of the panel's form posts (see [`crate::model::users::Flash`]).

use leptos::prelude::*;

use crate::error::PanelError;
use crate::model::users::Flash;

/// The flash meant for the page at `path`, removed once read. `None` when there is none, it is
/// meant for another page, or nobody is signed in.
#[server(prefix = "/api/steward/fn", endpoint = "flash")]
pub async fn take_flash(path: String) -> Result<Option<Flash>, PanelError> {
    use crate::server::api::panel_forms::{clear_flash_cookie, read_flash};
    let (state, caller) = super::door::caller(None).await?;
    if caller.account.is_none() {
        return Ok(None);
    }
    let headers = super::door::headers().await?;
    let Some(found) = read_flash(&headers) else {
        return Ok(None);
    };
    if found.path != path {
        return Ok(None);
    }
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        if let Ok(value) = clear_flash_cookie(&state).parse() {
            response.append_header(axum::http::header::SET_COOKIE, value);
        }
    }
    Ok(Some(found.flash))
}
