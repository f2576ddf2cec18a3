//! The extractor every JSON endpoint uses: merged parameters plus the resolved caller.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, FromRequest, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method};

use super::idempotency;
use super::params::{Params, MAX_JSON_BODY};
use crate::error::AppError;
use crate::server::auth::caller::Credentials;
use crate::server::auth::Caller;
use crate::server::settings::Settings;
use crate::server::state::AppState;

/// One API request: who calls, with which parameters.
#[derive(Clone)]
pub struct ApiRequest {
    pub params: Params,
    pub caller: Caller,
    pub settings: Arc<Settings>,
    pub headers: HeaderMap,
    pub method: Method,
    pub ip: IpAddr,
}

/// The client's address (the TCP peer; steward trusts no forwarding headers by default).
pub fn client_ip(extensions: &axum::http::Extensions) -> IpAddr {
    extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
        .unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST))
}

impl FromRequest<AppState> for ApiRequest {
    type Rejection = AppError;

    async fn from_request(mut req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        // The idempotency layer resolved this request already (it must know whose key it is):
        // reuse that, so credentials are checked, and failures counted, once.
        if let Some(resolved) = idempotency::take_resolved(req.extensions_mut()) {
            return Ok(resolved);
        }
        let (parts, body) = req.into_parts();
        let settings = state.settings().await?;
        let bytes = read_body(body, &settings).await?;
        ApiRequest::from_parts(state, settings, parts, bytes).await
    }
}

/// Reads a request body, up to the JSON limit or the upload limit, whichever is larger.
pub async fn read_body(body: Body, settings: &Settings) -> Result<Bytes, AppError> {
    let limit = usize::try_from(settings.upload_limit)
        .unwrap_or(MAX_JSON_BODY)
        .max(MAX_JSON_BODY);
    axum::body::to_bytes(body, limit)
        .await
        .map_err(|_| AppError::TooLarge)
}

impl ApiRequest {
    /// Parses the parameters and resolves the caller of a request whose body has been read.
    pub async fn from_parts(
        state: &AppState,
        settings: Arc<Settings>,
        parts: Parts,
        bytes: Bytes,
    ) -> Result<ApiRequest, AppError> {
        let params = Params::parse(parts.uri.query(), &parts.headers, bytes).await?;
        let ip = client_ip(&parts.extensions);
        let creds = Credentials {
            method: &parts.method,
            headers: &parts.headers,
            access_token: params.string("access_token").ok().flatten(),
            admin_token: params.string("admin_token").ok().flatten(),
            ip,
        };
        let caller = Caller::resolve(state, settings.clone(), creds).await?;
        Ok(ApiRequest {
            params,
            caller,
            settings,
            headers: parts.headers,
            method: parts.method,
            ip,
        })
    }
}
