//! One-time results of the panel's form posts (see [`crate::model::users::Flash`]).

use leptos::prelude::*;

use crate::error::PanelError;
use crate::model::users::Flash;

/// The flash meant for the page at `path`, removed once read. `None` when there is none, it is
/// meant for another page, or nobody is signed in.
#[server(prefix = "/api/steward/fn", endpoint = "flash")]
pub async fn take_flash(path: String) -> Result<Option<Flash>, PanelError> {
    use crate::server::api::panel_forms::{clear_flash_cookie, read_flash};
    use crate::server::auth::Caller;
    // Everything from the request context is taken before the first real await: during server
    // rendering the context may be gone once the future resumes.
    let state = super::door::state()?;
    let headers = super::door::headers().await?;
    let response = use_context::<leptos_axum::ResponseOptions>();
    let Some(found) = read_flash(&headers) else {
        return Ok(None);
    };
    if found.path != path {
        return Ok(None);
    }
    let caller = Caller::from_session(&state, &headers, None).await?;
    if caller.account.is_none() {
        return Ok(None);
    }
    if let Some(response) = response {
        if let Ok(value) = clear_flash_cookie(&state).parse() {
            response.append_header(axum::http::header::SET_COOKIE, value);
        }
    }
    Ok(Some(found.flash))
}
