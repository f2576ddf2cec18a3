//! Request and response rules that hold for every route (README "Wire conventions").

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderValue, Method, StatusCode, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::AppError;

fn is_api(path: &str) -> bool {
    path.starts_with("/api/")
        || path.starts_with("/oauth/")
        || path.starts_with("/nodeinfo/")
        || path == "/oauth"
}

fn is_cors(path: &str) -> bool {
    path.starts_with("/api/") || path.starts_with("/oauth/") || path.starts_with("/nodeinfo/")
}

/// Removes trailing slashes before routing (`/users/alice/` = `/users/alice`, `/admin/` = `/admin`).
pub fn trim_trailing_slash(mut req: Request) -> Request {
    let path = req.uri().path();
    if path.len() > 1 && path.ends_with('/') {
        let trimmed = path.trim_end_matches('/');
        let new = match req.uri().query() {
            Some(q) => format!("{trimmed}?{q}"),
            None => trimmed.to_string(),
        };
        if let Ok(uri) = new.parse::<Uri>() {
            *req.uri_mut() = uri;
        }
    }
    req
}

/// A path whose decoded form holds a NUL byte names nothing steward stores (no database keeps NUL
/// in text): answer 404 before any handler passes it to storage.
pub async fn refuse_nul_paths(req: Request, next: Next) -> Response {
    let decoded = percent_encoding::percent_decode_str(req.uri().path()).collect::<Vec<u8>>();
    if decoded.contains(&0) {
        return AppError::NotFound.into_response();
    }
    next.run(req).await
}

/// CORS for public API paths (any origin, no credentials), preflight answered with 204, and the
/// JSON 404 for unsupported methods on API paths.
pub async fn api_conventions(req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    if is_cors(&path) && req.method() == Method::OPTIONS {
        let mut response = StatusCode::NO_CONTENT.into_response();
        add_cors(&mut response, true);
        return response;
    }
    let mut response = next.run(req).await;
    if is_api(&path) && response.status() == StatusCode::METHOD_NOT_ALLOWED {
        response = AppError::NotFound.into_response();
    }
    if is_api(&path) && response.status() == StatusCode::PAYLOAD_TOO_LARGE {
        response = AppError::TooLarge.into_response();
    }
    if is_cors(&path) {
        add_cors(&mut response, false);
    }
    response
}

fn add_cors(response: &mut Response<Body>, preflight: bool) {
    let headers = response.headers_mut();
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    if preflight {
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_METHODS,
            HeaderValue::from_static("GET, POST, PUT, PATCH, DELETE, OPTIONS"),
        );
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_HEADERS,
            HeaderValue::from_static(
                "Authorization, Content-Type, Idempotency-Key, X-CSRF-Token, X-Admin-Token",
            ),
        );
        headers.insert(
            header::ACCESS_CONTROL_MAX_AGE,
            HeaderValue::from_static("86400"),
        );
    }
}

/// 404 `{"error":"Not found"}` for unknown API paths.
pub async fn api_not_found() -> Response {
    AppError::NotFound.into_response()
}
