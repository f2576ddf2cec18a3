//! `Idempotency-Key` (spec README "Other conventions"): the first response to a POST, PUT or PATCH
//! under `/api/` that names a user and carries the header is kept six hours per (user, key) and
//! answered again, with `Idempotent-Replayed: true`, to every repeat of that request — from any
//! steward process on the database. README "Choices where the spec is silent" lists the choices.
//!
//! The layer resolves the request the way handlers do ([`ApiRequest`]) because it must know the
//! user before the action runs; the handler's extractor then takes that resolution over
//! ([`take_resolved`]), so credentials are checked and failed logins counted once.

use axum::body::{Body, HttpBody};
use axum::extract::{Request, State};
use axum::http::{header, Extensions, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::params::{Params, MAX_JSON_BODY};
use super::request::{read_body, ApiRequest};
use crate::error::AppError;
use crate::server::auth::caller::Via;
use crate::server::auth::Caller;
use crate::server::db::idempotency::{self as store, Claim, Reservation, StoredResponse};
use crate::server::db::{now_ms, Db};
use crate::server::state::AppState;

/// The request header naming a key.
pub const HEADER: &str = "idempotency-key";
/// The response header marking a replay.
pub const REPLAYED: &str = "idempotent-replayed";
/// Longest key accepted, in bytes (keys are usually UUIDs; Stripe uses the same limit).
pub const MAX_KEY_BYTES: usize = 255;
/// How long a first response is kept (spec: six hours).
pub const KEEP_MS: i64 = 6 * 60 * 60 * 1000;
/// After this long a claim still marked running counts as abandoned (its process died, or the
/// database refused the outcome) and the next request with the key runs again. Long enough for
/// the slowest request steward makes: mail waits for SMTP, whose commands time out after a minute.
pub const LEASE_MS: i64 = 5 * 60 * 1000;
/// Largest response body kept; a larger one is answered as it is and not kept.
const MAX_STORED_BODY: usize = MAX_JSON_BODY;

/// The layer's resolution of a request, waiting in its extensions for the handler's extractor.
#[derive(Clone)]
struct Resolved(ApiRequest);

/// The request the idempotency layer resolved already, if it did.
pub fn take_resolved(extensions: &mut Extensions) -> Option<ApiRequest> {
    extensions.remove::<Resolved>().map(|resolved| resolved.0)
}

/// The middleware. Requests it does not cover pass through untouched (and unbuffered).
pub async fn layer(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if !covers(req.method(), req.uri().path()) || !req.headers().contains_key(HEADER) {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let settings = match state.settings().await {
        Ok(settings) => settings,
        Err(error) => return error.into_response(),
    };
    let bytes = match read_body(body, &settings).await {
        Ok(bytes) => bytes,
        Err(error) => return error.into_response(),
    };
    let resolved = ApiRequest::from_parts(&state, settings, parts.clone(), bytes.clone()).await;
    let mut req = Request::from_parts(parts, Body::from(bytes));
    let api = match resolved {
        Ok(api) => api,
        // The handler meets the same error and answers it where it would without the header
        // (an unknown route still answers 404, not a body error).
        Err(_) => return next.run(req).await,
    };
    let Some(principal) = principal(&api.caller) else {
        // Nobody to keep the key for: the header is ignored.
        req.extensions_mut().insert(Resolved(api));
        return next.run(req).await;
    };
    let key_digest = match key_digest(req.headers()) {
        Ok(digest) => digest,
        Err(error) => return error.into_response(),
    };
    let request_digest = request_digest(req.method(), req.uri().path(), &api.params);
    req.extensions_mut().insert(Resolved(api));
    let claim = Claim {
        principal,
        key_digest,
        created_at: now_ms(),
    };
    match store::reserve(&state.db, &claim, &request_digest, KEEP_MS, LEASE_MS).await {
        Ok(Reservation::Acquired) => run_claimed(&state.db, claim, req, next).await,
        Ok(Reservation::Replay(stored)) => replay(stored),
        Ok(Reservation::InProgress) => AppError::Shaped(
            StatusCode::CONFLICT,
            json!({"error": "A request with this Idempotency-Key is still in progress"}),
        )
        .into_response(),
        Ok(Reservation::Mismatch) => {
            AppError::Unprocessable("Idempotency-Key reused with a different request".to_string())
                .into_response()
        }
        Err(error) => error.into_response(),
    }
}

/// POST, PUT and PATCH under `/api/`, except where a replay could not give the client what the
/// first response did: registration answers a fresh access token and the session login sets a
/// cookie (steward keeps credentials only as digests, and no headers are replayed), and the
/// panel's server functions carry their CSRF token in the body, so the layer cannot resolve them
/// as their handler does. `/oauth/*` is not covered for the first reason.
fn covers(method: &Method, path: &str) -> bool {
    matches!(*method, Method::POST | Method::PUT | Method::PATCH)
        && path.starts_with("/api/")
        && path != "/api/v1/accounts"
        && path != "/api/steward/session"
        && !path.starts_with("/api/steward/fn/")
}

/// Whose keys these are: the account, or the admin token (one operator). App-only tokens name no
/// user, and refused credentials name nobody until the handler has refused them.
fn principal(caller: &Caller) -> Option<String> {
    if caller.refusal.is_some() {
        return None;
    }
    match (&caller.account, caller.via) {
        (Some(account), _) => Some(format!("account:{}", account.id)),
        (None, Via::AdminToken) => Some("admin_token".to_string()),
        _ => None,
    }
}

/// The stored form of the key: its SHA-256 (any bytes the header allows, fixed size in the index).
fn key_digest(headers: &HeaderMap) -> Result<String, AppError> {
    let mut values = headers.get_all(HEADER).iter();
    let (Some(value), None) = (values.next(), values.next()) else {
        return Err(AppError::bad_request("Idempotency-Key must be sent once"));
    };
    let key = value.as_bytes();
    if key.is_empty() || key.len() > MAX_KEY_BYTES {
        return Err(AppError::bad_request(format!(
            "Idempotency-Key must be 1 to {MAX_KEY_BYTES} bytes long"
        )));
    }
    Ok(hex(&Sha256::digest(key)))
}

/// What makes two requests "the same": method, path and the merged parameters (key order, and
/// whether they came as JSON, form or multipart with its random boundary, do not matter), plus
/// uploaded files. Credentials sent as parameters are left out: a retry with a refreshed token is
/// still the same request.
fn request_digest(method: &Method, path: &str, params: &Params) -> String {
    let mut hasher = Sha256::new();
    let mut feed = |part: &[u8]| {
        // Length-prefixed, so no two different part lists give the same byte stream.
        hasher.update((part.len() as u64).to_be_bytes());
        hasher.update(part);
    };
    feed(method.as_str().as_bytes());
    feed(path.as_bytes());
    let mut canonical = String::new();
    let credentials = ["access_token", "admin_token"];
    write_object(
        params
            .map
            .iter()
            .filter(|(name, _)| !credentials.contains(&name.as_str())),
        &mut canonical,
    );
    feed(canonical.as_bytes());
    for file in &params.files {
        feed(file.field.as_bytes());
        feed(file.file_name.as_bytes());
        feed(file.content_type.as_deref().unwrap_or_default().as_bytes());
        feed(&Sha256::digest(&file.bytes));
    }
    hex(&hasher.finalize())
}

/// JSON with object keys sorted, whatever order the map keeps.
fn write_canonical(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => write_object(map.iter(), out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

fn write_object<'a>(entries: impl Iterator<Item = (&'a String, &'a Value)>, out: &mut String) {
    let mut entries: Vec<_> = entries.collect();
    entries.sort_by(|a, b| a.0.cmp(b.0));
    out.push('{');
    for (i, (name, value)) in entries.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&Value::String(name.clone()).to_string());
        out.push(':');
        write_canonical(value, out);
    }
    out.push('}');
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Runs the handler of a claimed request and settles the claim with its response.
async fn run_claimed(db: &Db, claim: Claim, req: Request, next: Next) -> Response {
    // Opportunistic pruning, off the request's path: every claim clears what expired, so the table
    // holds at most six hours of keyed writes.
    let pruning = db.clone();
    tokio::spawn(async move {
        if let Err(error) = store::prune(&pruning, now_ms() - KEEP_MS).await {
            tracing::warn!(error = %error, "could not prune idempotency keys");
        }
    });
    // The handler runs in a task of its own: if the client hangs up, the request future is
    // dropped, and a handler dropped between two awaits would leave the claim open (every retry
    // answered 409 until the lease lapses) and its outcome unknown. Detached, it finishes and
    // keeps its response for the retry.
    let task_db = db.clone();
    let task_claim = claim.clone();
    let task = tokio::spawn(async move {
        let response = next.run(req).await;
        settle(&task_db, &task_claim, response).await
    });
    match task.await {
        Ok(response) => response,
        Err(error) => {
            // The handler panicked: there is no response to keep.
            give_up(db, &claim).await;
            AppError::internal(error).into_response()
        }
    }
}

/// Keeps `response` for the claim when it is a final answer worth replaying, else frees the key.
async fn settle(db: &Db, claim: &Claim, response: Response) -> Response {
    let (parts, body) = response.into_parts();
    // Only a body of known, bounded size is read here: anything else (a stream) passes through
    // as it is and is not kept.
    let bounded = body
        .size_hint()
        .upper()
        .is_some_and(|size| size <= MAX_STORED_BODY as u64);
    if !keeps(parts.status) || !bounded {
        give_up(db, claim).await;
        return Response::from_parts(parts, body);
    }
    let bytes = match axum::body::to_bytes(body, MAX_STORED_BODY).await {
        Ok(bytes) => bytes,
        Err(error) => {
            give_up(db, claim).await;
            return AppError::internal(error).into_response();
        }
    };
    let stored = StoredResponse {
        status: parts.status.as_u16(),
        content_type: parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string),
        body: bytes.to_vec(),
    };
    if let Err(error) = store::complete(db, claim, &stored).await {
        // The action happened, so its answer goes out. The claim stays open until the lease
        // lapses: a retry meanwhile gets 409, never a second run.
        tracing::warn!(error = %error, "could not keep an idempotent response");
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// Which responses are kept: every success and every client error that is the action's own
/// answer. Not kept, so a retry runs again: 5xx (a dependency failed; the retry may succeed),
/// 401/403 (the credentials or their scopes and privileges were refused before anything ran, and
/// may be fixed), 408 and 429 (transient by definition), and redirects or informational answers
/// (none under `/api/`).
fn keeps(status: StatusCode) -> bool {
    (status.is_success() || status.is_client_error())
        && !matches!(
            status,
            StatusCode::UNAUTHORIZED
                | StatusCode::FORBIDDEN
                | StatusCode::REQUEST_TIMEOUT
                | StatusCode::TOO_MANY_REQUESTS
        )
}

async fn give_up(db: &Db, claim: &Claim) {
    if let Err(error) = store::release(db, claim).await {
        // The claim lapses with its lease instead.
        tracing::warn!(error = %error, "could not release an idempotency key");
    }
}

/// The kept response, marked as a replay.
fn replay(stored: StoredResponse) -> Response {
    let Ok(status) = StatusCode::from_u16(stored.status) else {
        return AppError::internal(format!("stored status {}", stored.status)).into_response();
    };
    let mut response = Response::new(Body::from(stored.body));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    if let Some(value) = stored
        .content_type
        .and_then(|c| HeaderValue::from_str(&c).ok())
    {
        headers.insert(header::CONTENT_TYPE, value);
    }
    headers.insert(REPLAYED, HeaderValue::from_static("true"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn covered_requests() {
        assert!(covers(&Method::POST, "/api/v1/statuses"));
        assert!(covers(
            &Method::PATCH,
            "/api/pleroma/admin/users/deactivate"
        ));
        assert!(covers(&Method::POST, "/api/v1/accounts/abc/follow"));
        assert!(!covers(&Method::GET, "/api/v1/statuses"));
        assert!(!covers(&Method::DELETE, "/api/v1/statuses/abc"));
        assert!(!covers(&Method::POST, "/api/v1/accounts"));
        assert!(!covers(&Method::POST, "/api/steward/session"));
        assert!(!covers(&Method::POST, "/api/steward/fn/users_list"));
        assert!(!covers(&Method::POST, "/oauth/token"));
        assert!(!covers(&Method::POST, "/admin/users/action"));
    }

    #[test]
    fn digest_ignores_order_and_credentials() {
        let params = |value: Value| Params::from_value(value);
        let a = params(json!({"status": "hi", "visibility": "public", "x": {"b": 1, "a": [2]}}));
        let b = params(
            json!({"x": {"a": [2], "b": 1}, "visibility": "public", "status": "hi", "access_token": "t"}),
        );
        let c = params(json!({"status": "hi!", "visibility": "public"}));
        let path = "/api/v1/statuses";
        assert_eq!(
            request_digest(&Method::POST, path, &a),
            request_digest(&Method::POST, path, &b)
        );
        assert_ne!(
            request_digest(&Method::POST, path, &a),
            request_digest(&Method::POST, path, &c)
        );
        assert_ne!(
            request_digest(&Method::POST, path, &a),
            request_digest(&Method::PUT, path, &a)
        );
        assert_ne!(
            request_digest(&Method::POST, path, &a),
            request_digest(&Method::POST, "/api/v1/statuse", &a)
        );
    }

    #[test]
    fn key_limits() {
        let mut headers = HeaderMap::new();
        headers.insert(HEADER, HeaderValue::from_static("k"));
        assert!(key_digest(&headers).is_ok());
        let long = "k".repeat(MAX_KEY_BYTES + 1);
        headers.insert(
            HEADER,
            HeaderValue::from_str(&long).unwrap_or(HeaderValue::from_static("")),
        );
        assert!(key_digest(&headers).is_err());
        headers.insert(HEADER, HeaderValue::from_static(""));
        assert!(key_digest(&headers).is_err());
        headers.insert(HEADER, HeaderValue::from_static("a"));
        headers.append(HEADER, HeaderValue::from_static("b"));
        assert!(key_digest(&headers).is_err());
    }

    #[test]
    fn kept_statuses() {
        assert!(keeps(StatusCode::OK));
        assert!(keeps(StatusCode::NO_CONTENT));
        assert!(keeps(StatusCode::UNPROCESSABLE_ENTITY));
        assert!(keeps(StatusCode::NOT_FOUND));
        assert!(!keeps(StatusCode::FORBIDDEN));
        assert!(!keeps(StatusCode::TOO_MANY_REQUESTS));
        assert!(!keeps(StatusCode::SERVICE_UNAVAILABLE));
        assert!(!keeps(StatusCode::INTERNAL_SERVER_ERROR));
    }
}
