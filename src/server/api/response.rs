//! Success responses with the wire's content type.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::error::AppError;

/// The result type of every JSON handler.
pub type ApiResult = Result<Response, AppError>;

const JSON: &str = "application/json; charset=utf-8";

/// 200 with a JSON body.
pub fn ok<T: Serialize>(body: T) -> ApiResult {
    let bytes = serde_json::to_vec(&body)?;
    Ok((
        [(header::CONTENT_TYPE, HeaderValue::from_static(JSON))],
        bytes,
    )
        .into_response())
}

/// 200 with a body that is already JSON text (answers too large to build as a tree first).
pub fn ok_json_text(body: String) -> ApiResult {
    Ok((
        [(header::CONTENT_TYPE, HeaderValue::from_static(JSON))],
        body,
    )
        .into_response())
}

/// 204 with `Content-Type: application/json` and no body.
pub fn no_content() -> ApiResult {
    Ok((
        StatusCode::NO_CONTENT,
        [(header::CONTENT_TYPE, HeaderValue::from_static(JSON))],
    )
        .into_response())
}
