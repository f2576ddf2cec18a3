//! `GET /proxy/<sig>/<base64url(url)>[/<filename>]`: the media proxy (operations.md §3). The
//! filename segment is only there for clients that look at extensions and is not checked.

use axum::extract::State;
use axum::http::{header, HeaderValue, Uri};
use axum::response::{IntoResponse, Response};

use crate::error::AppError;
use crate::server::service::media_proxy;
use crate::server::state::AppState;

/// Both route shapes. The segments are read from the raw path (base64url needs no decoding), so
/// a malformed escape in the ignored filename cannot turn into a non-JSON rejection.
pub async fn media(State(state): State<AppState>, uri: Uri) -> Result<Response, AppError> {
    let rest = uri.path().strip_prefix("/proxy/").unwrap_or_default();
    let mut segments = rest.split('/');
    let (sig, encoded) = (
        segments.next().unwrap_or_default(),
        segments.next().unwrap_or_default(),
    );
    serve(&state, sig, encoded).await
}

async fn serve(state: &AppState, sig: &str, encoded: &str) -> Result<Response, AppError> {
    let media = media_proxy::fetch(state, sig, encoded).await?;
    let mut response = media.body.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        media
            .content_type
            .unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    if let Some(length) = media.content_length {
        headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    }
    // Whatever the remote server sent is shown as a file of another origin, never run as a page
    // of this one.
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; sandbox"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    Ok(response)
}
